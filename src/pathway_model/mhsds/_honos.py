"""HoNOS and HoNOS-secure in the shape MHSDS delivers them: one row per scale, coded, as text.

MHSDS tables MHS606 and MHS607 hold one row per scale: the SNOMED CT code of the scale
(``CodedAssToolType``) and the score as text (``PersScore``). This module reads such rows
into assessments and scores them with the arithmetic of
[`pathway_model.scoring`][pathway_model.scoring], under the national conventions listed on
the reference page "MHSDS": which texts are valid scores, how resubmitted duplicates are
dropped, which assessments count as complete (AMH04) or full. HoNOS and HoNOS-secure are
told apart by the SNOMED CT codes the catalogue holds for their scales.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any, Literal

import attrs

from pathway_model.catalogue import HONOS, HONOS_SECURE
from pathway_model.errors import ValidationError, WrongTypeError
from pathway_model.mhsds._conventions import (
    HONOS_AMH04,
    HONOS_DUPLICATES,
    HONOS_FULL,
    PERS_SCORE_VALIDITY,
    Convention,
)
from pathway_model.mhsds._months import _require_month_id, reporting_month
from pathway_model.model import _seam as _checks
from pathway_model.scoring import (
    HonosChange,
    HonosScore,
    HonosSecureScore,
    honos_change,
    score_honos,
    score_honos_secure,
)

__all__ = [
    "AMH04_LEAST_SCALES",
    "CodedScore",
    "HonosAssessment",
    "HonosCompleteness",
    "HonosLong",
    "HonosStayChange",
    "honos_change_by_stay",
    "honos_completeness",
    "pers_score",
    "score_honos_long",
    "score_honos_long_frame",
]

InstrumentCode = Literal["honos", "honos_secure"]
"""Which instrument an assessment is: HoNOS, or HoNOS-secure (it has security scales)."""

AMH04_LEAST_SCALES = 9
"""AMH04 counts an assessment when at least this many working-age scales score validly."""

#: The valid ``PersScore`` texts and the rating each stands for.
_VALID_SCORES: dict[str, int] = {
    **{str(rating): rating for rating in range(5)},
    **{f"0{rating}": rating for rating in range(5)},
}
_CLINICAL = len(HONOS.scales)
_SECURITY = len(HONOS_SECURE.scales) - _CLINICAL
#: SNOMED CT code -> scale position: 0-11 the HoNOS scales, 12-18 the security scales A-G.
_SCALE_OF: dict[str, int] = {
    scale.snomed_ct: position
    for position, scale in enumerate(HONOS_SECURE.scales)
    if scale.snomed_ct is not None
}
_CLINICAL_KEYS = HONOS.codes
_ALL_KEYS = HONOS_SECURE.codes
#: The scale codes in scale order, and the valid score texts in rating order (twice).
_SCALE_CODES = list(_SCALE_OF)
_SCORE_TEXTS = list(_VALID_SCORES)


def pers_score(text: str | None) -> int | None:
    """The HoNOS rating a ``PersScore`` text stands for, or ``None`` if not known.

    Valid texts are ``'0'``-``'4'`` and ``'00'``-``'04'``; ``'9'``, ``'9.0'``,
    ``'Missi'``, empty text, non-integers and anything else are not known (the
    convention [`PERS_SCORE_VALIDITY`][pathway_model.mhsds.PERS_SCORE_VALIDITY]).

    Args:
        text: The ``PersScore`` as given, or ``None``.

    Raises:
        WrongTypeError: ``text`` is neither text nor ``None``.

    Examples:
        >>> from pathway_model.mhsds import pers_score
        >>> [pers_score(text) for text in ("2", "03", "9", "9.0", "Missi", "", None)]
        [2, 3, None, None, None, None, None]
    """
    if text is None:
        return None
    if type(text) is not str:
        raise WrongTypeError.single("text", "text (str) or None", _checks.type_name(text))
    return _VALID_SCORES.get(text)


def _optional_text(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and type(value) is not str:
        raise WrongTypeError.single(
            _checks.path_of(instance, attribute), "text (str) or None", _checks.type_name(value)
        )


@attrs.frozen(kw_only=True)
class CodedScore:
    """One row of a coded scored assessment (MHS606 or MHS607): one scale of one assessment.

    Attributes:
        person_id: The person (``Person_ID``).
        assessment_id: What groups the rows of one assessment: ``UniqCareActID`` for
            MHS607, or the referral and completion time for MHS606.
        date: The assessment's date (MHS607 has none: use the care contact's
            ``CareContDate``).
        code: The scale's SNOMED CT code (``CodedAssToolType``); rows of other tools are
            counted and left out.
        score: The score as text (``PersScore``), or ``None``. Never shown in a message.
        spell_id: The hospital spell the assessment belongs to, or ``None``; paired change
            is taken per spell.

    Raises:
        ValidationError: An id or code is malformed.
        WrongTypeError: A field has the wrong type.
    """

    person_id: str = attrs.field(validator=_checks.code)
    assessment_id: str = attrs.field(validator=_checks.code)
    date: dt.date = attrs.field(validator=_checks.date)
    code: str = attrs.field(validator=_checks.code)
    score: str | None = attrs.field(default=None, validator=_optional_text)
    spell_id: str | None = attrs.field(
        default=None, validator=attrs.validators.optional(_checks.code)
    )


@attrs.frozen(kw_only=True)
class HonosAssessment:
    """One HoNOS or HoNOS-secure assessment read from coded rows, and its scores.

    Attributes:
        person_id: The person.
        spell_id: The hospital spell, or ``None``.
        assessment_id: The assessment.
        date: Its date.
        instrument: ``"honos_secure"`` if any row carries a security scale's code, else
            ``"honos"``.
        ratings: Scales 1-12 in order: the valid rating, or ``None`` if not known.
        security_ratings: Security scales A-G in order, likewise.
        score: The scores of scales 1-12 (``None`` counted as 9, not known, and left out
            of every sum), from [`score_honos`][pathway_model.scoring.score_honos]; a
            [`HonosSecureScore`][pathway_model.scoring.HonosSecureScore] when all seven
            security scales are rated.
        rated: How many of scales 1-12 score validly.
        security_rated: How many security scales score validly.
        security_total: The sum of the security scales, or ``None`` unless all seven are
            rated (they have no "not known" rating, so a part-sum would mislead).
        counts_under_amh04: At least 9 of scales 1-12 score validly
            ([`HONOS_AMH04`][pathway_model.mhsds.HONOS_AMH04]).
        full: All 12 score validly ([`HONOS_FULL`][pathway_model.mhsds.HONOS_FULL]).
    """

    person_id: str
    spell_id: str | None
    assessment_id: str
    date: dt.date
    instrument: InstrumentCode
    ratings: tuple[int | None, ...]
    security_ratings: tuple[int | None, ...]
    score: HonosScore
    rated: int
    security_rated: int
    security_total: int | None
    counts_under_amh04: bool
    full: bool


@attrs.frozen(kw_only=True)
class HonosLong:
    """Assessments read from coded rows, with every row accounted for.

    ``rows == rows_used + duplicates + other_codes``.

    Attributes:
        assessments: The assessments, ordered by person, spell, assessment and date.
        rows: The rows given.
        rows_used: Rows of a HoNOS or HoNOS-secure scale, after duplicates were dropped.
        duplicates: Rows dropped as resubmitted duplicates: same person, spell,
            assessment, date, scale and score text as an earlier row.
        other_codes: Rows whose code is not a HoNOS or HoNOS-secure scale.
        not_known: Rows used whose score is not a valid rating.
        conflicting_scales: Scales given two different valid ratings in one assessment;
            each is left not known.
        conventions: [`PERS_SCORE_VALIDITY`][pathway_model.mhsds.PERS_SCORE_VALIDITY],
            [`HONOS_DUPLICATES`][pathway_model.mhsds.HONOS_DUPLICATES],
            [`HONOS_AMH04`][pathway_model.mhsds.HONOS_AMH04] and
            [`HONOS_FULL`][pathway_model.mhsds.HONOS_FULL].
    """

    assessments: tuple[HonosAssessment, ...]
    rows: int
    rows_used: int
    duplicates: int
    other_codes: int
    not_known: int
    conflicting_scales: int
    conventions: tuple[Convention, ...] = (
        PERS_SCORE_VALIDITY,
        HONOS_DUPLICATES,
        HONOS_AMH04,
        HONOS_FULL,
    )


_Key = tuple[str, str | None, str, dt.date]


def _sort_key(key: _Key) -> tuple[Any, ...]:
    person, spell, assessment, date = key
    return (person, spell is None, spell or "", assessment, date)


def _assessment(key: _Key, values: Mapping[int, set[int]]) -> tuple[HonosAssessment, int]:
    """Score one assessment from its scales' distinct valid ratings; count conflicts."""
    person, spell, assessment, date = key
    ratings: list[int | None] = [None] * (_CLINICAL + _SECURITY)
    conflicts = 0
    for position, found in values.items():
        if len(found) == 1:
            ratings[position] = next(iter(found))
        elif found:
            conflicts += 1
    record = {
        key: 9 if rating is None else rating for key, rating in zip(_ALL_KEYS, ratings, strict=True)
    }
    clinical = ratings[:_CLINICAL]
    security = ratings[_CLINICAL:]
    security_rated = sum(rating is not None for rating in security)
    score: HonosScore
    if security_rated == _SECURITY:
        score = score_honos_secure(record)
    else:
        score = score_honos({key: record[key] for key in _CLINICAL_KEYS})
    secure = any(position >= _CLINICAL for position in values)
    return (
        HonosAssessment(
            person_id=person,
            spell_id=spell,
            assessment_id=assessment,
            date=date,
            instrument="honos_secure" if secure else "honos",
            ratings=tuple(clinical),
            security_ratings=tuple(security),
            score=score,
            rated=score.rated,
            security_rated=security_rated,
            security_total=score.security_total if isinstance(score, HonosSecureScore) else None,
            counts_under_amh04=score.rated >= AMH04_LEAST_SCALES,
            full=score.complete,
        ),
        conflicts,
    )


