"""FHIR R4 import: a Bundle, as ``to_fhir`` writes it or an EPR sends it, into a pathway.

The reader is strict by default, in the way the JSON loader is: every element it does
not map is refused rather than dropped, every code is checked against its code system,
and every reference must resolve inside the Bundle. Each problem names its path
(``$.entry[3].resource.status``), what was expected and what was found, and every
problem is reported at once. Free text (notes, goal wording) and person ids are never
repeated in a message. A lenient reader leaves out, and lists, what the record does not
use (resources, extensions, elements, contained resources other than the person); it
still refuses ``modifierExtension`` and ``implicitRules``.

It reads a ``collection``, ``searchset``, ``transaction`` or ``batch``; the person as a
logical reference or a (contained) Patient; the entries in any order. Elements that
carry nothing of the record (``id``, ``meta``, ``text``, ``language``, displays,
``Encounter.class``, the CarePlan's status, intent, title and period, an Observation's
performer and issued, ``Goal.expressedBy``, a Patient's other elements) are accepted and
not read. A coding of another system beside the library's own (a translation) is
accepted and not read.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import attrs

from pathway_model.catalogue import DEFINITIONS
from pathway_model.errors import Problem, ValidationError, WrongTypeError
from pathway_model.fhir._codes import (
    DATA_ABSENT_REASON,
    DATA_SYSTEM,
    DEFINITION_URI,
    DISCHARGED,
    DOMAIN_RATING,
    FHIR_VOCABULARY_VERSION,
    GOAL_ACHIEVEMENT,
    GOAL_ID,
    GOAL_PROGRESS,
    GOAL_SET_BY,
    GOAL_SET_BY_EXTENSION,
    IDENTIFIER_SYSTEM,
    INCIDENT,
    INCIDENT_ID,
    INCIDENT_KIND,
    INCIDENT_SEVERITY,
    INSTRUMENT,
    INSTRUMENT_RATING_ID,
    INSTRUMENT_SCORE,
    INTERVENTION_TYPE,
    MHSDS_DATA_ELEMENT,
    NEXT_REVIEW_EXTENSION,
    OBSERVATION_KIND,
    PERSON_ID,
    PLACEMENT_ID,
    PROBLEM_8,
    RATER,
    READABLE_VOCABULARY_VERSIONS,
    READINESS_DECISION,
    RECORDED_READINESS,
    RECORDED_READINESS_ID,
    RESTRICTIVE_INTERVENTION_TYPE,
    REVIEW_FINDINGS,
    REVIEW_ID,
    REVIEW_KIND,
    SNOMED_CT,
    VOCABULARIES,
    definition_uri,
    domain_system,
    identifier_system,
    level_system,
    mhsds_system,
    stage_system,
)
from pathway_model.fhir._export import check_organisation
from pathway_model.fhir._values import (
    FHIR_INSTRUMENTS,
    PROBLEM_TYPES,
    FhirImport,
    IgnoredElement,
    InstrumentRating,
)
from pathway_model.io._converter import _DATE, _structure_date, json_type, key_path, object_of
from pathway_model.io._json import MAX_DOCUMENT_BYTES, parse
from pathway_model.model import (
    DomainRating,
    Goal,
    GoalAchievementStatus,
    GoalLifecycleStatus,
    GoalProgress,
    Incident,
    Pathway,
    PathwayDefinition,
    Placement,
    RecordedReadiness,
    Review,
    check_pathway,
)
from pathway_model.model._seam import (
    ATTRIBUTABLE_TO,
    CODE_EXPECTED,
    DELAY_REASON_LISTS,
    MAX_TEXT_LENGTH,
    NOT_KNOWN,
    is_code,
    item_at,
    looks_like_nhs_number,
    review_item_at,
    show_code,
    type_name,
)

__all__ = ["from_fhir", "from_fhir_with_instruments"]

T = TypeVar("T")

#: What the Bundle may hold, and what each resource becomes.
_RESOURCE_TYPES = ("CarePlan", "EpisodeOfCare", "Goal", "Encounter", "Observation", "Patient")
#: The Bundle types read: a record handed over, a search result, or one to load.
_BUNDLE_TYPES = ("collection", "searchset", "transaction", "batch")
#: What an entry of a transaction or batch may ask: to create or to update, never more.
_REQUEST_METHODS = ("POST", "PUT")
#: Elements any resource may carry that hold nothing of the record; ``extension`` and
#: ``contained`` are read apart (only the library's extensions, only a contained person).
_IGNORED = frozenset({"resourceType", "id", "meta", "text", "language", "extension", "contained"})
#: Elements never ignored, not even leniently: each may change what the rest means.
_NEVER_IGNORED = frozenset({"modifierExtension", "implicitRules"})
#: A Patient is read for the person's pseudonymous id; the rest is not the record's.
_PATIENT = _IGNORED | {
    "identifier",
    "active",
    "name",
    "telecom",
    "gender",
    "birthDate",
    "deceasedBoolean",
    "deceasedDateTime",
    "address",
    "maritalStatus",
    "multipleBirthBoolean",
    "multipleBirthInteger",
    "photo",
    "contact",
    "communication",
    "generalPractitioner",
    "managingOrganization",
    "link",
}
#: ``Identifier.use`` values of an identifier that is no longer the entity's own.
_OLD_IDENTIFIER = "old"
#: How an EPR may say a HoNOS scale was rated 9: all are read as not known.
_NOT_KNOWN_REASONS = {"unknown": "unknown", "asked-unknown": "unknown", "not-applicable": "unknown"}
_CARE_PLAN = _IGNORED | {
    "instantiatesUri",
    "status",
    "intent",
    "title",
    "subject",
    "period",
    "goal",
}
_EPISODE = _IGNORED | {
    "identifier",
    "status",
    "type",
    "patient",
    "managingOrganization",
    "period",
}
_GOAL = _IGNORED | {
    "extension",
    "identifier",
    "lifecycleStatus",
    "achievementStatus",
    "category",
    "description",
    "subject",
    "startDate",
    "target",
    "expressedBy",
}
_ENCOUNTER = _IGNORED | {
    "extension",
    "identifier",
    "status",
    "class",
    "type",
    "subject",
    "episodeOfCare",
    "period",
}
_OBSERVATION = _IGNORED | {
    "status",
    "category",
    "code",
    "subject",
    "effectiveDateTime",
    "issued",
    "performer",
}
_OBSERVATIONS = {
    DOMAIN_RATING: _OBSERVATION
    | {"encounter", "performer", "valueCodeableConcept", "dataAbsentReason", "note", "method"},
    GOAL_PROGRESS: _OBSERVATION | {"focus", "encounter", "valueCodeableConcept", "note"},
    INCIDENT: _OBSERVATION | {"identifier", "valueCodeableConcept", "note", "component"},
    INSTRUMENT_SCORE: _OBSERVATION | {"identifier", "component"},
    RECORDED_READINESS: (_OBSERVATION - {"effectiveDateTime"})
    | {"identifier", "effectivePeriod", "valueCodeableConcept", "dataAbsentReason", "component"},
    REVIEW_FINDINGS: _OBSERVATION | {"encounter", "hasMember"},
    READINESS_DECISION: _OBSERVATION
    | {"basedOn", "valueCodeableConcept", "derivedFrom", "component"},
}
#: The keys of a recorded readiness period's component (who the delay is attributable to).
_ATTRIBUTION = frozenset({"code", "valueCodeableConcept"})
_ENTRY = frozenset({"fullUrl", "resource"})
_SEARCH = frozenset({"mode", "score"})
_REQUEST = frozenset({"method", "url", "ifNoneMatch", "ifModifiedSince", "ifMatch", "ifNoneExist"})
_CONCEPT = frozenset({"coding", "text"})
_CODING = frozenset({"system", "version", "code", "display", "userSelected"})
_REFERENCE = frozenset({"reference", "type", "identifier", "display"})
_IDENTIFIER_KEYS = frozenset({"use", "system", "value"})
_PERIOD = frozenset({"start", "end"})
_ANNOTATION = frozenset({"text"})
#: Observation statuses that stand for a result as recorded.
_FINAL = ("final", "amended", "corrected")

#: Where a model field lives in the FHIR resource, for problems found by the model.
_FIELD_PATHS: dict[str, dict[str, str]] = {
    "placements": {
        "id": ".identifier",
        "stage": ".type",
        "provider": ".managingOrganization.display",
        "start": ".period.start",
        "end": ".period.end",
    },
    "goals": {
        "id": ".identifier",
        "domain": ".category",
        "description": ".description.text",
        "set_on": ".startDate",
        "target_date": ".target[0].dueDate",
    },
    "reviews": {
        "id": ".identifier",
        "date": ".period.start",
        "kind": ".type",
        "next_review_date": ".extension",
    },
    "incidents": {"id": ".identifier", "date": ".effectiveDateTime", "note": ".note[0].text"},
    "recorded_readiness": {
        "id": ".identifier",
        "start": ".effectivePeriod.start",
        "end": ".effectivePeriod.end",
        "delay_reason": ".valueCodeableConcept",
        "reason_list": ".code",
        "attributable_to": ".component[0].valueCodeableConcept",
    },
    "goal_progress": {"goal": ".focus[0]", "note": ".note[0].text"},
}
_CLASS_FIELDS = {
    "Placement": "placements",
    "Goal": "goals",
    "Review": "reviews",
    "Incident": "incidents",
    "RecordedReadiness": "recorded_readiness",
}


def from_fhir(
    bundle: object,
    *,
    definition: PathwayDefinition | None = None,
    max_bytes: int = MAX_DOCUMENT_BYTES,
    organisation: str | None = None,
) -> Pathway:
    """Read a pathway from a FHIR R4 Bundle, as [`to_fhir`][pathway_model.fhir.to_fhir] writes it.

    Instrument ratings in the Bundle are read and checked too; to have them back, call
    [`from_fhir_with_instruments`][pathway_model.fhir.from_fhir_with_instruments].

    Args:
        bundle: The Bundle: a dict of JSON types, or JSON text (``str`` or UTF-8
            ``bytes``), which is parsed strictly (no repeated keys, no ``NaN``).
        definition: The definition to check the record against; by default the built-in
            one the Bundle names, if there is one. Without a definition, codes are checked
            only for their form and their code systems for consistency.
        max_bytes: The largest JSON text accepted, in bytes of UTF-8.
        organisation: The organisation whose record it must be, as ``to_fhir`` names
            it; by default, whichever the Bundle's identifier systems name.

    Returns:
        The person's record, equal to the one exported.

    Raises:
        ValidationError: Every problem found, each with its path in the Bundle.
        WrongTypeError: An argument has the wrong type.

    Examples:
        >>> import datetime as dt
        >>> import pathway_model as pm
        >>> from pathway_model import fhir
        >>> from pathway_model.catalogue import SECURE_PATHWAY
        >>> pathway = pm.Pathway.start(
        ...     SECURE_PATHWAY, person_id="P-0001", stage="medium_secure",
        ...     provider="Northfield MSU", on=dt.date(2024, 1, 8),
        ... )
        >>> from_fhir(fhir.to_fhir(pathway)) == pathway
        True
    """
    return from_fhir_with_instruments(
        bundle, definition=definition, max_bytes=max_bytes, organisation=organisation
    ).pathway


def from_fhir_with_instruments(
    bundle: object,
    *,
    definition: PathwayDefinition | None = None,
    max_bytes: int = MAX_DOCUMENT_BYTES,
    lenient: bool = False,
    organisation: str | None = None,
) -> FhirImport:
    """Read a person's pathway and their instrument ratings from a FHIR R4 Bundle.

    The checks are those of [`from_fhir`][pathway_model.fhir.from_fhir]. The Bundle may be a
    ``collection`` (as ``to_fhir`` writes it), a ``searchset`` or a ``transaction`` or
    ``batch`` whose entries create or update (``POST`` or ``PUT``); its entries may come
    in any order, and the person may be a ``Patient`` entry (or a contained one) that the
    resources reference, carrying the library's person identifier.

    By default the import is strict: a resource of a type the record does not use, an
    extension the library does not define, or an element it does not map is refused
    with its path. With ``lenient=True`` these are left out of the record instead, and
    each is listed in [`FhirImport.ignored`][pathway_model.fhir.FhirImport] (path,
    resource type, id, reason; never clinical text), so a receiver can see the record
    is not all the Bundle said. ``modifierExtension`` and ``implicitRules`` are refused
    in both modes: either may change the meaning of what is read.

    Args:
        bundle: The Bundle, as a dict or as JSON text.
        definition: The definition to check the record against (see ``from_fhir``).
        max_bytes: The largest JSON text accepted, in bytes of UTF-8.
        lenient: Leave out and list, rather than refuse, what the record does not use.
        organisation: The organisation whose record it must be (see ``to_fhir``): its
            identifier systems are required. Without one, the Bundle's own is read from
            its identifier systems (every one must name the same organisation, or none)
            and returned as ``FhirImport.organisation``.

    Returns:
        The record, the HoNOS and HoNOS-secure ratings the Bundle held, and what a
        lenient import ignored.

    Raises:
        ValidationError: Every problem found, each with its path in the Bundle.
        WrongTypeError: An argument has the wrong type.

    Examples:
        >>> import datetime as dt
        >>> import pathway_model as pm
        >>> from pathway_model import fhir
        >>> from pathway_model.catalogue import SECURE_PATHWAY
        >>> pathway = pm.Pathway.start(
        ...     SECURE_PATHWAY, person_id="P-0001", stage="medium_secure",
        ...     provider="Northfield MSU", on=dt.date(2024, 1, 8),
        ... )
        >>> bundle = fhir.to_fhir(pathway)
        >>> bundle["entry"].append(
        ...     {"resource": {"resourceType": "Condition", "id": "c1"}}
        ... )
        >>> imported = from_fhir_with_instruments(bundle, lenient=True)
        >>> imported.pathway == pathway
        True
        >>> [(item.resource_type, item.reason) for item in imported.ignored]
        [('Condition', 'resource-not-used')]
    """
    if definition is not None and not isinstance(definition, PathwayDefinition):
        raise WrongTypeError.single(
            "definition", "a PathwayDefinition or None", type_name(definition)
        )
    if type(lenient) is not bool:
        raise WrongTypeError.single("lenient", "True or False", type_name(lenient))
    check_organisation(organisation)
    if isinstance(bundle, (str, bytes)):
        bundle = parse(bundle, max_bytes=max_bytes)
    elif not isinstance(bundle, (dict, tuple)):
        raise WrongTypeError.single(
            "bundle", "a Bundle: a dict, or JSON text (str or bytes)", type_name(bundle)
        )
    return _Import(definition, lenient=lenient, organisation=organisation).read(bundle)


# --- the reader -------------------------------------------------------------------------------


class _ReadError(Exception):
    """A value could not be read; its problem is already recorded."""


@attrs.define
class _Entry:
    """One Bundle entry: where it is, what it is, and the entity it became."""

    path: str
    resource_type: str
    resource: dict[str, Any]
    entity: str | None = None  # the id of the placement, goal or review it holds
    index: int = -1  # its place in the Bundle; a contained resource has its container's


@attrs.define
class _Rating:
    """One domain-rating Observation as read: whose level, for which review and domain."""

    path: str
    review: str
    domain: str
    rater: str
    level: str | None
    note: str | None
    date: dt.date | None


@attrs.define
class _Progress:
    """One goal-progress Observation as read."""

    path: str
    review: str
    goal: str
    status: GoalAchievementStatus
    note: str | None
    date: dt.date | None


class _Import:
    """Reads one Bundle, collecting every problem before raising."""

    def __init__(
        self, definition: PathwayDefinition | None, *, lenient: bool, organisation: str | None
    ) -> None:
        self.lenient = lenient
        self.organisation = organisation
        self.organisation_known = organisation is not None
        self.findings: dict[str, tuple[str, list[str]]] = {}  # review -> (path, members)
        self.ignored: list[IgnoredElement] = []
        self.current: _Entry | None = None
        self.contained: dict[tuple[int, str], _Entry] = {}
        self.patients: list[_Entry] = []
        self.bundle_id: str | None = None
        self.given = definition
        self.definition: PathwayDefinition | None = definition
        self.problems: list[Problem] = []
        self.entries: list[_Entry] = []
        self.by_reference: dict[str, int] = {}
        self.person: str | None = None
        self.care_plan_path = "$.entry"
        self.person_paths: list[tuple[str, str]] = []
        self.definition_id: str | None = None
        self.definition_version: str | None = None
        self.framework_system: tuple[str, str | None] | None = None
        self.placements: list[tuple[str, dict[str, Any]]] = []
        self.goals: list[tuple[str, dict[str, Any]]] = []
        self.reviews: list[tuple[str, dict[str, Any]]] = []
        self.incidents: list[tuple[str, dict[str, Any]]] = []
        self.readiness: list[tuple[str, dict[str, Any]]] = []
        self.ratings: list[_Rating] = []
        self.progress: list[_Progress] = []
        self.instruments: list[tuple[str, dict[str, Any]]] = []
        self.entity_ids: dict[str, set[str]] = {}

    # --- problems --------------------------------------------------------------------

    def fail(self, path: str, expected: str, found: str) -> _ReadError:
        """Record a problem and return the exception that stops reading this value."""
        self.problems.append(Problem(path=path, expected=expected, found=found))
        return _ReadError()

    def ignore(self, path: str, reason: str, expected: str, found: str) -> None:
        """Leave something out (lenient), or refuse it (strict)."""
        if not self.lenient:
            self.fail(path, expected, found)
            return
        entry = self.current
        if entry is None:
            kind, ident, element = "Bundle", self.bundle_id, path.removeprefix("$")
        else:
            kind, ident = entry.resource_type, _id_of(entry.resource)
            element = path.removeprefix(entry.path)
        self.ignored.append(
            IgnoredElement(
                path=path, resource_type=kind, resource_id=ident, reason=reason, element=element
            )
        )

    def attempt(self, read: Callable[[], T]) -> T | None:
        """Run ``read``; ``None`` if it stopped on a recorded problem."""
        try:
            return read()
        except _ReadError:
            return None

    # --- JSON values -----------------------------------------------------------------

    def read_object(
        self, value: object, path: str, what: str, keys: frozenset[str]
    ) -> dict[str, Any]:
        try:
            found = object_of(value, path)
        except ValidationError as error:  # a key given twice
            self.problems.extend(error.problems)
            raise _ReadError from None
        if found is None:
            raise self.fail(path, f"an object ({what})", json_type(value))
        if keys.issuperset(found):
            return found
        for key in found:
            name: object = key  # a caller's dict may have keys of any type
            if name not in keys:
                where = key_path(path, name) if isinstance(name, str) else path
                expected = (
                    f"only the elements this library maps in {what} ({', '.join(sorted(keys))})"
                )
                shown = f"an element {show_code(str(name))}"
                if isinstance(name, str) and name not in _NEVER_IGNORED:
                    self.ignore(where, "element-not-mapped", expected, shown)
                else:
                    self.fail(where, expected, shown)
        return found

    def loose_object(self, value: object, path: str) -> dict[str, Any] | None:
        """An object whatever its keys (JSON text gives pairs); ``None`` if it is not one."""
        try:
            return object_of(value, path)
        except ValidationError as error:  # a key given twice
            self.problems.extend(error.problems)
            return None

    def extensions(self, resource: dict[str, Any], path: str, ours: frozenset[str]) -> list[Any]:
        """The resource's extensions of ``ours``; any other is refused, or ignored leniently."""
        if "extension" not in resource:
            return []
        where = key_path(path, "extension")
        found = []
        for n, value in enumerate(self.array(resource["extension"], where)):
            item = self.loose_object(value, f"{where}[{n}]")
            url = None if item is None else item.get("url")
            if item is not None and isinstance(url, str) and url in ours:
                found.append((f"{where}[{n}]", item))
            else:
                self.ignore(
                    f"{where}[{n}]",
                    "extension-not-ours",
                    "only the library's extensions"
                    + (f" ({', '.join(sorted(ours))})" if ours else " (none here)"),
                    "another extension" if isinstance(url, str) else "an extension without a url",
                )
        return found

    def value(self, parent: dict[str, Any], key: str, path: str) -> object:
        if key not in parent:
            raise self.fail(key_path(path, key), "a value (the element is required)", "none")
        return parent[key]

    def string(self, value: object, path: str, expected: str = "a string") -> str:
        if type(value) is not str or not value:
            raise self.fail(path, expected, json_type(value) if value != "" else "an empty string")
        return value

    def code(self, value: object, path: str, expected: str) -> str:
        text = self.string(value, path, expected)
        if not is_code(text):
            raise self.fail(path, expected, show_code(text))
        return text

    def choice(self, value: object, path: str, options: Mapping[str, T]) -> T:
        if type(value) is str and value in options:
            return options[value]
        expected = "one of " + ", ".join(repr(option) for option in options)
        text = self.string(value, path, expected)
        raise self.fail(path, expected, show_code(text))

    def text(self, value: object, path: str) -> str:
        """Free text: checked for its type only, never shown."""
        if type(value) is not str:
            raise self.fail(path, "text (a string)", json_type(value))
        if not value.strip():
            raise self.fail(path, "non-empty text", "empty or blank text")
        if len(value) > MAX_TEXT_LENGTH:
            raise self.fail(
                path,
                f"text of at most {MAX_TEXT_LENGTH:,} characters",
                f"text of {len(value):,} characters",
            )
        return value

    def array(
        self, value: object, path: str, *, least: int = 1, most: int | None = None
    ) -> list[Any]:
        if type(value) is not list:
            raise self.fail(path, "an array", json_type(value))
        if len(value) < least or (most is not None and len(value) > most):
            count = f"{least}" if least == most else f"at least {least}"
            if most is not None and least != most:
                count = f"{least} to {most}"
            raise self.fail(path, f"an array of {count} item(s)", f"{len(value)} item(s)")
        return value

    def date(self, value: object, path: str, *, time_allowed: bool) -> dt.date:
        """A FHIR ``date`` (``YYYY-MM-DD``) or ``dateTime`` (a time must carry its zone)."""
        if type(value) is not str:
            raise self.fail(path, "a date (YYYY-MM-DD)", json_type(value))
        if not time_allowed and not _DATE.fullmatch(value):
            raise self.fail(path, "a date of day precision (YYYY-MM-DD)", show_code(value))
        try:
            return _structure_date(value, None)
        except ValidationError as error:
            for problem in error.problems:
                self.fail(path, problem.expected, problem.found)
            raise _ReadError from None

    def note(self, resource: dict[str, Any], path: str) -> str | None:
        if "note" not in resource:
            return None
        where = key_path(path, "note")
        notes = self.array(resource["note"], where, least=1, most=1)
        annotation = self.read_object(notes[0], f"{where}[0]", "an Annotation", _ANNOTATION)
        return self.text(self.value(annotation, "text", f"{where}[0]"), f"{where}[0].text")

    # --- FHIR data types -------------------------------------------------------------

    def concept(self, value: object, path: str) -> list[tuple[str, dict[str, Any]]]:
        """The codings of a CodeableConcept, each with its path."""
        concept = self.read_object(value, path, "a CodeableConcept", _CONCEPT)
        where = key_path(path, "coding")
        codings = self.array(self.value(concept, "coding", path), where)
        return [
            (f"{where}[{n}]", self.read_object(item, f"{where}[{n}]", "a Coding", _CODING))
            for n, item in enumerate(codings)
        ]

    def pick(
        self,
        codings: list[tuple[str, dict[str, Any]]],
        path: str,
        matches: Callable[[object], bool],
        expected: str,
    ) -> tuple[str, dict[str, Any]]:
        """The one coding whose system ``matches`` (others are translations, not read)."""
        chosen = [(where, c) for where, c in codings if matches(c.get("system"))]
        if len(chosen) != 1:
            found = "none" if not chosen else f"{len(chosen)} codings"
            raise self.fail(path, f"exactly one coding from {expected}", found)
        return chosen[0]

    def vocabulary(self, value: object, path: str, system: str) -> str:
        """The code of one of the library's closed vocabularies."""
        where, coding = self.pick(self.concept(value, path), path, _is(system), system)
        return self.vocabulary_code(coding, where, system)

    def vocabulary_version(self, coding: dict[str, Any], where: str) -> None:
        """Refuse a coding of the library's code systems in a version it cannot read.

        Versions only add codes within a major version, so every earlier minor version
        reads (a code it lacks never reaches a record: each code is checked).
        """
        version = coding.get("version", FHIR_VOCABULARY_VERSION)
        if version not in READABLE_VOCABULARY_VERSIONS:
            readable = " or ".join(repr(v) for v in READABLE_VOCABULARY_VERSIONS)
            raise self.fail(
                key_path(where, "version"),
                f"{readable}, the versions this library reads",
                show_code(version) if isinstance(version, str) else json_type(version),
            )

    def vocabulary_code(self, coding: dict[str, Any], where: str, system: str) -> str:
        self.vocabulary_version(coding, where)
        return self.choice(
            self.value(coding, "code", where), key_path(where, "code"), _VOCABULARY_CODES[system]
        )

    def hl7_code(self, value: object, path: str, system: str, options: Mapping[str, T]) -> T:
        where, coding = self.pick(self.concept(value, path), path, _is(system), system)
        return self.choice(self.value(coding, "code", where), key_path(where, "code"), options)

    def data_code(self, value: object, path: str, kind: str) -> str:
        """A domain, level or stage code, checked against its code system."""

        def ours(system: object) -> bool:
            match = DATA_SYSTEM.fullmatch(system) if isinstance(system, str) else None
            return match is not None and match[1] == kind

        expected_system = self.expected_system(kind)
        where, coding = self.pick(self.concept(value, path), path, ours, expected_system)
        system = coding["system"]
        owner = DATA_SYSTEM.fullmatch(system)
        assert owner is not None  # chosen by ours()
        version = coding.get("version")
        if version is not None and type(version) is not str:
            raise self.fail(key_path(where, "version"), "a version (a string)", json_type(version))
        self.check_owner(kind, owner[2], version, where)
        expected = f"a {kind} code"
        known = self.known_codes(kind)
        code = self.code(self.value(coding, "code", where), key_path(where, "code"), expected)
        if known is not None and code not in known:
            raise self.fail(
                key_path(where, "code"),
                f"a {kind} of {expected_system} ({', '.join(known)})",
                show_code(code),
            )
        return code

    def expected_system(self, kind: str) -> str:
        if self.definition is None:
            return f"the library's {kind} code system"
        if kind == "stage":
            return stage_system(self.definition.id)
        framework = self.definition.framework.id
        return domain_system(framework) if kind == "domain" else level_system(framework)

    def known_codes(self, kind: str) -> tuple[str, ...] | None:
        if self.definition is None:
            return None
        if kind == "stage":
            return self.definition.stage_codes
        if kind == "domain":
            return self.definition.framework.domain_codes
        return self.definition.framework.scale.codes

    def check_owner(self, kind: str, owner: str, version: str | None, where: str) -> None:
        """The framework or definition a coding's system names must be the record's."""
        if kind == "stage":
            expected_owner, expected_version = self.definition_id, self.definition_version
        elif self.definition is not None:
            framework = self.definition.framework
            expected_owner, expected_version = framework.id, framework.version
        elif self.framework_system is None:
            self.framework_system = (owner, version)
            return
        else:
            expected_owner, expected_version = self.framework_system
        if expected_owner is None:
            return  # no definition named: reported at the CarePlan
        if owner != expected_owner:
            raise self.fail(
                key_path(where, "system"),
                f"a code system of {expected_owner!r}, the record's "
                + ("definition" if kind == "stage" else "framework"),
                f"one of {show_code(owner)}",
            )
        if version is not None and expected_version is not None and version != expected_version:
            raise self.fail(
                key_path(where, "version"),
                f"{expected_version!r}, the version of {expected_owner!r}",
                show_code(version),
            )

    def identifier(self, resource: dict[str, Any], path: str, system: str, kind: str) -> str:
        """The entity id in an identifier ``<person id>/<id>`` of ``system``."""
        where = key_path(path, "identifier")
        items = self.array(self.value(resource, "identifier", path), where)
        ours = []
        for n, item in enumerate(items):
            identifier = self.read_object(item, f"{where}[{n}]", "an Identifier", _IDENTIFIER_KEYS)
            if (
                identifier.get("system") == self.system(system)
                and identifier.get("use") != _OLD_IDENTIFIER
            ):
                ours.append((f"{where}[{n}]", identifier))
        if len(ours) != 1:
            raise self.fail(
                where, f"exactly one identifier of {self.system(system)}", f"{len(ours)}"
            )
        at, identifier = ours[0]
        value = self.string(self.value(identifier, "value", at), f"{at}.value")
        person, sep, entity = value.partition("/")
        if not sep or not is_code(entity):
            raise self.fail(
                f"{at}.value", f"'<person id>/<{kind} id>', the id a code", "another form"
            )
        self.same_person(person, f"{at}.value")
        seen = self.entity_ids.setdefault(system, set())
        if entity in seen:
            raise self.fail(f"{at}.value", f"a unique {kind} id", f"{show_code(entity)} again")
        seen.add(entity)
        return entity

    def same_person(self, person: str, path: str) -> None:
        self.person_paths.append((person, path))

    def subject(self, resource: dict[str, Any], key: str, path: str) -> None:
        """The person: a Patient in the Bundle, or a logical reference by their identifier."""
        where = key_path(path, key)
        reference = self.read_object(
            self.value(resource, key, path), where, "a Reference", _REFERENCE
        )
        kind = reference.get("type", "Patient")
        if kind != "Patient":
            raise self.fail(f"{where}.type", "'Patient'", show_code(str(kind)))
        if "reference" in reference:
            patient = self.reference(reference, where, "Patient")
            if patient.entity is None:
                raise _ReadError  # the Patient has a problem, already reported
            self.same_person(patient.entity, f"{where}.reference")
            if "identifier" not in reference:
                return
        self.person_identifier(self.value(reference, "identifier", where), f"{where}.identifier")

    def person_identifier(self, value: object, where: str) -> str:
        """The library's person identifier: a pseudonymous id, never an NHS number."""
        identifier = self.read_object(value, where, "an Identifier", _IDENTIFIER_KEYS)
        system = identifier.get("system")
        match = IDENTIFIER_SYSTEM.fullmatch(system) if isinstance(system, str) else None
        if match is None or match[2] != "person":
            raise self.fail(
                f"{where}.system",
                f"{self.system(PERSON_ID)!r}, a pseudonymous person id (never an NHS number)",
                "another system" if isinstance(system, str) else json_type(system),
            )
        self.organisation_of(match[1], f"{where}.system")
        value = self.value(identifier, "value", where)
        if type(value) is not str or not is_code(value) or looks_like_nhs_number(value):
            raise self.fail(
                f"{where}.value",
                f"a pseudonymous person id ({CODE_EXPECTED}; never an NHS number)",
                "a value that is not one (not shown)",
            )
        self.same_person(value, f"{where}.value")
        return value

    def system(self, unnamespaced: str) -> str:
        """An identifier system of the Bundle's organisation (see ``identifier_system``)."""
        return identifier_system(unnamespaced.rsplit("/", 1)[1], self.organisation)

    def organisation_of(self, organisation: str | None, path: str) -> None:
        """Every identifier system must name the one organisation (or none)."""
        if not self.organisation_known:
            self.organisation, self.organisation_known = organisation, True
            if organisation is not None and not is_code(organisation):
                raise self.fail(
                    path, f"an organisation that is a code ({CODE_EXPECTED})", "another"
                )
            return
        if organisation != self.organisation:
            expected = (
                "no organisation"
                if self.organisation is None
                else f"the organisation {self.organisation!r}"
            )
            raise self.fail(
                path,
                f"an identifier system of {expected}, as the Bundle's others (or as given)",
                "no organisation"
                if organisation is None
                else f"the organisation {show_code(organisation)}",
            )

    def patient(self, entry: _Entry) -> None:
        """A Patient: read for the library's person identifier only."""
        path, resource = entry.path, entry.resource
        self.read_object(resource, path, "a Patient", _PATIENT)
        where = key_path(path, "identifier")
        items = self.array(self.value(resource, "identifier", path), where)
        objects = [(n, self.loose_object(item, f"{where}[{n}]")) for n, item in enumerate(items)]
        ours = [
            (f"{where}[{n}]", item)
            for n, item in objects
            if item is not None
            and _is_person_system(item.get("system"))
            and item.get("use") != _OLD_IDENTIFIER
        ]
        if len(ours) != 1:
            raise self.fail(
                where,
                "exactly one identifier of the library's person identifier system (others, "
                "such as an NHS number, are not read)",
                f"{len(ours)}",
            )
        entry.entity = self.person_identifier(ours[0][1], ours[0][0])

    def reference(self, value: object, path: str, resource_type: str) -> _Entry:
        """The entry a literal reference resolves to, which must be a ``resource_type``."""
        reference = self.read_object(value, path, "a Reference", _REFERENCE)
        target = self.string(
            self.value(reference, "reference", path),
            f"{path}.reference",
            f"a reference to a {resource_type} in the Bundle",
        )
        if target.startswith("#"):
            container = -1 if self.current is None else self.current.index
            entry = self.contained.get((container, target))
        else:
            index = self.by_reference.get(target)
            entry = None if index is None else self.entries[index]
        if entry is None:
            raise self.fail(
                f"{path}.reference",
                f"a reference to a {resource_type} in the Bundle (its fullUrl, or "
                f"{resource_type}/<id>)",
                f"{show_code(target)}, which is not in the Bundle",
            )
        if entry.resource_type != resource_type:
            raise self.fail(
                f"{path}.reference",
                f"a reference to a {resource_type}",
                f"a reference to a {entry.resource_type} ({entry.path})",
            )
        return entry

    # --- the Bundle ------------------------------------------------------------------

    def read(self, data: object) -> FhirImport:
        self.attempt(lambda: self.bundle(data))
        self.raise_problems()
        self.attempt(self.resources)
        self.check_people()
        self.raise_problems()
        return self.build()

    def raise_problems(self) -> None:
        if self.problems:
            raise ValidationError(self.problems)

    def bundle(self, data: object) -> None:
        keys = frozenset(
            {
                "resourceType",
                "id",
                "meta",
                "identifier",
                "type",
                "timestamp",
                "total",
                "link",
                "entry",
            }
        )
        if isinstance(data, dict) and isinstance(data.get("id"), str):
            self.bundle_id = data["id"]
        bundle = self.read_object(data, "$", "a Bundle", keys)
        if bundle.get("resourceType") != "Bundle":
            raise self.fail("$.resourceType", "'Bundle'", _shown(bundle.get("resourceType")))
        kind = bundle.get("type")
        if kind not in _BUNDLE_TYPES:
            self.fail("$.type", "one of " + ", ".join(map(repr, _BUNDLE_TYPES)), _shown(kind))
        entry_keys = _ENTRY | (
            {"search"} if kind == "searchset" else {"request"} if kind in _REQUEST_KINDS else set()
        )
        entries = self.array(self.value(bundle, "entry", "$"), "$.entry")
        for n, item in enumerate(entries):
            path = f"$.entry[{n}]"
            try:
                entry = self.read_object(item, path, "a Bundle entry", entry_keys)
                self.entry_parts(entry, path)
                found = self.entry_resource(entry, path)
            except _ReadError:
                continue
            if found is None:
                continue  # ignored, leniently
            resource_type, body = found
            index = len(self.entries)
            self.entries.append(_Entry(f"{path}.resource", resource_type, body, index=index))
            for key in _keys_of(entry, body, resource_type):
                if key in self.by_reference:
                    self.fail(f"{path}.fullUrl", "a full URL no other entry has", show_code(key))
                self.by_reference[key] = index

    def entry_parts(self, entry: dict[str, Any], path: str) -> None:
        """An entry's ``request`` (create or update only) and ``search``, checked, not read."""
        if "request" in entry:
            where = f"{path}.request"
            request = self.read_object(entry["request"], where, "a request", _REQUEST)
            method = self.value(request, "method", where)
            if method not in _REQUEST_METHODS:
                raise self.fail(
                    f"{where}.method",
                    "'POST' or 'PUT': an entry that creates or updates a resource",
                    _shown(method),
                )
        if "search" in entry:
            where = f"{path}.search"
            search = self.read_object(entry["search"], where, "a search", _SEARCH)
            mode = search.get("mode", "match")
            if mode not in ("match", "include", "outcome"):
                raise self.fail(
                    f"{where}.mode", "one of 'match', 'include', 'outcome'", _shown(mode)
                )

    def contained_of(self, container: _Entry) -> None:
        """Contained resources: a Patient, referenced as ``#id`` from its container."""
        resource = container.resource
        if "contained" not in resource:
            return
        where = key_path(container.path, "contained")
        for n, item in enumerate(self.array(resource["contained"], where)):
            at = f"{where}[{n}]"
            body = self.loose_object(item, at)
            if body is None:
                self.fail(at, "an object (a resource)", json_type(item))
                continue
            kind = body.get("resourceType")
            ident = body.get("id")
            if kind == "Patient" and type(ident) is str and ident:
                entry = _Entry(at, "Patient", body, index=container.index)
                if (container.index, f"#{ident}") in self.contained:
                    self.fail(f"{at}.id", "an id no other contained resource has", "another")
                    continue
                self.contained[container.index, f"#{ident}"] = entry
                self.patients.append(entry)
                continue
            self.current = container
            self.ignore(
                at,
                "contained-not-read",
                "only a contained Patient with an id (the person)",
                f"a contained {_shown(kind)}",
            )
            self.current = None

    def entry_resource(self, entry: dict[str, Any], path: str) -> tuple[str, dict[str, Any]] | None:
        if "fullUrl" in entry:
            self.string(entry["fullUrl"], f"{path}.fullUrl", "a full URL (a string)")
        value = self.value(entry, "resource", path)
        where = f"{path}.resource"
        try:
            found = object_of(value, where)
        except ValidationError as error:  # a key given twice
            self.problems.extend(error.problems)
            raise _ReadError from None
        if found is None:
            raise self.fail(where, "an object (a resource)", json_type(value))
        kind = found.get("resourceType")
        if kind not in _RESOURCE_TYPES:
            expected = "one of " + ", ".join(_RESOURCE_TYPES)
            if type(kind) is not str or not kind or not self.lenient:
                raise self.fail(f"{where}.resourceType", expected, _shown(kind))
            self.current = _Entry(where, kind, found)
            self.ignore(where, "resource-not-used", expected, _shown(kind))
            self.current = None
            return None
        assert isinstance(kind, str)  # one of _RESOURCE_TYPES
        return kind, found

    def resources(self) -> None:
        for entry in self.entries:
            self.attempt(functools.partial(self.contained_of, entry))
        self.patients += [entry for entry in self.entries if entry.resource_type == "Patient"]
        for patient in self.patients:
            self.current = patient
            self.attempt(functools.partial(self.patient, patient))
        self.current = None
        plans = [entry for entry in self.entries if entry.resource_type == "CarePlan"]
        if len(plans) != 1:
            raise self.fail("$.entry", "exactly one CarePlan", f"{len(plans)}")
        before = len(self.problems)
        self.current = plans[0]
        self.care_plan(plans[0])
        self.extensions(plans[0].resource, plans[0].path, frozenset())
        self.current = None
        if len(self.problems) > before:
            return  # without the person and the definition, the rest cannot be checked
        if not any(entry.resource_type == "EpisodeOfCare" for entry in self.entries):
            self.fail("$.entry", "at least one EpisodeOfCare (a placement)", "none")
        # Entities first, so the Observations that name them can be checked.
        order = ("EpisodeOfCare", "Goal", "Encounter", "Observation")
        readers: dict[str, Callable[[_Entry], None]] = {
            "EpisodeOfCare": self.episode,
            "Goal": self.goal,
            "Encounter": self.encounter,
            "Observation": self.observation,
        }
        for kind in order:
            for entry in self.entries:
                if entry.resource_type == kind:
                    self.current = entry
                    self.attempt(functools.partial(readers[kind], entry))
        self.current = plans[0]
        self.attempt(functools.partial(self.care_plan_goals, plans[0]))
        self.current = None

    def check_people(self) -> None:
        if not self.person_paths:
            return
        person = self.person or self.person_paths[0][0]
        for other, path in self.person_paths:
            if other != person:
                self.fail(path, "the person of the CarePlan", "another person id (not shown)")

    # --- resources -------------------------------------------------------------------

    def care_plan(self, entry: _Entry) -> None:
        path, resource = entry.path, entry.resource
        self.care_plan_path = path
        self.read_object(resource, path, "a CarePlan", _CARE_PLAN)
        self.subject(resource, "subject", path)
        self.person = self.person_paths[-1][0]
        where = key_path(path, "instantiatesUri")
        uris = self.array(self.value(resource, "instantiatesUri", path), where)
        matches = [
            (n, match)
            for n, uri in enumerate(uris)
            if isinstance(uri, str) and (match := DEFINITION_URI.fullmatch(uri)) is not None
        ]
        expected = "exactly one pathway definition URI " + definition_uri("<id>", "<version>")
        if len(matches) != 1:
            raise self.fail(where, expected, f"{len(matches)}")
        n, match = matches[0]
        definition_id, version = match[1], match[2]
        if not (is_code(definition_id) and is_code(version)):
            raise self.fail(f"{where}[{n}]", expected + ", each a code", "another form")
        self.definition_id, self.definition_version = definition_id, version
        if self.given is not None:
            if (self.given.id, self.given.version) != (definition_id, version):
                raise self.fail(
                    f"{where}[{n}]",
                    f"the definition given ({self.given.id}@{self.given.version})",
                    f"a record on {definition_id}@{version}",
                )
        else:
            named = (definition_id, version)
            self.definition = next((d for d in DEFINITIONS if (d.id, d.version) == named), None)

    def care_plan_goals(self, entry: _Entry) -> None:
        path, resource = entry.path, entry.resource
        if "goal" not in resource:
            return
        where = key_path(path, "goal")
        for n, item in enumerate(self.array(resource["goal"], where)):
            self.attempt(functools.partial(self.reference, item, f"{where}[{n}]", "Goal"))

    def episode(self, entry: _Entry) -> None:
        path, resource = entry.path, entry.resource
        self.read_object(resource, path, "an EpisodeOfCare", _EPISODE)
        self.extensions(resource, path, frozenset())
        placement_id = self.identifier(resource, path, PLACEMENT_ID, "placement")
        entry.entity = placement_id
        self.subject(resource, "patient", path)
        where = key_path(path, "type")
        types = self.array(self.value(resource, "type", path), where, least=1, most=1)
        stage = self.data_code(types[0], f"{where}[0]", "stage")
        organisation = self.read_object(
            self.value(resource, "managingOrganization", path),
            f"{path}.managingOrganization",
            "a Reference",
            frozenset({"display"}),
        )
        provider = self.string(
            self.value(organisation, "display", f"{path}.managingOrganization"),
            f"{path}.managingOrganization.display",
            "the provider's name (a string)",
        )
        start, end = self.period(resource, path, end_required=False)
        status = self.string(self.value(resource, "status", path), f"{path}.status")
        wanted = "active" if end is None else "finished"
        if stage == DISCHARGED and end == start and status == "finished":
            end = None  # care ended on the day of the move: the stay after it goes on
        elif status != wanted:
            raise self.fail(
                f"{path}.status",
                f"{wanted!r} for a stay " + ("that goes on" if end is None else "that ended"),
                show_code(status),
            )
        self.placements.append(
            (
                path,
                {
                    "id": placement_id,
                    "stage": stage,
                    "provider": provider,
                    "start": start,
                    "end": end,
                },
            )
        )

    def period(
        self, resource: dict[str, Any], path: str, *, end_required: bool
    ) -> tuple[dt.date, dt.date | None]:
        where = key_path(path, "period")
        period = self.read_object(self.value(resource, "period", path), where, "a Period", _PERIOD)
        start = self.date(self.value(period, "start", where), f"{where}.start", time_allowed=True)
        if "end" not in period and not end_required:
            return start, None
        end = self.date(self.value(period, "end", where), f"{where}.end", time_allowed=True)
        return start, end

    def goal(self, entry: _Entry) -> None:
        path, resource = entry.path, entry.resource
        self.read_object(resource, path, "a Goal", _GOAL)
        goal_id = self.identifier(resource, path, GOAL_ID, "goal")
        entry.entity = goal_id
        self.subject(resource, "subject", path)
        ours = self.extensions(resource, path, frozenset({GOAL_SET_BY_EXTENSION}))
        if len(ours) != 1:
            raise self.fail(
                key_path(path, "extension"),
                f"exactly one extension {GOAL_SET_BY_EXTENSION} (who set the goal)",
                f"{len(ours)}",
            )
        at, item = ours[0]
        extension = self.read_object(item, at, "an Extension", frozenset({"url", "valueCoding"}))
        coding_path = f"{at}.valueCoding"
        coding = self.read_object(
            self.value(extension, "valueCoding", at), coding_path, "a Coding", _CODING
        )
        if coding.get("system") != GOAL_SET_BY:
            raise self.fail(
                f"{coding_path}.system", repr(GOAL_SET_BY), _shown(coding.get("system"))
            )
        set_by = self.vocabulary_code(coding, coding_path, GOAL_SET_BY)
        lifecycle = self.choice(
            self.value(resource, "lifecycleStatus", path),
            f"{path}.lifecycleStatus",
            {member.value: member for member in GoalLifecycleStatus},
        )
        achievement = None
        if "achievementStatus" in resource:
            achievement = self.hl7_code(
                resource["achievementStatus"],
                f"{path}.achievementStatus",
                GOAL_ACHIEVEMENT,
                _ACHIEVEMENTS,
            )
        where = key_path(path, "category")
        categories = self.array(self.value(resource, "category", path), where, least=1, most=1)
        domain = self.data_code(categories[0], f"{where}[0]", "domain")
        description_path = f"{path}.description"
        description = self.read_object(
            self.value(resource, "description", path),
            description_path,
            "a CodeableConcept",
            frozenset({"text"}),
        )
        text = self.text(
            self.value(description, "text", description_path), f"{description_path}.text"
        )
        set_on = self.date(
            self.value(resource, "startDate", path), f"{path}.startDate", time_allowed=False
        )
        target = None
        if "target" in resource:
            where = key_path(path, "target")
            targets = self.array(resource["target"], where, least=1, most=1)
            due = self.read_object(targets[0], f"{where}[0]", "a target", frozenset({"dueDate"}))
            target = self.date(
                self.value(due, "dueDate", f"{where}[0]"),
                f"{where}[0].dueDate",
                time_allowed=False,
            )
        self.goals.append(
            (
                path,
                {
                    "id": goal_id,
                    "domain": domain,
                    "description": text,
                    "set_by": set_by,
                    "set_on": set_on,
                    "target_date": target,
                    "lifecycle_status": lifecycle,
                    "achievement_status": achievement,
                },
            )
        )

    def encounter(self, entry: _Entry) -> None:
        path, resource = entry.path, entry.resource
        self.read_object(resource, path, "an Encounter", _ENCOUNTER)
        review_id = self.identifier(resource, path, REVIEW_ID, "review")
        entry.entity = review_id
        self.subject(resource, "subject", path)
        status = self.string(self.value(resource, "status", path), f"{path}.status")
        if status != "finished":
            raise self.fail(
                f"{path}.status", "'finished' (a review that took place)", show_code(status)
            )
        where = key_path(path, "type")
        types = self.array(self.value(resource, "type", path), where, least=1, most=1)
        kind = self.vocabulary(types[0], f"{where}[0]", REVIEW_KIND)
        start, end = self.period(resource, path, end_required=False)
        if end is not None and end != start:
            raise self.fail(
                f"{path}.period.end",
                f"the day the review began ({start.isoformat()})",
                end.isoformat(),
            )
        next_review = None
        ours = self.extensions(resource, path, frozenset({NEXT_REVIEW_EXTENSION}))
        if len(ours) > 1:
            raise self.fail(
                key_path(path, "extension"),
                f"at most one extension {NEXT_REVIEW_EXTENSION}",
                f"{len(ours)}",
            )
        if ours:
            at, item = ours[0]
            extension = self.read_object(item, at, "an Extension", frozenset({"url", "valueDate"}))
            next_review = self.date(
                self.value(extension, "valueDate", at), f"{at}.valueDate", time_allowed=False
            )
        if "episodeOfCare" in resource:
            where = key_path(path, "episodeOfCare")
            for n, item in enumerate(self.array(resource["episodeOfCare"], where)):
                self.reference(item, f"{where}[{n}]", "EpisodeOfCare")
        self.reviews.append(
            (path, {"id": review_id, "date": start, "kind": kind, "next_review_date": next_review})
        )

    def observation(self, entry: _Entry) -> None:
        path, resource = entry.path, entry.resource
        where = key_path(path, "category")
        categories = self.array(self.value(resource, "category", path), where)
        codings = [
            coding
            for n, item in enumerate(categories)
            for coding in self.concept(item, f"{where}[{n}]")
        ]
        at, coding = self.pick(codings, where, _is(OBSERVATION_KIND), OBSERVATION_KIND)
        kind = self.vocabulary_code(coding, at, OBSERVATION_KIND)
        self.read_object(resource, path, _OBSERVATION_LABELS[kind], _OBSERVATIONS[kind])
        self.extensions(resource, path, frozenset())
        if "issued" in resource:
            self.string(resource["issued"], f"{path}.issued", "an instant (a string)")
        self.subject(resource, "subject", path)
        status = self.string(self.value(resource, "status", path), f"{path}.status")
        if status not in _FINAL:
            raise self.fail(
                f"{path}.status", "one of " + ", ".join(map(repr, _FINAL)), show_code(status)
            )
        day = None
        if "effectiveDateTime" in resource or kind in (INCIDENT, INSTRUMENT_SCORE):
            day = self.date(
                self.value(resource, "effectiveDateTime", path),
                f"{path}.effectiveDateTime",
                time_allowed=True,
            )
        _OBSERVATION_READERS[kind](self, path, resource, day)

    def review_findings(self, path: str, resource: dict[str, Any], _: dt.date | None) -> None:
        """The order a review's ratings and goal progress were recorded in (``hasMember``)."""
        review = self.reference(
            self.value(resource, "encounter", path), f"{path}.encounter", "Encounter"
        )
        where = key_path(path, "hasMember")
        members = [
            self.reference(item, f"{where}[{n}]", "Observation").path
            for n, item in enumerate(self.array(self.value(resource, "hasMember", path), where))
        ]
        if review.entity is None:
            raise _ReadError  # the Encounter's identifier has a problem, already reported
        if review.entity in self.findings:
            raise self.fail(path, "one Observation of findings per review", "another")
        self.findings[review.entity] = (path, members)

    def readiness_decision(self, path: str, resource: dict[str, Any], _: dt.date | None) -> None:
        """A readiness decision: computed from the record, so checked for its person only.

        It is not read: ``assess`` decides again from the record, at any date.
        """

    def domain_rating(self, path: str, resource: dict[str, Any], day: dt.date | None) -> None:
        review = self.reference(
            self.value(resource, "encounter", path), f"{path}.encounter", "Encounter"
        )
        rater = self.vocabulary(self.value(resource, "method", path), f"{path}.method", RATER)
        domain = self.data_code(self.value(resource, "code", path), f"{path}.code", "domain")
        level = None
        if "valueCodeableConcept" in resource:
            if "dataAbsentReason" in resource:
                raise self.fail(
                    f"{path}.dataAbsentReason", "no reason when there is a value", "one"
                )
            level = self.data_code(
                resource["valueCodeableConcept"], f"{path}.valueCodeableConcept", "level"
            )
        elif rater == "team":
            raise self.fail(f"{path}.valueCodeableConcept", "the team's level (required)", "none")
        else:
            self.hl7_code(
                self.value(resource, "dataAbsentReason", path),
                f"{path}.dataAbsentReason",
                DATA_ABSENT_REASON,
                {"unknown": "unknown"},
            )
        note = self.note(resource, path)
        if level is None and note is None:
            raise self.fail(path, "a level or a note from the person", "neither")
        if review.entity is None:
            raise _ReadError  # the Encounter's identifier has a problem, already reported
        self.ratings.append(
            _Rating(
                path=path,
                review=review.entity,
                domain=domain,
                rater=rater,
                level=level,
                note=note,
                date=day,
            )
        )

    def goal_progress(self, path: str, resource: dict[str, Any], day: dt.date | None) -> None:
        code = self.vocabulary(self.value(resource, "code", path), f"{path}.code", OBSERVATION_KIND)
        if code != GOAL_PROGRESS:
            raise self.fail(f"{path}.code", repr(GOAL_PROGRESS), show_code(code))
        review = self.reference(
            self.value(resource, "encounter", path), f"{path}.encounter", "Encounter"
        )
        where = key_path(path, "focus")
        focus = self.array(self.value(resource, "focus", path), where, least=1, most=1)
        goal = self.reference(focus[0], f"{where}[0]", "Goal")
        status = self.hl7_code(
            self.value(resource, "valueCodeableConcept", path),
            f"{path}.valueCodeableConcept",
            GOAL_ACHIEVEMENT,
            _ACHIEVEMENTS,
        )
        note = self.note(resource, path)
        if review.entity is None or goal.entity is None:
            raise _ReadError  # an identifier has a problem, already reported
        self.progress.append(
            _Progress(
                path=path,
                review=review.entity,
                goal=goal.entity,
                status=status,
                note=note,
                date=day,
            )
        )

    def incident(self, path: str, resource: dict[str, Any], day: dt.date | None) -> None:
        incident_id = self.identifier(resource, path, INCIDENT_ID, "incident")
        kind = self.vocabulary(self.value(resource, "code", path), f"{path}.code", INCIDENT_KIND)
        severity = self.vocabulary(
            self.value(resource, "valueCodeableConcept", path),
            f"{path}.valueCodeableConcept",
            INCIDENT_SEVERITY,
        )
        note = self.note(resource, path)
        fields = {"id": incident_id, "date": day, "kind": kind, "severity": severity, "note": note}
        if "component" in resource:
            fields["intervention_type"] = self.intervention_type(resource, path)
        self.incidents.append((path, fields))

    def intervention_type(self, resource: dict[str, Any], path: str) -> str:
        """What staff did in a restrictive intervention: the incident's one component."""
        where = key_path(path, "component")
        components = self.array(self.value(resource, "component", path), where, most=1)
        at = f"{where}[0]"
        keys = frozenset({"code", "valueCodeableConcept"})
        component = self.read_object(components[0], at, "a component", keys)
        code = self.vocabulary(self.value(component, "code", at), f"{at}.code", OBSERVATION_KIND)
        if code != INTERVENTION_TYPE:
            raise self.fail(f"{at}.code", repr(INTERVENTION_TYPE), show_code(code))
        return self.vocabulary(
            self.value(component, "valueCodeableConcept", at),
            f"{at}.valueCodeableConcept",
            RESTRICTIVE_INTERVENTION_TYPE,
        )

    def recorded_readiness(self, path: str, resource: dict[str, Any], _: dt.date | None) -> None:
        period_id = self.identifier(
            resource, path, RECORDED_READINESS_ID, "recorded readiness period"
        )
        reason_list = self.vocabulary(
            self.value(resource, "code", path), f"{path}.code", MHSDS_DATA_ELEMENT
        )
        if reason_list not in DELAY_REASON_LISTS:
            raise self.fail(
                f"{path}.code",
                "a delay reason list (" + ", ".join(DELAY_REASON_LISTS) + ")",
                show_code(reason_list),
            )
        where = f"{path}.effectivePeriod"
        period = self.read_object(
            self.value(resource, "effectivePeriod", path), where, "a Period", _PERIOD
        )
        start = self.date(self.value(period, "start", where), f"{where}.start", time_allowed=True)
        end = None
        if "end" in period:
            end = self.date(period["end"], f"{where}.end", time_allowed=True)
        reason = None
        if "valueCodeableConcept" in resource:
            if "dataAbsentReason" in resource:
                raise self.fail(
                    f"{path}.dataAbsentReason", "no reason when there is a value", "one"
                )
            reason = self.mhsds_code(
                resource["valueCodeableConcept"], f"{path}.valueCodeableConcept", reason_list
            )
        else:
            self.hl7_code(
                self.value(resource, "dataAbsentReason", path),
                f"{path}.dataAbsentReason",
                DATA_ABSENT_REASON,
                {"unknown": "unknown"},
            )
        attributable = None
        if "component" in resource:
            at = f"{path}.component"
            items = self.array(resource["component"], at, least=1, most=1)
            component = self.read_object(items[0], f"{at}[0]", "a component", _ATTRIBUTION)
            element = self.vocabulary(
                self.value(component, "code", f"{at}[0]"), f"{at}[0].code", MHSDS_DATA_ELEMENT
            )
            if element != ATTRIBUTABLE_TO.id:
                raise self.fail(f"{at}[0].code", repr(ATTRIBUTABLE_TO.id), show_code(element))
            attributable = self.mhsds_code(
                self.value(component, "valueCodeableConcept", f"{at}[0]"),
                f"{at}[0].valueCodeableConcept",
                ATTRIBUTABLE_TO.id,
            )
        self.readiness.append(
            (
                path,
                {
                    "id": period_id,
                    "start": start,
                    "end": end,
                    "delay_reason": reason,
                    "reason_list": reason_list,
                    "attributable_to": attributable,
                },
            )
        )

    def mhsds_code(self, value: object, path: str, list_id: str) -> str:
        """A code of one MHSDS list; whether the list holds it, the model checks."""
        system = mhsds_system(list_id)
        where, coding = self.pick(self.concept(value, path), path, _is(system), system)
        self.vocabulary_version(coding, where)
        return self.code(self.value(coding, "code", where), key_path(where, "code"), "a code")

    def instrument_rating(self, path: str, resource: dict[str, Any], day: dt.date | None) -> None:
        rating_id = self.identifier(resource, path, INSTRUMENT_RATING_ID, "instrument rating")
        code = self.vocabulary(self.value(resource, "code", path), f"{path}.code", INSTRUMENT)
        instrument = FHIR_INSTRUMENTS.get(code)
        if instrument is None:
            raise self.fail(
                f"{path}.code", "one of " + ", ".join(map(repr, FHIR_INSTRUMENTS)), show_code(code)
            )
        by_snomed = {scale.snomed_ct: scale.code for scale in instrument.scales if scale.snomed_ct}
        where = key_path(path, "component")
        components = self.array(self.value(resource, "component", path), where)
        ratings: dict[str, int] = {}
        problem_8: str | None = None
        keys = frozenset({"code", "valueInteger", "valueString", "dataAbsentReason"})
        for n, item in enumerate(components):
            at = f"{where}[{n}]"
            component = self.read_object(item, at, "a component", keys)
            codings = self.concept(self.value(component, "code", at), f"{at}.code")
            ours = [c for c in codings if c[1].get("system") in (SNOMED_CT, INSTRUMENT)]
            if len(ours) != 1:
                raise self.fail(
                    f"{at}.code",
                    f"exactly one coding from {SNOMED_CT} (a scale) or {INSTRUMENT}",
                    f"{len(ours)}",
                )
            coding_path, coding = ours[0]
            if coding.get("system") == INSTRUMENT:
                if self.vocabulary_code(coding, coding_path, INSTRUMENT) != PROBLEM_8:
                    raise self.fail(f"{coding_path}.code", repr(PROBLEM_8), "another code")
                if problem_8 is not None:
                    raise self.fail(at, "the scale-8 problem type once", "it again")
                problem_8 = self.choice(
                    self.value(component, "valueString", at),
                    f"{at}.valueString",
                    {letter: letter for letter in PROBLEM_TYPES},
                )
                continue
            scale = self.choice(
                self.value(coding, "code", coding_path), f"{coding_path}.code", by_snomed
            )
            if scale in ratings:
                raise self.fail(f"{coding_path}.code", "each scale once", "a scale again")
            ratings[scale] = self.scale_rating(component, at)
        missing = [code for code in instrument.codes if code not in ratings]
        if missing:
            raise self.fail(
                where,
                f"one component per scale of {instrument.name}",
                f"no component for {', '.join(missing)}",
            )
        assert day is not None  # required for an instrument rating
        self.instruments.append(
            (
                path,
                {
                    "id": rating_id,
                    "instrument": instrument,
                    "date": day,
                    "ratings": tuple(ratings[code] for code in instrument.codes),
                    "problem_8": problem_8,
                },
            )
        )

    def scale_rating(self, component: dict[str, Any], at: str) -> int:
        if "valueInteger" in component:
            value = component["valueInteger"]
            if type(value) is not int or not 0 <= value <= 4:
                raise self.fail(
                    f"{at}.valueInteger",
                    "an integer 0-4 (not known is a dataAbsentReason)",
                    str(value) if type(value) is int else json_type(value),
                )
            if "dataAbsentReason" in component:
                raise self.fail(f"{at}.dataAbsentReason", "no reason when there is a value", "one")
            return value
        self.hl7_code(
            self.value(component, "dataAbsentReason", at),
            f"{at}.dataAbsentReason",
            DATA_ABSENT_REASON,
            _NOT_KNOWN_REASONS,
        )
        return NOT_KNOWN

    # --- the record ------------------------------------------------------------------

    def build(self) -> FhirImport:
        problems: list[Problem] = []
        placements = [
            self.make(Placement, fields, path, "placements", problems)
            for path, fields in self.placements
        ]
        goals = [self.make(Goal, fields, path, "goals", problems) for path, fields in self.goals]
        reviews = self.make_reviews(problems)
        incidents = [
            self.make(Incident, fields, path, "incidents", problems)
            for path, fields in self.incidents
        ]
        periods = [
            self.make(RecordedReadiness, fields, path, "recorded_readiness", problems)
            for path, fields in self.readiness
        ]
        ratings = [
            self.make(InstrumentRating, fields, path, "instrument_ratings", problems)
            for path, fields in self.instruments
        ]
        if problems:
            raise ValidationError(problems)
        assert self.person is not None  # read above, or a problem was raised
        assert self.definition_id is not None
        assert self.definition_version is not None
        try:
            pathway = Pathway(
                person_id=self.person,
                definition_id=self.definition_id,
                definition_version=self.definition_version,
                placements=placements,
                goals=goals,
                reviews=reviews,
                incidents=incidents,
                recorded_readiness=periods,
            )
        except ValidationError as error:
            canonical = {
                field: getattr(attrs.fields(Pathway), field).converter(items)
                for field, items in (
                    ("placements", placements),
                    ("goals", goals),
                    ("reviews", reviews),
                    ("incidents", incidents),
                    ("recorded_readiness", periods),
                )
            }
            raise ValidationError(self.placed(error.problems, canonical)) from None
        if self.definition is not None:
            found = check_pathway(pathway, self.definition)
            if found:
                records = {
                    "placements": pathway.placements,
                    "goals": pathway.goals,
                    "reviews": pathway.reviews,
                    "incidents": pathway.incidents,
                    "recorded_readiness": pathway.recorded_readiness,
                }
                raise ValidationError(self.placed(found, records))
        return FhirImport(
            pathway=pathway,
            instrument_ratings=ratings,
            ignored=self.ignored,
            organisation=self.organisation,
        )

    def make(
        self,
        cls: type[T],
        fields: dict[str, Any],
        path: str,
        collection: str,
        problems: list[Problem],
    ) -> T:
        try:
            return cls(**fields)
        except ValidationError as error:
            for problem in error.problems:
                field = problem.path.partition(".")[2].split("[")[0]
                suffix = _FIELD_PATHS.get(collection, {}).get(field, "")
                problems.append(attrs.evolve(problem, path=path + suffix))
            return None  # type: ignore[return-value]  # the caller raises before using it

    def make_reviews(self, problems: list[Problem]) -> list[Review]:
        dates = {fields["id"]: fields["date"] for _, fields in self.reviews}
        dated: list[_Rating | _Progress] = [*self.ratings, *self.progress]
        for item in dated:
            review_day = dates[item.review]
            if item.date is not None and item.date != review_day:
                problems.append(
                    Problem(
                        path=f"{item.path}.effectiveDateTime",
                        expected=f"the date of its review ({review_day.isoformat()})",
                        found=item.date.isoformat(),
                    )
                )
        team, person = self.ratings_by_review(problems)
        progress: dict[str, list[_Progress]] = {}
        goal_order = {fields["id"]: (fields["set_on"], fields["id"]) for _, fields in self.goals}
        for update in sorted(
            self.progress,
            key=lambda u: (
                self.recorded_at(u.review, u.path),
                goal_order.get(u.goal, (dt.date.min, u.goal)),
                u.path,
            ),
        ):
            updates = progress.setdefault(update.review, [])
            if any(other.goal == update.goal for other in updates):
                problems.append(_again(f"{update.path}.focus[0]", "update of this goal"))
            updates.append(update)
        if problems:
            return []
        reviews = []
        for path, fields in self.reviews:
            review_id = fields["id"]
            ratings = [
                self.domain_rating_of(rating, person.get((review_id, domain)), problems)
                for domain, rating in team.get(review_id, {}).items()
            ]
            goal_progress = [
                self.make(
                    GoalProgress,
                    {"goal": u.goal, "achievement_status": u.status, "note": u.note},
                    u.path,
                    "goal_progress",
                    problems,
                )
                for u in progress.get(review_id, [])
            ]
            review = {**fields, "ratings": ratings, "goal_progress": goal_progress}
            reviews.append(self.make(Review, review, path, "reviews", problems))
        return reviews

    def recorded_at(self, review: str, path: str) -> int:
        """Where an Observation is among its review's findings (all alike without them)."""
        members = self.findings.get(review, ("", []))[1]
        return members.index(path) if path in members else len(members)

    def ratings_by_review(
        self, problems: list[Problem]
    ) -> tuple[dict[str, dict[str, _Rating]], dict[tuple[str, str], _Rating]]:
        """The team's ratings by review and domain (in the framework's order), and the person's.

        The order is the one the review's findings Observation records; without one, the
        framework's order of domains when the definition is known, else the order of the
        domain codes: never the order of the entries.
        """
        team: dict[str, dict[str, _Rating]] = {}
        person: dict[tuple[str, str], _Rating] = {}
        domains = (
            {}
            if self.definition is None
            else {code: n for n, code in enumerate(self.definition.framework.domain_codes)}
        )
        ordered = sorted(
            self.ratings,
            key=lambda r: (
                self.recorded_at(r.review, r.path),
                domains.get(r.domain, len(domains)),
                r.domain,
                r.rater,
                r.path,
            ),
        )
        for rating in ordered:
            if rating.rater == "team":
                if rating.domain in team.setdefault(rating.review, {}):
                    problems.append(_again(rating.path, "team rating of this domain"))
                team[rating.review][rating.domain] = rating
            elif (rating.review, rating.domain) in person:
                problems.append(_again(rating.path, "person's rating of this domain"))
            else:
                person[rating.review, rating.domain] = rating
        problems.extend(
            Problem(
                path=f"{rating.path}.code",
                expected="a domain the team also rated at this review",
                found="a person's rating alone",
            )
            for (review, domain), rating in person.items()
            if domain not in team.get(review, {})
        )
        return team, person

    def domain_rating_of(
        self, team: _Rating, person: _Rating | None, problems: list[Problem]
    ) -> DomainRating:
        try:
            return DomainRating(
                domain=team.domain,
                team=team.level,  # type: ignore[arg-type]  # a team rating always has a level
                person=None if person is None else person.level,
                team_note=team.note,
                person_note=None if person is None else person.note,
            )
        except ValidationError as error:
            for problem in error.problems:
                mine = person is not None and problem.path.startswith("DomainRating.person")
                where = person.path if mine and person is not None else team.path
                suffix = ".note[0].text" if problem.path.endswith("_note") else ""
                problems.append(attrs.evolve(problem, path=where + suffix))
            return None  # type: ignore[return-value]  # the caller raises before using it

    def placed(
        self, problems: tuple[Problem, ...], records: Mapping[str, tuple[Any, ...]]
    ) -> list[Problem]:
        """Place a record's problems (``$.placements[2].end``) at their Bundle entries.

        ``records`` holds each collection in the record's canonical order, which is the
        order the positions in the problems' paths count in.
        """
        paths: dict[str, dict[str, str]] = {
            "placements": {f["id"]: p for p, f in self.placements},
            "goals": {f["id"]: p for p, f in self.goals},
            "reviews": {f["id"]: p for p, f in self.reviews},
            "incidents": {f["id"]: p for p, f in self.incidents},
            "recorded_readiness": {f["id"]: p for p, f in self.readiness},
        }
        progress = {(u.review, u.goal): u.path for u in self.progress}
        ratings = {(r.review, r.domain): r.path for r in self.ratings if r.rater == "team"}
        placed = []
        for problem in problems:
            path = self.care_plan_path + ".instantiatesUri"
            found = item_at(problem.path, records)
            if found is not None:
                head, item, tail = found
                assert isinstance(item, (Placement, Goal, Review, Incident, RecordedReadiness))
                path = paths[head].get(item.id, "$.entry")
                inner = review_item_at(item, tail) if isinstance(item, Review) else None
                if inner is not None and isinstance(inner[1], GoalProgress):
                    path = progress.get((item.id, inner[1].goal), path) + ".focus[0]"
                elif inner is not None and isinstance(inner[1], DomainRating):
                    path = ratings.get((item.id, inner[1].domain), path)
                else:
                    field = tail.removeprefix(".").split("[")[0].split(".")[0]
                    path += _FIELD_PATHS[head].get(field, "")
            elif not problem.path.startswith("$.definition"):
                path = "$.entry"
            placed.append(attrs.evolve(problem, path=path))
        return placed


