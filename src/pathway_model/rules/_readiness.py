"""Readiness to move on, and "not a day more", as "How readiness is decided" sets out.

Every function here is pure: it takes the record, the definition and an explicit date,
never reads the clock, and returns values that carry their own evidence.

The work is done over the dates of reviews and incidents, never day by day: between two
such dates neither the streak of qualifying reviews nor the last clock-resetting
incident can change, so each stretch is decided in one step. A record with 20 years of
monthly reviews is decided in a few hundred steps, whatever the number of days.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import TypeVar

import attrs

from pathway_model.catalogue import definition_for
from pathway_model.errors import UnknownCodeError, ValidationError, WrongTypeError
from pathway_model.model import (
    ExitCriteria,
    Incident,
    IncidentRule,
    IncidentSeverity,
    Pathway,
    PathwayDefinition,
    Placement,
    RatingScale,
    Review,
    Stage,
)
from pathway_model.model._seam import refuse_unknown_codes, type_name

__all__ = [
    "Readiness",
    "ReadyRun",
    "readiness",
    "readiness_history",
    "ready_on",
]

_ONE_DAY = dt.timedelta(days=1)


@attrs.frozen(kw_only=True)
class ReadyRun:
    """An unbroken run of days on which the person was ready to move on.

    Attributes:
        start: The first ready day.
        end: The first day after the run: the day readiness was lost, the day the stay
            ended, or the day the count stopped.
    """

    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        """The number of days in the run."""
        return (self.end - self.start).days


@attrs.frozen(kw_only=True)
class Readiness:
    """The "not a day more" figures for one stay: when the person became ready, and the cost.

    For a stay that goes on at ``as_of`` the figures run up to ``as_of``; for a stay that
    has ended they run up to its end: the days the person was ready but stayed.

    Attributes:
        person_id: The person's pseudonymous id.
        placement_id: The stay's id.
        stage: The code of the stay's stage.
        as_of: The date the figures are for.
        placement_open: Whether the stay still goes on at ``as_of``.
        counted_until: The first day not counted: ``as_of``, or the stay's end if earlier.
        ready: Whether the person is ready at ``as_of`` (for an ended stay: on its last day).
        readiness_date: The first day of the ready run that reaches ``as_of`` (or the
            stay's end); ``None`` when not ready.
        days_beyond_readiness: Days from ``readiness_date`` to ``counted_until``; 0 when
            not ready.
        ready_days: Every day of the stay before ``counted_until`` on which the person was
            ready, including runs that a later review or incident ended.
        days_in_placement: Days of the stay before ``counted_until``.
        runs: The ready runs, in order, cut at ``counted_until``.
        bed_day_cost: The stage's bed-day cost, if it has one.
        cost_of_delay: ``ready_days * bed_day_cost``, if the stage has a cost.
        cost_is_estimate: Whether the bed-day cost is an estimate rather than a tariff.
    """

    person_id: str
    placement_id: str
    stage: str
    as_of: dt.date
    placement_open: bool
    counted_until: dt.date
    ready: bool
    readiness_date: dt.date | None
    days_beyond_readiness: int
    ready_days: int
    days_in_placement: int
    runs: tuple[ReadyRun, ...]
    bed_day_cost: Decimal | None
    cost_of_delay: Decimal | None
    cost_is_estimate: bool


# --- evidence within one stay -------------------------------------------------------------


@attrs.frozen(kw_only=True)
class StayEvidence:
    """The reviews and incidents of one stay, and how the stage's criteria judge them.

    Internal: built once per stay and shared by readiness, assessment and explanation.
    """

    placement: Placement
    stage: Stage
    reviews: tuple[Review, ...]
    incidents: tuple[Incident, ...]
    #: For each distinct review date, in order: the date, whether the day qualifies, and
    #: the first date of the unbroken qualifying streak that ends there (or None).
    days: tuple[tuple[dt.date, bool, dt.date | None], ...]


def qualifies(review: Review, criteria: ExitCriteria, scale: RatingScale) -> bool:
    """Whether one review meets every level the criteria require.

    A domain the review did not rate does not meet its requirement: missing data is
    never read as a good rating. With ``person_must_agree``, the person's own level must
    be given and also meet the minimum.
    """
    return _Thresholds(criteria, scale).met_by(review)


class _Thresholds:
    """A stage's exit criteria with each minimum level turned into its rank, once a stay.

    Judging a review then compares integers; a level code the scale lacks still raises
    the scale's own ``UnknownCodeError``.
    """

    __slots__ = ("_ranks", "_scale", "person_must_agree", "requirements")

    def __init__(self, criteria: ExitCriteria, scale: RatingScale) -> None:
        self._scale = scale
        self._ranks = {level.code: level.rank for level in scale.levels}
        self.requirements = tuple(
            (requirement.domain, scale.rank(requirement.minimum))
            for requirement in criteria.requirements
        )
        self.person_must_agree = criteria.person_must_agree

    def met_by(self, review: Review) -> bool:
        """Whether ``review`` meets every requirement (see ``qualifies``)."""
        ranks = self._ranks
        ratings = review.ratings
        for domain, minimum in self.requirements:
            for rating in ratings:
                if rating.domain == domain:
                    break
            else:
                return False  # not rated: never read as met
            rank = ranks.get(rating.team)
            if rank is None:
                rank = self._scale.rank(rating.team)  # raises UnknownCodeError
            if rank < minimum:
                return False
            if self.person_must_agree:
                person = rating.person
                if person is None:
                    return False
                rank = ranks.get(person)
                if rank is None:
                    rank = self._scale.rank(person)
                if rank < minimum:
                    return False
        return True


EventT = TypeVar("EventT", Review, Incident)


def _date(event: Review | Incident) -> dt.date:
    return event.date


def _inside(events: tuple[EventT, ...], placement: Placement) -> tuple[EventT, ...]:
    """The events dated inside ``placement``; ``events`` are in date order (the record's)."""
    first = bisect.bisect_left(events, placement.start, key=_date)
    if placement.end is None:
        return events[first:]
    return events[first : bisect.bisect_left(events, placement.end, lo=first, key=_date)]


def stay_evidence(
    pathway: Pathway, definition: PathwayDefinition, placement: Placement
) -> StayEvidence:
    """Gather and judge the reviews and incidents dated inside ``placement``."""
    stage = definition.stage(placement.stage)
    reviews = _inside(pathway.reviews, placement)
    incidents = _inside(pathway.incidents, placement)
    days: list[tuple[dt.date, bool, dt.date | None]] = []
    criteria = stage.exit_criteria
    if criteria is not None and reviews:
        met_by = _Thresholds(criteria, definition.framework.scale).met_by
        streak_start: dt.date | None = None
        index = 0
        count = len(reviews)
        while index < count:
            day = reviews[index].date
            # Reviews on the same day are taken together: the day qualifies only if each does.
            day_qualifies = True
            while index < count and reviews[index].date == day:
                day_qualifies = met_by(reviews[index]) and day_qualifies
                index += 1
            if day_qualifies:
                streak_start = day if streak_start is None else streak_start
            else:
                streak_start = None
            days.append((day, day_qualifies, streak_start))
    return StayEvidence(
        placement=placement, stage=stage, reviews=reviews, incidents=incidents, days=tuple(days)
    )


def resetting(rule: IncidentRule, incidents: Sequence[Incident]) -> tuple[Incident, ...]:
    """The incidents that reset the clock under ``rule``, in date order."""
    if not incidents:
        return ()
    # A restrictive intervention is done to the person: never theirs to count against
    # them, whatever the rule says (a rule naming it is refused when it is made).
    kinds = [kind for kind in rule.kinds if not kind.done_to_person]
    # The same test as IncidentRule.resets, worked out once for the few severities.
    severities = {s for s in IncidentSeverity if s.at_least(rule.minimum_severity)}
    return tuple(
        incident
        for incident in incidents
        if incident.kind in kinds and incident.severity in severities
    )


def ready_runs(evidence: StayEvidence, until: dt.date) -> tuple[ReadyRun, ...]:
    """Every run of ready days in the stay before ``until`` (exclusive).

    Between consecutive event dates (review dates and clock-resetting incident dates) the
    streak start and the incident term of ``ready_from`` are fixed, so each stretch is
    ready from ``max(stretch start, ready_from)`` to its end.
    """
    criteria = evidence.stage.exit_criteria
    placement = evidence.placement
    stop = until if placement.end is None else min(until, placement.end)
    if criteria is None or not evidence.days or stop <= placement.start:
        return ()
    resets = _resets(criteria, evidence.incidents)
    days = evidence.days
    breakpoints = _breakpoints(days, resets)
    last = len(breakpoints) - 1
    runs: list[ReadyRun] = []
    sustained_for = criteria.sustained_for
    sustained_until: dict[dt.date, dt.date] = {}  # streak start -> end of sustained period
    review_index = -1
    last_review = len(days) - 1
    reset_index = 0
    reset_count = len(resets)
    incident_term: dt.date | None = None
    for position, start in enumerate(breakpoints):
        if start >= stop:
            break
        end = breakpoints[position + 1] if position < last else stop
        end = min(end, stop)
        while review_index < last_review and days[review_index + 1][0] <= start:
            review_index += 1
        while reset_index < reset_count and resets[reset_index][0] <= start:
            free_from = resets[reset_index][1]
            if incident_term is None or free_from > incident_term:
                incident_term = free_from
            reset_index += 1
        if review_index < 0:
            continue
        streak_start = days[review_index][2]
        if streak_start is None:
            continue
        ready_from = sustained_until.get(streak_start)
        if ready_from is None:
            ready_from = sustained_until[streak_start] = sustained_for.add_to(streak_start)
        if incident_term is not None and incident_term > ready_from:
            ready_from = incident_term
        _extend(runs, start if start > ready_from else ready_from, end)
    return tuple(runs)


def _breakpoints(
    days: Sequence[tuple[dt.date, bool, dt.date | None]], resets: Sequence[tuple[dt.date, dt.date]]
) -> list[dt.date]:
    """The review days and clock-resetting incident days, distinct and in order."""
    if not resets:
        return [day for day, _, _ in days]  # distinct and in order already
    return sorted({day for day, _, _ in days} | {day for day, _ in resets})


def _resets(criteria: ExitCriteria, incidents: Sequence[Incident]) -> list[tuple[dt.date, dt.date]]:
    """Each clock-resetting incident's date and the day it allows readiness again, in order."""
    if not incidents:
        return []
    resets = [
        (incident.date, rule.incident_free_for.add_to(incident.date))
        for rule in criteria.incident_rules
        for incident in resetting(rule, incidents)
    ]
    resets.sort()
    return resets


def _extend(runs: list[ReadyRun], first: dt.date, end: dt.date) -> None:
    """Add the ready days ``[first, end)`` to ``runs``, joining a run that ends at ``first``."""
    if first >= end:
        return
    if runs and runs[-1].end == first:
        runs[-1] = ReadyRun(start=runs[-1].start, end=end)
    else:
        runs.append(ReadyRun(start=first, end=end))


# --- public functions ---------------------------------------------------------------------


#: What to do when a record names a definition that is not built in.
DEFINITION_HINT = (
    "to decide a record on a definition that is not built in, pass that definition "
    "as definition=, e.g. assess(pathway, as_of, definition=my_definition)"
)


def resolve_definition(
    pathway: Pathway, definition: PathwayDefinition | None, *, codes: bool = True
) -> PathwayDefinition:
    """Return ``definition``, or the built-in one the record names; check they match.

    Every code of the record is then checked against the definition, once a call: no
    rule decides on a record that uses a stage, domain or level code its definition
    lacks. ``codes=False`` leaves that check to a caller that validates the whole
    record itself, listing every problem.

    Raises:
        WrongTypeError: An argument has the wrong type.
        ValidationError: The record names another definition or version.
        UnknownCodeError: No definition was given and the record names none built in,
            or the record uses a code the definition lacks (its ``path`` says where).
    """
    if not isinstance(pathway, Pathway):
        raise WrongTypeError.single("pathway", "a Pathway", type_name(pathway))
    if definition is None:
        try:
            definition = definition_for(pathway)
        except UnknownCodeError as error:
            raise UnknownCodeError(
                error.kind, error.code, error.known, path="$.definition_id", hint=DEFINITION_HINT
            ) from None
    elif not isinstance(definition, PathwayDefinition):
        raise WrongTypeError.single(
            "definition", "a PathwayDefinition or None", type_name(definition)
        )
    elif (pathway.definition_id, pathway.definition_version) != (
        definition.id,
        definition.version,
    ):
        raise ValidationError.single(
            "$.definition_id",
            f"the definition given ({definition.id}@{definition.version})",
            f"a record on {pathway.definition_id}@{pathway.definition_version}",
        )
    if codes:
        refuse_unknown_codes(pathway, definition)
    return definition


def check_date(value: object, name: str = "as_of") -> dt.date:
    """Refuse anything but a calendar date (a datetime's date depends on its zone)."""
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        expected = "a date (datetime.date); convert datetimes with uk_date()"
        raise WrongTypeError.single(name, expected, type_name(value))
    return value


def placement_for(pathway: Pathway, as_of: dt.date) -> Placement:
    """The stay that covers ``as_of``, else the last one that began on or before it.

    Raises:
        ValidationError: ``as_of`` is before the record begins.
    """
    chosen = None
    for placement in pathway.placements:
        if placement.start <= as_of:
            chosen = placement
        else:
            break
    if chosen is None:
        raise ValidationError.single(
            "as_of",
            f"a date on or after the record begins ({pathway.first_day.isoformat()})",
            as_of.isoformat(),
        )
    return chosen


def readiness_of(evidence: StayEvidence, person_id: str, as_of: dt.date) -> Readiness:
    """Work out "not a day more" for one stay's evidence at ``as_of``."""
    placement = evidence.placement
    placement_open = placement.covers(as_of)
    counted_until = as_of if placement.end is None else min(placement.end, as_of)
    # Runs up to and including as_of decide whether the person is ready on as_of itself.
    runs = ready_runs(evidence, counted_until + _ONE_DAY if placement_open else counted_until)
    last_day = as_of if placement_open else counted_until - _ONE_DAY
    final = runs[-1] if runs and runs[-1].start <= last_day < runs[-1].end else None
    counted = tuple(
        ReadyRun(start=run.start, end=min(run.end, counted_until))
        for run in runs
        if run.start < counted_until
    )
    ready_days = sum(run.days for run in counted)
    cost = evidence.stage.bed_day_cost
    return Readiness(
        person_id=person_id,
        placement_id=placement.id,
        stage=placement.stage,
        as_of=as_of,
        placement_open=placement_open,
        counted_until=counted_until,
        ready=final is not None,
        readiness_date=None if final is None else final.start,
        days_beyond_readiness=0 if final is None else (counted_until - final.start).days,
        ready_days=ready_days,
        days_in_placement=placement.days_until(as_of),
        runs=counted,
        bed_day_cost=cost,
        cost_of_delay=None if cost is None else cost * ready_days,
        cost_is_estimate=evidence.stage.cost_is_estimate,
    )


def readiness(
    pathway: Pathway, as_of: dt.date, *, definition: PathwayDefinition | None = None
) -> Readiness:
    """Work out "not a day more" for the stay at ``as_of``.

    The stay is the one that covers ``as_of``; if ``as_of`` falls after a stay ended (in
    a gap, or after the record ends) it is that last stay, with figures up to its end.

    Args:
        pathway: The person's record.
        as_of: The date to work out readiness for. Events after it are ignored.
        definition: The definition the record follows; the built-in one it names when
            ``None``.

    Raises:
        ValidationError: ``as_of`` is before the record begins, or ``definition`` is
            not the one the record names.
        WrongTypeError: An argument has the wrong type (a datetime is not a date).
        UnknownCodeError: The record uses a stage, domain or level code the definition
            lacks (``path`` says where), or, with no ``definition`` given, names a
            definition that is not built in.

    Examples:
        >>> import datetime as dt
        >>> import pathway_model as pm
        >>> from pathway_model.catalogue import SECURE_PATHWAY
        >>> levels = {"mental_health_recovery": "partly_met",
        ...           "harm_related_behaviours": "partly_met", "substance_misuse": "met"}
        >>> pathway = pm.Pathway.start(
        ...     SECURE_PATHWAY, person_id="P-1", stage="medium_secure",
        ...     provider="Northfield MSU", on=dt.date(2024, 1, 8),
        ... ).with_reviews(pm.Review.from_levels(id="r1", date=dt.date(2024, 4, 2), team=levels))
        >>> result = pm.readiness(pathway, dt.date(2024, 8, 1))
        >>> result.readiness_date, result.days_beyond_readiness, result.cost_of_delay
        (datetime.date(2024, 7, 2), 30, Decimal('13560'))
    """
    definition = resolve_definition(pathway, definition)
    as_of = check_date(as_of)
    placement = placement_for(pathway, as_of)
    return readiness_of(stay_evidence(pathway, definition, placement), pathway.person_id, as_of)


def readiness_history(
    pathway: Pathway, as_of: dt.date, *, definition: PathwayDefinition | None = None
) -> tuple[Readiness, ...]:
    """Work out "not a day more" for every stay that began on or before ``as_of``.

    Ended stays give the days the person was ready but stayed; the stay that goes on at
    ``as_of`` (if any) gives the figures so far.

    Args:
        pathway: The person's record.
        as_of: The date to count up to. Events after it are ignored.
        definition: The definition the record follows; the built-in one it names when
            ``None``.

    Raises:
        ValidationError: ``as_of`` is before the record begins.
        WrongTypeError: An argument has the wrong type.
        UnknownCodeError: The record uses a code the definition lacks (see ``readiness``).
    """
    definition = resolve_definition(pathway, definition)
    as_of = check_date(as_of)
    placement_for(pathway, as_of)
    return tuple(
        readiness_of(stay_evidence(pathway, definition, placement), pathway.person_id, as_of)
        for placement in pathway.placements
        if placement.start <= as_of
    )


def ready_on(
    pathway: Pathway, day: dt.date, *, definition: PathwayDefinition | None = None
) -> bool:
    """Whether the person is ready to move on from the stay that covers ``day``.

    ``False`` on a day no stay covers (a gap, or after the record ends).

    Raises:
        ValidationError: ``day`` is before the record begins.
        WrongTypeError: An argument has the wrong type.
        UnknownCodeError: The record uses a code the definition lacks (see ``readiness``).
    """
    definition = resolve_definition(pathway, definition)
    day = check_date(day, "day")
    placement = placement_for(pathway, day)
    if not placement.covers(day):
        return False
    evidence = stay_evidence(pathway, definition, placement)
    runs = ready_runs(evidence, day + _ONE_DAY)
    return bool(runs) and runs[-1].start <= day < runs[-1].end
