"""Cohort measures and the benchmarking table: a hand-built cohort, edges and properties.

The hand-built cohort is five people on the secure pathway, counted from 1 January 2024
(``SINCE``) to 1 January 2025 (``AS_OF``): a leap year of 366 days. Every figure the
tests expect is worked out by hand in the comments below. Bed-day costs are the secure
pathway's: £822 high, £452 medium, £411 low secure, none in the community (the sources page).
The first review of a stay is due 12 weeks (84 days) after it begins; then 3 months
after the last review in medium and low secure, 6 months in high secure and the
community ("How readiness is decided").
"""

from __future__ import annotations

import datetime as dt
import random
import subprocess
import sys
from decimal import Decimal

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pathway_model as pm
from pathway_model.catalogue import SECURE_PATHWAY
from pathway_model.scoring import (
    COHORT_MEASURES,
    SECURE_COMBINED_LONG_STAY,
    BenchmarkRow,
    CohortMonth,
    CohortReport,
    CohortRow,
    CombinedLongStay,
    IntervalNote,
    benchmark_table,
    cohort_report,
    spc_table,
)
from pathway_model.scoring.frames import cohort_frame
from pathway_model.stats import (
    MHSDS_SUPPRESSION,
    FunnelPosition,
    IntervalMethod,
    SuppressionReason,
    funnel,
    mean_interval,
    proportion_interval,
    rate_interval,
    xmr_chart,
)
from tests import strategies as s
from tests.scenarios import MEDIUM_ALL_PARTLY, review

D = dt.date
SINCE = D(2024, 1, 1)
AS_OF = D(2025, 1, 1)


def person(
    person_id: str,
    stays: list[tuple[str, str, dt.date, dt.date | None]],
    *,
    reviews: tuple[pm.Review, ...] = (),
    goals: tuple[pm.Goal, ...] = (),
) -> pm.Pathway:
    """A record on the secure pathway with one placement per ``(stage, provider, start, end)``."""
    return pm.Pathway(
        person_id=person_id,
        definition_id=SECURE_PATHWAY.id,
        definition_version=SECURE_PATHWAY.version,
        placements=[
            pm.Placement(id=f"p{n}", stage=stage, provider=provider, start=start, end=end)
            for n, (stage, provider, start, end) in enumerate(stays, start=1)
        ],
        reviews=reviews,
        goals=goals,
    )


def goal(
    goal_id: str,
    set_on: dt.date,
    *,
    status: str | None = None,
    lifecycle: str = "active",
) -> pm.Goal:
    """A goal in the life skills domain."""
    return pm.Goal(
        id=goal_id,
        domain="life_skills",
        description="Cook a meal for my family",
        set_by="person",
        set_on=set_on,
        lifecycle_status=lifecycle,
        achievement_status=status,
    )


def hand_cohort() -> list[pm.Pathway]:
    """Five people; the docstring of each part gives the figures worked out by hand."""
    # A: medium secure at North from 1 Jan 2024, open. 366 bed days in the window.
    #   Reviews 1 Mar and 1 Jun qualify: the streak starts 1 Mar, ready from 1 Jun
    #   (+3 months); ready 1 Jun 2024 to 1 Jan 2025 = 30+31+31+30+31+30+31 = 214 days.
    #   Schedule: first due 1 Jan + 84 days = 25 Mar (1 Mar on time); then 1 Jun (on
    #   time, on the day); then 1 Sep: nothing by 1 Jan 2025, so missed.
    #   Outcomes: the 1 Mar review meets all three required domains: 3.
    a = person(
        "P-A",
        [("medium_secure", "North", D(2024, 1, 1), None)],
        reviews=(
            review("a1", D(2024, 3, 1), MEDIUM_ALL_PARTLY),
            review("a2", D(2024, 6, 1), MEDIUM_ALL_PARTLY),
        ),
    )
    # B: high secure at Hill from 1 Jun 2009 to 1 Jul 2024, then medium secure at North.
    #   High: 31+29+31+30+31+30 = 182 days in the window; ended by a step down; no review,
    #   first due 24 Aug 2009: missed. Medium: 1 Jul 2024 to 1 Jan 2025 = 184 days, an
    #   admission censored at 184; first due 1 Jul + 84 = 23 Sep: missed.
    #   Long stay: high and medium without a break since 1 Jun 2009; 15 years later is
    #   1 Jun 2024, before 1 Jan 2025: long stay (combined). Medium alone is 6 months.
    b = person(
        "P-B",
        [
            ("high_secure", "Hill", D(2009, 6, 1), D(2024, 7, 1)),
            ("medium_secure", "North", D(2024, 7, 1), None),
        ],
    )
    # C: low secure at South from 1 Jan 2023, community at South from 1 Mar 2024, then
    #   readmitted to medium secure at North on 1 Sep 2024.
    #   Low: 31+29 = 60 days in the window; a step down; first due 26 Mar 2023: missed.
    #   Community: 31+30+31+30+31+31 = 184 days, an admission that ended (observed 184);
    #   reviews 20 May (due 24 May: on time) and 30 Aug (due 20 Nov: on time); the next
    #   is due 28 Feb 2025, after the stay. The move to medium secure is a step up and a
    #   readmission after 184 days in the community.
    #   Medium: 30+31+30+31 = 122 days, an admission censored at 122; first due 24 Nov;
    #   the review on 1 Dec is late; it meets harm-related behaviours and substance
    #   misuse but not mental health recovery: 2 outcomes met, not ready.
    c = person(
        "P-C",
        [
            ("low_secure", "South", D(2023, 1, 1), D(2024, 3, 1)),
            ("community", "South", D(2024, 3, 1), D(2024, 9, 1)),
            ("medium_secure", "North", D(2024, 9, 1), None),
        ],
        reviews=(
            pm.Review(id="c1", date=D(2024, 5, 20)),
            pm.Review(id="c2", date=D(2024, 8, 30)),
            review(
                "c3",
                D(2024, 12, 1),
                {
                    "mental_health_recovery": "not_met",
                    "harm_related_behaviours": "partly_met",
                    "substance_misuse": "met",
                },
            ),
        ),
    )
    # D: medium secure at North from 1 Feb to 1 Oct 2024, then low secure at South.
    #   Medium: 29+31+30+31+30+31+31+30 = 243 days, an admission that ended (observed 243)
    #   in a step down. Review 1 Apr (due 25 Apr: on time) qualifies: ready from 1 Jul
    #   to the end, 31+31+30 = 92 ready days; the next review was due 1 Jul: missed.
    #   3 outcomes met. Low: 31+30+31 = 92 days, censored at 92; first due 24 Dec: missed.
    #   Goals: g1 (set 1 Mar, achieved at the 1 Apr review) and g2 (set 1 Mar, no status)
    #   in the medium stay: 2 goals, 1 achieved. g3 (set 1 Nov, its own status achieved)
    #   in the low stay: 1 goal, 1 achieved. g5 was entered in error: not counted.
    d = person(
        "P-D",
        [
            ("medium_secure", "North", D(2024, 2, 1), D(2024, 10, 1)),
            ("low_secure", "South", D(2024, 10, 1), None),
        ],
        reviews=(
            attrs.evolve(
                review("d1", D(2024, 4, 1), MEDIUM_ALL_PARTLY),
                goal_progress=(pm.GoalProgress(goal="g1", achievement_status="achieved"),),
            ),
        ),
        goals=(
            goal("g1", D(2024, 3, 1)),
            goal("g2", D(2024, 3, 1)),
            goal("g3", D(2024, 11, 1), status="achieved"),
            goal("g5", D(2024, 3, 2), lifecycle="entered-in-error"),
        ),
    )
    # E: low secure at South 2022 to 1 Jun 2023 (before the window), community at South
    #   to 1 Jun 2024, then discharged. Community: 31+29+31+30+31 = 152 days; a step down
    #   (to discharged, rank 0); first due 24 Aug 2023: missed. Discharged is an end
    #   stage: not counted.
    e = person(
        "P-E",
        [
            ("low_secure", "South", D(2022, 1, 1), D(2023, 6, 1)),
            ("community", "South", D(2023, 6, 1), D(2024, 6, 1)),
            ("discharged", "South", D(2024, 6, 1), None),
        ],
    )
    return [a, b, c, d, e]


