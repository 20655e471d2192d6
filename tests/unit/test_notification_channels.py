"""automation/notifications.py without a server: item checks, building channels per action, expiry, which channels
a write concerns, the answers' entries and the callback body."""

from __future__ import annotations

import json
from typing import Any

import pytest

from zcrm.automation import notifications as watch
from zcrm.automation.notifications import Channel
from zcrm.errors import InvalidData, MandatoryNotFound
from zcrm.schema.model import Field, Module, OrgInfo, OrgSchema

NOW = 1_760_000_000


def module(module_id: str, name: str, generated_type: str = "default", api_supported: bool = True) -> Module:
    fields = (
        Field("1", "Mobile", "Mobile", "phone"),
        Field("2", "Owner", "Owner", "ownerlookup"),
        Field("3", "Lead_Source", "Lead Source", "picklist"),
        Field("4", "Created_Time", "Created Time", "datetime"),
        Field("5", "Quoted_Items", "Quoted Items", "subform"),
    )
    return Module(
        id=module_id,
        api_name=name,
        singular_label=name,
        plural_label=name,
        generated_type=generated_type,
        api_supported=api_supported,
        scope_name=name.lower(),
        sequence=1,
        display_field=(),
        fields=fields,
        layouts=(),
    )


@pytest.fixture(scope="module")
def schema() -> OrgSchema:
    org = OrgInfo("1", "4876876", "Zylker", "Asia/Kolkata", "USD", "US", "Enterprise", "p@z.test", 0)
    modules = (
        module("10", "Leads"),
        module("11", "Deals"),
        module("12", "Quotes"),
        module("13", "Listings", "custom"),
        module("14", "Quoted_Items", "subform"),
        module("15", "Documents", api_supported=False),
    )
    return OrgSchema(org=org, version=1, modules=modules, users=(), profiles=(), roles=())


@pytest.mark.parametrize(
    "event", ["Quoted_Items.all", "Documents.create", "Nope.edit", "Leads.update", "Leads"]
)
def test_events_name_record_modules_of_the_api(schema: OrgSchema, event: str) -> None:
    item = parse(schema, {"channel_id": 1, "events": ["Deals.all", event], "notify_url": "https://h.test"})
    assert isinstance(item.error, InvalidData)
    assert item.error.details == {"api_name": "events", "json_path": "$.watch[0].events[1]"}


def parse(schema: OrgSchema, raw: Any, action: str = "enable") -> watch.Item:
    return watch.parse_item(schema, 0, raw, action)


def test_events_are_grouped_by_module_in_a_fixed_order(schema: OrgSchema) -> None:
    item = parse(
        schema,
        {"channel_id": 7, "events": ["deals.edit", "Deals.create", "Leads.all"], "notify_url": "http://h/x"},
    )
    assert item.error is None
    assert item.values["channel_id"] == "7"
    assert item.values["events"] == {"Deals": ("create", "edit"), "Leads": ("create", "edit", "delete")}


@pytest.mark.parametrize(
    ("raw", "details"),
    [
        (
            {"channel_id": "0"},
            {"api_name": "channel_id", "json_path": "$.watch[0].channel_id", "expected_data_type": "long"},
        ),
        (
            {"channel_id": 1.5},
            {"api_name": "channel_id", "json_path": "$.watch[0].channel_id", "expected_data_type": "long"},
        ),
        ({"events": ["Leads.all", "x" * 129]}, {"api_name": "events", "json_path": "$.watch[0].events[1]"}),
        ({"notify_url": "https://"}, {"api_name": "notify_url", "json_path": "$.watch[0].notify_url"}),
        (
            {"notify_url": "https://h.test/" + "x" * 241},
            {"api_name": "notify_url", "json_path": "$.watch[0].notify_url"},
        ),
        (
            {"notify_url": "https://h.test:99999/"},
            {"api_name": "notify_url", "json_path": "$.watch[0].notify_url"},
        ),
        (
            {"notify_url": "https://h.test/a b"},
            {"api_name": "notify_url", "json_path": "$.watch[0].notify_url"},
        ),
        (
            {"notification_condition": {}},
            {
                "api_name": "notification_condition",
                "json_path": "$.watch[0].notification_condition",
                "expected_data_type": "jsonarray",
            },
        ),
        (
            {"notification_condition": [1]},
            {
                "api_name": "notification_condition",
                "json_path": "$.watch[0].notification_condition",
                "expected_data_type": "jsonobject",
            },
        ),
    ],
)
def test_key_errors(schema: OrgSchema, raw: dict[str, Any], details: dict[str, Any]) -> None:
    item = parse(schema, raw)
    assert isinstance(item.error, InvalidData)
    assert item.error.details == details


