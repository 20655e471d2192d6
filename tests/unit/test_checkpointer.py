"""The SQLite WAL checkpointer: its passive checkpoints never wait, and once the WAL has grown past its limit it
makes SQLite start the WAL over, even when readers kept the passive checkpoints from copying every frame (the
steady write load under which the WAL used to grow without end and every read got slower)."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import cast

from zcrm.store import Database
from zcrm.store.db import Checkpointer


def _write(path: Path, rows: int, start: int) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany("INSERT INTO t (k, v) VALUES (?, ?)", [(start + i, "x" * 2000) for i in range(rows)])
    conn.execute("COMMIT")
    conn.close()


def _frames(path: Path) -> int:
    """Frames in use in the WAL (a passive checkpoint reports them without waiting for anyone)."""
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()[1])
    finally:
        conn.close()


class Watched:
    """The checkpointer's connection, telling the test when its passive checkpoint has returned."""

    def __init__(self, conn: sqlite3.Connection, passive_done: threading.Event) -> None:
        self.conn, self.passive_done = conn, passive_done

    def execute(self, sql: str) -> sqlite3.Cursor:
        cursor = self.conn.execute(sql)
        if "PASSIVE" in sql:
            self.passive_done.set()
        return cursor


def _scenario(tmp_path: Path, restart_frames: int) -> int:
    """Writes while a reader holds an old snapshot, checkpoints, lets the reader go, writes a little more; returns
    the WAL frames in use at the end."""
    path = tmp_path / f"wal-{restart_frames}.sqlite3"
    db = Database(f"sqlite:///{path}")
    with db.write() as conn:
        conn.exec_driver_sql("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)")
    _write(path, 200, 0)
    reader = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    reader.execute("BEGIN")
    reader.execute(
        "SELECT count(*) FROM t"
    ).fetchone()  # holds its snapshot: frames after it cannot be copied
    _write(path, 200, 1000)
    checkpointer = Checkpointer(db, restart_frames=restart_frames)
    own = sqlite3.connect(path, timeout=30, check_same_thread=False)
    passive_done, done = threading.Event(), threading.Event()

    def tick() -> None:
        checkpointer.checkpoint(cast(sqlite3.Connection, Watched(own, passive_done)))
        done.set()

    thread = threading.Thread(target=tick)
    thread.start()
    # the passive checkpoint ran while the reader held its snapshot, however late the thread started
    assert passive_done.wait(timeout=30)
    reader.execute("COMMIT")  # the reader goes; a restart that waited for it can finish now
    reader.close()
    thread.join(timeout=30)
    assert done.is_set()
    own.close()
    _write(path, 1, 5000)
    frames = _frames(path)
    db.dispose()
    return frames


def test_a_grown_wal_starts_over_after_a_restart(tmp_path: Path) -> None:
    assert _scenario(tmp_path, restart_frames=100) < 10  # the last write started the WAL over


def test_below_the_limit_only_a_passive_checkpoint_runs(tmp_path: Path) -> None:
    # the passive checkpoint could not copy the frames after the reader's snapshot, so the last write went on
    # appending: the WAL holds every frame written so far
    assert _scenario(tmp_path, restart_frames=10**9) > 200
