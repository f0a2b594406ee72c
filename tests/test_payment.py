"""Paying for results: the bed-day and outcome currencies side by side, worked by hand.

The cohort is the hand-built one of ``tests/test_cohort.py`` (1 January 2024 to 1 January
2025). Its figures per provider:

- Hill: 182 high secure bed days, 182 x £822 = £149,604; 1 step down from high secure.
- North: 915 medium secure bed days, 915 x £452 = £413,580; 1 step down from medium
  secure; 1 goal achieved; 8 outcomes met; 306 ready days, 306 x £452 = £138,312.
- South: 152 low secure and 336 community days, 152 x £411 = £62,472 (the community
  has no cost); 1 step down from low secure and 1 from the community; 1 goal achieved.

The default outcome currency pays 0.8 of the bed-day payment, 90 bed days of the stage
left per step down (none for the community, which has no cost), £500 a goal and £250 an
outcome, and takes back each ready day at the stage's bed-day cost.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pathway_model as pm
from pathway_model.scoring import CohortReport, OutcomeCurrency, Payment, cohort_report, payments
from pathway_model.scoring.frames import cohort_frame
from tests import strategies as s
from tests.test_cohort import AS_OF, SINCE, goals_person, hand_cohort


@pytest.fixture(scope="module")
def report() -> CohortReport:
    return cohort_report(hand_cohort(), as_of=AS_OF, since=SINCE)


def row(rows: tuple[Payment, ...], provider: str | None, stage: str | None = None) -> Payment:
    """The row of one provider (and stage)."""
    (found,) = [r for r in rows if r.provider == provider and r.stage == stage]
    return found


class TestDefaultCurrency:
    def test_north(self, report: CohortReport) -> None:
        """£330,864 base + £40,680 step down + £500 goal + £2,000 outcomes - £138,312."""
        expected = Payment(
            provider="North",
            stage=None,
            bed_days=915,
            bed_day_payment=Decimal("413580.00"),
            base_payment=Decimal("330864.00"),  # 0.8 x 413,580
            step_down_payment=Decimal("40680.00"),  # 90 x 452
            goal_payment=Decimal("500.00"),
            outcome_payment=Decimal("2000.00"),  # 8 x 250
            ready_day_deduction=Decimal("138312.00"),  # 306 x 452
            outcome_currency_payment=Decimal("235732.00"),
            difference=Decimal("-177848.00"),  # 235,732 - 413,580
        )
        assert expected == row(payments(report), "North")

    def test_hill(self, report: CohortReport) -> None:
        """No ready days and a step down: paid more for results than for bed days."""
        found = row(payments(report), "Hill")
        assert (
            Decimal("149604.00"),
            Decimal("119683.20"),  # 0.8 x 149,604
            Decimal("73980.00"),  # 90 x 822
            Decimal("193663.20"),
            Decimal("44059.20"),
        ) == (
            found.bed_day_payment,
            found.base_payment,
            found.step_down_payment,
            found.outcome_currency_payment,
            found.difference,
        )

    def test_a_step_down_from_a_stage_without_a_cost_pays_nothing_by_default(
        self, report: CohortReport
    ) -> None:
        """South: only the step down from low secure is paid, 90 x £411 = £36,990."""
        found = row(payments(report), "South")
        assert (Decimal("62472.00"), Decimal("36990.00"), Decimal("87467.60")) == (
            found.bed_day_payment,
            found.step_down_payment,
            found.outcome_currency_payment,  # 49,977.60 + 36,990 + 500
        )

    def test_the_total_row_adds_the_providers(self, report: CohortReport) -> None:
        """All providers: 625,656 by bed days; 516,862.80 for results."""
        found = payments(report)[-1]
        assert (None, Decimal("625656.00"), Decimal("516862.80"), Decimal("-108793.20")) == (
            found.provider,
            found.bed_day_payment,
            found.outcome_currency_payment,
            found.difference,
        )

    def test_rows_come_by_provider_then_the_total(self, report: CohortReport) -> None:
        """Providers sorted by name, the total last."""
        assert ["Hill", "North", "South", None] == [r.provider for r in payments(report)]

    def test_by_stage_rows_follow_each_provider(self, report: CohortReport) -> None:
        """South's low secure and community rows follow South's."""
        rows = payments(report, by_stage=True)
        assert [
            ("Hill", None),
            ("Hill", "high_secure"),
            ("North", None),
            ("North", "medium_secure"),
            ("South", None),
            ("South", "low_secure"),
            ("South", "community"),
            (None, None),
        ] == [(r.provider, r.stage) for r in rows]

    def test_records_give_the_same_as_their_report(self, report: CohortReport) -> None:
        """Records are read into a report first."""
        assert payments(report) == payments(hand_cohort(), as_of=AS_OF, since=SINCE)


class TestConfiguredCurrency:
    def test_a_listed_step_down_and_a_full_base(self, report: CohortReport) -> None:
        """South with base 1, £5,000 for leaving the community: 62,472 + 36,990 + 5,000 + 500."""
        currency = OutcomeCurrency(base_share=1, step_down_payments={"community": "5000"})
        found = row(payments(report, currency=currency), "South")
        assert (Decimal("41990.00"), Decimal("104962.00")) == (
            found.step_down_payment,
            found.outcome_currency_payment,
        )

    def test_a_fixed_deduction_per_ready_day(self, report: CohortReport) -> None:
        """North's 306 ready days at £100 each."""
        currency = OutcomeCurrency(ready_day_deduction=100)
        assert (
            Decimal("30600.00")
            == row(payments(report, currency=currency), "North").ready_day_deduction
        )

    def test_goals_and_outcomes_priced_at_nothing(self, report: CohortReport) -> None:
        """A currency may leave out goals and outcomes."""
        currency = OutcomeCurrency(goal_payment=0, outcome_payment=0)
        found = row(payments(report, currency=currency), "North")
        assert (Decimal("0.00"), Decimal("0.00")) == (found.goal_payment, found.outcome_payment)

    def test_pence_are_rounded_half_to_even(self) -> None:
        """One day at £0.125 with base 1 is £0.12 (half to even), not £0.13."""
        definition = pm.PathwayDefinition(
            id="tiny",
            version="1",
            name="Tiny",
            framework=pm.catalogue.MY_SHARED_PATHWAY,
            stages=[
                pm.Stage(
                    code="ward",
                    name="Ward",
                    everyday_name="the ward",
                    security_rank=1,
                    bed_day_cost="0.125",
                )
            ],
        )
        record = pm.Pathway.start(
            definition, person_id="P-1", stage="ward", provider="X", on=dt.date(2024, 1, 1)
        )
        found = payments(
            [record],
            as_of=dt.date(2024, 1, 2),
            definition=definition,
            currency=OutcomeCurrency(base_share=1),
        )[0]
        assert (Decimal("0.12"), Decimal("0.12")) == (found.bed_day_payment, found.base_payment)

    def test_a_negative_amount_is_refused(self) -> None:
        """Amounts are at least zero."""
        with pytest.raises(pm.ValidationError, match=r"goal_payment: expected a finite"):
            OutcomeCurrency(goal_payment=-1)

    def test_a_float_amount_is_refused(self) -> None:
        """Money is never a float."""
        with pytest.raises(pm.WrongTypeError, match=r"base_share: expected an amount"):
            OutcomeCurrency(base_share=0.8)  # type: ignore[arg-type]

    def test_a_bad_stage_amount_is_named(self) -> None:
        """Each pair is checked: the stage code and the amount."""
        with pytest.raises(pm.ValidationError) as caught:
            OutcomeCurrency(step_down_payments={"community": "-5", "bad code": "1"})
        assert [
            "OutcomeCurrency.step_down_payments[0][1]",
            "OutcomeCurrency.step_down_payments[1][0]",
        ] == [p.path for p in caught.value.problems]

    def test_the_payment_of_one_step_down(self) -> None:
        """Listed, else the stage's bed days, else nothing."""
        currency = OutcomeCurrency(step_down_payments={"low_secure": 1000}, step_down_bed_days=10)
        assert (Decimal(1000), Decimal(4520), Decimal(0)) == (
            currency.step_down_payment("low_secure", Decimal(411)),
            currency.step_down_payment("medium_secure", Decimal(452)),
            currency.step_down_payment("community", None),
        )


