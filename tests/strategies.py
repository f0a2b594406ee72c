"""Hypothesis strategies that build valid values of every model class.

One module for the whole suite: every new field of the model gets a strategy here, so
properties in every test file exercise it. Strategies build *valid* values; tests of
invalid input build their own bad values from these.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import string
from collections.abc import Sequence
from decimal import Decimal

import attrs
from hypothesis import strategies as st

import pathway_model as pm
from pathway_model import catalogue
from pathway_model.catalogue import DEFINITIONS
from pathway_model.model._seam import RESTRICTIVE_INTERVENTION_TYPES

__all__ = [
    "AMOUNT_EDGES",
    "VALID_AMOUNT_EDGES",
    "amounts",
    "codes",
    "dates",
    "definitions",
    "definitions_and_pathways",
    "exit_criteria",
    "free_text",
    "incident_rules",
    "money",
    "names",
    "text_with_lone_surrogates",
    "zone_offsets",
    "outcome_domains",
    "outcome_frameworks",
    "pathway_definitions",
    "pathways",
    "periods",
    "positive_periods",
    "rating_scales",
    "ready_cases",
    "stages",
]

EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2045, 12, 31)

codes = st.from_regex(r"[a-z][a-z0-9_]{0,11}", fullmatch=True)
"""Codes and ids of the model's code alphabet."""

names = st.text(
    alphabet=string.ascii_letters + string.digits + " -'", min_size=1, max_size=40
).filter(str.strip)
"""Short names and labels."""

free_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=120
).filter(str.strip)
"""Clinical free text: any non-blank Unicode."""

dates = st.dates(min_value=EARLIEST, max_value=LATEST)
"""Calendar dates in the range records are generated in."""

periods = st.builds(
    pm.Period,
    years=st.integers(0, 2),
    months=st.integers(0, 12),
    weeks=st.integers(0, 12),
    days=st.integers(0, 90),
)
"""Calendar periods, including the empty period."""

positive_periods = periods.filter(lambda period: not period.is_zero)
"""Calendar periods longer than zero."""

#: Amounts at the edges of what the model accepts: trailing zeros, exponents, zeros of
#: every exponent, the smallest and the largest.
VALID_AMOUNT_EDGES = (
    Decimal("452"),
    Decimal("452.00"),
    Decimal("452.0000000"),
    Decimal("4.52E+2"),
    Decimal("45200E-2"),
    Decimal("0"),
    Decimal("0E-9"),
    Decimal("0E+9"),
    Decimal("0.000001"),
    Decimal("999999999999.999999"),
    Decimal("999999999999"),
)

#: Amounts at the edges that the model refuses: a third of a pound and other long
#: fractions, -0, 13 digits, negatives and what is not finite.
AMOUNT_EDGES = (
    *VALID_AMOUNT_EDGES,
    Decimal(452) / Decimal(7),
    Decimal("-0"),
    Decimal("-0.00"),
    Decimal(10**12),
    Decimal("1E+12"),
    Decimal("0.0000001"),
    Decimal("1E-7"),
    Decimal("999999999999.9999999"),
    Decimal("-452"),
    Decimal("-0.000001"),
    Decimal("1E+999999"),
    Decimal("NaN"),
    Decimal("-Infinity"),
    Decimal("Infinity"),
)

money = st.decimals(
    min_value=0, max_value=5000, places=2, allow_nan=False, allow_infinity=False
) | st.sampled_from(VALID_AMOUNT_EDGES)
"""Bed-day costs in pounds, with the edge values the model accepts (``452.00``, ``0E-9``)."""

amounts = st.sampled_from(AMOUNT_EDGES) | money | st.decimals()
"""Any ``Decimal``: amounts the model accepts and amounts it refuses, edges included."""

text_with_lone_surrogates = st.builds(
    lambda before, surrogate, after: before + surrogate + after,
    st.text(max_size=8),
    st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),
    st.text(max_size=8),
)
"""Text holding at least one lone surrogate code point, which no UTF-8 text can hold."""

zone_offsets = st.integers(-(23 * 60 + 59), 23 * 60 + 59).map(
    lambda minutes: f"{'-' if minutes < 0 else '+'}{abs(minutes) // 60:02}:{abs(minutes) % 60:02}"
)
"""Zone offsets as RFC 3339 writes them: hours 00-23, minutes 00-59, either sign."""

