"""MHSDS national conventions and measures, reproduced exactly and named.

The worked example is the one on the MHSDS reference page (provider ``ZZ1``, person
``SYN0001``): every figure of it is a test here. Properties hold the conventions'
invariants: months round-trip, bed days of a stay add up to its length of stay, and
contiguous ready periods ``d0 -> ... -> dn`` give ``dn - d0 - 1`` days.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pathway_model as pm
from pathway_model import mhsds
from pathway_model.catalogue import HONOS, HONOS_SECURE
from pathway_model.mhsds import (
    CodedScore,
    InterventionDates,
    ReadyPeriod,
    StayDates,
)

D = dt.date
ROOT = Path(__file__).resolve().parents[1]

# --- The worked example ---------------------------------------------------------------

SPELL = StayDates(start=D(2024, 5, 10), end=D(2025, 3, 20))
WS1 = StayDates(start=D(2024, 5, 10), end=D(2024, 11, 4))
WS2 = StayDates(start=D(2024, 11, 4), end=D(2025, 3, 20))
#: MHS518 as month 1499 (February 2025) sent it.
FEBRUARY_ROWS = (
    ReadyPeriod(id="7001", spell_id="S1", start=D(2025, 2, 3), end=D(2025, 2, 28), reason="24"),
    ReadyPeriod(id="7002", spell_id="S1", start=D(2025, 2, 28), reason="32"),
)
#: MHS518 as month 1500 (March 2025) sent it.
MARCH_ROWS = (
    ReadyPeriod(id="7102", spell_id="S1", start=D(2025, 2, 28), end=D(2025, 3, 20), reason="32"),
)
#: The latest version of each period, keyed by (person, spell, start): #7102 replaces #7002.
KEPT_ROWS = (FEBRUARY_ROWS[0], MARCH_ROWS[0])
CARE_CONTACT = D(2025, 1, 15)
CLINICAL_SCORES = ("2", "0", "1", "0", "9", "03", "1", "0", "2", "2", "1", "2")
SECURITY_SCORES = ("3", "1", "2", "3", "2", "1", "3")


def _coded(
    scores: tuple[str | None, ...],
    *,
    scales: tuple[object, ...] = HONOS_SECURE.scales,
    assessment: str = "A1",
    day: dt.date = CARE_CONTACT,
    person: str = "SYN0001",
    spell: str | None = "S1",
) -> list[CodedScore]:
    return [
        CodedScore(
            person_id=person,
            assessment_id=assessment,
            date=day,
            code=scale.snomed_ct,  # type: ignore[attr-defined]
            score=score,
            spell_id=spell,
        )
        for scale, score in zip(scales, scores, strict=False)
    ]


WORKED_HONOS = _coded((*CLINICAL_SCORES, *SECURITY_SCORES))


class TestWorkedExample:
    def test_month_1496_is_november_2024(self) -> None:
        """(1496 + 2) // 12 = 124 gives 2024; (1496 + 2) % 12 + 1 = 11 gives November."""
        month = mhsds.reporting_month(1496)
        assert (2024, 11, D(2024, 11, 1), D(2024, 11, 30)) == (
            month.year,
            month.month,
            month.start,
            month.end,
        )

    def test_lengths_of_stay(self) -> None:
        """The spell is 314 days, WS1 178 and WS2 136, which sum to the spell's."""
        days = [mhsds.length_of_stay(stay).days for stay in (SPELL, WS1, WS2)]
        assert [314, 178, 136] == days
        assert days[0] == days[1] + days[2]

    def test_length_of_stay_censored_at_the_end_of_november(self) -> None:
        """The spell censored at 2024-11-30 is 204 days, by the censored convention."""
        stay = mhsds.length_of_stay(SPELL, period_end=D(2024, 11, 30))
        assert (204, True, mhsds.LENGTH_OF_STAY_CENSORED) == (
            stay.days,
            stay.censored,
            stay.convention,
        )

    def test_bed_days_in_november_2024(self) -> None:
        """WS1 gives 3 bed days in November and WS2 27: 30, the whole month."""
        per_stay = [mhsds.bed_days([stay], 1496).days for stay in (WS1, WS2)]
        assert [3, 27] == per_stay
        assert 30 == mhsds.bed_days([WS1, WS2], 1496).days

    def test_ready_days_per_month_from_each_months_own_rows(self) -> None:
        """February gives 24 + 1 = 25 and March 19, each from its own submission."""
        february = mhsds.ready_days(FEBRUARY_ROWS, 1499)
        march = mhsds.ready_days(MARCH_ROWS, 1500)
        assert (25, 19) == (february.days, march.days)
        assert (("24", 24), ("32", 1)) == february.by_reason

    def test_ready_days_from_the_kept_versions(self) -> None:
        """The kept rows give 44 = (03-20 - 02-03) - 1 over two months: 24 and 20 by reason."""
        result = mhsds.ready_days(KEPT_ROWS, 1499, 1500)
        assert 44 == result.days
        assert [25, 19] == [month.days for month in result.months]
        assert (("24", 24), ("32", 20)) == result.by_reason
        assert mhsds.READY_DAYS in result.conventions

    def test_a_plain_datediff_would_give_45(self) -> None:
        """Without the first-day rule the same rows would give 45: MHS26 gives one fewer."""
        plain = sum((row.end - row.start).days for row in KEPT_ROWS if row.end is not None)
        assert 45 == plain
        assert plain - 1 == mhsds.ready_days(KEPT_ROWS, 1499, 1500).days

    def test_honos(self) -> None:
        """11 valid scales: counts under AMH04, not full; clinical sum 14, security sum 15."""
        (assessment,) = mhsds.score_honos_long(WORKED_HONOS).assessments
        assert (11, True, False, 14, 15, "honos_secure") == (
            assessment.rated,
            assessment.counts_under_amh04,
            assessment.full,
            assessment.score.total,
            assessment.security_total,
            assessment.instrument,
        )


