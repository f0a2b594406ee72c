"""Generated structuring functions for the classes a record holds by the hundred.

For a valid document, building each review, rating and goal through its validated
``__init__`` costs more than reading the JSON. The functions made here check each field
exactly as the field's validator would, but inline, then build the instance directly
and run the class's own ``__attrs_post_init__`` checks. They never report: on the first
doubt they raise ``Doubt`` (or let a hook's ``ValidationError`` through), and the caller
builds the object the ordinary way, which raises the precise error. So they can be
stricter than the constructor, never looser; a property test holds the two ways to the
same results.
"""

from __future__ import annotations

import linecache
from collections.abc import Callable
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

__all__ = ["FAST_CLASSES", "Doubt", "make_fast"]


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

#: Inline checks equal to a validator, by the validator's qualified name. ``{v}`` is the value.
_INLINE = {
    "code": "(type({v}) is str and _code({v}))",
    "optional_code": "({v} is None or (type({v}) is str and _code({v})))",
    "name": "(type({v}) is str and 0 < len({v}) <= _NAME and not {v}.isspace())",
    "text": "(type({v}) is str and 0 < len({v}) <= _TEXT and not {v}.isspace())",
    "optional_text": (
        "({v} is None or (type({v}) is str and 0 < len({v}) <= _TEXT and not {v}.isspace()))"
    ),
    "description": "(type({v}) is str and len({v}) <= _TEXT)",
    # Dates, enums and tuples of model objects come from hooks that only ever return
    # values of the right type, so their validators have nothing left to check.
    "date": "True",
    "optional_date": "True",
    "enum_member.<locals>.check": "True",
    "items_of.<locals>.check": "True",
    "_optional_achievement": "True",
}


_PLAIN_STRINGS = (str, str | None)


def _qualname(field: attrs.Attribute[Any]) -> str:
    return str(getattr(field.validator, "__qualname__", ""))


def make_fast(
    cls: type[Any], hooks: dict[str, tuple[Callable[..., Any], Any]]
) -> Callable[[object], Any]:
    """Generate the fast structuring function for ``cls``.

    Args:
        cls: One of ``FAST_CLASSES``.
        hooks: For each init field, its structure hook and type.

    Returns:
        A function of a parsed JSON value returning the instance, or raising ``Doubt``
        or ``ValidationError`` when the ordinary way must decide.
    """
    fields = list(attrs.fields(cls))
    if not all(field.init for field in fields):
        msg = f"{cls.__name__} has fields set outside __init__"
        raise TypeError(msg)
    namespace: dict[str, Any] = {
        "_cls": cls,
        "_new": object.__new__,
        "_set": object.__setattr__,
        "_Doubt": Doubt,
        "_dict": dict,
        "_tuple": tuple,
        "_known": frozenset(field.name for field in fields),
        "_required": frozenset(f.name for f in fields if f.default is attrs.NOTHING),
        "_code": _checks.is_code,
        "_NAME": _checks.MAX_NAME_LENGTH,
        "_TEXT": _checks.MAX_TEXT_LENGTH,
    }
    lines = [
        f"def fast_{cls.__name__}(value):",
        "    if type(value) is _tuple:  # an object as the parser gives it: (key, value) pairs",
        "        pairs = value",
        "        value = _dict(pairs)",
        "        if len(value) != len(pairs):",
        "            raise _Doubt",
        "    elif type(value) is not _dict:",
        "        raise _Doubt",
        "    if not (_required <= value.keys() <= _known):",
        "        raise _Doubt",
    ]
    checks = []
    for number, field in enumerate(fields):
        local = f"v{number}"
        hook, kind = hooks[field.name]
        namespace[f"_hook{number}"] = hook
        namespace[f"_type{number}"] = kind
        # A string field's inline check below is all its hook would do: read it directly.
        read = (
            f"value[{field.name!r}]"
            if kind in _PLAIN_STRINGS and _INLINE.get(_qualname(field)) not in (None, "True")
            else f"_hook{number}(value[{field.name!r}], _type{number})"
        )
        if field.default is attrs.NOTHING:
            lines.append(f"    {local} = {read}")
        else:
            if isinstance(field.default, attrs.Factory):  # type: ignore[arg-type]
                msg = f"{cls.__name__}.{field.name} has a factory default"
                raise TypeError(msg)
            namespace[f"_default{number}"] = field.default
            lines.append(f"    {local} = {read} if {field.name!r} in value else _default{number}")
        if field.converter is not None:
            namespace[f"_convert{number}"] = field.converter
            lines.append(f"    {local} = _convert{number}({local})")
        if field.validator is not None:
            qualname = _qualname(field)
            inline = _INLINE.get(qualname)
            if inline is None:
                msg = f"no inline check for {cls.__name__}.{field.name} ({qualname})"
                raise TypeError(msg)
            if inline != "True":
                checks.append(inline.format(v=local))
    if checks:
        lines.append("    if not (" + "\n        and ".join(checks) + "):")
        lines.append("        raise _Doubt")
    lines.append("    obj = _new(_cls)")
    lines.extend(f"    _set(obj, {field.name!r}, v{n})" for n, field in enumerate(fields))
    if hasattr(cls, "__attrs_post_init__"):
        lines.append("    obj.__attrs_post_init__()")
    lines.append("    return obj")
    source = "\n".join(lines) + "\n"
    filename = f"<pathway_model fast structure {cls.__name__}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    exec(compile(source, filename, "exec"), namespace)
    function: Callable[[object], Any] = namespace[f"fast_{cls.__name__}"]
    return function
