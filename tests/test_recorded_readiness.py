"""Recorded readiness: the team's own record that a person was clinically ready to move on.

A period is checked like every other event on a record (unique ids, inside one stay, no
overlaps, codes from the named national list), carried in JSON version 2 with problems at
their input positions, and never changes what the rules decide.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import pathway_model as pm
from pathway_model import catalogue
from pathway_model.catalogue import SECURE_PATHWAY
from tests import strategies as s

D = dt.date
SECRET = "Zanzibar-secret-wording"


def record(*periods: pm.RecordedReadiness, end: dt.date | None = None) -> pm.Pathway:
    """A medium secure stay from 10 May 2024 and a low secure one from 4 November 2024."""
    pathway = pm.Pathway.start(
        SECURE_PATHWAY,
        person_id="SYN0001",
        stage="medium_secure",
        provider="ZZ1",
        on=D(2024, 5, 10),
    ).moved_to(
        SECURE_PATHWAY,
        stage="low_secure",
        on=D(2024, 11, 4),
        provider="ZZ1",
        placement_id="placement-2",
    )
    if end is not None:
        last = attrs.evolve(pathway.placements[-1], end=end)
        pathway = attrs.evolve(pathway, placements=(pathway.placements[0], last))
    return pathway.with_recorded_readiness(*periods)


def period(
    id: str, start: dt.date, end: dt.date | None = None, **fields: Any
) -> pm.RecordedReadiness:
    return pm.RecordedReadiness(id=id, start=start, end=end, **fields)


def problems(build: Any) -> list[tuple[str, str]]:
    with pytest.raises(pm.ValidationError) as caught:
        build()
    return [(problem.path, problem.found) for problem in caught.value.problems]


class TestRecordedReadiness:
    def test_the_worked_example_is_a_valid_record(self) -> None:
        """MHSDS's consecutive periods (one ends the day the next starts) are a valid record."""
        pathway = record(
            period("7102", D(2025, 2, 28), D(2025, 3, 20), delay_reason="32"),
            period("7001", D(2025, 2, 3), D(2025, 2, 28), delay_reason="24"),
            end=D(2025, 3, 20),
        )

        assert ["7001", "7102"] == [p.id for p in pathway.recorded_readiness]

    def test_the_defaults_are_an_open_period_on_the_v6_list(self) -> None:
        """Only an id and a start are needed: open, no reason, the v6 list named."""
        ready = pm.RecordedReadiness(id="r1", start=D(2025, 1, 6))

        expected = (None, None, "ClinReadyforDischDelayReason", None, True)
        assert expected == (
            ready.end,
            ready.delay_reason,
            ready.reason_list,
            ready.attributable_to,
            ready.is_open,
        )

    def test_a_single_day_period_is_allowed(self) -> None:
        """A period may end the day it starts (MHSDS holds such rows; MHS26 drops them)."""
        assert D(2025, 1, 6) == period("r1", D(2025, 1, 6), D(2025, 1, 6)).end

    def test_an_end_before_the_start_is_refused(self) -> None:
        """The end is on or after the start."""
        found = problems(lambda: period("r1", D(2025, 1, 6), D(2025, 1, 5)))

        assert [("RecordedReadiness.end", "2025-01-05")] == found

    @pytest.mark.parametrize(
        ("reason", "reason_list"),
        [("A2", "ClinReadyforDischDelayReason"), ("24", "DelayDischReason"), ("99", None)],
    )
    def test_a_reason_is_from_the_list_named(self, reason: str, reason_list: str | None) -> None:
        """A reason code must be on the list the period names: the v5 and v6 codes differ."""
        options = {} if reason_list is None else {"reason_list": reason_list}
        found = problems(lambda: period("r1", D(2025, 1, 6), delay_reason=reason, **options))

        assert [("RecordedReadiness.delay_reason", repr(reason))] == found

    def test_the_code_shared_by_both_lists_means_what_its_list_says(self) -> None:
        """``98`` is on both lists, with a meaning of each: the list is always named."""
        v6 = catalogue.DELAY_REASONS_V6.get("98")
        v5 = catalogue.DELAY_REASONS_V5.get("98")

        assert v6 is not None
        assert v5 is not None
        assert (1489, None) == (v6.first_month, v6.last_month)
        assert (1459, 1488) == (v5.first_month, v5.last_month)

    @pytest.mark.parametrize(
        ("field", "value"), [("reason_list", "MHSDS"), ("attributable_to", "01")]
    )
    def test_a_list_and_an_attribution_are_closed_codes(self, field: str, value: str) -> None:
        """The list is one of the two delay reason lists; who is attributable is AttribToIndic."""
        found = problems(lambda: period("r1", D(2025, 1, 6), **{field: value}))

        assert [(f"RecordedReadiness.{field}", repr(value))] == found

    def test_housing_is_attributable_only_to_march_2024(self) -> None:
        """``07`` housing is valid to month 1488 (the v5 era): the window is data, by code."""
        housing = catalogue.ATTRIBUTABLE_TO.get("07")

        assert housing is not None
        assert (True, False) == (housing.valid_in(1488), housing.valid_in(1489))
        assert ["04", "05", "06"] == [c.code for c in catalogue.ATTRIBUTABLE_TO.valid_in(1489)]


