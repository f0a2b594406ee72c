"""MHSDS rows, de-duplicated in three named layers and typed.

Reading an extract (`read_extract`) normalises each table (see `_tables`), then drops
duplicates in the three layers of the national processing code, each named in the
account (see "Reading MHSDS extracts"):

1. **submission**: one submission per provider-month, the latest ``UniqSubmissionID``
   (from MHS000Header when given; a file-type rule is an option);
2. **month snapshot**: one row per item within a provider-month;
3. **latest version**: one row per item across months, the latest ``UniqMonthID``.

What is left is given as typed rows: spells, ward stays, CPA reviews, recorded
readiness (MHS518 in v6, MHS504 in v5) and restrictive interventions (MHS505 with
MHS515).
"""

from __future__ import annotations

import datetime as dt
import enum
import math
import zoneinfo
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from pathway_model.errors import ValidationError, WrongTypeError
from pathway_model.mhsds._accounting import Accounting, DuplicateLayer, Ledger, RowProblem
from pathway_model.mhsds._honos import CodedScore
from pathway_model.mhsds._tables import HEADER, LINE, ROW, SOURCE, read_tables

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CodedScoreRow",
    "CpaReviewRow",
    "Extract",
    "Origin",
    "ReadinessRow",
    "RestrictiveRow",
    "SpellRow",
    "SubmissionRule",
    "WardStayRow",
    "read_extract",
    "readiness_rows",
    "restrictive_rows",
]

#: Times in MHSDS carry no zone; they are read as clock time in England.
LONDON = zoneinfo.ZoneInfo("Europe/London")


class SubmissionRule(enum.Enum):
    """Which submission of a provider-month is kept (layer 1 of de-duplication).

    Within the submissions the rule allows, the one with the highest
    ``UniqSubmissionID`` is kept. The national code calls the file types 1
    Provisional, up to 2 Performance, and any Final.
    """

    LATEST = "latest"
    """The latest submission, whatever its file type (the library's default; as Final)."""
    PERFORMANCE = "performance"
    """The latest submission of file type 1 or 2."""
    PROVISIONAL = "provisional"
    """The latest submission of file type 1."""

    def allows(self, file_type: int | None) -> bool:
        """Whether a submission of ``file_type`` may be kept under this rule."""
        if self is SubmissionRule.LATEST:
            return True
        limit = 2 if self is SubmissionRule.PERFORMANCE else 1
        return file_type is not None and 1 <= file_type <= limit


@attrs.frozen(kw_only=True)
class Origin:
    """Where a row came from, to trace a result back to the extract.

    Attributes:
        table: The table's name.
        source: The file's name, or the key of the mapping.
        row: The row's position in its source, counted from 0.
        line: For a CSV file, the row's line in the file; ``None`` otherwise.
        month: The row's ``UniqMonthID`` (the month of the version kept).
    """

    table: str
    source: str
    row: int
    line: int | None
    month: int


@attrs.frozen(kw_only=True)
class SpellRow:
    """A hospital provider spell (MHS501), in its latest version.

    Attributes:
        person_id: The pseudonymous ``Person_ID``.
        provider: The provider (``OrgIDProv``).
        referral_id: ``UniqServReqID``.
        spell_id: ``UniqHospProvSpellID``.
        start: Admission, date and time in England (midnight when no time was given).
        end: Discharge, or ``None`` while the spell goes on.
        discharge_destination: ``DestOfDischHospProvSpell``, if given.
        origin: The row it came from.
    """

    person_id: str
    provider: str
    referral_id: str
    spell_id: str
    start: dt.datetime
    end: dt.datetime | None
    discharge_destination: str | None
    origin: Origin


@attrs.frozen(kw_only=True)
class WardStayRow:
    """A ward stay (MHS502), in its latest version.

    Attributes:
        person_id: The pseudonymous ``Person_ID``.
        provider: The provider (``OrgIDProv``).
        referral_id: ``UniqServReqID``.
        spell_id: ``UniqHospProvSpellID``, the spell the stay belongs to.
        ward_stay_id: ``UniqWardStayID``.
        start: The start, date and time in England.
        end: The end, or ``None`` while the stay goes on.
        ward_security_level: ``WardSecLevel``, if given.
        patient_class: ``MHAdmittedPatientClass`` (``HospitalBedTypeMH`` in v5), if given.
        service_code: ``SpecialisedMHServiceCode``, if given.
        origin: The row it came from.
    """

    person_id: str
    provider: str
    referral_id: str
    spell_id: str
    ward_stay_id: str
    start: dt.datetime
    end: dt.datetime | None
    ward_security_level: str | None
    patient_class: str | None
    service_code: str | None
    origin: Origin


