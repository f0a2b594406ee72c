"""Calendar periods and the conversion of zoned datetimes to UK dates."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import attrs
import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from pathway_model import Period, ValidationError, WrongTypeError, uk_date
from pathway_model.model._seam import shift_date
from pathway_model.synthetic._generator import _shift as synthetic_shift

parts = st.integers(min_value=0, max_value=60)


class TestParse:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("P3M", Period(months=3)),
            ("P12W", Period(weeks=12)),
            ("P1Y6M", Period(years=1, months=6)),
            ("P0D", Period()),
            ("P1Y2M3W4D", Period(years=1, months=2, weeks=3, days=4)),
            ("P10Y", Period(years=10)),
            ("P2W3D", Period(weeks=2, days=3)),
        ],
    )
    def test_reads_whole_part_durations(self, text: str, expected: Period) -> None:
        """An ISO 8601 duration of years, months, weeks and days is read part by part."""
        assert expected == Period.parse(text)

    @pytest.mark.parametrize("text", ["P3M", "P12W", "P1Y6M", "P0D", "P1Y2M3W4D", "P7D", "P5Y"])
    def test_isoformat_gives_back_the_text(self, text: str) -> None:
        """A canonical duration round-trips through parse and isoformat."""
        assert text == Period.parse(text).isoformat()

    @pytest.mark.parametrize(
        ("text", "canonical"), [("P0Y3M", "P3M"), ("P0Y0M0W0D", "P0D"), ("P0M", "P0D")]
    )
    def test_isoformat_leaves_out_zero_parts(self, text: str, canonical: str) -> None:
        """Zero parts are dropped; an empty period is written ``P0D``."""
        assert canonical == Period.parse(text).isoformat()

    @pytest.mark.parametrize(
        "text",
        ["P", "PT1H", "P1DT1H", "3M", "P1.5M", "P1,5M", "", "P-1D", "P1M1Y", "p3m", " P3M", "P3M "],
    )
    def test_refuses_other_text(self, text: str) -> None:
        """Anything but whole years, months, weeks and days in order is refused."""
        with pytest.raises(ValidationError, match="ISO 8601 duration"):
            Period.parse(text)

    def test_refusal_is_not_a_wrong_type(self) -> None:
        """A malformed string is a bad value, not a wrong type."""
        with pytest.raises(ValidationError) as excinfo:
            Period.parse("P1.5M")

        assert not isinstance(excinfo.value, WrongTypeError)

    @pytest.mark.parametrize("value", [3, None, b"P3M", Period(months=3)])
    def test_refuses_non_strings(self, value: object) -> None:
        """Only a str is parsed."""
        with pytest.raises(WrongTypeError, match="ISO 8601 duration"):
            Period.parse(value)  # type: ignore[arg-type]

    @given(years=parts, months=parts, weeks=parts, days=parts)
    def test_parse_undoes_isoformat(self, years: int, months: int, weeks: int, days: int) -> None:
        """Every period round-trips through its ISO 8601 form."""
        period = Period(years=years, months=months, weeks=weeks, days=days)

        assert period == Period.parse(period.isoformat())


class TestConstruction:
    def test_defaults_to_zero(self) -> None:
        """A period with no parts is zero."""
        expected = (0, 0, 0, 0)
        assert expected == attrs.astuple(Period())

    @pytest.mark.parametrize("field", ["years", "months", "weeks", "days"])
    def test_refuses_negative_parts(self, field: str) -> None:
        """A part below zero is refused as a bad value."""
        with pytest.raises(ValidationError, match=f"Period.{field}: expected an integer >= 0"):
            Period(**{field: -1})

    @pytest.mark.parametrize("field", ["years", "months", "weeks", "days"])
    @pytest.mark.parametrize("value", [True, False, 1.0, 1.5, "1", None])
    def test_refuses_parts_that_are_not_ints(self, field: str, value: object) -> None:
        """Parts are ints; bools, floats and strings are refused as wrong types."""
        with pytest.raises(WrongTypeError, match=f"Period.{field}: expected an integer"):
            Period(**{field: value})

    @pytest.mark.parametrize(
        "make",
        [
            lambda: Period(years=201),
            lambda: Period(months=12 * 250),
            lambda: Period(weeks=53 * 300),
            lambda: Period(days=1_000_000),
            lambda: Period(years=150, months=12 * 60),
            lambda: Period.parse("P999999999Y"),
            lambda: Period(days=10**400),
            lambda: Period.parse("P" + "9" * 400 + "D"),
        ],
        ids=[
            "years",
            "months",
            "weeks",
            "days",
            "sum-of-parts",
            "parsed",
            "beyond-float-range",
            "parsed-beyond-float-range",
        ],
    )
    def test_refuses_periods_of_centuries(self, make: object) -> None:
        """A period longer than 200 years is a mistake and is refused with a ValidationError."""
        with pytest.raises(ValidationError, match="at most 200 years"):
            make()  # type: ignore[operator]

    def test_allows_two_hundred_years(self) -> None:
        """200 years is the longest period accepted."""
        expected = 200
        assert expected == Period(years=200).years

    def test_is_frozen(self) -> None:
        """A period cannot be changed after it is made."""
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            Period(days=1).days = 2  # type: ignore[misc]

    def test_equal_periods_hash_alike(self) -> None:
        """Periods are values that can be used as dict keys."""
        assert {Period(months=3): "quarter"}[Period.parse("P3M")] == "quarter"

    def test_a_month_is_not_thirty_days(self) -> None:
        """Periods are equal only when their parts are."""
        assert Period(months=1) != Period(days=30)

    def test_str_is_the_iso_form(self) -> None:
        """``str`` gives the ISO 8601 form."""
        expected = "P1Y2M3W4D"
        assert expected == str(Period(years=1, months=2, weeks=3, days=4))


class TestIsZero:
    def test_empty_period_is_zero(self) -> None:
        """A period of no parts is zero."""
        assert Period().is_zero

    @pytest.mark.parametrize("field", ["years", "months", "weeks", "days"])
    def test_any_part_makes_it_non_zero(self, field: str) -> None:
        """One part of one unit is enough."""
        assert not Period(**{field: 1}).is_zero


class TestAddTo:
    @pytest.mark.parametrize(
        ("start", "period", "expected"),
        [
            (dt.date(2024, 1, 31), "P1M", dt.date(2024, 2, 29)),
            (dt.date(2023, 1, 31), "P1M", dt.date(2023, 2, 28)),
            (dt.date(2024, 2, 29), "P1Y", dt.date(2025, 2, 28)),
            (dt.date(2024, 2, 29), "P4Y", dt.date(2028, 2, 29)),
            (dt.date(2024, 3, 31), "P1M", dt.date(2024, 4, 30)),
            (dt.date(2024, 1, 8), "P12W", dt.date(2024, 4, 1)),
            (dt.date(2024, 12, 31), "P1D", dt.date(2025, 1, 1)),
            (dt.date(2024, 1, 15), "P1Y6M", dt.date(2025, 7, 15)),
            (dt.date(2024, 1, 1), "P0D", dt.date(2024, 1, 1)),
        ],
    )
    def test_uses_calendar_arithmetic(self, start: dt.date, period: str, expected: dt.date) -> None:
        """Months and years clip to the month's end; weeks and days count days."""
        assert expected == Period.parse(period).add_to(start)

    def test_adds_months_before_days(self) -> None:
        """31 January + 1 month 1 day is 1 March: the month clips first, then the day is added."""
        assert dt.date(2024, 3, 1) == Period(months=1, days=1).add_to(dt.date(2024, 1, 31))

    @pytest.mark.parametrize(
        ("start", "period"),
        [
            (dt.date(9999, 12, 31), Period(days=1)),
            (dt.date(9999, 12, 31), Period(months=1)),
            (dt.date(9999, 1, 1), Period(years=1)),
            (dt.date(9990, 1, 1), Period(years=200)),
        ],
    )
    def test_refuses_results_after_9999(self, start: dt.date, period: Period) -> None:
        """A result past the last date Python knows is a ValidationError, not an OverflowError."""
        with pytest.raises(ValidationError, match="no later than 9999-12-31"):
            period.add_to(start)


