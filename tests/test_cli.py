"""The ``pathway-model`` command: what each command prints, its errors and its exit codes.

Most tests call ``main([...])`` in the test process; a few run the real command in a
subprocess to prove that ``python -m pathway_model`` works as installed.

The bundled example's JSON, ``examples/medium_secure.json``, and the reference page
``docs/reference/cli.md`` are generated; regenerate both with ``python -m tests.test_cli``.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import enum
import functools
import io
import json
import os
import re
import runpy
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import pathway_model as pm
from pathway_model import cli, fhir, scoring, synthetic
from pathway_model.catalogue import SECURE_PATHWAY
from pathway_model.cli import _app, _cohort, _console, _fhir, _inputs, _render
from pathway_model.stats import MHSDS_SUPPRESSION
from tests import strategies as s
from tests import test_fhir_golden as golden

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "medium_secure.json"
FIXTURES = ROOT / "tests" / "fixtures" / "v1"
HOW_TO = ROOT / "docs" / "how-to" / "command-line.md"
REFERENCE = ROOT / "docs" / "reference" / "cli.md"
AS_OF = dt.date(2025, 1, 15)
PREFIX = "pathway-model: error: "
#: Clinical free text that must never reach the output.
SECRET = "Zanzibar-secret-wording"
#: The version the docs show in outputs; the running version is replaced by it.
DOCS_VERSION = "0.1.0"
REGENERATE = "regenerate it with: python -m tests.test_cli"


@functools.cache
def example_pathway() -> pm.Pathway:
    """The bundled example's record, from examples/medium_secure.py."""
    pathway: pm.Pathway = runpy.run_path(str(ROOT / "examples" / "medium_secure.py"))[
        "build_pathway"
    ]()
    return pathway


def example_json() -> str:
    """The bundled example as the committed file holds it."""
    return pm.dumps(example_pathway(), indent=2) + "\n"


@attrs.frozen(kw_only=True)
class Run:
    """What one run of the command did."""

    code: int
    out: str
    err: str

    @property
    def error_lines(self) -> list[str]:
        return self.err.splitlines()


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Any:
    """Run ``main`` in this process, with optional bytes on standard input."""

    def call(*argv: str, stdin: bytes = b"") -> Run:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
        code = cli.main(list(argv))
        captured = capsys.readouterr()
        return Run(code=code, out=captured.out, err=captured.err)

    return call


def run_real(
    *argv: str, stdin: bytes | None = None, **env: str
) -> subprocess.CompletedProcess[bytes]:
    """Run the real command in a subprocess, from the repository's root."""
    return subprocess.run(
        [sys.executable, "-m", "pathway_model", *argv],
        input=stdin,
        capture_output=True,
        cwd=ROOT,
        env={**os.environ, **env},
        check=False,
    )


def write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


def pathway_doc(**changes: Any) -> dict[str, Any]:
    """The example as a parsed document, with top-level keys changed."""
    return {**pm.to_dict(example_pathway()), **changes}


OWN_DEFINITION = attrs.evolve(SECURE_PATHWAY, id="northfield-pathway", version="2.0.0")
ON_OWN_DEFINITION = attrs.evolve(
    example_pathway(), definition_id="northfield-pathway", definition_version="2.0.0"
)


# --- the bundled example ----------------------------------------------------------------------


class TestBundledExampleJson:
    def test_the_committed_file_is_the_example_record(self) -> None:
        """examples/medium_secure.json is build_pathway() written by dumps, indented."""
        assert example_json() == EXAMPLE.read_text(encoding="utf-8"), REGENERATE

    def test_the_committed_file_loads_as_the_example_record(self) -> None:
        """The file reads back as the very record the example script builds."""
        assert example_pathway() == pm.loads(EXAMPLE.read_bytes(), pm.Pathway)


# --- validate ---------------------------------------------------------------------------------


class TestValidate:
    def test_a_valid_pathway_passes(self, run: Any) -> None:
        """A valid pathway exits 0 and says so on one line."""
        result = run("validate", str(EXAMPLE))
        assert (0, "Checked 1 document: it is valid.\n", "") == (
            result.code,
            result.out,
            result.err,
        )

    @pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("*.json")), ids=lambda p: p.stem)
    def test_every_kind_of_document_is_recognised(self, run: Any, fixture: Path) -> None:
        """Frameworks, definitions and decision documents are checked as what they say they are."""
        assert 0 == run("validate", str(fixture)).code

    def test_every_problem_is_listed_with_its_file(self, run: Any, tmp_path: Path) -> None:
        """An unknown key and a date that does not exist are both reported, each naming the file."""
        doc = pathway_doc(extra=1)
        doc["placements"][0]["start"] = "2024-02-30"
        bad = write(tmp_path / "bad.json", json.dumps(doc))
        result = run("validate", bad)
        assert 2 == result.code
        assert [
            (
                f"{bad}: $.extra: expected only the keys of Pathway (person_id, definition_id, "
                "definition_version, placements, goals, reviews, incidents, recorded_readiness); "
                "found an unknown key 'extra'"
            ),
            (
                f"{bad}: $.placements[0].start: expected a date that exists (YYYY-MM-DD); "
                "found '2024-02-30'"
            ),
            f"{bad}: more problems may follow once these are mended",
            "Checked 1 document: 1 with problems (2 problems), 0 valid.",
        ] == result.out.splitlines()

    def test_problems_go_to_standard_output(self, run: Any, tmp_path: Path) -> None:
        """The problems are the report validate was asked for: standard error stays empty."""
        result = run("validate", write(tmp_path / "bad.json", "{"))
        assert (2, "") == (result.code, result.err)

    def test_malformed_json_is_a_problem_with_its_position(self, run: Any, tmp_path: Path) -> None:
        """Text that is not JSON is reported with the line and column where reading stopped."""
        bad = write(tmp_path / "bad.json", '{"schema_version": 1,\n  oops}')
        result = run("validate", bad)
        assert (
            f"{bad}: $: expected a JSON document; found Expecting property name enclosed in "
            "double quotes at line 2 column 3"
        ) == result.out.splitlines()[0]

    def test_an_unknown_kind_of_document_names_the_kinds(self, run: Any, tmp_path: Path) -> None:
        """A document whose kind is unknown is refused with the kinds the library reads."""
        bad = write(tmp_path / "bad.json", '{"schema_version": 1, "document": "patient"}')
        assert (
            f"{bad}: $.document: expected one of 'pathway', 'framework', 'pathway_definition', "
            "'assessment', 'readiness', 'review_schedule'; found 'patient'"
        ) == run("validate", bad).out.splitlines()[0]

    def test_a_document_that_is_not_an_object_is_refused(self, run: Any, tmp_path: Path) -> None:
        """A JSON array is no document."""
        bad = write(tmp_path / "bad.json", "[]")
        assert (
            f"{bad}: $: expected a JSON object (a pathway_model document); found an array"
        ) == run("validate", bad).out.splitlines()[0]

    def test_a_folder_with_one_bad_file_reports_it_and_checks_the_rest(
        self, run: Any, tmp_path: Path
    ) -> None:
        """Each .json file of a folder is checked in name order; only the bad one is reported."""
        write(tmp_path / "a.json", example_json())
        write(tmp_path / "b.json", json.dumps(pathway_doc(person_id=7)))
        write(tmp_path / "c.json", example_json())
        write(tmp_path / "notes.txt", "not read")
        result = run("validate", str(tmp_path))
        assert 2 == result.code
        assert [
            f"{tmp_path / 'b.json'}: $.person_id: expected a string; found a number",
            "Checked 3 documents: 1 with problems (1 problem), 2 valid.",
        ] == result.out.splitlines()

    def test_json_lines_problems_name_the_line(self, run: Any, tmp_path: Path) -> None:
        """In a JSON Lines file, each problem names its line; blank lines are skipped."""
        compact = pm.dumps(example_pathway())
        lines = write(tmp_path / "cohort.jsonl", f"{compact}\n\n{compact[:-1]}\n{compact}\n")
        result = run("validate", lines)
        assert [
            (
                f"{lines}:3: $: expected a JSON document; found Expecting ',' delimiter "
                f"at line 1 column {len(compact)}"
            ),
            "Checked 3 documents: 1 with problems (1 problem), 2 valid.",
        ] == result.out.splitlines()

    def test_one_document_on_standard_input(self, run: Any) -> None:
        """``-`` reads a pretty-printed document from standard input."""
        result = run("validate", "-", stdin=EXAMPLE.read_bytes())
        assert (0, "Checked 1 document: it is valid.\n") == (result.code, result.out)

    def test_json_lines_on_standard_input(self, run: Any) -> None:
        """Standard input with one document a line is read as JSON Lines, named by line."""
        compact = pm.dumps(example_pathway())
        result = run("validate", "-", stdin=f"{compact}\n{{}}\n{compact}\n".encode())
        assert [
            (
                "<stdin>:2: $.document: expected one of 'pathway', 'framework', "
                "'pathway_definition', 'assessment', 'readiness', 'review_schedule'; found no key"
            ),
            "Checked 3 documents: 1 with problems (1 problem), 2 valid.",
        ] == result.out.splitlines()

    def test_a_missing_file_is_an_error_before_any_work(self, run: Any, tmp_path: Path) -> None:
        """A missing input is refused on standard error, and nothing is checked."""
        missing = str(tmp_path / "missing.json")
        result = run("validate", str(EXAMPLE), missing)
        assert (2, "", [f"{PREFIX}{missing}: no such file or folder"]) == (
            result.code,
            result.out,
            result.error_lines,
        )

    def test_a_folder_without_json_files_is_an_error(self, run: Any, tmp_path: Path) -> None:
        """A folder with nothing to check is a mistake, not a success."""
        result = run("validate", str(tmp_path))
        assert (2, [f"{PREFIX}{tmp_path}: no .json files in this folder"]) == (
            result.code,
            result.error_lines,
        )

    def test_standard_input_can_be_read_once(self, run: Any) -> None:
        """``-`` given twice is refused."""
        result = run("validate", "-", "-")
        assert [f"{PREFIX}'-' (standard input) can be given only once"] == result.error_lines

    def test_a_record_on_an_unknown_definition_is_refused(self, run: Any, tmp_path: Path) -> None:
        """A record whose definition is neither built in nor given cannot be checked."""
        record = write(tmp_path / "record.json", pm.dumps(ON_OWN_DEFINITION))
        assert (
            f"{record}: $.definition_id: expected a built-in pathway definition "
            "(secure-pathway@1.0.0, offender-personality-disorder-pathway@1.0.0), or its "
            "definition given with --definition FILE; found 'northfield-pathway@2.0.0'"
        ) == run("validate", record).out.splitlines()[0]

    def test_a_record_is_checked_against_the_definition_given(
        self, run: Any, tmp_path: Path
    ) -> None:
        """With --definition, a record on that definition is valid."""
        record = write(tmp_path / "record.json", pm.dumps(ON_OWN_DEFINITION))
        definition = write(tmp_path / "definition.json", pm.dumps(OWN_DEFINITION))
        assert 0 == run("validate", "--definition", definition, record).code

    def test_the_definition_given_applies_its_stages(self, run: Any, tmp_path: Path) -> None:
        """A record using a stage the given definition lacks is refused, naming the path."""
        record = write(tmp_path / "record.json", pm.dumps(ON_OWN_DEFINITION))
        smaller = attrs.evolve(
            OWN_DEFINITION,
            stages=[stage for stage in OWN_DEFINITION.stages if stage.code != "medium_secure"],
            transitions=[
                move
                for move in OWN_DEFINITION.transitions
                if "medium_secure" not in (move.from_stage, move.to_stage)
            ],
        )
        definition = write(tmp_path / "definition.json", pm.dumps(smaller))
        result = run("validate", "--definition", definition, record)
        assert 2 == result.code
        assert result.out.startswith(f"{record}: $.placements[0].stage: ")

    def test_clinical_free_text_is_never_shown(self, run: Any, tmp_path: Path) -> None:
        """A goal with secret wording and an unknown domain is reported without the wording."""
        doc = pathway_doc()
        doc["goals"][0] = {**doc["goals"][0], "description": SECRET, "domain": "astrology"}
        doc["reviews"][0]["ratings"][0]["team_note"] = SECRET
        doc["reviews"][0]["ratings"][0]["team"] = "excellent"
        result = run("validate", write(tmp_path / "secret.json", json.dumps(doc)))
        assert 2 == result.code
        assert "astrology" in result.out
        assert SECRET not in result.out + result.err


