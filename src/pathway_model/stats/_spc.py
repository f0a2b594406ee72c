"""Statistical process control in the NHS "Making Data Count" form, as NHSRplotthedots does.

An XmR chart (individuals and moving range) puts a monthly series against process limits
at the mean ± 2.66 times the mean moving range. Moving ranges of 3.267 times their mean
or more are screened out before the limits are set (the package's default; the Making
Data Count spreadsheets do not screen). Each point is then tested against the
special-cause rules, in this order, the first that holds naming the point:

1. a point outside the process limits;
2. a trend: 7 points each higher (or each lower) than the one before;
3. 2 of 3 points in a row close to a limit (beyond two-thirds of the way from the mean
   to it, within it) on the same side of the mean;
4. a run: 7 points in a row on the same side of the mean.

A special cause is improvement, concern or neither by the direction of improvement; the
last segment's limits against a target give the assurance: the target is consistently
passed, consistently failed, or hit and missed. The rules, their exact definitions and
the published examples they were checked against are on the docs page "Domain facts and
sources", section "Statistical methods".
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Sequence
from enum import Enum
from typing import TYPE_CHECKING

import attrs

from pathway_model.errors import Problem, ValidationError, WrongTypeError
from pathway_model.model._seam import type_name
from pathway_model.stats._support import choice, items, need, real, reals, whole

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = [
    "Assurance",
    "Improvement",
    "SpecialCause",
    "Variation",
    "XmrChart",
    "XmrPoint",
    "XmrSegment",
    "lag_one_autocorrelation",
    "xmr_chart",
]

#: The process limits are the mean ± this many mean moving ranges (3 / 1.128, d2 for n = 2).
LIMIT = 2.66
#: Moving ranges of at least this many times their mean are screened out (3.267 = D4).
SCREEN = 3.267
#: A segment of fewer points than this has trial limits (NHSRplotthedots' warning threshold).
TRIAL_BELOW = 13
#: The two-sided 95% normal quantile: a lag-one autocorrelation above this over the square
#: root of the number of points is more than independent points would give by chance
#: (Bartlett's bound, the dashed line of R's ``acf`` plot).
AUTOCORRELATION_Z = 1.96
#: The fewest points after which the limits may be fixed (NHSRplotthedots' minimum).
FIX_AFTER_AT_LEAST = 12


class Improvement(Enum):
    """Which way is better for a measure."""

    INCREASE = "increase"
    """Higher is better."""
    DECREASE = "decrease"
    """Lower is better (waiting days, bed days of delay)."""
    NEUTRAL = "neutral"
    """Neither direction is better."""


class SpecialCause(Enum):
    """The special-cause rule a point is part of (NHSRplotthedots' label in brackets)."""

    ABOVE_UPPER_LIMIT = "above_upper_limit"
    """Above the upper process limit ("Above UCL")."""
    BELOW_LOWER_LIMIT = "below_lower_limit"
    """Below the lower process limit ("Below LCL")."""
    RISING_TREND = "rising_trend"
    """Part of 7 points each higher than the one before ("7 Point Trend (Increasing)")."""
    FALLING_TREND = "falling_trend"
    """Part of 7 points each lower than the one before ("7 Point Trend (Decreasing)")."""
    TWO_OF_THREE_HIGH = "two_of_three_high"
    """One of 2 of 3 points close to the upper limit, all 3 above the mean ("2 in 3 Above
    CL")."""
    TWO_OF_THREE_LOW = "two_of_three_low"
    """One of 2 of 3 points close to the lower limit, all 3 below the mean ("2 in 3 Below
    CL")."""
    RUN_ABOVE_MEAN = "run_above_mean"
    """Part of 7 or more points in a row above the mean ("7 Points Above CL")."""
    RUN_BELOW_MEAN = "run_below_mean"
    """Part of 7 or more points in a row below the mean ("7 Points Below CL")."""

    @property
    def high(self) -> bool:
        """Whether the cause points upwards (above, or rising)."""
        return self in _HIGH


_HIGH = frozenset(
    {
        SpecialCause.ABOVE_UPPER_LIMIT,
        SpecialCause.RISING_TREND,
        SpecialCause.TWO_OF_THREE_HIGH,
        SpecialCause.RUN_ABOVE_MEAN,
    }
)


class Variation(Enum):
    """What a point's variation means, given the direction of improvement."""

    COMMON_CAUSE = "common_cause"
    """No special cause: the process as usual."""
    IMPROVEMENT = "special_cause_improvement"
    """A special cause in the direction of improvement."""
    CONCERN = "special_cause_concern"
    """A special cause against the direction of improvement."""
    NEUTRAL_HIGH = "special_cause_neutral_high"
    """An upward special cause where neither direction is better."""
    NEUTRAL_LOW = "special_cause_neutral_low"
    """A downward special cause where neither direction is better."""


class Assurance(Enum):
    """Whether the process will meet a target, from its limits."""

    CONSISTENT_PASS = "consistent_pass"
    """The limits are all on the good side of the target: it will be met."""
    CONSISTENT_FAIL = "consistent_fail"
    """The limits are all on the bad side of the target: it will not be met without a
    change to the process."""
    INCONSISTENT = "inconsistent"
    """The target lies within the limits: it will be hit and missed by chance."""


@attrs.frozen(kw_only=True)
class XmrPoint:
    """One point of an XmR chart, with its segment's mean and limits.

    Attributes:
        period: The period (such as the first day of the month).
        value: The value.
        segment: Which segment the point is in (0 for the first; a rebase starts another).
        mean: Its segment's mean.
        lower_limit: Its segment's lower process limit.
        upper_limit: Its segment's upper process limit.
        special_cause: The special-cause rule it is part of, or ``None`` (common cause).
        variation: What its variation means, given the direction of improvement.
    """

    period: dt.date
    value: float
    segment: int
    mean: float
    lower_limit: float
    upper_limit: float
    special_cause: SpecialCause | None
    variation: Variation


@attrs.frozen(kw_only=True)
class XmrSegment:
    """A run of points with one mean and one pair of limits (a rebase starts another).

    Attributes:
        start: Its first period.
        end: Its last period.
        points: How many points it holds.
        mean: The mean of its points (of the first ``fix_after``, when the limits are
            fixed).
        mean_moving_range: The mean moving range the limits are set from, after
            screening.
        lower_limit: The lower process limit: mean - 2.66 times the mean moving range.
        upper_limit: The upper process limit: mean + 2.66 times the mean moving range.
        trial_limits: Whether the limits are trial limits: the segment has fewer than 13
            points, so they will move as points are added.
        autocorrelation: The lag-one autocorrelation of its points (the sample
            autocorrelation: the sum of the products of each point's and the next point's
            distances from the segment's mean, over the sum of the squared distances);
            ``None`` with fewer than 3 points or when all are equal.
        autocorrelated: Whether the autocorrelation is positive beyond what independent
            points give by chance: above 1.96 over the square root of the number of
            points. The limits assume independent points; with positively autocorrelated
            ones the moving ranges are small beside the spread, the limits too narrow and
            special causes too many (a share of people ready in one month is much like the
            last month's, as most of the same people are in it).
    """

    start: dt.date
    end: dt.date
    points: int
    mean: float
    mean_moving_range: float
    lower_limit: float
    upper_limit: float
    trial_limits: bool
    autocorrelation: float | None
    autocorrelated: bool


@attrs.frozen(kw_only=True)
class XmrChart:
    """An XmR chart in the Making Data Count form.

    Attributes:
        points: The points, in period order.
        segments: The segments, in period order.
        improvement: The direction of improvement.
        target: The target, if any.
        assurance: Whether the last segment's limits meet the target; ``None`` without a
            target or when neither direction is better.
        variation: The variation of the last point: what the chart says now.
    """

    points: tuple[XmrPoint, ...]
    segments: tuple[XmrSegment, ...]
    improvement: Improvement
    target: float | None
    assurance: Assurance | None
    variation: Variation

    @property
    def special_causes(self) -> tuple[XmrPoint, ...]:
        """The points that are part of a special cause."""
        return tuple(point for point in self.points if point.special_cause is not None)

    @property
    def autocorrelated(self) -> bool:
        """Whether a segment's points are autocorrelated (see `XmrSegment.autocorrelated`)."""
        return any(segment.autocorrelated for segment in self.segments)


def xmr_chart(
    periods: Sequence[dt.date],
    values: Sequence[float],
    *,
    improvement: Improvement | str = Improvement.INCREASE,
    target: float | None = None,
    rebase: Sequence[dt.date] = (),
    fix_after: int | None = None,
    screen_outliers: bool = True,
) -> XmrChart:
    """An XmR chart of a series, with special causes and assurance, as NHSRplotthedots does.

    Each segment's limits are its mean ± 2.66 times the mean moving range, the moving
    ranges of 3.267 times their mean or more left out first (when ``screen_outliers``).
    Points are tested with the special-cause rules (outside the limits; a trend of 7; 2 of 3
    close to a limit on one side; a run of 7 on one side), exactly as NHSRplotthedots
    defines them, within each segment. The assurance compares the target with the last
    segment's limits. Rules and sources: "Domain facts and sources", section
    "Statistical methods".

    Args:
        periods: The period of each value (a ``datetime.date``, such as the first day of
            the month), each once; the series is put in period order.
        values: The values, finite numbers, one per period.
        improvement: Which direction is better (an `Improvement` or its code).
        target: A target to assess the process against, if there is one.
        rebase: Periods at which a new segment starts, with limits of its own (after a
            change to the process); each must be one of ``periods``.
        fix_after: Fix each segment's limits on its first this many points (at least
            12), rather than on all of them.
        screen_outliers: Whether to leave out large moving ranges before setting the
            limits. ``True`` as NHSRplotthedots; ``False`` as the Making Data Count
            spreadsheets.

    Returns:
        The chart.

    Raises:
        ValidationError: A period is repeated, the values are not one per period, a
            value is not finite, a rebase period is not among the periods, a segment has
            fewer than 2 points, or ``fix_after`` is below 12.
        WrongTypeError: A period is not a date, or a value not a number.
        UnknownCodeError: ``improvement`` is not a known code.

    Examples:
        >>> import datetime as dt
        >>> months = [dt.date(2024 + m // 12, m % 12 + 1, 1) for m in range(18)]
        >>> values = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]
        >>> chart = xmr_chart(months, values, improvement="decrease")
        >>> [str(point.period) for point in chart.special_causes]
        ['2024-05-01']
        >>> chart.special_causes[0].variation.value, round(chart.segments[0].upper_limit, 2)
        ('special_cause_concern', 4.6)
    """
    direction = choice(Improvement, improvement, "improvement")
    dates = _dates(periods, "periods")
    numbers = reals(values, "values")
    if len(numbers) != len(dates):
        raise ValidationError.single(
            "values", f"one value per period ({len(dates)})", f"{len(numbers)} values"
        )
    if len(numbers) < 2:
        raise ValidationError.single(
            "values", "at least 2 values (a limit needs a moving range)", f"{len(numbers)}"
        )
    goal = None if target is None else real(target, "target")
    starts = set(_dates(rebase, "rebase"))
    outside = sorted(starts - set(dates))
    if outside:
        raise ValidationError.single(
            "rebase", "periods that are among the chart's periods", f"{outside[0].isoformat()}"
        )
    fixed = None if fix_after is None else whole(fix_after, "fix_after", minimum=FIX_AFTER_AT_LEAST)
    screen: object = screen_outliers
    if not isinstance(screen, bool):
        raise WrongTypeError.single("screen_outliers", "a bool", type_name(screen))
    need("numpy")
    order = sorted(range(len(dates)), key=dates.__getitem__)
    dates = [dates[i] for i in order]
    numbers = [numbers[i] for i in order]
    bounds = [i for i, day in enumerate(dates) if i == 0 or day in starts] + [len(dates)]
    segments: list[XmrSegment] = []
    points: list[XmrPoint] = []
    for index, (first, stop) in enumerate(itertools.pairwise(bounds)):
        if stop - first < 2:
            raise ValidationError.single(
                "rebase",
                "segments of at least 2 points (a limit needs a moving range)",
                f"a segment of 1 point from {dates[first].isoformat()}",
            )
        segment, part = _segment(
            dates[first:stop],
            numbers[first:stop],
            index=index,
            direction=direction,
            fixed=fixed,
            screen=screen,
        )
        segments.append(segment)
        points.extend(part)
    last = segments[-1]
    return XmrChart(
        points=tuple(points),
        segments=tuple(segments),
        improvement=direction,
        target=goal,
        assurance=_assurance(goal, direction, last),
        variation=points[-1].variation,
    )


def _dates(values: object, path: str) -> list[dt.date]:
    given = items(values, path, "a sequence of dates")
    problems = [
        Problem(path=f"{path}[{index}]", expected="a date", found=type_name(value), wrong_type=True)
        for index, value in enumerate(given)
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime)
    ]
    if problems:
        raise ValidationError.of(problems)
    dates: list[dt.date] = [value for value in given if isinstance(value, dt.date)]
    seen: set[dt.date] = set()
    for index, day in enumerate(dates):
        if day in seen:
            raise ValidationError.single(
                f"{path}[{index}]", "each period once", f"{day.isoformat()} again"
            )
        seen.add(day)
    return dates


