"""Outcome frameworks: rating levels, rating scales, outcome domains and frameworks."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from pathway_model import (
    OutcomeDomain,
    OutcomeFramework,
    RatingLevel,
    RatingScale,
    UnknownCodeError,
    ValidationError,
    WrongTypeError,
)

BAD_CODES = ["", " ", "life skills", "a" * 65, "_private", "-dash", ".dot", "café", "a/b", "a\n"]
BAD_CODE_IDS = ["empty", "space", "inner-space", "too-long", "underscore", "dash", "dot", "accent"]
BAD_CODE_IDS += ["slash", "newline"]


def _level(code: str = "met", rank: int = 2, **extra: Any) -> RatingLevel:
    return RatingLevel(code=code, label=code.replace("_", " ").capitalize(), rank=rank, **extra)


LEVELS = (_level("not_met", 0), _level("partly_met", 1), _level("met", 2))


def _scale(**extra: Any) -> RatingScale:
    fields: dict[str, Any] = {"code": "attainment", "name": "Attainment", "levels": LEVELS}
    return RatingScale(**(fields | extra))


def _domain(code: str = "life_skills", **extra: Any) -> OutcomeDomain:
    fields: dict[str, Any] = {
        "code": code,
        "name": code.replace("_", " ").capitalize(),
        "everyday_name": "My " + code.replace("_", " "),
    }
    return OutcomeDomain(**(fields | extra))


DOMAINS = (_domain("mental_health"), _domain("life_skills"), _domain("future_plans"))


def _framework(**extra: Any) -> OutcomeFramework:
    fields: dict[str, Any] = {
        "id": "test-framework",
        "version": "1.0.0",
        "name": "Test framework",
        "domains": DOMAINS,
        "scale": _scale(),
    }
    return OutcomeFramework(**(fields | extra))


class TestRatingLevel:
    def test_everyday_label_defaults_to_label(self) -> None:
        """Without an everyday label the team's label is used."""
        expected = "Partly met"
        assert expected == RatingLevel(code="partly_met", label="Partly met", rank=1).everyday_label

    def test_everyday_label_is_kept_when_given(self) -> None:
        """An everyday label given is kept."""
        level = _level("partly_met", 1, everyday_label="part of the way there")

        expected = "part of the way there"
        assert expected == level.everyday_label

    @pytest.mark.parametrize("code", ["met", "Met", "0", "a.b:c-d_e", "a" * 64, "partly_met"])
    def test_accepts_codes(self, code: str) -> None:
        """Codes are 1-64 letters, digits and ``_ - . :``, starting with a letter or digit."""
        assert code == _level(code).code

    @pytest.mark.parametrize("code", BAD_CODES, ids=BAD_CODE_IDS)
    def test_refuses_bad_codes(self, code: str) -> None:
        """A code outside the code alphabet is refused and the path names the field."""
        with pytest.raises(ValidationError, match=r"RatingLevel\.code: expected a code of 1-64"):
            RatingLevel(code=code, label="Met", rank=2)

    def test_long_bad_code_is_shortened_in_the_message(self) -> None:
        """A long code is cut short in the message."""
        with pytest.raises(ValidationError) as excinfo:
            RatingLevel(code="a" * 100, label="Met", rank=2)

        expected = "'" + "a" * 37 + "...'"
        assert expected == excinfo.value.problems[0].found

    @pytest.mark.parametrize("code", [None, 1, b"met", ["met"]])
    def test_refuses_codes_that_are_not_strings(self, code: object) -> None:
        """A code must be a str; anything else is a wrong type."""
        with pytest.raises(WrongTypeError, match=r"RatingLevel\.code: expected a code \(str\)"):
            RatingLevel(code=code, label="Met", rank=2)  # type: ignore[arg-type]

    @pytest.mark.parametrize("label", ["", "   ", "\t\n"])
    def test_refuses_blank_labels(self, label: str) -> None:
        """A label must say something."""
        with pytest.raises(ValidationError, match=r"RatingLevel\.label: expected non-empty text"):
            RatingLevel(code="met", label=label, rank=2)

    def test_refuses_labels_too_long(self) -> None:
        """Labels are short: more than 200 characters is refused, and reported by length."""
        with pytest.raises(ValidationError, match="found text of 201 characters"):
            RatingLevel(code="met", label="x" * 201, rank=2)

    def test_accepts_labels_of_two_hundred_characters(self) -> None:
        """200 characters is the longest label."""
        expected = 200
        assert expected == len(RatingLevel(code="met", label="x" * 200, rank=2).label)

    def test_refuses_labels_that_are_not_strings(self) -> None:
        """A label must be a str."""
        with pytest.raises(WrongTypeError, match=r"RatingLevel\.label: expected text \(str\)"):
            RatingLevel(code="met", label=3, rank=2)  # type: ignore[arg-type]

    def test_refuses_blank_everyday_labels(self) -> None:
        """An everyday label given must not be blank."""
        with pytest.raises(ValidationError, match=r"RatingLevel\.everyday_label"):
            _level(everyday_label=" ")

    @pytest.mark.parametrize("rank", [True, False, 1.0, "1", None])
    def test_refuses_ranks_that_are_not_ints(self, rank: object) -> None:
        """A rank is an int; a bool is not accepted as one."""
        with pytest.raises(WrongTypeError, match=r"RatingLevel\.rank: expected an integer"):
            RatingLevel(code="met", label="Met", rank=rank)  # type: ignore[arg-type]

    def test_is_frozen(self) -> None:
        """A level cannot be changed after it is made."""
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            _level().rank = 5  # type: ignore[misc]

    def test_equal_levels_are_equal_and_hash_alike(self) -> None:
        """Levels are values."""
        assert (_level(), hash(_level())) == (_level(), hash(_level()))


