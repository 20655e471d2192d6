"""Fault rules: /__zcrm/faults, every effect with its exact answer, matching, probability, count, the X-Zcrm-Fault
header, the request log's record of a fault, a dropped connection on a live server, and the CLI."""

from __future__ import annotations

import json
import random
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from tests.admin.test_admin_cli import Cli
from tests.conftest import Api, LiveServer, copy_data_dir, make_settings, sql
from zcrm.app import create_app
from zcrm.http.faulting import ConnectionDropped

LEAD = {"Last_Name": "Fault", "Company": "Zylker"}
TOO_MANY = {
    "code": "TOO_MANY_REQUESTS",
    "details": {},
    "message": "You have exceeded the number of concurrent API calls allowed",
    "status": "error",
}
INTERNAL = {"code": "INTERNAL_ERROR", "details": {}, "message": "Internal Server Error", "status": "error"}
UNAVAILABLE = {
    "code": "SERVICE_UNAVAILABLE",
    "details": {},
    "message": "The service is temporarily unavailable",
    "status": "error",
}


def add(api: Api, rule: dict[str, Any]) -> dict[str, Any]:
    response = api.post("/__zcrm/faults", rule)
    assert response.status_code == 201, response.text
    return dict(response.json())


def invalid(details: dict[str, Any], message: str = "invalid data") -> dict[str, Any]:
    return {"code": "INVALID_DATA", "details": details, "message": message, "status": "error"}


