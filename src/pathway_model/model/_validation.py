"""Checks of a person's record against the pathway definition it follows."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator

from pathway_model.errors import Problem, UnknownCodeError, ValidationError, WrongTypeError
from pathway_model.model import _checks
from pathway_model.model._definition import PathwayDefinition
from pathway_model.model._record import Incident, Pathway, Review

__all__ = ["check_pathway", "validate_pathway"]


def check_pathway(pathway: Pathway, definition: PathwayDefinition) -> tuple[Problem, ...]:
    """Return every problem with ``pathway`` as a record on ``definition``.

    The record's own checks were made when it was built; these are the checks that
    need the definition: it is the definition (id and version) the record names; every
    stage, domain and level code the record uses exists; each move between consecutive
    stays is one the definition allows (a stay may continue in the same stage with
    another provider). It also names each review and incident dated in a gap between
    two stays: the record accepts them, but no stay's rules judge them (see "How
    readiness is decided").

    Args:
        pathway: The person's record.
        definition: The pathway definition it should follow.

    Returns:
        The problems found, with JSON-style paths into the record; empty when it is valid.

    Raises:
        WrongTypeError: ``pathway`` or ``definition`` is of the wrong type.
    """
    if not isinstance(pathway, Pathway):
        raise WrongTypeError.single("pathway", "a Pathway", _checks.type_name(pathway))
    if not isinstance(definition, PathwayDefinition):
        raise WrongTypeError.single(
            "definition", "a PathwayDefinition", _checks.type_name(definition)
        )
    problems: list[Problem] = []
    if pathway.definition_id != definition.id:
        problems.append(
            Problem(
                path="$.definition_id",
                expected=f"{definition.id!r}, the definition checked against",
                found=_checks.show_code(pathway.definition_id),
            )
        )
    if pathway.definition_version != definition.version:
        problems.append(
            Problem(
                path="$.definition_version",
                expected=f"{definition.version!r}, the version checked against",
                found=_checks.show_code(pathway.definition_version),
            )
        )
    problems += _placement_problems(pathway, definition)
    problems += _code_problems(pathway, definition)
    problems += _event_problems(pathway)
    return tuple(problems)


def _placement_problems(pathway: Pathway, definition: PathwayDefinition) -> list[Problem]:
    problems = []
    stages = ", ".join(definition.stage_codes)
    for index, placement in enumerate(pathway.placements):
        if placement.stage not in definition:
            problems.append(
                Problem(
                    path=f"$.placements[{index}].stage",
                    expected=f"a stage of {definition.id!r} ({stages})",
                    found=_checks.show_code(placement.stage),
                )
            )
            continue
        if index == 0:
            continue
        before = pathway.placements[index - 1]
        if before.stage in definition and not definition.allows(before.stage, placement.stage):
            allowed = (
                ", ".join(stage.code for stage in definition.moves_from(before.stage)) or "none"
            )
            problems.append(
                Problem(
                    path=f"$.placements[{index}].stage",
                    expected=f"a move the definition allows from {before.stage!r} ({allowed})",
                    found=_checks.show_code(placement.stage),
                )
            )
    return problems


#: What an unknown code is, by the kind ``unknown_codes`` gives it.
_STAGE, _DOMAIN, _LEVEL = "stage", "domain", "level"


def unknown_codes(
    pathway: Pathway, definition: PathwayDefinition, *, stages: bool = True
) -> Iterator[tuple[str, str, str]]:
    """Yield each stage, domain and level code of ``pathway`` that ``definition`` lacks.

    One pass over the record, in its canonical order: placements, goals, then each
    review's ratings. Each item is ``(path, kind, code)``, with ``kind`` one of
    ``"stage"``, ``"domain"`` and ``"level"``. A person's level not given is never
    unknown. The usual case, a record whose codes are all known, builds no path.

    Args:
        pathway: The person's record.
        definition: The definition it should follow.
        stages: Whether to look at the placements' stages too.
    """
    if stages:
        for index, placement in enumerate(pathway.placements):
            if placement.stage not in definition:
                yield f"$.placements[{index}].stage", _STAGE, placement.stage
    framework = definition.framework
    domains = frozenset(framework.domain_codes)
    levels = frozenset(framework.scale.codes)
    for index, goal in enumerate(pathway.goals):
        if goal.domain not in domains:
            yield f"$.goals[{index}].domain", _DOMAIN, goal.domain
    if _ratings_known(pathway.reviews, domains, levels | {None}):
        return  # the usual case, decided in one plain pass without building a path
    for index, review in enumerate(pathway.reviews):
        for number, rating in enumerate(review.ratings):
            path = f"$.reviews[{index}].ratings[{number}]"
            if rating.domain not in domains:
                yield f"{path}.domain", _DOMAIN, rating.domain
            if rating.team not in levels:
                yield f"{path}.team", _LEVEL, rating.team
            if rating.person is not None and rating.person not in levels:
                yield f"{path}.person", _LEVEL, rating.person


def _ratings_known(
    reviews: tuple[Review, ...], domains: frozenset[str], levels: frozenset[str | None]
) -> bool:
    """Whether every rating's domain and levels are known (``None`` in ``levels``: not given)."""
    for review in reviews:
        for rating in review.ratings:
            if rating.domain in domains and rating.team in levels and rating.person in levels:
                continue
            return False
    return True


