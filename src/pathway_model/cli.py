"""The ``pathway-model`` command: check documents, decide readiness, exchange FHIR, report.

Run it as ``pathway-model COMMAND ...`` (the console script) or ``python -m pathway_model
COMMAND ...``. Each command is a thin layer over the public API: it reads JSON documents,
calls the library, and writes text for people or the library's own JSON documents.

Exit codes (see the how-to guide "Use the command line"):

- 0: the command did what was asked (a decision of "not ready" is an answer, not a failure);
- 2: bad input or usage: a file that cannot be read, a document with problems, a date that
  is not ``YYYY-MM-DD``, an unknown option;
- 3: an internal error, which is a bug: one line names the exception's type, and
  ``--debug`` shows the traceback;
- 130: interrupted (Ctrl-C); 141: the reader of the output went away (``| head``).

Errors go to standard error, one line each, prefixed ``pathway-model: error:``. They are
built from the library's own messages, which never repeat clinical free text. A problem a
command goes on past (a record skipped with ``cohort --skip-invalid``) is a line prefixed
``pathway-model: warning:``.

Commands are registered with ``command``, so adding one is a
function and a decorator. Commands that read many pathways use
``read_inputs`` and
``load_pathways``: a folder of ``.json`` files, a JSON
Lines file, or standard input, with every record's problems named by file and line and
a progress line on standard error for long runs.

Nothing in the library imports this module; importing ``pathway_model`` stays cheap.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import decimal
import enum
import functools
import io
import json
import os
import re
import shutil
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, NoReturn, TextIO

import attrs

import pathway_model as pm
from pathway_model import catalogue
from pathway_model.errors import PathwayModelError, Problem, ValidationError
from pathway_model.io._converter import json_type, object_of
from pathway_model.io._fhir import FHIR_INSTRUMENTS
from pathway_model.io._json import DOCUMENTS, parse
from pathway_model.model._seam import show_code
from pathway_model.rules._stay import money

__all__ = [
    "COMMANDS",
    "Command",
    "CommandError",
    "Console",
    "ExitCode",
    "GROUPS",
    "Handler",
    "InputDocument",
    "JSON_LINES_SUFFIXES",
    "LoadedPathway",
    "PROG",
    "Progress",
    "STDIN",
    "add_as_of_option",
    "add_definition_option",
    "add_input_arguments",
    "build_parser",
    "command",
    "group",
    "load_document",
    "load_pathway",
    "load_pathways",
    "main",
    "read_inputs",
    "read_one",
]

PROG = "pathway-model"
"""The command's name, in usage lines and error messages, however it was started."""

STDIN = "-"
"""The input name that means standard input."""

#: File name endings read as JSON Lines (one document per line).
JSON_LINES_SUFFIXES = (".jsonl", ".ndjson")

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_HELP_WIDTH = 98


class ExitCode(enum.IntEnum):
    """The exit codes of the command."""

    OK = 0
    """The command did what was asked."""
    BAD_INPUT = 2
    """Bad input or usage: nothing or only part of the work was done."""
    INTERNAL_ERROR = 3
    """An unexpected exception: a bug in pathway-model."""
    INTERRUPTED = 130
    """Interrupted by Ctrl-C (128 + SIGINT, as a shell reports it)."""
    BROKEN_PIPE = 141
    """The reader of standard output closed it early (128 + SIGPIPE, as a shell reports it)."""


class CommandError(Exception):
    """A user error that ends a command: each line is printed after ``pathway-model: error:``.

    Attributes:
        lines: The error lines, each one complete and free of clinical text.
        code: The exit code.
    """

    def __init__(self, *lines: str, code: int = ExitCode.BAD_INPUT) -> None:
        self.lines = lines
        self.code = code
        super().__init__("\n".join(lines))


# --- the console ------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Console:
    """The streams a command reads and writes, and how it reports progress.

    Attributes:
        stdin: Standard input, as bytes (the JSON reader decodes UTF-8 strictly).
        stdout: Standard output: the command's result, and nothing else.
        stderr: Standard error: errors, one line each, and the progress line.
        progress: Whether to show a progress line on long runs.
        progress_explicit: Whether ``--progress`` asked for it (then it is shown from the
            start and, when standard error is not a terminal, as whole lines).
    """

    stdin: IO[bytes] | None
    stdout: TextIO
    stderr: TextIO
    progress: bool = False
    progress_explicit: bool = False
    _shown: list[Progress] = attrs.field(factory=list, init=False, eq=False, repr=False)

    def write(self, text: str) -> None:
        """Write text to standard output, ending it with a newline.

        A progress line drawn on the terminal is cleared first, so that the output does
        not run on from it; it is drawn again at the next step.
        """
        self._hide_progress()
        self.stdout.write(text if text.endswith("\n") else text + "\n")

    def error(self, line: str) -> None:
        """Write one error line to standard error."""
        self._hide_progress()
        self.stderr.write(f"{PROG}: error: {line}\n")

    def warning(self, line: str) -> None:
        """Write one warning line to standard error: a problem the command went on past."""
        self._hide_progress()
        self.stderr.write(f"{PROG}: warning: {line}\n")

    def _hide_progress(self) -> None:
        for progress in self._shown:
            progress.hide()

    def read_stdin(self) -> bytes:
        """Read the whole of standard input.

        Raises:
            CommandError: There is no standard input.
        """
        if self.stdin is None:
            msg = "no standard input to read ('-')"
            raise CommandError(msg)
        return self.stdin.read()

    def progress_for(self, label: str, total: int | None) -> Progress:
        """Start a progress line for ``total`` items (``None`` when unknown)."""
        if not self.progress:
            return Progress(None, label, total)
        interactive = _is_terminal(self.stderr)
        delay = 0.0 if self.progress_explicit else 0.5
        progress = Progress(self.stderr, label, total, interactive=interactive, delay=delay)
        if interactive:
            self._shown.append(progress)
        return progress

    @contextlib.contextmanager
    def step(self, text: str) -> Iterator[None]:
        """Show what a long step without a count is doing, while it runs.

        On a terminal the line is drawn at once and cleared when the step ends; with
        ``--progress`` and standard error not a terminal, it is written once as a whole
        line. Nothing is shown when progress is off.

        Args:
            text: What the step does, e.g. ``"Reporting on 17,426 records"``.
        """
        if not self.progress:
            yield
            return
        interactive = _is_terminal(self.stderr)
        progress = Progress(self.stderr, text, None, interactive=interactive)
        if interactive:
            self._shown.append(progress)
        progress.show()
        try:
            yield
        finally:
            progress.hide()
            if interactive:
                self._shown.remove(progress)


def _is_terminal(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty()) if callable(isatty) else False
    except (OSError, ValueError):  # a closed or detached stream
        return False


class Progress:
    """A progress line on standard error: ``Checking: 1,200 of 8,000 (15%)``.

    On a terminal the line is redrawn in place and cleared at the end, and it appears only
    once a run has taken half a second (at once with ``--progress``). When standard error
    is not a terminal and ``--progress`` was given, progress is written as whole lines:
    one each tenth of the way (each 1,000 items when the total is unknown) and one at the
    end. Nothing is ever written to standard output.

    Examples:
        >>> import io
        >>> log = io.StringIO()
        >>> progress = Progress(log, "Checking", 3)
        >>> for _ in range(3):
        ...     progress.advance()
        >>> progress.finish()
        >>> print(log.getvalue(), end="")
        Checking: 1 of 3 (33%)
        Checking: 2 of 3 (66%)
        Checking: 3 of 3 (100%)
        Checking: done, 3 of 3
    """

    def __init__(
        self,
        stream: TextIO | None,
        label: str,
        total: int | None,
        *,
        interactive: bool = False,
        delay: float = 0.0,
    ) -> None:
        self.stream = stream
        self.label = label
        self.total = total
        self.done = 0
        self.interactive = interactive
        self._shown_at: int | None = None
        self._width = 0
        self._start = time.monotonic()
        self._delay = delay

    def _step(self) -> int:
        """The progress made since the last draw that warrants a new one, in display units."""
        if self.total:
            tenths = 100 if self.interactive else 10
            return self.done * tenths // self.total
        return self.done // (100 if self.interactive else 1_000)

    def _text(self) -> str:
        if self.total:
            return (
                f"{self.label}: {self.done:,} of {self.total:,} ({self.done * 100 // self.total}%)"
            )
        return f"{self.label}: {self.done:,}"

    def _draw(self, text: str) -> None:
        assert self.stream is not None  # only called with a stream
        if self.interactive:
            padding = " " * max(0, self._width - len(text))
            self.stream.write(f"\r{text}{padding}")
            self._width = len(text)
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def advance(self, count: int = 1) -> None:
        """Count ``count`` more items done, and redraw when the shown figure changes."""
        self.done += count
        if self.stream is None:
            return
        step = self._step()
        if step == self._shown_at:
            return
        if self._delay and time.monotonic() - self._start < self._delay:
            return
        self._shown_at = step
        self._draw(self._text())

    def show(self) -> None:
        """Draw the label alone, for a step whose progress cannot be counted."""
        if self.stream is not None:
            self._draw(self.label)

    def hide(self) -> None:
        """Clear the line from the terminal until the next step draws it again."""
        if self.stream is not None and self.interactive and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0
            self._shown_at = None

    def finish(self) -> None:
        """End the progress line: clear it on a terminal, else write a last line."""
        if self.stream is None:
            return
        if self.interactive:
            self.hide()
            return
        total = f" of {self.total:,}" if self.total is not None else ""
        self._draw(f"{self.label}: done, {self.done:,}{total}")


