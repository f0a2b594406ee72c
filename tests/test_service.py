"""The decision-support service, run as a real uvicorn process and called over HTTP.

Each test signs its own tokens with keys made for the run; the service's JWKS file holds
their public halves. The recorded prefetch payloads under ``tests/data/service/`` are made
from the bundled example through the FHIR export: regenerate them with
``python -m tests.service_kit``.
"""

from __future__ import annotations

import concurrent.futures
import copy
import datetime as dt
import json
import random
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import given
from hypothesis import strategies as st

import pathway_model as pm
from pathway_model.catalogue import DELAY_REASONS_V6
from pathway_model.cli import main
from pathway_model.fhir import FHIR_BASE
from pathway_model.service import ServiceConfig, create_app, openapi_document
from pathway_model.service._cds import SERVICES, HookError, card_for, record_from_prefetch
from pathway_model.service._limits import json_depth
from pathway_model.service._security import Refused, ReplayCache, SharedReplayStore
from tests.service_kit import (
    DATA,
    ISSUER,
    PATIENT_ID,
    Keys,
    Server,
    example_record,
    prefetch_request,
    running_server,
)

HOOK = "/cds-services/pathway-readiness"
DISCHARGE = "/cds-services/pathway-discharge"
AS_OF = "org.pathway-model.as-of"
UNAUTHORISED = {"type": "about:blank", "title": "Unauthorized", "status": 401}
#: The date the shared server decides for when a call names none.
SERVER_DATE = "2024-10-15"


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Keys:
    return Keys.make(tmp_path_factory.mktemp("keys"))


@pytest.fixture(scope="module")
def audit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("audit") / "feedback.jsonl"


@pytest.fixture(scope="module")
def server(keys: Keys, audit: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    arguments = ["--jwks", str(keys.jwks), "--issuer", ISSUER, "--issuer", "https://other.example"]
    arguments += ["--audit", str(audit), "--as-of", SERVER_DATE]
    log = tmp_path_factory.mktemp("log") / "server.log"
    with running_server(arguments, log) as running:
        yield running


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=30) as session:
        yield session


def _call(
    client: httpx.Client,
    server: Server,
    keys: Keys,
    path: str,
    *,
    body: object = None,
    content: bytes | None = None,
    media_type: str = "application/json",
    token: str | None = None,
) -> httpx.Response:
    token = token or keys.token(server.url + path.partition("?")[0])
    headers = {"Authorization": f"Bearer {token}"}
    if body is None and content is None:
        return client.get(server.url + path, headers=headers)
    if content is None:
        content = json.dumps(body).encode()
    headers["Content-Type"] = media_type
    return client.post(server.url + path, content=content, headers=headers)


def _request(as_of: str | None = None, name: str = "patient-view.json") -> dict[str, Any]:
    request: dict[str, Any] = json.loads((DATA / name).read_text(encoding="utf-8"))
    if as_of is not None:
        request["extension"] = {AS_OF: as_of}
    return request


def _card(response: httpx.Response) -> dict[str, Any]:
    assert 200 == response.status_code, response.text
    cards = response.json()["cards"]
    assert 1 == len(cards)
    card: dict[str, Any] = cards[0]
    return card


class TestRecordedPayloads:
    def test_the_recorded_payloads_are_the_ones_the_export_makes(self) -> None:
        """The payloads under tests/data/service are today's export of the example."""
        record = example_record()
        for hook, name in (
            ("patient-view", "patient-view.json"),
            ("encounter-discharge", "encounter-discharge.json"),
        ):
            assert prefetch_request(record, hook=hook) == _request(name=name)


class TestDiscovery:
    def test_lists_both_hooks_with_their_prefetch_templates(
        self, client: httpx.Client, server: Server, keys: Keys
    ) -> None:
        """Discovery names a patient-view and an encounter-discharge service and six templates."""
        services = _call(client, server, keys, "/cds-services").json()["services"]
        assert [
            ("pathway-readiness", "patient-view"),
            ("pathway-discharge", "encounter-discharge"),
        ] == [(service["id"], service["hook"]) for service in services]
        assert {
            "patient": "Patient/{{context.patientId}}",
            "carePlans": "CarePlan?subject={{context.patientId}}",
            "episodes": "EpisodeOfCare?patient={{context.patientId}}",
            "goals": "Goal?subject={{context.patientId}}",
            "encounters": "Encounter?subject={{context.patientId}}",
            "observations": "Observation?subject={{context.patientId}}",
        } == services[0]["prefetch"]


