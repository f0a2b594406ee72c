"""Pathway records written out as an MHSDS extract: the tables a provider submits monthly.

Each hospital placement becomes a ward stay (MHS502) inside a hospital spell (MHS501):
consecutive hospital placements with one provider make one spell, and a move to another
provider ends the spell with a hospital discharge destination. Recorded readiness
becomes MHS504 rows (months up to March 2024, v5) or MHS518 rows (from April 2024, v6);
restrictive interventions MHS505 with MHS515; reviews in hospital CPA reviews (MHS702);
and, when asked, a seeded HoNOS-secure assessment at each such review (MHS201 with
MHS607). Every item is written in each month it is open, as providers submit it: its end
appears from the month it ends, so the three layers of de-duplication have work to do.
Nothing is left out silently: `WrittenExtract.left_out` counts what the extract cannot
carry, by reason. See the docs page "Reading MHSDS extracts".
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import random
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs

from pathway_model.catalogue import HONOS_SECURE
from pathway_model.errors import ValidationError, WrongTypeError
from pathway_model.mhsds._months import (
    V5_FIRST_MONTH,
    V6_FIRST_MONTH,
    month_id_of,
    reporting_month,
)
from pathway_model.mhsds._pathways import DEFAULT_STAGE_MAPPING
from pathway_model.model import (
    IncidentKind,
    Pathway,
    Placement,
    RecordedReadiness,
    _seam,
)

__all__ = [
    "EXTRACT_COLUMNS",
    "V5_TO_V6_DELAY_REASONS",
    "WrittenExtract",
    "extract_tables",
    "write_extract",
]

EXTRACT_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "MHS000Header": (
        "UniqMonthID",
        "OrgIDProvider",
        "UniqSubmissionID",
        "FileType",
        "ReportingPeriodStartDate",
        "ReportingPeriodEndDate",
    ),
    "MHS201CareContact": (
        "UniqMonthID",
        "OrgIDProv",
        "UniqSubmissionID",
        "RecordNumber",
        "Person_ID",
        "UniqServReqID",
        "UniqCareContID",
        "CareContDate",
    ),
    "MHS501HospProvSpell": (
        "UniqMonthID",
        "OrgIDProv",
        "UniqSubmissionID",
        "RecordNumber",
        "Person_ID",
        "UniqServReqID",
        "UniqHospProvSpellID",
        "StartDateHospProvSpell",
        "StartTimeHospProvSpell",
        "DischDateHospProvSpell",
        "DischTimeHospProvSpell",
        "DestOfDischHospProvSpell",
    ),
    "MHS502WardStay": (
        "UniqMonthID",
        "OrgIDProv",
        "UniqSubmissionID",
        "RecordNumber",
        "Person_ID",
        "UniqServReqID",
        "UniqHospProvSpellID",
        "UniqWardStayID",
        "StartDateWardStay",
        "StartTimeWardStay",
        "EndDateWardStay",
        "EndTimeWardStay",
        "WardSecLevel",
        "MHAdmittedPatientClass",
        "SpecialisedMHServiceCode",
    ),
    "MHS504DelayedDischarge": (
        "UniqMonthID",
        "OrgIDProv",
        "UniqSubmissionID",
        "RecordNumber",
        "Person_ID",
        "UniqHospProvSpellID",
        "MHS504UniqID",
        "StartDateDelayDisch",
        "EndDateDelayDisch",
        "DelayDischReason",
        "AttribToIndic",
    ),
    "MHS505RestrictiveInterventInc": (
        "UniqMonthID",
        "OrgIDProv",
        "UniqSubmissionID",
        "RecordNumber",
        "Person_ID",
        "UniqHospProvSpellID",
        "UniqRestrictiveIntIncID",
        "StartDateRestrictiveIntInc",
        "EndDateRestrictiveIntInc",
        "RestrictiveIntReason",
    ),
    "MHS515RestrictiveInterventType": (
        "UniqMonthID",
        "OrgIDProv",
        "UniqSubmissionID",
        "RecordNumber",
        "Person_ID",
        "UniqRestrictiveIntIncID",
        "UniqRestrictiveIntTypeID",
        "RestrictiveIntType",
        "StartDateRestrictiveIntType",
        "EndDateRestrictiveIntType",
    ),
    "MHS518ClinReadyforDischarge": (
        "UniqMonthID",
        "OrgIDProv",
        "UniqSubmissionID",
        "RecordNumber",
        "Person_ID",
        "UniqHospProvSpellID",
        "MHS518UniqID",
        "StartDateClinReadyforDisch",
        "EndDateClinReadyforDisch",
        "ClinReadyforDischDelayReason",
        "AttribToIndic",
    ),
    "MHS607CodedScoreAssessmentAct": (
        "UniqMonthID",
        "OrgIDProv",
        "UniqSubmissionID",
        "RecordNumber",
        "Person_ID",
        "UniqServReqID",
        "UniqCareContID",
        "UniqCareActID",
        "CodedAssToolType",
        "PersScore",
    ),
    "MHS702CPAReview": (
        "UniqMonthID",
        "OrgIDProv",
        "UniqSubmissionID",
        "RecordNumber",
        "Person_ID",
        "UniqCPAEpisodeID",
        "MHS702UniqID",
        "CPAReviewDate",
    ),
}
"""The columns of each table the writer writes, in order.

