"""JSON documents: lossless, deterministic, versioned, and strict about bad input."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import runpy
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import pathway_model as pm
from pathway_model.catalogue import DEFINITIONS, FRAMEWORKS, SECURE_PATHWAY
from pathway_model.io import _converter, _json
from pathway_model.io._json import DOCUMENTS
from tests import strategies as s

#: Every test here runs twice: with the fast path, and by the validated constructors.
pytestmark = pytest.mark.usefixtures("loading_mode")

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
EXAMPLE = runpy.run_path(str(ROOT / "examples" / "medium_secure.py"))
SECRET = "Zanzibar-secret-wording"


def example() -> pm.Pathway:
    return EXAMPLE["build_pathway"]()


def example_doc() -> dict[str, Any]:
    return pm.to_dict(example())


def problems_of(data: str | bytes, cls: type[Any] = pm.Pathway, **options: Any) -> list[pm.Problem]:
    with pytest.raises(pm.ValidationError) as caught:
        pm.loads(data, cls, **options)
    return list(caught.value.problems)


def paths_of(data: str | bytes, cls: type[Any] = pm.Pathway, **options: Any) -> list[str]:
    return [problem.path for problem in problems_of(data, cls, **options)]


@st.composite
def decisions(draw: st.DrawFn) -> tuple[pm.PathwayDefinition, pm.Pathway, dt.date]:
    definition, pathway = draw(s.definitions_and_pathways(prefer_high=True))
    placement = draw(st.sampled_from(pathway.placements))
    last = (placement.end or placement.start + dt.timedelta(days=400)) - dt.timedelta(days=1)
    day = placement.start + dt.timedelta(days=draw(st.integers(0, (last - placement.start).days)))
    return definition, pathway, day


class TestRoundTrip:
    @given(s.definitions_and_pathways())
    def test_pathways_round_trip(self, case: tuple[pm.PathwayDefinition, pm.Pathway]) -> None:
        """loads(dumps(x)) == x for every valid record (invariant 7)."""
        definition, pathway = case
        assert pathway == pm.loads(pm.dumps(pathway), pm.Pathway, definition=definition)

    @given(s.definitions_and_pathways(), st.randoms(use_true_random=False))
    def test_dumps_is_deterministic(
        self, case: tuple[pm.PathwayDefinition, pm.Pathway], random: Any
    ) -> None:
        """Equal records give the same bytes, whatever order their collections came in."""
        definition, pathway = case
        shuffled = {}
        for field in ("placements", "goals", "reviews", "incidents"):
            items = list(getattr(pathway, field))
            random.shuffle(items)
            shuffled[field] = items
        again = attrs.evolve(pathway, **shuffled)
        assert pm.dumps(pathway) == pm.dumps(again)
        reread = pm.loads(pm.dumps(pathway), pm.Pathway, definition=definition)
        assert pm.dumps(pathway) == pm.dumps(reread)

    @given(s.outcome_frameworks())
    def test_frameworks_round_trip_with_any_text(self, framework: pm.OutcomeFramework) -> None:
        """Frameworks with any Unicode names and descriptions round-trip, byte for byte."""
        text = pm.dumps(framework)
        assert framework == pm.loads(text, pm.OutcomeFramework)
        assert text == pm.dumps(pm.loads(text, pm.OutcomeFramework))

    @given(s.pathway_definitions())
    def test_definitions_round_trip(self, definition: pm.PathwayDefinition) -> None:
        """Pathway definitions, with their embedded framework, round-trip."""
        assert definition == pm.loads(pm.dumps(definition), pm.PathwayDefinition)

    @pytest.mark.parametrize("item", [*FRAMEWORKS, *DEFINITIONS], ids=lambda x: x.id)
    def test_the_catalogue_round_trips(self, item: object) -> None:
        """Every built-in framework and definition round-trips."""
        assert item == pm.loads(pm.dumps(item), type(item))

    @given(decisions())
    def test_decisions_round_trip(
        self, case: tuple[pm.PathwayDefinition, pm.Pathway, dt.date]
    ) -> None:
        """Assessments, readiness reports and schedules round-trip, for audit."""
        definition, pathway, day = case
        for result in (
            pm.assess(pathway, day, definition=definition),
            pm.readiness(pathway, day, definition=definition),
            pm.review_schedule(pathway, day, definition=definition),
        ):
            text = pm.dumps(result)
            assert result == pm.loads(text, type(result))
            assert text == pm.dumps(pm.loads(text, type(result)))

    def test_dict_bytes_and_indented_forms_agree(self) -> None:
        """to_dict/from_dict, bytes, and indented text all read back the same record."""
        pathway = example()
        assert pathway == pm.from_dict(pm.to_dict(pathway), pm.Pathway)
        assert pathway == pm.loads(pm.dumps(pathway).encode("utf-8"), pm.Pathway)
        assert pathway == pm.loads(pm.dumps(pathway, indent=2), pm.Pathway)
        assert pathway == pm.loads("\ufeff" + pm.dumps(pathway), pm.Pathway)

    def test_a_zoned_datetime_becomes_its_date_in_england(self) -> None:
        """A datetime with a zone is read as its calendar date in Europe/London."""
        doc = example_doc()
        doc["placements"][0]["start"] = "2024-01-07T23:30:00-01:00"  # 00:30 on 8 January in London
        assert dt.date(2024, 1, 8) == pm.from_dict(doc, pm.Pathway).placements[0].start

    def test_amounts_may_be_numbers_or_strings(self) -> None:
        """A bed-day cost reads from a whole JSON number or a decimal string, writes as a string."""
        doc = pm.to_dict(SECURE_PATHWAY)
        assert "822" == doc["stages"][0]["bed_day_cost"]
        doc["stages"][0]["bed_day_cost"] = 823
        doc["stages"][1]["bed_day_cost"] = "822.5"
        stages = pm.loads(json.dumps(doc), pm.PathwayDefinition).stages
        assert ("823", "822.5") == (str(stages[0].bed_day_cost), str(stages[1].bed_day_cost))


def with_recorded_readiness(pathway: pm.Pathway) -> pm.Pathway:
    """The example record with two recorded readiness periods, one of each list."""
    return pathway.with_recorded_readiness(
        pm.RecordedReadiness(
            id="ready-2",
            start=dt.date(2024, 12, 2),
            delay_reason="32",
            attributable_to="06",
        ),
        pm.RecordedReadiness(
            id="ready-1",
            start=dt.date(2024, 3, 1),
            end=dt.date(2024, 3, 28),
            delay_reason="M1",
            reason_list="DelayDischReason",
            attributable_to="07",
        ),
    )


class TestFixtures:
    def expected(self, version: int = 2) -> dict[str, object]:
        pathway = example()
        as_of = EXAMPLE["AS_OF"]
        objects: dict[str, object] = {
            "pathway.json": pathway,
            "framework.json": FRAMEWORKS[0],
            "pathway_definition.json": SECURE_PATHWAY,
            "opd_pathway_definition.json": DEFINITIONS[1],
            "assessment.json": pm.assess(pathway, as_of),
            "readiness.json": pm.readiness(pathway, as_of),
            "review_schedule.json": pm.review_schedule(pathway, as_of),
        }
        if version >= 2:
            objects["pathway_recorded_readiness.json"] = with_recorded_readiness(pathway)
        return objects

    @pytest.mark.parametrize("version", [1, 2])
    def test_every_fixture_loads_to_its_object(self, version: int) -> None:
        """The committed documents of each version load, unchanged in meaning."""
        for name, obj in self.expected(version).items():
            text = (FIXTURES / f"v{version}" / name).read_text(encoding="utf-8")
            loaded = pm.loads(text, type(obj))
            expected = obj
            if isinstance(obj, pm.Assessment):
                expected = attrs.evolve(obj, library_version=loaded.library_version)
            assert expected == loaded, name

    def test_version_2_is_frozen(self) -> None:
        """Today's output is byte for byte the v2 fixtures: a format change needs a new version."""
        assert 2 == pm.SCHEMA_VERSION
        for name, obj in self.expected().items():
            text = (FIXTURES / "v2" / name).read_text(encoding="utf-8")
            expected = obj
            if isinstance(obj, pm.Assessment):
                version = json.loads(text)["library_version"]
                expected = attrs.evolve(obj, library_version=version)
            assert text == pm.dumps(expected, indent=2) + "\n", name

    def test_every_fixture_of_every_version_loads(self) -> None:
        """Each committed fixture of each version up to the current one still loads."""
        documents = {name: cls for cls, name in DOCUMENTS.items()}
        versions = sorted(FIXTURES.glob("v*"))
        assert ["v1", "v2"] == [folder.name for folder in versions]
        for folder in versions:
            assert int(folder.name[1:]) <= pm.SCHEMA_VERSION
            for path in folder.glob("*.json"):
                document = json.loads(path.read_text(encoding="utf-8"))["document"]
                pm.loads(path.read_bytes(), documents[document])

    @pytest.mark.parametrize("name", sorted(path.name for path in (FIXTURES / "v1").glob("*.json")))
    def test_a_version_1_document_is_written_again_as_version_2(self, name: str) -> None:
        """A v1 fixture, loaded and written again, is the v2 fixture of the same object."""
        v1 = (FIXTURES / "v1" / name).read_text(encoding="utf-8")
        v2 = (FIXTURES / "v2" / name).read_text(encoding="utf-8")
        assert v2 == pm.dumps(pm.loads(v1), indent=2) + "\n"

    def test_the_migration_is_what_version_1_lacked(self) -> None:
        """Migrating a v1 document gives the v2 document's tree, key for key."""
        for name in ("pathway.json", "assessment.json"):
            v1 = json.loads((FIXTURES / "v1" / name).read_text(encoding="utf-8"))
            v2 = json.loads((FIXTURES / "v2" / name).read_text(encoding="utf-8"))
            migrated = _json.MIGRATIONS[1](v1)
            if name == "assessment.json":
                migrated["library_version"] = v2["library_version"]
            assert v2 == migrated, name

    def test_the_migration_changes_no_version_1_value(self) -> None:
        """Every key a v1 document has keeps its value: the migration only adds."""
        for path in (FIXTURES / "v1").glob("*.json"):
            v1 = json.loads(path.read_text(encoding="utf-8"))
            migrated = _json.MIGRATIONS[1](v1)
            changed = [key for key in v1 if key != "schema_version" and migrated[key] != v1[key]]
            if v1["document"] == "assessment":
                # Criteria gain their level fields; each keeps every key it had.
                assert ["criteria"] == changed
                for old, new in zip(v1["criteria"], migrated["criteria"], strict=True):
                    assert old == {key: new[key] for key in old}
            else:
                assert [] == changed, path.name


