"""The My Shared Pathway outcome framework.

Sources (see the docs page "Domain facts and sources"):

- The six outcome areas are those the programme brief lists for My Shared Pathway
  (National Secure Services QIPP work stream, 2010; Ayub et al. 2013, HSJ). The brief
  speaks of eight areas but names six; the other two were not found in any public
  source, so the framework is data and versioned, never a closed list in code.
- No published My Shared Pathway rating scale was found. The three levels follow the NHS
  adult social care vocabulary for reviewed outcomes, "Not met / Partially met / Fully
  met" (NHS England, Adult Social Care client level data, "Review outcomes achieved").
- The everyday-language names are this library's own, written to the programme's
  principle of everyday language.
"""

from __future__ import annotations

from pathway_model.model import OutcomeDomain, OutcomeFramework, RatingLevel, RatingScale

__all__ = ["MSP_ATTAINMENT", "MY_SHARED_PATHWAY"]

MSP_ATTAINMENT = RatingScale(
    code="msp-attainment",
    name="Outcome attainment",
    levels=(
        RatingLevel(code="not_met", label="Not met", rank=0, everyday_label="not met yet"),
        RatingLevel(code="partly_met", label="Partly met", rank=1, everyday_label="partly met"),
        RatingLevel(code="met", label="Met", rank=2, everyday_label="met"),
    ),
)
"""Not met < partly met < met: the scale of the My Shared Pathway framework."""

MY_SHARED_PATHWAY = OutcomeFramework(
    id="my-shared-pathway",
    version="1.0.0",
    name="My Shared Pathway",
    description=(
        "The outcome areas of the national My Shared Pathway programme for secure mental "
        "health services in England (launched 2010). Six areas as named in the programme "
        "brief; rated not met, partly met or met."
    ),
    scale=MSP_ATTAINMENT,
    domains=(
        OutcomeDomain(
            code="mental_health_recovery",
            name="Mental health recovery",
            everyday_name="My mental health",
            description=(
                "Recovery in mental health: symptoms, understanding of one's own mental health, "
                "and staying well."
            ),
        ),
        OutcomeDomain(
            code="harm_related_behaviours",
            name="Harm-related behaviours",
            everyday_name="Keeping myself and others safe",
            description=(
                "Behaviours that have harmed or could harm oneself or others, "
                "and the work to reduce them."
            ),
        ),
        OutcomeDomain(
            code="substance_misuse",
            name="Problems with substance misuse",
            everyday_name="Drugs and alcohol",
            description="Problems with alcohol or drugs, and staying free of them.",
        ),
        OutcomeDomain(
            code="future_plans",
            name="Nature of future plans",
            everyday_name="My plans for the future",
            description=(
                "Realistic plans for life after this stage: where to live, what to do, who to see."
            ),
        ),
        OutcomeDomain(
            code="physical_health",
            name="Physical health status",
            everyday_name="My physical health",
            description="Physical health and looking after it.",
        ),
        OutcomeDomain(
            code="life_skills",
            name="Life skills",
            everyday_name="My life skills",
            description=(
                "The skills of everyday living: cooking, money, shopping, "
                "getting about, daily routine."
            ),
        ),
    ),
)
"""The My Shared Pathway framework, version 1.0.0: six domains on not met / partly met / met."""
