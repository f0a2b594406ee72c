"""Values that travel with a pathway in FHIR: instrument ratings, and what an import returns.

A [`Pathway`][pathway_model.Pathway] holds no instrument scores. An EPR that wants HoNOS or
HoNOS-secure ratings in the same Bundle passes them to
[`to_fhir`][pathway_model.fhir.to_fhir] as [`InstrumentRating`][pathway_model.fhir.InstrumentRating]
values, and [`from_fhir_with_instruments`][pathway_model.fhir.from_fhir_with_instruments] gives
them back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from pathway_model.catalogue import HONOS, HONOS_SECURE
from pathway_model.errors import Problem, ValidationError, WrongTypeError
from pathway_model.model import Pathway
from pathway_model.model import _seam as _checks
from pathway_model.model._seam import NOT_KNOWN, Instrument, show_number

__all__ = ["IGNORED_REASONS", "FhirImport", "IgnoredElement", "InstrumentRating"]

#: The instruments a FHIR export carries: those whose every scale has a SNOMED CT code
#: ("Domain facts and sources").
FHIR_INSTRUMENTS: dict[str, Instrument] = {HONOS.code: HONOS, HONOS_SECURE.code: HONOS_SECURE}
#: Scale 8 problem-type letters: A-J, and K added in 2018 ("Domain facts and sources").
PROBLEM_TYPES = tuple("ABCDEFGHIJK")
_RATING_EXPECTED = f"an integer 0-4, or {NOT_KNOWN} for not known"
_SECURITY_EXPECTED = "an integer 0-4 (a security scale has no 'not known' rating)"


def _is_fhir_instrument(value: object) -> bool:
    return isinstance(value, Instrument) and FHIR_INSTRUMENTS.get(value.code) == value


def _instrument(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not _is_fhir_instrument(value):
        raise WrongTypeError.single(
            _checks.path_of(instance, attribute), "HONOS or HONOS_SECURE", _checks.type_name(value)
        )


def _ratings(value: Iterable[int]) -> tuple[int, ...]:
    return _checks.tuple_of(value)


def _problem_8(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None or (type(value) is str and value in PROBLEM_TYPES):
        return
    found = (
        _checks.show_code(value)
        if isinstance(value, str) and len(value) <= 1
        else f"text of {len(value)} characters"
        if isinstance(value, str)
        else _checks.type_name(value)
    )
    raise ValidationError.single(
        _checks.path_of(instance, attribute), "a problem-type letter 'A'-'K', or None", found
    )


@attrs.frozen(kw_only=True)
class InstrumentRating:
    """One HoNOS or HoNOS-secure rating of the person, to export with their pathway.

    The ratings are the instrument's scales in their defined order (``h1`` ... ``h12``,
    then ``sa`` ... ``sg`` for HoNOS-secure), each 0-4, or 9 for not known on ``h1`` ...
    ``h12`` (a security scale has no "not known" rating). Build one from
    a scoring record with [`from_record`][pathway_model.fhir.InstrumentRating.from_record]; get
    the record back, for [`score_honos`][pathway_model.scoring.score_honos], from ``record``.

    Attributes:
        id: The rating's id, unique among the person's instrument ratings.
        instrument: [`HONOS`][pathway_model.scoring.HONOS] or
            [`HONOS_SECURE`][pathway_model.scoring.HONOS_SECURE].
        date: The day of the rating.
        ratings: One rating per scale, in the instrument's order.
        problem_8: Scale 8's problem-type letter, ``"A"`` ... ``"K"``, if recorded.

    Raises:
        ValidationError: A field is invalid, or the number of ratings is not the number
            of the instrument's scales.

    Examples:
        >>> import datetime as dt
        >>> import pathway_model as pm
        >>> from pathway_model import scoring
        >>> rating = InstrumentRating.from_record(
        ...     id="honos-1", instrument=scoring.HONOS, date=dt.date(2024, 3, 28),
        ...     record={f"h{n}": 2 for n in range(1, 13)},
        ... )
        >>> scoring.score_honos(rating.record).total
        24
    """

    id: str = attrs.field(validator=_checks.code)
    instrument: Instrument = attrs.field(validator=_instrument)
    date: dt.date = attrs.field(validator=_checks.date)
    ratings: tuple[int, ...] = attrs.field(converter=_ratings)
    problem_8: str | None = attrs.field(default=None, validator=_problem_8)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.ratings, tuple):
            raise WrongTypeError.single(
                "InstrumentRating.ratings",
                "a sequence of integers",
                _checks.type_name(self.ratings),
            )
        scales = self.instrument.scales
        problems = [
            Problem(
                path=f"InstrumentRating.ratings[{index}]",
                expected=_RATING_EXPECTED if allows else _SECURITY_EXPECTED,
                found=show_number(value) if type(value) is int else _checks.type_name(value),
            )
            for index, value in enumerate(self.ratings)
            # A security scale of HoNOS-secure has no "not known" rating.
            for allows in [index >= len(scales) or scales[index].allows_not_known]
            if type(value) is not int or not (0 <= value <= 4 or (allows and value == NOT_KNOWN))
        ]
        count = len(self.instrument.scales)
        if len(self.ratings) != count:
            problems.append(
                Problem(
                    path="InstrumentRating.ratings",
                    expected=f"{count} ratings, one per scale of {self.instrument.name}",
                    found=f"{len(self.ratings)} ratings",
                )
            )
        _checks.raise_problems(problems)

    @classmethod
    def from_record(
        cls,
        *,
        id: str,
        instrument: Instrument,
        date: dt.date,
        record: Mapping[str, Any],
    ) -> InstrumentRating:
        """Build a rating from a scoring record (keys ``h1`` ... and ``problem_8``).

        Args:
            id: The rating's id.
            instrument: ``HONOS`` or ``HONOS_SECURE``.
            date: The day of the rating.
            record: The ratings by scale code, and optionally ``problem_8``; other keys
                are refused, so a misspelt key is never lost on the way.

        Raises:
            ValidationError: A scale is missing, a key is unknown, or a value is invalid.
        """
        if not _is_fhir_instrument(instrument):
            raise WrongTypeError.single(
                "instrument", "HONOS or HONOS_SECURE", _checks.type_name(instrument)
            )
        if not isinstance(record, Mapping):
            raise WrongTypeError.single("record", "a mapping", _checks.type_name(record))
        known = (*instrument.codes, "problem_8")
        problems = [
            Problem(path=f"record[{code!r}]", expected="a rating", found="no key")
            for code in instrument.codes
            if code not in record
        ]
        problems += [
            Problem(
                path="record",
                expected=f"only the keys of {instrument.name} and 'problem_8'",
                found=f"an unknown key {_checks.show_code(str(key))}",
            )
            for key in record
            if key not in known
        ]
        _checks.raise_problems(problems)
        return cls(
            id=id,
            instrument=instrument,
            date=date,
            ratings=tuple(record[code] for code in instrument.codes),
            problem_8=record.get("problem_8"),
        )

    @property
    def record(self) -> dict[str, int | str]:
        """The rating as a scoring record: scale code to rating, and ``problem_8`` if set."""
        result: dict[str, int | str] = dict(zip(self.instrument.codes, self.ratings, strict=True))
        if self.problem_8 is not None:
            result["problem_8"] = self.problem_8
        return result


def _instrument_ratings(value: Iterable[InstrumentRating]) -> tuple[InstrumentRating, ...]:
    items: object = _checks.tuple_of(value)
    if not isinstance(items, tuple):
        return items  # type: ignore[return-value]  # reported by the validator
    try:
        return tuple(sorted(items, key=lambda rating: (rating.date, rating.id)))
    except (AttributeError, TypeError):
        return items  # the validator reports the wrong item


IGNORED_REASONS: dict[str, str] = {
    "resource-not-used": "a resource of a type the record does not use",
    "extension-not-ours": "an extension this library does not define",
    "element-not-mapped": "an element this library does not map",
    "contained-not-read": "a contained resource that is not the person",
}
"""Why a lenient import left something out: each reason's code, and what it means.

