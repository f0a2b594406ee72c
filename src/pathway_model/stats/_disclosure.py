"""Disclosure control: suppressing and rounding small numbers before they are published.

A published table must not let anyone pick out a person. NHS England's rule for MHSDS
publications suppresses counts below 5 and rounds the others to the nearest 5, hides a
percentage whose numerator is hidden, hides a restraint rate when its bed days are
under 100, and leaves England's totals alone. Here that rule is a value,
`MHSDS_SUPPRESSION`, and any other rule a `SuppressionPolicy` of the same form. A policy
never acts silently: every cell it has seen names it, and every cell it hid says why.
Applying a policy to its own output changes nothing, and no cell it publishes shows a
count below its threshold. The national rule and its sources are on the docs page
"Domain facts and sources", section "Statistical methods".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum

import attrs

from pathway_model.errors import ValidationError, WrongTypeError
from pathway_model.model._seam import show_code, show_number, type_name
from pathway_model.stats._support import real, whole

__all__ = [
    "MHSDS_SUPPRESSION",
    "Cell",
    "CellKind",
    "SuppressionPolicy",
    "SuppressionReason",
]


class CellKind(Enum):
    """What a published figure is."""

    COUNT = "count"
    """A count of people or events."""
    PERCENTAGE = "percentage"
    """A percentage: a count out of a count of people, times 100."""
    RATE = "rate"
    """A rate: a count per unit of exposure (such as per 1,000 bed days)."""


class SuppressionReason(Enum):
    """Why a cell was suppressed."""

    COUNT_BELOW_THRESHOLD = "count_below_threshold"
    """The count is below the policy's threshold."""
    NUMERATOR_BELOW_THRESHOLD = "numerator_below_threshold"
    """The count a percentage or rate is made from is below the threshold."""
    DENOMINATOR_BELOW_THRESHOLD = "denominator_below_threshold"
    """The count of people a percentage is out of is below the threshold, or below the
    policy's smallest denominator."""
    EXPOSURE_BELOW_MINIMUM = "exposure_below_minimum"
    """The exposure a rate is per (such as bed days) is below the policy's minimum."""


@attrs.frozen(kw_only=True)
class Cell:
    """One published figure, and what disclosure control did to it.

    Build one with `Cell.count`, `Cell.percentage` or `Cell.rate` from the raw numbers,
    then protect it with a `SuppressionPolicy`. A suppressed cell holds no numbers at
    all: only its kind, the flag, the reason and the policy.

    Attributes:
        kind: What the figure is.
        value: The figure (a count, a percentage or a rate); ``None`` when suppressed.
        numerator: For a percentage or rate, the count it is made from; ``None`` for a
            count, or when suppressed.
        denominator: For a percentage, the count of people it is out of; for a rate, the
            exposure (such as bed days); ``None`` for a count, or when suppressed.
        per: For a rate, what it is per (1000 for per 1,000 bed days); else ``None``.
        suppressed: Whether the figure is hidden.
        reason: Why it is hidden; ``None`` when it is not.
        policy: The name of the policy that protected it; ``None`` while it is raw.
        decimals: For a percentage or rate protected by a policy, the decimal places it
            was rounded to.

    Examples:
        >>> cell = MHSDS_SUPPRESSION.apply(Cell.percentage(3, 40))
        >>> cell.shown, cell.reason.value
        ('*', 'numerator_below_threshold')
        >>> MHSDS_SUPPRESSION.apply(Cell.count(12)).shown
        '10'
    """

    kind: CellKind
    value: int | float | None
    numerator: int | None = None
    denominator: int | float | None = None
    per: float | None = None
    suppressed: bool = False
    reason: SuppressionReason | None = None
    policy: str | None = None
    decimals: int | None = None

    def __attrs_post_init__(self) -> None:
        _check_cell(self)

    @classmethod
    def count(cls, count: int) -> Cell:
        """A raw count (whole, at least 0).

        Raises:
            ValidationError: The count is negative.
            WrongTypeError: It is not a whole number.
        """
        return cls(kind=CellKind.COUNT, value=whole(count, "count"))

    @classmethod
    def percentage(cls, numerator: int, denominator: int) -> Cell:
        """A raw percentage: ``numerator`` out of ``denominator`` people, times 100.

        Raises:
            ValidationError: A count is negative, the denominator is 0, or the numerator
                exceeds it.
            WrongTypeError: A count is not a whole number.
        """
        top = whole(numerator, "numerator")
        bottom = whole(denominator, "denominator", minimum=1)
        if top > bottom:
            raise ValidationError.single(
                "numerator", f"at most the denominator ({bottom:,})", show_number(numerator)
            )
        return cls(
            kind=CellKind.PERCENTAGE, value=100 * top / bottom, numerator=top, denominator=bottom
        )

    @classmethod
    def rate(cls, count: int, exposure: float, *, per: float = 1000.0) -> Cell:
        """A raw rate: ``count`` per ``exposure`` (such as bed days), times ``per``.

        Raises:
            ValidationError: The count is negative, or the exposure or ``per`` not above 0.
            WrongTypeError: The count is not a whole number, or the exposure not a number.
        """
        events = whole(count, "count")
        days = real(exposure, "exposure", above=0)
        scale = real(per, "per", above=0)
        return cls(
            kind=CellKind.RATE,
            value=events / days * scale,
            numerator=events,
            denominator=days,
            per=scale,
        )

    @property
    def shown(self) -> str:
        """The figure as published: the policy's marker (``*``) when suppressed."""
        if self.suppressed or self.value is None:
            return "*"
        if self.kind is CellKind.COUNT:
            return str(self.value)
        if self.decimals is None:
            return repr(float(self.value))
        return f"{self.value:.{self.decimals}f}"


