"""The progression decision: is the person ready to move on, why, and on what evidence."""

from __future__ import annotations

import datetime as dt
from enum import Enum

import attrs

from pathway_model._version import VERSION
from pathway_model.errors import ValidationError
from pathway_model.model import ExitCriteria, Pathway, PathwayDefinition, RatingScale, Review
from pathway_model.model._seam import outside_stays
from pathway_model.rules._readiness import (
    Readiness,
    StayEvidence,
    check_date,
    placement_for,
    readiness_of,
    resetting,
    resolve_definition,
    stay_evidence,
)
from pathway_model.rules._schedule import ReviewSchedule, schedule_of

__all__ = [
    "Assessment",
    "AssessmentStatus",
    "Criterion",
    "CriterionKind",
    "Disagreement",
    "Evidence",
    "EvidenceKind",
    "NoLevel",
    "assess",
]


class AssessmentStatus(Enum):
    """The outcome of an assessment."""

    READY = "ready"
    """Every exit criterion of the stage is met: the person is ready to move on."""
    NOT_READY = "not_ready"
    """There has been a review in this stay, and at least one criterion is not met or the
    stage has no exit criteria."""
    NO_EVIDENCE = "no_evidence"
    """There has been no review yet in this stay (whatever the stage's criteria)."""


class CriterionKind(Enum):
    """What a criterion checks."""

    TEAM_LEVEL = "team_level"
    """The team's level for one domain at the latest review meets the minimum."""
    PERSON_LEVEL = "person_level"
    """The person's own level for one domain at the latest review meets the minimum."""
    SUSTAINED = "sustained"
    """Reviews have qualified without a break for long enough."""
    INCIDENT_FREE = "incident_free"
    """Long enough has passed since the last incident that resets the clock."""


class NoLevel(Enum):
    """Why a level criterion found no level at the latest review day."""

    NO_REVIEW = "no review"
    """There has been no review yet in this stay."""
    NOT_RATED = "not rated"
    """A review of the day did not rate the domain."""
    NOT_GIVEN = "not given"
    """A review of the day rated the domain without this level (the person gave no view)."""


class EvidenceKind(Enum):
    """What kind of record a piece of evidence is."""

    REVIEW = "review"
    INCIDENT = "incident"


@attrs.frozen(kw_only=True)
class Evidence:
    """A review or incident that a criterion was judged on.

    Attributes:
        kind: Whether it is a review or an incident.
        id: The review's or incident's id in the record.
        date: Its date.
    """

    kind: EvidenceKind
    id: str
    date: dt.date


@attrs.frozen(kw_only=True)
class Criterion:
    """One exit criterion, judged: what was expected, what was found, and on what evidence.

    ``expected`` and ``actual`` are short and built from codes, dates and ISO 8601
    periods only, so they can be stored and compared. A level criterion also carries its
    codes as fields of their own (``required_level``, and ``found_level`` or
    ``why_no_level``): the explanation functions turn those into sentences, and never
    read codes back out of ``expected`` or ``actual``.

    Attributes:
        kind: What the criterion checks.
        domain: The domain's code, for a level criterion; ``None`` otherwise.
        expected: What the criterion asks for, e.g. ``"at least partly_met"``.
        actual: What was found, e.g. ``"met"``, ``"not rated"`` or ``"since 2024-04-02"``.
        met: Whether the criterion is met at the assessment date.
        met_from: For ``SUSTAINED`` and ``INCIDENT_FREE``: the date from which it is (or
            will be, with no new events) met; ``None`` when it cannot be met yet.
        evidence: The reviews and incidents it was judged on.
        required_level: For a level criterion, the code of the lowest level that meets
            it; ``None`` for other criteria. (A version 1 JSON document may leave it
            out: it is then read from ``expected``, ``"at least <code>"``.)
        found_level: For a level criterion, the code of the level found (the lowest of
            the latest review day); ``None`` when none was found, and for other
            criteria. (A version 1 JSON document may leave it out: it is then read
            from ``actual``.)
        why_no_level: For a level criterion that found no level, why not; ``None``
            otherwise. (A version 1 JSON document may leave it out: it is then read
            from ``actual``.)
    """

    kind: CriterionKind
    domain: str | None
    expected: str
    actual: str
    met: bool
    met_from: dt.date | None
    evidence: tuple[Evidence, ...]
    required_level: str | None = None
    found_level: str | None = None
    why_no_level: NoLevel | None = None


