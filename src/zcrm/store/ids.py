"""Id allocation: a 7-digit org prefix followed by a 12-digit counter shared by every object kind."""

from __future__ import annotations

from sqlalchemy import Connection, text


def format_id(prefix: str, counter: int) -> str:
    return f"{prefix}{counter:012d}"


def allocate(conn: Connection, org_id: str, prefix: str, count: int) -> list[str]:
    """``count`` new ids for the org, in increasing order. Runs inside a write transaction."""
    if count <= 0:
        return []
    row = conn.execute(
        text("UPDATE orgs SET next_id = next_id + :n WHERE id = :org RETURNING next_id"),
        {"n": count, "org": org_id},
    ).one()
    end = int(row[0])
    return [format_id(prefix, value) for value in range(end - count, end)]
