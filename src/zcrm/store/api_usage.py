"""API credits used per org and minute of its clock (``api_usage``, docs/limits.md): charging a call, the credits
of the window, clearing an org's."""

from __future__ import annotations

from sqlalchemy import Connection, text

from zcrm.limits import first_minute

_CHARGE = text(
    "INSERT INTO api_usage (org_id, minute, credits)"
    " SELECT CAST(:org AS VARCHAR(19)), CAST(:minute AS BIGINT), CAST(:credits AS BIGINT)"
    " WHERE EXISTS (SELECT 1 FROM orgs WHERE id = :owner)"
    " ON CONFLICT (org_id, minute) DO UPDATE SET credits = api_usage.credits + excluded.credits"
)
_USED = text("SELECT COALESCE(SUM(credits), 0) FROM api_usage WHERE org_id = :org AND minute >= :first")
_BUCKETS = text(
    "SELECT minute, credits FROM api_usage WHERE org_id = :org AND minute >= :first ORDER BY minute"
)
_PRUNE = text("DELETE FROM api_usage WHERE org_id = :org AND minute < :first")


def charge(conn: Connection, org_id: str, minute: int, credits: int) -> None:
    """Adds ``credits`` to the org's ``minute`` (nothing when the org is gone)."""
    conn.execute(_CHARGE, {"org": org_id, "owner": org_id, "minute": minute, "credits": credits})


def used(conn: Connection, org_id: str, now: int) -> int:
    """The org's credits of the 24 hours up to ``now``."""
    return int(conn.execute(_USED, {"org": org_id, "first": first_minute(now)}).scalar_one())


def buckets(conn: Connection, org_id: str, now: int) -> list[tuple[int, int]]:
    """The org's (minute, credits) that still count at ``now``, oldest first."""
    rows = conn.execute(_BUCKETS, {"org": org_id, "first": first_minute(now)})
    return [(int(m), int(c)) for m, c in rows]


def prune(conn: Connection, org_id: str, now: int) -> None:
    """Deletes the org's minutes that no longer count at ``now``."""
    conn.execute(_PRUNE, {"org": org_id, "first": first_minute(now)})


def clear(conn: Connection, org_id: str) -> int:
    """Forgets every credit the org used; returns the number of credits forgotten."""
    total = conn.execute(
        text("SELECT COALESCE(SUM(credits), 0) FROM api_usage WHERE org_id = :org"), {"org": org_id}
    ).scalar_one()
    conn.execute(text("DELETE FROM api_usage WHERE org_id = :org"), {"org": org_id})
    return int(total)
