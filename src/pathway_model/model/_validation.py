"""Checks of a person's record against the pathway definition it follows."""

from __future__ import annotations

from pathway_model.errors import Problem, ValidationError, WrongTypeError
from pathway_model.model import _checks
from pathway_model.model._definition import PathwayDefinition
from pathway_model.model._record import Pathway

__all__ = ["check_pathway", "validate_pathway"]


def check_pathway(pathway: Pathway, definition: PathwayDefinition) -> tuple[Problem, ...]:
    """Return every problem with ``pathway`` as a record on ``definition``.

    The record's own checks were made when it was built; these are the checks that
    need the definition: it is the definition (id and version) the record names; every
    stage, domain and level code the record uses exists; each move between consecutive
    stays is one the definition allows (a stay may continue in the same stage with
    another provider).

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


def _code_problems(pathway: Pathway, definition: PathwayDefinition) -> list[Problem]:
    framework = definition.framework
    known_domains = frozenset(framework.domain_codes)
    # None stands for a person's level not given, which is always allowed.
    known_levels = frozenset((*framework.scale.codes, None))
    domains = f"a domain of {framework.id!r} ({', '.join(framework.domain_codes)})"
    levels = f"a level of {framework.scale.code!r} ({', '.join(framework.scale.codes)})"
    problems = [
        Problem(
            path=f"$.goals[{index}].domain", expected=domains, found=_checks.show_code(goal.domain)
        )
        for index, goal in enumerate(pathway.goals)
        if goal.domain not in known_domains
    ]
    for index, review in enumerate(pathway.reviews):
        for number, rating in enumerate(review.ratings):
            if (
                rating.domain in known_domains
                and rating.team in known_levels
                and rating.person in known_levels
            ):
                continue  # the usual case, decided without building a path
            path = f"$.reviews[{index}].ratings[{number}]"
            if rating.domain not in known_domains:
                problems.append(
                    Problem(
                        path=f"{path}.domain",
                        expected=domains,
                        found=_checks.show_code(rating.domain),
                    )
                )
            for who, level in (("team", rating.team), ("person", rating.person)):
                if level not in known_levels:
                    problems.append(
                        Problem(
                            path=f"{path}.{who}",
                            expected=levels,
                            found=_checks.show_code(str(level)),
                        )
                    )
    return problems


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
