"""The ``cohort`` command: report on many pathways, and the report ``demo`` prints too."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import enum
import io
import re
import typing
from collections.abc import Callable, Iterable, Iterator, Sequence, Sized
from decimal import Decimal
from typing import Any

import attrs

import pathway_model as pm
from pathway_model.cli._app import (
    Command,
    CommandError,
    ExitCode,
    add_as_of_option,
    add_definition_option,
    add_input_arguments,
    as_of_date,
)
from pathway_model.cli._console import Console
from pathway_model.cli._inputs import load_definition, load_pathways, stdin_once
from pathway_model.cli._render import INDENT, Column, Row, column, json_text, plural, table
from pathway_model.errors import ValidationError

# The library's scoring names this module uses, from their public home.
from pathway_model.scoring import (  # isort: skip
    COHORT_MEASURES,
    TOTAL_UNIT,
    CohortRow,
    benchmark_table,
    cohort_report,
    payments,
    spc_table,
)
from pathway_model.stats import (  # isort: skip
    MHSDS_SUPPRESSION,
    Cell,
    StatisticsUnavailableError,
    SuppressionPolicy,
)

#: How a text table shows a figure a disclosure-control policy hid.
HIDDEN = "*"

__all__ = [
    "COHORT",
    "HIDDEN",
    "add_by_option",
    "add_report_options",
    "add_suppress_option",
    "make_report",
    "option_error",
    "report_document",
    "report_text",
    "suppression",
    "write_report",
]


#: The tables of the text report: every cohort measure, in one table each, by topic.
_MEASURE_TABLES: tuple[tuple[str, tuple[Column, ...]], ...] = (
    (
        "Size (bed-day value at the stages' bed-day costs: estimates, not tariffs, when built in)",
        (
            column("people", "People", "people"),
            column("stays", "Stays", "stays"),
            column("stays_open", "Open", "stays"),
            column("admissions", "Admitted", "stays"),
            column("bed_days", "Bed days", "days"),
            column("bed_day_value", "Bed-day value", "£"),
        ),
    ),
    (
        "Length of stay of admissions (Kaplan-Meier, open stays censored)",
        (
            column("los_q1_days", "Q1", "days"),
            column("los_median_days", "Median", "days"),
            column("los_q3_days", "Q3", "days"),
        ),
    ),
    (
        "Ready to move on, in the window (cost of delay at the same estimated bed-day costs)",
        (
            column("ready_days", "Ready days", "days"),
            column("ready_day_share", "Share", "of bed days"),
            column("cost_of_delay", "Cost of delay", "£"),
            column("cost_of_delay_per_person", "Per person", "£"),
        ),
    ),
    (
        "Ready to move on, at the date",
        (
            column("ready_now", "Ready now", "people"),
            column("days_beyond_readiness_median", "Median", "days beyond"),
            column("days_beyond_readiness_max", "Most", "days beyond"),
        ),
    ),
    (
        "Long stay at the date",
        (
            column("long_stay_in_stage", "In stage", "people"),
            column("long_stay_combined", "Combined", "people"),
            column("long_stay", "Either", "people"),
            column("long_stay_share", "Share", "of open stays"),
        ),
    ),
    (
        "Reviews",
        (
            column("reviews_due", "Due", "reviews"),
            column("reviews_on_time", "On time", "reviews"),
            column("reviews_late", "Late", "reviews"),
            column("reviews_missed", "Missed", "reviews"),
            column("reviews_on_time_share", "Share", "on time"),
        ),
    ),
    (
        "Goals and outcomes",
        (
            column("goals", "Goals", "goals"),
            column("goals_achieved", "Achieved", "goals"),
            column("goals_achieved_share", "Share", "achieved"),
            column("outcomes_met", "Outcomes met", "domains"),
        ),
    ),
    (
        "Moving on",
        (
            column("stays_ended", "Ended", "stays"),
            column("step_downs", "Step downs", "moves"),
            column("step_ups", "Step ups", "moves"),
            column("step_down_share", "Share", "of ended"),
            column("step_downs_per_100_person_years", "Per 100 years", "of bed days"),
        ),
    ),
    (
        "Readmission from the community",
        (
            column("community_days", "Community", "days"),
            column("community_spells_ended", "Ended", "spells"),
            column("readmissions", "Readmitted", "moves"),
            column("readmission_share", "Share", "of ended"),
            column("readmissions_per_100_person_years", "Per 100 years", "in community"),
            column("community_days_before_readmission_median", "Spell length", "median days"),
        ),
    ),
    (
        "Recorded readiness: the team's record, not the outcome rule (same bed-day costs)",
        (
            column("recorded_ready_days", "Recorded", "days"),
            column("recorded_ready_day_share", "Share", "of bed days"),
            column("recorded_cost_of_delay", "Cost of delay", "£"),
            column("recorded_ready_now", "Ready now", "people"),
        ),
    ),
    (
        "Recorded and rule-based readiness side by side (days in the window)",
        (
            column("rule_and_recorded_days", "Both", "days"),
            column("rule_not_recorded_days", "Rule only", "days"),
            column("rule_before_recorded_days", "Rule first", "days"),
            column("recorded_not_rule_days", "Record only", "days"),
            column("recorded_unrated_days", "No ratings", "days"),
            column("stays_without_ratings", "Unrated", "stays"),
        ),
    ),
)

#: The tables of payments: the two currencies side by side, then the outcome currency's parts.
_PAYMENT_TABLES: tuple[tuple[str, tuple[Column, ...]], ...] = (
    (
        "Payments: the occupied-bed-day currency and an outcome currency (illustrative amounts)",
        (
            column("bed_days", "Bed days", "days"),
            column("bed_day_payment", "Bed-day currency", "£"),
            column("outcome_currency_payment", "Outcome currency", "£"),
            column("difference", "Difference", "£"),
        ),
    ),
    (
        "Outcome currency by part: base + step downs + goals + outcomes - ready days",
        (
            column("base_payment", "Base", "£"),
            column("step_down_payment", "Step downs", "£"),
            column("goal_payment", "Goals", "£"),
            column("outcome_payment", "Outcomes", "£"),
            column("ready_day_deduction", "Ready days", "£ taken off"),
        ),
    ),
)

#: How the rows of the text tables are grouped, for ``--by``.
_BY_CHOICES = ("provider", "stage", "provider-stage")


def _ranks(rows: Iterable[Any]) -> dict[str, dict[str, int | str | None]]:
    """Each provider's rank on each ranked measure, from benchmark rows.

    A rank within noise (within the funnel's 95% limits, or an interval that overlaps
    everyone's) is marked ``~``: the difference is one chance explains.
    """
    ranks: dict[str, dict[str, int | str | None]] = {}
    for row in rows:
        shown: int | str | None = row.rank
        if row.suppressed:
            shown = HIDDEN
        elif row.rank is not None and row.within_noise:
            shown = f"{row.rank}~"
        ranks.setdefault(row.provider, {})[row.measure] = shown
    return ranks


def _group_rows(report: Any, by: str, policy: SuppressionPolicy | None) -> list[Row]:
    """The rows of the measure tables, grouped as ``--by`` asks, under the policy if any."""
    shown: dict[tuple[str | None, str | None], dict[str, object]] = {}
    for item in report.rows(suppress=policy):
        value = HIDDEN if item.suppressed else item.value
        shown.setdefault((item.provider, item.stage), {})[item.measure] = value

    def of(provider: str | None, stage: str | None = None) -> Callable[[str], object]:
        figures = shown[(provider, stage)]
        group = report.group(provider, stage)
        return lambda field: figures[field] if field in figures else getattr(group, field)

    rows: list[Row] = []
    if by == "provider":
        ranks = _ranks(benchmark_table(report, suppress=policy))
        rows = [
            Row(label=provider, values=of(provider), ranks=ranks.get(provider, {}))
            for provider in report.providers
        ]
        total = "All providers"
    elif by == "stage":
        rows = [Row(label=stage, values=of(None, stage)) for stage in report.stages]
        total = "All stages"
    else:
        for stage in report.stages:
            rows.append(Row(label=stage, values=of(None, stage)))
            ranks = _ranks(benchmark_table(report, stage=stage, suppress=policy))
            rows.extend(
                Row(label=INDENT + provider, values=of(provider, stage), ranks=ranks[provider])
                for provider in sorted(ranks)
            )
        total = "All"
    rows.append(Row(label=total, values=of(None)))
    return rows


#: What each field of a payment is made from, among its group's counts: under a policy,
#: a field is hidden when one of them is (the totals when any part is).
_PAYMENT_COUNTS: dict[str, tuple[str, ...]] = {
    "bed_day_payment": ("bed_days",),
    "base_payment": ("bed_days",),
    "step_down_payment": ("step_downs",),
    "goal_payment": ("goals_achieved",),
    "outcome_payment": ("outcomes_met",),
    "ready_day_deduction": ("ready_days",),
    "outcome_currency_payment": (
        "bed_days",
        "step_downs",
        "goals_achieved",
        "outcomes_met",
        "ready_days",
    ),
    "difference": ("bed_days", "step_downs", "goals_achieved", "outcomes_met", "ready_days"),
}


def _payment_figures(
    report: Any, payment: Any, policy: SuppressionPolicy | None
) -> dict[str, object]:
    """A payment's fields as published under the policy: ``None`` for a hidden figure.

    Also ``suppressed``: the names of the fields hidden, in order (empty without one).
    """
    names = [field.name for field in attrs.fields(type(payment))]
    figures: dict[str, object] = {name: getattr(payment, name) for name in names}
    unit = payment.provider if payment.provider is not None else TOTAL_UNIT
    hidden: list[str] = []
    if policy is not None and unit not in policy.exempt:
        group = report.group(payment.provider, payment.stage)
        counts = {
            name: policy.apply(Cell.count(getattr(group, name)), unit=unit)
            for name in {name for made in _PAYMENT_COUNTS.values() for name in made}
        }
        figures["bed_days"] = counts["bed_days"].value
        for name in names:
            made = ("bed_days",) if name == "bed_days" else _PAYMENT_COUNTS.get(name, ())
            if any(counts[count].suppressed for count in made):
                figures[name] = None
                hidden.append(name)
    figures["suppressed"] = hidden
    return figures


def _payment_rows(report: Any, by: str, policy: SuppressionPolicy | None) -> list[Row]:
    rows = []
    for payment in payments(report, by_stage=by == "provider-stage"):
        if payment.provider is None:
            label = "All providers"
        elif payment.stage is None:
            label = payment.provider
        else:
            label = INDENT + payment.stage
        rows.append(Row(label=label, values=_published(_payment_figures(report, payment, policy))))
    return rows


def _published(figures: dict[str, object]) -> Callable[[str], object]:
    """A payment's figures for a text table: ``*`` for a hidden one."""
    hidden = set(typing.cast("list[str]", figures["suppressed"]))
    return lambda field: HIDDEN if field in hidden else figures[field]


def report_text(report: Any, by: str, skipped: int, policy: SuppressionPolicy | None = None) -> str:
    """The benchmarking report: the measures by topic, providers ranked, then payments."""
    skipped_text = f" ({plural(skipped, 'record')} with problems skipped)" if skipped else ""
    lines = [
        (
            f"Cohort report as of {report.as_of.isoformat()}, window from "
            f"{report.since.isoformat()}: {plural(report.records, 'record')}{skipped_text}, "
            f"{plural(len(report.providers), 'provider')}, "
            f"{plural(len(report.stages), 'stage')}."
        ),
        "Amounts in whole pounds; shares in percent; '-': nothing to measure.",
        "A rank marked ~ is within noise: within the funnel's 95% limits (or, for a median",
        "or the cost of delay, an interval overlapping everyone's). It is not a finding.",
    ]
    if policy is not None:
        total = "as they are" if TOTAL_UNIT in policy.exempt else "under the policy too"
        lines += [
            (
                f"Published under the disclosure-control policy '{policy.name}': "
                f"'{HIDDEN}' is a suppressed figure, never 0;"
            ),
            (
                f"counts rounded to the nearest {policy.rounding_base}; all providers "
                f"together ({TOTAL_UNIT}) {total}."
            ),
        ]
    units = {measure.name: measure.unit for measure in COHORT_MEASURES}
    better = {
        measure.name: measure.better for measure in COHORT_MEASURES if measure.better is not None
    }
    rows = _group_rows(report, by, policy)
    rank_of = "the provider's rank" + (" in the stage" if by == "provider-stage" else "")
    tables = [
        table(title, columns, rows, units, better=better, rank_of=rank_of)
        for title, columns in _MEASURE_TABLES
    ]
    payment_rows = _payment_rows(report, "provider" if by == "stage" else by, policy)
    payment_units = dict.fromkeys(
        (column.field for _, columns in _PAYMENT_TABLES for column in columns), "GBP"
    )
    payment_units["bed_days"] = "days"
    tables += [
        table(title, columns, payment_rows, payment_units) for title, columns in _PAYMENT_TABLES
    ]
    return "\n\n".join(["\n".join(lines), *tables])


def _json_value(value: object) -> object:
    """A value for the JSON report: amounts as decimal strings, as the library writes them."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _json_row(row: Any) -> dict[str, object]:
    return {field.name: _json_value(getattr(row, field.name)) for field in attrs.fields(type(row))}


def report_document(
    report: Any, skipped: int, policy: SuppressionPolicy | None = None
) -> dict[str, object]:
    """The report as ``--json`` writes it: measures, ranks, payments and monthly charts.

    ``spc`` holds each provider's monthly ready-day share on a control chart
    (``spc_table``), or is ``null`` when numpy (the extra ``stats``) is not installed.
    Under a policy, ``suppression`` names it, every row says whether it is suppressed,
    a payment lists its hidden fields, and a provider's chart is left out when a month's
    ready days or bed days are hidden (``spc_table(suppress=)``; ``spc_suppressed`` names
    those providers, and ``England`` for all of them together when the policy does not
    exempt England's totals).
    """
    benchmark = list(benchmark_table(report, suppress=policy))
    for stage in report.stages:
        benchmark += benchmark_table(report, stage=stage, suppress=policy)
    spc_hidden: list[str] = []
    try:
        charts = spc_table(report, suppress=policy)
    except StatisticsUnavailableError:
        spc = None
    else:
        if policy is not None:
            shown = {row.provider for row in charts}
            every = dict.fromkeys(row.provider for row in spc_table(report))
            spc_hidden = [
                TOTAL_UNIT if provider is None else provider
                for provider in every
                if provider not in shown
            ]
        spc = [_json_row(row) for row in charts]
    document: dict[str, object] = {
        "as_of": report.as_of.isoformat(),
        "since": report.since.isoformat(),
        "records": report.records,
        "records_skipped": skipped,
        "rows": [_json_row(row) for row in report.rows(suppress=policy)],
        "benchmark": [_json_row(row) for row in benchmark],
        "payments": [
            {name: _json_value(value) for name, value in figures.items()}
            if policy is not None
            else _json_row(payment)
            for payment in payments(report, by_stage=True)
            for figures in [_payment_figures(report, payment, policy)]
        ],
        "spc": spc,
    }
    if policy is not None:
        document["suppression"] = policy.name
        document["spc_suppressed"] = spc_hidden
    return document


def _report_csv(report: Any, policy: SuppressionPolicy | None = None) -> str:
    """Every group's measures as CSV: the report's rows, one column a field, in order.

    Columns: provider, stage, measure, value, unit, lower, upper (the 95% confidence
    interval), interval_method, interval_note, suppressed and suppression_reason; an
    empty cell is nothing to show (for a suppressed row: not published, never 0).
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    names = [field.name for field in attrs.fields(CohortRow)]
    writer.writerow(names)
    for row in report.rows(suppress=policy):
        writer.writerow([_csv_value(getattr(row, name)) for name in names])
    return out.getvalue()


def _csv_value(value: object) -> str:
    """A cell of the CSV report: empty for nothing, a code for an enum, else the text."""
    if value is None:
        return ""
    if isinstance(value, enum.Enum):
        return str(value.value)
    return str(value)


def write_report(report: Any, args: argparse.Namespace, console: Console, skipped: int) -> None:
    policy = suppression(args)
    if args.json:
        console.write(json_text(report_document(report, skipped, policy), 0))
    elif args.csv:
        console.write(_report_csv(report, policy))
    else:
        console.write(report_text(report, args.by, skipped, policy))


#: Where a problem the library finds with an argument is named on the command line.
_OPTION_OF = {
    "as_of": "--as-of",
    "since": "--since",
    "CohortParameters.people_in_care": "--people",
}


def option_error(error: ValidationError) -> CommandError:
    """An error about an argument, with the argument named as on the command line."""
    return CommandError(
        *(
            str(attrs.evolve(problem, path=_OPTION_OF.get(problem.path, problem.path)))
            for problem in error.problems
        )
    )


def make_report(
    pathways: Iterable[pm.Pathway],
    sources: Sequence[str],
    args: argparse.Namespace,
    console: Console,
    definition: pm.PathwayDefinition | None = None,
) -> Any:
    """Work out the cohort report, naming a record's problems by where it came from.

    ``pathways`` may be a stream: the report reads each record once and keeps none.
    ``sources`` names each record, in order; for a stream it is filled as it is read.
    """
    try:
        label = (
            f"Reporting on {plural(len(pathways), 'record')}"
            if isinstance(pathways, Sized)
            else "Reporting on the records"
        )
        with console.step(label):
            return cohort_report(
                pathways, as_of=args.as_of, since=args.since, definition=definition
            )
    except ValidationError as error:
        lines: list[str] = []
        for problem in error.problems:
            record = re.match(r"\$\[([0-9]+)\]", problem.path)
            if record is None:
                lines.extend(option_error(ValidationError([problem])).lines)
            else:
                path = "$" + problem.path[record.end() :]
                lines.append(f"{sources[int(record[1])]}: {attrs.evolve(problem, path=path)}")
        raise CommandError(*lines) from None


def add_by_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--by``: how the rows of the text tables are grouped."""
    parser.add_argument(
        "--by",
        choices=_BY_CHOICES,
        default="provider",
        help=(
            "the rows of the text tables: each provider, ranked (the default); each stage; "
            "or each stage with its providers, ranked within it"
        ),
    )


#: The disclosure-control policies ``--suppress`` names, by name.
SUPPRESSION_POLICIES = {"mhsds": MHSDS_SUPPRESSION}


def add_suppress_option(parser: argparse.ArgumentParser) -> None:
    """``--suppress POLICY``: publish the cohort report under a disclosure-control policy."""
    parser.add_argument(
        "--suppress",
        choices=sorted(SUPPRESSION_POLICIES),
        metavar="POLICY",
        help=(
            "publish the cohort report under a disclosure-control policy: 'mhsds', NHS "
            "England's rule (counts below 5 suppressed, the others rounded to 5; a share "
            "with its numerator; a rate under 100 bed days; England's totals as they are). "
            "A suppressed figure shows '*' (null in JSON, empty in CSV) and is flagged"
        ),
    )


def suppression(args: argparse.Namespace) -> SuppressionPolicy | None:
    """The policy ``--suppress`` names, or ``None``."""
    name = getattr(args, "suppress", None)
    return None if name is None else SUPPRESSION_POLICIES[name]


def add_report_options(parser: argparse.ArgumentParser) -> None:
    add_by_option(parser)
    add_suppress_option(parser)
    output = parser.add_mutually_exclusive_group()
    output.add_argument(
        "--json",
        action="store_true",
        help=(
            "write the report as JSON on one line instead: every group's measures, the "
            "ranks of providers overall and in each stage, and the payments"
        ),
    )
    output.add_argument(
        "--csv",
        action="store_true",
        help="write every group's measures as CSV instead: provider,stage,measure,value,unit",
    )


def _cohort_arguments(parser: argparse.ArgumentParser) -> None:
    add_input_arguments(parser, what="the pathways")
    add_as_of_option(parser, what="report at")
    parser.add_argument(
        "--since",
        type=as_of_date,
        metavar="DATE",
        help="the first day of the window (default: the earliest first day of any record)",
    )
    add_definition_option(parser)
    parser.add_argument(
        "--strict",
        action="store_true",
        help=(
            "stop with exit code 2, writing no report, if any record has problems (without "
            "it, the report is on the valid records and says how many were skipped)"
        ),
    )
    parser.add_argument(
        "--skip-invalid",
        action="store_true",
        help="what the command does without --strict (kept so that older scripts run)",
    )
    add_report_options(parser)


def _cohort(args: argparse.Namespace, console: Console) -> int:
    if args.strict and args.skip_invalid:
        msg = "--strict and --skip-invalid: expected one of them; found both"
        raise CommandError(msg)
    stdin_once(args.definition, *args.inputs)
    definition = load_definition(args.definition, console)
    sources: list[str] = []
    invalid = 0
    started = False
    warn = console.error if args.strict else console.warning

    def valid() -> Iterator[pm.Pathway]:
        # Streams: each record is read, checked and counted, then let go.
        nonlocal invalid, started
        started = True
        for loaded in load_pathways(args.inputs, console, definition=definition):
            if loaded.pathway is None:
                invalid += 1
                for line in loaded.problems:
                    warn(line)
            else:
                sources.append(loaded.source)
                yield loaded.pathway

    try:
        report = make_report(valid(), sources, args, console, definition)
    except CommandError:
        if sources or not started:
            raise  # a record's problem, or an option refused before any record was read
        report = None  # no valid record to report on: said below
    read = len(sources) + invalid
    if invalid and args.strict:
        msg = f"{invalid:,} of {plural(read, 'record')} with problems: no report written (--strict)"
        raise CommandError(msg)
    if report is None or not sources:
        msg = f"no valid records to report on (of {plural(read, 'record')} read)"
        raise CommandError(msg)
    if invalid:
        console.warning(f"{invalid:,} of {plural(read, 'record')} with problems skipped")
    write_report(report, args, console, invalid)
    return ExitCode.OK


COHORT = Command(
    description=(
        "Work out the cohort measures of many pathways at --as-of, over the window from\n"
        "--since: length of stay, ready days and the cost of delay, long stay, reviews on\n"
        "time, goals, step downs and readmissions. The text report ranks the providers on\n"
        "each measure with a better direction, and sets what each would be paid under the\n"
        "occupied-bed-day currency beside an outcome currency (illustrative amounts).\n"
        "\n"
        "The records are read one at a time and none is kept, so the inputs may be as large\n"
        "as a national cohort. A record with problems is listed on stderr, one warning line\n"
        "per problem with its file (and line, for JSON Lines), and the report is on the\n"
        "others, saying how many were skipped; with --strict, any problem stops the command\n"
        "with exit code 2 and no report is written."
    ),
    arguments=_cohort_arguments,
    run=_cohort,
)
"""``pathway-model cohort INPUT... --as-of DATE``."""
