"""Kaplan-Meier estimates: worked examples, edges, and agreement with lifelines.

lifelines (a test dependency only) works in floating point: where the exact estimate
reaches ``1 - q`` exactly (four stays, two ended: ``S = 1/2``), its rounding can put the
curve a hair above ``1 - q`` and its quantile one event time later. The agreement tests
accept exactly that difference, and only where the exact arithmetic shows the tie.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import warnings
from fractions import Fraction

import lifelines  # a test dependency only: the library never imports it
import pytest
from hypothesis import given
from hypothesis import strategies as st

import pathway_model as pm
from pathway_model.scoring import KaplanMeier, cohort_report, kaplan_meier
from pathway_model.synthetic import CohortParameters, synthetic_cohort

QUANTILES = (0.25, 0.5, 0.75)


def exact_survival(km: KaplanMeier, time: int) -> Fraction:
    """S(time) in exact arithmetic, from the estimate's own counts."""
    survival = Fraction(1)
    for at, at_risk, events in zip(km.times, km.at_risk, km.events, strict=True):
        if at > time:
            break
        survival *= Fraction(at_risk - events, at_risk)
    return survival


def assert_agrees_with_lifelines(durations: list[int], observed: list[bool]) -> None:
    """Survival values and quantiles agree with lifelines' KaplanMeierFitter."""
    km = kaplan_meier(durations, observed)
    fitter = lifelines.KaplanMeierFitter().fit(durations, event_observed=observed)
    curve = fitter.survival_function_.iloc[:, 0]
    assert list(km.times) == [int(t) for t in curve.index if t in set(durations)]
    for time, value in zip(km.times, km.survival, strict=True):
        assert value == pytest.approx(float(curve.loc[time]), rel=1e-9, abs=1e-12)
    event_times = [t for t, d in zip(km.times, km.events, strict=True) if d]
    for q in QUANTILES:
        mine = km.quantile(q)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # lifelines warns that it reads its own curve
            found = fitter.percentile(1 - q)
        theirs = None if math.isinf(found) else int(found)
        if mine == theirs:
            continue
        # Only an exact tie at 1 - q may differ, and lifelines then takes the next event.
        assert mine is not None
        assert exact_survival(km, mine) == 1 - Fraction(str(q))
        following = [t for t in event_times if t > mine]
        assert theirs == (following[0] if following else None)


class TestKaplanMeier:
    def test_no_censoring_is_the_empirical_survival(self) -> None:
        """Ten stays of 1 to 10 days, all ended: S(t) = (10 - t) / 10."""
        km = kaplan_meier(range(1, 11))
        assert [pytest.approx((10 - t) / 10) for t in range(1, 11)] == list(km.survival)

    def test_a_censored_stay_leaves_the_risk_set_without_an_event(self) -> None:
        """5 ends, 8 censored, 10 ends: S = 2/3 after 5, unchanged at 8, 0 after 10."""
        km = kaplan_meier([5, 8, 10], [True, False, True])
        assert ((5, 8, 10), (3, 2, 1), (1, 0, 1), (0, 1, 0)) == (
            km.times,
            km.at_risk,
            km.events,
            km.censored,
        )
        assert pytest.approx([2 / 3, 2 / 3, 0.0]) == list(km.survival)

    def test_the_median_at_an_exact_half_is_that_time(self) -> None:
        """Four stays of 1, 2, 3 and 4 days: S(2) = 1/2 exactly, so the median is 2."""
        assert 2 == kaplan_meier([1, 2, 3, 4]).median

    def test_the_median_of_six_is_the_third(self) -> None:
        """S(3) = 3/6 exactly: floating-point estimates can give 4 here."""
        assert 3 == kaplan_meier([1, 2, 3, 4, 5, 6]).median

    def test_a_median_not_reached_is_none(self) -> None:
        """Most stays still going on: the curve never falls to one half."""
        km = kaplan_meier([10, 20, 30, 40], [True, False, False, False])
        assert (None, 10) == (km.median, km.quantile(0.2))

    def test_quartiles(self) -> None:
        """Eight stays of 1 to 8 days: S falls by 1/8 a day: 2, 4 and 6."""
        assert (2, 4, 6) == kaplan_meier(range(1, 9)).quartiles

    def test_ties_of_events_and_censoring_at_one_time(self) -> None:
        """At a shared time the events count against everyone at risk, censored ones too."""
        km = kaplan_meier([3, 3, 3, 7], [True, False, True, True])
        assert ((4, 1), 0.5) == ((km.at_risk[0], km.at_risk[1]), km.survival[0])

    def test_a_duration_of_zero(self) -> None:
        """A stay that ended the day it began is an event at time 0."""
        assert 0.5 == kaplan_meier([0, 5]).survival[0]

    def test_survival_at_any_time(self) -> None:
        """Before the first event 1; between events the last value; after the end the last."""
        km = kaplan_meier([5, 10], [True, True])
        assert [1.0, 0.5, 0.5, 0.0, 0.0] == [km.survival_at(t) for t in (0, 5, 9, 10, 99)]

    def test_nothing_at_all(self) -> None:
        """No durations: an empty curve and no median."""
        km = kaplan_meier([])
        assert ((), None, 0, 0) == (km.times, km.median, km.n, km.observed)

    def test_counts(self) -> None:
        """How many durations and how many ended."""
        km = kaplan_meier([1, 2, 3], [True, False, True])
        assert (3, 2) == (km.n, km.observed)

    def test_a_quantile_given_as_a_fraction(self) -> None:
        """Exact quantiles need no float."""
        assert 1 == kaplan_meier([1, 2, 3]).quantile(Fraction(1, 3))

    @pytest.mark.parametrize("q", [0, -0.5, 1.5, float("nan"), float("inf")])
    def test_a_quantile_outside_zero_to_one_is_refused(self, q: float) -> None:
        """q is in (0, 1]."""
        with pytest.raises(pm.ValidationError, match="q: expected a number from 0"):
            kaplan_meier([1]).quantile(q)

    def test_a_quantile_that_is_not_a_number_is_refused(self) -> None:
        """A string is a type error."""
        with pytest.raises(pm.WrongTypeError, match="q: expected a number"):
            kaplan_meier([1]).quantile("0.5")  # type: ignore[arg-type]