@pytest.fixture(scope="module")
def report() -> CohortReport:
    return cohort_report(hand_cohort(), as_of=AS_OF, since=SINCE)


class TestHandBuiltCohortNorthMedium:
    """North's medium secure stays: A, B's second stay, C's third and D's first."""

    def test_counts_people_stays_and_open_stays(self, report: CohortReport) -> None:
        """Four people and four stays, three still open at as_of."""
        group = report.group("North", "medium_secure")
        assert (4, 4, 3, 4) == (group.people, group.stays, group.stays_open, group.admissions)

    def test_counts_bed_days_and_values_them(self, report: CohortReport) -> None:
        """366 + 184 + 122 + 243 = 915 bed days, at £452 = £413,580."""
        group = report.group("North", "medium_secure")
        assert (915, Decimal("413580.00")) == (group.bed_days, group.bed_day_value)

    def test_median_length_of_stay_is_reached_exactly_at_one_half(
        self, report: CohortReport
    ) -> None:
        """Admissions 122+, 184+, 243, 366+: at 243 two are at risk and one ends, S = 1/2."""
        group = report.group("North", "medium_secure")
        assert (243, 243, None) == (group.los_q1_days, group.los_median_days, group.los_q3_days)

    def test_ready_days_and_cost_of_delay(self, report: CohortReport) -> None:
        """A's 214 and D's 92 ready days: 306 days at £452 = £138,312."""
        group = report.group("North", "medium_secure")
        assert (306, Decimal("138312.00")) == (group.ready_days, group.cost_of_delay)

    def test_ready_day_share(self, report: CohortReport) -> None:
        """306 of 915 bed days."""
        assert 306 / 915 == report.group("North", "medium_secure").ready_day_share

    def test_people_ready_now_and_days_beyond_readiness(self, report: CohortReport) -> None:
        """Only A is ready at as_of, for 214 days; D was ready but has moved on."""
        group = report.group("North", "medium_secure")
        assert (3, 1, 214.0, 214) == (
            group.stays_open,
            group.ready_now,
            group.days_beyond_readiness_median,
            group.days_beyond_readiness_max,
        )

    def test_long_stay_counts_continuous_high_and_medium_time(self, report: CohortReport) -> None:
        """B: 15 years in high and medium secure without a break; 1 of the 3 in care."""
        group = report.group("North", "medium_secure")
        assert (0, 1, 1, 1 / 3) == (
            group.long_stay_in_stage,
            group.long_stay_combined,
            group.long_stay,
            group.long_stay_share,
        )

    def test_reviews_on_time_late_and_missed(self, report: CohortReport) -> None:
        """On time: A twice, D once; late: C; missed: A, B, D. 3 of 7 on time."""
        group = report.group("North", "medium_secure")
        assert (3, 1, 3, 7, 3 / 7) == (
            group.reviews_on_time,
            group.reviews_late,
            group.reviews_missed,
            group.reviews_due,
            group.reviews_on_time_share,
        )

    def test_goals_achieved(self, report: CohortReport) -> None:
        """D's g1 and g2; g1 achieved at a review; g5 entered in error is left out."""
        group = report.group("North", "medium_secure")
        assert (2, 1, 0.5) == (group.goals, group.goals_achieved, group.goals_achieved_share)

    def test_outcomes_met(self, report: CohortReport) -> None:
        """A 3, C 2, D 3."""
        assert 8 == report.group("North", "medium_secure").outcomes_met

    def test_step_downs(self, report: CohortReport) -> None:
        """D's stay ended in a step down: 1 of 1 ended; 1 per 915/365.25 person-years."""
        group = report.group("North", "medium_secure")
        assert (1, 1, 0, 1.0) == (
            group.stays_ended,
            group.step_downs,
            group.step_ups,
            group.step_down_share,
        )
        assert 100 * 365.25 / 915 == pytest.approx(group.step_downs_per_100_person_years)


class TestHandBuiltCohortOtherGroups:
    def test_a_stay_that_began_before_the_window_counts_its_days_in_it(
        self, report: CohortReport
    ) -> None:
        """B's high secure stay since 2009: 182 days in the window, at £822, no admission."""
        group = report.group("Hill", "high_secure")
        assert (182, Decimal("149604.00"), 0, None) == (
            group.bed_days,
            group.bed_day_value,
            group.admissions,
            group.los_median_days,
        )

    def test_a_step_down_from_high_secure(self, report: CohortReport) -> None:
        """B's high secure stay ended in a step down, and its only review was missed."""
        group = report.group("Hill", "high_secure")
        assert (1, 1, 1, Decimal("822.00")) == (
            group.stays_ended,
            group.step_downs,
            group.reviews_missed,
            group.step_down_bed_day_costs,
        )

    def test_readmission_from_the_community(self, report: CohortReport) -> None:
        """C readmitted after 184 days; E discharged: 1 of 2 spells ended in readmission."""
        group = report.group("South", "community")
        assert (336, 2, 1, 0.5, 184.0) == (
            group.community_days,
            group.community_spells_ended,
            group.readmissions,
            group.readmission_share,
            group.community_days_before_readmission_median,
        )
        assert 100 * 365.25 / 336 == pytest.approx(group.readmissions_per_100_person_years)

    def test_community_moves_count_as_step_up_and_step_down(self, report: CohortReport) -> None:
        """C's readmission is a step up; E's discharge is a step down."""
        group = report.group("South", "community")
        assert (2, 1, 1) == (group.stays_ended, group.step_downs, group.step_ups)

    def test_community_reviews(self, report: CohortReport) -> None:
        """C's two reviews on time; E's first review missed."""
        group = report.group("South", "community")
        assert (2, 0, 1) == (group.reviews_on_time, group.reviews_late, group.reviews_missed)

    def test_a_community_stage_has_no_bed_day_value(self, report: CohortReport) -> None:
        """The community stage has no bed-day cost: its days are counted, not valued."""
        group = report.group("South", "community")
        assert (336, Decimal("0.00")) == (group.bed_days, group.bed_day_value)

    def test_length_of_stay_with_one_censored_and_one_ended(self, report: CohortReport) -> None:
        """South: D's low secure 92+ and C's community 184: S falls to 0 at 184."""
        assert 184 == report.group("South", None).los_median_days

    def test_goal_status_from_the_goal_itself(self, report: CohortReport) -> None:
        """D's g3 was never updated at a review; its own status is achieved."""
        group = report.group("South", "low_secure")
        assert (1, 1) == (group.goals, group.goals_achieved)

    def test_an_end_stage_is_not_counted(self, report: CohortReport) -> None:
        """Discharged has no criteria, reviews, cost or move out: no group, not in care."""
        assert "discharged" not in report.stages
        assert 4 == report.group().stays_open  # A, B, C and D; not E

    def test_a_stay_ended_before_the_window_is_left_out(self, report: CohortReport) -> None:
        """E's low secure stay ended in 2023: South's low secure stays are C's and D's."""
        assert 2 == report.group("South", "low_secure").stays


def goals_person() -> pm.Pathway:
    """One person at North, medium secure from 1 Jan 2024, with five goals set on 1 Feb.

    g1 active, its own status achieved: achieved. g2 completed, sustaining at the 1 Mar
    review: achieved. g3 cancelled, its own status not achieved but achieved at the
    1 Mar review: set, never achieved. g4 rejected, its own status achieved: set, never
    achieved. g5 entered in error, achieved: not counted at all. So 4 goals set, 2
    achieved, a share of 1/2.
    """
    updates = (
        pm.GoalProgress(goal="g2", achievement_status="sustaining"),
        pm.GoalProgress(goal="g3", achievement_status="achieved"),
    )
    return person(
        "P-G",
        [("medium_secure", "North", D(2024, 1, 1), None)],
        reviews=(
            attrs.evolve(review("r1", D(2024, 3, 1), MEDIUM_ALL_PARTLY), goal_progress=updates),
        ),
        goals=(
            goal("g1", D(2024, 2, 1), status="achieved"),
            goal("g2", D(2024, 2, 1), lifecycle="completed"),
            goal("g3", D(2024, 2, 1), status="not-achieved", lifecycle="cancelled"),
            goal("g4", D(2024, 2, 1), status="achieved", lifecycle="rejected"),
            goal("g5", D(2024, 2, 1), status="achieved", lifecycle="entered-in-error"),
        ),
    )


