"""Explanations: precise for the team, everyday and readable for the person, never leaky."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest
import textstat
from hypothesis import given
from hypothesis import strategies as st

import pathway_model as pm
from pathway_model.catalogue import DEFINITIONS, SECURE_PATHWAY
from pathway_model.rules import NoLevel
from tests import strategies as s
from tests.scenarios import SCENARIOS, Scenario

#: NHS content style aims at a reading age of about 9: US grade 4 (grade + 5 = age).
MAX_GRADE = 4.0
#: Flesch reading ease of 80 and above is "easy" on Flesch's scale.
MIN_EASE = 80.0
MAX_WORDS_PER_SENTENCE = 12.0
SECRET = "Zanzibar-secret-wording"


def person_text(scenario: Scenario) -> str:
    decision = pm.assess(scenario.pathway, scenario.as_of, definition=scenario.definition)
    return pm.explain(decision, pm.Audience.PERSON, definition=scenario.definition)


def assert_readable(text: str) -> None:
    grade = textstat.flesch_kincaid_grade(text)
    ease = textstat.flesch_reading_ease(text)
    words = textstat.avg_sentence_length(text)
    assert grade <= MAX_GRADE, (grade, text)
    assert ease >= MIN_EASE, (ease, text)
    assert words <= MAX_WORDS_PER_SENTENCE, (words, text)


@st.composite
def builtin_cases(draw: st.DrawFn) -> tuple[pm.PathwayDefinition, pm.Pathway, dt.date]:
    definition = draw(st.sampled_from(DEFINITIONS))
    pathway = draw(s.pathways(definition, prefer_high=True))
    placement = draw(st.sampled_from(pathway.placements))
    last = (
        placement.end - dt.timedelta(days=1)
        if placement.end
        else placement.start + dt.timedelta(days=900)
    )
    day = placement.start + dt.timedelta(days=draw(st.integers(0, (last - placement.start).days)))
    return definition, pathway, day


class TestPersonText:
    @pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.slug)
    def test_every_scenario_meets_the_readability_threshold(self, scenario: Scenario) -> None:
        """Each scenario's person-facing text reads at about age 9 or younger."""
        assert_readable(person_text(scenario))

    @given(builtin_cases())
    def test_generated_records_meet_the_readability_threshold(
        self, case: tuple[pm.PathwayDefinition, pm.Pathway, dt.date]
    ) -> None:
        """On the built-in pathways, every person-facing text stays readable."""
        definition, pathway, day = case
        decision = pm.assess(pathway, day, definition=definition)
        assert_readable(pm.explain(decision, "person", definition=definition))

    @pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.slug)
    def test_speaks_to_the_person_without_codes(self, scenario: Scenario) -> None:
        """Second person, everyday names, and no codes such as 'partly_met'."""
        text = person_text(scenario)
        assert text.startswith("You are in ")
        assert "_" not in text
        assert scenario.definition.id not in text

    def test_names_the_next_step_and_the_wait_when_ready(self) -> None:
        """A ready person is told where next, since when, and for how long."""
        scenario = next(s for s in SCENARIOS if s.slug == "sustained-period")
        text = person_text(scenario)
        assert "ready to move on to a low secure hospital" in text
        assert "since 1 June 2024" in text
        assert "That is 30 days." in text

    def test_says_what_is_missing_when_agreement_is_required(self) -> None:
        """A missing view of the person's own is named, in everyday words."""
        scenario = next(s for s in SCENARIOS if s.slug == "agreement-missing")
        text = person_text(scenario)
        assert "My life skills: you did not give your view at your last review." in text


class TestTeamText:
    @pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.slug)
    def test_names_every_criterion_and_its_evidence(self, scenario: Scenario) -> None:
        """The team's text lists each criterion with its expectation, finding and evidence ids."""
        decision = pm.assess(scenario.pathway, scenario.as_of, definition=scenario.definition)
        text = pm.explain(decision, pm.Audience.TEAM, definition=scenario.definition)
        for criterion in decision.criteria:
            assert f"expected {criterion.expected}; found {criterion.actual}" in text
            for item in criterion.evidence[-3:]:
                assert item.id in text
        assert f"{decision.definition_id} {decision.definition_version}" in text
        assert decision.library_version in text

    def test_states_cost_and_overdue_review(self) -> None:
        """The team sees ready days, the cost of delay and a late review."""
        scenario = next(s for s in SCENARIOS if s.slug == "overdue-review")
        decision = pm.assess(scenario.pathway, scenario.as_of, definition=scenario.definition)
        text = pm.explain(decision, "team", definition=scenario.definition)
        assert "Ready days in this stay: 214 of 328" in text
        assert "cost of delay £96,728 at estimated £452 a bed-day" in text
        assert "Review OVERDUE: due 2024-08-01, 122 days ago." in text


