"""Generated structuring functions for the classes a record holds by the hundred.

For a valid document, building each review, rating and goal through its validated
``__init__`` costs more than reading the JSON. The functions made here check each field
exactly as the field's validator would, but inline, then build the instance directly
and run the class's own ``__attrs_post_init__`` checks. They never report: on the first
doubt they raise ``Doubt`` (or let a hook's ``ValidationError`` through), and the caller
builds the object the ordinary way, which raises the precise error. So they can be
stricter than the constructor, never looser; a property test holds the two ways to the
same results.

They also share what records repeat (see `SHARED`): each code, id, provider name and
plain date read is looked up in a bounded table and the one object already held is kept
in its place, and a rating or goal update without a note that was read before is the very
same immutable object. Nothing else changes: equal values stay equal, and `dumps` writes
the same bytes. Free text (notes, goal wording) and person ids are never shared.
"""

from __future__ import annotations

import datetime as dt
import linecache
import re
import typing
from collections.abc import Callable
from enum import Enum
from typing import Any

import attrs

from pathway_model.model import _checks
from pathway_model.model._record import (
    DomainRating,
    Goal,
    GoalProgress,
    Incident,
    Placement,
    Review,
)

__all__ = [
    "FAST_CLASSES",
    "SHARED",
    "SHARED_CLASSES",
    "SHARED_LIMIT",
    "Doubt",
    "SharedValues",
    "make_fast",
    "make_fast_array",
]

#: Reads a field's array of a class that has its own generated function.
ArrayOf = Callable[[type[Any]], Callable[[object], tuple[Any, ...]]]

#: The only form of date read inline; any other (a zoned datetime) goes to the hook.
#: ASCII digits only, as the hook's own pattern.
_PLAIN_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class Doubt(Exception):  # noqa: N818 - not an error: a signal to take the ordinary way
    """Raised when the fast way is not sure: build the object the ordinary way instead."""


#: The classes worth a generated function: a record holds them by the hundred.
FAST_CLASSES: tuple[type[Any], ...] = (
    Placement,
    Goal,
    DomainRating,
    GoalProgress,
    Review,
    Incident,
)

#: The classes whose instances are shared whole between records when they hold no free
#: text: the ratings and goal updates inside reviews. The items of a record's own
#: collections (stays, goals, reviews, incidents) are not: a record that gives one item
#: twice must report each at its own position, which is found by the item's identity.
SHARED_CLASSES: tuple[type[Any], ...] = (DomainRating, GoalProgress)

#: The most values each table of `SHARED` holds; a table that grows past it is emptied.
SHARED_LIMIT = 65_536


class SharedValues:
    """The tables of values shared between the records read, each bounded.

    Attributes:
        strings: Codes, ids and names, each by itself.
        dates: Dates, by their ISO text.
        objects: For each class of `SHARED_CLASSES`, its instances by the tuple of the
            JSON values they were read from.
    """

    __slots__ = ("dates", "objects", "strings")

    def __init__(self) -> None:
        self.strings: dict[str, str] = {}
        self.dates: dict[str, dt.date] = {}
        self.objects: dict[type[Any], dict[tuple[object, ...], object]] = {
            cls: {} for cls in SHARED_CLASSES
        }

    def trim(self, limit: int = SHARED_LIMIT) -> None:
        """Empty each table that holds more than ``limit`` values.

        Called after each record is read: however many records are read, or however
        large one is, the tables never keep more than ``limit`` values each past a read.
        A table emptied only shares less until it fills again; no answer changes.
        """
        tables: list[dict[Any, Any]] = [self.strings, self.dates, *self.objects.values()]
        for table in tables:
            if len(table) > limit:
                table.clear()


#: The one set of tables, shared by every read (dict operations are atomic, and a value
#: found in a table is always equal to the one it replaces, so threads may share it).
SHARED = SharedValues()


#: Validators with nothing left to check after the read: dates, enums and tuples of model
#: objects come from hooks that only ever return values of the right type.
_CHECKED_BY_READ = (
    _checks.DateValidator,
    _checks.EnumMemberValidator,
    _checks.ItemsOfValidator,
)


