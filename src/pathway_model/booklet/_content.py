"""What the booklet says: plain values built from a record, a definition and a date.

Every sentence the person reads is written here, in the second person and in short,
everyday words; the template only lays them out. Nothing here reads the clock, and
nothing reads notes: review notes and incident notes are the team's and never reach
the person. A goal's text is the person's own and is passed on exactly as written.
"""

from __future__ import annotations

import datetime as dt

import attrs

from pathway_model.model import (
    Goal,
    GoalAchievementStatus,
    GoalLifecycleStatus,
    GoalSetter,
    Pathway,
    PathwayDefinition,
    Period,
    Review,
)
from pathway_model.model._seam import shift_date
from pathway_model.rules import Assessment, AssessmentStatus, Criterion, CriterionKind, NoLevel
from pathway_model.rules import assess as assess_pathway
from pathway_model.rules._stay import long_date, period_words

__all__ = [
    "Area",
    "Booklet",
    "GoalView",
    "Line",
    "Point",
    "Step",
    "build",
]

#: How many reviews the "How I'm doing" section shows for each area, at most.
RECENT_REVIEWS = 6
#: How many the Easy Read variant shows, at most: fewer ideas, fewer pages.
EASY_READ_REVIEWS = 3


@attrs.frozen(kw_only=True)
class Line:
    """One idea: a short sentence or two, and the picture that goes beside it.

    Attributes:
        text: What it says.
        icon: The name of its picture (a file in ``icons/`` without ``.svg``).
    """

    text: str
    icon: str = "info"


@attrs.frozen(kw_only=True)
class GoalView:
    """One goal as the person reads it.

    Attributes:
        text: The goal exactly as written (escaped when laid out, never changed).
        area: The everyday name of the outcome area it serves.
        lines: Who set it, when, its status and its progress, one idea each.
    """

    text: str
    area: str
    lines: tuple[Line, ...]


@attrs.frozen(kw_only=True)
class Point:
    """One review in an area: the day, and each view in everyday words and as a rank.

    Attributes:
        date: The day of the review, written out.
        day: The day of the review.
        mine: The person's view in everyday words, or what happened instead.
        team: The team's view in everyday words.
        my_rank: The position of the person's level on the scale (0 the lowest), or
            ``None`` when they did not give one.
        team_rank: The position of the team's level on the scale.
    """

    date: str
    day: dt.date
    mine: str
    team: str
    my_rank: int | None
    team_rank: int


@attrs.frozen(kw_only=True)
class Area:
    """One outcome area: its recent reviews, and a kind word on where views differ.

    Attributes:
        name: The area's everyday name.
        points: The recent reviews that rated it, oldest first.
        lines: What the reviews say, one idea each.
    """

    name: str
    points: tuple[Point, ...]
    lines: tuple[Line, ...]


@attrs.frozen(kw_only=True)
class Step:
    """One thing needed to move on, in everyday words, and whether it is met.

    Attributes:
        name: What it is about, e.g. an outcome area's everyday name.
        met: Whether it is met.
        lines: What it asks and where things are, one idea each.
    """

    name: str
    met: bool
    lines: tuple[Line, ...]


@attrs.frozen(kw_only=True)
class Booklet:
    """Everything the booklet says, section by section.

    Attributes:
        person_id: The pseudonymous id of the person, the only thing that names them.
        as_of: The date the booklet describes, written out.
        as_of_iso: The same date as ``YYYY-MM-DD``, for the document's metadata.
        easy_read: Whether this is the Easy Read variant.
        levels: The scale's everyday labels, lowest first (for the charts).
        about: "About me".
        goals: "My goals, in my words".
        no_goals: What to say when there are no goals.
        areas: "How I'm doing", one area each.
        move_on: "What I need to move on": the summary.
        steps: Each exit criterion.
        when: "When".
        ask: Questions to ask the team.
    """

    person_id: str
    as_of: str
    as_of_iso: str
    easy_read: bool
    levels: tuple[str, ...]
    about: tuple[Line, ...]
    goals: tuple[GoalView, ...]
    no_goals: tuple[Line, ...]
    areas: tuple[Area, ...]
    move_on: tuple[Line, ...]
    steps: tuple[Step, ...]
    when: tuple[Line, ...]
    ask: tuple[Line, ...]


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}" + ("" if count == 1 else "s")


