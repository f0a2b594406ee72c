"""One person's record: placements, goals, ratings, reviews, incidents and the pathway."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import attrs
import pytest

from pathway_model import (
    DomainRating,
    Goal,
    GoalAchievementStatus,
    GoalLifecycleStatus,
    GoalProgress,
    GoalSetter,
    Incident,
    IncidentKind,
    IncidentSeverity,
    Pathway,
    Placement,
    Review,
    ReviewKind,
    UnknownCodeError,
    ValidationError,
    WrongTypeError,
)
from pathway_model.catalogue import SECURE_PATHWAY

D = dt.date
SECRET = "I want to visit my sister Marigold in Aberystwyth"
"""A distinctive phrase of clinical free text that must never appear in a message."""

ADMITTED = D(2024, 1, 1)
GOAL_SET = D(2024, 1, 10)
INCIDENT_DAY = D(2024, 2, 1)
REVIEW_DAY = D(2024, 3, 1)

LEAKY_TEXT = [SECRET * 500, SECRET.encode(), [SECRET], {"goal": SECRET}]
LEAKY_IDS = ["too-long", "bytes", "list", "dict"]


def _placement(
    id: str = "p1",
    stage: str = "medium_secure",
    start: dt.date = ADMITTED,
    end: dt.date | None = None,
) -> Placement:
    return Placement(id=id, stage=stage, provider="Northfield MSU", start=start, end=end)


def _goal(id: str = "g1", set_on: dt.date = GOAL_SET, **extra: Any) -> Goal:
    fields: dict[str, Any] = {
        "id": id,
        "domain": "life_skills",
        "description": SECRET,
        "set_by": GoalSetter.PERSON,
        "set_on": set_on,
    }
    return Goal(**(fields | extra))


def _review(id: str = "r1", date: dt.date = REVIEW_DAY, **extra: Any) -> Review:
    return Review(id=id, date=date, **extra)


def _incident(id: str = "i1", date: dt.date = INCIDENT_DAY, **extra: Any) -> Incident:
    fields: dict[str, Any] = {
        "id": id,
        "date": date,
        "kind": IncidentKind.VIOLENCE,
        "severity": IncidentSeverity.MINOR,
    }
    return Incident(**(fields | extra))


def _pathway(**extra: Any) -> Pathway:
    fields: dict[str, Any] = {
        "person_id": "P-0001",
        "definition_id": "secure-pathway",
        "definition_version": "1.0.0",
        "placements": (_placement(),),
    }
    return Pathway(**(fields | extra))


STAYS = (
    _placement("p1", "high_secure", D(2020, 1, 1), D(2022, 6, 1)),
    _placement("p2", "medium_secure", D(2022, 6, 1), D(2023, 9, 1)),
    _placement("p3", "low_secure", D(2023, 9, 1)),
)


def _paths(excinfo: pytest.ExceptionInfo[ValidationError]) -> list[str]:
    return [problem.path for problem in excinfo.value.problems]


class TestPlacement:
    def test_is_open_without_an_end(self) -> None:
        """A placement with no end goes on."""
        expected = (True, False)
        assert expected == (_placement().is_open, _placement(end=D(2024, 2, 1)).is_open)

    @pytest.mark.parametrize("end", [D(2024, 1, 1), D(2023, 12, 31)], ids=["same-day", "before"])
    def test_refuses_an_end_not_after_the_start(self, end: dt.date) -> None:
        """A stay ends on a later day than it starts."""
        with pytest.raises(ValidationError, match=r"Placement\.end: expected a date after start"):
            _placement(start=D(2024, 1, 1), end=end)

    def test_accepts_a_one_day_stay(self) -> None:
        """A stay that ends the day after it starts lasts one day."""
        expected = 1
        assert expected == _placement(end=D(2024, 1, 2)).days_until(D(2025, 1, 1))

    @pytest.mark.parametrize("field", ["start", "end"])
    def test_refuses_datetimes(self, field: str) -> None:
        """A datetime is not a date: it must be converted with uk_date first."""
        moment = dt.datetime(2024, 6, 1, 12, 0, tzinfo=dt.timezone.utc)

        with pytest.raises(WrongTypeError, match=rf"Placement\.{field}: .*uk_date"):
            _placement(**{field: moment})

    @pytest.mark.parametrize("value", ["2024-01-01", 20240101, None])
    def test_refuses_a_start_that_is_not_a_date(self, value: object) -> None:
        """The start must be a date."""
        with pytest.raises(WrongTypeError, match=r"Placement\.start: expected a date"):
            _placement(start=value)  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        ("day", "expected"),
        [
            (D(2023, 12, 31), False),
            (D(2024, 1, 1), True),
            (D(2024, 1, 31), True),
            (D(2024, 2, 1), False),
        ],
        ids=["day-before", "start", "last-day", "end"],
    )
    def test_covers_is_half_open(self, day: dt.date, expected: bool) -> None:
        """A stay covers its start but not its end day."""
        assert expected == _placement(start=D(2024, 1, 1), end=D(2024, 2, 1)).covers(day)

    def test_open_stay_covers_every_later_day(self) -> None:
        """An open stay covers every day from its start."""
        assert _placement(start=D(2024, 1, 1)).covers(D(2099, 1, 1))

    @pytest.mark.parametrize(
        ("end", "as_of", "expected"),
        [
            (None, D(2024, 1, 11), 10),
            (None, D(2024, 1, 1), 0),
            (None, D(2023, 12, 1), 0),
            (D(2024, 2, 1), D(2024, 1, 11), 10),
            (D(2024, 2, 1), D(2025, 1, 1), 31),
        ],
        ids=["open", "start-day", "before-start", "before-end", "after-end"],
    )
    def test_days_until_counts_days_of_the_stay(
        self, end: dt.date | None, as_of: dt.date, expected: int
    ) -> None:
        """Days of the stay before ``as_of``, stopping at its end, never negative."""
        assert expected == _placement(start=D(2024, 1, 1), end=end).days_until(as_of)

    def test_refuses_a_blank_provider(self) -> None:
        """The provider must be named."""
        with pytest.raises(ValidationError, match=r"Placement\.provider"):
            Placement(id="p1", stage="low_secure", provider=" ", start=D(2024, 1, 1))


class TestGoal:
    def test_converts_codes_to_enums(self) -> None:
        """Setter and statuses may be given by their codes."""
        goal = _goal(set_by="shared", lifecycle_status="on-hold", achievement_status="improving")

        expected = (
            GoalSetter.SHARED,
            GoalLifecycleStatus.ON_HOLD,
            GoalAchievementStatus.IMPROVING,
        )
        assert expected == (goal.set_by, goal.lifecycle_status, goal.achievement_status)

    def test_defaults_to_active_and_unjudged(self) -> None:
        """A new goal is active and its achievement not yet judged."""
        goal = _goal()

        expected = (GoalLifecycleStatus.ACTIVE, None, None)
        assert expected == (
            goal.lifecycle_status,
            goal.achievement_status,
            goal.target_date,
        )

    def test_keeps_the_description_as_given(self) -> None:
        """The person's own words are kept unchanged."""
        expected = SECRET
        assert expected == _goal().description

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("set_by", "doctor"),
            ("lifecycle_status", "on_hold"),
            ("achievement_status", "done"),
        ],
    )
    def test_refuses_unknown_status_codes(self, field: str, value: str) -> None:
        """A code that is not in the vocabulary is refused and shown."""
        with pytest.raises(ValidationError, match=rf"Goal\.{field}: expected one of .*'{value}'"):
            _goal(**{field: value})

    def test_refuses_a_target_before_the_day_set(self) -> None:
        """A goal cannot be due before it was set."""
        with pytest.raises(
            ValidationError, match=r"Goal\.target_date: expected a date on or after"
        ):
            _goal(set_on=D(2024, 3, 1), target_date=D(2024, 2, 29))

    def test_accepts_a_target_on_the_day_set(self) -> None:
        """A goal may be due the day it is set."""
        assert D(2024, 3, 1) == _goal(set_on=D(2024, 3, 1), target_date=D(2024, 3, 1)).target_date

    @pytest.mark.parametrize("description", ["", "   ", "\n\t"])
    def test_refuses_a_blank_description(self, description: str) -> None:
        """A goal must say something."""
        with pytest.raises(ValidationError, match=r"Goal\.description: expected non-empty text"):
            _goal(description=description)

    @pytest.mark.parametrize("description", LEAKY_TEXT, ids=LEAKY_IDS)
    def test_never_shows_the_description_in_errors(self, description: object) -> None:
        """A refused description is described by its length or type, never shown."""
        with pytest.raises(ValidationError) as excinfo:
            _goal(description=description)

        assert SECRET not in str(excinfo.value)

    def test_refuses_a_description_that_is_not_text_as_a_wrong_type(self) -> None:
        """Words given as something other than a str are a wrong type."""
        with pytest.raises(WrongTypeError, match=r"Goal\.description: expected text \(str\)"):
            _goal(description=SECRET.encode())

    def test_reports_a_long_description_by_length(self) -> None:
        """A description too long is reported by its length."""
        with pytest.raises(ValidationError, match="found text of 24,500 characters"):
            _goal(description=SECRET * 500)

    def test_errors_about_other_fields_do_not_show_the_description(self) -> None:
        """An error in another field of a goal does not show its words."""
        with pytest.raises(ValidationError) as excinfo:
            _goal(set_on=D(2024, 3, 1), target_date=D(2024, 1, 1))

        assert SECRET not in str(excinfo.value)

    def test_refuses_a_datetime_set_on(self) -> None:
        """``set_on`` is a date."""
        moment = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)

        with pytest.raises(WrongTypeError, match=r"Goal\.set_on"):
            _goal(set_on=moment)


