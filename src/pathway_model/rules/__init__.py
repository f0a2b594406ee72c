"""The verbs of pathway_model: readiness, progression, review schedule and explanations.

Pure functions of a record, its definition and an explicit date; they never read the
clock. Import them from `pathway_model`; this package's layout is private.
"""

from pathway_model.rules._assess import (
    Assessment,
    AssessmentStatus,
    Criterion,
    CriterionKind,
    Disagreement,
    Evidence,
    EvidenceKind,
    NoLevel,
    assess,
)
from pathway_model.rules._explain import Audience, explain
from pathway_model.rules._readiness import (
    Readiness,
    ReadyRun,
    readiness,
    readiness_history,
    ready_on,
)
from pathway_model.rules._schedule import ReviewSchedule, review_schedule

__all__ = [
    "Assessment",
    "AssessmentStatus",
    "Audience",
    "Criterion",
    "CriterionKind",
    "Disagreement",
    "Evidence",
    "EvidenceKind",
    "NoLevel",
    "Readiness",
    "ReadyRun",
    "ReviewSchedule",
    "assess",
    "explain",
    "readiness",
    "readiness_history",
    "ready_on",
    "review_schedule",
]