# -- the endpoints ----------------------------------------------------------------------------------------------
def test_add_list_remove_clear(api: Api) -> None:
    first = add(api, {"match": {"module": "Leads", "method": "put"}, "effect": {"status": 503}, "count": 2})
    assert first == {
        "id": first["id"],
        "match": {"module": "leads", "method": "PUT"},
        "effect": {"error": "SERVICE_UNAVAILABLE"},
        "count": 2,
        "remaining": 2,
        "created_time": first["created_time"],
    }
    second = add(api, {"effect": {"latency_ms": [1, 2]}, "probability": 0.5, "seed": 3})
    assert second["match"] == {} and second["remaining"] is None
    listed = api.get("/__zcrm/faults").json()["faults"]
    assert [f["id"] for f in listed] == [first["id"], second["id"]]
    assert listed[1] == second
    assert api.delete(f"/__zcrm/faults/{first['id']}").json() == {"id": first["id"]}
    assert [f["id"] for f in api.get("/__zcrm/faults").json()["faults"]] == [second["id"]]
    for unknown in (first["id"], "abc"):
        gone = api.delete(f"/__zcrm/faults/{unknown}")
        assert gone.status_code == 400
        assert gone.json() == invalid({"resource_path_index": 2}, "the id given seems to be invalid")
    add(api, {"effect": {"drop": True}})
    assert api.delete("/__zcrm/faults").json() == {"deleted": 2}
    assert api.get("/__zcrm/faults").json() == {"faults": []}
    assert api.put("/__zcrm/faults").json() == {
        "code": "INVALID_REQUEST_METHOD",
        "details": {},
        "message": "The http request method type is not a valid one",
        "status": "error",
    }
    assert api.client.get("/__zcrm/faults").status_code == 401


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("[]", invalid({}, "body")),
        ({"effect": {"status": 500}, "when": 1}, invalid({"api_name": "when"}, "the field api name given seems to be invalid")),
        ({"match": {"module": "Leads"}}, {"code": "MANDATORY_NOT_FOUND", "details": {"api_name": "effect"}, "message": "required field not found", "status": "error"}),
        ({"effect": {}}, {"code": "MANDATORY_NOT_FOUND", "details": {"api_name": "effect"}, "message": "required field not found", "status": "error"}),
        ({"effect": "boom"}, invalid({"api_name": "effect", "expected_data_type": "jsonobject"})),
        ({"effect": {"status": 404}}, invalid({"api_name": "status", "supported_values": [429, 500, 503]})),
        ({"effect": {"error": "NOPE"}}, None),
        ({"effect": {"status": 500, "drop": True}}, invalid({"api_name": "drop"}, "only one of error, status and drop can be given")),
        ({"effect": {"drop": "yes"}}, invalid({"api_name": "drop", "expected_data_type": "boolean"})),
        ({"effect": {"latency_ms": -1}}, invalid({"api_name": "latency_ms", "minimum": 0, "maximum": 600000})),
        ({"effect": {"latency_ms": [5, 1]}}, invalid({"api_name": "latency_ms", "minimum": 0, "maximum": 600000})),
        ({"effect": {"latency_ms": "5"}}, invalid({"api_name": "latency_ms", "expected_data_type": "double"})),
        ({"effect": {"message": "x"}}, {"code": "MANDATORY_NOT_FOUND", "details": {"api_name": "error"}, "message": "required field not found", "status": "error"}),
        ({"effect": {"status": 429, "retry_after": 0}}, invalid({"api_name": "retry_after", "minimum": 1, "maximum": 86400})),
        ({"effect": {"status": 500}, "probability": 0}, invalid({"api_name": "probability", "minimum": 0, "maximum": 1})),
        ({"effect": {"status": 500}, "probability": 1.5}, invalid({"api_name": "probability", "minimum": 0, "maximum": 1})),
        ({"effect": {"status": 500}, "count": 0}, invalid({"api_name": "count", "minimum": 1, "maximum": 1000000})),
        ({"effect": {"status": 500}, "count": 1.5}, invalid({"api_name": "count", "expected_data_type": "integer"})),
        ({"effect": {"status": 500}, "seed": "x"}, invalid({"api_name": "seed", "expected_data_type": "integer"})),
        ({"effect": {"status": 500}, "match": {"table": "x"}}, invalid({"api_name": "table"}, "the field api name given seems to be invalid")),
        ({"effect": {"status": 500}, "match": {"operation": "upsert"}}, invalid({"api_name": "operation", "supported_values": ["insert", "update", "delete", "read", "metadata", "oauth", "action", "other"]})),
        ({"effect": {"status": 500}, "match": {"method": "FETCH"}}, invalid({"api_name": "method", "supported_values": ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]})),
        ({"effect": {"status": 500}, "match": {"record_id": "abc"}}, invalid({"api_name": "record_id", "expected_data_type": "string"})),
        ({"effect": {"status": 500}, "match": {"module": 5}}, invalid({"api_name": "module", "expected_data_type": "string"})),
    ],
)  # fmt: skip
def test_bad_rules(api: Api, body: Any, expected: dict[str, Any] | None) -> None:
    response = api.post("/__zcrm/faults", content=body if isinstance(body, str) else json.dumps(body))
    assert response.status_code == 400
    if expected is None:  # an unknown code: the supported ones are listed
        answer = response.json()
        assert answer["details"]["api_name"] == "error"
        assert {"INVALID_DATA", "TOO_MANY_REQUESTS", "SERVICE_UNAVAILABLE"} <= set(
            answer["details"]["supported_values"]
        )
        return
    assert response.json() == expected
    assert sql(api, "SELECT COUNT(*) FROM fault_rules") == [(0,)]


