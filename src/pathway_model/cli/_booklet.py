"""The ``booklet`` command: the person's own My Shared Pathway, as HTML or (experimental) PDF.

Jinja2 (the ``booklet`` extra) and, for ``--pdf``, WeasyPrint (the ``pdf`` extra) are
imported only when this command runs.
"""

from __future__ import annotations

import argparse

from pathway_model.booklet import BookletUnavailableError, lint_team_text, render
from pathway_model.cli._app import (
    Command,
    CommandError,
    ExitCode,
    add_as_of_option,
    add_definition_option,
    add_file_argument,
    add_output_option,
)
from pathway_model.cli._console import Console, os_problem, write_output
from pathway_model.cli._inputs import one_pathway
from pathway_model.errors import ValidationError

__all__ = ["BOOKLET"]

_PDF_HINT = 'pip install "pathway-model[pdf]"'


def _arguments(parser: argparse.ArgumentParser) -> None:
    add_file_argument(parser)
    add_as_of_option(parser, what="describe")
    add_definition_option(parser)
    parser.add_argument(
        "--easy-read",
        action="store_true",
        help="lay the booklet out as Easy Read: one idea a line, a picture beside each",
    )
    add_output_option(parser, "the booklet")
    parser.add_argument(
        "--pdf",
        action="store_true",
        help=(
            "experimental: write a tagged PDF (PDF/UA-1) to the -o file instead of HTML; "
            f"needs the pdf extra ({_PDF_HINT})"
        ),
    )


def _write_pdf(page: str, output: str) -> None:
    try:
        import weasyprint  # noqa: PLC0415 - an optional dependency
    except ImportError:
        msg = f"--pdf needs WeasyPrint, which is not installed: {_PDF_HINT}"
        raise CommandError(msg) from None
    try:
        weasyprint.HTML(string=page).write_pdf(output, pdf_variant="pdf/ua-1")
    except OSError as error:
        raise CommandError(f"{output}: {os_problem(error, 'write')}") from None


def _booklet(args: argparse.Namespace, console: Console) -> int:
    if args.pdf and args.output is None:
        raise CommandError("--pdf: expected -o FILE to write the PDF to; found no -o")
    pathway, definition = one_pathway(args, console)
    try:
        page = render(pathway, definition, args.as_of, easy_read=args.easy_read)
    except BookletUnavailableError as error:
        raise CommandError(str(error)) from None
    except ValidationError as error:
        raise CommandError(
            *(
                f"--as-of: {problem.expected}; found {problem.found}"
                if problem.path == "as_of"
                else str(problem)
                for problem in error.problems
            )
        ) from None
    for warning in lint_team_text(pathway, definition):
        console.warning(f"{args.file}: {warning}")
    if args.pdf:
        _write_pdf(page, args.output)
    else:
        write_output(page, args.output, console)
    return ExitCode.OK


BOOKLET = Command(
    description=(
        "Write the person's own My Shared Pathway booklet for the pathway in FILE, as it\n"
        "was on --as-of: one self-contained HTML page in everyday words (no script, no\n"
        "network), or Easy Read with --easy-read. Team notes never appear. Words the team\n"
        "wrote that reach the person are checked: jargon and long sentences are warnings."
    ),
    arguments=_arguments,
    run=_booklet,
)