class TestDomainRating:
    def test_person_level_and_notes_are_optional(self) -> None:
        """Only the domain and the team's level are needed."""
        rating = DomainRating(domain="life_skills", team="partly_met")

        expected = (None, None, None)
        assert expected == (rating.person, rating.team_note, rating.person_note)

    @pytest.mark.parametrize("field", ["team_note", "person_note"])
    @pytest.mark.parametrize("note", LEAKY_TEXT, ids=LEAKY_IDS)
    def test_never_shows_notes_in_errors(self, field: str, note: object) -> None:
        """A refused note is described, never shown."""
        with pytest.raises(ValidationError) as excinfo:
            DomainRating(domain="life_skills", team="met", **{field: note})

        assert (f"DomainRating.{field}", False) == (
            excinfo.value.problems[0].path,
            SECRET in str(excinfo.value),
        )

    @pytest.mark.parametrize("field", ["team_note", "person_note"])
    def test_refuses_blank_notes(self, field: str) -> None:
        """A note given must not be blank; leave it None instead."""
        with pytest.raises(ValidationError, match="non-empty text"):
            DomainRating(domain="life_skills", team="met", **{field: "  "})

    @pytest.mark.parametrize(
        ("field", "value"), [("team", "not met"), ("person", ""), ("domain", "_x")]
    )
    def test_refuses_bad_codes(self, field: str, value: str) -> None:
        """Domain and levels are codes."""
        fields = {"domain": "life_skills", "team": "met", field: value}

        with pytest.raises(ValidationError, match=rf"DomainRating\.{field}"):
            DomainRating(**fields)


