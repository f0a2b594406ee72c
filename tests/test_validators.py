"""The model's validators are data: small callables whose fields say what they check."""

from __future__ import annotations

import datetime as dt
import pickle
from pathlib import Path
from typing import Any

import attrs
import pytest

import pathway_model as pm
from pathway_model.catalogue import SECURE_PATHWAY
from pathway_model.io._converter import MODEL_CLASSES
from pathway_model.io._json import _name_codes
from pathway_model.model import _checks
from pathway_model.model._checks import CODE_EXPECTED
from pathway_model.model._record import item_at, review_item_at, to_input_position
from pathway_model.scoring import score_dundrum_4

SOURCE = Path(__file__).resolve().parents[1] / "src" / "pathway_model"


#: Checks of a whole array that a class makes in a method of its own: the schema states
#: their limits (at least one, no repeats) with the class's other array limits.
_METHODS = {"IncidentRule.kinds"}


def _validators() -> list[tuple[str, Any]]:
    return [
        (f"{cls.__name__}.{field.name}", field.validator)
        for cls in MODEL_CLASSES
        for field in attrs.fields(cls)
        if field.validator is not None and f"{cls.__name__}.{field.name}" not in _METHODS
    ]


class TestValidatorsAsData:
    """What a validator checks is held in its fields, for the schema and the fast path."""

    @pytest.mark.parametrize(("where", "validator"), _validators())
    def test_every_validator_of_the_format_is_an_attrs_value(
        self, where: str, validator: object
    ) -> None:
        """Each validator on a class of the JSON format is an attrs instance with a repr."""
        assert attrs.has(type(validator)), where
        assert repr(validator).startswith("<"), where

    def test_a_bed_day_cost_is_an_amount_in_the_schema(self) -> None:
        """A bed-day cost's validator makes it an Amount, as the schema says."""
        stage = pm.json_schema(pm.PathwayDefinition)["$defs"]["Stage"]
        cost = stage["properties"]["bed_day_cost"]
        assert {"$ref": "#/$defs/Amount"} == cost["anyOf"][0]
        assert isinstance(attrs.fields(pm.Stage).bed_day_cost.validator, _checks.AmountValidator)

    def test_an_integer_validator_holds_its_bounds(self) -> None:
        """A stage's security rank is a whole number from 0, read off its validator."""
        validator = attrs.fields(pm.Stage).security_rank.validator
        assert isinstance(validator, _checks.IntegerValidator)
        assert (0, _checks.MAX_SAFE_INTEGER) == (validator.minimum, validator.maximum)

    def test_the_schema_states_the_bounds_its_validator_holds(self) -> None:
        """The JSON Schema of a stage's security rank gives the validator's minimum."""
        stage = pm.json_schema(pm.PathwayDefinition)["$defs"]["Stage"]
        rank = stage["properties"]["security_rank"]
        assert (0, _checks.MAX_SAFE_INTEGER) == (rank["minimum"], rank["maximum"])

    def test_a_text_validator_holds_its_limit(self) -> None:
        """A placement's provider is a name: at most 200 characters, never empty."""
        validator = attrs.fields(pm.Placement).provider.validator
        assert _checks.TextValidator(limit=_checks.MAX_NAME_LENGTH) == validator

    def test_validators_with_the_same_fields_are_equal(self) -> None:
        """Two validators checking the same thing are equal, as values are."""
        assert _checks.integer(minimum=1) == _checks.integer(minimum=1)
        assert _checks.integer(minimum=1) != _checks.integer(minimum=2)

    def test_a_repr_says_what_is_checked(self) -> None:
        """A validator's repr names what it checks."""
        assert "<integer validator from 1 to 5>" == repr(_checks.integer(minimum=1, maximum=5))
        assert "<optional code validator>" == repr(_checks.optional_code)

    @pytest.mark.parametrize("needle", ["getclosurevars", "__qualname__"])
    def test_no_fact_is_read_back_out_of_a_function(self, needle: str) -> None:
        """No module reads a validator's closure or matches on a function's qualified name."""
        found = [
            path.relative_to(SOURCE).as_posix()
            for path in sorted(SOURCE.rglob("*.py"))
            if needle in path.read_text(encoding="utf-8")
        ]
        assert [] == found


