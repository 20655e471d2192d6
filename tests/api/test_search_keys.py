"""Search keys (``store/keys.py``) stay exactly what the records hold through every write: insert, update (a value
changed, cleared, set), delete, a snapshot import, an org reset and an org delete; and a search through them finds
the records as they are now, not as they were. SQLite and PostgreSQL."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests.admin.test_org_snapshots import call, export, new_org
from tests.conftest import Api, sql
from zcrm.store import keys, search
from zcrm.store.orgs import load_schema
from zcrm.store.records import query
from zcrm.store.search import _after_prefix

LONG = "Ü" + "x" * 250  # longer than a text key (200 characters)


def stored(api: Api, org_id: str | None = None) -> set[tuple[Any, ...]]:
    """The org's key rows, as (table, module id, field, key, record id)."""
    org = org_id or api.creds.org_id
    rows = set()
    for table in ("text_keys", "number_keys"):
        for module_id, field, key, record_id in sql(
            api,
            f"SELECT module_id, field, search_key, record_id FROM {table} WHERE org_id = :org",
            {"org": org},
        ):
            rows.add(
                (table, module_id, field, Decimal(str(key)) if table == "number_keys" else key, record_id)
            )
    return rows


def expected(api: Api, org_id: str | None = None) -> set[tuple[Any, ...]]:
    """The key rows the org's records call for, computed afresh from their values."""
    org = org_id or api.creds.org_id
    state = api.client.app.state.zcrm  # type: ignore[attr-defined]
    with state.db.read() as conn:
        schema = load_schema(conn, org)
        records = query(
            conn, "SELECT id, module_id, data FROM records WHERE org_id = ? AND parent_id IS NULL", [org]
        )
        postgres = conn.dialect.name == "postgresql"
    import orjson

    rows = set()
    for record_id, module_id, data in records:
        fields = keys.indexed(schema.by_module_id[module_id])
        for field, text_key, number in keys.keys_of(fields, orjson.loads(data), postgres):
            if text_key is None:
                rows.add(("number_keys", module_id, field, Decimal(str(number)), record_id))
            else:
                rows.add(("text_keys", module_id, field, text_key, record_id))
    return rows


def names(api: Api, criteria: str, org_headers: dict[str, str] | None = None) -> set[str]:
    response = api.get("/crm/v5/Specimens/search", params={"criteria": criteria, "fields": "Name"})
    if response.status_code == 204:
        return set()
    assert response.status_code == 200, response.text
    return {r["Name"] for r in response.json()["data"]}


def test_keys_follow_inserts_updates_and_deletes(specimens: Api) -> None:
    a, b, c = specimens.insert(
        "Specimens",
        {
            "Name": "Alpha",
            "Code": "K1",
            "Email": "A@Zylker.test",
            "Count": 5,
            "Day": "2024-01-02",
            "Price": 1.5,
        },
        {"Name": "Beta", "Code": "K2", "Email": "b@zylker.test", "Count": 7, "Colour": "Red", "Site": LONG},
        {
            "Name": "Gamma",
            "Code": "K3",
            "Moment": "2024-05-02T11:17:33+05:30",
            "Big": "9007199254740993",
            "Ratio": 2.5,
        },
    )
    assert stored(specimens) == expected(specimens) != set()
    assert ("text_keys", stored(specimens).pop()[1], "Email", "a@zylker.test", a) in stored(specimens)

    response = specimens.put(
        "/crm/v5/Specimens",
        {"data": [
            {"id": a, "Name": "Delta", "Email": None, "Count": 6},  # changed, cleared, changed
            {"id": b, "Day": "2025-03-04", "Colour": None},  # set, cleared
        ]},
    )  # fmt: skip
    assert response.status_code == 200, response.text
    assert stored(specimens) == expected(specimens)
    # a stale key would find the old values, or miss the new ones
    assert names(specimens, "(Name:equals:delta)") == {"Delta"}
    assert names(specimens, "(Name:equals:alpha)") == set()
    assert names(specimens, "(Email:equals:a@zylker.test)") == set()
    assert names(specimens, "(Count:equals:6)") == {"Delta"}
    assert names(specimens, "(Count:between:5,5)") == set()
    assert names(specimens, "(Day:greater_than:2025-01-01)") == {"Beta"}
    assert names(specimens, "(Colour:equals:red)") == set()
    assert names(specimens, f"(Site:equals:{LONG.lower()})") == {"Beta"}  # beyond the key's length
    assert names(specimens, "(Site:starts_with:üxx)") == {"Beta"}

    assert specimens.delete("/crm/v5/Specimens", params={"ids": f"{b},{c}"}).status_code == 200
    assert stored(specimens) == expected(specimens)
    assert {row[4] for row in stored(specimens)} == {a}
    assert names(specimens, "(Name:starts_with:b)") == set()