# Cheaper draws for fields the rules only display: definitions are drawn for every
# property example, so each draw saved there makes the whole suite faster.
_pool_codes = st.sampled_from([f"{letter}{n}" for letter in "abcdefgh" for n in range(4)])
_labels = st.sampled_from(["High", "Medium secure", "Ward 3", "Low", "Home", "Step-down unit"])
_common_periods = st.sampled_from(
    [pm.Period(months=1), pm.Period(months=3), pm.Period(weeks=12), pm.Period(years=1)]
)
_rule_periods = (
    st.sampled_from(
        [
            pm.Period(),
            pm.Period(months=3),
            pm.Period(months=6),
            pm.Period(days=1),
            pm.Period(months=1),
        ]
    )
    | periods
)
_costs = st.sampled_from([None, Decimal(411), Decimal(452), Decimal(822)]) | money


@st.composite
def rating_scales(
    draw: st.DrawFn, *, min_levels: int = 2, max_levels: int = 6, rich_text: bool = True
) -> pm.RatingScale:
    """Rating scales of 2-6 levels with unique codes and strictly increasing ranks.

    With ``rich_text=False`` labels come from a short list: faster, for rule properties.
    """
    text = names if rich_text else _labels
    code_pool = codes if rich_text else _pool_codes
    level_codes = draw(st.lists(code_pool, min_size=min_levels, max_size=max_levels, unique=True))
    ranks = sorted(
        draw(
            st.lists(
                st.integers(-10, 100),
                min_size=len(level_codes),
                max_size=len(level_codes),
                unique=True,
            )
        )
    )
    levels = [
        pm.RatingLevel(
            code=code,
            label=draw(text),
            rank=rank,
            everyday_label=draw(text),
        )
        for code, rank in zip(level_codes, ranks, strict=True)
    ]
    return pm.RatingScale(code=draw(codes), name=draw(text), levels=levels)


def outcome_domains(
    code: st.SearchStrategy[str] = codes, *, rich_text: bool = True
) -> st.SearchStrategy[pm.OutcomeDomain]:
    """Outcome domains with codes drawn from ``code``."""
    text = names if rich_text else _labels
    return st.builds(
        pm.OutcomeDomain,
        code=code,
        name=text,
        everyday_name=text,
        description=st.just("") | free_text if rich_text else st.just(""),
    )


_versions = st.from_regex(r"[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{1,2}", fullmatch=True)


@st.composite
def outcome_frameworks(
    draw: st.DrawFn, *, max_domains: int = 8, rich_text: bool = True
) -> pm.OutcomeFramework:
    """Outcome frameworks of 1-8 domains with unique codes.

    With ``rich_text=False`` names come from a short list: faster, for rule properties.
    """
    text = names if rich_text else _labels
    code_pool = codes if rich_text else _pool_codes
    domain_codes = draw(st.lists(code_pool, min_size=1, max_size=max_domains, unique=True))
    return pm.OutcomeFramework(
        id=draw(codes),
        version=draw(_versions),
        name=draw(text),
        domains=[
            draw(outcome_domains(st.just(code), rich_text=rich_text)) for code in domain_codes
        ],
        scale=draw(rating_scales(rich_text=rich_text)),
        description=draw(st.just("") | free_text) if rich_text else "",
    )


#: The kinds a rule may name: all but restrictive interventions, which are done to the person.
_person_incident_kinds = st.sampled_from([k for k in pm.IncidentKind if not k.done_to_person])


def incident_rules() -> st.SearchStrategy[pm.IncidentRule]:
    """Incident rules over 1-5 of the person's own kinds, any minimum severity and any period."""
    return st.builds(
        pm.IncidentRule,
        kinds=st.lists(_person_incident_kinds, min_size=1, max_size=5, unique=True),
        minimum_severity=st.sampled_from(pm.IncidentSeverity),
        incident_free_for=_rule_periods,
    )


@st.composite
def exit_criteria(draw: st.DrawFn, framework: pm.OutcomeFramework) -> pm.ExitCriteria:
    """Exit criteria naming 1 or more of ``framework``'s domains at levels of its scale."""
    domains = [code for code in framework.domain_codes if draw(st.booleans())]
    domains = domains or [framework.domain_codes[_pick(draw, len(framework.domain_codes))]]
    levels = st.sampled_from(framework.scale.codes)
    return pm.ExitCriteria(
        requirements={domain: draw(levels) for domain in domains},
        sustained_for=draw(_rule_periods),
        incident_rules=draw(st.lists(incident_rules(), max_size=2)),
        person_must_agree=draw(st.booleans()),
    )


