"""JSON Schema: valid draft 2020-12, generated from the model, and in agreement with the loader.

Agreement runs one way: every document the schema refuses, the loader refuses too. The
loader may refuse more (dates that do not exist, repeated ids, codes the definition does
not know), never less. It holds under two validators: ``jsonschema`` (Python, its
regular expressions Python's) and ``jsonschema_rs`` (Rust, regular expressions read as
ECMA-262 reads them), fed the document's numbers as IEEE doubles, as JavaScript reads them.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import runpy
import sys
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import jsonschema
import jsonschema_rs
import pytest
from hypothesis import event, given
from hypothesis import strategies as st

import pathway_model as pm
from pathway_model import catalogue
from pathway_model.model import _checks
from tests import strategies as s

#: Every test here runs twice: with the fast path, and by the validated constructors.
pytestmark = pytest.mark.usefixtures("loading_mode")

DOCUMENT_CLASSES = (
    pm.Pathway,
    pm.OutcomeFramework,
    pm.PathwayDefinition,
    pm.Assessment,
    pm.Readiness,
    pm.ReviewSchedule,
)

VALIDATORS = {cls: jsonschema.Draft202012Validator(pm.json_schema(cls)) for cls in DOCUMENT_CLASSES}
ECMA_VALIDATORS = {
    cls: jsonschema_rs.validator_for(pm.json_schema(cls)) for cls in DOCUMENT_CLASSES
}

EXAMPLE = Path(__file__).parent.parent / "examples" / "medium_secure.py"
RECORD: pm.Pathway = runpy.run_path(str(EXAMPLE))["build_pathway"]()
ASSESSMENT = pm.assess(RECORD, dt.date(2025, 1, 15), definition=catalogue.SECURE_PATHWAY)

#: The example record with recorded readiness, one period from each list.
RECORD_WITH_READINESS = RECORD.with_recorded_readiness(
    pm.RecordedReadiness(
        id="ready-1",
        start=dt.date(2024, 3, 1),
        end=dt.date(2024, 3, 28),
        delay_reason="M1",
        reason_list="DelayDischReason",
        attributable_to="07",
    ),
    pm.RecordedReadiness(id="ready-2", start=dt.date(2024, 12, 2), delay_reason="32"),
)

#: Valid documents to break, by name: the example record (with recorded readiness), the
#: built-in secure pathway and My Shared Pathway, and the example's assessment with its
#: readiness and schedule.
BASES: dict[str, tuple[type[Any], dict[str, Any]]] = {
    "record": (pm.Pathway, pm.to_dict(RECORD_WITH_READINESS)),
    "definition": (pm.PathwayDefinition, pm.to_dict(catalogue.SECURE_PATHWAY)),
    "framework": (pm.OutcomeFramework, pm.to_dict(catalogue.MY_SHARED_PATHWAY)),
    "assessment": (pm.Assessment, pm.to_dict(ASSESSMENT)),
    "readiness": (pm.Readiness, pm.to_dict(ASSESSMENT.readiness)),
    "schedule": (pm.ReviewSchedule, pm.to_dict(ASSESSMENT.schedule)),
}

Path_ = tuple[str | int, ...]


class _Delete:
    """Stands for "remove this key" in a mutation."""

    def __repr__(self) -> str:
        return "DELETE"


DELETE = _Delete()


def schema_accepts(document: object, cls: type[Any]) -> bool:
    """Whether the generated schema accepts ``document``."""
    return VALIDATORS[cls].is_valid(document)


def as_doubles(text: str) -> object:
    """The document as a reader of IEEE doubles sees it: every number a float."""
    return json.loads(text, parse_int=float, parse_float=float)


def ecma_schema_accepts(text: str, cls: type[Any]) -> bool:
    """Whether the schema accepts the JSON ``text`` under ECMA-262 patterns and doubles."""
    return bool(ECMA_VALIDATORS[cls].is_valid(as_doubles(text)))


def loader_reads(text: str, cls: type[Any]) -> bool:
    """Whether ``pm.loads`` reads the JSON ``text``; it may refuse only with ValidationError."""
    try:
        pm.loads(text, cls)
    except pm.ValidationError:
        return False
    return True


def loader_accepts(document: object, cls: type[Any]) -> bool:
    """Whether ``pm.from_dict`` reads ``document``; it may refuse only with ValidationError."""
    try:
        pm.from_dict(document, cls)
    except pm.ValidationError:
        return False
    return True


def mutated(document: dict[str, Any], path: Path_, value: object) -> dict[str, Any]:
    """A deep copy of ``document`` with the value at ``path`` replaced (or removed)."""
    copied = copy.deepcopy(document)
    parent: Any = copied
    for step in path[:-1]:
        parent = parent[step]
    if value is DELETE:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return copied


def paths(value: object, prefix: Path_ = ()) -> Iterator[Path_]:
    """Every path to a value inside a document, containers and leaves alike."""
    if isinstance(value, dict):
        for key, child in value.items():
            yield (*prefix, key)
            yield from paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield (*prefix, index)
            yield from paths(child, (*prefix, index))


def schema_nodes(schema: object) -> Iterator[dict[str, Any]]:
    """Every object in a schema, the schema itself included."""
    if isinstance(schema, dict):
        yield schema
        for child in schema.values():
            yield from schema_nodes(child)
    elif isinstance(schema, list):
        for child in schema:
            yield from schema_nodes(child)


def schema_patterns(schema: object) -> Iterator[str]:
    """Every ``pattern`` in a schema."""
    if isinstance(schema, dict):
        for key, child in schema.items():
            if key == "pattern" and isinstance(child, str):
                yield child
            else:
                yield from schema_patterns(child)
    elif isinstance(schema, list):
        for child in schema:
            yield from schema_patterns(child)


class TestSchema:
    @pytest.mark.parametrize("cls", DOCUMENT_CLASSES)
    def test_is_valid_draft_2020_12(self, cls: type[Any]) -> None:
        """The schema of every document is itself a valid draft 2020-12 schema."""
        jsonschema.Draft202012Validator.check_schema(pm.json_schema(cls))

    @pytest.mark.parametrize("cls", DOCUMENT_CLASSES)
    def test_names_its_dialect(self, cls: type[Any]) -> None:
        """Each schema names draft 2020-12 as its dialect."""
        assert pm.json_schema(cls)["$schema"] == "https://json-schema.org/draft/2020-12/schema"

    @pytest.mark.parametrize(
        ("cls", "name"),
        [
            (pm.Pathway, "pathway"),
            (pm.OutcomeFramework, "framework"),
            (pm.PathwayDefinition, "pathway_definition"),
            (pm.Assessment, "assessment"),
            (pm.Readiness, "readiness"),
            (pm.ReviewSchedule, "review_schedule"),
        ],
    )
    def test_id_names_the_version_and_the_document(self, cls: type[Any], name: str) -> None:
        """Each schema's ``$id`` names the format version and the document."""
        expected = f"https://pathway-model.org/schema/v{pm.SCHEMA_VERSION}/{name}.json"
        assert expected == pm.json_schema(cls)["$id"]

    @pytest.mark.parametrize("cls", DOCUMENT_CLASSES)
    def test_has_a_title_and_a_description(self, cls: type[Any]) -> None:
        """Each schema has a title naming the class and the class's summary as description."""
        schema = pm.json_schema(cls)
        assert cls.__name__ in schema["title"]
        assert schema["description"] == " ".join(cls.__doc__.split("\n\n")[0].split())

    @pytest.mark.parametrize("cls", DOCUMENT_CLASSES)
    def test_header_is_the_version_written_and_the_document_name(self, cls: type[Any]) -> None:
        """``schema_version`` is the version this library writes; ``document`` names the class."""
        properties = pm.json_schema(cls)["properties"]
        written = next(base for kind, base in BASES.values() if kind is cls)
        assert properties["schema_version"]["const"] == pm.SCHEMA_VERSION
        assert properties["document"]["const"] == written["document"]

    @pytest.mark.parametrize("cls", DOCUMENT_CLASSES)
    def test_is_the_same_every_call(self, cls: type[Any]) -> None:
        """Two calls give equal schemas with the same key order."""
        assert json.dumps(pm.json_schema(cls)) == json.dumps(pm.json_schema(cls))

    def test_changing_a_schema_leaves_the_next_call_alone(self) -> None:
        """Each call returns a new dict: a caller's change does not leak into later calls."""
        schema = pm.json_schema(pm.Pathway)
        schema["$defs"]["Code"]["pattern"] = "changed"
        assert pm.json_schema(pm.Pathway)["$defs"]["Code"]["pattern"] != "changed"

    @pytest.mark.parametrize("cls", DOCUMENT_CLASSES)
    def test_is_json(self, cls: type[Any]) -> None:
        """A schema is made of JSON types only, so it can be published as it is."""
        schema = pm.json_schema(cls)
        assert json.loads(json.dumps(schema, allow_nan=False)) == schema

    @pytest.mark.parametrize("cls", DOCUMENT_CLASSES)
    def test_document_keys_are_the_header_and_the_init_fields(self, cls: type[Any]) -> None:
        """A document's properties are its header, then its fields in declared order."""
        schema = pm.json_schema(cls)
        fields = [field.name for field in attrs.fields(cls) if field.init]
        assert ["schema_version", "document", *fields] == list(schema["properties"])

    @pytest.mark.parametrize("cls", DOCUMENT_CLASSES)
    def test_each_class_definition_has_every_init_field(self, cls: type[Any]) -> None:
        """Every class under ``$defs`` has its init fields; those without defaults are required."""
        classes = {kind.__name__: kind for kind in attrs_classes(cls)}
        for name, definition in pm.json_schema(cls)["$defs"].items():
            if definition.get("type") != "object":
                continue
            fields = [field for field in attrs.fields(classes[name]) if field.init]
            assert [field.name for field in fields] == list(definition["properties"])
            assert [f.name for f in fields if f.default is attrs.NOTHING] == definition["required"]
            assert definition["additionalProperties"] is False

    def test_every_reachable_class_has_a_definition(self) -> None:
        """Each attrs class a document holds has one ``$defs`` entry (a period is a string)."""
        defs = pm.json_schema(pm.PathwayDefinition)["$defs"]
        expected = {kind.__name__ for kind in attrs_classes(pm.PathwayDefinition)}
        expected -= {"PathwayDefinition"}
        assert expected == {name for name, d in defs.items() if d.get("type") == "object"}
        assert defs["Period"]["type"] == "string"

    def test_field_descriptions_come_from_the_docstring(self) -> None:
        """A property's description is the class docstring's text for that attribute."""
        placement = pm.json_schema(pm.Pathway)["$defs"]["Placement"]["properties"]
        assert placement["end"]["description"] == (
            "The first day after the stay, or `null` while it goes on."
        )

    def test_defaults_are_stated_as_json(self) -> None:
        """Defaults are given as the writer writes them."""
        defs = pm.json_schema(pm.PathwayDefinition)["$defs"]
        assert defs["ExitCriteria"]["properties"]["sustained_for"]["default"] == "P0D"
        assert defs["ExitCriteria"]["properties"]["incident_rules"]["default"] == []
        assert defs["Stage"]["properties"]["cost_is_estimate"]["default"] is True

    def test_code_pattern_is_the_models(self) -> None:
        """Codes and ids follow the model's own ``CODE_PATTERN``."""
        code = pm.json_schema(pm.Pathway)["$defs"]["Code"]
        assert f"^{_checks.CODE_PATTERN.pattern}$(?!\\n)" == code["pattern"]

    def test_field_validators_choose_the_string_format(self) -> None:
        """A field's validator decides whether it is a code, a name, free text or a description."""
        defs = pm.json_schema(pm.Pathway)["$defs"]
        rating = defs["DomainRating"]["properties"]
        placement = defs["Placement"]["properties"]
        root = pm.json_schema(pm.Pathway)["properties"]
        assert root["person_id"]["$ref"] == "#/$defs/Code"
        assert placement["provider"]["$ref"] == "#/$defs/Name"
        assert rating["team_note"]["anyOf"] == [{"$ref": "#/$defs/Text"}, {"type": "null"}]
        assert rating["person"]["anyOf"] == [{"$ref": "#/$defs/Code"}, {"type": "null"}]

    def test_rules_results_carry_plain_strings(self) -> None:
        """Strings in the rules' results are not checked on construction, so any string goes."""
        properties = pm.json_schema(pm.Readiness)["properties"]
        assert properties["person_id"] == {
            "type": "string",
            "description": "The person's pseudonymous id.",
        }

    def test_minimum_comes_from_the_integer_validator(self) -> None:
        """An integer field's bounds are the ones its validator checks."""
        stage = pm.json_schema(pm.PathwayDefinition)["$defs"]["Stage"]["properties"]
        level = pm.json_schema(pm.OutcomeFramework)["$defs"]["RatingLevel"]["properties"]
        assert stage["security_rank"]["minimum"] == 0
        assert stage["security_rank"]["maximum"] == 2**53 - 1
        assert (level["rank"]["minimum"], level["rank"]["maximum"]) == (-(2**53 - 1), 2**53 - 1)

    def test_every_integer_stays_where_doubles_are_exact(self) -> None:
        """Every whole number in every schema lies within +-(2**53 - 1), as the loader reads."""
        for cls in DOCUMENT_CLASSES:
            for node in schema_nodes(pm.json_schema(cls)):
                if node.get("type") == "integer" and "const" not in node:
                    assert -(2**53 - 1) <= node["minimum"], (cls, node)
                    assert node["maximum"] <= 2**53 - 1, (cls, node)

    @pytest.mark.parametrize("cls", DOCUMENT_CLASSES)
    def test_patterns_never_end_on_a_bare_dollar(self, cls: type[Any]) -> None:
        """Every ``$`` is followed by ``(?!\\n)``: Python's ``$`` would pass a last newline."""
        for pattern in schema_patterns(pm.json_schema(cls)):
            assert pattern.count("$") == pattern.count(r"$(?!\n)"), pattern

    @pytest.mark.parametrize("cls", DOCUMENT_CLASSES)
    def test_patterns_read_alike_in_every_regex_dialect(self, cls: type[Any]) -> None:
        """Patterns avoid classes that ECMA-262 and Python read differently (``\\d``, ``\\s``)."""
        for pattern in schema_patterns(pm.json_schema(cls)):
            assert not re.search(r"\\[dDsSwW]", pattern), pattern

    def test_not_blank_is_the_loaders_test_for_blank_text(self) -> None:
        """Text matches the not-blank pattern exactly when ``str.isspace`` says it is not blank."""
        pattern = re.compile(pm.json_schema(pm.Pathway)["$defs"]["Text"]["pattern"])
        disagreements = [
            hex(point)
            for point in range(sys.maxunicode + 1)
            if bool(pattern.search(chr(point))) == chr(point).isspace()
        ]
        assert disagreements == []

    @pytest.mark.parametrize("value", [pm.Review, pm.Period, dict, "Pathway", None, []])
    def test_refuses_what_is_not_a_document_class(self, value: Any) -> None:
        """Only top-level document classes have a schema."""
        with pytest.raises(pm.WrongTypeError, match=r"cls: expected one of Pathway"):
            pm.json_schema(value)


