"""pathway_model.spark on a real local Spark: the same answers as on one machine.

Every test here runs a real Spark session (``local[2]``, pyspark and a Java runtime),
never a stand-in, and is marked ``spark``: the default test run leaves them out, and
``pytest -m spark`` runs them (CI does both). The session:

- binds to 127.0.0.1 with no web UI, and uses few shuffle partitions (the data is small);
- runs in the time zone UTC. MHSDS times carry no zone and the library reads them as clock
  time in England; a TIMESTAMP in a UTC session goes from pandas to Spark and back as the
  same clock time, every day of the year, where in Europe/London a time in the hour the
  clocks go forward does not exist and would be moved;
- starts its Python workers with this interpreter, so they import this library.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pathway_model as pm
from pathway_model import mhsds, scoring, synthetic
from pathway_model.catalogue import SECURE_PATHWAY

pytestmark = pytest.mark.spark

AS_OF = dt.date(2025, 3, 31)
SINCE = dt.date(2024, 4, 1)


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """One local Spark session for every test here, stopped at the end."""
    pytest.importorskip("pyspark")
    pytest.importorskip("pandas")
    from pyspark.sql import SparkSession

    before = os.environ.get("PYSPARK_PYTHON")
    os.environ["PYSPARK_PYTHON"] = sys.executable
    session = (
        SparkSession.builder.master("local[2]")
        .appName("pathway_model tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    try:
        yield session
    finally:
        session.stop()
        if before is None:
            os.environ.pop("PYSPARK_PYTHON", None)
        else:
            os.environ["PYSPARK_PYTHON"] = before


@pytest.fixture(scope="module")
def cohort() -> tuple[pm.Pathway, ...]:
    """A small synthetic cohort: people in care, in the community and discharged."""
    parameters = synthetic.CohortParameters(people_in_care=40)
    return synthetic.synthetic_cohort(parameters, seed=17, as_of=AS_OF)


def _documents(
    spark: Any, documents: list[Any], *, partitions: int = 3, kind: str = "string"
) -> Any:
    import pandas as pd

    frame = pd.DataFrame({"record": range(len(documents)), "pathway": documents})
    return spark.createDataFrame(frame, f"record long, pathway {kind}").repartition(partitions)


# --- per-person rows ----------------------------------------------------------------------------


def _readme_record() -> pm.Pathway:
    """The record of the README: ready since 2 July 2024, 61 days by 1 September."""
    levels = {
        "mental_health_recovery": "partly_met",
        "harm_related_behaviours": "partly_met",
        "substance_misuse": "partly_met",
    }
    return pm.Pathway.start(
        SECURE_PATHWAY,
        person_id="P-0001",
        stage="medium_secure",
        provider="Northfield MSU",
        on=dt.date(2024, 1, 8),
    ).with_reviews(
        pm.Review.from_levels(
            id="review-1",
            date=dt.date(2024, 4, 2),
            team=levels,
            person={"mental_health_recovery": "met"},
        ),
        pm.Review.from_levels(id="review-2", date=dt.date(2024, 7, 2), team=levels),
    )


def _expected_row(pathway: pm.Pathway, as_of: dt.date) -> dict[str, Any]:
    """The row the record functions give on one machine, by the columns' names."""
    stay = pathway.placement_on(as_of)
    decision = None if stay is None else pm.assess(pathway, as_of)
    ready = pm.readiness(pathway, as_of) if decision is None else decision.readiness
    placement = next(p for p in pathway.placements if p.id == ready.placement_id)
    row: dict[str, Any] = {
        "person_id": pathway.person_id,
        "definition_id": pathway.definition_id,
        "definition_version": pathway.definition_version,
        "as_of": as_of,
        "placement_id": ready.placement_id,
        "provider": placement.provider,
        "placement_start": placement.start,
        "stage": ready.stage,
        "placement_open": ready.placement_open,
        "counted_until": ready.counted_until,
        "ready": ready.ready,
        "readiness_date": ready.readiness_date,
        "days_beyond_readiness": ready.days_beyond_readiness,
        "ready_days": ready.ready_days,
        "days_in_placement": ready.days_in_placement,
        "bed_day_cost": ready.bed_day_cost,
        "cost_of_delay": ready.cost_of_delay,
        "cost_is_estimate": ready.cost_is_estimate,
        "library_version": pm.__version__,
        "problems": "",
    }
    decided = {
        "status": None,
        "next_stage": None,
        "proposed_stage": None,
        "has_exit_criteria": None,
        "review_due": None,
        "review_overdue": None,
        "days_overdue": None,
        "disagreements": None,
        "events_outside_stays": None,
        "restrictive_interventions": None,
    }
    if decision is not None:
        decided = {
            "status": decision.status.value,
            "next_stage": decision.next_stage,
            "proposed_stage": decision.proposed_stage,
            "has_exit_criteria": decision.has_exit_criteria,
            "review_due": decision.schedule.due,
            "review_overdue": decision.review_overdue,
            "days_overdue": decision.schedule.days_overdue,
            "disagreements": len(decision.disagreements),
            "events_outside_stays": decision.events_outside_stays,
            "restrictive_interventions": decision.restrictive_interventions,
        }
    return {**row, **decided}


