"""A request around its handler: what it is (module, operation, record ids), who made it (``State.authed`` says,
through ``CURRENT``), the fault that applies to it (docs/control-plane.md, "Fault rules") and its request-log
entry ("Request log").

``observed(state, answer)`` wraps the app's endpoint. Control-plane paths (``/__zcrm/``) pass straight through:
they are neither logged nor faulted. For every other request it sets a ``Call`` in ``CURRENT``; ``authenticated``
(called by ``State.authed`` inside the unit of work, right after the token look-up) fills in the org and user and
decides the fault: the ``X-Zcrm-Fault`` header, else the org's first matching rule. An org whose
``faults_version`` is 0 (it never had a rule) costs one integer comparison. An error or a dropped connection ends
the request before its handler runs (``FaultFired``, nothing written); latency is waited after the handler, before
answering. OAuth calls carry no token: their org is their ``client_id``'s, looked up before the handler.
"""

from __future__ import annotations

import asyncio
import threading
import time
import urllib.parse
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import orjson
from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Message, Receive, Scope, Send

from zcrm.auth.identity import Identity, authenticate
from zcrm.errors import ZohoError
from zcrm.faults import Draws, Effect, Rule, Target, parse_header
from zcrm.http import redact
from zcrm.http.envelope import error_response
from zcrm.http.request import no_nul
from zcrm.store import faults as fault_store
from zcrm.store import oauth as oauth_store
from zcrm.store.request_log import Entry

if TYPE_CHECKING:
    from zcrm.http.state import State

TRANSPORT = "zcrm.transport"  # the connection's asyncio transport in scope["state"] (http/drop.py)
RESERVED = frozenset({"settings", "users", "org"})
BY_METHOD = {"GET": "read", "POST": "insert", "PUT": "update", "DELETE": "delete"}
Answer = Callable[[Request], Awaitable[Response]]


@dataclass(slots=True)
class Call:
    method: str
    path: str
    query: str
    target: Target
    header_fault: str | None
    chunks: list[bytes] = field(default_factory=list)  # the body, as the handler read it
    org_id: str | None = None
    user_id: str | None = None
    fault: dict[str, Any] | None = None  # the fault that fired, for the log
    delay: float = 0.0
    passed: set[str] = field(default_factory=set)  # rules whose last application another request took

    def body_ids(self) -> tuple[str, ...]:
        """The ``id`` of each ``data[]`` item of a JSON body (bulk writes), for rules matching a record id."""
        try:
            body = orjson.loads(b"".join(self.chunks))
        except orjson.JSONDecodeError:
            return ()
        items = body.get("data") if isinstance(body, dict) else None
        if not isinstance(items, list):
            return ()
        return tuple(
            str(i["id"]) for i in items if isinstance(i, dict) and isinstance(i.get("id"), str | int)
        )


CURRENT: ContextVar[Call | None] = ContextVar("zcrm_call", default=None)


class FaultFired(Exception):
    """An error or a dropped connection chosen for the current request: raised before its handler runs."""

    def __init__(self, effect: Effect, claim: tuple[str, str] | None = None) -> None:
        super().__init__("fault")
        self.effect = effect
        self.claim = claim  # (org id, rule id) of a counted rule: claimed once the unit has rolled back

    def response(self) -> Response:
        if self.effect.drop:
            return Dropped()
        error = self.effect.exception()
        assert error is not None
        response = error_response(error)
        if error.status == 429:
            response.headers["Retry-After"] = str(self.effect.retry_after)
        return response


class ConnectionDropped(Exception):
    """A dropped connection under a server that does not hand zcrm its transport (in-process test clients)."""


class Dropped(Response):
    """Closes the connection without an answer (``zcrm serve``'s protocol puts the transport in the scope)."""

    def __init__(self) -> None:
        super().__init__(status_code=599)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        transport = scope.get("state", {}).get(TRANSPORT)
        if transport is None:
            raise ConnectionDropped("fault rule: connection dropped")
        transport.abort()
        # wait until the server has seen the connection go, so it does not try to answer on it
        async with asyncio.timeout(5):
            while (await receive())["type"] != "http.disconnect":
                pass