# --- reading inputs -----------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class InputDocument:
    """One JSON document read from an input, or why it could not be read.

    Attributes:
        source: Where it came from, for messages: ``folder/p1.json``, ``cohort.jsonl:12``
            (file and line), ``<stdin>`` or ``<stdin>:3``.
        data: The document's bytes; ``None`` when it could not be read.
        problem: Why it could not be read; ``None`` when it was.
    """

    source: str
    data: bytes | None
    problem: str | None = None


def _check_inputs(inputs: Sequence[str]) -> None:
    """Refuse inputs that do not exist, before any work is done."""
    errors = [
        f"{name}: no such file or folder"
        for name in inputs
        if name != STDIN and not Path(name).exists()
    ]
    if inputs.count(STDIN) > 1:
        errors.append("'-' (standard input) can be given only once")
    if errors:
        raise CommandError(*errors)


def _folder_files(folder: Path) -> list[Path]:
    try:
        files = sorted(
            path
            for path in folder.iterdir()
            if path.suffix.lower() == ".json" and not path.name.startswith(".") and path.is_file()
        )
    except OSError as error:
        msg = f"{folder}: {_os_problem(error)}"
        raise CommandError(msg) from None
    if not files:
        msg = f"{folder}: no .json files in this folder"
        raise CommandError(msg)
    return files


def _is_json_lines(data: bytes) -> bool:
    """Whether text holds more than one document, the first ending on its first line.

    A single document (pretty-printed or not) is read as one; anything that starts with
    one complete document on its first line and goes on with more text after a line
    break is read as JSON Lines.
    """
    text = data.decode("utf-8", errors="replace").removeprefix("\ufeff").lstrip()
    try:
        _, end = json.JSONDecoder().raw_decode(text)
    except (ValueError, RecursionError):
        return False
    rest = text[end:]
    line_end = rest.find("\n")
    return line_end >= 0 and not rest[:line_end].strip() and bool(rest[line_end:].strip())


def _lines_of(data: bytes, name: str) -> Iterator[InputDocument]:
    for number, line in enumerate(data.split(b"\n"), start=1):
        if line.strip():
            yield InputDocument(source=f"{name}:{number}", data=line.rstrip(b"\r"))


def _count_lines(path: Path) -> int:
    """The documents in a JSON Lines file, for the progress line (0 if it cannot be read)."""
    try:
        with path.open("rb") as file:
            return sum(1 for line in file if line.strip())
    except OSError:
        return 0  # reading it properly reports the problem


def _read_file(path: Path, source: str) -> InputDocument:
    try:
        return InputDocument(source=source, data=path.read_bytes())
    except OSError as error:
        return InputDocument(source=source, data=None, problem=_os_problem(error))


def _os_problem(error: OSError, doing: str = "read") -> str:
    reason = error.strerror or type(error).__name__
    return f"cannot {doing}: {reason[0].lower()}{reason[1:]}"


def _read_lines_file(path: Path) -> Iterator[InputDocument]:
    try:
        with path.open("rb") as file:
            for number, line in enumerate(file, start=1):
                if line.strip():
                    yield InputDocument(source=f"{path}:{number}", data=line.rstrip(b"\r\n"))
    except OSError as error:
        yield InputDocument(source=str(path), data=None, problem=_os_problem(error))


def _plan(name: str, console: Console) -> tuple[Callable[[], Iterable[InputDocument]], int]:
    """How to read one input, and how many documents it holds (0 when not counted)."""
    if name == STDIN:
        data = console.read_stdin()
        if _is_json_lines(data):
            documents = list(_lines_of(data, "<stdin>"))
            return (lambda: documents), len(documents)
        return (lambda: [InputDocument(source="<stdin>", data=data)]), 1
    path = Path(name)
    if path.is_dir():
        files = _folder_files(path)
        return (lambda: (_read_file(file, str(file)) for file in files)), len(files)
    if path.suffix.lower() in JSON_LINES_SUFFIXES:
        count = _count_lines(path) if console.progress else 0
        return (lambda: _read_lines_file(path)), count
    return (lambda: [_read_file(path, name)]), 1


def read_inputs(
    inputs: Sequence[str], console: Console, *, label: str = "Reading"
) -> Iterator[InputDocument]:
    """Read every JSON document in the inputs, in order, with a progress line.

    Each input is one of:

    - a folder: each ``.json`` file directly in it (not in sub-folders; hidden files
      skipped), in name order, one document per file;
    - a file ending ``.jsonl`` or ``.ndjson``: JSON Lines, one document per non-blank line;
    - any other file: one document;
    - ``-``: standard input, read as one document, or as JSON Lines when its first line
      holds a whole document and more lines follow.

    Args:
        inputs: The inputs, as given on the command line.
        console: Where to read standard input and show progress.
        label: What the progress line says is happening, e.g. ``"Checking"``.

    Yields:
        Each document, or why one could not be read. A file that cannot be read yields
            one document with a problem; the others are still read.

    Raises:
        CommandError: An input does not exist, a folder holds no ``.json`` files, or
            ``-`` is given twice. Nothing is read then.
    """
    _check_inputs(inputs)
    plans = [_plan(name, console) for name in inputs]
    progress = console.progress_for(label, sum(count for _, count in plans))
    try:
        for documents, _ in plans:
            for document in documents():
                yield document
                progress.advance()
    finally:
        progress.finish()


def read_one(name: str, console: Console) -> InputDocument:
    """Read the one document a command works on: a file, or ``-`` for standard input.

    Raises:
        CommandError: The file does not exist, is a folder, or cannot be read.
    """
    if name == STDIN:
        return InputDocument(source="<stdin>", data=console.read_stdin())
    path = Path(name)
    if not path.exists():
        msg = f"{name}: no such file"
        raise CommandError(msg)
    if path.is_dir():
        msg = f"{name}: is a folder; give one JSON file"
        raise CommandError(msg)
    document = _read_file(path, name)
    if document.problem is not None:
        msg = f"{name}: {document.problem}"
        raise CommandError(msg)
    return document


# --- loading documents -------------------------------------------------------------------------


def _problem_lines(source: str, problems: Iterable[Problem]) -> tuple[str, ...]:
    return tuple(f"{source}: {problem}" for problem in problems)


def _builtin_names() -> str:
    return ", ".join(f"{item.id}@{item.version}" for item in catalogue.DEFINITIONS)


def _definition_problem(pathway: pm.Pathway) -> Problem:
    return Problem(
        path="$.definition_id",
        expected=(
            f"a built-in pathway definition ({_builtin_names()}), "
            "or its definition given with --definition FILE"
        ),
        found=show_code(f"{pathway.definition_id}@{pathway.definition_version}"),
    )


def _is_builtin(pathway: pm.Pathway) -> bool:
    named = (pathway.definition_id, pathway.definition_version)
    return any((item.id, item.version) == named for item in catalogue.DEFINITIONS)


def _document_kind(tree: object) -> type[Any]:
    """The class of a parsed document, from its ``document`` key.

    Raises:
        ValidationError: It is not an object, or names no kind of document this library reads.
    """
    header = object_of(tree, "$")
    if header is None:
        raise ValidationError.single(
            "$", "a JSON object (a pathway_model document)", json_type(tree)
        )
    name = header.get("document")
    for cls, document in DOCUMENTS.items():
        if name == document:
            return cls
    kinds = ", ".join(repr(document) for document in DOCUMENTS.values())
    if "document" not in header:
        found = "no key"
    elif isinstance(name, str):
        found = show_code(name)
    else:
        found = json_type(name)
    raise ValidationError.single("$.document", f"one of {kinds}", found)


def load_document(data: bytes, *, definition: pm.PathwayDefinition | None = None) -> object:
    """Read a document of any kind, found from its ``document`` key, and check it fully.

    A pathway is checked against ``definition`` when given, else against the built-in
    definition it names; a pathway on a definition that is neither is refused, as it
    cannot be checked.

    Args:
        data: The document's bytes.
        definition: The definition to check pathways against.

    Returns:
        The object the document holds.

    Raises:
        ValidationError: Every problem found, each with its JSON path.
    """
    tree = parse(data)
    cls = _document_kind(tree)
    obj: object = pm.from_dict(tree, cls, definition=definition)
    if isinstance(obj, pm.Pathway) and definition is None and not _is_builtin(obj):
        raise ValidationError([_definition_problem(obj)])
    return obj


@attrs.frozen(kw_only=True)
class LoadedPathway:
    """A pathway read from an input, or the problems that stopped it being read.

    Attributes:
        source: Where it came from (see ``InputDocument``).
        pathway: The pathway, checked against its definition; ``None`` when refused.
        problems: One line per problem, each starting with ``source``; empty when read.
    """

    source: str
    pathway: pm.Pathway | None
    problems: tuple[str, ...] = ()


def load_pathway(document: InputDocument, definition: pm.PathwayDefinition | None) -> LoadedPathway:
    """Read one pathway document and check it against its definition."""
    if document.data is None:
        return LoadedPathway(
            source=document.source,
            pathway=None,
            problems=(f"{document.source}: {document.problem}",),
        )
    try:
        pathway = pm.loads(document.data, pm.Pathway, definition=definition)
    except ValidationError as error:
        problems: Iterable[Problem] = error.problems
    else:
        if definition is not None or _is_builtin(pathway):
            return LoadedPathway(source=document.source, pathway=pathway)
        problems = [_definition_problem(pathway)]
    return LoadedPathway(
        source=document.source, pathway=None, problems=_problem_lines(document.source, problems)
    )


