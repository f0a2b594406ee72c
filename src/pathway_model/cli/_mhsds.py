"""The ``mhsds`` commands: ``mhsds synthetic``, ``mhsds pathways`` and ``mhsds report``.

An MHSDS extract is a folder of CSV or parquet files named by table (see the docs page
"Reading MHSDS extracts"). ``pathways`` reads one into pathway records; ``report`` reads
one and prints the cohort report beside the national measures; ``synthetic`` writes one
from a synthetic cohort. Every row read is accounted for: the account is summed up on
standard error (or in the report), written in full as JSON with ``--accounting FILE``,
and a refused row is a warning, never an error, unless ``--strict`` is given.

Messages and the account name tables, files, rows, lines, fields and codes; they never
show the value of a cell, which may hold clinical free text.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import importlib.util
import io
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

import attrs

import pathway_model as pm
from pathway_model.cli._app import (
    Command,
    CommandError,
    ExitCode,
    add_output_option,
    as_of_date,
)
from pathway_model.cli._cohort import (
    HIDDEN,
    add_by_option,
    add_suppress_option,
    option_error,
    report_document,
    report_text,
    suppression,
)
from pathway_model.cli._console import Console, os_problem, write_output
from pathway_model.cli._render import INDENT, Row, column, json_text, plural, show_code, table
from pathway_model.errors import ValidationError

# The library's names this module uses, from their public homes.
from pathway_model.catalogue import SECURE_PATHWAY  # isort: skip
from pathway_model.mhsds import (  # isort: skip
    CONVENTIONS,
    ENGLAND,
    Accounting,
    Convention,
    Extract,
    MeasureRow,
    MhsdsPathways,
    NationalMeasures,
    ReportingMonth,
    RowProblem,
    SubmissionRule,
    build_pathways,
    month_id_of,
    national_measures,
    read_extract,
    reporting_month,
)
from pathway_model.scoring import CohortReport, cohort_report  # isort: skip
from pathway_model.stats import Cell, SuppressionPolicy, SuppressionReason  # isort: skip
from pathway_model.synthetic import CohortParameters, synthetic_cohort  # isort: skip

__all__ = ["PATHWAYS", "REPORT", "SYNTHETIC", "accounting_document"]

#: The extra that reading and writing MHSDS extracts needs, as ``pip`` installs it.
_EXTRA = "pip install 'pathway-model[mhsds]'"
#: A file of an MHSDS table, as the reader finds them in a folder: named by table.
_TABLE_FILE = re.compile(r"MHS[0-9]{3}.*\.(csv|parquet)", re.IGNORECASE)
#: The synthetic extract's date and seed by default: those of ``demo``.
_SYNTHETIC_AS_OF = dt.date(2025, 3, 31)
_SYNTHETIC_SEED = 2025
#: At most this many problems of records with their definition are listed as warnings.
_MAX_RECORD_WARNINGS = 20
#: The columns of ``report --csv``: the fields of a national measure row, in order.
_CSV_FIELDS = tuple(field.name for field in attrs.fields(MeasureRow))


# --- arguments -----------------------------------------------------------------------------------


def _add_folder_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "folder",
        metavar="DIR",
        help=(
            "the extract: a folder of CSV or parquet files named by table, e.g. "
            "MHS501HospProvSpell.csv or MHS501.parquet (MHS501 and MHS502 are required)"
        ),
    )


def _add_reading_options(parser: argparse.ArgumentParser) -> None:
    """Add the options of a command that reads an extract: submissions, account, strict."""
    parser.add_argument(
        "--submissions",
        choices=[rule.value for rule in SubmissionRule],
        default=SubmissionRule.LATEST.value,
        help=(
            "which submission of each provider-month to keep: the latest whatever its "
            "file type (the default), the latest of file type 1 or 2 (performance), or of "
            "file type 1 (provisional); the file-type rules need MHS000Header"
        ),
    )
    parser.add_argument(
        "--accounting",
        metavar="FILE",
        help=(
            "write the account of every row read to FILE as JSON (UTF-8, replaced if it "
            "exists): the counts by table, layer and reason, the conventions applied, and "
            "each refused row's table, file, row, line, field and reason"
        ),
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help=(
            "exit with 2, writing no output (but the --accounting file), when any row was "
            "refused; without it, refused rows are warnings and the output is written"
        ),
    )


def _month_end(text: str) -> dt.date:
    """Read ``--period-end``: the last day of a month."""
    day = as_of_date(text)
    end = _month_of(day).end
    if day != end:
        msg = (
            "expected the last day of a month, as the national measures are monthly "
            f"(e.g. {end.isoformat()}); found {show_code(text)}"
        )
        raise argparse.ArgumentTypeError(msg)
    return day


def _month_start(text: str) -> dt.date:
    """Read ``--period-start``: the first day of a month."""
    day = as_of_date(text)
    start = _month_of(day).start
    if day != start:
        msg = (
            "expected the first day of a month, as the national measures are monthly "
            f"(e.g. {start.isoformat()}); found {show_code(text)}"
        )
        raise argparse.ArgumentTypeError(msg)
    return day


def _in_a_month(text: str) -> dt.date:
    """Read a date that has a ``UniqMonthID``: from April 1900."""
    day = as_of_date(text)
    _month_of(day)
    return day


def _month_of(day: dt.date) -> ReportingMonth:
    """The reporting month a date falls in."""
    try:
        return reporting_month(month_id_of(day))
    except ValidationError:  # before April 1900, when UniqMonthID begins
        msg = f"expected a date from 1900-04-01, when UniqMonthID begins; found {day.isoformat()}"
        raise argparse.ArgumentTypeError(msg) from None


def _whole_number(text: str) -> int:
    """Read ``--people``: a whole number from 1."""
    digits = text.replace("_", "").replace(",", "")
    if not digits.isdigit() or int(digits) < 1:
        msg = f"expected a whole number from 1; found {show_code(text)}"
        raise argparse.ArgumentTypeError(msg)
    return int(digits)


def _seed(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        msg = f"expected a whole number; found {show_code(text)}"
        raise argparse.ArgumentTypeError(msg) from None


# --- reading an extract --------------------------------------------------------------------------


def _needs(module: str, what: str) -> None:
    """Refuse to go on when an optional dependency is not installed, naming the extra."""
    if importlib.util.find_spec(module) is None:
        msg = f"{what} needs {module}, which is not installed: {_EXTRA}"
        raise CommandError(msg)


def _folder(name: str) -> Path:
    """The extract's folder, refused before any work if it is not one."""
    path = Path(name)
    if not path.exists():
        msg = f"{name}: no such folder"
        raise CommandError(msg)
    if not path.is_dir():
        msg = f"{name}: is a file; give a folder of CSV or parquet files named by table"
        raise CommandError(msg)
    return path


