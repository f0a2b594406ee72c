"""Recorded readiness beside the outcome rule's readiness, one stay at a time.

Two sources say when a person was ready to move on. The *outcome rule* decides it from
outcome ratings at reviews ("How readiness is decided"); *recorded readiness* is the
team's own record of the periods the person was clinically ready for discharge or
transfer, with the reason for the delay (MHSDS tables MHS518 and MHS504: "Domain facts and
sources"). Neither changes the other. This module counts the recorded days in a window,
costs them as the cohort report costs its own ready days, and reconciles the two sources
day by day: see the page "Recorded readiness and the outcome rule".

Day counting is the cohort report's: a day counts when ``since <= day < as_of`` and the
stay and the period cover it, each half-open (a period ``start`` to ``end`` holds the days
``start <= day < end``; an open period runs to ``as_of``). It is not MHSDS measure MHS26,
which is a monthly national measure with its own first-day rule.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Literal

import attrs

from pathway_model.errors import ValidationError, WrongTypeError
from pathway_model.model import (
    Pathway,
    PathwayDefinition,
    Placement,
    RecordedReadiness,
    Review,
    Stage,
)
from pathway_model.model._seam import ATTRIBUTABLE_TO, DELAY_REASON_LISTS, type_name
from pathway_model.rules._stay import check_date, readiness_of, resolve_definition, stay_evidence

__all__ = ["RecordedDelay", "StayReconciliation", "readiness_reconciliation"]

Basis = Literal["outcome ratings", "no outcome ratings", "no exit criteria"]
#: Half-open runs of days, ``(first day, first day after)``, in order, not overlapping.
Days = list[tuple[dt.date, dt.date]]
#: The key of one delay: (reason list, delay reason, attributable to).
DelayKey = tuple[str, str | None, str | None]

_PENNY = Decimal("0.01")


@attrs.frozen(kw_only=True)
class RecordedDelay:
    """Recorded ready days of one group or stay with one delay reason and one attribution.

    Codes are the national lists' ("Domain facts and sources"); the labels are the
    catalogue's short labels. Both codes may be ``None`` when the team recorded none.

    Attributes:
        provider: The provider, or ``None`` for every provider together.
        stage: The stage code, or ``None`` for every stage together.
        reason_list: The list the reason is from: ``"ClinReadyforDischDelayReason"``
            (MHSDS v6) or ``"DelayDischReason"`` (v5).
        delay_reason: The reason's code, or ``None`` if none was recorded.
        reason_label: The reason's label, or ``None`` with no reason.
        reason_group: The reason's group in its list, or ``None``.
        attributable_to: Who the delay is attributable to (``"04"`` NHS, ``"05"``
            social care, ``"06"`` both, ``"07"`` housing), or ``None`` if not recorded.
        attributable_label: Its label, or ``None``.
        ready_days: Recorded ready days in the window with this reason and attribution.
        cost_of_delay: Those days at each stage's bed-day cost, in pounds to the penny
            (stages without a cost add nothing).
    """

    provider: str | None
    stage: str | None
    reason_list: str
    delay_reason: str | None
    reason_label: str | None
    reason_group: str | None
    attributable_to: str | None
    attributable_label: str | None
    ready_days: int
    cost_of_delay: Decimal


def delays(
    provider: str | None,
    stage: str | None,
    days: dict[DelayKey, int],
    costs: dict[DelayKey, Decimal],
) -> tuple[RecordedDelay, ...]:
    """Freeze a tally of recorded days by (list, reason, attribution), in code order."""
    rows = []
    for key in sorted(days, key=lambda k: (k[0], k[1] or "~", k[2] or "~")):
        reason_list, reason, attributable = key
        listed = DELAY_REASON_LISTS[reason_list].get(reason) if reason is not None else None
        who = ATTRIBUTABLE_TO.get(attributable) if attributable is not None else None
        rows.append(
            RecordedDelay(
                provider=provider,
                stage=stage,
                reason_list=reason_list,
                delay_reason=reason,
                reason_label=None if listed is None else listed.label,
                reason_group=None if listed is None else listed.group,
                attributable_to=attributable,
                attributable_label=None if who is None else who.label,
                ready_days=days[key],
                cost_of_delay=costs.get(key, Decimal(0)).quantize(_PENNY),
            )
        )
    return tuple(rows)


@attrs.frozen(kw_only=True)
class StayReconciliation:
    """One stay's recorded readiness beside the outcome rule's, over one window.

    Every day of the window counts at most once in each source. The days either source
    found the person ready add up: ``both_days + rule_only_days + recorded_only_days +
    recorded_unrated_days`` is every day ready by either. The rule's figures are ``None``
    when it had nothing to judge (``basis`` says why): a stay without outcome ratings,
    such as one read from MHSDS with CPA reviews only, is *not judged*, never *not ready*.

    Attributes:
        person_id: The person's pseudonymous id.
        placement_id: The stay's id.
        provider: The stay's provider.
        stage: The stay's stage code.
        stay_days: Days of the stay in the window.
        basis: What the rule had to judge: ``"outcome ratings"``; ``"no outcome
            ratings"`` (no review of the stay up to ``as_of`` rates a domain); or ``"no
            exit criteria"`` (the stage has none, so the rule never finds anyone ready).
        rated_from: The first day the rule could judge: the first review of the stay
            with a rating; ``None`` without one.
        first_recorded: The start of the stay's first recorded readiness period on or
            before ``as_of``; ``None`` if there is none.
        recorded_ready_days: Days in the window the team recorded the person ready.
        recorded_cost_of_delay: Those days at the stage's bed-day cost; ``None`` when
            the stage has no cost.
        rule_ready_days: Days in the window the outcome rule found the person ready;
            ``None`` when ``basis`` is not ``"outcome ratings"``.
        both_days: Days ready by both; ``None`` as above.
        rule_only_days: Days the rule found the person ready and readiness was not
            recorded; ``None`` as above.
        rule_before_recorded_days: Of those, the days before ``first_recorded`` (all of
            them when nothing was recorded); ``None`` as above.
        recorded_only_days: Days recorded ready, on or after ``rated_from``, that the
            rule did not find ready; ``None`` as above.
        recorded_unrated_days: Days recorded ready on which the rule had no outcome
            ratings to judge: before ``rated_from``, or every recorded day when
            ``basis`` is not ``"outcome ratings"``.
        reasons: The recorded days by delay reason and attribution.
    """

    person_id: str
    placement_id: str
    provider: str
    stage: str
    stay_days: int
    basis: Basis
    rated_from: dt.date | None
    first_recorded: dt.date | None
    recorded_ready_days: int
    recorded_cost_of_delay: Decimal | None
    rule_ready_days: int | None
    both_days: int | None
    rule_only_days: int | None
    rule_before_recorded_days: int | None
    recorded_only_days: int | None
    recorded_unrated_days: int
    reasons: tuple[RecordedDelay, ...]


# --- day arithmetic ----------------------------------------------------------------------------


def _total(days: Days) -> int:
    return sum((end - start).days for start, end in days)


def _common(first: Days, second: Days) -> int:
    """Days in both of two ordered, non-overlapping lists of runs."""
    total = i = j = 0
    while i < len(first) and j < len(second):
        start = max(first[i][0], second[j][0])
        end = min(first[i][1], second[j][1])
        if end > start:
            total += (end - start).days
        if first[i][1] <= second[j][1]:
            i += 1
        else:
            j += 1
    return total


def clip(runs: Iterable[tuple[dt.date, dt.date]], low: dt.date, high: dt.date) -> Days:
    """The runs cut to ``low <= day < high``, empty ones left out."""
    clipped = []
    for first, after in runs:
        start, end = max(first, low), min(after, high)
        if end > start:
            clipped.append((start, end))
    return clipped


def periods_of(
    periods: Sequence[RecordedReadiness], starts: Sequence[dt.date], placement: Placement
) -> Sequence[RecordedReadiness]:
    """The periods that start inside ``placement`` (``starts`` are the periods' starts)."""
    low = bisect.bisect_left(starts, placement.start)
    high = len(starts) if placement.end is None else bisect.bisect_left(starts, placement.end, low)
    return periods[low:high]


# --- one stay ---------------------------------------------------------------------------------


@attrs.define
class StayFigures:
    """What one stay adds to a tally, before any rounding (internal)."""

    basis: Basis
    rated_from: dt.date | None
    first_recorded: dt.date | None
    recorded: int
    rule: int
    both: int
    rule_before: int
    unrated: int
    ready_now: bool
    days: dict[DelayKey, int]

    @property
    def rule_only(self) -> int:
        return self.rule - self.both

    @property
    def recorded_only(self) -> int:
        return self.recorded - self.unrated - self.both


def stay_figures(
    *,
    stage: Stage,
    reviews: Sequence[Review],
    periods: Sequence[RecordedReadiness],
    rule: Days,
    first_rule_day: dt.date | None,
    low: dt.date,
    high: dt.date,
    as_of: dt.date,
    open_at_as_of: bool,
) -> StayFigures:
    """Reconcile one stay over ``low <= day < high``.

    ``rule`` is the rule's ready runs already cut to the window; ``first_rule_day`` the
    first day of its first run, uncut; ``periods`` the stay's recorded periods.
    """
    rated_from = next((review.date for review in reviews if review.ratings), None)
    if first_rule_day is not None and (rated_from is None or first_rule_day < rated_from):
        rated_from = first_rule_day  # criteria that need no rating: the rule still judged
    basis: Basis
    if stage.exit_criteria is None:
        basis = "no exit criteria"
    elif rated_from is None:
        basis = "no outcome ratings"
    else:
        basis = "outcome ratings"
    known = [period for period in periods if period.start <= as_of]
    recorded: Days = []
    days: dict[DelayKey, int] = {}
    for period in known:
        end = as_of if period.end is None else min(period.end, as_of)
        cut = clip([(period.start, end)], low, high)
        if cut:
            recorded += cut
            key = (period.reason_list, period.delay_reason, period.attributable_to)
            days[key] = days.get(key, 0) + _total(cut)
    recorded_days = _total(recorded)
    rule_days = _total(rule)
    both = _common(recorded, rule)
    if basis == "outcome ratings" and rated_from is not None:
        unrated = recorded_days - _common(recorded, [(max(rated_from, low), max(high, low))])
    else:
        unrated = recorded_days
    first_recorded = known[0].start if known else None
    rule_before = rule_days if first_recorded is None else _common(rule, [(low, first_recorded)])
    ready_now = open_at_as_of and any(
        period.end is None or period.end > as_of for period in known[-1:]
    )
    return StayFigures(
        basis=basis,
        rated_from=rated_from,
        first_recorded=first_recorded,
        recorded=recorded_days,
        rule=rule_days,
        both=both,
        rule_before=rule_before,
        unrated=unrated,
        ready_now=ready_now,
        days=days,
    )


def readiness_reconciliation(
    pathway: Pathway,
    as_of: dt.date,
    *,
    since: dt.date | None = None,
    definition: PathwayDefinition | None = None,
) -> tuple[StayReconciliation, ...]:
    """Set a record's recorded readiness beside the outcome rule's, one row per stay.

    Every stay that began on or before ``as_of`` has a row, in order, even one with
    nothing to show (all zeros) or one that ended before ``since``. Nothing dated after
    ``as_of`` is read: a period or stay that ends later is open at ``as_of``. The rule's
    readiness is worked out as the cohort report works it out ("How readiness is
    decided"); recorded readiness never changes it. The page "Recorded readiness and the
    outcome rule" explains each figure and its limits.

    Args:
        pathway: The person's record.
        as_of: The date the figures are for; days count before it.
        since: The first day of the window; the record's first day when ``None``.
        definition: The definition the record follows; the built-in one it names when
            ``None``.

    Raises:
        ValidationError: ``since`` is after ``as_of``, or ``definition`` is not the one
            the record names.
        WrongTypeError: An argument has the wrong type.
        UnknownCodeError: The record uses a code its definition lacks, or names a
            definition that is not built in.

    Examples:
        >>> import datetime as dt
        >>> import pathway_model as pm
        >>> from pathway_model.catalogue import SECURE_PATHWAY
        >>> record = pm.Pathway.start(
        ...     SECURE_PATHWAY, person_id="P-1", stage="medium_secure",
        ...     provider="Northfield MSU", on=dt.date(2024, 1, 8),
        ... ).with_recorded_readiness(
        ...     pm.RecordedReadiness(id="w1", start=dt.date(2024, 3, 1), delay_reason="04"))
        >>> row, = readiness_reconciliation(record, dt.date(2024, 4, 1))
        >>> row.basis, row.recorded_ready_days, row.rule_ready_days, row.recorded_unrated_days
        ('no outcome ratings', 31, None, 31)
    """
    if not isinstance(pathway, Pathway):
        raise WrongTypeError.single("pathway", "a Pathway", type_name(pathway))
    as_of = check_date(as_of)
    since = pathway.first_day if since is None else check_date(since, "since")
    if since > as_of:
        raise ValidationError.single(
            "since", f"a date on or before as_of ({as_of.isoformat()})", since.isoformat()
        )
    used = resolve_definition(pathway, definition)
    periods = pathway.recorded_readiness
    starts = [period.start for period in periods]
    rows = []
    for placement in pathway.placements:
        if placement.start > as_of:
            break
        stage = used.stage(placement.stage)
        end = placement.end if placement.end is not None and placement.end <= as_of else None
        low = max(since, placement.start)
        high = max(low, as_of if end is None else min(end, as_of))
        evidence = stay_evidence(pathway, used, placement)
        reviews = [review for review in evidence.reviews if review.date <= as_of]
        runs: tuple[tuple[dt.date, dt.date], ...] = ()
        if stage.exit_criteria is not None and reviews:
            result = readiness_of(evidence, pathway.person_id, as_of)
            runs = tuple((run.start, run.end) for run in result.runs)
        figures = stay_figures(
            stage=stage,
            reviews=reviews,
            periods=periods_of(periods, starts, placement),
            rule=clip(runs, low, high),
            first_rule_day=runs[0][0] if runs else None,
            low=low,
            high=high,
            as_of=as_of,
            open_at_as_of=end is None,
        )
        judged = figures.basis == "outcome ratings"
        cost = stage.bed_day_cost
        costs = {} if cost is None else {key: cost * n for key, n in figures.days.items()}
        rows.append(
            StayReconciliation(
                person_id=pathway.person_id,
                placement_id=placement.id,
                provider=placement.provider,
                stage=placement.stage,
                stay_days=(high - low).days,
                basis=figures.basis,
                rated_from=figures.rated_from,
                first_recorded=figures.first_recorded,
                recorded_ready_days=figures.recorded,
                recorded_cost_of_delay=None
                if cost is None
                else (cost * figures.recorded).quantize(_PENNY),
                rule_ready_days=figures.rule if judged else None,
                both_days=figures.both if judged else None,
                rule_only_days=figures.rule_only if judged else None,
                rule_before_recorded_days=figures.rule_before if judged else None,
                recorded_only_days=figures.recorded_only if judged else None,
                recorded_unrated_days=figures.unrated,
                reasons=delays(placement.provider, placement.stage, figures.days, costs),
            )
        )
    return tuple(rows)