class TestRecordChecks:
    def test_ids_are_unique(self) -> None:
        """Two periods may not share an id."""
        found = problems(
            lambda: record(
                period("r1", D(2024, 6, 1), D(2024, 6, 2)),
                period("r1", D(2024, 7, 1), D(2024, 7, 2)),
            )
        )

        assert [("$.recorded_readiness[1]", "'r1' again")] == found

    def test_a_period_starts_inside_a_stay(self) -> None:
        """A period starting before the first stay is refused at its start."""
        found = problems(lambda: record(period("r1", D(2024, 5, 1), D(2024, 5, 20))))

        assert [("$.recorded_readiness[0].start", "2024-05-01")] == found

    def test_a_period_ends_with_its_stay(self) -> None:
        """A period may not run past the end of the stay it started in."""
        found = problems(lambda: record(period("r1", D(2024, 10, 1), D(2024, 11, 20))))

        assert [("$.recorded_readiness[0].end", "2024-11-20")] == found

    def test_a_period_may_end_on_the_day_its_stay_ends(self) -> None:
        """A period ending on the day of discharge or transfer is inside the stay."""
        pathway = record(period("r1", D(2024, 10, 1), D(2024, 11, 4)))

        assert 1 == len(pathway.recorded_readiness)

    def test_an_open_period_needs_an_open_stay(self) -> None:
        """A period still open after its stay ended is refused at its end."""
        found = problems(lambda: record(period("r1", D(2025, 1, 6)), end=D(2025, 3, 20)))

        assert [("$.recorded_readiness[0].end", "no end (still waiting)")] == found

    @pytest.mark.parametrize(
        ("first", "second"),
        [
            ((D(2025, 1, 6), D(2025, 2, 1)), (D(2025, 1, 20), D(2025, 3, 1))),
            ((D(2025, 1, 6), None), (D(2025, 2, 1), None)),
            ((D(2025, 1, 6), D(2025, 3, 1)), (D(2025, 1, 20), D(2025, 1, 20))),
            ((D(2025, 1, 6), D(2025, 2, 1)), (D(2025, 1, 6), D(2025, 1, 10))),
        ],
        ids=["crossing", "both open", "a day inside another", "same start"],
    )
    def test_periods_never_overlap(
        self, first: tuple[dt.date, dt.date | None], second: tuple[dt.date, dt.date | None]
    ) -> None:
        """Each period starting before another ends is refused, whatever order they come in."""
        a, b = period("a", *first), period("b", *second)

        assert 1 == len(problems(lambda: record(a, b)))
        assert 1 == len(problems(lambda: record(b, a)))

    def test_touching_periods_do_not_overlap(self) -> None:
        """A period may start the day the one before it ends."""
        pathway = record(
            period("a", D(2025, 1, 6), D(2025, 2, 1)),
            period("b", D(2025, 2, 1), D(2025, 2, 1)),
            period("c", D(2025, 2, 1)),
        )

        assert 3 == len(pathway.recorded_readiness)

    def test_an_overlap_names_the_period_it_overlaps(self) -> None:
        """The problem says which period is overlapped and when that one ends."""
        with pytest.raises(pm.ValidationError) as caught:
            record(period("a", D(2025, 1, 6), D(2025, 2, 1)), period("b", D(2025, 1, 20)))

        [problem] = caught.value.problems
        assert "$.recorded_readiness[1].start" == problem.path
        assert "'a', which ends 2025-02-01" in problem.expected

    @given(s.definitions_and_pathways(max_recorded_readiness=6))
    def test_generated_periods_are_valid(
        self, case: tuple[pm.PathwayDefinition, pm.Pathway]
    ) -> None:
        """Every record the shared strategies build passes the record's checks."""
        definition, pathway = case
        assert () == pm.check_pathway(pathway, definition)


