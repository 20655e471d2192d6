"""The Notifications API on ``/crm/v5/actions/watch``: enable, list, replace, update, remove events and disable,
with Zoho's envelopes, statuses and per-item errors; scopes; expiry by the server's clock; callbacks queued with
record writes and delivered by the webhook outbox to a receiver the test starts (docs/notifications.md)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import event
from starlette.testclient import TestClient

from tests.api.receiver import Receiver
from tests.api.test_request_errors import token_with
from tests.conftest import Api, FakeClock, make_settings, sql
from zcrm.app import create_app

WATCH = "/crm/v5/actions/watch"
NOW = 1_760_000_000  # 2025-10-09T14:23:20+05:30 (the standard org's zone is Asia/Kolkata)
IN_AN_HOUR = "2025-10-09T15:23:20+05:30"
SUBSCRIBED = "Successfully subscribed for actions-watch of the given module"
UPDATED = "Successfully updated the subscribe details"
REMOVED = "Successfully removed the subscribe details"
UNSUBSCRIBED = "Successfully un-subscribed from actions-watch"
URI = "https://www.zohoapis.com/crm/v2/"
JSON = "application/json;charset=UTF-8"


class Org(Api):
    clock: FakeClock
    receiver: Receiver

    def call(self, method: str, body: Any = None, token: str | None = None, **params: str) -> httpx.Response:
        headers = {"Authorization": f"Zoho-oauthtoken {token or self.creds.access_token}"}
        content = None if body is None else json.dumps(body)
        return self.client.request(method, WATCH, content=content, headers=headers, params=params)

    def enable(self, *items: dict[str, Any]) -> httpx.Response:
        return self.call("POST", {"watch": list(items)})

    def insert(self, module: str, *records: dict[str, Any]) -> list[str]:
        if module == "Leads":  # a mandatory field of the standard org's Leads
            records = tuple({"Company": "Zylker", **r} for r in records)
        return super().insert(module, *records)

    def module_id(self, name: str) -> str:
        return str(self.get(f"/crm/v5/settings/modules/{name}").json()["modules"][0]["id"])

    def stored(self) -> list[tuple[Any, ...]]:
        return sql(
            self.data_dir,
            "SELECT channel_id, events, notify_url, token, channel_expiry, return_affected_field_values,"
            " notify_on_related_action, created_by FROM notification_channels ORDER BY channel_id",
        )

    def queued(self) -> list[tuple[Any, ...]]:
        return sql(
            self.data_dir,
            "SELECT rule, webhook, module, url, body_type, secret FROM webhook_deliveries ORDER BY id",
        )


@pytest.fixture
def org(tmp_path: Path) -> Iterator[Org]:
    receiver = Receiver()
    clock = FakeClock(NOW)
    settings = make_settings(tmp_path / "data", webhook_backoff=0.05, webhook_attempts=2)
    app = create_app(settings, clock)
    with TestClient(app, base_url="http://127.0.0.1:8000", raise_server_exceptions=False) as client:
        org = Org(client, app.state.credentials, settings.data_dir)
        org.clock, org.receiver = clock, receiver
        yield org
    app.state.zcrm.db.dispose()
    receiver.shutdown()


def channel(
    channel_id: Any = "1000", events: list[str] | None = None, url: str = "https://hooks.test/in", **more: Any
) -> dict[str, Any]:
    return {
        "channel_id": channel_id,
        "events": ["Leads.all"] if events is None else events,
        "notify_url": url,
        **more,
    }


def entry(org: Org, module: str, channel_id: str = "1000", expiry: str | None = IN_AN_HOUR) -> dict[str, Any]:
    found: dict[str, Any] = {} if expiry is None else {"channel_expiry": expiry}
    found.update(
        resource_uri=URI + module,
        resource_id=org.module_id(module),
        resource_name=module,
        channel_id=channel_id,
    )
    return found


def ok(message: str, events: list[dict[str, Any]]) -> dict[str, Any]:
    return {"code": "SUCCESS", "details": {"events": events}, "message": message, "status": "success"}


def error(code: str, details: dict[str, Any], message: str = "invalid data") -> dict[str, Any]:
    return {"code": code, "details": details, "message": message, "status": "error"}


def invalid(index: int, key: str, **extra: Any) -> dict[str, Any]:
    return error("INVALID_DATA", {"api_name": key, "json_path": f"$.watch[{index}].{key}", **extra})


# -- enable --------------------------------------------------------------------------------------------------------


def test_enable_answers_one_entry_per_module_and_stores_the_channel(org: Org) -> None:
    response = org.enable(
        channel(
            10000,
            ["Deals.all", "Contacts.create", "Deals.edit"],
            token="deals.all.notif",
            return_affected_field_values=True,
            notify_on_related_action=False,
        )
    )
    assert response.status_code == 201
    assert response.headers["content-type"] == JSON
    assert response.json() == {
        "watch": [ok(SUBSCRIBED, [entry(org, "Contacts", "10000"), entry(org, "Deals", "10000")])]
    }
    assert org.stored() == [
        (
            "10000",
            '["Deals.create","Deals.edit","Deals.delete","Contacts.create"]',
            "https://hooks.test/in",
            "deals.all.notif",
            NOW + 3600,
            True,
            False,
            org.creds.user_id,
        )
    ]


@pytest.mark.parametrize(
    ("expiry", "stored"),
    [
        (None, NOW + 3600),  # absent: an hour
        ("2025-10-10T14:23:20+05:30", NOW + 86400),  # within a week: kept
        ("2025-10-16T08:53:20Z", NOW + 7 * 86400),  # exactly a week: kept
        ("2025-10-16T08:53:21Z", NOW + 3600),  # over a week: an hour, as Zoho does
        ("2025-10-09T08:53:20Z", NOW + 3600),  # now (or in the past): an hour
    ],
)
def test_channel_expiry_defaults_to_an_hour(org: Org, expiry: str | None, stored: int) -> None:
    response = org.enable(channel(channel_expiry=expiry))
    assert response.status_code == 201, response.text
    assert org.stored()[0][4] == stored


def test_enable_item_errors_are_per_item(org: Org) -> None:
    items: list[Any] = [
        channel("1"),
        {"events": ["Leads.all"], "notify_url": "https://h.test/"},
        channel("abc"),
        channel(True),
        channel("2", "Leads.all"),
        channel("3", []),
        channel("4", ["Leads"]),
        channel("5", ["Leads.update"]),
        channel("6", ["Nope.all"]),
        channel("7", ["Quoted_Items.all"]),
        channel("8", ["Documents.create"]),
        channel("9", url="ftp://h.test/x"),
        channel("10", url=5),
        channel("11", token="x" * 51),
        channel("12", token=7),
        channel("13", channel_expiry="tomorrow"),
        channel("14", return_affected_field_values="true"),
        channel("15", notify_on_related_action=1),
        channel("16", fields=["Last_Name"]),
        channel("17", colour="red"),
        channel("18", _delete_events=True),
        "not an object",
        channel("1"),
        {"channel_id": "19", "events": ["Leads.all"]},
        channel("20", ["Leads.create", 5]),
        channel("21", notification_condition=[{}, {}, {}]),
    ]
    response = org.enable(*items)
    assert response.status_code == 207
    assert response.json()["watch"][1:] == [
        error(
            "MANDATORY_NOT_FOUND",
            {"api_name": "channel_id", "json_path": "$.watch[1].channel_id"},
            "required field not found",
        ),
        invalid(2, "channel_id", expected_data_type="long"),
        invalid(3, "channel_id", expected_data_type="long"),
        invalid(4, "events", expected_data_type="jsonarray"),
        invalid(5, "events"),
        error("INVALID_DATA", {"api_name": "events", "json_path": "$.watch[6].events[0]"}),
        error("INVALID_DATA", {"api_name": "events", "json_path": "$.watch[7].events[0]"}),
        error("INVALID_DATA", {"api_name": "events", "json_path": "$.watch[8].events[0]"}),
        error("INVALID_DATA", {"api_name": "events", "json_path": "$.watch[9].events[0]"}),  # a subform
        error("INVALID_DATA", {"api_name": "events", "json_path": "$.watch[10].events[0]"}),  # not in the API
        invalid(11, "notify_url"),
        invalid(12, "notify_url", expected_data_type="string"),
        invalid(13, "token", maximum_length=50),
        invalid(14, "token", expected_data_type="string"),
        invalid(15, "channel_expiry", expected_data_type="datetime"),
        invalid(16, "return_affected_field_values", expected_data_type="boolean"),
        invalid(17, "notify_on_related_action", expected_data_type="boolean"),
        invalid(18, "fields", expected_data_type="jsonobject"),
        invalid(19, "colour"),
        invalid(20, "_delete_events"),
        error(
            "INVALID_DATA",
            {"api_name": "watch", "expected_data_type": "jsonobject", "json_path": "$.watch[21]"},
        ),
        error(
            "ALREADY_USED",
            {"api_name": "channel_id", "json_path": "$.watch[22].channel_id"},
            "the channel_id is already subscribed for actions-watch",
        ),
        error(
            "MANDATORY_NOT_FOUND",
            {"api_name": "notify_url", "json_path": "$.watch[23].notify_url"},
            "required field not found",
        ),
        error("INVALID_DATA", {"api_name": "events", "json_path": "$.watch[24].events[1]"}),
        invalid(25, "notification_condition", maximum_length=2),
    ]
    assert [row[0] for row in org.stored()] == ["1"]
    again = org.enable(channel("1"))
    assert again.status_code == 400
    assert again.json() == {
        "watch": [
            error(
                "ALREADY_USED",
                {"api_name": "channel_id", "json_path": "$.watch[0].channel_id"},
                "the channel_id is already subscribed for actions-watch",
            )
        ]
    }


@pytest.mark.parametrize(
    ("content", "status", "body"),
    [
        (None, 400, error("INVALID_DATA", {}, "body")),
        ("[]", 400, error("INVALID_DATA", {}, "body")),
        (
            "{}",
            400,
            error(
                "MANDATORY_NOT_FOUND",
                {"api_name": "watch", "json_path": "$.watch"},
                "required field not found",
            ),
        ),
        (
            '{"watch": []}',
            400,
            error(
                "MANDATORY_NOT_FOUND",
                {"api_name": "watch", "json_path": "$.watch"},
                "required field not found",
            ),
        ),
        (
            '{"watch": {}}',
            400,
            error(
                "INVALID_DATA",
                {"api_name": "watch", "expected_data_type": "jsonarray", "json_path": "$.watch"},
            ),
        ),
        (
            json.dumps({"watch": [channel(str(i)) for i in range(1, 102)]}),
            400,
            error(
                "LIMIT_EXCEEDED",
                {"api_name": "watch", "json_path": "$.watch", "maximum_length": 100},
                "limit exceeded",
            ),
        ),
    ],
)
def test_request_level_errors(org: Org, content: str | None, status: int, body: dict[str, Any]) -> None:
    headers = {"Authorization": f"Zoho-oauthtoken {org.creds.access_token}"}
    for method in ("POST", "PUT", "PATCH"):
        response = org.client.request(method, WATCH, content=content, headers=headers)
        assert (response.status_code, response.json()) == (status, body)
    assert org.stored() == []


def test_a_hundred_items_are_accepted(org: Org) -> None:
    response = org.enable(*[channel(str(i)) for i in range(1, 101)])
    assert response.status_code == 201
    assert len(org.stored()) == 100


# -- list ----------------------------------------------------------------------------------------------------------


def test_list_shows_one_entry_per_channel_and_module(org: Org) -> None:
    assert org.call("GET").status_code == 204
    org.enable(
        channel("10000", ["Deals.all"], token="t"),
        channel(
            "20000",
            ["Contacts.delete", "Leads.create"],
            "https://h.test/x?a=1",
            channel_expiry="2025-10-10T14:23:20+05:30",
        ),
    )
    response = org.call("GET")
    assert response.status_code == 200
    deals = {
        "notify_on_related_action": True,
        "channel_expiry": IN_AN_HOUR,
        "return_affected_field_values": False,
        "resource_uri": URI + "Deals",
        "resource_id": org.module_id("Deals"),
        "notify_url": "https://hooks.test/in",
        "resource_name": "Deals",
        "fields": None,
        "notification_condition": None,
        "channel_id": "10000",
        "events": ["Deals.edit", "Deals.create", "Deals.delete"],
        "token": "t",
    }
    second = {
        **deals,
        "channel_expiry": "2025-10-10T14:23:20+05:30",
        "notify_url": "https://h.test/x?a=1",
        "channel_id": "20000",
        "token": None,
    }
    contacts = {
        **second,
        "resource_uri": URI + "Contacts",
        "resource_id": org.module_id("Contacts"),
        "resource_name": "Contacts",
        "events": ["Contacts.delete"],
    }
    leads = {
        **second,
        "resource_uri": URI + "Leads",
        "resource_id": org.module_id("Leads"),
        "resource_name": "Leads",
        "events": ["Leads.create"],
    }
    assert response.json() == {
        "watch": [deals, contacts, leads],
        "info": {"per_page": 200, "count": 3, "page": 1, "more_records": False},
    }
    assert org.call("GET", channel_id="20000").json()["watch"] == [contacts, leads]
    assert org.call("GET", module="leads").json()["watch"] == [leads]
    assert org.call("GET", channel_id="20000", module="Deals").status_code == 204
    paged = org.call("GET", per_page="2", page="1").json()
    assert paged["info"] == {"per_page": 2, "count": 2, "page": 1, "more_records": True}
    assert org.call("GET", per_page="2", page="2").json() == {
        "watch": [leads],
        "info": {"per_page": 2, "count": 1, "page": 2, "more_records": False},
    }
    assert org.call("GET", per_page="500").json()["info"]["per_page"] == 200
    assert org.call("GET", page="9").status_code == 204


@pytest.mark.parametrize(
    ("params", "body"),
    [
        ({"page": "0"}, error("INVALID_DATA", {"param_name": "page"})),
        ({"per_page": "x"}, error("INVALID_DATA", {"param_name": "per_page"})),
        ({"channel_id": "abc"}, error("INVALID_DATA", {"param_name": "channel_id"})),
        (
            {"module": "Nope"},
            error("INVALID_MODULE", {"param_name": "module"}, "the module name given seems to be invalid"),
        ),
    ],
)
def test_list_parameter_errors(org: Org, params: dict[str, str], body: dict[str, Any]) -> None:
    response = org.call("GET", **params)
    assert (response.status_code, response.json()) == (400, body)


def test_expired_channels_are_gone(org: Org) -> None:
    org.enable(channel("1", channel_expiry="2025-10-09T14:33:20+05:30"), channel("2"))  # 10 minutes, an hour
    org.clock.current = NOW + 600
    assert [e["channel_id"] for e in org.call("GET").json()["watch"]] == ["2"]
    assert org.call("DELETE", channel_ids="1").json()["watch"][0] == {
        "code": "NOT_SUBSCRIBED",
        "details": {"channel_id": "1"},
        "message": "the channel is not subscribed for actions-watch",
        "status": "error",
    }
    assert org.call("PATCH", {"watch": [{"channel_id": "1", "token": "x"}]}).status_code == 400
    again = org.enable(channel("1", ["Deals.create"]))  # an expired channel's id is free again
    assert again.status_code == 201
    assert [(row[0], row[1], row[4]) for row in org.stored()] == [
        ("1", '["Deals.create"]', NOW + 600 + 3600),
        ("2", '["Leads.create","Leads.edit","Leads.delete"]', NOW + 3600),
    ]


# -- replace, update, remove events, disable -----------------------------------------------------------------------


def test_put_replaces_the_whole_channel(org: Org) -> None:
    org.enable(
        channel(
            "1",
            ["Leads.all"],
            token="old",
            return_affected_field_values=True,
            channel_expiry="2025-10-10T14:23:20+05:30",
        )
    )
    org.clock.current = NOW + 60
    response = org.call(
        "PUT", {"watch": [channel("1", ["Deals.all", "Contacts.create"], "https://h.test/new"), channel("2")]}
    )
    assert response.status_code == 207
    later = "2025-10-09T15:24:20+05:30"
    assert response.json()["watch"] == [
        ok(SUBSCRIBED, [entry(org, "Contacts", "1", later), entry(org, "Deals", "1", later)]),
        error(
            "NOT_SUBSCRIBED",
            {"api_name": "channel_id", "json_path": "$.watch[1].channel_id"},
            "the channel is not subscribed for actions-watch",
        ),
    ]
    assert org.stored() == [
        (
            "1",
            '["Deals.create","Deals.edit","Deals.delete","Contacts.create"]',
            "https://h.test/new",
            None,
            NOW + 60 + 3600,
            False,
            True,
            org.creds.user_id,
        )
    ]
    missing = org.call("PUT", {"watch": [{"channel_id": "1", "events": ["Leads.all"]}]})
    assert missing.json()["watch"] == [
        error(
            "MANDATORY_NOT_FOUND",
            {"api_name": "notify_url", "json_path": "$.watch[0].notify_url"},
            "required field not found",
        )
    ]


def test_patch_changes_only_what_it_gives_and_adds_events(org: Org) -> None:
    org.enable(channel("1", ["Leads.create"], token="keep"))
    org.clock.current = NOW + 60
    response = org.call(
        "PATCH",
        {
            "watch": [
                {
                    "channel_id": 1,
                    "events": ["Leads.delete", "Deals.edit"],
                    "return_affected_field_values": True,
                }
            ]
        },
    )
    assert response.status_code == 200
    assert response.json() == {"watch": [ok(UPDATED, [entry(org, "Deals", "1"), entry(org, "Leads", "1")])]}
    assert org.stored() == [
        (
            "1",
            '["Leads.create","Leads.delete","Deals.edit"]',
            "https://hooks.test/in",
            "keep",
            NOW + 3600,
            True,
            True,
            org.creds.user_id,
        )
    ]
    response = org.call(
        "PATCH",
        {"watch": [{"channel_id": "1", "token": None, "channel_expiry": "2025-10-10T14:23:20+05:30"}]},
    )
    assert response.status_code == 200
    assert org.stored()[0][3:5] == (None, NOW + 86400)
    unknown = org.call("PATCH", {"watch": [{"channel_id": "2", "token": "x"}]})
    assert (unknown.status_code, unknown.json()) == (
        400,
        {
            "watch": [
                error(
                    "NOT_SUBSCRIBED",
                    {"api_name": "channel_id", "json_path": "$.watch[0].channel_id"},
                    "the channel is not subscribed for actions-watch",
                )
            ]
        },
    )


def test_patch_with_delete_events_removes_them(org: Org) -> None:
    org.enable(channel("1", ["Leads.all", "Deals.create"]))
    response = org.call(
        "PATCH",
        {"watch": [{"channel_id": "1", "events": ["Leads.edit", "Deals.create"], "_delete_events": True}]},
    )
    assert response.status_code == 200
    assert response.json() == {
        "watch": [ok(REMOVED, [entry(org, "Deals", "1", None), entry(org, "Leads", "1", None)])]
    }
    assert org.stored()[0][1] == '["Leads.create","Leads.delete"]'
    errors = org.call(
        "PATCH",
        {
            "watch": [
                {"channel_id": "1", "events": ["Leads.all"], "_delete_events": "yes"},
                {"channel_id": "1", "_delete_events": True},
                {"channel_id": "1", "events": ["Leads.all"], "token": "t", "_delete_events": True},
            ]
        },
    )
    assert errors.json()["watch"] == [
        invalid(0, "_delete_events", expected_data_type="boolean"),
        error(
            "MANDATORY_NOT_FOUND",
            {"api_name": "events", "json_path": "$.watch[1].events"},
            "required field not found",
        ),
        invalid(2, "token"),
    ]
    # _delete_events false is an ordinary update
    assert (
        org.call(
            "PATCH", {"watch": [{"channel_id": "1", "events": ["Deals.edit"], "_delete_events": False}]}
        ).json()["watch"][0]["message"]
        == UPDATED
    )
    gone = org.call(
        "PATCH",
        {"watch": [{"channel_id": "1", "events": ["Leads.all", "Deals.all"], "_delete_events": True}]},
    )
    assert gone.status_code == 200
    assert org.stored() == []  # no events left: the channel is disabled


def test_delete_disables_channels(org: Org) -> None:
    org.enable(channel("10000", ["Deals.all", "Contacts.create"]), channel("2"))
    response = org.call("DELETE", channel_ids="10000,3")
    assert response.status_code == 207
    assert response.json() == {
        "watch": [
            {
                "code": "SUCCESS",
                "details": {
                    "resource_uri": URI + "Contacts",
                    "resource_id": org.module_id("Contacts"),
                    "channel_id": "10000",
                },
                "message": UNSUBSCRIBED,
                "status": "success",
            },
            {
                "code": "SUCCESS",
                "details": {
                    "resource_uri": URI + "Deals",
                    "resource_id": org.module_id("Deals"),
                    "channel_id": "10000",
                },
                "message": UNSUBSCRIBED,
                "status": "success",
            },
            error("NOT_SUBSCRIBED", {"channel_id": "3"}, "the channel is not subscribed for actions-watch"),
        ]
    }
    assert [row[0] for row in org.stored()] == ["2"]
    assert org.call("DELETE", channel_ids="2").status_code == 200
    assert org.call("DELETE", channel_ids="2").status_code == 400
    assert org.stored() == []


@pytest.mark.parametrize(
    ("params", "body"),
    [
        (
            {},
            error(
                "REQUIRED_PARAM_MISSING",
                {"param_name": "channel_ids"},
                "One of the expected parameter is missing",
            ),
        ),
        (
            {"channel_ids": " "},
            error(
                "REQUIRED_PARAM_MISSING",
                {"param_name": "channel_ids"},
                "One of the expected parameter is missing",
            ),
        ),
        ({"channel_ids": "1,x"}, error("INVALID_DATA", {"param_name": "channel_ids"})),
        (
            {"channel_ids": ",".join(str(i) for i in range(1, 102))},
            error("LIMIT_EXCEEDED", {"param_name": "channel_ids", "maximum_length": 100}, "limit exceeded"),
        ),
    ],
)
def test_delete_parameter_errors(org: Org, params: dict[str, str], body: dict[str, Any]) -> None:
    response = org.call("DELETE", **params)
    assert (response.status_code, response.json()) == (400, body)


# -- scopes and routing --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "allowed"),
    [
        ("GET", ("ALL", "READ")),
        ("POST", ("ALL", "WRITE", "CREATE")),
        ("PUT", ("ALL", "WRITE", "UPDATE")),
        ("PATCH", ("ALL", "WRITE", "UPDATE")),
        ("DELETE", ("ALL", "WRITE", "DELETE")),
    ],
)
def test_scopes(org: Org, method: str, allowed: tuple[str, ...]) -> None:
    not_subscribed = (400, "NOT_SUBSCRIBED", "the channel is not subscribed for actions-watch")
    expected: dict[str, list[tuple[int, str | None, str | None]]] = {
        "GET": [(204, None, None)] * 2,  # no channel yet
        "POST": [
            (201, "SUCCESS", "Successfully subscribed for actions-watch of the given module"),
            *[(400, "ALREADY_USED", "the channel_id is already subscribed for actions-watch")] * 2,
        ],
        "PUT": [not_subscribed] * 3,
        "PATCH": [not_subscribed] * 3,
        "DELETE": [not_subscribed] * 3,
    }
    body = None if method in ("GET", "DELETE") else {"watch": [channel("1")]}
    params = {"channel_ids": "1"} if method == "DELETE" else {}
    for suffix in ("ALL", "READ", "WRITE", "CREATE", "UPDATE", "DELETE"):
        token = token_with(org, f"ZohoCRM.notifications.{suffix}")
        response = org.call(method, body, token, **params)
        if (
            suffix in allowed
        ):  # past the scope check: the answer for channel 1 in the state the calls before left
            assert answered(response) == expected[method].pop(0), (suffix, response.text)
        else:
            assert (response.status_code, response.json()) == (
                401,
                error("OAUTH_SCOPE_MISMATCH", {}, "invalid oauth scope to access this URL"),
            ), suffix
    modules_only = token_with(org, "ZohoCRM.modules.ALL,ZohoCRM.settings.ALL")
    assert expected[method] == []  # every allowed scope was answered
    response = org.call(method, body, modules_only, **params)
    assert (response.status_code, response.json()) == (
        401,
        error("OAUTH_SCOPE_MISMATCH", {}, "invalid oauth scope to access this URL"),
    )


def answered(response: httpx.Response) -> tuple[int, str | None, str | None]:
    """A watch call's status, and the code and message of its one entry (none for a 204)."""
    if response.status_code == 204:
        return 204, None, None
    [entry] = response.json()["watch"]
    return response.status_code, entry["code"], entry["message"]


