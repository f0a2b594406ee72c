"""FHIR R4 vocabulary: canonical URLs, code systems, identifier systems and stable ids.

Every URL this library mints lives under one base, [`FHIR_BASE`][pathway_model.fhir.FHIR_BASE].
Canonical URLs are identifiers: they name a code system, they need not resolve. A code
system made from data (a framework's domains and levels, a definition's stages) has a URL
that names the framework or definition and carries its version in ``CodeSystem.version``
and ``Coding.version``, as FHIR does; the library's own closed vocabularies (incident
kinds, review kinds ...) are versioned by
[`FHIR_VOCABULARY_VERSION`][pathway_model.fhir.FHIR_VOCABULARY_VERSION].
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from pathway_model.errors import WrongTypeError
from pathway_model.model import (
    GoalAchievementStatus,
    GoalSetter,
    IncidentKind,
    IncidentSeverity,
    OutcomeFramework,
    PathwayDefinition,
    ReviewKind,
)
from pathway_model.model._seam import (
    ATTRIBUTABLE_TO,
    DELAY_REASON_LISTS,
    RESTRICTIVE_INTERVENTION_TYPES,
    CodeList,
    type_name,
)

__all__ = [
    "FHIR_BASE",
    "FHIR_NAMESPACE",
    "FHIR_VOCABULARY_VERSION",
    "READABLE_VOCABULARY_VERSIONS",
    "fhir_code_systems",
]

FHIR_BASE = "https://pathway-model.org/fhir"
"""The base of every canonical URL, identifier system and extension URL the library mints."""

FHIR_VOCABULARY_VERSION = "1.2.0"
"""The version of the library's own FHIR code systems, profiles and extensions.

1.1.0 added the incident kind ``restrictive_intervention`` and the code systems of the
MHSDS lists. 1.2.0 added the observation kinds ``review-findings`` and
``readiness-decision``, the code systems of a readiness decision, and the profiles and
extensions of the conformance package (which has this version too). A coding of an
earlier version still reads, as a version only adds codes.
"""

READABLE_VOCABULARY_VERSIONS = ("1.0.0", "1.1.0", FHIR_VOCABULARY_VERSION)
"""The versions of the library's code systems that import reads: the earlier ones and this."""

FHIR_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, FHIR_BASE)
"""The UUID namespace of resource ids: ``uuid5(NAMESPACE_URL, FHIR_BASE)``.

A resource's id is ``uuid5(FHIR_NAMESPACE, "<person id>|<kind>|<ids>")``, so the same
record always gives the same ids, and an entity keeps its id from one export to the next.
"""

# --- systems defined elsewhere ----------------------------------------------------------------

SNOMED_CT = "http://snomed.info/sct"
GOAL_ACHIEVEMENT = "http://terminology.hl7.org/CodeSystem/goal-achievement"
DATA_ABSENT_REASON = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
HL7_OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
V3_NULL_FLAVOR = "http://terminology.hl7.org/CodeSystem/v3-NullFlavor"

V3_ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"

# --- the library's own ------------------------------------------------------------------------

_CODE_SYSTEM = f"{FHIR_BASE}/CodeSystem"
INCIDENT_KIND = f"{_CODE_SYSTEM}/incident-kind"
INCIDENT_SEVERITY = f"{_CODE_SYSTEM}/incident-severity"
RESTRICTIVE_INTERVENTION_TYPE = f"{_CODE_SYSTEM}/restrictive-intervention-type"
GOAL_SET_BY = f"{_CODE_SYSTEM}/goal-set-by"
REVIEW_KIND = f"{_CODE_SYSTEM}/review-kind"
RATER = f"{_CODE_SYSTEM}/rater"
OBSERVATION_KIND = f"{_CODE_SYSTEM}/observation-kind"
INSTRUMENT = f"{_CODE_SYSTEM}/instrument"
MHSDS_DATA_ELEMENT = f"{_CODE_SYSTEM}/mhsds-data-element"
ASSESSMENT_STATUS = f"{_CODE_SYSTEM}/assessment-status"
READINESS_PART = f"{_CODE_SYSTEM}/readiness-decision-part"