# --- assess, readiness, schedule -------------------------------------------------------------


class TestAssess:
    def test_text_for_the_team_by_default(self, run: Any) -> None:
        """The default output is the library's explanation for the team, ending with a newline."""
        decision = pm.assess(example_pathway(), AS_OF)
        result = run("assess", str(EXAMPLE), "--as-of", "2025-01-15")
        assert (0, pm.explain(decision) + "\n", "") == (
            result.code,
            result.out,
            result.err,
        )

    def test_text_for_the_person(self, run: Any) -> None:
        """``--for person`` gives the everyday explanation."""
        decision = pm.assess(example_pathway(), AS_OF)
        result = run("assess", str(EXAMPLE), "--as-of", "2025-01-15", "--for", "person")
        assert pm.explain(decision, "person") + "\n" == result.out

    def test_json_is_the_library_document(self, run: Any) -> None:
        """``--json`` writes exactly what dumps writes, on one line."""
        decision = pm.assess(example_pathway(), AS_OF)
        result = run("assess", str(EXAMPLE), "--as-of", "2025-01-15", "--json")
        assert pm.dumps(decision) + "\n" == result.out

    def test_json_reads_back_as_the_decision(self, run: Any) -> None:
        """The JSON output round-trips through loads to the decision the library makes."""
        result = run("assess", str(EXAMPLE), "--as-of", "2025-01-15", "--json")
        assert pm.assess(example_pathway(), AS_OF) == pm.loads(result.out, pm.Assessment)

    def test_a_pathway_on_standard_input(self, run: Any) -> None:
        """``-`` reads the pathway from standard input."""
        result = run("assess", "-", "--as-of", "2025-01-15", "--json", stdin=EXAMPLE.read_bytes())
        assert pm.assess(example_pathway(), AS_OF) == pm.loads(result.out, pm.Assessment)

    def test_not_ready_is_an_answer(self, run: Any) -> None:
        """A decision of not ready exits 0."""
        result = run("assess", str(EXAMPLE), "--as-of", "2024-08-01", "--json")
        assert (0, pm.AssessmentStatus.NOT_READY) == (
            result.code,
            pm.loads(result.out, pm.Assessment).status,
        )

    def test_a_record_on_its_own_definition(self, run: Any, tmp_path: Path) -> None:
        """``--definition`` gives the definition the record follows."""
        record = write(tmp_path / "record.json", pm.dumps(ON_OWN_DEFINITION))
        definition = write(tmp_path / "definition.json", pm.dumps(OWN_DEFINITION))
        result = run("assess", record, "--as-of", "2025-01-15", "--definition", definition)
        expected = pm.explain(
            pm.assess(ON_OWN_DEFINITION, AS_OF, definition=OWN_DEFINITION),
            definition=OWN_DEFINITION,
        )
        assert expected + "\n" == result.out

    def test_a_definition_file_with_problems(self, run: Any, tmp_path: Path) -> None:
        """A --definition file that is not a definition is refused, naming that file."""
        definition = write(tmp_path / "definition.json", pm.dumps(SECURE_PATHWAY.framework))
        result = run("assess", str(EXAMPLE), "--as-of", "2025-01-15", "--definition", definition)
        assert (
            2,
            [f"{PREFIX}{definition}: $.document: expected 'pathway_definition'; found 'framework'"],
        ) == (
            result.code,
            result.error_lines,
        )

    def test_a_record_on_a_definition_not_given(self, run: Any, tmp_path: Path) -> None:
        """A record on a definition that is not built in asks for --definition."""
        record = write(tmp_path / "record.json", pm.dumps(ON_OWN_DEFINITION))
        result = run("assess", record, "--as-of", "2025-01-15")
        assert 2 == result.code
        assert "or its definition given with --definition FILE" in result.err

    def test_another_kind_of_document(self, run: Any) -> None:
        """A framework is not a pathway: the error names the file, the path and both kinds."""
        framework = str(FIXTURES / "framework.json")
        result = run("assess", framework, "--as-of", "2025-01-15")
        assert [f"{PREFIX}{framework}: $.document: expected 'pathway'; found 'framework'"] == (
            result.error_lines
        )

    def test_an_invalid_record_lists_every_problem(self, run: Any, tmp_path: Path) -> None:
        """Each problem of the record is one line on standard error, and stdout stays empty."""
        bad = write(tmp_path / "bad.json", json.dumps(pathway_doc(person_id=7, extra=True)))
        result = run("assess", bad, "--as-of", "2025-01-15")
        assert (2, "", 2) == (result.code, result.out, len(result.error_lines))
        assert all(line.startswith(f"{PREFIX}{bad}: $.") for line in result.error_lines)

    def test_a_date_before_the_record_names_the_option(self, run: Any) -> None:
        """A date the rules cannot answer for is reported against --as-of."""
        result = run("assess", str(EXAMPLE), "--as-of", "2023-06-01")
        assert [
            (
                f"{PREFIX}--as-of: expected a date on or after the record begins (2024-01-08); "
                "found 2023-06-01"
            )
        ] == result.error_lines

    def test_json_and_for_cannot_be_combined(self, run: Any) -> None:
        """``--json`` writes the decision, not an explanation: adding ``--for`` is a usage error."""
        result = run("assess", str(EXAMPLE), "--as-of", "2025-01-15", "--json", "--for", "team")
        assert 2 == result.code
        assert "not allowed with argument" in result.err

    @given(
        case=s.definitions_and_pathways(),
        offset=st.integers(min_value=0, max_value=2_000),
    )
    def test_the_command_agrees_with_the_library(
        self, case: tuple[pm.PathwayDefinition, pm.Pathway], offset: int
    ) -> None:
        """For any record and definition, ``assess --json`` writes dumps(assess(...))."""
        definition, pathway = case
        as_of = pathway.first_day + dt.timedelta(days=offset)
        try:
            expected = pm.dumps(pm.assess(pathway, as_of, definition=definition)) + "\n"
        except pm.ValidationError as error:  # no stay covers the date: the command says so
            expected = None
            message = str(error.problems[0]).replace("as_of:", "--as-of:", 1)
        with tempfile.TemporaryDirectory() as folder:
            record = write(Path(folder) / "record.json", pm.dumps(pathway))
            definition_file = write(Path(folder) / "definition.json", pm.dumps(definition))
            out, err = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = cli.main(
                    [
                        "assess",
                        record,
                        "--as-of",
                        as_of.isoformat(),
                        "--definition",
                        definition_file,
                        "--json",
                    ]
                )
        if expected is None:
            assert (2, "", f"{PREFIX}{message}\n") == (code, out.getvalue(), err.getvalue())
        else:
            assert (0, expected, "") == (code, out.getvalue(), err.getvalue())


class TestAsOf:
    @pytest.mark.parametrize(
        ("given", "expected"),
        [
            ("15/01/2025", "expected a date as YYYY-MM-DD, e.g. 2025-01-15; found '15/01/2025'"),
            ("20250115", "expected a date as YYYY-MM-DD, e.g. 2025-01-15; found '20250115'"),
            ("2025-01-15T10:00", ("expected a date as YYYY-MM-DD, e.g. 2025-01-15; found "
             "'2025-01-15T10:00'")),
            ("today", "expected a date as YYYY-MM-DD, e.g. 2025-01-15; found 'today'"),
            ("2025-02-30", "expected a date that exists; found '2025-02-30'"),
        ],
    )  # fmt: skip
    def test_only_iso_calendar_dates_are_accepted(
        self, run: Any, given: str, expected: str
    ) -> None:
        """Anything but an existing YYYY-MM-DD date is a usage error that says what was expected."""
        result = run("assess", str(EXAMPLE), "--as-of", given)
        assert (
            2,
            [f"{PREFIX}argument --as-of: {expected} (see 'pathway-model assess --help')"],
        ) == (result.code, result.error_lines)

    @pytest.mark.parametrize("name", ["assess", "readiness", "schedule"])
    def test_the_date_is_required(self, run: Any, name: str) -> None:
        """The rules never read the clock: without --as-of the command refuses to guess."""
        result = run(name, str(EXAMPLE))
        assert [
            (
                f"{PREFIX}the following arguments are required: --as-of "
                f"(see 'pathway-model {name} --help')"
            )
        ] == result.error_lines

    @pytest.mark.parametrize("name", ["assess", "readiness", "schedule"])
    def test_the_help_says_why_the_date_is_required(self, run: Any, name: str) -> None:
        """Each rule command's help says that the rules never read the clock."""
        assert "the rules never read the clock" in " ".join(run(name, "--help").out.split())


