"""The facts of the JSON format that need no converter: its version and size limit.

Kept apart from the reader and the writer so that `import pathway_model` can name them
without loading serialisation (cattrs and the converter), which loads on first use.
"""

from __future__ import annotations

__all__ = ["MAX_DOCUMENT_BYTES", "SCHEMA_VERSION"]

SCHEMA_VERSION = 2
"""The version of the JSON format this library writes. Older versions load by migration:
version 2 added a record's recorded readiness, and writes every field of a result."""

MAX_DOCUMENT_BYTES = 64 * 1024 * 1024
"""The largest document `loads` reads unless told otherwise: 64 MiB."""
