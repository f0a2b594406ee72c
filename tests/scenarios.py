"""Worked scenarios for the readiness rules, with answers computed by hand.

Each scenario is a small record, a date, and the answers worked out from the rules in
"How readiness is decided" with pen and paper (the arithmetic is in the comments).
``tests/test_scenarios.py`` checks the library against every answer, and the docs page
``docs/explanation/worked-examples.md`` is generated from this module:

    python -m tests.scenarios > docs/explanation/worked-examples.md

A test fails if the page and this module disagree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

import attrs

import pathway_model as pm
from pathway_model.catalogue import SECURE_PATHWAY

D = dt.date
READY = pm.AssessmentStatus.READY
NOT_READY = pm.AssessmentStatus.NOT_READY
NO_EVIDENCE = pm.AssessmentStatus.NO_EVIDENCE

#: A small definition with round numbers, for rules the secure pathway cannot show.
SIMPLE = pm.PathwayDefinition(
    id="simple",
    version="1.0.0",
    name="Simple three-stage pathway",
    framework=pm.OutcomeFramework(
        id="simple-outcomes",
        version="1.0.0",
        name="Simple outcomes",
        scale=pm.RatingScale(
            code="simple-scale",
            name="No, OK, good",
            levels=[
                pm.RatingLevel(code="no", label="No", rank=0, everyday_label="not yet"),
                pm.RatingLevel(code="ok", label="OK", rank=1, everyday_label="OK"),
                pm.RatingLevel(code="good", label="Good", rank=2, everyday_label="good"),
            ],
        ),
        domains=[
            pm.OutcomeDomain(code="a", name="Domain A", everyday_name="My health"),
            pm.OutcomeDomain(code="b", name="Domain B", everyday_name="My plans"),
        ],
    ),
    stages=[
        pm.Stage(
            code="ward",
            name="Ward",
            everyday_name="the ward",
            security_rank=2,
            review_interval=pm.Period(months=1),
            first_review_within=pm.Period(weeks=2),
            bed_day_cost=100,
            exit_criteria=pm.ExitCriteria(requirements={"a": "ok"}),
        ),
        pm.Stage(
            code="step",
            name="Step-down",
            everyday_name="the step-down unit",
            security_rank=1,
            review_interval=pm.Period(years=1),
            bed_day_cost=50,
            exit_criteria=pm.ExitCriteria(requirements={"a": "good", "b": "ok"}),
        ),
        pm.Stage(code="home", name="Home", everyday_name="your own home", security_rank=0),
    ],
    transitions=[
        pm.Transition(from_stage="ward", to_stage="step"),
        pm.Transition(from_stage="step", to_stage="home"),
    ],
)

MEDIUM_ALL_PARTLY = {
    "mental_health_recovery": "partly_met",
    "harm_related_behaviours": "partly_met",
    "substance_misuse": "partly_met",
}
LOW_ENOUGH = {
    "mental_health_recovery": "met",
    "harm_related_behaviours": "met",
    "substance_misuse": "partly_met",
    "future_plans": "partly_met",
    "life_skills": "partly_met",
}
HIGH_ENOUGH = {"mental_health_recovery": "partly_met", "harm_related_behaviours": "partly_met"}


@attrs.frozen(kw_only=True)
class Scenario:
    """A record, a date, and the answers worked out by hand."""

    slug: str
    title: str
    story: str
    definition: pm.PathwayDefinition
    pathway: pm.Pathway
    as_of: dt.date
    status: pm.AssessmentStatus
    readiness_date: dt.date | None
    days_beyond_readiness: int
    ready_days: int
    cost_of_delay: Decimal | None
    proposed_stage: str | None
    due: dt.date | None
    overdue: bool
    days_overdue: int = 0
    runs: tuple[tuple[dt.date, dt.date], ...] | None = None
    unmet: tuple[str, ...] = ()
    disagreements: tuple[tuple[str, str, str], ...] = ()
    closed_stays: tuple[tuple[str, int, int, dt.date | None], ...] = ()


def review(
    id: str,
    day: dt.date,
    team: Mapping[str, str],
    person: Mapping[str, str] | None = None,
) -> pm.Review:
    """A review with the team's levels and, optionally, the person's."""
    return pm.Review.from_levels(id=id, date=day, team=team, person=person)


def record(
    definition: pm.PathwayDefinition,
    stays: list[tuple[str, dt.date, dt.date | None]],
    reviews: tuple[pm.Review, ...] = (),
    incidents: tuple[pm.Incident, ...] = (),
) -> pm.Pathway:
    """A record with one placement per ``(stage, start, end)``."""
    return pm.Pathway(
        person_id="P-0001",
        definition_id=definition.id,
        definition_version=definition.version,
        placements=[
            pm.Placement(id=f"stay-{n}", stage=stage, provider="Unit A", start=start, end=end)
            for n, (stage, start, end) in enumerate(stays, start=1)
        ],
        reviews=reviews,
        incidents=incidents,
    )


def incident(
    id: str,
    day: dt.date,
    kind: str,
    severity: str,
) -> pm.Incident:
    """An incident of a kind and severity given by their codes."""
    return pm.Incident(id=id, date=day, kind=kind, severity=severity)


SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        slug="ready-at-first-review",
        title="Ready at the first qualifying review",
        story=(
            "The ward asks for domain A at least OK and no sustained period, so the first "
            "qualifying review makes the person ready that day."
        ),
        definition=SIMPLE,
        pathway=record(
            SIMPLE,
            [("ward", D(2024, 1, 1), None)],
            reviews=(review("r1", D(2024, 2, 1), {"a": "ok"}),),
        ),
        as_of=D(2024, 2, 11),
        status=READY,
        # ready_from = 1 Feb + P0D = 1 Feb; 1 Feb to 11 Feb is 10 days.
        readiness_date=D(2024, 2, 1),
        days_beyond_readiness=10,
        ready_days=10,
        cost_of_delay=Decimal(1000),  # 10 days x £100
        proposed_stage="step",
        due=D(2024, 3, 1),  # 1 Feb + 1 month
        overdue=False,
        runs=((D(2024, 2, 1), D(2024, 2, 11)),),
    ),
    Scenario(
        slug="sustained-period",
        title="A sustained period",
        story=(
            "Medium secure asks for three domains at least partly met, sustained for three "
            "months. Reviews on 1 March and 1 June both qualify."
        ),
        definition=SECURE_PATHWAY,
        pathway=record(
            SECURE_PATHWAY,
            [("medium_secure", D(2024, 1, 8), None)],
            reviews=(
                review("r1", D(2024, 3, 1), MEDIUM_ALL_PARTLY),
                review("r2", D(2024, 6, 1), MEDIUM_ALL_PARTLY),
            ),
        ),
        as_of=D(2024, 7, 1),
        status=READY,
        # streak from 1 March; ready_from = 1 March + 3 months = 1 June; June has 30 days.
        readiness_date=D(2024, 6, 1),
        days_beyond_readiness=30,
        ready_days=30,
        cost_of_delay=Decimal(13560),  # 30 x £452
        proposed_stage="low_secure",
        due=D(2024, 9, 1),  # 1 June + 3 months
        overdue=False,
    ),
    Scenario(
        slug="not-yet-sustained",
        title="Qualifying, but not yet for long enough",
        story="The same record one day before the three months are up.",
        definition=SECURE_PATHWAY,
        pathway=record(
            SECURE_PATHWAY,
            [("medium_secure", D(2024, 1, 8), None)],
            reviews=(
                review("r1", D(2024, 3, 1), MEDIUM_ALL_PARTLY),
                review("r2", D(2024, 5, 30), MEDIUM_ALL_PARTLY),
            ),
        ),
        as_of=D(2024, 5, 31),
        status=NOT_READY,
        # ready_from = 1 June > 31 May.
        readiness_date=None,
        days_beyond_readiness=0,
        ready_days=0,
        cost_of_delay=Decimal(0),
        proposed_stage=None,
        due=D(2024, 8, 30),  # 30 May + 3 months
        overdue=False,
        unmet=("sustained",),
    ),
    Scenario(
        slug="incident-resets-clock",
        title="An incident resets the clock",
        story=(
            "A moderate violent incident on 10 May means three incident-free months are "
            "needed from then, which is later than the sustained period ends."
        ),
        definition=SECURE_PATHWAY,
        pathway=record(
            SECURE_PATHWAY,
            [("medium_secure", D(2024, 1, 8), None)],
            reviews=(
                review("r1", D(2024, 3, 1), MEDIUM_ALL_PARTLY),
                review("r2", D(2024, 6, 1), MEDIUM_ALL_PARTLY),
            ),
            incidents=(incident("i1", D(2024, 5, 10), "violence", "moderate"),),
        ),
        as_of=D(2024, 9, 1),
        status=READY,
        # ready_from = max(1 March + 3 months, 10 May + 3 months) = max(1 June, 10 Aug) = 10 Aug;
        # 10 Aug to 1 Sep is 22 days.
        readiness_date=D(2024, 8, 10),
        days_beyond_readiness=22,
        ready_days=22,
        cost_of_delay=Decimal(9944),  # 22 x £452
        proposed_stage="low_secure",
        due=D(2024, 9, 1),  # 1 June + 3 months: due today, not yet overdue
        overdue=False,
        runs=((D(2024, 8, 10), D(2024, 9, 1)),),
    ),
    Scenario(
        slug="incidents-that-do-not-reset",
        title="Incidents the criteria do not count",
        story=(
            "A minor violent incident is below the moderate threshold, and substance use is "
            "not a kind the medium secure rule covers, so neither resets the clock."
        ),
        definition=SECURE_PATHWAY,
        pathway=record(
            SECURE_PATHWAY,
            [("medium_secure", D(2024, 1, 8), None)],
            reviews=(
                review("r1", D(2024, 3, 1), MEDIUM_ALL_PARTLY),
                review("r2", D(2024, 6, 1), MEDIUM_ALL_PARTLY),
            ),
            incidents=(
                incident("i1", D(2024, 5, 10), "violence", "minor"),
                incident("i2", D(2024, 5, 20), "substance_use", "serious"),
            ),
        ),
        as_of=D(2024, 7, 1),
        status=READY,
        # As "A sustained period": ready from 1 June, 30 days.
        readiness_date=D(2024, 6, 1),
        days_beyond_readiness=30,
        ready_days=30,
        cost_of_delay=Decimal(13560),
        proposed_stage="low_secure",
        due=D(2024, 9, 1),
        overdue=False,
    ),
    Scenario(
        slug="lost-and-regained",
        title="Readiness lost and regained",
        story=(
            "Ready from 1 May; a review on 1 June rates mental health not met, which ends the "
            "run; qualifying reviews from 1 July start a new streak, ready again from "
            "1 October. Ready days count both runs."
        ),
        definition=SECURE_PATHWAY,
        pathway=record(
            SECURE_PATHWAY,
            [("medium_secure", D(2024, 1, 8), None)],
            reviews=(
                review("r1", D(2024, 2, 1), MEDIUM_ALL_PARTLY),
                review("r2", D(2024, 5, 1), MEDIUM_ALL_PARTLY),
                review(
                    "r3", D(2024, 6, 1), {**MEDIUM_ALL_PARTLY, "mental_health_recovery": "not_met"}
                ),
                review("r4", D(2024, 7, 1), MEDIUM_ALL_PARTLY),
                review("r5", D(2024, 10, 15), MEDIUM_ALL_PARTLY),
            ),
        ),
        as_of=D(2024, 11, 1),
        status=READY,
        # Run 1: 1 May (1 Feb + 3 months) to 1 June = 31 days.
        # Run 2: 1 Oct (1 July + 3 months) to 1 Nov = 31 days. Ready days 62.
        readiness_date=D(2024, 10, 1),
        days_beyond_readiness=31,
        ready_days=62,
        cost_of_delay=Decimal(28024),  # 62 x £452
        proposed_stage="low_secure",
        due=D(2025, 1, 15),  # 15 Oct + 3 months
        overdue=False,
        runs=((D(2024, 5, 1), D(2024, 6, 1)), (D(2024, 10, 1), D(2024, 11, 1))),
    ),
    Scenario(
        slug="closed-stay-delay",
        title="Days ready but still in a stay that has ended",
        story=(
            "Ready to leave medium secure from 1 May 2023, but moved to low secure only on "
            "1 August: 92 days ready but stayed. The low secure stay has no review yet."
        ),
        definition=SECURE_PATHWAY,
        pathway=record(
            SECURE_PATHWAY,
            [("medium_secure", D(2023, 1, 2), D(2023, 8, 1)), ("low_secure", D(2023, 8, 1), None)],
            reviews=(
                review("r1", D(2023, 2, 1), MEDIUM_ALL_PARTLY),
                review("r2", D(2023, 5, 1), MEDIUM_ALL_PARTLY),
            ),
        ),
        as_of=D(2023, 9, 1),
        status=NO_EVIDENCE,
        readiness_date=None,
        days_beyond_readiness=0,
        ready_days=0,
        cost_of_delay=Decimal(0),
        proposed_stage=None,
        due=D(2023, 10, 24),  # 1 Aug + 12 weeks (84 days)
        overdue=False,
        # No review in the low secure stay: every level criterion (team and person, as
        # low secure asks for agreement) and the sustained period are unmet.
        unmet=(
            *(
                f"{kind}:{domain}"
                for domain in LOW_ENOUGH
                for kind in ("team_level", "person_level")
            ),
            "sustained",
        ),
        # Medium stay: 1 May to 1 Aug = 31 + 30 + 31 = 92 days; 92 x £452 = £41,584.
        closed_stays=(("stay-1", 92, 92, D(2023, 5, 1)),),
    ),
    Scenario(
        slug="overdue-review",
        title="An overdue review does not stop the clock",
        story=(
            "The review due on 1 August has not happened. The review is overdue, but the "
            "person stays ready: readiness depends on the evidence, not on the diary."
        ),
        definition=SECURE_PATHWAY,
        pathway=record(
            SECURE_PATHWAY,
            [("medium_secure", D(2024, 1, 8), None)],
            reviews=(
                review("r1", D(2024, 2, 1), MEDIUM_ALL_PARTLY),
                review("r2", D(2024, 5, 1), MEDIUM_ALL_PARTLY),
            ),
        ),
        as_of=D(2024, 12, 1),
        status=READY,
        # Ready from 1 May; to 1 Dec: 31+30+31+31+30+31+30 = 214 days.
        readiness_date=D(2024, 5, 1),
        days_beyond_readiness=214,
        ready_days=214,
        cost_of_delay=Decimal(96728),  # 214 x £452
        proposed_stage="low_secure",
        due=D(2024, 8, 1),  # 1 May + 3 months
        overdue=True,
        days_overdue=122,  # 1 Aug to 1 Dec: 31+30+31+30
    ),
    Scenario(
        slug="disagreement",
        title="The person and the team see it differently",
        story=(
            "The team rates three domains partly met. The person rates their mental health "
            "met and their harm-related behaviours not met. Medium secure does not ask for "
            "agreement, so only the disagreements are flagged."
        ),
        definition=SECURE_PATHWAY,
        pathway=record(
            SECURE_PATHWAY,
            [("medium_secure", D(2024, 1, 8), None)],
            reviews=(
                review(
                    "r1",
                    D(2024, 3, 1),
                    MEDIUM_ALL_PARTLY,
                    {
                        "mental_health_recovery": "met",
                        "harm_related_behaviours": "not_met",
                        "substance_misuse": "partly_met",
                    },
                ),
            ),
        ),
        as_of=D(2024, 3, 15),
        status=NOT_READY,
        readiness_date=None,
        days_beyond_readiness=0,
        ready_days=0,
        cost_of_delay=Decimal(0),
        proposed_stage=None,
        due=D(2024, 6, 1),  # 1 March + 3 months
        overdue=False,
        unmet=("sustained",),
        disagreements=(
            ("mental_health_recovery", "partly_met", "met"),
            ("harm_related_behaviours", "partly_met", "not_met"),
        ),
    ),
    Scenario(
        slug="agreement-missing",
        title="Agreement required and missing",
        story=(
            "Low secure asks that the person's own levels meet the minimums too. The person "
            "gave no view on life skills, so no review qualifies."
        ),
        definition=SECURE_PATHWAY,
        pathway=record(
            SECURE_PATHWAY,
            [("low_secure", D(2024, 1, 8), None)],
            reviews=(
                review(
                    "r1",
                    D(2024, 2, 1),
                    LOW_ENOUGH,
                    {k: v for k, v in LOW_ENOUGH.items() if k != "life_skills"},
                ),
                review(
                    "r2",
                    D(2024, 5, 1),
                    LOW_ENOUGH,
                    {k: v for k, v in LOW_ENOUGH.items() if k != "life_skills"},
                ),
            ),
        ),
        as_of=D(2024, 6, 1),
        status=NOT_READY,
        readiness_date=None,
        days_beyond_readiness=0,
        ready_days=0,
        cost_of_delay=Decimal(0),
        proposed_stage=None,
        due=D(2024, 8, 1),  # 1 May + 3 months
        overdue=False,
        unmet=("person_level:life_skills", "sustained"),
    ),
    Scenario(
        slug="agreement-given",
        title="Agreement required and given",
        story="The same record with the person's view on life skills given at both reviews.",
        definition=SECURE_PATHWAY,
        pathway=record(
            SECURE_PATHWAY,
            [("low_secure", D(2024, 1, 8), None)],
            reviews=(
                review("r1", D(2024, 2, 1), LOW_ENOUGH, LOW_ENOUGH),
                review("r2", D(2024, 5, 1), LOW_ENOUGH, LOW_ENOUGH),
            ),
        ),
        as_of=D(2024, 6, 1),
        status=READY,
        # Ready from 1 May (1 Feb + 3 months); 31 days to 1 June.
        readiness_date=D(2024, 5, 1),
        days_beyond_readiness=31,
        ready_days=31,
        cost_of_delay=Decimal(12741),  # 31 x £411
        proposed_stage="community",
        due=D(2024, 8, 1),
        overdue=False,
    ),
    Scenario(
        slug="no-review-yet",
        title="No review yet, and the first review is late",
        story=(
            "Admitted on 8 January 2024 with no review since. The first review was due "
            "twelve weeks after admission."
        ),
        definition=SECURE_PATHWAY,
        pathway=record(SECURE_PATHWAY, [("medium_secure", D(2024, 1, 8), None)]),
        as_of=D(2024, 4, 2),
        status=NO_EVIDENCE,
        readiness_date=None,
        days_beyond_readiness=0,
        ready_days=0,
        cost_of_delay=Decimal(0),
        proposed_stage=None,
        due=D(2024, 4, 1),  # 8 Jan + 84 days (2024 is a leap year)
        overdue=True,
        days_overdue=1,
        unmet=(
            "team_level:mental_health_recovery",
            "team_level:harm_related_behaviours",
            "team_level:substance_misuse",
            "sustained",
        ),
    ),
    Scenario(
        slug="no-exit-criteria",
        title="A stage with no exit criteria",
        story=(
            "After discharge there is nothing further to be ready for: the last stage has no "
            "exit criteria, no cost and no review schedule."
        ),
        definition=SECURE_PATHWAY,
        pathway=record(
            SECURE_PATHWAY,
            [("community", D(2023, 1, 2), D(2024, 1, 1)), ("discharged", D(2024, 1, 1), None)],
            reviews=(review("r1", D(2024, 3, 1), {"mental_health_recovery": "met"}),),
        ),
        as_of=D(2024, 6, 1),
        status=NOT_READY,
        readiness_date=None,
        days_beyond_readiness=0,
        ready_days=0,
        cost_of_delay=None,
        proposed_stage=None,
        due=None,
        overdue=False,
        closed_stays=(("stay-1", 0, 0, None),),
    ),
    Scenario(
        slug="reviews-outside-the-stay",
        title="Reviews and incidents from an earlier stay are ignored",
        story=(
            "Qualifying reviews and a serious incident in medium secure do not count in the "
            "low secure stay that follows: a new stay starts a new evidence record."
        ),
        definition=SECURE_PATHWAY,
        pathway=record(
            SECURE_PATHWAY,
            [("medium_secure", D(2023, 1, 2), D(2023, 6, 1)), ("low_secure", D(2023, 6, 1), None)],
            reviews=(
                review("r1", D(2023, 2, 1), LOW_ENOUGH, LOW_ENOUGH),
                review("r2", D(2023, 5, 1), LOW_ENOUGH, LOW_ENOUGH),
                review("r3", D(2023, 7, 1), LOW_ENOUGH, LOW_ENOUGH),
            ),
            incidents=(incident("i1", D(2023, 5, 25), "violence", "serious"),),
        ),
        as_of=D(2023, 10, 15),
        status=READY,
        # Low secure streak starts 1 July (earlier reviews were in medium secure):
        # ready from 1 Oct; 14 days to 15 Oct. The medium secure incident is not counted.
        readiness_date=D(2023, 10, 1),
        days_beyond_readiness=14,
        ready_days=14,
        cost_of_delay=Decimal(5754),  # 14 x £411
        proposed_stage="community",
        due=D(2023, 10, 1),  # 1 July + 3 months
        overdue=True,
        days_overdue=14,
        runs=((D(2023, 10, 1), D(2023, 10, 15)),),
        # Medium stay: ready from 1 May (1 Feb + 3 months) until the incident on 25 May.
        closed_stays=(("stay-1", 24, 0, None),),
    ),
    Scenario(
        slug="domain-not-rated",
        title="A required domain not rated",
        story=(
            "The March review did not rate substance misuse. A missing rating is never read "
            "as a good one, so the streak starts only at the June review."
        ),
        definition=SECURE_PATHWAY,
        pathway=record(
            SECURE_PATHWAY,
            [("medium_secure", D(2024, 1, 8), None)],
            reviews=(
                review(
                    "r1",
                    D(2024, 3, 1),
                    {"mental_health_recovery": "partly_met", "harm_related_behaviours": "met"},
                ),
                review("r2", D(2024, 6, 1), MEDIUM_ALL_PARTLY),
            ),
        ),
        as_of=D(2024, 7, 1),
        status=NOT_READY,
        # Streak from 1 June: ready from 1 Sept.
        readiness_date=None,
        days_beyond_readiness=0,
        ready_days=0,
        cost_of_delay=Decimal(0),
        proposed_stage=None,
        due=D(2024, 9, 1),
        overdue=False,
        unmet=("sustained",),
    ),
    Scenario(
        slug="same-day-reviews",
        title="Two reviews on the same day",
        story=(
            "Two reviews on 1 June: one qualifies and one rates substance misuse not met. "
            "Reviews on one day are taken together, so that day does not qualify."
        ),
        definition=SECURE_PATHWAY,
        pathway=record(
            SECURE_PATHWAY,
            [("medium_secure", D(2024, 1, 8), None)],
            reviews=(
                review("r1", D(2024, 3, 1), MEDIUM_ALL_PARTLY),
                review("r2a", D(2024, 6, 1), MEDIUM_ALL_PARTLY),
                review("r2b", D(2024, 6, 1), {**MEDIUM_ALL_PARTLY, "substance_misuse": "not_met"}),
            ),
        ),
        as_of=D(2024, 7, 1),
        status=NOT_READY,
        readiness_date=None,
        days_beyond_readiness=0,
        ready_days=0,
        cost_of_delay=Decimal(0),
        proposed_stage=None,
        due=D(2024, 9, 1),
        overdue=False,
        unmet=("team_level:substance_misuse", "sustained"),
    ),
    Scenario(
        slug="high-secure",
        title="High secure to medium secure",
        story=(
            "High secure asks for two domains at least partly met for six months. Ready from "
            "1 September 2022; at £822 a day, the delay soon costs more than a bed elsewhere."
        ),
        definition=SECURE_PATHWAY,
        pathway=record(
            SECURE_PATHWAY,
            [("high_secure", D(2022, 1, 3), None)],
            reviews=(
                review("r1", D(2022, 3, 1), HIGH_ENOUGH),
                review("r2", D(2022, 9, 1), HIGH_ENOUGH),
            ),
        ),
        as_of=D(2022, 12, 1),
        status=READY,
        # 1 March + 6 months = 1 Sept; to 1 Dec: 30 + 31 + 30 = 91 days.
        readiness_date=D(2022, 9, 1),
        days_beyond_readiness=91,
        ready_days=91,
        cost_of_delay=Decimal(74802),  # 91 x £822
        proposed_stage="medium_secure",
        due=D(2023, 3, 1),  # 1 Sept + 6 months
        overdue=False,
    ),
    Scenario(
        slug="month-end",
        title="Scheduling at the end of a month",
        story=(
            "A review on 31 January with a one-month interval makes the next due on "
            "28 February 2023: the month clips to its last day."
        ),
        definition=SIMPLE,
        pathway=record(
            SIMPLE,
            [("ward", D(2023, 1, 2), None)],
            reviews=(review("r1", D(2023, 1, 31), {"a": "no"}),),
        ),
        as_of=D(2023, 3, 1),
        status=NOT_READY,
        readiness_date=None,
        days_beyond_readiness=0,
        ready_days=0,
        cost_of_delay=Decimal(0),
        proposed_stage=None,
        due=D(2023, 2, 28),
        overdue=True,
        days_overdue=1,
        unmet=("team_level:a", "sustained"),
    ),
    Scenario(
        slug="leap-day",
        title="Scheduling from a leap day",
        story=(
            "A review on 29 February 2024 with a one-year interval makes the next due on "
            "28 February 2025."
        ),
        definition=SIMPLE,
        pathway=record(
            SIMPLE,
            [("ward", D(2023, 6, 1), D(2024, 1, 15)), ("step", D(2024, 1, 15), None)],
            reviews=(review("r1", D(2024, 2, 29), {"a": "good", "b": "ok"}),),
        ),
        as_of=D(2025, 3, 1),
        status=READY,
        # The step-down unit has no sustained period: ready from 29 Feb 2024;
        # to 1 Mar 2025 is 366 days.
        readiness_date=D(2024, 2, 29),
        days_beyond_readiness=366,
        ready_days=366,
        cost_of_delay=Decimal(18300),  # 366 x £50
        proposed_stage="home",
        due=D(2025, 2, 28),
        overdue=True,
        days_overdue=1,
        closed_stays=(("stay-1", 0, 0, None),),
    ),
)


def unmet_of(assessment: pm.Assessment) -> tuple[str, ...]:
    """Name each criterion not met, as ``kind`` or ``kind:domain``."""
    return tuple(
        criterion.kind.value + (f":{criterion.domain}" if criterion.domain else "")
        for criterion in assessment.criteria
        if not criterion.met
    )


def _money(amount: Decimal | None) -> str:
    return "no cost set" if amount is None else f"£{amount:,}"


def _day(day: dt.date | None) -> str:
    return "—" if day is None else day.isoformat()


def _timeline(scenario: Scenario) -> list[str]:
    events: list[tuple[dt.date, str]] = []
    for placement in scenario.pathway.placements:
        stage = scenario.definition.stage(placement.stage)
        events.append((placement.start, f"stay `{placement.id}` begins in {stage.name.lower()}"))
        if placement.end is not None:
            events.append((placement.end, f"stay `{placement.id}` ends"))
    scale = scenario.definition.framework.scale
    for item in scenario.pathway.reviews:
        levels = ", ".join(
            f"{rating.domain} {rating.team}"
            + ("" if rating.person is None else f" (person {rating.person})")
            for rating in item.ratings
        )
        assert all(rating.team in scale for rating in item.ratings)
        events.append((item.date, f"review `{item.id}`: {levels}"))
    events.extend(
        (item.date, f"incident `{item.id}`: {item.kind.value}, {item.severity.value}")
        for item in scenario.pathway.incidents
    )
    events.sort(key=lambda event: event[0])
    return [f"| {day.isoformat()} | {text} |" for day, text in events]


def render() -> str:
    """Render the worked-examples page from the scenarios and the library's explanations."""
    lines = [
        "# Worked examples",
        "",
        "<!-- Generated by `python -m tests.scenarios`: edit tests/scenarios.py instead. -->",
        "",
        "Each example is a record, a date, and the answers worked out by hand from the rules in",
        "[How readiness is decided](readiness.md). The test suite checks the library against",
        "every answer on this page, and this page is generated from the same scenarios, so the",
        "two cannot drift apart. Costs use the catalogue's estimated bed-day costs.",
        "",
    ]
    for number, scenario in enumerate(SCENARIOS, start=1):
        definition = scenario.definition
        assessment = pm.assess(scenario.pathway, scenario.as_of, definition=definition)
        lines += [
            f"## {number}. {scenario.title}",
            "",
            scenario.story,
            "",
            (
                f"Definition: `{definition.id}` {definition.version}. "
                f"Assessed as of **{scenario.as_of.isoformat()}**."
            ),
            "",
            "| date | event |",
            "|---|---|",
            *_timeline(scenario),
            "",
            "| answer | value |",
            "|---|---|",
            f"| status | `{scenario.status.value}` |",
            f"| readiness date | {_day(scenario.readiness_date)} |",
            f"| days beyond readiness | {scenario.days_beyond_readiness} |",
            f"| ready days | {scenario.ready_days} |",
            f"| cost of delay | {_money(scenario.cost_of_delay)} |",
            f"| proposed stage | {scenario.proposed_stage or '—'} |",
            f"| next review due | {_day(scenario.due)}"
            + (f" (overdue by {scenario.days_overdue} days)" if scenario.overdue else "")
            + " |",
        ]
        if scenario.unmet:
            lines.append(f"| criteria not met | {', '.join(scenario.unmet)} |")
        for domain, team, person in scenario.disagreements:
            lines.append(f"| disagreement | {domain}: team {team}, person {person} |")
        for placement_id, ready_days, beyond, since in scenario.closed_stays:
            lines.append(
                f"| ended stay `{placement_id}` | {ready_days} ready days; "
                f"{beyond} days ready at its end (since {_day(since)}) |"
            )
        lines += [
            "",
            "What the person reads:",
            "",
            "```text",
            pm.explain(assessment, pm.Audience.PERSON, definition=definition),
            "```",
            "",
        ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(render(), end="")
