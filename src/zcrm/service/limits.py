"""An org's API limits and credits (docs/limits.md), for ``/__zcrm/limits`` and ``zcrm limits``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from zcrm import limits
from zcrm.store import api_usage


def describe(
    conn: Connection,
    org_id: str,
    found: limits.Limits,
    enabled: bool,
    now: int,
    pending: int = 0,
    in_flight: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The org's limits ``found`` and its credits at ``now`` (the org's clock), as ``GET /__zcrm/limits`` answers
    them; ``pending``: the credits this process admitted and has not written yet."""
    buckets = api_usage.buckets(conn, org_id, now)
    if pending:
        buckets.append((limits.minute(now), pending))
    used = sum(credits for _, credits in buckets)
    return {
        "enabled": enabled,
        "edition": found.edition,
        "user_licences": found.licences,
        "credits": limits.report(found, used, now, buckets),
        "concurrency": {
            "limit": found.concurrency,
            "sub_concurrency_limit": found.sub_concurrency,
            "in_flight": in_flight,
        },
    }


def clear(conn: Connection, org_id: str) -> dict[str, int]:
    """Forgets the credits the org used: ``{"deleted": N}``."""
    return {"deleted": api_usage.clear(conn, org_id)}
