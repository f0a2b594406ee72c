"""The national codes for a restrictive intervention's type, held once as data.

The codes are those of the Mental Health Services Data Set field ``RestrictiveIntType``
(table MHS515), as the national publication's reference data lists them; the sources page
names where. The model checks an incident's ``intervention_type`` against them, FHIR
export writes their labels, and the MHSDS reader maps its rows with them.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import attrs

__all__ = ["RESTRICTIVE_INTERVENTION_TYPES", "RestrictiveInterventionType"]


@attrs.frozen
class RestrictiveInterventionType:
    """One code of the national list: its group and its label.

    Attributes:
        code: The code, as MHSDS writes it (two digits, as text).
        group: ``"physical"``, ``"mechanical"``, ``"seclusion"``, ``"segregation"`` or
            ``"chemical"``.
        label: What the code means, in a few words.
    """

    code: str
    group: str
    label: str


def _table(*rows: tuple[str, str, str]) -> Mapping[str, RestrictiveInterventionType]:
    return MappingProxyType({row[0]: RestrictiveInterventionType(*row) for row in rows})


RESTRICTIVE_INTERVENTION_TYPES: Mapping[str, RestrictiveInterventionType] = _table(
    ("01", "physical", "Physical restraint: prone"),
    ("04", "mechanical", "Mechanical restraint"),
    ("05", "seclusion", "Seclusion"),
    ("06", "segregation", "Segregation"),
    ("07", "physical", "Physical restraint: standing"),
    ("08", "physical", "Physical restraint: restrictive escort"),
    ("09", "physical", "Physical restraint: supine"),
    ("10", "physical", "Physical restraint: side"),
    ("11", "physical", "Physical restraint: seated"),
    ("12", "physical", "Physical restraint: kneeling"),
    ("13", "physical", "Physical restraint: other"),
    ("14", "chemical", "Chemical restraint: rapid tranquillisation by injection"),
    ("15", "chemical", "Chemical restraint: other injection"),
    ("16", "chemical", "Chemical restraint: oral"),
    ("17", "chemical", "Chemical restraint: other"),
)
"""The codes of MHSDS ``RestrictiveIntType`` in code order, each with its group and label."""
