"""The generator: draws stays from the parameters, then builds each person's record.

Stays, reviews, goals and the person's own incidents are drawn from one
``random.Random(seed)`` in a fixed order. Recorded readiness and restrictive
interventions are drawn from two streams of their own, ``random.Random`` seeded with
``f"{seed}:recorded-readiness"`` and ``f"{seed}:restrictive-interventions"``, so that
adding them, or changing their parameters, changes nothing else in a record. Nothing
reads the global random state, the clock or the order of a set. Every review, incident,
goal, recorded readiness period and record is built through its class's own validating
constructor.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import random
from collections.abc import Iterable, Sequence

import attrs

from pathway_model.catalogue import SECURE_PATHWAY
from pathway_model.errors import ValidationError, WrongTypeError
from pathway_model.model import (
    DomainRating,
    Goal,
    GoalAchievementStatus,
    GoalLifecycleStatus,
    GoalProgress,
    GoalSetter,
    Incident,
    IncidentKind,
    IncidentSeverity,
    Pathway,
    Period,
    Placement,
    RecordedReadiness,
    Review,
    ReviewKind,
    Stage,
)
from pathway_model.model._seam import (
    ATTRIBUTABLE_TO,
    DELAY_REASONS_V5,
    DELAY_REASONS_V6,
    CodeList,
    shift_date,
    type_name,
)
from pathway_model.synthetic._parameters import HOSPITAL_STAGES, STAY_STAGES, CohortParameters

_YEAR_DAYS = 365.2425

# Outcomes of a stay (the 4th item of a stay tuple).
_DOWN, _UP, _LEAVE = 0, 1, 2
#: Incident kinds and their shares among incidents (assumption).
_KINDS = (
    (IncidentKind.VIOLENCE, 0.35),
    (IncidentKind.SELF_HARM, 0.25),
    (IncidentKind.ABSCONDING, 0.05),
    (IncidentKind.SUBSTANCE_USE, 0.15),
    (IncidentKind.OTHER, 0.2),
)
#: Goals in the person's own words, by domain: written for the generator.
_GOAL_WORDING = {
    "mental_health_recovery": (
        "Know my early warning signs",
        "Take my medication without reminders",
        "Tell staff when I start to feel unwell",
    ),
    "harm_related_behaviours": (
        "Finish the anger management group",
        "Walk away when I feel wound up",
        "Go through my safety plan with my nurse",
    ),
    "substance_misuse": (
        "Stay off cannabis",
        "Go to the drug and alcohol group every week",
        "Make a plan for saying no to drink",
    ),
    "future_plans": (
        "Find out about supported housing near my family",
        "Look at college courses",
        "Plan my first unescorted leave",
    ),
    "physical_health": (
        "Walk every day",
        "Stop smoking",
        "See the dentist",
    ),
    "life_skills": (
        "Cook a meal once a week",
        "Manage my own money",
        "Use the bus on my own",
    ),
}
_SETTERS = (
    (GoalSetter.PERSON, 0.4),
    (GoalSetter.SHARED, 0.45),
    (GoalSetter.TEAM, 0.15),
)
#: The delay reason lists, newest first: a recorded period's reasons come from the list
#: valid in the month it starts (v6 from April 2024, v5 before).
_REASON_LISTS = (DELAY_REASONS_V6, DELAY_REASONS_V5)
_RESTRICTIVE = IncidentKind.RESTRICTIVE_INTERVENTION
#: A restrictive intervention's severity is the harm to the person from it; the
#: generator, like an MHSDS extract, does not record the harm, so it is the library's
#: default ("Domain facts and sources"): serious.
_RESTRICTIVE_SEVERITY = IncidentSeverity.SERIOUS


def _month_id(day: dt.date) -> int:
    """The MHSDS month (``UniqMonthID``: month 1 is April 1900) that ``day`` falls in.

    The national convention ("Domain facts and sources"), which the code lists' months
    count in; a day before April 1900 gives a month before 1.
    """
    return 12 * (day.year - 1900) + day.month - 3


@attrs.frozen(kw_only=True)
class _DelayCodes:
    """The codes a recorded readiness period starting in one month is drawn from."""

    reason_list: str
    reasons: tuple[str, ...]
    reason_weights: tuple[float, ...]
    attributions: tuple[str, ...]
    attribution_weights: tuple[float, ...]


def _valid(
    pairs: Iterable[tuple[str, float]], code_list: CodeList, month: int
) -> tuple[tuple[str, ...], tuple[float, ...]]:
    """The weighted codes of ``code_list`` valid in ``month``, and their cumulative weights."""
    valid = [
        (code, weight)
        for code, weight in pairs
        if (item := code_list.get(code)) is not None and item.valid_in(month)
    ]
    return tuple(code for code, _ in valid), _cumulative(weight for _, weight in valid)


def _delay_codes(parameters: CohortParameters, month: int) -> _DelayCodes:
    """The list, reasons and attributions for a period starting in ``month``.

    The list is the one valid in the month. A month before every list (MHSDS lists
    begin in April 2019) draws from the earliest list as it was in its first month.
    """
    chosen = next((code_list for code_list in _REASON_LISTS if code_list.valid_in(month)), None)
    if chosen is None:
        chosen = _REASON_LISTS[-1]
        month = min((item.first_month for item in chosen if item.first_month), default=month)
    weights = (
        parameters.delay_reasons_v6 if chosen is DELAY_REASONS_V6 else parameters.delay_reasons_v5
    )
    reasons, reason_weights = _valid(weights, chosen, month)
    attributions, attribution_weights = _valid(parameters.attributable_to, ATTRIBUTABLE_TO, month)
    return _DelayCodes(
        reason_list=chosen.id,
        reasons=reasons,
        reason_weights=reason_weights,
        attributions=attributions,
        attribution_weights=attribution_weights,
    )


def _cumulative(weights: Iterable[float]) -> tuple[float, ...]:
    total = 0.0
    out = []
    for weight in weights:
        total += weight
        out.append(total)
    return tuple(value / total for value in out) if total > 0 else ()


def _pick(rng_value: float, cumulative: tuple[float, ...]) -> int:
    for index, bound in enumerate(cumulative):
        if rng_value < bound:
            return index
    return len(cumulative) - 1


@attrs.frozen(kw_only=True)
class _StagePlan:
    """What the generator needs about one stage, worked out once."""

    index: int
    stage: Stage
    hospital: bool
    mu: float  # log of the median stay in days
    sigma: float
    longest: int  # days
    incident_rate: float  # per day
    step_up: float
    leave: float
    down_to: tuple[int, ...]  # stage indexes; -1 ends the record
    down_weights: tuple[float, ...]
    up_to: tuple[int, ...]
    up_weights: tuple[float, ...]
    interval: int  # days between reviews
    required: tuple[int, ...]  # per domain: the required level's position, or -1
    required_domains: tuple[int, ...]  # the domains the criteria name
    must_agree: bool
    sustained: Period
    rules: tuple[tuple[frozenset[IncidentKind], int, Period], ...]  # kinds, least severity rank


def _plans(parameters: CohortParameters) -> tuple[_StagePlan, ...]:
    framework = SECURE_PATHWAY.framework
    levels = framework.scale.codes
    index_of = {code: index for index, code in enumerate(STAY_STAGES)}
    plans = []
    for index, code in enumerate(STAY_STAGES):
        given = parameters.stage(code)
        stage = SECURE_PATHWAY.stage(code)
        criteria = stage.exit_criteria
        assert criteria is not None  # every stay stage of the secure pathway has criteria
        assert stage.review_interval is not None
        minimum = {req.domain: levels.index(req.minimum) for req in criteria.requirements}
        plans.append(
            _StagePlan(
                index=index,
                stage=stage,
                hospital=code in HOSPITAL_STAGES,
                mu=math.log(given.median_stay_years * _YEAR_DAYS),
                sigma=float(given.stay_spread),
                longest=round(parameters.longest_stay_years * _YEAR_DAYS),
                incident_rate=given.incidents_per_year / _YEAR_DAYS,
                step_up=float(given.step_up_share),
                leave=float(given.leave_share),
                down_to=tuple(index_of.get(target, -1) for target, _ in given.step_down_to),
                down_weights=_cumulative(weight for _, weight in given.step_down_to),
                up_to=tuple(index_of[target] for target, _ in given.step_up_to),
                up_weights=_cumulative(weight for _, weight in given.step_up_to),
                interval=round(stage.review_interval.approximate_days()),
                required=tuple(minimum.get(domain, -1) for domain in framework.domain_codes),
                required_domains=tuple(
                    d for d, domain in enumerate(framework.domain_codes) if domain in minimum
                ),
                must_agree=criteria.person_must_agree,
                sustained=criteria.sustained_for,
                rules=tuple(
                    (frozenset(rule.kinds), rule.minimum_severity.rank, rule.incident_free_for)
                    for rule in criteria.incident_rules
                ),
            )
        )
    return tuple(plans)


#: A stay: (stage index, first day, first day after, outcome, next stage index or -1).
_Stay = tuple[int, int, int, int, int]
#: A record ends after this many stays, whatever the parameters (a guard against cycles).
_MOST_STAYS = 40


def _stays(
    rng: random.Random,
    plans: Sequence[_StagePlan],
    admission: tuple[float, ...],
    arrival: int,
    stop: int,
) -> list[_Stay]:
    """Draw one person's stays from ``arrival`` until the record ends or passes ``stop``."""
    stays: list[_Stay] = []
    random_, gauss, exp = rng.random, rng.gauss, math.exp
    plan = plans[_pick(random_(), admission)]
    start = arrival
    while True:
        # A log-normal length: exp(mu + sigma * z) for a standard normal z.
        length = min(plan.longest, max(14, round(exp(plan.mu + plan.sigma * gauss(0.0, 1.0)))))
        end = start + length
        draw = random_()
        if draw < plan.step_up:
            outcome, target = _UP, plan.up_to[_pick(random_(), plan.up_weights)]
        elif draw < plan.step_up + plan.leave:
            outcome, target = _LEAVE, -1
        else:
            outcome, target = _DOWN, plan.down_to[_pick(random_(), plan.down_weights)]
        if len(stays) == _MOST_STAYS - 1:
            outcome, target = _LEAVE, -1
        stays.append((plan.index, start, end, outcome, target))
        if end > stop or target < 0:
            return stays
        plan = plans[target]
        start = end