def score_honos_long(rows: Iterable[CodedScore]) -> HonosLong:
    """Read and score HoNOS and HoNOS-secure assessments from long-format coded rows.

    Rows are grouped into assessments by person, spell, assessment id and date. A row
    repeating an earlier one's scale and score text is a resubmitted duplicate and is
    dropped ([`HONOS_DUPLICATES`][pathway_model.mhsds.HONOS_DUPLICATES]); a scale
    given two different valid ratings is left not known. Scores are read by
    [`pers_score`][pathway_model.mhsds.pers_score]; a not-known score is counted, never
    a problem. Rows of other tools are counted and left out.

    Args:
        rows: The coded rows.

    Returns:
        The scored assessments and the accounting of every row.

    Raises:
        WrongTypeError: ``rows`` is not an iterable of ``CodedScore``.

    Examples:
        >>> import datetime as dt
        >>> from pathway_model.catalogue import HONOS
        >>> from pathway_model.mhsds import CodedScore, score_honos_long
        >>> day = dt.date(2025, 1, 15)
        >>> rows = [
        ...     CodedScore(person_id="P1", assessment_id="A1", date=day,
        ...                code=scale.snomed_ct, score=text)
        ...     for scale, text in zip(HONOS.scales, "2 0 1 0 9 03 1 0 2 2 1 2".split())
        ... ]
        >>> (assessment,) = score_honos_long(rows).assessments
        >>> assessment.rated, assessment.score.total, assessment.counts_under_amh04
        (11, 14, True)
    """
    if isinstance(rows, (str, bytes, Mapping)) or not isinstance(rows, Iterable):
        raise WrongTypeError.single("rows", "an iterable of CodedScore", _checks.type_name(rows))
    seen: set[tuple[_Key, int, str | None]] = set()
    groups: dict[_Key, dict[int, set[int]]] = defaultdict(dict)
    count = used = duplicates = other = not_known = 0
    for index, row in enumerate(rows):
        if not isinstance(row, CodedScore):
            raise WrongTypeError.single(f"rows[{index}]", "CodedScore", _checks.type_name(row))
        count += 1
        position = _SCALE_OF.get(row.code)
        if position is None:
            other += 1
            continue
        key = (row.person_id, row.spell_id, row.assessment_id, row.date)
        if (key, position, row.score) in seen:
            duplicates += 1
            continue
        seen.add((key, position, row.score))
        used += 1
        found = groups[key].setdefault(position, set())
        rating = pers_score(row.score)
        if rating is None:
            not_known += 1
        else:
            found.add(rating)
    assessments = []
    conflicts = 0
    for key in sorted(groups, key=_sort_key):
        assessment, conflicted = _assessment(key, groups[key])
        assessments.append(assessment)
        conflicts += conflicted
    return HonosLong(
        assessments=tuple(assessments),
        rows=count,
        rows_used=used,
        duplicates=duplicates,
        other_codes=other,
        not_known=not_known,
        conflicting_scales=conflicts,
    )


