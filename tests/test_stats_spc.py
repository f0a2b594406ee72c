"""XmR charts: NHSRplotthedots' test data and vignettes, and series built to trigger each rule."""

from __future__ import annotations

import datetime as dt
import itertools
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pathway_model import UnknownCodeError, ValidationError, WrongTypeError
from pathway_model.stats import (
    Assurance,
    Improvement,
    SpecialCause,
    Variation,
    XmrChart,
    lag_one_autocorrelation,
    xmr_chart,
)

#: R's ``set.seed(123); rnorm(20)``: the data of NHSRplotthedots' tests (test-ptd_spc.R,
#: test-ptd_spc_standard.R), whose snapshots hold the limits below.
RNORM_20 = [
    -0.56047565,
    -0.23017749,
    1.55870831,
    0.07050839,
    0.12928774,
    1.71506499,
    0.46091621,
    -1.26506123,
    -0.68685285,
    -0.44566197,
    1.22408180,
    0.35981383,
    0.40077145,
    0.11068272,
    -0.55584113,
    1.78691314,
    0.49785048,
    -1.96661716,
    0.70135590,
    -0.47279141,
]

#: NHSRplotthedots' vignette "Deviations from Excel defaults", treatment of outlying points.
DEVIATIONS = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]

#: A common-cause baseline: alternating 10 and 11.
BASE = [10.0, 11.0] * 8