def attrs_classes(cls: type[Any]) -> set[type[Any]]:
    """Every attrs class reachable from ``cls`` through its init fields, ``cls`` included."""
    found: set[type[Any]] = set()
    todo = [cls]
    while todo:
        kind = todo.pop()
        if kind in found or kind is pm.Period:
            continue
        found.add(kind)
        for field in attrs.fields(kind):
            if not field.init:
                continue
            stack = [field.type]
            while stack:
                item = stack.pop()
                stack.extend(typing.get_args(item))
                if isinstance(item, type) and attrs.has(item) and item is not pm.Period:
                    todo.append(item)
    return found


class TestValidDocuments:
    @given(s.definitions_and_pathways())
    def test_every_record_matches(self, drawn: tuple[pm.PathwayDefinition, pm.Pathway]) -> None:
        """Every record the library writes matches the schema."""
        _, pathway = drawn
        VALIDATORS[pm.Pathway].validate(pm.to_dict(pathway))

    @given(s.outcome_frameworks())
    def test_every_framework_matches(self, framework: pm.OutcomeFramework) -> None:
        """Every framework the library writes matches the schema."""
        VALIDATORS[pm.OutcomeFramework].validate(pm.to_dict(framework))

    @given(s.pathway_definitions())
    def test_every_definition_matches(self, definition: pm.PathwayDefinition) -> None:
        """Every pathway definition the library writes matches the schema."""
        VALIDATORS[pm.PathwayDefinition].validate(pm.to_dict(definition))

    @given(s.definitions_and_pathways(), st.data())
    def test_every_assessment_matches(
        self, drawn: tuple[pm.PathwayDefinition, pm.Pathway], data: st.DataObject
    ) -> None:
        """Every assessment, readiness and review schedule the library writes matches."""
        definition, pathway = drawn
        placement = data.draw(st.sampled_from(pathway.placements))
        last = placement.start + dt.timedelta(days=900) if placement.end is None else placement.end
        day = data.draw(st.dates(placement.start, last - dt.timedelta(days=1)))
        assessment = pm.assess(pathway, day, definition=definition)
        for document in (assessment, assessment.readiness, assessment.schedule):
            VALIDATORS[type(document)].validate(pm.to_dict(document))

    @pytest.mark.parametrize(
        "item",
        [*catalogue.FRAMEWORKS, *catalogue.DEFINITIONS],
        ids=lambda item: item.id,
    )
    def test_catalogue_matches(self, item: pm.OutcomeFramework | pm.PathwayDefinition) -> None:
        """Every built-in framework and definition matches the schema."""
        VALIDATORS[type(item)].validate(pm.to_dict(item))

    @pytest.mark.parametrize("name", BASES)
    def test_documents_to_break_are_valid(self, name: str) -> None:
        """The documents the refusal tests break are accepted by the schema and the loader."""
        cls, document = BASES[name]
        assert schema_accepts(document, cls)
        assert loader_accepts(document, cls)

    @pytest.mark.parametrize(
        "value", ["2024-03-28T10:15:00Z", "2024-03-28T23:30:00.5+01:00", "2024-03-28 09:00-05:00"]
    )
    def test_a_zoned_datetime_matches_as_the_loader_reads_it(self, value: str) -> None:
        """A datetime with a zone is a date to both the schema and the loader."""
        cls, document = BASES["record"]
        changed = mutated(document, ("reviews", 0, "date"), value)
        assert schema_accepts(changed, cls)
        assert loader_accepts(changed, cls)

    @pytest.mark.parametrize("value", [452, 0, 999_999_999_999])
    def test_an_amount_may_be_a_number(self, value: float) -> None:
        """A bed-day cost given as a whole JSON number matches, as the loader reads it."""
        cls, document = BASES["definition"]
        changed = mutated(document, ("stages", 1, "bed_day_cost"), value)
        assert schema_accepts(changed, cls)
        assert loader_accepts(changed, cls)


