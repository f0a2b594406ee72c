"""Funnel plots for comparing providers (Spiegelhalter 2005), as NHS-R's FunnelPlotR draws them.

A funnel places each unit's figure against control limits that depend on its size, so a
small provider is not called an outlier for a difference that chance explains. Three
kinds of figure are covered, each with FunnelPlotR's transformation:

- proportions: the arcsine square-root transform, around the pooled proportion;
- ratios of counts: the log transform, around the pooled ratio;
- indirectly standardised ratios (observed over expected): exact Poisson limits, or with
  overdispersion the log transform and truncated z-scores (the SHMI method) or the
  square-root transform and Winsorised z-scores (the CQC method).

Overdispersion (more spread between units than chance gives) is estimated from
Winsorised (or truncated) z-scores; the limits are then widened multiplicatively (by the
square root of the dispersion ratio) or additively (a random-effects variance added to
each unit's own). The formulas, where this module differs from FunnelPlotR and why, and
the published examples they were checked against are on the docs page "Domain facts
and sources", section "Statistical methods".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from enum import Enum
from typing import TYPE_CHECKING

import attrs

from pathway_model.errors import Problem, ValidationError
from pathway_model.model._seam import show_code, show_number, type_name
from pathway_model.stats._support import choice, items, need, real, reals, z_value

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    _Array = npt.NDArray[np.float64]

__all__ = [
    "Funnel",
    "FunnelKind",
    "FunnelLimits",
    "FunnelPosition",
    "FunnelUnit",
    "Overdispersion",
    "RatioMethod",
    "funnel",
]


class FunnelKind(Enum):
    """What a funnel compares."""

    PROPORTION = "proportion"
    """A proportion: numerator out of denominator, such as people ready to move on out of
    people in care (FunnelPlotR's ``"PR"``)."""
    RATIO = "ratio"
    """A ratio of two counts, such as ready days to bed days (FunnelPlotR's ``"RC"``)."""
    STANDARDISED_RATIO = "standardised_ratio"
    """An indirectly standardised ratio: observed events over the number expected (from a
    national rate or a case-mix model), centred on 1 (FunnelPlotR's ``"SR"``). A rate per
    bed day is compared this way, with the national rate times the unit's bed days as
    the expected number."""


class RatioMethod(Enum):
    """How an indirectly standardised ratio's overdispersion is estimated and drawn."""

    SHMI = "shmi"
    """The log transform, with the most extreme z-scores truncated (left out), as NHS
    Digital's Summary Hospital-level Mortality Indicator does; FunnelPlotR's default."""
    CQC = "cqc"
    """The square-root transform, with the most extreme z-scores Winsorised, as the Care
    Quality Commission's surveillance (Spiegelhalter et al. 2012) does."""


class Overdispersion(Enum):
    """Whether and how the limits are widened for overdispersion."""

    NONE = "none"
    """No adjustment: the limits chance alone gives."""
    MULTIPLICATIVE = "multiplicative"
    """Each unit's standard error times the square root of the dispersion ratio φ
    (Spiegelhalter 2005)."""
    ADDITIVE = "additive"
    """A between-unit variance τ² added to each unit's own (a random-effects model,
    DerSimonian and Laird 1986), as FunnelPlotR does."""


class FunnelPosition(Enum):
    """Where a unit's figure lies against the 95% and 99.8% limits (limits count as inside)."""

    ABOVE_99_8 = "above_99_8"
    """Above the upper 99.8% limit (and so the 95% one too)."""
    ABOVE_95 = "above_95"
    """Above the upper 95% limit, within the 99.8% ones."""
    WITHIN_95 = "within_95"
    """Within the 95% limits: no evidence of a difference."""
    BELOW_95 = "below_95"
    """Below the lower 95% limit, within the 99.8% ones."""
    BELOW_99_8 = "below_99_8"
    """Below the lower 99.8% limit (and so the 95% one too)."""

    @property
    def outside_95(self) -> bool:
        """Whether the figure lies outside the 95% limits."""
        return self is not FunnelPosition.WITHIN_95

    @property
    def outside_99_8(self) -> bool:
        """Whether the figure lies outside the 99.8% limits."""
        return self in (FunnelPosition.ABOVE_99_8, FunnelPosition.BELOW_99_8)


@attrs.frozen(kw_only=True)
class FunnelLimits:
    """The funnel's limits at one denominator (expected count, for a standardised ratio).

    Attributes:
        denominator: Where the limits are taken.
        lower_95: The lower 95% limit.
        upper_95: The upper 95% limit.
        lower_99_8: The lower 99.8% limit.
        upper_99_8: The upper 99.8% limit.
    """

    denominator: float
    lower_95: float
    upper_95: float
    lower_99_8: float
    upper_99_8: float


@attrs.frozen(kw_only=True)
class FunnelUnit:
    """One unit (a provider) on a funnel.

    Attributes:
        unit: The unit's name.
        numerator: Its numerator (observed events, for a standardised ratio).
        denominator: Its denominator (expected events, for a standardised ratio).
        value: Its figure: ``numerator / denominator``.
        z_score: Its z-score on the transformed scale, before any adjustment; ``None``
            for a standardised ratio by the SHMI method with no events (the log of 0 is
            not a number).
        adjusted_z_score: The z-score after the overdispersion adjustment (equal to
            ``z_score`` when the limits are not adjusted).
        trimmed: Whether the unit's z-score was Winsorised (or, by the SHMI method,
            truncated) when the dispersion ratio was estimated.
        limits: The limits at its denominator: those the funnel draws (adjusted when
            `Funnel.adjusted`).
        position: Where its figure lies against them.
    """

    unit: str
    numerator: float
    denominator: float
    value: float
    z_score: float | None
    adjusted_z_score: float | None
    trimmed: bool
    limits: FunnelLimits
    position: FunnelPosition


@attrs.frozen(kw_only=True)
class Funnel:
    """A funnel plot's numbers: the target, the dispersion, and each unit's place.

    Attributes:
        kind: What the funnel compares.
        ratio_method: For a standardised ratio, how overdispersion is handled; else
            ``None``.
        overdispersion: The adjustment asked for.
        trim: The share of z-scores Winsorised (or truncated) at each end when the
            dispersion ratio is estimated, e.g. 0.1.
        target: The centre line: the pooled proportion or ratio, or 1 for a
            standardised ratio.
        phi: The dispersion ratio φ: the mean squared (Winsorised or truncated) z-score.
            About 1 when chance explains the spread; above 1 means overdispersion.
        tau2: The between-unit variance τ² (DerSimonian and Laird), on the transformed
            scale; 0 when there is no overdispersion.
        adjusted: Whether the limits were widened: an adjustment was asked for and φ is
            above 1. As in FunnelPlotR, a funnel with φ of 1 or below keeps the
            unadjusted limits whatever was asked.
        units: The units, by name.
    """

    kind: FunnelKind
    ratio_method: RatioMethod | None
    overdispersion: Overdispersion
    trim: float
    target: float
    phi: float
    tau2: float
    adjusted: bool
    units: tuple[FunnelUnit, ...]

    def limits_at(self, denominator: float) -> FunnelLimits:
        """The funnel's limits at a denominator, to draw the funnel at any size.

        Args:
            denominator: The denominator (expected events, for a standardised ratio),
                above 0.

        Raises:
            ValidationError: The denominator is not a number above 0.
        """
        size = real(denominator, "denominator", above=0)
        return _limits_of(self, [size])[0]

    def unit(self, name: str) -> FunnelUnit:
        """The unit named ``name``.

        Raises:
            UnknownCodeError: The funnel has no unit of that name.
        """
        for unit in self.units:
            if unit.unit == name:
                return unit
        from pathway_model.errors import UnknownCodeError  # noqa: PLC0415 - rare path

        raise UnknownCodeError("unit", name, [unit.unit for unit in self.units])


#: The two-sided normal quantiles of the 95% and 99.8% limits (1.959964, 3.090232).
_Z95 = z_value(0.95)
_Z998 = z_value(0.998)


def funnel(
    units: Sequence[str],
    numerators: Sequence[float],
    denominators: Sequence[float],
    *,
    kind: FunnelKind | str,
    overdispersion: Overdispersion | str = Overdispersion.NONE,
    ratio_method: RatioMethod | str = RatioMethod.SHMI,
    trim: float = 0.1,
) -> Funnel:
    """Place units on a funnel plot (Spiegelhalter 2005), as NHS-R's FunnelPlotR does.

    The limits are FunnelPlotR's: for a proportion,
    ``sin(asin(√p̄) ± z·√(s² + τ²))²`` with ``s = 1 / (2√n)`` (0 and 1 where the angle
    leaves the quarter turn); for a ratio of counts, ``exp(log(r̄) ± z·√(s² + τ²))``;
    for a standardised ratio without adjustment, the exact Poisson limits
    ``qchisq(a/2, 2E) / 2E`` and ``qchisq(1 - a/2, 2E + 2) / 2E`` (``a`` is 0.05 or
    0.002), and with it
    ``exp(±z·√(1/E + τ²))`` (SHMI) or ``(1 ± z·√(s² + τ²))²`` (CQC, squared back to the
    ratio scale as Spiegelhalter 2005 does; FunnelPlotR 0.6 leaves it unsquared). A
    multiplicative adjustment uses ``√φ·s`` in place of ``√(s² + τ²)``. Method, where it
    differs from FunnelPlotR, and sources: "Domain facts and sources", section
    "Statistical methods".

    Args:
        units: The units' names (such as providers), each once.
        numerators: Each unit's numerator (observed events, for a standardised ratio):
            finite, at least 0.
        denominators: Each unit's denominator (expected events, for a standardised
            ratio): finite, above 0, and for a proportion at least the numerator.
        kind: What is compared (a `FunnelKind` or its code).
        overdispersion: Whether and how to widen the limits for overdispersion.
        ratio_method: For a standardised ratio, the SHMI or the CQC method (ignored for
            other kinds).
        trim: The share of z-scores Winsorised (or truncated) at each end when the
            dispersion ratio is estimated: from 0 to below 0.5; 0.1 as FunnelPlotR.

    Returns:
        The funnel, its units sorted by name, so the same units in any order give equal
        results.

    Raises:
        ValidationError: The inputs are not one of each per unit, a name is repeated, a
            number is negative or not finite, a denominator is not above 0, a proportion's
            numerator exceeds its denominator, a ratio funnel has no events at all, or
            ``trim`` is out of range.
        WrongTypeError: A name is not text, or a number not a number.
        UnknownCodeError: ``kind``, ``overdispersion`` or ``ratio_method`` is not a known
            code.

    Examples:
        >>> result = funnel(["a", "b", "c", "d", "e", "f"],
        ...                 [100, 150, 180, 80, 120, 225],
        ...                 [108, 112, 165, 95, 100, 220],
        ...                 kind="standardised_ratio")
        >>> round(result.phi, 6)
        2.948033
        >>> result.unit("b").position.value
        'above_99_8'
    """
    what = choice(FunnelKind, kind, "kind")
    widen = choice(Overdispersion, overdispersion, "overdispersion")
    method = choice(RatioMethod, ratio_method, "ratio_method")
    share = real(trim, "trim", minimum=0)
    if share >= 0.5:
        raise ValidationError.single("trim", "a share from 0 to below 0.5", show_number(trim))
    names = _names(units)
    observed = reals(numerators, "numerators", minimum=0)
    expected = reals(denominators, "denominators", above=0)
    _check_lengths(names, observed, expected, what)
    order = sorted(range(len(names)), key=names.__getitem__)
    names = [names[i] for i in order]
    observed = [observed[i] for i in order]
    expected = [expected[i] for i in order]
    return _build(names, observed, expected, what=what, widen=widen, method=method, share=share)


def _names(units: object) -> list[str]:
    given = items(units, "units", "a sequence of names")
    problems = [
        Problem(
            path=f"units[{index}]", expected="a name (str)", found=type_name(name), wrong_type=True
        )
        for index, name in enumerate(given)
        if not isinstance(name, str)
    ]
    if problems:
        raise ValidationError.of(problems)
    names = [str(name) for name in given]
    seen: set[str] = set()
    repeated: list[Problem] = []
    for index, name in enumerate(names):
        if name in seen:
            repeated.append(
                Problem(
                    path=f"units[{index}]",
                    expected="each unit once",
                    found=f"{show_code(name)} again",
                )
            )
        seen.add(name)
    if repeated:
        raise ValidationError(repeated)
    if not names:
        raise ValidationError.single("units", "at least one unit", "none")
    return names


def _check_lengths(
    names: list[str], observed: list[float], expected: list[float], what: FunnelKind
) -> None:
    problems = [
        Problem(
            path=path,
            expected=f"one number per unit ({len(names)})",
            found=f"{len(values)} numbers",
        )
        for path, values in (("numerators", observed), ("denominators", expected))
        if len(values) != len(names)
    ]
    if problems:
        raise ValidationError(problems)
    if what is FunnelKind.PROPORTION:
        problems = [
            Problem(
                path=f"numerators[{index}]",
                expected=f"at most the denominator ({show_number(d)})",
                found=show_number(o),
            )
            for index, (o, d) in enumerate(zip(observed, expected, strict=True))
            if o > d
        ]
        if problems:
            raise ValidationError(problems)
    if what is FunnelKind.RATIO and not any(observed):
        raise ValidationError.single(
            "numerators", "at least one event across the units, for a ratio's centre", "none"
        )


def _build(
    names: list[str],
    observed_list: list[float],
    expected_list: list[float],
    *,
    what: FunnelKind,
    widen: Overdispersion,
    method: RatioMethod,
    share: float,
) -> Funnel:
    need("numpy")
    import numpy as np  # noqa: PLC0415 - an optional dependency

    observed = np.asarray(observed_list, dtype=float)
    expected = np.asarray(expected_list, dtype=float)
    ratio_method = method if what is FunnelKind.STANDARDISED_RATIO else None
    target = (
        1.0
        if what is FunnelKind.STANDARDISED_RATIO
        else math.fsum(observed_list) / math.fsum(expected_list)
    )
    z, s = _z_scores(observed, expected, what, ratio_method, target)
    if ratio_method is RatioMethod.SHMI:
        kept, trimmed, wz = _truncate(z, share)
    else:
        kept, trimmed, wz = _winsorise(z, share)
    phi, tau2 = _dispersion(wz[kept], s[kept])
    adjusted = widen is not Overdispersion.NONE and phi > 1
    shell = Funnel(
        kind=what,
        ratio_method=ratio_method,
        overdispersion=widen,
        trim=share,
        target=target,
        phi=phi,
        tau2=tau2,
        adjusted=adjusted,
        units=(),
    )
    limits = _limits_of(shell, expected_list)
    if not adjusted:
        adjusted_z = z
    elif widen is Overdispersion.MULTIPLICATIVE:
        adjusted_z = z / math.sqrt(phi)
    else:
        adjusted_z = z * s / np.sqrt(s * s + tau2)
    values = observed / expected
    units = tuple(
        FunnelUnit(
            unit=name,
            numerator=float(o),
            denominator=float(e),
            value=float(value),
            z_score=_finite(zi),
            adjusted_z_score=_finite(azi),
            trimmed=bool(cut),
            limits=limit,
            position=_position(float(value), limit),
        )
        for name, o, e, value, zi, azi, cut, limit in zip(
            names,
            observed_list,
            expected_list,
            values.tolist(),
            z.tolist(),
            adjusted_z.tolist(),
            trimmed.tolist(),
            limits,
            strict=True,
        )
    )
    return attrs.evolve(shell, units=units)


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _z_scores(
    observed: _Array,
    expected: _Array,
    what: FunnelKind,
    method: RatioMethod | None,
    target: float,
) -> tuple[_Array, _Array]:
    """Each unit's z-score on the transformed scale, and its standard error there."""
    import numpy as np  # noqa: PLC0415 - an optional dependency

    with np.errstate(divide="ignore"):
        if what is FunnelKind.PROPORTION:
            y = np.arcsin(np.sqrt(observed / expected))
            centre = math.asin(math.sqrt(target))
            s = 1 / (2 * np.sqrt(expected))
        elif what is FunnelKind.RATIO:
            y = np.log((observed + 0.5) / (expected + 0.5))
            centre = math.log(target)
            s = np.sqrt(observed / (observed + 0.5) ** 2 + expected / (expected + 0.5) ** 2)
        elif method is RatioMethod.SHMI:
            y = np.log(observed / expected)
            centre = 0.0
            s = 1 / np.sqrt(expected)
        else:
            y = np.sqrt(observed / expected)
            centre = 1.0
            s = 1 / (2 * np.sqrt(expected))
    return (y - centre) / s, s


def _average_ranks(values: _Array) -> _Array:
    """Ranks from 1, ties given their average rank (R's ``rank``, ties "average")."""
    import numpy as np  # noqa: PLC0415 - an optional dependency

    order = np.argsort(values, kind="stable")
    ranks = np.empty(values.size)
    sorted_values = values[order]
    start = 0
    for end in range(1, values.size + 1):
        if end == values.size or sorted_values[end] != sorted_values[start]:
            ranks[order[start:end]] = (start + 1 + end) / 2
            start = end
    return ranks


def _truncate(
    z: _Array, share: float
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_], _Array]:
    """The SHMI truncation: the units in the outer ``share`` of ranks at each end are left out.

    FunnelPlotR's rule: with ``k = 1 / share`` groups, a unit of rank ``r`` among ``n`` is
    in group ``floor(r·k / (n + 1))``; the first and last groups are left out. A unit
    whose z-score is not finite (no events) is left out as well.
    """
    import numpy as np  # noqa: PLC0415 - an optional dependency

    finite = np.isfinite(z)
    if share == 0:
        kept = finite
    else:
        groups = 1 / share
        group = np.floor(_average_ranks(z) * groups / (z.size + 1))
        kept = (group > 0) & (group < groups - 1) & finite
    return kept, ~kept, np.where(kept, z, 0.0)


