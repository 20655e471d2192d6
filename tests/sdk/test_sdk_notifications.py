"""End to end: the official SDK's ``NotificationsOperations`` against a live ``zcrm serve``.

``notifications_driver.py`` enables a channel (with one failing item), lists it (plain and filtered), updates it
with PATCH, replaces it with PUT, removes events with ``_delete_events``, disables it with a second, unknown id and
lists again; it reports what the SDK parsed (``ActionWrapper`` of ``SuccessResponse``/``APIException``, ``Event``,
``ResponseWrapper`` of ``Notification`` with ``Info``, a 204) and what it sent.

"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from tests.sdk import live
from tests.sdk.live import success

DRIVER = Path(__file__).with_name("notifications_driver.py")
URL = "https://hooks.test/in?x=1"
URI = "https://www.zohoapis.com/crm/v2/"
SUBSCRIBED = "Successfully subscribed for actions-watch of the given module"


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("sdk-notifications")
    with live.serving(root) as (http, credentials):
        result = live.run_driver(DRIVER, credentials, root / "work", {"notify_url": URL}, {"TZ": "<-03>3"})
        modules = http.get("/crm/v5/settings/modules").json()["modules"]
    result["module_ids"] = {m["api_name"]: int(m["id"]) for m in modules}
    return result


def wire(report: dict[str, Any], step: str) -> dict[str, Any]:
    [entry] = live.in_step(report, step)
    return dict(entry)


def event(report: dict[str, Any], module: str, expiry: str | None) -> dict[str, Any]:
    return {
        "class": "Event",
        "channel_expiry": None if expiry is None else {"datetime": expiry},
        "resource_uri": URI + module,
        "resource_id": report["module_ids"][module],  # Long: the SDK's int
        "resource_name": module,
        "channel_id": "10000",
    }


def test_enable_with_a_failing_item(report: dict[str, Any]) -> None:
    expiry = report["expiry"]  # a day ahead, in the client's zone: kept, and parsed back in that zone
    assert expiry.endswith("-03:00")
    sent = wire(report, "enable")
    assert (sent["method"], sent["path"]) == ("POST", "/crm/v5/actions/watch")
    assert sent["json"]["watch"][0] == {
        "return_affected_field_values": True,
        "channel_expiry": expiry,
        "notify_url": URL,
        "channel_id": "10000",
        "events": ["Leads.all", "Deals.create"],
        "token": "sdk-token",
    }
    assert sent["response_type"] == "application/json;charset=UTF-8"
    assert report["enable"] == {
        "status_code": 207,
        "object": "ActionWrapper",
        "watch": [
            success(SUBSCRIBED, {"events": [event(report, "Deals", expiry), event(report, "Leads", expiry)]}),
            {
                "kind": "APIException",
                "code": "INVALID_DATA",
                "status": "error",
                "message": "invalid data",
                "details": {"api_name": "events", "json_path": "$.watch[1].events[0]"},
            },
        ],
    }


def notification(report: dict[str, Any], module: str, events: list[str], **changes: Any) -> dict[str, Any]:
    return {
        "class": "Notification",
        "channel_id": "10000",
        "events": events,
        "notify_url": URL,
        "token": "sdk-token",
        "channel_expiry": {"datetime": report["expiry"]},
        "return_affected_field_values": True,
        "notify_on_related_action": True,
        "fields": None,
        "resource_uri": URI + module,
        "resource_id": report["module_ids"][module],
        "resource_name": module,
        **changes,
    }


def test_list_parses_notifications_and_info(report: dict[str, Any]) -> None:
    deals = notification(report, "Deals", ["Deals.create"])
    leads = notification(report, "Leads", ["Leads.edit", "Leads.create", "Leads.delete"])
    assert report["list"] == {
        "status_code": 200,
        "object": "ResponseWrapper",
        "watch": [deals, leads],
        "info": {"per_page": 200, "count": 2, "page": 1, "more_records": False},
    }
    assert wire(report, "list_filtered")["query"] == {
        "module": "Deals",
        "channel_id": "10000",
        "per_page": "10",
    }
    assert report["list_filtered"]["watch"] == [deals]
    assert report["list_filtered"]["info"] == {"per_page": 10, "count": 1, "page": 1, "more_records": False}


def test_patch_put_and_remove_events(report: dict[str, Any]) -> None:
    expiry = report["expiry"]
    assert wire(report, "patch")["json"] == {"watch": [{"channel_id": "10000", "token": "patched"}]}
    assert report["patch"]["watch"] == [
        success(
            "Successfully updated the subscribe details",
            {"events": [event(report, "Deals", expiry), event(report, "Leads", expiry)]},
        )
    ]
    # PUT without channel_expiry: an hour from the server's now
    [put] = report["put"]["watch"]
    assert report["put"]["status_code"] == 200 and put["message"] == SUBSCRIBED
    contacts, leads = put["details"]["events"]
    assert (contacts["resource_name"], leads["resource_name"]) == ("Contacts", "Leads")
    in_an_hour = dt.datetime.fromisoformat(contacts["channel_expiry"]["datetime"])
    assert contacts["channel_expiry"]["datetime"].endswith("-03:00")
    assert abs((in_an_hour - dt.datetime.now(dt.UTC)).total_seconds() - 3600) < 120
    assert wire(report, "remove_events")["json"] == {
        "watch": [{"_delete_events": True, "channel_id": "10000", "events": ["Leads.all"]}]
    }
    assert report["remove_events"]["watch"] == [
        success("Successfully removed the subscribe details", {"events": [event(report, "Leads", None)]})
    ]
    [left] = report["after_removal"]["watch"]
    assert left == notification(
        report,
        "Contacts",
        ["Contacts.edit"],
        token=None,
        channel_expiry=contacts["channel_expiry"],
        return_affected_field_values=False,
        notify_on_related_action=False,
    )


def test_disable_and_empty_list(report: dict[str, Any]) -> None:
    sent = wire(report, "disable")
    assert (sent["method"], sent["query"]) == ("DELETE", {"channel_ids": "10000,30000"})
    assert report["disable"] == {
        "status_code": 207,
        "object": "ActionWrapper",
        "watch": [
            success(
                "Successfully un-subscribed from actions-watch",
                {
                    "resource_uri": URI + "Contacts",
                    "resource_id": str(report["module_ids"]["Contacts"]),  # the SDK's details type: String
                    "channel_id": 10000,  # and Long
                },
            ),
            {
                "kind": "APIException",
                "code": "NOT_SUBSCRIBED",
                "status": "error",
                "message": "the channel is not subscribed for actions-watch",
                "details": {"channel_id": "30000"},
            },
        ],
    }
    assert report["empty"] == {"status_code": 204, "object": None}