_IDENTIFIER = f"{FHIR_BASE}/identifier"
PERSON_ID = f"{_IDENTIFIER}/person"
PLACEMENT_ID = f"{_IDENTIFIER}/placement"
GOAL_ID = f"{_IDENTIFIER}/goal"
REVIEW_ID = f"{_IDENTIFIER}/review"
INCIDENT_ID = f"{_IDENTIFIER}/incident"
INSTRUMENT_RATING_ID = f"{_IDENTIFIER}/instrument-rating"
RECORDED_READINESS_ID = f"{_IDENTIFIER}/recorded-readiness"

_STRUCTURE = f"{FHIR_BASE}/StructureDefinition"
GOAL_SET_BY_EXTENSION = f"{_STRUCTURE}/goal-set-by"
NEXT_REVIEW_EXTENSION = f"{_STRUCTURE}/next-review-date"
CRITERION_DOMAIN_EXTENSION = f"{_STRUCTURE}/criterion-domain"
#: The library's extensions: URL -> (the element they extend, the value type, what they say).
EXTENSIONS: dict[str, tuple[str, str, str]] = {
    GOAL_SET_BY_EXTENSION: ("Goal", "Coding", "Who set the goal: the person, the team, or both."),
    NEXT_REVIEW_EXTENSION: ("Encounter", "date", "The date the next review is due."),
    CRITERION_DOMAIN_EXTENSION: (
        "Observation.component",
        "Coding",
        "The outcome domain a level criterion of a readiness decision is about.",
    ),
}


def profile_url(name: str) -> str:
    """The canonical URL of one of the library's profiles, e.g. ``placement``."""
    return f"{_STRUCTURE}/{name}"


def profile(name: str) -> str:
    """A versioned profile claim for ``meta.profile``: ``<url>|<version>``."""
    return f"{profile_url(name)}|{FHIR_VOCABULARY_VERSION}"


def identifier_system(kind: str, organisation: str | None = None) -> str:
    """The identifier system of one kind of entity, namespaced by organisation if given.

    Without an organisation it is ``<FHIR_BASE>/identifier/<kind>``; with one it is
    ``<FHIR_BASE>/organisation/<organisation>/identifier/<kind>``, so two organisations'
    ``P-0001`` are two identifiers.
    """
    if organisation is None:
        return f"{FHIR_BASE}/identifier/{kind}"
    return f"{FHIR_BASE}/organisation/{organisation}/identifier/{kind}"


#: What an identifier system looks like: the organisation, if any, then the kind.
IDENTIFIER_SYSTEM = re.compile(
    re.escape(FHIR_BASE) + r"/(?:organisation/([^/]+)/)?identifier/([a-z-]+)"
)

#: The stage that ends care: a move to it ends the episode and completes the care plan.
DISCHARGED = "discharged"

#: ``Encounter.class`` (v3 ActCode) of a review, by definition and the stage it fell in:
#: a secure hospital is an inpatient encounter, the community an ambulatory one. A stage
#: not listed (a definition of your own, or a setting the definition does not say) is
#: v3 NullFlavor ``UNK``.
ENCOUNTER_CLASSES: dict[str, dict[str, tuple[str, str]]] = {
    "secure-pathway": {
        "high_secure": ("IMP", "inpatient encounter"),
        "medium_secure": ("IMP", "inpatient encounter"),
        "low_secure": ("IMP", "inpatient encounter"),
        "community": ("AMB", "ambulatory"),
        DISCHARGED: ("AMB", "ambulatory"),
    },
}

#: Observation kinds: the code of the library's category coding on each Observation.
DOMAIN_RATING = "domain-rating"
GOAL_PROGRESS = "goal-progress"
INCIDENT = "incident"
INSTRUMENT_SCORE = "instrument-score"
#: The component of a restrictive intervention's Observation that says what staff did.
INTERVENTION_TYPE = "restrictive-intervention-type"
RECORDED_READINESS = "recorded-readiness"
REVIEW_FINDINGS = "review-findings"
READINESS_DECISION = "readiness-decision"
#: The component that carries HoNOS scale 8's problem-type letter.
PROBLEM_8 = "honos-scale-8-problem-type"


def domain_system(framework_id: str) -> str:
    """The URL of the code system of a framework's outcome domains."""
    return f"{_CODE_SYSTEM}/domain/{framework_id}"


def level_system(framework_id: str) -> str:
    """The URL of the code system of a framework's rating levels."""
    return f"{_CODE_SYSTEM}/level/{framework_id}"


