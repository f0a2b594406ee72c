"""The ``demo`` command: a synthetic cohort and its benchmarking report."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import pathway_model as pm
from pathway_model.cli._app import Command, CommandError, ExitCode, as_of_date
from pathway_model.cli._cohort import add_report_options, make_report, option_error, write_report
from pathway_model.cli._console import Console, os_problem
from pathway_model.cli._render import show_code
from pathway_model.errors import ValidationError

# The library's synthetic-cohort names this module uses, from their public home.
from pathway_model.synthetic import CohortParameters, synthetic_cohort  # isort: skip

__all__ = ["DEMO"]

#: The date of the demo cohort by default: that of the synthetic cohort's documented figures.
_DEMO_AS_OF = dt.date(2025, 3, 31)
#: The seed of the demo cohort by default.
_DEMO_SEED = 2025
_PROVIDER_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _whole_number(low: int, high: int | None = None) -> Callable[[str], int]:
    """An argument type: a whole number from ``low`` (to ``high``)."""
    what = f"a whole number from {low:,}" + ("" if high is None else f" to {high:,}")

    def read(text: str) -> int:
        digits = text.replace("_", "").replace(",", "")
        if not digits.isdigit() or not low <= int(digits) <= (high or int(digits)):
            msg = f"expected {what}; found {show_code(text)}"
            raise argparse.ArgumentTypeError(msg)
        return int(digits)

    return read


def _seed(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        msg = f"expected a whole number; found {show_code(text)}"
        raise argparse.ArgumentTypeError(msg) from None


def _demo_arguments(parser: argparse.ArgumentParser) -> None:
    defaults = CohortParameters()
    parser.add_argument(
        "--seed",
        type=_seed,
        default=_DEMO_SEED,
        metavar="N",
        help=f"the seed: the same seed gives the same cohort (default: {_DEMO_SEED})",
    )
    parser.add_argument(
        "--people",
        type=_whole_number(1),
        default=defaults.people_in_care,
        metavar="N",
        help=(
            "how many people are in secure hospital care at --as-of (default: "
            f"{defaults.people_in_care:,}, the national scale)"
        ),
    )
    parser.add_argument(
        "--providers",
        type=_whole_number(1, len(_PROVIDER_LETTERS)),
        default=len(defaults.providers),
        metavar="N",
        help=(
            f"how many providers, named Provider A onwards (default: {len(defaults.providers)}"
            f"; the first {defaults.high_secure_providers} run high secure care)"
        ),
    )
    parser.add_argument(
        "--as-of",
        type=as_of_date,
        default=_DEMO_AS_OF,
        metavar="DATE",
        help=(
            f"the date the cohort is taken at and reported on (default: {_DEMO_AS_OF}: a "
            "fixed date, never the clock's)"
        ),
    )
    parser.add_argument(
        "--since",
        type=as_of_date,
        metavar="DATE",
        help=(
            f"the first day of the window (default: {defaults.history_years} years before "
            "--as-of, the history the cohort holds)"
        ),
    )
    parser.add_argument(
        "--write-jsonl",
        metavar="FILE",
        help=(
            "also write the cohort's records to FILE as JSON Lines, for 'cohort' to read "
            "(UTF-8, replaced if it exists)"
        ),
    )
    add_report_options(parser)


def _demo_parameters(args: argparse.Namespace) -> Any:
    defaults = CohortParameters()
    providers = tuple(f"Provider {letter}" for letter in _PROVIDER_LETTERS[: args.providers])
    try:
        return CohortParameters(
            people_in_care=args.people,
            providers=providers,
            high_secure_providers=min(defaults.high_secure_providers, len(providers)),
        )
    except ValidationError as error:
        raise option_error(error) from None


def _write_jsonl(cohort: Sequence[pm.Pathway], name: str, console: Console) -> None:
    """Write records as JSON Lines, with a progress line."""
    progress = console.progress_for(f"Writing {name}", len(cohort))
    try:
        with open(name, "w", encoding="utf-8", newline="\n") as file:
            for pathway in cohort:
                file.write(pm.dumps(pathway) + "\n")
                progress.advance()
    except OSError as error:
        msg = f"{name}: {os_problem(error, 'write')}"
        raise CommandError(msg) from None
    finally:
        progress.finish()


def _demo(args: argparse.Namespace, console: Console) -> int:
    parameters = _demo_parameters(args)
    if args.since is None:
        args.since = pm.Period(years=parameters.history_years).subtract_from(args.as_of)
    step = (
        f"Making a synthetic cohort: {parameters.people_in_care:,} people in care, seed {args.seed}"
    )
    try:
        with console.step(step):
            cohort = synthetic_cohort(parameters, seed=args.seed, as_of=args.as_of)
    except ValidationError as error:
        raise option_error(error) from None
    if args.write_jsonl is not None:
        _write_jsonl(cohort, args.write_jsonl, console)
    report = make_report(cohort, [f"record {n}" for n in range(1, len(cohort) + 1)], args, console)
    if not (args.json or args.csv):
        console.write(
            f"Synthetic cohort: seed {args.seed}, {parameters.people_in_care:,} people in "
            f"secure hospital care at {args.as_of.isoformat()}."
        )
    write_report(report, args, console, 0)
    return ExitCode.OK


DEMO = Command(
    description=(
        "Make a synthetic cohort on the built-in secure pathway (invented people and\n"
        "providers, from a seed: the same seed gives the same cohort, byte for byte) and\n"
        "print the report 'cohort' prints for it. With --write-jsonl, the records are\n"
        "written too: 'cohort' on that file, with the same --as-of and --since, prints the\n"
        "same report."
    ),
    arguments=_demo_arguments,
    run=_demo,
)
"""``pathway-model demo``."""