def load_pathways(
    inputs: Sequence[str],
    console: Console,
    *,
    definition: pm.PathwayDefinition | None = None,
    label: str = "Reading",
) -> Iterator[LoadedPathway]:
    """Read every pathway in the inputs, checking each against its definition.

    The inputs are read as ``read_inputs`` reads them. A record with problems does not
    stop the others: it is yielded with its problems, each line naming the file (and
    line, for JSON Lines) it came from.

    Args:
        inputs: Folders, JSON or JSON Lines files, or ``-`` for standard input.
        console: Where to read standard input and show progress.
        definition: The definition every pathway follows; each one's built-in definition
            when ``None``.
        label: What the progress line says is happening.

    Raises:
        CommandError: An input does not exist, or a folder holds no ``.json`` files.
    """
    for document in read_inputs(inputs, console, label=label):
        yield load_pathway(document, definition)


def _load_definition(name: str | None, console: Console) -> pm.PathwayDefinition | None:
    """Read the ``--definition`` file, if one was given."""
    if name is None:
        return None
    document = read_one(name, console)
    assert document.data is not None  # read_one raises otherwise
    try:
        return pm.loads(document.data, pm.PathwayDefinition)
    except ValidationError as error:
        raise CommandError(*_problem_lines(document.source, error.problems)) from None


def _stdin_once(*names: str | None) -> None:
    """Refuse ``-`` given for two inputs: standard input can be read only once."""
    if names.count(STDIN) > 1:
        msg = "'-' (standard input) can be given only once"
        raise CommandError(msg)


def _one_pathway(
    args: argparse.Namespace, console: Console
) -> tuple[pm.Pathway, pm.PathwayDefinition]:
    """Read the pathway and the definition a rule command works on."""
    _stdin_once(args.file, args.definition)
    definition = _load_definition(args.definition, console)
    loaded = load_pathway(read_one(args.file, console), definition)
    if loaded.pathway is None:
        raise CommandError(*loaded.problems)
    pathway = loaded.pathway
    return pathway, definition or catalogue.definition_for(pathway)


# --- the command registry ----------------------------------------------------------------------

Handler = Callable[[argparse.Namespace, Console], int]
"""What a command does: given its parsed arguments and the console, return an exit code."""


@attrs.frozen(kw_only=True)
class Command:
    """A registered command.

    Attributes:
        name: Its words, e.g. ``("validate",)`` or ``("fhir", "export")``.
        summary: One line for the list of commands.
        description: What ``--help`` says above the options.
        arguments: Adds the command's arguments to its parser.
        run: Runs it.
    """

    name: tuple[str, ...]
    summary: str
    description: str
    arguments: Callable[[argparse.ArgumentParser], None]
    run: Handler


#: Every command, in the order ``--help`` lists them.
COMMANDS: dict[tuple[str, ...], Command] = {}
#: Command groups (the first word of two-word commands), with their one-line summaries.
GROUPS: dict[str, str] = {}


def group(name: str, summary: str) -> None:
    """Register a group of commands, such as ``fhir`` for ``fhir export`` and ``fhir import``."""
    GROUPS[name] = summary


def _no_arguments(parser: argparse.ArgumentParser) -> None:
    """A command without arguments of its own."""


def command(
    name: str,
    *,
    summary: str,
    description: str = "",
    arguments: Callable[[argparse.ArgumentParser], None] = _no_arguments,
) -> Callable[[Handler], Handler]:
    """Register a function as a command.

    Args:
        name: The command's words, e.g. ``"validate"``, or ``"fhir export"`` for a
            command in a group registered with ``group``.
        summary: One line for the list of commands.
        description: What ``--help`` says above the options; ``summary`` when empty.
        arguments: Adds the command's arguments to its parser.

    Returns:
        A decorator that registers the function and returns it unchanged.
    """
    words = tuple(name.split())

    def register(run: Handler) -> Handler:
        COMMANDS[words] = Command(
            name=words,
            summary=summary,
            description=description or summary,
            arguments=arguments,
            run=run,
        )
        return run

    return register


# --- shared options -----------------------------------------------------------------------------


def _as_of(text: str) -> dt.date:
    """Read ``--as-of``: an ISO 8601 calendar date, ``YYYY-MM-DD``, and nothing else."""
    if not _ISO_DATE.fullmatch(text):
        msg = f"expected a date as YYYY-MM-DD, e.g. 2025-01-15; found {show_code(text)}"
        raise argparse.ArgumentTypeError(msg)
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        msg = f"expected a date that exists; found {show_code(text)}"
        raise argparse.ArgumentTypeError(msg) from None


def add_as_of_option(parser: argparse.ArgumentParser, *, what: str = "decide for") -> None:
    """Add the required ``--as-of DATE`` option.

    Args:
        parser: The command's parser.
        what: What the date is for, after "the date to", e.g. ``"decide for"``.
    """
    parser.add_argument(
        "--as-of",
        required=True,
        type=_as_of,
        metavar="DATE",
        help=(
            f"the date to {what}, as YYYY-MM-DD (required: the rules never read the "
            "clock, so the same file and date always give the same answer)"
        ),
    )


def add_definition_option(parser: argparse.ArgumentParser) -> None:
    """Add the ``--definition FILE`` option."""
    parser.add_argument(
        "--definition",
        metavar="FILE",
        help=(
            "a pathway definition JSON document to use; by default, the built-in "
            "definition each pathway names (its definition_id and definition_version)"
        ),
    )


def add_input_arguments(parser: argparse.ArgumentParser, *, what: str = "documents") -> None:
    """Add the ``INPUT...`` arguments of a command that reads many documents."""
    parser.add_argument(
        "inputs",
        nargs="+",
        metavar="INPUT",
        help=(
            f"{what}: a JSON file, a JSON Lines file (.jsonl or .ndjson: one document a "
            "line), a folder of .json files, or - for standard input"
        ),
    )


def _add_one_file(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="a pathway JSON document, or - to read stdin")


def _add_json_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--json",
        action="store_true",
        help=f"write the {what} as the library's JSON document (one line) instead of text",
    )


# --- validate ------------------------------------------------------------------------------------


def _validate_arguments(parser: argparse.ArgumentParser) -> None:
    add_input_arguments(parser, what="the documents to check")
    add_definition_option(parser)


@command(
    "validate",
    summary="check JSON documents and list every problem",
    description=(
        "Check JSON documents of any kind the library reads: pathways, frameworks, pathway\n"
        "definitions, assessments, readiness and review schedules. The kind is read from each\n"
        "document's 'document' key. A pathway is also checked against its definition.\n"
        "\n"
        "Every problem is listed on standard output as 'SOURCE: PATH: expected ...; found ...',\n"
        "then a summary line. The exit code is 0 when every document is valid, and 2 when\n"
        "any has a problem."
    ),
    arguments=_validate_arguments,
)
def _validate(args: argparse.Namespace, console: Console) -> int:
    _stdin_once(args.definition, *args.inputs)
    definition = _load_definition(args.definition, console)
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
                lines = _problem_lines(document.source, error.problems) + _untold(
                    document.source, error
                )
                count = error.total
        if lines:
            invalid += 1
            problems += count
            console.write("\n".join(lines))
    console.write(_validate_summary(checked, invalid, problems))
    return ExitCode.BAD_INPUT if invalid else ExitCode.OK


def _untold(source: str, error: ValidationError) -> tuple[str, ...]:
    """The lines that say what an error's list of problems leaves out."""
    lines = []
    if error.total > len(error.problems):
        lines.append(f"{source}: {error.total - len(error.problems):,} more problems not shown")
    if error.more_may_follow:
        lines.append(f"{source}: more problems may follow once these are mended")
    return tuple(lines)


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}" + ("" if count == 1 else "s")


def _validate_summary(checked: int, invalid: int, problems: int) -> str:
    if not invalid:
        every = "it is" if checked == 1 else "all are"
        return f"Checked {_plural(checked, 'document')}: {every} valid."
    return (
        f"Checked {_plural(checked, 'document')}: {invalid:,} with problems "
        f"({_plural(problems, 'problem')}), {checked - invalid:,} valid."
    )


# --- assess, readiness, schedule ----------------------------------------------------------------


def _rule_arguments(what: str) -> Callable[[argparse.ArgumentParser], None]:
    def arguments(parser: argparse.ArgumentParser) -> None:
        _add_one_file(parser)
        add_as_of_option(parser)
        add_definition_option(parser)
        _add_json_option(parser, what)

    return arguments


def _assess_arguments(parser: argparse.ArgumentParser) -> None:
    _add_one_file(parser)
    add_as_of_option(parser)
    add_definition_option(parser)
    output = parser.add_mutually_exclusive_group()
    output.add_argument(
        "--for",
        dest="audience",
        choices=[audience.value for audience in pm.Audience],
        help=(
            "who the text is for: the team (precise: every criterion and its evidence; the "
            "default) or the person (everyday words, short sentences)"
        ),
    )
    output.add_argument(
        "--json",
        action="store_true",
        help="write the decision as the library's JSON document (one line) instead of text",
    )


def _rule_error(error: ValidationError) -> CommandError:
    """An error from a rule: its problems, with the date argument named as on the command line."""
    return CommandError(
        *(
            str(attrs.evolve(problem, path="--as-of") if problem.path == "as_of" else problem)
            for problem in error.problems
        )
    )