MHSDS v6 names throughout: months of v5 use them too, as the national store shows old
months under new column names (see "Reading MHSDS extracts").
"""

#: The ``WardSecLevel`` written for each hospital stage: the default stage mapping inverted.
_WARD_LEVEL = {
    stage: level
    for level, stage in DEFAULT_STAGE_MAPPING.ward_security_levels.items()
    if stage is not None
}
#: ``MHAdmittedPatientClass`` (adult) for each stage, up to March 2024 and from April 2024.
_PATIENT_CLASS = {
    "v5": {"low_secure": "19", "medium_secure": "20", "high_secure": "21"},
    "v6": {"low_secure": "206", "medium_secure": "207", "high_secure": "208"},
}
_SERVICE_CODE = {
    "high_secure": "NCBPS22U",
    "medium_secure": "NCBPS22S/MS_M_MI",
    "low_secure": "NCBPS22S/LS_M_MI",
}
#: ``DestOfDischHospProvSpell`` for a move to another provider's hospital, by the stage
#: moved to (49 NHS high security, 50 NHS medium secure unit, 53 NHS mental illness
#: ward), for a discharge to the community (19, usual place of residence), and when the
#: record ends at the discharge (99, not known).
_TRANSFER_DESTINATION = {"high_secure": "49", "medium_secure": "50", "low_secure": "53"}
_HOME, _NOT_KNOWN = "19", "99"
_NO_TIME_OF_ADMISSION = dt.time(10, 0)

V5_TO_V6_DELAY_REASONS: Mapping[str, str] = {
    "A2": "01",
    "B1": "04",
    "C1": "05",
    "D1": "07",
    "D2": "08",
    "E1": "09",
    "F2": "10",
    **{f"G{number}": "11" for number in range(2, 12)},
    "G12": "24",
    "H1": "12",
    "I2": "15",
    "I3": "19",
    "J2": "18",
    "K2": "19",
    "L1": "20",
    "M1": "24",
    "N1": "25",
    "P1": "29",
    "Q1": "30",
    "R1": "31",
    "R2": "31",
    "S1": "33",
    "T1": "05",
    "T2": "34",
    "98": "98",
}
"""The v6 delay reason this writer gives a v5 reason, for a period still open in April 2024.

