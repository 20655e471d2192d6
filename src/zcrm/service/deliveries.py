"""The webhook deliverer's units of work (``runtime/webhooks.py``): finding, claiming and recording deliveries in
the outbox (``store/webhooks.py``), each in a transaction of its own, never on a request's path."""

from __future__ import annotations

from typing import Any

from zcrm.service.unit import Database
from zcrm.store import webhooks as store
from zcrm.store.webhooks import Delivery

__all__ = ["Delivery", "claim_due", "record_attempt"]


def claim_due(db: Database, now_ms: int, lease_ms: int, limit: int) -> list[Delivery]:
    """Up to ``limit`` deliveries due at ``now_ms``, leased for ``lease_ms``; none without taking SQLite's write
    lock when nothing is due (most ticks)."""
    with db.read() as conn:
        if not store.any_due(conn, now_ms):
            return []
    with db.write() as conn:
        return list(store.claim_due(conn, now_ms, lease_ms, limit))


def record_attempt(
    db: Database, delivery: Delivery, attempt: dict[str, Any], status: str, next_ms: int
) -> None:
    """The attempt, kept with the delivery, and its new status (``pending`` again at ``next_ms``)."""
    with db.write() as conn:
        store.record_attempt(conn, delivery, attempt, status, next_ms)
