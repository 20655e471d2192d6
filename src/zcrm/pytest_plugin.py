"""zcrm's pytest plugin (entry point ``pytest11``: ``zcrm``), loaded by pytest wherever zcrm is installed.

Fixtures (docs/testing-with-zcrm.md):

- ``zcrm_server`` (session): a live ``zcrm serve`` on a free port and a temporary data dir, one per pytest-xdist
  worker (``ZcrmServer``: ``base_url``, ``admin_token``, the default org's ``credentials``);
- ``zcrm_org``: a fresh isolated org on ``zcrm_server`` for one test (``ZcrmOrg``: ``credentials``, ``client``),
  deleted after it; its org file from the ``zcrm_org_file`` marker, an indirect parameter, or the
  ``--zcrm-org-file`` option;
- ``zcrm_app``: the app in-process on a fresh data dir for one test (``ZcrmApp``: ``client``, ``http``,
  ``async_client()``, ``transport``, ``new_org()``);
- ``zcrm_sdk``: Zoho's official SDK configured for ``zcrm_org`` (returns that ``ZcrmOrg``).

Heavy imports (the server's own modules) happen in the fixtures, so that loading the plugin costs nothing.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from zcrm.client import Client, Credentials
from zcrm.client.control import org_credentials
from zcrm.testing.inprocess import ZcrmApp
from zcrm.testing.org import ZcrmOrg
from zcrm.testing.sdk import close_sdk_log
from zcrm.testing.server import ZcrmServer, start_server

MARKER = "zcrm_org_file"
ADMIN_TOKEN = pytest.StashKey[str]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("zcrm", "zcrm (a local Zoho CRM server)")
    group.addoption(
        "--zcrm-database-url",
        default=None,
        help="SQLAlchemy URL of the database for zcrm_server and zcrm_app, e.g. postgresql://user@host/db "
        "(default: ini zcrm_database_url, then ZCRM_DATABASE_URL, then SQLite in each data dir).",
    )
    group.addoption(
        "--zcrm-org-file",
        default=None,
        help="Org file (YAML or JSON) for the default org and for zcrm_org without a zcrm_org_file marker "
        "(default: ini zcrm_org_file, then the built-in standard org).",
    )
    group.addoption(
        "--zcrm-keep-orgs",
        action="store_true",
        default=None,
        help="Do not delete the orgs zcrm_org creates after each test (to inspect them).",
    )
    parser.addini("zcrm_database_url", "Database URL for zcrm_server and zcrm_app (see --zcrm-database-url).")
    parser.addini("zcrm_org_file", "Org file for the default org and zcrm_org (relative to the ini file).")
    parser.addini("zcrm_keep_orgs", "Keep the orgs zcrm_org creates (see --zcrm-keep-orgs).", type="bool")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(path_or_definition): the org file (YAML/JSON path, relative to the test module, or a parsed "
        "org definition as a dict) of the test's zcrm_org.",
    )


# -- options ----------------------------------------------------------------------------------------------------


def _database_url(config: pytest.Config) -> str | None:
    value = config.getoption("zcrm_database_url") or config.getini("zcrm_database_url")
    return str(value or os.environ.get("ZCRM_DATABASE_URL", "")) or None


def _org_file(config: pytest.Config) -> Path | None:
    option = config.getoption("zcrm_org_file")
    if option:
        return Path(option).resolve()
    ini = config.getini("zcrm_org_file")
    if ini:
        base = config.inipath.parent if config.inipath is not None else config.rootpath
        return (base / str(ini)).resolve()
    return None


def _keep_orgs(config: pytest.Config) -> bool:
    option = config.getoption("zcrm_keep_orgs")
    return bool(option) if option is not None else bool(config.getini("zcrm_keep_orgs"))


def _admin_token(config: pytest.Config) -> str:
    """The server admin token of every server and app of the run: ``ZCRM_ADMIN_TOKEN`` if set; under pytest-xdist
    one token for all workers, derived from the run's id; else a random one. One token, because servers and apps
    on one PostgreSQL database share its stored hash."""
    token = config.stash.get(ADMIN_TOKEN, None)
    if token is None:
        token = os.environ.get("ZCRM_ADMIN_TOKEN", "").strip()
        workerinput = getattr(config, "workerinput", None)
        if not token and isinstance(workerinput, dict) and workerinput.get("testrunuid"):
            token = hashlib.sha256(f"zcrm-admin-token:{workerinput['testrunuid']}".encode()).hexdigest()
        token = token or secrets.token_hex(32)
        config.stash[ADMIN_TOKEN] = token
    return token


def _worker_id(config: pytest.Config) -> str:
    workerinput = getattr(config, "workerinput", None)
    return str(workerinput.get("workerid", "main")) if isinstance(workerinput, dict) else "main"


def _read_org_file(path: Path) -> dict[str, Any]:
    from zcrm.schema.orgfile import read_org_file

    return read_org_file(path)


def _requested_org_file(request: pytest.FixtureRequest) -> dict[str, Any] | None:
    """The org definition a test asks for: an indirect parameter, the marker, else the option (None: the
    standard org)."""
    value: Any = getattr(request, "param", None)
    base = request.path.parent
    if value is None:
        marker = request.node.get_closest_marker(MARKER)
        if marker is not None:
            if len(marker.args) != 1:
                raise pytest.UsageError(
                    f"@pytest.mark.{MARKER} takes one argument: a path or an org definition"
                )
            value = marker.args[0]
    if value is None:
        option = _org_file(request.config)
        return None if option is None else _read_org_file(option)
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, str | Path):
        return _read_org_file((base / value).resolve())
    raise pytest.UsageError(f"zcrm_org: an org file is a path or a dict, not {type(value).__name__}")


# -- fixtures ---------------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def zcrm_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ZcrmServer]:
    """A live ``zcrm serve`` for the session (one per pytest-xdist worker) on 127.0.0.1, a free port and a data dir
    under pytest's temporary directory; stopped at the end of the session."""
    config = request.config
    data_dir = tmp_path_factory.mktemp(f"zcrm-server-{_worker_id(config)}", numbered=True)
    server = start_server(
        data_dir,
        database_url=_database_url(config),
        org_file=_org_file(config),
        admin_token=_admin_token(config),
    )
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def zcrm_org(request: pytest.FixtureRequest, zcrm_server: ZcrmServer) -> Iterator[ZcrmOrg]:
    """A fresh org on ``zcrm_server`` for this test alone, with an authorised ``client`` (its administrator,
    every scope). Deleted after the test (``DELETE /__zcrm/orgs/{id}``) unless ``--zcrm-keep-orgs``."""
    definition = _requested_org_file(request)
    with zcrm_server.admin() as admin:
        credentials = org_credentials(admin.create_org(definition))
    client = Client(credentials.base_url, credentials.access_token)
    try:
        yield ZcrmOrg(credentials, client)
    finally:
        client.close()
        if not _keep_orgs(request.config):
            _delete_org(zcrm_server, credentials)


