"""FHIR R4 export and import: what maps to what, lossless round trips, and strict reading.

The FHIR facts the tests check against are written out here from the R4 (4.0.1)
specification, independently of the code under test: the required value sets of the
status elements, and the SNOMED CT codes of the HoNOS scales (the sources page). Every
exported resource is validated with fhir.resources' R4B models, a test-only dependency.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pathway_model as pm
from pathway_model import scoring
from pathway_model.catalogue import OFFENDER_PERSONALITY_DISORDER_PATHWAY, SECURE_PATHWAY
from pathway_model.fhir import (
    FHIR_BASE,
    FHIR_NAMESPACE,
    FHIR_VOCABULARY_VERSION,
    FhirImport,
    InstrumentRating,
    fhir_code_systems,
    from_fhir,
    from_fhir_with_instruments,
    to_fhir,
)
from tests import strategies as s
from tests.test_fhir_golden import worked_pathway, worked_ratings

SECRET = "Zanzibar-secret-wording"
"""Clinical free text that must never appear in a message."""

#: SNOMED CT codes of HoNOS scales 1-12 and HoNOS-secure scales A-G (the sources page).
HONOS_SNOMED_CT = (
    "979641000000103",
    "979651000000100",
    "979661000000102",
    "979671000000109",
    "979681000000106",
    "979691000000108",
    "979701000000108",
    "979711000000105",
    "979721000000104",
    "979731000000102",
    "979741000000106",
    "979751000000109",
)
SECURE_SNOMED_CT = (
    "981391000000108",
    "981401000000106",
    "981411000000108",
    "981421000000102",
    "981431000000100",
    "981441000000109",
    "981451000000107",
)
#: Required bindings of FHIR R4 status elements (hl7.org/fhir/R4 value sets).
REQUIRED_CODES = {
    ("Bundle", "type"): {
        "document",
        "message",
        "transaction",
        "transaction-response",
        "batch",
        "batch-response",
        "history",
        "searchset",
        "collection",
    },
    ("CarePlan", "status"): {
        "draft",
        "active",
        "on-hold",
        "revoked",
        "completed",
        "entered-in-error",
        "unknown",
    },
    ("CarePlan", "intent"): {"proposal", "plan", "order", "option"},
    ("EpisodeOfCare", "status"): {
        "planned",
        "waitlist",
        "active",
        "onhold",
        "finished",
        "cancelled",
        "entered-in-error",
    },
    ("Encounter", "status"): {
        "planned",
        "arrived",
        "triaged",
        "in-progress",
        "onleave",
        "finished",
        "cancelled",
        "entered-in-error",
        "unknown",
    },
    ("Goal", "lifecycleStatus"): {
        "proposed",
        "planned",
        "accepted",
        "active",
        "on-hold",
        "completed",
        "cancelled",
        "entered-in-error",
        "rejected",
    },
    ("Observation", "status"): {
        "registered",
        "preliminary",
        "final",
        "amended",
        "corrected",
        "cancelled",
        "entered-in-error",
        "unknown",
    },
}
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


# --- helpers -------------------------------------------------------------------------------


def resources(bundle: dict[str, Any], kind: str | None = None) -> list[dict[str, Any]]:
    found = [entry["resource"] for entry in bundle["entry"]]
    return [r for r in found if kind is None or r["resourceType"] == kind]


def observations(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    """The Observations whose library category is ``kind``."""
    return [
        r
        for r in resources(bundle, "Observation")
        if any(
            coding["code"] == kind
            for category in r["category"]
            for coding in category["coding"]
            if coding["system"] == f"{FHIR_BASE}/CodeSystem/observation-kind"
        )
    ]


def kind_of(resource: dict[str, Any]) -> str:
    """The resource type, or for an Observation the library's kind of it."""
    if resource["resourceType"] != "Observation":
        return str(resource["resourceType"])
    return next(
        str(coding["code"])
        for category in resource["category"]
        for coding in category["coding"]
        if coding["system"] == f"{FHIR_BASE}/CodeSystem/observation-kind"
    )


def references(value: Any) -> Iterator[str]:
    """Every literal reference anywhere in a JSON value."""
    if isinstance(value, dict):
        for key, child in value.items():
            if key == "reference" and isinstance(child, str):
                yield child
            else:
                yield from references(child)
    elif isinstance(value, list):
        for child in value:
            yield from references(child)


def worked_bundle() -> dict[str, Any]:
    return to_fhir(worked_pathway(), instrument_ratings=worked_ratings())


def entry_of(bundle: dict[str, Any], predicate: Any) -> int:
    """The position of the first entry whose resource satisfies ``predicate``."""
    return next(n for n, entry in enumerate(bundle["entry"]) if predicate(entry["resource"]))


def is_identified(value: str) -> Any:
    return lambda r: any(i["value"] == value for i in r.get("identifier", []))


def problems_of(bundle: object, **options: Any) -> list[pm.Problem]:
    with pytest.raises(pm.ValidationError) as caught:
        from_fhir(bundle, **options)
    return list(caught.value.problems)


def paths_of(bundle: object, **options: Any) -> list[str]:
    return [problem.path for problem in problems_of(bundle, **options)]


@st.composite
def instrument_ratings(draw: st.DrawFn) -> tuple[InstrumentRating, ...]:
    """0-3 HoNOS or HoNOS-secure ratings with unique ids, any valid ratings and letters."""
    count = draw(st.integers(0, 3))
    ratings = []
    for index in range(count):
        instrument = draw(st.sampled_from([scoring.HONOS, scoring.HONOS_SECURE]))
        ratings.append(
            InstrumentRating(
                id=f"rating-{index + 1}",
                instrument=instrument,
                date=draw(s.dates),
                ratings=[  # a security scale has no "not known" (9) rating
                    draw(
                        st.sampled_from([0, 1, 2, 3, 4, 9] if scale.allows_not_known else range(5))
                    )
                    for scale in instrument.scales
                ],
                problem_8=draw(st.none() | st.sampled_from("ABCDEFGHIJK")),
            )
        )
    return tuple(ratings)


def r4b_validate(bundle: dict[str, Any]) -> None:
    from fhir.resources.R4B.bundle import Bundle

    Bundle.model_validate(bundle)


# --- export ------------------------------------------------------------------------------


