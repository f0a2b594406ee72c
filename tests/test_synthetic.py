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
from pathway_model import mhsds, synthetic
from pathway_model.catalogue import (
    ATTRIBUTABLE_TO,
    DELAY_REASON_LISTS,
    DELAY_REASONS_V5,
    DELAY_REASONS_V6,
    SECURE_PATHWAY,
)
from pathway_model.model._seam import RESTRICTIVE_INTERVENTION_TYPES
from pathway_model.scoring import kaplan_meier, readiness_reconciliation
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
RESTRICTIVE = pm.IncidentKind.RESTRICTIVE_INTERVENTION
#: Recorded readiness and restrictive interventions turned off: the generator as it was
#: before it made them.
WITHOUT_EVENTS: dict[str, Any] = {
    "recorded_readiness_share": 0,
    "recorded_not_ready_share": 0,
    "restrictive_interventions_per_1000_bed_days": 0,
}
#: The first day MHSDS v6 (and its delay reason list) applies: April 2024.
V6_FROM = dt.date(2024, 4, 1)


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


def without_events(pathway: pm.Pathway) -> pm.Pathway:
    """The record without its recorded readiness and restrictive interventions."""
    return attrs.evolve(
        pathway,
        recorded_readiness=(),
        incidents=[i for i in pathway.incidents if i.kind is not RESTRICTIVE],
    )


def stay_of(pathway: pm.Pathway, day: dt.date) -> pm.Placement:
    """The stay that covers ``day``; the test fails if there is none."""
    placement = pathway.placement_on(day)
    assert placement is not None
    return placement