def _delete_org(server: ZcrmServer, credentials: Credentials) -> None:
    with server.admin() as admin:
        response = admin.delete_org(credentials.org_id)
    gone = (
        response.status_code == 400
        and isinstance(response.body, dict)
        and response.body.get("code") == "INVALID_DATA"
    )
    if response.status_code != 200 and not gone:  # gone: the test deleted it itself
        raise AssertionError(
            f"zcrm_org: deleting org {credentials.org_id} answered {response.status_code} {response.body}"
        )


@pytest.fixture
def zcrm_app(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[ZcrmApp]:
    """The zcrm app in-process on a fresh data dir (``tmp_path / "zcrm"``) for this test: ``client`` (sync, an
    org of this test alone: the data dir's default org, or on PostgreSQL a new org deleted after the test),
    ``http``, ``async_client()``, ``transport`` (``httpx.ASGITransport``), ``new_org()``."""
    from zcrm.settings import Settings

    monkeypatch.setenv("ZCRM_ADMIN_TOKEN", _admin_token(request.config))  # the app reads it at start-up
    settings = Settings(
        data_dir=tmp_path / "zcrm",
        database_url=_database_url(request.config),
        org_file=_org_file(request.config),
    )
    # on a shared database (PostgreSQL) the default org is shared too: the test gets an org of its own
    with ZcrmApp(settings, own_org=settings.database_url is not None) as app:
        yield app


@pytest.fixture
def zcrm_sdk(zcrm_org: ZcrmOrg, tmp_path: Path) -> Iterator[ZcrmOrg]:
    """Zoho's official SDK initialised for ``zcrm_org`` (refresh token; token store, metadata cache and log in
    ``tmp_path / "zoho-sdk"``); returns that org. The SDK's configuration is process-wide."""
    zcrm_org.configure_sdk(tmp_path / "zoho-sdk")
    try:
        yield zcrm_org
    finally:
        close_sdk_log()