def _assessments(value: object) -> list[HonosAssessment]:
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        raise WrongTypeError.single(
            "assessments", "an iterable of HonosAssessment", _checks.type_name(value)
        )
    items = list(value)
    for index, item in enumerate(items):
        if not isinstance(item, HonosAssessment):
            raise WrongTypeError.single(
                f"assessments[{index}]", "HonosAssessment", _checks.type_name(item)
            )
    return items


@attrs.frozen(kw_only=True)
class HonosCompleteness:
    """HoNOS completeness by AMH04 over the 12 months ending at a period end.

    Attributes:
        first_month: The window's first ``UniqMonthID``.
        last_month: Its last ``UniqMonthID`` (the period end's month).
        assessments: Assessments dated in the window.
        assessments_counted: Of those, the ones that count under AMH04.
        people: People with an assessment in the window.
        people_counted: People with an assessment that counts under AMH04.
        convention: [`HONOS_AMH04`][pathway_model.mhsds.HONOS_AMH04].
    """

    first_month: int
    last_month: int
    assessments: int
    assessments_counted: int
    people: int
    people_counted: int
    convention: Convention = HONOS_AMH04


def honos_completeness(
    assessments: Iterable[HonosAssessment], period_end_month: int
) -> HonosCompleteness:
    """HoNOS completeness by AMH04: assessments and people, over 12 months to a period end.

    An assessment counts when at least 9 distinct working-age scales score validly;
    security scales never count. The window is the 12 months ending with
    ``period_end_month``.

    Args:
        assessments: Scored assessments, e.g. from
            [`score_honos_long`][pathway_model.mhsds.score_honos_long].
        period_end_month: The ``UniqMonthID`` of the period's last month.

    Returns:
        The counts of assessments and of people, in the window and counted.

    Raises:
        WrongTypeError: An argument has the wrong type.
        ValidationError: ``period_end_month`` is not a UniqMonthID, or the window would
            start before April 1900.
    """
    last = _require_month_id(period_end_month, "period_end_month")
    first = last - 11
    if first < 1:
        raise ValidationError.single(
            "period_end_month", "a UniqMonthID of 12 or more", _checks.show_number(last)
        )
    start, end = reporting_month(first).start, reporting_month(last).end
    inside = [item for item in _assessments(assessments) if start <= item.date <= end]
    counted = [item for item in inside if item.counts_under_amh04]
    return HonosCompleteness(
        first_month=first,
        last_month=last,
        assessments=len(inside),
        assessments_counted=len(counted),
        people=len({item.person_id for item in inside}),
        people_counted=len({item.person_id for item in counted}),
    )