class TestGoalsGivenUp:
    def test_cancelled_and_rejected_goals_are_set_but_never_achieved(self) -> None:
        """A cancelled or rejected goal marked achieved counts as set and not achieved."""
        group = cohort_report([goals_person()], as_of=AS_OF, since=SINCE).group(
            "North", "medium_secure"
        )
        assert (4, 2, 0.5) == (group.goals, group.goals_achieved, group.goals_achieved_share)

    @pytest.mark.parametrize("lifecycle", ["cancelled", "rejected"])
    def test_a_given_up_goal_never_counts_whatever_its_status(self, lifecycle: str) -> None:
        """Every achievement status of a cancelled or rejected goal leaves it not achieved."""
        for status in pm.GoalAchievementStatus:
            record = person(
                "P-H",
                [("medium_secure", "North", D(2024, 1, 1), None)],
                goals=(goal("g1", D(2024, 2, 1), status=status.value, lifecycle=lifecycle),),
            )
            group = cohort_report([record], as_of=AS_OF, since=SINCE).group(
                "North", "medium_secure"
            )
            assert (1, 0) == (group.goals, group.goals_achieved), status


class TestHandBuiltCohortTotals:
    def test_everyone(self, report: CohortReport) -> None:
        """Five people; 4 + 1 + 2 + 2 = 9 stays; 915 + 182 + 152 + 336 = 1585 bed days."""
        group = report.group()
        assert (5, 9, 1585) == (group.people, group.stays, group.bed_days)

    def test_provider_totals_add_their_stages(self, report: CohortReport) -> None:
        """South: C, D and E; 60 + 92 low secure and 184 + 152 community days."""
        group = report.group("South")
        assert (3, 4, 488, Decimal("62472.00")) == (
            group.people,
            group.stays,
            group.bed_days,
            group.bed_day_value,
        )

    def test_groups_come_in_a_fixed_order(self, report: CohortReport) -> None:
        """Everyone, each stage most secure first, each provider, each provider's stages."""
        expected = [
            (None, None),
            (None, "high_secure"),
            (None, "medium_secure"),
            (None, "low_secure"),
            (None, "community"),
            ("Hill", None),
            ("North", None),
            ("South", None),
            ("Hill", "high_secure"),
            ("North", "medium_secure"),
            ("South", "low_secure"),
            ("South", "community"),
        ]
        assert expected == [(group.provider, group.stage) for group in report.groups]

    def test_since_defaults_to_the_first_day_of_the_cohort(self) -> None:
        """B's record begins on 1 June 2009."""
        assert D(2009, 6, 1) == cohort_report(hand_cohort(), as_of=AS_OF).since

    def test_an_unknown_group_is_an_error(self, report: CohortReport) -> None:
        """A look-up of a group with no stays names the groups there are."""
        with pytest.raises(pm.UnknownCodeError, match="no group with code 'Hill/low_secure'"):
            report.group("Hill", "low_secure")


class TestRows:
    def test_one_row_per_measure_per_group(self, report: CohortReport) -> None:
        """12 groups, every measure each."""
        assert 12 * len(COHORT_MEASURES) == len(report.rows())

    def test_a_row_carries_its_group_measure_value_and_unit(self, report: CohortReport) -> None:
        """The cost of delay of North's medium secure stays, in pounds, with its interval."""
        expected = CohortRow(
            provider="North",
            stage="medium_secure",
            measure="cost_of_delay",
            value=Decimal("138312.00"),
            unit="GBP",
            lower=0.0,
            upper=290184.0,
            interval_method=IntervalMethod.BOOTSTRAP_PERCENTILE,
            interval_note=None,
        )
        assert expected in report.rows()

    def test_the_frame_has_the_rows(self, report: CohortReport) -> None:
        """One frame row per tidy row: the row's columns, the value's pence beside it."""
        frame = report.to_frame()
        assert [
            "provider",
            "stage",
            "measure",
            "value",
            "value_pence",
            "unit",
            "lower",
            "upper",
            "interval_method",
            "interval_note",
            "suppressed",
            "suppression_reason",
        ] == list(frame.columns)
        assert len(report.rows()) == len(frame)

    def test_value_names_an_unknown_measure(self, report: CohortReport) -> None:
        """Asking a group for a measure that does not exist is an error."""
        with pytest.raises(pm.UnknownCodeError, match="no cohort measure with code 'speed'"):
            report.group().value("speed")

    def test_to_frame_is_the_cohort_frame_of_the_rows(self, report: CohortReport) -> None:
        """CohortReport.to_frame is a convenience: the very table cohort_frame gives."""
        assert cohort_frame(report.rows()).equals(report.to_frame())

    def test_cohort_frame_refuses_what_is_not_a_row(self) -> None:
        """Only attrs rows become frames."""
        with pytest.raises(pm.WrongTypeError, match=r"rows\[0\]: expected a row"):
            cohort_frame([{"provider": "North"}])

    def test_pandas_is_not_imported_until_a_frame_is_asked_for(self) -> None:
        """The measures need no pandas: a service without the extra can use them."""
        code = (
            "import sys, datetime as dt\n"
            "from pathway_model.scoring._cohort import cohort_report\n"
            "from pathway_model.scoring._payment import payments\n"
            "payments(cohort_report([], as_of=dt.date(2025, 1, 1)))\n"
            "print('pandas' in sys.modules, 'numpy' in sys.modules)\n"
        )
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert "False False" == result.stdout.strip()

    def test_every_measure_names_a_unit_and_a_description(self) -> None:
        """Measures are documented: unique names, a unit, a sentence."""
        names = [measure.name for measure in COHORT_MEASURES]
        assert len(set(names)) == len(names)
        assert all(
            measure.unit and measure.description.endswith(".") for measure in COHORT_MEASURES
        )