class TestCards:
    def test_a_person_not_yet_ready_is_told_what_is_still_needed(
        self, client: httpx.Client, server: Server, keys: Keys
    ) -> None:
        """On 1 September 2024 only three months of sustained progress is missing."""
        card = _card(_call(client, server, keys, HOOK, body=_request("2024-09-01")))
        assert ("Not yet ready to move on; still needed: sustained progress", "info") == (
            card["summary"],
            card["indicator"],
        )
        assert "overrideReasons" not in card

    def test_a_ready_person_is_told_since_when_and_the_days_beyond(
        self, client: httpx.Client, server: Server, keys: Keys
    ) -> None:
        """Ready since 27 September 2024: on 15 October that is 18 days beyond readiness."""
        card = _card(_call(client, server, keys, HOOK, body=_request("2024-10-15")))
        assert ("Ready to move on since 2024-09-27: 18 days beyond readiness", "warning") == (
            card["summary"],
            card["indicator"],
        )

    def test_an_overdue_review_is_in_the_summary(
        self, client: httpx.Client, server: Server, keys: Keys
    ) -> None:
        """On 1 March 2025 the review due 26 December 2024 is 65 days overdue."""
        card = _card(_call(client, server, keys, HOOK, body=_request("2025-03-01")))
        expected = (
            "Ready to move on since 2024-09-27: 155 days beyond readiness; "
            "review overdue by 65 days"
        )
        assert (expected, "warning") == (card["summary"], card["indicator"])

    def test_a_stay_without_a_review_says_so(
        self, client: httpx.Client, server: Server, keys: Keys
    ) -> None:
        """Before the first review there is no evidence: not yet ready, and why."""
        card = _card(_call(client, server, keys, HOOK, body=_request("2024-01-20")))
        assert "Not yet ready to move on: no review yet in this stay" == card["summary"]

    def test_the_override_reasons_are_the_current_national_delay_reasons(
        self, client: httpx.Client, server: Server, keys: Keys
    ) -> None:
        """A ready card offers the v6 delay reasons in use, as codings of their code system."""
        card = _card(_call(client, server, keys, HOOK, body=_request("2024-10-15")))
        system = f"{FHIR_BASE}/CodeSystem/mhsds/ClinReadyforDischDelayReason"
        current = [item.code for item in DELAY_REASONS_V6.codes if item.last_month is None]
        assert current == [reason["code"] for reason in card["overrideReasons"]]
        assert {system} == {reason["system"] for reason in card["overrideReasons"]}
        assert all(reason["display"] for reason in card["overrideReasons"])

    def test_the_detail_is_the_team_explanation_at_the_date(
        self, client: httpx.Client, server: Server, keys: Keys
    ) -> None:
        """The detail names the date and every criterion, as the team explanation does."""
        card = _card(_call(client, server, keys, HOOK, body=_request("2024-10-15")))
        record = example_record()
        decision = pm.assess(record, dt.date(2024, 10, 15))
        criteria = [line for line in pm.explain(decision).splitlines() if line.startswith("  - ")]
        assert card["detail"].startswith("As of 2024-10-15.\n\n")
        assert len(criteria) == card["detail"].count("\n- [met]")
        assert card["source"]["label"].startswith(f"pathway_model {pm.__version__}")

    def test_every_summary_is_under_140_characters(
        self, client: httpx.Client, server: Server, keys: Keys
    ) -> None:
        """At every state of the example the summary keeps within CDS Hooks' limit."""
        for as_of in ("2024-01-20", "2024-05-01", "2024-09-01", "2024-10-15", "2025-03-01"):
            card = _card(_call(client, server, keys, HOOK, body=_request(as_of)))
            assert len(card["summary"]) < 140

    def test_without_a_date_in_the_call_the_service_date_is_used(
        self, client: httpx.Client, server: Server, keys: Keys
    ) -> None:
        """The server was started with --as-of 2024-10-15: a call naming no date gets it."""
        without = _card(_call(client, server, keys, HOOK, body=_request()))
        named = _card(_call(client, server, keys, HOOK, body=_request(SERVER_DATE)))
        assert named == without

    def test_a_bad_date_in_the_call_is_refused(
        self, client: httpx.Client, server: Server, keys: Keys
    ) -> None:
        """A date in the extension that is not YYYY-MM-DD is a 400 OperationOutcome."""
        response = _call(client, server, keys, HOOK, body=_request("15/10/2024"))
        assert (400, "OperationOutcome") == (
            response.status_code,
            response.json()["resourceType"],
        )

    def test_encounter_discharge_gives_the_card_of_the_stay(
        self, client: httpx.Client, server: Server, keys: Keys
    ) -> None:
        """The discharge service answers with the same summary for the same record and date."""
        view = _card(_call(client, server, keys, HOOK, body=_request("2024-10-15")))
        request = _request("2024-10-15", "encounter-discharge.json")
        discharge = _card(_call(client, server, keys, DISCHARGE, body=request))
        assert view["summary"] == discharge["summary"]
        assert view["uuid"] != discharge["uuid"]

    def test_a_hook_the_service_does_not_answer_is_refused(
        self, client: httpx.Client, server: Server, keys: Keys
    ) -> None:
        """A patient-view request sent to the discharge service is a 400."""
        response = _call(client, server, keys, DISCHARGE, body=_request("2024-10-15"))
        assert 400 == response.status_code

    def test_cards_are_never_cached(self, client: httpx.Client, server: Server, keys: Keys) -> None:
        """Every answer says no-store: a card is for its call only."""
        response = _call(client, server, keys, HOOK, body=_request("2024-10-15"))
        assert "no-store" == response.headers["cache-control"]

    @given(seed=st.integers(min_value=0, max_value=2**32 - 1))
    def test_the_card_does_not_depend_on_the_order_of_entries(
        self, server: Server, keys: Keys, seed: int
    ) -> None:
        """Entries shuffled within and across prefetch Bundles give the same bytes."""
        request = _request("2024-10-15")
        shuffled = copy.deepcopy(request)
        generator = random.Random(seed)
        for key, value in shuffled["prefetch"].items():
            if key != "patient":
                generator.shuffle(value["entry"])
        keys_in_order = list(shuffled["prefetch"].items())
        generator.shuffle(keys_in_order)
        shuffled["prefetch"] = dict(keys_in_order)
        with httpx.Client(timeout=30) as client:
            first = _call(client, server, keys, HOOK, body=request)
            second = _call(client, server, keys, HOOK, body=shuffled)
        assert first.content == second.content

    def test_resources_of_other_kinds_are_passed_over(
        self, client: httpx.Client, server: Server, keys: Keys
    ) -> None:
        """A vital-sign Observation and a CarePlan of another kind leave the card as it was."""
        request = _request("2024-10-15")
        expected = _card(_call(client, server, keys, HOOK, body=request))
        request["prefetch"]["observations"]["entry"].append(
            {
                "resource": {
                    "resourceType": "Observation",
                    "id": "pulse-1",
                    "status": "final",
                    "category": [
                        {
                            "coding": [
                                {
                                    "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                                    "code": "vital-signs",
                                }
                            ]
                        }
                    ],
                    "code": {"coding": [{"system": "http://loinc.org", "code": "8867-4"}]},
                    "valueQuantity": {"value": 72, "unit": "/min"},
                }
            }
        )
        request["prefetch"]["carePlans"]["entry"].append(
            {"resource": {"resourceType": "CarePlan", "id": "other", "status": "active"}}
        )
        assert expected == _card(_call(client, server, keys, HOOK, body=request))

    def test_a_person_without_a_pathway_gets_no_card(
        self, client: httpx.Client, server: Server, keys: Keys
    ) -> None:
        """No pathway CarePlan (the key present, as null): no cards, not an error."""
        request = _request("2024-10-15")
        request["prefetch"]["carePlans"] = None
        response = _call(client, server, keys, HOOK, body=request)
        assert (200, {"cards": []}) == (response.status_code, response.json())

    def test_a_date_no_stay_covers_says_so_and_decides_nothing(
        self, client: httpx.Client, server: Server, keys: Keys
    ) -> None:
        """Before the first stay there is nothing to decide: an info card says so."""
        card = _card(_call(client, server, keys, HOOK, body=_request("2023-12-01")))
        expected = "No stay in the pathway record covers 2023-12-01: no decision is shown"
        assert (expected, "info") == (card["summary"], card["indicator"])
        assert "overrideReasons" not in card

    def test_a_record_that_cannot_be_read_gives_a_warning_and_no_decision(
        self, client: httpx.Client, server: Server, keys: Keys
    ) -> None:
        """A stage code the definition lacks: a warning card naming where, with no decision."""
        request = _request("2024-10-15")
        episode = request["prefetch"]["episodes"]["entry"][0]["resource"]
        episode["type"][0]["coding"][0]["code"] = "ward_7"
        card = _card(_call(client, server, keys, HOOK, body=request))
        assert ("The pathway record has 1 problem: no decision is shown", "warning") == (
            card["summary"],
            card["indicator"],
        )
        assert "type[0].coding[0].code" in card["detail"]
        assert "overrideReasons" not in card


