"""A record's notes (zoho-v5-related.md §4): ``/crm/v5/{module}/{id}/Notes`` and ``…/Notes/{note_id}`` with §1.3's
check order and §1.6's scopes; who cannot see the parent cannot see or add its notes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from tests.api.notes_world import FIELDS, note, read, world
from tests.api.related_world import RELATED_ID, err, one_page, too_many
from tests.api.sharing_org import as_user, sharing_org
from tests.conftest import Api, sql

__all__ = ["world"]  # the fixture
NOTES_ORG = Path(__file__).parent.parent / "data" / "notes_sharing.yaml"


# -- /crm/v5/{module}/{id}/Notes -------------------------------------------------------------------------------------
def test_list_a_records_notes(api: Api, world: dict[str, str]) -> None:
    lead = world["lead"]
    path = f"/crm/v5/Leads/{lead}/Notes"
    assert (
        api.get(path, params={"fields": FIELDS}).status_code,
        api.get(path, params={"fields": FIELDS}).content,
    ) == (204, b"")
    first, second = note(api, lead, Note_Title="1"), note(api, lead, Note_Title="2")
    note(api, world["other"], Note_Title="elsewhere")
    missing = api.get(path)
    assert (missing.status_code, missing.json()) == (
        400,
        err("REQUIRED_PARAM_MISSING", {"param_name": "fields"}, "One of the expected parameter is missing"),
    )
    body = api.get(path, params={"fields": "Note_Title,Parent_Id,Nope"}).json()
    assert body == {
        "data": [
            {
                "Note_Title": "1",
                "Parent_Id": {"name": "Daly", "id": lead},
                "id": first,
                "$se_module": "Leads",
            },
            {
                "Note_Title": "2",
                "Parent_Id": {"name": "Daly", "id": lead},
                "id": second,
                "$se_module": "Leads",
            },
        ],
        "info": one_page(2),
    }
    page = api.get(path, params={"fields": "Note_Title", "per_page": 1, "page": 2}).json()
    assert ([n["id"] for n in page["data"]], page["info"]["page"], page["info"]["more_records"]) == (
        [second],
        2,
        False,
    )
    first_page = api.get(path, params={"fields": "Note_Title", "per_page": 1}).json()
    assert first_page["info"]["more_records"] is True and first_page["info"]["next_page_token"]
    token = first_page["info"]["next_page_token"]
    following = api.get(path, params={"fields": "Note_Title", "per_page": 1, "page_token": token}).json()
    assert [n["id"] for n in following["data"]] == [second]


def test_add_notes_under_a_record(api: Api, world: dict[str, str]) -> None:
    lead = world["lead"]
    path = f"/crm/v5/Leads/{lead}/Notes"
    body = {
        "data": [
            {"Note_Title": "x", "Note_Content": "X", "Parent_Id": world["contact"], "se_module": "Contacts"},
            {"Note_Title": "no content"},
        ]
    }
    response = api.post(path, body)
    assert response.status_code == 207
    data = response.json()["data"]
    assert data[0]["code"] == "SUCCESS" and data[0]["message"] == "record added"
    assert set(data[0]["details"]) == {
        "Modified_Time",
        "Modified_By",
        "Created_Time",
        "id",
        "Created_By",
        "$approval_state",
    }
    assert data[1] == err(
        "MANDATORY_NOT_FOUND",
        {"api_name": "Note_Content", "json_path": "$.data[1].Note_Content"},
        "required field not found",
    )
    assert read(api, data[0]["details"]["id"]) == {
        "Note_Title": "x",
        "Note_Content": "X",
        "Parent_Id": {"name": "Daly", "id": lead},
        "$se_module": "Leads",
    }
    everything_fine = api.post(path, {"data": [{"Note_Content": "Y"}, {"Note_Content": "Z"}]})
    assert everything_fine.status_code == 201
    assert api.post(path, {"data": [{"Note_Title": "t"}]}).status_code == 400
    empty = api.post(path, {"data": []})
    assert (empty.status_code, empty.json()) == (
        400,
        err("MANDATORY_NOT_FOUND", {"api_name": "data", "json_path": "$.data"}, "required field not found"),
    )
    many = api.post(path, {"data": [{"Note_Content": "n"}] * 101})
    assert (many.status_code, many.json()) == (
        400,
        too_many(100),
    )
    # the change log has the notes' inserts as any record's
    assert sql(
        api,
        "SELECT COUNT(*) FROM changes WHERE record_id = :r AND operation = 'insert'",
        {"r": data[0]["details"]["id"]},
    ) == [(1,)]


def test_get_update_and_delete_one_note(api: Api, world: dict[str, str]) -> None:
    lead, other = world["lead"], world["other"]
    mine, theirs = note(api, lead, Note_Title="mine"), note(api, other, Note_Title="theirs")
    one = api.get(f"/crm/v5/Leads/{lead}/Notes/{mine}", params={"fields": "Note_Title"})
    assert (one.status_code, one.json()) == (
        200,
        {"data": [{"Note_Title": "mine", "id": mine, "$se_module": "Leads"}]},
    )
    every = api.get(f"/crm/v5/Leads/{lead}/Notes/{mine}").json()["data"][0]
    assert every["Note_Content"] == "text" and every["Parent_Id"] == {"name": "Daly", "id": lead}
    for absent in (theirs, "1" * 19, "abc"):
        response = api.get(f"/crm/v5/Leads/{lead}/Notes/{absent}")
        assert (response.status_code, response.content) == (204, b"")

    updated = api.put(
        f"/crm/v5/Leads/{lead}/Notes/{mine}",
        {"data": [{"Note_Title": "changed", "Parent_Id": other, "se_module": "Leads"}]},
    )
    assert updated.status_code == 200 and updated.json()["data"][0]["message"] == "record updated"
    assert read(api, mine) == {
        "Note_Title": "changed",
        "Note_Content": "text",
        "Parent_Id": {"name": "Daly", "id": lead},  # the path's parent: the body's is ignored
        "$se_module": "Leads",
    }
    not_mine = api.put(f"/crm/v5/Leads/{lead}/Notes/{theirs}", {"data": [{"Note_Title": "stolen"}]})
    assert (not_mine.status_code, not_mine.json()) == (
        400,
        {"data": [err("INVALID_DATA", {"resource_path_index": 3}, RELATED_ID)]},
    )
    assert read(api, theirs)["Note_Title"] == "theirs"

    refused = api.delete(f"/crm/v5/Leads/{lead}/Notes/{theirs}")
    assert (refused.status_code, refused.json()) == (
        400,
        {"data": [err("INVALID_DATA", {"id": theirs}, "record not deleted")]},
    )
    deleted = api.delete(f"/crm/v5/Leads/{lead}/Notes/{mine}")
    assert (deleted.status_code, deleted.json()) == (
        200,
        {
            "data": [
                {"code": "SUCCESS", "details": {"id": mine}, "message": "record deleted", "status": "success"}
            ]
        },
    )
    assert api.get(f"/crm/v5/Notes/{mine}").status_code == 204
    assert api.get(f"/crm/v5/Notes/{theirs}").status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "status", "body"),
    [
        (
            "GET",
            "/crm/v5/Nope/{lead}/Notes",
            400,
            err("INVALID_MODULE", {"resource_path_index": 0}, "the module name given seems to be invalid"),
        ),
        (
            "POST",
            "/crm/v5/Leads/abc/Notes",
            400,
            err("INVALID_DATA", {"resource_path_index": 1}, "the id given seems to be invalid"),
        ),
        (
            "GET",
            "/crm/v5/Notes/abc/Notes",
            400,
            err("INVALID_DATA", {"resource_path_index": 1}, "the id given seems to be invalid"),
        ),
        (
            "GET",
            "/crm/v5/Notes/{lead}/Notes",
            400,
            err("INVALID_DATA", {"resource_path_index": 2}, "The relation name given seems to be invalid"),
        ),
        (
            "POST",
            "/crm/v5/Appointments_Rescheduled_History__s/{lead}/Notes",
            400,
            err("INVALID_DATA", {"resource_path_index": 2}, "The relation name given seems to be invalid"),
        ),
        (
            "GET",
            "/crm/v5/Contacts/{lead}/Notes",
            400,
            err("INVALID_DATA", {"resource_path_index": 1}, RELATED_ID),
        ),
        (
            "POST",
            "/crm/v5/Leads/1111111111111111111/Notes",
            400,
            err("INVALID_DATA", {"resource_path_index": 1}, RELATED_ID),
        ),
        (
            "PUT",
            "/crm/v5/Leads/1111111111111111111/Notes/1111111111111111111",
            400,
            err("INVALID_DATA", {"resource_path_index": 1}, RELATED_ID),
        ),
        (
            "DELETE",
            "/crm/v5/Contacts/{lead}/Notes/1111111111111111111",
            400,
            err("INVALID_DATA", {"resource_path_index": 1}, RELATED_ID),
        ),
        (
            "PATCH",
            "/crm/v5/Leads/{lead}/Notes",
            400,
            err("INVALID_REQUEST_METHOD", {}, "The http request method type is not a valid one"),
        ),
    ],
)
def test_check_order(
    api: Api, world: dict[str, str], method: str, path: str, status: int, body: dict[str, Any]
) -> None:
    response = api.client.request(
        method,
        path.format(lead=world["lead"]),
        params={"fields": "Note_Title"},
        content=b'{"data":[{"Note_Content":"x"}]}',
        headers=api.headers,
    )
    assert (response.status_code, response.json()) == (status, body)
    assert sql(api, "SELECT COUNT(*) FROM records WHERE data LIKE '%Note_Content%'") == [(0,)]


def test_scopes_of_the_parent_module_and_of_notes(api: Api, world: dict[str, str]) -> None:
    lead = world["lead"]

    def token(scope: str) -> dict[str, str]:
        issued = api.client.post(
            "/__zcrm/tokens", json={"user_id": api.creds.user_id, "scope": scope}, headers=api.headers
        )
        assert issued.status_code in (200, 201), issued.text
        return {"Authorization": f"Zoho-oauthtoken {issued.json()['access_token']}"}

    mismatch = (401, err("OAUTH_SCOPE_MISMATCH", {}, "invalid oauth scope to access this URL"))
    path = f"/crm/v5/Leads/{lead}/Notes"
    body = b'{"data":[{"Note_Content":"x"}]}'
    leads_only = token("ZohoCRM.modules.leads.ALL")
    notes_only = token("ZohoCRM.modules.notes.ALL")
    reader = token("ZohoCRM.modules.leads.READ,ZohoCRM.modules.notes.READ")
    writer = token("ZohoCRM.modules.leads.CREATE,ZohoCRM.modules.notes.CREATE")
    for headers in (leads_only, notes_only):
        response = api.client.get(path, params={"fields": "Note_Title"}, headers=headers)
        assert (response.status_code, response.json()) == mismatch
    refused = api.client.post(path, content=body, headers=reader)
    assert (refused.status_code, refused.json()) == mismatch
    assert api.client.post(path, content=body, headers=writer).status_code == 201
    assert api.client.get(path, params={"fields": "Note_Title"}, headers=reader).status_code == 200
    denied = api.client.get(path, params={"fields": "Note_Title"}, headers=writer)
    assert (denied.status_code, denied.json()) == mismatch


# -- sharing -------------------------------------------------------------------------------------------------------
@pytest.fixture
def shared(tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str]]]:
    with sharing_org(tmp_path / "notes", ("ZohoCRM.modules.ALL",), NOTES_ORG) as found:
        yield found


def test_who_cannot_see_the_parent_cannot_see_or_add_its_notes(
    shared: tuple[TestClient, dict[str, str]],
) -> None:
    client, tokens = shared

    def call(who: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return as_user(client, tokens, who, "ZohoCRM.modules.ALL", method, path, **kwargs)

    made = call("ria", "POST", "/crm/v5/Vault", json={"data": [{"Name": "secret"}]})
    vault = made.json()["data"][0]["details"]["id"]
    path = f"/crm/v5/Vault/{vault}/Notes"
    added = call("ria", "POST", path, json={"data": [{"Note_Content": "mine"}]})
    assert added.status_code == 201, added.text
    note_id = added.json()["data"][0]["details"]["id"]
    hidden = err("INVALID_DATA", {"resource_path_index": 1}, RELATED_ID)
    for method, where, body in (
        ("GET", path, None),
        ("POST", path, {"data": [{"Note_Content": "sneaky"}]}),
        ("GET", f"{path}/{note_id}", None),
        ("PUT", f"{path}/{note_id}", {"data": [{"Note_Content": "sneaky"}]}),
        ("DELETE", f"{path}/{note_id}", None),
    ):
        response = call("ray", method, where, params={"fields": "Note_Content"}, json=body)
        assert (response.status_code, response.json()) == (400, hidden)
    item = {"Note_Content": "by /Notes", "Parent_Id": vault, "se_module": "Vault"}
    refused = call("ray", "POST", "/crm/v5/Notes", json={"data": [item]})
    assert (refused.status_code, refused.json()) == (
        400,
        {
            "data": [
                err("INVALID_DATA", {"api_name": "Parent_Id", "json_path": "$.data[0].Parent_Id"}, RELATED_ID)
            ]
        },
    )
    assert call("max", "POST", "/crm/v5/Notes", json={"data": [item]}).status_code == 201  # above ria
    for who in ("ria", "max", "ada"):
        listed = call(who, "GET", path, params={"fields": "Note_Content"})
        assert [n["Note_Content"] for n in listed.json()["data"]] == ["mine", "by /Notes"]
    # nor through the Notes module itself: its list and its single GET
    everything = call("ada", "GET", "/crm/v5/Notes", params={"fields": "Note_Content"})
    assert {"mine", "by /Notes"} <= {n["Note_Content"] for n in everything.json()["data"]}
    seen = call("ray", "GET", "/crm/v5/Notes", params={"fields": "Note_Content"})
    assert (seen.status_code, seen.content) == (204, b"")  # the org's only notes are the Vault record's
    assert call("ada", "GET", f"/crm/v5/Notes/{note_id}").status_code == 200
    assert call("ray", "GET", f"/crm/v5/Notes/{note_id}").status_code == 204


def test_if_modified_since(api: Api, world: dict[str, str]) -> None:
    lead = world["lead"]
    first = note(api, lead, Note_Title="1")
    stamp = api.get(f"/crm/v5/Notes/{first}").json()["data"][0]["Modified_Time"]
    path = f"/crm/v5/Leads/{lead}/Notes"
    unchanged = api.get(path, params={"fields": "Note_Title"}, headers={"If-Modified-Since": stamp})
    assert (unchanged.status_code, unchanged.content) == (304, b"")
    before = "2000-01-01T00:00:00+00:00"
    changed = api.get(path, params={"fields": "Note_Title"}, headers={"If-Modified-Since": before})
    assert [n["id"] for n in changed.json()["data"]] == [first]
