"""CDS Hooks 2.0.1: the services, the record read from ``prefetch``, and the card.

Nothing here reads the clock or the network: the date comes in with the call, and the
record only from what the CDS client prefetched.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable, Mapping
from typing import Any

import attrs

import pathway_model as pm
from pathway_model.catalogue import DELAY_REASONS_V6, definition_for
from pathway_model.errors import PathwayModelError, ValidationError, show_code
from pathway_model.fhir import FHIR_BASE, FHIR_NAMESPACE, from_fhir

__all__ = [
    "AS_OF_EXTENSION",
    "PREFETCH",
    "SERVICES",
    "CdsService",
    "HookError",
    "card_for",
    "discovery",
    "feedback_lines",
    "record_from_prefetch",
]

#: The request ``extension`` key that fixes the date of one call (``YYYY-MM-DD``).
AS_OF_EXTENSION = "org.pathway-model.as-of"
#: Where the card's details are explained.
DOCS_URL = "https://pathway-model.readthedocs.io/en/latest/how-to/cds-hooks-service/"
#: The longest summary CDS Hooks allows is under 140 characters.
MAX_SUMMARY = 139
_PERSON_SYSTEM = f"{FHIR_BASE}/identifier/person"
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@attrs.frozen(kw_only=True)
class CdsService:
    """One CDS service: its id, the hook it answers, and its words for discovery."""

    id: str
    hook: str
    title: str
    description: str


SERVICES: tuple[CdsService, ...] = (
    CdsService(
        id="pathway-readiness",
        hook="patient-view",
        title="Secure care pathway: ready to move on?",
        description=(
            "Whether the person is ready to move on from their stay in secure care (and "
            "since when), what is still needed, and whether a review is overdue, from the "
            "pathway record in the EPR."
        ),
    ),
    CdsService(
        id="pathway-discharge",
        hook="encounter-discharge",
        title="Secure care pathway at discharge",
        description=(
            "At discharge, the pathway decision for the stay: ready since when and days "
            "beyond readiness, or what was still needed."
        ),
    ),
)

#: The prefetch templates: each key, its FHIR query, and the resource type it holds.
PREFETCH: dict[str, tuple[str, str]] = {
    "patient": ("Patient/{{context.patientId}}", "Patient"),
    "carePlans": ("CarePlan?subject={{context.patientId}}", "CarePlan"),
    "episodes": ("EpisodeOfCare?patient={{context.patientId}}", "EpisodeOfCare"),
    "goals": ("Goal?subject={{context.patientId}}", "Goal"),
    "encounters": ("Encounter?subject={{context.patientId}}", "Encounter"),
    "observations": ("Observation?subject={{context.patientId}}", "Observation"),
}
#: The order resources are read in, whatever order they were sent in.
_READ_ORDER = ("CarePlan", "EpisodeOfCare", "Goal", "Encounter", "Observation")


class HookError(Exception):
    """A call that cannot be answered with cards: its status and what is wrong, in words.

    ``issues`` are (FHIR issue code, words) pairs for an OperationOutcome; the words never
    hold clinical text.
    """

    def __init__(self, status: int, issues: list[tuple[str, str]]) -> None:
        self.status = status
        self.issues = issues
        super().__init__("; ".join(words for _, words in issues))


def discovery() -> dict[str, Any]:
    """The discovery document: every service, with its prefetch templates."""
    return {
        "services": [
            {
                "hook": service.hook,
                "id": service.id,
                "title": service.title,
                "description": service.description,
                "prefetch": {key: query for key, (query, _) in PREFETCH.items()},
                "usageRequirements": (
                    "Send every prefetch key (null when there is no data). The date decided "
                    f"for is the service's date in England, or extension['{AS_OF_EXTENSION}']."
                ),
            }
            for service in SERVICES
        ]
    }


# --- the record from prefetch -------------------------------------------------------------------


def _codings(resource: Mapping[str, Any], element: str) -> list[dict[str, Any]]:
    found = resource.get(element)
    concepts = found if isinstance(found, list) else [found]
    return [
        coding
        for concept in concepts
        if isinstance(concept, dict) and isinstance(concept.get("coding"), list)
        for coding in concept["coding"]
        if isinstance(coding, dict)
    ]


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _system_starts(resource: Mapping[str, Any], element: str, prefix: str) -> bool:
    return any(
        isinstance(coding.get("system"), str) and coding["system"].startswith(prefix)
        for coding in _codings(resource, element)
    )


#: Whether a resource of each type is one of the pathway's (the EPR sends others too).
_OURS: dict[str, Callable[[Mapping[str, Any]], bool]] = {
    "CarePlan": lambda r: any(
        isinstance(uri, str) and uri.startswith(f"{FHIR_BASE}/pathway-definition/")
        for uri in _list(r.get("instantiatesUri"))
    ),
    "EpisodeOfCare": lambda r: _system_starts(r, "type", f"{FHIR_BASE}/CodeSystem/stage/"),
    "Goal": lambda r: _system_starts(r, "category", f"{FHIR_BASE}/CodeSystem/domain/"),
    "Encounter": lambda r: _system_starts(r, "type", f"{FHIR_BASE}/CodeSystem/review-kind"),
    "Observation": lambda r: _system_starts(
        r, "category", f"{FHIR_BASE}/CodeSystem/observation-kind"
    ),
}


def _entries(key: str, value: object, resource_type: str) -> list[dict[str, Any]]:
    """The entries a prefetch value holds: a searchset Bundle's, or one resource's."""
    if not isinstance(value, dict):
        raise HookError(400, [("invalid", f"prefetch.{key}: expected a resource or a Bundle")])
    if value.get("resourceType") == "Bundle":
        entries = value.get("entry", [])
        if not isinstance(entries, list):
            raise HookError(400, [("invalid", f"prefetch.{key}.entry: expected an array")])
    else:
        entries = [{"resource": value}]
    found = []
    for number, entry in enumerate(entries):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict):
            raise HookError(
                400, [("invalid", f"prefetch.{key}.entry[{number}]: expected a resource")]
            )
        kind = resource.get("resourceType")
        if kind == "OperationOutcome":
            continue  # a searchset's warnings travel as entries of their own
        if kind != resource_type:
            raise HookError(
                400,
                [
                    (
                        "invalid",
                        (
                            f"prefetch.{key}.entry[{number}].resource.resourceType: expected "
                            f"{resource_type!r}; found {show_code(str(kind))}"
                        ),
                    )
                ],
            )
        kept = {"resource": resource}
        if isinstance(entry.get("fullUrl"), str):
            kept["fullUrl"] = entry["fullUrl"]
        found.append(kept)
    return found


def _person_id(patient: Mapping[str, Any], patient_id: str) -> str:
    """The pseudonymous person id of the Patient in context, checked against the context."""
    if patient.get("id") != patient_id:
        raise HookError(
            400,
            [("invalid", "prefetch.patient.id: expected the context's patientId; found another")],
        )
    identifiers = patient.get("identifier")
    values = [
        item.get("value")
        for item in (identifiers if isinstance(identifiers, list) else [])
        if isinstance(item, dict) and item.get("system") == _PERSON_SYSTEM
    ]
    person: object = values[0] if len(values) == 1 else None
    if not isinstance(person, str) or not person:
        raise HookError(
            412,
            [
                (
                    "required",
                    (
                        f"prefetch.patient.identifier: expected one identifier of system "
                        f"{_PERSON_SYSTEM} (the pathway's person id); found {len(values)}"
                    ),
                )
            ],
        )
    return person


#: The elements of the pathway's resources that may point at the person.
_PERSON_ELEMENTS = ("subject", "patient", "performer")


def _as_person(
    resource: dict[str, Any], key: str, patient_id: str, person_id: str
) -> dict[str, Any]:
    """The resource with each literal reference to the Patient in context made logical.

    An EPR points at the patient as ``Patient/<id>``; the pathway's resources name the
    person by their pseudonymous id. A reference to the Patient in context becomes the
    person's logical reference; a literal reference to any other Patient is refused.

    Raises:
        HookError: 400 when the resource points at another Patient.
    """
    changed: dict[str, Any] = {}
    for element in _PERSON_ELEMENTS:
        value = resource.get(element)
        items = value if isinstance(value, list) else [value]
        if not any(isinstance(item, dict) and "reference" in item for item in items):
            continue
        replaced = [_person_reference(item, key, patient_id, person_id) for item in items]
        changed[element] = replaced if isinstance(value, list) else replaced[0]
    return {**resource, **changed} if changed else resource


def _person_reference(item: object, key: str, patient_id: str, person_id: str) -> object:
    if not isinstance(item, dict) or not isinstance(item.get("reference"), str):
        return item
    reference = item["reference"]
    if not reference.startswith("Patient/") and "/Patient/" not in reference:
        return item  # another kind of performer, left for the import to judge
    if reference.rpartition("Patient/")[2] != patient_id:
        words = f"prefetch.{key}: expected resources of the Patient in context; found another's"
        raise HookError(400, [("invalid", words)])
    return {"type": "Patient", "identifier": {"system": _PERSON_SYSTEM, "value": person_id}}


def record_from_prefetch(
    prefetch: object, patient_id: str, definition: pm.PathwayDefinition | None
) -> pm.Pathway | None:
    """Read the patient's pathway record from a call's prefetch.

    Resources of the pathway (by their code systems) are read, in a fixed order whatever
    order they came in; others are passed over. The record must be the person's whom
    the Patient in context names.

    Returns:
        The record; ``None`` when the patient has no pathway CarePlan.

    Raises:
        HookError: 412 when a prefetch key is missing (the service fetches nothing
            itself) or the Patient does not say the person's id; 400 when what was sent
            is not the patient's or not FHIR resources as the templates ask.
        ValidationError: The pathway's resources cannot be read as a record.
    """
    if not isinstance(prefetch, dict):
        raise HookError(412, [("required", "prefetch: expected the prefetched resources")])
    missing = [key for key in PREFETCH if key not in prefetch]
    if missing:
        raise HookError(
            412, [("required", f"prefetch.{key}: expected; found none") for key in missing]
        )
    patient = prefetch["patient"]
    if not isinstance(patient, dict) or patient.get("resourceType") != "Patient":
        raise HookError(412, [("required", "prefetch.patient: expected a Patient")])
    person_id = _person_id(patient, patient_id)
    by_type: dict[str, list[dict[str, Any]]] = {kind: [] for kind in _READ_ORDER}
    for key, (_, resource_type) in PREFETCH.items():
        if key == "patient" or prefetch[key] is None:
            continue
        for entry in _entries(key, prefetch[key], resource_type):
            if _OURS[resource_type](entry["resource"]):
                entry["resource"] = _as_person(entry["resource"], key, patient_id, person_id)
                by_type[resource_type].append(entry)
    if not by_type["CarePlan"]:
        return None
    entries = [
        entry
        for kind in _READ_ORDER
        for entry in sorted(by_type[kind], key=lambda e: str(e["resource"].get("id", "")))
    ]
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": entries}
    record = from_fhir(bundle, definition=definition)
    if record.person_id != person_id:
        raise HookError(
            400,
            [
                (
                    "invalid",
                    (
                        "prefetch: expected the pathway of the Patient in context; found the "
                        "pathway of another person"
                    ),
                )
            ],
        )
    return record


# --- the card -----------------------------------------------------------------------------------


def _markdown(text: str) -> str:
    """The team explanation as Markdown: each line a paragraph, each criterion an item."""
    escaped = re.sub(r"([\\`*<>#])", r"\\\1", text)
    # An underscore between letters never starts emphasis: ``partly_met`` stays as it is.
    escaped = re.sub(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])", r"\\_", escaped)
    blocks: list[str] = []
    for line in escaped.splitlines():
        if line.startswith("  - "):
            item = "- " + line[4:]
            if blocks and blocks[-1].startswith("- "):
                blocks[-1] += "\n" + item
            else:
                blocks.append(item)
        elif line.strip():
            blocks.append(line)
    return "\n\n".join(blocks)


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}" if count == 1 else f"{count:,} {word}s"


def _criterion_name(criterion: pm.Criterion, definition: pm.PathwayDefinition) -> str:
    if criterion.kind is pm.CriterionKind.SUSTAINED:
        return "sustained progress"
    if criterion.kind is pm.CriterionKind.INCIDENT_FREE:
        return "incident-free time"
    name = definition.framework.domain(criterion.domain or "").name
    own = " (own view)" if criterion.kind is pm.CriterionKind.PERSON_LEVEL else ""
    return f"{name[:1].lower()}{name[1:]}{own}"


def _fit(head: str, items: list[str], tail: str) -> str:
    """``head`` and as many ``items`` as fit under the summary's limit, then ``tail``."""
    shown: list[str] = []
    for number, item in enumerate(items):
        left = len(items) - number - 1
        more = f" and {left:,} more" if left else ""
        if len(head + ", ".join([*shown, item]) + more + tail) > MAX_SUMMARY:
            rest = len(items) - len(shown)
            return head + ", ".join(shown) + (" and " if shown else "") + f"{rest:,} more" + tail
        shown.append(item)
    return head + ", ".join(shown) + tail


