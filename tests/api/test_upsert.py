"""POST /crm/v5/{module}/upsert (zoho-v5-queries.md §4): the check sequence with and without
``duplicate_check_fields``, matching (ignoring case, several matches, ids), each item as an insert or an update with
their own rules, items that see earlier items, the answer's entries and statuses, scopes, the body's errors, and
automation (workflow rules, the timeline) as insert and update run it. Every write is read back."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.api.org_app import OrgClient, serve
from tests.api.test_request_errors import token_with
from tests.conftest import Api
from zcrm.records.upsert import check_sequence
from zcrm.store.orgs import load_schema

INVALID = "invalid data"
BAD_ID = "the id given seems to be invalid"
REQUIRED = "required field not found"
DUPLICATE = "duplicate data"
TOO_MANY = "count of records in your request exceeds the limit"
SCOPE = {"code": "OAUTH_SCOPE_MISMATCH", "details": {}, "message": "invalid oauth scope to access this URL"}
ENTRY_KEYS = ["code", "duplicate_field", "action", "details", "message", "status"]
AUDIT_KEYS = ["Modified_Time", "Modified_By", "Created_Time", "id", "Created_By", "$approval_state"]
WORKFLOW = Path(__file__).parent.parent / "data" / "workflow.yaml"


# -- helpers -------------------------------------------------------------------------------------------------------


def err(code: str, details: dict[str, Any], message: str) -> dict[str, Any]:
    return {"code": code, "details": details, "message": message, "status": "error"}


def bad_id(index: int = 0) -> dict[str, Any]:
    return err("INVALID_DATA", {"api_name": "id", "json_path": f"$.data[{index}].id"}, BAD_ID)


def missing(field: str, index: int = 0) -> dict[str, Any]:
    return err("MANDATORY_NOT_FOUND", {"api_name": field, "json_path": f"$.data[{index}].{field}"}, REQUIRED)


def upsert(
    api: Api, module: str, *items: Any, headers: dict[str, str] | None = None, **extra: Any
) -> httpx.Response:
    return api.post(f"/crm/v5/{module}/upsert", {"data": list(items), **extra}, headers=headers or {})


def entries(response: httpx.Response, status: int) -> list[dict[str, Any]]:
    assert response.status_code == status, response.text
    return list(response.json()["data"])


def done(entry: dict[str, Any], action: str, duplicate_field: str | None) -> str:
    """Checks a success entry (its six keys in order, its action and duplicate field); returns the record's id."""
    assert list(entry) == ENTRY_KEYS, entry
    message = "record added" if action == "insert" else "record updated"
    assert (entry["code"], entry["action"], entry["duplicate_field"], entry["message"], entry["status"]) == (
        "SUCCESS",
        action,
        duplicate_field,
        message,
        "success",
    )
    assert list(entry["details"]) == AUDIT_KEYS
    return str(entry["details"]["id"])


def read(api: Api, module: str, record_id: str) -> dict[str, Any]:
    response = api.get(f"/crm/v5/{module}/{record_id}")
    assert response.status_code == 200, response.text
    return dict(response.json()["data"][0])


def lead(name: str, **values: Any) -> dict[str, Any]:
    return {"Last_Name": name, "Company": "Zylker", **values}


def emails(api: Api, email: str) -> list[str]:
    """The ids of the leads with this Email (exactly, through search), in id order."""
    response = api.get("/crm/v5/Leads/search", params={"email": email})
    if response.status_code == 204:
        return []
    assert response.status_code == 200, response.text
    return sorted(r["id"] for r in response.json()["data"])


@pytest.fixture
def two(api: Api) -> tuple[str, str]:
    """Two leads, A and B, with an Email, a Lead_Code and a Passport_Number each."""
    a, b = api.insert(
        "Leads",
        lead("A", Email="a@upsert.test", Lead_Code="code-a", Passport_Number="pa"),
        lead("B", Email="b@upsert.test", Lead_Code="code-b", Passport_Number="pb"),
    )
    return a, b