class TestCriterionLevels:
    def fixture(self) -> pm.Assessment:
        text = (FIXTURES / "v1" / "assessment.json").read_text(encoding="utf-8")
        return pm.loads(text, pm.Assessment)

    def test_a_version_1_document_gives_each_level_criterion_its_codes(self) -> None:
        """A criterion's level codes are read from the text a version 1 document holds them in."""
        loaded = self.fixture()
        levels = [
            (c.required_level, c.found_level, c.why_no_level)
            for c in loaded.criteria
            if c.kind is pm.CriterionKind.TEAM_LEVEL
        ]

        assert [("partly_met", "partly_met", None), ("partly_met", "met", None)] == levels[:2]

    def test_a_version_2_document_carries_every_criterion_field(self) -> None:
        """Version 2 writes each criterion's level fields, whatever its text says."""
        written = pm.to_dict(self.fixture())

        for criterion in written["criteria"]:
            assert {"required_level", "found_level", "why_no_level"} <= set(criterion)

    def test_a_version_2_criterion_without_level_fields_has_none(self) -> None:
        """Only a version 1 document's criteria are read from their text; v2 reads the fields."""
        written = pm.to_dict(self.fixture())
        for criterion in written["criteria"]:
            for key in ("required_level", "found_level", "why_no_level"):
                del criterion[key]

        loaded = pm.from_dict(written, pm.Assessment)

        assert {(None, None, None)} == {
            (c.required_level, c.found_level, c.why_no_level) for c in loaded.criteria
        }

    def test_a_criterion_whose_text_does_not_say_its_codes_keeps_them(self) -> None:
        """Codes the text does not carry are written as keys, and read back unchanged."""
        loaded = self.fixture()
        criterion = attrs.evolve(
            loaded.criteria[0], expected="a level", actual="another", found_level="met"
        )
        changed = attrs.evolve(loaded, criteria=(criterion, *loaded.criteria[1:]))
        text = pm.dumps(changed)

        assert '"found_level":"met"' in text.replace(" ", "")
        assert changed == pm.loads(text, pm.Assessment)