def stage_system(definition_id: str) -> str:
    """The URL of the code system of a pathway definition's stages."""
    return f"{_CODE_SYSTEM}/stage/{definition_id}"


def mhsds_system(list_id: str) -> str:
    """The URL of the code system of one MHSDS code list, named by its data element."""
    return f"{_CODE_SYSTEM}/mhsds/{list_id}"


#: The MHSDS code lists the export uses, by id: the delay reason lists and AttribToIndic.
MHSDS_LISTS: dict[str, CodeList] = {**DELAY_REASON_LISTS, ATTRIBUTABLE_TO.id: ATTRIBUTABLE_TO}


def definition_uri(definition_id: str, version: str) -> str:
    """The URI of a pathway definition at one version (``CarePlan.instantiatesUri``)."""
    return f"{FHIR_BASE}/pathway-definition/{definition_id}/{version}"


#: What a data-made system's URL looks like: the kind, then the framework's or definition's id.
DATA_SYSTEM = re.compile(re.escape(_CODE_SYSTEM) + r"/(domain|level|stage)/([^/]+)")
DEFINITION_URI = re.compile(re.escape(FHIR_BASE) + r"/pathway-definition/([^/]+)/([^/]+)")


def resource_id(person_id: str, *parts: str, organisation: str | None = None) -> str:
    """The stable id of one resource: a UUID 5 of the person's id, its kind and its ids.

    With an organisation the name is ``<organisation>/<person id>|...`` (``/`` is in no
    code), so two organisations' resources of the same person id never share an id.
    """
    name = "|".join((person_id, *parts))
    if organisation is not None:
        name = f"{organisation}/{name}"
    return str(uuid.uuid5(FHIR_NAMESPACE, name))


# --- closed vocabularies --------------------------------------------------------------------

#: code -> (display, definition), for each of the library's closed vocabularies.
Vocabulary = dict[str, tuple[str, str]]