def _summary(decision: pm.Assessment, definition: pm.PathwayDefinition) -> tuple[str, bool]:
    """The card's summary, and whether it warns."""
    readiness, schedule = decision.readiness, decision.schedule
    overdue = (
        f"; review overdue by {_plural(schedule.days_overdue, 'day')}" if schedule.overdue else ""
    )
    warn = schedule.overdue
    if readiness.ready and readiness.readiness_date is not None:
        days = readiness.days_beyond_readiness
        summary = (
            f"Ready to move on since {readiness.readiness_date.isoformat()}: "
            f"{_plural(days, 'day')} beyond readiness{overdue}"
        )
        warn = warn or days > 0
    elif decision.status is pm.AssessmentStatus.NO_EVIDENCE:
        summary = f"Not yet ready to move on: no review yet in this stay{overdue}"
    elif not decision.has_exit_criteria:
        summary = f"This stage has no exit criteria to be ready against{overdue}"
    else:
        needed = [
            _criterion_name(criterion, definition)
            for criterion in decision.criteria
            if not criterion.met
        ]
        summary = _fit("Not yet ready to move on; still needed: ", needed, overdue)
    return summary[:MAX_SUMMARY], warn


def _override_reasons() -> list[dict[str, str]]:
    system = f"{FHIR_BASE}/CodeSystem/mhsds/{DELAY_REASONS_V6.id}"
    return [
        {"system": system, "code": item.code, "display": item.label}
        for item in DELAY_REASONS_V6.codes
        if item.last_month is None
    ]


