"""Pathway records from an MHSDS extract: one per person and provider.

Placements come from ward stays (MHS502) within hospital spells (MHS501). The stage of
a ward stay is read from ``WardSecLevel``, falling back to ``MHAdmittedPatientClass``
(by the row's month, as its code list changed in April 2024) and then to
``SpecialisedMHServiceCode``; the mapping is data, `StageMapping`, with a documented
default. A spell's end opens a stay in the community stage. CPA reviews (MHS702) become
reviews with no ratings. Recorded readiness (MHS518, MHS504) becomes the record's
`RecordedReadiness`, and restrictive interventions (MHS505 with MHS515) incidents of their
own kind, done to the person. See the docs page "Reading MHSDS extracts".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, TypeVar

import attrs

from pathway_model.catalogue import SECURE_PATHWAY
from pathway_model.errors import UnknownCodeError, ValidationError, WrongTypeError
from pathway_model.mhsds._accounting import Accounting, Ledger, RowProblem
from pathway_model.mhsds._rows import (
    CpaReviewRow,
    Extract,
    Origin,
    ReadinessRow,
    RestrictiveRow,
    SpellRow,
    SubmissionRule,
    WardStayRow,
    read_extract,
)
from pathway_model.model import (
    Incident,
    IncidentKind,
    IncidentSeverity,
    Pathway,
    PathwayDefinition,
    Placement,
    RecordedReadiness,
    Review,
    ReviewKind,
    _seam,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = [
    "DEFAULT_STAGE_MAPPING",
    "ClassWindow",
    "MhsdsPathways",
    "StageMapping",
    "build_pathways",
    "read_pathways",
]


@attrs.frozen(kw_only=True)
class ClassWindow:
    """The secure codes of ``MHAdmittedPatientClass`` valid over a range of months.

    Attributes:
        first_month: The first ``UniqMonthID`` the codes are valid in (``None``: no limit).
        last_month: The last ``UniqMonthID`` they are valid in (``None``: no limit).
        codes: Each secure code and the stage it stands for.
    """

    first_month: int | None
    last_month: int | None
    codes: Mapping[str, str]

    def covers(self, month: int) -> bool:
        """Whether the window holds ``month``."""
        return (self.first_month is None or self.first_month <= month) and (
            self.last_month is None or month <= self.last_month
        )


def _codes(value: Iterable[str]) -> frozenset[str]:
    return frozenset(value)


@attrs.frozen(kw_only=True)
class StageMapping:
    """How a ward stay's codes give a stage of the pathway definition.

    Tried in order: ``WardSecLevel``; when it is missing, ``MHAdmittedPatientClass`` by
    the row's month; then ``SpecialisedMHServiceCode``. A ward security level present
    but not in ``ward_security_levels`` is refused, never passed over: a bad ward code
    must not give a stage by another route.

    Attributes:
        ward_security_levels: Each ``WardSecLevel`` code and its stage; ``None`` for a
            known level that is no secure stage (``'0'``, general).
        patient_classes: The secure codes of ``MHAdmittedPatientClass``, by months.
        service_codes: ``SpecialisedMHServiceCode`` prefixes and their stages: a
            service line (``NCBPS22U``, matching ``NCBPS22U`` and ``NCBPS22U/...``) or a
            line and the start of a category (``NCBPS22S/MS_``). The longest match wins.
        after_discharge: The stage a person is in from the end of a spell (until a
            later spell), or ``None`` to end the record at discharge.
        not_community: ``DestOfDischHospProvSpell`` codes after which the person is not
            in ``after_discharge``: another hospital, a court, a penal establishment or
            police custody, or death. After such a discharge the record ends (until a
            later spell with the provider); a move to another provider's hospital is
            that provider's record.
    """

    ward_security_levels: Mapping[str, str | None]
    patient_classes: tuple[ClassWindow, ...] = ()
    service_codes: Mapping[str, str] = attrs.field(factory=dict)
    after_discharge: str | None = None
    not_community: frozenset[str] = attrs.field(default=frozenset(), converter=_codes)

    def stage_codes(self) -> frozenset[str]:
        """Every stage code the mapping can give."""
        codes = {code for code in self.ward_security_levels.values() if code is not None}
        codes |= {code for window in self.patient_classes for code in window.codes.values()}
        codes |= set(self.service_codes.values())
        if self.after_discharge is not None:
            codes.add(self.after_discharge)
        return frozenset(codes)

    def stage_of(self, stay: WardStayRow) -> tuple[str | None, str, str, str]:
        """The stage of a ward stay, or why there is none.

        Returns:
            The stage (``None`` if none), and for a refusal the field, the reason and
            what was found (codes only: they are never free text).
        """
        level = stay.ward_security_level
        if level is not None:
            if level not in self.ward_security_levels:
                return None, "WardSecLevel", "unknown ward security level", _seam.show_code(level)
            stage = self.ward_security_levels[level]
            if stage is None:
                return None, "WardSecLevel", "not a secure ward", _seam.show_code(level)
            return stage, "", "", ""
        month = stay.origin.month
        if stay.patient_class is not None:
            for window in self.patient_classes:
                if window.covers(month) and stay.patient_class in window.codes:
                    return window.codes[stay.patient_class], "", "", ""
        if stay.service_code is not None:
            best = max(
                (key for key in self.service_codes if _prefix_matches(key, stay.service_code)),
                key=len,
                default=None,
            )
            if best is not None:
                return self.service_codes[best], "", "", ""
        found = "no WardSecLevel; " + (
            f"MHAdmittedPatientClass {_seam.show_code(stay.patient_class)} is no secure class "
            f"in month {month}"
            if stay.patient_class is not None
            else "no MHAdmittedPatientClass"
        )
        found += "; " + (
            f"SpecialisedMHServiceCode {_seam.show_code(stay.service_code)} is no secure line"
            if stay.service_code is not None
            else "no SpecialisedMHServiceCode"
        )
        return None, "WardSecLevel", "no secure stage", found


def _prefix_matches(key: str, code: str) -> bool:
    if code == key:
        return True
    if not code.startswith(key):
        return False
    return key[-1] in "/_" or code[len(key)] == "/"


DEFAULT_STAGE_MAPPING = StageMapping(
    ward_security_levels={
        "0": None,
        "1": "low_secure",
        "2": "medium_secure",
        "3": "high_secure",
    },
    patient_classes=(
        ClassWindow(
            first_month=None,
            last_month=1488,
            codes={
                "19": "low_secure",
                "20": "medium_secure",
                "21": "high_secure",
                "27": "low_secure",
                "28": "medium_secure",
                "31": "low_secure",
                "32": "medium_secure",
            },
        ),
        ClassWindow(
            first_month=1489,
            last_month=None,
            codes={
                "206": "low_secure",
                "207": "medium_secure",
                "208": "high_secure",
                "303": "low_secure",
                "304": "medium_secure",
                "306": "low_secure",
                "307": "medium_secure",
            },
        ),
    ),
    service_codes={
        "NCBPS22U": "high_secure",
        "NCBPS22S/MS_": "medium_secure",
        "NCBPS22S/LS_": "low_secure",
        "NCBPS22C": "medium_secure",
        "NCBPS23L": "low_secure",
    },
    after_discharge="community",
    not_community=frozenset(
        {"37", "38", "40", "42", "48", "49", "50", "51", "52", "53", "79", "84", "87", "89"}
    ),
)
"""The default mapping, onto the stages of the built-in secure pathway.

