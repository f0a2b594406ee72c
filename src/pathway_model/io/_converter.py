"""The one private cattrs converter that owns every un/structure hook.

The model knows nothing of it. Hooks are strict: JSON gives strings, numbers, booleans,
arrays and objects, and each field takes exactly the JSON type the format names, never a
value coerced from another (``"1"`` is not a number, ``1`` is not a code, a string is not
an array). A hook that refuses a value raises `ValidationError` with a path
relative to the value (``$``), which the loader places under the value's JSON path.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import typing
from collections.abc import Callable, Sequence
from decimal import Decimal
from enum import Enum
from typing import Any

import attrs
import cattrs
from cattrs.gen import make_dict_unstructure_fn, override

from pathway_model import model
from pathway_model.errors import Problem, ValidationError, WrongTypeError
from pathway_model.io._fast import FAST_CLASSES, ArrayOf, Doubt, make_fast, make_fast_array
from pathway_model.model import Pathway, Period, uk_date
from pathway_model.model._checks import (
    AMOUNT_EXPECTED,
    AMOUNT_PLACES,
    AMOUNT_WHOLE_DIGITS,
    MAX_SAFE_INTEGER,
    TOTAL_WHOLE_DIGITS,
    amount_problem,
    canonical_amount,
    show_code,
    show_number,
    type_name,
    unicode_problem,
)
from pathway_model.model._record import input_positions, to_input_position
from pathway_model.rules import (
    Assessment,
    Criterion,
    Disagreement,
    Evidence,
    Readiness,
    ReadyRun,
    ReviewSchedule,
)

__all__ = [
    "CONVERTER",
    "Collected",
    "json_type",
    "key_path",
    "object_of",
    "read_items",
    "structure_items",
    "unknown_keys",
    "validate_field",
]

# ASCII digits only: Python's \d would also take digits of other scripts.
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATETIME = re.compile(
    r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})[T ]"
    r"(?P<hour>[0-9]{2}):(?P<minute>[0-9]{2})(?::(?P<second>[0-9]{2})(?:\.(?P<fraction>[0-9]{1,9}))?)?"
    # RFC 3339 offsets: hours 00-23, minutes 00-59.
    r"(?P<zone>Z|(?P<sign>[+-])(?P<zone_hour>[01][0-9]|2[0-3]):(?P<zone_minute>[0-5][0-9]))?"
)
#: An amount as text: digits, and digits after a point. `_checks.amount_problem` then
#: counts them; leading zeros before the point and trailing zeros after it do not count.
_DECIMAL = re.compile(r"[0-9]+(?:\.[0-9]+)?")

#: Every class the format carries.
MODEL_CLASSES: tuple[type[Any], ...] = (
    model.RatingLevel,
    model.RatingScale,
    model.OutcomeDomain,
    model.OutcomeFramework,
    model.DomainRequirement,
    model.IncidentRule,
    model.ExitCriteria,
    model.Stage,
    model.Transition,
    model.PathwayDefinition,
    model.Placement,
    model.Goal,
    model.DomainRating,
    model.GoalProgress,
    model.Review,
    model.Incident,
    model.RecordedReadiness,
    model.Pathway,
    Evidence,
    Criterion,
    Disagreement,
    ReadyRun,
    Readiness,
    ReviewSchedule,
    Assessment,
)

_MODEL_CLASS_SET = frozenset(MODEL_CLASSES)

_JSON_TYPES: tuple[tuple[type[Any] | tuple[type[Any], ...], str], ...] = (
    (type(None), "null"),
    (bool, "a boolean"),
    ((int, float, Decimal), "a number"),
    (str, "a string"),
    (list, "an array"),
    (dict, "an object"),
)


#: The JSON type of each type a parser gives; a tuple is an object, as (key, value) pairs.
_JSON_NAMES: dict[type[Any], str] = {
    **{
        kind: name
        for kinds, name in _JSON_TYPES
        for kind in (kinds if isinstance(kinds, tuple) else (kinds,))
    },
    tuple: "an object",
}


def json_type(value: object) -> str:
    """Name the JSON type of a parsed value, for messages."""
    name = _JSON_NAMES.get(type(value))
    if name is not None:
        return name
    for kinds, name in _JSON_TYPES:
        if isinstance(value, kinds):
            return name
    return type_name(value)


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def key_path(where: str, key: str) -> str:
    """The path of ``key`` in the object at ``where``: ``$.a.b``, or ``$.a["odd key"]``."""
    return f"{where}.{key}" if _IDENTIFIER.fullmatch(key) else f"{where}[{json.dumps(key)[:40]}]"


def object_of(value: object, where: str) -> dict[str, Any] | None:
    """Return a JSON object as a dict, or ``None`` if ``value`` is not one.

    The parser gives objects as tuples of ``(key, value)`` pairs; a key given twice is
    refused here, where its path is known. Dicts (from ``from_dict``) pass through.

    Raises:
        ValidationError: A key appears more than once.
    """
    if type(value) is dict:
        for key in value:
            if type(key) is not str:
                raise _non_string_key(value, where)
        return value
    if type(value) is not tuple:
        return None
    try:
        result = dict(value)
    except (TypeError, ValueError):  # a tuple that is not pairs: not an object
        return None
    if len(result) != len(value):
        seen: set[str] = set()
        repeated = []
        for key, _ in value:
            if key in seen and key not in repeated:
                repeated.append(key)
            seen.add(key)
        raise ValidationError(
            Problem(
                path=key_path(where, key),
                expected="each key once in an object",
                found=f"the key {show_code(key)} more than once",
            )
            for key in repeated
        )
    return result


def _non_string_key(value: dict[Any, Any], where: str) -> WrongTypeError:
    """The error for a dict (given to ``from_dict``) with a key that is not a string."""
    key = next(key for key in value if type(key) is not str)
    problem = Problem(
        path=where,
        expected="an object whose keys are strings",
        found=f"a key of type {type_name(key)}",
    )
    return WrongTypeError([problem])


FAST_PATH = True
"""Whether converters made with ``fast=True`` (`CONVERTER` among them) take the generated
fast path for the classes a record holds by the hundred. Only tests turn it off, to run
every loading test through the validated constructors alone as well."""


class Collected:
    """Problems gathered from many errors: the first `ValidationError.MAX_PROBLEMS` kept.

    The rest are only counted, so a document of a million bad items costs a hundred
    problems of memory, not a million.
    """

    __slots__ = ("more_may_follow", "problems", "total")

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.total = 0
        self.more_may_follow = False

    def __bool__(self) -> bool:
        return self.total > 0

    def add(self, problem: Problem) -> None:
        """Add one problem."""
        if len(self.problems) < ValidationError.MAX_PROBLEMS:
            self.problems.append(problem)
        self.total += 1

    def take(self, error: ValidationError | Collected, prefix: str | None = None) -> None:
        """Add the problems of ``error``, placed under ``prefix`` when one is given."""
        room = ValidationError.MAX_PROBLEMS - len(self.problems)
        if room > 0:
            kept = error.problems[:room]
            self.problems.extend(kept if prefix is None else (p.under(prefix) for p in kept))
        self.total += error.total
        self.more_may_follow = self.more_may_follow or error.more_may_follow

    def error(self) -> ValidationError:
        """The error listing what was collected (there must be something)."""
        return ValidationError(self.problems, self.total, self.more_may_follow)


def _wrong(expected: str, value: object) -> WrongTypeError:
    return WrongTypeError([Problem(path="$", expected=expected, found=json_type(value))])


def _structure_str(value: object, _: object) -> str:
    if type(value) is not str:
        raise _wrong("a string", value)
    problem = unicode_problem("$", value)
    if problem is not None:
        raise ValidationError([problem])
    return value


def _structure_int(value: object, _: object) -> int:
    if type(value) is not int:
        raise _wrong("a whole number", value)
    if not -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
        # Beyond this, readers that read numbers as doubles round it.
        raise ValidationError.single(
            "$",
            f"a whole number from {-MAX_SAFE_INTEGER:,} to {MAX_SAFE_INTEGER:,}",
            show_number(value),
        )
    return value


def _structure_bool(value: object, _: object) -> bool:
    if type(value) is not bool:
        raise _wrong("true or false", value)
    return value


def _structure_date(value: object, _: object) -> dt.date:
    """A date is ``YYYY-MM-DD``; a datetime with a zone becomes its date in England."""
    if type(value) is not str:
        raise _wrong("a date (YYYY-MM-DD)", value)
    if _DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ValidationError.single(
                "$", "a date that exists (YYYY-MM-DD)", show_code(value)
            ) from None
    match = _DATETIME.fullmatch(value)
    if match is None:
        raise ValidationError.single(
            "$",
            "a date (YYYY-MM-DD), or a datetime with a zone such as Z or +01:00 "
            "(offset hours 00-23, minutes 00-59)",
            show_code(value),
        )
    if match["zone"] is None:
        raise ValidationError.single(
            "$",
            "a date (YYYY-MM-DD), or a datetime with a zone such as Z or +01:00",
            f"a datetime without a zone ({show_code(value)})",
        )
    try:
        moment = _datetime(match)
    except ValueError:
        raise ValidationError.single("$", "a datetime that exists", show_code(value)) from None
    return uk_date(moment)


def _datetime(match: re.Match[str]) -> dt.datetime:
    """Build a zoned datetime from its parts (``fromisoformat`` differs between Pythons)."""
    offset = dt.timedelta(0)
    if match["sign"]:
        offset = dt.timedelta(hours=int(match["zone_hour"]), minutes=int(match["zone_minute"]))
        offset = -offset if match["sign"] == "-" else offset
    fraction = (match["fraction"] or "").ljust(6, "0")[:6]
    return dt.datetime(
        int(match["year"]),
        int(match["month"]),
        int(match["day"]),
        int(match["hour"]),
        int(match["minute"]),
        int(match["second"] or 0),
        int(fraction),
        tzinfo=dt.timezone(offset),
    )


def _structure_period(value: object, _: object) -> Period:
    if type(value) is not str:
        raise _wrong("an ISO 8601 period such as 'P3M'", value)
    try:
        return Period.parse(value)
    except ValidationError as error:
        raise ValidationError(
            attrs.evolve(problem, path="$") for problem in error.problems
        ) from None


def _structure_decimal(value: object, _: object) -> Decimal:
    """An amount: a decimal string, or a whole number.

    A JSON number is read as an amount only when it is written as a whole number: a
    reader that reads numbers as doubles reads ``999999999999.999999`` as ``1e12``, so
    fractions must be strings, which every reader reads alike.
    """
    if type(value) is int:
        if not 0 <= value <= _MAX_WHOLE_AMOUNT:
            raise ValidationError.single(
                "$", f"a whole number from 0 to {_MAX_WHOLE_AMOUNT:,}", show_number(value)
            )
        return Decimal(value)
    if type(value) is not str:
        expected = "an amount: a decimal string such as '452.50', or a whole number"
        if isinstance(value, (float, Decimal)):
            raise ValidationError.single("$", expected, "a number with a fraction or exponent")
        raise _wrong(expected, value)
    if not _DECIMAL.fullmatch(value):
        raise ValidationError.single("$", AMOUNT_EXPECTED, show_code(value))
    amount = Decimal(value)
    # The rules' totals may be longer; a bed-day cost is held to its own limit by the model.
    problem = amount_problem(amount, whole_digits=TOTAL_WHOLE_DIGITS)
    if problem is not None:
        expected = f"an amount >= 0 with at most {TOTAL_WHOLE_DIGITS} digits before the point"
        raise ValidationError.single(
            "$", f"{expected} and {AMOUNT_PLACES} after", f"{show_code(value)}: {problem}"
        )
    return canonical_amount(amount)


#: The largest amount a JSON number may give: every reader holds it exactly.
_MAX_WHOLE_AMOUNT = 10**AMOUNT_WHOLE_DIGITS - 1


def _unstructure_decimal(value: Decimal) -> str:
    # One form for one amount, in plain notation: "452.00" and Decimal("4.52E+2") are "452".
    return format(canonical_amount(value) if value.is_finite() else value, "f")


def _enum_hooks(kind: type[Enum]) -> Callable[[object, object], Enum]:
    members = {member.value: member for member in kind}
    expected = "one of " + ", ".join(repr(code) for code in members)

    def structure(value: object, _: object) -> Enum:
        if type(value) is not str:
            raise _wrong(expected, value)
        member = members.get(value)
        if member is None:
            raise ValidationError.single("$", expected, show_code(value))
        return member

    return structure


def read_items(
    item: type[Any], values: list[Any]
) -> tuple[tuple[Any, ...], Sequence[int], Collected]:
    """Read an array of ``item`` objects, keeping what can be read: see `structure_items`."""
    hook = typing.cast(
        "_TupleHook", CONVERTER.get_structure_hook(tuple.__class_getitem__((item, ...)))
    )
    return hook.items(values)


def structure_items(
    values: list[Any], hook: Hook, item: Any
) -> tuple[tuple[Any, ...], list[int], Collected]:
    """Read each item of an array on its own.

    Returns:
        The items read; for each, its index in ``values``; and the problems of the rest.
    """
    built: list[Any] = []
    positions: list[int] = []
    collected = Collected()
    for index, element in enumerate(values):
        try:
            built.append(hook(element, item))
            positions.append(index)
        except ValidationError as error:  # noqa: PERF203 - every item's problems are wanted
            collected.take(error, f"$[{index}]")
    return tuple(built), positions, collected


class _TupleHook:
    """Arrays become tuples, item by item, collecting every item's problems."""

    __slots__ = ("array_of", "converter", "fast", "hook", "item")

    def __init__(self, converter: cattrs.Converter, item: Any, array_of: ArrayOf | None) -> None:
        self.converter = converter
        self.item = item
        self.array_of = array_of
        self.hook: Hook | None = None
        self.fast: Callable[[object], tuple[Any, ...]] | None = None

    def _resolve(self) -> Hook:
        """The item's hook, resolved on first use, when every hook is registered."""
        self.hook = self.converter.get_structure_hook(self.item)
        if self.array_of is not None and self.item in FAST_CLASSES:
            self.fast = self.array_of(self.item)
        return self.hook

    def __call__(self, value: object, _: object) -> tuple[Any, ...]:
        if type(value) is not list:
            raise _wrong("an array", value)
        hook = self.hook or self._resolve()
        if self.fast is not None and FAST_PATH:
            try:
                return self.fast(value)
            except (Doubt, ValidationError, TypeError, ValueError, KeyError):
                pass  # item by item below, the ordinary way
        built, _, collected = structure_items(value, hook, self.item)
        if collected:
            raise collected.error()
        return built

    def items(self, values: list[Any]) -> tuple[tuple[Any, ...], Sequence[int], Collected]:
        """Read an array, keeping what can be read: see `structure_items`."""
        hook = self.hook or self._resolve()
        if self.fast is not None and FAST_PATH:
            try:
                built = self.fast(values)
                return built, range(len(built)), Collected()
            except (Doubt, ValidationError, TypeError, ValueError, KeyError):
                pass  # item by item below, the ordinary way
        return structure_items(values, hook, self.item)