def _read(args: argparse.Namespace, console: Console) -> Extract:
    """Read and de-duplicate the extract in ``args.folder``."""
    folder = _folder(args.folder)
    _needs("pandas", "reading an MHSDS extract")
    try:
        with console.step(f"Reading the MHSDS extract in {args.folder}"):
            return read_extract(folder, submissions=SubmissionRule(args.submissions))
    except ValidationError as error:
        raise CommandError(*(f"{args.folder}: {problem}" for problem in error.problems)) from None


def _records(extract: Extract, console: Console) -> MhsdsPathways:
    with console.step("Building the pathway records"):
        return build_pathways(extract)


# --- the account of every row --------------------------------------------------------------------


def accounting_document(accounting: Accounting) -> dict[str, object]:
    """The account of every row read, as ``--accounting FILE`` holds it.

    The totals; each table's rows read, used, dropped as duplicates by layer and refused
    by reason; the tables not read; the conventions applied; and each problem kept (the
    first ``problems_kept_per_table`` of each table), with its table, source, row, line,
    field, reason, what was expected and what was found (never a value of a cell).
    """
    return {
        "read": accounting.read,
        "used": accounting.used,
        "duplicates": accounting.duplicates,
        "refused": accounting.refused,
        "tables": {
            name: {
                "read": account.read,
                "used": account.used,
                "duplicates": {layer.value: count for layer, count in account.duplicates.items()},
                "refused": dict(account.refused),
            }
            for name, account in accounting.tables.items()
        },
        "not_read": list(accounting.not_read),
        "conventions": dict(accounting.conventions),
        "problems_kept_per_table": Accounting.MAX_PROBLEMS_PER_TABLE,
        "problems": [_problem_document(problem) for problem in accounting.problems],
    }


def _problem_document(problem: RowProblem) -> dict[str, object]:
    return {field.name: getattr(problem, field.name) for field in attrs.fields(RowProblem)}