def months(count: int) -> list[dt.date]:
    """The first days of ``count`` months from January 2020."""
    return [dt.date(2020 + m // 12, m % 12 + 1, 1) for m in range(count)]


def chart(values: list[float], **options: object) -> XmrChart:
    """The chart of ``values`` over consecutive months."""
    return xmr_chart(months(len(values)), values, **options)  # type: ignore[arg-type]


def causes(result: XmrChart) -> dict[int, SpecialCause]:
    """Each point that is part of a special cause, by its index."""
    return {
        index: point.special_cause
        for index, point in enumerate(result.points)
        if point.special_cause is not None
    }


class TestNHSRplotthedotsExamples:
    def test_limits_of_its_test_data(self) -> None:
        """Snapshot r1 of test-ptd_spc_standard.R: mean 0.1416238, limits -3.01138 and 3.294627."""
        segment = chart(RNORM_20).segments[0]

        assert round(segment.mean, 7) == 0.1416238
        assert round(segment.lower_limit, 5) == -3.01138
        assert round(segment.upper_limit, 6) == 3.294627

    def test_screening_a_large_moving_range(self) -> None:
        """Snapshots r2 and r3: with y[15] = 10, limits -2.383666 to 3.722497 screened, else wider.

        Unscreened, the limits are -4.596625 and 5.935457 (the Making Data Count spreadsheets).
        """
        values = RNORM_20[:]
        values[14] = 10
        screened = chart(values).segments[0]
        unscreened = chart(values, screen_outliers=False).segments[0]

        assert round(screened.mean, 7) == 0.6694159
        assert (round(screened.lower_limit, 6), round(screened.upper_limit, 6)) == (
            -2.383666,
            3.722497,
        )
        assert (round(unscreened.lower_limit, 6), round(unscreened.upper_limit, 6)) == (
            -4.596625,
            5.935457,
        )

    def test_rebased_halves_have_their_own_limits(self) -> None:
        """Summary snapshot, two groups of 10: 0.0746 (-2.60 to 2.75), 0.209 (-3.28 to 3.70)."""
        result = chart(RNORM_20, rebase=[months(20)[10]])
        first, second = result.segments

        assert (round(first.mean, 4), round(first.lower_limit, 2), round(first.upper_limit, 2)) == (
            0.0746,
            -2.60,
            2.75,
        )
        assert (
            round(second.mean, 3),
            round(second.lower_limit, 2),
            round(second.upper_limit, 2),
        ) == (
            0.209,
            -3.28,
            3.70,
        )
        assert [point.segment for point in result.points] == [0] * 10 + [1] * 10
        assert first.trial_limits
        assert second.trial_limits

    def test_its_test_data_is_all_common_cause(self) -> None:
        """Summary snapshot: 20 points, 20 common cause, none special."""
        result = chart(RNORM_20)

        assert causes(result) == {}
        assert {point.variation for point in result.points} == {Variation.COMMON_CAUSE}
        assert not result.segments[0].trial_limits

    @pytest.mark.parametrize(
        ("screen", "lower", "mean", "upper"), [(True, -0.72, 1.94, 4.6), (False, -3.06, 1.94, 6.95)]
    )
    def test_the_deviations_vignette(
        self, screen: bool, lower: float, mean: float, upper: float
    ) -> None:
        """The vignette's captions (UPL 4.6 screened, 6.95 as Excel) and its one special point."""
        result = chart(DEVIATIONS, screen_outliers=screen)
        segment = result.segments[0]

        assert (round(segment.lower_limit, 2), round(segment.mean, 2)) == (lower, mean)
        assert round(segment.upper_limit, 2) == upper
        assert causes(result) == {4: SpecialCause.ABOVE_UPPER_LIMIT}
        assert result.points[4].variation is Variation.IMPROVEMENT

    def test_two_close_points_on_opposite_sides_are_common_cause(self) -> None:
        """test-ptd_spc_standard.R: ±1 alternating, then 5.5 and -5.5: both common cause."""
        values = [1.0, -1.0] * 8
        values[14], values[15] = 5.5, -5.5
        result = chart(values)

        assert [point.variation for point in result.points[-2:]] == [Variation.COMMON_CAUSE] * 2

    def test_a_trend_of_seven_inside_a_longer_series(self) -> None:
        """test-ptd_calculate_point_type.R: 2, 1..7, 3 has a rising trend at points 2 to 8."""
        result = chart([2, 1, 2, 3, 4, 5, 6, 7, 3])

        assert causes(result) == dict.fromkeys(range(1, 8), SpecialCause.RISING_TREND)

    def test_a_falling_trend_of_seven_inside_a_longer_series(self) -> None:
        """test-ptd_calculate_point_type.R: 2, 7..1, 3 has a falling trend at points 2 to 8."""
        result = chart([2, 7, 6, 5, 4, 3, 2, 1, 3])

        assert causes(result) == dict.fromkeys(range(1, 8), SpecialCause.FALLING_TREND)

    @pytest.mark.parametrize(
        ("lower", "upper", "direction", "expected"),
        [
            (1.0, 3.0, Improvement.INCREASE, Assurance.CONSISTENT_FAIL),
            (5.0, 7.0, Improvement.INCREASE, Assurance.CONSISTENT_PASS),
            (1.0, 5.0, Improvement.INCREASE, Assurance.INCONSISTENT),
            (1.0, 3.0, Improvement.DECREASE, Assurance.CONSISTENT_PASS),
            (5.0, 7.0, Improvement.DECREASE, Assurance.CONSISTENT_FAIL),
            (1.0, 5.0, Improvement.DECREASE, Assurance.INCONSISTENT),
        ],
    )
    def test_assurance_against_a_target_of_4(
        self, lower: float, upper: float, direction: Improvement, expected: Assurance
    ) -> None:
        """test-ptd_calculate_assurance_type.R: limits 1-3, 5-7 and 1-5 against a target of 4.

        A series alternating mean ± r/2 has moving ranges r, so limits mean ± 2.66r.
        """
        mean, spread = (lower + upper) / 2, (upper - lower) / 2 / 2.66
        values = [mean - spread / 2, mean + spread / 2] * 8
        result = chart(values, target=4, improvement=direction)

        assert result.segments[0].lower_limit == pytest.approx(lower)
        assert result.assurance is expected

    def test_no_assurance_without_a_target_or_a_direction(self) -> None:
        """Without a target, or when neither direction is better, there is no assurance."""
        assert chart(BASE).assurance is None
        assert chart(BASE, target=20, improvement="neutral").assurance is None

    def test_assurance_uses_the_last_segment(self) -> None:
        """After a rebase the last segment's limits decide (test-ptd_calculate_assurance_type.R)."""
        values = [1.9, 2.1] * 7 + [9.9, 10.1] * 7
        result = chart(values, target=5, rebase=[months(28)[14]], improvement="increase")

        assert result.assurance is Assurance.CONSISTENT_PASS


class TestEachRuleOnce:
    """Hand-built series, each on a common-cause baseline, each triggering one rule once."""

    def test_one_point_outside_the_limits(self) -> None:
        """A 20 among 10s and 11s: mean 10.88, upper limit 13.54; only the 20 is special."""
        result = chart([*BASE[:12], 20.0, *BASE[12:], *[10.0, 11.0] * 4])

        assert causes(result) == {12: SpecialCause.ABOVE_UPPER_LIMIT}

    def test_one_point_below_the_limits(self) -> None:
        """A 1 among 10s and 11s is below the lower limit, and only it."""
        result = chart([*BASE[:12], 1.0, *BASE[12:], *[10.0, 11.0] * 4])

        assert causes(result) == {12: SpecialCause.BELOW_LOWER_LIMIT}

    def test_one_run_of_seven_above_the_mean(self) -> None:
        """Seven 11.2s between two 10s: a run of exactly 7 above the mean (10.618)."""
        result = chart([*BASE, 10.0, *[11.2] * 7, 10.0, *[11.0, 10.0] * 4])

        assert causes(result) == dict.fromkeys(range(17, 24), SpecialCause.RUN_ABOVE_MEAN)

    def test_a_run_of_eight_is_one_run(self) -> None:
        """Eight points on one side are all part of the run (ptd_seven_point_one_side_mean)."""
        result = chart([*BASE, *[9.8] * 8, *[11.0, 10.0] * 4])

        assert causes(result) == dict.fromkeys(range(16, 24), SpecialCause.RUN_BELOW_MEAN)

    def test_one_rising_trend_of_seven(self) -> None:
        """10.0 to 10.6 by tenths after an 11: a trend of exactly 7 points."""
        result = chart([*BASE, 10.0, 10.1, 10.2, 10.3, 10.4, 10.5, 10.6, *[10.0, 11.0] * 4])

        assert causes(result) == dict.fromkeys(range(16, 23), SpecialCause.RISING_TREND)

    def test_one_two_of_three_near_the_upper_limit(self) -> None:
        """12.8, 11, 12.8: two of three beyond two-thirds of the way to the upper limit (13.78).

        Only the two close points are flagged; the 11 between them is common cause.
        """
        result = chart([*BASE, 12.8, 11.0, 12.8, *[10.0, 11.0] * 4])

        assert causes(result) == {
            16: SpecialCause.TWO_OF_THREE_HIGH,
            18: SpecialCause.TWO_OF_THREE_HIGH,
        }

    def test_one_two_of_three_near_the_lower_limit(self) -> None:
        """7.9, 10, 7.9 after the baseline: two of three close to the lower limit, all below."""
        result = chart([*BASE, 7.9, 10.0, 7.9, *[11.0, 10.0] * 4])

        assert causes(result) == {
            16: SpecialCause.TWO_OF_THREE_LOW,
            18: SpecialCause.TWO_OF_THREE_LOW,
        }

    def test_the_baseline_alone_is_common_cause(self) -> None:
        """The baseline the series are built on triggers nothing."""
        assert causes(chart([*BASE, *[10.0, 11.0] * 4])) == {}


class TestDirection:
    @pytest.mark.parametrize(
        ("improvement", "high", "low"),
        [
            ("increase", Variation.IMPROVEMENT, Variation.CONCERN),
            ("decrease", Variation.CONCERN, Variation.IMPROVEMENT),
            ("neutral", Variation.NEUTRAL_HIGH, Variation.NEUTRAL_LOW),
        ],
    )
    def test_a_special_cause_is_read_by_the_direction_of_improvement(
        self, improvement: str, high: Variation, low: Variation
    ) -> None:
        """A high point is improvement, concern or neutral-high as the direction says."""
        up = chart([*BASE[:12], 20.0, *BASE[12:]], improvement=improvement)
        down = chart([*BASE[:12], 1.0, *BASE[12:]], improvement=improvement)

        assert (up.points[12].variation, down.points[12].variation) == (high, low)

    def test_the_chart_says_what_its_last_point_says(self) -> None:
        """The chart's variation is its last point's (the Making Data Count icon)."""
        result = chart([*BASE, 20.0], improvement="decrease")

        assert result.variation is Variation.CONCERN


class TestSegments:
    def test_fixed_limits_ignore_later_points(self) -> None:
        """Limits fixed after 12 points do not move when later points change."""
        first = chart([*BASE[:12], 10.0, 11.0, 10.0], fix_after=12)
        second = chart([*BASE[:12], 30.0, 11.0, 10.0], fix_after=12)

        assert first.segments[0].upper_limit == second.segments[0].upper_limit
        assert causes(second) == {12: SpecialCause.ABOVE_UPPER_LIMIT}

    def test_a_segment_of_fewer_than_13_points_has_trial_limits(self) -> None:
        """12 points give trial limits; 13 do not (NHSRplotthedots' short-group warning)."""
        assert chart(BASE[:12]).segments[0].trial_limits
        assert not chart(BASE[:13]).segments[0].trial_limits

    @given(
        st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=2, max_size=40),
        st.randoms(use_true_random=False),
    )
    def test_any_order_of_periods_gives_an_equal_chart(
        self, values: list[float], shuffle: random.Random
    ) -> None:
        """The series is put in period order: the same periods and values in any order agree."""
        periods = months(len(values))
        pairs = list(zip(periods, values, strict=True))
        shuffle.shuffle(pairs)

        assert xmr_chart(periods, values) == xmr_chart([p for p, _ in pairs], [v for _, v in pairs])

    @given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=2, max_size=60))
    def test_limits_hold_the_mean_and_plain_numbers(self, values: list[float]) -> None:
        """Lower limit <= mean <= upper limit, all plain floats; one point per value."""
        result = chart(values)
        segment = result.segments[0]

        assert segment.lower_limit <= segment.mean <= segment.upper_limit
        assert {type(segment.mean), type(segment.upper_limit)} == {float}
        assert len(result.points) == len(values)

    def test_a_constant_series_has_limits_on_its_mean(self) -> None:
        """All moving ranges 0: the limits are the mean itself, and nothing is special."""
        result = chart([4.0] * 15)

        assert (result.segments[0].lower_limit, result.segments[0].upper_limit) == (4.0, 4.0)
        assert causes(result) == {}


