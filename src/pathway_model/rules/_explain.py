"""Explanations of a decision, for the team (precise) and for the person (everyday words).

The person's text follows NHS content style: second person, short sentences, everyday
words, dates written out ("2 July 2024"). It uses the framework's everyday names for
domains, stages and levels. Neither text ever includes notes or goal wording.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from enum import Enum

from pathway_model.catalogue import definition as builtin_definition
from pathway_model.errors import UnknownCodeError, ValidationError, WrongTypeError
from pathway_model.model import PathwayDefinition, Period
from pathway_model.model._seam import type_name
from pathway_model.rules._assess import (
    Assessment,
    AssessmentStatus,
    Criterion,
    CriterionKind,
    NoLevel,
)

__all__ = ["Audience", "explain"]


class Audience(Enum):
    """Who an explanation is written for."""

    TEAM = "team"
    """The clinical team: precise, names every criterion and its evidence."""
    PERSON = "person"
    """The person: everyday language, second person, short sentences."""


_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def long_date(day: dt.date) -> str:
    """Write a date the NHS way, e.g. ``2 July 2024``."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}" + ("" if count == 1 else "s")


def period_words(period: Period) -> str:
    """Write a period in words, e.g. ``1 year and 6 months``; ``no time`` when empty."""
    parts = [
        _plural(value, unit)
        for value, unit in (
            (period.years, "year"),
            (period.months, "month"),
            (period.weeks, "week"),
            (period.days, "day"),
        )
        if value
    ]
    if not parts:
        return "no time"
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def money(amount: Decimal) -> str:
    """Write an amount in pounds, e.g. ``£55,144`` or ``£12.50``."""
    whole = amount == amount.to_integral_value()
    return f"£{amount:,.0f}" if whole else f"£{amount:,.2f}"


#: What to do when a decision names a definition that is not built in.
_DEFINITION_HINT = (
    "to explain a decision made on a definition that is not built in, pass that "
    "definition as definition=, e.g. explain(assessment, 'team', definition=my_definition)"
)


def _definition_for(
    assessment: Assessment, definition: PathwayDefinition | None
) -> PathwayDefinition:
    if not isinstance(assessment, Assessment):
        raise WrongTypeError.single("assessment", "an Assessment", type_name(assessment))
    if definition is None:
        try:
            found = builtin_definition(assessment.definition_id, assessment.definition_version)
        except UnknownCodeError as error:
            raise UnknownCodeError(
                error.kind, error.code, error.known, path="$.definition_id", hint=_DEFINITION_HINT
            ) from None
        _refuse_unknown_codes(assessment, found)
        return found
    if not isinstance(definition, PathwayDefinition):
        raise WrongTypeError.single(
            "definition", "a PathwayDefinition or None", type_name(definition)
        )
    decided_on = (assessment.definition_id, assessment.definition_version)
    if (definition.id, definition.version) != decided_on:
        # Another version's words (periods, stage names) would not match this decision's dates.
        raise ValidationError.single(
            "definition",
            f"the definition the decision was made on ({decided_on[0]}@{decided_on[1]})",
            f"{definition.id}@{definition.version}",
        )
    _refuse_unknown_codes(assessment, definition)
    return definition


_LEVEL_KINDS = (CriterionKind.TEAM_LEVEL, CriterionKind.PERSON_LEVEL)


def _codes(assessment: Assessment) -> Iterator[tuple[str, str, str | None]]:
    """Each ``(path, kind, code)`` of a decision that its explanation looks up.

    A level criterion's codes are placed where a version 1 document holds them: the
    required level in ``expected``, the level found in ``actual``.
    """
    yield "$.stage", "stage", assessment.stage
    yield "$.next_stage", "stage", assessment.next_stage
    yield "$.proposed_stage", "stage", assessment.proposed_stage
    for index, criterion in enumerate(assessment.criteria):
        if criterion.kind not in _LEVEL_KINDS:
            continue
        path = f"$.criteria[{index}]"
        yield f"{path}.domain", "domain", criterion.domain
        yield f"{path}.expected", "level", criterion.required_level
        yield f"{path}.actual", "level", criterion.found_level
    for index, item in enumerate(assessment.disagreements):
        path = f"$.disagreements[{index}]"
        yield f"{path}.domain", "domain", item.domain
        yield f"{path}.team", "level", item.team
        yield f"{path}.person", "level", item.person