class TestRatingScaleConstruction:
    def test_list_of_levels_becomes_a_tuple(self) -> None:
        """Levels given as a list are kept as a tuple."""
        expected = LEVELS
        assert expected == _scale(levels=list(LEVELS)).levels

    def test_generator_of_levels_becomes_a_tuple(self) -> None:
        """Any iterable of levels is accepted."""
        expected = LEVELS
        assert expected == _scale(levels=(level for level in LEVELS)).levels

    @pytest.mark.parametrize("levels", [(), LEVELS[:1]], ids=["none", "one"])
    def test_refuses_fewer_than_two_levels(self, levels: tuple[RatingLevel, ...]) -> None:
        """A scale needs at least two levels to judge anything."""
        with pytest.raises(ValidationError, match=r"RatingScale\.levels: expected at least 2"):
            _scale(levels=levels)

    def test_refuses_repeated_level_codes(self) -> None:
        """Each level code appears once; the repeat is reported where it is."""
        levels = (_level("low", 0), _level("low", 1))

        with pytest.raises(ValidationError) as excinfo:
            _scale(levels=levels)

        expected = ["RatingScale.levels[1]"]
        assert expected == [p.path for p in excinfo.value.problems]

    @pytest.mark.parametrize("second_rank", [0, -1], ids=["equal", "lower"])
    def test_refuses_ranks_that_do_not_increase(self, second_rank: int) -> None:
        """Levels go from worst to best with strictly increasing ranks."""
        levels = (_level("low", 0), _level("high", second_rank))

        with pytest.raises(ValidationError) as excinfo:
            _scale(levels=levels)

        expected = ["RatingScale.levels[1].rank"]
        assert expected == [p.path for p in excinfo.value.problems]

    def test_reports_every_problem_at_once(self) -> None:
        """A repeated code and a falling rank are both reported in one error."""
        levels = (_level("low", 1), _level("mid", 0), _level("mid", 2))

        with pytest.raises(ValidationError) as excinfo:
            _scale(levels=levels)

        expected = {"RatingScale.levels[2]", "RatingScale.levels[1].rank"}
        assert expected == {p.path for p in excinfo.value.problems}

    def test_refuses_items_that_are_not_levels(self) -> None:
        """Every item must be a RatingLevel; the wrong one is named by index."""
        with pytest.raises(
            WrongTypeError, match=r"RatingScale\.levels\[1\]: expected a RatingLevel"
        ):
            _scale(levels=(LEVELS[0], "met"))

    @pytest.mark.parametrize("levels", [None, 3, "not_met,met"])
    def test_refuses_levels_that_are_not_a_sequence(self, levels: object) -> None:
        """The levels must be a sequence; a str is not taken as one."""
        with pytest.raises(WrongTypeError, match=r"RatingScale\.levels: expected a sequence"):
            _scale(levels=levels)

    @pytest.mark.parametrize("code", BAD_CODES, ids=BAD_CODE_IDS)
    def test_refuses_bad_codes(self, code: str) -> None:
        """The scale's own code follows the code alphabet."""
        with pytest.raises(ValidationError, match=r"RatingScale\.code"):
            _scale(code=code)

    @pytest.mark.parametrize("name", ["", " ", "n" * 201])
    def test_refuses_bad_names(self, name: str) -> None:
        """The scale's name must be short, non-blank text."""
        with pytest.raises(ValidationError, match=r"RatingScale\.name"):
            _scale(name=name)