# --- Months ---------------------------------------------------------------------------

months = st.integers(min_value=1, max_value=12 * (9999 - 1900) + 9)


class TestMonths:
    @pytest.mark.parametrize(
        ("month", "year_month", "version"),
        [
            (1, (1900, 4), "v4.1"),
            (1458, (2021, 9), "v4.1"),
            (1459, (2021, 10), "v5"),
            (1488, (2024, 3), "v5"),
            (1489, (2024, 4), "v6"),
        ],
    )
    def test_known_months_and_versions(
        self, month: int, year_month: tuple[int, int], version: str
    ) -> None:
        """Month 1 is April 1900, 1459 (v5 begins) October 2021, 1489 (v6 begins) April 2024."""
        found = mhsds.reporting_month(month)
        assert (year_month, version) == ((found.year, found.month), found.version)
        assert version == mhsds.mhsds_version(month)

    @given(months)
    def test_round_trip(self, month: int) -> None:
        """A UniqMonthID's calendar month gives the same UniqMonthID back, from any day in it."""
        found = mhsds.reporting_month(month)
        assert month == mhsds.month_id(found.year, found.month)
        assert month == mhsds.month_id_of(found.start) == mhsds.month_id_of(found.end)

    @given(st.integers(min_value=1, max_value=12 * (9999 - 1900) + 8))
    def test_months_are_consecutive(self, month: int) -> None:
        """Each month starts the day after the previous one ends, on the 1st."""
        this, following = mhsds.reporting_month(month), mhsds.reporting_month(month + 1)
        assert this.end + dt.timedelta(days=1) == following.start
        assert 1 == following.start.day
        assert this.days == (this.end - this.start).days + 1

    @pytest.mark.parametrize("bad", [0, -5, 12 * (9999 - 1900) + 10])
    def test_a_month_out_of_range_is_refused(self, bad: int) -> None:
        """A UniqMonthID before April 1900 or after December 9999 is a ValidationError."""
        with pytest.raises(pm.ValidationError, match="month_id"):
            mhsds.reporting_month(bad)

    @pytest.mark.parametrize("bad", [True, 1496.0, "1496"])
    def test_a_month_that_is_not_an_int_is_refused(self, bad: object) -> None:
        """A bool, float or text is not a UniqMonthID."""
        with pytest.raises(pm.WrongTypeError):
            mhsds.reporting_month(bad)  # type: ignore[arg-type]

    def test_a_datetime_is_not_a_day(self) -> None:
        """A datetime must be made a UK calendar date first."""
        with pytest.raises(pm.WrongTypeError, match="uk_date"):
            mhsds.month_id_of(dt.datetime(2024, 11, 1, tzinfo=dt.UTC))

    def test_month_13_is_refused(self) -> None:
        """A calendar month is 1-12."""
        with pytest.raises(pm.ValidationError, match="month"):
            mhsds.month_id(2024, 13)

    def test_a_month_names_its_convention(self) -> None:
        """A reporting month carries the UniqMonthID and version conventions."""
        assert (mhsds.UNIQ_MONTH_ID, mhsds.MHSDS_VERSIONS) == mhsds.reporting_month(
            1496
        ).conventions


