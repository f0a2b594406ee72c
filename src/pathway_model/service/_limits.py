"""Hostile bodies: size, nesting and JSON, refused before any rule sees them."""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["BadBody", "json_depth", "parse_json"]

#: A JSON string (skipped whole) or a bracket: nesting is counted over these alone.
_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


class BadBody(Exception):  # noqa: N818 - a refusal, not an error of the service
    """A body refused: ``status`` and a message that names no part of it but its form."""

    def __init__(self, status: int, title: str, detail: str) -> None:
        self.status = status
        self.title = title
        self.detail = detail
        super().__init__(detail)


def json_depth(data: bytes, limit: int) -> int:
    """How deeply arrays and objects nest in JSON text, counting up to ``limit + 1``.

    Brackets inside strings do not count. The text need not be valid JSON: the parser
    judges that after this, knowing it cannot be sent too deep.
    """
    depth = deepest = 0
    for match in _TOKENS.finditer(data):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    break
        elif token in (b"]", b"}"):
            depth -= 1
    return deepest


def _no_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) != len(pairs):
        raise BadBody(400, "Bad Request", "an object has the same key twice")
    return found


def _no_constant(name: str) -> None:
    raise BadBody(400, "Bad Request", "the body holds NaN or Infinity, which JSON does not")


def parse_json(data: bytes, *, max_depth: int) -> Any:
    """Parse a JSON body strictly: UTF-8, no key twice, no ``NaN``, nested at most so deep.

    Raises:
        BadBody: The body is empty, not UTF-8, not JSON, too deep, or breaks a rule above.
    """
    if not data.strip():
        raise BadBody(400, "Bad Request", "the body is empty; expected a JSON document")
    if json_depth(data, max_depth) > max_depth:
        raise BadBody(400, "Bad Request", f"the JSON is nested more than {max_depth} levels deep")
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        raise BadBody(400, "Bad Request", "the body is not UTF-8") from None
    try:
        return json.loads(text, object_pairs_hook=_no_repeats, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        detail = f"the body is not JSON: {error.msg} at line {error.lineno} column {error.colno}"
    except RecursionError:
        detail = "the JSON is nested too deeply"
    raise BadBody(400, "Bad Request", detail)