class FaultCache:
    """Each org's rules in this process, tagged with the org's ``faults_version``."""

    def __init__(self) -> None:
        self._rules: dict[str, tuple[int, list[Rule]]] = {}
        self._lock = threading.Lock()
        self.draws = Draws()

    def get(self, conn: Connection, org_id: str, version: int) -> list[Rule]:
        cached = self._rules.get(org_id)
        if cached is not None and cached[0] == version:
            return cached[1]
        rules = fault_store.rules(conn, org_id)
        with self._lock:
            self._rules[org_id] = (version, rules)
            live = {r.key() for _, rs in self._rules.values() for r in rs}
            for gone in [k for k in self.draws.by_rule if k not in live]:
                del self.draws.by_rule[gone]
        return rules


def classify(method: str, path: str, query: str) -> Target:
    """What a request is, from its path: module, operation and the record ids it names."""
    trimmed = path[:-1] if path.endswith("/") and len(path) > 1 else path
    if trimmed.startswith("/oauth/"):
        return Target(method, path, None, "oauth")
    if not trimmed.startswith("/crm/v5/"):
        return Target(method, path, None, "other")
    segments = trimmed[len("/crm/v5/") :].split("/")
    head = segments[0]
    if head in RESERVED:
        module = None
        if head == "settings" and "module=" in query:
            module = urllib.parse.parse_qs(query).get("module", [None])[0]
        return Target(method, path, module, "metadata")
    if head in ("actions", "coql", "Approvals") or not head:
        return Target(method, path, None, "other")
    if len(segments) == 1:
        ids: tuple[str, ...] = ()
        if "ids=" in query:
            ids = tuple(i for v in urllib.parse.parse_qs(query).get("ids", []) for i in v.split(",") if i)
        return Target(method, path, head, BY_METHOD.get(method, "other"), ids)
    operation = "action" if len(segments) > 2 and segments[2] == "actions" else BY_METHOD.get(method, "other")
    return Target(method, path, head, operation, (segments[1],))


def authenticated(conn: Connection, state: State, ident: Identity, write: bool) -> None:
    """Called by ``State.authed`` once the token is known: notes the org and user, then applies a fault."""
    call = CURRENT.get()
    if call is None:
        return
    call.org_id = ident.org_id
    call.user_id = ident.user.id
    if call.header_fault is not None or ident.faults_version:
        _choose(conn, state, call, ident.org_id, ident.faults_version, write)


def _choose(conn: Connection, state: State, call: Call, org_id: str, version: int, write: bool) -> None:
    draws = state.faults.draws
    if call.header_fault is not None:
        effect = parse_header(call.header_fault)
        _apply(call, effect, None, effect.latency(draws.shared))
        return
    if not version:
        return
    body_ids: tuple[str, ...] | None = None
    for rule in state.faults.get(conn, org_id, version):
        if rule.match.record_id is not None and body_ids is None:
            body_ids = call.body_ids() if call.target.operation in ("insert", "update") else ()
        if rule.id in call.passed or not rule.matches(call.target, body_ids or ()) or not draws.fires(rule):
            continue
        ends = rule.effect.error is not None or rule.effect.drop
        claim = (org_id, rule.id) if rule.count is not None and ends else None
        if rule.count is not None and not ends and not _claim(conn, state, org_id, rule.id, write):
            continue  # another request took its last application
        _apply(call, rule.effect, rule.id, rule.effect.latency(draws.rng(rule)), claim)
        return


def _claim(conn: Connection, state: State, org_id: str, rule_id: str, write: bool) -> bool:
    """A counted latency: claimed in the request's own transaction when it writes (it commits with it)."""
    if write:
        return fault_store.claim(conn, org_id, rule_id)
    with state.db.write() as own:  # a read unit: claim in a short write transaction of its own
        return fault_store.claim(own, org_id, rule_id)


def _apply(
    call: Call, effect: Effect, rule_id: str | None, delay: float, claim: tuple[str, str] | None = None
) -> None:
    call.fault = {"rule": rule_id, "effect": effect.as_dict()}
    call.delay = delay
    if effect.error is not None or effect.drop:
        raise FaultFired(effect, claim)


async def _claimed(state: State, claim: tuple[str, str]) -> bool:
    """A counted error or drop: its request's unit rolled back, so the claim is a write of its own."""
    return await state.unit(lambda conn, now: fault_store.claim(conn, *claim), write=True)