def _point_at(request: dict[str, Any], reference: str) -> None:
    """Make every logical reference to the person in a request a literal one, as EPRs do."""
    for key, value in request["prefetch"].items():
        if key == "patient":
            continue
        for entry in value["entry"]:
            resource = entry["resource"]
            for element in ("subject", "patient"):
                if element in resource:
                    resource[element] = {"reference": reference}
            if "performer" in resource:
                resource["performer"] = [{"reference": reference}]


class TestPrefetch:
    @pytest.mark.parametrize(
        "key", ["patient", "carePlans", "episodes", "goals", "encounters", "observations"]
    )
    def test_a_missing_prefetch_key_is_412(
        self, client: httpx.Client, server: Server, keys: Keys, key: str
    ) -> None:
        """The service fetches nothing itself: a template not prefetched is a 412 naming it."""
        request = _request("2024-10-15")
        del request["prefetch"][key]
        response = _call(client, server, keys, HOOK, body=request)
        assert 412 == response.status_code
        outcome = response.json()
        assert "OperationOutcome" == outcome["resourceType"]
        assert [f"prefetch.{key}: expected; found none"] == [
            issue["diagnostics"] for issue in outcome["issue"]
        ]

    def test_no_prefetch_at_all_is_412(
        self, client: httpx.Client, server: Server, keys: Keys
    ) -> None:
        """A request without prefetch is a 412."""
        request = _request("2024-10-15")
        del request["prefetch"]
        assert 412 == _call(client, server, keys, HOOK, body=request).status_code

    def test_a_patient_without_the_person_id_is_412(
        self, client: httpx.Client, server: Server, keys: Keys
    ) -> None:
        """Without the pathway's person id on the Patient, the record cannot be matched: 412."""
        request = _request("2024-10-15")
        request["prefetch"]["patient"]["identifier"] = []
        assert 412 == _call(client, server, keys, HOOK, body=request).status_code

    def test_a_patient_other_than_the_one_in_context_is_refused(
        self, client: httpx.Client, server: Server, keys: Keys
    ) -> None:
        """A prefetched Patient whose id is not the context's patientId: 400, no card."""
        request = _request("2024-10-15")
        request["context"]["patientId"] = "epr-patient-8"
        response = _call(client, server, keys, HOOK, body=request)
        assert 400 == response.status_code
        assert "cards" not in response.json()

    def test_another_persons_record_is_refused(
        self, client: httpx.Client, server: Server, keys: Keys
    ) -> None:
        """Resources of a person other than the Patient's: 400, and no card for anyone."""
        request = _request("2024-10-15")
        request["prefetch"]["patient"]["identifier"][0]["value"] = "P-0002"
        response = _call(client, server, keys, HOOK, body=request)
        assert 400 == response.status_code
        assert "P-0001" not in response.text

    @pytest.mark.parametrize(
        "reference", ["Patient/epr-patient-7", "https://epr.example.org/fhir/Patient/epr-patient-7"]
    )
    def test_literal_references_to_the_patient_in_context_are_read(
        self, client: httpx.Client, server: Server, keys: Keys, reference: str
    ) -> None:
        """Resources pointing at the Patient as an EPR does give the same card."""
        request = _request("2024-10-15")
        expected = _card(_call(client, server, keys, HOOK, body=request))
        _point_at(request, reference)
        assert expected == _card(_call(client, server, keys, HOOK, body=request))

    def test_a_literal_reference_to_another_patient_is_refused(
        self, client: httpx.Client, server: Server, keys: Keys
    ) -> None:
        """One resource pointing at another Patient: 400, and no card for anyone."""
        request = _request("2024-10-15")
        _point_at(request, "Patient/epr-patient-7")
        request["prefetch"]["goals"]["entry"][1]["resource"]["subject"] = {
            "reference": "Patient/epr-patient-8"
        }
        response = _call(client, server, keys, HOOK, body=request)
        assert (400, "OperationOutcome") == (
            response.status_code,
            response.json()["resourceType"],
        )

    def test_a_resource_of_the_wrong_type_is_refused(
        self, client: httpx.Client, server: Server, keys: Keys
    ) -> None:
        """A Goal in the Observations' Bundle is a 400 naming where."""
        request = _request("2024-10-15")
        goal = request["prefetch"]["goals"]["entry"][0]
        request["prefetch"]["observations"]["entry"].append(goal)
        response = _call(client, server, keys, HOOK, body=request)
        assert 400 == response.status_code
        assert "prefetch.observations.entry[" in response.text


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)


def _replace_somewhere(value: Any, choices: list[int], new: object) -> Any:
    """``value`` with the node that ``choices`` lead to replaced by ``new``."""
    if not choices or not isinstance(value, (dict, list)) or not value:
        return new
    keys = list(value) if isinstance(value, dict) else list(range(len(value)))
    key = keys[choices[0] % len(keys)]
    copied = copy.copy(value)
    copied[key] = _replace_somewhere(value[key], choices[1:], new)
    return copied


class TestPrefetchReading:
    @given(
        choices=st.lists(st.integers(min_value=0, max_value=10_000), max_size=9),
        new=_JSON,
    )
    def test_any_damage_to_a_request_is_refused_or_answered_never_a_crash(
        self, choices: list[int], new: object
    ) -> None:
        """Any node of a recorded request replaced by any JSON: a card, a refusal or a problem."""
        request = _replace_somewhere(_request(), choices, new)
        prefetch = request.get("prefetch") if isinstance(request, dict) else None
        try:
            record = record_from_prefetch(prefetch, PATIENT_ID, None)
        except (HookError, pm.PathwayModelError):
            return
        if record is not None:
            card = card_for(record, dt.date(2024, 10, 15), SERVICES[0], None)
            assert len(card["summary"]) < 140