No national crosswalk exists (see "Reading MHSDS extracts"): this one is the writer's own,
by meaning, so that a synthetic period that spans the change of version is written to
MHS518 with a v6 code from April 2024. It is not for recoding real data.
"""

_V6_TO_V5 = {
    **{v6: v5 for v5, v6 in sorted(V5_TO_V6_DELAY_REASONS.items(), reverse=True)},
    "98": "98",
}
#: ``AttribToIndic`` 07 (housing) is valid only up to March 2024; from April 2024 the
#: writer gives 05 (social care), whose services commission housing support.
_ATTRIBUTION_FROM_V6 = {"07": "05"}


@attrs.frozen(kw_only=True)
class WrittenExtract:
    """What `write_extract` wrote.

    Attributes:
        folder: The folder written to.
        files: The files written, one per table, in table order.
        rows: Rows written per table.
        first_month: The first ``UniqMonthID`` written.
        last_month: The last ``UniqMonthID`` written.
        providers: The ``OrgIDProv`` code given to each provider name.
        left_out: What the extract could not carry, by reason (counts of items).
    """

    folder: Path
    files: tuple[Path, ...]
    rows: Mapping[str, int]
    first_month: int
    last_month: int
    providers: Mapping[str, str]
    left_out: Mapping[str, int]


@attrs.frozen
class _Spell:
    """Consecutive hospital placements with one provider: one hospital spell."""

    number: int
    provider: str
    placements: tuple[Placement, ...]
    destination: str | None

    @property
    def start(self) -> dt.date:
        return self.placements[0].start

    @property
    def end(self) -> dt.date | None:
        return self.placements[-1].end

    def holds(self, start: dt.date, end: dt.date | None) -> bool:
        """Whether the days from ``start`` to ``end`` lie inside the spell."""
        spell_end = self.end
        if start < self.start or (spell_end is not None and start >= spell_end):
            return False
        return end is None or spell_end is None or end <= spell_end


def _spells(pathway: Pathway, hospital: Mapping[str, str]) -> list[_Spell]:
    """The record's hospital spells, each with how it ended."""
    placements = pathway.placements
    groups: list[list[Placement]] = []
    for placement in placements:
        if placement.stage not in hospital:
            continue
        last = groups[-1][-1] if groups else None
        if last is not None and last.provider == placement.provider and last.end == placement.start:
            groups[-1].append(placement)
        else:
            groups.append([placement])
    spells = []
    for number, group in enumerate(groups, start=1):
        end = group[-1].end
        destination = None
        if end is not None:
            following = next((p for p in placements if p.start == end), None)
            if following is None:
                destination = _NOT_KNOWN  # the record ends: where the person went is unknown
            elif following.stage in hospital:
                destination = _TRANSFER_DESTINATION.get(following.stage, "53")
            else:
                destination = _HOME
        spells.append(_Spell(number, group[0].provider, tuple(group), destination))
    return spells


def _months(start: dt.date, end: dt.date | None, first: int, last: int) -> range:
    """The months an item from ``start`` to ``end`` is submitted in, within the window."""
    stop = last if end is None else min(last, month_id_of(end))
    return range(max(first, month_id_of(start)), stop + 1)


def _shown(end: dt.date | None, month: int) -> dt.date | None:
    """An end as the month's submission shows it: known only from the month it falls in."""
    return end if end is not None and month_id_of(end) <= month else None


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


class _Tables:
    """The rows being written, table by table, with the submission of each provider-month."""

    def __init__(self, providers: Mapping[str, str], first: int, last: int) -> None:
        self.rows: dict[str, list[dict[str, object]]] = {name: [] for name in EXTRACT_COLUMNS}
        self.providers = providers
        self.left_out: Counter[str] = Counter()
        self.record_numbers: dict[tuple[int, str, str], int] = {}
        self.first, self.last = first, last
        codes = sorted(providers.values())
        self.submission = {
            (month, code): month * 1000 + 10 * number + 1
            for month in range(first, last + 1)
            for number, code in enumerate(codes)
        }

    def add(self, table: str, month: int, provider: str, person: str, **values: object) -> None:
        code = self.providers[provider]
        key = (month, code, person)
        record = self.record_numbers.setdefault(key, len(self.record_numbers) + 1)
        self.rows[table].append(
            {
                "UniqMonthID": month,
                "OrgIDProv": code,
                "UniqSubmissionID": self.submission[(month, code)],
                "RecordNumber": record,
                "Person_ID": person,
                **values,
            }
        )