# -- effects ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("effect", "status", "body", "retry_after"),
    [
        ({"status": 429}, 429, TOO_MANY, "1"),
        ({"error": "TOO_MANY_REQUESTS", "retry_after": 30}, 429, TOO_MANY, "30"),
        ({"status": 500}, 500, INTERNAL, None),
        ({"status": 503}, 503, UNAVAILABLE, None),
        ({"error": "INVALID_TOKEN"}, 401, {"code": "INVALID_TOKEN", "details": {}, "message": "invalid oauth token", "status": "error"}, None),
        ({"error": "NO_PERMISSION"}, 403, {"code": "NO_PERMISSION", "details": {}, "message": "Permission denied to update", "status": "error"}, None),
        ({"error": "INVALID_DATA", "message": "the id given seems to be invalid", "details": {"id": "1"}}, 400, invalid({"id": "1"}, "the id given seems to be invalid"), None),
        ({"error": "INVALID_URL_PATTERN"}, 404, {"code": "INVALID_URL_PATTERN", "details": {}, "message": "Please check if the URL trying to access is a correct one", "status": "error"}, None),
    ],
)  # fmt: skip
def test_error_effects_answer_exactly_and_write_nothing(
    api: Api, effect: dict[str, Any], status: int, body: dict[str, Any], retry_after: str | None
) -> None:
    rule = add(api, {"match": {"module": "Leads", "operation": "insert"}, "effect": effect})
    response = api.post("/crm/v5/Leads", {"data": [LEAD]})
    assert response.status_code == status
    assert response.json() == body
    assert response.headers["content-type"] == "application/json;charset=UTF-8"
    assert response.headers.get("retry-after") == retry_after
    assert api.get("/crm/v5/Leads?fields=Last_Name").status_code == 204  # the insert never ran
    [entry, *_] = api.get("/__zcrm/requests?method=POST").json()["requests"]
    assert entry["status"] == status and entry["fault"]["rule"] == rule["id"]
    assert json.loads(entry["response_body"]) == body


def test_latency_fixed_and_in_a_range(api: Api) -> None:
    add(api, {"match": {"path": "/crm/v5/org"}, "effect": {"latency_ms": 60}})
    started = time.perf_counter()
    assert api.get("/crm/v5/org").status_code == 200
    assert time.perf_counter() - started >= 0.06
    api.delete("/__zcrm/faults")
    add(api, {"match": {"path": "/crm/v5/users*"}, "effect": {"latency_ms": [20, 40]}, "seed": 1})
    started = time.perf_counter()
    assert api.get("/crm/v5/users").status_code == 200
    assert time.perf_counter() - started >= 0.02
    entry = api.get("/__zcrm/requests?limit=1").json()["requests"][0]
    assert entry["fault"]["effect"] == {"latency_ms": [20, 40]}
    assert 20 <= entry["duration_ms"] < 1000


def test_latency_with_an_error_and_the_write_happens_under_latency_alone(api: Api) -> None:
    add(api, {"match": {"operation": "insert"}, "effect": {"latency_ms": 10}, "count": 1})
    started = time.perf_counter()
    [lead] = api.insert("Leads", LEAD)
    assert time.perf_counter() - started >= 0.01
    assert api.get(f"/crm/v5/Leads/{lead}").status_code == 200  # latency delays the answer, the write is done
    add(api, {"effect": {"status": 500, "latency_ms": 10}})
    started = time.perf_counter()
    assert api.get("/crm/v5/org").json() == INTERNAL
    assert time.perf_counter() - started >= 0.01


def test_drop_in_process_raises(tmp_path: Path) -> None:
    app = create_app(make_settings(tmp_path / "data"))
    headers = {"Authorization": f"Zoho-oauthtoken {app.state.credentials.access_token}"}
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        with pytest.raises(ConnectionDropped):
            client.get("/crm/v5/org", headers={**headers, "X-Zcrm-Fault": "drop"})
        [entry] = client.get("/__zcrm/requests", headers=headers).json()["requests"]
        assert (entry["status"], entry["fault"]) == (None, {"rule": None, "effect": {"drop": True}})
        assert client.get("/__zcrm/requests?status=0", headers=headers).json()["requests"] == [entry]
    app.state.zcrm.db.dispose()


