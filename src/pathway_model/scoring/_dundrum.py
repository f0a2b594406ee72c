"""The DUNDRUM toolkit: totals, mean item scores and placement bands, one record or many.

The DUNDRUM toolkit (Kennedy et al., National Forensic Mental Health Service, Dublin)
is a published structured professional judgement toolkit in four parts:

| instrument | what it rates | items |
|---|---|---|
| DUNDRUM-1 | triage security | 11 (``d1_1`` to ``d1_11``) |
| DUNDRUM-2 | triage urgency | 6 (``d2_1`` to ``d2_6``) |
| DUNDRUM-3 | programme completion | 7 (``d3_1`` to ``d3_7``) |
| DUNDRUM-4 | recovery | 6 (``d4_1`` to ``d4_6``) |

Every item is rated 0 to 4, higher meaning more need. This module ships item codes,
short neutral labels and arithmetic only: the toolkit's item wording and anchors are
not reproduced.

Decisions, all documented in ``docs/reference/scoring-dundrum.md``:

* **Not rated.** An item may be ``None`` (not rated / not known), but by default every
  item must be rated (``min_rated`` defaults to the item count). A caller who accepts
  partial ratings lowers ``min_rated``; every score then says how many items were
  ``rated``, and gives the ``mean`` over the rated items and a ``prorated_total``
  (the mean x the item count) beside the raw ``total`` of the rated items. An item that is
  absent from a record is a problem, never taken as not rated.
* **DUNDRUM-1 placement.** The toolkit's guidance: a case that *mostly* scores 4 belongs
  in high secure care, 3 medium, 2 a PICU or acute low secure unit, 1 an open setting,
  0 the community. "Mostly" is read as the level most rated items score (the mode).
  When two or more levels tie, the **more secure** level wins. The tie rule is this
  library's heuristic, not the toolkit's; a band decided by it is flagged.
* **DUNDRUM-2/-3/-4 bands.** No numeric cut-offs are published. Bands are configurable
  [`HeuristicBands`][pathway_model.scoring.HeuristicBands] on the mean item score, and every
  band result is labelled ``heuristic=True`` with the scheme's name and source.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from enum import Enum
from typing import Any, NoReturn

import attrs

from pathway_model.catalogue._instruments import DUNDRUM_1, DUNDRUM_2, DUNDRUM_3, DUNDRUM_4
from pathway_model.errors import Problem, UnknownCodeError, ValidationError, WrongTypeError
from pathway_model.model import _seam as _checks
from pathway_model.model._seam import (
    DundrumInstrument,
    as_int,
    as_real,
    is_real,
    show_code,
    show_number,
    type_name,
)
from pathway_model.scoring._batch import (
    Batch,
    OnError,
    Scorer,
    frame_records,
    problem_texts,
    score_records,
)

__all__ = [
    "DEFAULT_D3_BANDS",
    "DEFAULT_D4_BANDS",
    "DUNDRUM_1",
    "DUNDRUM_2",
    "DUNDRUM_3",
    "DUNDRUM_4",
    "BandResult",
    "Dundrum1Score",
    "DundrumInstrument",
    "DundrumScore",
    "HeuristicBands",
    "PlacementBand",
    "score_dundrum_1",
    "score_dundrum_2",
    "score_dundrum_3",
    "score_dundrum_4",
    "score_dundrum_frame",
    "score_dundrum_records",
]

#: The lowest and highest rating of every DUNDRUM item.
_LOWEST, _HIGHEST = 0, 4

#: What a rating must be, in messages.
_RATING_EXPECTED = "a rating 0-4 (int), or None for not rated"

#: The tidy columns every batch row carries after the row number and kept fields.
_SCORE_COLUMNS = (
    "total",
    "rated",
    "mean",
    "prorated_total",
    "band",
    "band_heuristic",
    "band_scheme",
)

_ITEM_KEY = re.compile(r"d([1-4])_([0-9]+)")


# --- instruments ---------------------------------------------------------------------------


def _strs(value: Iterable[str]) -> tuple[str, ...]:
    return _checks.tuple_of(value)


def _floats(value: Iterable[float]) -> tuple[float, ...]:
    """Thresholds as floats: each real number converted, anything else left for the check."""
    items: object = _checks.tuple_of(value)
    if not isinstance(items, tuple):
        return items  # type: ignore[return-value]  # reported by the validator
    converted: list[Any] = []
    for item in items:
        number = as_real(item)
        converted.append(item if number is None else number)
    return tuple(converted)


_INSTRUMENTS = (DUNDRUM_1, DUNDRUM_2, DUNDRUM_3, DUNDRUM_4)
_BY_KEY: dict[object, DundrumInstrument] = {
    key: instrument
    for instrument in _INSTRUMENTS
    for key in (instrument.number, instrument.code, instrument.name)
}


def _instrument_of(value: object) -> DundrumInstrument:
    """Look up an instrument by itself, its number, its code or its name."""
    if isinstance(value, DundrumInstrument):
        for known in _INSTRUMENTS:
            if value == known:
                return known
        raise UnknownCodeError("DUNDRUM instrument", value.code, (i.code for i in _INSTRUMENTS))
    number = as_int(value)
    if number is not None:
        value = number
    elif not isinstance(value, str):
        raise WrongTypeError.single(
            "instrument",
            "a DUNDRUM instrument: 1-4, a code such as 'dundrum_3', or DUNDRUM_3",
            type_name(value),
        )
    found = _BY_KEY.get(value)
    if found is None:
        shown = show_code(value) if isinstance(value, str) else show_number(value)
        raise UnknownCodeError("DUNDRUM instrument", shown, (i.code for i in _INSTRUMENTS))
    return found


# --- bands ---------------------------------------------------------------------------------


class PlacementBand(Enum):
    """The DUNDRUM-1 placement a case's "mostly scores" level points to.

    Each member's value is its code; ``level`` is the item rating it stands for.
    """

    HIGH_SECURE = "high_secure"
    """Mostly 4: high secure care."""
    MEDIUM_SECURE = "medium_secure"
    """Mostly 3: medium secure care."""
    LOW_SECURE_OR_PICU = "low_secure_or_picu"
    """Mostly 2: a psychiatric intensive care unit or acute low secure unit."""
    OPEN_SETTING = "open_setting"
    """Mostly 1: an open (unlocked) hospital setting."""
    COMMUNITY = "community"
    """Mostly 0: the community."""

    @property
    def level(self) -> int:
        """The item rating (0-4) that points to this placement."""
        return _PLACEMENT_LEVEL[self]

    @classmethod
    def for_level(cls, level: int) -> PlacementBand:
        """The placement a "mostly scores" level (0-4) points to.

        Args:
            level: An item rating, 0 to 4.

        Raises:
            ValidationError: ``level`` is not a whole number from 0 to 4.
        """
        number = as_int(level)
        if number is None:
            raise WrongTypeError.single("level", "a rating 0-4 (int)", type_name(level))
        band = _PLACEMENT_BY_LEVEL.get(number)
        if band is None:
            raise ValidationError.single("level", "a rating 0-4", show_number(number))
        return band


_PLACEMENT_LEVEL = {
    PlacementBand.HIGH_SECURE: 4,
    PlacementBand.MEDIUM_SECURE: 3,
    PlacementBand.LOW_SECURE_OR_PICU: 2,
    PlacementBand.OPEN_SETTING: 1,
    PlacementBand.COMMUNITY: 0,
}

_PLACEMENT_BY_LEVEL = {level: band for band, level in _PLACEMENT_LEVEL.items()}

#: The name given to the DUNDRUM-1 placement rule in tidy rows.
_PLACEMENT_SCHEME = "DUNDRUM-1 mostly-scores placement"


@attrs.frozen(kw_only=True)
class BandResult:
    """The band a mean item score falls in under a heuristic scheme, labelled as such.

    Attributes:
        label: The band's label, e.g. ``"medium secure"``.
        position: The band's place in the scheme, from 0 (the highest-need band).
        scheme: The name of the [`HeuristicBands`][pathway_model.scoring.HeuristicBands] used.
        source: Where the scheme's thresholds come from.
        heuristic: Always ``True``: no numeric cut-offs are published for the DUNDRUM
            toolkit, so every band is a configurable heuristic.
    """

    label: str
    position: int
    scheme: str
    source: str
    heuristic: bool = attrs.field(default=True, init=False)


def _threshold_problems(path: str, values: object) -> list[Problem]:
    if not isinstance(values, tuple):
        return [Problem(path=path, expected="a sequence of numbers", found=type_name(values))]
    if not values:
        return [Problem(path=path, expected="at least one threshold", found="none")]
    problems = []
    for index, value in enumerate(values):
        where = f"{path}[{index}]"
        if not is_real(value):
            problems.append(Problem(path=where, expected="a number", found=type_name(value)))
        elif not (type(value) is float and _LOWEST < value <= _HIGHEST):
            # Only a finite real number becomes a float (see _floats).
            problems.append(
                Problem(
                    path=where,
                    expected="a mean item score above 0 and at most 4",
                    found=show_number(value),
                )
            )
    if problems:
        return problems
    return [
        Problem(
            path=f"{path}[{index}]",
            expected=f"a threshold below the one before ({values[index - 1]})",
            found=str(values[index]),
        )
        for index in range(1, len(values))
        if not values[index] < values[index - 1]
    ]


def _validate_thresholds(
    instance: HeuristicBands, attribute: attrs.Attribute[Any], value: object
) -> None:
    problems = _threshold_problems(_checks.path_of(instance, attribute), value)
    if problems:
        wrong_type = all(p.expected in ("a number", "a sequence of numbers") for p in problems)
        raise (WrongTypeError if wrong_type else ValidationError)(problems)


def _validate_labels(
    instance: HeuristicBands, attribute: attrs.Attribute[Any], value: object
) -> None:
    _checks.items_of(str, "a label (str)")(instance, attribute, value)
    assert isinstance(value, tuple)  # checked by items_of just above
    path = _checks.path_of(instance, attribute)
    problems = []
    for index, label in enumerate(value):
        if not label.strip() or len(label) > _checks.MAX_NAME_LENGTH:
            problems.append(
                Problem(
                    path=f"{path}[{index}]",
                    expected=f"a label of 1-{_checks.MAX_NAME_LENGTH} characters",
                    found=f"text of {len(label):,} characters",
                )
            )
    problems.extend(_checks.unique_codes(path, value, "label"))
    _checks.raise_problems(problems)


@attrs.frozen(kw_only=True)
class HeuristicBands:
    """A configurable heuristic: thresholds on the mean item score, each opening a band.

    No numeric cut-offs are published for the DUNDRUM toolkit; a scheme like this one
    is a local heuristic, and every [`BandResult`][pathway_model.scoring.BandResult] it gives is
    labelled ``heuristic=True`` with the scheme's ``name`` and ``source``.

    The thresholds run from the highest to the lowest. A mean item score at or above
    ``thresholds[0]`` falls in ``labels[0]``; otherwise at or above ``thresholds[1]``
    in ``labels[1]``; and so on; below the last threshold, in ``labels[-1]``. So there
    is one more label than there are thresholds.

    Attributes:
        name: A short name for the scheme, shown beside every band it gives.
        source: Where the thresholds come from (a citation, or "local service policy").
        thresholds: Mean item scores, strictly decreasing, each above 0 and at most 4.
        labels: One label per band, highest need first; unique.

    Raises:
        ValidationError: The thresholds are out of range or not strictly decreasing,
            the labels are blank or repeated, or the counts do not match.

    Examples:
        >>> bands = HeuristicBands(
        ...     name="ward review", source="local service policy (illustrative)",
        ...     thresholds=(2.0,), labels=("not yet", "consider step-down"),
        ... )
        >>> bands.band_for(1.4).label
        'consider step-down'
    """

    name: str = attrs.field(validator=_checks.name)
    source: str = attrs.field(validator=_checks.text)
    thresholds: tuple[float, ...] = attrs.field(converter=_floats, validator=_validate_thresholds)
    labels: tuple[str, ...] = attrs.field(converter=_strs, validator=_validate_labels)

    def __attrs_post_init__(self) -> None:
        if len(self.labels) != len(self.thresholds) + 1:
            raise ValidationError.single(
                "HeuristicBands.labels",
                f"{len(self.thresholds) + 1} labels (one more than the thresholds)",
                f"{len(self.labels)} labels",
            )

    def band_for(self, mean: float) -> BandResult:
        """The band a mean item score falls in.

        Args:
            mean: A mean item score, 0 to 4.

        Raises:
            ValidationError: ``mean`` is not a number from 0 to 4.
        """
        if not is_real(mean):
            raise WrongTypeError.single("mean", "a mean item score (float)", type_name(mean))
        number = as_real(mean)
        if number is None or not _LOWEST <= number <= _HIGHEST:
            raise ValidationError.single("mean", "a mean item score from 0 to 4", show_number(mean))
        position = next(
            (index for index, threshold in enumerate(self.thresholds) if number >= threshold),
            len(self.thresholds),
        )
        return BandResult(
            label=self.labels[position], position=position, scheme=self.name, source=self.source
        )


DEFAULT_D3_BANDS = HeuristicBands(
    name="DUNDRUM-3 unit-mean heuristic",
    source=(
        "heuristic from mean DUNDRUM-3 item scores by unit in O'Dwyer et al. (2011): "
        "about 3.0-3.3 acute/high secure, 2.5-2.9 medium secure, 1.9 low secure "
        "rehabilitation, 0.8 pre-discharge; not a published cut-off"
    ),
    thresholds=(3.0, 2.5, 1.5),
    labels=(
        "acute/high secure",
        "medium secure",
        "low secure rehabilitation",
        "pre-discharge/community",
    ),
)
"""The default DUNDRUM-3 bands: a heuristic, not a published cut-off.

