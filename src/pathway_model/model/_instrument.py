"""Rating instruments as data: their scales, ranges, codes and licence status.

The classes only; the built-in instruments (HoNOS, HoNOS-secure and the four DUNDRUM
instruments) are data in [`pathway_model.catalogue`][pathway_model.catalogue], and the
arithmetic on them is in [`pathway_model.scoring`][pathway_model.scoring].
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import attrs

from pathway_model.errors import Problem, UnknownCodeError, ValidationError, WrongTypeError
from pathway_model.model import _checks
from pathway_model.model._numbers import show_number

#: The rating that means "not known / not applicable" on HoNOS and HoNOS-secure scales
#: 1-12 (see "Domain facts and sources" in the docs).
NOT_KNOWN = 9

_SNOMED_CT_EXPECTED = "a SNOMED CT identifier (a string of 6-18 digits)"


def _snomed_ct(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validate an optional SNOMED CT identifier: 6-18 digits, as a string."""
    if value is None or (type(value) is str and value.isdigit() and 6 <= len(value) <= 18):
        return
    path = _checks.path_of(instance, attribute)
    if not isinstance(value, str):
        raise WrongTypeError.single(
            path, f"{_SNOMED_CT_EXPECTED} or None", _checks.type_name(value)
        )
    raise ValidationError.single(path, _SNOMED_CT_EXPECTED, _checks.show_code(value))


#: The highest rating a scale may have: ratings are small whole numbers.
_MAX_RATING = 1000


def _bound(least: int) -> Callable[[object, attrs.Attribute[Any], object], None]:
    """A validator for a scale's lowest or highest rating: an int from ``least`` to 1000."""

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if type(value) is int and least <= value <= _MAX_RATING:
            return
        path = _checks.path_of(instance, attribute)
        if isinstance(value, bool) or not isinstance(value, int):
            raise WrongTypeError.single(path, "an integer", _checks.type_name(value))
        raise ValidationError.single(
            path, f"an integer from {least} to {_MAX_RATING}", show_number(value)
        )

    return check


@attrs.frozen(kw_only=True)
class InstrumentScale:
    """One scale (item) of an instrument: its code, a short neutral label and its range.

    Labels are deliberately short and neutral: the instruments' own wording is licensed
    and is not shipped.

    Attributes:
        code: The scale's code, which is also its key in a record, e.g. ``"h3"``.
        label: A short neutral label, e.g. ``"Scale 3 (behaviour)"``.
        subscale: The code of the subscale the scale counts towards, e.g.
            ``"behaviour"`` or ``"security"``.
        snomed_ct: The SNOMED CT identifier for the scale's observation, or ``None`` if
            it has none.
        minimum: The lowest rating. Defaults to 0.
        maximum: The highest rating. Defaults to 4.
        allows_not_known: Whether the instrument's "not known" rating may be given on
            this scale. Defaults to ``True``; ``False`` for the HoNOS-secure security
            scales, which the sources rate 0-4 only.

    Raises:
        ValidationError: A field is invalid, or ``maximum`` is not above ``minimum``.
    """

    code: str = attrs.field(validator=_checks.code)
    label: str = attrs.field(validator=_checks.name)
    subscale: str = attrs.field(validator=_checks.code)
    snomed_ct: str | None = attrs.field(default=None, validator=_snomed_ct)
    minimum: int = attrs.field(default=0, validator=_bound(0))
    maximum: int = attrs.field(default=4, validator=_bound(1))
    allows_not_known: bool = attrs.field(default=True, validator=_checks.boolean)

    def __attrs_post_init__(self) -> None:
        if self.maximum <= self.minimum:
            raise ValidationError.single(
                "InstrumentScale.maximum",
                f"an integer above minimum ({show_number(self.minimum)})",
                show_number(self.maximum),
            )


def _scales(value: Iterable[InstrumentScale]) -> tuple[InstrumentScale, ...]:
    return _checks.tuple_of(value)