_TOO_LONG_NAME = "N" * (_checks.MAX_NAME_LENGTH + 1)
_TOO_LONG_TEXT = "t" * (_checks.MAX_TEXT_LENGTH + 1)

#: Single changes to a valid document that the schema can express, each one a reason to
#: refuse it: (document to break, path, new value).
REFUSED = [
    # unknown keys
    pytest.param("record", ("colour",), "blue", id="unknown key"),
    pytest.param("record", ("placements", 0, "ward"), "3", id="unknown nested key"),
    pytest.param("assessment", ("readiness", "extra"), 1, id="unknown key in a result"),
    # wrong JSON types
    pytest.param("record", ("person_id",), 1, id="number for a code"),
    pytest.param("record", ("reviews", 0, "ratings", 0, "team"), 2, id="number for a level"),
    pytest.param("record", ("goals",), "goal-1", id="string for an array"),
    pytest.param("record", ("placements", 0, "provider"), {}, id="object for a string"),
    pytest.param("record", ("placements", 0, "stage"), None, id="null for a code"),
    pytest.param("record", ("placements", 0), [], id="array for an object"),
    pytest.param("framework", ("scale",), "msp", id="string for an object"),
    pytest.param("framework", ("domains",), None, id="null for an array"),
    pytest.param("definition", ("stages", 1, "cost_is_estimate"), "yes", id="string for a bool"),
    pytest.param(
        "definition",
        ("stages", 1, "exit_criteria", "person_must_agree"),
        1,
        id="number for a bool",
    ),
    pytest.param("definition", ("stages", 1, "security_rank"), "3", id="string for an integer"),
    pytest.param("definition", ("stages", 1, "security_rank"), 1.5, id="fraction for an integer"),
    pytest.param("framework", ("scale", "levels", 0, "rank"), True, id="bool for an integer"),
    pytest.param("schedule", ("overdue",), "no", id="string for a bool in a result"),
    pytest.param("readiness", ("ready_days",), "110", id="string for an integer in a result"),
    pytest.param("assessment", ("criteria", 0, "expected"), 3, id="number for a result string"),
    # codes
    pytest.param("record", ("person_id",), "P 0001", id="code with a space"),
    pytest.param("record", ("definition_version",), "", id="empty code"),
    pytest.param("record", ("reviews", 0, "id"), "-review", id="code starting with a dash"),
    pytest.param("record", ("goals", 0, "domain"), "d" * 65, id="code of 65 characters"),
    pytest.param("framework", ("domains", 0, "code"), "life skills", id="domain code with space"),
    # names and text
    pytest.param("record", ("placements", 0, "provider"), "", id="empty name"),
    pytest.param("record", ("placements", 0, "provider"), " \t", id="blank name"),
    pytest.param("record", ("placements", 0, "provider"), _TOO_LONG_NAME, id="long name"),
    pytest.param("record", ("goals", 0, "description"), "", id="empty text"),
    pytest.param("record", ("goals", 0, "description"), "\u3000\n", id="blank text"),
    pytest.param("record", ("incidents", 0, "note"), _TOO_LONG_TEXT, id="long text"),
    pytest.param("framework", ("description",), _TOO_LONG_TEXT, id="long description"),
    # dates
    pytest.param("record", ("placements", 0, "start"), "08/01/2024", id="date in another form"),
    pytest.param("record", ("placements", 0, "start"), "2024-1-8", id="date without zeros"),
    pytest.param("record", ("placements", 0, "start"), "20240108", id="basic-format date"),
    pytest.param("record", ("placements", 0, "start"), "2024-13-01", id="month 13"),
    pytest.param("record", ("reviews", 0, "date"), "2024-03-28T10:00:00", id="naive datetime"),
    pytest.param("record", ("reviews", 0, "date"), "2024-03-28T10:00", id="naive datetime hh:mm"),
    pytest.param("record", ("reviews", 0, "date"), "2024-03-28T25:00Z", id="hour 25"),
    pytest.param("record", ("reviews", 0, "date"), "2024-03-28t10:00z", id="lower-case T and Z"),
    pytest.param("record", ("reviews", 0, "date"), 20240328, id="number for a date"),
    pytest.param("record", ("reviews", 0, "date"), "2024-0\u0663-28", id="date of other digits"),
    pytest.param(
        "record", ("reviews", 0, "date"), "2024-03-28T1\uff10:00Z", id="time of other digits"
    ),
    pytest.param("readiness", ("as_of",), "15 January 2025", id="bad date in a result"),
    # periods
    pytest.param("definition", ("stages", 1, "review_interval"), "P", id="bare P"),
    pytest.param("definition", ("stages", 1, "review_interval"), "3M", id="period without P"),
    pytest.param("definition", ("stages", 1, "review_interval"), "PT1H", id="period of hours"),
    pytest.param("definition", ("stages", 1, "review_interval"), "P1.5M", id="fractional period"),
    pytest.param("definition", ("stages", 1, "review_interval"), "P3M1Y", id="parts out of order"),
    pytest.param("definition", ("stages", 1, "review_interval"), "p3m", id="lower-case period"),
    pytest.param("definition", ("stages", 1, "review_interval"), 3, id="number for a period"),
    pytest.param(
        "definition", ("stages", 1, "review_interval"), "P\u0663M", id="period of other digits"
    ),
    pytest.param(
        "definition", ("stages", 1, "review_interval"), "P\uff13M", id="period of wide digits"
    ),
    # amounts
    pytest.param("definition", ("stages", 1, "bed_day_cost"), "-452", id="negative amount"),
    pytest.param("definition", ("stages", 1, "bed_day_cost"), -1, id="negative number"),
    pytest.param("definition", ("stages", 1, "bed_day_cost"), "lots", id="garbage amount"),
    pytest.param("definition", ("stages", 1, "bed_day_cost"), "452.1234567", id="7 places"),
    pytest.param("definition", ("stages", 1, "bed_day_cost"), "1e3", id="exponent in a string"),
    pytest.param("definition", ("stages", 1, "bed_day_cost"), 10**12, id="13-digit amount"),
    pytest.param("definition", ("stages", 1, "bed_day_cost"), True, id="bool for an amount"),
    pytest.param(
        "definition", ("stages", 1, "bed_day_cost"), "\u0664\u0665\u0662", id="other digits"
    ),
    pytest.param(
        "definition", ("stages", 1, "bed_day_cost"), "\uff14\uff15\uff12", id="wide digits"
    ),
    pytest.param("readiness", ("cost_of_delay",), "£49720", id="bad amount in a result"),
    # vocabularies
    pytest.param("record", ("incidents", 0, "kind"), "fight", id="unknown incident kind"),
    pytest.param("record", ("incidents", 0, "severity"), "Moderate", id="severity in capitals"),
    pytest.param("record", ("goals", 0, "set_by"), "doctor", id="unknown goal setter"),
    pytest.param("record", ("reviews", 0, "kind"), "CPA", id="review kind in capitals"),
    pytest.param("record", ("goals", 0, "lifecycle_status"), "on_hold", id="unknown lifecycle"),
    pytest.param(
        "record", ("recorded_readiness", 0, "reason_list"), "MHSDS", id="unknown reason list"
    ),
    pytest.param(
        "record", ("recorded_readiness", 0, "attributable_to"), "01", id="unknown attributable to"
    ),
    pytest.param(
        "record", ("recorded_readiness", 0, "attributable_to"), 4, id="number for attributable"
    ),
    pytest.param("record", ("recorded_readiness", 1, "start"), DELETE, id="no readiness start"),
    pytest.param("record", ("recorded_readiness",), {}, id="object for recorded readiness"),
    pytest.param("assessment", ("status",), "maybe", id="unknown assessment status"),
    pytest.param("assessment", ("criteria", 0, "kind"), "vibes", id="unknown criterion kind"),
    # required keys
    pytest.param("record", ("placements",), DELETE, id="no placements key"),
    pytest.param("record", ("placements", 0, "start"), DELETE, id="no start key"),
    pytest.param("framework", ("scale",), DELETE, id="no scale key"),
    pytest.param("definition", ("stages", 1, "code"), DELETE, id="no stage code key"),
    pytest.param("schedule", ("due",), DELETE, id="no key in a result"),
    # counts the classes check
    pytest.param("record", ("placements",), [], id="no placements"),
    pytest.param("framework", ("domains",), [], id="no domains"),
    pytest.param(
        "framework",
        ("scale", "levels"),
        [{"code": "met", "label": "Met", "rank": 1}],
        id="one level",
    ),
    pytest.param("definition", ("stages",), [], id="no stages"),
    pytest.param(
        "definition", ("stages", 1, "exit_criteria", "requirements"), [], id="no requirements"
    ),
    pytest.param(
        "definition",
        ("stages", 1, "exit_criteria", "incident_rules", 0, "kinds"),
        [],
        id="no incident kinds",
    ),
    pytest.param(
        "definition",
        ("stages", 1, "exit_criteria", "incident_rules", 0, "kinds"),
        ["violence", "violence"],
        id="repeated incident kind",
    ),
    # the header
    pytest.param("record", ("schema_version",), DELETE, id="no schema_version"),
    pytest.param("record", ("schema_version",), "1", id="schema_version as a string"),
    pytest.param("record", ("schema_version",), pm.SCHEMA_VERSION + 1, id="newer schema_version"),
    pytest.param("record", ("schema_version",), 0, id="schema_version 0"),
    pytest.param("record", ("schema_version",), True, id="schema_version true"),
    pytest.param("record", ("document",), DELETE, id="no document"),
    pytest.param("record", ("document",), "framework", id="another document"),
    pytest.param("record", ("document",), 1, id="number for document"),
    pytest.param("readiness", ("document",), "assessment", id="another result document"),
]


