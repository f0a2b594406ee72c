"""FHIR R4 export: one person's pathway as a Bundle of type ``collection``.

What maps to what, and why, is on the docs page "Exchange pathways as FHIR R4".
In short: a CarePlan for the record; an EpisodeOfCare per placement; a Goal per goal; an
Encounter per review, with an Observation of its findings that lists its ratings and
goal progress in order; an Observation per domain rating (one for the team's level, one
for the person's), per goal progress update, per incident, per recorded readiness period
and per instrument rating; and, when asked for a date, the readiness decision. Every
reference is to a ``urn:uuid:`` full URL inside the Bundle; ids are UUID 5s of the
organisation (if any), the person's id and the entity's ids, so the same record always
gives the same Bundle.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from pathway_model.errors import Problem, ValidationError, WrongTypeError
from pathway_model.fhir._codes import (
    ASSESSMENT_STATUS,
    CRITERION_DOMAIN_EXTENSION,
    DATA_ABSENT_REASON,
    DISCHARGED,
    DOMAIN_RATING,
    ENCOUNTER_CLASSES,
    GOAL_ACHIEVEMENT,
    GOAL_ACHIEVEMENT_DISPLAY,
    GOAL_ID,
    GOAL_PROGRESS,
    GOAL_SET_BY,
    GOAL_SET_BY_EXTENSION,
    HL7_OBSERVATION_CATEGORY,
    INCIDENT,
    INCIDENT_ID,
    INCIDENT_KIND,
    INCIDENT_SEVERITY,
    INSTRUMENT,
    INSTRUMENT_RATING_ID,
    INSTRUMENT_SCORE,
    INTERVENTION_TYPE,
    MHSDS_DATA_ELEMENT,
    NEXT_REVIEW_EXTENSION,
    OBSERVATION_KIND,
    PERSON_ID,
    PLACEMENT_ID,
    PROBLEM_8,
    RATER,
    READINESS_DECISION,
    READINESS_PART,
    RECORDED_READINESS,
    RECORDED_READINESS_ID,
    RESTRICTIVE_INTERVENTION_TYPE,
    REVIEW_FINDINGS,
    REVIEW_ID,
    REVIEW_KIND,
    SNOMED_CT,
    V3_ACT_CODE,
    V3_NULL_FLAVOR,
    coding,
    definition_uri,
    domain_system,
    identifier_system,
    level_system,
    mhsds_coding,
    profile,
    resource_id,
    stage_system,
    vocabulary_coding,
)
from pathway_model.fhir._values import InstrumentRating
from pathway_model.model import (
    DomainRating,
    Goal,
    GoalSetter,
    Incident,
    Pathway,
    PathwayDefinition,
    Placement,
    RecordedReadiness,
    Review,
    validate_pathway,
)
from pathway_model.model._seam import (
    ATTRIBUTABLE_TO,
    CODE_EXPECTED,
    NOT_KNOWN,
    is_code,
    show_code,
    type_name,
    unique_codes,
)
from pathway_model.rules import Assessment, Evidence, EvidenceKind, assess
from pathway_model.rules._stay import resolve_definition

__all__ = ["check_organisation", "ends_care", "to_fhir"]

Resource = dict[str, Any]


def to_fhir(
    pathway: Pathway,
    *,
    definition: PathwayDefinition | None = None,
    instrument_ratings: Iterable[InstrumentRating] = (),
    organisation: str | None = None,
    as_of: dt.date | None = None,
) -> dict[str, Any]:
    """Export a person's pathway as a FHIR R4 (4.0.1) Bundle of type ``collection``.

    The Bundle holds a CarePlan for the record, an EpisodeOfCare per placement, a Goal
    per goal, an Encounter per review with an Observation of its findings (the ratings
    and goal progress in the order recorded), and Observations for the team's and the
    person's domain ratings, goal progress, incidents, recorded readiness periods and
    instrument ratings. Codes come from the code systems of
    [`fhir_code_systems`][pathway_model.fhir.fhir_code_systems]; HoNOS scales are coded
    with SNOMED CT. Every resource claims the library's profile of it, versioned
    (``<url>|<FHIR_VOCABULARY_VERSION>``), as published by
    [`fhir_package`][pathway_model.fhir.fhir_package]. The person is a logical reference
    by their pseudonymous id. Dates stay dates (``2024-03-28``). The result is
    deterministic: the same record gives the same dict, and
    [`from_fhir`][pathway_model.fhir.from_fhir] reads it back to an equal record.

    A move to the stage ``discharged`` ends care: the stay in it is an EpisodeOfCare
    ``finished`` on the day of the move, and the CarePlan is ``completed`` with that day
    as its period's end.

    Args:
        pathway: The person's record.
        definition: The definition the record follows; by default the built-in one it
            names.
        instrument_ratings: HoNOS or HoNOS-secure ratings to send with the record.
        organisation: The code of the organisation whose record it is (e.g. its ODS
            code). Its identifier systems and resource ids are then namespaced by it, so
            two organisations' ``P-0001`` never meet. Without one, they are not
            namespaced: set it whenever records of more than one organisation may meet.
        as_of: A date to add the readiness decision at, as an Observation with the
            criteria it judged and the Observations it judged them on. Without it,
            no decision is exported (the library never reads the clock).

    Returns:
        A JSON-ready dict: ``json.dumps`` it to send it.

    Raises:
        WrongTypeError: An argument has the wrong type.
        UnknownCodeError: No definition was given and the record names none built in.
        ValidationError: The record is not valid on the definition, two instrument
            ratings share an id, the organisation is not a code, or no stay covers
            ``as_of``.

    Examples:
        >>> import datetime as dt
        >>> import pathway_model as pm
        >>> from pathway_model.catalogue import SECURE_PATHWAY
        >>> pathway = pm.Pathway.start(
        ...     SECURE_PATHWAY, person_id="P-0001", stage="medium_secure",
        ...     provider="Northfield MSU", on=dt.date(2024, 1, 8),
        ... )
        >>> bundle = to_fhir(pathway)
        >>> [entry["resource"]["resourceType"] for entry in bundle["entry"]]
        ['CarePlan', 'EpisodeOfCare']
    """
    definition = resolve_definition(pathway, definition, codes=False)
    validate_pathway(pathway, definition)  # lists every problem, unknown codes included
    ratings = _instrument_ratings(instrument_ratings)
    check_organisation(organisation)
    if as_of is not None and (type(as_of) is not dt.date):
        raise WrongTypeError.single("as_of", "a date or None", type_name(as_of))
    assessment = None if as_of is None else assess(pathway, as_of, definition=definition)
    return _Export(pathway, definition, organisation).bundle(ratings, assessment)


def check_organisation(organisation: object) -> None:
    """Refuse an organisation that is not ``None`` or a code."""
    if organisation is None:
        return
    if type(organisation) is not str:
        raise WrongTypeError.single("organisation", "a code or None", type_name(organisation))
    if not is_code(organisation):
        raise ValidationError.single("organisation", CODE_EXPECTED, show_code(organisation))


def _instrument_ratings(value: object) -> tuple[InstrumentRating, ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise WrongTypeError.single(
            "instrument_ratings", "an iterable of InstrumentRating", type_name(value)
        )
    ratings = tuple(value)
    problems = [
        Problem(
            path=f"instrument_ratings[{index}]", expected="an InstrumentRating", found=type_name(x)
        )
        for index, x in enumerate(ratings)
        if not isinstance(x, InstrumentRating)
    ]
    if problems:
        raise WrongTypeError(problems)
    _raise(unique_codes("instrument_ratings", (rating.id for rating in ratings), "id"))
    return tuple(sorted(ratings, key=lambda rating: (rating.date, rating.id)))


def _raise(problems: list[Problem]) -> None:
    if problems:
        raise ValidationError(problems)


def _note(text: str | None) -> dict[str, Any]:
    return {} if text is None else {"note": [{"text": text}]}


def _meta(name: str) -> dict[str, Any]:
    return {"meta": {"profile": [profile(name)]}}


def ends_care(placement: Placement) -> bool:
    """Whether a placement is the open stay after a discharge: care has ended."""
    return placement.stage == DISCHARGED and placement.end is None


class _Export:
    """The resources of one record, built once each."""

    def __init__(
        self, pathway: Pathway, definition: PathwayDefinition, organisation: str | None
    ) -> None:
        self.pathway = pathway
        self.definition = definition
        self.framework = definition.framework
        self.person = pathway.person_id
        self.organisation = organisation

    # --- helpers ---------------------------------------------------------------------

    @property
    def subject(self) -> dict[str, Any]:
        """The person, as a logical reference (a new dict each time: callers may edit one)."""
        return {
            "type": "Patient",
            "identifier": {"system": self.system(PERSON_ID), "value": self.person},
        }

    def system(self, unnamespaced: str) -> str:
        """An identifier system, namespaced by the organisation if there is one."""
        return identifier_system(unnamespaced.rsplit("/", 1)[1], self.organisation)

    def uuid(self, *parts: str) -> str:
        return resource_id(self.person, *parts, organisation=self.organisation)

    def ref(self, *parts: str) -> dict[str, str]:
        return {"reference": f"urn:uuid:{self.uuid(*parts)}"}

    def identifier(self, system: str, entity_id: str) -> list[dict[str, str]]:
        return [{"system": self.system(system), "value": f"{self.person}/{entity_id}"}]

    def domain(self, code: str) -> dict[str, Any]:
        return {"coding": [self.domain_coding(code)]}

    def domain_coding(self, code: str) -> dict[str, Any]:
        result: dict[str, Any] = coding(
            domain_system(self.framework.id),
            code,
            self.framework.domain(code).name,
            self.framework.version,
        )
        return result

    def level(self, code: str) -> dict[str, Any]:
        return {
            "coding": [
                coding(
                    level_system(self.framework.id),
                    code,
                    self.framework.scale.level(code).label,
                    self.framework.version,
                )
            ]
        }

    @staticmethod
    def concept(system: str, code: str) -> dict[str, Any]:
        return {"coding": [vocabulary_coding(system, code)]}

    @staticmethod
    def category(kind: str, *, survey: bool = False) -> list[dict[str, Any]]:
        categories = []
        if survey:
            categories.append(
                {"coding": [coding(HL7_OBSERVATION_CATEGORY, "survey", "Survey")]},
            )
        categories.append({"coding": [vocabulary_coding(OBSERVATION_KIND, kind)]})
        return categories

    # --- the Bundle ------------------------------------------------------------------

    def bundle(
        self, ratings: tuple[InstrumentRating, ...], assessment: Assessment | None
    ) -> dict[str, Any]:
        resources = [self.care_plan()]
        resources += [self.episode(placement) for placement in self.pathway.placements]
        resources += [self.goal(goal) for goal in self.pathway.goals]
        for review in self.pathway.reviews:
            resources.append(self.encounter(review))
            members = []
            for rating in review.ratings:
                members += self.domain_ratings(review, rating)
            members += [
                self.goal_progress(review, number) for number in range(len(review.goal_progress))
            ]
            if members:
                resources.append(self.findings(review, members))
            resources += members
        resources += [self.incident(incident) for incident in self.pathway.incidents]
        resources += [self.recorded_readiness(period) for period in self.pathway.recorded_readiness]
        resources += [self.instrument_rating(rating) for rating in ratings]
        if assessment is not None:
            resources.append(self.decision(assessment))
        return {
            "resourceType": "Bundle",
            "id": self.uuid("bundle", self.pathway.definition_id),
            "type": "collection",
            "entry": [
                {"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource}
                for resource in resources
            ],
        }

    def care_plan(self) -> Resource:
        pathway = self.pathway
        last = pathway.placements[-1]
        end = last.start if ends_care(last) else pathway.end
        period = {"start": pathway.first_day.isoformat()}
        if end is not None:
            period["end"] = end.isoformat()
        resource: Resource = {
            "resourceType": "CarePlan",
            "id": self.uuid("care-plan", pathway.definition_id),
            **_meta("pathway-care-plan"),
            "instantiatesUri": [definition_uri(pathway.definition_id, pathway.definition_version)],
            "status": "active" if end is None else "completed",
            "intent": "plan",
            "title": self.definition.name,
            "subject": self.subject,
            "period": period,
        }
        if pathway.goals:
            resource["goal"] = [self.ref("goal", goal.id) for goal in pathway.goals]
        return resource

    def episode(self, placement: Placement) -> Resource:
        stage = self.definition.stage(placement.stage)
        # Period.end is the day the stay ended (the day of the move), as an EPR records a
        # discharge date: the person was there for part of it. The rules count that day
        # to the next stay (start <= day < end); the date itself is the same either way.
        # The stay after a discharge is no episode of care: it ends on the day it begins.
        period = {"start": placement.start.isoformat()}
        end = placement.start if ends_care(placement) else placement.end
        if end is not None:
            period["end"] = end.isoformat()
        return {
            "resourceType": "EpisodeOfCare",
            "id": self.uuid("placement", placement.id),
            **_meta("placement"),
            "identifier": self.identifier(PLACEMENT_ID, placement.id),
            "status": "active" if end is None else "finished",
            "type": [
                {
                    "coding": [
                        coding(
                            stage_system(self.definition.id),
                            stage.code,
                            stage.name,
                            self.definition.version,
                        )
                    ]
                }
            ],
            "patient": self.subject,
            "managingOrganization": {"display": placement.provider},
            "period": period,
        }

    def goal(self, goal: Goal) -> Resource:
        resource: Resource = {
            "resourceType": "Goal",
            "id": self.uuid("goal", goal.id),
            **_meta("pathway-goal"),
            "extension": [
                {
                    "url": GOAL_SET_BY_EXTENSION,
                    "valueCoding": vocabulary_coding(GOAL_SET_BY, goal.set_by.value),
                }
            ],
            "identifier": self.identifier(GOAL_ID, goal.id),
            "lifecycleStatus": goal.lifecycle_status.value,
        }
        if goal.achievement_status is not None:
            code = goal.achievement_status.value
            resource["achievementStatus"] = {
                "coding": [coding(GOAL_ACHIEVEMENT, code, GOAL_ACHIEVEMENT_DISPLAY[code])]
            }
        resource["category"] = [self.domain(goal.domain)]
        resource["description"] = {"text": goal.description}
        resource["subject"] = self.subject
        resource["startDate"] = goal.set_on.isoformat()
        if goal.target_date is not None:
            resource["target"] = [{"dueDate": goal.target_date.isoformat()}]
        if goal.set_by is not GoalSetter.TEAM:
            # R4 has no CareTeam among expressedBy's targets: a team's goal says so in
            # the goal-set-by extension only.
            resource["expressedBy"] = self.subject
        return resource

    def encounter(self, review: Review) -> Resource:
        resource: Resource = {
            "resourceType": "Encounter",
            "id": self.uuid("review", review.id),
            **_meta("review"),
        }
        if review.next_review_date is not None:
            resource["extension"] = [
                {"url": NEXT_REVIEW_EXTENSION, "valueDate": review.next_review_date.isoformat()}
            ]
        resource["identifier"] = self.identifier(REVIEW_ID, review.id)
        resource["status"] = "finished"
        placement = self.pathway.placement_on(review.date)
        resource["class"] = self.encounter_class(placement)
        resource["type"] = [self.concept(REVIEW_KIND, review.kind.value)]
        resource["subject"] = self.subject
        if placement is not None:
            resource["episodeOfCare"] = [self.ref("placement", placement.id)]
        day = review.date.isoformat()
        resource["period"] = {"start": day, "end": day}
        return resource

    def encounter_class(self, placement: Placement | None) -> dict[str, Any]:
        """v3 ActCode from the stage the review fell in; NullFlavor ``UNK`` if not known."""
        classes = ENCOUNTER_CLASSES.get(self.definition.id, {})
        known = None if placement is None else classes.get(placement.stage)
        result: dict[str, Any]
        if known is None:
            result = coding(V3_NULL_FLAVOR, "UNK", "unknown")
            return result
        code, display = known
        result = coding(V3_ACT_CODE, code, display)
        return result

    def team(self, review: Review) -> dict[str, Any]:
        """The team that gave a rating, by the provider of the stay the review fell in."""
        placement = self.pathway.placement_on(review.date)
        display = "Clinical team" if placement is None else f"Clinical team, {placement.provider}"
        return {"type": "CareTeam", "display": display}

    def findings(self, review: Review, members: list[Resource]) -> Resource:
        """The review's ratings and goal progress, in the order recorded (``hasMember``)."""
        return {
            "resourceType": "Observation",
            "id": self.uuid(REVIEW_FINDINGS, review.id),
            **_meta(REVIEW_FINDINGS),
            "status": "final",
            "category": self.category(REVIEW_FINDINGS, survey=True),
            "code": self.concept(OBSERVATION_KIND, REVIEW_FINDINGS),
            "subject": self.subject,
            "encounter": self.ref("review", review.id),
            "effectiveDateTime": review.date.isoformat(),
            "hasMember": [{"reference": f"urn:uuid:{member['id']}"} for member in members],
        }

    def domain_ratings(self, review: Review, rating: DomainRating) -> list[Resource]:
        team = self.rating_observation(review, rating, "team", rating.team, rating.team_note)
        if rating.person is None and rating.person_note is None:
            return [team]  # the person gave no level and no note: no Observation
        person = self.rating_observation(
            review, rating, "person", rating.person, rating.person_note
        )
        return [team, person]

    def rating_observation(
        self,
        review: Review,
        rating: DomainRating,
        rater: str,
        level: str | None,
        note: str | None,
    ) -> Resource:
        resource: Resource = {
            "resourceType": "Observation",
            "id": self.uuid(DOMAIN_RATING, review.id, rating.domain, rater),
            **_meta(DOMAIN_RATING),
            "status": "final",
            "category": self.category(DOMAIN_RATING, survey=True),
            "code": self.domain(rating.domain),
            "subject": self.subject,
            "encounter": self.ref("review", review.id),
            "effectiveDateTime": review.date.isoformat(),
            "performer": [self.subject if rater == "person" else self.team(review)],
        }
        if level is not None:
            resource["valueCodeableConcept"] = self.level(level)
        else:
            # A note without a level: the record does not say why there is no level.
            resource["dataAbsentReason"] = {
                "coding": [coding(DATA_ABSENT_REASON, "unknown", "Unknown")]
            }
        resource.update(_note(note))
        resource["method"] = self.concept(RATER, rater)
        return resource

    def goal_progress(self, review: Review, number: int) -> Resource:
        update = review.goal_progress[number]
        code = update.achievement_status.value
        return {
            "resourceType": "Observation",
            "id": self.uuid(GOAL_PROGRESS, review.id, update.goal),
            **_meta(GOAL_PROGRESS),
            "status": "final",
            "category": self.category(GOAL_PROGRESS),
            "code": self.concept(OBSERVATION_KIND, GOAL_PROGRESS),
            "subject": self.subject,
            "focus": [self.ref("goal", update.goal)],
            "encounter": self.ref("review", review.id),
            "effectiveDateTime": review.date.isoformat(),
            "valueCodeableConcept": {
                "coding": [coding(GOAL_ACHIEVEMENT, code, GOAL_ACHIEVEMENT_DISPLAY[code])]
            },
            **_note(update.note),
        }

    def incident(self, incident: Incident) -> Resource:
        return {
            "resourceType": "Observation",
            "id": self.uuid(INCIDENT, incident.id),
            **_meta(INCIDENT),
            "identifier": self.identifier(INCIDENT_ID, incident.id),
            "status": "final",
            "category": self.category(INCIDENT),
            "code": self.concept(INCIDENT_KIND, incident.kind.value),
            "subject": self.subject,
            "effectiveDateTime": incident.date.isoformat(),
            "valueCodeableConcept": self.concept(INCIDENT_SEVERITY, incident.severity.value),
            **_note(incident.note),
            **self.intervention_type(incident.intervention_type),
        }

    def intervention_type(self, code: str | None) -> dict[str, Any]:
        """The component saying what staff did in a restrictive intervention, when known."""
        if code is None:
            return {}
        return {
            "component": [
                {
                    "code": self.concept(OBSERVATION_KIND, INTERVENTION_TYPE),
                    "valueCodeableConcept": self.concept(RESTRICTIVE_INTERVENTION_TYPE, code),
                }
            ]
        }

    def recorded_readiness(self, period: RecordedReadiness) -> Resource:
        """An Observation over the period, its value the delay reason.

        ``code`` names the MHSDS data element (the list) the reason is from; who the delay
        is attributable to is a component.
        """
        effective = {"start": period.start.isoformat()}
        if period.end is not None:
            effective["end"] = period.end.isoformat()
        resource: Resource = {
            "resourceType": "Observation",
            "id": self.uuid(RECORDED_READINESS, period.id),
            **_meta(RECORDED_READINESS),
            "identifier": self.identifier(RECORDED_READINESS_ID, period.id),
            "status": "final",
            "category": self.category(RECORDED_READINESS),
            "code": self.concept(MHSDS_DATA_ELEMENT, period.reason_list),
            "subject": self.subject,
            "effectivePeriod": effective,
        }
        if period.delay_reason is None:
            resource["dataAbsentReason"] = {
                "coding": [coding(DATA_ABSENT_REASON, "unknown", "Unknown")]
            }
        else:
            resource["valueCodeableConcept"] = {
                "coding": [mhsds_coding(period.reason_list, period.delay_reason)]
            }
        if period.attributable_to is not None:
            resource["component"] = [
                {
                    "code": self.concept(MHSDS_DATA_ELEMENT, ATTRIBUTABLE_TO.id),
                    "valueCodeableConcept": {
                        "coding": [mhsds_coding(ATTRIBUTABLE_TO.id, period.attributable_to)]
                    },
                }
            ]
        return resource

    def instrument_rating(self, rating: InstrumentRating) -> Resource:
        components: list[dict[str, Any]] = []
        for scale, value in zip(rating.instrument.scales, rating.ratings, strict=True):
            assert scale.snomed_ct is not None  # every scale of HoNOS and HoNOS-secure has one
            component: dict[str, Any] = {
                "code": {"coding": [coding(SNOMED_CT, scale.snomed_ct)], "text": scale.label}
            }
            if value == NOT_KNOWN:
                component["dataAbsentReason"] = {
                    "coding": [coding(DATA_ABSENT_REASON, "unknown", "Unknown")]
                }
            else:
                component["valueInteger"] = value
            components.append(component)
        if rating.problem_8 is not None:
            components.append(
                {
                    "code": {"coding": [vocabulary_coding(INSTRUMENT, PROBLEM_8)]},
                    "valueString": rating.problem_8,
                }
            )
        return {
            "resourceType": "Observation",
            "id": self.uuid(INSTRUMENT_SCORE, rating.id),
            **_meta(INSTRUMENT_SCORE),
            "identifier": self.identifier(INSTRUMENT_RATING_ID, rating.id),
            "status": "final",
            "category": self.category(INSTRUMENT_SCORE, survey=True),
            "code": self.concept(INSTRUMENT, rating.instrument.code),
            "subject": self.subject,
            "effectiveDateTime": rating.date.isoformat(),
            "component": components,
        }

    # --- the readiness decision ------------------------------------------------------

    def decision(self, assessment: Assessment) -> Resource:
        """The outcome rule's decision at ``as_of``: criteria as components, evidence cited.

        ``derivedFrom`` lists the Observations the criteria were judged on: the findings
        of each review, and each incident. Recorded readiness is never among them: it is
        the team's own record, exported beside the decision, not evidence for it.
        """
        components: list[dict[str, Any]] = []
        evidence: list[dict[str, str]] = []
        for criterion in assessment.criteria:
            component: dict[str, Any] = {}
            if criterion.domain is not None:
                component["extension"] = [
                    {
                        "url": CRITERION_DOMAIN_EXTENSION,
                        "valueCoding": self.domain_coding(criterion.domain),
                    }
                ]
            component["code"] = self.concept(READINESS_PART, criterion.kind.value)
            component["valueBoolean"] = criterion.met
            components.append(component)
            for item in criterion.evidence:
                reference = self.evidence(item)
                if reference is not None and reference not in evidence:
                    evidence.append(reference)
        readiness = assessment.readiness
        if readiness.readiness_date is not None:
            components.append(
                {
                    "code": self.concept(READINESS_PART, "readiness_date"),
                    "valueDateTime": readiness.readiness_date.isoformat(),
                }
            )
        components.append(
            {
                "code": self.concept(READINESS_PART, "days_beyond_readiness"),
                "valueInteger": readiness.days_beyond_readiness,
            }
        )
        resource: Resource = {
            "resourceType": "Observation",
            "id": self.uuid(READINESS_DECISION, assessment.as_of.isoformat()),
            **_meta(READINESS_DECISION),
            "basedOn": [self.ref("care-plan", self.pathway.definition_id)],
            "status": "final",
            "category": self.category(READINESS_DECISION),
            "code": self.concept(OBSERVATION_KIND, READINESS_DECISION),
            "subject": self.subject,
            "effectiveDateTime": assessment.as_of.isoformat(),
            "valueCodeableConcept": self.concept(ASSESSMENT_STATUS, assessment.status.value),
        }
        if evidence:
            resource["derivedFrom"] = evidence
        resource["component"] = components
        return resource

    def evidence(self, item: Evidence) -> dict[str, str] | None:
        """The Observation that records a piece of evidence, if the Bundle has one."""
        if item.kind is EvidenceKind.INCIDENT:
            return self.ref(INCIDENT, item.id)
        review = next(r for r in self.pathway.reviews if r.id == item.id)
        if not (review.ratings or review.goal_progress):
            return None  # a review with nothing recorded has no findings Observation
        return self.ref(REVIEW_FINDINGS, review.id)
