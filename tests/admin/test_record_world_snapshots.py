"""A record's world in the org lifecycle (docs/snapshots.md): campaign and price book links with their junction
fields, notes, files and upload rows, attachments (a file and a link), a photo, tags, the recycle bin and a converted
lead go into a snapshot, come back identical from an import into a new org and from a reset, and go with a deleted
org. Broken world snapshots: test_record_world_snapshot_checks.py."""

from __future__ import annotations

import copy
import os
from typing import Any

from tests.admin.test_org_snapshots import as_user, call, export, new_org
from tests.conftest import Api, sql
from zcrm.store.snapshots import org_tables

MB = 1024 * 1024
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(200))
ATTACHMENT_FIELDS = "File_Name,Size,Parent_Id,Owner,Created_Time,Modified_Time,Created_By,Modified_By"
WORLD_TABLES = ("relations", "deleted_records", "blobs", "files", "attachments", "tags", "record_tags")


class Client:
    """The API as one org's administrator."""

    def __init__(self, api: Api, token: str) -> None:
        self.api, self.headers = api, as_user(token)

    def send(self, method: str, path: str, expected: int, **kwargs: Any) -> Any:
        response = self.api.client.request(method, path, headers=self.headers, **kwargs)
        assert response.status_code == expected, (method, path, response.text)
        return response

    def insert(self, module: str, record: dict[str, Any]) -> str:
        body = self.send("POST", f"/crm/v5/{module}", 201, json={"data": [record]}).json()
        return str(body["data"][0]["details"]["id"])

    def download(self, path: str, **params: str) -> tuple[int, bytes, str | None, str | None]:
        response = self.api.client.get(path, params=params, headers=self.headers)
        headers = response.headers
        return (
            response.status_code,
            response.content,
            headers.get("content-type"),
            headers.get("content-disposition"),
        )

    def read(self, path: str, **params: str) -> tuple[int, Any]:
        response = self.api.client.get(path, params=params, headers=self.headers)
        return response.status_code, response.json() if response.content else None


def populate(api: Api, token: str | None = None) -> tuple[dict[str, str], dict[str, bytes]]:
    """One of everything hanging off records, through the API (in the default org unless ``token`` is another
    org's); its ids and file contents."""
    me = Client(api, token or api.creds.access_token)
    ids: dict[str, str] = {}
    contents = {"attachment": os.urandom(MB + 3), "image": PNG + b"deal", "photo": PNG + b"photo"}
    ids["campaign"] = me.insert("Campaigns", {"Campaign_Name": "Spring"})
    ids["lead"] = me.insert("Leads", {"Last_Name": "Daly", "Company": "Zylker"})
    me.send(
        "PUT",
        f"/crm/v5/Campaigns/{ids['campaign']}/Leads",
        200,
        json={"data": [{"id": ids["lead"], "Member_Status": "Sent"}]},
    )
    ids["product"] = me.insert("Products", {"Product_Name": "Widget", "Unit_Price": 10})
    ids["price_book"] = me.insert("Price_Books", {"Price_Book_Name": "Retail"})
    me.send(
        "PUT",
        f"/crm/v5/Price_Books/{ids['price_book']}/Products",
        200,
        json={"data": [{"id": ids["product"], "list_price": 9.5}]},
    )
    ids["contact"] = me.insert("Contacts", {"Last_Name": "Lee"})
    me.send(
        "POST",
        f"/crm/v5/Contacts/{ids['contact']}/Notes",
        201,
        json={"data": [{"Note_Title": "Call", "Note_Content": "Demo"}, {"Note_Content": "Follow up"}]},
    )
    uploaded = me.send(
        "POST", "/crm/v5/files", 200, files=[("file", ("deal.png", contents["image"], "image/png"))]
    )
    ids["file"] = uploaded.json()["data"][0]["details"]["id"]
    ids["deal"] = me.insert(
        "Deals",
        {
            "Deal_Name": "Big",
            "Stage": "Qualification",
            "Closing_Date": "2026-12-31",
            "Image_Upload": [{"File_Id__s": ids["file"], "Description__s": "front"}],
        },
    )
    ids["account"] = me.insert("Accounts", {"Account_Name": "Initech"})
    attachments = f"/crm/v5/Accounts/{ids['account']}/Attachments"
    me.send(
        "POST", attachments, 200, files=[("file", ("report.bin", contents["attachment"], "application/pdf"))]
    )
    me.send("POST", attachments, 200, params={"attachmentUrl": "https://zylker.com/a", "title": "Zylker"})
    me.send(
        "POST",
        f"/crm/v5/Contacts/{ids['contact']}/photo",
        200,
        files=[("file", ("face.png", contents["photo"], "image/png"))],
    )
    me.send(
        "POST",
        f"/crm/v5/Leads/{ids['lead']}/actions/add_tags",
        200,
        json={"tags": [{"name": "Hot", "color_code": "#F17574"}, {"name": "Cold"}]},
    )
    ids["gone"] = me.insert("Leads", {"Last_Name": "Gone", "Company": "Vandelay"})
    me.send("DELETE", f"/crm/v5/Leads/{ids['gone']}", 200)
    ids["converted"] = me.insert(
        "Leads", {"Last_Name": "Boyle", "Company": "Globex", "Email": "p@globex.test"}
    )
    me.send("POST", f"/crm/v5/Leads/{ids['converted']}/actions/convert", 200, json={"data": [{}]})
    return ids, contents