Hook = Callable[[object, object], Any]


def _field_hook(converter: cattrs.Converter, kind: Any) -> Hook:
    """The hook for one field's type, resolved once, with ``None`` handled for ``X | None``."""
    arguments = typing.get_args(kind)
    if type(None) in arguments and len(arguments) == 2:  # X | None
        inner = next(argument for argument in arguments if argument is not type(None))
        inner_hook = converter.get_structure_hook(inner)

        def optional(value: object, _: object) -> Any:
            return None if value is None else inner_hook(value, inner)

        return optional
    return converter.get_structure_hook(kind)


def _field_hooks(converter: cattrs.Converter, cls: type[Any]) -> dict[str, tuple[Hook, Any]]:
    """Each init field's hook and type (call once every hook is registered)."""
    attrs.resolve_types(cls)
    return {f.name: (_field_hook(converter, f.type), f.type) for f in attrs.fields(cls) if f.init}


def _class_hook(converter: cattrs.Converter, cls: type[Any], array_of: ArrayOf | None) -> Hook:
    """Objects become attrs instances: every key checked, every field's problems collected.

    The instance is built only when every field could be read; then the class's own
    checks run, and their problems (paths like ``Review.date``) are placed under ``$``.
    Valid input takes a fast path; only a document with a problem pays for the full
    collection of every problem.
    """
    fields = [field for field in attrs.fields(cls) if field.init]
    known = frozenset(field.name for field in fields)
    required = frozenset(field.name for field in fields if field.default is attrs.NOTHING)
    plan: list[tuple[str, Hook, Any, bool]] = []
    fast: list[Callable[[object], Any]] = []

    def structure(given: object, _: object) -> Any:
        value = object_of(given, "$")
        if value is None:
            raise _wrong(f"an object ({cls.__name__})", given)
        if not plan:  # resolved on first use, when every hook is registered
            hooks = _field_hooks(converter, cls)
            plan.extend((key, hook, kind, key in required) for key, (hook, kind) in hooks.items())
            if array_of is not None and cls in FAST_CLASSES:
                fast.append(make_fast(cls, hooks, array_of))
        if fast and FAST_PATH:
            try:
                return fast[0](value)
            except (Doubt, ValidationError, TypeError, ValueError, KeyError):
                pass  # the ordinary way below decides, and reports
        arguments, collected = _collect(value, cls, plan=plan, known=known)
        if not collected:
            try:
                return cls(**arguments)
            except ValidationError as error:
                problems = error.problems
            # Outside the handler: the error raised below keeps no context.
            _validate_fields(cls, arguments, collected)
            if not collected:  # every field is valid alone: the class's own checks spoke
                raise ValidationError(_placed(problems, cls, arguments))
        # Checks across fields wait until every field can be read.
        collected.more_may_follow = collected.more_may_follow or _checks_across(cls)
        raise collected.error()

    return structure


