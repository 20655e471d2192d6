"""``POST /crm/v5/coql`` (zoho-v5-queries.md §3) on the standard org: the answer, the order of checks, the scopes,
select columns and aliases, lookups and their joins limit, aggregates and GROUP BY, ORDER BY, LIMIT and OFFSET,
every error with its exact body, and record sharing as in Get Records."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from tests.api.sharing_org import sharing_org
from tests.conftest import Api


def error(code: str, message: str, details: dict[str, Any]) -> dict[str, Any]:
    return {"code": code, "details": details, "message": message, "status": "error"}


def coql(api: Api, query: str, **headers: str) -> httpx.Response:
    return api.post("/crm/v5/coql", {"select_query": query}, headers=headers)


def fails(api: Api, query: str) -> tuple[int, Any]:
    response = coql(api, query)
    return response.status_code, response.json()


def token(api: Api, scope: str, user_id: str | None = None) -> str:
    made = api.post("/__zcrm/tokens", {"user_id": user_id or api.creds.user_id, "scope": scope})
    assert made.status_code == 201, made.text
    return str(made.json()["access_token"])


@pytest.fixture
def world(api: Api) -> dict[str, str]:
    """Two accounts (one the parent of the other), a vendor, three contacts."""
    parent = api.insert("Accounts", {"Account_Name": "Globex", "Annual_Revenue": 900})[0]
    zylker, acme = api.insert(
        "Accounts",
        {"Account_Name": "Zylker", "Parent_Account": {"id": parent}, "Annual_Revenue": 100, "Employees": 10},
        {"Account_Name": "Acme", "Annual_Revenue": 50.5, "Employees": 4},
    )
    vendor = api.insert("Vendors", {"Vendor_Name": "Initech"})[0]
    burns, kate, ann = api.insert(
        "Contacts",
        {
            "Last_Name": "Burns",
            "Account_Name": {"id": zylker},
            "Email": "burns@zylker.test",
            "Lead_Source": "Web",
        },
        {"Last_Name": "Kate", "Account_Name": {"id": acme}, "Vendor_Name": {"id": vendor}},
        {"Last_Name": "O'Brien", "Lead_Source": "Web"},
    )
    return {"globex": parent, "zylker": zylker, "acme": acme, "initech": vendor, "burns": burns, "kate": kate,
            "ann": ann}  # fmt: skip


# -- the answer --------------------------------------------------------------------------------------------------------
def test_rows_have_a_key_per_column_as_written_or_aliased_and_the_id(api: Api, world: dict[str, str]) -> None:
    response = coql(
        api,
        "select Last_Name, 'Email' as Mail, Account_Name, Account_Name.Account_Name,"
        " Account_Name.Parent_Account.Account_Name, Owner from Contacts"
        " where Account_Name is not null order by Last_Name",
    )
    assert response.status_code == 200
    owner = {"id": api.creds.user_id}
    assert response.json() == {
        "data": [
            {"Last_Name": "Burns", "Mail": "burns@zylker.test", "Account_Name": {"id": world["zylker"]},
             "Account_Name.Account_Name": "Zylker", "Account_Name.Parent_Account.Account_Name": "Globex",
             "Owner": owner, "id": world["burns"]},
            {"Last_Name": "Kate", "Mail": None, "Account_Name": {"id": world["acme"]},
             "Account_Name.Account_Name": "Acme", "Account_Name.Parent_Account.Account_Name": None,
             "Owner": owner, "id": world["kate"]},
        ],
        "info": {"count": 2, "more_records": False},
    }  # fmt: skip


def test_id_once_and_datetimes_as_get_shows_them(api: Api, world: dict[str, str]) -> None:
    got = api.get(f"/crm/v5/Contacts/{world['kate']}").json()["data"][0]
    response = coql(api, f"select id, Created_Time, Modified_Time from Contacts where id = {world['kate']}")
    assert response.json()["data"] == [
        {"id": world["kate"], "Created_Time": got["Created_Time"], "Modified_Time": got["Modified_Time"]}
    ]


def test_nothing_matches_204(api: Api, world: dict[str, str]) -> None:
    response = coql(api, "select Last_Name from Contacts where Last_Name = 'Nobody'")
    assert (response.status_code, response.content) == (204, b"")
    response = coql(api, "select COUNT(id), SUM(Annual_Revenue) from Accounts where Account_Name = 'Nobody'")
    assert (response.status_code, response.content) == (204, b"")


def test_keywords_any_case_module_any_case_quoted_values(api: Api, world: dict[str, str]) -> None:
    response = coql(
        api, "SELECT Last_Name FROM contacts WHERE Last_Name = 'O''Brien' OR Last_Name = \"Kate\""
    )
    assert [r["Last_Name"] for r in response.json()["data"]] == ["Kate", "O'Brien"]
    response = coql(api, "select Last_Name from Contacts where Lead_Source = web")  # a bare word is a string
    assert [r["Last_Name"] for r in response.json()["data"]] == ["Burns", "O'Brien"]


def test_a_write_is_seen_by_the_next_query_and_a_delete_is_not(api: Api, world: dict[str, str]) -> None:
    api.put(f"/crm/v5/Contacts/{world['ann']}", {"data": [{"Last_Name": "Ann"}]})
    assert api.delete(f"/crm/v5/Contacts/{world['kate']}").status_code == 200
    response = coql(api, "select Last_Name from Contacts where id is not null")
    assert [r["Last_Name"] for r in response.json()["data"]] == ["Burns", "Ann"]


# -- order of checks ---------------------------------------------------------------------------------------------------
def test_the_coql_scope_comes_before_the_body(api: Api, world: dict[str, str]) -> None:
    headers = {"Authorization": f"Zoho-oauthtoken {token(api, 'ZohoCRM.modules.ALL')}"}
    response = api.client.post("/crm/v5/coql", content=b"not json", headers=headers)
    assert (response.status_code, response.json()) == (
        401,
        error("OAUTH_SCOPE_MISMATCH", "invalid oauth scope to access this URL", {}),
    )
    for scope in ("ZohoCRM.coql.READ,ZohoCRM.modules.contacts.READ", "ZohoCRM.coql.ALL,ZohoCRM.modules.ALL"):
        headers = {"Authorization": f"Zoho-oauthtoken {token(api, scope)}"}
        query = {"select_query": "select Account_Name.Account_Name from Contacts where Last_Name = 'Burns'"}
        response = api.client.post("/crm/v5/coql", json=query, headers=headers)  # lookups need no scope
        assert response.json()["data"] == [{"Account_Name.Account_Name": "Zylker", "id": world["burns"]}]
    headers = {
        "Authorization": f"Zoho-oauthtoken {token(api, 'ZohoCRM.coql.READ,ZohoCRM.modules.contacts.READ')}"
    }
    query = {"select_query": "select Account_Name from Accounts where id is not null"}
    response = api.client.post("/crm/v5/coql", json=query, headers=headers)
    assert response.status_code == 401 and response.json()["code"] == "OAUTH_SCOPE_MISMATCH"


@pytest.mark.parametrize("body", [b"", b"[]", b"{", b'"select"'])
def test_a_body_that_is_no_object(api: Api, body: bytes) -> None:
    response = api.client.post("/crm/v5/coql", content=body, headers=api.headers)
    assert (response.status_code, response.json()) == (400, error("INVALID_DATA", "body", {}))


@pytest.mark.parametrize("body", [{}, {"select_query": None}, {"select_query": 5}, {"select_query": "  "}])
def test_select_query_is_mandatory(api: Api, body: dict[str, Any]) -> None:
    response = api.post("/crm/v5/coql", body)
    assert (response.status_code, response.json()) == (
        400,
        error("MANDATORY_NOT_FOUND", "mandatory key not found", {"api_name": "select_query"}),
    )


def test_syntax_before_module_before_columns(api: Api) -> None:
    assert fails(api, "select Nope, from Nowhere where x = 1") == (
        400,
        error("SYNTAX_ERROR", "error occured while parsing the query", {"near": "from"}),
    )
    assert fails(api, "select Nope from Nowhere where x = 1") == (
        400,
        error("INVALID_QUERY", "invalid query formed", {"reason": "invalid module", "module": "Nowhere"}),
    )
    assert fails(api, "select Nope from Leads where x = 1") == (
        400,
        error("INVALID_QUERY", "column given seems to be invalid", {"column_name": "Nope"}),
    )
    assert fails(api, "update Leads set x = 1") == (
        400,
        error("SYNTAX_ERROR", "given coql query not supported", {}),
    )
    assert fails(api, "select Last_Name from Leads") == (
        400,
        error("SYNTAX_ERROR", "missing clause", {"clause": "where"}),
    )


def test_a_module_the_api_does_not_support(api: Api) -> None:
    unsupported = [m["api_name"] for m in api.get("/crm/v5/settings/modules").json()["modules"]
                   if not m["api_supported"]]  # fmt: skip
    assert unsupported
    assert fails(api, f"select id from {unsupported[0]} where id is not null") == (
        400,
        error("INVALID_MODULE", "the given module is not supported in api", {}),
    )


def test_other_methods(api: Api) -> None:
    response = api.get("/crm/v5/coql")
    assert (response.status_code, response.json()["code"]) == (400, "INVALID_REQUEST_METHOD")


# -- columns -----------------------------------------------------------------------------------------------------------
def test_column_errors(api: Api) -> None:
    assert fails(api, "select Last_Name, Last_Name from Leads where id is not null") == (
        400,
        error("DUPLICATE_DATA", "duplicate select column", {"column_name": "Last_Name"}),
    )
    assert fails(
        api, "select MAX(No_of_Employees), MAX(No_of_Employees) from Leads where id is not null"
    ) == (
        400,
        error(
            "DUPLICATE_DATA",
            "duplicate aggregate function",
            {"column_name": "No_of_Employees", "aggregate": "MAX"},
        ),
    )
    assert fails(api, "select Last_Name as '' from Leads where id is not null") == (
        400,
        error(
            "INVALID_ALIAS", "alias name cannot be an empty string", {"column_name": "Last_Name", "alias": ""}
        ),
    )
    assert fails(api, "select Last_Name as N, Company as N from Leads where id is not null") == (
        400,
        error(
            "DUPLICATE_ALIAS",
            "same alias cannot refer more than one column",
            {"referred_columns": ["Last_Name", "Company"], "alias": "N"},
        ),
    )
    assert fails(api, "select count(No_of_Employees) from Leads where id is not null") == (
        400,
        error(
            "INVALID_DATA",
            "invalid data",
            {"reason": "unsupported aggregate function", "column": "count(No_of_Employees)"},
        ),
    )
    assert fails(api, "select SUM(Last_Name) from Leads where id is not null") == (
        400,
        error("INVALID_QUERY", "data type not supported", {"column_name": "Last_Name", "data_type": "text"}),
    )
    columns = ", ".join(["Last_Name", *(f"'Last_Name' as A{i}" for i in range(50))])
    assert fails(api, f"select {columns} from Leads where id is not null") == (
        400,
        error("LIMIT_EXCEEDED", "limit exceeded", {"limit": 50, "param_name": "select_columns"}),
    )


def test_lookups_reach_two_relations(api: Api) -> None:
    joins = error("LIMIT_EXCEEDED", "limit exceeded", {"limit": 2, "param_name": "joins"})
    assert fails(api, "select Account_Name.Parent_Account.Parent_Account.Account_Name from Contacts"
                 " where id is not null") == (400, joins)  # fmt: skip
    assert fails(api, "select Account_Name.Account_Name, Account_Name.Parent_Account.Account_Name,"
                 " Vendor_Name.Vendor_Name from Contacts where id is not null") == (400, joins)  # fmt: skip
    assert fails(api, "select Account_Name.Account_Name, Vendor_Name.Vendor_Name from Contacts"
                 " where Reports_To.Last_Name = 'x'") == (400, joins)  # fmt: skip
    assert fails(api, "select Last_Name.Account_Name from Contacts where id is not null") == (
        400,
        error("INVALID_QUERY", "column given seems to be invalid", {"column_name": "Last_Name.Account_Name"}),
    )
    assert fails(api, "select Account_Name.Nope from Contacts where id is not null") == (
        400,
        error("INVALID_QUERY", "column given seems to be invalid", {"column_name": "Account_Name.Nope"}),
    )


def test_where_and_order_by_through_lookups(api: Api, world: dict[str, str]) -> None:
    response = coql(
        api,
        "select Last_Name from Contacts where (Account_Name.Parent_Account.Account_Name = 'globex'"
        " or Account_Name.Account_Name like 'acm%')",
    )
    assert [r["Last_Name"] for r in response.json()["data"]] == ["Burns", "Kate"]
    response = coql(
        api, "select Last_Name from Contacts where id is not null order by Account_Name.Account_Name desc"
    )
    assert [r["Last_Name"] for r in response.json()["data"]] == ["Burns", "Kate", "O'Brien"]  # null last


def test_more_than_25_criteria(api: Api) -> None:
    where = "Last_Name = 'a'"
    for i in range(25):
        where = f"({where} or Last_Name = 'x{i}')"
    assert fails(api, f"select Last_Name from Leads where {where}") == (
        400,
        error("LIMIT_EXCEEDED", "limit exceeded", {"limit": 25, "param_name": "criteria"}),
    )


# -- aggregates and GROUP BY -------------------------------------------------------------------------------------------
def test_aggregates_without_group_by_give_one_row(api: Api, world: dict[str, str]) -> None:
    response = coql(
        api,
        "select COUNT(id), COUNT(Employees), SUM(Annual_Revenue), AVG(Employees), MIN(Annual_Revenue) as low"
        " from Accounts where id is not null",
    )
    assert response.json() == {
        "data": [{"COUNT(id)": 3, "COUNT(Employees)": 2, "SUM(Annual_Revenue)": 1050.5, "AVG(Employees)": 7.0,
                  "low": 50.5}],
        "info": {"count": 1, "more_records": False},
    }  # fmt: skip


def test_group_by_with_null_as_a_group_first(api: Api, world: dict[str, str]) -> None:
    response = coql(
        api,
        "select Lead_Source, COUNT(id) from Contacts where id is not null group by Lead_Source",
    )
    assert response.json()["data"] == [
        {"Lead_Source": None, "COUNT(id)": 1},
        {"Lead_Source": "Web", "COUNT(id)": 2},
    ]
    response = coql(
        api,
        "select Account_Name, COUNT(id) as n from Contacts where id is not null group by Account_Name"
        " order by n desc, Account_Name",
    )
    assert response.json()["data"] == [  # ties on n: by Account_Name (the id), null first
        {"Account_Name": None, "n": 1},
        {"Account_Name": {"id": world["zylker"]}, "n": 1},
        {"Account_Name": {"id": world["acme"]}, "n": 1},
    ]


def test_group_by_errors(api: Api) -> None:
    assert fails(api, "select Last_Name, COUNT(id) from Leads where id is not null") == (
        400,
        error(
            "INVALID_QUERY",
            "invalid query formed",
            {"reason": "column not in group by", "column_name": "Last_Name"},
        ),
    )
    assert fails(api, "select Company, COUNT(id) from Leads where id is not null group by Last_Name") == (
        400,
        error(
            "INVALID_QUERY",
            "invalid query formed",
            {"reason": "column not in group by", "column_name": "Company"},
        ),
    )
    assert fails(api, "select COUNT(id) from Leads where id is not null group by Last_Name, Last_Name") == (
        400,
        error("DUPLICATE_DATA", "duplicate data", {"column_name": "Last_Name"}),
    )
    five = "Last_Name, Company, Email, Lead_Source, Industry"
    assert fails(api, f"select COUNT(id) from Leads where id is not null group by {five}") == (
        400,
        error("LIMIT_EXCEEDED", "limit exceeded", {"limit": 4, "param_name": "group_by"}),
    )
    six = ", ".join(
        f"{f}(No_of_Employees) as {f}{i}" for i, f in enumerate(["SUM", "AVG", "MIN", "MAX", "COUNT"])
    )
    assert fails(api, f"select {six}, SUM(Annual_Revenue) from Leads where id is not null") == (
        400,
        error("LIMIT_EXCEEDED", "limit exceeded", {"limit": 5, "param_name": "aggregates"}),
    )


# -- ORDER BY, LIMIT, OFFSET -------------------------------------------------------------------------------------------
def test_default_order_is_id_and_pages_say_whether_more_follow(api: Api) -> None:
    made = api.insert("Leads", *({"Last_Name": f"L{i}", "Company": "C"} for i in range(5)))

    def page(tail: str) -> tuple[list[str], bool]:
        body = coql(api, f"select Last_Name from Leads where Company = 'C' {tail}").json()
        return [r["id"] for r in body["data"]], body["info"]["more_records"]

    assert page("") == (made, False)
    assert page("limit 2") == (made[:2], True)
    assert page("limit 2 offset 2") == (made[2:4], True)
    assert page("limit 2, 3") == (made[2:5], False)
    assert page("order by Last_Name desc limit 1 offset 4") == (made[:1], False)


def test_order_by_alias_and_errors(api: Api, world: dict[str, str]) -> None:
    response = coql(api, "select Last_Name as n from Contacts where id is not null order by n desc")
    assert [r["n"] for r in response.json()["data"]] == ["O'Brien", "Kate", "Burns"]
    assert fails(
        api, "select Last_Name from Leads where id is not null order by Last_Name, Last_Name desc"
    ) == (
        400,
        error("DUPLICATE_DATA", "duplicate data", {"column_name": "Last_Name"}),
    )
    eleven = ", ".join(["Last_Name", "Company", "Email", "Lead_Source", "Industry", "Phone", "Mobile", "Fax",
                        "Website", "City", "State"])  # fmt: skip
    assert fails(api, f"select Last_Name from Leads where id is not null order by {eleven}") == (
        400,
        error("LIMIT_EXCEEDED", "limit exceeded", {"limit": 10, "param_name": "order_by"}),
    )


@pytest.mark.parametrize(
    ("tail", "expected"),
    [
        ("limit 0", error("INVALID_DATA", "limit should be greater than 0", {})),
        ("limit 2001", error("LIMIT_EXCEEDED", "limit exceeded", {"limit": 2000, "param_name": "limit"})),
        ("limit abc", error("INVALID_QUERY", "limit given seems to be invalid", {"limit": "abc"})),
        ("limit '5'", error("INVALID_QUERY", "limit given seems to be invalid", {"limit": "5"})),
        ("limit 1.5", error("INVALID_QUERY", "limit given seems to be invalid", {"limit": "1.5"})),
        ("limit 2000 offset 8001", error("LIMIT_EXCEEDED", "limit exceeded", {"limit": 10000, "param_name": "offset"})),
        ("limit 9999, 2", error("LIMIT_EXCEEDED", "limit exceeded", {"limit": 10000, "param_name": "offset"})),
        ("limit 5 offset x", error("INVALID_QUERY", "offset given seems to be invalid", {"offset": "x"})),
    ],
)  # fmt: skip
def test_limit_errors(api: Api, tail: str, expected: dict[str, Any]) -> None:
    assert fails(api, f"select Last_Name from Leads where id is not null {tail}") == (400, expected)


def test_limit_up_to_2000_and_offset_to_10000(api: Api) -> None:
    for tail in ("limit 2000", "limit 2000 offset 8000", "limit 8000, 2000"):
        response = coql(api, f"select Last_Name from Leads where id is not null {tail}")
        assert response.status_code in (200, 204), (tail, response.text)


# -- visibility --------------------------------------------------------------------------------------------------------
COQL_SCOPES = "ZohoCRM.modules.ALL,ZohoCRM.coql.READ"


@pytest.fixture
def shared(tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """The sharing org with a COQL token for each user, keyed by the user."""
    with sharing_org(tmp_path / "sharing", (COQL_SCOPES,)) as (client, tokens):
        yield client, {key.split(" ")[0]: token for key, token in tokens.items()}


def test_a_query_never_shows_what_the_caller_could_not_get(shared: tuple[TestClient, dict[str, str]]) -> None:
    client, tokens = shared

    def call(who: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return client.request(
            method, path, headers={"Authorization": f"Zoho-oauthtoken {tokens[who]}"}, **kwargs
        )

    for who in ("cyd", "max", "ria", "ray"):
        assert (
            call(who, "POST", "/crm/v5/Vault", json={"data": [{"Name": f"{who}-secret"}]}).status_code == 201
        )

    def found(who: str) -> list[str]:
        query = {"select_query": "select Name from Vault where Name like '%secret' order by Name"}
        response = call(who, "POST", "/crm/v5/coql", json=query)
        return [] if response.status_code == 204 else [r["Name"] for r in response.json()["data"]]

    def listed(who: str) -> list[str]:
        response = call(who, "GET", "/crm/v5/Vault", params={"fields": "Name"})
        return [] if response.status_code == 204 else sorted(r["Name"] for r in response.json()["data"])

    assert found("ria") == ["ria-secret"]
    assert found("max") == ["max-secret", "ray-secret", "ria-secret"]
    for who in ("ada", "cyd", "max", "ria", "ray"):
        assert found(who) == listed(who)
    response = call(
        "nia", "POST", "/crm/v5/coql", json={"select_query": "select Name from Vault where id is not null"}
    )
    assert (response.status_code, response.json()["code"]) == (403, "NO_PERMISSION")
