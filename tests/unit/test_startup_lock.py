"""Start-up (migrations, the default org) is serialised between processes on one SQLite database by an exclusive
lock on a file beside it: Alembic's upgrade spans several transactions, so SQLite's own write lock let two
processes both find no schema (tests/cli/test_workers.py starts them for real)."""

from __future__ import annotations

import fcntl
import os
import stat
from pathlib import Path

import pytest

from zcrm.store import Database


def test_start_up_holds_an_exclusive_lock_beside_the_database(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'zcrm.sqlite3'}")
    lock = tmp_path / "zcrm.sqlite3-lock"
    try:
        with db.startup_lock():
            assert stat.S_IMODE(lock.stat().st_mode) == 0o600
            other = os.open(lock, os.O_RDWR)  # another process's attempt
            try:
                with pytest.raises(BlockingIOError):
                    fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
            finally:
                os.close(other)
        other = os.open(lock, os.O_RDWR)
        try:
            fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)  # released afterwards
        finally:
            os.close(other)
    finally:
        db.dispose()