def _checks_across(cls: type[Any]) -> bool:
    """Whether ``cls`` checks its fields against each other once they are all read."""
    return hasattr(cls, "__attrs_post_init__")


def _collect(
    value: dict[str, Any],
    cls: type[Any],
    *,
    plan: list[tuple[str, Hook, Any, bool]],
    known: frozenset[str],
) -> tuple[dict[str, Any], Collected]:
    """Read every field of an object: the fields read, and every problem found.

    A field that is read is also checked alone (its converter and validator), so a bad
    code is reported beside another field's wrong type, not after it is mended.
    """
    collected = Collected()
    arguments: dict[str, Any] = {}
    if not value.keys() <= known:
        unknown_keys(value, cls, collected)
    for key, hook, kind, required in plan:
        if key not in value:
            if required:
                collected.add(
                    Problem(
                        path=f"$.{key}", expected="a value (the key is required)", found="no key"
                    )
                )
            continue
        try:
            arguments[key] = hook(value[key], kind)
        except ValidationError as error:
            collected.take(error, f"$.{key}")
    if collected:
        _validate_fields(cls, arguments, collected)
    return arguments, collected


def unknown_keys(value: dict[str, Any], cls: type[Any], collected: Collected) -> None:
    """Collect a problem for each key of ``value`` that is not a field of ``cls``."""
    fields = [field.name for field in attrs.fields(cls) if field.init]
    names = ", ".join(fields)
    for key in value:
        if key not in fields:
            collected.add(
                Problem(
                    path=key_path("$", key),
                    expected=f"only the keys of {cls.__name__} ({names})",
                    found=f"an unknown key {show_code(key)}",
                )
            )


