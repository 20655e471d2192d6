"""GET /crm/v5/{module}/{id}/__timeline: a record's change events, newest first (docs/timeline.md)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from tests.conftest import Api, FakeClock, make_settings, sql
from zcrm.app import create_app
from zcrm.settings import Settings

BASE = "http://127.0.0.1:8000"
JSON = "application/json;charset=UTF-8"
T0 = 1_717_700_000  # 2024-06-06T18:53:20Z
PRIYA = "priya.raman@zylker.test"
ARJUN = "arjun.mehta@zylker.test"
ID = re.compile(r"^[0-9]{19}$")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)


@pytest.fixture
def timed(settings: Settings, clock: FakeClock) -> Iterator[Api]:
    """The default org on a server whose clock the test moves by hand."""
    app = create_app(settings, clock)
    with TestClient(app, base_url=BASE, raise_server_exceptions=False) as client:
        yield Api(client, app.state.credentials, settings.data_dir)
    app.state.zcrm.db.dispose()


# -- helpers -------------------------------------------------------------------------------------------------------


def err(code: str, details: dict[str, Any], message: str) -> dict[str, Any]:
    return {"code": code, "details": details, "message": message, "status": "error"}


def invalid(param: str, supported: list[str] | None = None) -> dict[str, Any]:
    details: dict[str, Any] = {"param_name": param}
    if supported is not None:
        details["supported_values"] = supported
    return err("INVALID_DATA", details, "invalid data")


def ist(epoch: int) -> str:
    """An instant as rendered for the admin (Asia/Kolkata)."""
    return dt.datetime.fromtimestamp(epoch, dt.timezone(dt.timedelta(hours=5, minutes=30))).isoformat()


def timeline(
    api: Api, module: str, record_id: str, headers: dict[str, str] | None = None, **params: Any
) -> Any:
    return api.get(f"/crm/v5/{module}/{record_id}/__timeline", params=params, headers=headers or {})


def body_of(response: httpx.Response) -> Any:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == JSON
    return response.json()


def assert_error(response: httpx.Response, status: int, body: dict[str, Any]) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == JSON
    assert response.json() == body


def assert_no_content(response: httpx.Response) -> None:
    assert response.status_code == 204, response.text
    assert response.content == b"" and "content-type" not in response.headers


def update(
    api: Api, module: str, record_id: str, headers: dict[str, str] | None = None, **values: Any
) -> None:
    response = api.put(f"/crm/v5/{module}/{record_id}", {"data": [values]}, headers=headers or {})
    assert response.status_code == 200, response.text


def user_id(api: Api, email: str) -> str:
    users = api.get("/crm/v5/users", params={"type": "AllUsers"}).json()["users"]
    return str(next(u["id"] for u in users if u["email"] == email))


def token_for(api: Api, email: str, scopes: str = "ZohoCRM.modules.ALL") -> dict[str, str]:
    """Authorization headers for a user of the org holding ``scopes`` (issued directly by the OAuth server)."""
    uid = user_id(api, email)
    state = api.client.app.state.zcrm  # type: ignore[attr-defined]
    with state.db.write() as conn:
        token = state.oauth.issue_access_token(
            conn, None, api.creds.client_id, api.creds.org_id, uid, scopes, state.clock.now()
        )
    return {"Authorization": f"Zoho-oauthtoken {token}"}


def change_ids(api: Api, record_id: str) -> list[str]:
    """The ids of the record's stored change events, oldest first."""
    rows = sql(api, "SELECT id FROM changes WHERE record_id = :id ORDER BY id", {"id": record_id})
    return [row[0] for row in rows]


def module_id(api: Api, module: str) -> str:
    return str(api.get(f"/crm/v5/settings/modules/{module}").json()["modules"][0]["id"])


def fields_of(api: Api, module: str) -> dict[str, dict[str, Any]]:
    fields = api.get("/crm/v5/settings/fields", params={"module": module}).json()["fields"]
    return {f["api_name"]: f for f in fields}