def _winsorise(
    z: _Array, share: float
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_], _Array]:
    """Winsorisation: z-scores beyond the ``share`` and ``1 - share`` quantiles are set to them.

    The quantiles are R's default (type 7), which is numpy's default (linear).
    """
    import numpy as np  # noqa: PLC0415 - an optional dependency

    kept = np.ones(z.size, dtype=bool)
    low, high = np.quantile(z, [share, 1 - share])
    trimmed = ~((z > low) & (z < high)) if share > 0 else np.zeros(z.size, dtype=bool)
    return kept, trimmed, np.clip(z, low, high)


def _dispersion(z: _Array, s: _Array) -> tuple[float, float]:
    """The dispersion ratio φ and the between-unit variance τ² (DerSimonian and Laird).

    ``φ = Σz² / n``; ``τ² = (nφ - (n - 1)) / (Σw - Σw² / Σw)`` with ``w = 1 / s²``, and
    0 when ``nφ < n - 1``, as FunnelPlotR computes them. One unit alone gives no
    between-unit variance (τ² = 0).
    """
    n = z.size
    if n == 0:
        return 0.0, 0.0
    phi = float((z * z).sum() / n)
    weights = 1 / (s * s)
    spread = float(weights.sum() - (weights * weights).sum() / weights.sum())
    if n * phi < n - 1 or spread <= 0:
        return phi, 0.0
    return phi, max(0.0, (n * phi - (n - 1)) / spread)