class TestReadiness:
    def test_text(self, run: Any) -> None:
        """The text gives the readiness date, each ready run's labelled dates, and the cost."""
        result = run("readiness", str(EXAMPLE), "--as-of", "2025-01-15")
        assert [
            (
                "P-0001: Medium secure (Northfield MSU, stay placement-1 from 2024-01-08), "
                "as of 2025-01-15."
            ),
            "Ready: yes, since 2024-09-27 (110 days beyond readiness).",
            "Ready days in this stay: 110 of 373, in 1 ready run:",
            "  - first ready day 2024-09-27, first day after 2025-01-15 (110 days)",
            "Cost of delay: £49,720 at an estimated £452 a bed-day.",
        ] == result.out.splitlines()

    def test_text_for_a_stay_that_has_ended(self, run: Any, tmp_path: Path) -> None:
        """After a stay ends, the figures are those of its last day, and the end is shown."""
        pathway = example_pathway()
        ended = attrs.evolve(
            pathway, placements=[attrs.evolve(pathway.placements[0], end=dt.date(2024, 12, 1))]
        )
        record = write(tmp_path / "ended.json", pm.dumps(ended))
        result = run("readiness", record, "--as-of", "2025-01-15")
        # Ready from 2024-09-27 to the end, 2024-12-01: 65 days, at £452 a day: £29,380.
        assert [
            (
                "P-0001: Medium secure (Northfield MSU, stay placement-1 from 2024-01-08, "
                "ended 2024-12-01), as of 2025-01-15."
            ),
            "Ready on the stay's last day: yes, since 2024-09-27 (65 days beyond readiness).",
            "Ready days in this stay: 65 of 328, in 1 ready run:",
            "  - first ready day 2024-09-27, first day after 2024-12-01 (65 days)",
            "Cost of delay: £29,380 at an estimated £452 a bed-day.",
        ] == result.out.splitlines()

    def test_json_is_the_library_document(self, run: Any) -> None:
        """``--json`` writes dumps(readiness(...)), which reads back equal."""
        result = run("readiness", str(EXAMPLE), "--as-of", "2025-01-15", "--json")
        expected = pm.readiness(example_pathway(), AS_OF)
        assert (pm.dumps(expected) + "\n", expected) == (
            result.out,
            pm.loads(result.out, pm.Readiness),
        )

    def test_text_and_json_give_a_run_the_same_dates(self, run: Any) -> None:
        """A run's text shows the JSON's own start and end, the end labelled as the day after."""
        text = run("readiness", str(EXAMPLE), "--as-of", "2025-01-15").out
        document = json.loads(run("readiness", str(EXAMPLE), "--as-of", "2025-01-15", "--json").out)
        assert [{"start": "2024-09-27", "end": "2025-01-15"}] == document["runs"]
        assert "  - first ready day 2024-09-27, first day after 2025-01-15 (110 days)" in (
            text.splitlines()
        )

    @given(
        case=s.definitions_and_pathways(),
        offset=st.integers(min_value=0, max_value=2_000),
    )
    def test_every_run_in_the_text_is_the_run_in_the_json(
        self, case: tuple[pm.PathwayDefinition, pm.Pathway], offset: int
    ) -> None:
        """For any record, each run line names the JSON run's start and end, with its length."""
        definition, pathway = case
        as_of = pathway.first_day + dt.timedelta(days=offset)
        try:
            result = pm.readiness(pathway, as_of, definition=definition)
        except pm.ValidationError:  # no stay covers the date: nothing to compare
            return
        runs = json.loads(pm.dumps(result))["runs"]
        with tempfile.TemporaryDirectory() as folder:
            record = write(Path(folder) / "record.json", pm.dumps(pathway))
            definition_file = write(Path(folder) / "definition.json", pm.dumps(definition))
            out = io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
                code = cli.main(
                    [
                        "readiness",
                        record,
                        "--as-of",
                        as_of.isoformat(),
                        "--definition",
                        definition_file,
                    ]
                )
        printed = [line for line in out.getvalue().splitlines() if line.startswith("  - ")]
        expected = [
            f"  - first ready day {item['start']}, first day after {item['end']} "
            f"({run.days:,} day{'' if run.days == 1 else 's'})"
            for item, run in zip(runs, result.runs, strict=True)
        ]
        assert (0, expected) == (code, printed)


class TestSchedule:
    def test_text_when_overdue(self, run: Any) -> None:
        """The text names the last review, the date agreed at it, and how late the next one is."""
        result = run("schedule", str(EXAMPLE), "--as-of", "2025-01-15")
        assert [
            (
                "P-0001: Medium secure (Northfield MSU, stay placement-1 from 2024-01-08), "
                "as of 2025-01-15."
            ),
            "Last review: review-3 on 2024-09-26; next review agreed for 2024-12-19.",
            "Next review: OVERDUE, due 2024-12-26 (20 days ago).",
        ] == result.out.splitlines()

    def test_text_before_the_first_review(self, run: Any) -> None:
        """Before any review, the first one is due by the stage's first-review deadline."""
        result = run("schedule", str(EXAMPLE), "--as-of", "2024-02-01")
        assert [
            "Last review: none yet in this stay.",
            "Next review: due by 2024-04-01.",
        ] == result.out.splitlines()[1:]

    def test_json_is_the_library_document(self, run: Any) -> None:
        """``--json`` writes dumps(review_schedule(...)), which reads back equal."""
        result = run("schedule", str(EXAMPLE), "--as-of", "2025-01-15", "--json")
        expected = pm.review_schedule(example_pathway(), AS_OF)
        assert (pm.dumps(expected) + "\n", expected) == (
            result.out,
            pm.loads(result.out, pm.ReviewSchedule),
        )


class TestSchema:
    def test_the_pathway_schema_by_default(self, run: Any) -> None:
        """With no document named, the pathway's schema is written, indented, with a newline."""
        expected = json.dumps(pm.json_schema(pm.Pathway), indent=2, ensure_ascii=False) + "\n"
        result = run("schema")
        assert (0, expected) == (result.code, result.out)

    @pytest.mark.parametrize(
        "document",
        [
            "pathway",
            "framework",
            "pathway_definition",
            "assessment",
            "readiness",
            "review_schedule",
        ],
    )
    def test_each_kind_of_document(self, run: Any, document: str) -> None:
        """Each kind of document has its schema, named by its ``document`` key."""
        schema = json.loads(run("schema", document).out)
        assert f"https://pathway-model.org/schema/v2/{document}.json" == schema["$id"]

    def test_to_a_file(self, run: Any, tmp_path: Path) -> None:
        """``-o FILE`` writes the schema to the file and nothing to standard output."""
        target = tmp_path / "framework.schema.json"
        result = run("schema", "framework", "-o", str(target))
        assert (0, "", pm.json_schema(pm.OutcomeFramework)) == (
            result.code,
            result.out,
            json.loads(target.read_text(encoding="utf-8")),
        )

    def test_a_file_that_cannot_be_written(self, run: Any, tmp_path: Path) -> None:
        """A file in a folder that does not exist is an error, not a traceback."""
        target = tmp_path / "no-folder" / "schema.json"
        result = run("schema", "-o", str(target))
        assert (2, [f"{PREFIX}{target}: cannot write: no such file or directory"]) == (
            result.code,
            result.error_lines,
        )

    def test_an_unknown_kind_of_document(self, run: Any) -> None:
        """An unknown document name is a usage error listing the names."""
        result = run("schema", "patient")
        assert 2 == result.code
        assert "invalid choice: 'patient'" in result.err


# --- fhir ---------------------------------------------------------------------------------------


def bundle_text(document: Any, indent: int | None = 2) -> str:
    """A JSON document as the fhir commands write it."""
    if indent is None:
        return json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n"
    return json.dumps(document, ensure_ascii=False, indent=indent) + "\n"


def instruments_json(ratings: Any) -> str:
    """Instrument ratings as an --instruments file holds them."""
    return json.dumps(
        [
            {
                "id": rating.id,
                "instrument": rating.instrument.code,
                "date": rating.date.isoformat(),
                "record": rating.record,
            }
            for rating in ratings
        ]
    )


HONOS_RECORD = {f"h{n}": 1 for n in range(1, 13)}


class TestFhirExport:
    def test_the_bundle_is_the_library_export(self, run: Any) -> None:
        """The output is to_fhir's Bundle, indented by 2, with a newline."""
        result = run("fhir", "export", str(EXAMPLE))
        assert (0, bundle_text(fhir.to_fhir(example_pathway())), "") == (
            result.code,
            result.out,
            result.err,
        )

    def test_indent_0_writes_one_line(self, run: Any) -> None:
        """``--indent 0`` writes the Bundle compactly, on one line."""
        result = run("fhir", "export", str(EXAMPLE), "--indent", "0")
        assert bundle_text(fhir.to_fhir(example_pathway()), None) == result.out

    def test_with_instruments_it_is_the_golden_bundle(self, run: Any, tmp_path: Path) -> None:
        """The worked record and its ratings export to the golden Bundle, byte for byte."""
        record = write(tmp_path / "worked.json", pm.dumps(golden.worked_pathway()))
        ratings = write(tmp_path / "ratings.json", instruments_json(golden.worked_ratings()))
        result = run("fhir", "export", record, "--instruments", ratings)
        assert golden.BUNDLE.read_text(encoding="utf-8") == result.out

    def test_to_a_file(self, run: Any, tmp_path: Path) -> None:
        """``-o FILE`` writes the Bundle to the file and nothing to standard output."""
        target = tmp_path / "bundle.json"
        result = run("fhir", "export", str(EXAMPLE), "-o", str(target))
        assert (0, "", bundle_text(fhir.to_fhir(example_pathway()))) == (
            result.code,
            result.out,
            target.read_text(encoding="utf-8"),
        )

    def test_an_invalid_record_is_refused(self, run: Any, tmp_path: Path) -> None:
        """A record with problems is not exported: each problem is a line naming the file."""
        bad = write(tmp_path / "bad.json", json.dumps(pathway_doc(person_id=7)))
        result = run("fhir", "export", bad)
        assert (2, "", [f"{PREFIX}{bad}: $.person_id: expected a string; found a number"]) == (
            result.code,
            result.out,
            result.error_lines,
        )

    def test_every_problem_of_the_instruments_file_has_its_path(
        self, run: Any, tmp_path: Path
    ) -> None:
        """Problems in --instruments name the file, the rating and the key."""
        ratings = write(
            tmp_path / "ratings.json",
            json.dumps([
                {"id": "r1", "instrument": "honoz", "date": "2024-02-30", "record": {}},
                {"id": "r2", "instrument": "honos", "date": "2024-03-01",
                 "record": {**HONOS_RECORD, "h3": 5}},
                {"id": "r3", "instrument": "honos", "date": "2024-03-01", "record": HONOS_RECORD,
                 "note": SECRET},
                7,
            ]),
        )  # fmt: skip
        result = run("fhir", "export", str(EXAMPLE), "--instruments", ratings)
        assert (2, [
            (f"{PREFIX}{ratings}: $[0].instrument: expected 'honos' or 'honos_secure'; "
            "found 'honoz'"),
            f"{PREFIX}{ratings}: $[0].date: expected a date as YYYY-MM-DD; found '2024-02-30'",
            (f"{PREFIX}{ratings}: $[1].record.h3: expected an integer 0-4, or 9 for not known; "
            "found 5"),
            (f"{PREFIX}{ratings}: $[2]: expected only the keys id, instrument, date, record; "
            "found an unknown key 'note'"),
            (f"{PREFIX}{ratings}: $[3]: expected an instrument rating: an object with id, "
            "instrument, date, record; found a number"),
        ]) == (result.code, result.error_lines)  # fmt: skip

    def test_the_instruments_file_must_be_an_array(self, run: Any, tmp_path: Path) -> None:
        """A single rating object, not in an array, is refused."""
        ratings = write(tmp_path / "ratings.json", "{}")
        result = run("fhir", "export", str(EXAMPLE), "--instruments", ratings)
        assert [
            f"{PREFIX}{ratings}: $: expected a JSON array of instrument ratings; found an object"
        ] == result.error_lines

    def test_two_ratings_with_one_id_are_refused(self, run: Any, tmp_path: Path) -> None:
        """Rating ids are unique: a repeat is reported against the instruments file."""
        rating = {"id": "r1", "instrument": "honos", "date": "2024-03-01", "record": HONOS_RECORD}
        ratings = write(tmp_path / "ratings.json", json.dumps([rating, rating]))
        result = run("fhir", "export", str(EXAMPLE), "--instruments", ratings)
        assert [f"{PREFIX}{ratings}: $: expected a unique id; found 'r1' again"] == (
            result.error_lines
        )

    @pytest.mark.parametrize("indent", ["-1", "9", "two"])
    def test_indent_must_be_0_to_8(self, run: Any, indent: str) -> None:
        """An indent that is not a whole number from 0 to 8 is a usage error."""
        result = run("fhir", "export", str(EXAMPLE), f"--indent={indent}")
        assert (2, True) == (result.code, "expected a whole number from 0 to 8" in result.err)