def _inline(validator: object) -> str | None:
    """The inline check equal to ``validator``, ``{v}`` standing for the value.

    Read off the validator's fields. ``"True"`` when the read leaves nothing to check;
    ``None`` when there is no inline form (then no fast function is made).
    """
    # Exact types: a subclass (a person id) checks more than its base.
    if type(validator) is _checks.CodeValidator:
        check = "(type({v}) is str and ({v} in _codes or _code({v})))"
        return f"({{v}} is None or {check})" if validator.optional else check
    if type(validator) is _checks.TextValidator:
        text = validator
        length = (
            f"len({{v}}) <= {text.limit}"
            if text.may_be_empty
            else f"0 < len({{v}}) <= {text.limit} and not {{v}}.isspace()"
        )
        check = f"(type({{v}}) is str and {length} and ({{v}}.isascii() or _unicode({{v}})))"
        return f"({{v}} is None or {check})" if text.optional else check
    if isinstance(validator, _CHECKED_BY_READ):
        return "True"
    return None


_PLAIN_STRINGS = (str, str | None)


def _is_shared_string(validator: object) -> bool:
    """Whether a string field holds a code, id or short name (shared), not free text.

    Exact types: a subclass (a person id) is never shared.
    """
    if type(validator) is _checks.CodeValidator:
        return True
    return type(validator) is _checks.TextValidator and validator.limit <= _checks.MAX_NAME_LENGTH


def _is_free_text(validator: object) -> bool:
    """Whether a string field holds free text (notes, goal wording), never shared."""
    return type(validator) is _checks.TextValidator and validator.limit > _checks.MAX_NAME_LENGTH


def _is_optional(kind: Any) -> bool:
    return type(None) in typing.get_args(kind)


def _members(kind: Any) -> dict[str, Enum] | None:
    """The members of an enum type (or of ``Enum | None``) by code, else ``None``."""
    candidates = [kind, *typing.get_args(kind)]
    for candidate in candidates:
        if isinstance(candidate, type) and issubclass(candidate, Enum):
            return {member.value: member for member in candidate}
    return None


def _array_item(kind: Any) -> type[Any] | None:
    """The item class of ``tuple[X, ...]`` when ``X`` has a generated function, else ``None``."""
    if typing.get_origin(kind) is not tuple:
        return None
    arguments = typing.get_args(kind)
    if len(arguments) == 2 and arguments[1] is Ellipsis and arguments[0] in FAST_CLASSES:
        item: type[Any] = arguments[0]
        return item
    return None


def _read_field(
    number: int,
    field: attrs.Attribute[Any],
    hook: Callable[..., Any],
    kind: Any,
    *,
    namespace: dict[str, Any],
    array_of: ArrayOf,
) -> list[str]:
    """Lines that convert field ``number``, as read into ``v<number>``, to its type."""
    local = f"v{number}"
    namespace[f"_hook{number}"] = hook
    namespace[f"_type{number}"] = kind
    members = _members(kind)
    item = _array_item(kind)
    if kind in (dt.date, dt.date | None):
        # A plain date is parsed here; anything else (a zoned datetime, a wrong type) by
        # the hook, which also refuses what is not a date.
        # A date read before is taken from the table of shared dates.
        lines = [
            f"    if type({local}) is _str and ({local}_ := _dates_get({local})) is not None:",
            f"        {local} = {local}_",
            f"    elif type({local}) is _str and _is_date({local}):",
            f"        {local} = _dates_set({local}, _from_iso({local}))",
            f"    elif {local} is not None:" if _is_optional(kind) else "    else:",
            f"        {local} = _hook{number}({local}, _type{number})",
        ]
    elif item is not None:
        # An array of a class with its own generated function: read in one loop.
        namespace[f"_array{number}"] = array_of(item)
        lines = [
            f"    if type({local}) is _list:",
            f"        {local} = _array{number}({local})",
        ]
        if field.default is not attrs.NOTHING:
            # Only the key's absence gives the default: an empty object, which the strict
            # parser reads as the empty tuple (the very object the default is), is refused.
            lines.append(f"    elif {field.name!r} in value:")
        else:
            lines.append("    else:")
        lines.append("        raise _Doubt")
    elif kind in _PLAIN_STRINGS and _inline(field.validator) not in (None, "True"):
        # A string field's inline check is all its hook would do: read it directly.
        lines = []
    elif members is not None:
        # A vocabulary: its code looked up inline (a default is already a member).
        namespace[f"_members{number}"] = members
        namespace[f"_enums{number}"] = frozenset(type(m) for m in members.values())
        allowed = f"{local} is not None and " if _is_optional(kind) else ""
        lines = [
            f"    if type({local}) is str:",
            f"        {local} = _members{number}.get({local}, _Doubt)",
            f"    if {local} is _Doubt or ({allowed}{local}.__class__ not in _enums{number}):",
            "        raise _Doubt",
        ]
    else:
        lines = [f"    {local} = _hook{number}({local}, _type{number})"]
    if field.converter is not None and field.converter not in _checks.TYPE_KEEPING:
        namespace[f"_convert{number}"] = field.converter
        lines.append(f"    {local} = _convert{number}({local})")
    return lines


