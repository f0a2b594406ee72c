"""Loading a bad document: every problem at once, a bounded report, one verdict, no free text.

A document with problems is refused with one error that lists every problem that can be
judged, at the document's own positions; the list is capped and the rest counted; the
verdict does not depend on the parser or the layout; and the error keeps no part of the
document.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import gc
import json
import runpy
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pathway_model as pm
from pathway_model import cli
from pathway_model.catalogue import SECURE_PATHWAY
from pathway_model.io import _json
from tests.scenarios import SIMPLE, record, review
from tests.test_serialisation import _mutate

#: Every test here runs twice: with the fast path, and by the validated constructors.
pytestmark = pytest.mark.usefixtures("loading_mode")

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = runpy.run_path(str(ROOT / "examples" / "medium_secure.py"))
#: Clinical free text that must never reach an error.
SECRET = "Zanzibar-secret-wording"


def example_doc() -> dict[str, Any]:
    return pm.to_dict(EXAMPLE["build_pathway"]())


def refusal(data: str | bytes | dict[str, Any], cls: Any = pm.Pathway, **options: Any) -> Any:
    """The error loading ``data`` raises (a dict is written as JSON first)."""
    text = json.dumps(data) if isinstance(data, dict) else data
    with pytest.raises(pm.ValidationError) as caught:
        pm.loads(text, cls, **options)
    return caught.value


def paths(error: pm.ValidationError) -> list[str]:
    return [problem.path for problem in error.problems]


@contextlib.contextmanager
def backend(name: str) -> Iterator[None]:
    """Read with orjson (when installed) or with the standard library alone."""
    saved, threshold = _json._orjson, _json.ORJSON_FROM_BYTES
    if name == "stdlib":
        _json._orjson = None
    else:
        _json.ORJSON_FROM_BYTES = 0  # orjson for documents of any size
    try:
        yield
    finally:
        _json._orjson, _json.ORJSON_FROM_BYTES = saved, threshold


BACKENDS = ["orjson", "stdlib"] if _json._fast_json() is not None else ["stdlib"]

#: The layouts a document may come in: the first two are the ones dumps writes.
LAYOUTS: dict[str, Callable[[Any], str]] = {
    "compact": lambda doc: json.dumps(doc, ensure_ascii=False, separators=(",", ":")),
    "indent 2": lambda doc: json.dumps(doc, ensure_ascii=False, indent=2),
    "spaced": lambda doc: json.dumps(doc, ensure_ascii=False),
    "indent 4": lambda doc: json.dumps(doc, ensure_ascii=False, indent=4),
}


def outcome(text: str | bytes, cls: Any = pm.Pathway) -> tuple[object, ...]:
    """What loads makes of a document: the object, or everything its error says."""
    try:
        return ("built", pm.loads(text, cls))
    except pm.ValidationError as error:
        return ("refused", type(error), error.problems, error.total, error.more_may_follow)


def outcomes(doc: Any, cls: Any = pm.Pathway) -> dict[tuple[str, str], tuple[object, ...]]:
    """The outcome of one document in every layout, read by every backend."""
    found = {}
    for layout, write in LAYOUTS.items():
        try:
            text = write(doc)
        except ValueError:  # an integer too long for the standard library to write
            continue
        for name in BACKENDS:
            with backend(name):
                found[name, layout] = outcome(text, cls)
    return found


class TestEveryProblemAtOnce:
    """Every problem that can be judged is reported in one pass."""

    def bad_record(self) -> dict[str, Any]:
        """A goal status typo, a review before admission and a stage the definition lacks."""
        doc = example_doc()
        doc["goals"][1]["lifecycle_status"] = "activ"
        doc["reviews"][0]["date"] = "2023-01-01"
        doc["placements"][0]["stage"] = "step_down"
        return doc

    def test_a_typo_a_review_before_admission_and_an_unknown_stage_come_together(self) -> None:
        """A status typo, a review before admission and an unknown stage are all in one error."""
        error = refusal(self.bad_record())

        assert [
            "$.goals[1].lifecycle_status",
            "$.reviews[0].date",
            "$.placements[0].stage",
        ] == paths(error)

    def test_the_command_reports_them_together(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """`pathway-model validate` lists the same three problems in one run."""
        file = tmp_path / "record.json"
        file.write_text(json.dumps(self.bad_record()))

        code = cli.main(["validate", str(file)])

        out = capsys.readouterr().out
        listed = [line.split(": ")[1] for line in out.splitlines() if line.startswith(str(file))]
        assert (
            2,
            ["$.goals[1].lifecycle_status", "$.reviews[0].date", "$.placements[0].stage"],
        ) == (
            code,
            listed[:3],
        )

    def test_an_item_that_cannot_be_read_says_more_may_follow(self) -> None:
        """A goal that cannot be read is checked no further, so the error says more may follow."""
        error = refusal(self.bad_record())

        assert (True, "More problems may follow once these are mended.") == (
            error.more_may_follow,
            str(error).splitlines()[-1],
        )

    def test_problems_judged_in_full_do_not_say_more_may_follow(self) -> None:
        """A record whose every item reads is judged in full: nothing more may follow."""
        doc = example_doc()
        doc["reviews"][0]["date"] = "2023-01-01"
        doc["placements"][0]["stage"] = "step_down"

        error = refusal(doc)

        assert (["$.reviews[0].date", "$.placements[0].stage"], False) == (
            paths(error),
            error.more_may_follow,
        )

    def test_dates_are_not_judged_against_stays_that_cannot_be_read(self) -> None:
        """With a stay that cannot be read, a review's date is held back, and more may follow."""
        doc = example_doc()
        doc["placements"][0]["start"] = "2024-13-01"
        doc["reviews"][0]["date"] = "2020-01-01"

        error = refusal(doc)

        assert (["$.placements[0].start"], True) == (paths(error), error.more_may_follow)

    def test_the_stage_of_a_stay_is_judged_though_another_stay_cannot_be_read(self) -> None:
        """An unknown stage is reported beside a stay that cannot be read; moves wait."""
        doc = example_doc()
        doc["placements"][0]["end"] = "2024-03-01"
        doc["placements"].append(
            {"id": "p2", "stage": "step_down", "provider": "U", "start": "2024-03-01"}
        )
        doc["placements"].insert(
            0, {"id": "p0", "stage": 7, "provider": "U", "start": "2023-01-01"}
        )

        error = refusal(doc)

        assert ["$.placements[0].stage", "$.placements[2].stage"] == paths(error)
        assert "a stage of 'secure-pathway'" in error.problems[1].expected

    def test_goal_updates_wait_for_goals_that_cannot_be_read(self) -> None:
        """An update naming a goal that could not be read is not called an unknown goal."""
        doc = example_doc()
        doc["goals"][0]["set_on"] = "yesterday"
        doc["reviews"][1]["goal_progress"] = [{"goal": "goal-1", "achievement_status": "improving"}]

        error = refusal(doc)

        assert (["$.goals[0].set_on"], True) == (paths(error), error.more_may_follow)

    def test_paths_are_the_documents_own_positions(self) -> None:
        """In arrays given out of order, each problem names the item's place in the document."""
        doc = example_doc()
        doc["reviews"].reverse()  # the earliest review is now last
        doc["reviews"][2]["date"] = "2023-06-01"  # before admission
        doc["reviews"][0]["kind"] = "chat"  # cannot be read
        doc["reviews"][1]["ratings"][2]["domain"] = "cooking"  # unknown to the framework

        error = refusal(doc)

        assert [
            "$.reviews[0].kind",
            "$.reviews[2].date",
            "$.reviews[1].ratings[2].domain",
        ] == paths(error)

    def test_every_field_of_one_item_is_reported(self) -> None:
        """A rating with a domain of the wrong type and a level that is not a code reports both."""
        doc = example_doc()
        rating = doc["reviews"][0]["ratings"][0]
        rating["domain"] = 3
        rating["team"] = "not a code"

        assert ["$.reviews[0].ratings[0].domain", "$.reviews[0].ratings[0].team"] == paths(
            refusal(doc)
        )