INCIDENT_KINDS: Vocabulary = {
    IncidentKind.VIOLENCE.value: ("Violence", "Violence or aggression towards others."),
    IncidentKind.SELF_HARM.value: ("Self-harm", "Self-harm."),
    IncidentKind.ABSCONDING.value: (
        "Absconding",
        "Absconding, escape, or failure to return from leave.",
    ),
    IncidentKind.SUBSTANCE_USE.value: (
        "Substance use",
        "Use of alcohol or illicit substances.",
    ),
    IncidentKind.OTHER.value: ("Other", "Any other event that matters to readiness."),
    IncidentKind.RESTRICTIVE_INTERVENTION.value: (
        "Restrictive intervention",
        (
            "Restraint, seclusion, segregation or rapid tranquillisation, done to the person "
            "by staff; never counted against the person's readiness."
        ),
    ),
}
INCIDENT_SEVERITIES: Vocabulary = {
    IncidentSeverity.MINOR.value: ("Minor", "No injury, resolved locally."),
    IncidentSeverity.MODERATE.value: ("Moderate", "Needed intervention or caused minor harm."),
    IncidentSeverity.SERIOUS.value: ("Serious", "Caused or risked serious harm."),
}
#: The national codes (MHSDS ``RestrictiveIntType``), held once in the model.
RESTRICTIVE_INTERVENTION_TYPES_VOCABULARY: Vocabulary = {
    code: (kind.label, f"MHSDS RestrictiveIntType {code} ({kind.group}).")
    for code, kind in RESTRICTIVE_INTERVENTION_TYPES.items()
}
GOAL_SETTERS: Vocabulary = {
    GoalSetter.PERSON.value: ("Set by the person", "The person set the goal."),
    GoalSetter.TEAM.value: ("Set by the team", "The clinical team set the goal."),
    GoalSetter.SHARED.value: (
        "Set together",
        "The person and the team agreed the goal together.",
    ),
}
REVIEW_KINDS: Vocabulary = {
    ReviewKind.CPA.value: (
        "Care Programme Approach review",
        "A Care Programme Approach review.",
    ),
    ReviewKind.CLINICAL.value: (
        "Clinical team review",
        "A clinical team review, such as a ward round or a multidisciplinary meeting.",
    ),
    ReviewKind.OTHER.value: ("Other review", "Any other dated review of the person's outcomes."),
}
RATERS: Vocabulary = {
    "team": ("The team's rating", "The level the clinical team gave."),
    "person": ("The person's own rating", "The level the person gave in their own view."),
}
OBSERVATION_KINDS: Vocabulary = {
    DOMAIN_RATING: ("Outcome domain rating", "A level given to one outcome domain at a review."),
    GOAL_PROGRESS: ("Goal progress", "How a goal was going at a review."),
    INCIDENT: ("Incident", "A dated event that matters to readiness."),
    INSTRUMENT_SCORE: ("Instrument rating", "The item ratings of a rating instrument."),
    INTERVENTION_TYPE: (
        "Restrictive intervention type",
        "What staff did in a restrictive intervention: a component of its incident.",
    ),
    RECORDED_READINESS: (
        "Recorded readiness",
        "A period the team recorded the person clinically ready for discharge or transfer.",
    ),
    REVIEW_FINDINGS: (
        "Review findings",
        "The ratings and goal progress recorded at one review, in the order recorded.",
    ),
    READINESS_DECISION: (
        "Readiness decision",
        (
            "The outcome rule's decision at one date, computed from the record, with the "
            "criteria it judged and the Observations it judged them on."
        ),
    ),
}
ASSESSMENT_STATUSES: Vocabulary = {
    "ready": ("Ready", "Every exit criterion of the stage is met."),
    "not_ready": ("Not ready", "A criterion is not met, or the stage has no exit criteria."),
    "no_evidence": ("No evidence", "There has been no review yet in the stay."),
}
READINESS_PARTS: Vocabulary = {
    "team_level": ("Team's level", "The team's level for one domain meets the minimum."),
    "person_level": ("Person's level", "The person's level for one domain meets the minimum."),
    "sustained": ("Sustained", "Reviews have qualified without a break for long enough."),
    "incident_free": ("Incident free", "Long enough has passed since the last incident."),
    "readiness_date": ("Readiness date", "The first day of the ready run that reaches the date."),
    "days_beyond_readiness": (
        "Days beyond readiness",
        "Days from the readiness date to the date decided.",
    ),
}
INSTRUMENTS: Vocabulary = {
    "honos": ("HoNOS", "Health of the Nation Outcome Scales (working-age adults), 12 scales."),
    "honos_secure": ("HoNOS-secure", "The 12 HoNOS scales and 7 security scales A-G."),
    PROBLEM_8: ("HoNOS scale 8 problem type", "The problem-type letter of HoNOS scale 8, A-K."),
}
#: Display names of FHIR's goal achievement codes (terminology.hl7.org goal-achievement).
GOAL_ACHIEVEMENT_DISPLAY = {
    GoalAchievementStatus.IN_PROGRESS.value: "In Progress",
    GoalAchievementStatus.IMPROVING.value: "Improving",
    GoalAchievementStatus.WORSENING.value: "Worsening",
    GoalAchievementStatus.NO_CHANGE.value: "No Change",
    GoalAchievementStatus.ACHIEVED.value: "Achieved",
    GoalAchievementStatus.SUSTAINING.value: "Sustaining",
    GoalAchievementStatus.NOT_ACHIEVED.value: "Not Achieved",
    GoalAchievementStatus.NO_PROGRESS.value: "No Progress",
    GoalAchievementStatus.NOT_ATTAINABLE.value: "Not Attainable",
}

#: The MHSDS data elements an Observation of recorded readiness names: what its value is.
MHSDS_DATA_ELEMENTS: Vocabulary = {
    code_list.id: (code_list.id, code_list.title[:1].upper() + code_list.title[1:] + ".")
    for code_list in MHSDS_LISTS.values()
}

#: URL -> (title, vocabulary) of every closed vocabulary, in the order they are published.
VOCABULARIES: dict[str, tuple[str, Vocabulary]] = {
    INCIDENT_KIND: ("Incident kinds", INCIDENT_KINDS),
    INCIDENT_SEVERITY: ("Incident severities", INCIDENT_SEVERITIES),
    RESTRICTIVE_INTERVENTION_TYPE: (
        "Restrictive intervention types",
        RESTRICTIVE_INTERVENTION_TYPES_VOCABULARY,
    ),
    GOAL_SET_BY: ("Who set a goal", GOAL_SETTERS),
    REVIEW_KIND: ("Review kinds", REVIEW_KINDS),
    RATER: ("Who gave a rating", RATERS),
    OBSERVATION_KIND: ("Observation kinds", OBSERVATION_KINDS),
    INSTRUMENT: ("Rating instruments", INSTRUMENTS),
    MHSDS_DATA_ELEMENT: ("MHSDS data elements", MHSDS_DATA_ELEMENTS),
    ASSESSMENT_STATUS: ("Readiness decisions", ASSESSMENT_STATUSES),
    READINESS_PART: ("Parts of a readiness decision", READINESS_PARTS),
}


