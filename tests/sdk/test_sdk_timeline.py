"""End to end: the official SDK's ``TimelinesOperations().get_timelines`` against a live ``zcrm serve``.

The record's history is written over plain HTTP; ``timeline_driver.py`` then reads it with the SDK in a fresh
interpreter and reports what the SDK parsed: ``ResponseWrapper`` with ``Timeline`` entries, ``FieldHistory`` old
and new values, ``Info`` and its page token, an empty 204, and an ``APIException`` for a malformed id.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import LiveServer, served
from tests.sdk import live

DRIVER = Path(__file__).with_name("timeline_driver.py")
CLIENT_TZ = "<-03>3"  # the SDK turns datetimes to the client's zone: not the admin's (+05:30)
UNKNOWN_ID = "1234567890123456789"


def run_driver(server: LiveServer, work: Path, args: dict[str, Any]) -> dict[str, Any]:
    return live.run_driver(DRIVER, server.data_dir / "credentials.json", work, args, {"TZ": CLIENT_TZ})


def wire(report: dict[str, Any], step: str) -> dict[str, Any]:
    """The one request the SDK sent during ``step``."""
    [entry] = live.in_step(report, step)
    return dict(entry)


def instant(tagged: dict[str, str]) -> dt.datetime:
    """A datetime the SDK parsed (tagged by the driver), in UTC."""
    return dt.datetime.fromisoformat(tagged["datetime"]).astimezone(dt.UTC)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("sdk-timeline")
    data_dir = root / "live-data"
    with served(data_dir) as server:
        creds = server.credentials
        headers = {"Authorization": f"Zoho-oauthtoken {creds['access_token']}"}
        with httpx.Client(base_url=server.base_url, headers=headers, timeout=10) as http:

            def send(method: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
                response = http.request(method, path, content=json.dumps(body))
                assert response.status_code in (200, 201), response.text
                return dict(response.json())

            users = http.get("/crm/v5/users").json()["users"]
            arjun = next(u for u in users if u["email"] == "arjun.mehta@zylker.test")
            created = send("POST", "/crm/v5/Leads", {"data": [{"Last_Name": "Smith", "Company": "Zylker"}]})
            lead = created["data"][0]["details"]["id"]
            path = f"/crm/v5/Leads/{lead}"
            send("PUT", path, {"data": [{"Company": "ABC", "First_Name": "Patricia"}]})
            send("PUT", path, {"data": [{"Lead_Source": "Cold Call", "Owner": {"id": arjun["id"]}}]})
            send("PUT", path, {"data": [{"Phone": "1234567"}]})
            fields = http.get("/crm/v5/settings/fields", params={"module": "Leads"}).json()["fields"]
            modules = http.get("/crm/v5/settings/modules/Leads").json()["modules"]
            raw = http.get(f"{path}/__timeline").json()
        args = {"module": "Leads", "record_id": lead, "unknown_id": UNKNOWN_ID, "done_by": creds["user_id"]}
        result = run_driver(server, root / "work", args)
        result["setup"] = {
            "lead": lead,
            "creds": creds,
            "field_ids": {f["api_name"]: f["id"] for f in fields},
            "module_id": modules[0]["id"],
            "raw": raw,
        }
        return result


def test_sdk_parses_the_timeline_into_its_classes(report: dict[str, Any]) -> None:
    setup = report["setup"]
    lead, field_ids, raw = setup["lead"], setup["field_ids"], setup["raw"]
    plain = report["plain"]
    assert plain["status_code"] == 200
    assert plain["object"] == "ResponseWrapper"
    entries = plain["timeline"]
    assert [e["action"] for e in entries] == ["updated", "updated", "updated", "added"]
    assert [e["id"] for e in entries] == [int(e["id"]) for e in raw["__timeline"]]  # Long: the SDK's int
    for entry, sent in zip(entries, raw["__timeline"], strict=True):
        assert entry["class"] == "Timeline"
        assert entry["source"] == "crm_api"
        assert entry["done_by"] == {"name": "Priya Raman", "id": setup["creds"]["user_id"]}  # NameIdStructure
        assert entry["record"] == {
            "name": "Patricia Smith" if entry["action"] == "updated" else "Smith",
            "id": int(lead),
            "module": {"api_name": "Leads", "id": int(setup["module_id"])},
        }
        assert entry["related_record"] is None and entry["automation_details"] is None
        # audited_time: a datetime in the client's zone, the same instant the server wrote with +05:30
        assert sent["audited_time"].endswith("+05:30")
        assert instant(entry["audited_time"]) == dt.datetime.fromisoformat(sent["audited_time"])
        assert entry["audited_time"]["datetime"].endswith("-03:00")

    def item(name: str, old: str | None, new: str | None) -> dict[str, Any]:
        return {
            "class": "FieldHistory",
            "api_name": name,
            "id": int(field_ids[name]),
            "field_label": None,
            "data_type": None,
            "value": {"new": new, "old": old},
        }

    assert [e["field_history"] for e in entries] == [
        [item("Phone", None, "1234567")],
        [item("Owner", "Priya Raman", "Arjun Mehta"), item("Lead_Source", None, "Cold Call")],
        [item("Company", "Zylker", "ABC"), item("First_Name", None, "Patricia")],
        None,
    ]
    assert plain["info"] == {
        "class": "Info",
        "per_page": 200,
        "count": 4,
        "page": 1,
        "more_records": False,
        "next_page_token": None,
        "previous_page_token": None,
    }
    sent = wire(report, "plain")
    assert (sent["method"], sent["path"], sent["query"]) == ("GET", f"/crm/v5/Leads/{lead}/__timeline", {})


def test_sdk_parameters_inner_details_and_paging(report: dict[str, Any]) -> None:
    lead = report["setup"]["lead"]
    detailed = report["detailed"]
    sent = wire(report, "detailed")
    assert sent["query"] == {
        "include_inner_details": "field_history.field_label,field_history.data_type",
        "sort_by": "audited_time",
        "sort_order": "desc",
        "per_page": "2",
    }
    assert detailed["status_code"] == 200
    assert [e["action"] for e in detailed["timeline"]] == ["updated", "updated"]
    [phone] = detailed["timeline"][0]["field_history"]
    assert (phone["api_name"], phone["field_label"], phone["data_type"]) == ("Phone", "Phone", "phone")
    owner, source = detailed["timeline"][1]["field_history"]
    assert (owner["field_label"], owner["data_type"], owner["value"]) == (
        "Lead Owner",
        "ownerlookup",
        {"new": "Arjun Mehta", "old": "Priya Raman"},
    )
    assert (source["field_label"], source["data_type"]) == ("Lead Source", "picklist")
    token = detailed["info"]["next_page_token"]
    assert isinstance(token, str) and detailed["info"]["more_records"] is True
    assert (detailed["info"]["per_page"], detailed["info"]["count"], detailed["info"]["page"]) == (2, 2, 1)

    # the SDK follows the token: the older two entries, page 2, no further token
    assert wire(report, "next_page")["query"] == {"page_token": token}
    following = report["next_page"]
    assert [e["action"] for e in following["timeline"]] == ["updated", "added"]
    assert following["info"]["page"] == 2
    assert following["info"]["previous_page_token"] == token
    assert following["info"]["more_records"] is False and following["info"]["next_page_token"] is None
    # page=2 with per_page=2 reaches the same entries
    assert [e["id"] for e in report["page_two"]["timeline"]] == [e["id"] for e in following["timeline"]]

    filtered = report["filtered"]
    assert wire(report, "filtered")["query"]["filters"] == json.dumps(
        {
            "field": {"api_name": "done_by.id"},
            "comparator": "equal",
            "value": report["setup"]["creds"]["user_id"],
        }
    )
    assert len(filtered["timeline"]) == 4
    assert wire(report, "filtered")["path"] == f"/crm/v5/Leads/{lead}/__timeline"


def test_sdk_sees_204_and_api_exception(report: dict[str, Any]) -> None:
    assert report["unknown"] == {"status_code": 204, "object": None}
    assert wire(report, "unknown")["path"] == f"/crm/v5/Leads/{UNKNOWN_ID}/__timeline"
    assert report["malformed"] == {
        "status_code": 400,
        "object": "APIException",
        "error": {
            "code": "INVALID_DATA",
            "status": "error",
            "message": "the id given seems to be invalid",
            "details": {"resource_path_index": 1},
        },
    }
