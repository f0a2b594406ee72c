"""The ``fhir`` commands: ``export``, ``import``, ``codesystems`` and ``package``."""

from __future__ import annotations

import argparse
import datetime as dt
import re
from collections.abc import Iterable, Sequence
from typing import Any

import attrs

import pathway_model as pm
from pathway_model import catalogue
from pathway_model.cli._app import (
    Command,
    CommandError,
    ExitCode,
    add_definition_option,
    add_file_argument,
    add_output_option,
    as_of_date,
)
from pathway_model.cli._console import Console, os_problem, write_output
from pathway_model.cli._inputs import (
    DOCUMENTS,
    definition_problem,
    is_builtin,
    load_definition,
    one_pathway,
    problem_lines,
    read_one,
    stdin_once,
)
from pathway_model.cli._json import json_type, object_of, parse_json
from pathway_model.cli._render import json_text, plural, show_code
from pathway_model.errors import Problem, ValidationError

# The library's FHIR and instrument names this module uses, from their public homes.
from pathway_model.catalogue import HONOS, HONOS_SECURE  # isort: skip
from pathway_model.fhir import (  # isort: skip
    InstrumentRating,
    fhir_code_systems,
    fhir_package,
    from_fhir_with_instruments,
    to_fhir,
)

__all__ = ["CODESYSTEMS", "EXPORT", "IMPORT", "PACKAGE"]

#: The instruments an ``--instruments`` file rates, by code: those a Bundle carries.
_INSTRUMENTS = {instrument.code: instrument for instrument in (HONOS, HONOS_SECURE)}
#: The keys of an instrument rating in an ``--instruments`` file, in the order written.
_RATING_KEYS = ("id", "instrument", "date", "record")


def _add_indent_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--indent",
        type=_indent,
        default=2,
        metavar="N",
        help="indent the JSON by N spaces, 0 to 8; 0 writes it on one line (default: 2)",
    )


def _indent(text: str) -> int:
    """Read ``--indent``: a whole number of spaces from 0 to 8."""
    if not text.isdigit() or int(text) > 8:
        msg = f"expected a whole number from 0 to 8; found {show_code(text)}"
        raise argparse.ArgumentTypeError(msg)
    return int(text)


def _instruments_help(what: str) -> str:
    return (
        f"{what} HoNOS and HoNOS-secure ratings in FILE: a JSON array of objects with "
        "'id', 'instrument' (honos or honos_secure), 'date' (YYYY-MM-DD) and 'record' "
        "(each scale's rating by code, h1 ..., and optionally problem_8)"
    )


def _rating_path(problem: Problem, where: str, instrument: Any) -> str:
    """The path in the ``--instruments`` file of a problem ``InstrumentRating`` found."""
    path = problem.path
    ratings = re.fullmatch(r"InstrumentRating\.ratings\[([0-9]+)\]", path)
    if ratings is not None and int(ratings[1]) < len(instrument.codes):
        return f"{where}.record.{instrument.codes[int(ratings[1])]}"
    if path.startswith("InstrumentRating.problem_8"):
        return f"{where}.record.problem_8"
    if path.startswith("InstrumentRating.ratings"):
        return f"{where}.record"
    if path.startswith("InstrumentRating."):
        return where + path.removeprefix("InstrumentRating")
    key = re.fullmatch(r"record\['([^']*)'\]", path)
    if key is not None:
        return f"{where}.record.{key[1]}"
    return f"{where}.record" if path == "record" else where