@attrs.frozen(kw_only=True)
class CpaReviewRow:
    """A Care Programme Approach review (MHS702), in its latest version.

    Attributes:
        person_id: The pseudonymous ``Person_ID``.
        provider: The provider (``OrgIDProv``).
        episode_id: ``UniqCPAEpisodeID``.
        date: ``CPAReviewDate``.
        origin: The row it came from.
    """

    person_id: str
    provider: str
    episode_id: str
    date: dt.date
    origin: Origin


@attrs.frozen(kw_only=True)
class ReadinessRow:
    """A period the team recorded the person clinically ready for discharge.

    From MHS518 (v6, from April 2024) or MHS504 (delayed discharge, v5 and before),
    de-duplicated across months by person, spell and start date (the latest month's row
    is kept). Codes are kept as given: whether a delay reason is valid in the row's
    month is for the code lists to say.

    Attributes:
        person_id: The pseudonymous ``Person_ID``.
        provider: The provider (``OrgIDProv``).
        spell_id: ``UniqHospProvSpellID``.
        start: The first day recorded ready.
        end: The day the period ended, or ``None`` while it goes on.
        delay_reason: ``ClinReadyforDischDelayReason`` (MHS518) or ``DelayDischReason``
            (MHS504), if given.
        attributable_to: ``AttribToIndic``, if given.
        record_id: ``MHS518UniqID`` or ``MHS504UniqID``, if given.
        origin: The row it came from (its table says which version).
    """

    person_id: str
    provider: str
    spell_id: str
    start: dt.date
    end: dt.date | None
    delay_reason: str | None
    attributable_to: str | None
    record_id: str | None
    origin: Origin


@attrs.frozen(kw_only=True)
class RestrictiveRow:
    """One restrictive intervention: a type of intervention (MHS515) in an incident (MHS505).

    A restrictive intervention is something staff did to the person, never an incident
    the person caused. An incident sent with no type row gives one row with no type.

    Attributes:
        person_id: The pseudonymous ``Person_ID``.
        provider: The provider (``OrgIDProv``).
        spell_id: ``UniqHospProvSpellID`` of the incident.
        incident_id: ``UniqRestrictiveIntIncID``.
        type_id: ``UniqRestrictiveIntTypeID``, or ``None`` for an incident with no type.
        intervention_type: ``RestrictiveIntType`` (e.g. ``'05'`` seclusion), if any.
        reason: ``RestrictiveIntReason`` of the incident, if given.
        start: The start of the intervention (the type's own start, else the incident's),
            date and time in England.
        end: Its end (likewise), or ``None``.
        origin: The type row it came from (the incident row for an incident with no type).
        incident_origin: The incident row.
    """

    person_id: str
    provider: str
    spell_id: str
    incident_id: str
    type_id: str | None
    intervention_type: str | None
    reason: str | None
    start: dt.datetime
    end: dt.datetime | None
    origin: Origin
    incident_origin: Origin


@attrs.frozen(kw_only=True)
class CodedScoreRow:
    """One scale of one scored assessment (MHS606, or MHS607 with its care contact's date).

    Attributes:
        provider: The provider (``OrgIDProv``).
        score: The row as the HoNOS scoring reads it: person, assessment (the provider
            and ``UniqCareActID``, or the provider, referral and date for MHS606), date,
            SNOMED CT code, score text, and the spell of the referral holding the date.
        origin: The row it came from.
    """

    provider: str
    score: CodedScore
    origin: Origin


@attrs.frozen(kw_only=True)
class Extract:
    """An MHSDS extract, read and de-duplicated into typed rows.

    Attributes:
        spells: Hospital provider spells (MHS501).
        ward_stays: Ward stays (MHS502) whose spell is among ``spells``.
        cpa_reviews: CPA reviews (MHS702).
        readiness: Recorded readiness (MHS518 and MHS504) whose spell is among ``spells``.
        restrictive: Restrictive interventions (MHS505 with MHS515).
        coded_scores: Scored assessment rows (MHS606, and MHS607 dated by their care
            contact, MHS201), one per scale.
        first_month: The earliest ``UniqMonthID`` of any row read (duplicates and refused
            rows included), or ``None`` for an extract of no rows: the month the extract
            begins, which the national measures' window opens at by default.
        last_month: The latest ``UniqMonthID`` of any row read, or ``None``.
    """

    spells: tuple[SpellRow, ...]
    ward_stays: tuple[WardStayRow, ...]
    cpa_reviews: tuple[CpaReviewRow, ...]
    readiness: tuple[ReadinessRow, ...]
    restrictive: tuple[RestrictiveRow, ...]
    coded_scores: tuple[CodedScoreRow, ...]
    _ledger: Ledger = attrs.field(alias="ledger", eq=False, repr=False)
    first_month: int | None = None
    last_month: int | None = None

    @property
    def accounting(self) -> Accounting:
        """The account of every row read, after reading and de-duplication."""
        return self._ledger.finish()

    def ledger(self) -> Ledger:
        """A copy of the working account, for a later step to add its refusals to."""
        return self._ledger.copy()


