"""What moves with a converted lead (zoho-v5-related.md §8.4): notes to the contact, attachments where
``move_attachments_to`` says, campaign and product links to the contact, the tags ``carry_over_tags`` names; and
all or nothing (§8.2 step 7): a failed conversion leaves every one of them, and the lead, as they were. Notes,
attachments, links and tags are made and read with SQL (their APIs are built elsewhere)."""

from __future__ import annotations

import json
from itertools import count
from typing import Any

from tests.api.test_convert import DEAL, PAUL, convert, converted, ids_of, read
from tests.conftest import Api, sql

_serial = count(1)


def module_ids(api: Api) -> dict[str, str]:
    modules = api.get("/crm/v5/settings/modules").json()["modules"]
    return {m["api_name"]: m["id"] for m in modules}


def fresh_id(api: Api) -> str:
    return f"{api.creds.org_id[:7]}9999{next(_serial):08d}"


def add_note(api: Api, notes_module: str, parent: str, boxed: bool) -> str:
    note_id = fresh_id(api)
    data = {
        "Note_Content": "call back",
        "Parent_Id": {"id": parent} if boxed else parent,
        "$se_module": "Leads",
    }
    sql(
        api,
        "INSERT INTO records (org_id, id, module_id, parent_id, data, owner_id, created_by, modified_by,"
        " created_time, modified_time, approval_state, lock_state, converted) VALUES (:o, :id, :m, NULL, :d, :u, :u,"
        " :u, 1, 1, 'approved', NULL, :f)",
        {
            "o": api.creds.org_id,
            "id": note_id,
            "m": notes_module,
            "d": json.dumps(data),
            "u": api.creds.user_id,
            "f": False,
        },
    )
    sql(  # and its parent's search key, as the write tail keeps it (store/keys.py)
        api,
        "INSERT INTO text_keys (org_id, module_id, field, search_key, record_id)"
        " VALUES (:o, :m, 'Parent_Id', :p, :id)",
        {"o": api.creds.org_id, "m": notes_module, "p": parent, "id": note_id},
    )
    return note_id


def note(api: Api, note_id: str) -> dict[str, Any]:
    [(data,)] = sql(api, "SELECT data FROM records WHERE id = :id", {"id": note_id})
    return dict(json.loads(data))


def add_attachment(api: Api, record_id: str, module_id: str) -> str:
    attachment = fresh_id(api)
    sql(
        api,
        "INSERT INTO attachments (org_id, id, record_id, module_id, file_id, link_url, file_name, size, owner_id,"
        " created_by, modified_by, created_time, modified_time) VALUES (:o, :id, :r, :m, NULL, 'https://x.test/a',"
        " 'a', 0, :u, :u, :u, 1, 1)",
        {"o": api.creds.org_id, "id": attachment, "r": record_id, "m": module_id, "u": api.creds.user_id},
    )
    return attachment


def attachment_of(api: Api, attachment: str) -> tuple[Any, ...]:
    [row] = sql(api, "SELECT record_id, module_id FROM attachments WHERE id = :id", {"id": attachment})
    return row


def link(api: Api, relation: str, left: str, right: str, data: dict[str, Any]) -> None:
    sql(
        api,
        "INSERT INTO relations (org_id, relation, left_id, right_id, data, created_time)"
        " VALUES (:o, :r, :a, :b, :d, 1)",
        {"o": api.creds.org_id, "r": relation, "a": left, "b": right, "d": json.dumps(data)},
    )


def links(api: Api) -> list[tuple[str, str, str, dict[str, Any]]]:
    rows = sql(
        api,
        "SELECT relation, left_id, right_id, data FROM relations WHERE org_id = :o",
        {"o": api.creds.org_id},
    )
    return sorted((r[0], r[1], r[2], json.loads(r[3])) for r in rows)


def tag(api: Api, module_id: str, name: str, *records: str) -> str:
    tag_id = fresh_id(api)
    sql(
        api,
        "INSERT INTO tags (org_id, id, module_id, name, color_code, created_by, modified_by, created_time,"
        " modified_time) VALUES (:o, :id, :m, :n, '#57B1FD', :u, :u, 1, 1)",
        {"o": api.creds.org_id, "id": tag_id, "m": module_id, "n": name, "u": api.creds.user_id},
    )
    for record in records:
        sql(
            api,
            "INSERT INTO record_tags (org_id, record_id, tag_id) VALUES (:o, :r, :t)",
            {"o": api.creds.org_id, "r": record, "t": tag_id},
        )
    return tag_id


def tags_of(api: Api, record_id: str) -> list[tuple[str, str, str | None]]:
    rows = sql(
        api,
        "SELECT t.name, t.module_id, t.color_code FROM record_tags rt JOIN tags t ON t.org_id = rt.org_id"
        " AND t.id = rt.tag_id WHERE rt.record_id = :r ORDER BY t.name",
        {"r": record_id},
    )
    return [tuple(r) for r in rows]  # type: ignore[misc]