def _rows_lines(accounting: Accounting, folder: str) -> list[str]:
    """What became of the rows read: the totals, then one line a table."""
    lines = [
        (
            f"Read {folder}: {plural(accounting.read, 'row')} in "
            f"{plural(len(accounting.tables), 'table')}: {accounting.used:,} used, "
            f"{accounting.duplicates:,} dropped as duplicates, {accounting.refused:,} refused."
        )
    ]
    summary = accounting.summary()
    lines += [INDENT + line for line in summary.splitlines()]
    if accounting.not_read:
        lines.append(
            f"Tables not read (the reader does not use them): {', '.join(accounting.not_read)}."
        )
    return lines


def _convention_lines(accounting: Accounting) -> list[str]:
    """The conventions the reading applied, one a line."""
    return [
        "Conventions applied in reading (see 'Reading MHSDS extracts'):",
        *(f"{INDENT}{name}: {rule}" for name, rule in accounting.conventions.items()),
    ]


def _refusal_lines(accounting: Accounting) -> list[str]:
    """The rows refused, counted by table and reason; and each problem with a whole table."""
    lines = [
        f"{name}: {plural(count, 'row')} refused: {reason}"
        for name, account in accounting.tables.items()
        for reason, count in account.refused.items()
    ]
    lines += [str(problem) for problem in accounting.problems if problem.row is None]
    return lines


def _report_refusals(
    accounting: Accounting, args: argparse.Namespace, console: Console, *, output: str
) -> None:
    """Warn of refused rows; with ``--strict``, stop with exit code 2 when there are any.

    Unless the full account is written (to ``--accounting FILE``, or in ``--json``), the
    last warning says how to get it.
    """
    lines = _refusal_lines(accounting)
    if args.strict and accounting.refused:
        raise CommandError(
            *lines,
            f"{plural(accounting.refused, 'row')} refused (--strict): no {output} written",
        )
    for line in lines:
        console.warning(line)
    if accounting.refused and args.accounting is None and not getattr(args, "json", False):
        console.warning(
            "give --accounting FILE for each refused row's file, line, field and reason"
        )


def _write_accounting(accounting: Accounting, args: argparse.Namespace, console: Console) -> None:
    if args.accounting is not None:
        write_output(json_text(accounting_document(accounting), 2), args.accounting, console)


def _info(console: Console, lines: Iterable[str]) -> None:
    """Write lines of information to standard error: they are not the command's result."""
    for line in lines:
        console.stderr.write(line + "\n")
    console.stderr.flush()


# --- mhsds pathways ------------------------------------------------------------------------------


def _pathways_arguments(parser: argparse.ArgumentParser) -> None:
    _add_folder_argument(parser)
    add_output_option(parser, "the records")
    _add_reading_options(parser)


def _definition_warnings(pathways: Sequence[pm.Pathway], console: Console) -> None:
    """Warn of records that break the secure pathway's rules (a move it does not allow).

    They are what the extract says happened, so they are written all the same; ``cohort``
    refuses them, and ``mhsds report`` reports on them.
    """
    lines: list[str] = []
    records = 0
    for pathway in pathways:
        problems = pm.check_pathway(pathway, SECURE_PATHWAY)
        if problems:
            records += 1
            where = f"record {pathway.placements[0].provider}/{pathway.person_id}"
            lines += [f"{where}: {problem}" for problem in problems]
    for line in lines[:_MAX_RECORD_WARNINGS]:
        console.warning(line)
    if len(lines) > _MAX_RECORD_WARNINGS:
        console.warning(f"{len(lines) - _MAX_RECORD_WARNINGS:,} more such problems not listed")
    if records:
        console.warning(
            f"{plural(records, 'record')} of {len(pathways):,} break the rules of "
            f"{SECURE_PATHWAY.id} {SECURE_PATHWAY.version} (written all the same: 'cohort' "
            "refuses them)"
        )


