"""The access-management commands: zcrm org/user/role/profile/client create, user set-status, token issue."""

from __future__ import annotations

import json
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner, Result
from starlette.testclient import TestClient

from tests.conftest import CREDENTIAL_KEYS, SPECIMENS, LiveServer, copy_data_dir, db_args, make_settings
from zcrm.app import create_app
from zcrm.cli import main


class Cli:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir

    def run(self, *args: str) -> Result:
        return CliRunner().invoke(main, [*args, "--data-dir", str(self.data_dir), *db_args(self.data_dir)])

    def ok(self, *args: str) -> Any:
        result = self.run(*args)
        assert result.exit_code == 0, result.output
        return json.loads(result.output)

    def fails(self, *args: str) -> str:
        result = self.run(*args)
        assert result.exit_code == 1, result.output
        return result.output

    @property
    def creds(self) -> dict[str, str]:
        return dict(json.loads((self.data_dir / "credentials.json").read_text()))


@pytest.fixture
def cli(tmp_path: Path, prepared_data_dir: Path) -> Cli:
    copy_data_dir(
        prepared_data_dir, tmp_path / "d"
    )  # the commands need an existing database (`zcrm serve` makes it)
    return Cli(tmp_path / "d")


@pytest.fixture
def server(cli: Cli) -> Iterator[Callable[[], TestClient]]:
    """An in-process server on the CLI's data dir (start it after the commands under test have run)."""

    def start() -> TestClient:
        app = create_app(make_settings(cli.data_dir))
        apps.append(app)
        return TestClient(app, base_url="http://127.0.0.1:8000")

    apps: list[Any] = []
    yield start
    for app in apps:
        app.state.zcrm.db.dispose()


Server = Callable[[], TestClient]


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Zoho-oauthtoken {token}"}


def test_user_create_and_set_status(cli: Cli, server: Server) -> None:
    user = cli.ok(
        "user", "create", "--email", "Sam@zylker.test", "--last-name", "Stone", "--first-name", "Sam",
        "--role", "Manager", "--profile", "Read Only", "--time-zone", "UTC",
    )  # fmt: skip
    assert (user["full_name"], user["role"]["name"], user["profile"]["name"], user["status"]) == (
        "Sam Stone",
        "Manager",
        "Read Only",
        "active",
    )
    tokens = cli.ok("token", "issue", "--user", "sam@zylker.test", "--scope", "ZohoCRM.users.READ")
    assert list(tokens)[:2] == ["access_token", "refresh_token"] and tokens["user_id"] == user["id"]
    with server() as client:
        listed = client.get(f"/crm/v5/users/{user['id']}", headers=auth(cli.creds["access_token"]))
        assert listed.json()["users"][0]["profile"]["name"] == "Read Only"
        assert client.get("/crm/v5/users", headers=auth(tokens["access_token"])).status_code == 200

    changed = cli.ok("user", "set-status", "sam@zylker.test", "inactive")
    assert changed["status"] == "inactive"
    with server() as client:
        response = client.get("/crm/v5/users", headers=auth(tokens["access_token"]))
        assert (response.status_code, response.json()) == (
            401,
            {"code": "INVALID_TOKEN", "details": {}, "message": "invalid oauth token", "status": "error"},
        )
        deactive = client.get(
            "/crm/v5/users", params={"type": "DeactiveUsers"}, headers=auth(cli.creds["access_token"])
        )
        assert user["id"] in {u["id"] for u in deactive.json()["users"]}
    assert "the user is not active" in cli.fails(
        "token", "issue", "--user", "sam@zylker.test", "--scope", "ZohoCRM.users.READ"
    )
    assert "is inactive" in cli.fails("token", "grant", "--user", "sam@zylker.test")


def test_user_create_errors_name_the_zoho_code(cli: Cli) -> None:
    output = cli.fails("user", "create", "--email", "PRIYA.RAMAN@zylker.test", "--last-name", "Dup")
    assert "DUPLICATE_DATA: duplicate data" in output and '"api_name": "email"' in output
    assert 'INVALID_DATA: invalid data {"api_name": "role"}' in cli.fails(
        "user", "create", "--email", "x@zylker.test", "--last-name", "X", "--role", "Nope"
    )
    assert "no user nobody@zylker.test" in cli.fails("user", "set-status", "nobody@zylker.test", "active")
    last_admin = cli.fails("user", "set-status", "priya.raman@zylker.test", "deleted")
    assert "at least one active user with an administrator profile" in last_admin