class TestGoalProgress:
    def test_converts_a_status_code(self) -> None:
        """The achievement status may be given by its code."""
        progress = GoalProgress(goal="g1", achievement_status="no-change")

        expected = GoalAchievementStatus.NO_CHANGE
        assert expected == progress.achievement_status

    @pytest.mark.parametrize("status", ["no_change", "done", None])
    def test_refuses_a_missing_or_unknown_status(self, status: object) -> None:
        """An update says how the goal is going, in the FHIR vocabulary."""
        with pytest.raises(ValidationError, match=r"GoalProgress\.achievement_status"):
            GoalProgress(goal="g1", achievement_status=status)  # type: ignore[arg-type]

    @pytest.mark.parametrize("note", LEAKY_TEXT, ids=LEAKY_IDS)
    def test_never_shows_the_note_in_errors(self, note: object) -> None:
        """A refused note is described, never shown."""
        with pytest.raises(ValidationError) as excinfo:
            GoalProgress(goal="g1", achievement_status="improving", note=note)  # type: ignore[arg-type]

        assert SECRET not in str(excinfo.value)


class TestReview:
    def test_defaults(self) -> None:
        """A review is a CPA review with no ratings, updates or next date by default."""
        review = _review()

        expected = (ReviewKind.CPA, (), (), None)
        assert expected == (
            review.kind,
            review.ratings,
            review.goal_progress,
            review.next_review_date,
        )

    def test_converts_a_kind_code(self) -> None:
        """The kind may be given by its code."""
        expected = ReviewKind.CLINICAL
        assert expected == _review(kind="clinical").kind

    def test_refuses_an_unknown_kind(self) -> None:
        """A kind outside the vocabulary is refused."""
        with pytest.raises(ValidationError, match=r"Review\.kind"):
            _review(kind="ward_round")

    def test_ratings_list_becomes_a_tuple(self) -> None:
        """Ratings given as a list are kept as a tuple, in order."""
        ratings = [
            DomainRating(domain="life_skills", team="met"),
            DomainRating(domain="future_plans", team="not_met"),
        ]

        assert tuple(ratings) == _review(ratings=ratings).ratings

    def test_refuses_a_domain_rated_twice(self) -> None:
        """Each domain is rated at most once; the repeat is reported where it is."""
        ratings = [
            DomainRating(domain="life_skills", team="met"),
            DomainRating(domain="future_plans", team="met"),
            DomainRating(domain="life_skills", team="not_met"),
        ]

        with pytest.raises(ValidationError) as excinfo:
            _review(ratings=ratings)

        expected = ["Review.ratings[2]"]
        assert expected == _paths(excinfo)

    def test_refuses_a_goal_updated_twice(self) -> None:
        """Each goal is updated at most once."""
        updates = [
            GoalProgress(goal="g1", achievement_status="improving"),
            GoalProgress(goal="g1", achievement_status="worsening"),
        ]

        with pytest.raises(ValidationError) as excinfo:
            _review(goal_progress=updates)

        expected = ["Review.goal_progress[1]"]
        assert expected == _paths(excinfo)

    @pytest.mark.parametrize(
        "next_date", [D(2024, 3, 1), D(2024, 2, 1)], ids=["same-day", "before"]
    )
    def test_refuses_a_next_review_not_after_this_one(self, next_date: dt.date) -> None:
        """The next review is agreed for a later day."""
        with pytest.raises(
            ValidationError, match=r"Review\.next_review_date: expected a date after"
        ):
            _review(date=D(2024, 3, 1), next_review_date=next_date)

    def test_reports_every_problem_at_once(self) -> None:
        """Repeated ratings, repeated updates and a bad next date come in one error."""
        with pytest.raises(ValidationError) as excinfo:
            _review(
                date=D(2024, 3, 1),
                ratings=[DomainRating(domain="a", team="met")] * 2,
                goal_progress=[GoalProgress(goal="g1", achievement_status="improving")] * 2,
                next_review_date=D(2024, 3, 1),
            )

        expected = ["Review.ratings[1]", "Review.goal_progress[1]", "Review.next_review_date"]
        assert expected == _paths(excinfo)

    def test_refuses_ratings_that_are_not_ratings(self) -> None:
        """Every rating is a DomainRating."""
        with pytest.raises(WrongTypeError, match=r"Review\.ratings\[0\]: expected a DomainRating"):
            _review(ratings=[{"domain": "life_skills", "team": "met"}])

    def test_rating_finds_a_domain_rating(self) -> None:
        """``rating`` returns the rating given to a domain."""
        rating = DomainRating(domain="life_skills", team="met")

        assert rating == _review(ratings=[rating]).rating("life_skills")

    def test_rating_of_an_unrated_domain_is_none(self) -> None:
        """``rating`` of a domain not rated is None."""
        assert None is _review().rating("life_skills")