def validate_field(
    shell: object, field: attrs.Attribute[Any], value: object, collected: Collected
) -> object:
    """Convert and check one field's value as the constructor would; collect its problems."""
    try:
        if field.converter is not None:
            value = typing.cast("Callable[[object], object]", field.converter)(value)
        if field.validator is not None:
            field.validator(shell, field, value)
    except ValidationError as error:
        collected.take(error, "$")
    return value


def _validate_fields(cls: type[Any], arguments: dict[str, Any], collected: Collected) -> None:
    """Check each field read on its own, as the class's constructor would, collecting problems."""
    shell = object.__new__(cls)  # only its class is read, to name the path
    for field in attrs.fields(cls):
        if field.name in arguments:
            validate_field(shell, field, arguments[field.name], collected)


def _placed(
    problems: tuple[Problem, ...], cls: type[Any], arguments: dict[str, Any]
) -> list[Problem]:
    """Put a constructor's problems under ``$``, with indices into the input arrays.

    A ``Pathway`` reports problems by position in its canonical (sorted) collections; the
    document's arrays may be in another order, so positions are mapped back to the input.
    """
    if cls is not Pathway:
        return [problem.under("$") for problem in problems]
    fields = attrs.fields_dict(Pathway)
    given = {name: arguments.get(name, ()) for name in _COLLECTIONS}
    canonical = {
        name: typing.cast("Callable[[object], Sequence[object]]", fields[name].converter)(items)
        for name, items in given.items()
    }
    positions = {name: input_positions(items) for name, items in given.items()}
    return [
        to_input_position(problem, canonical, positions)
        if problem.path.startswith("$.")
        else problem.under("$")
        for problem in problems
    ]