def ids_of(body: Any) -> list[str]:
    return [entry["id"] for entry in body["__timeline"]]


def history(api: Api, fields: dict[str, dict[str, Any]], name: str, old: Any, new: Any) -> dict[str, Any]:
    return {"api_name": name, "_value": {"new": new, "old": old}, "id": fields[name]["id"]}


def a_lead_with_history(api: Api, clock: FakeClock) -> tuple[str, list[str]]:
    """A lead inserted at T0 and updated at T0+60, +120, +180 and +240: five entries, ids oldest first."""
    [lead] = api.insert("Leads", {"Last_Name": "Smith", "Company": "Zylker"})
    for step, company in enumerate(("A", "B", "C", "D"), start=1):
        clock.current = T0 + 60 * step
        update(api, "Leads", lead, Company=company)
    ids = change_ids(api, lead)
    assert len(ids) == 5
    return lead, ids


# -- the entries ---------------------------------------------------------------------------------------------------


def test_entries_newest_first_in_zohos_shape(timed: Api, clock: FakeClock) -> None:
    api = timed
    priya, arjun = user_id(api, PRIYA), user_id(api, ARJUN)
    [lead] = api.insert(
        "Leads", {"Last_Name": "Smith", "Company": "Zylker", "Lead_Source": "Employee Referral"}
    )
    clock.current = T0 + 60
    update(api, "Leads", lead, Company="ABC", Last_Name="Boyle", First_Name="Patricia")
    clock.current = T0 + 120
    update(api, "Leads", lead, Phone="1234567", Owner={"id": arjun}, Lead_Source="Cold Call")
    clock.current = T0 + 180
    update(api, "Leads", lead, Company="ABC")  # changes nothing: no entry
    added, renamed, phoned, _unchanged = change_ids(api, lead)
    fields = fields_of(api, "Leads")
    done_by = {"name": "Priya Raman", "id": priya}
    record = {"module": {"api_name": "Leads", "id": module_id(api, "Leads")}, "id": lead}

    body = body_of(timeline(api, "Leads", lead))

    assert body == {
        "__timeline": [
            {
                "done_by": done_by,
                "related_record": None,
                "automation_details": None,
                "record": {**record, "name": "Patricia Boyle"},
                "audited_time": ist(T0 + 120),
                "action": "updated",
                "id": phoned,
                "source": "crm_api",
                "field_history": [  # in the module's field order
                    history(api, fields, "Owner", "Priya Raman", "Arjun Mehta"),
                    history(api, fields, "Phone", None, "1234567"),
                    history(api, fields, "Lead_Source", "Employee Referral", "Cold Call"),
                ],
            },
            {
                "done_by": done_by,
                "related_record": None,
                "automation_details": None,
                "record": {**record, "name": "Patricia Boyle"},  # the name after that change
                "audited_time": ist(T0 + 60),
                "action": "updated",
                "id": renamed,
                "source": "crm_api",
                "field_history": [
                    history(api, fields, "Company", "Zylker", "ABC"),
                    history(api, fields, "First_Name", None, "Patricia"),
                    history(api, fields, "Last_Name", "Smith", "Boyle"),
                ],
            },
            {
                "done_by": done_by,
                "related_record": None,
                "automation_details": None,
                "record": {**record, "name": "Smith"},
                "audited_time": ist(T0),
                "action": "added",
                "id": added,
                "source": "crm_api",
                "field_history": None,
            },
        ],
        "info": {
            "per_page": 200,
            "next_page_token": None,
            "count": 3,
            "page": 1,
            "previous_page_token": None,
            "more_records": False,
        },
    }


