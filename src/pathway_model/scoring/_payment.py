"""Paying for results: each provider's payment under the bed-day and an outcome currency.

The occupied-bed-day currency pays each day of a stay at the stage's bed-day cost. An
outcome currency pays for what the stay achieved: here a base share of the bed-day cost,
a payment for each step down, each goal achieved and each required outcome met, less a
deduction for each day the person was ready to move on but stayed.

Secure services never had national tariffs, and the bed-day costs of the built-in
secure pathway are estimates ("Domain facts and sources", "Bed-day costs"). **Every
default amount here is illustrative**, chosen to show the arithmetic, not a proposal:
set your own.

All amounts are ``Decimal`` pounds. Each component is worked out at full precision over
the provider's stays and rounded to pence (half to even) once; a total is the sum of its
rounded components, so the figures shown always add up.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Collection, Iterable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from pathway_model.errors import Problem, ValidationError, WrongTypeError
from pathway_model.model import Pathway, PathwayDefinition
from pathway_model.model import _seam as _checks
from pathway_model.model._seam import show_number, type_name
from pathway_model.scoring._cohort import (
    MONEY,
    SECURE_COMBINED_LONG_STAY,
    CohortGroup,
    CohortReport,
    CombinedLongStay,
    cohort_report,
    pence,
)

__all__ = ["OutcomeCurrency", "Payment", "payments"]


def _amount(value: object) -> object:
    if isinstance(value, (int, str)) and not isinstance(value, bool):
        try:
            return Decimal(value)
        except decimal.InvalidOperation:
            return value
    return value


def _optional_amount(value: object) -> object:
    return None if value is None else _amount(value)


#: Amounts are below this: at most 12 digits before the point, as the JSON format allows.
_AMOUNT_BELOW = Decimal(10**12)
#: The longest stay in days (1 January 0001 to 31 December 9999): a bound on bed days.
_MOST_DAYS = (dt.date.max - dt.date.min).days


def _amount_problem(path: str, value: object) -> Problem | None:
    if not isinstance(value, Decimal):
        return Problem(
            path=path,
            expected="an amount (Decimal, int or a decimal string)",
            found=type_name(value),
        )
    if not value.is_finite() or value < 0 or value >= _AMOUNT_BELOW:
        shown = (
            str(value) if not value.is_finite() or -_AMOUNT_BELOW < value < _AMOUNT_BELOW else None
        )
        return Problem(
            path=path,
            expected="a finite amount >= 0, below 10^12 (at most 12 digits before the point)",
            found=shown or "an amount of 13 digits or more",
        )
    return None


def _check_bed_days(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if type(value) is int and 0 <= value <= _MOST_DAYS:
        return
    path = _checks.path_of(instance, attribute)
    if isinstance(value, bool) or not isinstance(value, int):
        raise WrongTypeError.single(path, "a whole number of bed days (int)", type_name(value))
    raise ValidationError.single(
        path, f"a whole number of bed days from 0 to {_MOST_DAYS:,}", show_number(value)
    )


def _check_amount(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    problem = _amount_problem(_checks.path_of(instance, attribute), value)
    if problem is not None:
        error = ValidationError if isinstance(value, Decimal) else WrongTypeError
        raise error([problem])


def _check_optional_amount(
    instance: object, attribute: attrs.Attribute[Any], value: object
) -> None:
    if value is not None:
        _check_amount(instance, attribute, value)


def _stage_amounts(value: object) -> object:
    if isinstance(value, Mapping):
        value = tuple(value.items())
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        return value
    pairs = []
    for item in value:
        if isinstance(item, tuple) and len(item) == 2:  # a (stage, amount) pair
            pairs.append((item[0], _amount(item[1])))
        else:
            pairs.append(item)
    return tuple(pairs)


def _check_stage_amounts(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    path = _checks.path_of(instance, attribute)
    if not isinstance(value, tuple):
        raise WrongTypeError.single(
            path, "a mapping of stage code to amount", _checks.type_name(value)
        )
    problems: list[Problem] = []
    for index, item in enumerate(value):
        if not (isinstance(item, tuple) and len(item) == 2):
            problems.append(
                Problem(
                    path=f"{path}[{index}]",
                    expected="a (stage, amount) pair",
                    found=type_name(item),
                )
            )
            continue
        code, amount = item
        if not (isinstance(code, str) and _checks.is_code(code)):
            found = _checks.show_code(code) if isinstance(code, str) else type_name(code)
            problems.append(
                Problem(path=f"{path}[{index}][0]", expected="a stage code", found=found)
            )
        problem = _amount_problem(f"{path}[{index}][1]", amount)
        if problem is not None:
            problems.append(problem)
    problems += _checks.unique_codes(
        path,
        (
            item[0]
            for item in value
            if isinstance(item, tuple) and item and isinstance(item[0], str)
        ),
        "stage",
    )
    _checks.raise_problems(problems)


@attrs.frozen(kw_only=True)
class OutcomeCurrency:
    """An outcome-based currency: what a provider is paid for the results of its stays.

    For one provider over the window::

        base        = base_share x Σ (bed days x stage bed-day cost)
        step downs  = Σ over step downs of the amount for the stage moved from
        goals       = goal_payment x goals achieved
        outcomes    = outcome_payment x required outcomes met
        ready days  = Σ (ready days x deduction per ready day)
        payment     = base + step downs + goals + outcomes - ready days

    The amount for a step down is the stage's entry in ``step_down_payments`` or, for
    a stage not listed, ``step_down_bed_days`` of that stage's bed-day cost (nothing for
    a stage without a cost). The deduction per ready day is ``ready_day_deduction`` or,
    when ``None``, the stage's bed-day cost: the ready day is then not paid for at all
    (the base paid ``base_share`` of it, the deduction takes back the whole cost).

    **Every default is illustrative**: secure services never had national tariffs
    and the built-in bed-day costs are estimates ("Domain facts and sources").

    Every amount (``base_share`` included) is a finite ``Decimal`` (or an ``int`` or a
    decimal string) from 0 to below 10^12, as the JSON format allows.

    Attributes:
        base_share: The share of the bed-day cost paid for each occupied day (default
            0.8, illustrative).
        step_down_payments: The amount per step down from each stage listed, as a
            mapping or ``(stage, amount)`` pairs (default none listed).
        step_down_bed_days: For a stage not listed, the step down is paid this many of
            the stage's bed-day cost (default 90, about a quarter of a year's cost;
            illustrative).
        goal_payment: The amount per goal achieved (default £500, illustrative): a
            goal achieved or sustaining at ``as_of`` and neither cancelled nor rejected,
            as the cohort report counts it.
        outcome_payment: The amount per required outcome met: a domain that the stage's
            exit criteria name, first rated at or above its minimum in a stay (default
            £250, illustrative).
        ready_day_deduction: The deduction per ready day; the stage's bed-day cost when
            ``None`` (the default).

    Examples:
        >>> currency = OutcomeCurrency(step_down_payments={"community": "5000"})
        >>> currency.step_down_payment("community", None)
        Decimal('5000')
        >>> currency.step_down_payment("medium_secure", Decimal("452"))
        Decimal('40680')
    """

    base_share: Decimal = attrs.field(
        default=Decimal("0.8"), converter=_amount, validator=_check_amount
    )
    step_down_payments: tuple[tuple[str, Decimal], ...] = attrs.field(
        default=(), converter=_stage_amounts, validator=_check_stage_amounts
    )
    step_down_bed_days: int = attrs.field(default=90, validator=_check_bed_days)
    goal_payment: Decimal = attrs.field(
        default=Decimal("500"), converter=_amount, validator=_check_amount
    )
    outcome_payment: Decimal = attrs.field(
        default=Decimal("250"), converter=_amount, validator=_check_amount
    )
    ready_day_deduction: Decimal | None = attrs.field(
        default=None, converter=_optional_amount, validator=_check_optional_amount
    )

    def step_down_payment(self, stage: str, bed_day_cost: Decimal | None) -> Decimal:
        """The amount for one step down from ``stage``, whose bed-day cost is given."""
        for code, amount in self.step_down_payments:
            if code == stage:
                return amount
        if bed_day_cost is None:
            return Decimal(0)
        return bed_day_cost * self.step_down_bed_days


@attrs.frozen(kw_only=True)
class Payment:
    """One provider's payment under the bed-day currency and an outcome currency.

    Attributes:
        provider: The provider, or ``None`` for every provider together.
        stage: The stage, or ``None`` for every stage together.
        bed_days: Days of stays in the window.
        bed_day_payment: What the occupied-bed-day currency pays: bed days x each
            stage's bed-day cost (stages without a cost pay nothing).
        base_payment: The outcome currency's base: ``base_share`` of the bed-day payment.
        step_down_payment: Paid for the step downs in the window.
        goal_payment: Paid for the goals achieved.
        outcome_payment: Paid for the required outcomes met.
        ready_day_deduction: Taken off for the ready days in the window.
        outcome_currency_payment: ``base + step downs + goals + outcomes - ready days``.
        difference: ``outcome_currency_payment - bed_day_payment``: positive when the
            provider would be paid more for results than for bed days.
    """

    provider: str | None
    stage: str | None
    bed_days: int
    bed_day_payment: Decimal
    base_payment: Decimal
    step_down_payment: Decimal
    goal_payment: Decimal
    outcome_payment: Decimal
    ready_day_deduction: Decimal
    outcome_currency_payment: Decimal
    difference: Decimal


def _payment(
    provider: str | None,
    stage: str | None,
    groups: list[CohortGroup],
    currency: OutcomeCurrency,
) -> Payment:
    bed_day = sum((group.bed_day_value for group in groups), Decimal(0))
    step_downs = Decimal(0)
    deduction = Decimal(0)
    listed = dict(currency.step_down_payments)
    for group in groups:
        code = group.stage or ""
        if code in listed:
            step_downs += listed[code] * group.step_downs
        else:
            step_downs += group.step_down_bed_day_costs * currency.step_down_bed_days
        if currency.ready_day_deduction is None:
            deduction += group.cost_of_delay
        else:
            deduction += currency.ready_day_deduction * group.ready_days
    base = pence(bed_day * currency.base_share)
    goals = pence(currency.goal_payment * sum(group.goals_achieved for group in groups))
    outcomes = pence(currency.outcome_payment * sum(group.outcomes_met for group in groups))
    step_downs = pence(step_downs)
    deduction = pence(deduction)
    bed_day = pence(bed_day)
    total = base + step_downs + goals + outcomes - deduction
    return Payment(
        provider=provider,
        stage=stage,
        bed_days=sum(group.bed_days for group in groups),
        bed_day_payment=bed_day,
        base_payment=base,
        step_down_payment=step_downs,
        goal_payment=goals,
        outcome_payment=outcomes,
        ready_day_deduction=deduction,
        outcome_currency_payment=total,
        difference=total - bed_day,
    )


def payments(
    source: CohortReport | Iterable[Pathway],
    *,
    currency: OutcomeCurrency | None = None,
    by_stage: bool = False,
    as_of: dt.date | None = None,
    since: dt.date | None = None,
    definition: PathwayDefinition | None = None,
    combined_long_stay: CombinedLongStay | None = SECURE_COMBINED_LONG_STAY,
    community_stages: Collection[str] = ("community",),
) -> tuple[Payment, ...]:
    """What each provider would be paid for the same stays under two currencies, side by side.

    The occupied-bed-day currency pays bed days x the stage's bed-day cost; the outcome
    currency is described in [`OutcomeCurrency`][pathway_model.scoring.OutcomeCurrency]. Both
    are worked out from the measures of a [`CohortReport`][pathway_model.scoring.CohortReport],
    so one report can be priced under several currencies without reading the records
    again.

    Args:
        source: A cohort report, or the records (then ``as_of`` is required and the
            report is made with the arguments after it, as
            [`cohort_report`][pathway_model.scoring.cohort_report] does).
        currency: The outcome currency; ``OutcomeCurrency()`` (illustrative defaults)
            when ``None``.
        by_stage: Give a row per provider and stage too, after each provider's row.
        as_of: For records: the date the measures are for.
        since: For records: the first day of the window.
        definition: For records: the definition they follow.
        combined_long_stay: For records: as for ``cohort_report``.
        community_stages: For records: as for ``cohort_report``.

    Returns:
        One row per provider (sorted by name), then one for every provider together
        (``provider`` ``None``); with ``by_stage``, each provider's stages follow its
        row.

    Raises:
        ValidationError: ``as_of`` is missing for records, or given with a report.
        WrongTypeError: An argument has the wrong type.

    Examples:
        >>> import datetime as dt
        >>> import pathway_model as pm
        >>> from pathway_model.catalogue import SECURE_PATHWAY
        >>> record = pm.Pathway.start(
        ...     SECURE_PATHWAY, person_id="P-1", stage="low_secure",
        ...     provider="Riverside", on=dt.date(2024, 1, 1),
        ... ).moved_to(SECURE_PATHWAY, stage="community", on=dt.date(2024, 3, 1),
        ...            provider="Riverside", placement_id="p2")
        >>> row = payments([record], as_of=dt.date(2024, 3, 1))[0]
        >>> row.bed_day_payment, row.base_payment, row.step_down_payment
        (Decimal('24660.00'), Decimal('19728.00'), Decimal('36990.00'))
        >>> row.difference
        Decimal('32058.00')
    """
    if currency is None:
        currency = OutcomeCurrency()
    elif not isinstance(currency, OutcomeCurrency):
        raise WrongTypeError.single("currency", "an OutcomeCurrency or None", type_name(currency))
    if not isinstance(by_stage, bool):
        raise WrongTypeError.single("by_stage", "a bool", type_name(by_stage))
    if isinstance(source, CohortReport):
        if as_of is not None or since is not None:
            raise ValidationError.single(
                "as_of", "no as_of or since with a report (it has its own)", "a date given"
            )
        report = source
    else:
        if as_of is None:
            raise ValidationError.single("as_of", "a date when records are given", "None")
        report = cohort_report(
            source,
            as_of=as_of,
            since=since,
            definition=definition,
            combined_long_stay=combined_long_stay,
            community_stages=community_stages,
        )
    cells = [group for group in report.groups if group.provider is not None and group.stage]
    rows: list[Payment] = []
    with decimal.localcontext(MONEY):
        for provider in report.providers:
            mine = [group for group in cells if group.provider == provider]
            rows.append(_payment(provider, None, mine, currency))
            if by_stage:
                rows.extend(_payment(provider, group.stage, [group], currency) for group in mine)
        rows.append(_payment(None, None, cells, currency))
    return tuple(rows)
