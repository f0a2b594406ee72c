"""The offender personality disorder (OPD) pathway.

Sources (see the docs page "Domain facts and sources"):

- Jointly commissioned by NHS England and HM Prison and Probation Service since 2011.
  Stages: screening and early identification (the OASys personality disorder screen);
  case formulation and pathway planning; treatment in prison or the community;
  progression in psychologically informed planned environments (PIPEs); community case
  management.
- Stated outcomes: reduced serious reoffending and improved psychological health (and a
  better trained workforce, a service outcome not rated per person). Institutional
  behaviour, self-harm and survival in the community are further measures named in the
  programme brief, not verified in a public source.
- The framework, ranks, review intervals and exit criteria are this library's
  illustrative defaults: the programme publishes no per-person rating scale.
"""

from __future__ import annotations

import itertools

from pathway_model.model import (
    ExitCriteria,
    IncidentKind,
    IncidentRule,
    IncidentSeverity,
    OutcomeDomain,
    OutcomeFramework,
    PathwayDefinition,
    Period,
    RatingLevel,
    RatingScale,
    Stage,
    Transition,
)

__all__ = ["OFFENDER_PERSONALITY_DISORDER_PATHWAY", "OPD_OUTCOMES"]

OPD_OUTCOMES = OutcomeFramework(
    id="opd-outcomes",
    version="1.0.0",
    name="Offender personality disorder pathway outcomes",
    description=(
        "Per-person outcome areas drawn from the stated outcomes of the offender "
        "personality disorder pathway. Illustrative: the programme publishes no rating scale."
    ),
    scale=RatingScale(
        code="opd-progress",
        name="Progress",
        levels=(
            RatingLevel(code="not_met", label="Not met", rank=0, everyday_label="not met yet"),
            RatingLevel(
                code="partly_met",
                label="Partly met",
                rank=1,
                everyday_label="partly met",
            ),
            RatingLevel(code="met", label="Met", rank=2, everyday_label="met"),
        ),
    ),
    domains=(
        OutcomeDomain(
            code="psychological_health",
            name="Psychological health",
            everyday_name="How I feel and cope",
        ),
        OutcomeDomain(
            code="risk_of_serious_reoffending",
            name="Risk of serious reoffending",
            everyday_name="Staying out of trouble",
        ),
        OutcomeDomain(
            code="institutional_behaviour",
            name="Institutional behaviour",
            everyday_name="Getting on where I live",
        ),
        OutcomeDomain(
            code="self_harm",
            name="Self-harm",
            everyday_name="Keeping myself safe",
        ),
        OutcomeDomain(
            code="community_living",
            name="Living in the community",
            everyday_name="Life outside",
        ),
    ),
)
"""Outcome areas for the offender personality disorder pathway, version 1.0.0."""

_STAGES = (
    "screening",
    "case_formulation",
    "treatment",
    "progression",
    "community_case_management",
)

OFFENDER_PERSONALITY_DISORDER_PATHWAY = PathwayDefinition(
    id="offender-personality-disorder-pathway",
    version="1.0.0",
    name="Offender personality disorder pathway",
    description=(
        "Screening, case formulation, treatment, progression in a psychologically "
        "informed planned environment, and community case management. Ranks, intervals "
        "and criteria are illustrative defaults."
    ),
    framework=OPD_OUTCOMES,
    stages=(
        Stage(
            code="screening",
            name="Screening and early identification",
            everyday_name="the screening stage",
            security_rank=4,
            review_interval=Period(months=3),
            exit_criteria=ExitCriteria(
                requirements={"psychological_health": "not_met"},
            ),
        ),
        Stage(
            code="case_formulation",
            name="Case formulation and pathway planning",
            everyday_name="the planning stage",
            security_rank=3,
            review_interval=Period(months=3),
            exit_criteria=ExitCriteria(
                requirements={"psychological_health": "partly_met"},
                person_must_agree=True,
            ),
        ),
        Stage(
            code="treatment",
            name="Treatment",
            everyday_name="the treatment stage",
            security_rank=2,
            review_interval=Period(months=6),
            exit_criteria=ExitCriteria(
                requirements={
                    "psychological_health": "partly_met",
                    "risk_of_serious_reoffending": "partly_met",
                    "institutional_behaviour": "partly_met",
                },
                sustained_for=Period(months=6),
                incident_rules=(
                    IncidentRule(
                        kinds=(IncidentKind.VIOLENCE, IncidentKind.SELF_HARM),
                        minimum_severity=IncidentSeverity.MODERATE,
                        incident_free_for=Period(months=6),
                    ),
                ),
            ),
        ),
        Stage(
            code="progression",
            name="Progression (PIPE)",
            everyday_name="a progression unit (PIPE)",
            security_rank=1,
            review_interval=Period(months=6),
            exit_criteria=ExitCriteria(
                requirements={
                    "psychological_health": "met",
                    "risk_of_serious_reoffending": "met",
                    "institutional_behaviour": "met",
                    "self_harm": "partly_met",
                },
                sustained_for=Period(months=6),
                incident_rules=(
                    IncidentRule(
                        kinds=(
                            IncidentKind.VIOLENCE,
                            IncidentKind.SELF_HARM,
                            IncidentKind.ABSCONDING,
                        ),
                        minimum_severity=IncidentSeverity.MODERATE,
                        incident_free_for=Period(months=6),
                    ),
                ),
                person_must_agree=True,
            ),
        ),
        Stage(
            code="community_case_management",
            name="Community case management",
            everyday_name="the community, with support",
            security_rank=0,
            review_interval=Period(months=6),
        ),
    ),
    transitions=(
        *(Transition(from_stage=a, to_stage=b) for a, b in itertools.pairwise(_STAGES)),
        Transition(from_stage="progression", to_stage="treatment"),
        Transition(from_stage="community_case_management", to_stage="treatment"),
    ),
)
"""The offender personality disorder pathway, version 1.0.0, on its own framework."""