class TestReviewFromLevels:
    def test_builds_a_rating_per_team_level_with_the_person_level(self) -> None:
        """Team levels make the ratings, in order; person levels join their domain."""
        review = Review.from_levels(
            id="r1",
            date=D(2024, 4, 2),
            team={"life_skills": "partly_met", "future_plans": "not_met"},
            person={"life_skills": "met"},
        )

        expected = (
            DomainRating(domain="life_skills", team="partly_met", person="met"),
            DomainRating(domain="future_plans", team="not_met", person=None),
        )
        assert expected == review.ratings

    def test_passes_kind_and_next_review_date(self) -> None:
        """Kind (as a code) and next review date are kept."""
        review = Review.from_levels(
            id="r1",
            date=D(2024, 4, 2),
            team={"life_skills": "met"},
            kind="clinical",
            next_review_date=D(2024, 7, 2),
        )

        assert (ReviewKind.CLINICAL, D(2024, 7, 2)) == (review.kind, review.next_review_date)

    def test_equals_the_review_built_directly(self) -> None:
        """``from_levels`` is a shortcut for building the ratings by hand."""
        review = Review.from_levels(id="r1", date=D(2024, 3, 1), team={"life_skills": "met"})

        assert _review(ratings=[DomainRating(domain="life_skills", team="met")]) == review

    def test_refuses_domains_only_the_person_rated(self) -> None:
        """A person level needs a team level for the same domain; each extra is reported."""
        with pytest.raises(ValidationError) as excinfo:
            Review.from_levels(
                id="r1",
                date=D(2024, 4, 2),
                team={"life_skills": "met"},
                person={"future_plans": "met", "life_skills": "met", "physical_health": "met"},
            )

        expected = ["Review.person['future_plans']", "Review.person['physical_health']"]
        assert expected == _paths(excinfo)


class TestIncident:
    def test_converts_codes_to_enums(self) -> None:
        """Kind and severity may be given by their codes."""
        incident = _incident(kind="self_harm", severity="serious")

        expected = (IncidentKind.SELF_HARM, IncidentSeverity.SERIOUS)
        assert expected == (
            incident.kind,
            incident.severity,
        )

    @pytest.mark.parametrize(("field", "value"), [("kind", "shouting"), ("severity", "grave")])
    def test_refuses_unknown_codes(self, field: str, value: str) -> None:
        """Kind and severity come from closed vocabularies."""
        with pytest.raises(ValidationError, match=rf"Incident\.{field}: expected one of"):
            _incident(**{field: value})

    @pytest.mark.parametrize("note", LEAKY_TEXT, ids=LEAKY_IDS)
    def test_never_shows_the_note_in_errors(self, note: object) -> None:
        """A refused note is described, never shown."""
        with pytest.raises(ValidationError) as excinfo:
            _incident(note=note)

        assert SECRET not in str(excinfo.value)

    def test_refuses_a_datetime(self) -> None:
        """An incident's date is a date."""
        moment = dt.datetime(2024, 2, 1, 3, 0, tzinfo=dt.timezone.utc)

        with pytest.raises(WrongTypeError, match=r"Incident\.date"):
            _incident(date=moment)


class TestPathwayPersonId:
    @pytest.mark.parametrize("person_id", ["9434765919", "943-476-5919"])
    def test_refuses_an_nhs_number(self, person_id: str) -> None:
        """A person id that passes the NHS number check is refused: ids are pseudonymous."""
        with pytest.raises(ValidationError, match="not an NHS number") as excinfo:
            _pathway(person_id=person_id)

        expected = ["Pathway.person_id"]
        assert expected == _paths(excinfo)

    @pytest.mark.parametrize("person_id", ["9434765919", "943-476-5919", "943 476 5919"])
    def test_never_shows_the_nhs_number(self, person_id: str) -> None:
        """The refused number does not appear in the message, in any of its forms."""
        with pytest.raises(ValidationError) as excinfo:
            _pathway(person_id=person_id)

        message = str(excinfo.value)
        expected = (False, False)
        assert expected == (person_id in message, "5919" in message)

    @pytest.mark.parametrize(
        "person_id", ["9434765918", "1000000010", "94347659", "P-9434765919", "943476591"]
    )
    def test_accepts_numbers_that_fail_the_nhs_check(self, person_id: str) -> None:
        """A bad check digit, an impossible check digit, or not ten digits: not an NHS number."""
        assert person_id == _pathway(person_id=person_id).person_id

    @pytest.mark.parametrize("person_id", ["", "P 0001", None])
    def test_refuses_ids_that_are_not_codes(self, person_id: object) -> None:
        """The person id follows the code alphabet."""
        with pytest.raises(ValidationError, match=r"Pathway\.person_id"):
            _pathway(person_id=person_id)