def _replay(chunks: list[bytes], inner: Receive) -> Receive:
    """The request body again, for a request run a second time (its rule's last application was taken)."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
        return await inner()

    return receive


async def _oauth_faults(request: Request, state: State, call: Call) -> None:
    """OAuth calls: the org of the ``client_id`` (query or form body), then its faults, before the handler."""
    params = dict(urllib.parse.parse_qsl(call.query))
    if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        params.update(urllib.parse.parse_qsl((await request.body()).decode("utf-8", "replace")))
    client_id = no_nul(params.get("client_id", ""))

    def work(conn: Connection, now: int) -> None:
        client = oauth_store.get_client(conn, client_id) if client_id else None
        if client is not None:
            call.org_id, call.user_id = client.org_id, client.user_id
            version = fault_store.version(conn, client.org_id)
            if call.header_fault is not None or version:
                _choose(conn, state, call, client.org_id, version, False)
        elif call.header_fault is not None:
            _choose(conn, state, call, "", 0, False)

    await state.unit(work, write=False)


async def _org_of_token(state: State, call: Call, header: str) -> None:
    """The org of a valid token on a request that never authenticated (an unknown path or method)."""

    def work(conn: Connection, now: int) -> None:
        try:
            ident = authenticate(conn, state.schemas, header, now)
        except ZohoError:
            return
        call.org_id, call.user_id = ident.org_id, ident.user.id

    await state.unit(work, write=False)


def _masked(data: bytes, cap: int, content_type: str | None) -> bytes | None:
    """A body as the log keeps it: cut at ``cap`` bytes, its credentials masked (http/redact.py)."""
    if not data:
        return None
    return redact.body(data if len(data) <= cap else data[:cap], content_type)[:cap]


async def _answered(request: Request, state: State, call: Call, answer: Answer, receive: Receive) -> Response:
    """The handler's answer, or the fault's. When a counted rule's last application was taken by another request
    meanwhile, the request runs again (its body replayed) with that rule passed over."""
    first = True
    while True:
        try:
            if call.target.operation == "oauth":  # its body is read here: the handler reads the cached copy
                await _oauth_faults(request, state, call)
                return await answer(request)
            if first:
                return await answer(Request(request.scope, receive))
            return await answer(Request(request.scope, _replay(call.chunks, request.receive)))
        except FaultFired as fired:
            if fired.claim is None or await _claimed(state, fired.claim):
                return fired.response()
            call.passed.add(fired.claim[1])
            call.fault, call.delay, first = None, 0.0, False
        except ZohoError as exc:  # a bad X-Zcrm-Fault header on an OAuth call
            return error_response(exc)


def observed(state: State, answer: Answer) -> Answer:
    """The endpoint ``answer`` with the request log and fault rules around it."""
    settings = state.settings
    cap = settings.request_log_body_bytes
    fault_header = settings.fault_header

    async def endpoint(request: Request) -> Response:
        scope = request.scope
        path: str = scope["path"]
        if path.startswith("/__zcrm/"):
            return await answer(request)
        started = time.perf_counter()
        method: str = scope["method"]
        query = scope["query_string"].decode("latin-1")
        header = request.headers.get("x-zcrm-fault") if fault_header else None
        call = Call(method, path, query, classify(method, path, query), header)
        chunks = call.chunks
        inner = request.receive

        async def receive() -> Message:
            message = await inner()
            if message["type"] == "http.request":
                chunks.append(message.get("body", b""))
            return message

        token = CURRENT.set(call)
        try:
            response = await _answered(request, state, call, answer, receive)
        finally:
            CURRENT.reset(token)
        if call.delay:
            await asyncio.sleep(call.delay)
        log = state.request_log
        if log is not None:
            authorization = request.headers.get("authorization")
            if call.org_id is None and authorization and response.status_code in (400, 404):
                await _org_of_token(state, call, authorization)
            if call.org_id is not None:
                oauth = call.target.operation == "oauth"
                body = getattr(response, "body", b"") if not isinstance(response, Dropped) else b""
                # credentials are masked before the entry exists: in the query, and in bodies (cut first, so
                # that masking costs at most the cut's size); OAuth calls keep no bodies at all
                log.add(
                    Entry(
                        org_id=call.org_id,
                        time=state.clock.now(),
                        method=method,
                        path=path,
                        query=redact.query(query),
                        module=call.target.module,
                        operation=call.target.operation,
                        user_id=call.user_id,
                        status=None if isinstance(response, Dropped) else response.status_code,
                        duration_ms=round((time.perf_counter() - started) * 1000, 3),
                        request_body=None
                        if oauth
                        else _masked(b"".join(chunks), cap, request.headers.get("content-type")),
                        response_body=None
                        if oauth
                        else _masked(bytes(body), cap, response.headers.get("content-type")),
                        fault=call.fault,
                    )
                )
        return response

    return endpoint