def _pathways(args: argparse.Namespace, console: Console) -> int:
    extract = _read(args, console)
    read = _records(extract, console)
    _write_accounting(read.accounting, args, console)
    _report_refusals(read.accounting, args, console, output="records")
    text = "".join(pm.dumps(pathway) + "\n" for pathway in read.pathways)
    if args.output is not None or text:
        write_output(text, args.output, console)
    if args.accounting is None:
        count = len({pathway.person_id for pathway in read.pathways})
        people = f"{count:,} {'person' if count == 1 else 'people'}"
        providers = {pathway.placements[0].provider for pathway in read.pathways}
        _info(
            console,
            [
                *_rows_lines(read.accounting, args.folder),
                (
                    f"Wrote {plural(len(read.pathways), 'record')} ({people} "
                    f"at {plural(len(providers), 'provider')})"
                    + (f" to {args.output}." if args.output is not None else ".")
                ),
                (
                    "Conventions applied (each in full in --accounting FILE): "
                    + ", ".join(read.accounting.conventions)
                    + "."
                ),
            ],
        )
    _definition_warnings(read.pathways, console)
    return ExitCode.OK


PATHWAYS = Command(
    description=(
        "Read the MHSDS extract in DIR into pathway records, one per person and provider,\n"
        "and write them as JSON Lines: one pathway document a line, ordered by provider\n"
        "then person, for 'cohort' or 'validate' to read. Duplicates are dropped in the\n"
        "three national layers (submission, month snapshot, latest version).\n"
        "\n"
        "Every row read is accounted for: read, used, dropped as a duplicate, or refused\n"
        "for a named reason. The account is summed up on stderr, or written in full to\n"
        "--accounting FILE. A refused row is a warning: the exit code is 0 unless\n"
        "--strict is given. No message shows the value of a cell."
    ),
    arguments=_pathways_arguments,
    run=_pathways,
)
"""``pathway-model mhsds pathways DIR``."""


# --- mhsds report --------------------------------------------------------------------------------


def _report_arguments(parser: argparse.ArgumentParser) -> None:
    _add_folder_argument(parser)
    parser.add_argument(
        "--period-end",
        required=True,
        type=_month_end,
        metavar="DATE",
        help=(
            "the last day of the reporting period, the last day of a month, as YYYY-MM-DD "
            "(required: the measures never read the clock); the cohort report is as of it"
        ),
    )
    parser.add_argument(
        "--period-start",
        type=_month_start,
        metavar="DATE",
        help=(
            "the first day of the reporting period, the first day of a month (default: that "
            "of the earliest month of the spells and ward stays kept, their latest versions: "
            "often later than the first admission)"
        ),
    )
    _add_reading_options(parser)
    add_by_option(parser)
    add_suppress_option(parser)
    output = parser.add_mutually_exclusive_group()
    output.add_argument(
        "--json",
        action="store_true",
        help=(
            "write the report as JSON on one line instead: the cohort report (as 'cohort "
            "--json' writes it), the national measures' rows, each with its convention, "
            "and the account of every row"
        ),
    )
    output.add_argument(
        "--csv",
        action="store_true",
        help=("write the national measures' rows as CSV instead: " + ",".join(_CSV_FIELDS)),
    )


def _measures(extract: Extract, args: argparse.Namespace, console: Console) -> NationalMeasures:
    try:
        with console.step("Working out the national measures"):
            return national_measures(
                extract, period_end=args.period_end, period_start=args.period_start
            )
    except ValidationError:
        if args.period_start is not None:
            msg = (
                f"--period-start: expected a date on or before --period-end "
                f"({args.period_end.isoformat()}); found {args.period_start.isoformat()}"
            )
        else:
            msg = (
                "--period-end: expected a date in or after the first month the extract "
                f"was sent in; found {args.period_end.isoformat()} (give --period-start too)"
            )
        raise CommandError(msg) from None


def _cohort(read: MhsdsPathways, measures: NationalMeasures, console: Console) -> CohortReport:
    """The cohort report of the records, as of the period's end, over the same months."""
    try:
        with console.step(f"Reporting on {plural(len(read.pathways), 'record')}"):
            return cohort_report(
                read.pathways, as_of=measures.period_end, since=measures.period_start
            )
    except ValidationError as error:
        raise option_error(error) from None


def _measure_values(
    measures: NationalMeasures, policy: SuppressionPolicy | None = None
) -> dict[tuple[object, ...], object]:
    """Each figure by provider, month, measure, breakdown and code (``*``: suppressed)."""
    return {
        (row.provider, row.month_id, row.measure, row.breakdown, row.code): HIDDEN
        if reason is not None
        else row.value
        for row, reason in _protected_rows(measures, policy)
    }