_ranks = st.integers(0, 10)


@st.composite
def stages(
    draw: st.DrawFn,
    framework: pm.OutcomeFramework,
    *,
    code: st.SearchStrategy[str] = codes,
    security_rank: st.SearchStrategy[int] = _ranks,
) -> pm.Stage:
    """Stages whose exit criteria (if any) use ``framework``."""
    return pm.Stage(
        code=draw(code),
        name=draw(_labels),
        everyday_name=draw(_labels),
        security_rank=draw(security_rank),
        review_interval=draw(st.none() | _common_periods | positive_periods),
        first_review_within=draw(st.none() | _common_periods),
        length_of_stay_benchmark=draw(st.none() | _common_periods),
        long_stay_after=draw(st.none() | _common_periods),
        bed_day_cost=draw(_costs),
        cost_is_estimate=draw(st.booleans()),
        exit_criteria=draw(st.none() | exit_criteria(framework)),
        description="",
    )


@st.composite
def pathway_definitions(
    draw: st.DrawFn, framework: pm.OutcomeFramework | None = None, *, max_stages: int = 6
) -> pm.PathwayDefinition:
    """Pathway definitions of 1-6 stages, most restrictive first, with random moves.

    Ranks never increase along the stages and may repeat. Every stage but the last has
    its step down to the next stage among the moves, so the walk in :func:`pathways`
    can always go on; other moves (up, or skipping a stage) are drawn at random.
    """
    if framework is None:
        framework = draw(outcome_frameworks(rich_text=False))
    stage_codes = draw(st.lists(_pool_codes, min_size=1, max_size=max_stages, unique=True))
    ranks = sorted(
        draw(st.lists(st.integers(0, 10), min_size=len(stage_codes), max_size=len(stage_codes))),
        reverse=True,
    )
    built = [
        draw(stages(framework, code=st.just(code), security_rank=st.just(rank)))
        for code, rank in zip(stage_codes, ranks, strict=True)
    ]
    pairs = [(a, b) for a in stage_codes for b in stage_codes if a != b]
    chosen = set(itertools.pairwise(stage_codes))
    chosen |= {pair for pair in pairs if draw(st.booleans())}
    ordered = [pair for pair in pairs if pair in chosen]
    transitions = draw(st.permutations(ordered))
    return pm.PathwayDefinition(
        id=draw(codes),
        version=draw(_versions),
        name=draw(_labels),
        framework=framework,
        stages=built,
        transitions=[pm.Transition(from_stage=a, to_stage=b) for a, b in transitions],
    )


definitions = st.sampled_from(DEFINITIONS) | pathway_definitions()
"""Built-in and generated pathway definitions."""


_stay_lengths = st.integers(1, 900)
_gaps = st.sampled_from([0, 0, 0, 1, 30, 120])
_providers = st.sampled_from(["Northfield MSU", "RXT", "Ashby Low Secure", "Unit 7"])
_first_days = st.dates(EARLIEST, dt.date(2030, 12, 31))
_person_ids = st.from_regex(r"P-[0-9A-F]{6}", fullmatch=True)
_maybe_text = st.none() | st.none() | free_text
_setters = st.sampled_from(pm.GoalSetter)
_lifecycles = st.sampled_from(pm.GoalLifecycleStatus)
_achievements = st.sampled_from(pm.GoalAchievementStatus)
_review_kinds = st.sampled_from(pm.ReviewKind)
_incident_kinds = st.sampled_from(pm.IncidentKind)
_severities = st.sampled_from(pm.IncidentSeverity)
_intervention_types = st.none() | st.sampled_from(list(RESTRICTIVE_INTERVENTION_TYPES))


def intervention_type(draw: st.DrawFn, kind: pm.IncidentKind) -> str | None:
    """A national intervention type code (or none) for a restrictive intervention, else none."""
    return draw(_intervention_types) if kind.done_to_person else None


@functools.lru_cache(maxsize=4096)
def _below(size: int) -> st.SearchStrategy[int]:
    return st.integers(0, size - 1)


