"""The ASGI app: routes, the token check, body limits, CORS and the audit log (Starlette)."""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from pathway_model.errors import PathwayModelError
from pathway_model.service._api import JSON_LINES, OPERATIONS, answer, problem
from pathway_model.service._cds import (
    SERVICES,
    HookError,
    as_of_of,
    card_for,
    discovery,
    feedback_lines,
    problems_card,
    record_from_prefetch,
)
from pathway_model.service._config import ServiceConfig, london_today, read_jwks
from pathway_model.service._limits import BadBody, json_depth, parse_json
from pathway_model.service._openapi import openapi_document
from pathway_model.service._security import (
    Gatekeeper,
    Refused,
    ReplayCache,
    ReplayGuard,
    SharedReplayStore,
    load_keys,
)

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows, where `serve` runs one worker with --audit
    fcntl = None  # type: ignore[assignment]

__all__ = ["build_app"]

LOG = logging.getLogger("pathway_model.service")
_NO_STORE = {"Cache-Control": "no-store"}
_UNAUTHORISED = json.dumps({"type": "about:blank", "title": "Unauthorized", "status": 401})


def _dump(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def _json(data: object, status: int = 200, media_type: str = "application/json") -> Response:
    return Response(_dump(data), status_code=status, media_type=media_type, headers=_NO_STORE)


def _outcome(status: int, issues: list[tuple[str, str]]) -> Response:
    """An OperationOutcome, as CDS Hooks 3.0 answers errors (and 2.0 allows)."""
    body = {
        "resourceType": "OperationOutcome",
        "issue": [
            {"severity": "error", "code": code, "diagnostics": words} for code, words in issues
        ],
    }
    return _json(body, status)


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").partition(";")[0].strip().lower()


class _Guard:
    """Checks the signed token of every call before the app sees it."""

    def __init__(self, app: ASGIApp, *, gate: Gatekeeper, config: ServiceConfig) -> None:
        self.app = app
        self.gate = gate
        self.config = config

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        root: str = scope.get("root_path", "")
        if root and path.startswith(root):
            path = path[len(root) :]
        headers = {key.lower(): value for key, value in scope["headers"]}
        raw = headers.get(b"authorization")
        try:
            caller = self.gate.check(
                None if raw is None else raw.decode("latin-1"),
                (self.config.base_url, self.config.base_url + path),
                int(self.config.now().timestamp()),
            )
        except Refused as refusal:
            LOG.warning("call refused (%s): %s %s", refusal.reason, scope["method"], path)
            status = refusal.status
            body = (
                _UNAUTHORISED
                if status == 401
                else json.dumps(
                    {"type": "about:blank", "title": "Service Unavailable", "status": status}
                )
            )
            response = Response(
                body,
                status_code=status,
                media_type="application/problem+json",
                headers={**_NO_STORE, "WWW-Authenticate": "Bearer"} if status == 401 else {},
            )
            await response(scope, receive, send)
            return
        scope.setdefault("state", {})["caller"] = caller
        await self.app(scope, receive, send)


class _AuditLog:
    """Appends JSON Lines to the audit file, one call at a time.

    Several processes may share the file (``serve --workers``): each call's lines are
    written under an exclusive lock of the file (``flock``, where the system has it),
    so lines from two processes never interleave.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.lock = threading.Lock()

    def append(self, lines: list[dict[str, Any]]) -> None:
        if self.path is None:
            return
        text = b"".join(
            json.dumps(line, ensure_ascii=False, sort_keys=True).encode() + b"\n" for line in lines
        )
        with self.lock, self.path.open("ab") as file:
            if fcntl is not None:
                fcntl.flock(file.fileno(), fcntl.LOCK_EX)
            file.write(text)
            file.flush()
            os.fsync(file.fileno())


async def _body(request: Request, limit: int) -> bytes:
    """The request's body, refused as soon as it is known to be over ``limit`` bytes."""
    length = request.headers.get("content-length")
    if length is not None and (not length.isdigit() or int(length) > limit):
        raise BadBody(413, "Content Too Large", f"the body is over {limit:,} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BadBody(413, "Content Too Large", f"the body is over {limit:,} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


Endpoint = Callable[[Request], Awaitable[Response]]


def _guarded(endpoint: Endpoint, *, fhir: bool) -> Endpoint:
    """Answer a refused body or an unexpected error without a traceback's text."""

    async def run(request: Request) -> Response:
        try:
            return await endpoint(request)
        except BadBody as bad:
            if fhir:
                code = "too-costly" if bad.status == 413 else "invalid"
                return _outcome(bad.status, [(code, bad.detail)])
            details = problem(bad.status, "invalid-request", bad.title, bad.detail)
            return _json(details, bad.status, "application/problem+json")
        except HookError as error:
            return _outcome(error.status, error.issues)
        except Exception as error:
            where = request.url.path
            LOG.error("internal error (%s) at %s", type(error).__name__, where)  # noqa: TRY400
            if fhir:
                return _outcome(500, [("exception", "internal error")])
            details = problem(500, "internal-error", "Internal Server Error", "internal error")
            return _json(details, 500, "application/problem+json")

    return run


class _Endpoints:
    """What the service answers, route by route."""

    def __init__(self, config: ServiceConfig) -> None:
        self.config = config
        self.audit = _AuditLog(config.audit)
        self.services = {service.id: service for service in SERVICES}
        self.discovered = _dump(discovery())
        self.described = _dump(openapi_document(config.base_url))

    async def services_list(self, request: Request) -> Response:
        return Response(self.discovered, media_type="application/json", headers=_NO_STORE)

    async def openapi(self, request: Request) -> Response:
        return Response(self.described, media_type="application/json", headers=_NO_STORE)

    async def read_json(self, request: Request) -> Any:
        if _media_type(request) != "application/json":
            raise BadBody(415, "Unsupported Media Type", "expected a body of application/json")
        data = await _body(request, self.config.max_body_bytes)
        return parse_json(data, max_depth=self.config.max_json_depth)

    async def hook(self, request: Request) -> Response:
        config = self.config
        service = self.services.get(request.path_params["service"])
        if service is None:
            return _outcome(404, [("not-found", "no CDS service with that id")])
        data = await self.read_json(request)
        if not isinstance(data, dict) or data.get("hook") != service.hook:
            raise HookError(400, [("invalid", f"hook: expected {service.hook!r}")])
        context = data.get("context")
        patient_id = context.get("patientId") if isinstance(context, dict) else None
        if not isinstance(data.get("hookInstance"), str) or not isinstance(patient_id, str):
            raise HookError(
                400, [("invalid", "expected a hookInstance and a context with a patientId")]
            )
        # The one reading of the clock for the rules: the date in England, at the edge.
        today = config.as_of if config.as_of is not None else london_today(config.now())
        as_of = as_of_of(data, today)
        try:
            record = record_from_prefetch(data.get("prefetch"), patient_id, config.definition)
            cards = [] if record is None else [card_for(record, as_of, service, config.definition)]
        except PathwayModelError as error:
            cards = [problems_card(error, service, patient_id)]
        return _json({"cards": cards})

    async def feedback(self, request: Request) -> Response:
        service = self.services.get(request.path_params["service"])
        if service is None:
            return _outcome(404, [("not-found", "no CDS service with that id")])
        lines = feedback_lines(await self.read_json(request), service)
        caller = request.scope["state"]["caller"]
        received = self.config.now().isoformat()
        self.audit.append(
            [
                {
                    **line,
                    "received": received,
                    "issuer": caller.issuer,
                    "subject": caller.subject,
                    "token_id": caller.token_id,
                }
                for line in lines
            ]
        )
        return Response(b"", status_code=200, headers=_NO_STORE)

    async def api(self, request: Request) -> Response:
        config = self.config
        operation = request.path_params["operation"]
        if operation not in OPERATIONS:
            details = problem(404, "not-found", "Not Found", "no such operation")
            return _json(details, 404, "application/problem+json")
        media = _media_type(request)
        if media != "application/json" and media not in JSON_LINES:
            raise BadBody(
                415,
                "Unsupported Media Type",
                "expected application/json (one document) or application/x-ndjson (JSON Lines)",
            )
        data = await _body(request, config.max_body_bytes)
        if json_depth(data, config.max_json_depth) > config.max_json_depth:
            detail = f"the JSON is nested more than {config.max_json_depth} levels deep"
            raise BadBody(400, "Bad Request", detail)
        found = answer(
            operation,
            data,
            many=media in JSON_LINES,
            query=dict(request.query_params),
            definition=config.definition,
            max_bytes=config.max_body_bytes,
            max_documents=config.max_documents,
        )
        return Response(
            found.body, status_code=found.status, media_type=found.media_type, headers=_NO_STORE
        )


def build_app(config: ServiceConfig) -> Starlette:
    """Make the app for ``config`` (see ``create_app``)."""
    replays: ReplayGuard = (
        ReplayCache(config.replay_cache_size)
        if config.replay_store is None
        else SharedReplayStore(config.replay_store, config.replay_cache_size)
    )
    gate = Gatekeeper(
        keys=load_keys(read_jwks(config.jwks)),
        issuers=config.issuers,
        max_lifetime=config.max_token_lifetime,
        skew=config.clock_skew,
        replays=replays,
    )
    endpoints = _Endpoints(config)
    routes = [
        Route("/cds-services", _guarded(endpoints.services_list, fhir=True), methods=["GET"]),
        Route("/cds-services/{service}", _guarded(endpoints.hook, fhir=True), methods=["POST"]),
        Route(
            "/cds-services/{service}/feedback",
            _guarded(endpoints.feedback, fhir=True),
            methods=["POST"],
        ),
        Route("/api/{operation}", _guarded(endpoints.api, fhir=False), methods=["POST"]),
        Route("/openapi.json", _guarded(endpoints.openapi, fhir=False), methods=["GET"]),
    ]
    middleware = []
    if config.cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(config.cors_origins),
                allow_methods=["GET", "POST", "OPTIONS"],
                allow_headers=["Authorization", "Content-Type"],
            )
        )
    middleware.append(Middleware(_Guard, gate=gate, config=config))
    return Starlette(routes=routes, middleware=middleware)
