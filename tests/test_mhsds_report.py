"""The national measures of an MHSDS extract, by provider and for England."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

import pathway_model as pm
from pathway_model.catalogue import HONOS_SECURE
from pathway_model.mhsds import (
    BED_DAYS,
    ENGLAND,
    READY_DAYS,
    NationalMeasures,
    national_measures,
    read_extract,
)
from tests.test_mhsds_tables import _restrictive_tables, _row, worked_example

pd = pytest.importorskip("pandas")

#: The worked example's window: its spell, May 2024 to March 2025.
MAY_2024, MARCH_2025 = dt.date(2024, 5, 1), dt.date(2025, 3, 31)


def measures(tables: dict[str, Any] | None = None, **window: dt.date) -> NationalMeasures:
    window = {"period_start": MAY_2024, "period_end": MARCH_2025, **window}
    return national_measures(read_extract(tables or worked_example()), **window)


#: The worked example's HoNOS-secure: scales 1-12, then security scales A-G, as text.
SCORES = ("2", "0", "1", "0", "9", "03", "1", "0", "2", "2", "1", "2", *"3123213")


def with_honos(tables: dict[str, Any] | None = None) -> dict[str, Any]:
    """The worked example with its one HoNOS-secure activity (MHS607) and care contact."""
    tables = tables or worked_example()
    tables["MHS201CareContact"] = pd.DataFrame(
        [_row(1498, UniqServReqID="R1", UniqCareContID="C1", CareContDate="2025-01-15")]
    )
    tables["MHS607CodedScoreAssessmentAct"] = pd.DataFrame(
        [
            _row(
                1498,
                UniqServReqID="R1",
                UniqCareContID="C1",
                UniqCareActID="A1",
                CodedAssToolType=scale.snomed_ct,
                PersScore=score,
            )
            for scale, score in zip(HONOS_SECURE.scales, SCORES, strict=True)
        ]
    )
    return tables


def _two_providers(tables: dict[str, Any] | None = None) -> dict[str, Any]:
    """The worked example sent by its provider and, unchanged, by a second one."""
    tables = tables or worked_example()
    return {
        name: pd.concat([frame, frame.assign(OrgIDProv="ZZ2")], ignore_index=True)
        for name, frame in tables.items()
    }


class TestWorkedExample:
    """The figures of the MHSDS reference's worked example, from the extract itself."""

    def test_bed_days_in_november_2024_are_the_whole_month(self) -> None:
        """WS1 gives 3 (11-01 to 11-04) and WS2 27 (11-04 to 12-01): 30 in month 1496."""
        months = {m.month_id: m.days for m in measures().england.bed_days.months}
        assert 30 == months[1496]

    def test_bed_days_over_the_spell_are_its_length_of_stay(self) -> None:
        """Over a window covering the spell, its bed days are its length of stay, 314."""
        england = measures().england
        assert (314, 1, 314) == (
            england.bed_days.days,
            england.length_of_stay.discharged,
            england.length_of_stay.discharged_median,
        )

    def test_ready_days_are_44_by_mhs26(self) -> None:
        """February 24 + 1, March 19: 44 in all; reason 24 gives 24 days and reason 32 20."""
        ready = measures().england.ready_days
        assert (44, (("24", 24), ("32", 20)), {1499: 25, 1500: 19}) == (
            ready.days,
            ready.by_reason,
            {m.month_id: m.days for m in ready.months if m.days},
        )

    def test_an_open_spell_is_censored_at_the_period_end(self) -> None:
        """With the window ending 2024-11-30 the spell is open: 204 days, censored."""
        lengths = measures(period_end=dt.date(2024, 11, 30)).england.length_of_stay
        assert (0, 1, 204) == (lengths.discharged, lengths.open_at_end, lengths.open_median)


