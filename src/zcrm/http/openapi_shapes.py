"""The building blocks of the OpenAPI document's operations (``http/openapi_zoho.py``, ``http/openapi_control.py``)
and of the generator (``http/openapi.py``): media types, schema helpers, the shared component schemas
(``SCHEMAS``), answers and the common error answers, and ``Described``, what one operation takes and answers.

The schemas say what the server checks, and no more: a value they refuse gets a 4xx answer, and a value they admit
is read (it may still be refused for what the org holds: an unknown module, id or field). Record bodies are
objects whose keys are the org's own fields, so ``data[]`` items are open objects here. The fuzzer
(tests/fuzz/) holds the server to this document.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from zcrm.records.body import APPLY_FEATURES, SKIP_FEATURES, TRIGGERS

JSON = "application/json"
HTML = "text/html"
FORM = "application/x-www-form-urlencoded"

# -- schemas ------------------------------------------------------------------------------------------------------
STRING: dict[str, Any] = {"type": "string"}
OBJECT: dict[str, Any] = {"type": "object"}
OBJECTS: dict[str, Any] = {"type": "array", "items": OBJECT}
NULLABLE_STRING: dict[str, Any] = {"type": ["string", "null"]}
NULLABLE_OBJECT: dict[str, Any] = {"type": ["object", "null"]}
POSITIVE = {"type": "integer", "minimum": 1, "maximum": 999_999_999}  # 1 to 9 digits (``positive_param``)
TRUE_FALSE = {"type": "string", "enum": ["true", "false"], "description": "any letter case"}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def shape(required: Mapping[str, Any], optional: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """An object with these keys (more may come)."""
    return {"type": "object", "required": list(required), "properties": {**required, **(optional or {})}}


def closed(required: Mapping[str, Any], optional: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A control-plane body: these keys and no other (another key: INVALID_DATA)."""
    return {**shape(required, optional), "additionalProperties": False}


def choice(values: list[str] | tuple[str, ...], *, nullable: bool = False) -> dict[str, Any]:
    return {"enum": [*values, None] if nullable else list(values)}


RESULT = {
    "type": "object",
    "required": ["code", "details", "message", "status"],
    "properties": {
        "code": STRING,
        "details": OBJECT,
        "message": STRING,
        "status": {"type": "string", "enum": ["success", "error"]},
    },
}
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
WRITE_BODY = shape(
    {"data": {"type": "array", "minItems": 1, "maxItems": 100, "items": {}}},
    {
        "trigger": {"type": "array", "items": choice(TRIGGERS)},
        "skip_feature_execution": {
            "type": "array",
            "items": closed({"name": choice(SKIP_FEATURES)}),
        },
        "apply_feature_execution": {
            "type": "array",
            "items": closed({"name": choice(APPLY_FEATURES)}),
        },
    },
)
WATCH_ITEM = shape(
    {"channel_id": {"type": ["integer", "string"]}},
    {
        "events": {"type": "array", "items": STRING},
        "notify_url": STRING,
        "token": NULLABLE_STRING,
        "channel_expiry": NULLABLE_STRING,
        "return_affected_field_values": {"type": ["boolean", "null"]},
        "notify_on_related_action": {"type": ["boolean", "null"]},
        "_delete_events": {"type": ["boolean", "null"]},
    },
)
SCHEMAS: dict[str, Any] = {
    "Error": ERROR,
    "Result": RESULT,
    "WriteResults": shape({"data": {"type": "array", "items": ref("Result")}}),
    "WriteBody": WRITE_BODY,
    "UpsertBody": {
        **WRITE_BODY,
        "properties": {
            **WRITE_BODY["properties"],
            "duplicate_check_fields": {
                "type": "array",
                "items": STRING,
                "description": "the system-defined duplicate check field and unique fields to match on, in order",
            },
        },
    },
    "Records": shape({"data": OBJECTS, "info": OBJECT}),
    "Record": shape({"data": {"type": "array", "minItems": 1, "maxItems": 1, "items": OBJECT}}),
    "Watch": shape({"watch": OBJECTS}, {"info": OBJECT}),
    "WatchResults": shape({"watch": {"type": "array", "items": ref("Result")}}),
    "WatchBody": shape({"watch": {"type": "array", "minItems": 1, "maxItems": 100, "items": WATCH_ITEM}}),
    "OAuthAnswer": {
        "type": "object",
        "description": 'tokens (`access_token`, `refresh_token`, `expires_in`, …), `{"status":"success"}` '
        '(revoke) or an OAuth error `{"error": "invalid_code"}` (behaviour §7)',
    },
    "Credentials": shape(
        {
            "base_url": STRING,
            "accounts_url": STRING,
            "client_id": STRING,
            "client_secret": STRING,
            "refresh_token": STRING,
            "access_token": STRING,
            "org_id": STRING,
            "user_id": STRING,
        }
    ),
    "Clock": shape(
        {
            "time": STRING,
            "epoch": {"type": "integer"},
            "frozen": {"type": "boolean"},
            "offset": {"type": "integer"},
        }
    ),
    "User": shape({"id": STRING, "email": STRING, "status": STRING, "role": OBJECT, "profile": OBJECT}),
    "FaultRule": shape({"id": STRING, "match": OBJECT, "effect": OBJECT}),
    "Snapshot": shape({"format": {"const": "zcrm-snapshot/1"}}),
}