def test_role_and_profile_create(cli: Cli, server: Server) -> None:
    role = cli.ok("role", "create", "--name", "Intern", "--reports-to", "Sales Rep")
    assert role["reports_to"]["name"] == "Sales Rep"
    profile = cli.ok(
        "profile", "create", "--name", "Leads Only", "--permission", "Leads=view,create", "--permission", "*="
    )
    assert profile["permissions"] == {"Leads": ["view", "create"], "*": []}
    assert cli.ok("profile", "create", "--name", "Boss", "--admin")["admin"] is True
    cli.ok(
        "user",
        "create",
        "--email",
        "i@zylker.test",
        "--last-name",
        "I",
        "--role",
        "Intern",
        "--profile",
        "Leads Only",
    )
    token = cli.ok("token", "issue", "--user", "i@zylker.test", "--scope", "ZohoCRM.modules.ALL")[
        "access_token"
    ]
    with server() as client:
        leads = client.get("/crm/v5/Leads", params={"fields": "Last_Name"}, headers=auth(token))
        assert leads.status_code == 204
        contacts = client.get("/crm/v5/Contacts", params={"fields": "Last_Name"}, headers=auth(token))
        assert (contacts.status_code, contacts.json()) == (
            403,
            {
                "code": "NO_PERMISSION",
                "details": {"permissions": ["Crm_Implied_View_Contacts"]},
                "message": "Permission denied to read",
                "status": "error",
            },
        )
    assert (
        "expected MODULE=view,create,edit,delete"
        in CliRunner()
        .invoke(
            main,
            [
                *("profile", "create", "--name", "Bad", "--permission", "Leads"),
                *("--data-dir", str(cli.data_dir), *db_args(cli.data_dir)),
            ],
        )
        .output
    )
    assert "DUPLICATE_DATA" in cli.fails("role", "create", "--name", "intern")


def test_client_create_prints_credentials_that_work(cli: Cli, server: Server) -> None:
    client = cli.ok("client", "create", "--name", "CI", "--type", "server", "--redirect-uri", "http://ci/cb")
    assert set(client) == {"client_id", "client_secret", "name", "client_type", "redirect_uri"}
    tokens = cli.ok(
        "token", "issue", "--user", "priya.raman@zylker.test", "--scope", "ZohoCRM.org.ALL",
        "--client-id", client["client_id"],
    )  # fmt: skip
    assert tokens["client_id"] == client["client_id"]
    with server() as http:
        answer = http.post(
            "/oauth/v2/token",
            data={
                "grant_type": "refresh_token",
                "client_id": client["client_id"],
                "client_secret": client["client_secret"],
                "refresh_token": tokens["refresh_token"],
            },
        ).json()
        assert http.get("/crm/v5/org", headers=auth(answer["access_token"])).status_code == 200
    assert "MANDATORY_NOT_FOUND" in cli.fails("client", "create", "--type", "server")


def test_token_issue_has_exactly_the_requested_scopes(cli: Cli, server: Server) -> None:
    tokens = cli.ok(
        "token",
        "issue",
        "--user",
        "priya.raman@zylker.test",
        "--scope",
        "ZohoCRM.modules.ALL,ZohoCRM.org.READ",
    )
    assert tokens["scope"] == "ZohoCRM.modules.ALL ZohoCRM.org.READ"
    with server() as client:
        users = client.get("/crm/v5/users", headers=auth(tokens["access_token"]))
        assert (users.status_code, users.json()) == (
            401,
            {
                "code": "OAUTH_SCOPE_MISMATCH",
                "details": {},
                "message": "invalid oauth scope to access this URL",
                "status": "error",
            },
        )
        assert client.get("/crm/v5/org", headers=auth(tokens["access_token"])).status_code == 200
    assert "INVALID_DATA" in cli.fails(
        "token", "issue", "--user", "priya.raman@zylker.test", "--scope", "bogus"
    )


