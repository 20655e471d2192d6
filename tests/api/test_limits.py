"""Zoho's API limits (ZCRM_API_LIMITS, docs/limits.md): credits per rolling 24 hours on the org's clock, what is
charged (failures yes, 429s, OAuth and the control plane no), concurrency and the sub-concurrency of heavy calls,
``/__zcrm/limits``, ``zcrm limits``, and nothing at all with the limits off."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

import zcrm.app
from tests.admin.test_admin_cli import Cli
from tests.api.org_app import serve
from tests.api.test_functions import FUNCTIONS
from tests.api.test_functions import Org as FunctionsOrg
from tests.conftest import Api, FakeClock, copy_data_dir, make_settings, sql
from zcrm.app import create_app
from zcrm.settings import Settings

T0 = 1_893_553_440  # 2030-01-02T03:04:00+00:00, the start of a minute
DAY = 86_400
CREDITS = {
    "code": "TOO_MANY_REQUESTS",
    "details": {},
    "message": "You have exceeded the API credits allowed for your organization in a 24 hour window",
    "status": "error",
}
CONCURRENCY = {
    "code": "TOO_MANY_REQUESTS",
    "details": {},
    "message": "You have exceeded the number of concurrent API calls allowed",
    "status": "error",
}
LEAD = {"Last_Name": "Limit", "Company": "Zylker"}


def limited_settings(data_dir: Path, **changes: Any) -> Settings:
    changes.setdefault("api_limits", True)
    changes.setdefault("access_token_ttl", 30 * DAY)  # the clock jumps a day at a time
    return make_settings(data_dir, **changes)


@pytest.fixture
def limited(tmp_path: Path) -> Iterator[Api]:
    """An Api on a server with the limits on and 3 credits per 24 hours, its org's clock frozen at T0."""
    settings = limited_settings(tmp_path / "data", api_credits=3)
    app = create_app(settings, FakeClock(T0))  # tokens are issued at T0
    with TestClient(app, base_url="http://127.0.0.1:8000", raise_server_exceptions=False) as client:
        api = Api(client, app.state.credentials, settings.data_dir)
        assert api.put("/__zcrm/clock", {"time": T0, "frozen": True}).status_code == 200
        yield api
    app.state.zcrm.db.dispose()


def advance(api: Api, seconds: int) -> None:
    assert api.post("/__zcrm/clock/advance", {"seconds": seconds}).status_code == 200


def credits(api: Api) -> dict[str, Any]:
    response = api.get("/__zcrm/limits")
    assert response.status_code == 200, response.text
    return dict(response.json()["credits"])


def usage(api: Api) -> list[tuple[Any, ...]]:
    return sql(
        api,
        "SELECT minute, credits FROM api_usage WHERE org_id = :o ORDER BY minute",
        {"o": api.creds.org_id},
    )


def assert_over_credits(response: httpx.Response, retry_after: int) -> None:
    assert response.status_code == 429
    assert response.json() == CREDITS
    assert response.headers["retry-after"] == str(retry_after)


