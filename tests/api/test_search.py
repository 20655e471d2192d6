"""``GET /crm/v5/{module}/search`` (zoho-v5-queries.md §2): the search parameters and their precedence, paging,
sorting and the 2,000-record limit, 204, the order of checks, both scopes, and record sharing as in Get Records."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from tests.api.sharing_org import sharing_org
from tests.conftest import Api, sql

LEADS = [
    {"Last_Name": "Burns", "Company": "Zylker", "Email": "Burns@Zylker.test", "Phone": "+1 (555) 010-2030"},
    {"Last_Name": "Kate", "Company": "Acme", "Email": "kate@acme.test", "Lead_Status": "Contacted"},
    {"Last_Name": "Burnside", "Company": "Globex", "Phone": "555-0199"},
]
SEARCH_SCOPES = "ZohoCRM.modules.ALL,ZohoSearch.securesearch.READ"


def error(code: str, message: str, details: dict[str, Any]) -> dict[str, Any]:
    return {"code": code, "details": details, "message": message, "status": "error"}


@pytest.fixture
def leads(api: Api) -> dict[str, str]:
    return dict(zip(("burns", "kate", "burnside"), api.insert("Leads", *LEADS), strict=True))


def search(api: Api, module: str = "Leads", **params: str) -> httpx.Response:
    return api.get(f"/crm/v5/{module}/search", params=params)


def names(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [r["Last_Name"] for r in response.json()["data"]]


def test_criteria_find_records_as_a_list_shows_them(api: Api, leads: dict[str, str]) -> None:
    response = search(
        api, criteria="((Last_Name:starts_with:burn)and(Company:equals:ZYLKER))", fields="Last_Name,Email"
    )
    assert response.status_code == 200
    assert response.json() == {
        "data": [{"Last_Name": "Burns", "Email": "Burns@Zylker.test", "id": leads["burns"]}],
        "info": {
            "per_page": 200,
            "count": 1,
            "page": 1,
            "sort_by": "id",
            "sort_order": "desc",
            "more_records": False,
        },
    }


def test_without_fields_every_field_of_the_list_shape(api: Api, leads: dict[str, str]) -> None:
    listed = api.get("/crm/v5/Leads", params={"fields": "Last_Name,Owner,Company,Email,Lead_Status"}).json()[
        "data"
    ]
    found = search(api, criteria="(Last_Name:equals:kate)").json()["data"]
    assert len(found) == 1
    mine = next(r for r in listed if r["id"] == leads["kate"])
    assert {k: found[0][k] for k in mine} == mine
    assert found[0]["Lead_Status"] == "Contacted" and "Created_Time" in found[0]
    single = api.get(f"/crm/v5/Leads/{leads['kate']}").json()["data"][0]
    annotations = {k: v for k, v in single.items() if k.startswith("$") and k in found[0]}
    assert annotations == {
        "$approval_state": "approved", "$editable": True, "$locked_for_me": False, "$in_merge": False,
        "$currency_symbol": "$",
    }  # fmt: skip
    assert list(found[0])[-5:] == list(annotations)  # after the fields, as a single record has them


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"email": "burns@zylker.TEST"}, ["Burns"]),
        ({"phone": "15550102030"}, ["Burns"]),  # the same digits
        ({"phone": "555-0199"}, ["Burnside"]),
        ({"word": "LOBE"}, ["Burnside"]),  # any text field contains it
        ({"word": "burn"}, ["Burnside", "Burns"]),
        # the first search parameter present wins; the others are ignored, even malformed
        ({"criteria": "(Last_Name:equals:Kate)", "email": "burns@zylker.test", "word": "x"}, ["Kate"]),
        ({"criteria": "", "email": "kate@acme.test"}, ["Kate"]),  # an empty value counts as absent
    ],
)
def test_email_phone_word_and_their_precedence(
    api: Api, leads: dict[str, str], params: dict[str, str], expected: list[str]
) -> None:
    assert names(search(api, **params)) == expected


def test_paging_and_sorting(api: Api, leads: dict[str, str]) -> None:
    every = "(Last_Name:in:Burns,Kate,Burnside)"
    first = search(api, criteria=every, per_page="2", sort_order="asc")
    assert names(first) == ["Burns", "Kate"]
    assert first.json()["info"] == {
        "per_page": 2, "count": 2, "page": 1, "sort_by": "id", "sort_order": "asc", "more_records": True,
    }  # fmt: skip
    second = search(api, criteria=every, per_page="2", page="2", sort_order="asc")
    assert names(second) == ["Burnside"] and second.json()["info"]["more_records"] is False
    past = search(api, criteria=every, per_page="2", page="3")
    assert (past.status_code, past.content) == (204, b"")
    assert names(search(api, criteria=every, sort_by="Modified_Time", sort_order="desc", per_page="500")) == [
        "Burnside", "Kate", "Burns",
    ]  # fmt: skip


def test_no_match_is_204_without_a_body(api: Api, leads: dict[str, str]) -> None:
    response = search(api, criteria="(Last_Name:equals:Nobody)")
    assert (response.status_code, response.content) == (204, b"")


@pytest.mark.parametrize(
    ("params", "status", "body"),
    [
        ({}, 400, error("EXPECTED_PARAM_MISSING", "mandatory param missing", {"param_name": "criteria"})),
        ({"word": "a"}, 400, error("INVALID_DATA", "provide atleast 2 letters for search", {"param_name": "word"})),
        ({"phone": "call me"}, 400, error("INVALID_DATA", "invalid data", {"param_name": "phone"})),
        ({"criteria": "(Last_Name:equals:x", "page": "1"}, 400, error("INVALID_QUERY", "invalid query formed", {"param_name": "criteria"})),
        (
            {"criteria": "(Last_Name:between:a,b)"},
            400,
            error("INVALID_QUERY", "invalid query formed", {"reason": "invalid operator found", "api_name": "Last_Name", "operator": "between"}),
        ),
        ({"word": "ab", "page": "0"}, 400, error("INVALID_DATA", "invalid data", {"param_name": "page"})),
        ({"word": "ab", "sort_by": "Last_Name"}, 400, error("INVALID_DATA", "invalid data", {"param_name": "sort_by", "supported_values": ["id", "Created_Time", "Modified_Time"]})),
        ({"word": "ab", "converted": "maybe"}, 400, error("INVALID_DATA", "invalid data", {"param_name": "converted", "supported_values": ["true", "false", "both"]})),
        ({"word": "ab", "fields": ",".join(f"F{i}" for i in range(51))}, 400, error("LIMIT_EXCEEDED", "limit exceeded", {"limit": 50, "param_name": "fields"})),
        ({"word": "ab", "cvid": "1"}, 400, error("INVALID_DATA", "invalid data", {"param_name": "cvid"})),
        # a page past the first 2,000 matches, whatever the matches, before searching; after the criteria's checks
        ({"word": "ab", "page": "11"}, 400, error("LIMIT_REACHED", "maximum response iteration limit reached", {"limit": "2000"})),
        ({"word": "ab", "page": "21", "per_page": "100"}, 400, error("LIMIT_REACHED", "maximum response iteration limit reached", {"limit": "2000"})),
        ({"criteria": "(Nope:equals:x)", "page": "11"}, 400, error("INVALID_QUERY", "invalid query formed", {"reason": "the field is not available for search", "api_name": "Nope", "operator": "equals"})),
    ],
)  # fmt: skip
def test_parameter_errors(api: Api, params: dict[str, str], status: int, body: dict[str, Any]) -> None:
    response = search(api, **params)
    assert (response.status_code, response.json()) == (status, body)


def test_a_search_reaches_the_first_2000_matches_only(api: Api) -> None:
    for start in range(0, 2010, 100):
        api.insert(
            "Leads",
            *({"Last_Name": f"Bulk {i:04d}", "Company": "C"} for i in range(start, min(start + 100, 2010))),
        )
    criteria = "(Last_Name:starts_with:bulk)"
    tenth = search(api, criteria=criteria, per_page="200", page="10", sort_order="asc", fields="Last_Name")
    assert names(tenth)[0] == "Bulk 1800" and names(tenth)[-1] == "Bulk 1999"
    assert tenth.json()["info"]["more_records"] is False  # ten more match, past the 2,000th
    straddling = search(
        api, criteria=criteria, per_page="150", page="14", sort_order="asc", fields="Last_Name"
    )
    assert names(straddling) == [f"Bulk {i:04d}" for i in range(1950, 2000)]  # cut at the 2,000th
    assert straddling.json()["info"] == {
        "per_page": 150, "count": 50, "page": 14, "sort_by": "id", "sort_order": "asc", "more_records": False,
    }  # fmt: skip
    ninth = search(api, criteria=criteria, per_page="200", page="9", sort_order="asc", fields="Last_Name")
    assert ninth.json()["info"]["more_records"] is True
    over = search(api, criteria=criteria, per_page="200", page="11")
    assert (over.status_code, over.json()) == (
        400,
        error("LIMIT_REACHED", "maximum response iteration limit reached", {"limit": "2000"}),
    )


@pytest.mark.parametrize(
    ("module", "body"),
    [
        ("Nope", error("INVALID_MODULE", "the module name given seems to be invalid", {"resource_path_index": 0})),
        ("Deals_X_Listings", error("NOT_SUPPORTED", "module not supported for search", {"resource_path_index": 0})),
        ("Deal_Competitors", error("NOT_SUPPORTED", "module not supported for search", {"resource_path_index": 0})),
    ],
)  # fmt: skip
def test_modules_that_cannot_be_searched(api: Api, module: str, body: dict[str, Any]) -> None:
    response = search(api, module, word="ab")
    assert (response.status_code, response.json()) == (400, body)


def test_module_names_in_any_case(api: Api, leads: dict[str, str]) -> None:
    assert names(search(api, "leads", criteria="(Last_Name:equals:Kate)")) == ["Kate"]


def test_other_methods_are_invalid_request_method(api: Api) -> None:
    response = api.post("/crm/v5/Leads/search", {"data": []})
    assert (response.status_code, response.json()) == (
        400,
        error("INVALID_REQUEST_METHOD", "The http request method type is not a valid one", {}),
    )


# -- scopes and sharing ------------------------------------------------------------------------------------------------
@pytest.fixture
def shared(tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """The sharing org with each user's token for ``scopes`` of every test below."""
    with sharing_org(
        tmp_path / "sharing", ("ZohoCRM.modules.ALL", "ZohoSearch.securesearch.READ", SEARCH_SCOPES)
    ) as shared:
        yield shared