def test_inner_details_and_include(api: Api) -> None:
    [lead] = api.insert("Leads", {"Last_Name": "Smith", "Company": "Zylker"})
    update(api, "Leads", lead, Lead_Source="Cold Call", Company="ABC")
    fields = fields_of(api, "Leads")
    admin = next(u for u in api.get("/crm/v5/users").json()["users"] if u["email"] == PRIYA)
    details = ",".join(
        [
            "field_history.data_type",
            " field_history.field_label",  # spaces after commas, as in Zoho's sample request
            " field_history.enable_colour_code",
            " field_history.pick_list_values",
            " done_by.type__s",
            " done_by.profile",
        ]
    )

    body = body_of(timeline(api, "Leads", lead, include_inner_details=details, include="extension,type"))

    entry = body["__timeline"][0]
    assert list(entry) == [
        "done_by",
        "extension",
        "related_record",
        "automation_details",
        "record",
        "audited_time",
        "action",
        "id",
        "source",
        "type",
        "field_history",
    ]
    assert entry["done_by"] == {
        "profile": {"name": "Administrator", "id": admin["profile"]["id"]},
        "name": "Priya Raman",
        "id": admin["id"],
        "type__s": "regular user",
    }
    assert entry["extension"] is None
    assert entry["type"] == "timeline"
    picklist = [
        {
            "display_value": v["display_value"],
            "sequence_number": v["sequence_number"],
            "colour_code": None,
            "actual_value": v["actual_value"],
            "id": v["id"],
            "type": "used",
        }
        for v in fields["Lead_Source"]["pick_list_values"]
    ]
    assert len(picklist) > 2
    assert entry["field_history"] == [
        {
            "api_name": "Company",
            "field_label": "Company",
            "enable_colour_code": False,
            "data_type": "text",
            "_value": {"new": "ABC", "old": "Zylker"},
            "id": fields["Company"]["id"],
            "pick_list_values": [],
        },
        {
            "api_name": "Lead_Source",
            "field_label": "Lead Source",
            "enable_colour_code": False,
            "data_type": "picklist",
            "_value": {"new": "Cold Call", "old": None},
            "id": fields["Lead_Source"]["id"],
            "pick_list_values": picklist,
        },
    ]
    added = body["__timeline"][1]
    assert added["action"] == "added" and added["field_history"] is None and added["type"] == "timeline"


def test_values_read_as_the_record_json_shows_them_in_the_readers_zone(specimens: Api) -> None:
    api = specimens
    t1, t2 = api.insert("Targets", {"Name": "Alpha"}, {"Name": "Beta"})
    vic = user_id(api, "vic@specimen.test")
    [record] = api.insert(
        "Specimens",
        {
            "Name": "S",
            "Code": "C1",
            "Moment": "2024-05-02T11:17:33+05:30",
            "Target": {"id": t1},
            "Flag": True,
            "Count": 3,
            "Price": 12.5,
            "Tags_Multi": ["A"],
            "Day": "2024-06-15",
            "Colour": "Red",
        },
    )
    update(
        api,
        "Specimens",
        record,
        Moment="2024-05-03T00:00:00Z",
        Target={"id": t2},
        Reviewer={"id": vic},
        Flag=False,
        Count=4,
        Price=13,
        Tags_Multi=["A", "B"],
        Day="2024-06-16",
        Colour="Green",
        Parts=[{"Part_Name": "bolt"}],  # a subform: its row changes are not field history
    )
    assert api.delete(f"/crm/v5/Targets/{t1}").status_code == 200  # a lookup target since deleted: its id
    fields = fields_of(api, "Specimens")
    expected = [
        history(api, fields, "Colour", "Red", "Green"),
        history(api, fields, "Tags_Multi", "A", "A, B"),
        history(api, fields, "Count", "3", "4"),
        history(api, fields, "Price", "12.5", "13.0"),
        history(api, fields, "Flag", "true", "false"),
        history(api, fields, "Day", "2024-06-15", "2024-06-16"),
        history(api, fields, "Moment", "2024-05-02T11:17:33+05:30", "2024-05-03T05:30:00+05:30"),
        history(api, fields, "Target", t1, "Beta"),
        history(api, fields, "Reviewer", None, "Vic Viewer"),
    ]
    # Ada (the admin) reads in Asia/Kolkata
    [entry, _] = body_of(timeline(api, "Specimens", record))["__timeline"]
    assert entry["field_history"] == expected
    # Vic (Viewer profile: view everywhere) reads in UTC, audited_time included
    headers = token_for(api, "vic@specimen.test")
    [entry, added] = body_of(timeline(api, "Specimens", record, headers=headers))["__timeline"]
    moment = history(api, fields, "Moment", "2024-05-02T05:47:33+00:00", "2024-05-03T00:00:00+00:00")
    assert entry["field_history"] == [moment if e["api_name"] == "Moment" else e for e in expected]
    created = api.get(f"/crm/v5/Specimens/{record}", headers=headers).json()["data"][0]["Created_Time"]
    assert added["audited_time"] == created
    assert created.endswith("+00:00")


