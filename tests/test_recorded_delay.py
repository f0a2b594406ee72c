"""Recorded readiness in the cohort report, and its reconciliation with the outcome rule.

Worked examples on the secure pathway's medium secure stage (£452 a bed day; ready once
every required domain has been at least "partly met" for 3 months, "How readiness is
decided"). One review on 1 January 2024 at those levels makes the rule find the person
ready from 1 April 2024. Days count ``since <= day < as_of``; a period ``start`` to
``end`` holds the days ``start <= day < end``. 2024 is a leap year: February has 29 days.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pathway_model as pm
from pathway_model.catalogue import SECURE_PATHWAY
from pathway_model.scoring import (
    RecordedDelay,
    StayReconciliation,
    cohort_report,
    readiness_reconciliation,
)
from tests import strategies as s
from tests.scenarios import MEDIUM_ALL_PARTLY, review

D = dt.date
JAN_1 = D(2024, 1, 1)


def stay(*periods: pm.RecordedReadiness, reviews: tuple[pm.Review, ...] = ()) -> pm.Pathway:
    """One open medium secure stay from 1 January 2024 at North."""
    record = pm.Pathway.start(
        SECURE_PATHWAY, person_id="P-1", stage="medium_secure", provider="North", on=JAN_1
    )
    return attrs.evolve(record, reviews=reviews).with_recorded_readiness(*periods)


def period(
    id: str, start: dt.date, end: dt.date | None = None, **fields: Any
) -> pm.RecordedReadiness:
    return pm.RecordedReadiness(id=id, start=start, end=end, **fields)


#: Ready by the rule from 1 April 2024.
RATED = (review("r1", JAN_1, MEDIUM_ALL_PARTLY),)
#: A CPA review with no ratings, as an MHSDS extract gives it.
UNRATED = pm.Review(id="cpa1", date=D(2024, 1, 5))


def only(record: pm.Pathway, as_of: dt.date, **options: Any) -> StayReconciliation:
    (row,) = readiness_reconciliation(record, as_of, **options)
    return row


def figures(row: StayReconciliation) -> tuple[Any, ...]:
    return (
        row.basis,
        row.recorded_ready_days,
        row.rule_ready_days,
        row.both_days,
        row.rule_only_days,
        row.rule_before_recorded_days,
        row.recorded_only_days,
        row.recorded_unrated_days,
    )


class TestWorkedExamples:
    def test_the_rule_finds_readiness_before_it_is_recorded(self) -> None:
        """Rule ready from 1 April; recorded 16 April to 1 May; as_of 11 May.

        Rule: 1 April to 11 May = 30 + 10 = 40 days. Recorded: 15 days, all also rule
        ready. Rule only: 40 - 15 = 25, of which 15 (1 to 16 April) before the record.
        """
        record = stay(period("w1", D(2024, 4, 16), D(2024, 5, 1)), reviews=RATED)
        row = only(record, D(2024, 5, 11))
        assert ("outcome ratings", 15, 40, 15, 25, 15, 0, 0) == figures(row)

    def test_readiness_is_recorded_before_the_rule_finds_it(self) -> None:
        """Recorded from 1 March, still open; rule ready from 1 April; as_of 11 May.

        Recorded: 31 (March) + 30 + 10 = 71 days; both: 40; recorded only: 31 (March).
        """
        record = stay(period("w1", D(2024, 3, 1)), reviews=RATED)
        row = only(record, D(2024, 5, 11))
        assert ("outcome ratings", 71, 40, 40, 0, 0, 31, 0) == figures(row)

    def test_a_stay_without_ratings_is_not_judged_not_ready(self) -> None:
        """CPA reviews only: the 29 days of February are recorded, and the rule says nothing."""
        record = stay(period("w1", D(2024, 2, 1)), reviews=(UNRATED,))
        row = only(record, D(2024, 3, 1))
        assert ("no outcome ratings", 29, None, None, None, None, None, 29) == figures(row)

    def test_recorded_days_before_the_first_rated_review_are_unrated(self) -> None:
        """Unrated CPA review 5 January, rated review 1 March; recorded 1 February to 16 March.

        Recorded: 29 + 15 = 44 days; before 1 March the rule had no ratings (29 days);
        from 1 March it judged the person not yet ready (15 days recorded only).
        """
        reviews = (UNRATED, review("r1", D(2024, 3, 1), MEDIUM_ALL_PARTLY))
        record = stay(period("w1", D(2024, 2, 1), D(2024, 3, 16)), reviews=reviews)
        row = only(record, D(2024, 4, 1))
        assert ("outcome ratings", 44, 0, 0, 0, 0, 15, 29) == figures(row)
        assert D(2024, 3, 1) == row.rated_from

    def test_the_window_cuts_both_sources(self) -> None:
        """Since 20 April: rule 20 April to 11 May (21 days); recorded to 1 May (11 days)."""
        record = stay(period("w1", D(2024, 4, 16), D(2024, 5, 1)), reviews=RATED)
        row = only(record, D(2024, 5, 11), since=D(2024, 4, 20))
        assert ("outcome ratings", 11, 21, 11, 10, 0, 0, 0) == figures(row)

    def test_recorded_days_are_costed_and_given_their_reason(self) -> None:
        """15 recorded days at £452 is £6,780, with the reason and attribution labelled."""
        recorded = period("w1", D(2024, 4, 16), D(2024, 5, 1), delay_reason="08")
        recorded = attrs.evolve(recorded, attributable_to="05")
        row = only(stay(recorded, reviews=RATED), D(2024, 5, 11))
        assert Decimal("6780.00") == row.recorded_cost_of_delay
        assert (
            RecordedDelay(
                provider="North",
                stage="medium_secure",
                reason_list="ClinReadyforDischDelayReason",
                delay_reason="08",
                reason_label="Awaiting a care home with nursing",
                reason_group="Placement and care",
                attributable_to="05",
                attributable_label="Social care",
                ready_days=15,
                cost_of_delay=Decimal("6780.00"),
            ),
        ) == row.reasons


class TestEveryStayHasARow:
    def test_stays_with_nothing_to_show_keep_their_row(self) -> None:
        """A stay ended before the window and a stay in the community both have rows."""
        record = (
            pm.Pathway.start(
                SECURE_PATHWAY, person_id="P-2", stage="medium_secure", provider="N", on=JAN_1
            )
            .moved_to(
                SECURE_PATHWAY,
                stage="low_secure",
                on=D(2024, 2, 1),
                provider="N",
                placement_id="p2",
            )
            .moved_to(
                SECURE_PATHWAY, stage="community", on=D(2024, 3, 1), provider="N", placement_id="p3"
            )
        )
        rows = readiness_reconciliation(record, D(2024, 4, 1), since=D(2024, 2, 15))
        assert [
            ("medium_secure", 0, "no outcome ratings"),
            ("low_secure", 15, "no outcome ratings"),
            ("community", 31, "no outcome ratings"),
        ] == [(row.stage, row.stay_days, row.basis) for row in rows]

    def test_a_stay_beginning_after_as_of_is_not_known(self) -> None:
        """Only stays begun on or before as_of are read."""
        record = stay().moved_to(
            SECURE_PATHWAY,
            stage="low_secure",
            on=D(2024, 6, 1),
            provider="North",
            placement_id="p2",
        )
        assert ["medium_secure"] == [
            row.stage for row in readiness_reconciliation(record, D(2024, 5, 1))
        ]

    def test_since_after_as_of_is_refused(self) -> None:
        """A window that ends before it begins is an error."""
        with pytest.raises(pm.ValidationError, match="since"):
            readiness_reconciliation(stay(), D(2024, 5, 1), since=D(2024, 6, 1))

    def test_a_record_is_needed(self) -> None:
        """Anything but a Pathway is refused."""
        with pytest.raises(pm.WrongTypeError, match="pathway"):
            readiness_reconciliation("P-1", D(2024, 5, 1))  # type: ignore[arg-type]


class TestCohortReport:
    def test_the_group_adds_the_stays(self) -> None:
        """Two people: the cohort's figures are the sums of their rows."""
        first = stay(period("w1", D(2024, 4, 16), D(2024, 5, 1), delay_reason="08"), reviews=RATED)
        second = attrs.evolve(
            stay(period("w1", D(2024, 2, 1), delay_reason="08"), reviews=(UNRATED,)),
            person_id="P-2",
        )
        group = cohort_report([first, second], as_of=D(2024, 5, 11), since=JAN_1).group()
        # first: 15 recorded, 40 rule, 15 both; second: 1 February to 11 May = 100 unrated.
        assert (115, Decimal("51980.00"), 1, 15, 25, 15, 0, 100, 1) == (
            group.recorded_ready_days,
            group.recorded_cost_of_delay,  # 115 x £452
            group.recorded_ready_now,
            group.rule_and_recorded_days,
            group.rule_not_recorded_days,
            group.rule_before_recorded_days,
            group.recorded_not_rule_days,
            group.recorded_unrated_days,
            group.stays_without_ratings,
        )
        assert [(None, "08", 115, Decimal("51980.00"))] == [
            (d.provider, d.delay_reason, d.ready_days, d.cost_of_delay)
            for d in group.recorded_delays
        ]

    def test_the_rules_ready_days_are_not_changed(self) -> None:
        """The outcome rule's measures are the same with or without recorded readiness."""
        with_record = stay(period("w1", D(2024, 2, 1)), reviews=RATED)
        without = stay(reviews=RATED)
        before = cohort_report([without], as_of=D(2024, 5, 11)).group()
        after = cohort_report([with_record], as_of=D(2024, 5, 11)).group()
        assert (before.ready_days, before.cost_of_delay, before.ready_now) == (
            after.ready_days,
            after.cost_of_delay,
            after.ready_now,
        )

    def test_the_breakdown_comes_out_in_rows(self) -> None:
        """recorded_delays gives every group's breakdown, as rows for a frame."""
        record = stay(period("w1", D(2024, 4, 16), D(2024, 5, 1), delay_reason="08"))
        report = cohort_report([record], as_of=D(2024, 5, 11))
        assert [
            (None, None),
            (None, "medium_secure"),
            ("North", None),
            ("North", "medium_secure"),
        ] == [(d.provider, d.stage) for d in report.recorded_delays()]

    def test_recorded_measures_never_rank_providers(self) -> None:
        """No measure of recorded readiness ranks providers: that would reward not recording."""
        measures = {m.name: m for m in pm.scoring.COHORT_MEASURES}
        assert (None, None) == (
            measures["recorded_ready_day_share"].better,
            measures["recorded_cost_of_delay"].better,
        )


