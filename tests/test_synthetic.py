"""The seeded synthetic cohort: deterministic, valid, and shaped like the sources page says."""

from __future__ import annotations

import ast
import datetime as dt
import gc
import hashlib
import inspect
import itertools
import random
import re
import statistics
import threading
from collections import Counter
from collections.abc import Iterator
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import pathway_model as pm
from pathway_model import synthetic
from pathway_model.catalogue import SECURE_PATHWAY
from pathway_model.scoring import kaplan_meier
from pathway_model.synthetic import (
    DEFAULT_STAGES,
    CohortParameters,
    StageParameters,
    _generator,
    synthetic_cohort,
)
from pathway_model.synthetic._generator import _shift
from tests import strategies as s

AS_OF = dt.date(2025, 3, 31)
SEED = 2025
WINDOW_START = dt.date(2020, 3, 31)  # five years of history before AS_OF
HOSPITAL = ("high_secure", "medium_secure", "low_secure")
SMALL = CohortParameters(people_in_care=40)
YEAR = 365.2425


@pytest.fixture(scope="module")
def cohort() -> tuple[pm.Pathway, ...]:
    """The default full-size cohort (7,500 people in secure care), made once."""
    return synthetic_cohort(seed=SEED, as_of=AS_OF)


@pytest.fixture(scope="module")
def readiness_at_as_of(cohort: tuple[pm.Pathway, ...]) -> list[pm.Readiness]:
    """Readiness at AS_OF of everyone whose stay goes on at AS_OF."""
    return [pm.readiness(p, AS_OF) for p in cohort if p.current_placement is not None]


def in_hospital(pathway: pm.Pathway) -> bool:
    current = pathway.current_placement
    return current is not None and current.stage in HOSPITAL


def residents(cohort: tuple[pm.Pathway, ...], stage: str) -> list[pm.Placement]:
    """The open stays in ``stage`` at AS_OF."""
    return [
        p.current_placement
        for p in cohort
        if p.current_placement is not None and p.current_placement.stage == stage
    ]


def stays_of(pathway: pm.Pathway) -> Iterator[tuple[pm.Placement, list[pm.Review]]]:
    """Each stay with the reviews dated inside it."""
    for placement in pathway.placements:
        yield placement, [r for r in pathway.reviews if placement.covers(r.date)]


def json_digest(cohort: tuple[pm.Pathway, ...]) -> str:
    """The SHA-256 of the cohort's records as JSON, one record a line."""
    return hashlib.sha256(b"\n".join(pm.dumps(p).encode() for p in cohort)).hexdigest()


