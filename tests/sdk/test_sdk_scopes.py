"""The official SDK (``zohocrmsdk5-0``) with a grant-code token and with narrowly scoped tokens, against a live server.

1. Grant-code flow: ``zcrm token grant`` prints a code; the SDK exchanges it at ``/oauth/v2/token``
   (``grant_type=authorization_code``) when it initialises, stores the refresh token it gets, and works with the
   access token. A second client that sends the same (now used) code fails to initialise (behaviour §7.2
   ``invalid_code``; official-python-sdk.md §3: ``INVALID TOKEN ERROR - invalid_code``).
2. Scopes: access tokens minted in this process on the live server's database, with the scopes an operation needs or
   lacks (behaviour §7.5), driven through the SDK in access-token-only mode. A missing scope is 401
   ``OAUTH_SCOPE_MISMATCH``, which the SDK parses into an ``APIException``; a missing *settings* scope breaks the
   SDK's own ``/settings/fields`` fetch, which it raises as an ``SDKException`` (official-python-sdk.md §4 item 9).

Every SDK run is a fresh interpreter (``sdk_scopes_driver.py``). Effects on the server are checked with raw httpx
and the administrator's token from ``credentials.json``.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import LiveServer, db_args, effective_database_url
from tests.sdk import live
from zcrm.auth.oauth import OAuthServer
from zcrm.settings import Settings
from zcrm.store import Database

DRIVER = Path(__file__).with_name("sdk_scopes_driver.py")
TOKEN = re.compile(r"^1000\.[0-9a-f]{32}\.[0-9a-f]{32}$")
FIELDS = "/crm/v5/settings/fields"
GRANT_SCOPES = "ZohoCRM.modules.ALL,ZohoCRM.settings.ALL"
MISMATCH_BODY = {
    "code": "OAUTH_SCOPE_MISMATCH",
    "details": {},
    "message": "invalid oauth scope to access this URL",
    "status": "error",
}
# What the SDK makes of that answer (sdk_driver.describe of the APIResponse).
SDK_MISMATCH = {
    "status_code": 401,
    "object": "APIException",
    "error": {
        "kind": "APIException",
        "code": "OAUTH_SCOPE_MISMATCH",
        "status": "error",
        "message": "invalid oauth scope to access this URL",
        "details": {},
    },
}


# -- helpers -------------------------------------------------------------------------------------------------------


def run_driver(server: LiveServer, scenario: str, work: Path, args: dict[str, Any]) -> dict[str, Any]:
    """Runs one scenario of ``sdk_scopes_driver.py`` in a new interpreter; returns its report."""
    command = [sys.executable, str(DRIVER), scenario, str(server.data_dir / "credentials.json"), str(work)]
    return live.report_of_run([*command, json.dumps(args)], work, cwd=work.parent, timeout=60)


def step(report: dict[str, Any], name: str) -> list[dict[str, Any]]:
    """The requests the SDK sent during one op (or ``initialize``)."""
    marks = report["marks"]
    start = marks[name]
    later = [index for index in marks.values() if index > start]
    return report["wire"][start : min(later) if later else len(report["wire"])]


def record_call(report: dict[str, Any], name: str) -> dict[str, Any]:
    """The one record call of an op, the metadata fetches before it left out."""
    [entry] = [e for e in step(report, name) if e["path"] != FIELDS]
    return entry


def field_fetches(report: dict[str, Any], name: str) -> list[dict[str, Any]]:
    return [e for e in step(report, name) if e["path"] == FIELDS]


def assert_rejected(report: dict[str, Any], name: str, method: str, path: str) -> None:
    """The op's record call was answered 401 OAUTH_SCOPE_MISMATCH, and the SDK gave it back as an APIException."""
    assert report["ops"][name] == SDK_MISMATCH, name
    call = record_call(report, name)
    assert (call["method"], call["path"], call["status"]) == (method, path, 401), name
    assert call["response_type"] == "application/json;charset=UTF-8", name
    assert call["response"] == MISMATCH_BODY, name


def mint(server: LiveServer, scopes: str) -> str:
    """An access token for the admin user with exactly ``scopes``, written straight into the server's database."""
    creds = server.credentials
    db = Database(effective_database_url(server.data_dir))
    try:
        with db.write() as conn:
            token = OAuthServer(Settings()).issue_access_token(
                conn, None, creds["client_id"], creds["org_id"], creds["user_id"], scopes, int(time.time())
            )
    finally:
        db.dispose()
    assert TOKEN.match(token)
    return token


