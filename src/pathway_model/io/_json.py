"""JSON documents: versioned, deterministic, and strict about what they accept."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping
from decimal import Decimal
from types import ModuleType
from typing import Any, TypeVar

from pathway_model.catalogue import DEFINITIONS
from pathway_model.errors import Problem, ValidationError, WrongTypeError
from pathway_model.io._converter import (
    COLLECTION_POSITION,
    CONVERTER,
    json_type,
    key_path,
    object_of,
)
from pathway_model.model import OutcomeFramework, Pathway, PathwayDefinition, check_pathway
from pathway_model.model._checks import show_code, show_number, type_name
from pathway_model.rules import Assessment, Readiness, ReviewSchedule

__all__ = [
    "DOCUMENTS",
    "MAX_DOCUMENT_BYTES",
    "SCHEMA_VERSION",
    "dumps",
    "from_dict",
    "loads",
    "to_dict",
]

T = TypeVar("T")

_orjson: ModuleType | None
try:  # the optional ``fast`` extra
    import orjson as _orjson
except ImportError:  # pragma: no cover - the tests run with and without it
    _orjson = None

#: orjson's options for the layouts dumps shares with it: compact, and indented by two.
_ORJSON_OPTIONS = {None: 0, 2: getattr(_orjson, "OPT_INDENT_2", 0)}

SCHEMA_VERSION = 1
"""The version of the JSON format this library writes. Older versions load by migration."""

#: The name each kind of top-level document carries in its ``document`` key.
DOCUMENTS: dict[type[Any], str] = {
    Pathway: "pathway",
    OutcomeFramework: "framework",
    PathwayDefinition: "pathway_definition",
    Assessment: "assessment",
    Readiness: "readiness",
    ReviewSchedule: "review_schedule",
}

MAX_DOCUMENT_BYTES = 64 * 1024 * 1024
"""The largest document `loads` reads unless told otherwise: 64 MiB."""

#: Migrations: ``MIGRATIONS[n]`` turns a version ``n`` document into version ``n + 1``.
#: A format change adds one here, with a test that the committed fixtures of every older
#: version still load.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}

_HEADER = ("schema_version", "document")


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
    document = DOCUMENTS.get(type(obj))
    if document is None:
        raise WrongTypeError.single("obj", _document_kinds(), type_name(obj))
    fields: dict[str, Any] = CONVERTER.unstructure(obj)
    return {"schema_version": SCHEMA_VERSION, "document": document, **fields}


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
        '{"schema_version":1,"document":"framework","id":"my-shared-p'
        >>> loads(text, type(MY_SHARED_PATHWAY)) == MY_SHARED_PATHWAY
        True
    """
    document = to_dict(obj)
    if _orjson is not None and indent in (None, 2):
        # orjson writes the same bytes as the standard library below (same escapes, same
        # layout; a test holds the two equal), in a fraction of the time.
        try:
            written: bytes = _orjson.dumps(document, option=_ORJSON_OPTIONS[indent])
            return written.decode()
        except TypeError:  # an integer beyond 64 bits: the standard library writes it
            pass
    separators = (",", ":") if indent is None else (",", ": ")
    return json.dumps(
        document, ensure_ascii=False, allow_nan=False, indent=indent, separators=separators
    )


def from_dict(data: object, cls: type[T], *, definition: PathwayDefinition | None = None) -> T:
    """Read a top-level object from a parsed JSON document (dicts, lists, str, numbers).

    The checks are those of [`loads`][pathway_model.loads], less those of the text itself.

    Args:
        data: The parsed document, e.g. from ``json.load``.
        cls: What the document holds (see [`loads`][pathway_model.loads]).
        definition: The definition to check a pathway against.

    Raises:
        ValidationError: Every problem found, each with its JSON path.
    """
    if cls not in DOCUMENTS:
        raise WrongTypeError.single("cls", _document_kinds(), getattr(cls, "__name__", repr(cls)))
    fields = _body(data, DOCUMENTS[cls])
    obj: T = CONVERTER.structure(fields, cls)
    if isinstance(obj, Pathway):
        _check_record(obj, fields, definition)
    return obj


