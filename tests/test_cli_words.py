"""The command line's own helpers say things as the library does.

The command uses the library through its public names only, so it keeps a few small
helpers of its own: its table of the kinds of document, its strict reading of the JSON
files it reads beside the documents (an ``--instruments`` file), and its amounts in
words. Each must agree with the library's own, which these tests read from its private
modules: a change to the library's wording shows here first.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pathway_model as pm
from pathway_model.cli import _inputs, _json, _render
from pathway_model.errors import ValidationError
from pathway_model.io import _converter
from pathway_model.io import _json as library_json
from pathway_model.rules import _explain

#: Any JSON value, as Python gives it to ``json.dumps``.
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=5),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(), children),
    max_leaves=12,
)

#: Text that is JSON, nearly JSON, or refused for a reason of its own.
TEXTS = {
    "an object": b'{"id": "r1", "record": {"h1": 2, "h2": 9}, "odd key": [1, 2.5, null]}',
    "an array": b'[{"id": "r1"}, 7, "x", true]',
    "a byte order mark": b'\xef\xbb\xbf{"a": 1}',
    "not JSON": b'{"schema_version": 1,\n  oops}',
    "cut short": b'[{"a": 1}',
    "empty": b"",
    "not UTF-8": b'{"a": "\xff"}',
    "NaN and Infinity": b'[NaN, {"a": Infinity, "b c": [-Infinity]}]',
    "a whole number too long": b'{"n": ' + b"1" * 5000 + b"}",
    "an exponent too large": b'{"n": 1e999999999999999999999999}',
    "nested too deeply": b"[" * 100_000 + b"]" * 100_000,
    "a key given twice": b'{"a": 1, "a": 2, "b": {"c": 1, "c": 1}}',
    "lone surrogate": b'["\\ud800"]',
}


def _outcome(parse: Any, data: bytes) -> tuple[str, object]:
    """What parsing gives: the tree, or the problems and their count."""
    try:
        return "tree", parse(data)
    except ValidationError as error:
        return "problems", (error.problems, error.total)


class TestReadingJson:
    @pytest.mark.parametrize("data", TEXTS.values(), ids=TEXTS.keys())
    def test_the_command_reads_text_as_the_library_does(self, data: bytes) -> None:
        """The same tree, or the same problems in the same words, for each kind of text."""
        assert _outcome(library_json.parse, data) == _outcome(_json.parse_json, data)

    def test_a_document_larger_than_the_library_reads_is_refused_alike(self) -> None:
        """Text over the library's limit is refused in the library's words."""
        data = b" " * (pm.MAX_DOCUMENT_BYTES + 1)
        assert _outcome(library_json.parse, data) == _outcome(_json.parse_json, data)

    @given(JSON_VALUES)
    def test_any_json_value_reads_alike(self, value: object) -> None:
        """Whatever JSON holds, the two readings give the same tree."""
        data = json.dumps(value).encode()
        assert library_json.parse(data) == _json.parse_json(data)

    @given(st.binary(max_size=40))
    def test_any_bytes_read_alike(self, data: bytes) -> None:
        """Whatever the bytes, both readings give the same tree or the same problems."""
        assert _outcome(library_json.parse, data) == _outcome(_json.parse_json, data)

    @pytest.mark.parametrize(
        "name", ["an object", "an array", "a byte order mark", "a key given twice"]
    )
    def test_objects_become_dicts_alike(self, name: str) -> None:
        """An object is a dict, or its repeated keys the same problems, as the library says."""
        tree = library_json.parse(TEXTS[name])
        assert _outcome(lambda t: _converter.object_of(t, "$"), tree) == _outcome(
            lambda t: _json.object_of(t, "$"), tree
        )

    @given(JSON_VALUES)
    def test_json_types_are_named_alike(self, value: object) -> None:
        """A parsed value's JSON type is named in the library's words."""
        tree = library_json.parse(json.dumps(value))
        assert _converter.json_type(tree) == _json.json_type(tree)

    @given(st.text(max_size=60))
    def test_paths_of_keys_are_written_alike(self, key: str) -> None:
        """The path of a key in an object, plain or quoted, is the library's."""
        assert _converter.key_path("$[0]", key) == _json.key_path("$[0]", key)


class TestKindsOfDocument:
    def test_the_kinds_are_the_librarys_in_its_order(self) -> None:
        """The command knows every kind of document the library reads, by the same name."""
        library = [(name, cls) for cls, name in library_json.DOCUMENTS.items()]
        assert library == list(_inputs.DOCUMENTS.items())

    @pytest.mark.parametrize(("name", "cls"), list(_inputs.DOCUMENTS.items()))
    def test_each_name_is_the_one_its_schema_gives(self, name: str, cls: type[Any]) -> None:
        """Each kind's name is the ``document`` key its published schema requires."""
        assert name == pm.json_schema(cls)["properties"]["document"]["const"]


class TestAmounts:
    @given(
        st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-(10**9))
        | st.sampled_from([Decimal(0), Decimal("452"), Decimal("12.5"), Decimal("55144.00")])
    )
    def test_amounts_are_written_as_the_explanations_write_them(self, amount: Decimal) -> None:
        """``Cost of delay: £12.50`` on the command line, ``cost of delay £12.50`` explained."""
        assert _explain.money(amount) == _render.money(amount)