@attrs.frozen(kw_only=True)
class Disagreement:
    """A domain where the person's own level differs from the team's at the latest review.

    Attributes:
        review_id: The review's id.
        date: The review's date.
        domain: The domain's code.
        team: The team's level code.
        person: The person's level code.
        person_rates_higher: Whether the person's level is the better of the two.
    """

    review_id: str
    date: dt.date
    domain: str
    team: str
    person: str
    person_rates_higher: bool


@attrs.frozen(kw_only=True)
class Assessment:
    """The progression decision for one person at one date, with its evidence.

    Attributes:
        person_id: The person's pseudonymous id.
        as_of: The date assessed. Nothing dated after it was used.
        placement_id: The id of the stay at ``as_of``.
        provider: The provider of that stay.
        placement_start: The first day of that stay.
        stage: The code of its stage.
        status: Ready, not ready, or no evidence (no review yet in this stay).
        next_stage: The next less restrictive stage the definition allows, whether or
            not the person is ready; ``None`` when there is none.
        proposed_stage: ``next_stage`` when the person is ready, else ``None``.
        has_exit_criteria: Whether the stage has exit criteria at all.
        criteria: Each exit criterion, judged.
        readiness: "Not a day more" for the stay: readiness date, days beyond
            readiness, ready days and cost of delay.
        schedule: When the next review is due and whether it is overdue.
        disagreements: Domains where the person and the team gave different levels at
            the latest review, in the framework's order of domains.
        definition_id: The id of the definition applied.
        definition_version: Its version.
        library_version: The version of pathway_model that made the decision.
        events_outside_stays: How many reviews and incidents dated on or before
            ``as_of`` fall in a gap between two stays, where no stay's rules judge them
            ([`check_pathway`][pathway_model.check_pathway] names each one). Written to
            JSON only when it is not 0.
        restrictive_interventions: How many restrictive interventions (restraint,
            seclusion, segregation, rapid tranquillisation: done *to* the person by staff)
            are dated in the stay on or before ``as_of``. Reported so the team sees them;
            they never count against readiness. Written to JSON only when it is not 0.
    """

    person_id: str
    as_of: dt.date
    placement_id: str
    provider: str
    placement_start: dt.date
    stage: str
    status: AssessmentStatus
    next_stage: str | None
    proposed_stage: str | None
    has_exit_criteria: bool
    criteria: tuple[Criterion, ...]
    readiness: Readiness
    schedule: ReviewSchedule
    disagreements: tuple[Disagreement, ...]
    definition_id: str
    definition_version: str
    library_version: str
    events_outside_stays: int = 0
    restrictive_interventions: int = 0

    @property
    def review_overdue(self) -> bool:
        """Whether the next review is overdue at ``as_of``."""
        return self.schedule.overdue


def _review_evidence(reviews: tuple[Review, ...]) -> tuple[Evidence, ...]:
    return tuple(Evidence(kind=EvidenceKind.REVIEW, id=r.id, date=r.date) for r in reviews)