class TestBadInput:
    def test_unknown_keys_are_named_with_their_paths(self) -> None:
        """Each unknown key is a problem at its own path."""
        doc = example_doc()
        doc["reviews"][1]["colour"] = "blue"
        doc["extra"] = 1
        assert ["$.extra", "$.reviews[1].colour"] == sorted(paths_of(json.dumps(doc)))

    def test_wrong_types_are_reported_with_the_json_type_found(self) -> None:
        """A value of the wrong JSON type says what was expected and what was found."""
        doc = example_doc()
        doc["reviews"][0]["ratings"][1]["team"] = 2
        doc["goals"] = "none"
        doc["placements"][0]["start"] = ["2024-01-08"]
        problems = {p.path: p for p in problems_of(json.dumps(doc))}
        assert {"$.reviews[0].ratings[1].team", "$.goals", "$.placements[0].start"} == set(problems)
        assert ("a string", "a number") == (
            problems["$.reviews[0].ratings[1].team"].expected,
            problems["$.reviews[0].ratings[1].team"].found,
        )
        assert "an array" == problems["$.goals"].expected

    def test_booleans_and_numbers_are_not_interchangeable(self) -> None:
        """true is not 1, 1 is not "1", and "1" is not a boolean."""
        doc = pm.to_dict(SECURE_PATHWAY)
        doc["stages"][0]["security_rank"] = True
        doc["stages"][1]["cost_is_estimate"] = 1
        doc["stages"][2]["security_rank"] = "2"
        paths = paths_of(json.dumps(doc), pm.PathwayDefinition)
        assert [
            "$.stages[0].security_rank",
            "$.stages[1].cost_is_estimate",
            "$.stages[2].security_rank",
        ] == paths

    def test_unknown_codes_are_refused(self) -> None:
        """An unknown vocabulary code, level or stage is refused with the choices."""
        doc = example_doc()
        doc["incidents"][0]["kind"] = "arson"
        doc["reviews"][1]["ratings"][0]["person"] = "great"
        problems = problems_of(json.dumps(doc))
        assert ["$.incidents[0].kind", "$.reviews[1].ratings[0].person"] == [
            p.path for p in problems
        ]
        assert "'violence'" in problems[0].expected
        assert "partly_met" in problems[1].expected

    @pytest.mark.parametrize(
        "value", ["2023-02-30", "2023-13-01", "2024-00-10", "20240110", "2024-1-1"]
    )
    def test_impossible_or_malformed_dates_are_refused(self, value: str) -> None:
        """Dates must exist and be written YYYY-MM-DD."""
        doc = example_doc()
        doc["reviews"][0]["date"] = value
        assert ["$.reviews[0].date"] == paths_of(json.dumps(doc))

    def test_naive_datetimes_are_refused(self) -> None:
        """A datetime without a zone cannot be placed on a calendar date."""
        doc = example_doc()
        doc["reviews"][0]["date"] = "2024-03-28T09:00:00"
        problems = problems_of(json.dumps(doc))
        assert "without a zone" in problems[0].found

    @pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
    def test_non_finite_numbers_are_refused(self, constant: str) -> None:
        """NaN and Infinity are not JSON, and are refused with their path."""
        text = pm.dumps(SECURE_PATHWAY).replace(
            '"bed_day_cost":"822"', f'"bed_day_cost":{constant}'
        )
        problems = problems_of(text, pm.PathwayDefinition)
        assert [("$.stages[0].bed_day_cost", constant)] == [(p.path, p.found) for p in problems]

    def test_repeated_keys_are_refused(self) -> None:
        """The standard library keeps the last of two equal keys; the loader refuses them."""
        text = pm.dumps(example()).replace('"kind":"violence"', '"kind":"violence","kind":"other"')
        problems = problems_of(text)
        assert [("$.incidents[0].kind", "the key 'kind' more than once")] == [
            (p.path, p.found) for p in problems
        ]

    def test_deep_nesting_is_refused_not_crashed(self) -> None:
        """A document nested far too deeply is a ValidationError, not a RecursionError."""
        text = (
            '{"schema_version":1,"document":"pathway","goals":'
            + "[" * 200_000
            + "]" * 200_000
            + "}"
        )
        assert ["$"] == paths_of(text)

    def test_documents_over_the_size_limit_are_refused_before_parsing(self) -> None:
        """max_bytes bounds what is read."""
        problems = problems_of(pm.dumps(example()), max_bytes=100)
        assert "at most 100 bytes" in problems[0].expected

    def test_invalid_utf8_is_refused(self) -> None:
        """Bytes that are not UTF-8 are refused with their offset."""
        data = pm.dumps(example()).encode("utf-8")
        broken = data[:40] + b"\xc3\x28" + data[40:]
        assert "offset 40" in problems_of(broken)[0].found

    def test_syntax_errors_give_line_and_column(self) -> None:
        """Text that is not JSON says where parsing stopped."""
        assert "line 1 column" in problems_of('{"schema_version": 1,')[0].found

    def test_cross_object_problems_are_found_after_loading(self) -> None:
        """Overlapping stays and codes the definition lacks are reported with document paths."""
        doc = example_doc()
        doc["placements"].append(
            {
                "id": "placement-0",
                "stage": "ward",
                "provider": "Unit",
                "start": "2023-06-01",
                "end": "2024-02-01",
            }
        )
        problems = problems_of(json.dumps(doc))
        # The later stay (input position 0) starts before the earlier one ends, and the
        # earlier one (input position 1) is in a stage the definition lacks.
        assert ["$.placements[0].start", "$.placements[1].stage"] == [p.path for p in problems]

    def test_positions_refer_to_the_document_not_the_sorted_record(self) -> None:
        """A problem in the last review of an unsorted array is reported at its own index."""
        doc = example_doc()
        doc["reviews"].reverse()
        doc["reviews"][2]["ratings"][0]["team"] = "great"  # the earliest review, listed last
        assert ["$.reviews[2].ratings[0].team"] == paths_of(json.dumps(doc))

    def test_every_problem_is_listed_at_once(self) -> None:
        """One error lists problems from several places in the document."""
        doc = example_doc()
        doc["person_id"] = 7
        doc["goals"][0]["set_by"] = "robot"
        doc["reviews"][2]["next_review_date"] = "2024-13-01"
        doc["incidents"][0]["severity"] = None
        assert 4 == len(paths_of(json.dumps(doc)))

    def test_a_newer_version_is_refused_not_guessed(self) -> None:
        """A schema_version newer than the library reads is a clear error."""
        doc = example_doc()
        doc["schema_version"] = 3
        problems = problems_of(json.dumps(doc))
        assert [("$.schema_version", "'3'")] == [(p.path, p.found) for p in problems]
        assert "upgrade pathway_model" in problems[0].expected

    @pytest.mark.parametrize(
        ("change", "path"),
        [
            ({"schema_version": 0}, "$.schema_version"),
            ({"schema_version": "1"}, "$.schema_version"),
            ({"document": "framework"}, "$.document"),
        ],
    )
    def test_the_header_is_checked(self, change: dict[str, object], path: str) -> None:
        """The version must be a known whole number and the document the kind asked for."""
        doc = {**example_doc(), **change}
        assert [path] == paths_of(json.dumps(doc))

    def test_a_document_must_be_an_object(self) -> None:
        """An array or a string at the top is refused."""
        assert ["$"] == paths_of("[]")
        assert ["$"] == paths_of('"pathway"')

    def test_free_text_is_never_repeated(self) -> None:
        """Errors about notes and goal wording describe them without showing them."""
        doc = example_doc()
        doc["goals"][0]["description"] = SECRET * 1000
        doc["reviews"][0]["ratings"][0]["team_note"] = "   "
        doc["reviews"][1]["ratings"][0]["person_note"] = SECRET + " "
        doc["reviews"][1]["ratings"][0]["team"] = SECRET
        message = str(pm.ValidationError(problems_of(json.dumps(doc))))
        assert SECRET not in message.replace(
            SECRET[:37], ""
        )  # codes are shown cut to 40 characters
        assert "text of 23,000 characters" in message

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("date", "\uff12\uff10\uff12\uff14-03-28"),  # full-width digits
            ("date", "٢٠٢٤-03-28"),  # Arabic-Indic digits
        ],
    )
    def test_only_ascii_digits_make_dates(self, field: str, value: str) -> None:
        """Digits of other scripts are not read as a date."""
        doc = example_doc()
        doc["reviews"][0][field] = value
        assert ["$.reviews[0].date"] == paths_of(json.dumps(doc))

    def test_only_ascii_digits_make_periods_and_amounts(self) -> None:
        """A period or an amount in other digits is refused."""
        doc = pm.to_dict(SECURE_PATHWAY)
        doc["stages"][0]["review_interval"] = "P\uff13M"  # a full-width 3
        doc["stages"][1]["bed_day_cost"] = "٤٥٢"
        paths = paths_of(json.dumps(doc), pm.PathwayDefinition)
        assert ["$.stages[0].review_interval", "$.stages[1].bed_day_cost"] == paths

    @pytest.mark.parametrize(
        ("written", "day"),
        [
            ("2024-03-28T23:30:00.5Z", dt.date(2024, 3, 28)),  # GMT until 31 March
            ("2024-07-01T23:30:00.123456789+00:00", dt.date(2024, 7, 2)),  # BST
            ("2024-07-01 22:59+00:00", dt.date(2024, 7, 1)),
            ("2024-07-02T01:00:00+02:00", dt.date(2024, 7, 2)),
        ],
    )
    def test_zoned_datetimes_of_any_precision_are_read(self, written: str, day: dt.date) -> None:
        """Fractions of 1-9 digits and any offset are read the same on every Python."""
        doc = example_doc()
        doc["incidents"][0]["date"] = written
        assert day == pm.from_dict(doc, pm.Pathway).incidents[0].date

    def test_a_float_amount_from_json_load_is_refused(self) -> None:
        """A fraction as a JSON number is refused, as a reader of doubles cannot read it exactly."""
        doc = json.loads(
            pm.dumps(SECURE_PATHWAY).replace('"bed_day_cost":"822"', '"bed_day_cost":822.1')
        )
        with pytest.raises(pm.ValidationError, match=r"stages\[0\]\.bed_day_cost: expected an"):
            pm.from_dict(doc, pm.PathwayDefinition)

    def test_integers_too_long_to_convert_are_refused(self) -> None:
        """A number of thousands of digits is a ValidationError, not Python's ValueError."""
        assert ["$.schema_version"] == paths_of('{"schema_version":' + "1" * 5000 + "}")

    def test_the_wrong_argument_types_are_refused(self) -> None:
        """loads takes text or bytes, and a top-level document class."""
        with pytest.raises(pm.WrongTypeError):
            pm.loads(123, pm.Pathway)  # type: ignore[arg-type]
        with pytest.raises(pm.WrongTypeError):
            pm.loads(pm.dumps(example()), pm.Review)
        with pytest.raises(pm.WrongTypeError):
            pm.dumps(example().reviews[0])

    def test_records_on_a_definition_given_are_checked_against_it(self) -> None:
        """With definition=..., a record on that definition is checked against it."""
        from tests.scenarios import SIMPLE, record, review

        pathway = record(
            SIMPLE,
            [("ward", dt.date(2024, 1, 1), None)],
            reviews=(review("r1", dt.date(2024, 2, 1), {"a": "ok"}),),
        )
        text = pm.dumps(pathway).replace('"team":"ok"', '"team":"great"')
        pm.loads(text, pm.Pathway)  # not built in: only the record's own checks
        assert ["$.reviews[0].ratings[0].team"] == paths_of(text, definition=SIMPLE)


