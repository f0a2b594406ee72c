"""Confidence intervals: each method against its published worked examples, and its invariants."""

from __future__ import annotations

import itertools
import math
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pathway_model import PathwayModelError, ValidationError, WrongTypeError
from pathway_model.scoring import kaplan_meier
from pathway_model.stats import (
    EXACT_BELOW,
    Interval,
    IntervalMethod,
    count_interval,
    mean_interval,
    median_interval,
    proportion_interval,
    rate_interval,
)

#: PHEindicatormethods' test data for proportions (tests/testthat/testdata_Proportion.xlsx,
#: sheet testdata_Prop, and testdata_Byars_Wilson.xlsx): numerator, denominator, then the
#: 95% and 99.8% Wilson limits, as proportions.
PHE_PROPORTIONS = [
    (
        1,
        100,
        1.7674320641406511e-3,
        5.4486196178705294e-2,
        8.73065697299977e-4,
        0.10455445283705821,
    ),
    (5, 100, 2.154367915436798e-2, 0.11175046923191911, 1.3865320725997183e-2, 0.16458852282596442),
    (20, 100, 0.1333669333310325, 0.28882916559315885, 0.10519162066711432, 0.3471109417008601),
    (65, 100, 0.55254443296887967, 0.73635751756902468, 0.49549465740704313, 0.77835406140896968),
    (
        9856,
        12345,
        0.79121017529090687,
        0.80536400736149094,
        0.7869924108419063,
        0.80930614125896261,
    ),
    (
        7776456,
        7564336677,
        1.0273201001641094e-3,
        1.0287644578977231e-3,
        1.0269040118442213e-3,
        1.0291812992698397e-3,
    ),
    (
        222,
        3215,
        6.0791690363636595e-2,
        7.8339566813836331e-2,
        5.647101964624248e-2,
        8.4184141852701344e-2,
    ),
    (999, 3456, 0.27418951080009873, 0.30440389662818057, 0.26583995768074953, 0.31344754492799848),
    (
        1045,
        5000,
        0.19795549880013297,
        0.22049130373189027,
        0.19179381799015244,
        0.22731562902525818,
    ),
]

#: PHEindicatormethods' test data for rates (tests/testthat/testdata_Rate.xlsx, sheet
#: testdata_Rate, rows with multiplier 100): numerator, denominator, the 95% and 99.8%
#: limits per 100, and the method it names.
PHE_RATES = [
    (
        1,
        100,
        2.5317807984289897e-2,
        5.571643390938898,
        1.0005003335835344e-3,
        9.2334134764515845,
        "Exact",
    ),
    (5, 100, 1.62348639011842, 11.668332079322669, 0.739371731917839, 16.454745203680105, "Exact"),
    (
        20,
        100,
        12.211428834875937,
        30.889880369197066,
        8.922802365144193,
        38.085035625041911,
        "Byars",
    ),
    (
        65,
        100,
        50.163187710459454,
        82.849138545939837,
        42.880261471480203,
        94.000290844318016,
        "Byars",
    ),
    (
        9856,
        12345,
        78.269490589767571,
        81.430016542721404,
        77.375905432710525,
        82.354472770954303,
        "Byars",
    ),
    (
        7776456,
        7564336677,
        0.10273196005302074,
        0.10287648334092832,
        0.102690317308454,
        0.10291817639509068,
        "Byars",
    ),
    (
        222,
        3215,
        6.0265748776526751,
        7.8757293708718503,
        5.5607376952598537,
        8.4610466817334107,
        "Byars",
    ),
    (
        999,
        3456,
        27.141304936090521,
        30.755833237378415,
        26.162147596445767,
        31.845604819822654,
        "Byars",
    ),
    (
        250,
        220,
        99.984947385328764,
        128.63114487455782,
        92.710005544389525,
        137.65123772147458,
        "Byars",
    ),
]

METHODS = {"Exact": IntervalMethod.EXACT_POISSON, "Byars": IntervalMethod.BYAR}