def _segment(
    dates: list[dt.date],
    numbers: list[float],
    *,
    index: int,
    direction: Improvement,
    fixed: int | None,
    screen: bool,
) -> tuple[XmrSegment, list[XmrPoint]]:
    import numpy as np  # noqa: PLC0415 - an optional dependency

    y = np.asarray(numbers, dtype=float)
    base = y if fixed is None else y[:fixed]
    mean = float(base.mean())
    ranges = np.abs(np.diff(base))
    average = float(ranges.mean())
    if screen:
        kept = ranges[ranges < SCREEN * average]
        # Only moving ranges that are all 0 can all be screened out: the mean range is 0.
        average = float(kept.mean()) if kept.size else 0.0
    lower = mean - LIMIT * average
    upper = mean + LIMIT * average
    causes = _special_causes(y, mean, average, lower, upper)
    autocorrelation = lag_one_autocorrelation(numbers)
    segment = XmrSegment(
        start=dates[0],
        end=dates[-1],
        points=len(dates),
        mean=mean,
        mean_moving_range=average,
        lower_limit=lower,
        upper_limit=upper,
        trial_limits=len(dates) < TRIAL_BELOW,
        autocorrelation=autocorrelation,
        autocorrelated=autocorrelation is not None
        and autocorrelation > AUTOCORRELATION_Z / math.sqrt(len(dates)),
    )
    points = [
        XmrPoint(
            period=day,
            value=value,
            segment=index,
            mean=mean,
            lower_limit=lower,
            upper_limit=upper,
            special_cause=cause,
            variation=_variation(cause, direction),
        )
        for day, value, cause in zip(dates, numbers, causes, strict=True)
    ]
    return segment, points


