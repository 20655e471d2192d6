"""The credits an org used (docs/limits.md), as the API limits on the request path read and charge them
(``http/api_limits.Tracker``); the control plane's report is ``service/limits.py``."""

from __future__ import annotations

from sqlalchemy import Connection

from zcrm import limits
from zcrm.service.unit import Database
from zcrm.store import api_usage as store


def used(conn: Connection, org_id: str, now: int) -> int:
    """The org's credits of the 24 hours up to ``now`` (the org's clock)."""
    return store.used(conn, org_id, now)


def buckets(conn: Connection, org_id: str, now: int) -> list[tuple[int, int]]:
    """The org's (minute, credits) that still count at ``now``, oldest first."""
    return store.buckets(conn, org_id, now)


def charge(conn: Connection, org_id: str, minute: int, credits: int) -> None:
    """Adds ``credits`` to the org's ``minute`` in ``conn``'s transaction (nothing when the org is gone)."""
    store.charge(conn, org_id, minute, credits)


def charge_alone(db: Database, org_id: str, now: int, credits: int, prune: bool) -> None:
    """Adds ``credits`` to the minute of ``now`` in a short write transaction of its own; with ``prune``, the
    org's minutes that no longer count at ``now`` are deleted too."""
    with db.write() as conn:
        store.charge(conn, org_id, limits.minute(now), credits)
        if prune:
            store.prune(conn, org_id, now)
