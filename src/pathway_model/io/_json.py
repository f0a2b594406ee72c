"""JSON documents: versioned, deterministic, and strict about what they accept."""

from __future__ import annotations

import functools
import json
import re
import typing
from collections.abc import Callable, Sequence
from decimal import Decimal
from types import ModuleType
from typing import Any

import attrs

from pathway_model.catalogue import DEFINITIONS
from pathway_model.errors import Problem, ValidationError, WrongTypeError
from pathway_model.io._converter import (
    CONVERTER,
    Collected,
    json_type,
    key_path,
    object_of,
    read_items,
    unknown_keys,
    validate_field,
)
from pathway_model.io._fast import SHARED
from pathway_model.io._format import MAX_DOCUMENT_BYTES, SCHEMA_VERSION
from pathway_model.io._migrations import MIGRATIONS
from pathway_model.model import OutcomeFramework, Pathway, PathwayDefinition, check_pathway
from pathway_model.model._checks import show_code, show_number, type_name
from pathway_model.model._record import (
    Goal,
    Incident,
    Placement,
    RecordedReadiness,
    Review,
    record_problems,
    to_input_position,
)
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


#: orjson (the optional ``fast`` extra), imported on first need: ``_NOT_LOADED`` until
#: then, ``None`` once it is known to be missing. Tests set ``None`` to read and write
#: with the standard library alone.
_NOT_LOADED: Any = object()
_orjson: Any = _NOT_LOADED

#: A document smaller than this is read with the standard library alone: orjson saves a
#: few tens of microseconds on it, and its import costs milliseconds, which a command
#: that reads one record would pay on every start. Both read alike (a test holds it).
ORJSON_FROM_BYTES = 16_384


def _fast_json() -> ModuleType | None:
    """The orjson module, imported on first call; ``None`` when it is not installed."""
    global _orjson  # noqa: PLW0603 - a cache of one import, read by every load and dump
    if _orjson is _NOT_LOADED:
        try:
            import orjson  # noqa: PLC0415 - optional, and costly to import at start-up
        except ImportError:  # pragma: no cover - the tests run with and without it
            _orjson = None
        else:
            _orjson = orjson
    found: ModuleType | None = _orjson
    return found


def _orjson_option(fast: ModuleType, indent: int | None) -> int:
    """The orjson option for a layout dumps shares with it: compact, or indented by two."""
    option: int = 0 if indent is None else fast.OPT_INDENT_2
    return option


#: The name each kind of top-level document carries in its ``document`` key.
DOCUMENTS: dict[type[Any], str] = {
    Pathway: "pathway",
    OutcomeFramework: "framework",
    PathwayDefinition: "pathway_definition",
    Assessment: "assessment",
    Readiness: "readiness",
    ReviewSchedule: "review_schedule",
}


# Migrations (``MIGRATIONS[n]`` turns a version ``n`` document into version ``n + 1``) are
# in their own module: a format change adds one there, with a test that the committed
# fixtures of every older version still load.
_HEADER = ("schema_version", "document")

#: Each kind of document by the name its ``document`` key carries.
_KINDS: dict[str, type[Any]] = {name: cls for cls, name in DOCUMENTS.items()}


def to_dict(obj: object) -> dict[str, Any]:
    """The work of [`to_dict`][pathway_model.to_dict], which says what it does."""
    document = DOCUMENTS.get(type(obj))
    if document is None:
        raise WrongTypeError.single("obj", _document_kinds(), type_name(obj))
    fields: dict[str, Any] = CONVERTER.unstructure(obj)
    return {"schema_version": SCHEMA_VERSION, "document": document, **fields}


def dumps(obj: object, *, indent: int | None = None) -> str:
    """The work of [`dumps`][pathway_model.dumps], which says what it does."""
    document = to_dict(obj)
    fast = _fast_json() if indent in (None, 2) else None
    if fast is not None:
        # orjson writes the same bytes as the standard library below (same escapes, same
        # layout; a test holds the two equal), in a fraction of the time.
        try:
            written: bytes = fast.dumps(document, option=_orjson_option(fast, indent))
            return written.decode()
        except TypeError:  # an integer beyond 64 bits: the standard library writes it
            pass
    separators = (",", ":") if indent is None else (",", ": ")
    return json.dumps(
        document, ensure_ascii=False, allow_nan=False, indent=indent, separators=separators
    )


