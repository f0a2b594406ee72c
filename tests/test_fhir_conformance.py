"""The FHIR conformance package, checked by an independent validator that is not Python.

The validator is ``@medplum/core`` (TypeScript, run with Node.js), pinned in
``tests/conformance/package-lock.json``; ``tests/conformance/validate.mjs`` runs it over
every resource of the package and every resource of the exports below, against the
base R4 specification and the package's profiles, and prints its findings as JSON. The
tests need ``npm ci --prefix tests/conformance`` and carry the ``conformance`` marker;
run them with ``pytest -m conformance``.

The package itself is built and checked without Node.js in ``TestPackage``.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

import pathway_model as pm
from pathway_model.catalogue import SECURE_PATHWAY
from pathway_model.cli import main
from pathway_model.fhir import (
    FHIR_BASE,
    FHIR_VOCABULARY_VERSION,
    PACKAGE_NAME,
    fhir_code_systems,
    fhir_package,
    to_fhir,
)
from pathway_model.synthetic import CohortParameters, synthetic_cohort
from tests.test_fhir_epr import discharged, how_to_transaction, kind_of
from tests.test_fhir_golden import EXAMPLE, worked_pathway, worked_ratings

ROOT = Path(__file__).resolve().parents[1]
CONFORMANCE = ROOT / "tests" / "conformance"
SCRIPT = CONFORMANCE / "validate.mjs"
AS_OF = dt.date(2025, 6, 1)


def build_package(out_dir: Path) -> Path:
    """Run ``pathway-model fhir package OUT_DIR``; the package folder."""
    assert 0 == main(["fhir", "package", str(out_dir)])
    return out_dir / "package"


def validate(package: Path, *files: Path) -> tuple[int, dict[str, Any]]:
    node = shutil.which("node")
    assert node is not None, "Node.js is needed for the conformance tests"
    assert (CONFORMANCE / "node_modules" / "@medplum" / "core").is_dir(), (
        "run `npm ci --prefix tests/conformance` first"
    )
    done = subprocess.run(
        [node, str(SCRIPT), "--package", str(package), *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return done.returncode, json.loads(done.stdout)


def write(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def exports(folder: Path) -> list[Path]:
    """Every kind of export: the worked record, the example, a synthetic cohort and more."""
    worked = to_fhir(worked_pathway(), instrument_ratings=worked_ratings(), as_of=AS_OF)
    files = [
        write(folder / "worked.json", worked),
        write(folder / "example.json", to_fhir(EXAMPLE["build_pathway"](), as_of=AS_OF)),
        write(folder / "discharged.json", to_fhir(discharged())),
        write(folder / "trust.json", to_fhir(worked_pathway(), organisation="RXT")),
        write(folder / "transaction.json", how_to_transaction()(worked)),
    ]
    as_of = dt.date(2025, 1, 1)
    cohort = synthetic_cohort(CohortParameters(people_in_care=20), seed=19, as_of=as_of)
    for n, pathway in enumerate(cohort):
        covered = pathway.placement_on(as_of) is not None
        bundle = to_fhir(pathway, as_of=as_of if covered else None)
        files.append(write(folder / f"cohort-{n}.json", bundle))
    return files


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_package(tmp_path_factory.mktemp("conformance"))


# --- the package, without Node.js -----------------------------------------------------------


class TestPackage:
    def test_the_command_writes_the_package_and_the_schemas(self, tmp_path: Path) -> None:
        folder = build_package(tmp_path)
        manifest = json.loads((folder / "package.json").read_text(encoding="utf-8"))
        assert (PACKAGE_NAME, FHIR_VOCABULARY_VERSION) == (manifest["name"], manifest["version"])
        assert ["4.0.1"] == manifest["fhirVersions"]
        schemas = sorted(p.name for p in (tmp_path / "schema").glob("v*/*.json"))
        assert {"pathway.json", "pathway_definition.json", "assessment.json"} <= set(schemas)

    def test_each_schema_file_is_where_its_id_says(self, tmp_path: Path) -> None:
        build_package(tmp_path)
        for path in (tmp_path / "schema").glob("v*/*.json"):
            schema = json.loads(path.read_text(encoding="utf-8"))
            assert schema["$id"].endswith(f"/{path.parent.name}/{path.name}")

    def test_the_index_lists_every_resource_file(self, tmp_path: Path) -> None:
        folder = build_package(tmp_path)
        index = json.loads((folder / ".index.json").read_text(encoding="utf-8"))
        listed = {item["filename"] for item in index["files"]}
        on_disk = {p.name for p in folder.glob("*.json")} - {"package.json", ".index.json"}
        assert on_disk == listed

    def test_the_package_is_the_same_bytes_each_time(self, tmp_path: Path) -> None:
        one, two = build_package(tmp_path / "one"), build_package(tmp_path / "two")
        assert {p.name: p.read_bytes() for p in one.iterdir()} == {
            p.name: p.read_bytes() for p in two.iterdir()
        }

    def test_every_profile_claimed_by_an_export_is_in_the_package(self) -> None:
        files = fhir_package(SECURE_PATHWAY)
        urls = {f"{r['url']}|{r['version']}" for r in files.values() if "url" in r}
        bundle = to_fhir(worked_pathway(), instrument_ratings=worked_ratings(), as_of=AS_OF)
        claims = {
            claim for entry in bundle["entry"] for claim in entry["resource"]["meta"]["profile"]
        }
        assert claims
        assert set() == claims - urls

    def test_every_code_system_has_a_value_set(self) -> None:
        files = fhir_package(SECURE_PATHWAY)
        value_sets = {
            r["compose"]["include"][0]["system"]
            for r in files.values()
            if r.get("resourceType") == "ValueSet"
        }
        assert {system["url"] for system in fhir_code_systems(SECURE_PATHWAY)} == value_sets

    def test_every_canonical_url_is_under_the_base(self) -> None:
        files = fhir_package(SECURE_PATHWAY)
        assert all(r["url"].startswith(FHIR_BASE) for r in files.values() if "url" in r)

    def test_a_definition_is_required(self) -> None:
        with pytest.raises(pm.WrongTypeError):
            fhir_package("secure-pathway")  # type: ignore[arg-type]


# --- the independent validator ---------------------------------------------------------------


@pytest.mark.conformance
class TestIndependentValidator:
    def test_the_package_and_every_export_validate(self, package: Path, tmp_path: Path) -> None:
        """0 errors over the package, the examples and a synthetic cohort."""
        files = exports(tmp_path)
        code, result = validate(package, *files)
        assert [] == result["errors"]
        assert 0 == code
        checked = result["checked"]
        assert checked["packageResources"] > 40
        assert checked["profiles"] == 14
        assert checked["resources"] > 400
        assert checked["profileChecks"] == checked["resources"]  # one claim each
        assert checked["codings"] > 1000

    def test_every_kind_of_resource_is_checked_against_its_profile(
        self, package: Path, tmp_path: Path
    ) -> None:
        bundle = to_fhir(worked_pathway(), instrument_ratings=worked_ratings(), as_of=AS_OF)
        kinds = {kind_of(entry["resource"]) for entry in bundle["entry"]}
        assert {"CarePlan", "EpisodeOfCare", "Goal", "Encounter"} < kinds
        code, result = validate(package, write(tmp_path / "b.json", bundle))
        assert (0, len(bundle["entry"])) == (code, result["checked"]["profileChecks"])


def _first(bundle: dict[str, Any], kind: str) -> dict[str, Any]:
    return next(e["resource"] for e in bundle["entry"] if kind_of(e["resource"]) == kind)


def _remove(key: str) -> Any:
    return lambda resource: resource.pop(key)


#: Deliberately broken exports: what is broken, in which kind of resource, how.
BROKEN: dict[str, tuple[str, Any]] = {
    "an element R4 does not have": ("incident", lambda r: r.update(colour="red")),
    "a dateTime that is not one": (
        "incident",
        lambda r: r.update(effectiveDateTime="2024-13-01"),
    ),
    "a rating without its rater (the profile's min)": ("domain-rating", _remove("method")),
    "findings without members (the profile's min)": ("review-findings", _remove("hasMember")),
    "goal progress coded as another kind (the profile's pattern)": (
        "goal-progress",
        lambda r: r["code"]["coding"][0].update(code="incident"),
    ),
    "a review that did not take place (the profile's fixed code)": (
        "Encounter",
        lambda r: r.update(status="in-progress"),
    ),
    "an incident over a period (the profile's type)": (
        "incident",
        lambda r: r.update(effectivePeriod={"start": r.pop("effectiveDateTime")}),
    ),
    "a code the code system lacks": (
        "incident",
        lambda r: r["code"]["coding"][0].update(code="arson"),
    ),
    "an extension with the wrong type of value": (
        "Goal",
        lambda r: r["extension"][0].update(
            valueString=r["extension"][0].pop("valueCoding")["code"]
        ),
    ),
    "a profile version the package is not": (
        "incident",
        lambda r: r["meta"].update(profile=[r["meta"]["profile"][0].replace("|", "|9.")]),
    ),
}


@pytest.mark.conformance
class TestTheValidatorFails:
    @pytest.mark.parametrize("broken", list(BROKEN))
    def test_a_deliberately_broken_resource_fails(
        self, broken: str, package: Path, tmp_path: Path
    ) -> None:
        """Each kind of fault gives an error and a non-zero exit, so the suite can fail."""
        kind, damage = BROKEN[broken]
        bundle = copy.deepcopy(
            to_fhir(worked_pathway(), instrument_ratings=worked_ratings(), as_of=AS_OF)
        )
        damage(_first(bundle, kind))
        code, result = validate(package, write(tmp_path / "broken.json", bundle))
        assert 1 == code
        assert result["errors"]

    def test_a_broken_package_resource_fails(self, package: Path, tmp_path: Path) -> None:
        copied = tmp_path / "package"
        shutil.copytree(package, copied)
        target = copied / "StructureDefinition-placement.json"
        sd = json.loads(target.read_text(encoding="utf-8"))
        sd["differential"]["element"][1]["max"] = "0"  # identifier: min 1, max 0
        target.write_text(json.dumps(sd), encoding="utf-8")
        code, result = validate(copied)
        assert 1 == code
        assert any("min 1 is more than max 0" in e["message"] for e in result["errors"])