class TestSubtractFrom:
    @pytest.mark.parametrize(
        ("start", "period", "expected"),
        [
            (dt.date(2024, 3, 31), "P1M", dt.date(2024, 2, 29)),
            (dt.date(2023, 3, 31), "P1M", dt.date(2023, 2, 28)),
            (dt.date(2024, 2, 29), "P1Y", dt.date(2023, 2, 28)),
            (dt.date(2024, 4, 1), "P12W", dt.date(2024, 1, 8)),
            (dt.date(2025, 1, 1), "P1D", dt.date(2024, 12, 31)),
            (dt.date(2024, 1, 1), "P0D", dt.date(2024, 1, 1)),
        ],
    )
    def test_uses_calendar_arithmetic(self, start: dt.date, period: str, expected: dt.date) -> None:
        """Moving back clips to the month's end just as moving forward does."""
        assert expected == Period.parse(period).subtract_from(start)

    @pytest.mark.parametrize(
        ("start", "period"),
        [(dt.date(1, 1, 1), Period(days=1)), (dt.date(1, 6, 1), Period(years=1))],
    )
    def test_refuses_results_before_year_one(self, start: dt.date, period: Period) -> None:
        """A result before 1 January 0001 is a ValidationError, not an OverflowError."""
        with pytest.raises(ValidationError, match="no earlier than 0001-01-01"):
            period.subtract_from(start)

    @given(
        day=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)),
        weeks=parts,
        days=parts,
    )
    def test_undoes_add_to_for_weeks_and_days(self, day: dt.date, weeks: int, days: int) -> None:
        """Periods of whole days are exact: subtracting undoes adding."""
        period = Period(weeks=weeks, days=days)

        assert day == period.subtract_from(period.add_to(day))


