"""The edges: JSON documents with schema versions, and their JSON Schema.

Import from `pathway_model`; this package's layout is private. The reader, the writer and
the schema generator load on first use (cattrs and the converter are not needed to apply
the rules), so `import pathway_model` stays cheap.
"""

from __future__ import annotations

import typing
from typing import Any, TypeVar, overload

from pathway_model.errors import ValidationError
from pathway_model.io._format import MAX_DOCUMENT_BYTES, SCHEMA_VERSION

if typing.TYPE_CHECKING:
    from pathway_model.model import PathwayDefinition

__all__ = [
    "MAX_DOCUMENT_BYTES",
    "SCHEMA_VERSION",
    "dumps",
    "from_dict",
    "json_schema",
    "loads",
    "to_dict",
]

T = TypeVar("T")


def to_dict(obj: object) -> dict[str, Any]:
    """Turn a top-level object into a JSON-ready dict with its version and document name.

    Args:
        obj: A ``Pathway``, ``OutcomeFramework``, ``PathwayDefinition``, ``Assessment``,
            ``Readiness`` or ``ReviewSchedule``.

    Returns:
        A dict of JSON types only, keys in a fixed order: ``schema_version``,
            ``document``, then the fields in the order the class declares them.

    Raises:
        WrongTypeError: ``obj`` is not a top-level document.
    """
    from pathway_model.io import _json  # noqa: PLC0415 - serialisation loads on first use

    return _json.to_dict(obj)


def dumps(obj: object, *, indent: int | None = None) -> str:
    """Write a top-level object as a JSON document.

    The output is deterministic: the same object always gives the same text, whatever
    the order its collections were given in. Dates are ISO 8601 (``2024-01-08``),
    periods ISO 8601 durations (``P3M``), amounts decimal strings (``"452"``), and
    vocabularies their codes. With the ``fast`` extra (orjson) installed, compact or
    two-space text is written by orjson, byte for byte the same.

    Args:
        obj: A ``Pathway``, ``OutcomeFramework``, ``PathwayDefinition``, ``Assessment``,
            ``Readiness`` or ``ReviewSchedule``.
        indent: Spaces to indent by; compact on one line when ``None``.

    Raises:
        WrongTypeError: ``obj`` is not a top-level document.

    Examples:
        >>> from pathway_model import dumps, loads
        >>> from pathway_model.catalogue import MY_SHARED_PATHWAY
        >>> text = dumps(MY_SHARED_PATHWAY)
        >>> text[:60]
        '{"schema_version":2,"document":"framework","id":"my-shared-p'
        >>> loads(text, type(MY_SHARED_PATHWAY)) == MY_SHARED_PATHWAY
        True
    """
    from pathway_model.io import _json  # noqa: PLC0415 - serialisation loads on first use

    return _json.dumps(obj, indent=indent)


@overload
def from_dict(data: object, cls: type[T], *, definition: PathwayDefinition | None = None) -> T: ...
@overload
def from_dict(
    data: object, cls: None = None, *, definition: PathwayDefinition | None = None
) -> object: ...
def from_dict(
    data: object, cls: type[Any] | None = None, *, definition: PathwayDefinition | None = None
) -> object:
    """Read a top-level object from a parsed JSON document (dicts, lists, str, numbers).

    The checks are those of [`loads`][pathway_model.loads], less those of the text itself.

    Args:
        data: The parsed document, e.g. from ``json.load``.
        cls: What the document holds (see [`loads`][pathway_model.loads]); when ``None``,
            the kind its own ``document`` key names.
        definition: The definition to check a pathway against.

    Raises:
        ValidationError: Every problem found, each with its JSON path.
        WrongTypeError: ``cls`` is not a kind of document, or an object in ``data`` has a
            key that is not a string.
    """
    from pathway_model.io import _json  # noqa: PLC0415 - serialisation loads on first use

    try:
        return _json.from_dict(data, cls, definition=definition)
    except ValidationError as error:
        failure = error
    del data  # the error must not keep the document alive through this frame
    raise failure


