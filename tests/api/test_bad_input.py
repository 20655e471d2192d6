"""Bad input never reaches a 500 (issue 12, part 2): lone surrogates, deep nesting, numbers beyond 64 bits or a
double's range, numbers sent to text fields, control characters and unknown methods in paths. Each case gets
Zoho's JSON error envelope, and nothing of it is stored (read back)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from tests.conftest import SPECIMENS, Api, make_settings, sql
from zcrm.app import create_app
from zcrm.auth.admin import ensure_admin_token

JSON = "application/json;charset=UTF-8"
LONE = '"\\ud800"'  # a JSON string holding a lone (high) surrogate
LONE_STRINGS = ['"\\ud800"', '"\\udfff"', '"ab\\udc00cd"', '"\\udc00\\ud800"', '"\\ud800\\ud800"']
NUL = '"a\\u0000b"'  # no PostgreSQL text column stores it: refused like a lone surrogate
BAD_STRINGS = [*LONE_STRINGS, NUL, '"\\\\\\u0000"']
DEEP = "[" * 10_000 + "]" * 10_000


def error(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"code": code, "details": details or {}, "message": message, "status": "error"}


INVALID_BODY = error("INVALID_DATA", "body")
URL_PATTERN = error("INVALID_URL_PATTERN", "Please check if the URL trying to access is a correct one")
REQUEST_METHOD = error("INVALID_REQUEST_METHOD", "The http request method type is not a valid one")
INVALID_ID_1 = error("INVALID_DATA", "the id given seems to be invalid", {"resource_path_index": 1})
INVALID_ID_2 = error("INVALID_DATA", "the id given seems to be invalid", {"resource_path_index": 2})


def field_error(api_name: str, *, index: int = 0, **details: Any) -> dict[str, Any]:
    path = {"api_name": api_name, "json_path": f"$.data[{index}].{api_name}"}
    return error("INVALID_DATA", "invalid data", {**details, **path})


def raw(value: Any, **texts: str) -> str:
    """``value`` as JSON, with each string ``"@name"`` (a value or a key) replaced by the raw JSON text ``name``."""
    body = json.dumps(value)
    for name, text in texts.items():
        assert f'"@{name}"' in body
        body = body.replace(f'"@{name}"', text)
    return body


def check(response: httpx.Response, status: int, body: dict[str, Any]) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == JSON
    assert response.json() == body


def records(api: Api, module: str) -> list[dict[str, Any]]:
    """Every stored record of the module, oldest first, read back through the API with every field."""
    response = api.get(f"/crm/v5/{module}", params={"fields": "id", "per_page": "200", "sort_order": "asc"})
    if response.status_code == 204:
        return []
    assert response.status_code == 200, response.text
    found = []
    for listed in response.json()["data"]:
        single = api.get(f"/crm/v5/{module}/{listed['id']}")
        assert single.status_code == 200, single.text
        found.append(single.json()["data"][0])
    return found


def count(api: Api, table: str) -> int:
    return int(sql(api, f"SELECT COUNT(*) FROM {table}")[0][0])


@pytest.fixture
def specimens_app(tmp_path: Path) -> Iterator[Api]:
    settings = make_settings(tmp_path / "specimens", org_file=SPECIMENS)
    app = create_app(settings)
    with TestClient(app, base_url="http://127.0.0.1:8000", raise_server_exceptions=False) as client:
        yield Api(client, app.state.credentials, settings.data_dir)
    app.state.zcrm.db.dispose()


SPECIMEN = {"Name": "S", "Code": "C-1"}

# -- lone surrogates in record fields ---------------------------------------------------------------------------

# (field, the value around the bad string, expected_data_type): every Specimens field that takes text
TEXT_FIELDS = [
    ("Name", "{}", "text"),
    ("Code", "{}", "text"),
    ("Notes_Text", "{}", "textarea"),
    ("Rich", "{}", "textarea"),
    ("Email", "{}", "email"),
    ("Phone", "{}", "phone"),
    ("Site", "{}", "website"),
    ("Colour", "{}", "picklist"),
    ("Tags_Multi", '["A", {}]', "multiselectpicklist"),
    ("Day", "{}", "date"),
    ("Moment", "{}", "datetime"),
    ("Count", "{}", "integer"),
    ("Big", "{}", "bigint"),
    ("Ratio", "{}", "double"),
    ("Price", "{}", "currency"),
]


@pytest.mark.parametrize(("field", "shape", "expected"), TEXT_FIELDS)
@pytest.mark.parametrize("bad", BAD_STRINGS)
def test_a_lone_surrogate_or_nul_in_a_field_is_that_field_s_invalid_data(
    specimens_app: Api, field: str, shape: str, expected: str, bad: str
) -> None:
    api = specimens_app
    item = json.dumps(SPECIMEN)[:-1] + f', "{field}": {shape.format(bad)}' + "}"
    check(
        api.post("/crm/v5/Specimens", content=f'{{"data":[{item}]}}'),
        400,
        {"data": [field_error(field, expected_data_type=expected)]},
    )
    assert records(api, "Specimens") == []


def test_a_lone_surrogate_in_a_lookup_subform_row_or_json_field(specimens_app: Api, api: Api) -> None:
    content = raw({"data": [{"Name": "S", "Code": "C-1", "Target": {"id": "@bad"}}]}, bad=LONE)
    invalid_id = error(
        "INVALID_DATA",
        "the id given seems to be invalid",
        {"api_name": "Target", "json_path": "$.data[0].Target"},
    )
    check(specimens_app.post("/crm/v5/Specimens", content=content), 400, {"data": [invalid_id]})
    content = raw({"data": [{"Name": "S", "Code": "C-1", "Parts": [{"Part_Name": "@bad"}]}]}, bad=LONE)
    row_error = error(
        "INVALID_DATA",
        "invalid data",
        {"expected_data_type": "text", "api_name": "Part_Name", "json_path": "$.data[0].Parts[0].Part_Name"},
    )
    check(specimens_app.post("/crm/v5/Specimens", content=content), 400, {"data": [row_error]})
    assert records(specimens_app, "Specimens") == []
    assert count(specimens_app, "records") == 0
    # a JSON-shaped field (Events' participants): the string may be nested anywhere in it
    content = raw({"data": [event([{"type": "email", "participant": "@bad"}])]}, bad=LONE)
    check(
        api.post("/crm/v5/Events", content=content),
        400,
        {"data": [field_error("Participants", expected_data_type="participants")]},
    )
    assert records(api, "Events") == []


def test_a_lone_surrogate_fails_only_its_own_record(api: Api) -> None:
    items = [{"Last_Name": "Good", "Company": "Z"}, {"Last_Name": "Bad", "Company": "@bad"}]
    response = api.post("/crm/v5/Leads", content=raw({"data": items}, bad=LONE))
    assert response.status_code == 207, response.text
    assert response.json()["data"][1] == field_error("Company", index=1, expected_data_type="text")
    assert [(r["Last_Name"], r["Company"]) for r in records(api, "Leads")] == [("Good", "Z")]


def test_a_lone_surrogate_on_update_changes_nothing(api: Api) -> None:
    [lead] = api.insert("Leads", {"Last_Name": "Daly", "Company": "Zylker"})
    before = records(api, "Leads")
    content = raw({"data": [{"id": lead, "Last_Name": "New", "Company": "@bad"}]}, bad=LONE)
    check(
        api.put("/crm/v5/Leads", content=content),
        400,
        {"data": [field_error("Company", expected_data_type="text")]},
    )
    content = raw({"data": [{"Company": "@bad"}]}, bad=LONE)
    check(
        api.put(f"/crm/v5/Leads/{lead}", content=content),
        400,
        {"data": [field_error("Company", expected_data_type="text")]},
    )
    assert records(api, "Leads") == before
    assert count(api, "changes") == 1  # the insert's only


@pytest.mark.parametrize(
    "content",
    [
        raw(
            {"data": [{"@bad": "x", "Last_Name": "L", "Company": "C"}]}, bad=LONE
        ),  # a key: no field to blame
        raw({"data": [{"Last_Name": "L", "Company": "C", "$append_values": {"@bad": True}}]}, bad=LONE),
        raw({"@bad": 1, "data": [{"Last_Name": "L", "Company": "C"}]}, bad=LONE),
    ],
)
def test_a_lone_surrogate_in_a_key_is_an_unreadable_body(api: Api, content: str) -> None:
    check(api.post("/crm/v5/Leads", content=content), 400, INVALID_BODY)
    assert records(api, "Leads") == []


def test_a_surrogate_pair_is_a_character_and_is_stored(api: Api) -> None:
    content = '{"data":[{"Last_Name":"smile \\ud83d\\ude00","Company":"Z\\u00e9"}]}'
    assert api.post("/crm/v5/Leads", content=content).status_code == 201
    assert [(r["Last_Name"], r["Company"]) for r in records(api, "Leads")] == [("smile \U0001f600", "Zé")]


# -- lone surrogates in every other body ------------------------------------------------------------------------


def admin_headers(api: Api) -> dict[str, str]:
    state = api.client.app.state.zcrm  # type: ignore[attr-defined]
    with state.db.write() as conn:
        return {"X-ZCRM-Admin-Token": ensure_admin_token(conn, api.data_dir)}


# (method, path, body with {} where the bad string goes, the table that must stay as it was)
CONTROL_BODIES = [
    ("POST", "/__zcrm/users", '{"last_name":{},"email":"a@b.test"}', "users"),
    ("POST", "/__zcrm/users", '{"last_name":"L","email":"a@b.test","first_name":{}}', "users"),
    ("POST", "/__zcrm/roles", '{"name":{}}', "roles"),
    ("POST", "/__zcrm/profiles", '{"name":{}}', "profiles"),
    ("POST", "/__zcrm/clients", '{"name":{}}', "oauth_clients"),
    ("POST", "/__zcrm/tokens", '{"email":{},"scope":"ZohoCRM.modules.ALL"}', "oauth_tokens"),
    ("POST", "/__zcrm/faults", '{"match":{"path":{}},"effect":{"status":500}}', "fault_rules"),
    ("POST", "/__zcrm/faults", '{"effect":{"error":"INVALID_DATA","message":{}}}', "fault_rules"),
    (
        "PUT",
        "/__zcrm/modules/Leads/workflow_rules",
        '{"workflow_rules":[{"name":{},"when":"create","actions":[{"type":"field_update","field":"Designation","value":"x"}]}]}',
        "modules",
    ),
    ("PUT", "/__zcrm/clock", '{"time":{}}', "orgs"),
    (
        "POST",
        "/crm/v5/actions/watch",
        '{"watch":[{"channel_id":1,"events":["Leads.all"],"notify_url":"http://127.0.0.1:9/n","token":{}}]}',
        "notification_channels",
    ),
]


@pytest.mark.parametrize(("method", "path", "body", "table"), CONTROL_BODIES)
@pytest.mark.parametrize("bad", [LONE, NUL])
def test_a_lone_surrogate_or_nul_anywhere_else_is_an_unreadable_body(
    api: Api, method: str, path: str, body: str, table: str, bad: str
) -> None:
    before = sql(api, f"SELECT * FROM {table}")
    check(
        api.client.request(method, path, content=body.replace("{}", bad), headers=api.headers),
        400,
        INVALID_BODY,
    )
    assert sql(api, f"SELECT * FROM {table}") == before
    # the same body with a plain string is read (and is refused or accepted for other reasons)
    assert (
        api.client.request(method, path, content=body.replace("{}", '"x"'), headers=api.headers).status_code
        < 500
    )


def test_a_lone_surrogate_in_an_org_body_or_a_snapshot(api: Api) -> None:
    headers = admin_headers(api)
    orgs = count(api, "orgs")
    body = raw({"org_file": {"org": {"company_name": "@bad"}}}, bad=LONE)
    check(api.client.post("/__zcrm/orgs", content=body, headers=headers), 400, INVALID_BODY)
    assert count(api, "orgs") == orgs
    org_id = api.creds.org_id
    snapshot = api.client.get(f"/__zcrm/orgs/{org_id}/snapshot", headers=headers).text
    edited = snapshot.replace('"Administrator"', LONE, 1)
    assert edited != snapshot
    check(
        api.client.post(f"/__zcrm/orgs/{org_id}/snapshot", content=edited, headers=headers), 400, INVALID_BODY
    )
    assert (
        api.client.get(f"/__zcrm/orgs/{org_id}/snapshot", headers=headers).json()["roles"]
        == json.loads(snapshot)["roles"]
    )


def test_percent_encoded_bad_utf8_in_paths_and_queries(api: Api) -> None:
    [lead] = api.insert("Leads", {"Last_Name": "Daly", "Company": "Zylker"})
    check(api.get("/crm/v5/Leads/%ED%A0%80"), 400, INVALID_ID_1)
    check(api.get("/crm/v5/Leads/%FF"), 400, INVALID_ID_1)
    check(
        api.get("/crm/v5/Le%FFads"),
        400,
        error("INVALID_MODULE", "the module name given seems to be invalid", {"resource_path_index": 0}),
    )
    check(api.delete("/__zcrm/faults/%ED%A0%80"), 400, INVALID_ID_2)
    check(api.put("/__zcrm/users/%FF", {"status": "active"}), 400, INVALID_ID_2)
    sort_by = error(
        "INVALID_DATA",
        "invalid data",
        {"param_name": "sort_by", "supported_values": ["id", "Created_Time", "Modified_Time"]},
    )
    check(api.get("/crm/v5/Leads?fields=Last_Name&sort_by=%ED%A0%80"), 400, sort_by)
    # unknown field names are not listed: the record is read with its id only
    response = api.get("/crm/v5/Leads?fields=%ED%A0%80%FF")
    assert response.status_code == 200
    assert response.json()["data"] == [{"id": lead}]
    check(
        api.get("/__zcrm/requests?method=%FF"),
        400,
        error(
            "INVALID_DATA",
            "invalid data",
            {
                "param_name": "method",
                "supported_values": ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"],
            },
        ),
    )
    token = api.client.post(
        "/oauth/v2/token",
        content=b"grant_type=%ED%A0%80&client_id=%FF",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert token.status_code == 200
    assert token.json() == {"error": "unsupported_grant_type"}


# -- nesting --------------------------------------------------------------------------------------------------

DEEP_TARGETS = [
    ("POST", "/crm/v5/Leads"),
    ("PUT", "/crm/v5/Leads"),
    ("POST", "/__zcrm/users"),
    ("POST", "/__zcrm/faults"),
    ("PUT", "/__zcrm/modules/Leads/workflow_rules"),
    ("POST", "/crm/v5/actions/watch"),
    ("PUT", "/__zcrm/clock"),
]


@pytest.mark.parametrize(("method", "path"), DEEP_TARGETS)
@pytest.mark.parametrize(
    "content",
    [
        DEEP,
        '{"data":' + DEEP + "}",
        '{"data":[{"Last_Name":"L","Company":"C","x":' + DEEP + "}]}",
        '{"data":[{"Last_Name":"L","Company":1e400,"x":' + DEEP + "}]}",  # the slower, exact decoder too
        raw({"data": [{"Last_Name": "L", "Company": "@bad", "x": "@deep"}]}, bad=LONE, deep=DEEP),
        "{" * 10_000,  # and unbalanced
    ],
)
def test_ten_thousand_levels_are_an_unreadable_body(api: Api, method: str, path: str, content: str) -> None:
    check(api.client.request(method, path, content=content, headers=api.headers), 400, INVALID_BODY)
    assert count(api, "records") == 0


def nested(levels: int) -> Any:
    value: Any = {"type": "email", "participant": "a@b.test"}
    for _ in range(levels):
        value = [value]
    return value


def event(participants: Any) -> dict[str, Any]:
    return {
        "Event_Title": "E",
        "Start_DateTime": "2024-01-01T10:00:00+00:00",
        "End_DateTime": "2024-01-01T11:00:00+00:00",
        "Participants": participants,
    }


@pytest.mark.parametrize(
    "exact", ["", ', "Event_Title": 0.10000000000000000001']
)  # the fast decoder, the exact one
def test_a_json_field_nests_32_levels_and_not_33(api: Api, exact: str) -> None:
    # Participants: 31 lists around one object (32 levels)
    ok = json.dumps({"data": [event(nested(31))]})[:-3] + exact + "}]}"
    assert api.post("/crm/v5/Events", content=ok).status_code == 201
    [stored] = records(api, "Events")
    assert stored["Participants"] == nested(31)
    deep = json.dumps({"data": [event(nested(32))]})[:-3] + exact + "}]}"
    participants = field_error("Participants", expected_data_type="participants")
    check(api.post("/crm/v5/Events", content=deep), 400, {"data": [participants]})
    assert len(records(api, "Events")) == 1


def test_other_bodies_nest_64_levels_and_not_65(api: Api) -> None:
    def fault(lists: int) -> bytes:  # the body (1) > effect (2) > details' lists
        details = "[" * lists + "]" * lists
        return ('{"effect":{"error":"INVALID_DATA","details":{"x":%s}}}' % details).encode()  # noqa: UP031

    assert api.post("/__zcrm/faults", content=fault(61)).status_code == 201  # details (3) + 61 lists: 64
    check(api.post("/__zcrm/faults", content=fault(62)), 400, INVALID_BODY)
    assert len(api.get("/__zcrm/faults").json()["faults"]) == 1


def test_record_bodies_nest_as_deep_as_orjson_reads(api: Api) -> None:
    """Record bodies are read up to orjson's 1,024 levels (only JSON-shaped fields keep what they hold, at most
    32 levels); an ignored key may nest deeper than other bodies may."""
    ignored = "[" * 1_000 + "]" * 1_000
    content = '{"data":[{"Last_Name":"L","Company":"C"}],"ignored":%s}' % ignored  # noqa: UP031
    assert api.post("/crm/v5/Leads", content=content).status_code == 201
    too_deep = '{"data":[{"Last_Name":"L","Company":"C"}],"ignored":[%s]}' % ("[" * 1_024 + "]" * 1_024)
    check(api.post("/crm/v5/Leads", content=too_deep), 400, INVALID_BODY)
    assert len(records(api, "Leads")) == 1


def test_brackets_inside_strings_are_not_nesting(api: Api) -> None:
    text = "[" * 5_000 + "{" * 5_000
    assert (
        api.post(
            "/crm/v5/Leads", {"data": [{"Last_Name": "L", "Company": "C", "Description": text}]}
        ).status_code
        == 201
    )
    assert records(api, "Leads")[0]["Description"] == text


# -- numbers --------------------------------------------------------------------------------------------------

# (JSON text sent to a text field, the text stored)
TEXT_NUMBERS = [
    ("123456789012345678901234567890", "123456789012345678901234567890"),
    ("-123456789012345678901234567890", "-123456789012345678901234567890"),
    ("18446744073709551616", "18446744073709551616"),
    ("1.50", "1.5"),  # a JSON number is a value: its text is the value's (1.50 is 1.5)
    ("1E+2", "100.0"),
    ("1e-7", "0.0000001"),
    ("0.1", "0.1"),
    ("1500.5", "1500.5"),
    ("-0.0", "-0.0"),
    ("12345678901234567.5", "12345678901234567.5"),
    ("0.10000000000000000001", "0.10000000000000000001"),
    ("1e30", "1000000000000000000000000000000"),
]


@pytest.mark.parametrize(("number", "stored"), TEXT_NUMBERS)
def test_a_number_sent_to_a_text_field_is_stored_as_its_exact_decimal_text(
    api: Api, number: str, stored: str
) -> None:
    content = raw({"data": [{"Last_Name": "L", "Company": "@number"}]}, number=number)
    assert api.post("/crm/v5/Leads", content=content).status_code == 201
    assert records(api, "Leads")[0]["Company"] == stored


@pytest.mark.parametrize(
    ("field", "number", "details"),
    [
        ("Company", "1e400", {"maximum_length": 200}),  # a 401-digit text
        ("Company", "-1e400", {"maximum_length": 200}),
        ("Company", "1e999999999", {"maximum_length": 200}),  # never written out
        ("Company", "1" * 5_000, {"maximum_length": 200}),  # longer than Python reads into an int
        ("Annual_Revenue", "1e400", {"maximum_length": 16}),
        ("Annual_Revenue", "-1e999999999", {"maximum_length": 16}),
        ("Annual_Revenue", "1" * 5_000, {"maximum_length": 16}),
        ("Annual_Revenue", '"%s"' % ("1" * 5_000), {"maximum_length": 16}),
        ("No_of_Employees", "123456789012345678901234567890", {"maximum_length": 9}),
        ("No_of_Employees", "1" * 5_000, {"maximum_length": 9}),
        ("No_of_Employees", '"%s"' % ("1" * 5_000), {"maximum_length": 9}),
        ("No_of_Employees", "1e400", {"expected_data_type": "integer"}),
        ("No_of_Employees", "1.0", {"expected_data_type": "integer"}),
        ("Phone", "1e400", {"expected_data_type": "phone"}),
    ],
)
def test_a_number_out_of_range_is_the_field_s_invalid_data(
    api: Api, field: str, number: str, details: dict[str, Any]
) -> None:
    content = raw({"data": [{"Last_Name": "L", "Company": "C", field: "@number"}]}, number=number)
    check(api.post("/crm/v5/Leads", content=content), 400, {"data": [field_error(field, **details)]})
    assert records(api, "Leads") == []


def test_numbers_in_numeric_fields_are_taken_from_the_digits_sent(specimens_app: Api) -> None:
    content = '{"data":[{"Name":"S","Code":"C-1","Price":1.005,"Ratio":0.125000000000000000001,"Big":123456789012345678,"Count":"000000000000042"}]}'
    assert specimens_app.post("/crm/v5/Specimens", content=content).status_code == 201
    [stored] = records(specimens_app, "Specimens")
    assert (stored["Price"], stored["Ratio"], stored["Big"], stored["Count"]) == (
        1.01,
        0.13,
        "123456789012345678",
        42,
    )


def test_an_infinite_number_in_a_json_field_is_invalid_data(api: Api) -> None:
    body = json.dumps({"data": [event([{"type": "email", "participant": "a@b.test"}])]})
    check(
        api.post("/crm/v5/Events", content=body.replace('"a@b.test"}', '"a@b.test", "n": 1e400}')),
        400,
        {"data": [field_error("Participants", expected_data_type="participants")]},
    )
    assert (
        api.post("/crm/v5/Events", content=body.replace('"a@b.test"}', '"a@b.test", "n": 1.50}')).status_code
        == 201
    )
    assert records(api, "Events")[0]["Participants"] == [
        {"type": "email", "participant": "a@b.test", "n": 1.5}
    ]


BIG = 2**63
CONTROL_INTEGERS = [
    (
        "POST",
        "/__zcrm/faults",
        {"effect": {"status": 500}, "count": BIG},
        {"api_name": "count", "minimum": 1, "maximum": 1000000},
    ),
    (
        "POST",
        "/__zcrm/faults",
        {"effect": {"status": 500}, "seed": BIG},
        {"api_name": "seed", "minimum": 0, "maximum": BIG - 1},
    ),
    (
        "POST",
        "/__zcrm/faults",
        {"effect": {"status": 500}, "seed": -BIG - 1},
        {"api_name": "seed", "expected_data_type": "integer"},
    ),
    (
        "POST",
        "/__zcrm/faults",
        {"effect": {"status": 429, "retry_after": BIG}},
        {"api_name": "retry_after", "minimum": 1, "maximum": 86400},
    ),
    (
        "POST",
        "/__zcrm/faults",
        {"effect": {"latency_ms": 2**64 - 1}},
        {"api_name": "latency_ms", "minimum": 0, "maximum": 600000},
    ),
    (
        "POST",
        "/__zcrm/faults",
        {"effect": {"latency_ms": 10**30}},
        {"api_name": "latency_ms", "minimum": 0, "maximum": 600000},
    ),
    (
        "POST",
        "/__zcrm/faults",
        {"effect": {"latency_ms": [0, 1e301]}},
        {"api_name": "latency_ms", "expected_data_type": "double"},
    ),
    (
        "POST",
        "/__zcrm/faults",
        {"effect": {"status": 500}, "match": {"record_id": BIG * 10}},
        {"api_name": "record_id", "expected_data_type": "string"},
    ),
    (
        "POST",
        "/__zcrm/clock/advance",
        {"seconds": BIG * 10},
        {"api_name": "seconds", "expected_data_type": "integer"},
    ),
    ("PUT", "/__zcrm/clock", {"time": BIG}, {"api_name": "time", "expected_data_type": "datetime"}),
]


@pytest.mark.parametrize(("method", "path", "body", "details"), CONTROL_INTEGERS)
def test_integers_beyond_64_bits_in_control_bodies_name_the_key(
    api: Api, method: str, path: str, body: dict[str, Any], details: dict[str, Any]
) -> None:
    check(
        api.client.request(method, path, content=json.dumps(body), headers=api.headers),
        400,
        error("INVALID_DATA", "invalid data", details),
    )
    assert count(api, "fault_rules") == 0
    assert api.get("/__zcrm/clock").json()["offset"] == 0


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("DELETE", f"/__zcrm/faults/{BIG}", INVALID_ID_2),
        ("DELETE", "/__zcrm/faults/" + "9" * 30, INVALID_ID_2),
        ("DELETE", "/__zcrm/faults/" + "1" * 5_000, INVALID_ID_2),
        ("DELETE", "/__zcrm/faults/%C2%B2", INVALID_ID_2),  # a digit, but not an ASCII one
        ("PUT", f"/__zcrm/users/{BIG}", INVALID_ID_2),
        ("GET", f"/crm/v5/Leads/{BIG}", INVALID_ID_1),
        ("GET", f"/crm/v5/users/{BIG * 10}", INVALID_ID_1),
        (
            "GET",
            "/__zcrm/requests?status=%C2%B2",
            error("INVALID_DATA", "invalid data", {"param_name": "status"}),
        ),
        (
            "GET",
            "/__zcrm/requests?status=" + "1" * 5_000,
            error("INVALID_DATA", "invalid data", {"param_name": "status"}),
        ),
        (
            "GET",
            f"/__zcrm/requests?limit={BIG}",
            error("INVALID_DATA", "invalid data", {"param_name": "limit"}),
        ),
        (
            "GET",
            f"/crm/v5/Leads?fields=Last_Name&per_page={BIG}",
            error("INVALID_DATA", "invalid data", {"param_name": "per_page"}),
        ),
        (
            "DELETE",
            f"/crm/v5/Leads?ids={BIG}",
            error(
                "UNABLE_TO_PARSE_DATA_TYPE",
                "either the request body or parameters is in wrong format",
                {"param_name": "ids"},
            ),
        ),
    ],
)
def test_integers_beyond_64_bits_in_paths_and_queries(
    api: Api, method: str, path: str, expected: dict[str, Any]
) -> None:
    response = api.client.request(
        method, path, content=b'{"status":"active"}' if method == "PUT" else None, headers=api.headers
    )
    check(response, 400, expected)


def test_an_advance_of_2_to_the_63_seconds_names_the_maximum(api: Api) -> None:
    response = api.post("/__zcrm/clock/advance", {"seconds": BIG})
    assert response.status_code == 400
    answer = response.json()
    assert (answer["code"], answer["message"], sorted(answer["details"])) == (
        "INVALID_DATA",
        "invalid data",
        ["api_name", "maximum"],
    )
    assert answer["details"]["api_name"] == "seconds"
    assert api.get("/__zcrm/clock").json()["offset"] == 0


def test_a_date_header_beyond_year_9999(api: Api) -> None:
    for header in ("If-Modified-Since", "If-Unmodified-Since"):
        bad = error(
            "UNABLE_TO_PARSE_DATA_TYPE",
            "either the request body or parameters is in wrong format",
            {"param_name": header},
        )
        method = "GET" if header == "If-Modified-Since" else "PUT"
        response = api.client.request(
            method,
            "/crm/v5/Leads?fields=Last_Name",
            content=b'{"data":[{"id":"1","Last_Name":"x"}]}',
            headers={**api.headers, header: "Thu, 02 May 99999999999 05:47:33 GMT"},
        )
        check(response, 400, bad)


def test_a_fault_header_with_a_non_ascii_digit_or_deep_details(api: Api) -> None:
    bad = error("INVALID_DATA", "invalid data", {"header_name": "X-Zcrm-Fault"})
    deep = '{"error":"INVALID_DATA","details":{"a":' + "[" * 300 + "]" * 300 + "}}"
    check(api.get("/crm/v5/org", headers={"X-Zcrm-Fault": deep}), 400, bad)
    response = api.get("/crm/v5/org", headers={"X-Zcrm-Fault": b"\xb2"})  # "²" in Latin-1
    assert response.status_code == 400
    assert response.json()["details"]["header_name"] == "X-Zcrm-Fault"
    assert response.json()["details"]["api_name"] == "error"


# -- paths ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/crm/v5/Leads/1/%0a/x/y",
        "/crm/v5/Leads/%0a/x/y/z",
        "/crm/v5/Leads%0d/1/x/y/z",
        "/crm/v5/Leads/1/%00/x/y",
        "/crm/v5/settings/%09",
        "/%0a",
        "/__zcrm/users/%0a/x",
        "/oauth/v2/token/%0a",
        "/crm/v5/Leads/1/%7f/x/y",
    ],
)
@pytest.mark.parametrize(
    "method", ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "PROPFIND"]
)
def test_a_path_with_a_control_character_is_invalid_url_pattern(api: Api, method: str, path: str) -> None:
    response = api.client.request(method, path, headers=api.headers)
    assert response.status_code == 404
    assert response.headers["content-type"] == JSON
    if method != "HEAD":
        assert response.json() == URL_PATTERN


@pytest.mark.parametrize("method", ["TRACE", "PROPFIND", "CONNECT", "MKCOL", "FOO"])
@pytest.mark.parametrize("path", ["/crm/v5/Leads", "/__zcrm/users", "/oauth/v2/token", "/crm/v5/Leads/%0a"])
def test_an_unknown_method_on_a_known_path_is_invalid_request_method(
    api: Api, method: str, path: str
) -> None:
    check(api.client.request(method, path, headers=api.headers), 400, REQUEST_METHOD)


def test_a_control_character_is_a_segment_s_own(api: Api) -> None:
    """Routes match the path as it was sent: the URL parser under ``request.url`` drops tabs and newlines, which
    made ``/crm/v5/Leads/%0a`` the list of Leads and ``/oauth/v2/token/%0a`` the token endpoint."""
    check(api.get("/crm/v5/Leads/%0a"), 400, INVALID_ID_1)
    check(api.get("/crm/v5/Leads/%09?fields=Last_Name"), 400, INVALID_ID_1)
    check(
        api.get("/crm/v5/%00"),
        400,
        error("INVALID_MODULE", "the module name given seems to be invalid", {"resource_path_index": 0}),
    )
    check(api.client.post("/oauth/v2/token/%0a", data={"grant_type": "refresh_token"}), 404, URL_PATTERN)


def test_the_text_backslash_u0000_is_no_nul(api: Api) -> None:
    # the JSON "a\\\\u0000b" is a backslash, then the letter u and four zeros
    content = raw({"data": [{"Last_Name": "@text", "Company": "C"}]}, text='"a\\\\u0000b"')
    assert api.post("/crm/v5/Leads", content=content).status_code == 201
    assert records(api, "Leads")[0]["Last_Name"] == "a\\u0000b"
    assert api.post("/__zcrm/roles", content=b'{"name":"r\\\\u0000"}').status_code == 201
    assert api.post("/__zcrm/roles", content=b'{"name":"r\\u0000"}').json() == INVALID_BODY


def test_a_nul_in_a_query_form_or_path_names_nothing(api: Api) -> None:
    token = api.client.post(
        "/oauth/v2/token",
        content=b"grant_type=refresh_token&refresh_token=a%00b&client_id=x%00",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert (token.status_code, token.json()) == (200, {"error": "invalid_client"})
    check(
        api.get("/crm/v5/Leads?fields=Last_Name&sort_by=%00"),
        400,
        error(
            "INVALID_DATA",
            "invalid data",
            {"param_name": "sort_by", "supported_values": ["id", "Created_Time", "Modified_Time"]},
        ),
    )
    check(
        api.get("/crm/v5/%00"),
        400,
        error("INVALID_MODULE", "the module name given seems to be invalid", {"resource_path_index": 0}),
    )
    logged = api.get("/__zcrm/requests").json()["requests"]  # the log keeps the requests, NUL made U+FFFD
    assert [(e["path"], e["module"]) for e in logged[:2]] == [
        ("/crm/v5/\ufffd", "\ufffd"),
        ("/crm/v5/Leads", "Leads"),
    ]
