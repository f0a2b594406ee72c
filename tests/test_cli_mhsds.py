"""The ``pathway-model mhsds`` commands: ``synthetic``, ``pathways`` and ``report``.

The extracts are folders of CSV files written by hand: the worked example of the docs page
"Reading MHSDS extracts" (``tests/fixtures/mhsds``: provider ``ZZ1``, person ``SYN0001``;
a spell from 2024-05-10 to 2025-03-20, ward stays WS1 medium secure to 2024-11-04 and WS2
low secure to discharge, readiness rows #7001 and #7102, three CPA reviews), copied into
``tmp_path`` and changed a line at a time.

Hand-computed figures of the worked example, over May 2024 to March 2025:

- bed days 314: WS1 2024-05-10 to 2024-11-04 is 22 + 30 + 31 + 31 + 30 + 31 + 3 = 178,
  WS2 2024-11-04 to 2025-03-20 is 27 + 31 + 31 + 28 + 19 = 136;
- MHS26 ready days 44: #7001 from the day after its start, 2025-02-04, to 2025-02-28 is
  24 (reason 24), #7102 2025-02-28 to 2025-03-20 is 20 (reason 32);
- the cohort report's recorded ready days 45: 25 + 20, each period from its first day.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import sys
from pathlib import Path
from typing import Any

import attrs
import pytest

import pathway_model as pm
from pathway_model import cli
from pathway_model.cli import _app
from pathway_model.mhsds import BED_DAYS, ENGLAND, READY_DAYS, read_pathways

pytest.importorskip("pandas")

ROOT = Path(__file__).resolve().parents[1]
WORKED_EXAMPLE = ROOT / "tests" / "fixtures" / "mhsds"
PREFIX = "pathway-model: error: "
WARNING = "pathway-model: warning: "
SPELLS, STAYS, READY = "MHS501HospProvSpell", "MHS502WardStay", "MHS518ClinReadyforDischarge"
#: Clinical free text that must never reach any output.
SECRET = "Patient said something private"
#: The worked example's reporting period: its spell's months.
PERIOD = ("--period-start", "2024-05-01", "--period-end", "2025-03-31")


@attrs.frozen(kw_only=True)
class Run:
    """What one run of the command did."""

    code: int
    out: str
    err: str

    @property
    def error_lines(self) -> list[str]:
        return self.err.splitlines()

    @property
    def warnings(self) -> list[str]:
        return [line.removeprefix(WARNING) for line in self.error_lines if line.startswith(WARNING)]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Any:
    def call(*argv: str) -> Run:
        code = cli.main(list(argv))
        captured = capsys.readouterr()
        return Run(code=code, out=captured.out, err=captured.err)

    return call


def extract(tmp_path: Path, name: str = "extract") -> Path:
    """A copy of the worked example's folder, to change."""
    folder = tmp_path / name
    shutil.copytree(WORKED_EXAMPLE, folder)
    return folder


def edit(folder: Path, table: str, old: str, new: str) -> None:
    """Change the text of one table's file, once."""
    path = folder / f"{table}.csv"
    text = path.read_text(encoding="utf-8")
    assert 1 == text.count(old), old
    path.write_text(text.replace(old, new), encoding="utf-8")


def with_free_text(folder: Path) -> Path:
    """The worked example with a note typed into #7001's delay reason (row 0, line 2)."""
    edit(folder, READY, ",7001,2025-02-03,2025-02-28,24,", f",7001,2025-02-03,2025-02-28,{SECRET},")
    return folder


def with_a_second_provider(folder: Path) -> Path:
    """The worked example sent, unchanged, by provider ZZ2 as well."""
    for path in folder.iterdir():
        header, *rows = path.read_text(encoding="utf-8").splitlines()
        copies = [row.replace(",ZZ1,", ",ZZ2,") for row in rows]
        path.write_text("\n".join([header, *rows, *copies]) + "\n", encoding="utf-8")
    return folder


def without(folder: Path, table: str) -> Path:
    (folder / f"{table}.csv").unlink()
    return folder


# --- the command table ---------------------------------------------------------------------------


class TestCommandTable:
    def test_the_group_and_its_commands_are_registered(self) -> None:
        """``mhsds`` is a group of three commands, each in the module ``_mhsds``."""
        assert (
            True,
            {"pathways", "report", "synthetic"},
            {"pathway_model.cli._mhsds"},
        ) == (
            "mhsds" in _app.GROUPS,
            {words[1] for words in _app.COMMANDS if words[0] == "mhsds"},
            {info.module for words, info in _app.COMMANDS.items() if words[0] == "mhsds"},
        )

    @pytest.mark.parametrize(
        "argv",
        [
            ["mhsds", "pathways", "x", "-o", "p.jsonl", "--accounting", "a.json", "--strict"],
            ["--progress", "mhsds", "report", "x", "--period-end", "2025-03-31", "--json"],
            ["mhsds", "report", "x", "--period-end", "2025-03-31", "--submissions", "provisional"],
            ["mhsds", "synthetic", "out", "--people", "20", "--seed", "7", "--format", "csv"],
        ],
    )
    def test_a_command_line_is_read_as_the_full_parser_reads_it(self, argv: list[str]) -> None:
        """Building only the command that runs reads a command line as the full parser does."""
        assert vars(_app.build_parser().parse_args(argv)) == vars(_app._parse(argv))

    def test_the_group_lists_its_commands(self, run: Any) -> None:
        """``mhsds --help`` lists the three commands, with their summaries."""
        result = run("mhsds", "--help")
        words = " ".join(result.out.split())  # help wraps long summaries
        assert (0, True) == (
            result.code,
            all(summary in words for summary in (
                _app.COMMANDS["mhsds", name].summary for name in ("pathways", "report", "synthetic")
            )),
        )  # fmt: skip


