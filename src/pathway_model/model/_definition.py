"""Pathway definitions: stages, exit criteria and the moves allowed between stages."""

from __future__ import annotations

import decimal
from collections.abc import Iterable, Mapping
from decimal import Decimal

import attrs

from pathway_model.errors import Problem, UnknownCodeError, WrongTypeError
from pathway_model.model import _checks
from pathway_model.model._enums import IncidentKind, IncidentSeverity
from pathway_model.model._framework import OutcomeFramework
from pathway_model.model._time import Period

__all__ = [
    "DomainRequirement",
    "ExitCriteria",
    "IncidentRule",
    "PathwayDefinition",
    "Stage",
    "Transition",
]


@attrs.frozen(kw_only=True)
class DomainRequirement:
    """The least level a domain must reach for a review to count towards moving on.

    Attributes:
        domain: The domain's code.
        minimum: The code of the least level that meets the requirement.
    """

    domain: str = attrs.field(validator=_checks.code)
    minimum: str = attrs.field(validator=_checks.code)


def _requirements(
    value: Iterable[DomainRequirement] | Mapping[str, str],
) -> tuple[DomainRequirement, ...]:
    if isinstance(value, Mapping):
        return tuple(DomainRequirement(domain=d, minimum=m) for d, m in value.items())
    return _checks.tuple_of(value)


def _kinds(value: Iterable[IncidentKind | str]) -> tuple[IncidentKind, ...]:
    converted: object = _checks.tuple_of(value)
    if not isinstance(converted, tuple):
        return converted  # type: ignore[return-value]  # reported by the validator
    convert = _checks.to_enum(IncidentKind)
    return tuple(convert(kind) for kind in converted)  # type: ignore[misc]  # checked below


def _severity(value: IncidentSeverity | str) -> IncidentSeverity:
    return _checks.to_enum(IncidentSeverity)(value)  # type: ignore[return-value]  # checked


@attrs.frozen(kw_only=True)
class IncidentRule:
    """Which incidents reset the clock on readiness, and for how long.

    An incident resets the clock when its kind is one of ``kinds`` and its severity is at
    least ``minimum_severity``. The person cannot be ready until ``incident_free_for``
    has passed since the last such incident in the current placement.

    A rule may not name ``restrictive_intervention``: a restrictive intervention is done
    to the person by staff, so it never resets the clock ("How readiness is decided").

    Attributes:
        kinds: The incident kinds this rule covers (at least one, no repeats, never
            ``restrictive_intervention``).
        minimum_severity: The least severity that resets the clock.
        incident_free_for: How long the person must then be free of such incidents.
    """

    kinds: tuple[IncidentKind, ...] = attrs.field(converter=_kinds)
    minimum_severity: IncidentSeverity = attrs.field(
        converter=_severity, validator=_checks.enum_member(IncidentSeverity)
    )
    incident_free_for: Period = attrs.field(validator=_checks.instance_of(Period, "a Period"))

    @kinds.validator
    def _check_kinds(
        self, attribute: attrs.Attribute[tuple[IncidentKind, ...]], value: object
    ) -> None:
        if not isinstance(value, tuple):
            raise WrongTypeError.single(
                "IncidentRule.kinds", "a sequence of incident kinds", _checks.type_name(value)
            )
        expected = "one of " + ", ".join(
            repr(kind.value) for kind in IncidentKind if not kind.done_to_person
        )
        problems = [
            Problem(
                path=f"IncidentRule.kinds[{index}]",
                expected=expected,
                found=_checks.show_code(kind) if isinstance(kind, str) else _checks.type_name(kind),
            )
            for index, kind in enumerate(value)
            if not isinstance(kind, IncidentKind)
        ]
        problems += [
            Problem(
                path=f"IncidentRule.kinds[{index}]",
                expected=(
                    "an incident kind of the person's own (a restrictive intervention is "
                    "done to the person by staff and never counts against readiness)"
                ),
                found=repr(kind.value),
            )
            for index, kind in enumerate(value)
            if isinstance(kind, IncidentKind) and kind.done_to_person
        ]
        if not value:
            problems.append(
                Problem(
                    path="IncidentRule.kinds", expected="at least 1 incident kind", found="none"
                )
            )
        problems += _checks.unique_codes(
            "IncidentRule.kinds",
            (kind.value for kind in value if isinstance(kind, IncidentKind)),
            "incident kind",
        )
        _checks.raise_problems(problems)

    def resets(self, kind: IncidentKind, severity: IncidentSeverity) -> bool:
        """Whether an incident of this kind and severity resets the clock under this rule.

        Never for a restrictive intervention, which is done to the person.
        """
        return (
            kind in self.kinds
            and not kind.done_to_person
            and severity.at_least(self.minimum_severity)
        )


