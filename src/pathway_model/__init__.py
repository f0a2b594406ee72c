"""Outcome-based care pathways for secure (forensic) mental health services.

Here is the core a service developer needs: the model, the rules and their results, the
errors, and JSON documents (`dumps`, `loads`, `json_schema`). The rest is in public
subpackages, each imported when used:

- [`pathway_model.catalogue`][pathway_model.catalogue]: built-in frameworks, pathway
  definitions and instruments, as versioned data;
- [`pathway_model.records`][pathway_model.records]: many records at a time, read one
  by one in bounded memory;
- [`pathway_model.scoring`][pathway_model.scoring]: the analyst's namespace, with every
  data-frame form in [`pathway_model.scoring.frames`][pathway_model.scoring.frames];
- [`pathway_model.fhir`][pathway_model.fhir]: FHIR R4 export and import;
- [`pathway_model.synthetic`][pathway_model.synthetic]: seeded synthetic cohorts;
- [`pathway_model.mhsds`][pathway_model.mhsds]: records from MHSDS extracts, and the
  national measures;
- [`pathway_model.stats`][pathway_model.stats]: intervals, funnel limits, control charts
  and disclosure control (the extra ``stats``);
- [`pathway_model.plot`][pathway_model.plot]: pictures (the extra ``plot``);
- [`pathway_model.spark`][pathway_model.spark]: the rules and the cohort report on Spark
  (the extra ``spark``);
- [`pathway_model.service`][pathway_model.service]: CDS Hooks and a JSON API over HTTP
  (the extra ``service``);
- [`pathway_model.booklet`][pathway_model.booklet]: the person's own My Shared Pathway
  document (the extra ``booklet``).

Other module paths are private and may change between releases.

Examples:
    >>> import datetime as dt
    >>> import pathway_model as pm
    >>> from pathway_model.catalogue import SECURE_PATHWAY
    >>> pathway = pm.Pathway.start(
    ...     SECURE_PATHWAY, person_id="P-0001", stage="medium_secure",
    ...     provider="Northfield MSU", on=dt.date(2024, 1, 8),
    ... )
    >>> pm.check_pathway(pathway, SECURE_PATHWAY)
    ()
"""

from __future__ import annotations

from pathway_model._version import VERSION as _VERSION
from pathway_model.errors import (
    PathwayModelError,
    Problem,
    UnknownCodeError,
    ValidationError,
    WrongTypeError,
)
from pathway_model.io import (
    MAX_DOCUMENT_BYTES,
    SCHEMA_VERSION,
    dumps,
    from_dict,
    json_schema,
    loads,
    to_dict,
)
from pathway_model.model import (
    DomainRating,
    DomainRequirement,
    ExitCriteria,
    Goal,
    GoalAchievementStatus,
    GoalLifecycleStatus,
    GoalProgress,
    GoalSetter,
    Incident,
    IncidentKind,
    IncidentRule,
    IncidentSeverity,
    OutcomeDomain,
    OutcomeFramework,
    Pathway,
    PathwayDefinition,
    Period,
    Placement,
    RatingLevel,
    RatingScale,
    RecordedReadiness,
    Review,
    ReviewKind,
    Stage,
    Transition,
    check_pathway,
    uk_date,
    validate_pathway,
)
from pathway_model.rules import (
    Assessment,
    AssessmentStatus,
    Audience,
    Criterion,
    CriterionKind,
    Disagreement,
    Evidence,
    EvidenceKind,
    NoLevel,
    Readiness,
    ReadyRun,
    ReviewSchedule,
    assess,
    explain,
    readiness,
    readiness_history,
    ready_on,
    review_schedule,
)

__version__ = _VERSION
"""The version of the library (the package metadata is built from the same string)."""

__all__ = [
    "Assessment",
    "AssessmentStatus",
    "Audience",
    "Criterion",
    "CriterionKind",
    "Disagreement",
    "DomainRating",
    "DomainRequirement",
    "Evidence",
    "EvidenceKind",
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
    "MAX_DOCUMENT_BYTES",
    "NoLevel",
    "OutcomeDomain",
    "OutcomeFramework",
    "Pathway",
    "PathwayDefinition",
    "PathwayModelError",
    "Period",
    "Placement",
    "Problem",
    "RatingLevel",
    "RatingScale",
    "Readiness",
    "ReadyRun",
    "RecordedReadiness",
    "Review",
    "ReviewKind",
    "ReviewSchedule",
    "SCHEMA_VERSION",
    "Stage",
    "Transition",
    "UnknownCodeError",
    "ValidationError",
    "WrongTypeError",
    "__version__",
    "assess",
    "check_pathway",
    "dumps",
    "explain",
    "from_dict",
    "json_schema",
    "loads",
    "readiness",
    "readiness_history",
    "ready_on",
    "review_schedule",
    "to_dict",
    "uk_date",
    "validate_pathway",
]