def test_notes_attachments_links_and_tags_move(api: Api) -> None:
    m = module_ids(api)
    [lead] = api.insert("Leads", PAUL)
    [contact] = api.insert("Contacts", {"Last_Name": "Daly", "Email": "paul@daly.test"})
    first, second = api.insert("Campaigns", {"Campaign_Name": "Spring"}, {"Campaign_Name": "Autumn"})
    [product] = api.insert("Products", {"Product_Name": "Widget"})
    plain, boxed = add_note(api, m["Notes"], lead, False), add_note(api, m["Notes"], lead, True)
    elsewhere = add_note(api, m["Notes"], contact, False)
    attachment = add_attachment(api, lead, m["Leads"])
    link(api, "Campaigns.Leads", first, lead, {"Member_Status": "Sent"})
    link(api, "Campaigns.Leads", second, lead, {"Member_Status": "Sent"})
    link(api, "Campaigns.Contacts", second, contact, {"Member_Status": "Received"})  # linked already: kept
    link(api, "Leads.Products", lead, product, {})
    tag(api, m["Leads"], "Hot", lead)
    tag(api, m["Leads"], "Cold", lead)
    tag(api, m["Leads"], "Unused")
    existing = tag(api, m["Contacts"], "HOT")
    carry = {"Contacts": ["hot", "Missing"], "Deals": ["Cold"], "Accounts": ["Unused"]}
    item = {"Deals": DEAL, "carry_over_tags": carry, "move_attachments_to": {"api_name": "Deals"}}
    details = converted(convert(api, lead, item))
    deal, account = details["Deals"]["id"], details["Accounts"]["id"]
    assert details["Contacts"]["id"] == contact
    assert note(api, plain) == {"Note_Content": "call back", "Parent_Id": contact, "$se_module": "Contacts"}
    assert note(api, boxed)["Parent_Id"] == {"id": contact}
    assert note(api, elsewhere)["Parent_Id"] == contact
    moved = api.get(f"/crm/v5/Contacts/{contact}/Notes", params={"fields": "Note_Content"}).json()["data"]
    assert sorted(n["id"] for n in moved) == sorted([plain, boxed, elsewhere])  # through the parent's key
    assert api.get(f"/crm/v5/Leads/{lead}/Notes", params={"fields": "Note_Content"}).status_code == 204
    assert attachment_of(api, attachment) == (deal, m["Deals"])
    assert links(api) == sorted(
        [
            ("Campaigns.Contacts", first, contact, {"Member_Status": "Sent"}),
            ("Campaigns.Contacts", second, contact, {"Member_Status": "Received"}),
            ("Contacts.Products", contact, product, {}),
        ]
    )
    assert tags_of(api, contact) == [("HOT", m["Contacts"], "#57B1FD")]
    assert tags_of(api, deal) == [("Cold", m["Deals"], "#57B1FD")]
    assert tags_of(api, account) == []
    assert [name for name, _, _ in tags_of(api, lead)] == ["Cold", "Hot"]  # the lead keeps its own
    [(hot_tags,)] = sql(api, "SELECT count(*) FROM tags WHERE module_id = :m", {"m": m["Contacts"]})
    assert hot_tags == 1 and existing


def test_attachments_to_the_account(api: Api) -> None:
    m = module_ids(api)
    [lead] = api.insert("Leads", PAUL)
    attachment = add_attachment(api, lead, m["Leads"])
    details = converted(convert(api, lead, {"move_attachments_to": {"api_name": "Accounts"}}))
    assert attachment_of(api, attachment) == (details["Accounts"]["id"], m["Accounts"])


def test_a_failed_conversion_changes_nothing(api: Api) -> None:
    m = module_ids(api)
    [lead] = api.insert("Leads", PAUL)
    [campaign] = api.insert("Campaigns", {"Campaign_Name": "Spring"})
    plain = add_note(api, m["Notes"], lead, False)
    attachment = add_attachment(api, lead, m["Leads"])
    link(api, "Campaigns.Leads", campaign, lead, {"Member_Status": "Sent"})
    tag(api, m["Leads"], "Hot", lead)
    before = read(api, "Leads", lead)
    # the account and the contact are written before the deal fails
    item = {
        "Deals": {"Deal_Name": "No date", "Stage": "Qualification"},
        "carry_over_tags": {"Contacts": ["Hot"]},
    }
    response = convert(api, lead, item)
    assert response.status_code == 400
    assert response.json()["data"][0]["details"]["json_path"] == "$.data[0].Deals.Closing_Date"
    assert read(api, "Leads", lead) == before
    assert ids_of(api, "Accounts") == [] and ids_of(api, "Contacts") == [] and ids_of(api, "Deals") == []
    assert note(api, plain)["Parent_Id"] == lead
    assert attachment_of(api, attachment) == (lead, m["Leads"])
    assert links(api) == [("Campaigns.Leads", campaign, lead, {"Member_Status": "Sent"})]
    [(tag_count,)] = sql(api, "SELECT count(*) FROM tags")
    assert tag_count == 1
    [(events,)] = sql(api, "SELECT count(*) FROM changes WHERE module_id <> :m", {"m": m["Leads"]})
    [(campaign_events,)] = sql(
        api, "SELECT count(*) FROM changes WHERE module_id = :m", {"m": m["Campaigns"]}
    )
    assert events == campaign_events  # nothing of the failed conversion's inserts was recorded
    details = converted(convert(api, lead, {**item, "Deals": DEAL}))  # and it converts once fixed
    assert note(api, plain)["Parent_Id"] == details["Contacts"]["id"]
    assert attachment_of(api, attachment) == (details["Contacts"]["id"], m["Contacts"])  # by default
    assert tags_of(api, details["Contacts"]["id"])[0][:2] == ("Hot", m["Contacts"])
