"""A cohort partial as JSON bytes, and back: the format that ships partials between machines.

[`CohortPartial.to_json`][pathway_model.scoring.CohortPartial.to_json] and
[`CohortPartial.from_json`][pathway_model.scoring.CohortPartial.from_json] load this module
on first use: a report worked out in one go never needs it.

The document is one JSON object, keys in this order: ``partial_version`` (2), ``as_of``,
``since``, ``definition`` (``null`` or ``{"id", "version"}``), ``combined_long_stay``
(``null`` or ``{"stages", "after"}``), ``community_stages``, ``records``, ``first_day``,
``stages`` (each stage code tallied and its security rank) and ``groups``: one object per
provider and stage, in order, holding ``provider``, ``stage`` and the tally, whose keys
and kinds are ``_TALLIED``'s. Dates are ISO 8601, periods ISO 8601 durations, amounts
exact decimal strings; counts by length are ``[days, how many]`` pairs, delays
``[reason list, reason, attributable to, days or amount]`` rows, person ids a sorted
array, amounts by person (each person's cost of delay) ``[person id, amount]`` pairs
sorted by id, days by month ``["YYYY-MM", how many]`` pairs (and the changes in the
number of whole months covered, the same pairs, never 0) in month order. The same
partial always gives the same bytes. Version 1 had no costs by person and no days by
month; it is not read (its groups have no interval of the cost of delay per person and
no months).

Reading is strict, and no message repeats a value read: it names the path, what was
expected there and the kind of value found (a person id or a provider's name is
never shown).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import typing
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from pathway_model.errors import PathwayModelError, Problem, ValidationError, WrongTypeError
from pathway_model.model import Period
from pathway_model.model._seam import CODE_EXPECTED, DELAY_REASON_LISTS, is_code, type_name
from pathway_model.scoring._cohort import (
    _TALLIED,
    CohortPartial,
    CombinedLongStay,
    Frozen,
    _delay_order,
)

#: Nothing here is public: `CohortPartial.to_json` and `from_json` are the way in.
__all__: list[str] = []

#: The version of the format this module writes, and the only one it reads.
PARTIAL_VERSION = 2

_TOP = (
    "partial_version",
    "as_of",
    "since",
    "definition",
    "combined_long_stay",
    "community_stages",
    "records",
    "first_day",
    "stages",
    "groups",
)
_GROUP = ("provider", "stage", *_TALLIED)
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_MONTH = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")
_AMOUNT = re.compile(r"[0-9]+(\.[0-9]+)?(E[-+]?[0-9]+)?")


# --- writing -----------------------------------------------------------------------------------


def _write_value(kind: str, value: Any) -> object:
    if kind in ("count", "money", "people"):
        return value if kind == "count" else str(value) if kind == "money" else sorted(value)
    if kind == "days":
        return [[days, count] for days, count in value]
    if kind in ("months", "month_changes"):
        return [[f"{month // 12:04d}-{month % 12 + 1:02d}", count] for month, count in value]
    if kind in ("delay_money", "person_money"):  # keys (a delay's, or a person id) and amounts
        return [[*_key(key), str(amount)] for key, amount in value]
    return [[*key, days] for key, days in value]  # delay_days


def _key(key: object) -> tuple[object, ...]:
    """A row's key as the cells that start it: a delay key's parts, or one person id."""
    return key if isinstance(key, tuple) else (key,)


def dump(partial: CohortPartial) -> bytes:
    """The partial as compact JSON, ASCII only, keys in the format's order."""
    rule = partial.combined_long_stay
    document = {
        "partial_version": PARTIAL_VERSION,
        "as_of": partial.as_of.isoformat(),
        "since": None if partial.since is None else partial.since.isoformat(),
        "definition": None
        if partial.definition_id is None
        else {"id": partial.definition_id, "version": partial.definition_version},
        "combined_long_stay": None
        if rule is None
        else {"stages": list(rule.stages), "after": str(rule.after)},
        "community_stages": list(partial.community_stages),
        "records": partial.records,
        "first_day": None if partial.first_day is None else partial.first_day.isoformat(),
        "stages": dict(partial._stage_ranks),
        "groups": [
            {
                "provider": provider,
                "stage": stage,
                **{
                    name: _write_value(kind, value)
                    for (name, kind), value in zip(_TALLIED.items(), frozen, strict=True)
                },
            }
            for provider, stage, frozen in partial._tallies
        ],
    }
    return json.dumps(document, ensure_ascii=True, allow_nan=False, separators=(",", ":")).encode(
        "ascii"
    )


