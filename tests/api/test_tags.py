"""Tags (zoho-v5-related.md §10): adding tags by name (created, matched ignoring case) or id, ``over_write``,
removing, the per-record results with the record's whole tag list, the bulk body's counts, the request errors,
the limits (500 ids, 10 tags a record, 200 a module), scopes, the module check, record visibility and locks,
``GET /settings/tags``, and the ``Tag`` field of reads. Every change is read back through the API."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from tests.api.related_world import RELATED_ID, err
from tests.api.sharing_org import sharing_org
from tests.api.test_request_errors import token_with
from tests.conftest import Api, sql

UPDATED = "tags updated successfully"
BAD_ID = "the id given seems to be invalid"
SCOPE = {
    "code": "OAUTH_SCOPE_MISMATCH",
    "details": {},
    "message": "invalid oauth scope to access this URL",
    "status": "error",
}


def ok(record_id: str, tags: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "code": "SUCCESS",
        "details": {"id": record_id, "tags": tags},
        "message": UPDATED,
        "status": "success",
    }


def tag(name: str, tag_id: str, color: str | None = None) -> dict[str, Any]:
    return {"name": name, "id": tag_id, "color_code": color}


def add(api: Api, module: str, body: Any, record_id: str | None = None, **kw: Any) -> httpx.Response:
    path = (
        f"/crm/v5/{module}/{record_id}/actions/add_tags"
        if record_id
        else f"/crm/v5/{module}/actions/add_tags"
    )
    return api.post(path, body, **kw)


def remove(api: Api, module: str, body: Any, record_id: str | None = None, **kw: Any) -> httpx.Response:
    suffix = f"{record_id}/actions/remove_tags" if record_id else "actions/remove_tags"
    return api.post(f"/crm/v5/{module}/{suffix}", body, **kw)


def tags_of(api: Api, record_id: str, module: str = "Leads") -> list[dict[str, Any]]:
    response = api.get(f"/crm/v5/{module}/{record_id}")
    assert response.status_code == 200, response.text
    return list(response.json()["data"][0]["Tag"])


def listed(api: Api, module: str = "Leads", **params: str) -> dict[str, Any]:
    response = api.get("/crm/v5/settings/tags", params={"module": module, **params})
    assert response.status_code == 200, response.text
    return dict(response.json())


def ids_by_name(api: Api, module: str = "Leads") -> dict[str, str]:
    return {t["name"]: t["id"] for t in listed(api, module)["tags"]}


@pytest.fixture
def leads(api: Api) -> list[str]:
    return api.insert("Leads", *({"Last_Name": f"Tagged {i}", "Company": "Zylker"} for i in range(3)))


# -- adding -----------------------------------------------------------------------------------------------------


def test_adding_by_name_creates_the_tags_and_answers_each_record_with_its_tags(
    api: Api, leads: list[str]
) -> None:
    a, b, _ = leads
    response = add(
        api,
        "Leads",
        {"tags": [{"name": "Prime", "color_code": "#F17574"}, {"name": "Active"}], "ids": [a, b]},
    )
    assert response.status_code == 200, response.text
    created = ids_by_name(api)
    assert set(created) == {"Prime", "Active"}
    expected = [tag("Active", created["Active"]), tag("Prime", created["Prime"], "#F17574")]
    assert response.json() == {
        "data": [ok(a, expected), ok(b, expected)],
        "success_count": "2",
        "locked_count": "0",
    }
    assert tags_of(api, a) == expected and tags_of(api, b) == expected


def test_names_match_existing_tags_ignoring_case_and_ids_win_over_names(api: Api, leads: list[str]) -> None:
    a, b, _ = leads
    assert add(api, "Leads", {"tags": [{"name": "VIP"}, {"name": "cold"}]}, a).status_code == 200
    known = ids_by_name(api)
    response = add(
        api,
        "Leads",
        {"tags": [{"name": "vip", "color_code": "#969696"}, {"id": known["cold"], "name": "Other"}]},
        b,
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"data": [ok(b, [tag("cold", known["cold"]), tag("VIP", known["VIP"])])]}
    assert ids_by_name(api) == known  # nothing created, no colour changed
    assert [t["color_code"] for t in listed(api)["tags"]] == [None, None]


def test_adding_keeps_the_records_tags_and_over_write_replaces_them(api: Api, leads: list[str]) -> None:
    a, b, _ = leads
    add(api, "Leads", {"tags": [{"name": "One"}, {"name": "Two"}]}, a)
    known = ids_by_name(api)
    assert add(api, "Leads", {"tags": [{"name": "Three"}]}, a).status_code == 200
    known = ids_by_name(api)
    assert [t["name"] for t in tags_of(api, a)] == ["One", "Three", "Two"]
    response = add(api, "Leads", {"tags": [{"name": "Two"}], "over_write": True}, a)
    assert response.json() == {"data": [ok(a, [tag("Two", known["Two"])])]}
    assert tags_of(api, a) == [tag("Two", known["Two"])]
    # over_write as a query parameter, the sdk's AddTagsParam
    response = add(api, "Leads", {"tags": [{"name": "One"}], "ids": [a, b]}, params={"over_write": "true"})
    assert response.status_code == 200, response.text
    assert tags_of(api, a) == [tag("One", known["One"])] == tags_of(api, b)
    assert set(ids_by_name(api)) == {"One", "Two", "Three"}  # the tags stay in the module's list


def test_tagging_does_not_change_the_record(api: Api, leads: list[str]) -> None:
    before = api.get(f"/crm/v5/Leads/{leads[0]}").json()["data"][0]
    add(api, "Leads", {"tags": [{"name": "Quiet"}]}, leads[0])
    after = api.get(f"/crm/v5/Leads/{leads[0]}").json()["data"][0]
    assert after["Modified_Time"] == before["Modified_Time"]
    assert {k: v for k, v in after.items() if k != "Tag"} == {k: v for k, v in before.items() if k != "Tag"}
    assert before["Tag"] == [] and [t["name"] for t in after["Tag"]] == ["Quiet"]


def test_tag_as_input_on_insert_and_update_stays_ignored(api: Api) -> None:
    [lead] = api.insert("Leads", {"Last_Name": "In", "Company": "Z", "Tag": [{"name": "Given"}]})
    assert api.put(f"/crm/v5/Leads/{lead}", {"data": [{"Tag": [{"name": "Again"}]}]}).status_code == 200
    assert tags_of(api, lead) == [] and listed(api) == {
        "tags": [],
        "info": {"count": 0, "allowed_count": 200},
    }


# -- removing ---------------------------------------------------------------------------------------------------


def test_removing_from_records_by_name_or_id_with_ids_in_body_or_query(api: Api, leads: list[str]) -> None:
    a, b, c = leads
    add(api, "Leads", {"tags": [{"name": "Alpha"}, {"name": "Beta"}, {"name": "Gamma"}], "ids": [a, b, c]})
    known = ids_by_name(api)
    response = remove(api, "Leads", {"tags": [{"name": "alpha"}, {"name": "Unknown"}], "ids": [a, b]})
    rest = [tag("Beta", known["Beta"]), tag("Gamma", known["Gamma"])]
    assert (response.status_code, response.json()) == (
        200,
        {"data": [ok(a, rest), ok(b, rest)], "success_count": "2", "locked_count": "0"},
    )
    response = remove(api, "Leads", {"tags": [{"id": known["Beta"]}]}, params={"ids": f"{b},{c}"})
    assert response.status_code == 200, response.text
    assert tags_of(api, b) == [tag("Gamma", known["Gamma"])]
    assert tags_of(api, c) == [tag("Alpha", known["Alpha"]), tag("Gamma", known["Gamma"])]
    response = remove(api, "Leads", {"tags": [{"name": "Gamma"}, {"name": "Alpha"}]}, c)
    assert response.json() == {"data": [ok(c, [])]}
    assert tags_of(api, c) == [] and tags_of(api, a) == rest
    assert set(ids_by_name(api)) == {"Alpha", "Beta", "Gamma"}  # removing never deletes a tag
    assert set(ids_by_name(api)) == set(known)


# -- request errors ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["add_tags", "remove_tags"])
def test_request_errors(api: Api, leads: list[str], path: str) -> None:
    a = leads[0]

    def post(body: Any, record_id: str | None = None, **kw: Any) -> tuple[int, Any]:
        target = f"/crm/v5/Leads/{record_id}/actions/{path}" if record_id else f"/crm/v5/Leads/actions/{path}"
        response = api.post(target, body, **kw)
        return response.status_code, response.json()

    required = "required field not found"
    for body in ({"ids": [a]}, {"tags": [], "ids": [a]}):
        assert post(body) == (
            400,
            err("MANDATORY_NOT_FOUND", {"api_name": "tags", "json_path": "$.tags"}, required),
        )
    assert post({"tags": [{"name": "X"}]}) == (
        400,
        err("MANDATORY_NOT_FOUND", {"api_name": "ids", "json_path": "$.ids"}, required),
    )
    assert post({"tags": [{"name": "X"}], "ids": [a] * 501}) == (
        400,
        err("LIMIT_EXCEEDED", {"limit": 500, "api_name": "ids", "json_path": "$.ids"}, "limit exceeded"),
    )
    assert post({"tags": [{"name": "X"}, {"id": "4876876000001143001"}], "ids": [a]}) == (
        400,
        err("INVALID_DATA", {"api_name": "id", "json_path": "$.tags[1].id"}, "invalid data"),
    )
    assert post({"tags": [{"name": "X", "color_code": "#000000"}], "ids": [a]}) == (
        400,
        err("INVALID_DATA", {"api_name": "color_code", "json_path": "$.tags[0].color_code"}, "invalid data"),
    )
    assert post({"tags": [{"color_code": "#F17574"}]}, a) == (
        400,
        err("MANDATORY_NOT_FOUND", {"api_name": "name", "json_path": "$.tags[0].name"}, required),
    )
    assert post({"tags": [{"name": "X"}], "ids": [a]}, "12ab") == (
        400,
        err("INVALID_DATA", {"resource_path_index": 1}, BAD_ID),
    )
    assert post({"tags": [{"name": "X"}]}, "4876876000003643731") == (
        400,
        err("INVALID_DATA", {"resource_path_index": 1}, RELATED_ID),
    )
    assert post({"tags": [{"name": "X"}], "ids": [a]}, "4876876000003643731")[1]["message"] == RELATED_ID
    module = api.post(f"/crm/v5/Nope/actions/{path}", {"tags": [{"name": "X"}], "ids": [a]})
    assert (module.status_code, module.json()) == (
        400,
        err("INVALID_MODULE", {"resource_path_index": 0}, "the module name given seems to be invalid"),
    )
    assert listed(api)["tags"] == [] and tags_of(api, a) == []  # nothing was written


def test_a_bad_id_fails_its_record_only(api: Api, leads: list[str]) -> None:
    a = leads[0]
    [account] = api.insert("Accounts", {"Account_Name": "Not a lead"})
    response = add(
        api, "Leads", {"tags": [{"name": "Mixed"}], "ids": [a, "4876876000003643731", "x", account]}
    )
    assert response.status_code == 207, response.text
    known = ids_by_name(api)
    assert response.json() == {
        "data": [
            ok(a, [tag("Mixed", known["Mixed"])]),
            err("INVALID_DATA", {"id": "4876876000003643731"}, BAD_ID),
            err("INVALID_DATA", {"id": "x"}, BAD_ID),
            err("INVALID_DATA", {"id": account}, BAD_ID),
        ],
        "success_count": "1",
        "locked_count": "0",
    }
    response = add(api, "Leads", {"tags": [{"name": "Never"}], "ids": ["4876876000003643731"]})
    assert response.status_code == 400 and response.json()["success_count"] == "0"
    assert "Never" not in ids_by_name(api)  # a tag no record got is not created


# -- limits -----------------------------------------------------------------------------------------------------


def test_at_most_ten_tags_a_record(api: Api, leads: list[str]) -> None:
    a, b, _ = leads
    nine = [{"name": f"T{i}"} for i in range(9)]
    assert add(api, "Leads", {"tags": nine, "ids": [a]}).status_code == 200
    response = add(api, "Leads", {"tags": [{"name": "T9"}, {"name": "T10"}], "ids": [a, b]})
    assert response.status_code == 207, response.text
    body = response.json()
    assert body["data"][0] == err("LIMIT_EXCEEDED", {"id": a, "limit": 10}, "limit exceeded")
    assert [t["name"] for t in body["data"][1]["details"]["tags"]] == ["T10", "T9"]
    assert len(tags_of(api, a)) == 9
    assert add(api, "Leads", {"tags": [{"name": "T9"}]}, a).status_code == 200
    assert len(tags_of(api, a)) == 10
    eleven = [{"name": f"N{i}"} for i in range(11)]
    assert add(api, "Leads", {"tags": eleven}, b).json() == {
        "data": [err("LIMIT_EXCEEDED", {"id": b, "limit": 10}, "limit exceeded")]
    }
    assert add(api, "Leads", {"tags": eleven[:10], "over_write": True}, a).status_code == 200
    assert [t["name"] for t in tags_of(api, a)] == sorted(f"N{i}" for i in range(10))


def test_at_most_two_hundred_tags_a_module(api: Api) -> None:
    records = api.insert("Leads", *({"Last_Name": f"L{i}", "Company": "Z"} for i in range(20)))
    for n, record in enumerate(records):
        names = [{"name": f"Tag {n:02d}-{i}"} for i in range(10)]
        assert add(api, "Leads", {"tags": names}, record).status_code == 200
    [extra] = api.insert("Leads", {"Last_Name": "Extra", "Company": "Z"})
    assert listed(api)["info"] == {"count": 200, "allowed_count": 200}
    response = add(api, "Leads", {"tags": [{"name": "Tag 00-0"}, {"name": "One too many"}]}, extra)
    assert response.json() == {"data": [err("LIMIT_EXCEEDED", {"id": extra, "limit": 200}, "limit exceeded")]}
    assert add(api, "Leads", {"tags": [{"name": "tag 00-0"}]}, extra).status_code == 200  # existing: allowed
    assert listed(api)["info"]["count"] == 200
    assert listed(api, "Contacts")["tags"] == []  # tags are per module


# -- scopes, sharing, locks --------------------------------------------------------------------------------------


def test_scopes(api: Api, leads: list[str]) -> None:
    a = leads[0]
    body = {"tags": [{"name": "S"}], "ids": [a]}

    def as_(scopes: str, path: str, payload: Any = body) -> httpx.Response:
        headers = {"Authorization": f"Zoho-oauthtoken {token_with(api, scopes)}"}
        return api.post(f"/crm/v5/Leads/actions/{path}", payload, headers=headers)

    for scopes in (
        "ZohoCRM.modules.leads.UPDATE",
        "ZohoCRM.modules.leads.READ",
        "ZohoCRM.modules.contacts.ALL",
    ):
        assert (as_(scopes, "add_tags").status_code, as_(scopes, "add_tags").json()) == (401, SCOPE)
    assert as_("ZohoCRM.modules.leads.CREATE", "add_tags").status_code == 200
    assert as_("ZohoCRM.modules.leads.CREATE", "remove_tags").json() == SCOPE
    assert as_("ZohoCRM.modules.leads.WRITE", "remove_tags").status_code == 200
    assert as_("ZohoCRM.modules.leads.ALL", "add_tags").status_code == 200
    for scopes in ("ZohoCRM.settings.tags.READ", "ZohoCRM.settings.tags.ALL", "ZohoCRM.settings.ALL"):
        headers = {"Authorization": f"Zoho-oauthtoken {token_with(api, scopes)}"}
        assert (
            api.get("/crm/v5/settings/tags", params={"module": "Leads"}, headers=headers).status_code == 200
        )
    headers = {"Authorization": f"Zoho-oauthtoken {token_with(api, 'ZohoCRM.modules.ALL')}"}
    response = api.get("/crm/v5/settings/tags", params={"module": "Leads"}, headers=headers)
    assert (response.status_code, response.json()) == (401, SCOPE)


@pytest.fixture
def shared(tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str]]]:
    with sharing_org(tmp_path / "sharing", ("ZohoCRM.modules.ALL,ZohoCRM.settings.ALL",)) as org:
        yield org


def test_records_the_user_cannot_see_or_edit(shared: tuple[TestClient, dict[str, str]]) -> None:
    client, tokens = shared

    def call(who: str, path: str, body: Any) -> httpx.Response:
        headers = {
            "Authorization": f"Zoho-oauthtoken {tokens[who + ' ZohoCRM.modules.ALL,ZohoCRM.settings.ALL']}"
        }
        return client.post(path, json=body, headers=headers)

    vault = call("max", "/crm/v5/Vault", {"data": [{"Name": "max-secret"}]}).json()["data"][0]["details"][
        "id"
    ]
    board = call("max", "/crm/v5/Board", {"data": [{"Name": "max-board"}]}).json()["data"][0]["details"]["id"]
    mine = call("ria", "/crm/v5/Vault", {"data": [{"Name": "ria-secret"}]}).json()["data"][0]["details"]["id"]
    unseen = call("ria", f"/crm/v5/Vault/{vault}/actions/add_tags", {"tags": [{"name": "Peek"}]})
    assert (unseen.status_code, unseen.json()) == (
        400,
        err("INVALID_DATA", {"resource_path_index": 1}, RELATED_ID),
    )
    bulk = call("ria", "/crm/v5/Vault/actions/add_tags", {"tags": [{"name": "Peek"}], "ids": [vault, mine]})
    assert bulk.status_code == 207, bulk.text
    denied = err(
        "AUTHORIZATION_FAILED", {"id": vault}, "User does not have sufficient privilege to update records"
    )
    assert bulk.json()["data"][0] == denied
    assert bulk.json()["data"][1]["details"]["tags"][0]["name"] == "Peek"
    seen = call("ria", f"/crm/v5/Board/{board}/actions/add_tags", {"tags": [{"name": "Peek"}]})
    assert (seen.status_code, seen.json()) == (
        400,
        {"data": [err("AUTHORIZATION_FAILED", {"id": board}, denied["message"])]},
    )
    headers = {"Authorization": f"Zoho-oauthtoken {tokens['max ZohoCRM.modules.ALL,ZohoCRM.settings.ALL']}"}
    assert client.get(f"/crm/v5/Vault/{vault}", headers=headers).json()["data"][0]["Tag"] == []
    assert client.get(f"/crm/v5/Board/{board}", headers=headers).json()["data"][0]["Tag"] == []


def test_locked_records_fail_and_are_counted(api: Api, leads: list[str]) -> None:
    a, b, c = leads
    assert api.put(f"/__zcrm/records/Leads/{a}/state", {"lock_state": "record_locking"}).status_code == 200
    sql(api, "UPDATE records SET approval_state = 'approval_process_pending' WHERE id = :id", {"id": b})
    response = add(api, "Leads", {"tags": [{"name": "Lock"}], "ids": [a, b, c]})
    assert response.status_code == 207, response.text
    body = response.json()
    assert body["data"][:2] == [
        err(
            "RECORD_LOCKED",
            {"id": a, "action": "record_locking"},
            "You cannot perform this operation as the record is locked.",
        ),
        err("NOT_APPROVED", {"id": b}, "Cannot update record that is not approved yet"),
    ]
    assert (body["success_count"], body["locked_count"]) == ("1", "2")
    assert tags_of(api, c)[0]["name"] == "Lock"
    response = remove(api, "Leads", {"tags": [{"name": "Lock"}]}, params={"ids": f"{a},{c}"})
    assert (response.json()["success_count"], response.json()["locked_count"]) == ("1", "1")
    assert tags_of(api, c) == []


# -- the list and reads -----------------------------------------------------------------------------------------


def test_the_module_tag_list(api: Api, leads: list[str]) -> None:
    assert listed(api) == {"tags": [], "info": {"count": 0, "allowed_count": 200}}
    add(api, "Leads", {"tags": [{"name": "beta", "color_code": "#63c57e"}, {"name": "Alpha"}]}, leads[0])
    me = api.get("/crm/v5/users", params={"type": "CurrentUser"}).json()["users"][0]
    body = listed(api)
    assert body["info"] == {"count": 2, "allowed_count": 200}
    first, second = body["tags"]
    assert list(first) == [
        "created_time",
        "modified_time",
        "name",
        "modified_by",
        "id",
        "created_by",
        "color_code",
    ]
    assert (first["name"], first["color_code"], second["name"], second["color_code"]) == (
        "Alpha",
        None,
        "beta",
        "#63C57E",
    )
    assert first["created_by"] == first["modified_by"] == {"name": me["full_name"], "id": me["id"]}
    assert first["created_time"] == first["modified_time"]
    assert listed(api, my_tags="true")["tags"] == body["tags"]
    other = api.post("/crm/v5/settings/tags", {}, params={"module": "Leads"})  # settings/tags takes GET only
    assert other.status_code == 400 and other.json()["code"] == "INVALID_REQUEST_METHOD"


def test_the_module_tag_list_errors(api: Api) -> None:
    missing = api.get("/crm/v5/settings/tags")
    assert (missing.status_code, missing.json()) == (
        400,
        err("REQUIRED_PARAM_MISSING", {"param_name": "module"}, "One of the expected parameter is missing"),
    )
    unknown = api.get("/crm/v5/settings/tags", params={"module": "Nope"})
    assert (unknown.status_code, unknown.json()) == (
        400,
        err("INVALID_MODULE", {"param_name": "module"}, "the module name given seems to be invalid"),
    )


def test_my_tags_keeps_the_users_own(shared: tuple[TestClient, dict[str, str]]) -> None:
    client, tokens = shared

    def headers(who: str) -> dict[str, str]:
        return {
            "Authorization": f"Zoho-oauthtoken {tokens[who + ' ZohoCRM.modules.ALL,ZohoCRM.settings.ALL']}"
        }

    [made] = client.post("/crm/v5/Commons", json={"data": [{"Name": "x"}]}, headers=headers("ria")).json()[
        "data"
    ]
    record = made["details"]["id"]
    client.post(
        f"/crm/v5/Commons/{record}/actions/add_tags",
        json={"tags": [{"name": "Ria's"}]},
        headers=headers("ria"),
    )
    client.post(
        f"/crm/v5/Commons/{record}/actions/add_tags",
        json={"tags": [{"name": "Max's"}]},
        headers=headers("max"),
    )

    def names(who: str, mine: str) -> list[str]:
        params = {"module": "Commons", "my_tags": mine}
        return [
            t["name"]
            for t in client.get("/crm/v5/settings/tags", params=params, headers=headers(who)).json()["tags"]
        ]

    assert names("ria", "true") == ["Ria's"] and names("max", "true") == ["Max's"]
    assert names("ria", "false") == ["Max's", "Ria's"]


def test_the_tag_field_in_lists_search_and_fields(api: Api, leads: list[str]) -> None:
    a, b, _ = leads
    add(api, "Leads", {"tags": [{"name": "Zeta"}, {"name": "eta"}]}, a)
    known = ids_by_name(api)
    expected = [tag("eta", known["eta"]), tag("Zeta", known["Zeta"])]
    page = api.get("/crm/v5/Leads", params={"fields": "Last_Name,Tag", "sort_order": "asc"}).json()["data"]
    assert [(r["Last_Name"], r["Tag"]) for r in page] == [
        ("Tagged 0", expected),
        ("Tagged 1", []),
        ("Tagged 2", []),
    ]
    without = api.get("/crm/v5/Leads", params={"fields": "Last_Name"}).json()["data"]
    assert all("Tag" not in r for r in without)
    found = api.get("/crm/v5/Leads/search", params={"criteria": "(Last_Name:equals:Tagged 0)"}).json()["data"]
    assert found[0]["Tag"] == expected
    found = api.get(
        "/crm/v5/Leads/search", params={"criteria": "(Last_Name:starts_with:Tagged)", "fields": "Tag"}
    ).json()["data"]
    assert {r["id"]: r["Tag"] for r in found} == {a: expected, b: [], leads[2]: []}
    one = api.get(f"/crm/v5/Leads/{a}", params={"fields": "Tag"}).json()["data"][0]
    assert one["Tag"] == expected
    assert "Tag" not in api.get(f"/crm/v5/Leads/{a}", params={"fields": "Last_Name"}).json()["data"][0]


def test_tags_go_with_deleted_records(api: Api, leads: list[str]) -> None:
    a, b, _ = leads
    add(api, "Leads", {"tags": [{"name": "Gone"}], "ids": [a, b]})
    assert api.delete(f"/crm/v5/Leads/{a}").status_code == 200
    assert sql(api, "SELECT record_id FROM record_tags") == [(b,)]
    assert [t["name"] for t in listed(api)["tags"]] == ["Gone"]
    assert tags_of(api, b)[0]["name"] == "Gone"


def test_more_request_errors(api: Api, leads: list[str]) -> None:
    a = leads[0]
    invalid = "invalid data"
    cases: list[tuple[Any, dict[str, str], dict[str, Any]]] = [
        (
            {"tags": {"name": "X"}, "ids": [a]},
            {},
            {"expected_data_type": "jsonarray", "api_name": "tags", "json_path": "$.tags"},
        ),
        (
            {"tags": ["X"], "ids": [a]},
            {},
            {"expected_data_type": "jsonobject", "api_name": "tags", "json_path": "$.tags[0]"},
        ),
        ({"tags": [{"name": " "}], "ids": [a]}, {}, {"api_name": "name", "json_path": "$.tags[0].name"}),
        (
            {"tags": [{"name": "x" * 256}], "ids": [a]},
            {},
            {"api_name": "name", "json_path": "$.tags[0].name"},
        ),
        (
            {"tags": [{"name": "X"}], "ids": a},
            {},
            {"expected_data_type": "jsonarray", "api_name": "ids", "json_path": "$.ids"},
        ),
        (
            {"tags": [{"name": "X"}], "ids": [a], "over_write": "yes"},
            {},
            {"expected_data_type": "boolean", "api_name": "over_write", "json_path": "$.over_write"},
        ),
        ({"tags": [{"name": "X"}], "ids": [a]}, {"over_write": "maybe"}, {"param_name": "over_write"}),
    ]
    for body, params, details in cases:
        response = add(api, "Leads", body, params=params)
        assert (response.status_code, response.json()) == (400, err("INVALID_DATA", details, invalid)), body
    response = remove(api, "Leads", {"tags": [{"name": "X"}]}, params={"ids": ",".join([a] * 501)})
    assert (response.status_code, response.json()) == (
        400,
        err("LIMIT_EXCEEDED", {"limit": 500, "param_name": "ids"}, "limit exceeded"),
    )
    response = add(api, "Leads", None, content=b"not json")
    assert (response.status_code, response.json()) == (400, err("INVALID_DATA", {}, "body"))
    assert listed(api)["tags"] == [] and tags_of(api, a) == []


def test_the_single_form_ignores_ids_and_names_given_twice_make_one_tag(api: Api, leads: list[str]) -> None:
    a, b, _ = leads
    response = add(
        api, "Leads", {"tags": [{"name": "Twice", "color_code": "#b88562"}, {"name": "TWICE"}], "ids": [b]}, a
    )
    [only] = listed(api)["tags"]
    assert (only["name"], only["color_code"]) == ("Twice", "#B88562")
    assert response.json() == {"data": [ok(a, [tag("Twice", only["id"], "#B88562")])]}
    assert tags_of(api, b) == []
    again = add(api, "Leads", {"tags": [{"name": "twice"}], "ids": [a, a]})
    assert again.json()["data"] == [ok(a, [tag("Twice", only["id"], "#B88562")])] * 2
    assert sql(api, "SELECT COUNT(*) FROM record_tags") == [(1,)]
