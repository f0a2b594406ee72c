"""The one internal API of `model` that other subpackages may use.

Rules, scoring, FHIR, the synthetic cohorts, plotting and the command line check and
describe values the way the model does: the same codes, limits and validators, the same
words for a value's type, the same calendar shift. They import those pieces from here,
and only from here: every other module of `model` is private to the package, and may
change shape without notice. (`io`, the model's own serialisation, reads the validators'
parameters as data and may reach further.)

A name joins this seam only when a subpackage outside `model` needs it; the public
nouns (`Pathway`, `Period`, ...) are imported from `pathway_model` instead.
"""

from __future__ import annotations

from pathway_model.model._checks import (
    CODE_EXPECTED,
    MAX_NAME_LENGTH,
    MAX_TEXT_LENGTH,
    boolean,
    code,
    date,
    instance_of,
    integer,
    is_code,
    items_of,
    name,
    path_of,
    raise_problems,
    show_code,
    text,
    tuple_of,
    type_name,
    unique_codes,
)
from pathway_model.model._code_lists import (
    ATTRIBUTABLE_TO,
    DELAY_REASON_LISTS,
    DELAY_REASONS_V5,
    DELAY_REASONS_V6,
    CodeList,
    ListedCode,
)
from pathway_model.model._instrument import (
    NOT_KNOWN,
    DundrumInstrument,
    Instrument,
    InstrumentScale,
)
from pathway_model.model._numbers import as_float, as_int, as_real, is_bool, is_real, show_number
from pathway_model.model._record import item_at, looks_like_nhs_number, review_item_at
from pathway_model.model._restrictive import (
    RESTRICTIVE_INTERVENTION_TYPES,
    RestrictiveInterventionType,
)
from pathway_model.model._time import shift_date
from pathway_model.model._validation import outside_stays, refuse_unknown_codes

__all__ = [
    "ATTRIBUTABLE_TO",
    "CODE_EXPECTED",
    "CodeList",
    "DELAY_REASONS_V5",
    "DELAY_REASONS_V6",
    "DELAY_REASON_LISTS",
    "DundrumInstrument",
    "Instrument",
    "InstrumentScale",
    "ListedCode",
    "MAX_NAME_LENGTH",
    "MAX_TEXT_LENGTH",
    "NOT_KNOWN",
    "RESTRICTIVE_INTERVENTION_TYPES",
    "RestrictiveInterventionType",
    "as_float",
    "as_int",
    "as_real",
    "boolean",
    "code",
    "date",
    "instance_of",
    "integer",
    "is_bool",
    "is_code",
    "is_real",
    "item_at",
    "items_of",
    "looks_like_nhs_number",
    "name",
    "outside_stays",
    "path_of",
    "raise_problems",
    "refuse_unknown_codes",
    "review_item_at",
    "shift_date",
    "show_code",
    "show_number",
    "text",
    "tuple_of",
    "type_name",
    "unique_codes",
]