def reads(api: Api, token: str, ids: dict[str, str]) -> dict[str, Any]:
    """Everything the populated world reads as through the API (downloads as bytes)."""
    me = Client(api, token)
    out: dict[str, Any] = {}
    for name, module in (
        ("campaign", "Campaigns"),
        ("lead", "Leads"),
        ("product", "Products"),
        ("price_book", "Price_Books"),
        ("contact", "Contacts"),
        ("deal", "Deals"),
        ("account", "Accounts"),
        ("converted", "Leads"),
        ("gone", "Leads"),
    ):
        out[name] = me.read(f"/crm/v5/{module}/{ids[name]}")
    out["campaign leads"] = me.read(
        f"/crm/v5/Campaigns/{ids['campaign']}/Leads", fields="Last_Name,Member_Status"
    )
    out["lead campaigns"] = me.read(
        f"/crm/v5/Leads/{ids['lead']}/Campaigns", fields="Campaign_Name,Member_Status"
    )
    out["book products"] = me.read(
        f"/crm/v5/Price_Books/{ids['price_book']}/Products", fields="Product_Name,list_price"
    )
    out["product books"] = me.read(
        f"/crm/v5/Products/{ids['product']}/Price_Books", fields="Price_Book_Name,list_price"
    )
    out["notes"] = me.read(
        f"/crm/v5/Contacts/{ids['contact']}/Notes", fields="Note_Title,Note_Content,Parent_Id"
    )
    out["notes list"] = me.read("/crm/v5/Notes", fields="Note_Title,Note_Content,Parent_Id,Created_Time")
    path = f"/crm/v5/Accounts/{ids['account']}/Attachments"
    out["attachments"] = me.read(path, fields=ATTACHMENT_FIELDS)
    listed = out["attachments"][1]["data"] if out["attachments"][0] == 200 else []
    for item in listed:
        out[f"attachment {item['$type']}"] = me.download(f"{path}/{item['id']}")
        if item["$file_id"]:
            out[f"file {item['$type']}"] = me.download("/crm/v5/files", id=item["$file_id"])
    out["photo"] = me.download(f"/crm/v5/Contacts/{ids['contact']}/photo")
    photo_file = (out["contact"][1] or {"data": [{}]})["data"][0].get("Record_Image")
    out["photo file"] = me.download("/crm/v5/files", id=str(photo_file))
    out["image file"] = me.download("/crm/v5/files", id=ids["file"])
    out["lead tags"] = me.read("/crm/v5/settings/tags", module="Leads")
    out["deleted"] = me.read("/crm/v5/Leads/deleted")
    out["deleted deals"] = me.read("/crm/v5/Deals/deleted")
    out["converted list"] = me.read("/crm/v5/Leads", fields="Last_Name,Converted__s", converted="true")
    return out


