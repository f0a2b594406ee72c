"""The exceptions: their hierarchy, their messages and their pickling; and `show_code`."""

from __future__ import annotations

import datetime as dt
import pickle

import attrs
import pytest

import pathway_model as pm
from pathway_model import (
    PathwayModelError,
    Problem,
    UnknownCodeError,
    ValidationError,
    WrongTypeError,
)
from pathway_model.catalogue import SECURE_PATHWAY
from pathway_model.errors import show_code
from pathway_model.model import _seam

END = Problem(path="Placement.end", expected="a date after start", found="2024-01-01")
START = Problem(path="$.placements[1].start", expected="a later date", found="2023-12-01")


class TestHierarchy:
    @pytest.mark.parametrize(
        ("error", "base"),
        [
            (ValidationError, PathwayModelError),
            (ValidationError, ValueError),
            (WrongTypeError, ValidationError),
            (WrongTypeError, PathwayModelError),
            (WrongTypeError, TypeError),
            (WrongTypeError, ValueError),
            (UnknownCodeError, PathwayModelError),
            (UnknownCodeError, LookupError),
        ],
    )
    def test_each_error_derives_from_the_root_and_its_builtin(
        self, error: type[Exception], base: type[Exception]
    ) -> None:
        """Every error is a PathwayModelError and also the builtin that matches its meaning."""
        assert issubclass(error, base)

    def test_root_is_an_exception(self) -> None:
        """The root derives from Exception, so ``except Exception`` catches it."""
        assert issubclass(PathwayModelError, Exception)

    def test_unknown_code_error_is_not_a_validation_error(self) -> None:
        """A failed look-up is not an invalid input."""
        assert not issubclass(UnknownCodeError, ValidationError)

    def test_unknown_code_error_is_not_a_key_error(self) -> None:
        """UnknownCodeError derives from LookupError, not KeyError (which quotes its message)."""
        assert not issubclass(UnknownCodeError, KeyError)

    def test_wrong_type_error_is_caught_as_validation_error(self) -> None:
        """Code that catches ValidationError also catches a wrong type."""
        with pytest.raises(ValidationError):
            raise WrongTypeError([END])


class TestProblem:
    def test_str_names_path_expectation_and_finding(self) -> None:
        """A problem reads ``path: expected ...; found ...``."""
        expected = "Placement.end: expected a date after start; found 2024-01-01"
        assert expected == str(END)

    def test_under_replaces_a_class_name_with_the_location(self) -> None:
        """``Review.date`` placed under ``$.reviews[2]`` becomes ``$.reviews[2].date``."""
        problem = Problem(path="Review.date", expected="a date", found="str")

        expected = "$.reviews[2].date"
        assert expected == problem.under("$.reviews[2]").path

    def test_under_keeps_the_rest_of_a_class_path(self) -> None:
        """Everything after the class name is kept, indexes included."""
        problem = Problem(path="RatingScale.levels[1].rank", expected="a rank", found="0")

        expected = "$.scale.levels[1].rank"
        assert expected == problem.under("$.scale").path

    def test_under_replaces_the_root_of_a_json_path(self) -> None:
        """A ``$`` path has its root replaced by the prefix."""
        problem = Problem(path="$.placements[0].end", expected="a date", found="str")

        expected = "$.records[3].placements[0].end"
        assert expected == problem.under("$.records[3]").path

    def test_under_appends_a_plain_path(self) -> None:
        """A path that starts with neither a class name nor ``$`` goes under the prefix."""
        problem = Problem(path="uk_date", expected="a datetime", found="date")

        expected = "$.events[0].uk_date"
        assert expected == problem.under("$.events[0]").path

    def test_under_replaces_a_bare_class_name_with_the_location(self) -> None:
        """A problem about a whole object (path ``Period``) is placed exactly at the prefix."""
        problem = Problem(path="Period", expected="an ISO 8601 duration", found="'P'")

        expected = "$.stages[0].review_interval"
        assert expected == problem.under("$.stages[0].review_interval").path

    def test_under_keeps_expectation_and_finding(self) -> None:
        """Only the path changes when a problem is placed under a prefix."""
        moved = END.under("$.placements[0]")

        assert (END.expected, END.found) == (moved.expected, moved.found)

    def test_problems_are_frozen(self) -> None:
        """A problem cannot be changed after it is made."""
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            END.path = "elsewhere"  # type: ignore[misc]

    def test_equal_problems_are_equal_and_hash_alike(self) -> None:
        """Problems are values: equal fields mean equal problems."""
        again = Problem(path="Placement.end", expected="a date after start", found="2024-01-01")

        assert (END, hash(END)) == (again, hash(again))


