"""Reading many records, one at a time: JSON Lines files, folders of documents, open files.

A reader never holds more than one document's text: a JSON Lines file is read line by
line, a folder file by file. Each record is read and checked as `loads` reads one, then
handed on; what the caller keeps is the caller's.

Records read by the hundred thousand and kept (in a list, say) would make CPython's
cyclic garbage collector scan every one of them again and again, although immutable
records can never form a cycle. So while a reader runs, at every `FREEZE_EVERY` records
it collects once and then *freezes* what is alive (``gc.freeze()``): the collector
leaves frozen objects out of its scans, and reference counting still frees each one as
soon as nothing holds it. When the reader ends (read to the end, closed, or dropped) it
unfreezes them (``gc.unfreeze()``), and everything is as it was. See "Design
decisions" for the choice and what it means for the caller's process.
"""

from __future__ import annotations

import gc
import io
import os
import threading
import typing
from collections.abc import Iterable, Iterator
from typing import IO, Any

import attrs

from pathway_model.errors import Problem, ValidationError, WrongTypeError
from pathway_model.io._format import MAX_DOCUMENT_BYTES
from pathway_model.model import Pathway, PathwayDefinition
from pathway_model.model._checks import show_code, type_name

__all__ = [
    "FREEZE_EVERY",
    "RecordRead",
    "read_records",
    "read_records_with_problems",
]

#: How many records a reader reads between two freezes of what is alive.
FREEZE_EVERY = 1_000

#: The name a file object without a name of its own is given in messages.
_UNNAMED = "<stream>"

#: The source's kinds, in words, for messages.
_SOURCES = "a JSON Lines file, a folder of .json files, or a binary file object"


@attrs.frozen(kw_only=True)
class RecordRead:
    r"""One record read from a source, or the problems that stopped it being read.

    Attributes:
        source: The file it came from, as given (``cohort.jsonl``), or the file in a
            folder (``records/p1.json``); for a file object, its ``name`` when it has a
            string one, else ``"<stream>"``.
        line: The line of a JSON Lines file (counted from 1, blank lines too); ``None``
            for a document read from a folder.
        record: The record, checked as [`loads`][pathway_model.loads] checks one;
            ``None`` when it was refused.
        problems: Why it was refused (the first
            [`ValidationError.MAX_PROBLEMS`][pathway_model.ValidationError] of them),
            each with its JSON path in the document; empty when it was read.
        total: How many problems were found, kept or not.

    Examples:
        >>> import io
        >>> from pathway_model import records
        >>> source = io.BytesIO(b'\n{"schema_version": 2, "document": "framework"}\n')
        >>> [read] = records.read_records_with_problems(source)
        >>> (read.where, read.record, read.total)
        ('<stream>:2', None, 1)
        >>> print(read.problems[0])
        $.document: expected 'pathway'; found 'framework'
    """

    source: str
    line: int | None
    record: Pathway | None
    problems: tuple[Problem, ...] = ()
    total: int = 0

    @property
    def where(self) -> str:
        """Where the record is: ``file:line`` in JSON Lines, else the file's name."""
        return self.source if self.line is None else f"{self.source}:{self.line}"


# --- sources ------------------------------------------------------------------------------


class _Document:
    """One document's bytes as found in a source, or why they could not be read."""

    __slots__ = ("data", "line", "problem", "source")

    def __init__(
        self, source: str, line: int | None, data: bytes | str | None, problem: Problem | None
    ) -> None:
        self.source = source
        self.line = line
        self.data = data
        self.problem = problem


def _too_large(limit: int) -> Problem:
    return Problem(
        path="$", expected=f"a document of at most {limit:,} bytes", found="a longer one"
    )


def _os_problem(error: OSError) -> Problem:
    """A file that cannot be read, said without the operating system's wording of the path."""
    reason = os.strerror(error.errno).lower() if error.errno else type(error).__name__
    return Problem(path="$", expected="a file that can be read", found=reason)