_json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


def _mutate(doc: Any, data: st.DataObject) -> Any:
    """Change one randomly chosen place in a parsed document."""
    if isinstance(doc, dict) and doc and data.draw(st.booleans()):
        key = data.draw(st.sampled_from(sorted(doc)))
        action = data.draw(st.sampled_from(["replace", "delete", "descend", "add"]))
        if action == "delete":
            return {k: v for k, v in doc.items() if k != key}
        if action == "add":
            return {**doc, data.draw(st.text(max_size=8)): data.draw(_json_values)}
        if action == "descend":
            return {**doc, key: _mutate(doc[key], data)}
        return {**doc, key: data.draw(_json_values)}
    if isinstance(doc, list) and doc and data.draw(st.booleans()):
        index = data.draw(st.integers(0, len(doc) - 1))
        return [*doc[:index], _mutate(doc[index], data), *doc[index + 1 :]]
    return data.draw(_json_values)


class TestFuzz:
    @given(st.binary(max_size=300))
    def test_random_bytes_only_raise_our_error(self, data: bytes) -> None:
        """Any bytes either load or raise PathwayModelError; nothing else escapes."""
        with contextlib.suppress(pm.PathwayModelError):
            pm.loads(data, pm.Pathway)

    @given(_json_values, st.sampled_from(list(DOCUMENTS)))
    def test_random_json_only_raises_our_error(self, value: Any, cls: type[Any]) -> None:
        """Any JSON value as any document kind raises PathwayModelError and nothing else."""
        with pytest.raises(pm.PathwayModelError):
            pm.loads(json.dumps(value), cls)

    @given(st.data())
    def test_mutated_documents_only_raise_our_error(self, data: st.DataObject) -> None:
        """A valid document changed anywhere either loads or raises PathwayModelError."""
        original = data.draw(st.sampled_from([example_doc(), pm.to_dict(SECURE_PATHWAY)]))
        cls = pm.Pathway if original["document"] == "pathway" else pm.PathwayDefinition
        mutated = _mutate(original, data)
        for _ in range(data.draw(st.integers(0, 3))):
            mutated = _mutate(mutated, data)
        with contextlib.suppress(pm.PathwayModelError):
            pm.loads(json.dumps(mutated), cls)