# --- reading -----------------------------------------------------------------------------------


class _RepeatedKeys(dict[str, Any]):
    """A JSON object in which some key came more than once (the last one kept)."""


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    made = dict(pairs)
    return made if len(made) == len(pairs) else _RepeatedKeys(made)


class _ConstantError(ValueError):
    """A constant JSON does not have (NaN, Infinity)."""


def _constant(_: str) -> object:
    raise _ConstantError


#: The kinds of JSON value, as a message names them (bool before int: a bool is an int).
_KINDS: tuple[tuple[type, str], ...] = (
    (bool, "a boolean"),
    (int, "a whole number"),
    (float, "a number with a fraction"),
    (str, "a string"),
    (list, "an array"),
    (dict, "an object"),
)


def _kind(value: object) -> str:
    """Describe a JSON value by its kind, never by its content."""
    if value is None:
        return "null"
    return next((kind for cls, kind in _KINDS if isinstance(value, cls)), type_name(value))


class _Reading:
    """Checks a parsed document, collecting every problem with its path."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def wrong(self, path: str, expected: str, value: object) -> None:
        self.problems.append(
            Problem(path=path, expected=expected, found=_kind(value), wrong_type=True)
        )

    def bad(self, path: str, expected: str, found: str) -> None:
        self.problems.append(Problem(path=path, expected=expected, found=found))

    # --- values ---

    def fields(self, value: object, path: str, keys: tuple[str, ...]) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.wrong(path, "an object", value)
            return None
        if isinstance(value, _RepeatedKeys):
            self.bad(path, "an object with each key once", "a key more than once")
        missing = [key for key in keys if key not in value]
        if missing:
            self.bad(
                path, f"the key {missing[0]!r}", f"an object without it ({len(missing)} missing)"
            )
        unknown = len(value.keys() - set(keys))
        if unknown:
            self.bad(
                path, f"only the keys of the format ({', '.join(keys)})", f"{unknown} other key(s)"
            )
        return value

    def array(self, value: object, path: str) -> list[Any] | None:
        if not isinstance(value, list):
            self.wrong(path, "an array", value)
            return None
        return value

    def count(self, value: object, path: str, least: int = 0) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.wrong(path, f"a whole number from {least}", value)
            return None
        if value < least:
            self.bad(path, f"a whole number from {least}", f"a whole number below {least}")
            return None
        return value

    def rank(self, value: object, path: str) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.wrong(path, "a security rank (a whole number)", value)
            return None
        return value

    def string(self, value: object, path: str) -> str | None:
        if not isinstance(value, str):
            self.wrong(path, "a string", value)
            return None
        return value

    def code(self, value: object, path: str) -> str | None:
        if not isinstance(value, str):
            self.wrong(path, CODE_EXPECTED, value)
            return None
        if not is_code(value):
            self.bad(path, CODE_EXPECTED, "a string that is not a code")
            return None
        return value

    def optional_code(self, value: object, path: str) -> str | None:
        return None if value is None else self.code(value, path)

    def date(self, value: object, path: str) -> dt.date | None:
        expected = "a date, YYYY-MM-DD"
        if not isinstance(value, str):
            self.wrong(path, expected, value)
            return None
        if _DATE.fullmatch(value) is not None:
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        self.bad(path, expected, "a string that is not a date")
        return None

    def optional_date(self, value: object, path: str) -> dt.date | None:
        return None if value is None else self.date(value, path)

    def amount(self, value: object, path: str) -> Decimal | None:
        expected = "an amount: a decimal string, not below 0"
        if not isinstance(value, str):
            self.wrong(path, expected, value)
            return None
        if _AMOUNT.fullmatch(value) is not None:
            try:
                return Decimal(value)
            except InvalidOperation:  # pragma: no cover - the pattern admits decimals only
                pass
        self.bad(path, expected, "a string that is not such an amount")
        return None

    # --- the parts of a partial ---

    def definition(self, value: object, path: str) -> tuple[str, str] | None:
        if value is None:
            return None
        found = self.fields(value, path, ("id", "version"))
        if found is None:
            return None
        key = (
            self.code(found.get("id"), f"{path}.id"),
            self.code(found.get("version"), f"{path}.version"),
        )
        return None if key[0] is None or key[1] is None else (key[0], key[1])

    def combined(self, value: object, path: str) -> CombinedLongStay | None:
        if value is None:
            return None
        found = self.fields(value, path, ("stages", "after"))
        if found is None:
            return None
        stages = self.codes(found.get("stages"), f"{path}.stages", least=1)
        after = found.get("after")
        period: Period | None = None
        if not isinstance(after, str):
            self.wrong(f"{path}.after", "an ISO 8601 duration such as 'P15Y'", after)
        else:
            try:
                period = Period.parse(after)
            except PathwayModelError:
                self.bad(f"{path}.after", "an ISO 8601 duration such as 'P15Y'", "another string")
        if stages is None or period is None:
            return None
        try:
            return CombinedLongStay(stages=stages, after=period)
        except ValidationError:
            self.bad(path, "a combined long-stay rule over a period longer than zero", "P0D")
            return None

    def codes(self, value: object, path: str, *, least: int = 0) -> tuple[str, ...] | None:
        items = self.array(value, path)
        if items is None:
            return None
        codes = [self.code(item, f"{path}[{index}]") for index, item in enumerate(items)]
        if len(items) < least:
            self.bad(path, f"at least {least} code(s)", "none")
        if len(set(items)) < len(items) and all(isinstance(item, str) for item in items):
            self.bad(path, "each code once", "a code more than once")
        if any(code is None for code in codes):
            return None
        return tuple(code for code in codes if code is not None)

    def strings(self, value: object, path: str, what: str) -> frozenset[str] | None:
        items = self.array(value, path)
        if items is None:
            return None
        found = [self.string(item, f"{path}[{index}]") for index, item in enumerate(items)]
        strings = frozenset(item for item in found if item is not None)
        if len(strings) != len(found):
            if None not in found:
                self.bad(path, f"each {what} once", f"an {what} more than once")
            return None
        return strings

    def stage_ranks(self, value: object, path: str) -> dict[str, int] | None:
        if not isinstance(value, dict):
            self.wrong(path, "an object of stage codes and security ranks", value)
            return None
        if isinstance(value, _RepeatedKeys):
            self.bad(path, "an object with each key once", "a key more than once")
        ranks: dict[str, int] = {}
        for index, (code, rank) in enumerate(value.items()):
            if not is_code(code):
                self.bad(
                    path, f"stage codes as keys ({CODE_EXPECTED})", f"key {index + 1}, not a code"
                )
                continue
            number = self.rank(rank, f"{path}.{code}")
            if number is not None:
                ranks[code] = number
        return ranks

    def days(self, value: object, path: str) -> tuple[tuple[int, int], ...] | None:
        rows = self.array(value, path)
        if rows is None:
            return None
        counts: dict[int, int] = {}
        good = True
        for index, row in enumerate(rows):
            where = f"{path}[{index}]"
            if not isinstance(row, list) or len(row) != 2:
                self.bad(where, "a pair [days, how many]", _kind(row))
                good = False
                continue
            days = self.count(row[0], f"{where}[0]")
            number = self.count(row[1], f"{where}[1]", least=1)
            if days is None or number is None:
                good = False
            elif days in counts:
                self.bad(where, "each number of days once", "a number of days already given")
                good = False
            else:
                counts[days] = number
        return tuple(sorted(counts.items())) if good else None

    def months(
        self, value: object, path: str, *, changes: bool
    ) -> tuple[tuple[int, int], ...] | None:
        rows = self.array(value, path)
        if rows is None:
            return None
        counts: dict[int, int] = {}
        good = True
        for index, row in enumerate(rows):
            where = f"{path}[{index}]"
            if not isinstance(row, list) or len(row) != 2:
                self.bad(where, "a pair [month, how many]", _kind(row))
                good = False
                continue
            month = self.month(row[0], f"{where}[0]")
            number = self.change(row[1], f"{where}[1]") if changes else None
            if not changes:
                number = self.count(row[1], f"{where}[1]", least=1)
            if month is None or number is None:
                good = False
            elif month in counts:
                self.bad(where, "each month once", "a month already given")
                good = False
            else:
                counts[month] = number
        return tuple(sorted(counts.items())) if good else None

    def month(self, value: object, path: str) -> int | None:
        if not isinstance(value, str):
            self.wrong(path, "a month (YYYY-MM)", value)
            return None
        if _MONTH.fullmatch(value) is None:
            self.bad(path, "a month (YYYY-MM)", "another string")
            return None
        year, month = value.split("-")
        return int(year) * 12 + int(month) - 1

    def change(self, value: object, path: str) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.wrong(path, "a whole number other than 0", value)
            return None
        if value == 0:
            self.bad(path, "a whole number other than 0", "0")
            return None
        return value

    def delays(self, value: object, path: str, *, money: bool) -> tuple[Any, ...] | None:
        rows = self.array(value, path)
        if rows is None:
            return None
        found: dict[tuple[str, str | None, str | None], Any] = {}
        good = True
        last = "amount" if money else "days"
        for index, row in enumerate(rows):
            where = f"{path}[{index}]"
            if not isinstance(row, list) or len(row) != 4:
                self.bad(where, f"a row [reason list, reason, attributable to, {last}]", _kind(row))
                good = False
                continue
            reason_list = row[0]
            if not isinstance(reason_list, str) or reason_list not in DELAY_REASON_LISTS:
                self.bad(
                    f"{where}[0]",
                    f"a delay reason list ({', '.join(sorted(DELAY_REASON_LISTS))})",
                    "another string" if isinstance(reason_list, str) else _kind(reason_list),
                )
                good = False
                continue
            reason = self.optional_code(row[1], f"{where}[1]")
            attributable = self.optional_code(row[2], f"{where}[2]")
            number = (
                self.amount(row[3], f"{where}[3]") if money else self.count(row[3], f"{where}[3]")
            )
            if (
                number is None
                or (row[1] is not None and reason is None)
                or (row[2] is not None and attributable is None)
            ):
                good = False
                continue
            key = (reason_list, reason, attributable)
            if key in found:
                self.bad(
                    where,
                    "each reason and attribution once",
                    "a reason and attribution already given",
                )
                good = False
                continue
            found[key] = number
        if not good:
            return None
        return tuple(sorted(found.items(), key=_delay_order))

    def person_amounts(self, value: object, path: str) -> tuple[tuple[str, Decimal], ...] | None:
        rows = self.array(value, path)
        if rows is None:
            return None
        found: dict[str, Decimal] = {}
        good = True
        for index, row in enumerate(rows):
            where = f"{path}[{index}]"
            if not isinstance(row, list) or len(row) != 2:
                self.bad(where, "a pair [person id, amount]", _kind(row))
                good = False
                continue
            person = self.string(row[0], f"{where}[0]")
            amount = self.amount(row[1], f"{where}[1]")
            if person is None or amount is None:
                good = False
            elif person in found:
                self.bad(where, "each person id once", "an id already given")
                good = False
            else:
                found[person] = amount
        return tuple(sorted(found.items())) if good else None

    def tally(self, group: dict[str, Any], path: str) -> Frozen | None:
        readers: dict[str, Callable[[object, str], object]] = {
            "count": self.count,
            "money": self.amount,
            "people": lambda value, where: self.strings(value, where, "id"),
            "days": self.days,
            "delay_days": lambda value, where: self.delays(value, where, money=False),
            "delay_money": lambda value, where: self.delays(value, where, money=True),
            "person_money": self.person_amounts,
            "months": lambda value, where: self.months(value, where, changes=False),
            "month_changes": lambda value, where: self.months(value, where, changes=True),
        }
        values = []
        good = True
        for name, kind in _TALLIED.items():
            if name not in group:
                good = False
                continue
            value = readers[kind](group[name], f"{path}.{name}")
            good = good and value is not None
            values.append(value)
        if good:
            people = typing.cast("frozenset[str]", values[list(_TALLIED).index("people")])
            costs = typing.cast(
                "tuple[tuple[str, Decimal], ...]", values[list(_TALLIED).index("delay_by_person")]
            )
            if any(person not in people for person, _ in costs):
                self.bad(
                    f"{path}.delay_by_person",
                    "the ids of people listed in people",
                    "an id that is not listed",
                )
                good = False
        return tuple(values) if good else None


def load(data: object) -> CohortPartial:
    """Read a partial from JSON bytes, strictly; see the module's docstring for the format."""
    if not isinstance(data, (bytes, bytearray)):
        raise WrongTypeError.single("data", "JSON text as bytes", type_name(data))
    try:
        text = bytes(data).decode("utf-8")
    except UnicodeDecodeError:
        raise ValidationError.single(
            "$", "JSON text in UTF-8", "bytes that are not UTF-8"
        ) from None
    try:
        document = json.loads(text, object_pairs_hook=_pairs, parse_constant=_constant)
    except json.JSONDecodeError as error:
        where = f"text that is not JSON (line {error.lineno}, column {error.colno})"
        failure = ValidationError.single("$", "JSON text", where)
    except _ConstantError:
        failure = ValidationError.single(
            "$", "JSON text", "NaN or Infinity, which JSON does not have"
        )
    except (ValueError, RecursionError):
        failure = ValidationError.single(
            "$", "JSON text", "a number too long or arrays nested too deeply"
        )
    else:
        return _partial(document)
    del text  # the error must not keep the document alive
    raise failure


