"""FHIR R4: a pathway as a Bundle and back, with HoNOS and HoNOS-secure ratings beside it.

[`to_fhir`][pathway_model.fhir.to_fhir] writes a record (and any instrument ratings) as a
FHIR R4 Bundle; [`from_fhir`][pathway_model.fhir.from_fhir] and
[`from_fhir_with_instruments`][pathway_model.fhir.from_fhir_with_instruments] read one
back; [`fhir_code_systems`][pathway_model.fhir.fhir_code_systems] gives the CodeSystem
resources a definition's codes come from. The how-to
"Exchange pathways as FHIR R4" shows the whole round trip.

Examples:
    >>> import datetime as dt
    >>> import pathway_model as pm
    >>> from pathway_model.catalogue import SECURE_PATHWAY
    >>> from pathway_model.fhir import from_fhir, to_fhir
    >>> pathway = pm.Pathway.start(
    ...     SECURE_PATHWAY, person_id="P-0001", stage="medium_secure",
    ...     provider="Northfield MSU", on=dt.date(2024, 1, 8),
    ... )
    >>> from_fhir(to_fhir(pathway)) == pathway
    True
"""

from pathway_model.fhir._codes import (
    FHIR_BASE,
    FHIR_NAMESPACE,
    FHIR_VOCABULARY_VERSION,
    fhir_code_systems,
)
from pathway_model.fhir._export import to_fhir
from pathway_model.fhir._import import from_fhir, from_fhir_with_instruments
from pathway_model.fhir._package import PACKAGE_DATE, PACKAGE_NAME, fhir_package
from pathway_model.fhir._values import IGNORED_REASONS, FhirImport, IgnoredElement, InstrumentRating

__all__ = [
    "FHIR_BASE",
    "FHIR_NAMESPACE",
    "FHIR_VOCABULARY_VERSION",
    "FhirImport",
    "IGNORED_REASONS",
    "IgnoredElement",
    "InstrumentRating",
    "PACKAGE_DATE",
    "PACKAGE_NAME",
    "fhir_code_systems",
    "fhir_package",
    "from_fhir",
    "from_fhir_with_instruments",
    "to_fhir",
]
