"""The FHIR conformance package: profiles, extensions, value sets, code systems, capability.

Everything a receiver needs to validate the export without this library, as the files of
an NPM-style FHIR package (``package.json``, ``.index.json`` and one JSON file per
resource). Profiles are constraints on base R4 (4.0.1) resources, given as
differentials; every canonical URL is under [`FHIR_BASE`][pathway_model.fhir.FHIR_BASE] and
every resource carries [`FHIR_VOCABULARY_VERSION`][pathway_model.fhir.FHIR_VOCABULARY_VERSION],
which is the package's version and the version in each ``meta.profile`` claim.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from pathway_model.errors import WrongTypeError
from pathway_model.fhir._codes import (
    EXTENSIONS,
    FHIR_BASE,
    FHIR_NAMESPACE,
    FHIR_VOCABULARY_VERSION,
    GOAL_PROGRESS,
    GOAL_SET_BY,
    GOAL_SET_BY_EXTENSION,
    INCIDENT_KIND,
    INCIDENT_SEVERITY,
    OBSERVATION_KIND,
    RATER,
    READINESS_DECISION,
    REVIEW_FINDINGS,
    REVIEW_KIND,
    fhir_code_systems,
    profile,
    profile_url,
)
from pathway_model.model import PathwayDefinition
from pathway_model.model._seam import type_name

__all__ = ["PACKAGE_DATE", "PACKAGE_NAME", "fhir_package"]

PACKAGE_NAME = "org.pathway-model.fhir"
"""The name of the conformance package (its ``package.json`` ``name``)."""

PACKAGE_DATE = "2026-12-05"
"""The date of this version of the package: the ``date`` its resources carry.

A fixed date, so the same definition always gives the same bytes (the library never
reads the clock); it changes when ``FHIR_VOCABULARY_VERSION`` does.
"""

_R4 = "4.0.1"
_HL7_SD = "http://hl7.org/fhir/StructureDefinition"
_PUBLISHER = "pathway_model"

Element = dict[str, Any]


def _kind_pattern(kind: str) -> Element:
    return {
        "path": "Observation.code",
        "patternCodeableConcept": {"coding": [{"system": OBSERVATION_KIND, "code": kind}]},
    }


def _value_set(system: str) -> str:
    """The canonical URL of the value set of all of one code system's codes."""
    return system.replace("/CodeSystem/", "/ValueSet/", 1)


def _required(system: str) -> Element:
    return {"strength": "required", "valueSet": f"{_value_set(system)}|{FHIR_VOCABULARY_VERSION}"}


_OBSERVATION_COMMON: list[Element] = [
    {"path": "Observation.category", "min": 1},
    {"path": "Observation.subject", "min": 1},
]


def _effective(kind: str) -> Element:
    return {"path": "Observation.effective[x]", "min": 1, "type": [{"code": kind}]}