def test_drop_closes_the_connection_of_a_live_server(live_server: LiveServer) -> None:
    creds = live_server.credentials
    headers = {"Authorization": f"Zoho-oauthtoken {creds['access_token']}"}
    with httpx.Client(base_url=live_server.base_url, headers=headers, timeout=10) as client:
        rule = client.post(
            "/__zcrm/faults", json={"match": {"module": "Leads"}, "effect": {"drop": True}, "count": 1}
        )
        assert rule.status_code == 201
        with pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
            client.get("/crm/v5/Leads", params={"fields": "Last_Name"})
        assert client.get("/crm/v5/Leads", params={"fields": "Last_Name"}).status_code == 204  # count used up
        with pytest.raises(httpx.RemoteProtocolError):
            client.get("/crm/v5/org", headers={"X-Zcrm-Fault": "drop"})
        logged = client.get("/__zcrm/requests").json()["requests"]
        assert [(e["path"], e["status"]) for e in logged] == [
            ("/crm/v5/org", None),
            ("/crm/v5/Leads", 204),
            ("/crm/v5/Leads", None),
        ]
        assert client.get("/__zcrm/faults").json() == {"faults": []}


# -- matching, probability, count -------------------------------------------------------------------------------
def test_matching(api: Api) -> None:
    a, b, c = api.insert("Leads", LEAD, {**LEAD, "Last_Name": "B"}, {**LEAD, "Last_Name": "C"})
    add(api, {"match": {"record_id": a}, "effect": {"status": 503}})
    add(api, {"match": {"module": "CONTACTS", "method": "GET"}, "effect": {"status": 429}})
    add(api, {"match": {"operation": "delete", "path": "/crm/v5/Leads"}, "effect": {"status": 500}})
    assert api.get(f"/crm/v5/Leads/{a}").status_code == 503  # the path's id
    assert api.get(f"/crm/v5/Leads/{b}").status_code == 200
    assert (
        api.put("/crm/v5/Leads", {"data": [{"id": b, "Company": "X"}, {"id": a, "Company": "X"}]}).status_code
        == 503
    )
    assert api.put("/crm/v5/Leads", {"data": [{"id": b, "Company": "X"}]}).status_code == 200
    assert api.get("/crm/v5/contacts?fields=Last_Name").status_code == 429  # modules ignore case
    created = api.post("/crm/v5/Contacts", {"data": [{"Last_Name": "Z"}]})
    assert created.status_code == 201  # POST: not matched
    assert api.delete(f"/crm/v5/Leads?ids={c}").status_code == 500  # operation and path
    assert api.delete(f"/crm/v5/Leads/{c}").status_code == 200  # another path
    assert api.delete(f"/crm/v5/Leads?ids={b},{a}").status_code == 503  # ids= names a
    assert api.get("/crm/v5/org").status_code == 200


def test_probability_follows_the_seed(api: Api) -> None:
    add(api, {"match": {"path": "/crm/v5/org"}, "effect": {"status": 503}, "probability": 0.5, "seed": 7})
    outcomes = [api.get("/crm/v5/org").status_code == 503 for _ in range(20)]
    rng = random.Random(7)
    assert outcomes == [rng.random() < 0.5 for _ in range(20)]
    assert 0 < sum(outcomes) < 20


def test_count_applies_to_the_next_n_matching_requests_then_removes_itself(api: Api) -> None:
    rule = add(api, {"match": {"module": "Leads"}, "effect": {"status": 429}, "count": 2})
    assert api.get("/crm/v5/org").status_code == 200  # not matching: not counted
    assert api.get("/crm/v5/Leads?fields=Last_Name").status_code == 429
    assert api.get("/__zcrm/faults").json()["faults"][0]["remaining"] == 1
    assert api.post("/crm/v5/Leads", {"data": [LEAD]}).status_code == 429  # a write unit claims in its own
    assert api.get("/__zcrm/faults").json() == {"faults": []}
    assert api.post("/crm/v5/Leads", {"data": [LEAD]}).status_code == 201
    assert sql(api, "SELECT COUNT(*) FROM fault_rules WHERE id = :id", {"id": int(rule["id"])}) == [(0,)]
    counted = add(api, {"effect": {"status": 500}, "count": 3, "probability": 0.5, "seed": 2})
    rng = random.Random(2)
    expected = [rng.random() < 0.5 for _ in range(12)]
    fired_at = [i for i, fired in enumerate(expected) if fired][:3]
    got = [api.get("/crm/v5/org").status_code for _ in range(12)]
    assert [i for i, status in enumerate(got) if status == 500] == fired_at
    assert counted["id"] not in [f["id"] for f in api.get("/__zcrm/faults").json()["faults"]]