class TestHonos:
    def test_the_worked_examples_activity_is_dated_by_its_care_contact(self) -> None:
        """11 valid scales ('9' is not known), clinical 14, security 15; its spell is S1."""
        (assessment,) = measures(with_honos()).england.honos.assessments
        assert (dt.date(2025, 1, 15), "S1", 11, 14, 15) == (
            assessment.date,
            assessment.spell_id,
            assessment.rated,
            assessment.score.total,  # type: ignore[union-attr]
            assessment.security_total,
        )

    def test_it_counts_under_amh04(self) -> None:
        """At least 9 valid working-age scales: one assessment and one person counted."""
        complete = measures(with_honos()).england.honos_completeness
        assert (1, 1, 1, 1) == (
            complete.assessments,
            complete.assessments_counted,
            complete.people,
            complete.people_counted,
        )

    def test_an_activity_with_no_care_contact_is_refused(self) -> None:
        """With no MHS201 row there is no date: each row is refused at UniqCareContID."""
        tables = with_honos()
        del tables["MHS201CareContact"]
        extract = read_extract(tables)
        table = extract.accounting.tables["MHS607CodedScoreAssessmentAct"]
        assert ((), 19, {"no matching care contact": 19}) == (
            extract.coded_scores,
            table.read,
            table.refused,
        )


class TestProvidersAndEngland:
    def test_england_sums_every_provider(self) -> None:
        """Two providers sending the same rows: England has twice each one's figures."""
        result = measures(_two_providers())
        one, two = result.providers
        assert (["ZZ1", "ZZ2"], 628, 88, 2) == (
            [one.provider, two.provider],
            result.england.bed_days.days,
            result.england.ready_days.days,
            result.england.length_of_stay.discharged,
        )
        assert one.bed_days.days == two.bed_days.days == 314

    def test_interventions_with_the_same_ids_at_two_providers_count_twice(self) -> None:
        """Ids are unique only within a provider: England counts each provider's own."""
        result = measures(_two_providers(_restrictive_tables()))
        counts = [m.restrictive_interventions.count for m in (*result.providers, result.england)]
        assert counts[0] > 0
        assert [counts[0], counts[0], 2 * counts[0]] == counts

    def test_rows_are_tidy_and_name_their_convention(self) -> None:
        """Each provider's rows, then England's; each names the convention it follows."""
        rows = measures().rows()
        totals = {
            (row.provider, row.measure): (row.value, row.convention)
            for row in rows
            if row.month_id is None and row.breakdown is None
        }
        assert (314, BED_DAYS.code) == totals[(ENGLAND, "bed_days")]
        assert (44, READY_DAYS.code) == totals[("ZZ1", "ready_days")]
        assert ["ZZ1", ENGLAND] == list(dict.fromkeys(row.provider for row in rows))

    def test_the_same_extract_in_another_row_order_gives_the_same_rows(self) -> None:
        """Rows shuffled within each table: the same figures, in the same order."""
        tables = {name: frame.iloc[::-1] for name, frame in worked_example().items()}
        assert measures().rows() == measures(tables).rows()


class TestArguments:
    def test_a_window_that_ends_before_it_starts_is_refused(self) -> None:
        """period_start after period_end is refused at period_start."""
        with pytest.raises(pm.ValidationError) as caught:
            measures(period_start=dt.date(2025, 4, 1))
        assert ["period_start"] == [p.path for p in caught.value.problems]

    @pytest.mark.parametrize("value", ["2025-03-31", dt.datetime(2025, 3, 31), None])
    def test_a_period_end_that_is_not_a_date_is_refused(self, value: object) -> None:
        """A text, a datetime or nothing where a date belongs: our own error."""
        with pytest.raises(pm.WrongTypeError):
            national_measures(read_extract(worked_example()), period_end=value)  # type: ignore[arg-type]

    def test_an_extract_is_required(self) -> None:
        """A mapping of frames is read first: the measures take the extract read."""
        with pytest.raises(pm.WrongTypeError):
            national_measures(worked_example(), period_end=MARCH_2025)  # type: ignore[arg-type]
