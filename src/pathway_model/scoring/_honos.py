"""HoNOS and HoNOS-secure: totals, subscales, completeness, paired-item and reliable change.

The arithmetic follows "Scoring: HoNOS and HoNOS-secure", whose facts are listed on
"Domain facts and sources":

- HoNOS (working-age adults) has 12 scales, each rated 0-4; **9 means not known** and is
  left out of every sum. Total 0-48; subscales behaviour (scales 1-3, 0-12), impairment
  (4-5, 0-8), symptoms (6-8, 0-12) and social (9-12, 0-16).
- An assessment is **complete** only when all 12 scales are rated 0-4 (the rule NHS
  analysis uses).
- HoNOS-secure adds 7 security scales A-G, each rated 0-4 with their own total (0-28).
  The sources give the security scales no "not known" rating: they are rated
  0-4 only, and the Mental Health Services Data Set counts a score valid only within 0-4. So a
  9 is refused there (see "Domain facts and sources" in the docs).
- Reliable change on the total is about 8 points (Parabiaghi et al. 2005: an 8-point
  change was needed to be confident a real change had occurred); paired-item change
  calls 0-2 low and 3-4 high (Crawford et al. 2017; the CDU ``honos`` R package).

HoNOS and HoNOS-secure are © Royal College of Psychiatrists. This module ships codes,
short neutral labels and arithmetic only — never glossary or anchor wording.

A record is a mapping whose keys are the scale codes: ``h1`` … ``h12`` for HoNOS, plus
``sa`` … ``sg`` for the security scales of HoNOS-secure, and optionally ``problem_8`` (the
scale-8 problem-type letter, ``"A"`` … ``"K"``). Other keys are ignored. Every rating
must be an ``int`` or a numpy integer (a ``bool`` is not one): 0-4, or 9 for not known
on scales 1-12.

numpy and pandas are imported only by the data-frame functions; the rest needs neither.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Literal

import attrs

from pathway_model.catalogue._instruments import HONOS, HONOS_SECURE
from pathway_model.errors import Problem, ValidationError, WrongTypeError
from pathway_model.model import _seam as _checks
from pathway_model.model._seam import NOT_KNOWN, Instrument, InstrumentScale, as_int, show_number
from pathway_model.scoring._batch import (
    MAX_LISTED,
    Batch,
    OnError,
    RowProblem,
    frame_cell,
    problem_text,
    refuse,
    score_records,
)

__all__ = [
    "HONOS",
    "HONOS_SECURE",
    "HonosChange",
    "HonosScore",
    "HonosSecureScore",
    "Instrument",
    "InstrumentScale",
    "honos_change",
    "honos_change_frame",
    "honos_change_records",
    "score_honos",
    "score_honos_frame",
    "score_honos_records",
    "score_honos_secure",
    "score_honos_secure_frame",
    "score_honos_secure_records",
]

ReliableChange = Literal["improved", "deteriorated", "no reliable change"]
"""The reliable-change category of a change in the HoNOS total."""

ItemChange = Literal["improvement", "deterioration", "no change"]
"""The paired-item change of one HoNOS scale."""

#: The default reliable change on the HoNOS total, in points (Parabiaghi et al. 2005).
DEFAULT_RELIABLE_CHANGE = 8
#: Paired-item method: ratings up to this are "low", above it "high" (Crawford et al. 2017).
_HIGHEST_LOW = 2
#: Scale 8 problem-type letters: A-J, and K added in 2018 ("Domain facts and sources").
_PROBLEM_TYPES = frozenset("ABCDEFGHIJK")


HONOS_KEYS = HONOS.codes
SECURITY_KEYS = HONOS_SECURE.codes[len(HONOS_KEYS) :]
_BEFORE_KEYS = tuple(f"{key}_before" for key in HONOS_KEYS)
_AFTER_KEYS = tuple(f"{key}_after" for key in HONOS_KEYS)


@attrs.frozen(kw_only=True)
class HonosScore:
    """The scores of one HoNOS assessment.

    Ratings of 9 (not known) are left out of every sum, so a total from an incomplete
    assessment is a sum over fewer scales: compare totals only when ``complete``.

    Attributes:
        ratings: The 12 ratings as given, 9s included, scales 1-12 in order.
        total: The sum of the valid (0-4) ratings, 0-48.
        behaviour: Scales 1-3, 0-12.
        impairment: Scales 4-5, 0-8.
        symptoms: Scales 6-8, 0-12.
        social: Scales 9-12, 0-16.
        rated: How many of the 12 scales were rated 0-4 (not 9).
        complete: Whether all 12 scales were rated 0-4.
    """

    ratings: tuple[int, ...]
    total: int
    behaviour: int
    impairment: int
    symptoms: int
    social: int
    rated: int
    complete: bool


@attrs.frozen(kw_only=True)
class HonosSecureScore(HonosScore):
    """The scores of one HoNOS-secure assessment: the HoNOS scores and the security scales.

    The HoNOS fields (``total``, the subscales, ``rated`` and ``complete``) cover scales
    1-12 only; the security scales have a separate total. The security scales have no
    "not known" rating, so every one is rated and counts towards it.

    Attributes:
        security_ratings: The 7 security ratings, 0-4, A-G in order.
        security_total: The sum of the security ratings, 0-28.
    """

    security_ratings: tuple[int, ...]
    security_total: int


@attrs.frozen(kw_only=True)
class HonosChange:
    """The change between two HoNOS assessments of one person.

    Attributes:
        before: The earlier assessment's scores.
        after: The later assessment's scores.
        total_change: ``after.total - before.total`` (negative means fewer or less
            severe problems), or ``None`` unless both assessments are complete.
        reliable: ``"improved"`` if the total fell by at least ``reliable_change``
            points, ``"deteriorated"`` if it rose by at least that much, otherwise
            ``"no reliable change"``; ``None`` unless both assessments are complete.
        reliable_change: The threshold used, in points.
        items: For each of the 12 scales, its paired-item change: ``"improvement"``
            (high 3-4 to low 0-2), ``"deterioration"`` (low to high) or ``"no change"``;
            ``None`` where either rating is 9.
        items_improved: How many scales improved.
        items_deteriorated: How many scales deteriorated.
        items_unchanged: How many paired scales did not change band.
        items_paired: How many scales were rated 0-4 in both assessments.
    """

    before: HonosScore
    after: HonosScore
    total_change: int | None
    reliable: ReliableChange | None
    reliable_change: int
    items: tuple[ItemChange | None, ...]
    items_improved: int
    items_deteriorated: int
    items_unchanged: int
    items_paired: int


# --- Reading records --------------------------------------------------------------------

_RATING_EXPECTED = "an integer 0-4, or 9 for not known"
_SECURITY_EXPECTED = "an integer 0-4 (a security scale has no 'not known' rating)"
_PROBLEM_8_EXPECTED = "a problem-type letter 'A'-'K', or no value"
_ABSENT: Any = object()

#: (field, expected, found), as a batch scorer reports it.
RawProblem = tuple[str, str, str]


def _rating(value: object, *, not_known: bool = True) -> int | None:
    """The rating ``value`` stands for (0-4, or 9 where allowed), or ``None`` if invalid.

    Accepts an ``int`` or a numpy integer, never a ``bool``, a ``float`` or a string.
    """
    number = as_int(value)
    if number is None:
        return None
    return number if 0 <= number <= 4 or (not_known and number == NOT_KNOWN) else None


def _found(value: object) -> str:
    """Describe an invalid rating for a message: the number, or the kind of value."""
    return "no field" if value is _ABSENT else show_number(value)


def _read(
    record: Mapping[str, Any],
    keys: Sequence[str],
    problems: list[RawProblem],
    *,
    not_known: bool = True,
) -> list[int]:
    """Read the ratings at ``keys``, noting a problem (and a 0 or 9) for each invalid one.

    With ``not_known=False`` (the security scales) a 9 is a problem too.
    """
    ratings = []
    expected = _RATING_EXPECTED if not_known else _SECURITY_EXPECTED
    for key in keys:
        value = record.get(key, _ABSENT)
        rating = _rating(value, not_known=not_known)
        if rating is None:
            problems.append((key, expected, _found(value)))
            rating = NOT_KNOWN if not_known else 0
        ratings.append(rating)
    return ratings


def _is_missing(value: object) -> bool:
    """Whether ``value`` means "no value": ``None``, a float NaN or pandas' ``NA``."""
    return (
        value is None
        or (isinstance(value, float) and value != value)  # noqa: PLR0124 - NaN test
        or type(value).__name__ == "NAType"
    )