def _refuse_unknown_codes(assessment: Assessment, definition: PathwayDefinition) -> None:
    """Refuse a decision (a stored one, perhaps) naming a code its definition lacks."""
    framework = definition.framework
    known = {
        "stage": definition.stage_codes,
        "domain": framework.domain_codes,
        "level": framework.scale.codes,
    }
    for path, kind, code in _codes(assessment):
        if code is not None and code not in known[kind]:
            raise UnknownCodeError(kind, code, known[kind], path=path)
    for index, criterion in enumerate(assessment.criteria):
        if criterion.kind not in _LEVEL_KINDS:
            continue
        found = (criterion.found_level is None) + (criterion.why_no_level is None)
        if criterion.domain is None or criterion.required_level is None or found != 1:
            raise ValidationError.single(
                f"$.criteria[{index}]",
                "a level criterion with its domain, its required level, and either the "
                "level found or why none was",
                "a criterion without them",
            )


# --- for the team -------------------------------------------------------------------------


def _evidence_words(criterion: Criterion) -> str:
    if not criterion.evidence:
        return ""
    shown = ", ".join(
        f"{item.kind.value} {item.id} {item.date.isoformat()}" for item in criterion.evidence[-3:]
    )
    more = len(criterion.evidence) - 3
    return f" [{'… ' + str(more) + ' more, ' if more > 0 else ''}{shown}]"


def _team_status(assessment: Assessment, definition: PathwayDefinition) -> list[str]:
    readiness = assessment.readiness
    stage = definition.stage(assessment.stage)
    heading = (
        f"{assessment.person_id}: {stage.name} ({assessment.provider}, "
        f"stay {assessment.placement_id} from {assessment.placement_start.isoformat()}), "
        f"assessed as of {assessment.as_of.isoformat()}."
    )
    lines = [heading]
    if assessment.status is AssessmentStatus.READY and readiness.readiness_date is not None:
        beyond = _plural(readiness.days_beyond_readiness, "day")
        since = readiness.readiness_date.isoformat()
        lines.append(f"Status: READY since {since} ({beyond} beyond readiness).")
    elif assessment.status is AssessmentStatus.NO_EVIDENCE:
        lines.append("Status: NO EVIDENCE - no review yet in this stay.")
    else:
        lines.append("Status: NOT READY.")
    if not assessment.has_exit_criteria:
        lines.append(
            f"The stage {stage.code!r} has no exit criteria: it is never ready to move on."
        )
    if assessment.proposed_stage is not None:
        lines.append(f"Proposed next stage: {definition.stage(assessment.proposed_stage).name}.")
    elif assessment.next_stage is not None:
        lines.append(f"Next stage when ready: {definition.stage(assessment.next_stage).name}.")
    return lines


def _team_criterion(criterion: Criterion, definition: PathwayDefinition) -> str:
    mark = "met" if criterion.met else "NOT met"
    expected, found = criterion.expected, criterion.actual
    if criterion.kind in _LEVEL_KINDS and criterion.domain is not None:
        who = "team" if criterion.kind is CriterionKind.TEAM_LEVEL else "person"
        subject = f"{definition.framework.domain(criterion.domain).name} ({who} level)"
        expected = f"at least {criterion.required_level}"
        found = (
            criterion.why_no_level.value if criterion.why_no_level else f"{criterion.found_level}"
        )
    elif criterion.kind is CriterionKind.SUSTAINED:
        subject = "Sustained"
    else:
        subject = "Incident-free"
    since = f"; met from {criterion.met_from.isoformat()}" if criterion.met_from else ""
    return (
        f"  - [{mark}] {subject}: expected {expected}; found {found}"
        f"{since}{_evidence_words(criterion)}"
    )