def first_month(code_list: Any) -> int:
    """The first month any code of ``code_list`` is valid in."""
    return min(item.first_month for item in code_list if item.first_month is not None)


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
                "6c7e36ba56d4da49f1da9c8cf24cfe91e17f58089dbfb31f5e3eb4366d71f59f",
            ),
            (
                CohortParameters(people_in_care=12, history_years=8, delayed_share=0.9),
                7,
                dt.date(2031, 2, 28),
                "7606cdcbbf59bac31099eef6cccf7269a50e4c9b6eb2f5f4ebef3c46893f5b8c",
            ),
        ],
    )
    def test_a_seed_gives_the_bytes_it_always_gave(
        self, parameters: CohortParameters, seed: int, as_of: dt.date, digest: str
    ) -> None:
        """A seeded cohort's JSON is byte for byte what it was when the docs' figures were made."""
        assert digest == json_digest(synthetic_cohort(parameters, seed=seed, as_of=as_of))

    @pytest.mark.parametrize(
        ("parameters", "seed", "as_of", "digest"),
        [
            (
                CohortParameters(people_in_care=40, **WITHOUT_EVENTS),
                2025,
                AS_OF,
                "d78378be4eafde7ed4907bf768e2b57e99ce3c306b5f3582099552141f1836d0",
            ),
            (
                CohortParameters(
                    people_in_care=12, history_years=8, delayed_share=0.9, **WITHOUT_EVENTS
                ),
                7,
                dt.date(2031, 2, 28),
                "48a88da5252d9afa459a4834128da5344db51261ef0f5274a4bdee5c9ee32948",
            ),
        ],
    )
    def test_without_the_new_events_a_seed_gives_the_bytes_of_the_generator_before_them(
        self, parameters: CohortParameters, seed: int, as_of: dt.date, digest: str
    ) -> None:
        """With recorded readiness and restrictive interventions off, the older bytes come back.

        The digests are those the generator gave before it made either.
        """
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
            ({"recorded_readiness_share": 1.5}, "CohortParameters.recorded_readiness_share"),
            ({"recorded_not_ready_share": -0.1}, "CohortParameters.recorded_not_ready_share"),
            ({"recording_lag_days": (28, 0)}, "CohortParameters.recording_lag_days"),
            ({"recording_lag_days": (0, 400)}, "CohortParameters.recording_lag_days[1]"),
            (
                {"restrictive_interventions_per_1000_bed_days": -1},
                "CohortParameters.restrictive_interventions_per_1000_bed_days",
            ),
            (
                {"restrictive_interventions_per_1000_bed_days": "2"},
                "CohortParameters.restrictive_interventions_per_1000_bed_days",
            ),
            ({"delay_reasons_v6": (("A2", 1),)}, "CohortParameters.delay_reasons_v6[0][0]"),
            ({"delay_reasons_v5": (("24", 1),)}, "CohortParameters.delay_reasons_v5[0][0]"),
            ({"delay_reasons_v5": ()}, "CohortParameters.delay_reasons_v5"),
            ({"delay_reasons_v6": "24"}, "CohortParameters.delay_reasons_v6"),
            (
                {"delay_reasons_v6": (("24", 1), ("24", 2))},
                "CohortParameters.delay_reasons_v6[1][0]",
            ),
            ({"attributable_to": (("04", 0),)}, "CohortParameters.attributable_to[0][1]"),
            ({"attributable_to": (("04",),)}, "CohortParameters.attributable_to[0]"),
            ({"intervention_types": (("02", 1),)}, "CohortParameters.intervention_types[0][0]"),
            ({"intervention_types": ((5, 1),)}, "CohortParameters.intervention_types[0]"),
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

    def test_code_weights_may_be_a_mapping(self) -> None:
        """Delay reasons, attributions and intervention types may be given as a mapping."""
        parameters = CohortParameters(
            delay_reasons_v6={"24": 3, "32": 1},
            attributable_to={"04": 1},
            intervention_types={"05": 2, "07": 1},
        )
        assert (("24", 3), ("32", 1)) == parameters.delay_reasons_v6
        assert (("04", 1),) == parameters.attributable_to
        assert (("05", 2), ("07", 1)) == parameters.intervention_types

    def test_a_code_off_its_list_is_refused_naming_the_list(self) -> None:
        """The message names the national list the code should come from, and the code found."""
        with pytest.raises(pm.ValidationError) as caught:
            CohortParameters(delay_reasons_v6=(("M1", 1),))
        (problem,) = caught.value.problems
        assert "ClinReadyforDischDelayReason" in problem.expected
        assert "'M1'" == problem.found

    def test_the_default_code_weights_name_codes_of_their_lists(self) -> None:
        """Every default weight is for a code of its national list, and each table adds to 100."""
        defaults = CohortParameters()
        for pairs, codes in (
            (defaults.delay_reasons_v6, DELAY_REASONS_V6.code_values),
            (defaults.delay_reasons_v5, DELAY_REASONS_V5.code_values),
            (defaults.attributable_to, ATTRIBUTABLE_TO.code_values),
            (defaults.intervention_types, tuple(RESTRICTIVE_INTERVENTION_TYPES)),
        ):
            assert {code for code, _ in pairs} <= set(codes)
            assert 100 == sum(weight for _, weight in pairs)

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
        """Reviews, incidents, goals, stays and recorded readiness all begin on or before as_of."""
        latest = max(
            max(
                [pl.start for pl in p.placements]
                + [r.date for r in p.reviews]
                + [i.date for i in p.incidents]
                + [g.set_on for g in p.goals]
                + [w.start for w in p.recorded_readiness]
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
        """Each review, incident, goal and recorded period is made by its class's own checks."""
        classes = (pm.Review, pm.Incident, pm.Goal, pm.RecordedReadiness)
        calls = {cls: counting(cls, monkeypatch) for cls in classes}
        cohort = synthetic_cohort(SMALL, seed=8, as_of=AS_OF)
        made = {
            pm.Review: len({id(r) for p in cohort for r in p.reviews}),
            pm.Incident: len({id(i) for p in cohort for i in p.incidents}),
            pm.Goal: len({id(g) for p in cohort for g in p.goals}),
            pm.RecordedReadiness: len({id(w) for p in cohort for w in p.recorded_readiness}),
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


class TestRecordedReadiness:
    def test_each_period_runs_in_one_hospital_stay_until_the_move(
        self, cohort: tuple[pm.Pathway, ...]
    ) -> None:
        """A period starts inside a hospital stay and ends with it: open while the stay is."""
        periods = [(p, w) for p in cohort for w in p.recorded_readiness]
        assert periods
        assert [] == [
            (p.person_id, w.id)
            for p, w in periods
            if stay_of(p, w.start).stage not in HOSPITAL or stay_of(p, w.start).end != w.end
        ]

    def test_a_stay_has_at_most_one_period_and_none_overlap(
        self, cohort: tuple[pm.Pathway, ...]
    ) -> None:
        """No two periods of a record share a stay, so none overlap."""
        assert [] == [
            p.person_id
            for p in cohort
            if len({stay_of(p, w.start).id for w in p.recorded_readiness})
            != len(p.recorded_readiness)
        ]

    def test_codes_come_from_the_lists_of_the_month_the_period_starts(
        self, cohort: tuple[pm.Pathway, ...]
    ) -> None:
        """v6 reasons from April 2024, v5 before; every code valid in the period's month.

        A period that starts before the first month of the v5 list (April 2019) takes
        the codes of that first month.
        """
        periods = [w for p in cohort for w in p.recorded_readiness]
        wrong = []
        for period in periods:
            code_list = DELAY_REASONS_V6 if period.start >= V6_FROM else DELAY_REASONS_V5
            month = max(mhsds.month_id_of(period.start), first_month(DELAY_REASONS_V5))
            reason = code_list.get(period.delay_reason or "")
            attributable = ATTRIBUTABLE_TO.get(period.attributable_to or "")
            if (
                period.reason_list != code_list.id
                or reason is None
                or not reason.valid_in(month)
                or attributable is None
                or not attributable.valid_in(month)
            ):
                wrong.append(period)
        assert [] == wrong
        assert {DELAY_REASONS_V5.id, DELAY_REASONS_V6.id} == {w.reason_list for w in periods}

    def test_the_share_of_moves_after_readiness_that_are_recorded_is_the_parameter(
        self,
    ) -> None:
        """Of the hospital stays the rule finds ready on their last day, half are recorded.

        With no lag, the period starts on the planned readiness; with no other periods,
        every period is one of these. Some stays are ready on their last day by chance
        rather than by plan, and are never recorded, so the bound is loose: 5 points,
        four standard errors on the 1,800 or so stays of this seeded cohort.
        """
        parameters = CohortParameters(
            people_in_care=1_500,
            recorded_readiness_share=0.5,
            recording_lag_days=(0, 0),
            recorded_not_ready_share=0,
        )
        cohort = synthetic_cohort(parameters, seed=SEED, as_of=AS_OF)
        ready, recorded = 0, 0
        for p in cohort:
            starts = {stay_of(p, w.start).id for w in p.recorded_readiness}
            for stay in p.placements:
                if stay.stage not in HOSPITAL or stay.end is None or stay.end <= WINDOW_START:
                    continue
                if pm.readiness(p, stay.end - dt.timedelta(days=1)).ready:
                    ready += 1
                    recorded += stay.id in starts
        assert ready > 1_000
        assert abs(recorded / ready - 0.5) < 0.05

    def test_periods_start_at_or_a_little_after_the_rules_readiness(
        self, cohort: tuple[pm.Pathway, ...]
    ) -> None:
        """Where the rule finds the person ready at the move, recording lags it by 0-28 days.

        Nearly always: a stay whose ratings qualified by chance earlier, or a step down
        on the team's judgement that the rule also finds ready, may fall outside.
        """
        lags = []
        for p in cohort[:5_000]:
            for period in p.recorded_readiness:
                stay = stay_of(p, period.start)
                last = AS_OF if stay.end is None else stay.end - dt.timedelta(days=1)
                result = pm.readiness(p, last)
                if result.ready and result.readiness_date is not None:
                    lags.append((period.start - result.readiness_date).days)
        assert len(lags) > 500
        assert sum(0 <= lag <= 28 for lag in lags) / len(lags) > 0.95

    def test_the_reconciliation_finds_both_kinds_of_disagreement(
        self, cohort: tuple[pm.Pathway, ...]
    ) -> None:
        """Days ready by the rule alone and days recorded ready alone both occur."""
        rows = [
            row
            for p in cohort[:3_000]
            for row in readiness_reconciliation(p, AS_OF, since=WINDOW_START)
            if row.basis == "outcome ratings"
        ]
        assert sum(row.both_days or 0 for row in rows) > 0
        assert sum(row.rule_only_days or 0 for row in rows) > 0
        assert sum(row.recorded_only_days or 0 for row in rows) > 0
        assert sum(row.recorded_only_days == row.recorded_ready_days > 0 for row in rows) > 10

    def test_open_periods_are_those_of_people_still_in_hospital(
        self, cohort: tuple[pm.Pathway, ...]
    ) -> None:
        """Some people are recorded ready and waiting at as_of, each in an open hospital stay."""
        waiting = [p for p in cohort if any(w.is_open for w in p.recorded_readiness)]
        assert waiting
        assert all(in_hospital(p) for p in waiting)

    def test_no_share_records_nothing(self) -> None:
        """With both shares 0 no period is recorded."""
        parameters = CohortParameters(
            people_in_care=100, recorded_readiness_share=0, recorded_not_ready_share=0
        )
        cohort = synthetic_cohort(parameters, seed=3, as_of=AS_OF)
        assert () == tuple(w for p in cohort for w in p.recorded_readiness)

    def test_reasons_and_attributions_follow_the_weights(self) -> None:
        """With one code weighted on each list, every period has that list's code."""
        parameters = CohortParameters(
            people_in_care=150,
            history_years=8,
            delay_reasons_v6={"24": 1},
            delay_reasons_v5={"M1": 1},
            attributable_to={"05": 1},
        )
        periods = [
            w
            for p in synthetic_cohort(parameters, seed=3, as_of=AS_OF)
            for w in p.recorded_readiness
        ]
        assert {("ClinReadyforDischDelayReason", "24"), ("DelayDischReason", "M1")} == {
            (w.reason_list, w.delay_reason) for w in periods
        }
        assert {"05"} == {w.attributable_to for w in periods}

    def test_a_code_not_yet_or_no_longer_valid_is_not_drawn(self) -> None:
        """Codes outside their months give no code: R1 only from October 2021, 07 to March 2024."""
        parameters = CohortParameters(
            people_in_care=150,
            history_years=8,
            delay_reasons_v5={"R1": 1},
            attributable_to={"07": 1},
        )
        periods = [
            w
            for p in synthetic_cohort(parameters, seed=3, as_of=AS_OF)
            for w in p.recorded_readiness
        ]
        v5_from = dt.date(2021, 10, 1)
        by_kind = Counter(
            (
                "v6" if w.start >= V6_FROM else "v5" if w.start >= v5_from else "before",
                w.delay_reason if w.reason_list == DELAY_REASONS_V5.id else "v6 code",
                w.attributable_to,
            )
            for w in periods
        )
        assert {("before", None, "07"), ("v5", "R1", "07"), ("v6", "v6 code", None)} == set(by_kind)

    def test_the_codes_are_those_of_the_catalogue(self, cohort: tuple[pm.Pathway, ...]) -> None:
        """Every list named is one of the catalogue's delay reason lists."""
        names = {w.reason_list for p in cohort for w in p.recorded_readiness}
        assert names <= set(DELAY_REASON_LISTS)


class TestRestrictiveInterventions:
    def test_they_happen_in_hospital_stays_with_national_types(
        self, cohort: tuple[pm.Pathway, ...]
    ) -> None:
        """Each is in a hospital stay, has a national type and the library's default severity."""
        interventions = [(p, i) for p in cohort for i in p.incidents if i.kind is RESTRICTIVE]
        assert interventions
        assert [] == [
            (p.person_id, i.id)
            for p, i in interventions
            if stay_of(p, i.date).stage not in HOSPITAL
            or i.intervention_type not in RESTRICTIVE_INTERVENTION_TYPES
            or i.severity is not pm.IncidentSeverity.SERIOUS
        ]

    def test_their_rate_per_1000_bed_days_is_the_parameter(
        self, cohort: tuple[pm.Pathway, ...]
    ) -> None:
        """Over the hospital stays that reach into the window, 2 per 1,000 bed days, within 5%."""
        after = AS_OF + dt.timedelta(days=1)
        bed_days = sum(
            (min(stay.end or after, after) - stay.start).days
            for p in cohort
            for stay in p.placements
            if stay.stage in HOSPITAL and (stay.end is None or stay.end > WINDOW_START)
        )
        count = sum(i.kind is RESTRICTIVE for p in cohort for i in p.incidents)
        assert abs(count / bed_days * 1_000 - 2) < 0.1

    def test_their_types_follow_the_weights(self, cohort: tuple[pm.Pathway, ...]) -> None:
        """The most common types are those weighted most: standing restraint, then escort."""
        types = Counter(
            i.intervention_type for p in cohort for i in p.incidents if i.kind is RESTRICTIVE
        )
        assert ["07", "08"] == [code for code, _ in types.most_common(2)]
        assert "04" in types

    def test_they_never_change_readiness(self, cohort: tuple[pm.Pathway, ...]) -> None:
        """Every stay's readiness is the same with the restrictive interventions taken out."""
        changed = []
        for p in cohort[:3_000]:
            if not any(i.kind is RESTRICTIVE for i in p.incidents):
                continue
            without = attrs.evolve(
                p, incidents=[i for i in p.incidents if i.kind is not RESTRICTIVE]
            )
            if pm.readiness_history(p, AS_OF) != pm.readiness_history(without, AS_OF):
                changed.append(p.person_id)
        assert [] == changed

    def test_no_rate_makes_none(self) -> None:
        """With a rate of 0 no restrictive intervention is made."""
        parameters = CohortParameters(
            people_in_care=100, restrictive_interventions_per_1000_bed_days=0
        )
        cohort = synthetic_cohort(parameters, seed=3, as_of=AS_OF)
        assert 0 == sum(i.kind is RESTRICTIVE for p in cohort for i in p.incidents)


class TestSeparateStreams:
    def test_with_defaults_records_differ_only_in_the_new_items(self) -> None:
        """Taking out recorded readiness and restrictive interventions gives the cohort without."""
        with_events = synthetic_cohort(CohortParameters(people_in_care=300), seed=SEED, as_of=AS_OF)
        without = synthetic_cohort(
            CohortParameters(people_in_care=300, **WITHOUT_EVENTS), seed=SEED, as_of=AS_OF
        )
        assert any(p.recorded_readiness for p in with_events)
        assert any(i.kind is RESTRICTIVE for p in with_events for i in p.incidents)
        assert without == tuple(without_events(p) for p in with_events)

    def test_recorded_readiness_does_not_depend_on_restrictive_interventions(self) -> None:
        """Each has a stream of its own: turning one off leaves the other as it was."""
        both = synthetic_cohort(CohortParameters(people_in_care=200), seed=4, as_of=AS_OF)
        no_restrictive = synthetic_cohort(
            CohortParameters(people_in_care=200, restrictive_interventions_per_1000_bed_days=0),
            seed=4,
            as_of=AS_OF,
        )
        no_recorded = synthetic_cohort(
            CohortParameters(
                people_in_care=200, recorded_readiness_share=0, recorded_not_ready_share=0
            ),
            seed=4,
            as_of=AS_OF,
        )
        assert [p.recorded_readiness for p in both] == [
            p.recorded_readiness for p in no_restrictive
        ]
        assert [p.incidents for p in both] == [p.incidents for p in no_recorded]

    def test_the_new_items_round_trip_through_json(self) -> None:
        """Recorded readiness and intervention types are written and read back unchanged."""
        cohort = synthetic_cohort(CohortParameters(people_in_care=60), seed=9, as_of=AS_OF)
        assert any(p.recorded_readiness for p in cohort)
        assert list(cohort) == [pm.loads(pm.dumps(p)) for p in cohort]


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

    @given(
        parameters=st.builds(
            CohortParameters,
            people_in_care=st.integers(1, 12),
            history_years=st.integers(0, 8),
            recorded_readiness_share=st.floats(0, 1),
            recorded_not_ready_share=st.floats(0, 1),
            restrictive_interventions_per_1000_bed_days=st.floats(0, 50),
        ),
        seed=st.integers(-(2**40), 2**40),
        as_of=st.dates(dt.date(1990, 1, 1), dt.date(2040, 12, 31)),
    )
    def test_recorded_readiness_and_restrictive_interventions_change_nothing_else(
        self, parameters: CohortParameters, seed: int, as_of: dt.date
    ) -> None:
        """Whatever their parameters, the records differ only in the new items, and stay valid."""
        cohort = synthetic_cohort(parameters, seed=seed, as_of=as_of)
        without = attrs.evolve(parameters, **WITHOUT_EVENTS)
        assert synthetic_cohort(without, seed=seed, as_of=as_of) == tuple(
            without_events(p) for p in cohort
        )
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
