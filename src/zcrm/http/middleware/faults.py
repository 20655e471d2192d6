"""Fault rules around the handler (docs/control-plane.md, "Fault rules"; the rules on the request path are in
``http/faulting.py``). Control-plane calls pass straight through.

Once the request authenticates (``http/authed.py``) the org and user are noted on the request's ``Call`` and its
fault is chosen; an error or a drop ends the request before its handler runs (``FaultFired``); latency is waited
before the answer's first message. When a counted rule's last application was taken by another request meanwhile,
the request runs again (its body replayed) with that rule passed over. OAuth calls carry no token: their org is
their ``client_id``'s (query or form body), looked up before the handler."""

from __future__ import annotations

import asyncio
import urllib.parse

from sqlalchemy import Connection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from zcrm.auth.identity import Identity
from zcrm.clock import Clock
from zcrm.errors import ZohoError
from zcrm.http.authed import on_authenticated
from zcrm.http.call import Call, call_of
from zcrm.http.envelope import error_response
from zcrm.http.faulting import Dropped, FaultCache, FaultFired, choose
from zcrm.http.request import no_nul
from zcrm.http.unit import unit
from zcrm.service import fault_rules
from zcrm.service.unit import Database


def _replay(body: bytes, inner: Receive) -> Receive:
    """The request body again, for a request run a second time or whose body a layer read first."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await inner()

    return receive


async def _read_all(receive: Receive) -> None:
    while True:
        message = await receive()
        if message["type"] != "http.request" or not message.get("more_body", False):
            return


class Faults:
    def __init__(self, app: ASGIApp, db: Database, clock: Clock, cache: FaultCache) -> None:
        self.app = app
        self.db = db
        self.clock = clock
        self.cache = cache

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        call = call_of(scope)
        if scope["type"] != "http" or call is None or call.kind.control:
            await self.app(scope, receive, send)
            return

        def authenticated(conn: Connection, ident: Identity, now: int, write: bool) -> None:
            call.org_id = ident.org_id
            call.user_id = ident.user.id
            if call.header_fault is not None or ident.faults_version:
                choose(conn, self.db, self.cache, call, ident.org_id, ident.faults_version, write)

        async def delayed(message: Message) -> None:
            if message["type"] == "http.response.start" and call.delay:
                await asyncio.sleep(call.delay)
            await send(message)

        with on_authenticated(authenticated):
            await self._answer(scope, receive, delayed, call)

    async def _answer(self, scope: Scope, receive: Receive, send: Send, call: Call) -> None:
        first = True
        while True:
            try:
                if call.kind.operation == "oauth":  # its body is read here, then replayed to the handler
                    if first:
                        await _read_all(receive)
                    await self._oauth_faults(scope, call)
                    await self.app(scope, _replay(call.body(), receive), send)
                elif first:
                    await self.app(scope, receive, send)
                else:
                    await self.app(scope, _replay(call.body(), receive), send)
                return
            except FaultFired as fired:
                if fired.claim is None or await self._claimed(fired.claim):
                    response = fired.response()
                    call.dropped = isinstance(response, Dropped)
                    if call.dropped and call.delay:
                        await asyncio.sleep(call.delay)  # an answer waits in ``delayed``
                    await response(scope, receive, send)
                    return
                call.passed.add(fired.claim[1])
                call.fault, call.delay, first = None, 0.0, False
            except ZohoError as exc:  # a bad X-Zcrm-Fault header on an OAuth call, or its body too large
                await error_response(exc)(scope, receive, send)
                return

    async def _claimed(self, claim: tuple[str, str]) -> bool:
        """A counted error or drop: its request's unit rolled back, so the claim is a write of its own."""
        return await unit(self.db, self.clock, lambda conn, now: fault_rules.claim(conn, *claim), write=True)

    async def _oauth_faults(self, scope: Scope, call: Call) -> None:
        params = dict(urllib.parse.parse_qsl(call.kind.query))
        content_type = next((v for k, v in scope.get("headers", ()) if k.lower() == b"content-type"), b"")
        if content_type.decode("latin-1").startswith("application/x-www-form-urlencoded"):
            params.update(urllib.parse.parse_qsl(call.body().decode("utf-8", "replace")))
        client_id = no_nul(params.get("client_id", ""))

        def work(conn: Connection, now: int) -> None:
            caller = fault_rules.oauth_caller(conn, client_id) if client_id else None
            if caller is not None:
                org_id, call.user_id, version = caller
                call.org_id = org_id
                if call.header_fault is not None or version:
                    choose(conn, self.db, self.cache, call, org_id, version, False)
            elif call.header_fault is not None:
                choose(conn, self.db, self.cache, call, "", 0, False)

        await unit(self.db, self.clock, work, write=False)