@overload
def loads(
    data: str | bytes,
    cls: type[T],
    *,
    definition: PathwayDefinition | None = None,
    max_bytes: int = MAX_DOCUMENT_BYTES,
) -> T: ...
@overload
def loads(
    data: str | bytes,
    cls: None = None,
    *,
    definition: PathwayDefinition | None = None,
    max_bytes: int = MAX_DOCUMENT_BYTES,
) -> object: ...
def loads(
    data: str | bytes,
    cls: type[Any] | None = None,
    *,
    definition: PathwayDefinition | None = None,
    max_bytes: int = MAX_DOCUMENT_BYTES,
) -> object:
    """Read a top-level object from a JSON document.

    Everything is checked: the text, the header, the values, and (for a pathway) the
    record on its own terms and against its definition. Every problem is reported at once,
    each with its JSON path (``$.reviews[3].ratings[1].team``), what was expected and what
    was found; a record with a bad item is still checked, without that item, against its
    stays and its definition. Only a check that cannot be made until a problem is mended is
    held back (a review's date, when a stay could not be read), and then the error says
    that more problems may follow. The first hundred problems are listed and the rest
    counted. Notes and goal wording are never repeated, and the error keeps no part of the
    document. Refused: text that is not UTF-8 or not JSON; ``NaN`` and ``Infinity``; an
    object with the same key twice; unknown keys; values of the wrong JSON type; unknown
    codes; dates that do not exist; datetimes without a zone (a datetime with a zone
    becomes its date in England); a document of another kind; a ``schema_version`` newer
    than this library reads. Older versions are migrated.

    A pathway is also checked against its definition: ``definition`` when given, else
    the built-in definition it names, if there is one.

    With the ``fast`` extra (orjson) installed, a pathway exactly as `dumps` wrote it is
    parsed by orjson, and trusted only if written again it gives back the same bytes (so no
    key was given twice); every other document takes the strict parser. The result, or
    the problems, are the same either way.

    Args:
        data: The document, as text or UTF-8 bytes.
        cls: What the document holds: ``Pathway``, ``OutcomeFramework``,
            ``PathwayDefinition``, ``Assessment``, ``Readiness`` or ``ReviewSchedule``;
            when ``None``, the kind its own ``document`` key names.
        definition: The definition to check a pathway against.
        max_bytes: The largest document accepted, in bytes of UTF-8.

    Raises:
        ValidationError: Every problem found (a ``ValueError``).
        WrongTypeError: ``data`` is neither text nor bytes.

    Examples:
        >>> from pathway_model import dumps, loads
        >>> from pathway_model.catalogue import SECURE_PATHWAY
        >>> type(loads(dumps(SECURE_PATHWAY))).__name__
        'PathwayDefinition'
    """
    from pathway_model.io import _json  # noqa: PLC0415 - serialisation loads on first use

    try:
        return _json.loads(data, cls, definition=definition, max_bytes=max_bytes)
    except ValidationError as error:
        failure = error
    del data  # the error must not keep the document alive through this frame
    raise failure


def json_schema(cls: type[Any]) -> dict[str, Any]:
    """Return the JSON Schema (draft 2020-12) of a top-level document.

    The schema is generated from the model, so it always agrees with
    [`loads`][pathway_model.loads]: every document the schema refuses, the loader
    refuses too. The loader checks more than a schema can say (that dates exist, that
    ids are unique, that codes are known to the pathway definition), so a document the
    schema accepts may still be refused.
    The schema describes the version of the format this library writes
    (``schema_version`` is ``SCHEMA_VERSION``); older versions that the loader migrates
    are not covered. Each call returns a new dict with the same content and key order.

    Args:
        cls: ``Pathway``, ``OutcomeFramework``, ``PathwayDefinition``, ``Assessment``,
            ``Readiness`` or ``ReviewSchedule``.

    Returns:
        The schema, JSON types only: the document's own keys under ``properties``, and
        one entry under ``$defs`` for each class, vocabulary and format it uses.

    Raises:
        WrongTypeError: ``cls`` is not a top-level document class.

    Examples:
        >>> import json
        >>> import pathway_model as pm
        >>> schema = pm.json_schema(pm.Pathway)
        >>> schema["$id"]
        'https://pathway-model.org/schema/v2/pathway.json'
        >>> schema["required"][:4]
        ['schema_version', 'document', 'person_id', 'definition_id']
        >>> schema["$defs"]["IncidentSeverity"]["enum"]
        ['minor', 'moderate', 'serious']
        >>> text = json.dumps(schema, indent=2)  # ready to publish
    """
    from pathway_model.io import _schema  # noqa: PLC0415 - loads on first use

    return _schema.json_schema(cls)