def test_routes(org: Org) -> None:
    for path in ("/crm/v5/actions", "/crm/v5/actions/watch/1", "/crm/v5/actions/other"):
        response = org.get(path)
        assert (response.status_code, response.json()) == (
            404,
            error("INVALID_URL_PATTERN", {}, "Please check if the URL trying to access is a correct one"),
        )
    trailing = org.get("/crm/v5/actions/watch/")  # one trailing slash is ignored
    assert (trailing.status_code, trailing.content) == (204, b"")
    response = org.client.request("OPTIONS", WATCH)
    assert (response.status_code, response.json()) == (
        400,
        error("INVALID_REQUEST_METHOD", {}, "The http request method type is not a valid one"),
    )
    unauthenticated = org.client.get(WATCH)  # no Authorization header (behaviour §2: AUTHENTICATION_FAILURE)
    assert (unauthenticated.status_code, unauthenticated.json()) == (
        401,
        error("AUTHENTICATION_FAILURE", {}, "Authentication failed"),
    )


# -- callbacks -----------------------------------------------------------------------------------------------------


def test_insert_update_delete_callbacks(org: Org) -> None:
    url = org.receiver.url + "/zoho?authorization=abc&key1=val1"
    assert org.enable(channel("1000000068001", ["Leads.all"], url, token="TOKEN_1")).status_code == 201
    [lead] = org.insert("Leads", {"Last_Name": "Smith", "Company": "Zylker"})
    org.clock.current = NOW + 5
    assert (
        org.put(f"/crm/v5/Leads/{lead}", {"data": [{"Mobile": "123456789", "Company": "Zylker"}]}).status_code
        == 200
    )
    org.clock.current = NOW + 10
    assert org.delete(f"/crm/v5/Leads/{lead}").status_code == 200
    bodies = org.receiver.bodies(3)
    common = {
        "query_params": {"authorization": "abc", "key1": "val1"},
        "module": "Leads",
        "resource_uri": URI + "Leads",
        "ids": [lead],
        "channel_id": "1000000068001",
        "token": "TOKEN_1",
    }
    assert bodies == [
        {"server_time": NOW * 1000, **common, "affected_fields": [], "operation": "insert"},
        {
            "server_time": (NOW + 5) * 1000,
            **common,
            "affected_fields": [{lead: ["Mobile"]}],
            "operation": "update",
        },
        {"server_time": (NOW + 10) * 1000, **common, "affected_fields": [], "operation": "delete"},
    ]
    assert list(bodies[1]) == [
        "server_time",
        "query_params",
        "module",
        "resource_uri",
        "ids",
        "affected_fields",
        "operation",
        "channel_id",
        "token",
    ]
    sent = org.receiver.requests[0]
    assert sent["path"] == "/zoho?authorization=abc&key1=val1"
    assert sent["headers"]["Content-Type"] == "application/json"
    assert "X-Zcrm-Signature" not in sent["headers"]
    assert sent["headers"]["X-Zcrm-Webhook"] == "1000000068001"
    assert org.queued() == [("notification", "1000000068001", "Leads", url, "json", "")] * 3
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        deliveries = org.get("/__zcrm/webhooks/deliveries").json()["deliveries"]
        if all(d["status"] == "delivered" for d in deliveries):
            break
        time.sleep(0.02)
    assert [(d["rule"], d["webhook"], d["status"], d["attempts"]) for d in deliveries] == [
        ("notification", "1000000068001", "delivered", 1)
    ] * 3


