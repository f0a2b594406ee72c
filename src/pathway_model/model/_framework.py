"""Outcome frameworks: rating scales, levels and outcome domains."""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from pathway_model.errors import Problem, UnknownCodeError, ValidationError
from pathway_model.model import _checks

__all__ = ["OutcomeDomain", "OutcomeFramework", "RatingLevel", "RatingScale"]


@attrs.frozen(kw_only=True)
class RatingLevel:
    """One level of a rating scale, e.g. *partly met*.

    Attributes:
        code: The level's code, e.g. ``"partly_met"``.
        label: A short label for the team, e.g. ``"Partly met"``.
        rank: The level's position on its scale; higher is better.
        everyday_label: The label in everyday language for the person, e.g.
            ``"partly met"``. Defaults to ``label``.
    """

    code: str = attrs.field(validator=_checks.code)
    label: str = attrs.field(validator=_checks.name)
    rank: int = attrs.field(validator=_checks.integer())
    everyday_label: str = attrs.field(
        default=attrs.Factory(lambda self: self.label, takes_self=True), validator=_checks.name
    )


def _levels(value: Iterable[RatingLevel]) -> tuple[RatingLevel, ...]:
    return _checks.tuple_of(value)


@attrs.frozen(kw_only=True)
class RatingScale:
    """An ordered scale for judging an outcome domain, e.g. not met < partly met < met.

    Levels are given from worst to best with strictly increasing ranks.

    Attributes:
        code: The scale's code, e.g. ``"msp-attainment"``.
        name: The scale's name.
        levels: The levels, worst first; at least two, codes unique, ranks strictly increasing.

    Examples:
        >>> scale = RatingScale(
        ...     code="yes-no",
        ...     name="Yes or no",
        ...     levels=[RatingLevel(code="no", label="No", rank=0),
        ...             RatingLevel(code="yes", label="Yes", rank=1)],
        ... )
        >>> scale.at_least("yes", "no")
        True
    """

    code: str = attrs.field(validator=_checks.code)
    name: str = attrs.field(validator=_checks.name)
    levels: tuple[RatingLevel, ...] = attrs.field(
        converter=_levels, validator=_checks.items_of(RatingLevel, "a RatingLevel")
    )
    _by_code: dict[str, RatingLevel] = attrs.field(init=False, repr=False, eq=False, hash=False)

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        if len(self.levels) < 2:
            problems.append(
                Problem(
                    path="RatingScale.levels",
                    expected="at least 2 levels",
                    found=f"{len(self.levels)} level(s)",
                )
            )
        problems += _checks.unique_codes(
            "RatingScale.levels", (level.code for level in self.levels), "level code"
        )
        for index in range(1, len(self.levels)):
            before, after = self.levels[index - 1], self.levels[index]
            if after.rank <= before.rank:
                problems.append(
                    Problem(
                        path=f"RatingScale.levels[{index}].rank",
                        expected=f"a rank above {before.rank} (levels go from worst to best)",
                        found=str(after.rank),
                    )
                )
        _checks.raise_problems(problems)
        object.__setattr__(self, "_by_code", {level.code: level for level in self.levels})

    @property
    def codes(self) -> tuple[str, ...]:
        """The level codes, worst first."""
        return tuple(level.code for level in self.levels)

    @property
    def lowest(self) -> RatingLevel:
        """The worst level."""
        return self.levels[0]

    @property
    def highest(self) -> RatingLevel:
        """The best level."""
        return self.levels[-1]

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code in self._by_code

    def level(self, code: str) -> RatingLevel:
        """Return the level with ``code``.

        Raises:
            UnknownCodeError: The scale has no such level.
        """
        try:
            return self._by_code[code]
        except (KeyError, TypeError):  # TypeError: an unhashable value is no code either
            raise UnknownCodeError("rating level", str(code), self.codes) from None

    def rank(self, code: str) -> int:
        """Return the rank of the level with ``code``.

        Raises:
            UnknownCodeError: The scale has no such level.
        """
        return self.level(code).rank

    def at_least(self, actual: str, required: str) -> bool:
        """Whether level ``actual`` is at least as good as level ``required``.

        Raises:
            UnknownCodeError: Either code is not a level of this scale.
        """
        return self.rank(actual) >= self.rank(required)


@attrs.frozen(kw_only=True)
class OutcomeDomain:
    """One outcome area, e.g. *life skills*.

    Attributes:
        code: The domain's code, e.g. ``"life_skills"``.
        name: The clinical name, e.g. ``"Life skills"``.
        everyday_name: The name in everyday language for the person, e.g. ``"My life skills"``.
        description: What the domain covers (may be empty).
    """

    code: str = attrs.field(validator=_checks.code)
    name: str = attrs.field(validator=_checks.name)
    everyday_name: str = attrs.field(validator=_checks.name)
    description: str = attrs.field(default="", validator=_checks.description)


def _domains(value: Iterable[OutcomeDomain]) -> tuple[OutcomeDomain, ...]:
    return _checks.tuple_of(value)


@attrs.frozen(kw_only=True)
class OutcomeFramework:
    """An identified, versioned set of outcome domains judged on one rating scale.

    The built-in My Shared Pathway framework is
    [`MY_SHARED_PATHWAY`][pathway_model.catalogue.MY_SHARED_PATHWAY]; services can define
    their own from the same classes.

    Attributes:
        id: The framework's id, e.g. ``"my-shared-pathway"``.
        version: The framework's version, e.g. ``"1.0.0"``. Change it whenever a domain
            or a level changes, so records can say which version they were rated against.
        name: The framework's name.
        domains: The domains, in display order; at least one, codes unique.
        scale: The scale every domain is rated on.
        description: What the framework is for and where it comes from (may be empty).
    """

    id: str = attrs.field(validator=_checks.code)
    version: str = attrs.field(validator=_checks.code)
    name: str = attrs.field(validator=_checks.name)
    domains: tuple[OutcomeDomain, ...] = attrs.field(
        converter=_domains, validator=_checks.items_of(OutcomeDomain, "an OutcomeDomain")
    )
    scale: RatingScale = attrs.field(validator=_checks.instance_of(RatingScale, "a RatingScale"))
    description: str = attrs.field(default="", validator=_checks.description)
    _by_code: dict[str, OutcomeDomain] = attrs.field(init=False, repr=False, eq=False, hash=False)

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        if not self.domains:
            problems.append(
                Problem(path="OutcomeFramework.domains", expected="at least 1 domain", found="none")
            )
        problems += _checks.unique_codes(
            "OutcomeFramework.domains", (domain.code for domain in self.domains), "domain code"
        )
        if problems:
            raise ValidationError(problems)
        object.__setattr__(self, "_by_code", {domain.code: domain for domain in self.domains})

    @property
    def domain_codes(self) -> tuple[str, ...]:
        """The domain codes, in display order."""
        return tuple(domain.code for domain in self.domains)

    def domain(self, code: str) -> OutcomeDomain:
        """Return the domain with ``code``.

        Raises:
            UnknownCodeError: The framework has no such domain.
        """
        try:
            return self._by_code[code]
        except (KeyError, TypeError):  # TypeError: an unhashable value is no code either
            raise UnknownCodeError("domain", str(code), self.domain_codes) from None

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code in self._by_code
