"""FHIR that real EPRs send, and the semantics of the export.

Import: searchset and transaction Bundles (the transaction is the one the how-to tells
vendors to build, run from the page itself), Patient entries and literal references,
contained resources, ``Observation.issued``, ``Identifier.use``, HoNOS 9 sent as
``not-applicable``, resources and extensions the library does not use (refused when
strict, listed when lenient), and entries in any order.

Export: a discharge ends the episode and completes the care plan; identifiers and ids are
namespaced by organisation; ``Encounter.class`` follows the stage; performers and
``Goal.expressedBy``; the readiness decision with its evidence.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pathway_model as pm
from pathway_model.catalogue import OFFENDER_PERSONALITY_DISORDER_PATHWAY, SECURE_PATHWAY
from pathway_model.cli import main
from pathway_model.fhir import (
    FHIR_BASE,
    IGNORED_REASONS,
    FhirImport,
    IgnoredElement,
    from_fhir,
    from_fhir_with_instruments,
    to_fhir,
)
from tests import strategies as s
from tests.test_fhir_golden import worked_pathway, worked_ratings

ROOT = Path(__file__).resolve().parents[1]
HOW_TO = ROOT / "docs" / "how-to" / "fhir.md"
PERSON_SYSTEM = f"{FHIR_BASE}/identifier/person"
NHS_NUMBER = "https://fhir.nhs.uk/Id/nhs-number"
KIND_SYSTEM = f"{FHIR_BASE}/CodeSystem/observation-kind"


# --- helpers -------------------------------------------------------------------------------


def worked_bundle() -> dict[str, Any]:
    return to_fhir(worked_pathway(), instrument_ratings=worked_ratings())


def worked_import() -> FhirImport:
    return FhirImport(pathway=worked_pathway(), instrument_ratings=worked_ratings())


def resources(bundle: dict[str, Any], kind: str | None = None) -> list[dict[str, Any]]:
    found = [entry["resource"] for entry in bundle["entry"]]
    return [r for r in found if kind is None or r["resourceType"] == kind]


def kind_of(resource: dict[str, Any]) -> str:
    """The resource type, or for an Observation the library's kind of it."""
    if resource["resourceType"] != "Observation":
        return str(resource["resourceType"])
    return next(
        str(coding["code"])
        for category in resource["category"]
        for coding in category["coding"]
        if coding["system"] == KIND_SYSTEM
    )