def test_bulk_update_sends_one_callback_with_every_id_and_affected_values(org: Org) -> None:
    org.enable(
        channel("1", ["Leads.edit"], org.receiver.url + "/a", return_affected_field_values=True),
        channel("2", ["Leads.create"], org.receiver.url + "/b"),  # not for updates
    )
    ids = org.insert("Leads", {"Last_Name": "A"}, {"Last_Name": "B"}, {"Last_Name": "C"})
    owner = org.creds.user_id
    response = org.put(
        "/crm/v5/Leads",
        {
            "data": [
                {"id": ids[0], "Mobile": "1", "Annual_Revenue": 5.5},
                {"id": ids[1], "Owner": {"id": owner}, "Email": "b@b.test"},
                {"id": "1234567890123456789", "Mobile": "9"},  # fails: not in the callback
                {"id": ids[2], "Last_Name": "C2"},
                {"id": ids[0], "Mobile": "2"},  # the same record again: merged
            ]
        },
    )
    assert response.status_code == 207
    [insert, update] = org.receiver.bodies(2)
    assert (insert["channel_id"], insert["operation"], insert["ids"]) == ("2", "insert", ids)
    assert "affected_values" not in insert
    assert update == {
        "server_time": NOW * 1000,
        "affected_values": [
            {"record_id": ids[0], "values": {"Mobile": "2", "Annual_Revenue": 5.5}},
            {"record_id": ids[1], "values": {"Email": "b@b.test"}},
            {"record_id": ids[2], "values": {"Last_Name": "C2"}},
        ],
        "query_params": {},
        "module": "Leads",
        "resource_uri": URI + "Leads",
        "ids": ids,
        "affected_fields": [
            {ids[0]: ["Mobile", "Annual_Revenue"]},
            {ids[1]: ["Email"]},
            {ids[2]: ["Last_Name"]},
        ],
        "operation": "update",
        "channel_id": "1",
        "token": None,
    }
    assert len(org.queued()) == 2