class TestAutocorrelation:
    @pytest.mark.parametrize(
        ("values", "expected"),
        [
            # Mean 3, distances -2..2: (2 + 0 + 0 + 2) / (4 + 1 + 0 + 1 + 4).
            ([1, 2, 3, 4, 5], 0.4),
            # Mean 2, distances -1, 1, ...: five products of -1 over six squares of 1.
            ([1, 3, 1, 3, 1, 3], -5 / 6),
            # Mean 5.5: (62.25 - 4.5) / 82.5 (the squares and the sum of the first nine).
            (list(range(1, 11)), 0.7),
        ],
    )
    def test_worked_examples(self, values: list[float], expected: float) -> None:
        """The lag-one autocorrelation, worked by hand."""
        assert lag_one_autocorrelation(values) == pytest.approx(expected)

    @pytest.mark.parametrize("values", [[], [1.0], [1.0, 2.0], [4.0, 4.0, 4.0, 4.0]])
    def test_too_few_or_equal_points_tell_nothing(self, values: list[float]) -> None:
        """Fewer than three points, or all equal: no autocorrelation can be told."""
        assert lag_one_autocorrelation(values) is None

    @given(
        st.lists(st.integers(-(10**6), 10**6), min_size=3, max_size=60),
        st.integers(1, 1000),
        st.integers(-1000, 1000),
    )
    def test_it_lies_between_minus_one_and_one_whatever_the_units(
        self, values: list[int], scale: int, shift: int
    ) -> None:
        """Bounded by 1, and the same in other units (a positive scale and a shift).

        Whole numbers keep the arithmetic exact enough that the two agree closely.
        """
        found = lag_one_autocorrelation(values)
        rescaled = lag_one_autocorrelation([value * scale + shift for value in values])
        if found is None or rescaled is None:
            return
        assert -1.0 - 1e-9 <= found <= 1.0 + 1e-9
        assert found == pytest.approx(rescaled, abs=1e-6)

    def test_a_drift_is_flagged_and_alternation_is_not(self) -> None:
        """1 to 10: 0.7 > 1.96 / sqrt(10) = 0.62, flagged; alternating 1, 3 is negative."""
        drift = chart(list(range(1, 11)))
        alternating = chart([1, 3] * 5)
        assert (True, pytest.approx(0.7)) == (
            drift.autocorrelated,
            drift.segments[0].autocorrelation,
        )
        assert (False, False) == (
            alternating.autocorrelated,
            alternating.segments[0].autocorrelated,
        )

    def test_a_modest_autocorrelation_of_few_points_is_chance(self) -> None:
        """1 to 5: 0.4 is under 1.96 / sqrt(5) = 0.88, within what chance gives."""
        assert (pytest.approx(0.4), False) == (
            chart([1, 2, 3, 4, 5]).segments[0].autocorrelation,
            chart([1, 2, 3, 4, 5]).autocorrelated,
        )

    def test_each_segment_is_judged_on_its_own_points(self) -> None:
        """A rebase starts a segment with its own mean: a step is not an autocorrelation."""
        values = [10.0, 11.0] * 8 + [20.0, 21.0] * 8
        whole = chart(values)
        split = chart(values, rebase=[months(32)[16]])
        assert whole.autocorrelated
        assert [False, False] == [segment.autocorrelated for segment in split.segments]