@attrs.frozen(kw_only=True)
class Instrument:
    """A rating instrument: its scales, and who holds its licence.

    Attributes:
        code: The instrument's code, e.g. ``"honos"``.
        name: Its name, e.g. ``"HoNOS"``.
        licence_holder: Who holds the copyright or licence.
        licence: The licence status, and what this library ships because of it.
        scales: The scales, in their defined order.
        not_known: The rating that means "not known", left out of every sum; ``None``
            if the instrument has none. Only scales that allow it
            (``InstrumentScale.allows_not_known``) may be rated so.

    Raises:
        ValidationError: A field is invalid, or two scales share a code.

    Examples:
        >>> from pathway_model.catalogue import HONOS, HONOS_SECURE
        >>> HONOS.scale("h8").subscale
        'symptoms'
        >>> len(HONOS_SECURE.scales)
        19
    """

    code: str = attrs.field(validator=_checks.code)
    name: str = attrs.field(validator=_checks.name)
    licence_holder: str = attrs.field(validator=_checks.name)
    licence: str = attrs.field(validator=_checks.text)
    scales: tuple[InstrumentScale, ...] = attrs.field(
        converter=_scales, validator=_checks.items_of(InstrumentScale, "an InstrumentScale")
    )
    not_known: int | None = attrs.field(default=None)

    def __attrs_post_init__(self) -> None:
        problems = _checks.unique_codes("Instrument.scales", self.codes, "scale code")
        if self.not_known is not None and (
            type(self.not_known) is not int
            or any(s.minimum <= self.not_known <= s.maximum for s in self.scales)
        ):
            problems.append(
                Problem(
                    path="Instrument.not_known",
                    expected="None, or an integer outside every scale's range",
                    found=show_number(self.not_known)
                    if type(self.not_known) is int
                    else _checks.type_name(self.not_known),
                )
            )
        _checks.raise_problems(problems)

    @property
    def codes(self) -> tuple[str, ...]:
        """The scale codes in their defined order (the keys of a record)."""
        return tuple(scale.code for scale in self.scales)

    def scale(self, code: str) -> InstrumentScale:
        """Return the scale with this code.

        Args:
            code: A scale code, e.g. ``"h3"``.

        Raises:
            UnknownCodeError: No scale has this code.
        """
        for scale in self.scales:
            if scale.code == code:
                return scale
        raise UnknownCodeError("scale", code, self.codes)


#: The lowest and highest rating of every DUNDRUM item.
_DUNDRUM_LOWEST, _DUNDRUM_HIGHEST = 0, 4

_DUNDRUM_LICENCE = "published toolkit; item wording not reproduced"
_DUNDRUM_ATTRIBUTION = (
    "DUNDRUM toolkit: Kennedy H.G. et al., National Forensic Mental Health Service, Dublin"
)


def _strs(value: Iterable[str]) -> tuple[str, ...]:
    return _checks.tuple_of(value)


@attrs.frozen(kw_only=True)
class DundrumInstrument:
    """One instrument of the DUNDRUM toolkit: its codes and licence status, never its wording.

    Attributes:
        number: The instrument's number, 1 to 4.
        code: Its code, e.g. ``"dundrum_3"``.
        name: Its short name, e.g. ``"DUNDRUM-3"``.
        title: A short neutral label for what it rates, e.g. ``"programme completion"``.
        item_codes: The codes of its items in order, e.g. ``("d3_1", ..., "d3_7")``;
            these are the record keys and data-frame columns the scoring functions read.
        licence: The licence status: a published toolkit whose item wording is not
            reproduced here.
        attribution: Whose toolkit it is.

    Examples:
        >>> from pathway_model.catalogue import DUNDRUM_3
        >>> DUNDRUM_3.item_count, DUNDRUM_3.item_codes[0]
        (7, 'd3_1')
    """

    number: int = attrs.field(validator=_checks.integer(minimum=1))
    code: str = attrs.field(validator=_checks.code)
    name: str = attrs.field(validator=_checks.name)
    title: str = attrs.field(validator=_checks.name)
    item_codes: tuple[str, ...] = attrs.field(
        converter=_strs, validator=_checks.items_of(str, "an item code (str)")
    )
    licence: str = attrs.field(default=_DUNDRUM_LICENCE, validator=_checks.name)
    attribution: str = attrs.field(default=_DUNDRUM_ATTRIBUTION, validator=_checks.name)

    @property
    def item_count(self) -> int:
        """The number of items."""
        return len(self.item_codes)

    @property
    def lowest_total(self) -> int:
        """The lowest possible total: 0."""
        return _DUNDRUM_LOWEST * self.item_count

    @property
    def highest_total(self) -> int:
        """The highest possible total: 4 x the item count."""
        return _DUNDRUM_HIGHEST * self.item_count
