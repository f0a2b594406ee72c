"""Migrations: each turns a document of one version of the format into the next.

A migration works on the parsed document as plain dicts and lists, before any field is
read, and changes only what the newer version says differently: what it leaves alone is
read, and any problem in it reported, exactly as in a document of the newer version.
It never refuses a document itself, so a problem is always reported by the loader, with
its path. See "The JSON format" for what each version changed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pathway_model.model._checks import unicode_problem
from pathway_model.rules import CriterionKind, NoLevel

__all__ = ["MIGRATIONS", "version_1_to_2"]

#: A level criterion's own fields, which a version 1 document may leave out: it says
#: them in ``expected`` (``"at least <code>"``) and ``actual`` (the level code found, or
#: why there is none).
LEVEL_FIELDS = ("required_level", "found_level", "why_no_level")
_LEVEL_KINDS = frozenset({CriterionKind.TEAM_LEVEL.value, CriterionKind.PERSON_LEVEL.value})
_NO_LEVEL = frozenset(reason.value for reason in NoLevel)


def level_fields(criterion: dict[str, Any]) -> dict[str, str | None]:
    """A criterion's level fields, as JSON, as its ``expected`` and ``actual`` say them.

    A criterion that is not a level criterion, or whose text cannot be read, has none:
    its problems are reported where they are, not again here.
    """
    kind = criterion.get("kind")
    expected, actual = criterion.get("expected"), criterion.get("actual")
    if type(kind) is not str or kind not in _LEVEL_KINDS:
        return dict.fromkeys(LEVEL_FIELDS)
    if type(expected) is not str or type(actual) is not str:
        return dict.fromkeys(LEVEL_FIELDS)
    if unicode_problem("$", expected) or unicode_problem("$", actual):
        return dict.fromkeys(LEVEL_FIELDS)
    no_level = actual in _NO_LEVEL
    return {
        "required_level": expected.removeprefix("at least "),
        "found_level": None if no_level else actual,
        "why_no_level": actual if no_level else None,
    }


def version_1_to_2(document: dict[str, Any]) -> dict[str, Any]:
    """Turn a version 1 document into version 2.

    Version 2 added a record's ``recorded_readiness`` (a version 1 record had none), and
    writes every field of an assessment: ``events_outside_stays`` (which version 1 left
    out when 0) and each criterion's level fields (which version 1 left out when its
    ``expected`` and ``actual`` said them). Nothing else changed.
    """
    migrated = dict(document)
    kind = migrated.get("document")
    if kind == "pathway" and "recorded_readiness" not in migrated:
        migrated["recorded_readiness"] = []
    elif kind == "assessment":
        migrated.setdefault("events_outside_stays", 0)
        criteria = migrated.get("criteria")
        if type(criteria) is list:
            migrated["criteria"] = [_criterion(criterion) for criterion in criteria]
    migrated["schema_version"] = 2
    return migrated


def _criterion(criterion: object) -> object:
    """A version 1 criterion with its level fields, read from its text when it has none."""
    if type(criterion) is not dict or any(key in criterion for key in LEVEL_FIELDS):
        return criterion  # not an object (reported by the loader), or already whole
    return {**criterion, **level_fields(criterion)}


MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: version_1_to_2}
"""``MIGRATIONS[n]`` turns a version ``n`` document into version ``n + 1``."""