def test_an_update_of_row_fields_only_has_no_field_history(specimens: Api) -> None:
    [record] = specimens.insert("Specimens", {"Name": "S", "Code": "C1"})
    update(specimens, "Specimens", record, Parts=[{"Part_Name": "bolt"}])
    [entry, _] = body_of(timeline(specimens, "Specimens", record))["__timeline"]
    assert entry["action"] == "updated"
    assert entry["field_history"] == []


def test_other_users_changes_name_them(api: Api) -> None:
    [lead] = api.insert("Leads", {"Last_Name": "Smith", "Company": "Zylker"})
    update(api, "Leads", lead, headers=token_for(api, ARJUN), Company="By Arjun")
    body = body_of(timeline(api, "Leads", lead))
    assert [e["done_by"] for e in body["__timeline"]] == [
        {"name": "Arjun Mehta", "id": user_id(api, ARJUN)},
        {"name": "Priya Raman", "id": user_id(api, PRIYA)},
    ]


# -- paging and order ----------------------------------------------------------------------------------------------


def test_page_and_per_page(timed: Api, clock: FakeClock) -> None:
    lead, ids = a_lead_with_history(timed, clock)
    newest = ids[::-1]
    first = body_of(timeline(timed, "Leads", lead, per_page=2))
    assert ids_of(first) == newest[:2]
    assert first["info"]["per_page"] == 2 and first["info"]["page"] == 1 and first["info"]["count"] == 2
    assert first["info"]["more_records"] is True
    assert isinstance(first["info"]["next_page_token"], str)
    second = body_of(timeline(timed, "Leads", lead, per_page=2, page=2))
    assert ids_of(second) == newest[2:4]
    assert second["info"]["page"] == 2 and second["info"]["more_records"] is True
    third = body_of(timeline(timed, "Leads", lead, per_page=2, page=3))
    assert ids_of(third) == newest[4:]
    assert third["info"] == {
        "per_page": 2,
        "next_page_token": None,
        "count": 1,
        "page": 3,
        "previous_page_token": None,
        "more_records": False,
    }
    assert_no_content(timeline(timed, "Leads", lead, per_page=2, page=4))
    assert body_of(timeline(timed, "Leads", lead, per_page=500))["info"]["per_page"] == 200


def test_sort_order_ascending(timed: Api, clock: FakeClock) -> None:
    lead, ids = a_lead_with_history(timed, clock)
    body = body_of(timeline(timed, "Leads", lead, sort_by="audited_time", sort_order="asc", per_page=3))
    assert ids_of(body) == ids[:3]
    assert [e["audited_time"] for e in body["__timeline"]] == [ist(T0), ist(T0 + 60), ist(T0 + 120)]
    assert ids_of(body_of(timeline(timed, "Leads", lead, sort_order="desc"))) == ids[::-1]


def test_audited_time_orders_before_the_id(timed: Api, clock: FakeClock) -> None:
    [lead] = timed.insert("Leads", {"Last_Name": "Smith", "Company": "Zylker"})
    clock.current = T0 - 3600  # a change recorded later with an earlier time sorts as older
    update(timed, "Leads", lead, Company="Earlier")
    added, earlier = change_ids(timed, lead)
    assert ids_of(body_of(timeline(timed, "Leads", lead))) == [added, earlier]