class TestProportions:
    @pytest.mark.parametrize("row", PHE_PROPORTIONS, ids=lambda row: f"{row[0]}/{row[1]}")
    def test_wilson_matches_phe_indicator_methods(
        self, row: tuple[int, int, float, float, float, float]
    ) -> None:
        """Wilson limits equal PHEindicatormethods' test values (phe_proportion), 95% and 99.8%."""
        x, n, low95, high95, low998, high998 = row
        at95 = proportion_interval(x, n)
        at998 = proportion_interval(x, n, confidence=0.998)

        assert (at95.lower, at95.upper) == pytest.approx((low95, high95), rel=1e-12)
        assert (at998.lower, at998.upper) == pytest.approx((low998, high998), rel=1e-12)
        assert (at95.estimate, at95.method) == (x / n, IntervalMethod.WILSON)

    def test_none_and_all_reach_the_ends_exactly(self) -> None:
        """0 of n has a lower limit of exactly 0; n of n an upper limit of exactly 1."""
        assert proportion_interval(0, 7).lower == 0.0
        assert proportion_interval(7, 7).upper == 1.0

    @given(st.integers(1, 10_000), st.data(), st.sampled_from([0.8, 0.95, 0.998]))
    def test_the_interval_holds_the_proportion(
        self, n: int, data: st.DataObject, confidence: float
    ) -> None:
        """Every Wilson interval lies within 0 and 1 and contains its proportion."""
        x = data.draw(st.integers(0, n))
        interval = proportion_interval(x, n, confidence=confidence)

        assert 0 <= interval.lower <= interval.estimate <= interval.upper <= 1
        assert interval.contains(interval.estimate)

    @given(st.integers(1, 2_000), st.data())
    def test_a_smaller_denominator_gives_a_wider_interval(
        self, n: int, data: st.DataObject
    ) -> None:
        """The same proportion out of half as many people has a wider interval."""
        x = data.draw(st.integers(0, n))
        small = proportion_interval(x, n)
        large = proportion_interval(2 * x, 2 * n)

        assert small.upper - small.lower > large.upper - large.lower

    def test_a_higher_confidence_gives_a_wider_interval(self) -> None:
        """The 99.8% limits lie outside the 95% ones."""
        at95 = proportion_interval(13, 40)
        at998 = proportion_interval(13, 40, confidence=0.998)

        assert at998.lower < at95.lower < at95.upper < at998.upper


class TestCountsAndRates:
    @pytest.mark.parametrize("row", PHE_RATES, ids=lambda row: f"{row[0]}/{row[1]}")
    def test_rates_match_phe_indicator_methods(
        self, row: tuple[int, int, float, float, float, float, str]
    ) -> None:
        """Rate limits per 100 equal PHEindicatormethods' test values (phe_rate), and its method."""
        x, n, low95, high95, low998, high998, method = row
        at95 = rate_interval(x, n, per=100)
        at998 = rate_interval(x, n, per=100, confidence=0.998)

        assert (at95.lower, at95.upper) == pytest.approx((low95, high95), rel=1e-12)
        assert (at998.lower, at998.upper) == pytest.approx((low998, high998), rel=1e-12)
        assert at95.estimate == pytest.approx(x / n * 100, rel=1e-15)
        assert at95.method is METHODS[method]

    @pytest.mark.parametrize(
        ("x", "confidence", "lower", "upper"),
        [
            (65, 0.95, 50.163187710459454, 82.849138545939837),
            (1045, 0.95, 982.59320180733255, 1110.3312129856499),
            (65, 0.998, 42.880261471480203, 94.000290844318016),
            (1045, 0.998, 947.94070356103737, 1148.8061609880331),
            (10, 0.998, 2.916318374695686, 24.193724927880535),
        ],
    )
    def test_byar_matches_phe_indicator_methods(
        self, x: int, confidence: float, lower: float, upper: float
    ) -> None:
        """Byar's limits of a count equal PHEindicatormethods' test values (byars_lower/upper)."""
        interval = count_interval(x, confidence=confidence)

        assert (interval.lower, interval.upper) == pytest.approx((lower, upper), rel=1e-12)
        assert interval.method is IntervalMethod.BYAR

    def test_exact_below_ten_and_byar_from_ten(self) -> None:
        """9 events get exact Poisson limits, 10 events Byar's: PHE's threshold."""
        assert EXACT_BELOW == 10
        assert count_interval(9).method is IntervalMethod.EXACT_POISSON
        assert count_interval(10).method is IntervalMethod.BYAR

    def test_exact_limits_of_small_counts_by_hand(self) -> None:
        """0 events: lower 0, upper -ln(0.025) = 3.6889; 1 event: lower -ln(0.975) = 0.025318.

        For one event the lower exact limit solves P(X >= 1) = 0.025, i.e. 1 - e^-m = 0.025;
        for none the upper solves P(X = 0) = 0.025, i.e. e^-m = 0.025 (Armitage and Berry).
        """
        none = count_interval(0)
        one = count_interval(1)

        assert (none.lower, none.upper) == (0.0, pytest.approx(-math.log(0.025), rel=1e-12))
        assert one.lower == pytest.approx(-math.log(0.975), rel=1e-12)

    @given(st.integers(0, 100_000), st.sampled_from([0.9, 0.95, 0.998]))
    def test_the_interval_holds_the_count(self, x: int, confidence: float) -> None:
        """Every count's interval contains the count, with a lower limit of at least 0."""
        interval = count_interval(x, confidence=confidence)

        assert 0 <= interval.lower <= x <= interval.upper

    @given(st.integers(0, 5_000), st.floats(1, 1e6), st.floats(1, 1e6))
    def test_rate_limits_are_the_count_limits_scaled(
        self, x: int, exposure: float, per: float
    ) -> None:
        """A rate's limits are its count's limits divided by the exposure, times ``per``."""
        count = count_interval(x)
        rate = rate_interval(x, exposure, per=per)

        assert rate.lower == pytest.approx(count.lower * per / exposure, rel=1e-12)
        assert rate.upper == pytest.approx(count.upper * per / exposure, rel=1e-12)
        assert rate.contains(rate.estimate)