def test_key_errors_come_before_missing_keys(schema: OrgSchema) -> None:
    item = parse(schema, {"token": 5})
    assert isinstance(item.error, InvalidData) and item.error.details["api_name"] == "token"
    item = parse(schema, {"token": "t", "notify_url": "https://h.test"})
    assert isinstance(item.error, MandatoryNotFound)
    assert item.error.details == {"api_name": "channel_id", "json_path": "$.watch[0].channel_id"}


def test_boundaries_that_pass(schema: OrgSchema) -> None:
    raw = {
        "channel_id": "9223372036854775807",
        "events": ["Listings.delete"],  # a custom module
        "notify_url": "https://h.test/" + "x" * 240,  # 255 characters
        "token": "t" * 50,
        "channel_expiry": None,
        "fields": None,
        "notification_condition": [{"type": "field_selection"}, {}],
        "resource_uri": "ignored",
        "resource_id": "ignored",
        "resource_name": "ignored",
    }
    item = parse(schema, raw)
    assert item.error is None
    assert "resource_uri" not in item.values


@pytest.mark.parametrize(
    ("requested", "expected"),
    [
        (None, NOW + 3600),
        (NOW - 1, NOW + 3600),
        (NOW, NOW + 3600),
        (NOW + 1, NOW + 1),
        (NOW + 7 * 86400, NOW + 7 * 86400),
        (NOW + 7 * 86400 + 1, NOW + 3600),
    ],
)
def test_expiry(requested: int | None, expected: int) -> None:
    assert watch.expiry(requested, NOW) == expected


def channel(**changes: Any) -> Channel:
    base: dict[str, Any] = {
        "channel_id": "1",
        "events": {"Leads": ("create", "edit", "delete")},
        "notify_url": "https://h.test/cb?a=1&b=2",
        "channel_expiry": NOW + 100,
        "token": "tok",
        "created_by": "u1",
        "created_time": NOW - 50,
    }
    return Channel(**{**base, **changes})


def test_build_per_action(schema: OrgSchema) -> None:
    current = channel(return_affected_field_values=True)
    replaced = parse(
        schema, {"channel_id": "1", "events": ["Deals.edit"], "notify_url": "https://x.test"}, "replace"
    )
    new = watch.build(replaced, NOW, "u2", current)
    assert new == Channel(
        "1",
        {"Deals": ("edit",)},
        "https://x.test",
        NOW + 3600,
        created_by="u1",
        created_time=NOW - 50,
        modified_time=NOW,
    )
    updated = parse(
        schema, {"channel_id": "1", "events": ["Deals.edit", "Leads.create"], "token": None}, "update"
    )
    after = watch.build(updated, NOW, "u2", current)
    assert after.events == {"Leads": ("create", "edit", "delete"), "Deals": ("edit",)}
    assert (after.token, after.channel_expiry, after.return_affected_field_values) == (None, NOW + 100, True)
    removed = parse(
        schema, {"channel_id": "1", "events": ["Leads.edit", "Deals.all"], "_delete_events": True}, "update"
    )
    assert removed.action == "remove"
    assert watch.build(removed, NOW, "u2", current).events == {"Leads": ("create", "delete")}
    created = watch.build(
        parse(schema, {"channel_id": "5", "events": ["Leads.all"], "notify_url": "https://x"}),
        NOW,
        "u2",
        None,
    )
    assert (created.created_by, created.created_time, created.notify_on_related_action) == ("u2", NOW, True)


def test_watching_skips_expired_and_other_events() -> None:
    channels = [
        channel(channel_id="1"),
        channel(channel_id="2", channel_expiry=NOW),
        channel(channel_id="3", events={"Leads": ("create",)}),
        channel(channel_id="4", events={"Deals": ("edit",)}),
    ]
    assert [c.channel_id for c in watch.watching(channels, "Leads", "update", NOW)] == ["1"]
    assert [c.channel_id for c in watch.watching(channels, "Leads", "insert", NOW)] == ["1", "3"]
    assert [c.channel_id for c in watch.watching(channels, "Leads", "insert", NOW - 1)] == ["1", "2", "3"]