def _rules(value: Iterable[IncidentRule]) -> tuple[IncidentRule, ...]:
    return _checks.tuple_of(value)


@attrs.frozen(kw_only=True)
class ExitCriteria:
    """What must hold before a person is ready to move on from a stage.

    A review *qualifies* when, for every domain named in ``requirements``, the team's
    level is at least the minimum and, if ``person_must_agree``, the person's own level is
    given and is also at least the minimum. The person is *ready* once reviews have
    qualified without a break for ``sustained_for`` and no incident that an
    ``incident_rules`` entry covers has happened within that rule's
    ``incident_free_for``. The explanation pages give the exact rule.

    Attributes:
        requirements: The least level per domain (at least one, each domain once). In
            Python a mapping ``{domain: level}`` is also accepted, kept in its order.
        sustained_for: How long reviews must keep qualifying; ``Period()`` means ready at
            the first qualifying review.
        incident_rules: The incidents that reset the clock, and for how long.
        person_must_agree: Whether the person's own level must also meet each minimum.
    """

    requirements: tuple[DomainRequirement, ...] = attrs.field(
        converter=_requirements,
        validator=_checks.items_of(DomainRequirement, "a DomainRequirement"),
    )
    sustained_for: Period = attrs.field(
        factory=Period, validator=_checks.instance_of(Period, "a Period")
    )
    incident_rules: tuple[IncidentRule, ...] = attrs.field(
        default=(),
        converter=_rules,
        validator=_checks.items_of(IncidentRule, "an IncidentRule"),
    )
    person_must_agree: bool = attrs.field(default=False, validator=_checks.boolean)

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        if not self.requirements:
            problems.append(
                Problem(
                    path="ExitCriteria.requirements",
                    expected=(
                        "at least 1 domain requirement "
                        "(leave exit_criteria unset for a stage with none)"
                    ),
                    found="none",
                )
            )
        problems += _checks.unique_codes(
            "ExitCriteria.requirements",
            (requirement.domain for requirement in self.requirements),
            "domain",
        )
        _checks.raise_problems(problems)

    @property
    def domains(self) -> tuple[str, ...]:
        """The codes of the domains the criteria name, in order."""
        return tuple(requirement.domain for requirement in self.requirements)

    def minimum_for(self, domain: str) -> str:
        """Return the least level code required for ``domain``.

        Raises:
            UnknownCodeError: The criteria do not name ``domain``.
        """
        for requirement in self.requirements:
            if requirement.domain == domain:
                return requirement.minimum
        raise UnknownCodeError("required domain", domain, self.domains)


def _money(value: Decimal | int | str | None) -> Decimal | None:
    """An amount in its one written form (``452.00`` is ``452``), when it is one.

    Anything else passes through unchanged, for `_check_money` to refuse.
    """
    raw: object = value
    if isinstance(raw, (int, str)) and not isinstance(raw, bool):
        try:
            raw = Decimal(raw)
        except decimal.InvalidOperation:
            return value  # type: ignore[return-value]  # refused by the validator
    if isinstance(raw, Decimal) and _checks.amount_problem(raw) is None:
        return _checks.canonical_amount(raw)
    return raw  # type: ignore[return-value]  # None, or refused by the validator


#: Accept exactly the amounts the JSON loader reads (see `_checks.amount_problem`).
_check_money = _checks.AmountValidator(optional=True)


