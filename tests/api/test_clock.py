"""Per-org clocks (``/__zcrm/clock``): set, advance, freeze, unfreeze and reset an org's time, which drives its
Created/Modified times, access-token and page-token expiry, grant codes and Zia validation delays; another org's
clock is not touched."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from tests.api.org_app import OrgClient, serve
from tests.api.test_approvals import ORG
from tests.conftest import Api, FakeClock, make_settings, sql
from tests.known_files import known_files
from zcrm.app import create_app
from zcrm.auth.admin import ensure_admin_token
from zcrm.auth.tokens import digest

T0 = 1_893_553_445  # 2030-01-02T03:04:05+00:00
YEARS = 100 * 365 * 86400
ISO_T0 = "2030-01-02T03:04:05+00:00"


def err(code: str, details: dict[str, Any], message: str = "invalid data") -> dict[str, Any]:
    return {"code": code, "details": details, "message": message, "status": "error"}


def freeze_at(api: Api, at: int = T0) -> None:
    response = api.put("/__zcrm/clock", {"time": at, "frozen": True})
    assert response.status_code == 200, response.text


def advance(api: Api, seconds: int) -> dict[str, Any]:
    response = api.post("/__zcrm/clock/advance", {"seconds": seconds})
    assert response.status_code == 200, response.text
    return dict(response.json())


def refresh(api: Api, refresh_token: str | None = None) -> dict[str, Any]:
    response = api.client.post(
        "/oauth/v2/token",
        params={
            "grant_type": "refresh_token",
            "refresh_token": refresh_token or api.creds.refresh_token,
            "client_id": api.creds.client_id,
            "client_secret": api.creds.client_secret,
        },
    )
    assert response.status_code == 200
    return dict(response.json())


def renew(api: Api) -> None:
    """A new access token for ``api`` from its refresh token, issued at the org's time."""
    api.creds = replace(api.creds, access_token=refresh(api)["access_token"])


def as_token(token: str) -> dict[str, str]:
    return {"Authorization": f"Zoho-oauthtoken {token}"}


def new_org(api: Api) -> dict[str, str]:
    state = api.client.app.state.zcrm  # type: ignore[attr-defined]
    with state.db.write() as conn:
        admin = ensure_admin_token(conn, api.data_dir)
    response = api.client.post("/__zcrm/orgs", json={}, headers={"X-ZCRM-Admin-Token": admin})
    assert response.status_code == 201, response.text
    return dict(response.json())


@pytest.fixture
def admin(tmp_path: Path) -> Iterator[Api]:
    """An Api whose access tokens last 100 years, so that jumping the clock does not expire them (the tests of
    token expiry use ``api``)."""
    settings = make_settings(tmp_path / "admin", access_token_ttl=YEARS)
    app = create_app(settings)
    with TestClient(app, base_url="http://127.0.0.1:8000", raise_server_exceptions=False) as client:
        yield Api(client, app.state.credentials, settings.data_dir)
    app.state.zcrm.db.dispose()


@pytest.fixture
def clock(admin: Api) -> FakeClock:
    """The server's clock of ``admin``, moved by hand (so that offsets are exact)."""
    fake = FakeClock(1_764_370_800)  # 2025-11-28T23:00:00Z
    admin.client.app.state.zcrm.clock = fake  # type: ignore[attr-defined]
    return fake


# -- the endpoints ----------------------------------------------------------------------------------------------
def test_a_new_org_reads_the_server_clock(admin: Api, clock: FakeClock) -> None:
    response = admin.get("/__zcrm/clock")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json;charset=UTF-8"
    assert response.json() == {
        "time": "2025-11-28T23:00:00+00:00",
        "epoch": 1_764_370_800,
        "frozen": False,
        "offset": 0,
    }