def _write_spell(tables: _Tables, person: str, spell: _Spell) -> None:
    spell_id = f"{person}-S{spell.number}"
    referral = f"{person}-R{spell.number}"
    for month in _months(spell.start, spell.end, tables.first, tables.last):
        ended = _shown(spell.end, month)
        tables.add(
            "MHS501HospProvSpell",
            month,
            spell.provider,
            person,
            UniqServReqID=referral,
            UniqHospProvSpellID=spell_id,
            StartDateHospProvSpell=_iso(spell.start),
            StartTimeHospProvSpell=_NO_TIME_OF_ADMISSION.isoformat(),
            DischDateHospProvSpell=_iso(ended),
            DischTimeHospProvSpell=None if ended is None else "12:00:00",
            DestOfDischHospProvSpell=None if ended is None else spell.destination,
        )
    for placement in spell.placements:
        months = _months(placement.start, placement.end, tables.first, tables.last)
        if not months:
            tables.left_out["ward stay outside the months written"] += 1
        for month in months:
            version = "v6" if month >= V6_FIRST_MONTH else "v5"
            ended = _shown(placement.end, month)
            tables.add(
                "MHS502WardStay",
                month,
                spell.provider,
                person,
                UniqServReqID=referral,
                UniqHospProvSpellID=spell_id,
                UniqWardStayID=placement.id,
                StartDateWardStay=_iso(placement.start),
                StartTimeWardStay=None,
                EndDateWardStay=_iso(ended),
                EndTimeWardStay=None,
                WardSecLevel=_WARD_LEVEL[placement.stage],
                MHAdmittedPatientClass=_PATIENT_CLASS[version].get(placement.stage),
                SpecialisedMHServiceCode=_SERVICE_CODE.get(placement.stage),
            )


def _reason_in(period: RecordedReadiness, month: int) -> tuple[str | None, str | None]:
    """The delay reason and attribution a month's table carries for a period."""
    reason, attribution = period.delay_reason, period.attributable_to
    v6 = month >= V6_FIRST_MONTH
    if reason is not None:
        if v6 and period.reason_list == _seam.DELAY_REASONS_V5.id:
            reason = V5_TO_V6_DELAY_REASONS.get(reason, "98")
        elif not v6 and period.reason_list == _seam.DELAY_REASONS_V6.id:
            reason = _V6_TO_V5.get(reason, "98")
    if v6 and attribution is not None:
        attribution = _ATTRIBUTION_FROM_V6.get(attribution, attribution)
    return reason, attribution


def _write_readiness(
    tables: _Tables, person: str, spells: list[_Spell], period: RecordedReadiness
) -> None:
    spell = next((s for s in spells if s.holds(period.start, period.end)), None)
    if spell is None:
        tables.left_out["recorded readiness outside a hospital spell"] += 1
        return
    months = _months(period.start, period.end, tables.first, tables.last)
    if not months:
        tables.left_out["recorded readiness outside the months written"] += 1
    for month in months:
        reason, attribution = _reason_in(period, month)
        ended = _iso(_shown(period.end, month))
        common = {
            "UniqHospProvSpellID": f"{person}-S{spell.number}",
            "AttribToIndic": attribution,
        }
        if month >= V6_FIRST_MONTH:
            tables.add(
                "MHS518ClinReadyforDischarge",
                month,
                spell.provider,
                person,
                MHS518UniqID=f"{period.id}-{month}",
                StartDateClinReadyforDisch=_iso(period.start),
                EndDateClinReadyforDisch=ended,
                ClinReadyforDischDelayReason=reason,
                **common,
            )
        else:
            tables.add(
                "MHS504DelayedDischarge",
                month,
                spell.provider,
                person,
                MHS504UniqID=f"{period.id}-{month}",
                StartDateDelayDisch=_iso(period.start),
                EndDateDelayDisch=ended,
                DelayDischReason=reason,
                **common,
            )


def _write_interventions(tables: _Tables, pathway: Pathway, spells: list[_Spell]) -> None:
    person = pathway.person_id
    for incident in pathway.incidents:
        if incident.kind is not IncidentKind.RESTRICTIVE_INTERVENTION:
            continue
        day = incident.date
        spell = next((s for s in spells if s.holds(day, None)), None)
        month = month_id_of(day)
        if spell is None:
            tables.left_out["restrictive intervention outside a hospital spell"] += 1
            continue
        if month < max(tables.first, V5_FIRST_MONTH) or month > tables.last:
            tables.left_out["restrictive intervention outside the months written"] += 1
            continue
        tables.add(
            "MHS505RestrictiveInterventInc",
            month,
            spell.provider,
            person,
            UniqHospProvSpellID=f"{person}-S{spell.number}",
            UniqRestrictiveIntIncID=incident.id,
            StartDateRestrictiveIntInc=day.isoformat(),
            EndDateRestrictiveIntInc=day.isoformat(),
            RestrictiveIntReason="99",
        )
        if incident.intervention_type is not None:
            tables.add(
                "MHS515RestrictiveInterventType",
                month,
                spell.provider,
                person,
                UniqRestrictiveIntIncID=incident.id,
                UniqRestrictiveIntTypeID=f"{incident.id}-T",
                RestrictiveIntType=incident.intervention_type,
                StartDateRestrictiveIntType=day.isoformat(),
                EndDateRestrictiveIntType=day.isoformat(),
            )