def _instrument_rating(item: object, where: str) -> tuple[Any, list[Problem]]:
    """Read one instrument rating of an ``--instruments`` file, or the problems with it."""
    rating = object_of(item, where)
    if rating is None:
        expected = "an instrument rating: an object with " + ", ".join(_RATING_KEYS)
        return None, [Problem(path=where, expected=expected, found=json_type(item))]
    only = f"only the keys {', '.join(_RATING_KEYS)}"
    problems = [
        Problem(path=where, expected=only, found=f"an unknown key {show_code(key)}")
        for key in rating
        if key not in _RATING_KEYS
    ]
    problems += [
        Problem(path=f"{where}.{key}", expected="a value", found="no key")
        for key in _RATING_KEYS
        if key not in rating
    ]
    value = rating.get("instrument")
    instrument = _INSTRUMENTS.get(value) if isinstance(value, str) else None
    if "instrument" in rating and instrument is None:
        found = show_code(value) if isinstance(value, str) else json_type(value)
        expected = " or ".join(repr(code) for code in _INSTRUMENTS)
        problems.append(Problem(path=f"{where}.instrument", expected=expected, found=found))
    day: dt.date | None = None
    if "date" in rating:
        value = rating["date"]
        try:
            day = as_of_date(value) if isinstance(value, str) else None
        except argparse.ArgumentTypeError:
            day = None
        if day is None:
            found = show_code(value) if isinstance(value, str) else json_type(value)
            problems.append(
                Problem(path=f"{where}.date", expected="a date as YYYY-MM-DD", found=found)
            )
    record = object_of(rating.get("record", ()), f"{where}.record")
    if "record" in rating and record is None:
        problems.append(
            Problem(
                path=f"{where}.record",
                expected="an object: each scale's rating by code",
                found=json_type(rating["record"]),
            )
        )
    if problems or instrument is None or day is None or record is None:
        return None, problems
    try:
        made = InstrumentRating.from_record(
            id=rating["id"], instrument=instrument, date=day, record=record
        )
    except ValidationError as error:
        return None, [
            attrs.evolve(problem, path=_rating_path(problem, where, instrument))
            for problem in error.problems
        ]
    return made, []


def _instrument_ratings(data: bytes) -> tuple[Any, ...]:
    """Read the instrument ratings of an ``--instruments`` file.

    Raises:
        ValidationError: Every problem found, each with its path in the file.
    """
    tree = parse_json(data)
    if not isinstance(tree, list):
        raise ValidationError.single("$", "a JSON array of instrument ratings", json_type(tree))
    ratings: list[Any] = []
    problems: list[Problem] = []
    for index, item in enumerate(tree):
        try:
            rating, found = _instrument_rating(item, f"$[{index}]")
        except ValidationError as error:  # a key given twice
            rating, found = None, list(error.problems)
        problems += found
        if rating is not None:
            ratings.append(rating)
    _raise_problems(problems)
    return tuple(ratings)


def _raise_problems(problems: Sequence[Problem]) -> None:
    if problems:
        raise ValidationError(problems)


def _load_instruments(name: str | None, console: Console) -> tuple[Any, ...]:
    """Read the ``--instruments`` file of ``fhir export``, if one was given."""
    if name is None:
        return ()
    document = read_one(name, console)
    assert document.data is not None  # read_one raises otherwise
    try:
        return _instrument_ratings(document.data)
    except ValidationError as error:
        raise CommandError(*problem_lines(document.source, error.problems)) from None


def _instruments_document(ratings: Iterable[Any]) -> list[dict[str, Any]]:
    """Instrument ratings as an ``--instruments`` file holds them."""
    return [
        {
            "id": rating.id,
            "instrument": rating.instrument.code,
            "date": rating.date.isoformat(),
            "record": rating.record,
        }
        for rating in ratings
    ]


def _add_organisation_option(parser: argparse.ArgumentParser, help_text: str) -> None:
    parser.add_argument("--organisation", metavar="CODE", help=help_text)


def _fhir_export_arguments(parser: argparse.ArgumentParser) -> None:
    add_file_argument(parser)
    add_definition_option(parser)
    parser.add_argument("--instruments", metavar="FILE", help=_instruments_help("send"))
    _add_organisation_option(
        parser,
        "the code of the organisation whose record it is (e.g. its ODS code): identifier "
        "systems and ids are namespaced by it, so two organisations' ids never meet",
    )
    parser.add_argument(
        "--as-of",
        type=as_of_date,
        metavar="DATE",
        help="add the readiness decision at DATE (YYYY-MM-DD), with its evidence",
    )
    add_output_option(parser, "the Bundle")
    _add_indent_option(parser)