def how_long(start: dt.date, as_of: dt.date) -> str:
    """How long from ``start`` to ``as_of`` in words: whole months, or weeks and days."""
    months = (as_of.year - start.year) * 12 + as_of.month - start.month
    while months > 0 and shift_date(start, months=months, days=0) > as_of:
        months -= 1
    if months > 0:
        return period_words(Period(years=months // 12, months=months % 12))
    days = (as_of - start).days
    if days <= 0:
        return "less than a day"
    return period_words(Period(weeks=days // 7, days=days % 7))


# --- About me -------------------------------------------------------------------------------------


def _about(
    pathway: Pathway, decision: Assessment, definition: PathwayDefinition, as_of: dt.date
) -> tuple[Line, ...]:
    stage = definition.stage(decision.stage)
    lines = [
        Line(text="This booklet is about you.", icon="me"),
        Line(text=f"Your booklet number is {pathway.person_id}.", icon="me"),
        Line(text=f"It shows how things were on {long_date(as_of)}.", icon="calendar"),
        Line(text=f"You are in {stage.everyday_name}.", icon="place"),
        Line(
            text=f"You came here on {long_date(decision.placement_start)}.",
            icon="calendar",
        ),
        Line(
            text=f"You have been here for {how_long(decision.placement_start, as_of)}.", icon="time"
        ),
    ]
    if decision.next_stage is None:
        lines.append(Line(text="This is the last step of your pathway.", icon="step"))
    else:
        following = definition.stage(decision.next_stage).everyday_name
        lines.append(Line(text=f"Your next step is {following}.", icon="step"))
    return tuple(lines)


# --- My goals -------------------------------------------------------------------------------------

_SET_BY = {
    GoalSetter.PERSON: "You set this goal",
    GoalSetter.TEAM: "Your team set this goal",
    GoalSetter.SHARED: "You and your team set this goal together",
}

_LIFECYCLE = {
    GoalLifecycleStatus.PROPOSED: "This goal is an idea for now.",
    GoalLifecycleStatus.PLANNED: "You plan to start this goal.",
    GoalLifecycleStatus.ACCEPTED: "You plan to start this goal.",
    GoalLifecycleStatus.ACTIVE: "You are working on this goal.",
    GoalLifecycleStatus.ON_HOLD: "This goal is on hold for now.",
    GoalLifecycleStatus.COMPLETED: "You have finished this goal.",
    GoalLifecycleStatus.CANCELLED: "This goal has stopped.",
    GoalLifecycleStatus.REJECTED: "You chose not to do this goal.",
}

_ACHIEVEMENT = {
    GoalAchievementStatus.IN_PROGRESS: "Work on it has started.",
    GoalAchievementStatus.IMPROVING: "It is going better.",
    GoalAchievementStatus.WORSENING: "It has got harder.",
    GoalAchievementStatus.NO_CHANGE: "Nothing has changed yet.",
    GoalAchievementStatus.ACHIEVED: "You did it.",
    GoalAchievementStatus.SUSTAINING: "You are keeping it up.",
    GoalAchievementStatus.NOT_ACHIEVED: "It has not happened yet.",
    GoalAchievementStatus.NO_PROGRESS: "It has not moved on yet.",
    GoalAchievementStatus.NOT_ATTAINABLE: "It may not be possible right now.",
}


def _progress(goal: Goal, reviews: tuple[Review, ...]) -> GoalAchievementStatus | None:
    """The latest word on how a goal is going, from the reviews up to the date."""
    status = goal.achievement_status
    for review in reviews:
        for update in review.goal_progress:
            if update.goal == goal.id:
                status = update.achievement_status
    return status


def _goals(
    pathway: Pathway, definition: PathwayDefinition, reviews: tuple[Review, ...], as_of: dt.date
) -> tuple[GoalView, ...]:
    shown = [
        goal
        for goal in pathway.goals
        if goal.set_on <= as_of
        and goal.lifecycle_status is not GoalLifecycleStatus.ENTERED_IN_ERROR
    ]
    shown.sort(key=lambda goal: (goal.set_on, goal.id))
    views = []
    framework = definition.framework
    for goal in shown:
        area = (
            framework.domain(goal.domain).everyday_name
            if goal.domain in framework.domain_codes
            else "Other things"
        )
        lines = [
            Line(
                text=f"{_SET_BY[goal.set_by]} on {long_date(goal.set_on)}.", icon=goal.set_by.value
            ),
            Line(text=_LIFECYCLE[goal.lifecycle_status], icon="goal"),
        ]
        status = _progress(goal, reviews)
        if status is not None:
            icon = "met" if status in _DONE else "progress"
            lines.append(Line(text=_ACHIEVEMENT[status], icon=icon))
        if (
            goal.target_date is not None
            and goal.lifecycle_status is not GoalLifecycleStatus.COMPLETED
        ):
            lines.append(
                Line(text=f"You hope to do it by {long_date(goal.target_date)}.", icon="calendar")
            )
        views.append(GoalView(text=goal.description, area=area, lines=tuple(lines)))
    return tuple(views)


_DONE = frozenset({GoalAchievementStatus.ACHIEVED, GoalAchievementStatus.SUSTAINING})


# --- How I'm doing --------------------------------------------------------------------------------


def _areas(
    definition: PathwayDefinition, reviews: tuple[Review, ...], *, easy_read: bool
) -> tuple[Area, ...]:
    scale = definition.framework.scale
    # Ranks need not run 0, 1, 2: the chart places each level by its position on the scale.
    place = {
        level.code: index
        for index, level in enumerate(sorted(scale.levels, key=lambda level: level.rank))
    }
    keep = EASY_READ_REVIEWS if easy_read else RECENT_REVIEWS
    areas = []
    for domain in definition.framework.domains:
        rated = [(review, review.rating(domain.code)) for review in reviews]
        points = [
            Point(
                date=long_date(review.date),
                mine="you did not say"
                if rating.person is None
                else scale.level(rating.person).everyday_label,
                team=scale.level(rating.team).everyday_label,
                day=review.date,
                my_rank=None if rating.person is None else place[rating.person],
                team_rank=place[rating.team],
            )
            for review, rating in rated
            if rating is not None
        ][-keep:]
        areas.append(
            Area(name=domain.everyday_name, points=tuple(points), lines=_area_lines(points))
        )
    return tuple(areas)


def _area_lines(points: list[Point]) -> tuple[Line, ...]:
    if not points:
        return (Line(text="This has not been looked at in a review yet.", icon="not_yet"),)
    last = points[-1]
    lines = [Line(text=f"At your last review, your team said it is {last.team}.", icon="team")]
    if last.my_rank is None:
        lines.append(Line(text="You did not give your view that time.", icon="person"))
        lines.append(Line(text="You can give it at your next review if you want to.", icon="talk"))
    elif last.my_rank == last.team_rank:
        lines.append(Line(text=f"You said it is {last.mine} too.", icon="person"))
        lines.append(Line(text="You and your team agree.", icon="shared"))
    else:
        lines.append(Line(text=f"You said it is {last.mine}.", icon="person"))
        lines.append(Line(text="You and your team see this a bit differently.", icon="shared"))
        lines.append(Line(text="That is OK.", icon="shared"))
        lines.append(Line(text="You can talk about it together at your next review.", icon="talk"))
    return tuple(lines)


# --- What I need to move on -----------------------------------------------------------------------

_LEVEL_KINDS = (CriterionKind.TEAM_LEVEL, CriterionKind.PERSON_LEVEL)


def _level_step(criterion: Criterion, definition: PathwayDefinition) -> Step:
    scale = definition.framework.scale
    # assess() gives a level criterion its domain and required level.
    name = definition.framework.domain(str(criterion.domain)).everyday_name
    required = scale.level(str(criterion.required_level))
    lowest = min(level.rank for level in scale.levels)
    team = criterion.kind is CriterionKind.TEAM_LEVEL
    who = "Your team needs" if team else "You need"
    if required.rank == lowest:
        asks = f"{who} to give a view on this at a review."
    else:
        asks = f"{who} to say it is at least {required.everyday_label}."
    lines = [Line(text=asks, icon="team" if team else "person")]
    if criterion.found_level is not None:
        found = scale.level(criterion.found_level).everyday_label
        said = "Your team said" if team else "You said"
        lines.append(Line(text=f"{said} it is {found}.", icon="progress"))
    elif criterion.why_no_level is NoLevel.NOT_GIVEN:
        lines.append(Line(text="You did not give your view at your last review.", icon="not_yet"))
    else:
        lines.append(Line(text="This was not looked at in your last review.", icon="not_yet"))
    lines.append(_met_line(criterion.met))
    return Step(name=name, met=criterion.met, lines=tuple(lines))


def _met_line(met: bool) -> Line:
    return Line(text="Done." if met else "Not yet.", icon="met" if met else "not_yet")


def _sustained_step(
    criterion: Criterion, definition: PathwayDefinition, decision: Assessment
) -> Step:
    criteria = definition.stage(decision.stage).exit_criteria
    period = period_words(criteria.sustained_for) if criteria is not None else "some time"
    lines = [Line(text=f"Things need to stay this good for {period}.", icon="time")]
    if criterion.met and criterion.met_from is not None:
        since = long_date(criterion.met_from)
        lines.append(Line(text=f"They have stayed this good since {since}.", icon="met"))
    elif criterion.met_from is not None:
        lines.append(
            Line(
                text=f"If they do, this part will be done on {long_date(criterion.met_from)}.",
                icon="calendar",
            )
        )
    else:
        lines.append(Line(text="This starts once the other parts are done.", icon="not_yet"))
    lines.append(_met_line(criterion.met))
    return Step(name="Staying this well", met=criterion.met, lines=tuple(lines))


def _incident_step(criterion: Criterion) -> Step:
    if criterion.met:
        lines = [Line(text="There has been no incident that stops you moving on.", icon="safe")]
    else:
        lines = []
        if criterion.evidence:
            day = long_date(criterion.evidence[0].date)
            lines.append(Line(text=f"There was an incident on {day}.", icon="incident"))
            lines.append(
                Line(text="The time starts again after an incident like this.", icon="time")
            )
        if criterion.met_from is not None:
            lines.append(
                Line(
                    text=f"This part will be done on {long_date(criterion.met_from)}.",
                    icon="calendar",
                )
            )
    lines.append(_met_line(criterion.met))
    return Step(name="No incidents", met=criterion.met, lines=tuple(lines))


def _steps(decision: Assessment, definition: PathwayDefinition) -> tuple[Step, ...]:
    steps = []
    for criterion in decision.criteria:
        if criterion.kind in _LEVEL_KINDS:
            steps.append(_level_step(criterion, definition))
        elif criterion.kind is CriterionKind.SUSTAINED:
            steps.append(_sustained_step(criterion, definition, decision))
        else:
            steps.append(_incident_step(criterion))
    return tuple(steps)


def _move_on(decision: Assessment, definition: PathwayDefinition) -> tuple[Line, ...]:
    if not decision.has_exit_criteria:
        return (
            Line(text="This is the last step.", icon="step"),
            Line(text="There is no next step to get ready for.", icon="step"),
        )
    lines: list[Line] = []
    following = (
        "" if decision.next_stage is None else definition.stage(decision.next_stage).everyday_name
    )
    readiness = decision.readiness
    if decision.status is AssessmentStatus.NO_EVIDENCE:
        lines.append(Line(text="You have not had a review here yet.", icon="not_yet"))
        lines.append(
            Line(
                text="At your review, you and your team will look at how you are doing.",
                icon="talk",
            )
        )
    elif decision.status is AssessmentStatus.READY:
        lines.append(Line(text="The rules say you are ready to move on.", icon="met"))
        if following:
            lines.append(Line(text=f"Your next step is {following}.", icon="step"))
        if readiness.readiness_date is not None:
            since = long_date(readiness.readiness_date)
            lines.append(Line(text=f"You have been ready since {since}.", icon="calendar"))
            days = _plural(readiness.days_beyond_readiness, "day")
            lines.append(Line(text=f"That is {days}.", icon="time"))
        lines.append(Line(text="Ask your team what happens next.", icon="ask"))
    else:
        lines.append(Line(text="The rules say you are not ready to move on yet.", icon="not_yet"))
        lines.append(Line(text="Here is what needs to happen first.", icon="step"))
    count = decision.restrictive_interventions
    if count:
        times = "once" if count == 1 else f"{count:,} times"
        lines.append(
            Line(
                text=f"Staff used restraint, seclusion or a similar step {times} here.", icon="team"
            )
        )
        lines.append(Line(text="Staff did this.", icon="team"))
        lines.append(Line(text="It was not something you did.", icon="safe"))
        lines.append(Line(text="The rules do not count it against you.", icon="safe"))
    return tuple(lines)


# --- When -----------------------------------------------------------------------------------------


def _when(decision: Assessment) -> tuple[Line, ...]:
    schedule = decision.schedule
    if schedule.due is None:
        return (Line(text="There is no review date set for this step.", icon="calendar"),)
    due = long_date(schedule.due)
    if schedule.overdue:
        late = _plural(schedule.days_overdue, "day")
        return (
            Line(text="Your review is late.", icon="not_yet"),
            Line(text=f"It was due on {due}.", icon="calendar"),
            Line(text=f"That was {late} ago.", icon="time"),
            Line(text="Ask your team when it will be.", icon="ask"),
        )
    return (Line(text=f"Your next review is due by {due}.", icon="calendar"),)


_ASK = (
    "What can I do to get ready for my next step?",
    "When is my next review?",
    "Can I help plan my review?",
    "Can someone help me get ready for my review?",
    "Can I change my goals?",
    "Who can I talk to if I do not agree?",
)


def build(
    pathway: Pathway, definition: PathwayDefinition, as_of: dt.date, *, easy_read: bool
) -> Booklet:
    """Build what the booklet says about the stay at ``as_of``.

    Raises:
        PathwayModelError: As `pathway_model.assess` does.
    """
    decision = assess_pathway(pathway, as_of, definition=definition)
    placement = next(item for item in pathway.placements if item.id == decision.placement_id)
    reviews = tuple(
        review
        for review in pathway.reviews
        if placement.covers(review.date) and review.date <= as_of
    )
    scale = sorted(definition.framework.scale.levels, key=lambda level: level.rank)
    return Booklet(
        person_id=pathway.person_id,
        as_of=long_date(as_of),
        as_of_iso=as_of.isoformat(),
        easy_read=easy_read,
        levels=tuple(level.everyday_label for level in scale),
        about=_about(pathway, decision, definition, as_of),
        goals=_goals(pathway, definition, reviews, as_of),
        no_goals=(
            Line(text="You have no goals written down yet.", icon="goal"),
            Line(text="You can set goals with your team.", icon="shared"),
        ),
        areas=_areas(definition, reviews, easy_read=easy_read),
        move_on=_move_on(decision, definition),
        steps=_steps(decision, definition),
        when=_when(decision),
        ask=tuple(Line(text=question, icon="ask") for question in _ASK),
    )