def from_dict(
    data: object, cls: type[Any] | None = None, *, definition: PathwayDefinition | None = None
) -> object:
    """The work of [`from_dict`][pathway_model.from_dict], which says what it does."""
    try:
        return _from_tree(data, cls, definition)
    except ValidationError as error:
        failure = _bare(error)
    del data  # the error must not keep the document alive through this frame
    raise failure


def loads(
    data: str | bytes,
    cls: type[Any] | None = None,
    *,
    definition: PathwayDefinition | None = None,
    max_bytes: int = MAX_DOCUMENT_BYTES,
) -> object:
    """The work of [`loads`][pathway_model.loads], which says what it does."""
    try:
        return _load(data, cls, definition, max_bytes)
    except ValidationError as error:
        failure = _bare(error)
    del data  # the error must not keep the document alive through this frame
    raise failure


def _bare(error: ValidationError) -> ValidationError:
    """The error with nothing attached but its problems: no context, cause or traceback.

    A context (the ``JSONDecodeError`` of a parser, say) could hold the whole document,
    and frames of the traceback hold parts of it, notes included.
    """
    error.__cause__ = None
    error.__context__ = None
    error.__suppress_context__ = False
    return error.with_traceback(None)


def _load(
    data: object, cls: type[Any] | None, definition: PathwayDefinition | None, max_bytes: int
) -> object:
    tree = None
    if cls in (None, Pathway) and isinstance(data, (str, bytes)) and len(data) >= ORJSON_FROM_BYTES:
        tree = _canonical_record(data, max_bytes)
    if tree is None:
        tree = parse(data, max_bytes=max_bytes)  # type: ignore[arg-type]  # parse checks it
    return _from_tree(tree, cls, definition)


def _from_tree(tree: object, cls: object, definition: PathwayDefinition | None) -> object:
    if cls is not None and not (isinstance(cls, type) and cls in DOCUMENTS):
        found = cls.__name__ if isinstance(cls, type) else f"a {type_name(cls)}"
        raise WrongTypeError.single("cls", _document_kinds(), found)
    cls, fields = _body(tree, cls)
    if cls is Pathway:
        return _read_record(fields, definition)
    obj: object = CONVERTER.structure(fields, cls)
    return obj


#: How a record written by `dumps` begins, in each layout orjson writes alike.
_CANONICAL_STARTS: dict[bytes, int | None] = {
    b'{"schema_version":%d,"document":"pathway",' % SCHEMA_VERSION: None,
    b'{\n  "schema_version": %d,\n  "document": "pathway",' % SCHEMA_VERSION: 2,
}


def _canonical_record(data: object, max_bytes: int) -> object | None:
    """Parse a record exactly as `dumps` wrote it with orjson, or return ``None``.

    orjson keeps the last of a key given twice, silently, so its tree alone proves
    nothing. But when the tree, written again, gives back the very bytes read, each
    object had each key once: every other document returns ``None`` and takes the strict
    parser. Only records come this way: they hold no numbers but whole ones, which
    both parsers read alike.
    """
    fast = _fast_json()
    if fast is None:
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
    layout = [indent for start, indent in _CANONICAL_STARTS.items() if raw.startswith(start)]
    if not layout or len(raw) > max_bytes:
        return None
    try:
        tree: object = fast.loads(raw)
        if fast.dumps(tree, option=_orjson_option(fast, layout[0])) == raw:
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
    text = _text_of(data, max_bytes).removeprefix("\ufeff")
    non_finite: list[_NonFinite] = []

    def constant(name: str) -> _NonFinite:
        non_finite.append(_NonFinite(name))
        return non_finite[-1]

    # Each failure is raised outside its handler: the parser's exception holds the whole
    # text (notes included), and must not ride along as the error's context.
    failure: Problem | None = None
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
        failure = Problem(
            path="$",
            expected="a JSON document",
            found=f"{error.msg} at line {error.lineno} column {error.colno}",
        )
    except RecursionError:
        failure = Problem(
            path="$", expected="a document nested less deeply", found="nesting too deep to read"
        )
    except ValueError as error:  # e.g. an integer of more digits than Python converts
        failure = Problem(
            path="$",
            expected="a JSON document Python can read",
            found=f"a value it cannot ({type(error).__name__})",
        )
    if failure is not None:
        raise ValidationError([failure])
    if non_finite:
        collected = Collected()
        _find_non_finite(tree, "$", collected)
        raise collected.error()
    return tree


