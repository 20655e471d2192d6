"""Notes (zoho-v5-related.md §4) as records of /crm/v5/Notes: their parent (the three forms of §4.2,
``$se_module``), read oldest first; workflow rules and the timeline as for any record; a record's notes go with it
(§4.5). The routes under a record: test_notes_routes.py."""

from __future__ import annotations

from typing import Any

from tests.api.notes_world import note, read, world
from tests.api.related_world import RELATED_ID, err
from tests.conftest import Api, sql

__all__ = ["world"]  # the fixture


# -- /crm/v5/Notes -------------------------------------------------------------------------------------------------
def test_the_three_parent_forms_store_the_parent_and_its_module(api: Api, world: dict[str, str]) -> None:
    lead, contact = world["lead"], world["contact"]
    items = [
        {"Note_Title": "a", "Note_Content": "A", "Parent_Id": lead, "se_module": "Leads"},
        {"Note_Title": "b", "Note_Content": "B", "Parent_Id": {"id": contact}, "$se_module": "contacts"},
        {"Note_Title": "c", "Note_Content": "C", "Parent_Id": {"module": {"api_name": "Leads"}, "id": lead}},
    ]
    response = api.post("/crm/v5/Notes", {"data": items})
    assert response.status_code == 201, response.text
    entries = response.json()["data"]
    assert [(e["code"], e["message"], e["status"]) for e in entries] == [
        ("SUCCESS", "record added", "success")
    ] * 3
    ids = [e["details"]["id"] for e in entries]
    assert [read(api, i) for i in ids] == [
        {
            "Note_Title": "a",
            "Note_Content": "A",
            "Parent_Id": {"name": "Daly", "id": lead},
            "$se_module": "Leads",
        },
        {
            "Note_Title": "b",
            "Note_Content": "B",
            "Parent_Id": {"name": "Paul", "id": contact},
            "$se_module": "Contacts",
        },
        {
            "Note_Title": "c",
            "Note_Content": "C",
            "Parent_Id": {"name": "Daly", "id": lead},
            "$se_module": "Leads",
        },
    ]
    full = api.get(f"/crm/v5/Notes/{ids[0]}").json()["data"][0]  # without fields: every field and $se_module
    assert full["$se_module"] == "Leads" and full["Parent_Id"] == {"name": "Daly", "id": lead}
    listed = api.get("/crm/v5/Notes", params={"fields": "Note_Title"}).json()
    assert listed["data"] == [
        {"Note_Title": "a", "id": ids[0], "$se_module": "Leads"},
        {"Note_Title": "b", "id": ids[1], "$se_module": "Contacts"},
        {"Note_Title": "c", "id": ids[2], "$se_module": "Leads"},
    ]
    assert (listed["info"]["sort_by"], listed["info"]["sort_order"]) == ("Created_Time", "asc")


def test_parent_errors_per_item(api: Api, world: dict[str, str]) -> None:
    lead, contact = world["lead"], world["contact"]
    items = [
        {"Note_Content": "no module", "Parent_Id": lead},
        {"Note_Content": "unknown", "Parent_Id": "1" * 19, "se_module": "Leads"},
        {"Note_Content": "another module's", "Parent_Id": contact, "se_module": "Leads"},
        {"Note_Content": "no such module", "Parent_Id": lead, "se_module": "Nope"},
        {"Note_Content": "a module without notes", "Parent_Id": lead, "se_module": "Notes"},
        {"Note_Title": "no content", "Parent_Id": lead, "se_module": "Leads"},
        {"Note_Content": "", "Parent_Id": lead, "se_module": "Leads"},
        {"Note_Content": "no parent"},
        {"Note_Content": "fine", "Parent_Id": lead, "se_module": "Leads"},
    ]
    response = api.post("/crm/v5/Notes", {"data": items})
    assert response.status_code == 207
    data = response.json()["data"]

    def parent_error(n: int) -> dict[str, Any]:
        return err(
            "INVALID_DATA", {"api_name": "Parent_Id", "json_path": f"$.data[{n}].Parent_Id"}, RELATED_ID
        )

    def missing(n: int, name: str) -> dict[str, Any]:
        return err(
            "MANDATORY_NOT_FOUND",
            {"api_name": name, "json_path": f"$.data[{n}].{name}"},
            "required field not found",
        )

    assert data[:8] == [
        missing(0, "se_module"),
        parent_error(1),
        parent_error(2),
        parent_error(3),
        parent_error(4),
        missing(5, "Note_Content"),
        missing(6, "Note_Content"),
        missing(7, "Parent_Id"),
    ]
    assert data[8]["code"] == "SUCCESS"
    listed = api.get("/crm/v5/Notes", params={"fields": "Note_Content"}).json()["data"]
    assert [n["Note_Content"] for n in listed] == ["fine"]


def test_update_moves_a_note_with_its_module(api: Api, world: dict[str, str]) -> None:
    note_id = note(api, world["lead"], Note_Title="t")
    no_module = api.put(f"/crm/v5/Notes/{note_id}", {"data": [{"Parent_Id": world["contact"]}]})
    assert (no_module.status_code, no_module.json()) == (
        400,
        {
            "data": [
                err(
                    "MANDATORY_NOT_FOUND",
                    {"api_name": "se_module", "json_path": "$.data[0].se_module"},
                    "required field not found",
                )
            ]
        },
    )
    moved = api.put(
        f"/crm/v5/Notes/{note_id}",
        {"data": [{"Parent_Id": {"module": {"api_name": "Contacts"}, "id": world["contact"]}}]},
    )
    assert moved.status_code == 200, moved.text
    assert read(api, note_id) == {
        "Note_Title": "t",
        "Note_Content": "text",
        "Parent_Id": {"name": "Paul", "id": world["contact"]},
        "$se_module": "Contacts",
    }
    retitled = api.put("/crm/v5/Notes", {"data": [{"id": note_id, "Note_Title": "u"}]})
    assert retitled.status_code == 200
    assert read(api, note_id)["$se_module"] == "Contacts"