class TestBenchmarkTable:
    def test_lower_is_better_and_ties_share_a_rank(self, report: CohortReport) -> None:
        """Ready-day share: Hill 0 and South 0 share rank 1; North 306/915 is third."""
        rows = [row for row in benchmark_table(report) if row.measure == "ready_day_share"]
        assert [("Hill", 1), ("South", 1), ("North", 3)] == [(r.provider, r.rank) for r in rows]

    def test_higher_is_better(self, report: CohortReport) -> None:
        """Reviews on time: North 3/7, South 2/5, Hill 0/1."""
        rows = [row for row in benchmark_table(report) if row.measure == "reviews_on_time_share"]
        assert [("North", 1), ("South", 2), ("Hill", 3)] == [(r.provider, r.rank) for r in rows]

    def test_a_provider_without_a_value_comes_last_unranked(self, report: CohortReport) -> None:
        """Median length of stay: South 184, North 243; Hill admitted nobody in the window.

        South's interval is [184, 184] (its one admission that ended, with nobody left at
        risk), North's [243, open above); everyone's median, 243, has an interval that
        overlaps both: no finding.
        """
        rows = [row for row in benchmark_table(report) if row.measure == "los_median_days"]
        expected = [
            BenchmarkRow(
                measure="los_median_days",
                stage=None,
                provider=provider,
                value=value,
                unit="days",
                better="lower",
                rank=rank,
                ranked=2,
                lower=lower,
                upper=upper,
                position=None,
                within_noise=noise,
            )
            for provider, value, rank, lower, upper, noise in (
                ("South", 184, 1, 184.0, 184.0, True),
                ("North", 243, 2, 243.0, None, True),
                ("Hill", None, None, None, None, None),
            )
        ]
        assert expected == rows

    def test_a_share_is_placed_on_the_proportion_funnel(self, report: CohortReport) -> None:
        """Ready-day shares: Hill 0 of 182 bed days, South 0 of 488, North 306 of 915.

        Without adjustment, the pooled share is 306/1585 = 0.1931; on the arcsine scale
        North's asin(sqrt(0.3344)) = 0.6166 against asin(sqrt(0.1931)) = 0.4549, with
        s = 1/(2 sqrt(915)) = 0.01653: z = 9.8, above the 99.8% limit. The default
        additive adjustment, with three providers this far apart, widens the limits to
        hold all three.
        """
        plain = {
            row.provider: (row.position, row.within_noise)
            for row in benchmark_table(report, overdispersion="none")
            if row.measure == "ready_day_share"
        }
        assert (FunnelPosition.ABOVE_99_8, False) == plain["North"]
        assert (FunnelPosition.BELOW_99_8, False) == plain["South"]
        adjusted = [
            (row.provider, row.position, row.within_noise)
            for row in benchmark_table(report)
            if row.measure == "ready_day_share"
        ]
        assert [
            ("Hill", FunnelPosition.WITHIN_95, True),
            ("South", FunnelPosition.WITHIN_95, True),
            ("North", FunnelPosition.WITHIN_95, True),
        ] == adjusted

    def test_the_funnel_is_the_statistics_rooms(self, report: CohortReport) -> None:
        """The places are `stats.funnel`'s over the providers' numerators and denominators."""
        shape = funnel(
            ["Hill", "North", "South"],
            [0, 306, 0],
            [182, 915, 488],
            kind="proportion",
            overdispersion="multiplicative",
        )
        found = {
            row.provider: row.position
            for row in benchmark_table(report, overdispersion="multiplicative")
            if row.measure == "ready_day_share"
        }
        assert {unit.unit: unit.position for unit in shape.units} == found

    def test_a_rate_is_placed_as_a_standardised_ratio(self, report: CohortReport) -> None:
        """Step downs: Hill 1 in 182 bed days, South 2 in 488, North 1 in 915; 4 in 1585.

        Each provider's expected step downs are 4/1585 of its bed days.
        """
        shape = funnel(
            ["Hill", "North", "South"],
            [1, 1, 2],
            [4 / 1585 * 182, 4 / 1585 * 915, 4 / 1585 * 488],
            kind="standardised_ratio",
            overdispersion="additive",
        )
        found = {
            row.provider: row.position
            for row in benchmark_table(report)
            if row.measure == "step_downs_per_100_person_years"
        }
        assert {unit.unit: unit.position for unit in shape.units} == found

    def test_a_row_carries_the_providers_interval(self, report: CohortReport) -> None:
        """North's reviews on time, 3 of 7: Wilson's interval, as the group has it."""
        (row,) = [
            row
            for row in benchmark_table(report)
            if (row.measure, row.provider) == ("reviews_on_time_share", "North")
        ]
        assert (0.15822, 0.74954) == (round(row.lower or 0, 5), round(row.upper or 0, 5))

    def test_an_unknown_adjustment_is_refused(self, report: CohortReport) -> None:
        """The adjustment is one of the funnel's."""
        with pytest.raises(pm.UnknownCodeError, match="no overdispersion adjustment"):
            benchmark_table(report, overdispersion="huge")

    def test_counts_are_not_ranked(self, report: CohortReport) -> None:
        """Bed days measure size, not performance."""
        assert "bed_days" not in {row.measure for row in benchmark_table(report)}

    def test_within_a_stage(self, report: CohortReport) -> None:
        """Only providers with stays in the stage are compared."""
        rows = benchmark_table(report, stage="community")
        assert {"South"} == {row.provider for row in rows}
        assert {"community"} == {row.stage for row in rows}

    def test_a_stage_without_stays_is_an_error(self, report: CohortReport) -> None:
        """Nobody to compare is a mistake worth naming."""
        with pytest.raises(pm.UnknownCodeError, match="no stage with stays with code 'ward'"):
            benchmark_table(report, stage="ward")

    def test_refuses_what_is_not_a_report(self) -> None:
        """The table is built from a report."""
        with pytest.raises(pm.WrongTypeError, match="report: expected a CohortReport"):
            benchmark_table([])  # type: ignore[arg-type]


class TestWindowAndLookAhead:
    def test_events_after_as_of_change_nothing(self) -> None:
        """A later review, a later move and a later goal are not read."""
        cohort = hand_cohort()
        later = [
            cohort[0]
            .with_reviews(review("a9", D(2025, 2, 1), MEDIUM_ALL_PARTLY))
            .moved_to(
                SECURE_PATHWAY,
                stage="low_secure",
                on=D(2025, 3, 1),
                provider="South",
                placement_id="p9",
            )
            .with_goals(goal("g9", D(2025, 1, 2), status="achieved")),
            *cohort[1:],
        ]
        assert cohort_report(cohort, as_of=AS_OF, since=SINCE) == cohort_report(
            later, as_of=AS_OF, since=SINCE
        )

    def test_a_stay_that_ends_after_as_of_is_open_at_as_of(self) -> None:
        """Its length is censored at as_of, and it is open at as_of."""
        record = person("P-1", [("low_secure", "South", D(2024, 6, 1), D(2025, 6, 1))])
        group = cohort_report([record], as_of=AS_OF).group()
        assert (1, 214, 0) == (
            group.stays_open,
            group.length_of_stay.times[0],
            group.length_of_stay.observed,
        )

    def test_ready_days_before_the_window_are_not_counted(self) -> None:
        """A is ready from 1 June 2024; from 1 Dec 2024 the window holds 31 of those days."""
        report = cohort_report(hand_cohort()[:1], as_of=AS_OF, since=D(2024, 12, 1))
        assert (31, 31, 214) == (
            report.group().bed_days,
            report.group().ready_days,
            report.group().days_beyond_readiness_max,
        )

    def test_a_ready_run_that_ended_before_the_window_is_not_counted(self) -> None:
        """Ready 1 Jun to 1 Sep (a review on 1 Sep does not qualify): 92 days, none after 1 Oct."""
        record = person(
            "P-1",
            [("medium_secure", "North", D(2024, 1, 1), None)],
            reviews=(
                review("r1", D(2024, 3, 1), MEDIUM_ALL_PARTLY),
                review("r2", D(2024, 6, 1), MEDIUM_ALL_PARTLY),
                review("r3", D(2024, 9, 1), {"mental_health_recovery": "not_met"}),
            ),
        )
        whole = cohort_report([record], as_of=AS_OF).group()
        late = cohort_report([record], as_of=AS_OF, since=D(2024, 10, 1)).group()
        assert (92, 0, 92) == (whole.ready_days, late.ready_days, late.bed_days)

    def test_an_outcome_first_met_before_the_window_is_not_counted_again(self) -> None:
        """A met all three domains on 1 Mar; meeting them again on 1 Jun is not new."""
        report = cohort_report(hand_cohort()[:1], as_of=AS_OF, since=D(2024, 4, 1))
        assert 0 == report.group().outcomes_met

    def test_a_transfer_between_community_teams_does_not_end_the_spell(self) -> None:
        """Community at South then West, readmitted: one spell of 100 + 50 days."""
        record = person(
            "P-1",
            [
                ("community", "South", D(2024, 1, 1), D(2024, 4, 10)),
                ("community", "West", D(2024, 4, 10), D(2024, 5, 30)),
                ("low_secure", "West", D(2024, 5, 30), None),
            ],
        )
        report = cohort_report([record], as_of=AS_OF)
        assert (0, 1, 150.0) == (
            report.group("South").community_spells_ended,
            report.group("West").community_spells_ended,
            report.group("West").community_days_before_readmission_median,
        )

    def test_a_record_that_begins_after_as_of_is_not_read(self) -> None:
        """Nobody is in care yet."""
        record = person("P-1", [("low_secure", "South", D(2025, 6, 1), None)])
        report = cohort_report([record], as_of=AS_OF, since=SINCE)
        assert ((), 0) == (report.providers, report.group().people)

    def test_since_after_as_of_is_refused(self) -> None:
        """The window cannot end before it begins."""
        with pytest.raises(pm.ValidationError, match="since: expected a date on or before as_of"):
            cohort_report(hand_cohort(), as_of=SINCE, since=AS_OF)

    def test_an_empty_cohort_gives_one_empty_group(self) -> None:
        """Everyone, with nothing counted."""
        report = cohort_report([], as_of=AS_OF)
        assert ((None, None), 0, None) == (
            (report.groups[0].provider, report.groups[0].stage),
            report.group().people,
            report.group().los_median_days,
        )


