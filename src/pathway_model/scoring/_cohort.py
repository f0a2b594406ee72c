"""Cohort measures over many pathways, grouped by provider and stage, and a benchmarking table.

[`cohort_report`][pathway_model.scoring.cohort_report] reads every record once and works out, for
each provider and stage, and for each provider, each stage and the whole cohort: length
of stay (Kaplan-Meier, open stays censored), ready days and the cost of delay, who is
ready now and for how long, long stays ("Domain facts and sources"), reviews held on time,
goals achieved, step downs, readmissions from the community, and the ready days and cost
of delay the team recorded, reconciled with the rule's ("Recorded readiness and the outcome
rule"). Each measure's exact
definition is in [`COHORT_MEASURES`][pathway_model.scoring.COHORT_MEASURES] and on the page
"Cohort measures".

The pass fills one tally for each provider and stage, and
[`CohortPartial`][pathway_model.scoring.CohortPartial] holds those tallies frozen: the
tallies of parts of the records add up, exactly, to those of all of them.

Readiness is not worked out again here: each stay's ready days come from the rules'
own functions ("How readiness is decided"), one stay at a time, over the dates of its
reviews and incidents, never day by day.

The window: day counts (bed days, ready days) count the days ``since <= day < as_of``;
reviews and goals count when dated ``since <= date <= as_of``; a stay's end counts when
its last day is in the window (``since < end <= as_of``). Nothing dated after ``as_of``
is read: a stay that ends after ``as_of`` is open at ``as_of``.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import decimal
import enum
import functools
import math
import typing
from collections.abc import Callable, Collection, Iterable, Sequence
from decimal import Decimal
from typing import Any, Literal, NamedTuple

import attrs

from pathway_model.catalogue import definition_for
from pathway_model.errors import (
    Problem,
    UnknownCodeError,
    ValidationError,
    WrongTypeError,
)
from pathway_model.model import (
    GoalAchievementStatus,
    GoalLifecycleStatus,
    Pathway,
    PathwayDefinition,
    Period,
    Placement,
    RecordedReadiness,
    Review,
    Stage,
)
from pathway_model.model import _seam as _checks
from pathway_model.model._seam import refuse_unknown_codes, show_code, type_name
from pathway_model.rules._stay import check_date, readiness_of, stay_evidence
from pathway_model.scoring._batch import column_kind, result_frame
from pathway_model.scoring._recorded import (
    DelayKey,
    RecordedDelay,
    clip,
    delays,
    periods_of,
    stay_figures,
)
from pathway_model.scoring._survival import KaplanMeier, from_counts
from pathway_model.stats import (
    Cell,
    FunnelKind,
    FunnelPosition,
    Improvement,
    Interval,
    IntervalMethod,
    Overdispersion,
    SpecialCause,
    StatisticsUnavailableError,
    SuppressionPolicy,
    SuppressionReason,
    Variation,
    funnel,
    median_interval,
    proportion_interval,
    rate_interval,
    xmr_chart,
)

__all__ = [
    "COHORT_MEASURES",
    "SECURE_COMBINED_LONG_STAY",
    "TOTAL_UNIT",
    "BenchmarkRow",
    "CohortGroup",
    "CohortMeasure",
    "CohortMonth",
    "CohortPartial",
    "CohortReport",
    "CohortRow",
    "CombinedLongStay",
    "IntervalNote",
    "SpcRow",
    "benchmark_table",
    "cohort_frame",
    "cohort_report",
    "merge_partials",
    "spc_table",
]

#: Days in a year for rates "per 100 person-years": the mean Julian year.
_YEAR_DAYS = Decimal("365.25")
_PENNY = Decimal("0.01")
#: Money arithmetic: enough digits for any sum of bed days, rounded half to even. Reading
#: records adds money with this context's own methods, whatever the caller's context is:
#: the records may come from the caller's generator, which must run in its own context.
MONEY = decimal.Context(prec=60, rounding=decimal.ROUND_HALF_EVEN)
_ONE_DAY = dt.timedelta(days=1)
_ZERO = Decimal(0)
_ACHIEVED = frozenset({GoalAchievementStatus.ACHIEVED, GoalAchievementStatus.SUSTAINING})
#: Goals that are never achieved, whatever their achievement status says: a goal given
#: up or refused (its lifecycle status is not dated, so it is read as it stands).
_NEVER_ACHIEVED = frozenset({GoalLifecycleStatus.CANCELLED, GoalLifecycleStatus.REJECTED})

Better = Literal["lower", "higher"]


def pence(amount: Decimal) -> Decimal:
    """Round an amount of money to whole pence, half to even."""
    return amount.quantize(_PENNY, context=MONEY)


# --- the measures ---------------------------------------------------------------------------


# --- intervals ---------------------------------------------------------------------------------

#: The confidence level of every interval of a report.
CONFIDENCE = 0.95
#: How many resamples the bootstrap of the cost of delay per person draws, and its seed:
#: the same figures give the same interval, in any order, on any machine with the same numpy.
BOOTSTRAP_RESAMPLES = 2_000
BOOTSTRAP_SEED = 0
#: How many resampled values a block of the bootstrap draws at most (memory stays small).
_BLOCK = 2_000_000
#: Shares, each with its numerator and denominator (Wilson's score interval).
_PROPORTIONS: dict[str, tuple[str, str]] = {
    "ready_day_share": ("ready_days", "bed_days"),
    "recorded_ready_day_share": ("recorded_ready_days", "bed_days"),
    "long_stay_share": ("long_stay", "stays_open"),
    "reviews_on_time_share": ("reviews_on_time", "reviews_due"),
    "goals_achieved_share": ("goals_achieved", "goals"),
    "step_down_share": ("step_downs", "stays_ended"),
    "readmission_share": ("readmissions", "community_spells_ended"),
}
#: Rates per 100 person-years, each with its count and its days of exposure (exact
#: Poisson limits below 10 events, Byar's method from 10).
_RATES: dict[str, tuple[str, str]] = {
    "step_downs_per_100_person_years": ("step_downs", "bed_days"),
    "readmissions_per_100_person_years": ("readmissions", "community_days"),
}
#: 100 person-years in days: a rate per day times this is a rate per 100 person-years.
_PER_100_YEARS = float(100 * _YEAR_DAYS)
#: Medians (Brookmeyer and Crowley's interval; open stays censored in length of stay).
_MEDIANS = frozenset(
    {"los_median_days", "days_beyond_readiness_median", "community_days_before_readmission_median"}
)
#: The cost of delay, per person and in total (a seeded percentile bootstrap of the mean).
_MEANS = frozenset({"cost_of_delay_per_person", "cost_of_delay"})
#: Figures the library has no interval method for.
_NO_METHOD = frozenset(
    {"los_q1_days", "los_q3_days", "days_beyond_readiness_max", "recorded_cost_of_delay"}
)


def _method_of(name: str) -> str | None:
    if name in _PROPORTIONS:
        return "wilson"
    if name in _RATES:
        return "poisson"
    if name in _MEDIANS:
        return "brookmeyer_crowley"
    if name in _MEANS:
        return "bootstrap"
    return None


@attrs.frozen(kw_only=True)
class CohortMeasure:
    """One cohort measure: its name, unit, which way is better, and what it means.

    Attributes:
        name: The measure's name, as in the rows of a report (``"ready_days"``).
        unit: Its unit: ``"people"``, ``"stays"``, ``"days"``, ``"GBP"``, ``"share"``
            (from 0 to 1), ``"reviews"``, ``"goals"``, ``"domains"``, ``"moves"`` or
            ``"per 100 person-years"``.
        better: ``"lower"`` or ``"higher"`` when providers are ranked on it in
            [`benchmark_table`][pathway_model.scoring.benchmark_table]; ``None`` for a count
            that mostly measures size and is not ranked.
        description: What it counts, exactly.
        interval: How its 95% confidence interval is made (see
            [`CohortGroup.interval`][pathway_model.scoring.CohortGroup.interval]):
            ``"wilson"`` (a share), ``"poisson"`` (a rate: exact Poisson limits below 10
            events, Byar's method from 10), ``"brookmeyer_crowley"`` (a median) or
            ``"bootstrap"`` (the cost of delay, from the mean per person); ``None`` for a
            count or total, published as it is, and for the few figures with no interval
            method (see [`IntervalNote`][pathway_model.scoring.IntervalNote]).
    """

    name: str
    unit: str
    better: Better | None
    description: str
    interval: str | None = None


def _m(name: str, unit: str, better: Better | None, description: str) -> CohortMeasure:
    return CohortMeasure(
        name=name, unit=unit, better=better, description=description, interval=_method_of(name)
    )


COHORT_MEASURES: tuple[CohortMeasure, ...] = (
    _m("people", "people", None, "Distinct people with a stay in the window."),
    _m("stays", "stays", None, "Stays with at least one day in the window, or open at as_of."),
    _m("stays_open", "stays", None, "Stays open at as_of: the people in care then (censored)."),
    _m("admissions", "stays", None, "Stays that began in the window: the length-of-stay cohort."),
    _m("bed_days", "days", None, "Days of stays in the window (occupied bed days)."),
    _m("bed_day_value", "GBP", None, "Bed days valued at each stage's bed-day cost."),
    _m("los_q1_days", "days", "lower", "Length of stay of admissions, Kaplan-Meier 0.25 quantile."),
    _m("los_median_days", "days", "lower", "Length of stay of admissions, Kaplan-Meier median."),
    _m("los_q3_days", "days", "lower", "Length of stay of admissions, Kaplan-Meier 0.75 quantile."),
    _m("ready_days", "days", None, "Days in the window on which the person was ready to move on."),
    _m("ready_day_share", "share", "lower", "Ready days as a share of bed days."),
    _m("cost_of_delay", "GBP", "lower", "Ready days valued at each stage's bed-day cost."),
    _m(
        "cost_of_delay_per_person",
        "GBP",
        "lower",
        "The cost of delay per person with a stay in the window: cost_of_delay / people.",
    ),
    _m("ready_now", "people", None, "People ready to move on at as_of."),
    _m(
        "days_beyond_readiness_median",
        "days",
        "lower",
        "Median days beyond readiness of the people ready at as_of.",
    ),
    _m(
        "days_beyond_readiness_max",
        "days",
        "lower",
        "Most days beyond readiness of the people ready at as_of.",
    ),
    _m(
        "long_stay_in_stage",
        "people",
        None,
        "People at as_of whose continuous time in the stage exceeds its long_stay_after.",
    ),
    _m(
        "long_stay_combined",
        "people",
        None,
        "People at as_of whose continuous time in the combined stages exceeds the rule.",
    ),
    _m("long_stay", "people", None, "People at as_of who are long stay by either rule."),
    _m("long_stay_share", "share", "lower", "Long stay as a share of stays open at as_of."),
    _m("reviews_due", "reviews", None, "Scheduled reviews held in the window, plus those missed."),
    _m("reviews_on_time", "reviews", None, "Reviews held in the window on or before the due date."),
    _m("reviews_late", "reviews", None, "Reviews held in the window after the due date."),
    _m("reviews_missed", "reviews", None, "Reviews overdue and not held at as_of or stay end."),
    _m("reviews_on_time_share", "share", "higher", "Reviews on time as a share of reviews due."),
    _m("goals", "goals", None, "Goals set in the window (not entered in error)."),
    _m(
        "goals_achieved",
        "goals",
        None,
        "Of those, achieved or sustaining at as_of, and neither cancelled nor rejected.",
    ),
    _m("goals_achieved_share", "share", "higher", "Goals achieved as a share of goals."),
    _m(
        "outcomes_met",
        "domains",
        None,
        "Required domains first rated at or above the stage's minimum in a stay, in the window.",
    ),
    _m("stays_ended", "stays", None, "Stays that ended in the window."),
    _m("step_downs", "moves", None, "Stays that ended in the window with a move to a lower rank."),
    _m("step_ups", "moves", None, "Stays that ended in the window with a move to a higher rank."),
    _m("step_down_share", "share", "higher", "Step downs as a share of stays ended."),
    _m(
        "step_downs_per_100_person_years",
        "per 100 person-years",
        "higher",
        "Step downs per 100 years of bed days.",
    ),
    _m("community_days", "days", None, "Days in the window in a community stage."),
    _m(
        "community_spells_ended",
        "stays",
        None,
        "Continuous spells in the community that ended in the window.",
    ),
    _m("readmissions", "moves", None, "Community spells that ended with a move to a higher rank."),
    _m("readmission_share", "share", "lower", "Readmissions as a share of spells ended."),
    _m(
        "readmissions_per_100_person_years",
        "per 100 person-years",
        "lower",
        "Readmissions per 100 years in the community.",
    ),
    _m(
        "community_days_before_readmission_median",
        "days",
        "higher",
        "Median length of the community spells that ended in readmission.",
    ),
    _m(
        "recorded_ready_days",
        "days",
        None,
        "Days in the window the team recorded the person clinically ready to move on.",
    ),
    _m(
        "recorded_ready_day_share",
        "share",
        None,
        "Recorded ready days as a share of bed days (not ranked: a ranking would reward "
        "not recording).",
    ),
    _m(
        "recorded_cost_of_delay",
        "GBP",
        None,
        "Recorded ready days valued at each stage's bed-day cost (not ranked: a ranking "
        "would reward not recording).",
    ),
    _m(
        "recorded_ready_now",
        "people",
        None,
        "People recorded clinically ready to move on at as_of.",
    ),
    _m(
        "rule_and_recorded_days",
        "days",
        None,
        "Days in the window ready by both the outcome rule and the team's record.",
    ),
    _m(
        "rule_not_recorded_days",
        "days",
        None,
        "Days the outcome rule found the person ready while readiness was not recorded.",
    ),
    _m(
        "rule_before_recorded_days",
        "days",
        None,
        "Of those, the days before the stay's first recorded readiness (all, if none).",
    ),
    _m(
        "recorded_not_rule_days",
        "days",
        None,
        "Days recorded ready that the outcome rule, judging ratings, did not find ready.",
    ),
    _m(
        "recorded_unrated_days",
        "days",
        None,
        "Days recorded ready on which the outcome rule had no outcome ratings to judge.",
    ),
    _m(
        "stays_without_ratings",
        "stays",
        None,
        "Stays in a stage with exit criteria and no outcome ratings by as_of: not judged.",
    ),
)
"""Every cohort measure, in the order of a report's rows.

See [`CohortMeasure`][pathway_model.scoring.CohortMeasure].
"""

_MEASURE_BY_NAME = {measure.name: measure for measure in COHORT_MEASURES}


class IntervalNote(enum.Enum):
    """Why a cohort measure has no confidence interval, or only part of one."""

    COUNT = "count"
    """A count or total of the records reported (people, bed days, bed-day value): the
    figure itself, published as it is, not an estimate."""
    NOTHING_TO_MEASURE = "nothing_to_measure"
    """The measure has no value: no denominator, nobody to take a median of."""
    NOT_REACHED = "not_reached"
    """The Kaplan-Meier median is not reached: too many stays are still going on."""
    OPEN_ABOVE = "open_above"
    """The median's upper confidence curve never falls to one half: the interval has a
    lower limit and is open above (its upper limit is infinite)."""
    NO_METHOD = "no_method"
    """No interval method: a quartile other than the median, the largest value, or the
    recorded cost of delay (the report keeps no figures per person for it)."""
    STATISTICS_NOT_INSTALLED = "statistics_not_installed"
    """numpy or scipy, which this interval needs, is not installed (the extra
    ``stats``)."""


# --- long stay --------------------------------------------------------------------------------


def _stage_codes(value: Iterable[str]) -> tuple[str, ...]:
    return _checks.tuple_of(value)


@attrs.frozen(kw_only=True)
class CombinedLongStay:
    """A long-stay rule over continuous time in several stages taken together.

    "Domain facts and sources" (Hare Duke et al. 2018; Völlm et al. 2018): long stay is more than 10
    years in high secure, more than 5 years in medium secure, **or more than 15 years in
    the two combined**. The first two are each stage's ``long_stay_after``; this is the
    third.

    Attributes:
        stages: The codes of the stages whose time is added together.
        after: How long the combined time must exceed.

    Examples:
        >>> SECURE_COMBINED_LONG_STAY.stages, str(SECURE_COMBINED_LONG_STAY.after)
        (('high_secure', 'medium_secure'), 'P15Y')
    """

    stages: tuple[str, ...] = attrs.field(
        converter=_stage_codes, validator=_checks.items_of(str, "a stage code")
    )
    after: Period = attrs.field(validator=_checks.instance_of(Period, "a Period"))

    def __attrs_post_init__(self) -> None:
        problems = [
            Problem(
                path=f"CombinedLongStay.stages[{index}]",
                expected=_checks.CODE_EXPECTED,
                found=show_code(code),
            )
            for index, code in enumerate(self.stages)
            if not _checks.is_code(code)
        ]
        if not self.stages:
            problems.append(
                Problem(path="CombinedLongStay.stages", expected="at least 1 stage", found="none")
            )
        problems += _checks.unique_codes("CombinedLongStay.stages", self.stages, "stage")
        if self.after.is_zero:
            problems.append(
                Problem(
                    path="CombinedLongStay.after", expected="a period longer than zero", found="P0D"
                )
            )
        _checks.raise_problems(problems)


SECURE_COMBINED_LONG_STAY = CombinedLongStay(
    stages=("high_secure", "medium_secure"),
    after=Period(years=15),  # more than 15 years in high and medium combined
)
"""More than 15 years in high and medium secure combined ("Domain facts and sources")."""


# --- calendar arithmetic ----------------------------------------------------------------------


# --- rows, groups and the report ----------------------------------------------------------------


@attrs.frozen(kw_only=True)
class CohortRow:
    """One measure of one group: a tidy row.

    Attributes:
        provider: The provider, or ``None`` for every provider together.
        stage: The stage code, or ``None`` for every stage together.
        measure: The measure's name (see
            [`COHORT_MEASURES`][pathway_model.scoring.COHORT_MEASURES]).
        value: Its value: an ``int`` count, a ``float`` share, rate or median, a
            ``Decimal`` amount in pounds, or ``None`` when it cannot be worked out (no
            stay to take a share of, a median not reached).
        unit: The measure's unit.
        lower: The lower limit of its 95% confidence interval (see
            [`CohortGroup.interval`][pathway_model.scoring.CohortGroup.interval]), or
            ``None`` with no interval.
        upper: The upper limit, or ``None`` with no interval or one open above.
        interval_method: How the interval was made, or ``None`` with none.
        interval_note: Why there is no interval, or why it is open above; ``None``
            for an interval with both limits.
        suppressed: Whether a disclosure-control policy hid the figure (see
            [`CohortReport.rows`][pathway_model.scoring.CohortReport.rows]): its value
            and interval are ``None`` then, and mean "not published", never 0.
        suppression_reason: Why it is hidden; ``None`` when it is not.
    """

    provider: str | None
    stage: str | None
    measure: str
    value: int | float | Decimal | None
    unit: str
    lower: float | None = None
    upper: float | None = None
    interval_method: IntervalMethod | None = None
    interval_note: IntervalNote | None = None
    suppressed: bool = False
    suppression_reason: SuppressionReason | None = None


@attrs.frozen(kw_only=True)
class CohortMonth:
    """One calendar month of a group's stays: its bed days and ready days.

    Attributes:
        month: The first day of the month.
        bed_days: The group's bed days in the month (in the window, before ``as_of``).
        ready_days: Its ready days in the month.
    """

    month: dt.date
    bed_days: int
    ready_days: int

    @property
    def ready_day_share(self) -> float | None:
        """``ready_days / bed_days``; ``None`` for a month with no bed day."""
        return _share(self.ready_days, self.bed_days)


@attrs.frozen(kw_only=True)
class CohortGroup:
    """Every cohort measure of one group of stays: a provider's stage, a provider, a stage, or all.

    The measures are defined in [`COHORT_MEASURES`][pathway_model.scoring.COHORT_MEASURES] and
    on the page "Cohort measures". Amounts are ``Decimal`` pounds rounded to pence; day
    counts are over the window ``since <= day < as_of``. Shares, rates and the quantiles
    of length of stay are properties worked out from the counts.

    Attributes:
        provider: The provider, or ``None`` for every provider together.
        stage: The stage code, or ``None`` for every stage together.
        people: Distinct people (by person id) with a stay in the group.
        stays: Stays with a day in the window, or open at ``as_of``.
        stays_open: Stays open at ``as_of``: the people in care then, one stay each
            (an admission among them is censored in length of stay).
        admissions: Stays that began in the window: the length-of-stay cohort.
        bed_days: Days of the stays in the window (occupied bed days).
        bed_day_value: Bed days at each stage's bed-day cost (stages without one: none).
        length_of_stay: The Kaplan-Meier estimate of length of stay, in days, of the
            admissions; a stay open at ``as_of`` is censored at its length so far.
        ready_days: Days in the window on which the person was ready to move on
            ("How readiness is decided"), in stays that have since ended too.
        cost_of_delay: Ready days at each stage's bed-day cost.
        ready_now: People ready to move on at ``as_of``.
        days_beyond_readiness_median: The median days beyond readiness of those people.
        days_beyond_readiness_max: The most days beyond readiness among them.
        long_stay_in_stage: People at ``as_of`` whose continuous time in their stage is
            more than the stage's ``long_stay_after``.
        long_stay_combined: People at ``as_of`` in one of the combined rule's stages
            whose continuous time in those stages is more than the rule's period.
        long_stay: People at ``as_of`` who are long stay by either rule.
        reviews_on_time: Scheduled reviews held in the window on or before their due date.
        reviews_late: Scheduled reviews held in the window after their due date.
        reviews_missed: Reviews due and not held by ``as_of`` (open stays) or by the
            stay's last day (ended stays).
        goals: Goals set in the window, not entered in error.
        goals_achieved: Of those, the goals achieved or sustaining at ``as_of``; a
            cancelled or rejected goal is never achieved.
        outcomes_met: Required domains first rated at or above the stage's minimum in a
            stay, at a review in the window.
        stays_ended: Stays that ended in the window.
        step_downs: Of those, the stays that ended with a move to a stage of lower
            security rank the same day.
        step_ups: Of those, the stays that ended with a move to a stage of higher
            security rank the same day.
        step_down_bed_day_costs: The bed-day costs of the stages stepped down from,
            added over the step downs: what a currency that pays a number of bed days
            per step down multiplies (see [`payments`][pathway_model.scoring.payments]).
        community_days: Days in the window in a community stage.
        community_spells_ended: Continuous spells in the community that ended in the
            window (a transfer between community teams does not end a spell).
        readmissions: Of those, the spells that ended with a move to a stage of higher
            security rank.
        community_days_before_readmission_median: The median length in days of the
            spells that ended in a readmission.
        recorded_ready_days: Days in the window the team recorded the person clinically
            ready to move on (recorded readiness: see "Recorded readiness and the
            outcome rule"), each period cut to the window and its stay, an open period
            running to ``as_of``.
        recorded_cost_of_delay: Recorded ready days at each stage's bed-day cost.
        recorded_ready_now: People recorded ready at ``as_of`` (a period that covers it,
            in a stay open then).
        rule_and_recorded_days: Days ready by both the outcome rule and the record.
        rule_not_recorded_days: Days the outcome rule found the person ready while
            readiness was not recorded.
        rule_before_recorded_days: Of those, the days before the stay's first recorded
            readiness period (all of them in a stay with none).
        recorded_not_rule_days: Days recorded ready, in a stay the rule could judge
            and on or after its first rated review, that the rule did not find ready.
        recorded_unrated_days: Days recorded ready on which the rule had no outcome
            ratings to judge: not "not ready", but not judged.
        stays_without_ratings: Stays in a stage with exit criteria with no outcome
            rating by ``as_of``: the rule cannot judge them.
        recorded_delays: The recorded ready days and their cost by delay reason and by
            who the delay is attributable to, one
            [`RecordedDelay`][pathway_model.scoring.RecordedDelay] for each
            combination recorded, in code order.

    Each measure that is an estimate has a 95% confidence interval,
    [`interval`][pathway_model.scoring.CohortGroup.interval], worked out from the
    group's figures when the report is made; the others say why not,
    [`interval_note`][pathway_model.scoring.CohortGroup.interval_note].
    """

    provider: str | None
    stage: str | None
    people: int
    stays: int
    stays_open: int
    admissions: int
    bed_days: int
    bed_day_value: Decimal
    length_of_stay: KaplanMeier
    ready_days: int
    cost_of_delay: Decimal
    ready_now: int
    days_beyond_readiness_median: float | None
    days_beyond_readiness_max: int | None
    long_stay_in_stage: int
    long_stay_combined: int
    long_stay: int
    reviews_on_time: int
    reviews_late: int
    reviews_missed: int
    goals: int
    goals_achieved: int
    outcomes_met: int
    stays_ended: int
    step_downs: int
    step_ups: int
    step_down_bed_day_costs: Decimal
    community_days: int
    community_spells_ended: int
    readmissions: int
    community_days_before_readmission_median: float | None
    recorded_ready_days: int
    recorded_cost_of_delay: Decimal
    recorded_ready_now: int
    rule_and_recorded_days: int
    rule_not_recorded_days: int
    rule_before_recorded_days: int
    recorded_not_rule_days: int
    recorded_unrated_days: int
    stays_without_ratings: int
    recorded_delays: tuple[RecordedDelay, ...]
    #: (month number, bed days, ready days) of each month, in order: see ``months``.
    _month_figures: tuple[tuple[int, int, int], ...] = attrs.field(
        alias="month_figures", default=(), repr=False
    )
    #: (measure, interval, note) for every measure, in the order of COHORT_MEASURES.
    _intervals: tuple[tuple[str, Interval | None, IntervalNote | None], ...] = attrs.field(
        alias="intervals", default=(), repr=False
    )

    @property
    def months(self) -> tuple[CohortMonth, ...]:
        """The bed days and ready days of each calendar month, in order.

        From the first month with a bed day in the window to the last (a month with
        none in between is there, with 0); the first and last months may be part months
        (the window's first day, ``as_of``). For control charts:
        [`spc_table`][pathway_model.scoring.spc_table].
        """
        return tuple(
            CohortMonth(month=_first_of(month), bed_days=beds, ready_days=ready)
            for month, beds, ready in self._month_figures
        )

    @property
    def los_q1_days(self) -> int | None:
        """Length of stay, Kaplan-Meier 0.25 quantile, in days."""
        return self.length_of_stay.quantile(0.25)

    @property
    def los_median_days(self) -> int | None:
        """Length of stay, Kaplan-Meier median, in days."""
        return self.length_of_stay.median

    @property
    def los_q3_days(self) -> int | None:
        """Length of stay, Kaplan-Meier 0.75 quantile, in days."""
        return self.length_of_stay.quantile(0.75)

    @property
    def ready_day_share(self) -> float | None:
        """``ready_days / bed_days``."""
        return _share(self.ready_days, self.bed_days)

    @property
    def cost_of_delay_per_person(self) -> Decimal | None:
        """``cost_of_delay / people``, rounded to pence; ``None`` with nobody."""
        if not self.people:
            return None
        return pence(MONEY.divide(self.cost_of_delay, Decimal(self.people)))

    @property
    def recorded_ready_day_share(self) -> float | None:
        """``recorded_ready_days / bed_days``."""
        return _share(self.recorded_ready_days, self.bed_days)

    @property
    def long_stay_share(self) -> float | None:
        """``long_stay / stays_open``."""
        return _share(self.long_stay, self.stays_open)

    @property
    def reviews_due(self) -> int:
        """``reviews_on_time + reviews_late + reviews_missed``."""
        return self.reviews_on_time + self.reviews_late + self.reviews_missed

    @property
    def reviews_on_time_share(self) -> float | None:
        """``reviews_on_time / reviews_due``."""
        return _share(self.reviews_on_time, self.reviews_due)

    @property
    def goals_achieved_share(self) -> float | None:
        """``goals_achieved / goals``."""
        return _share(self.goals_achieved, self.goals)

    @property
    def step_down_share(self) -> float | None:
        """``step_downs / stays_ended``."""
        return _share(self.step_downs, self.stays_ended)

    @property
    def step_downs_per_100_person_years(self) -> float | None:
        """``step_downs * 100 / (bed_days / 365.25)``."""
        return _per_100_years(self.step_downs, self.bed_days)

    @property
    def readmission_share(self) -> float | None:
        """``readmissions / community_spells_ended``."""
        return _share(self.readmissions, self.community_spells_ended)

    @property
    def readmissions_per_100_person_years(self) -> float | None:
        """``readmissions * 100 / (community_days / 365.25)``."""
        return _per_100_years(self.readmissions, self.community_days)

    def value(self, measure: str) -> int | float | Decimal | None:
        """Return the value of the measure named ``measure``.

        Raises:
            UnknownCodeError: No cohort measure has that name.
        """
        if measure not in _MEASURE_BY_NAME:
            raise UnknownCodeError("cohort measure", measure, _MEASURE_BY_NAME)
        value: int | float | Decimal | None = getattr(self, measure)
        return value

    def interval(self, measure: str) -> Interval | None:
        """The 95% confidence interval of the measure named ``measure``, or ``None``.

        Shares have Wilson's score interval; rates per 100 person-years exact Poisson
        limits below 10 events and Byar's method from 10; medians Brookmeyer and
        Crowley's interval (length of stay with open stays censored); the cost of delay
        per person a seeded percentile bootstrap of the mean over the group's people
        (those with no ready day count as 0), and the cost of delay that interval times
        the people. The methods are those of `pathway_model.stats`; the
        page "Comparing services fairly" says what each assumes. A median open above
        has an infinite upper limit. ``None`` when there is no interval:
        [`interval_note`][pathway_model.scoring.CohortGroup.interval_note] says why.

        Raises:
            UnknownCodeError: No cohort measure has that name.

        Examples:
            >>> import datetime as dt
            >>> import pathway_model as pm
            >>> from pathway_model.catalogue import SECURE_PATHWAY
            >>> records = [
            ...     pm.Pathway.start(SECURE_PATHWAY, person_id=f"P-{n}", stage="low_secure",
            ...                      provider="Riverside", on=dt.date(2024, 1, 1))
            ...     for n in range(3)
            ... ]
            >>> group = cohort_report(records, as_of=dt.date(2024, 3, 1)).group()
            >>> interval = group.interval("long_stay_share")
            >>> interval.method.value, interval.estimate, round(interval.upper, 4)
            ('wilson', 0.0, 0.5615)
            >>> group.interval("bed_days"), group.interval_note("bed_days").value
            (None, 'count')
        """
        return self._interval_entry(measure)[1]

    def interval_note(self, measure: str) -> IntervalNote | None:
        """Why the measure has no interval, or why its interval is open above.

        ``None`` for an interval with both limits.

        Raises:
            UnknownCodeError: No cohort measure has that name.
        """
        return self._interval_entry(measure)[2]

    def _interval_entry(self, measure: str) -> tuple[str, Interval | None, IntervalNote | None]:
        if measure not in _MEASURE_BY_NAME:
            raise UnknownCodeError("cohort measure", measure, _MEASURE_BY_NAME)
        for entry in self._intervals:
            if entry[0] == measure:
                return entry
        return (measure, None, IntervalNote.NOTHING_TO_MEASURE)  # pragma: no cover - built whole


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _per_100_years(count: int, days: int) -> float | None:
    if not days:
        return None
    return float(Decimal(count * 100) * _YEAR_DAYS / Decimal(days))


@attrs.frozen(kw_only=True)
class CohortReport:
    """Cohort measures for every group of stays, at one date over one window.

    Groups come in a fixed order: the whole cohort, then each stage, then each provider,
    then each provider's stages. Providers sort by name; stages from the most restrictive
    (highest security rank) down, ties by code.

    Attributes:
        as_of: The date the measures are for; nothing dated after it is read.
        since: The first day of the window.
        records: How many records were read.
        combined_long_stay: The combined long-stay rule applied, if any.
        community_stages: The stage codes read as the community, sorted.
        groups: Every group's measures, in the order above.
    """

    as_of: dt.date
    since: dt.date
    records: int
    combined_long_stay: CombinedLongStay | None
    community_stages: tuple[str, ...]
    groups: tuple[CohortGroup, ...]

    @property
    def providers(self) -> tuple[str, ...]:
        """The providers with a stay in the window, sorted."""
        return tuple(
            group.provider
            for group in self.groups
            if group.provider is not None and group.stage is None
        )

    @property
    def stages(self) -> tuple[str, ...]:
        """The stages with a stay in the window, most restrictive first."""
        return tuple(group.stage for group in self.groups if group.provider is None and group.stage)

    def group(self, provider: str | None = None, stage: str | None = None) -> CohortGroup:
        """Return one group's measures: ``None`` for every provider, or every stage.

        Raises:
            UnknownCodeError: No stay in the window belongs to that group.

        Examples:
            >>> import datetime as dt
            >>> import pathway_model as pm
            >>> from pathway_model.catalogue import SECURE_PATHWAY
            >>> record = pm.Pathway.start(
            ...     SECURE_PATHWAY, person_id="P-1", stage="low_secure",
            ...     provider="Riverside", on=dt.date(2024, 1, 1),
            ... )
            >>> report = cohort_report([record], as_of=dt.date(2024, 3, 1))
            >>> report.group("Riverside", "low_secure").bed_days
            60
        """
        for candidate in self.groups:
            if candidate.provider == provider and candidate.stage == stage:
                return candidate
        known = [f"{g.provider or '*'}/{g.stage or '*'}" for g in self.groups]
        raise UnknownCodeError("group", f"{provider or '*'}/{stage or '*'}", known)

    def rows(self, *, suppress: SuppressionPolicy | None = None) -> tuple[CohortRow, ...]:
        """Every measure of every group as tidy rows, groups in order, measures in order.

        Each row carries the measure's 95% confidence interval, or the note that says
        why it has none (see [`CohortRow`][pathway_model.scoring.CohortRow]).

        Args:
            suppress: A disclosure-control policy
                ([`SuppressionPolicy`][pathway_model.stats.SuppressionPolicy], such as
                [`MHSDS_SUPPRESSION`][pathway_model.stats.MHSDS_SUPPRESSION]) to publish
                the rows under; ``None`` for the figures as they are. Under a policy,
                counts below its threshold are suppressed and the others rounded; a share
                is suppressed with its numerator or denominator, a rate with its count or
                its exposure, and a figure made from a count (a median, an amount of
                money) with that count. A suppressed row holds no value and no interval,
                and says so (``suppressed``, ``suppression_reason``): never read it as 0.
                The groups of all the providers together are the unit ``"England"``: a
                policy that exempts it (as the national rule does) publishes them as
                they are; for a report whose total is not England's, use a policy
                without the exemption.

        Raises:
            WrongTypeError: ``suppress`` is not a `SuppressionPolicy` or ``None``.
        """
        policy = _policy(suppress)
        return tuple(
            _row(group, measure, interval, note, policy)
            for group in self.groups
            for measure, (_, interval, note) in zip(COHORT_MEASURES, group._intervals, strict=True)
        )

    def recorded_delays(self) -> tuple[RecordedDelay, ...]:
        """Every group's recorded ready days by delay reason and attribution, groups in order.

        Tidy rows for a frame
        ([`cohort_frame`][pathway_model.scoring.frames.cohort_frame]): sum
        ``ready_days`` or ``cost_of_delay`` over ``attributable_to`` for the breakdown
        by reason, or over ``delay_reason`` for the breakdown by attribution.
        """
        return tuple(delay for group in self.groups for delay in group.recorded_delays)

    def to_frame(self, *, suppress: SuppressionPolicy | None = None) -> Any:
        """The rows as a ``pandas.DataFrame``: ``frames.cohort_frame(report.rows())``.

        A convenience for [`cohort_frame`][pathway_model.scoring.frames.cohort_frame]
        (needs the ``pandas`` extra). Columns: the fields of
        [`CohortRow`][pathway_model.scoring.CohortRow], with ``value_pence`` after
        ``value``. Pivot it for a wide table: ``frame.pivot_table(index=[
        "provider", "stage"], columns="measure", values="value", aggfunc="first",
        dropna=False)``.

        Args:
            suppress: A disclosure-control policy to publish the rows under (see
                [`rows`][pathway_model.scoring.CohortReport.rows]).

        Raises:
            ImportError: pandas is not installed.
            WrongTypeError: ``suppress`` is not a `SuppressionPolicy` or ``None``.
        """
        return cohort_frame(self.rows(suppress=suppress))


TOTAL_UNIT = "England"
"""The unit disclosure control knows the groups of all the providers together by.

A policy that exempts it ([`MHSDS_SUPPRESSION`][pathway_model.stats.MHSDS_SUPPRESSION]
does: the national rule for England's totals) publishes those groups as they are. For a
report whose total is not England's, use a policy without the exemption.
"""

#: The counts a figure is made from, for the figures that are neither a count, a share
#: nor a rate: it is suppressed when one of them is.
_MADE_FROM: dict[str, tuple[str, ...]] = {
    "bed_day_value": ("bed_days",),
    "los_q1_days": ("admissions",),
    "los_median_days": ("admissions",),
    "los_q3_days": ("admissions",),
    "cost_of_delay": ("ready_days",),
    "cost_of_delay_per_person": ("ready_days", "people"),
    "days_beyond_readiness_median": ("ready_now",),
    "days_beyond_readiness_max": ("ready_now",),
    "community_days_before_readmission_median": ("readmissions",),
    "recorded_cost_of_delay": ("recorded_ready_days",),
}


def _policy(value: object) -> SuppressionPolicy | None:
    if value is not None and not isinstance(value, SuppressionPolicy):
        raise WrongTypeError.single("suppress", "a SuppressionPolicy or None", type_name(value))
    return value


@attrs.frozen
class _Shown:
    """A figure as a policy lets it be published: value, interval limits, and why hidden."""

    value: int | float | Decimal | None
    lower: float | None
    upper: float | None
    reason: SuppressionReason | None


def _shown(
    group: CohortGroup,
    name: str,
    lower: float | None,
    upper: float | None,
    policy: SuppressionPolicy | None,
) -> _Shown:
    """A group's figure under a disclosure-control policy (see `CohortReport.rows`)."""
    value = group.value(name)
    unit = group.provider if group.provider is not None else TOTAL_UNIT
    if policy is None or value is None or unit in policy.exempt:
        return _Shown(value, lower, upper, None)
    if name in _PROPORTIONS:
        top, bottom = (getattr(group, part) for part in _PROPORTIONS[name])
        cell = policy.apply(Cell.percentage(top, bottom), unit=unit)
        places = policy.decimals + 2  # a share is a percentage / 100
        return _protected(cell, 0.01, places, lower, upper)
    if name in _RATES:
        events, days = (getattr(group, part) for part in _RATES[name])
        cell = policy.apply(Cell.rate(events, days, per=_PER_100_YEARS), unit=unit)
        return _protected(cell, 1.0, policy.decimals, lower, upper)
    if name in _MADE_FROM:
        for count in _MADE_FROM[name]:
            if policy.apply(Cell.count(getattr(group, count)), unit=unit).suppressed:
                return _Shown(None, None, None, SuppressionReason.NUMERATOR_BELOW_THRESHOLD)
        return _Shown(value, lower, upper, None)
    cell = policy.apply(Cell.count(int(value)), unit=unit)
    return _Shown(cell.value, None, None, cell.reason)


def _protected(
    cell: Cell, scale: float, places: int, lower: float | None, upper: float | None
) -> _Shown:
    """A protected share or rate, its interval rounded as its value is (or hidden)."""
    if cell.suppressed or cell.value is None:
        return _Shown(None, None, None, cell.reason)
    return _Shown(
        round(cell.value * scale, places),
        None if lower is None else round(lower, places),
        None if upper is None else round(upper, places),
        None,
    )


def _row(
    group: CohortGroup,
    measure: CohortMeasure,
    interval: Interval | None,
    note: IntervalNote | None,
    policy: SuppressionPolicy | None,
) -> CohortRow:
    upper = None if interval is None or math.isinf(interval.upper) else interval.upper
    shown = _shown(group, measure.name, None if interval is None else interval.lower, upper, policy)
    hidden = shown.reason is not None
    return CohortRow(
        provider=group.provider,
        stage=group.stage,
        measure=measure.name,
        value=shown.value,
        unit=measure.unit,
        lower=shown.lower,
        upper=shown.upper,
        interval_method=None if interval is None or hidden else interval.method,
        interval_note=None if hidden else note,
        suppressed=hidden,
        suppression_reason=shown.reason,
    )


def cohort_frame(rows: Iterable[Any]) -> Any:
    """Turn rows of this module (report rows, benchmark rows, payments) into a data frame.

    Needs the ``pandas`` extra. Each attribute becomes a column, in the class's order,
    typed by the one convention of result frames ("Data frames and records: one
    convention"): counts ``Int64``, shares, rates and medians ``Float64``, codes and
    names ``string``, flags ``boolean``, all nullable. An amount of money is two
    columns: pounds as ``Float64`` and the exact pence as ``Int64``, named with
    ``_pence`` (``cost_of_delay`` and ``cost_of_delay_pence``). A report row's ``value``
    holds counts, shares and amounts together, so it is ``Float64`` (a count is exact
    in it), and ``value_pence`` holds the pence of the amounts, NA for the rest. So
    ``to_parquet`` and ``read_parquet`` give the same frame back.

    Args:
        rows: Rows of one kind: [`CohortRow`][pathway_model.scoring.CohortRow],
            [`BenchmarkRow`][pathway_model.scoring.BenchmarkRow] or
            [`Payment`][pathway_model.scoring.Payment].

    Raises:
        WrongTypeError: A row is not an attrs instance, or not of the first row's kind.
        ImportError: pandas is not installed.
    """
    items = list(rows)
    for index, row in enumerate(items):
        if not attrs.has(type(row)):
            raise WrongTypeError.single(
                f"rows[{index}]", "a row (an attrs instance)", type_name(row)
            )
        if type(row) is not type(items[0]):
            raise WrongTypeError.single(
                f"rows[{index}]", f"a {type(items[0]).__name__}, as rows[0]", type_name(row)
            )
    if not items:
        return result_frame([])
    kind = type(items[0])
    hints = typing.get_type_hints(kind)
    return result_frame(
        [
            (name, column_kind(hints[name]), [getattr(row, name) for row in items])
            for name in (field.name for field in attrs.fields(kind))
        ]
    )


# --- benchmarking -----------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class BenchmarkRow:
    """One provider's place on one measure: its rank, its interval, and the funnel.

    A rank alone is not a finding: providers that differ by chance are ranked all the
    same. Each row says whether the provider's figure stands out from the others by more
    than chance explains: for a share or a rate, where it lies on the funnel of all the
    providers compared (Spiegelhalter's funnel plot, as NHS-R's FunnelPlotR draws it);
    for a median or the cost of delay, whether its interval overlaps that of all the
    providers together. The page "Comparing services fairly" says why, and what the
    funnel assumes.

    Attributes:
        measure: The measure's name.
        stage: The stage compared, or ``None`` when whole providers are compared.
        provider: The provider.
        value: The provider's value.
        unit: The measure's unit.
        better: ``"lower"`` or ``"higher"``: which way ranks first.
        rank: 1 for the best; equal values share the lowest rank of their tie (1, 2, 2,
            4); ``None`` when the value is ``None``.
        ranked: How many providers have a value and so a rank.
        lower: The lower limit of the value's 95% confidence interval
            ([`CohortGroup.interval`][pathway_model.scoring.CohortGroup.interval]), or
            ``None`` with none.
        upper: The upper limit, or ``None`` with none or one open above.
        position: Where the value lies on the funnel of the providers compared, for a
            share (a proportion funnel) or a rate (observed events against those expected
            at the providers' pooled rate): within, above or below the 95% and 99.8%
            limits. ``None`` for a measure with no funnel (a median, the cost of delay),
            a provider with nothing to measure, or without the extra ``stats``.
        within_noise: Whether chance explains the provider's difference from the others:
            within the funnel's 95% limits; for a measure with no funnel, an interval that
            overlaps the interval of all the providers compared (per person, for the cost
            of delay). Overlap is a cautious test: it marks fewer differences than a
            formal test would. ``None`` when there is neither to judge by. Read a rank
            marked ``True`` as no finding.
        suppressed: Whether a disclosure-control policy hid the provider's figure: its
            value, interval, rank and place are ``None`` then ("not published", never
            0).
        suppression_reason: Why it is hidden; ``None`` when it is not.
    """

    measure: str
    stage: str | None
    provider: str
    value: int | float | Decimal | None
    unit: str
    better: Better
    rank: int | None
    ranked: int
    lower: float | None = None
    upper: float | None = None
    position: FunnelPosition | None = None
    within_noise: bool | None = None
    suppressed: bool = False
    suppression_reason: SuppressionReason | None = None


def benchmark_table(
    report: CohortReport,
    *,
    stage: str | None = None,
    overdispersion: Overdispersion | str = Overdispersion.ADDITIVE,
    suppress: SuppressionPolicy | None = None,
) -> tuple[BenchmarkRow, ...]:
    """Place providers on every measure that has a better direction, against the funnel.

    Compares whole providers, or, with ``stage``, each provider's stays in that stage. For
    each ranked measure (those whose ``better`` is set in
    [`COHORT_MEASURES`][pathway_model.scoring.COHORT_MEASURES]) the providers come best first;
    equal values share a rank; a provider whose value is ``None`` (nothing to measure)
    has no rank and comes last. Ties and unranked providers are ordered by name, so the
    table is the same for the same report.

    Each row carries the provider's 95% interval and its place on the funnel (see
    [`BenchmarkRow`][pathway_model.scoring.BenchmarkRow]): shares on a proportion funnel
    of numerator and denominator, rates per 100 person-years as observed events against
    those expected at the providers' pooled rate (an indirectly standardised ratio, by
    the SHMI method). The limits are widened for overdispersion by default, as
    FunnelPlotR does: the days of one stay are not independent of each other, and
    providers differ in more than chance (the page "Comparing services fairly").

    Counts that mostly measure a provider's size (bed days, people) are not ranked; the
    ranked measures are shares, rates, medians and the cost of delay. The cost of delay
    grows with size: read it beside the ready-day share, or the cost per person.

    Args:
        report: A cohort report.
        stage: A stage code to compare providers within, or ``None``.
        overdispersion: How the funnel's limits are widened for overdispersion:
            ``"additive"`` (a between-provider variance, the default), ``"multiplicative"``
            or ``"none"`` (chance alone; with large denominators it flags providers that
            differ by little).
        suppress: A disclosure-control policy to publish the table under (see
            [`CohortReport.rows`][pathway_model.scoring.CohortReport.rows]): a provider
            whose figure it hides keeps its place in the order but shows no value,
            interval, rank or place on the funnel. The ranks and funnel are worked out
            from the figures as they are.

    Raises:
        WrongTypeError: ``report`` is not a `CohortReport`, or ``suppress`` not a
            `SuppressionPolicy` or ``None``.
        UnknownCodeError: No provider has a stay in ``stage``, or ``overdispersion`` is
            not a known code.

    Examples:
        >>> import datetime as dt
        >>> import pathway_model as pm
        >>> from pathway_model.catalogue import SECURE_PATHWAY
        >>> records = [
        ...     pm.Pathway.start(SECURE_PATHWAY, person_id=f"P-{n}", stage="low_secure",
        ...                      provider=name, on=dt.date(2024, 1, 1))
        ...     for n, name in enumerate(["North", "South"])
        ... ]
        >>> report = cohort_report(records, as_of=dt.date(2024, 6, 1))
        >>> [(row.provider, row.rank, row.within_noise) for row in benchmark_table(report)
        ...  if row.measure == "reviews_on_time_share"]
        [('North', 1, True), ('South', 1, True)]
    """
    if not isinstance(report, CohortReport):
        raise WrongTypeError.single("report", "a CohortReport", type_name(report))
    widen = _overdispersion(overdispersion)
    policy = _policy(suppress)
    groups = [
        group for group in report.groups if group.provider is not None and group.stage == stage
    ]
    if stage is not None and not groups:
        raise UnknownCodeError("stage with stays", stage, report.stages)
    everyone = report.group(None, stage)
    rows: list[BenchmarkRow] = []
    for measure in COHORT_MEASURES:
        if measure.better is None:
            continue
        places = _funnel_places(measure.name, groups, widen)
        values = [(group.provider or "", group.value(measure.name)) for group in groups]
        known = [(provider, value) for provider, value in values if value is not None]
        sign = 1 if measure.better == "lower" else -1
        known.sort(key=lambda item: (sign * item[1], item[0]))
        ranks: dict[str, int] = {}
        previous: object = None
        for position, (provider, value) in enumerate(known, start=1):
            if position == 1 or value != previous:
                rank = position
            previous = value
            ranks[provider] = rank
        by_name = {group.provider or "": group for group in groups}
        order = [provider for provider, _ in known] + sorted(
            provider for provider, value in values if value is None
        )
        for provider in order:
            group = by_name[provider]
            interval = group.interval(measure.name)
            place = places.get(provider)
            shown = _shown(
                group,
                measure.name,
                None if interval is None else interval.lower,
                None if interval is None or math.isinf(interval.upper) else interval.upper,
                policy,
            )
            hidden = shown.reason is not None
            rows.append(
                BenchmarkRow(
                    measure=measure.name,
                    stage=stage,
                    provider=provider,
                    value=shown.value,
                    unit=measure.unit,
                    better=measure.better,
                    rank=None if hidden else ranks.get(provider),
                    ranked=len(known),
                    lower=shown.lower,
                    upper=shown.upper,
                    position=None if hidden else place,
                    within_noise=None
                    if hidden
                    else _within_noise(measure.name, place, group, everyone),
                    suppressed=hidden,
                    suppression_reason=shown.reason,
                )
            )
    return tuple(rows)


def _overdispersion(value: object) -> Overdispersion:
    """The overdispersion adjustment named by ``value`` (the enum or its code)."""
    if isinstance(value, Overdispersion):
        return value
    codes = {member.value: member for member in Overdispersion}
    if not isinstance(value, str):
        raise WrongTypeError.single(
            "overdispersion", "an Overdispersion or its code", type_name(value)
        )
    if value not in codes:
        raise UnknownCodeError("overdispersion adjustment", value, codes)
    return codes[value]


def _funnel_places(
    name: str, groups: Sequence[CohortGroup], widen: Overdispersion
) -> dict[str, FunnelPosition]:
    """Each provider's place on the funnel of a share or a rate; empty for other measures."""
    if name in _PROPORTIONS:
        top, bottom = _PROPORTIONS[name]
        kind = FunnelKind.PROPORTION
        cells = [
            (group.provider or "", float(getattr(group, top)), float(getattr(group, bottom)))
            for group in groups
            if getattr(group, bottom)
        ]
    elif name in _RATES:
        events, days = _RATES[name]
        kind = FunnelKind.STANDARDISED_RATIO
        exposed = [group for group in groups if getattr(group, days)]
        total = sum(getattr(group, events) for group in exposed)
        if not total:
            return {}
        rate = total / sum(getattr(group, days) for group in exposed)
        cells = [
            (group.provider or "", float(getattr(group, events)), rate * getattr(group, days))
            for group in exposed
        ]
    else:
        return {}
    if not cells:
        return {}
    try:
        shape = funnel(
            [cell[0] for cell in cells],
            [cell[1] for cell in cells],
            [cell[2] for cell in cells],
            kind=kind,
            overdispersion=widen,
        )
    except StatisticsUnavailableError:
        return {}
    return {unit.unit: unit.position for unit in shape.units}


def _within_noise(
    name: str, place: FunnelPosition | None, group: CohortGroup, everyone: CohortGroup
) -> bool | None:
    """Whether chance explains a provider's difference (see `BenchmarkRow.within_noise`)."""
    if name in _PROPORTIONS or name in _RATES:
        return None if place is None else not place.outside_95
    # The total cost of delay grows with size: its providers are compared per person.
    compared = "cost_of_delay_per_person" if name == "cost_of_delay" else name
    own, overall = group.interval(compared), everyone.interval(compared)
    if own is None or overall is None:
        return None
    return own.lower <= overall.upper and overall.lower <= own.upper


# --- control charts ----------------------------------------------------------------------------

#: The monthly figures `spc_table` charts, and which way each is better.
_MONTHLY: dict[str, Improvement] = {
    "ready_day_share": Improvement.DECREASE,
    "ready_days": Improvement.DECREASE,
    "bed_days": Improvement.NEUTRAL,
}


@attrs.frozen(kw_only=True)
class SpcRow:
    """One month of one provider's control chart (an XmR chart, "Making Data Count").

    Attributes:
        provider: The provider, or ``None`` for all the providers together.
        stage: The stage charted, or ``None`` for every stage.
        measure: The monthly figure charted: ``"ready_day_share"``, ``"ready_days"``
            or ``"bed_days"``.
        month: The first day of the month.
        value: The month's figure.
        mean: The chart's mean (the centre line).
        lower_limit: The lower process limit: the mean less 2.66 mean moving ranges.
        upper_limit: The upper process limit.
        special_cause: The special-cause rule the month is part of, or ``None``
            (common cause).
        variation: What the month's variation means, given which way is better.
        trial_limits: Whether the limits are trial limits (fewer than 13 months): they
            will move as months are added.
        autocorrelation: The lag-one autocorrelation of the chart's months
            ([`stats.lag_one_autocorrelation`][pathway_model.stats.lag_one_autocorrelation]);
            ``None`` with fewer than 3 months or when all are equal.
        autocorrelated: Whether the months are autocorrelated beyond chance (above 1.96
            over the square root of the number of months): the limits, which assume
            independent months, are then too narrow, and special causes too many. A
            ready-day share usually is, as the same people are ready month after month;
            read its flags as a drift, not as news in each month.
    """

    provider: str | None
    stage: str | None
    measure: str
    month: dt.date
    value: float
    mean: float
    lower_limit: float
    upper_limit: float
    special_cause: SpecialCause | None
    variation: Variation
    trial_limits: bool
    autocorrelation: float | None
    autocorrelated: bool


def spc_table(
    report: CohortReport,
    *,
    measure: str = "ready_day_share",
    stage: str | None = None,
    suppress: SuppressionPolicy | None = None,
) -> tuple[SpcRow, ...]:
    """Each provider's monthly figure on an XmR control chart, as NHS "Making Data Count" does.

    For each provider (with ``stage``, its stays in that stage), then all the providers
    together, the months of the group
    ([`CohortGroup.months`][pathway_model.scoring.CohortGroup.months]) are charted with
    [`stats.xmr_chart`][pathway_model.stats.xmr_chart]: the limits are the mean plus or
    minus 2.66 mean moving ranges, and each month is tested with the special-cause rules.
    A ready-day share is charted for the months with a bed day; a count for every
    month. A series of fewer than 2 months has no chart and no rows. The first and last
    months may be part months: a count is smaller there, a share is not.

    Under a disclosure-control policy (``suppress``), a group's chart is left out whole
    when any of its months has ready days or bed days the policy would hide: a chart
    shows every month, and a hidden month's figure could be read from its line or worked
    back from a share. A group whose unit the policy exempts (England's totals, under
    the national rule) keeps its chart.

    Each row says whether the chart's months are autocorrelated (``autocorrelated``):
    then the limits are too narrow and most months may be flagged, a drift rather than
    news in each month (hazard H-50 in the hazard log).

    A special cause on a chart is a change in one provider over time; it is not a
    comparison between providers (that is the funnel's:
    [`benchmark_table`][pathway_model.scoring.benchmark_table]).

    Args:
        report: A cohort report.
        measure: The monthly figure: ``"ready_day_share"`` (lower is better),
            ``"ready_days"`` (lower is better) or ``"bed_days"`` (neither).
        stage: A stage code to chart providers within, or ``None``.
        suppress: A disclosure-control policy to publish the charts under, or ``None``.

    Raises:
        WrongTypeError: ``report`` is not a `CohortReport`, or ``suppress`` is not a
            `stats.SuppressionPolicy`.
        UnknownCodeError: ``measure`` is not one charted, or no provider has a stay in
            ``stage``.
        StatisticsUnavailableError: numpy is not installed (the extra ``stats``).

    Examples:
        >>> import datetime as dt
        >>> import pathway_model as pm
        >>> from pathway_model.catalogue import SECURE_PATHWAY
        >>> record = pm.Pathway.start(SECURE_PATHWAY, person_id="P-1", stage="low_secure",
        ...                           provider="Riverside", on=dt.date(2024, 1, 1))
        >>> report = cohort_report([record], as_of=dt.date(2024, 4, 1))
        >>> [(str(row.month), row.value) for row in spc_table(report, measure="bed_days")
        ...  if row.provider == "Riverside"]
        [('2024-01-01', 31.0), ('2024-02-01', 29.0), ('2024-03-01', 31.0)]
    """
    if not isinstance(report, CohortReport):
        raise WrongTypeError.single("report", "a CohortReport", type_name(report))
    if suppress is not None and not isinstance(suppress, SuppressionPolicy):
        raise WrongTypeError.single("suppress", "a SuppressionPolicy or None", type_name(suppress))
    if measure not in _MONTHLY:
        raise UnknownCodeError("monthly measure", measure, _MONTHLY)
    groups = [
        group for group in report.groups if group.provider is not None and group.stage == stage
    ]
    if stage is not None and not groups:
        raise UnknownCodeError("stage with stays", stage, report.stages)
    rows: list[SpcRow] = []
    for group in [*groups, report.group(None, stage)]:
        if suppress is not None and _chart_hidden(group, suppress):
            continue
        series = [
            (month.month, float(value))
            for month in group.months
            for value in [getattr(month, measure)]
            if value is not None
        ]
        if len(series) < 2:
            continue
        chart = xmr_chart(
            [month for month, _ in series],
            [value for _, value in series],
            improvement=_MONTHLY[measure],
        )
        rows.extend(
            SpcRow(
                provider=group.provider,
                stage=stage,
                measure=measure,
                month=point.period,
                value=point.value,
                mean=point.mean,
                lower_limit=point.lower_limit,
                upper_limit=point.upper_limit,
                special_cause=point.special_cause,
                variation=point.variation,
                trial_limits=chart.segments[point.segment].trial_limits,
                autocorrelation=chart.segments[point.segment].autocorrelation,
                autocorrelated=chart.segments[point.segment].autocorrelated,
            )
            for point in chart.points
        )
    return tuple(rows)


def _chart_hidden(group: CohortGroup, policy: SuppressionPolicy) -> bool:
    """Whether a policy hides a group's chart: a month's ready days or bed days it hides."""
    unit = group.provider if group.provider is not None else TOTAL_UNIT
    return unit not in policy.exempt and any(
        policy.apply(Cell.count(count), unit=unit).suppressed
        for month in group.months
        for count in (month.ready_days, month.bed_days)
    )


# --- the pass over the records -----------------------------------------------------------------


#: What a group's tally holds, by name, and the kind of each: ``count`` (an ``int``),
#: ``money`` (a ``Decimal`` sum, not yet rounded), ``people`` (a set of person ids),
#: ``person_money`` (a ``Decimal`` sum by person id: each person's cost of delay, for the
#: interval of its mean; only people with a cost are kept),
#: ``days`` (how many of something lasted each number of days: a ``dict[int, int]``),
#: ``delay_days`` and ``delay_money`` (days and their cost by delay key), ``months``
#: (days by month number, ``year * 12 + month - 1``: the days of months a stay or a ready
#: run covers only in part) and ``month_changes`` (by month number, how many more stays
#: or runs cover the whole month than the month before: +1 at the first whole month,
#: -1 after the last; never 0). Every kind adds up: a set by union, a dict key by key.
#: The names are also the keys of a partial's JSON.
_TALLIED: dict[str, str] = {
    "admitted_ended": "days",
    "admitted_open": "days",
    "bed_day_value": "money",
    "bed_days": "count",
    "bed_month_days": "months",
    "bed_month_spans": "month_changes",
    "community_days": "count",
    "community_spells_ended": "count",
    "cost_of_delay": "money",
    "days_beyond": "days",
    "delay_by_person": "person_money",
    "delay_costs": "delay_money",
    "delay_days": "delay_days",
    "goals": "count",
    "goals_achieved": "count",
    "long_stay": "count",
    "long_stay_combined": "count",
    "long_stay_in_stage": "count",
    "outcomes_met": "count",
    "people": "people",
    "readmission_days": "days",
    "ready_days": "count",
    "ready_month_days": "months",
    "ready_month_spans": "month_changes",
    "recorded_cost": "money",
    "recorded_days": "count",
    "recorded_not_rule": "count",
    "recorded_now": "count",
    "recorded_unrated": "count",
    "reviews_late": "count",
    "reviews_missed": "count",
    "reviews_on_time": "count",
    "rule_and_recorded": "count",
    "rule_before_recorded": "count",
    "rule_not_recorded": "count",
    "stays": "count",
    "stays_ended": "count",
    "stays_open": "count",
    "stays_without_ratings": "count",
    "step_down_bed_day_costs": "money",
    "step_downs": "count",
    "step_ups": "count",
}


def _delay_order(item: tuple[DelayKey, object]) -> tuple[str, bool, str, bool, str]:
    """A total order of delay keys, whose codes may be ``None``."""
    (reason_list, reason, attributable), _ = item
    return (reason_list, reason is None, reason or "", attributable is None, attributable or "")


def _first_of(month: int) -> dt.date:
    """The first day of a month number (``year * 12 + month - 1``)."""
    return dt.date(month // 12, month % 12 + 1, 1)


@functools.cache
def _month_length(month: int) -> int:
    """How many days a month number has."""
    return calendar.monthrange(month // 12, month % 12 + 1)[1]


def _by_month(days: dict[int, int], spans: dict[int, int], first: dt.date, stop: dt.date) -> None:
    """Add the days from ``first`` to ``stop`` (not included) to counts by month number.

    The months covered in part get their days; the whole months between are one span
    (+1 at the first, -1 after the last), so a stay of years costs no more than a week's.
    """
    if first >= stop:
        return
    start = first.year * 12 + first.month - 1
    if stop.day == 1:  # the last day is in the month before stop's, to its end
        last = stop.year * 12 + stop.month - 2
        in_last = _month_length(last)
    else:
        last = stop.year * 12 + stop.month - 1
        in_last = stop.day - 1
    if start == last:
        days[start] = days.get(start, 0) + (stop - first).days
        return
    days[start] = days.get(start, 0) + _month_length(start) - first.day + 1
    days[last] = days.get(last, 0) + in_last
    if last > start + 1:
        spans[start + 1] = spans.get(start + 1, 0) + 1
        spans[last] = spans.get(last, 0) - 1


def _monthly(days: dict[int, int], spans: dict[int, int]) -> dict[int, int]:
    """Days by month number, from the counts `_by_month` keeps, every month in range."""
    if not days:
        return {}
    found: dict[int, int] = {}
    covering = 0
    for month in range(min(days), max(days) + 1):
        covering += spans.get(month, 0)
        found[month] = days.get(month, 0) + covering * _month_length(month)
    return found


#: A tally frozen: one value per name of `_TALLIED`, in its order; a set as a frozenset,
#: a dict as its items in order. Equal tallies freeze to equal values.
Frozen = tuple[Any, ...]


class _Tally:
    """What one group accumulates while the records are read (mutable, internal).

    Lengths of stay, days beyond readiness and spells before readmission are kept as
    counts by number of days, never as lists: two tallies add up to the tally of their
    records together, in any order, and the medians and Kaplan-Meier estimates are the
    same from the counts as from the lists.
    """

    __slots__ = tuple(_TALLIED)

    def __init__(self) -> None:
        self.people: set[str] = set()
        self.admitted_ended: dict[int, int] = {}
        self.admitted_open: dict[int, int] = {}
        self.days_beyond: dict[int, int] = {}
        self.readmission_days: dict[int, int] = {}
        self.bed_day_value = Decimal(0)
        self.cost_of_delay = Decimal(0)
        self.step_down_bed_day_costs = Decimal(0)
        self.stays = self.stays_open = self.bed_days = self.ready_days = 0
        self.long_stay = self.long_stay_combined = self.long_stay_in_stage = 0
        self.reviews_on_time = self.reviews_late = self.reviews_missed = 0
        self.goals = self.goals_achieved = self.outcomes_met = 0
        self.stays_ended = self.step_downs = self.step_ups = 0
        self.community_days = self.community_spells_ended = 0
        self.recorded_days = self.recorded_now = self.recorded_not_rule = 0
        self.recorded_unrated = self.rule_and_recorded = self.rule_before_recorded = 0
        self.rule_not_recorded = self.stays_without_ratings = 0
        self.recorded_cost = Decimal(0)
        self.delay_days: dict[DelayKey, int] = {}
        self.delay_costs: dict[DelayKey, Decimal] = {}
        self.delay_by_person: dict[str, Decimal] = {}
        self.bed_month_days: dict[int, int] = {}
        self.bed_month_spans: dict[int, int] = {}
        self.ready_month_days: dict[int, int] = {}
        self.ready_month_spans: dict[int, int] = {}

    def freeze(self) -> Frozen:
        """The tally as immutable values, in a fixed order whatever the order of reading."""
        values: list[Any] = []
        for name, kind in _TALLIED.items():
            value = getattr(self, name)
            if kind == "people":
                values.append(frozenset(value))
            elif kind in ("days", "months"):
                values.append(tuple(sorted(value.items())))
            elif kind == "month_changes":
                values.append(tuple(sorted(item for item in value.items() if item[1])))
            elif kind in ("delay_days", "delay_money"):
                values.append(tuple(sorted(value.items(), key=_delay_order)))
            elif kind == "person_money":
                values.append(tuple(sorted(value.items())))
            else:
                values.append(value)
        return tuple(values)

    def add(self, frozen: Frozen) -> None:
        """Add a frozen tally's counts to this one's (money in the caller's context)."""
        for (name, kind), value in zip(_TALLIED.items(), frozen, strict=True):
            if kind == "people":
                self.people.update(value)
            elif kind in ("count", "money"):
                setattr(self, name, getattr(self, name) + value)
            else:
                counts = getattr(self, name)
                for key, number in value:
                    counts[key] = counts.get(key, 0) + number  # money: the caller's context

    def group(self, provider: str | None, stage: str | None) -> CohortGroup:
        """Freeze the tally into a group's measures, with their intervals."""
        group = self._figures(provider, stage)
        return attrs.evolve(group, intervals=_intervals(group, self))

    def _figures(self, provider: str | None, stage: str | None) -> CohortGroup:
        days_beyond = self.days_beyond
        return CohortGroup(
            provider=provider,
            stage=stage,
            people=len(self.people),
            stays=self.stays,
            stays_open=self.stays_open,
            admissions=sum(self.admitted_ended.values()) + sum(self.admitted_open.values()),
            bed_days=self.bed_days,
            bed_day_value=pence(self.bed_day_value),
            length_of_stay=from_counts(self.admitted_ended, self.admitted_open),
            ready_days=self.ready_days,
            cost_of_delay=pence(self.cost_of_delay),
            ready_now=sum(days_beyond.values()),
            days_beyond_readiness_median=_median(days_beyond),
            days_beyond_readiness_max=max(days_beyond) if days_beyond else None,
            long_stay_in_stage=self.long_stay_in_stage,
            long_stay_combined=self.long_stay_combined,
            long_stay=self.long_stay,
            reviews_on_time=self.reviews_on_time,
            reviews_late=self.reviews_late,
            reviews_missed=self.reviews_missed,
            goals=self.goals,
            goals_achieved=self.goals_achieved,
            outcomes_met=self.outcomes_met,
            stays_ended=self.stays_ended,
            step_downs=self.step_downs,
            step_ups=self.step_ups,
            step_down_bed_day_costs=pence(self.step_down_bed_day_costs),
            community_days=self.community_days,
            community_spells_ended=self.community_spells_ended,
            readmissions=sum(self.readmission_days.values()),
            community_days_before_readmission_median=_median(self.readmission_days),
            recorded_ready_days=self.recorded_days,
            recorded_cost_of_delay=pence(self.recorded_cost),
            recorded_ready_now=self.recorded_now,
            rule_and_recorded_days=self.rule_and_recorded,
            rule_not_recorded_days=self.rule_not_recorded,
            rule_before_recorded_days=self.rule_before_recorded,
            recorded_not_rule_days=self.recorded_not_rule,
            recorded_unrated_days=self.recorded_unrated,
            stays_without_ratings=self.stays_without_ratings,
            recorded_delays=delays(provider, stage, self.delay_days, self.delay_costs),
            month_figures=_months(self),
        )


def _months(tally: _Tally) -> tuple[tuple[int, int, int], ...]:
    """A tally's bed days and ready days by month number, in order."""
    beds = _monthly(tally.bed_month_days, tally.bed_month_spans)
    ready = _monthly(tally.ready_month_days, tally.ready_month_spans)
    return tuple((month, days, ready.get(month, 0)) for month, days in beds.items())


def _intervals(
    group: CohortGroup, tally: _Tally
) -> tuple[tuple[str, Interval | None, IntervalNote | None], ...]:
    """Every measure's interval, or why it has none, in the order of `COHORT_MEASURES`."""
    found: list[tuple[str, Interval | None, IntervalNote | None]] = []
    mean: Interval | None = None
    for measure in COHORT_MEASURES:
        name = measure.name
        interval: Interval | None = None
        note: IntervalNote | None = None
        if measure.interval is None:
            found.append(
                (name, None, IntervalNote.NO_METHOD if name in _NO_METHOD else IntervalNote.COUNT)
            )
            continue
        value = group.value(name)
        if value is None or (name in _MEANS and not group.people):
            note = IntervalNote.NOTHING_TO_MEASURE
        else:
            try:
                if name in _MEANS:
                    if mean is None:
                        mean = _mean_cost(
                            sorted(tally.delay_by_person.items()),
                            group.people,
                            float(group.cost_of_delay_per_person or 0),
                        )
                    interval = _scaled(mean, group, name)
                else:
                    interval = _interval_of(group, tally, name, value)
            except StatisticsUnavailableError:
                interval, note = None, IntervalNote.STATISTICS_NOT_INSTALLED
            if interval is None and note is None:
                note = IntervalNote.NOT_REACHED
            elif interval is not None and math.isinf(interval.upper):
                note = IntervalNote.OPEN_ABOVE
        found.append((name, interval, note))
    return tuple(found)


def _interval_of(
    group: CohortGroup, tally: _Tally, name: str, value: int | float | Decimal
) -> Interval | None:
    """A share's, a rate's or a median's interval (the value is not ``None``)."""
    if name in _PROPORTIONS:
        top, bottom = _PROPORTIONS[name]
        return proportion_interval(
            getattr(group, top), getattr(group, bottom), confidence=CONFIDENCE
        )
    if name in _RATES:
        events, days = _RATES[name]
        return rate_interval(
            getattr(group, events),
            getattr(group, days),
            per=_PER_100_YEARS,
            confidence=CONFIDENCE,
        )
    if name == "los_median_days":
        km = group.length_of_stay
        durations: list[int] = []
        observed: list[bool] = []
        for time, ended, cut in zip(km.times, km.events, km.censored, strict=True):
            durations += [time] * (ended + cut)
            observed += [True] * ended + [False] * cut
        return _median_interval(float(value), durations, observed)
    counts = tally.days_beyond if name == "days_beyond_readiness_median" else tally.readmission_days
    values = [days for days, count in sorted(counts.items()) for _ in range(count)]
    return _median_interval(float(value), values, None)


def _median_interval(
    estimate: float, durations: list[int], observed: list[bool] | None
) -> Interval | None:
    """Brookmeyer and Crowley's interval around the published median; open above: inf."""
    found = median_interval(durations, observed, confidence=CONFIDENCE)
    if found.lower is None:
        return None
    return Interval(
        estimate=estimate,
        lower=min(found.lower, estimate),
        upper=math.inf if found.upper is None else max(found.upper, estimate),
        confidence=CONFIDENCE,
        method=IntervalMethod.BROOKMEYER_CROWLEY,
    )


def _mean_cost(costs: Sequence[tuple[str, Decimal]], people: int, estimate: float) -> Interval:
    """The percentile bootstrap interval of the mean cost of delay per person, in pounds.

    The resampling of `stats.mean_interval`, drawn in two steps because most people have
    no cost: how many of the ``people`` draws fall on someone with a cost (binomial),
    then which of them (uniform). Each resample's mean has the same distribution as when
    every person is drawn one by one; the work grows with the people who have a cost,
    not with everyone. ``BOOTSTRAP_RESAMPLES`` resamples from numpy's PCG64 generator
    seeded with ``BOOTSTRAP_SEED``, the costs sorted first: the same figures give the
    same interval, in any order of the records.
    """
    try:
        import numpy as np  # noqa: PLC0415 - an optional dependency, loaded when asked for
    except ImportError as error:
        msg = 'this needs numpy, which is not installed: pip install "pathway-model[stats]"'
        raise StatisticsUnavailableError(msg, name="numpy") from error
    data = np.sort(np.asarray([float(amount) for _, amount in costs], dtype=float))
    means = np.zeros(BOOTSTRAP_RESAMPLES)
    if data.size:
        generator = np.random.Generator(np.random.PCG64(BOOTSTRAP_SEED))
        drawn = generator.binomial(people, data.size / people, size=BOOTSTRAP_RESAMPLES)
        first = 0
        while first < BOOTSTRAP_RESAMPLES:
            # A block of resamples whose draws stay below _BLOCK values (memory stays small).
            ends = np.cumsum(drawn[first:])
            last = first + max(1, int(np.searchsorted(ends, _BLOCK, side="right")))
            counts = drawn[first:last]
            drawn_at = generator.integers(0, data.size, size=int(counts.sum()))
            picks = np.take(data, drawn_at)
            if picks.size:
                starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
                sums = np.add.reduceat(picks, np.minimum(starts, picks.size - 1))
                means[first:last] = np.where(counts > 0, sums, 0.0)
            first = last
        means /= people
    alpha = 1 - CONFIDENCE
    low, high = (float(limit) for limit in np.quantile(means, [alpha / 2, 1 - alpha / 2]))
    return Interval(
        estimate=estimate,
        lower=min(low, estimate),
        upper=max(high, estimate),
        confidence=CONFIDENCE,
        method=IntervalMethod.BOOTSTRAP_PERCENTILE,
    )


def _scaled(mean: Interval, group: CohortGroup, name: str) -> Interval:
    """The per-person interval, or the total's: the per-person limits times the people."""
    if name == "cost_of_delay_per_person":
        return mean
    people = group.people
    return attrs.evolve(
        mean,
        estimate=float(group.cost_of_delay),
        lower=min(mean.lower * people, float(group.cost_of_delay)),
        upper=max(mean.upper * people, float(group.cost_of_delay)),
    )


def _median(counts: dict[int, int]) -> float | None:
    """The median of whole numbers given as counts by value, as `statistics.median` gives it.

    ``None`` with no value; the middle value, or the mean of the two middle values.
    """
    total = sum(counts.values())
    if not total:
        return None
    lower_at, upper_at = (total - 1) // 2, total // 2
    seen = 0
    lower = upper = 0
    for value in sorted(counts):
        if seen <= lower_at:
            lower = value
        seen += counts[value]
        if seen > upper_at:
            upper = value
            break
    return float(lower) if lower_at == upper_at else (lower + upper) / 2


class _Definitions:
    """Per-definition look-ups made once: end stages, level ranks, period adders."""

    def __init__(self) -> None:
        self._end_stages: dict[int, frozenset[str]] = {}
        self._ranks: dict[int, dict[str, int]] = {}
        self._adders: dict[Period, Callable[[dt.date], dt.date]] = {}
        self._memos: dict[Period, dict[dt.date, dt.date]] = {}

    def end_stages(self, definition: PathwayDefinition) -> frozenset[str]:
        """The stages that end care: no exit criteria, no reviews, no cost, no move out."""
        key = id(definition)
        found = self._end_stages.get(key)
        if found is None:
            found = self._end_stages[key] = frozenset(
                stage.code
                for stage in definition.stages
                if stage.exit_criteria is None
                and stage.first_review_period is None
                and stage.bed_day_cost is None
                and not definition.moves_from(stage.code)
            )
        return found

    def ranks(self, definition: PathwayDefinition) -> dict[str, int]:
        """Each level code of the definition's scale and its rank."""
        key = id(definition)
        found = self._ranks.get(key)
        if found is None:
            scale = definition.framework.scale
            found = self._ranks[key] = {level.code: level.rank for level in scale.levels}
        return found

    def adder(self, period: Period) -> Callable[[dt.date], dt.date]:
        """Add ``period`` to a date (cached per period)."""
        found = self._adders.get(period)
        if found is None:
            found = self._adders[period] = period.add_to
        return found

    def shifts(self, period: Period) -> tuple[dict[dt.date, dt.date], Callable[[dt.date], dt.date]]:
        """A memo of dates moved on by ``period``, and the function that fills it.

        Review dates repeat across a cohort (a few thousand distinct days over years), so
        most additions are a look-up.
        """
        memo = self._memos.get(period)
        if memo is None:
            memo = self._memos[period] = {}
        return memo, self.adder(period)


class _Stay(NamedTuple):
    """One stay being read: its stage, its end as known at ``as_of``, its reviews."""

    placement: Placement
    stage: Stage
    #: The end, or None when the stay goes on at as_of (an end after as_of is not known).
    end: dt.date | None
    #: The stage moved to the day the stay ended, if the record goes on without a gap.
    moved_to: Stage | None
    #: The reviews dated inside the stay, on or before as_of.
    reviews: Sequence[Review]


class _Reader:
    """Reads records one at a time into the tallies of (provider, stage) groups.

    With no window given, each record is read from its own first day. That is the same as
    reading it from the earliest first day of all the records: nothing of a record
    happens before its first day (a stay never ends the day it begins, a review or a
    goal's progress comes within a stay). So no record needs another to be read.
    """

    def __init__(
        self,
        *,
        as_of: dt.date,
        window: dt.date | None,
        combined: CombinedLongStay | None,
        community: frozenset[str],
    ) -> None:
        self.as_of = as_of
        self.window = window
        #: The first day of the window for the record being read.
        self.since = as_of if window is None else window
        self.combined = frozenset(combined.stages) if combined is not None else frozenset()
        self.combined_after = combined.after if combined is not None else None
        self.community = community
        self.tallies: dict[tuple[str, str], _Tally] = {}
        #: Each stage code's security rank (the highest, should definitions differ).
        self.ranks: dict[str, int] = {}
        self.lookups = _Definitions()

    def tally(self, provider: str, stage: Stage) -> _Tally:
        key = (provider, stage.code)
        found = self.tallies.get(key)
        if found is None:
            found = self.tallies[key] = _Tally()
        known = self.ranks.get(stage.code)
        if known is None or stage.security_rank > known:
            self.ranks[stage.code] = stage.security_rank
        return found

    def read(self, pathway: Pathway, definition: PathwayDefinition) -> None:
        """Add one record's stays, reviews and goals to the tallies."""
        if self.window is None:
            self.since = pathway.first_day
        self._record(pathway, definition)

    def _record(self, pathway: Pathway, definition: PathwayDefinition) -> None:
        as_of, since = self.as_of, self.since
        placements = pathway.placements
        if placements[0].start > as_of:
            return
        end_stages = self.lookups.end_stages(definition)
        review_dates = [review.date for review in pathway.reviews]
        periods = pathway.recorded_readiness
        period_starts = [period.start for period in periods]
        last_review = bisect.bisect_right(review_dates, as_of)
        previous: Placement | None = None
        starts = {"same": placements[0].start, "combined": placements[0].start}
        community_start = placements[0].start
        stays: list[tuple[Placement, _Tally | None]] = []
        for position, placement in enumerate(placements):
            if placement.start > as_of:
                break
            # Continuous time (long stay, time in the community): a stay that
            # begins the day the last one ended, in the same stage or set of stages, joins it.
            joined = previous is not None and previous.end == placement.start
            before = previous.stage if previous is not None else ""
            if not (joined and before == placement.stage):
                starts["same"] = placement.start
            if not (joined and before in self.combined):
                starts["combined"] = placement.start
            if not (joined and before in self.community):
                community_start = placement.start
            previous = placement
            end = placement.end if placement.end is not None and placement.end <= as_of else None
            if placement.stage in end_stages or (end is not None and end <= since):
                stays.append((placement, None))
                continue
            stage = definition.stage(placement.stage)
            tally = self.tally(placement.provider, stage)
            stays.append((placement, tally))
            following = placements[position + 1] if position + 1 < len(placements) else None
            low = bisect.bisect_left(review_dates, placement.start)
            high = last_review
            if placement.end is not None:
                high = min(high, bisect.bisect_left(review_dates, placement.end, low))
            stay = _Stay(
                placement=placement,
                stage=stage,
                end=end,
                moved_to=definition.stage(following.stage)
                if end is not None and following is not None and following.start == end
                else None,
                reviews=pathway.reviews[low:high],
            )
            tally.people.add(pathway.person_id)
            self._days(stay, tally)
            runs = self._readiness(pathway, definition, stay, tally)
            self._recorded(stay, tally, runs, periods_of(periods, period_starts, placement))
            self._schedule(stay, tally)
            self._outcomes(definition, stay, tally)
            if end is None:
                self._census(stay, tally, starts["same"], starts["combined"])
            else:
                self._ending(stay, tally, community_start)
        if pathway.goals:
            self._goals(pathway, stays, review_dates, last_review)

    def _days(self, stay: _Stay, tally: _Tally) -> None:
        """Stays, bed days and their value, and the length-of-stay cohort."""
        placement, end, since = stay.placement, stay.end, self.since
        stop = self.as_of if end is None else end
        first = max(placement.start, since)
        days = (stop - first).days
        tally.stays += 1
        tally.bed_days += days
        _by_month(tally.bed_month_days, tally.bed_month_spans, first, stop)
        cost = stay.stage.bed_day_cost
        if cost is not None:
            tally.bed_day_value = MONEY.fma(cost, days, tally.bed_day_value)
        if since <= placement.start < self.as_of:
            lengths = tally.admitted_open if end is None else tally.admitted_ended
            length = (stop - placement.start).days
            lengths[length] = lengths.get(length, 0) + 1
        if placement.stage in self.community:
            tally.community_days += days

    def _ending(self, stay: _Stay, tally: _Tally, community_start: dt.date) -> None:
        """A stay that ended in the window: a step down, a step up, a readmission."""
        stage, moved_to, end = stay.stage, stay.moved_to, stay.end
        if end is None:
            return
        tally.stays_ended += 1
        if moved_to is not None and moved_to.security_rank < stage.security_rank:
            tally.step_downs += 1
            if stage.bed_day_cost is not None:
                tally.step_down_bed_day_costs = MONEY.add(
                    tally.step_down_bed_day_costs, stage.bed_day_cost
                )
        elif moved_to is not None and moved_to.security_rank > stage.security_rank:
            tally.step_ups += 1
        if stage.code in self.community and (
            moved_to is None or moved_to.code not in self.community
        ):
            tally.community_spells_ended += 1
            if moved_to is not None and moved_to.security_rank > stage.security_rank:
                spell = (end - community_start).days
                tally.readmission_days[spell] = tally.readmission_days.get(spell, 0) + 1

    def _readiness(
        self, pathway: Pathway, definition: PathwayDefinition, stay: _Stay, tally: _Tally
    ) -> tuple[tuple[dt.date, dt.date], ...]:
        """Ready days in the window, and days beyond readiness ("How readiness is decided").

        Returns the stay's ready runs, as ``(first day, first day after)``, uncut.
        """
        stage = stay.stage
        if stage.exit_criteria is None or not stay.reviews:
            return ()  # no exit criteria, or no review yet: never "ready"
        result = readiness_of(
            stay_evidence(pathway, definition, stay.placement), pathway.person_id, self.as_of
        )
        since = self.since
        ready = 0
        for run in result.runs:
            if run.end > since:
                first = max(run.start, since)
                ready += (run.end - first).days
                _by_month(tally.ready_month_days, tally.ready_month_spans, first, run.end)
        if ready:
            tally.ready_days += ready
            if stage.bed_day_cost is not None:
                tally.cost_of_delay = MONEY.fma(stage.bed_day_cost, ready, tally.cost_of_delay)
                costs, person = tally.delay_by_person, pathway.person_id
                costs[person] = MONEY.fma(stage.bed_day_cost, ready, costs.get(person, _ZERO))
        if stay.end is None and result.ready:
            beyond = result.days_beyond_readiness
            tally.days_beyond[beyond] = tally.days_beyond.get(beyond, 0) + 1
        return tuple((run.start, run.end) for run in result.runs)

    def _recorded(
        self,
        stay: _Stay,
        tally: _Tally,
        runs: tuple[tuple[dt.date, dt.date], ...],
        periods: Sequence[RecordedReadiness],
    ) -> None:
        """Recorded readiness, and its reconciliation with the rule's ready runs."""
        stage = stay.stage
        low = max(stay.placement.start, self.since)
        high = self.as_of if stay.end is None else stay.end
        if not periods or periods[0].start > self.as_of:
            # Nothing recorded: every rule-ready day is ready and not recorded.
            ready = sum((end - start).days for start, end in clip(runs, low, high))
            tally.rule_not_recorded += ready
            tally.rule_before_recorded += ready
            if stage.exit_criteria is not None and not runs:
                tally.stays_without_ratings += not any(r.ratings for r in stay.reviews)
            return
        figures = stay_figures(
            stage=stage,
            reviews=stay.reviews,
            periods=periods,
            rule=clip(runs, low, high),
            first_rule_day=runs[0][0] if runs else None,
            low=low,
            high=high,
            as_of=self.as_of,
            open_at_as_of=stay.end is None,
        )
        tally.stays_without_ratings += figures.basis == "no outcome ratings"
        tally.recorded_days += figures.recorded
        tally.recorded_now += figures.ready_now
        tally.rule_and_recorded += figures.both
        tally.rule_not_recorded += figures.rule_only
        tally.rule_before_recorded += figures.rule_before
        tally.recorded_not_rule += figures.recorded_only
        tally.recorded_unrated += figures.unrated
        cost = stage.bed_day_cost
        delay_days, delay_costs = tally.delay_days, tally.delay_costs
        for key, days in figures.days.items():
            delay_days[key] = delay_days.get(key, 0) + days
            if cost is not None:
                delay_costs[key] = MONEY.fma(cost, days, delay_costs.get(key, _ZERO))
        if cost is not None:
            tally.recorded_cost = MONEY.fma(cost, figures.recorded, tally.recorded_cost)

    def _schedule(self, stay: _Stay, tally: _Tally) -> None:
        """Reviews held on time, late, or missed ("How readiness is decided": review schedule)."""
        stage = stay.stage
        first = stage.first_review_period
        if first is None:
            return
        interval = stage.review_interval
        since = self.since
        firsts, add_first = self.lookups.shifts(first)
        start = stay.placement.start
        due = firsts.get(start)
        if due is None:
            due = firsts[start] = add_first(start)
        if interval is None:
            memo: dict[dt.date, dt.date] = {}
            add: Callable[[dt.date], dt.date] | None = None
        else:
            memo, add = self.lookups.shifts(interval)
        on_time = late = 0
        for review in stay.reviews:
            day = review.date
            if due is not None and day >= since:
                if day <= due:
                    on_time += 1
                else:
                    late += 1
            if add is None:
                due = None
                continue
            due = memo.get(day)
            if due is None:
                due = memo[day] = add(day)
        tally.reviews_on_time += on_time
        tally.reviews_late += late
        judged_on = self.as_of if stay.end is None else stay.end - _ONE_DAY
        if due is not None and judged_on > due and judged_on >= since:
            tally.reviews_missed += 1

    def _outcomes(self, definition: PathwayDefinition, stay: _Stay, tally: _Tally) -> None:
        """Required domains first rated at or above their minimum in the stay."""
        criteria = stay.stage.exit_criteria
        reviews = stay.reviews
        if criteria is None or not reviews:
            return
        ranks = self.lookups.ranks(definition)
        scale = definition.framework.scale
        # The definition checked that every minimum is a level of its scale.
        pending = {
            requirement.domain: ranks[requirement.minimum] for requirement in criteria.requirements
        }
        since = self.since
        met = 0
        for review in reviews:
            for rating in review.ratings:
                needed = pending.get(rating.domain)
                if needed is None:
                    continue
                rank = ranks.get(rating.team)
                if rank is None:
                    rank = scale.rank(rating.team)  # raises UnknownCodeError
                if rank >= needed:
                    del pending[rating.domain]
                    if review.date >= since:
                        met += 1
            if not pending:
                break
        tally.outcomes_met += met

    def _census(
        self, stay: _Stay, tally: _Tally, same_start: dt.date, combined_start: dt.date
    ) -> None:
        """Long stay at ``as_of``: continuous time, transfers joined."""
        tally.stays_open += 1
        stage, as_of = stay.stage, self.as_of
        in_stage = stage.long_stay_after is not None and as_of > self.lookups.adder(
            stage.long_stay_after
        )(same_start)
        combined = (
            self.combined_after is not None
            and stage.code in self.combined
            and as_of > self.lookups.adder(self.combined_after)(combined_start)
        )
        tally.long_stay_in_stage += in_stage
        tally.long_stay_combined += combined
        tally.long_stay += in_stage or combined

    def _goals(
        self,
        pathway: Pathway,
        stays: list[tuple[Placement, _Tally | None]],
        review_dates: list[dt.date],
        last_review: int,
    ) -> None:
        """Goals set in the window, each in the last stay begun by then, and their status."""
        since, as_of = self.since, self.as_of
        wanted = [
            goal
            for goal in pathway.goals
            if since <= goal.set_on <= as_of
            and goal.lifecycle_status is not GoalLifecycleStatus.ENTERED_IN_ERROR
        ]
        if not wanted:
            return
        # Updates come on or after the day a goal was set: earlier reviews cannot hold one.
        first = bisect.bisect_left(review_dates, min(goal.set_on for goal in wanted))
        latest: dict[str, GoalAchievementStatus] = {}
        for review in pathway.reviews[first:last_review]:
            for update in review.goal_progress:
                latest[update.goal] = update.achievement_status
        starts = [placement.start for placement, _ in stays]
        for goal in wanted:
            index = bisect.bisect_right(starts, goal.set_on) - 1
            tally = stays[index][1] if index >= 0 else None
            if tally is None:
                continue  # set before any stay, in an end stage, or in a stay outside the window
            tally.goals += 1
            status = latest.get(goal.id, goal.achievement_status)
            if status in _ACHIEVED and goal.lifecycle_status not in _NEVER_ACHIEVED:
                tally.goals_achieved += 1


def _community(value: object) -> frozenset[str]:
    if isinstance(value, str) or not isinstance(value, Collection):
        raise WrongTypeError.single(
            "community_stages", "a collection of stage codes", type_name(value)
        )
    codes = list(value)
    problems = [
        Problem(path=f"community_stages[{index}]", expected="a stage code", found=type_name(code))
        for index, code in enumerate(codes)
        if not isinstance(code, str)
    ]
    _checks.raise_problems(problems)
    return frozenset(codes)


def _definition_of(
    index: int,
    pathway: object,
    definition: PathwayDefinition | None,
    cache: dict[tuple[str, str], PathwayDefinition],
) -> tuple[Pathway, PathwayDefinition]:
    if not isinstance(pathway, Pathway):
        raise WrongTypeError.single(f"$[{index}]", "a Pathway", type_name(pathway))
    key = (pathway.definition_id, pathway.definition_version)
    if definition is not None:
        if key != (definition.id, definition.version):
            raise ValidationError.single(
                f"$[{index}].definition_id",
                f"the definition given ({definition.id}@{definition.version})",
                f"a record on {key[0]}@{key[1]}",
            )
        found = definition
    elif key in cache:
        found = cache[key]
    else:
        found = cache[key] = definition_for(pathway)
    # A misspelt code must stop the report, not be read as a domain left unrated.
    refuse_unknown_codes(pathway, found, at=f"$[{index}]")
    return pathway, found


def _show_since(since: dt.date | None) -> str:
    return "the records' earliest first day" if since is None else since.isoformat()


def _show_definition(key: tuple[str, str] | None) -> str:
    return "each record's own" if key is None else f"{key[0]}@{key[1]}"


def _show_combined(rule: CombinedLongStay | None) -> str:
    return "none" if rule is None else f"more than {rule.after} in {'+'.join(rule.stages)}"


def _show_codes(codes: tuple[str, ...]) -> str:
    return ", ".join(show_code(code) for code in codes) or "none"


@attrs.frozen(kw_only=True)
class CohortPartial:
    """The cohort measures of some of the records: a part of a report, that adds up exactly.

    Build one with [`of`][pathway_model.scoring.CohortPartial.of] from any records (a
    chunk of a file, a Spark partition), add parts together with
    [`merge`][pathway_model.scoring.CohortPartial.merge] or
    [`merge_partials`][pathway_model.scoring.merge_partials], and turn the whole into
    the report with [`report`][pathway_model.scoring.CohortPartial.report]. Merging is
    associative and commutative, and the report of the merged parts equals, value for
    value, [`cohort_report`][pathway_model.scoring.cohort_report] over all the records in
    one go (which is this, over one part). Only parts worked out with the same options
    (``as_of``, ``since``, ``definition``, ``combined_long_stay``, ``community_stages``)
    merge.

    A partial holds no record. For each provider and stage it holds counts, sums of days
    and of money (not yet rounded to pence), counts of stays by length (for Kaplan-Meier
    length of stay), of people by days beyond readiness and of spells by length (for
    the medians), the set of the people's pseudonymous ids (to count distinct
    people across parts) and each person's cost of delay (for the interval of the cost
    of delay per person). It holds no clinical text, no name, no date of a person's
    care; but the person ids are identifiers all the same: ship a partial only where
    the records themselves may go. [`to_json`][pathway_model.scoring.CohortPartial.to_json]
    writes it as bytes (for a Spark executor to send to the driver);
    [`from_json`][pathway_model.scoring.CohortPartial.from_json] reads them back.

    The constructor is not for building a partial by hand: its private fields hold the
    tallies.

    Attributes:
        as_of: The date the measures are for.
        since: The first day of the window, as given; ``None`` when the window starts on
            the earliest first day of all the records, which only the merged whole
            knows (the report works it out).
        definition_id: The id of the definition every record must follow; ``None``
            when each record follows its own built-in definition.
        definition_version: That definition's version; ``None`` likewise.
        combined_long_stay: The combined long-stay rule applied, if any.
        community_stages: The stage codes read as the community, sorted.
        records: How many records were read.
        first_day: The earliest first day of the records read; ``None`` with none.

    Examples:
        >>> import datetime as dt
        >>> import pathway_model as pm
        >>> from pathway_model.catalogue import SECURE_PATHWAY
        >>> records = [
        ...     pm.Pathway.start(SECURE_PATHWAY, person_id=f"P-{n}", stage="low_secure",
        ...                      provider="Riverside", on=dt.date(2024, 1, n))
        ...     for n in (1, 2, 3)
        ... ]
        >>> as_of = dt.date(2024, 3, 1)
        >>> first = CohortPartial.of(records[:1], as_of=as_of)
        >>> rest = CohortPartial.of(records[1:], as_of=as_of)
        >>> merged = first.merge(rest)
        >>> merged.records, merged.report().group().bed_days
        (3, 177)
        >>> merged.report() == cohort_report(records, as_of=as_of)
        True
        >>> CohortPartial.from_json(merged.to_json()) == merged
        True
    """

    as_of: dt.date
    since: dt.date | None
    definition_id: str | None
    definition_version: str | None
    combined_long_stay: CombinedLongStay | None
    community_stages: tuple[str, ...]
    records: int
    first_day: dt.date | None
    #: Each stage code tallied and its security rank, by code.
    _stage_ranks: tuple[tuple[str, int], ...] = attrs.field(alias="stage_ranks", repr=False)
    #: (provider, stage code, frozen tally), by provider and stage code.
    _tallies: tuple[tuple[str, str, Frozen], ...] = attrs.field(alias="tallies", repr=False)

    @classmethod
    def of(
        cls,
        pathways: Iterable[Pathway],
        *,
        as_of: dt.date,
        since: dt.date | None = None,
        definition: PathwayDefinition | None = None,
        combined_long_stay: CombinedLongStay | None = SECURE_COMBINED_LONG_STAY,
        community_stages: Collection[str] = ("community",),
    ) -> CohortPartial:
        """Work out the partial of some records, reading them one at a time.

        The arguments are [`cohort_report`][pathway_model.scoring.cohort_report]'s. The
        records are read once, in order, and none is kept: over an iterator (a file read
        line by line), no more than one record is held at a time.

        Args:
            pathways: The records, in any order; any iterable, read once.
            as_of: The date the measures are for. Nothing dated after it is read.
            since: The first day of the window; when ``None``, the earliest first day of
                all the records of the merged whole.
            definition: The definition every record follows; each record's own
                built-in definition when ``None``.
            combined_long_stay: The long-stay rule over several stages together, besides
                each stage's ``long_stay_after``; ``None`` for none.
            community_stages: The codes of the stages that are the community, for
                readmissions.

        Raises:
            ValidationError: ``since`` is after ``as_of``, or a record is on another
                definition than ``definition`` (path ``$[i].definition_id``, ``i``
                counting in ``pathways``) or uses a code its definition lacks (path
                ``$[i]``).
            WrongTypeError: An argument or a record has the wrong type.
            UnknownCodeError: ``definition`` is ``None`` and a record names a
                definition that is not built in.
        """
        as_of = check_date(as_of)
        if definition is not None and not isinstance(definition, PathwayDefinition):
            raise WrongTypeError.single(
                "definition", "a PathwayDefinition or None", type_name(definition)
            )
        if combined_long_stay is not None and not isinstance(combined_long_stay, CombinedLongStay):
            raise WrongTypeError.single(
                "combined_long_stay", "a CombinedLongStay or None", type_name(combined_long_stay)
            )
        community = _community(community_stages)
        if isinstance(pathways, (str, bytes, Pathway)) or not isinstance(pathways, Iterable):
            raise WrongTypeError.single("pathways", "an iterable of Pathway", type_name(pathways))
        if since is not None:
            since = check_date(since, "since")
            if since > as_of:
                raise ValidationError.single(
                    "since", f"a date on or before as_of ({as_of.isoformat()})", since.isoformat()
                )
        reader = _Reader(
            as_of=as_of, window=since, combined=combined_long_stay, community=community
        )
        cache: dict[tuple[str, str], PathwayDefinition] = {}
        records = 0
        first_day: dt.date | None = None
        for index, given in enumerate(pathways):
            pathway, used = _definition_of(index, given, definition, cache)
            records += 1
            if first_day is None or pathway.first_day < first_day:
                first_day = pathway.first_day
            reader.read(pathway, used)
        return cls(
            as_of=as_of,
            since=since,
            definition_id=None if definition is None else definition.id,
            definition_version=None if definition is None else definition.version,
            combined_long_stay=combined_long_stay,
            community_stages=tuple(sorted(community)),
            records=records,
            first_day=first_day,
            stage_ranks=tuple(sorted(reader.ranks.items())),
            tallies=tuple(
                (provider, stage, reader.tallies[(provider, stage)].freeze())
                for provider, stage in sorted(reader.tallies)
            ),
        )

    def merge(self, other: CohortPartial) -> CohortPartial:
        """Return the partial of this one's records and ``other``'s together.

        Neither is changed. ``a.merge(b) == b.merge(a)``, and merging in any grouping
        gives the same partial.

        Raises:
            ValidationError: ``other`` was worked out with other options (path
                ``other``; one problem for each option that differs).
            WrongTypeError: ``other`` is not a `CohortPartial`.
        """
        if not isinstance(other, CohortPartial):
            raise WrongTypeError.single("other", "a CohortPartial", type_name(other))
        merging = _Merging(self)
        merging.add(other, "other")
        return merging.result()

    def report(self) -> CohortReport:
        """The cohort report of the records this partial was worked out from."""
        as_of, since = self.as_of, self.since
        if since is None:
            since = as_of if self.first_day is None else min(self.first_day, as_of)
        with decimal.localcontext(MONEY):
            groups = _groups(self._tallies, dict(self._stage_ranks))
        return CohortReport(
            as_of=as_of,
            since=since,
            records=self.records,
            combined_long_stay=self.combined_long_stay,
            community_stages=self.community_stages,
            groups=groups,
        )

    def to_json(self) -> bytes:
        """Write the partial as JSON text, UTF-8 (ASCII only), versioned.

        The same partial always gives the same bytes: keys, groups, ids and counts are
        in a fixed order, amounts exact decimal strings, and the first key is
        ``"partial_version"``. A partial is merged and reported from this as from the
        partial itself.
        """
        from pathway_model.scoring import _partial_json  # noqa: PLC0415 - loads on first use

        return _partial_json.dump(self)

    @classmethod
    def from_json(cls, data: bytes) -> CohortPartial:
        """Read a partial that [`to_json`][pathway_model.scoring.CohortPartial.to_json] wrote.

        The reading is strict: every key must be there and be of its type, nothing else
        may be, counts are whole numbers not below zero, and every problem is listed
        with its JSON path. A message never repeats a value read (a person id, a
        provider's name): it says what was expected there and what kind of value was
        found.

        Args:
            data: The JSON text, as ``bytes`` (or ``bytearray``) in UTF-8.

        Raises:
            ValidationError: ``data`` is not JSON, is of another ``partial_version``,
                or breaks the format (paths such as ``$.groups[2].stays``).
            WrongTypeError: ``data`` is not bytes, or every problem is a value of the
                wrong type.
        """
        from pathway_model.scoring import _partial_json  # noqa: PLC0415 - loads on first use

        return _partial_json.load(data)

    def _options(self) -> tuple[tuple[str, object, Callable[[Any], str]], ...]:
        """Each option that must agree for two partials to merge, and how to show it."""
        definition = (
            None
            if self.definition_id is None or self.definition_version is None
            else (self.definition_id, self.definition_version)
        )
        return (
            ("as_of", self.as_of, dt.date.isoformat),
            ("since", self.since, _show_since),
            ("definition", definition, _show_definition),
            ("combined_long_stay", self.combined_long_stay, _show_combined),
            ("community_stages", self.community_stages, _show_codes),
        )

    def _differences(self, other: CohortPartial, path: str) -> list[Problem]:
        return [
            Problem(
                path=path,
                expected=f"a partial with the same {name} ({show(mine)})",
                found=f"{name} {show(theirs)}",
            )
            for (name, mine, show), (_, theirs, _) in zip(
                self._options(), other._options(), strict=True
            )
            if mine != theirs
        ]


class _Merging:
    """Partials being added together (mutable, internal): one copy of the tallies, grown."""

    def __init__(self, first: CohortPartial) -> None:
        self.first = first
        self.records = 0
        self.first_day: dt.date | None = None
        self.ranks: dict[str, int] = {}
        self.tallies: dict[tuple[str, str], _Tally] = {}
        self._take(first)

    def add(self, partial: CohortPartial, path: str) -> None:
        _checks.raise_problems(self.first._differences(partial, path))
        self._take(partial)

    def _take(self, partial: CohortPartial) -> None:
        self.records += partial.records
        day = partial.first_day
        if day is not None and (self.first_day is None or day < self.first_day):
            self.first_day = day
        for code, rank in partial._stage_ranks:
            known = self.ranks.get(code)
            if known is None or rank > known:
                self.ranks[code] = rank
        tallies = self.tallies
        with decimal.localcontext(MONEY):
            for provider, stage, frozen in partial._tallies:
                tally = tallies.get((provider, stage))
                if tally is None:
                    tally = tallies[(provider, stage)] = _Tally()
                tally.add(frozen)

    def result(self) -> CohortPartial:
        return attrs.evolve(
            self.first,
            records=self.records,
            first_day=self.first_day,
            stage_ranks=tuple(sorted(self.ranks.items())),
            tallies=tuple(
                (provider, stage, self.tallies[(provider, stage)].freeze())
                for provider, stage in sorted(self.tallies)
            ),
        )


def merge_partials(partials: Iterable[CohortPartial]) -> CohortPartial:
    """Merge many partials into one, reading them one at a time.

    The same as merging them two by two with
    [`CohortPartial.merge`][pathway_model.scoring.CohortPartial.merge], in any order,
    but the tallies are copied once, not at every step.

    Args:
        partials: At least one partial, all worked out with the same options.

    Raises:
        ValidationError: There is no partial, or one was worked out with other options
            than the first (path ``partials[i]``).
        WrongTypeError: ``partials`` is not an iterable of `CohortPartial`.

    Examples:
        >>> import datetime as dt
        >>> import pathway_model as pm
        >>> from pathway_model.catalogue import SECURE_PATHWAY
        >>> as_of = dt.date(2024, 3, 1)
        >>> parts = [
        ...     CohortPartial.of(
        ...         [pm.Pathway.start(SECURE_PATHWAY, person_id=f"P-{n}", stage="low_secure",
        ...                           provider="Riverside", on=dt.date(2024, 1, 1))],
        ...         as_of=as_of,
        ...     )
        ...     for n in range(3)
        ... ]
        >>> merge_partials(parts).report().group().people
        3
    """
    if isinstance(partials, (str, bytes, CohortPartial)) or not isinstance(partials, Iterable):
        raise WrongTypeError.single("partials", "an iterable of CohortPartial", type_name(partials))
    merging: _Merging | None = None
    for index, partial in enumerate(partials):
        if not isinstance(partial, CohortPartial):
            raise WrongTypeError.single(f"partials[{index}]", "a CohortPartial", type_name(partial))
        if merging is None:
            merging = _Merging(partial)
        else:
            merging.add(partial, f"partials[{index}]")
    if merging is None:
        raise ValidationError.single("partials", "at least one CohortPartial", "none")
    return merging.result()


def cohort_report(
    pathways: Iterable[Pathway],
    *,
    as_of: dt.date,
    since: dt.date | None = None,
    definition: PathwayDefinition | None = None,
    combined_long_stay: CombinedLongStay | None = SECURE_COMBINED_LONG_STAY,
    community_stages: Collection[str] = ("community",),
) -> CohortReport:
    """Work out the cohort measures of many records, by provider and stage.

    One pass over the records; each stay's readiness is worked out once, as "How
    readiness is decided" sets out. Stays in an *end stage* (one with no exit criteria, no
    reviews, no bed-day cost and no move out, such as ``discharged``) are not care and are not
    counted; a move into one is a step down. Every measure is defined in
    [`COHORT_MEASURES`][pathway_model.scoring.COHORT_MEASURES] and on the page "Cohort
    measures".

    The records are read one at a time and none is kept, so an iterator (records read
    from a file as they are needed) is reported in the memory of one record and of the
    tallies. This is ``CohortPartial.of(pathways, ...).report()``: to report records read
    in parts, elsewhere or in parallel, merge the parts' partials
    ([`CohortPartial`][pathway_model.scoring.CohortPartial]).

    Args:
        pathways: The records, in any order (the result does not depend on it).
        as_of: The date the measures are for. Nothing dated after it is read.
        since: The first day of the window; the earliest first day of any record when
            ``None``.
        definition: The definition every record follows; each record's own built-in
            definition when ``None``.
        combined_long_stay: The long-stay rule over several stages together, besides
            each stage's ``long_stay_after``; ``None`` for none. The default is
            the sources' more than 15 years in high and medium secure combined.
        community_stages: The codes of the stages that are the community, for
            readmissions: a community spell that ends with a move to a stage of higher
            security rank is a readmission.

    Raises:
        ValidationError: ``since`` is after ``as_of``, or a record is on another
            definition than ``definition`` (path ``$[i].definition_id``) or uses a
            stage or level code its definition lacks (path ``$[i]``).
        WrongTypeError: An argument or a record has the wrong type.
        UnknownCodeError: ``definition`` is ``None`` and a record names a definition
            that is not built in.

    Examples:
        >>> import datetime as dt
        >>> import pathway_model as pm
        >>> from pathway_model.catalogue import SECURE_PATHWAY
        >>> levels = {"mental_health_recovery": "partly_met",
        ...           "harm_related_behaviours": "partly_met", "substance_misuse": "met"}
        >>> record = pm.Pathway.start(
        ...     SECURE_PATHWAY, person_id="P-1", stage="medium_secure",
        ...     provider="Northfield MSU", on=dt.date(2024, 1, 8),
        ... ).with_reviews(pm.Review.from_levels(id="r1", date=dt.date(2024, 4, 2), team=levels))
        >>> report = cohort_report([record], as_of=dt.date(2024, 8, 1))
        >>> everyone = report.group()
        >>> everyone.ready_days, everyone.cost_of_delay, everyone.days_beyond_readiness_max
        (30, Decimal('13560.00'), 30)
    """
    return CohortPartial.of(
        pathways,
        as_of=as_of,
        since=since,
        definition=definition,
        combined_long_stay=combined_long_stay,
        community_stages=community_stages,
    ).report()


def _groups(
    tallies: Iterable[tuple[str, str, Frozen]], ranks: dict[str, int]
) -> tuple[CohortGroup, ...]:
    """Every group of a report from the (provider, stage) tallies: all, stages, providers, cells."""
    order = {code: (-rank, code) for code, rank in ranks.items()}
    cells = sorted(tallies, key=lambda cell: (cell[0], order[cell[1]]))
    everyone = _Tally()
    by_stage: dict[str, _Tally] = {}
    by_provider: dict[str, _Tally] = {}
    own: list[CohortGroup] = []
    for provider, stage, frozen in cells:
        everyone.add(frozen)
        by_stage.setdefault(stage, _Tally()).add(frozen)
        by_provider.setdefault(provider, _Tally()).add(frozen)
        tally = _Tally()
        tally.add(frozen)
        own.append(tally.group(provider, stage))
    return (
        everyone.group(None, None),
        *(by_stage[stage].group(None, stage) for stage in sorted(by_stage, key=order.__getitem__)),
        *(by_provider[provider].group(provider, None) for provider in sorted(by_provider)),
        *own,
    )