def test_set_advance_freeze_unfreeze_reset(admin: Api, clock: FakeClock) -> None:
    running = admin.put("/__zcrm/clock", {"time": "2030-01-02T08:34:05+05:30"})
    assert (running.status_code, running.json()) == (
        200,
        {"time": ISO_T0, "epoch": T0, "frozen": False, "offset": T0 - clock.current},
    )
    clock.current += 10  # a running org clock moves with the server's
    assert admin.get("/__zcrm/clock").json() == {
        "time": "2030-01-02T03:04:15+00:00",
        "epoch": T0 + 10,
        "frozen": False,
        "offset": T0 - 1_764_370_800,
    }
    assert advance(admin, 50)["epoch"] == T0 + 60
    frozen = admin.post("/__zcrm/clock/freeze")
    assert frozen.json() == {
        "time": "2030-01-02T03:05:05+00:00",
        "epoch": T0 + 60,
        "frozen": True,
        "offset": T0 - 1_764_370_800 + 50,
    }
    clock.current += 1000  # a frozen clock stands still ...
    assert admin.get("/__zcrm/clock").json()["epoch"] == T0 + 60
    assert admin.get("/__zcrm/clock").json()["offset"] == T0 + 60 - clock.current
    assert advance(admin, 3600)["epoch"] == T0 + 3660  # ... unless advanced
    assert admin.post("/__zcrm/clock/freeze", {}).json()["epoch"] == T0 + 3660  # freezing again: no change
    unfrozen = admin.post("/__zcrm/clock/unfreeze")
    assert unfrozen.json() == {
        "time": "2030-01-02T04:05:05+00:00",
        "epoch": T0 + 3660,
        "frozen": False,
        "offset": T0 + 3660 - clock.current,
    }
    clock.current += 5  # runs on from where it stood
    assert admin.get("/__zcrm/clock").json()["epoch"] == T0 + 3665
    assert admin.post("/__zcrm/clock/unfreeze").json()["epoch"] == T0 + 3665  # not frozen: no change
    frozen_set = admin.put("/__zcrm/clock", {"time": 0, "frozen": True})
    assert frozen_set.json() == {
        "time": "1970-01-01T00:00:00+00:00",
        "epoch": 0,
        "frozen": True,
        "offset": -clock.current,
    }
    reset = admin.delete("/__zcrm/clock")
    assert (reset.status_code, reset.json()) == (
        200,
        {"time": "2025-11-28T23:16:55+00:00", "epoch": clock.current, "frozen": False, "offset": 0},
    )
    stored = sql(
        admin, "SELECT clock_offset, clock_frozen FROM orgs WHERE id = :id", {"id": admin.creds.org_id}
    )
    assert stored == [(0, None)]


def test_the_clock_is_stored_on_the_org(admin: Api, clock: FakeClock) -> None:
    freeze_at(admin)
    stored = sql(
        admin, "SELECT clock_offset, clock_frozen FROM orgs WHERE id = :id", {"id": admin.creds.org_id}
    )
    assert stored == [(T0 - clock.current, T0)]
    admin.put("/__zcrm/clock", {"time": T0 + 100})
    stored = sql(
        admin, "SELECT clock_offset, clock_frozen FROM orgs WHERE id = :id", {"id": admin.creds.org_id}
    )
    assert stored == [(T0 + 100 - clock.current, None)]


