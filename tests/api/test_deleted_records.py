"""The recycle bin (zoho-v5-related.md §9): ``GET /crm/v5/{module}/deleted`` lists what record deletes left there,
on the org's clock (recycle for 60 days, then permanent until 120 days after the deletion, then gone); a deleted
record is in no list; the entry keeps the record's row and child rows; snapshots, reset and org deletion carry it.

The clock tests run on an org whose access tokens last 100 years, its clock frozen at ``T0``; the default user's time
zone is Asia/Kolkata (+05:30)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from tests.admin.test_org_snapshots import call, export, new_org
from tests.api.related_world import err
from tests.conftest import Api, make_settings, sql
from zcrm.app import create_app
from zcrm.service import recycle
from zcrm.store import records as store_records
from zcrm.store import recycle as store_recycle

T0 = 1_893_553_445  # 2030-01-02T03:04:05+00:00, 08:34:05 in Asia/Kolkata
DAY = 86400
YEARS = 100 * 365 * DAY
BIN = "/crm/v5/Leads/deleted"


@pytest.fixture
def org(tmp_path: Path) -> Iterator[Api]:
    """The standard org with 100-year access tokens, its clock frozen at ``T0``."""
    settings = make_settings(tmp_path / "bin", access_token_ttl=YEARS)
    app = create_app(settings)
    with TestClient(app, base_url="http://127.0.0.1:8000", raise_server_exceptions=False) as client:
        api = Api(client, app.state.credentials, settings.data_dir)
        frozen = api.put("/__zcrm/clock", {"time": T0, "frozen": True})
        assert frozen.status_code == 200, frozen.text
        yield api
    app.state.zcrm.db.dispose()


def advance(api: Api, seconds: int) -> None:
    response = api.post("/__zcrm/clock/advance", {"seconds": seconds})
    assert response.status_code == 200, response.text


def delete(api: Api, module: str, *ids: str) -> None:
    response = api.delete(f"/crm/v5/{module}", params={"ids": ",".join(ids)})
    assert response.status_code == 200, response.text
    assert {item["status"] for item in response.json()["data"]} == {"success"}


def me(api: Api) -> dict[str, str]:
    return {"name": "Priya Raman", "id": api.creds.user_id}


def recycled(api: Api, record_id: str, name: str, at: str) -> dict[str, Any]:
    return {
        "deleted_by": me(api),
        "id": record_id,
        "display_name": name,
        "type": "recycle",
        "created_by": me(api),
        "deleted_time": at,
    }


def permanent(record_id: str, at: str) -> dict[str, Any]:
    return {
        "deleted_by": None,
        "id": record_id,
        "display_name": None,
        "type": "permanent",
        "created_by": None,
        "deleted_time": at,
    }


def listed(api: Api, **params: Any) -> tuple[int, Any]:
    headers = params.pop("headers", {})
    response = api.get(BIN, params=params, headers=headers)
    if response.status_code == 204:
        assert response.content == b""
        return 204, None
    assert response.headers["content-type"] == "application/json;charset=UTF-8"
    return response.status_code, response.json()


def ids_of(api: Api, **params: Any) -> list[str] | None:
    status, body = listed(api, **params)
    return None if status == 204 else [entry["id"] for entry in body["data"]]


def info(count: int, page: int = 1, per_page: int = 200, more: bool = False) -> dict[str, Any]:
    return {"per_page": per_page, "count": count, "page": page, "more_records": more}


# -- what a delete leaves -----------------------------------------------------------------------------------------
def test_a_deleted_record_is_in_the_bin_and_in_no_list(org: Api) -> None:
    gone, kept = org.insert(
        "Leads",
        {"First_Name": "Patricia", "Last_Name": "Boyle", "Company": "Zylker"},
        {"Last_Name": "Kept", "Company": "Zylker"},
    )
    assert listed(org) == (204, None)  # nothing deleted yet
    delete(org, "Leads", gone)
    assert listed(org) == (
        200,
        {"data": [recycled(org, gone, "Patricia Boyle", "2030-01-02T08:34:05+05:30")], "info": info(1)},
    )
    assert org.get(f"/crm/v5/Leads/{gone}").status_code == 204
    in_list = org.get("/crm/v5/Leads", params={"fields": "Last_Name"})
    assert [r["id"] for r in in_list.json()["data"]] == [kept]
    assert org.get("/crm/v5/Leads/search", params={"word": "Boyle"}).status_code == 204
    found = org.get("/crm/v5/Leads/search", params={"word": "Zylker"})
    assert [r["id"] for r in found.json()["data"]] == [kept]
    query = "select Last_Name from Leads where Company = 'Zylker'"
    coql = org.post("/crm/v5/coql", {"select_query": query})
    assert [r["id"] for r in coql.json()["data"]] == [kept]
    # only the module's own deleted records
    assert org.get("/crm/v5/Contacts/deleted").status_code == 204


def test_the_entry_keeps_the_row_and_its_child_rows(specimens: Api) -> None:
    target = specimens.insert("Targets", {"Name": "T1"})[0]
    record = {
        "Name": "Full",
        "Code": "C-1",
        "Parts": [{"Part_Name": "bolt", "Quantity": 2}, {"Part_Name": "nut"}],
        "Linked_Targets": [{"Target_Ref": {"id": target}}],
    }
    full = specimens.insert("Specimens", record)[0]
    columns = (
        "id, module_id, parent_id, data, owner_id, created_by, modified_by, created_time, modified_time,"
        " approval_state, lock_state, converted"
    )
    rows = sql(
        specimens,
        f"SELECT {columns} FROM records WHERE id = :id OR parent_id = :id ORDER BY id",
        {"id": full},
    )
    names = [c.strip() for c in columns.split(",")]
    stored = [dict(zip(names, row, strict=True)) for row in rows]
    for row in stored:
        row["data"] = json.loads(row["data"])
        row["converted"] = bool(row["converted"])
        row["created_time"], row["modified_time"] = int(row["created_time"]), int(row["modified_time"])
    top, children = stored[0], stored[1:]
    assert len(children) == 3  # two subform rows, one linking row
    delete(specimens, "Specimens", full)
    [(name, kept)] = sql(
        specimens, "SELECT display_name, record FROM deleted_records WHERE id = :id", {"id": full}
    )
    assert name == "Full"
    assert json.loads(kept) == {**top, "children": children}
    assert sql(specimens, "SELECT id FROM records WHERE id = :id OR parent_id = :id", {"id": full}) == []
    assert [e["id"] for e in specimens.get("/crm/v5/Specimens/deleted").json()["data"]] == [full]


def test_a_bulk_delete_of_100_writes_the_bin_in_one_go(org: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = org.insert("Leads", *({"Last_Name": f"L{i:03d}", "Company": "Z"} for i in range(100)))
    calls: dict[str, list[int]] = {"fetch": [], "children": [], "add": [], "clear": []}

    def counting(name: str, real: Callable[..., Any], size: Callable[[tuple[Any, ...]], int]) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            calls[name].append(size(args))
            return real(*args, **kwargs)

        return wrapper

    # service/recycle.py's own names of the store's functions (nobody else's calls are counted)
    monkeypatch.setattr(
        recycle,
        "record_store",
        SimpleNamespace(
            fetch=counting("fetch", store_records.fetch, lambda a: len(list(a[2]))),
            children=counting("children", store_records.children, lambda a: len(list(a[2]))),
        ),
    )
    monkeypatch.setattr(
        recycle,
        "store",
        SimpleNamespace(
            add=counting("add", store_recycle.add, lambda a: len(a[2])),
            clear=counting("clear", store_recycle.clear, lambda a: len(a[4])),
        ),
    )
    delete(org, "Leads", *ids)
    # one look-up of the records, one of their child rows, one clean-up, one insert of the 100 entries
    assert calls == {"fetch": [100], "children": [100], "add": [100], "clear": [100]}
    monkeypatch.undo()
    status, body = listed(org, per_page=30, page=4)
    assert status == 200 and body["info"] == info(10, page=4, per_page=30)
    # one deletion time: ties go by id, descending
    pages = [ids_of(org, per_page=30, page=p) for p in (1, 2, 3, 4)]
    assert [i for page in pages for i in page or []] == sorted(ids, reverse=True)
    assert listed(org, per_page=30, page=1)[1]["info"] == info(30, per_page=30, more=True)
    assert listed(org, page=5, per_page=30) == (204, None)
    status, body = listed(org, per_page=500)  # clamped to 200
    assert body["info"] == info(100)
    assert org.get("/crm/v5/Leads", params={"fields": "Last_Name"}).status_code == 204


# -- order, type and retention on the org's clock -----------------------------------------------------------------
def test_most_recently_deleted_first_ties_by_id_descending(org: Api) -> None:
    a, b, c = org.insert("Leads", *({"Last_Name": n, "Company": "Z"} for n in ("A", "B", "C")))
    assert a < b < c
    delete(org, "Leads", b)
    advance(org, 10)
    delete(org, "Leads", a, c)
    assert listed(org) == (
        200,
        {
            "data": [
                recycled(org, c, "C", "2030-01-02T08:34:15+05:30"),
                recycled(org, a, "A", "2030-01-02T08:34:15+05:30"),
                recycled(org, b, "B", "2030-01-02T08:34:05+05:30"),
            ],
            "info": info(3),
        },
    )


def test_recycle_for_60_days_then_permanent_until_120_days(org: Api) -> None:
    first, second, third = org.insert(
        "Leads", *({"Last_Name": n, "Company": "Z"} for n in ("First", "Second", "Third"))
    )
    delete(org, "Leads", first)  # at T0
    advance(org, 30 * DAY)
    delete(org, "Leads", second)  # at T0 + 30 days
    at_first, at_second = "2030-01-02T08:34:05+05:30", "2030-02-01T08:34:05+05:30"
    assert ids_of(org) == [second, first]
    assert ids_of(org, type="all") == [second, first] and ids_of(org, type="recycle") == [second, first]
    assert ids_of(org, type="permanent") is None

    advance(org, 30 * DAY - 1)  # one second before the first is 60 days deleted
    assert ids_of(org, type="recycle") == [second, first] and ids_of(org, type="permanent") is None
    advance(org, 1)  # 60 days: the bin let the first go
    assert listed(org) == (
        200,
        {"data": [recycled(org, second, "Second", at_second), permanent(first, at_first)], "info": info(2)},
    )
    assert listed(org, type="permanent") == (200, {"data": [permanent(first, at_first)], "info": info(1)})
    assert ids_of(org, type="recycle") == [second]

    advance(org, 30 * DAY)  # T0 + 90 days: both permanent
    assert ids_of(org, type="recycle") is None and ids_of(org, type="permanent") == [second, first]
    advance(org, 30 * DAY - 1)
    assert ids_of(org) == [second, first]
    advance(org, 1)  # T0 + 120 days: the first is gone
    assert listed(org) == (200, {"data": [permanent(second, at_second)], "info": info(1)})
    advance(org, 30 * DAY)  # T0 + 150 days: both are gone
    assert listed(org) == (204, None) and ids_of(org, type="permanent") is None

    # the next delete of the module clears the expired entries from the database
    assert len(sql(org, "SELECT id FROM deleted_records")) == 2
    delete(org, "Leads", third)
    assert sql(org, "SELECT id FROM deleted_records") == [(third,)]
    assert listed(org) == (
        200,
        {"data": [recycled(org, third, "Third", "2030-06-01T08:34:05+05:30")], "info": info(1)},
    )


def test_if_modified_since_lists_the_later_deletions(org: Api) -> None:
    early, late = org.insert(
        "Leads", {"Last_Name": "Early", "Company": "Z"}, {"Last_Name": "Late", "Company": "Z"}
    )
    delete(org, "Leads", early)
    advance(org, 10)
    delete(org, "Leads", late)
    since = {"If-Modified-Since": "2030-01-02T08:34:05+05:30"}  # the first deletion's time: not after it
    assert ids_of(org, headers=since) == [late]
    assert ids_of(org, headers={"If-Modified-Since": "2030-01-02T03:04:04+00:00"}) == [late, early]
    assert ids_of(org, headers={"If-Modified-Since": "Wed, 02 Jan 2030 03:04:15 GMT"}) is None
    assert listed(org, headers={"If-Modified-Since": "yesterday"}) == (
        400,
        err(
            "UNABLE_TO_PARSE_DATA_TYPE",
            {"param_name": "If-Modified-Since"},
            "either the request body or parameters is in wrong format",
        ),
    )


# -- bad requests ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("params", "body"),
    [
        (
            {"type": "deleted"},
            err(
                "PATTERN_NOT_MATCHED",
                {"param_name": "type"},
                "Please check whether the input values are correct",
            ),
        ),
        (
            {"type": "ALL"},
            err(
                "PATTERN_NOT_MATCHED",
                {"param_name": "type"},
                "Please check whether the input values are correct",
            ),
        ),
        (
            {"type": ""},
            err(
                "PATTERN_NOT_MATCHED",
                {"param_name": "type"},
                "Please check whether the input values are correct",
            ),
        ),
        ({"page": "0"}, err("INVALID_DATA", {"param_name": "page"}, "invalid data")),
        ({"per_page": "x"}, err("INVALID_DATA", {"param_name": "per_page"}, "invalid data")),
    ],
)
def test_bad_parameters(api: Api, params: dict[str, str], body: dict[str, Any]) -> None:
    [lead] = api.insert("Leads", {"Last_Name": "X", "Company": "Z"})
    delete(api, "Leads", lead)
    response = api.get(BIN, params=params)
    assert (response.status_code, response.json()) == (400, body)


def test_module_and_scope(api: Api) -> None:
    [lead] = api.insert("Leads", {"Last_Name": "X", "Company": "Z"})
    delete(api, "Leads", lead)
    response = api.get("/crm/v5/Nope/deleted")
    assert (response.status_code, response.json()) == (
        400,
        err("INVALID_MODULE", {"resource_path_index": 0}, "the module name given seems to be invalid"),
    )

    def with_scope(scope: str) -> httpx.Response:
        made = api.post("/__zcrm/tokens", {"user_id": api.creds.user_id, "scope": scope})
        assert made.status_code == 201, made.text
        return api.get(BIN, headers={"Authorization": f"Zoho-oauthtoken {made.json()['access_token']}"})

    for scope in ("ZohoCRM.modules.leads.CREATE", "ZohoCRM.modules.contacts.READ"):
        refused = with_scope(scope)
        assert (refused.status_code, refused.json()) == (
            401,
            err("OAUTH_SCOPE_MISMATCH", {}, "invalid oauth scope to access this URL"),
        )
    for scope in ("ZohoCRM.modules.leads.READ", "ZohoCRM.modules.leads.ALL", "ZohoCRM.modules.ALL"):
        allowed = with_scope(scope)
        assert allowed.status_code == 200 and [e["id"] for e in allowed.json()["data"]] == [lead]


# -- snapshots, reset, org deletion -------------------------------------------------------------------------------
def test_snapshots_reset_and_org_deletion_carry_the_bin(api: Api) -> None:
    creds = new_org(api)
    org_id, headers = creds["org_id"], {"Authorization": f"Zoho-oauthtoken {creds['access_token']}"}

    def bin_of(token_headers: dict[str, str]) -> tuple[int, Any]:
        response = api.client.get(BIN, headers=token_headers)
        return response.status_code, response.json() if response.content else None

    made = api.client.post(
        "/crm/v5/Leads", json={"data": [{"Last_Name": "Gone", "Company": "Z"}]}, headers=headers
    )
    lead = made.json()["data"][0]["details"]["id"]
    assert api.client.delete(f"/crm/v5/Leads/{lead}", headers=headers).status_code == 200
    status, before = bin_of(headers)
    assert status == 200 and [e["id"] for e in before["data"]] == [lead]

    snap = export(api, org_id)
    [entry] = snap["deleted_records"]
    assert (entry["id"], entry["display_name"], entry["deleted_by"]) == (lead, "Gone", creds["user_id"])
    assert entry["record"]["data"]["Last_Name"] == "Gone" and entry["record"]["children"] == []

    copy = new_org(api, {"snapshot": snap})  # an import restores it
    assert bin_of({"Authorization": f"Zoho-oauthtoken {copy['access_token']}"}) == (200, before)

    reset = call(api, "POST", f"/__zcrm/orgs/{org_id}/reset")  # back to the new org's seed: an empty bin
    assert reset.status_code == 200, reset.text
    assert bin_of(headers) == (204, None)
    assert sql(api, "SELECT id FROM deleted_records WHERE org_id = :o", {"o": org_id}) == []

    assert call(api, "DELETE", f"/__zcrm/orgs/{copy['org_id']}").status_code == 200
    assert sql(api, "SELECT id FROM deleted_records WHERE org_id = :o", {"o": copy["org_id"]}) == []


def test_a_record_back_from_a_snapshot_with_its_entry_is_deleted_again(api: Api) -> None:
    kept, gone = api.insert(
        "Leads", {"Last_Name": "Kept", "Company": "Z"}, {"Last_Name": "Gone", "Company": "Z"}
    )
    delete(api, "Leads", gone)
    snap = export(api, api.creds.org_id)
    [entry] = snap["deleted_records"]
    # a hand-made document: the kept record is both stored and in the bin, with another name
    snap["deleted_records"].append({**entry, "id": kept, "display_name": "Old name", "deleted_time": 1})
    creds = new_org(api, {"snapshot": snap})
    headers = {"Authorization": f"Zoho-oauthtoken {creds['access_token']}"}
    again = api.client.delete(f"/crm/v5/Leads/{kept}", headers=headers)
    assert again.status_code == 200, again.text
    listed = api.client.get(BIN, headers=headers).json()["data"]
    # one entry each (the two deletions may share a second: the order is then by id)
    assert sorted((e["id"], e["display_name"]) for e in listed) == [(kept, "Kept"), (gone, "Gone")]
