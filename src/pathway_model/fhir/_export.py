"""FHIR R4 export: one person's pathway as a Bundle of type ``collection``.

What maps to what, and why, is on the docs page "Exchange pathways as FHIR R4".
In short: a CarePlan for the record; an EpisodeOfCare per placement; a Goal per goal; an
Encounter per review; an Observation per domain rating (one for the team's level, one for
the person's), per goal progress update, per incident, per recorded readiness period and
per instrument rating. Every
reference is to a ``urn:uuid:`` full URL inside the Bundle; ids are UUID 5s of the
person's id and the entity's ids, so the same record always gives the same Bundle.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pathway_model.errors import Problem, ValidationError, WrongTypeError
from pathway_model.fhir._codes import (
    DATA_ABSENT_REASON,
    DOMAIN_RATING,
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
    RECORDED_READINESS,
    RECORDED_READINESS_ID,
    RESTRICTIVE_INTERVENTION_TYPE,
    REVIEW_ID,
    REVIEW_KIND,
    SNOMED_CT,
    UK_CORE_EPISODE_OF_CARE,
    UK_CORE_OBSERVATION,
    V3_NULL_FLAVOR,
    coding,
    definition_uri,
    domain_system,
    level_system,
    mhsds_coding,
    resource_id,
    stage_system,
    vocabulary_coding,
)
from pathway_model.fhir._values import InstrumentRating
from pathway_model.model import (
    DomainRating,
    Goal,
    Incident,
    Pathway,
    PathwayDefinition,
    Placement,
    RecordedReadiness,
    Review,
    validate_pathway,
)
from pathway_model.model._seam import ATTRIBUTABLE_TO, NOT_KNOWN, type_name, unique_codes
from pathway_model.rules._stay import resolve_definition

__all__ = ["to_fhir"]

Resource = dict[str, Any]


def to_fhir(
    pathway: Pathway,
    *,
    definition: PathwayDefinition | None = None,
    instrument_ratings: Iterable[InstrumentRating] = (),
) -> dict[str, Any]:
    """Export a person's pathway as a FHIR R4 (4.0.1) Bundle of type ``collection``.

    The Bundle holds a CarePlan for the record, an EpisodeOfCare per placement, a Goal
    per goal, an Encounter per review, and Observations for the team's and the person's
    domain ratings, goal progress, incidents, recorded readiness periods and instrument
    ratings. Codes come from the
    code systems of [`fhir_code_systems`][pathway_model.fhir.fhir_code_systems]; HoNOS scales
    are coded with SNOMED CT. The person is a logical reference by their pseudonymous id.
    Dates stay dates (``2024-03-28``). The result is deterministic: the same record gives
    the same dict, and [`from_fhir`][pathway_model.fhir.from_fhir] reads it back to an equal
    record.

    Args:
        pathway: The person's record.
        definition: The definition the record follows; by default the built-in one it
            names.
        instrument_ratings: HoNOS or HoNOS-secure ratings to send with the record.

    Returns:
        A JSON-ready dict: ``json.dumps`` it to send it.

    Raises:
        WrongTypeError: An argument has the wrong type.
        UnknownCodeError: No definition was given and the record names none built in.
        ValidationError: The record is not valid on the definition, or two instrument
            ratings share an id.

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
    return _Export(pathway, definition).bundle(ratings)


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