class TestApproximateDays:
    @pytest.mark.parametrize(
        ("period", "expected"),
        [(Period(), 0.0), (Period(weeks=2, days=1), 15.0), (Period(years=4), 4 * 365.2425)],
    )
    def test_gives_mean_length_in_days(self, period: Period, expected: float) -> None:
        """Years count 365.2425 days, weeks 7 and days 1."""
        assert expected == pytest.approx(period.approximate_days())

    def test_twelve_months_are_a_year(self) -> None:
        """A month is a twelfth of a mean year."""
        assert Period(years=1).approximate_days() == pytest.approx(
            Period(months=12).approximate_days()
        )


class _NoOffset(dt.tzinfo):
    """A zone that does not know its offset, which makes a datetime naive."""

    def utcoffset(self, moment: dt.datetime | None) -> dt.timedelta | None:
        return None

    def dst(self, moment: dt.datetime | None) -> dt.timedelta | None:
        return None

    def tzname(self, moment: dt.datetime | None) -> str | None:
        return None


class TestUkDate:
    def test_late_summer_evening_utc_is_the_next_day_in_england(self) -> None:
        """At 23:30 UTC in July it is already 00:30 BST the next day."""
        moment = dt.datetime(2024, 7, 1, 23, 30, tzinfo=dt.timezone.utc)

        assert dt.date(2024, 7, 2) == uk_date(moment)

    def test_late_winter_evening_utc_is_the_same_day_in_england(self) -> None:
        """In January England keeps GMT, so 23:30 UTC is 23:30 the same day."""
        moment = dt.datetime(2024, 1, 15, 23, 30, tzinfo=dt.timezone.utc)

        assert dt.date(2024, 1, 15) == uk_date(moment)

    def test_converts_a_fixed_offset(self) -> None:
        """02:00 at +05:00 on 1 July is 22:00 BST on 30 June."""
        moment = dt.datetime(2024, 7, 1, 2, 0, tzinfo=dt.timezone(dt.timedelta(hours=5)))

        assert dt.date(2024, 6, 30) == uk_date(moment)

    def test_converts_a_named_zone(self) -> None:
        """20:00 in New York in winter is 01:00 the next day in England."""
        moment = dt.datetime(2024, 1, 15, 20, 0, tzinfo=ZoneInfo("America/New_York"))

        assert dt.date(2024, 1, 16) == uk_date(moment)

    def test_keeps_a_london_datetime_on_its_own_date(self) -> None:
        """A datetime already in Europe/London keeps its date."""
        moment = dt.datetime(2024, 3, 31, 0, 30, tzinfo=ZoneInfo("Europe/London"))

        assert dt.date(2024, 3, 31) == uk_date(moment)

    def test_refuses_a_naive_datetime(self) -> None:
        """A datetime without a zone has no calendar date in England."""
        with pytest.raises(ValidationError, match="a naive datetime") as excinfo:
            uk_date(dt.datetime(2024, 7, 1, 23, 30))

        assert not isinstance(excinfo.value, WrongTypeError)

    def test_refuses_a_zone_without_an_offset(self) -> None:
        """A tzinfo whose offset is unknown counts as naive."""
        with pytest.raises(ValidationError, match="a naive datetime"):
            uk_date(dt.datetime(2024, 7, 1, 23, 30, tzinfo=_NoOffset()))

    @pytest.mark.parametrize("value", [dt.date(2024, 7, 1), "2024-07-01T23:30:00Z", None, 0])
    def test_refuses_what_is_not_a_datetime(self, value: object) -> None:
        """A plain date (or anything else) is a wrong type."""
        with pytest.raises(WrongTypeError, match="uk_date: expected a datetime with a zone"):
            uk_date(value)  # type: ignore[arg-type]

    def test_returns_a_plain_date(self) -> None:
        """The result is a date, not a datetime."""
        moment = dt.datetime(2024, 7, 1, 12, 0, tzinfo=dt.timezone.utc)

        assert dt.date is type(uk_date(moment))


