"""Checks of a record against the pathway definition it follows."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pytest

from pathway_model import (
    DomainRating,
    Goal,
    Pathway,
    Placement,
    Problem,
    Review,
    ValidationError,
    WrongTypeError,
    check_pathway,
    validate_pathway,
)
from pathway_model.catalogue import OFFENDER_PERSONALITY_DISORDER_PATHWAY, SECURE_PATHWAY

D = dt.date


def _stay(id: str, stage: str, start: dt.date, end: dt.date | None = None) -> Placement:
    return Placement(id=id, stage=stage, provider="Provider", start=start, end=end)


STAYS = (
    _stay("p1", "high_secure", D(2018, 1, 1), D(2021, 3, 1)),
    _stay("p2", "medium_secure", D(2021, 3, 1), D(2023, 5, 1)),
    _stay("p3", "low_secure", D(2023, 5, 1)),
)


def _pathway(**extra: Any) -> Pathway:
    fields: dict[str, Any] = {
        "person_id": "P-0001",
        "definition_id": "secure-pathway",
        "definition_version": "1.0.0",
        "placements": STAYS,
        "goals": (
            Goal(
                id="g1",
                domain="life_skills",
                description="Cook a meal for my family",
                set_by="person",
                set_on=D(2023, 6, 1),
            ),
        ),
        "reviews": (
            Review.from_levels(
                id="r1",
                date=D(2023, 8, 1),
                team={"mental_health_recovery": "partly_met", "life_skills": "not_met"},
                person={"mental_health_recovery": "met"},
            ),
        ),
    }
    return Pathway(**(fields | extra))


def _review_with(rating: DomainRating) -> Review:
    return Review(id="r1", date=D(2023, 8, 1), ratings=(rating,))


def _paths(problems: tuple[Problem, ...]) -> list[str]:
    return [problem.path for problem in problems]


class TestCheckPathwayValid:
    def test_a_valid_record_has_no_problems(self) -> None:
        """A record that follows its definition gives an empty tuple."""
        expected = ()
        assert expected == check_pathway(_pathway(), SECURE_PATHWAY)

    def test_a_started_record_has_no_problems(self) -> None:
        """A record begun with ``Pathway.start`` is valid on its definition."""
        pathway = Pathway.start(
            SECURE_PATHWAY, person_id="P-1", stage="community", provider="CFT", on=D(2024, 1, 1)
        )

        expected = ()
        assert expected == check_pathway(pathway, SECURE_PATHWAY)

    def test_a_stay_may_continue_in_the_same_stage(self) -> None:
        """A transfer between providers in one stage is always allowed."""
        stays = (
            _stay("p1", "medium_secure", D(2021, 1, 1), D(2022, 1, 1)),
            _stay("p2", "medium_secure", D(2022, 1, 1)),
        )

        expected = ()
        assert expected == check_pathway(_pathway(placements=stays), SECURE_PATHWAY)

    def test_a_listed_move_back_to_more_security_is_fine(self) -> None:
        """A move to a more secure stage that the definition lists is allowed."""
        stays = (
            _stay("p1", "low_secure", D(2021, 1, 1), D(2022, 1, 1)),
            _stay("p2", "high_secure", D(2022, 1, 1)),
        )

        expected = ()
        assert expected == check_pathway(_pathway(placements=stays), SECURE_PATHWAY)

    def test_the_full_step_down_is_fine(self) -> None:
        """High secure to discharged, one allowed step at a time, is valid."""
        stages = SECURE_PATHWAY.stage_codes
        stays = tuple(
            _stay(f"p{n}", stage, D(2015 + n, 1, 1), None if n == 4 else D(2016 + n, 1, 1))
            for n, stage in enumerate(stages)
        )

        expected = ()
        assert expected == check_pathway(_pathway(placements=stays), SECURE_PATHWAY)


class TestCheckPathwayProblems:
    def test_reports_another_definition_id(self) -> None:
        """A record naming another definition is reported at ``$.definition_id``."""
        problems = check_pathway(_pathway(definition_id="other-pathway"), SECURE_PATHWAY)

        expected = [("$.definition_id", "'other-pathway'")]
        assert expected == [(p.path, p.found) for p in problems]

    def test_reports_another_version(self) -> None:
        """A record naming another version is reported at ``$.definition_version``."""
        problems = check_pathway(_pathway(definition_version="2.0.0"), SECURE_PATHWAY)

        expected = [("$.definition_version", "'2.0.0'")]
        assert expected == [(p.path, p.found) for p in problems]

    def test_reports_a_record_on_another_definition(self) -> None:
        """Checking a secure record against the OPD pathway reports id and stages."""
        problems = check_pathway(
            _pathway(goals=(), reviews=()), OFFENDER_PERSONALITY_DISORDER_PATHWAY
        )

        assert {
            "$.definition_id",
            "$.placements[0].stage",
            "$.placements[1].stage",
            "$.placements[2].stage",
        } == set(_paths(problems))

    def test_reports_an_unknown_stage(self) -> None:
        """A stay in a stage the definition lacks is reported at its path."""
        stays = (*STAYS[:2], _stay("p3", "prison", D(2023, 5, 1)))

        problems = check_pathway(_pathway(placements=stays), SECURE_PATHWAY)

        expected = [("$.placements[2].stage", "'prison'")]
        assert expected == [(p.path, p.found) for p in problems]

    def test_unknown_stage_problem_lists_the_stages(self) -> None:
        """The problem names the stages of the definition."""
        stays = (_stay("p1", "prison", D(2023, 5, 1)),)

        (problem,) = check_pathway(_pathway(placements=stays, goals=(), reviews=()), SECURE_PATHWAY)

        expected = (
            "a stage of 'secure-pathway' "
            "(high_secure, medium_secure, low_secure, community, discharged)"
        )
        assert expected == problem.expected

    def test_an_unknown_stage_is_not_also_a_bad_move(self) -> None:
        """A stay after one in an unknown stage is not reported as a bad move as well."""
        stays = (
            _stay("p1", "prison", D(2021, 1, 1), D(2022, 1, 1)),
            _stay("p2", "high_secure", D(2022, 1, 1)),
        )

        problems = check_pathway(_pathway(placements=stays), SECURE_PATHWAY)

        expected = ["$.placements[0].stage"]
        assert expected == _paths(problems)

    def test_reports_a_move_the_definition_does_not_allow(self) -> None:
        """Discharged to high secure is not a listed move; nothing leaves discharged."""
        stays = (
            _stay("p1", "community", D(2022, 1, 1), D(2023, 1, 1)),
            _stay("p2", "discharged", D(2023, 1, 1), D(2023, 5, 1)),
            _stay("p3", "high_secure", D(2023, 5, 1)),
        )

        (problem,) = check_pathway(_pathway(placements=stays), SECURE_PATHWAY)

        expected = (
            "$.placements[2].stage",
            "a move the definition allows from 'discharged' (none)",
            "'high_secure'",
        )
        assert expected == (problem.path, problem.expected, problem.found)

    def test_bad_move_problem_lists_the_allowed_moves(self) -> None:
        """A move not allowed names the stages that may follow."""
        stays = (
            _stay("p1", "high_secure", D(2021, 1, 1), D(2022, 1, 1)),
            _stay("p2", "low_secure", D(2022, 1, 1)),
        )

        (problem,) = check_pathway(_pathway(placements=stays), SECURE_PATHWAY)

        expected = "a move the definition allows from 'high_secure' (medium_secure)"
        assert expected == problem.expected

    def test_reports_an_unknown_goal_domain(self) -> None:
        """A goal in a domain the framework lacks is reported at its path."""
        goal = attrs.evolve(_pathway().goals[0], domain="cooking")

        problems = check_pathway(_pathway(goals=(goal,)), SECURE_PATHWAY)

        expected = [("$.goals[0].domain", "'cooking'")]
        assert expected == [(p.path, p.found) for p in problems]

    def test_reports_an_unknown_rating_domain(self) -> None:
        """A rating of a domain the framework lacks is reported at its path."""
        review = _review_with(DomainRating(domain="cooking", team="met"))

        problems = check_pathway(_pathway(reviews=(review,)), SECURE_PATHWAY)

        expected = ["$.reviews[0].ratings[0].domain"]
        assert expected == _paths(problems)

    @pytest.mark.parametrize(
        ("rating", "who"),
        [
            (DomainRating(domain="life_skills", team="excellent"), "team"),
            (DomainRating(domain="life_skills", team="met", person="excellent"), "person"),
        ],
        ids=["team", "person"],
    )
    def test_reports_an_unknown_level(self, rating: DomainRating, who: str) -> None:
        """A team or person level the scale lacks is reported at its path."""
        problems = check_pathway(_pathway(reviews=(_review_with(rating),)), SECURE_PATHWAY)

        assert [(f"$.reviews[0].ratings[0].{who}", "'excellent'")] == [
            (p.path, p.found) for p in problems
        ]

    def test_unknown_level_problem_lists_the_levels(self) -> None:
        """The problem names the levels of the framework's scale."""
        review = _review_with(DomainRating(domain="life_skills", team="excellent"))

        (problem,) = check_pathway(_pathway(reviews=(review,)), SECURE_PATHWAY)

        expected = "a level of 'msp-attainment' (not_met, partly_met, met)"
        assert expected == problem.expected

    def test_a_declined_person_level_is_not_a_problem(self) -> None:
        """A person may decline to give a level."""
        review = _review_with(DomainRating(domain="life_skills", team="met", person=None))

        expected = ()
        assert expected == check_pathway(_pathway(reviews=(review,)), SECURE_PATHWAY)

    def test_reports_every_problem_at_once(self) -> None:
        """Every problem found is returned, each at its path."""
        pathway = _bad_pathway()

        expected = BAD_PATHS
        assert expected == _paths(check_pathway(pathway, SECURE_PATHWAY))