#: What each national figure that is not a count is made from: a rate from its count and
#: its bed days (per 1,000), a length of stay from the spells it is of.
_NATIONAL_RATES = {
    "restrictive_interventions_per_1000_bed_days": ("restrictive_interventions", "bed_days")
}
_NATIONAL_MADE_FROM = {
    "length_of_stay_discharged_median": "stays_discharged",
    "length_of_stay_discharged_mean": "stays_discharged",
    "length_of_stay_open_median": "stays_open_at_end",
}


def _protected_rows(
    measures: NationalMeasures, policy: SuppressionPolicy | None
) -> list[tuple[MeasureRow, SuppressionReason | None]]:
    """The national measures' rows under a disclosure-control policy, each with why hidden.

    A count is protected as a count; a rate with its count and bed days; a length of
    stay with the count of spells it is of. England's rows follow the policy's
    exemption (the national rule publishes them as they are).
    """
    rows = measures.rows()
    if policy is None:
        return [(row, None) for row in rows]
    values = {(r.provider, r.month_id, r.measure, r.breakdown, r.code): r.value for r in rows}
    found: list[tuple[MeasureRow, SuppressionReason | None]] = []
    for row in rows:
        if row.value is None:
            found.append((row, None))
            continue

        def count(name: str, row: MeasureRow = row) -> int:
            value = values.get((row.provider, row.month_id, name, row.breakdown, row.code))
            return value if isinstance(value, int) else 0

        if row.measure in _NATIONAL_RATES:
            events, days = (count(name) for name in _NATIONAL_RATES[row.measure])
            cell = policy.apply(Cell.rate(events, days, per=1000), unit=row.provider)
        elif row.measure in _NATIONAL_MADE_FROM:
            base = policy.apply(
                Cell.count(count(_NATIONAL_MADE_FROM[row.measure])), unit=row.provider
            )
            if base.suppressed:
                hidden = SuppressionReason.NUMERATOR_BELOW_THRESHOLD
                found.append((attrs.evolve(row, value=None), hidden))
            else:
                found.append((row, None))
            continue
        else:
            cell = policy.apply(Cell.count(int(row.value)), unit=row.provider)
        if cell.suppressed:
            found.append((attrs.evolve(row, value=None), cell.reason))
        else:
            shown = row.value if cell.value is None else cell.value
            found.append((attrs.evolve(row, value=shown), None))
    return found


#: The tables of the window's figures: title (with the conventions' codes) and columns.
_NATIONAL_TABLES = (
    (
        "Bed days ({bed_days}) and ready-for-discharge days, MHS26 ({ready_days})",
        (
            column("bed_days", "Bed days", "days"),
            column("ready_days", "Ready days", "days"),
        ),
    ),
    (
        "Restrictive interventions ({restrictive_interventions})",
        (
            column("restrictive_interventions", "Interventions", "count"),
            column("restrictive_interventions_per_1000_bed_days", "Rate", "per 1,000 bed days"),
        ),
    ),
    (
        (
            "Length of stay of hospital spells ({stays_discharged}; those open at the period "
            "end: {stays_open_at_end})"
        ),
        (
            column("stays_discharged", "Discharged", "spells"),
            column("length_of_stay_discharged_median", "Median", "days"),
            column("length_of_stay_discharged_mean", "Mean", "days"),
            column("stays_open_at_end", "Open", "spells"),
            column("length_of_stay_open_median", "Median", "days so far"),
        ),
    ),
    (
        "HoNOS completeness ({honos_assessments}, 12 months to the period end)",
        (
            column("honos_assessments", "Assessments", "count"),
            column("honos_assessments_counted", "Counted", "count"),
            column("honos_people", "People", "count"),
            column("honos_people_counted", "Counted", "count"),
        ),
    ),
)

#: The units the text tables show the national measures in (see ``cell``).
_UNITS = {
    "bed_days": "days",
    "ready_days": "days",
    "restrictive_interventions": "count",
    "restrictive_interventions_per_1000_bed_days": "rate",
    "stays_discharged": "count",
    "length_of_stay_discharged_median": "days",
    "length_of_stay_discharged_mean": "days",
    "stays_open_at_end": "count",
    "length_of_stay_open_median": "days",
    "honos_assessments": "count",
    "honos_assessments_counted": "count",
    "honos_people": "count",
    "honos_people_counted": "count",
}

#: The columns of the table of the months of the window.
_MONTHLY_COLUMNS = (
    column("bed_days", "Bed days", "days"),
    column("ready_days", "Ready days", "days"),
    column("restrictive_interventions", "Interventions", "count"),
    column("restrictive_interventions_per_1000_bed_days", "Rate", "per 1,000 bed days"),
)


