"""The rules' arguments, edge dates and schedule arithmetic."""

from __future__ import annotations

import datetime as dt
import re

import attrs
import pytest

import pathway_model as pm
from pathway_model.catalogue import SECURE_PATHWAY
from tests.scenarios import MEDIUM_ALL_PARTLY, SIMPLE, record, review

D = dt.date


def medium() -> pm.Pathway:
    return record(
        SECURE_PATHWAY,
        [("medium_secure", D(2024, 1, 8), D(2024, 6, 1)), ("low_secure", D(2024, 7, 1), None)],
        reviews=(review("r1", D(2024, 2, 1), MEDIUM_ALL_PARTLY),),
    )


class TestArguments:
    @pytest.mark.parametrize(
        "rule", [pm.assess, pm.readiness, pm.readiness_history, pm.ready_on, pm.review_schedule]
    )
    def test_refuses_a_datetime(self, rule: object) -> None:
        """A datetime is refused: its calendar date depends on its zone."""
        moment = dt.datetime(2024, 3, 1, 12, tzinfo=dt.timezone.utc)
        with pytest.raises(pm.WrongTypeError, match="uk_date"):
            rule(medium(), moment)  # type: ignore[operator]

    @pytest.mark.parametrize(
        "rule", [pm.assess, pm.readiness, pm.readiness_history, pm.ready_on, pm.review_schedule]
    )
    def test_refuses_a_date_before_the_record(self, rule: object) -> None:
        """A date before the first stay is a ValidationError naming the first day."""
        with pytest.raises(pm.ValidationError, match="2024-01-08"):
            rule(medium(), D(2023, 12, 31))  # type: ignore[operator]

    def test_refuses_a_definition_the_record_does_not_name(self) -> None:
        """Deciding a record on another definition is refused."""
        with pytest.raises(pm.ValidationError, match=re.escape("secure-pathway@1.0.0")):
            pm.assess(medium(), D(2024, 3, 1), definition=SIMPLE)

    def test_refuses_a_record_of_the_wrong_type(self) -> None:
        """Anything but a Pathway is a WrongTypeError."""
        with pytest.raises(pm.WrongTypeError, match="a Pathway"):
            pm.assess("not a record", D(2024, 3, 1))  # type: ignore[arg-type]

    def test_unknown_builtin_definition(self) -> None:
        """Without a definition, a record on one not built in raises UnknownCodeError."""
        pathway = record(SIMPLE, [("ward", D(2024, 1, 1), None)])
        with pytest.raises(pm.UnknownCodeError, match=re.escape("simple@1.0.0")):
            pm.assess(pathway, D(2024, 3, 1))

    def test_assess_refuses_a_day_in_a_gap(self) -> None:
        """assess needs a stay that covers the date; a gap between stays has none."""
        with pytest.raises(pm.ValidationError, match="inside one of the record's stays"):
            pm.assess(medium(), D(2024, 6, 15))

    def test_readiness_in_a_gap_reports_the_stay_that_ended(self) -> None:
        """In a gap, readiness gives the last stay's figures up to its end."""
        result = pm.readiness(medium(), D(2024, 6, 15))
        # Ready from 1 May (1 Feb + 3 months) to the end on 1 June: 31 days.
        assert ("stay-1", False, 31, 31, D(2024, 5, 1)) == (
            result.placement_id,
            result.placement_open,
            result.ready_days,
            result.days_beyond_readiness,
            result.readiness_date,
        )

    def test_ready_on_a_day_in_a_gap_is_false(self) -> None:
        """No stay covers a day in a gap, so nobody is ready to leave it."""
        assert pm.ready_on(medium(), D(2024, 6, 15)) is False


class TestSchedule:
    def test_first_review_falls_back_to_the_interval(self) -> None:
        """With no first-review deadline, the first review is due one interval after the start."""
        pathway = record(
            SIMPLE, [("ward", D(2023, 6, 1), D(2024, 1, 15)), ("step", D(2024, 1, 15), None)]
        )
        schedule = pm.review_schedule(pathway, D(2024, 2, 1), definition=SIMPLE)
        assert D(2025, 1, 15) == schedule.due

    def test_a_stay_that_has_ended_has_no_due_date(self) -> None:
        """After a stay ends nothing more is due in it."""
        schedule = pm.review_schedule(medium(), D(2024, 6, 15))
        assert (None, False, "r1") == (schedule.due, schedule.overdue, schedule.last_review_id)

    def test_due_today_is_not_overdue(self) -> None:
        """Overdue means after the due date, not on it."""
        pathway = record(SECURE_PATHWAY, [("medium_secure", D(2024, 1, 8), None)])
        schedule = pm.review_schedule(pathway, D(2024, 4, 1))
        assert (D(2024, 4, 1), False, 0) == (schedule.due, schedule.overdue, schedule.days_overdue)

    def test_the_agreed_date_is_reported_but_does_not_move_the_due_date(self) -> None:
        """The date agreed at a review is shown beside the rule's due date."""
        agreed = pm.Review(id="r1", date=D(2024, 2, 1), next_review_date=D(2024, 3, 15))
        pathway = record(
            SECURE_PATHWAY, [("medium_secure", D(2024, 1, 8), None)], reviews=(agreed,)
        )
        schedule = pm.review_schedule(pathway, D(2024, 3, 20))
        assert (D(2024, 5, 1), D(2024, 3, 15), False) == (
            schedule.due,
            schedule.agreed_next_review_date,
            schedule.overdue,
        )

    @pytest.mark.parametrize(
        ("last", "interval", "due"),
        [
            (D(2023, 1, 31), pm.Period(months=1), D(2023, 2, 28)),
            (D(2024, 1, 31), pm.Period(months=1), D(2024, 2, 29)),
            (D(2024, 2, 29), pm.Period(years=1), D(2025, 2, 28)),
            (D(2024, 11, 30), pm.Period(months=3), D(2025, 2, 28)),
            (D(2024, 8, 31), pm.Period(months=6), D(2025, 2, 28)),
            (D(2024, 12, 31), pm.Period(weeks=12), D(2025, 3, 25)),
        ],
    )
    def test_calendar_arithmetic(self, last: dt.date, interval: pm.Period, due: dt.date) -> None:
        """Months clip to the month's end; weeks and days count exactly."""
        ward = SIMPLE.stage("ward")
        definition = attrs.evolve(
            SIMPLE, stages=[attrs.evolve(ward, review_interval=interval), *SIMPLE.stages[1:]]
        )
        pathway = record(
            definition, [("ward", D(2023, 1, 1), None)], reviews=(review("r", last, {"a": "no"}),)
        )
        assert due == pm.review_schedule(pathway, last, definition=definition).due