def _pick(draw: st.DrawFn, size: int) -> int:
    """Draw a whole number below ``size``; strategies are built once per size, for speed."""
    return draw(_below(size))


@st.composite
def _timeline(
    draw: st.DrawFn,
    definition: pm.PathwayDefinition,
    *,
    start: dt.date | None,
    max_placements: int,
    first_stage: str | None = None,
) -> tuple[list[pm.Placement], dt.date]:
    """Placements along allowed moves, and the last day events may fall on."""
    day = start if start is not None else draw(_first_days)
    count = 1 + _pick(draw, max_placements)
    stage = first_stage or definition.stage_codes[_pick(draw, len(definition.stages))]
    placements = []
    for index in range(count):
        end = day + dt.timedelta(days=draw(_stay_lengths))
        last = index == count - 1
        is_open = last and draw(st.booleans())
        placements.append(
            pm.Placement(
                id=f"placement-{index + 1}",
                stage=stage,
                provider=draw(_providers),
                start=day,
                end=None if is_open else end,
            )
        )
        if last:
            # An open stay still needs a horizon for generated events.
            return placements, end - dt.timedelta(days=1)
        options = [stage, *(moved.code for moved in definition.moves_from(stage))]
        stage = options[_pick(draw, len(options))]
        day = end + dt.timedelta(days=draw(_gaps))
    raise AssertionError("unreachable")  # pragma: no cover


def _day_in(draw: st.DrawFn, placements: list[pm.Placement], horizon: dt.date) -> dt.date:
    """Draw a day inside one of ``placements`` (an open one ends at ``horizon``)."""
    placement = placements[_pick(draw, len(placements))]
    last = horizon if placement.end is None else placement.end - dt.timedelta(days=1)
    return placement.start + dt.timedelta(days=_pick(draw, (last - placement.start).days + 1))


@st.composite
def pathways(
    draw: st.DrawFn,
    definition: pm.PathwayDefinition,
    *,
    start: dt.date | None = None,
    max_placements: int = 4,
    max_reviews: int = 12,
    max_incidents: int = 6,
    max_goals: int = 4,
    max_recorded_readiness: int = 3,
    person_levels: bool | None = None,
    prefer_high: bool = False,
    first_stage: str | None = None,
) -> pm.Pathway:
    """Valid records on ``definition``: placements along allowed moves, events inside them.

    Args:
        definition: The definition the records follow.
        start: The first day of the record; drawn when ``None``.
        max_placements: The most stays.
        max_reviews: The most reviews.
        max_incidents: The most incidents.
        max_goals: The most goals.
        max_recorded_readiness: The most recorded readiness periods.
        person_levels: ``True`` to always give the person's level, ``False`` never,
            ``None`` to draw it per rating.
        prefer_high: Draw mostly the top two levels of the scale, so that reviews
            often qualify and readiness is often reached.
        first_stage: The stage of the first stay; drawn when ``None``.
    """
    placements, horizon = draw(
        _timeline(definition, start=start, max_placements=max_placements, first_stage=first_stage)
    )
    framework = definition.framework
    domains = framework.domain_codes
    levels = framework.scale.codes

    def level() -> str:
        if prefer_high and _pick(draw, 16):
            return levels[-1 - _pick(draw, min(2, len(levels)))]
        return levels[_pick(draw, len(levels))]

    goals = []
    for index in range(_pick(draw, max_goals + 1)):
        set_on = _day_in(draw, placements, horizon)
        target = set_on + dt.timedelta(days=_pick(draw, 1000)) if draw(st.booleans()) else None
        goals.append(
            pm.Goal(
                id=f"goal-{index + 1}",
                domain=domains[_pick(draw, len(domains))],
                description=draw(free_text),
                set_by=draw(_setters),
                set_on=set_on,
                target_date=target,
                lifecycle_status=draw(_lifecycles),
                achievement_status=draw(st.none() | _achievements),
            )
        )

    reviews = []
    review_count = _pick(draw, max_reviews + 1)
    if prefer_high:
        review_count = max(review_count, _pick(draw, max_reviews + 1))
    for index in range(review_count):
        day = _day_in(draw, placements, horizon)
        rate_all = _pick(draw, 8) if prefer_high else draw(st.booleans())
        rated = domains if rate_all else [d for d in domains if draw(st.booleans())]
        ratings = []
        for domain in rated:
            if person_levels is not None:
                give_person = person_levels
            else:
                give_person = bool(_pick(draw, 8)) if prefer_high else draw(st.booleans())
            ratings.append(
                pm.DomainRating(
                    domain=domain,
                    team=level(),
                    person=level() if give_person else None,
                    team_note=draw(_maybe_text),
                    person_note=draw(_maybe_text),
                )
            )
        progress = [
            pm.GoalProgress(
                goal=goal.id,
                achievement_status=draw(_achievements),
                note=draw(_maybe_text),
            )
            for goal in goals
            if goal.set_on <= day and draw(st.booleans())
        ]
        next_review = day + dt.timedelta(days=1 + _pick(draw, 400)) if draw(st.booleans()) else None
        reviews.append(
            pm.Review(
                id=f"review-{index + 1}",
                date=day,
                kind=draw(_review_kinds),
                ratings=ratings,
                goal_progress=progress,
                next_review_date=next_review,
            )
        )

    incidents = [
        pm.Incident(
            id=f"incident-{index + 1}",
            date=_day_in(draw, placements, horizon),
            kind=(kind := draw(_incident_kinds)),
            severity=draw(_severities),
            note=draw(_maybe_text),
            intervention_type=intervention_type(draw, kind),
        )
        for index in range(
            min(_pick(draw, max_incidents + 1), _pick(draw, max_incidents + 1))
            if prefer_high
            else _pick(draw, max_incidents + 1)
        )
    ]

    periods = draw(recorded_readiness(placements, horizon, max_periods=max_recorded_readiness))

    return pm.Pathway(
        person_id=draw(_person_ids),
        definition_id=definition.id,
        definition_version=definition.version,
        placements=draw(st.permutations(placements)),
        goals=draw(st.permutations(goals)),
        reviews=draw(st.permutations(reviews)),
        incidents=draw(st.permutations(incidents)),
        recorded_readiness=draw(st.permutations(periods)),
    )