# -- the check sequence (§4.2 step 2) ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "sequence"),
    [
        (None, ["Email", "Lead_Code", "Passport_Number"]),
        ([], ["Email", "Lead_Code", "Passport_Number"]),
        (["Lead_Code"], ["Lead_Code", "Passport_Number"]),
        (["Passport_Number", "Email"], ["Passport_Number", "Email", "Lead_Code"]),
        (["Email", "Email"], ["Email", "Lead_Code", "Passport_Number"]),
    ],
)
def test_the_check_sequence_of_the_default_org_leads(
    api: Api, given: list[str] | None, sequence: list[str]
) -> None:
    state = api.client.app.state.zcrm  # type: ignore[attr-defined]
    with state.db.read() as conn:
        leads = load_schema(conn, api.creds.org_id).module("Leads")
    assert leads is not None
    body = {} if given is None else {"duplicate_check_fields": given}
    assert [f.api_name for f in check_sequence(leads, body)] == sequence


def test_an_insert_then_an_update_matched_on_email_ignoring_case(api: Api) -> None:
    [first] = entries(upsert(api, "Leads", lead("Daly", Email="Daly@Upsert.test")), 200)
    record = done(first, "insert", None)
    assert read(api, "Leads", record)["Email"] == "Daly@Upsert.test"
    [second] = entries(upsert(api, "Leads", {"Email": "daly@upsert.TEST", "Company": "Acme"}), 200)
    assert done(second, "update", "Email") == record
    stored = read(api, "Leads", record)
    assert (stored["Last_Name"], stored["Company"], stored["Email"]) == ("Daly", "Acme", "daly@upsert.TEST")
    assert emails(api, "daly@upsert.test") == [record]


def test_without_check_fields_email_comes_first_then_the_unique_fields(
    api: Api, two: tuple[str, str]
) -> None:
    a, b = two
    data = entries(
        upsert(
            api,
            "Leads",
            {"Lead_Code": "CODE-A", "Company": "by code"},  # no Email: Lead_Code, ignoring case
            {"Passport_Number": "pb", "Company": "by passport"},
            {"Email": "a@upsert.test", "Passport_Number": "pa", "Company": "by email"},
        ),
        200,
    )
    assert [
        done(e, "update", f) for e, f in zip(data, ["Lead_Code", "Passport_Number", "Email"], strict=True)
    ] == [
        a,
        b,
        a,
    ]
    assert read(api, "Leads", a)["Company"] == "by email"
    assert read(api, "Leads", b)["Company"] == "by passport"


def test_a_case_sensitive_unique_field_matches_its_exact_case_only(api: Api, two: tuple[str, str]) -> None:
    [entry] = entries(upsert(api, "Leads", lead("New", Passport_Number="PA")), 200)
    record = done(entry, "insert", None)
    assert read(api, "Leads", record)["Passport_Number"] == "PA"
    assert read(api, "Leads", two[0])["Passport_Number"] == "pa"


def test_given_check_fields_leave_out_the_system_field(api: Api, two: tuple[str, str]) -> None:
    a, b = two
    # Email names A, but only Lead_Code (then Passport_Number) is checked: B is updated, and takes A's Email
    [entry] = entries(
        upsert(
            api,
            "Leads",
            {"Email": "a@upsert.test", "Lead_Code": "code-b"},
            duplicate_check_fields=["Lead_Code"],
        ),
        200,
    )
    assert done(entry, "update", "Lead_Code") == b
    assert emails(api, "a@upsert.test") == sorted([a, b])
    # an Email alone, not listed: no field takes part, so the item is inserted
    [entry] = entries(
        upsert(api, "Leads", lead("C", Email="b@upsert.test"), duplicate_check_fields=["Lead_Code"]), 200
    )
    inserted = done(entry, "insert", None)
    assert inserted not in (a, b) and read(api, "Leads", inserted)["Email"] == "b@upsert.test"