def check_world(got: dict[str, Any], ids: dict[str, str], contents: dict[str, bytes]) -> None:
    """What populate made, read back: enough to show that ``reads`` saw the world and not empty answers."""
    assert got["campaign leads"] == (
        200,
        {
            "data": [{"Last_Name": "Daly", "id": ids["lead"], "Member_Status": "Sent"}],
            "info": got["campaign leads"][1]["info"],
        },
    )
    assert got["product books"][1]["data"] == [
        {"Price_Book_Name": "Retail", "id": ids["price_book"], "list_price": 9.5}
    ]
    assert [n["Note_Content"] for n in got["notes"][1]["data"]] == ["Demo", "Follow up"]
    assert got["attachment File"][:3] == (200, contents["attachment"], "application/pdf")
    assert got["file File"][1] == contents["attachment"]
    assert got["attachment Link URL"][0] == 400  # DOWNLOAD_NOT_ALLOWED
    assert got["photo"][:3] == (200, contents["photo"], "image/png")
    assert got["photo file"][1] == contents["photo"]
    assert got["image file"][:2] == (200, contents["image"])
    [row] = got["deal"][1]["data"][0]["Image_Upload"]
    assert (row["File_Id__s"], row["Description__s"], row["Size__s"]) == (
        ids["file"],
        "front",
        str(len(contents["image"])),
    )
    assert [t["name"] for t in got["lead"][1]["data"][0]["Tag"]] == ["Cold", "Hot"]
    assert [t["name"] for t in got["lead tags"][1]["tags"]] == ["Cold", "Hot"]
    assert got["gone"][0] == 204
    assert [(e["id"], e["display_name"]) for e in got["deleted"][1]["data"]] == [(ids["gone"], "Gone")]
    lead = got["converted"][1]["data"][0]
    assert (
        lead["Converted__s"] is True and lead["Converted_Contact"]["id"] and lead["Converted_Account"]["id"]
    )


def content(snapshot: dict[str, Any]) -> dict[str, Any]:
    """A snapshot without what differs between orgs of one content: the export time and the org row's ids."""
    out = copy.deepcopy(snapshot)
    del out["exported_time"]
    out["org"] = {
        k: v for k, v in out["org"].items() if k not in ("id", "prefix", "next_id", "schema_version")
    }
    return out


def world_rows(api: Api, org_id: str) -> dict[str, int]:
    return {
        t: sql(api, f"SELECT COUNT(*) FROM {t} WHERE org_id = :org", {"org": org_id})[0][0]
        for t in WORLD_TABLES
    }


def test_a_new_org_from_the_snapshot_reads_the_same_world(api: Api) -> None:
    ids, contents = populate(api)
    before = reads(api, api.creds.access_token, ids)
    check_world(before, ids, contents)
    snap = export(api, api.creds.org_id)
    assert {t: len(snap[t]) for t in WORLD_TABLES} == {
        "relations": 2,
        "deleted_records": 1,
        "blobs": 4,
        "files": 3,
        "attachments": 2,
        "tags": 2,
        "record_tags": 2,
    }  # the attachment: two 1 MB chunks
    creds = new_org(api, {"snapshot": snap})
    assert creds["org_id"] != api.creds.org_id
    assert reads(api, creds["access_token"], ids) == before
    again = export(api, creds["org_id"])
    assert content(again) == content(snap)
    assert again["org"]["id"] == creds["org_id"] and snap["org"]["id"] == api.creds.org_id
    assert world_rows(api, creds["org_id"]) == world_rows(api, api.creds.org_id)


def change_world(client: Client, ids: dict[str, str]) -> None:
    """Adds a link, a note, an attachment and a tag, delinks and deletes what the seed holds."""
    other = client.insert("Leads", {"Last_Name": "Later", "Company": "Hooli"})
    client.send(
        "PUT",
        f"/crm/v5/Campaigns/{ids['campaign']}/Leads/{other}",
        200,
        json={"data": [{"Member_Status": "Received"}]},
    )
    client.send(
        "DELETE", f"/crm/v5/Price_Books/{ids['price_book']}/Products", 200, params={"ids": ids["product"]}
    )
    client.send(
        "POST", f"/crm/v5/Contacts/{ids['contact']}/Notes", 201, json={"data": [{"Note_Content": "Later"}]}
    )
    client.send(
        "POST",
        f"/crm/v5/Accounts/{ids['account']}/Attachments",
        200,
        files=[("file", ("later.txt", b"later", "text/plain"))],
    )
    client.send(
        "POST", f"/crm/v5/Leads/{ids['lead']}/actions/add_tags", 200, json={"tags": [{"name": "Later"}]}
    )
    client.send(
        "POST", f"/crm/v5/Leads/{ids['lead']}/actions/remove_tags", 200, json={"tags": [{"name": "Hot"}]}
    )
    client.send("DELETE", f"/crm/v5/Contacts/{ids['contact']}/photo", 200)
    client.send("DELETE", f"/crm/v5/Deals/{ids['deal']}", 200)
    client.send("DELETE", f"/crm/v5/Accounts/{ids['account']}", 200)
    client.send("DELETE", f"/crm/v5/Leads/{ids['converted']}", 200)