#: Codes of each delay reason list, and who a delay may be attributable to.
_REASON_LISTS = st.sampled_from(sorted(catalogue.DELAY_REASON_LISTS))
_ATTRIBUTABLE = st.none() | st.sampled_from(catalogue.ATTRIBUTABLE_TO.code_values)


@st.composite
def recorded_readiness(
    draw: st.DrawFn,
    placements: Sequence[pm.Placement],
    horizon: dt.date,
    *,
    max_periods: int = 3,
) -> list[pm.RecordedReadiness]:
    """Recorded readiness periods inside ``placements``, none overlapping another.

    Each lies inside one stay (an open stay ends at ``horizon``); a stay's last period
    may be open while the stay is. Periods may touch (one ends the day the next starts)
    and may be a single day long (start = end).
    """
    periods: list[pm.RecordedReadiness] = []
    wanted = _pick(draw, max_periods + 1)
    for placement in placements:
        last = horizon if placement.end is None else placement.end
        cursor = placement.start
        while len(periods) < wanted and cursor < last and draw(st.booleans()):
            start = cursor + dt.timedelta(days=_pick(draw, min(60, (last - cursor).days)))
            end: dt.date | None = start + dt.timedelta(days=_pick(draw, (last - start).days + 1))
            if placement.end is None and draw(st.booleans()):
                end = None
            listed = draw(_REASON_LISTS)
            codes = catalogue.DELAY_REASON_LISTS[listed].code_values
            periods.append(
                pm.RecordedReadiness(
                    id=f"ready-{len(periods) + 1}",
                    start=start,
                    end=end,
                    delay_reason=draw(st.none() | st.sampled_from(codes)),
                    reason_list=listed,
                    attributable_to=draw(_ATTRIBUTABLE),
                )
            )
            if end is None:
                break
            cursor = end
    return periods


