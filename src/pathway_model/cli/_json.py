"""Reading the command's own JSON files, as strictly as the library reads its documents.

A library document is read with the public `loads`. The command also reads JSON that is
no library document (an ``--instruments`` file of ``fhir export``), and looks at the
header of a file ``fhir import`` could not read, to say what it holds. These are read
here under the library's rules for JSON text, and their problems are worded as the
library words its own: the same size limit, UTF-8 only, no ``NaN`` or ``Infinity``, each
key once in an object, every problem with its JSON path, and no text of the file echoed.
The tests hold each of these to the library's own reading of the same text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pathway_model as pm
from pathway_model.cli._render import show_code
from pathway_model.errors import Problem, ValidationError

__all__ = ["json_type", "key_path", "object_of", "parse_json"]

#: The JSON type of each type `parse_json` gives; a tuple is an object, as (key, value) pairs.
_JSON_NAMES: dict[type[Any], str] = {
    type(None): "null",
    bool: "a boolean",
    int: "a number",
    float: "a number",
    Decimal: "a number",
    str: "a string",
    list: "an array",
    dict: "an object",
    tuple: "an object",
}

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ORDINARY_NUMBER = "a number of ordinary size"


def json_type(value: object) -> str:
    """Name the JSON type of a parsed value, for messages: ``an array``, ``a number``, ..."""
    return _JSON_NAMES.get(type(value)) or type(value).__name__


def key_path(where: str, key: str) -> str:
    """The path of ``key`` in the object at ``where``: ``$.a.b``, or ``$.a["odd key"]``."""
    return f"{where}.{key}" if _IDENTIFIER.fullmatch(key) else f"{where}[{json.dumps(key)[:40]}]"


def object_of(value: object, where: str) -> dict[str, Any] | None:
    """A JSON object `parse_json` gave as ``(key, value)`` pairs, as a dict; else ``None``.

    Raises:
        ValidationError: A key appears more than once, each such key with its path.
    """
    if type(value) is not tuple:
        return None
    result = dict(value)
    if len(result) != len(value):
        seen: set[str] = set()
        repeated = []
        for key, _ in value:
            if key in seen and key not in repeated:
                repeated.append(key)
            seen.add(key)
        raise ValidationError(
            Problem(
                path=key_path(where, key),
                expected="each key once in an object",
                found=f"the key {show_code(key)} more than once",
            )
            for key in repeated
        )
    return result


class _Refused:
    """Stands in for a value JSON text may hold but a document may not, to report it by path."""

    __slots__ = ("expected", "found")

    def __init__(self, found: str, expected: str) -> None:
        self.found = found
        self.expected = expected


def parse_json(data: bytes) -> object:
    """Parse JSON text strictly, reporting every problem with its path.

    Objects come back as tuples of ``(key, value)`` pairs (`object_of` turns one into a
    dict, refusing a key given twice where its path is known), arrays as lists, numbers
    with a point or exponent as ``Decimal``.

    Raises:
        ValidationError: Larger than the library reads (``MAX_DOCUMENT_BYTES``), not
            UTF-8, not JSON, nested too deeply, or holding ``NaN``, ``Infinity`` or a
            number too large to hold.
    """
    limit = pm.MAX_DOCUMENT_BYTES
    if len(data) > limit:
        raise ValidationError.single(
            "$", f"a document of at most {limit:,} bytes", f"{len(data):,} bytes"
        )
    offset = -1
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        offset = error.start
    if offset >= 0:  # raised outside the handler: the decode error holds every byte
        raise ValidationError.single(
            "$", "UTF-8 text", f"a byte that is not UTF-8 at offset {offset}"
        )
    refused: list[_Refused] = []
    # Each failure is raised outside its handler: the parser's exception holds the text.
    failure: Problem | None = None
    try:
        tree = json.loads(
            text.removeprefix("\ufeff"),
            object_pairs_hook=tuple,
            parse_constant=_standing_in(refused, _constant),
            parse_int=_standing_in(refused, _whole),
            parse_float=_standing_in(refused, _fraction),
        )
    except json.JSONDecodeError as error:
        failure = Problem(
            path="$",
            expected="a JSON document",
            found=f"{error.msg} at line {error.lineno} column {error.colno}",
        )
    except RecursionError:
        failure = Problem(
            path="$", expected="a document nested less deeply", found="nesting too deep to read"
        )
    if failure is not None:
        raise ValidationError([failure])
    if refused:
        raise ValidationError(_refused_problems(tree))
    return tree


def _constant(name: str) -> object:
    return _Refused(name, "a finite number (JSON has no NaN or Infinity)")


def _whole(token: str) -> object:
    try:
        return int(token)
    except ValueError:  # more digits than Python converts
        return _Refused(f"a whole number of {len(token.lstrip('-')):,} digits", _ORDINARY_NUMBER)


def _fraction(token: str) -> object:
    try:
        return Decimal(token)
    except ArithmeticError:
        return _Refused("a number with an exponent too large to hold", _ORDINARY_NUMBER)


def _standing_in(refused: list[_Refused], read: Callable[[str], object]) -> Callable[[str], object]:
    """``read``, noting each value it refuses."""

    def noting(token: str) -> object:
        value = read(token)
        if isinstance(value, _Refused):
            refused.append(value)
        return value

    return noting


def _refused_problems(tree: object) -> list[Problem]:
    """Each refused value in a parsed tree, with its path, in the order of the text."""
    problems = []
    stack: list[tuple[object, str]] = [(tree, "$")]
    while stack:
        item, where = stack.pop()
        if isinstance(item, _Refused):
            problems.append(Problem(path=where, expected=item.expected, found=item.found))
        elif isinstance(item, tuple):
            stack.extend((child, key_path(where, key)) for key, child in reversed(item))
        elif isinstance(item, list):
            stack.extend((child, f"{where}[{n}]") for n, child in reversed(list(enumerate(item))))
    return problems
