"""Kaplan-Meier estimates of length of stay, with stays still going on treated as censored.

A stay that goes on at the report date has lasted *at least* so long: dropping it would
make stays look shorter than they are, and counting it as ended would too. The
Kaplan-Meier estimator uses every stay: an ended stay is an *event* at its length, an
open one is *censored* at the length it has reached.

At each distinct length ``t`` (in days) with ``n`` stays still at risk (lasting ``t``
days or more) of which ``d`` ended at ``t``, the estimate of the share of stays lasting
longer than ``t`` is ``S(t) = S(t-) * (1 - d / n)``, starting from 1. Quantiles use the
standard definition: the ``q`` quantile of length of stay is the smallest ``t`` with
``S(t) <= 1 - q``; ``None`` when the estimate never falls that far (too many stays still
going on). Whether ``S(t) <= 1 - q`` is decided in exact whole-number arithmetic, so a
curve that reaches ``1 - q`` exactly (four stays of which two have ended: ``S = 1/2``)
gives the time it reached it. Estimates computed in floating point can step one time
too far in that case; the survival values reported here are floats, the decisions are
not.

Pure Python: no numpy, no pandas.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Iterator, Mapping
from fractions import Fraction

import attrs

from pathway_model.errors import Problem, ValidationError, WrongTypeError
from pathway_model.model._seam import as_int, show_number, type_name

__all__ = ["KaplanMeier", "kaplan_meier"]

#: The longest duration: the days from 1 January 0001 to 31 December 9999, so that a
#: stay of any length in the calendar fits, and no duration is too long to write.
_LONGEST = (dt.date.max - dt.date.min).days


@attrs.frozen(kw_only=True)
class KaplanMeier:
    """A Kaplan-Meier estimate of a survival curve, such as length of stay in days.

    One entry per distinct duration seen (an event, a censoring, or both), in increasing
    order. ``survival[i]`` is the estimated share still going on just after
    ``times[i]``.

    Attributes:
        times: The distinct durations, in increasing order.
        at_risk: How many were still going on at the start of each time (duration at
            least that long).
        events: How many ended at each time (observed).
        censored: How many were censored at each time (still going on when counted).
        survival: The estimate ``S(t)`` just after each time, from 1 down to 0.

    Examples:
        >>> km = kaplan_meier([10, 20, 20, 30, 40], [True, True, False, True, False])
        >>> km.times, km.at_risk, km.events
        ((10, 20, 30, 40), (5, 4, 2, 1), (1, 1, 1, 0))
        >>> km.survival
        (0.8, 0.6000000000000001, 0.30000000000000004, 0.30000000000000004)
        >>> km.median, km.quartiles
        (30, (20, 30, None))
    """

    times: tuple[int, ...]
    at_risk: tuple[int, ...]
    events: tuple[int, ...]
    censored: tuple[int, ...]
    survival: tuple[float, ...]

    @property
    def n(self) -> int:
        """How many durations the estimate is built from."""
        return self.at_risk[0] if self.at_risk else 0

    @property
    def observed(self) -> int:
        """How many of them ended (were not censored)."""
        return sum(self.events)

    @property
    def median(self) -> int | None:
        """The median: the smallest time with ``S(t) <= 1/2``; ``None`` if not reached."""
        return self.quantile(0.5)

    @property
    def quartiles(self) -> tuple[int | None, int | None, int | None]:
        """The 0.25, 0.5 and 0.75 quantiles (each ``None`` when not reached)."""
        return (self.quantile(0.25), self.quantile(0.5), self.quantile(0.75))

    def quantile(self, q: float | Fraction) -> int | None:
        """The ``q`` quantile: the smallest time ``t`` with ``S(t) <= 1 - q``.

        Args:
            q: The quantile, ``0 < q <= 1`` (0.5 for the median). A float is read as
                the decimal it prints as (``0.1`` is one tenth).

        Returns:
            The time, or ``None`` when the estimate never falls to ``1 - q``.

        Raises:
            ValidationError: ``q`` is not in ``(0, 1]``.
        """
        threshold = 1 - _fraction(q)
        for time, survived_num, survived_den in self._exact():
            if survived_num * threshold.denominator <= threshold.numerator * survived_den:
                return time
        return None

    def survival_at(self, time: int) -> float:
        """The estimate ``S(time)``: the share lasting longer than ``time``.

        1 before the first event; after the last time, the last estimate.
        """
        index = _last_at_or_before(self.times, time)
        return 1.0 if index < 0 else self.survival[index]

    def _exact(self) -> Iterator[tuple[int, int, int]]:
        """Each time at which an event happened, with ``S(t)`` as an exact ratio."""
        numerator = denominator = 1
        for time, at_risk, events in zip(self.times, self.at_risk, self.events, strict=True):
            if events:
                numerator *= at_risk - events
                denominator *= at_risk
                yield time, numerator, denominator


def _fraction(q: object) -> Fraction:
    if isinstance(q, bool) or not isinstance(q, (int, float, Fraction)):
        raise WrongTypeError.single("q", "a number from 0 (excluded) to 1", type_name(q))
    value = Fraction(repr(q)) if isinstance(q, float) and math.isfinite(q) else q
    if not isinstance(value, (int, Fraction)) or not 0 < value <= 1:
        raise ValidationError.single("q", "a number from 0 (excluded) to 1", repr(q)[:40])
    return Fraction(value)


def _last_at_or_before(times: tuple[int, ...], time: int) -> int:
    low, high = 0, len(times)
    while low < high:
        middle = (low + high) // 2
        if times[middle] <= time:
            low = middle + 1
        else:
            high = middle
    return low - 1


def kaplan_meier(durations: Iterable[int], observed: Iterable[bool] | None = None) -> KaplanMeier:
    """Estimate a survival curve from durations, some of them censored.

    Args:
        durations: Whole durations (e.g. days of stay): ``int`` or numpy integers,
            each from 0 to 3,652,058 (the days the calendar spans).
        observed: For each duration, ``True`` if it ended (an event) and ``False`` if it
            was still going on when counted (censored); all ``True`` when ``None``.

    Returns:
        The estimate. With no durations, every tuple is empty and every quantile
        ``None``.

    Raises:
        ValidationError: A duration is negative or too long, or the two inputs differ in length;
            every problem is listed, with paths such as ``durations[3]``.
        WrongTypeError: A duration is not a whole number, or a flag is not a bool.

    Examples:
        >>> km = kaplan_meier([5, 8, 8, 12], [True, True, True, False])
        >>> km.survival
        (0.75, 0.25, 0.25)
        >>> km.median
        8
    """
    days = _durations(durations)
    flags = _observed(observed, len(days))
    ended: dict[int, int] = {}
    cut: dict[int, int] = {}
    for duration, flag in zip(days, flags, strict=True):
        counts = ended if flag else cut
        counts[duration] = counts.get(duration, 0) + 1
    return from_counts(ended, cut)


def from_counts(ended: Mapping[int, int], cut: Mapping[int, int]) -> KaplanMeier:
    """The estimate from how many durations ended, and how many were censored, at each time.

    What [`kaplan_meier`][pathway_model.scoring.kaplan_meier] works out once it has
    counted its durations; a tally that keeps counts, never a list of durations, can be
    merged with another by adding them and still give the same estimate (internal: the
    counts are not checked).
    """
    times = sorted(ended.keys() | cut.keys())
    at_risk: list[int] = []
    events: list[int] = []
    censored: list[int] = []
    survival: list[float] = []
    remaining = sum(ended.values()) + sum(cut.values())
    estimate = 1.0
    for time in times:
        died = ended.get(time, 0)
        lost = cut.get(time, 0)
        if died:
            estimate *= 1 - died / remaining
        at_risk.append(remaining)
        events.append(died)
        censored.append(lost)
        survival.append(estimate)
        remaining -= died + lost
    return KaplanMeier(
        times=tuple(times),
        at_risk=tuple(at_risk),
        events=tuple(events),
        censored=tuple(censored),
        survival=tuple(survival),
    )


def _durations(durations: Iterable[int]) -> list[int]:
    if isinstance(durations, (str, bytes)) or not isinstance(durations, Iterable):
        raise WrongTypeError.single(
            "durations", "an iterable of whole numbers", type_name(durations)
        )
    given: list[object] = list(durations)
    problems: list[Problem] = []
    wrong_type = False
    days: list[int] = []
    for index, value in enumerate(given):
        number = as_int(value)
        if number is not None and 0 <= number <= _LONGEST:
            days.append(number)
            continue
        if number is None:
            wrong_type = True
            problems.append(
                Problem(
                    path=f"durations[{index}]", expected="a whole number", found=type_name(value)
                )
            )
        else:
            problems.append(
                Problem(
                    path=f"durations[{index}]",
                    expected=f"a whole number from 0 to {_LONGEST:,}",
                    found=show_number(number),
                )
            )
    if problems:
        raise (WrongTypeError if wrong_type else ValidationError)(problems)
    return days


def _observed(observed: Iterable[bool] | None, size: int) -> list[bool]:
    if observed is None:
        return [True] * size
    if isinstance(observed, (str, bytes)) or not isinstance(observed, Iterable):
        raise WrongTypeError.single("observed", "an iterable of bools", type_name(observed))
    flags: list[object] = list(observed)
    problems = [
        Problem(path=f"observed[{index}]", expected="a bool", found=type_name(value))
        for index, value in enumerate(flags)
        if not isinstance(value, bool)
    ]
    if problems:
        raise WrongTypeError(problems)
    if len(flags) != size:
        raise ValidationError.single(
            "observed", f"one flag per duration ({size})", f"{len(flags)} flags"
        )
    return [flag is True for flag in flags]