class TestTheWorkedExampleFolder:
    def test_it_reads_as_the_worked_example_of_the_reader_tests(self) -> None:
        """The committed CSV files give the records and account that the frames give."""
        from tests.test_mhsds_tables import worked_example

        from_files, from_frames = read_pathways(WORKED_EXAMPLE), read_pathways(worked_example())
        assert (from_frames.pathways, dict(from_frames.accounting.tables)) == (
            from_files.pathways,
            dict(from_files.accounting.tables),
        )


# --- mhsds pathways ------------------------------------------------------------------------------


class TestPathways:
    def test_each_record_is_one_compact_document_a_line(self, run: Any) -> None:
        """One line, the record as ``dumps`` writes it; exit 0."""
        (record,) = read_pathways(WORKED_EXAMPLE).pathways
        result = run("mhsds", "pathways", str(WORKED_EXAMPLE))
        assert (0, pm.dumps(record) + "\n") == (result.code, result.out)

    def test_the_lines_read_back_as_the_records(self, run: Any, tmp_path: Path) -> None:
        """Two providers: two records, ZZ1's then ZZ2's, each loading back as read."""
        folder = with_a_second_provider(extract(tmp_path))
        result = run("mhsds", "pathways", str(folder))
        loaded = [pm.loads(line, pm.Pathway) for line in result.out.splitlines()]
        assert (["ZZ1", "ZZ2"], list(read_pathways(folder).pathways)) == (
            [record.placements[0].provider for record in loaded],
            loaded,
        )

    def test_the_account_is_summed_up_on_stderr(self, run: Any) -> None:
        """12 rows in 4 tables: 8 used, 4 dropped as later versions, none refused."""
        result = run("mhsds", "pathways", str(WORKED_EXAMPLE))
        lines = result.error_lines
        assert [
            (
                f"Read {WORKED_EXAMPLE}: 12 rows in 4 tables: 8 used, 4 dropped as duplicates, "
                "0 refused."
            ),
            "  MHS501HospProvSpell: 2 read, 1 used, 1 duplicate (latest_version 1), 0 refused",
            "  MHS502WardStay: 4 read, 2 used, 2 duplicates (latest_version 2), 0 refused",
            (
                "  MHS518ClinReadyforDischarge: 3 read, 2 used, 1 duplicate (latest_version 1), "
                "0 refused"
            ),
            "  MHS702CPAReview: 3 read, 3 used, 0 duplicates, 0 refused",
            "Wrote 1 record (1 person at 1 provider).",
        ] == lines[:6]
        (conventions,) = lines[6:]
        assert {"submission", "latest_version", "stage", "after_discharge"} <= set(
            conventions.removeprefix("Conventions applied (each in full in --accounting FILE): ")
            .rstrip(".")
            .split(", ")
        )

    def test_output_goes_to_the_file_given(self, run: Any, tmp_path: Path) -> None:
        """With -o, the records are in the file and nothing is on stdout."""
        out = tmp_path / "records.jsonl"
        result = run("mhsds", "pathways", str(WORKED_EXAMPLE), "-o", str(out))
        assert (0, "", 1, True) == (
            result.code,
            result.out,
            len(out.read_text(encoding="utf-8").splitlines()),
            f"to {out}." in result.err,
        )

    def test_a_refused_row_is_a_warning_counted_by_table_and_reason(
        self, run: Any, tmp_path: Path
    ) -> None:
        """A note in a code field refuses its row: a warning, exit 0, the record still written."""
        result = run("mhsds", "pathways", str(with_free_text(extract(tmp_path))))
        assert (0, 1, [
            "MHS518ClinReadyforDischarge: 1 row refused: malformed value",
            "give --accounting FILE for each refused row's file, line, field and reason",
        ]) == (result.code, len(result.out.splitlines()), result.warnings)  # fmt: skip

    def test_the_accounting_file_holds_every_count_and_problem(
        self, run: Any, tmp_path: Path
    ) -> None:
        """The JSON account: totals, each table's counts, and the problem with its line."""
        folder = with_free_text(extract(tmp_path))
        account = tmp_path / "account.json"
        result = run("mhsds", "pathways", str(folder), "--accounting", str(account))
        document = json.loads(account.read_text(encoding="utf-8"))
        assert (0, [], (12, 7, 4, 1)) == (
            result.code,
            [line for line in result.error_lines if not line.startswith(WARNING)],
            (document["read"], document["used"], document["duplicates"], document["refused"]),
        )
        assert {
            "read": 3,
            "used": 1,
            "duplicates": {"submission": 0, "month_snapshot": 0, "latest_version": 1},
            "refused": {"malformed value": 1},
        } == document["tables"][READY]
        assert [
            {
                "table": READY,
                "source": f"{READY}.csv",
                "row": 0,
                "line": 2,
                "field": "ClinReadyforDischDelayReason",
                "reason": "malformed value",
                "expected": "a code (text of up to 64 characters, no spaces)",
                "found": "text of 30 characters (not shown)",
            }
        ] == document["problems"]
        assert (1000, [], True) == (
            document["problems_kept_per_table"],
            document["not_read"],
            {"submission", "latest_version", "stage"} <= set(document["conventions"]),
        )

    def test_free_text_is_never_shown(self, run: Any, tmp_path: Path) -> None:
        """The note is in no output: not stdout, stderr, nor the accounting file."""
        folder = with_free_text(extract(tmp_path))
        account = tmp_path / "account.json"
        plain = run("mhsds", "pathways", str(folder))
        with_file = run("mhsds", "pathways", str(folder), "--accounting", str(account))
        report = run("mhsds", "report", str(folder), *PERIOD)
        report_json = run("mhsds", "report", str(folder), *PERIOD, "--json")
        shown = [plain.out, plain.err, with_file.err, account.read_text(encoding="utf-8")]
        shown += [report.out, report.err, report_json.out]
        assert [] == [text for text in shown if SECRET in text]

    def test_strict_refuses_to_write_when_a_row_was_refused(self, run: Any, tmp_path: Path) -> None:
        """--strict: exit 2, the refusals as errors, no records; the account is still written."""
        folder = with_free_text(extract(tmp_path))
        out, account = tmp_path / "records.jsonl", tmp_path / "account.json"
        result = run(
            "mhsds", "pathways", str(folder), "--strict", "-o", str(out),
            "--accounting", str(account),
        )  # fmt: skip
        assert (2, "", False, 1, [
            f"{PREFIX}MHS518ClinReadyforDischarge: 1 row refused: malformed value",
            f"{PREFIX}1 row refused (--strict): no records written",
        ]) == (
            result.code,
            result.out,
            out.exists(),
            json.loads(account.read_text(encoding="utf-8"))["refused"],
            result.error_lines,
        )  # fmt: skip

    def test_strict_on_a_clean_extract_writes_the_records(self, run: Any) -> None:
        """--strict changes nothing when no row was refused."""
        assert run("mhsds", "pathways", str(WORKED_EXAMPLE)).out == (
            run("mhsds", "pathways", str(WORKED_EXAMPLE), "--strict").out
        )

    def test_a_record_breaking_the_definition_is_written_with_a_warning(
        self, run: Any, tmp_path: Path
    ) -> None:
        """High secure straight to low secure is what happened: written, and warned of."""
        folder = extract(tmp_path)
        edit(
            folder,
            STAYS,
            "1496,ZZ1,SYN0001,1,1,R1,S1,WS1,2024-05-10,,,2,",
            "1496,ZZ1,SYN0001,1,1,R1,S1,WS1,2024-05-10,,,3,",
        )
        edit(
            folder,
            STAYS,
            "1497,ZZ1,SYN0001,1,1,R1,S1,WS1,2024-05-10,,2024-11-04,2,",
            "1497,ZZ1,SYN0001,1,1,R1,S1,WS1,2024-05-10,,2024-11-04,3,",
        )
        result = run("mhsds", "pathways", str(folder), "--accounting", str(tmp_path / "a.json"))
        assert (0, 1, [
            ("record ZZ1/SYN0001: $.placements[1].stage: expected a move the definition allows "
            "from 'high_secure' (medium_secure); found 'low_secure'"),
            ("1 record of 1 break the rules of secure-pathway 1.0.0 (written all the same: "
            "'cohort' refuses them)"),
        ]) == (result.code, len(result.out.splitlines()), result.warnings)  # fmt: skip

    def test_the_submission_rule_is_applied(self, run: Any, tmp_path: Path) -> None:
        """With a header of two submissions of month 1500, provisional keeps file type 1's.

        Submission 2 (file type 3, final) sends the spell again, discharged a day later.
        The latest rule keeps it; the provisional rule keeps submission 1, and drops it.
        """
        folder = extract(tmp_path)
        (folder / "MHS000Header.csv").write_text(
            "UniqMonthID,OrgIDProvider,UniqSubmissionID,FileType\n"
            + "".join(f"{m},ZZ1,1,1\n" for m in (1496, 1497, 1499))
            + "1500,ZZ1,1,1\n1500,ZZ1,2,3\n",
            encoding="utf-8",
        )
        path = folder / f"{SPELLS}.csv"
        path.write_text(
            path.read_text(encoding="utf-8")
            + "1500,ZZ1,SYN0001,2,1,R1,S1,2024-05-10,11:00:00,2025-03-21\n",
            encoding="utf-8",
        )

        def discharge(*options: str) -> str:
            (record,) = run("mhsds", "pathways", str(folder), *options).out.splitlines()
            return str(pm.loads(record, pm.Pathway).placements[-1].start)

        assert ["2025-03-21", "2025-03-20"] == [
            discharge(),
            discharge("--submissions", "provisional"),
        ]