class TestFeedback:
    def test_feedback_is_appended_to_the_audit_log_with_codes_only(
        self, client: httpx.Client, server: Server, keys: Keys, audit: Path
    ) -> None:
        """An override's reason code is kept; the user's comment never is."""
        card = _card(_call(client, server, keys, HOOK, body=_request("2024-10-15")))
        reason = card["overrideReasons"][3]
        feedback = {
            "feedback": [
                {
                    "card": card["uuid"],
                    "outcome": "overridden",
                    "overrideReason": {"reason": reason, "userComment": "Waiting for the flat"},
                    "outcomeTimestamp": "2024-10-15T10:30:00Z",
                }
            ]
        }
        before = audit.read_bytes().count(b"\n") if audit.exists() else 0
        response = _call(client, server, keys, f"{HOOK}/feedback", body=feedback)
        assert 200 == response.status_code
        lines = audit.read_text(encoding="utf-8").splitlines()
        assert before + 1 == len(lines)
        line = json.loads(lines[-1])
        assert {
            "service": "pathway-readiness",
            "card": card["uuid"],
            "outcome": "overridden",
            "outcome_timestamp": "2024-10-15T10:30:00Z",
            "override_reason": {"system": reason["system"], "code": reason["code"]},
            "user_comment_given": True,
            "accepted_suggestions": 0,
            "issuer": ISSUER,
            "subject": "epr-client",
        } == {key: line[key] for key in line if key not in ("received", "token_id")}
        assert "flat" not in audit.read_text(encoding="utf-8")

    @pytest.mark.parametrize(
        "feedback",
        [
            {},
            {"feedback": []},
            {"feedback": [{"card": "not-a-uuid", "outcome": "accepted"}]},
            {
                "feedback": [
                    {
                        "card": "2b1ad3e4-3c6b-4d37-9a9e-0e5d0b5d1e9a",
                        "outcome": "ignored",
                        "outcomeTimestamp": "2024-10-15T10:30:00Z",
                    }
                ]
            },
            {
                "feedback": [
                    {
                        "card": "2b1ad3e4-3c6b-4d37-9a9e-0e5d0b5d1e9a",
                        "outcome": "overridden",
                        "outcomeTimestamp": "2024-10-15T10:30:00Z",
                        "overrideReason": {
                            "reason": {"system": "urn:x", "code": "waiting for the flat"}
                        },
                    }
                ]
            },
        ],
        ids=["no-feedback", "empty", "bad-card", "bad-outcome", "text-as-code"],
    )
    def test_feedback_that_is_not_feedback_is_refused(
        self, client: httpx.Client, server: Server, keys: Keys, feedback: object
    ) -> None:
        """A body that is not CDS Hooks feedback is a 400, and nothing is recorded."""
        response = _call(client, server, keys, f"{HOOK}/feedback", body=feedback)
        assert 400 == response.status_code


class TestJsonApi:
    def test_assess_answers_the_assessment_document(
        self, client: httpx.Client, server: Server, keys: Keys
    ) -> None:
        """One pathway document in, the library's assessment document out, byte for byte."""
        record = example_record()
        response = _call(
            client, server, keys, "/api/assess?as_of=2024-09-01", content=pm.dumps(record).encode()
        )
        assert 200 == response.status_code
        assert pm.dumps(pm.assess(record, dt.date(2024, 9, 1))) == response.text

    @pytest.mark.parametrize(
        ("operation", "rule"),
        [("readiness", pm.readiness), ("schedule", pm.review_schedule)],
    )
    def test_readiness_and_schedule_answer_their_documents(
        self, client: httpx.Client, server: Server, keys: Keys, operation: str, rule: Any
    ) -> None:
        """Readiness and the review schedule come back as the library writes them."""
        record = example_record()
        path = f"/api/{operation}?as_of=2025-03-01"
        response = _call(client, server, keys, path, content=pm.dumps(record).encode())
        assert pm.dumps(rule(record, dt.date(2025, 3, 1))) == response.text

    def test_a_batch_answers_a_line_for_each_document_in_order(
        self, client: httpx.Client, server: Server, keys: Keys
    ) -> None:
        """JSON Lines in: each good record's result, and the problems of the bad one, in order."""
        record = example_record()
        good = pm.dumps(record).encode()
        bad = good.replace(b'"medium_secure"', b'"ward_7"', 1)
        body = good + b"\n\n" + bad + b"\n" + good + b"\n"
        response = _call(
            client,
            server,
            keys,
            "/api/readiness?as_of=2024-10-15",
            content=body,
            media_type="application/x-ndjson",
        )
        assert (200, "application/x-ndjson") == (
            response.status_code,
            response.headers["content-type"],
        )
        lines = response.text.splitlines()
        expected = pm.dumps(pm.readiness(record, dt.date(2024, 10, 15)))
        assert [expected, expected] == [lines[0], lines[2]]
        refused = json.loads(lines[1])
        assert (422, 3) == (refused["status"], refused["line"])
        assert ["$.placements[0].stage"] == [item["path"] for item in refused["problems"]]

    def test_validate_reports_each_document(
        self, client: httpx.Client, server: Server, keys: Keys
    ) -> None:
        """Validate says, for each line, whether it is valid, and lists the problems if not."""
        good = pm.dumps(example_record()).encode()
        body = good + b"\n" + b'{"schema_version": 2, "document": "recipe"}\n'
        response = _call(
            client, server, keys, "/api/validate", content=body, media_type="application/jsonl"
        )
        first, second = (json.loads(line) for line in response.text.splitlines())
        assert {"valid": True, "document": "pathway", "line": 1} == first
        assert (False, 2, "$.document") == (
            second["valid"],
            second["line"],
            second["problems"][0]["path"],
        )

    def test_an_invalid_document_is_a_422_problem_details(
        self, client: httpx.Client, server: Server, keys: Keys
    ) -> None:
        """One refused document: RFC 9457 problem details carrying the problems list."""
        bad = pm.dumps(example_record()).replace('"medium_secure"', '"ward_7"', 1).encode()
        response = _call(client, server, keys, "/api/assess?as_of=2024-10-15", content=bad)
        assert (422, "application/problem+json") == (
            response.status_code,
            response.headers["content-type"],
        )
        details = response.json()
        assert "https://pathway-model.org/problems/invalid-document" == details["type"]
        assert 1 == details["total"]

    @pytest.mark.parametrize("query", ["", "?as_of=15/10/2024", "?as_of=2024-02-30"])
    def test_a_missing_or_bad_date_is_a_400(
        self, client: httpx.Client, server: Server, keys: Keys, query: str
    ) -> None:
        """The rules need an explicit date: without a good as_of the call is refused."""
        content = pm.dumps(example_record()).encode()
        response = _call(client, server, keys, f"/api/assess{query}", content=content)
        assert (400, "as_of") == (response.status_code, response.json()["problems"][0]["path"])

    def test_a_date_outside_the_record_is_a_422(
        self, client: httpx.Client, server: Server, keys: Keys
    ) -> None:
        """A date before the first stay is refused with the rule's problem."""
        content = pm.dumps(example_record()).encode()
        response = _call(client, server, keys, "/api/assess?as_of=2023-01-01", content=content)
        assert (422, "as_of") == (response.status_code, response.json()["problems"][0]["path"])

    def test_too_many_documents_is_a_413(
        self, client: httpx.Client, server: Server, keys: Keys
    ) -> None:
        """A batch of more than a thousand documents is refused whole."""
        response = _call(
            client,
            server,
            keys,
            "/api/validate",
            content=b"{}\n" * 1001,
            media_type="application/x-ndjson",
        )
        assert 413 == response.status_code

    def test_an_unknown_operation_is_a_404(
        self, client: httpx.Client, server: Server, keys: Keys
    ) -> None:
        """Only assess, readiness, schedule and validate are offered."""
        response = _call(client, server, keys, "/api/cohort", content=b"{}")
        assert 404 == response.status_code

    def test_the_openapi_document_is_served_and_describes_the_results(
        self, client: httpx.Client, server: Server, keys: Keys
    ) -> None:
        """GET /openapi.json is openapi_document(); its Assessment schema fits a real answer."""
        document = _call(client, server, keys, "/openapi.json").json()
        assert openapi_document(server.url) == document
        result = _call(
            client,
            server,
            keys,
            "/api/assess?as_of=2024-10-15",
            content=pm.dumps(example_record()).encode(),
        ).json()
        jsonschema.validate(result, document["components"]["schemas"]["Assessment"])
        assert {"/api/assess", "/api/readiness", "/api/schedule", "/api/validate"} <= set(
            document["paths"]
        )


