"""What each control-plane operation (``/__zcrm/…``, docs/control-plane.md) takes and answers, for the OpenAPI
document (``http/openapi.py``): the document itself, record states and processes, workflow rules, the automation
log, webhook deliveries, users, roles, profiles, clients, tokens, orgs, the clock, the request log, fault rules and
API limits. Keyed by (method, template); ``http/openapi_operations.py`` joins it with the Zoho API's."""

from __future__ import annotations

from zcrm.auth.access import PERMISSION_NAMES
from zcrm.auth.access import STATUSES as USER_STATUSES
from zcrm.auth.provision import CLIENT_TYPES
from zcrm.automation.zia import OUTCOMES
from zcrm.faults import METHODS as FAULT_METHODS
from zcrm.faults import OPERATIONS as FAULT_OPERATIONS
from zcrm.http.openapi_shapes import (
    NULLABLE_OBJECT,
    NULLABLE_STRING,
    OBJECT,
    OBJECTS,
    STRING,
    Described,
    choice,
    closed,
    ok,
    ref,
    shape,
)
from zcrm.records.approval_actions import REVIEW_ACTIONS

ADMIN_QUERY_LIMIT = {"type": "integer", "minimum": 1, "maximum": 999_999_999}
USER_BODY = {
    "first_name": NULLABLE_STRING,
    "role": NULLABLE_STRING,
    "profile": NULLABLE_STRING,
    "time_zone": NULLABLE_STRING,
    "status": choice(USER_STATUSES, nullable=True),
    "locale": NULLABLE_STRING,
}

CONTROL_OPERATIONS: dict[tuple[str, str], Described] = {
    # -- the control plane --------------------------------------------------------------------------------------
    ("GET", "/__zcrm/openapi.json"): Described(ok(OBJECT, "This document")),
    ("GET", "/__zcrm/health"): Described(
        {
            **ok(closed({"status": choice(["ok"])}), "The database answers and is at this zcrm's revision"),
            **ok(
                closed(
                    {
                        "status": choice(["unavailable"]),
                        "reason": STRING,
                        "revision": NULLABLE_STRING,
                        "head": NULLABLE_STRING,
                    }
                ),
                "The database is unreachable or not migrated to this zcrm's revision",
                status="503",
            ),
        }
    ),
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
    ("POST", "/__zcrm/records/{module}/{id}/restore"): Described(
        ok("Result", "Restored: the record's id and module")
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