def lag_one_autocorrelation(values: Sequence[float]) -> float | None:
    """The sample lag-one autocorrelation of a series; ``None`` if it cannot be told.

    The sum over neighbouring points of the product of their distances from the mean,
    over the sum of the squared distances (the estimator of Box and Jenkins, which R's
    ``acf`` uses): between -1 and 1, and 0 on average for independent points.
    ``None`` with fewer than 3 points or when all are equal.
    """
    import numpy as np  # noqa: PLC0415 - an optional dependency

    if len(values) < 3:
        return None
    y = np.asarray(values, dtype=float)
    distances = y - y.mean()
    spread = float(np.dot(distances, distances))
    if spread <= 0.0:
        return None
    return float(np.dot(distances[:-1], distances[1:])) / spread


def _window_sums(flags: npt.NDArray[np.bool_], width: int) -> npt.NDArray[np.int64]:
    """For each point, how many of the ``width`` points ending at it are flagged."""
    import numpy as np  # noqa: PLC0415 - an optional dependency

    return np.convolve(flags.astype(np.int64), np.ones(width, dtype=np.int64))[: flags.size]


def _part_of(ends: npt.NDArray[np.bool_], width: int) -> npt.NDArray[np.bool_]:
    """Whether each point is one of the ``width`` points ending at a flagged point."""
    import numpy as np  # noqa: PLC0415 - an optional dependency

    sums = np.convolve(ends.astype(np.int64), np.ones(width, dtype=np.int64))
    return sums[width - 1 : width - 1 + ends.size] > 0