def _claims(keys: Keys, audience: str) -> dict[str, Any]:
    claims: dict[str, Any] = jwt.decode(keys.token(audience), options={"verify_signature": False})
    return claims


def _alg_none(keys: Keys, audience: str) -> str:
    head = jwt.utils.base64url_encode(b'{"alg":"none","kid":"ec-1","typ":"JWT"}').decode()
    return f"{head}.{keys.token(audience).split('.')[1]}."


def _bad_signature(keys: Keys, audience: str) -> str:
    head, body, signature = keys.token(audience).split(".")
    flipped = signature[:-4] + ("AAAA" if signature[-4:] != "AAAA" else "BBBB")
    return f"{head}.{body}.{flipped}"


def _in_the_future(keys: Keys, audience: str) -> str:
    issued = _claims(keys, audience)["iat"]
    return keys.token(audience, iat=issued + 600, exp=issued + 800)


def _no_jti(keys: Keys, audience: str) -> str:
    claims = _claims(keys, audience)
    del claims["jti"]
    return jwt.encode(claims, keys.ec_key, algorithm="ES384", headers={"kid": "ec-1"})


def _es256(keys: Keys, audience: str) -> str:
    other = ec.generate_private_key(ec.SECP256R1())
    return jwt.encode(_claims(keys, audience), other, algorithm="ES256", headers={"kid": "ec-1"})


#: Tokens that must be refused, by kind: each made for an audience.
FORGERIES: dict[str, Callable[[Keys, str], str]] = {
    "expired": lambda keys, audience: keys.token(audience, iat=1_700_000_000, exp=1_700_000_100),
    "wrong-audience": lambda keys, _: keys.token("https://elsewhere.example/cds-services"),
    "unknown-issuer": lambda keys, audience: keys.token(audience, iss="https://intruder.example"),
    "alg-none": _alg_none,
    "bad-signature": _bad_signature,
    "hmac": lambda keys, audience: jwt.encode(
        _claims(keys, audience), "s" * 48, algorithm="HS384", headers={"kid": "ec-1"}
    ),
    "unknown-kid": lambda keys, audience: keys.token(audience, kid="ec-9"),
    "rsa-alg-on-ec-key": lambda keys, audience: keys.token(audience, algorithm="RS384", kid="ec-1"),
    "too-long-lived": lambda keys, audience: keys.token(audience, lifetime=3600),
    "issued-in-the-future": _in_the_future,
    "no-jti": _no_jti,
    "es256": _es256,
}


def _forged(keys: Keys, audience: str, kind: str) -> str:
    """A token that must be refused, of a kind."""
    return FORGERIES[kind](keys, audience)


class TestTokens:
    @pytest.mark.parametrize("kind", sorted(FORGERIES))
    @pytest.mark.parametrize("path", ["/cds-services", HOOK, "/api/assess?as_of=2024-10-15"])
    def test_a_forged_or_stale_token_is_401_with_no_detail(
        self, client: httpx.Client, server: Server, keys: Keys, kind: str, path: str
    ) -> None:
        """Every kind of bad token gets the same bare 401, whatever was asked."""
        token = _forged(keys, server.url + path.partition("?")[0], kind)
        body = None if path == "/cds-services" else _request("2024-10-15")
        response = _call(client, server, keys, path, body=body, token=token)
        assert (401, UNAUTHORISED, "Bearer") == (
            response.status_code,
            response.json(),
            response.headers["www-authenticate"],
        )

    def test_a_call_without_a_token_is_401(self, client: httpx.Client, server: Server) -> None:
        """No Authorization header: the same bare 401."""
        response = client.get(server.url + "/cds-services")
        assert (401, UNAUTHORISED) == (response.status_code, response.json())

    def test_a_replayed_token_is_refused(
        self, client: httpx.Client, server: Server, keys: Keys
    ) -> None:
        """A token used once is refused the second time, with the same bare 401."""
        token = keys.token(server.url + HOOK)
        first = _call(client, server, keys, HOOK, body=_request("2024-10-15"), token=token)
        second = _call(client, server, keys, HOOK, body=_request("2024-10-15"), token=token)
        assert (200, 401, UNAUTHORISED) == (
            first.status_code,
            second.status_code,
            second.json(),
        )

    def test_rs384_and_the_base_url_as_audience_are_accepted(
        self, client: httpx.Client, server: Server, keys: Keys
    ) -> None:
        """An RSA key's RS384 token, naming the service's URL rather than the endpoint's."""
        token = keys.token(server.url, algorithm="RS384")
        response = _call(client, server, keys, "/cds-services", token=token)
        assert 200 == response.status_code

    def test_a_second_allowed_issuer_is_accepted(
        self, client: httpx.Client, server: Server, keys: Keys
    ) -> None:
        """Each --issuer given is allowed."""
        token = keys.token(server.url, iss="https://other.example")
        assert 200 == _call(client, server, keys, "/cds-services", token=token).status_code

    def test_the_log_names_no_token_and_no_clinical_text(
        self, client: httpx.Client, server: Server, keys: Keys
    ) -> None:
        """The server's log holds neither a token nor the record's words."""
        token = _forged(keys, server.url + HOOK, "bad-signature")
        _call(client, server, keys, HOOK, body=_request("2024-10-15"), token=token)
        _call(client, server, keys, HOOK, body=_request("2024-10-15"))
        log = server.log.read_text(encoding="utf-8")
        assert "call refused (bad signature)" in log
        assert token.split(".")[2] not in log
        assert "Northfield" not in log
        assert "P-0001" not in log