@pytest.mark.parametrize(
    ("method", "path", "body", "expected"),
    [
        ("PUT", "/__zcrm/clock", None, err("INVALID_DATA", {}, "body")),
        ("PUT", "/__zcrm/clock", [1], err("INVALID_DATA", {}, "body")),
        ("PUT", "/__zcrm/clock", {}, err("MANDATORY_NOT_FOUND", {"api_name": "time"}, "required field not found")),
        ("PUT", "/__zcrm/clock", {"time": None}, err("MANDATORY_NOT_FOUND", {"api_name": "time"}, "required field not found")),
        ("PUT", "/__zcrm/clock", {"time": "2030-01-02"}, err("INVALID_DATA", {"api_name": "time", "expected_data_type": "datetime"})),
        ("PUT", "/__zcrm/clock", {"time": "2030-01-02T03:04:05"}, err("INVALID_DATA", {"api_name": "time", "expected_data_type": "datetime"})),
        ("PUT", "/__zcrm/clock", {"time": 1.5}, err("INVALID_DATA", {"api_name": "time", "expected_data_type": "datetime"})),
        ("PUT", "/__zcrm/clock", {"time": True}, err("INVALID_DATA", {"api_name": "time", "expected_data_type": "datetime"})),
        ("PUT", "/__zcrm/clock", {"time": -1}, err("INVALID_DATA", {"api_name": "time", "expected_data_type": "datetime"})),
        ("PUT", "/__zcrm/clock", {"time": 10**20}, err("INVALID_DATA", {"api_name": "time", "expected_data_type": "datetime"})),
        ("PUT", "/__zcrm/clock", {"time": T0, "frozen": "yes"}, err("INVALID_DATA", {"api_name": "frozen", "expected_data_type": "boolean"})),
        ("PUT", "/__zcrm/clock", {"time": T0, "speed": 2}, err("INVALID_DATA", {"api_name": "speed"}, "the field api name given seems to be invalid")),
        ("POST", "/__zcrm/clock/advance", None, err("INVALID_DATA", {}, "body")),
        ("POST", "/__zcrm/clock/advance", {}, err("MANDATORY_NOT_FOUND", {"api_name": "seconds"}, "required field not found")),
        ("POST", "/__zcrm/clock/advance", {"seconds": "60"}, err("INVALID_DATA", {"api_name": "seconds", "expected_data_type": "integer"})),
        ("POST", "/__zcrm/clock/advance", {"seconds": 1.5}, err("INVALID_DATA", {"api_name": "seconds", "expected_data_type": "integer"})),
        ("POST", "/__zcrm/clock/advance", {"seconds": -1}, err("INVALID_DATA", {"api_name": "seconds", "minimum": 0})),
        ("POST", "/__zcrm/clock/advance", {"seconds": 10**12}, err("INVALID_DATA", {"api_name": "seconds", "maximum": 253402250399 - 1_764_370_800})),
        ("POST", "/__zcrm/clock/advance", {"seconds": 1, "minutes": 1}, err("INVALID_DATA", {"api_name": "minutes"}, "the field api name given seems to be invalid")),
        ("POST", "/__zcrm/clock/freeze", {"at": 1}, err("INVALID_DATA", {"api_name": "at"}, "the field api name given seems to be invalid")),
        ("POST", "/__zcrm/clock/freeze", "nope", err("INVALID_DATA", {}, "body")),
        ("POST", "/__zcrm/clock/unfreeze", {"x": 1}, err("INVALID_DATA", {"api_name": "x"}, "the field api name given seems to be invalid")),
        ("DELETE", "/__zcrm/clock", {"x": 1}, err("INVALID_DATA", {"api_name": "x"}, "the field api name given seems to be invalid")),
    ],
)  # fmt: skip
def test_bad_input_gets_zoho_errors_and_changes_nothing(
    admin: Api, clock: FakeClock, method: str, path: str, body: Any, expected: dict[str, Any]
) -> None:
    content = None if body is None else (body if isinstance(body, str) else json.dumps(body))
    response = admin.client.request(method, path, content=content, headers=admin.headers)
    assert (response.status_code, response.json()) == (400, expected)
    stored = sql(
        admin, "SELECT clock_offset, clock_frozen FROM orgs WHERE id = :id", {"id": admin.creds.org_id}
    )
    assert stored == [(0, None)]


def test_who_may_call_and_unknown_paths(admin: Api) -> None:
    created = admin.post(
        "/__zcrm/users", {"last_name": "Plain", "email": "plain@zylker.test", "profile": "Standard"}
    )
    assert created.status_code == 201, created.text
    issued = admin.post("/__zcrm/tokens", {"scope": "ZohoCRM.modules.ALL", "user_id": created.json()["id"]})
    plain = as_token(issued.json()["access_token"])
    for method, path in [
        ("GET", "/__zcrm/clock"),
        ("PUT", "/__zcrm/clock"),
        ("DELETE", "/__zcrm/clock"),
        ("POST", "/__zcrm/clock/advance"),
        ("POST", "/__zcrm/clock/freeze"),
        ("POST", "/__zcrm/clock/unfreeze"),
    ]:
        response = admin.client.request(method, path, json={"seconds": 1}, headers=plain)
        assert (response.status_code, response.json()) == (
            403,
            err("NO_PERMISSION", {"permissions": ["administrator"]}, "Permission denied"),
        ), path
        anonymous = admin.client.request(method, path)
        assert (anonymous.status_code, anonymous.json()) == (
            401,
            {
                "code": "AUTHENTICATION_FAILURE",
                "details": {},
                "message": "Authentication failed",
                "status": "error",
            },
        )
    assert admin.post("/__zcrm/clock", {}).json() == {
        "code": "INVALID_REQUEST_METHOD",
        "details": {},
        "message": "The http request method type is not a valid one",
        "status": "error",
    }
    assert admin.get("/__zcrm/clock/advance").json() == {
        "code": "INVALID_REQUEST_METHOD",
        "details": {},
        "message": "The http request method type is not a valid one",
        "status": "error",
    }
    assert admin.get("/__zcrm/clock/").status_code == 200  # one trailing slash is ignored
    for path in ("/__zcrm/clock/rewind", "/__zcrm/clock/advance/1", "/__zcrm/clock//"):
        response = admin.post(path, {})
        assert (response.status_code, response.json()) == (
            404,
            {
                "code": "INVALID_URL_PATTERN",
                "details": {},
                "message": "Please check if the URL trying to access is a correct one",
                "status": "error",
            },
        ), path


