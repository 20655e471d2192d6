"""A read unit of work sees one state of the database throughout: a write that commits while it runs (an org's
reset, say) is invisible to its later statements, on SQLite (snapshot reads) and PostgreSQL (REPEATABLE READ)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from tests.conftest import database_url
from zcrm.store import Database


def test_a_read_keeps_the_state_it_started_on(tmp_path: Path) -> None:
    url = database_url(tmp_path) or f"sqlite:///{tmp_path / 'snap.sqlite3'}"
    db = Database(url)
    try:
        with db.write() as conn:
            conn.execute(text("CREATE TABLE snap (k INTEGER PRIMARY KEY, v TEXT)"))
            conn.execute(text("INSERT INTO snap (k, v) VALUES (1, 'old')"))
        with db.read() as reader:
            assert reader.execute(text("SELECT v FROM snap")).scalar_one() == "old"
            with db.write() as writer:
                writer.execute(text("UPDATE snap SET v = 'new'"))
            assert reader.execute(text("SELECT v FROM snap")).scalar_one() == "old"
        with db.read() as later:
            assert later.execute(text("SELECT v FROM snap")).scalar_one() == "new"
    finally:
        db.engine.dispose()
