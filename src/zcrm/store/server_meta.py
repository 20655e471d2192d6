"""Server-wide values, one row per key (``server_meta``): the admin token's hash, the page-token secret."""

from __future__ import annotations

from sqlalchemy import Connection, text


def get(conn: Connection, key: str) -> str | None:
    row = conn.execute(text("SELECT value FROM server_meta WHERE key = :k"), {"k": key}).first()
    return None if row is None else str(row[0])


def put(conn: Connection, key: str, value: str) -> None:
    """Sets the key's value (insert or update)."""
    if get(conn, key) is None:
        conn.execute(text("INSERT INTO server_meta (key, value) VALUES (:k, :v)"), {"k": key, "v": value})
    else:
        conn.execute(text("UPDATE server_meta SET value = :v WHERE key = :k"), {"k": key, "v": value})


def add(conn: Connection, key: str, value: str) -> None:
    """Adds a key that is not there yet."""
    conn.execute(text("INSERT INTO server_meta (key, value) VALUES (:k, :v)"), {"k": key, "v": value})
