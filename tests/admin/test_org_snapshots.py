"""The org lifecycle endpoints: GET/POST /__zcrm/orgs/{id}/snapshot, POST /__zcrm/orgs {"snapshot"}, POST
/__zcrm/orgs/{id}/reset, GET/PUT /__zcrm/orgs/{id}/seed and DELETE /__zcrm/orgs/{id} (docs/snapshots.md).

The org under test is tests/data/specimens.yaml (subforms, multi-select and multi-user lookups, images, unique
fields, an autonumber) with records, updates, a delete, a record state and a notification channel.
"""

from __future__ import annotations

import copy
import json
import threading
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.conftest import CREDENTIAL_KEYS, Api, make_settings, sql
from tests.known_files import known_files
from zcrm.app import build_app, prepare
from zcrm.auth.admin import ensure_admin_token
from zcrm.http.request_log import RequestLog
from zcrm.store import Database
from zcrm.store.request_log import Entry

MODULES = ("Specimens", "Targets")
WATCH = "/crm/v5/actions/watch"
BAD_ID = "the id given seems to be invalid"


def error(code: str, message: str, details: dict[str, Any]) -> dict[str, Any]:
    return {"code": code, "details": details, "message": message, "status": "error"}


def as_user(token: str) -> dict[str, str]:
    return {"Authorization": f"Zoho-oauthtoken {token}"}


def admin(api: Api) -> dict[str, str]:
    state = api.client.app.state.zcrm  # type: ignore[attr-defined]
    with state.db.write() as conn:
        return {"X-ZCRM-Admin-Token": ensure_admin_token(conn, api.data_dir)}