class TestPathwayStructure:
    def test_refuses_no_placements(self) -> None:
        """A record has at least one stay."""
        with pytest.raises(ValidationError, match=r"\$\.placements: expected at least 1"):
            _pathway(placements=())

    @pytest.mark.parametrize(
        ("field", "items"),
        [
            (
                "placements",
                (
                    _placement("p1", start=D(2024, 1, 1), end=D(2024, 2, 1)),
                    _placement("p1", start=D(2024, 2, 1)),
                ),
            ),
            ("goals", (_goal("g1"), _goal("g1", set_on=D(2024, 1, 20)))),
            ("reviews", (_review("r1"), _review("r1", date=D(2024, 4, 1)))),
            ("incidents", (_incident("i1"), _incident("i1", date=D(2024, 2, 2)))),
        ],
    )
    def test_refuses_repeated_ids(self, field: str, items: tuple[Any, ...]) -> None:
        """Ids are unique within each collection; the later repeat is reported."""
        with pytest.raises(ValidationError) as excinfo:
            _pathway(**{field: items})

        assert [f"$.{field}[1]"] == _paths(excinfo)

    def test_the_same_id_may_be_used_in_different_collections(self) -> None:
        """Uniqueness is per collection."""
        pathway = _pathway(goals=[_goal("x")], reviews=[_review("x")], incidents=[_incident("x")])

        expected = ("x", "x", "x")
        assert expected == (
            pathway.goals[0].id,
            pathway.reviews[0].id,
            pathway.incidents[0].id,
        )

    def test_refuses_overlapping_placements(self) -> None:
        """A stay cannot start before the previous one ended."""
        placements = (
            _placement("p1", start=D(2024, 1, 1), end=D(2024, 3, 1)),
            _placement("p2", start=D(2024, 2, 1)),
        )

        with pytest.raises(ValidationError) as excinfo:
            _pathway(placements=placements)

        expected = ["$.placements[1].start"]
        assert expected == _paths(excinfo)

    def test_accepts_a_gap_between_placements(self) -> None:
        """Stays need not follow each other at once."""
        placements = (
            _placement("p1", start=D(2024, 1, 1), end=D(2024, 2, 1)),
            _placement("p2", start=D(2024, 3, 1)),
        )

        expected = 2
        assert expected == len(_pathway(placements=placements).placements)

    def test_refuses_an_open_placement_that_is_not_last(self) -> None:
        """Only the last stay may be open."""
        placements = (_placement("p1", start=D(2024, 1, 1)), _placement("p2", start=D(2024, 2, 1)))

        with pytest.raises(ValidationError) as excinfo:
            _pathway(placements=placements)

        expected = ["$.placements[0].end"]
        assert expected == _paths(excinfo)

    @pytest.mark.parametrize("field", ["reviews", "incidents"])
    def test_refuses_dates_before_the_first_stay(self, field: str) -> None:
        """Reviews and incidents fall on or after the first stay's start."""
        item = _review() if field == "reviews" else _incident()
        early = attrs.evolve(item, date=D(2023, 12, 31))

        with pytest.raises(ValidationError) as excinfo:
            _pathway(**{field: (early,)})

        assert [f"$.{field}[0].date"] == _paths(excinfo)

    @pytest.mark.parametrize("day", [D(2024, 2, 1), D(2024, 5, 1)], ids=["end-day", "after"])
    @pytest.mark.parametrize("field", ["reviews", "incidents"])
    def test_refuses_dates_on_or_after_the_last_end(self, field: str, day: dt.date) -> None:
        """A closed record ends on its last stay's end day: nothing dated then or later."""
        item = _review() if field == "reviews" else _incident()
        late = attrs.evolve(item, date=day)
        closed = (_placement(start=D(2024, 1, 1), end=D(2024, 2, 1)),)

        with pytest.raises(ValidationError) as excinfo:
            _pathway(placements=closed, **{field: (late,)})

        assert [f"$.{field}[0].date"] == _paths(excinfo)

    @pytest.mark.parametrize("day", [D(2024, 1, 1), D(2024, 1, 31)], ids=["first-day", "last-day"])
    def test_accepts_dates_on_the_first_and_last_days(self, day: dt.date) -> None:
        """The record covers its first day and the day before its end."""
        closed = (_placement(start=D(2024, 1, 1), end=D(2024, 2, 1)),)

        pathway = _pathway(placements=closed, reviews=[_review(date=day)])

        assert day == pathway.reviews[0].date

    def test_refuses_an_update_on_an_unknown_goal(self) -> None:
        """Goal updates name one of the person's goals."""
        review = _review(goal_progress=[GoalProgress(goal="g9", achievement_status="improving")])

        with pytest.raises(ValidationError) as excinfo:
            _pathway(goals=[_goal("g1")], reviews=[review])

        expected = ["$.reviews[0].goal_progress[0].goal"]
        assert expected == _paths(excinfo)

    def test_refuses_an_update_on_a_goal_set_after_the_review(self) -> None:
        """A review cannot update a goal not yet set."""
        review = _review(
            date=D(2024, 3, 1),
            goal_progress=[GoalProgress(goal="g1", achievement_status="improving")],
        )

        with pytest.raises(ValidationError, match="a goal set on 2024-03-02"):
            _pathway(goals=[_goal("g1", set_on=D(2024, 3, 2))], reviews=[review])

    def test_accepts_an_update_on_a_goal_set_the_same_day(self) -> None:
        """A goal set at a review may be updated at that review."""
        review = _review(
            date=D(2024, 3, 1),
            goal_progress=[GoalProgress(goal="g1", achievement_status="in-progress")],
        )

        pathway = _pathway(goals=[_goal("g1", set_on=D(2024, 3, 1))], reviews=[review])

        expected = "g1"
        assert expected == pathway.reviews[0].goal_progress[0].goal

    def test_reports_every_problem_in_one_error(self) -> None:
        """Problems across the record come in one error, each at its JSON path."""
        placements = (
            _placement("p1", start=D(2024, 1, 1), end=D(2024, 3, 1)),
            _placement("p2", start=D(2024, 2, 1)),
        )
        review = _review(
            "r1",
            date=D(2024, 2, 15),
            goal_progress=[GoalProgress(goal="g9", achievement_status="improving")],
        )

        with pytest.raises(ValidationError) as excinfo:
            _pathway(
                placements=placements,
                reviews=[_review("r0", date=D(2023, 6, 1)), review],
                incidents=[_incident("i1", date=D(2023, 1, 1)), _incident("i1")],
            )

        expected = {
            "$.incidents[1]",
            "$.placements[1].start",
            "$.reviews[0].date",
            "$.incidents[0].date",
            "$.reviews[1].goal_progress[0].goal",
        }
        assert expected == set(_paths(excinfo))

    def test_message_lists_every_problem(self) -> None:
        """The error message has a line for each problem."""
        placements = (_placement("p1", start=D(2024, 1, 1)), _placement("p1", start=D(2024, 2, 1)))

        with pytest.raises(ValidationError, match="2 problems found") as excinfo:
            _pathway(placements=placements)

        expected = ["$.placements[1]", "$.placements[0].end"]
        assert expected == _paths(excinfo)

    @pytest.mark.parametrize(
        ("field", "items"),
        [
            ("placements", ["p1"]),
            ("goals", [_review()]),
            ("reviews", [_incident()]),
            ("incidents", [{"id": "i1"}]),
        ],
    )
    def test_refuses_items_of_the_wrong_type(self, field: str, items: list[object]) -> None:
        """Each collection holds only its own kind of item."""
        with pytest.raises(WrongTypeError, match=rf"Pathway\.{field}\[0\]: expected"):
            _pathway(**{field: items})


