"""The data directory's permissions: the directory is private to its owner (700) and every file zcrm writes in it
is read-write for the owner only (600), for they hold every record, the page-token secret, the credentials and
the server admin token.

``secure(data_dir, database_url)`` runs before anything is written: it creates the directory with mode 700 or
tightens an existing one, tightens zcrm's files that already exist, and creates an SQLite database file that does
not exist yet empty with mode 600, so that SQLite, which gives its ``-wal``, ``-shm`` and ``-journal`` files the
database file's mode, makes them 600 too. It returns a note for each mode it tightened. Files that are not zcrm's
are left alone.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

from sqlalchemy import make_url

DIR_MODE = 0o700
FILE_MODE = 0o600
FILES = (
    "credentials.json",
    "admin-token",
    "ca-key.pem",
)  # written by bootstrap, auth/admin and proxy/authority
SQLITE_SUFFIXES = ("", "-wal", "-shm", "-journal", "-lock")  # -lock: start-up (store/db.py)
log = logging.getLogger("zcrm")


def sqlite_path(database_url: str) -> Path | None:
    """The file of an SQLite database URL (None for another database or an in-memory one)."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    if url.database.startswith("file:"):  # a URI filename: not created by zcrm
        return None
    return Path(url.database)


def _tighten(path: Path, mode: int, notes: list[str]) -> None:
    try:
        current = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return
    if current & ~mode:
        os.chmod(path, current & mode)
        notes.append(f"tightened {path} from {current:03o} to {current & mode:03o}")


def secure(data_dir: Path, database_url: str) -> list[str]:
    """Creates or tightens the data dir and zcrm's files in it (see the module's docstring); returns what changed."""
    notes: list[str] = []
    data_dir = Path(data_dir).absolute()
    data_dir.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    _tighten(data_dir, DIR_MODE, notes)
    for name in FILES:
        _tighten(data_dir / name, FILE_MODE, notes)
    database = sqlite_path(database_url)
    if database is not None:
        for suffix in SQLITE_SUFFIXES:
            _tighten(database.with_name(database.name + suffix), FILE_MODE, notes)
        if not database.exists() and database.parent.is_dir():
            try:
                fd = os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
            except FileExistsError:  # another process starting on the same database made it meanwhile
                pass
            else:
                os.fchmod(fd, FILE_MODE)  # whatever the umask
                os.close(fd)
    return notes


def secure_logged(data_dir: Path, database_url: str) -> None:
    """``secure``, with a warning logged for each mode it tightened."""
    for note in secure(data_dir, database_url):
        log.warning("data dir: %s", note)
