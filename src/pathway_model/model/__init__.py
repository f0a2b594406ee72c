"""The nouns of pathway_model: immutable, validated values with no I/O and no rules.

Import them from `pathway_model`; this package's layout is private.
"""

from pathway_model.model._definition import (
    DomainRequirement,
    ExitCriteria,
    IncidentRule,
    PathwayDefinition,
    Stage,
    Transition,
)
from pathway_model.model._enums import (
    GoalAchievementStatus,
    GoalLifecycleStatus,
    GoalSetter,
    IncidentKind,
    IncidentSeverity,
    ReviewKind,
)
from pathway_model.model._framework import OutcomeDomain, OutcomeFramework, RatingLevel, RatingScale
from pathway_model.model._record import (
    DomainRating,
    Goal,
    GoalProgress,
    Incident,
    Pathway,
    Placement,
    RecordedReadiness,
    Review,
)
from pathway_model.model._time import Period, uk_date
from pathway_model.model._validation import check_pathway, validate_pathway

__all__ = [
    "DomainRating",
    "DomainRequirement",
    "ExitCriteria",
    "Goal",
    "GoalAchievementStatus",
    "GoalLifecycleStatus",
    "GoalProgress",
    "GoalSetter",
    "Incident",
    "IncidentKind",
    "IncidentRule",
    "IncidentSeverity",
    "OutcomeDomain",
    "OutcomeFramework",
    "Pathway",
    "PathwayDefinition",
    "Period",
    "Placement",
    "RatingLevel",
    "RatingScale",
    "RecordedReadiness",
    "Review",
    "ReviewKind",
    "Stage",
    "Transition",
    "check_pathway",
    "uk_date",
    "validate_pathway",
]
