"""The ``schema`` command: the JSON Schema of a kind of document."""

from __future__ import annotations

import argparse
import json

import pathway_model as pm
from pathway_model.cli._app import Command, ExitCode, add_output_option
from pathway_model.cli._console import Console, write_output
from pathway_model.cli._inputs import DOCUMENTS

__all__ = ["SCHEMA"]


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "document",
        nargs="?",
        default="pathway",
        choices=list(DOCUMENTS),
        metavar="DOCUMENT",
        help=(
            "the kind of document, as its 'document' key names it: "
            + ", ".join(DOCUMENTS)
            + " (default: pathway)"
        ),
    )
    add_output_option(parser, "the schema")


def _schema(args: argparse.Namespace, console: Console) -> int:
    cls = DOCUMENTS[args.document]
    text = json.dumps(pm.json_schema(cls), indent=2, ensure_ascii=False) + "\n"
    write_output(text, args.output, console)
    return ExitCode.OK


SCHEMA = Command(
    description=(
        "Write the JSON Schema (draft 2020-12) of a kind of document, generated from the\n"
        "model. Every document the schema refuses, the loader refuses too; the loader checks\n"
        "more than a schema can say (dates that exist, unique ids, codes the definition\n"
        "knows), so use 'validate' for the full check."
    ),
    arguments=_arguments,
    run=_schema,
)
"""``pathway-model schema [DOCUMENT]``."""
