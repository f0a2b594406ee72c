"""Confidence intervals: proportions, counts and rates, Kaplan-Meier medians, skewed means.

Each function names its method in the result (`IntervalMethod`), and each method is the
one NHS analysts use for that kind of figure. The formulas, their sources and the
published examples they were checked against are listed on the docs page "Domain facts
and sources" (section "Statistical methods").

numpy (and, for exact Poisson limits, scipy) is imported when a function is called.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from enum import Enum
from typing import TYPE_CHECKING

import attrs

from pathway_model.errors import ValidationError
from pathway_model.model._seam import show_number
from pathway_model.stats._support import (
    bools,
    check_confidence,
    need,
    real,
    reals,
    whole,
    z_value,
)

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = [
    "EXACT_BELOW",
    "Interval",
    "IntervalMethod",
    "MedianInterval",
    "count_interval",
    "mean_interval",
    "median_interval",
    "proportion_interval",
    "rate_interval",
]

EXACT_BELOW = 10
"""Counts below this many events get exact Poisson limits; from it on, Byar's method.

The threshold PHE's (now OHID's) Fingertips indicators and the PHEindicatormethods
package use.
"""


class IntervalMethod(Enum):
    """How an interval was made. Each method's source is on "Domain facts and sources"."""

    WILSON = "wilson"
    """Wilson's score interval for a proportion (Wilson 1927; Newcombe and Altman 2000)."""
    EXACT_POISSON = "exact_poisson"
    """Exact Poisson limits for a count, from the chi-squared distribution (Armitage and
    Berry), used below `EXACT_BELOW` events."""
    BYAR = "byar"
    """Byar's approximation to the exact Poisson limits (Breslow and Day 1987), used from
    `EXACT_BELOW` events."""
    BROOKMEYER_CROWLEY = "brookmeyer_crowley"
    """Brookmeyer and Crowley's interval for a Kaplan-Meier median, with the log-log
    transform of the survival curve's pointwise limits."""
    BOOTSTRAP_PERCENTILE = "bootstrap_percentile"
    """The percentile bootstrap for a mean (Efron and Tibshirani 1993), seeded."""


@attrs.frozen(kw_only=True)
class Interval:
    """An estimate with its confidence interval and the method that made it.

    Attributes:
        estimate: The estimate: a proportion, a count, a rate or a mean.
        lower: The lower confidence limit.
        upper: The upper confidence limit.
        confidence: The confidence level, e.g. 0.95.
        method: How the limits were found.

    Examples:
        >>> interval = proportion_interval(65, 100)
        >>> round(interval.lower, 6), round(interval.upper, 6)
        (0.552544, 0.736358)
        >>> interval.method.value
        'wilson'
    """

    estimate: float
    lower: float
    upper: float
    confidence: float
    method: IntervalMethod

    def contains(self, value: float) -> bool:
        """Whether ``value`` lies within the limits (limits included)."""
        return self.lower <= value <= self.upper


@attrs.frozen(kw_only=True)
class MedianInterval:
    """A Kaplan-Meier median with its confidence interval.

    A survival curve need not fall to one half, nor its confidence limits either, when
    many durations are censored; what the data do not reach is ``None``, never made up.

    Attributes:
        estimate: The median: the smallest time at which the Kaplan-Meier estimate is one
            half or below (decided exactly, as the library's Kaplan-Meier curve decides
            it); ``None`` if the curve never falls that far.
        lower: The lower limit: the first time the lower confidence curve is one half or
            below; ``None`` if it never is.
        upper: The upper limit: the first time the upper confidence curve is one half or
            below; ``None`` if it never is (the interval is open above).
        confidence: The confidence level, e.g. 0.95.
        n: How many durations the curve is built from.
        events: How many of them ended (were not censored).
        method: Always `IntervalMethod.BROOKMEYER_CROWLEY`.
    """

    estimate: float | None
    lower: float | None
    upper: float | None
    confidence: float
    n: int
    events: int
    method: IntervalMethod = IntervalMethod.BROOKMEYER_CROWLEY


