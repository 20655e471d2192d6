"""The ``zcrm`` command: serve with the default org or an org file, credentials.json, token grant."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import httpx
from click.testing import CliRunner
from starlette.testclient import TestClient

from tests.conftest import (
    CREDENTIAL_KEYS,
    ON_POSTGRESQL,
    SPECIMENS,
    LiveServer,
    copy_data_dir,
    db_args,
    make_settings,
    sql,
)
from zcrm.app import create_app
from zcrm.cli import main


def test_serve_writes_credentials_that_work(live_server: LiveServer) -> None:
    path = live_server.data_dir / "credentials.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    creds = live_server.credentials
    assert list(creds) == CREDENTIAL_KEYS
    assert creds["base_url"] == live_server.base_url
    assert creds["accounts_url"] == f"{live_server.base_url}/oauth/v2/token"
    # the server's database is the data dir's SQLite file, or on PostgreSQL the database it was given
    assert (live_server.data_dir / "zcrm.sqlite3").exists() is not ON_POSTGRESQL
    assert sql(live_server, "SELECT id FROM orgs WHERE is_default = :t", {"t": True}) == [(creds["org_id"],)]
    headers = {"Authorization": f"Zoho-oauthtoken {creds['access_token']}"}
    org = httpx.get(f"{live_server.base_url}/crm/v5/org", headers=headers).json()["org"][0]
    assert org["id"] == creds["org_id"]
    me = httpx.get(f"{live_server.base_url}/crm/v5/users", params={"type": "CurrentUser"}, headers=headers)
    assert me.json()["users"][0]["id"] == creds["user_id"]
    token = httpx.post(
        creds["accounts_url"],
        data={
            "grant_type": "refresh_token",
            "client_id": creds["client_id"],
            "client_secret": creds["client_secret"],
            "refresh_token": creds["refresh_token"],
        },
    ).json()
    assert token["api_domain"] == live_server.base_url and token["expires_in"] == 3600


def test_serve_with_an_org_file(tmp_path: Path) -> None:
    data_dir = tmp_path / "org-file"
    data_dir.mkdir()
    server = LiveServer(data_dir, extra_args=("--org", str(SPECIMENS)))
    server.start()
    try:
        creds = server.credentials
        headers = {"Authorization": f"Zoho-oauthtoken {creds['access_token']}"}
        modules = httpx.get(f"{server.base_url}/crm/v5/settings/modules", headers=headers).json()["modules"]
        names = {m["api_name"] for m in modules}
        assert {"Specimens", "Targets", "Specimen_Parts", "Specimens_X_Targets"} <= names
        assert "Leads" not in names
        org = httpx.get(f"{server.base_url}/crm/v5/org", headers=headers).json()["org"][0]
        assert (
            org["company_name"] == "Specimen Labs" and org["license_details"]["paid_type"] == "Professional"
        )
    finally:
        server.stop()


def test_serve_rejects_a_bad_org_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("modules:\n  - api_name: X\n    fields:\n      - {api_name: A, data_type: lookup}\n")
    data_dir = tmp_path / "d"
    result = CliRunner().invoke(
        main, ["serve", "--port", "0", "--data-dir", str(data_dir), *db_args(data_dir), "--org", str(bad)]
    )
    assert result.exit_code != 0
    assert "modules.X.fields[0].A: a lookup needs 'lookup_module'" in result.output


def test_restart_reuses_credentials(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "d")
    first = create_app(settings).state.credentials
    second = create_app(settings).state.credentials
    assert second == first  # still-valid credentials are reused, not re-issued


def test_token_grant_prints_a_code_the_token_endpoint_accepts(
    tmp_path: Path, prepared_data_dir: Path
) -> None:
    data_dir = tmp_path / "d"
    copy_data_dir(
        prepared_data_dir, data_dir
    )  # as `zcrm serve` made it: the commands need an existing database
    result = CliRunner().invoke(
        main,
        [
            *("token", "grant", "--data-dir", str(data_dir), *db_args(data_dir)),
            *("--scope", "ZohoCRM.modules.ALL,ZohoCRM.org.READ"),
        ],
    )
    assert result.exit_code == 0, result.output
    code = result.output.strip()
    creds = json.loads((data_dir / "credentials.json").read_text())
    app = create_app(make_settings(data_dir))
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        form = {
            "grant_type": "authorization_code",
            "client_id": creds["client_id"],
            "client_secret": creds["client_secret"],
            "code": code,
        }
        answer = client.post("/oauth/v2/token", data=form).json()
        assert set(answer) == {"access_token", "refresh_token", "api_domain", "token_type", "expires_in"}
        org = client.get(
            "/crm/v5/org", headers={"Authorization": f"Zoho-oauthtoken {answer['access_token']}"}
        )
        assert org.status_code == 200
        settings_call = client.get(
            "/crm/v5/settings/modules", headers={"Authorization": f"Zoho-oauthtoken {answer['access_token']}"}
        )
        assert settings_call.json() == {
            "code": "OAUTH_SCOPE_MISMATCH",
            "details": {},
            "message": "invalid oauth scope to access this URL",
            "status": "error",
        }
        assert client.post("/oauth/v2/token", data=form).json() == {"error": "invalid_code"}


def test_token_grant_keeps_the_served_address(tmp_path: Path) -> None:
    data_dir = tmp_path / "d"
    create_app(make_settings(data_dir, port=9123))
    result = CliRunner().invoke(main, ["token", "grant", "--data-dir", str(data_dir), *db_args(data_dir)])
    assert result.exit_code == 0, result.output
    creds = json.loads((data_dir / "credentials.json").read_text())
    assert creds["base_url"] == "http://127.0.0.1:9123"