def _team_delay(assessment: Assessment) -> str:
    readiness = assessment.readiness
    runs = _plural(len(readiness.runs), "ready run")
    cost = ""
    if readiness.cost_of_delay is not None and readiness.bed_day_cost is not None:
        estimate = "estimated " if readiness.cost_is_estimate else ""
        cost = (
            f"; cost of delay {money(readiness.cost_of_delay)} "
            f"at {estimate}{money(readiness.bed_day_cost)} a bed-day"
        )
    return (
        f"Ready days in this stay: {readiness.ready_days:,} of "
        f"{readiness.days_in_placement:,} ({runs}){cost}."
    )


def _team_outside(assessment: Assessment) -> list[str]:
    """A line on the reviews and incidents that no stay covers, when there are any."""
    count = assessment.events_outside_stays
    if not count:
        return []
    until = assessment.as_of.isoformat()
    if count == 1:
        line = (
            f"Outside every stay: 1 review or incident up to {until} falls in a gap between "
            "stays, so no stay's criteria judged it; check_pathway() names it."
        )
    else:
        line = (
            f"Outside every stay: {count:,} reviews and incidents up to {until} fall in a gap "
            "between stays, so no stay's criteria judged them; check_pathway() names each one."
        )
    return [line]


def _team_restrictive(assessment: Assessment) -> list[str]:
    """A line on restrictive interventions in the stay, when there are any: done to the person."""
    count = assessment.restrictive_interventions
    if not count:
        return []
    until = assessment.as_of.isoformat()
    line = (
        f"Restrictive interventions in this stay up to {until}: {count:,} (done to the "
        "person by staff, so never counted against readiness; an incident the person caused "
        "is recorded as an incident of its own kind)."
    )
    return [line]


def _team_schedule(assessment: Assessment) -> str:
    schedule = assessment.schedule
    if schedule.due is None:
        return "No review is scheduled for this stage."
    if schedule.overdue:
        late = _plural(schedule.days_overdue, "day")
        return f"Review OVERDUE: due {schedule.due.isoformat()}, {late} ago."
    return f"Next review due by {schedule.due.isoformat()}."


def _for_team(assessment: Assessment, definition: PathwayDefinition | None = None) -> str:
    """Explain a decision precisely for the clinical team.

    Names the stage, the status, every criterion with what was expected and found and
    the reviews and incidents it was judged on, "not a day more", how many restrictive
    interventions staff used in the stay (when any: said as done to the person, never
    counted against readiness), how many reviews and incidents fell outside every stay
    (when any did), disagreements, the review
    schedule, and the versions that produced the decision.

    Args:
        assessment: The decision to explain.
        definition: The definition it was made on; the built-in one it names when ``None``.

    Raises:
        WrongTypeError: An argument has the wrong type.
        ValidationError: ``definition`` is not the one the decision was made on.
        UnknownCodeError: The decision names a definition that is not built in and none
            was given, or a code the definition lacks.
    """
    definition = _definition_for(assessment, definition)
    lines = _team_status(assessment, definition)
    if assessment.criteria:
        lines.append(
            f"Exit criteria ({definition.id} {definition.version}, stage {assessment.stage}):"
        )
    lines.extend(_team_criterion(criterion, definition) for criterion in assessment.criteria)
    lines.append(_team_delay(assessment))
    lines.extend(_team_restrictive(assessment))
    lines.extend(_team_outside(assessment))
    lines.extend(
        f"Disagreement at review {item.review_id} ({item.date.isoformat()}): "
        f"{definition.framework.domain(item.domain).name} - team {item.team}, person {item.person}."
        for item in assessment.disagreements
    )
    lines.append(_team_schedule(assessment))
    lines.append(
        f"Decided by pathway_model {assessment.library_version} on {assessment.definition_id} "
        f"{assessment.definition_version}."
    )
    return "\n".join(lines)


# --- for the person -----------------------------------------------------------------------


def _level_words(definition: PathwayDefinition, code: str) -> str:
    return definition.framework.scale.level(code).everyday_label


