"""The national measures of an MHSDS extract, by provider and for England, over a window.

Each measure is the one the national code computes, by the convention it names: bed
days, ready-for-discharge days (MHS26) by delay reason and by who the delay is
attributable to, restrictive interventions per 1,000 bed days, and length of stay. Monthly
measures are computed for each month of the window and summed, the monthly figures kept
beside the sum (the library's reporting-window decision; see "Reading MHSDS extracts").
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable, Sequence
from typing import TypeVar

import attrs

from pathway_model.errors import ValidationError, WrongTypeError
from pathway_model.mhsds._conventions import (
    LENGTH_OF_STAY,
    LENGTH_OF_STAY_CENSORED,
    Convention,
)
from pathway_model.mhsds._honos import (
    HonosCompleteness,
    HonosLong,
    honos_completeness,
    score_honos_long,
)
from pathway_model.mhsds._measures import (
    BedDays,
    InterventionDates,
    ReadyDays,
    ReadyPeriod,
    RestrictiveInterventions,
    StayDates,
    bed_days,
    length_of_stay,
    ready_days,
    restrictive_interventions,
)
from pathway_model.mhsds._months import month_id_of, reporting_month
from pathway_model.mhsds._rows import (
    CodedScoreRow,
    Extract,
    ReadinessRow,
    RestrictiveRow,
    SpellRow,
    WardStayRow,
)
from pathway_model.model import _seam

__all__ = [
    "ENGLAND",
    "LengthsOfStay",
    "MeasureRow",
    "NationalMeasures",
    "ProviderMeasures",
    "national_measures",
]

ENGLAND = "England"
"""The name of the row that sums every provider: England totals, never suppressed."""


@attrs.frozen(kw_only=True)
class LengthsOfStay:
    """Lengths of the hospital spells of a window, in days (``DATEDIFF``, same day = 0).

    Attributes:
        discharged: Spells discharged in the window.
        discharged_median: The median length of those, or ``None`` when there are none.
        discharged_mean: Their mean length, or ``None``.
        open_at_end: Spells open at the window's end (started by then).
        open_median: The median length of those, censored at the window's end, or ``None``.
    """

    discharged: int
    discharged_median: float | None
    discharged_mean: float | None
    open_at_end: int
    open_median: float | None


@attrs.frozen(kw_only=True)
class ProviderMeasures:
    """One provider's national measures over the window (or England's: every provider's).

    Attributes:
        provider: The provider (``OrgIDProv``), or ``"England"``.
        bed_days: Ward-stay bed days, per month and summed.
        ready_days: MHS26 ready-for-discharge days, per month and summed, by reason and by
            who the delay is attributable to.
        restrictive_interventions: Restrictive interventions and their rate per 1,000
            spell bed days, per month and summed.
        length_of_stay: Lengths of the spells discharged in the window, and of those open
            at its end.
        honos: The HoNOS and HoNOS-secure assessments of the coded score tables (MHS606,
            MHS607), scored.
        honos_completeness: HoNOS completeness by AMH04 over the 12 months to the window's
            end: assessments and people.
    """

    provider: str
    bed_days: BedDays
    ready_days: ReadyDays
    restrictive_interventions: RestrictiveInterventions
    length_of_stay: LengthsOfStay
    honos: HonosLong
    honos_completeness: HonosCompleteness


@attrs.frozen(kw_only=True)
class MeasureRow:
    """One figure of the national measures, as a tidy row for JSON, CSV or a data frame.

    Attributes:
        provider: The provider, or ``"England"``.
        month_id: The ``UniqMonthID`` of a monthly figure; ``None`` for the window's.
        measure: The measure, e.g. ``"ready_days"``.
        breakdown: For a figure broken down, ``"reason"`` or ``"attributable_to"``.
        code: The code the figure is for (a reason, ``UNKNOWN``, ...), else ``None``.
        value: The figure; ``None`` where there is none (a rate with no bed days).
        convention: The code of the convention the figure was computed by.
    """

    provider: str
    month_id: int | None
    measure: str
    breakdown: str | None
    code: str | None
    value: int | float | None
    convention: str


@attrs.frozen(kw_only=True)
class NationalMeasures:
    """The national measures of an extract over a window of months.

    Attributes:
        first_month: The window's first ``UniqMonthID``.
        last_month: Its last ``UniqMonthID``.
        period_start: The window's first day.
        period_end: The window's last day (the reporting period end).
        providers: Each provider's measures, by provider code.
        england: Every provider's together.
    """

    first_month: int
    last_month: int
    period_start: dt.date
    period_end: dt.date
    providers: tuple[ProviderMeasures, ...]
    england: ProviderMeasures

    def rows(self) -> tuple[MeasureRow, ...]:
        """Every figure as a tidy row: each provider's, then England's, month by month."""
        return tuple(
            row for measures in (*self.providers, self.england) for row in _rows_of(measures)
        )

    @classmethod
    def of(
        cls, extract: Extract, *, period_end: dt.date, period_start: dt.date | None = None
    ) -> NationalMeasures:
        """Compute the national measures of ``extract`` over a window.

        Args:
            extract: The extract, read and de-duplicated by ``read_extract``.
            period_end: The last day of the window: its month is the window's last.
            period_start: The first day of the window: its month is the window's first.
                ``None``: the first month of the extract (`Extract.first_month`, the
                earliest month of any row read, whichever version of an item is kept).

        Raises:
            WrongTypeError: An argument is of the wrong type.
            ValidationError: ``period_start`` is after ``period_end``.
        """
        if not isinstance(extract, Extract):
            raise WrongTypeError.single("extract", "an Extract", _seam.type_name(extract))
        given: tuple[tuple[str, object], ...] = (
            ("period_end", period_end),
            ("period_start", period_start),
        )
        for name, value in given:
            if value is not None and (
                not isinstance(value, dt.date) or isinstance(value, dt.datetime)
            ):
                raise WrongTypeError.single(name, "a date", _seam.type_name(value))
        last = month_id_of(period_end)
        if period_start is not None:
            first = month_id_of(period_start)
        else:
            first = last if extract.first_month is None else extract.first_month
        if first > last:
            raise ValidationError.single(
                "period_start",
                "a day on or before period_end",
                "a later day" if period_start is not None else "an extract sent after it",
            )
        start, end = reporting_month(first).start, reporting_month(last).end
        providers = sorted(
            {row.provider for row in extract.spells}
            | {row.provider for row in extract.ward_stays}
            | {row.provider for row in extract.readiness}
            | {row.provider for row in extract.restrictive}
        )
        window = _Window(first, last, start, end)
        return cls(
            first_month=first,
            last_month=last,
            period_start=start,
            period_end=end,
            providers=tuple(window.measures(extract, provider) for provider in providers),
            england=window.measures(extract, None),
        )


def national_measures(
    extract: Extract, *, period_end: dt.date, period_start: dt.date | None = None
) -> NationalMeasures:
    """The national measures of an extract, by provider and for England, over a window.

    The same as [`NationalMeasures.of`][pathway_model.mhsds.NationalMeasures.of], which
    says what each argument is.
    """
    return NationalMeasures.of(extract, period_end=period_end, period_start=period_start)


_R = TypeVar("_R", SpellRow, WardStayRow, ReadinessRow, RestrictiveRow, CodedScoreRow)


@attrs.frozen
class _Window:
    first: int
    last: int
    start: dt.date
    end: dt.date

    def measures(self, extract: Extract, provider: str | None) -> ProviderMeasures:
        """The measures of one provider's rows (``None``: every provider's)."""

        def own(rows: Iterable[_R]) -> list[_R]:
            return [row for row in rows if provider is None or row.provider == provider]

        spells = own(extract.spells)
        honos = score_honos_long([row.score for row in own(extract.coded_scores)])
        return ProviderMeasures(
            provider=ENGLAND if provider is None else provider,
            bed_days=bed_days(
                [_dates(w.start, w.end) for w in own(extract.ward_stays)], *self.months
            ),
            ready_days=ready_days([_period(r) for r in own(extract.readiness)], *self.months),
            restrictive_interventions=restrictive_interventions(
                [_intervention(r) for r in own(extract.restrictive)],
                [_dates(s.start, s.end) for s in spells],
                *self.months,
            ),
            length_of_stay=self.lengths(spells),
            honos=honos,
            honos_completeness=honos_completeness(honos.assessments, self.last),
        )

    @property
    def months(self) -> tuple[int, int]:
        return self.first, self.last

    def lengths(self, spells: Sequence[SpellRow]) -> LengthsOfStay:
        """Spells discharged in the window, and those open at its end (censored there)."""
        discharged, still_open = [], []
        for spell in spells:
            dates = _dates(spell.start, spell.end)
            if dates.start > self.end:
                continue
            if dates.end is not None and self.start <= dates.end <= self.end:
                discharged.append(length_of_stay(dates).days)
            elif dates.end is None or dates.end > self.end:
                still_open.append(length_of_stay(dates, period_end=self.end).days)
        return LengthsOfStay(
            discharged=len(discharged),
            discharged_median=statistics.median(discharged) if discharged else None,
            discharged_mean=statistics.fmean(discharged) if discharged else None,
            open_at_end=len(still_open),
            open_median=statistics.median(still_open) if still_open else None,
        )


def _dates(start: dt.datetime, end: dt.datetime | None) -> StayDates:
    return StayDates(start=start.date(), end=None if end is None else end.date())


def _code_or(value: str | None, fallback: str) -> str:
    """``value`` if it is a code, else ``fallback`` (an id only orders and groups rows)."""
    return value if value is not None and _seam.is_code(value) else fallback


def _period(row: ReadinessRow) -> ReadyPeriod:
    return ReadyPeriod(
        id=_code_or(row.record_id, f"row-{row.origin.row}"),
        # Ids are unique only within a provider: England's rows keep providers apart.
        spell_id=_code_or(f"{row.provider}:{row.spell_id}", f"spell-of-row-{row.origin.row}"),
        start=row.start,
        end=row.end,
        reason=row.delay_reason,
        attributable_to=row.attributable_to,
    )


def _intervention(row: RestrictiveRow) -> InterventionDates:
    return InterventionDates(
        incident_id=_code_or(
            f"{row.provider}:{row.incident_id}", f"incident-of-row-{row.origin.row}"
        ),
        type_id=_code_or(row.type_id, "incident"),
        start=row.start.date(),
        end=None if row.end is None else row.end.date(),
    )


def _rows_of(measures: ProviderMeasures) -> Iterable[MeasureRow]:
    provider = measures.provider

    def row(
        month: int | None,
        measure: str,
        value: float | None,
        convention: Convention,
        *,
        breakdown: str | None = None,
        code: str | None = None,
    ) -> MeasureRow:
        return MeasureRow(
            provider=provider,
            month_id=month,
            measure=measure,
            breakdown=breakdown,
            code=code,
            value=value,
            convention=convention.code,
        )

    beds, ready, restrictive = (
        measures.bed_days,
        measures.ready_days,
        measures.restrictive_interventions,
    )
    ready_convention = ready.conventions[0]
    for month in beds.months:
        yield row(month.month_id, "bed_days", month.days, beds.convention)
    yield row(None, "bed_days", beds.days, beds.convention)
    for ready_month in ready.months:
        yield row(ready_month.month_id, "ready_days", ready_month.days, ready_convention)
        for breakdown, pairs in (
            ("reason", ready_month.by_reason),
            ("attributable_to", ready_month.by_attributable_to),
        ):
            for code, days in pairs:
                yield row(
                    ready_month.month_id,
                    "ready_days",
                    days,
                    ready_convention,
                    breakdown=breakdown,
                    code=code,
                )
    yield row(None, "ready_days", ready.days, ready_convention)
    for breakdown, pairs in (
        ("reason", ready.by_reason),
        ("attributable_to", ready.by_attributable_to),
    ):
        for code, days in pairs:
            yield row(None, "ready_days", days, ready_convention, breakdown=breakdown, code=code)
    for r_month in restrictive.months:
        yield row(
            r_month.month_id, "restrictive_interventions", r_month.count, restrictive.convention
        )
        yield row(
            r_month.month_id,
            "restrictive_interventions_per_1000_bed_days",
            r_month.rate_per_1000_bed_days,
            restrictive.convention,
        )
    yield row(None, "restrictive_interventions", restrictive.count, restrictive.convention)
    yield row(
        None,
        "restrictive_interventions_per_1000_bed_days",
        restrictive.rate_per_1000_bed_days,
        restrictive.convention,
    )
    lengths = measures.length_of_stay
    for measure, value in (
        ("stays_discharged", lengths.discharged),
        ("length_of_stay_discharged_median", lengths.discharged_median),
        ("length_of_stay_discharged_mean", lengths.discharged_mean),
        ("stays_open_at_end", lengths.open_at_end),
        ("length_of_stay_open_median", lengths.open_median),
    ):
        censored = "open" in measure
        yield row(None, measure, value, LENGTH_OF_STAY_CENSORED if censored else LENGTH_OF_STAY)
    complete = measures.honos_completeness
    for measure, count in (
        ("honos_assessments", complete.assessments),
        ("honos_assessments_counted", complete.assessments_counted),
        ("honos_people", complete.people),
        ("honos_people_counted", complete.people_counted),
    ):
        yield row(None, measure, count, complete.convention)