class TestArguments:
    @pytest.mark.parametrize(
        ("call", "kind", "path"),
        [
            (lambda: xmr_chart(months(3), [1, 2]), ValidationError, "values"),
            (lambda: xmr_chart([dt.date(2024, 1, 1)] * 2, [1, 2]), ValidationError, "periods[1]"),
            (lambda: xmr_chart(["2024-01"], [1]), WrongTypeError, "periods[0]"),
            (lambda: xmr_chart(months(2), [1, float("inf")]), ValidationError, "values[1]"),
            (lambda: chart(BASE, fix_after=6), ValidationError, "fix_after"),
            (lambda: chart(BASE, rebase=[dt.date(1999, 1, 1)]), ValidationError, "rebase"),
            (lambda: chart(BASE, rebase=[months(16)[15]]), ValidationError, "rebase"),
            (lambda: chart([1.0]), ValidationError, "values"),
            (lambda: chart(BASE, screen_outliers=1), WrongTypeError, "screen_outliers"),
        ],
    )
    def test_bad_arguments_are_named(self, call: object, kind: type[Exception], path: str) -> None:
        """Each bad argument raises the library's error, naming where it is."""
        with pytest.raises(kind) as caught:
            call()  # type: ignore[operator]

        assert str(caught.value).startswith(f"{path}:")

    def test_an_unknown_direction_lists_the_directions(self) -> None:
        """A misspelt direction names the ones there are."""
        with pytest.raises(UnknownCodeError, match="'increase', 'decrease', 'neutral'"):
            chart(BASE, improvement="up")