def http(server: LiveServer, token: str) -> httpx.Client:
    return httpx.Client(
        base_url=server.base_url, headers={"Authorization": f"Zoho-oauthtoken {token}"}, timeout=10
    )


@dataclass
class Admin:
    """Raw httpx as the org administrator (the access token of ``credentials.json``)."""

    server: LiveServer

    def client(self) -> httpx.Client:
        return http(self.server, self.server.credentials["access_token"])

    def insert(self, module: str, record: dict[str, Any]) -> str:
        with self.client() as c:
            response = c.post(f"/crm/v5/{module}", content=json.dumps({"data": [record]}))
        assert response.status_code == 201, response.text
        return str(response.json()["data"][0]["details"]["id"])

    def get(self, module: str, record_id: str) -> dict[str, Any] | None:
        with self.client() as c:
            response = c.get(f"/crm/v5/{module}/{record_id}")
        if response.status_code == 204:
            return None
        assert response.status_code == 200, response.text
        return dict(response.json()["data"][0])

    def values(self, module: str, field: str) -> list[Any]:
        """``field`` of every record of ``module``."""
        with self.client() as c:
            response = c.get(f"/crm/v5/{module}", params={"fields": field, "per_page": 200})
        if response.status_code == 204:
            return []
        assert response.status_code == 200, response.text
        return [r[field] for r in response.json()["data"]]


def scoped_run(server: LiveServer, work: Path, scopes: str, ops: list[dict[str, Any]]) -> dict[str, Any]:
    """Mints a token with ``scopes`` and runs ``ops`` through the SDK with it (access-token-only mode)."""
    token = mint(server, scopes)
    report = run_driver(server, "access", work, {"access_token": token, "ops": ops})
    # Access-token-only mode: the SDK never calls the token endpoint and sends the minted token as is.
    assert report.get("init_error") is None
    assert report["wire"], "the SDK sent nothing"
    assert {e["authorization"] for e in report["wire"]} == {f"Zoho-oauthtoken {token}"}
    assert set(report["ops"]) == {op["name"] for op in ops}
    return report


# -- fixtures ------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A live ``zcrm serve`` with the standard org, shared by this module's tests."""
    data_dir = tmp_path_factory.mktemp("sdk-scopes") / "live-data"
    data_dir.mkdir()
    live = LiveServer(data_dir)
    live.start()
    try:
        yield live
    finally:
        live.stop()


@pytest.fixture
def admin(server: LiveServer) -> Admin:
    return Admin(server)


@dataclass
class Granted:
    code: str
    report: dict[str, Any]
    started: float


GRANT_LEAD = {"Last_Name": "Grantham", "Company": "Grant Holdings", "Email": "grantham@example.com"}