def test_given_check_fields_in_their_order(api: Api, two: tuple[str, str]) -> None:
    a, b = two
    item = {"Email": "b@upsert.test", "Passport_Number": "pa", "Company": "passport first"}
    [entry] = entries(upsert(api, "Leads", item, duplicate_check_fields=["Passport_Number", "Email"]), 200)
    assert done(entry, "update", "Passport_Number") == a
    stored = read(api, "Leads", a)
    assert (stored["Email"], stored["Company"]) == ("b@upsert.test", "passport first")
    assert read(api, "Leads", b)["Company"] == "Zylker"


def test_several_matches_update_the_smallest_id(api: Api) -> None:
    ids = api.insert("Leads", *(lead(f"Twin {i}", Email="twin@upsert.test") for i in range(3)))
    [entry] = entries(upsert(api, "Leads", {"Email": "TWIN@upsert.test", "Company": "first"}), 200)
    assert done(entry, "update", "Email") == min(ids)
    assert [read(api, "Leads", i)["Company"] for i in sorted(ids)] == ["first", "Zylker", "Zylker"]


# -- ids (§4.2 step 1) ---------------------------------------------------------------------------------------------


def test_an_item_with_an_id_updates_that_record(api: Api, two: tuple[str, str]) -> None:
    a, b = two
    # the id wins over an Email that names another record; an id may be a JSON number (behaviour §1.4)
    data = entries(
        upsert(
            api,
            "Leads",
            {"id": a, "Email": "b@upsert.test", "Company": "by id"},
            {"id": int(b), "Company": "by number"},
        ),
        200,
    )
    assert [done(e, "update", None) for e in data] == [a, b]
    assert (read(api, "Leads", a)["Company"], read(api, "Leads", a)["Email"]) == ("by id", "b@upsert.test")
    assert read(api, "Leads", b)["Company"] == "by number"


def test_a_bad_or_unknown_id_is_invalid(api: Api, two: tuple[str, str]) -> None:
    [deal] = api.insert(
        "Deals", {"Deal_Name": "Other module", "Stage": "Qualification", "Closing_Date": "2024-06-30"}
    )
    data = entries(
        upsert(
            api,
            "Leads",
            {"id": "not-an-id", "Company": "x"},
            {"id": "1234567890123456789", "Company": "x"},
            {"id": deal, "Company": "x"},
        ),
        400,
    )
    assert data == [bad_id(0), bad_id(1), bad_id(2)]
    assert read(api, "Leads", two[0])["Company"] == "Zylker"


# -- the rules of insert and update (§4.3) -------------------------------------------------------------------------


def test_an_insert_needs_the_mandatory_fields_an_update_does_not(api: Api, two: tuple[str, str]) -> None:
    data = entries(
        upsert(
            api,
            "Leads",
            {"Email": "new@upsert.test", "Company": "Zylker"},  # new: Last_Name is missing
            {"Email": "a@upsert.test", "Lead_Status": "Contacted"},  # an update sets what it names
            {"Email": "b@upsert.test", "Last_Name": ""},  # an update cannot empty a mandatory field
        ),
        207,
    )
    assert data[0] == missing("Last_Name", 0)
    assert done(data[1], "update", "Email") == two[0]
    assert data[2] == missing("Last_Name", 2)
    assert emails(api, "new@upsert.test") == []
    stored = read(api, "Leads", two[0])
    assert (stored["Lead_Status"], stored["Last_Name"]) == ("Contacted", "A")
    assert read(api, "Leads", two[1])["Last_Name"] == "B"