class TestRatingScaleLookUps:
    def test_level_finds_a_level_by_code(self) -> None:
        """``level`` returns the level with the code."""
        assert LEVELS[1] == _scale().level("partly_met")

    def test_level_of_an_unknown_code_lists_the_known_codes(self) -> None:
        """An unknown level code raises UnknownCodeError naming the codes that exist."""
        with pytest.raises(UnknownCodeError) as excinfo:
            _scale().level("excellent")

        expected = ("rating level", "excellent", ("not_met", "partly_met", "met"))
        assert expected == (
            excinfo.value.kind,
            excinfo.value.code,
            excinfo.value.known,
        )

    def test_level_error_message_names_the_codes(self) -> None:
        """The message of an unknown level lists the known codes in order."""
        expected = "no rating level with code 'excellent'; known: 'not_met', 'partly_met', 'met'"

        with pytest.raises(UnknownCodeError) as excinfo:
            _scale().level("excellent")

        assert expected == str(excinfo.value)

    @pytest.mark.parametrize(("code", "rank"), [("not_met", 0), ("partly_met", 1), ("met", 2)])
    def test_rank_gives_the_level_rank(self, code: str, rank: int) -> None:
        """``rank`` returns the rank of the level with the code."""
        assert rank == _scale().rank(code)

    def test_rank_of_an_unknown_code_raises(self) -> None:
        """``rank`` of an unknown level raises UnknownCodeError."""
        with pytest.raises(UnknownCodeError, match="excellent"):
            _scale().rank("excellent")

    @pytest.mark.parametrize(
        ("actual", "required", "expected"),
        [
            ("met", "partly_met", True),
            ("partly_met", "partly_met", True),
            ("not_met", "partly_met", False),
            ("not_met", "not_met", True),
            ("partly_met", "met", False),
        ],
    )
    def test_at_least_compares_by_rank(self, actual: str, required: str, expected: bool) -> None:
        """A level is at least another when its rank is the same or higher."""
        assert expected == _scale().at_least(actual, required)

    @pytest.mark.parametrize(("actual", "required"), [("excellent", "met"), ("met", "excellent")])
    def test_at_least_with_an_unknown_code_raises(self, actual: str, required: str) -> None:
        """Comparing with a level the scale lacks raises UnknownCodeError."""
        with pytest.raises(UnknownCodeError, match="excellent"):
            _scale().at_least(actual, required)

    @pytest.mark.parametrize(
        ("value", "expected"),
        [("met", True), ("not_met", True), ("excellent", False), ("", False), (2, False)],
    )
    def test_contains_checks_level_codes(self, value: object, expected: bool) -> None:
        """``in`` tells whether a code is a level of the scale."""
        assert expected == (value in _scale())

    @pytest.mark.parametrize("value", [["met"], {"met": 1}, {"met"}], ids=["list", "dict", "set"])
    def test_contains_is_false_for_unhashable_values(self, value: object) -> None:
        """``in`` with an unhashable value answers False instead of raising."""
        assert False is (value in _scale())

    def test_codes_are_worst_first(self) -> None:
        """``codes`` lists the level codes in order."""
        expected = ("not_met", "partly_met", "met")
        assert expected == _scale().codes

    def test_lowest_and_highest(self) -> None:
        """``lowest`` is the first level and ``highest`` the last."""
        assert (LEVELS[0], LEVELS[2]) == (_scale().lowest, _scale().highest)


class TestRatingScaleValue:
    def test_is_frozen(self) -> None:
        """A scale cannot be changed after it is made."""
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            _scale().name = "Other"  # type: ignore[misc]

    def test_scales_with_the_same_fields_are_equal(self) -> None:
        """Two scales built alike are equal and hash alike."""
        assert (_scale(), hash(_scale())) == (_scale(levels=list(LEVELS)), hash(_scale()))

    def test_scales_with_different_levels_differ(self) -> None:
        """A change of level makes a different scale."""
        assert _scale() != _scale(levels=(LEVELS[0], LEVELS[2]))

    def test_evolve_revalidates(self) -> None:
        """``attrs.evolve`` runs the checks again."""
        with pytest.raises(ValidationError, match="at least 2 levels"):
            attrs.evolve(_scale(), levels=LEVELS[:1])


class TestOutcomeDomain:
    def test_description_defaults_to_empty(self) -> None:
        """A domain need not have a description."""
        expected = ""
        assert expected == _domain().description

    @pytest.mark.parametrize("code", BAD_CODES, ids=BAD_CODE_IDS)
    def test_refuses_bad_codes(self, code: str) -> None:
        """A domain code follows the code alphabet."""
        with pytest.raises(ValidationError, match=r"OutcomeDomain\.code"):
            _domain(code)

    @pytest.mark.parametrize("field", ["name", "everyday_name"])
    @pytest.mark.parametrize("value", ["", "  ", "x" * 201], ids=["empty", "blank", "too-long"])
    def test_refuses_bad_names(self, field: str, value: str) -> None:
        """Both names must be short, non-blank text."""
        with pytest.raises(ValidationError, match=rf"OutcomeDomain\.{field}: expected"):
            _domain(**{field: value})

    @pytest.mark.parametrize("field", ["name", "everyday_name", "description"])
    def test_refuses_text_that_is_not_a_string(self, field: str) -> None:
        """Names and description must be str."""
        with pytest.raises(WrongTypeError, match=rf"OutcomeDomain\.{field}: expected text"):
            _domain(**{field: None})

    def test_refuses_descriptions_over_twenty_thousand_characters(self) -> None:
        """A description too long to be one is refused, reported by length."""
        with pytest.raises(ValidationError, match="found text of 20,001 characters"):
            _domain(description="x" * 20_001)

    def test_is_frozen(self) -> None:
        """A domain cannot be changed after it is made."""
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            _domain().name = "Other"  # type: ignore[misc]

    def test_equal_domains_hash_alike(self) -> None:
        """Domains are values."""
        assert (_domain(), hash(_domain())) == (_domain(), hash(_domain()))