def test_page_token_walks_the_pages(timed: Api, clock: FakeClock) -> None:
    lead, ids = a_lead_with_history(timed, clock)
    newest = ids[::-1]
    first = body_of(timeline(timed, "Leads", lead, per_page=2))
    token = first["info"]["next_page_token"]
    clock.current = T0 + 600
    update(timed, "Leads", lead, Company="Later")  # a newer change does not shift the pages a token walks
    second = body_of(timeline(timed, "Leads", lead, page_token=token))
    assert ids_of(second) == newest[2:4]
    assert second["info"]["per_page"] == 2 and second["info"]["page"] == 2
    assert second["info"]["previous_page_token"] == token
    assert second["info"]["more_records"] is True
    third = body_of(timeline(timed, "Leads", lead, page_token=second["info"]["next_page_token"]))
    assert ids_of(third) == newest[4:]
    assert third["info"]["page"] == 3
    assert third["info"]["more_records"] is False and third["info"]["next_page_token"] is None


def test_page_token_errors(api: Api) -> None:
    [lead] = api.insert("Leads", {"Last_Name": "Smith", "Company": "Zylker"})
    for company in ("A", "B"):
        update(api, "Leads", lead, Company=company)
    token = body_of(timeline(api, "Leads", lead, per_page=1))["info"]["next_page_token"]
    ambiguous = err(
        "AMBIGUITY_DURING_PROCESSING", {"param_name": "page_token"}, "ambiguity during processing the request"
    )
    assert_error(timeline(api, "Leads", lead, page_token=token, per_page=1), 400, ambiguous)
    assert_error(timeline(api, "Leads", lead, page_token=token, page=2), 400, ambiguous)
    mismatch = err(
        "TOKEN_BOUND_DATA_MISMATCH",
        {"param_name": "page_token"},
        "page_token does not match the user or parameters of this request",
    )
    [other] = api.insert("Leads", {"Last_Name": "Other", "Company": "Zylker"})
    size, _, signed = token.partition(".")
    for bad in (
        {"page_token": "nonsense"},
        {"page_token": f"2.{signed}"},  # another page size than the token was issued for
        {"page_token": token, "sort_order": "asc"},  # other parameters
    ):
        assert_error(timeline(api, "Leads", lead, **bad), 400, mismatch)
    assert_error(timeline(api, "Leads", other, page_token=token), 400, mismatch)  # another record
    assert_error(timeline(api, "Leads", lead, headers=token_for(api, ARJUN), page_token=token), 400, mismatch)
    assert size == "1"


# -- filters -------------------------------------------------------------------------------------------------------


def test_filters(timed: Api, clock: FakeClock) -> None:
    api = timed
    priya, arjun = user_id(api, PRIYA), user_id(api, ARJUN)
    [lead] = api.insert("Leads", {"Last_Name": "Smith", "Company": "Zylker"})
    clock.current = T0 + 60
    update(api, "Leads", lead, headers=token_for(api, ARJUN), Company="A")
    clock.current = T0 + 120
    update(api, "Leads", lead, Company="B")
    added, by_arjun, last = change_ids(api, lead)

    def filtered(condition: dict[str, Any]) -> list[str] | None:
        response = timeline(api, "Leads", lead, filters=json.dumps(condition))
        if response.status_code == 204:
            return None
        return ids_of(body_of(response))

    def cond(api_name: str, comparator: str, value: Any) -> dict[str, Any]:
        return {"field": {"api_name": api_name}, "comparator": comparator, "value": value}

    assert filtered(cond("done_by.id", "equal", arjun)) == [by_arjun]
    assert filtered(cond("done_by.id", "in", [priya])) == [last, added]
    assert filtered(cond("done_by.id", "in", [priya, arjun])) == [last, by_arjun, added]
    window = [ist(T0 + 30), ist(T0 + 120)]
    assert filtered(cond("audited_time", "between", window)) == [last, by_arjun]
    assert filtered(cond("source", "equal", "crm_api")) == [last, by_arjun, added]
    assert filtered(cond("source", "in", ["crm_ui", "workflow"])) is None
    assert filtered(cond("record.module.api_name", "in", ["Notes", "Tasks"])) is None
    assert filtered(
        {
            "group_operator": "AND",
            "group": [cond("done_by.id", "equal", priya), cond("audited_time", "between", window)],
        }
    ) == [last]
    assert filtered(
        {
            "group_operator": "or",
            "group": [
                cond("done_by.id", "equal", arjun),
                cond("audited_time", "between", [ist(T0), ist(T0)]),
            ],
        }
    ) == [by_arjun, added]