@attrs.frozen(kw_only=True)
class Stage:
    """One step of a pathway, e.g. *medium secure*.

    Attributes:
        code: The stage's code, e.g. ``"medium_secure"``.
        name: The name for the team.
        everyday_name: The name in everyday language for the person, read inside
            sentences such as "You are in ..." and "The next step is ...", e.g.
            ``"a medium secure hospital"`` or ``"the community"``.
        security_rank: How restrictive the stage is; higher is more restrictive. A move
            to a stage with a lower rank is a step down.
        review_interval: How often reviews are due; ``None`` for a stage without
            scheduled reviews (e.g. after discharge).
        first_review_within: How soon after a stay begins the first review is due;
            ``None`` means one ``review_interval``.
        length_of_stay_benchmark: The expected length of a stay, if there is one.
        long_stay_after: How long a stay lasts before it counts as a long stay.
        bed_day_cost: The cost of one day in the stage, in pounds, if known: at most
            12 digits before the point and 6 after, not negative. Kept in one form, so
            ``Decimal("452.00")`` is stored and written as ``452``; a figure of more
            places (``Decimal(165000) / 365``) is refused: round it first.
        cost_is_estimate: Whether ``bed_day_cost`` is an estimate rather than a tariff.
        exit_criteria: What must hold to move on; ``None`` for a stage that is never
            "ready" to move on (e.g. the last).
        description: What the stage is (may be empty).
    """

    code: str = attrs.field(validator=_checks.code)
    name: str = attrs.field(validator=_checks.name)
    everyday_name: str = attrs.field(validator=_checks.name)
    security_rank: int = attrs.field(validator=_checks.integer(minimum=0))
    review_interval: Period | None = attrs.field(
        default=None, validator=_checks.optional_instance_of(Period, "a Period or None")
    )
    first_review_within: Period | None = attrs.field(
        default=None, validator=_checks.optional_instance_of(Period, "a Period or None")
    )
    length_of_stay_benchmark: Period | None = attrs.field(
        default=None, validator=_checks.optional_instance_of(Period, "a Period or None")
    )
    long_stay_after: Period | None = attrs.field(
        default=None, validator=_checks.optional_instance_of(Period, "a Period or None")
    )
    bed_day_cost: Decimal | None = attrs.field(
        default=None, converter=_money, validator=_check_money
    )
    cost_is_estimate: bool = attrs.field(default=True, validator=_checks.boolean)
    exit_criteria: ExitCriteria | None = attrs.field(
        default=None, validator=_checks.optional_instance_of(ExitCriteria, "ExitCriteria or None")
    )
    description: str = attrs.field(default="", validator=_checks.description)

    def __attrs_post_init__(self) -> None:
        problems = [
            Problem(
                path=f"Stage.{field}",
                expected="a period longer than zero",
                found="P0D",
            )
            for field, period in (
                ("review_interval", self.review_interval),
                ("first_review_within", self.first_review_within),
            )
            if period is not None and period.is_zero
        ]
        _checks.raise_problems(problems)

    @property
    def first_review_period(self) -> Period | None:
        """The period from the start of a stay to the first review due, if any."""
        return self.first_review_within or self.review_interval


@attrs.frozen(kw_only=True)
class Transition:
    """A move the pathway allows, from one stage to another.

    Attributes:
        from_stage: The code of the stage moved from.
        to_stage: The code of the stage moved to.
    """

    from_stage: str = attrs.field(validator=_checks.code)
    to_stage: str = attrs.field(validator=_checks.code)


def _stages(value: Iterable[Stage]) -> tuple[Stage, ...]:
    return _checks.tuple_of(value)


def _transitions(value: Iterable[Transition]) -> tuple[Transition, ...]:
    return _checks.tuple_of(value)