def _fhir_export(args: argparse.Namespace, console: Console) -> int:
    stdin_once(args.file, args.definition, args.instruments)
    pathway, definition = one_pathway(args, console)
    ratings = _load_instruments(args.instruments, console)
    try:
        bundle = to_fhir(
            pathway,
            definition=definition,
            instrument_ratings=ratings,
            organisation=args.organisation,
            as_of=args.as_of,
        )
    except ValidationError as error:  # two instrument ratings with one id, or an option
        raise CommandError(
            *(
                f"{args.instruments}: {attrs.evolve(problem, path='$')}"
                if problem.path.startswith("instrument_ratings")
                else f"--organisation: {problem.expected}; found {problem.found}"
                if problem.path == "organisation"
                else f"{args.file}: {problem}"
                for problem in error.problems
            )
        ) from None
    write_output(json_text(bundle, args.indent), args.output, console)
    return ExitCode.OK


def _fhir_import_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="a FHIR Bundle JSON document, or - for stdin")
    add_definition_option(parser)
    parser.add_argument(
        "--instruments",
        metavar="FILE",
        help=(
            "write the Bundle's HoNOS and HoNOS-secure ratings to FILE, as 'fhir export "
            "--instruments' reads them (without it, they are left out, with a warning)"
        ),
    )
    parser.add_argument(
        "--lenient",
        action="store_true",
        help=(
            "leave out what the record does not use (resources, extensions, elements) "
            "rather than refuse it; each is listed as a warning, never with its content"
        ),
    )
    _add_organisation_option(
        parser, "the organisation the Bundle must be of (by default, whichever it names)"
    )
    add_output_option(parser, "the pathway")
    _add_indent_option(parser)


def _library_document(data: bytes) -> str | None:
    """The kind of library document ``data`` holds (its ``document`` key), if it is one."""
    try:
        header = object_of(parse_json(data), "$")
    except ValidationError:
        return None
    if header is None or "resourceType" in header:
        return None
    kind = header.get("document")
    return kind if isinstance(kind, str) and kind in DOCUMENTS else None


def _not_a_bundle(kind: str) -> Problem:
    hint = " (write one with 'fhir export')" if DOCUMENTS[kind] is pm.Pathway else ""
    return Problem(
        path="$", expected=f"a FHIR Bundle{hint}", found=f"a pathway_model {kind!r} document"
    )


def _bundle_definition_problem(pathway: pm.Pathway) -> Problem:
    problem = definition_problem(pathway)
    return attrs.evolve(problem, path="CarePlan.instantiatesUri")


def _fhir_import(args: argparse.Namespace, console: Console) -> int:
    stdin_once(args.file, args.definition)
    definition = load_definition(args.definition, console)
    document = read_one(args.file, console)
    assert document.data is not None  # read_one raises otherwise
    try:
        imported = from_fhir_with_instruments(
            document.data,
            definition=definition,
            lenient=args.lenient,
            organisation=args.organisation,
        )
    except ValidationError as error:
        if any(problem.path == "organisation" for problem in error.problems):
            problem = error.problems[0]
            msg = f"--organisation: {problem.expected}; found {problem.found}"
            raise CommandError(msg) from None
        kind = _library_document(document.data)
        problems = error.problems if kind is None else [_not_a_bundle(kind)]
        raise CommandError(*problem_lines(document.source, problems)) from None
    if definition is None and not is_builtin(imported.pathway):
        problem = _bundle_definition_problem(imported.pathway)
        raise CommandError(*problem_lines(document.source, [problem]))
    for item in imported.ignored:
        what = item.resource_type + ("" if item.resource_id is None else f" {item.resource_id}")
        console.warning(
            f"{document.source}: {item.path}: left out ({item.reason}, in {show_code(what)})"
        )
    ratings = imported.instrument_ratings
    if args.instruments is not None:
        write_output(json_text(_instruments_document(ratings), 2), args.instruments, console)
    elif ratings:
        console.warning(
            f"{document.source}: {plural(len(ratings), 'instrument rating')} not written "
            "(give --instruments FILE to keep them)"
        )
    text = pm.dumps(imported.pathway, indent=args.indent or None) + "\n"
    write_output(text, args.output, console)
    return ExitCode.OK


def _fhir_codesystems_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--definition",
        metavar="FILE",
        help=(
            "a pathway definition JSON document; by default, the built-in secure pathway "
            f"({catalogue.SECURE_PATHWAY.id}@{catalogue.SECURE_PATHWAY.version})"
        ),
    )
    add_output_option(parser, "the code systems")
    _add_indent_option(parser)