class TestErrorKind:
    """An error's class is chosen from the kind of its problems, never from their wording."""

    def test_a_wrong_type_problem_gives_a_wrong_type_error(self) -> None:
        """Problems all of a wrong type make a WrongTypeError."""
        wrong = pm.Problem(path="$.a", expected="a date", found="int", wrong_type=True)
        assert type(pm.ValidationError.of([wrong, wrong])) is pm.WrongTypeError

    def test_one_wrong_value_makes_a_validation_error(self) -> None:
        """A wrong value beside a wrong type makes a ValidationError, not a WrongTypeError."""
        wrong = pm.Problem(path="$.a", expected="a date", found="int", wrong_type=True)
        bad = pm.Problem(path="$.b", expected="a date that exists", found="'2024-02-30'")
        assert type(pm.ValidationError.of([wrong, bad])) is pm.ValidationError

    def test_the_kind_takes_no_part_in_equality(self) -> None:
        """A problem's kind chooses the error class; problems compare by what they say."""
        plain = pm.Problem(path="$.a", expected="a date", found="int")
        assert plain == pm.Problem(path="$.a", expected="a date", found="int", wrong_type=True)
        assert "wrong_type" not in repr(plain)

    def test_a_wrong_type_error_marks_its_problem(self) -> None:
        """WrongTypeError.single gives a problem of a wrong type; ValidationError.single not."""
        assert pm.WrongTypeError.single("x", "a date", "int").problems[0].wrong_type
        assert not pm.ValidationError.single("x", "a date", "int").problems[0].wrong_type

    def test_the_kind_survives_pickling(self) -> None:
        """An error sent between processes keeps the kind of its problems."""
        error = pickle.loads(pickle.dumps(pm.WrongTypeError.single("x", "a date", "int")))
        assert error.problems[0].wrong_type

    def test_text_whose_wording_looks_like_a_type_name_is_still_a_wrong_value(self) -> None:
        """Blank text where a name belongs is a ValidationError; a number there a WrongTypeError."""
        with pytest.raises(pm.ValidationError) as blank:
            pm.Placement(id="p", stage="s", provider="  ", start=dt.date(2024, 1, 1))
        assert type(blank.value) is pm.ValidationError
        with pytest.raises(pm.WrongTypeError):
            pm.Placement(id="p", stage="s", provider=7, start=dt.date(2024, 1, 1))  # type: ignore[arg-type]

    def test_a_dundrum_rating_with_a_fraction_is_a_wrong_value(self) -> None:
        """A DUNDRUM rating of 3.5 is a number of the wrong value: a ValidationError."""
        with pytest.raises(pm.ValidationError) as caught:
            score_dundrum_4([3.5, 1, 1, 1, 1, 1])  # type: ignore[list-item]
        assert type(caught.value) is pm.ValidationError

    def test_a_dundrum_rating_given_as_text_is_a_wrong_type(self) -> None:
        """A DUNDRUM rating given as text is of the wrong type: a WrongTypeError."""
        with pytest.raises(pm.WrongTypeError):
            score_dundrum_4(["high", "1", "2", "3", "4", "0"])  # type: ignore[list-item]


class TestNotACode:
    """Text that is not a code is marked as such, and the loader reads the mark, not the words."""

    def test_text_that_is_not_a_code_is_marked(self) -> None:
        """A stage written ``medium secure`` is a problem of text that is not a code."""
        with pytest.raises(pm.ValidationError) as caught:
            pm.Placement(id="p", stage="medium secure", provider="X", start=dt.date(2024, 1, 1))
        assert [True] == [problem.not_a_code for problem in caught.value.problems]

    def test_a_code_of_the_wrong_type_is_not_marked(self) -> None:
        """A number where a stage belongs is of the wrong type, not text that is not a code."""
        with pytest.raises(pm.WrongTypeError) as caught:
            pm.Placement(id="p", stage=7, provider="X", start=dt.date(2024, 1, 1))  # type: ignore[arg-type]
        assert [False] == [problem.not_a_code for problem in caught.value.problems]

    def test_a_person_id_that_is_not_a_code_is_marked(self) -> None:
        """A person id with a space in it is text that is not a code, shown by its length."""
        with pytest.raises(pm.ValidationError) as caught:
            pm.Pathway.start(
                SECURE_PATHWAY,
                person_id="P 0001",
                stage="medium_secure",
                provider="X",
                on=dt.date(2024, 1, 1),
            )
        assert [True] == [problem.not_a_code for problem in caught.value.problems]

    def test_the_mark_takes_no_part_in_equality_and_is_not_shown(self) -> None:
        """Problems compare by what they say; the mark is data for code, not for the reader."""
        plain = pm.Problem(path="$.a", expected="a code", found="'a b'")
        marked = pm.Problem(path="$.a", expected="a code", found="'a b'", not_a_code=True)
        assert plain == marked
        assert "not_a_code" not in repr(marked)

    def test_the_mark_survives_pickling_and_placing(self) -> None:
        """An error sent between processes, and a problem placed under a path, keep the mark."""
        error = pm.ValidationError([_checks.code_problem("Placement.stage", "'a b'")])
        problem = pickle.loads(pickle.dumps(error)).problems[0].under("$.placements[0]")
        assert ("$.placements[0].stage", True) == (problem.path, problem.not_a_code)

    @pytest.mark.parametrize(
        ("path", "expected"),
        [
            ("$.placements[0].stage", "a stage of 'secure-pathway' (high_secure,"),
            ("$.goals[0].domain", "a domain of 'my-shared-pathway' ("),
            ("$.reviews[0].ratings[0].team", "a level of 'msp-attainment' (not_met,"),
        ],
    )
    def test_the_loader_names_the_codes_where_the_mark_is(self, path: str, expected: str) -> None:
        """A marked problem is told the definition's codes, whatever words it was given."""
        problem = pm.Problem(path=path, expected="a code", found="'a b'", not_a_code=True)
        named = _name_codes(problem, SECURE_PATHWAY)
        assert expected == named.expected[: len(expected)]

    def test_the_loader_leaves_an_unmarked_problem_alone(self) -> None:
        """A problem that only reads like one of text that is not a code keeps its words."""
        problem = pm.Problem(path="$.placements[0].stage", expected=CODE_EXPECTED, found="7")
        assert problem.expected == _name_codes(problem, SECURE_PATHWAY).expected