# -- what the clock drives --------------------------------------------------------------------------------------
def test_records_are_created_and_modified_at_the_org_time(admin: Api) -> None:
    freeze_at(admin)
    [lead] = admin.insert("Leads", {"Last_Name": "Clock", "Company": "Z"})
    got = admin.get(f"/crm/v5/Leads/{lead}").json()["data"][0]
    assert (got["Created_Time"], got["Modified_Time"]) == (
        "2030-01-02T08:34:05+05:30",
        "2030-01-02T08:34:05+05:30",
    )
    advance(admin, 90)
    updated = admin.put(f"/crm/v5/Leads/{lead}", {"data": [{"Company": "Y"}]})
    assert updated.json()["data"][0]["details"]["Modified_Time"] == "2030-01-02T08:35:35+05:30"
    got = admin.get(f"/crm/v5/Leads/{lead}").json()["data"][0]
    assert (got["Created_Time"], got["Modified_Time"]) == (
        "2030-01-02T08:34:05+05:30",
        "2030-01-02T08:35:35+05:30",
    )
    stored = sql(admin, "SELECT created_time, modified_time FROM records WHERE id = :id", {"id": lead})
    assert stored == [(T0, T0 + 90)]
    listed = admin.get("/crm/v5/Leads", params={"fields": "Last_Name", "sort_by": "Modified_Time"}).json()
    assert listed["data"][0]["id"] == lead
    timeline = admin.get(f"/crm/v5/Leads/{lead}/__timeline").json()["__timeline"]
    assert sorted(entry["audited_time"] for entry in timeline) == [
        "2030-01-02T08:34:05+05:30",
        "2030-01-02T08:35:35+05:30",
    ]


def test_an_access_token_lasts_one_hour_of_org_time(api: Api) -> None:
    old = api.creds.access_token
    freeze_at(api)  # 2030: the credentials' token, issued at the server's time, has expired
    assert api.get("/crm/v5/org").status_code == 401
    renew(api)  # the token endpoint runs on the client's org's clock
    fresh = refresh(api)
    assert fresh["expires_in"] == 3600
    headers = as_token(fresh["access_token"])
    stored = sql(
        api,
        "SELECT created_time, expires_time FROM oauth_tokens WHERE org_id = :org AND kind = 'access'"
        " AND token_hash = :h",
        {"org": api.creds.org_id, "h": digest(fresh["access_token"])},
    )
    assert stored == [(T0, T0 + 3600)]
    advance(api, 3600)
    assert api.client.get("/crm/v5/org", headers=headers).status_code == 200  # valid through its last second
    renew(api)
    advance(api, 1)
    expired = api.client.get("/crm/v5/org", headers=headers)
    assert (expired.status_code, expired.json()) == (401, err("INVALID_TOKEN", {}, "invalid oauth token"))
    again = refresh(api)
    assert api.client.get("/crm/v5/org", headers=as_token(again["access_token"])).status_code == 200
    # back on the server's clock, the token of 2030 is valid for years and the old one works again
    assert api.delete("/__zcrm/clock").json()["frozen"] is False
    assert api.client.get("/crm/v5/org", headers=as_token(old)).status_code == 200