def _rows_by_record(frame: Any) -> dict[int, dict[str, Any]]:
    return {row["record"]: row.asDict() for row in frame.collect()}


class TestAssessmentRows:
    def test_the_readme_record_is_ready_for_61_days_at_27572(self, spark: Any) -> None:
        """The worked example of the README, on Spark: ready since 2 July, £27,572 of delay."""
        from pathway_model.spark import assessment_rows

        frame = _documents(spark, [pm.dumps(_readme_record())], partitions=1)

        (row,) = assessment_rows(frame, as_of=dt.date(2024, 9, 1), keep=["record"]).collect()

        assert (
            "ready",
            "low_secure",
            dt.date(2024, 7, 2),
            61,
            Decimal("452"),
            Decimal("27572"),
            "",
        ) == (
            row["status"],
            row["proposed_stage"],
            row["readiness_date"],
            row["days_beyond_readiness"],
            row["bed_day_cost"],
            row["cost_of_delay"],
            row["problems"],
        )

    def test_every_row_equals_the_record_functions(
        self, spark: Any, cohort: tuple[pm.Pathway, ...]
    ) -> None:
        """Each person's row holds what readiness and assess give on one machine."""
        from pathway_model.spark import assessment_rows

        frame = _documents(spark, [pm.dumps(pathway) for pathway in cohort])

        rows = _rows_by_record(assessment_rows(frame, as_of=AS_OF, keep=["record"]))

        expected = {
            index: {"record": index, **_expected_row(pathway, AS_OF)}
            for index, pathway in enumerate(cohort)
        }
        assert expected == rows
        assert any(row["status"] is None for row in rows.values())  # a record that has ended
        assert any(row["status"] == "ready" for row in rows.values())

    def test_documents_that_cannot_be_read_give_problems_not_a_failed_job(
        self, spark: Any, cohort: tuple[pm.Pathway, ...]
    ) -> None:
        """Each bad document gets its problems (never its free text) and nulls; the job goes on."""
        from pathway_model.spark import assessment_rows

        words = "The person's own words, never to be shown"
        with_goals = pm.to_dict(next(pathway for pathway in cohort if pathway.goals))
        with_goals["goals"][0] |= {"description": words, "set_on": "2024-13-01"}
        documents = [pm.dumps(_readme_record()), "{not json", None, json.dumps(with_goals)]
        frame = _documents(spark, documents, partitions=2)

        rows = _rows_by_record(assessment_rows(frame, as_of=dt.date(2023, 1, 1), keep=["record"]))

        assert [
            "as_of: expected a date on or after the record begins (2024-01-08); found 2023-01-01",
            (
                "$: expected a JSON document; found Expecting property name enclosed in double "
                "quotes at line 1 column 2"
            ),
            "$: expected a pathway document (JSON text or UTF-8 bytes); found nothing",
            "$.goals[0].set_on: expected a date that exists (YYYY-MM-DD); found '2024-13-01'",
        ] == [rows[index]["problems"] for index in range(4)]
        assert [] == [
            (index, name)
            for index, row in rows.items()
            for name, value in row.items()
            if value is not None and name not in ("record", "problems", "library_version")
        ]

    def test_a_definition_of_ones_own_travels_to_the_executors(
        self, spark: Any, cohort: tuple[pm.Pathway, ...]
    ) -> None:
        """Records on a definition that is not built in: read with it, refused without it."""
        from pathway_model.spark import assessment_rows

        own = attrs.evolve(SECURE_PATHWAY, id="our-secure-pathway")
        records = [attrs.evolve(p, definition_id=own.id) for p in cohort[:6]]
        frame = _documents(spark, [pm.dumps(record) for record in records], partitions=2)

        with_it = _rows_by_record(
            assessment_rows(frame, as_of=AS_OF, keep=["record"], definition=own)
        )
        without = _rows_by_record(assessment_rows(frame, as_of=AS_OF, keep=["record"]))

        assert {
            index: {**_expected_row(pathway, AS_OF), "definition_id": own.id, "record": index}
            for index, pathway in enumerate(cohort[:6])
        } == with_it
        assert {
            (
                "$.definition_id: expected a known pathway definition (pass definition= for one "
                "not built in); found 'our-secure-pathway@1.0.0'"
            )
        } == {row["problems"] for row in without.values()}

    def test_binary_documents_read_as_text_does(self, spark: Any) -> None:
        """A column of UTF-8 bytes gives the rows a column of text gives."""
        from pathway_model.spark import assessment_rows

        text = pm.dumps(_readme_record())
        as_text = _documents(spark, [text], partitions=1)
        as_bytes = _documents(spark, [text.encode()], partitions=1, kind="binary")

        rows = [
            assessment_rows(frame, as_of=dt.date(2024, 9, 1)).collect()
            for frame in (as_text, as_bytes)
        ]

        assert rows[0] == rows[1]

    def test_wrong_arguments_are_refused_before_any_job(self, spark: Any) -> None:
        """A missing column, a column of numbers, a clashing kept column: each named."""
        from pathway_model.spark import assessment_rows

        frame = _documents(spark, [pm.dumps(_readme_record())], partitions=1)

        with pytest.raises(pm.ValidationError) as missing:
            assessment_rows(frame, as_of=AS_OF, column="document")
        with pytest.raises(pm.WrongTypeError) as numbers:
            assessment_rows(frame, as_of=AS_OF, column="record")
        with pytest.raises(pm.ValidationError) as clash:
            assessment_rows(frame.withColumnRenamed("record", "stage"), as_of=AS_OF, keep=["stage"])
        with pytest.raises(pm.WrongTypeError) as not_a_frame:
            assessment_rows([pm.dumps(_readme_record())], as_of=AS_OF)  # type: ignore[arg-type]

        assert ["column", "column", "keep[0]", "frame"] == [
            error.value.problems[0].path for error in (missing, numbers, clash, not_a_frame)
        ]