def _check_field(cls: type[Any], number: int, field: attrs.Attribute[Any]) -> str | None:
    """The inline check equal to the field's validator, or ``None`` if the read checks all."""
    if field.validator is None:
        return None
    inline = _inline(field.validator)
    if inline is None:
        msg = f"no inline check for {cls.__name__}.{field.name} ({field.validator!r})"
        raise TypeError(msg)
    return None if inline == "True" else inline.format(v=f"v{number}")


def _namespace(cls: type[Any]) -> dict[str, Any]:
    fields = attrs.fields(cls)
    return {
        "_cls": cls,
        "_new": object.__new__,
        "_Doubt": Doubt,
        "_dict": dict,
        "_tuple": tuple,
        "_list": list,
        "_str": str,
        "_is_date": _PLAIN_DATE.fullmatch,
        "_from_iso": dt.date.fromisoformat,
        "_known": frozenset(field.name for field in fields),
        "_all": len(fields),
        "_required": frozenset(f.name for f in fields if f.default is attrs.NOTHING),
        "_code": _checks.is_code,
        "_codes": _checks.KNOWN_CODES,
        "_unicode": _checks.is_unicode,
        "_share": SHARED.strings.setdefault,
        "_dates_get": SHARED.dates.get,
        "_dates_set": SHARED.dates.setdefault,
    }


def _build_lines(
    cls: type[Any],
    hooks: dict[str, tuple[Callable[..., Any], Any]],
    namespace: dict[str, Any],
    array_of: ArrayOf,
) -> list[str]:
    """Lines that read ``value`` (one JSON object) into a new instance ``obj``."""
    fields = list(attrs.fields(cls))
    if not all(field.init for field in fields):
        msg = f"{cls.__name__} has fields set outside __init__"
        raise TypeError(msg)
    lines = [
        "    if type(value) is not _dict:",
        "        if type(value) is not _tuple:",
        "            raise _Doubt",
        "        pairs = value  # an object as the strict parser gives it: (key, value) pairs",
        "        value = _dict(pairs)",
        "        if len(value) != len(pairs):",
        "            raise _Doubt",
        # `dumps` writes every field. Then the keys are exactly the fields: there are as
        # many as there are fields, and each field's key is found (else a KeyError: doubt).
        "    if len(value) == _all:",
    ]
    lines += [f"        v{number} = value[{field.name!r}]" for number, field in enumerate(fields)]
    lines += ["    elif _required <= value.keys() <= _known:"]
    for number, field in enumerate(fields):
        if field.default is attrs.NOTHING:
            lines.append(f"        v{number} = value[{field.name!r}]")
        else:
            if isinstance(field.default, attrs.Factory):  # type: ignore[arg-type]
                msg = f"{field.name} has a factory default"
                raise TypeError(msg)
            namespace[f"_default{number}"] = field.default
            lines.append(f"        v{number} = value.get({field.name!r}, _default{number})")
    lines += ["    else:", "        raise _Doubt"]
    body: list[str] = []
    checks = []
    for number, field in enumerate(fields):
        hook, kind = hooks[field.name]
        body.extend(_read_field(number, field, hook, kind, namespace=namespace, array_of=array_of))
        check = _check_field(cls, number, field)
        if check is not None:
            checks.append(check)
    if checks:
        body.append("    if not (" + "\n        and ".join(checks) + "):")
        body.append("        raise _Doubt")
    body.extend(_shared_strings(fields, hooks))
    body.append("    obj = _new(_cls)")
    for number, field in enumerate(fields):
        # The slot's own descriptor sets the value: no name look-up, no frozen-class guard.
        namespace[f"_slot{number}"] = cls.__dict__[field.name].__set__
        body.append(f"    _slot{number}(obj, v{number})")
    if hasattr(cls, "__attrs_post_init__"):
        body.append("    obj.__attrs_post_init__()")
    if cls not in SHARED_CLASSES:
        return lines + body
    return lines + _shared_object(fields, hooks, body, namespace, SHARED.objects[cls])