``WardSecLevel`` ``1`` low, ``2`` medium, ``3`` high secure, ``0`` general (no secure
stage); the secure ``MHAdmittedPatientClass`` codes (adult, children's mental illness and
children's learning disability) up to month 1488 and from month 1489; the secure
service lines of ``SpecialisedMHServiceCode`` (``NCBPS22U`` adult high secure; for
``NCBPS22S``, adult medium and low, the category's ``MS_`` or ``LS_``; ``NCBPS22C`` and
``NCBPS23L`` children's medium and low secure); and the community stage after discharge,
unless the discharge destination is another hospital (``48``-``53``, ``84``, ``87``), a court
(``37``), a penal establishment or police custody (``38``, ``40``, ``42``), forced
repatriation (``89``) or death (``79``).
The sources of each are on the docs page "Reading MHSDS extracts".
"""


@attrs.frozen(kw_only=True)
class MhsdsPathways:
    """Pathway records read from an MHSDS extract, with every row accounted for.

    Attributes:
        pathways: One record per person and provider, ordered by provider then person.
        readiness: The recorded readiness rows (MHS518, MHS504) on those records, as their
            ``recorded_readiness``: for measures that count by the month a row was sent in.
        restrictive: The restrictive intervention rows (MHS505, MHS515) on those records,
            as incidents of kind ``restrictive_intervention``.
        accounting: What became of every row read.
    """

    pathways: tuple[Pathway, ...]
    readiness: tuple[ReadinessRow, ...]
    restrictive: tuple[RestrictiveRow, ...]
    accounting: Accounting


def _refuse(
    ledger: Ledger, origin: Origin, field: str, *, reason: str, expected: str, found: str
) -> None:
    ledger.refuse(
        RowProblem(
            table=origin.table,
            source=origin.source,
            row=origin.row,
            line=origin.line,
            field=field,
            reason=reason,
            expected=expected,
            found=found,
        )
    )


def _id(prefix: str, value: str) -> str:
    """An item's id from the extract's own id, or ``""`` if that makes no code."""
    candidate = f"{prefix}:{value}"
    return candidate if _seam.is_code(candidate) else ""


@attrs.define
class _Stay:
    """A placement being built: one or more ward stays in one stage, or a time after discharge."""

    stage: str
    start: dt.date
    end: dt.date | None
    id: str
    origins: list[Origin]
    after_discharge: bool = False


def _stays_of_spell(
    spell: SpellRow,
    ward_stays: Iterable[WardStayRow],
    mapping: StageMapping,
    ledger: Ledger,
    before: _Stay | None,
) -> list[_Stay]:
    """The placements of one spell's ward stays, merging consecutive stays in one stage."""
    spell_end = None if spell.end is None else spell.end.date()
    found: list[_Stay] = []
    for ward_stay in ward_stays:
        stage, field, reason, what = mapping.stage_of(ward_stay)
        if stage is None:
            _refuse(
                ledger,
                ward_stay.origin,
                field,
                reason=reason,
                expected="a ward code that gives a stage of the pathway (see the stage mapping)",
                found=what,
            )
            continue
        start = ward_stay.start.date()
        end = None if ward_stay.end is None else ward_stay.end.date()
        if spell_end is not None and (end is None or end > spell_end):
            end = spell_end  # a ward stay ends, at the latest, when its spell does
        if end is not None and end <= start:
            _refuse(
                ledger,
                ward_stay.origin,
                "EndDateWardStay",
                reason="no whole day in the stay",
                expected="an end at least a day after the start (within the spell)",
                found="an end on the day it starts" if end == start else "an end before the start",
            )
            continue
        last = found[-1] if found else before
        if last is not None and (last.end is None or start < last.end):
            _refuse(
                ledger,
                ward_stay.origin,
                "StartDateWardStay",
                reason="overlaps another stay",
                expected="a start on or after the end of the person's previous stay",
                found="a start inside an earlier stay",
            )
            continue
        if found and found[-1].stage == stage and found[-1].end == start:
            found[-1].end = end
            found[-1].origins.append(ward_stay.origin)
            continue
        found.append(
            _Stay(
                stage=stage,
                start=start,
                end=end,
                id=_id("ward-stay", ward_stay.ward_stay_id),
                origins=[ward_stay.origin],
            )
        )
    return found


def _stays_of_person(
    spells: list[SpellRow],
    ward_stays: Mapping[tuple[str, ...], list[WardStayRow]],
    mapping: StageMapping,
    ledger: Ledger,
    definition: PathwayDefinition,
) -> list[_Stay]:
    """One person's placements at one provider: each spell's, and the time after each.

    The time after a discharge is added only where the discharge may lead to it: the
    destination is none of the mapping's ``not_community`` codes, and the definition
    allows the move from the last stage (never a move the pathway does not have, such
    as high secure straight to the community).
    """
    placements: list[_Stay] = []
    for spell in spells:
        last = placements[-1] if placements else None
        if last is not None and last.after_discharge and last.end is None:
            # The time after the last discharge ends when this spell begins.
            if spell.start.date() <= last.start:
                placements.pop()
            else:
                last.end = spell.start.date()
        key = (spell.provider, spell.person_id, spell.referral_id, spell.spell_id)
        found = _stays_of_spell(
            spell, ward_stays.get(key, []), mapping, ledger, placements[-1] if placements else None
        )
        if not found:
            _refuse(
                ledger,
                spell.origin,
                "UniqHospProvSpellID",
                reason="no usable ward stay",
                expected="at least one ward stay of the spell that gives a placement",
                found="none",
            )
            continue
        placements += found
        spell_end = None if spell.end is None else spell.end.date()
        if (
            mapping.after_discharge is not None
            and spell_end is not None
            and spell.discharge_destination not in mapping.not_community
            and definition.allows(found[-1].stage, mapping.after_discharge)
            and found[-1].end == spell_end
        ):
            placements.append(
                _Stay(
                    stage=mapping.after_discharge,
                    start=spell_end,
                    end=None,
                    id=_id("after-spell", spell.spell_id),
                    origins=[spell.origin],
                    after_discharge=True,
                )
            )
    return placements


def _placements(stays: list[_Stay], provider: str) -> list[Placement]:
    used: set[str] = set()
    built = []
    for number, stay in enumerate(stays, start=1):
        identifier = stay.id if stay.id and stay.id not in used else f"placement-{number}"
        used.add(identifier)
        built.append(
            Placement(
                id=identifier, stage=stay.stage, provider=provider, start=stay.start, end=stay.end
            )
        )
    return built


def _reviews(
    rows: Iterable[CpaReviewRow], placements: list[Placement], ledger: Ledger
) -> list[Review]:
    """CPA reviews (no ratings) dated inside the person's stays; others are refused."""
    first, last_end = placements[0].start, placements[-1].end
    reviews: list[Review] = []
    used: set[str] = set()
    for row in rows:
        if row.date < first or (last_end is not None and row.date >= last_end):
            _refuse(
                ledger,
                row.origin,
                "CPAReviewDate",
                reason="outside the person's stays",
                expected=f"a date from {first.isoformat()}"
                + (f" to before {last_end.isoformat()}" if last_end else ""),
                found=row.date.isoformat(),
            )
            continue
        identifier = _id("cpa", f"{row.episode_id}:{row.date.isoformat()}")
        if not identifier or identifier in used:
            identifier = f"cpa-review-{len(reviews) + 1}"
        used.add(identifier)
        reviews.append(Review(id=identifier, date=row.date, kind=ReviewKind.CPA))
    return reviews


def build_pathways(
    extract: Extract,
    *,
    definition: PathwayDefinition = SECURE_PATHWAY,
    mapping: StageMapping = DEFAULT_STAGE_MAPPING,
) -> MhsdsPathways:
    """Build one pathway record per person and provider from an extract's rows.

    Args:
        extract: The extract, read by `read_extract`.
        definition: The pathway definition the records follow.
        mapping: How ward codes give stages; every stage it names must be one of the
            definition's.

    Returns:
        The records (checked on their own terms; check each against the definition
        with ``check_pathway``), the readiness and restrictive rows of their spells,
        and the account of every row read.

    Raises:
        WrongTypeError: An argument is of the wrong type.
        UnknownCodeError: The mapping names a stage the definition lacks.
    """
    _check_arguments(extract, definition, mapping)
    ledger = extract.ledger()
    ledger.conventions["stage"] = (
        "WardSecLevel; when missing, MHAdmittedPatientClass by the row's UniqMonthID; then "
        "SpecialisedMHServiceCode; consecutive ward stays in one stage make one placement"
    )
    ledger.conventions["after_discharge"] = (
        f"a stay in {mapping.after_discharge!r} from a spell's discharge until the next spell, "
        "unless DestOfDischHospProvSpell is another hospital, a court, custody or death, or "
        "the definition has no move from the last stage to it"
        if mapping.after_discharge is not None
        else "the record ends at discharge"
    )
    ward_stays: dict[tuple[str, ...], list[WardStayRow]] = {}
    for ward_stay in extract.ward_stays:
        key = (ward_stay.provider, ward_stay.person_id, ward_stay.referral_id, ward_stay.spell_id)
        ward_stays.setdefault(key, []).append(ward_stay)
    spells = _by_person(extract.spells)
    reviews = _by_person(extract.cpa_reviews)
    ready_rows = _by_person(extract.readiness)
    restrictive_rows_ = _by_person(extract.restrictive)
    ledger.conventions["recorded_readiness"] = (
        "MHS518 and MHS504 periods on the record as RecordedReadiness, each inside one "
        "placement and none overlapping; a row that cannot be is refused, never changed"
    )
    ledger.conventions["restrictive_interventions"] = (
        "one incident of kind restrictive_intervention per incident and type, dated by its "
        "start, severity 'serious' (harm not recorded in MHSDS); never counted against readiness"
    )

    pathways: list[Pathway] = []
    used_ready: list[ReadinessRow] = []
    used_restrictive: list[RestrictiveRow] = []
    for (provider, person), own in spells.items():
        stays = _stays_of_person(own, ward_stays, mapping, ledger, definition)
        if not stays:
            continue
        placements = _placements(stays, provider)
        periods = _periods(ready_rows.get((provider, person), ()), ledger)
        incidents = _interventions(restrictive_rows_.get((provider, person), ()), ledger)
        try:
            pathway = _record(
                Pathway(
                    person_id=person,
                    definition_id=definition.id,
                    definition_version=definition.version,
                    placements=placements,
                    reviews=_reviews(reviews.get((provider, person), ()), placements, ledger),
                ),
                periods,
                incidents,
                ledger,
            )
        except ValidationError as error:  # pragma: no cover - the steps above keep it valid
            for origin in {origin for stay in stays for origin in stay.origins}:
                _refuse(
                    ledger,
                    origin,
                    "Person_ID",
                    reason="record refused by the model",
                    expected="rows that make a valid record",
                    found=f"{error.total} problem(s), the first at {error.problems[0].path}",
                )
            continue
        pathways.append(pathway)
        kept_periods = {id(period) for period in pathway.recorded_readiness}
        kept_incidents = {id(incident) for incident in pathway.incidents}
        used_ready += [row for row, period in periods if id(period) in kept_periods]
        used_restrictive += [row for row, incident in incidents if id(incident) in kept_incidents]
    for (provider, person), rows in reviews.items():
        if (provider, person) not in spells:
            for row in rows:
                _no_record(ledger, row.origin)
    with_record = {(p.placements[0].provider, p.person_id) for p in pathways}
    for origin in _without_record((ready_rows, restrictive_rows_), with_record):
        _no_record(ledger, origin)
    return MhsdsPathways(
        pathways=tuple(sorted(pathways, key=lambda p: (p.placements[0].provider, p.person_id))),
        readiness=tuple(used_ready),
        restrictive=tuple(used_restrictive),
        accounting=ledger.finish(),
    )


#: The national list a readiness row's delay reason is from, by the row's table.
_REASON_LISTS = {
    "MHS518ClinReadyforDischarge": _seam.DELAY_REASONS_V6.id,
    "MHS504DelayedDischarge": _seam.DELAY_REASONS_V5.id,
}
_REASON_FIELDS = {
    "MHS518ClinReadyforDischarge": "ClinReadyforDischDelayReason",
    "MHS504DelayedDischarge": "DelayDischReason",
}


def _periods(
    rows: Iterable[ReadinessRow], ledger: Ledger
) -> list[tuple[ReadinessRow, RecordedReadiness]]:
    """Each readiness row as a `RecordedReadiness`; a row with a code off its list is refused."""
    built: list[tuple[ReadinessRow, RecordedReadiness]] = []
    used: set[str] = set()
    for row in sorted(rows, key=lambda r: (r.start, r.record_id or "", r.origin.row)):
        reason_list = _REASON_LISTS.get(row.origin.table, _seam.DELAY_REASONS_V6.id)
        codes = _seam.DELAY_REASON_LISTS[reason_list]
        if row.delay_reason is not None and row.delay_reason not in codes:
            _refuse(
                ledger,
                row.origin,
                _REASON_FIELDS.get(row.origin.table, "ClinReadyforDischDelayReason"),
                reason="not a code of the delay reason list",
                expected=f"a code of {reason_list}",
                found=_seam.show_code(row.delay_reason),
            )
            continue
        if row.attributable_to is not None and row.attributable_to not in _seam.ATTRIBUTABLE_TO:
            _refuse(
                ledger,
                row.origin,
                "AttribToIndic",
                reason="not a code of AttribToIndic",
                expected="a code of AttribToIndic",
                found=_seam.show_code(row.attributable_to),
            )
            continue
        identifier = _id("ready", row.record_id or f"{row.spell_id}:{row.start.isoformat()}")
        if not identifier or identifier in used:
            identifier = f"ready-{len(built) + 1}"
        used.add(identifier)
        period = RecordedReadiness(
            id=identifier,
            start=row.start,
            end=row.end,
            delay_reason=row.delay_reason,
            reason_list=reason_list,
            attributable_to=row.attributable_to,
        )
        built.append((row, period))
    return built


def _interventions(
    rows: Iterable[RestrictiveRow], ledger: Ledger
) -> list[tuple[RestrictiveRow, Incident]]:
    """Each restrictive intervention as an incident done to the person."""
    built: list[tuple[RestrictiveRow, Incident]] = []
    used: set[str] = set()
    ordered = sorted(rows, key=lambda r: (r.start, r.incident_id, r.type_id or ""))
    for row in ordered:
        kind = row.intervention_type
        if kind is not None and kind not in _seam.RESTRICTIVE_INTERVENTION_TYPES:
            _refuse(
                ledger,
                row.origin,
                "RestrictiveIntType",
                reason="not a code of RestrictiveIntType",
                expected="a code of RestrictiveIntType",
                found=_seam.show_code(kind),
            )
            continue
        identifier = _id("restrictive", f"{row.incident_id}:{row.type_id or 'incident'}")
        if not identifier or identifier in used:
            identifier = f"restrictive-{len(built) + 1}"
        used.add(identifier)
        incident = Incident(
            id=identifier,
            date=row.start.date(),
            kind=IncidentKind.RESTRICTIVE_INTERVENTION,
            severity=IncidentSeverity.SERIOUS,
            intervention_type=kind,
        )
        built.append((row, incident))
    return built


def _record(
    pathway: Pathway,
    periods: list[tuple[ReadinessRow, RecordedReadiness]],
    incidents: list[tuple[RestrictiveRow, Incident]],
    ledger: Ledger,
) -> Pathway:
    """The record with its readiness periods and interventions; refuse those it cannot hold.

    A period the record refuses (outside one placement, overlapping another) is refused as
    a row, with the model's reason, and the record is built again without it: at most once
    for each period and intervention, so the loop is bounded.
    """
    periods, incidents = list(periods), list(incidents)
    for _ in range(len(periods) + len(incidents) + 1):
        try:
            return attrs.evolve(
                pathway,
                recorded_readiness=[period for _, period in periods],
                incidents=[incident for _, incident in incidents],
            )
        except ValidationError as error:  # noqa: PERF203 - bounded retries, rare
            refused = _refused_items(error, periods, incidents, ledger)
            if not refused:
                raise
            periods = [item for item in periods if id(item[1]) not in refused]
            incidents = [item for item in incidents if id(item[1]) not in refused]
    raise AssertionError("unreachable: each round refuses at least one item")  # pragma: no cover


def _refused_items(
    error: ValidationError,
    periods: list[tuple[ReadinessRow, RecordedReadiness]],
    incidents: list[tuple[RestrictiveRow, Incident]],
    ledger: Ledger,
) -> set[int]:
    """Refuse the rows of the periods and interventions the record's problems name."""
    ordered_periods = sorted((p for _, p in periods), key=lambda p: (p.start, p.id))
    ordered_incidents = sorted((i for _, i in incidents), key=lambda i: (i.date, i.id))
    canonical: dict[str, list[object]] = {
        "recorded_readiness": list(ordered_periods),
        "incidents": list(ordered_incidents),
    }
    rows: dict[int, Origin] = {id(p): row.origin for row, p in periods}
    rows.update({id(i): row.origin for row, i in incidents})
    refused: set[int] = set()
    for problem in error.problems:
        found = _seam.item_at(problem.path, canonical)
        if found is None or id(found[1]) in refused:
            continue
        field, item, rest = found
        refused.add(id(item))
        what = rest.removeprefix(".") or "row"
        _refuse(
            ledger,
            rows[id(item)],
            _MODEL_FIELDS.get((field, what), what),
            reason="refused by the record",
            expected=problem.expected,
            found=problem.found,
        )
    return refused


#: The MHSDS column behind a field of the model, for naming a refused row's field.
_MODEL_FIELDS = {
    ("recorded_readiness", "start"): "StartDateClinReadyforDisch",
    ("recorded_readiness", "end"): "EndDateClinReadyforDisch",
    ("recorded_readiness", "id"): "UniqHospProvSpellID",
    ("incidents", "date"): "StartDateRestrictiveIntType",
}


_Row = TypeVar("_Row", SpellRow, CpaReviewRow, ReadinessRow, RestrictiveRow)


def _by_person(rows: Iterable[_Row]) -> dict[tuple[str, str], list[_Row]]:
    """Rows by provider and person, in the order given."""
    grouped: dict[tuple[str, str], list[_Row]] = {}
    for row in rows:
        grouped.setdefault((row.provider, row.person_id), []).append(row)
    return grouped


def _without_record(
    groups: tuple[
        dict[tuple[str, str], list[ReadinessRow]], dict[tuple[str, str], list[RestrictiveRow]]
    ],
    with_record: set[tuple[str, str]],
) -> list[Origin]:
    """The rows of people with no record: none of them could be used."""
    return [
        row.origin
        for group in groups
        for key, rows in group.items()
        if key not in with_record
        for row in rows
    ]


def _check_arguments(extract: object, definition: object, mapping: object) -> None:
    """Refuse arguments of the wrong type, and a mapping onto stages the definition lacks."""
    for name, value, kind, expected in (
        ("extract", extract, Extract, "an Extract"),
        ("definition", definition, PathwayDefinition, "a PathwayDefinition"),
        ("mapping", mapping, StageMapping, "a StageMapping"),
    ):
        if not isinstance(value, kind):
            raise WrongTypeError.single(name, expected, _seam.type_name(value))
    assert isinstance(definition, PathwayDefinition)
    assert isinstance(mapping, StageMapping)
    for code in sorted(mapping.stage_codes()):
        if code not in definition:
            raise UnknownCodeError("stage", code, definition.stage_codes, path="mapping")


def _no_record(ledger: Ledger, origin: Origin) -> None:
    _refuse(
        ledger,
        origin,
        "Person_ID",
        reason="no record for the person and provider",
        expected="a person and provider with at least one placement",
        found="none",
    )


def read_pathways(
    source: object,
    *,
    definition: PathwayDefinition = SECURE_PATHWAY,
    mapping: StageMapping = DEFAULT_STAGE_MAPPING,
    submissions: SubmissionRule = SubmissionRule.LATEST,
) -> MhsdsPathways:
    """Read an MHSDS extract into pathway records, one per person and provider.

    Args:
        source: A mapping of table names (``"MHS502WardStay"`` or ``"MHS502"``) to data
            frames, or the path of a folder of CSV or parquet files named by table.
        definition: The pathway definition the records follow.
        mapping: How ward codes give stages (default: `DEFAULT_STAGE_MAPPING`).
        submissions: Which submission of a provider-month to keep.

    Returns:
        The records, the recorded readiness and restrictive interventions of their
        spells, and the account of every row read.

    Raises:
        ValidationError: The input cannot be used at all (see `read_extract`); bad rows
            never raise, they are refused in the account.
        UnknownCodeError: The mapping names a stage the definition lacks.
    """
    return build_pathways(
        read_extract(source, submissions=submissions), definition=definition, mapping=mapping
    )
