"""The OpenAPI 3.1 document of the service, built from the library's JSON Schemas."""

from __future__ import annotations

from typing import Any

import pathway_model as pm
from pathway_model.service._api import JSON_LINES, OPERATIONS, PROBLEM_BASE
from pathway_model.service._cds import AS_OF_EXTENSION, SERVICES

__all__ = ["openapi_document"]

_DOCUMENTS = {
    "Pathway": pm.Pathway,
    "Assessment": pm.Assessment,
    "Readiness": pm.Readiness,
    "ReviewSchedule": pm.ReviewSchedule,
    "OutcomeFramework": pm.OutcomeFramework,
    "PathwayDefinition": pm.PathwayDefinition,
}
_RESULTS = {"assess": "Assessment", "readiness": "Readiness", "schedule": "ReviewSchedule"}
_SUMMARIES = {
    "assess": "Decide whether the person is ready to move on, with the evidence",
    "readiness": 'Work out "not a day more": readiness date, ready days, cost of delay',
    "schedule": "Work out when the next review is due, and whether it is overdue",
    "validate": "Check documents of any kind and list every problem",
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _problem_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "description": (
            "RFC 9457 problem details. `problems` lists what was wrong: where, what was "
            "expected and what was found (never free text from the document)."
        ),
        "properties": {
            "type": {"type": "string", "format": "uri"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "problems": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "path": {"type": "string"},
                        "expected": {"type": "string"},
                        "found": {"type": "string"},
                    },
                    "required": ["path", "expected", "found"],
                },
            },
            "total": {"type": "integer"},
            "more_may_follow": {"type": "boolean"},
            "line": {"type": "integer", "description": "The document's line, in a batch."},
        },
        "required": ["type", "title", "status"],
    }


def _problem_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/problem+json": {"schema": _ref("Problem")}},
    }


_REFUSALS = {
    "400": _problem_response("The request is not well formed (a bad date, JSON or nesting)."),
    "401": {"description": "No valid signed token: nothing more is said."},
    "413": _problem_response("The body, or the number of documents, is too large."),
    "415": _problem_response("The body is neither JSON nor JSON Lines."),
}


def _operation(name: str) -> dict[str, Any]:
    needs_date, _ = OPERATIONS[name]
    if name == "validate":
        one: dict[str, Any] = {
            "type": "object",
            "properties": {
                "valid": {"type": "boolean"},
                "document": {"type": "string"},
            },
            "required": ["valid"],
        }
        request_one: dict[str, Any] = {"description": "A document of any kind the library reads."}
    else:
        one = _ref(_RESULTS[name])
        request_one = _ref("Pathway")
    parameters = (
        [
            {
                "name": "as_of",
                "in": "query",
                "required": True,
                "description": "The date to decide for, as YYYY-MM-DD.",
                "schema": {"type": "string", "format": "date"},
            }
        ]
        if needs_date
        else []
    )
    lines = {media: {"schema": {"type": "string"}} for media in JSON_LINES}
    responses: dict[str, Any] = {
        "200": {
            "description": (
                "One result for one document; for JSON Lines, one line per document, in "
                "order: its result, or its problem details with its `line`."
            ),
            "content": {"application/json": {"schema": one}, "application/x-ndjson": {}},
        },
        **_REFUSALS,
    }
    if name != "validate":
        responses["422"] = _problem_response("The document was refused: its problems.")
    return {
        "operationId": name,
        "summary": _SUMMARIES[name],
        "parameters": parameters,
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": request_one}, **lines},
        },
        "responses": responses,
    }


def _hooks() -> dict[str, Any]:
    paths: dict[str, Any] = {
        "/cds-services": {
            "get": {
                "operationId": "discovery",
                "summary": "CDS Hooks 2.0.1 discovery: the services and their prefetch",
                "responses": {"200": {"description": "The services."}, **_REFUSALS},
            }
        }
    }
    for service in SERVICES:
        paths[f"/cds-services/{service.id}"] = {
            "post": {
                "operationId": service.id,
                "summary": f"CDS Hooks {service.hook}: {service.title}",
                "description": (
                    "A CDS Hooks request with every prefetch key. The date decided for is "
                    f"the service's, or `extension['{AS_OF_EXTENSION}']`."
                ),
                "requestBody": {"required": True, "content": {"application/json": {}}},
                "responses": {
                    "200": {"description": "One card (none when there is no pathway)."},
                    "412": {"description": "Prefetched data is missing (an OperationOutcome)."},
                    **_REFUSALS,
                },
            }
        }
        paths[f"/cds-services/{service.id}/feedback"] = {
            "post": {
                "operationId": f"{service.id}-feedback",
                "summary": "Card feedback, appended to the audit log (codes only)",
                "requestBody": {"required": True, "content": {"application/json": {}}},
                "responses": {"200": {"description": "Recorded."}, **_REFUSALS},
            }
        }
    return paths


def openapi_document(base_url: str = "/") -> dict[str, Any]:
    """The OpenAPI 3.1 document of the service: every path, and the documents' schemas.

    The schemas are the library's own JSON Schemas (draft 2020-12, as OpenAPI 3.1 uses),
    each whole with its ``$id``. The service serves this at ``GET /openapi.json``.

    Args:
        base_url: The service's URL, for the document's ``servers``.

    Returns:
        The document, a dict of JSON types.

    Examples:
        >>> from pathway_model.service import openapi_document
        >>> document = openapi_document("https://cds.example.org")
        >>> document["openapi"], sorted(document["paths"])[-1]
        ('3.1.0', '/openapi.json')
    """
    schemas: dict[str, Any] = {name: pm.json_schema(kind) for name, kind in _DOCUMENTS.items()}
    schemas["Problem"] = _problem_schema()
    paths = _hooks()
    for name in OPERATIONS:
        paths[f"/api/{name}"] = {"post": _operation(name)}
    paths["/openapi.json"] = {
        "get": {
            "operationId": "openapi",
            "summary": "This document",
            "responses": {"200": {"description": "The OpenAPI document."}, **_REFUSALS},
        }
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "pathway_model service",
            "version": pm.__version__,
            "description": (
                "CDS Hooks 2.0.1 services and a JSON API for outcome-based care pathways in "
                f"secure care. Problem types are under {PROBLEM_BASE}. Every call carries a "
                "signed JWT (ES384 or RS384) as a bearer token."
            ),
        },
        "servers": [{"url": base_url}],
        "security": [{"signedJwt": []}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "signedJwt": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            },
        },
    }