def _later(pathway: pm.Pathway, boundary: dt.date, shift: dt.timedelta) -> pm.Pathway:
    """The record with the first stay's end, and everything from ``boundary`` on, moved later.

    ``boundary`` is the first stay's end: later stays, and the goals, reviews and
    incidents dated in them or in the gaps between them, keep their places relative to
    one another.
    """

    def moved(day: dt.date | None) -> dt.date | None:
        return None if day is None or day < boundary else day + shift

    placements = [
        attrs.evolve(p, start=p.start if p.start < boundary else p.start + shift, end=moved(p.end))
        for p in pathway.placements
    ]
    goals = [
        attrs.evolve(g, set_on=g.set_on + shift, target_date=moved(g.target_date))
        if g.set_on >= boundary
        else g
        for g in pathway.goals
    ]
    reviews = [
        attrs.evolve(r, date=r.date + shift, next_review_date=moved(r.next_review_date))
        if r.date >= boundary
        else r
        for r in pathway.reviews
    ]
    incidents = [
        attrs.evolve(i, date=i.date + shift) if i.date >= boundary else i for i in pathway.incidents
    ]
    periods = [
        attrs.evolve(r, start=r.start + shift, end=moved(r.end)) if r.start >= boundary else r
        for r in pathway.recorded_readiness
    ]
    return attrs.evolve(
        pathway,
        placements=placements,
        goals=goals,
        reviews=reviews,
        incidents=incidents,
        recorded_readiness=periods,
    )


#: The most reviews a built streak holds, whatever the length of the stay.
_MAX_STREAK = 24


@st.composite
def ready_cases(
    draw: st.DrawFn, **options: object
) -> tuple[pm.PathwayDefinition, pm.Pathway, dt.date]:
    """A definition, a record on it, and a day on which the person is ready to move on.

    Built ready, never filtered for readiness: the first stay is in a stage with exit
    criteria and holds an unbroken streak of reviews at the top level of every domain
    (the team's and the person's), long enough to be sustained, and no incident that
    resets the clock; the day falls in the ready run that follows, at least a day
    before the stay ends. The rest of the record is drawn as `pathways` draws it
    (``options`` go to it), and the first stay is lengthened (later stays and their
    events moved on) when the streak needs more room.
    """
    definition = draw(definitions)
    with_criteria = [stage for stage in definition.stages if stage.exit_criteria is not None]
    if not with_criteria:  # a generated definition may have none: take a built-in one
        definition = draw(st.sampled_from(DEFINITIONS))
        with_criteria = [stage for stage in definition.stages if stage.exit_criteria]
    stage = with_criteria[_pick(draw, len(with_criteria))]
    criteria = stage.exit_criteria
    assert criteria is not None
    options.setdefault("prefer_high", True)
    pathway = draw(pathways(definition, first_stage=stage.code, **options))  # type: ignore[arg-type]
    first = pathway.placements[0]
    streak_start = first.start + dt.timedelta(days=_pick(draw, 61))
    ready_from = criteria.sustained_for.add_to(streak_start)
    ready_days = 2 + _pick(draw, 200)
    needed_end = ready_from + dt.timedelta(days=ready_days)
    if first.end is not None and first.end < needed_end:
        pathway = _later(pathway, first.end, needed_end - first.end)
        first = pathway.placements[0]
    end = needed_end if first.end is None else first.end

    def in_first(day: dt.date) -> bool:
        return first.start <= day and (first.end is None or day < first.end)

    scale = definition.framework.scale
    top = max(scale.levels, key=lambda level: level.rank).code
    span = (end - streak_start).days
    gap = max(1 + _pick(draw, 120), span // _MAX_STREAK + 1)
    streak = [
        pm.Review(
            id=f"streak-{number + 1}",
            date=streak_start + dt.timedelta(days=offset),
            ratings=[
                pm.DomainRating(domain=domain, team=top, person=top)
                for domain in definition.framework.domain_codes
            ],
        )
        for number, offset in enumerate(range(0, span, gap))
    ]
    reviews = [r for r in pathway.reviews if not (in_first(r.date) and r.date >= streak_start)]
    incidents = [
        incident
        for incident in pathway.incidents
        if not (
            in_first(incident.date)
            and any(
                rule.resets(incident.kind, incident.severity) for rule in criteria.incident_rules
            )
        )
    ]
    ready = attrs.evolve(pathway, reviews=[*reviews, *streak], incidents=incidents)
    day = ready_from + dt.timedelta(days=_pick(draw, ready_days - 1))
    return definition, ready, day


@st.composite
def definitions_and_pathways(
    draw: st.DrawFn, **options: object
) -> tuple[pm.PathwayDefinition, pm.Pathway]:
    """A definition (built in or generated) and a valid record on it."""
    definition = draw(definitions)
    return definition, draw(pathways(definition, **options))  # type: ignore[arg-type]