def _r_seven_point_one_side_mean(v: list[int]) -> list[int]:
    """NHSRplotthedots' ptd_seven_point_one_side_mean, line for line."""
    vp = [0] * 6 + v
    return [
        int(all(vp[i] == vp[i - k] for k in range(1, 7)) and vp[i] != 0) for i in range(6, len(vp))
    ]


def _r_part_of_seven_trend(v: list[int]) -> list[int]:
    """ptd_part_of_seven_trend: this value or one of the following 6 is flagged."""
    vp = [*v, 0, 0, 0, 0, 0, 0]
    return [int(any(abs(vp[i + k]) == 1 for k in range(7))) for i in range(len(v))]


def _r_seven_point_trend(y: list[float]) -> list[int]:
    """ptd_seven_point_trend: sign(diff(y[i - 0:6])) * -1 all 1 (or all -1)."""
    if len(y) < 7:
        return [0] * len(y)
    flags = [0] * 6
    for i in range(6, len(y)):
        window = [y[i - k] for k in range(7)]
        d = [-_sign(b - a) for a, b in itertools.pairwise(window)]
        flags.append(1 if all(x == 1 for x in d) else -1 if all(x == -1 for x in d) else 0)
    return flags


def _r_two_in_three(v: list[int], rtm: list[int]) -> list[int]:
    """ptd_two_in_three, with R's zero padding of two at each end."""
    vp, rp = [0, 0, *v, 0, 0], [0, 0, *rtm, 0, 0]
    return [
        int(
            any(
                sum(vp[i + k : i + k + 3]) >= 2 and abs(sum(rp[i + k : i + k + 3])) == 3
                for k in range(3)
            )
        )
        for i in range(len(v))
    ]


def _sign(x: float) -> int:
    return (x > 0) - (x < 0)