def _shared_strings(
    fields: list[attrs.Attribute[Any]], hooks: dict[str, tuple[Callable[..., Any], Any]]
) -> list[str]:
    """Lines that put the one equal string already held in place of each code, id or name.

    They follow the checks: only a value found valid is kept in the table.
    """
    lines = []
    for number, field in enumerate(fields):
        kind = hooks[field.name][1]
        if kind not in _PLAIN_STRINGS or not _is_shared_string(field.validator):
            continue
        if _is_optional(kind):
            lines.append(f"    if v{number} is not None:")
            lines.append(f"        v{number} = _share(v{number}, v{number})")
        else:
            lines.append(f"    v{number} = _share(v{number}, v{number})")
    return lines


def _shared_object(
    fields: list[attrs.Attribute[Any]],
    hooks: dict[str, tuple[Callable[..., Any], Any]],
    body: list[str],
    namespace: dict[str, Any],
    table: dict[tuple[object, ...], object],
) -> list[str]:
    """Wrap ``body`` so that an object read before from the same JSON values is reused.

    The key is the tuple of the values as read (strings, or ``None``), before any is
    converted: an instance found under it was built from equal values and passed every
    check. An object with free text (a note) is neither looked up nor kept.
    """
    namespace["_objects"] = table
    namespace["_objects_get"] = table.get
    conditions = []
    for number, field in enumerate(fields):
        local = f"v{number}"
        if _is_free_text(field.validator):
            conditions.append(f"{local} is None")
        elif _is_optional(hooks[field.name][1]):
            conditions.append(f"({local} is None or type({local}) is _str)")
        else:
            conditions.append(f"type({local}) is _str")
    values = ", ".join(f"v{number}" for number in range(len(fields)))
    return [
        f"    key = ({values},) if {' and '.join(conditions)} else None",
        "    obj = None if key is None else _objects_get(key)",
        "    if obj is None:",
        *("    " + line for line in body),
        "        if key is not None:",
        "            _objects[key] = obj",
    ]


def _compile(name: str, lines: list[str], namespace: dict[str, Any]) -> Callable[..., Any]:
    source = "\n".join(lines) + "\n"
    filename = f"<pathway_model fast structure {name}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    exec(compile(source, filename, "exec"), namespace)
    function: Callable[..., Any] = namespace[name]
    return function


def make_fast(
    cls: type[Any], hooks: dict[str, tuple[Callable[..., Any], Any]], array_of: ArrayOf
) -> Callable[[object], Any]:
    """Generate the fast structuring function for ``cls``.

    Args:
        cls: One of ``FAST_CLASSES``.
        hooks: For each init field, its structure hook and type.
        array_of: Gives the generated array function of a class in ``FAST_CLASSES``,
            for fields that hold arrays of them.

    Returns:
        A function of a parsed JSON value returning the instance, or raising ``Doubt``
        or ``ValidationError`` when the ordinary way must decide.
    """
    namespace = _namespace(cls)
    name = f"fast_{cls.__name__}"
    body = _build_lines(cls, hooks, namespace, array_of)
    return _compile(name, [f"def {name}(value):", *body, "    return obj"], namespace)


def make_fast_array(
    cls: type[Any], hooks: dict[str, tuple[Callable[..., Any], Any]], array_of: ArrayOf
) -> Callable[[object], tuple[Any, ...]]:
    """Generate the fast structuring function for a JSON array of ``cls`` objects.

    The loop is inside the generated function, so an array of a hundred ratings costs
    one call, not a hundred. It raises as `make_fast` does, for the first doubtful item.
    """
    namespace = _namespace(cls)
    name = f"fast_array_{cls.__name__}"
    body = _build_lines(cls, hooks, namespace, array_of)
    lines = [
        f"def {name}(values):",
        "    if type(values) is not _list:",
        "        raise _Doubt",
        "    out = []",
        "    append = out.append",
        "    for value in values:",
        *("    " + line for line in body),
        "        append(obj)",
        "    return _tuple(out)",
    ]
    return _compile(name, lines, namespace)