class TestValidationError:
    def test_one_problem_is_the_whole_message(self) -> None:
        """With one problem the message is that problem."""
        assert str(END) == str(ValidationError([END]))

    def test_several_problems_are_all_listed(self) -> None:
        """With several problems the message counts them and lists each on its own line."""
        expected = f"2 problems found:\n  - {END}\n  - {START}"

        assert expected == str(ValidationError([END, START]))

    def test_problems_are_kept_in_order(self) -> None:
        """The problems attribute holds every problem in the order given."""
        expected = (START, END)
        assert expected == ValidationError([START, END]).problems

    def test_problems_may_come_from_any_iterable(self) -> None:
        """A generator of problems is read into a tuple."""
        expected = (END, START)
        assert expected == ValidationError(p for p in (END, START)).problems

    def test_needs_at_least_one_problem(self) -> None:
        """An error with nothing wrong is itself a mistake."""
        with pytest.raises(ValueError, match="at least one Problem"):
            ValidationError([])

    def test_single_builds_an_error_with_one_problem(self) -> None:
        """``single`` is a shortcut for an error about one thing."""
        error = ValidationError.single("Placement.end", "a date after start", "2024-01-01")

        expected = (END,)
        assert expected == error.problems

    def test_wrong_type_error_single_gives_a_wrong_type_error(self) -> None:
        """``single`` builds an instance of the class it is called on."""
        error = WrongTypeError.single("Placement.start", "a date", "str")

        assert WrongTypeError is type(error)

    @pytest.mark.parametrize("error_class", [ValidationError, WrongTypeError])
    def test_pickles_round_trip_with_problems(self, error_class: type[ValidationError]) -> None:
        """An error survives pickling (e.g. from a worker process) with its problems."""
        error = error_class([END, START])

        restored = pickle.loads(pickle.dumps(error))

        assert (error_class, error.problems, str(error)) == (
            type(restored),
            restored.problems,
            str(restored),
        )


class TestUnknownCodeError:
    def test_message_names_kind_code_and_known_codes(self) -> None:
        """The message says what was looked up, the code and the codes that exist."""
        error = UnknownCodeError("domain", "cooking", ["life_skills", "future_plans"])

        expected = "no domain with code 'cooking'; known: 'life_skills', 'future_plans'"
        assert expected == str(error)

    def test_message_says_none_when_nothing_is_known(self) -> None:
        """With no known codes the message says so."""
        expected = "no stage with code 'x'; known: none"
        assert expected == str(UnknownCodeError("stage", "x", []))

    def test_str_has_no_extra_quotes(self) -> None:
        """Unlike KeyError, the message is not wrapped in quotes."""
        message = str(UnknownCodeError("stage", "x", ["a"]))

        expected = (False, False)
        assert expected == (message.startswith('"'), message.startswith("'"))

    def test_keeps_kind_code_and_known(self) -> None:
        """The error carries what was looked up, for callers that handle it."""
        error = UnknownCodeError("stage", "x", iter(["a", "b"]))

        expected = ("stage", "x", ("a", "b"))
        assert expected == (error.kind, error.code, error.known)

    def test_pickles_round_trip(self) -> None:
        """An UnknownCodeError survives pickling with its fields and message."""
        error = UnknownCodeError("domain", "cooking", ["life_skills"])

        restored = pickle.loads(pickle.dumps(error))

        assert (UnknownCodeError, "domain", "cooking", ("life_skills",), str(error)) == (
            type(restored),
            restored.kind,
            restored.code,
            restored.known,
            str(restored),
        )