# --- Length of stay and bed days ------------------------------------------------------

days = st.dates(min_value=D(2000, 1, 1), max_value=D(2040, 12, 31))


@st.composite
def stays(draw: st.DrawFn) -> StayDates:
    start = draw(days)
    length = draw(st.integers(min_value=0, max_value=2_000))
    return StayDates(start=start, end=start + dt.timedelta(days=length))


class TestLengthOfStay:
    def test_same_day_is_zero(self) -> None:
        """A stay that starts and ends on one day has length 0."""
        stay = StayDates(start=D(2024, 1, 1), end=D(2024, 1, 1))
        assert 0 == mhsds.length_of_stay(stay).days

    def test_a_stay_ended_before_the_period_end_is_not_censored(self) -> None:
        """A discharged stay keeps DATEDIFF(end, start) and the plain convention."""
        stay = mhsds.length_of_stay(WS1, period_end=D(2024, 11, 30))
        assert (178, False, mhsds.LENGTH_OF_STAY) == (stay.days, stay.censored, stay.convention)

    def test_an_open_stay_needs_a_period_end(self) -> None:
        """An open stay without a period end to censor at is refused."""
        with pytest.raises(pm.ValidationError, match="period_end"):
            mhsds.length_of_stay(StayDates(start=D(2024, 1, 1)))

    def test_an_open_stay_is_censored(self) -> None:
        """An open stay runs to the period end."""
        stay = mhsds.length_of_stay(StayDates(start=D(2024, 1, 1)), period_end=D(2024, 1, 31))
        assert (30, True) == (stay.days, stay.censored)

    def test_a_stay_starting_after_the_period_end_is_refused(self) -> None:
        """A period end before the stay's start is a mistake, not a negative length."""
        with pytest.raises(pm.ValidationError, match="period_end"):
            mhsds.length_of_stay(WS2, period_end=D(2024, 11, 1))

    def test_an_end_before_the_start_is_refused(self) -> None:
        """A stay cannot end before it starts."""
        with pytest.raises(pm.ValidationError, match=r"StayDates\.end"):
            StayDates(start=D(2024, 2, 1), end=D(2024, 1, 1))


class TestBedDays:
    @given(stays())
    def test_bed_days_over_the_months_of_a_stay_are_its_length(self, stay: StayDates) -> None:
        """Summed over the months it spans, a stay's bed days equal its length of stay."""
        assert stay.end is not None
        result = mhsds.bed_days([stay], mhsds.month_id_of(stay.start), mhsds.month_id_of(stay.end))
        assert mhsds.length_of_stay(stay).days == result.days
        assert result.days == sum(month.days for month in result.months)

    @given(stays(), st.integers(min_value=1, max_value=1_900))
    def test_a_month_never_has_more_bed_days_than_days(self, stay: StayDates, month: int) -> None:
        """One stay has between 0 and the month's days in any month."""
        found = mhsds.bed_days([stay], month).days
        assert 0 <= found <= mhsds.reporting_month(month).days

    def test_an_open_stay_fills_the_rest_of_the_month(self) -> None:
        """An open stay counts to the month's end, the last night included."""
        assert 27 == mhsds.bed_days([StayDates(start=D(2024, 11, 4))], 1496).days

    def test_the_window_keeps_each_month(self) -> None:
        """The window's figure is the monthly figures' sum, each month kept."""
        result = mhsds.bed_days([WS1, WS2], 1496, 1497)
        assert [(1496, 30), (1497, 31)] == [(m.month_id, m.days) for m in result.months]
        assert (61, mhsds.BED_DAYS) == (result.days, result.convention)

    def test_a_window_that_ends_before_it_starts_is_refused(self) -> None:
        """The last month cannot be before the first."""
        with pytest.raises(pm.ValidationError, match="last_month"):
            mhsds.bed_days([WS1], 1496, 1495)

    def test_stays_must_be_stay_dates(self) -> None:
        """Rows of the wrong type are refused, naming their position."""
        with pytest.raises(pm.WrongTypeError, match=r"stays\[1\]"):
            mhsds.bed_days([WS1, (D(2024, 1, 1), None)], 1496)  # type: ignore[list-item]