def test_notes_read_oldest_first(api: Api, world: dict[str, str]) -> None:
    now = api.get("/__zcrm/clock").json()["epoch"]
    assert api.put("/__zcrm/clock", {"time": now, "frozen": True}).status_code == 200
    late = note(api, world["lead"], Note_Title="late")
    assert api.put("/__zcrm/clock", {"time": now - 60, "frozen": True}).status_code == 200
    early = note(api, world["lead"], Note_Title="early")  # a larger id, created earlier
    also = note(api, world["lead"], Note_Title="also early")  # same time: by id
    expected = [early, also, late]
    assert int(early) > int(late)
    listed = api.get("/crm/v5/Notes", params={"fields": "Note_Title"}).json()
    assert [n["id"] for n in listed["data"]] == expected
    under = api.get(f"/crm/v5/Leads/{world['lead']}/Notes", params={"fields": "Note_Title"}).json()
    assert [n["id"] for n in under["data"]] == expected
    newest = api.get("/crm/v5/Notes", params={"fields": "Note_Title", "sort_order": "desc"}).json()
    assert [n["id"] for n in newest["data"]] == expected[::-1]


# -- lifecycle -----------------------------------------------------------------------------------------------------
def test_deleting_a_record_deletes_its_notes(api: Api, world: dict[str, str]) -> None:
    lead, other, contact = world["lead"], world["other"], world["contact"]
    gone = [
        note(api, lead, Note_Title="gone 1"),
        note(api, lead, Note_Title="gone 2"),
        note(api, other, Note_Title="gone 3"),
    ]
    kept = [note(api, contact, "Contacts", Note_Title="kept")]
    keys = "SELECT COUNT(*) FROM text_keys WHERE record_id IN ({})"
    assert sql(api, keys.format(",".join(f"'{i}'" for i in gone))) == [(6,)]  # title and parent keys
    assert api.delete("/crm/v5/Leads", params={"ids": f"{lead},{other}"}).status_code == 200
    for note_id in gone:
        assert api.get(f"/crm/v5/Notes/{note_id}").status_code == 204
    assert sql(api, keys.format(",".join(f"'{i}'" for i in gone))) == [(0,)]
    assert [n["id"] for n in api.get("/crm/v5/Notes", params={"fields": "Note_Title"}).json()["data"]] == kept
    search = api.get("/crm/v5/Notes/search", params={"criteria": "(Note_Title:starts_with:gone)"})
    assert search.status_code == 204
    assert api.delete(f"/crm/v5/Notes/{kept[0]}").status_code == 200  # deleting a note deletes only it
    assert api.get(f"/crm/v5/Contacts/{contact}").status_code == 200


def test_notes_run_workflow_rules_and_have_a_timeline(api: Api, world: dict[str, str]) -> None:
    rules = {
        "workflow_rules": [
            {
                "name": "Untitled notes get a title",
                "when": "create",
                "conditions": [{"field": "Note_Title", "operator": "is_empty"}],
                "actions": [{"type": "field_update", "field": "Note_Title", "value": "From a rule"}],
            }
        ]
    }
    assert api.put("/__zcrm/modules/Notes/workflow_rules", rules).status_code == 200
    untitled, titled = note(api, world["lead"]), note(api, world["lead"], Note_Title="Mine")
    assert read(api, untitled)["Note_Title"] == "From a rule"
    assert read(api, titled)["Note_Title"] == "Mine"
    quiet = api.post(f"/crm/v5/Leads/{world['lead']}/Notes", {"data": [{"Note_Content": "q"}], "trigger": []})
    assert read(api, quiet.json()["data"][0]["details"]["id"])["Note_Title"] is None
    timeline = api.get(f"/crm/v5/Notes/{untitled}/__timeline")
    assert timeline.status_code == 200, timeline.text
    assert [e["action"] for e in timeline.json()["__timeline"]][-1] == "added"


def test_upsert_takes_the_parent_forms_too(api: Api, world: dict[str, str]) -> None:
    lead, contact = world["lead"], world["contact"]
    existing = note(api, lead, Note_Title="old")
    items = [
        {"Note_Content": "new", "Parent_Id": {"module": {"api_name": "Contacts"}, "id": contact}},
        {"id": existing, "Note_Title": "upserted"},
        {"Note_Content": "no module", "Parent_Id": lead},
    ]
    response = api.post("/crm/v5/Notes/upsert", {"data": items})
    assert response.status_code == 207, response.text
    data = response.json()["data"]
    assert [(e["code"], e["message"]) for e in data[:2]] == [
        ("SUCCESS", "record added"),
        ("SUCCESS", "record updated"),
    ]
    assert data[2] == err(
        "MANDATORY_NOT_FOUND",
        {"api_name": "se_module", "json_path": "$.data[2].se_module"},
        "required field not found",
    )
    assert read(api, data[0]["details"]["id"])["Parent_Id"] == {"name": "Paul", "id": contact}
    assert read(api, existing) == {
        "Note_Title": "upserted",
        "Note_Content": "text",
        "Parent_Id": {"name": "Daly", "id": lead},
        "$se_module": "Leads",
    }
