"""Reading MHSDS tables: normalised, de-duplicated in three named layers, every row accounted for.

The worked example is the one on the docs page "Reading MHSDS extracts" (provider ``ZZ1``,
person ``SYN0001``): a spell sent in month 1496 and again, discharged, in month 1500; two
ward stays, medium then low secure; three recorded readiness rows, two of them the same
period sent in two months.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import pathway_model as pm
from pathway_model.catalogue import SECURE_PATHWAY
from pathway_model.mhsds._accounting import Accounting, DuplicateLayer, RowProblem
from pathway_model.mhsds._pathways import (
    DEFAULT_STAGE_MAPPING,
    MhsdsPathways,
    StageMapping,
    build_pathways,
    read_pathways,
)
from pathway_model.mhsds._rows import (
    SubmissionRule,
    read_extract,
    readiness_rows,
    restrictive_rows,
)
from pathway_model.mhsds._tables import TABLES, Kind

pd = pytest.importorskip("pandas")

LONDON = zoneinfo.ZoneInfo("Europe/London")
SPELLS, STAYS, READY = "MHS501HospProvSpell", "MHS502WardStay", "MHS518ClinReadyforDischarge"
INCIDENTS, TYPES, REVIEWS = (
    "MHS505RestrictiveInterventInc",
    "MHS515RestrictiveInterventType",
    "MHS702CPAReview",
)


def _row(month: int, submission: int = 1, **values: Any) -> dict[str, Any]:
    return {
        "UniqMonthID": month,
        "OrgIDProv": "ZZ1",
        "Person_ID": "SYN0001",
        "UniqSubmissionID": submission,
        "RecordNumber": 1,
        **values,
    }


def _spell(month: int, discharged: str | None = None, **values: Any) -> dict[str, Any]:
    return _row(
        month,
        **{
            "UniqServReqID": "R1",
            "UniqHospProvSpellID": "S1",
            "StartDateHospProvSpell": "2024-05-10",
            "StartTimeHospProvSpell": "1970-01-01 11:00:00",
            "DischDateHospProvSpell": discharged,
            **values,
        },
    )


def _stay(month: int, ward_stay: str, start: str, end: str | None, **values: Any) -> dict[str, Any]:
    return _row(
        month,
        **{
            "UniqServReqID": "R1",
            "UniqHospProvSpellID": "S1",
            "UniqWardStayID": ward_stay,
            "StartDateWardStay": start,
            "EndDateWardStay": end,
            **values,
        },
    )


WS1 = {
    "WardSecLevel": "2",
    "MHAdmittedPatientClass": "207",
    "SpecialisedMHServiceCode": "NCBPS22S/MS_M_MI",
}
WS2 = {
    "WardSecLevel": "1",
    "MHAdmittedPatientClass": "206",
    "SpecialisedMHServiceCode": "NCBPS22S/LS_M_MI",
    "StartTimeWardStay": "1970-01-01 14:30:00",
}


def _ready(month: int, record: str, start: str, end: str | None, reason: str) -> dict[str, Any]:
    return _row(
        month,
        UniqHospProvSpellID="S1",
        MHS518UniqID=record,
        StartDateClinReadyforDisch=start,
        EndDateClinReadyforDisch=end,
        ClinReadyforDischDelayReason=reason,
        AttribToIndic="04",
    )


def worked_example() -> dict[str, Any]:
    """The worked example's tables, as frames of text (as a CSV extract gives them)."""
    return {
        SPELLS: pd.DataFrame([_spell(1496), _spell(1500, "2025-03-20")]),
        STAYS: pd.DataFrame(
            [
                _stay(1496, "WS1", "2024-05-10", None, **WS1),
                _stay(1497, "WS1", "2024-05-10", "2024-11-04", **WS1),
                _stay(1497, "WS2", "2024-11-04", None, **WS2),
                _stay(1500, "WS2", "2024-11-04", "2025-03-20", **WS2),
            ]
        ),
        READY: pd.DataFrame(
            [
                _ready(1499, "7001", "2025-02-03", "2025-02-28", "24"),
                _ready(1499, "7002", "2025-02-28", None, "32"),
                _ready(1500, "7102", "2025-02-28", "2025-03-20", "32"),
            ]
        ),
        REVIEWS: pd.DataFrame(
            [
                _row(1500, UniqCPAEpisodeID="C1", CPAReviewDate=day)
                for day in ("2024-08-05", "2024-11-01", "2025-02-03")
            ]
        ),
    }


def _stages(result: MhsdsPathways) -> list[tuple[str, dt.date, dt.date | None]]:
    (pathway,) = result.pathways
    return [(p.stage, p.start, p.end) for p in pathway.placements]


def _stage_on(result: MhsdsPathways, day: dt.date) -> str | None:
    (pathway,) = result.pathways
    placement = pathway.placement_on(day)
    return None if placement is None else placement.stage


#: A day of the second ward stay of the worked example.
IN_WS2 = dt.date(2024, 12, 1)


def _adds_up(accounting: Accounting) -> bool:
    return all(
        a.read == a.used + sum(a.duplicates.values()) + sum(a.refused.values())
        for a in accounting.tables.values()
    )