class TestExport:
    def test_the_bundle_is_a_collection_of_the_mapped_resources(self) -> None:
        """A Bundle of type collection: a CarePlan, then episodes, goals, reviews, the rest."""
        bundle = worked_bundle()
        kinds = [r["resourceType"] for r in resources(bundle)]
        assert ("Bundle", "collection") == (bundle["resourceType"], bundle["type"])
        assert "CarePlan" == kinds[0]
        assert ["EpisodeOfCare", "EpisodeOfCare", "Goal", "Goal"] == kinds[1:5]
        assert 4 == kinds.count("Encounter")

    def test_each_placement_is_an_episode_of_care_with_its_stage(self) -> None:
        """An EpisodeOfCare per stay: stage coding, provider, period, status."""
        first, second = resources(worked_bundle(), "EpisodeOfCare")
        stage = first["type"][0]["coding"][0]
        assert f"{FHIR_BASE}/CodeSystem/stage/secure-pathway" == stage["system"]
        assert ("1.0.0", "medium_secure") == (stage["version"], stage["code"])
        assert {"display": "Northfield MSU"} == first["managingOrganization"]
        assert {"start": "2024-01-08", "end": "2025-01-20"} == first["period"]
        assert ("finished", "active") == (first["status"], second["status"])
        assert {"start": "2025-01-20"} == second["period"]

    def test_a_stay_ends_on_the_day_of_the_move(self) -> None:
        """Period.end is the move day: the day the next stay starts (see the how-to)."""
        first, second = resources(worked_bundle(), "EpisodeOfCare")
        assert first["period"]["end"] == second["period"]["start"]

    def test_each_goal_is_a_goal_with_its_statuses_and_who_set_it(self) -> None:
        """A Goal per goal: lifecycle, domain as category, set-by extension, dates, text."""
        goal = resources(worked_bundle(), "Goal")[0]
        assert "active" == goal["lifecycleStatus"]
        assert "life_skills" == goal["category"][0]["coding"][0]["code"]
        assert "person" == goal["extension"][0]["valueCoding"]["code"]
        assert "Cook a meal for my family when they visit." == goal["description"]["text"]
        assert ("2024-02-01", [{"dueDate": "2024-12-01"}]) == (goal["startDate"], goal["target"])

    def test_a_judged_goal_carries_its_achievement_status(self) -> None:
        """achievementStatus is coded in FHIR's goal-achievement system."""
        pathway = worked_pathway()
        goal = attrs.evolve(pathway.goals[0], achievement_status="achieved")
        bundle = to_fhir(attrs.evolve(pathway, goals=(goal, *pathway.goals[1:])))
        coding = resources(bundle, "Goal")[0]["achievementStatus"]["coding"][0]
        expected = "http://terminology.hl7.org/CodeSystem/goal-achievement"
        assert (expected, "achieved") == (coding["system"], coding["code"])

    def test_the_care_plan_names_the_definition_and_lists_the_goals(self) -> None:
        """CarePlan.instantiatesUri names the definition and version; goal lists every Goal."""
        bundle = worked_bundle()
        plan = resources(bundle, "CarePlan")[0]
        assert [f"{FHIR_BASE}/pathway-definition/secure-pathway/1.0.0"] == plan["instantiatesUri"]
        goal_urls = {
            e["fullUrl"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Goal"
        }
        assert goal_urls == {goal["reference"] for goal in plan["goal"]}
        assert ("active", "plan") == (plan["status"], plan["intent"])

    def test_each_review_is_an_encounter_in_its_episode(self) -> None:
        """An Encounter per review: kind, date, next review date, and its EpisodeOfCare."""
        bundle = worked_bundle()
        encounter = resources(bundle, "Encounter")[3]
        episode = next(
            e for e in bundle["entry"] if is_identified("P-0001/placement-2")(e["resource"])
        )
        assert [{"reference": episode["fullUrl"]}] == encounter["episodeOfCare"]
        assert "clinical" == encounter["type"][0]["coding"][0]["code"]
        assert {"start": "2025-04-14", "end": "2025-04-14"} == encounter["period"]
        first = resources(bundle, "Encounter")[0]
        assert "2024-06-27" == first["extension"][0]["valueDate"]

    def test_the_team_and_the_person_each_have_an_observation_per_domain(self) -> None:
        """Domain ratings: one Observation for the team's level, one for the person's."""
        ratings = observations(worked_bundle(), "domain-rating")
        first_review = [r for r in ratings if r["effectiveDateTime"] == "2024-03-28"]
        methods = [
            (r["code"]["coding"][0]["code"], r["method"]["coding"][0]["code"]) for r in first_review
        ]
        assert [
            ("mental_health_recovery", "team"),
            ("mental_health_recovery", "person"),
            ("harm_related_behaviours", "team"),
            ("substance_misuse", "team"),
        ] == methods
        assert "partly_met" == first_review[1]["valueCodeableConcept"]["coding"][0]["code"]

    def test_a_person_who_gave_no_level_and_no_note_has_no_observation(self) -> None:
        """A person rating not given is an absent Observation, not an empty one."""
        pathway = pm.Pathway.start(
            SECURE_PATHWAY,
            person_id="P-1",
            stage="medium_secure",
            provider="U",
            on=dt.date(2024, 1, 1),
        ).with_reviews(
            pm.Review.from_levels(id="r1", date=dt.date(2024, 2, 1), team={"life_skills": "met"})
        )
        ratings = observations(to_fhir(pathway), "domain-rating")
        assert ["team"] == [r["method"]["coding"][0]["code"] for r in ratings]

    def test_a_person_note_without_a_level_has_no_value_and_a_reason(self) -> None:
        """The person's note alone: no value, dataAbsentReason 'unknown', the note."""
        ratings = observations(worked_bundle(), "domain-rating")
        alone = next(r for r in ratings if "dataAbsentReason" in r)
        assert "valueCodeableConcept" not in alone
        assert "unknown" == alone["dataAbsentReason"]["coding"][0]["code"]
        assert [{"text": "I would rather talk about this next time."}] == alone["note"]

    def test_notes_are_annotations(self) -> None:
        """A team note is the Observation's note."""
        ratings = observations(worked_bundle(), "domain-rating")
        noted = [r["note"][0]["text"] for r in ratings if "note" in r]
        assert "Settled on the ward; engaging with psychology." in noted

    def test_goal_progress_is_an_observation_focused_on_its_goal(self) -> None:
        """Goal progress: focus on the Goal, encounter of the review, achievement value."""
        bundle = worked_bundle()
        (update,) = observations(bundle, "goal-progress")
        goal = next(e for e in bundle["entry"] if is_identified("P-0001/goal-1")(e["resource"]))
        assert [{"reference": goal["fullUrl"]}] == update["focus"]
        assert "improving" == update["valueCodeableConcept"]["coding"][0]["code"]
        assert [{"text": "Cooked with staff twice this month."}] == update["note"]

    def test_incidents_are_observations_of_kind_and_severity(self) -> None:
        """An incident: code = kind, value = severity, its date, its note."""
        (incident,) = observations(worked_bundle(), "incident")
        assert "violence" == incident["code"]["coding"][0]["code"]
        assert "moderate" == incident["valueCodeableConcept"]["coding"][0]["code"]
        assert "2024-04-15" == incident["effectiveDateTime"]
        assert 1 == len(incident["note"])

    def test_honos_scales_are_components_coded_with_snomed_ct(self) -> None:
        """HoNOS and HoNOS-secure scales carry the SNOMED CT codes of the sources page."""
        honos, secure = observations(worked_bundle(), "instrument-score")
        codes = [c["code"]["coding"][0]["code"] for c in secure["component"]]
        assert list(HONOS_SNOMED_CT + SECURE_SNOMED_CT) == codes
        assert {"http://snomed.info/sct"} == {
            c["code"]["coding"][0]["system"] for c in secure["component"]
        }
        assert [2] * 12 == [c["valueInteger"] for c in honos["component"][:12]]

    def test_a_scale_not_known_has_a_reason_not_a_value(self) -> None:
        """A 9 (not known) is a component with dataAbsentReason, never the number 9."""
        _, secure = observations(worked_bundle(), "instrument-score")
        fifth = secure["component"][4]
        assert "valueInteger" not in fifth
        assert "unknown" == fifth["dataAbsentReason"]["coding"][0]["code"]

    def test_the_scale_8_problem_type_is_a_component_of_its_own(self) -> None:
        """The scale-8 letter follows the scales as a string component."""
        honos, _ = observations(worked_bundle(), "instrument-score")
        assert "A" == honos["component"][-1]["valueString"]

    def test_the_person_is_a_logical_reference_by_pseudonymous_id(self) -> None:
        """Every subject names the person by the library's identifier system, never a URL."""
        for resource in resources(worked_bundle()):
            subject = resource.get("subject", resource.get("patient"))
            assert {
                "type": "Patient",
                "identifier": {"system": f"{FHIR_BASE}/identifier/person", "value": "P-0001"},
            } == subject

    def test_only_the_library_s_published_profiles_are_claimed_versioned(self) -> None:
        """Each resource claims one profile of the conformance package, as url|version."""
        declared = {
            (r["resourceType"], kind_of(r)): tuple(r["meta"]["profile"])
            for r in resources(worked_bundle())
        }
        base = f"{FHIR_BASE}/StructureDefinition/"
        version = f"|{FHIR_VOCABULARY_VERSION}"
        assert {
            ("CarePlan", "CarePlan"): (f"{base}pathway-care-plan{version}",),
            ("EpisodeOfCare", "EpisodeOfCare"): (f"{base}placement{version}",),
            ("Goal", "Goal"): (f"{base}pathway-goal{version}",),
            ("Encounter", "Encounter"): (f"{base}review{version}",),
            ("Observation", "domain-rating"): (f"{base}domain-rating{version}",),
            ("Observation", "goal-progress"): (f"{base}goal-progress{version}",),
            ("Observation", "incident"): (f"{base}incident{version}",),
            ("Observation", "instrument-score"): (f"{base}instrument-score{version}",),
            ("Observation", "review-findings"): (f"{base}review-findings{version}",),
        } == declared

    def test_the_definition_defaults_to_the_built_in_one_named(self) -> None:
        """Without a definition, the built-in one the record names is used."""
        assert to_fhir(worked_pathway(), definition=SECURE_PATHWAY) == to_fhir(worked_pathway())

    def test_ids_are_uuid5s_of_the_person_and_the_entity(self) -> None:
        """An entity's id is uuid5(FHIR_NAMESPACE, 'person|kind|id'), as documented."""
        import uuid

        bundle = worked_bundle()
        episode = resources(bundle, "EpisodeOfCare")[0]
        expected = str(uuid.uuid5(FHIR_NAMESPACE, "P-0001|placement|placement-1"))
        assert expected == episode["id"]
        assert uuid.uuid5(uuid.NAMESPACE_URL, "https://pathway-model.org/fhir") == FHIR_NAMESPACE


class TestExportProperties:
    @given(s.definitions_and_pathways(), instrument_ratings())
    def test_every_reference_resolves_inside_the_bundle(
        self, case: tuple[pm.PathwayDefinition, pm.Pathway], ratings: tuple[InstrumentRating, ...]
    ) -> None:
        """Each reference is the fullUrl of an entry; each fullUrl is urn:uuid:<its id>."""
        definition, pathway = case
        bundle = to_fhir(pathway, definition=definition, instrument_ratings=ratings)
        urls = {entry["fullUrl"] for entry in bundle["entry"]}
        assert set(references(bundle)) <= urls
        assert all(e["fullUrl"] == f"urn:uuid:{e['resource']['id']}" for e in bundle["entry"])
        assert len(urls) == len(bundle["entry"])

    @given(s.definitions_and_pathways())
    def test_the_export_is_deterministic(
        self, case: tuple[pm.PathwayDefinition, pm.Pathway]
    ) -> None:
        """The same record always exports the same bytes, whatever order it was built in."""
        definition, pathway = case
        shuffled = pm.Pathway(
            person_id=pathway.person_id,
            definition_id=pathway.definition_id,
            definition_version=pathway.definition_version,
            placements=reversed(pathway.placements),
            goals=reversed(pathway.goals),
            reviews=reversed(pathway.reviews),
            incidents=reversed(pathway.incidents),
            recorded_readiness=reversed(pathway.recorded_readiness),
        )
        first = json.dumps(to_fhir(pathway, definition=definition), sort_keys=True)
        assert first == json.dumps(to_fhir(shuffled, definition=definition), sort_keys=True)

    @settings(max_examples=50)
    @given(s.definitions_and_pathways(), s.dates)
    def test_ids_are_stable_when_the_record_grows(
        self, case: tuple[pm.PathwayDefinition, pm.Pathway], day: dt.date
    ) -> None:
        """Adding an incident changes no existing resource's id."""
        definition, pathway = case
        last = (pathway.end or pathway.placements[-1].start + dt.timedelta(days=1)) - dt.timedelta(
            days=1
        )
        grown = pathway.with_incidents(
            pm.Incident(id="incident-new", date=last, kind="other", severity="minor")
        )
        before = {r["id"] for r in resources(to_fhir(pathway, definition=definition))}
        after = {r["id"] for r in resources(to_fhir(grown, definition=definition))}
        assert before <= after

    @settings(max_examples=50)
    @given(s.definitions_and_pathways())
    def test_dates_stay_dates(self, case: tuple[pm.PathwayDefinition, pm.Pathway]) -> None:
        """Every date the export writes is a plain YYYY-MM-DD date, never a time."""
        definition, pathway = case
        text = json.dumps(to_fhir(pathway, definition=definition))
        keys = ("start", "end", "startDate", "dueDate", "valueDate", "effectiveDateTime")
        for key in keys:
            for value in re.findall(rf'"{key}": "([^"]*)"', text):
                assert DATE.fullmatch(value), (key, value)

    @settings(max_examples=50)
    @given(s.definitions_and_pathways(), instrument_ratings())
    def test_status_codes_are_from_their_required_value_sets(
        self, case: tuple[pm.PathwayDefinition, pm.Pathway], ratings: tuple[InstrumentRating, ...]
    ) -> None:
        """Statuses and intents use codes of their R4 required bindings."""
        definition, pathway = case
        bundle = to_fhir(pathway, definition=definition, instrument_ratings=ratings)
        assert bundle["type"] in REQUIRED_CODES["Bundle", "type"]
        for resource in resources(bundle):
            for (kind, element), codes in REQUIRED_CODES.items():
                if kind == resource["resourceType"] and element in resource:
                    assert resource[element] in codes

    @settings(max_examples=25)
    @given(s.definitions_and_pathways(), instrument_ratings())
    def test_every_exported_resource_validates_against_r4b_models(
        self, case: tuple[pm.PathwayDefinition, pm.Pathway], ratings: tuple[InstrumentRating, ...]
    ) -> None:
        """fhir.resources' R4B models accept the Bundle and every resource in it."""
        definition, pathway = case
        r4b_validate(to_fhir(pathway, definition=definition, instrument_ratings=ratings))


class TestExportRefuses:
    def test_a_record_not_valid_on_its_definition(self) -> None:
        """A level the framework does not have is refused before anything is written."""
        pathway = worked_pathway()
        bad = pathway.with_reviews(
            pm.Review.from_levels(id="r9", date=dt.date(2024, 5, 1), team={"life_skills": "great"})
        )
        with pytest.raises(pm.ValidationError):
            to_fhir(bad)

    def test_a_record_on_a_definition_not_built_in_without_one(self) -> None:
        """A definition that is neither given nor built in cannot be guessed."""
        pathway = attrs.evolve(worked_pathway(), definition_version="9.9.9")
        with pytest.raises(pm.UnknownCodeError):
            to_fhir(pathway)

    def test_instrument_ratings_with_the_same_id(self) -> None:
        """Two instrument ratings may not share an id."""
        rating = worked_ratings()[0]
        with pytest.raises(pm.ValidationError) as caught:
            to_fhir(worked_pathway(), instrument_ratings=[rating, rating])
        assert ["instrument_ratings[1]"] == [p.path for p in caught.value.problems]

    def test_something_that_is_not_an_instrument_rating(self) -> None:
        """Instrument ratings must be InstrumentRating values."""
        with pytest.raises(pm.WrongTypeError):
            to_fhir(worked_pathway(), instrument_ratings=[{"h1": 2}])  # type: ignore[list-item]

    def test_something_that_is_not_a_pathway(self) -> None:
        """The record must be a Pathway."""
        with pytest.raises(pm.WrongTypeError):
            to_fhir(pm.to_dict(worked_pathway()))  # type: ignore[arg-type]


# --- code systems --------------------------------------------------------------------------


class TestCodeSystems:
    @pytest.mark.parametrize("definition", [SECURE_PATHWAY, OFFENDER_PERSONALITY_DISORDER_PATHWAY])
    def test_domains_levels_and_stages_are_published_with_versions(
        self, definition: pm.PathwayDefinition
    ) -> None:
        """The first three systems hold the framework's domains and levels, then the stages."""
        domains, levels, stages, *_ = fhir_code_systems(definition)
        framework = definition.framework
        assert [d["code"] for d in domains["concept"]] == list(framework.domain_codes)
        assert [c["code"] for c in levels["concept"]] == list(framework.scale.codes)
        assert [c["code"] for c in stages["concept"]] == list(definition.stage_codes)
        assert (framework.version, framework.version, definition.version) == (
            domains["version"],
            levels["version"],
            stages["version"],
        )

    def test_levels_carry_their_rank(self) -> None:
        """Each level has its rank as a concept property, so receivers can order them."""
        _, levels, *_ = fhir_code_systems(SECURE_PATHWAY)
        ranks = [c["property"][0] for c in levels["concept"]]
        assert [{"code": "rank", "valueInteger": n} for n in (0, 1, 2)] == ranks

    def test_every_url_is_under_the_one_base(self) -> None:
        """Every code system's URL starts with FHIR_BASE and each URL appears once."""
        urls = [system["url"] for system in fhir_code_systems(SECURE_PATHWAY)]
        assert all(url.startswith(f"{FHIR_BASE}/CodeSystem/") for url in urls)
        assert len(urls) == len(set(urls))

    def test_the_closed_vocabularies_cover_every_member(self) -> None:
        """Each enum of the model has every member in its code system."""
        systems = {s["url"].rsplit("/", 1)[1]: s for s in fhir_code_systems(SECURE_PATHWAY)}
        for name, enum in (
            ("incident-kind", pm.IncidentKind),
            ("incident-severity", pm.IncidentSeverity),
            ("goal-set-by", pm.GoalSetter),
            ("review-kind", pm.ReviewKind),
        ):
            assert [m.value for m in enum] == [c["code"] for c in systems[name]["concept"]]
            assert FHIR_VOCABULARY_VERSION == systems[name]["version"]

    def test_every_code_the_export_uses_is_in_a_published_system(self) -> None:
        """Each coding of the library's own systems names a code its CodeSystem defines."""
        published = {
            (system["url"], concept["code"])
            for system in fhir_code_systems(SECURE_PATHWAY)
            for concept in system["concept"]
        }
        text = json.dumps(worked_bundle())
        used = set(
            re.findall(
                rf'"system": "({re.escape(FHIR_BASE)}/CodeSystem/[^"]+)", '
                r'"version": "[^"]+", "code": "([^"]+)"',
                text,
            )
        )
        assert used
        assert used <= published

    @pytest.mark.parametrize("definition", [SECURE_PATHWAY, OFFENDER_PERSONALITY_DISORDER_PATHWAY])
    def test_code_systems_validate_against_r4b_models(
        self, definition: pm.PathwayDefinition
    ) -> None:
        """fhir.resources' R4B CodeSystem model accepts each one."""
        from fhir.resources.R4B.codesystem import CodeSystem

        for system in fhir_code_systems(definition):
            CodeSystem.model_validate(system)

    def test_names_are_computer_friendly(self) -> None:
        """Each name matches FHIR's cnl-0 pattern for names."""
        for system in fhir_code_systems(OFFENDER_PERSONALITY_DISORDER_PATHWAY):
            assert re.fullmatch(r"[A-Z][A-Za-z0-9_]{0,254}", system["name"])

    def test_a_definition_is_required(self) -> None:
        """Something other than a PathwayDefinition is refused."""
        with pytest.raises(pm.WrongTypeError):
            fhir_code_systems(SECURE_PATHWAY.framework)  # type: ignore[arg-type]


# --- round trip ----------------------------------------------------------------------------


class TestRoundTrip:
    @given(s.definitions_and_pathways())
    def test_pathways_round_trip(self, case: tuple[pm.PathwayDefinition, pm.Pathway]) -> None:
        """from_fhir(to_fhir(p)) == p for every valid record."""
        definition, pathway = case
        assert pathway == from_fhir(to_fhir(pathway, definition=definition), definition=definition)

    @given(s.definitions_and_pathways(), instrument_ratings())
    def test_pathways_and_instruments_round_trip_through_json_text(
        self, case: tuple[pm.PathwayDefinition, pm.Pathway], ratings: tuple[InstrumentRating, ...]
    ) -> None:
        """Through JSON text, without naming the definition, everything comes back."""
        definition, pathway = case
        text = json.dumps(to_fhir(pathway, definition=definition, instrument_ratings=ratings))
        expected = FhirImport(pathway=pathway, instrument_ratings=ratings)
        assert expected == from_fhir_with_instruments(text)

    def test_the_order_of_entries_does_not_matter(self) -> None:
        """Reversed entries read to the same record."""
        pathway = pm.Pathway.start(
            SECURE_PATHWAY,
            person_id="P-1",
            stage="medium_secure",
            provider="U",
            on=dt.date(2024, 1, 1),
        ).with_reviews(
            pm.Review.from_levels(id="r1", date=dt.date(2024, 2, 1), team={"life_skills": "met"})
        )
        bundle = to_fhir(pathway)
        bundle["entry"].reverse()
        assert pathway == from_fhir(bundle)

    def test_a_relative_reference_resolves_by_type_and_id(self) -> None:
        """A reference of the form Type/id finds the entry with that type and id."""
        bundle = worked_bundle()
        for entry in bundle["entry"]:
            entry["fullUrl"] = (
                f"https://ehr.example/fhir/{entry['resource']['resourceType']}/{entry['resource']['id']}"
            )
        text = json.dumps(bundle)
        text = re.sub(
            r'"urn:uuid:([0-9a-f-]+)"', lambda m: f'"{_type_of(bundle, m[1])}/{m[1]}"', text
        )
        assert worked_pathway() == from_fhir(text)

    def test_a_zoned_datetime_becomes_its_date_in_england(self) -> None:
        """A dateTime with a time and zone is read as its calendar date in England."""
        bundle = worked_bundle()
        n = entry_of(bundle, is_identified("P-0001/placement-1"))
        # 23:30 on the 7th at UTC-1 is 00:30 on the 8th in England (GMT in January).
        bundle["entry"][n]["resource"]["period"]["start"] = "2024-01-07T23:30:00-01:00"
        assert worked_pathway() == from_fhir(bundle)

    def test_a_british_summer_time_evening_in_utc_is_the_next_day(self) -> None:
        """23:30 UTC in summer is 00:30 the next day in England."""
        bundle = worked_bundle()
        n = entry_of(
            bundle,
            lambda r: r["resourceType"] == "Observation" and is_identified("P-0001/incident-1")(r),
        )
        bundle["entry"][n]["resource"]["effectiveDateTime"] = "2024-04-14T23:30:00+00:00"
        assert dt.date(2024, 4, 15) == from_fhir(bundle).incidents[0].date


def _type_of(bundle: dict[str, Any], resource_id: str) -> str:
    return next(  # type: ignore[no-any-return]  # JSON values
        e["resource"]["resourceType"] for e in bundle["entry"] if e["resource"]["id"] == resource_id
    )


# --- import: what is refused ----------------------------------------------------------------


class TestVocabularyVersions:
    """A bundle coded in the library's code systems of 1.0.0 still reads; 2.0.0 does not."""

    def _versions(self, bundle: dict[str, Any], version: str) -> dict[str, Any]:
        text = json.dumps(bundle).replace(
            f'"version": "{FHIR_VOCABULARY_VERSION}"', f'"version": "{version}"'
        )
        return dict(json.loads(text))

    def test_the_current_version_is_1_2_0(self) -> None:
        """1.2.0 added review findings, readiness decisions and the conformance package."""
        assert FHIR_VOCABULARY_VERSION == "1.2.0"

    def test_a_bundle_of_1_1_0_reads_the_same(self) -> None:
        bundle = worked_bundle()
        assert from_fhir(self._versions(bundle, "1.1.0")) == from_fhir(bundle)

    def test_a_bundle_of_1_0_0_reads_the_same(self) -> None:
        bundle = worked_bundle()
        assert f'"version": "{FHIR_VOCABULARY_VERSION}"' in json.dumps(bundle)
        assert from_fhir(self._versions(bundle, "1.0.0")) == from_fhir(bundle)

    def test_a_later_major_version_is_refused_at_its_coding(self) -> None:
        problems = problems_of(self._versions(worked_bundle(), "2.0.0"))
        assert problems
        assert all(problem.path.endswith(".version") for problem in problems)
        assert "'1.0.0' or '1.1.0'" in problems[0].expected


class TestImportRefuses:
    def test_a_resource_type_not_mapped(self) -> None:
        """A Condition (or any type not mapped) is refused at its resourceType."""
        bundle = worked_bundle()
        bundle["entry"].append({"fullUrl": "urn:uuid:x", "resource": {"resourceType": "Condition"}})
        n = len(bundle["entry"]) - 1
        assert [f"$.entry[{n}].resource.resourceType"] == paths_of(bundle)

    def test_an_element_not_mapped(self) -> None:
        """An element the library does not map is refused, not dropped."""
        bundle = worked_bundle()
        bundle["entry"][1]["resource"]["careManager"] = {"display": "Dr X"}
        assert ["$.entry[1].resource.careManager"] == paths_of(bundle)

    def test_a_level_the_framework_does_not_have(self) -> None:
        """An unknown level code is refused at its coding, naming the known levels."""
        bundle = worked_bundle()
        n = entry_of(bundle, lambda r: "valueCodeableConcept" in r and r.get("method"))
        bundle["entry"][n]["resource"]["valueCodeableConcept"]["coding"][0]["code"] = "great"
        (problem,) = problems_of(bundle)
        assert f"$.entry[{n}].resource.valueCodeableConcept.coding[0].code" == problem.path
        assert "not_met, partly_met, met" in problem.expected

    def test_a_code_system_of_another_framework(self) -> None:
        """A domain coded in another framework's system is refused."""
        bundle = worked_bundle()
        goal = bundle["entry"][3]["resource"]
        goal["category"][0]["coding"][0]["system"] = f"{FHIR_BASE}/CodeSystem/domain/other"
        assert ["$.entry[3].resource.category[0].coding[0].system"] == paths_of(bundle)

    def test_a_code_system_the_library_does_not_know(self) -> None:
        """A stage coded only in another system is refused: no coding to read."""
        bundle = worked_bundle()
        coding = bundle["entry"][1]["resource"]["type"][0]["coding"][0]
        coding["system"] = "http://snomed.info/sct"
        assert ["$.entry[1].resource.type[0]"] == paths_of(bundle)

    def test_a_translation_beside_the_library_coding_is_accepted(self) -> None:
        """A second coding of another system (a translation) is allowed and not read."""
        bundle = worked_bundle()
        codings = bundle["entry"][1]["resource"]["type"][0]["coding"]
        codings.append({"system": "http://snomed.info/sct", "code": "1234567"})
        assert worked_pathway() == from_fhir(bundle)

    def test_a_reference_to_nothing_in_the_bundle(self) -> None:
        """A reference that resolves to no entry is refused at the reference."""
        bundle = worked_bundle()
        n = entry_of(bundle, lambda r: "encounter" in r)
        bundle["entry"][n]["resource"]["encounter"]["reference"] = "urn:uuid:nowhere"
        assert [f"$.entry[{n}].resource.encounter.reference"] == paths_of(bundle)

    def test_a_reference_to_the_wrong_type(self) -> None:
        """A goal-progress focus that names an Encounter is refused."""
        bundle = worked_bundle()
        n = entry_of(bundle, lambda r: "focus" in r)
        resource = bundle["entry"][n]["resource"]
        resource["focus"][0] = dict(resource["encounter"])
        (problem,) = problems_of(bundle)
        assert f"$.entry[{n}].resource.focus[0].reference" == problem.path
        assert "a reference to a Encounter" in problem.found

    def test_no_care_plan(self) -> None:
        """A Bundle without its CarePlan names no person and no definition."""
        bundle = worked_bundle()
        del bundle["entry"][0]
        assert ["$.entry"] == paths_of(bundle)

    def test_another_bundle_type(self) -> None:
        """A collection, searchset, transaction or batch is read; a document is not."""
        bundle = worked_bundle()
        bundle["type"] = "document"
        assert ["$.type"] == paths_of(bundle)

    def test_a_voided_observation(self) -> None:
        """An Observation entered in error is refused rather than read as a rating."""
        bundle = worked_bundle()
        n = entry_of(bundle, lambda r: r["resourceType"] == "Observation")
        bundle["entry"][n]["resource"]["status"] = "entered-in-error"
        assert [f"$.entry[{n}].resource.status"] == paths_of(bundle)

    def test_an_ended_stay_that_says_it_is_active(self) -> None:
        """A period with an end and status 'active' contradict each other."""
        bundle = worked_bundle()
        bundle["entry"][1]["resource"]["status"] = "active"
        assert ["$.entry[1].resource.status"] == paths_of(bundle)

    def test_a_stay_that_ends_before_it_starts(self) -> None:
        """The model's own check is reported at the FHIR element it came from."""
        bundle = worked_bundle()
        bundle["entry"][1]["resource"]["period"]["end"] = "2023-12-01"
        assert ["$.entry[1].resource.period.end"] == paths_of(bundle)

    def test_a_move_the_definition_does_not_allow(self) -> None:
        """A move the definition forbids is reported at the later EpisodeOfCare's type."""
        bundle = worked_bundle()
        coding = bundle["entry"][2]["resource"]["type"][0]["coding"][0]
        coding["code"] = "discharged"
        assert ["$.entry[2].resource.type"] == paths_of(bundle)

    def test_progress_on_a_goal_set_after_the_review(self) -> None:
        """A goal updated before it was set is reported at the update's focus."""
        bundle = worked_bundle()
        n = entry_of(bundle, is_identified("P-0001/goal-1"))
        bundle["entry"][n]["resource"]["startDate"] = "2024-10-01"
        bundle["entry"][n]["resource"]["target"][0]["dueDate"] = "2024-12-01"
        m = entry_of(bundle, lambda r: "focus" in r)
        assert [f"$.entry[{m}].resource.focus[0]"] == paths_of(bundle)

    def test_a_rating_dated_apart_from_its_review(self) -> None:
        """A rating's date must be its review's."""
        bundle = worked_bundle()
        n = entry_of(bundle, lambda r: "method" in r)
        bundle["entry"][n]["resource"]["effectiveDateTime"] = "2024-03-29"
        assert [f"$.entry[{n}].resource.effectiveDateTime"] == paths_of(bundle)

    def test_a_datetime_without_a_zone(self) -> None:
        """A dateTime with a time but no zone is refused (FHIR requires the zone)."""
        bundle = worked_bundle()
        bundle["entry"][1]["resource"]["period"]["start"] = "2024-01-08T09:00:00"
        (problem,) = problems_of(bundle)
        assert "$.entry[1].resource.period.start" == problem.path
        assert "without a zone" in problem.found

    @pytest.mark.parametrize("value", ["2024", "2024-02", "2024-02-30", "2024-02-01T10:00:00Z"])
    def test_a_date_that_is_not_a_whole_day(self, value: str) -> None:
        """A FHIR date of year or month precision, an impossible day, or a time is refused."""
        bundle = worked_bundle()
        bundle["entry"][3]["resource"]["startDate"] = value
        assert ["$.entry[3].resource.startDate"] == paths_of(bundle)

    def test_a_definition_other_than_the_one_given(self) -> None:
        """The Bundle names another definition than the one given."""
        with pytest.raises(pm.ValidationError) as caught:
            from_fhir(worked_bundle(), definition=OFFENDER_PERSONALITY_DISORDER_PATHWAY)
        assert ["$.entry[0].resource.instantiatesUri[0]"] == [p.path for p in caught.value.problems]

    def test_resources_of_two_people(self) -> None:
        """Every resource must be about the CarePlan's person; the other id is not shown."""
        bundle = worked_bundle()
        bundle["entry"][3]["resource"]["subject"]["identifier"]["value"] = "P-0002"
        (problem,) = problems_of(bundle)
        assert "$.entry[3].resource.subject.identifier.value" == problem.path
        assert "P-0002" not in str(problem)

    def test_an_nhs_number_as_the_person(self) -> None:
        """A person id that passes the NHS number check is refused without being shown."""
        bundle = worked_bundle()
        bundle["entry"][0]["resource"]["subject"]["identifier"]["value"] = "9434765919"
        message = str(pm.ValidationError(problems_of(bundle)))
        assert "9434765919" not in message

    def test_a_literal_reference_to_the_person(self) -> None:
        """The person is named by identifier, never by a Patient resource URL."""
        bundle = worked_bundle()
        bundle["entry"][0]["resource"]["subject"]["reference"] = "Patient/1"
        assert ["$.entry[0].resource.subject.reference"] == paths_of(bundle)

    def test_two_entities_with_the_same_id(self) -> None:
        """Two goals with the same identifier are refused at the second."""
        bundle = worked_bundle()
        bundle["entry"][4]["resource"]["identifier"][0]["value"] = "P-0001/goal-1"
        assert ["$.entry[4].resource.identifier[0].value"] == paths_of(bundle)

    def test_a_person_rating_without_the_team_rating(self) -> None:
        """The person's level alone, without the team's for that domain, is refused."""
        bundle = worked_bundle()
        n = entry_of(
            bundle, lambda r: r.get("method", {}).get("coding", [{}])[0].get("code") == "team"
        )
        gone = bundle["entry"].pop(n)["fullUrl"]
        for resource in resources(bundle):
            if "hasMember" in resource:
                resource["hasMember"] = [
                    member for member in resource["hasMember"] if member["reference"] != gone
                ]
        assert [f"$.entry[{n}].resource.code"] == paths_of(bundle)

    def test_every_problem_is_listed_at_once(self) -> None:
        """Problems in several resources come in one error."""
        bundle = worked_bundle()
        bundle["entry"][1]["resource"]["bogus"] = 1
        bundle["entry"][3]["resource"]["lifecycleStatus"] = "done"
        bundle["entry"][5]["resource"]["status"] = "planned"
        assert [
            "$.entry[1].resource.bogus",
            "$.entry[3].resource.lifecycleStatus",
            "$.entry[5].resource.status",
        ] == paths_of(bundle)

    def test_free_text_is_never_repeated(self) -> None:
        """Errors about notes and goal wording describe them without showing them."""
        bundle = worked_bundle()
        bundle["entry"][3]["resource"]["description"]["text"] = SECRET * 1000
        n = entry_of(bundle, lambda r: "note" in r)
        bundle["entry"][n]["resource"]["note"][0]["text"] = "   "
        message = str(pm.ValidationError(problems_of(bundle)))
        assert SECRET not in message
        assert "text of 23,000 characters" in message
        assert "empty or blank text" in message

    def test_json_text_is_read_strictly(self) -> None:
        """Text with a key given twice or a NaN is refused with its path."""
        text = json.dumps(worked_bundle())
        twice = text.replace('"type": "collection"', '"type": "collection", "type": "collection"')
        assert ["$.type"] == paths_of(twice)
        assert ["$.entry[0].resource.x"] == paths_of(text.replace('"intent"', '"x": NaN, "intent"'))

    def test_the_wrong_argument_types(self) -> None:
        """A Bundle must be a dict or JSON text; a definition a PathwayDefinition."""
        with pytest.raises(pm.WrongTypeError):
            from_fhir(42)
        with pytest.raises(pm.WrongTypeError):
            from_fhir(worked_bundle(), definition="secure-pathway")  # type: ignore[arg-type]

    def test_a_honos_scale_out_of_range(self) -> None:
        """A scale rated 9 as a number is refused: not known is a dataAbsentReason."""
        bundle = worked_bundle()
        n = entry_of(bundle, lambda r: "component" in r)
        bundle["entry"][n]["resource"]["component"][0]["valueInteger"] = 9
        assert [f"$.entry[{n}].resource.component[0].valueInteger"] == paths_of(bundle)

    def test_a_honos_rating_with_a_scale_missing(self) -> None:
        """Every scale of the instrument must be there."""
        bundle = worked_bundle()
        n = entry_of(bundle, lambda r: "component" in r)
        del bundle["entry"][n]["resource"]["component"][3]
        (problem,) = problems_of(bundle)
        assert (f"$.entry[{n}].resource.component", "no component for h4") == (
            problem.path,
            problem.found,
        )


#: JSON values to put where they do not belong.
_junk = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=6,
)