class TestInvalidDocuments:
    @pytest.mark.parametrize(("name", "path", "value"), REFUSED)
    def test_schema_refuses(self, name: str, path: Path_, value: object) -> None:
        """The schema refuses each broken document."""
        cls, document = BASES[name]
        assert not schema_accepts(mutated(document, path, value), cls)

    @pytest.mark.parametrize(("name", "path", "value"), REFUSED)
    def test_loader_refuses(self, name: str, path: Path_, value: object) -> None:
        """The loader refuses each document the schema refuses."""
        cls, document = BASES[name]
        assert not loader_accepts(mutated(document, path, value), cls)

    def test_a_whole_document_of_another_type_is_refused_by_both(self) -> None:
        """An array where the document should be is refused by both."""
        assert not schema_accepts([], pm.Pathway)
        assert not loader_accepts([], pm.Pathway)


#: Values to put anywhere in a document: near misses of every format, and other JSON.
_NEAR_MISSES = st.sampled_from(
    [
        "",
        " ",
        "x",
        "a b",
        "-a",
        "a" * 64,
        "a" * 65,
        "P",
        "P0D",
        "P3M",
        "P1Y2M3W4D",
        "PT1H",
        "P3M\n",
        "2024-03-28",
        "2024-02-30",
        "2024-13-01",
        "2024-03-28T10:00",
        "2024-03-28T10:00Z",
        "2024-03-28T10:00:00.123+01:00",
        "2024-03-28T10:00:00.1234567890Z",
        "2024-03-28T10:00+00:60",
        "2024-03-28T10:00+01:99",
        "2024-03-28T10:00+24:00",
        "2024-03-28T10:00+23:59",
        "452\n",
        "P-0001\n",
        "452.0000000",
        "0452.50",
        "999999999999.999999",
        "9999999999999",
        "2024-03-28\n",
        "452",
        "452.50",
        "452.1234567",
        "-1",
        "1e3",
        "1234567890123",
        "9434765919",
        "ready",
        "cpa",
        "minor",
        "violence",
        "active",
        "person",
        "met",
        "partly_met",
        "medium_secure",
        "review-1",
        "goal-1",
        "P-0001",
        "placement-1",
        "pathway",
        "framework",
        "P\u0663M",
        "\u0664\u0665\u0662",
        "2024-0\u0663-28",
    ]
)
_SCALARS = (
    _NEAR_MISSES
    | st.text(alphabet="aP0123456789\u0663\uff13-:.TZ+ _YMWD\n", max_size=12)
    | st.none()
    | st.booleans()
    | st.integers(-2, 3)
    | st.sampled_from(
        [10**12 - 1, 10**12, 2**53 - 1, 2**53, 2**63, 0.5, 1.0, -0.0, 1e300, 999999999999.9999]
    )
)
_JSON_VALUES = st.recursive(
    _SCALARS,
    lambda children: (
        st.lists(children, max_size=2)
        | st.dictionaries(st.sampled_from(["id", "code", "date", "x"]), children, max_size=2)
    ),
    max_leaves=4,
)


