"""Closed vocabularies of the model. Each member's value is its code in JSON and FHIR."""

from __future__ import annotations

from enum import Enum

__all__ = [
    "GoalAchievementStatus",
    "GoalLifecycleStatus",
    "GoalSetter",
    "IncidentKind",
    "IncidentSeverity",
    "ReviewKind",
]


class IncidentKind(Enum):
    """What kind of event an incident was."""

    VIOLENCE = "violence"
    """Violence or aggression towards others."""
    SELF_HARM = "self_harm"
    """Self-harm."""
    ABSCONDING = "absconding"
    """Absconding, escape, or failure to return from leave."""
    SUBSTANCE_USE = "substance_use"
    """Use of alcohol or illicit substances."""
    OTHER = "other"
    """Any other event that matters to readiness."""
    RESTRICTIVE_INTERVENTION = "restrictive_intervention"
    """A restrictive intervention: restraint, seclusion, segregation or rapid
    tranquillisation, done *to* the person by staff (MHSDS tables MHS505 and MHS515).

    It is not something the person did. The rules never count it against readiness, and a
    definition's incident rule may not name it; its ``severity`` is the harm to the person
    from the intervention. "How readiness is decided" and "The JSON format" say more.
    """

    @property
    def done_to_person(self) -> bool:
        """Whether staff did this to the person (a restrictive intervention).

        Such an incident never counts against the person: no incident rule covers it, and
        counts of the person's incidents leave it out.
        """
        return self is IncidentKind.RESTRICTIVE_INTERVENTION


class IncidentSeverity(Enum):
    """How serious an incident was. Severities are ordered: minor < moderate < serious.

    For a restrictive intervention (done to the person by staff) the severity is the harm
    to the person from the intervention, never how serious anything the person did was.
    """

    MINOR = "minor"
    """Minor: no injury, resolved locally."""
    MODERATE = "moderate"
    """Moderate: needed intervention or caused minor harm."""
    SERIOUS = "serious"
    """Serious: caused or risked serious harm."""

    @property
    def rank(self) -> int:
        """The severity's position: 1 minor, 2 moderate, 3 serious."""
        return _SEVERITY_RANK[self]

    def at_least(self, other: IncidentSeverity) -> bool:
        """Whether this severity is ``other`` or more serious."""
        return self.rank >= other.rank


_SEVERITY_RANK = {
    IncidentSeverity.MINOR: 1,
    IncidentSeverity.MODERATE: 2,
    IncidentSeverity.SERIOUS: 3,
}


class GoalSetter(Enum):
    """Who set a goal. My Shared Pathway asks that goals are the person's own."""

    PERSON = "person"
    """The person set the goal."""
    TEAM = "team"
    """The clinical team set the goal."""
    SHARED = "shared"
    """The person and the team agreed the goal together."""


class GoalLifecycleStatus(Enum):
    """Where a goal is in its life; the codes of FHIR R4 ``Goal.lifecycleStatus``."""

    PROPOSED = "proposed"
    PLANNED = "planned"
    ACCEPTED = "accepted"
    ACTIVE = "active"
    ON_HOLD = "on-hold"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    ENTERED_IN_ERROR = "entered-in-error"
    REJECTED = "rejected"


class GoalAchievementStatus(Enum):
    """How a goal is going; the codes of FHIR R4 ``Goal.achievementStatus``."""

    IN_PROGRESS = "in-progress"
    IMPROVING = "improving"
    WORSENING = "worsening"
    NO_CHANGE = "no-change"
    ACHIEVED = "achieved"
    SUSTAINING = "sustaining"
    NOT_ACHIEVED = "not-achieved"
    NO_PROGRESS = "no-progress"
    NOT_ATTAINABLE = "not-attainable"


class ReviewKind(Enum):
    """What kind of meeting a review was."""

    CPA = "cpa"
    """A Care Programme Approach review: at least every 12 months (Kingdon 2018)."""
    CLINICAL = "clinical"
    """A clinical team review, such as a ward round or a multidisciplinary meeting."""
    OTHER = "other"
    """Any other dated review of the person's outcomes."""
