"""Funnel plots: FunnelPlotR's published examples, hand-worked limits, and their invariants."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pathway_model import UnknownCodeError, ValidationError, WrongTypeError
from pathway_model.stats import (
    Funnel,
    FunnelKind,
    FunnelLimits,
    FunnelPosition,
    Overdispersion,
    RatioMethod,
    funnel,
)

#: FunnelPlotR's test data (tests/testthat/test-funnel_plot.R and test-classes_methods.R).
FPR_UNITS = ["a", "b", "c", "d", "e", "f"]
FPR_OBSERVED = [100, 150, 180, 80, 120, 225]
FPR_EXPECTED = [108, 112, 165, 95, 100, 220]

#: The `medpar` data of FunnelPlotR's README (Hilbe's Arizona Medicare lengths of stay, R
#: package COUNT): for each of the 54 providers the total length of stay and the total
#: predicted by the README's Poisson model (los ~ hmo + died + age80 + factor(type)), the
#: latter rounded to 2 places as FunnelPlotR's SHMI method rounds it. The model fitted
#: here reproduces the README's coefficients (2.26875, -0.07637, -0.24574, -0.02141,
#: 0.24921, 0.74869) and residual deviance (7977.7).
MEDPAR = [
    ("30001", 406, 523.70),
    ("30002", 642, 612.98),
    ("30003", 46, 53.79),
    ("30006", 764, 763.72),
    ("30007", 82, 120.94),
    ("30008", 201, 250.19),
    ("30009", 193, 155.49),
    ("30010", 569, 484.71),
    ("30011", 404, 362.22),
    ("30012", 134, 188.93),
    ("30013", 614, 554.38),
    ("30014", 491, 616.74),
    ("30016", 501, 360.15),
    ("30017", 131, 245.61),
    ("30018", 274, 263.56),
    ("30019", 124, 154.66),
    ("30022", 456, 475.02),
    ("30023", 48, 38.93),
    ("30024", 429, 445.10),
    ("30025", 14, 28.80),
    ("30030", 369, 347.54),
    ("30033", 8, 7.56),
    ("30035", 37, 73.21),
    ("30036", 128, 118.11),
    ("30037", 145, 273.34),
    ("30038", 493, 449.79),
    ("30043", 104, 172.38),
    ("30044", 6, 19.20),
    ("30055", 308, 321.86),
    ("30059", 34, 36.56),
    ("30060", 7, 19.96),
    ("30061", 935, 851.72),
    ("30062", 134, 198.94),
    ("30064", 339, 302.39),
    ("30065", 458, 410.16),
    ("30067", 22, 45.87),
    ("30068", 2, 9.67),
    ("30069", 160, 212.34),
    ("30073", 87, 38.92),
    ("30078", 55, 31.74),
    ("30080", 252, 285.64),
    ("30083", 174, 186.66),
    ("30084", 43, 33.98),
    ("30085", 228, 255.65),
    ("30086", 210, 242.03),
    ("30087", 321, 279.48),
    ("30088", 631, 619.26),
    ("30089", 543, 626.13),
    ("30092", 105, 145.67),
    ("30093", 389, 413.86),
    ("30094", 92, 111.26),
    ("32000", 1012, 685.59),
    ("32002", 283, 181.11),
    ("32003", 95, 24.81),
]

KINDS = [
    (FunnelKind.PROPORTION, RatioMethod.SHMI),
    (FunnelKind.RATIO, RatioMethod.SHMI),
    (FunnelKind.STANDARDISED_RATIO, RatioMethod.SHMI),
    (FunnelKind.STANDARDISED_RATIO, RatioMethod.CQC),
]


def _medpar(overdispersion: Overdispersion) -> Funnel:
    names, observed, expected = zip(*MEDPAR, strict=True)
    return funnel(
        names, observed, expected, kind="standardised_ratio", overdispersion=overdispersion
    )


class TestFunnelPlotRExamples:
    def test_the_dispersion_ratio_of_its_test_data(self) -> None:
        """FunnelPlotR's test-classes_methods.R: φ = 2.948033 (SR, SHMI method, 10% trim)."""
        result = funnel(FPR_UNITS, FPR_OBSERVED, FPR_EXPECTED, kind="standardised_ratio")

        assert round(result.phi, 6) == 2.948033
        assert result.target == 1.0

    def test_the_poisson_limits_of_its_test_data(self) -> None:
        """FunnelPlotR's test-poisson_limits.R: exact limits at 15, 20 and 30 expected."""
        shape = funnel(["x"], [15], [15], kind="standardised_ratio")
        expected = {
            15: (0.5596924, 1.649348, 0.3862650, 2.082907),
            20: (0.6108260, 1.544419, 0.4479107, 1.902094),
            30: (0.6746958, 1.427562, 0.5289724, 1.702771),
        }
        for size, (low95, high95, low998, high998) in expected.items():
            limits = shape.limits_at(size)

            assert round(limits.lower_95, 7) == low95
            assert round(limits.upper_95, 6) == high95
            assert round(limits.lower_99_8, 7) == low998
            assert round(limits.upper_99_8, 6) == high998

    def test_unadjusted_limits_are_narrower_than_adjusted(self) -> None:
        """test-funnel_plot.R: unit e's unadjusted 95% lower limit is above its adjusted one."""
        plain = funnel(FPR_UNITS, FPR_OBSERVED, FPR_EXPECTED, kind="standardised_ratio")
        adjusted = funnel(
            FPR_UNITS,
            FPR_OBSERVED,
            FPR_EXPECTED,
            kind="standardised_ratio",
            overdispersion="additive",
        )

        assert adjusted.adjusted
        assert plain.unit("e").limits.lower_95 > adjusted.unit("e").limits.lower_95

    def test_medpar_has_25_outliers_on_poisson_limits(self) -> None:
        """README: "A funnel plot object with 54 points of which 25 are outliers" (99.8%)."""
        result = _medpar(Overdispersion.NONE)

        assert len(result.units) == 54
        assert sum(unit.position.outside_99_8 for unit in result.units) == 25
        assert not result.adjusted

    def test_medpar_has_9_outliers_with_the_shmi_adjustment(self) -> None:
        """README: "54 points of which 9 are outliers. Plot is adjusted for overdispersion"."""
        result = _medpar(Overdispersion.ADDITIVE)

        assert result.adjusted
        assert sum(unit.position.outside_99_8 for unit in result.units) == 9
        assert result.phi > 1
        assert result.tau2 > 0

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (1.0, FunnelPosition.WITHIN_95),
            (0.95, FunnelPosition.WITHIN_95),
            (1.05, FunnelPosition.WITHIN_95),
            (0.8, FunnelPosition.BELOW_95),
            (1.2, FunnelPosition.ABOVE_95),
            (0.6, FunnelPosition.BELOW_95),
            (1.4, FunnelPosition.ABOVE_95),
            (0.4, FunnelPosition.BELOW_99_8),
            (1.6, FunnelPosition.ABOVE_99_8),
            (0.0, FunnelPosition.BELOW_99_8),
            (1.1, FunnelPosition.WITHIN_95),
            (0.59, FunnelPosition.BELOW_95),
        ],
    )
    def test_positions_count_the_limits_as_inside(
        self, value: float, expected: FunnelPosition
    ) -> None:
        """test-outliers_func.R's limits (0.9-1.1 and 0.59-1.41): a value on a limit is inside."""
        from pathway_model.stats._funnel import _position

        limits = FunnelLimits(
            denominator=1.0, lower_95=0.9, upper_95=1.1, lower_99_8=0.59, upper_99_8=1.41
        )

        assert _position(value, limits) is expected