def test_an_upsert_sends_one_callback_per_operation(org: Org) -> None:
    """Upsert (zoho-v5-queries.md §4.3): its inserts and its updates are notified as an insert and an update of
    several records are, one callback per channel and operation for the whole request."""
    org.enable(channel("1", ["Leads.all"], org.receiver.url + "/all"))
    [known] = org.insert("Leads", {"Last_Name": "Known", "Email": "known@upsert.test"})
    org.receiver.bodies(1)
    response = org.post(
        "/crm/v5/Leads/upsert",
        {
            "data": [
                {"Last_Name": "New", "Company": "Zylker", "Email": "new@upsert.test"},
                {"Email": "KNOWN@upsert.test", "Mobile": "1"},
                {"Email": "new@upsert.test", "Mobile": "2"},
                {"Email": "other@upsert.test"},  # fails: an insert without Last_Name
            ]
        },
    )
    assert response.status_code == 207, response.text
    data = response.json()["data"]
    new = data[0]["details"]["id"]
    assert [e.get("action") for e in data] == ["insert", "update", "update", None]
    [_, inserted, updated] = org.receiver.bodies(3)
    assert (inserted["operation"], inserted["ids"]) == ("insert", [new])
    assert (updated["operation"], updated["ids"]) == ("update", [known, new])
    assert updated["affected_fields"] == [{known: ["Email", "Mobile"]}, {new: ["Mobile"]}]
    assert len(org.queued()) == 3