def _figures(
    values: Mapping[tuple[object, ...], object],
    provider: str,
    month: int | None = None,
    breakdown: str | None = None,
    code: str | None = None,
) -> Callable[[str], object]:
    """The figures of one table row: each measure's, for a provider, month and code."""
    return lambda measure: values.get((provider, month, measure, breakdown, code))


def _national_text(measures: NationalMeasures, policy: SuppressionPolicy | None = None) -> str:
    """The national measures as text: the window's figures by provider, then by month."""
    values = _measure_values(measures, policy)
    convention = {row.measure: row.convention for row in measures.rows()}
    providers = [*(m.provider for m in measures.providers), ENGLAND]
    first, last = measures.first_month, measures.last_month
    heading = (
        f"National measures, {measures.period_start.isoformat()} to "
        f"{measures.period_end.isoformat()} (UniqMonthID {first} to {last}).\n"
        f"By provider and for {ENGLAND} (every provider); '-': nothing to measure."
    )
    totals = [Row(label=provider, values=_figures(values, provider)) for provider in providers]
    tables = [
        table(title.format(**convention), columns, totals, _UNITS)
        for title, columns in _NATIONAL_TABLES
    ]
    for breakdown, label in (
        ("reason", "delay reason"),
        ("attributable_to", "who the delay is attributable to"),
    ):
        rows: list[Row] = []
        for row in totals:
            rows.append(row)
            rows += [
                Row(
                    label=INDENT + str(key[4]),
                    values=_figures(values, row.label, None, breakdown, str(key[4])),
                )
                for key in values
                if key[0] == row.label and key[1] is None and key[3] == breakdown
            ]
        tables.append(
            table(
                f"Ready days by {label} ({convention['ready_days']})",
                (column("ready_days", "Ready days", "days"),),
                rows,
                _UNITS,
            )
        )
    months = [
        Row(label=f"{month} ({_month_label(month)})", values=_figures(values, ENGLAND, month))
        for month in range(first, last + 1)
    ]
    tables.append(table(f"By month, {ENGLAND}", _MONTHLY_COLUMNS, months, _UNITS))
    return "\n\n".join([heading, *tables])


def _used_conventions(measures: NationalMeasures) -> list[Convention]:
    """The conventions the national measures' rows name, in the library's order."""
    codes = {row.convention for row in measures.rows()}
    return [convention for convention in CONVENTIONS if convention.code in codes]


def _measure_convention_lines(measures: NationalMeasures) -> list[str]:
    return [
        "Conventions of the national measures (see 'MHSDS: national conventions and measures'):",
        *(
            f"{INDENT}{convention.code}: {convention} ({convention.origin})"
            for convention in _used_conventions(measures)
        ),
    ]


def _national_document(
    measures: NationalMeasures, policy: SuppressionPolicy | None = None
) -> dict[str, object]:
    rows: list[dict[str, object]] = []
    for row, reason in _protected_rows(measures, policy):
        document: dict[str, object] = {field: getattr(row, field) for field in _CSV_FIELDS}
        if policy is not None:
            document["suppressed"] = reason is not None
            document["suppression_reason"] = None if reason is None else reason.value
        rows.append(document)
    return {
        "first_month": measures.first_month,
        "last_month": measures.last_month,
        "period_start": measures.period_start.isoformat(),
        "period_end": measures.period_end.isoformat(),
        "conventions": [
            {
                field.name: getattr(convention, field.name)
                for field in attrs.fields(type(convention))
            }
            for convention in _used_conventions(measures)
        ],
        "rows": rows,
    }