def loads(
    data: str | bytes,
    cls: type[T],
    *,
    definition: PathwayDefinition | None = None,
    max_bytes: int = MAX_DOCUMENT_BYTES,
) -> T:
    """Read a top-level object from a JSON document.

    Everything is checked, in four steps: the text, the header, the values, and (for a
    pathway) the record against its definition. Every problem a step finds is reported at
    once, each with its JSON path (``$.reviews[3].ratings[1].team``), what was expected
    and what was found; a step runs only when the ones before it found nothing. Notes and
    goal wording are never repeated. Refused: text that is not UTF-8 or not JSON; ``NaN`` and
    ``Infinity``; an object with the same key twice; unknown keys; values of the wrong
    JSON type; unknown codes; dates that do not exist; datetimes without a zone (a
    datetime with a zone becomes its date in England); a document of another kind; a
    ``schema_version`` newer than this library reads. Older versions are migrated.

    A pathway is also checked against its definition: ``definition`` when given, else
    the built-in definition it names, if there is one.

    With the ``fast`` extra (orjson) installed, a pathway exactly as `dumps` wrote it is
    parsed by orjson, and trusted only if written again it gives back the same bytes (so no
    key was given twice); every other document takes the strict parser. The result is the
    same either way.

    Args:
        data: The document, as text or UTF-8 bytes.
        cls: What the document holds: ``Pathway``, ``OutcomeFramework``,
            ``PathwayDefinition``, ``Assessment``, ``Readiness`` or ``ReviewSchedule``.
        definition: The definition to check a pathway against.
        max_bytes: The largest document accepted, in bytes of UTF-8.

    Raises:
        ValidationError: Every problem found (a ``ValueError``).
        WrongTypeError: ``data`` is neither text nor bytes.
    """
    tree = _canonical_record(data, max_bytes) if cls is Pathway else None
    if tree is None:
        tree = parse(data, max_bytes=max_bytes)
    return from_dict(tree, cls, definition=definition)


#: How a record written by `dumps` begins, in each layout orjson writes alike.
_CANONICAL_STARTS = {
    b'{"schema_version":1,"document":"pathway",': _ORJSON_OPTIONS[None],
    b'{\n  "schema_version": 1,\n  "document": "pathway",': _ORJSON_OPTIONS[2],
}


def _canonical_record(data: object, max_bytes: int) -> object | None:
    """Parse a record exactly as `dumps` wrote it with orjson, or return ``None``.

    orjson keeps the last of a key given twice, silently, so its tree alone proves
    nothing. But when the tree, written again, gives back the very bytes read, each
    object had each key once: every other document returns ``None`` and takes the strict
    parser. Only records come this way: they hold no numbers but whole ones, which
    both parsers read alike.
    """
    if _orjson is None:
        return None
    if isinstance(data, str):
        try:
            raw = data.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: the strict parser reports it
            return None
    elif isinstance(data, bytes):
        raw = data
    else:
        return None
    # The layout the text begins in is the only one it can be written back in.
    option = next((o for start, o in _CANONICAL_STARTS.items() if raw.startswith(start)), None)
    if option is None or len(raw) > max_bytes:
        return None
    try:
        tree: object = _orjson.loads(raw)
        if _orjson.dumps(tree, option=option) == raw:
            return tree
    except (TypeError, ValueError):  # not JSON, too deep, too large a number, ...
        pass
    return None


# --- parsing --------------------------------------------------------------------------------


class _NonFinite:
    """Stands in for NaN or Infinity while parsing, so the problem can be reported with its path.

    Also for a number too large to hold, with what was expected there.
    """

    __slots__ = ("expected", "text")

    def __init__(
        self, text: str, expected: str = "a finite number (JSON has no NaN or Infinity)"
    ) -> None:
        self.text = text
        self.expected = expected


