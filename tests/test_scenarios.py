"""The rules agree with every worked scenario's hand-computed answers."""

from __future__ import annotations

from pathlib import Path

import pytest

import pathway_model as pm
from tests.scenarios import SCENARIOS, Scenario, render, unmet_of

ROOT = Path(__file__).resolve().parents[1]
by_slug = pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.slug)


class TestScenarios:
    def test_there_are_enough_scenarios(self) -> None:
        """At least 15 worked scenarios, each with its own slug."""
        assert len(SCENARIOS) >= 15
        assert len({s.slug for s in SCENARIOS}) == len(SCENARIOS)

    @by_slug
    def test_status(self, scenario: Scenario) -> None:
        """The decision's status is the hand-computed one."""
        decision = pm.assess(scenario.pathway, scenario.as_of, definition=scenario.definition)
        assert scenario.status == decision.status

    @by_slug
    def test_not_a_day_more(self, scenario: Scenario) -> None:
        """Readiness date, days beyond readiness, ready days and cost match."""
        result = pm.readiness(scenario.pathway, scenario.as_of, definition=scenario.definition)
        expected = (
            scenario.readiness_date,
            scenario.days_beyond_readiness,
            scenario.ready_days,
            scenario.cost_of_delay,
        )
        actual = (
            result.readiness_date,
            result.days_beyond_readiness,
            result.ready_days,
            result.cost_of_delay,
        )
        assert expected == actual

    @pytest.mark.parametrize(
        "scenario", [s for s in SCENARIOS if s.runs is not None], ids=lambda s: s.slug
    )
    def test_ready_runs(self, scenario: Scenario) -> None:
        """Where the scenario lists its ready runs, the library finds the same runs."""
        result = pm.readiness(scenario.pathway, scenario.as_of, definition=scenario.definition)
        assert scenario.runs == tuple((run.start, run.end) for run in result.runs)

    @by_slug
    def test_proposal(self, scenario: Scenario) -> None:
        """The proposed stage is the hand-computed one."""
        decision = pm.assess(scenario.pathway, scenario.as_of, definition=scenario.definition)
        assert scenario.proposed_stage == decision.proposed_stage

    @by_slug
    def test_schedule(self, scenario: Scenario) -> None:
        """The next review due date and lateness match."""
        schedule = pm.review_schedule(
            scenario.pathway, scenario.as_of, definition=scenario.definition
        )
        expected = (scenario.due, scenario.overdue, scenario.days_overdue)
        assert expected == (schedule.due, schedule.overdue, schedule.days_overdue)

    @by_slug
    def test_unmet_criteria(self, scenario: Scenario) -> None:
        """Exactly the hand-listed criteria are unmet."""
        decision = pm.assess(scenario.pathway, scenario.as_of, definition=scenario.definition)
        assert scenario.unmet == unmet_of(decision)

    @by_slug
    def test_disagreements(self, scenario: Scenario) -> None:
        """Exactly the hand-listed disagreements are flagged."""
        decision = pm.assess(scenario.pathway, scenario.as_of, definition=scenario.definition)
        actual = tuple((d.domain, d.team, d.person) for d in decision.disagreements)
        assert scenario.disagreements == actual

    @by_slug
    def test_ended_stays(self, scenario: Scenario) -> None:
        """Each ended stay's ready days, days ready at its end and readiness date match."""
        history = pm.readiness_history(
            scenario.pathway, scenario.as_of, definition=scenario.definition
        )
        actual = tuple(
            (item.placement_id, item.ready_days, item.days_beyond_readiness, item.readiness_date)
            for item in history
            if not item.placement_open
        )
        assert scenario.closed_stays == actual


class TestWorkedExamplesPage:
    def test_page_is_generated_from_the_scenarios(self) -> None:
        """docs/explanation/worked-examples.md is exactly what the scenarios render."""
        page = ROOT / "docs" / "explanation" / "worked-examples.md"
        assert render() == page.read_text(encoding="utf-8"), (
            "regenerate with: python -m tests.scenarios > docs/explanation/worked-examples.md"
        )
