"""Zoho's API limits on the request path (docs/limits.md), when ``ZCRM_API_LIMITS`` is on.

``limited(state, answer)`` wraps the app's endpoint outside ``calls.observed``; with the limits off it returns
``answer`` itself, so the request path pays nothing. With them on, each ``/crm/`` request gets a ``Held`` in
``HELD``; ``Tracker.admit`` (called by ``State.authed`` right after the token look-up, before fault rules, in the
unit of work) reads the org's credits of the last 24 hours from ``api_usage``, adds the credits in flight on this
process, checks the caller's (client, user) calls in flight and answers 429 ``TOO_MANY_REQUESTS`` with
``Retry-After`` over a limit (``LimitReached``: rendered by ``calls.observed`` like a fault's 429). An admitted
call holds its slot until its answer is ready (added latency included); then its credits are written to its
minute in a short write transaction of its own, unless it answered 429. Failures are charged: the charge does not
depend on the unit of work's commit.

In-flight counts are this process's: with ``zcrm serve --workers N`` each worker counts its own calls, so a client
may have up to N times the edition's concurrency in flight. The credits are shared through the database.
"""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson
from sqlalchemy import Connection
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from zcrm import limits
from zcrm.auth.identity import Identity
from zcrm.errors import TooManyRequests
from zcrm.faults import Effect
from zcrm.http import calls
from zcrm.schema.model import OrgSchema
from zcrm.settings import Settings
from zcrm.store import Database, api_usage

if TYPE_CHECKING:
    from zcrm.http.state import State

Answer = Callable[[Request], Awaitable[Response]]
Key = tuple[str, str, str]  # org id, client id, user id


@dataclass(slots=True)
class Held:
    """One request's admission: set when ``admit`` let it through (``org_id`` is then not None)."""

    org_id: str | None = None
    key: Key | None = None
    heavy: bool = False
    credits: int = 0
    now: int = 0  # the org's clock when the call was admitted


HELD: ContextVar[Held | None] = ContextVar("zcrm_limits", default=None)


class LimitReached(calls.FaultFired):
    """A credit or concurrency limit was hit: 429 ``TOO_MANY_REQUESTS`` with ``Retry-After``, before the handler."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(Effect(error="TOO_MANY_REQUESTS", message=message, retry_after=retry_after))


def overrides(settings: Settings) -> limits.Overrides:
    """The ``ZCRM_API_*`` overrides; an unknown edition name is a ValueError."""
    name = settings.api_edition
    if name is not None:
        limits.check_edition(name)
    return limits.Overrides(
        name, settings.api_credits, settings.api_concurrency, settings.api_sub_concurrency
    )


def org_limits(schema: OrgSchema, found: limits.Overrides) -> limits.Limits:
    """The org's limits: its edition, and its active users as its user licences."""
    licences = sum(1 for u in schema.users if u.status == "active")
    return limits.limits_of(schema.org.edition, licences, found)


