"""The route table of /crm/v5 and /oauth/v2, matched by hand so that the check order is Zoho's:
an unknown path is 404 INVALID_URL_PATTERN, a known path with another method is 400
INVALID_REQUEST_METHOD (behaviour §1.1, §2.3)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

from zcrm.errors import InvalidRequestMethod, InvalidUrlPattern
from zcrm.http import (
    approvals,
    control,
    control_clock,
    control_faults,
    control_orgs,
    control_processes,
    metadata,
    notifications,
    oauth,
    oauth_web,
    records,
    timeline,
)
from zcrm.http.state import State

Handler = Callable[[Request, State], Awaitable[Response]]
RESERVED = frozenset({"settings", "users", "org", "coql", "actions"})


def _record_routes(segments: list[str]) -> dict[str, Handler] | None:
    module = segments[0]
    if len(segments) == 1:
        return {
            "GET": lambda r, s: records.list_records(r, s, module),
            "POST": lambda r, s: records.insert(r, s, module),
            "PUT": lambda r, s: records.update(r, s, module),
            "DELETE": lambda r, s: records.delete_many(r, s, module),
        }
    if len(segments) == 3 and segments[2] == "__timeline":
        record_id = segments[1]
        return {"GET": lambda r, s: timeline.get_timeline(r, s, module, record_id)}
    if len(segments) == 4 and segments[2:] == ["actions", "approvals"]:
        record_id = segments[1]
        return {"POST": lambda r, s: approvals.record_action(r, s, module, record_id)}
    if len(segments) == 2 and segments[1] not in ("upsert", "search"):
        record_id = segments[1]
        return {
            "GET": lambda r, s: records.get_one(r, s, module, record_id),
            "PUT": lambda r, s: records.update(r, s, module, record_id),
            "DELETE": lambda r, s: records.delete_one(r, s, module, record_id),
        }
    return None


def _control_routes(segments: list[str]) -> dict[str, Handler] | None:
    if len(segments) == 4 and segments[0] == "records":
        module, record_id = segments[1], segments[2]
        by_action: dict[str, dict[str, Handler]] = {
            "state": {"PUT": lambda r, s: control.record_state(r, s, module, record_id)},
            "review": {"POST": lambda r, s: control_processes.review(r, s, module, record_id)},
            "zia_validation": {
                "POST": lambda r, s: control_processes.zia_validation(r, s, module, record_id)
            },
            "processes": {"GET": lambda r, s: control_processes.record_processes(r, s, module, record_id)},
        }
        return by_action.get(segments[3])
    if len(segments) >= 2 and segments[0] == "orgs" and segments[1]:
        return control_orgs.routes(segments[1:])
    if segments[0] == "clock":
        return control_clock.routes(segments[1:])
    if segments == ["requests"]:
        return {"GET": control_faults.requests, "DELETE": control_faults.requests}
    if segments == ["faults"]:
        return {"GET": control_faults.faults, "POST": control_faults.faults, "DELETE": control_faults.faults}
    if len(segments) == 2 and segments[0] == "faults" and segments[1]:
        rule_id = segments[1]
        return {"DELETE": lambda r, s: control_faults.remove_fault(r, s, rule_id)}
    if len(segments) == 1:
        handler = {
            "users": control.create_user,
            "roles": control.create_role,
            "profiles": control.create_profile,
            "clients": control.create_client,
            "tokens": control.issue_tokens,
            "orgs": control.create_org,
        }.get(segments[0])
        return {"POST": handler} if handler is not None else None
    if segments == ["automation", "log"]:
        return {"GET": control.automation_log}
    if segments == ["webhooks", "deliveries"]:
        return {"GET": control.webhook_deliveries}
    if len(segments) == 3 and segments[0] == "modules" and segments[2] == "workflow_rules":
        module = segments[1]
        return {
            "GET": lambda r, s: control.workflow_rules(r, s, module),
            "PUT": lambda r, s: control.workflow_rules(r, s, module),
        }
    if len(segments) == 2 and segments[0] == "users" and segments[1]:
        user_id = segments[1]
        return {"PUT": lambda r, s: control.update_user(r, s, user_id)}
    return None


def _crm_routes(segments: list[str]) -> dict[str, Handler] | None:
    if not segments or not segments[0]:
        return None
    head = segments[0]
    if segments == ["Approvals"]:
        return {"GET": approvals.list_approvals}
    if head not in RESERVED:
        return _record_routes(segments)
    if head == "settings" and len(segments) in (2, 3):
        item = segments[2] if len(segments) == 3 else None
        area = segments[1]
        if area == "modules":
            return {"GET": lambda r, s: metadata.modules(r, s, item)}
        if area == "fields":
            return {"GET": lambda r, s: metadata.fields(r, s, item)}
        if area == "layouts":
            return {"GET": lambda r, s: metadata.layouts(r, s, item)}
        return None
    if head == "users" and len(segments) in (1, 2):
        user_id = segments[1] if len(segments) == 2 else None
        return {"GET": lambda r, s: metadata.users(r, s, user_id)}
    if head == "org" and len(segments) == 1:
        return {"GET": metadata.org}
    if segments == ["actions", "watch"]:
        return notifications.routes()
    return None


def resolve(path: str) -> dict[str, Handler] | None:
    """The handlers by method for ``path``, or None when no route matches."""
    if path.endswith("/") and len(path) > 1:
        path = path[:-1]  # one trailing slash is ignored
    if path == "/oauth/v2/token":
        return {"POST": oauth.token}
    if path == "/oauth/v2/token/revoke":
        return {"POST": oauth.revoke}
    if path == "/oauth/v2/auth":
        return {"GET": oauth_web.authorize_page, "POST": oauth_web.authorize_submit}
    if path.startswith("/__zcrm/"):
        return _control_routes(path[len("/__zcrm/") :].split("/"))
    if path.startswith("/crm/v5/"):
        segments = path[len("/crm/v5/") :].split("/")
        if any(not s for s in segments):
            return None
        return _crm_routes(segments)
    return None


async def dispatch(request: Request, state: State) -> Response:
    handlers = resolve(request.url.path)
    if handlers is None:
        raise InvalidUrlPattern()
    handler = handlers.get(request.method)
    if handler is None:
        raise InvalidRequestMethod()
    return await handler(request, state)