def duplicate(api: Api, field: str, index: int, holder: str) -> dict[str, Any]:
    users = api.get("/crm/v5/users", params={"type": "AllUsers"}).json()["users"]
    admin = next(u for u in users if u["id"] == api.creds.user_id)
    leads = api.get("/crm/v5/settings/modules/Leads").json()["modules"][0]
    return {
        "code": "DUPLICATE_DATA",
        "details": {
            "api_name": field,
            "json_path": f"$.data[{index}].{field}",
            "id": holder,
            "duplicate_record": {
                "Owner": {"name": admin["full_name"], "id": admin["id"], "zuid": admin["id"]},
                "module": {"api_name": "Leads", "id": leads["id"]},
                "id": holder,
            },
            "more_records": False,
        },
        "message": DUPLICATE,
        "status": "error",
    }


def test_an_update_may_not_take_another_records_unique_value(api: Api, two: tuple[str, str]) -> None:
    a, b = two
    data = entries(
        upsert(
            api,
            "Leads",
            {
                "Email": "a@upsert.test",
                "Lead_Code": "code-b",
                "Company": "clash",
            },  # Email names A, Lead_Code is B's
            {"Email": "b@upsert.test", "Lead_Code": "code-a", "Passport_Number": "pa", "Company": "clash"},
        ),
        400,
    )
    assert data[0] == duplicate(api, "Lead_Code", 0, b)
    assert data[1] == {
        "code": "MULTIPLE_OR_MULTI_ERRORS",
        "details": {"errors": [duplicate(api, "Lead_Code", 1, a), duplicate(api, "Passport_Number", 1, a)]},
        "message": "Multiple errors in the request",
        "status": "error",
    }
    assert [read(api, "Leads", r)["Company"] for r in (a, b)] == ["Zylker", "Zylker"]


def test_append_values_append_on_update_and_set_on_insert(api: Api) -> None:
    deal = {"Stage": "Qualification", "Closing_Date": "2024-06-30", "Deal_Name": "Polyglot"}
    append = {"$append_values": {"Foreign_Languages": True}}
    [entry] = entries(upsert(api, "Deals", {**deal, "Foreign_Languages": ["English"], **append}), 200)
    record = done(entry, "insert", None)
    assert read(api, "Deals", record)["Foreign_Languages"] == ["English"]
    [entry] = entries(
        upsert(api, "Deals", {"Deal_Name": "POLYGLOT", "Foreign_Languages": ["French"], **append}), 200
    )
    assert done(entry, "update", "Deal_Name") == record
    assert read(api, "Deals", record)["Foreign_Languages"] == ["English", "French"]


# -- items run in order (§4.2 last bullet) -------------------------------------------------------------------------


def test_items_see_the_records_earlier_items_wrote(api: Api) -> None:
    data = entries(
        upsert(
            api,
            "Leads",
            lead("Echo", Email="echo@upsert.test"),
            {"Email": "ECHO@upsert.test", "Company": "second"},
            {"Lead_Code": "echo-code", "Email": "echo@upsert.test"},
            {"Last_Name": "Other", "Lead_Code": "ECHO-CODE"},
        ),
        200,
    )
    record = done(data[0], "insert", None)
    assert [done(e, "update", f) for e, f in zip(data[1:], ["Email", "Email", "Lead_Code"], strict=True)] == [
        record
    ] * 3
    stored = read(api, "Leads", record)
    assert (stored["Last_Name"], stored["Company"], stored["Lead_Code"]) == ("Other", "second", "ECHO-CODE")
    assert emails(api, "echo@upsert.test") == [record]


# -- statuses and the body (§4.1, §4.4) ----------------------------------------------------------------------------


def test_statuses_200_207_400(api: Api) -> None:
    assert [done(e, "insert", None) for e in entries(upsert(api, "Leads", lead("S1"), lead("S2")), 200)]
    data = entries(upsert(api, "Leads", lead("S3"), {"Company": "no name"}), 207)
    assert data[1] == missing("Last_Name", 1)
    assert entries(upsert(api, "Leads", {"Company": "no name"}, "not an object"), 400) == [
        missing("Last_Name", 0),
        err(
            "INVALID_DATA",
            {"expected_data_type": "jsonobject", "api_name": "data", "json_path": "$.data[1]"},
            INVALID,
        ),
    ]


