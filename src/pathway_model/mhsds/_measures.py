"""National MHSDS measures on plain rows: length of stay, bed days, MHS26, restraint rates.

Pure functions of small attrs rows (dates, codes) and ``UniqMonthID`` months; no pandas.
Each result names the [`Convention`][pathway_model.mhsds.Convention] it was computed by.
Monthly measures are computed per month and summed over a window of months, with the
monthly figures kept beside the total. The conventions and their sources are listed on
the reference page "MHSDS" and on "Domain facts and sources".
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs

from pathway_model.errors import ValidationError, WrongTypeError
from pathway_model.mhsds._conventions import (
    BED_DAYS,
    LENGTH_OF_STAY,
    LENGTH_OF_STAY_CENSORED,
    READY_DAYS,
    READY_DAYS_GUARD,
    READY_DAYS_REASONS,
    RESTRICTIVE_INTERVENTIONS,
    Convention,
)
from pathway_model.mhsds._months import (
    ReportingMonth,
    _require_month_id,
    reporting_month,
    require_date,
)
from pathway_model.model import _seam

__all__ = [
    "UNKNOWN",
    "BedDays",
    "InterventionDates",
    "LengthOfStay",
    "MonthBedDays",
    "MonthReadyDays",
    "MonthRestrictiveInterventions",
    "ReadyDays",
    "ReadyPeriod",
    "RestrictiveInterventions",
    "StayDates",
    "attributable_to_in_window",
    "bed_days",
    "delay_reason_in_window",
    "length_of_stay",
    "ready_days",
    "restrictive_interventions",
]

UNKNOWN = "UNKNOWN"
"""The code a breakdown reports for a missing code, or one outside its month window."""

_ONE_DAY = dt.timedelta(days=1)
_optional_date = attrs.validators.optional(_seam.date)
_optional_code = attrs.validators.optional(_seam.code)


def _end_not_before_start(instance: Any, start: dt.date, end: dt.date | None) -> None:
    if end is not None and end < start:
        raise ValidationError.single(
            f"{type(instance).__name__}.end",
            f"a date on or after start ({start.isoformat()})",
            end.isoformat(),
        )


# --- Rows -------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class StayDates:
    """The dates of a hospital spell or ward stay (MHS501 or MHS502).

    Attributes:
        start: The first day (``StartDateHospProvSpell`` or ``StartDateWardStay``).
        end: The discharge or end date, or ``None`` while the stay is open.

    Raises:
        ValidationError: ``end`` is before ``start``.
        WrongTypeError: A date is not a ``datetime.date``.
    """

    start: dt.date = attrs.field(validator=_seam.date)
    end: dt.date | None = attrs.field(default=None, validator=_optional_date)

    def __attrs_post_init__(self) -> None:
        _end_not_before_start(self, self.start, self.end)


@attrs.frozen(kw_only=True)
class ReadyPeriod:
    """A period recorded clinically ready for discharge (MHS518, or MHS504 before v6).

    Attributes:
        id: The row's id (``MHS518UniqID``), used to order rows with the same start.
        spell_id: The hospital spell it belongs to (``UniqHospProvSpellID``); MHS26
            ranks the rows of each spell.
        start: The first day recorded ready.
        end: The last day of the period as recorded, or ``None`` while still ready.
        reason: The delay reason code (``ClinReadyforDischDelayReason`` or
            ``DelayDischReason``), or ``None``.
        attributable_to: Who the delay is attributable to (``AttribToIndic``), or ``None``.

    Raises:
        ValidationError: ``end`` is before ``start``, or a code is malformed.
        WrongTypeError: A field has the wrong type.
    """

    id: str = attrs.field(validator=_seam.code)
    spell_id: str = attrs.field(validator=_seam.code)
    start: dt.date = attrs.field(validator=_seam.date)
    end: dt.date | None = attrs.field(default=None, validator=_optional_date)
    reason: str | None = attrs.field(default=None, validator=_optional_code)
    attributable_to: str | None = attrs.field(default=None, validator=_optional_code)

    def __attrs_post_init__(self) -> None:
        _end_not_before_start(self, self.start, self.end)


@attrs.frozen(kw_only=True)
class InterventionDates:
    """One restrictive intervention of one type (MHS505 with MHS515), by its dates.

    Attributes:
        incident_id: The incident (``UniqRestrictiveIntIncID``).
        type_id: The intervention type row (``UniqRestrictiveIntTypeID``).
        start: The day it started.
        end: The day it ended, or ``None`` if no end is recorded.

    Raises:
        ValidationError: ``end`` is before ``start``, or an id is malformed.
        WrongTypeError: A field has the wrong type.
    """

    incident_id: str = attrs.field(validator=_seam.code)
    type_id: str = attrs.field(validator=_seam.code)
    start: dt.date = attrs.field(validator=_seam.date)
    end: dt.date | None = attrs.field(default=None, validator=_optional_date)

    def __attrs_post_init__(self) -> None:
        _end_not_before_start(self, self.start, self.end)


# --- Arguments --------------------------------------------------------------------------


def _rows(value: object, kind: type[Any], path: str) -> list[Any]:
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        raise WrongTypeError.single(path, f"an iterable of {kind.__name__}", _seam.type_name(value))
    rows = list(value)
    for index, row in enumerate(rows):
        if not isinstance(row, kind):
            raise WrongTypeError.single(f"{path}[{index}]", kind.__name__, _seam.type_name(row))
    return rows


def _window(first_month: int, last_month: int | None) -> list[ReportingMonth]:
    first = _require_month_id(first_month, "first_month")
    last = first if last_month is None else _require_month_id(last_month, "last_month")
    if last < first:
        raise ValidationError.single(
            "last_month",
            f"a UniqMonthID on or after first_month ({first})",
            _seam.show_number(last),
        )
    return [reporting_month(month) for month in range(first, last + 1)]


# --- Length of stay ---------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class LengthOfStay:
    """The length of one stay, in days, and the convention that gave it.

    Attributes:
        days: The length in days; a stay that starts and ends on one day has 0.
        censored: Whether the stay was open at (or ended after) the period end, so
            ``days`` runs to the period end.
        convention: [`LENGTH_OF_STAY`][pathway_model.mhsds.LENGTH_OF_STAY] or
            [`LENGTH_OF_STAY_CENSORED`][pathway_model.mhsds.LENGTH_OF_STAY_CENSORED].
    """

    days: int
    censored: bool
    convention: Convention


def length_of_stay(stay: StayDates, *, period_end: dt.date | None = None) -> LengthOfStay:
    """The MHSDS length of a spell or ward stay: ``DATEDIFF(end, start)``, same day = 0.

    A discharged stay has ``end - start`` days. With ``period_end``, a stay open then (or
    ending after it) is censored there:
    ``DATEDIFF(LEAST(COALESCE(end, rp_end), rp_end), start)``.

    Args:
        stay: The stay's dates.
        period_end: The last day of the reporting period, or ``None`` for a discharged
            stay.

    Returns:
        The days, whether they were censored, and the convention used.

    Raises:
        ValidationError: The stay is open and no ``period_end`` is given, or it starts
            after ``period_end``.
        WrongTypeError: ``stay`` is not a ``StayDates`` or ``period_end`` not a date.

    Examples:
        >>> import datetime as dt
        >>> from pathway_model.mhsds import StayDates, length_of_stay
        >>> spell = StayDates(start=dt.date(2024, 5, 10), end=dt.date(2025, 3, 20))
        >>> length_of_stay(spell).days
        314
        >>> length_of_stay(spell, period_end=dt.date(2024, 11, 30)).days
        204
    """
    if not isinstance(stay, StayDates):
        raise WrongTypeError.single("stay", "StayDates", _seam.type_name(stay))
    if period_end is None:
        if stay.end is None:
            raise ValidationError.single(
                "period_end", "a date to censor an open stay at", "no value"
            )
        return LengthOfStay(
            days=(stay.end - stay.start).days, censored=False, convention=LENGTH_OF_STAY
        )
    period_end = require_date(period_end, "period_end")
    if stay.start > period_end:
        raise ValidationError.single(
            "period_end",
            f"a date on or after the stay's start ({stay.start.isoformat()})",
            period_end.isoformat(),
        )
    censored = stay.end is None or stay.end > period_end
    end = period_end if censored or stay.end is None else stay.end
    return LengthOfStay(
        days=(end - stay.start).days,
        censored=censored,
        convention=LENGTH_OF_STAY_CENSORED if censored else LENGTH_OF_STAY,
    )


# --- Bed days ---------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class MonthBedDays:
    """Bed days in one month.

    Attributes:
        month_id: The ``UniqMonthID``.
        days: The bed days of every stay in the month.
    """

    month_id: int
    days: int


@attrs.frozen(kw_only=True)
class BedDays:
    """Bed days over a window of months: each month's, and their sum.

    Attributes:
        first_month: The window's first ``UniqMonthID``.
        last_month: Its last ``UniqMonthID``.
        days: The sum of the monthly bed days.
        months: Each month's bed days, in order.
        convention: [`BED_DAYS`][pathway_model.mhsds.BED_DAYS].
    """

    first_month: int
    last_month: int
    days: int
    months: tuple[MonthBedDays, ...]
    convention: Convention = BED_DAYS


def _stay_days_in(stay: StayDates, month: ReportingMonth) -> int:
    after = month.end + _ONE_DAY
    end = after if stay.end is None else min(stay.end, after)
    return max((end - max(stay.start, month.start)).days, 0)


def _bed_days_in(stays: Sequence[StayDates], month: ReportingMonth) -> int:
    return sum(_stay_days_in(stay, month) for stay in stays)


def bed_days(
    stays: Iterable[StayDates], first_month: int, last_month: int | None = None
) -> BedDays:
    """Bed days of stays in each month of a window, and their sum.

    Per month, each stay gives
    ``DATEDIFF(LEAST(COALESCE(end, rp_end + 1), rp_end + 1), GREATEST(start, rp_start))``
    when positive: the nights from its start (or the month's first day) to its end (or the
    month's end). Read from each stay's latest version (the convention
    [`BED_DAYS`][pathway_model.mhsds.BED_DAYS]), this equals the national sum over each
    month's own submission whenever the data are consistent. Over a window covering a
    whole stay, its bed days are its length of stay.

    Args:
        stays: Ward stays (or spells), their latest version each.
        first_month: The window's first ``UniqMonthID``.
        last_month: Its last ``UniqMonthID``; ``None`` for ``first_month`` alone.

    Returns:
        The monthly bed days and their sum.

    Raises:
        WrongTypeError: ``stays`` is not an iterable of ``StayDates``, or a month is
            not an ``int``.
        ValidationError: A month is not a UniqMonthID, or ``last_month`` is before
            ``first_month``.

    Examples:
        >>> import datetime as dt
        >>> from pathway_model.mhsds import StayDates, bed_days
        >>> ward_stays = [
        ...     StayDates(start=dt.date(2024, 5, 10), end=dt.date(2024, 11, 4)),
        ...     StayDates(start=dt.date(2024, 11, 4), end=dt.date(2025, 3, 20)),
        ... ]
        >>> bed_days(ward_stays, 1496).days
        30
    """
    rows = _rows(stays, StayDates, "stays")
    months = tuple(
        MonthBedDays(month_id=month.month_id, days=_bed_days_in(rows, month))
        for month in _window(first_month, last_month)
    )
    return BedDays(
        first_month=months[0].month_id,
        last_month=months[-1].month_id,
        days=sum(month.days for month in months),
        months=months,
    )


# --- Ready-for-discharge days (MHS26) ---------------------------------------------------

#: A code's validity window: its first and last ``UniqMonthID`` (``None``: open).
_Window = tuple[int | None, int | None]


def _windows(*lists: Iterable[_seam.ListedCode]) -> dict[str, tuple[_Window, ...]]:
    """Each code's month windows, from the national code lists the catalogue holds."""
    table: dict[str, list[_Window]] = defaultdict(list)
    for listed in lists:
        for item in listed:
            table[item.code].append((item.first_month, item.last_month))
    return {code: tuple(windows) for code, windows in table.items()}


#: The month windows of the delay reason codes: MHS504 ``DelayDischReason`` (v5) and
#: MHS518 ``ClinReadyforDischDelayReason`` (v6), read from the code lists of
#: `pathway_model.catalogue`. See "Domain facts and sources".
_DELAY_REASON_WINDOWS = _windows(_seam.DELAY_REASONS_V5, _seam.DELAY_REASONS_V6)
#: The month windows of ``AttribToIndic``: ``07`` (housing) ends with v5.
_ATTRIBUTABLE_TO_WINDOWS = _windows(_seam.ATTRIBUTABLE_TO)


def _in_window(table: Mapping[str, tuple[_Window, ...]], code: str, month: int) -> bool:
    return any(
        (first is None or first <= month) and (last is None or month <= last)
        for first, last in table.get(code, ())
    )


def delay_reason_in_window(code: str, month: int) -> bool:
    """Whether a delay reason code is valid in a month: the default for `ready_days`.

    MHS504 ``DelayDischReason`` codes (``A2`` ... ``N1``) are valid from 1429 to 1488,
    ``P1`` ... ``T2`` and ``98`` from 1459 to 1488; MHS518 ``ClinReadyforDischDelayReason``
    codes ``01`` ... ``37`` and ``98`` from 1489 (see "Domain facts and sources").

    Args:
        code: The reason code.
        month: The ``UniqMonthID`` being measured.

    Examples:
        >>> from pathway_model.mhsds import delay_reason_in_window
        >>> delay_reason_in_window("24", 1499), delay_reason_in_window("M1", 1499)
        (True, False)
    """
    return _in_window(_DELAY_REASON_WINDOWS, code, month)


def attributable_to_in_window(code: str, month: int) -> bool:
    """Whether an ``AttribToIndic`` code is valid in a month: the default for `ready_days`.

    ``04`` NHS, ``05`` social care and ``06`` both are valid in every month; ``07``
    housing only up to 1488 (see "Domain facts and sources").

    Args:
        code: The attributable-to code.
        month: The ``UniqMonthID`` being measured.
    """
    return _in_window(_ATTRIBUTABLE_TO_WINDOWS, code, month)


#: A breakdown: (code, days) pairs sorted by code, ``UNKNOWN`` among them.
Breakdown = tuple[tuple[str, int], ...]


@attrs.frozen(kw_only=True)
class MonthReadyDays:
    """MHS26 ready-for-discharge days in one month, with every row accounted for.

    ``rows_used + rows_same_day + rows_inside_another + rows_outside_month`` is the
    number of rows given.

    Attributes:
        month_id: The ``UniqMonthID``.
        days: The ready days in the month.
        by_reason: ``(reason, days)`` pairs sorted by reason; ``UNKNOWN`` for no reason
            or one outside its month window.
        by_attributable_to: ``(code, days)`` pairs, as ``by_reason``.
        rows_used: Rows that overlap the month and were counted.
        rows_trimmed: Of those, rows that overlapped an earlier row of their spell and
            were counted from its end.
        rows_same_day: Rows dropped because they start and end on one day.
        rows_inside_another: Rows dropped because an earlier row of their spell covers
            them.
        rows_outside_month: Rows that do not overlap the month.
    """

    month_id: int
    days: int
    by_reason: Breakdown
    by_attributable_to: Breakdown
    rows_used: int
    rows_trimmed: int
    rows_same_day: int
    rows_inside_another: int
    rows_outside_month: int


@attrs.frozen(kw_only=True)
class ReadyDays:
    """MHS26 ready-for-discharge days over a window of months.

    Attributes:
        first_month: The window's first ``UniqMonthID``.
        last_month: Its last ``UniqMonthID``.
        days: The sum of the monthly ready days.
        by_reason: The monthly breakdowns by delay reason, summed.
        by_attributable_to: The monthly breakdowns by attributable-to, summed.
        months: Each month's figures, in order.
        conventions: [`READY_DAYS`][pathway_model.mhsds.READY_DAYS], the guard this
            library adds ([`READY_DAYS_GUARD`][pathway_model.mhsds.READY_DAYS_GUARD]) and
            the breakdown rule
            ([`READY_DAYS_REASONS`][pathway_model.mhsds.READY_DAYS_REASONS]).
    """

    first_month: int
    last_month: int
    days: int
    by_reason: Breakdown
    by_attributable_to: Breakdown
    months: tuple[MonthReadyDays, ...]
    conventions: tuple[Convention, ...] = (READY_DAYS, READY_DAYS_GUARD, READY_DAYS_REASONS)


def _merged(rows: list[ReadyPeriod]) -> tuple[list[tuple[ReadyPeriod, bool]], int]:
    """A spell's rows, ordered, with overlaps merged: (row, trimmed) pairs and rows dropped.

    A row that starts before the previous kept row ends is counted from that end; one that
    ends by then (or follows an open row) is dropped.
    """
    kept: list[tuple[ReadyPeriod, bool]] = []
    inside = 0
    for row in sorted(rows, key=lambda r: (r.start, r.id)):
        if kept:
            last_end = kept[-1][0].end
            if last_end is None or (row.end is not None and row.end <= last_end):
                inside += 1
                continue
            if row.start < last_end:
                kept.append((attrs.evolve(row, start=last_end), True))
                continue
        kept.append((row, False))
    return kept, inside


def _breakdown(counts: Mapping[str, int]) -> Breakdown:
    return tuple(sorted(counts.items()))


def _month_ready_days(
    spells: Mapping[str, list[tuple[ReadyPeriod, bool]]],
    *,
    same_day: int,
    inside: int,
    month: ReportingMonth,
    reason_ok: Callable[[str, int], bool],
    attributable_ok: Callable[[str, int], bool],
) -> MonthReadyDays:
    after = month.end + _ONE_DAY
    reasons: dict[str, int] = defaultdict(int)
    attributable: dict[str, int] = defaultdict(int)
    used = trimmed = outside = 0
    for rows in spells.values():
        previous: ReadyPeriod | None = None
        for row, was_trimmed in rows:
            if row.start > month.end or (row.end is not None and row.end < month.start):
                outside += 1
                continue
            end = after if row.end is None else min(row.end, after)
            if row.start < month.start:
                start = month.start
            elif previous is None or previous.end is None or row.start - previous.end > _ONE_DAY:
                start = row.start + _ONE_DAY
            else:
                start = row.start
            days = (end - start).days
            used += 1
            trimmed += was_trimmed
            reason = row.reason
            reasons[reason if reason and reason_ok(reason, month.month_id) else UNKNOWN] += days
            code = row.attributable_to
            attributable[code if code and attributable_ok(code, month.month_id) else UNKNOWN] += (
                days
            )
            previous = row
    return MonthReadyDays(
        month_id=month.month_id,
        days=sum(reasons.values()),
        by_reason=_breakdown(reasons),
        by_attributable_to=_breakdown(attributable),
        rows_used=used,
        rows_trimmed=trimmed,
        rows_same_day=same_day,
        rows_inside_another=inside,
        rows_outside_month=outside,
    )


def ready_days(
    periods: Iterable[ReadyPeriod],
    first_month: int,
    last_month: int | None = None,
    *,
    reason_in_window: Callable[[str, int], bool] = delay_reason_in_window,
    attributable_in_window: Callable[[str, int], bool] = attributable_to_in_window,
) -> ReadyDays:
    """Ready-for-discharge days, measure MHS26, per month of a window and summed.

    Per month, as the national code does it
    ([`READY_DAYS`][pathway_model.mhsds.READY_DAYS]): rows that start and end on one day
    are dropped; each spell's rows are ranked by start date, then row id; a row counts
    ``DATEDIFF(end', start')`` days, where ``end' = COALESCE(end, rp_end + 1)`` and
    ``start'`` is the month's first day for a row that started before it, else the day
    after the start for the spell's first row or one starting more than a day after the
    previous row's end (the first-day rule), else the start. So a closed period from
    ``d`` to ``e`` gives ``e - d - 1`` days, and contiguous periods
    ``d0 -> d1 -> ... -> dn`` give ``dn - d0 - 1``.

    The national code has no guard against re-sent closed periods or overlaps; this
    library adds one ([`READY_DAYS_GUARD`][pathway_model.mhsds.READY_DAYS_GUARD]): only
    rows overlapping the month count, ``end'`` is never after ``rp_end + 1`` (so the
    latest version of each period can be given for every month), and overlapping rows of
    a spell are merged. On a month's own consistent submission the guard changes
    nothing.

    Args:
        periods: The recorded periods, the latest version of each.
        first_month: The window's first ``UniqMonthID``.
        last_month: Its last ``UniqMonthID``; ``None`` for ``first_month`` alone.
        reason_in_window: Whether a delay reason code is valid in a month; a code that
            is not is reported as ``UNKNOWN``. Defaults to
            [`delay_reason_in_window`][pathway_model.mhsds.delay_reason_in_window].
        attributable_in_window: The same for attributable-to codes. Defaults to
            [`attributable_to_in_window`][pathway_model.mhsds.attributable_to_in_window].

    Returns:
        The monthly figures, with their breakdowns and row accounting, and their sums.

    Raises:
        WrongTypeError: ``periods`` is not an iterable of ``ReadyPeriod``, or a month is
            not an ``int``.
        ValidationError: A month is not a UniqMonthID, or ``last_month`` is before
            ``first_month``.

    Examples:
        >>> import datetime as dt
        >>> from pathway_model.mhsds import ReadyPeriod, ready_days
        >>> periods = [
        ...     ReadyPeriod(id="7001", spell_id="S1", start=dt.date(2025, 2, 3),
        ...                 end=dt.date(2025, 2, 28), reason="24"),
        ...     ReadyPeriod(id="7102", spell_id="S1", start=dt.date(2025, 2, 28),
        ...                 end=dt.date(2025, 3, 20), reason="32"),
        ... ]
        >>> result = ready_days(periods, 1499, 1500)
        >>> [month.days for month in result.months], result.days, result.by_reason
        ([25, 19], 44, (('24', 24), ('32', 20)))
    """
    rows = _rows(periods, ReadyPeriod, "periods")
    months = _window(first_month, last_month)
    for name, check in (
        ("reason_in_window", reason_in_window),
        ("attributable_in_window", attributable_in_window),
    ):
        if not callable(check):
            raise WrongTypeError.single(name, "a callable", _seam.type_name(check))
    by_spell: dict[str, list[ReadyPeriod]] = defaultdict(list)
    same_day = 0
    for row in rows:
        if row.end == row.start:
            same_day += 1
        else:
            by_spell[row.spell_id].append(row)
    spells: dict[str, list[tuple[ReadyPeriod, bool]]] = {}
    inside = 0
    for spell, spell_rows in by_spell.items():
        spells[spell], dropped = _merged(spell_rows)
        inside += dropped
    monthly = tuple(
        _month_ready_days(
            spells,
            same_day=same_day,
            inside=inside,
            month=month,
            reason_ok=reason_in_window,
            attributable_ok=attributable_in_window,
        )
        for month in months
    )
    reasons: dict[str, int] = defaultdict(int)
    attributable: dict[str, int] = defaultdict(int)
    for month_days in monthly:
        for code, days in month_days.by_reason:
            reasons[code] += days
        for code, days in month_days.by_attributable_to:
            attributable[code] += days
    return ReadyDays(
        first_month=monthly[0].month_id,
        last_month=monthly[-1].month_id,
        days=sum(month_days.days for month_days in monthly),
        by_reason=_breakdown(reasons),
        by_attributable_to=_breakdown(attributable),
        months=monthly,
    )


# --- Restrictive interventions ----------------------------------------------------------


@attrs.frozen(kw_only=True)
class MonthRestrictiveInterventions:
    """Restrictive interventions in one month, and the month's spell bed days.

    Attributes:
        month_id: The ``UniqMonthID``.
        count: Distinct (incident, type) pairs counting in the month.
        bed_days: The spells' bed days in the month.
        rate_per_1000_bed_days: ``count / bed_days * 1000``, or ``None`` with no bed days.
    """

    month_id: int
    count: int
    bed_days: int
    rate_per_1000_bed_days: float | None


@attrs.frozen(kw_only=True)
class RestrictiveInterventions:
    """Restrictive interventions over a window of months, and their rate per 1,000 bed days.

    An intervention spanning two months counts in each (monthly counts are summed).

    Attributes:
        first_month: The window's first ``UniqMonthID``.
        last_month: Its last ``UniqMonthID``.
        count: The sum of the monthly counts.
        bed_days: The sum of the monthly spell bed days.
        rate_per_1000_bed_days: ``count / bed_days * 1000``, or ``None`` with no bed days.
        months: Each month's figures, in order.
        convention: [`RESTRICTIVE_INTERVENTIONS`][pathway_model.mhsds.RESTRICTIVE_INTERVENTIONS].
    """

    first_month: int
    last_month: int
    count: int
    bed_days: int
    rate_per_1000_bed_days: float | None
    months: tuple[MonthRestrictiveInterventions, ...]
    convention: Convention = RESTRICTIVE_INTERVENTIONS


def _rate(count: int, days: int) -> float | None:
    return None if days == 0 else count / days * 1000


def _counts_in(row: InterventionDates, month: ReportingMonth) -> bool:
    if month.start <= row.start <= month.end:
        return True
    if row.end is None:
        return row.start <= month.end
    return month.start <= row.end <= month.end


def restrictive_interventions(
    interventions: Iterable[InterventionDates],
    spells: Iterable[StayDates],
    first_month: int,
    last_month: int | None = None,
) -> RestrictiveInterventions:
    """Restrictive interventions per month of a window, and per 1,000 spell bed days.

    A month counts ``COUNT(DISTINCT incident id, type id)`` of the interventions that
    start or end in it, or that started by its end and have no end
    ([`RESTRICTIVE_INTERVENTIONS`][pathway_model.mhsds.RESTRICTIVE_INTERVENTIONS]); the
    rate divides the count by the spells' bed days in the month (as
    [`bed_days`][pathway_model.mhsds.bed_days] counts them) and multiplies by 1,000.

    Args:
        interventions: The interventions, one per (incident, type) version.
        spells: The hospital spells whose bed days are the denominator.
        first_month: The window's first ``UniqMonthID``.
        last_month: Its last ``UniqMonthID``; ``None`` for ``first_month`` alone.

    Returns:
        The monthly counts, bed days and rates, and their sums.

    Raises:
        WrongTypeError: An argument has the wrong type.
        ValidationError: A month is not a UniqMonthID, or ``last_month`` is before
            ``first_month``.
    """
    rows = _rows(interventions, InterventionDates, "interventions")
    stays = _rows(spells, StayDates, "spells")
    monthly = []
    for month in _window(first_month, last_month):
        count = len({(row.incident_id, row.type_id) for row in rows if _counts_in(row, month)})
        days = _bed_days_in(stays, month)
        monthly.append(
            MonthRestrictiveInterventions(
                month_id=month.month_id,
                count=count,
                bed_days=days,
                rate_per_1000_bed_days=_rate(count, days),
            )
        )
    count = sum(month.count for month in monthly)
    days = sum(month.bed_days for month in monthly)
    return RestrictiveInterventions(
        first_month=monthly[0].month_id,
        last_month=monthly[-1].month_id,
        count=count,
        bed_days=days,
        rate_per_1000_bed_days=_rate(count, days),
        months=tuple(monthly),
    )