@command(
    "assess",
    summary="decide whether a person is ready to move on, and explain why",
    description=(
        "Decide whether the person whose pathway is in FILE is ready to move on from the\n"
        "stay at --as-of, and explain the decision: for the team (every criterion, what was\n"
        "expected and found, and the reviews and incidents it was judged on) or for the\n"
        "person (everyday words). A decision of 'not ready' is an answer: the exit code is 0."
    ),
    arguments=_assess_arguments,
)
def _assess(args: argparse.Namespace, console: Console) -> int:
    pathway, definition = _one_pathway(args, console)
    try:
        decision = pm.assess(pathway, args.as_of, definition=definition)
    except ValidationError as error:
        raise _rule_error(error) from None
    if args.json:
        console.write(pm.dumps(decision))
    else:
        audience = args.audience or pm.Audience.TEAM.value
        console.write(pm.explain(decision, audience, definition=definition))
    return ExitCode.OK


@command(
    "readiness",
    summary='work out "not a day more": readiness date, ready days, cost of delay',
    description=(
        'Work out "not a day more" for the stay at --as-of in FILE: whether the person is\n'
        "ready, since when, the days ready but still in the stay, and the cost of that delay.\n"
        "For a date after a stay ended, the figures run to its end."
    ),
    arguments=_rule_arguments("figures"),
)
def _readiness(args: argparse.Namespace, console: Console) -> int:
    pathway, definition = _one_pathway(args, console)
    try:
        result = pm.readiness(pathway, args.as_of, definition=definition)
    except ValidationError as error:
        raise _rule_error(error) from None
    if args.json:
        console.write(pm.dumps(result))
    else:
        console.write(_readiness_text(result, pathway, definition))
    return ExitCode.OK


def _stay_heading(
    person_id: str, placement: pm.Placement, definition: pm.PathwayDefinition, as_of: dt.date
) -> str:
    stage = definition.stage(placement.stage)
    ended = "" if placement.end is None else f", ended {placement.end.isoformat()}"
    return (
        f"{person_id}: {stage.name} ({placement.provider}, stay {placement.id} "
        f"from {placement.start.isoformat()}{ended}), as of {as_of.isoformat()}."
    )


def _placement(pathway: pm.Pathway, placement_id: str) -> pm.Placement:
    return next(item for item in pathway.placements if item.id == placement_id)


def _readiness_text(
    result: pm.Readiness, pathway: pm.Pathway, definition: pm.PathwayDefinition
) -> str:
    placement = _placement(pathway, result.placement_id)
    lines = [_stay_heading(pathway.person_id, placement, definition, result.as_of)]
    ready = "Ready" if result.placement_open else "Ready on the stay's last day"
    if result.ready and result.readiness_date is not None:
        lines.append(
            f"{ready}: yes, since {result.readiness_date.isoformat()} "
            f"({_plural(result.days_beyond_readiness, 'day')} beyond readiness)."
        )
    else:
        lines.append(f"{ready}: no.")
    in_runs = f", in {_plural(len(result.runs), 'ready run')}:" if result.runs else "."
    lines.append(
        f"Ready days in this stay: {result.ready_days:,} of {result.days_in_placement:,}{in_runs}"
    )
    # The run's two dates as the JSON document gives them (``start``, ``end``), each labelled.
    lines.extend(
        f"  - first ready day {run.start.isoformat()}, first day after {run.end.isoformat()} "
        f"({_plural(run.days, 'day')})"
        for run in result.runs
    )
    if result.cost_of_delay is not None and result.bed_day_cost is not None:
        estimate = "an estimated " if result.cost_is_estimate else ""
        lines.append(
            f"Cost of delay: {money(result.cost_of_delay)} "
            f"at {estimate}{money(result.bed_day_cost)} a bed-day."
        )
    else:
        lines.append("Cost of delay: not known (the stage has no bed-day cost).")
    return "\n".join(lines)


@command(
    "schedule",
    summary="work out when the next review is due, and whether it is overdue",
    description=(
        "Work out when the next review of the stay at --as-of in FILE is due: the last\n"
        "review plus the stage's review interval, or the stay's start plus its first-review\n"
        "deadline; and whether it is overdue at --as-of."
    ),
    arguments=_rule_arguments("schedule"),
)
def _schedule(args: argparse.Namespace, console: Console) -> int:
    pathway, definition = _one_pathway(args, console)
    try:
        result = pm.review_schedule(pathway, args.as_of, definition=definition)
    except ValidationError as error:
        raise _rule_error(error) from None
    if args.json:
        console.write(pm.dumps(result))
    else:
        console.write(_schedule_text(result, pathway, definition))
    return ExitCode.OK


def _schedule_text(
    result: pm.ReviewSchedule, pathway: pm.Pathway, definition: pm.PathwayDefinition
) -> str:
    placement = _placement(pathway, result.placement_id)
    lines = [_stay_heading(pathway.person_id, placement, definition, result.as_of)]
    if result.last_review_id is not None and result.last_review_date is not None:
        agreed = (
            ""
            if result.agreed_next_review_date is None
            else f"; next review agreed for {result.agreed_next_review_date.isoformat()}"
        )
        lines.append(
            f"Last review: {result.last_review_id} on "
            f"{result.last_review_date.isoformat()}{agreed}."
        )
    else:
        lines.append("Last review: none yet in this stay.")
    if result.due is None:
        reason = "the stay has ended" if placement.end is not None else "the stage has none"
        lines.append(f"Next review: not scheduled ({reason}).")
    elif result.overdue:
        lines.append(
            f"Next review: OVERDUE, due {result.due.isoformat()} "
            f"({_plural(result.days_overdue, 'day')} ago)."
        )
    else:
        lines.append(f"Next review: due by {result.due.isoformat()}.")
    return "\n".join(lines)


# --- schema -------------------------------------------------------------------------------------


def _schema_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "document",
        nargs="?",
        default="pathway",
        choices=list(DOCUMENTS.values()),
        metavar="DOCUMENT",
        help=(
            "the kind of document, as its 'document' key names it: "
            + ", ".join(DOCUMENTS.values())
            + " (default: pathway)"
        ),
    )
    _add_output_option(parser, "the schema")


@command(
    "schema",
    summary="write the JSON Schema (draft 2020-12) of a kind of document",
    description=(
        "Write the JSON Schema (draft 2020-12) of a kind of document, generated from the\n"
        "model. Every document the schema refuses, the loader refuses too; the loader checks\n"
        "more than a schema can say (dates that exist, unique ids, codes the definition\n"
        "knows), so use 'validate' for the full check."
    ),
    arguments=_schema_arguments,
)
def _schema(args: argparse.Namespace, console: Console) -> int:
    cls = next(kind for kind, name in DOCUMENTS.items() if name == args.document)
    text = json.dumps(pm.json_schema(cls), indent=2, ensure_ascii=False) + "\n"
    _write_output(text, args.output, console)
    return ExitCode.OK


def _add_output_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help=f"write {what} to FILE (UTF-8, replaced if it exists) instead of standard output",
    )


def _write_output(text: str, output: str | None, console: Console) -> None:
    """Write a command's result to standard output, or to the ``-o`` file when given."""
    if output is None:
        console.write(text)
        return
    try:
        with open(output, "w", encoding="utf-8", newline="\n") as file:
            file.write(text)
    except OSError as error:
        msg = f"{output}: {_os_problem(error, 'write')}"
        raise CommandError(msg) from None


# --- fhir ---------------------------------------------------------------------------------------

group("fhir", "exchange pathways as FHIR R4 Bundles, and publish their code systems")

#: The keys of an instrument rating in an ``--instruments`` file, in the order written.
_RATING_KEYS = ("id", "instrument", "date", "record")


def _add_indent_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--indent",
        type=_indent,
        default=2,
        metavar="N",
        help="indent the JSON by N spaces, 0 to 8; 0 writes it on one line (default: 2)",
    )


def _indent(text: str) -> int:
    """Read ``--indent``: a whole number of spaces from 0 to 8."""
    if not text.isdigit() or int(text) > 8:
        msg = f"expected a whole number from 0 to 8; found {show_code(text)}"
        raise argparse.ArgumentTypeError(msg)
    return int(text)