def card_for(
    record: pm.Pathway, as_of: dt.date, service: CdsService, definition: pm.PathwayDefinition | None
) -> dict[str, Any]:
    """The one card for a record at a date.

    Raises:
        PathwayModelError: The record cannot be decided on (its definition is not known).
    """
    used = definition if definition is not None else definition_for(record)
    try:
        decision = pm.assess(record, as_of, definition=used)
    except ValidationError as error:
        if any(problem.path != "as_of" for problem in error.problems):
            raise
        return _no_stay_card(record, as_of, service)
    summary, warn = _summary(decision, used)
    explanation = pm.explain(decision, pm.Audience.TEAM, definition=used)
    detail = f"As of {as_of.isoformat()}.\n\n" + _markdown(explanation)
    card: dict[str, Any] = {
        "uuid": str(
            uuid.uuid5(
                FHIR_NAMESPACE,
                f"card|{service.id}|{record.person_id}|{as_of.isoformat()}|{summary}",
            )
        ),
        "summary": summary,
        "indicator": "warning" if warn else "info",
        "detail": detail,
        "source": {
            "label": f"pathway_model {pm.__version__}, {used.name} {used.version}",
            "url": DOCS_URL,
        },
    }
    if decision.readiness.ready:
        card["overrideReasons"] = _override_reasons()
    return card