``resource-not-used`` (a resource of a type the record does not use),
``extension-not-ours``, ``element-not-mapped``, and ``contained-not-read`` (a contained
resource that is not the person).
"""


def _reason(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if type(value) is not str or value not in IGNORED_REASONS:
        raise ValidationError.single(
            _checks.path_of(instance, attribute),
            "one of " + ", ".join(map(repr, IGNORED_REASONS)),
            _checks.show_code(value) if isinstance(value, str) else _checks.type_name(value),
        )


def _optional_string(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and type(value) is not str:
        raise WrongTypeError.single(
            _checks.path_of(instance, attribute), "a string or None", _checks.type_name(value)
        )


def _string(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if type(value) is not str or not value:
        raise WrongTypeError.single(
            _checks.path_of(instance, attribute), "a non-empty string", _checks.type_name(value)
        )


def _element(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if type(value) is not str:
        raise WrongTypeError.single(
            _checks.path_of(instance, attribute), "a string", _checks.type_name(value)
        )


@attrs.frozen(kw_only=True)
class IgnoredElement:
    """One thing a lenient import left out of the record: where it was, and why.

    Nothing here repeats clinical text: a path, a resource type, a resource id and a
    reason code. Read the list before trusting the record as complete (hazard H-42).

    Attributes:
        path: Where it was in the Bundle, e.g. ``$.entry[4].resource`` or
            ``$.entry[1].resource.extension[0]``.
        resource_type: The type of the resource it was in, or was (``"Condition"``).
        resource_id: That resource's ``id``, or its ``fullUrl`` when it has no id, or
            ``None`` when it has neither.
        reason: One of [`IGNORED_REASONS`][pathway_model.fhir.IGNORED_REASONS]:
            ``"resource-not-used"``, ``"extension-not-ours"``, ``"element-not-mapped"``
            or ``"contained-not-read"``.
        element: What was left out inside the resource: ``""`` for the whole resource,
            else its path from the resource, e.g. ``".extension[0]"``. Unlike ``path``,
            it does not depend on where the entry is in the Bundle.
    """

    path: str = attrs.field(validator=_string)
    resource_type: str = attrs.field(validator=_string)
    resource_id: str | None = attrs.field(validator=_optional_string)
    reason: str = attrs.field(validator=_reason)
    element: str = attrs.field(default="", validator=_element)


def _ignored(value: Iterable[IgnoredElement]) -> tuple[IgnoredElement, ...]:
    items: object = _checks.tuple_of(value)
    if not isinstance(items, tuple):
        return items  # type: ignore[return-value]  # reported by the validator
    try:
        return tuple(
            sorted(
                items,
                key=lambda item: (
                    item.resource_type,
                    item.resource_id or "",
                    item.element,
                    item.reason,
                    item.path,
                ),
            )
        )
    except (AttributeError, TypeError):
        return items  # the validator reports the wrong item


@attrs.frozen(kw_only=True)
class FhirImport:
    """What a FHIR Bundle held: the person's pathway and any instrument ratings.

    Attributes:
        pathway: The person's record.
        instrument_ratings: The HoNOS and HoNOS-secure ratings, by date then id.
        ignored: What a lenient import left out, by resource type, resource id and
            element (so the same whatever the order of the entries); always empty from
            a strict import, which refuses instead.
        organisation: The organisation the Bundle's identifier systems name, or
            ``None`` when they name none.
    """

    pathway: Pathway = attrs.field(validator=_checks.instance_of(Pathway, "a Pathway"))
    instrument_ratings: tuple[InstrumentRating, ...] = attrs.field(
        default=(),
        converter=_instrument_ratings,
        validator=_checks.items_of(InstrumentRating, "an InstrumentRating"),
    )
    ignored: tuple[IgnoredElement, ...] = attrs.field(
        default=(),
        converter=_ignored,
        validator=_checks.items_of(IgnoredElement, "an IgnoredElement"),
    )
    organisation: str | None = attrs.field(default=None, validator=_optional_string)