#: The HoNOS-secure scales' SNOMED CT codes, in scale order (12 clinical, then A-G).
_HONOS_CODES = tuple(scale.snomed_ct for scale in HONOS_SECURE.scales)


def _honos_scores(draw: random.Random, progress: float) -> list[str]:
    """Seeded ``PersScore`` texts for one assessment: lower as the stay goes on."""
    scores = []
    for _ in _HONOS_CODES:
        roll = draw.random()
        if roll < 0.03:
            scores.append("9")  # not known, as providers send it
            continue
        level = min(4, max(0, round(draw.gauss(2.4 - 1.6 * progress, 0.9))))
        scores.append(f"0{level}" if roll > 0.98 else str(level))
    return scores


def _write_reviews(
    tables: _Tables, pathway: Pathway, spells: list[_Spell], honos_seed: int | None
) -> None:
    person = pathway.person_id
    for review in pathway.reviews:
        spell = next((s for s in spells if s.holds(review.date, None)), None)
        month = month_id_of(review.date)
        if spell is None:
            tables.left_out["review outside a hospital spell"] += 1
            continue
        if not tables.first <= month <= tables.last:
            tables.left_out["review outside the months written"] += 1
            continue
        episode = f"{person}-S{spell.number}-CPA"
        tables.add(
            "MHS702CPAReview",
            month,
            spell.provider,
            person,
            UniqCPAEpisodeID=episode,
            MHS702UniqID=f"{episode}-{review.id}",
            CPAReviewDate=review.date.isoformat(),
        )
        if honos_seed is None:
            continue
        referral = f"{person}-R{spell.number}"
        contact = f"{person}-C-{review.id}"
        tables.add(
            "MHS201CareContact",
            month,
            spell.provider,
            person,
            UniqServReqID=referral,
            UniqCareContID=contact,
            CareContDate=review.date.isoformat(),
        )
        draw = random.Random(f"{honos_seed}:{person}:{review.id}")
        span = ((spell.end or review.date) - spell.start).days or 1
        progress = min(1.0, (review.date - spell.start).days / span)
        for code, score in zip(_HONOS_CODES, _honos_scores(draw, progress), strict=True):
            tables.add(
                "MHS607CodedScoreAssessmentAct",
                month,
                spell.provider,
                person,
                UniqServReqID=referral,
                UniqCareContID=contact,
                UniqCareActID=f"{contact}-A",
                CodedAssToolType=code,
                PersScore=score,
            )


def _check(pathways: object, last_month: object, first_month: object) -> list[Pathway]:
    if isinstance(pathways, (str, bytes, Pathway)) or not isinstance(pathways, Iterable):
        raise WrongTypeError.single(
            "pathways", "an iterable of Pathway records", _seam.type_name(pathways)
        )
    records = list(pathways)
    for number, record in enumerate(records):
        if not isinstance(record, Pathway):
            raise WrongTypeError.single(f"pathways[{number}]", "a Pathway", _seam.type_name(record))
    for name, value in (("last_month", last_month), ("first_month", first_month)):
        if value is None and name == "first_month":
            continue
        if type(value) is not int:
            raise WrongTypeError.single(name, "a UniqMonthID (int)", _seam.type_name(value))
        reporting_month(value)  # refuses a number that is no month
    if first_month is not None and first_month > last_month:  # type: ignore[operator]
        raise ValidationError.single(
            "first_month", f"a month up to last_month ({last_month})", str(first_month)
        )
    people = Counter(record.person_id for record in records)
    repeated = sorted(person for person, count in people.items() if count > 1)
    if repeated:
        raise ValidationError.single(
            "pathways", "one record per person", f"{len(repeated)} people with several records"
        )
    return records


