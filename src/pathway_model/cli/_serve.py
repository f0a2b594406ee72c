"""The ``serve`` command: run the CDS Hooks service and the JSON API with uvicorn."""

from __future__ import annotations

import argparse
from pathlib import Path

from pathway_model.cli._app import (
    Command,
    CommandError,
    ExitCode,
    add_definition_option,
    as_of_date,
)
from pathway_model.cli._console import Console
from pathway_model.cli._inputs import load_definition
from pathway_model.errors import ValidationError, show_code

__all__ = ["SERVE"]

_MAX_PORT = 65_535


def _port(text: str) -> int:
    if not text.isdigit() or not 0 <= int(text) <= _MAX_PORT:
        msg = f"expected a port number from 0 to {_MAX_PORT:,}; found {show_code(text)}"
        raise argparse.ArgumentTypeError(msg)
    return int(text)


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        msg = f"expected a whole number of at least 1; found {show_code(text)}"
        raise argparse.ArgumentTypeError(msg)
    return int(text)


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="the address to listen on (default 127.0.0.1: this machine only)",
    )
    parser.add_argument(
        "--port", type=_port, default=8080, help="the port to listen on (default 8080)"
    )
    parser.add_argument(
        "--base-url",
        metavar="URL",
        help=(
            "the URL callers reach the service at, which their tokens name as audience "
            "(aud); default http://HOST:PORT"
        ),
    )
    parser.add_argument(
        "--jwks",
        metavar="FILE",
        required=True,
        help="a JSON Web Key Set file with the public keys of the callers (ES384 or RS384)",
    )
    parser.add_argument(
        "--issuer",
        metavar="ISS",
        action="append",
        required=True,
        help="a caller allowed to call, as its tokens' iss (give it once for each caller)",
    )
    parser.add_argument(
        "--audit",
        metavar="FILE",
        help="a JSON Lines file to append card feedback to (codes and ids only)",
    )
    add_definition_option(parser)
    parser.add_argument(
        "--cors-origin",
        metavar="ORIGIN",
        action="append",
        default=[],
        help="a browser origin allowed to call, e.g. https://epr.example.org (repeatable)",
    )
    parser.add_argument(
        "--as-of",
        type=as_of_date,
        metavar="DATE",
        help=(
            "decide for this date, YYYY-MM-DD, on every call; by default the date in "
            "England when each call arrives"
        ),
    )
    parser.add_argument(
        "--max-body-bytes",
        type=_positive,
        metavar="N",
        default=4 * 1024 * 1024,
        help="the largest request body accepted, in bytes (default 4 MiB)",
    )


def _serve(args: argparse.Namespace, console: Console) -> int:
    jwks = Path(args.jwks)
    if not jwks.is_file():
        msg = f"--jwks: expected a JWKS file; found nothing at {show_code(args.jwks)}"
        raise CommandError(msg)
    if args.audit is not None and not Path(args.audit).parent.is_dir():
        msg = f"--audit: expected a file in a folder that exists; found {show_code(args.audit)}"
        raise CommandError(msg)
    definition = load_definition(args.definition, console)
    try:
        import uvicorn  # noqa: PLC0415 - the extra is needed only here

        from pathway_model.service import ServiceConfig, create_app  # noqa: PLC0415
    except ImportError as error:
        msg = (
            f"serve needs the extra 'service' (missing: {error.name}); install it with "
            "pip install 'pathway-model[service]'"
        )
        raise CommandError(msg) from None
    host = f"[{args.host}]" if ":" in args.host else args.host
    try:
        config = ServiceConfig(
            base_url=args.base_url or f"http://{host}:{args.port}",
            jwks=jwks,
            issuers=args.issuer,
            audit=None if args.audit is None else Path(args.audit),
            definition=definition,
            cors_origins=args.cors_origin,
            as_of=args.as_of,
            max_body_bytes=args.max_body_bytes,
        )
        app = create_app(config)
    except ValidationError as error:
        raise CommandError(
            *(f"--{_option(problem.path)}: {problem}" for problem in error.problems)
        ) from None
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        server_header=False,
        log_level="info",
        # Lines of the access log name the method, the path and the status only.
        access_log=True,
    )
    return ExitCode.OK


def _option(path: str) -> str:
    head = path.split(".", maxsplit=1)[0].split("[", maxsplit=1)[0]
    return {
        "base_url": "base-url",
        "issuers": "issuer",
        "cors_origins": "cors-origin",
        "jwks": "jwks",
    }.get(head, head.replace("_", "-"))


SERVE = Command(
    description=(
        "Run the decision-support service: CDS Hooks 2.0.1 services (patient-view and\n"
        "encounter-discharge) and a JSON API (assess, readiness, schedule, validate), with\n"
        "uvicorn. Every call must carry a JWT signed with ES384 or RS384 by a key in --jwks,\n"
        "from an --issuer, naming the service's URL as its audience. Stop it with Ctrl-C.\n"
        "Needs the extra 'service': pip install 'pathway-model[service]'."
    ),
    arguments=_arguments,
    run=_serve,
)
"""``pathway-model serve --jwks FILE --issuer ISS``."""