# --- the cohort report --------------------------------------------------------------------------


class TestCohortReport:
    @pytest.mark.parametrize("since", [None, SINCE], ids=["whole-history", "a-window"])
    def test_equals_the_report_on_one_machine(
        self, spark: Any, cohort: tuple[pm.Pathway, ...], since: dt.date | None
    ) -> None:
        """Merged from a partial a partition, the report is the one-machine report, exactly."""
        from pathway_model.spark import cohort_report

        frame = _documents(spark, [pm.dumps(pathway) for pathway in cohort], partitions=5)

        report = cohort_report(frame, as_of=AS_OF, since=since)

        assert scoring.cohort_report(cohort, as_of=AS_OF, since=since) == report

    @settings(max_examples=5, deadline=None)  # each example is a Spark job of a few seconds
    @given(order=st.permutations(range(12)), partitions=st.integers(min_value=1, max_value=16))
    def test_no_partitioning_or_order_changes_the_partial(
        self, spark: Any, cohort: tuple[pm.Pathway, ...], order: list[int], partitions: int
    ) -> None:
        """In any order, in any number of partitions (some empty): the partial, to the byte."""
        from pathway_model.spark import cohort_partial

        frame = _documents(spark, [pm.dumps(cohort[i]) for i in order], partitions=partitions)

        partial = cohort_partial(frame, as_of=AS_OF)

        assert scoring.CohortPartial.of(cohort[:12], as_of=AS_OF).to_json() == partial.to_json()

    def test_documents_that_cannot_be_read_refuse_the_report_or_are_left_out(
        self, spark: Any, cohort: tuple[pm.Pathway, ...]
    ) -> None:
        """Refused, counting the bad documents; or, asked to, reported without them."""
        from pathway_model.spark import cohort_report

        documents = [pm.dumps(pathway) for pathway in cohort[:10]]
        frame = _documents(spark, [*documents, "{not json", None], partitions=2)

        with pytest.raises(pm.ValidationError) as caught:
            cohort_report(frame, as_of=AS_OF, since=SINCE)
        report = cohort_report(frame, as_of=AS_OF, since=SINCE, skip_invalid=True)

        assert [
            (
                "pathway: expected a valid pathway document in every row; found 2 documents that "
                "cannot be read (assessment_rows gives each one's problems)"
            ),
            (
                "pathway: expected a JSON document; found Expecting property name enclosed in "
                "double quotes at line 1 column 2"
            ),
            "pathway: expected a pathway document (JSON text or UTF-8 bytes); found nothing",
        ] == [str(problem) for problem in caught.value.problems]
        assert scoring.cohort_report(cohort[:10], as_of=AS_OF, since=SINCE) == report


