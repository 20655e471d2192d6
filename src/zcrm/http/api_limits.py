"""Zoho's API limits on the request path (docs/limits.md), when ``ZCRM_API_LIMITS`` is on.

The layer ``http/middleware/api_limits.ApiLimits`` is in the app only with the limits on, so otherwise the request
path pays nothing. With them on, each ``/crm/`` request gets a ``Held``; ``Tracker.admit`` (run when the request
authenticates, right after the token look-up, before fault rules, in the unit of work: ``http/authed.py``) reads
the org's credits of the last 24 hours from ``api_usage``, adds the credits in flight on this process, checks the
caller's (client, user) calls in flight and answers 429 ``TOO_MANY_REQUESTS`` with ``Retry-After`` over a limit
(``LimitReached``: answered by the fault layer like a fault's 429). An admitted
call holds its slot until its answer is ready (added latency included); then its credits are written to its
minute in a short write transaction of its own, unless it answered 429. Failures are charged: the charge does not
depend on the unit of work's commit.

In-flight counts are this process's: with ``zcrm serve --workers N`` each worker counts its own calls, so a client
may have up to N times the edition's concurrency in flight. The credits are shared through the database.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from zcrm import limits
from zcrm.auth.identity import Identity
from zcrm.errors import TooManyRequests
from zcrm.faults import Effect
from zcrm.http.call import Call
from zcrm.http.faulting import FaultFired
from zcrm.schema.model import OrgSchema
from zcrm.service import api_usage
from zcrm.service.unit import Database
from zcrm.settings import Settings

Key = tuple[str, str, str]  # org id, client id, user id


@dataclass(slots=True)
class Held:
    """One request's admission: set when ``admit`` let it through (``org_id`` is then not None)."""

    org_id: str | None = None
    key: Key | None = None
    heavy: bool = False
    credits: int = 0
    now: int = 0  # the org's clock when the call was admitted


class LimitReached(FaultFired):
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

    def admit(self, conn: Connection, ident: Identity, now: int, held: Held, call: Call) -> None:
        """Lets the call through (noting it in ``held``), or raises ``LimitReached`` (behaviour §2.3 step 3, §8)."""
        if held.org_id is not None:
            return  # already admitted (a request run again)
        kind = call.kind.limit_kind
        body: Any = call.json() if kind in ("write", "coql") else None
        credits = limits.cost(kind, limits.coql_limit(body) if kind == "coql" else 200)
        heavy = limits.heavy(kind, call.kind.query, limits.items_of(body) if kind == "write" else 0)
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
                prune = self._pruned.get(held.org_id) != minute
                api_usage.charge_alone(self.db, held.org_id, held.now, held.credits, prune)
                if prune:
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