@pytest.mark.parametrize(
    "filters",
    [
        "not json",
        json.dumps([]),
        json.dumps({"field": {"api_name": "Company"}, "comparator": "equal", "value": "A"}),
        json.dumps({"field": {"api_name": "source"}, "comparator": "between", "value": ["a", "b"]}),
        json.dumps({"field": {"api_name": "done_by.id"}, "comparator": "equal", "value": "abc"}),
        json.dumps({"field": {"api_name": "done_by.id"}, "comparator": "in", "value": []}),
        json.dumps({"field": {"api_name": "audited_time"}, "comparator": "between", "value": ["2024-06-07"]}),
        json.dumps(
            {"field": {"api_name": "audited_time"}, "comparator": "equal", "value": "2024-06-07T00:00:00Z"}
        ),
        json.dumps({"group_operator": "XOR", "group": []}),
        json.dumps({"group_operator": "AND", "group": []}),
    ],
)
def test_malformed_filters_are_invalid_data(api: Api, filters: str) -> None:
    [lead] = api.insert("Leads", {"Last_Name": "Smith", "Company": "Zylker"})
    assert_error(timeline(api, "Leads", lead, filters=filters), 400, invalid("filters"))


# -- no timeline, bad requests -------------------------------------------------------------------------------------


def test_records_without_a_timeline_are_204(api: Api) -> None:
    [lead] = api.insert("Leads", {"Last_Name": "Smith", "Company": "Zylker"})
    [contact] = api.insert("Contacts", {"Last_Name": "Other"})
    [gone] = api.insert("Leads", {"Last_Name": "Gone", "Company": "Zylker"})
    assert api.delete(f"/crm/v5/Leads/{gone}").status_code == 200
    assert_no_content(timeline(api, "Leads", "1234567890123456789"))  # well formed, unknown
    assert_no_content(timeline(api, "Leads", gone))  # deleted, as GET of it
    assert_no_content(timeline(api, "Leads", contact))  # another module's record
    assert body_of(timeline(api, "leads", lead))["__timeline"][0]["record"]["module"]["api_name"] == "Leads"


@pytest.mark.parametrize("bad_id", ["abc", "0", "12345678901234567890123"])
def test_malformed_record_id_is_invalid_data(api: Api, bad_id: str) -> None:
    assert_error(
        timeline(api, "Leads", bad_id),
        400,
        err("INVALID_DATA", {"resource_path_index": 1}, "the id given seems to be invalid"),
    )


def test_unknown_module_and_other_methods(api: Api) -> None:
    assert_error(
        timeline(api, "Nope", "1234567890123456789"),
        400,
        err("INVALID_MODULE", {"resource_path_index": 0}, "the module name given seems to be invalid"),
    )
    response = api.post("/crm/v5/Leads/1234567890123456789/__timeline", {})
    assert_error(
        response,
        400,
        err("INVALID_REQUEST_METHOD", {}, "The http request method type is not a valid one"),
    )