@attrs.frozen(kw_only=True)
class HonosStayChange:
    """The change from a stay's first HoNOS assessment to its latest.

    Attributes:
        person_id: The person.
        spell_id: The hospital spell, or ``None`` for assessments with no spell.
        first: The stay's first assessment (by date, then assessment id).
        latest: Its latest.
        change: Reliable and paired-item change of scales 1-12, from
            [`honos_change`][pathway_model.scoring.honos_change]; the change in the total
            needs both assessments full.
        security_change: ``latest.security_total - first.security_total``, or ``None``
            unless both have all seven security scales rated.
    """

    person_id: str
    spell_id: str | None
    first: HonosAssessment
    latest: HonosAssessment
    change: HonosChange
    security_change: int | None


def honos_change_by_stay(
    assessments: Iterable[HonosAssessment], *, reliable_change: int = 8
) -> tuple[HonosStayChange, ...]:
    """Paired first-versus-latest change of each stay with two or more assessments.

    Assessments are grouped by person and spell (those with no spell form one group per
    person), ordered by date then assessment id; the first and the latest are compared by
    [`honos_change`][pathway_model.scoring.honos_change].

    Args:
        assessments: Scored assessments, e.g. from
            [`score_honos_long`][pathway_model.mhsds.score_honos_long].
        reliable_change: The smallest reliable change in the total, in points.

    Returns:
        One change per stay with at least two assessments, ordered by person and spell.

    Raises:
        WrongTypeError: An argument has the wrong type.
        ValidationError: ``reliable_change`` is below 1.
    """
    stays: dict[tuple[str, str | None], list[HonosAssessment]] = defaultdict(list)
    for item in _assessments(assessments):
        stays[(item.person_id, item.spell_id)].append(item)
    changes = []
    for (person, spell), items in sorted(
        stays.items(), key=lambda pair: (pair[0][0], pair[0][1] is None, pair[0][1] or "")
    ):
        if len(items) < 2:
            continue
        ordered = sorted(items, key=lambda item: (item.date, item.assessment_id))
        first, latest = ordered[0], ordered[-1]
        both = first.security_total is not None and latest.security_total is not None
        changes.append(
            HonosStayChange(
                person_id=person,
                spell_id=spell,
                first=first,
                latest=latest,
                change=honos_change(first.score, latest.score, reliable_change=reliable_change),
                security_change=(
                    latest.security_total - first.security_total  # type: ignore[operator]
                    if both
                    else None
                ),
            )
        )
    return tuple(changes)


