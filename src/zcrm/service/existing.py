"""Whether a database already holds zcrm's schema, found out without creating anything: an SQLite file that is not
there is not made (nor its directory); another database (PostgreSQL) is connected to and inspected."""

from __future__ import annotations

from zcrm.datadir import sqlite_path
from zcrm.store.db import Database


def holds_database(database_url: str) -> bool:
    """Whether the database at ``database_url`` has zcrm's tables (its migrations' version table)."""
    path = sqlite_path(database_url)
    if path is not None and not path.is_file():
        return False
    db = Database(database_url)
    try:
        return not db.is_new()
    finally:
        db.dispose()