def coding(system: str, code: str, display: str | None = None, version: str | None = None) -> Any:
    """A FHIR ``Coding`` as a dict, keys in FHIR's order."""
    result: dict[str, str] = {"system": system}
    if version is not None:
        result["version"] = version
    result["code"] = code
    if display is not None:
        result["display"] = display
    return result


def mhsds_coding(list_id: str, code: str) -> dict[str, str]:
    """A ``Coding`` of one MHSDS code list, with its label as the display."""
    listed = MHSDS_LISTS[list_id].get(code)
    display = None if listed is None else listed.label
    result: dict[str, str] = coding(mhsds_system(list_id), code, display, FHIR_VOCABULARY_VERSION)
    return result


def vocabulary_coding(system: str, code: str) -> dict[str, str]:
    """A ``Coding`` of one of the library's closed vocabularies, with its display."""
    _, vocabulary = VOCABULARIES[system]
    result: dict[str, str] = coding(system, code, vocabulary[code][0], FHIR_VOCABULARY_VERSION)
    return result


# --- CodeSystem resources -------------------------------------------------------------------


def _name(*words: str) -> str:
    """A computer-friendly name (FHIR's ``[A-Z][A-Za-z0-9_]*``) from words and codes."""
    parts = re.split(r"[^A-Za-z0-9]+", " ".join(words))
    return "".join(part[:1].upper() + part[1:] for part in parts if part)


def _code_system(
    *,
    url: str,
    version: str,
    name: str,
    title: str,
    description: str,
    concepts: list[dict[str, Any]],
    properties: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "CodeSystem",
        "id": str(uuid.uuid5(FHIR_NAMESPACE, f"{url}|{version}")),
        "url": url,
        "version": version,
        "name": name,
        "title": title,
        "status": "active",
        "experimental": False,
        "publisher": "pathway_model",
        "description": description,
        "caseSensitive": True,
        "content": "complete",
        "count": len(concepts),
    }
    if properties:
        resource["property"] = list(properties)
    resource["concept"] = concepts
    return resource


def _concept(code: str, display: str, definition: str, **properties: int | str) -> dict[str, Any]:
    concept: dict[str, Any] = {"code": code, "display": display}
    if definition:
        concept["definition"] = definition
    if properties:
        concept["property"] = [
            {"code": key.replace("_", "-"), "valueInteger": value}
            if isinstance(value, int)
            else {"code": key.replace("_", "-"), "valueString": value}
            for key, value in properties.items()
        ]
    return concept


def _domains(framework: OutcomeFramework) -> dict[str, Any]:
    return _code_system(
        url=domain_system(framework.id),
        version=framework.version,
        name=_name("Domains", framework.id),
        title=f"Outcome domains of {framework.name}",
        description=f"The outcome domains of the framework {framework.id!r}.",
        properties=[
            {
                "code": "everyday-name",
                "description": "The domain's name in everyday language, for the person.",
                "type": "string",
            }
        ],
        concepts=[
            _concept(d.code, d.name, d.description, everyday_name=d.everyday_name)
            for d in framework.domains
        ],
    )


def _levels(framework: OutcomeFramework) -> dict[str, Any]:
    scale = framework.scale
    return _code_system(
        url=level_system(framework.id),
        version=framework.version,
        name=_name("Levels", framework.id),
        title=f"Rating levels of {framework.name}",
        description=(
            f"The levels of the rating scale {scale.code!r} of the framework "
            f"{framework.id!r}, worst first; a higher rank is better."
        ),
        properties=[
            {
                "code": "rank",
                "description": "The level's rank; higher is better.",
                "type": "integer",
            },
            {
                "code": "everyday-label",
                "description": "The level's label in everyday language, for the person.",
                "type": "string",
            },
        ],
        concepts=[
            _concept(
                level.code, level.label, "", rank=level.rank, everyday_label=level.everyday_label
            )
            for level in scale.levels
        ],
    )