# --- Ready-for-discharge days (MHS26) -------------------------------------------------


def _period(
    start: dt.date,
    end: dt.date | None,
    *,
    id: str = "1",
    reason: str | None = "24",
    attributable_to: str | None = "04",
    spell: str = "S1",
) -> ReadyPeriod:
    return ReadyPeriod(
        id=id,
        spell_id=spell,
        start=start,
        end=end,
        reason=reason,
        attributable_to=attributable_to,
    )


@st.composite
def contiguous(draw: st.DrawFn) -> list[ReadyPeriod]:
    """Closed periods d0 -> d1 -> ... -> dn, each at least a day long."""
    day = draw(days)
    lengths = draw(st.lists(st.integers(min_value=1, max_value=120), min_size=1, max_size=6))
    periods = []
    for number, length in enumerate(lengths):
        periods.append(_period(day, day + dt.timedelta(days=length), id=f"{number:03d}"))
        day += dt.timedelta(days=length)
    return periods


def _span(periods: list[ReadyPeriod]) -> tuple[int, int]:
    last = max(p.end or p.start for p in periods)
    return mhsds.month_id_of(min(p.start for p in periods)), mhsds.month_id_of(last)


class TestReadyDays:
    @given(contiguous())
    def test_contiguous_periods_give_their_span_less_one_day(
        self, periods: list[ReadyPeriod]
    ) -> None:
        """Contiguous periods d0 -> d1 -> ... -> dn give dn - d0 - 1 days over their months."""
        first, last = _span(periods)
        result = mhsds.ready_days(periods, first, last)
        end = periods[-1].end
        assert end is not None
        assert (end - periods[0].start).days - 1 == result.days

    @given(contiguous())
    def test_every_row_is_accounted_for_each_month(self, periods: list[ReadyPeriod]) -> None:
        """Used, same-day, covered and outside-the-month rows add up to the rows given."""
        first, last = _span(periods)
        for month in mhsds.ready_days(periods, first, last).months:
            assert len(periods) == (
                month.rows_used
                + month.rows_same_day
                + month.rows_inside_another
                + month.rows_outside_month
            )

    @given(contiguous())
    def test_the_order_of_rows_does_not_matter(self, periods: list[ReadyPeriod]) -> None:
        """Rows are ranked by start then id, whatever order they are given in."""
        first, last = _span(periods)
        assert mhsds.ready_days(periods, first, last) == mhsds.ready_days(
            list(reversed(periods)), first, last
        )

    def test_a_closed_period_gives_its_length_less_one(self) -> None:
        """A closed period from d to e gives e - d - 1 days: the first day is not counted."""
        period = _period(D(2025, 2, 3), D(2025, 2, 28))
        assert 24 == mhsds.ready_days([period], 1499).days

    def test_an_open_period_runs_to_the_months_end(self) -> None:
        """end' = rp_end + 1 for a period still open."""
        assert 27 == mhsds.ready_days([_period(D(2024, 11, 3), None)], 1496).days

    def test_a_period_begun_in_an_earlier_month_counts_from_the_first(self) -> None:
        """start' = rp_start for a period that began before the month."""
        assert 30 == mhsds.ready_days([_period(D(2024, 10, 3), None)], 1496).days

    def test_a_same_day_row_is_dropped_and_counted(self) -> None:
        """A row starting and ending on one day gives nothing and is counted as such."""
        result = mhsds.ready_days([_period(D(2024, 11, 3), D(2024, 11, 3))], 1496)
        (month,) = result.months
        assert (0, 1, 0) == (month.days, month.rows_same_day, month.rows_used)

    def test_a_gap_of_more_than_a_day_starts_a_new_first_day(self) -> None:
        """A row starting more than a day after the previous ends loses its first day again."""
        rows = [
            _period(D(2024, 11, 1), D(2024, 11, 5), id="1"),
            _period(D(2024, 11, 10), D(2024, 11, 20), id="2"),
        ]
        assert 3 + 9 == mhsds.ready_days(rows, 1496).days

    def test_a_re_sent_closed_period_gives_no_negative_days(self) -> None:
        """A period that ended before the month is outside it, not negative (the guard)."""
        rows = [_period(D(2025, 2, 3), D(2025, 2, 20))]
        (month,) = mhsds.ready_days(rows, 1500).months
        assert (0, 1) == (month.days, month.rows_outside_month)

    def test_overlapping_rows_are_merged(self) -> None:
        """Overlapping rows of a spell count their union once; a covered row is dropped."""
        rows = [
            _period(D(2024, 11, 1), D(2024, 11, 20), id="1", reason="24"),
            _period(D(2024, 11, 10), D(2024, 11, 25), id="2", reason="32"),
            _period(D(2024, 11, 12), D(2024, 11, 14), id="3", reason="11"),
        ]
        (month,) = mhsds.ready_days(rows, 1496).months
        assert 23 == month.days  # 11-02 to 11-24
        assert (("24", 18), ("32", 5)) == month.by_reason
        assert (2, 1, 1) == (month.rows_used, month.rows_trimmed, month.rows_inside_another)

    def test_spells_are_ranked_apart(self) -> None:
        """Each spell's first row loses its first day, whatever the other spells hold."""
        rows = [
            _period(D(2024, 11, 1), D(2024, 11, 11), id="1", spell="S1"),
            _period(D(2024, 11, 11), D(2024, 11, 21), id="2", spell="S2"),
        ]
        assert 9 + 9 == mhsds.ready_days(rows, 1496).days

    def test_a_reason_outside_its_window_is_unknown_never_dropped(self) -> None:
        """A v5 reason in a v6 month, and a missing reason, are reported as UNKNOWN."""
        rows = [
            _period(D(2025, 2, 3), D(2025, 2, 10), id="1", reason="M1"),
            _period(D(2025, 2, 12), D(2025, 2, 20), id="2", reason=None),
            _period(D(2025, 2, 22), D(2025, 2, 25), id="3", reason="24"),
        ]
        result = mhsds.ready_days(rows, 1499)
        assert (("24", 2), (mhsds.UNKNOWN, 13)) == result.by_reason
        assert 15 == result.days

    def test_a_v5_reason_in_a_v5_month_is_kept(self) -> None:
        """MHS504's M1 is valid up to 1488."""
        rows = [_period(D(2023, 2, 3), D(2023, 2, 10), reason="M1")]
        assert (("M1", 6),) == mhsds.ready_days(rows, mhsds.month_id(2023, 2)).by_reason

    def test_by_attributable_to(self) -> None:
        """Days go to who the delay is attributable to; housing (07) is unknown from v6."""
        rows = [
            _period(D(2025, 2, 3), D(2025, 2, 10), id="1", attributable_to="05"),
            _period(D(2025, 2, 12), D(2025, 2, 20), id="2", attributable_to="07"),
        ]
        assert (("05", 6), (mhsds.UNKNOWN, 7)) == mhsds.ready_days(rows, 1499).by_attributable_to

    def test_the_code_windows_can_be_replaced(self) -> None:
        """A caller's own validity windows decide what is UNKNOWN."""
        rows = [_period(D(2025, 2, 3), D(2025, 2, 10), reason="ZZ")]
        result = mhsds.ready_days(rows, 1499, reason_in_window=lambda code, month: True)
        assert (("ZZ", 6),) == result.by_reason

    def test_a_window_check_must_be_callable(self) -> None:
        """A window check that is not callable is refused."""
        with pytest.raises(pm.WrongTypeError, match="reason_in_window"):
            mhsds.ready_days([], 1499, reason_in_window="24")  # type: ignore[arg-type]


