"""Built-in, versioned data: frameworks, pathway definitions, instruments and code lists.

Each is data built from the public model classes, identified and versioned; every figure
cites its source in the module that defines it and on the docs page "Domain facts and
sources". Services can build their own from the same classes.

Examples:
    >>> from pathway_model import catalogue
    >>> catalogue.definition("secure-pathway").stage_codes
    ('high_secure', 'medium_secure', 'low_secure', 'community', 'discharged')
"""

from __future__ import annotations

import typing

from pathway_model.catalogue._instruments import (
    DUNDRUM_1,
    DUNDRUM_2,
    DUNDRUM_3,
    DUNDRUM_4,
    HONOS,
    HONOS_SECURE,
)
from pathway_model.catalogue._msp import MSP_ATTAINMENT, MY_SHARED_PATHWAY
from pathway_model.catalogue._opd import OFFENDER_PERSONALITY_DISORDER_PATHWAY, OPD_OUTCOMES
from pathway_model.catalogue._secure import SECURE_PATHWAY
from pathway_model.errors import UnknownCodeError
from pathway_model.errors import WrongTypeError as _WrongTypeError
from pathway_model.model import OutcomeFramework, Pathway, PathwayDefinition
from pathway_model.model._seam import (
    ATTRIBUTABLE_TO,
    DELAY_REASON_LISTS,
    DELAY_REASONS_V5,
    DELAY_REASONS_V6,
    CodeList,
    ListedCode,
)

__all__ = [
    "ATTRIBUTABLE_TO",
    "CodeList",
    "DEFINITIONS",
    "DELAY_REASONS_V5",
    "DELAY_REASONS_V6",
    "DELAY_REASON_LISTS",
    "DUNDRUM_1",
    "DUNDRUM_2",
    "DUNDRUM_3",
    "DUNDRUM_4",
    "FRAMEWORKS",
    "HONOS",
    "HONOS_SECURE",
    "ListedCode",
    "MSP_ATTAINMENT",
    "MY_SHARED_PATHWAY",
    "OFFENDER_PERSONALITY_DISORDER_PATHWAY",
    "OPD_OUTCOMES",
    "SECURE_PATHWAY",
    "definition",
    "definition_for",
    "framework",
]

FRAMEWORKS: tuple[OutcomeFramework, ...] = (MY_SHARED_PATHWAY, OPD_OUTCOMES)
"""Every built-in outcome framework."""

DEFINITIONS: tuple[PathwayDefinition, ...] = (SECURE_PATHWAY, OFFENDER_PERSONALITY_DISORDER_PATHWAY)
"""Every built-in pathway definition."""


def _newest_key(version: str) -> tuple[tuple[int, int | str], ...]:
    # "1.10.0" sorts after "1.9.0"; numeric parts sort before text parts.
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in version.split("."))


_T = typing.TypeVar("_T", OutcomeFramework, PathwayDefinition)


def _find(items: tuple[_T, ...], kind: str, id: str, version: str | None) -> _T:
    """The item with ``id`` at ``version`` (the newest when ``None``), or UnknownCodeError."""
    found = [item for item in items if item.id == id and version in (None, item.version)]
    if not found:
        known = [f"{item.id}@{item.version}" for item in items]
        raise UnknownCodeError(kind, id if version is None else f"{id}@{version}", known)
    return max(found, key=lambda item: _newest_key(item.version))


def framework(id: str, version: str | None = None) -> OutcomeFramework:
    """Return a built-in outcome framework.

    Args:
        id: The framework's id, e.g. ``"my-shared-pathway"``.
        version: The version wanted; the newest when ``None``.

    Raises:
        UnknownCodeError: No built-in framework has that id (and version).
    """
    return _find(FRAMEWORKS, "framework", id, version)


def definition(id: str, version: str | None = None) -> PathwayDefinition:
    """Return a built-in pathway definition.

    Args:
        id: The definition's id, e.g. ``"secure-pathway"``.
        version: The version wanted; the newest when ``None``.

    Raises:
        UnknownCodeError: No built-in definition has that id (and version).
    """
    return _find(DEFINITIONS, "pathway definition", id, version)


def definition_for(pathway: Pathway) -> PathwayDefinition:
    """Return the built-in definition a record names (its id and exact version).

    Raises:
        WrongTypeError: ``pathway`` is not a Pathway.
        UnknownCodeError: The record names a definition that is not built in.
    """
    if not isinstance(pathway, Pathway):
        raise _WrongTypeError.single("pathway", "a Pathway", type(pathway).__name__)
    found = _BY_ID_AND_VERSION.get((pathway.definition_id, pathway.definition_version))
    if found is None:
        return definition(pathway.definition_id, pathway.definition_version)  # raises
    return found


# The rules look a record's definition up once a record: a dictionary, not a search.
_BY_ID_AND_VERSION = {(item.id, item.version): item for item in DEFINITIONS}