#: name -> (resource type, title, description, differential elements after the root).
PROFILES: dict[str, tuple[str, str, str, list[Element]]] = {
    "pathway-care-plan": (
        "CarePlan",
        "Pathway care plan",
        "A person's record on a pathway: the definition it follows, its period and goals.",
        [
            {"path": "CarePlan.instantiatesUri", "min": 1},
            {"path": "CarePlan.intent", "fixedCode": "plan"},
            {"path": "CarePlan.subject", "type": [{"code": "Reference"}]},
            {"path": "CarePlan.period", "min": 1},
        ],
    ),
    "placement": (
        "EpisodeOfCare",
        "Placement",
        "One stay in one stage of the pathway, with one provider.",
        [
            {"path": "EpisodeOfCare.identifier", "min": 1},
            {"path": "EpisodeOfCare.type", "min": 1, "max": "1"},
            {"path": "EpisodeOfCare.managingOrganization", "min": 1},
            {"path": "EpisodeOfCare.period", "min": 1},
        ],
    ),
    "pathway-goal": (
        "Goal",
        "Pathway goal",
        "A goal in one outcome domain, and who set it.",
        [
            {"path": "Goal.extension", "min": 1},
            {"path": "Goal.identifier", "min": 1},
            {"path": "Goal.category", "min": 1, "max": "1"},
            {"path": "Goal.start[x]", "min": 1, "type": [{"code": "date"}]},
        ],
    ),
    "review": (
        "Encounter",
        "Review",
        "A dated review of the person's outcomes; its class follows the stage.",
        [
            {"path": "Encounter.identifier", "min": 1},
            {"path": "Encounter.status", "fixedCode": "finished"},
            {
                "path": "Encounter.type",
                "min": 1,
                "max": "1",
                "binding": _required(REVIEW_KIND),
            },
            {"path": "Encounter.period", "min": 1},
        ],
    ),
    "domain-rating": (
        "Observation",
        "Domain rating",
        "The team's or the person's level for one outcome domain at a review.",
        [
            *_OBSERVATION_COMMON,
            {"path": "Observation.encounter", "min": 1},
            _effective("dateTime"),
            {"path": "Observation.performer", "min": 1, "max": "1"},
            {"path": "Observation.value[x]", "type": [{"code": "CodeableConcept"}]},
            {"path": "Observation.method", "min": 1, "binding": _required(RATER)},
            {"path": "Observation.component", "max": "0"},
        ],
    ),
    GOAL_PROGRESS: (
        "Observation",
        "Goal progress",
        "How a goal was going at a review.",
        [
            *_OBSERVATION_COMMON,
            _kind_pattern(GOAL_PROGRESS),
            {"path": "Observation.focus", "min": 1, "max": "1"},
            {"path": "Observation.encounter", "min": 1},
            _effective("dateTime"),
            {"path": "Observation.value[x]", "min": 1, "type": [{"code": "CodeableConcept"}]},
        ],
    ),
    "incident": (
        "Observation",
        "Incident",
        "A dated event that matters to readiness: its kind, its severity.",
        [
            *_OBSERVATION_COMMON,
            {"path": "Observation.identifier", "min": 1},
            {"path": "Observation.code", "binding": _required(INCIDENT_KIND)},
            _effective("dateTime"),
            {
                "path": "Observation.value[x]",
                "min": 1,
                "type": [{"code": "CodeableConcept"}],
                "binding": _required(INCIDENT_SEVERITY),
            },
            {"path": "Observation.component", "max": "1"},
        ],
    ),
    "instrument-score": (
        "Observation",
        "Instrument rating",
        "A HoNOS or HoNOS-secure rating: one component per scale, coded with SNOMED CT.",
        [
            *_OBSERVATION_COMMON,
            {"path": "Observation.identifier", "min": 1},
            _effective("dateTime"),
            {"path": "Observation.value[x]", "max": "0"},
            {"path": "Observation.component", "min": 12},
        ],
    ),
    "recorded-readiness": (
        "Observation",
        "Recorded readiness",
        "A period the team recorded the person clinically ready for discharge or transfer.",
        [
            *_OBSERVATION_COMMON,
            {"path": "Observation.identifier", "min": 1},
            _effective("Period"),
            {"path": "Observation.value[x]", "type": [{"code": "CodeableConcept"}]},
            {"path": "Observation.component", "max": "1"},
        ],
    ),
    REVIEW_FINDINGS: (
        "Observation",
        "Review findings",
        "The ratings and goal progress of one review, in the order recorded.",
        [
            *_OBSERVATION_COMMON,
            _kind_pattern(REVIEW_FINDINGS),
            {"path": "Observation.encounter", "min": 1},
            _effective("dateTime"),
            {"path": "Observation.value[x]", "max": "0"},
            {"path": "Observation.hasMember", "min": 1},
        ],
    ),
    READINESS_DECISION: (
        "Observation",
        "Readiness decision",
        (
            "The outcome rule's decision at one date: computed from the record, with the "
            "criteria it judged and the Observations it judged them on (derivedFrom)."
        ),
        [
            *_OBSERVATION_COMMON,
            _kind_pattern(READINESS_DECISION),
            {"path": "Observation.basedOn", "min": 1},
            _effective("dateTime"),
            {"path": "Observation.value[x]", "min": 1, "type": [{"code": "CodeableConcept"}]},
            {"path": "Observation.component", "min": 1},
        ],
    ),
}