@attrs.frozen(kw_only=True)
class PathwayDefinition:
    """An identified, versioned pathway: ordered stages on one outcome framework.

    Built-in definitions live in [`pathway_model.catalogue`][pathway_model.catalogue];
    services can define their own from the same classes.

    Attributes:
        id: The definition's id, e.g. ``"secure-pathway"``.
        version: The definition's version. Change it whenever a stage, a criterion or a
            move changes: a person's record names the version it follows.
        name: The definition's name.
        framework: The outcome framework its exit criteria use.
        stages: The stages, most restrictive first; at least one, codes unique.
        transitions: The moves allowed between stages: step-downs, and also moves back to
            a more restrictive stage where a service allows them.
        description: What the pathway is and where it comes from (may be empty).
    """

    id: str = attrs.field(validator=_checks.code)
    version: str = attrs.field(validator=_checks.code)
    name: str = attrs.field(validator=_checks.name)
    framework: OutcomeFramework = attrs.field(
        validator=_checks.instance_of(OutcomeFramework, "an OutcomeFramework")
    )
    stages: tuple[Stage, ...] = attrs.field(
        converter=_stages, validator=_checks.items_of(Stage, "a Stage")
    )
    transitions: tuple[Transition, ...] = attrs.field(
        default=(), converter=_transitions, validator=_checks.items_of(Transition, "a Transition")
    )
    description: str = attrs.field(default="", validator=_checks.description)
    _by_code: dict[str, Stage] = attrs.field(init=False, repr=False, eq=False, hash=False)
    _moves: dict[str, tuple[Stage, ...]] = attrs.field(init=False, repr=False, eq=False, hash=False)

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        if not self.stages:
            problems.append(
                Problem(path="PathwayDefinition.stages", expected="at least 1 stage", found="none")
            )
        problems += _checks.unique_codes(
            "PathwayDefinition.stages", (stage.code for stage in self.stages), "stage code"
        )
        by_code = {stage.code: stage for stage in self.stages}
        problems += self._criteria_problems()
        problems += self._transition_problems(by_code)
        _checks.raise_problems(problems)
        moves: dict[str, list[Stage]] = {stage.code: [] for stage in self.stages}
        for transition in self.transitions:
            moves[transition.from_stage].append(by_code[transition.to_stage])
        object.__setattr__(self, "_by_code", by_code)
        object.__setattr__(self, "_moves", {code: tuple(to) for code, to in moves.items()})

    def _criteria_problems(self) -> list[Problem]:
        framework = self.framework
        problems = []
        for index, stage in enumerate(self.stages):
            if stage.exit_criteria is None:
                continue
            for number, requirement in enumerate(stage.exit_criteria.requirements):
                path = f"PathwayDefinition.stages[{index}].exit_criteria.requirements[{number}]"
                if requirement.domain not in framework:
                    problems.append(
                        Problem(
                            path=f"{path}.domain",
                            expected=f"a domain of framework {framework.id!r} "
                            f"({', '.join(framework.domain_codes)})",
                            found=_checks.show_code(requirement.domain),
                        )
                    )
                if requirement.minimum not in framework.scale:
                    problems.append(
                        Problem(
                            path=f"{path}.minimum",
                            expected=f"a level of scale {framework.scale.code!r} "
                            f"({', '.join(framework.scale.codes)})",
                            found=_checks.show_code(requirement.minimum),
                        )
                    )
        return problems

    def _transition_problems(self, by_code: Mapping[str, Stage]) -> list[Problem]:
        problems = []
        seen: set[tuple[str, str]] = set()
        known = ", ".join(by_code)
        for index, transition in enumerate(self.transitions):
            path = f"PathwayDefinition.transitions[{index}]"
            for field in ("from_stage", "to_stage"):
                stage_code = getattr(transition, field)
                if stage_code not in by_code:
                    problems.append(
                        Problem(
                            path=f"{path}.{field}",
                            expected=f"a stage of this definition ({known})",
                            found=_checks.show_code(stage_code),
                        )
                    )
            if transition.from_stage == transition.to_stage:
                problems.append(
                    Problem(
                        path=path,
                        expected="a move between two different stages",
                        found=f"a move from {transition.from_stage!r} to itself",
                    )
                )
            key = (transition.from_stage, transition.to_stage)
            if key in seen:
                problems.append(
                    Problem(path=path, expected="each move listed once", found="a repeated move")
                )
            seen.add(key)
        return problems

    @property
    def stage_codes(self) -> tuple[str, ...]:
        """The stage codes, in order."""
        return tuple(stage.code for stage in self.stages)

    def stage(self, code: str) -> Stage:
        """Return the stage with ``code``.

        Raises:
            UnknownCodeError: The definition has no such stage.
        """
        try:
            return self._by_code[code]
        except (KeyError, TypeError):  # TypeError: an unhashable value is no code either
            raise UnknownCodeError("stage", str(code), self.stage_codes) from None

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code in self._by_code

    def moves_from(self, code: str) -> tuple[Stage, ...]:
        """Return the stages a person may move to from stage ``code``, in the order listed.

        Raises:
            UnknownCodeError: The definition has no such stage.
        """
        self.stage(code)
        return self._moves[code]

    def allows(self, from_stage: str, to_stage: str) -> bool:
        """Whether the definition allows a move from ``from_stage`` to ``to_stage``.

        A stay that continues in the same stage (a transfer between providers) is always
        allowed.

        Raises:
            UnknownCodeError: Either code is not a stage of this definition.
        """
        self.stage(to_stage)
        if from_stage == to_stage:
            self.stage(from_stage)
            return True
        return any(stage.code == to_stage for stage in self.moves_from(from_stage))

    def step_down_from(self, code: str) -> Stage | None:
        """Return the next less restrictive stage the definition allows from ``code``.

        Of the allowed moves to a stage with a lower ``security_rank``, this is the one
        with the highest rank (the smallest step down); ties go to the stage listed first
        in ``stages``. ``None`` when no step down is allowed.

        Raises:
            UnknownCodeError: The definition has no such stage.
        """
        current = self.stage(code)
        order = {stage.code: index for index, stage in enumerate(self.stages)}
        downs = [
            stage for stage in self.moves_from(code) if stage.security_rank < current.security_rank
        ]
        if not downs:
            return None
        return min(downs, key=lambda stage: (-stage.security_rank, order[stage.code]))