def _json_text(document: object, indent: int) -> str:
    """A JSON document as text: deterministic, UTF-8 as is, one line when ``indent`` is 0."""
    if indent:
        text = json.dumps(document, ensure_ascii=False, allow_nan=False, indent=indent)
    else:
        text = json.dumps(document, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return text + "\n"


def _instruments_help(what: str) -> str:
    return (
        f"{what} HoNOS and HoNOS-secure ratings in FILE: a JSON array of objects with "
        "'id', 'instrument' (honos or honos_secure), 'date' (YYYY-MM-DD) and 'record' "
        "(each scale's rating by code, h1 ..., and optionally problem_8)"
    )


def _rating_path(problem: Problem, where: str, instrument: Any) -> str:
    """The path in the ``--instruments`` file of a problem ``InstrumentRating`` found."""
    path = problem.path
    ratings = re.fullmatch(r"InstrumentRating\.ratings\[([0-9]+)\]", path)
    if ratings is not None and int(ratings[1]) < len(instrument.codes):
        return f"{where}.record.{instrument.codes[int(ratings[1])]}"
    if path.startswith("InstrumentRating.problem_8"):
        return f"{where}.record.problem_8"
    if path.startswith("InstrumentRating.ratings"):
        return f"{where}.record"
    if path.startswith("InstrumentRating."):
        return where + path.removeprefix("InstrumentRating")
    key = re.fullmatch(r"record\['([^']*)'\]", path)
    if key is not None:
        return f"{where}.record.{key[1]}"
    return f"{where}.record" if path == "record" else where


def _instrument_rating(item: object, where: str) -> tuple[Any, list[Problem]]:
    """Read one instrument rating of an ``--instruments`` file, or the problems with it."""
    rating = object_of(item, where)
    if rating is None:
        expected = "an instrument rating: an object with " + ", ".join(_RATING_KEYS)
        return None, [Problem(path=where, expected=expected, found=json_type(item))]
    only = f"only the keys {', '.join(_RATING_KEYS)}"
    problems = [
        Problem(path=where, expected=only, found=f"an unknown key {show_code(key)}")
        for key in rating
        if key not in _RATING_KEYS
    ]
    problems += [
        Problem(path=f"{where}.{key}", expected="a value", found="no key")
        for key in _RATING_KEYS
        if key not in rating
    ]
    value = rating.get("instrument")
    instrument = FHIR_INSTRUMENTS.get(value) if isinstance(value, str) else None
    if "instrument" in rating and instrument is None:
        found = show_code(value) if isinstance(value, str) else json_type(value)
        expected = " or ".join(repr(code) for code in FHIR_INSTRUMENTS)
        problems.append(Problem(path=f"{where}.instrument", expected=expected, found=found))
    day: dt.date | None = None
    if "date" in rating:
        value = rating["date"]
        try:
            day = _as_of(value) if isinstance(value, str) else None
        except argparse.ArgumentTypeError:
            day = None
        if day is None:
            found = show_code(value) if isinstance(value, str) else json_type(value)
            problems.append(
                Problem(path=f"{where}.date", expected="a date as YYYY-MM-DD", found=found)
            )
    record = object_of(rating.get("record", ()), f"{where}.record")
    if "record" in rating and record is None:
        problems.append(
            Problem(
                path=f"{where}.record",
                expected="an object: each scale's rating by code",
                found=json_type(rating["record"]),
            )
        )
    if problems or instrument is None or day is None or record is None:
        return None, problems
    try:
        made = pm.InstrumentRating.from_record(
            id=rating["id"], instrument=instrument, date=day, record=record
        )
    except ValidationError as error:
        return None, [
            attrs.evolve(problem, path=_rating_path(problem, where, instrument))
            for problem in error.problems
        ]
    return made, []


def _instrument_ratings(data: bytes) -> tuple[Any, ...]:
    """Read the instrument ratings of an ``--instruments`` file.

    Raises:
        ValidationError: Every problem found, each with its path in the file.
    """
    tree = parse(data)
    if not isinstance(tree, list):
        raise ValidationError.single("$", "a JSON array of instrument ratings", json_type(tree))
    ratings: list[Any] = []
    problems: list[Problem] = []
    for index, item in enumerate(tree):
        try:
            rating, found = _instrument_rating(item, f"$[{index}]")
        except ValidationError as error:  # a key given twice
            rating, found = None, list(error.problems)
        problems += found
        if rating is not None:
            ratings.append(rating)
    _raise_problems(problems)
    return tuple(ratings)


def _raise_problems(problems: Sequence[Problem]) -> None:
    if problems:
        raise ValidationError(problems)


def _load_instruments(name: str | None, console: Console) -> tuple[Any, ...]:
    """Read the ``--instruments`` file of ``fhir export``, if one was given."""
    if name is None:
        return ()
    document = read_one(name, console)
    assert document.data is not None  # read_one raises otherwise
    try:
        return _instrument_ratings(document.data)
    except ValidationError as error:
        raise CommandError(*_problem_lines(document.source, error.problems)) from None


def _instruments_document(ratings: Iterable[Any]) -> list[dict[str, Any]]:
    """Instrument ratings as an ``--instruments`` file holds them."""
    return [
        {
            "id": rating.id,
            "instrument": rating.instrument.code,
            "date": rating.date.isoformat(),
            "record": rating.record,
        }
        for rating in ratings
    ]


def _fhir_export_arguments(parser: argparse.ArgumentParser) -> None:
    _add_one_file(parser)
    add_definition_option(parser)
    parser.add_argument("--instruments", metavar="FILE", help=_instruments_help("send"))
    _add_output_option(parser, "the Bundle")
    _add_indent_option(parser)


@command(
    "fhir export",
    summary="write a pathway as a FHIR R4 Bundle",
    description=(
        "Write the pathway in FILE as a FHIR R4 (4.0.1) Bundle of type 'collection': a\n"
        "CarePlan, an EpisodeOfCare per stay, a Goal per goal, an Encounter per review and\n"
        "Observations for ratings, goal progress, incidents and instrument ratings. The\n"
        "pathway is checked against its definition first. The same input always gives the\n"
        "same bytes, resource ids included."
    ),
    arguments=_fhir_export_arguments,
)
def _fhir_export(args: argparse.Namespace, console: Console) -> int:
    _stdin_once(args.file, args.definition, args.instruments)
    pathway, definition = _one_pathway(args, console)
    ratings = _load_instruments(args.instruments, console)
    try:
        bundle = pm.to_fhir(pathway, definition=definition, instrument_ratings=ratings)
    except ValidationError as error:  # two instrument ratings with one id
        raise CommandError(
            *(
                f"{args.instruments}: {attrs.evolve(problem, path='$')}"
                if problem.path.startswith("instrument_ratings")
                else f"{args.file}: {problem}"
                for problem in error.problems
            )
        ) from None
    _write_output(_json_text(bundle, args.indent), args.output, console)
    return ExitCode.OK


def _fhir_import_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="a FHIR Bundle JSON document, or - for stdin")
    add_definition_option(parser)
    parser.add_argument(
        "--instruments",
        metavar="FILE",
        help=(
            "write the Bundle's HoNOS and HoNOS-secure ratings to FILE, as 'fhir export "
            "--instruments' reads them (without it, they are left out, with a warning)"
        ),
    )
    _add_output_option(parser, "the pathway")
    _add_indent_option(parser)


def _library_document(data: bytes) -> str | None:
    """The kind of library document ``data`` holds (its ``document`` key), if it is one."""
    try:
        header = object_of(parse(data), "$")
    except ValidationError:
        return None
    if header is None or "resourceType" in header:
        return None
    kind = header.get("document")
    return kind if kind in DOCUMENTS.values() else None


def _not_a_bundle(kind: str) -> Problem:
    hint = " (write one with 'fhir export')" if kind == DOCUMENTS[pm.Pathway] else ""
    return Problem(
        path="$", expected=f"a FHIR Bundle{hint}", found=f"a pathway_model {kind!r} document"
    )


def _bundle_definition_problem(pathway: pm.Pathway) -> Problem:
    problem = _definition_problem(pathway)
    return attrs.evolve(problem, path="CarePlan.instantiatesUri")


@command(
    "fhir import",
    summary="read a pathway from a FHIR R4 Bundle",
    description=(
        "Read the pathway in the FHIR R4 Bundle in FILE (as 'fhir export' writes it) and\n"
        "write it as the library's pathway JSON document. Every problem is listed, each\n"
        "with its path in the Bundle; anything the Bundle holds that cannot be mapped is\n"
        "refused, never dropped. The pathway is checked against its definition."
    ),
    arguments=_fhir_import_arguments,
)
def _fhir_import(args: argparse.Namespace, console: Console) -> int:
    _stdin_once(args.file, args.definition)
    definition = _load_definition(args.definition, console)
    document = read_one(args.file, console)
    assert document.data is not None  # read_one raises otherwise
    try:
        imported = pm.from_fhir_with_instruments(document.data, definition=definition)
    except ValidationError as error:
        kind = _library_document(document.data)
        problems = error.problems if kind is None else [_not_a_bundle(kind)]
        raise CommandError(*_problem_lines(document.source, problems)) from None
    if definition is None and not _is_builtin(imported.pathway):
        problem = _bundle_definition_problem(imported.pathway)
        raise CommandError(*_problem_lines(document.source, [problem]))
    ratings = imported.instrument_ratings
    if args.instruments is not None:
        _write_output(_json_text(_instruments_document(ratings), 2), args.instruments, console)
    elif ratings:
        console.warning(
            f"{document.source}: {_plural(len(ratings), 'instrument rating')} not written "
            "(give --instruments FILE to keep them)"
        )
    text = pm.dumps(imported.pathway, indent=args.indent or None) + "\n"
    _write_output(text, args.output, console)
    return ExitCode.OK


def _fhir_codesystems_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--definition",
        metavar="FILE",
        help=(
            "a pathway definition JSON document; by default, the built-in secure pathway "
            f"({catalogue.SECURE_PATHWAY.id}@{catalogue.SECURE_PATHWAY.version})"
        ),
    )
    _add_output_option(parser, "the code systems")
    _add_indent_option(parser)


@command(
    "fhir codesystems",
    summary="write the FHIR CodeSystems of a pathway definition",
    description=(
        "Write the FHIR R4 CodeSystem resources that a Bundle's codes come from, as a JSON\n"
        "array: the domains and levels of the definition's framework, its stages, and the\n"
        "library's fixed vocabularies. Publish them on a terminology server, or validate\n"
        "Bundles against them."
    ),
    arguments=_fhir_codesystems_arguments,
)
def _fhir_codesystems(args: argparse.Namespace, console: Console) -> int:
    definition = _load_definition(args.definition, console) or catalogue.SECURE_PATHWAY
    text = _json_text(pm.fhir_code_systems(definition), args.indent)
    _write_output(text, args.output, console)
    return ExitCode.OK


