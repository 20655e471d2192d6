"""Deterministic ids (ZCRM_SEED, ``zcrm serve --seed``): two fresh data dirs with the same seed and the same
requests give the same ids (orgs, users, records) and, with frozen clocks, the same page tokens; another seed gives
other ids."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.conftest import Api, LiveServer, make_settings, sql
from zcrm.app import create_app
from zcrm.auth.admin import ensure_admin_token
from zcrm.settings import Settings
from zcrm.store.prefixes import MAX_PREFIX, MIN_PREFIX, seeded_prefix

T0 = 1_893_553_445  # 2030-01-02T03:04:05+00:00
YEARS = 100 * 365 * 86400
PAGE_TOKEN_42 = (
    "WyI1MDQ1OTg0MDAwMDAwMDAwMDA3IiwiZGFkN2Y5ZjMzMTc5YzhjYjNhM2I4ZGYzIiwwLCI1MDQ1OTg0MDAwMDAwMDAxMzA4IiwyLDE4OTM1NTM0NDVd"
    ".052a4adc3d2e3b861a9b2564097d6d4e"
)
PAGE_TOKEN_43 = (
    "WyI1MzIxNzc3MDAwMDAwMDAwMDA3IiwiY2NhZTA4NWVmOWVkZWFiMWI1MTA3OWIxIiwwLCI1MzIxNzc3MDAwMDAwMDAxMzA4IiwyLDE4OTM1NTM0NDVd"
    ".9a9ac117957d824cf945d3a538b06f5d"
)


@contextmanager
def seeded(data_dir: Path, seed: int | None) -> Iterator[Api]:
    settings = make_settings(data_dir, seed=seed, access_token_ttl=YEARS)  # tokens outlive the clock's jumps
    app = create_app(settings)
    with TestClient(app, base_url="http://127.0.0.1:8000", raise_server_exceptions=False) as client:
        yield Api(client, app.state.credentials, settings.data_dir)
    app.state.zcrm.db.dispose()


def scenario(api: Api) -> dict[str, Any]:
    """The same requests, in the same order; what they answered that a test could have written down."""
    seen: dict[str, Any] = {"org": api.creds.org_id, "admin": api.creds.user_id}
    assert api.put("/__zcrm/clock", {"time": T0, "frozen": True}).status_code == 200
    seen["leads"] = api.insert("Leads", *({"Last_Name": f"L{i}", "Company": "Z"} for i in range(3)))
    user = api.post("/__zcrm/users", {"last_name": "Hardy", "email": "tom@zylker.test"})
    assert user.status_code == 201, user.text
    seen["user"] = user.json()["id"]
    seen["role"] = api.post("/__zcrm/roles", {"name": "Intern"}).json()["id"]
    updated = api.put(f"/crm/v5/Leads/{seen['leads'][0]}", {"data": [{"Company": "Y"}]})
    seen["modified"] = updated.json()["data"][0]["details"]["Modified_Time"]
    listed = api.get("/crm/v5/Leads", params={"fields": "Last_Name", "per_page": 2}).json()["info"]
    seen["page_token"] = listed["next_page_token"]
    state = api.client.app.state.zcrm  # type: ignore[attr-defined]
    with state.db.write() as conn:
        admin_token = ensure_admin_token(conn, api.data_dir)
    other = api.client.post("/__zcrm/orgs", json={}, headers={"X-ZCRM-Admin-Token": admin_token}).json()
    seen["other_org"], seen["other_admin"] = other["org_id"], other["user_id"]
    theirs = api.client.post(
        "/crm/v5/Contacts",
        json={"data": [{"Last_Name": "There"}]},
        headers={"Authorization": f"Zoho-oauthtoken {other['access_token']}"},
    )
    seen["other_contact"] = theirs.json()["data"][0]["details"]["id"]
    return seen


def test_the_same_seed_and_requests_give_the_same_ids(tmp_path: Path) -> None:
    with seeded(tmp_path / "a", 42) as first:
        a = scenario(first)
    with seeded(tmp_path / "b", 42) as second:
        b = scenario(second)
    assert a == b
    # literal ids, as a user's test hard-codes them: seed 42 gives these, whatever the code computing them does
    assert a == {
        "org": "5045984000000000000",
        "admin": "5045984000000000007",
        "leads": ["5045984000000001306", "5045984000000001308", "5045984000000001310"],
        "user": "5045984000000001312",
        "role": "5045984000000001313",
        "modified": "2030-01-02T08:34:05+05:30",
        "page_token": PAGE_TOKEN_42,
        "other_org": "7354799000000000000",
        "other_admin": "7354799000000000007",
        "other_contact": "7354799000000001306",
    }
    with seeded(tmp_path / "c", 43) as third:
        c = scenario(third)
    assert c == {
        "org": "5321777000000000000",
        "admin": "5321777000000000007",
        "leads": ["5321777000000001306", "5321777000000001308", "5321777000000001310"],
        "user": "5321777000000001312",
        "role": "5321777000000001313",
        "modified": "2030-01-02T08:34:05+05:30",
        "page_token": PAGE_TOKEN_43,
        "other_org": "3433871000000000000",
        "other_admin": "3433871000000000007",
        "other_contact": "3433871000000001306",
    }


def test_without_a_seed_prefixes_are_random(tmp_path: Path) -> None:
    with seeded(tmp_path / "a", None) as first, seeded(tmp_path / "b", None) as second:
        assert first.creds.org_id != second.creds.org_id


def test_a_taken_seeded_prefix_moves_to_the_next_candidate(tmp_path: Path) -> None:
    with seeded(tmp_path / "a", 7) as api:
        assert api.creds.org_id == "6782519000000000000"
        # the candidate for the second org is already in use (as if an imported snapshot had it)
        sql(api, "UPDATE orgs SET prefix = :p", {"p": "3083738"})  # seed 7's second candidate
        state = api.client.app.state.zcrm  # type: ignore[attr-defined]
        with state.db.write() as conn:
            admin_token = ensure_admin_token(conn, api.data_dir)
        created = api.client.post("/__zcrm/orgs", json={}, headers={"X-ZCRM-Admin-Token": admin_token})
        assert created.json()["org_id"] == "6653371000000000000"  # seed 7's third candidate


@pytest.mark.parametrize(
    ("seed", "first"),
    [
        (0, ["6803204", "3470399", "2796433"]),
        (1, ["7204404", "5530274", "5053394"]),
        (-5, ["2675238", "4294596", "6832016"]),
        (2**70, ["1318412", "1415327", "7712777"]),
    ],
)
def test_seeded_prefixes_are_seven_digits_in_range(seed: int, first: list[str]) -> None:
    prefixes = [seeded_prefix(seed, index) for index in range(50)]
    assert prefixes[:3] == first
    assert len(prefixes) == 50 and all(len(p) == 7 and MIN_PREFIX <= int(p) <= MAX_PREFIX for p in prefixes)
    assert len(set(prefixes)) == 50


def test_the_seed_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZCRM_SEED", "42")
    settings = Settings.from_env()
    assert settings.seed == 42 and settings.environment()["ZCRM_SEED"] == "42"
    monkeypatch.setenv("ZCRM_SEED", "")
    assert Settings.from_env().seed is None and "ZCRM_SEED" not in Settings.from_env().environment()


def test_serve_seed_gives_the_same_default_org(tmp_path: Path) -> None:
    data_dir = tmp_path / "live"
    data_dir.mkdir()
    server = LiveServer(data_dir, extra_args=("--seed", "42"))
    server.start()
    try:
        assert server.credentials["org_id"] == "5045984000000000000"  # as in-process, with seed 42
    finally:
        server.stop()