def test_owner_and_lookup_values_are_references(org: Org) -> None:
    org.enable(channel("1", ["Contacts.edit"], org.receiver.url, return_affected_field_values=True))
    [account] = org.insert("Accounts", {"Account_Name": "Zylker"})
    [contact] = org.insert("Contacts", {"Last_Name": "X"})
    users = org.get("/crm/v5/users").json()["users"]
    other = next(u for u in users if u["id"] != org.creds.user_id)["id"]
    response = org.put(
        f"/crm/v5/Contacts/{contact}", {"data": [{"Account_Name": {"id": account}, "Owner": {"id": other}}]}
    )
    assert response.status_code == 200, response.text
    [body] = org.receiver.bodies(1)
    assert body["affected_fields"] == [{contact: ["Account_Name", "Owner"]}]
    assert body["affected_values"] == [
        {"record_id": contact, "values": {"Account_Name": {"id": account}, "Owner": {"id": other}}}
    ]


def test_expired_or_unwatched_channels_queue_nothing(org: Org) -> None:
    org.enable(
        channel("1", ["Leads.all"], org.receiver.url, channel_expiry="2025-10-09T14:33:20+05:30"),
        channel("2", ["Deals.all"], org.receiver.url),
    )
    org.clock.current = NOW + 600  # channel 1 expires now
    org.insert("Leads", {"Last_Name": "A"})
    assert org.queued() == []
    org.clock.current = NOW + 599  # a request whose clock is earlier still sees it
    org.insert("Leads", {"Last_Name": "B"})
    assert [row[1] for row in org.queued()] == ["1"]
    failed = org.post("/crm/v5/Leads", {"data": [{"Company": "no last name"}]})
    assert failed.status_code == 400
    assert len(org.queued()) == 1


def test_one_indexed_query_per_write_without_channels(org: Org) -> None:
    engine = org.client.app.state.zcrm.db.engine  # type: ignore[attr-defined]
    seen: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if "notification_channels" in statement:
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        ids = org.insert("Leads", *[{"Last_Name": f"L{i}"} for i in range(20)])
        assert org.put("/crm/v5/Leads", {"data": [{"id": i, "Mobile": "1"} for i in ids]}).status_code == 200
        assert org.delete("/crm/v5/Leads", params={"ids": ",".join(ids)}).status_code == 200
        org.post("/crm/v5/Leads", {"data": [{"Company": "fails"}]})  # nothing written: no query
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(seen) == 3
    assert all("WHERE org_id = " in s and "channel_expiry > " in s for s in seen)