def _limits_of(shape: Funnel, denominators: Sequence[float]) -> list[FunnelLimits]:
    """The funnel's limits at each denominator, all at once."""
    need("numpy")
    import numpy as np  # noqa: PLC0415 - an optional dependency

    size = np.asarray(denominators, dtype=float)
    low95, high95 = _pair(shape, size, _Z95, 0.95)
    low998, high998 = _pair(shape, size, _Z998, 0.998)
    return [
        FunnelLimits(denominator=d, lower_95=a, upper_95=b, lower_99_8=c, upper_99_8=e)
        for d, a, b, c, e in zip(
            size.tolist(),
            low95.tolist(),
            high95.tolist(),
            low998.tolist(),
            high998.tolist(),
            strict=True,
        )
    ]


def _pair(shape: Funnel, size: _Array, z: float, confidence: float) -> tuple[_Array, _Array]:
    """The lower and upper limits at ``z`` for each denominator in ``size``."""
    import numpy as np  # noqa: PLC0415 - an optional dependency

    within = 1 / (2 * np.sqrt(size))
    if not shape.adjusted:
        spread = within
    elif shape.overdispersion is Overdispersion.MULTIPLICATIVE:
        spread = math.sqrt(shape.phi) * within
    else:
        spread = np.sqrt(within * within + shape.tau2)
    if shape.kind is FunnelKind.PROPORTION:
        centre = math.asin(math.sqrt(shape.target))
        low, high = centre - z * spread, centre + z * spread
        # Past the quarter turn the arcsine transform folds back: the limits stop at 0 and 1.
        lower = np.where(low > 0, np.sin(np.maximum(low, 0)) ** 2, 0.0)
        upper = np.where(high < math.pi / 2, np.sin(np.minimum(high, math.pi / 2)) ** 2, 1.0)
        return lower, upper
    if shape.kind is FunnelKind.RATIO:
        centre = math.log(shape.target)
        with np.errstate(over="ignore"):  # a limit past the largest float is infinite
            return np.exp(centre - z * spread), np.exp(centre + z * spread)
    if not shape.adjusted:
        need("scipy.special")
        from scipy.special import (  # type: ignore[import-untyped]  # noqa: PLC0415 - optional
            gammaincinv,
        )

        alpha = 1 - confidence
        lower = gammaincinv(size, alpha / 2) / size
        upper = gammaincinv(size + 1, 1 - alpha / 2) / size
        return shape.target * lower, shape.target * upper
    if shape.ratio_method is RatioMethod.SHMI:
        # The SHMI method's standard error on the log scale is 1/√E, twice the CQC one.
        spread = (
            spread * 2
            if shape.overdispersion is Overdispersion.MULTIPLICATIVE
            else np.sqrt(1 / size + shape.tau2)
        )
        with np.errstate(over="ignore"):  # a limit past the largest float is infinite
            return np.exp(-z * spread), np.exp(z * spread)
    low, high = 1 - z * spread, 1 + z * spread
    return np.maximum(low, 0.0) ** 2, high**2


def _position(value: float, limits: FunnelLimits) -> FunnelPosition:
    if value > limits.upper_99_8:
        return FunnelPosition.ABOVE_99_8
    if value > limits.upper_95:
        return FunnelPosition.ABOVE_95
    if value < limits.lower_99_8:
        return FunnelPosition.BELOW_99_8
    if value < limits.lower_95:
        return FunnelPosition.BELOW_95
    return FunnelPosition.WITHIN_95