def test_a_key_many_records_share_is_walked_with_the_same_result(
    specimens: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    specimens.insert(
        "Specimens",
        *({"Name": f"N{i}", "Code": f"W{i}", "Colour": "Red" if i % 2 else "Green"} for i in range(6)),
    )
    through_keys = names(specimens, "(Colour:equals:red)")
    monkeypatch.setattr(search, "CAP", 2)  # every key now counts as shared by many (SQLite)
    assert names(specimens, "(Colour:equals:red)") == through_keys == {"N1", "N3", "N5"}
    assert names(specimens, "(Name:starts_with:n)") == {f"N{i}" for i in range(6)}


def test_keys_after_a_snapshot_import_and_a_reset(specimens: Api) -> None:
    org_id = specimens.creds.org_id
    [one] = specimens.insert("Specimens", {"Name": "Saved", "Code": "S1", "Count": 1})
    snap = export(specimens, org_id)
    assert call(specimens, "PUT", f"/__zcrm/orgs/{org_id}/seed").status_code == 200
    specimens.put("/crm/v5/Specimens", {"data": [{"id": one, "Name": "Changed", "Count": 2}]})
    specimens.insert("Specimens", {"Name": "Later", "Code": "S2"})
    assert names(specimens, "(Name:equals:changed)") == {"Changed"}

    assert call(specimens, "POST", f"/__zcrm/orgs/{org_id}/reset").status_code == 200
    assert stored(specimens) == expected(specimens)
    assert names(specimens, "(Name:equals:saved)") == {"Saved"}
    assert names(specimens, "(Name:equals:changed)") == names(specimens, "(Name:equals:later)") == set()
    assert names(specimens, "(Count:equals:1)") == {"Saved"}

    specimens.put("/crm/v5/Specimens", {"data": [{"id": one, "Name": "Again"}]})
    response = call(specimens, "POST", f"/__zcrm/orgs/{org_id}/snapshot", snap)
    assert response.status_code == 200, response.text
    assert stored(specimens) == expected(specimens)
    assert names(specimens, "(Name:equals:saved)") == {"Saved"}
    assert names(specimens, "(Name:equals:again)") == set()


def test_an_org_delete_removes_its_keys(specimens: Api) -> None:
    creds = new_org(specimens)
    org_id = creds["org_id"]
    response = specimens.client.post(
        "/crm/v5/Leads",
        json={"data": [{"Last_Name": "Gone", "Company": "Y"}]},
        headers={"Authorization": f"Zoho-oauthtoken {creds['access_token']}"},
    )
    assert response.status_code == 201, response.text
    assert stored(specimens, org_id) == expected(specimens, org_id) != set()
    assert call(specimens, "DELETE", f"/__zcrm/orgs/{org_id}").status_code == 200
    assert stored(specimens, org_id) == set()


def test_the_end_of_a_prefix() -> None:
    assert _after_prefix("abc") == "abd"
    assert _after_prefix("a\U0010ffff") == "b"
    assert _after_prefix("\U0010ffff") is None
    assert _after_prefix("a\ud7ff") == "a\ue000"  # past the surrogates


def test_migration_0013_writes_the_keys_of_records_stored_before(specimens: Api) -> None:
    from alembic import command

    from zcrm.store.db import WRITE, _alembic_config

    specimens.insert("Specimens", {"Name": "Old", "Code": "M1", "Count": 3, "Email": "Old@Zylker.test"})
    before = stored(specimens)
    state = specimens.client.app.state.zcrm  # type: ignore[attr-defined]
    config = _alembic_config()
    for target, step in (("0012", command.downgrade), ("head", command.upgrade)):
        with state.db.engine.connect() as conn:
            config.attributes["connection"] = conn.execution_options(**{WRITE: True})
            step(config, target)
            if conn.in_transaction():
                conn.commit()
        if target == "0012":
            assert not sql(
                specimens, "SELECT 1 FROM records WHERE 1 = 0 LIMIT 1"
            )  # the records are still there
    assert stored(specimens) == expected(specimens) == before != set()
    assert names(specimens, "(Email:equals:old@zylker.test)") == {"Old"}


def test_coql_reads_the_keys_of_its_from_module(specimens: Api) -> None:
    """A key removed behind zcrm's back hides its record from the keyed comparisons of COQL (so they read the key),
    not from the others, nor from comparisons through a lookup."""
    target = specimens.insert("Targets", {"Name": "Tee"})[0]
    [made] = specimens.insert(
        "Specimens", {"Name": "Keyed", "Code": "K1", "Count": 7, "Target": {"id": target}}
    )
    sql(specimens, "DELETE FROM text_keys WHERE record_id = :r AND field = 'Name'", {"r": made})
    sql(specimens, "DELETE FROM number_keys WHERE record_id = :r", {"r": made})

    def found(where: str) -> bool:
        response = specimens.post(
            "/crm/v5/coql", {"select_query": f"select Name from Specimens where {where}"}
        )
        assert response.status_code in (200, 204), response.text
        return response.status_code == 200

    for keyed in ("Name = 'keyed'", "Name in ('Keyed', 'x')", "Name like 'kEY%'", "Name like 'keyed'",
                  "Count = 7", "Count between 6 and 8", "Count >= 7"):  # fmt: skip
        assert not found(keyed), keyed
    for walked in ("Name != 'x'", "Name like '%eye%'", "Code = 'K1'", "Count != 1", "Count is not null"):
        assert found(walked), walked
    assert found(f"Target = {target}")


def test_upsert_finds_its_system_check_field_through_the_keys(api: Api) -> None:
    """Upsert's match on Email (no unique field) reads the key: with the key removed behind zcrm's back, the same
    Email no longer finds the lead; with it, the lead is updated."""
    first, second = api.insert(
        "Leads",
        {"Last_Name": "Keyed", "Company": "C", "Email": "keyed@zylker.test"},
        {"Last_Name": "Unkeyed", "Company": "C", "Email": "unkeyed@zylker.test"},
    )
    sql(api, "DELETE FROM text_keys WHERE record_id = :r AND field = 'Email'", {"r": second})

    def upsert(email: str) -> dict[str, Any]:
        response = api.post(
            "/crm/v5/Leads/upsert", {"data": [{"Last_Name": "U", "Company": "C", "Email": email}]}
        )
        assert response.status_code == 200, response.text
        entry: dict[str, Any] = response.json()["data"][0]
        return entry

    matched = upsert("KEYED@zylker.test")
    assert (matched["action"], matched["duplicate_field"], matched["details"]["id"]) == (
        "update",
        "Email",
        first,
    )
    assert upsert("unkeyed@zylker.test")["action"] == "insert"
