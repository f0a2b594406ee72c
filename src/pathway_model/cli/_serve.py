"""The ``serve`` command: run the CDS Hooks service and the JSON API with uvicorn."""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import typing
from pathlib import Path
from typing import Any

import pathway_model as pm
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

if typing.TYPE_CHECKING:
    from starlette.applications import Starlette

    from pathway_model.service import ServiceConfig

__all__ = ["SERVE", "worker_app"]

_MAX_PORT = 65_535
#: The most worker processes ``--workers`` starts.
_MAX_WORKERS = 64
#: Whether the system locks files for the audit log's writers (``fcntl``: not on Windows).
_FILE_LOCKS = importlib.util.find_spec("fcntl") is not None
#: The variable ``serve`` hands its checked options to its worker processes in.
WORKER_OPTIONS = "PATHWAY_MODEL_SERVE_WORKER"


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


def _workers(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= _MAX_WORKERS:
        msg = f"expected a whole number from 1 to {_MAX_WORKERS}; found {show_code(text)}"
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
    parser.add_argument(
        "--workers",
        type=_workers,
        metavar="N",
        default=1,
        help="answer calls in N processes (default 1); more than one needs --replay-store",
    )
    parser.add_argument(
        "--replay-store",
        metavar="FILE",
        help=(
            "a SQLite file on a local disk for the token ids seen, shared by the workers "
            "and kept across restarts (made if missing); by default they are held in the "
            "process"
        ),
    )


def _config(options: dict[str, Any]) -> ServiceConfig:
    """The service's configuration from the options ``serve`` checked (JSON values)."""
    from pathway_model.service import ServiceConfig  # noqa: PLC0415 - needs the extra

    definition = options["definition"]
    as_of = options["as_of"]
    return ServiceConfig(
        base_url=options["base_url"],
        jwks=Path(options["jwks"]),
        issuers=options["issuers"],
        audit=None if options["audit"] is None else Path(options["audit"]),
        definition=None if definition is None else pm.loads(definition, pm.PathwayDefinition),
        cors_origins=options["cors_origins"],
        as_of=None if as_of is None else dt.date.fromisoformat(as_of),
        max_body_bytes=options["max_body_bytes"],
        replay_store=None if options["replay_store"] is None else Path(options["replay_store"]),
    )


def worker_app() -> Starlette:
    """The app of one worker process of ``serve --workers``, from its parent's options.

    The parent checked the options (and made the app once) before it started its
    workers, so a worker meets no error its parent did not.
    """
    from pathway_model.service import create_app  # noqa: PLC0415 - needs the extra

    return create_app(_config(json.loads(os.environ[WORKER_OPTIONS])))


def _serve(args: argparse.Namespace, console: Console) -> int:
    jwks = Path(args.jwks)
    if not jwks.is_file():
        msg = f"--jwks: expected a JWKS file; found nothing at {show_code(args.jwks)}"
        raise CommandError(msg)
    if args.audit is not None and not Path(args.audit).parent.is_dir():
        msg = f"--audit: expected a file in a folder that exists; found {show_code(args.audit)}"
        raise CommandError(msg)
    store = args.replay_store
    if store is not None and (Path(store).is_dir() or not Path(store).parent.is_dir()):
        msg = f"--replay-store: expected a file in a folder that exists; found {show_code(store)}"
        raise CommandError(msg)
    if args.workers > 1 and store is None:
        msg = (
            "--workers: more than one worker needs --replay-store FILE, which they share to "
            "refuse a replayed token"
        )
        raise CommandError(msg)
    if args.workers > 1 and args.audit is not None and not _FILE_LOCKS:
        msg = (
            "--workers: several workers can share an --audit file only where the system "
            "locks files (not on Windows); run one worker, or keep no audit log"
        )
        raise CommandError(msg)
    definition = load_definition(args.definition, console)
    try:
        import uvicorn  # noqa: PLC0415 - the extra is needed only here

        from pathway_model.service import create_app  # noqa: PLC0415
    except ImportError as error:
        msg = (
            f"serve needs the extra 'service' (missing: {error.name}); install it with "
            "pip install 'pathway-model[service]'"
        )
        raise CommandError(msg) from None
    host = f"[{args.host}]" if ":" in args.host else args.host
    options: dict[str, Any] = {
        "base_url": args.base_url or f"http://{host}:{args.port}",
        "jwks": str(jwks.resolve()),
        "issuers": args.issuer,
        "audit": None if args.audit is None else str(Path(args.audit).resolve()),
        "definition": None if definition is None else pm.dumps(definition, indent=None),
        "cors_origins": args.cors_origin,
        "as_of": None if args.as_of is None else args.as_of.isoformat(),
        "max_body_bytes": args.max_body_bytes,
        "replay_store": None if store is None else str(Path(store).resolve()),
    }
    try:
        app = create_app(_config(options))
    except ValidationError as error:
        raise CommandError(
            *(f"--{_option(problem.path)}: {problem}" for problem in error.problems)
        ) from None
    served: Any = app
    if args.workers > 1:
        # Each worker is a new process that imports the app: it reads the options here.
        os.environ[WORKER_OPTIONS] = json.dumps(options)
        served = f"{__name__}:worker_app"
    uvicorn.run(
        served,
        factory=args.workers > 1,
        workers=args.workers,
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
        "replay_store": "replay-store",
    }.get(head, head.replace("_", "-"))


SERVE = Command(
    description=(
        "Run the decision-support service: CDS Hooks 2.0.1 services (patient-view and\n"
        "encounter-discharge) and a JSON API (assess, readiness, schedule, validate), with\n"
        "uvicorn. Every call must carry a JWT signed with ES384 or RS384 by a key in --jwks,\n"
        "from an --issuer, naming the service's URL as its audience. With --workers N,\n"
        "N processes answer calls and share the token ids seen in --replay-store.\n"
        "Stop it with Ctrl-C.\n"
        "Needs the extra 'service': pip install 'pathway-model[service]'."
    ),
    arguments=_arguments,
    run=_serve,
)
"""``pathway-model serve --jwks FILE --issuer ISS``."""
