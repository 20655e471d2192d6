"""GET list / GET one / DELETE: parameters, paging, sorting, deletion semantics."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api, sql


def err(code: str, details: dict[str, Any], message: str) -> dict[str, Any]:
    return {"code": code, "details": details, "message": message, "status": "error"}


def leads(api: Api, count: int, prefix: str = "L") -> list[str]:
    ids: list[str] = []
    for start in range(0, count, 100):
        batch = [
            {"Last_Name": f"{prefix}{i:04d}", "Company": "Z"} for i in range(start, min(count, start + 100))
        ]
        ids += api.insert("Leads", *batch)
    return ids


def listing(api: Api, headers: dict[str, str] | None = None, **params: Any) -> Any:
    return api.get("/crm/v5/Leads", params={"fields": "Last_Name", **params}, headers=headers or {})


def test_list_shape_and_default_sort(api: Api) -> None:
    ids = leads(api, 3)
    response = listing(api, fields="Last_Name,Email,Owner,Nope")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json;charset=UTF-8"
    body = response.json()
    assert [r["id"] for r in body["data"]] == ids[::-1]
    assert body["data"][0] == {
        "Last_Name": "L0002",
        "Email": None,
        "Owner": {"name": "Priya Raman", "id": api.creds.user_id, "email": "priya.raman@zylker.test"},
        "id": ids[2],
    }
    assert body["info"] == {
        "call": False,
        "per_page": 200,
        "next_page_token": None,
        "count": 3,
        "sort_by": "id",
        "page": 1,
        "previous_page_token": None,
        "page_token_expiry": None,
        "sort_order": "desc",
        "email": False,
        "more_records": False,
    }


def test_list_empty_is_204_without_body(api: Api) -> None:
    response = listing(api)
    assert response.status_code == 204
    assert response.content == b"" and "content-type" not in response.headers


@pytest.mark.parametrize(
    ("params", "status", "body"),
    [
        (
            {"fields": ""},
            400,
            err(
                "REQUIRED_PARAM_MISSING", {"param_name": "fields"}, "One of the expected parameter is missing"
            ),
        ),
        (
            {"fields": ",".join(f"F{i}" for i in range(51))},
            400,
            err("LIMIT_EXCEEDED", {"limit": 50, "param_name": "fields"}, "limit exceeded"),
        ),
        (
            {"ids": ",".join(str(10**18 + i) for i in range(101))},
            400,
            err("LIMIT_EXCEEDED", {"limit": 100, "param_name": "ids"}, "limit exceeded"),
        ),
        (
            {"ids": "12,abc"},
            400,
            err("INVALID_DATA", {"param_name": "ids"}, "the id given seems to be invalid"),
        ),
        (
            {"sort_by": "Last_Name"},
            400,
            err(
                "INVALID_DATA",
                {"param_name": "sort_by", "supported_values": ["id", "Created_Time", "Modified_Time"]},
                "invalid data",
            ),
        ),
        (
            {"sort_order": "up"},
            400,
            err(
                "INVALID_DATA",
                {"param_name": "sort_order", "supported_values": ["asc", "desc"]},
                "invalid data",
            ),
        ),
        ({"page": "0"}, 400, err("INVALID_DATA", {"param_name": "page"}, "invalid data")),
        ({"per_page": "x"}, 400, err("INVALID_DATA", {"param_name": "per_page"}, "invalid data")),
        (
            {"page": "11", "per_page": "200"},
            400,
            err(
                "DISCRETE_PAGINATION_LIMIT_EXCEEDED",
                {"limit": 2000},
                "You can only get the first 2000 records without using page_token param",
            ),
        ),
        (
            {"page": "2", "page_token": "x"},
            400,
            err(
                "AMBIGUITY_DURING_PROCESSING",
                {"param_name": "page_token"},
                "ambiguity during processing the request",
            ),
        ),
        (
            {"page_token": "forged.token"},
            400,
            err(
                "TOKEN_BOUND_DATA_MISMATCH",
                {"param_name": "page_token"},
                "page_token does not match the user or parameters of this request",
            ),
        ),
        ({"cvid": "1"}, 400, err("INVALID_DATA", {"param_name": "cvid"}, "invalid data")),
        (
            {"approved": "maybe"},
            400,
            err(
                "INVALID_DATA",
                {"param_name": "approved", "supported_values": ["true", "false", "both"]},
                "invalid data",
            ),
        ),
    ],
)
def test_list_parameter_errors(api: Api, params: dict[str, str], status: int, body: dict[str, Any]) -> None:
    response = api.get("/crm/v5/Leads", params={"fields": "Last_Name", **params})
    assert response.status_code == status
    assert response.json() == body


def test_fields_required_even_with_ids(api: Api) -> None:
    [lead] = leads(api, 1)
    response = api.get("/crm/v5/Leads", params={"ids": lead})
    assert response.json() == {
        "code": "REQUIRED_PARAM_MISSING",
        "details": {"param_name": "fields"},
        "message": "One of the expected parameter is missing",
        "status": "error",
    }


def test_ids_filter_follows_sort_order_and_skips_unknown(api: Api) -> None:
    ids = leads(api, 4)
    response = listing(api, ids=f"{ids[0]},{ids[2]},1234567890123456789", sort_order="asc")
    assert [r["id"] for r in response.json()["data"]] == [ids[0], ids[2]]


def test_repeated_parameters_are_joined(api: Api) -> None:
    ids = leads(api, 2)
    response = api.client.get(
        f"/crm/v5/Leads?fields=Last_Name&fields=Company&ids={ids[0]}", headers=api.headers
    )
    assert response.json()["data"] == [{"Last_Name": "L0000", "Company": "Z", "id": ids[0]}]


def test_discrete_paging_and_per_page_clamp(api: Api) -> None:
    ids = leads(api, 250)
    first = listing(api, per_page="500").json()
    assert (
        first["info"]["per_page"] == 200
        and first["info"]["count"] == 200
        and first["info"]["more_records"] is True
    )
    second = listing(api, page="2").json()
    assert (
        second["info"]["count"] == 50
        and second["info"]["more_records"] is False
        and second["info"]["page"] == 2
    )
    got = [r["id"] for r in first["data"] + second["data"]]
    assert got == ids[::-1]
    small = listing(api, page="3", per_page="7", sort_order="asc").json()
    assert [r["id"] for r in small["data"]] == ids[14:21]


def test_page_token_walks_everything_and_is_bound(api: Api) -> None:
    ids = leads(api, 450)
    seen: list[str] = []
    params: dict[str, str] = {"sort_by": "Created_Time", "sort_order": "asc"}
    pages = 0
    while True:
        body = listing(api, **params).json()
        pages += 1
        seen += [r["id"] for r in body["data"]]
        if not body["info"]["more_records"]:
            assert body["info"]["next_page_token"] is None
            break
        token = body["info"]["next_page_token"]
        assert body["info"]["page_token_expiry"].endswith("+05:30")
        params = {"sort_by": "Created_Time", "sort_order": "asc", "page_token": token}
    assert pages == 3 and seen == ids
    assert body["info"]["page"] == 3
    # the token is bound to the other parameters
    mismatch = listing(api, sort_by="Created_Time", sort_order="desc", page_token=token)
    assert mismatch.json() == {
        "code": "TOKEN_BOUND_DATA_MISMATCH",
        "details": {"param_name": "page_token"},
        "message": "page_token does not match the user or parameters of this request",
        "status": "error",
    }


def test_page_token_expires_after_24_hours(api: Api) -> None:
    leads(api, 201)
    token = listing(api).json()["info"]["next_page_token"]
    state = api.client.app.state.zcrm  # type: ignore[attr-defined]
    later = state.clock.now() + 86401
    with state.db.write() as conn:  # a token still valid a day later, so that only the page token is stale
        fresh = state.oauth.issue_access_token(
            conn,
            None,
            api.creds.client_id,
            api.creds.org_id,
            api.creds.user_id,
            "ZohoCRM.modules.ALL",
            later - 60,
        )
    real_now = state.clock.now
    state.clock.now = lambda: later
    try:
        response = listing(api, page_token=token, headers={"Authorization": f"Zoho-oauthtoken {fresh}"})
    finally:
        state.clock.now = real_now
    assert response.json() == err(
        "EXPIRED_VALUE", {"api_name": "page_token", "json_path": "$.query.page_token"}, "Page token expired"
    )


def test_if_modified_since(api: Api) -> None:
    leads(api, 2)
    assert listing(api, headers={"If-Modified-Since": "2000-01-01T00:00:00+00:00"}).status_code == 200
    response = listing(api, headers={"If-Modified-Since": "2999-01-01T00:00:00+00:00"})
    assert response.status_code == 304 and response.content == b""
    http_date = listing(api, headers={"If-Modified-Since": "Thu, 02 May 2024 05:47:33 GMT"})
    assert http_date.status_code == 200


def test_single_get(api: Api) -> None:
    [lead] = leads(api, 1)
    body = api.get(f"/crm/v5/Leads/{lead}").json()
    assert list(body) == ["data"]
    record = body["data"][0]
    assert record["Last_Name"] == "L0000" and record["Email"] is None and record["id"] == lead
    assert record["$approval_state"] == "approved" and record["$editable"] is True
    assert record["Created_Time"] == record["Modified_Time"]
    limited = api.get(f"/crm/v5/Leads/{lead}", params={"fields": "Company"}).json()["data"][0]
    assert limited["Company"] == "Z" and "Last_Name" not in limited
    assert api.get("/crm/v5/Leads/1234567890123456789").status_code == 204
    assert api.get(f"/crm/v5/Contacts/{lead}").status_code == 204  # ids of another module are unknown here
    response = api.get("/crm/v5/Leads/12x")
    assert response.status_code == 400
    assert response.json() == err(
        "INVALID_DATA", {"resource_path_index": 1}, "the id given seems to be invalid"
    )


def test_delete_many_with_mixed_results(api: Api) -> None:
    ids = leads(api, 2)
    response = api.delete(
        "/crm/v5/Leads", params={"ids": f"{ids[0]},1234567890123456789,{ids[0]}", "wf_trigger": "False"}
    )
    assert response.status_code == 207
    assert response.json()["data"] == [
        {"code": "SUCCESS", "details": {"id": ids[0]}, "message": "record deleted", "status": "success"},
        err("INVALID_DATA", {"id": "1234567890123456789"}, "record not deleted"),
        err("INVALID_DATA", {"id": ids[0]}, "record not deleted"),
    ]
    assert api.get(f"/crm/v5/Leads/{ids[0]}").status_code == 204
    assert api.get(f"/crm/v5/Leads/{ids[1]}").status_code == 200
    all_failed = api.delete("/crm/v5/Leads", params={"ids": "1234567890123456789"})
    assert all_failed.status_code == 400


@pytest.mark.parametrize(
    ("ids", "body"),
    [
        (
            "",
            err("REQUIRED_PARAM_MISSING", {"param_name": "ids"}, "One of the expected parameter is missing"),
        ),
        (
            "1,x",
            err(
                "UNABLE_TO_PARSE_DATA_TYPE",
                {"param_name": "ids"},
                "either the request body or parameters is in wrong format",
            ),
        ),
        (
            ",".join(str(10**18 + i) for i in range(101)),
            err("LIMIT_EXCEEDED", {"limit": 100, "param_name": "ids"}, "limit exceeded"),
        ),
    ],
)
def test_delete_parameter_errors(api: Api, ids: str, body: dict[str, Any]) -> None:
    response = api.delete("/crm/v5/Leads", params={"ids": ids} if ids else {})
    assert response.status_code == 400 and response.json() == body


def test_delete_one(api: Api) -> None:
    [lead] = leads(api, 1)
    response = api.delete(f"/crm/v5/Leads/{lead}")
    assert response.status_code == 200
    assert response.json() == {
        "data": [
            {"code": "SUCCESS", "details": {"id": lead}, "message": "record deleted", "status": "success"}
        ]
    }
    again = api.delete(f"/crm/v5/Leads/{lead}")
    assert again.status_code == 400 and again.json()["data"][0]["message"] == "record not deleted"
    malformed = api.delete("/crm/v5/Leads/abc")
    assert malformed.json() == err(
        "INVALID_DATA", {"resource_path_index": 1}, "the id given seems to be invalid"
    )


def test_delete_removes_rows_and_nulls_lookups(api: Api) -> None:
    [account] = api.insert("Accounts", {"Account_Name": "Zylker"})
    [listing_id] = api.insert("Listings", {"Name": "Flat"})
    [deal] = api.insert(
        "Deals",
        {
            "Deal_Name": "D",
            "Stage": "Qualification",
            "Closing_Date": "2024-01-01",
            "Account_Name": {"id": account},
            "Competitors": [{"Competitor_Name": "A"}],
            "Listings": [{"Interested_Listings": {"id": listing_id}}],
        },
    )
    assert api.delete(f"/crm/v5/Accounts/{account}").status_code == 200
    deal_record = api.get(f"/crm/v5/Deals/{deal}").json()["data"][0]
    assert deal_record["Account_Name"] is None
    assert api.delete(f"/crm/v5/Deals/{deal}").status_code == 200
    left = sql(api, "SELECT COUNT(*) FROM records WHERE parent_id = :id", {"id": deal})[0][0]
    changes = sql(api, "SELECT operation FROM changes WHERE record_id = :id ORDER BY id", {"id": deal})
    assert left == 0
    assert changes == [("insert",), ("delete",)]
    assert api.get(f"/crm/v5/Listings/{listing_id}").status_code == 200


def test_converted_and_approval_filters(api: Api) -> None:
    ids = leads(api, 2)
    sql(api, "UPDATE records SET converted = :t WHERE id = :id", {"t": True, "id": ids[0]})
    sql(api, "UPDATE records SET approval_state = 'approval_process_pending' WHERE id = :id", {"id": ids[1]})
    assert listing(api).status_code == 204
    assert [r["id"] for r in listing(api, converted="true").json()["data"]] == [ids[0]]
    assert [r["id"] for r in listing(api, approved="false").json()["data"]] == [ids[1]]
    assert len(listing(api, approved="both", converted="both").json()["data"]) == 2
    blocked = api.delete(f"/crm/v5/Leads/{ids[1]}").json()["data"][0]
    assert blocked == err("NOT_APPROVED", {"id": ids[1]}, "cannot delete record that is not approved yet")


def test_org_prefixes_keep_ids_inside_int64(api: Api) -> None:
    from zcrm.store.orgs import MAX_PREFIX

    assert int(f"{MAX_PREFIX}999999999999") <= 2**63 - 1
    assert int(api.creds.org_id[:7]) <= MAX_PREFIX


def test_links_to_a_deleted_record_disappear(api: Api) -> None:
    [kept, gone] = api.insert("Listings", {"Name": "Kept"}, {"Name": "Gone"})
    [deal] = api.insert(
        "Deals",
        {
            "Deal_Name": "D",
            "Stage": "Qualification",
            "Closing_Date": "2024-01-01",
            "Listings": [{"Interested_Listings": {"id": kept}}, {"Interested_Listings": {"id": gone}}],
        },
    )
    assert api.delete(f"/crm/v5/Listings/{gone}").status_code == 200
    links = api.get(f"/crm/v5/Deals/{deal}").json()["data"][0]["Listings"]
    assert [link["Interested_Listings"]["id"] for link in links] == [kept]


@pytest.mark.parametrize("path", ["/crm/v5/settings/modules", "/crm/v5/users"])
def test_metadata_if_modified_since(api: Api, path: str) -> None:
    assert api.get(path, headers={"If-Modified-Since": "2000-01-01T00:00:00+00:00"}).status_code == 200
    response = api.get(path, headers={"If-Modified-Since": "2999-01-01T00:00:00+00:00"})
    assert response.status_code == 304 and response.content == b""
    bad = api.get(path, headers={"If-Modified-Since": "yesterday"})
    assert bad.json() == err(
        "UNABLE_TO_PARSE_DATA_TYPE",
        {"param_name": "If-Modified-Since"},
        "either the request body or parameters is in wrong format",
    )
