"""Zoho's API limits around each call to ``/crm/`` (docs/limits.md; the counting is ``http/api_limits.Tracker``'s):
the call is admitted when it authenticates (``http/authed.py``), holds its slot until its answer is ready (added
latency included), then its credits are charged, unless it answered 429, before the answer is sent (a large answer:
once its first 64 KiB are ready, ``middleware/answer.Recorded``)."""

from __future__ import annotations

from sqlalchemy import Connection
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from zcrm.auth.identity import Identity
from zcrm.http.api_limits import Held, Tracker
from zcrm.http.authed import on_authenticated
from zcrm.http.call import call_of
from zcrm.http.middleware.answer import Recorded


class ApiLimits:
    def __init__(self, app: ASGIApp, tracker: Tracker) -> None:
        self.app = app
        self.tracker = tracker

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        call = call_of(scope)
        if scope["type"] != "http" or call is None or not call.kind.limited:
            await self.app(scope, receive, send)  # the control plane, OAuth (free) and unknown paths
            return
        held = Held()

        def admit(conn: Connection, ident: Identity, now: int, write: bool) -> None:
            self.tracker.admit(conn, ident, now, held, call)

        settled = False

        async def settle() -> None:
            nonlocal settled
            if held.org_id is not None and not settled:
                settled = True
                await run_in_threadpool(self.tracker.settle, held, answer.status != 429)

        answer = Recorded(send, settle)  # a large answer settles on its status and passes through
        try:
            with on_authenticated(admit):
                await self.app(scope, receive, answer.send)
        finally:
            await settle()
        await answer.forward(send)
