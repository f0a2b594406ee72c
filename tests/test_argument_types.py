"""Wrong argument types at the rules' and the records' entry points.

Every public function and method that takes a record, a decision, a definition, a date or
a code refuses an argument of the wrong type with ``WrongTypeError`` naming the argument;
nothing but the library's own errors escapes, whatever is passed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

import pathway_model as pm
from pathway_model import catalogue
from pathway_model.catalogue import SECURE_PATHWAY
from tests.scenarios import MEDIUM_ALL_PARTLY, record, review

D = dt.date

#: Values of every JSON-like and some other types, none of them what any argument takes.
WRONG: tuple[object, ...] = (
    None,
    0,
    -1.5,
    True,
    "x",
    "secure-pathway",
    b"medium_secure",
    [],
    ["met"],
    {},
    {"life_skills": 3},
    {3: "met"},
    ("tuple",),
    object(),
    dt.datetime(2024, 3, 1, 12, tzinfo=dt.timezone.utc),
    D(2024, 3, 1),
    SECURE_PATHWAY,
)

PATHWAY = record(
    SECURE_PATHWAY,
    [("medium_secure", D(2024, 1, 8), None)],
    reviews=(review("r1", D(2024, 2, 1), MEDIUM_ALL_PARTLY, MEDIUM_ALL_PARTLY),),
)
DECISION = pm.assess(PATHWAY, D(2024, 6, 1))
REVIEW = PATHWAY.reviews[0]
PLACEMENT = PATHWAY.placements[0]
GOAL = pm.Goal(
    id="g1", domain="life_skills", description="Cook a meal", set_by="person", set_on=D(2024, 2, 1)
)
INCIDENT = pm.Incident(id="i1", date=D(2024, 3, 1), kind="violence", severity="minor")

#: Each entry point with arguments that work: (name, function, positional, keyword).
ENTRY_POINTS: list[tuple[str, Callable[..., object], tuple[object, ...], dict[str, object]]] = [
    ("assess", pm.assess, (PATHWAY, D(2024, 6, 1)), {"definition": SECURE_PATHWAY}),
    ("readiness", pm.readiness, (PATHWAY, D(2024, 6, 1)), {"definition": SECURE_PATHWAY}),
    (
        "readiness_history",
        pm.readiness_history,
        (PATHWAY, D(2024, 6, 1)),
        {"definition": SECURE_PATHWAY},
    ),
    ("ready_on", pm.ready_on, (PATHWAY, D(2024, 6, 1)), {"definition": SECURE_PATHWAY}),
    (
        "review_schedule",
        pm.review_schedule,
        (PATHWAY, D(2024, 6, 1)),
        {"definition": SECURE_PATHWAY},
    ),
    ("explain", pm.explain, (DECISION, "team"), {"definition": SECURE_PATHWAY}),
    ("explain for the person", pm.explain, (DECISION, "person"), {"definition": SECURE_PATHWAY}),
    ("check_pathway", pm.check_pathway, (PATHWAY, SECURE_PATHWAY), {}),
    ("validate_pathway", pm.validate_pathway, (PATHWAY, SECURE_PATHWAY), {}),
    (
        "Pathway.start",
        pm.Pathway.start,
        (SECURE_PATHWAY,),
        {
            "person_id": "P-1",
            "stage": "medium_secure",
            "provider": "Northfield MSU",
            "on": D(2024, 1, 8),
            "placement_id": "p1",
        },
    ),
    (
        "Pathway.moved_to",
        PATHWAY.moved_to,
        (SECURE_PATHWAY,),
        {"stage": "low_secure", "on": D(2024, 9, 1), "provider": "Ashby", "placement_id": "p2"},
    ),
    ("Pathway.with_reviews", PATHWAY.with_reviews, (review("r2", D(2024, 3, 1), {}),), {}),
    ("Pathway.with_incidents", PATHWAY.with_incidents, (INCIDENT,), {}),
    ("Pathway.with_goals", PATHWAY.with_goals, (GOAL,), {}),
    ("Pathway.placement_on", PATHWAY.placement_on, (D(2024, 3, 1),), {}),
    ("Pathway.goal", PATHWAY.goal, ("g1",), {}),
    (
        "Review.from_levels",
        pm.Review.from_levels,
        (),
        {
            "id": "r9",
            "date": D(2024, 3, 1),
            "team": {"life_skills": "met"},
            "person": {"life_skills": "met"},
            "kind": "cpa",
            "next_review_date": D(2024, 6, 1),
        },
    ),
    ("Review.rating", REVIEW.rating, ("substance_misuse",), {}),
    ("Placement.covers", PLACEMENT.covers, (D(2024, 3, 1),), {}),
    ("Placement.days_until", PLACEMENT.days_until, (D(2024, 3, 1),), {}),
    ("catalogue.definition", catalogue.definition, ("secure-pathway", "1.0.0"), {}),
    ("catalogue.framework", catalogue.framework, ("my-shared-pathway", "1.0.0"), {}),
    ("catalogue.definition_for", catalogue.definition_for, (PATHWAY,), {}),
]


def _calls() -> list[Any]:
    """One case per entry point, argument and wrong value."""
    cases = []
    for name, function, args, kwargs in ENTRY_POINTS:
        for position in range(len(args)):
            for number, value in enumerate(WRONG):
                changed = (*args[:position], value, *args[position + 1 :])
                cases.append(
                    pytest.param(function, changed, kwargs, id=f"{name}-arg{position}-{number}")
                )
        for key in kwargs:
            for number, value in enumerate(WRONG):
                cases.append(
                    pytest.param(
                        function, args, {**kwargs, key: value}, id=f"{name}-{key}-{number}"
                    )
                )
    return cases


class TestEveryEntryPoint:
    @pytest.mark.parametrize(("function", "args", "kwargs"), _calls())
    def test_only_the_librarys_errors_escape(
        self, function: Callable[..., object], args: tuple[object, ...], kwargs: dict[str, object]
    ) -> None:
        """Any value in any argument gives a result or a PathwayModelError, nothing else."""
        escaped: type[BaseException] | None = None
        try:
            function(*args, **kwargs)
        except Exception as error:  # what escapes is what this test judges
            escaped = type(error)
        assert escaped is None or issubclass(escaped, pm.PathwayModelError), escaped

    @pytest.mark.parametrize(("name", "function", "args", "kwargs"), ENTRY_POINTS)
    def test_the_working_arguments_work(
        self,
        name: str,
        function: Callable[..., object],
        args: tuple[object, ...],
        kwargs: dict[str, object],
    ) -> None:
        """The arguments the sweep starts from are accepted, so each case changes one only."""
        assert function(*args, **kwargs) is not None or name == "Pathway.goal"


class TestNamedArguments:
    def test_a_definition_id_given_for_a_definition_names_the_argument(self) -> None:
        """Pathway.start('secure-pathway', ...) is a WrongTypeError at 'definition'."""
        with pytest.raises(pm.WrongTypeError) as caught:
            pm.Pathway.start(
                "secure-pathway",  # type: ignore[arg-type]
                person_id="P-1",
                stage="medium_secure",
                provider="Northfield MSU",
                on=D(2024, 1, 8),
            )
        assert [("definition", "str")] == [(p.path, p.found) for p in caught.value.problems]

    def test_explaining_what_is_not_a_decision_names_the_argument(self) -> None:
        """explain('x', 'team') is a WrongTypeError at 'assessment'."""
        with pytest.raises(pm.WrongTypeError) as caught:
            pm.explain("x", "team")  # type: ignore[arg-type]
        assert [("assessment", "str")] == [(p.path, p.found) for p in caught.value.problems]

    def test_levels_given_as_a_list_name_the_argument(self) -> None:
        """Review.from_levels(team=['met']) is a WrongTypeError at 'team'."""
        with pytest.raises(pm.WrongTypeError) as caught:
            pm.Review.from_levels(id="r1", date=D(2024, 3, 1), team=["met"])  # type: ignore[arg-type]
        assert [("team", "list")] == [(p.path, p.found) for p in caught.value.problems]

    def test_a_level_that_is_not_a_code_names_its_domain(self) -> None:
        """A person's level given as a number is refused at person['life_skills']."""
        with pytest.raises(pm.WrongTypeError) as caught:
            pm.Review.from_levels(
                id="r1",
                date=D(2024, 3, 1),
                team={"life_skills": "met"},
                person={"life_skills": 2},  # type: ignore[dict-item]
            )
        assert ["person['life_skills']"] == [p.path for p in caught.value.problems]

    def test_a_datetime_as_the_day_of_a_move_names_the_argument(self) -> None:
        """A move on a datetime is refused at 'on': its calendar date depends on its zone."""
        with pytest.raises(pm.WrongTypeError, match="uk_date") as caught:
            PATHWAY.moved_to(
                SECURE_PATHWAY,
                stage="low_secure",
                on=dt.datetime(2024, 9, 1, tzinfo=dt.timezone.utc),
                provider="Ashby",
                placement_id="p2",
            )
        assert ["on"] == [p.path for p in caught.value.problems]

    def test_a_string_as_a_day_in_a_query_names_the_argument(self) -> None:
        """placement_on('2024-03-01') is a WrongTypeError at 'day', not a TypeError."""
        with pytest.raises(pm.WrongTypeError) as caught:
            PATHWAY.placement_on("2024-03-01")  # type: ignore[arg-type]
        assert ["day"] == [p.path for p in caught.value.problems]