def _check_cell(cell: Cell) -> None:
    """Check that a cell's fields fit its kind: the figures it holds, or a reason it holds none."""
    kind: object = cell.kind
    if not isinstance(kind, CellKind):
        raise WrongTypeError.single("Cell.kind", "a CellKind", type_name(kind))
    if cell.suppressed:
        if (cell.value, cell.numerator, cell.denominator) != (None, None, None):
            raise ValidationError.single(
                "Cell.value", "no figures in a suppressed cell", "a figure"
            )
        if not isinstance(cell.reason, SuppressionReason):
            raise ValidationError.single(
                "Cell.reason", "a SuppressionReason for a suppressed cell", type_name(cell.reason)
            )
        return
    if cell.reason is not None:
        raise ValidationError.single(
            "Cell.reason", "no reason for a cell that is not suppressed", type_name(cell.reason)
        )
    if cell.kind is CellKind.COUNT:
        whole(cell.value, "Cell.value")
        for path, value in (
            ("Cell.numerator", cell.numerator),
            ("Cell.denominator", cell.denominator),
        ):
            if value is not None:
                raise ValidationError.single(path, "no value for a count", show_number(value))
        return
    real(cell.value, "Cell.value", minimum=0)
    whole(cell.numerator, "Cell.numerator")
    if cell.kind is CellKind.PERCENTAGE:
        whole(cell.denominator, "Cell.denominator", minimum=1)
    else:
        real(cell.denominator, "Cell.denominator", above=0)
        real(cell.per, "Cell.per", above=0)


def _round_half_up(value: float, decimals: int) -> float:
    """Round as a spreadsheet does (half away from zero), on the number as it prints."""
    step = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(float(value))).quantize(step, rounding=ROUND_HALF_UP))


def _unit_names(units: Iterable[str]) -> frozenset[str]:
    """The exempt units, as a frozen set (any iterable of names is accepted)."""
    return frozenset(units)