def _person_status(assessment: Assessment, definition: PathwayDefinition) -> list[str]:
    readiness = assessment.readiness
    next_stage = None if assessment.next_stage is None else definition.stage(assessment.next_stage)
    if not assessment.has_exit_criteria:
        return ["This is the last step. There is no next step to get ready for."]
    if assessment.status is AssessmentStatus.NO_EVIDENCE:
        return [
            "You have not had a review here yet.",
            "At your review, you and your team will look at how you are doing.",
        ]
    if assessment.status is AssessmentStatus.NOT_READY:
        lines = ["The rules say you are not ready to move on yet."]
        if next_stage is not None:
            lines.append(f"The next step is {next_stage.everyday_name}.")
        return lines + _person_gaps(assessment, definition)
    where = "" if next_stage is None else f" to {next_stage.everyday_name}"
    lines = [f"The rules say you are ready to move on{where}."]
    if readiness.readiness_date is not None:
        lines.append(f"You have been ready since {long_date(readiness.readiness_date)}.")
        if readiness.days_beyond_readiness:
            lines.append(f"That is {_plural(readiness.days_beyond_readiness, 'day')}.")
    lines.append("Ask your team what happens next.")
    return lines


def _person_views(assessment: Assessment, definition: PathwayDefinition) -> list[str]:
    lines = [
        f"{definition.framework.domain(item.domain).everyday_name}: "
        f"you said it is {_level_words(definition, item.person)}. "
        f"Your team said it is {_level_words(definition, item.team)}."
        for item in assessment.disagreements
    ]
    if lines:
        lines.append("You can talk about this at your next review.")
    return lines


def _person_restrictive(assessment: Assessment) -> list[str]:
    """Restrictive interventions, said as something staff did, never held against the person."""
    count = assessment.restrictive_interventions
    if not count:
        return []
    times = "once" if count == 1 else f"{count:,} times"
    return [
        f"Staff used restraint, seclusion or a similar step {times} in this stay.",
        "Staff did this. It was not something you did.",
        "The rules do not count it against you.",
    ]


def _person_schedule(assessment: Assessment) -> list[str]:
    schedule = assessment.schedule
    if schedule.due is None:
        return []
    if schedule.overdue:
        return [
            f"Your review is late. It was due on {long_date(schedule.due)}.",
            "Ask your team when it will be.",
        ]
    return [f"Your next review is due by {long_date(schedule.due)}."]


def _for_person(assessment: Assessment, definition: PathwayDefinition | None = None) -> str:
    """Explain a decision to the person, in everyday language.

    Second person, short sentences, dates written out, and the framework's everyday
    names for domains, stages and levels. Restrictive interventions are said as something
    staff did, which never counts against the person. The text is tested against a readability
    threshold (a reading age of about 9).

    Args:
        assessment: The decision to explain.
        definition: The definition it was made on; the built-in one it names when ``None``.

    Raises:
        WrongTypeError: An argument has the wrong type.
        ValidationError: ``definition`` is not the one the decision was made on.
        UnknownCodeError: The decision names a definition that is not built in and none
            was given, or a code the definition lacks.
    """
    definition = _definition_for(assessment, definition)
    stage = definition.stage(assessment.stage)
    lines = [f"You are in {stage.everyday_name}."]
    lines += _person_status(assessment, definition)
    lines += _person_views(assessment, definition)
    lines += _person_restrictive(assessment)
    lines += _person_schedule(assessment)
    return "\n".join(lines)


