"""The secure pathway: high secure -> medium secure -> low secure -> community -> discharged.

Sources (see the docs page "Domain facts and sources"):

- The levels of secure care in England: NHS Standard Contract for medium and low secure
  services (C03/S/a) and the high secure service specification (NHS Act 2006 s.4).
- Costs per patient-year: about £300,000 high secure and £165,000 medium secure (Centre
  for Mental Health); about £150,000 low secure is unverified. Bed-day costs are those
  divided by 365 and rounded: £822, £452 and £411. They are estimates, not tariffs.
- Length of stay: original guidance capped medium secure at 2 years; no agreed limit for
  high secure (Völlm 2019, BJPsych Bulletin). Long stay is more than 10 years in high
  secure or more than 5 years in medium secure (Hare Duke et al. 2018; Völlm et al. 2018).
- Reviews: the Care Programme Approach requires a review at least every 12 months
  (Kingdon 2018, BJPsych Bulletin); providers commonly hold a first review about 12 weeks
  after admission and review every 3-6 months (provider practice, not a national rule).
- Exit criteria: no national readiness rule has been published. The criteria here are
  illustrative defaults of this library, chosen so that each step down asks for more
  domains at a higher level; services should set their own.
"""

from __future__ import annotations

from decimal import Decimal

from pathway_model.catalogue._msp import MY_SHARED_PATHWAY
from pathway_model.model import (
    ExitCriteria,
    IncidentKind,
    IncidentRule,
    IncidentSeverity,
    PathwayDefinition,
    Period,
    Stage,
    Transition,
)

__all__ = ["SECURE_PATHWAY"]

_HARM = (IncidentKind.VIOLENCE, IncidentKind.SELF_HARM, IncidentKind.ABSCONDING)

_STEP_DOWNS = (
    ("high_secure", "medium_secure"),
    ("medium_secure", "low_secure"),
    ("medium_secure", "community"),
    ("low_secure", "community"),
    ("community", "discharged"),
)
_STEP_UPS = (
    ("medium_secure", "high_secure"),
    ("low_secure", "medium_secure"),
    ("low_secure", "high_secure"),
    ("community", "low_secure"),
    ("community", "medium_secure"),
    ("community", "high_secure"),
)

SECURE_PATHWAY = PathwayDefinition(
    id="secure-pathway",
    version="1.0.0",
    name="Secure mental health pathway (England)",
    description=(
        "High secure, medium secure and low secure hospital care, then the community "
        "(community forensic teams), then discharge. Step-downs and moves back to a more "
        "secure stage are both allowed. Costs are estimates; exit criteria are illustrative "
        "defaults, not national policy."
    ),
    framework=MY_SHARED_PATHWAY,
    stages=(
        Stage(
            code="high_secure",
            name="High secure",
            everyday_name="a high secure hospital",
            security_rank=4,
            review_interval=Period(months=6),
            first_review_within=Period(weeks=12),
            length_of_stay_benchmark=None,  # no agreed limit for high secure (Völlm 2019)
            long_stay_after=Period(years=10),  # Hare Duke et al. 2018
            bed_day_cost=Decimal("822"),  # £300,000 a year / 365 (Centre for Mental Health)
            exit_criteria=ExitCriteria(
                requirements={
                    "mental_health_recovery": "partly_met",
                    "harm_related_behaviours": "partly_met",
                },
                sustained_for=Period(months=6),
                incident_rules=(
                    IncidentRule(
                        kinds=_HARM,
                        minimum_severity=IncidentSeverity.MODERATE,
                        incident_free_for=Period(months=6),
                    ),
                ),
            ),
            description="One of the three high secure hospitals in England (NHS Act 2006 s.4).",
        ),
        Stage(
            code="medium_secure",
            name="Medium secure",
            everyday_name="a medium secure hospital",
            security_rank=3,
            review_interval=Period(months=3),
            first_review_within=Period(weeks=12),
            length_of_stay_benchmark=Period(years=2),  # original guidance cap (Völlm 2019)
            long_stay_after=Period(years=5),  # Hare Duke et al. 2018
            bed_day_cost=Decimal("452"),  # £165,000 a year / 365 (Centre for Mental Health)
            exit_criteria=ExitCriteria(
                requirements={
                    "mental_health_recovery": "partly_met",
                    "harm_related_behaviours": "partly_met",
                    "substance_misuse": "partly_met",
                },
                sustained_for=Period(months=3),
                incident_rules=(
                    IncidentRule(
                        kinds=_HARM,
                        minimum_severity=IncidentSeverity.MODERATE,
                        incident_free_for=Period(months=3),
                    ),
                ),
            ),
            description="Medium secure inpatient care (NHS Standard Contract C03/S/a).",
        ),
        Stage(
            code="low_secure",
            name="Low secure",
            everyday_name="a low secure hospital",
            security_rank=2,
            review_interval=Period(months=3),
            first_review_within=Period(weeks=12),
            bed_day_cost=Decimal("411"),  # about £150,000 a year / 365 (unverified estimate)
            exit_criteria=ExitCriteria(
                requirements={
                    "mental_health_recovery": "met",
                    "harm_related_behaviours": "met",
                    "substance_misuse": "partly_met",
                    "future_plans": "partly_met",
                    "life_skills": "partly_met",
                },
                sustained_for=Period(months=3),
                incident_rules=(
                    IncidentRule(
                        kinds=(*_HARM, IncidentKind.SUBSTANCE_USE),
                        minimum_severity=IncidentSeverity.MODERATE,
                        incident_free_for=Period(months=3),
                    ),
                ),
                person_must_agree=True,
            ),
            description="Low secure inpatient care (NHS Standard Contract C03/S/a).",
        ),
        Stage(
            code="community",
            name="Community",
            everyday_name="the community",
            security_rank=1,
            review_interval=Period(months=6),
            first_review_within=Period(weeks=12),
            exit_criteria=ExitCriteria(
                requirements={
                    "mental_health_recovery": "met",
                    "harm_related_behaviours": "met",
                    "substance_misuse": "met",
                    "future_plans": "met",
                    "physical_health": "partly_met",
                    "life_skills": "met",
                },
                sustained_for=Period(months=6),
                incident_rules=(
                    IncidentRule(
                        kinds=(*_HARM, IncidentKind.SUBSTANCE_USE),
                        minimum_severity=IncidentSeverity.MODERATE,
                        incident_free_for=Period(months=6),
                    ),
                ),
                person_must_agree=True,
            ),
            description="Living in the community with a community forensic team.",
        ),
        Stage(
            code="discharged",
            name="Discharged",
            everyday_name="the community, discharged from secure care",
            security_rank=0,
            description="Discharged from secure and community forensic services. The last stage.",
        ),
    ),
    transitions=tuple(Transition(from_stage=a, to_stage=b) for a, b in _STEP_DOWNS + _STEP_UPS),
)
"""The secure pathway, version 1.0.0, on the My Shared Pathway framework."""