# --- Restrictive interventions --------------------------------------------------------


def _intervention(
    start: dt.date, end: dt.date | None, *, incident: str = "I1", kind: str = "T1"
) -> InterventionDates:
    return InterventionDates(incident_id=incident, type_id=kind, start=start, end=end)


class TestRestrictiveInterventions:
    def test_distinct_incident_and_type_pairs_are_counted(self) -> None:
        """Repeated rows of one (incident, type) count once; another type counts again."""
        rows = [
            _intervention(D(2024, 11, 5), D(2024, 11, 5)),
            _intervention(D(2024, 11, 5), D(2024, 11, 5)),
            _intervention(D(2024, 11, 5), D(2024, 11, 6), kind="T2"),
        ]
        assert 2 == mhsds.restrictive_interventions(rows, [WS2], 1496).count

    def test_which_month_an_intervention_counts_in(self) -> None:
        """It counts where it starts or ends, or from its start when it has no end."""
        rows = [
            _intervention(D(2024, 10, 30), D(2024, 11, 2), incident="ends-in-november"),
            _intervention(D(2024, 9, 1), D(2024, 12, 2), incident="spans-november"),
            _intervention(D(2024, 10, 1), None, incident="open"),
            _intervention(D(2024, 12, 1), None, incident="open-later"),
        ]
        result = mhsds.restrictive_interventions(rows, [], 1495, 1497)
        assert [2, 2, 3] == [month.count for month in result.months]

    def test_rate_per_1000_bed_days(self) -> None:
        """The rate divides by the spells' bed days in the month and multiplies by 1,000."""
        rows = [_intervention(D(2024, 11, 5), D(2024, 11, 5), incident=f"I{n}") for n in range(3)]
        result = mhsds.restrictive_interventions(rows, [SPELL], 1496)
        assert (3, 30, 100.0) == (result.count, result.bed_days, result.rate_per_1000_bed_days)
        assert mhsds.RESTRICTIVE_INTERVENTIONS == result.convention

    def test_no_bed_days_gives_no_rate(self) -> None:
        """With no bed days the rate is None, never a division by zero."""
        result = mhsds.restrictive_interventions([_intervention(D(2024, 11, 5), None)], [], 1496)
        assert (1, None) == (result.count, result.rate_per_1000_bed_days)