def test_more_than_100_items_write_nothing(api: Api) -> None:
    items = [lead(f"Many {i}", Email="many@upsert.test") for i in range(101)]
    response = upsert(api, "Leads", *items)
    assert response.status_code == 400
    assert response.json() == {
        "data": [err("LIMIT_EXCEEDED", {"maximum_length": 100, "api_name": "data"}, TOO_MANY)]
    }
    assert emails(api, "many@upsert.test") == []
    data = entries(upsert(api, "Leads", *items[:100]), 200)  # 100 is allowed: one insert, 99 updates
    assert [e["action"] for e in data] == ["insert"] + ["update"] * 99
    assert len(emails(api, "many@upsert.test")) == 1


@pytest.mark.parametrize(
    ("body", "details"),
    [
        ({"duplicate_check_fields": "Email"}, {"expected_data_type": "jsonarray"}),
        ({"duplicate_check_fields": [1]}, {"expected_data_type": "jsonarray"}),
        ({"duplicate_check_fields": None}, {"expected_data_type": "jsonarray"}),
    ],
)
def test_check_fields_not_an_array_of_names(api: Api, body: dict[str, Any], details: dict[str, Any]) -> None:
    response = upsert(api, "Leads", lead("Never", Email="never@upsert.test"), **body)
    assert response.status_code == 400
    assert response.json() == err(
        "INVALID_DATA",
        {**details, "api_name": "duplicate_check_fields", "json_path": "$.duplicate_check_fields"},
        INVALID,
    )
    assert emails(api, "never@upsert.test") == []


@pytest.mark.parametrize(
    ("fields", "index"),
    [
        (["Nope"], 0),
        (["Email", "Company"], 1),  # a field that is neither the system field nor unique
        (["Lead_Code", "email"], 1),  # names are case-sensitive
    ],
)
def test_a_check_field_that_may_not_be_listed(api: Api, fields: list[str], index: int) -> None:
    response = upsert(api, "Leads", lead("Never", Email="never@upsert.test"), duplicate_check_fields=fields)
    assert response.status_code == 400
    assert response.json() == err(
        "INVALID_DATA",
        {"api_name": "duplicate_check_fields", "json_path": f"$.duplicate_check_fields[{index}]"},
        INVALID,
    )
    assert emails(api, "never@upsert.test") == []


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({}, err("MANDATORY_NOT_FOUND", {"api_name": "data", "json_path": "$.data"}, REQUIRED)),
        ({"data": []}, err("MANDATORY_NOT_FOUND", {"api_name": "data", "json_path": "$.data"}, REQUIRED)),
        (
            {"data": {}},
            err(
                "INVALID_DATA",
                {"expected_data_type": "jsonarray", "api_name": "data", "json_path": "$.data"},
                INVALID,
            ),
        ),
        (
            {"data": [{}], "trigger": "workflow"},
            err(
                "INVALID_DATA",
                {
                    "api_name": "trigger",
                    "json_path": "$.trigger",
                    "supported_values": ["workflow", "approval", "blueprint", "pathfinder", "orchestration"],
                },
                INVALID,
            ),
        ),
    ],
)
def test_request_level_errors(api: Api, body: dict[str, Any], expected: dict[str, Any]) -> None:
    response = api.post("/crm/v5/Leads/upsert", body)
    assert (response.status_code, response.json()) == (400, expected)


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH"])
def test_other_methods(api: Api, method: str) -> None:
    response = api.client.request(
        method, "/crm/v5/Leads/upsert", headers=api.headers, content=b'{"data":[{}]}'
    )
    assert (response.status_code, response.json()) == (
        400,
        err("INVALID_REQUEST_METHOD", {}, "The http request method type is not a valid one"),
    )


def test_an_unknown_module(api: Api) -> None:
    response = upsert(api, "Nowhere", lead("X"))
    assert (response.status_code, response.json()) == (
        400,
        err("INVALID_MODULE", {"resource_path_index": 0}, "the module name given seems to be invalid"),
    )


