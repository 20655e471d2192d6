"""The route table of /crm/v5, /oauth/v2 and /__zcrm, as data (``ROUTES``), and dispatch over it. The check
order is Zoho's: an unknown path is 404 INVALID_URL_PATTERN, a known path with another method is 400
INVALID_REQUEST_METHOD (behaviour §1.1, §2.3). The matching rules are in ``http/matcher.py``; the same table
makes ``GET /__zcrm/openapi.json`` (``http/openapi.py``) and docs/coverage.md (``http/coverage.py``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import cache
from typing import Any

from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import Response

from zcrm import versions
from zcrm.auth.guards import org_administrator
from zcrm.auth.identity import Identity
from zcrm.errors import InvalidRequestMethod, InvalidUrlPattern
from zcrm.http import (
    approvals,
    attachments,
    convert,
    coql,
    deleted,
    files,
    metadata,
    notes,
    notifications,
    oauth,
    oauth_web,
    openapi,
    photos,
    records,
    related,
    search,
    tags,
    timeline,
)
from zcrm.http.authed import on_authenticated
from zcrm.http.call import RequestKind, describe
from zcrm.http.control import clock as control_clock
from zcrm.http.control import faults as control_faults
from zcrm.http.control import functions as control_functions
from zcrm.http.control import health as control_health
from zcrm.http.control import limits as control_limits
from zcrm.http.control import org as control
from zcrm.http.control import orgs as control_orgs
from zcrm.http.control import processes as control_processes
from zcrm.http.control import restore as control_restore
from zcrm.http.control.access import AdminCall
from zcrm.http.envelope import json_response
from zcrm.http.matcher import Auth, Matcher, Operation, Param, Route
from zcrm.http.state import State

Handler = Callable[..., Awaitable[Response]]  # (request, state, *path parameters)
# the words that are never a module: Zoho's own heads, and Zoho APIs zcrm does not implement (404, not
# INVALID_MODULE); ``Approvals`` alone is the approvals list, ``Approvals/{id}`` a record (literals win)
RESERVED = frozenset({"settings", "users", "org", "coql", "actions", "files"})
# second segments that are never a record id: Zoho APIs zcrm does not implement (404, not INVALID_DATA)
NOT_IDS = frozenset({"upsert", "search", "deleted", "actions", "roles"})

MODULE = Param("module", "a module's API name (any case)", RESERVED, module=True)
RECORD_ID = Param("id", "a record id", NOT_IDS)
# a record's related list (zoho-v5-related.md §2.3); ``actions`` heads the record's actions
RELATED_LIST = Param("related_list", "a related list's API name", frozenset({"actions"}))
RELATED_ID = Param("related_id", "a related record's id")


def op(handler: Handler, summary: str) -> Operation[Handler]:
    return Operation(handler, summary)


async def openapi_document(request: Request, state: State) -> Response:
    return json_response(_openapi())


@cache
def _openapi() -> dict[str, Any]:
    return openapi.document(ROUTES)


def _zoho(
    template: str,
    auth: Auth = "token",
    params: tuple[Param, ...] = (),
    kind: str = "other",
    **operations: Operation[Handler],
) -> Route[Handler]:
    return Route(template, operations, "zoho", auth, params, kind)


def _zcrm(template: str, auth: Auth = "org_admin", **operations: Operation[Handler]) -> Route[Handler]:
    return Route(template, operations, "zcrm", auth, (), "control")


ROUTES: tuple[Route[Handler], ...] = (
    # -- OAuth (Zoho's accounts server) ----------------------------------------------------------------------
    _zoho(
        "/oauth/v2/token",
        "none",
        kind="oauth",
        POST=op(oauth.token, "Exchange a grant code or refresh token for an access token"),
    ),
    _zoho(
        "/oauth/v2/token/revoke",
        "none",
        kind="oauth",
        POST=op(oauth.revoke, "Revoke a refresh or access token"),
    ),
    _zoho(
        "/oauth/v2/auth",
        "none",
        kind="oauth",
        GET=op(oauth_web.authorize_page, "The login and consent page of the OAuth web flow"),
        POST=op(oauth_web.authorize_submit, "Submit the consent form; redirects with a grant code"),
    ),
    # -- metadata --------------------------------------------------------------------------------------------
    _zoho(
        "/crm/v5/settings/modules",
        kind="settings",
        GET=op(lambda r, s: metadata.modules(r, s, None), "List the modules"),
    ),
    _zoho(
        "/crm/v5/settings/modules/{api_name}",
        kind="settings",
        GET=op(metadata.modules, "Get a module by API name"),
    ),
    _zoho(
        "/crm/v5/settings/fields",
        kind="settings",
        GET=op(lambda r, s: metadata.fields(r, s, None), "List a module's fields"),
    ),
    _zoho("/crm/v5/settings/fields/{id}", kind="settings", GET=op(metadata.fields, "Get a field")),
    _zoho(
        "/crm/v5/settings/layouts",
        kind="settings",
        GET=op(lambda r, s: metadata.layouts(r, s, None), "List a module's layouts"),
    ),
    _zoho("/crm/v5/settings/layouts/{id}", kind="settings", GET=op(metadata.layouts, "Get a layout")),
    _zoho(
        "/crm/v5/settings/related_lists",
        kind="settings",
        GET=op(related.related_lists, "List a module's related lists"),
    ),
    _zoho(
        "/crm/v5/settings/related_lists/{id}",
        kind="settings",
        GET=op(related.related_lists, "Get a related list of a module"),
    ),
    _zoho("/crm/v5/settings/tags", kind="settings", GET=op(tags.list_tags, "List a module's tags")),
    _zoho(
        "/crm/v5/users", kind="metadata", GET=op(lambda r, s: metadata.users(r, s, None), "List the users")
    ),
    _zoho("/crm/v5/users/{id}", kind="metadata", GET=op(metadata.users, "Get a user")),
    _zoho("/crm/v5/org", kind="metadata", GET=op(metadata.org, "Get the organization")),
    # -- notifications and approvals ---------------------------------------------------------------------------
    _zoho(
        "/crm/v5/actions/watch",
        GET=op(notifications.list_channels, "List the notification channels"),
        POST=op(notifications.enable, "Enable notification channels"),
        PUT=op(notifications.replace, "Replace notification channels"),
        PATCH=op(notifications.update, "Update notification channels"),
        DELETE=op(notifications.disable, "Disable notification channels"),
    ),
    _zoho(
        "/crm/v5/Approvals",
        GET=op(approvals.list_approvals, "List the approvals waiting on the user or others"),
    ),
    # -- records ---------------------------------------------------------------------------------------------
    _zoho("/crm/v5/coql", "token", (), "coql", POST=op(coql.coql, "Run a COQL query")),
    _zoho(
        "/crm/v5/files",
        kind="files",
        GET=op(files.download, "Download an uploaded file (?id=)"),
        POST=op(files.upload, "Upload files"),
    ),
    _zoho(
        "/crm/v5/{module}/deleted",
        "token",
        (MODULE,),
        "search",
        GET=op(deleted.list_deleted, "List deleted records (the recycle bin)"),
    ),
    _zoho(
        "/crm/v5/{module}/actions/add_tags",
        "token",
        (MODULE,),
        "module_action",
        POST=op(tags.add_tags, "Add tags to records"),
    ),
    _zoho(
        "/crm/v5/{module}/actions/remove_tags",
        "token",
        (MODULE,),
        "module_action",
        POST=op(tags.remove_tags, "Remove tags from records"),
    ),
    _zoho(
        "/crm/v5/{module}/search",
        "token",
        (MODULE,),
        "search",
        GET=op(search.search, "Search records by criteria, email, phone or word"),
    ),
    _zoho(
        "/crm/v5/{module}/upsert",
        "token",
        (MODULE,),
        "upsert",
        POST=op(records.upsert, "Insert or update records, matched on their duplicate check fields"),
    ),
    _zoho(
        "/crm/v5/{module}",
        "token",
        (MODULE,),
        "module",
        GET=op(records.list_records, "List records"),
        POST=op(records.insert, "Insert records"),
        PUT=op(records.update, "Update records"),
        DELETE=op(records.delete_many, "Delete records (?ids=)"),
    ),
    _zoho(
        "/crm/v5/{module}/{id}",
        "token",
        (MODULE, RECORD_ID),
        "record",
        GET=op(records.get_one, "Get a record"),
        PUT=op(records.update, "Update a record"),
        DELETE=op(records.delete_one, "Delete a record"),
    ),
    _zoho(
        "/crm/v5/{module}/{id}/__timeline",
        "token",
        (MODULE, RECORD_ID),
        "record",
        GET=op(timeline.get_timeline, "Get a record's timeline"),
    ),
    _zoho(
        "/crm/v5/{module}/{id}/actions/approvals",
        "token",
        (MODULE, RECORD_ID),
        "action",
        POST=op(approvals.record_action, "Approve, reject, delegate or resubmit a record"),
    ),
    _zoho(
        "/crm/v5/{module}/{id}/actions/add_tags",
        "token",
        (MODULE, RECORD_ID),
        "action",
        POST=op(tags.add_tags, "Add tags to a record"),
    ),
    _zoho(
        "/crm/v5/{module}/{id}/actions/remove_tags",
        "token",
        (MODULE, RECORD_ID),
        "action",
        POST=op(tags.remove_tags, "Remove tags from a record"),
    ),
    _zoho(
        "/crm/v5/{module}/{id}/actions/convert",
        "token",
        (MODULE, RECORD_ID),
        "action",
        POST=op(convert.convert, "Convert a lead"),
    ),
    _zoho(
        "/crm/v5/{module}/{id}/photo",
        "token",
        (MODULE, RECORD_ID),
        "record",
        GET=op(photos.download, "Download a record's photo"),
        POST=op(photos.upload, "Upload a record's photo"),
        DELETE=op(photos.delete, "Delete a record's photo"),
    ),
    _zoho(
        "/crm/v5/{module}/{id}/Notes",
        "token",
        (MODULE, RECORD_ID),
        "record",
        GET=op(notes.list_notes, "List a record's notes"),
        POST=op(notes.create_notes, "Add notes to a record"),
    ),
    _zoho(
        "/crm/v5/{module}/{id}/Notes/{note_id}",
        "token",
        (MODULE, RECORD_ID),
        "record",
        GET=op(notes.list_notes, "Get a note of a record"),
        PUT=op(notes.update_note, "Update a note of a record"),
        DELETE=op(notes.delete_note, "Delete a note of a record"),
    ),
    _zoho(
        "/crm/v5/{module}/{id}/Attachments",
        "token",
        (MODULE, RECORD_ID),
        "record",
        GET=op(attachments.list_attachments, "List a record's attachments"),
        POST=op(attachments.upload, "Upload a file or attach a link to a record"),
        DELETE=op(attachments.delete_many, "Delete attachments of a record (?ids=)"),
    ),
    _zoho(
        "/crm/v5/{module}/{id}/Attachments/{attachment_id}",
        "token",
        (MODULE, RECORD_ID),
        "record",
        GET=op(attachments.download, "Download an attachment"),
        DELETE=op(attachments.delete_one, "Delete an attachment"),
    ),
    _zoho(
        "/crm/v5/{module}/{id}/{related_list}",
        "token",
        (MODULE, RECORD_ID, RELATED_LIST),
        "record",
        GET=op(related.get_related, "List a record's related records"),
        PUT=op(related.link, "Link records to a record (many-to-many lists)"),
        DELETE=op(related.delink, "Delink records from a record (?ids=)"),
    ),
    _zoho(
        "/crm/v5/{module}/{id}/{related_list}/{related_id}",
        "token",
        (MODULE, RECORD_ID, RELATED_LIST, RELATED_ID),
        "record",
        GET=op(related.get_related, "Get a related record"),
        PUT=op(related.link, "Link a record or update its link"),
        DELETE=op(related.delink, "Delink a record"),
    ),
    # -- the control plane -----------------------------------------------------------------------------------
    _zcrm("/__zcrm/openapi.json", "none", GET=op(openapi_document, "The OpenAPI document of these routes")),
    _zcrm(
        "/__zcrm/health",
        "none",
        GET=op(control_health.health, "Whether the server can serve: its database answers and is migrated"),
    ),
    _zcrm(
        "/__zcrm/records/{module}/{id}/state",
        PUT=op(control.record_state, "Set a record's approval and lock state"),
    ),
    _zcrm(
        "/__zcrm/records/{module}/{id}/review", "token", POST=op(control_processes.review, "Review a record")
    ),
    _zcrm(
        "/__zcrm/records/{module}/{id}/zia_validation",
        POST=op(control_processes.zia_validation, "Answer a record's Zia image validation"),
    ),
    _zcrm(
        "/__zcrm/records/{module}/{id}/restore",
        POST=op(control_restore.restore, "Restore a record from the recycle bin"),
    ),
    _zcrm(
        "/__zcrm/records/{module}/{id}/processes",
        GET=op(control_processes.record_processes, "A record's approval, review and validation processes"),
    ),
    _zcrm(
        "/__zcrm/modules/{module}/workflow_rules",
        GET=op(control.workflow_rules, "Read a module's workflow rules"),
        PUT=op(control.workflow_rules, "Replace a module's workflow rules"),
    ),
    _zcrm("/__zcrm/automation/log", GET=op(control.automation_log, "List the runs of workflow functions")),
    _zcrm("/__zcrm/webhooks/deliveries", GET=op(control.webhook_deliveries, "List webhook deliveries")),
    _zcrm("/__zcrm/users", POST=op(control.create_user, "Create a user")),
    _zcrm("/__zcrm/users/{id}", PUT=op(control.update_user, "Change a user's status, role or profile")),
    _zcrm("/__zcrm/roles", POST=op(control.create_role, "Create a role")),
    _zcrm("/__zcrm/profiles", POST=op(control.create_profile, "Create a profile")),
    _zcrm("/__zcrm/clients", POST=op(control.create_client, "Create an OAuth client")),
    _zcrm("/__zcrm/tokens", POST=op(control.issue_tokens, "Issue a refresh and an access token")),
    _zcrm(
        "/__zcrm/orgs",
        "server_admin",
        POST=op(control.create_org, "Create an isolated org and its credentials"),
    ),
    _zcrm(
        "/__zcrm/orgs/{id}", "server_admin", DELETE=op(control_orgs.delete, "Delete an org and all its rows")
    ),
    _zcrm(
        "/__zcrm/orgs/{id}/snapshot",
        "admin",
        GET=op(control_orgs.export, "Export the org as a snapshot"),
        POST=op(control_orgs.import_into, "Replace the org's content with a snapshot"),
    ),
    _zcrm("/__zcrm/orgs/{id}/reset", "admin", POST=op(control_orgs.reset, "Reset the org to its seed")),
    _zcrm(
        "/__zcrm/orgs/{id}/functions",
        "admin",
        GET=op(control_functions.functions, "List the org's installed functions"),
        PUT=op(control_functions.functions, "Replace the org's installed functions (server admin token)"),
    ),
    _zcrm(
        "/__zcrm/orgs/{id}/modules/{module}/workflow_rules",
        "admin",
        GET=op(control_functions.workflow_rules, "Read a module's workflow rules"),
        PUT=op(control_functions.workflow_rules, "Replace a module's workflow rules (and install functions)"),
    ),
    _zcrm(
        "/__zcrm/orgs/{id}/seed",
        "admin",
        GET=op(control_orgs.get_seed, "Read the org's seed"),
        PUT=op(control_orgs.put_seed, "Set the org's seed"),
    ),
    _zcrm(
        "/__zcrm/clock",
        GET=op(control_clock.show, "Read the org's clock"),
        PUT=op(control_clock.change("set"), "Set the org's clock"),
        DELETE=op(control_clock.change("reset"), "Reset the org's clock to the server's"),
    ),
    _zcrm("/__zcrm/clock/advance", POST=op(control_clock.change("advance"), "Advance the org's clock")),
    _zcrm("/__zcrm/clock/freeze", POST=op(control_clock.change("freeze"), "Freeze the org's clock")),
    _zcrm(
        "/__zcrm/clock/unfreeze", POST=op(control_clock.change("unfreeze"), "Let the org's clock run again")
    ),
    _zcrm(
        "/__zcrm/requests",
        GET=op(control_faults.requests, "Read the request log"),
        DELETE=op(control_faults.requests, "Empty the request log"),
    ),
    _zcrm(
        "/__zcrm/faults",
        GET=op(control_faults.faults, "List the fault rules"),
        POST=op(control_faults.faults, "Add a fault rule"),
        DELETE=op(control_faults.faults, "Remove every fault rule"),
    ),
    _zcrm("/__zcrm/faults/{id}", DELETE=op(control_faults.remove_fault, "Remove a fault rule")),
    _zcrm(
        "/__zcrm/limits",
        GET=op(control_limits.show, "Read the org's API limits and credits"),
        DELETE=op(control_limits.show, "Forget the credits the org used"),
    ),
)
MATCHER = Matcher(ROUTES)
# Zoho APIs zcrm does not serve (404 INVALID_URL_PATTERN), known for what their calls are: API limits charge them
UNSERVED: tuple[Route[Handler], ...] = ()
_UNSERVED = Matcher(UNSERVED)


UPLOADS = frozenset(
    {
        ("POST", "/crm/v5/files"),
        ("POST", "/crm/v5/{module}/{id}/Attachments"),
        ("POST", "/crm/v5/{module}/{id}/photo"),
    }
)


def is_upload(method: str, path: str) -> bool:
    """Whether the request is an upload (its body limit is ``ZCRM_MAX_UPLOAD_BYTES``: http/middleware/body_limit.py)."""
    if method != "POST":
        return False
    found = MATCHER.match(versions.split(path)[1])
    return found is not None and (method, found[0].template) in UPLOADS


def classify(method: str, path: str, query: str) -> RequestKind:
    """What a request is, from the route that serves its path (the one classification: http/call.py)."""
    version, canonical = versions.split(path)
    found = MATCHER.match(canonical)
    if found is not None and version is not versions.DEFAULT and found[0].template in version.missing_routes:
        # a route newer than the version: an unknown path there
        return describe(method, path, query, None, version=version)
    if found is not None:
        return describe(method, path, query, found[0].kind, found[1], found[0], version)
    unserved = _UNSERVED.match(canonical)
    if unserved is not None:
        return describe(method, path, query, unserved[0].kind, unserved[1], version=version)
    return describe(method, path, query, None, version=version)


async def dispatch(request: Request, state: State, kind: RequestKind) -> Response:
    """Calls the handler of the request's route (as ``classify`` found it) with its path values."""
    route = kind.route
    if route is None:
        raise InvalidUrlPattern()
    operation = route.operations.get(request.method)
    if operation is None:
        raise InvalidRequestMethod()
    if (
        route.auth == "org_admin"
    ):  # checked as soon as the handler's unit of work has authenticated the caller
        with on_authenticated(_org_administrator):
            response: Response = await operation.handler(request, state, *kind.values)
            return response
    if route.auth in ("admin", "server_admin"):  # checked by the call's unit of work (control/access.py)
        org_id = kind.values[0] if kind.values else None
        call = AdminCall(request, org_id, org_admin=route.auth == "admin")
        response = await operation.handler(request, state, call, *kind.values)
        return response
    response = await operation.handler(request, state, *kind.values)
    return response


def _org_administrator(conn: Connection, ident: Identity, now: int, write: bool) -> None:
    org_administrator(ident)