class TestLongStay:
    def test_exactly_the_threshold_is_not_long_stay(self) -> None:
        """Long stay is *more than* 5 years in medium secure (the sources page)."""
        record = person("P-1", [("medium_secure", "North", D(2020, 1, 1), None)])
        on_the_day = cohort_report([record], as_of=D(2025, 1, 1)).group()
        day_after = cohort_report([record], as_of=D(2025, 1, 2)).group()
        assert (0, 1) == (on_the_day.long_stay_in_stage, day_after.long_stay_in_stage)

    def test_exactly_the_combined_threshold_is_not_long_stay(self) -> None:
        """More than 15 years in high and medium secure: 15 years to the day is not."""
        record = person(
            "P-1",
            [
                ("high_secure", "Hill", D(2010, 1, 1), D(2021, 1, 1)),
                ("medium_secure", "North", D(2021, 1, 1), None),
            ],
        )
        on_the_day = cohort_report([record], as_of=D(2025, 1, 1)).group()
        day_after = cohort_report([record], as_of=D(2025, 1, 2)).group()
        assert (0, 1) == (on_the_day.long_stay_combined, day_after.long_stay_combined)

    def test_a_transfer_within_the_stage_does_not_restart_the_clock(self) -> None:
        """Medium secure at North then at West without a break: continuous time."""
        record = person(
            "P-1",
            [
                ("medium_secure", "North", D(2018, 1, 1), D(2022, 1, 1)),
                ("medium_secure", "West", D(2022, 1, 1), None),
            ],
        )
        assert 1 == cohort_report([record], as_of=AS_OF).group("West").long_stay_in_stage

    def test_a_gap_restarts_the_clock(self) -> None:
        """A day out of the record breaks continuous time."""
        record = person(
            "P-1",
            [
                ("medium_secure", "North", D(2018, 1, 1), D(2022, 1, 1)),
                ("medium_secure", "West", D(2022, 1, 2), None),
            ],
        )
        assert 0 == cohort_report([record], as_of=AS_OF).group("West").long_stay_in_stage

    def test_the_combined_rule_can_be_switched_off(self) -> None:
        """Without it, B is not long stay."""
        report = cohort_report(hand_cohort(), as_of=AS_OF, since=SINCE, combined_long_stay=None)
        assert 0 == report.group().long_stay

    def test_the_default_combined_rule_is_reference_section_2(self) -> None:
        """More than 15 years in high and medium secure combined."""
        assert (
            CombinedLongStay(stages=("high_secure", "medium_secure"), after=pm.Period(years=15))
            == SECURE_COMBINED_LONG_STAY
        )

    def test_a_combined_rule_needs_stages(self) -> None:
        """An empty rule is a mistake."""
        with pytest.raises(pm.ValidationError, match=r"CombinedLongStay\.stages: expected"):
            CombinedLongStay(stages=(), after=pm.Period(years=1))


class TestErrors:
    def test_a_record_on_another_definition(self) -> None:
        """The path names the record."""
        with pytest.raises(pm.ValidationError, match=r"\$\[0\].definition_id"):
            cohort_report(
                hand_cohort(),
                as_of=AS_OF,
                definition=pm.catalogue.OFFENDER_PERSONALITY_DISORDER_PATHWAY,
            )

    def test_a_record_with_a_stage_its_definition_lacks(self) -> None:
        """Found by the record's position, never by its person id."""
        bad = person("P-1", [("ward", "North", D(2024, 1, 1), None)])
        with pytest.raises(pm.UnknownCodeError) as caught:
            cohort_report([hand_cohort()[0], bad], as_of=AS_OF)
        assert ("ward", "$[1].placements[0].stage") == (caught.value.code, caught.value.path)

    def test_something_that_is_not_a_record(self) -> None:
        """Each item must be a Pathway."""
        with pytest.raises(pm.WrongTypeError, match=r"\$\[0\]: expected a Pathway; found dict"):
            cohort_report([{}], as_of=AS_OF)  # type: ignore[list-item]

    def test_a_datetime_is_not_a_date(self) -> None:
        """as_of is a calendar date."""
        with pytest.raises(pm.WrongTypeError, match="as_of"):
            cohort_report([], as_of=dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc))

    def test_community_stages_must_be_a_collection_of_codes(self) -> None:
        """A bare string is a common slip."""
        with pytest.raises(pm.WrongTypeError, match="community_stages"):
            cohort_report([], as_of=AS_OF, community_stages="community")


# --- properties ---------------------------------------------------------------------------------


@st.composite
def secure_cohorts(draw: st.DrawFn) -> list[pm.Pathway]:
    """A few valid records on the secure pathway, often ready to move on."""
    return draw(st.lists(s.pathways(SECURE_PATHWAY, prefer_high=True, max_reviews=8), max_size=4))


as_of_dates = st.dates(min_value=D(2000, 1, 1), max_value=D(2046, 1, 1))
#: Each example reads several generated records: fewer examples keep the suite quick.
cohort_examples = settings(max_examples=40)


class TestProperties:
    @cohort_examples
    @given(cohort=secure_cohorts(), as_of=as_of_dates, seed=st.integers(0, 2**16))
    def test_the_order_of_records_does_not_matter(
        self, cohort: list[pm.Pathway], as_of: dt.date, seed: int
    ) -> None:
        """Shuffling the records gives an equal report."""
        shuffled = list(cohort)
        random.Random(seed).shuffle(shuffled)
        assert cohort_report(cohort, as_of=as_of) == cohort_report(shuffled, as_of=as_of)

    @cohort_examples
    @given(cohort=secure_cohorts(), as_of=as_of_dates)
    def test_ready_days_agree_with_the_readiness_rules(
        self, cohort: list[pm.Pathway], as_of: dt.date
    ) -> None:
        """Over the whole history, ready days are those of `readiness_history`, stay by stay."""
        expected = sum(
            result.ready_days
            for record in cohort
            if record.first_day <= as_of
            for result in pm.readiness_history(record, as_of)
        )
        since = min((record.first_day for record in cohort), default=as_of)
        report = cohort_report(cohort, as_of=as_of, since=min(since, as_of))
        assert expected == report.group().ready_days

    @cohort_examples
    @given(cohort=secure_cohorts(), as_of=as_of_dates)
    def test_ready_now_agrees_with_the_readiness_rules(
        self, cohort: list[pm.Pathway], as_of: dt.date
    ) -> None:
        """The people ready at as_of and their days beyond readiness are `readiness`'s."""
        ready = [
            result.days_beyond_readiness
            for record in cohort
            if record.first_day <= as_of
            for result in [pm.readiness(record, as_of)]
            if result.ready and result.placement_open
        ]
        group = cohort_report(cohort, as_of=as_of).group()
        assert (len(ready), max(ready, default=None)) == (
            group.ready_now,
            group.days_beyond_readiness_max,
        )

    @cohort_examples
    @given(record=s.pathways(SECURE_PATHWAY, max_placements=1), as_of=as_of_dates)
    def test_a_missed_review_in_an_open_stay_is_an_overdue_one(
        self, record: pm.Pathway, as_of: dt.date
    ) -> None:
        """For one open stay, a review missed at as_of is what `review_schedule` calls overdue."""
        placement = record.placements[0]
        if not placement.covers(as_of):
            return
        overdue = pm.review_schedule(record, as_of).overdue
        assert int(overdue) == cohort_report([record], as_of=as_of).group().reviews_missed

    @cohort_examples
    @given(cohort=secure_cohorts(), as_of=as_of_dates)
    def test_groups_add_up(self, cohort: list[pm.Pathway], as_of: dt.date) -> None:
        """Stays, bed days and ready days of the provider-stage groups add up to everyone's."""
        report = cohort_report(cohort, as_of=as_of)
        cells = [g for g in report.groups if g.provider is not None and g.stage is not None]
        for name in ("stays", "bed_days", "ready_days", "stays_open", "reviews_due", "goals"):
            assert report.group().value(name) == sum(g.value(name) for g in cells)  # type: ignore[misc]

    @cohort_examples
    @given(cohort=secure_cohorts(), as_of=as_of_dates)
    def test_ready_days_never_exceed_bed_days(
        self, cohort: list[pm.Pathway], as_of: dt.date
    ) -> None:
        """Invariant 4 of "How readiness is decided", for every group."""
        for group in cohort_report(cohort, as_of=as_of).groups:
            assert 0 <= group.ready_days <= group.bed_days
            assert group.ready_now <= group.stays_open

    @cohort_examples
    @given(definition_and_record=s.definitions_and_pathways(), as_of=as_of_dates)
    def test_any_definition(
        self, definition_and_record: tuple[pm.PathwayDefinition, pm.Pathway], as_of: dt.date
    ) -> None:
        """A record on any valid definition gives a report whose every row has a unit."""
        definition, record = definition_and_record
        report = cohort_report([record], as_of=as_of, definition=definition)
        assert all(row.unit for row in report.rows())


