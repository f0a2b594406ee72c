"""A worked example: one person's pathway in a medium secure unit.

Builds the record from the built-in catalogue, checks it against the secure pathway
definition, decides whether the person is ready to move on as of 15 January 2025, and
explains the decision for the team and for the person.
Run it with ``python examples/medium_secure.py``.
"""

from __future__ import annotations

import datetime as dt

import pathway_model as pm
from pathway_model.catalogue import SECURE_PATHWAY


def build_pathway() -> pm.Pathway:
    """Return the example record: admitted to medium secure on 8 January 2024."""
    pathway = pm.Pathway.start(
        SECURE_PATHWAY,
        person_id="P-0001",
        stage="medium_secure",
        provider="Northfield MSU",
        on=dt.date(2024, 1, 8),
    )
    goals = (
        pm.Goal(
            id="goal-1",
            domain="life_skills",
            description="Cook a meal for my family when they visit.",
            set_by=pm.GoalSetter.PERSON,
            set_on=dt.date(2024, 2, 1),
            target_date=dt.date(2024, 12, 1),
        ),
        pm.Goal(
            id="goal-2",
            domain="substance_misuse",
            description="Finish the substance misuse group.",
            set_by=pm.GoalSetter.SHARED,
            set_on=dt.date(2024, 2, 1),
        ),
    )
    reviews = (
        pm.Review.from_levels(
            id="review-1",
            date=dt.date(2024, 3, 28),
            team={
                "mental_health_recovery": "not_met",
                "harm_related_behaviours": "partly_met",
                "substance_misuse": "not_met",
            },
            person={"mental_health_recovery": "partly_met"},
            next_review_date=dt.date(2024, 6, 27),
        ),
        pm.Review.from_levels(
            id="review-2",
            date=dt.date(2024, 6, 27),
            team={
                "mental_health_recovery": "partly_met",
                "harm_related_behaviours": "partly_met",
                "substance_misuse": "partly_met",
            },
            person={
                "mental_health_recovery": "partly_met",
                "harm_related_behaviours": "met",
                "substance_misuse": "partly_met",
            },
            next_review_date=dt.date(2024, 9, 26),
        ),
        pm.Review.from_levels(
            id="review-3",
            date=dt.date(2024, 9, 26),
            team={
                "mental_health_recovery": "partly_met",
                "harm_related_behaviours": "met",
                "substance_misuse": "partly_met",
            },
            person={
                "mental_health_recovery": "met",
                "harm_related_behaviours": "met",
                "substance_misuse": "partly_met",
            },
            next_review_date=dt.date(2024, 12, 19),
        ),
    )
    incidents = (
        pm.Incident(
            id="incident-1",
            date=dt.date(2024, 4, 15),
            kind=pm.IncidentKind.VIOLENCE,
            severity=pm.IncidentSeverity.MODERATE,
        ),
    )
    return pathway.with_goals(*goals).with_reviews(*reviews).with_incidents(*incidents)


#: The date the example is decided on: rules never read the clock.
AS_OF = dt.date(2025, 1, 15)


def main() -> None:
    """Check the example record, then decide and explain readiness as of ``AS_OF``."""
    pathway = pm.validate_pathway(build_pathway(), SECURE_PATHWAY)
    decision = pm.assess(pathway, AS_OF, definition=SECURE_PATHWAY)
    print("For the team")
    print("------------")
    print(pm.explain(decision, pm.Audience.TEAM, definition=SECURE_PATHWAY))
    print()
    print("For the person")
    print("--------------")
    print(pm.explain(decision, pm.Audience.PERSON, definition=SECURE_PATHWAY))


if __name__ == "__main__":
    main()