def _problem_8_found(value: object) -> str | None:
    """Describe an invalid scale-8 problem type, or ``None`` if ``value`` is valid."""
    if _is_missing(value) or (type(value) is str and value in _PROBLEM_TYPES):
        return None
    if isinstance(value, str):
        # Free text may be clinical: show only what cannot be.
        return _checks.show_code(value) if len(value) <= 1 else f"text of {len(value)} characters"
    return _checks.type_name(value)


def _check_problem_8(record: Mapping[str, Any], problems: list[RawProblem]) -> None:
    found = _problem_8_found(record.get("problem_8"))
    if found is not None:
        problems.append(("problem_8", _PROBLEM_8_EXPECTED, found))


# --- Arithmetic -------------------------------------------------------------------------


def _honos_score(ratings: Sequence[int]) -> HonosScore:
    return HonosScore(ratings=tuple(ratings), **_honos_columns(ratings))


def _secure_score(ratings: Sequence[int]) -> HonosSecureScore:
    """The HoNOS-secure score of 19 ratings: scales 1-12, then A-G."""
    return HonosSecureScore(
        ratings=tuple(ratings[:12]),
        security_ratings=tuple(ratings[12:]),
        **_secure_columns(ratings),
    )


def _item_change(before: int, after: int) -> ItemChange | None:
    if NOT_KNOWN in (before, after):
        return None
    if before <= _HIGHEST_LOW < after:
        return "deterioration"
    if after <= _HIGHEST_LOW < before:
        return "improvement"
    return "no change"