def _with(tables: dict[str, Any], name: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {**tables, name: pd.DataFrame(rows)}


EXPECTED_STAGES = [
    ("medium_secure", dt.date(2024, 5, 10), dt.date(2024, 11, 4)),
    ("low_secure", dt.date(2024, 11, 4), dt.date(2025, 3, 20)),
    ("community", dt.date(2025, 3, 20), None),
]


class TestWorkedExample:
    def test_placements_medium_then_low_secure_then_discharge(self) -> None:
        """Medium secure from 2024-05-10, low secure from 2024-11-04, discharged 2025-03-20."""
        assert EXPECTED_STAGES == _stages(read_pathways(worked_example()))

    def test_the_spell_kept_is_month_1500s(self) -> None:
        """The spell sent in 1496 and 1500 is kept once, in 1500's version, with its discharge."""
        (spell,) = read_extract(worked_example()).spells

        assert (1500, dt.datetime(2025, 3, 20, tzinfo=LONDON)) == (spell.origin.month, spell.end)

    def test_stage_start_times_are_clock_time_in_england(self) -> None:
        """Admission at 11:00 (a 1970-01-01 timestamp); low secure from 2024-11-04T14:30."""
        extract = read_extract(worked_example())

        assert dt.datetime(2024, 5, 10, 11, 0, tzinfo=LONDON) == extract.spells[0].start
        assert dt.datetime(2024, 11, 4, 14, 30, tzinfo=LONDON) == extract.ward_stays[1].start

    def test_readiness_rows_are_de_duplicated_by_spell_and_start(self) -> None:
        """#7002 and #7102 start the same day: #7102, from the later month, is kept."""
        rows = readiness_rows(read_extract(worked_example()))

        expected = [
            ("7001", dt.date(2025, 2, 3), dt.date(2025, 2, 28), "24"),
            ("7102", dt.date(2025, 2, 28), dt.date(2025, 3, 20), "32"),
        ]
        assert expected == [(r.record_id, r.start, r.end, r.delay_reason) for r in rows]

    def test_cpa_reviews_become_reviews_without_ratings(self) -> None:
        """The three CPA review dates are reviews of kind CPA with no ratings."""
        (pathway,) = read_pathways(worked_example()).pathways

        expected = [
            (dt.date(2024, 8, 5), pm.ReviewKind.CPA, ()),
            (dt.date(2024, 11, 1), pm.ReviewKind.CPA, ()),
            (dt.date(2025, 2, 3), pm.ReviewKind.CPA, ()),
        ]
        assert expected == [(r.date, r.kind, r.ratings) for r in pathway.reviews]

    def test_every_row_is_accounted_for(self) -> None:
        """Each table's rows read are its rows used, dropped by a named layer, or refused."""
        accounting = read_pathways(worked_example()).accounting

        expected = {
            SPELLS: (2, 1, 1),
            STAYS: (4, 2, 2),
            READY: (3, 2, 1),
            REVIEWS: (3, 3, 0),
        }
        actual = {
            name: (a.read, a.used, a.duplicates[DuplicateLayer.LATEST_VERSION])
            for name, a in accounting.tables.items()
        }
        assert expected == actual
        assert _adds_up(accounting)
        assert 0 == accounting.refused

    def test_the_record_is_valid_on_the_secure_pathway(self) -> None:
        """The record follows the built-in secure pathway and passes its checks."""
        (pathway,) = read_pathways(worked_example()).pathways

        assert () == pm.check_pathway(pathway, SECURE_PATHWAY)

    def test_each_convention_applied_is_named(self) -> None:
        """The account names the submission rule, each layer, the stage and the date-time rule."""
        conventions = read_pathways(worked_example()).accounting.conventions

        assert {
            "submission",
            "month_snapshot",
            "latest_version",
            "date_time",
            "joins",
            "stage",
            "after_discharge",
            "recorded_readiness",
            "restrictive_interventions",
        } == set(conventions)


def _header(month: int, submission: int, file_type: int) -> dict[str, Any]:
    return {
        "UniqMonthID": month,
        "OrgIDProvider": "ZZ1",
        "UniqSubmissionID": submission,
        "FileType": file_type,
    }


def _resubmitted() -> dict[str, Any]:
    """The worked example, with month 1500 sent twice: submission 7 (type 1), then 9 (type 2)."""
    tables = worked_example()
    again = {}
    for name, frame in tables.items():
        later = frame[frame["UniqMonthID"] == 1500].assign(UniqSubmissionID=9)
        again[name] = pd.concat([frame.assign(UniqSubmissionID=7), later], ignore_index=True)
    months = sorted({m for f in tables.values() for m in f["UniqMonthID"]})
    header = [_header(m, 7, 1) for m in months] + [_header(1500, 9, 2)]
    return {**again, "MHS000Header": pd.DataFrame(header)}


class TestDuplicatesAcrossSubmissions:
    def test_a_resubmitted_month_is_counted_once(self) -> None:
        """A month sent twice gives the same records; the older submission's rows are layer 1."""
        result = read_pathways(_resubmitted())

        assert EXPECTED_STAGES == _stages(result)
        dropped = {
            name: a.duplicates[DuplicateLayer.SUBMISSION]
            for name, a in result.accounting.tables.items()
        }
        assert {"MHS000Header": 1, SPELLS: 1, STAYS: 1, READY: 1, REVIEWS: 3} == dropped
        assert _adds_up(result.accounting)

    def test_readiness_sent_in_two_submissions_is_one_row(self) -> None:
        """The readiness rows are the same two whichever submissions sent them."""
        rows = readiness_rows(read_extract(_resubmitted()))

        assert ["7001", "7102"] == [r.record_id for r in rows]

    def test_the_provisional_rule_keeps_file_type_1(self) -> None:
        """Under the provisional rule month 1500's type-1 submission is kept, not the later one."""
        tables = _resubmitted()
        result = read_pathways(tables, submissions=SubmissionRule.PROVISIONAL)

        header = result.accounting.tables["MHS000Header"]
        assert (1, 0) == (
            header.duplicates[DuplicateLayer.SUBMISSION],
            sum(header.refused.values()),
        )
        assert "FileType 1" in result.accounting.conventions["submission"]
        kept = read_extract(tables, submissions=SubmissionRule.PROVISIONAL).spells[0]
        assert 7 == int(tables[SPELLS].loc[kept.origin.row, "UniqSubmissionID"])

    def test_without_a_header_the_tables_own_latest_submission_is_kept(self) -> None:
        """With no MHS000Header, the highest UniqSubmissionID of a provider-month is kept."""
        tables = _resubmitted()
        del tables["MHS000Header"]

        result = read_pathways(tables)

        assert EXPECTED_STAGES == _stages(result)
        assert 1 == result.accounting.tables[SPELLS].duplicates[DuplicateLayer.SUBMISSION]
        assert "no MHS000Header" in result.accounting.conventions["submission"]

    def test_a_file_type_rule_needs_the_header(self) -> None:
        """The performance rule without MHS000Header is an error naming the table."""
        with pytest.raises(pm.ValidationError) as caught:
            read_extract(worked_example(), submissions=SubmissionRule.PERFORMANCE)

        assert "MHS000Header" == caught.value.problems[0].path

    def test_a_row_of_a_month_the_header_lacks_is_refused(self) -> None:
        """With a header, a row of a provider-month it sends no submission for is refused."""
        tables = _resubmitted()
        header = tables["MHS000Header"]
        tables["MHS000Header"] = header[header["UniqMonthID"] != 1499]

        accounting = read_pathways(tables).accounting

        assert {"no submission for its provider-month": 2} == accounting.tables[READY].refused

    def test_the_same_item_twice_in_one_month_is_a_month_snapshot_duplicate(self) -> None:
        """A ward stay sent twice in one month's submission counts once, at layer 2."""
        tables = worked_example()
        stays = tables[STAYS]
        tables[STAYS] = pd.concat([stays, stays.iloc[[0]]], ignore_index=True)

        result = read_pathways(tables)

        assert EXPECTED_STAGES == _stages(result)
        assert 1 == result.accounting.tables[STAYS].duplicates[DuplicateLayer.MONTH_SNAPSHOT]


def _write(tables: dict[str, Any], folder: Path, suffix: str) -> Path:
    folder.mkdir()
    for name, frame in tables.items():
        path = folder / f"{name}{suffix}"
        if suffix == ".csv":
            frame.to_csv(path, index=False)
        else:
            frame.to_parquet(path, index=False)
    return folder


def _summary(result: MhsdsPathways) -> tuple[object, ...]:
    return (
        result.pathways,
        result.readiness,
        {n: attrs.evolve(a) for n, a in result.accounting.tables.items()},
    )


def _without_origins(result: MhsdsPathways) -> tuple[object, ...]:
    return (
        result.pathways,
        [attrs.evolve(r, origin=None) for r in result.readiness],
        dict(result.accounting.tables),
    )


class TestFolders:
    def test_a_csv_folder_reads_as_the_frames_do(self, tmp_path: Path) -> None:
        """Files named by table (full name or bare prefix) give the records the frames give."""
        tables = worked_example()
        tables["MHS502"] = tables.pop(STAYS)

        from_files = read_pathways(_write(tables, tmp_path / "csv", ".csv"))

        assert _without_origins(read_pathways(worked_example())) == _without_origins(from_files)

    def test_a_parquet_folder_reads_as_the_csv_folder_does(self, tmp_path: Path) -> None:
        """Parquet files give the same records and account as CSV files."""
        pytest.importorskip("pyarrow")
        csv = read_pathways(_write(worked_example(), tmp_path / "csv", ".csv"))
        parquet = read_pathways(_write(worked_example(), tmp_path / "parquet", ".parquet"))

        assert _without_origins(csv) == _without_origins(parquet)

    def test_a_csv_problem_gives_the_file_line(self, tmp_path: Path) -> None:
        """A bad value in a CSV file's second data row is at row 1, line 3 of that file."""
        tables = worked_example()
        tables[REVIEWS].loc[1, "CPAReviewDate"] = "not a date"

        result = read_pathways(_write(tables, tmp_path / "csv", ".csv"))

        (problem,) = result.accounting.problems
        assert ("MHS702CPAReview.csv", 1, 3, "CPAReviewDate") == (
            problem.source,
            problem.row,
            problem.line,
            problem.field,
        )

    def test_csv_codes_keep_their_leading_zeros(self, tmp_path: Path) -> None:
        """A delay reason '05' and attribution '04' stay text with their zeros."""
        tables = worked_example()
        tables[READY]["ClinReadyforDischDelayReason"] = "05"

        rows = readiness_rows(read_extract(_write(tables, tmp_path / "csv", ".csv")))

        assert {("05", "04")} == {(r.delay_reason, r.attributable_to) for r in rows}

    def test_tables_the_reader_does_not_use_are_named(self, tmp_path: Path) -> None:
        """A file of another MHSDS table is listed as not read, and its rows are not counted."""
        tables = {**worked_example(), "MHS001MPI": pd.DataFrame([_row(1500)])}

        accounting = read_pathways(_write(tables, tmp_path / "csv", ".csv")).accounting

        assert ("MHS001MPI",) == accounting.not_read
        assert "MHS001MPI" not in accounting.tables


class TestNormalisation:
    def test_platform_types_read_alike(self) -> None:
        """Month as text, dates as dates or timestamps, times as times: the same records."""
        tables = worked_example()
        spells = tables[SPELLS]
        tables[SPELLS] = spells.assign(
            UniqMonthID=spells["UniqMonthID"].astype(str),
            StartDateHospProvSpell=pd.Timestamp("2024-05-10"),
            StartTimeHospProvSpell=dt.time(11, 0),
            DischDateHospProvSpell=[None, dt.date(2025, 3, 20)],
        )
        stays = tables[STAYS]
        tables[STAYS] = stays.assign(
            StartTimeWardStay=[None, None, "14:30:00", pd.Timestamp("1970-01-01 14:30:00")]
        )

        assert _summary(read_pathways(worked_example())) == _summary(read_pathways(tables))

    @pytest.mark.parametrize("missing", ["", "NULL", " NULL ", "null ", None, float("nan")])
    def test_each_spelling_of_missing_is_missing(self, missing: Any) -> None:
        """An empty cell, NULL (padded or not), None and NaN leave a readiness period open."""
        tables = worked_example()
        tables[READY] = _spoil(tables[READY], "EndDateClinReadyforDisch", missing)

        assert None is readiness_rows(read_extract(tables))[0].end

    def test_version_renamed_columns_are_read(self) -> None:
        """v5's HospitalBedTypeMH and v4.1's UniqHospProvSpellNum are read as their v6 names."""
        tables = worked_example()
        tables[STAYS] = (
            tables[STAYS]
            .drop(columns=["WardSecLevel"])
            .rename(
                columns={
                    "MHAdmittedPatientClass": "HospitalBedTypeMH",
                    "UniqHospProvSpellID": "UniqHospProvSpellNum",
                }
            )
        )

        assert EXPECTED_STAGES == _stages(read_pathways(tables))

    def test_numbers_for_codes_are_written_to_the_codes_width(self) -> None:
        """A delay reason given as the number 5 is the code '05'; a level 2 is '2'."""
        tables = worked_example()
        tables[READY]["ClinReadyforDischDelayReason"] = 5
        tables[STAYS]["WardSecLevel"] = [2, 2, 1, 1]

        result = read_pathways(tables)

        assert {"05"} == {r.delay_reason for r in result.readiness}
        assert EXPECTED_STAGES == _stages(result)

    def test_a_frame_with_to_pandas_is_read(self) -> None:
        """A frame of another library (one with ``to_pandas()``, as Polars') is read."""

        @attrs.frozen
        class OtherFrame:
            frame: Any

            def to_pandas(self) -> Any:
                return self.frame

        tables = {name: OtherFrame(frame) for name, frame in worked_example().items()}

        assert EXPECTED_STAGES == _stages(read_pathways(tables))


def _stay_codes(**codes: Any) -> dict[str, Any]:
    """The worked example with the second ward stay's codes replaced (None leaves a code out)."""
    tables = worked_example()
    stays = tables[STAYS].copy()
    for column, value in codes.items():
        stays.loc[stays["UniqWardStayID"] == "WS2", column] = value
    tables[STAYS] = stays
    return tables


class TestStageMapping:
    def test_the_default_mapping_names_stages_of_the_secure_pathway(self) -> None:
        """Every stage the default mapping gives is one of the built-in secure pathway's."""
        assert DEFAULT_STAGE_MAPPING.stage_codes() <= set(SECURE_PATHWAY.stage_codes)
        assert {"1": "low_secure", "2": "medium_secure", "3": "high_secure"} == {
            level: stage
            for level, stage in DEFAULT_STAGE_MAPPING.ward_security_levels.items()
            if stage is not None
        }

    def test_ward_security_level_wins_over_the_class(self) -> None:
        """Level 3 with a low secure class is high secure: WardSecLevel is read first."""
        result = read_pathways(_stay_codes(WardSecLevel="3", MHAdmittedPatientClass="206"))

        assert "high_secure" == _stage_on(result, IN_WS2)

    @pytest.mark.parametrize(
        ("month", "code", "stage"),
        [
            (1488, "20", "medium_secure"),
            (1497, "207", "medium_secure"),
            (1497, "208", "high_secure"),
        ],
    )
    def test_without_a_level_the_class_of_the_rows_month_is_read(
        self, month: int, code: str, stage: str
    ) -> None:
        """The class code list is chosen by the row's UniqMonthID: up to 1488, or from 1489."""
        tables = _stay_codes(
            WardSecLevel=None, MHAdmittedPatientClass=code, SpecialisedMHServiceCode=None
        )
        tables[STAYS] = tables[STAYS][tables[STAYS]["UniqMonthID"] != 1500]
        tables[STAYS].loc[tables[STAYS]["UniqWardStayID"] == "WS2", "UniqMonthID"] = month

        assert stage == _stage_on(read_pathways(tables), IN_WS2)

    def test_a_class_outside_its_month_window_gives_no_stage(self) -> None:
        """Class '20' (medium secure up to month 1488) is no stage in month 1500: refused."""
        tables = _stay_codes(
            WardSecLevel=None, MHAdmittedPatientClass="20", SpecialisedMHServiceCode=None
        )

        result = read_pathways(tables)

        assert {"no secure stage": 1} == result.accounting.tables[STAYS].refused
        assert ["medium_secure"] == [stage for stage, _, _ in _stages(result)]

    def test_the_service_line_is_the_last_fallback(self) -> None:
        """No level, no secure class: NCBPS22S/LS_ gives low secure."""
        tables = _stay_codes(WardSecLevel=None, MHAdmittedPatientClass="10")

        assert EXPECTED_STAGES == _stages(read_pathways(tables))

    def test_an_unknown_ward_level_is_refused_not_passed_over(self) -> None:
        """Level '7' is refused even though the class and service say low secure."""
        result = read_pathways(_stay_codes(WardSecLevel="7"))

        (problem,) = [p for p in result.accounting.problems if p.table == STAYS]
        assert (STAYS, "WardSecLevel", "unknown ward security level") == (
            problem.table,
            problem.field,
            problem.reason,
        )
        assert ["medium_secure"] == [stage for stage, _, _ in _stages(result)]

    def test_a_general_ward_is_refused_as_not_secure(self) -> None:
        """Level '0' (general) gives no stage: the row is refused as not a secure ward."""
        result = read_pathways(_stay_codes(WardSecLevel="0"))

        assert {"not a secure ward": 1} == result.accounting.tables[STAYS].refused

    def test_the_caller_can_end_records_at_discharge(self) -> None:
        """With no stage after discharge the record ends on the day of discharge."""
        mapping = attrs.evolve(DEFAULT_STAGE_MAPPING, after_discharge=None)

        result = build_pathways(read_extract(worked_example()), mapping=mapping)

        assert EXPECTED_STAGES[:2] == _stages(result)

    def test_a_mapping_onto_a_stage_the_definition_lacks_is_refused(self) -> None:
        """A mapping naming a stage the definition lacks is an UnknownCodeError at the call."""
        mapping = StageMapping(ward_security_levels={"1": "locked_rehab"})

        with pytest.raises(pm.UnknownCodeError):
            build_pathways(read_extract(worked_example()), mapping=mapping)

    def test_consecutive_ward_stays_in_one_stage_are_one_placement(self) -> None:
        """A move between two medium secure wards keeps one placement (one evidence record)."""
        result = read_pathways(_stay_codes(WardSecLevel="2"))

        assert [("medium_secure", dt.date(2024, 5, 10), dt.date(2025, 3, 20))] == _stages(result)[
            :1
        ]


class TestRefusals:
    def test_a_missing_required_table_is_an_error_naming_it(self) -> None:
        """Without MHS502WardStay there are no placements: a ValidationError names the table."""
        tables = worked_example()
        del tables[STAYS]

        with pytest.raises(pm.PathwayModelError) as caught:
            read_pathways(tables)

        assert STAYS == caught.value.problems[0].path  # type: ignore[attr-defined]

    def test_a_missing_optional_table_is_no_error(self) -> None:
        """Without readiness or CPA reviews the records are read all the same."""
        tables = worked_example()
        del tables[READY], tables[REVIEWS]

        assert EXPECTED_STAGES == _stages(read_pathways(tables))

    def test_an_empty_table_is_read_as_no_rows(self) -> None:
        """A table given with no rows reads as a table of 0 rows, whichever table it is."""
        tables = worked_example()
        empty = {name: frame.iloc[0:0] for name, frame in tables.items()}

        with_no_reviews = read_pathways({**tables, REVIEWS: empty[REVIEWS]})
        nothing = read_pathways(empty)

        assert EXPECTED_STAGES == _stages(with_no_reviews)
        assert 0 == with_no_reviews.accounting.tables[REVIEWS].read
        assert ((), 0, sorted(tables)) == (
            nothing.pathways,
            nothing.accounting.read,
            sorted(nothing.accounting.tables),
        )

    def test_a_missing_required_column_refuses_every_row_naming_it(self) -> None:
        """Without StartDateClinReadyforDisch each readiness row is refused at that field."""
        tables = worked_example()
        tables[READY] = tables[READY].drop(columns=["StartDateClinReadyforDisch"])

        result = read_pathways(tables)

        assert [(READY, 0), (READY, 1), (READY, 2)] == [
            (p.table, p.row) for p in result.accounting.problems
        ]
        assert {"StartDateClinReadyforDisch"} == {p.field for p in result.accounting.problems}

    def test_free_text_in_a_field_is_never_echoed(self) -> None:
        """A note typed into a code field is refused, described by its length only."""
        note = "Patient said something private"
        tables = worked_example()
        tables[READY].loc[0, "ClinReadyforDischDelayReason"] = note

        accounting = read_pathways(tables).accounting

        (problem,) = accounting.problems
        assert "text of 30 characters (not shown)" == problem.found
        assert note not in str(problem)
        assert note not in accounting.summary()

    def test_an_nhs_number_as_person_id_is_refused_unshown(self) -> None:
        """A Person_ID that passes the NHS number check is refused and not shown."""
        tables = worked_example()
        tables[REVIEWS].loc[0, "Person_ID"] = "9434765919"

        (problem,) = read_pathways(tables).accounting.problems

        assert ("Person_ID", "malformed value") == (problem.field, problem.reason)
        assert "9434765919" not in str(problem)

    def test_a_ward_stay_of_no_known_spell_is_refused(self) -> None:
        """A ward stay whose spell was not sent is refused as having no matching spell."""
        tables = worked_example()
        tables[STAYS].loc[3, "UniqHospProvSpellID"] = "S9"
        tables[STAYS].loc[2, "UniqHospProvSpellID"] = "S9"

        accounting = read_pathways(tables).accounting

        assert {"no matching spell": 1} == accounting.tables[STAYS].refused
        assert _adds_up(accounting)

    def test_a_ward_stay_inside_an_earlier_one_is_refused(self) -> None:
        """Two ward stays over the same days: the later one read is refused as an overlap."""
        tables = _with(
            worked_example(),
            STAYS,
            [
                _stay(1500, "WS1", "2024-05-10", "2024-11-04", **WS1),
                _stay(1500, "WS3", "2024-06-01", "2024-07-01", **WS1),
                _stay(1500, "WS2", "2024-11-04", "2025-03-20", **WS2),
            ],
        )

        result = read_pathways(tables)

        assert {"overlaps another stay": 1} == result.accounting.tables[STAYS].refused
        assert EXPECTED_STAGES == _stages(result)

    def test_a_review_outside_the_stays_is_refused(self) -> None:
        """A CPA review dated before admission is refused, with its date."""
        tables = worked_example()
        tables[REVIEWS].loc[0, "CPAReviewDate"] = "2024-01-01"

        (problem,) = read_pathways(tables).accounting.problems

        assert ("outside the person's stays", "2024-01-01") == (problem.reason, problem.found)


def _restrictive_tables() -> dict[str, Any]:
    incident = {
        "UniqRestrictiveIntIncID": "I1",
        "UniqHospProvSpellID": "S1",
        "StartDateRestrictiveIntInc": "2024-06-01",
        "StartTimeRestrictiveIntInc": "10:00:00",
        "EndDateRestrictiveIntInc": "2024-06-01",
        "EndTimeRestrictiveIntInc": "10:20:00",
        "RestrictiveIntReason": "12",
    }
    kind = {"UniqRestrictiveIntIncID": "I1", "StartDateRestrictiveIntType": "2024-06-01"}
    tables = worked_example()
    tables[INCIDENTS] = pd.DataFrame(
        [
            _row(1497, **incident),
            _row(1498, **incident),
            _row(1497, **{**incident, "UniqRestrictiveIntIncID": "I2"}),
        ]
    )
    tables[TYPES] = pd.DataFrame(
        [
            _row(1497, **kind, UniqRestrictiveIntTypeID="T1", RestrictiveIntType="01"),
            _row(1498, **kind, UniqRestrictiveIntTypeID="T1", RestrictiveIntType="01"),
            _row(1497, **kind, UniqRestrictiveIntTypeID="T2", RestrictiveIntType="05"),
            _row(
                1497,
                **{**kind, "UniqRestrictiveIntIncID": "I9"},
                UniqRestrictiveIntTypeID="T3",
                RestrictiveIntType="04",
            ),
        ]
    )
    return tables


class TestRestrictiveInterventions:
    def test_one_row_per_incident_and_type_counted_once(self) -> None:
        """An incident and its types sent in two months give one row per type."""
        rows = restrictive_rows(read_extract(_restrictive_tables()))

        assert [("I1", "T1", "01"), ("I1", "T2", "05"), ("I2", None, None)] == [
            (r.incident_id, r.type_id, r.intervention_type) for r in rows
        ]

    def test_a_type_takes_the_incidents_time_when_it_has_none(self) -> None:
        """A type with a start date but no time starts at midnight; its reason is the incident's."""
        row = restrictive_rows(read_extract(_restrictive_tables()))[0]

        assert (dt.datetime(2024, 6, 1, tzinfo=LONDON), "12") == (row.start, row.reason)

    def test_a_type_of_no_known_incident_is_refused(self) -> None:
        """A type row naming an incident that was not sent is refused, and counted."""
        result = read_pathways(_restrictive_tables())

        assert {"no matching incident": 1} == result.accounting.tables[TYPES].refused
        assert 1 == result.accounting.tables[TYPES].duplicates[DuplicateLayer.LATEST_VERSION]
        assert _adds_up(result.accounting)


class TestOnTheRecord:
    """Recorded readiness and restrictive interventions are put on the person's record."""

    def test_the_worked_example_records_its_two_readiness_periods(self) -> None:
        """#7001 (reason 24) and #7102 (reason 32, until discharge) are on the record, as sent."""
        result = read_pathways(worked_example())
        (pathway,) = result.pathways

        assert [
            ("7001", dt.date(2025, 2, 3), dt.date(2025, 2, 28), "24", "04"),
            ("7102", dt.date(2025, 2, 28), dt.date(2025, 3, 20), "32", "04"),
        ] == [
            (p.id.removeprefix("ready:"), p.start, p.end, p.delay_reason, p.attributable_to)
            for p in pathway.recorded_readiness
        ]
        assert {pm.catalogue.DELAY_REASONS_V6.id} == {
            p.reason_list for p in pathway.recorded_readiness
        }
        assert ["7001", "7102"] == [row.record_id for row in result.readiness]
        assert (0, True) == (result.accounting.refused, _adds_up(result.accounting))

    def test_restrictive_interventions_are_incidents_done_to_the_person(self) -> None:
        """One incident per incident and type, of their own kind, dated by their start."""
        (pathway,) = read_pathways(_restrictive_tables()).pathways

        assert [
            (dt.date(2024, 6, 1), "01"),
            (dt.date(2024, 6, 1), "05"),
            (dt.date(2024, 6, 1), None),
        ] == sorted(
            ((i.date, i.intervention_type) for i in pathway.incidents),
            key=lambda item: item[1] or "~",
        )
        assert {(pm.IncidentKind.RESTRICTIVE_INTERVENTION, pm.IncidentSeverity.SERIOUS)} == {
            (i.kind, i.severity) for i in pathway.incidents
        }

    def test_a_reason_off_its_list_is_refused_at_its_field(self) -> None:
        """A v6 reason code that is no code of the v6 list: the row is refused, not changed."""
        tables = worked_example()
        tables[READY] = pd.DataFrame([_ready(1499, "7001", "2025-02-03", "2025-02-28", "A2")])
        result = read_pathways(tables)

        assert () == result.pathways[0].recorded_readiness
        assert [("ClinReadyforDischDelayReason", "not a code of the delay reason list")] == [
            (problem.field, problem.reason) for problem in result.accounting.problems
        ]
        assert _adds_up(result.accounting)

    def test_an_overlapping_period_is_refused_with_the_records_reason(self) -> None:
        """Of two periods that overlap, the record keeps one and the other row is refused."""
        tables = worked_example()
        tables[READY] = pd.DataFrame(
            [
                _ready(1499, "7001", "2025-02-03", "2025-02-28", "24"),
                _ready(1499, "7002", "2025-02-10", "2025-03-01", "32"),
            ]
        )
        result = read_pathways(tables)

        assert 1 == len(result.pathways[0].recorded_readiness)
        assert 1 == len(result.readiness)
        assert ["refused by the record"] == [p.reason for p in result.accounting.problems]
        assert _adds_up(result.accounting)

    def test_readiness_of_a_person_with_no_record_is_refused(self) -> None:
        """When no ward stay gives a placement there is no record: its readiness is refused."""
        tables = worked_example()
        tables[STAYS] = tables[STAYS].assign(WardSecLevel="7")
        result = read_pathways(tables)

        refused = {(p.table, p.reason) for p in result.accounting.problems}
        assert () == result.pathways
        assert (READY, "no record for the person and provider") in refused
        assert 0 == result.accounting.tables[READY].used
        assert _adds_up(result.accounting)


# --- every table, malformed values: a refusal with table, row and field, never a crash ---

#: Values no column of each kind accepts.
MALFORMED: dict[Kind, st.SearchStrategy[Any]] = {
    Kind.MONTH: st.one_of(
        st.text(alphabet="abcxyz -", min_size=1).filter(str.strip),
        st.floats(min_value=0.1, max_value=0.9),
        st.booleans(),
        st.integers(max_value=0),
    ),
    Kind.CODE: st.one_of(
        st.text(alphabet="ab ", min_size=3).filter(lambda s: " " in s.strip()),
        st.text(alphabet="x", min_size=65, max_size=80),
        st.booleans(),
        st.floats(min_value=0.1, max_value=0.9),
        st.integers(max_value=-1),
    ),
    Kind.PERSON: st.one_of(
        st.sampled_from(["9434765919", "943 476 5919"]),
        st.text(alphabet="ab ", min_size=3).filter(lambda s: " " in s.strip()),
        st.booleans(),
    ),
    Kind.INTEGER: st.one_of(
        st.text(alphabet="abc.", min_size=1), st.floats(min_value=0.1, max_value=0.9), st.booleans()
    ),
    Kind.DATE: st.one_of(
        st.sampled_from(["2024-02-30", "10/05/2024", "2024-13-01", "yesterday"]),
        st.dates(max_value=dt.date(1900, 12, 31)),
        st.integers(),
        st.booleans(),
    ),
    Kind.TIME: st.one_of(
        st.sampled_from(["25:00:00", "10:61:00", "noon", "2024-05-10 11:00:00"]),
        st.integers(),
        st.datetimes(min_value=dt.datetime(1971, 1, 1)),
    ),
}

#: A valid row of each table (the worked example's, or a restrictive intervention's).
CELLS = [
    (table.name, column)
    for table in TABLES
    for column in table.columns
    if table.name != "MHS000Header" or column.name != "OrgIDProvider"
]


def _all_tables() -> dict[str, Any]:
    tables = _restrictive_tables()
    tables["MHS201CareContact"] = pd.DataFrame(
        [_row(1498, UniqServReqID="R1", UniqCareContID="C1", CareContDate="2025-01-15")]
    )
    honos = {"UniqServReqID": "R1", "CodedAssToolType": "979641000000103", "PersScore": "2"}
    tables["MHS606CodedScoreAssessmentRefer"] = pd.DataFrame(
        [_row(1498, **honos, AssToolCompTimestamp="2025-01-20")]
    )
    tables["MHS607CodedScoreAssessmentAct"] = pd.DataFrame(
        [_row(1498, **honos, UniqCareContID="C1", UniqCareActID="A1")]
    )
    tables["MHS000Header"] = pd.DataFrame([_header(m, 1, 1) for m in (1488, *range(1496, 1501))])
    tables["MHS504DelayedDischarge"] = pd.DataFrame(
        [
            _row(
                1488,
                UniqHospProvSpellID="S1",
                StartDateDelayDisch="2024-06-01",
                EndDateDelayDisch="2024-06-10",
                DelayDischReason="M1",
            )
        ]
    )
    return tables


def _spoil(frame: Any, column: str, value: Any) -> Any:
    """A copy of ``frame`` with ``value`` in the first row of ``column`` (added if absent)."""
    values = frame[column].tolist() if column in frame else [None] * len(frame)
    values[0] = value
    spoilt = frame.copy()
    spoilt[column] = pd.Series(values, index=frame.index, dtype=object)
    return spoilt


class TestMalformedRows:
    def test_the_fixture_has_every_table_and_no_problem(self) -> None:
        """The valid extract the properties spoil holds every table the reader uses."""
        result = read_pathways(_all_tables())

        assert {table.name for table in TABLES} == set(result.accounting.tables)
        assert {"no matching incident": 1} == result.accounting.tables[TYPES].refused
        assert 1 == result.accounting.refused

    @given(cell=st.sampled_from(CELLS), data=st.data())
    def test_a_malformed_value_is_refused_at_its_table_row_and_field(
        self, cell: tuple[str, Any], data: st.DataObject
    ) -> None:
        """Any table, any column: a malformed value refuses its row, naming table, row and field."""
        name, column = cell
        tables = _all_tables()
        tables[name] = _spoil(tables[name], column.name, data.draw(MALFORMED[column.kind]))

        result = read_pathways(tables)

        assert (name, 0, column.name, "malformed value") in {
            (p.table, p.row, p.field, p.reason) for p in result.accounting.problems
        }
        assert _adds_up(result.accounting)

    @given(
        cell=st.sampled_from(CELLS),
        value=st.one_of(
            st.none(),
            st.text(max_size=70),
            st.integers(),
            st.floats(),
            st.booleans(),
            st.dates(),
            st.datetimes(),
            st.times(),
            st.lists(st.integers(), max_size=2),
        ),
    )
    def test_any_value_in_any_cell_never_crashes_the_reader(
        self, cell: tuple[str, Any], value: Any
    ) -> None:
        """Whatever a cell holds, reading gives records and an account that adds up."""
        name, column = cell
        tables = _all_tables()
        tables[name] = _spoil(tables[name], column.name, value)

        result = read_pathways(tables)

        assert _adds_up(result.accounting)
        assert all(isinstance(p, RowProblem) for p in result.accounting.problems)

    @given(cell=st.sampled_from([c for c in CELLS if c[1].required]))
    def test_a_missing_required_column_refuses_rows_naming_it(self, cell: tuple[str, Any]) -> None:
        """Any table without a required column: each row refused at that field, no crash."""
        name, column = cell
        tables = _all_tables()
        tables[name] = tables[name].drop(columns=[column.name])

        result = read_pathways(tables)

        refused = {
            (p.table, p.row)
            for p in result.accounting.problems
            if (p.table, p.field) == (name, column.name)
        }
        assert {(name, row) for row in range(len(tables[name]))} == refused
        assert _adds_up(result.accounting)

    @given(missing=st.sets(st.sampled_from([t.name for t in TABLES])))
    def test_missing_tables_are_an_error_only_when_required(self, missing: set[str]) -> None:
        """Leaving tables out raises only for a required one, naming it; otherwise reads on."""
        tables = {k: v for k, v in _all_tables().items() if k not in missing}
        required = sorted(t.name for t in TABLES if t.required and t.name in missing)

        if required:
            with pytest.raises(pm.ValidationError) as caught:
                read_pathways(tables)
            assert caught.value.problems[0].path in required
        else:
            assert _adds_up(read_pathways(tables).accounting)
