"""The OpenAPI 3.1 document of zcrm's routes, built from the route table (``GET /__zcrm/openapi.json``,
docs/control-plane.md "OpenAPI document"): paths, methods, summaries, path parameters and their rules, tags and
who may call each operation; and, from ``http/openapi_operations.py``, each operation's query parameters, request
headers and body, and its answers by status with their content types and body schemas (the component schemas and
the common error answers from ``http/openapi_shapes.py``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from zcrm import __version__
from zcrm.http.matcher import Param, Route
from zcrm.http.openapi_operations import OPERATIONS
from zcrm.http.openapi_shapes import (
    ERROR_400,
    ERROR_401,
    ERROR_403,
    ERROR_404,
    ERROR_413,
    FAULTED_4XX,
    FAULTED_5XX,
    JSON,
    SCHEMAS,
    Answer,
    Described,
    ref,
)

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
    "org_admin": [{"zohoOAuth": []}],
    "admin": [{"zcrmAdminToken": []}, {"zohoOAuth": []}],
    "server_admin": [{"zcrmAdminToken": []}, {"zohoOAuth": []}],  # the admin token in either header
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


def _answers(route: Route[Any], described: Described) -> dict[str, Answer]:
    """The operation's own answers, then the common error answers of its route: the error envelope for 400, 401
    and 403 (authenticated routes), 404 (routes with path parameters), and any 4xx or 5xx a fault rule can give
    (the Zoho API and OAuth routes, docs/control-plane.md#fault-rules)."""
    answers = dict(described.answers)
    if route.auth != "none":
        for status, answer in (("400", ERROR_400), ("401", ERROR_401), ("403", ERROR_403)):
            answers.setdefault(status, answer)
    if route.path_params:
        answers.setdefault("404", ERROR_404)
    if described.body is not None:
        answers.setdefault("413", ERROR_413)
    if route.tag == "zoho":
        answers.setdefault("4XX", FAULTED_4XX)
        answers.setdefault("5XX", FAULTED_5XX)
    return dict(sorted(answers.items()))


def _content(answer: Answer, faulted: bool) -> dict[str, Any]:
    content: dict[str, Any] = {}
    if answer.media is not None:
        content[answer.media] = {"schema": answer.schema if answer.schema is not None else {"type": "string"}}
    if faulted and JSON not in content:  # a fault rule's error is Zoho's envelope
        content[JSON] = {"schema": ref("Error")}
    return content


def _responses(route: Route[Any], described: Described) -> dict[str, Any]:
    responses: dict[str, Any] = {}
    for status, answer in _answers(route, described).items():
        entry: dict[str, Any] = {"description": answer.description}
        content = _content(answer, route.tag == "zoho" and status[0] in "45")
        if content:
            entry["content"] = content
        responses[status] = entry
    return responses


def _parameters(described: Described) -> list[dict[str, Any]]:
    params = [
        {"name": name, "in": "query", "required": name in described.required_query, "schema": schema}
        for name, schema in described.query.items()
    ]
    params += [
        {"name": name, "in": "header", "required": False, "schema": schema}
        for name, schema in described.headers.items()
    ]
    return params


def _operation(route: Route[Any], method: str, summary: str) -> dict[str, Any]:
    described = OPERATIONS[(method, route.template)]
    operation: dict[str, Any] = {
        "operationId": _operation_id(method, route.template),
        "summary": summary,
        "tags": [route.tag],
        "security": SECURITY[route.auth],
    }
    parameters = _parameters(described)
    if parameters:
        operation["parameters"] = parameters
    if described.body is not None:
        operation["requestBody"] = {
            "required": described.body_required,
            "content": {described.body_media: {"schema": described.body}},
        }
    operation["responses"] = _responses(route, described)
    return operation


def document(routes: Iterable[Route[Callable[..., Any]]]) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for route in routes:
        item: dict[str, Any] = {}
        if route.path_params:
            item["parameters"] = [_parameter(p) for p in route.path_params]
        for method, operation in route.operations.items():
            item[method.lower()] = _operation(route, method, operation.summary)
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
        "components": {"schemas": SCHEMAS, "securitySchemes": SECURITY_SCHEMES},
    }