def _level_criteria(
    latest: tuple[Review, ...], criteria: ExitCriteria, scale: RatingScale
) -> list[Criterion]:
    """Judge each required level on the latest review day, its reviews taken together.

    The day meets a level only if each of its reviews does, as in "How readiness is
    decided", and what was found does not depend on the reviews' ids: a domain that any
    of the day's reviews did not rate is ``"not rated"``; else a level that any did not
    give is ``"not given"``; else the lowest level of the day.
    """
    evidence = _review_evidence(latest)
    judged = []
    kinds = [(CriterionKind.TEAM_LEVEL, "team")]
    if criteria.person_must_agree:
        kinds.append((CriterionKind.PERSON_LEVEL, "person"))
    for requirement in criteria.requirements:
        minimum = scale.rank(requirement.minimum)
        for kind, who in kinds:
            lowest: str | None = None
            lowest_rank = 0
            not_rated = not_given = False
            for review in latest:
                rating = review.rating(requirement.domain)
                if rating is None:
                    not_rated = True
                    continue
                level = getattr(rating, who)
                if level is None:
                    not_given = True
                    continue
                rank = scale.rank(level)
                if lowest is None or rank < lowest_rank:
                    lowest, lowest_rank = level, rank
            why: NoLevel | None = None
            if not latest:
                why = NoLevel.NO_REVIEW
            elif not_rated:
                why = NoLevel.NOT_RATED
            elif not_given:
                why = NoLevel.NOT_GIVEN
            found = None if why is not None else lowest
            judged.append(
                Criterion(
                    kind=kind,
                    domain=requirement.domain,
                    expected=f"at least {requirement.minimum}",
                    actual=why.value if why is not None else str(found),
                    met=found is not None and lowest_rank >= minimum,
                    met_from=None,
                    evidence=evidence,
                    required_level=requirement.minimum,
                    found_level=found,
                    why_no_level=why,
                )
            )
    return judged


def _sustained(evidence: StayEvidence, criteria: ExitCriteria, as_of: dt.date) -> Criterion:
    days = [day for day in evidence.days if day[0] <= as_of]
    streak_start = days[-1][2] if days else None
    expected = f"qualifying reviews for {criteria.sustained_for}"
    if streak_start is None:
        return Criterion(
            kind=CriterionKind.SUSTAINED,
            domain=None,
            expected=expected,
            actual="no qualifying review" if not days else "latest review does not qualify",
            met=False,
            met_from=None,
            evidence=(),
        )
    met_from = criteria.sustained_for.add_to(streak_start)
    streak = tuple(r for r in evidence.reviews if streak_start <= r.date <= as_of)
    return Criterion(
        kind=CriterionKind.SUSTAINED,
        domain=None,
        expected=expected,
        actual=f"since {streak_start.isoformat()}",
        met=met_from <= as_of,
        met_from=met_from,
        evidence=_review_evidence(streak),
    )


def _incident_free(
    evidence: StayEvidence, criteria: ExitCriteria, as_of: dt.date
) -> list[Criterion]:
    judged = []
    for rule in criteria.incident_rules:
        kinds = "/".join(kind.value for kind in rule.kinds)
        expected = (
            f"no {kinds} of {rule.minimum_severity.value} severity or worse "
            f"within {rule.incident_free_for}"
        )
        found = [i for i in resetting(rule, evidence.incidents) if i.date <= as_of]
        if not found:
            judged.append(
                Criterion(
                    kind=CriterionKind.INCIDENT_FREE,
                    domain=None,
                    expected=expected,
                    actual="none in this stay",
                    met=True,
                    met_from=evidence.placement.start,
                    evidence=(),
                )
            )
            continue
        last = max(found, key=lambda incident: (incident.date, incident.id))
        met_from = rule.incident_free_for.add_to(last.date)
        judged.append(
            Criterion(
                kind=CriterionKind.INCIDENT_FREE,
                domain=None,
                expected=expected,
                actual=f"last on {last.date.isoformat()}",
                met=met_from <= as_of,
                met_from=met_from,
                evidence=(Evidence(kind=EvidenceKind.INCIDENT, id=last.id, date=last.date),),
            )
        )
    return judged


def _disagreements(
    latest: tuple[Review, ...], definition: PathwayDefinition
) -> tuple[Disagreement, ...]:
    """The latest day's disagreements, in the framework's order of domains.

    Ordered by domain, then levels, then review id, so that relabelling the day's reviews
    changes only the ids, never the order of what is said.
    """
    scale = definition.framework.scale
    order = {code: index for index, code in enumerate(definition.framework.domain_codes)}
    found = [
        Disagreement(
            review_id=review.id,
            date=review.date,
            domain=rating.domain,
            team=rating.team,
            person=rating.person,
            person_rates_higher=scale.rank(rating.person) > scale.rank(rating.team),
        )
        for review in latest
        for rating in review.ratings
        if rating.person is not None and rating.person != rating.team
    ]
    if len(found) > 1:
        found.sort(
            key=lambda item: (
                order[item.domain],
                scale.rank(item.team),
                scale.rank(item.person),
                item.review_id,
            )
        )
    return tuple(found)