# -- scopes (§4.1) -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "scopes",
    [
        "ZohoCRM.modules.leads.CREATE",
        "ZohoCRM.modules.leads.UPDATE",
        "ZohoCRM.modules.leads.READ",
        "ZohoCRM.modules.leads.CREATE,ZohoCRM.modules.contacts.UPDATE",
    ],
)
def test_create_or_update_alone_is_not_enough(api: Api, scopes: str) -> None:
    headers = {"Authorization": f"Zoho-oauthtoken {token_with(api, scopes)}"}
    response = upsert(api, "Leads", lead("Scoped", Email="scoped@upsert.test"), headers=headers)
    assert (response.status_code, response.json()) == (401, {**SCOPE, "status": "error"})
    assert emails(api, "scoped@upsert.test") == []


@pytest.mark.parametrize(
    "scopes",
    [
        "ZohoCRM.modules.ALL",
        "ZohoCRM.modules.leads.ALL",
        "ZohoCRM.modules.leads.WRITE",
        "ZohoCRM.modules.leads.CREATE,ZohoCRM.modules.leads.UPDATE",
    ],
)
def test_scopes_that_allow_upsert(api: Api, scopes: str) -> None:
    headers = {"Authorization": f"Zoho-oauthtoken {token_with(api, scopes)}"}
    [entry] = entries(upsert(api, "Leads", lead("Scoped", Email="scoped@upsert.test"), headers=headers), 200)
    assert emails(api, "scoped@upsert.test") == [done(entry, "insert", None)]


# -- modules -------------------------------------------------------------------------------------------------------


def test_a_custom_module_matches_on_name(api: Api) -> None:
    [entry] = entries(upsert(api, "Listings", {"Name": "Sea View"}), 200)
    record = done(entry, "insert", None)
    [entry] = entries(upsert(api, "Listings", {"Name": "SEA VIEW", "Owner": {"id": api.creds.user_id}}), 200)
    assert done(entry, "update", "Name") == record
    assert read(api, "Listings", record)["Name"] == "SEA VIEW"


def test_a_module_without_a_system_check_field_inserts(api: Api) -> None:
    task = {"Subject": "Call back"}
    data = entries(upsert(api, "Tasks", task, task), 200)
    first, second = (done(e, "insert", None) for e in data)
    assert first != second
    assert read(api, "Tasks", first)["Subject"] == read(api, "Tasks", second)["Subject"] == "Call back"
    response = upsert(api, "Tasks", task, duplicate_check_fields=["Subject"])
    assert (response.status_code, response.json()) == (
        400,
        err(
            "INVALID_DATA",
            {"api_name": "duplicate_check_fields", "json_path": "$.duplicate_check_fields[0]"},
            INVALID,
        ),
    )


# -- automation: as insert and update run it -----------------------------------------------------------------------


def test_an_update_by_upsert_is_on_the_timeline(api: Api, two: tuple[str, str]) -> None:
    a, _ = two
    entries(upsert(api, "Leads", {"Email": "a@upsert.test", "Company": "Timeline"}), 200)
    response = api.get(f"/crm/v5/Leads/{a}/__timeline")
    assert response.status_code == 200, response.text
    newest, oldest = response.json()["__timeline"]
    assert (newest["action"], oldest["action"]) == ("updated", "added")
    assert [(h["api_name"], h["_value"]) for h in newest["field_history"]] == [
        ("Company", {"new": "Timeline", "old": "Zylker"})
    ]


class Tickets(OrgClient):
    def upsert(self, *items: dict[str, Any], **body: Any) -> list[dict[str, Any]]:
        response = self.call("POST", "/crm/v5/Tickets/upsert", {"data": list(items), **body})
        assert response.status_code == 200, response.text
        return list(response.json()["data"])

    def get(self, record_id: str) -> dict[str, Any]:
        response = self.call("GET", f"/crm/v5/Tickets/{record_id}", params={"fields": "Status,Priority,Code"})
        assert response.status_code == 200, response.text
        return dict(response.json()["data"][0])


