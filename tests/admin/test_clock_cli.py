"""``zcrm clock show|set|advance|freeze|unfreeze|reset [--org-id]``: an org's clock from the command line, as
``/__zcrm/clock`` shows it; a server on the data dir runs the org on it."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.admin.test_admin_cli import Cli, Server, auth
from tests.conftest import copy_data_dir, make_settings, sql
from zcrm.app import create_app

T0 = 1_893_553_445  # 2030-01-02T03:04:05+00:00


@pytest.fixture
def cli(tmp_path: Path, prepared_data_dir: Path) -> Cli:
    copy_data_dir(
        prepared_data_dir, tmp_path / "d"
    )  # the commands need an existing database (`zcrm serve` makes it)
    return Cli(tmp_path / "d")


@pytest.fixture
def server(cli: Cli) -> Iterator[Server]:
    """An in-process server on the CLI's data dir, started after the commands under test."""
    apps: list[Any] = []

    def start() -> TestClient:
        app = create_app(make_settings(cli.data_dir))
        apps.append(app)
        return TestClient(app, base_url="http://127.0.0.1:8000")

    yield start
    for app in apps:
        app.state.zcrm.db.dispose()


def test_show_set_advance_freeze_unfreeze_reset(cli: Cli) -> None:
    shown = cli.ok("clock", "show")
    assert list(shown) == ["time", "epoch", "frozen", "offset"]
    assert shown["frozen"] is False and shown["offset"] == 0 and abs(shown["epoch"] - time.time()) < 5
    frozen_at = cli.ok("clock", "set", "2030-01-02T03:04:05Z", "--frozen")
    assert frozen_at["time"] == "2030-01-02T03:04:05+00:00" and frozen_at["epoch"] == T0
    assert frozen_at["frozen"] is True and abs(frozen_at["offset"] - (T0 - time.time())) < 5
    assert cli.ok("clock", "advance", "90")["epoch"] == T0 + 90
    assert cli.ok("clock", "advance", "2h")["epoch"] == T0 + 90 + 7200
    assert cli.ok("clock", "advance", "15m")["epoch"] == T0 + 90 + 7200 + 900
    assert cli.ok("clock", "advance", "1d")["epoch"] == T0 + 90 + 7200 + 900 + 86400
    assert cli.ok("clock", "show")["epoch"] == T0 + 94590  # frozen: it stands still between commands
    running = cli.ok("clock", "unfreeze")
    assert running["frozen"] is False and running["epoch"] == T0 + 94590
    frozen = cli.ok("clock", "freeze")
    assert frozen["frozen"] is True
    epoch_set = cli.ok("clock", "set", str(T0))
    assert (epoch_set["epoch"], epoch_set["frozen"]) == (
        T0,
        False,
    )  # set runs on from the time unless --frozen
    reset = cli.ok("clock", "reset")
    assert (reset["frozen"], reset["offset"]) == (False, 0)
    stored = sql(
        cli.data_dir,
        "SELECT clock_offset, clock_frozen FROM orgs WHERE id = :id",
        {"id": cli.creds["org_id"]},
    )
    assert stored == [(0, None)]


def test_errors(cli: Cli) -> None:
    assert 'INVALID_DATA: invalid data {"api_name": "time", "expected_data_type": "datetime"}' in cli.fails(
        "clock", "set", "tomorrow"
    )
    assert 'INVALID_DATA: invalid data {"api_name": "time", "expected_data_type": "datetime"}' in cli.fails(
        "clock", "set", "2030-01-02T03:04:05"
    )
    bad_duration = cli.run("clock", "advance", "1w")
    assert (
        bad_duration.exit_code == 2 and "seconds, or a number followed by s, m, h or d" in bad_duration.output
    )
    assert "no org 123" in cli.fails("clock", "show", "--org-id", "123")
    assert cli.ok("clock", "show")["offset"] == 0


def test_org_id_and_a_server_on_the_data_dir(cli: Cli, server: Server) -> None:
    other = cli.ok("org", "create")
    moved = cli.ok("clock", "set", "--org-id", other["org_id"], str(T0), "--frozen")
    assert (moved["epoch"], moved["frozen"]) == (T0, True)
    assert cli.ok("clock", "show")["frozen"] is False  # the default org's clock is not touched
    assert cli.ok("clock", "show", "--org-id", other["org_id"])["epoch"] == T0
    # the other org's token was issued at the server's time, in 2025 or so: at 2030 it has expired
    cli.ok("clock", "set", "--org-id", other["org_id"], str(T0), "--frozen")
    issued = cli.ok(
        "token", "issue", "--org-id", other["org_id"], "--user", "priya.raman@zylker.test",
        "--scope", "ZohoCRM.modules.ALL,ZohoCRM.settings.ALL",
    )  # fmt: skip
    expires = sql(
        cli.data_dir, "SELECT expires_time FROM oauth_tokens WHERE kind = 'access' AND created_time = :t", {"t": T0}
    )  # fmt: skip
    assert expires == [(T0 + 3600,)]  # issued on the org's clock
    with server() as client:
        headers = auth(issued["access_token"])
        assert client.get("/crm/v5/org", headers=auth(other["access_token"])).status_code == 401
        created = client.post(
            "/crm/v5/Leads", json={"data": [{"Last_Name": "Then", "Company": "Z"}]}, headers=headers
        )
        assert created.status_code == 201, created.text
        lead = created.json()["data"][0]["details"]["id"]
        got = client.get(f"/crm/v5/Leads/{lead}", headers=headers).json()["data"][0]
        assert got["Created_Time"] == "2030-01-02T08:34:05+05:30"
        shown = client.get("/__zcrm/clock", headers=headers).json()
        assert (shown["epoch"], shown["frozen"]) == (T0, True)
    cli.ok("clock", "advance", "--org-id", other["org_id"], "3601")
    with server() as client:
        expired = client.get("/crm/v5/org", headers=auth(issued["access_token"]))
        assert (expired.status_code, expired.json()) == (
            401,
            {"code": "INVALID_TOKEN", "details": {}, "message": "invalid oauth token", "status": "error"},
        )