class TestPathwayCanonicalOrder:
    def test_shuffled_collections_give_an_equal_pathway(self) -> None:
        """Items in any order give the same record as items in sorted order."""
        goals = [_goal("g2", D(2020, 3, 1)), _goal("g1", D(2020, 3, 1)), _goal("g0", D(2020, 2, 1))]
        reviews = [_review(f"r{n}", D(2020 + n, 4, 1)) for n in range(4)]
        reviews.append(_review("r-tie", D(2021, 4, 1)))
        incidents = [_incident(f"i{n}", D(2020, 5, n + 1)) for n in range(5)]
        in_order = _pathway(
            placements=STAYS,
            goals=sorted(goals, key=lambda g: (g.set_on, g.id)),
            reviews=sorted(reviews, key=lambda r: (r.date, r.id)),
            incidents=incidents,
        )
        shuffle = random.Random(7).sample

        shuffled = _pathway(
            placements=shuffle(STAYS, len(STAYS)),
            goals=shuffle(goals, len(goals)),
            reviews=shuffle(reviews, len(reviews)),
            incidents=shuffle(incidents, len(incidents)),
        )

        assert (in_order, hash(in_order)) == (shuffled, hash(shuffled))

    def test_placements_are_kept_by_start(self) -> None:
        """Placements are ordered by start date."""
        pathway = _pathway(placements=tuple(reversed(STAYS)))

        expected = ("p1", "p2", "p3")
        assert expected == tuple(p.id for p in pathway.placements)

    def test_same_day_items_are_ordered_by_id(self) -> None:
        """Ties of date are broken by id."""
        pathway = _pathway(incidents=[_incident("b"), _incident("a"), _incident("c")])

        expected = ("a", "b", "c")
        assert expected == tuple(i.id for i in pathway.incidents)

    def test_collections_are_tuples(self) -> None:
        """Lists and generators become tuples."""
        pathway = _pathway(goals=(g for g in [_goal()]), reviews=[_review()])

        assert (tuple, tuple, tuple) == (
            type(pathway.goals),
            type(pathway.reviews),
            type(pathway.placements),
        )