class Tracker:
    """This process's calls in flight and credits not yet written, and the admission of each call."""

    def __init__(self, settings: Settings, db: Database) -> None:
        self.overrides = overrides(settings)
        self.db = db
        self._lock = threading.Lock()
        self._calls: dict[Key, int] = {}
        self._heavy: dict[Key, int] = {}
        self._pending: dict[str, int] = {}  # org id -> credits admitted, not yet written
        self._limits: dict[str, tuple[int, limits.Limits]] = {}  # org id -> (schema version, limits)
        self._pruned: dict[str, int] = {}  # org id -> the minute its old rows were last deleted

    def limits_of(self, schema: OrgSchema) -> limits.Limits:
        cached = self._limits.get(schema.org.id)
        if cached is not None and cached[0] == schema.version:
            return cached[1]
        found = org_limits(schema, self.overrides)
        self._limits[schema.org.id] = (schema.version, found)
        return found

    def admit(self, conn: Connection, ident: Identity, now: int) -> None:
        """Lets the current call through, or raises ``LimitReached`` (behaviour §2.3 step 3, §8)."""
        held = HELD.get()
        call = calls.CURRENT.get()
        if held is None or call is None or held.org_id is not None:
            return  # not a Zoho API call, or already admitted (a request run again)
        kind = limits.kind_of(call.method, call.path)
        body: Any = None
        if kind in ("write", "coql"):
            try:
                body = orjson.loads(b"".join(call.chunks))
            except orjson.JSONDecodeError:
                body = None
        credits = limits.cost(kind, limits.coql_limit(body) if kind == "coql" else 200)
        heavy = limits.heavy(kind, call.query, limits.items_of(body) if kind == "write" else 0)
        found = self.limits_of(ident.schema)
        org_id = ident.org_id
        stored = api_usage.used(conn, org_id, now)
        key = (org_id, ident.client_id, ident.user.id)
        with self._lock:
            pending = self._pending.get(org_id, 0)
            over_credits = stored + pending + credits > found.credits
            busy = self._calls.get(key, 0) >= found.concurrency or (
                heavy and self._heavy.get(key, 0) >= found.sub_concurrency
            )
            if not over_credits and not busy:
                self._calls[key] = self._calls.get(key, 0) + 1
                if heavy:
                    self._heavy[key] = self._heavy.get(key, 0) + 1
                self._pending[org_id] = pending + credits
                held.org_id, held.key, held.heavy, held.credits, held.now = org_id, key, heavy, credits, now
                return
        call.org_id, call.user_id = org_id, ident.user.id  # the request log's org
        if over_credits:
            buckets = api_usage.buckets(conn, org_id, now)
            if pending:
                buckets.append((limits.minute(now), pending))
            wait = limits.retry_after(buckets, stored + pending, credits, found.credits, now)
            raise LimitReached(limits.CREDITS_MESSAGE, wait)
        raise LimitReached(limits.CONCURRENCY_MESSAGE, 1)

    def charge_task(self, conn: Connection, schema: OrgSchema, now: int) -> None:
        """Charges one credit for a ``zoho.crm`` task a workflow function runs (behaviour §9: each counts as one
        API call), in ``conn``'s transaction; raises ``TooManyRequests`` when the org's credits are used up. Tasks
        take no concurrency slot: they run inside the request that started the function."""
        org_id = schema.org.id
        found = self.limits_of(schema)
        if api_usage.used(conn, org_id, now) + self.pending(org_id) + 1 > found.credits:
            raise TooManyRequests(limits.CREDITS_MESSAGE)
        api_usage.charge(conn, org_id, limits.minute(now), 1)

    def settle(self, held: Held, charge: bool) -> None:
        """Writes an admitted call's credits (unless ``charge`` is false), then frees its slot."""
        assert held.org_id is not None and held.key is not None
        try:
            if charge and held.credits:
                minute = limits.minute(held.now)
                with self.db.write() as conn:
                    api_usage.charge(conn, held.org_id, minute, held.credits)
                    if self._pruned.get(held.org_id) != minute:
                        api_usage.prune(conn, held.org_id, held.now)
                        self._pruned[held.org_id] = minute
        finally:
            with self._lock:
                self._release(held)

    def _release(self, held: Held) -> None:
        assert held.org_id is not None and held.key is not None
        _decrement(self._calls, held.key, 1)
        if held.heavy:
            _decrement(self._heavy, held.key, 1)
        _decrement(self._pending, held.org_id, held.credits)

    def pending(self, org_id: str) -> int:
        return self._pending.get(org_id, 0)

    def in_flight(self, org_id: str) -> list[dict[str, Any]]:
        """This process's calls in flight for the org, per client and user."""
        with self._lock:
            keys = sorted(k for k in self._calls if k[0] == org_id)
            return [
                {
                    "client_id": k[1],
                    "user_id": k[2],
                    "calls": self._calls[k],
                    "heavy_calls": self._heavy.get(k, 0),
                }
                for k in keys
            ]


def _decrement(counts: dict[Any, int], key: Any, by: int) -> None:
    left = counts.get(key, 0) - by
    if left > 0:
        counts[key] = left
    else:
        counts.pop(key, None)


def limited(state: State, answer: Answer) -> Answer:
    """The endpoint ``answer`` with the limits around it; ``answer`` itself when they are off."""
    tracker = state.limits
    if tracker is None:
        return answer

    async def endpoint(request: Request) -> Response:
        if not request.scope["path"].startswith("/crm/"):
            return await answer(request)  # the control plane, OAuth (free) and unknown paths
        held = Held()
        token = HELD.set(held)
        status = None
        try:
            response = await answer(request)
            status = response.status_code
            return response
        finally:
            HELD.reset(token)
            if held.org_id is not None:
                await run_in_threadpool(tracker.settle, held, status != 429)

    return endpoint