class _Export:
    """The resources of one record, built once each."""

    def __init__(self, pathway: Pathway, definition: PathwayDefinition) -> None:
        self.pathway = pathway
        self.definition = definition
        self.framework = definition.framework
        self.person = pathway.person_id

    # --- helpers ---------------------------------------------------------------------

    @property
    def subject(self) -> dict[str, Any]:
        """The person, as a logical reference (a new dict each time: callers may edit one)."""
        return {"type": "Patient", "identifier": {"system": PERSON_ID, "value": self.person}}

    def uuid(self, *parts: str) -> str:
        return resource_id(self.person, *parts)

    def ref(self, *parts: str) -> dict[str, str]:
        return {"reference": f"urn:uuid:{self.uuid(*parts)}"}

    def identifier(self, system: str, entity_id: str) -> list[dict[str, str]]:
        return [{"system": system, "value": f"{self.person}/{entity_id}"}]

    def domain(self, code: str) -> dict[str, Any]:
        return {
            "coding": [
                coding(
                    domain_system(self.framework.id),
                    code,
                    self.framework.domain(code).name,
                    self.framework.version,
                )
            ]
        }

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

    def bundle(self, ratings: tuple[InstrumentRating, ...]) -> dict[str, Any]:
        resources = [self.care_plan()]
        resources += [self.episode(placement) for placement in self.pathway.placements]
        resources += [self.goal(goal) for goal in self.pathway.goals]
        for review in self.pathway.reviews:
            resources.append(self.encounter(review))
            for rating in review.ratings:
                resources += self.domain_ratings(review, rating)
            resources += [
                self.goal_progress(review, number) for number in range(len(review.goal_progress))
            ]
        resources += [self.incident(incident) for incident in self.pathway.incidents]
        resources += [self.recorded_readiness(period) for period in self.pathway.recorded_readiness]
        resources += [self.instrument_rating(rating) for rating in ratings]
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
        period = {"start": pathway.first_day.isoformat()}
        if pathway.end is not None:
            period["end"] = pathway.end.isoformat()
        resource: Resource = {
            "resourceType": "CarePlan",
            "id": self.uuid("care-plan", pathway.definition_id),
            "instantiatesUri": [definition_uri(pathway.definition_id, pathway.definition_version)],
            "status": "active" if pathway.end is None else "completed",
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
        period = {"start": placement.start.isoformat()}
        if placement.end is not None:
            period["end"] = placement.end.isoformat()
        return {
            "resourceType": "EpisodeOfCare",
            "id": self.uuid("placement", placement.id),
            "meta": {"profile": [UK_CORE_EPISODE_OF_CARE]},
            "identifier": self.identifier(PLACEMENT_ID, placement.id),
            "status": "active" if placement.end is None else "finished",
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
        return resource

    def encounter(self, review: Review) -> Resource:
        resource: Resource = {
            "resourceType": "Encounter",
            "id": self.uuid("review", review.id),
        }
        if review.next_review_date is not None:
            resource["extension"] = [
                {"url": NEXT_REVIEW_EXTENSION, "valueDate": review.next_review_date.isoformat()}
            ]
        resource["identifier"] = self.identifier(REVIEW_ID, review.id)
        resource["status"] = "finished"
        # Encounter.class is required; the record does not say where the review took place
        # (hospital, prison, community), so it is v3 NullFlavor UNK. See the how-to.
        resource["class"] = coding(V3_NULL_FLAVOR, "UNK", "unknown")
        resource["type"] = [self.concept(REVIEW_KIND, review.kind.value)]
        resource["subject"] = self.subject
        placement = self.pathway.placement_on(review.date)
        if placement is not None:
            resource["episodeOfCare"] = [self.ref("placement", placement.id)]
        day = review.date.isoformat()
        resource["period"] = {"start": day, "end": day}
        return resource

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
            "meta": {"profile": [UK_CORE_OBSERVATION]},
            "status": "final",
            "category": self.category(DOMAIN_RATING, survey=True),
            "code": self.domain(rating.domain),
            "subject": self.subject,
            "encounter": self.ref("review", review.id),
            "effectiveDateTime": review.date.isoformat(),
        }
        if rater == "person":
            resource["performer"] = [self.subject]
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
            "meta": {"profile": [UK_CORE_OBSERVATION]},
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
            "meta": {"profile": [UK_CORE_OBSERVATION]},
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
            "meta": {"profile": [UK_CORE_OBSERVATION]},
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
            "meta": {"profile": [UK_CORE_OBSERVATION]},
            "identifier": self.identifier(INSTRUMENT_RATING_ID, rating.id),
            "status": "final",
            "category": self.category(INSTRUMENT_SCORE, survey=True),
            "code": self.concept(INSTRUMENT, rating.instrument.code),
            "subject": self.subject,
            "effectiveDateTime": rating.date.isoformat(),
            "component": components,
        }