def proportion_interval(numerator: int, denominator: int, *, confidence: float = 0.95) -> Interval:
    """Wilson's score interval for a proportion, such as a share of people ready to move on.

    With ``p`` the proportion ``numerator / denominator``, ``n`` the denominator and ``z``
    the normal quantile for the confidence level, the limits are
    ``(2np + z² ∓ z·sqrt(z² + 4np(1 - p))) / (2(n + z²))``, as PHE's (now OHID's)
    Fingertips indicators and the PHEindicatormethods package compute them. Unlike the
    normal approximation, the limits stay within 0 and 1 and are sensible for small
    counts. Method and sources: "Domain facts and sources", section "Statistical
    methods".

    Args:
        numerator: How many have the property (whole, at least 0).
        denominator: How many there are (whole, at least 1 and at least ``numerator``).
        confidence: The confidence level, between 0 and 1.

    Returns:
        The proportion (from 0 to 1, not a percentage) and its limits.

    Raises:
        ValidationError: A count is negative, the denominator is 0 or below the
            numerator, or the confidence level is not between 0 and 1.
        WrongTypeError: A count is not a whole number.

    Examples:
        >>> interval = proportion_interval(1045, 5000)
        >>> round(interval.lower, 6), round(interval.upper, 6)
        (0.197955, 0.220491)
        >>> proportion_interval(0, 20).lower
        0.0
    """
    x = whole(numerator, "numerator")
    n = whole(denominator, "denominator", minimum=1)
    level = check_confidence(confidence)
    if x > n:
        raise ValidationError.single(
            "numerator", f"at most the denominator ({n:,})", show_number(numerator)
        )
    z = z_value(level)
    p = x / n
    centre = 2 * x + z * z
    spread = z * math.sqrt(z * z + 4 * x * (1 - p))
    scale = 2 * (n + z * z)
    # The score interval always holds p; the clamps only keep rounding at 0 and 1 out.
    lower = 0.0 if x == 0 else min(max(0.0, (centre - spread) / scale), p)
    upper = 1.0 if x == n else max(min(1.0, (centre + spread) / scale), p)
    return Interval(
        estimate=p, lower=lower, upper=upper, confidence=level, method=IntervalMethod.WILSON
    )


def _count_limits(events: int, z: float, confidence: float) -> tuple[float, float, IntervalMethod]:
    """The limits of a Poisson count: exact below `EXACT_BELOW` events, else Byar's."""
    if events < EXACT_BELOW:
        need("scipy.special")
        from scipy.special import (  # type: ignore[import-untyped]  # noqa: PLC0415 - optional
            gammaincinv,
        )

        alpha = 1 - confidence
        # qchisq(a, 2x) / 2 is the inverse of the regularised gamma function at x.
        lower = 0.0 if events == 0 else float(gammaincinv(events, alpha / 2))
        upper = float(gammaincinv(events + 1, 1 - alpha / 2))
        return lower, upper, IntervalMethod.EXACT_POISSON
    x = float(events)
    lower = x * (1 - 1 / (9 * x) - z / (3 * math.sqrt(x))) ** 3
    y = x + 1
    upper = y * (1 - 1 / (9 * y) + z / (3 * math.sqrt(y))) ** 3
    return max(lower, 0.0), upper, IntervalMethod.BYAR


def count_interval(events: int, *, confidence: float = 0.95) -> Interval:
    """The confidence interval of a count of events, taken as Poisson.

    Below `EXACT_BELOW` (10) events the limits are exact, from the chi-squared
    distribution: ``qchisq(a/2, 2x) / 2`` and ``qchisq(1 - a/2, 2x + 2) / 2`` (``a`` is 1 minus
    the confidence level); from 10
    on, Byar's approximation ``x(1 - 1/(9x) - z/(3√x))³`` and
    ``(x+1)(1 - 1/(9(x+1)) + z/(3√(x+1)))³``. This is the rule of PHE's (now OHID's)
    Fingertips indicators and the PHEindicatormethods package. Method and sources:
    "Domain facts and sources", section "Statistical methods".

    Args:
        events: How many events (whole, at least 0).
        confidence: The confidence level, between 0 and 1.

    Returns:
        The count and its limits.

    Raises:
        ValidationError: The count is negative, or the confidence level is not between 0
            and 1.
        WrongTypeError: The count is not a whole number.

    Examples:
        >>> interval = count_interval(65)
        >>> round(interval.lower, 4), round(interval.upper, 4), interval.method.value
        (50.1632, 82.8491, 'byar')
        >>> count_interval(0).lower
        0.0
    """
    x = whole(events, "events")
    level = check_confidence(confidence)
    lower, upper, method = _count_limits(x, z_value(level), level)
    return Interval(estimate=float(x), lower=lower, upper=upper, confidence=level, method=method)