# --- HoNOS ----------------------------------------------------------------------------


class TestPersScore:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("0", 0),
            ("4", 4),
            ("00", 0),
            ("03", 3),
            ("04", 4),
            ("5", None),
            ("05", None),
            ("9", None),
            ("9.0", None),
            ("3.0", None),
            ("2.5", None),
            ("Missi", None),
            ("", None),
            (" 3", None),
            (None, None),
        ],
    )
    def test_validity(self, text: str | None, expected: int | None) -> None:
        """'0'-'4' and '00'-'04' are ratings; '9', '9.0', 'Missi', '', non-integers are not."""
        assert expected == mhsds.pers_score(text)

    def test_a_number_is_not_a_pers_score(self) -> None:
        """PersScore is text: a number is refused, not guessed at."""
        with pytest.raises(pm.WrongTypeError):
            mhsds.pers_score(3)  # type: ignore[arg-type]


class TestHonosLong:
    def test_the_codes_come_from_the_catalogue(self) -> None:
        """Scales are told apart by the catalogue's SNOMED CT codes, not a copy of them."""
        rows = _coded(CLINICAL_SCORES, scales=HONOS.scales)
        (assessment,) = mhsds.score_honos_long(rows).assessments
        assert ("honos", 14, None) == (
            assessment.instrument,
            assessment.score.total,
            assessment.security_total,
        )

    def test_resubmitted_duplicates_count_once(self) -> None:
        """The same scale and score sent again is a duplicate: dropped and counted."""
        result = mhsds.score_honos_long([*WORKED_HONOS, *WORKED_HONOS[:5]])
        (assessment,) = result.assessments
        assert (5, 14, 15) == (result.duplicates, assessment.score.total, assessment.security_total)

    def test_two_different_scores_for_one_scale_leave_it_not_known(self) -> None:
        """A scale given two valid ratings in one assessment is not known, and counted."""
        changed = CodedScore(**{**_fields(WORKED_HONOS[0]), "score": "4"})
        result = mhsds.score_honos_long([*WORKED_HONOS, changed])
        (assessment,) = result.assessments
        assert (1, None, 10, 12) == (
            result.conflicting_scales,
            assessment.ratings[0],
            assessment.rated,
            assessment.score.total,
        )

    def test_every_row_is_accounted_for(self) -> None:
        """Rows used, duplicates and other tools' rows add up to the rows given."""
        other = CodedScore(
            person_id="SYN0001", assessment_id="A1", date=CARE_CONTACT, code="123456", score="1"
        )
        result = mhsds.score_honos_long([*WORKED_HONOS, WORKED_HONOS[0], other])
        assert (21, 19, 1, 1, 1) == (
            result.rows,
            result.rows_used,
            result.duplicates,
            result.other_codes,
            result.not_known,
        )
        assert result.rows == result.rows_used + result.duplicates + result.other_codes

    def test_security_scales_never_count_towards_amh04(self) -> None:
        """Eight clinical scales and all seven security scales do not make an AMH04 assessment."""
        rows = _coded((*["1"] * 8, *["9"] * 4, *SECURITY_SCORES))
        (assessment,) = mhsds.score_honos_long(rows).assessments
        assert (8, 7, False) == (
            assessment.rated,
            assessment.security_rated,
            assessment.counts_under_amh04,
        )

    def test_twelve_valid_scales_are_full(self) -> None:
        """All 12 working-age scales valid on one date is a full HoNOS."""
        rows = _coded(("2",) * 12, scales=HONOS.scales)
        (assessment,) = mhsds.score_honos_long(rows).assessments
        assert (True, True, 24) == (
            assessment.full,
            assessment.counts_under_amh04,
            assessment.score.total,
        )

    def test_part_of_the_security_scales_gives_no_security_total(self) -> None:
        """Security scales have no 'not known': a part-sum is not given."""
        rows = _coded((*CLINICAL_SCORES, *SECURITY_SCORES[:6], "9"))
        (assessment,) = mhsds.score_honos_long(rows).assessments
        assert (6, None) == (assessment.security_rated, assessment.security_total)

    def test_the_result_names_its_conventions(self) -> None:
        """The result carries the validity, duplicate and completeness conventions."""
        result = mhsds.score_honos_long(WORKED_HONOS)
        assert {mhsds.PERS_SCORE_VALIDITY, mhsds.HONOS_DUPLICATES, mhsds.HONOS_AMH04} <= set(
            result.conventions
        )


