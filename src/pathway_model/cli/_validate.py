"""The ``validate`` command: check documents of any kind and list every problem."""

from __future__ import annotations

import argparse

from pathway_model.cli._app import (
    Command,
    ExitCode,
    add_definition_option,
    add_input_arguments,
)
from pathway_model.cli._console import Console
from pathway_model.cli._inputs import (
    load_definition,
    load_document,
    problem_lines,
    read_inputs,
    stdin_once,
)
from pathway_model.cli._render import plural
from pathway_model.errors import ValidationError

__all__ = ["VALIDATE"]


def _arguments(parser: argparse.ArgumentParser) -> None:
    add_input_arguments(parser, what="the documents to check")
    add_definition_option(parser)


def _validate(args: argparse.Namespace, console: Console) -> int:
    stdin_once(args.definition, *args.inputs)
    definition = load_definition(args.definition, console)
    checked = invalid = problems = 0
    for document in read_inputs(args.inputs, console, label="Checking"):
        checked += 1
        lines: tuple[str, ...] = ()
        count = 1
        if document.data is None:
            lines = (f"{document.source}: {document.problem}",)
        else:
            try:
                load_document(document.data, definition=definition)
            except ValidationError as error:
                lines = problem_lines(document.source, error.problems) + _untold(
                    document.source, error
                )
                count = error.total
        if lines:
            invalid += 1
            problems += count
            console.write("\n".join(lines))
    console.write(_summary(checked, invalid, problems))
    return ExitCode.BAD_INPUT if invalid else ExitCode.OK


def _untold(source: str, error: ValidationError) -> tuple[str, ...]:
    """The lines that say what an error's list of problems leaves out."""
    lines = []
    if error.total > len(error.problems):
        lines.append(f"{source}: {error.total - len(error.problems):,} more problems not shown")
    if error.more_may_follow:
        lines.append(f"{source}: more problems may follow once these are mended")
    return tuple(lines)


def _summary(checked: int, invalid: int, problems: int) -> str:
    if not invalid:
        every = "it is" if checked == 1 else "all are"
        return f"Checked {plural(checked, 'document')}: {every} valid."
    return (
        f"Checked {plural(checked, 'document')}: {invalid:,} with problems "
        f"({plural(problems, 'problem')}), {checked - invalid:,} valid."
    )


VALIDATE = Command(
    description=(
        "Check JSON documents of any kind the library reads: pathways, frameworks, pathway\n"
        "definitions, assessments, readiness and review schedules. The kind is read from each\n"
        "document's 'document' key. A pathway is also checked against its definition.\n"
        "\n"
        "Every problem is listed on standard output as 'SOURCE: PATH: expected ...; found ...',\n"
        "then a summary line. The exit code is 0 when every document is valid, and 2 when\n"
        "any has a problem."
    ),
    arguments=_arguments,
    run=_validate,
)
"""``pathway-model validate INPUT...``."""