def _lines(file: IO[Any], name: str, limit: int) -> Iterator[_Document]:
    """Each non-blank line of a JSON Lines file object, at most ``limit`` bytes read at once.

    A longer line is reported, not read: the rest of it is skipped a piece at a time. A
    file that fails while being read ends with one document saying so.
    """
    number = 0
    try:
        while True:
            line = file.readline(limit + 2)  # the longest document, and its line break
            if not line:
                return
            if not isinstance(line, bytes):
                raise WrongTypeError.single(
                    "source", "a binary file object (opened with 'rb')", "a text file"
                )
            number += 1
            if len(line) == limit + 2 and not line.endswith(b"\n"):
                while True:
                    rest = file.readline(1 << 20)
                    if not rest or rest.endswith(b"\n"):
                        break
                yield _Document(name, number, None, _too_large(limit))
            elif line.strip():
                yield _Document(name, number, line.rstrip(b"\r\n"), None)
    except OSError as error:
        problem = _os_problem(error)
    yield _Document(name, number + 1, None, problem)


def _file_lines(path: str, limit: int) -> Iterator[_Document]:
    """The lines of the JSON Lines file at ``path``; one problem if it cannot be opened."""
    try:
        file = open(path, "rb")  # noqa: SIM115 - closed by the with below
    except OSError as error:
        yield _Document(path, None, None, _os_problem(error))
        return
    with file:
        yield from _lines(file, path, limit)


def _folder_files(folder: str) -> list[str]:
    """The ``.json`` files directly in a folder, in name order; hidden files left out."""
    with os.scandir(folder) as entries:
        names = [
            entry.name
            for entry in entries
            if entry.name.lower().endswith(".json")
            and not entry.name.startswith(".")
            and entry.is_file()
        ]
    return [os.path.join(folder, name) for name in sorted(names)]


def _folder_documents(files: list[str], limit: int) -> Iterator[_Document]:
    """Each file's document, read whole (one document per file, at most ``limit`` bytes)."""
    for path in files:
        try:
            with open(path, "rb") as file:
                data = file.read(limit + 1)
        except OSError as error:
            yield _Document(path, None, None, _os_problem(error))
            continue
        if len(data) > limit:
            yield _Document(path, None, None, _too_large(limit))
        else:
            yield _Document(path, None, data, None)


def _documents(source: object, limit: int) -> Iterator[_Document]:
    """The documents of a source, checked eagerly: a bad source is refused before reading.

    Raises:
        WrongTypeError: ``source`` is neither a path nor a file object.
        ValidationError: The path names nothing, or a folder with no ``.json`` file.
    """
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        if not isinstance(path, str):
            raise WrongTypeError.single("source", _SOURCES, "a path of bytes")
        if os.path.isdir(path):
            try:
                files = _folder_files(path)
            except OSError as error:
                raise ValidationError([_source_problem(_os_problem(error).found)]) from None
            if not files:
                raise ValidationError([_source_problem("a folder with no .json file")])
            return _folder_documents(files, limit)
        if not os.path.exists(path):
            raise ValidationError([_source_problem("no such file or folder")])
        return _file_lines(path, limit)
    if isinstance(source, io.TextIOBase):
        raise WrongTypeError.single(
            "source", "a binary file object (opened with 'rb')", "a text file"
        )
    if callable(getattr(source, "readline", None)):
        file = typing.cast("IO[Any]", source)
        name = getattr(file, "name", None)
        return _lines(file, name if isinstance(name, str) else _UNNAMED, limit)
    raise WrongTypeError.single("source", _SOURCES, type_name(source))


def _source_problem(found: str) -> Problem:
    return Problem(path="source", expected=_SOURCES, found=found)


# --- the collector --------------------------------------------------------------------------

#: Readers now freezing, across threads; the last to end unfreezes.
_freezing = 0
_freezing_lock = threading.Lock()