#: The codes of the causes, in the order `_special_causes` picks them by.
_CAUSES: tuple[SpecialCause | None, ...] = (
    None,
    SpecialCause.ABOVE_UPPER_LIMIT,
    SpecialCause.BELOW_LOWER_LIMIT,
    SpecialCause.RISING_TREND,
    SpecialCause.FALLING_TREND,
    SpecialCause.TWO_OF_THREE_HIGH,
    SpecialCause.TWO_OF_THREE_LOW,
    SpecialCause.RUN_ABOVE_MEAN,
    SpecialCause.RUN_BELOW_MEAN,
)


def _special_causes(
    y: npt.NDArray[np.float64], mean: float, average: float, lower: float, upper: float
) -> list[SpecialCause | None]:
    """NHSRplotthedots' rules (``ptd_special_cause_type``), one segment at a time.

    Each rule is found with moving sums over the points: a trend ends at a point when the
    6 steps up to it all rise (or all fall); a run when the 7 points up to it are all on
    one side of the mean; 2 of 3 when a window of 3 holds at least 2 points close to a
    limit, all 3 on one side. A point is part of a trend or run ending within the next 6
    points, and of a 2 of 3 window holding it if it is itself close.
    """
    import numpy as np  # noqa: PLC0415 - an optional dependency

    size = y.size
    near = 2 * (LIMIT / 3) * average
    outside = (y > upper) | (y < lower)
    side = np.sign(y - mean).astype(np.int64)
    close = ~outside & ((y < mean - near) | (y > mean + near))

    steps = np.sign(np.diff(y)).astype(np.int64)
    rising = np.zeros(size, dtype=bool)
    falling = np.zeros(size, dtype=bool)
    # The steps into points 1 .. n-1; a trend ends at point i when steps i-6 .. i-1 agree.
    rising[1:] = _window_sums(steps == 1, 6) == 6
    falling[1:] = _window_sums(steps == -1, 6) == 6
    in_trend = _part_of(rising | falling, 7)
    run = (_window_sums(side == 1, 7) == 7) | (_window_sums(side == -1, 7) == 7)
    in_run = _part_of(run, 7)
    window_close = _window_sums(close, 3) >= 2
    window_side = np.abs(np.convolve(side, np.ones(3, dtype=np.int64))[:size]) == 3
    windows = window_close & window_side  # a window of 3 starting before the series never is
    in_two_of_three = _part_of(windows, 3) & close

    # A point in a trend takes the direction of the step after it when that step is in the
    # trend too, else of the step before it.
    after = np.concatenate((steps, steps[-1:]))
    before = np.concatenate(([0], steps))
    next_in_trend = np.concatenate((in_trend[1:], [False]))
    direction = np.where(next_in_trend & in_trend, after, before)

    above = side > 0
    code = np.select(
        [outside, in_trend, in_two_of_three, in_run],
        [
            np.where(side == 1, 1, 2),
            np.where(direction == 1, 3, 4),
            np.where(above, 5, 6),
            np.where(above, 7, 8),
        ],
        default=0,
    )
    return [_CAUSES[index] for index in code.tolist()]


def _variation(cause: SpecialCause | None, direction: Improvement) -> Variation:
    if cause is None:
        return Variation.COMMON_CAUSE
    if direction is Improvement.NEUTRAL:
        return Variation.NEUTRAL_HIGH if cause.high else Variation.NEUTRAL_LOW
    better = cause.high == (direction is Improvement.INCREASE)
    return Variation.IMPROVEMENT if better else Variation.CONCERN


def _assurance(target: float | None, direction: Improvement, last: XmrSegment) -> Assurance | None:
    if target is None or direction is Improvement.NEUTRAL:
        return None
    increasing = direction is Improvement.INCREASE
    if target > last.upper_limit:
        return Assurance.CONSISTENT_FAIL if increasing else Assurance.CONSISTENT_PASS
    if target < last.lower_limit:
        return Assurance.CONSISTENT_PASS if increasing else Assurance.CONSISTENT_FAIL
    return Assurance.INCONSISTENT