def _partial(document: object) -> CohortPartial:
    reading = _Reading()
    top = reading.fields(document, "$", _TOP)
    if top is None:
        raise ValidationError.of(reading.problems)
    version = top.get("partial_version")
    if isinstance(version, bool) or version != PARTIAL_VERSION:
        found = (
            "none"
            if "partial_version" not in top
            else (
                "another version"
                if isinstance(version, int) and not isinstance(version, bool)
                else _kind(version)
            )
        )
        raise ValidationError.single(
            "$.partial_version",
            f"{PARTIAL_VERSION}, the version of the format this library reads",
            found,
        )
    as_of = reading.date(top.get("as_of"), "$.as_of")
    since = reading.optional_date(top.get("since"), "$.since")
    definition = reading.definition(top.get("definition"), "$.definition")
    combined = reading.combined(top.get("combined_long_stay"), "$.combined_long_stay")
    community = reading.codes(top.get("community_stages"), "$.community_stages")
    records = reading.count(top.get("records"), "$.records")
    first_day = reading.optional_date(top.get("first_day"), "$.first_day")
    ranks = reading.stage_ranks(top.get("stages"), "$.stages")
    if as_of is not None and since is not None and since > as_of:
        reading.bad("$.since", "a date on or before as_of", "a later date")
    if records is not None and (records == 0) != (top.get("first_day") is None):
        reading.bad(
            "$.first_day",
            "null when no record was read, else a date",
            "a date" if records == 0 else "null",
        )
    tallies: list[tuple[str, str, Frozen]] = []
    seen: set[tuple[str, str]] = set()
    groups = reading.array(top.get("groups"), "$.groups") or []
    if groups and records == 0:
        reading.bad("$.groups", "no group when no record was read", f"{len(groups)} group(s)")
    for index, value in enumerate(groups):
        path = f"$.groups[{index}]"
        group = reading.fields(value, path, _GROUP)
        if group is None:
            continue
        provider = reading.string(group.get("provider"), f"{path}.provider")
        stage = reading.code(group.get("stage"), f"{path}.stage")
        if stage is not None and ranks is not None and stage not in ranks:
            reading.bad(f"{path}.stage", "a stage listed in $.stages", "a stage not listed")
        frozen = reading.tally(group, path)
        if provider is None or stage is None or frozen is None:
            continue
        if (provider, stage) in seen:
            reading.bad(path, "each provider and stage once", "a provider and stage already given")
            continue
        seen.add((provider, stage))
        tallies.append((provider, stage, frozen))
    if reading.problems or as_of is None or community is None or records is None or ranks is None:
        # A value is None here only when reading it found a problem.
        raise ValidationError.of(reading.problems)
    return CohortPartial(
        as_of=as_of,
        since=since,
        definition_id=None if definition is None else definition[0],
        definition_version=None if definition is None else definition[1],
        combined_long_stay=combined,
        community_stages=tuple(sorted(community)),
        records=records,
        first_day=first_day,
        stage_ranks=tuple(sorted(ranks.items())),
        tallies=tuple(sorted(tallies, key=lambda cell: (cell[0], cell[1]))),
    )
