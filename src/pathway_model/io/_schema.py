"""JSON Schema (draft 2020-12) for every top-level document, generated from the model.

The schema is read off the attrs classes themselves (their fields, resolved types,
defaults and validators) and follows the converter's hooks type by type, so it cannot
drift from what the loader reads. It says what the *format* allows; the loader checks
more than a schema can say (dates that exist, ids unique within a collection, codes that
the definition knows, NHS numbers refused as person ids), so every document the schema
refuses the loader refuses too, and some the schema allows the loader still refuses.

Patterns use only what ECMA-262 and Python's ``re`` read alike (digits as ``[0-9]``,
whitespace spelled out, no flags, and no bare ``$``, which Python also matches before a
last newline), so every validator reads them the same way. Numbers are stated so that
a validator reading them as IEEE doubles gives the same verdict: whole numbers within
the range doubles hold exactly, and amounts with a fraction only as strings.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import inspect
import json
import re
import types
import typing
from collections.abc import Callable
from decimal import Decimal
from enum import Enum
from typing import Any

import attrs

from pathway_model.errors import WrongTypeError
from pathway_model.io._converter import CONVERTER, MODEL_CLASSES
from pathway_model.io._json import DOCUMENTS, SCHEMA_VERSION, _document_kinds
from pathway_model.model import (
    ExitCriteria,
    Incident,
    IncidentKind,
    IncidentRule,
    OutcomeFramework,
    Pathway,
    PathwayDefinition,
    Period,
    RatingScale,
    _checks,
)
from pathway_model.model._restrictive import RESTRICTIVE_INTERVENTION_TYPES

__all__ = ["json_schema"]

DIALECT = "https://json-schema.org/draft/2020-12/schema"
"""The JSON Schema dialect of every generated schema."""

BASE_URI = "https://pathway-model.org/schema"
"""Where schema identifiers live; ``$id`` is ``{BASE_URI}/v{version}/{document}.json``."""

#: Any character that is not whitespace to ``str.isspace`` (the loader's test for blank
#: text), spelled out so that ECMA-262 and Python read it alike (their ``\S`` differ).
NOT_BLANK = r"[^\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"

END = r"$(?!\n)"
"""The end of the text in ECMA-262 and Python alike: Python's ``$`` alone also matches
before a last newline, so ``"P3M\n"`` would match ``^P3M$`` there and not in ECMA-262."""

CODE = f"^{_checks.CODE_PATTERN.pattern}{END}"
"""A code or id, as ``CODE_PATTERN`` in the model."""

DATE = (
    r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
    r"([T ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,9})?)?"
    r"(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9]))?" + END
)
"""A date, or a datetime with a zone (the loader takes its date in England); offsets
as RFC 3339 writes them, hours 00-23 and minutes 00-59."""

PERIOD = r"^P(?!" + END + r")([0-9]+Y)?([0-9]+M)?([0-9]+W)?([0-9]+D)?" + END
"""An ISO 8601 duration of years, months, weeks and days, not the bare ``P``."""


def _amount_pattern(whole_digits: int) -> str:
    return rf"^0*[0-9]{{1,{whole_digits}}}(\.[0-9]{{1,{_checks.AMOUNT_PLACES}}}0*)?" + END


AMOUNT = _amount_pattern(_checks.AMOUNT_WHOLE_DIGITS)
"""An amount as a decimal string: up to 12 digits before the point and 6 after, not
counting leading zeros before it or trailing zeros after it (``452.50`` is ``452.5``)."""

TOTAL = _amount_pattern(_checks.TOTAL_WHOLE_DIGITS)
"""A total the rules work out (a cost of delay): up to 19 digits before the point."""

#: The largest whole amount a JSON number may give.
_MAX_WHOLE_AMOUNT = 10**_checks.AMOUNT_WHOLE_DIGITS - 1

#: Scalar definitions shared by the classes, by ``$defs`` name.
_SCALARS: dict[str, dict[str, Any]] = {
    "Code": {
        "type": "string",
        "pattern": CODE,
        "description": _checks.CODE_EXPECTED[0].upper() + _checks.CODE_EXPECTED[1:] + ".",
    },
    "Name": {
        "type": "string",
        "minLength": 1,
        "maxLength": _checks.MAX_NAME_LENGTH,
        "pattern": NOT_BLANK,
        "description": f"A short name or label: 1-{_checks.MAX_NAME_LENGTH} characters, "
        "not all whitespace.",
    },
    "Text": {
        "type": "string",
        "minLength": 1,
        "maxLength": _checks.MAX_TEXT_LENGTH,
        "pattern": NOT_BLANK,
        "description": f"Free text: 1-{_checks.MAX_TEXT_LENGTH} characters, not all "
        "whitespace. Clinical data: never repeated in error messages.",
    },
    "Description": {
        "type": "string",
        "maxLength": _checks.MAX_TEXT_LENGTH,
        "description": f"Descriptive text of at most {_checks.MAX_TEXT_LENGTH} characters "
        "(may be empty).",
    },
    "Date": {
        "type": "string",
        "pattern": DATE,
        "description": "A date, YYYY-MM-DD. A datetime with a zone (Z or +01:00) is also "
        "read, as its date in England; a datetime without a zone is refused.",
    },
    "Period": {
        "type": "string",
        "pattern": PERIOD,
        "description": "An ISO 8601 duration of whole years, months, weeks and days, such "
        "as P3M, P12W or P1Y6M; P0D for none. At most 200 years.",
    },
    "Amount": {
        "anyOf": [
            {"type": "string", "pattern": AMOUNT},
            {"type": "integer", "minimum": 0, "maximum": _MAX_WHOLE_AMOUNT},
        ],
        "description": "An amount >= 0, with at most 12 digits before the point and 6 "
        "after: a decimal string such as '452.5' (as written), or a whole number "
        "written without a point or exponent. A fraction must be a string: a reader "
        "that reads numbers as doubles cannot tell 999999999999.999999 from 1e12.",
    },
    "Total": {
        "anyOf": [
            {"type": "string", "pattern": TOTAL},
            {"type": "integer", "minimum": 0, "maximum": _MAX_WHOLE_AMOUNT},
        ],
        "description": "A total the rules work out, such as a cost of delay: as an Amount, "
        "with up to 19 digits before the point.",
    },
}

#: The ``$defs`` name of each kind of text, by its validator's limit and whether it may
#: be empty: read off the validator's fields, never off its name.
_TEXTS: dict[tuple[int, bool], str] = {
    (_checks.MAX_NAME_LENGTH, False): "Name",
    (_checks.MAX_TEXT_LENGTH, False): "Text",
    (_checks.MAX_TEXT_LENGTH, True): "Description",
}


def _string_def(validator: object) -> str | None:
    """The ``$defs`` name of the scalar a ``str`` field's validator accepts, else ``None``."""
    if isinstance(validator, _checks.CodeValidator):  # a person id is a code, and more
        return "Code"
    if isinstance(validator, _checks.TextValidator):
        return _TEXTS.get((validator.limit, validator.may_be_empty))
    return None