def test_both_scopes_are_needed(shared: tuple[TestClient, dict[str, str]]) -> None:
    client, tokens = shared
    for scopes in ("ZohoCRM.modules.ALL", "ZohoSearch.securesearch.READ"):
        headers = {"Authorization": f"Zoho-oauthtoken {tokens['ada ' + scopes]}"}
        response = client.get("/crm/v5/Commons/search", params={"word": "ab"}, headers=headers)
        assert (response.status_code, response.json()) == (
            401,
            error("OAUTH_SCOPE_MISMATCH", "invalid oauth scope to access this URL", {}),
        )
    headers = {"Authorization": f"Zoho-oauthtoken {tokens['ada ' + SEARCH_SCOPES]}"}
    response = client.get("/crm/v5/Commons/search", params={"word": "ab"}, headers=headers)
    assert (response.status_code, response.content) == (204, b"")


def test_a_search_never_shows_what_the_caller_could_not_get(
    shared: tuple[TestClient, dict[str, str]],
) -> None:
    client, tokens = shared

    def call(who: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Zoho-oauthtoken {tokens[who + ' ' + SEARCH_SCOPES]}"}
        return client.request(method, path, headers=headers, **kwargs)

    for who in ("cyd", "max", "ria", "ray"):
        made = call(who, "POST", "/crm/v5/Vault", json={"data": [{"Name": f"{who}-secret"}]})
        assert made.status_code == 201, made.text

    def found(who: str) -> list[str]:
        response = call(who, "GET", "/crm/v5/Vault/search", params={"word": "secret", "sort_order": "asc"})
        return [] if response.status_code == 204 else [r["Name"] for r in response.json()["data"]]

    def listed(who: str) -> list[str]:
        response = call(who, "GET", "/crm/v5/Vault", params={"fields": "Name", "sort_order": "asc"})
        return [] if response.status_code == 204 else [r["Name"] for r in response.json()["data"]]

    assert found("ria") == ["ria-secret"]
    assert found("max") == ["max-secret", "ria-secret", "ray-secret"]
    for who in ("ada", "cyd", "max", "ria", "ray"):
        assert found(who) == listed(who)
    denied = call("nia", "GET", "/crm/v5/Vault/search", params={"word": "secret"})
    assert (denied.status_code, denied.json()) == (
        403,
        error("NO_PERMISSION", "Permission denied to read", {"permissions": ["Crm_Implied_View_Vault"]}),
    )


def test_a_search_writes_nothing(api: Api, leads: dict[str, str]) -> None:
    before = sql(api, "SELECT COUNT(*), MAX(modified_time) FROM records")
    assert names(search(api, word="burn")) == ["Burnside", "Burns"]
    assert sql(api, "SELECT COUNT(*), MAX(modified_time) FROM records") == before


def test_a_lookup_by_the_display_name_of_its_target(api: Api) -> None:
    zylker, acme, zylker_too = api.insert(
        "Accounts", {"Account_Name": "Zylker"}, {"Account_Name": "Acme"}, {"Account_Name": "ZYLKER"}
    )
    ann, bob = api.insert("Contacts", {"First_Name": "Ann", "Last_Name": "Lee"}, {"Last_Name": "Bob"})
    deals = api.insert(
        "Deals",
        {
            "Deal_Name": "D1",
            "Stage": "Qualification",
            "Closing_Date": "2026-12-31",
            "Account_Name": {"id": zylker},
            "Contact_Name": {"id": ann},
        },
        {
            "Deal_Name": "D2",
            "Stage": "Qualification",
            "Closing_Date": "2026-12-31",
            "Account_Name": {"id": acme},
            "Contact_Name": {"id": bob},
        },
        {
            "Deal_Name": "D3",
            "Stage": "Qualification",
            "Closing_Date": "2026-12-31",
            "Account_Name": {"id": zylker_too},
        },
    )

    def found(criteria: str) -> list[str]:
        response = search(api, "Deals", criteria=criteria, sort_order="asc", fields="Deal_Name")
        return [] if response.status_code == 204 else [r["id"] for r in response.json()["data"]]

    assert found("(Account_Name:equals:zylker)") == [deals[0], deals[2]]  # a one-field name, ignoring case
    assert found("(Account_Name:in:Acme,Nobody)") == [deals[1]]
    assert found("(Account_Name:not_equal:Zylker)") == [deals[1]]
    assert found("(Contact_Name:equals:ann lee)") == [deals[0]]  # a two-field name: First_Name Last_Name
    assert found("(Contact_Name:equals:Bob)") == [deals[1]]
    assert found("(Contact_Name:equals:Lee)") == []
    assert found(f"(Account_Name:equals:{acme})") == [deals[1]]  # digits: an id