# --- cohort and demo ----------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class _Column:
    """A column of a report table: a measure, or a field of a payment."""

    field: str
    label: str
    unit: str


def _c(field: str, label: str, unit: str) -> _Column:
    return _Column(field=field, label=label, unit=unit)


#: The tables of the text report: every cohort measure, in one table each, by topic.
_MEASURE_TABLES: tuple[tuple[str, tuple[_Column, ...]], ...] = (
    (
        "Size (bed-day value at the stages' bed-day costs: estimates, not tariffs, when built in)",
        (
            _c("people", "People", "people"),
            _c("stays", "Stays", "stays"),
            _c("stays_open", "Open", "stays"),
            _c("admissions", "Admitted", "stays"),
            _c("bed_days", "Bed days", "days"),
            _c("bed_day_value", "Bed-day value", "£"),
        ),
    ),
    (
        "Length of stay of admissions (Kaplan-Meier, open stays censored)",
        (
            _c("los_q1_days", "Q1", "days"),
            _c("los_median_days", "Median", "days"),
            _c("los_q3_days", "Q3", "days"),
        ),
    ),
    (
        "Ready to move on, in the window (cost of delay at the same estimated bed-day costs)",
        (
            _c("ready_days", "Ready days", "days"),
            _c("ready_day_share", "Share", "of bed days"),
            _c("cost_of_delay", "Cost of delay", "£"),
        ),
    ),
    (
        "Ready to move on, at the date",
        (
            _c("ready_now", "Ready now", "people"),
            _c("days_beyond_readiness_median", "Median", "days beyond"),
            _c("days_beyond_readiness_max", "Most", "days beyond"),
        ),
    ),
    (
        "Long stay at the date",
        (
            _c("long_stay_in_stage", "In stage", "people"),
            _c("long_stay_combined", "Combined", "people"),
            _c("long_stay", "Either", "people"),
            _c("long_stay_share", "Share", "of open stays"),
        ),
    ),
    (
        "Reviews",
        (
            _c("reviews_due", "Due", "reviews"),
            _c("reviews_on_time", "On time", "reviews"),
            _c("reviews_late", "Late", "reviews"),
            _c("reviews_missed", "Missed", "reviews"),
            _c("reviews_on_time_share", "Share", "on time"),
        ),
    ),
    (
        "Goals and outcomes",
        (
            _c("goals", "Goals", "goals"),
            _c("goals_achieved", "Achieved", "goals"),
            _c("goals_achieved_share", "Share", "achieved"),
            _c("outcomes_met", "Outcomes met", "domains"),
        ),
    ),
    (
        "Moving on",
        (
            _c("stays_ended", "Ended", "stays"),
            _c("step_downs", "Step downs", "moves"),
            _c("step_ups", "Step ups", "moves"),
            _c("step_down_share", "Share", "of ended"),
            _c("step_downs_per_100_person_years", "Per 100 years", "of bed days"),
        ),
    ),
    (
        "Readmission from the community",
        (
            _c("community_days", "Community", "days"),
            _c("community_spells_ended", "Ended", "spells"),
            _c("readmissions", "Readmitted", "moves"),
            _c("readmission_share", "Share", "of ended"),
            _c("readmissions_per_100_person_years", "Per 100 years", "in community"),
            _c("community_days_before_readmission_median", "Spell length", "median days"),
        ),
    ),
)

#: The tables of payments: the two currencies side by side, then the outcome currency's parts.
_PAYMENT_TABLES: tuple[tuple[str, tuple[_Column, ...]], ...] = (
    (
        "Payments: the occupied-bed-day currency and an outcome currency (illustrative amounts)",
        (
            _c("bed_days", "Bed days", "days"),
            _c("bed_day_payment", "Bed-day currency", "£"),
            _c("outcome_currency_payment", "Outcome currency", "£"),
            _c("difference", "Difference", "£"),
        ),
    ),
    (
        "Outcome currency by part: base + step downs + goals + outcomes - ready days",
        (
            _c("base_payment", "Base", "£"),
            _c("step_down_payment", "Step downs", "£"),
            _c("goal_payment", "Goals", "£"),
            _c("outcome_payment", "Outcomes", "£"),
            _c("ready_day_deduction", "Ready days", "£ taken off"),
        ),
    ),
)

#: How the rows of the text tables are grouped, for ``--by``.
_BY_CHOICES = ("provider", "stage", "provider-stage")
_WHOLE_POUND = Decimal(1)
_INDENT = "  "


def _measure(name: str) -> Any:
    return next(measure for measure in pm.COHORT_MEASURES if measure.name == name)


def _pounds(amount: Decimal) -> str:
    """An amount in whole pounds, rounded half to even: ``£1,234``, ``-£56``."""
    whole = amount.quantize(_WHOLE_POUND, rounding=decimal.ROUND_HALF_EVEN)
    sign = "-" if whole < 0 else ""
    return f"{sign}£{abs(whole):,.0f}"


def _cell(value: object, unit: str) -> str:
    """A measure's value as a table shows it, by the measure's unit."""
    if value is None:
        text = "-"
    elif isinstance(value, Decimal):
        text = _pounds(value)
    elif isinstance(value, float) and unit == "share":
        text = f"{value * 100:.1f}%"
    elif isinstance(value, float) and unit == "days":
        text = f"{value:,.0f}" if value.is_integer() else f"{value:,.1f}"
    elif isinstance(value, float):
        text = f"{value:,.2f}"
    else:
        text = f"{value:,}"
    return text


@attrs.frozen(kw_only=True)
class _Row:
    """One row of a text table: its label, and where its values come from."""

    label: str
    values: Callable[[str], object]
    ranks: dict[str, int | None] | None = None


def _table(
    title: str,
    columns: Sequence[_Column],
    rows: Sequence[_Row],
    units: dict[str, str],
    *,
    rank_of: str = "the provider's rank",
) -> str:
    """A fixed-width table: a title, a line on ranks, two header lines, a rule and the rows."""
    ranked = [column for column in columns if _ranked(column, rows)]
    header: list[list[str]] = [["", ""]]
    for column in columns:
        header.append([column.label, column.unit])
        if column in ranked:
            header.append(["#", ""])
    body = []
    for row in rows:
        cells = [row.label]
        for column in columns:
            cells.append(_cell(row.values(column.field), units[column.field]))
            if column in ranked:
                rank = None if row.ranks is None else row.ranks.get(column.field)
                cells.append("" if row.ranks is None else "-" if rank is None else str(rank))
        body.append(cells)
    widths = [
        max(len(line[index]) for line in [*zip(*header, strict=True), *body])
        for index in range(len(header))
    ]
    lines = [title]
    if ranked:
        lines.append(_rank_legend(ranked, rank_of))
    lines.extend(_line([cells[level] for cells in header], widths) for level in (0, 1))
    lines.append("-" * (sum(widths) + 2 * (len(widths) - 1)))
    lines.extend(_line(cells, widths) for cells in body)
    return "\n".join(lines)


def _line(cells: Sequence[str], widths: Sequence[int]) -> str:
    first, *rest = cells
    parts = [first.ljust(widths[0])]
    parts.extend(cell.rjust(width) for cell, width in zip(rest, widths[1:], strict=True))
    return "  ".join(parts).rstrip()


def _ranked(column: _Column, rows: Sequence[_Row]) -> bool:
    return any(row.ranks is not None and column.field in row.ranks for row in rows)


def _rank_legend(ranked: Sequence[_Column], rank_of: str) -> str:
    """Say which way each ranked column ranks, in one line under the table's title."""
    better = {column.label: _measure(column.field).better for column in ranked}
    directions = sorted(set(better.values()))
    if len(directions) == 1:
        return f"#: {rank_of}, 1 the best; {directions[0]} is better."
    majority = max(directions, key=lambda way: (list(better.values()).count(way), way))
    others = ", ".join(label for label, way in better.items() if way != majority)
    minority = next(way for way in directions if way != majority)
    return f"#: {rank_of}, 1 the best; {majority} is better, {minority} for {others}."


def _ranks(rows: Iterable[Any]) -> dict[str, dict[str, int | None]]:
    """Each provider's rank on each ranked measure, from benchmark rows."""
    ranks: dict[str, dict[str, int | None]] = {}
    for row in rows:
        ranks.setdefault(row.provider, {})[row.measure] = row.rank
    return ranks


def _group_rows(report: Any, by: str) -> list[_Row]:
    """The rows of the measure tables, grouped as ``--by`` asks."""

    def of(group: Any) -> Callable[[str], object]:
        return lambda field: getattr(group, field)

    rows: list[_Row] = []
    if by == "provider":
        ranks = _ranks(pm.benchmark_table(report))
        rows = [
            _Row(label=provider, values=of(report.group(provider)), ranks=ranks.get(provider, {}))
            for provider in report.providers
        ]
        total = "All providers"
    elif by == "stage":
        rows = [_Row(label=stage, values=of(report.group(None, stage))) for stage in report.stages]
        total = "All stages"
    else:
        for stage in report.stages:
            rows.append(_Row(label=stage, values=of(report.group(None, stage))))
            ranks = _ranks(pm.benchmark_table(report, stage=stage))
            rows.extend(
                _Row(
                    label=_INDENT + provider,
                    values=of(report.group(provider, stage)),
                    ranks=ranks[provider],
                )
                for provider in sorted(ranks)
            )
        total = "All"
    rows.append(_Row(label=total, values=of(report.group())))
    return rows