def rate_interval(
    events: int, exposure: float, *, per: float = 1.0, confidence: float = 0.95
) -> Interval:
    """The confidence interval of a rate: events per unit of exposure, such as bed days.

    The count's limits (see `count_interval`: exact below 10 events, Byar's method from
    10) divided by the exposure and multiplied by ``per``, as PHE's (now OHID's)
    Fingertips indicators compute a crude rate's. Method and sources: "Domain facts and
    sources", section "Statistical methods".

    Args:
        events: How many events (whole, at least 0), such as restrictive interventions.
        exposure: The exposure they happened in, above 0, such as bed days.
        per: What the rate is per: 1000 for a rate per 1,000 bed days.
        confidence: The confidence level, between 0 and 1.

    Returns:
        The rate ``events / exposure * per`` and its limits.

    Raises:
        ValidationError: The count is negative, the exposure or ``per`` is not above 0,
            or the confidence level is not between 0 and 1.
        WrongTypeError: The count is not a whole number, or the exposure not a number.

    Examples:
        >>> interval = rate_interval(5, 100, per=100)
        >>> round(interval.lower, 4), round(interval.upper, 4), interval.method.value
        (1.6235, 11.6683, 'exact_poisson')
    """
    x = whole(events, "events")
    days = real(exposure, "exposure", above=0)
    scale = real(per, "per", above=0)
    level = check_confidence(confidence)
    lower, upper, method = _count_limits(x, z_value(level), level)
    factor = scale / days
    return Interval(
        estimate=x * factor,
        lower=lower * factor,
        upper=upper * factor,
        confidence=level,
        method=method,
    )


def median_interval(
    durations: Iterable[float],
    observed: Iterable[bool] | None = None,
    *,
    confidence: float = 0.95,
) -> MedianInterval:
    """A Kaplan-Meier median (such as length of stay) with Brookmeyer and Crowley's interval.

    The interval holds the times at which the pointwise confidence interval of the
    survival curve contains one half (Brookmeyer and Crowley 1982). The pointwise
    interval is the log-log ("exponential Greenwood") one: with ``S`` the estimate and
    ``V`` Greenwood's sum of ``d / (n(n - d))`` over the event times so far, the limits
    are ``S ** exp(±z·sqrt(V) / log S)``. The lower limit of the median is the first
    time the lower curve is one half or below; the upper limit is the first time the
    upper curve is. This is what lifelines computes with ``median_survival_times`` on a
    fitted curve's ``confidence_interval_``, and the limits here are computed the same
    way, in floating point. The median itself is decided in exact arithmetic, as the
    library's Kaplan-Meier curve decides it. Method and sources: "Domain facts and
    sources", section "Statistical methods".

    Args:
        durations: The durations (finite, at least 0), such as days of stay.
        observed: For each duration, ``True`` if it ended (an event) and ``False`` if it
            was still going on (censored); all ``True`` when ``None``.
        confidence: The confidence level, between 0 and 1.

    Returns:
        The median and its limits; each is ``None`` when the curve it is read from
        never falls to one half.

    Raises:
        ValidationError: A duration is negative or not finite, the flags are not one per
            duration, or the confidence level is not between 0 and 1.
        WrongTypeError: A duration is not a number, or a flag is not a bool.

    Examples:
        >>> result = median_interval([1, 2, 2, 3, 4, 4, 5, 6, 8, 9],
        ...                          [True] * 8 + [False] * 2)
        >>> result.estimate, result.lower, result.upper
        (4.0, 1.0, 6.0)
    """
    times = reals(durations, "durations", minimum=0)
    flags = (
        [True] * len(times)
        if observed is None
        else bools(observed, "observed", len(times), "duration")
    )
    level = check_confidence(confidence)
    events = sum(flags)
    if events == 0:
        return MedianInterval(
            estimate=None, lower=None, upper=None, confidence=level, n=len(times), events=0
        )
    need("numpy")
    import numpy as np  # noqa: PLC0415 - an optional dependency

    at, ended, at_risk = _event_table(np.asarray(times, dtype=float), np.asarray(flags, dtype=bool))
    z = z_value(level)
    with np.errstate(divide="ignore", invalid="ignore"):
        survival = np.exp(np.cumsum(np.log(at_risk - ended) - np.log(at_risk)))
        greenwood = np.cumsum(np.where(at_risk > ended, ended / (at_risk * (at_risk - ended)), 0.0))
        log_s = np.log(survival)
        spread = z * np.sqrt(greenwood) / log_s
        lower = np.where(survival > 0, np.exp(-np.exp(np.log(-log_s) - spread)), 0.0)
        upper = np.where(survival > 0, np.exp(-np.exp(np.log(-log_s) + spread)), 0.0)
    return MedianInterval(
        estimate=_exact_median(at, ended, at_risk),
        lower=_first_at_or_below_half(at, lower),
        upper=_first_at_or_below_half(at, upper),
        confidence=level,
        n=len(times),
        events=events,
    )