def _hospital_days(plans: Sequence[_StagePlan], stays: Iterable[_Stay]) -> int:
    return sum(end - start for index, start, end, _, _ in stays if plans[index].hospital)


def _skeletons(
    rng: random.Random, parameters: CohortParameters, plans: Sequence[_StagePlan], as_of: int
) -> list[tuple[int, list[_Stay]]]:
    """Draw arrivals and stays; keep exactly ``people_in_care`` people in hospital at ``as_of``.

    Admissions arrive at a steady rate, so the population at ``as_of`` is in steady state.
    The rate is set from a pilot draw a little above what ``people_in_care`` needs; the
    people drawn are then thinned at random (each is kept when its uniform draw is below
    a threshold), which keeps the mix of the population, until exactly
    ``people_in_care`` are in hospital at ``as_of``.
    """
    admission = _cumulative(parameters.stage(code).admission_share for code in STAY_STAGES)
    # The pilot only sets the rate; thinning then gives the exact number, so a small
    # cohort needs only a small pilot.
    pilot_people = min(4_000, max(500, 2 * parameters.people_in_care))
    pilot_days = sum(
        _hospital_days(plans, _stays(rng, plans, admission, 0, 10**9)) for _ in range(pilot_people)
    )
    mean_days = max(1.0, pilot_days / pilot_people)
    horizon = round((parameters.longest_stay_years + parameters.history_years + 5) * _YEAR_DAYS)
    window_start = as_of - round(parameters.history_years * _YEAR_DAYS)
    wanted = parameters.people_in_care
    margin = 1.1
    for _ in range(8):
        rate = margin * (wanted + 3 * math.sqrt(wanted)) / mean_days  # arrivals per day
        kept: list[tuple[float, bool, int, list[_Stay]]] = []
        moment = float(as_of - horizon)
        while True:
            moment += rng.expovariate(rate)
            arrival = int(moment)
            if arrival > as_of:
                break
            draw = rng.random()
            stays = _stays(rng, plans, admission, arrival, as_of)
            last = stays[-1]
            if last[2] > as_of:
                kept.append((draw, plans[last[0]].hospital, arrival, stays))
            elif last[2] > window_start:
                kept.append((draw, False, arrival, stays))
        in_care = sorted(draw for draw, hospital, _, _ in kept if hospital)
        if len(in_care) >= wanted:
            # Thin: keep everyone whose draw is at most that of the wanted-th person in care.
            threshold = in_care[wanted - 1]
            return [(arrival, stays) for draw, _, arrival, stays in kept if draw <= threshold]
        margin *= 1.5
    raise ValidationError.single(
        "parameters",
        f"parameters that put {wanted:,} people in secure hospital care at as_of",
        "parameters under which too few people stay in hospital care",
    )