def of_kind(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [r for r in resources(bundle) if kind_of(r) == kind]


def paths_of(bundle: object, **options: Any) -> list[str]:
    with pytest.raises(pm.ValidationError) as caught:
        from_fhir_with_instruments(bundle, **options)
    return [problem.path for problem in caught.value.problems]


def subjects(value: Any) -> Any:
    """Every logical reference to the person inside ``value``, in place."""
    if isinstance(value, dict):
        if value.get("type") == "Patient" and "identifier" in value:
            yield value
        for child in value.values():
            yield from subjects(child)
    elif isinstance(value, list):
        for child in value:
            yield from subjects(child)


def patient(person: str = "P-0001", patient_id: str = "pat-1") -> dict[str, Any]:
    """A Patient as an EPR sends one: an NHS number, the pseudonymous id, demographics."""
    return {
        "resourceType": "Patient",
        "id": patient_id,
        "identifier": [
            {"use": "official", "system": NHS_NUMBER, "value": "9434765919"},
            {"use": "secondary", "system": PERSON_SYSTEM, "value": person},
        ],
        "name": [{"family": "Example", "given": ["Pat"]}],
        "gender": "unknown",
        "birthDate": "1980-01-01",
    }


def how_to_transaction() -> Any:
    """The function ``as_transaction`` exactly as the how-to defines it."""
    text = HOW_TO.read_text(encoding="utf-8")
    blocks = re.findall(r"^```python\n(.*?)^```", text, re.MULTILINE | re.DOTALL)
    (block,) = [b for b in blocks if "def as_transaction" in b]
    definition = block.split("\n\n\ntransaction = ")[0]
    namespace: dict[str, Any] = {}
    exec(compile(definition, str(HOW_TO), "exec"), namespace)
    return namespace["as_transaction"]


# --- Bundles as EPRs send them ---------------------------------------------------------------


class TestBundleKinds:
    def test_the_transaction_the_how_to_builds_imports(self) -> None:
        """The how-to's transaction (a conditional PUT per entry) reads to the record."""
        transaction = how_to_transaction()(worked_bundle())
        assert "transaction" == transaction["type"]
        assert {"PUT"} == {entry["request"]["method"] for entry in transaction["entry"]}
        assert worked_import() == from_fhir_with_instruments(transaction)

    def test_a_transaction_from_json_text_imports(self) -> None:
        transaction = how_to_transaction()(worked_bundle())
        assert worked_import() == from_fhir_with_instruments(json.dumps(transaction))

    def test_a_batch_of_creates_imports(self) -> None:
        bundle = worked_bundle()
        bundle["type"] = "batch"
        for entry in bundle["entry"]:
            entry["request"] = {"method": "POST", "url": entry["resource"]["resourceType"]}
        assert worked_pathway() == from_fhir(bundle)

    @pytest.mark.parametrize("method", ["DELETE", "PATCH", "GET"])
    def test_an_entry_that_would_delete_or_patch_is_refused(self, method: str) -> None:
        """Only create or update: a request that removes or changes data is never read."""
        transaction = how_to_transaction()(worked_bundle())
        transaction["entry"][2]["request"]["method"] = method
        assert ["$.entry[2].request.method"] == paths_of(transaction)
        assert ["$.entry[2].request.method"] == paths_of(transaction, lenient=True)

    def test_a_searchset_with_matches_and_includes_imports(self) -> None:
        bundle = worked_bundle()
        bundle.update({"type": "searchset", "total": len(bundle["entry"])})
        bundle["link"] = [{"relation": "self", "url": "https://ehr.example/fhir/Observation"}]
        for n, entry in enumerate(bundle["entry"]):
            entry["search"] = {"mode": "match" if n else "include"}
        assert worked_import() == from_fhir_with_instruments(bundle)

    def test_a_request_in_a_collection_is_not_mapped(self) -> None:
        bundle = worked_bundle()
        bundle["entry"][0]["request"] = {"method": "PUT", "url": "CarePlan/1"}
        assert ["$.entry[0].request"] == paths_of(bundle)


class TestThePerson:
    def test_a_patient_entry_and_literal_references_import(self) -> None:
        """Every reference to the person is ``Patient/pat-1``, a Patient in the Bundle."""
        bundle = worked_bundle()
        for subject in subjects(bundle):
            subject.clear()
            subject["reference"] = "Patient/pat-1"
        bundle["entry"].insert(3, {"fullUrl": "urn:uuid:p", "resource": patient()})
        assert worked_import() == from_fhir_with_instruments(bundle)

    def test_a_reference_by_the_patient_s_full_url_imports(self) -> None:
        bundle = worked_bundle()
        for subject in subjects(bundle):
            subject["reference"] = "urn:uuid:p"
        bundle["entry"].append({"fullUrl": "urn:uuid:p", "resource": patient()})
        assert worked_pathway() == from_fhir(bundle)

    def test_a_contained_patient_imports(self) -> None:
        """A resource may carry the person as a contained Patient, referenced as ``#id``."""
        bundle = worked_bundle()
        plan = bundle["entry"][0]["resource"]
        plan["contained"] = [patient(patient_id="me")]
        plan["subject"] = {"reference": "#me"}
        assert worked_pathway() == from_fhir(bundle)

    def test_a_patient_of_another_person_is_refused(self) -> None:
        bundle = worked_bundle()
        bundle["entry"].append({"resource": patient(person="P-9999")})
        n = len(bundle["entry"]) - 1
        assert [f"$.entry[{n}].resource.identifier[1].value"] == paths_of(bundle)

    def test_a_patient_without_the_pseudonymous_id_is_refused(self) -> None:
        """An NHS number alone never becomes the person's id."""
        bundle = worked_bundle()
        alone = patient()
        del alone["identifier"][1]
        bundle["entry"].append({"resource": alone})
        bundle["entry"][0]["resource"]["subject"] = {"reference": "Patient/pat-1"}
        n = len(bundle["entry"]) - 1
        assert [f"$.entry[{n}].resource.identifier"] == paths_of(bundle)

    def test_a_reference_to_a_patient_not_in_the_bundle_is_refused(self) -> None:
        bundle = worked_bundle()
        bundle["entry"][0]["resource"]["subject"] = {"reference": "Patient/elsewhere"}
        assert ["$.entry[0].resource.subject.reference"] == paths_of(bundle)


class TestElementsEprsAdd:
    def test_observation_issued_is_accepted_and_not_read(self) -> None:
        bundle = worked_bundle()
        for resource in resources(bundle, "Observation"):
            resource["issued"] = "2024-03-28T10:15:00+00:00"
        assert worked_import() == from_fhir_with_instruments(bundle)

    def test_identifier_use_is_accepted_and_an_old_identifier_is_not_read(self) -> None:
        """``use: official`` is read; an ``old`` identifier of the same system is not."""
        bundle = worked_bundle()
        for resource in resources(bundle):
            for identifier in resource.get("identifier", []):
                identifier["use"] = "official"
            if resource.get("identifier"):
                old = {**resource["identifier"][0], "use": "old", "value": "P-0001/renamed"}
                resource["identifier"].append(old)
        assert worked_import() == from_fhir_with_instruments(bundle)

    @pytest.mark.parametrize("reason", ["not-applicable", "asked-unknown", "unknown"])
    def test_a_honos_scale_sent_as_not_applicable_is_rated_9(self, reason: str) -> None:
        """HoNOS 9 is 'not known'; an EPR may send it with another dataAbsentReason."""
        bundle = worked_bundle()
        (rating,) = [r for r in of_kind(bundle, "instrument-score") if "honos-secure-1" in str(r)]
        component = next(c for c in rating["component"] if "dataAbsentReason" in c)
        component["dataAbsentReason"]["coding"][0]["code"] = reason
        imported = from_fhir_with_instruments(bundle)
        assert 9 == imported.instrument_ratings[1].record["h5"]

    def test_a_reason_that_is_not_a_rating_of_9_is_refused(self) -> None:
        bundle = worked_bundle()
        n, rating = next(
            (n, e["resource"])
            for n, e in enumerate(bundle["entry"])
            if "honos-secure-1" in str(e["resource"].get("identifier"))
        )
        k, component = next(
            (k, c) for k, c in enumerate(rating["component"]) if "dataAbsentReason" in c
        )
        component["dataAbsentReason"]["coding"][0]["code"] = "masked"
        expected = f"$.entry[{n}].resource.component[{k}].dataAbsentReason.coding[0].code"
        assert [expected] == paths_of(bundle)


# --- strict and lenient ---------------------------------------------------------------------


def with_what_the_record_does_not_use() -> dict[str, Any]:
    """The worked Bundle and what an EPR adds: a Condition, an extension, an element."""
    bundle = worked_bundle()
    bundle["entry"].insert(
        2,
        {
            "fullUrl": "urn:uuid:c",
            "resource": {
                "resourceType": "Condition",
                "id": "cond-1",
                "note": [{"text": "Clinical text that must never be repeated."}],
            },
        },
    )
    episode = bundle["entry"][1]["resource"]
    episode["extension"] = [{"url": "https://ehr.example/ward", "valueString": "Ward 7"}]
    goal = next(r for r in resources(bundle, "Goal"))
    goal["priority"] = {"text": "High, as the person said in their own words."}
    rating = of_kind(bundle, "domain-rating")[0]
    rating["contained"] = [{"resourceType": "Practitioner", "id": "dr"}]
    rating["performer"] = [{"reference": "#dr"}]
    return bundle


class TestStrictAndLenient:
    def test_strict_refuses_a_resource_the_record_does_not_use(self) -> None:
        """Entries are checked first: a Condition stops the import at its resourceType."""
        assert ["$.entry[2].resource.resourceType"] == paths_of(with_what_the_record_does_not_use())

    def test_strict_refuses_each_extension_element_and_contained_resource(self) -> None:
        bundle = with_what_the_record_does_not_use()
        del bundle["entry"][2]
        paths = paths_of(bundle)
        n_goal = next(n for n, e in enumerate(bundle["entry"]) if kind_of(e["resource"]) == "Goal")
        n_rating = next(
            n for n, e in enumerate(bundle["entry"]) if kind_of(e["resource"]) == "domain-rating"
        )
        assert sorted(
            [
                "$.entry[1].resource.extension[0]",
                f"$.entry[{n_goal}].resource.priority",
                f"$.entry[{n_rating}].resource.contained[0]",
            ]
        ) == sorted(paths)

    def test_from_fhir_is_always_strict(self) -> None:
        with pytest.raises(pm.ValidationError):
            from_fhir(with_what_the_record_does_not_use())

    def test_lenient_reads_the_record_and_lists_what_it_ignored(self) -> None:
        bundle = with_what_the_record_does_not_use()
        imported = from_fhir_with_instruments(bundle, lenient=True)
        assert worked_pathway() == imported.pathway
        episode_id = bundle["entry"][1]["resource"]["id"]
        goal_id = next(r for r in resources(bundle, "Goal"))["id"]
        rating_id = of_kind(bundle, "domain-rating")[0]["id"]
        assert [
            ("Condition", "cond-1", "resource-not-used", ""),
            ("EpisodeOfCare", episode_id, "extension-not-ours", ".extension[0]"),
            ("Goal", goal_id, "element-not-mapped", ".priority"),
            ("Observation", rating_id, "contained-not-read", ".contained[0]"),
        ] == [(i.resource_type, i.resource_id, i.reason, i.element) for i in imported.ignored]

    def test_the_list_never_repeats_clinical_text(self) -> None:
        imported = from_fhir_with_instruments(with_what_the_record_does_not_use(), lenient=True)
        shown = repr(imported.ignored)
        assert "Clinical text" not in shown
        assert "own words" not in shown
        assert "Ward 7" not in shown

    def test_a_strict_import_lists_nothing(self) -> None:
        assert () == from_fhir_with_instruments(worked_bundle()).ignored

    @pytest.mark.parametrize("element", ["modifierExtension", "implicitRules"])
    def test_a_modifier_is_refused_even_leniently(self, element: str) -> None:
        """A modifier may change what the rest means: it is never ignored."""
        bundle = worked_bundle()
        bundle["entry"][1]["resource"][element] = (
            [{"url": "https://ehr.example/not-really", "valueBoolean": True}]
            if element == "modifierExtension"
            else "https://ehr.example/rules"
        )
        assert [f"$.entry[1].resource.{element}"] == paths_of(bundle, lenient=True)

    @pytest.mark.parametrize("url", [[], {}, 7, None])
    def test_an_extension_whose_url_is_not_text_is_not_ours(self, url: object) -> None:
        """An extension's url that is an array or an object is refused, not a crash."""
        bundle = worked_bundle()
        bundle["entry"][1]["resource"]["extension"] = [{"url": url, "valueBoolean": True}]
        assert ["$.entry[1].resource.extension[0]"] == paths_of(bundle)
        imported = from_fhir_with_instruments(bundle, lenient=True)
        assert [("extension-not-ours", ".extension[0]")] == [
            (i.reason, i.element) for i in imported.ignored
        ]

    def test_lenient_still_refuses_what_is_wrong_in_what_it_reads(self) -> None:
        bundle = with_what_the_record_does_not_use()
        bundle["entry"][1]["resource"]["status"] = "planned"
        assert ["$.entry[1].resource.status"] == paths_of(bundle, lenient=True)

    def test_every_reason_is_documented(self) -> None:
        assert {
            "resource-not-used",
            "extension-not-ours",
            "element-not-mapped",
            "contained-not-read",
        } == set(IGNORED_REASONS)

    def test_an_ignored_element_refuses_a_reason_it_does_not_know(self) -> None:
        with pytest.raises(pm.ValidationError):
            IgnoredElement(
                path="$", resource_type="Bundle", resource_id=None, reason="not-interesting"
            )

    @pytest.mark.parametrize(
        "field", [{"path": 1}, {"resource_type": ""}, {"resource_id": 2}, {"element": None}]
    )
    def test_an_ignored_element_refuses_the_wrong_types_with_the_library_error(
        self, field: dict[str, Any]
    ) -> None:
        fields: dict[str, Any] = {
            "path": "$",
            "resource_type": "Bundle",
            "resource_id": None,
            "reason": "element-not-mapped",
            **field,
        }
        with pytest.raises(pm.PathwayModelError):
            IgnoredElement(**fields)

    def test_lenient_must_be_a_boolean(self) -> None:
        with pytest.raises(pm.WrongTypeError):
            from_fhir_with_instruments(worked_bundle(), lenient="yes")  # type: ignore[arg-type]


class TestEntryOrder:
    @settings(max_examples=25, deadline=None)
    @given(st.randoms(use_true_random=False))
    def test_the_result_does_not_depend_on_the_order_of_the_entries(self, random: Any) -> None:
        """Any permutation of the entries reads to the same record and the same list."""
        bundle = with_what_the_record_does_not_use()
        expected = from_fhir_with_instruments(bundle, lenient=True)
        shuffled = copy.deepcopy(bundle)
        random.shuffle(shuffled["entry"])
        found = from_fhir_with_instruments(shuffled, lenient=True)
        assert expected.pathway == found.pathway
        assert expected.instrument_ratings == found.instrument_ratings
        assert [attrs_of(i) for i in expected.ignored] == [attrs_of(i) for i in found.ignored]

    @settings(max_examples=25, deadline=None)
    @given(st.randoms(use_true_random=False))
    def test_without_findings_a_review_s_ratings_come_in_the_framework_s_order(
        self, random: Any
    ) -> None:
        """An EPR that sends no findings Observation gets the framework's order, every time."""
        bundle = worked_bundle()
        bundle["entry"] = [
            e for e in bundle["entry"] if kind_of(e["resource"]) != "review-findings"
        ]
        expected = from_fhir(bundle)
        random.shuffle(bundle["entry"])
        found = from_fhir(bundle)
        assert expected == found
        order = SECURE_PATHWAY.framework.domain_codes
        for review in found.reviews:
            domains = [rating.domain for rating in review.ratings]
            assert sorted(domains, key=order.index) == domains


class TestProperties:
    @given(s.definitions_and_pathways(), st.randoms(use_true_random=False))
    def test_any_record_reads_the_same_from_its_entries_in_any_order(
        self, case: tuple[pm.PathwayDefinition, pm.Pathway], random: Any
    ) -> None:
        definition, pathway = case
        bundle = to_fhir(pathway, definition=definition)
        random.shuffle(bundle["entry"])
        assert pathway == from_fhir(bundle, definition=definition)

    @given(s.definitions_and_pathways(), st.randoms(use_true_random=False))
    def test_any_record_reads_the_same_without_findings_in_any_order(
        self, case: tuple[pm.PathwayDefinition, pm.Pathway], random: Any
    ) -> None:
        """Without findings, the order is a fixed one: the same for every permutation."""
        definition, pathway = case
        bundle = to_fhir(pathway, definition=definition)
        bundle["entry"] = [
            e for e in bundle["entry"] if kind_of(e["resource"]) != "review-findings"
        ]
        expected = from_fhir(bundle, definition=definition)
        random.shuffle(bundle["entry"])
        assert expected == from_fhir(bundle, definition=definition)

    @given(
        s.definitions_and_pathways(),
        st.sampled_from(["RXT", "RV3", "R1A.01"]),
        st.booleans(),
    )
    def test_any_namespaced_record_round_trips(
        self, case: tuple[pm.PathwayDefinition, pm.Pathway], organisation: str, given_: bool
    ) -> None:
        definition, pathway = case
        bundle = to_fhir(pathway, definition=definition, organisation=organisation)
        imported = from_fhir_with_instruments(
            json.dumps(bundle),
            definition=definition,
            organisation=organisation if given_ else None,
        )
        assert (pathway, organisation) == (imported.pathway, imported.organisation)

    @given(s.definitions_and_pathways())
    def test_two_organisations_share_no_resource_id(
        self, case: tuple[pm.PathwayDefinition, pm.Pathway]
    ) -> None:
        definition, pathway = case
        one = to_fhir(pathway, definition=definition, organisation="RXT")
        two = to_fhir(pathway, definition=definition, organisation="RV3")
        assert set() == {e["fullUrl"] for e in one["entry"]} & {e["fullUrl"] for e in two["entry"]}


def attrs_of(item: IgnoredElement) -> tuple[str, str | None, str, str]:
    """An ignored element without its path, which names the entry's position."""
    return (item.resource_type, item.resource_id, item.reason, item.element)


# --- the semantics of the export ---------------------------------------------------------------


def discharged() -> pm.Pathway:
    """The worked record, moved to the community on 1 June 2025 and discharged on 1 September."""
    return (
        worked_pathway()
        .moved_to(
            SECURE_PATHWAY,
            stage="community",
            on=dt.date(2025, 6, 1),
            provider="Community team",
            placement_id="placement-3",
        )
        .moved_to(
            SECURE_PATHWAY,
            stage="discharged",
            on=dt.date(2025, 9, 1),
            provider="Community team",
            placement_id="placement-4",
        )
    )


class TestDischarge:
    def test_a_discharge_ends_the_episode_of_care_on_its_day(self) -> None:
        episodes = resources(to_fhir(discharged()), "EpisodeOfCare")
        last = episodes[-1]
        assert "finished" == last["status"]
        assert {"start": "2025-09-01", "end": "2025-09-01"} == last["period"]
        assert "finished" == episodes[-2]["status"]
        assert "2025-09-01" == episodes[-2]["period"]["end"]

    def test_a_discharge_completes_the_care_plan_with_its_end(self) -> None:
        (plan,) = resources(to_fhir(discharged()), "CarePlan")
        assert "completed" == plan["status"]
        assert {"start": "2024-01-08", "end": "2025-09-01"} == plan["period"]

    def test_a_record_still_in_care_has_an_active_plan(self) -> None:
        (plan,) = resources(worked_bundle(), "CarePlan")
        assert "active" == plan["status"]
        assert "end" not in plan["period"]

    def test_a_discharged_record_round_trips(self) -> None:
        assert discharged() == from_fhir(json.dumps(to_fhir(discharged())))

    def test_a_discharge_as_1_1_0_wrote_it_still_reads(self) -> None:
        """An open EpisodeOfCare of the discharged stage, active, reads the same."""
        bundle = to_fhir(discharged())
        last = resources(bundle, "EpisodeOfCare")[-1]
        last["status"] = "active"
        del last["period"]["end"]
        assert discharged() == from_fhir(bundle)


class TestOrganisations:
    def test_two_organisations_never_share_an_identifier_or_an_id(self) -> None:
        """The same P-0001 in two trusts: disjoint ids, systems and full URLs."""
        one = to_fhir(worked_pathway(), organisation="RXT")
        two = to_fhir(worked_pathway(), organisation="RV3")
        ids_one = {r["id"] for r in resources(one)}
        ids_two = {r["id"] for r in resources(two)}
        assert set() == ids_one & ids_two
        systems_one = set(re.findall(r'"system": "([^"]*/identifier/[^"]*)"', json.dumps(one)))
        systems_two = set(re.findall(r'"system": "([^"]*/identifier/[^"]*)"', json.dumps(two)))
        assert set() == systems_one & systems_two
        assert f"{FHIR_BASE}/organisation/RXT/identifier/person" in systems_one

    def test_without_an_organisation_nothing_is_namespaced(self) -> None:
        text = json.dumps(worked_bundle())
        assert "/organisation/" not in text

    def test_a_namespaced_bundle_round_trips_and_names_its_organisation(self) -> None:
        bundle = to_fhir(worked_pathway(), organisation="RXT")
        imported = from_fhir_with_instruments(bundle)
        assert worked_pathway() == imported.pathway
        assert "RXT" == imported.organisation
        assert worked_pathway() == from_fhir(bundle, organisation="RXT")

    def test_another_organisation_s_bundle_is_refused_when_one_is_given(self) -> None:
        bundle = to_fhir(worked_pathway(), organisation="RV3")
        paths = paths_of(bundle, organisation="RXT")
        assert paths
        assert all(path.endswith(".system") or ".identifier" in path for path in paths)

    def test_a_bundle_mixing_two_organisations_is_refused(self) -> None:
        bundle = to_fhir(worked_pathway(), organisation="RXT")
        other = to_fhir(worked_pathway(), organisation="RV3")
        bundle["entry"][1] = other["entry"][1]
        assert "$.entry[1].resource.identifier" in paths_of(bundle)

    def test_an_organisation_that_is_not_a_code_is_refused(self) -> None:
        with pytest.raises(pm.ValidationError):
            to_fhir(worked_pathway(), organisation="Trust / one")
        with pytest.raises(pm.WrongTypeError):
            to_fhir(worked_pathway(), organisation=7)  # type: ignore[arg-type]


class TestResourcesSayMore:
    def test_encounter_class_is_inpatient_in_hospital(self) -> None:
        classes = [r["class"]["code"] for r in resources(worked_bundle(), "Encounter")]
        assert ["IMP", "IMP", "IMP", "IMP"] == classes

    def test_encounter_class_is_ambulatory_in_the_community(self) -> None:
        pathway = (
            worked_pathway()
            .moved_to(
                SECURE_PATHWAY,
                stage="community",
                on=dt.date(2025, 6, 1),
                provider="Community team",
                placement_id="placement-3",
            )
            .with_reviews(
                pm.Review.from_levels(
                    id="review-5", date=dt.date(2025, 10, 1), team={"life_skills": "met"}
                )
            )
        )
        encounter = resources(to_fhir(pathway), "Encounter")[-1]
        assert {
            "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
            "code": "AMB",
            "display": "ambulatory",
        } == encounter["class"]

    def test_encounter_class_is_unknown_where_the_definition_does_not_say(self) -> None:
        pathway = pm.Pathway.start(
            OFFENDER_PERSONALITY_DISORDER_PATHWAY,
            person_id="P-1",
            stage="screening",
            provider="HMP Example",
            on=dt.date(2024, 1, 1),
        ).with_reviews(
            pm.Review.from_levels(id="r1", date=dt.date(2024, 2, 1), team={}),
        )
        (encounter,) = resources(to_fhir(pathway), "Encounter")
        assert "UNK" == encounter["class"]["code"]

    def test_the_team_s_rating_is_performed_by_the_care_team(self) -> None:
        ratings = of_kind(worked_bundle(), "domain-rating")
        team = [r for r in ratings if r["method"]["coding"][0]["code"] == "team"]
        assert {
            "type": "CareTeam",
            "display": "Clinical team, Northfield MSU",
        } == team[0]["performer"][0]

    def test_the_person_s_rating_is_performed_by_the_person(self) -> None:
        ratings = of_kind(worked_bundle(), "domain-rating")
        person = [r for r in ratings if r["method"]["coding"][0]["code"] == "person"]
        assert person
        assert all(r["performer"] == [r["subject"]] for r in person)

    def test_a_goal_the_person_set_is_expressed_by_them(self) -> None:
        goals = resources(worked_bundle(), "Goal")
        by_setter = {g["extension"][0]["valueCoding"]["code"]: g.get("expressedBy") for g in goals}
        for setter, expressed in by_setter.items():
            if setter == "team":
                assert expressed is None
            else:
                assert expressed is not None
                assert "Patient" == expressed["type"]

    def test_findings_list_a_review_s_observations_in_the_order_recorded(self) -> None:
        bundle = worked_bundle()
        urls = {e["resource"]["id"]: e["fullUrl"] for e in bundle["entry"]}
        review = worked_pathway().reviews[2]
        (findings,) = [
            r
            for r in of_kind(bundle, "review-findings")
            if r["effectiveDateTime"] == review.date.isoformat()
        ]
        members = [m["reference"] for m in findings["hasMember"]]
        ratings = [
            urls[r["id"]]
            for r in of_kind(bundle, "domain-rating")
            if r["effectiveDateTime"] == review.date.isoformat()
        ]
        progress = [
            urls[r["id"]]
            for r in of_kind(bundle, "goal-progress")
            if r["effectiveDateTime"] == review.date.isoformat()
        ]
        assert ratings + progress == members


class TestReadinessDecision:
    AS_OF = dt.date(2025, 6, 1)

    def decision(self, pathway: pm.Pathway | None = None) -> dict[str, Any]:
        bundle = to_fhir(pathway or worked_pathway(), as_of=self.AS_OF)
        (decision,) = of_kind(bundle, "readiness-decision")
        return decision

    def test_no_decision_without_a_date(self) -> None:
        assert [] == of_kind(worked_bundle(), "readiness-decision")

    def test_the_decision_is_the_assessment_s(self) -> None:
        assessment = pm.assess(worked_pathway(), self.AS_OF)
        decision = self.decision()
        assert assessment.status.value == decision["valueCodeableConcept"]["coding"][0]["code"]
        assert self.AS_OF.isoformat() == decision["effectiveDateTime"]
        criteria = [
            (c["code"]["coding"][0]["code"], c["valueBoolean"])
            for c in decision["component"]
            if "valueBoolean" in c
        ]
        assert [(c.kind.value, c.met) for c in assessment.criteria] == criteria

    def test_level_criteria_name_their_domain(self) -> None:
        assessment = pm.assess(worked_pathway(), self.AS_OF)
        domains = [
            c["extension"][0]["valueCoding"]["code"] if "extension" in c else None
            for c in self.decision()["component"]
            if "valueBoolean" in c
        ]
        assert [c.domain for c in assessment.criteria] == domains

    def test_the_evidence_resolves_to_observations_in_the_bundle(self) -> None:
        bundle = to_fhir(worked_pathway(), as_of=self.AS_OF)
        (decision,) = of_kind(bundle, "readiness-decision")
        by_url = {e["fullUrl"]: e["resource"] for e in bundle["entry"]}
        evidence = [by_url[d["reference"]] for d in decision["derivedFrom"]]
        assert evidence
        assert {"review-findings"} >= {kind_of(r) for r in evidence} - {"incident"}
        review_days = {
            e.date.isoformat()
            for c in pm.assess(worked_pathway(), self.AS_OF).criteria
            for e in c.evidence
            if e.kind.value == "review"
        }
        assert review_days == {
            r["effectiveDateTime"] for r in evidence if kind_of(r) == "review-findings"
        }

    def test_recorded_readiness_is_never_evidence_for_the_decision(self) -> None:
        bundle = to_fhir(worked_pathway(), as_of=self.AS_OF)
        (decision,) = of_kind(bundle, "readiness-decision")
        recorded = {
            e["fullUrl"] for e in bundle["entry"] if kind_of(e["resource"]) == "recorded-readiness"
        }
        assert set() == recorded & {d["reference"] for d in decision.get("derivedFrom", [])}

    def test_a_bundle_with_a_decision_reads_to_the_record(self) -> None:
        """The decision is computed data: import checks it belongs and does not read it."""
        bundle = to_fhir(worked_pathway(), instrument_ratings=worked_ratings(), as_of=self.AS_OF)
        assert worked_import() == from_fhir_with_instruments(json.dumps(bundle))

    def test_a_date_outside_every_stay_is_refused(self) -> None:
        with pytest.raises(pm.ValidationError):
            to_fhir(worked_pathway(), as_of=dt.date(2000, 1, 1))

    def test_a_datetime_is_not_a_date(self) -> None:
        with pytest.raises(pm.WrongTypeError):
            to_fhir(worked_pathway(), as_of=dt.datetime(2025, 6, 1))  # type: ignore[arg-type]


# --- the command line ----------------------------------------------------------------------


class TestCommandLine:
    EXAMPLE = ROOT / "examples" / "medium_secure.json"

    def test_export_namespaces_by_organisation_and_adds_the_decision(self, tmp_path: Path) -> None:
        out = tmp_path / "bundle.json"
        code = main(
            [
                "fhir",
                "export",
                str(self.EXAMPLE),
                "--organisation",
                "RXT",
                "--as-of",
                "2025-01-15",
                "-o",
                str(out),
            ]
        )
        bundle = json.loads(out.read_text(encoding="utf-8"))
        assert 0 == code
        assert "/organisation/RXT/identifier/" in json.dumps(bundle)
        assert 1 == len(of_kind(bundle, "readiness-decision"))

    def test_import_lists_what_a_lenient_read_left_out(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        bundle = with_what_the_record_does_not_use()
        source = tmp_path / "bundle.json"
        source.write_text(json.dumps(bundle), encoding="utf-8")
        assert 0 == main(["fhir", "import", str(source), "--lenient", "-o", str(tmp_path / "p")])
        warnings = [line for line in capsys.readouterr().err.splitlines() if ": warning: " in line]
        assert 4 == len([line for line in warnings if "left out" in line])
        assert not any("Clinical text" in line or "Ward 7" in line for line in warnings)

    def test_import_without_lenient_refuses(self, tmp_path: Path) -> None:
        source = tmp_path / "bundle.json"
        source.write_text(json.dumps(with_what_the_record_does_not_use()), encoding="utf-8")
        assert 2 == main(["fhir", "import", str(source), "-o", str(tmp_path / "p")])

    def test_an_organisation_that_is_not_a_code_is_a_usage_error(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code = main(["fhir", "export", str(self.EXAMPLE), "--organisation", "a b"])
        assert (2, True) == (code, "--organisation" in capsys.readouterr().err)


class TestLenientFuzz:
    @settings(max_examples=150, deadline=None)
    @given(st.data())
    def test_only_the_library_errors_escape_from_a_damaged_epr_bundle(
        self, data: st.DataObject
    ) -> None:
        """Damaging an EPR-style Bundle anywhere: it reads leniently, or PathwayModelError."""
        bundle = how_to_transaction()(with_what_the_record_does_not_use())
        for subject in list(subjects(bundle))[:3]:
            subject.clear()
            subject["reference"] = "Patient/pat-1"
        bundle["entry"].append({"fullUrl": "urn:uuid:p", "resource": patient()})
        for _ in range(data.draw(st.integers(1, 3))):
            path = data.draw(st.sampled_from(list(_locations(bundle))[1:]))
            parent = bundle
            for step in path[:-1]:
                parent = parent[step]
            if data.draw(st.booleans()) and isinstance(parent, dict):
                del parent[path[-1]]
            else:
                parent[path[-1]] = data.draw(_JUNK)
        assert read_leniently_or_refuse(bundle) in ("read", "refused")


def read_leniently_or_refuse(bundle: object) -> str:
    """'read', or 'refused' with the library's error; any other exception propagates."""
    try:
        from_fhir_with_instruments(bundle, lenient=True)
    except pm.PathwayModelError:
        return "refused"
    return "read"


_JUNK = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=5,
)


def _locations(value: Any, path: tuple[Any, ...] = ()) -> Any:
    yield path
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _locations(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _locations(child, (*path, index))