def _person_gaps(assessment: Assessment, definition: PathwayDefinition) -> list[str]:
    """Sentences on what still has to happen, one short idea each."""
    framework = definition.framework
    stage = definition.stage(assessment.stage)
    criteria = stage.exit_criteria
    lines: list[str] = []
    unmet = [c for c in assessment.criteria if c.kind in _LEVEL_KINDS and not c.met]
    if unmet:
        lines.append("Here is what still needs to happen.")
    for criterion in unmet:
        # _refuse_unknown_codes saw that a level criterion has its domain and levels.
        name = framework.domain(str(criterion.domain)).everyday_name
        needed = _level_words(definition, str(criterion.required_level))
        who = "your team" if criterion.kind is CriterionKind.TEAM_LEVEL else "you"
        several = len(criterion.evidence) > 1
        why = criterion.why_no_level
        if why is NoLevel.NOT_RATED and several:
            day = long_date(criterion.evidence[-1].date)
            lines.append(f"{name}: this was not looked at in one of your reviews on {day}.")
        elif why is NoLevel.NOT_RATED:
            lines.append(f"{name}: this was not looked at in your last review.")
        elif why is NoLevel.NOT_GIVEN and several:
            day = long_date(criterion.evidence[-1].date)
            lines.append(f"{name}: you did not give your view at one of your reviews on {day}.")
        elif why is NoLevel.NOT_GIVEN:
            lines.append(f"{name}: you did not give your view at your last review.")
        elif criterion.found_level is not None:
            found = _level_words(definition, criterion.found_level)
            lines.append(f"{name}: {who} said it is {found}.")
        lines.append(f"It needs to be at least {needed}.")
    # The person can be ready no earlier than the latest of the dates still to come.
    waiting = [
        c.met_from
        for c in assessment.criteria
        if not c.met
        and c.met_from is not None
        and c.kind in (CriterionKind.SUSTAINED, CriterionKind.INCIDENT_FREE)
    ]
    for criterion in assessment.criteria:
        if criterion.met or criterion.met_from is None:
            continue
        if criterion.kind is CriterionKind.SUSTAINED and criteria is not None:
            lines.append(
                f"Things need to stay this good for {period_words(criteria.sustained_for)}."
            )
            lines.append(f"If they do, you will be ready on {long_date(max(waiting))}.")
        elif criterion.kind is CriterionKind.INCIDENT_FREE and criterion.evidence:
            lines.append(f"There was an incident on {long_date(criterion.evidence[0].date)}.")
            lines.append("The clock starts again after an incident like this.")
            lines.append(f"This part will be met on {long_date(criterion.met_from)}.")
    return lines


def explain(
    assessment: Assessment,
    audience: Audience | str = Audience.TEAM,
    *,
    definition: PathwayDefinition | None = None,
) -> str:
    """Explain a decision for the team or for the person.

    Args:
        assessment: The decision to explain.
        audience: ``Audience.TEAM`` (or ``"team"``) for precise wording with every
            criterion and its evidence; ``Audience.PERSON`` (or ``"person"``) for
            everyday language in short sentences.
        definition: The definition the decision was made on; the built-in one it names
            when ``None``.

    Raises:
        WrongTypeError: ``assessment`` is not an Assessment, or ``audience`` or
            ``definition`` has the wrong type.
        ValidationError: ``audience`` is neither, or ``definition`` is not the one the
            decision was made on.
        UnknownCodeError: The decision names a definition that is not built in and none
            was given (the message says how to pass it), or a code the definition lacks.

    Examples:
        >>> import datetime as dt
        >>> import pathway_model as pm
        >>> from pathway_model.catalogue import SECURE_PATHWAY
        >>> pathway = pm.Pathway.start(
        ...     SECURE_PATHWAY, person_id="P-1", stage="medium_secure",
        ...     provider="Northfield MSU", on=dt.date(2024, 1, 8),
        ... )
        >>> print(pm.explain(pm.assess(pathway, dt.date(2024, 2, 1)), "person"))
        You are in a medium secure hospital.
        You have not had a review here yet.
        At your review, you and your team will look at how you are doing.
        Your next review is due by 1 April 2024.
    """
    if isinstance(audience, str) and not isinstance(audience, Audience):
        try:
            audience = Audience(audience)
        except ValueError:
            raise ValidationError.single(
                "audience", "'team' or 'person'", repr(audience)[:40]
            ) from None
    if audience is Audience.PERSON:
        return _for_person(assessment, definition)
    if audience is Audience.TEAM:
        return _for_team(assessment, definition)
    raise WrongTypeError.single(
        "audience", "an Audience or 'team' or 'person'", type_name(audience)
    )
