"""Shared fixtures: an in-process app per test, an authorised client, and a live ``zcrm serve``.

The tests run on SQLite (``zcrm.sqlite3`` in each data dir) unless ``ZCRM_TEST_DATABASE_URL`` names a PostgreSQL
server, e.g. ``postgresql://zcrm@127.0.0.1:5432/postgres`` (its database is only used to create and drop others):
then every data dir a test uses gets a fresh database of its own, ``zcrm_t_<random hex>`` (``database_url``),
passed to the apps through ``make_settings``, to ``zcrm serve`` by ``LiveServer`` and to the CLI by ``db_args``;
every one is dropped when the session ends. ``sql`` reads or edits a test's database on either.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, create_engine, inspect, make_url, text
from starlette.testclient import TestClient

from zcrm.app import create_app
from zcrm.bootstrap import Credentials
from zcrm.clock import Clock
from zcrm.listen import LISTENING
from zcrm.settings import Settings
from zcrm.store import Database

TEST_DATABASE_URL = os.environ.get("ZCRM_TEST_DATABASE_URL", "") or None
ON_POSTGRESQL = TEST_DATABASE_URL is not None
# the keys of credentials.json, in order (zcrm.bootstrap writes them)
CREDENTIAL_KEYS = [
    "base_url",
    "accounts_url",
    "client_id",
    "client_secret",
    "refresh_token",
    "access_token",
    "org_id",
    "user_id",
]
_databases: dict[Path, str] = {}  # resolved data dir -> the URL of its PostgreSQL database
_created: list[str] = []  # the names of the databases this session created, to drop at its end
_admin: list[Engine] = []


def _admin_engine() -> Engine:
    assert TEST_DATABASE_URL is not None
    if not _admin:
        url = TEST_DATABASE_URL.replace("postgresql://", "postgresql+psycopg://", 1)
        _admin.append(create_engine(url, isolation_level="AUTOCOMMIT", pool_size=1))
    return _admin[0]


def database_url(data_dir: Path) -> str | None:
    """The database URL for a data dir: None on SQLite (the server's default, ``zcrm.sqlite3`` in the data dir),
    else the URL of the data dir's own PostgreSQL database, created on first use and the same ever after."""
    if TEST_DATABASE_URL is None:
        return None
    key = Path(data_dir).resolve()
    if key not in _databases:
        name = f"zcrm_t_{secrets.token_hex(8)}"
        with _admin_engine().connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        _created.append(name)
        _databases[key] = make_url(TEST_DATABASE_URL).set(database=name).render_as_string(hide_password=False)
    return _databases[key]


def effective_database_url(data_dir: Path) -> str:
    """The URL the server on ``data_dir`` uses, on SQLite too."""
    return Settings(data_dir=data_dir, database_url=database_url(data_dir)).effective_database_url


def db_args(data_dir: Path) -> list[str]:
    """The ``--database-url`` option for a ``zcrm`` command on ``data_dir`` (none on SQLite)."""
    url = database_url(data_dir)
    return ["--database-url", url] if url else []


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if not _admin:
        return
    with _admin[0].connect() as conn:
        for name in _created:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    _created.clear()
    _databases.clear()
    _admin.pop().dispose()


def _database_of(target: Any) -> tuple[Database, bool]:
    """The Database of an app, a TestClient, an object with a ``client`` (Api) or a ``data_dir`` (LiveServer), a
    data dir or a Database; and whether it was opened here (and must be disposed)."""
    if isinstance(target, Database):
        return target, False
    if isinstance(target, TestClient):
        target = target.app
    elif hasattr(target, "client") and isinstance(target.client, TestClient):
        target = target.client.app
    state = getattr(getattr(target, "state", None), "zcrm", None)
    if state is not None:
        return state.db, False
    data_dir = target if isinstance(target, Path) else target.data_dir
    return Database(effective_database_url(Path(data_dir))), True


def sql(target: Any, query: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
    """Runs one SQL statement (``:name`` parameters) in a write transaction on the target's database (see
    ``_database_of``); returns its rows, if any, as tuples."""
    db, opened = _database_of(target)
    try:
        with db.write() as conn:
            result = conn.execute(text(query), params or {})
            return [tuple(row) for row in result] if result.returns_rows else []
    finally:
        if opened:
            db.dispose()


def dump(target: Any) -> str:
    """Every row of every table of the target's database as text, one line a row (the role of SQLite's iterdump)."""
    db, opened = _database_of(target)
    try:
        with db.read() as conn:
            lines = []
            for table in sorted(inspect(conn).get_table_names()):
                for row in conn.execute(text(f'SELECT * FROM "{table}"')):
                    lines.append(f"{table}: {tuple(row)!r}")
            return "\n".join(lines)
    finally:
        if opened:
            db.dispose()


@dataclass
class Api:
    """A test client for one in-process server, authorised as the default org's administrator."""

    client: TestClient
    creds: Credentials
    data_dir: Path

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Zoho-oauthtoken {self.creds.access_token}"}

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.client.get(path, headers={**self.headers, **kwargs.pop("headers", {})}, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.client.delete(path, headers={**self.headers, **kwargs.pop("headers", {})}, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> httpx.Response:
        content = kwargs.pop("content", None)
        if content is None and body is not None:
            content = json.dumps(body)
        return self.client.post(
            path, content=content, headers={**self.headers, **kwargs.pop("headers", {})}, **kwargs
        )

    def put(self, path: str, body: Any = None, **kwargs: Any) -> httpx.Response:
        content = kwargs.pop("content", None)
        if content is None and body is not None:
            content = json.dumps(body)
        return self.client.put(
            path, content=content, headers={**self.headers, **kwargs.pop("headers", {})}, **kwargs
        )

    def insert(self, module: str, *records: dict[str, Any]) -> list[str]:
        """Inserts records that must all succeed; returns their ids."""
        response = self.post(f"/crm/v5/{module}", {"data": list(records)})
        assert response.status_code == 201, response.text
        return [item["details"]["id"] for item in response.json()["data"]]


class FakeClock(Clock):
    """A clock the test moves by hand: ``now()`` is ``current``."""

    def __init__(self, now: int) -> None:
        self.current = now

    def now(self) -> int:
        return self.current


def make_settings(data_dir: Path, **changes: Any) -> Settings:
    """Settings for an app on ``data_dir`` (and, on PostgreSQL, the data dir's own database)."""
    changes.setdefault("port", 8000)
    changes.setdefault("database_url", database_url(data_dir))
    return Settings(data_dir=data_dir, **changes)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path / "data")


@pytest.fixture(scope="session")
def prepared_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir migrated and bootstrapped once per session (per xdist worker): the default org, its credentials
    (on PostgreSQL, with its own database). ``api`` copies it rather than migrating a new database for each test
    (about 0.5 s each)."""
    data_dir = tmp_path_factory.mktemp("prepared") / "data"
    app = create_app(make_settings(data_dir))
    with TestClient(app, base_url="http://127.0.0.1:8000"):
        pass
    app.state.zcrm.db.dispose()  # on PostgreSQL, a template database takes no connection while it is copied
    return data_dir


def copy_data_dir(prepared: Path, data_dir: Path) -> None:
    """Puts a copy of the prepared data dir (database, credentials, …) at ``data_dir``, unless it exists already;
    on PostgreSQL its database is a copy of the prepared one (``CREATE DATABASE … TEMPLATE``)."""
    if data_dir.exists():
        return
    shutil.copytree(prepared, data_dir)
    if TEST_DATABASE_URL is None:
        return
    prepared_url = database_url(prepared)
    assert prepared_url is not None
    template = make_url(prepared_url).database
    key = data_dir.resolve()
    known = _databases.get(key)  # the data dir's URL given out already (its settings made first): kept
    name = str(make_url(known).database) if known else f"zcrm_t_{secrets.token_hex(8)}"
    with _admin_engine().connect() as conn:
        if known:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    if not known:
        _created.append(name)
        _databases[key] = make_url(TEST_DATABASE_URL).set(database=name).render_as_string(hide_password=False)


@pytest.fixture
def api(settings: Settings, prepared_data_dir: Path) -> Iterator[Api]:
    copy_data_dir(prepared_data_dir, settings.data_dir)  # on PostgreSQL, into the database settings names
    with serving(settings) as api:
        yield api


@contextmanager
def serving(settings: Settings) -> Iterator[Api]:
    """An ``Api`` on an app made with ``settings``, served in process; its database is let go on leaving."""
    app = create_app(settings)
    with TestClient(app, base_url="http://127.0.0.1:8000", raise_server_exceptions=False) as client:
        yield Api(client, app.state.credentials, settings.data_dir)
    app.state.zcrm.db.dispose()


_LISTENING = re.compile(re.escape(LISTENING) + r"http://\S+:(\d+)")  # the banner's line with the bound port


@dataclass
class LiveServer:
    """A ``zcrm serve`` subprocess on ``data_dir``. Its first start binds port 0 (a free port the server picks and
    prints: ``port`` is then the real one); a restart binds the same port again."""

    data_dir: Path
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    extra_args: tuple[str, ...] = ()

    @property
    def base_url(self) -> str:
        assert self.port, "the server has not started yet"
        return f"http://127.0.0.1:{self.port}"

    @property
    def credentials(self) -> dict[str, str]:
        return dict(json.loads((self.data_dir / "credentials.json").read_text()))

    @property
    def log_path(self) -> Path:
        """Where the server's output goes (appended to on every start)."""
        return self.data_dir.parent / f"server-{self.data_dir.name}.log"

    def _bound_port(self, offset: int) -> int | None:
        with open(self.log_path, "rb") as log:
            log.seek(offset)
            match = _LISTENING.search(log.read().decode("utf-8", "replace"))
        return int(match.group(1)) if match else None

    def start(self) -> None:
        offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        log = open(self.log_path, "ab")  # noqa: SIM115 - closed by the process
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "zcrm",
                "serve",
                "--port",
                str(self.port),
                "--data-dir",
                str(self.data_dir),
                "--log-level",
                "warning",
                *db_args(self.data_dir),
                *self.extra_args,
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "NO_PROXY": "127.0.0.1,localhost"},
        )
        bound: int | None = None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"zcrm serve exited with {self.process.returncode}")
            if bound is None:
                bound = self._bound_port(offset)
                if bound is None:
                    time.sleep(0.05)
                    continue
                self.port = bound
            try:
                if httpx.get(f"{self.base_url}/__zcrm/health", timeout=1).status_code == 200:
                    return
                time.sleep(0.05)
            except httpx.TransportError:
                time.sleep(0.05)
        raise RuntimeError("zcrm serve did not start in 30 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


@contextmanager
def served(data_dir: Path, *extra_args: str) -> Iterator[LiveServer]:
    """A ``LiveServer`` on ``data_dir`` (made here, so new) with ``extra_args``, started, and stopped on leaving (a
    test may stop and start it in between)."""
    data_dir.mkdir()
    server = LiveServer(data_dir, extra_args=extra_args)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    with served(tmp_path / "live-data") as server:
        yield server


SPECIMENS = Path(__file__).parent / "data" / "specimens.yaml"


@pytest.fixture
def specimens(tmp_path: Path) -> Iterator[Api]:
    """An Api on an org built from tests/data/specimens.yaml (one field of every type family)."""
    with serving(make_settings(tmp_path / "specimens", org_file=SPECIMENS)) as api:
        yield api