def _stages(definition: PathwayDefinition) -> dict[str, Any]:
    return _code_system(
        url=stage_system(definition.id),
        version=definition.version,
        name=_name("Stages", definition.id),
        title=f"Stages of {definition.name}",
        description=(
            f"The stages of the pathway definition {definition.id!r}, most restrictive first."
        ),
        properties=[
            {
                "code": "security-rank",
                "description": "How restrictive the stage is; higher is more restrictive.",
                "type": "integer",
            },
            {
                "code": "everyday-name",
                "description": "The stage's name in everyday language, for the person.",
                "type": "string",
            },
        ],
        concepts=[
            _concept(
                stage.code,
                stage.name,
                stage.description,
                security_rank=stage.security_rank,
                everyday_name=stage.everyday_name,
            )
            for stage in definition.stages
        ],
    )


def _vocabulary(url: str) -> dict[str, Any]:
    title, vocabulary = VOCABULARIES[url]
    return _code_system(
        url=url,
        version=FHIR_VOCABULARY_VERSION,
        name=_name(url.rsplit("/", 1)[1]),
        title=title,
        description=f"{title}: a closed vocabulary of pathway_model.",
        concepts=[
            _concept(code, display, definition)
            for code, (display, definition) in vocabulary.items()
        ],
    )


def _mhsds_list(code_list: CodeList) -> dict[str, Any]:
    return _code_system(
        url=mhsds_system(code_list.id),
        version=FHIR_VOCABULARY_VERSION,
        name=_name("Mhsds", code_list.id),
        title=code_list.title[:1].upper() + code_list.title[1:],
        description=(
            f"The MHSDS code list {code_list.id}, each code with the months (UniqMonthID) "
            "it is valid in; labels are short and neutral."
        ),
        properties=[
            {"code": "group", "description": "The group the code belongs to.", "type": "string"},
            *(
                {
                    "code": f"{word}-month",
                    "description": f"The {word} month (UniqMonthID) the code is valid in.",
                    "type": "integer",
                }
                for word in ("first", "last")
            ),
        ],
        concepts=[
            _concept(
                item.code,
                item.label,
                "",
                **{
                    key: value
                    for key, value in (
                        ("group", item.group),
                        ("first_month", item.first_month),
                        ("last_month", item.last_month),
                    )
                    if value is not None
                },
            )
            for item in code_list
        ],
    )


def fhir_code_systems(definition: PathwayDefinition) -> list[dict[str, Any]]:
    """Return the FHIR R4 ``CodeSystem`` resources that a pathway's FHIR export uses.

    In order: the outcome domains of the definition's framework, its rating levels, the
    definition's stages, then the library's own closed vocabularies (incident kinds and
    severities, restrictive intervention types, who set a goal, review kinds, who gave a
    rating, observation kinds, instruments, MHSDS data elements), then the MHSDS code lists
    of recorded readiness (the v6 and v5 delay reasons and ``AttribToIndic``, each code with
    its group and the months it is valid in). Every code system's URL is under
    [`FHIR_BASE`][pathway_model.fhir.FHIR_BASE]; those made from data carry the
    framework's or the definition's version, the others
    [`FHIR_VOCABULARY_VERSION`][pathway_model.fhir.FHIR_VOCABULARY_VERSION]. Levels carry their
    rank and stages their security rank as concept properties.

    Args:
        definition: The pathway definition (and, through it, the framework).

    Returns:
        JSON-ready dicts, the same for the same definition.

    Raises:
        WrongTypeError: ``definition`` is not a ``PathwayDefinition``.

    Examples:
        >>> from pathway_model.catalogue import SECURE_PATHWAY
        >>> systems = fhir_code_systems(SECURE_PATHWAY)
        >>> systems[0]["url"], systems[0]["version"]
        ('https://pathway-model.org/fhir/CodeSystem/domain/my-shared-pathway', '1.0.0')
        >>> [concept["code"] for concept in systems[1]["concept"]]
        ['not_met', 'partly_met', 'met']
    """
    if not isinstance(definition, PathwayDefinition):
        raise WrongTypeError.single("definition", "a PathwayDefinition", type_name(definition))
    framework = definition.framework
    return [
        _domains(framework),
        _levels(framework),
        _stages(definition),
        *(_vocabulary(url) for url in VOCABULARIES),
        *(_mhsds_list(code_list) for code_list in MHSDS_LISTS.values()),
    ]