class TestGoalsGivenUp:
    def test_a_cancelled_or_rejected_goal_marked_achieved_is_not_paid_for(self) -> None:
        """Only the two goals achieved and neither cancelled nor rejected earn £500 each."""
        rows = payments([goals_person()], as_of=AS_OF, since=SINCE)
        assert Decimal("1000.00") == row(rows, "North").goal_payment


class TestArguments:
    def test_records_need_as_of(self) -> None:
        """Without a report, the date must be given."""
        with pytest.raises(pm.ValidationError, match="as_of: expected a date when records"):
            payments(hand_cohort())

    def test_a_report_brings_its_own_dates(self, report: CohortReport) -> None:
        """as_of with a report is a mistake, not a silent override."""
        with pytest.raises(pm.ValidationError, match="as_of: expected no as_of"):
            payments(report, as_of=AS_OF)

    def test_the_currency_must_be_an_outcome_currency(self, report: CohortReport) -> None:
        """A mapping is not a currency."""
        with pytest.raises(pm.WrongTypeError, match="currency: expected an OutcomeCurrency"):
            payments(report, currency={})  # type: ignore[arg-type]

    def test_payments_become_a_frame(self, report: CohortReport) -> None:
        """One frame row per payment row, columns in the class's order, each amount's pence last."""
        frame = cohort_frame(payments(report))
        assert (4, "provider", "difference", "difference_pence") == (
            len(frame),
            frame.columns[0],
            frame.columns[-2],
            frame.columns[-1],
        )


class TestProperties:
    @given(
        cohort=st.lists(s.pathways(pm.catalogue.SECURE_PATHWAY, max_reviews=6), max_size=3),
        as_of=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2046, 1, 1)),
    )
    def test_components_add_up_to_the_payment(
        self, cohort: list[pm.Pathway], as_of: dt.date
    ) -> None:
        """Each payment is the sum of its rounded parts, and the total row sums the providers."""
        rows = payments(cohort, as_of=as_of)
        for r in rows:
            assert r.outcome_currency_payment == (
                r.base_payment
                + r.step_down_payment
                + r.goal_payment
                + r.outcome_payment
                - r.ready_day_deduction
            )
            assert r.difference == r.outcome_currency_payment - r.bed_day_payment
        providers = rows[:-1]
        assert rows[-1].bed_day_payment == sum((r.bed_day_payment for r in providers), Decimal(0))