class TestHandWorkedLimits:
    def test_proportions_by_the_arcsine_transform(self) -> None:
        """10/25, 20/100 and 60/400 around the pooled 90/525, worked by hand.

        Centre asin(√(90/525)) = 0.426887; at n = 25, s = 1/(2·5) = 0.1, so the 95%
        limits are sin(0.426887 ∓ 1.959964·0.1)² = 0.052370 and 0.340332. The z-scores
        are (asin(√p) - 0.426887) / s: 2.578320, 0.735209, -1.167510. Winsorised at 10%
        (linear quantiles -0.787018 and 2.209698) their mean square is φ = 2.014204.
        """
        result = funnel(["a", "b", "c"], [10, 20, 60], [25, 100, 400], kind="proportion")
        a = result.unit("a")

        assert result.target == pytest.approx(90 / 525, rel=1e-15)
        assert (a.limits.lower_95, a.limits.upper_95) == pytest.approx(
            (0.052370, 0.340332), abs=5e-7
        )
        assert [unit.z_score for unit in result.units] == pytest.approx(
            [2.578320, 0.735209, -1.167510], abs=5e-7
        )
        assert result.phi == pytest.approx(2.014204, abs=5e-7)
        assert [unit.position for unit in result.units] == [
            FunnelPosition.ABOVE_95,
            FunnelPosition.WITHIN_95,
            FunnelPosition.WITHIN_95,
        ]

    def test_proportion_limits_stop_at_0_and_1(self) -> None:
        """Where the angle leaves the quarter turn, the limit is 0 or 1, never folded back."""
        result = funnel(["a", "b"], [1, 1], [2, 2], kind="proportion")
        limits = result.limits_at(2)

        assert (limits.lower_99_8, limits.upper_99_8) == (0.0, 1.0)
        assert 0 < result.limits_at(200).lower_99_8 < result.limits_at(200).upper_99_8 < 1

    def test_ratios_by_the_log_transform(self) -> None:
        """Ratio limits are exp(log r̄ ± z·s) with s = 1/(2√n), as FunnelPlotR draws them.

        At n = 100 around r̄ = 90/525: exp(log 0.171429 ∓ 1.959964·0.05) = 0.155426 and
        0.189079. The z-score of 10 on 25 uses s = √(10/10.5² + 25/25.5²) = 0.357008:
        (log(10.5/25.5) - log 0.171429) / 0.357008 = 2.438366.
        """
        result = funnel(["a", "b", "c"], [10, 20, 60], [25, 100, 400], kind="ratio")
        limits = result.limits_at(100)

        assert (limits.lower_95, limits.upper_95) == pytest.approx((0.155426, 0.189079), abs=5e-7)
        assert result.unit("a").z_score == pytest.approx(2.438366, abs=5e-7)

    def test_cqc_limits_are_squared_back_to_the_ratio_scale(self) -> None:
        """The CQC method's limits are (1 ± z·√(s² + τ²))² with s = 1/(2√E) (Spiegelhalter 2005).

        FunnelPlotR 0.6 leaves them on the square-root scale (its issue #33); squared, they
        sit on the same scale as the ratios they are compared with.
        """
        result = funnel(
            FPR_UNITS,
            FPR_OBSERVED,
            FPR_EXPECTED,
            kind="standardised_ratio",
            ratio_method="cqc",
            overdispersion="additive",
        )
        spread = math.sqrt(1 / (4 * 100) + result.tau2)
        limits = result.limits_at(100)

        assert result.adjusted
        assert limits.lower_95 == pytest.approx((1 - 1.959963984540054 * spread) ** 2, rel=1e-12)
        assert limits.upper_99_8 == pytest.approx((1 + 3.090232306167813 * spread) ** 2, rel=1e-12)

    def test_multiplicative_adjustment_scales_the_standard_error(self) -> None:
        """Multiplicative limits use √φ·s: exp(±z·√φ/√E) for the SHMI method."""
        result = funnel(
            FPR_UNITS,
            FPR_OBSERVED,
            FPR_EXPECTED,
            kind="standardised_ratio",
            overdispersion="multiplicative",
        )
        limits = result.limits_at(100)
        spread = math.sqrt(result.phi) / 10

        assert limits.upper_95 == pytest.approx(math.exp(1.959963984540054 * spread), rel=1e-12)
        assert result.unit("b").adjusted_z_score == pytest.approx(
            result.unit("b").z_score / math.sqrt(result.phi), rel=1e-12
        )

    def test_additive_tau2_by_dersimonian_and_laird(self) -> None:
        """τ² = (nφ - (n - 1)) / (Σw - Σw²/Σw), w = 1/s² = E for the SHMI method."""
        result = funnel(FPR_UNITS, FPR_OBSERVED, FPR_EXPECTED, kind="standardised_ratio")
        weights = FPR_EXPECTED
        n = len(weights)
        spread = sum(weights) - sum(w * w for w in weights) / sum(weights)

        assert result.tau2 == pytest.approx((n * result.phi - (n - 1)) / spread, rel=1e-12)


