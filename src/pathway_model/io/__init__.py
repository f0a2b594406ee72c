"""The edges: JSON documents with schema versions, and their JSON Schema.

Import from `pathway_model`; this package's layout is private.
"""

from pathway_model.io._json import (
    MAX_DOCUMENT_BYTES,
    SCHEMA_VERSION,
    dumps,
    from_dict,
    loads,
    to_dict,
)
from pathway_model.io._schema import json_schema

__all__ = [
    "MAX_DOCUMENT_BYTES",
    "SCHEMA_VERSION",
    "dumps",
    "from_dict",
    "json_schema",
    "loads",
    "to_dict",
]
