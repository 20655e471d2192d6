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
    assert a["org"] == f"{seeded_prefix(42, 0)}000000000000"
    assert a["other_org"] == f"{seeded_prefix(42, 1)}000000000000"
    assert a["leads"][0].startswith(seeded_prefix(42, 0)) and a["other_contact"].startswith(
        seeded_prefix(42, 1)
    )
    assert a["modified"] == "2030-01-02T08:34:05+05:30" and a["page_token"]
    with seeded(tmp_path / "c", 43) as third:
        c = scenario(third)
    assert c["org"] != a["org"] and c["other_org"] != a["other_org"] and c["page_token"] != a["page_token"]
    assert set(c["leads"]).isdisjoint(a["leads"]) and c["user"] != a["user"]


def test_without_a_seed_prefixes_are_random(tmp_path: Path) -> None:
    with seeded(tmp_path / "a", None) as first, seeded(tmp_path / "b", None) as second:
        assert first.creds.org_id != second.creds.org_id


def test_a_taken_seeded_prefix_moves_to_the_next_candidate(tmp_path: Path) -> None:
    with seeded(tmp_path / "a", 7) as api:
        assert api.creds.org_id.startswith(seeded_prefix(7, 0))
        # the candidate for the second org is already in use (as if an imported snapshot had it)
        sql(api, "UPDATE orgs SET prefix = :p", {"p": seeded_prefix(7, 1)})
        state = api.client.app.state.zcrm  # type: ignore[attr-defined]
        with state.db.write() as conn:
            admin_token = ensure_admin_token(conn, api.data_dir)
        created = api.client.post("/__zcrm/orgs", json={}, headers={"X-ZCRM-Admin-Token": admin_token})
        assert created.json()["org_id"] == f"{seeded_prefix(7, 2)}000000000000"


@pytest.mark.parametrize("seed", [0, 1, -5, 2**70])
def test_seeded_prefixes_are_seven_digits_in_range(seed: int) -> None:
    prefixes = [seeded_prefix(seed, index) for index in range(50)]
    assert all(len(p) == 7 and MIN_PREFIX <= int(p) <= MAX_PREFIX for p in prefixes)
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
        assert server.credentials["org_id"] == f"{seeded_prefix(42, 0)}000000000000"
    finally:
        server.stop()