def _no_stay_card(record: pm.Pathway, as_of: dt.date, service: CdsService) -> dict[str, Any]:
    """A card when no stay of the record covers the date: no decision, and why."""
    summary = f"No stay in the pathway record covers {as_of.isoformat()}: no decision is shown"
    return {
        "uuid": str(uuid.uuid5(FHIR_NAMESPACE, f"card|{service.id}|{record.person_id}|{summary}")),
        "summary": summary,
        "indicator": "info",
        "detail": (
            f"The pathway record has no stay on {as_of.isoformat()}: the date is before its "
            "first stay, between two stays, or after its last stay ended. If the person is "
            "in secure care now, the pathway record in the EPR may be out of date."
        ),
        "source": {"label": f"pathway_model {pm.__version__}", "url": DOCS_URL},
    }


def problems_card(error: PathwayModelError, service: CdsService, patient_id: str) -> dict[str, Any]:
    """A warning card when the record cannot be read: no decision, and why."""
    problems = error.problems if isinstance(error, ValidationError) else ()
    lines = [f"- {_markdown(str(problem))}" for problem in problems[:10]]
    if not problems:
        lines = [f"- {_markdown(str(error))}"]
    total = error.total if isinstance(error, ValidationError) else 1
    more = f"\n\n{total - len(lines):,} more not shown." if total > len(lines) else ""
    return {
        "uuid": str(uuid.uuid5(FHIR_NAMESPACE, f"problems|{service.id}|{patient_id}|{error}")),
        "summary": f"The pathway record has {_plural(total, 'problem')}: no decision is shown",
        "indicator": "warning",
        "detail": "The pathway record in the EPR could not be read:\n\n" + "\n".join(lines) + more,
        "source": {"label": f"pathway_model {pm.__version__}", "url": DOCS_URL},
    }


