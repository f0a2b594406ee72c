"""When the next review is due, and whether it is overdue."""

from __future__ import annotations

import datetime as dt

import attrs

from pathway_model.model import Pathway, PathwayDefinition, Placement, Review, Stage
from pathway_model.rules._readiness import check_date, placement_for, resolve_definition

__all__ = ["ReviewSchedule", "review_schedule"]


@attrs.frozen(kw_only=True)
class ReviewSchedule:
    """When the next review of a stay is due.

    Attributes:
        placement_id: The stay's id.
        stage: The code of the stay's stage.
        as_of: The date the schedule is for.
        last_review_id: The id of the last review in the stay on or before ``as_of``
            (of several on that day, the last by id).
        last_review_date: Its date.
        due: The date the next review is due: the last review plus the stage's review
            interval, or the stay's start plus its first-review deadline when there has
            been no review. ``None`` for a stage without scheduled reviews, or a stay
            that has ended.
        overdue: Whether ``as_of`` is after ``due``.
        days_overdue: Days from ``due`` to ``as_of`` when overdue, else 0.
        agreed_next_review_date: The date agreed at the last review, if one was agreed;
            of several reviews on the last day, the earliest date any of them agreed.
            It is shown beside ``due`` but does not change it.
    """

    placement_id: str
    stage: str
    as_of: dt.date
    last_review_id: str | None
    last_review_date: dt.date | None
    due: dt.date | None
    overdue: bool
    days_overdue: int
    agreed_next_review_date: dt.date | None


def schedule_of(
    placement: Placement, stage: Stage, reviews: tuple[Review, ...], as_of: dt.date
) -> ReviewSchedule:
    """Work out the schedule of one stay from its reviews (all dated inside it)."""
    earlier = [review for review in reviews if review.date <= as_of]
    last = earlier[-1] if earlier else None
    due: dt.date | None = None
    if placement.covers(as_of):
        if last is not None and stage.review_interval is not None:
            due = stage.review_interval.add_to(last.date)
        elif last is None and stage.first_review_period is not None:
            due = stage.first_review_period.add_to(placement.start)
    overdue = due is not None and as_of > due
    return ReviewSchedule(
        placement_id=placement.id,
        stage=placement.stage,
        as_of=as_of,
        last_review_id=None if last is None else last.id,
        last_review_date=None if last is None else last.date,
        due=due,
        overdue=overdue,
        days_overdue=(as_of - due).days if overdue and due is not None else 0,
        agreed_next_review_date=_agreed(earlier),
    )


def _agreed(earlier: list[Review]) -> dt.date | None:
    """The earliest next review date agreed at the last review day's reviews, if any.

    The earliest, so that no review agreed for sooner is hidden behind a later one; it
    does not depend on the reviews' ids.
    """
    if not earlier:
        return None
    day = earlier[-1].date
    agreed = None
    for review in reversed(earlier):
        if review.date != day:
            break
        following = review.next_review_date
        if following is not None and (agreed is None or following < agreed):
            agreed = following
    return agreed


def review_schedule(
    pathway: Pathway, as_of: dt.date, *, definition: PathwayDefinition | None = None
) -> ReviewSchedule:
    """Work out when the next review of the stay at ``as_of`` is due.

    Dates use calendar arithmetic: a review on 31 January with a one-month interval
    makes the next one due on the last day of February.

    Args:
        pathway: The person's record.
        as_of: The date to work the schedule out for. Reviews after it are ignored.
        definition: The definition the record follows; the built-in one it names when
            ``None``.

    Raises:
        ValidationError: ``as_of`` is before the record begins.
        WrongTypeError: An argument has the wrong type.
        UnknownCodeError: The record uses a code the definition lacks (see ``readiness``).

    Examples:
        >>> import datetime as dt
        >>> import pathway_model as pm
        >>> from pathway_model.catalogue import SECURE_PATHWAY
        >>> pathway = pm.Pathway.start(
        ...     SECURE_PATHWAY, person_id="P-1", stage="medium_secure",
        ...     provider="Northfield MSU", on=dt.date(2024, 1, 8),
        ... ).with_reviews(pm.Review(id="r1", date=dt.date(2024, 11, 30)))
        >>> pm.review_schedule(pathway, dt.date(2025, 3, 3)).due
        datetime.date(2025, 2, 28)
    """
    definition = resolve_definition(pathway, definition)
    as_of = check_date(as_of)
    placement = placement_for(pathway, as_of)
    reviews = tuple(review for review in pathway.reviews if placement.covers(review.date))
    return schedule_of(placement, definition.stage(placement.stage), reviews, as_of)