# --- MHSDS tables -------------------------------------------------------------------------------

#: A valid NHS number (the check digit holds): never a Person_ID, and never shown.
NHS_NUMBER = "9434765919"


def _day(text: object) -> dt.date | None:
    return None if text is None else dt.date.fromisoformat(str(text))


def _extract(cohort: tuple[pm.Pathway, ...]) -> dict[str, Any]:
    """An extract as platforms give it: typed columns, aliases, bad rows, empty and other tables.

    Values are what the Spark frames hold: dates as dates where the column is DATE,
    times as TIMESTAMPs on 1970-01-01, a month as text in one table.
    """
    import pandas as pd

    last = mhsds.month_id_of(AS_OF)
    tables, _ = mhsds.extract_tables(cohort, last_month=last, first_month=last - 11, honos_seed=5)
    frames = {name: pd.DataFrame(rows) for name, rows in tables.items()}
    header = frames["MHS000Header"]
    for column in ("ReportingPeriodStartDate", "ReportingPeriodEndDate"):
        header[column] = header[column].map(_day)
    spells = frames["MHS501HospProvSpell"]
    for column in ("StartDateHospProvSpell", "DischDateHospProvSpell"):
        spells[column] = spells[column].map(_day)
    spells["StartTimeHospProvSpell"] = spells["StartTimeHospProvSpell"].map(
        lambda text: None if text is None else dt.datetime.fromisoformat(f"1970-01-01T{text}")
    )
    stays = frames["MHS502WardStay"]
    for column in ("StartDateWardStay", "EndDateWardStay"):
        stays[column] = stays[column].map(_day)
    stays["UniqMonthID"] = stays["UniqMonthID"].map(str)
    stays.loc[3, "Person_ID"] = None  # a missing value
    reviews = frames["MHS702CPAReview"]
    reviews["CPAReviewDate"] = reviews["CPAReviewDate"].map(
        lambda text: dt.datetime.fromisoformat(f"{text}T00:00:00")
    )
    reviews["Person_ID"] = reviews["Person_ID"].map(lambda person: f" {person} ")  # padded
    extra = reviews.iloc[0].to_dict()
    reviews.loc[len(reviews)] = {**extra, "Person_ID": "SYN-999999"}  # a person with no record
    reviews.loc[len(reviews)] = {**extra, "Person_ID": NHS_NUMBER}
    contacts = frames["MHS201CareContact"]
    contacts.loc[1, "CareContDate"] = "2024-02-30"  # a date that does not exist
    # Every row of MHS607 lacks a column it needs: more than a table's listed problems.
    frames["MHS607CodedScoreAssessmentAct"] = frames["MHS607CodedScoreAssessmentAct"].drop(
        columns=["UniqCareActID"]
    )
    latest = spells[(spells["UniqMonthID"] == last) & spells["DischDateHospProvSpell"].isna()]
    submissions = dict(
        zip(
            header[header["UniqMonthID"] == last]["OrgIDProvider"],
            header[header["UniqMonthID"] == last]["UniqSubmissionID"],
            strict=True,
        )
    )
    ready = []
    restrictive = []
    types = []
    for index, spell in enumerate(latest.head(4).itertuples(index=False)):
        common = {
            "UniqMonthID": last,
            "OrgIDProv": spell.OrgIDProv,
            "UniqSubmissionID": submissions[spell.OrgIDProv],
            "RecordNumber": spell.RecordNumber,
            "Person_ID": spell.Person_ID,
            "UniqHospProvSpellID": spell.UniqHospProvSpellID,
        }
        day = max(spell.StartDateHospProvSpell, dt.date(2025, 1, 6)) + dt.timedelta(days=index)
        start, before = day.isoformat(), (day - dt.timedelta(days=2)).isoformat()
        ready.append(
            {
                **common,
                "MHS518UniqID": f"R{index}",
                "StartDateClinReadyforDisch": start,
                # The last ends before it starts: refused.
                "EndDateClinReadyforDisch": before if index == 3 else None,
                "ClinReadyforDischDelayReason": "24",
                "AttribToIndic": "04",
            }
        )
        restrictive.append(
            {
                **common,
                "UniqRestrictiveIntIncID": f"I{index}",
                "StartDateRestrictiveIntInc": start,
                "EndDateRestrictiveIntInc": start,
                "RestrictiveIntReason": "10",
            }
        )
        types.append(
            {
                **{k: v for k, v in common.items() if k != "UniqHospProvSpellID"},
                "UniqRestrictiveIntIncID": f"I{index}",
                "UniqRestrictiveIntTypeID": f"T{index}",
                "RestrictiveIntType": "04",
                "StartDateRestrictiveIntType": start,
                "EndDateRestrictiveIntType": start,
            }
        )
    for name, added in (
        ("MHS518ClinReadyforDischarge", ready),
        ("MHS505RestrictiveInterventInc", restrictive),
        ("MHS515RestrictiveInterventType", types),
    ):
        frames[name] = pd.concat(
            [frames.get(name, pd.DataFrame()), pd.DataFrame(added)], ignore_index=True
        )
    # Numbers for a code of width 2, as some platforms store it: 4 is read as '04'.
    typed = frames["MHS515RestrictiveInterventType"]
    typed["RestrictiveIntType"] = typed["RestrictiveIntType"].map(int)
    # Given with no rows (and without a column it needs): a problem of the whole table.
    frames["MHS504DelayedDischarge"] = pd.DataFrame(
        columns=["UniqMonthID", "OrgIDProv", "Person_ID", "UniqHospProvSpellID"]
    )
    frames["MHS101Referral"] = pd.DataFrame({"UniqMonthID": [last], "Person_ID": ["SYN-000001"]})
    # The ward stays under the table's number alone, as a platform may name them.
    frames["MHS502"] = frames.pop("MHS502WardStay")
    return frames


