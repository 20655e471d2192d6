"""The database: one SQLAlchemy engine, units of work, and migrations.

Each request runs its whole unit of work synchronously in one worker thread (``Database.read`` or
``Database.write``), one transaction each. On SQLite, write transactions start with ``BEGIN IMMEDIATE``
so that concurrent writers queue on the busy timeout instead of failing on a lock upgrade.
"""

from __future__ import annotations

import fcntl
import functools
import logging
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import ConnectionPoolEntry

WRITE = "zcrm_write"
JOURNAL_SIZE_LIMIT = 64 * 1024 * 1024  # the WAL file is trimmed to this size when it starts over
STARTUP_LOCK = 7_204_113_921  # the advisory-lock key of start-up on PostgreSQL
log = logging.getLogger("zcrm.store")


@contextmanager
def _file_lock(path: str) -> Iterator[None]:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, pool_use_lifo=True
        )

        @event.listens_for(engine, "connect")
        def _connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
            dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
            cursor = dbapi_connection.cursor()
            cursor.execute(
                "PRAGMA busy_timeout=30000"
            )  # first: switching to WAL may wait for other connections
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            # checkpoints run in the background (Checkpointer), not inside a request's commit
            cursor.execute("PRAGMA wal_autocheckpoint=0")
            cursor.execute(f"PRAGMA journal_size_limit={JOURNAL_SIZE_LIMIT}")
            cursor.close()
            # text compared ignoring case as Python lower-cases it (search criteria: store/search.py); SQLite's own
            # lower() changes ASCII letters only
            dbapi_connection.create_function("zcrm_lower", 1, _lower, deterministic=True)
            dbapi_connection.create_function("zcrm_digits", 1, _digits, deterministic=True)
            # exact sums of whole numbers past 64 bits (COQL's SUM of bigints: store/coql.py)
            dbapi_connection.create_aggregate("zcrm_sum", 1, _ExactSum)

        @event.listens_for(engine, "begin")
        def _begin(conn: Connection) -> None:
            immediate = conn.get_execution_options().get(WRITE, False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.dialect = self.engine.dialect.name

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only unit of work that sees one state of the database throughout: SQLite's read transactions
        are snapshots; on PostgreSQL the transaction is REPEATABLE READ (its default, READ COMMITTED, would let
        a request's later statements see a write, such as an org's reset, that committed after its first)."""
        with self.engine.connect() as conn:
            if self.dialect == "postgresql":
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            conn = conn.execution_options(**{WRITE: True})
            with conn.begin():
                yield conn

    @contextmanager
    def startup_lock(self) -> Iterator[None]:
        """Serialises start-up (migrations, the default org, credentials) between processes and hosts starting at
        once on one database: an advisory lock on PostgreSQL, an exclusive lock on a file beside the SQLite
        database (Alembic's upgrade spans several transactions, so SQLite's write lock alone lets two processes
        both find no schema and both create it)."""
        if self.dialect != "postgresql":
            path = self.engine.url.database
            if not path or path == ":memory:" or path.startswith("file:"):
                yield
                return
            with _file_lock(path + "-lock"):
                yield
            return
        with self.engine.connect() as conn:
            conn.exec_driver_sql(f"SELECT pg_advisory_lock({STARTUP_LOCK})")
            conn.commit()
            try:
                yield
            finally:
                conn.exec_driver_sql(f"SELECT pg_advisory_unlock({STARTUP_LOCK})")
                conn.commit()

    def migrate(self) -> None:
        """Create or upgrade the schema to the newest Alembic revision (nothing to do, and no migration scripts
        loaded, when the database is at it already: every start but the first after an upgrade)."""
        if self._revision() == _head():
            return
        config = _alembic_config()
        with self.engine.connect() as conn:
            conn = conn.execution_options(**{WRITE: True})
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
            if conn.in_transaction():
                conn.commit()

    def is_new(self) -> bool:
        """Whether the database has no zcrm schema yet (no tables of zcrm's migrations)."""
        return self._revision() is None

    def _revision(self) -> str | None:
        """The database's Alembic revision; None for a new database."""
        with self.engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()

    def health(self) -> dict[str, str | None] | None:
        """Why this database cannot serve zcrm (None when it can): unreachable, or not at this zcrm's newest
        Alembic revision. One query (the revision, which also proves the database answers) against the head read
        once per process; a second one, only on failure, tells an unreachable database from an unmigrated one."""
        try:
            with self.engine.connect() as conn:
                revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except SQLAlchemyError:
            try:
                with self.engine.connect() as conn:
                    conn.execute(text("SELECT 1"))
            except SQLAlchemyError:
                return {"reason": "the database is unreachable", "revision": None, "head": _head()}
            return {"reason": "the database has no schema (not migrated)", "revision": None, "head": _head()}
        if revision != _head():
            return {
                "reason": "the database is not at this zcrm's revision",
                "revision": revision,
                "head": _head(),
            }
        return None

    def dispose(self) -> None:
        self.engine.dispose()


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def _digits(value: Any) -> Any:
    """The ASCII digits of a text, in order (a phone search compares numbers so)."""
    return "".join(c for c in value if "0" <= c <= "9") if isinstance(value, str) else value


class _ExactSum:
    """SUM over whole numbers in Python's integers: SQLite's own raises on 64-bit overflow. Past 64 bits the sum is
    returned as its digits (no SQLite integer holds it)."""

    def __init__(self) -> None:
        self.total: int | None = None

    def step(self, value: Any) -> None:
        if value is not None:
            self.total = (self.total or 0) + int(value)

    def finalize(self) -> Any:
        if self.total is None or -(2**63) <= self.total < 2**63:
            return self.total
        return str(self.total)


def _alembic_config() -> Config:
    config = Config()
    location = resources.files("zcrm.store").joinpath("migrations")
    config.set_main_option("script_location", str(location))
    return config


@functools.cache
def _head() -> str | None:
    """The newest Alembic revision of this zcrm (read once per process)."""
    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


class Checkpointer:
    """Moves SQLite's WAL checkpoints out of request commits: a background thread with its own connection runs a
    passive checkpoint (which never blocks readers or writers) every ``interval`` seconds. Nothing for PostgreSQL.

    Under a steady write load a passive checkpoint rarely finds the whole WAL copied at the moment a writer starts,
    and only then does SQLite start the WAL over; so the WAL grew without end (4 GB after a million inserts), and
    every page read searched a longer and longer WAL index: updates ran at half speed in a module of 1M records.
    When the WAL holds more than ``restart_frames`` frames after a passive checkpoint, a RESTART checkpoint makes
    the next writer start it over; it waits for the writer of the moment and holds the next one only while the
    few frames written since the passive checkpoint are copied. ``journal_size_limit`` then trims the file."""

    def __init__(self, db: Database, interval: float = 1.0, restart_frames: int = 8192) -> None:
        self.path = db.engine.url.database if db.dialect == "sqlite" else None
        self.interval = interval
        self.restart_frames = restart_frames
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self.path is None or self.path == ":memory:" or self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="zcrm-wal-checkpoint", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        assert self.path is not None
        conn = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
        conn.execute(f"PRAGMA journal_size_limit={JOURNAL_SIZE_LIMIT}")
        try:
            while not self._stop.wait(self.interval):
                try:
                    self.checkpoint(conn)
                except sqlite3.Error:  # pragma: no cover - logged, retried on the next tick
                    log.exception("WAL checkpoint failed")
            self.checkpoint(conn)
        finally:
            conn.close()

    def checkpoint(self, conn: sqlite3.Connection) -> None:
        """One tick: a passive checkpoint, and a restart when the WAL has grown past ``restart_frames``."""
        _busy, frames, _copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        if frames >= self.restart_frames:
            conn.execute("PRAGMA wal_checkpoint(RESTART)").fetchone()

    def stop(self) -> None:
        if self._thread is not None:
            self._stop.set()
            self._thread.join(timeout=10)
            self._thread = None