class _Freezer:
    """Freezes what is alive at each chunk of records, and unfreezes when the reader ends.

    It does nothing at all when the collector is off, or when objects were already
    frozen by someone other than a reader (a server that froze before forking, say):
    their arrangement is theirs, and unfreezing at the end would undo it.
    """

    __slots__ = ("active",)

    def __init__(self) -> None:
        self.active = False

    def start(self) -> None:
        global _freezing  # noqa: PLW0603 - one count for the whole process, as the collector is
        with _freezing_lock:
            if _freezing == 0 and (not gc.isenabled() or gc.get_freeze_count() > 0):
                return
            _freezing += 1
            self.active = True

    def chunk(self) -> None:
        """Collect what is garbage, then freeze what is alive (both cost a chunk's objects)."""
        if self.active and gc.isenabled():
            gc.collect()
            gc.freeze()

    def stop(self) -> None:
        global _freezing  # noqa: PLW0603 - see start
        if not self.active:
            return
        self.active = False
        with _freezing_lock:
            _freezing -= 1
            if _freezing == 0:
                gc.unfreeze()


# --- reading ----------------------------------------------------------------------------------


def _definition_argument(definition: object) -> PathwayDefinition | None:
    if definition is not None and not isinstance(definition, PathwayDefinition):
        raise WrongTypeError.single(
            "definition", "a PathwayDefinition or None", type_name(definition)
        )
    return definition


def _limit_argument(max_bytes: object) -> int:
    if type(max_bytes) is not int:
        raise WrongTypeError.single("max_bytes", "a whole number of bytes", type_name(max_bytes))
    if max_bytes < 1:
        raise ValidationError.single(
            "max_bytes", "a whole number of bytes, at least 1", show_code(str(max_bytes))
        )
    return max_bytes


def _reads(
    documents: Iterable[_Document], definition: PathwayDefinition | None, limit: int
) -> Iterator[RecordRead]:
    """Read each document as a record, freezing what is alive at every chunk."""
    from pathway_model.io import _json  # noqa: PLC0415 - serialisation loads on first use

    freezer = _Freezer()
    freezer.start()
    try:
        for count, document in enumerate(documents, start=1):
            yield _read(document, definition, limit, _json.loads)
            if count % FREEZE_EVERY == 0:
                freezer.chunk()
    finally:
        freezer.stop()


def _read(
    document: _Document,
    definition: PathwayDefinition | None,
    limit: int,
    loads: typing.Callable[..., object],
) -> RecordRead:
    """Read one document as a record: the record, or its problems."""
    if document.problem is not None:
        problems: tuple[Problem, ...] = (document.problem,)
        total = 1
    else:
        try:
            record = loads(document.data, Pathway, definition=definition, max_bytes=limit)
        except ValidationError as error:
            problems, total = error.problems, error.total
        else:
            assert isinstance(record, Pathway)  # loads gives what it is asked for
            return RecordRead(source=document.source, line=document.line, record=record)
    return RecordRead(
        source=document.source,
        line=document.line,
        record=None,
        problems=problems,
        total=total,
    )


def read_records_with_problems(
    source: str | os.PathLike[str] | IO[bytes],
    *,
    definition: PathwayDefinition | None = None,
    max_bytes: int = MAX_DOCUMENT_BYTES,
) -> Iterator[RecordRead]:
    """The work of the public function of the same name, which says what it does."""
    limit = _limit_argument(max_bytes)
    used = _definition_argument(definition)
    return _reads(_documents(source, limit), used, limit)


def read_records(
    source: str | os.PathLike[str] | IO[bytes],
    *,
    definition: PathwayDefinition | None = None,
    max_bytes: int = MAX_DOCUMENT_BYTES,
) -> Iterator[Pathway]:
    """The work of the public function of the same name, which says what it does."""
    return _records(read_records_with_problems(source, definition=definition, max_bytes=max_bytes))


def _records(reads: Iterator[RecordRead]) -> Iterator[Pathway]:
    """The records, until the first that is refused: then its problems, each placed."""
    try:
        for read in reads:
            if read.record is None:
                failure = _placed(read)
                break
            yield read.record
        else:
            return
    finally:
        close = getattr(reads, "close", None)
        if close is not None:
            close()
    raise failure


def _placed(read: RecordRead) -> ValidationError:
    """The error for a refused record: each problem's path begins with the file and line."""
    problems = [attrs.evolve(p, path=f"{read.where}: {p.path}") for p in read.problems]
    kind = WrongTypeError if all(p.wrong_type for p in problems) else ValidationError
    return kind(problems, read.total)