class TestTrimming:
    def test_winsorising_trims_two_at_each_end_of_twenty(self) -> None:
        """Of 20 z-scores, 10% Winsorising moves the 2 lowest and the 2 highest."""
        denominators = [100 + 10 * i for i in range(20)]
        numerators = [d // 5 + (i - 10) for i, d in enumerate(denominators)]
        names = [f"u{i:02d}" for i in range(20)]
        result = funnel(names, numerators, denominators, kind="proportion")
        by_z = sorted(result.units, key=lambda unit: unit.z_score or 0.0)

        assert [unit.trimmed for unit in by_z] == [True] * 2 + [False] * 16 + [True] * 2

    def test_shmi_truncation_leaves_out_the_outer_groups(self) -> None:
        """SHMI truncation of 20: ranks r with floor(10r/21) of 0 or 9 (1, 2, 19, 20) go."""
        expected = [50.0 + 5 * i for i in range(20)]
        observed = [round(e * (0.7 + 0.03 * i)) for i, e in enumerate(expected)]
        names = [f"u{i:02d}" for i in range(20)]
        result = funnel(names, observed, expected, kind="standardised_ratio")
        by_z = sorted(result.units, key=lambda unit: unit.z_score or 0.0)

        assert [unit.trimmed for unit in by_z] == [True] * 2 + [False] * 16 + [True] * 2

    def test_a_unit_with_no_events_has_no_log_z_score(self) -> None:
        """By the SHMI method log(0) is not a number: no z-score, left out of φ, still placed."""
        result = funnel(
            ["a", "b", "c", "d"], [0, 10, 12, 9], [8.0, 10.0, 11.0, 10.0], kind="standardised_ratio"
        )
        none = result.unit("a")

        assert (none.z_score, none.trimmed, none.value) == (None, True, 0.0)
        assert math.isfinite(result.phi)
        assert none.position is FunnelPosition.BELOW_99_8

    def test_no_overdispersion_keeps_the_unadjusted_limits(self) -> None:
        """With φ of 1 or below, asking for an adjustment changes nothing (as FunnelPlotR)."""
        names = ["a", "b", "c", "d"]
        plain = funnel(names, [50, 50, 50, 50], [50, 50, 50, 50], kind="standardised_ratio")
        asked = funnel(
            names,
            [50, 50, 50, 50],
            [50, 50, 50, 50],
            kind="standardised_ratio",
            overdispersion="additive",
        )

        assert asked.phi <= 1
        assert not asked.adjusted
        assert [unit.limits for unit in asked.units] == [unit.limits for unit in plain.units]


@st.composite
def _units(draw: st.DrawFn, kind: FunnelKind) -> tuple[list[str], list[int], list[float]]:
    size = draw(st.integers(1, 25))
    denominators = draw(st.lists(st.integers(1, 5_000), min_size=size, max_size=size))
    numerators = [draw(st.integers(0, d)) for d in denominators]
    if kind is FunnelKind.RATIO and not any(numerators):
        numerators[0] = 1
    return [f"P{i:03d}" for i in range(size)], numerators, [float(d) for d in denominators]


class TestInvariants:
    @pytest.mark.parametrize(("kind", "method"), KINDS)
    @pytest.mark.parametrize("overdispersion", list(Overdispersion))
    @given(data=st.data())
    def test_limits_widen_as_the_denominator_shrinks(
        self,
        kind: FunnelKind,
        method: RatioMethod,
        overdispersion: Overdispersion,
        data: st.DataObject,
    ) -> None:
        """At a smaller denominator every lower limit is no higher and every upper no lower."""
        names, numerators, denominators = data.draw(_units(kind))
        result = funnel(
            names,
            numerators,
            denominators,
            kind=kind,
            overdispersion=overdispersion,
            ratio_method=method,
        )
        small, large = sorted(data.draw(st.lists(st.floats(1, 1e5), min_size=2, max_size=2)))
        near, far = result.limits_at(small), result.limits_at(large)

        assert near.lower_99_8 <= far.lower_99_8 + 1e-12
        assert near.lower_95 <= far.lower_95 + 1e-12
        assert near.upper_95 >= far.upper_95 - 1e-12
        assert near.upper_99_8 >= far.upper_99_8 - 1e-12
        assert far.lower_99_8 <= far.lower_95 <= far.upper_95 <= far.upper_99_8

    @pytest.mark.parametrize(("kind", "method"), KINDS)
    @given(data=st.data())
    def test_the_target_lies_within_every_limit(
        self, kind: FunnelKind, method: RatioMethod, data: st.DataObject
    ) -> None:
        """The centre line lies within the 95% limits at every unit's denominator."""
        names, numerators, denominators = data.draw(_units(kind))
        result = funnel(names, numerators, denominators, kind=kind, ratio_method=method)

        for unit in result.units:
            assert unit.limits.lower_95 <= result.target <= unit.limits.upper_95

    @pytest.mark.parametrize(("kind", "method"), KINDS)
    @given(data=st.data())
    def test_any_order_gives_an_equal_funnel(
        self, kind: FunnelKind, method: RatioMethod, data: st.DataObject
    ) -> None:
        """The same units in another order give an equal funnel, units sorted by name."""
        names, numerators, denominators = data.draw(_units(kind))
        rows = list(zip(names, numerators, denominators, strict=True))
        random.Random(data.draw(st.integers(0, 100))).shuffle(rows)
        shuffled = [list(column) for column in zip(*rows, strict=True)]
        first = funnel(names, numerators, denominators, kind=kind, ratio_method=method)
        again = funnel(*shuffled, kind=kind, ratio_method=method)

        assert first.phi == pytest.approx(again.phi, rel=1e-12)
        assert [u.unit for u in again.units] == sorted(names)
        assert [u.position for u in again.units] == [u.position for u in first.units]

    @pytest.mark.parametrize(("kind", "method"), KINDS)
    @given(data=st.data())
    def test_positions_follow_the_limits(
        self, kind: FunnelKind, method: RatioMethod, data: st.DataObject
    ) -> None:
        """A unit is outside the 99.8% limits only if it is outside the 95% ones, on one side."""
        names, numerators, denominators = data.draw(_units(kind))
        result = funnel(names, numerators, denominators, kind=kind, ratio_method=method)

        for unit in result.units:
            within = unit.limits.lower_95 <= unit.value <= unit.limits.upper_95
            assert within == (unit.position is FunnelPosition.WITHIN_95)
            assert not unit.position.outside_99_8 or unit.position.outside_95


class TestArguments:
    @pytest.mark.parametrize(
        ("arguments", "kind", "path"),
        [
            ((["a", "a"], [1, 2], [5, 5]), ValidationError, "units[1]"),
            ((["a", 2], [1, 2], [5, 5]), WrongTypeError, "units[1]"),
            ((["a", "b"], [1], [5, 5]), ValidationError, "numerators"),
            ((["a", "b"], [1, 6], [5, 5]), ValidationError, "numerators[1]"),
            ((["a", "b"], [1, 2], [5, 0]), ValidationError, "denominators[1]"),
            ((["a", "b"], [1, -2], [5, 5]), ValidationError, "numerators[1]"),
            (([], [], []), ValidationError, "units"),
        ],
    )
    def test_bad_inputs_are_named(
        self,
        arguments: tuple[list[object], list[float], list[float]],
        kind: type[Exception],
        path: str,
    ) -> None:
        """Each bad input raises the library's error, naming where it is."""
        with pytest.raises(kind) as caught:
            funnel(*arguments, kind="proportion")  # type: ignore[arg-type]

        assert str(caught.value).startswith(f"{path}:")

    def test_an_unknown_kind_is_named_with_the_known_ones(self) -> None:
        """A misspelt kind lists the kinds there are."""
        with pytest.raises(UnknownCodeError, match="'proportion', 'ratio', 'standardised_ratio'"):
            funnel(["a"], [1], [2], kind="proportions")

    def test_a_ratio_funnel_needs_some_events(self) -> None:
        """No events at all leave a ratio funnel without a centre: refused, not drawn at 0."""
        with pytest.raises(ValidationError, match="at least one event"):
            funnel(["a", "b"], [0, 0], [5, 5], kind="ratio")

    def test_trim_must_leave_a_middle(self) -> None:
        """A trim of half or more would leave no z-scores: refused."""
        with pytest.raises(ValidationError, match="trim"):
            funnel(["a"], [1], [2], kind="proportion", trim=0.5)

    def test_an_unknown_unit_is_an_unknown_code(self) -> None:
        """Asking a funnel for a unit it lacks names the units it has."""
        result = funnel(["a", "b"], [1, 2], [5, 5], kind="proportion")

        with pytest.raises(UnknownCodeError, match="'a', 'b'"):
            result.unit("c")

    def test_results_hold_plain_python_numbers(self) -> None:
        """Figures and limits are Python floats, never numpy scalars."""
        import numpy as np

        result = funnel(
            np.array(["a", "b"]).tolist(),
            np.array([3, 4]),
            np.array([10.0, 20.0]),
            kind="proportion",
        )
        unit = result.units[0]

        assert {type(v) for v in (result.phi, result.tau2, result.target, unit.value)} == {float}
        assert {type(v) for v in (unit.limits.lower_95, unit.limits.upper_99_8)} == {float}