def _lifelines_median(
    durations: list[float], observed: list[bool]
) -> tuple[float | None, float | None, float | None]:
    """lifelines' median and its 95% limits (median_survival_times of the fitted bands)."""
    from lifelines import KaplanMeierFitter
    from lifelines.utils import median_survival_times

    fitted = KaplanMeierFitter().fit(durations, observed)
    bands = median_survival_times(fitted.confidence_interval_)
    values = (
        float(fitted.median_survival_time_),
        float(bands.iloc[0, 0]),
        float(bands.iloc[0, 1]),
    )
    lower, upper = (None if math.isinf(value) else value for value in values[1:])
    return (None if math.isinf(values[0]) else values[0], lower, upper)


class TestKaplanMeierMedians:
    def test_matches_lifelines_on_its_example_dataset(self) -> None:
        """The waltons data shipped with lifelines: control 58 (56 to 60), miR-137 26 (19 to 29)."""
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from lifelines.datasets import load_waltons

            waltons = load_waltons()
        for group, (median, lower, upper) in {
            "control": (58.0, 56.0, 60.0),
            "miR-137": (26.0, 19.0, 29.0),
        }.items():
            rows = waltons[waltons["group"] == group]
            result = median_interval(rows["T"].tolist(), rows["E"].astype(bool).tolist())

            assert (result.estimate, result.lower, result.upper) == (median, lower, upper)
            assert (result.n, result.events) == (len(rows), int(rows["E"].sum()))

    def test_a_hand_sized_example(self) -> None:
        """Ten stays, two still open: median 4, interval 1 to 6 (as lifelines gives).

        S falls 0.9, 0.7, 0.6, 0.4 at 1, 2, 3, 4; the lower log-log band reaches 1/2 at 1
        already, the upper one only at 6.
        """
        result = median_interval([1, 2, 2, 3, 4, 4, 5, 6, 8, 9], [True] * 8 + [False] * 2)

        assert (result.estimate, result.lower, result.upper) == (4.0, 1.0, 6.0)
        assert result.method is IntervalMethod.BROOKMEYER_CROWLEY

    def test_what_is_not_reached_is_none(self) -> None:
        """Mostly censored stays: no median and no upper limit, never a made-up number."""
        result = median_interval(
            [10, 20, 30, 40, 50, 60], [True, False, False, False, False, False]
        )

        assert (result.estimate, result.upper) == (None, None)
        assert median_interval([5, 6], [False, False]).lower is None

    @given(
        st.lists(st.tuples(st.integers(0, 60), st.booleans()), min_size=1, max_size=60).filter(
            lambda rows: any(flag for _, flag in rows)
        )
    )
    def test_agrees_with_lifelines(self, rows: list[tuple[int, bool]]) -> None:
        """On any data the limits are lifelines' exactly, and the median the library's own."""
        durations = [float(duration) for duration, _ in rows]
        observed = [flag for _, flag in rows]
        result = median_interval(durations, observed)
        _, lower, upper = _lifelines_median(durations, observed)
        median = kaplan_meier([duration for duration, _ in rows], observed).median

        assert (result.lower, result.upper) == (lower, upper)
        assert result.estimate == (None if median is None else float(median))

    @given(st.lists(st.tuples(st.integers(0, 400), st.booleans()), min_size=1, max_size=200))
    def test_the_interval_holds_the_median(self, rows: list[tuple[int, bool]]) -> None:
        """Lower limit <= median <= upper limit, wherever each is reached."""
        result = median_interval([d for d, _ in rows], [flag for _, flag in rows])

        if result.estimate is not None:
            assert result.lower is not None
            assert result.lower <= result.estimate
            assert result.upper is None or result.estimate <= result.upper

    def test_any_order_gives_the_same_result(self) -> None:
        """Durations in another order give an equal result."""
        rows = [(3, True), (8, False), (1, True), (5, True), (5, False), (2, True), (9, True)]
        shuffled = rows[::-1]

        assert median_interval(*zip(*rows, strict=True)) == median_interval(
            *zip(*shuffled, strict=True)
        )