# -- answers ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Answer:
    description: str
    media: str | None = JSON  # None: no body
    schema: dict[str, Any] | None = None


def json(description: str, schema: str | dict[str, Any]) -> Answer:
    return Answer(description, JSON, ref(schema) if isinstance(schema, str) else schema)


def empty(description: str) -> Answer:
    return Answer(description, None)


ERROR_400 = json("A bad request: Zoho's error envelope (INVALID_DATA, MANDATORY_NOT_FOUND, …)", "Error")
ERROR_401 = json(
    "No token or a bad one: AUTHENTICATION_FAILURE, INVALID_TOKEN, OAUTH_SCOPE_MISMATCH", "Error"
)
ERROR_403 = json("The user's profile lacks the permission: NO_PERMISSION", "Error")
ERROR_413 = json("The body is larger than ZCRM_MAX_BODY_BYTES: LIMIT_EXCEEDED", "Error")
ERROR_404 = json(
    "INVALID_URL_PATTERN: a path parameter holding `/` (or a word the parameter never takes) is another path",
    "Error",
)
FAULTED_4XX = json(
    "Zoho's error envelope; on this route also a fault rule's error (any code) or the API limits' 429 "
    "TOO_MANY_REQUESTS (docs/control-plane.md#fault-rules, docs/limits.md)",
    "Error",
)
FAULTED_5XX = json("Only by a fault rule: 500 INTERNAL_ERROR or 503 SERVICE_UNAVAILABLE", "Error")
WRITE_400 = json(
    "Every item failed (per-item results), or the request is bad (the error envelope)",
    {"anyOf": [ref("WriteResults"), ref("Error")]},
)
NO_CONTENT = empty("Nothing to show")
NOT_MODIFIED = empty("Not modified since If-Modified-Since")


# -- operations ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Described:
    """One operation: its answers by status (the route's common error answers are added by ``openapi.py``), query
    parameters, request headers and body (a schema, and whether it is required)."""

    answers: Mapping[str, Answer]
    query: Mapping[str, dict[str, Any]] = field(default_factory=dict)
    required_query: tuple[str, ...] = ()
    headers: Mapping[str, dict[str, Any]] = field(default_factory=dict)
    body: dict[str, Any] | None = None
    body_required: bool = False
    body_media: str = JSON


def ok(schema: str | dict[str, Any], description: str = "Done", status: str = "200") -> dict[str, Answer]:
    return {status: json(description, schema)}
