"""The ``pathway-model`` command: check documents, decide readiness, exchange FHIR, report.

Run it as ``pathway-model COMMAND ...`` (the console script) or ``python -m pathway_model
COMMAND ...``. Each command is a thin layer over the public API, and uses the library's
public names only: it reads JSON documents, calls the library, and writes text for people
or the library's own JSON documents. The how-to guide "Use the command line" shows each
command and its exit codes.

The package is laid out by job: ``_app`` (exit codes, the command table, the parser and
``main``), ``_console`` (the streams and the progress line), ``_inputs`` (reading files,
folders, JSON Lines and standard input), ``_json`` (reading the command's own JSON files
as strictly as the library reads its documents), ``_render`` (text and tables), and one
module per group of commands, imported only when one of its commands runs: ``_validate``,
``_rules`` (assess, readiness, schedule), ``_schema``, ``_fhir``, ``_cohort``, ``_demo`` and
``_mhsds``.

Nothing in the library imports this package; importing ``pathway_model`` stays cheap.
"""

from __future__ import annotations

from pathway_model.cli._app import main

__all__ = ["main"]