def _outcome(converter: Any, body: Any, cls: type[Any]) -> tuple[str, object]:
    """What a converter makes of a document body: the object, or the problems it reports."""
    try:
        return ("built", converter.structure(body, cls))
    except pm.ValidationError as error:
        return ("refused", error.problems)


class TestFastPath:
    """Records are read by generated code; it must agree with the validated constructors."""

    ordinary = _converter.make_converter(fast=False)

    def test_the_mode_decides_who_builds_each_review(
        self, loading_mode: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """With the fast path off, every review is built by its validated constructor."""
        text = pm.dumps(EXAMPLE["build_pathway"]())
        built: list[str] = []
        original = pm.Review.__init__

        def spy(review: pm.Review, **fields: Any) -> None:
            built.append(fields["id"])
            original(review, **fields)

        monkeypatch.setattr(pm.Review, "__init__", spy)
        reviews = pm.loads(text, pm.Pathway).reviews
        expected = [] if loading_mode == "fast" else [review.id for review in reviews]
        assert expected == built

    @given(s.definitions_and_pathways())
    def test_valid_records_are_read_the_same_both_ways(
        self, case: tuple[pm.PathwayDefinition, pm.Pathway]
    ) -> None:
        """Every valid record gives an equal object by either way."""
        _, pathway = case
        body = pm.to_dict(pathway)
        del body["schema_version"], body["document"]
        fast = _outcome(_converter.CONVERTER, body, pm.Pathway)
        assert ("built", pathway) == fast
        assert fast == _outcome(self.ordinary, body, pm.Pathway)

    @given(st.data())
    def test_changed_records_are_judged_the_same_both_ways(self, data: st.DataObject) -> None:
        """A record changed anywhere is built, or refused with the same problems, either way."""
        body = example_doc()
        del body["schema_version"], body["document"]
        changed = _mutate(body, data)
        for _ in range(data.draw(st.integers(0, 2))):
            changed = _mutate(changed, data)
        fast = _outcome(_converter.CONVERTER, changed, pm.Pathway)
        assert fast == _outcome(self.ordinary, changed, pm.Pathway)

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("team", "   "),
            ("team", "has space"),
            ("team", "x" * 65),
            ("person", ""),
            ("team_note", "   "),
            ("team_note", "x" * 20_001),
            ("domain", 3),
        ],
    )
    def test_each_inline_check_matches_its_validator(self, field: str, value: object) -> None:
        """What a validator refuses, the generated code refuses, with the same problems."""
        body = example_doc()
        del body["schema_version"], body["document"]
        body["reviews"][0]["ratings"][0][field] = value
        fast = _outcome(_converter.CONVERTER, body, pm.Pathway)
        assert "refused" == fast[0]
        assert fast == _outcome(self.ordinary, body, pm.Pathway)

    @pytest.mark.parametrize(
        "container", ["reviews", "ratings", "goals", "incidents", "placements"]
    )
    def test_an_unknown_key_in_place_of_a_field_is_refused(self, container: str) -> None:
        """As many keys as fields, one misspelt: refused, with the same problems, both ways."""
        body = example_doc()
        del body["schema_version"], body["document"]
        review = body["reviews"][0]
        target = {
            "reviews": review,
            "ratings": review["ratings"][0],
            "goals": body["goals"][0],
            "incidents": body["incidents"][0],
            "placements": body["placements"][0],
        }[container]
        key = next(k for k in reversed(list(target)) if target[k] is None or k == "kind")
        target[key + "_misspelt"] = target.pop(key)
        fast = _outcome(_converter.CONVERTER, body, pm.Pathway)
        assert "refused" == fast[0]
        assert fast == _outcome(self.ordinary, body, pm.Pathway)