def _payment_rows(report: Any, by: str) -> list[_Row]:
    rows = []
    for payment in pm.payments(report, by_stage=by == "provider-stage"):
        if payment.provider is None:
            label = "All providers"
        elif payment.stage is None:
            label = payment.provider
        else:
            label = _INDENT + payment.stage
        rows.append(_Row(label=label, values=functools.partial(getattr, payment)))
    return rows


def _report_text(report: Any, by: str, skipped: int) -> str:
    """The benchmarking report: the measures by topic, providers ranked, then payments."""
    skipped_text = f" ({_plural(skipped, 'record')} with problems skipped)" if skipped else ""
    lines = [
        (
            f"Cohort report as of {report.as_of.isoformat()}, window from "
            f"{report.since.isoformat()}: {_plural(report.records, 'record')}{skipped_text}, "
            f"{_plural(len(report.providers), 'provider')}, "
            f"{_plural(len(report.stages), 'stage')}."
        ),
        "Amounts in whole pounds; shares in percent; '-': nothing to measure.",
    ]
    units = {measure.name: measure.unit for measure in pm.COHORT_MEASURES}
    rows = _group_rows(report, by)
    rank_of = "the provider's rank" + (" in the stage" if by == "provider-stage" else "")
    tables = [
        _table(title, columns, rows, units, rank_of=rank_of) for title, columns in _MEASURE_TABLES
    ]
    payment_rows = _payment_rows(report, "provider" if by == "stage" else by)
    payment_units = dict.fromkeys(
        (column.field for _, columns in _PAYMENT_TABLES for column in columns), "GBP"
    )
    payment_units["bed_days"] = "days"
    tables += [
        _table(title, columns, payment_rows, payment_units) for title, columns in _PAYMENT_TABLES
    ]
    return "\n\n".join(["\n".join(lines), *tables])


def _json_value(value: object) -> object:
    """A value for the JSON report: amounts as decimal strings, as the library writes them."""
    if isinstance(value, Decimal):
        return str(value)
    return value


def _json_row(row: Any) -> dict[str, object]:
    return {field.name: _json_value(getattr(row, field.name)) for field in attrs.fields(type(row))}


def _report_json(report: Any, skipped: int) -> str:
    """The report as one line of JSON: every group's measures, the ranks and the payments."""
    benchmark = list(pm.benchmark_table(report))
    for stage in report.stages:
        benchmark += pm.benchmark_table(report, stage=stage)
    document = {
        "as_of": report.as_of.isoformat(),
        "since": report.since.isoformat(),
        "records": report.records,
        "records_skipped": skipped,
        "rows": [_json_row(row) for row in report.rows()],
        "benchmark": [_json_row(row) for row in benchmark],
        "payments": [_json_row(row) for row in pm.payments(report, by_stage=True)],
    }
    return _json_text(document, 0)


def _report_csv(report: Any) -> str:
    """Every group's measures as CSV: provider, stage, measure, value, unit."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["provider", "stage", "measure", "value", "unit"])
    for row in report.rows():
        value = "" if row.value is None else str(row.value)
        writer.writerow([row.provider or "", row.stage or "", row.measure, value, row.unit])
    return out.getvalue()


def _write_report(report: Any, args: argparse.Namespace, console: Console, skipped: int) -> None:
    if args.json:
        console.write(_report_json(report, skipped))
    elif args.csv:
        console.write(_report_csv(report))
    else:
        console.write(_report_text(report, args.by, skipped))


#: Where a problem the library finds with an argument is named on the command line.
_OPTION_OF = {
    "as_of": "--as-of",
    "since": "--since",
    "CohortParameters.people_in_care": "--people",
}


def _option_error(error: ValidationError) -> CommandError:
    """An error about an argument, with the argument named as on the command line."""
    return CommandError(
        *(
            str(attrs.evolve(problem, path=_OPTION_OF.get(problem.path, problem.path)))
            for problem in error.problems
        )
    )


def _make_report(
    pathways: Sequence[pm.Pathway],
    sources: Sequence[str],
    args: argparse.Namespace,
    console: Console,
    definition: pm.PathwayDefinition | None = None,
) -> Any:
    """Work out the cohort report, naming a record's problems by where it came from."""
    try:
        with console.step(f"Reporting on {_plural(len(pathways), 'record')}"):
            return pm.cohort_report(
                pathways, as_of=args.as_of, since=args.since, definition=definition
            )
    except ValidationError as error:
        lines: list[str] = []
        for problem in error.problems:
            record = re.match(r"\$\[([0-9]+)\]", problem.path)
            if record is None:
                lines.extend(_option_error(ValidationError([problem])).lines)
            else:
                path = "$" + problem.path[record.end() :]
                lines.append(f"{sources[int(record[1])]}: {attrs.evolve(problem, path=path)}")
        raise CommandError(*lines) from None


def _add_report_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--by",
        choices=_BY_CHOICES,
        default="provider",
        help=(
            "the rows of the text tables: each provider, ranked (the default); each stage; "
            "or each stage with its providers, ranked within it"
        ),
    )
    output = parser.add_mutually_exclusive_group()
    output.add_argument(
        "--json",
        action="store_true",
        help=(
            "write the report as JSON on one line instead: every group's measures, the "
            "ranks of providers overall and in each stage, and the payments"
        ),
    )
    output.add_argument(
        "--csv",
        action="store_true",
        help="write every group's measures as CSV instead: provider,stage,measure,value,unit",
    )


def _cohort_arguments(parser: argparse.ArgumentParser) -> None:
    add_input_arguments(parser, what="the pathways")
    add_as_of_option(parser, what="report at")
    parser.add_argument(
        "--since",
        type=_as_of,
        metavar="DATE",
        help="the first day of the window (default: the earliest first day of any record)",
    )
    add_definition_option(parser)
    parser.add_argument(
        "--skip-invalid",
        action="store_true",
        help=(
            "report on the valid records when some have problems (each problem is still "
            "listed on stderr); without it, any problem stops the command with exit code 2"
        ),
    )
    _add_report_options(parser)


@command(
    "cohort",
    summary="report on many pathways: measures by provider and stage, ranks, payments",
    description=(
        "Work out the cohort measures of many pathways at --as-of, over the window from\n"
        "--since: length of stay, ready days and the cost of delay, long stay, reviews on\n"
        "time, goals, step downs and readmissions. The text report ranks the providers on\n"
        "each measure with a better direction, and sets what each would be paid under the\n"
        "occupied-bed-day currency beside an outcome currency (illustrative amounts).\n"
        "\n"
        "Every record is checked first. A record with problems is listed on stderr, one\n"
        "line per problem with its file (and line, for JSON Lines); the command then stops\n"
        "with exit code 2, or with --skip-invalid reports on the others."
    ),
    arguments=_cohort_arguments,
)
def _cohort(args: argparse.Namespace, console: Console) -> int:
    _stdin_once(args.definition, *args.inputs)
    definition = _load_definition(args.definition, console)
    pathways: list[pm.Pathway] = []
    sources: list[str] = []
    invalid = 0
    for loaded in load_pathways(args.inputs, console, definition=definition):
        if loaded.pathway is None:
            invalid += 1
            for line in loaded.problems:
                (console.warning if args.skip_invalid else console.error)(line)
        else:
            pathways.append(loaded.pathway)
            sources.append(loaded.source)
    read = len(pathways) + invalid
    if invalid and not args.skip_invalid:
        msg = (
            f"{invalid:,} of {_plural(read, 'record')} with problems: no report written "
            "(give --skip-invalid to report on the others)"
        )
        raise CommandError(msg)
    if not pathways:
        msg = f"no valid records to report on (of {_plural(read, 'record')} read)"
        raise CommandError(msg)
    if invalid:
        console.warning(f"{invalid:,} of {_plural(read, 'record')} with problems skipped")
    report = _make_report(pathways, sources, args, console, definition)
    _write_report(report, args, console, invalid)
    return ExitCode.OK


#: The date of the demo cohort by default: that of the synthetic cohort's documented figures.
_DEMO_AS_OF = dt.date(2025, 3, 31)
#: The seed of the demo cohort by default.
_DEMO_SEED = 2025
_PROVIDER_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _whole_number(low: int, high: int | None = None) -> Callable[[str], int]:
    """An argument type: a whole number from ``low`` (to ``high``)."""
    what = f"a whole number from {low:,}" + ("" if high is None else f" to {high:,}")

    def read(text: str) -> int:
        digits = text.replace("_", "").replace(",", "")
        if not digits.isdigit() or not low <= int(digits) <= (high or int(digits)):
            msg = f"expected {what}; found {show_code(text)}"
            raise argparse.ArgumentTypeError(msg)
        return int(digits)

    return read