#: The code system an extension's coded value is bound to.
_EXTENSION_BINDINGS = {GOAL_SET_BY_EXTENSION: GOAL_SET_BY}


def _name(text: str) -> str:
    """A computer-friendly name (``[A-Z][A-Za-z0-9_]*``) from a code such as ``placement``."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", text))


def _header(
    resource_type: str, url: str, name: str, title: str, description: str
) -> dict[str, Any]:
    return {
        "resourceType": resource_type,
        "id": url.rsplit("/", 1)[1],
        "url": url,
        "version": FHIR_VOCABULARY_VERSION,
        "name": name,
        "title": title,
        "status": "active",
        "experimental": False,
        "date": PACKAGE_DATE,
        "publisher": _PUBLISHER,
        "description": description,
    }


def _elements(type_name_: str, short: str, elements: list[Element]) -> list[Element]:
    root: Element = {"id": type_name_, "path": type_name_, "short": short}
    return [root, *({"id": e["path"], **e} for e in elements)]


def _profile(name: str) -> dict[str, Any]:
    resource_type, title, description, elements = PROFILES[name]
    resource = _header("StructureDefinition", profile_url(name), _name(name), title, description)
    resource.update(
        {
            "fhirVersion": _R4,
            "kind": "resource",
            "abstract": False,
            "type": resource_type,
            "baseDefinition": f"{_HL7_SD}/{resource_type}",
            "derivation": "constraint",
            "differential": {"element": _elements(resource_type, title, elements)},
        }
    )
    return resource


def _extension(url: str) -> dict[str, Any]:
    context, value_type, description = EXTENSIONS[url]
    code = url.rsplit("/", 1)[1]
    title = code.replace("-", " ").capitalize()
    value: Element = {"path": "Extension.value[x]", "min": 1, "type": [{"code": value_type}]}
    if url in _EXTENSION_BINDINGS:
        value["binding"] = _required(_EXTENSION_BINDINGS[url])
    resource = _header("StructureDefinition", url, _name(code), title, description)
    resource.update(
        {
            "fhirVersion": _R4,
            "kind": "complex-type",
            "abstract": False,
            "context": [{"type": "element", "expression": context}],
            "type": "Extension",
            "baseDefinition": f"{_HL7_SD}/Extension",
            "derivation": "constraint",
            "differential": {
                "element": _elements(
                    "Extension",
                    title,
                    [
                        {"path": "Extension.extension", "max": "0"},
                        {"path": "Extension.url", "fixedUri": url},
                        value,
                    ],
                )
            },
        }
    )
    return resource


def _value_set_of(system: dict[str, Any]) -> dict[str, Any]:
    url = _value_set(system["url"])
    return {
        "resourceType": "ValueSet",
        "id": str(uuid.uuid5(FHIR_NAMESPACE, f"{url}|{system['version']}")),
        "url": url,
        "version": system["version"],
        "name": system["name"],
        "title": system["title"],
        "status": "active",
        "experimental": False,
        "date": PACKAGE_DATE,
        "publisher": _PUBLISHER,
        "description": f"Every code of the code system {system['url']}.",
        "compose": {"include": [{"system": system["url"], "version": system["version"]}]},
    }


def _capability_statement(profiles: list[dict[str, Any]]) -> dict[str, Any]:
    by_type: dict[str, list[str]] = {}
    for sd in profiles:
        by_type.setdefault(sd["type"], []).append(profile(sd["id"]))
    resource = _header(
        "CapabilityStatement",
        f"{FHIR_BASE}/CapabilityStatement/pathway-model",
        "PathwayModelExchange",
        "Exchanging pathways with pathway_model",
        (
            "What a FHIR server that holds pathways exported by pathway_model supports: "
            "the resources of the export, each with the library's profiles, created or "
            "updated (a transaction of conditional updates on their identifiers) and read."
        ),
    )
    resource.update(
        {
            "kind": "requirements",
            "fhirVersion": _R4,
            "format": ["json"],
            "rest": [
                {
                    "mode": "server",
                    "documentation": (
                        "Load a Bundle as a transaction; read it back by the person's "
                        "identifier. See the how-to 'Exchange pathways as FHIR R4'."
                    ),
                    "resource": [
                        {
                            "type": kind,
                            "supportedProfile": sorted(claims),
                            "interaction": [
                                {"code": code}
                                for code in ("read", "create", "update", "search-type")
                            ],
                            "conditionalUpdate": True,
                            "searchParam": [
                                {
                                    "name": "patient" if kind != "Patient" else "identifier",
                                    "type": "reference" if kind != "Patient" else "token",
                                }
                            ],
                        }
                        for kind, claims in sorted(by_type.items())
                    ],
                    "interaction": [{"code": "transaction"}, {"code": "batch"}],
                }
            ],
        }
    )
    return resource


def _file_name(resource: dict[str, Any]) -> str:
    return f"{resource['resourceType']}-{resource['id']}.json"


def fhir_package(definition: PathwayDefinition) -> dict[str, dict[str, Any]]:
    """Return the files of the FHIR conformance package for a definition's exports.

    The package holds a StructureDefinition for each of the library's profiles (the
    CarePlan, the EpisodeOfCare of a placement, the Goal, the Encounter of a review, and
    one per kind of Observation) and extensions (who set a goal, the next review date,
    the domain of a readiness criterion); a CodeSystem and a ValueSet for each code
    system of [`fhir_code_systems`][pathway_model.fhir.fhir_code_systems]; and a
    CapabilityStatement. With them come ``package.json`` (name
    [`PACKAGE_NAME`][pathway_model.fhir.PACKAGE_NAME], version
    [`FHIR_VOCABULARY_VERSION`][pathway_model.fhir.FHIR_VOCABULARY_VERSION], FHIR 4.0.1)
    and ``.index.json``. Write each file into a folder named ``package`` to have a
    package a FHIR validator loads; ``pathway-model fhir package OUT_DIR`` does.

    Args:
        definition: The definition whose domains, levels and stages are coded.

    Returns:
        File name to JSON-ready dict, in a fixed order; the same for the same
        definition.

    Raises:
        WrongTypeError: ``definition`` is not a ``PathwayDefinition``.

    Examples:
        >>> from pathway_model.catalogue import SECURE_PATHWAY
        >>> files = fhir_package(SECURE_PATHWAY)
        >>> files["package.json"]["name"], files["package.json"]["fhirVersions"]
        ('org.pathway-model.fhir', ['4.0.1'])
        >>> "StructureDefinition-placement.json" in files
        True
    """
    if not isinstance(definition, PathwayDefinition):
        raise WrongTypeError.single("definition", "a PathwayDefinition", type_name(definition))
    profiles = [_profile(name) for name in PROFILES]
    extensions = [_extension(url) for url in EXTENSIONS]
    code_systems = fhir_code_systems(definition)
    value_sets = [_value_set_of(system) for system in code_systems]
    resources = [
        *profiles,
        *extensions,
        *code_systems,
        *value_sets,
        _capability_statement(profiles),
    ]
    index = {
        "index-version": 1,
        "files": [
            {
                "filename": _file_name(resource),
                "resourceType": resource["resourceType"],
                "id": resource["id"],
                "url": resource["url"],
                "version": resource["version"],
                **({"type": resource["type"]} if "type" in resource else {}),
                **({"kind": resource["kind"]} if "kind" in resource else {}),
            }
            for resource in resources
        ],
    }
    manifest = {
        "name": PACKAGE_NAME,
        "version": FHIR_VOCABULARY_VERSION,
        "description": (
            "Profiles, extensions, code systems, value sets and a capability statement for "
            f"pathways exported by pathway_model, on the definition {definition.id} "
            f"{definition.version}."
        ),
        "author": _PUBLISHER,
        "license": "MIT",
        "canonical": FHIR_BASE,
        "fhirVersions": [_R4],
        "type": "fhir.ig",
        "date": PACKAGE_DATE.replace("-", "") + "000000",
        "dependencies": {"hl7.fhir.r4.core": _R4},
    }
    files: dict[str, dict[str, Any]] = {"package.json": manifest, ".index.json": index}
    files.update((_file_name(resource), resource) for resource in resources)
    return files