class TestValidationErrorLimits:
    """An error keeps the first hundred problems, counts them all, and says when more may follow."""

    def test_only_the_first_hundred_problems_are_kept(self) -> None:
        """A thousand problems keep the first hundred, in order, and count a thousand."""
        many = [attrs.evolve(END, path=f"$[{n}]") for n in range(1000)]

        error = ValidationError(many)

        assert (tuple(many[:100]), 1000) == (error.problems, error.total)

    def test_a_generator_is_counted_without_being_kept(self) -> None:
        """Problems from a generator are counted to the end."""
        error = ValidationError(END for _ in range(250))

        assert (100, 250) == (len(error.problems), error.total)

    def test_the_message_says_how_many_are_shown(self) -> None:
        """The first line says how many of how many problems are listed."""
        error = ValidationError([END] * 1_000_000)

        lines = str(error).splitlines()
        assert ("100 of 1,000,000 problems shown:", 101) == (lines[0], len(lines))

    def test_a_total_given_counts_problems_found_elsewhere(self) -> None:
        """A total larger than the problems given is kept, and shown."""
        error = ValidationError([END], 7)

        assert (7, "1 of 7 problems shown:") == (error.total, str(error).splitlines()[0])

    def test_more_may_follow_is_the_last_line(self) -> None:
        """An error whose checks were held back says so on its last line."""
        error = ValidationError([END, START], more_may_follow=True)

        expected = "More problems may follow once these are mended."
        assert (True, expected) == (error.more_may_follow, str(error).splitlines()[-1])

    def test_by_default_nothing_more_follows(self) -> None:
        """An error made from its problems alone says nothing more may follow."""
        assert (False, 1) == (ValidationError([END]).more_may_follow, ValidationError([END]).total)

    @pytest.mark.parametrize("error_class", [ValidationError, WrongTypeError])
    def test_pickles_keep_the_total_and_the_flag(self, error_class: type[ValidationError]) -> None:
        """Pickling keeps the count and the flag, so the message is the same."""
        error = error_class([END] * 150, more_may_follow=True)

        restored = pickle.loads(pickle.dumps(error))

        assert (150, True, str(error)) == (
            restored.total,
            restored.more_may_follow,
            str(restored),
        )

    def test_args_and_repr_carry_the_message(self) -> None:
        """args and repr hold the message, as for any exception."""
        error = ValidationError([END])

        assert ((str(END),), f"ValidationError({str(END)!r})") == (error.args, repr(error))


class TestShowCode:
    def test_a_code_is_shown_quoted(self) -> None:
        """A code is shown as its repr, so that an empty or odd one can be seen."""
        assert ["'medium_secure'", "''", "'a b\\n'"] == [
            show_code("medium_secure"),
            show_code(""),
            show_code("a b\n"),
        ]

    def test_forty_characters_are_shown_whole(self) -> None:
        """A value of up to 40 characters is shown in full."""
        assert repr("x" * 40) == show_code("x" * 40)

    def test_a_longer_value_is_cut_short(self) -> None:
        """Past 40 characters, only the first 37 are shown, and then an ellipsis."""
        assert repr("y" * 37 + "...") == show_code("y" * 37 + "z" * 1000)

    def test_the_library_shows_codes_with_it(self) -> None:
        """The model's messages use this very function: there is one way to show a code."""
        assert show_code is _seam.show_code

    def test_an_unknown_code_is_shown_so_in_the_librarys_message(self) -> None:
        """A code the library does not know appears in its message as show_code shows it."""
        code = "A stage whose name is much longer than forty characters"
        with pytest.raises(UnknownCodeError) as raised:
            pm.Pathway.start(
                SECURE_PATHWAY,
                person_id="P-1",
                stage=code,
                provider="North",
                on=dt.date(2024, 1, 8),
            )
        assert f"no stage with code {show_code(code)};" in str(raised.value)
