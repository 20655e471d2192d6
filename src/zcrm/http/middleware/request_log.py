"""The request log's layer (docs/control-plane.md, "Request log"): each call of an org, but the control plane's,
becomes an entry of the org's log (``http/request_log.RequestLog`` writes them off the request path). The answer is
held back until its entry exists, so a read of the log sees every request answered before it (a large answer but its
last message passes through as it comes: ``middleware/answer.Recorded`` keeps only its first ``cap`` bytes).

The org is the one the call authenticated as (noted on its ``Call`` by the layers inside), else, for an unknown path
or method (400, 404) that carried a valid token, that token's. Credentials are masked before the entry exists: in
the query, and in bodies (cut first, so that masking costs at most the cut's size); OAuth calls keep no bodies."""

from __future__ import annotations

import time

from sqlalchemy import Connection
from starlette.types import ASGIApp, Receive, Scope, Send

from zcrm.auth.identity import SchemaCache, authenticate
from zcrm.clock import Clock
from zcrm.errors import ZohoError
from zcrm.http import redact
from zcrm.http.call import Call, call_of, header
from zcrm.http.middleware.answer import Recorded
from zcrm.http.request_log import RequestLog
from zcrm.http.unit import unit
from zcrm.service.request_log import Entry
from zcrm.service.unit import Database


def _masked(data: bytes, cap: int, content_type: str | None) -> bytes | None:
    """A body as the log keeps it: cut at ``cap`` bytes, its credentials masked (http/redact.py)."""
    if not data:
        return None
    return redact.body(data if len(data) <= cap else data[:cap], content_type)[:cap]


class RequestLogging:
    def __init__(
        self, app: ASGIApp, log: RequestLog, db: Database, clock: Clock, schemas: SchemaCache, body_cap: int
    ) -> None:
        self.app = app
        self.log = log
        self.db = db
        self.clock = clock
        self.schemas = schemas
        self.cap = body_cap

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        call = call_of(scope)
        if scope["type"] != "http" or call is None or call.kind.control:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        answer = Recorded(
            send, keep=max(self.cap, 1)
        )  # a large answer passes through but for its last message
        try:
            await self.app(scope, receive, answer.send)
        except BaseException:
            if call.dropped:  # a dropped connection under an in-process client: logged, then raised
                await self._add(scope, call, answer, started)
            raise
        await self._add(scope, call, answer, started)
        await answer.forward(send)

    async def _add(self, scope: Scope, call: Call, answer: Recorded, started: float) -> None:
        status = None if call.dropped else answer.status
        authorization = header(scope, b"authorization")
        if call.org_id is None and authorization and status in (400, 404):
            await self._org_of_token(call, authorization)
        if call.org_id is None:
            return
        kind = call.kind
        oauth = kind.operation == "oauth"
        self.log.add(
            Entry(
                org_id=call.org_id,
                time=self.clock.now(),
                method=kind.method,
                path=kind.path,
                query=redact.query(kind.query),
                module=kind.module,
                operation=kind.operation,
                user_id=call.user_id,
                status=status,
                duration_ms=round((time.perf_counter() - started) * 1000, 3),
                request_body=None
                if oauth
                else _masked(call.body(), self.cap, header(scope, b"content-type")),
                response_body=None
                if oauth or call.dropped
                else _masked(answer.body(), self.cap, answer.header(b"content-type")),
                fault=call.fault,
            )
        )

    async def _org_of_token(self, call: Call, header: str) -> None:
        """The org of a valid token on a request that never authenticated (an unknown path or method)."""

        def work(conn: Connection, now: int) -> None:
            try:
                ident = authenticate(conn, self.schemas, header, now)
            except ZohoError:
                return
            call.org_id, call.user_id = ident.org_id, ident.user.id

        await unit(self.db, self.clock, work, write=False)