def parse(data: str | bytes, *, max_bytes: int = MAX_DOCUMENT_BYTES) -> object:
    """Parse JSON text strictly, reporting every problem with its path.

    Objects come back as tuples of ``(key, value)`` pairs, arrays as lists: the parser
    then needs no Python call per object, and the converter, which reads every object
    anyway, turns each into a dict and reports a key given twice, with its path.

    Raises:
        ValidationError: Not UTF-8, not JSON, too large, too deeply nested, or a
            non-finite number.
        WrongTypeError: ``data`` is neither text nor bytes.
    """
    if isinstance(data, (bytes, bytearray, memoryview)):
        raw = bytes(data)
        if len(raw) > max_bytes:
            raise _too_large(len(raw), max_bytes)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ValidationError.single(
                "$", "UTF-8 text", f"a byte that is not UTF-8 at offset {error.start}"
            ) from None
    elif isinstance(data, str):
        text = data
        size = len(text.encode("utf-8", "surrogatepass"))
        if size > max_bytes:
            raise _too_large(size, max_bytes)
    else:
        raise WrongTypeError.single("data", "JSON text (str or bytes)", type_name(data))
    text = text.removeprefix("\ufeff")
    non_finite: list[_NonFinite] = []

    def constant(name: str) -> _NonFinite:
        non_finite.append(_NonFinite(name))
        return non_finite[-1]

    try:
        try:
            tree = json.loads(
                text, object_pairs_hook=tuple, parse_constant=constant, parse_float=Decimal
            )
        except (ValueError, ArithmeticError) as error:
            if isinstance(error, json.JSONDecodeError):
                raise
            # A number too large to hold stopped the parser: read again, each such number
            # standing in as a `_NonFinite`, so that every one is reported with its path.
            non_finite.clear()
            tree = json.loads(
                text,
                object_pairs_hook=tuple,
                parse_constant=constant,
                parse_int=functools.partial(_whole, found=non_finite),
                parse_float=functools.partial(_fraction, found=non_finite),
            )
    except json.JSONDecodeError as error:
        raise ValidationError.single(
            "$", "a JSON document", f"{error.msg} at line {error.lineno} column {error.colno}"
        ) from None
    except RecursionError:
        raise ValidationError.single(
            "$", "a document nested less deeply", "nesting too deep to read"
        ) from None
    if non_finite:
        problems: list[Problem] = []
        _find_non_finite(tree, "$", problems)
        raise ValidationError(problems)
    return tree


_ORDINARY_NUMBER = "a number of ordinary size"


def _whole(token: str, *, found: list[_NonFinite]) -> object:
    """An integer token, or a stand-in if it has more digits than Python converts."""
    try:
        return int(token)
    except ValueError:
        digits = len(token.lstrip("-"))
        found.append(_NonFinite(f"a whole number of {digits:,} digits", _ORDINARY_NUMBER))
        return found[-1]


def _fraction(token: str, *, found: list[_NonFinite]) -> object:
    """A number token with a point or exponent, or a stand-in if its exponent is too large."""
    try:
        return Decimal(token)
    except ArithmeticError:
        found.append(_NonFinite("a number with an exponent too large to hold", _ORDINARY_NUMBER))
        return found[-1]


def _too_large(size: int, limit: int) -> ValidationError:
    return ValidationError.single("$", f"a document of at most {limit:,} bytes", f"{size:,} bytes")


def _find_non_finite(value: object, path: str, problems: list[Problem]) -> None:
    """Find the non-finite numbers in a parsed tree, with their paths."""
    stack: list[tuple[object, str]] = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, _NonFinite):
            problems.append(
                Problem(
                    path=where,
                    expected=item.expected,
                    found=item.text,
                )
            )
        elif isinstance(item, tuple):
            stack.extend((child, _key_path(where, key)) for key, child in reversed(item))
        elif isinstance(item, list):
            stack.extend((child, f"{where}[{n}]") for n, child in reversed(list(enumerate(item))))