class TestJson:
    def document(self) -> dict[str, Any]:
        """A record with two periods in its open low secure stay, one of each list."""
        return pm.to_dict(
            record(
                period(
                    "r1",
                    D(2024, 11, 11),
                    D(2024, 12, 2),
                    delay_reason="M1",
                    reason_list="DelayDischReason",
                    attributable_to="07",
                ),
                period("r2", D(2025, 2, 3), delay_reason="24", attributable_to="04"),
            )
        )

    @pytest.mark.usefixtures("loading_mode")
    @given(s.definitions_and_pathways(max_recorded_readiness=6))
    def test_records_round_trip(self, case: tuple[pm.PathwayDefinition, pm.Pathway]) -> None:
        """loads(dumps(x)) == x with recorded readiness (invariant 7)."""
        definition, pathway = case
        assert pathway == pm.loads(pm.dumps(pathway), pm.Pathway, definition=definition)

    def test_every_field_is_written(self) -> None:
        """A period is written with all six fields, in the class's order."""
        written = self.document()["recorded_readiness"][1]

        expected = ["id", "start", "end", "delay_reason", "reason_list", "attributable_to"]
        assert expected == list(written)
        assert "ClinReadyforDischDelayReason" == written["reason_list"]

    @pytest.mark.usefixtures("loading_mode")
    def test_a_problem_is_placed_at_the_input_position(self) -> None:
        """A period given out of order is named by its place in the document, not in the record."""
        document = self.document()
        document["recorded_readiness"].reverse()
        document["recorded_readiness"][0]["end"] = "2025-01-01"  # r2 now ends before it starts

        found = problems(lambda: pm.from_dict(document, pm.Pathway))

        assert [("$.recorded_readiness[0].end", "2025-01-01")] == found

    @pytest.mark.usefixtures("loading_mode")
    def test_an_overlap_is_placed_at_the_input_position(self) -> None:
        """A record's check on periods names the period's place in the document."""
        document = self.document()
        document["recorded_readiness"].reverse()
        document["recorded_readiness"][1]["end"] = None  # r1 open: r2 overlaps it

        paths = [path for path, _ in problems(lambda: pm.from_dict(document, pm.Pathway))]

        assert ["$.recorded_readiness[0].start"] == paths

    @pytest.mark.usefixtures("loading_mode")
    def test_a_stay_check_waits_for_a_stay_that_cannot_be_read(self) -> None:
        """While a stay cannot be read, a period is not judged against the stays."""
        document = self.document()
        document["placements"][0]["start"] = "not a date"
        document["recorded_readiness"][0]["start"] = "2020-01-01"

        with pytest.raises(pm.ValidationError) as caught:
            pm.from_dict(document, pm.Pathway)

        assert ["$.placements[0].start"] == [p.path for p in caught.value.problems]
        assert caught.value.more_may_follow

    @pytest.mark.usefixtures("loading_mode")
    def test_a_version_1_record_has_no_recorded_readiness(self) -> None:
        """A v1 record loads through the migration with an empty collection."""
        document = self.document()
        del document["recorded_readiness"]
        document["schema_version"] = 1

        assert () == pm.from_dict(document, pm.Pathway).recorded_readiness

    @pytest.mark.usefixtures("loading_mode")
    def test_a_version_1_record_may_not_carry_recorded_readiness_in_another_shape(self) -> None:
        """The migration adds nothing a v1 document gives: a bad collection is still refused."""
        document = self.document()
        document["schema_version"] = 1
        document["recorded_readiness"] = "none"

        assert [("$.recorded_readiness", "a string")] == problems(
            lambda: pm.from_dict(document, pm.Pathway)
        )

    @pytest.mark.usefixtures("loading_mode")
    def test_no_message_shows_free_text(self) -> None:
        """A refused period's problems never show the record's notes."""
        document = self.document()
        document["incidents"] = [
            {
                "id": "i1",
                "date": "2024-06-10",
                "kind": "violence",
                "severity": "minor",
                "note": SECRET,
            }
        ]
        document["recorded_readiness"][0]["delay_reason"] = "not-a-reason"
        document["recorded_readiness"][1]["start"] = "2024-06-20"

        with pytest.raises(pm.ValidationError) as caught:
            pm.loads(json.dumps(document), pm.Pathway)

        assert SECRET not in str(caught.value)
        assert 2 == len(caught.value.problems)


class TestRulesIgnoreRecordedReadiness:
    @given(s.definitions_and_pathways(prefer_high=True, max_recorded_readiness=0), st.data())
    def test_recorded_readiness_never_changes_a_decision(
        self, case: tuple[pm.PathwayDefinition, pm.Pathway], data: st.DataObject
    ) -> None:
        """Adding recorded readiness changes neither assess nor readiness, on any day."""
        definition, pathway = case
        horizon = pathway.end or pathway.placements[-1].start + dt.timedelta(days=400)
        periods = data.draw(s.recorded_readiness(pathway.placements, horizon, max_periods=4))
        recorded = pathway.with_recorded_readiness(*periods)
        stay = data.draw(st.sampled_from(pathway.placements))
        last = (stay.end or horizon) - stay.start
        as_of = stay.start + dt.timedelta(days=data.draw(st.integers(0, last.days - 1)))

        assert pm.assess(pathway, as_of, definition=definition) == pm.assess(
            recorded, as_of, definition=definition
        )
        assert pm.readiness(pathway, as_of, definition=definition) == pm.readiness(
            recorded, as_of, definition=definition
        )
        assert pm.review_schedule(pathway, as_of, definition=definition) == pm.review_schedule(
            recorded, as_of, definition=definition
        )
