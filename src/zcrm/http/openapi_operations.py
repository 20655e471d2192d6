"""What each operation of the route table takes and answers, for the OpenAPI document (``http/openapi.py``): its
query parameters and request headers, its request body, and its answers by status, with their content type and
body schema. ``OPERATIONS`` is keyed by (method, template); a test checks that it covers ``ROUTES`` exactly.

The schemas say what the server checks, and no more: a value they refuse gets a 4xx answer, and a value they admit
is read (it may still be refused for what the org holds: an unknown module, id or field). Record bodies are
objects whose keys are the org's own fields, so ``data[]`` items are open objects here. The fuzzer
(tests/fuzz/) holds the server to this document.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from zcrm.auth.access import PERMISSION_NAMES
from zcrm.auth.access import STATUSES as USER_STATUSES
from zcrm.auth.provision import CLIENT_TYPES
from zcrm.automation.zia import OUTCOMES
from zcrm.faults import METHODS as FAULT_METHODS
from zcrm.faults import OPERATIONS as FAULT_OPERATIONS
from zcrm.records.approval_actions import APPROVAL_ACTIONS, REVIEW_ACTIONS
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
EMPTY = "empty"  # no body (204, 304, a redirect)


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


SINCE = {
    "If-Modified-Since": {"type": "string", "description": "an ISO datetime with offset or an HTTP-date"}
}
UNMODIFIED_SINCE = {
    "If-Unmodified-Since": {"type": "string", "description": "an ISO datetime with offset or an HTTP-date"}
}
PAGING = {"page": POSITIVE, "per_page": POSITIVE}
WRITTEN = {
    "200": json("Every item succeeded", "WriteResults"),
    "207": json("Some items failed", "WriteResults"),
}
UPDATED = {
    **WRITTEN,
    "400": WRITE_400,
    "412": json("Every item was modified after If-Unmodified-Since: ALREADY_MODIFIED", "WriteResults"),
}
OAUTH_PARAMS = {
    name: STRING
    for name in ("grant_type", "client_id", "client_secret", "refresh_token", "code", "redirect_uri", "scope")
}
AUTH_PAGE_PARAMS = {
    name: STRING
    for name in ("client_id", "response_type", "redirect_uri", "scope", "state", "access_type", "prompt")
}
HTML_PAGE = Answer("The sign-in page (HTML)", HTML, None)
HTML_ERROR = Answer("A bad request: an HTML error page (or a fault rule's JSON envelope)", HTML, None)
ADMIN_QUERY_LIMIT = {"type": "integer", "minimum": 1, "maximum": 999_999_999}
USER_BODY = {
    "first_name": NULLABLE_STRING,
    "role": NULLABLE_STRING,
    "profile": NULLABLE_STRING,
    "time_zone": NULLABLE_STRING,
    "status": choice(USER_STATUSES, nullable=True),
    "locale": NULLABLE_STRING,
}
ORG_RESULT = shape({"org_id": STRING})

OPERATIONS: dict[tuple[str, str], Described] = {
    # -- OAuth ------------------------------------------------------------------------------------------------
    ("POST", "/oauth/v2/token"): Described(
        ok("OAuthAnswer", 'Tokens, or an OAuth error such as `{"error":"invalid_client"}` (always 200)'),
        query=OAUTH_PARAMS,
        body=shape({}, OAUTH_PARAMS),
        body_media=FORM,
    ),
    ("POST", "/oauth/v2/token/revoke"): Described(
        ok("OAuthAnswer", '`{"status":"success"}` or an OAuth error (always 200)'),
        query={"token": STRING},
        body=shape({}, {"token": STRING}),
        body_media=FORM,
    ),
    ("GET", "/oauth/v2/auth"): Described({"200": HTML_PAGE, "400": HTML_ERROR}, query=AUTH_PAGE_PARAMS),
    ("POST", "/oauth/v2/auth"): Described(
        {
            "200": HTML_PAGE,
            "303": empty("Back to the client's redirect URI with a grant code or error=access_denied"),
            "400": HTML_ERROR,
            "403": Answer("The form did not come from this server or has expired (HTML)", HTML, None),
            "413": Answer("The form is too large (HTML)", HTML, None),
        },
        body=shape({}, {**AUTH_PAGE_PARAMS, "csrf_token": STRING, "action": STRING, "email": STRING}),
        body_media=FORM,
    ),
    # -- metadata -----------------------------------------------------------------------------------------------
    ("GET", "/crm/v5/settings/modules"): Described(
        {**ok(shape({"modules": OBJECTS})), "304": NOT_MODIFIED}, headers=SINCE
    ),
    ("GET", "/crm/v5/settings/modules/{api_name}"): Described(
        {**ok(shape({"modules": OBJECTS})), "304": NOT_MODIFIED}, headers=SINCE
    ),
    ("GET", "/crm/v5/settings/fields"): Described(
        {**ok(shape({"fields": OBJECTS})), "204": NO_CONTENT},
        query={"module": {"type": "string", "minLength": 1}, "type": choice(["used", "unused", "all"])},
        required_query=("module",),
    ),
    ("GET", "/crm/v5/settings/fields/{id}"): Described(
        ok(shape({"fields": OBJECTS})),
        query={"module": {"type": "string", "minLength": 1}, "type": choice(["used", "unused", "all"])},
        required_query=("module",),
    ),
    ("GET", "/crm/v5/settings/layouts"): Described(
        ok(shape({"layouts": OBJECTS})),
        query={"module": {"type": "string", "minLength": 1}},
        required_query=("module",),
    ),
    ("GET", "/crm/v5/settings/layouts/{id}"): Described(
        ok(shape({"layouts": OBJECTS})),
        query={"module": {"type": "string", "minLength": 1}},
        required_query=("module",),
    ),
    ("GET", "/crm/v5/users"): Described(
        {**ok(shape({"users": OBJECTS, "info": OBJECT})), "204": NO_CONTENT, "304": NOT_MODIFIED},
        query={
            "type": choice(
                [
                    "AllUsers",
                    "ActiveUsers",
                    "DeactiveUsers",
                    "ConfirmedUsers",
                    "NotConfirmedUsers",
                    "DeletedUsers",
                    "ActiveConfirmedUsers",
                    "AdminUsers",
                    "ActiveConfirmedAdmins",
                    "CurrentUser",
                ]
            ),
            **PAGING,
            "ids": {"type": "string", "description": "comma-separated user ids (at most 100)"},
        },
        headers=SINCE,
    ),
    ("GET", "/crm/v5/users/{id}"): Described(
        {**ok(shape({"users": OBJECTS})), "204": NO_CONTENT, "304": NOT_MODIFIED}, headers=SINCE
    ),
    ("GET", "/crm/v5/org"): Described(ok(shape({"org": OBJECTS}))),
    # -- notifications and approvals ------------------------------------------------------------------------------
    ("GET", "/crm/v5/actions/watch"): Described(
        {**ok("Watch"), "204": NO_CONTENT},
        query={**PAGING, "channel_id": STRING, "module": STRING},
    ),
    ("POST", "/crm/v5/actions/watch"): Described(
        {
            "201": json("Every item succeeded", "WatchResults"),
            "207": json("Some items failed", "WatchResults"),
            "400": json(
                "Every item failed, or a bad request", {"anyOf": [ref("WatchResults"), ref("Error")]}
            ),
        },
        body=ref("WatchBody"),
        body_required=True,
    ),
    ("PUT", "/crm/v5/actions/watch"): Described(
        {
            "200": json("Every item succeeded", "WatchResults"),
            "207": json("Some items failed", "WatchResults"),
            "400": json(
                "Every item failed, or a bad request", {"anyOf": [ref("WatchResults"), ref("Error")]}
            ),
        },
        body=ref("WatchBody"),
        body_required=True,
    ),
    ("PATCH", "/crm/v5/actions/watch"): Described(
        {
            "200": json("Every item succeeded", "WatchResults"),
            "207": json("Some items failed", "WatchResults"),
            "400": json(
                "Every item failed, or a bad request", {"anyOf": [ref("WatchResults"), ref("Error")]}
            ),
        },
        body=ref("WatchBody"),
        body_required=True,
    ),
    ("DELETE", "/crm/v5/actions/watch"): Described(
        {
            "200": json("Every channel was disabled", "WatchResults"),
            "207": json("Some channels were not subscribed", "WatchResults"),
            "400": json(
                "No channel was subscribed, or a bad request", {"anyOf": [ref("WatchResults"), ref("Error")]}
            ),
        },
        query={
            "channel_ids": {"type": "string", "minLength": 1, "description": "comma-separated, at most 100"}
        },
        required_query=("channel_ids",),
    ),
    ("GET", "/crm/v5/Approvals"): Described(
        {**ok(shape({"data": OBJECTS, "info": OBJECT})), "204": NO_CONTENT},
        query={"type": choice(["awaiting", "others_awaiting"]), **PAGING},
    ),
    # -- records ------------------------------------------------------------------------------------------------
    ("GET", "/crm/v5/{module}"): Described(
        {**ok("Records"), "204": NO_CONTENT, "304": NOT_MODIFIED},
        query={
            "fields": {
                "type": "string",
                "minLength": 1,
                "description": "comma-separated API names, at most 50",
            },
            "ids": {"type": "string", "description": "comma-separated record ids, at most 100"},
            "sort_by": choice(["id", "Created_Time", "Modified_Time"]),
            "sort_order": choice(["asc", "desc"]),
            **PAGING,
            "page_token": STRING,
            "approved": {
                "type": "string",
                "enum": ["true", "false", "both"],
                "description": "any letter case",
            },
            "converted": {"type": "string", "enum": ["true", "false", "both"], "description": "Leads only"},
        },
        required_query=("fields",),
        headers=SINCE,
    ),
    ("POST", "/crm/v5/{module}"): Described(
        {"201": json("Every item succeeded", "WriteResults"), "207": WRITTEN["207"], "400": WRITE_400},
        body=ref("WriteBody"),
        body_required=True,
    ),
    ("PUT", "/crm/v5/{module}"): Described(
        UPDATED, body=ref("WriteBody"), body_required=True, headers=UNMODIFIED_SINCE
    ),
    ("DELETE", "/crm/v5/{module}"): Described(
        {**WRITTEN, "400": WRITE_400},
        query={
            "ids": {
                "type": "string",
                "minLength": 1,
                "description": "comma-separated record ids, at most 100",
            },
            "wf_trigger": TRUE_FALSE,
        },
        required_query=("ids",),
    ),
    ("GET", "/crm/v5/{module}/{id}"): Described(
        {**ok("Record"), "204": NO_CONTENT}, query={"fields": STRING}
    ),
    ("PUT", "/crm/v5/{module}/{id}"): Described(
        UPDATED, body=ref("WriteBody"), body_required=True, headers=UNMODIFIED_SINCE
    ),
    ("DELETE", "/crm/v5/{module}/{id}"): Described(
        {"200": json("Deleted", "WriteResults"), "400": WRITE_400}, query={"wf_trigger": TRUE_FALSE}
    ),
    ("GET", "/crm/v5/{module}/{id}/__timeline"): Described(
        {**ok(shape({"__timeline": OBJECTS, "info": OBJECT})), "204": NO_CONTENT},
        query={
            "sort_by": choice(["audited_time"]),
            "sort_order": choice(["asc", "desc"]),
            **PAGING,
            "page_token": STRING,
            "include_inner_details": STRING,
            "include": STRING,
            "include_timeline_type": STRING,
            "filters": {"type": "string", "description": "a JSON criteria object (docs/timeline.md)"},
        },
    ),
    ("POST", "/crm/v5/{module}/{id}/actions/approvals"): Described(
        ok("Result", "Approved, rejected, delegated or resubmitted"),
        query={"action": choice(APPROVAL_ACTIONS), "comments": STRING, "user": STRING},
        body=shape(
            {
                "data": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": 1,
                    "items": shape(
                        {},
                        {
                            "action": choice(APPROVAL_ACTIONS),
                            "comments": NULLABLE_STRING,
                            "user": {"type": ["object", "string", "integer", "null"]},
                        },
                    ),
                }
            }
        ),
    ),
    # -- the control plane --------------------------------------------------------------------------------------
    ("GET", "/__zcrm/openapi.json"): Described(ok(OBJECT, "This document")),
    ("PUT", "/__zcrm/records/{module}/{id}/state"): Described(
        ok(shape({"id": STRING, "approval_state": STRING, "lock_state": NULLABLE_STRING})),
        body={
            "type": "object",
            "properties": {
                "approval_state": choice(
                    [
                        "approved",
                        "approval_process_pending",
                        "approval_process_rejected",
                        "review_process_pending",
                        "review_process_rejected",
                    ]
                ),
                "lock_state": choice(
                    ["zia_vision_processing", "zia_vision_rejected", "merge", "record_locking"], nullable=True
                ),
            },
        },
        body_required=True,
    ),
    ("POST", "/__zcrm/records/{module}/{id}/review"): Described(
        ok("Result", "Approved, rejected or resubmitted"),
        body=shape({"action": choice(REVIEW_ACTIONS)}, {"comments": NULLABLE_STRING}),
        body_required=True,
    ),
    ("POST", "/__zcrm/records/{module}/{id}/zia_validation"): Described(
        ok(shape({"id": STRING, "outcome": STRING, "lock_state": NULLABLE_STRING})),
        body=shape({"outcome": choice(OUTCOMES)}),
        body_required=True,
    ),
    ("GET", "/__zcrm/records/{module}/{id}/processes"): Described(
        ok(
            shape(
                {"id": STRING, "approval_state": STRING, "lock_state": NULLABLE_STRING, "processes": OBJECT}
            )
        )
    ),
    ("GET", "/__zcrm/modules/{module}/workflow_rules"): Described(ok(shape({"workflow_rules": OBJECTS}))),
    ("PUT", "/__zcrm/modules/{module}/workflow_rules"): Described(
        ok(shape({"workflow_rules": OBJECTS})),
        body=shape(
            {"workflow_rules": OBJECTS},
            {
                "functions": {"type": ["array", "null"], "items": shape({"name": STRING, "source": STRING})},
                "webhooks": {"type": ["array", "null"], "items": shape({"name": STRING, "url": STRING})},
            },
        ),
        body_required=True,
    ),
    ("GET", "/__zcrm/automation/log"): Described(
        ok(shape({"log": OBJECTS})),
        query={
            "kind": choice(["function"]),
            "status": choice(["success", "error", "skipped", "timeout"]),
            "limit": ADMIN_QUERY_LIMIT,
        },
    ),
    ("GET", "/__zcrm/webhooks/deliveries"): Described(
        ok(shape({"deliveries": OBJECTS})),
        query={"status": choice(["pending", "delivered", "failed"]), "limit": ADMIN_QUERY_LIMIT},
    ),
    ("POST", "/__zcrm/users"): Described(
        ok("User", "Created", "201"),
        body=closed({"last_name": STRING, "email": STRING}, USER_BODY),
        body_required=True,
    ),
    ("PUT", "/__zcrm/users/{id}"): Described(
        ok("User"),
        body=closed(
            {},
            {"status": choice(USER_STATUSES, nullable=True), "role": STRING, "profile": STRING},
        ),
        body_required=True,
    ),
    ("POST", "/__zcrm/roles"): Described(
        ok(shape({"id": STRING, "name": STRING, "reports_to": NULLABLE_OBJECT}), "Created", "201"),
        body=closed({"name": STRING}, {"reports_to": NULLABLE_STRING}),
        body_required=True,
    ),
    ("POST", "/__zcrm/profiles"): Described(
        ok(
            shape({"id": STRING, "name": STRING, "admin": {"type": "boolean"}, "permissions": OBJECT}),
            "Created",
            "201",
        ),
        body=closed(
            {"name": STRING},
            {
                "admin": {"type": ["boolean", "null"]},
                "permissions": {
                    "type": ["object", "null"],
                    "additionalProperties": {"type": "array", "items": choice(PERMISSION_NAMES)},
                },
            },
        ),
        body_required=True,
    ),
    ("POST", "/__zcrm/clients"): Described(
        ok(shape({"client_id": STRING, "client_secret": STRING}), "Created", "201"),
        body=closed(
            {},
            {
                "name": NULLABLE_STRING,
                "client_type": choice(CLIENT_TYPES, nullable=True),
                "redirect_uri": NULLABLE_STRING,
            },
        ),
        body_required=True,
    ),
    ("POST", "/__zcrm/tokens"): Described(
        ok(shape({"access_token": STRING, "refresh_token": STRING, "scope": STRING}), "Issued", "201"),
        body=closed(
            {"scope": {"type": ["string", "array"], "items": STRING}},
            {"user_id": NULLABLE_STRING, "email": NULLABLE_STRING, "client_id": NULLABLE_STRING},
        ),
        body_required=True,
    ),
    ("POST", "/__zcrm/orgs"): Described(
        ok("Credentials", "Created", "201"),
        body={"type": "object", "properties": {"org_file": NULLABLE_OBJECT, "snapshot": OBJECT}},
    ),
    ("DELETE", "/__zcrm/orgs/{id}"): Described(ok(shape({"org_id": STRING, "deleted": OBJECT}))),
    ("GET", "/__zcrm/orgs/{id}/snapshot"): Described(ok("Snapshot")),
    ("POST", "/__zcrm/orgs/{id}/snapshot"): Described(
        ok(shape({"org_id": STRING, "imported": OBJECT})), body=ref("Snapshot"), body_required=True
    ),
    ("POST", "/__zcrm/orgs/{id}/reset"): Described(ok(shape({"org_id": STRING, "reset": OBJECT}))),
    ("GET", "/__zcrm/orgs/{id}/functions"): Described(ok(shape({"functions": OBJECTS}))),
    ("PUT", "/__zcrm/orgs/{id}/functions"): Described(
        ok(shape({"functions": OBJECTS})),
        body=shape({"functions": {"type": "array", "items": shape({"name": STRING, "source": STRING})}}),
        body_required=True,
    ),
    ("GET", "/__zcrm/orgs/{id}/modules/{module}/workflow_rules"): Described(
        ok(shape({"workflow_rules": OBJECTS}))
    ),
    ("PUT", "/__zcrm/orgs/{id}/modules/{module}/workflow_rules"): Described(
        ok(shape({"workflow_rules": OBJECTS})),
        body=shape(
            {"workflow_rules": OBJECTS},
            {
                "functions": {"type": ["array", "null"], "items": shape({"name": STRING, "source": STRING})},
                "webhooks": {"type": ["array", "null"], "items": shape({"name": STRING, "url": STRING})},
            },
        ),
        body_required=True,
    ),
    ("GET", "/__zcrm/orgs/{id}/seed"): Described(ok("Snapshot")),
    ("PUT", "/__zcrm/orgs/{id}/seed"): Described(
        ok(shape({"org_id": STRING, "seed_time": {"type": "integer"}}))
    ),
    ("GET", "/__zcrm/clock"): Described(ok("Clock")),
    ("PUT", "/__zcrm/clock"): Described(
        ok("Clock"),
        body=closed({"time": {"type": ["string", "integer"]}}, {"frozen": {"type": ["boolean", "null"]}}),
        body_required=True,
    ),
    ("DELETE", "/__zcrm/clock"): Described(ok("Clock"), body=closed({})),
    ("POST", "/__zcrm/clock/advance"): Described(
        ok("Clock"), body=closed({"seconds": {"type": "integer", "minimum": 0}}), body_required=True
    ),
    ("POST", "/__zcrm/clock/freeze"): Described(ok("Clock"), body=closed({})),
    ("POST", "/__zcrm/clock/unfreeze"): Described(ok("Clock"), body=closed({})),
    ("GET", "/__zcrm/requests"): Described(
        ok(shape({"requests": OBJECTS})),
        query={
            "module": STRING,
            "method": {"type": "string", "enum": FAULT_METHODS, "description": "any letter case"},
            "status": {"type": "integer", "anyOf": [{"const": 0}, {"minimum": 100, "maximum": 599}]},
            "operation": choice(FAULT_OPERATIONS),
            "limit": ADMIN_QUERY_LIMIT,
        },
    ),
    ("DELETE", "/__zcrm/requests"): Described(ok(shape({"deleted": {"type": "integer"}}))),
    ("GET", "/__zcrm/faults"): Described(ok(shape({"faults": {"type": "array", "items": ref("FaultRule")}}))),
    ("POST", "/__zcrm/faults"): Described(
        ok("FaultRule", "Added", "201"),
        body=closed(
            {"effect": OBJECT},
            {
                "match": {"type": ["object", "null"]},
                "probability": {"type": ["number", "null"]},
                "seed": {"type": ["integer", "null"]},
                "count": {"type": ["integer", "null"], "minimum": 1, "maximum": 1_000_000},
            },
        ),
        body_required=True,
    ),
    ("DELETE", "/__zcrm/faults"): Described(ok(shape({"deleted": {"type": "integer"}}))),
    ("DELETE", "/__zcrm/faults/{id}"): Described(ok(shape({"id": STRING}))),
    ("GET", "/__zcrm/limits"): Described(ok(shape({"enabled": {"type": "boolean"}, "credits": OBJECT}))),
    ("DELETE", "/__zcrm/limits"): Described(ok(shape({"deleted": {"type": "integer"}}))),
}
