"""What every handler shares: settings, the database, caches, the clock and the OAuth server."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy import Connection

from zcrm.auth.identity import Identity, SchemaCache, authenticate_at
from zcrm.auth.oauth import OAuthServer
from zcrm.auth.passwords import SignInGuard
from zcrm.clock import Clock
from zcrm.http import authed, unit
from zcrm.http.api_limits import Tracker
from zcrm.http.faulting import FaultCache
from zcrm.http.request_log import RequestLog
from zcrm.records.paging import PageTokens
from zcrm.runtime.pool import FunctionPool
from zcrm.runtime.webhooks import WebhookDeliverer
from zcrm.service.unit import Database
from zcrm.settings import Settings

T = TypeVar("T")


@dataclass
class State:
    settings: Settings
    db: Database
    clock: Clock
    schemas: SchemaCache
    oauth: OAuthServer
    page_tokens: PageTokens
    deliverer: WebhookDeliverer | None = None  # started by the app's lifespan
    request_log: RequestLog | None = None  # None when ZCRM_REQUEST_LOG_SIZE is 0
    faults: FaultCache = field(default_factory=FaultCache)
    limits: Tracker | None = None  # None unless ZCRM_API_LIMITS is on (set by the app)
    functions: FunctionPool | None = (
        None  # the workers of workflow functions (set by the app, stopped by its lifespan)
    )

    def function_pool(self) -> FunctionPool:
        """The pool that runs workflow functions (made on first use when the app did not make it)."""
        if self.functions is None:
            self.functions = FunctionPool(self.settings.function_workers, self.settings.function_timeout)
        return self.functions

    signins: SignInGuard = field(
        default_factory=SignInGuard
    )  # failed consent-page sign-ins (auth/passwords.py)

    async def unit(self, work: Callable[[Connection, int], T], *, write: bool) -> T:
        """Runs ``work(conn, now)`` in one transaction, synchronously, in a worker thread."""

        return await unit.unit(self.db, self.clock, work, write=write)

    async def authed(
        self, header: str | None, work: Callable[[Connection, Identity, int], T], *, write: bool
    ) -> T:
        """Authenticates inside the unit of work, then runs ``work(conn, identity, now)`` with the org's now."""

        def run(conn: Connection, server_now: int) -> T:
            ident, now = authenticate_at(conn, self.schemas, header, server_now)  # now: the org's clock
            # the layers around the handler: API credits and concurrency (§8: 429 over a limit), the request
            # log's org, fault rules (http/authed.py)
            authed.authenticated(conn, ident, now, write)
            return work(conn, ident, now)

        return await self.unit(run, write=write)