class TestNoFreeText:
    @given(st.data())
    def test_notes_and_goal_wording_never_appear(self, data: st.DataObject) -> None:
        """Neither explanation ever repeats a note or a goal's wording."""
        pathway = data.draw(s.pathways(SECURE_PATHWAY, prefer_high=True))
        marked = attrs.evolve(
            pathway,
            goals=[attrs.evolve(goal, description=SECRET) for goal in pathway.goals],
            reviews=[
                attrs.evolve(
                    review,
                    ratings=[
                        attrs.evolve(r, team_note=SECRET, person_note=SECRET)
                        for r in review.ratings
                    ],
                )
                for review in pathway.reviews
            ],
            incidents=[attrs.evolve(i, note=SECRET) for i in pathway.incidents],
        )
        placement = marked.placements[-1]
        day = placement.start if placement.end is None else placement.end - dt.timedelta(days=1)
        decision = pm.assess(marked, day)
        for audience in pm.Audience:
            assert SECRET not in pm.explain(decision, audience)


class TestAudience:
    def test_accepts_the_audience_as_a_string(self) -> None:
        """'team' and 'person' name the audiences."""
        scenario = SCENARIOS[0]
        decision = pm.assess(scenario.pathway, scenario.as_of, definition=scenario.definition)
        for audience in pm.Audience:
            assert pm.explain(decision, audience, definition=scenario.definition) == pm.explain(
                decision, audience.value, definition=scenario.definition
            )

    def test_refuses_an_unknown_audience(self) -> None:
        """Any other audience is a ValidationError naming the choices."""
        scenario = SCENARIOS[0]
        decision = pm.assess(scenario.pathway, scenario.as_of, definition=scenario.definition)
        with pytest.raises(pm.ValidationError, match="'team' or 'person'"):
            pm.explain(decision, "board", definition=scenario.definition)


LEVEL_KINDS = (pm.CriterionKind.TEAM_LEVEL, pm.CriterionKind.PERSON_LEVEL)


def _reworded(decision: pm.Assessment) -> pm.Assessment:
    """The decision with every criterion's text replaced by prose that names no code."""
    criteria = tuple(
        attrs.evolve(c, expected="what the stage asks", actual="what the review showed")
        for c in decision.criteria
    )
    return attrs.evolve(decision, criteria=criteria)


class TestStructuredCriteria:
    @pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.slug)
    def test_a_level_criterion_carries_its_codes_as_fields(self, scenario: Scenario) -> None:
        """Each level criterion holds the level required, and the level found or why none."""
        decision = pm.assess(scenario.pathway, scenario.as_of, definition=scenario.definition)
        for criterion in decision.criteria:
            if criterion.kind not in LEVEL_KINDS:
                assert (None, None, None) == (
                    criterion.required_level,
                    criterion.found_level,
                    criterion.why_no_level,
                )
                continue
            said = criterion.found_level or getattr(criterion.why_no_level, "value", None)
            assert f"at least {criterion.required_level}" == criterion.expected
            assert said == criterion.actual
            assert (criterion.found_level is None) != (criterion.why_no_level is None)

    def test_a_view_not_given_is_said_as_a_reason_not_a_level(self) -> None:
        """A person who gave no view has no level found, and the criterion says why."""
        scenario = next(s for s in SCENARIOS if s.slug == "agreement-missing")
        decision = pm.assess(scenario.pathway, scenario.as_of, definition=scenario.definition)
        person = [c for c in decision.criteria if c.kind is pm.CriterionKind.PERSON_LEVEL]
        missing = [c for c in person if not c.met]

        assert [NoLevel.NOT_GIVEN] == [c.why_no_level for c in missing]
        assert [None] == [c.found_level for c in missing]

    @pytest.mark.parametrize("audience", ["team", "person"])
    @pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.slug)
    def test_explanations_read_the_fields_not_the_text(
        self, scenario: Scenario, audience: str
    ) -> None:
        """Rewording a criterion's text changes no level named in either explanation."""
        decision = pm.assess(scenario.pathway, scenario.as_of, definition=scenario.definition)
        reworded = pm.explain(_reworded(decision), audience, definition=scenario.definition)
        original = pm.explain(decision, audience, definition=scenario.definition)
        if audience == "person":
            assert original == reworded
        else:
            levels = [
                line
                for line in original.splitlines()
                if "level)" in line  # the level criteria: named from their fields
            ]
            assert set(levels) <= set(reworded.splitlines())

    def test_a_level_criterion_without_its_levels_is_refused(self) -> None:
        """A hand-made level criterion that lacks its required level cannot be explained."""
        scenario = next(s for s in SCENARIOS if s.slug == "agreement-missing")
        decision = pm.assess(scenario.pathway, scenario.as_of, definition=scenario.definition)
        index = next(n for n, c in enumerate(decision.criteria) if c.kind in LEVEL_KINDS)
        criteria = list(decision.criteria)
        criteria[index] = attrs.evolve(criteria[index], required_level=None)
        broken = attrs.evolve(decision, criteria=tuple(criteria))

        with pytest.raises(pm.ValidationError, match=rf"\$\.criteria\[{index}\]"):
            pm.explain(broken, "team", definition=scenario.definition)