class TestAgreesWithDateutil:
    @given(
        st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
        st.builds(
            Period,
            years=st.integers(0, 30),
            months=st.integers(0, 40),
            weeks=st.integers(0, 60),
            days=st.integers(0, 400),
        ),
        st.sampled_from([1, -1]),
    )
    def test_shifts_as_relativedelta_does(self, day: dt.date, period: Period, sign: int) -> None:
        """Adding or subtracting a period gives dateutil's answer, or refuses where it fails."""
        step = relativedelta(
            years=sign * period.years,
            months=sign * period.months,
            weeks=sign * period.weeks,
            days=sign * period.days,
        )
        try:
            expected: dt.date | None = day + step
        except (OverflowError, ValueError):
            expected = None
        shift = period.add_to if sign > 0 else period.subtract_from
        if expected is None:
            with pytest.raises(ValidationError):
                shift(day)
        else:
            assert expected == shift(day)


class TestOneCalendarShift:
    @given(
        st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
        st.integers(-400, 400),
        st.integers(-1_000, 1_000),
    )
    def test_shifts_as_relativedelta_does(self, day: dt.date, months: int, days: int) -> None:
        """The one calendar shift moves months (clipped to the month's end), then days."""
        try:
            expected: dt.date | None = day + relativedelta(months=months, days=days)
        except (OverflowError, ValueError):
            expected = None
        if expected is None:
            with pytest.raises((OverflowError, ValueError)):
                shift_date(day, months=months, days=days)
        else:
            assert expected == shift_date(day, months=months, days=days)

    @given(
        st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)),
        st.builds(
            Period,
            years=st.integers(0, 30),
            months=st.integers(0, 40),
            weeks=st.integers(0, 60),
            days=st.integers(0, 400),
        ),
    )
    def test_synthetic_cohorts_shift_day_numbers_as_periods_do(
        self, day: dt.date, period: Period
    ) -> None:
        """The synthetic generator's day-number shift is the period's own, both ways."""
        ordinal = day.toordinal()

        assert period.add_to(day).toordinal() == synthetic_shift(period, ordinal, 1)
        assert period.subtract_from(day).toordinal() == synthetic_shift(period, ordinal, -1)