def _r_special_cause_type(
    y: list[float], rtm: list[int], close: list[int], outside: list[int]
) -> list[str]:
    """ptd_special_cause_type, with its labels."""
    trend = _r_part_of_seven_trend(_r_seven_point_trend(y))
    two = [
        int(a == 1 and abs(b) == 1) for a, b in zip(_r_two_in_three(close, rtm), close, strict=True)
    ]
    seven = _r_part_of_seven_trend(_r_seven_point_one_side_mean(rtm))
    sdy = [_sign(b - a) for a, b in itertools.pairwise(y)]
    right = [*sdy, sdy[-1]]
    left = [0, *sdy]
    nxt = [*trend[1:], 0]
    sdy2 = [r if (n and t) else lf for r, n, t, lf in zip(right, nxt, trend, left, strict=True)]
    labels = []
    for i in range(len(y)):
        side = "Above" if rtm[i] > 0 else "Below"
        if outside[i]:
            labels.append("Above UCL" if rtm[i] == 1 else "Below LCL")
        elif trend[i]:
            labels.append(f"7 Point Trend ({'In' if sdy2[i] == 1 else 'De'}creasing)")
        elif two[i]:
            labels.append(f"2 in 3 {side} CL")
        elif seven[i]:
            labels.append(f"7 Points {side} CL")
        else:
            labels.append("Common Cause")
    return labels


LABELS = {
    None: "Common Cause",
    SpecialCause.ABOVE_UPPER_LIMIT: "Above UCL",
    SpecialCause.BELOW_LOWER_LIMIT: "Below LCL",
    SpecialCause.RISING_TREND: "7 Point Trend (Increasing)",
    SpecialCause.FALLING_TREND: "7 Point Trend (Decreasing)",
    SpecialCause.TWO_OF_THREE_HIGH: "2 in 3 Above CL",
    SpecialCause.TWO_OF_THREE_LOW: "2 in 3 Below CL",
    SpecialCause.RUN_ABOVE_MEAN: "7 Points Above CL",
    SpecialCause.RUN_BELOW_MEAN: "7 Points Below CL",
}


class TestAgainstALiteralPort:
    """The rules agree with a line-for-line port of NHSRplotthedots' R functions."""

    @pytest.mark.parametrize(
        ("v", "expected"),
        [
            ([1] * 6, [0] * 6),
            ([*[1] * 6, -1], [0] * 7),
            ([*[1] * 8, -1], [0, 0, 0, 0, 0, 0, 1, 1, 0]),
            ([*[-1] * 8, 1], [0, 0, 0, 0, 0, 0, 1, 1, 0]),
        ],
    )
    def test_the_port_passes_the_packages_own_tests(
        self, v: list[int], expected: list[int]
    ) -> None:
        """The port gives the answers of test-ptd_calculate_point_type.R (one side of the mean)."""
        assert _r_seven_point_one_side_mean(v) == expected

    def test_the_port_passes_its_two_in_three_tests(self) -> None:
        """The port gives ptd_two_in_three's tested answers."""
        assert _r_two_in_three([0, 0, 1, 0, 1, 0, 0], [1] * 7) == [0, 0, 1, 1, 1, 0, 0]
        assert _r_two_in_three([0, 0, 1, 1, 0, 0, 0], [1] * 7) == [0, 1, 1, 1, 1, 0, 0]
        assert _r_two_in_three([1, 0, 1], [1, -1, 1]) == [0, 0, 0]

    @given(
        st.lists(st.integers(0, 12).map(float), min_size=2, max_size=50),
        st.booleans(),
    )
    def test_every_point_is_labelled_as_the_port_labels_it(
        self, values: list[float], screen: bool
    ) -> None:
        """On any series (small whole numbers, so ties and runs are common) the labels agree."""
        result = chart(values, screen_outliers=screen)
        segment = result.segments[0]
        near = 2 * (2.66 / 3) * segment.mean_moving_range
        rtm = [_sign(v - segment.mean) for v in values]
        outside = [int(v > segment.upper_limit or v < segment.lower_limit) for v in values]
        close = [
            int(not o and (v < segment.mean - near or v > segment.mean + near))
            for v, o in zip(values, outside, strict=True)
        ]

        assert [LABELS[p.special_cause] for p in result.points] == _r_special_cause_type(
            values, rtm, close, outside
        )