def as_of_of(request: Mapping[str, Any], default: dt.date) -> dt.date:
    """The date a call decides for: the request's extension, else the service's date."""
    extension = request.get("extension")
    if not isinstance(extension, dict) or AS_OF_EXTENSION not in extension:
        return default
    text = extension[AS_OF_EXTENSION]
    if isinstance(text, str) and _ISO_DATE.fullmatch(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    raise HookError(
        400, [("invalid", f"extension.{AS_OF_EXTENSION}: expected a date as YYYY-MM-DD")]
    )


_OUTCOMES = ("accepted", "overridden")
_SYSTEM = re.compile(r"(https?://|urn:)[!-~]{1,200}")
_CODE = re.compile(r"[A-Za-z0-9._-]{1,64}")
_INSTANT = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,9})?)?(Z|[+-][0-9]{2}:[0-9]{2})"
)
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def _reason(item: Mapping[str, Any], path: str) -> dict[str, str] | None:
    override = item.get("overrideReason")
    if override is None:
        return None
    reason = override.get("reason") if isinstance(override, dict) else None
    if reason is None:
        return None
    # A code and a system only: nothing a person typed may reach the audit log.
    if (
        not isinstance(reason, dict)
        or not isinstance(reason.get("system"), str)
        or not _SYSTEM.fullmatch(reason["system"])
        or not isinstance(reason.get("code"), str)
        or not _CODE.fullmatch(reason["code"])
    ):
        raise HookError(400, [("invalid", f"{path}.overrideReason.reason: expected a Coding")])
    return {"system": reason["system"], "code": reason["code"]}


def feedback_lines(body: object, service: CdsService) -> list[dict[str, Any]]:
    """The audit lines of a feedback call: codes and ids only, never a user's comment.

    Raises:
        HookError: 400 when the body is not CDS Hooks feedback.
    """
    items = body.get("feedback") if isinstance(body, dict) else None
    if not isinstance(items, list) or not items:
        raise HookError(400, [("invalid", "feedback: expected a non-empty array")])
    lines = []
    for number, item in enumerate(items):
        path = f"feedback[{number}]"
        if not isinstance(item, dict):
            raise HookError(400, [("invalid", f"{path}: expected an object")])
        card, outcome = item.get("card"), item.get("outcome")
        if not isinstance(card, str) or not _UUID.fullmatch(card):
            raise HookError(400, [("invalid", f"{path}.card: expected the card's uuid")])
        if outcome not in _OUTCOMES:
            raise HookError(400, [("invalid", f"{path}.outcome: expected one of {_OUTCOMES}")])
        timestamp = item.get("outcomeTimestamp")
        if not isinstance(timestamp, str) or not _INSTANT.fullmatch(timestamp):
            raise HookError(400, [("invalid", f"{path}.outcomeTimestamp: expected an instant")])
        override = item.get("overrideReason")
        comment = isinstance(override, dict) and bool(override.get("userComment"))
        suggestions = item.get("acceptedSuggestions")
        lines.append(
            {
                "service": service.id,
                "card": card.lower(),
                "outcome": outcome,
                "outcome_timestamp": timestamp,
                "override_reason": _reason(item, path),
                "user_comment_given": comment,
                "accepted_suggestions": len(suggestions) if isinstance(suggestions, list) else 0,
            }
        )
    return lines