def test_rules_belong_to_their_org(api: Api) -> None:
    admin = (api.data_dir / "admin-token").read_text().strip()
    other = api.client.post("/__zcrm/orgs", headers={"X-ZCRM-Admin-Token": admin}, content="{}").json()
    other_headers = {"Authorization": f"Zoho-oauthtoken {other['access_token']}"}
    add(api, {"effect": {"status": 503}})
    assert api.get("/crm/v5/org").status_code == 503
    assert api.client.get("/crm/v5/org", headers=other_headers).status_code == 200
    assert api.client.get("/__zcrm/faults", headers=other_headers).json() == {"faults": []}
    assert api.get("/__zcrm/faults").status_code == 200  # the control plane is never faulted


def test_a_fault_free_org_is_unaffected(api: Api) -> None:
    [lead] = api.insert("Leads", LEAD)
    assert sql(api, "SELECT faults_version FROM orgs") == [(0,)]
    assert api.put(f"/crm/v5/Leads/{lead}", {"data": [{"Company": "Y"}]}).status_code == 200
    assert api.get(f"/crm/v5/Leads/{lead}").json()["data"][0]["Company"] == "Y"
    logged = api.get("/__zcrm/requests").json()["requests"]
    assert [(e["method"], e["path"], e["fault"]) for e in logged] == [
        ("GET", f"/crm/v5/Leads/{lead}", None),
        ("PUT", f"/crm/v5/Leads/{lead}", None),
        ("POST", "/crm/v5/Leads", None),
    ]


def test_oauth_calls_take_their_clients_org_rules(api: Api) -> None:
    add(api, {"match": {"operation": "oauth"}, "effect": {"status": 503}, "count": 1})
    creds = api.creds
    form = {
        "grant_type": "refresh_token",
        "client_id": creds.client_id,
        "client_secret": creds.client_secret,
        "refresh_token": creds.refresh_token,
    }
    first = api.client.post("/oauth/v2/token", data=form)
    assert (first.status_code, first.json()) == (503, UNAVAILABLE)
    second = api.client.post("/oauth/v2/token", data=form)
    assert second.status_code == 200 and "access_token" in second.json()
    assert api.get("/crm/v5/org").status_code == 200
    statuses = [(e["operation"], e["status"]) for e in api.get("/__zcrm/requests").json()["requests"]]
    assert statuses == [("metadata", 200), ("oauth", 200), ("oauth", 503)]


# -- the X-Zcrm-Fault header ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("header", "status", "code"),
    [
        ("TOO_MANY_REQUESTS", 429, "TOO_MANY_REQUESTS"),
        ("500", 500, "INTERNAL_ERROR"),
        ("503", 503, "SERVICE_UNAVAILABLE"),
        ('{"error":"INVALID_MODULE","details":{"resource_path_index":0}}', 400, "INVALID_MODULE"),
    ],
)
def test_header(api: Api, header: str, status: int, code: str) -> None:
    response = api.get("/crm/v5/Leads?fields=Last_Name", headers={"X-Zcrm-Fault": header})
    assert response.status_code == status
    assert response.json()["code"] == code
    [entry] = api.get("/__zcrm/requests").json()["requests"]
    assert entry["fault"]["rule"] is None and entry["status"] == status
    assert api.get("/crm/v5/Leads?fields=Last_Name").status_code == 204  # that request alone


def test_header_latency_and_bad_headers(api: Api) -> None:
    started = time.perf_counter()
    assert api.get("/crm/v5/org", headers={"X-Zcrm-Fault": '{"latency_ms":30}'}).status_code == 200
    assert time.perf_counter() - started >= 0.03
    bad = api.get("/crm/v5/org", headers={"X-Zcrm-Fault": "NOT_A_CODE"})
    assert bad.status_code == 400
    assert bad.json()["details"]["header_name"] == "X-Zcrm-Fault"
    assert bad.json()["details"]["api_name"] == "error"
    broken = api.get("/crm/v5/org", headers={"X-Zcrm-Fault": "{nope"})
    assert broken.json() == invalid({"header_name": "X-Zcrm-Fault"})


