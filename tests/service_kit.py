"""What the service's tests and benchmark share: keys, tokens, prefetch and a real server.

The server is a real ``python -m pathway_model serve`` process on a free loopback port;
every wait for it is bounded.
"""

from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa

import pathway_model as pm
from pathway_model.fhir import FHIR_BASE, to_fhir

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "service"
ISSUER = "https://epr.example.org"
PATIENT_ID = "epr-patient-7"
#: How long a server may take to start listening.
START_SECONDS = 30.0

_TYPES = {
    "CarePlan": "carePlans",
    "EpisodeOfCare": "episodes",
    "Goal": "goals",
    "Encounter": "encounters",
    "Observation": "observations",
}


@attrs.frozen
class Keys:
    """The callers' signing keys, and the JWKS file of their public halves."""

    ec_key: ec.EllipticCurvePrivateKey
    rsa_key: rsa.RSAPrivateKey
    jwks: Path

    @classmethod
    def make(cls, folder: Path) -> Keys:
        """Make an EC P-384 and an RSA key, and write their JWKS into ``folder``."""
        ec_key = ec.generate_private_key(ec.SECP384R1())
        rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        public = []
        for kid, key, alg in (("ec-1", ec_key, "ES384"), ("rsa-1", rsa_key, "RS384")):
            jwk = json.loads(jwt.algorithms.get_default_algorithms()[alg].to_jwk(key.public_key()))
            public.append({**jwk, "kid": kid, "alg": alg, "use": "sig"})
        path = folder / "jwks.json"
        path.write_text(json.dumps({"keys": public}), encoding="utf-8")
        return cls(ec_key, rsa_key, path)

    def token(
        self,
        audience: str,
        *,
        algorithm: str = "ES384",
        kid: str | None = None,
        lifetime: int = 300,
        **claims: Any,
    ) -> str:
        """A signed token for ``audience``; ``claims`` add to or replace the usual ones."""
        now = int(time.time())
        body = {
            "iss": ISSUER,
            "sub": "epr-client",
            "aud": audience,
            "iat": now,
            "exp": now + lifetime,
            "jti": str(uuid.uuid4()),
            **claims,
        }
        key = self.ec_key if algorithm == "ES384" else self.rsa_key
        kid = kid or ("ec-1" if algorithm == "ES384" else "rsa-1")
        return jwt.encode(body, key, algorithm=algorithm, headers={"kid": kid, "typ": "JWT"})


def prefetch_request(
    pathway: pm.Pathway, *, hook: str = "patient-view", patient_id: str = PATIENT_ID
) -> dict[str, Any]:
    """A CDS Hooks request for a person, its prefetch made from the record's FHIR export.

    Each resource type goes in its own ``searchset`` Bundle, as a FHIR server answers the
    prefetch templates; the Patient carries the pathway's person id as an identifier.
    """
    bundles: dict[str, list[dict[str, Any]]] = {key: [] for key in _TYPES.values()}
    for entry in to_fhir(pathway)["entry"]:
        key = _TYPES[entry["resource"]["resourceType"]]
        bundles[key].append({**entry, "search": {"mode": "match"}})
    prefetch: dict[str, Any] = {
        "patient": {
            "resourceType": "Patient",
            "id": patient_id,
            "identifier": [
                {"system": f"{FHIR_BASE}/identifier/person", "value": pathway.person_id}
            ],
        }
    }
    for key, entries in bundles.items():
        prefetch[key] = {
            "resourceType": "Bundle",
            "type": "searchset",
            "total": len(entries),
            "entry": entries,
        }
    context = {"userId": "Practitioner/clinician-1", "patientId": patient_id}
    if hook == "encounter-discharge":
        context["encounterId"] = "discharge-1"
    return {
        "hook": hook,
        "hookInstance": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{hook}|{pathway.person_id}")),
        "context": context,
        "prefetch": prefetch,
    }


def free_port() -> int:
    """A port free on the loopback address just now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@attrs.frozen
class Server:
    """A running service: its URL and its process."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path


@contextlib.contextmanager
def running_server(arguments: list[str], log: Path) -> Iterator[Server]:
    """Run ``pathway-model serve`` with ``arguments`` on a free port until the block ends."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "pathway_model", "serve", "--port", str(port), *arguments]
    with log.open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            if process.poll() is not None:
                text = log.read_text(encoding="utf-8", errors="replace")
                msg = f"the service stopped at start ({process.returncode}): {text[-2000:]}"
                raise RuntimeError(msg)
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", port), timeout=0.5),
            ):
                break
            if time.monotonic() > deadline:
                msg = f"the service did not listen within {START_SECONDS} s"
                raise RuntimeError(msg)
            time.sleep(0.05)
        yield Server(url=url, process=process, log=log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def example_record() -> pm.Pathway:
    """The bundled example record."""
    return pm.loads((ROOT / "examples" / "medium_secure.json").read_bytes(), pm.Pathway)


def write_fixtures() -> None:
    """Write the recorded prefetch payloads under tests/data/service/."""
    DATA.mkdir(parents=True, exist_ok=True)
    record = example_record()
    for hook, name in (
        ("patient-view", "patient-view.json"),
        ("encounter-discharge", "encounter-discharge.json"),
    ):
        text = json.dumps(prefetch_request(record, hook=hook), indent=1, ensure_ascii=False)
        (DATA / name).write_text(text + "\n", encoding="utf-8", newline="\n")


if __name__ == "__main__":
    write_fixtures()