def _provider_codes(
    records: list[Pathway], providers: Mapping[str, str] | None, hospital: Mapping[str, str]
) -> dict[str, str]:
    names = sorted({p.provider for r in records for p in r.placements if p.stage in hospital})
    if providers is None:
        return {name: f"ZZ{number}" for number, name in enumerate(names, start=1)}
    if not isinstance(providers, Mapping):
        raise WrongTypeError.single(
            "providers",
            "a mapping of provider names to OrgIDProv codes",
            _seam.type_name(providers),
        )
    missing = [name for name in names if name not in providers]
    if missing:
        raise ValidationError.single(
            "providers", "an OrgIDProv code for every provider", f"{len(missing)} without a code"
        )
    codes: list[object] = [providers[name] for name in names]
    malformed = any(not isinstance(code, str) or not _seam.is_code(code) for code in codes)
    if malformed or len(set(codes)) != len(codes):
        raise ValidationError.single(
            "providers", "distinct codes (text with no spaces)", "a repeated or malformed code"
        )
    return {name: providers[name] for name in names}


def _first_month(records: list[Pathway], hospital: Mapping[str, str], last: int) -> int:
    starts = [p.start for r in records for p in r.placements if p.stage in hospital]
    return min(last, month_id_of(min(starts))) if starts else last


def extract_tables(
    pathways: Iterable[Pathway],
    *,
    last_month: int,
    first_month: int | None = None,
    providers: Mapping[str, str] | None = None,
    honos_seed: int | None = None,
) -> tuple[dict[str, list[dict[str, object]]], WrittenExtract]:
    """The MHSDS tables of pathway records, as rows, and an account of what was left out.

    Args:
        pathways: The records, one per person, on a pathway whose hospital stages are
            ``high_secure``, ``medium_secure`` and ``low_secure`` (as the built-in secure
            pathway's); placements in other stages are time outside hospital.
        last_month: The last ``UniqMonthID`` submitted.
        first_month: The first ``UniqMonthID`` submitted; by default the month of the
            earliest hospital admission. Items that ended before it are left out, as a
            real extract of those months would not hold them.
        providers: The ``OrgIDProv`` code of each provider name; by default ``ZZ1``,
            ``ZZ2``... in the order of the names.
        honos_seed: When given, a seeded HoNOS-secure assessment (MHS201 with MHS607) is
            written at each review in hospital. The scores are invented (records hold no
            HoNOS), with a few written ``'9'`` and ``'03'`` as providers send them.

    Returns:
        The rows of each table (columns as `EXTRACT_COLUMNS`, values as text, whole
        numbers or ``None``) and the account (with no folder or files).

    Raises:
        WrongTypeError: An argument has the wrong type.
        ValidationError: A month is no ``UniqMonthID``, ``first_month`` is after
            ``last_month``, a person has several records, or ``providers`` lacks a code.
    """
    records = _check(pathways, last_month, first_month)
    hospital = _WARD_LEVEL
    codes = _provider_codes(records, providers, hospital)
    first = _first_month(records, hospital, last_month) if first_month is None else first_month
    tables = _Tables(codes, first, last_month)
    for record in sorted(records, key=lambda r: r.person_id):
        person = record.person_id
        spells = _spells(record, hospital)
        for spell in spells:
            if not _months(spell.start, spell.end, first, last_month):
                tables.left_out["hospital spell outside the months written"] += 1
                continue
            _write_spell(tables, person, spell)
        for period in record.recorded_readiness:
            _write_readiness(tables, person, spells, period)
        _write_interventions(tables, record, spells)
        _write_reviews(tables, record, spells, honos_seed)
    for (month, code), submission in sorted(tables.submission.items()):
        calendar = reporting_month(month)
        tables.rows["MHS000Header"].append(
            {
                "UniqMonthID": month,
                "OrgIDProvider": code,
                "UniqSubmissionID": submission,
                "FileType": 1,
                "ReportingPeriodStartDate": calendar.start.isoformat(),
                "ReportingPeriodEndDate": calendar.end.isoformat(),
            }
        )
    _resubmit(tables)
    rows = {name: found for name, found in tables.rows.items() if found}
    account = WrittenExtract(
        folder=Path(),
        files=(),
        rows={name: len(found) for name, found in rows.items()},
        first_month=first,
        last_month=last_month,
        providers=codes,
        left_out=dict(sorted(tables.left_out.items())),
    )
    return rows, account


