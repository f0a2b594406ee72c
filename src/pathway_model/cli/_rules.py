"""The rule commands: ``assess``, ``readiness`` and ``schedule``, on one pathway at a date.

These are the commands a service runs most, one record at a time: they import the core
of the library only (no scoring, FHIR or plotting).
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable

import attrs

import pathway_model as pm
from pathway_model.cli._app import (
    Command,
    CommandError,
    ExitCode,
    add_as_of_option,
    add_definition_option,
    add_file_argument,
)
from pathway_model.cli._console import Console
from pathway_model.cli._inputs import one_pathway
from pathway_model.cli._render import money, plural
from pathway_model.errors import ValidationError

__all__ = ["ASSESS", "READINESS", "SCHEDULE"]


def _add_json_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--json",
        action="store_true",
        help=f"write the {what} as the library's JSON document (one line) instead of text",
    )


def _rule_arguments(what: str) -> Callable[[argparse.ArgumentParser], None]:
    def arguments(parser: argparse.ArgumentParser) -> None:
        add_file_argument(parser)
        add_as_of_option(parser)
        add_definition_option(parser)
        _add_json_option(parser, what)

    return arguments


def _assess_arguments(parser: argparse.ArgumentParser) -> None:
    add_file_argument(parser)
    add_as_of_option(parser)
    add_definition_option(parser)
    output = parser.add_mutually_exclusive_group()
    output.add_argument(
        "--for",
        dest="audience",
        choices=[audience.value for audience in pm.Audience],
        help=(
            "who the text is for: the team (precise: every criterion and its evidence; the "
            "default) or the person (everyday words, short sentences)"
        ),
    )
    output.add_argument(
        "--json",
        action="store_true",
        help="write the decision as the library's JSON document (one line) instead of text",
    )


def _rule_error(error: ValidationError) -> CommandError:
    """An error from a rule: its problems, with the date argument named as on the command line."""
    return CommandError(
        *(
            str(attrs.evolve(problem, path="--as-of") if problem.path == "as_of" else problem)
            for problem in error.problems
        )
    )


def _assess(args: argparse.Namespace, console: Console) -> int:
    pathway, definition = one_pathway(args, console)
    try:
        decision = pm.assess(pathway, args.as_of, definition=definition)
    except ValidationError as error:
        raise _rule_error(error) from None
    if args.json:
        console.write(pm.dumps(decision))
    else:
        audience = args.audience or pm.Audience.TEAM.value
        console.write(pm.explain(decision, audience, definition=definition))
    return ExitCode.OK


def _readiness(args: argparse.Namespace, console: Console) -> int:
    pathway, definition = one_pathway(args, console)
    try:
        result = pm.readiness(pathway, args.as_of, definition=definition)
    except ValidationError as error:
        raise _rule_error(error) from None
    if args.json:
        console.write(pm.dumps(result))
    else:
        console.write(_readiness_text(result, pathway, definition))
    return ExitCode.OK


def _stay_heading(
    person_id: str, placement: pm.Placement, definition: pm.PathwayDefinition, as_of: dt.date
) -> str:
    stage = definition.stage(placement.stage)
    ended = "" if placement.end is None else f", ended {placement.end.isoformat()}"
    return (
        f"{person_id}: {stage.name} ({placement.provider}, stay {placement.id} "
        f"from {placement.start.isoformat()}{ended}), as of {as_of.isoformat()}."
    )


def _placement(pathway: pm.Pathway, placement_id: str) -> pm.Placement:
    return next(item for item in pathway.placements if item.id == placement_id)


def _readiness_text(
    result: pm.Readiness, pathway: pm.Pathway, definition: pm.PathwayDefinition
) -> str:
    placement = _placement(pathway, result.placement_id)
    lines = [_stay_heading(pathway.person_id, placement, definition, result.as_of)]
    ready = "Ready" if result.placement_open else "Ready on the stay's last day"
    if result.ready and result.readiness_date is not None:
        lines.append(
            f"{ready}: yes, since {result.readiness_date.isoformat()} "
            f"({plural(result.days_beyond_readiness, 'day')} beyond readiness)."
        )
    else:
        lines.append(f"{ready}: no.")
    in_runs = f", in {plural(len(result.runs), 'ready run')}:" if result.runs else "."
    lines.append(
        f"Ready days in this stay: {result.ready_days:,} of {result.days_in_placement:,}{in_runs}"
    )
    # The run's two dates as the JSON document gives them (``start``, ``end``), each labelled.
    lines.extend(
        f"  - first ready day {run.start.isoformat()}, first day after {run.end.isoformat()} "
        f"({plural(run.days, 'day')})"
        for run in result.runs
    )
    if result.cost_of_delay is not None and result.bed_day_cost is not None:
        estimate = "an estimated " if result.cost_is_estimate else ""
        lines.append(
            f"Cost of delay: {money(result.cost_of_delay)} "
            f"at {estimate}{money(result.bed_day_cost)} a bed-day."
        )
    else:
        lines.append("Cost of delay: not known (the stage has no bed-day cost).")
    return "\n".join(lines)


def _schedule(args: argparse.Namespace, console: Console) -> int:
    pathway, definition = one_pathway(args, console)
    try:
        result = pm.review_schedule(pathway, args.as_of, definition=definition)
    except ValidationError as error:
        raise _rule_error(error) from None
    if args.json:
        console.write(pm.dumps(result))
    else:
        console.write(_schedule_text(result, pathway, definition))
    return ExitCode.OK


def _schedule_text(
    result: pm.ReviewSchedule, pathway: pm.Pathway, definition: pm.PathwayDefinition
) -> str:
    placement = _placement(pathway, result.placement_id)
    lines = [_stay_heading(pathway.person_id, placement, definition, result.as_of)]
    if result.last_review_id is not None and result.last_review_date is not None:
        agreed = (
            ""
            if result.agreed_next_review_date is None
            else f"; next review agreed for {result.agreed_next_review_date.isoformat()}"
        )
        lines.append(
            f"Last review: {result.last_review_id} on "
            f"{result.last_review_date.isoformat()}{agreed}."
        )
    else:
        lines.append("Last review: none yet in this stay.")
    if result.due is None:
        reason = "the stay has ended" if placement.end is not None else "the stage has none"
        lines.append(f"Next review: not scheduled ({reason}).")
    elif result.overdue:
        lines.append(
            f"Next review: OVERDUE, due {result.due.isoformat()} "
            f"({plural(result.days_overdue, 'day')} ago)."
        )
    else:
        lines.append(f"Next review: due by {result.due.isoformat()}.")
    return "\n".join(lines)


ASSESS = Command(
    description=(
        "Decide whether the person whose pathway is in FILE is ready to move on from the\n"
        "stay at --as-of, and explain the decision: for the team (every criterion, what was\n"
        "expected and found, and the reviews and incidents it was judged on) or for the\n"
        "person (everyday words). A decision of 'not ready' is an answer: the exit code is 0."
    ),
    arguments=_assess_arguments,
    run=_assess,
)
"""``pathway-model assess FILE --as-of DATE``."""


READINESS = Command(
    description=(
        'Work out "not a day more" for the stay at --as-of in FILE: whether the person is\n'
        "ready, since when, the days ready but still in the stay, and the cost of that delay.\n"
        "For a date after a stay ended, the figures run to its end."
    ),
    arguments=_rule_arguments("figures"),
    run=_readiness,
)
"""``pathway-model readiness FILE --as-of DATE``."""


SCHEDULE = Command(
    description=(
        "Work out when the next review of the stay at --as-of in FILE is due: the last\n"
        "review plus the stage's review interval, or the stay's start plus its first-review\n"
        "deadline; and whether it is overdue at --as-of."
    ),
    arguments=_rule_arguments("schedule"),
    run=_schedule,
)
"""``pathway-model schedule FILE --as-of DATE``."""