class TestPathwayAdding:
    def test_with_reviews_adds_in_order(self) -> None:
        """``with_reviews`` returns a copy with the reviews added in their place."""
        pathway = _pathway(reviews=[_review("r2", D(2024, 6, 1))])

        added = pathway.with_reviews(_review("r3", D(2024, 9, 1)), _review("r1", D(2024, 3, 1)))

        expected = ("r1", "r2", "r3")
        assert expected == tuple(r.id for r in added.reviews)

    def test_with_reviews_leaves_the_original_unchanged(self) -> None:
        """Records are values: adding makes a new one."""
        pathway = _pathway()

        pathway.with_reviews(_review())

        expected = ()
        assert expected == pathway.reviews

    def test_with_reviews_checks_the_result(self) -> None:
        """A review added with an id already used is refused."""
        pathway = _pathway(reviews=[_review("r1")])

        with pytest.raises(ValidationError, match=r"\$\.reviews\[1\]: expected a unique id"):
            pathway.with_reviews(_review("r1", D(2024, 6, 1)))

    def test_with_incidents_adds_in_order(self) -> None:
        """``with_incidents`` returns a copy with the incidents added."""
        pathway = _pathway(incidents=[_incident("i2", D(2024, 5, 1))])

        added = pathway.with_incidents(_incident("i1", D(2024, 2, 1)))

        expected = ("i1", "i2")
        assert expected == tuple(i.id for i in added.incidents)

    def test_with_incidents_checks_the_dates(self) -> None:
        """An incident added before the record starts is refused."""
        with pytest.raises(ValidationError, match=r"\$\.incidents\[0\]\.date"):
            _pathway().with_incidents(_incident(date=D(2023, 1, 1)))

    def test_with_goals_adds_in_order(self) -> None:
        """``with_goals`` returns a copy with the goals added."""
        pathway = _pathway(goals=[_goal("g2", D(2024, 2, 1))])

        added = pathway.with_goals(_goal("g3", D(2024, 3, 1)), _goal("g1", D(2024, 1, 1)))

        expected = ("g1", "g2", "g3")
        assert expected == tuple(g.id for g in added.goals)

    def test_goal_finds_a_goal_by_id(self) -> None:
        """``goal`` returns the goal with the id, or None."""
        pathway = _pathway(goals=[_goal("g1")])

        assert (_goal("g1"), None) == (pathway.goal("g1"), pathway.goal("g9"))


class TestPathwayMoves:
    def test_moved_to_closes_the_open_stay_and_opens_a_new_one(self) -> None:
        """A move ends the current stay on the day of the move and begins the next on it."""
        pathway = _pathway(placements=(_placement("p1", "medium_secure", D(2024, 1, 1)),))

        moved = pathway.moved_to(
            SECURE_PATHWAY,
            stage="low_secure",
            on=D(2024, 9, 1),
            provider="Eastgate LSU",
            placement_id="p2",
        )

        expected = (
            _placement("p1", "medium_secure", D(2024, 1, 1), D(2024, 9, 1)),
            Placement(id="p2", stage="low_secure", provider="Eastgate LSU", start=D(2024, 9, 1)),
        )
        assert expected == moved.placements

    def test_moved_to_keeps_everything_else(self) -> None:
        """Goals, reviews and incidents are carried over."""
        pathway = _pathway(goals=[_goal()], reviews=[_review()], incidents=[_incident()])

        moved = pathway.moved_to(
            SECURE_PATHWAY, stage="low_secure", on=D(2024, 9, 1), provider="X", placement_id="p2"
        )

        assert (pathway.goals, pathway.reviews, pathway.incidents) == (
            moved.goals,
            moved.reviews,
            moved.incidents,
        )

    def test_moved_to_without_an_open_stay_raises(self) -> None:
        """A closed record cannot move on."""
        pathway = _pathway(placements=(_placement(start=D(2024, 1, 1), end=D(2024, 2, 1)),))

        with pytest.raises(ValidationError, match="no open placement"):
            pathway.moved_to(
                SECURE_PATHWAY,
                stage="low_secure",
                on=D(2024, 3, 1),
                provider="X",
                placement_id="p2",
            )

    def test_moved_to_on_the_start_day_raises(self) -> None:
        """A move must come after the current stay began."""
        pathway = _pathway(placements=(_placement(start=D(2024, 1, 1)),))

        with pytest.raises(ValidationError, match=r"Placement\.end"):
            pathway.moved_to(
                SECURE_PATHWAY,
                stage="low_secure",
                on=D(2024, 1, 1),
                provider="X",
                placement_id="p2",
            )

    def test_moved_to_with_a_used_id_raises(self) -> None:
        """The new stay's id must be new."""
        pathway = _pathway()

        with pytest.raises(ValidationError, match=r"\$\.placements\[1\]: expected a unique id"):
            pathway.moved_to(
                SECURE_PATHWAY,
                stage="low_secure",
                on=D(2024, 3, 1),
                provider="X",
                placement_id="p1",
            )

    def test_moved_to_a_stage_the_definition_lacks_is_refused_at_once(self) -> None:
        """A move to a misspelt stage is refused when made, naming the stage argument."""
        pathway = _pathway()

        with pytest.raises(UnknownCodeError) as caught:
            pathway.moved_to(
                SECURE_PATHWAY, stage="step_down", on=D(2024, 3, 1), provider="X", placement_id="p2"
            )

        assert ("stage", "step_down", "stage") == (
            caught.value.kind,
            caught.value.code,
            caught.value.path,
        )

    def test_moved_to_a_stage_the_definition_does_not_allow_is_refused(self) -> None:
        """Discharge straight from medium secure is not a move the pathway allows."""
        pathway = _pathway()

        with pytest.raises(ValidationError) as caught:
            pathway.moved_to(
                SECURE_PATHWAY,
                stage="discharged",
                on=D(2024, 3, 1),
                provider="X",
                placement_id="p2",
            )

        assert (["stage"], "'discharged'") == (
            _paths(caught),
            caught.value.problems[0].found,
        )

    def test_moved_to_on_another_definition_is_refused(self) -> None:
        """The definition given must be the one the record follows, id and version."""
        pathway = _pathway()
        other = attrs.evolve(SECURE_PATHWAY, version="2.0.0")

        with pytest.raises(ValidationError, match=r"secure-pathway@1\.0\.0") as caught:
            pathway.moved_to(
                other, stage="low_secure", on=D(2024, 3, 1), provider="X", placement_id="p2"
            )

        assert ["definition"] == _paths(caught)

    def test_moved_to_within_the_same_stage_is_a_transfer(self) -> None:
        """A move to the same stage with another provider is always allowed."""
        pathway = _pathway()

        moved = pathway.moved_to(
            SECURE_PATHWAY,
            stage="medium_secure",
            on=D(2024, 3, 1),
            provider="Eastgate MSU",
            placement_id="p2",
        )

        assert ["medium_secure", "medium_secure"] == [p.stage for p in moved.placements]