def _raw(server: Server, head: bytes, body: bytes = b"") -> bytes:
    """Send raw bytes and read the answer until the server closes or 10 s pass."""
    port = int(server.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(head + body)
        answer = b""
        while b"\r\n\r\n" not in answer and len(answer) < 65536:
            chunk = connection.recv(65536)
            if not chunk:
                break
            answer += chunk
    return answer


class TestHostileBodies:
    def test_a_huge_declared_body_is_refused_before_it_is_sent(
        self, server: Server, keys: Keys
    ) -> None:
        """Content-Length of a gigabyte: 413 at once, reading nothing."""
        token = keys.token(server.url + HOOK)
        head = (
            f"POST {HOOK} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
            "Content-Type: application/json\r\nContent-Length: 1000000000\r\n\r\n"
        ).encode()
        assert _raw(server, head).startswith(b"HTTP/1.1 413 ")

    def test_a_huge_streamed_body_is_refused_when_it_passes_the_limit(
        self, client: httpx.Client, server: Server, keys: Keys
    ) -> None:
        """A chunked body of no declared length is refused once it is over 4 MiB."""
        token = keys.token(server.url + "/api/validate")
        chunk = b"[" + b" " * 65534 + b"]"

        def chunks() -> Iterator[bytes]:
            for _ in range(65):  # 65 chunks of 64 KiB: just over 4 MiB
                yield chunk

        response = client.post(
            server.url + "/api/validate",
            content=chunks(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        assert 413 == response.status_code

    @pytest.mark.parametrize("path", [HOOK, "/api/validate"])
    def test_deep_nesting_is_refused(
        self, client: httpx.Client, server: Server, keys: Keys, path: str
    ) -> None:
        """Arrays nested 100,000 deep: 400, never a crash."""
        response = _call(client, server, keys, path, content=b"[" * 100_000 + b"]" * 100_000)
        assert 400 == response.status_code

    @pytest.mark.parametrize(
        "content",
        [b"not json", b"", b'{"hook": 1, "hook": 2}', b'{"a": NaN}', b"\xff\xfe{}"],
        ids=["text", "empty", "repeated-key", "nan", "not-utf8"],
    )
    def test_a_body_that_is_not_strict_json_is_a_400(
        self, client: httpx.Client, server: Server, keys: Keys, content: bytes
    ) -> None:
        """Each is refused with a 400 OperationOutcome."""
        response = _call(client, server, keys, HOOK, content=content)
        assert (400, "OperationOutcome") == (
            response.status_code,
            response.json()["resourceType"],
        )

    @pytest.mark.parametrize("path", [HOOK, "/api/assess?as_of=2024-10-15"])
    def test_a_body_of_another_media_type_is_a_415(
        self, client: httpx.Client, server: Server, keys: Keys, path: str
    ) -> None:
        """Form data or text is not JSON: 415."""
        response = _call(client, server, keys, path, content=b"a=1", media_type="text/plain")
        assert 415 == response.status_code

    @given(
        body=st.one_of(
            st.binary(max_size=300),
            st.recursive(
                st.none() | st.booleans() | st.integers() | st.text(max_size=10),
                lambda inner: (
                    st.lists(inner, max_size=4)
                    | st.dictionaries(
                        st.sampled_from(["hook", "hookInstance", "context", "prefetch", "feedback"])
                        | st.text(max_size=5),
                        inner,
                        max_size=4,
                    )
                ),
                max_leaves=12,
            ).map(lambda value: json.dumps(value).encode()),
        ),
        path=st.sampled_from(
            [HOOK, f"{HOOK}/feedback", "/api/assess?as_of=2024-10-15", "/api/validate"]
        ),
    )
    def test_no_body_ever_gives_a_500(
        self, server: Server, keys: Keys, body: bytes, path: str
    ) -> None:
        """Whatever the body, the answer is a 2xx or a 4xx, never a server error."""
        with httpx.Client(timeout=30) as client:
            response = _call(client, server, keys, path, content=body)
        assert response.status_code < 500, response.text


def _store(kind: str, folder: Path, size: int) -> ReplayCache | SharedReplayStore:
    """A store of token ids seen: in the process, or in a SQLite file processes share."""
    if kind == "memory":
        return ReplayCache(size)
    return SharedReplayStore(folder / "replays.sqlite3", size)


def _admit_all(path: str, token_ids: list[str]) -> list[str]:
    """In a process of its own: admit each id into the shared store; return those admitted."""
    store = SharedReplayStore(Path(path), 100_000)
    admitted = []
    for token_id in token_ids:
        try:
            store.admit("iss", token_id, expires=2_000_000_000, now=1_000)
        except Refused:
            continue
        admitted.append(token_id)
    return admitted


@pytest.mark.parametrize("kind", ["memory", "shared"])
class TestReplayStores:
    def test_an_id_is_refused_while_its_token_lives_and_forgotten_after(
        self, kind: str, tmp_path: Path
    ) -> None:
        """A jti is refused again until its expiry has passed, then it may be used again."""
        cache = _store(kind, tmp_path, 10)
        cache.admit("iss", "a", expires=100, now=50)
        with pytest.raises(Refused, match="replayed jti"):
            cache.admit("iss", "a", expires=100, now=99)
        cache.admit("iss", "a", expires=300, now=101)
        assert 1 == len(cache)

    def test_the_same_id_from_two_issuers_is_two_tokens(self, kind: str, tmp_path: Path) -> None:
        """Ids are an issuer's own: the same jti from another issuer is not a replay."""
        cache = _store(kind, tmp_path, 10)
        cache.admit("one", "a", expires=100, now=50)
        cache.admit("two", "a", expires=100, now=50)
        assert 2 == len(cache)

    def test_a_cache_full_of_live_ids_refuses_rather_than_forgets(
        self, kind: str, tmp_path: Path
    ) -> None:
        """When every remembered id is alive, a new token is refused with 503, none forgotten."""
        cache = _store(kind, tmp_path, 2)
        cache.admit("iss", "a", expires=100, now=50)
        cache.admit("iss", "b", expires=100, now=50)
        with pytest.raises(Refused) as caught:
            cache.admit("iss", "c", expires=100, now=60)
        assert (503, 2) == (caught.value.status, len(cache))
        cache.admit("iss", "c", expires=200, now=101)
        assert 1 == len(cache)


class TestSharedReplayStore:
    def test_two_stores_on_one_file_refuse_each_others_ids(self, tmp_path: Path) -> None:
        """Two workers' stores on one file: an id one has seen, the other refuses."""
        first = SharedReplayStore(tmp_path / "replays.sqlite3", 10)
        second = SharedReplayStore(tmp_path / "replays.sqlite3", 10)
        first.admit("iss", "a", expires=100, now=50)
        with pytest.raises(Refused, match="replayed jti"):
            second.admit("iss", "a", expires=100, now=51)
        second.admit("iss", "b", expires=100, now=51)
        assert (2, 2) == (len(first), len(second))

    def test_ids_seen_before_a_restart_are_still_refused(self, tmp_path: Path) -> None:
        """The file outlives the process: a live token stays refused after a restart."""
        SharedReplayStore(tmp_path / "replays.sqlite3", 10).admit("iss", "a", expires=100, now=50)
        again = SharedReplayStore(tmp_path / "replays.sqlite3", 10)
        with pytest.raises(Refused, match="replayed jti"):
            again.admit("iss", "a", expires=100, now=60)

    def test_processes_racing_admit_each_id_exactly_once(self, tmp_path: Path) -> None:
        """Three processes offer the same 300 ids at once: each id is admitted by exactly one."""
        path = str(tmp_path / "replays.sqlite3")
        SharedReplayStore(Path(path), 10)  # made before the race, as serve does
        token_ids = [f"t{number}" for number in range(300)]
        context = __import__("multiprocessing").get_context("spawn")
        with concurrent.futures.ProcessPoolExecutor(3, mp_context=context) as pool:
            results = list(pool.map(_admit_all, [path] * 3, [token_ids] * 3))
        admitted = [token_id for result in results for token_id in result]
        assert sorted(token_ids) == sorted(admitted)
        assert 300 == len(SharedReplayStore(Path(path), 10))

    def test_a_file_that_is_not_a_store_is_a_validation_error(self, tmp_path: Path) -> None:
        """Some other file named as the store is refused when the app is made, naming it."""
        path = tmp_path / "notes.txt"
        path.write_bytes(b"not a database, and more than a page of it\n" * 200)
        with pytest.raises(pm.ValidationError) as caught:
            SharedReplayStore(path, 10)
        assert "replay_store" == caught.value.problems[0].path
        assert "notes" not in str(caught.value)


class TestServeCommand:
    def test_a_missing_jwks_file_is_a_clear_error(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Exit 2, and the option and the file named."""
        code = main(["serve", "--jwks", str(tmp_path / "none.json"), "--issuer", ISSUER])
        assert 2 == code
        assert "--jwks: expected a JWKS file; found nothing at" in capsys.readouterr().err

    def test_a_jwks_with_a_secret_key_is_refused(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """An HMAC key (kty oct) cannot be a caller's key: exit 2 naming the key."""
        jwks = tmp_path / "jwks.json"
        jwks.write_text(json.dumps({"keys": [{"kty": "oct", "kid": "k", "k": "c2VjcmV0"}]}))
        code = main(["serve", "--jwks", str(jwks), "--issuer", ISSUER])
        assert 2 == code
        assert "--jwks: jwks.keys[0]: expected a public EC (P-384) or RSA key" in (
            capsys.readouterr().err
        )

    @pytest.mark.parametrize(
        ("key", "found"),
        [
            ({"kty": "EC", "crv": "P-256"}, "--jwks: jwks.keys[0].crv: expected 'P-384'"),
            ({"kty": "EC", "private": True}, "--jwks: jwks.keys[0]: expected a public EC"),
        ],
        ids=["p-256", "private"],
    )
    def test_a_jwks_with_a_key_of_another_kind_is_refused(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str], key: dict[str, Any], found: str
    ) -> None:
        """A P-256 key, or a private key, in the JWKS is refused at start, naming the key."""
        curve = ec.SECP256R1() if key.get("crv") == "P-256" else ec.SECP384R1()
        private = ec.generate_private_key(curve)
        algorithm = jwt.algorithms.ECAlgorithm
        made = algorithm.to_jwk(private if key.get("private") else private.public_key())
        jwks = tmp_path / "jwks.json"
        jwks.write_text(json.dumps({"keys": [{**json.loads(made), "kid": "k"}]}))
        assert 2 == main(["serve", "--jwks", str(jwks), "--issuer", ISSUER])
        assert found in capsys.readouterr().err

    def test_an_issuer_is_required(self, keys: Keys, capsys: pytest.CaptureFixture[str]) -> None:
        """Without --issuer nobody could call: a usage error."""
        assert 2 == main(["serve", "--jwks", str(keys.jwks)])
        assert "--issuer" in capsys.readouterr().err

    @pytest.mark.parametrize("port", ["70000", "http"])
    def test_a_bad_port_is_a_usage_error(
        self, keys: Keys, capsys: pytest.CaptureFixture[str], port: str
    ) -> None:
        """A port outside 0-65535, or not a number, is refused before anything starts."""
        code = main(["serve", "--jwks", str(keys.jwks), "--issuer", ISSUER, "--port", port])
        assert 2 == code
        assert "expected a port number from 0 to 65,535" in capsys.readouterr().err

    def test_a_bad_base_url_is_a_clear_error(
        self, keys: Keys, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A base URL with a trailing slash is refused, naming the option."""
        arguments = ["serve", "--jwks", str(keys.jwks), "--issuer", ISSUER]
        assert 2 == main([*arguments, "--base-url", "https://cds.example.org/"])
        assert "--base-url: base_url: expected a URL without" in capsys.readouterr().err

    def test_several_workers_need_a_replay_store(
        self, keys: Keys, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Workers that each kept their own ids would let a token be replayed: exit 2."""
        code = main(["serve", "--jwks", str(keys.jwks), "--issuer", ISSUER, "--workers", "2"])
        assert 2 == code
        assert "--workers: more than one worker needs --replay-store FILE" in (
            capsys.readouterr().err
        )

    def test_without_file_locks_workers_cannot_share_an_audit_log(
        self,
        keys: Keys,
        tmp_path: Path,
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """Where the system cannot lock files (Windows), two workers' lines could mix: exit 2."""
        monkeypatch.setattr("pathway_model.cli._serve._FILE_LOCKS", False)
        arguments = ["serve", "--jwks", str(keys.jwks), "--issuer", ISSUER, "--workers", "2"]
        arguments += ["--replay-store", str(tmp_path / "replays.sqlite3")]
        code = main([*arguments, "--audit", str(tmp_path / "feedback.jsonl")])
        assert 2 == code
        assert "several workers can share an --audit file only where the system locks" in (
            capsys.readouterr().err
        )

    @pytest.mark.parametrize("workers", ["0", "65", "two"])
    def test_a_bad_number_of_workers_is_a_usage_error(
        self, keys: Keys, capsys: pytest.CaptureFixture[str], workers: str
    ) -> None:
        """From 1 to 64 workers, or a usage error before anything starts."""
        code = main(["serve", "--jwks", str(keys.jwks), "--issuer", ISSUER, "--workers", workers])
        assert 2 == code
        assert "expected a whole number from 1 to 64" in capsys.readouterr().err

    def test_a_replay_store_that_is_not_one_is_a_clear_error(
        self, keys: Keys, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A folder, or a file that is not SQLite, is refused at start, naming the option."""
        arguments = ["serve", "--jwks", str(keys.jwks), "--issuer", ISSUER, "--replay-store"]
        assert 2 == main([*arguments, str(tmp_path)])
        assert "--replay-store: expected a file in a folder that exists" in (
            capsys.readouterr().err
        )
        other = tmp_path / "other.txt"
        other.write_bytes(b"plain text, not a database\n" * 200)
        assert 2 == main([*arguments, str(other)])
        assert "--replay-store: replay_store: expected a SQLite file" in capsys.readouterr().err


class TestWorkers:
    def test_workers_answer_and_refuse_a_token_any_of_them_has_seen(
        self, keys: Keys, tmp_path: Path
    ) -> None:
        """Two worker processes share one store: each token works once, on any connection."""
        arguments = ["--jwks", str(keys.jwks), "--issuer", ISSUER, "--as-of", SERVER_DATE]
        arguments += ["--workers", "2", "--replay-store", str(tmp_path / "replays.sqlite3")]
        arguments += ["--audit", str(tmp_path / "feedback.jsonl")]
        with running_server(arguments, tmp_path / "log") as served:
            statuses = []
            for _ in range(12):
                token = keys.token(served.url + HOOK)
                for _ in range(2):  # a new connection each time: either worker may answer
                    with httpx.Client(timeout=30) as fresh:
                        response = _call(fresh, served, keys, HOOK, body=_request(), token=token)
                    statuses.append(response.status_code)
            with httpx.Client(timeout=30) as fresh:
                card = _card(_call(fresh, served, keys, HOOK, body=_request()))
            log = served.log
        assert [200, 401] * 12 == statuses
        assert card["indicator"] in ("info", "warning")
        started = log.read_text(encoding="utf-8", errors="replace")
        assert 2 == started.count("Application startup complete")


class TestConfig:
    def test_create_app_takes_a_config_only(self) -> None:
        """Anything else is a WrongTypeError, a PathwayModelError."""
        with pytest.raises(pm.WrongTypeError, match="config: expected a ServiceConfig"):
            create_app({"base_url": "https://cds.example.org"})  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        ("changes", "path"),
        [
            ({"base_url": "ftp://cds.example.org"}, "base_url"),
            ({"issuers": "https://epr.example.org"}, "issuers"),
            ({"cors_origins": ["https://epr.example.org/app"]}, "cors_origins[0]"),
            ({"max_body_bytes": 0}, "max_body_bytes"),
        ],
    )
    def test_a_bad_setting_names_itself(
        self, keys: Keys, changes: dict[str, object], path: str
    ) -> None:
        """Each setting is checked when the config is made, and the error names it."""
        settings: dict[str, Any] = {
            "base_url": "https://cds.example.org",
            "jwks": keys.jwks,
            "issuers": [ISSUER],
            **changes,
        }
        with pytest.raises(pm.ValidationError) as caught:
            ServiceConfig(**settings)
        assert path == caught.value.problems[0].path


class TestCors:
    def test_an_allowed_origin_is_answered_and_another_is_not(
        self, keys: Keys, tmp_path: Path
    ) -> None:
        """With --cors-origin, that origin's preflight is allowed; others get no grant."""
        arguments = ["--jwks", str(keys.jwks), "--issuer", ISSUER]
        arguments += ["--cors-origin", "https://epr.example.org"]
        with (
            running_server(arguments, tmp_path / "log") as cors,
            httpx.Client(timeout=30) as client,
        ):
            preflight = {"Access-Control-Request-Method": "POST"}
            allowed = client.options(
                cors.url + HOOK, headers={**preflight, "Origin": "https://epr.example.org"}
            )
            other = client.options(
                cors.url + HOOK, headers={**preflight, "Origin": "https://evil.example"}
            )
        assert "https://epr.example.org" == allowed.headers["access-control-allow-origin"]
        assert "access-control-allow-origin" not in other.headers


def _depth(value: object) -> int:
    """How deeply arrays and objects nest in a value: the reference for `json_depth`."""
    if isinstance(value, list):
        return 1 + max((_depth(item) for item in value), default=0)
    if isinstance(value, dict):
        return 1 + max((_depth(item) for item in value.values()), default=0)
    return 0


class TestJsonDepth:
    @given(
        value=st.recursive(
            st.none() | st.integers() | st.text(alphabet='[]{}"\\ab', max_size=6),
            lambda inner: (
                st.lists(inner, max_size=3)
                | st.dictionaries(st.text(alphabet='[]{}"\\ab', max_size=4), inner, max_size=3)
            ),
            max_leaves=20,
        )
    )
    def test_the_depth_is_the_nesting_of_arrays_and_objects(self, value: object) -> None:
        """Brackets and quotes inside strings never count; every array and object does."""
        text = json.dumps(value).encode()
        assert min(_depth(value), 65) == json_depth(text, 64)

    def test_a_deep_body_is_counted_only_to_past_the_limit(self) -> None:
        """A hundred thousand levels are judged after 65 passes: one more than the limit."""
        assert 65 == json_depth(b"[" * 100_000 + b"]" * 100_000, 64)
