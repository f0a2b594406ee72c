"""The JSON API: assess, readiness, schedule and validate, for one document or many.

A body of ``application/json`` is one document, and the answer is one document. A body
of JSON Lines (``application/x-ndjson`` or ``application/jsonl``) is one document a line;
the answer is JSON Lines too, a line for each document in its order: the result, or the
problem details of the document that was refused. Errors are RFC 9457 problem details
(``application/problem+json``), carrying the library's problems list.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from typing import Any

import attrs

import pathway_model as pm
from pathway_model.errors import PathwayModelError, UnknownCodeError, ValidationError

__all__ = [
    "JSON_LINES",
    "OPERATIONS",
    "PROBLEM_BASE",
    "Answer",
    "answer",
    "problem",
    "problem_of",
]

#: The media types of a body of many documents, one a line.
JSON_LINES = ("application/x-ndjson", "application/jsonl", "application/json-lines")
#: Where the types of problem details are named (identifiers; they need not resolve).
PROBLEM_BASE = "https://pathway-model.org/problems"
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@attrs.frozen(kw_only=True)
class Answer:
    """What the API answers: a status, a media type and the body's bytes."""

    status: int
    media_type: str
    body: bytes


def problem(
    status: int,
    slug: str,
    title: str,
    detail: str,
    problems: tuple[pm.Problem, ...] = (),
    **more: object,
) -> dict[str, Any]:
    """A problem details object (RFC 9457) with the library's problems list."""
    found: dict[str, Any] = {
        "type": f"{PROBLEM_BASE}/{slug}",
        "title": title,
        "status": status,
        "detail": detail,
    }
    if problems:
        found["problems"] = [
            {"path": item.path, "expected": item.expected, "found": item.found} for item in problems
        ]
    found.update(more)
    return found


def problem_of(error: PathwayModelError) -> dict[str, Any]:
    """The problem details of a refused document."""
    if isinstance(error, ValidationError):
        return problem(
            422,
            "invalid-document",
            "The document has problems",
            str(error).splitlines()[0],
            error.problems,
            total=error.total,
            more_may_follow=error.more_may_follow,
        )
    if isinstance(error, UnknownCodeError):
        where = error.path or "$"
        item = pm.Problem(path=where, expected=f"a known {error.kind}", found=repr(error.code)[:42])
        return problem(
            422, "unknown-code", "The document names an unknown code", str(error), (item,)
        )
    return problem(422, "refused", "The document was refused", str(error))


def _dump(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def _as_of(query: dict[str, str]) -> dt.date:
    text = query.get("as_of")
    if text is None:
        raise ValidationError.single(
            "as_of", "the query parameter as_of, a date as YYYY-MM-DD", "none"
        )
    if _ISO_DATE.fullmatch(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    raise ValidationError.single("as_of", "a date as YYYY-MM-DD that exists", repr(text)[:42])


#: What an operation answers for one document: a library document's text, or an object.
Result = str | dict[str, Any]
#: An operation on one document: its bytes, the date, the definition and the size limit.
Operation = Callable[[bytes, dt.date | None, "pm.PathwayDefinition | None", int], Result]


def _rule(rule: Callable[..., object]) -> Operation:
    def run(
        data: bytes, as_of: dt.date | None, definition: pm.PathwayDefinition | None, limit: int
    ) -> Result:
        record = pm.loads(data, pm.Pathway, definition=definition, max_bytes=limit)
        return pm.dumps(rule(record, as_of, definition=definition))

    return run


def _validate(
    data: bytes, as_of: dt.date | None, definition: pm.PathwayDefinition | None, limit: int
) -> Result:
    found = pm.loads(data, definition=definition, max_bytes=limit)
    return {"valid": True, "document": pm.to_dict(found)["document"]}


#: Each operation: whether it needs ``as_of``, and what it does with one document.
OPERATIONS: dict[str, tuple[bool, Operation]] = {
    "assess": (True, _rule(pm.assess)),
    "readiness": (True, _rule(pm.readiness)),
    "schedule": (True, _rule(pm.review_schedule)),
    "validate": (False, _validate),
}


def _one(
    operation: str,
    data: bytes,
    as_of: dt.date | None,
    definition: pm.PathwayDefinition | None,
    limit: int,
) -> tuple[bool, Result]:
    """One document's answer: (refused?, the result or its problem details)."""
    _, run = OPERATIONS[operation]
    try:
        return False, run(data, as_of, definition, limit)
    except PathwayModelError as error:
        refused = problem_of(error)
    if operation == "validate":
        refused = {"valid": False, **refused}
    return True, refused


def answer(
    operation: str,
    data: bytes,
    *,
    many: bool,
    query: dict[str, str],
    definition: pm.PathwayDefinition | None,
    max_bytes: int,
    max_documents: int,
) -> Answer:
    """Answer one call of the JSON API (the body already within its limits)."""
    needs_date, _ = OPERATIONS[operation]
    as_of: dt.date | None = None
    if needs_date:
        try:
            as_of = _as_of(query)
        except ValidationError as error:
            details = problem(400, "invalid-request", "Bad Request", str(error), error.problems)
            return Answer(status=400, media_type="application/problem+json", body=_dump(details))
    if not many:
        refused, result = _one(operation, data, as_of, definition, max_bytes)
        body = result.encode() if isinstance(result, str) else _dump(result)
        if refused and operation != "validate":
            return Answer(status=422, media_type="application/problem+json", body=body)
        return Answer(status=200, media_type="application/json", body=body)
    lines = [
        (number, line) for number, line in enumerate(data.split(b"\n"), start=1) if line.strip()
    ]
    if len(lines) > max_documents:
        details = problem(
            413,
            "too-many-documents",
            "Content Too Large",
            f"expected at most {max_documents:,} documents; found {len(lines):,}",
        )
        return Answer(status=413, media_type="application/problem+json", body=_dump(details))
    out = []
    for number, line in lines:
        _, result = _one(operation, line, as_of, definition, max_bytes)
        if isinstance(result, str):
            out.append(result.encode())
        else:
            out.append(_dump({**result, "line": number}))
    body = b"".join(item + b"\n" for item in out)
    return Answer(status=200, media_type="application/x-ndjson", body=body)