def _shift(period: Period, day: int, sign: int) -> int:
    """Move day number ``day`` by ``period`` forward (``sign`` 1) or back (-1).

    The model's one calendar shift (``shift_date``, which ``Period.add_to`` and
    ``Period.subtract_from`` use too), on day numbers: the generator keeps its dates as
    day numbers.
    """
    months = sign * (12 * period.years + period.months)
    days = sign * (7 * period.weeks + period.days)
    return shift_date(dt.date.fromordinal(day), months=months, days=days).toordinal()


#: Ratings are drawn from pools: this many sets per stage, state and progress bucket.
_POOL_SIZE = 128
_BUCKETS = 20
_SEVERITIES = (
    IncidentSeverity.MINOR,  # not used: ranks start at 1
    IncidentSeverity.MINOR,
    IncidentSeverity.MODERATE,
    IncidentSeverity.SERIOUS,
)
_ACHIEVED = GoalAchievementStatus.ACHIEVED
_CPA = ReviewKind.CPA
#: The statuses a review gives a goal, and their positions.
_PROGRESS = (
    GoalAchievementStatus.IN_PROGRESS,
    GoalAchievementStatus.IMPROVING,
    GoalAchievementStatus.ACHIEVED,
    GoalAchievementStatus.SUSTAINING,
    GoalAchievementStatus.WORSENING,
)
_IN_PROGRESS_AT, _IMPROVING_AT, _ACHIEVED_AT, _SUSTAINING_AT, _WORSENING = range(5)