class TestKaplanMeierInput:
    def test_negative_durations_are_listed(self) -> None:
        """Every bad duration is named by its position."""
        with pytest.raises(pm.ValidationError) as caught:
            kaplan_meier([1, -1, 2, -3])
        assert ["durations[1]", "durations[3]"] == [p.path for p in caught.value.problems]

    def test_a_duration_must_be_a_whole_number(self) -> None:
        """Days are whole; a float or a bool is a type error."""
        with pytest.raises(pm.WrongTypeError, match=r"durations\[0\]: expected a whole number"):
            kaplan_meier([1.5])  # type: ignore[list-item]

    def test_a_flag_must_be_a_bool(self) -> None:
        """1 is not True here."""
        with pytest.raises(pm.WrongTypeError, match=r"observed\[0\]: expected a bool"):
            kaplan_meier([1], [1])  # type: ignore[list-item]

    def test_one_flag_per_duration(self) -> None:
        """Lengths must match."""
        with pytest.raises(pm.ValidationError, match="observed: expected one flag per duration"):
            kaplan_meier([1, 2], [True])


censored_samples = st.lists(st.tuples(st.integers(0, 60), st.booleans()), min_size=1, max_size=80)


class TestAgreementWithLifelines:
    @given(sample=censored_samples)
    def test_random_censored_durations(self, sample: list[tuple[int, bool]]) -> None:
        """Curves and quartiles agree with lifelines on any censored sample."""
        assert_agrees_with_lifelines([d for d, _ in sample], [o for _, o in sample])

    def test_seeded_large_sample(self) -> None:
        """Five thousand stays with heavy ties and a third censored."""
        rng = random.Random(20_240_108)
        durations = [int(rng.lognormvariate(6, 1)) for _ in range(5_000)]
        observed = [rng.random() > 1 / 3 for _ in durations]
        assert_agrees_with_lifelines(durations, observed)

    def test_length_of_stay_of_a_synthetic_cohort(self) -> None:
        """The report's length of stay agrees with lifelines on the same stays."""
        as_of = dt.date(2025, 1, 1)
        cohort = synthetic_cohort(CohortParameters(people_in_care=150), seed=11, as_of=as_of)
        since = dt.date(2015, 1, 1)
        report = cohort_report(cohort, as_of=as_of, since=since)
        for stage in report.stages:
            # The admissions, read from the records independently of the report.
            stays = [
                (min(p.end or as_of, as_of) - p.start).days
                for record in cohort
                for p in record.placements
                if p.stage == stage and since <= p.start < as_of
            ]
            ended = [
                p.end is not None and p.end <= as_of
                for record in cohort
                for p in record.placements
                if p.stage == stage and since <= p.start < as_of
            ]
            assert tuple(sorted(set(stays))) == report.group(stage=stage).length_of_stay.times
            assert_agrees_with_lifelines(stays, ended)
