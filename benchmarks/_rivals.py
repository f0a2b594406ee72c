"""Equivalent pydantic v2 and msgspec models of a pathway document, for the serialisation benchmark.

They hold the same shape and check what a schema can: types, codes by pattern, enums, dates,
and forbidden extra keys. They do not check what needs the whole record (sorted
collections, overlaps, unique ids): those checks are the library's own and are included in
its timings, which makes the comparison conservative.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec
import pydantic

CODE = r"^[A-Za-z0-9][A-Za-z0-9_.:\-]{0,63}$"
SetBy = Literal["person", "team", "shared"]
Lifecycle = Literal[
    "proposed", "planned", "accepted", "active", "on-hold", "completed", "cancelled",
    "entered-in-error", "rejected",
]  # fmt: skip
Achievement = Literal[
    "in-progress", "improving", "worsening", "no-change", "achieved", "sustaining",
    "not-achieved", "no-progress", "not-attainable",
]  # fmt: skip
ReviewKind = Literal["cpa", "clinical", "other"]
IncidentKind = Literal[
    "violence", "self_harm", "absconding", "substance_use", "restrictive_intervention", "other"
]
Severity = Literal["minor", "moderate", "serious"]

# --- pydantic v2 ---------------------------------------------------------------------------

PCode = Annotated[str, pydantic.StringConstraints(pattern=CODE)]
PText = Annotated[str, pydantic.StringConstraints(min_length=1, max_length=20_000)]
PName = Annotated[str, pydantic.StringConstraints(min_length=1, max_length=200)]
_strict = pydantic.ConfigDict(extra="forbid", frozen=True, strict=False)


class PPlacement(pydantic.BaseModel):
    model_config = _strict
    id: PCode
    stage: PCode
    provider: PName
    start: dt.date
    end: dt.date | None = None


class PGoal(pydantic.BaseModel):
    model_config = _strict
    id: PCode
    domain: PCode
    description: PText
    set_by: SetBy
    set_on: dt.date
    target_date: dt.date | None = None
    lifecycle_status: Lifecycle = "active"
    achievement_status: Achievement | None = None


class PRating(pydantic.BaseModel):
    model_config = _strict
    domain: PCode
    team: PCode
    person: PCode | None = None
    team_note: PText | None = None
    person_note: PText | None = None


class PProgress(pydantic.BaseModel):
    model_config = _strict
    goal: PCode
    achievement_status: Achievement
    note: PText | None = None


class PReview(pydantic.BaseModel):
    model_config = _strict
    id: PCode
    date: dt.date
    kind: ReviewKind = "cpa"
    ratings: tuple[PRating, ...] = ()
    goal_progress: tuple[PProgress, ...] = ()
    next_review_date: dt.date | None = None


class PIncident(pydantic.BaseModel):
    model_config = _strict
    id: PCode
    date: dt.date
    kind: IncidentKind
    severity: Severity
    note: PText | None = None
    intervention_type: PCode | None = None


ReasonList = Literal["ClinReadyforDischDelayReason", "DelayDischReason"]
Attributable = Literal["04", "05", "06", "07"]


class PRecordedReadiness(pydantic.BaseModel):
    model_config = _strict
    id: PCode
    start: dt.date
    end: dt.date | None = None
    delay_reason: PCode | None = None
    reason_list: ReasonList = "ClinReadyforDischDelayReason"
    attributable_to: Attributable | None = None


class PPathway(pydantic.BaseModel):
    model_config = _strict
    schema_version: Literal[2]
    document: Literal["pathway"]
    person_id: PCode
    definition_id: PCode
    definition_version: PCode
    placements: tuple[PPlacement, ...]
    goals: tuple[PGoal, ...] = ()
    reviews: tuple[PReview, ...] = ()
    incidents: tuple[PIncident, ...] = ()
    recorded_readiness: tuple[PRecordedReadiness, ...] = ()


# --- msgspec ------------------------------------------------------------------------------

MCode = Annotated[str, msgspec.Meta(pattern=CODE)]
MText = Annotated[str, msgspec.Meta(min_length=1, max_length=20_000)]
MName = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
_opts = {"frozen": True, "forbid_unknown_fields": True, "kw_only": True}


class MPlacement(msgspec.Struct, **_opts):  # type: ignore[call-arg]
    id: MCode
    stage: MCode
    provider: MName
    start: dt.date
    end: dt.date | None = None


class MGoal(msgspec.Struct, **_opts):  # type: ignore[call-arg]
    id: MCode
    domain: MCode
    description: MText
    set_by: SetBy
    set_on: dt.date
    target_date: dt.date | None = None
    lifecycle_status: Lifecycle = "active"
    achievement_status: Achievement | None = None


class MRating(msgspec.Struct, **_opts):  # type: ignore[call-arg]
    domain: MCode
    team: MCode
    person: MCode | None = None
    team_note: MText | None = None
    person_note: MText | None = None


class MProgress(msgspec.Struct, **_opts):  # type: ignore[call-arg]
    goal: MCode
    achievement_status: Achievement
    note: MText | None = None


class MReview(msgspec.Struct, **_opts):  # type: ignore[call-arg]
    id: MCode
    date: dt.date
    kind: ReviewKind = "cpa"
    ratings: tuple[MRating, ...] = ()
    goal_progress: tuple[MProgress, ...] = ()
    next_review_date: dt.date | None = None


class MIncident(msgspec.Struct, **_opts):  # type: ignore[call-arg]
    id: MCode
    date: dt.date
    kind: IncidentKind
    severity: Severity
    note: MText | None = None
    intervention_type: MCode | None = None


class MRecordedReadiness(msgspec.Struct, **_opts):  # type: ignore[call-arg]
    id: MCode
    start: dt.date
    end: dt.date | None = None
    delay_reason: MCode | None = None
    reason_list: ReasonList = "ClinReadyforDischDelayReason"
    attributable_to: Attributable | None = None


class MPathway(msgspec.Struct, **_opts):  # type: ignore[call-arg]
    schema_version: Literal[2]
    document: Literal["pathway"]
    person_id: MCode
    definition_id: MCode
    definition_version: MCode
    placements: tuple[MPlacement, ...]
    goals: tuple[MGoal, ...] = ()
    reviews: tuple[MReview, ...] = ()
    incidents: tuple[MIncident, ...] = ()
    recorded_readiness: tuple[MRecordedReadiness, ...] = ()