# --- Data frames ------------------------------------------------------------------------

_FRAME_KEYS = ("person_id", "spell_id", "assessment_id", "date")
_REQUIRED = ("person_id", "assessment_id", "date", "code", "score")
#: Scale positions of each HoNOS subscale.
_SUBSCALES = (("behaviour", 0, 3), ("impairment", 3, 5), ("symptoms", 5, 8), ("social", 8, 12))


def _distinct_ratings(np: Any, pd: Any, group: Any, scale: Any, score: Any) -> tuple[Any, Any, Any]:
    """(assessment, scale, rating) of each scale with one distinct valid rating.

    Resubmitted duplicates (same assessment, scale and score text) are dropped first; a
    scale with two different valid ratings is left out (not known).
    """
    slots = _CLINICAL + _SECURITY
    key = group * slots + scale
    texts = pd.factorize(score, use_na_sentinel=True)[0].astype(np.int64)
    keep = np.zeros(len(key), bool)
    width = int(texts.max(initial=-1)) + 2
    keep[np.unique(key * width + (texts + 1), return_index=True)[1]] = True
    value = pd.Index(_SCORE_TEXTS).get_indexer(score)
    value = np.where(value >= 0, value % 5, -1)
    valid = keep & (value >= 0)
    pairs = np.unique(key[valid] * 5 + value[valid])
    pair_key, pair_value = pairs // 5, pairs % 5
    counts = np.unique(pair_key, return_counts=True)[1]
    single = np.repeat(counts == 1, counts)
    good_key = pair_key[single]
    return good_key // slots, good_key % slots, pair_value[single]