class _Builder:
    """Builds the records of a cohort from its stays, sharing the values that repeat."""

    def __init__(
        self,
        rng: random.Random,
        parameters: CohortParameters,
        plans: Sequence[_StagePlan],
        window_start: int,
        *,
        recorded: random.Random,
        restrictive: random.Random,
    ) -> None:
        self.rng = rng
        # The two streams of their own: see the module's docstring.
        self.recorded_random = recorded.random
        self.restrictive_rng = restrictive
        self.restrictive_rate = parameters.restrictive_interventions_per_1000_bed_days / 1_000
        self.intervention_types = tuple(code for code, _ in parameters.intervention_types)
        self.intervention_weights = _cumulative(w for _, w in parameters.intervention_types)
        self.delay_codes: dict[int, _DelayCodes] = {}
        self.window_start = window_start
        self.random = rng.random
        self.parameters = parameters
        self.plans = plans
        framework = SECURE_PATHWAY.framework
        self.domains = framework.domain_codes
        levels = framework.scale.codes
        self.top = len(levels) - 1
        # Ratings repeat by the hundred thousand: one instance per (domain, team, person),
        # looked up as table[domain][team][person + 1] (person -1: no view given).
        self.table = [
            [
                [
                    DomainRating(
                        domain=domain,
                        team=team,
                        person=None if person < 0 else levels[person],
                    )
                    for person in range(-1, len(levels))
                ]
                for team in levels
            ]
            for domain in self.domains
        ]
        self.updates: dict[str, tuple[GoalProgress, ...]] = {}
        #: The goal updates of a review, by the number of goals set before the stay and
        #: each goal's position in ``_PROGRESS`` (-1 before its first update).
        self.shared_updates: dict[tuple[int, ...], tuple[GoalProgress, ...]] = {}
        self.kinds = tuple(kind for kind, _ in _KINDS)
        self.kind_weights = _cumulative(weight for _, weight in _KINDS)
        self.setters = tuple(setter for setter, _ in _SETTERS)
        self.setter_weights = _cumulative(weight for _, weight in _SETTERS)
        serious = parameters.serious_incident_share
        self.severity_bounds = (serious, serious + parameters.moderate_incident_share)
        self.dates: dict[int, dt.date] = {}
        self.incident_count = 0
        self.pools: list[list[tuple[DomainRating, ...]] | None] = [None] * (
            len(plans) * 3 * (_BUCKETS + 1)
        )

    def date(self, ordinal: int) -> dt.date:
        """The date of a day number, shared: the same days recur across records."""
        day = self.dates.get(ordinal)
        if day is None:
            day = self.dates[ordinal] = dt.date.fromordinal(ordinal)
        return day

    def between(self, least: int, most: int) -> int:
        """A whole number from ``least`` to ``most``, both included."""
        return least + int(self.random() * (most - least + 1))

    def updates_for(self, goal: str) -> tuple[GoalProgress, ...]:
        """The updates a review can give goal ``goal``, by position in ``_PROGRESS``.

        Goal ids repeat from record to record (``g1``, ``g2``...), so they are shared.
        """
        updates = self.updates.get(goal)
        if updates is None:
            updates = self.updates[goal] = tuple(
                GoalProgress(goal=goal, achievement_status=status) for status in _PROGRESS
            )
        return updates

    # --- one person ----------------------------------------------------------------------

    def person(self, number: int, stays: Sequence[_Stay], as_of: int) -> Pathway:
        """Build the record of person ``number`` from their stays, as known at ``as_of``."""
        self.incident_count = 0
        placements: list[Placement] = []
        reviews: list[Review] = []
        incidents: list[Incident] = []
        goals: list[Goal] = []
        periods: list[RecordedReadiness] = []
        restrictive: list[Incident] = []
        provider = -1
        for stay_number, stay in enumerate(stays, start=1):
            plan = self.plans[stay[0]]
            provider = self._provider(plan, provider)
            start, end = stay[1], stay[2]
            placements.append(
                Placement(
                    id=f"p{stay_number}",
                    stage=plan.stage.code,
                    provider=self.parameters.providers[provider],
                    start=self.date(start),
                    end=None if end > as_of else self.date(end),
                )
            )
            if end > self.window_start:
                # A stay that reaches into the history window has all its evidence.
                ready_day = self._stay(
                    plan=plan,
                    stay=stay,
                    as_of=as_of,
                    reviews=reviews,
                    incidents=incidents,
                    goals=goals,
                )
                if plan.hospital:
                    self._recorded(stay=stay, ready_day=ready_day, as_of=as_of, into=periods)
                    self._restrictive(start=start, cut=min(end, as_of + 1), into=restrictive)
        return Pathway(
            person_id=f"SYN-{number:06d}",
            definition_id=SECURE_PATHWAY.id,
            definition_version=SECURE_PATHWAY.version,
            placements=placements,
            goals=goals,
            reviews=reviews,
            incidents=incidents + restrictive if restrictive else incidents,
            recorded_readiness=periods,
        )

    def _provider(self, plan: _StagePlan, previous: int) -> int:
        parameters = self.parameters
        choices = (
            parameters.high_secure_providers
            if plan.stage.code == "high_secure"
            else len(parameters.providers)
        )
        stays_with = self.random() < parameters.same_provider_share
        if 0 <= previous < choices and stays_with:
            return previous
        return int(self.random() * choices)

    def _review_days(self, plan: _StagePlan, start: int, end: int) -> list[int]:
        """The days of the reviews of a stay ``[start, end)``."""
        random_ = self.random
        parameters = self.parameters
        jitter = parameters.review_jitter_days
        late_share = parameters.late_review_share
        late_least, late_most = parameters.late_review_days
        day = max(
            start, start + 7 * self.between(*parameters.first_review_weeks) - int(random_() * 7)
        )
        days = []
        while day < end:
            days.append(day)
            step = plan.interval + int(random_() * (2 * jitter + 1)) - jitter
            if random_() < late_share:
                step += self.between(late_least, late_most)
            day += max(step, 7)
        return days

    def _streak_start(self, plan: _StagePlan, days: Sequence[int], end: int) -> int | None:
        """Choose the review that begins the qualifying streak before a planned step down.

        Returns the index in ``days`` of the streak's first review, or ``None`` when the
        stay is too short for the person to become ready before the move.
        """
        parameters = self.parameters
        if self.random() < parameters.delayed_share:
            delay = self.between(*parameters.long_delay_days)
        else:
            delay = self.between(*parameters.move_delay_days)
        target = end - delay
        fallback = None
        for index in range(len(days) - 1, -1, -1):
            ready = _shift(plan.sustained, days[index], 1)
            if ready <= target:
                return index
            if fallback is None and ready < end:
                fallback = index
        return fallback

    def _stay(
        self,
        *,
        plan: _StagePlan,
        stay: _Stay,
        as_of: int,
        reviews: list[Review],
        incidents: list[Incident],
        goals: list[Goal],
    ) -> int:
        """Add the reviews, incidents and goals of one stay, up to ``as_of``.

        Returns the day the person becomes ready under the stage's exit criteria, as
        planned before the move, or -1 when no readiness is planned.
        """
        random_ = self.random
        parameters = self.parameters
        _, start, end, outcome, _ = stay
        cut = min(end, as_of + 1)  # events are kept up to as_of, inside the stay
        days = self._review_days(plan, start, end)
        streak = -1
        if outcome == _DOWN and random_() < parameters.ready_before_step_down_share:
            found = self._streak_start(plan, days, end)
            streak = -1 if found is None else found
        # Progress through the stay runs from `first` towards `best`: 1 means meeting the
        # stage's criteria, reached at the streak's first review when one is planned.
        first = random_() * 0.3
        if streak >= 0:
            goal_day, best = days[streak], 1.0
            ready_day = _shift(plan.sustained, goal_day, 1)
        else:
            goal_day, best, ready_day = end, first + random_() * 0.4, -1
        crisis = max(start, end - self.between(14, 56)) if outcome == _UP else -1
        self._incidents(
            plan=plan, start=start, cut=cut, ready_day=ready_day, crisis=crisis, into=incidents
        )
        already = len(goals)
        stay_goals = self._goals(
            plan=plan, start=start, end=end, days=days, as_of=as_of, already=already
        )
        goal_updates = [self.updates_for(goal[0]) for goal in stay_goals]
        goal_days = [goal[1] for goal in stay_goals]
        goal_bars = [goal[6] for goal in stay_goals]
        statuses = [-1] * len(stay_goals)  # positions in _PROGRESS; -1 before any update
        span = max(1, goal_day - start)
        rise = best - first
        dates = self.dates
        make_date = self.date
        ratings = self._ratings
        interval = plan.interval
        for number, day in enumerate(days):
            if day >= cut:
                break
            in_crisis = 0 <= crisis <= day
            if in_crisis:
                progress = 0.0
            elif day - start >= span:
                progress = best
            else:
                progress = first + rise * (day - start) / span
            updates: tuple[GoalProgress, ...] = ()
            if goal_days:
                for position, set_on in enumerate(goal_days):
                    if set_on <= day:
                        previous = statuses[position]
                        statuses[position] = (
                            _WORSENING
                            if in_crisis
                            else _SUSTAINING_AT
                            if previous in (_ACHIEVED_AT, _SUSTAINING_AT)
                            else _ACHIEVED_AT
                            if progress >= goal_bars[position]
                            else _IMPROVING_AT
                            if progress >= 0.35
                            else _IN_PROGRESS_AT
                        )
                updates = self._shared_updates(already, statuses, goal_updates)
            reviews.append(
                Review(
                    id=f"r{len(reviews) + 1}",
                    date=dates.get(day) or make_date(day),
                    kind=_CPA,
                    ratings=ratings(plan, progress, number - streak if streak >= 0 else -2),
                    goal_progress=updates,
                    next_review_date=dates.get(day + interval) or make_date(day + interval),
                )
            )
        for goal, last in zip(stay_goals, statuses, strict=True):
            goals.append(self._goal_outcome(goal, last, outcome, end, as_of))
        return ready_day

    def _recorded(
        self, *, stay: _Stay, ready_day: int, as_of: int, into: list[RecordedReadiness]
    ) -> None:
        """Add the team's record that the person was clinically ready, if it made one.

        A person ready under the rule (``ready_day``) is recorded ready from a little
        after it until the move; a step down on the team's judgement is recorded ready
        for the delay before it. Four draws a stay whatever is recorded, so that changing
        one share moves no other draw.
        """
        random_ = self.recorded_random
        parameters = self.parameters
        _, start, end, outcome, _ = stay
        record, gap, reason, attributable = random_(), random_(), random_(), random_()
        if ready_day >= 0:
            if record >= parameters.recorded_readiness_share:
                return
            least, most = parameters.recording_lag_days
            first = ready_day + least + int(gap * (most - least + 1))
        elif outcome == _DOWN:
            if record >= parameters.recorded_not_ready_share:
                return
            least, most = parameters.move_delay_days
            first = max(start, end - least - int(gap * (most - least + 1)))
        else:
            return
        if first >= end or first > as_of:
            return  # the move came first, or the team records it after as_of
        day = self.date(first)
        month = _month_id(day)
        codes = self.delay_codes.get(month)
        if codes is None:
            codes = self.delay_codes[month] = _delay_codes(parameters, month)
        # No weighted code valid in the month: the team recorded none.
        reasons, attributions = codes.reasons, codes.attributions
        into.append(
            RecordedReadiness(
                id=f"rr{len(into) + 1}",
                start=day,
                end=None if end > as_of else self.date(end),
                delay_reason=reasons[_pick(reason, codes.reason_weights)] if reasons else None,
                reason_list=codes.reason_list,
                attributable_to=attributions[_pick(attributable, codes.attribution_weights)]
                if attributions
                else None,
            )
        )

    def _restrictive(self, *, start: int, cut: int, into: list[Incident]) -> None:
        """Add the restrictive interventions of a hospital stay up to ``cut``."""
        rate = self.restrictive_rate
        if rate <= 0:
            return
        rng = self.restrictive_rng
        random_, expovariate = rng.random, rng.expovariate
        types, weights = self.intervention_types, self.intervention_weights
        last = len(types) - 1
        moment = float(start)
        while True:
            moment += expovariate(rate)
            day = int(moment)
            if day >= cut:
                return
            # As _pick, by bisection: the first type whose cumulative weight is above the draw.
            kind = min(bisect.bisect_right(weights, random_()), last)
            into.append(
                Incident(
                    id=f"ri{len(into) + 1}",
                    date=self.date(day),
                    kind=_RESTRICTIVE,
                    severity=_RESTRICTIVE_SEVERITY,
                    intervention_type=types[kind],
                )
            )

    def _shared_updates(
        self,
        already: int,
        statuses: Sequence[int],
        goal_updates: Sequence[tuple[GoalProgress, ...]],
    ) -> tuple[GoalProgress, ...]:
        """The goal updates of one review, from each goal's status (-1: not yet set).

        The same updates recur across records, so their tuples are shared: keyed by the
        number of goals set before the stay (which numbers its goals) and the statuses.
        """
        key = (already, *statuses)
        updates = self.shared_updates.get(key)
        if updates is None:
            updates = self.shared_updates[key] = tuple(
                goal_updates[position][status]
                for position, status in enumerate(statuses)
                if status >= 0
            )
        return updates

    def _ratings(self, plan: _StagePlan, progress: float, since: int) -> tuple[DomainRating, ...]:
        """The ratings of one review, drawn from a pool for the stage, state and progress.

        Each pool holds ``_POOL_SIZE`` sets of ratings drawn by ``_draw_ratings`` when
        the pool is first used; a review takes one at random. One draw per review instead
        of a dozen, with the same distribution over the levels.
        """
        state = 2 if since >= 0 else 1 if since == -1 else 0
        bucket = 0 if state == 2 else round(progress * _BUCKETS)
        key = (plan.index * 3 + state) * (_BUCKETS + 1) + bucket
        pool = self.pools[key]
        if pool is None:
            pool = self.pools[key] = [
                self._draw_ratings(plan, bucket / _BUCKETS, since) for _ in range(_POOL_SIZE)
            ]
        return pool[int(self.random() * _POOL_SIZE)]

    def _draw_ratings(
        self, plan: _StagePlan, progress: float, since: int
    ) -> tuple[DomainRating, ...]:
        """Draw the team's and the person's levels for each domain at one review.

        ``since`` is the review's place in the planned streak of qualifying reviews: 0
        for its first review, -1 for the review just before it (which must not
        qualify, so that the streak begins on time), less than -1 for earlier reviews
        and when no streak is planned.
        """
        random_ = self.random
        parameters = self.parameters
        top = self.top
        in_streak = since >= 0
        forced = -1
        if since == -1:
            forced = plan.required_domains[int(random_() * len(plan.required_domains))]
        agree = in_streak and plan.must_agree
        declines = not agree and random_() < parameters.person_declines_share
        higher = parameters.person_rates_higher_share
        lower = higher + parameters.person_rates_lower_share
        table = self.table
        out = []
        for d, required in enumerate(plan.required):
            if required < 0:
                value = 0.5 + 1.2 * progress + (random_() - 0.5) * 1.2
            elif in_streak:
                value = required + (random_() < 0.3)
            else:
                # One level below the requirement, reaching it as progress nears 1.
                value = required - 0.5 + progress + (random_() - 0.5) * 0.9
            team = 0 if value < 0 else top if value >= top else int(value)
            if d == forced:
                team = required - 1
            if declines:
                person = -1
            else:
                draw = random_()
                person = team + 1 if draw < higher else team - 1 if draw < lower else team
                person = 0 if person < 0 else top if person > top else person
                if agree and required > person:
                    person = required
            out.append(table[d][team][person + 1])
        return tuple(out)

    def _incidents(
        self,
        *,
        plan: _StagePlan,
        start: int,
        cut: int,
        ready_day: int,
        crisis: int,
        into: list[Incident],
    ) -> None:
        """Add the incidents of a stay up to ``cut``; none resets the clock near readiness."""
        random_ = self.random
        rng = self.rng
        quiet = [cut] * len(plan.rules)
        if ready_day >= 0:
            # A clock-resetting incident must be old enough by the planned ready day.
            quiet = [_shift(free_for, ready_day, -1) for _, _, free_for in plan.rules]
        rate = plan.incident_rate
        serious, moderate = self.severity_bounds
        kinds, weights = self.kinds, self.kind_weights
        moment = float(start)
        while rate > 0:
            moment += rng.expovariate(rate)
            day = int(moment)
            if day >= cut:
                break
            kind = kinds[_pick(random_(), weights)]
            draw = random_()
            rank = 3 if draw < serious else 2 if draw < moderate else 1
            for (covered, least, _), quiet_from in zip(plan.rules, quiet, strict=True):
                if day > quiet_from and rank >= least and kind in covered:
                    rank = 1  # kept minor: people nearing readiness have fewer serious incidents
            into.append(self._incident(day, kind, rank))
        if 0 <= crisis < cut:
            kind = IncidentKind.VIOLENCE if random_() < 0.6 else IncidentKind.SELF_HARM
            into.append(self._incident(crisis, kind, 3))

    def _incident(self, day: int, kind: IncidentKind, rank: int) -> Incident:
        self.incident_count += 1
        return Incident(
            id=f"i{self.incident_count}",
            date=self.date(day),
            kind=kind,
            severity=_SEVERITIES[rank],
        )

    def _goals(
        self,
        *,
        plan: _StagePlan,
        start: int,
        end: int,
        days: Sequence[int],
        as_of: int,
        already: int,
    ) -> list[tuple[str, int, int, int, int, int, float]]:
        """The goals set in a stay, in its first weeks and on or before ``as_of``.

        Each goal is ``(id, day set, domain, wording, setter, target day, bar)``; domain,
        wording and setter are indexes into their tables, and the goal is achieved once
        the person's progress through the stay reaches ``bar`` (never, above 1).
        """
        random_ = self.random
        required = plan.required_domains
        latest = min(end - 1, as_of, days[0] if days else end - 1)
        goals: list[tuple[str, int, int, int, int, int, float]] = []
        for _ in range(self.between(*self.parameters.goals_per_stay)):
            if random_() < 0.7:
                d = required[int(random_() * len(required))]
            else:
                d = int(random_() * len(self.domains))
            set_on = start + int(random_() * (latest - start + 1))
            wording = int(random_() * len(_GOAL_WORDING[self.domains[d]]))
            setter = _pick(random_(), self.setter_weights)
            target = set_on + self.between(180, 540)
            bar = 0.6 + random_() * 0.7
            goals.append((f"g{already + len(goals) + 1}", set_on, d, wording, setter, target, bar))
        return goals

    def _goal_outcome(
        self,
        goal: tuple[str, int, int, int, int, int, float],
        last: int,
        outcome: int,
        end: int,
        as_of: int,
    ) -> Goal:
        """The goal as known at ``as_of``: going on with its stay, or closed when it ended."""
        goal_id, set_on, d, wording, setter, target, _ = goal
        met = last in (_ACHIEVED_AT, _SUSTAINING_AT)
        if end > as_of:
            lifecycle = GoalLifecycleStatus.COMPLETED if met else GoalLifecycleStatus.ACTIVE
            achievement = None if last < 0 else _PROGRESS[last]
        elif met:
            lifecycle, achievement = GoalLifecycleStatus.COMPLETED, _ACHIEVED
        else:
            lifecycle = (
                GoalLifecycleStatus.COMPLETED if outcome == _DOWN else GoalLifecycleStatus.CANCELLED
            )
            achievement = GoalAchievementStatus.NOT_ACHIEVED
        domain = self.domains[d]
        return Goal(
            id=goal_id,
            domain=domain,
            description=_GOAL_WORDING[domain][wording],
            set_by=self.setters[setter],
            set_on=self.date(set_on),
            target_date=self.date(target),
            lifecycle_status=lifecycle,
            achievement_status=achievement,
        )