def test_the_org_clock_going_back_keeps_tokens_valid(api: Api) -> None:
    freeze_at(api, 1_000_000_000)  # 2001: the credentials' token expires in the future
    assert api.get("/crm/v5/org").status_code == 200
    token = refresh(api)["access_token"]
    api.delete("/__zcrm/clock")  # back to today: the token issued in 2001 has expired
    assert api.client.get("/crm/v5/org", headers=as_token(token)).status_code == 401


def test_page_tokens_expire_after_24_hours_of_org_time(api: Api) -> None:
    freeze_at(api)
    renew(api)
    api.insert("Leads", *({"Last_Name": f"L{i}", "Company": "Z"} for i in range(100)))
    api.insert("Leads", *({"Last_Name": f"M{i}", "Company": "Z"} for i in range(100)))
    api.insert("Leads", {"Last_Name": "N", "Company": "Z"})
    first = api.get("/crm/v5/Leads", params={"fields": "Last_Name"}).json()["info"]
    assert first["page_token_expiry"] == "2030-01-03T08:34:05+05:30"
    page_token = first["next_page_token"]
    advance(api, 86400)
    renew(api)
    headers = api.headers
    valid = api.client.get(
        "/crm/v5/Leads", params={"fields": "Last_Name", "page_token": page_token}, headers=headers
    )
    assert (valid.status_code, valid.json()["info"]["count"]) == (200, 1)
    advance(api, 1)
    stale = api.client.get(
        "/crm/v5/Leads", params={"fields": "Last_Name", "page_token": page_token}, headers=headers
    )
    assert (stale.status_code, stale.json()) == (
        400,
        err(
            "EXPIRED_VALUE",
            {"api_name": "page_token", "json_path": "$.query.page_token"},
            "Page token expired",
        ),
    )


def test_grant_codes_expire_on_the_org_clock(api: Api) -> None:
    freeze_at(api)
    renew(api)
    state = api.client.app.state.zcrm  # type: ignore[attr-defined]
    with state.db.write() as conn:
        from zcrm.store.clocks import org_now

        code = state.oauth.issue_grant_code(
            conn, api.creds.client_id, api.creds.user_id, "ZohoCRM.modules.ALL", org_now(conn, api.creds.org_id, state.clock.now())
        )  # fmt: skip
    assert sql(api, "SELECT expires_time FROM oauth_tokens WHERE kind = 'grant'") == [(T0 + 180,)]
    advance(api, 181)
    exchange = api.client.post(
        "/oauth/v2/token",
        params={
            "grant_type": "authorization_code",
            "code": code,
            "client_id": api.creds.client_id,
            "client_secret": api.creds.client_secret,
        },
    )
    assert exchange.json() == {"error": "invalid_code"}


def test_another_org_s_clock_is_not_touched(admin: Api) -> None:
    other = new_org(admin)
    other_headers = as_token(other["access_token"])
    freeze_at(admin)
    advance(admin, 7200)
    mine = admin.get("/__zcrm/clock").json()
    theirs = admin.client.get("/__zcrm/clock", headers=other_headers).json()
    assert (mine["epoch"], mine["frozen"]) == (T0 + 7200, True)
    assert theirs["frozen"] is False and theirs["offset"] == 0 and abs(theirs["epoch"] - time.time()) < 5
    # their token (issued at the server's time, an hour's life) still works; their records are stamped today
    [lead] = [
        item["details"]["id"]
        for item in admin.client.post(
            "/crm/v5/Leads", json={"data": [{"Last_Name": "Other", "Company": "Z"}]}, headers=other_headers
        ).json()["data"]
    ]
    stored = sql(admin, "SELECT created_time FROM records WHERE id = :id", {"id": lead})
    assert abs(stored[0][0] - time.time()) < 5
    # and the other way round: their clock changes do not move ours
    moved = admin.client.put("/__zcrm/clock", json={"time": 0, "frozen": True}, headers=other_headers)
    assert moved.json()["epoch"] == 0
    assert admin.get("/__zcrm/clock").json()["epoch"] == T0 + 7200
    stored_clocks = sql(admin, "SELECT id, clock_frozen FROM orgs ORDER BY id")
    assert sorted(stored_clocks) == sorted([(admin.creds.org_id, T0 + 7200), (other["org_id"], 0)])