#: The identity of an item across months (layer 3), by table; the provider is in each key.
KEYS: Mapping[str, tuple[str, ...]] = {
    "MHS501HospProvSpell": ("OrgIDProv", "Person_ID", "UniqServReqID", "UniqHospProvSpellID"),
    "MHS502WardStay": (
        "OrgIDProv",
        "Person_ID",
        "UniqServReqID",
        "UniqHospProvSpellID",
        "UniqWardStayID",
    ),
    "MHS504DelayedDischarge": (
        "OrgIDProv",
        "Person_ID",
        "UniqHospProvSpellID",
        "StartDateDelayDisch",
    ),
    "MHS518ClinReadyforDischarge": (
        "OrgIDProv",
        "Person_ID",
        "UniqHospProvSpellID",
        "StartDateClinReadyforDisch",
    ),
    "MHS505RestrictiveInterventInc": ("OrgIDProv", "Person_ID", "UniqRestrictiveIntIncID"),
    "MHS515RestrictiveInterventType": (
        "OrgIDProv",
        "Person_ID",
        "UniqRestrictiveIntIncID",
        "UniqRestrictiveIntTypeID",
    ),
    "MHS702CPAReview": ("OrgIDProv", "Person_ID", "UniqCPAEpisodeID", "CPAReviewDate"),
    "MHS201CareContact": ("OrgIDProv", "Person_ID", "UniqServReqID", "UniqCareContID"),
    "MHS606CodedScoreAssessmentRefer": (
        "OrgIDProv",
        "Person_ID",
        "UniqServReqID",
        "AssToolCompTimestamp",
        "CodedAssToolType",
    ),
    "MHS607CodedScoreAssessmentAct": (
        "OrgIDProv",
        "Person_ID",
        "UniqCareActID",
        "CodedAssToolType",
    ),
}

CONVENTIONS = {
    "month_snapshot": (
        "one row per item within a provider-month (the item's layer-3 key): the highest "
        "RecordNumber, then the last row read"
    ),
    "latest_version": (
        "one row per item across months, the latest UniqMonthID: spells by (OrgIDProv, "
        "Person_ID, UniqServReqID, UniqHospProvSpellID); ward stays add UniqWardStayID; "
        "readiness (MHS518, MHS504) by (OrgIDProv, Person_ID, UniqHospProvSpellID, start "
        "date); restrictive interventions by UniqRestrictiveIntIncID (and "
        "UniqRestrictiveIntTypeID); CPA reviews by (UniqCPAEpisodeID, CPAReviewDate); care "
        "contacts by (UniqServReqID, UniqCareContID); coded scores by scale within "
        "(UniqServReqID, AssToolCompTimestamp) (MHS606) or UniqCareActID (MHS607)"
    ),
    "date_time": (
        "date and time combined (midnight when no time is given), as clock time in Europe/London"
    ),
    "joins": (
        "ward stays to spells on (OrgIDProv, Person_ID, UniqServReqID, "
        "UniqHospProvSpellID); readiness and restrictive incidents to spells on "
        "(OrgIDProv, Person_ID, UniqHospProvSpellID); intervention types to incidents on "
        "(OrgIDProv, Person_ID, UniqRestrictiveIntIncID); MHS607 coded scores to care "
        "contacts (MHS201, for the date) on (OrgIDProv, Person_ID, UniqServReqID, "
        "UniqCareContID); coded scores to the spell of their referral that holds their "
        "date, if any; each between kept versions"
    ),
}