class TestSkewedMeans:
    def test_the_bootstrap_approaches_the_exact_bootstrap_distribution(self) -> None:
        """Resampled means of 1, 2, 3 and 10 reach the enumerated bootstrap limits, 1.5 and 8.

        All 4**4 = 256 resamples are equally likely. Their means, sorted, hold 1.5 from the
        6th to the 10th (1.95% to 3.9% of the way) and 8 from the 247th to the 251st
        (96.1% to 98.0%): the exact 2.5% and 97.5% points are 1.5 and 8, well inside those
        runs, so a large enough seeded draw finds them exactly (Efron and Tibshirani 1993).
        """
        import numpy as np

        values = [1.0, 2.0, 3.0, 10.0]
        means = sorted(sum(pick) / 4 for pick in itertools.product(values, repeat=4))
        exact = tuple(float(q) for q in np.quantile(means, [0.025, 0.975]))
        result = mean_interval(values, resamples=200_000, seed=7)

        assert exact == (1.5, 8.0)
        assert (result.lower, result.upper) == exact
        assert (result.estimate, result.method) == (4.0, IntervalMethod.BOOTSTRAP_PERCENTILE)

    def test_the_same_seed_gives_the_same_interval_in_any_order(self) -> None:
        """The values are sorted before resampling: their order never changes the interval."""
        costs = [0, 0, 0, 452, 904, 0, 13_560, 0, 452, 2_260, 0, 411, 822, 0, 0]
        shuffled = costs[:]
        random.Random(3).shuffle(shuffled)

        assert mean_interval(costs, seed=11) == mean_interval(shuffled, seed=11)

    def test_another_seed_gives_another_draw(self) -> None:
        """The seed is what makes the draw: a different seed moves the limits a little."""
        costs = [0, 0, 0, 452, 904, 0, 13_560, 0, 452, 2_260]

        assert mean_interval(costs, seed=1) != mean_interval(costs, seed=2)

    @given(
        st.lists(
            st.floats(0, 1e6, allow_nan=False).map(lambda x: round(x, 2)), min_size=1, max_size=40
        )
    )
    def test_the_interval_holds_the_mean(self, values: list[float]) -> None:
        """The percentile bootstrap interval of a mean contains the mean."""
        result = mean_interval(values, resamples=2_000, seed=5)

        assert result.lower <= result.estimate <= result.upper
        assert result.estimate == pytest.approx(math.fsum(values) / len(values), rel=1e-12)


class TestArguments:
    @pytest.mark.parametrize(
        ("call", "kind", "path"),
        [
            (lambda: proportion_interval(6, 5), ValidationError, "numerator"),
            (lambda: proportion_interval(-1, 5), ValidationError, "numerator"),
            (lambda: proportion_interval(1, 0), ValidationError, "denominator"),
            (lambda: proportion_interval(1.5, 5), WrongTypeError, "numerator"),
            (lambda: proportion_interval(1, 5, confidence=95), ValidationError, "confidence"),
            (lambda: count_interval(True), WrongTypeError, "events"),
            (lambda: rate_interval(3, 0), ValidationError, "exposure"),
            (lambda: rate_interval(3, math.nan), ValidationError, "exposure"),
            (lambda: median_interval([1, -2]), ValidationError, "durations[1]"),
            (lambda: median_interval([1, 2], [True]), ValidationError, "observed"),
            (lambda: median_interval([1, 2], [True, "yes"]), WrongTypeError, "observed[1]"),
            (lambda: mean_interval([]), ValidationError, "values"),
            (lambda: mean_interval([1, "2"]), WrongTypeError, "values[1]"),
            (lambda: mean_interval([1, 2], resamples=10), ValidationError, "resamples"),
        ],
    )
    def test_bad_arguments_are_the_librarys_errors(
        self, call: object, kind: type[PathwayModelError], path: str
    ) -> None:
        """Each bad argument raises the library's own error, naming where it is."""
        with pytest.raises(kind) as caught:
            call()  # type: ignore[operator]

        assert str(caught.value).startswith(f"{path}:")

    def test_results_hold_plain_python_numbers(self) -> None:
        """Estimates and limits are Python floats, never numpy scalars."""
        import numpy as np

        results: list[Interval] = [
            proportion_interval(np.int64(3), np.int64(10)),
            count_interval(np.int64(4)),
            rate_interval(12, np.float64(1000.0), per=1000),
            mean_interval(np.array([1.0, 2.0, 4.0])),
        ]
        median = median_interval(np.array([1, 2, 3]))

        assert {type(value) for r in results for value in (r.estimate, r.lower, r.upper)} == {float}
        assert {type(median.estimate), type(median.lower), type(median.upper)} == {float}
