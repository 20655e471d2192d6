"""The OpenAPI 3.1 document of zcrm's routes, built from the route table (``GET /__zcrm/openapi.json``,
docs/control-plane.md "OpenAPI document"): paths, methods, summaries, path parameters and their rules, tags and
who may call each operation. It describes routes, not bodies: a request or answer body is Zoho's (or zcrm's
documented) JSON."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from zcrm import __version__
from zcrm.http.matcher import Param, Route

ERROR = {
    "type": "object",
    "required": ["code", "details", "message", "status"],
    "properties": {
        "code": {"type": "string", "examples": ["INVALID_URL_PATTERN"]},
        "details": {"type": "object"},
        "message": {"type": "string"},
        "status": {"type": "string", "const": "error"},
    },
}
SECURITY_SCHEMES = {
    "zohoOAuth": {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": "`Zoho-oauthtoken <access token>`: an org's OAuth access token (POST /oauth/v2/token, "
        "POST /__zcrm/tokens or the data dir's credentials.json). The control plane's org endpoints take an "
        "administrator's token.",
    },
    "zcrmAdminToken": {
        "type": "apiKey",
        "in": "header",
        "name": "X-ZCRM-Admin-Token",
        "description": "The server's admin token (<data dir>/admin-token); also accepted as "
        "`Authorization: Zoho-oauthtoken <admin token>`.",
    },
}
SECURITY: dict[str, list[dict[str, list[str]]]] = {
    "token": [{"zohoOAuth": []}],
    "admin": [{"zcrmAdminToken": []}, {"zohoOAuth": []}],
    "none": [],
}
TAGS = [
    {"name": "zoho", "description": "Zoho CRM's v5 API and OAuth endpoints, as zcrm emulates them"},
    {"name": "zcrm", "description": "zcrm's own control plane under /__zcrm/ (docs/control-plane.md)"},
]


def _parameter(param: Param) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string", "minLength": 1}
    if param.excluded:
        schema["not"] = {"enum": sorted(param.excluded)}
    described = {"description": param.description} if param.description else {}
    return {"name": param.name, "in": "path", "required": True, "schema": schema, **described}


def _operation_id(method: str, template: str) -> str:
    words = [w.strip("{}_").replace(".", "_") for w in template.split("/") if w]
    return "_".join([method.lower(), *(w for w in words if w)])


def _responses(route: Route[Any]) -> dict[str, Any]:
    responses: dict[str, Any] = {"default": {"description": "The answer (JSON, except the OAuth web pages)"}}
    if not route.template.startswith("/oauth/"):
        responses["4XX"] = {
            "description": "Zoho's error envelope (404 INVALID_URL_PATTERN, 400 INVALID_REQUEST_METHOD, 401, …)",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
    return responses


def document(routes: Iterable[Route[Callable[..., Any]]]) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for route in routes:
        item: dict[str, Any] = {}
        if route.path_params:
            item["parameters"] = [_parameter(p) for p in route.path_params]
        for method, operation in route.operations.items():
            item[method.lower()] = {
                "operationId": _operation_id(method, route.template),
                "summary": operation.summary,
                "tags": [route.tag],
                "security": SECURITY[route.auth],
                "responses": _responses(route),
            }
        paths[route.template] = item
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "zcrm",
            "version": __version__,
            "summary": "A stateful server that speaks Zoho CRM's v5 REST API",
            "description": "Every route zcrm serves. Any other path answers 404 INVALID_URL_PATTERN, another "
            "method on one of these paths 400 INVALID_REQUEST_METHOD. Which of Zoho's v5 endpoints are "
            "implemented: docs/coverage.md.",
            "license": {"name": "MIT", "identifier": "MIT"},
        },
        "tags": TAGS,
        "paths": paths,
        "components": {"schemas": {"Error": ERROR}, "securitySchemes": SECURITY_SCHEMES},
    }