def _absent(value: object) -> bool:
    """Whether a cell is empty: ``None``, or the NaN pandas may put in a number column."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def _line(frame_row: Any) -> int | None:
    line = getattr(frame_row, LINE)
    return None if _absent(line) else int(line)


def _problem(
    table: str, frame_row: Any, field: str, *, reason: str, expected: str, found: str
) -> RowProblem:
    return RowProblem(
        table=table,
        source=getattr(frame_row, SOURCE),
        row=int(getattr(frame_row, ROW)),
        line=_line(frame_row),
        field=field,
        reason=reason,
        expected=expected,
        found=found,
    )


def _origin(table: str, row: Any) -> Origin:
    return Origin(
        table=table,
        source=getattr(row, SOURCE),
        row=int(getattr(row, ROW)),
        line=_line(row),
        month=int(row.UniqMonthID),
    )


def _live(frame: pd.DataFrame, table: str, ledger: Ledger) -> pd.DataFrame:
    """The rows of ``frame`` not yet dropped or refused."""
    keep = [
        not ledger.is_out(table, source, row)
        for source, row in zip(frame[SOURCE].tolist(), frame[ROW].tolist(), strict=True)
    ]
    # An empty list would select no columns rather than no rows: an empty table stays whole.
    return frame[keep] if keep else frame


def _submissions_from_tables(
    frames: dict[str, pd.DataFrame], ledger: Ledger
) -> dict[tuple[int, str], int]:
    """Layer 1 with no header: the latest submission of each provider-month in the tables."""
    ledger.conventions["submission"] = (
        "the latest UniqSubmissionID per provider-month among the tables' own rows "
        f"(no {HEADER.name} was given)"
    )
    chosen: dict[tuple[int, str], int] = {}
    for name, frame in frames.items():
        live = _live(frame, name, ledger)
        for month, provider, submission in zip(
            live["UniqMonthID"], live["OrgIDProv"], live["UniqSubmissionID"], strict=True
        ):
            if not _absent(submission):
                key = (int(month), provider)
                chosen[key] = max(chosen.get(key, -1), int(submission))
    return chosen


def _submissions(
    frames: dict[str, pd.DataFrame], ledger: Ledger, rule: SubmissionRule
) -> dict[tuple[int, str], int]:
    """Layer 1: the submission kept for each provider-month."""
    header = frames.get(HEADER.name)
    if header is None:
        if rule is not SubmissionRule.LATEST:
            raise ValidationError.single(
                HEADER.name,
                f"the table {HEADER.name}, whose FileType the {rule.value} rule reads",
                "no such table",
            )
        return _submissions_from_tables(frames, ledger)
    ledger.conventions["submission"] = (
        f"the latest UniqSubmissionID per provider-month in {HEADER.name}"
        + {
            SubmissionRule.LATEST: ", whatever its FileType",
            SubmissionRule.PERFORMANCE: ", among FileType 1 and 2 (performance)",
            SubmissionRule.PROVISIONAL: ", among FileType 1 (provisional)",
        }[rule]
    )
    live = _live(header, HEADER.name, ledger)
    chosen: dict[tuple[int, str], int] = {}
    for row in live.itertuples(index=False):
        if rule.allows(None if _absent(row.FileType) else int(row.FileType)):
            key = (int(row.UniqMonthID), row.OrgIDProvider)
            chosen[key] = max(chosen.get(key, -1), int(row.UniqSubmissionID))
    seen: set[tuple[int, str, int]] = set()
    for row in live.itertuples(index=False):
        key = (int(row.UniqMonthID), row.OrgIDProvider)
        submission = int(row.UniqSubmissionID)
        if key not in chosen:
            ledger.refuse(
                _problem(
                    HEADER.name,
                    row,
                    "FileType",
                    reason="no submission under the rule",
                    expected=f"a FileType the {rule.value} rule keeps",
                    found="another file type",
                )
            )
        elif chosen[key] != submission:
            ledger.drop(HEADER.name, getattr(row, SOURCE), int(getattr(row, ROW)), _SUBMISSION)
        elif (*key, submission) in seen:
            ledger.drop(HEADER.name, getattr(row, SOURCE), int(getattr(row, ROW)), _SNAPSHOT)
        else:
            seen.add((*key, submission))
    return chosen


_SUBMISSION = DuplicateLayer.SUBMISSION
_SNAPSHOT = DuplicateLayer.MONTH_SNAPSHOT
_LATEST = DuplicateLayer.LATEST_VERSION


def _layer_one(
    name: str,
    frame: pd.DataFrame,
    chosen: dict[tuple[int, str], int],
    ledger: Ledger,
    *,
    from_header: bool,
) -> None:
    """Layer 1: drop the rows of submissions other than the one kept for the provider-month.

    With MHS000Header given, a row of a provider-month it keeps no submission for is
    refused. A row with no ``UniqSubmissionID`` is left for layers 2 and 3 to judge.
    """
    for row in _live(frame, name, ledger).itertuples(index=False):
        key = (int(row.UniqMonthID), row.OrgIDProv)
        submission = row.UniqSubmissionID
        if key not in chosen:
            if from_header:
                ledger.refuse(
                    _problem(
                        name,
                        row,
                        "UniqSubmissionID",
                        reason="no submission for its provider-month",
                        expected=f"a submission of its provider-month kept from {HEADER.name}",
                        found="none kept for that provider and month",
                    )
                )
        elif not _absent(submission) and int(submission) != chosen[key]:
            ledger.drop(name, getattr(row, SOURCE), int(getattr(row, ROW)), _SUBMISSION)


def _number_or(value: object, default: int) -> int:
    return default if _absent(value) else int(value)  # type: ignore[call-overload]


def _layers_two_and_three(name: str, frame: pd.DataFrame, ledger: Ledger) -> pd.DataFrame:
    """Drop the month-snapshot and latest-version duplicates; return the rows kept.

    Rows are taken latest first (month, then submission, then ``RecordNumber``, then
    the last read): the first of an item in a month is kept for that month, the rest of
    that month are month-snapshot duplicates; the first month's is kept, the other
    months' are latest-version duplicates.
    """
    live = _live(frame, name, ledger)
    columns = list(live.columns)
    at = [columns.index(column) for column in KEYS[name]]
    month, submission, record = (
        columns.index(column) for column in ("UniqMonthID", "UniqSubmissionID", "RecordNumber")
    )
    source, row = columns.index(SOURCE), columns.index(ROW)
    rows = list(live.itertuples(index=False, name=None))
    latest_first = sorted(
        range(len(rows)),
        key=lambda i: (
            int(rows[i][month]),
            _number_or(rows[i][submission], -1),
            _number_or(rows[i][record], -1),
            i,
        ),
        reverse=True,
    )
    in_month: set[tuple[object, ...]] = set()
    items: set[tuple[object, ...]] = set()
    kept = []
    for i in latest_first:
        values = rows[i]
        item = tuple(values[j] for j in at)
        if (*item, values[month]) in in_month:
            ledger.drop(name, values[source], int(values[row]), _SNAPSHOT)
            continue
        in_month.add((*item, values[month]))
        if item in items:
            ledger.drop(name, values[source], int(values[row]), _LATEST)
            continue
        items.add(item)
        kept.append(i)
    return live.iloc[sorted(kept)]


def _at(day: dt.date, time: dt.time | None) -> dt.datetime:
    """A date and a time (midnight when missing) as clock time in England."""
    return dt.datetime.combine(day, time or dt.time(0), tzinfo=LONDON)


def _maybe_at(day: dt.date | None, time: dt.time | None) -> dt.datetime | None:
    return None if day is None else _at(day, time)


def _ends_before(name: str, row: Any, ledger: Ledger, *, start: Any, end: Any, field: str) -> bool:
    """Refuse a row that ends before it starts; say whether it was refused."""
    if end is not None and start is not None and end < start:
        ledger.refuse(
            _problem(
                name,
                row,
                field,
                reason="ends before it starts",
                expected="an end on or after the start",
                found="an end before the start",
            )
        )
        return True
    return False


def _no_spell(name: str, row: Any, ledger: Ledger, joined_on: str) -> None:
    ledger.refuse(
        _problem(
            name,
            row,
            "UniqHospProvSpellID",
            reason="no matching spell",
            expected=f"a spell of MHS501HospProvSpell with the same {joined_on}",
            found="none",
        )
    )


def _rows(frame: pd.DataFrame | None) -> Iterator[Any]:
    if frame is None:
        return iter(())
    rows: Iterator[Any] = frame.itertuples(index=False)
    return rows


def read_extract(source: object, *, submissions: SubmissionRule = SubmissionRule.LATEST) -> Extract:
    """Read an MHSDS extract into typed, de-duplicated rows, accounting for every row.

    Args:
        source: A mapping of table names (``"MHS502WardStay"`` or ``"MHS502"``) to data
            frames (pandas, or any with ``to_pandas()``), or the path of a folder of CSV
            or parquet files named by table (``MHS502WardStay.csv``, ``MHS502.parquet``).
        submissions: Which submission of a provider-month to keep.

    Returns:
        The rows kept, and (in ``accounting``) what became of every row read.

    Raises:
        ValidationError: The input cannot be used at all: ``source`` is of the wrong
            kind, a file cannot be read, MHS501HospProvSpell or MHS502WardStay is
            missing (the problem's path names it), or a file-type rule was asked for
            without MHS000Header. Bad rows never raise: they are refused in the account.
    """
    if not isinstance(submissions, SubmissionRule):
        raise WrongTypeError.single("submissions", "a SubmissionRule", type(submissions).__name__)
    ledger = Ledger()
    ledger.conventions.update(CONVENTIONS)
    frames = read_tables(source, ledger)
    months = [
        month
        for frame in frames.values()
        for month in frame["UniqMonthID"].tolist()
        if month is not None
    ]
    chosen = _submissions(frames, ledger, submissions)
    kept: dict[str, pd.DataFrame] = {}
    for name, frame in frames.items():
        if name != HEADER.name:
            _layer_one(name, frame, chosen, ledger, from_header=HEADER.name in frames)
            kept[name] = _layers_two_and_three(name, frame, ledger)
    spells = _spells(kept.get("MHS501HospProvSpell"), ledger)
    by_spell = {(s.provider, s.person_id, s.spell_id) for s in spells.values()}
    name = "MHS702CPAReview"
    reviews = [
        CpaReviewRow(
            person_id=row.Person_ID,
            provider=row.OrgIDProv,
            episode_id=row.UniqCPAEpisodeID,
            date=row.CPAReviewDate,
            origin=_origin(name, row),
        )
        for row in _rows(kept.get(name))
    ]
    return Extract(
        spells=tuple(sorted(spells.values(), key=_spell_order)),
        ward_stays=tuple(
            sorted(_ward_stays(kept.get("MHS502WardStay"), set(spells), ledger), key=_stay_order)
        ),
        cpa_reviews=tuple(sorted(reviews, key=lambda r: (r.provider, r.person_id, r.date))),
        readiness=tuple(
            sorted(
                _readiness(kept, by_spell, ledger),
                key=lambda r: (r.provider, r.person_id, r.spell_id, r.start),
            )
        ),
        restrictive=_restrictive(kept, by_spell, ledger),
        coded_scores=_coded_scores(kept, list(spells.values()), ledger),
        ledger=ledger,
        first_month=min(months, default=None),
        last_month=max(months, default=None),
    )


def _spells(frame: pd.DataFrame | None, ledger: Ledger) -> dict[tuple[str, ...], SpellRow]:
    name = "MHS501HospProvSpell"
    spells: dict[tuple[str, ...], SpellRow] = {}
    for row in _rows(frame):
        start, end = row.StartDateHospProvSpell, row.DischDateHospProvSpell
        if _ends_before(name, row, ledger, start=start, end=end, field="DischDateHospProvSpell"):
            continue
        spell = SpellRow(
            person_id=row.Person_ID,
            provider=row.OrgIDProv,
            referral_id=row.UniqServReqID,
            spell_id=row.UniqHospProvSpellID,
            start=_at(start, row.StartTimeHospProvSpell),
            end=_maybe_at(end, row.DischTimeHospProvSpell),
            discharge_destination=row.DestOfDischHospProvSpell,
            origin=_origin(name, row),
        )
        spells[(spell.provider, spell.person_id, spell.referral_id, spell.spell_id)] = spell
    return spells


def _ward_stays(
    frame: pd.DataFrame | None, spells: set[tuple[str, ...]], ledger: Ledger
) -> list[WardStayRow]:
    name = "MHS502WardStay"
    found = []
    for row in _rows(frame):
        key = (row.OrgIDProv, row.Person_ID, row.UniqServReqID, row.UniqHospProvSpellID)
        if key not in spells:
            _no_spell(name, row, ledger, "OrgIDProv, Person_ID, UniqServReqID and spell id")
            continue
        start, end = row.StartDateWardStay, row.EndDateWardStay
        if _ends_before(name, row, ledger, start=start, end=end, field="EndDateWardStay"):
            continue
        found.append(
            WardStayRow(
                person_id=row.Person_ID,
                provider=row.OrgIDProv,
                referral_id=row.UniqServReqID,
                spell_id=row.UniqHospProvSpellID,
                ward_stay_id=row.UniqWardStayID,
                start=_at(start, row.StartTimeWardStay),
                end=_maybe_at(end, row.EndTimeWardStay),
                ward_security_level=row.WardSecLevel,
                patient_class=row.MHAdmittedPatientClass,
                service_code=row.SpecialisedMHServiceCode,
                origin=_origin(name, row),
            )
        )
    return found


#: The two tables of recorded readiness: (table, start, end, delay reason, row id).
_READINESS = (
    (
        "MHS518ClinReadyforDischarge",
        "StartDateClinReadyforDisch",
        "EndDateClinReadyforDisch",
        "ClinReadyforDischDelayReason",
        "MHS518UniqID",
    ),
    (
        "MHS504DelayedDischarge",
        "StartDateDelayDisch",
        "EndDateDelayDisch",
        "DelayDischReason",
        "MHS504UniqID",
    ),
)


def _readiness(
    kept: dict[str, pd.DataFrame], by_spell: set[tuple[str, str, str]], ledger: Ledger
) -> list[ReadinessRow]:
    found = []
    for name, start_field, end_field, reason_field, id_field in _READINESS:
        for row in _rows(kept.get(name)):
            if (row.OrgIDProv, row.Person_ID, row.UniqHospProvSpellID) not in by_spell:
                _no_spell(name, row, ledger, "OrgIDProv, Person_ID and spell id")
                continue
            start, end = getattr(row, start_field), getattr(row, end_field)
            if _ends_before(name, row, ledger, start=start, end=end, field=end_field):
                continue
            found.append(
                ReadinessRow(
                    person_id=row.Person_ID,
                    provider=row.OrgIDProv,
                    spell_id=row.UniqHospProvSpellID,
                    start=start,
                    end=end,
                    delay_reason=getattr(row, reason_field),
                    attributable_to=row.AttribToIndic,
                    record_id=getattr(row, id_field),
                    origin=_origin(name, row),
                )
            )
    return _across_versions(found, ledger)


def _across_versions(rows: list[ReadinessRow], ledger: Ledger) -> list[ReadinessRow]:
    """Layer 3 across MHS504 and MHS518: one row per spell and start, the latest month's.

    A period open in March 2024 flows in MHS504 until then and in MHS518 from April 2024
    under the same start date: the two tables hold one period, and the v6 row, the later,
    is kept (the layer-3 key of recorded readiness is the spell and the start date).
    """
    latest: dict[tuple[str, str, str, dt.date], ReadinessRow] = {}
    for row in rows:
        key = (row.provider, row.person_id, row.spell_id, row.start)
        kept = latest.get(key)
        if kept is None or (row.origin.month, row.origin.table) > (
            kept.origin.month,
            kept.origin.table,
        ):
            latest[key] = row
    kept_rows = set(map(id, latest.values()))
    for row in rows:
        if id(row) not in kept_rows:
            ledger.drop(row.origin.table, row.origin.source, row.origin.row, _LATEST)
    return [row for row in rows if id(row) in kept_rows]


def _coded_scores(
    kept: dict[str, pd.DataFrame], spells: list[SpellRow], ledger: Ledger
) -> tuple[CodedScoreRow, ...]:
    """MHS606 and MHS607 rows as coded scores; an MHS607 row needs its care contact."""
    contacts = {
        (row.OrgIDProv, row.Person_ID, row.UniqServReqID, row.UniqCareContID): row.CareContDate
        for row in _rows(kept.get("MHS201CareContact"))
    }
    by_referral: dict[tuple[str, str, str], list[SpellRow]] = {}
    for spell in spells:
        by_referral.setdefault((spell.provider, spell.person_id, spell.referral_id), []).append(
            spell
        )

    def spell_of(provider: str, person: str, referral: str, day: dt.date) -> str | None:
        for spell in by_referral.get((provider, person, referral), ()):
            end = None if spell.end is None else spell.end.date()
            if spell.start.date() <= day and (end is None or day <= end):
                return spell.spell_id
        return None

    found: list[CodedScoreRow] = []
    name = "MHS606CodedScoreAssessmentRefer"
    for row in _rows(kept.get(name)):
        day = row.AssToolCompTimestamp
        assessment = f"{row.OrgIDProv}:{row.UniqServReqID}:{day.isoformat()}"
        holding = spell_of(row.OrgIDProv, row.Person_ID, row.UniqServReqID, day)
        found += _coded(name, row, ledger, assessment=assessment, day=day, spell=holding)
    name = "MHS607CodedScoreAssessmentAct"
    for row in _rows(kept.get(name)):
        contact = (row.OrgIDProv, row.Person_ID, row.UniqServReqID, row.UniqCareContID)
        day = contacts.get(contact)
        if day is None:
            ledger.refuse(
                _problem(
                    name,
                    row,
                    "UniqCareContID",
                    reason="no matching care contact",
                    expected="a care contact (MHS201) of the same provider, person and referral",
                    found="none",
                )
            )
            continue
        assessment = f"{row.OrgIDProv}:{row.UniqCareActID}"
        holding = spell_of(row.OrgIDProv, row.Person_ID, row.UniqServReqID, day)
        found += _coded(name, row, ledger, assessment=assessment, day=day, spell=holding)
    return tuple(
        sorted(
            found,
            key=lambda r: (r.provider, r.score.person_id, r.score.date, r.score.assessment_id),
        )
    )


def _coded(
    name: str, row: Any, ledger: Ledger, *, assessment: str, day: dt.date, spell: str | None
) -> list[CodedScoreRow]:
    """The row as a coded score; refused when its ids make no assessment id (too long)."""
    try:
        score = CodedScore(
            person_id=row.Person_ID,
            assessment_id=assessment,
            date=day,
            code=row.CodedAssToolType,
            score=row.PersScore,
            spell_id=spell,
        )
    except ValidationError:
        field = "UniqServReqID" if name.startswith("MHS606") else "UniqCareActID"
        ledger.refuse(
            _problem(
                name,
                row,
                field,
                reason="ids too long for an assessment id",
                expected="ids that make an assessment id of at most 64 characters",
                found="longer",
            )
        )
        return []
    return [CodedScoreRow(provider=row.OrgIDProv, score=score, origin=_origin(name, row))]


def _spell_order(spell: SpellRow) -> tuple[str, str, dt.datetime, str]:
    return (spell.provider, spell.person_id, spell.start, spell.spell_id)


def _stay_order(stay: WardStayRow) -> tuple[str, str, dt.datetime, str]:
    return (stay.provider, stay.person_id, stay.start, stay.ward_stay_id)


def _restrictive(
    kept: dict[str, pd.DataFrame],
    by_spell: set[tuple[str, str, str]],
    ledger: Ledger,
) -> tuple[RestrictiveRow, ...]:
    incidents: dict[tuple[str, str, str], tuple[Any, Origin]] = {}
    name = "MHS505RestrictiveInterventInc"
    for row in _rows(kept.get(name)):
        if (row.OrgIDProv, row.Person_ID, row.UniqHospProvSpellID) not in by_spell:
            _no_spell(name, row, ledger, "OrgIDProv, Person_ID and spell id")
            continue
        start, end = row.StartDateRestrictiveIntInc, row.EndDateRestrictiveIntInc
        if _ends_before(name, row, ledger, start=start, end=end, field="EndDateRestrictiveIntInc"):
            continue
        incidents[(row.OrgIDProv, row.Person_ID, row.UniqRestrictiveIntIncID)] = (
            row,
            _origin(name, row),
        )
    found: list[RestrictiveRow] = []
    typed: set[tuple[str, str, str]] = set()
    name = "MHS515RestrictiveInterventType"
    for row in _rows(kept.get(name)):
        key = (row.OrgIDProv, row.Person_ID, row.UniqRestrictiveIntIncID)
        if key not in incidents:
            ledger.refuse(
                _problem(
                    name,
                    row,
                    "UniqRestrictiveIntIncID",
                    reason="no matching incident",
                    expected="an incident of MHS505RestrictiveInterventInc with the same "
                    "OrgIDProv, Person_ID and UniqRestrictiveIntIncID",
                    found="none",
                )
            )
            continue
        incident, incident_origin = incidents[key]
        start_day = row.StartDateRestrictiveIntType or incident.StartDateRestrictiveIntInc
        start_time = (
            row.StartTimeRestrictiveIntType
            if row.StartDateRestrictiveIntType is not None
            else incident.StartTimeRestrictiveIntInc
        )
        end_day = row.EndDateRestrictiveIntType or incident.EndDateRestrictiveIntInc
        end_time = (
            row.EndTimeRestrictiveIntType
            if row.EndDateRestrictiveIntType is not None
            else incident.EndTimeRestrictiveIntInc
        )
        if _ends_before(
            name, row, ledger, start=start_day, end=end_day, field="EndDateRestrictiveIntType"
        ):
            continue
        typed.add(key)
        found.append(
            _restrictive_row(
                incident,
                incident_origin,
                type_id=row.UniqRestrictiveIntTypeID,
                kind=row.RestrictiveIntType,
                start=_at(start_day, start_time),
                end=_maybe_at(end_day, end_time),
                origin=_origin(name, row),
            )
        )
    for key, (incident, incident_origin) in incidents.items():
        if key not in typed:
            found.append(
                _restrictive_row(
                    incident,
                    incident_origin,
                    type_id=None,
                    kind=None,
                    start=_at(
                        incident.StartDateRestrictiveIntInc, incident.StartTimeRestrictiveIntInc
                    ),
                    end=_maybe_at(
                        incident.EndDateRestrictiveIntInc, incident.EndTimeRestrictiveIntInc
                    ),
                    origin=incident_origin,
                )
            )
    return tuple(
        sorted(
            found,
            key=lambda r: (r.provider, r.person_id, r.start, r.incident_id, r.type_id or ""),
        )
    )


def _restrictive_row(
    incident: Any,
    incident_origin: Origin,
    *,
    type_id: str | None,
    kind: str | None,
    start: dt.datetime,
    end: dt.datetime | None,
    origin: Origin,
) -> RestrictiveRow:
    return RestrictiveRow(
        person_id=incident.Person_ID,
        provider=incident.OrgIDProv,
        spell_id=incident.UniqHospProvSpellID,
        incident_id=incident.UniqRestrictiveIntIncID,
        type_id=type_id,
        intervention_type=kind,
        reason=incident.RestrictiveIntReason,
        start=start,
        end=end,
        origin=origin,
        incident_origin=incident_origin,
    )


def readiness_rows(extract: Extract) -> tuple[ReadinessRow, ...]:
    """The recorded readiness periods of an extract (MHS518 and MHS504), de-duplicated.

    This is the seam where recorded readiness joins a person's record: each row names
    the person, provider and spell it belongs to.
    """
    return extract.readiness


def restrictive_rows(extract: Extract) -> tuple[RestrictiveRow, ...]:
    """The restrictive interventions of an extract (MHS505 with MHS515), de-duplicated.

    This is the seam where restrictive interventions join a person's record, as
    interventions done to the person, never as incidents the person caused.
    """
    return extract.restrictive