def _event_table(
    times: npt.NDArray[np.float64], flags: npt.NDArray[np.bool_]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """The event times, with the events at each and the number at risk just before."""
    import numpy as np  # noqa: PLC0415 - an optional dependency

    distinct, index = np.unique(times, return_inverse=True)
    everyone = np.bincount(index, minlength=len(distinct)).astype(float)
    ended = np.bincount(index, weights=flags.astype(float), minlength=len(distinct))
    at_risk = len(times) - np.concatenate(([0.0], np.cumsum(everyone)[:-1]))
    keep = ended > 0
    return (
        distinct[keep].astype(np.float64),
        ended[keep].astype(np.float64),
        at_risk[keep].astype(np.float64),
    )


def _exact_median(
    at: npt.NDArray[np.float64], ended: npt.NDArray[np.float64], at_risk: npt.NDArray[np.float64]
) -> float | None:
    """The first event time with ``S(t) <= 1/2``, ``S`` kept as an exact ratio."""
    numerator = denominator = 1
    for time, died, risk in zip(at.tolist(), ended.tolist(), at_risk.tolist(), strict=True):
        numerator *= int(risk) - int(died)
        denominator *= int(risk)
        if 2 * numerator <= denominator:
            return float(time)
    return None


def _first_at_or_below_half(
    at: npt.NDArray[np.float64], curve: npt.NDArray[np.float64]
) -> float | None:
    import numpy as np  # noqa: PLC0415 - an optional dependency

    reached = np.flatnonzero(curve <= 0.5)
    return float(at[reached[0]]) if reached.size else None


#: How many resampled values a block of the bootstrap holds at most (memory stays small).
_BLOCK = 2_000_000


def mean_interval(
    values: Iterable[float],
    *,
    confidence: float = 0.95,
    resamples: int = 10_000,
    seed: int = 0,
) -> Interval:
    """The mean of a skewed quantity (such as the cost of delay per person) with its interval.

    The interval is the percentile bootstrap (Efron and Tibshirani 1993): the values are
    resampled with replacement ``resamples`` times, and the limits are the ``a/2`` and
    ``1 - a/2`` quantiles (``a`` is 1 minus the confidence level) of the resampled means
    (numpy's default, linear, quantile).
    Costs of delay are skewed and have many zeros (people with no delay), so a method
    that assumes a normal or log-normal distribution does not fit them; the bootstrap
    assumes neither. The values are sorted before resampling, and the resamples drawn from
    numpy's PCG64 generator seeded with ``seed``, so the same values in any order give
    the same interval, on every machine with the same numpy. Method and sources: "Domain
    facts and sources", section "Statistical methods".

    Args:
        values: The values (finite numbers), at least one.
        confidence: The confidence level, between 0 and 1.
        resamples: How many bootstrap resamples to draw (at least 100).
        seed: The seed of the random generator (a whole number, at least 0).

    Returns:
        The mean and its limits.

    Raises:
        ValidationError: There are no values, a value is not finite, ``resamples`` is
            below 100, the seed is negative, or the confidence level is not between 0
            and 1.
        WrongTypeError: A value is not a number, or ``resamples`` or ``seed`` not a whole
            number.

    Examples:
        >>> result = mean_interval([0, 0, 0, 452, 904, 0, 13560, 0, 452, 2260], seed=1)
        >>> result.estimate
        1762.8
        >>> result.lower < result.estimate < result.upper
        True
    """
    numbers = reals(values, "values")
    level = check_confidence(confidence)
    draws = whole(resamples, "resamples", minimum=100)
    start = whole(seed, "seed")
    if not numbers:
        raise ValidationError.single("values", "at least one value", "none")
    need("numpy")
    import numpy as np  # noqa: PLC0415 - an optional dependency

    data = np.sort(np.asarray(numbers, dtype=float))
    size = data.size
    generator = np.random.Generator(np.random.PCG64(start))
    means = np.empty(draws)
    block = max(1, _BLOCK // size)
    for first in range(0, draws, block):
        count = min(block, draws - first)
        picks = generator.integers(0, size, size=(count, size))
        means[first : first + count] = data[picks].mean(axis=1)
    alpha = 1 - level
    low, high = (float(limit) for limit in np.quantile(means, [alpha / 2, 1 - alpha / 2]))
    estimate = math.fsum(numbers) / size
    # The resampled means are sums in another order: where a limit misses the mean only by
    # rounding (all values equal, say), it is the mean.
    if low > estimate and math.isclose(low, estimate, rel_tol=1e-9):
        low = estimate
    if high < estimate and math.isclose(high, estimate, rel_tol=1e-9):
        high = estimate
    return Interval(
        estimate=estimate,
        lower=low,
        upper=high,
        confidence=level,
        method=IntervalMethod.BOOTSTRAP_PERCENTILE,
    )