def synthetic_cohort(
    parameters: CohortParameters | None = None,
    *,
    seed: int,
    as_of: dt.date,
) -> tuple[Pathway, ...]:
    """Make the records of a synthetic population on the built-in secure pathway.

    The cohort holds everyone in secure hospital care at ``as_of`` (exactly
    ``parameters.people_in_care`` people), everyone in the community stage at
    ``as_of``, and everyone whose record ended in the ``history_years`` before it. Each
    record is complete from the person's first admission and holds nothing dated after
    ``as_of``: the stay that goes on at ``as_of`` is open. Records are ordered by
    admission date; person ids are ``SYN-000001`` onwards in that order.

    People improve through each stay with noise. Most step downs follow readiness under
    the stage's exit criteria in
    [`SECURE_PATHWAY`][pathway_model.catalogue.SECURE_PATHWAY]: the reviews of the
    stay's last months qualify without a break and no incident resets the clock, and
    the move follows after a delay, sometimes a long one. So some people are ready but
    not yet moved at ``as_of``, and
    [`readiness`][pathway_model.readiness] finds them.

    In hospital stays the team records, as MHSDS does, when it judged the person
    clinically ready to move on ([`RecordedReadiness`][pathway_model.RecordedReadiness],
    with a delay reason from the national list of the month the period starts), and
    staff use restrictive interventions (incidents of kind ``restrictive_intervention``,
    which the rules never count against the person). These are drawn from streams of
    their own, seeded from ``seed``, so a record's other items are the same whatever
    their parameters: with their shares and rate at 0 the records are those of a
    generator without them.

    Every review, incident, goal, recorded readiness period and record is built by its
    class's validating constructor. Nothing process-wide is changed (not the garbage
    collector, not the global random state), so several threads may make cohorts at
    once.

    Args:
        parameters: The shape of the population; ``CohortParameters()`` when ``None``.
        seed: The seed of the generator's ``random.Random`` streams: one for the
            stays, reviews, goals and the person's own incidents, one seeded
            ``f"{seed}:recorded-readiness"`` and one ``f"{seed}:restrictive-interventions"``.
        as_of: The date the population is taken at.

    Returns:
        The records, each valid on ``SECURE_PATHWAY``
        ([`check_pathway`][pathway_model.check_pathway] finds no problem).

    Raises:
        WrongTypeError: ``parameters``, ``seed`` or ``as_of`` has the wrong type.
        ValidationError: ``as_of`` is too early for the history the parameters ask for,
            or under the parameters too few people stay in hospital care to reach
            ``people_in_care`` (for example, when nearly every stay ends at once).

    Examples:
        >>> import datetime as dt
        >>> from pathway_model.synthetic import CohortParameters, synthetic_cohort
        >>> small = CohortParameters(people_in_care=20)
        >>> first = synthetic_cohort(small, seed=7, as_of=dt.date(2025, 3, 31))
        >>> first == synthetic_cohort(small, seed=7, as_of=dt.date(2025, 3, 31))
        True
        >>> in_hospital = [
        ...     p for p in first
        ...     if p.current_placement and p.current_placement.stage.endswith("_secure")
        ... ]
        >>> len(in_hospital)
        20
    """
    given: object = CohortParameters() if parameters is None else parameters
    if not isinstance(given, CohortParameters):
        raise WrongTypeError.single("parameters", "a CohortParameters or None", type_name(given))
    parameters = given
    raw_seed: object = seed
    if not isinstance(raw_seed, int) or isinstance(raw_seed, bool):
        raise WrongTypeError.single("seed", "a whole number (int)", type_name(raw_seed))
    raw_date: object = as_of
    if isinstance(raw_date, dt.datetime) or not isinstance(raw_date, dt.date):
        raise WrongTypeError.single("as_of", "a date (datetime.date)", type_name(raw_date))
    years_needed = parameters.longest_stay_years + parameters.history_years + 6
    if as_of.year <= years_needed:
        raise ValidationError.single(
            "as_of",
            f"a date after the year {years_needed} (the history drawn reaches that far back)",
            as_of.isoformat(),
        )
    rng = random.Random(seed)
    plans = _plans(parameters)
    day = as_of.toordinal()
    window_start = day - round(parameters.history_years * _YEAR_DAYS)
    builder = _Builder(
        rng,
        parameters,
        plans,
        window_start,
        recorded=random.Random(f"{seed}:recorded-readiness"),
        restrictive=random.Random(f"{seed}:restrictive-interventions"),
    )
    people = _skeletons(rng, parameters, plans, day)
    return tuple(builder.person(number, stays, day) for number, (_, stays) in enumerate(people, 1))
