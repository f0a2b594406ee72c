r"""Many records at a time: read a cohort one record at a time, in bounded memory.

A JSON Lines file, a folder of ``.json`` files or an open binary stream gives its records
one by one. [`read_records`][pathway_model.records.read_records] stops at the first
record refused, naming its file and line;
[`read_records_with_problems`][pathway_model.records.read_records_with_problems] gives
every document, read or refused, as a [`RecordRead`][pathway_model.records.RecordRead].
One record at a time is [`loads`][pathway_model.loads] at the root.

Examples:
    >>> import io
    >>> from pathway_model import records
    >>> reads = records.read_records_with_problems(io.BytesIO(b"[1]\n"))
    >>> [(read.line, read.record, len(read.problems)) for read in reads]
    [(1, None, 1)]
"""

from __future__ import annotations

import typing

from pathway_model import MAX_DOCUMENT_BYTES
from pathway_model.io import _stream
from pathway_model.io._stream import RecordRead

if typing.TYPE_CHECKING:
    import os
    from collections.abc import Iterator
    from typing import IO

    from pathway_model.model import Pathway, PathwayDefinition

__all__ = ["RecordRead", "read_records", "read_records_with_problems"]


def read_records(
    source: str | os.PathLike[str] | IO[bytes],
    *,
    definition: PathwayDefinition | None = None,
    max_bytes: int = MAX_DOCUMENT_BYTES,
) -> Iterator[Pathway]:
    r"""Read many records, one at a time, stopping at the first that is refused.

    The source is one of:

    - a path to a JSON Lines file: one record per line (any name; ``.jsonl`` and
      ``.ndjson`` are usual), blank lines skipped, ``\r\n`` or ``\n`` line breaks;
    - a path to a folder: each ``.json`` file directly in it (not in sub-folders; hidden
      files skipped), one record per file, **in the order of the files' names**;
    - a binary file object of JSON Lines (opened with ``"rb"``, a socket's file, or
      ``sys.stdin.buffer``), read from where it stands and left open.

    Records come in the order they are found, one at a time: only one document's text
    is held at once (a JSON Lines file is read line by line, never whole), so memory
    stays bounded whatever the source's size, as long as the caller does not keep the
    records. Each is read and checked as [`loads`][pathway_model.loads] reads one,
    against ``definition`` when given, else against the built-in definition it names,
    if there is one. Codes, ids, provider names and dates that records repeat are
    held once, whichever way records are read (see "Performance").

    While the reader runs, it freezes what is alive in the process at every thousand
    records (``gc.freeze()``, after a collection), so that the garbage collector does not
    scan records already read again and again, and a reader keeps the same pace per
    record however many the caller keeps; when the reader ends (read to the end, closed,
    or dropped) it unfreezes them. Frozen objects are still freed as soon as nothing
    holds them; only a cycle of the caller's that becomes garbage while the reader runs
    waits for it to end before it is collected. A reader leaves the collector alone when
    it is off (``gc.disable()``) or when objects were frozen before it started (as by a
    server that freezes before it forks). See "Design decisions".

    Args:
        source: A path to a JSON Lines file or a folder of ``.json`` files, or a binary
            file object of JSON Lines.
        definition: The definition to check every record against.
        max_bytes: The largest document accepted, in bytes: a longer line is not read.

    Returns:
        An iterator of the records (a generator: close it to stop early).

    Raises:
        ValidationError: At the first record refused (the records before it have been
            given), listing its problems; each path begins with the file and line, as
            ``cohort.jsonl:12: $.reviews[3].date``. Never any text of the document
            beyond codes. Also, at once: the path names nothing, or a folder with no
            ``.json`` file.
        WrongTypeError: ``source`` is not a path or a binary file object, or
            ``definition`` is not a definition.

    Examples:
        >>> import io
        >>> import pathway_model as pm
        >>> from pathway_model import records
        >>> from pathway_model.catalogue import SECURE_PATHWAY
        >>> import datetime as dt
        >>> record = pm.Pathway.start(
        ...     SECURE_PATHWAY, person_id="P-0001", stage="medium_secure",
        ...     provider="Northfield MSU", on=dt.date(2024, 1, 8),
        ... )
        >>> lines = io.BytesIO(f"{pm.dumps(record)}\n\n{pm.dumps(record)}\n".encode())
        >>> [r == record for r in records.read_records(lines)]
        [True, True]
        >>> framework = b'{"schema_version":2,"document":"framework"}'
        >>> bad = io.BytesIO(pm.dumps(record).encode() + b"\n" + framework)
        >>> records = records.read_records(bad)
        >>> next(records) == record
        True
        >>> try:
        ...     next(records)
        ... except pm.ValidationError as error:
        ...     print(error)
        <stream>:2: $.document: expected 'pathway'; found 'framework'
    """
    return _stream.read_records(source, definition=definition, max_bytes=max_bytes)


def read_records_with_problems(
    source: str | os.PathLike[str] | IO[bytes],
    *,
    definition: PathwayDefinition | None = None,
    max_bytes: int = MAX_DOCUMENT_BYTES,
) -> Iterator[RecordRead]:
    """Read many records, one at a time, with the problems of each that is refused.

    As [`read_records`][pathway_model.records.read_records] (the same sources, order, checks,
    memory and collector), but a refused record does not stop the others: each document
    gives one [`RecordRead`][pathway_model.records.RecordRead], with the file and line it came
    from and either the record or its problems. A file in a folder that cannot be read,
    or a line longer than ``max_bytes``, gives one with that problem.

    Args:
        source: A path to a JSON Lines file or a folder of ``.json`` files, or a binary
            file object of JSON Lines.
        definition: The definition to check every record against.
        max_bytes: The largest document accepted, in bytes: a longer line is not read.

    Returns:
        An iterator of what was read from each document, in order.

    Raises:
        ValidationError: At once, before anything is read: the path names nothing, or
            a folder with no ``.json`` file.
        WrongTypeError: ``source`` is not a path or a binary file object, or
            ``definition`` is not a definition.

    Examples:
        >>> from pathway_model import records
        >>> def count(source):
        ...     read = refused = 0
        ...     for found in records.read_records_with_problems(source):
        ...         if found.record is None:
        ...             refused += 1
        ...             print(found.where, found.problems[0])
        ...         else:
        ...             read += 1
        ...     return read, refused
    """
    return _stream.read_records_with_problems(source, definition=definition, max_bytes=max_bytes)
