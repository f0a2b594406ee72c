"""The lint of team-written words that reach the person: jargon and long sentences."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest
from hypothesis import given

import pathway_model as pm
from pathway_model.booklet import JARGON, MAX_WORDS, TextWarning, lint_team_text
from pathway_model.catalogue import DEFINITIONS, SECURE_PATHWAY
from tests import strategies as s

SECRET = "Zanzibar"


def with_goal(description: str, set_by: str) -> pm.Pathway:
    return pm.Pathway.start(
        SECURE_PATHWAY,
        person_id="P-1",
        stage="medium_secure",
        provider="Northfield MSU",
        on=dt.date(2024, 1, 8),
    ).with_goals(
        pm.Goal(
            id="g1",
            domain="life_skills",
            set_by=set_by,
            set_on=dt.date(2024, 1, 9),
            description=description,
        )
    )


class TestLintTeamText:
    @pytest.mark.parametrize("definition", DEFINITIONS, ids=lambda d: d.id)
    def test_the_built_in_definitions_are_plain(self, definition: pm.PathwayDefinition) -> None:
        """The built-in everyday names raise no warning."""
        pathway = pm.Pathway.start(
            definition,
            person_id="P-1",
            stage=definition.stages[0].code,
            provider="Unit",
            on=dt.date(2024, 1, 8),
        )
        assert () == lint_team_text(pathway, definition)

    @pytest.mark.parametrize("set_by", ["team", "shared"])
    def test_flags_jargon_in_a_goal_the_team_wrote(self, set_by: str) -> None:
        """A team or shared goal with jargon is named by its path, with a plainer word."""
        warnings = lint_team_text(
            with_goal("Show insight into my MDT plan.", set_by), SECURE_PATHWAY
        )
        assert [
            TextWarning(
                path="$.goals[0].description",
                message="uses the word 'insight', which the person may not know; "
                "try 'understanding'",
            ),
            TextWarning(
                path="$.goals[0].description",
                message="uses the word 'mdt', which the person may not know; try 'your team'",
            ),
        ] == list(warnings)

    def test_never_judges_the_persons_own_goal(self) -> None:
        """The person's own words are theirs: no warning, however they are put."""
        words = "Show insight. " + " ".join(["word"] * 40) + "."
        assert () == lint_team_text(with_goal(words, "person"), SECURE_PATHWAY)

    def test_flags_a_long_sentence_without_repeating_it(self) -> None:
        """Sentence 2 of 16 words is flagged by number and length; its words are not shown."""
        words = "Cook a meal. " + " ".join([SECRET] * 16) + ". Then rest."
        warnings = lint_team_text(with_goal(words, "team"), SECURE_PATHWAY)
        assert [
            TextWarning(
                path="$.goals[0].description",
                message=f"sentence 2 has 16 words; at most {MAX_WORDS} read easily: split it",
            )
        ] == list(warnings)
        assert all(SECRET not in str(warning) for warning in warnings)

    def test_a_sentence_of_fifteen_words_is_fine(self) -> None:
        """15 words is the limit, not over it."""
        words = " ".join(["word"] * 15) + "."
        assert () == lint_team_text(with_goal(words, "team"), SECURE_PATHWAY)

    def test_a_word_inside_another_is_not_jargon(self) -> None:
        """'cpa' inside 'escapade' is no jargon; 'CPA' on its own is."""
        assert () == lint_team_text(with_goal("Plan an escapade.", "team"), SECURE_PATHWAY)
        assert 1 == len(lint_team_text(with_goal("Go to my CPA.", "team"), SECURE_PATHWAY))

    def test_flags_jargon_in_the_definition(self) -> None:
        """A service's own everyday name that uses jargon is named by its path."""
        stages = list(SECURE_PATHWAY.stages)
        stages[0] = attrs.evolve(stages[0], everyday_name="a unit for psychosis")
        definition = attrs.evolve(SECURE_PATHWAY, stages=stages)
        pathway = pm.Pathway.start(
            definition, person_id="P-1", stage="medium_secure", provider="U", on=dt.date(2024, 1, 8)
        )
        assert ["definition.stages[0].everyday_name"] == [
            warning.path for warning in lint_team_text(pathway, definition)
        ]

    @given(s.pathways(SECURE_PATHWAY))
    def test_only_paths_of_team_goals_are_named(self, pathway: pm.Pathway) -> None:
        """Every warning on a record points at a goal the team set or shared."""
        for warning in lint_team_text(pathway, SECURE_PATHWAY):
            index = int(warning.path.split("[")[1].split("]")[0])
            assert pathway.goals[index].set_by is not pm.GoalSetter.PERSON

    def test_every_jargon_word_has_a_plainer_one(self) -> None:
        """Each word flagged comes with something plainer to try, and "mentally ill" is one."""
        assert "mentally ill" in JARGON
        assert all(plain and plain != word for word, plain in JARGON.items())

    @pytest.mark.parametrize("name", ["pathway", "definition"])
    def test_refuses_a_wrong_type(self, name: str) -> None:
        """A dict is neither a record nor a definition."""
        arguments: dict[str, object] = {
            "pathway": with_goal("x", "team"),
            "definition": SECURE_PATHWAY,
        }
        arguments[name] = {}
        with pytest.raises(pm.WrongTypeError, match=name):
            lint_team_text(arguments["pathway"], arguments["definition"])  # type: ignore[arg-type]