_TYPES = {
    "UniqMonthID": "long",
    "UniqSubmissionID": "long",
    "RecordNumber": "long",
    "FileType": "long",
    "RestrictiveIntType": "long",
}


def _spark_tables(spark: Any, frames: dict[str, Any]) -> dict[str, Any]:
    """Each frame as a Spark DataFrame, typed by its values; some in several partitions."""
    import pandas as pd

    tables = {}
    for name, frame in frames.items():
        columns = []
        for column in frame.columns:
            values = [v for v in frame[column].tolist() if v is not None and not pd.isna(v)]
            if values and isinstance(values[0], dt.datetime):
                kind = "timestamp"
            elif values and isinstance(values[0], dt.date):
                kind = "date"
            elif values and isinstance(values[0], str):
                kind = "string"
            else:
                kind = _TYPES.get(column, "string")
            columns.append(f"`{column}` {kind}")
        rows = frame.astype(object).where(frame.notna(), None)
        table = spark.createDataFrame(rows, ", ".join(columns))
        tables[name] = table.repartition(3) if len(frame) > 100 else table
    return tables


class TestReadPathways:
    def test_records_and_account_equal_the_reading_on_one_machine(
        self, spark: Any, cohort: tuple[pm.Pathway, ...]
    ) -> None:
        """The same records, byte for byte, and the same account, problem for problem."""
        from pathway_model.spark import read_pathways

        tables = _spark_tables(spark, _extract(cohort))
        single = mhsds.read_pathways({name: frame.toPandas() for name, frame in tables.items()})

        read = read_pathways(tables)
        records = read.pathways.collect()
        accounting = read.accounting()

        expected = [
            (pathway.placements[0].provider, pathway.person_id, pm.dumps(pathway))
            for pathway in single.pathways
        ]
        assert expected == sorted((r["provider"], r["person_id"], r["pathway"]) for r in records)
        assert single.accounting == accounting
        refused = {
            (name, reason)
            for name, account in accounting.tables.items()
            for reason in account.refused
        }
        assert {
            ("MHS201CareContact", "malformed value"),
            ("MHS502WardStay", "missing value"),
            ("MHS518ClinReadyforDischarge", "ends before it starts"),
            ("MHS607CodedScoreAssessmentAct", "missing column"),
            ("MHS702CPAReview", "no record for the person and provider"),
            ("MHS702CPAReview", "malformed value"),
        } <= refused
        assert ["MHS101Referral"] == list(accounting.not_read)
        assert any(
            p.row is None and p.table == "MHS504DelayedDischarge" for p in accounting.problems
        )
        assert any(r.recorded_readiness for r in single.pathways)
        assert any(r.incidents for r in single.pathways)
        assert NHS_NUMBER not in str([str(p) for p in accounting.problems])

    def test_the_header_is_needed(self, spark: Any, cohort: tuple[pm.Pathway, ...]) -> None:
        """Without MHS000Header no executor could choose a provider-month's submission."""
        from pathway_model.spark import read_pathways

        tables = _spark_tables(spark, _extract(cohort[:5]))
        del tables["MHS000Header"]

        with pytest.raises(pm.ValidationError) as caught:
            read_pathways(tables)

        assert "MHS000Header" == caught.value.problems[0].path