#: The class of ``attrs.Factory(...)`` defaults (typed as a function in attrs' stubs).
_FACTORY: type[Any] = type(attrs.Factory(list))

#: Counts that the classes check once their fields are read, and that a schema can state.
_MIN_ITEMS: dict[tuple[type[Any], str], int] = {
    (RatingScale, "levels"): 2,
    (OutcomeFramework, "domains"): 1,
    (IncidentRule, "kinds"): 1,
    (ExitCriteria, "requirements"): 1,
    (PathwayDefinition, "stages"): 1,
    (Pathway, "placements"): 1,
}
#: Arrays of codes that the classes check hold no repeats.
_UNIQUE_ITEMS: frozenset[tuple[type[Any], str]] = frozenset({(IncidentRule, "kinds")})

#: What the classes check of a field beyond its type, that a schema can state: the national
#: intervention type codes, and that no incident rule covers restrictive interventions.
_FIELD_RULES: dict[tuple[type[Any], str], dict[str, Any]] = {
    (Incident, "intervention_type"): {
        "anyOf": [
            {"type": "string", "enum": list(RESTRICTIVE_INTERVENTION_TYPES)},
            {"type": "null"},
        ]
    },
    (IncidentRule, "kinds"): {
        "items": {
            "$ref": "#/$defs/IncidentKind",
            "not": {"const": IncidentKind.RESTRICTIVE_INTERVENTION.value},
        }
    },
}


def json_schema(cls: type[Any]) -> dict[str, Any]:
    """The work of [`json_schema`][pathway_model.json_schema], which says what it does."""
    document = next((name for kind, name in DOCUMENTS.items() if kind is cls), None)
    if document is None:
        found = getattr(cls, "__name__", None)
        raise WrongTypeError.single(
            "cls", _document_kinds(), found if isinstance(found, str) else _checks.type_name(cls)
        )
    return copy.deepcopy(_document_schema(document))