#: Any JSON value.
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(), children),
    max_leaves=8,
)
#: Objects that look more or less like instrument ratings.
NEAR_RATINGS = st.fixed_dictionaries(
    {},
    optional={
        "id": st.sampled_from(["r1", "a b"]) | JSON_VALUES,
        "instrument": st.sampled_from(["honos", "honos_secure"]) | JSON_VALUES,
        "date": st.sampled_from(["2024-01-01", "2024-02-30"]) | JSON_VALUES,
        "record": st.dictionaries(
            st.sampled_from([*HONOS_RECORD, "sa", "problem_8", "zz"]),
            st.integers(-1, 10) | st.sampled_from(["A", "Z"]) | JSON_VALUES,
        )
        | JSON_VALUES,
        "note": JSON_VALUES,
    },
)


class TestInstrumentsFile:
    @given(st.lists(NEAR_RATINGS | JSON_VALUES, max_size=3) | JSON_VALUES)
    def test_any_json_is_read_or_refused_with_problems(self, document: Any) -> None:
        """Whatever the file holds, it is read, or refused with the library's own error."""
        problems: tuple[pm.Problem, ...] = ()
        try:
            read = len(_fhir._instrument_ratings(json.dumps(document).encode()))
        except pm.ValidationError as error:
            read, problems = 0, error.problems
        assert (0 if problems else len(document), True) == (
            read,
            all(problem.path.startswith("$") for problem in problems),
        )

    @given(st.lists(st.integers(0, 4) | st.just(9), min_size=12, max_size=12))
    def test_a_rating_reads_back_as_it_was_written(self, values: list[int]) -> None:
        """A rating written by ``fhir import --instruments`` is read back equal."""
        rating = fhir.InstrumentRating.from_record(
            id="r1",
            instrument=scoring.HONOS,
            date=dt.date(2024, 3, 28),
            record=dict(zip(HONOS_RECORD, values, strict=True)),
        )
        assert (rating,) == _fhir._instrument_ratings(instruments_json([rating]).encode())


class TestFhirImport:
    def test_an_exported_bundle_reads_back_as_the_record(self, run: Any) -> None:
        """``fhir export`` then ``fhir import -`` gives the pathway document back."""
        bundle = run("fhir", "export", str(EXAMPLE)).out
        result = run("fhir", "import", "-", stdin=bundle.encode())
        assert (0, example_json(), "") == (result.code, result.out, result.err)

    def test_indent_0_writes_one_line(self, run: Any) -> None:
        """``--indent 0`` writes the pathway as dumps does by default, for JSON Lines."""
        bundle = run("fhir", "export", str(EXAMPLE)).out
        result = run("fhir", "import", "-", "--indent", "0", stdin=bundle.encode())
        assert pm.dumps(example_pathway()) + "\n" == result.out

    def test_instrument_ratings_are_written_when_asked(self, run: Any, tmp_path: Path) -> None:
        """``--instruments FILE`` keeps the Bundle's ratings, which export sends again."""
        ratings, record = tmp_path / "ratings.json", tmp_path / "worked.json"
        imported = run(
            "fhir", "import", str(golden.BUNDLE), "--instruments", str(ratings), "-o", str(record)
        )
        exported = run("fhir", "export", str(record), "--instruments", str(ratings))
        assert (0, "", "", golden.BUNDLE.read_text(encoding="utf-8")) == (
            imported.code,
            imported.out,
            imported.err,
            exported.out,
        )

    def test_ratings_not_asked_for_are_named_in_a_warning(self, run: Any) -> None:
        """Without --instruments, the pathway is written and a warning says what was left out."""
        result = run("fhir", "import", str(golden.BUNDLE))
        assert (0, golden.worked_pathway(), [
            (f"pathway-model: warning: {golden.BUNDLE}: 2 instrument ratings not written "
            "(give --instruments FILE to keep them)")
        ]) == (result.code, pm.loads(result.out, pm.Pathway), result.error_lines)  # fmt: skip

    def test_every_problem_of_a_bundle_has_its_path(self, run: Any) -> None:
        """A damaged Bundle is refused with every problem, each with its path in the Bundle."""
        bundle = fhir.to_fhir(example_pathway())
        bundle["entry"][1]["resource"]["type"][0]["coding"][0]["code"] = "ward_7"
        bundle["entry"][3]["resource"]["status"] = "planned"
        result = run("fhir", "import", "-", stdin=json.dumps(bundle).encode())
        assert (2, "", [
            "$.entry[1].resource.type[0].coding[0].code",
            "$.entry[3].resource.status",
        ]) == (result.code, result.out, [
            line.removeprefix(f"{PREFIX}<stdin>: ").split(":")[0] for line in result.error_lines
        ])  # fmt: skip

    def test_a_pathway_document_is_not_a_bundle(self, run: Any) -> None:
        """Importing the library's own pathway document says what it is, in one line."""
        result = run("fhir", "import", str(EXAMPLE))
        assert [
            (
                f"{PREFIX}{EXAMPLE}: $: expected a FHIR Bundle (write one with 'fhir export'); "
                "found a pathway_model 'pathway' document"
            )
        ] == result.error_lines

    def test_clinical_free_text_is_never_shown(self, run: Any) -> None:
        """A Bundle whose goal wording is damaged is refused without repeating any wording."""
        bundle = fhir.to_fhir(example_pathway())
        bundle["entry"][2]["resource"]["description"] = {"text": SECRET, "extra": SECRET}
        result = run("fhir", "import", "-", stdin=json.dumps(bundle).encode())
        assert (2, False) == (result.code, SECRET in result.out + result.err)

    def test_a_bundle_on_a_definition_not_given_is_refused(self, run: Any, tmp_path: Path) -> None:
        """A Bundle on a definition that is not built in needs --definition, like a file."""
        bundle = json.dumps(fhir.to_fhir(ON_OWN_DEFINITION, definition=OWN_DEFINITION)).encode()
        definition = write(tmp_path / "definition.json", pm.dumps(OWN_DEFINITION))
        refused = run("fhir", "import", "-", stdin=bundle)
        accepted = run("fhir", "import", "-", "--definition", definition, stdin=bundle)
        assert (2, ON_OWN_DEFINITION) == (refused.code, pm.loads(accepted.out, pm.Pathway))
        assert (
            f"{PREFIX}<stdin>: CarePlan.instantiatesUri: expected a built-in pathway definition"
        ) in refused.err


class TestFhirCodeSystems:
    def test_the_secure_pathway_by_default(self, run: Any) -> None:
        """With no definition, the code systems are the secure pathway's golden file."""
        result = run("fhir", "codesystems")
        assert (0, golden.CODE_SYSTEMS.read_text(encoding="utf-8")) == (result.code, result.out)

    def test_a_definition_given(self, run: Any, tmp_path: Path) -> None:
        """``--definition FILE`` gives that definition's code systems."""
        definition = write(tmp_path / "definition.json", pm.dumps(OWN_DEFINITION))
        result = run("fhir", "codesystems", "--definition", definition, "--indent", "0")
        assert bundle_text(fhir.fhir_code_systems(OWN_DEFINITION), None) == result.out


# --- cohort and demo ----------------------------------------------------------------------------

#: A small synthetic cohort, as ``demo --people 30 --seed 7`` makes it.
DEMO_ARGS = ("--people", "30", "--seed", "7")
DEMO_AS_OF = dt.date(2025, 3, 31)
DEMO_SINCE = dt.date(2020, 3, 31)


@functools.cache
def demo_cohort() -> tuple[pm.Pathway, ...]:
    return synthetic.synthetic_cohort(
        synthetic.CohortParameters(people_in_care=30), seed=7, as_of=DEMO_AS_OF
    )


@functools.cache
def demo_report() -> Any:
    return scoring.cohort_report(demo_cohort(), as_of=DEMO_AS_OF, since=DEMO_SINCE)


def write_jsonl(path: Path, pathways: Any) -> str:
    return write(path, "".join(pm.dumps(pathway) + "\n" for pathway in pathways))


def table_rows(text: str, title: str) -> list[tuple[str, list[str]]]:
    """The rows of one text table: each row's label and cells, split at two spaces or more."""
    parts = text.split("\n\n")
    block = next(part for part in parts if part.startswith(title)).splitlines()
    rule = next(index for index, line in enumerate(block) if set(line) == {"-"})
    return [
        (cells[0], cells[1:])
        for cells in (re.split(r" {2,}", line.strip()) for line in block[rule + 1 :])
    ]


def table(text: str, title: str) -> dict[str, list[str]]:
    """The rows of one text table whose labels are unique, by label."""
    return dict(table_rows(text, title))