def _fhir_codesystems(args: argparse.Namespace, console: Console) -> int:
    definition = load_definition(args.definition, console) or catalogue.SECURE_PATHWAY
    text = json_text(fhir_code_systems(definition), args.indent)
    write_output(text, args.output, console)
    return ExitCode.OK


def _fhir_package_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "out_dir",
        metavar="OUT_DIR",
        help="the folder to write into: OUT_DIR/package and OUT_DIR/schema (made if need be)",
    )
    parser.add_argument(
        "--definition",
        metavar="FILE",
        help=(
            "a pathway definition JSON document; by default, the built-in secure pathway "
            f"({catalogue.SECURE_PATHWAY.id}@{catalogue.SECURE_PATHWAY.version})"
        ),
    )


def _fhir_package(args: argparse.Namespace, console: Console) -> int:
    from pathlib import Path  # noqa: PLC0415 - only this command writes a folder

    definition = load_definition(args.definition, console) or catalogue.SECURE_PATHWAY
    files = {
        Path("package") / name: json_text(document, 2)
        for name, document in fhir_package(definition).items()
    }
    for cls in dict.fromkeys(DOCUMENTS.values()):
        schema = pm.json_schema(cls)
        # The schema's own $id names where it lives: <base>/v<version>/<document>.json.
        version, name = schema["$id"].rsplit("/", 2)[1:]
        files[Path("schema") / version / name] = json_text(schema, 2)
    root = Path(args.out_dir)
    try:
        for relative, text in files.items():
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise CommandError(f"{args.out_dir}: {os_problem(error, 'write')}") from None
    console.write(f"wrote {plural(len(files), 'file')} to {args.out_dir}")
    return ExitCode.OK


EXPORT = Command(
    description=(
        "Write the pathway in FILE as a FHIR R4 (4.0.1) Bundle of type 'collection': a\n"
        "CarePlan, an EpisodeOfCare per stay, a Goal per goal, an Encounter per review and\n"
        "Observations for findings, ratings, goal progress, incidents and instrument\n"
        "ratings, and with --as-of the readiness decision at that date. The\n"
        "pathway is checked against its definition first. The same input always gives the\n"
        "same bytes, resource ids included."
    ),
    arguments=_fhir_export_arguments,
    run=_fhir_export,
)
"""``pathway-model fhir export FILE``."""


IMPORT = Command(
    description=(
        "Read the pathway in the FHIR R4 Bundle in FILE (as 'fhir export' writes it) and\n"
        "write it as the library's pathway JSON document. Every problem is listed, each\n"
        "with its path in the Bundle; anything the Bundle holds that cannot be mapped is\n"
        "refused, never dropped; with --lenient it is left out, and each is listed as a\n"
        "warning. The pathway is checked against its definition."
    ),
    arguments=_fhir_import_arguments,
    run=_fhir_import,
)
"""``pathway-model fhir import FILE``."""


CODESYSTEMS = Command(
    description=(
        "Write the FHIR R4 CodeSystem resources that a Bundle's codes come from, as a JSON\n"
        "array: the domains and levels of the definition's framework, its stages, and the\n"
        "library's fixed vocabularies. Publish them on a terminology server, or validate\n"
        "Bundles against them."
    ),
    arguments=_fhir_codesystems_arguments,
    run=_fhir_codesystems,
)
"""``pathway-model fhir codesystems``."""


PACKAGE = Command(
    description=(
        "Write the FHIR conformance package into OUT_DIR/package: a StructureDefinition for\n"
        "each profile and extension of the export, a CodeSystem and a ValueSet for each code\n"
        "system, a CapabilityStatement, package.json and .index.json, for any FHIR validator\n"
        "to load. Also write the JSON Schema of every kind of document into\n"
        "OUT_DIR/schema/v<version>/<document>.json, where each schema's $id says it lives,\n"
        "for callers in other languages. The same definition always gives the same bytes."
    ),
    arguments=_fhir_package_arguments,
    run=_fhir_package,
)
"""``pathway-model fhir package OUT_DIR``."""