class TestPathwayStart:
    def test_builds_a_record_with_one_open_stay(self) -> None:
        """``start`` names the definition and opens the first stay."""
        pathway = Pathway.start(
            SECURE_PATHWAY,
            person_id="P-0001",
            stage="medium_secure",
            provider="Northfield MSU",
            on=D(2024, 1, 1),
        )

        assert _pathway(placements=(_placement("placement-1"),)) == pathway

    def test_uses_the_placement_id_given(self) -> None:
        """The first stay's id may be chosen."""
        pathway = Pathway.start(
            SECURE_PATHWAY,
            person_id="P-0001",
            stage="high_secure",
            provider="Ashworth",
            on=D(2024, 1, 1),
            placement_id="stay-001",
        )

        expected = "stay-001"
        assert expected == pathway.placements[0].id

    def test_refuses_a_stage_the_definition_lacks(self) -> None:
        """Starting in an unknown stage raises UnknownCodeError naming the stages."""
        with pytest.raises(UnknownCodeError, match="no stage with code 'prison'"):
            Pathway.start(
                SECURE_PATHWAY, person_id="P-0001", stage="prison", provider="X", on=D(2024, 1, 1)
            )

    def test_refuses_an_nhs_number(self) -> None:
        """The person id is checked as for any record."""
        with pytest.raises(ValidationError, match="not an NHS number"):
            Pathway.start(
                SECURE_PATHWAY,
                person_id="9434765919",
                stage="high_secure",
                provider="X",
                on=D(2024, 1, 1),
            )


class TestPathwayQueries:
    def test_first_day_is_the_first_start(self) -> None:
        """The record begins with its first stay."""
        assert D(2020, 1, 1) == _pathway(placements=STAYS).first_day

    def test_end_is_none_while_the_last_stay_goes_on(self) -> None:
        """An open record has no end."""
        assert None is _pathway(placements=STAYS).end

    def test_end_is_the_last_stays_end(self) -> None:
        """A closed record ends when its last stay does."""
        closed = (*STAYS[:2], attrs.evolve(STAYS[2], end=D(2024, 5, 1)))

        assert D(2024, 5, 1) == _pathway(placements=closed).end

    def test_current_placement_is_the_open_stay(self) -> None:
        """The current placement is the last one while it goes on."""
        assert STAYS[2] == _pathway(placements=STAYS).current_placement

    def test_current_placement_is_none_when_closed(self) -> None:
        """A closed record has no current placement."""
        closed = (_placement(start=D(2024, 1, 1), end=D(2024, 2, 1)),)

        assert None is _pathway(placements=closed).current_placement

    @pytest.mark.parametrize(
        ("day", "expected"),
        [
            (D(2019, 12, 31), None),
            (D(2020, 1, 1), "p1"),
            (D(2022, 5, 31), "p1"),
            (D(2022, 6, 1), "p2"),
            (D(2023, 9, 1), "p3"),
            (D(2040, 1, 1), "p3"),
        ],
        ids=["before", "first-day", "last-day-of-p1", "move-day", "second-move", "long-after"],
    )
    def test_placement_on_finds_the_stay_covering_a_day(
        self, day: dt.date, expected: str | None
    ) -> None:
        """On a move day the new stay covers the day; before the record there is none."""
        found = _pathway(placements=STAYS).placement_on(day)

        assert expected == (None if found is None else found.id)

    def test_placement_on_in_a_gap_is_none(self) -> None:
        """A day between two stays is covered by neither."""
        placements = (
            _placement("p1", start=D(2024, 1, 1), end=D(2024, 2, 1)),
            _placement("p2", start=D(2024, 3, 1)),
        )

        assert None is _pathway(placements=placements).placement_on(D(2024, 2, 15))

    def test_is_frozen(self) -> None:
        """A record cannot be changed in place."""
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            _pathway().person_id = "P-0002"  # type: ignore[misc]