_ACHIEVEMENTS = {member.value: member for member in GoalAchievementStatus}
#: The Bundle types whose entries carry a ``request``.
_REQUEST_KINDS = ("transaction", "batch")


def _is_person_system(system: object) -> bool:
    match = IDENTIFIER_SYSTEM.fullmatch(system) if isinstance(system, str) else None
    return match is not None and match[2] == "person"


def _id_of(resource: dict[str, Any]) -> str | None:
    """A resource's id, when it has one that is a string."""
    value = resource.get("id")
    return value if type(value) is str and value else None


#: What each kind of Observation is, in words, for messages.
_OBSERVATION_LABELS = {
    DOMAIN_RATING: "an Observation of a domain rating",
    GOAL_PROGRESS: "an Observation of goal progress",
    INCIDENT: "an Observation of an incident",
    INSTRUMENT_SCORE: "an Observation of an instrument rating",
    RECORDED_READINESS: "an Observation of recorded readiness",
    REVIEW_FINDINGS: "an Observation of a review's findings",
    READINESS_DECISION: "an Observation of a readiness decision",
}
#: What reads each kind of Observation: a method of `_Import`.
_OBSERVATION_READERS: dict[str, Callable[[_Import, str, dict[str, Any], dt.date | None], None]] = {
    DOMAIN_RATING: _Import.domain_rating,
    GOAL_PROGRESS: _Import.goal_progress,
    INCIDENT: _Import.incident,
    INSTRUMENT_SCORE: _Import.instrument_rating,
    RECORDED_READINESS: _Import.recorded_readiness,
    REVIEW_FINDINGS: _Import.review_findings,
    READINESS_DECISION: _Import.readiness_decision,
}
#: The codes of each of the library's closed vocabularies, by system.
_VOCABULARY_CODES: dict[str, dict[str, str]] = {
    system: {code: code for code in vocabulary} for system, (_, vocabulary) in VOCABULARIES.items()
}


def _is(system: str) -> Callable[[object], bool]:
    """Whether a coding's system is ``system``."""
    return lambda value: value == system


def _again(path: str, what: str) -> Problem:
    return Problem(path=path, expected=f"one {what} only", found="another")


def _shown(value: object) -> str:
    """Show a value that should be a short code: the code, or the JSON type."""
    return (
        show_code(value)
        if isinstance(value, str)
        else json_type(value)
        if value is not None
        else "none"
    )


def _keys_of(entry: dict[str, Any], resource: dict[str, Any], resource_type: str) -> list[str]:
    """What a reference to this entry may say: its fullUrl, and ``Type/id``."""
    keys = []
    full_url = entry.get("fullUrl")
    if isinstance(full_url, str):
        keys.append(full_url)
    resource_id = resource.get("id")
    if isinstance(resource_id, str):
        local = f"{resource_type}/{resource_id}"
        if local != full_url:
            keys.append(local)
    return keys