def _reliable(change: int, threshold: int) -> ReliableChange:
    if change <= -threshold:
        return "improved"
    if change >= threshold:
        return "deteriorated"
    return "no reliable change"


def _change(before: HonosScore, after: HonosScore, threshold: int) -> HonosChange:
    items = tuple(_item_change(b, a) for b, a in zip(before.ratings, after.ratings, strict=True))
    improved = items.count("improvement")
    deteriorated = items.count("deterioration")
    unchanged = items.count("no change")
    total_change = after.total - before.total if before.complete and after.complete else None
    return HonosChange(
        before=before,
        after=after,
        total_change=total_change,
        reliable=None if total_change is None else _reliable(total_change, threshold),
        reliable_change=threshold,
        items=items,
        items_improved=improved,
        items_deteriorated=deteriorated,
        items_unchanged=unchanged,
        items_paired=improved + deteriorated + unchanged,
    )


# --- Arguments --------------------------------------------------------------------------


def _raise_for(problems: list[RawProblem]) -> None:
    if problems:
        raise ValidationError(
            Problem(path=f"$.{field}", expected=expected, found=found)
            for field, expected, found in problems
        )


def _require_record(value: object, path: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise WrongTypeError.single(
            path, "a record (a mapping of scale code to rating)", _checks.type_name(value)
        )
    return value


def _threshold(value: object) -> int:
    number = as_int(value)
    if number is not None and number >= 1:
        return number
    if number is None:
        raise WrongTypeError.single(
            "reliable_change", "a whole number of points (int)", _checks.type_name(value)
        )
    raise ValidationError.single(
        "reliable_change", "a whole number of points >= 1", show_number(number)
    )


def _on_error(value: object) -> OnError:
    if value == "raise" or value == "collect":  # noqa: PLR1714 - narrows the type
        return value
    raise WrongTypeError.single("on_error", "'raise' or 'collect'", repr(value)[:40])


# --- One record -------------------------------------------------------------------------


def score_honos(ratings: Mapping[str, Any]) -> HonosScore:
    """Score one HoNOS assessment: total, subscales and completeness.

    Args:
        ratings: A record with the keys ``h1`` … ``h12``, each an ``int`` 0-4 or 9 (not
            known), and optionally ``problem_8``, the scale-8 problem-type letter
            ``"A"`` … ``"K"`` (checked, not scored). Other keys are ignored.

    Returns:
        The scores; 9s are left out of every sum and make the assessment incomplete.

    Raises:
        ValidationError: A rating is missing or invalid; every problem is listed, with a
            path such as ``$.h3``.
        WrongTypeError: ``ratings`` is not a mapping.

    Examples:
        >>> import pathway_model as pm
        >>> from pathway_model import scoring
        >>> ratings = dict(zip(scoring.HONOS.codes, [2, 1, 0, 3, 1, 2, 0, 4, 1, 9, 3, 0]))
        >>> score = scoring.score_honos(ratings)
        >>> score.total, score.behaviour, score.social, score.rated, score.complete
        (17, 3, 4, 11, False)
    """
    record = _require_record(ratings, "$")
    problems: list[RawProblem] = []
    values = _read(record, HONOS_KEYS, problems)
    _check_problem_8(record, problems)
    _raise_for(problems)
    return _honos_score(values)


def score_honos_secure(ratings: Mapping[str, Any]) -> HonosSecureScore:
    """Score one HoNOS-secure assessment: the HoNOS scores and the security scales.

    Args:
        ratings: A record with the keys ``h1`` … ``h12``, each an ``int`` 0-4 or 9 (not
            known), the keys ``sa`` … ``sg``, each an ``int`` 0-4 (a security scale has
            no "not known" rating), and optionally ``problem_8``. Other keys are
            ignored.

    Returns:
        The scores. ``total`` and ``complete`` cover scales 1-12; ``security_total``
        covers the security scales A-G.

    Raises:
        ValidationError: A rating is missing or invalid; every problem is listed, with a
            path such as ``$.sc``.
        WrongTypeError: ``ratings`` is not a mapping.

    Examples:
        >>> import pathway_model as pm
        >>> from pathway_model import scoring
        >>> ratings = dict.fromkeys(scoring.HONOS.codes, 1)
        >>> ratings.update(sa=4, sb=3, sc=2, sd=2, se=1, sf=0, sg=1)
        >>> score = scoring.score_honos_secure(ratings)
        >>> score.total, score.security_total
        (12, 13)
    """
    record = _require_record(ratings, "$")
    problems: list[RawProblem] = []
    values = _read(record, HONOS_KEYS, problems)
    values += _read(record, SECURITY_KEYS, problems, not_known=False)
    _check_problem_8(record, problems)
    _raise_for(problems)
    return _secure_score(values)


def _as_score(value: object, name: str, problems: list[RawProblem]) -> HonosScore | None:
    if isinstance(value, HonosScore):
        return value
    if not isinstance(value, Mapping):
        raise WrongTypeError.single(
            name, "a HonosScore or a record (a mapping)", _checks.type_name(value)
        )
    found: list[RawProblem] = []
    values = _read(value, HONOS_KEYS, found)
    problems.extend((f"{name}.{field}", expected, what) for field, expected, what in found)
    return None if found else _honos_score(values)


def honos_change(
    before: HonosScore | Mapping[str, Any],
    after: HonosScore | Mapping[str, Any],
    *,
    reliable_change: int = DEFAULT_RELIABLE_CHANGE,
) -> HonosChange:
    """The change between two HoNOS assessments: reliable change and paired-item change.

    Reliable change compares the totals and needs both assessments complete: a fall of
    at least ``reliable_change`` points is ``"improved"``, a rise of at least that much
    ``"deteriorated"``. Paired-item change compares each scale rated 0-4 in both: low
    (0-2) to high (3-4) is a deterioration, high to low an improvement, anything else no
    change (Crawford et al. 2017).

    Args:
        before: The earlier assessment: its scores (a HoNOS-secure score is accepted;
            only scales 1-12 are compared), or a record as for
            [`score_honos`][pathway_model.scoring.score_honos].
        after: The later assessment, in the same forms.
        reliable_change: The smallest change in the total, in points, that counts as
            reliable. Defaults to 8 (Parabiaghi et al. 2005).

    Returns:
        The change, with both assessments' scores as its evidence.

    Raises:
        ValidationError: A record is invalid (paths such as ``before.h3``), or
            ``reliable_change`` is below 1.
        WrongTypeError: An assessment is neither a score nor a mapping, or
            ``reliable_change`` is not an ``int``.

    Examples:
        >>> import pathway_model as pm
        >>> from pathway_model import scoring
        >>> before = dict.fromkeys(scoring.HONOS.codes, 3)
        >>> after = {**dict.fromkeys(scoring.HONOS.codes, 2), "h1": 3, "h2": 4}
        >>> change = scoring.honos_change(before, after)
        >>> change.total_change, change.reliable, change.items_improved
        (-9, 'improved', 10)
    """
    threshold = _threshold(reliable_change)
    problems: list[RawProblem] = []
    first = _as_score(before, "before", problems)
    second = _as_score(after, "after", problems)
    if problems or first is None or second is None:
        raise ValidationError(
            Problem(path=field, expected=expected, found=found)
            for field, expected, found in problems
        )
    return _change(first, second, threshold)


# --- Records ----------------------------------------------------------------------------


#: The fast path of the record forms: every rating a plain ``int`` 0-4 or 9.
_RATINGS = frozenset({0, 1, 2, 3, 4, NOT_KNOWN})
_ONLY_INT = frozenset({int})
#: A rating's points: itself for 0-4, nothing for 9 (not known).
_POINTS = (0, 1, 2, 3, 4, 0, 0, 0, 0, 0)
_GET_HONOS = operator.itemgetter(*HONOS_KEYS)
_GET_SECURE = operator.itemgetter(*HONOS_KEYS, *SECURITY_KEYS)


def _plain_ratings(
    record: Mapping[str, Any], get: Callable[[Mapping[str, Any]], tuple[Any, ...]]
) -> tuple[int, ...] | None:
    """The ratings if every one is a plain valid ``int`` and ``problem_8`` is fine, else None.

    The common case, decided in a few C-level calls; anything else takes the slow path,
    which finds and names each problem. Only a plain ``dict`` is read this way: another
    mapping (a ``defaultdict``, say) could invent a value for a missing key.
    """
    if type(record) is not dict:
        return None
    try:
        values = get(record)
    except KeyError:
        return None
    letter = record.get("problem_8")
    if (
        _ONLY_INT.issuperset(map(type, values))
        and _RATINGS.issuperset(values)
        and (letter is None or (type(letter) is str and letter in _PROBLEM_TYPES))
    ):
        return values
    return None


def _honos_columns(values: Sequence[int]) -> dict[str, Any]:
    """The tidy HoNOS columns of 12 ratings (or of the first 12 of more)."""
    p = _POINTS
    h1, h2, h3, h4, h5, h6, h7, h8, h9, h10, h11, h12 = ratings = values[:12]
    behaviour = p[h1] + p[h2] + p[h3]
    impairment = p[h4] + p[h5]
    symptoms = p[h6] + p[h7] + p[h8]
    social = p[h9] + p[h10] + p[h11] + p[h12]
    rated = 12 - ratings.count(NOT_KNOWN)
    return {
        "total": behaviour + impairment + symptoms + social,
        "behaviour": behaviour,
        "impairment": impairment,
        "symptoms": symptoms,
        "social": social,
        "rated": rated,
        "complete": rated == 12,
    }


def _honos_row(record: Mapping[str, Any]) -> dict[str, Any] | list[RawProblem]:
    values = _plain_ratings(record, _GET_HONOS)
    if values is None:
        problems: list[RawProblem] = []
        ratings = _read(record, HONOS_KEYS, problems)
        _check_problem_8(record, problems)
        if problems:
            return problems
        values = tuple(ratings)
    return _honos_columns(values)


def _secure_row(record: Mapping[str, Any]) -> dict[str, Any] | list[RawProblem]:
    values = _plain_ratings(record, _GET_SECURE)
    if values is not None and NOT_KNOWN in values[len(HONOS_KEYS) :]:
        values = None  # a 9 on a security scale: the slow path names it
    if values is None:
        problems: list[RawProblem] = []
        ratings = _read(record, HONOS_KEYS, problems)
        ratings += _read(record, SECURITY_KEYS, problems, not_known=False)
        _check_problem_8(record, problems)
        if problems:
            return problems
        values = tuple(ratings)
    return _secure_columns(values)


def _secure_columns(values: Sequence[int]) -> dict[str, Any]:
    """The tidy HoNOS-secure columns of 19 ratings: scales 1-12, then A-G (each 0-4)."""
    row = _honos_columns(values)
    row["security_total"] = sum(values[12:])
    return row


def score_honos_records(
    records: Iterable[Mapping[str, Any]],
    *,
    keep: Sequence[str] = (),
    on_error: OnError = "raise",
) -> Batch:
    """Score many HoNOS assessments: one tidy row per record.

    Each row holds ``row`` (the record's position), the fields named in ``keep``, then
    ``total``, ``behaviour``, ``impairment``, ``symptoms``, ``social``, ``rated`` and
    ``complete``, as [`score_honos`][pathway_model.scoring.score_honos] computes them.

    Args:
        records: Records as for [`score_honos`][pathway_model.scoring.score_honos].
        keep: Fields copied from each record to its row, e.g. ``("person_id", "date")``.
        on_error: ``"raise"`` (the default) to raise one error listing every problem, or
            ``"collect"`` to score the valid records and return the problems beside them.

    Returns:
        The rows of the valid records and the problems of the invalid ones.

    Raises:
        ValidationError: ``on_error="raise"`` and a record is invalid; paths such as
            ``$[3].h7``.
        WrongTypeError: ``records`` is not an iterable of records, or ``on_error`` is
            neither choice.

    Examples:
        >>> import pathway_model as pm
        >>> from pathway_model import scoring
        >>> records = [
        ...     {"id": "A", **dict.fromkeys(scoring.HONOS.codes, 1)},
        ...     {"id": "B", **dict.fromkeys(scoring.HONOS.codes, 9), "h1": 7},
        ... ]
        >>> batch = scoring.score_honos_records(records, keep=("id",), on_error="collect")
        >>> [(row["id"], row["total"], row["complete"]) for row in batch.rows]
        [('A', 12, True)]
        >>> [str(problem) for problem in batch.problems]
        ['row 1, h1: expected an integer 0-4, or 9 for not known; found 7']
    """
    return score_records(records, _honos_row, keep=keep, on_error=on_error)


def score_honos_secure_records(
    records: Iterable[Mapping[str, Any]],
    *,
    keep: Sequence[str] = (),
    on_error: OnError = "raise",
) -> Batch:
    """Score many HoNOS-secure assessments: one tidy row per record.

    Each row holds ``row``, the fields named in ``keep``, the HoNOS columns of
    [`score_honos_records`][pathway_model.scoring.score_honos_records], then
    ``security_total``.

    Args:
        records: Records as for [`score_honos_secure`][pathway_model.scoring.score_honos_secure].
        keep: Fields copied from each record to its row.
        on_error: ``"raise"`` (the default) or ``"collect"``.

    Returns:
        The rows of the valid records and the problems of the invalid ones.

    Raises:
        ValidationError: ``on_error="raise"`` and a record is invalid.
        WrongTypeError: ``records`` is not an iterable of records, or ``on_error`` is
            neither choice.
    """
    return score_records(records, _secure_row, keep=keep, on_error=on_error)


def honos_change_records(
    records: Iterable[Mapping[str, Any]],
    *,
    reliable_change: int = DEFAULT_RELIABLE_CHANGE,
    keep: Sequence[str] = (),
    on_error: OnError = "raise",
) -> Batch:
    """Compare many pairs of HoNOS assessments: one tidy row per pair.

    Each record holds one pair side by side: ``h1_before`` … ``h12_before`` and
    ``h1_after`` … ``h12_after`` (the shape ``pandas.merge`` gives with
    ``suffixes=("_before", "_after")``). Each row holds ``row``, the fields named in
    ``keep``, then ``total_before``, ``total_after``, ``total_change``, ``reliable``,
    ``items_improved``, ``items_deteriorated``, ``items_unchanged`` and
    ``items_paired``, as [`honos_change`][pathway_model.scoring.honos_change] computes them.

    Args:
        records: The pairs, one record each.
        reliable_change: The smallest reliable change in the total, in points.
            Defaults to 8.
        keep: Fields copied from each record to its row.
        on_error: ``"raise"`` (the default) or ``"collect"``.

    Returns:
        The rows of the valid pairs and the problems of the invalid ones.

    Raises:
        ValidationError: ``on_error="raise"`` and a record is invalid, or
            ``reliable_change`` is below 1.
        WrongTypeError: ``records`` is not an iterable of records, ``reliable_change``
            is not an ``int``, or ``on_error`` is neither choice.
    """
    threshold = _threshold(reliable_change)

    def row(record: Mapping[str, Any]) -> dict[str, Any] | list[RawProblem]:
        problems: list[RawProblem] = []
        before = _read(record, _BEFORE_KEYS, problems)
        after = _read(record, _AFTER_KEYS, problems)
        if problems:
            return problems
        change = _change(_honos_score(before), _honos_score(after), threshold)
        return {
            "total_before": change.before.total,
            "total_after": change.after.total,
            "total_change": change.total_change,
            "reliable": change.reliable,
            "items_improved": change.items_improved,
            "items_deteriorated": change.items_deteriorated,
            "items_unchanged": change.items_unchanged,
            "items_paired": change.items_paired,
        }

    return score_records(records, row, keep=keep, on_error=on_error)


# --- Data frames ------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class _Column:
    """One rating column of a data frame, checked: points, validity and problems."""

    points: Any  # int8 array: the rating where it is 0-4, else 0
    valid: Any  # bool array: rated 0-4
    bad: Any  # bool array: neither 0-4 nor 9
    found: Callable[[int], str]  # what an invalid row holds, for a message


def _all_bad(np: Any, n: int, found: str) -> _Column:
    return _Column(
        points=np.zeros(n, np.int8),
        valid=np.zeros(n, bool),
        bad=np.ones(n, bool),
        found=lambda _row: found,
    )


def _read_column(np: Any, pd: Any, frame: Any, key: str, *, not_known: bool = True) -> _Column:
    """Check one rating column: fast for numeric columns, value by value otherwise.

    Either way a cell is read as the record form reads ``frame_cell`` of it, so the
    two paths agree: a gap is a problem, a whole float is its integer.
    """
    n = len(frame)
    if key not in frame.columns:
        return _all_bad(np, n, "no column")
    series = frame[key]
    if isinstance(series, pd.DataFrame):
        return _all_bad(np, n, f"{series.shape[1]} columns with this name")
    dtype = series.dtype
    types = pd.api.types
    if (types.is_integer_dtype(dtype) or types.is_float_dtype(dtype)) and not (
        types.is_bool_dtype(dtype)
    ):
        kind = np.dtype(getattr(dtype, "numpy_dtype", dtype)).kind
        if isinstance(dtype, np.dtype):
            values = series.to_numpy()
            missing = np.isnan(values) if kind == "f" else None
        else:  # a nullable column: NA is a missing value
            missing = series.isna().to_numpy()
            values = series.to_numpy(dtype=dtype.numpy_dtype, na_value=0)
        valid = (values >= 0) & (values <= 4)
        if kind == "f":
            # Whole floats are ratings: pandas stores a column with gaps as floats.
            # A gap (NaN) stays a problem, never a 9.
            valid &= values == np.floor(values)
        bad = ~(valid | (values == NOT_KNOWN)) if not_known else ~valid
        if missing is not None:
            valid &= ~missing
            bad |= missing
        points = np.where(valid, values, 0).astype(np.int8)

        def found(row: int) -> str:
            if missing is not None and missing[row]:
                return "no value"
            return _found(frame_cell(values[row].item()))

        return _Column(points=points, valid=valid, bad=bad, found=found)
    # Anything else (object, text, bool, ...) is checked value by value, as a record
    # would be.
    items = [frame_cell(item) for item in series.to_numpy(dtype=object).tolist()]
    ratings = [_rating(item, not_known=not_known) for item in items]
    values = np.fromiter((-1 if r is None else r for r in ratings), np.int64, n)
    valid = (values >= 0) & (values <= 4)
    return _Column(
        points=np.where(valid, values, 0).astype(np.int8),
        valid=valid,
        bad=values < 0,
        found=lambda row: _found(items[row]),
    )


def _problem_8_column(np: Any, frame: Any) -> _Column | None:
    if "problem_8" not in frame.columns:
        return None
    series = frame["problem_8"]
    if series.ndim != 1:
        return _all_bad(np, len(frame), f"{series.shape[1]} columns with this name")
    ok = (series.isna() | series.isin(sorted(_PROBLEM_TYPES))).to_numpy(dtype=bool)
    bad = ~ok
    if not bad.any():
        return _Column(points=None, valid=None, bad=bad, found=lambda _row: "")
    items = series.tolist()
    # Only invalid rows are described; a value pandas calls missing is never one.
    return _Column(
        points=None,
        valid=None,
        bad=bad,
        found=lambda row: _problem_8_found(items[row]) or _checks.type_name(items[row]),
    )


def _require_frame(pd: Any, frame: object) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise WrongTypeError.single("frame", "a pandas DataFrame", _checks.type_name(frame))


def _frame_problems(
    np: Any, fields: list[tuple[str, str, _Column]], n: int, on_error: OnError
) -> tuple[Any, Any]:
    """Find the invalid rows; raise, or return (invalid mask, problems column or None)."""
    invalid = np.zeros(n, bool)
    for _field, _expected, column in fields:
        invalid |= column.bad
    if not invalid.any():
        return invalid, (None if on_error == "raise" else np.full(n, "", dtype=object))
    rows = np.flatnonzero(invalid)
    if on_error == "raise":
        listed = (
            RowProblem(
                row=int(row), field=field, expected=expected, found=column.found(row)
            ).as_problem()
            for row in rows[:MAX_LISTED]
            for field, expected, column in fields
            if column.bad[row]
        )
        total = sum(int(column.bad.sum()) for _field, _expected, column in fields)
        refuse(listed, total=total)
    texts = np.full(n, "", dtype=object)
    for row in rows:
        texts[row] = " | ".join(
            problem_text(field, expected, column.found(row))
            for field, expected, column in fields
            if column.bad[row]
        )
    return invalid, texts


def _frame_out(
    np: Any, pd: Any, frame: Any, columns: dict[str, Any], *, invalid: Any, texts: Any
) -> Any:
    """Build the result: nullable columns, NA where the row is invalid."""
    data: dict[str, Any] = {}
    for name, values in columns.items():
        if not isinstance(values, np.ndarray):
            data[name] = values  # already a pandas array, with its own missing values
        elif values.dtype == bool:
            data[name] = pd.arrays.BooleanArray(values, invalid.copy())
        elif values.dtype == object:
            data[name] = pd.array(values, dtype="string")
        else:
            data[name] = pd.arrays.IntegerArray(values.astype(np.int64), invalid.copy())
    if texts is not None:
        data["problems"] = pd.array(texts, dtype="string")
    return pd.DataFrame(data, index=frame.index, copy=False)


def _sum(np: Any, arrays: Iterable[Any], n: int) -> Any:
    total = np.zeros(n, np.int64)
    for array in arrays:
        total += array
    return total


def _honos_frame_columns(np: Any, checked: list[_Column], n: int) -> dict[str, Any]:
    behaviour = _sum(np, (c.points for c in checked[0:3]), n)
    impairment = _sum(np, (c.points for c in checked[3:5]), n)
    symptoms = _sum(np, (c.points for c in checked[5:8]), n)
    social = _sum(np, (c.points for c in checked[8:12]), n)
    rated = _sum(np, (c.valid for c in checked[:12]), n)
    return {
        "total": behaviour + impairment + symptoms + social,
        "behaviour": behaviour,
        "impairment": impairment,
        "symptoms": symptoms,
        "social": social,
        "rated": rated,
        "complete": rated == 12,
    }


def _score_frame(frame: Any, keys: Sequence[str], on_error: object) -> Any:
    import numpy as np  # noqa: PLC0415 - optional dependency, loaded when asked for
    import pandas as pd  # noqa: PLC0415

    _require_frame(pd, frame)
    mode = _on_error(on_error)
    n = len(frame)
    checked = [_read_column(np, pd, frame, key, not_known=key in HONOS_KEYS) for key in keys]
    fields = [
        (key, _RATING_EXPECTED if key in HONOS_KEYS else _SECURITY_EXPECTED, column)
        for key, column in zip(keys, checked, strict=True)
    ]
    problem_8 = _problem_8_column(np, frame)
    if problem_8 is not None:
        fields.append(("problem_8", _PROBLEM_8_EXPECTED, problem_8))
    invalid, texts = _frame_problems(np, fields, n, mode)
    columns = _honos_frame_columns(np, checked, n)
    if len(keys) > len(HONOS_KEYS):
        security = checked[len(HONOS_KEYS) :]
        columns["security_total"] = _sum(np, (c.points for c in security), n)
    return _frame_out(np, pd, frame, columns, invalid=invalid, texts=texts)


def score_honos_frame(frame: Any, *, on_error: OnError = "raise") -> Any:
    """Score a data frame of HoNOS assessments, one row each (needs the ``pandas`` extra).

    Vectorised with numpy: the data-frame form for large tables. The result has the
    same index as ``frame`` and the columns ``total``, ``behaviour``, ``impairment``,
    ``symptoms``, ``social``, ``rated`` (nullable ``Int64``) and ``complete`` (nullable
    ``boolean``), the same values [`score_honos_records`][pathway_model.scoring.score_honos_records]
    gives.

    Args:
        frame: A ``pandas.DataFrame`` with the columns ``h1`` … ``h12`` holding integers
            0-4 or 9, and optionally ``problem_8`` (a letter ``"A"`` … ``"K"`` or
            missing). Other columns are ignored. Each cell is read as the record
            form reads the same value, by the convention every data-frame function
            shares (see "Data frames and records: one convention" in the scoring
            reference): a whole float such as ``3.0`` is the rating 3, because pandas
            stores a column with gaps as floats; a gap (NaN, ``None`` or NA) is a
            problem, never a 9, and so is a fraction.
        on_error: ``"raise"`` (the default) to raise one error listing the problems, or
            ``"collect"`` to give invalid rows missing (NA) scores and add a
            ``problems`` column: the row's problems for an invalid row, ``""`` for a
            valid one.

    Returns:
        A new ``pandas.DataFrame`` of scores.

    Raises:
        ValidationError: ``on_error="raise"`` and a row is invalid: a missing column, a
            value that is not an integer 0-4 or 9, or a missing value. The first 100
            problems are listed (paths ``$[row].field``, ``row`` counting from 0 as in
            ``frame.iloc``) and the rest are counted.
        WrongTypeError: ``frame`` is not a ``DataFrame``, or ``on_error`` is neither
            choice.
        ImportError: pandas is not installed.
    """
    return _score_frame(frame, HONOS_KEYS, on_error)


def score_honos_secure_frame(frame: Any, *, on_error: OnError = "raise") -> Any:
    """Score a data frame of HoNOS-secure assessments (needs the ``pandas`` extra).

    As [`score_honos_frame`][pathway_model.scoring.frames.score_honos_frame], with the
    security scales too: the input needs the columns ``h1`` … ``h12`` and ``sa`` … ``sg``, and the
    result adds ``security_total``.

    Args:
        frame: A ``pandas.DataFrame`` with the columns ``h1`` … ``h12``, each holding
            integers 0-4 or 9, and ``sa`` … ``sg``, each holding integers 0-4 (a
            security scale has no "not known" rating).
        on_error: ``"raise"`` (the default) or ``"collect"``.

    Returns:
        A new ``pandas.DataFrame`` of scores with the same index as ``frame``.

    Raises:
        ValidationError: ``on_error="raise"`` and a row is invalid.
        WrongTypeError: ``frame`` is not a ``DataFrame``, or ``on_error`` is neither
            choice.
        ImportError: pandas is not installed.
    """
    return _score_frame(frame, HONOS_SECURE.codes, on_error)


def honos_change_frame(
    frame: Any, *, reliable_change: int = DEFAULT_RELIABLE_CHANGE, on_error: OnError = "raise"
) -> Any:
    """Compare pairs of HoNOS assessments in a data frame (needs the ``pandas`` extra).

    The vectorised form of [`honos_change_records`][pathway_model.scoring.honos_change_records]:
    the input has one pair per row, ``h1_before`` … ``h12_before`` and ``h1_after`` …
    ``h12_after``; the result has the same index and the columns ``total_before``,
    ``total_after``, ``total_change`` (NA unless both assessments are complete),
    ``reliable`` (text, NA unless both are complete), ``items_improved``,
    ``items_deteriorated``, ``items_unchanged`` and ``items_paired``.

    Args:
        frame: A ``pandas.DataFrame`` with the 24 rating columns.
        reliable_change: The smallest reliable change in the total, in points.
            Defaults to 8.
        on_error: ``"raise"`` (the default) or ``"collect"``, as for
            [`score_honos_frame`][pathway_model.scoring.frames.score_honos_frame].

    Returns:
        A new ``pandas.DataFrame`` of changes.

    Raises:
        ValidationError: ``on_error="raise"`` and a row is invalid, or
            ``reliable_change`` is below 1.
        WrongTypeError: ``frame`` is not a ``DataFrame``, ``reliable_change`` is not an
            ``int``, or ``on_error`` is neither choice.
        ImportError: pandas is not installed.
    """
    import numpy as np  # noqa: PLC0415 - optional dependency, loaded when asked for
    import pandas as pd  # noqa: PLC0415

    _require_frame(pd, frame)
    threshold = _threshold(reliable_change)
    mode = _on_error(on_error)
    n = len(frame)
    before = [_read_column(np, pd, frame, key) for key in _BEFORE_KEYS]
    after = [_read_column(np, pd, frame, key) for key in _AFTER_KEYS]
    fields = [
        (key, _RATING_EXPECTED, column)
        for key, column in zip((*_BEFORE_KEYS, *_AFTER_KEYS), (*before, *after), strict=True)
    ]
    invalid, texts = _frame_problems(np, fields, n, mode)
    first = _honos_frame_columns(np, before, n)
    second = _honos_frame_columns(np, after, n)
    improved = np.zeros(n, np.int64)
    deteriorated = np.zeros(n, np.int64)
    paired = np.zeros(n, np.int64)
    for b, a in zip(before, after, strict=True):
        both = b.valid & a.valid
        b_high = b.points > _HIGHEST_LOW
        a_high = a.points > _HIGHEST_LOW
        improved += both & b_high & ~a_high
        deteriorated += both & ~b_high & a_high
        paired += both
    comparable = first["complete"] & second["complete"]
    change = second["total"] - first["total"]
    reliable = np.full(n, "no reliable change", dtype=object)
    reliable[change <= -threshold] = "improved"
    reliable[change >= threshold] = "deteriorated"
    reliable[~comparable | invalid] = None
    return _frame_out(
        np,
        pd,
        frame,
        {
            "total_before": first["total"],
            "total_after": second["total"],
            "total_change": pd.arrays.IntegerArray(change, invalid | ~comparable),
            "reliable": reliable,
            "items_improved": improved,
            "items_deteriorated": deteriorated,
            "items_unchanged": paired - improved - deteriorated,
            "items_paired": paired,
        },
        invalid=invalid,
        texts=texts,
    )