@pytest.fixture(scope="module")
def granted(server: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> Granted:
    """A grant code from the CLI, exchanged by the SDK at initialize; then a Lead created and listed."""
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "zcrm",
            "token",
            "grant",
            "--data-dir",
            str(server.data_dir),
            *db_args(server.data_dir),
            "--scope",
            GRANT_SCOPES,
        ],
        env={**os.environ, "NO_PROXY": "127.0.0.1,localhost"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    code = proc.stdout.strip()
    assert TOKEN.match(code), proc.stdout
    ops = [
        {"name": "create", "op": "create", "module": "Leads", "records": [GRANT_LEAD]},
        {"name": "list", "op": "get_records", "module": "Leads", "fields": ["Last_Name", "Company", "Email"]},
    ]
    started = time.time()
    work = tmp_path_factory.mktemp("sdk-grant") / "work"
    report = run_driver(server, "grant", work, {"code": code, "ops": ops})
    assert report.get("init_error") is None, report["init_error"]
    return Granted(code, report, started)


# -- 1. grant-code flow --------------------------------------------------------------------------------------------


def test_sdk_exchanges_the_cli_grant_code_and_stores_the_refresh_token(
    server: LiveServer, granted: Granted
) -> None:
    creds, report = server.credentials, granted.report
    [exchange] = step(report, "initialize")  # initialize() itself, before any API call
    assert (exchange["method"], exchange["path"]) == ("POST", "/oauth/v2/token")
    assert exchange["content_type"] == "application/x-www-form-urlencoded"
    assert exchange["form"] == {
        "client_id": creds["client_id"],
        "client_secret": creds["client_secret"],
        "grant_type": "authorization_code",
        "code": granted.code,
    }
    assert exchange["status"] == 200
    assert exchange["response_type"] == "application/json;charset=UTF-8"
    body = exchange["response"]
    assert body == {
        "access_token": body["access_token"],
        "refresh_token": body["refresh_token"],
        "api_domain": server.base_url,
        "token_type": "Bearer",
        "expires_in": 3600,
    }
    access, refresh = body["access_token"], body["refresh_token"]
    assert TOKEN.match(access) and TOKEN.match(refresh)
    assert access != creds["access_token"] and refresh != creds["refresh_token"]

    # The SDK's FileStore holds the refresh token it got, next to the grant code and the access token.
    [row] = list(csv.DictReader(io.StringIO(report["tokens_csv"])))
    assert row["client_id"] == creds["client_id"]
    assert row["client_secret"] == creds["client_secret"]
    assert row["grant_token"] == granted.code
    assert row["refresh_token"] == refresh
    assert row["access_token"] == access
    assert row["api_domain"] == server.base_url
    assert abs(int(row["expiry_time"]) - (granted.started + 3600) * 1000) < 60_000

    # One token request in the whole run; every API call carried the access token from the exchange.
    later = report["wire"][1:]
    assert later
    assert [e for e in later if e["path"].startswith("/oauth/")] == []
    assert {e["authorization"] for e in later} == {f"Zoho-oauthtoken {access}"}

    # Server side: the stored refresh token refreshes, and the tokens carry the code's scopes (no users/org scope).
    form = {
        "grant_type": "refresh_token",
        "client_id": creds["client_id"],
        "client_secret": creds["client_secret"],
        "refresh_token": refresh,
    }
    refreshed = httpx.post(f"{server.base_url}/oauth/v2/token", data=form, timeout=10).json()
    assert TOKEN.match(refreshed.get("access_token", "")), refreshed
    for token in (access, refreshed["access_token"]):
        with http(server, token) as c:
            assert c.get(FIELDS, params={"module": "Leads"}).status_code == 200
            for path in ("/crm/v5/users", "/crm/v5/org"):
                denied = c.get(path)
                assert (denied.status_code, denied.json()) == (401, MISMATCH_BODY), path


def test_sdk_creates_and_reads_leads_with_the_granted_token(
    server: LiveServer, granted: Granted, admin: Admin
) -> None:
    report = granted.report
    created = report["ops"]["create"]
    assert created["status_code"] == 201
    assert created["object"] == "ActionWrapper"
    [item] = created["data"]
    assert (item["kind"], item["code"], item["message"]) == ("SuccessResponse", "SUCCESS", "record added")
    lead_id = str(item["details"]["id"])
    post = record_call(report, "create")
    assert (post["method"], post["path"], post["status"]) == ("POST", "/crm/v5/Leads", 201)
    assert all(e["status"] == 200 for e in field_fetches(report, "create"))

    listed = report["ops"]["list"]
    assert listed["status_code"] == 200
    assert listed["object"] == "ResponseWrapper"
    assert {**GRANT_LEAD, "id": int(lead_id)} in listed["data"]

    stored = admin.get("Leads", lead_id)
    assert stored is not None
    assert {k: stored[k] for k in GRANT_LEAD} == GRANT_LEAD
    # The grant code was issued for the org administrator, so the SDK wrote as that user.
    assert stored["Created_By"]["id"] == server.credentials["user_id"]


def test_a_used_grant_code_fails_a_second_initialisation(
    server: LiveServer, granted: Granted, tmp_path: Path
) -> None:
    # A second client (own, empty token store) with the code the first one already exchanged.
    report = run_driver(server, "grant", tmp_path / "work", {"code": granted.code, "ops": []})
    error = report["init_error"]
    assert error["type"] == "SDKException"
    assert (error["code"], error["message"]) == ("INVALID TOKEN ERROR", "invalid_code")
    assert "invalid_code" in error["str"]
    [exchange] = report["wire"]
    assert (exchange["method"], exchange["path"], exchange["status"]) == ("POST", "/oauth/v2/token", 200)
    assert exchange["form"]["grant_type"] == "authorization_code"
    assert exchange["form"]["code"] == granted.code
    assert exchange["response"] == {"error": "invalid_code"}
    assert list(csv.DictReader(io.StringIO(report["tokens_csv"]))) == []  # nothing stored


# -- 2. narrowly scoped tokens -------------------------------------------------------------------------------------


def test_leads_read_scope_reads_leads_and_nothing_else(
    server: LiveServer, admin: Admin, tmp_path: Path
) -> None:
    lead_id = admin.insert("Leads", {"Last_Name": "Reader", "Company": "Read Only Ltd"})
    contact_id = admin.insert("Contacts", {"Last_Name": "Outsider"})
    ops = [
        {
            "name": "get_leads",
            "op": "get_records",
            "module": "Leads",
            "fields": ["Last_Name", "Company"],
            "ids": [lead_id],
        },
        {
            "name": "create_lead",
            "op": "create",
            "module": "Leads",
            "records": [{"Last_Name": "Intruder", "Company": "Nope Ltd"}],
        },
        {
            "name": "update_lead",
            "op": "update",
            "module": "Leads",
            "records": [{"id": lead_id, "Last_Name": "Rewritten"}],
        },
        {"name": "delete_lead", "op": "delete", "module": "Leads", "ids": [lead_id]},
        {
            "name": "get_contacts",
            "op": "get_records",
            "module": "Contacts",
            "fields": ["Last_Name"],
            "ids": [contact_id],
        },
    ]
    report = scoped_run(
        server, tmp_path / "work", "ZohoCRM.modules.leads.READ,ZohoCRM.settings.fields.READ", ops
    )

    got = report["ops"]["get_leads"]
    assert got["status_code"] == 200
    assert got["object"] == "ResponseWrapper"
    assert got["data"] == [{"Last_Name": "Reader", "Company": "Read Only Ltd", "id": int(lead_id)}]
    assert record_call(report, "get_leads")["status"] == 200

    assert_rejected(report, "create_lead", "POST", "/crm/v5/Leads")
    assert_rejected(report, "update_lead", "PUT", "/crm/v5/Leads")
    assert_rejected(report, "delete_lead", "DELETE", "/crm/v5/Leads")
    assert_rejected(report, "get_contacts", "GET", "/crm/v5/Contacts")
    # settings.fields.READ covers the SDK's metadata fetches; delete fetches none.
    fetches = [e for e in report["wire"] if e["path"] == FIELDS]
    assert fetches and all(e["status"] == 200 for e in fetches)
    assert field_fetches(report, "delete_lead") == []

    # Nothing changed on the server.
    stored = admin.get("Leads", lead_id)
    assert stored is not None and stored["Last_Name"] == "Reader"
    assert "Intruder" not in admin.values("Leads", "Last_Name")
    assert admin.get("Contacts", contact_id) is not None


def test_leads_create_scope_creates_but_cannot_read(server: LiveServer, admin: Admin, tmp_path: Path) -> None:
    ops = [
        {
            "name": "create_lead",
            "op": "create",
            "module": "Leads",
            "records": [{"Last_Name": "Writer", "Company": "Write Only Ltd"}],
        },
        {"name": "get_leads", "op": "get_records", "module": "Leads", "fields": ["Last_Name"]},
    ]
    report = scoped_run(
        server, tmp_path / "work", "ZohoCRM.modules.leads.CREATE,ZohoCRM.settings.fields.READ", ops
    )
    created = report["ops"]["create_lead"]
    assert created["status_code"] == 201
    [item] = created["data"]
    assert (item["kind"], item["code"], item["message"]) == ("SuccessResponse", "SUCCESS", "record added")
    # CREATE (like WRITE) does not imply READ (behaviour §7.5, Decision).
    assert_rejected(report, "get_leads", "GET", "/crm/v5/Leads")

    stored = admin.get("Leads", str(item["details"]["id"]))
    assert stored is not None
    assert (stored["Last_Name"], stored["Company"]) == ("Writer", "Write Only Ltd")


def test_modules_scope_without_a_settings_scope_breaks_the_sdk_metadata_fetch(
    server: LiveServer, admin: Admin, tmp_path: Path
) -> None:
    lead_id = admin.insert("Leads", {"Last_Name": "Deletable", "Company": "Gone Soon Ltd"})
    ops = [
        {
            "name": "create_lead",
            "op": "create",
            "module": "Leads",
            "records": [{"Last_Name": "Metaless", "Company": "No Fields Ltd"}],
        },
        {
            "name": "get_leads",
            "op": "get_records",
            "module": "Leads",
            "fields": ["Last_Name"],
            "ids": [lead_id],
        },
        {"name": "delete_lead", "op": "delete", "module": "Leads", "ids": [lead_id]},
    ]
    report = scoped_run(server, tmp_path / "work", "ZohoCRM.modules.ALL", ops)

    # create and get first fetch /settings/fields?module=Leads; its 401 OAUTH_SCOPE_MISMATCH for the module being
    # called makes the SDK raise an SDKException (official-python-sdk.md §4 item 9), and the record call is never sent.
    for name in ("create_lead", "get_leads"):
        raised = report["ops"][name]["raised"]
        assert raised["type"] == "SDKException", name
        assert raised["message"] == "No active exception to reraise", name
        assert raised["cause"] == {"type": "RuntimeError", "str": "No active exception to reraise"}, name
        [fetch] = step(report, name)
        assert (fetch["method"], fetch["path"], fetch["query"]) == ("GET", FIELDS, {"module": "Leads"}), name
        assert (fetch["status"], fetch["response"]) == (401, MISMATCH_BODY), name
    # Nothing of Leads got cached.
    assert all(modules == [] for modules in report["cache"]["modules"].values())

    # delete_records fetches no metadata, and ZohoCRM.modules.ALL covers the delete itself.
    deleted = report["ops"]["delete_lead"]
    assert deleted["status_code"] == 200
    assert deleted["data"] == [
        {
            "kind": "SuccessResponse",
            "code": "SUCCESS",
            "status": "success",
            "message": "record deleted",
            "details": {"id": lead_id},
        }
    ]
    assert [(e["method"], e["path"]) for e in step(report, "delete_lead")] == [("DELETE", "/crm/v5/Leads")]

    assert admin.get("Leads", lead_id) is None
    assert "Metaless" not in admin.values("Leads", "Last_Name")


def test_deals_update_scope_updates_but_cannot_create(
    server: LiveServer, admin: Admin, tmp_path: Path
) -> None:
    deal_id = admin.insert(
        "Deals", {"Deal_Name": "Scoped Deal", "Stage": "Qualification", "Closing_Date": "2024-06-30"}
    )
    ops = [
        {
            "name": "update_deal",
            "op": "update",
            "module": "Deals",
            "records": [{"id": deal_id, "Deal_Name": "Renamed Deal", "Amount": 1000.5}],
        },
        {
            "name": "create_deal",
            "op": "create",
            "module": "Deals",
            "records": [
                {
                    "Deal_Name": "Unwanted Deal",
                    "Stage": {"choice": "Qualification"},
                    "Closing_Date": {"date": "2024-07-01"},
                }
            ],
        },
    ]
    report = scoped_run(server, tmp_path / "work", "ZohoCRM.modules.deals.UPDATE,ZohoCRM.settings.ALL", ops)

    updated = report["ops"]["update_deal"]
    assert updated["status_code"] == 200
    assert updated["object"] == "ActionWrapper"
    [item] = updated["data"]
    assert (item["kind"], item["code"], item["message"]) == ("SuccessResponse", "SUCCESS", "record updated")
    assert str(item["details"]["id"]) == deal_id
    put = record_call(report, "update_deal")
    assert (put["method"], put["path"], put["status"]) == ("PUT", "/crm/v5/Deals", 200)
    # settings.ALL covers the whole Deals metadata closure.
    fetches = field_fetches(report, "update_deal")
    assert fetches[0]["query"] == {"module": "Deals"}
    assert all(e["status"] == 200 for e in fetches)

    assert_rejected(report, "create_deal", "POST", "/crm/v5/Deals")

    stored = admin.get("Deals", deal_id)
    assert stored is not None
    assert (stored["Deal_Name"], stored["Amount"]) == ("Renamed Deal", 1000.5)
    assert "Unwanted Deal" not in admin.values("Deals", "Deal_Name")