def _fields(row: CodedScore) -> dict[str, object]:
    return {
        "person_id": row.person_id,
        "assessment_id": row.assessment_id,
        "date": row.date,
        "code": row.code,
        "score": row.score,
        "spell_id": row.spell_id,
    }


class TestHonosCompleteness:
    def test_the_twelve_months_end_at_the_period_end(self) -> None:
        """An assessment counts in the 12 months ending with the period, not after or before."""
        (assessment,) = mhsds.score_honos_long(WORKED_HONOS).assessments
        inside = [mhsds.honos_completeness([assessment], month) for month in (1498, 1509)]
        outside = [mhsds.honos_completeness([assessment], month) for month in (1497, 1510)]
        assert [1, 1] == [found.assessments_counted for found in inside]
        assert [0, 0] == [found.assessments for found in outside]

    def test_assessments_and_people_are_both_reported(self) -> None:
        """Two counted assessments of one person are two assessments and one person."""
        rows = [*WORKED_HONOS, *_coded(CLINICAL_SCORES, assessment="A2", day=D(2025, 2, 1))]
        rows += _coded(("9",) * 12, person="SYN0002")
        result = mhsds.honos_completeness(mhsds.score_honos_long(rows).assessments, 1500)
        assert (3, 2, 2, 1) == (
            result.assessments,
            result.assessments_counted,
            result.people,
            result.people_counted,
        )
        assert (1489, 1500, mhsds.HONOS_AMH04) == (
            result.first_month,
            result.last_month,
            result.convention,
        )


class TestHonosChangeByStay:
    def test_first_versus_latest(self) -> None:
        """Each stay's first assessment is compared with its latest, the middle one skipped."""
        rows = [
            *_coded(("3",) * 12 + ("4",) * 7, assessment="A1", day=D(2024, 6, 1)),
            *_coded(("2",) * 12 + ("3",) * 7, assessment="A2", day=D(2024, 9, 1)),
            *_coded(("1",) * 12 + ("1",) * 7, assessment="A3", day=D(2025, 1, 1)),
            *_coded(("1",) * 12, assessment="B1", spell="S2"),
        ]
        (change,) = mhsds.honos_change_by_stay(mhsds.score_honos_long(rows).assessments)
        assert ("A1", "A3", -24, "improved", 12, -21) == (
            change.first.assessment_id,
            change.latest.assessment_id,
            change.change.total_change,
            change.change.reliable,
            change.change.items_improved,
            change.security_change,
        )