Mean item score at least 3.0: "acute/high secure"; at least 2.5: "medium secure"; at
least 1.5: "low secure rehabilitation"; below 1.5: "pre-discharge/community". Drawn from
the mean item scores O'Dwyer et al. (2011) found by unit (about 3.0-3.3 acute/high
secure, 2.5-2.9 medium secure, 1.9 low secure rehabilitation, 0.8 pre-discharge); the
1.5 boundary between the last two is a choice, not a finding.
"""

DEFAULT_D4_BANDS = HeuristicBands(
    name="DUNDRUM-4 illustrative need bands",
    source=(
        "illustrative equal-width bands on the 0-4 item scale; no unit means or "
        "cut-offs for DUNDRUM-4 are used; not a published cut-off"
    ),
    thresholds=(3.0, 2.0, 1.0),
    labels=("high need", "moderate need", "low need", "minimal need"),
)
"""The default DUNDRUM-4 bands: illustrative only, equal-width on the 0-4 item scale.

Mean item score at least 3.0: "high need"; at least 2.0: "moderate need"; at least 1.0:
"low need"; below 1.0: "minimal need". No published figures stand behind these
thresholds: replace them with a scheme your service has agreed.
"""

_DEFAULT_BANDS: dict[int, HeuristicBands | None] = {
    1: None,
    2: None,
    3: DEFAULT_D3_BANDS,
    4: DEFAULT_D4_BANDS,
}


# --- scores --------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Dundrum1Score:
    """A DUNDRUM-1 (triage security) score and the placement its ratings point to.

    Attributes:
        instrument: Always [`DUNDRUM_1`][pathway_model.scoring.DUNDRUM_1].
        ratings: The ratings in item order, ``None`` where an item was not rated.
        total: The sum of the rated items, 0 to 44.
        rated: How many items were rated.
        mean: The mean of the rated items, 0 to 4.
        prorated_total: ``mean`` x 11: the total scaled up to all items (equal to
            ``total`` when every item was rated).
        level_counts: How many rated items scored 0, 1, 2, 3 and 4.
        mostly: The level most rated items score; on a tie, the highest tied level.
        placement_band: The placement ``mostly`` points to.
        tie_broken: Whether levels tied for "mostly", so the heuristic tie rule (the
            more secure level wins) decided the band.
    """

    instrument: DundrumInstrument = attrs.field(repr=lambda instrument: instrument.name)
    ratings: tuple[int | None, ...]
    total: int
    rated: int
    mean: float
    prorated_total: float
    level_counts: tuple[int, int, int, int, int]
    mostly: int
    placement_band: PlacementBand
    tie_broken: bool

    @property
    def complete(self) -> bool:
        """Whether every item was rated."""
        return self.rated == self.instrument.item_count


@attrs.frozen(kw_only=True)
class DundrumScore:
    """A DUNDRUM-2, -3 or -4 score: total, mean item score and an optional heuristic band.

    Attributes:
        instrument: The instrument scored.
        ratings: The ratings in item order, ``None`` where an item was not rated.
        total: The sum of the rated items, 0 to 4 x the item count.
        rated: How many items were rated.
        mean: The mean of the rated items, 0 to 4.
        prorated_total: ``mean`` x the item count: the total scaled up to all items
            (equal to ``total`` when every item was rated).
        band: The heuristic band of ``mean``, or ``None`` when no bands were asked for.
    """

    instrument: DundrumInstrument = attrs.field(repr=lambda instrument: instrument.name)
    ratings: tuple[int | None, ...]
    total: int
    rated: int
    mean: float
    prorated_total: float
    band: BandResult | None

    @property
    def complete(self) -> bool:
        """Whether every item was rated."""
        return self.rated == self.instrument.item_count


# --- reading ratings -----------------------------------------------------------------------


#: ``(field, expected, found)``, as the batch machinery takes them.
_Found = tuple[str, str, str]


class _WrongType(tuple[str, str, str]):
    """A finding of a value of the wrong type, not of a wrong value of the right type."""

    __slots__ = ()


#: Stands for an item absent from a record: a problem, unlike ``None`` (not rated).
_ABSENT = object()


def _rating_problem(code: str, value: object) -> _Found | None:
    if value is None or (type(value) is int and _LOWEST <= value <= _HIGHEST):
        return None
    if value is _ABSENT:
        return (code, _RATING_EXPECTED, "no field")
    if not is_real(value):  # not a number at all: a bool, a str, ...
        return _WrongType((code, _RATING_EXPECTED, show_number(value)))
    return (code, _RATING_EXPECTED, show_number(value))


def _whole(value: object) -> object:
    """A numpy integer as its ``int``; anything else unchanged."""
    if value is None or type(value) is int:
        return value
    number = as_int(value)
    return value if number is None else number


def _values(instrument: DundrumInstrument, items: object) -> tuple[list[object], list[_Found]]:
    """The raw values in item order, and the problems found reading them."""
    codes = instrument.item_codes
    if isinstance(items, Mapping):
        values = [items.get(code, _ABSENT) for code in codes]
        prefix = f"d{instrument.number}_"
        problems = [
            (key, f"an item {codes[0]} to {codes[-1]}", "an unknown item")
            for key in items
            if isinstance(key, str)
            and key.startswith(prefix)
            and key not in codes
            and _ITEM_KEY.fullmatch(key)
        ]
        return values, problems
    if isinstance(items, Sequence) and not isinstance(items, (str, bytes)):
        if len(items) != instrument.item_count:
            expected = f"{instrument.item_count} ratings in item order"
            return [], [("", expected, f"{len(items)} values")]
        return list(items), []
    expected = f"{instrument.name} ratings: a mapping of item code to rating, or a sequence"
    return [], [_WrongType(("", expected, type_name(items)))]


def _read(
    instrument: DundrumInstrument, items: object, min_rated: int
) -> tuple[int | None, ...] | list[_Found]:
    """The ratings in item order, or every problem with them."""
    values, problems = _values(instrument, items)
    if not values:
        return problems
    if not all(value is None or type(value) is int for value in values):
        values = [_whole(value) for value in values]
    if problems or not all(
        value is None or (type(value) is int and _LOWEST <= value <= _HIGHEST) for value in values
    ):
        problems[:0] = [
            problem
            for code, value in zip(instrument.item_codes, values, strict=True)
            if (problem := _rating_problem(code, value)) is not None
        ]
        return problems
    ratings: tuple[int | None, ...] = tuple(values)  # type: ignore[arg-type]  # checked above
    rated = sum(rating is not None for rating in ratings)
    if rated < min_rated:
        unrated = ", ".join(
            c for c, r in zip(instrument.item_codes, ratings, strict=True) if r is None
        )
        expected = (
            f"all {instrument.item_count} items rated"
            if min_rated == instrument.item_count
            else f"at least {min_rated} of {instrument.item_count} items rated"
        )
        return [("", expected, f"{rated} rated; not rated: {unrated}")]
    return ratings


def _min_rated(instrument: DundrumInstrument, min_rated: object) -> int:
    if min_rated is None:
        return instrument.item_count
    number = as_int(min_rated)
    if number is None:
        raise WrongTypeError.single(
            "min_rated", "an int, or None for all items", type_name(min_rated)
        )
    if not 1 <= number <= instrument.item_count:
        raise ValidationError.single(
            "min_rated", f"from 1 to {instrument.item_count}", show_number(number)
        )
    return number


def _bands_of(instrument: DundrumInstrument, bands: object) -> HeuristicBands | None:
    if bands is None or isinstance(bands, HeuristicBands):
        if bands is not None and instrument is DUNDRUM_1:
            raise ValidationError.single(
                "bands",
                "no bands for DUNDRUM-1: its placement follows the mostly-scores rule",
                "HeuristicBands",
            )
        return bands
    raise WrongTypeError.single("bands", "HeuristicBands or None", type_name(bands))


def _raise_single(problems: list[_Found]) -> NoReturn:
    """Raise the problems of one record, paths ``$.d3_4``; all of wrong types: WrongTypeError."""
    found = []
    for problem in problems:
        field, expected, what = problem
        path = f"$.{field}" if field else "$"
        wrong_type = isinstance(problem, _WrongType)
        found.append(Problem(path=path, expected=expected, found=what, wrong_type=wrong_type))
    raise ValidationError.of(found)


# --- arithmetic ----------------------------------------------------------------------------


def _totals(ratings: tuple[int | None, ...]) -> tuple[int, int, float]:
    given = [rating for rating in ratings if rating is not None]
    total = sum(given)
    return total, len(given), total / len(given)


def _dundrum_1(ratings: tuple[int | None, ...]) -> Dundrum1Score:
    total, rated, mean = _totals(ratings)
    counts = tuple(ratings.count(level) for level in range(_LOWEST, _HIGHEST + 1))
    most = max(counts)
    tied = [level for level, count in enumerate(counts) if count == most]
    mostly = max(tied)  # the heuristic tie rule: the more secure level wins
    return Dundrum1Score(
        instrument=DUNDRUM_1,
        ratings=ratings,
        total=total,
        rated=rated,
        mean=mean,
        prorated_total=total * DUNDRUM_1.item_count / rated,
        level_counts=counts,  # type: ignore[arg-type]  # five levels, 0 to 4
        mostly=mostly,
        placement_band=_PLACEMENT_BY_LEVEL[mostly],
        tie_broken=len(tied) > 1,
    )


def _dundrum(
    instrument: DundrumInstrument, ratings: tuple[int | None, ...], bands: HeuristicBands | None
) -> DundrumScore:
    total, rated, mean = _totals(ratings)
    return DundrumScore(
        instrument=instrument,
        ratings=ratings,
        total=total,
        rated=rated,
        mean=mean,
        prorated_total=total * instrument.item_count / rated,
        band=None if bands is None else bands.band_for(mean),
    )


def _score(
    instrument: DundrumInstrument, ratings: tuple[int | None, ...], bands: HeuristicBands | None
) -> Dundrum1Score | DundrumScore:
    if instrument is DUNDRUM_1:
        return _dundrum_1(ratings)
    return _dundrum(instrument, ratings, bands)


def _row(score: Dundrum1Score | DundrumScore) -> dict[str, Any]:
    """The tidy columns of one score (see ``_SCORE_COLUMNS``)."""
    row: dict[str, Any] = {
        "total": score.total,
        "rated": score.rated,
        "mean": score.mean,
        "prorated_total": score.prorated_total,
    }
    if isinstance(score, Dundrum1Score):
        row.update(
            band=score.placement_band.value,
            band_heuristic=score.tie_broken,
            band_scheme=_PLACEMENT_SCHEME,
        )
    elif score.band is None:
        row.update(band=None, band_heuristic=None, band_scheme=None)
    else:
        row.update(band=score.band.label, band_heuristic=True, band_scheme=score.band.scheme)
    return row


# --- single records ------------------------------------------------------------------------


def score_dundrum_1(
    items: Mapping[str, int | None] | Sequence[int | None], *, min_rated: int | None = None
) -> Dundrum1Score:
    """Score DUNDRUM-1 (triage security): total, mean item score and placement band.

    The placement band follows the toolkit's "mostly scores" guidance: the level most
    rated items score (4 high secure, 3 medium secure, 2 PICU or acute low secure,
    1 open setting, 0 community). When levels tie, the more secure level wins; this tie
    rule is a heuristic, and ``tie_broken`` says when it decided the band.

    Args:
        items: The 11 ratings: a mapping with keys ``d1_1`` to ``d1_11`` (other keys
            are ignored), or a sequence in item order. A rating is an int 0-4, or
            ``None`` for not rated.
        min_rated: How many items must be rated; ``None`` (the default) for all 11.

    Raises:
        ValidationError: A rating is missing, not an int, out of range, or too few
            items are rated; paths are ``$.d1_4`` (or ``$`` for the record as a whole).

    Examples:
        >>> score = score_dundrum_1([3, 3, 3, 3, 2, 2, 2, 2, 4, 4, 1])
        >>> score.total, score.mostly, score.placement_band.value, score.tie_broken
        (29, 3, 'medium_secure', True)
    """
    minimum = _min_rated(DUNDRUM_1, min_rated)
    ratings = _read(DUNDRUM_1, items, minimum)
    if isinstance(ratings, list):
        _raise_single(ratings)
    return _dundrum_1(ratings)


def _score_single(
    instrument: DundrumInstrument,
    items: object,
    bands: object,
    min_rated: object,
) -> DundrumScore:
    minimum = _min_rated(instrument, min_rated)
    checked = _bands_of(instrument, bands)
    ratings = _read(instrument, items, minimum)
    if isinstance(ratings, list):
        _raise_single(ratings)
    return _dundrum(instrument, ratings, checked)


def score_dundrum_2(
    items: Mapping[str, int | None] | Sequence[int | None],
    *,
    bands: HeuristicBands | None = None,
    min_rated: int | None = None,
) -> DundrumScore:
    """Score DUNDRUM-2 (triage urgency): total and mean item score.

    No bands are published or shipped for DUNDRUM-2; pass your own
    [`HeuristicBands`][pathway_model.scoring.HeuristicBands] to band the mean item score.

    Args:
        items: The 6 ratings: a mapping with keys ``d2_1`` to ``d2_6``, or a sequence
            in item order; each an int 0-4, or ``None`` for not rated.
        bands: A heuristic scheme to band the mean item score, or ``None`` for no band.
        min_rated: How many items must be rated; ``None`` (the default) for all 6.

    Raises:
        ValidationError: A rating is missing, not an int, out of range, or too few
            items are rated; paths are ``$.d2_3`` (or ``$``).

    Examples:
        >>> score_dundrum_2([4, 3, 3, 2, 1, 0]).total
        13
    """
    return _score_single(DUNDRUM_2, items, bands, min_rated)


def score_dundrum_3(
    items: Mapping[str, int | None] | Sequence[int | None],
    *,
    bands: HeuristicBands | None = DEFAULT_D3_BANDS,
    min_rated: int | None = None,
) -> DundrumScore:
    """Score DUNDRUM-3 (programme completion): total, mean item score, heuristic band.

    The band is a heuristic (no cut-offs are published): by default
    [`DEFAULT_D3_BANDS`][pathway_model.scoring.DEFAULT_D3_BANDS], drawn from the mean item
    scores by unit in O'Dwyer et al. (2011).

    Args:
        items: The 7 ratings: a mapping with keys ``d3_1`` to ``d3_7``, or a sequence
            in item order; each an int 0-4, or ``None`` for not rated.
        bands: The heuristic scheme that bands the mean item score, or ``None`` for
            no band.
        min_rated: How many items must be rated; ``None`` (the default) for all 7.

    Raises:
        ValidationError: A rating is missing, not an int, out of range, or too few
            items are rated; paths are ``$.d3_4`` (or ``$``).

    Examples:
        >>> score = score_dundrum_3([3, 3, 3, 2, 3, 3, 3])
        >>> score.total, round(score.mean, 2), score.band.label, score.band.heuristic
        (20, 2.86, 'medium secure', True)
    """
    return _score_single(DUNDRUM_3, items, bands, min_rated)


def score_dundrum_4(
    items: Mapping[str, int | None] | Sequence[int | None],
    *,
    bands: HeuristicBands | None = DEFAULT_D4_BANDS,
    min_rated: int | None = None,
) -> DundrumScore:
    """Score DUNDRUM-4 (recovery): total, mean item score, heuristic band.

    The band is a heuristic (no cut-offs are published): by default the illustrative
    [`DEFAULT_D4_BANDS`][pathway_model.scoring.DEFAULT_D4_BANDS].

    Args:
        items: The 6 ratings: a mapping with keys ``d4_1`` to ``d4_6``, or a sequence
            in item order; each an int 0-4, or ``None`` for not rated.
        bands: The heuristic scheme that bands the mean item score, or ``None`` for
            no band.
        min_rated: How many items must be rated; ``None`` (the default) for all 6.

    Raises:
        ValidationError: A rating is missing, not an int, out of range, or too few
            items are rated; paths are ``$.d4_2`` (or ``$``).

    Examples:
        >>> score = score_dundrum_4([2, 2, 1, 2, 2, 1])
        >>> score.total, score.band.label
        (10, 'low need')
    """
    return _score_single(DUNDRUM_4, items, bands, min_rated)


# --- many records --------------------------------------------------------------------------


def _scorer(instrument: DundrumInstrument, bands: HeuristicBands | None, min_rated: int) -> Scorer:
    def score(record: Mapping[str, Any]) -> dict[str, Any] | list[_Found]:
        ratings = _read(instrument, record, min_rated)
        if isinstance(ratings, list):
            return ratings
        return _row(_score(instrument, ratings, bands))

    return score


def _setup(
    instrument: object, bands: object, min_rated: object
) -> tuple[DundrumInstrument, HeuristicBands | None, int]:
    chosen = _instrument_of(instrument)
    checked = _bands_of(chosen, bands)
    if checked is None:
        checked = _DEFAULT_BANDS[chosen.number]
    return chosen, checked, _min_rated(chosen, min_rated)


def score_dundrum_records(
    records: Iterable[Mapping[str, Any]],
    *,
    instrument: int | str | DundrumInstrument,
    keep: Sequence[str] = (),
    bands: HeuristicBands | None = None,
    min_rated: int | None = None,
    on_error: OnError = "raise",
) -> Batch:
    """Score one DUNDRUM instrument for many records: one tidy row each.

    One function serves all four instruments, so the rows of each have the same
    columns: ``row`` (the record's position), the ``keep`` fields, then

    * ``total``: the sum of the rated items;
    * ``rated``: how many items were rated;
    * ``mean``: the mean item score of the rated items;
    * ``prorated_total``: ``mean`` x the item count;
    * ``band``: for DUNDRUM-1 the placement code (e.g. ``"medium_secure"``); for
      DUNDRUM-2/-3/-4 the heuristic band's label, or ``None`` without bands;
    * ``band_heuristic``: whether a heuristic decided the band: always for a
      DUNDRUM-2/-3/-4 band; for DUNDRUM-1 only when the tie rule did; ``None``
      without a band;
    * ``band_scheme``: the name of the placement rule or heuristic scheme, or ``None``.

    Each row agrees with the single-record function for its instrument.

    Args:
        records: The records, each a mapping holding the instrument's item codes
            (``d3_1`` to ``d3_7`` for DUNDRUM-3) with int ratings 0-4 or ``None``.
            Other fields are ignored unless kept.
        instrument: Which instrument: 1-4, a code such as ``"dundrum_3"``, a name such
            as ``"DUNDRUM-3"``, or the instrument itself (e.g.
            [`DUNDRUM_3`][pathway_model.scoring.DUNDRUM_3]).
        keep: Fields copied from each record to its row, e.g. an id and a date.
        bands: The heuristic scheme for DUNDRUM-2/-3/-4; ``None`` for the instrument's
            default ([`DEFAULT_D3_BANDS`][pathway_model.scoring.DEFAULT_D3_BANDS],
            [`DEFAULT_D4_BANDS`][pathway_model.scoring.DEFAULT_D4_BANDS], none for DUNDRUM-2).
            DUNDRUM-1 takes no bands.
        min_rated: How many items must be rated; ``None`` (the default) for all.
        on_error: ``"raise"`` to raise one error listing every problem, or
            ``"collect"`` to return the problems beside the valid rows.

    Raises:
        ValidationError: ``on_error="raise"`` and a record is invalid (paths
            ``$[row].d3_4``), or an argument is invalid.
        UnknownCodeError: ``instrument`` names no DUNDRUM instrument.

    Examples:
        >>> batch = score_dundrum_records(
        ...     [{"id": "A", "d4_1": 3, "d4_2": 3, "d4_3": 2, "d4_4": 3, "d4_5": 3, "d4_6": 4}],
        ...     instrument=4, keep=("id",),
        ... )
        >>> batch.rows[0]["total"], batch.rows[0]["band"]
        (18, 'high need')
    """
    chosen, checked, minimum = _setup(instrument, bands, min_rated)
    return score_records(records, _scorer(chosen, checked, minimum), keep=keep, on_error=on_error)


# --- data frames ---------------------------------------------------------------------------


def _item_columns(frame: Any, instrument: DundrumInstrument) -> list[dict[str, Any]]:
    """The frame's item columns as one record per row, each cell read by ``frame_cell``.

    Columns named like another item of the instrument (``d3_8``) are read too, so that
    the record form reports them as unknown items.
    """
    seen: set[str] = set()
    repeated: list[Problem] = []
    for name in frame.columns:
        match = _ITEM_KEY.fullmatch(name) if isinstance(name, str) else None
        if match is None or int(match[1]) != instrument.number:
            continue
        if name in seen:
            repeated.append(Problem(path=f"$.{name}", expected="one column", found="a repeat"))
            continue
        seen.add(name)
    if repeated:
        raise ValidationError(repeated)
    return frame_records(frame, sorted(seen))


_FRAME_DTYPES = {
    "total": "Int64",
    "rated": "Int64",
    "mean": "Float64",
    "prorated_total": "Float64",
    "band": "string",
    "band_heuristic": "boolean",
    "band_scheme": "string",
}


def score_dundrum_frame(
    frame: Any,
    *,
    instrument: int | str | DundrumInstrument,
    bands: HeuristicBands | None = None,
    min_rated: int | None = None,
    on_error: OnError = "raise",
) -> Any:
    """Score one DUNDRUM instrument for every row of a data frame (needs pandas).

    Reads the instrument's item columns (``d3_1`` to ``d3_7`` for DUNDRUM-3) and returns
    a new data frame with the same index and the score columns of
    [`score_dundrum_records`][pathway_model.scoring.score_dundrum_records] (``total``,
    ``rated``, ``mean``, ``prorated_total``, ``band``, ``band_heuristic``,
    ``band_scheme``), ready to ``join`` back onto the input. Other columns are ignored.

    Each cell is read as the record form reads the same value, by the convention every
    data-frame function shares (see "Data frames and records: one convention" in the
    scoring reference): a missing value (``NaN``, ``None``, ``pd.NA``) is ``None``,
    *not rated*, and a whole float such as ``3.0`` is the rating 3. Fractions,
    booleans and text are refused.

    Args:
        frame: A ``pandas.DataFrame`` with one column per item.
        instrument: Which instrument: 1-4, a code, a name, or the instrument itself.
        bands: The heuristic scheme for DUNDRUM-2/-3/-4; ``None`` for the default.
        min_rated: How many items must be rated; ``None`` (the default) for all.
        on_error: ``"raise"``: refuse the frame if any row is invalid, listing the
            first 100 problems (``$[position].d3_4``, the row's position, never its
            index label) and counting the rest. ``"collect"``: invalid rows get NA
            scores, and a ``problems`` text column says what is wrong with each
            (``""`` for a valid row).

    Returns:
        A ``pandas.DataFrame`` indexed like ``frame`` with nullable dtypes: ``Int64``
        totals, ``Float64`` means, ``string`` bands and ``boolean`` flags.

    Raises:
        ImportError: pandas is not installed.
        ValidationError: ``on_error="raise"`` and a row is invalid, or an argument is
            invalid.
        UnknownCodeError: ``instrument`` names no DUNDRUM instrument.

    Examples:
        >>> import pandas as pd
        >>> frame = pd.DataFrame({f"d3_{i}": [3, 1] for i in range(1, 8)}, index=["a", "b"])
        >>> score_dundrum_frame(frame, instrument=3)["band"].tolist()
        ['acute/high secure', 'pre-discharge/community']
    """
    import pandas as pd  # noqa: PLC0415 - an optional dependency, loaded when asked for

    if on_error not in ("raise", "collect"):
        raise WrongTypeError.single("on_error", "'raise' or 'collect'", repr(on_error)[:40])
    if not isinstance(frame, pd.DataFrame):
        raise WrongTypeError.single("frame", "a pandas DataFrame", type_name(frame))
    chosen, checked, minimum = _setup(instrument, bands, min_rated)
    records = _item_columns(frame, chosen)
    batch = score_records(records, _scorer(chosen, checked, minimum), on_error=on_error)
    size = len(frame)
    values: dict[str, list[Any]] = {column: [None] * size for column in _SCORE_COLUMNS}
    for row in batch.rows:
        for column in _SCORE_COLUMNS:
            values[column][row["row"]] = row[column]
    result = pd.DataFrame(
        {
            column: pd.array(values[column], dtype=_FRAME_DTYPES[column])
            for column in _SCORE_COLUMNS
        },
        index=frame.index,
    )
    if on_error == "collect":
        result["problems"] = pd.array(problem_texts(batch.problems, size), dtype="string")
    return result