def _seed(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        msg = f"expected a whole number; found {show_code(text)}"
        raise argparse.ArgumentTypeError(msg) from None


def _years_before(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` earlier; 28 February for 29 February in a common year."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _demo_arguments(parser: argparse.ArgumentParser) -> None:
    defaults = pm.CohortParameters()
    parser.add_argument(
        "--seed",
        type=_seed,
        default=_DEMO_SEED,
        metavar="N",
        help=f"the seed: the same seed gives the same cohort (default: {_DEMO_SEED})",
    )
    parser.add_argument(
        "--people",
        type=_whole_number(1),
        default=defaults.people_in_care,
        metavar="N",
        help=(
            "how many people are in secure hospital care at --as-of (default: "
            f"{defaults.people_in_care:,}, the national scale)"
        ),
    )
    parser.add_argument(
        "--providers",
        type=_whole_number(1, len(_PROVIDER_LETTERS)),
        default=len(defaults.providers),
        metavar="N",
        help=(
            f"how many providers, named Provider A onwards (default: {len(defaults.providers)}"
            f"; the first {defaults.high_secure_providers} run high secure care)"
        ),
    )
    parser.add_argument(
        "--as-of",
        type=_as_of,
        default=_DEMO_AS_OF,
        metavar="DATE",
        help=(
            f"the date the cohort is taken at and reported on (default: {_DEMO_AS_OF}: a "
            "fixed date, never the clock's)"
        ),
    )
    parser.add_argument(
        "--since",
        type=_as_of,
        metavar="DATE",
        help=(
            f"the first day of the window (default: {defaults.history_years} years before "
            "--as-of, the history the cohort holds)"
        ),
    )
    parser.add_argument(
        "--write-jsonl",
        metavar="FILE",
        help=(
            "also write the cohort's records to FILE as JSON Lines, for 'cohort' to read "
            "(UTF-8, replaced if it exists)"
        ),
    )
    _add_report_options(parser)


def _demo_parameters(args: argparse.Namespace) -> Any:
    defaults = pm.CohortParameters()
    providers = tuple(f"Provider {letter}" for letter in _PROVIDER_LETTERS[: args.providers])
    try:
        return pm.CohortParameters(
            people_in_care=args.people,
            providers=providers,
            high_secure_providers=min(defaults.high_secure_providers, len(providers)),
        )
    except ValidationError as error:
        raise _option_error(error) from None


def _write_jsonl(cohort: Sequence[pm.Pathway], name: str, console: Console) -> None:
    """Write records as JSON Lines, with a progress line."""
    progress = console.progress_for(f"Writing {name}", len(cohort))
    try:
        with open(name, "w", encoding="utf-8", newline="\n") as file:
            for pathway in cohort:
                file.write(pm.dumps(pathway) + "\n")
                progress.advance()
    except OSError as error:
        msg = f"{name}: {_os_problem(error, 'write')}"
        raise CommandError(msg) from None
    finally:
        progress.finish()


@command(
    "demo",
    summary="make a synthetic cohort and print its benchmarking report",
    description=(
        "Make a synthetic cohort on the built-in secure pathway (invented people and\n"
        "providers, from a seed: the same seed gives the same cohort, byte for byte) and\n"
        "print the report 'cohort' prints for it. With --write-jsonl, the records are\n"
        "written too: 'cohort' on that file, with the same --as-of and --since, prints the\n"
        "same report."
    ),
    arguments=_demo_arguments,
)
def _demo(args: argparse.Namespace, console: Console) -> int:
    parameters = _demo_parameters(args)
    if args.since is None:
        args.since = _years_before(args.as_of, parameters.history_years)
    step = (
        f"Making a synthetic cohort: {parameters.people_in_care:,} people in care, seed {args.seed}"
    )
    try:
        with console.step(step):
            cohort = pm.synthetic_cohort(parameters, seed=args.seed, as_of=args.as_of)
    except ValidationError as error:
        raise _option_error(error) from None
    if args.write_jsonl is not None:
        _write_jsonl(cohort, args.write_jsonl, console)
    report = _make_report(cohort, [f"record {n}" for n in range(1, len(cohort) + 1)], args, console)
    if not (args.json or args.csv):
        console.write(
            f"Synthetic cohort: seed {args.seed}, {parameters.people_in_care:,} people in "
            f"secure hospital care at {args.as_of.isoformat()}."
        )
    _write_report(report, args, console, 0)
    return ExitCode.OK


# --- the parser --------------------------------------------------------------------------------


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Help at most 98 columns wide, and the same on every supported Python version."""

    def __init__(self, prog: str, **options: Any) -> None:
        terminal = shutil.get_terminal_size().columns - 2
        options.setdefault("width", min(terminal, _HELP_WIDTH))
        options.setdefault("max_help_position", 28)
        super().__init__(prog, **options)

    def _format_action_invocation(self, action: argparse.Action) -> str:
        # "-o, --output FILE" (as Python 3.13 writes it), not "-o FILE, --output FILE".
        if not action.option_strings or action.nargs == 0:
            return super()._format_action_invocation(action)
        metavar = self._format_args(action, self._get_default_metavar_for_optional(action))
        return ", ".join(action.option_strings) + " " + metavar


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line, prefixed like every other error."""

    def error(self, message: str) -> NoReturn:
        msg = f"{message} (see '{self.prog} --help')"
        raise CommandError(msg)


def _common_options(*, top: bool) -> _Parser:
    """Options every command takes, before or after its name."""
    common = _Parser(add_help=False)
    # Given after the command's name, an option must not reset what was given before it.
    default = None if top else argparse.SUPPRESS
    common.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=default,
        help="show a progress line on stderr for long runs (default: when stderr is a terminal)",
    )
    common.add_argument(
        "--debug",
        action="store_true",
        default=False if top else argparse.SUPPRESS,
        help="on an internal error, show the traceback",
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    """Build the parser of the command and every registered command."""
    parser = _Parser(
        prog=PROG,
        description=(
            "Outcome-based care pathways for secure mental health services: check pathway\n"
            "documents, decide readiness to move on, publish JSON Schemas, exchange pathways\n"
            "as FHIR R4 Bundles, and report on cohorts of pathways.\n"
            "\n"
            "Exit codes: 0 done; 2 bad input or usage; 3 internal error (a bug);\n"
            "130 interrupted."
        ),
        epilog=f"Run '{PROG} COMMAND --help' for the options of a command.",
        formatter_class=_HelpFormatter,
        parents=[_common_options(top=True)],
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {pm.__version__}")
    commands = parser.add_subparsers(
        dest="command", metavar="COMMAND", title="commands", required=True
    )
    groups: dict[str, argparse._SubParsersAction[_Parser]] = {}
    common = _common_options(top=False)
    for words, registered in COMMANDS.items():
        parent = commands
        if len(words) > 1:
            if words[0] not in groups:
                group_parser = commands.add_parser(
                    words[0],
                    help=GROUPS.get(words[0], ""),
                    description=GROUPS.get(words[0], ""),
                    formatter_class=_HelpFormatter,
                )
                groups[words[0]] = group_parser.add_subparsers(
                    dest="subcommand", metavar="COMMAND", title="commands", required=True
                )
            parent = groups[words[0]]
        sub = parent.add_parser(
            words[-1],
            help=registered.summary,
            description=registered.description,
            formatter_class=_HelpFormatter,
            parents=[common],
        )
        registered.arguments(sub)
        sub.set_defaults(handler=registered.run)
    return parser


# --- main ---------------------------------------------------------------------------------------


def _use_utf8(stream: object, *, errors: str = "strict") -> None:
    """Write UTF-8, with Unix line ends, on every platform."""
    if not isinstance(stream, io.TextIOWrapper):
        return
    encoding = (stream.encoding or "").lower().replace("-", "").replace("_", "")
    if encoding != "utf8" or os.linesep != "\n":
        stream.reconfigure(encoding="utf-8", errors=errors, newline="\n")


def _failure(error: BaseException, console: Console, *, debug: bool) -> int:
    """Report an exception that ended a command, and return the exit code."""
    code: int = ExitCode.BAD_INPUT
    if isinstance(error, CommandError):
        for line in error.lines:
            console.error(line)
        code = error.code
    elif isinstance(error, ValidationError):
        for problem in error.problems:
            console.error(str(problem))
    elif isinstance(error, PathwayModelError):
        console.error(str(error))
    elif isinstance(error, KeyboardInterrupt):
        console.error("interrupted")
        code = ExitCode.INTERRUPTED
    elif isinstance(error, BrokenPipeError):
        # Whatever is still buffered cannot be written: point stdout at nothing, so that
        # the interpreter's own flush at exit does not complain.
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), console.stdout.fileno())
        code = ExitCode.BROKEN_PIPE
    else:
        if debug:
            traceback.print_exception(type(error), error, error.__traceback__, file=console.stderr)
        hint = "" if debug else "; run it again with --debug to see where"
        console.error(
            f"internal error ({type(error).__name__}): this is a bug in {PROG} "
            f"{pm.__version__}, please report it{hint}"
        )
        code = ExitCode.INTERNAL_ERROR
    return code


def _run(arguments: list[str], console: Console) -> int:
    try:
        args = build_parser().parse_args(arguments)
    except SystemExit as stop:  # --help and --version
        return stop.code if isinstance(stop.code, int) else ExitCode.OK
    console = attrs.evolve(
        console,
        progress=_is_terminal(console.stderr) if args.progress is None else args.progress,
        progress_explicit=bool(args.progress),
    )
    code = int(args.handler(args, console))
    console.stdout.flush()
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command with ``argv`` (the process's arguments when ``None``).

    Args:
        argv: The arguments after the command's name, e.g. ``["validate", "p.json"]``.

    Returns:
        The exit code (see ``ExitCode``).
    """
    arguments = list(sys.argv[1:] if argv is None else argv)
    _use_utf8(sys.stdout)
    _use_utf8(sys.stderr, errors="backslashreplace")
    console = Console(
        stdin=getattr(sys.stdin, "buffer", None), stdout=sys.stdout, stderr=sys.stderr
    )
    try:
        return _run(arguments, console)
    except (Exception, KeyboardInterrupt) as error:
        return _failure(error, console, debug="--debug" in arguments)
