"""SQL storage: tables, queries and migrations, for SQLite and PostgreSQL through one code path."""

from zcrm.store.db import Database

__all__ = ["Database"]