def score_honos_long_frame(frame: Any) -> Any:
    """Score long-format coded HoNOS rows in a data frame (needs the ``pandas`` extra).

    The vectorised form of [`score_honos_long`][pathway_model.mhsds.score_honos_long], for
    millions of rows: the same grouping, duplicates, validity and scores. The result has
    one row per assessment, ordered by its keys, with the columns ``person_id``,
    ``spell_id`` (if given), ``assessment_id``, ``date``, ``instrument``, ``total``,
    ``behaviour``, ``impairment``, ``symptoms``, ``social``, ``rated``, ``full``,
    ``counts_under_amh04``, ``security_rated`` and ``security_total`` (NA unless all seven
    security scales are rated). The dtypes are those of every frame the library gives
    ("Data frames and records: one convention" in the scoring reference): counts and
    scores nullable ``Int64``, flags ``boolean``, ``instrument`` and text keys
    ``string``; ``date`` is as given.

    Args:
        frame: A ``pandas.DataFrame`` with the columns ``person_id``, ``assessment_id``,
            ``date``, ``code`` (SNOMED CT, text) and ``score`` (``PersScore``, text, or
            missing), and optionally ``spell_id``. A key that is missing (NA) forms its
            own group, never dropped.

    Returns:
        A new ``pandas.DataFrame`` of assessments.

    Raises:
        ValidationError: A required column is missing.
        WrongTypeError: ``frame`` is not a ``DataFrame``, or ``score`` or ``code`` holds
            something other than text (read MHSDS files with ``dtype=str``).
        ImportError: pandas is not installed.
    """
    import numpy as np  # noqa: PLC0415 - optional dependency, loaded when asked for
    import pandas as pd  # noqa: PLC0415

    if not isinstance(frame, pd.DataFrame):
        raise WrongTypeError.single("frame", "a pandas DataFrame", _checks.type_name(frame))
    missing = [name for name in _REQUIRED if name not in frame.columns]
    if missing:
        raise ValidationError.single(
            "frame", f"the columns {', '.join(_REQUIRED)}", f"no column {', '.join(missing)}"
        )
    for name in ("code", "score"):
        kind = pd.api.types.infer_dtype(frame[name], skipna=True)
        if kind not in ("string", "empty"):
            raise WrongTypeError.single(
                f"frame.{name}", "text (read MHSDS files with dtype=str)", kind
            )
    keys = [name for name in _FRAME_KEYS if name in frame.columns]
    # Positions in these look-up lists are the scale positions and ratings themselves.
    scale = pd.Index(_SCALE_CODES).get_indexer(frame["code"]).astype(np.int64)
    recognised = scale >= 0
    sub = frame.loc[recognised, keys]
    scale = scale[recognised]
    score = frame["score"].to_numpy()[recognised]
    grouped = sub.groupby(keys, sort=True, dropna=False)
    group = grouped.ngroup().to_numpy().astype(np.int64)
    groups = grouped.ngroups
    good_group, good_scale, good_value = _distinct_ratings(np, pd, group, scale, score)
    clinical = good_scale < _CLINICAL

    def total(mask: Any) -> Any:
        return np.bincount(good_group[mask], weights=good_value[mask], minlength=groups).astype(
            np.int64
        )

    columns: dict[str, Any] = {}
    first_rows = np.unique(group, return_index=True)[1]
    heads = sub.iloc[first_rows].reset_index(drop=True)
    for name in keys:
        key = heads[name]
        text = name != "date" and pd.api.types.infer_dtype(key, skipna=True) == "string"
        columns[name] = key.astype("string") if text else key
    secure = np.bincount(group[scale >= _CLINICAL], minlength=groups) > 0
    columns["instrument"] = pd.array(
        np.where(secure, "honos_secure", "honos").astype(object), dtype="string"
    )
    subscales = {
        name: total(clinical & (good_scale >= low) & (good_scale < high))
        for name, low, high in _SUBSCALES
    }
    columns["total"] = sum(subscales.values())
    columns.update(subscales)
    rated = np.bincount(good_group[clinical], minlength=groups)
    columns["rated"] = rated.astype(np.int64)
    columns["full"] = rated == _CLINICAL
    columns["counts_under_amh04"] = rated >= AMH04_LEAST_SCALES
    security_rated = np.bincount(good_group[~clinical], minlength=groups)
    columns["security_rated"] = security_rated.astype(np.int64)
    for name, values in columns.items():
        # Nullable dtypes, as every frame the library gives (they store in parquet as is).
        if isinstance(values, np.ndarray) and values.dtype == bool:
            columns[name] = pd.array(values, dtype="boolean")
        elif isinstance(values, np.ndarray):
            columns[name] = pd.array(values, dtype="Int64")
    columns["security_total"] = pd.arrays.IntegerArray(
        total(~clinical), security_rated != _SECURITY
    )
    return pd.DataFrame(columns)
