"""Pathway records written out as an MHSDS extract, and read back to the same figures."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from pathlib import Path

import attrs
import pytest

import pathway_model as pm
from pathway_model.catalogue import DELAY_REASONS_V5, DELAY_REASONS_V6, SECURE_PATHWAY
from pathway_model.errors import ValidationError, WrongTypeError
from pathway_model.mhsds import (
    DEFAULT_STAGE_MAPPING,
    EXTRACT_COLUMNS,
    V5_TO_V6_DELAY_REASONS,
    DuplicateLayer,
    ReadyPeriod,
    StayDates,
    bed_days,
    extract_tables,
    month_id_of,
    national_measures,
    read_extract,
    read_pathways,
    ready_days,
    write_extract,
)
from pathway_model.synthetic import CohortParameters, synthetic_cohort

pytest.importorskip("pandas")

HOSPITAL = ("high_secure", "medium_secure", "low_secure")
V6_START = dt.date(2024, 4, 1)


def worked_example() -> pm.Pathway:
    """The person of the MHSDS worked example, as a record (see "Reading MHSDS extracts")."""
    return pm.Pathway(
        person_id="SYN0001",
        definition_id="secure_pathway",
        definition_version="1.0.0",
        placements=[
            pm.Placement(
                id="WS1",
                stage="medium_secure",
                provider="ZZ1",
                start=dt.date(2024, 5, 10),
                end=dt.date(2024, 11, 4),
            ),
            pm.Placement(
                id="WS2",
                stage="low_secure",
                provider="ZZ1",
                start=dt.date(2024, 11, 4),
                end=dt.date(2025, 3, 20),
            ),
            pm.Placement(id="C1", stage="community", provider="ZZ1", start=dt.date(2025, 3, 20)),
        ],
        reviews=[
            pm.Review(id=f"R{n}", date=day)
            for n, day in enumerate(
                (dt.date(2024, 8, 5), dt.date(2024, 11, 1), dt.date(2025, 2, 3)), start=1
            )
        ],
        recorded_readiness=[
            pm.RecordedReadiness(
                id="7001",
                start=dt.date(2025, 2, 3),
                end=dt.date(2025, 2, 28),
                delay_reason="24",
                reason_list=DELAY_REASONS_V6.id,
            ),
            pm.RecordedReadiness(
                id="7002",
                start=dt.date(2025, 2, 28),
                end=dt.date(2025, 3, 20),
                delay_reason="32",
                reason_list=DELAY_REASONS_V6.id,
            ),
        ],
    )


class TestWorkedExample:
    """The worked example, written by the writer and read back, figure for figure."""

    def read(self, tmp_path: Path) -> tuple[pm.Pathway, object]:
        write_extract([worked_example()], tmp_path, last_month=1500, providers={"ZZ1": "ZZ1"})
        extract = read_extract(tmp_path)
        pathways = read_pathways(tmp_path).pathways
        assert len(pathways) == 1
        return pathways[0], extract

    def test_months_and_rows(self, tmp_path: Path) -> None:
        """One spell sent May 2024 to March 2025 (11 months), the refresh of February twice."""
        written = write_extract(
            [worked_example()], tmp_path, last_month=1500, providers={"ZZ1": "ZZ1"}
        )
        assert (written.first_month, written.last_month) == (1490, 1500)
        # 11 months of the spell, and February (1499) again in its refresh.
        assert written.rows["MHS501HospProvSpell"] == 12
        # WS1 May-November (7 months), WS2 November-March (5), February again.
        assert written.rows["MHS502WardStay"] == 7 + 5 + 1
        # 7001 in February; 7002 in February (open) and March (ended); February again.
        assert written.rows["MHS518ClinReadyforDischarge"] == 3 + 2
        assert written.rows["MHS702CPAReview"] == 3 + 1  # the February review twice
        assert written.left_out == {}
        assert [path.name for path in written.files] == [
            f"{name}.csv" for name in EXTRACT_COLUMNS if name in written.rows
        ]

    def test_an_end_shows_from_the_month_it_falls_in(self, tmp_path: Path) -> None:
        write_extract([worked_example()], tmp_path, last_month=1500, providers={"ZZ1": "ZZ1"})
        with (tmp_path / "MHS501HospProvSpell.csv").open(encoding="utf-8") as file:
            rows = list(csv.DictReader(file))
        ends = {row["UniqMonthID"]: row["DischDateHospProvSpell"] for row in rows}
        assert ends["1499"] == ""
        assert ends["1500"] == "2025-03-20"
        assert {
            row["DestOfDischHospProvSpell"] for row in rows if row["UniqMonthID"] == "1500"
        } == {"19"}

    def test_read_back(self, tmp_path: Path) -> None:
        pathway, _ = self.read(tmp_path)
        assert [(p.stage, p.start, p.end) for p in pathway.placements] == [
            ("medium_secure", dt.date(2024, 5, 10), dt.date(2024, 11, 4)),
            ("low_secure", dt.date(2024, 11, 4), dt.date(2025, 3, 20)),
            ("community", dt.date(2025, 3, 20), None),
        ]
        assert [p.id for p in pathway.placements[:2]] == ["ward-stay:WS1", "ward-stay:WS2"]
        assert [r.date for r in pathway.reviews] == [r.date for r in worked_example().reviews]
        assert [
            (r.start, r.end, r.delay_reason, r.reason_list) for r in pathway.recorded_readiness
        ] == [
            (r.start, r.end, r.delay_reason, r.reason_list)
            for r in worked_example().recorded_readiness
        ]

    def test_figures(self, tmp_path: Path) -> None:
        """Bed days 30 in November, 314 in all; MHS26 44 (24 by reason 24, 20 by 32)."""
        _, extract = self.read(tmp_path)
        measures = national_measures(
            extract,  # type: ignore[arg-type]
            period_start=dt.date(2024, 5, 1),
            period_end=dt.date(2025, 3, 31),
        ).england
        november = {m.month_id: m.days for m in measures.bed_days.months}[1496]
        assert (november, measures.bed_days.days) == (30, 314)
        assert measures.ready_days.days == 44
        assert dict(measures.ready_days.by_reason) == {"24": 24, "32": 20}
        assert measures.length_of_stay.discharged == 1
        assert measures.length_of_stay.discharged_median == 314

    def test_the_refresh_is_dropped_by_the_submission_layer(self, tmp_path: Path) -> None:
        _, extract = self.read(tmp_path)
        account = extract.accounting.tables["MHS501HospProvSpell"]  # type: ignore[attr-defined]
        assert account.read == 12
        assert account.duplicates[DuplicateLayer.SUBMISSION] == 1
        assert account.duplicates[DuplicateLayer.LATEST_VERSION] == 10
        assert account.used == 1


def _hospital(pathway: pm.Pathway) -> list[pm.Placement]:
    return [p for p in pathway.placements if p.stage in HOSPITAL]


def _runs(pathway: pm.Pathway) -> list[list[pm.Placement]]:
    """Hospital placements in runs with one provider, as the spells the writer makes."""
    runs: list[list[pm.Placement]] = []
    for placement in _hospital(pathway):
        last = runs[-1][-1] if runs else None
        if last is not None and last.provider == placement.provider and last.end == placement.start:
            runs[-1].append(placement)
        else:
            runs.append([placement])
    return runs


def _merged(placements: Iterable[pm.Placement]) -> list[tuple[str, dt.date, dt.date | None]]:
    """Consecutive placements in one stage as one (the reader merges them, as one stay)."""
    merged: list[tuple[str, dt.date, dt.date | None]] = []
    for p in placements:
        if merged and merged[-1][0] == p.stage and merged[-1][2] == p.start:
            merged[-1] = (p.stage, merged[-1][1], p.end)
        else:
            merged.append((p.stage, p.start, p.end))
    return merged


def _with_events(pathway: pm.Pathway) -> pm.Pathway:
    """The record with a readiness period at the end of each closed hospital run, and a
    restrictive intervention early in each hospital placement."""
    periods = []
    for number, run in enumerate(_runs(pathway), start=1):
        end = run[-1].end
        if end is None or (end - run[-1].start).days < 40:
            continue
        start = end - dt.timedelta(days=30)
        if start >= V6_START and run[-1].start < V6_START - dt.timedelta(days=20):
            start = V6_START - dt.timedelta(days=20)  # open across the change of version
        v5 = start < V6_START
        periods.append(
            pm.RecordedReadiness(
                id=f"rr-{number}",
                start=start,
                end=end,
                delay_reason="M1" if v5 else "32",
                reason_list=(DELAY_REASONS_V5 if v5 else DELAY_REASONS_V6).id,
                attributable_to="04",
            )
        )
    interventions = [
        pm.Incident(
            id=f"ri-{number}",
            date=placement.start + dt.timedelta(days=5),
            kind=pm.IncidentKind.RESTRICTIVE_INTERVENTION,
            severity=pm.IncidentSeverity.SERIOUS,
            intervention_type="05",
        )
        for number, placement in enumerate(_hospital(pathway), start=1)
        if placement.end is None or (placement.end - placement.start).days > 5
    ]
    return attrs.evolve(
        pathway,
        recorded_readiness=periods,
        incidents=[*pathway.incidents, *interventions],
    )


AS_OF = dt.date(2025, 1, 1)
LAST = month_id_of(AS_OF)
FIRST = month_id_of(dt.date(2020, 1, 1))


@pytest.fixture(scope="module")
def cohort() -> tuple[pm.Pathway, ...]:
    records = synthetic_cohort(CohortParameters(people_in_care=60), seed=5, as_of=AS_OF)
    return tuple(_with_events(record) for record in records)


@pytest.fixture(scope="module")
def written(
    cohort: tuple[pm.Pathway, ...], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, object]:
    folder = tmp_path_factory.mktemp("extract")
    account = write_extract(cohort, folder, last_month=LAST, first_month=FIRST, honos_seed=7)
    return folder, account


def _in_window(end: dt.date | None) -> bool:
    return end is None or month_id_of(end) >= FIRST


class TestRoundTrip:
    """A synthetic cohort, with readiness across the change of version, read back."""

    def test_hospital_placements(self, cohort: tuple[pm.Pathway, ...], written: tuple) -> None:
        folder, account = written
        back = read_pathways(folder)
        assert back.accounting.refused == 0
        assert all(pm.check_pathway(record, SECURE_PATHWAY) == () for record in back.pathways)
        by_person: dict[str, list[pm.Placement]] = {}
        for record in back.pathways:
            by_person.setdefault(record.person_id, []).extend(_hospital(record))
        compared = 0
        for record in cohort:
            expected = []
            for run in _runs(record):
                if _in_window(run[-1].end):
                    expected += [p for p in run if _in_window(p.end)]
            found = sorted(by_person.get(record.person_id, []), key=lambda p: p.start)
            assert _merged(found) == _merged(expected), record.person_id
            codes = {p.provider for p in found}
            assert codes <= set(account.providers.values())
            compared += len(expected)
        assert compared > 100

    def test_community_only_after_a_discharge_home(
        self, cohort: tuple[pm.Pathway, ...], written: tuple
    ) -> None:
        """A move to another provider's hospital ends the first provider's record there.

        After a discharge home, or one whose destination is not known (the source record
        ends there), the reader puts the person in the community stage, as its default
        mapping says.
        """
        folder, _ = written
        back = read_pathways(folder)
        moves = 0
        for record in back.pathways:
            for before, after in zip(record.placements, record.placements[1:], strict=False):
                if after.stage == "community":
                    source = next(r for r in cohort if r.person_id == record.person_id)
                    following = [p for p in source.placements if p.start == after.start]
                    assert [p.stage for p in following] in ([], ["community"], ["discharged"])
                    if not following:
                        assert source.placements[-1].end == after.start
                    assert before.end == after.start
                    moves += 1
        assert moves > 10

    def test_readiness_periods(self, cohort: tuple[pm.Pathway, ...], written: tuple) -> None:
        """Each period once, with its v6 code when it was still open in April 2024."""
        folder, _ = written
        back = read_pathways(folder)
        found = sorted(
            (r.person_id, p.start, p.end, p.delay_reason, p.reason_list)
            for r in back.pathways
            for p in r.recorded_readiness
        )
        expected = []
        for record in cohort:
            for period in record.recorded_readiness:
                if not _in_window(period.end):
                    continue
                assert period.end is not None
                if period.reason_list == DELAY_REASONS_V5.id and period.end >= V6_START:
                    reason, listed = V5_TO_V6_DELAY_REASONS[period.delay_reason or ""], "v6"
                else:
                    reason, listed = (
                        period.delay_reason,
                        ("v6" if period.reason_list == DELAY_REASONS_V6.id else "v5"),
                    )
                reason_list = {"v5": DELAY_REASONS_V5.id, "v6": DELAY_REASONS_V6.id}[listed]
                expected.append((record.person_id, period.start, period.end, reason, reason_list))
        assert found == sorted(expected)
        spanning = [e for e in expected if e[1] < V6_START <= e[2]]
        assert spanning, "the cohort must hold a period across the change of version"
        account = back.accounting.tables["MHS504DelayedDischarge"]
        assert account.duplicates[DuplicateLayer.LATEST_VERSION] >= len(spanning)

    def test_restrictive_interventions(
        self, cohort: tuple[pm.Pathway, ...], written: tuple
    ) -> None:
        folder, account = written
        back = read_pathways(folder)
        found = sorted(
            (r.person_id, i.date, i.intervention_type)
            for r in back.pathways
            for i in r.incidents
            if i.kind is pm.IncidentKind.RESTRICTIVE_INTERVENTION
        )
        expected = sorted(
            (r.person_id, i.date, i.intervention_type)
            for r in cohort
            for i in r.incidents
            if i.kind is pm.IncidentKind.RESTRICTIVE_INTERVENTION
            and month_id_of(i.date) >= max(FIRST, 1459)
        )
        assert found == expected
        left = sum(
            1
            for r in cohort
            for i in r.incidents
            if i.kind is pm.IncidentKind.RESTRICTIVE_INTERVENTION
            and month_id_of(i.date) < max(FIRST, 1459)
        )
        assert account.left_out["restrictive intervention outside the months written"] == left

    def test_national_figures_equal_the_records(
        self, cohort: tuple[pm.Pathway, ...], written: tuple
    ) -> None:
        """Bed days and MHS26 ready days from the extract equal those of the records."""
        folder, account = written
        measures = national_measures(
            read_extract(folder),
            period_start=dt.date(2020, 1, 1),
            period_end=dt.date(2024, 12, 31),
        )
        stays: dict[str, list[StayDates]] = {}
        periods: dict[str, list[ReadyPeriod]] = {}
        for record in cohort:
            for number, run in enumerate(_runs(record), start=1):
                code = account.providers[run[0].provider]
                stays.setdefault(code, []).extend(StayDates(start=p.start, end=p.end) for p in run)
                for period in record.recorded_readiness:
                    if run[0].start <= period.start < (run[-1].end or dt.date.max):
                        periods.setdefault(code, []).append(
                            ReadyPeriod(
                                id=period.id,
                                spell_id=f"{record.person_id}-S{number}",
                                start=period.start,
                                end=period.end,
                            )
                        )
        window = (FIRST, LAST - 1)
        for provider in measures.providers:
            assert provider.bed_days.days == bed_days(stays[provider.provider], *window).days
            expected_ready = ready_days(periods.get(provider.provider, []), *window).days
            assert provider.ready_days.days == expected_ready
        assert measures.england.ready_days.days > 0
        assert measures.england.honos_completeness.assessments > 0

    def test_honos_assessments_read_back(self, written: tuple) -> None:
        folder, account = written
        extract = read_extract(folder)
        assert (
            len(extract.coded_scores)
            == account.rows["MHS607CodedScoreAssessmentAct"]
            - (
                extract.accounting.tables["MHS607CodedScoreAssessmentAct"].duplicates[
                    DuplicateLayer.SUBMISSION
                ]
            )
        )


class TestDeterminism:
    def test_same_rows_whatever_the_order(self, cohort: tuple[pm.Pathway, ...]) -> None:
        forward, _ = extract_tables(cohort, last_month=LAST, first_month=FIRST, honos_seed=1)
        backward, _ = extract_tables(
            reversed(cohort), last_month=LAST, first_month=FIRST, honos_seed=1
        )
        assert forward == backward

    def test_same_bytes(self, cohort: tuple[pm.Pathway, ...], tmp_path: Path) -> None:
        one = write_extract(cohort[:20], tmp_path / "one", last_month=LAST, honos_seed=3)
        two = write_extract(cohort[:20][::-1], tmp_path / "two", last_month=LAST, honos_seed=3)
        for a, b in zip(one.files, two.files, strict=True):
            assert a.read_bytes() == b.read_bytes()


class TestWindowAndArguments:
    def test_items_before_the_window_are_counted_not_written(self, tmp_path: Path) -> None:
        written = write_extract(
            [worked_example()], tmp_path, last_month=1500, first_month=1497, providers={"ZZ1": "A"}
        )
        # WS1 ended in November 2024 (1496): before the window.
        assert written.left_out == {
            "review outside the months written": 2,
            "ward stay outside the months written": 1,
        }
        back = read_pathways(tmp_path).pathways[0]
        assert [(p.stage, p.start) for p in back.placements] == [
            ("low_secure", dt.date(2024, 11, 4)),
            ("community", dt.date(2025, 3, 20)),
        ]

    def test_parquet(self, tmp_path: Path) -> None:
        pytest.importorskip("pyarrow")
        written = write_extract(
            [worked_example()], tmp_path, last_month=1500, file_format="parquet"
        )
        assert all(path.suffix == ".parquet" for path in written.files)
        back = read_pathways(tmp_path).pathways[0]
        assert len(back.recorded_readiness) == 2

    @pytest.mark.parametrize(
        ("arguments", "error", "path"),
        [
            ({"pathways": "SYN0001"}, WrongTypeError, "pathways"),
            ({"pathways": [1]}, WrongTypeError, "pathways[0]"),
            ({"last_month": "1500"}, WrongTypeError, "last_month"),
            ({"last_month": 0}, ValidationError, None),
            ({"first_month": 1501}, ValidationError, "first_month"),
            ({"providers": {"Other": "X"}}, ValidationError, "providers"),
            ({"providers": {"ZZ1": "two words"}}, ValidationError, "providers"),
            ({"file_format": "xlsx"}, ValidationError, "file_format"),
        ],
    )
    def test_bad_arguments(
        self, tmp_path: Path, arguments: dict[str, object], error: type, path: str | None
    ) -> None:
        given: dict[str, object] = {"pathways": [worked_example()], "last_month": 1500}
        given.update(arguments)
        with pytest.raises(error) as raised:
            write_extract(folder=tmp_path, **given)  # type: ignore[arg-type]
        if path is not None:
            assert raised.value.problems[0].path == path  # type: ignore[attr-defined]

    def test_two_records_of_one_person_are_refused(self, tmp_path: Path) -> None:
        with pytest.raises(ValidationError) as raised:
            write_extract([worked_example()] * 2, tmp_path, last_month=1500)
        assert raised.value.problems[0].path == "pathways"

    def test_an_unwritable_folder(self, tmp_path: Path) -> None:
        blocker = tmp_path / "file"
        blocker.write_text("x", encoding="utf-8")
        with pytest.raises(ValidationError) as raised:
            write_extract([worked_example()], blocker / "inside", last_month=1500)
        assert raised.value.problems[0].path == "folder"


class TestDischargeDestination:
    """A move to another provider's hospital is never read as time in the community."""

    def transfer(self) -> pm.Pathway:
        return pm.Pathway(
            person_id="SYN0002",
            definition_id="secure_pathway",
            definition_version="1.0.0",
            placements=[
                pm.Placement(
                    id="M",
                    stage="medium_secure",
                    provider="A",
                    start=dt.date(2024, 5, 10),
                    end=dt.date(2024, 9, 1),
                ),
                pm.Placement(
                    id="L",
                    stage="low_secure",
                    provider="B",
                    start=dt.date(2024, 9, 1),
                    end=dt.date(2025, 1, 15),
                ),
                pm.Placement(id="C", stage="community", provider="B", start=dt.date(2025, 1, 15)),
            ],
        )

    def test_transfer_ends_the_first_providers_record(self, tmp_path: Path) -> None:
        write_extract([self.transfer()], tmp_path, last_month=1500)
        with (tmp_path / "MHS501HospProvSpell.csv").open(encoding="utf-8") as file:
            ended = {
                row["OrgIDProv"]: row["DestOfDischHospProvSpell"]
                for row in csv.DictReader(file)
                if row["DischDateHospProvSpell"]
            }
        assert ended == {"ZZ1": "53", "ZZ2": "19"}  # low secure elsewhere; home
        first, second = read_pathways(tmp_path).pathways
        assert [(p.stage, p.end) for p in first.placements] == [
            ("medium_secure", dt.date(2024, 9, 1))
        ]
        assert [(p.stage, p.start) for p in second.placements] == [
            ("low_secure", dt.date(2024, 9, 1)),
            ("community", dt.date(2025, 1, 15)),
        ]

    def test_a_mapping_without_the_codes_reads_community(self, tmp_path: Path) -> None:
        """The codes are data: with none, the old reading (community after any discharge)."""
        write_extract([self.transfer()], tmp_path, last_month=1500)
        mapping = attrs.evolve(DEFAULT_STAGE_MAPPING, not_community=())
        first = read_pathways(tmp_path, mapping=mapping).pathways[0]
        assert [p.stage for p in first.placements] == ["medium_secure", "community"]

    def test_no_move_the_pathway_does_not_have(self, tmp_path: Path) -> None:
        """A high secure stay whose destination is not known ends the record: the secure
        pathway has no move from high secure straight to the community."""
        record = pm.Pathway(
            person_id="SYN0003",
            definition_id="secure_pathway",
            definition_version="1.0.0",
            placements=[
                pm.Placement(
                    id="H",
                    stage="high_secure",
                    provider="A",
                    start=dt.date(2023, 5, 10),
                    end=dt.date(2024, 9, 1),
                )
            ],
        )
        write_extract([record], tmp_path, last_month=1500)
        (back,) = read_pathways(tmp_path).pathways
        assert [(p.stage, p.end) for p in back.placements] == [("high_secure", dt.date(2024, 9, 1))]
        assert pm.check_pathway(back, SECURE_PATHWAY) == ()