def _key_path(where: str, key: str) -> str:
    return key_path(where, key)


# --- the document header ----------------------------------------------------------------------


def _document_kinds() -> str:
    return "one of " + ", ".join(cls.__name__ for cls in DOCUMENTS)


def _body(data: object, document: str) -> dict[str, Any]:
    """Check the header, migrate older versions, and return the fields."""
    header = object_of(data, "$")
    if header is None:
        raise WrongTypeError.single("$", f"a JSON object (a {document} document)", json_type(data))
    data = header
    version = data.get("schema_version")
    problems = []
    if "schema_version" not in data:
        problems.append(
            Problem(
                path="$.schema_version",
                expected=f"a schema version (this library writes {SCHEMA_VERSION})",
                found="no key",
            )
        )
    elif type(version) is not int:
        problems.append(
            Problem(path="$.schema_version", expected="a whole number", found=json_type(version))
        )
    elif version > SCHEMA_VERSION:
        problems.append(
            Problem(
                path="$.schema_version",
                expected=(
                    f"a version this library reads (1 to {SCHEMA_VERSION}): "
                    "upgrade pathway_model to read it"
                ),
                found=show_code(str(version))
                if -(10**20) < version < 10**20
                else show_number(version),
            )
        )
    elif version < 1:
        problems.append(
            Problem(
                path="$.schema_version",
                expected=f"a version from 1 to {SCHEMA_VERSION}",
                found=show_code(str(version))
                if -(10**20) < version < 10**20
                else show_number(version),
            )
        )
    if data.get("document") != document:
        found = data.get("document")
        problems.append(
            Problem(
                path="$.document",
                expected=repr(document),
                found="no key"
                if "document" not in data
                else (show_code(found) if isinstance(found, str) else json_type(found)),
            )
        )
    if problems:
        raise ValidationError(problems)
    assert isinstance(version, int)  # checked above; narrows the type
    body = dict(data)
    if version < SCHEMA_VERSION:
        body = _plain(body, "$")  # migrations work on dicts and lists
    while version < SCHEMA_VERSION:
        body = MIGRATIONS[version](body)
        version += 1
    return {key: value for key, value in body.items() if key not in _HEADER}


def _plain(value: Any, where: str) -> Any:
    """The parsed tree with every object as a dict (refusing keys given twice)."""
    as_object = object_of(value, where)
    if as_object is not None:
        return {key: _plain(child, key_path(where, key)) for key, child in as_object.items()}
    if isinstance(value, list):
        return [_plain(child, f"{where}[{n}]") for n, child in enumerate(value)]
    return value


def _check_record(
    pathway: Pathway, fields: Mapping[str, Any], definition: PathwayDefinition | None
) -> None:
    """Check a loaded record against its definition, with paths into the document."""
    if definition is None:
        named = (pathway.definition_id, pathway.definition_version)
        definition = next((d for d in DEFINITIONS if (d.id, d.version) == named), None)
        if definition is None:
            return
    problems = check_pathway(pathway, definition)
    if problems:
        raise ValidationError(_to_input_positions(problem, pathway, fields) for problem in problems)


def _to_input_positions(problem: Problem, pathway: Pathway, fields: Mapping[str, Any]) -> Problem:
    """Map a position in the record's canonical order to the document's array position."""
    match = COLLECTION_POSITION.match(problem.path)
    if match is None:
        return problem
    field, index = match[1], int(match[2])
    wanted = getattr(pathway, field)[index].id
    raw = fields.get(field, [])
    position = next(
        (n for n, item in enumerate(raw) if (object_of(item, "$") or {}).get("id") == wanted),
        index,
    )
    return Problem(
        path=f"$.{field}[{position}]{problem.path[match.end() :]}",
        expected=problem.expected,
        found=problem.found,
    )