# --- properties ---------------------------------------------------------------------------------

examples = settings(max_examples=60)
records = s.pathways(SECURE_PATHWAY, prefer_high=True, max_reviews=6)
as_of_dates = st.dates(min_value=D(2000, 1, 1), max_value=D(2046, 1, 1))


def _days(row: StayReconciliation) -> int:
    return (
        (row.both_days or 0)
        + (row.rule_only_days or 0)
        + (row.recorded_only_days or 0)
        + row.recorded_unrated_days
    )


def _union(record: pm.Pathway, row: StayReconciliation, as_of: dt.date) -> int:
    """Days ready by either source, counted day by day (slow and plain)."""
    placement = next(p for p in record.placements if p.id == row.placement_id)
    rule: set[dt.date] = set()
    for result in pm.readiness_history(record, as_of):
        if result.placement_id == row.placement_id:
            for run in result.runs:
                rule |= {run.start + dt.timedelta(n) for n in range(run.days)}
    recorded: set[dt.date] = set()
    for p in record.recorded_readiness:
        if placement.covers(p.start) and p.start <= as_of:
            end = as_of if p.end is None else min(p.end, as_of)
            recorded |= {p.start + dt.timedelta(n) for n in range((end - p.start).days)}
    return len({day for day in rule | recorded if record.first_day <= day < as_of})