def _resubmit(tables: _Tables) -> None:
    """Submit the month before the last twice: a refresh (FileType 2) replaces the first.

    The first submission's rows are all kept, so the latest-submission layer of
    de-duplication has a whole submission to drop; the refresh repeats them unchanged.
    """
    month = tables.last - 1
    if month < tables.first:
        return
    for name, rows in tables.rows.items():
        column = "OrgIDProvider" if name == "MHS000Header" else "OrgIDProv"
        repeated = []
        for row in rows:
            if row["UniqMonthID"] == month:
                again = dict(row)
                again["UniqSubmissionID"] = int(str(row["UniqSubmissionID"])) + 1
                if name == "MHS000Header":
                    again["FileType"] = 2
                repeated.append(again)
        rows.extend(repeated)
        rows.sort(key=lambda r: (r["UniqMonthID"], str(r[column]), int(str(r["UniqSubmissionID"]))))


def write_extract(
    pathways: Iterable[Pathway],
    folder: str | os.PathLike[str],
    *,
    last_month: int,
    first_month: int | None = None,
    providers: Mapping[str, str] | None = None,
    honos_seed: int | None = None,
    file_format: str = "csv",
) -> WrittenExtract:
    """Write pathway records as an MHSDS extract: a folder of files named by table.

    The folder is what `read_extract` and `read_pathways` read: ``MHS501HospProvSpell.csv``
    and so on (or ``.parquet``). Reading it back gives the records' hospital placements,
    recorded readiness, restrictive interventions and reviews, and so the same national
    measures (see "Reading MHSDS extracts" for what an extract cannot carry).

    Args:
        pathways: The records, one per person (see `extract_tables`).
        folder: The folder to write to; made if missing. Files of the same names are
            replaced; other files are left alone.
        last_month: The last ``UniqMonthID`` submitted.
        first_month: The first ``UniqMonthID`` submitted (default: the earliest admission's).
        providers: The ``OrgIDProv`` code of each provider name (default ``ZZ1``...).
        honos_seed: When given, a seeded HoNOS-secure assessment at each review in hospital.
        file_format: ``"csv"`` (UTF-8, a header row, empty for missing) or ``"parquet"``
            (needs pyarrow, from the ``pandas`` extra; every column text or whole numbers).

    Returns:
        What was written: the files, rows per table, the months and provider codes, and
        what was left out.

    Raises:
        WrongTypeError: An argument has the wrong type.
        ValidationError: As `extract_tables`; ``file_format`` is neither; the folder
            cannot be written; parquet without pyarrow installed.
    """
    if file_format not in {"csv", "parquet"}:
        raise ValidationError.single(
            "file_format", "'csv' or 'parquet'", _seam.show_code(file_format)
        )
    if not isinstance(folder, (str, os.PathLike)):
        raise WrongTypeError.single(
            "folder", "a path (str or os.PathLike)", _seam.type_name(folder)
        )
    rows, account = extract_tables(
        pathways,
        last_month=last_month,
        first_month=first_month,
        providers=providers,
        honos_seed=honos_seed,
    )
    target = Path(folder)
    written = []
    try:
        target.mkdir(parents=True, exist_ok=True)
        for name, found in rows.items():
            path = target / f"{name}.{file_format}"
            if file_format == "csv":
                _write_csv(path, EXTRACT_COLUMNS[name], found)
            else:
                _write_parquet(path, EXTRACT_COLUMNS[name], found)
            written.append(path)
    except OSError as error:
        raise ValidationError.single(
            "folder", "a folder the files can be written to", error.strerror or "not writable"
        ) from None
    return attrs.evolve(account, folder=target, files=tuple(written))


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _write_csv(path: Path, columns: tuple[str, ...], rows: list[dict[str, object]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([_text(row.get(column)) for column in columns] for row in rows)


def _columns(columns: tuple[str, ...], rows: list[dict[str, object]]) -> Iterator[tuple[str, Any]]:
    for column in columns:
        values = [row.get(column) for row in rows]
        yield column, values


def _write_parquet(path: Path, columns: tuple[str, ...], rows: list[dict[str, object]]) -> None:
    try:
        import pyarrow as pa  # noqa: PLC0415 - optional dependency, imported when used
        import pyarrow.parquet as pq  # noqa: PLC0415
    except ImportError:
        raise ValidationError.single(
            "file_format", "pyarrow installed for parquet (the 'pandas' extra)", "not installed"
        ) from None
    table = pa.table(dict(_columns(columns, rows)))
    pq.write_table(table, path)