def counting(cls: type[Any], monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the calls of ``cls``'s validating constructor while the test runs."""
    calls = [0]
    init = cls.__init__

    def counted(self: Any, **values: Any) -> None:
        calls[0] += 1
        init(self, **values)

    monkeypatch.setattr(cls, "__init__", counted)
    return calls


class TestDeterminism:
    def test_the_same_seed_gives_equal_records(self) -> None:
        """Two cohorts from one seed and the same parameters are equal."""
        assert synthetic_cohort(SMALL, seed=7, as_of=AS_OF) == synthetic_cohort(
            SMALL, seed=7, as_of=AS_OF
        )

    def test_the_same_seed_gives_the_same_json_bytes(self) -> None:
        """Two cohorts from one seed serialise to the same bytes."""
        first = [pm.dumps(p) for p in synthetic_cohort(SMALL, seed=7, as_of=AS_OF)]
        second = [pm.dumps(p) for p in synthetic_cohort(SMALL, seed=7, as_of=AS_OF)]
        assert first == second

    def test_different_seeds_give_different_cohorts(self) -> None:
        """Changing the seed changes the cohort."""
        assert synthetic_cohort(SMALL, seed=1, as_of=AS_OF) != synthetic_cohort(
            SMALL, seed=2, as_of=AS_OF
        )

    def test_the_global_random_state_is_untouched(self) -> None:
        """Making a cohort neither reads nor moves the random module's global state."""
        random.seed(99)
        before = random.getstate()
        synthetic_cohort(SMALL, seed=3, as_of=AS_OF)
        assert before == random.getstate()

    @pytest.mark.parametrize(
        ("parameters", "seed", "as_of", "digest"),
        [
            (
                CohortParameters(people_in_care=40),
                2025,
                AS_OF,
                "d78378be4eafde7ed4907bf768e2b57e99ce3c306b5f3582099552141f1836d0",
            ),
            (
                CohortParameters(people_in_care=12, history_years=8, delayed_share=0.9),
                7,
                dt.date(2031, 2, 28),
                "48a88da5252d9afa459a4834128da5344db51261ef0f5274a4bdee5c9ee32948",
            ),
        ],
    )
    def test_a_seed_gives_the_bytes_it_always_gave(
        self, parameters: CohortParameters, seed: int, as_of: dt.date, digest: str
    ) -> None:
        """A seeded cohort's JSON is byte for byte what it was when the docs' figures were made."""
        assert digest == json_digest(synthetic_cohort(parameters, seed=seed, as_of=as_of))

    @pytest.mark.parametrize("enabled", [True, False])
    def test_the_garbage_collector_is_left_as_it_was(self, enabled: bool) -> None:
        """Making a cohort leaves the collector on or off, as it was found."""
        was = gc.isenabled()
        try:
            (gc.enable if enabled else gc.disable)()
            synthetic_cohort(CohortParameters(people_in_care=5), seed=3, as_of=AS_OF)
            assert enabled == gc.isenabled()
        finally:
            (gc.enable if was else gc.disable)()

    def test_no_process_wide_setting_is_touched(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Making a cohort never pauses, freezes or retunes the collector other threads share."""

        def refuse(*_: object) -> None:
            msg = "a process-wide collector setting was changed"
            raise AssertionError(msg)

        for name in ("disable", "enable", "freeze", "unfreeze", "set_threshold"):
            monkeypatch.setattr(gc, name, refuse)
        cohort = synthetic_cohort(SMALL, seed=3, as_of=AS_OF)
        assert 40 == sum(in_hospital(p) for p in cohort)

    def test_cohorts_made_on_several_threads_at_once_are_those_made_alone(self) -> None:
        """Threads making cohorts at the same time each get the cohort their seed gives."""
        seeds = (11, 12, 13, 14)
        alone = {seed: synthetic_cohort(SMALL, seed=seed, as_of=AS_OF) for seed in seeds}
        together: dict[int, tuple[pm.Pathway, ...]] = {}
        start = threading.Barrier(len(seeds))

        def make(seed: int) -> None:
            start.wait()
            together[seed] = synthetic_cohort(SMALL, seed=seed, as_of=AS_OF)

        threads = [threading.Thread(target=make, args=(seed,)) for seed in seeds]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert alone == together

    def test_records_come_in_admission_order_with_sequential_ids(self) -> None:
        """Person ids run SYN-000001 upwards in the order people were first admitted."""
        cohort = synthetic_cohort(SMALL, seed=4, as_of=AS_OF)
        assert [f"SYN-{n:06d}" for n in range(1, len(cohort) + 1)] == [p.person_id for p in cohort]
        assert sorted(p.first_day for p in cohort) == [p.first_day for p in cohort]


class TestParameters:
    def test_the_defaults_are_valid(self) -> None:
        """The default parameters build without a problem."""
        assert 7_500 == CohortParameters().people_in_care

    def test_a_mapping_of_weights_is_accepted(self) -> None:
        """Step-down destinations may be given as a mapping, kept in its order."""
        stage = StageParameters(
            stage="medium_secure",
            admission_share=1.0,
            median_stay_years=2.0,
            stay_spread=0.5,
            incidents_per_year=1.0,
            step_down_to={"low_secure": 3, "community": 1},
        )
        assert (("low_secure", 3), ("community", 1)) == stage.step_down_to

    @pytest.mark.parametrize(
        ("change", "path"),
        [
            ({"people_in_care": 0}, "CohortParameters.people_in_care"),
            ({"people_in_care": 2.5}, "CohortParameters.people_in_care"),
            ({"history_years": -1}, "CohortParameters.history_years"),
            ({"late_review_share": 1.5}, "CohortParameters.late_review_share"),
            ({"delayed_share": float("nan")}, "CohortParameters.delayed_share"),
            ({"person_declines_share": "0.1"}, "CohortParameters.person_declines_share"),
            ({"move_delay_days": (120, 14)}, "CohortParameters.move_delay_days"),
            ({"goals_per_stay": (1, 2, 3)}, "CohortParameters.goals_per_stay"),
            ({"first_review_weeks": (0, 12)}, "CohortParameters.first_review_weeks[0]"),
            ({"providers": ()}, "CohortParameters.providers"),
            ({"providers": ("A", "A")}, "CohortParameters.providers"),
            ({"providers": ("A", " ")}, "CohortParameters.providers[1]"),
            ({"high_secure_providers": 9}, "CohortParameters.high_secure_providers"),
            ({"stages": DEFAULT_STAGES[:3]}, "CohortParameters.stages"),
            (
                {"serious_incident_share": 0.6, "moderate_incident_share": 0.6},
                "CohortParameters.serious_incident_share",
            ),
        ],
    )
    def test_a_value_out_of_range_is_refused_with_its_path(
        self, change: dict[str, Any], path: str
    ) -> None:
        """A bad value raises ValidationError naming the parameter's path."""
        with pytest.raises(pm.ValidationError) as caught:
            CohortParameters(**change)
        assert path in [problem.path for problem in caught.value.problems]

    def test_every_problem_is_listed(self) -> None:
        """Several bad values are reported together, each with its path."""
        with pytest.raises(pm.ValidationError) as caught:
            CohortParameters(people_in_care=-1, delayed_share=2.0, history_years=99)
        assert {
            "CohortParameters.people_in_care",
            "CohortParameters.delayed_share",
            "CohortParameters.history_years",
        } == {problem.path for problem in caught.value.problems}

    def test_admission_shares_must_add_up_to_one(self) -> None:
        """Admission shares that do not add up to 1 are refused."""
        stages = (
            attrs.evolve(DEFAULT_STAGES[0], admission_share=0.5),
            *DEFAULT_STAGES[1:],
        )
        with pytest.raises(pm.ValidationError) as caught:
            CohortParameters(stages=stages)
        assert ["CohortParameters.stages[*].admission_share"] == [
            problem.path for problem in caught.value.problems
        ]

    def test_a_step_down_the_pathway_does_not_allow_is_refused(self) -> None:
        """High secure cannot step down straight to low secure on the secure pathway."""
        with pytest.raises(pm.ValidationError) as caught:
            attrs.evolve(DEFAULT_STAGES[0], step_down_to=(("low_secure", 1.0),))
        assert ["StageParameters.step_down_to[0][0]"] == [
            problem.path for problem in caught.value.problems
        ]

    def test_a_step_up_must_go_to_a_more_secure_stage(self) -> None:
        """A step up to a less secure stage is refused."""
        with pytest.raises(pm.ValidationError) as caught:
            attrs.evolve(DEFAULT_STAGES[2], step_up_to=(("community", 1.0),))
        assert ["StageParameters.step_up_to[0][0]"] == [
            problem.path for problem in caught.value.problems
        ]

    def test_an_unknown_stage_is_refused(self) -> None:
        """Stage parameters must name a stay stage of the secure pathway."""
        with pytest.raises(pm.ValidationError) as caught:
            attrs.evolve(DEFAULT_STAGES[0], stage="discharged")
        assert ["StageParameters.stage"] == [problem.path for problem in caught.value.problems]

    def test_step_ups_need_somewhere_to_go(self) -> None:
        """A share of step ups with no stage to step up to is refused."""
        with pytest.raises(pm.ValidationError) as caught:
            attrs.evolve(DEFAULT_STAGES[0], step_up_share=0.1)
        assert ["StageParameters.step_up_to"] == [problem.path for problem in caught.value.problems]

    def test_the_parameters_must_be_cohort_parameters(self) -> None:
        """Anything but CohortParameters (or None) is refused."""
        with pytest.raises(pm.WrongTypeError):
            synthetic_cohort({"people_in_care": 5}, seed=1, as_of=AS_OF)  # type: ignore[arg-type]

    @pytest.mark.parametrize("seed", [1.5, "1", True, None])
    def test_the_seed_must_be_a_whole_number(self, seed: object) -> None:
        """A seed that is not an int is refused."""
        with pytest.raises(pm.WrongTypeError):
            synthetic_cohort(SMALL, seed=seed, as_of=AS_OF)  # type: ignore[arg-type]

    def test_as_of_must_be_a_date(self) -> None:
        """A datetime is not a date: its day depends on its zone."""
        with pytest.raises(pm.WrongTypeError):
            synthetic_cohort(SMALL, seed=1, as_of=dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc))

    def test_as_of_must_leave_room_for_the_history(self) -> None:
        """A date too early for the history drawn is refused."""
        with pytest.raises(pm.ValidationError) as caught:
            synthetic_cohort(SMALL, seed=1, as_of=dt.date(20, 1, 1))
        assert ["as_of"] == [problem.path for problem in caught.value.problems]


class TestFullSizeMagnitudes:
    def test_exactly_the_people_asked_for_are_in_secure_care(
        self, cohort: tuple[pm.Pathway, ...]
    ) -> None:
        """7,500 people are in high, medium or low secure care at as_of (the sources page)."""
        assert 7_500 == sum(in_hospital(p) for p in cohort)

    def test_high_and_medium_secure_hold_about_the_published_shares(
        self, cohort: tuple[pm.Pathway, ...]
    ) -> None:
        """About 11% of beds are high secure and 43% medium (the sources page), within 4 points."""
        shares = Counter(p.current_placement.stage for p in cohort if in_hospital(p))  # type: ignore[union-attr]
        assert abs(shares["high_secure"] / 7_500 - 800 / 7_500) < 0.04
        assert abs(shares["medium_secure"] / 7_500 - 3_200 / 7_500) < 0.04

    def test_a_typical_hospital_stay_is_about_two_years(
        self, cohort: tuple[pm.Pathway, ...]
    ) -> None:
        """The median hospital stay begun in the window is 2 years, within half a year."""
        stays = [
            ((min(pl.end or AS_OF, AS_OF) - pl.start).days, pl.end is not None)
            for p in cohort
            for pl in p.placements
            if pl.stage in HOSPITAL and pl.start >= WINDOW_START
        ]
        median = kaplan_meier([days for days, _ in stays], [ended for _, ended in stays]).median
        assert median is not None
        assert 1.5 <= median / YEAR <= 2.5

    @pytest.mark.parametrize(
        ("stage", "years", "published"),
        [("high_secure", 10, 0.235), ("medium_secure", 5, 0.181)],
    )
    def test_long_stay_shares_are_near_the_published_ones(
        self, cohort: tuple[pm.Pathway, ...], stage: str, years: int, published: float
    ) -> None:
        """The share of residents long-stay is within 5 points of the sources page."""
        stays = residents(cohort, stage)
        long_stay = sum((AS_OF - pl.start).days > years * YEAR for pl in stays)
        assert abs(long_stay / len(stays) - published) < 0.05

    def test_reviews_are_every_three_to_six_months(self, cohort: tuple[pm.Pathway, ...]) -> None:
        """Within a stay, the median gap between reviews is 3 to 6 months (the sources page)."""
        gaps = [
            (later.date - earlier.date).days
            for p in cohort[:3_000]
            for _, reviews in stays_of(p)
            for earlier, later in itertools.pairwise(reviews)
        ]
        assert 3 * 30 <= statistics.median(gaps) <= 6 * 31
        deciles = statistics.quantiles(gaps, n=10)
        assert 60 <= deciles[0]
        assert deciles[-1] <= 200

    def test_the_first_review_of_a_stay_is_within_twelve_weeks(
        self, cohort: tuple[pm.Pathway, ...]
    ) -> None:
        """Every stay with reviews has its first within 12 weeks of its start (the sources page)."""
        late = [
            placement.id
            for p in cohort
            for placement, reviews in stays_of(p)
            if reviews and (reviews[0].date - placement.start).days > 12 * 7
        ]
        assert [] == late

    def test_both_views_are_given_and_some_people_decline(
        self, cohort: tuple[pm.Pathway, ...]
    ) -> None:
        """The person gives their own view at most reviews and declines at 10-20%."""
        reviews = [review for p in cohort[:3_000] for review in p.reviews]
        declined = sum(all(r.person is None for r in review.ratings) for review in reviews)
        assert 0.10 <= declined / len(reviews) <= 0.20

    def test_some_people_are_ready_but_not_moved(
        self, readiness_at_as_of: list[pm.Readiness]
    ) -> None:
        """Between 5% and 25% of people whose stay goes on are ready to move on at as_of."""
        ready = sum(result.ready for result in readiness_at_as_of)
        assert 0.05 <= ready / len(readiness_at_as_of) <= 0.25

    def test_some_have_waited_long_beyond_readiness(
        self, readiness_at_as_of: list[pm.Readiness]
    ) -> None:
        """Some people have been ready for more than six months at as_of."""
        assert any(result.days_beyond_readiness > 182 for result in readiness_at_as_of)

    def test_some_moves_are_back_to_a_more_secure_stage(
        self, cohort: tuple[pm.Pathway, ...]
    ) -> None:
        """Readmissions to a more secure stage happen."""
        rank = {stage.code: stage.security_rank for stage in SECURE_PATHWAY.stages}
        step_ups = sum(
            rank[after.stage] > rank[before.stage]
            for p in cohort
            for before, after in itertools.pairwise(p.placements)
        )
        assert step_ups > 100

    def test_the_history_window_holds_the_records_that_ended_in_it(
        self, cohort: tuple[pm.Pathway, ...]
    ) -> None:
        """Records that ended are included only if they ended in the five-year window."""
        ended = [p.end for p in cohort if p.end is not None]
        assert ended
        assert all(WINDOW_START < end <= AS_OF for end in ended)

    def test_incidents_of_every_severity_are_recorded(self, cohort: tuple[pm.Pathway, ...]) -> None:
        """Minor, moderate and serious incidents all occur."""
        severities = {incident.severity for p in cohort[:500] for incident in p.incidents}
        assert set(pm.IncidentSeverity) == severities

    def test_high_secure_is_run_by_three_providers(self, cohort: tuple[pm.Pathway, ...]) -> None:
        """High secure stays are with the first three providers only (the sources page)."""
        providers = {
            pl.provider for p in cohort for pl in p.placements if pl.stage == "high_secure"
        }
        assert {"Provider A", "Provider B", "Provider C"} == providers


class TestValidity:
    def test_every_record_passes_the_definition_checks(
        self, cohort: tuple[pm.Pathway, ...]
    ) -> None:
        """check_pathway finds no problem in any record of the full-size cohort."""
        assert [] == [p.person_id for p in cohort if pm.check_pathway(p, SECURE_PATHWAY)]

    def test_nothing_is_dated_after_as_of(self, cohort: tuple[pm.Pathway, ...]) -> None:
        """Reviews, incidents, goals and stays all begin on or before as_of."""
        latest = max(
            max(
                [pl.start for pl in p.placements]
                + [r.date for r in p.reviews]
                + [i.date for i in p.incidents]
                + [g.set_on for g in p.goals]
            )
            for p in cohort
        )
        assert latest <= AS_OF

    def test_person_ids_are_pseudonymous(self, cohort: tuple[pm.Pathway, ...]) -> None:
        """Every person id is SYN- and six digits, and each is used once."""
        ids = [p.person_id for p in cohort]
        assert all(re.fullmatch(r"SYN-[0-9]{6}", person_id) for person_id in ids)
        assert len(ids) == len(set(ids))

    def test_every_object_is_built_by_its_validating_constructor(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Each review, incident and goal is made by its class's own checks, none bypassed."""
        calls = {cls: counting(cls, monkeypatch) for cls in (pm.Review, pm.Incident, pm.Goal)}
        cohort = synthetic_cohort(SMALL, seed=8, as_of=AS_OF)
        made = {
            pm.Review: len({id(r) for p in cohort for r in p.reviews}),
            pm.Incident: len({id(i) for p in cohort for i in p.incidents}),
            pm.Goal: len({id(g) for p in cohort for g in p.goals}),
        }
        assert all(made.values())
        assert made == {cls: count[0] for cls, count in calls.items()}

    def test_a_value_the_model_refuses_is_refused_while_generating(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Generated values pass the model's checks: a blank goal wording stops the cohort."""
        blank = dict.fromkeys(SECURE_PATHWAY.framework.domain_codes, ("   ",) * 3)
        monkeypatch.setattr(_generator, "_GOAL_WORDING", blank)
        with pytest.raises(pm.ValidationError) as caught:
            synthetic_cohort(SMALL, seed=8, as_of=AS_OF)
        assert ["Goal.description"] == [problem.path for problem in caught.value.problems]

    def test_goal_updates_name_the_persons_goals(self, cohort: tuple[pm.Pathway, ...]) -> None:
        """Goals are set, each in a framework domain, and updated at reviews."""
        domains = set(SECURE_PATHWAY.framework.domain_codes)
        goals = [goal for p in cohort[:500] for goal in p.goals]
        updates = [u for p in cohort[:500] for r in p.reviews for u in r.goal_progress]
        assert goals
        assert updates
        assert {goal.domain for goal in goals} <= domains


class TestSmallCohorts:
    @given(
        people=st.integers(1, 12),
        seed=st.integers(0, 2**32),
        as_of=st.dates(dt.date(1990, 1, 1), dt.date(2040, 12, 31)),
        history=st.integers(0, 8),
        delayed=st.floats(0, 1),
    )
    def test_any_small_cohort_is_valid_and_exact(
        self, people: int, seed: int, as_of: dt.date, history: int, delayed: float
    ) -> None:
        """Any seed and date give exactly the people asked for, every record valid."""
        parameters = CohortParameters(
            people_in_care=people, history_years=history, delayed_share=delayed
        )
        cohort = synthetic_cohort(parameters, seed=seed, as_of=as_of)
        assert people == sum(in_hospital(p) for p in cohort)
        assert [] == [p.person_id for p in cohort if pm.check_pathway(p, SECURE_PATHWAY)]

    def test_no_history_keeps_only_those_still_in_care(self) -> None:
        """With no history window, every record goes on at as_of."""
        cohort = synthetic_cohort(
            CohortParameters(people_in_care=30, history_years=0), seed=5, as_of=AS_OF
        )
        assert all(p.current_placement is not None for p in cohort)


class TestCalendarShift:
    @given(period=s.periods, day=st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)))
    def test_shifting_a_day_number_matches_period_arithmetic(
        self, period: pm.Period, day: dt.date
    ) -> None:
        """The generator's day-number shift agrees with Period.add_to and subtract_from."""
        assert period.add_to(day).toordinal() == _shift(period, day.toordinal(), 1)
        assert period.subtract_from(day).toordinal() == _shift(period, day.toordinal(), -1)


class TestPublicSurface:
    def test_all_is_sorted(self) -> None:
        """The package's `__all__` is sorted, so additions are easy to review."""
        assert sorted(synthetic.__all__) == synthetic.__all__

    def test_all_is_exactly_the_public_names(self) -> None:
        """Every public name the package binds is in `__all__`, and nothing else."""
        bound = {
            name
            for name, value in vars(synthetic).items()
            if not name.startswith("_") and not inspect.ismodule(value) and name != "annotations"
        }
        assert bound == set(synthetic.__all__)
        assert [
            "CohortParameters",
            "DEFAULT_PROVIDERS",
            "DEFAULT_STAGES",
            "StageParameters",
            "synthetic_cohort",
        ] == synthetic.__all__

    @pytest.mark.parametrize("name", [n for n in synthetic.__all__ if n.upper() != n])
    def test_every_public_name_is_documented(self, name: str) -> None:
        """Each public class and function explains itself."""
        assert (inspect.getdoc(getattr(synthetic, name)) or "").strip()

    def test_the_parameters_do_not_depend_on_the_generator(self) -> None:
        """The parameters are a room of their own: their module imports nothing of the generator."""
        source = inspect.getsource(synthetic._parameters)
        imported = {
            node.module
            for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.ImportFrom) and node.module
        } | {
            alias.name
            for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Import)
            for alias in node.names
        }
        assert "pathway_model.catalogue" in imported
        assert not any(name.startswith("pathway_model.synthetic") for name in imported)