@pytest.fixture
def tickets(tmp_path: Path) -> Iterator[Tickets]:
    with serve(Tickets, tmp_path / "workflow", WORKFLOW) as org:
        yield org


def test_workflow_rules_run_for_the_insert_or_the_update(tickets: Tickets) -> None:
    [entry] = tickets.upsert({"Subject": "Printer", "Code": "T-1"})
    record = done(entry, "insert", None)  # Tickets has no Name: Code, its unique field, is the only check
    stored = tickets.get(record)
    assert (stored["Status"], stored["Priority"]) == ("Open", None)  # the create rule ran
    [entry] = tickets.upsert({"Code": "t-1", "Amount": 5000})
    assert done(entry, "update", "Code") == record
    assert tickets.get(record)["Priority"] == "High"  # the edit rule ran
    [entry] = tickets.upsert({"Code": "T-1", "Status": "New", "Amount": 6000}, trigger=[])
    assert done(entry, "update", "Code") == record
    assert tickets.get(record)["Status"] == "New"  # trigger [] runs no rule


def test_a_matched_record_that_is_locked_or_pending_is_not_updated(api: Api, two: tuple[str, str]) -> None:
    a, b = two
    assert api.put(f"/__zcrm/records/Leads/{a}/state", {"lock_state": "record_locking"}).status_code == 200
    assert (
        api.put(
            f"/__zcrm/records/Leads/{b}/state", {"approval_state": "approval_process_pending"}
        ).status_code
        == 200
    )
    data = entries(
        upsert(
            api, "Leads", {"Email": "a@upsert.test", "Company": "x"}, {"Lead_Code": "code-b", "Company": "x"}
        ),
        400,
    )
    assert data == [
        err(
            "RECORD_LOCKED",
            {"id": a, "action": "record_locking"},
            "You cannot perform this operation as the record is locked.",
        ),
        err("NOT_APPROVED", {"id": b}, "Cannot update record that is not approved yet"),
    ]
    assert [read(api, "Leads", r)["Company"] for r in (a, b)] == ["Zylker", "Zylker"]


def test_feature_execution_items_may_name_an_action(api: Api) -> None:
    body = {"skip_feature_execution": [{"name": "cadences", "action": "insert"}]}
    [entry] = entries(upsert(api, "Leads", lead("Cadence", Email="cadence@upsert.test"), **body), 200)
    assert emails(api, "cadence@upsert.test") == [done(entry, "insert", None)]


@pytest.mark.parametrize(
    ("permissions", "denied"),
    [
        (["view", "edit"], ("create", "Create")),
        (["view", "create"], ("update", "Edit")),
    ],
)
def test_the_profile_must_allow_both_create_and_edit(
    api: Api, permissions: list[str], denied: tuple[str, str]
) -> None:
    profile = api.post("/__zcrm/profiles", {"name": "Half", "permissions": {"Leads": permissions}})
    assert profile.status_code == 201, profile.text
    made = api.post("/__zcrm/users", {"last_name": "Half", "email": "half@upsert.test", "profile": "Half"})
    assert made.status_code == 201, made.text
    issued = api.post("/__zcrm/tokens", {"user_id": made.json()["id"], "scope": "ZohoCRM.modules.ALL"})
    assert issued.status_code in (200, 201), issued.text
    headers = {"Authorization": f"Zoho-oauthtoken {issued.json()['access_token']}"}
    response = upsert(api, "Leads", lead("Half", Email="half@upsert.test"), headers=headers)
    assert (response.status_code, response.json()) == (
        403,
        err(
            "NO_PERMISSION",
            {"permissions": [f"Crm_Implied_{denied[1]}_Leads"]},
            f"Permission denied to {denied[0]}",
        ),
    )
    assert emails(api, "half@upsert.test") == []