def call(api: Api, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
    content = None if body is None else json.dumps(body)
    return api.client.request(method, path, content=content, headers=headers or admin(api))


def populate(api: Api, token: str | None = None) -> dict[str, str]:
    """Records with every kind of child row, an update, a delete, a record state and a channel; their ids."""
    known_files(api, "img-1")
    headers = as_user(token or api.creds.access_token)

    def insert(module: str, record: dict[str, Any]) -> str:
        response = api.client.post(f"/crm/v5/{module}", json={"data": [record]}, headers=headers)
        assert response.status_code == 201, response.text
        return str(response.json()["data"][0]["details"]["id"])

    me = api.client.get("/crm/v5/users", params={"type": "CurrentUser"}, headers=headers).json()["users"][0]
    t1, t2 = insert("Targets", {"Name": "T1"}), insert("Targets", {"Name": "T2"})
    full = insert(
        "Specimens",
        {
            "Name": "Full",
            "Code": "C-1",
            "Serial": "S-1",
            "Tags_Multi": ["A", "C"],
            "Count": 3,
            "Price": 12.5,
            "Moment": "2024-03-01T10:00:00+05:30",
            "Target": {"id": t1},
            "Parts": [{"Part_Name": "bolt", "Quantity": 2}, {"Part_Name": "nut"}],
            "Linked_Targets": [{"Target_Ref": {"id": t1}}, {"Target_Ref": {"id": t2}}],
            "Watchers": [{"User": {"id": me["id"]}}],
            "Photos": [{"File_Id__s": "img-1"}],
        },
    )
    second = insert("Specimens", {"Name": "Second", "Code": "C-2"})
    gone = insert("Specimens", {"Name": "Gone", "Code": "C-3"})
    updated = api.client.put(
        "/crm/v5/Specimens", json={"data": [{"id": full, "Count": 4, "Parts": [{"Part_Name": "washer"}]}]},
        headers=headers,
    )  # fmt: skip
    assert updated.status_code == 200, updated.text
    assert api.client.delete(f"/crm/v5/Specimens/{gone}", headers=headers).status_code == 200
    state = api.client.put(
        f"/__zcrm/records/Specimens/{second}/state", json={"lock_state": "record_locking"}, headers=headers
    )
    assert state.status_code == 200, state.text
    watch = {"channel_id": "1000", "events": ["Targets.delete"], "notify_url": "https://hooks.test/in"}
    assert api.client.post(WATCH, json={"watch": [watch]}, headers=headers).status_code == 201
    return {"t1": t1, "t2": t2, "full": full, "second": second, "gone": gone}


def reads(api: Api, token: str, ids: dict[str, str]) -> dict[str, Any]:
    """Everything the org's token reads: records, timelines, lists, metadata, users, org, channels."""
    headers = as_user(token)

    def get(path: str, **params: str) -> Any:
        response = api.client.get(path, params=params, headers=headers)
        return response.status_code, response.json() if response.content else None

    out: dict[str, Any] = {}
    for key, record in ids.items():
        module = "Targets" if key.startswith("t") else "Specimens"
        out[key] = get(f"/crm/v5/{module}/{record}")
        out[f"{key} timeline"] = get(f"/crm/v5/{module}/{record}/__timeline")
    for module in MODULES:
        out[f"{module} list"] = get(
            f"/crm/v5/{module}", fields="Name,Modified_Time,Created_By", approved="both"
        )
        out[f"{module} fields"] = get("/crm/v5/settings/fields", module=module)
        out[f"{module} layouts"] = get("/crm/v5/settings/layouts", module=module)
    out["modules"] = get("/crm/v5/settings/modules")
    out["users"] = get("/crm/v5/users", type="AllUsers")
    out["org"] = get("/crm/v5/org")
    out["watch"] = get(WATCH)
    return out


def export(api: Api, org_id: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
    response = call(api, "GET", f"/__zcrm/orgs/{org_id}/snapshot", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json;charset=UTF-8"
    return dict(response.json())


def content(snapshot: dict[str, Any]) -> dict[str, Any]:
    """A snapshot without what an import may change: the export time, the id counter, the schema version."""
    out = copy.deepcopy(snapshot)
    del out["exported_time"]
    del out["org"]["next_id"], out["org"]["schema_version"]
    return out


def table_rows(api: Api, org_id: str) -> dict[str, list[tuple[Any, ...]]]:
    out = {}
    for table in ("records", "unique_values", "sequences", "changes", "users", "modules", "fields", "layouts",
                  "roles", "profiles", "record_processes", "notification_channels", "functions"):  # fmt: skip
        rows = sql(api, f"SELECT * FROM {table} WHERE org_id = :org", {"org": org_id})
        out[table] = sorted(tuple(str(v) for v in row[1:]) for row in rows)  # org_id first: left out
    return out


def new_org(api: Api, body: Any = None) -> dict[str, str]:
    response = call(api, "POST", "/__zcrm/orgs", {} if body is None else body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def next_counter(api: Api, org_id: str) -> int:
    return int(sql(api, "SELECT next_id FROM orgs WHERE id = :org", {"org": org_id})[0][0])


# -- export and import into a new org ---------------------------------------------------------------------------
def test_a_snapshot_holds_the_org_and_every_kind_of_row(specimens: Api) -> None:
    ids = populate(specimens)
    snap = export(specimens, specimens.creds.org_id)
    assert snap["format"] == "zcrm-snapshot/1"
    assert list(snap) == [
        "format", "exported_time", "org", "roles", "profiles", "modules", "fields", "layouts", "users",
        "records", "unique_values", "sequences", "changes", "record_processes", "notification_channels",
        "functions", "relations", "deleted_records", "blobs", "files", "attachments", "tags", "record_tags",
    ]  # fmt: skip
    assert (
        snap["org"]["id"] == specimens.creds.org_id and snap["org"]["info"]["company_name"] == "Specimen Labs"
    )
    records = {r["id"]: r for r in snap["records"]}
    assert ids["gone"] not in records and records[ids["second"]]["lock_state"] == "record_locking"
    children = {r["module_id"] for r in snap["records"] if r["parent_id"] == ids["full"]}
    assert len(children) == 4  # subform, linking (targets, users) and image rows
    assert [c["operation"] for c in snap["changes"] if c["record_id"] == ids["gone"]] == ["insert", "delete"]
    assert {u["value"] for u in snap["unique_values"]} >= {"c-1", "c-2", "S-1"}
    assert [s["next_value"] for s in snap["sequences"]] == [103]
    assert [c["channel_id"] for c in snap["notification_channels"]] == ["1000"]
    assert snap["users"][0]["definition"]["email"] == "ada@specimen.test"
    # what is not content: OAuth clients and tokens, deliveries, the automation log
    text = json.dumps(snap)
    assert specimens.creds.client_id not in text and "oauth" not in text


def test_import_into_a_new_org_reads_the_same_with_the_same_ids(specimens: Api) -> None:
    ids = populate(specimens)
    before = reads(specimens, specimens.creds.access_token, ids)
    snap = export(specimens, specimens.creds.org_id)
    creds = new_org(specimens, {"snapshot": snap})
    assert list(creds) == CREDENTIAL_KEYS
    # the source org is still here: a new org id and prefix, every imported id as it was
    assert creds["org_id"] != specimens.creds.org_id and creds["user_id"] == specimens.creds.user_id
    after = reads(specimens, creds["access_token"], ids)
    assert after["org"][1]["org"][0]["id"] == creds["org_id"]
    org_json = json.dumps(after["org"]).replace(creds["org_id"][:7], specimens.creds.org_id[:7])
    after["org"] = tuple(json.loads(org_json))  # the org's id and its domain name follow the new prefix
    assert after == before
    assert table_rows(specimens, creds["org_id"]) == table_rows(specimens, specimens.creds.org_id)
    # the snapshot of the new org is the same content
    again = export(specimens, creds["org_id"])
    assert {k: v for k, v in content(again).items() if k != "org"} == {
        k: v for k, v in content(snap).items() if k != "org"
    }
    # new ids come from the new prefix, past nothing imported
    made = specimens.client.post(
        "/crm/v5/Specimens",
        json={"data": [{"Name": "New", "Code": "C-9"}]},
        headers=as_user(creds["access_token"]),
    ).json()["data"][0]["details"]
    assert made["id"].startswith(creds["org_id"][:7])
    got = specimens.client.get(f"/crm/v5/Specimens/{made['id']}", headers=as_user(creds["access_token"]))
    assert got.json()["data"][0]["Number"] == "SP-103"  # the autonumber goes on
    dup = specimens.client.post(
        "/crm/v5/Specimens",
        json={"data": [{"Name": "Dup", "Code": "c-1"}]},
        headers=as_user(creds["access_token"]),
    )
    # the unique values came along: the clash names the imported record, with its id kept
    listed = specimens.client.get(
        "/crm/v5/Specimens", params={"fields": "Code,Owner"}, headers=as_user(creds["access_token"])
    ).json()["data"]
    [holder] = [r for r in listed if r["Code"].lower() == "c-1"]
    module = specimens.client.get(
        "/crm/v5/settings/modules/Specimens", headers=as_user(creds["access_token"])
    ).json()["modules"][0]
    owner = holder["Owner"]
    assert (dup.status_code, dup.json()) == (
        400,
        {
            "data": [
                {
                    "code": "DUPLICATE_DATA",
                    "details": {
                        "api_name": "Code",
                        "json_path": "$.data[0].Code",
                        "id": holder["id"],
                        "duplicate_record": {
                            "Owner": {"name": owner["name"], "id": owner["id"], "zuid": owner["id"]},
                            "module": {"api_name": "Specimens", "id": module["id"]},
                            "id": holder["id"],
                        },
                        "more_records": False,
                    },
                    "message": "duplicate data",
                    "status": "error",
                }
            ]
        },
    )


def test_a_deleted_org_comes_back_with_its_own_org_id_and_counter(specimens: Api) -> None:
    creds = new_org(specimens)  # the standard org
    headers = as_user(creds["access_token"])
    lead = specimens.client.post(
        "/crm/v5/Leads", json={"data": [{"Last_Name": "Kept", "Company": "Y"}]}, headers=headers
    )
    lead_id = lead.json()["data"][0]["details"]["id"]
    snap = export(specimens, creds["org_id"])
    counter = next_counter(specimens, creds["org_id"])
    assert call(specimens, "DELETE", f"/__zcrm/orgs/{creds['org_id']}").status_code == 200
    back = new_org(specimens, {"snapshot": snap})
    assert back["org_id"] == creds["org_id"] and next_counter(specimens, back["org_id"]) == counter
    got = specimens.client.get(f"/crm/v5/Leads/{lead_id}", headers=as_user(back["access_token"]))
    assert got.status_code == 200 and got.json()["data"][0]["Last_Name"] == "Kept"
    # its seed is the snapshot
    assert call(specimens, "POST", f"/__zcrm/orgs/{back['org_id']}/reset").status_code == 200
    assert (
        specimens.client.get(f"/crm/v5/Leads/{lead_id}", headers=as_user(back["access_token"])).status_code
        == 200
    )


# -- import into an existing org ---------------------------------------------------------------------------------
def test_import_into_the_same_org_undoes_every_change_since_the_export(specimens: Api) -> None:
    org_id, token = specimens.creds.org_id, specimens.creds.access_token
    ids = populate(specimens)
    snap = export(specimens, org_id)
    before = reads(specimens, token, ids)
    rows_before = table_rows(specimens, org_id)
    counter = next_counter(specimens, org_id)
    headers = as_user(token)
    # mutate everything: records, rows, uniques, a delete, a user, a role, a channel
    specimens.client.put(
        "/crm/v5/Specimens",
        json={"data": [{"id": ids["full"], "Name": "Changed", "Code": "C-7", "Parts": None, "Photos": None}]},
        headers=headers,
    )
    assert specimens.client.delete(f"/crm/v5/Targets/{ids['t2']}", headers=headers).status_code == 200
    specimens.client.post(
        "/crm/v5/Specimens", json={"data": [{"Name": "Extra", "Code": "C-1x"}]}, headers=headers
    )
    specimens.client.post(
        "/__zcrm/users", json={"last_name": "Temp", "email": "t@specimen.test"}, headers=headers
    )
    specimens.client.post("/__zcrm/roles", json={"name": "Temp"}, headers=headers)
    specimens.client.delete(WATCH, params={"channel_ids": "1000"}, headers=headers)
    assert reads(specimens, token, ids) != before

    response = call(specimens, "POST", f"/__zcrm/orgs/{org_id}/snapshot", snap)
    assert response.status_code == 200, response.text
    assert response.json() == {"org_id": org_id, "imported": {
        table: len(snap[table]) for table in snap if isinstance(snap[table], list)
    }}  # fmt: skip
    assert reads(specimens, token, ids) == before  # the admin's token still works: same user ids
    assert table_rows(specimens, org_id) == rows_before
    assert content(export(specimens, org_id)) == content(snap)
    # the counter never goes back: new ids are past everything handed out before
    assert next_counter(specimens, org_id) > counter
    made = specimens.insert("Targets", {"Name": "After"})[0]
    assert int(made) > max(int(r["id"]) for r in snap["records"])


def test_import_of_another_orgs_snapshot_keeps_the_org_id_and_prefix(specimens: Api) -> None:
    other = new_org(specimens)  # the standard org, with another prefix
    snap = export(specimens, other["org_id"])
    org_id = specimens.creds.org_id
    response = call(specimens, "POST", f"/__zcrm/orgs/{org_id}/snapshot", snap)
    assert response.status_code == 200, response.text
    assert sql(specimens, "SELECT prefix, is_default FROM orgs WHERE id = :org", {"org": org_id}) == [
        (org_id[:7], True)
    ]
    # the org now holds the standard org's metadata and users, with their ids; new ids keep its own prefix
    headers = as_user(other["access_token"])
    theirs = specimens.client.get("/crm/v5/settings/modules", headers=headers).json()
    created = new_org(specimens, {"snapshot": export(specimens, org_id)})  # read it through fresh credentials
    mine = specimens.client.get("/crm/v5/settings/modules", headers=as_user(created["access_token"])).json()
    assert mine == theirs
    lead = specimens.client.post(
        "/crm/v5/Leads",
        json={"data": [{"Last_Name": "X", "Company": "Y"}]},
        headers=as_user(created["access_token"]),
    )
    assert lead.json()["data"][0]["details"]["id"].startswith(created["org_id"][:7])


# -- reset and seed -----------------------------------------------------------------------------------------------
def test_reset_puts_a_created_org_back_as_it_was_created(specimens: Api) -> None:
    creds = new_org(specimens)
    org_id, headers = creds["org_id"], as_user(creds["access_token"])
    seed = call(specimens, "GET", f"/__zcrm/orgs/{org_id}/seed").json()
    assert seed["format"] == "zcrm-snapshot/1" and seed["records"] == [] and seed["org"]["id"] == org_id
    lead = specimens.client.post(
        "/crm/v5/Leads", json={"data": [{"Last_Name": "Temp", "Company": "Y"}]}, headers=headers
    )
    lead_id = lead.json()["data"][0]["details"]["id"]
    counter = next_counter(specimens, org_id)

    response = call(specimens, "POST", f"/__zcrm/orgs/{org_id}/reset")
    assert response.status_code == 200, response.text
    assert response.json()["org_id"] == org_id and response.json()["reset"]["records"] == 0
    assert specimens.client.get(f"/crm/v5/Leads/{lead_id}", headers=headers).status_code == 204
    listed = specimens.client.get("/crm/v5/Leads", params={"fields": "Last_Name"}, headers=headers)
    assert listed.status_code == 204  # tokens still work
    assert next_counter(specimens, org_id) >= counter  # the counter never goes back
    again = specimens.client.post(
        "/crm/v5/Leads", json={"data": [{"Last_Name": "Again", "Company": "Y"}]}, headers=headers
    )
    assert int(again.json()["data"][0]["details"]["id"]) > int(lead_id)
    assert content(export(specimens, org_id))["records"] != []


def test_put_seed_makes_the_current_state_the_seed(specimens: Api) -> None:
    org_id, token = specimens.creds.org_id, specimens.creds.access_token
    ids = populate(specimens)
    snap = export(specimens, org_id)
    before = reads(specimens, token, ids)
    response = call(specimens, "PUT", f"/__zcrm/orgs/{org_id}/seed")
    assert response.status_code == 200 and response.json()["org_id"] == org_id
    specimens.insert("Targets", {"Name": "Later"})
    specimens.client.put(
        "/crm/v5/Specimens", json={"data": [{"id": ids["full"], "Name": "Later"}]}, headers=as_user(token)
    )
    assert call(specimens, "POST", f"/__zcrm/orgs/{org_id}/reset").status_code == 200
    assert reads(specimens, token, ids) == before
    assert content(export(specimens, org_id)) == content(snap)


def test_the_default_org_resets_to_its_first_start(specimens: Api) -> None:
    org_id = specimens.creds.org_id
    fresh = content(export(specimens, org_id))
    populate(specimens)
    assert call(specimens, "POST", f"/__zcrm/orgs/{org_id}/reset").status_code == 200
    assert content(export(specimens, org_id)) == fresh
    assert specimens.get("/crm/v5/Specimens", params={"fields": "Name"}).status_code == 204


def test_an_org_without_a_stored_seed_keeps_its_state_at_first_use(specimens: Api) -> None:
    org_id = specimens.creds.org_id
    sql(
        specimens, "DELETE FROM org_seeds WHERE org_id = :org", {"org": org_id}
    )  # made before seeds were kept
    target = specimens.insert("Targets", {"Name": "Before"})[0]
    assert call(specimens, "POST", f"/__zcrm/orgs/{org_id}/reset").status_code == 200
    assert specimens.get(f"/crm/v5/Targets/{target}").status_code == 200


# -- delete ---------------------------------------------------------------------------------------------------------
def test_delete_removes_the_org_from_every_table(specimens: Api) -> None:
    creds = new_org(specimens)
    org_id = creds["org_id"]
    specimens.client.post(
        "/crm/v5/Leads",
        json={"data": [{"Last_Name": "X", "Company": "Y"}]},
        headers=as_user(creds["access_token"]),
    )
    mine = table_rows(specimens, specimens.creds.org_id)
    response = call(specimens, "DELETE", f"/__zcrm/orgs/{org_id}")
    assert response.status_code == 200
    assert response.json()["org_id"] == org_id and response.json()["deleted"]["records"] == 1
    assert {"oauth_clients", "oauth_tokens", "org_seeds", "users", "changes"} <= set(
        response.json()["deleted"]
    )
    state = specimens.client.app.state.zcrm  # type: ignore[attr-defined]
    from zcrm.store.snapshots import org_tables

    with state.db.read() as conn:
        tables = org_tables(conn)
    assert {"records", "oauth_tokens", "org_seeds", "webhook_deliveries"} <= set(tables)
    for table in tables:
        assert sql(specimens, f"SELECT COUNT(*) FROM {table} WHERE org_id = :org", {"org": org_id}) == [(0,)]
    assert sql(specimens, "SELECT COUNT(*) FROM orgs WHERE id = :org", {"org": org_id}) == [(0,)]
    assert table_rows(specimens, specimens.creds.org_id) == mine
    gone = specimens.client.get("/crm/v5/org", headers=as_user(creds["access_token"]))
    assert (gone.status_code, gone.json()) == (
        401,
        {"code": "INVALID_TOKEN", "details": {}, "message": "invalid oauth token", "status": "error"},
    )
    again = call(specimens, "DELETE", f"/__zcrm/orgs/{org_id}")
    assert (again.status_code, again.json()) == (
        400,
        error("INVALID_DATA", BAD_ID, {"resource_path_index": 2}),
    )


class PausedWrites:
    """The app's database, except that ``write()`` waits for ``go`` once it has signalled ``reached``: a request
    log flush that has taken its batch and has not written it yet."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.reached = threading.Event()
        self.go = threading.Event()

    def write(self) -> Any:
        self.reached.set()
        assert self.go.wait(30)
        return self.db.write()


def log_entry(org_id: str, path: str) -> Entry:
    return Entry(org_id, 1764370800, "GET", path, "", None, "metadata", None, 200, 1.0, None, None, None)


def logged_paths(api: Api, org_id: str) -> list[tuple[Any, ...]]:
    return sql(api, "SELECT path FROM request_log WHERE org_id = :org ORDER BY id", {"org": org_id})


def test_a_request_log_batch_taken_before_its_org_is_deleted_is_not_written(specimens: Api) -> None:
    """The race behind a flaky delete test: the request log's writer took an org's entries, the org was deleted,
    then the writer wrote them. Forced here: the flush waits between taking its batch and writing it."""
    org_id = new_org(specimens)["org_id"]
    db = specimens.client.app.state.zcrm.db  # type: ignore[attr-defined]
    writes = PausedWrites(db)
    request_log = RequestLog(writes, 1000)  # type: ignore[arg-type]
    request_log.add(log_entry(org_id, "/crm/v5/deleted"))
    request_log.add(log_entry(specimens.creds.org_id, "/crm/v5/kept"))
    flushing = threading.Thread(target=request_log.flush)
    flushing.start()
    try:
        assert writes.reached.wait(30)
        assert call(specimens, "DELETE", f"/__zcrm/orgs/{org_id}").status_code == 200
    finally:
        writes.go.set()
        flushing.join(30)
    assert not flushing.is_alive()
    assert logged_paths(specimens, org_id) == []
    assert sql(specimens, "SELECT COUNT(*) FROM request_log WHERE org_id = :org", {"org": org_id}) == [(0,)]
    assert logged_paths(specimens, specimens.creds.org_id) == [("/crm/v5/kept",)]


def test_a_deleted_orgs_waiting_requests_never_reach_an_org_given_its_id(tmp_path: Path) -> None:
    """With a seed, an org made after a delete gets the deleted org's id: the requests of the deleted org that were
    still waiting to be written are forgotten by the delete, not written into the new org's log."""
    settings = make_settings(tmp_path / "seeded", seed=7)
    state, creds = prepare(settings)
    # the app's log, whose writer waits an hour: entries wait until a read writes them
    state.request_log = RequestLog(state.db, 1000, interval=3600)
    app = build_app(state, creds)
    with TestClient(app, base_url="http://127.0.0.1:8000", raise_server_exceptions=False) as client:
        api = Api(client, app.state.credentials, settings.data_dir)
        first = new_org(api)
        assert api.client.get("/crm/v5/org", headers=as_user(first["access_token"])).status_code == 200
        assert call(api, "DELETE", f"/__zcrm/orgs/{first['org_id']}").status_code == 200
        second = new_org(api)
        assert second["org_id"] == first["org_id"]
        log = api.client.get("/__zcrm/requests", headers=as_user(second["access_token"]))
        assert (log.status_code, log.json()) == (200, {"requests": []})
        assert logged_paths(api, second["org_id"]) == []
    state.db.dispose()


def test_the_default_org_cannot_be_deleted(specimens: Api) -> None:
    response = call(specimens, "DELETE", f"/__zcrm/orgs/{specimens.creds.org_id}")
    assert response.status_code == 400
    assert response.json() == error(
        "INVALID_DATA", "the default org cannot be deleted", {"resource_path_index": 2}
    )
    assert specimens.get("/crm/v5/org").status_code == 200


# -- who may call -----------------------------------------------------------------------------------------------------
ENDPOINTS = [
    ("GET", "snapshot"), ("POST", "snapshot"), ("POST", "reset"), ("GET", "seed"), ("PUT", "seed"), ("DELETE", ""),
]  # fmt: skip


def path_of(org_id: str, tail: str) -> str:
    return f"/__zcrm/orgs/{org_id}" + (f"/{tail}" if tail else "")


@pytest.mark.parametrize(("method", "tail"), ENDPOINTS)
def test_tokens_and_unknown_orgs(specimens: Api, method: str, tail: str) -> None:
    org_id = specimens.creds.org_id
    snap = export(specimens, org_id)
    body = snap if tail == "snapshot" and method == "POST" else None
    path = path_of(org_id, tail)
    missing = specimens.client.request(method, path)
    assert (missing.status_code, missing.json()) == (
        401,
        error("AUTHENTICATION_FAILURE", "Authentication failed", {}),
    )
    for headers in ({"X-ZCRM-Admin-Token": "wrong"}, as_user("1000.nope.nope")):
        wrong = call(specimens, method, path, body, headers)
        assert (wrong.status_code, wrong.json()) == (
            401,
            {"code": "INVALID_TOKEN", "details": {}, "message": "invalid oauth token", "status": "error"},
        )
    other = new_org(specimens)  # an administrator of another org
    foreign = call(specimens, method, path, body, as_user(other["access_token"]))
    assert (foreign.status_code, foreign.json()) == (
        403, error("NO_PERMISSION", "Permission denied", {"permissions": ["server_administrator"]})
    )  # fmt: skip
    for unknown in ("1234567000000000000", "abc", org_id + "0"):
        response = call(specimens, method, path_of(unknown, tail), body)
        assert (response.status_code, response.json()) == (
            400, error("INVALID_DATA", BAD_ID, {"resource_path_index": 2})
        ), unknown  # fmt: skip
    assert content(export(specimens, org_id)) == content(snap)


@pytest.mark.parametrize(("method", "tail"), ENDPOINTS)
def test_an_org_administrator_acts_on_its_own_org_but_for_delete(
    specimens: Api, method: str, tail: str
) -> None:
    creds = new_org(specimens)
    org_id, headers = creds["org_id"], as_user(creds["access_token"])
    body = export(specimens, org_id) if tail == "snapshot" and method == "POST" else None
    response = call(specimens, method, path_of(org_id, tail), body, headers)
    if method == "DELETE":
        assert (response.status_code, response.json()) == (
            403, error("NO_PERMISSION", "Permission denied", {"permissions": ["server_administrator"]})
        )  # fmt: skip
        return
    assert response.status_code == 200, response.text
    # a user of the org whose profile is not an administrator's
    user = specimens.client.post(
        "/__zcrm/users",
        json={"last_name": "Rep", "email": "rep@zylker.test", "profile": "Standard"},
        headers=headers,
    ).json()
    issued = specimens.client.post(
        "/__zcrm/tokens", json={"user_id": user["id"], "scope": "ZohoCRM.modules.ALL"}, headers=headers
    ).json()
    denied = call(specimens, method, path_of(org_id, tail), body, as_user(issued["access_token"]))
    assert (denied.status_code, denied.json()) == (
        403, error("NO_PERMISSION", "Permission denied", {"permissions": ["administrator"]})
    )  # fmt: skip


def test_other_methods_and_paths(specimens: Api) -> None:
    org_id = specimens.creds.org_id
    for method, tail in (
        ("PUT", "snapshot"),
        ("GET", "reset"),
        ("POST", "seed"),
        ("GET", ""),
        ("PATCH", "seed"),
    ):
        response = call(specimens, method, path_of(org_id, tail))
        assert (response.status_code, response.json()) == (
            400,
            {
                "code": "INVALID_REQUEST_METHOD",
                "details": {},
                "message": "The http request method type is not a valid one",
                "status": "error",
            },
        ), (
            method,
            tail,
        )
    for tail in ("snapshots", "reset/now", "seed/1"):
        response = call(specimens, "POST", path_of(org_id, tail))
        assert (response.status_code, response.json()) == (
            404,
            {
                "code": "INVALID_URL_PATTERN",
                "details": {},
                "message": "Please check if the URL trying to access is a correct one",
                "status": "error",
            },
        ), tail


# -- bad snapshots --------------------------------------------------------------------------------------------------
def broken(snap: dict[str, Any], change: str) -> dict[str, Any] | Any:
    out = copy.deepcopy(snap)
    record = next(r for r in out["records"] if r["parent_id"] is not None)
    if change == "format":
        out["format"] = "zcrm-snapshot/2"
    elif change == "no format":
        del out["format"]
    elif change == "extra key":
        out["extra"] = 1
    elif change == "no org":
        del out["org"]
    elif change == "records not a list":
        out["records"] = {}
    elif change == "record not an object":
        out["records"][0] = "x"
    elif change == "unknown column":
        record["colour"] = "red"
    elif change == "missing column":
        del record["created_time"]
    elif change == "wrong type":
        record["created_time"] = "yesterday"
    elif change == "bad id":
        record["id"] = "12ab"
    elif change == "too long":
        record["approval_state"] = "x" * 33
    elif change == "duplicate id":
        out["records"].append(copy.deepcopy(out["records"][0]))
    elif change == "duplicate email":
        user = copy.deepcopy(out["users"][0])
        user["id"], user["email"] = "1111111000000000001", user["email"].upper()
        out["users"].append(user)
    elif change == "dangling parent":
        record["parent_id"] = "1111111000000000001"
    elif change == "dangling role":
        out["users"][0]["definition"]["role_id"] = "1111111000000000001"
    elif change == "bad prefix":
        out["org"]["prefix"] = "0000001"
    elif change == "no admin":
        for user in out["users"]:
            user["status"] = "inactive"
    elif change == "bad metadata":
        del out["modules"][0]["definition"]["api_name"]
    return out


def path_at(snap: dict[str, Any], root: str, table: str, column: str) -> str:
    record = (
        next(i for i, r in enumerate(snap[table]) if r["parent_id"] is not None) if table == "records" else 0
    )
    return f"{root}.{table}[{record}].{column}"


CASES: list[tuple[str, Any]] = [
    ("format", lambda s, r: error("INVALID_DATA", "invalid data", {"api_name": "format", "json_path": f"{r}.format", "supported_values": ["zcrm-snapshot/1"]})),
    ("no format", lambda s, r: error("MANDATORY_NOT_FOUND", "required field not found", {"api_name": "format", "json_path": f"{r}.format"})),
    ("extra key", lambda s, r: error("INVALID_DATA", "the field api name given seems to be invalid", {"api_name": "snapshot", "json_path": f"{r}.extra"})),
    ("no org", lambda s, r: error("MANDATORY_NOT_FOUND", "required field not found", {"api_name": "snapshot", "json_path": f"{r}.org"})),
    ("records not a list", lambda s, r: error("INVALID_DATA", "invalid data", {"api_name": "snapshot", "json_path": f"{r}.records", "expected_data_type": "jsonarray"})),
    ("record not an object", lambda s, r: error("INVALID_DATA", "invalid data", {"api_name": "snapshot", "json_path": f"{r}.records[0]", "expected_data_type": "jsonobject"})),
    ("unknown column", lambda s, r: error("INVALID_DATA", "the field api name given seems to be invalid", {"api_name": "snapshot", "json_path": path_at(s, r, "records", "colour")})),
    ("missing column", lambda s, r: error("MANDATORY_NOT_FOUND", "required field not found", {"api_name": "snapshot", "json_path": path_at(s, r, "records", "created_time")})),
    ("wrong type", lambda s, r: error("INVALID_DATA", "invalid data", {"api_name": "snapshot", "json_path": path_at(s, r, "records", "created_time"), "expected_data_type": "integer"})),
    ("bad id", lambda s, r: error("INVALID_DATA", "invalid data", {"api_name": "snapshot", "json_path": path_at(s, r, "records", "id"), "expected_data_type": "id"})),
    ("too long", lambda s, r: error("INVALID_DATA", "invalid data", {"api_name": "snapshot", "json_path": path_at(s, r, "records", "approval_state"), "maximum_length": 32})),
    ("duplicate id", lambda s, r: error("DUPLICATE_DATA", "duplicate data", {"api_name": "snapshot", "json_path": f"{r}.records[{len(s['records'])}].id"})),
    ("duplicate email", lambda s, r: error("DUPLICATE_DATA", "duplicate data", {"api_name": "snapshot", "json_path": f"{r}.users[{len(s['users'])}].email"})),
    ("dangling parent", lambda s, r: error("INVALID_DATA", "the snapshot refers to an id it does not hold", {"api_name": "snapshot", "json_path": path_at(s, r, "records", "parent_id")})),
    ("dangling role", lambda s, r: error("INVALID_DATA", "the snapshot refers to an id it does not hold", {"api_name": "snapshot", "json_path": f"{r}.users[0].definition.role_id"})),
    ("bad prefix", lambda s, r: error("INVALID_DATA", "invalid data", {"api_name": "snapshot", "json_path": f"{r}.org.prefix", "expected_data_type": "prefix"})),
    ("no admin", lambda s, r: error("INVALID_DATA", "the snapshot has no active user with an administrator profile", {"api_name": "snapshot", "json_path": "$.users"})),
    ("bad metadata", lambda s, r: error("INVALID_DATA", "the snapshot's metadata does not load: KeyError('api_name')", {"api_name": "snapshot"})),
]  # fmt: skip


@pytest.mark.parametrize(("change", "expected"), CASES, ids=[c for c, _ in CASES])
def test_a_bad_snapshot_is_refused_and_nothing_changes(specimens: Api, change: str, expected: Any) -> None:
    org_id = specimens.creds.org_id
    populate(specimens)
    snap = export(specimens, org_id)
    orgs_before = sql(specimens, "SELECT COUNT(*) FROM orgs")
    bad = broken(snap, change)
    into = call(specimens, "POST", f"/__zcrm/orgs/{org_id}/snapshot", bad)
    assert (into.status_code, into.json()) == (400, expected(snap, "$"))
    new = call(specimens, "POST", "/__zcrm/orgs", {"snapshot": bad})
    assert (new.status_code, new.json()) == (400, expected(snap, "$.snapshot"))
    assert content(export(specimens, org_id)) == content(snap)
    assert sql(specimens, "SELECT COUNT(*) FROM orgs") == orgs_before


def test_bodies_that_are_no_snapshot(specimens: Api) -> None:
    org_id = specimens.creds.org_id
    for content_ in (b"", b"[]", b"{not json"):
        response = specimens.client.post(
            f"/__zcrm/orgs/{org_id}/snapshot", content=content_, headers=admin(specimens)
        )
        assert (response.status_code, response.json()) == (400, error("INVALID_DATA", "body", {}))
    for body, expected in (
        ({"snapshot": None}, error("INVALID_DATA", "invalid data", {"api_name": "snapshot", "json_path": "$.snapshot", "expected_data_type": "jsonobject"})),
        ({"snapshot": {}, "org_file": {}}, error("INVALID_DATA", "the field api name given seems to be invalid", {"api_name": "org_file"})),
    ):  # fmt: skip
        response = call(specimens, "POST", "/__zcrm/orgs", body)
        assert (response.status_code, response.json()) == (400, expected)


# -- definitions of the wrong type (found by the fuzzer, tests/fuzz/test_snapshot_fuzz.py) ----------------------
@pytest.mark.parametrize(
    ("table", "match", "key", "value", "problem"),
    [
        (
            "fields",
            ("api_name", "Code"),
            "length",
            "x",
            "modules[Specimens].fields[Code].length is not int | None",
        ),
        (
            "fields",
            ("api_name", "Code"),
            "api_name",
            5,
            "modules[Specimens].fields[{id}].api_name is not str",
        ),
        (
            "modules",
            ("api_name", "Targets"),
            "singular_label",
            5,
            "modules[Targets].singular_label is not str",
        ),
        ("users", ("email", "vic@specimen.test"), "time_zone", 7, "users[{user}].time_zone is not str"),
        ("users", ("email", "vic@specimen.test"), "locale", [1], "users[{user}].locale is not str"),
        ("profiles", ("name", "Viewer"), "admin", "yes", "profiles[{profile}].admin is not bool"),
    ],
)
def test_a_snapshot_definition_of_the_wrong_type_is_refused(
    specimens: Api, table: str, match: tuple[str, str], key: str, value: Any, problem: str
) -> None:
    """Imported as they were, these made the new org answer 500 later: on a write (``length``), on the fields and
    layouts lists (``api_name``, ``singular_label``), on the users list (``time_zone``, ``locale``)."""
    snap = export(specimens, specimens.creds.org_id)
    name, wanted = match
    row = next(r for r in snap[table] if r.get(name, r["definition"].get(name)) == wanted)
    row["definition"][key] = value
    response = call(specimens, "POST", "/__zcrm/orgs", {"snapshot": snap})
    assert response.status_code == 400, response.text
    body = response.json()
    assert (body["code"], body["details"]) == ("INVALID_DATA", {"api_name": "snapshot"})
    where = problem.format(id=row["id"], user=row["id"], profile=row["id"])
    assert body["message"] == f"the snapshot's metadata does not load: {where}"
    assert sql(specimens, "SELECT COUNT(*) FROM orgs") == [(1,)]