@attrs.frozen(kw_only=True)
class SuppressionPolicy:
    """A rule for protecting published figures: which to hide, and how to round the rest.

    A policy is applied cell by cell (`apply`) or to a row of named cells (`apply_all`).
    Counts below ``threshold`` are suppressed; other counts are rounded to the nearest
    ``rounding_base`` (halves up). A percentage is suppressed with its numerator, and when
    its denominator is below the threshold or ``min_denominator``; a rate when its count
    is below the threshold or its exposure below ``min_exposure``. Shown percentages and
    rates are rounded to ``decimals`` places. Units in ``exempt`` (England's totals) are
    published as they are. The policy is checked when built, so that a rounded count can
    never fall below the threshold (nor a rounded denominator below ``min_denominator``).
    The national rule this generalises, and its sources: "Domain facts and sources",
    section "Statistical methods".

    Attributes:
        name: The policy's name, recorded on every cell it protects.
        threshold: Counts below this are suppressed (5 for MHSDS).
        rounding_base: Other counts are rounded to the nearest multiple of this (5 for
            MHSDS); 1 leaves them as they are.
        min_denominator: Percentages out of fewer people than this are suppressed (0:
            only the threshold applies).
        min_exposure: Rates per less exposure than this are suppressed (100 bed days for
            MHSDS restraint rates).
        decimals: The decimal places percentages and rates are shown to (0 for MHSDS).
        exempt: Units never suppressed nor rounded (``"England"`` for MHSDS).

    Examples:
        >>> policy = SuppressionPolicy(name="local", threshold=10, rounding_base=10)
        >>> [policy.apply(Cell.count(n)).shown for n in (9, 10, 14, 15)]
        ['*', '10', '10', '20']
    """

    name: str = attrs.field()
    threshold: int = 5
    rounding_base: int = 5
    min_denominator: int = 0
    min_exposure: float = 0.0
    decimals: int = 0
    exempt: frozenset[str] = attrs.field(default=frozenset(), converter=_unit_names)

    def __attrs_post_init__(self) -> None:
        name: object = self.name
        if not isinstance(name, str) or not name:
            raise ValidationError.single(
                "SuppressionPolicy.name", "a name (non-empty str)", type_name(name)
            )
        whole(self.threshold, "SuppressionPolicy.threshold", minimum=1)
        whole(self.rounding_base, "SuppressionPolicy.rounding_base", minimum=1)
        whole(self.min_denominator, "SuppressionPolicy.min_denominator")
        whole(self.decimals, "SuppressionPolicy.decimals")
        real(self.min_exposure, "SuppressionPolicy.min_exposure", minimum=0)
        for path, least in (
            ("SuppressionPolicy.threshold", self.threshold),
            ("SuppressionPolicy.min_denominator", self.min_denominator),
        ):
            if _round_count(least, self.rounding_base) < least:
                raise ValidationError.single(
                    "SuppressionPolicy.rounding_base",
                    f"a base that never rounds a count of {least} or more below {least} "
                    f"(the {path.rpartition('.')[2]})",
                    show_number(self.rounding_base),
                )
        units: frozenset[object] = frozenset(self.exempt)
        for unit in units:
            if not isinstance(unit, str):
                raise ValidationError.single(
                    "SuppressionPolicy.exempt", "unit names (str)", type_name(unit)
                )

    def apply(self, cell: Cell, *, unit: str | None = None) -> Cell:
        """Protect one cell; a cell this or another policy has protected is protected again.

        Args:
            cell: The cell, raw or already protected.
            unit: The unit the cell belongs to (a provider, or ``"England"``); a unit in
                ``exempt`` is published as it is.

        Returns:
            The cell as it may be published, naming this policy. Applying the policy to
            it again returns an equal cell.

        Raises:
            WrongTypeError: ``cell`` is not a `Cell`.
        """
        given: object = cell
        if not isinstance(given, Cell):
            raise WrongTypeError.single("cell", "a Cell", type_name(given))
        if cell.suppressed:
            return attrs.evolve(cell, policy=self.name)
        if unit is not None and unit in self.exempt:
            return attrs.evolve(cell, policy=self.name)
        reason = self._reason(cell)
        if reason is not None:
            return Cell(
                kind=cell.kind, value=None, suppressed=True, reason=reason, policy=self.name
            )
        if cell.kind is CellKind.COUNT:
            return attrs.evolve(
                cell, value=_round_count(_whole(cell.value), self.rounding_base), policy=self.name
            )
        denominator = cell.denominator
        if cell.kind is CellKind.PERCENTAGE:
            denominator = _round_count(_whole(denominator), self.rounding_base)
        return attrs.evolve(
            cell,
            value=_round_half_up(_number(cell.value), self.decimals),
            numerator=None
            if cell.numerator is None
            else _round_count(cell.numerator, self.rounding_base),
            denominator=denominator,
            policy=self.name,
            decimals=self.decimals,
        )

    def apply_all(self, cells: Mapping[str, Cell], *, unit: str | None = None) -> dict[str, Cell]:
        """Protect a row of named cells (one unit's figures), keeping the names.

        Args:
            cells: The cells by name, such as ``{"people": ..., "ready_share": ...}``.
            unit: The unit the row belongs to; see `apply`.

        Raises:
            WrongTypeError: A value is not a `Cell`, or a name not text.
        """
        protected: dict[str, Cell] = {}
        entries: list[tuple[object, object]] = list(cells.items())
        for name, cell in entries:
            if not isinstance(name, str):
                raise WrongTypeError.single("cells", "names (str)", type_name(name))
            if not isinstance(cell, Cell):
                raise WrongTypeError.single(f"cells[{show_code(name)}]", "a Cell", type_name(cell))
            protected[name] = self.apply(cell, unit=unit)
        return protected

    def _reason(self, cell: Cell) -> SuppressionReason | None:
        if cell.kind is CellKind.COUNT:
            below = _whole(cell.value) < self.threshold
            return SuppressionReason.COUNT_BELOW_THRESHOLD if below else None
        if cell.numerator is not None and cell.numerator < self.threshold:
            return SuppressionReason.NUMERATOR_BELOW_THRESHOLD
        denominator = cell.denominator
        if denominator is None:
            return None
        smallest = max(self.threshold, self.min_denominator)
        if cell.kind is CellKind.PERCENTAGE and denominator < smallest:
            return SuppressionReason.DENOMINATOR_BELOW_THRESHOLD
        if cell.kind is CellKind.RATE and not denominator >= self.min_exposure:
            return SuppressionReason.EXPOSURE_BELOW_MINIMUM
        return None


def _whole(value: object) -> int:
    """A figure a checked cell holds as a whole number."""
    return whole(value, "Cell.value")


def _number(value: object) -> float:
    """A figure a checked cell holds as a number."""
    return real(value, "Cell.value")


def _round_count(count: int, base: int) -> int:
    """``count`` to the nearest multiple of ``base``, halves up (``5 * round(x / 5)``)."""
    return (2 * count + base) // (2 * base) * base


MHSDS_SUPPRESSION = SuppressionPolicy(
    name="mhsds",
    threshold=5,
    rounding_base=5,
    min_exposure=100.0,
    decimals=0,
    exempt=frozenset({"England"}),
)
"""NHS England's rule for MHSDS publications.

Below England, counts of 0 to 4 are suppressed (``*``) and other counts rounded to the
nearest 5; a percentage is suppressed when its numerator is, else shown to 0 decimal
places; restraint rates are suppressed when their bed days are under 100 (or their
count under 5); England's totals are neither rounded nor suppressed. Sources: "Domain
facts and sources", section "Statistical methods".
"""
