"""Hostile bodies: size, nesting and JSON, refused before any rule sees them."""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["BadBody", "json_depth", "parse_json"]

#: Every byte but the quote and the four brackets, which are all nesting depends on.
_NOT_STRUCTURE = bytes(byte for byte in range(256) if byte not in b'"[]{}')
_ESCAPE = re.compile(rb"\\.", re.DOTALL)
_STRING = re.compile(rb'"[^"]*"')
_PAIR = re.compile(rb"\[\]|\{\}")


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
    judges that after this, knowing it cannot be sent too deep. The work is done by
    the byte and regular expression machinery, a pass over the brackets for each level.
    """
    brackets = _ESCAPE.sub(b"", data).translate(None, _NOT_STRUCTURE)
    # Most strings hold no bracket, and go as "" pairs; then the few left, whole.
    brackets = _STRING.sub(b"", brackets.replace(b'""', b""))
    depth = 0
    while brackets and depth <= limit:
        inner = _PAIR.sub(b"", brackets)
        if len(inner) == len(brackets):
            break  # unbalanced: not JSON, as the parser will say
        brackets = inner
        depth += 1
    return depth


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