def _known(definition: PathwayDefinition, kind: str) -> tuple[str, ...]:
    framework = definition.framework
    if kind == _STAGE:
        return definition.stage_codes
    return framework.domain_codes if kind == _DOMAIN else framework.scale.codes


def _code_problems(pathway: Pathway, definition: PathwayDefinition) -> list[Problem]:
    framework = definition.framework
    expected = {
        _DOMAIN: f"a domain of {framework.id!r} ({', '.join(framework.domain_codes)})",
        _LEVEL: f"a level of {framework.scale.code!r} ({', '.join(framework.scale.codes)})",
    }
    return [
        Problem(path=path, expected=expected[kind], found=_checks.show_code(code))
        for path, kind, code in unknown_codes(pathway, definition, stages=False)
    ]


def refuse_unknown_codes(pathway: Pathway, definition: PathwayDefinition, *, at: str = "$") -> None:
    """Raise for the first code of ``pathway`` that ``definition`` lacks, naming its path.

    The rules call this once a call, before deciding anything: a rating of a misspelt
    domain must stop the decision, not be read as a domain left unrated. ``at`` is the
    record's own path, e.g. ``$[3]`` for the fourth record of a cohort.

    Raises:
        UnknownCodeError: A stage, domain or level code of the record is not in the
            definition; its ``path`` says where.
    """
    for path, kind, code in unknown_codes(pathway, definition):
        raise UnknownCodeError(
            kind,
            code,
            _known(definition, kind),
            path=at + path[1:],
            hint="check_pathway() lists every problem with the record",
        )


def _gaps(pathway: Pathway) -> list[tuple[dt.date, dt.date]]:
    """Each gap between two stays, as its first day and the day the next stay begins."""
    return [
        (before.end, after.start)
        for before, after in itertools.pairwise(pathway.placements)
        if before.end is not None and before.end < after.start
    ]


def _event_problems(pathway: Pathway) -> list[Problem]:
    """Reviews and incidents dated in a gap between two stays: no stay's rules judge them.

    The record's own checks refuse events before the first stay or after the last; an
    event between two stays is within the record yet outside every stay.
    """
    gaps = _gaps(pathway)
    if not gaps:
        return []  # the usual case: stays follow on, so every event is inside one
    problems = []
    for field in ("reviews", "incidents"):
        events: tuple[Review | Incident, ...] = getattr(pathway, field)
        for index, event in enumerate(events):
            for first, following in gaps:
                if first <= event.date < following:
                    last = following - dt.timedelta(days=1)
                    problems.append(
                        Problem(
                            path=f"$.{field}[{index}].date",
                            expected=(
                                f"a date inside a stay (no stay covers {first.isoformat()} "
                                f"to {last.isoformat()})"
                            ),
                            found=event.date.isoformat(),
                        )
                    )
                    break
    return problems


def outside_stays(pathway: Pathway, until: dt.date) -> int:
    """Count the reviews and incidents dated on or before ``until`` that no stay covers.

    The record's own checks keep every event within the record, so these are the events
    dated in a gap between two stays.
    """
    gaps = [(first, following) for first, following in _gaps(pathway) if first <= until]
    if not gaps:
        return 0
    return sum(
        1
        for events in (pathway.reviews, pathway.incidents)
        for event in events
        if event.date <= until and any(first <= event.date < end for first, end in gaps)
    )


def validate_pathway(pathway: Pathway, definition: PathwayDefinition) -> Pathway:
    """Check ``pathway`` against ``definition`` and return it, or raise listing every problem.

    Args:
        pathway: The person's record.
        definition: The pathway definition it should follow.

    Returns:
        ``pathway`` itself, so the call can wrap a constructor.

    Raises:
        ValidationError: One error that lists every problem
            [`check_pathway`][pathway_model.check_pathway] finds.
    """
    problems = check_pathway(pathway, definition)
    if problems:
        raise ValidationError(problems)
    return pathway