def test_callback_body(schema: OrgSchema) -> None:
    leads = schema.module("Leads")
    assert leads is not None
    written = [
        ("11", {"Mobile": [None, "1"], "Owner": ["u1", "u2"]}, {"Mobile": "1"}),
        ("12", {"Lead_Source": ["A", "B"], "Created_Time": [None, NOW]}, {"Lead_Source": "B"}),
        ("11", {"Mobile": ["1", "2"]}, {"Mobile": "2"}),
    ]
    body = json.loads(
        watch.callback_body(channel(return_affected_field_values=True), leads, "update", written, NOW)
    )
    assert body == {
        "server_time": NOW * 1000,
        "affected_values": [
            {"record_id": "11", "values": {"Mobile": "2", "Owner": {"id": "u2"}}},
            {"record_id": "12", "values": {"Lead_Source": "B", "Created_Time": "2025-10-09T08:53:20+00:00"}},
        ],
        "query_params": {"a": "1", "b": "2"},
        "module": "Leads",
        "resource_uri": "https://www.zohoapis.com/crm/v2/Leads",
        "ids": ["11", "12"],
        "affected_fields": [{"11": ["Mobile", "Owner"]}, {"12": ["Lead_Source", "Created_Time"]}],
        "operation": "update",
        "channel_id": "1",
        "token": "tok",
    }
    inserted = json.loads(watch.callback_body(channel(), leads, "insert", written[:1], NOW))
    assert (inserted["affected_fields"], inserted["operation"], "affected_values" in inserted) == (
        [],
        "insert",
        False,
    )
    deleted = json.loads(
        watch.callback_body(
            channel(return_affected_field_values=True, token=None), leads, "delete", [("11", {}, None)], NOW
        )
    )
    assert (deleted["affected_values"], deleted["affected_fields"], deleted["token"]) == ([], [], None)


def test_row_field_summaries_are_named_but_not_valued(schema: OrgSchema) -> None:
    quotes = schema.module("Quotes")
    assert quotes is not None
    written = [("1", {"Quoted_Items": {"added": ["9"], "updated": [], "deleted": []}}, {})]
    body = json.loads(
        watch.callback_body(channel(return_affected_field_values=True), quotes, "update", written, NOW)
    )
    assert body["affected_fields"] == [{"1": ["Quoted_Items"]}]
    assert body["affected_values"] == [{"record_id": "1", "values": {}}]


def test_entries(schema: OrgSchema) -> None:
    leads = schema.module("Leads")
    assert leads is not None
    ch = channel(events={"Leads": ("create", "delete"), "Gone": ("edit",)})  # a module no longer in the org
    assert watch.list_entries(schema, ch) == [
        {
            "notify_on_related_action": True,
            "channel_expiry": "2025-10-09T14:25:00+05:30",
            "return_affected_field_values": False,
            "resource_uri": "https://www.zohoapis.com/crm/v2/Leads",
            "resource_id": leads.id,
            "notify_url": "https://h.test/cb?a=1&b=2",
            "resource_name": "Leads",
            "fields": None,
            "notification_condition": None,
            "channel_id": "1",
            "events": ["Leads.create", "Leads.delete"],
            "token": "tok",
        }
    ]
    assert watch.list_entries(schema, ch, "Deals") == []
    assert watch.unsubscribed(schema, ch) == [
        watch.success(
            watch.MSG_UNSUBSCRIBED,
            {
                "resource_uri": "https://www.zohoapis.com/crm/v2/Leads",
                "resource_id": leads.id,
                "channel_id": "1",
            },
        )
    ]


def test_stored_forms_round_trip() -> None:
    events = {"Leads": ("create", "edit"), "Custom_Mod": ("delete",)}
    assert watch.load_events(watch.dump_events(events)) == events
    assert watch.load_json(watch.dump_json({"a": [1]})) == {"a": [1]}
    assert watch.dump_json(None) is None and watch.load_json(None) is None