#: A record's collections, as named in problem paths.
_COLLECTIONS = ("placements", "goals", "reviews", "incidents", "recorded_readiness")


def _is_tuple(cls: object) -> bool:
    origin: object = typing.get_origin(cls)
    return origin is tuple


def make_converter(*, fast: bool = True) -> cattrs.Converter:
    """Build a converter. ``fast=False`` always takes the ordinary way (for tests)."""
    converter = cattrs.Converter()
    arrays: dict[type[Any], Callable[[object], tuple[Any, ...]]] = {}

    def array_of(cls: type[Any]) -> Callable[[object], tuple[Any, ...]]:
        """The generated array function of ``cls``, made on first use."""
        function = arrays.get(cls)
        if function is None:
            function = make_fast_array(cls, _field_hooks(converter, cls), array_of)
            arrays[cls] = function
        return function

    fast_arrays = array_of if fast else None
    converter.register_structure_hook(str, _structure_str)
    converter.register_structure_hook(int, _structure_int)
    converter.register_structure_hook(bool, _structure_bool)
    converter.register_structure_hook(dt.date, _structure_date)
    converter.register_structure_hook(Period, _structure_period)
    converter.register_structure_hook(Decimal, _structure_decimal)
    converter.register_unstructure_hook(dt.date, dt.date.isoformat)
    converter.register_unstructure_hook(Period, Period.isoformat)
    converter.register_unstructure_hook(Decimal, _unstructure_decimal)
    converter.register_unstructure_hook_func(
        lambda cls: isinstance(cls, type) and issubclass(cls, Enum), lambda member: member.value
    )
    converter.register_structure_hook_factory(
        lambda cls: isinstance(cls, type) and issubclass(cls, Enum), _enum_hooks
    )
    converter.register_structure_hook_factory(
        _is_tuple,
        lambda cls: _TupleHook(converter, typing.get_args(cls)[0], fast_arrays),
    )

    # Each class's hooks are made on its first use, not here: a command that reads one
    # record then builds the hooks of a record's classes alone, and writes nothing.
    def structure_hook(cls: type[Any]) -> Hook:
        attrs.resolve_types(cls)
        return _class_hook(converter, cls, fast_arrays)

    def unstructure_hook(cls: type[Any]) -> Callable[[Any], dict[str, Any]]:
        attrs.resolve_types(cls)
        return make_dict_unstructure_fn(cls, converter, **_OMITTED_IF_DEFAULT.get(cls, {}))

    converter.register_structure_hook_factory(_MODEL_CLASS_SET.__contains__, structure_hook)
    converter.register_unstructure_hook_factory(_MODEL_CLASS_SET.__contains__, unstructure_hook)
    return converter


#: Fields that are written only when not their default: a document that uses none of
#: them is written as before they were added.
_OMITTED_IF_DEFAULT: dict[type[Any], dict[str, Any]] = {
    Assessment: {"restrictive_interventions": override(omit_if_default=True)},
    model.Incident: {"intervention_type": override(omit_if_default=True)},
}


CONVERTER = make_converter()
"""The converter, made once at import; each class's hooks are made on first use."""
