"""What a request is, decided once by the route table, and what happened to it, for the layers around its handler
(``http/middleware/``); no I/O.

``RequestKind`` is the request's classification, immutable: its route and path values, and the views the layers
need of it: the module, operation and record ids that fault rules match and the request log keeps (``faults.py``
vocabulary), the kind of call that API limits charge (``limits.py`` vocabulary). ``http/routes.classify`` makes it
from the family each route declares (``Route.kind``); a path no route serves is classified by its plane alone.

``Call`` is one request's notes, made by ``middleware.Classify`` and kept in the ASGI scope (``scope["state"]``):
its kind, its body as the handler read it (decoded once, on demand, for fault rules and limits), and what the
layers learn on the way (org and user, the fault that fired, latency to add)."""

from __future__ import annotations

import dataclasses
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from starlette.types import Scope

from zcrm import json_input
from zcrm.faults import Target
from zcrm.http.matcher import Route
from zcrm.versions import DEFAULT, Version

CALL = "zcrm.call"  # the request's Call in scope["state"]
BY_METHOD = {"GET": "read", "POST": "insert", "PUT": "update", "DELETE": "delete"}


@dataclass(frozen=True, slots=True)
class RequestKind:
    """A request as the route table classified it. ``route`` is None when no route serves the path (404 or a Zoho
    API zcrm does not serve); ``family`` is the route's ``kind`` (``http/routes.py``), else the path's plane
    (``oauth``, ``control`` or ``other``)."""

    method: str
    path: str
    query: str
    family: str
    route: Route[Any] | None = None
    values: tuple[str, ...] = ()
    module: str | None = None
    operation: str = "other"  # faults.OPERATIONS
    record_ids: tuple[str, ...] = ()
    limit_kind: str = "call"  # limits.cost: oauth, coql, search, write, list or call
    version: Version = DEFAULT  # the API version the path names (``/crm/v2/...``: zcrm/versions.py)

    @property
    def control(self) -> bool:
        """A control-plane call (``/__zcrm/``): neither logged nor faulted nor charged."""
        return self.family == "control"

    @property
    def limited(self) -> bool:
        """A call to Zoho's API (``/crm/``), served or not: API limits admit and charge it."""
        return self.path.startswith("/crm/")

    @property
    def target(self) -> Target:
        return Target(self.method, self.path, self.module, self.operation, self.record_ids)


def describe(
    method: str,
    path: str,
    query: str,
    family: str | None,
    values: tuple[str, ...] = (),
    route: Route[Any] | None = None,
    version: Version = DEFAULT,
) -> RequestKind:
    """The kind of a request whose route (or unserved Zoho path) declares ``family`` with path ``values``."""
    if family is None:
        family = (
            "oauth" if path.startswith("/oauth/") else "control" if path.startswith("/__zcrm/") else "other"
        )
    kind = RequestKind(method, path, query, family, route, values, version=version)
    by_method = BY_METHOD.get(method, "other")
    if family == "oauth":
        return _with(kind, operation="oauth", limit_kind="oauth")
    if family == "metadata":
        return _with(kind, operation="metadata")
    if (
        family == "settings"
    ):  # /settings/fields?module=Leads: the module a fault rule or the log's filter names
        module = urllib.parse.parse_qs(query).get("module", [None])[0] if "module=" in query else None
        return _with(kind, operation="metadata", module=module)
    if family == "module":  # /crm/v5/{module}: a module's records
        ids: tuple[str, ...] = ()
        if "ids=" in query:
            ids = tuple(i for v in urllib.parse.parse_qs(query).get("ids", []) for i in v.split(",") if i)
        limit_kind = "list" if method == "GET" else "write" if method in ("POST", "PUT") else "call"
        return _with(kind, module=values[0], operation=by_method, record_ids=ids, limit_kind=limit_kind)
    if family == "record":  # /crm/v5/{module}/{id} and what hangs under it
        return _with(kind, module=values[0], operation=by_method, record_ids=(values[1],))
    if family == "action":  # /crm/v5/{module}/{id}/actions/...
        return _with(kind, module=values[0], operation="action", record_ids=(values[1],))
    if family == "module_action":  # /crm/v5/{module}/actions/...
        return _with(kind, module=values[0], operation="action", limit_kind="write")
    if family == "coql":
        return _with(kind, limit_kind="coql")
    if family == "search":
        return _with(
            kind, module=values[0], operation=by_method, limit_kind="search" if method == "GET" else "call"
        )
    if family == "upsert":
        return _with(
            kind, module=values[0], operation=by_method, limit_kind="write" if method == "POST" else "call"
        )
    return kind  # control, other


def _with(kind: RequestKind, **changes: Any) -> RequestKind:
    return dataclasses.replace(kind, **changes)


@dataclass(slots=True)
class Call:
    """One request's notes on its way through the layers (kept in ``scope["state"][CALL]``)."""

    kind: RequestKind
    header_fault: str | None = None  # the X-Zcrm-Fault header, when the server honours it
    chunks: list[bytes] = field(default_factory=list)  # the body, as the handler read it
    org_id: str | None = None
    user_id: str | None = None
    fault: dict[str, Any] | None = None  # the fault that fired, for the log
    delay: float = 0.0  # seconds to wait before answering (a fault's latency)
    dropped: bool = False  # the connection was closed without an answer
    passed: set[str] = field(default_factory=set)  # rules whose last application another request took
    _json: Any = None
    _decoded: int = -1  # the number of chunks when the body was decoded

    def body(self) -> bytes:
        return b"".join(self.chunks)

    def json(self) -> Any:
        """The body's JSON (``json_input.loads_exact``), None when it is not JSON; decoded once for every reader
        (fault rules matching record ids, API limits counting records and reading a COQL limit)."""
        if self._decoded != len(self.chunks):
            try:
                self._json = json_input.loads_exact(self.body())
            except json_input.JsonError:
                self._json = None
            self._decoded = len(self.chunks)
        return self._json

    def body_ids(self) -> tuple[str, ...]:
        """The ``id`` of each ``data[]`` item of a JSON body (bulk writes), for rules matching a record id."""
        body = self.json()
        items = body.get("data") if isinstance(body, dict) else None
        if not isinstance(items, list):
            return ()
        return tuple(
            str(i["id"]) for i in items if isinstance(i, dict) and isinstance(i.get("id"), str | int)
        )


def header(scope: Scope, name: bytes) -> str | None:
    """The value of the request's header ``name`` (lower-case bytes), or None."""
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            text: str = value.decode("latin-1")
            return text
    return None


def call_of(scope: Scope) -> Call | None:
    """The request's Call (None before ``middleware.Classify`` ran, or outside a request)."""
    found: Call | None = scope.get("state", {}).get(CALL)
    return found