@pytest.mark.parametrize(
    ("params", "body"),
    [
        ({"sort_by": "Created_Time"}, invalid("sort_by", ["audited_time"])),
        ({"sort_order": "up"}, invalid("sort_order", ["asc", "desc"])),
        ({"per_page": "0"}, invalid("per_page")),
        ({"page": "x"}, invalid("page")),
        ({"include_inner_details": "field_history.colour"}, invalid("include_inner_details", None)),
        ({"include": "everything"}, invalid("include", ["extension", "type"])),
        (
            {"include_timeline_type": "emails", "include": "type"},
            invalid("include_timeline_type", ["signals"]),
        ),
        (
            {"include_timeline_type": "signals"},
            err(
                "REQUIRED_PARAM_MISSING",
                {"param_name": "include"},
                "One of the expected parameter is missing",
            ),
        ),
    ],
)
def test_parameter_errors(api: Api, params: dict[str, str], body: dict[str, Any]) -> None:
    [lead] = api.insert("Leads", {"Last_Name": "Smith", "Company": "Zylker"})
    response = timeline(api, "Leads", lead, **params)
    if body["details"].get("param_name") == "include_inner_details":
        supported = response.json()["details"]["supported_values"]
        assert "field_history.field_label" in supported and "done_by.profile" in supported
        body = invalid("include_inner_details", supported)
    assert_error(response, 400, body)


def test_signals_with_include_are_accepted(api: Api) -> None:
    [lead] = api.insert("Leads", {"Last_Name": "Smith", "Company": "Zylker"})
    response = timeline(api, "Leads", lead, include_timeline_type="signals", include="extension")
    assert body_of(response)["__timeline"][0]["extension"] is None


# -- scopes and permissions ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scopes", "allowed"),
    [
        ("ZohoCRM.modules.leads.READ", True),
        ("ZohoCRM.modules.leads.ALL", True),
        ("ZohoCRM.modules.ALL", True),
        ("ZohoCRM.modules.leads.CREATE", False),
        ("ZohoCRM.modules.contacts.READ", False),
        ("ZohoCRM.settings.ALL", False),
    ],
)
def test_scopes(api: Api, scopes: str, allowed: bool) -> None:
    [lead] = api.insert("Leads", {"Last_Name": "Smith", "Company": "Zylker"})
    response = timeline(api, "Leads", lead, headers=token_for(api, PRIYA, scopes))
    if allowed:
        assert body_of(response)["info"]["count"] == 1
    else:
        assert_error(response, 401, err("OAUTH_SCOPE_MISMATCH", {}, "invalid oauth scope to access this URL"))


ORG = """
format: zcrm-org/1
org: {company_name: Timeline Labs, time_zone: UTC, currency: USD, edition: Professional}
roles:
  - {name: CEO}
profiles:
  - {name: Administrator, admin: true}
  - {name: Partial, permissions: {Targets: [view]}}
users:
  - {first_name: Ada, last_name: Admin, email: ada@timeline.test, role: CEO, profile: Administrator}
  - {first_name: Pat, last_name: Partial, email: pat@timeline.test, role: CEO, profile: Partial}
modules:
  - api_name: Targets
    singular_label: Target
    display_field: Name
    fields:
      - {api_name: Name, data_type: text, system_mandatory: true}
  - api_name: Secrets
    singular_label: Secret
    display_field: Name
    fields:
      - {api_name: Name, data_type: text, system_mandatory: true}
"""


def test_profile_without_view_permission(tmp_path: Path) -> None:
    org_file = tmp_path / "org.yaml"
    org_file.write_text(ORG)
    settings = make_settings(tmp_path / "data", org_file=org_file)
    app = create_app(settings)
    with TestClient(app, base_url=BASE, raise_server_exceptions=False) as client:
        api = Api(client, app.state.credentials, settings.data_dir)
        [secret] = api.insert("Secrets", {"Name": "s"})
        [target] = api.insert("Targets", {"Name": "t"})
        pat = token_for(api, "pat@timeline.test")
        assert_error(
            timeline(api, "Secrets", secret, headers=pat),
            403,
            err("NO_PERMISSION", {"permissions": ["Crm_Implied_View_Secrets"]}, "Permission denied to read"),
        )
        assert body_of(timeline(api, "Targets", target, headers=pat))["info"]["count"] == 1
        entry = body_of(timeline(api, "Targets", target))["__timeline"][0]
        assert ID.match(entry["id"])
        assert entry["audited_time"].endswith("+00:00")  # the org's zone: Ada has none of her own
    app.state.zcrm.db.dispose()