def _as_it_stood(record: pm.Pathway, as_of: dt.date) -> pm.Pathway:
    """The record known at as_of: later events gone, and what ended later still open."""

    def cut(item: Any) -> Any:
        return attrs.evolve(item, end=None) if item.end is not None and item.end > as_of else item

    return attrs.evolve(
        record,
        placements=[cut(p) for p in record.placements if p.start <= as_of],
        reviews=[r for r in record.reviews if r.date <= as_of],
        incidents=[i for i in record.incidents if i.date <= as_of],
        goals=[g for g in record.goals if g.set_on <= as_of],
        recorded_readiness=[cut(p) for p in record.recorded_readiness if p.start <= as_of],
    )


class TestProperties:
    @examples
    @given(record=records, as_of=as_of_dates)
    def test_the_parts_add_up_to_every_day_ready_by_either(
        self, record: pm.Pathway, as_of: dt.date
    ) -> None:
        """both + rule only + recorded only + unrated is the union of the two sources."""
        if record.first_day > as_of:
            return
        for row in readiness_reconciliation(record, as_of):
            assert _union(record, row, as_of) == _days(row)

    @examples
    @given(record=records, as_of=as_of_dates)
    def test_no_look_ahead(self, record: pm.Pathway, as_of: dt.date) -> None:
        """The record as it stood at as_of (nothing later, nothing ended later) gives the same."""
        if record.first_day > as_of:
            return
        assert readiness_reconciliation(record, as_of) == readiness_reconciliation(
            _as_it_stood(record, as_of), as_of
        )

    @examples
    @given(cohort=st.lists(records, max_size=4), as_of=as_of_dates, seed=st.integers(0, 99))
    def test_the_report_totals_are_the_rows_totals(
        self, cohort: list[pm.Pathway], as_of: dt.date, seed: int
    ) -> None:
        """The cohort's figures are the reconciliation rows' sums, in any order of records."""
        since = min((record.first_day for record in cohort), default=as_of)
        since = min(since, as_of)
        shuffled = list(cohort)
        random.Random(seed).shuffle(shuffled)
        report = cohort_report(cohort, as_of=as_of, since=since)
        assert report == cohort_report(shuffled, as_of=as_of, since=since)
        rows = [
            row
            for record in cohort
            if record.first_day <= as_of
            for row in readiness_reconciliation(record, as_of, since=since)
            if row.stage in {g.stage for g in report.groups}
        ]
        group = report.group()
        assert (
            sum(row.recorded_ready_days for row in rows),
            sum(row.both_days or 0 for row in rows),
            sum(row.rule_only_days or 0 for row in rows),
            sum(row.recorded_only_days or 0 for row in rows),
            sum(row.recorded_unrated_days for row in rows),
        ) == (
            group.recorded_ready_days,
            group.rule_and_recorded_days,
            group.rule_not_recorded_days,
            group.recorded_not_rule_days,
            group.recorded_unrated_days,
        )