def _national_csv(measures: NationalMeasures, policy: SuppressionPolicy | None = None) -> str:
    """The national measures' rows as CSV; under a policy, with the suppression columns."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    flags = ("suppressed", "suppression_reason") if policy is not None else ()
    writer.writerow([*_CSV_FIELDS, *flags])
    for row, reason in _protected_rows(measures, policy):
        cells = ["" if (value := getattr(row, field)) is None else value for field in _CSV_FIELDS]
        if policy is not None:
            cells += [reason is not None, "" if reason is None else reason.value]
        writer.writerow(cells)
    return out.getvalue()


def _report(args: argparse.Namespace, console: Console) -> int:
    extract = _read(args, console)
    read = _records(extract, console)
    measures = _measures(extract, args, console)
    _write_accounting(read.accounting, args, console)
    _report_refusals(read.accounting, args, console, output="report")
    report = _cohort(read, measures, console)
    policy = suppression(args)
    if args.json:
        document = {
            "submissions": args.submissions,
            "cohort": report_document(report, 0, policy),
            "national_measures": _national_document(measures, policy),
            "accounting": accounting_document(read.accounting),
        }
        console.write(json_text(document, 0))
    elif args.csv:
        console.write(_national_csv(measures, policy))
    else:
        heading = (
            f"MHSDS extract {args.folder} (submissions: {args.submissions}): "
            f"{plural(len(read.pathways), 'record')}, reported from "
            f"{measures.period_start.isoformat()} to {measures.period_end.isoformat()}."
        )
        parts = [
            "\n".join([heading, *_rows_lines(read.accounting, args.folder)]),
            _national_text(measures, policy),
            report_text(report, args.by, 0, policy),
            "\n".join([*_convention_lines(read.accounting), *_measure_convention_lines(measures)]),
        ]
        console.write("\n\n".join(parts))
    return ExitCode.OK


REPORT = Command(
    description=(
        "Read the MHSDS extract in DIR and report on it over the months from --period-start\n"
        "to --period-end: the national measures (bed days, ready-for-discharge days by\n"
        "reason, restrictive interventions per 1,000 bed days, length of stay, HoNOS\n"
        "completeness), by provider and for England, each by its named convention; and\n"
        "the cohort report of the records 'mhsds pathways' writes, as 'cohort' prints it,\n"
        "as of --period-end over the same months. The two count by different rules, so\n"
        "their bed days and ready days can differ (see 'Reading MHSDS extracts').\n"
        "\n"
        "Refused rows are warnings on stderr, counted by table and reason; the exit code\n"
        "is 0 unless --strict is given."
    ),
    arguments=_report_arguments,
    run=_report,
)
"""``pathway-model mhsds report DIR --period-end DATE``."""


# --- mhsds synthetic -----------------------------------------------------------------------------


def _synthetic_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "output",
        metavar="OUT_DIR",
        help="the folder to write the extract to: a new or empty folder (see --force)",
    )
    defaults = CohortParameters()
    parser.add_argument(
        "--people",
        type=_whole_number,
        default=defaults.people_in_care,
        metavar="N",
        help=(
            "how many people are in secure hospital care at --as-of (default: "
            f"{defaults.people_in_care:,}, the national scale)"
        ),
    )
    parser.add_argument(
        "--seed",
        type=_seed,
        default=_SYNTHETIC_SEED,
        metavar="N",
        help=f"the seed: the same seed gives the same extract (default: {_SYNTHETIC_SEED})",
    )
    parser.add_argument(
        "--as-of",
        type=_in_a_month,
        default=_SYNTHETIC_AS_OF,
        metavar="DATE",
        help=(
            "the date the cohort is taken at; its month is the extract's last (default: "
            f"{_SYNTHETIC_AS_OF}: a fixed date, never the clock's)"
        ),
    )
    parser.add_argument(
        "--since",
        type=_in_a_month,
        metavar="DATE",
        help=(
            "the first month written is that of DATE, and what ended before it is left out "
            "(default: the month of the earliest admission, decades back at national scale)"
        ),
    )
    parser.add_argument(
        "--format",
        choices=("csv", "parquet"),
        default="csv",
        help="the files' format: CSV (the default) or parquet (needs pyarrow)",
    )
    parser.add_argument(
        "--honos",
        action="store_true",
        help=(
            "also write a HoNOS-secure assessment at each review in hospital (MHS201 with "
            "MHS607), its scores invented from the seed"
        ),
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help=(
            "write into a folder that is not empty: its MHSDS table files (MHS*.csv, "
            "MHS*.parquet) are removed first, so the folder holds one extract only"
        ),
    )


def _output_folder(name: str, *, force: bool) -> tuple[Path, list[Path]]:
    """The folder to write to, and the table files ``--force`` removes from it.

    Raises:
        CommandError: It is a file, or a folder that is not empty and ``--force`` was not
            given: an extract is never mixed with the files already there.
    """
    path = Path(name)
    if not path.exists():
        return path, []
    if not path.is_dir():
        msg = f"{name}: is a file; give a new or empty folder"
        raise CommandError(msg)
    try:
        entries = sorted(path.iterdir())
    except OSError as error:
        msg = f"{name}: {os_problem(error)}"
        raise CommandError(msg) from None
    if entries and not force:
        msg = (
            f"{name}: expected a new or empty folder; found a folder holding "
            f"{plural(len(entries), 'file')} (give --force to replace the MHSDS tables in it)"
        )
        raise CommandError(msg)
    return path, [
        entry for entry in entries if entry.is_file() and _TABLE_FILE.fullmatch(entry.name)
    ]


def _month_label(month: int) -> str:
    return reporting_month(month).start.isoformat()[:7]


def _synthetic(args: argparse.Namespace, console: Console) -> int:
    folder, old = _output_folder(args.output, force=args.force)
    if args.since is not None and args.since > args.as_of:
        msg = (
            f"--since: expected a date on or before --as-of ({args.as_of.isoformat()}); "
            f"found {args.since.isoformat()}"
        )
        raise CommandError(msg)
    if args.format == "parquet":
        _needs("pyarrow", "--format parquet")
    try:
        parameters = CohortParameters(people_in_care=args.people)
        with console.step(
            f"Making a synthetic cohort: {args.people:,} people in care, seed {args.seed}"
        ):
            cohort = synthetic_cohort(parameters, seed=args.seed, as_of=args.as_of)
    except ValidationError as error:
        raise option_error(error) from None
    from pathway_model.mhsds import write_extract  # noqa: PLC0415 - only this command needs it

    try:
        for path in old:
            path.unlink()
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        msg = f"{args.output}: {os_problem(error, 'write')}"
        raise CommandError(msg) from None
    try:
        with console.step(f"Writing the extract to {args.output}"):
            written = write_extract(
                cohort,
                folder,
                last_month=month_id_of(args.as_of),
                first_month=None if args.since is None else month_id_of(args.since),
                honos_seed=args.seed if args.honos else None,
                file_format=args.format,
            )
    except ValidationError as error:
        raise CommandError(*(f"{args.output}: {problem}" for problem in error.problems)) from None
    except OSError as error:
        msg = f"{args.output}: {os_problem(error, 'write')}"
        raise CommandError(msg) from None
    lines = [
        (
            f"Synthetic cohort: seed {args.seed}, {args.people:,} people in secure hospital "
            f"care at {args.as_of.isoformat()}: {plural(len(cohort), 'record')}."
        )
    ]
    if old:
        lines.append(f"Removed {plural(len(old), 'table file')} from {args.output} (--force).")
    lines.append(
        f"Wrote {plural(len(written.files), 'file')} to {args.output}, months "
        f"{written.first_month} to {written.last_month} ({_month_label(written.first_month)} "
        f"to {_month_label(written.last_month)}), rows by file:"
    )
    width = max((len(path.name) for path in written.files), default=0)
    lines += [
        f"{INDENT}{path.name.ljust(width)}  {written.rows.get(path.stem, 0):>10,}"
        for path in written.files
    ]
    lines.append(
        "Providers (OrgIDProv): "
        + ", ".join(f"{name}: {code}" for name, code in written.providers.items())
        + "."
    )
    left_out = {reason: count for reason, count in written.left_out.items() if count}
    if left_out:
        lines.append(
            "Left out, as an extract of these months cannot carry them: "
            + "; ".join(f"{reason} {count:,}" for reason, count in sorted(left_out.items()))
            + "."
        )
    _info(console, lines)
    return ExitCode.OK


SYNTHETIC = Command(
    description=(
        "Write a synthetic cohort (as 'demo' makes it: invented people and providers, from\n"
        "a seed) as an MHSDS extract in OUT_DIR: one file per table, in the tables of\n"
        "MHSDS v5 for months before April 2024 and of v6 from then, every month from that\n"
        "of the earliest admission to that of --as-of. 'mhsds pathways' and 'mhsds report'\n"
        "read it back. What was written (each file and its rows, the providers' codes, and\n"
        "what an extract cannot carry) is listed on stderr.\n"
        "\n"
        "OUT_DIR must be new or empty, so that two extracts are never mixed; --force\n"
        "replaces the MHSDS tables of a folder that is not."
    ),
    arguments=_synthetic_arguments,
    run=_synthetic,
)
"""``pathway-model mhsds synthetic OUT_DIR``."""