def test_a_restart_keeps_the_org_clock(api: Api, tmp_path: Path) -> None:
    freeze_at(api)
    app = create_app(make_settings(api.data_dir))
    try:
        with TestClient(app, base_url="http://127.0.0.1:8000") as client:
            creds = app.state.credentials
            # credentials.json's token was checked on the org's clock: the 2025 token had expired, a new one is issued
            assert creds.access_token != api.creds.access_token
            shown = client.get("/__zcrm/clock", headers=as_token(creds.access_token))
            assert (shown.status_code, shown.json()["epoch"], shown.json()["frozen"]) == (200, T0, True)
    finally:
        app.state.zcrm.db.dispose()


# -- automation -------------------------------------------------------------------------------------------------
class Org(OrgClient):
    def create(self, module: str, **values: Any) -> str:
        response = self.call("POST", f"/crm/v5/{module}", {"data": [{"Name": "shot", **values}]})
        assert response.status_code == 201, response.text
        return str(response.json()["data"][0]["details"]["id"])

    def state(self, module: str, record_id: str) -> str:
        response = self.call("GET", f"/crm/v5/{module}/{record_id}")
        assert response.status_code == 200, response.text
        return str(response.json()["data"][0]["$approval_state"])

    def clock(self, method: str, path: str, body: Any = None) -> httpx.Response:
        response = self.call(method, f"/__zcrm/clock{path}", body)
        assert response.status_code == 200, response.text
        return response


@pytest.fixture
def org(tmp_path: Path) -> Iterator[Org]:
    with serve(Org, tmp_path / "zia", ORG) as org:  # the server's real clock
        yield org


def test_zia_validation_delays_follow_the_org_clock(org: Org) -> None:
    known_files(org, "first")
    org.clock("POST", "/freeze")
    rid = org.create("Shots", Photo=[{"File_Id__s": "first"}])  # the module's delay: 30 seconds
    assert org.state("Shots", rid) == "zia_vision_processing"
    org.clock("POST", "/advance", {"seconds": 29})
    assert org.state("Shots", rid) == "zia_vision_processing"
    org.clock("POST", "/advance", {"seconds": 1})
    assert org.state("Shots", rid) == "zia_vision_rejected"
    rejected = org.call("PUT", f"/crm/v5/Shots/{rid}", {"data": [{"Caption": "hi"}]})  # written now
    assert rejected.json()["data"][0] == {
        "code": "NOT_APPROVED",
        "details": {"id": rid},
        "message": "Cannot update record that is not approved yet",
        "status": "error",
    }
    history = org.call("GET", f"/__zcrm/records/Shots/{rid}/processes").json()["processes"]["zia"]["history"]
    assert [entry["action"] for entry in history] == ["submitted", "rejected"]
    assert history[1]["time"] - history[0]["time"] == 30


FUNCTIONS = Path(__file__).parent.parent / "data" / "functions.yaml"


def test_workflow_functions_run_on_the_org_clock(tmp_path: Path) -> None:
    with serve(Org, tmp_path / "functions", FUNCTIONS, access_token_ttl=YEARS) as org:
        org.clock("PUT", "", {"time": T0, "frozen": True})
        created = org.call("POST", "/crm/v5/Tickets", {"data": [{"Subject": "Printer", "Amount": 10}]})
        rid = created.json()["data"][0]["details"]["id"]
        org.clock("POST", "/advance", {"seconds": 60})
        # the Escalation rule's function updates the record after the commit, in units of its own
        assert (
            org.call("PUT", f"/crm/v5/Tickets/{rid}", {"data": [{"Status": "Escalated"}]}).status_code == 200
        )
        [entry] = org.call("GET", "/__zcrm/automation/log").json()["log"]
        assert (entry["status"], entry["time"]) == ("success", T0 + 60)
        got = org.call("GET", f"/crm/v5/Tickets/{rid}", params={"fields": "Note"}).json()["data"][0]
        assert got["Note"] == "escalated by function"
        stored = sql(org.data_dir, "SELECT modified_time FROM records WHERE id = :id", {"id": rid})
        assert stored == [(T0 + 60,)]