def _review(review_id: str, day: int) -> pm.Review:
    return pm.Review(id=review_id, date=dt.date(2024, 1, day))


class TestInputPositions:
    """A record's problem, counted in canonical order, is placed at the input's position."""

    def test_the_item_a_path_points_at_is_found_in_canonical_order(self) -> None:
        """``$.reviews[0].date`` is the earliest review, and the rest of the path is kept."""
        early, late = _review("r-early", 1), _review("r-late", 9)
        found = item_at("$.reviews[0].date", {"reviews": (early, late)})
        assert ("reviews", early, ".date") == found

    def test_a_path_outside_the_collections_points_at_nothing(self) -> None:
        """A path into no collection, or past its end, points at no item."""
        assert item_at("$.person_id", {"reviews": ()}) is None
        assert item_at("$.reviews[2].date", {"reviews": (_review("r", 1),)}) is None

    def test_the_rating_or_update_a_review_path_points_at_is_found(self) -> None:
        """``.ratings[1].team`` is the review's second rating; ``.goal_progress[0]`` its update."""
        first = pm.DomainRating(domain="a", team="met")
        second = pm.DomainRating(domain="b", team="met")
        update = pm.GoalProgress(goal="g", achievement_status="improving")
        review = pm.Review(
            id="r", date=dt.date(2024, 1, 1), ratings=(first, second), goal_progress=(update,)
        )
        assert ("ratings", second, ".team") == review_item_at(review, ".ratings[1].team")
        assert ("goal_progress", update, ".goal") == review_item_at(
            review, ".goal_progress[0].goal"
        )

    def test_a_review_path_past_its_items_points_at_nothing(self) -> None:
        """A position past the review's ratings, or a field of the review itself, is no item."""
        review = pm.Review(id="r", date=dt.date(2024, 1, 1))
        assert review_item_at(review, ".ratings[0].team") is None
        assert review_item_at(review, ".date") is None

    def test_only_the_model_spells_out_where_an_item_is(self) -> None:
        """The positions of a record's items are read in one place, the model, by every reader."""
        spellings = (
            "placements|goals|reviews|incidents",
            "ratings|goal_progress",
            "goal_progress|ratings",
        )
        found = [
            path.relative_to(SOURCE).as_posix()
            for path in sorted(SOURCE.rglob("*.py"))
            if any(spelling in path.read_text(encoding="utf-8") for spelling in spellings)
        ]
        assert ["model/_record.py"] == found

    def test_a_problem_is_placed_at_the_input_position(self) -> None:
        """Reviews given latest first: the canonical first review was given second."""
        early, late = _review("r-early", 1), _review("r-late", 9)
        given = (late, early)
        problem = pm.Problem(path="$.reviews[0].date", expected="a date", found="x")
        placed = to_input_position(
            problem,
            {"reviews": (early, late)},
            {"reviews": {id(item): n for n, item in enumerate(given)}},
        )
        assert "$.reviews[1].date" == placed.path