def json_value(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    return str(value) if isinstance(value, Decimal) else value


class TestCohortJson:
    def test_rows_are_the_reports_rows(self, run: Any, tmp_path: Path) -> None:
        """``--json`` holds every row of cohort_report, amounts as decimal strings."""
        cohort = write_jsonl(tmp_path / "cohort.jsonl", demo_cohort())
        result = run("cohort", cohort, "--as-of", "2025-03-31", "--since", "2020-03-31", "--json")
        document = json.loads(result.out)
        expected = [
            [json_value(getattr(row, field.name)) for field in attrs.fields(scoring.CohortRow)]
            for row in demo_report().rows()
        ]
        assert (0, "2025-03-31", "2020-03-31", len(demo_cohort()), expected) == (
            result.code,
            document["as_of"],
            document["since"],
            document["records"],
            [list(row.values()) for row in document["rows"]],
        )

    def test_ranks_and_payments_are_the_librarys(self, run: Any, tmp_path: Path) -> None:
        """The ranks are benchmark_table's, overall then in each stage; payments are by stage."""
        cohort = write_jsonl(tmp_path / "cohort.jsonl", demo_cohort())
        document = json.loads(
            run("cohort", cohort, "--as-of", "2025-03-31", "--since", "2020-03-31", "--json").out
        )
        report = demo_report()
        benchmark = [
            *scoring.benchmark_table(report),
            *(
                row
                for stage in report.stages
                for row in scoring.benchmark_table(report, stage=stage)
            ),
        ]
        assert (
            [(row.measure, row.stage, row.provider, row.rank) for row in benchmark],
            [json_value(row.difference) for row in scoring.payments(report, by_stage=True)],
        ) == (
            [(row["measure"], row["stage"], row["provider"], row["rank"])
             for row in document["benchmark"]],
            [row["difference"] for row in document["payments"]],
        )  # fmt: skip

    def test_the_benchmark_carries_the_funnel_and_spc_the_charts(
        self, run: Any, tmp_path: Path
    ) -> None:
        """Each rank's interval, funnel place and noise mark; each month of each chart."""
        cohort = write_jsonl(tmp_path / "cohort.jsonl", demo_cohort())
        document = json.loads(
            run("cohort", cohort, "--as-of", "2025-03-31", "--since", "2020-03-31", "--json").out
        )
        report = demo_report()
        first = scoring.benchmark_table(report)[0]
        charts = scoring.spc_table(report)
        assert (
            {f.name: json_value(getattr(first, f.name)) for f in attrs.fields(type(first))},
            len(charts),
            charts[0].month.isoformat(),
            json_value(charts[0].variation),
        ) == (
            document["benchmark"][0],
            len(document["spc"]),
            document["spc"][0]["month"],
            document["spc"][0]["variation"],
        )

    def test_the_order_of_the_records_does_not_matter(self, run: Any, tmp_path: Path) -> None:
        """The same records in another order give the same bytes."""
        forward = write_jsonl(tmp_path / "forward.jsonl", demo_cohort())
        backward = write_jsonl(tmp_path / "backward.jsonl", reversed(demo_cohort()))
        args = ("--as-of", "2025-03-31", "--json")
        assert run("cohort", forward, *args).out == run("cohort", backward, *args).out


class TestCohortText:
    def test_the_header_names_the_date_the_window_and_the_counts(self, run: Any) -> None:
        """The first line says the date, the window's first day, and what was counted."""
        result = run("cohort", str(EXAMPLE), "--as-of", "2025-01-15")
        assert (0, [
            ("Cohort report as of 2025-01-15, window from 2024-01-08: 1 record, 1 provider, "
            "1 stage."),
            "Amounts in whole pounds; shares in percent; '-': nothing to measure.",
        ]) == (result.code, result.out.splitlines()[:2])  # fmt: skip

    def test_the_example_shows_its_ready_days_and_cost(self, run: Any) -> None:
        """The example's 110 ready days of 373 at £452 a day: as ``readiness`` works them out."""
        result = run("cohort", str(EXAMPLE), "--as-of", "2025-01-15")
        assert {
            "Northfield MSU": ["110", "29.5%", "1~", "£49,720", "1~", "£49,720", "1~"],
            "All providers": ["110", "29.5%", "£49,720", "£49,720"],
        } == table(result.out, "Ready to move on, in the window")

    def test_ranks_are_benchmark_tables(self, run: Any, tmp_path: Path) -> None:
        """Each provider's rank in the text is its rank in benchmark_table, ~ within noise."""
        cohort = write_jsonl(tmp_path / "cohort.jsonl", demo_cohort())
        result = run("cohort", cohort, "--as-of", "2025-03-31", "--since", "2020-03-31")
        shown = table(result.out, "Reviews")
        ranks = {
            row.provider: str(row.rank) + ("~" if row.within_noise else "")
            for row in scoring.benchmark_table(demo_report())
            if row.measure == "reviews_on_time_share"
        }
        assert ranks == {
            provider: cells[-1] for provider, cells in shown.items() if provider in ranks
        }

    def test_payments_are_in_whole_pounds(self, run: Any, tmp_path: Path) -> None:
        """The payments table shows payments() rounded to whole pounds, half to even."""
        cohort = write_jsonl(tmp_path / "cohort.jsonl", demo_cohort())
        result = run("cohort", cohort, "--as-of", "2025-03-31", "--since", "2020-03-31")
        everyone = scoring.payments(demo_report())[-1]
        assert [
            f"{everyone.bed_days:,}",
            _render.pounds(everyone.bed_day_payment),
            _render.pounds(everyone.outcome_currency_payment),
            _render.pounds(everyone.difference),
        ] == table(result.out, "Payments")["All providers"]

    def test_every_measure_is_in_one_table(self) -> None:
        """The text tables show each cohort measure once."""
        shown = [column.field for _, columns in _cohort._MEASURE_TABLES for column in columns]
        assert sorted(measure.name for measure in scoring.COHORT_MEASURES) == sorted(shown)

    @pytest.mark.parametrize("by", ["provider", "stage", "provider-stage"])
    def test_no_line_is_wider_than_100_columns(self, run: Any, by: str) -> None:
        """Each way of grouping the rows keeps the report within 100 columns."""
        result = run("demo", *DEMO_ARGS, "--by", by)
        assert 100 >= max(len(line) for line in result.out.splitlines())

    def test_by_stage_has_a_row_per_stage_and_no_ranks(self, run: Any) -> None:
        """``--by stage`` shows each stage, most secure first, then all of them; nothing ranked."""
        result = run("demo", *DEMO_ARGS, "--by", "stage")
        rows = table(result.out, "Ready to move on, in the window")
        assert ([*demo_report().stages, "All stages"], False) == (
            list(rows),
            "#:" in result.out.split("\n\nPayments")[0],
        )

    def test_by_provider_stage_ranks_providers_within_each_stage(self, run: Any) -> None:
        """``--by provider-stage`` shows each stage, then its providers ranked within it."""
        result = run("demo", *DEMO_ARGS, "--by", "provider-stage")
        rows = table_rows(result.out, "Reviews")
        report = demo_report()
        stage = report.stages[1]
        ranks = {
            row.provider: str(row.rank) + ("~" if row.within_noise else "")
            for row in scoring.benchmark_table(report, stage=stage)
            if row.measure == "reviews_on_time_share"
        }
        start = [label for label, _ in rows].index(stage) + 1
        assert ranks == {label: cells[-1] for label, cells in rows[start : start + len(ranks)]}

    @given(
        st.lists(
            st.tuples(
                st.text(alphabet="ABC xyz", min_size=1, max_size=30).map(str.strip).filter(bool),
                st.one_of(st.none(), st.integers(0, 10**9)),
                st.one_of(st.none(), st.floats(0, 1)),
                st.one_of(st.none(), st.decimals(-(10**10), 10**10, places=2)),
            ),
            min_size=1,
            max_size=6,
        )
    )
    def test_tables_are_aligned(self, rows: list[tuple[str, Any, Any, Any]]) -> None:
        """Every line of a table fits within the rule under its header."""
        columns = [
            _render.column("a", "A", "days"),
            _render.column("b", "B", "%"),
            _render.column("c", "C", "£"),
        ]
        units = {"a": "days", "b": "share", "c": "GBP"}
        shown = _render.table(
            "Title",
            columns,
            [
                _render.Row(label=label, values=dict(zip("abc", values, strict=True)).get)
                for label, *values in rows
            ],
            units,
        ).splitlines()
        rule = next(line for line in shown if set(line) == {"-"})
        assert all(len(line) <= len(rule) for line in shown[1:])


class TestPounds:
    @given(st.decimals(-(10**12), 10**12, places=2))
    def test_whole_pounds_half_to_even(self, amount: Decimal) -> None:
        """An amount is shown rounded to whole pounds, half to even, with thousands separators."""
        shown = _render.pounds(amount)
        value = Decimal(shown.replace("£", "").replace(",", ""))
        assert amount.quantize(Decimal(1), rounding="ROUND_HALF_EVEN") == value

    def test_examples(self) -> None:
        """Thousands are separated, and a negative amount has its sign before the pound sign."""
        assert ["£1,234", "-£56", "£2", "£0"] == [
            _render.pounds(Decimal(text)) for text in ("1234.49", "-56.2", "2.50", "0.5")
        ]


class TestCohortInput:
    def test_strict_stops_at_a_bad_record(self, run: Any, tmp_path: Path) -> None:
        """With --strict, each problem is named by file and line, and no report is written."""
        compact = pm.dumps(example_pathway())
        lines = write(tmp_path / "cohort.jsonl", f"{compact}\n{{}}\n")
        result = run("cohort", lines, "--as-of", "2025-01-15", "--strict")
        assert (2, "", [
            (f"{PREFIX}{lines}:2: $.schema_version: expected a schema version (this library "
            "writes 2); found no key"),
            f"{PREFIX}{lines}:2: $.document: expected 'pathway'; found no key",
            f"{PREFIX}1 of 2 records with problems: no report written (--strict)",
        ]) == (result.code, result.out, result.error_lines)  # fmt: skip

    def test_a_bad_record_is_skipped_and_counted(self, run: Any, tmp_path: Path) -> None:
        """By default the problems are warnings and the valid records are reported."""
        compact = pm.dumps(example_pathway())
        lines = write(tmp_path / "cohort.jsonl", f"{compact}\n{{}}\n")
        result = run("cohort", lines, "--as-of", "2025-01-15", "--json")
        document = json.loads(result.out)
        assert (0, 1, 1, [
            (f"pathway-model: warning: {lines}:2: $.schema_version: expected a schema version "
            "(this library writes 2); found no key"),
            f"pathway-model: warning: {lines}:2: $.document: expected 'pathway'; found no key",
            "pathway-model: warning: 1 of 2 records with problems skipped",
        ]) == (
            result.code, document["records"], document["records_skipped"], result.error_lines
        )  # fmt: skip

    def test_skip_invalid_is_still_accepted(self, run: Any, tmp_path: Path) -> None:
        """--skip-invalid, the old way to ask for the default, gives the same report."""
        compact = pm.dumps(example_pathway())
        lines = write(tmp_path / "cohort.jsonl", f"{compact}\n{{}}\n")
        plain = run("cohort", lines, "--as-of", "2025-01-15", "--json")
        old = run("cohort", lines, "--as-of", "2025-01-15", "--json", "--skip-invalid")
        both = run("cohort", lines, "--as-of", "2025-01-15", "--skip-invalid", "--strict")
        assert (0, plain.out, 2) == (old.code, old.out, both.code)

    def test_skipped_records_are_counted_in_the_text(self, run: Any, tmp_path: Path) -> None:
        """The text report's first line says how many records were skipped."""
        write(tmp_path / "a.json", example_json())
        write(tmp_path / "b.json", "[]")
        result = run("cohort", str(tmp_path), "--as-of", "2025-01-15")
        assert result.out.startswith(
            "Cohort report as of 2025-01-15, window from 2024-01-08: 1 record (1 record with "
            "problems skipped), 1 provider, 1 stage.\n"
        )

    def test_nothing_valid_to_report_on(self, run: Any, tmp_path: Path) -> None:
        """When every record has problems, there is nothing to report on: exit 2."""
        write(tmp_path / "a.json", "[]")
        result = run("cohort", str(tmp_path), "--as-of", "2025-01-15")
        assert (2, f"{PREFIX}no valid records to report on (of 1 record read)") == (
            result.code,
            result.error_lines[-1],
        )

    def test_an_option_refused_before_any_record_is_named(self, run: Any, tmp_path: Path) -> None:
        """--since after --as-of is refused as an option, not as "no valid records"."""
        record = write(tmp_path / "record.json", example_json())
        result = run("cohort", record, "--as-of", "2025-01-15", "--since", "2025-02-01")
        assert (2, True) == (result.code, result.err.startswith(f"{PREFIX}--since"))

    def test_a_record_on_another_definition_is_named(self, run: Any, tmp_path: Path) -> None:
        """A record that does not follow --definition is refused, named by its file."""
        definition = write(tmp_path / "definition.json", pm.dumps(OWN_DEFINITION))
        record = write(tmp_path / "record.json", example_json())
        result = run("cohort", record, "--as-of", "2025-01-15", "--definition", definition)
        assert (2, True, f"{PREFIX}no valid records to report on (of 1 record read)") == (
            result.code,
            result.err.startswith(f"pathway-model: warning: {record}: $."),
            result.error_lines[-1],
        )

    def test_the_window_cannot_begin_after_the_date(self, run: Any) -> None:
        """A --since after --as-of is reported against --since."""
        result = run("cohort", str(EXAMPLE), "--as-of", "2025-01-15", "--since", "2025-02-01")
        assert [
            f"{PREFIX}--since: expected a date on or before as_of (2025-01-15); found 2025-02-01"
        ] == result.error_lines

    def test_json_and_csv_cannot_be_combined(self, run: Any) -> None:
        """One output format at a time."""
        result = run("cohort", str(EXAMPLE), "--as-of", "2025-01-15", "--json", "--csv")
        assert (2, True) == (result.code, "not allowed with argument" in result.err)


class TestCohortCsv:
    def test_rows_are_the_reports_rows(self, run: Any) -> None:
        """``--csv`` writes every row: its fields in order, the interval too; empty for none."""
        result = run("cohort", str(EXAMPLE), "--as-of", "2025-01-15", "--csv")
        report = scoring.cohort_report([example_pathway()], as_of=AS_OF)
        names = [field.name for field in attrs.fields(scoring.CohortRow)]
        expected = [names] + [
            ["" if cell is None else str(json_value(cell)) for cell in values]
            for row in report.rows()
            for values in [[getattr(row, name) for name in names]]
        ]
        assert [
            "provider", "stage", "measure", "value", "unit",
            "lower", "upper", "interval_method", "interval_note",
            "suppressed", "suppression_reason",
        ] == names  # fmt: skip
        assert expected == list(csv.reader(io.StringIO(result.out)))


class TestCohortSuppressed:
    """``--suppress mhsds`` over the demo cohort: 30 people at three providers."""

    def test_the_csv_is_the_reports_rows_under_the_policy(self, run: Any) -> None:
        """Each row as ``rows(suppress=MHSDS_SUPPRESSION)`` gives it; flagged when hidden."""
        result = run("demo", *DEMO_ARGS, "--csv", "--suppress", "mhsds")
        _, *rows = list(csv.reader(io.StringIO(result.out)))
        expected = demo_report().rows(suppress=MHSDS_SUPPRESSION)
        assert (len(expected), sum(row.suppressed for row in expected)) == (
            len(rows),
            sum(row[-2] == "True" for row in rows),
        )
        assert any(row.suppressed for row in expected)
        assert all(row[3] == "" for row in rows if row[-2] == "True")

    def test_the_json_names_the_policy_and_hides_payments(self, run: Any) -> None:
        """The document names the policy; a payment lists the fields it hides."""
        document = json.loads(run("demo", *DEMO_ARGS, "--json", "--suppress", "mhsds").out)
        hidden = [row for row in document["payments"] if row["suppressed"]]
        assert ("mhsds", True) == (document["suppression"], bool(hidden))
        assert all(row[name] is None for row in hidden for name in row["suppressed"])
        shown = [row["rank"] for row in document["benchmark"] if row["suppressed"]]
        assert set(shown) <= {None}

    def test_the_text_shows_a_star_never_a_zero(self, run: Any) -> None:
        """A hidden figure is '*' in the tables, and the policy is named at the top."""
        result = run("demo", *DEMO_ARGS, "--suppress", "mhsds")
        ready = table(result.out, "Ready to move on, at the date")
        assert "Published under the disclosure-control policy 'mhsds'" in result.out
        assert "*" in [cell for cells in ready.values() for cell in cells]

    def test_the_json_leaves_out_the_charts_the_policy_hides_and_names_them(self, run: Any) -> None:
        """``spc`` holds the charts ``spc_table(suppress=)`` publishes; the rest are named."""
        document = json.loads(run("demo", *DEMO_ARGS, "--json", "--suppress", "mhsds").out)
        report = demo_report()
        published = scoring.spc_table(report, suppress=MHSDS_SUPPRESSION)
        every = dict.fromkeys(row.provider for row in scoring.spc_table(report))
        hidden = [p for p in every if p not in {row.provider for row in published}]
        assert hidden
        assert (len(published), hidden) == (len(document["spc"]), document["spc_suppressed"])
        assert not set(hidden) & {row["provider"] for row in document["spc"]}

    def test_an_unknown_policy_is_refused(self, run: Any) -> None:
        """Only the policies the command knows: a usage error naming the choices."""
        result = run("demo", *DEMO_ARGS, "--suppress", "loose")
        assert (2, "invalid choice: 'loose' (choose from 'mhsds')") == (
            result.code,
            result.error_lines[0].partition("--suppress: ")[2].partition(" (see")[0],
        )


class TestDemo:
    def test_the_report_is_that_of_the_synthetic_cohort(self, run: Any) -> None:
        """``demo --json`` is the report of synthetic_cohort over the five years to the date."""
        result = run("demo", *DEMO_ARGS, "--json")
        document = json.loads(result.out)
        assert (
            "2025-03-31",
            "2020-03-31",
            [json_value(row.value) for row in demo_report().rows()],
        ) == (
            document["as_of"],
            document["since"],
            [row["value"] for row in document["rows"]],
        )

    def test_the_text_begins_with_the_cohort(self, run: Any) -> None:
        """The text names the seed and the people in care, then gives the report."""
        result = run("demo", *DEMO_ARGS)
        assert [
            "Synthetic cohort: seed 7, 30 people in secure hospital care at 2025-03-31.",
            (
                f"Cohort report as of 2025-03-31, window from 2020-03-31: {len(demo_cohort())} "
                "records, 8 providers, 4 stages."
            ),
        ] == result.out.splitlines()[:2]

    def test_the_same_seed_gives_the_same_bytes(self, run: Any) -> None:
        """Two runs with the same arguments print the same text."""
        assert run("demo", *DEMO_ARGS).out == run("demo", *DEMO_ARGS).out

    def test_written_records_report_the_same_through_cohort(self, run: Any, tmp_path: Path) -> None:
        """``demo --write-jsonl`` then ``cohort`` on the file prints the same report."""
        lines = tmp_path / "cohort.jsonl"
        demo = run("demo", *DEMO_ARGS, "--write-jsonl", str(lines))
        cohort = run("cohort", str(lines), "--as-of", "2025-03-31", "--since", "2020-03-31")
        header = "Synthetic cohort: seed 7, 30 people in secure hospital care at 2025-03-31.\n"
        assert (0, header + cohort.out, demo_cohort()) == (
            cohort.code,
            demo.out,
            tuple(pm.loads(line, pm.Pathway) for line in lines.read_text().splitlines()),
        )

    def test_providers(self, run: Any) -> None:
        """``--providers N`` makes a cohort with Provider A onwards."""
        result = run("demo", "--people", "20", "--providers", "2", "--by", "provider")
        assert ["Provider A", "Provider B", "All providers"] == list(table(result.out, "Size"))

    def test_progress_names_each_step(self, run: Any, tmp_path: Path) -> None:
        """With --progress, each step is named on standard error; standard output is the same."""
        lines = str(tmp_path / "cohort.jsonl")
        quiet = run("demo", *DEMO_ARGS)
        shown = run("demo", *DEMO_ARGS, "--progress", "--write-jsonl", lines)
        count = len(demo_cohort())
        assert (quiet.out, [
            "Making a synthetic cohort: 30 people in care, seed 7",
            f"Writing {lines}: done, {count} of {count}",
            f"Reporting on {count} records",
        ]) == (shown.out, [
            line for line in shown.error_lines if "%" not in line
        ])  # fmt: skip

    @pytest.mark.parametrize(
        ("argv", "expected"),
        [
            (["--people", "0"], "argument --people: expected a whole number from 1; found '0'"),
            (["--providers", "27"], (
                "argument --providers: expected a whole number from 1 to 26; found '27'"
            )),
            (["--seed", "x"], "argument --seed: expected a whole number; found 'x'"),
            (["--as-of", "2025-02-30"], ("argument --as-of: expected a date that exists; "
             "found '2025-02-30'")),
        ],
    )  # fmt: skip
    def test_bad_arguments_are_usage_errors(self, run: Any, argv: list[str], expected: str) -> None:
        """Each bad argument is one line naming it, with exit code 2."""
        result = run("demo", *argv)
        assert (2, [f"{PREFIX}{expected} (see 'pathway-model demo --help')"]) == (
            result.code,
            result.error_lines,
        )

    def test_a_date_too_early_for_the_history_names_the_option(self, run: Any) -> None:
        """The generator's own limit on the date is reported against --as-of."""
        result = run("demo", "--people", "5", "--as-of", "0040-01-01")
        assert [
            (
                f"{PREFIX}--as-of: expected a date after the year 51 (the history drawn reaches "
                "that far back); found 0040-01-01"
            )
        ] == result.error_lines


# --- errors, exit codes, the parser -----------------------------------------------------------


class TestErrors:
    @pytest.mark.parametrize(
        "argv",
        [
            [],
            ["frobnicate"],
            ["assess"],
            ["assess", "missing.json", "--as-of", "2025-01-15"],
            ["assess", "examples", "--as-of", "2025-01-15"],
            ["validate", "--no-such-option", "x.json"],
            ["schema", "--output"],
            ["fhir"],
            ["fhir", "import", "missing.json"],
            ["cohort", "examples/medium_secure.json"],
            ["demo", "--by", "ward"],
        ],
        ids=[
            "no-command",
            "unknown-command",
            "no-file",
            "missing-file",
            "folder",
            "option",
            "-o",
            "no-fhir-command",
            "missing-bundle",
            "no-date",
            "unknown-grouping",
        ],
    )
    def test_user_errors_are_one_prefixed_line_and_exit_2(self, run: Any, argv: list[str]) -> None:
        """Every user error is a single line on standard error, prefixed, with exit code 2."""
        result = run(*argv)
        assert (2, "", 1, True) == (
            result.code,
            result.out,
            len(result.error_lines),
            result.err.startswith(PREFIX),
        )

    def test_an_internal_error_is_one_line_naming_a_bug(
        self, run: Any, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """An unexpected exception exits 3 with one line naming its type, and no traceback."""
        _break_schema(monkeypatch, RuntimeError(SECRET))
        result = run("schema")
        assert (3, [
            (f"{PREFIX}internal error (RuntimeError): this is a bug in pathway-model "
            f"{pm.__version__}, please report it; run it again with --debug to see where")
        ]) == (result.code, result.error_lines)  # fmt: skip

    def test_debug_shows_the_traceback(self, run: Any, monkeypatch: pytest.MonkeyPatch) -> None:
        """With ``--debug``, an internal error shows its traceback too."""
        _break_schema(monkeypatch, RuntimeError("boom"))
        result = run("--debug", "schema")
        assert (3, True, True) == (
            result.code,
            result.err.startswith("Traceback (most recent call last):"),
            result.error_lines[-1].startswith(f"{PREFIX}internal error (RuntimeError)"),
        )

    def test_ctrl_c_exits_130(self, run: Any, monkeypatch: pytest.MonkeyPatch) -> None:
        """Interrupting a command exits 130 with one line."""
        _break_schema(monkeypatch, KeyboardInterrupt())
        result = run("schema")
        assert (130, [f"{PREFIX}interrupted"]) == (result.code, result.error_lines)

    def test_a_closed_pipe_exits_141_quietly(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """When the reader of the output goes away (``| head``), the command stops without noise."""
        monkeypatch.setattr(sys, "stdout", _ClosedPipe())
        code = cli.main(["schema"])
        assert (141, "") == (code, capsys.readouterr().err)

    def test_help_exits_0(self, run: Any) -> None:
        """``--help`` lists the commands on standard output and exits 0."""
        result = run("--help")
        assert (0, True) == (result.code, "validate" in result.out)

    def test_version(self, run: Any) -> None:
        """``--version`` names the command and the installed version."""
        assert f"pathway-model {pm.__version__}\n" == run("--version").out


class _Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


class _ClosedPipe(io.StringIO):
    """Standard output whose reader has gone away."""

    def write(self, text: str) -> int:
        raise BrokenPipeError


def _break_schema(monkeypatch: pytest.MonkeyPatch, error: BaseException) -> None:
    """Make the schema command raise ``error``."""

    def broken(cls: type[Any]) -> dict[str, Any]:
        raise error

    monkeypatch.setattr(pm, "json_schema", broken)


class TestProgress:
    def test_progress_goes_to_standard_error_only(self, run: Any, tmp_path: Path) -> None:
        """``--progress`` writes progress lines to standard error; standard output is unchanged."""
        for name in "abc":
            write(tmp_path / f"{name}.json", example_json())
        plain = run("validate", str(tmp_path))
        shown = run("validate", "--progress", str(tmp_path))
        assert (plain.out, "", [
            "Checking: 1 of 3 (33%)",
            "Checking: 2 of 3 (66%)",
            "Checking: 3 of 3 (100%)",
            "Checking: done, 3 of 3",
        ]) == (shown.out, plain.err, shown.error_lines)  # fmt: skip

    def test_a_json_lines_file_is_counted_for_progress(self, run: Any, tmp_path: Path) -> None:
        """The documents of a JSON Lines file are counted up front, so progress has a total."""
        compact = pm.dumps(example_pathway())
        lines = write(tmp_path / "cohort.jsonl", f"{compact}\n{compact}\n")
        assert "Checking: done, 2 of 2" == run("validate", lines, "--progress").error_lines[-1]

    def test_on_a_terminal_the_line_is_redrawn_and_cleared(self) -> None:
        """On a terminal, the line is redrawn in place and cleared at the end."""
        stream = io.StringIO()
        progress = _console.Progress(stream, "Checking", 2, interactive=True)
        progress.advance()
        progress.advance()
        progress.finish()
        last = "Checking: 2 of 2 (100%)"
        assert f"\rChecking: 1 of 2 (50%)\r{last}\r{' ' * len(last)}\r" == stream.getvalue()

    def test_output_on_a_terminal_clears_the_line_first(self) -> None:
        """A result written mid-run clears the progress line, so it does not run on from it."""
        terminal = _Terminal()
        console = _console.Console(
            stdin=None, stdout=terminal, stderr=terminal, progress=True, progress_explicit=True
        )
        progress = console.progress_for("Checking", 2)
        progress.advance()
        console.write("a problem")
        progress.advance()
        shown = "Checking: 1 of 2 (50%)"
        assert f"\r{shown}\r{' ' * len(shown)}\ra problem\n\rChecking: 2 of 2 (100%)" == (
            terminal.getvalue()
        )

    def test_a_step_is_drawn_and_cleared_on_a_terminal(self) -> None:
        """A step without a count is named on the terminal while it runs, then cleared."""
        terminal = _Terminal()
        console = _console.Console(stdin=None, stdout=io.StringIO(), stderr=terminal, progress=True)
        with console.step("Reporting on 3 records"):
            drawn = terminal.getvalue()
        shown = "Reporting on 3 records"
        assert (f"\r{shown}", f"\r{shown}\r{' ' * len(shown)}\r") == (drawn, terminal.getvalue())

    def test_a_step_is_one_line_in_a_log(self) -> None:
        """With --progress and no terminal, a step is one whole line."""
        log = io.StringIO()
        console = _console.Console(
            stdin=None, stdout=io.StringIO(), stderr=log, progress=True, progress_explicit=True
        )
        with console.step("Reporting on 3 records"):
            pass
        assert "Reporting on 3 records\n" == log.getvalue()

    def test_without_a_total_it_counts(self) -> None:
        """When the number of documents is not known, the line counts those done."""
        stream = io.StringIO()
        progress = _console.Progress(stream, "Reading", None)
        for _ in range(1_000):
            progress.advance()
        progress.finish()
        assert ["Reading: 1", "Reading: 1,000", "Reading: done, 1,000"] == (
            stream.getvalue().splitlines()
        )


class TestJsonLinesDetection:
    @given(st.lists(st.dictionaries(st.text(), st.integers()), min_size=2, max_size=5))
    def test_several_one_line_documents_are_json_lines(self, documents: list[Any]) -> None:
        """Two or more compact documents, one a line, are read as JSON Lines."""
        data = "\n".join(json.dumps(document) for document in documents).encode()
        assert _inputs._is_json_lines(data)

    @given(st.dictionaries(st.text(), st.lists(st.integers(), max_size=3)), st.booleans())
    def test_one_document_is_one_document(self, document: Any, indent: bool) -> None:
        """A single document, compact or indented, with a final newline or not, is one document."""
        text = json.dumps(document, indent=2 if indent else None) + "\n"
        assert not _inputs._is_json_lines(text.encode())


class TestRegistry:
    def test_a_registered_command_runs_and_is_listed(
        self, run: Any, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A function registered with ``command`` becomes a command, listed in the help."""
        monkeypatch.setattr(_app, "COMMANDS", dict(_app.COMMANDS))

        def arguments(parser: argparse.ArgumentParser) -> None:
            _app.add_input_arguments(parser, what="pathways")

        @_app.command("count", summary="count pathways", arguments=arguments)
        def count(args: argparse.Namespace, console: _console.Console) -> int:
            loaded = list(_inputs.load_pathways(args.inputs, console))
            console.write(str(sum(item.pathway is not None for item in loaded)))
            return _app.ExitCode.OK

        result = run("count", str(EXAMPLE), "-", stdin=EXAMPLE.read_bytes())
        assert ("2\n", True) == (result.out, "count pathways" in run("--help").out)

    def test_a_command_in_a_group(self, run: Any, monkeypatch: pytest.MonkeyPatch) -> None:
        """Two-word commands such as ``fhir export`` live in a group with its own help."""
        monkeypatch.setattr(_app, "COMMANDS", dict(_app.COMMANDS))
        monkeypatch.setattr(_app, "GROUPS", dict(_app.GROUPS))
        _app.group("fhir", "FHIR R4 export and import")

        @_app.command("fhir export", summary="export a pathway")
        def export(args: argparse.Namespace, console: _console.Console) -> int:
            console.write("exported")
            return _app.ExitCode.OK

        assert ("exported\n", True) == (
            run("fhir", "export").out,
            "export a pathway" in run("fhir", "--help").out,
        )

    def test_load_pathways_names_each_bad_record(self, run: Any, tmp_path: Path) -> None:
        """Pathways read from a JSON Lines file come with their problems, named by line."""
        compact = pm.dumps(example_pathway())
        lines = write(tmp_path / "cohort.jsonl", f"{compact}\n{{}}\n")
        console = _console.Console(stdin=None, stdout=io.StringIO(), stderr=io.StringIO())
        loaded = list(_inputs.load_pathways([lines], console))
        assert [(f"{lines}:1", True, 0), (f"{lines}:2", False, 2)] == [
            (item.source, item.pathway is not None, len(item.problems)) for item in loaded
        ]


class TestCommandTable:
    def test_every_command_in_the_table_is_in_its_module(self) -> None:
        """Each entry of the static command table names a module that holds its command."""
        loaded = {words: info.load() for words, info in _app.COMMANDS.items()}
        assert all(isinstance(item, _app.Command) for item in loaded.values())

    @pytest.mark.parametrize(
        "argv",
        [
            ["assess", "p.json", "--as-of", "2025-01-15", "--for", "person"],
            ["--progress", "--debug", "readiness", "-", "--as-of", "2025-01-15", "--json"],
            ["--no-progress", "fhir", "export", "p.json", "--indent", "0", "-o", "b.json"],
            ["fhir", "import", "b.json", "--progress", "--instruments", "r.json"],
            ["cohort", "a.jsonl", "b", "--as-of", "2025-03-31", "--by", "stage", "--csv"],
            ["validate", "a.json", "--definition", "d.json", "--progress"],
            ["--deb", "schema", "framework"],
            ["demo", "--people", "30", "--seed", "7"],
        ],
    )
    def test_a_command_line_is_read_as_the_full_parser_reads_it(self, argv: list[str]) -> None:
        """Building only the command that runs reads a command line as the full parser does."""
        assert vars(_app.build_parser().parse_args(argv)) == vars(_app._parse(argv))


# --- the real command ----------------------------------------------------------------------------


@functools.cache
def assess_in_a_fresh_interpreter() -> tuple[int, list[str]]:
    """Run ``main`` for ``assess`` on the example in a new Python; its exit code and modules."""
    script = (
        "import json, sys\n"
        "from pathway_model.cli import main\n"
        "code = main(['assess', 'examples/medium_secure.json', '--as-of', '2025-01-15'])\n"
        "sys.stderr.write(json.dumps([code, sorted(sys.modules)]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, cwd=ROOT, check=True
    )
    code, modules = json.loads(result.stderr)
    return code, modules


class TestRealCommand:
    def test_python_m_pathway_model_assesses_the_example(self) -> None:
        """``python -m pathway_model assess`` on the example exits 0 with the team's explanation."""
        result = run_real("assess", "examples/medium_secure.json", "--as-of", "2025-01-15")
        expected = pm.explain(pm.assess(example_pathway(), AS_OF)) + "\n"
        assert (0, expected, b"") == (result.returncode, result.stdout.decode(), result.stderr)

    def test_bad_input_gives_exit_2_and_no_traceback(self) -> None:
        """Malformed JSON on standard input exits 2 with the problem, and no traceback anywhere."""
        result = run_real("assess", "-", "--as-of", "2025-01-15", stdin=b'{"schema_version": ')
        assert (2, b"", [
            (f"{PREFIX}<stdin>: $: expected a JSON document; found Expecting value "
            "at line 1 column 20")
        ]) == (result.returncode, result.stdout, result.stderr.decode().splitlines())  # fmt: skip

    def test_output_is_utf8_whatever_the_locale(self) -> None:
        """With an ASCII-only output encoding asked for, the pound sign still comes out in UTF-8."""
        result = run_real(
            "readiness", str(EXAMPLE), "--as-of", "2025-01-15", PYTHONIOENCODING="ascii"
        )
        assert (0, True) == (result.returncode, "£49,720".encode() in result.stdout)

    def test_fhir_export_then_import_gives_the_record_back(self) -> None:
        """The real ``fhir export``, piped to ``fhir import -``, writes the example back."""
        exported = run_real("fhir", "export", "examples/medium_secure.json")
        imported = run_real("fhir", "import", "-", stdin=exported.stdout)
        assert (0, 0, example_json().encode(), b"") == (
            exported.returncode,
            imported.returncode,
            imported.stdout,
            exported.stderr + imported.stderr,
        )

    def test_cohort_on_the_example(self) -> None:
        """The real ``cohort`` reports on the example: the report's rows, as JSON."""
        result = run_real(
            "cohort", "examples/medium_secure.json", "--as-of", "2025-01-15", "--json"
        )
        report = scoring.cohort_report([example_pathway()], as_of=AS_OF)
        assert (0, [json_value(row.value) for row in report.rows()]) == (
            result.returncode,
            [row["value"] for row in json.loads(result.stdout)["rows"]],
        )

    def test_demo_writes_a_cohort_that_cohort_reports_the_same(self, tmp_path: Path) -> None:
        """The real ``demo --write-jsonl``, then ``cohort`` on the file: the same JSON report."""
        lines = str(tmp_path / "cohort.jsonl")
        demo = run_real("demo", *DEMO_ARGS, "--json", "--write-jsonl", lines)
        cohort = run_real(
            "cohort", lines, "--as-of", "2025-03-31", "--since", "2020-03-31", "--json"
        )
        assert (0, 0, demo.stdout, b"") == (
            demo.returncode,
            cohort.returncode,
            cohort.stdout,
            demo.stderr + cohort.stderr,
        )

    def test_assess_loads_neither_scoring_fhir_nor_plotting(self) -> None:
        """``assess`` on one record imports the core only: no scoring, FHIR, plots or frames.

        Nor orjson: for a small document its import costs more than it saves.
        """
        heavy = {"scoring", "fhir", "plot", "synthetic", "pandas", "numpy", "matplotlib", "orjson"}
        code, modules = assess_in_a_fresh_interpreter()
        assert (0, []) == (
            code,
            [
                name
                for name in modules
                if any(part.lstrip("_").split("_")[0] in heavy for part in name.split("."))
            ],
        )

    def test_assess_loads_no_other_command(self) -> None:
        """Of the command modules, ``assess`` imports its own (``_rules``) alone."""
        commands = {info.module for info in _app.COMMANDS.values()}
        assert ["pathway_model.cli._rules"] == [
            name for name in assess_in_a_fresh_interpreter()[1] if name in commands
        ]

    def test_importing_the_package_does_not_load_the_command(self) -> None:
        """``import pathway_model`` stays cheap: the command's module loads only when run."""
        result = subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys, pathway_model; print('pathway_model.cli' in sys.modules)",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        assert "False" == result.stdout.strip()


# --- the docs -----------------------------------------------------------------------------

#: A ```console block.
CONSOLE = re.compile(r"^```console\n(?P<body>.*?)^```", re.MULTILINE | re.DOTALL)


def console_examples(page: Path) -> Iterator[tuple[str, str]]:
    """Each ``$ command`` of a page's console blocks, with the output shown after it."""
    for block in CONSOLE.finditer(page.read_text(encoding="utf-8")):
        command: str | None = None
        output: list[str] = []
        for line in block["body"].splitlines():
            if line.startswith("$ "):
                if command is not None:
                    yield command, "".join(output)
                command, output = line[2:], []
            else:
                output.append(line + "\n")
        if command is not None:
            yield command, "".join(output)


def run_documented(command: str, run: Any, last_code: int) -> tuple[int, str]:
    """Run one documented shell command in this process; return its exit code and output.

    The commands the docs use are ``pathway-model ARGS`` (or ``python -m pathway_model
    ARGS``), optionally fed by ``echo 'TEXT' |`` or ``< FILE``, piped to another
    ``pathway-model ARGS``, and cut by ``| head -n N``; and ``echo $?``, which shows the
    previous exit code.
    """
    if command == "echo $?":
        return last_code, f"{last_code}\n"
    words = shlex.split(command)
    stdin = b""
    if words[0] == "echo":
        stdin, words = (words[1] + "\n").encode(), words[3:]
    head = None
    if words[-4:-1] == ["|", "head", "-n"]:
        head, words = int(words[-1]), words[:-4]
    if "<" in words:
        stdin = (ROOT / words[words.index("<") + 1]).read_bytes()
        words = words[: words.index("<")]
    errors = ""
    while True:  # `pathway-model A | pathway-model B`: A's output is B's input
        end = words.index("|") if "|" in words else len(words)
        stage, words = words[:end], words[end + 1 :]
        if stage[:3] == ["python", "-m", "pathway_model"]:
            stage = ["pathway-model", *stage[3:]]
        assert "pathway-model" == stage[0], command
        result = run(*stage[1:], stdin=stdin)
        errors += result.err
        if not words:
            break
        stdin = result.out.encode()
    out = result.out
    if head is not None:
        out = "".join(out.splitlines(keepends=True)[:head])
    return result.code, (out + errors).replace(pm.__version__, DOCS_VERSION)


class TestDocs:
    def test_the_how_to_shows_what_each_command_prints(
        self, run: Any, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Each command on the command-line how-to prints what the page shows after it."""
        monkeypatch.chdir(ROOT)
        examples = list(console_examples(HOW_TO))
        code = 0
        for command, shown in examples:
            code, printed = run_documented(command, run, code)
            assert (command, shown) == (command, printed)
        assert len(examples) >= 10

    def test_the_instruments_file_shown_in_the_how_to_is_read(
        self, run: Any, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The --instruments example on the how-to is a file ``fhir export`` sends."""
        monkeypatch.chdir(ROOT)
        shown = re.search(r"^```json\n(.*?)^```", HOW_TO.read_text(encoding="utf-8"), re.M | re.S)
        assert shown is not None
        result = run("fhir", "export", str(EXAMPLE), "--instruments", "-", stdin=shown[1].encode())
        imported = fhir.from_fhir_with_instruments(result.out)
        assert (0, ["honos-1"]) == (
            result.code,
            [rating.id for rating in imported.instrument_ratings],
        )

    def test_the_how_to_shows_every_command(self) -> None:
        """The how-to has an example of every registered command."""
        commands = {command for command, _ in console_examples(HOW_TO)}
        shown = {" ".join(words) for words in _app.COMMANDS if any(
            f"pathway-model {' '.join(words)} " in command for command in commands
        )}  # fmt: skip
        assert {" ".join(words) for words in _app.COMMANDS} == shown

    def test_the_reference_is_the_help_of_every_command(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """docs/reference/cli.md holds the --help of the command and of each of its commands."""
        monkeypatch.setenv("COLUMNS", "200")
        assert reference_page() == REFERENCE.read_text(encoding="utf-8"), REGENERATE


def _parsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    """The parser and those of its commands, depth first, in the order help lists them."""
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):
                yield from _parsers(sub)


def reference_page() -> str:
    """The command line reference page, generated from the parser."""
    parts = [
        "# Command line reference\n",
        (
            "The full help of the `pathway-model` command and of each of its commands, as "
            "`--help`\nprints it. For examples of each command and the exit codes, see "
            "[Use the command line](../how-to/command-line.md).\n"
        ),
        (
            "<!-- Generated from the parser by tests/test_cli.py: regenerate with "
            "`python -m tests.test_cli`. -->\n"
        ),
    ]
    for parser in _parsers(_app.build_parser()):
        help_text = parser.format_help().replace(pm.__version__, DOCS_VERSION).rstrip()
        parts.append(f"## {parser.prog}\n\n```text\n{help_text}\n```\n")
    return "\n".join(parts)


if __name__ == "__main__":
    os.environ["COLUMNS"] = "200"
    REFERENCE.write_text(reference_page(), encoding="utf-8", newline="\n")
    EXAMPLE.write_text(example_json(), encoding="utf-8", newline="\n")
    print(f"wrote {REFERENCE.relative_to(ROOT)} and {EXAMPLE.relative_to(ROOT)}")