def _schema_refusal_is_a_loader_refusal(
    cls: type[Any], document: dict[str, Any], data: st.DataObject
) -> None:
    path = data.draw(st.sampled_from(list(paths(document))), label="path")
    value = data.draw(_JSON_VALUES | st.just(DELETE), label="value")
    if value is DELETE and not isinstance(path[-1], str):
        value = None
    changed = mutated(document, path, value)
    loaded = loader_accepts(changed, cls)  # refuses only with ValidationError, never crashes
    accepted = schema_accepts(changed, cls)
    event(
        f"schema {'accepts' if accepted else 'refuses'}, loader {'reads' if loaded else 'refuses'}"
    )
    if not accepted:
        assert not loaded, f"the schema refuses {value!r} at {path}, the loader reads it"


class TestAgreement:
    @given(st.sampled_from(sorted(BASES)), st.data())
    def test_schema_refusal_is_a_loader_refusal(self, name: str, data: st.DataObject) -> None:
        """Change one value of a valid document: if the schema refuses it, so does the loader."""
        cls, document = BASES[name]
        _schema_refusal_is_a_loader_refusal(cls, document, data)

    @given(s.definitions_and_pathways(), st.data())
    def test_schema_refusal_is_a_loader_refusal_for_any_record(
        self, drawn: tuple[pm.PathwayDefinition, pm.Pathway], data: st.DataObject
    ) -> None:
        """The same for generated records: the loader never accepts what the schema refuses."""
        _, pathway = drawn
        _schema_refusal_is_a_loader_refusal(pm.Pathway, pm.to_dict(pathway), data)

    @given(s.pathway_definitions(), st.data())
    def test_schema_refusal_is_a_loader_refusal_for_any_definition(
        self, definition: pm.PathwayDefinition, data: st.DataObject
    ) -> None:
        """The same for generated definitions, with their frameworks inside."""
        _schema_refusal_is_a_loader_refusal(pm.PathwayDefinition, pm.to_dict(definition), data)