def test_header_does_not_bypass_authentication(api: Api) -> None:
    response = api.client.get("/crm/v5/org", headers={"X-Zcrm-Fault": '{"latency_ms":1}'})
    assert response.json() == {
        "code": "AUTHENTICATION_FAILURE",
        "details": {},
        "message": "Authentication failed",
        "status": "error",
    }
    bad_token = {"Authorization": "Zoho-oauthtoken 1000.a.b", "X-Zcrm-Fault": "500"}
    assert api.client.get("/crm/v5/org", headers=bad_token).json() == {
        "code": "INVALID_TOKEN",
        "details": {},
        "message": "invalid oauth token",
        "status": "error",
    }


def test_header_can_be_turned_off(tmp_path: Path) -> None:
    app = create_app(make_settings(tmp_path / "data", fault_header=False))
    headers = {"Authorization": f"Zoho-oauthtoken {app.state.credentials.access_token}"}
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        assert client.get("/crm/v5/org", headers={**headers, "X-Zcrm-Fault": "500"}).status_code == 200
    app.state.zcrm.db.dispose()


# -- CLI --------------------------------------------------------------------------------------------------------
def test_cli(tmp_path: Path, prepared_data_dir: Path) -> None:
    copy_data_dir(prepared_data_dir, tmp_path / "d")  # a data dir zcrm serve made (commands need one)
    cli = Cli(tmp_path / "d")
    added = cli.ok("faults", "add", '{"match":{"module":"Leads"},"effect":{"status":503},"count":1}')
    assert added["effect"] == {"error": "SERVICE_UNAVAILABLE"} and added["remaining"] == 1
    second = cli.ok("faults", "add", '{"effect":{"latency_ms":5}}')
    assert [f["id"] for f in cli.ok("faults", "list")["faults"]] == [added["id"], second["id"]]
    assert "INVALID_DATA" in cli.fails("faults", "add", '{"effect":{"status":404}}')
    assert "not JSON" in cli.run("faults", "add", "{").output
    assert "a JSON object is expected" in cli.run("faults", "add", "[1]").output
    app = create_app(make_settings(cli.data_dir))
    headers = {"Authorization": f"Zoho-oauthtoken {app.state.credentials.access_token}"}
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:  # a server sees rules the CLI added
        assert client.get("/crm/v5/Leads?fields=Last_Name", headers=headers).status_code == 503
        assert client.get("/crm/v5/Leads?fields=Last_Name", headers=headers).status_code == 204
    app.state.zcrm.db.dispose()
    assert cli.ok("faults", "remove", second["id"]) == {"id": second["id"]}
    assert f"no fault rule {second['id']}" in cli.fails("faults", "remove", second["id"])
    cli.ok("faults", "add", '{"effect":{"drop":true}}')
    assert cli.ok("faults", "clear") == {"deleted": 1}
    assert cli.ok("faults", "list") == {"faults": []}


def test_a_count_taken_by_another_worker_leaves_the_request_unharmed(api: Api) -> None:
    add(api, {"match": {"operation": "insert"}, "effect": {"status": 500}, "count": 1})
    assert api.get("/__zcrm/faults").json()["faults"][0]["remaining"] == 1  # this process has the rule cached
    sql(api, "UPDATE fault_rules SET remaining = 0")  # another worker took the last application
    inserted = api.post("/crm/v5/Leads", {"data": [LEAD]})
    assert inserted.status_code == 201  # run again with its body replayed, once
    assert len(api.get("/crm/v5/Leads?fields=Last_Name").json()["data"]) == 1
    [entry, *_] = api.get("/__zcrm/requests?method=POST").json()["requests"]
    assert (entry["status"], entry["fault"]) == (201, None)