def _bad_pathway() -> Pathway:
    stays = (
        _stay("p1", "high_secure", D(2021, 1, 1), D(2022, 1, 1)),
        _stay("p2", "community", D(2022, 1, 1)),
    )
    goal = attrs.evolve(_pathway().goals[0], domain="cooking", set_on=D(2022, 2, 1))
    review = Review(
        id="r1",
        date=D(2022, 3, 1),
        ratings=(
            DomainRating(domain="gardening", team="met"),
            DomainRating(domain="life_skills", team="great", person="superb"),
        ),
    )
    return _pathway(
        definition_version="0.9",
        placements=stays,
        goals=(goal,),
        reviews=(review,),
    )


BAD_PATHS = [
    "$.definition_version",
    "$.placements[1].stage",
    "$.goals[0].domain",
    "$.reviews[0].ratings[0].domain",
    "$.reviews[0].ratings[1].team",
    "$.reviews[0].ratings[1].person",
]


class TestValidatePathway:
    def test_returns_the_pathway_when_valid(self) -> None:
        """A valid record is returned itself, so the call can wrap a constructor."""
        pathway = _pathway()

        assert pathway is validate_pathway(pathway, SECURE_PATHWAY)

    def test_raises_one_error_listing_every_problem(self) -> None:
        """Every problem comes in one ValidationError, each at its path."""
        with pytest.raises(ValidationError) as excinfo:
            validate_pathway(_bad_pathway(), SECURE_PATHWAY)

        expected = BAD_PATHS
        assert expected == _paths(excinfo.value.problems)

    def test_error_message_counts_the_problems(self) -> None:
        """The message says how many problems there are and lists each path."""
        with pytest.raises(ValidationError, match="6 problems found") as excinfo:
            validate_pathway(_bad_pathway(), SECURE_PATHWAY)

        message = str(excinfo.value)
        assert [True] * len(BAD_PATHS) == [f"  - {path}: " in message for path in BAD_PATHS]

    def test_error_holds_the_same_problems_check_pathway_returns(self) -> None:
        """validate_pathway raises exactly what check_pathway finds."""
        pathway = _bad_pathway()

        with pytest.raises(ValidationError) as excinfo:
            validate_pathway(pathway, SECURE_PATHWAY)

        assert check_pathway(pathway, SECURE_PATHWAY) == excinfo.value.problems

    def test_a_check_problem_is_not_a_wrong_type(self) -> None:
        """A record that breaks its definition is a bad value, not a wrong type."""
        with pytest.raises(ValidationError) as excinfo:
            validate_pathway(_pathway(definition_id="other"), SECURE_PATHWAY)

        assert not isinstance(excinfo.value, WrongTypeError)


class TestArgumentTypes:
    @pytest.mark.parametrize("check", [check_pathway, validate_pathway])
    @pytest.mark.parametrize("pathway", [None, "P-0001", {"person_id": "P-0001"}])
    def test_refuses_a_pathway_that_is_not_a_pathway(self, check: Any, pathway: object) -> None:
        """The first argument must be a Pathway."""
        with pytest.raises(WrongTypeError, match="pathway: expected a Pathway"):
            check(pathway, SECURE_PATHWAY)

    @pytest.mark.parametrize("check", [check_pathway, validate_pathway])
    @pytest.mark.parametrize("definition", [None, "secure-pathway", SECURE_PATHWAY.framework])
    def test_refuses_a_definition_that_is_not_a_definition(
        self, check: Any, definition: object
    ) -> None:
        """The second argument must be a PathwayDefinition."""
        with pytest.raises(WrongTypeError, match="definition: expected a PathwayDefinition"):
            check(_pathway(), definition)

    @pytest.mark.parametrize("check", [check_pathway, validate_pathway])
    def test_refuses_arguments_in_the_wrong_order(self, check: Any) -> None:
        """Definition first and record second is a wrong type."""
        with pytest.raises(WrongTypeError):
            check(SECURE_PATHWAY, _pathway())