def _locations(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _locations(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _locations(child, (*path, index))


class TestImportFuzz:
    @settings(max_examples=200)
    @given(st.data())
    def test_only_the_library_errors_escape_from_a_damaged_bundle(
        self, data: st.DataObject
    ) -> None:
        """Deleting or replacing any element raises only PathwayModelError (or reads fine)."""
        bundle = copy.deepcopy(_WORKED)
        for _ in range(data.draw(st.integers(1, 3))):
            path = data.draw(st.sampled_from(list(_locations(bundle))))
            if not path:
                bundle = data.draw(_junk)  # type: ignore[arg-type]  # any JSON value
                continue
            parent = bundle
            for step in path[:-1]:
                parent = parent[step]
            if data.draw(st.booleans()) and isinstance(parent, dict):
                del parent[path[-1]]
            else:
                parent[path[-1]] = data.draw(_junk)
        assert read_or_refuse(bundle) in ("read", "refused")

    @settings(max_examples=100)
    @given(st.binary(max_size=200) | st.text(max_size=200))
    def test_only_the_library_errors_escape_from_arbitrary_text(self, data: str | bytes) -> None:
        """Any text or bytes is refused with a ValidationError that names where."""
        assert "refused" == read_or_refuse(data)


_WORKED = to_fhir(worked_pathway(), instrument_ratings=worked_ratings())


def read_or_refuse(bundle: object) -> str:
    """Import ``bundle``: "read", or "refused" with problems that say where they are.

    Any exception other than the library's ValidationError fails the test that calls it.
    """
    try:
        from_fhir_with_instruments(bundle)
    except pm.ValidationError as error:
        placed = all(p.path.startswith(("$", "bundle")) for p in error.problems)
        return "refused" if placed else "refused without a path"
    return "read"


# --- instrument ratings ---------------------------------------------------------------------


class TestInstrumentRating:
    def test_a_record_round_trips_through_a_rating(self) -> None:
        """from_record(...).record gives back the record, ready for score_honos_secure."""
        record = {**{f"h{n}": 1 for n in range(1, 13)}, **{f"s{x}": 3 for x in "abcdefg"}}
        rating = InstrumentRating.from_record(
            id="r", instrument=scoring.HONOS_SECURE, date=dt.date(2024, 1, 1), record=record
        )
        assert record == rating.record
        assert 21 == scoring.score_honos_secure(rating.record).security_total

    def test_a_missing_scale_or_an_unknown_key(self) -> None:
        """A scale left out and a misspelt key are both reported."""
        record = {**{f"h{n}": 1 for n in range(1, 12)}, "h13": 2}
        with pytest.raises(pm.ValidationError) as caught:
            InstrumentRating.from_record(
                id="r", instrument=scoring.HONOS, date=dt.date(2024, 1, 1), record=record
            )
        assert ["record['h12']", "record"] == [p.path for p in caught.value.problems]

    @pytest.mark.parametrize("value", [5, -1, True, 2.0, "2"])
    def test_a_rating_that_is_not_0_to_4_or_9(self, value: object) -> None:
        """Each rating must be an int 0-4, or 9 for not known."""
        ratings = [0] * 11 + [value]
        with pytest.raises(pm.ValidationError) as caught:
            InstrumentRating(
                id="r", instrument=scoring.HONOS, date=dt.date(2024, 1, 1), ratings=ratings
            )  # type: ignore[arg-type]
        assert ["InstrumentRating.ratings[11]"] == [p.path for p in caught.value.problems]

    def test_the_wrong_number_of_ratings(self) -> None:
        """HoNOS-secure needs 19 ratings."""
        with pytest.raises(pm.ValidationError) as caught:
            InstrumentRating(
                id="r", instrument=scoring.HONOS_SECURE, date=dt.date(2024, 1, 1), ratings=[0] * 12
            )
        assert "19 ratings" in caught.value.problems[0].expected

    def test_only_honos_and_honos_secure(self) -> None:
        """DUNDRUM has no SNOMED CT codes to export with: it is refused."""
        with pytest.raises(pm.WrongTypeError):
            InstrumentRating(
                id="r",
                instrument=scoring.DUNDRUM_3,  # type: ignore[arg-type]
                date=dt.date(2024, 1, 1),
                ratings=[0] * 7,
            )

    def test_a_problem_type_that_is_not_a_letter_a_to_k(self) -> None:
        """The scale-8 problem type is A-K; longer text is described, not shown."""
        with pytest.raises(pm.ValidationError) as caught:
            InstrumentRating(
                id="r",
                instrument=scoring.HONOS,
                date=dt.date(2024, 1, 1),
                ratings=[0] * 12,
                problem_8=SECRET,
            )
        assert SECRET not in str(caught.value)


# --- the package -----------------------------------------------------------------------------


class TestPackaging:
    def test_the_core_never_imports_fhir_resources(self) -> None:
        """Exporting and importing never load fhir.resources: it is a test-only dependency."""
        code = (
            "import sys, datetime as dt\n"
            "from pathway_model.fhir import from_fhir, to_fhir\n"
            "from pathway_model.catalogue import SECURE_PATHWAY\n"
            "import pathway_model as pm\n"
            "p = pm.Pathway.start(SECURE_PATHWAY, person_id='P-1', stage='low_secure',"
            " provider='U', on=dt.date(2024, 1, 1))\n"
            "assert from_fhir(to_fhir(p)) == p\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'fhir'))\n"
        )
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert "[]" == result.stdout.strip()


# --- recorded readiness --------------------------------------------------------------------


def ready_pathway() -> pm.Pathway:
    """The worked pathway with two recorded readiness periods, one from each list."""
    pathway = worked_pathway()
    stay = pathway.placements[-1]
    return pathway.with_recorded_readiness(
        pm.RecordedReadiness(
            id="ready-1",
            start=stay.start,
            end=stay.start + dt.timedelta(days=10),
            delay_reason="M1",
            reason_list="DelayDischReason",
            attributable_to="07",
        ),
        pm.RecordedReadiness(id="ready-2", start=stay.start + dt.timedelta(days=10)),
    )


def readiness_observations(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        resource
        for resource in resources(bundle, "Observation")
        if resource["category"][0]["coding"][0]["code"] == "recorded-readiness"
    ]


class TestRecordedReadiness:
    def test_each_period_is_an_observation_over_its_period(self) -> None:
        """A period is an Observation with an effectivePeriod, open while the period is."""
        observations = readiness_observations(to_fhir(ready_pathway()))
        stay = worked_pathway().placements[-1]

        assert [
            {
                "start": stay.start.isoformat(),
                "end": (stay.start + dt.timedelta(days=10)).isoformat(),
            },
            {"start": (stay.start + dt.timedelta(days=10)).isoformat()},
        ] == [observation["effectivePeriod"] for observation in observations]

    def test_the_reason_is_coded_in_its_list_and_the_list_named_by_the_code(self) -> None:
        """code names the MHSDS list; the value is the reason in that list's code system."""
        first = readiness_observations(to_fhir(ready_pathway()))[0]

        assert "DelayDischReason" == first["code"]["coding"][0]["code"]
        assert (
            "https://pathway-model.org/fhir/CodeSystem/mhsds/DelayDischReason",
            "M1",
        ) == (
            first["valueCodeableConcept"]["coding"][0]["system"],
            first["valueCodeableConcept"]["coding"][0]["code"],
        )
        component = first["component"][0]
        assert ("AttribToIndic", "07") == (
            component["code"]["coding"][0]["code"],
            component["valueCodeableConcept"]["coding"][0]["code"],
        )

    def test_no_reason_is_a_data_absent_reason(self) -> None:
        """A period without a reason says the reason is unknown, and has no component."""
        second = readiness_observations(to_fhir(ready_pathway()))[1]

        assert "valueCodeableConcept" not in second
        assert "component" not in second
        assert "unknown" == second["dataAbsentReason"]["coding"][0]["code"]

    def test_the_periods_round_trip(self) -> None:
        """from_fhir(to_fhir(x)) == x with recorded readiness."""
        pathway = ready_pathway()

        assert pathway == from_fhir(json.dumps(to_fhir(pathway)))

    def test_the_bundle_validates_against_r4b_models(self) -> None:
        """fhir.resources' R4B models accept the Observations of recorded readiness."""
        r4b_validate(to_fhir(ready_pathway()))

    def test_the_mhsds_lists_are_published_as_code_systems(self) -> None:
        """The code systems hold each MHSDS list, each code with its months."""
        systems = {system["url"]: system for system in fhir_code_systems(SECURE_PATHWAY)}
        v5 = systems["https://pathway-model.org/fhir/CodeSystem/mhsds/DelayDischReason"]
        concept = next(c for c in v5["concept"] if c["code"] == "98")

        assert [
            {"code": "group", "valueString": "Other"},
            {"code": "first-month", "valueInteger": 1459},
            {"code": "last-month", "valueInteger": 1488},
        ] == concept["property"]

    def test_a_reason_not_on_its_list_is_refused_at_its_coding(self) -> None:
        """A reason code the named list lacks is a problem at the Observation's value."""
        bundle = to_fhir(ready_pathway())
        first = readiness_observations(bundle)[0]
        first["valueCodeableConcept"]["coding"][0]["code"] = "24"
        index = next(n for n, entry in enumerate(bundle["entry"]) if entry["resource"] is first)

        with pytest.raises(pm.ValidationError) as caught:
            from_fhir(bundle)

        assert [f"$.entry[{index}].resource.valueCodeableConcept"] == [
            problem.path for problem in caught.value.problems
        ]

    def test_an_overlap_is_placed_at_its_entry(self) -> None:
        """A record's check on periods names the Bundle entry of the period."""
        bundle = to_fhir(ready_pathway())
        second = readiness_observations(bundle)[1]
        inside_the_first = worked_pathway().placements[-1].start + dt.timedelta(days=5)
        second["effectivePeriod"]["start"] = inside_the_first.isoformat()
        index = next(n for n, entry in enumerate(bundle["entry"]) if entry["resource"] is second)

        with pytest.raises(pm.ValidationError) as caught:
            from_fhir(bundle)

        assert [f"$.entry[{index}].resource.effectivePeriod.start"] == [
            problem.path for problem in caught.value.problems
        ]
