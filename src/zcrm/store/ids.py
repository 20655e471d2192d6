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


class IdPool:
    """Ids handed out one at a time from blocks allocated in the request's transaction; a block is fetched
    only when the previous one is used up."""

    def __init__(self, conn: Connection, org_id: str, prefix: str, expected: int) -> None:
        self._conn, self._org_id, self._prefix = conn, org_id, prefix
        self._ids = allocate(conn, org_id, prefix, expected)
        self._next = 0

    def __iter__(self) -> IdPool:
        return self

    def __next__(self) -> str:
        if self._next >= len(self._ids):
            self._ids, self._next = allocate(self._conn, self._org_id, self._prefix, 16), 0
        value = self._ids[self._next]
        self._next += 1
        return value