class TestIntervals:
    """Every estimate of the report has its 95% interval; every other figure says why not.

    North's medium secure stays of the hand-built cohort, worked out by hand.
    """

    def test_a_share_has_wilsons_interval(self, report: CohortReport) -> None:
        """306 ready days of 915 bed days: p = 0.33443, Wilson 0.30461 to 0.36563."""
        interval = report.group("North", "medium_secure").interval("ready_day_share")
        assert interval is not None
        assert (IntervalMethod.WILSON, 306 / 915) == (interval.method, interval.estimate)
        assert (0.30461, 0.36563) == (round(interval.lower, 5), round(interval.upper, 5))
        assert proportion_interval(306, 915) == interval

    def test_a_rate_below_ten_events_has_exact_poisson_limits(self, report: CohortReport) -> None:
        """1 step down in 915 bed days: qchisq(0.025, 2)/2 = 0.025318 and qchisq(0.975, 4)/2
        = 5.571643 events, times 36525/915 per 100 person-years: 1.0106 to 222.41."""
        interval = report.group("North", "medium_secure").interval(
            "step_downs_per_100_person_years"
        )
        assert interval is not None
        assert IntervalMethod.EXACT_POISSON == interval.method
        assert (1.0106, 222.409) == (round(interval.lower, 4), round(interval.upper, 3))
        assert rate_interval(1, 915, per=36525) == interval

    def test_a_median_open_above(self, report: CohortReport) -> None:
        """Admissions 122+, 184+, 243, 366+: S(243) = 1/2, Greenwood's V = 1/(2*1) = 1/2;
        the log-log limits at 243 are 0.006 (below 1/2: the lower limit is 243) and 0.91
        (the upper curve never falls to 1/2: open above)."""
        group = report.group("North", "medium_secure")
        interval = group.interval("los_median_days")
        assert interval is not None
        assert (IntervalMethod.BROOKMEYER_CROWLEY, 243.0, 243.0, float("inf")) == (
            interval.method,
            interval.estimate,
            interval.lower,
            interval.upper,
        )
        assert IntervalNote.OPEN_ABOVE == group.interval_note("los_median_days")

    def test_a_row_of_a_median_open_above_has_no_upper_limit(self, report: CohortReport) -> None:
        """The row shows the lower limit, no upper one, and the note saying why."""
        (row,) = [
            row
            for row in report.rows()
            if (row.provider, row.stage, row.measure)
            == ("North", "medium_secure", "los_median_days")
        ]
        assert (243.0, None, IntervalNote.OPEN_ABOVE) == (row.lower, row.upper, row.interval_note)

    def test_the_cost_of_delay_per_person_has_a_bootstrap_interval(
        self, report: CohortReport
    ) -> None:
        """Four people: A £96,728, D £41,584, B and C nothing; mean £34,578.

        A resample of four with no cost has chance 1/16 > 2.5%: the lower limit is £0.
        Above: four A (1/256) and three A with D (4/256) make 1.95%; three A with a zero,
        mean £72,546, has 4 * (1/4)^3 * (1/2) = 3.1%, so the 97.5% point falls on it. The
        total is the same interval times the four people.
        """
        group = report.group("North", "medium_secure")
        per_person = group.interval("cost_of_delay_per_person")
        total = group.interval("cost_of_delay")
        assert per_person is not None
        assert total is not None
        assert (Decimal("34578.00"), 34578.0, 0.0, 72546.0) == (
            group.cost_of_delay_per_person,
            per_person.estimate,
            per_person.lower,
            per_person.upper,
        )
        assert (138312.0, 0.0, 4 * 72546.0) == (total.estimate, total.lower, total.upper)
        assert IntervalMethod.BOOTSTRAP_PERCENTILE == total.method

    def test_the_bootstrap_agrees_with_the_statistics_room(self) -> None:
        """Drawing the people with a cost in two steps resamples as `mean_interval` does.

        200 people in medium secure at one provider, 40 of them ready from 1 to 20 May
        (two a day, three months after their first review) to 1 July at £452 a day: the
        two seeded bootstraps agree to within 3% of the mean.
        """
        records = [
            pm.Pathway.start(
                SECURE_PATHWAY,
                person_id=f"P-{n:03}",
                stage="medium_secure",
                provider="Riverside",
                on=D(2024, 1, 1),
            )
            for n in range(200)
        ]
        ready = [
            attrs.evolve(
                record,
                reviews=(
                    review(f"a{n}", D(2024, 2, 1 + n // 2), MEDIUM_ALL_PARTLY),
                    review(f"b{n}", D(2024, 5, 1 + n // 2), MEDIUM_ALL_PARTLY),
                ),
            )
            for n, record in enumerate(records[:40])
        ]
        cohort = ready + records[40:]
        group = cohort_report(cohort, as_of=D(2024, 7, 1)).group()
        costs = [float(452 * (61 - n // 2)) for n in range(40)] + [0.0] * 160
        assert [61 - n // 2 for n in range(40)] == [
            pm.readiness(record, D(2024, 7, 1)).ready_days for record in ready
        ]
        assert Decimal(sum(costs)) == group.cost_of_delay
        expected = mean_interval(costs, resamples=2000, seed=0)
        found = group.interval("cost_of_delay_per_person")
        assert found is not None
        assert expected.estimate == pytest.approx(found.estimate, abs=0.005)
        scale = expected.estimate
        assert abs(expected.lower - found.lower) < 0.03 * scale
        assert abs(expected.upper - found.upper) < 0.03 * scale

    def test_a_count_has_no_interval_and_says_why(self, report: CohortReport) -> None:
        """Bed days are counted, not estimated; a quartile has no method here."""
        group = report.group("North", "medium_secure")
        assert (None, IntervalNote.COUNT, None, IntervalNote.NO_METHOD) == (
            group.interval("bed_days"),
            group.interval_note("bed_days"),
            group.interval("los_q1_days"),
            group.interval_note("los_q1_days"),
        )

    def test_nothing_to_measure_has_no_interval(self, report: CohortReport) -> None:
        """North's medium secure stays have no community spell: no readmission share."""
        group = report.group("North", "medium_secure")
        assert (None, IntervalNote.NOTHING_TO_MEASURE) == (
            group.interval("readmission_share"),
            group.interval_note("readmission_share"),
        )

    def test_an_unknown_measure_is_refused(self, report: CohortReport) -> None:
        """Asking for the interval of a measure that does not exist is an error."""
        with pytest.raises(pm.UnknownCodeError, match="no cohort measure with code 'speed'"):
            report.group().interval("speed")

    def test_every_measure_says_how_its_interval_is_made(self) -> None:
        """Shares Wilson, rates Poisson, medians Brookmeyer-Crowley, the cost of delay
        the bootstrap; counts none."""
        methods = {measure.name: measure.interval for measure in COHORT_MEASURES}
        assert ("wilson", "poisson", "brookmeyer_crowley", "bootstrap", None) == (
            methods["reviews_on_time_share"],
            methods["readmissions_per_100_person_years"],
            methods["los_median_days"],
            methods["cost_of_delay_per_person"],
            methods["people"],
        )

    def test_without_numpy_and_scipy_a_share_still_has_its_interval(self) -> None:
        """Wilson's interval needs neither; a median says the extra is not installed."""
        code = (
            "import sys, datetime as dt\n"
            "sys.modules['numpy'] = None\n"
            "sys.modules['scipy'] = None\n"
            "from tests.test_cohort import hand_cohort, AS_OF, SINCE\n"
            "from pathway_model.scoring import cohort_report\n"
            "group = cohort_report(hand_cohort(), as_of=AS_OF, since=SINCE).group()\n"
            "print(group.interval('ready_day_share').method.value,"
            " group.interval_note('los_median_days').value,"
            " group.interval_note('cost_of_delay').value)\n"
        )
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert "wilson statistics_not_installed statistics_not_installed" == done.stdout.strip()

    @cohort_examples
    @given(cohort=secure_cohorts(), as_of=as_of_dates)
    def test_every_figure_has_an_interval_or_a_reason(
        self, cohort: list[pm.Pathway], as_of: dt.date
    ) -> None:
        """An interval holds its published value; a figure without one has a note."""
        for row in cohort_report(cohort, as_of=as_of).rows():
            if row.lower is None:
                assert row.interval_note is not None
                continue
            assert row.value is not None
            assert row.lower <= float(row.value)
            assert row.upper is None or float(row.value) <= row.upper
            assert (row.upper is None) == (row.interval_note is IntervalNote.OPEN_ABOVE)

    @cohort_examples
    @given(cohort=secure_cohorts(), as_of=as_of_dates)
    def test_a_rank_within_noise_is_one_within_the_funnel(
        self, cohort: list[pm.Pathway], as_of: dt.date
    ) -> None:
        """A share or a rate is within noise exactly when it is within the 95% limits."""
        for row in benchmark_table(cohort_report(cohort, as_of=as_of)):
            if row.position is not None:
                assert row.within_noise is (not row.position.outside_95)
            if row.value is None:
                assert (None, None) == (row.rank, row.position)


class TestMonths:
    """North's medium secure stays by calendar month, worked out by hand."""

    def test_bed_days_and_ready_days_by_month(self, report: CohortReport) -> None:
        """February: A 29 and D from the 1st 29 = 58; June: A's 30 ready days; September:
        A, B and D 30 each and C from the 1st 30 = 120, A's 30 and D's 30 ready."""
        months = {month.month: month for month in report.group("North", "medium_secure").months}
        assert (12, D(2024, 1, 1), D(2024, 12, 1)) == (len(months), min(months), max(months))
        assert CohortMonth(month=D(2024, 2, 1), bed_days=58, ready_days=0) == months[D(2024, 2, 1)]
        assert CohortMonth(month=D(2024, 6, 1), bed_days=60, ready_days=30) == months[D(2024, 6, 1)]
        assert (
            CohortMonth(month=D(2024, 9, 1), bed_days=120, ready_days=60) == months[D(2024, 9, 1)]
        )
        assert 0.5 == months[D(2024, 9, 1)].ready_day_share

    def test_a_stay_over_years_fills_every_month(self) -> None:
        """One stay from 15 March 2020 to as_of 10 February 2024: 48 months, 10 in 2020,
        12 in each of 2021-2023 and 2 in 2024: 17 days in March 2020, every whole month
        (30 in April 2020, 28 in February 2023), then 9 days of February 2024."""
        record = pm.Pathway.start(
            SECURE_PATHWAY,
            person_id="P-1",
            stage="low_secure",
            provider="Riverside",
            on=D(2020, 3, 15),
        )
        months = cohort_report([record], as_of=D(2024, 2, 10)).group().months
        assert (48, 17, 30, 28, 9) == (
            len(months),
            months[0].bed_days,
            months[1].bed_days,
            months[-13].bed_days,
            months[-1].bed_days,
        )
        assert (D(2020, 3, 1), D(2024, 2, 1)) == (months[0].month, months[-1].month)

    @cohort_examples
    @given(cohort=secure_cohorts(), as_of=as_of_dates)
    def test_the_months_add_up_to_the_window(
        self, cohort: list[pm.Pathway], as_of: dt.date
    ) -> None:
        """Every group's months hold all its bed days and ready days, in month order."""
        for group in cohort_report(cohort, as_of=as_of).groups:
            assert group.bed_days == sum(month.bed_days for month in group.months)
            assert group.ready_days == sum(month.ready_days for month in group.months)
            firsts = [month.month for month in group.months]
            assert sorted(firsts) == firsts
            assert all(first.day == 1 for first in firsts)


class TestSpcTable:
    def test_a_provider_is_charted_by_month(self, report: CohortReport) -> None:
        """North's 12 monthly ready-day shares, on `stats.xmr_chart` (lower is better)."""
        months = report.group("North").months
        chart = xmr_chart(
            [month.month for month in months],
            [month.ready_days / month.bed_days for month in months],
            improvement="decrease",
        )
        rows = [row for row in spc_table(report) if row.provider == "North"]
        assert [
            (p.period, p.value, p.mean, p.special_cause, p.variation) for p in chart.points
        ] == [(row.month, row.value, row.mean, row.special_cause, row.variation) for row in rows]
        assert all(row.trial_limits for row in rows)

    def test_every_provider_then_everyone(self, report: CohortReport) -> None:
        """Hill, North and South, then all the providers together (``None``)."""
        providers = [row.provider for row in spc_table(report, measure="bed_days")]
        assert ["Hill", "North", "South", None] == list(dict.fromkeys(providers))

    def test_a_share_skips_months_without_bed_days(self) -> None:
        """A month with no bed day has no share to chart; a count charts it as 0."""
        records = [
            person("P-1", [("low_secure", "South", D(2024, 1, 1), D(2024, 2, 1))]),
            person("P-2", [("low_secure", "South", D(2024, 3, 1), None)]),
        ]
        report = cohort_report(records, as_of=D(2024, 5, 1))
        shares = [row.month for row in spc_table(report) if row.provider == "South"]
        days = [row for row in spc_table(report, measure="bed_days") if row.provider == "South"]
        assert [D(2024, 1, 1), D(2024, 3, 1), D(2024, 4, 1)] == shares
        assert [31.0, 0.0, 31.0, 30.0] == [row.value for row in days]

    def test_each_row_says_whether_the_months_are_autocorrelated(self) -> None:
        """Bed days 31, 29, 31: mean 30 1/3, r = -1.78 / 2.67 = -2/3, not autocorrelated."""
        record = person("P-1", [("low_secure", "South", D(2024, 1, 1), None)])
        report = cohort_report([record], as_of=D(2024, 4, 1))
        rows = [row for row in spc_table(report, measure="bed_days") if row.provider == "South"]
        assert [31.0, 29.0, 31.0] == [row.value for row in rows]
        assert all(row.autocorrelation == pytest.approx(-2 / 3) for row in rows)
        assert not any(row.autocorrelated for row in rows)

    @staticmethod
    def _reviewed_well_from_2023(person_id: str, provider: str, *, reviews: int) -> pm.Pathway:
        """In medium secure from 1 January 2023, reviewed well every 28 days from 14
        February 2023 (``reviews`` reviews): ready from mid-May 2023."""
        return person(
            person_id,
            [("medium_secure", provider, D(2023, 1, 1), None)],
            reviews=tuple(
                review(f"r{n}", D(2023, 2, 14) + dt.timedelta(days=28 * n), MEDIUM_ALL_PARTLY)
                for n in range(reviews)
            ),
        )

    def test_a_step_in_the_ready_day_share_is_flagged_as_autocorrelated(self) -> None:
        """One of two people in medium secure reviewed well every 28 days from mid-February
        2023: ready from mid-May, the share steps from 0 to a half and stays there, month
        after month. Each month is much like the last: autocorrelated (over 1.96 / sqrt(24)
        = 0.40), so the chart's flags are a step, not news in each month."""
        ready = self._reviewed_well_from_2023("P-1", "South", reviews=25)
        other = person("P-2", [("medium_secure", "South", D(2023, 1, 1), None)])
        report = cohort_report([ready, other], as_of=D(2025, 1, 1))
        rows = [row for row in spc_table(report) if row.provider == "South"]
        assert (24, 0.0, 0.5) == (len(rows), rows[0].value, rows[-1].value)
        assert all(row.autocorrelated for row in rows)
        assert rows[0].autocorrelation is not None
        assert rows[0].autocorrelation > 0.4

    @staticmethod
    def _south_ready_north_not() -> CohortReport:
        """South: one person ready from mid-May 2023, every month from July 2023 to June
        2024 with 30 or so ready days and bed days. North: one person never reviewed, so
        0 ready days every month."""
        south = TestSpcTable._reviewed_well_from_2023("P-1", "South", reviews=18)
        north = person("P-2", [("medium_secure", "North", D(2023, 1, 1), None)])
        return cohort_report([south, north], as_of=D(2024, 7, 1), since=D(2023, 7, 1))

    def test_under_a_policy_a_chart_with_a_hidden_month_is_left_out(self) -> None:
        """North's 0 ready days are hidden (below 5), so its chart goes; South's months all
        show, so its chart stays, as charted without the policy; England is exempt."""
        report = self._south_ready_north_not()
        plain = spc_table(report)
        published = spc_table(report, suppress=MHSDS_SUPPRESSION)
        assert ["North", "South", None] == list(dict.fromkeys(row.provider for row in plain))
        assert ["South", None] == list(dict.fromkeys(row.provider for row in published))
        assert [row for row in plain if row.provider != "North"] == list(published)
        assert 12 == sum(row.provider == "South" for row in published)

    def test_englands_chart_follows_the_policys_exemption(self) -> None:
        """North alone, never ready: England's chart stays under the national rule, which
        exempts England, and goes under the same rule without the exemption."""
        north = person("P-2", [("medium_secure", "North", D(2023, 1, 1), None)])
        report = cohort_report([north], as_of=D(2024, 7, 1), since=D(2023, 7, 1))
        assert {None} == {row.provider for row in spc_table(report, suppress=MHSDS_SUPPRESSION)}
        assert () == spc_table(report, suppress=EVERY_GROUP)

    def test_a_policy_of_another_type_is_refused(self, report: CohortReport) -> None:
        """Only a SuppressionPolicy: the library's own error, naming the argument."""
        with pytest.raises(pm.WrongTypeError, match="suppress: expected a SuppressionPolicy"):
            spc_table(report, suppress="mhsds")  # type: ignore[arg-type]

    def test_a_series_of_one_month_has_no_chart(self) -> None:
        """Fewer than 2 months: no limits to set, no rows."""
        record = person("P-1", [("low_secure", "South", D(2024, 1, 1), None)])
        assert () == spc_table(cohort_report([record], as_of=D(2024, 1, 20)))

    def test_an_unknown_measure_is_refused(self, report: CohortReport) -> None:
        """Only the monthly figures are charted."""
        with pytest.raises(pm.UnknownCodeError, match="no monthly measure with code 'people'"):
            spc_table(report, measure="people")

    def test_within_a_stage(self, report: CohortReport) -> None:
        """Only the providers with stays in the stage, then the stage as a whole."""
        rows = spc_table(report, stage="medium_secure", measure="bed_days")
        assert (["North", None], {"medium_secure"}) == (
            list(dict.fromkeys(row.provider for row in rows)),
            {row.stage for row in rows},
        )


#: The national rule without England's exemption: every group is subject to it.
EVERY_GROUP = attrs.evolve(MHSDS_SUPPRESSION, exempt=frozenset())
#: The units of the counts a report row holds.
COUNT_UNITS = {"people", "stays", "days", "reviews", "goals", "domains", "moves"}
#: The measures that are counts (not a quartile or the largest, made from a count).
COUNTS = {
    measure.name
    for measure in COHORT_MEASURES
    if measure.unit in COUNT_UNITS and measure.interval is None
} - {"los_q1_days", "los_q3_days", "days_beyond_readiness_max"}


class TestSuppression:
    """North's medium secure stays under the national rule (MHSDS_SUPPRESSION)."""

    @staticmethod
    def north(report: CohortReport, suppress: object = MHSDS_SUPPRESSION) -> dict[str, CohortRow]:
        return {
            row.measure: row
            for row in report.rows(suppress=suppress)  # type: ignore[arg-type]
            if (row.provider, row.stage) == ("North", "medium_secure")
        }

    def test_a_count_below_five_is_suppressed_and_flagged(self, report: CohortReport) -> None:
        """Four people: hidden, flagged, never 0."""
        row = self.north(report)["people"]
        assert (None, True, SuppressionReason.COUNT_BELOW_THRESHOLD) == (
            row.value,
            row.suppressed,
            row.suppression_reason,
        )

    def test_other_counts_are_rounded_to_five(self, report: CohortReport) -> None:
        """915 bed days stay 915; 306 ready days show as 305."""
        rows = self.north(report)
        assert (915, 305, False) == (
            rows["bed_days"].value,
            rows["ready_days"].value,
            rows["ready_days"].suppressed,
        )

    def test_a_share_is_rounded_with_its_interval(self, report: CohortReport) -> None:
        """306 of 915: 33% (0 decimals), so 0.33, its interval 0.30 to 0.37."""
        row = self.north(report)["ready_day_share"]
        assert (0.33, 0.30, 0.37, False) == (row.value, row.lower, row.upper, row.suppressed)

    def test_a_share_goes_with_its_numerator(self, report: CohortReport) -> None:
        """One long stay of three: the numerator is below 5, so the share is hidden."""
        row = self.north(report)["long_stay_share"]
        assert (None, None, None, SuppressionReason.NUMERATOR_BELOW_THRESHOLD) == (
            row.value,
            row.lower,
            row.upper,
            row.suppression_reason,
        )

    def test_a_figure_goes_with_the_count_it_is_made_from(self, report: CohortReport) -> None:
        """The cost of delay (306 ready days) is shown; per person (4 people) is not."""
        rows = self.north(report)
        assert (Decimal("138312.00"), None, True) == (
            rows["cost_of_delay"].value,
            rows["cost_of_delay_per_person"].value,
            rows["cost_of_delay_per_person"].suppressed,
        )

    def test_englands_totals_follow_the_national_rule(self, report: CohortReport) -> None:
        """All the providers together are England's totals: published as they are."""
        rows = [row for row in report.rows(suppress=MHSDS_SUPPRESSION) if row.provider is None]
        assert [row for row in report.rows() if row.provider is None] == rows

    def test_without_a_policy_nothing_is_suppressed(self, report: CohortReport) -> None:
        """The rows as they are."""
        assert not any(row.suppressed for row in report.rows())

    def test_the_benchmark_hides_a_suppressed_providers_rank(self, report: CohortReport) -> None:
        """Reviews on time: North 3 of 7, South 2 of 5, Hill 0 of 1: every numerator is
        below 5, so no rank is shown, and each row says why."""
        rows = [
            row
            for row in benchmark_table(report, suppress=MHSDS_SUPPRESSION)
            if row.measure == "reviews_on_time_share"
        ]
        assert [
            ("North", None, None, True),
            ("South", None, None, True),
            ("Hill", None, None, True),
        ] == [(row.provider, row.value, row.rank, row.suppressed) for row in rows]

    def test_the_frame_flags_suppressed_cells(self, report: CohortReport) -> None:
        """The frame's ``suppressed`` column is boolean; a hidden value is NA, not 0."""
        frame = report.to_frame(suppress=MHSDS_SUPPRESSION)
        hidden = frame[frame["suppressed"]]
        assert ("boolean", True, len(hidden)) == (
            str(frame["suppressed"].dtype),
            bool(hidden["value"].isna().all()),
            sum(row.suppressed for row in report.rows(suppress=MHSDS_SUPPRESSION)),
        )

    def test_only_a_policy_suppresses(self, report: CohortReport) -> None:
        """Anything else is refused, by type."""
        with pytest.raises(pm.WrongTypeError, match="suppress: expected a SuppressionPolicy"):
            report.rows(suppress="mhsds")  # type: ignore[arg-type]

    @cohort_examples
    @given(cohort=secure_cohorts(), as_of=as_of_dates)
    def test_no_count_below_the_threshold_is_shown(
        self, cohort: list[pm.Pathway], as_of: dt.date
    ) -> None:
        """Under the rule, a count shown is at least 5, and a share or rate shown is made
        from counts of at least 5; a hidden cell holds nothing and is flagged."""
        report = cohort_report(cohort, as_of=as_of)
        for row in report.rows(suppress=EVERY_GROUP):
            group = report.group(row.provider, row.stage)
            if row.suppressed:
                assert (None, None, None) == (row.value, row.lower, row.upper)
                assert row.suppression_reason is not None
                continue
            if row.value is None:
                continue
            if row.measure in COUNTS:
                assert isinstance(row.value, int)
                assert row.value >= 5
            if row.unit == "share":
                assert group.value(row.measure) is not None
                numerator = {
                    "ready_day_share": group.ready_days,
                    "recorded_ready_day_share": group.recorded_ready_days,
                    "long_stay_share": group.long_stay,
                    "reviews_on_time_share": group.reviews_on_time,
                    "goals_achieved_share": group.goals_achieved,
                    "step_down_share": group.step_downs,
                    "readmission_share": group.readmissions,
                }[row.measure]
                assert numerator >= 5
        for bench in benchmark_table(report, suppress=EVERY_GROUP):
            assert bench.measure not in COUNTS  # counts are not ranked
            assert bench.suppressed is (bench.suppression_reason is not None)