def _text_of(data: object, max_bytes: int) -> str:
    """The document's text, refused when it is too large or (as bytes) not UTF-8."""
    if isinstance(data, (bytes, bytearray, memoryview)):
        raw = bytes(data)
        if len(raw) > max_bytes:
            raise _too_large(len(raw), max_bytes)
        offset = -1
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            offset = error.start
        if offset >= 0:  # raised outside the handler: the decode error holds every byte
            raise ValidationError.single(
                "$", "UTF-8 text", f"a byte that is not UTF-8 at offset {offset}"
            )
    elif isinstance(data, str):
        text = data
        size = len(text.encode("utf-8", "surrogatepass"))
        if size > max_bytes:
            raise _too_large(size, max_bytes)
    else:
        raise WrongTypeError.single("data", "JSON text (str or bytes)", type_name(data))
    return text


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


def _find_non_finite(value: object, path: str, problems: Collected) -> None:
    """Find the non-finite numbers in a parsed tree, with their paths."""
    stack: list[tuple[object, str]] = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, _NonFinite):
            problems.add(
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


def _body(data: object, cls: type[Any] | None) -> tuple[type[Any], dict[str, Any]]:
    """Check the header, migrate older versions, and return the kind and the fields.

    With ``cls`` ``None``, the kind is the one the ``document`` key names.
    """
    header = object_of(data, "$")
    if header is None:
        what = "a pathway_model document" if cls is None else f"a {DOCUMENTS[cls]} document"
        raise WrongTypeError.single("$", f"a JSON object ({what})", json_type(data))
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
    named = data.get("document")
    kind = cls if cls is not None else _KINDS.get(named) if type(named) is str else None
    if kind is None or named != DOCUMENTS[kind]:
        expected = (
            f"one of {', '.join(repr(name) for name in DOCUMENTS.values())}"
            if cls is None
            else repr(DOCUMENTS[cls])
        )
        problems.append(
            Problem(
                path="$.document",
                expected=expected,
                found="no key"
                if "document" not in data
                else (show_code(named) if isinstance(named, str) else json_type(named)),
            )
        )
    if problems:
        raise ValidationError(problems)
    assert isinstance(version, int)  # checked above; narrows the type
    assert kind is not None
    body = dict(data)
    if version < SCHEMA_VERSION:
        body = _plain(body, "$")  # migrations work on dicts and lists
    while version < SCHEMA_VERSION:
        body = MIGRATIONS[version](body)
        version += 1
    return kind, {key: value for key, value in body.items() if key not in _HEADER}


def _plain(value: Any, where: str) -> Any:
    """The parsed tree with every object as a dict (refusing keys given twice)."""
    as_object = object_of(value, where)
    if as_object is not None:
        return {key: _plain(child, key_path(where, key)) for key, child in as_object.items()}
    if isinstance(value, list):
        return [_plain(child, f"{where}[{n}]") for n, child in enumerate(value)]
    return value


# --- a person's record ----------------------------------------------------------------------------

#: The fields of a record that hold one code each.
_SCALARS = ("person_id", "definition_id", "definition_version")

#: A record's collections, each with the class of its items.
_COLLECTIONS: tuple[tuple[str, type[Any]], ...] = (
    ("placements", Placement),
    ("goals", Goal),
    ("reviews", Review),
    ("incidents", Incident),
    ("recorded_readiness", RecordedReadiness),
)

#: Checks that cannot be judged while a collection has an item that could not be read,
#: by that collection: a review's date needs every stay, a goal update every goal.
_HELD_BACK = {
    "placements": re.compile(
        r"\$\.placements(?:\[[0-9]+\]\..*)?|\$\.(?:reviews|incidents)\[[0-9]+\]\.date"
        r"|\$\.recorded_readiness\[[0-9]+\]\.(?:start|end)"
    ),
    "goals": re.compile(r"\$\.reviews\[[0-9]+\]\.goal_progress\[[0-9]+\]\.goal"),
}

#: Codes the definition gives the only values for, by where they sit in a record.
_DEFINED_CODE = re.compile(
    r"\$\.(?:placements\[[0-9]+\]\.(?P<stage>stage)|goals\[[0-9]+\]\.(?P<goal>domain)"
    r"|reviews\[[0-9]+\]\.ratings\[[0-9]+\]\.(?:(?P<domain>domain)|(?P<level>team|person)))"
)


@attrs.define
class _RecordParts:
    """What could be read of a record, item by item, and the problems with the rest."""

    codes: dict[str, str]
    items: dict[str, tuple[Any, ...]]
    positions: dict[str, Sequence[int]]
    broken: set[str]
    collected: Collected


def _read_parts(fields: dict[str, Any]) -> _RecordParts:
    """Read each field of a record, and each item of its collections, on its own."""
    collected = Collected()
    attributes = attrs.fields_dict(Pathway)
    if not fields.keys() <= attributes.keys():
        unknown_keys(fields, Pathway, collected)
    parts = _RecordParts(codes={}, items={}, positions={}, broken=set(), collected=collected)
    _read_codes(fields, parts)
    for name, item in _COLLECTIONS:
        built: tuple[Any, ...] = ()
        positions: Sequence[int] = ()
        raw = fields.get(name, ())
        if name not in fields and attributes[name].default is attrs.NOTHING:
            collected.add(_missing(name))
            parts.broken.add(name)
        elif type(raw) is list:
            built, positions, problems = read_items(item, raw)
            if problems:
                collected.take(problems, f"$.{name}")
                parts.broken.add(name)
        elif name in fields:
            collected.add(Problem(path=f"$.{name}", expected="an array", found=json_type(raw)))
            parts.broken.add(name)
        parts.items[name] = built
        parts.positions[name] = positions
    return parts


def _read_codes(fields: dict[str, Any], parts: _RecordParts) -> None:
    """Read the record's person and definition ids, each on its own."""
    collected = parts.collected
    attributes = attrs.fields_dict(Pathway)
    shell = object.__new__(Pathway)  # only its class is read, to name the path
    string = CONVERTER.get_structure_hook(str)
    for name in _SCALARS:
        before = collected.total
        if name not in fields:
            collected.add(_missing(name))
        else:
            try:
                value = string(fields[name], str)
            except ValidationError as error:
                collected.take(error, f"$.{name}")
            else:
                validate_field(shell, attributes[name], value, collected)
        if collected.total == before:
            # The definition's id and version repeat in every record: share them (the
            # person's id is never kept in a table).
            parts.codes[name] = (
                value if name == "person_id" else SHARED.strings.setdefault(value, value)
            )
        else:
            parts.broken.add(name)


def _missing(name: str) -> Problem:
    return Problem(path=f"$.{name}", expected="a value (the key is required)", found="no key")


def _read_record(fields: dict[str, Any], definition: PathwayDefinition | None) -> Pathway:
    """Read a record and check it on its own terms and against its definition.

    A valid record is read in one pass. A record with a problem is read again item by
    item: the items that can be read are checked against each other and the definition,
    so every problem that can be judged is reported at once.

    The tables of shared values (see `SHARED`) are trimmed after each record, so they
    stay bounded however many records are read.
    """
    try:
        return _checked_record(fields, definition)
    finally:
        SHARED.trim()


def _checked_record(fields: dict[str, Any], definition: PathwayDefinition | None) -> Pathway:
    parts = _read_parts(fields)
    if definition is None:
        named = (parts.codes.get("definition_id"), parts.codes.get("definition_version"))
        definition = next((d for d in DEFINITIONS if (d.id, d.version) == named), None)
    if not parts.collected:
        try:
            arguments: dict[str, Any] = {**parts.codes, **parts.items}
            pathway = Pathway(**arguments)
        except ValidationError:
            pass  # every problem is found below
        else:
            if definition is None or not check_pathway(pathway, definition):
                return pathway
    raise _record_error(parts, definition)


def _record_error(parts: _RecordParts, definition: PathwayDefinition | None) -> ValidationError:
    """Every problem of a record that can be judged, with paths into the document."""
    collected = parts.collected
    if definition is not None:
        collected.problems[:] = [_name_codes(problem, definition) for problem in collected.problems]
    # An item that could not be read is checked no further: mending it may show more;
    # so is a record whose definition cannot be known.
    more = any(name in parts.broken for name, _ in _COLLECTIONS) or (
        definition is None and not parts.broken.isdisjoint(_SCALARS[1:])
    )
    shell = _shell(parts, definition)
    judged = list(record_problems(shell))
    if definition is not None:
        judged += check_pathway(shell, definition)
    held = [_HELD_BACK[name] for name in _HELD_BACK if name in parts.broken]
    positions = {
        name: {id(item): parts.positions[name][n] for n, item in enumerate(parts.items[name])}
        for name, _ in _COLLECTIONS
    }
    canonical = _collections(shell)
    for problem in judged:
        if any(pattern.fullmatch(problem.path) for pattern in held):
            more = True
            continue
        collected.add(to_input_position(problem, canonical, positions))
    if "placements" in parts.broken and definition is not None:
        # Moves between stays wait for every stay; each stay's own stage does not.
        for placement in shell.placements:
            alone = _shell(parts, definition, placements=(placement,), others=False)
            for problem in check_pathway(alone, definition):
                if problem.path.endswith(".stage"):
                    collected.add(to_input_position(problem, _collections(alone), positions))
    collected.more_may_follow = collected.more_may_follow or more
    return collected.error()


def _shell(
    parts: _RecordParts,
    definition: PathwayDefinition | None,
    *,
    placements: tuple[Placement, ...] | None = None,
    others: bool = True,
) -> Pathway:
    """A record of the parts that could be read, built without its checks, to check them.

    It never leaves this module: its collections may break the record's rules.
    """
    shell = object.__new__(Pathway)
    fallback = {
        "person_id": "",
        "definition_id": definition.id if definition else "",
        "definition_version": definition.version if definition else "",
    }
    attributes = attrs.fields_dict(Pathway)
    for name in _SCALARS:
        object.__setattr__(shell, name, parts.codes.get(name, fallback[name]))
    for name, _ in _COLLECTIONS:
        items = parts.items[name] if others else ()
        if name == "placements" and placements is not None:
            items = placements
        # Each collection in its canonical order, as the constructor would put it.
        convert = typing.cast("Callable[[object], object]", attributes[name].converter)
        object.__setattr__(shell, name, convert(items))
    return shell


def _collections(record: Pathway) -> dict[str, tuple[Any, ...]]:
    """A record's collections by field name, in its canonical order."""
    return {name: getattr(record, name) for name, _ in _COLLECTIONS}


def _name_codes(problem: Problem, definition: PathwayDefinition) -> Problem:
    """Say which codes the definition has where a value is not a code at all.

    ``'partly met'`` as a level is told the scale's levels, not the form of a code.
    """
    if not problem.not_a_code:
        return problem
    match = _DEFINED_CODE.fullmatch(problem.path)
    if match is None:
        return problem
    framework = definition.framework
    if match["stage"]:
        expected = f"a stage of {definition.id!r} ({', '.join(definition.stage_codes)})"
    elif match["level"]:
        scale = framework.scale
        expected = f"a level of {scale.code!r} ({', '.join(scale.codes)})"
    else:
        expected = f"a domain of {framework.id!r} ({', '.join(framework.domain_codes)})"
    return attrs.evolve(problem, expected=expected)