class TestEdgesOfTheCalendar:
    """Well-formed datetimes whose date in England falls outside the calendar."""

    @pytest.mark.parametrize("value", ["9999-12-31T23:00-05:00", "0001-01-01T00:30+05:00"])
    def test_a_datetime_at_the_end_of_the_calendar_is_a_validation_error(self, value: str) -> None:
        """A zoned datetime whose date in England is out of range is refused, not a crash."""
        cls, document = BASES["record"]
        changed = mutated(document, ("reviews", 0, "date"), value)
        assert schema_accepts(changed, cls)
        assert not loader_accepts(changed, cls)


def _ecma_refusal_is_a_loader_refusal(
    cls: type[Any], document: dict[str, Any], data: st.DataObject
) -> None:
    path = data.draw(st.sampled_from(list(paths(document))), label="path")
    value = data.draw(_JSON_VALUES | st.just(DELETE), label="value")
    if value is DELETE and not isinstance(path[-1], str):
        value = None
    text = json.dumps(mutated(document, path, value))
    loaded = loader_reads(text, cls)
    accepted = ecma_schema_accepts(text, cls)
    event(
        f"schema {'accepts' if accepted else 'refuses'}, loader {'reads' if loaded else 'refuses'}"
    )
    if not accepted:
        assert not loaded, f"the schema refuses {value!r} at {path}, the loader reads it"