class TestBoundedReport:
    """However many problems a document has, the error keeps a hundred and counts the rest."""

    @pytest.mark.parametrize("name", BACKENDS)
    def test_a_million_bad_items_are_counted_and_a_hundred_kept(self, name: str) -> None:
        """A 2 MB record of a million bad ratings: 100 problems kept, 1,000,000 counted."""
        doc = example_doc()
        doc["reviews"][0]["ratings"] = [0] * 1_000_000
        text = json.dumps(doc, separators=(",", ":"))  # the layout orjson reads
        assert 2_000_000 < len(text) < 2_100_000

        with backend(name):
            error = refusal(text)

        message = str(error)
        assert (100, 1_000_000) == (len(error.problems), error.total)
        assert "100 of 1,000,000 problems shown:" == message.splitlines()[0]
        assert len(message) < 20_000
        assert "$.reviews[0].ratings[99]" == error.problems[-1].path

    def test_problems_of_non_finite_numbers_are_capped(self) -> None:
        """Ten thousand NaNs give a hundred problems and a count of ten thousand."""
        error = refusal("[" + ",".join(["NaN"] * 10_000) + "]")

        assert (100, 10_000) == (len(error.problems), error.total)

    def test_the_command_counts_every_problem(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """`pathway-model validate` lists a hundred, says how many it left out, and counts all."""
        doc = example_doc()
        doc["reviews"][0]["ratings"] = [0] * 250
        file = tmp_path / "record.json"
        file.write_text(json.dumps(doc))

        cli.main(["validate", str(file)])

        lines = capsys.readouterr().out.splitlines()
        assert f"{file}: 150 more problems not shown" in lines
        assert "(250 problems)" in lines[-1]


class TestOneVerdict:
    """The same document is judged alike whatever parser reads it and whatever its layout."""

    @staticmethod
    def containers(doc: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
        """The path to every array and object in a document."""
        children = doc.items() if isinstance(doc, dict) else enumerate(doc)
        for key, child in children:
            if isinstance(child, (dict, list)):
                yield (*path, key)
                yield from TestOneVerdict.containers(child, (*path, key))

    @pytest.mark.parametrize("replacement", [{}, [], {"x": 1}, [{}], None, ""], ids=repr)
    def test_a_container_replaced_anywhere_is_judged_alike(self, replacement: Any) -> None:
        """An array or object replaced by another shape gets one verdict everywhere."""
        original = example_doc()
        for path in self.containers(original):
            doc = copy.deepcopy(original)
            parent = doc
            for key in path[:-1]:
                parent = parent[key]
            parent[path[-1]] = copy.deepcopy(replacement)
            found = outcomes(doc)
            assert len(set(map(repr, found.values()))) == 1, (path, found)

    def test_an_empty_object_for_ratings_is_refused_in_every_layout(self) -> None:
        """`"ratings": {}` is refused with its path, by every backend in every layout."""
        doc = example_doc()
        doc["reviews"][0]["ratings"] = {}

        found = outcomes(doc)

        assert {("refused", "$.reviews[0].ratings")} == {
            (verdict[0], verdict[2][0].path) for verdict in found.values()
        }

    @settings(max_examples=40, deadline=None)
    @given(st.data())
    def test_a_record_changed_anywhere_is_judged_alike(self, data: st.DataObject) -> None:
        """A record changed at random gets one verdict across backends and layouts."""
        doc = _mutate(example_doc(), data)
        found = outcomes(doc)
        assert len(set(map(repr, found.values()))) == 1


def _texts_in(value: object, seen: set[int]) -> Iterator[str]:
    """Every string reachable from ``value`` through containers and exceptions."""
    if id(value) in seen:
        return
    seen.add(id(value))
    if isinstance(value, (str, bytes)):
        yield value if isinstance(value, str) else value.decode("utf-8", "replace")
    elif isinstance(value, dict):
        for item in value.values():
            yield from _texts_in(item, seen)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            yield from _texts_in(item, seen)
    elif isinstance(value, BaseException):
        yield from _texts_in(vars(value), seen)
        yield from _texts_in(value.args, seen)
        for linked in (value.__context__, value.__cause__):
            yield from _texts_in(linked, seen)


class TestNoTextKept:
    """An error keeps nothing of the document: no context, no cause, no frame holding text."""

    @pytest.mark.parametrize(
        "text",
        [
            '{"schema_version": 1, "document": "pathway", "note": "' + SECRET + '" oops}',
            '{"note": "' + SECRET + '\\ud800\\x"}',
            ('{"note": "' + SECRET + '"}').encode() + b"\xff",
            '{"schema_version": 1, "document": "pathway", "person_id": ' + "9" * 5000 + "}",
        ],
        ids=["not json", "bad escape", "not utf-8", "huge integer"],
    )
    def test_unparseable_text_leaves_no_trace(self, text: str | bytes) -> None:
        """Text that cannot be parsed gives an error with no context or cause."""
        error = refusal(text)

        assert (None, None) == (error.__context__, error.__cause__)
        assert not any(SECRET in found for found in _texts_in(error, set()))

    @pytest.mark.parametrize("name", BACKENDS)
    def test_a_record_with_problems_leaves_no_trace(self, name: str) -> None:
        """A record refused for its values keeps neither its notes nor the text, in any frame."""
        doc = example_doc()
        doc["reviews"][0]["ratings"][0]["team_note"] = SECRET
        doc["reviews"][0]["ratings"][0]["team"] = "partly met"
        doc["goals"][0]["description"] = SECRET
        doc["goals"][0]["set_by"] = "robot"
        text = json.dumps(doc, separators=(",", ":"))
        try:
            with backend(name):
                pm.loads(text, pm.Pathway)
        except pm.ValidationError as caught:
            error = caught
        del text, doc
        gc.collect()

        assert (None, None) == (error.__context__, error.__cause__)
        held = []
        frames = traceback.walk_tb(error.__traceback__)
        next(frames)  # this test's own frame
        for frame, _ in frames:
            held += [found for found in _texts_in(frame.f_locals, set()) if SECRET in found]
        assert [] == held
        assert not any(SECRET in found for found in _texts_in(error, set()))

    def test_a_parsed_tree_with_problems_leaves_no_trace(self) -> None:
        """from_dict's error has no context or cause either."""
        doc = example_doc()
        doc["goals"][0]["description"] = SECRET
        doc["goals"][0]["set_by"] = "robot"
        with pytest.raises(pm.ValidationError) as caught:
            pm.from_dict(doc, pm.Pathway)

        assert (None, None) == (caught.value.__context__, caught.value.__cause__)


class TestFriendlierErrors:
    """Messages name the choices the definition gives, and documents name their own kind."""

    def test_a_level_written_as_words_is_told_the_scales_levels(self) -> None:
        """A level written 'partly met' is told the scale's levels, not the form of a code."""
        doc = example_doc()
        doc["reviews"][0]["ratings"][1]["team"] = "partly met"

        problem = refusal(doc).problems[0]

        assert (
            "$.reviews[0].ratings[1].team",
            "a level of 'msp-attainment' (not_met, partly_met, met)",
            "'partly met'",
        ) == (problem.path, problem.expected, problem.found)

    def test_the_levels_are_those_of_the_definition_given(self) -> None:
        """With definition=..., the levels listed are that definition's scale's."""
        pathway = record(
            SIMPLE,
            [("ward", dt.date(2024, 1, 1), None)],
            reviews=(review("r1", dt.date(2024, 2, 1), {"a": "ok"}),),
        )
        text = pm.dumps(pathway).replace('"team":"ok"', '"team":"not ok"')
        scale = SIMPLE.framework.scale

        problem = refusal(text, definition=SIMPLE).problems[0]

        assert f"a level of {scale.code!r} ({', '.join(scale.codes)})" == problem.expected

    def test_a_stage_and_a_domain_written_as_words_are_told_the_choices(self) -> None:
        """A stage or domain that is not a code is told the definition's stages or domains."""
        doc = example_doc()
        doc["placements"][0]["stage"] = "medium secure"
        doc["goals"][0]["domain"] = "life skills"

        expected = [problem.expected for problem in refusal(doc).problems]

        assert expected[0].startswith("a stage of 'secure-pathway' (high_secure,")
        assert expected[1].startswith("a domain of ")

    def test_without_a_known_definition_the_form_of_a_code_is_given(self) -> None:
        """A record on a definition not built in, read without one, is told what a code is."""
        doc = example_doc()
        doc["definition_id"] = "local-pathway"
        doc["reviews"][0]["ratings"][1]["team"] = "partly met"

        problem = refusal(doc).problems[0]

        assert problem.expected.startswith("a code of 1-64 letters")

    @pytest.mark.parametrize(
        "obj",
        [
            EXAMPLE["build_pathway"](),
            SECURE_PATHWAY,
            SECURE_PATHWAY.framework,
        ],
        ids=["pathway", "definition", "framework"],
    )
    def test_loads_without_a_class_reads_the_document_key(self, obj: object) -> None:
        """loads(text) gives the kind of object the document's own "document" key names."""
        text = pm.dumps(obj)

        assert (obj, obj) == (pm.loads(text), pm.from_dict(json.loads(text)))

    def test_a_document_of_no_known_kind_is_told_the_kinds(self) -> None:
        """Without a class, a document naming no known kind is told every kind there is."""
        problem = refusal('{"schema_version": 1, "document": "letter"}', None).problems[0]

        assert ("$.document", "'letter'") == (problem.path, problem.found)
        assert "'pathway', 'framework', 'pathway_definition'" in problem.expected


class TestNonStringKeys:
    """from_dict is given Python dicts: a key that is not a string is refused with its path."""

    @pytest.mark.parametrize("key", [1, None, ("a",), 2.5])
    def test_a_non_string_key_at_the_top_is_a_wrong_type(self, key: object) -> None:
        """A dict with a key of another type is a WrongTypeError at ``$``, never AttributeError."""
        doc: dict[Any, Any] = example_doc()
        doc[key] = "x"
        with pytest.raises(pm.WrongTypeError) as caught:
            pm.from_dict(doc, pm.Pathway)

        assert ["$"] == paths(caught.value)

    def test_a_non_string_key_inside_names_the_object(self) -> None:
        """A rating with a key of another type is refused at the rating's own path."""
        doc: dict[Any, Any] = example_doc()
        doc["reviews"][1]["ratings"][0][7] = "x"
        with pytest.raises(pm.ValidationError) as caught:
            pm.from_dict(doc, pm.Pathway)

        problem = caught.value.problems[0]
        assert ("$.reviews[1].ratings[0]", "a key of type int") == (problem.path, problem.found)

    def test_a_non_string_key_in_a_definition_is_a_wrong_type(self) -> None:
        """Definitions are refused alike."""
        doc: dict[Any, Any] = pm.to_dict(SECURE_PATHWAY)
        doc["stages"][0][None] = 1
        with pytest.raises(pm.ValidationError) as caught:
            pm.from_dict(doc, pm.PathwayDefinition)

        assert "$.stages[0]" == caught.value.problems[0].path


class TestWrongClass:
    """A class argument that is not a kind of document is refused without showing it."""

    @pytest.mark.parametrize("cls", [[1], SECRET, pm.Review])
    def test_a_wrong_class_is_a_wrong_type(self, cls: Any) -> None:
        """Anything but a document class, even unhashable or text, is a WrongTypeError."""
        with pytest.raises(pm.WrongTypeError) as caught:
            pm.loads(pm.dumps(SECURE_PATHWAY), cls)

        assert ("cls", False) == (caught.value.problems[0].path, SECRET in str(caught.value))