# -- credits --------------------------------------------------------------------------------------------------
def test_credits_run_out_and_are_freed_24_hours_later(limited: Api) -> None:
    for _ in range(3):
        assert limited.get("/crm/v5/org").status_code == 200
    # the minute's credits are freed at the end of the minute + 24 hours
    assert_over_credits(limited.get("/crm/v5/org"), DAY + 60)
    assert_over_credits(limited.get("/crm/v5/Leads"), DAY + 60)
    assert usage(limited) == [(T0 // 60, 3)]  # the 429s are not charged
    assert credits(limited) == {
        "limit": 3,
        "used": 3,
        "remaining": 0,
        "window_seconds": DAY,
        "next_freed_in": DAY + 60,
        "retry_after": DAY + 60,
    }
    advance(limited, DAY + 59)
    assert_over_credits(limited.get("/crm/v5/org"), 1)
    advance(limited, 1)
    assert limited.get("/crm/v5/org").status_code == 200
    assert credits(limited)["used"] == 1
    # the freed minute's row is deleted once a new minute is charged
    assert usage(limited) == [((T0 + DAY + 60) // 60, 1)]


def test_retry_after_waits_for_enough_credits(limited: Api) -> None:
    assert limited.get("/crm/v5/org").status_code == 200  # minute 0
    advance(limited, 120)
    assert limited.get("/crm/v5/org").status_code == 200  # minute 2
    advance(limited, 30)
    assert limited.get("/crm/v5/org").status_code == 200  # minute 2
    # one credit is needed: minute 0's, freed at T0 + 60 + 24 h, 150 s after T0
    assert_over_credits(limited.get("/crm/v5/org"), DAY + 60 - 150)
    advance(limited, DAY + 60 - 150)
    assert limited.get("/crm/v5/org").status_code == 200
    assert_over_credits(limited.get("/crm/v5/org"), 2 * 60 + 60 + DAY - (DAY + 60))
    assert credits(limited)["used"] == 3


def test_credits_are_the_orgs_and_kept_in_the_database(tmp_path: Path) -> None:
    settings = limited_settings(tmp_path / "data", api_credits=2)
    first = create_app(settings)
    with TestClient(first, base_url="http://127.0.0.1:8000") as client:
        api = Api(client, first.state.credentials, settings.data_dir)
        assert api.get("/crm/v5/org").status_code == 200
        other = api.client.post(
            "/__zcrm/orgs", headers={"X-ZCRM-Admin-Token": admin_token(settings)}, json={}
        )
        assert other.status_code == 201, other.text
        other_token = other.json()["access_token"]
    first.state.zcrm.db.dispose()
    second = create_app(settings)  # another process: the credits are in the database
    with TestClient(second, base_url="http://127.0.0.1:8000") as client:
        api = Api(client, second.state.credentials, settings.data_dir)
        assert api.get("/crm/v5/org").status_code == 200
        assert api.get("/crm/v5/org").status_code == 429
        # another org has credits of its own
        headers = {"Authorization": f"Zoho-oauthtoken {other_token}"}
        assert client.get("/crm/v5/org", headers=headers).status_code == 200
    second.state.zcrm.db.dispose()


def admin_token(settings: Settings) -> str:
    return (settings.data_dir / "admin-token").read_text().strip()


def test_what_is_charged(limited: Api) -> None:
    limited_settings  # noqa: B018 - the fixture's limit is 3
    # not authenticated: not charged (404 comes before authentication, 401 is its failure)
    assert limited.get("/crm/v5/nowhere/at/all/x/y").status_code == 404
    assert limited.client.get("/crm/v5/org").status_code == 401
    assert (
        limited.client.get("/crm/v5/org", headers={"Authorization": "Zoho-oauthtoken 1000.x.y"}).status_code
        == 401
    )
    # OAuth is free
    refreshed = limited.client.post(
        "/oauth/v2/token",
        params={
            "grant_type": "refresh_token",
            "refresh_token": limited.creds.refresh_token,
            "client_id": limited.creds.client_id,
            "client_secret": limited.creds.client_secret,
        },
    )
    assert "access_token" in refreshed.json()
    # the control plane is free
    assert limited.get("/__zcrm/faults").status_code == 200
    # a fault's 429 is not charged; its 500 is
    assert limited.get("/crm/v5/org", headers={"X-Zcrm-Fault": "429"}).status_code == 429
    assert usage(limited) == []
    assert limited.get("/crm/v5/org", headers={"X-Zcrm-Fault": "500"}).status_code == 500
    # failures after authentication are charged
    unknown = limited.get("/crm/v5/Nothing")
    assert (unknown.status_code, unknown.json()) == (
        400,
        {
            "code": "INVALID_MODULE",
            "details": {"resource_path_index": 0},
            "message": "the module name given seems to be invalid",
            "status": "error",
        },
    )
    bad = limited.post("/crm/v5/Leads", content=b"not json")
    assert bad.status_code == 400
    assert usage(limited) == [(T0 // 60, 3)]
    # the limit answers before the module check (behaviour §2.3: rate limits are step 3)
    assert_over_credits(limited.get("/crm/v5/Nothing"), DAY + 60)
    assert usage(limited) == [(T0 // 60, 3)]


def test_request_log_keeps_the_429(limited: Api) -> None:
    for _ in range(4):
        limited.get("/crm/v5/org")
    logged = limited.get("/__zcrm/requests").json()["requests"]
    assert [entry["status"] for entry in logged] == [429, 200, 200, 200]
    assert json.loads(logged[0]["response_body"]) == CREDITS


def test_delete_forgets_the_credits(limited: Api) -> None:
    for _ in range(3):
        limited.get("/crm/v5/org")
    assert limited.delete("/__zcrm/limits").json() == {"deleted": 3}
    assert usage(limited) == []
    assert limited.get("/crm/v5/org").status_code == 200


def test_limits_endpoint(limited: Api) -> None:
    assert limited.get("/crm/v5/org").status_code == 200
    answer = limited.get("/__zcrm/limits").json()
    assert answer == {
        "enabled": True,
        "edition": "Enterprise",
        "user_licences": answer["user_licences"],
        "credits": {
            "limit": 3,
            "used": 1,
            "remaining": 2,
            "window_seconds": DAY,
            "next_freed_in": DAY + 60,
            "retry_after": None,
        },
        "concurrency": {"limit": 20, "sub_concurrency_limit": 10, "in_flight": []},
    }
    active = sql(
        limited,
        "SELECT COUNT(*) FROM users WHERE org_id = :o AND status = 'active'",
        {"o": limited.creds.org_id},
    )
    assert answer["user_licences"] == active[0][0]
    assert limited.put("/__zcrm/limits").json() == {
        "code": "INVALID_REQUEST_METHOD",
        "details": {},
        "message": "The http request method type is not a valid one",
        "status": "error",
    }
    assert limited.client.get("/__zcrm/limits").status_code == 401


def test_edition_of_the_org_sets_the_credits(tmp_path: Path) -> None:
    settings = limited_settings(tmp_path / "data", api_edition="Free")
    app = create_app(settings)
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        api = Api(client, app.state.credentials, settings.data_dir)
        answer = api.get("/__zcrm/limits").json()
        assert answer["edition"] == "Free"
        assert answer["credits"]["limit"] == 5000
        assert answer["concurrency"]["limit"] == 5
    app.state.zcrm.db.dispose()
    default = create_app(limited_settings(tmp_path / "other"))
    with TestClient(default, base_url="http://127.0.0.1:8000") as client:
        api = Api(client, default.state.credentials, tmp_path / "other")
        answer = api.get("/__zcrm/limits").json()
        licences = answer["user_licences"]
        assert answer["edition"] == "Enterprise"
        assert answer["credits"]["limit"] == 50_000 + 1_000 * licences
        assert answer["concurrency"] == {"limit": 20, "sub_concurrency_limit": 10, "in_flight": []}
    default.state.zcrm.db.dispose()


# -- off --------------------------------------------------------------------------------------------------------
def test_off_by_default_nothing_is_charged(api: Api) -> None:
    state = api.client.app.state.zcrm  # type: ignore[attr-defined]
    assert state.limits is None
    for _ in range(5):
        assert api.get("/crm/v5/org").status_code == 200
    assert api.get("/crm/v5/Nothing").status_code == 400
    assert sql(api, "SELECT COUNT(*) FROM api_usage") == [(0,)]
    answer = api.get("/__zcrm/limits").json()
    assert answer["enabled"] is False
    assert answer["credits"]["used"] == 0 and answer["concurrency"]["in_flight"] == []


# -- concurrency ------------------------------------------------------------------------------------------------
HOLD_MS = (
    400  # a fault rule's latency keeps the calls in flight; every call of a batch is admitted well within it
)


async def _batch(app: Any, token: str, requests: list[tuple[str, str, Any]]) -> list[httpx.Response]:
    transport = httpx.ASGITransport(app=app)
    headers = {"Authorization": f"Zoho-oauthtoken {token}"}
    async with httpx.AsyncClient(
        transport=transport, base_url="http://127.0.0.1:8000", headers=headers
    ) as client:
        calls = [client.request(method, path, json=body) for method, path, body in requests]
        return list(await asyncio.gather(*calls))


@pytest.fixture
def held(tmp_path: Path) -> Iterator[tuple[Any, Api]]:
    """The app (limits on, Free: 5 calls in flight, 2 heavy ones) with every /crm/ call held HOLD_MS."""
    settings = limited_settings(tmp_path / "data", api_edition="Free", api_sub_concurrency=2)
    app = create_app(settings)
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        api = Api(client, app.state.credentials, settings.data_dir)
        rule = {"match": {"path": "/crm/*"}, "effect": {"latency_ms": HOLD_MS}}
        assert api.post("/__zcrm/faults", rule).status_code == 201
        yield app, api
    app.state.zcrm.db.dispose()


def statuses(responses: list[httpx.Response]) -> list[int]:
    return sorted(r.status_code for r in responses)


def test_concurrency_per_edition(held: tuple[Any, Api]) -> None:
    app, api = held
    responses = asyncio.run(_batch(app, api.creds.access_token, [("GET", "/crm/v5/org", None)] * 7))
    assert statuses(responses) == [200] * 5 + [429] * 2
    for refused in (r for r in responses if r.status_code == 429):
        assert refused.json() == CONCURRENCY
        assert refused.headers["retry-after"] == "1"
    # nothing is in flight any more, and the 429s were not charged
    answer = api.get("/__zcrm/limits").json()
    assert answer["concurrency"]["in_flight"] == []
    assert answer["credits"]["used"] == 5
    assert (
        asyncio.run(_batch(app, api.creds.access_token, [("GET", "/crm/v5/org", None)]))[0].status_code == 200
    )


def test_sub_concurrency_of_heavy_calls(held: tuple[Any, Api]) -> None:
    app, api = held
    eleven = {"data": [LEAD] * 11}
    ten = {"data": [LEAD] * 10}
    heavy = [
        ("POST", "/crm/v5/Leads", eleven),
        ("GET", "/crm/v5/Leads?fields=Last_Name&sort_by=id", None),
    ] * 2
    light = [("POST", "/crm/v5/Leads", ten), ("GET", "/crm/v5/Leads?fields=Last_Name", None)]
    [first] = api.insert(
        "Leads", LEAD
    )  # the light GET lists at least this one, whatever the order of the calls
    responses = asyncio.run(_batch(app, api.creds.access_token, heavy + light))
    # 2 of the 4 heavy calls pass; the light ones are under the 5 of the edition
    assert responses[4].status_code == 201 and responses[5].status_code == 200
    assert first in {lead["id"] for lead in responses[5].json()["data"]}
    assert sorted(r.status_code for r in responses[:4]).count(429) == 2
    assert [r.json() for r in responses if r.status_code == 429] == [CONCURRENCY] * 2
    more = asyncio.run(
        _batch(app, api.creds.access_token, [("GET", "/crm/v5/Leads?fields=Last_Name&cvid=1", None)] * 3)
    )
    assert [r.status_code for r in more].count(429) == 1


def test_in_flight_calls_are_shown(held: tuple[Any, Api], monkeypatch: pytest.MonkeyPatch) -> None:
    app, api = held
    original = zcrm.app.dispatch

    async def run() -> tuple[list[httpx.Response], dict[str, Any]]:
        # both calls are held after their handler until the limits have been read: no timing is assumed
        arrived, release, waiting = asyncio.Event(), asyncio.Event(), [0]

        async def holding(request: Any, state: Any, *rest: Any) -> Any:
            response = await original(request, state, *rest)  # admitted: in flight until its answer is sent
            if request.url.path.startswith("/crm/"):
                waiting[0] += 1
                if waiting[0] == 2:
                    arrived.set()
                await release.wait()
            return response

        monkeypatch.setattr(zcrm.app, "dispatch", holding)
        calls = asyncio.ensure_future(
            _batch(
                app,
                api.creds.access_token,
                [("GET", "/crm/v5/org", None), ("GET", "/crm/v5/Leads?fields=Last_Name&sort_by=id", None)],
            )
        )
        await asyncio.wait_for(arrived.wait(), timeout=30)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://127.0.0.1:8000", headers=api.headers
        ) as client:
            shown = (await client.get("/__zcrm/limits")).json()
        release.set()
        return await calls, shown

    responses, shown = asyncio.run(run())
    assert statuses(responses) == [200, 204]
    assert shown["concurrency"]["in_flight"] == [
        {"client_id": api.creds.client_id, "user_id": api.creds.user_id, "calls": 2, "heavy_calls": 1}
    ]


def test_concurrency_is_per_client_and_user(held: tuple[Any, Api]) -> None:
    app, api = held
    role = api.post("/__zcrm/users", {"last_name": "Second", "email": "second@zylker.test"})
    assert role.status_code == 201, role.text
    issued = api.post("/__zcrm/tokens", {"email": "second@zylker.test", "scope": "ZohoCRM.org.READ"})
    assert issued.status_code == 201, issued.text
    other = issued.json()["access_token"]

    async def both() -> list[list[httpx.Response]]:
        org = [("GET", "/crm/v5/org", None)] * 5
        return list(await asyncio.gather(_batch(app, api.creds.access_token, org), _batch(app, other, org)))

    first, second = asyncio.run(both())
    assert statuses(first) == [200] * 5
    assert statuses(second) == [200] * 5


# -- CLI ----------------------------------------------------------------------------------------------------------
def test_cli_limits_show_and_reset(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, prepared_data_dir: Path
) -> None:
    copy_data_dir(
        prepared_data_dir, tmp_path / "d"
    )  # the commands need an existing database (`zcrm serve` makes it)
    cli = Cli(tmp_path / "d")
    monkeypatch.setenv("ZCRM_API_CREDITS", "2")
    shown = cli.ok("limits", "show")
    assert shown["enabled"] is False
    assert shown["credits"]["limit"] == 2 and shown["credits"]["used"] == 0
    assert shown["concurrency"]["in_flight"] is None
    org_id = cli.creds["org_id"]
    minute = sql(tmp_path / "d", "SELECT clock_offset FROM orgs WHERE id = :o", {"o": org_id})
    assert minute == [(0,)]
    import time

    now_minute = int(time.time()) // 60
    sql(
        tmp_path / "d",
        "INSERT INTO api_usage (org_id, minute, credits) VALUES (:o, :m, 2)",
        {"o": org_id, "m": now_minute},
    )
    shown = cli.ok("limits", "show", "--org-id", org_id)
    assert shown["credits"]["used"] == 2 and shown["credits"]["remaining"] == 0
    assert cli.ok("limits", "reset") == {"deleted": 2}
    assert cli.ok("limits", "show")["credits"]["used"] == 0
    assert "no org 1" in cli.fails("limits", "show", "--org-id", "1")


@pytest.mark.parametrize(("allowed", "last_task"), [(100, "INVALID_DATA"), (4, "TOO_MANY_REQUESTS")])
def test_each_zoho_crm_task_of_a_function_counts_as_a_call(
    tmp_path: Path, allowed: int, last_task: str
) -> None:
    """Behaviour §9: the four tasks of the ``follow_up`` function are charged like calls; once the credits are used
    up, a task answers TOO_MANY_REQUESTS (the request that started the function holds its own credit meanwhile)."""
    with serve(FunctionsOrg, tmp_path / "functions", FUNCTIONS, api_limits=True, api_credits=allowed) as org:
        org.create("Tickets", {"Subject": "follow the limits"})
        [run] = org.log()
        assert run["status"] == "success" and run["detail"]["returned"]["bad"] == last_task
        used = org.call("GET", "/__zcrm/limits").json()["credits"]["used"]
        assert used == (1 + 4 if last_task == "INVALID_DATA" else allowed)