def assess(
    pathway: Pathway, as_of: dt.date, *, definition: PathwayDefinition | None = None
) -> Assessment:
    """Decide whether the person is ready to move on from the stay at ``as_of``.

    The decision follows the rules in "How readiness is decided": the latest review in
    the stay must meet every level the stage's exit criteria require; reviews must have
    qualified without a break for the sustained period; and no clock-resetting incident
    may fall within its incident-free period. Only reviews and incidents dated inside
    the stay and on or before ``as_of`` count. A restrictive intervention is done to the
    person, not by them: it never resets the clock, and is only counted in
    ``restrictive_interventions``.

    Args:
        pathway: The person's record (checked with ``validate_pathway`` beforehand).
        as_of: The date to decide for; it must fall inside one of the record's stays.
        definition: The definition the record follows; the built-in one it names when
            ``None``.

    Returns:
        The decision, with every criterion judged, its evidence, "not a day more",
        the review schedule, disagreements, and the versions that produced it.

    Raises:
        ValidationError: No stay covers ``as_of`` (before the record, in a gap, or after
            it ends), or ``definition`` is not the one the record names.
        WrongTypeError: An argument has the wrong type (a datetime is not a date).
        UnknownCodeError: The record uses a stage, domain or level code the definition
            lacks (``path`` says where), or, with no ``definition`` given, names a
            definition that is not built in (the message says to pass it).

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
        >>> decision = pm.assess(pathway, dt.date(2024, 8, 1))
        >>> decision.status.value, decision.proposed_stage
        ('ready', 'low_secure')
    """
    definition = resolve_definition(pathway, definition)
    as_of = check_date(as_of)
    placement = placement_for(pathway, as_of)
    if not placement.covers(as_of):
        raise ValidationError.single(
            "as_of",
            "a date inside one of the record's stays",
            f"{as_of.isoformat()}, after the stay that ended on {placement.end}",
        )
    evidence = stay_evidence(pathway, definition, placement)
    stage = evidence.stage
    scale = definition.framework.scale
    reviews = tuple(review for review in evidence.reviews if review.date <= as_of)
    latest = (
        tuple(review for review in reviews if review.date == reviews[-1].date) if reviews else ()
    )
    criteria: list[Criterion] = []
    if stage.exit_criteria is not None:
        criteria += _level_criteria(latest, stage.exit_criteria, scale)
        criteria.append(_sustained(evidence, stage.exit_criteria, as_of))
        criteria += _incident_free(evidence, stage.exit_criteria, as_of)
    result = readiness_of(evidence, pathway.person_id, as_of)
    if not reviews:
        status = AssessmentStatus.NO_EVIDENCE
    elif result.ready:
        status = AssessmentStatus.READY
    else:
        status = AssessmentStatus.NOT_READY
    step_down = definition.step_down_from(stage.code)
    next_stage = None if step_down is None else step_down.code
    return Assessment(
        person_id=pathway.person_id,
        as_of=as_of,
        placement_id=placement.id,
        provider=placement.provider,
        placement_start=placement.start,
        stage=stage.code,
        status=status,
        next_stage=next_stage,
        proposed_stage=next_stage if status is AssessmentStatus.READY else None,
        has_exit_criteria=stage.exit_criteria is not None,
        criteria=tuple(criteria),
        readiness=result,
        schedule=schedule_of(placement, stage, evidence.reviews, as_of),
        disagreements=_disagreements(latest, definition),
        definition_id=definition.id,
        definition_version=definition.version,
        library_version=VERSION,
        events_outside_stays=outside_stays(pathway, as_of),
        restrictive_interventions=sum(
            1 for i in evidence.incidents if i.kind.done_to_person and i.date <= as_of
        ),
    )