class TestOutcomeFrameworkConstruction:
    def test_list_of_domains_becomes_a_tuple(self) -> None:
        """Domains given as a list are kept as a tuple, in order."""
        expected = DOMAINS
        assert expected == _framework(domains=list(DOMAINS)).domains

    def test_refuses_no_domains(self) -> None:
        """A framework needs at least one domain."""
        with pytest.raises(
            ValidationError, match=r"OutcomeFramework\.domains: expected at least 1"
        ):
            _framework(domains=())

    def test_refuses_repeated_domain_codes(self) -> None:
        """Each domain code appears once; the repeat is reported where it is."""
        domains = (_domain("a"), _domain("b"), _domain("a", name="Another"))

        with pytest.raises(ValidationError) as excinfo:
            _framework(domains=domains)

        expected = ["OutcomeFramework.domains[2]"]
        assert expected == [p.path for p in excinfo.value.problems]

    def test_refuses_items_that_are_not_domains(self) -> None:
        """Every item must be an OutcomeDomain."""
        with pytest.raises(WrongTypeError, match=r"domains\[0\]: expected an OutcomeDomain"):
            _framework(domains=("life_skills",))

    @pytest.mark.parametrize("scale", [None, "attainment", LEVELS])
    def test_refuses_a_scale_that_is_not_a_rating_scale(self, scale: object) -> None:
        """The scale must be a RatingScale."""
        with pytest.raises(
            WrongTypeError, match=r"OutcomeFramework\.scale: expected a RatingScale"
        ):
            _framework(scale=scale)

    @pytest.mark.parametrize("field", ["id", "version"])
    @pytest.mark.parametrize("value", ["", "has space", "_x"])
    def test_refuses_bad_ids_and_versions(self, field: str, value: str) -> None:
        """Id and version follow the code alphabet."""
        with pytest.raises(ValidationError, match=rf"OutcomeFramework\.{field}"):
            _framework(**{field: value})

    def test_refuses_a_blank_name(self) -> None:
        """The framework's name must not be blank."""
        with pytest.raises(ValidationError, match=r"OutcomeFramework\.name"):
            _framework(name=" ")


class TestOutcomeFrameworkLookUps:
    def test_domain_finds_a_domain_by_code(self) -> None:
        """``domain`` returns the domain with the code."""
        assert DOMAINS[1] == _framework().domain("life_skills")

    def test_domain_of_an_unknown_code_lists_the_known_codes(self) -> None:
        """An unknown domain raises UnknownCodeError naming the codes that exist, in order."""
        with pytest.raises(UnknownCodeError) as excinfo:
            _framework().domain("cooking")

        expected = ("domain", "cooking", ("mental_health", "life_skills", "future_plans"))
        assert expected == (
            excinfo.value.kind,
            excinfo.value.code,
            excinfo.value.known,
        )

    def test_domain_codes_keep_display_order(self) -> None:
        """``domain_codes`` lists the codes in the order given."""
        expected = ("mental_health", "life_skills", "future_plans")
        assert expected == _framework().domain_codes

    @pytest.mark.parametrize(
        ("value", "expected"),
        [("life_skills", True), ("cooking", False), (None, False), (["life_skills"], False)],
    )
    def test_contains_checks_domain_codes(self, value: object, expected: bool) -> None:
        """``in`` tells whether a code is a domain; unhashable values answer False."""
        assert expected == (value in _framework())


class TestOutcomeFrameworkValue:
    def test_is_frozen(self) -> None:
        """A framework cannot be changed after it is made."""
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            _framework().version = "2.0.0"  # type: ignore[misc]

    def test_frameworks_with_the_same_fields_are_equal(self) -> None:
        """Two frameworks built alike are equal and hash alike."""
        assert (_framework(), hash(_framework())) == (_framework(), hash(_framework()))

    def test_a_new_version_is_a_different_framework(self) -> None:
        """Frameworks differing only in version are not equal."""
        assert _framework() != _framework(version="1.1.0")