def test_org_create_prints_isolated_credentials(cli: Cli, server: Server) -> None:
    creds = cli.ok("org", "create")
    assert list(creds) == CREDENTIAL_KEYS and creds["org_id"] != cli.creds["org_id"]
    assert stat.S_IMODE((cli.data_dir / "admin-token").stat().st_mode) == 0o600
    user = cli.ok(
        "user", "create", "--org-id", creds["org_id"], "--email", "only@there.test", "--last-name", "T"
    )
    assert "no org 123" in cli.fails(
        "user", "create", "--org-id", "123", "--email", "a@b.test", "--last-name", "T"
    )
    theirs = cli.ok(
        "token",
        "issue",
        "--org-id",
        creds["org_id"],
        "--user",
        "only@there.test",
        "--scope",
        "ZohoCRM.users.READ",
    )
    assert theirs["client_id"] == creds["client_id"]  # the org's first client by default
    with server() as client:
        mine = client.get("/crm/v5/users", headers=auth(cli.creds["access_token"])).json()["users"]
        assert user["id"] not in {u["id"] for u in mine}
        there = client.get("/crm/v5/users", headers=auth(theirs["access_token"])).json()["users"]
        assert user["id"] in {u["id"] for u in there}
        lead = client.post(
            "/crm/v5/Leads",
            json={"data": [{"Last_Name": "L", "Company": "C"}]},
            headers=auth(creds["access_token"]),
        )
        lead_id = lead.json()["data"][0]["details"]["id"]
        assert (
            client.get(f"/crm/v5/Leads/{lead_id}", headers=auth(cli.creds["access_token"])).status_code == 204
        )


def test_org_create_from_a_file(cli: Cli, server: Server, tmp_path: Path) -> None:
    creds = cli.ok("org", "create", "--org", str(SPECIMENS))
    with server() as client:
        modules = client.get("/crm/v5/settings/modules", headers=auth(creds["access_token"])).json()[
            "modules"
        ]
        assert "Specimens" in {m["api_name"] for m in modules}
    bad = tmp_path / "bad.yaml"
    bad.write_text("modules: []\n")
    assert "org file: modules: a non-empty list is required" in cli.fails("org", "create", "--org", str(bad))


def test_serve_makes_the_admin_token_that_creates_orgs(live_server: LiveServer) -> None:
    path = live_server.data_dir / "admin-token"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    token = path.read_text().strip()
    response = httpx.post(
        f"{live_server.base_url}/__zcrm/orgs", headers={"X-ZCRM-Admin-Token": token}, json={}
    )
    assert response.status_code == 201
    creds = response.json()
    assert creds["base_url"] == live_server.base_url
    org = httpx.get(f"{live_server.base_url}/crm/v5/org", headers=auth(creds["access_token"])).json()["org"][
        0
    ]
    assert org["id"] == creds["org_id"] != live_server.credentials["org_id"]


def test_org_functions_installs_the_functions_of_an_org_file(
    cli: Cli, server: Server, tmp_path: Path
) -> None:
    marker = tmp_path / "marker"
    (tmp_path / "code").mkdir()
    (tmp_path / "code" / "f.py").write_text(
        f"open({str(marker)!r}, 'w').close()\n\ndef shout(record, zoho):\n    return record['id']\n"
    )
    org_file = tmp_path / "functions.yaml"
    org_file.write_text(
        "functions:\n  - {name: shout, file: code/f.py}\n  - {name: loud, file: code/f.py, handler: shout}\n"
    )
    out = cli.ok("org", "functions", "--org", str(org_file))
    assert out == {
        "org_id": cli.creds["org_id"],
        "functions": [{"name": "loud", "handler": "shout"}, {"name": "shout", "handler": "shout"}],
    }
    assert not marker.exists()  # installed: compiled and checked, not run
    with server() as client:
        rules = {
            "workflow_rules": [
                {"name": "R", "when": "create", "actions": [{"type": "function", "function": "loud"}]}
            ]
        }
        headers = auth(cli.creds["access_token"])
        assert (
            client.put("/__zcrm/modules/Leads/workflow_rules", json=rules, headers=headers).status_code == 200
        )
        created = client.post(
            "/crm/v5/Leads", json={"data": [{"Last_Name": "L", "Company": "C"}]}, headers=headers
        ).json()
        [entry] = client.get("/__zcrm/automation/log", headers=headers).json()["log"]
        assert (entry["target"], entry["detail"]) == (
            "loud",
            {"returned": created["data"][0]["details"]["id"]},
        )
    assert marker.exists()
    (tmp_path / "code" / "f.py").write_text("def shout(record, zoho):\n    return (\n")
    assert "org file: functions[0]: SyntaxError: '(' was never closed (code/f.py, line 2)" in cli.fails(
        "org", "functions", "--org", str(org_file)
    )
