"""What each Zoho API and OAuth operation takes and answers, for the OpenAPI document (``http/openapi.py``):
OAuth, metadata (modules, fields, layouts, users, org), notifications and approvals, records. Keyed by (method,
template); ``http/openapi_operations.py`` joins it with the control plane's."""

from __future__ import annotations

from zcrm.http.openapi_shapes import (
    FORM,
    HTML,
    NO_CONTENT,
    NOT_MODIFIED,
    NULLABLE_STRING,
    OBJECT,
    OBJECTS,
    POSITIVE,
    STRING,
    TRUE_FALSE,
    WRITE_400,
    Answer,
    Described,
    choice,
    empty,
    json,
    ok,
    ref,
    shape,
)
from zcrm.records.approval_actions import APPROVAL_ACTIONS

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

ZOHO_OPERATIONS: dict[tuple[str, str], Described] = {
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
    ("GET", "/crm/v5/{module}/search"): Described(
        {**ok("Records"), "204": NO_CONTENT},
        query={
            "criteria": {
                "type": "string",
                "description": "(Field:operator:value) groups joined by and / or, at most 10 conditions",
            },
            "email": STRING,
            "phone": STRING,
            "word": {"type": "string", "description": "at least 2 characters"},
            "fields": {"type": "string", "description": "comma-separated API names, at most 50"},
            "sort_by": choice(["id", "Created_Time", "Modified_Time"]),
            "sort_order": choice(["asc", "desc"]),
            **PAGING,
            "approved": {
                "type": "string",
                "enum": ["true", "false", "both"],
                "description": "any letter case",
            },
            "converted": {"type": "string", "enum": ["true", "false", "both"], "description": "Leads only"},
        },
    ),
    ("POST", "/crm/v5/coql"): Described(
        {
            **ok(shape({"data": OBJECTS, "info": OBJECT})),
            "204": NO_CONTENT,
        },
        body=shape(
            {
                "select_query": {
                    "type": "string",
                    "description": "SELECT … FROM module WHERE … [GROUP BY …] [ORDER BY …] [LIMIT …] (docs/coql.md)",
                }
            }
        ),
        body_required=True,
    ),
    ("POST", "/crm/v5/{module}"): Described(
        {"201": json("Every item succeeded", "WriteResults"), "207": WRITTEN["207"], "400": WRITE_400},
        body=ref("WriteBody"),
        body_required=True,
    ),
    ("POST", "/crm/v5/{module}/upsert"): Described(
        {**WRITTEN, "400": WRITE_400}, body=ref("UpsertBody"), body_required=True
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
}