#: Amounts as JSON text, near the edges of the format.
_AMOUNT_TEXTS = st.sampled_from(
    [
        '"452"',
        '"452.50"',
        '"452.0000000"',
        '"0452"',
        '"452\\n"',
        '"452 "',
        '"-0"',
        '"0"',
        '"0.000001"',
        '"0.0000001"',
        '"999999999999.999999"',
        '"1000000000000"',
        '"1e3"',
        '"452."',
        '".5"',
        "452",
        "0",
        "-0",
        "999999999999",
        "1000000000000",
        "-1",
    ]
) | st.builds(
    lambda whole, places: json.dumps(f"{whole}.{places}" if places else whole),
    st.from_regex(r"[0-9]{1,14}", fullmatch=True),
    st.from_regex(r"[0-9]{0,8}", fullmatch=True),
)

#: Numbers with a point or an exponent: a reader of doubles may read them as whole.
_FRACTION_TEXTS = st.sampled_from(
    ["452.0", "452.5", "4.52e2", "999999999999.999999", "999999999999.4", "1e-400", "1e400"]
)


class TestEcmaAndDoubles:
    """The schema read as JavaScript reads it: ECMA-262 patterns, numbers as IEEE doubles."""

    @pytest.mark.parametrize(
        ("name", "path", "value"),
        [
            pytest.param("definition", ("stages", 1, "bed_day_cost"), "452\n", id="amount"),
            pytest.param("record", ("person_id",), "P-0001\n", id="code"),
            pytest.param("record", ("reviews", 0, "date"), "2024-03-28\n", id="date"),
            pytest.param(
                "record", ("reviews", 0, "date"), "2024-03-28T10:00Z\n", id="zoned datetime"
            ),
            pytest.param("definition", ("stages", 1, "review_interval"), "P3M\n", id="period"),
        ],
    )
    def test_a_value_ending_in_a_newline_is_refused_by_all_three(
        self, name: str, path: Path_, value: str
    ) -> None:
        """Python's ``$`` matches before a last newline, ECMA-262's does not: all refuse."""
        cls, document = BASES[name]
        changed = mutated(document, path, value)
        assert not schema_accepts(changed, cls)
        assert not ecma_schema_accepts(json.dumps(changed), cls)
        assert not loader_accepts(changed, cls)

    @pytest.mark.parametrize(
        ("written", "accepted"),
        [
            ("999999999999.999999", False),
            ("452.5", False),
            ("452", True),
            ("999999999999", True),
            ("1000000000000", False),
            ('"999999999999.999999"', True),
            ('"1000000000000"', False),
        ],
    )
    def test_a_bed_day_cost_has_one_verdict(self, written: str, accepted: bool) -> None:
        """A reader of doubles reads 999999999999.999999 as 1e12: such a number is refused."""
        document = copy.deepcopy(BASES["definition"][1])
        document["stages"][1]["bed_day_cost"] = "X"
        text = json.dumps(document).replace('"X"', written)
        assert accepted == ecma_schema_accepts(text, pm.PathwayDefinition)
        assert accepted == loader_reads(text, pm.PathwayDefinition)

    @pytest.mark.parametrize(("rank", "accepted"), [(2**53 - 1, True), (2**53, False)])
    def test_a_rank_has_one_verdict(self, rank: int, accepted: bool) -> None:
        """Whole numbers are read up to 2**53 - 1, the last that every double holds exactly."""
        document = copy.deepcopy(BASES["framework"][1])
        document["scale"]["levels"][-1]["rank"] = rank
        text = json.dumps(document)
        assert accepted == ecma_schema_accepts(text, pm.OutcomeFramework)
        assert accepted == loader_reads(text, pm.OutcomeFramework)

    @pytest.mark.parametrize(
        ("offset", "accepted"),
        [("+01:99", False), ("+00:60", False), ("+24:00", False), ("+23:59", True)],
    )
    def test_a_zone_offset_has_one_verdict(self, offset: str, accepted: bool) -> None:
        """Offsets are hours 00-23 and minutes 00-59 to the schema and to the loader."""
        cls, document = BASES["record"]
        changed = mutated(document, ("reviews", 0, "date"), "2024-03-28T12:00" + offset)
        assert accepted == schema_accepts(changed, cls)
        assert accepted == ecma_schema_accepts(json.dumps(changed), cls)
        assert accepted == loader_accepts(changed, cls)

    @given(_AMOUNT_TEXTS)
    def test_an_amount_string_or_whole_number_has_one_verdict(self, written: str) -> None:
        """For a string or a whole number, the schema and the loader give the same verdict."""
        document = copy.deepcopy(BASES["definition"][1])
        document["stages"][1]["bed_day_cost"] = "X"
        text = json.dumps(document).replace('"X"', written)
        assert ecma_schema_accepts(text, pm.PathwayDefinition) == loader_reads(
            text, pm.PathwayDefinition
        )

    @given(_FRACTION_TEXTS)
    def test_a_fraction_is_never_read_as_an_amount(self, written: str) -> None:
        """A number with a point or exponent is refused, even where a double is whole."""
        document = copy.deepcopy(BASES["definition"][1])
        document["stages"][1]["bed_day_cost"] = "X"
        text = json.dumps(document).replace('"X"', written)
        assert not loader_reads(text, pm.PathwayDefinition)

    @given(st.sampled_from(sorted(BASES)), st.data())
    def test_ecma_refusal_is_a_loader_refusal(self, name: str, data: st.DataObject) -> None:
        """Change one value of a valid document: if the schema refuses it, so does the loader."""
        cls, document = BASES[name]
        _ecma_refusal_is_a_loader_refusal(cls, document, data)

    @given(s.pathway_definitions(), st.data())
    def test_ecma_refusal_is_a_loader_refusal_for_any_definition(
        self, definition: pm.PathwayDefinition, data: st.DataObject
    ) -> None:
        """The same for generated definitions, whose costs reach the edges of the format."""
        _ecma_refusal_is_a_loader_refusal(pm.PathwayDefinition, pm.to_dict(definition), data)

    @given(s.definitions_and_pathways())
    def test_every_record_written_matches(
        self, drawn: tuple[pm.PathwayDefinition, pm.Pathway]
    ) -> None:
        """Every record and definition the library writes matches under ECMA-262 and doubles."""
        definition, pathway = drawn
        assert ecma_schema_accepts(pm.dumps(pathway), pm.Pathway)
        assert ecma_schema_accepts(pm.dumps(definition), pm.PathwayDefinition)