class TestHonosFrame:
    def _frame(self, rows: list[CodedScore]) -> object:
        pd = pytest.importorskip("pandas")
        return pd.DataFrame([_fields(row) for row in rows])

    def _from_records(self, rows: list[CodedScore]) -> list[tuple[object, ...]]:
        return [
            (
                a.person_id,
                a.spell_id,
                a.assessment_id,
                a.date,
                a.instrument,
                a.score.total,
                a.score.behaviour,
                a.score.social,
                a.rated,
                a.full,
                a.counts_under_amh04,
                a.security_rated,
                a.security_total,
            )
            for a in mhsds.score_honos_long(rows).assessments
        ]

    def _from_frame(self, rows: list[CodedScore]) -> list[tuple[object, ...]]:
        out = mhsds.score_honos_long_frame(self._frame(rows))
        columns = [
            "person_id",
            "spell_id",
            "assessment_id",
            "date",
            "instrument",
            "total",
            "behaviour",
            "social",
            "rated",
            "full",
            "counts_under_amh04",
            "security_rated",
            "security_total",
        ]
        return [
            tuple(None if _is_na(value) else _plain(value) for value in row)
            for row in out[columns].itertuples(index=False)
        ]

    def test_the_worked_example(self) -> None:
        """The frame form gives the worked example's figures, as the record form does."""
        assert self._from_records(WORKED_HONOS) == self._from_frame(WORKED_HONOS)

    @given(
        st.lists(
            st.tuples(
                st.sampled_from(["P1", "P2"]),
                st.sampled_from(["A1", "A2"]),
                st.sampled_from([*(s.snomed_ct for s in HONOS_SECURE.scales), "123456"]),
                st.sampled_from(["0", "1", "03", "4", "9", "Missi", "", None]),
            ),
            min_size=1,
            max_size=60,
        )
    )
    def test_agrees_with_the_record_form(
        self, drawn: list[tuple[str, str, str, str | None]]
    ) -> None:
        """Grouping, duplicates, conflicts, validity and scores agree row for row."""
        rows = [
            CodedScore(
                person_id=person,
                assessment_id=assessment,
                date=CARE_CONTACT,
                code=str(code),
                score=score,
                spell_id="S1",
            )
            for person, assessment, code, score in drawn
        ]
        if all(row.code == "123456" for row in rows):
            return
        assert self._from_records(rows) == self._from_frame(rows)

    def test_a_missing_column_is_refused(self) -> None:
        """A frame without a required column is refused, naming it."""
        pd = pytest.importorskip("pandas")
        with pytest.raises(pm.ValidationError, match="no column score"):
            mhsds.score_honos_long_frame(
                pd.DataFrame({"person_id": ["P1"]}).assign(
                    assessment_id="A1", date=CARE_CONTACT, code="979641000000103"
                )
            )

    def test_numeric_scores_are_refused(self) -> None:
        """PersScore read as numbers has lost '03' from '3': read the files as text."""
        pd = pytest.importorskip("pandas")
        frame = pd.DataFrame(
            {
                "person_id": ["P1"],
                "assessment_id": ["A1"],
                "date": [CARE_CONTACT],
                "code": ["979641000000103"],
                "score": [3],
            }
        )
        with pytest.raises(pm.WrongTypeError, match="dtype=str"):
            mhsds.score_honos_long_frame(frame)


def _is_na(value: object) -> bool:
    return value is None or type(value).__name__ == "NAType" or value != value  # noqa: PLR0124


def _plain(value: object) -> object:
    item = getattr(value, "item", None)
    return item() if callable(item) else value


# --- Conventions ----------------------------------------------------------------------


class TestConventions:
    def test_codes_are_unique(self) -> None:
        """Each convention has its own code."""
        codes = [convention.code for convention in mhsds.CONVENTIONS]
        assert sorted(set(codes)) == sorted(codes)

    def test_every_convention_is_in_the_reference_table(self) -> None:
        """The reference page lists every convention by its code, with its source."""
        page = (ROOT / "docs" / "reference" / "mhsds.md").read_text(encoding="utf-8")
        listed = set(re.findall(r"^\| `(mhsds-[a-z0-9-]+)` \|", page, re.MULTILINE))
        assert {convention.code for convention in mhsds.CONVENTIONS} == listed

    def test_a_convention_reads_as_its_rule(self) -> None:
        """A convention's text is its name and its rule."""
        assert "MHSDS length of stay: DATEDIFF(end, start), same day = 0" == str(
            mhsds.LENGTH_OF_STAY
        )