class TestReadingErrors:
    @pytest.mark.parametrize("command", [["pathways"], ["report", "--period-end", "2025-03-31"]])
    def test_a_folder_that_does_not_exist(
        self, run: Any, tmp_path: Path, command: list[str]
    ) -> None:
        """Exit 2, naming the folder."""
        missing = tmp_path / "nowhere"
        result = run("mhsds", command[0], str(missing), *command[1:])
        assert (2, "", [f"{PREFIX}{missing}: no such folder"]) == (
            result.code,
            result.out,
            result.error_lines,
        )

    def test_a_file_is_not_a_folder(self, run: Any) -> None:
        """Exit 2: a file given where the extract's folder belongs."""
        name = str(WORKED_EXAMPLE / f"{SPELLS}.csv")
        result = run("mhsds", "pathways", name)
        assert (2, [
            f"{PREFIX}{name}: is a file; give a folder of CSV or parquet files named by table"
        ]) == (result.code, result.error_lines)  # fmt: skip

    @pytest.mark.parametrize("table", [SPELLS, STAYS])
    def test_a_missing_required_table(self, run: Any, tmp_path: Path, table: str) -> None:
        """Without MHS501 or MHS502, exit 2 with one line naming the table."""
        folder = without(extract(tmp_path), table)
        result = run("mhsds", "pathways", str(folder))
        assert (2, "", 1, f"{PREFIX}{folder}: {table}: expected the table {table} ") == (
            result.code,
            result.out,
            len(result.error_lines),
            result.error_lines[0][: len(f"{PREFIX}{folder}: {table}: expected the table {table} ")],
        )

    def test_a_file_type_rule_needs_the_header(self, run: Any) -> None:
        """--submissions performance on an extract without MHS000Header: exit 2, naming it."""
        result = run("mhsds", "pathways", str(WORKED_EXAMPLE), "--submissions", "performance")
        assert (2, True) == (
            result.code,
            result.error_lines[0].startswith(f"{PREFIX}{WORKED_EXAMPLE}: MHS000Header: expected"),
        )

    def test_an_unreadable_file_is_named(self, run: Any, tmp_path: Path) -> None:
        """A table file that is not UTF-8 text: exit 2 naming the file, no traceback."""
        folder = extract(tmp_path)
        (folder / f"{SPELLS}.csv").write_bytes(b"\xff\xfe\x00\x81 not text")
        result = run("mhsds", "pathways", str(folder))
        assert (2, [
            (f"{PREFIX}{folder}: {SPELLS}.csv: expected a readable CSV (UTF-8) or parquet file; "
            "found a file that could not be read (UnicodeDecodeError)")
        ]) == (result.code, result.error_lines)  # fmt: skip

    def test_without_pandas_the_extra_is_named(
        self, run: Any, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Reading needs pandas: when it is missing, exit 2 and say what to install."""
        monkeypatch.setitem(sys.modules, "pandas", None)
        result = run("mhsds", "pathways", str(WORKED_EXAMPLE))
        assert (2, [
            (f"{PREFIX}reading an MHSDS extract needs pandas, which is not installed: "
            "pip install 'pathway-model[mhsds]'")
        ]) == (result.code, result.error_lines)  # fmt: skip


# --- mhsds report --------------------------------------------------------------------------------


def report_json(run: Any, folder: Path, *options: str) -> dict[str, Any]:
    result = run("mhsds", "report", str(folder), *PERIOD, "--json", *options)
    assert (0, 1) == (result.code, len(result.out.splitlines()))
    document: dict[str, Any] = json.loads(result.out)
    return document


def window_value(document: dict[str, Any], provider: str, measure: str, **key: str) -> Any:
    """A figure of the whole window from the report's national measure rows."""
    (value,) = [
        row["value"]
        for row in document["national_measures"]["rows"]
        if (row["provider"], row["month_id"], row["measure"]) == (provider, None, measure)
        and (row["breakdown"], row["code"]) == (key.get("breakdown"), key.get("code"))
    ]
    return value


class TestReportJson:
    def test_the_document_has_the_three_parts(self, run: Any) -> None:
        """The cohort report, the national measures and the account, with the rule used."""
        document = report_json(run, WORKED_EXAMPLE)
        assert (
            ["submissions", "cohort", "national_measures", "accounting"],
            "latest",
            (1490, 1500, "2024-05-01", "2025-03-31"),
        ) == (
            list(document),
            document["submissions"],
            tuple(
                document["national_measures"][key]
                for key in ("first_month", "last_month", "period_start", "period_end")
            ),
        )

    def test_the_national_figures_are_the_hand_computed_ones(self, run: Any) -> None:
        """Bed days 314 (178 + 136); MHS26 ready days 44: reason 24 gives 24, reason 32 20."""
        document = report_json(run, WORKED_EXAMPLE)
        assert (314, 44, 24, 20, 1, 314) == (
            window_value(document, ENGLAND, "bed_days"),
            window_value(document, ENGLAND, "ready_days"),
            window_value(document, ENGLAND, "ready_days", breakdown="reason", code="24"),
            window_value(document, ENGLAND, "ready_days", breakdown="reason", code="32"),
            window_value(document, "ZZ1", "stays_discharged"),
            window_value(document, "ZZ1", "length_of_stay_discharged_median"),
        )

    def test_each_row_names_its_convention_and_each_convention_is_described(self, run: Any) -> None:
        """Every row's convention is one of the conventions listed, with its rule and source."""
        national = report_json(run, WORKED_EXAMPLE)["national_measures"]
        described = {c["code"]: c for c in national["conventions"]}
        by_measure = {row["measure"]: row["convention"] for row in national["rows"]}
        assert (BED_DAYS.code, READY_DAYS.code, set(described)) == (
            by_measure["bed_days"],
            by_measure["ready_days"],
            {row["convention"] for row in national["rows"]},
        )
        assert {"code", "name", "rule", "source", "origin"} == set(described[BED_DAYS.code])

    def test_the_cohort_part_is_what_cohort_writes_for_the_records(
        self, run: Any, tmp_path: Path
    ) -> None:
        """``mhsds pathways`` then ``cohort --json`` over the same window: the same document."""
        folder = with_a_second_provider(extract(tmp_path))
        records = tmp_path / "records.jsonl"
        assert 0 == run("mhsds", "pathways", str(folder), "-o", str(records)).code
        cohort = run(
            "cohort", str(records), "--as-of", "2025-03-31", "--since", "2024-05-01", "--json"
        )
        assert json.loads(cohort.out) == report_json(run, folder)["cohort"]

    def test_the_cohort_reports_recorded_readiness_from_its_first_day(self, run: Any) -> None:
        """The records hold 25 + 20 = 45 recorded ready days; MHS26 counts 44 by its rule."""
        rows = report_json(run, WORKED_EXAMPLE)["cohort"]["rows"]
        (recorded,) = [
            row["value"]
            for row in rows
            if (row["provider"], row["stage"], row["measure"])
            == (None, None, "recorded_ready_days")
        ]
        assert 45 == recorded

    def test_england_sums_the_providers(self, run: Any, tmp_path: Path) -> None:
        """Two providers sending the same rows: England has twice the bed days, 628."""
        document = report_json(run, with_a_second_provider(extract(tmp_path)))
        assert (314, 314, 628) == tuple(
            window_value(document, provider, "bed_days") for provider in ("ZZ1", "ZZ2", ENGLAND)
        )

    def test_the_account_is_the_one_pathways_writes(self, run: Any, tmp_path: Path) -> None:
        """The report's account is the --accounting file of ``mhsds pathways``."""
        folder = with_free_text(extract(tmp_path))
        account = tmp_path / "account.json"
        run("mhsds", "pathways", str(folder), "--accounting", str(account))
        assert (
            json.loads(account.read_text(encoding="utf-8"))
            == (report_json(run, folder)["accounting"])
        )

    def test_a_refused_row_is_not_counted_and_is_warned_of(self, run: Any, tmp_path: Path) -> None:
        """Without #7001, MHS26 counts #7102 alone in March: 2025-03-01 to 2025-03-20, 19 days."""
        folder = with_free_text(extract(tmp_path))
        result = run("mhsds", "report", str(folder), *PERIOD, "--json")
        document = json.loads(result.out)
        assert (0, 19, ["MHS518ClinReadyforDischarge: 1 row refused: malformed value"]) == (
            result.code,
            window_value(document, ENGLAND, "ready_days"),
            result.warnings,
        )

    def test_a_code_off_its_list_is_refused_from_the_records_but_counted_nationally(
        self, run: Any, tmp_path: Path
    ) -> None:
        """#7001 with reason 'XX': off the record, but MHS26 still counts its 24 days, UNKNOWN."""
        folder = extract(tmp_path)
        edit(folder, READY, ",7001,2025-02-03,2025-02-28,24,", ",7001,2025-02-03,2025-02-28,XX,")
        result = run("mhsds", "report", str(folder), *PERIOD, "--json")
        document = json.loads(result.out)
        assert (
            ["MHS518ClinReadyforDischarge: 1 row refused: not a code of the delay reason list"],
            44,
            24,
        ) == (
            result.warnings,
            window_value(document, ENGLAND, "ready_days"),
            window_value(document, ENGLAND, "ready_days", breakdown="reason", code="UNKNOWN"),
        )

    def test_the_same_extract_gives_the_same_bytes(self, run: Any, tmp_path: Path) -> None:
        """Rows in another order in each file: the same JSON, byte for byte."""
        folder = extract(tmp_path)
        first = run("mhsds", "report", str(folder), *PERIOD, "--json").out
        for path in folder.iterdir():
            header, *rows = path.read_text(encoding="utf-8").splitlines()
            path.write_text("\n".join([header, *reversed(rows)]) + "\n", encoding="utf-8")
        assert first == run("mhsds", "report", str(folder), *PERIOD, "--json").out


class TestReportCsv:
    def test_one_header_then_the_tidy_rows(self, run: Any) -> None:
        """provider,month_id,measure,breakdown,code,value,convention; then every figure."""
        result = run("mhsds", "report", str(WORKED_EXAMPLE), *PERIOD, "--csv")
        header, *rows = list(csv.reader(io.StringIO(result.out)))
        national = report_json(run, WORKED_EXAMPLE)["national_measures"]["rows"]
        assert (
            0,
            ["provider", "month_id", "measure", "breakdown", "code", "value", "convention"],
            len(national),
            1,
        ) == (result.code, header, len(rows), result.out.count("provider,month_id"))
        assert ["England", "", "bed_days", "", "", "314", BED_DAYS.code] in rows
        assert ["ZZ1", "1500", "ready_days", "reason", "32", "19", READY_DAYS.code] in rows


class TestReportSuppressed:
    """``--suppress mhsds``: the national rule over the national measures and the cohort."""

    def test_the_csv_hides_small_counts_and_flags_them(self, run: Any) -> None:
        """ZZ1's 0 interventions (below 5) are hidden and flagged; England's are shown."""
        result = run(
            "mhsds", "report", str(WORKED_EXAMPLE), *PERIOD, "--csv", "--suppress", "mhsds"
        )
        header, *rows = list(csv.reader(io.StringIO(result.out)))
        by_key = {(row[0], row[1], row[2], row[3], row[4]): row for row in rows}
        assert ["suppressed", "suppression_reason"] == header[-2:]
        assert ["", "True", "count_below_threshold"] == [
            by_key[("ZZ1", "", "restrictive_interventions", "", "")][i] for i in (5, 7, 8)
        ]
        assert ["0", "False", ""] == [
            by_key[("England", "", "restrictive_interventions", "", "")][i] for i in (5, 7, 8)
        ]

    def test_no_count_below_five_is_shown_but_englands(self, run: Any) -> None:
        """Every count of a provider shown is at least 5, rounded to 5."""
        document = report_json(run, WORKED_EXAMPLE, "--suppress", "mhsds")
        counts = {"bed_days", "ready_days", "restrictive_interventions", "stays_discharged"}
        shown = [
            row["value"]
            for row in document["national_measures"]["rows"]
            if row["provider"] != "England" and row["measure"] in counts and not row["suppressed"]
        ]
        assert shown
        assert all(value >= 5 and value % 5 == 0 for value in shown)
        assert "mhsds" == document["cohort"]["suppression"]

    def test_the_text_marks_hidden_figures(self, run: Any) -> None:
        """'*' for a hidden figure, and the policy named."""
        result = run("mhsds", "report", str(WORKED_EXAMPLE), *PERIOD, "--suppress", "mhsds")
        assert "Published under the disclosure-control policy 'mhsds'" in result.out
        assert "ZZ1                  *                   *" in result.out


class TestReportText:
    def test_it_shows_the_account_the_national_measures_and_the_cohort(self, run: Any) -> None:
        """The heading, the rows read, then the national tables and the cohort report."""
        result = run("mhsds", "report", str(WORKED_EXAMPLE), *PERIOD)
        lines = result.out.splitlines()
        assert (0, "", [
            (f"MHSDS extract {WORKED_EXAMPLE} (submissions: latest): 1 record, reported from "
            "2024-05-01 to 2025-03-31."),
            (f"Read {WORKED_EXAMPLE}: 12 rows in 4 tables: 8 used, 4 dropped as duplicates, "
            "0 refused."),
        ]) == (result.code, result.err, lines[:2])  # fmt: skip
        assert {
            "National measures, 2024-05-01 to 2025-03-31 (UniqMonthID 1490 to 1500).",
            "ZZ1           314          44",
            "England       314          44",
            "1499 (2025-02)        28          25              0                0.00",
            (
                "Cohort report as of 2025-03-31, window from 2024-05-01: 1 record, 1 provider, "
                "3 stages."
            ),
        } <= set(lines)

    def test_the_conventions_come_last(self, run: Any) -> None:
        """Those of the reading and those of the measures, each with its rule."""
        lines = run("mhsds", "report", str(WORKED_EXAMPLE), *PERIOD).out.splitlines()
        start = lines.index("Conventions applied in reading (see 'Reading MHSDS extracts'):")
        assert any(line.startswith(f"  {BED_DAYS.code}: {BED_DAYS}") for line in lines[start:])


class TestReportArguments:
    @pytest.mark.parametrize(
        ("option", "value", "expected"),
        [
            (
                "--period-end",
                "2025-03-30",
                (
                    "expected the last day of a month, as the national measures are monthly "
                    "(e.g. 2025-03-31); found '2025-03-30'"
                ),
            ),
            (
                "--period-end",
                "31/03/2025",
                "expected a date as YYYY-MM-DD, e.g. 2025-01-15; found '31/03/2025'",
            ),
            ("--period-end", "2025-02-29", "expected a date that exists; found '2025-02-29'"),
            (
                "--period-start",
                "2024-05-02",
                (
                    "expected the first day of a month, as the national measures are monthly "
                    "(e.g. 2024-05-01); found '2024-05-02'"
                ),
            ),
        ],
    )
    def test_a_bad_date_exits_2(self, run: Any, option: str, value: str, expected: str) -> None:
        """Each date is YYYY-MM-DD, and a month's last (or first) day."""
        arguments = {"--period-end": "2025-03-31", option: value}
        result = run(
            "mhsds", "report", str(WORKED_EXAMPLE), *(x for kv in arguments.items() for x in kv)
        )
        assert (2, [
            f"{PREFIX}argument {option}: {expected} (see 'pathway-model mhsds report --help')"
        ]) == (result.code, result.error_lines)  # fmt: skip

    def test_the_period_end_is_required(self, run: Any) -> None:
        """No clock is read: without --period-end, exit 2."""
        result = run("mhsds", "report", str(WORKED_EXAMPLE))
        assert (2, True) == (result.code, "--period-end" in result.err)

    def test_a_period_that_ends_before_it_starts(self, run: Any) -> None:
        """--period-start after --period-end: exit 2, naming both."""
        result = run(
            "mhsds", "report", str(WORKED_EXAMPLE),
            "--period-start", "2025-04-01", "--period-end", "2025-03-31",
        )  # fmt: skip
        assert (2, [
            (f"{PREFIX}--period-start: expected a date on or before --period-end (2025-03-31); "
            "found 2025-04-01")
        ]) == (result.code, result.error_lines)  # fmt: skip

    def test_json_and_csv_together_are_refused(self, run: Any) -> None:
        """One output at a time."""
        result = run("mhsds", "report", str(WORKED_EXAMPLE), *PERIOD, "--json", "--csv")
        assert (2, "") == (result.code, result.out)

    def test_strict_writes_no_report_when_a_row_was_refused(self, run: Any, tmp_path: Path) -> None:
        """--strict: exit 2 and no report."""
        folder = with_free_text(extract(tmp_path))
        result = run("mhsds", "report", str(folder), *PERIOD, "--strict", "--json")
        assert (2, "", f"{PREFIX}1 row refused (--strict): no report written") == (
            result.code,
            result.out,
            result.error_lines[-1],
        )

    def test_the_window_defaults_to_the_extracts_first_month(self, run: Any) -> None:
        """Without --period-start: from the earliest month of any row of the extract.

        The spell is first sent in month 1496 (kept from 1500), the ward stays in 1496,
        1497 and 1500: 1496, November 2024, though the kept versions begin in 1497.
        """
        result = run("mhsds", "report", str(WORKED_EXAMPLE), "--period-end", "2025-03-31", "--json")
        national = json.loads(result.out)["national_measures"]
        assert (1496, "2024-11-01") == (national["first_month"], national["period_start"])


# --- mhsds synthetic -----------------------------------------------------------------------------


class TestSyntheticRefusals:
    def test_a_folder_that_is_not_empty_is_refused(self, run: Any, tmp_path: Path) -> None:
        """Without --force, exit 2 and the folder is left as it was."""
        folder = extract(tmp_path)
        before = sorted(path.name for path in folder.iterdir())
        result = run("mhsds", "synthetic", str(folder), "--people", "20")
        assert (2, [
            (f"{PREFIX}{folder}: expected a new or empty folder; found a folder holding 4 files "
            "(give --force to replace the MHSDS tables in it)")
        ], before) == (
            result.code,
            result.error_lines,
            sorted(path.name for path in folder.iterdir()),
        )  # fmt: skip

    def test_a_file_is_refused(self, run: Any, tmp_path: Path) -> None:
        """OUT_DIR names a file: exit 2."""
        path = tmp_path / "extract.csv"
        path.write_text("", encoding="utf-8")
        result = run("mhsds", "synthetic", str(path))
        assert (2, [f"{PREFIX}{path}: is a file; give a new or empty folder"]) == (
            result.code,
            result.error_lines,
        )

    def test_parquet_without_pyarrow_names_the_extra(
        self, run: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """--format parquet needs pyarrow: exit 2 and say what to install; nothing written."""
        monkeypatch.setitem(sys.modules, "pyarrow", None)
        folder = tmp_path / "out"
        result = run("mhsds", "synthetic", str(folder), "--format", "parquet", "--people", "20")
        assert (2, [
            (f"{PREFIX}--format parquet needs pyarrow, which is not installed: "
            "pip install 'pathway-model[mhsds]'")
        ], False) == (result.code, result.error_lines, folder.exists())  # fmt: skip

    @pytest.mark.parametrize(
        ("arguments", "expected"),
        [
            (["--people", "0"], "argument --people: expected a whole number from 1; found '0'"),
            (["--seed", "x"], "argument --seed: expected a whole number; found 'x'"),
            (["--format", "xlsx"], "argument --format: invalid choice: 'xlsx'"),
            (["--as-of", "2025-13-01"], "argument --as-of: expected a date that exists"),
            (
                ["--since", "2025-04-01"],
                "--since: expected a date on or before --as-of (2025-03-31); found 2025-04-01",
            ),
        ],
    )
    def test_bad_arguments_exit_2(
        self, run: Any, tmp_path: Path, arguments: list[str], expected: str
    ) -> None:
        """Each bad argument is one error line, and nothing is written."""
        folder = tmp_path / "out"
        result = run("mhsds", "synthetic", str(folder), *arguments)
        assert (2, True, False) == (
            result.code,
            result.error_lines[0].startswith(PREFIX + expected),
            folder.exists(),
        )

    def test_an_as_of_with_no_month_id_is_refused(self, run: Any, tmp_path: Path) -> None:
        """UniqMonthID begins in April 1900: an earlier --as-of has no month to write."""
        folder = tmp_path / "out"
        result = run("mhsds", "synthetic", str(folder), "--as-of", "1900-03-31")
        assert (2, [
            (f"{PREFIX}argument --as-of: expected a date from 1900-04-01, when UniqMonthID "
            "begins; found 1900-03-31 (see 'pathway-model mhsds synthetic --help')")
        ], False) == (result.code, result.error_lines, folder.exists())  # fmt: skip


def synthetic(run: Any, folder: Path, *options: str) -> Run:
    """Write a small synthetic extract (20 people in care), which must succeed."""
    result: Run = run("mhsds", "synthetic", str(folder), "--people", "20", *options)
    assert (0, "") == (result.code, result.out), result.err
    return result


def listed_rows(result: Run) -> dict[str, int]:
    """The rows of each file, as the lines on stderr list them."""
    rows = {}
    for line in result.error_lines:
        if line.startswith("  MHS"):
            name, count = line.split()
            rows[name] = int(count.replace(",", ""))
    return rows


class TestSynthetic:
    def test_each_file_listed_holds_the_rows_listed(self, run: Any, tmp_path: Path) -> None:
        """Each file written is listed with its data rows (its lines less the header)."""
        folder = tmp_path / "out"
        listed = listed_rows(synthetic(run, folder))
        on_disk = {
            path.name: len(path.read_text(encoding="utf-8").splitlines()) - 1
            for path in folder.iterdir()
        }
        assert ({"MHS000Header.csv", SPELLS + ".csv", STAYS + ".csv"} <= set(listed), on_disk) == (
            True,
            listed,
        )

    def test_the_extract_reads_back_with_no_row_refused(self, run: Any, tmp_path: Path) -> None:
        """``mhsds pathways`` reads every row written: none refused."""
        folder = tmp_path / "out"
        synthetic(run, folder)
        account = tmp_path / "account.json"
        read = run("mhsds", "pathways", str(folder), "--accounting", str(account), "--strict")
        document = json.loads(account.read_text(encoding="utf-8"))
        assert (0, 0, True) == (read.code, document["refused"], document["used"] > 0)

    def test_the_same_seed_gives_the_same_bytes(self, run: Any, tmp_path: Path) -> None:
        """Two runs with one seed write the same files, byte for byte; another seed does not."""
        folders = [tmp_path / "one", tmp_path / "two", tmp_path / "three"]
        for folder, seed in zip(folders, ("7", "7", "8"), strict=True):
            synthetic(run, folder, "--seed", seed)
        one, two, three = ({p.name: p.read_bytes() for p in f.iterdir()} for f in folders)
        assert (True, one, True) == (bool(one), two, one != three)

    def test_the_last_month_is_that_of_as_of(self, run: Any, tmp_path: Path) -> None:
        """--as-of 2024-06-15: the last month written is June 2024, UniqMonthID 1491."""
        result = synthetic(run, tmp_path / "out", "--as-of", "2024-06-15")
        (line,) = [line for line in result.error_lines if line.startswith("Wrote ")]
        assert (True, True) == (" to 1491 (" in line, line.endswith(" to 2024-06), rows by file:"))

    def test_since_sets_the_first_month(self, run: Any, tmp_path: Path) -> None:
        """--since 2024-04-15: months from April 2024, UniqMonthID 1489, to March 2025, 1500.

        Seven files: the header, spells, ward stays, restrictive interventions (two tables),
        MHS518 readiness and CPA reviews; all of MHSDS v6, so no MHS504.
        """
        result = synthetic(run, tmp_path / "out", "--since", "2024-04-15")
        assert not (tmp_path / "out" / "MHS504DelayedDischarge.csv").exists()
        assert (
            f"Wrote 7 files to {tmp_path / 'out'}, months 1489 to 1500 (2024-04 to 2025-03), "
            "rows by file:"
        ) in result.error_lines

    def test_honos_adds_the_assessments_and_their_care_contacts(
        self, run: Any, tmp_path: Path
    ) -> None:
        """--honos writes MHS201 and MHS607 too; without it, neither."""
        plain, honos = tmp_path / "plain", tmp_path / "honos"
        synthetic(run, plain)
        synthetic(run, honos, "--honos")
        added = {"MHS201CareContact.csv", "MHS607CodedScoreAssessmentAct.csv"}
        names = ({p.name for p in plain.iterdir()}, {p.name for p in honos.iterdir()})
        assert (set(), added) == (names[0] & added, names[1] - names[0])

    def test_parquet_files_read_as_the_csv_files_do(self, run: Any, tmp_path: Path) -> None:
        """--format parquet: .parquet files, which read back to the same records."""
        pytest.importorskip("pyarrow")
        synthetic(run, tmp_path / "csv")
        synthetic(run, tmp_path / "parquet", "--format", "parquet")
        assert (
            {".parquet"},
            run("mhsds", "pathways", str(tmp_path / "csv")).out,
        ) == (
            {p.suffix for p in (tmp_path / "parquet").iterdir()},
            run("mhsds", "pathways", str(tmp_path / "parquet")).out,
        )

    def test_force_replaces_the_tables_and_keeps_other_files(
        self, run: Any, tmp_path: Path
    ) -> None:
        """--force removes the old table files (one the new extract lacks too); a note stays."""
        folder = extract(tmp_path)
        (folder / "MHS001MPI.csv").write_text("UniqMonthID\n1500\n", encoding="utf-8")
        (folder / "README.txt").write_text("notes", encoding="utf-8")
        old_ready = (folder / f"{READY}.csv").read_bytes()
        result = synthetic(run, folder, "--force")
        assert (False, True, True, True) == (
            (folder / "MHS001MPI.csv").exists(),
            (folder / f"{READY}.csv").read_bytes() != old_ready,
            (folder / "README.txt").exists(),
            f"Removed 5 table files from {folder} (--force)." in result.error_lines,
        )