@pytest.fixture
def orjson() -> Any:
    """orjson, the optional ``fast`` extra: tests of its paths are skipped without it."""
    return pytest.importorskip("orjson")


@contextlib.contextmanager
def _strict_only() -> Iterator[None]:
    """Read and write with the standard library alone, as without the ``fast`` extra."""
    saved = _json._orjson
    _json._orjson = None
    try:
        yield
    finally:
        _json._orjson = saved


def _loaded(data: str | bytes, cls: type[Any] = pm.Pathway) -> tuple[str, object]:
    """What ``loads`` makes of a document: the object, or the problems it reports."""
    try:
        return ("built", pm.loads(data, cls))
    except pm.ValidationError as error:
        return ("refused", error.problems)


class TestOrjsonLoadsOnlyWhereItPays:
    """orjson is imported for a large record, never for a small one."""

    def test_a_small_record_is_read_without_importing_orjson(self) -> None:
        """A record under the threshold is read by the standard library: orjson stays unloaded."""
        script = (
            "import sys, pathway_model as pm\n"
            "pm.loads(open('examples/medium_secure.json', encoding='utf-8').read())\n"
            "print('orjson' in sys.modules)\n"
        )
        result = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True
        )
        assert "False" == result.stdout.strip()

    @pytest.mark.usefixtures("orjson")
    def test_a_large_record_takes_the_fast_parse(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """From the threshold on, a record as dumps writes it is parsed by orjson."""
        read: list[int] = []
        canonical = _json._canonical_record

        def spy(data: object, max_bytes: int) -> object:
            read.append(len(data))  # type: ignore[arg-type]
            return canonical(data, max_bytes)

        monkeypatch.setattr(_json, "_canonical_record", spy)
        text = pm.dumps(example())
        monkeypatch.setattr(_json, "ORJSON_FROM_BYTES", len(text))
        assert example() == pm.loads(text)
        monkeypatch.setattr(_json, "ORJSON_FROM_BYTES", len(text) + 1)
        assert example() == pm.loads(text)
        assert [len(text)] == read


@pytest.fixture(scope="class")
def orjson_at_any_size() -> Iterator[None]:
    """Take orjson's path for documents of any size, not only large ones."""
    threshold = _json.ORJSON_FROM_BYTES
    _json.ORJSON_FROM_BYTES = 0
    try:
        yield
    finally:
        _json.ORJSON_FROM_BYTES = threshold


@pytest.mark.usefixtures("orjson", "orjson_at_any_size")
class TestOrjsonPaths:
    """With orjson installed, dumps writes the same bytes and loads gives the same results."""

    @given(decisions(), st.sampled_from([None, 2]))
    def test_dumps_writes_the_same_bytes_either_way(
        self, case: tuple[pm.PathwayDefinition, pm.Pathway, dt.date], indent: int | None
    ) -> None:
        """Records, definitions and decisions are written byte for byte alike."""
        definition, pathway, day = case
        documents = [
            pathway,
            definition,
            definition.framework,
            pm.assess(pathway, day, definition=definition),
            pm.readiness(pathway, day, definition=definition),
            pm.review_schedule(pathway, day, definition=definition),
        ]
        fast = [pm.dumps(document, indent=indent) for document in documents]
        with _strict_only():
            assert fast == [pm.dumps(document, indent=indent) for document in documents]

    @given(s.outcome_frameworks())
    def test_any_text_is_escaped_alike(self, framework: pm.OutcomeFramework) -> None:
        """Labels of any characters (controls, quotes, other scripts) give the same bytes."""
        fast = pm.dumps(framework)
        with _strict_only():
            assert fast == pm.dumps(framework)

    def test_an_integer_beyond_64_bits_never_reaches_the_writer(self) -> None:
        """Ranks stop at 2**53 - 1, so orjson never meets an integer it refuses."""
        doc = pm.to_dict(FRAMEWORKS[0])
        doc["scale"]["levels"][-1]["rank"] = 2**70
        with pytest.raises(pm.ValidationError, match=r"levels\[2\]\.rank: expected a whole"):
            pm.from_dict(doc, pm.OutcomeFramework)

    @given(s.definitions_and_pathways(), st.sampled_from([None, 2]))
    def test_records_as_dumps_writes_them_take_the_fast_parse(
        self, case: tuple[pm.PathwayDefinition, pm.Pathway], indent: int | None
    ) -> None:
        """A record written by dumps, compact or indented by two, is parsed by orjson."""
        _, pathway = case
        text = pm.dumps(pathway, indent=indent)
        tree = _json._canonical_record(text, _json.MAX_DOCUMENT_BYTES)
        assert json.loads(text) == tree
        assert pathway == pm.loads(text, pm.Pathway)

    @pytest.mark.parametrize(
        "change",
        [
            lambda text: text.replace('"kind":"cpa"', '"kind":"cpa","kind":"clinical"', 1),
            lambda text: text.replace('"person_id":', '"person_id":"x","person_id":', 1),
            lambda text: text.replace('"kind":"cpa"', '"kind":"\\u0063pa"', 1),
            lambda text: text.replace('","', '", "', 1),
            lambda text: text + "\n",
            lambda text: "\ufeff" + text,
            lambda text: json.dumps(json.loads(text), ensure_ascii=False, indent=4),
            lambda text: json.dumps(json.loads(text), sort_keys=True),
        ],
        ids=[
            "key twice",
            "header key twice",
            "escape",
            "space",
            "newline",
            "bom",
            "indent 4",
            "sorted",
        ],
    )
    def test_any_other_text_takes_the_strict_parse(self, change: Any) -> None:
        """Any text but the very bytes dumps writes is left to the strict parser."""
        text = change(pm.dumps(example()))
        assert pm.dumps(example()) != text
        assert _json._canonical_record(text, _json.MAX_DOCUMENT_BYTES) is None
        fast = _loaded(text)
        with _strict_only():
            assert fast == _loaded(text)

    def test_a_key_given_twice_is_still_refused(self) -> None:
        """orjson keeps the last of two keys silently; such a record is refused, with its path."""
        text = pm.dumps(example()).replace('"kind":"cpa"', '"kind":"cpa","kind":"clinical"', 1)
        assert [("$.reviews[0].kind", "the key 'kind' more than once")] == [
            (p.path, p.found) for p in problems_of(text)
        ]

    @given(st.data())
    def test_changed_records_in_the_canonical_layout_are_judged_alike(
        self, data: st.DataObject
    ) -> None:
        """A record changed anywhere and written as dumps would is judged as without orjson."""
        import orjson

        mutated = _mutate(example_doc(), data)
        for _ in range(data.draw(st.integers(0, 2))):
            mutated = _mutate(mutated, data)
        try:
            raw = orjson.dumps(mutated)
        except TypeError:  # an integer beyond 64 bits
            raw = json.dumps(mutated, separators=(",", ":")).encode()
        fast = _loaded(raw)
        with _strict_only():
            assert fast == _loaded(raw)

    @given(st.data())
    def test_bytes_changed_anywhere_are_judged_alike(self, data: st.DataObject) -> None:
        """Any byte of a record changed: the same object or problems, and only our error."""
        raw = bytearray(pm.dumps(example()).encode())
        for _ in range(data.draw(st.integers(1, 3))):
            raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
        try:
            fast: tuple[str, object] = _loaded(bytes(raw))
        except pm.PathwayModelError as error:
            fast = ("error", str(error))
        with _strict_only():
            try:
                strict: tuple[str, object] = _loaded(bytes(raw))
            except pm.PathwayModelError as error:
                strict = ("error", str(error))
        assert fast == strict
