"""Reading inputs: files, folders, JSON Lines and standard input, and the documents in them.

Commands that read many pathways use ``read_inputs`` and ``load_pathways``: a folder of
``.json`` files, a JSON Lines file, or standard input, with every record's problems named
by file and line and a progress line on standard error for long runs. Commands that read
one document use ``read_one``.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import attrs

import pathway_model as pm
from pathway_model import catalogue
from pathway_model.cli._app import CommandError
from pathway_model.cli._console import Console, os_problem
from pathway_model.cli._render import show_code
from pathway_model.errors import Problem, ValidationError

__all__ = [
    "DOCUMENTS",
    "JSON_LINES_SUFFIXES",
    "STDIN",
    "InputDocument",
    "LoadedPathway",
    "definition_problem",
    "is_builtin",
    "load_definition",
    "load_document",
    "load_pathway",
    "load_pathways",
    "one_pathway",
    "problem_lines",
    "read_inputs",
    "read_one",
    "stdin_once",
]

STDIN = "-"
"""The input name that means standard input."""

#: Each kind of document the library reads, by the name its ``document`` key gives, in
#: the order the library lists them. (The tests hold this to the library's own list.)
DOCUMENTS: dict[str, type[Any]] = {
    "pathway": pm.Pathway,
    "framework": pm.OutcomeFramework,
    "pathway_definition": pm.PathwayDefinition,
    "assessment": pm.Assessment,
    "readiness": pm.Readiness,
    "review_schedule": pm.ReviewSchedule,
}

#: File name endings read as JSON Lines (one document per line).
JSON_LINES_SUFFIXES = (".jsonl", ".ndjson")


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
        msg = f"{folder}: {os_problem(error)}"
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
        return InputDocument(source=source, data=None, problem=os_problem(error))


def _read_lines_file(path: Path) -> Iterator[InputDocument]:
    try:
        with path.open("rb") as file:
            for number, line in enumerate(file, start=1):
                if line.strip():
                    yield InputDocument(source=f"{path}:{number}", data=line.rstrip(b"\r\n"))
    except OSError as error:
        yield InputDocument(source=str(path), data=None, problem=os_problem(error))


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


def problem_lines(source: str, problems: Iterable[Problem]) -> tuple[str, ...]:
    """One error line per problem, each starting with where the document came from."""
    return tuple(f"{source}: {problem}" for problem in problems)


def _builtin_names() -> str:
    return ", ".join(f"{item.id}@{item.version}" for item in catalogue.DEFINITIONS)


def definition_problem(pathway: pm.Pathway) -> Problem:
    """The problem with a pathway on a definition that is neither built in nor given."""
    return Problem(
        path="$.definition_id",
        expected=(
            f"a built-in pathway definition ({_builtin_names()}), "
            "or its definition given with --definition FILE"
        ),
        found=show_code(f"{pathway.definition_id}@{pathway.definition_version}"),
    )


def is_builtin(pathway: pm.Pathway) -> bool:
    """Whether a pathway names a built-in pathway definition."""
    named = (pathway.definition_id, pathway.definition_version)
    return any((item.id, item.version) == named for item in catalogue.DEFINITIONS)


#: The path of a document's kind, its ``document`` key.
_KIND = "$.document"


def load_document(data: bytes, *, definition: pm.PathwayDefinition | None = None) -> object:
    """Read a document of any kind, found from its ``document`` key, and check it fully.

    A document whose ``document`` key names no kind the library reads has that one
    problem reported: what else is wrong with it depends on what it was meant to be. A
    pathway is checked against ``definition`` when given, else against the built-in
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
    try:
        obj = pm.loads(data, definition=definition)
    except ValidationError as error:
        unknown_kind = [problem for problem in error.problems if problem.path == _KIND]
        if not unknown_kind:
            raise
        raise ValidationError(unknown_kind) from None
    if isinstance(obj, pm.Pathway) and definition is None and not is_builtin(obj):
        raise ValidationError([definition_problem(obj)])
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
        if definition is not None or is_builtin(pathway):
            return LoadedPathway(source=document.source, pathway=pathway)
        problems = [definition_problem(pathway)]
    return LoadedPathway(
        source=document.source, pathway=None, problems=problem_lines(document.source, problems)
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


def load_definition(name: str | None, console: Console) -> pm.PathwayDefinition | None:
    """Read the ``--definition`` file, if one was given."""
    if name is None:
        return None
    document = read_one(name, console)
    assert document.data is not None  # read_one raises otherwise
    try:
        return pm.loads(document.data, pm.PathwayDefinition)
    except ValidationError as error:
        raise CommandError(*problem_lines(document.source, error.problems)) from None


def stdin_once(*names: str | None) -> None:
    """Refuse ``-`` given for two inputs: standard input can be read only once."""
    if names.count(STDIN) > 1:
        msg = "'-' (standard input) can be given only once"
        raise CommandError(msg)


def one_pathway(
    args: argparse.Namespace, console: Console
) -> tuple[pm.Pathway, pm.PathwayDefinition]:
    """Read the pathway and the definition a rule command works on."""
    stdin_once(args.file, args.definition)
    definition = load_definition(args.definition, console)
    loaded = load_pathway(read_one(args.file, console), definition)
    if loaded.pathway is None:
        raise CommandError(*loaded.problems)
    pathway = loaded.pathway
    return pathway, definition or catalogue.definition_for(pathway)