def test_a_reset_brings_back_the_seeded_world_and_nothing_added_since(api: Api) -> None:
    ids, contents = populate(api)
    before = reads(api, api.creds.access_token, ids)
    check_world(before, ids, contents)
    snap = export(api, api.creds.org_id)
    creds = new_org(api, {"snapshot": snap})  # its seed is the snapshot
    org_id, token = creds["org_id"], creds["access_token"]
    seeded_rows = world_rows(api, org_id)
    change_world(Client(api, token), ids)
    changed = reads(api, token, ids)
    assert changed != before and changed["deal"][0] == 204 and len(changed["deleted"][1]["data"]) == 2
    assert changed["deleted deals"][1]["data"][0]["id"] == ids["deal"]
    assert world_rows(api, org_id) != seeded_rows

    assert call(api, "POST", f"/__zcrm/orgs/{org_id}/reset").status_code == 200
    assert reads(api, token, ids) == before
    assert content(export(api, org_id)) == content(snap)
    assert world_rows(api, org_id) == seeded_rows


def test_a_reset_of_an_org_made_from_its_template_empties_its_world(api: Api) -> None:
    creds = new_org(api)  # the standard org, copied from its template: a reset copies the template again
    org_id, token = creds["org_id"], creds["access_token"]
    empty = world_rows(api, org_id)
    assert set(empty.values()) == {0}
    ids, contents = populate(api, token)
    check_world(reads(api, token, ids), ids, contents)
    assert call(api, "POST", f"/__zcrm/orgs/{org_id}/reset").status_code == 200
    assert world_rows(api, org_id) == empty
    after = reads(api, token, ids)
    assert {
        name: after[name][0] for name in ("campaign", "deal", "contact", "converted", "image file", "deleted")
    } == {"campaign": 204, "deal": 204, "contact": 204, "converted": 204, "image file": 204, "deleted": 204}


def test_put_seed_then_reset_the_default_org(api: Api) -> None:
    org_id, token = api.creds.org_id, api.creds.access_token
    ids, contents = populate(api)
    before = reads(api, token, ids)
    check_world(before, ids, contents)
    snap = export(api, org_id)
    assert call(api, "PUT", f"/__zcrm/orgs/{org_id}/seed").status_code == 200
    change_world(Client(api, token), ids)
    assert reads(api, token, ids) != before
    assert call(api, "POST", f"/__zcrm/orgs/{org_id}/reset").status_code == 200
    assert reads(api, token, ids) == before
    assert content(export(api, org_id)) == content(snap)


def test_deleting_an_org_deletes_its_world_and_nothing_else(api: Api) -> None:
    ids, contents = populate(api)
    snap = export(api, api.creds.org_id)
    creds = new_org(api, {"snapshot": snap})
    org_id = creds["org_id"]
    own = Client(api, creds["access_token"])  # rows of its own, besides the imported ones
    own.send(
        "POST", f"/crm/v5/Contacts/{ids['contact']}/Attachments", 200, files=[("file", ("own.txt", b"own"))]
    )
    own.send(
        "POST", f"/crm/v5/Accounts/{ids['account']}/actions/add_tags", 200, json={"tags": [{"name": "Own"}]}
    )
    assert all(world_rows(api, org_id).values())
    with api.client.app.state.zcrm.db.read() as conn:  # type: ignore[attr-defined]
        tables = org_tables(conn)
    assert set(WORLD_TABLES) <= set(tables)
    kept = [t for t in tables if t not in ("request_log", "api_usage")]  # these grow with the reads below

    def rows_of_mine() -> dict[str, list[str]]:
        return {
            t: sorted(map(str, sql(api, f"SELECT * FROM {t} WHERE org_id = :o", {"o": api.creds.org_id})))
            for t in kept
        }

    mine = rows_of_mine()
    before = reads(api, api.creds.access_token, ids)
    check_world(before, ids, contents)

    response = call(api, "DELETE", f"/__zcrm/orgs/{org_id}")
    assert response.status_code == 200, response.text
    assert set(WORLD_TABLES) <= set(response.json()["deleted"])
    for table in tables:
        assert sql(api, f"SELECT COUNT(*) FROM {table} WHERE org_id = :org", {"org": org_id}) == [(0,)], table
    assert rows_of_mine() == mine
    assert reads(api, api.creds.access_token, ids) == before
    assert content(export(api, api.creds.org_id)) == content(snap)