@functools.cache
def _document_schema(document: str) -> dict[str, Any]:
    cls = next(kind for kind, name in DOCUMENTS.items() if name == document)
    defs: dict[str, dict[str, Any]] = {}
    body = _object_schema(cls, defs)
    header = {
        "schema_version": {
            "type": "integer",
            "const": SCHEMA_VERSION,
            "description": f"The version of the format: {SCHEMA_VERSION} for this schema.",
        },
        "document": {
            "type": "string",
            "const": document,
            "description": f"What the document holds: {document!r}.",
        },
    }
    return {
        "$schema": DIALECT,
        "$id": f"{BASE_URI}/v{SCHEMA_VERSION}/{document}.json",
        "title": f"pathway_model {cls.__name__} document",
        "description": body["description"],
        "type": "object",
        "properties": {**header, **body["properties"]},
        "required": [*header, *body["required"]],
        "additionalProperties": False,
        "$defs": {name: defs[name] for name in sorted(defs)},
    }


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/$defs/{name}"}


def _object_schema(cls: type[Any], defs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The schema of one attrs class as a JSON object, its field types added to ``defs``."""
    if cls not in MODEL_CLASSES:  # pragma: no cover - a class the converter has no hook for
        msg = f"{cls.__name__} is not a class of the format (not in MODEL_CLASSES)"
        raise TypeError(msg)
    attrs.resolve_types(cls)
    notes = _attribute_notes(cls)
    properties: dict[str, Any] = {}
    required: list[str] = []
    for field in attrs.fields(cls):
        if not field.init:
            continue
        schema = _value_schema(field.type, field.validator, defs)
        schema.update(_FIELD_RULES.get((cls, field.name), {}))
        if field.type is not None and typing.get_origin(field.type) is tuple:
            schema.update(_array_limits(cls, field.name))
        default = _default(field)
        if default is attrs.NOTHING:
            required.append(field.name)
        elif default is not _COMPUTED:
            schema["default"] = default
        if field.name in notes:
            schema["description"] = notes[field.name]
        properties[field.name] = schema
    return {
        "title": cls.__name__,
        "description": _summary(cls),
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def _array_limits(cls: type[Any], name: str) -> dict[str, Any]:
    limits: dict[str, Any] = {}
    if (cls, name) in _MIN_ITEMS:
        limits["minItems"] = _MIN_ITEMS[cls, name]
    if (cls, name) in _UNIQUE_ITEMS:
        limits["uniqueItems"] = True
    return limits


def _value_schema(
    kind: Any, validator: Callable[..., Any] | None, defs: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """The schema of one value of type ``kind``, as the converter's hook for it reads it."""
    origin = typing.get_origin(kind)
    arguments = typing.get_args(kind)
    if origin is typing.Union or origin is types.UnionType:
        others = [argument for argument in arguments if argument is not type(None)]
        if len(others) != 1 or len(arguments) != 2:  # pragma: no cover - not in the model
            msg = f"no JSON Schema for the union {kind!r}: only X | None is in the format"
            raise TypeError(msg)
        return {"anyOf": [_value_schema(others[0], validator, defs), {"type": "null"}]}
    if origin is tuple:
        if len(arguments) != 2 or arguments[1] is not Ellipsis:  # pragma: no cover
            msg = f"no JSON Schema for {kind!r}: only tuple[X, ...] is in the format"
            raise TypeError(msg)
        return {"type": "array", "items": _value_schema(arguments[0], None, defs)}
    exact = _BY_TYPE.get(kind)
    if exact is not None:
        return exact(validator, defs)
    if isinstance(kind, type) and issubclass(kind, Enum):
        return _enum(kind, defs)
    if isinstance(kind, type) and attrs.has(kind):
        _define(kind.__name__, kind, defs, lambda: _object_schema(kind, defs))
        return _ref(kind.__name__)
    msg = f"no JSON Schema for {kind!r}: the converter has no hook for it"  # pragma: no cover
    raise TypeError(msg)  # pragma: no cover


def _define(
    name: str, owner: object, defs: dict[str, dict[str, Any]], build: Callable[[], dict[str, Any]]
) -> None:
    """Add ``$defs[name]`` for ``owner`` once; a placeholder first makes recursion safe."""
    if name not in defs:
        defs[name] = {}
        defs[name] = build()
    if _OWNERS.setdefault(name, owner) is not owner:  # pragma: no cover - a name clash
        msg = f"two types are both called {name!r}"
        raise TypeError(msg)


#: Which type each ``$defs`` name stands for, across every schema made.
_OWNERS: dict[str, object] = {}


def _scalar(name: str, defs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    defs.setdefault(name, copy.deepcopy(_SCALARS[name]))
    return _ref(name)


def _enum(kind: type[Enum], defs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    def build() -> dict[str, Any]:
        schema: dict[str, Any] = {
            "title": kind.__name__,
            "type": "string",
            "enum": [member.value for member in kind],
        }
        summary = _summary(kind)
        if summary:
            schema["description"] = summary
        return schema

    _define(kind.__name__, kind, defs, build)
    return _ref(kind.__name__)


def _integer(validator: Callable[..., Any] | None) -> dict[str, Any]:
    """A whole number within the bounds of its validator, else those the loader reads."""
    bounds: dict[str, int | None] = {
        "minimum": -_checks.MAX_SAFE_INTEGER,
        "maximum": _checks.MAX_SAFE_INTEGER,
    }
    if validator is not None:
        if not isinstance(validator, _checks.IntegerValidator):  # pragma: no cover
            msg = f"no JSON Schema rule for the int validator {validator!r}"
            raise TypeError(msg)
        bounds = {"minimum": validator.minimum, "maximum": validator.maximum}
    return {"type": "integer", **{k: v for k, v in bounds.items() if v is not None}}


def _string(
    validator: Callable[..., Any] | None, defs: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    if validator is None:
        return {"type": "string"}  # the rules' results: written by the library, not checked
    if isinstance(validator, _checks.OneOfValidator):  # a code from a closed list
        return {"type": "string", "enum": list(validator.codes)}
    name = _string_def(validator)
    if name is None:  # pragma: no cover - a new validator needs a rule here
        msg = f"no JSON Schema rule for the str validator {validator!r}"
        raise TypeError(msg)
    return _scalar(name, defs)


#: Types read by a hook of their own, by the schema of what that hook accepts.
_BY_TYPE: dict[
    object, Callable[[Callable[..., Any] | None, dict[str, dict[str, Any]]], dict[str, Any]]
] = {
    Period: lambda _, defs: _scalar("Period", defs),
    dt.date: lambda _, defs: _scalar("Date", defs),
    # An amount given in (a bed-day cost); else a total the rules work out (no validator).
    Decimal: lambda validator, defs: _scalar(
        "Amount" if isinstance(validator, _checks.AmountValidator) else "Total", defs
    ),
    bool: lambda _, __: {"type": "boolean"},
    int: lambda validator, _: _integer(validator),
    str: _string,
}


#: Stands for a default computed from the other fields (stated in the description instead).
_COMPUTED = object()


def _default(field: attrs.Attribute[Any]) -> Any:
    """A field's default as JSON: ``attrs.NOTHING`` when required, ``_COMPUTED`` if derived."""
    default = field.default
    if default is attrs.NOTHING:
        return attrs.NOTHING
    if isinstance(default, _FACTORY):
        if default.takes_self:
            return _COMPUTED
        default = default.factory()
    # Through JSON text, so tuples become arrays exactly as the writer gives them.
    return json.loads(json.dumps(CONVERTER.unstructure(default, unstructure_as=field.type)))


def _summary(kind: type[Any]) -> str:
    """The first paragraph of a class's docstring, on one line."""
    doc = inspect.cleandoc(kind.__doc__ or "")
    return _plain(" ".join(doc.split("\n\n")[0].split()))


_ATTRIBUTE = re.compile(r" {4}(?P<name>\w+): (?P<text>.*)")


def _attribute_notes(cls: type[Any]) -> dict[str, str]:
    """Each field's text from the ``Attributes:`` section of a Google-style docstring."""
    lines = inspect.cleandoc(cls.__doc__ or "").splitlines()
    if "Attributes:" not in lines:
        return {}
    notes: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in lines[lines.index("Attributes:") + 1 :]:
        if line and not line.startswith(" "):
            break  # the next section
        match = _ATTRIBUTE.fullmatch(line)
        if match:
            current = notes.setdefault(match["name"], [])
            current.append(match["text"].strip())
        elif current is not None and line.strip():
            current.append(line.strip())
    return {name: _plain(" ".join(words)) for name, words in notes.items()}


def _plain(text: str) -> str:
    """Docstring markup as JSON text: ``code`` becomes `code`, and ``None`` is `null`."""
    return text.replace("``None``", "``null``").replace("``", "`")
