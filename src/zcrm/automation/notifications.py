"""Zoho's Notifications API (``/crm/v5/actions/watch``) as data: a channel, the checks of a ``watch[]`` item, which
channels a write concerns, and the callback body Zoho POSTs to a channel's ``notify_url``.

Nothing here knows about HTTP or SQL: ``http/notifications.py`` validates items with :func:`parse_item` and
renders channels with :func:`list_entries` and :func:`event_details`; ``service/notify.py`` asks :func:`watches`
and :func:`callback_body` on each record write (docs/notifications.md).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import orjson

from zcrm.errors import InvalidData, MandatoryNotFound, ZohoError
from zcrm.fields.coerce import parse_datetime, parse_id
from zcrm.fields.render import format_datetime, zone
from zcrm.schema.model import Module, OrgSchema

OPERATIONS = ("create", "edit", "delete")  # the order events are stored in
LISTED_ORDER = ("edit", "create", "delete")  # the order GET lists a module's events in (Zoho's samples)
EVENT_OF = {"insert": "create", "update": "edit", "delete": "delete"}  # record write -> event verb
MAX_ITEMS = 100
MAX_TOKEN = 50
MAX_URL = 255
MAX_EVENT = 128
MAX_CONDITIONS = 2
DEFAULT_LIFETIME = 3600  # seconds: an absent, past or too distant channel_expiry
MAX_LIFETIME = 7 * 24 * 3600
RESOURCE_URI = "https://www.zohoapis.com/crm/v2/"  # Zoho says v2 in every version's answers and callbacks
READ_ONLY = ("resource_uri", "resource_id", "resource_name")  # what GET shows; ignored when sent back
KEYS = (
    "channel_id",
    "events",
    "notify_url",
    "token",
    "channel_expiry",
    "return_affected_field_values",
    "notify_on_related_action",
    "fields",
    "notification_condition",
)
MANDATORY = {
    "enable": ("channel_id", "events", "notify_url"),
    "replace": ("channel_id", "events", "notify_url"),
    "update": ("channel_id",),
    "remove": ("channel_id", "events"),
}
MSG_SUBSCRIBED = "Successfully subscribed for actions-watch of the given module"
MSG_UPDATED = "Successfully updated the subscribe details"
MSG_REMOVED = "Successfully removed the subscribe details"
MSG_UNSUBSCRIBED = "Successfully un-subscribed from actions-watch"
_EVENT = re.compile(r"^([A-Za-z0-9_]+)\.(create|edit|delete|all)\Z", re.ASCII)

Events = dict[str, tuple[str, ...]]  # module api name -> operations, in OPERATIONS order


@dataclass(frozen=True, slots=True)
class Channel:
    """A notification channel of an org: what it watches and where it calls."""

    channel_id: str
    events: Events
    notify_url: str
    channel_expiry: int  # epoch seconds
    token: str | None = None
    return_affected_field_values: bool = False
    notify_on_related_action: bool = True
    fields: Any = None  # echoed back, otherwise unused
    notification_condition: Any = None  # echoed back, otherwise unused
    created_by: str = ""
    created_time: int = 0
    modified_time: int = 0

    def watches(self, module: str, event: str) -> bool:
        return event in self.events.get(module, ())

    def live(self, now: int) -> bool:
        return self.channel_expiry > now


@dataclass(slots=True)
class Item:
    """A checked ``watch[]`` item: the keys it gave (``values``), or the error it answers with."""

    index: int
    values: dict[str, Any] = field(default_factory=dict)
    action: str = "enable"  # enable | replace | update | remove
    error: ZohoError | None = None

    @property
    def channel_id(self) -> str:
        return str(self.values["channel_id"])


def _path(index: int, key: str) -> str:
    return f"$.watch[{index}].{key}"


def _bad(index: int, key: str, **extra: Any) -> InvalidData:
    return InvalidData(details={"api_name": key, "json_path": _path(index, key), **extra})


def event_module(schema: OrgSchema, name: str) -> Module | None:
    """The record module an event may name: API-supported, not a subform or linking module."""
    module = schema.module(name)
    if module is None or not module.api_supported or module.generated_type not in ("default", "custom"):
        return None
    return module


def parse_events(schema: OrgSchema, index: int, value: Any) -> Events | InvalidData:
    if not isinstance(value, list):
        return _bad(index, "events", expected_data_type="jsonarray")
    if not value:
        return _bad(index, "events")
    found: dict[str, set[str]] = {}
    for position, event in enumerate(value):
        where = {"api_name": "events", "json_path": f"{_path(index, 'events')}[{position}]"}
        if not isinstance(event, str) or len(event) > MAX_EVENT:
            return InvalidData(details=where)
        match = _EVENT.match(event)
        if match is None:
            return InvalidData(details=where)
        module = event_module(schema, match.group(1))
        if module is None:
            return InvalidData(details=where)
        verb = match.group(2)
        found.setdefault(module.api_name, set()).update(OPERATIONS if verb == "all" else (verb,))
    return {name: tuple(op for op in OPERATIONS if op in ops) for name, ops in found.items()}


def _url(value: str) -> bool:
    if len(value) > MAX_URL or any(c.isspace() for c in value):
        return False
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def expiry(value: int | None, now: int) -> int:
    """A requested expiry (epoch seconds), or now + 1 hour when it is absent, past or over a week ahead."""
    if value is None or value <= now or value > now + MAX_LIFETIME:
        return now + DEFAULT_LIFETIME
    return value


def _check(schema: OrgSchema, index: int, key: str, value: Any) -> Any:
    """The stored form of one key's value; raises InvalidData."""
    if key == "channel_id":
        channel_id = parse_id(value)
        if channel_id is None:
            raise _bad(index, key, expected_data_type="long")
        return channel_id
    if key == "events":
        events = parse_events(schema, index, value)
        if isinstance(events, InvalidData):
            raise events
        return events
    if key == "notify_url":
        if not isinstance(value, str):
            raise _bad(index, key, expected_data_type="string")
        if not _url(value):
            raise _bad(index, key)
        return value
    if key == "token":
        if value is None:
            return None
        if not isinstance(value, str):
            raise _bad(index, key, expected_data_type="string")
        if len(value) > MAX_TOKEN:
            raise _bad(index, key, maximum_length=MAX_TOKEN)
        return value
    if key == "channel_expiry":
        if value is None:
            return None
        parsed = parse_datetime(value) if isinstance(value, str) else None
        if parsed is None:
            raise _bad(index, key, expected_data_type="datetime")
        return parsed
    if key in ("return_affected_field_values", "notify_on_related_action"):
        if not isinstance(value, bool):
            raise _bad(index, key, expected_data_type="boolean")
        return value
    if key == "fields":
        if value is not None and not isinstance(value, dict):
            raise _bad(index, key, expected_data_type="jsonobject")
        return value
    # notification_condition
    if value is not None and not isinstance(value, list):
        raise _bad(index, key, expected_data_type="jsonarray")
    if value is not None and len(value) > MAX_CONDITIONS:
        raise _bad(index, key, maximum_length=MAX_CONDITIONS)
    if value is not None and not all(isinstance(v, dict) for v in value):
        raise _bad(index, key, expected_data_type="jsonobject")
    return value


def parse_item(schema: OrgSchema, index: int, raw: Any, action: str) -> Item:
    """Checks one ``watch[]`` item for ``action`` (enable | replace | update; a PATCH with ``_delete_events:
    true`` becomes remove): every key in input order, then the mandatory ones."""
    item = Item(index, action=action)
    if not isinstance(raw, dict):
        item.error = InvalidData(
            details={
                "api_name": "watch",
                "expected_data_type": "jsonobject",
                "json_path": f"$.watch[{index}]",
            }
        )
        return item
    if action == "update" and "_delete_events" in raw:
        flag = raw["_delete_events"]
        if not isinstance(flag, bool):
            item.error = _bad(index, "_delete_events", expected_data_type="boolean")
            return item
        if flag:
            action = "remove"
    item.action = action
    allowed = ("channel_id", "events") if action == "remove" else KEYS
    try:
        for key, value in raw.items():
            if key in READ_ONLY or (key == "_delete_events" and action in ("update", "remove")):
                continue
            if key not in allowed:
                raise _bad(index, key)
            item.values[key] = _check(schema, index, key, value)
    except InvalidData as error:
        item.error = error
        return item
    for key in MANDATORY[action]:
        if key not in item.values:
            item.error = MandatoryNotFound(details={"api_name": key, "json_path": _path(index, key)})
            break
    return item


def build(item: Item, now: int, user_id: str, current: Channel | None) -> Channel:
    """The channel after ``item``: a new one (enable, or replace: keys not given take their defaults), ``current``
    with the given keys changed (update: events are added to the channel's, an absent expiry is kept) or with the
    given events removed (remove)."""
    values = item.values
    if item.action == "remove":
        assert current is not None
        left = {
            module: tuple(op for op in ops if op not in values["events"].get(module, ()))
            for module, ops in current.events.items()
        }
        return replace(current, events={m: ops for m, ops in left.items() if ops}, modified_time=now)
    if item.action == "update":
        assert current is not None
        changes = {k: v for k, v in values.items() if k not in ("channel_id", "events")}
        if "channel_expiry" in values:
            changes["channel_expiry"] = expiry(values["channel_expiry"], now)
        events = dict(current.events)
        for module, ops in values.get("events", {}).items():
            merged = set(events.get(module, ())) | set(ops)
            events[module] = tuple(op for op in OPERATIONS if op in merged)
        return replace(current, events=events, modified_time=now, **changes)
    return Channel(
        channel_id=item.channel_id,
        events=values["events"],
        notify_url=values["notify_url"],
        channel_expiry=expiry(values.get("channel_expiry"), now),
        token=values.get("token"),
        return_affected_field_values=values.get("return_affected_field_values", False),
        notify_on_related_action=values.get("notify_on_related_action", True),
        fields=values.get("fields"),
        notification_condition=values.get("notification_condition"),
        created_by=current.created_by if current is not None else user_id,
        created_time=current.created_time if current is not None else now,
        modified_time=now,
    )


# -- answers ---------------------------------------------------------------------------------------------------


def _modules(schema: OrgSchema, names: Sequence[str]) -> list[Module]:
    """The modules still in the org, by API name."""
    found = (schema.module(name) for name in sorted(names))
    return [m for m in found if m is not None]


def event_details(
    schema: OrgSchema, channel: Channel, modules: Sequence[str], with_expiry: bool = True
) -> list[dict[str, Any]]:
    """``details.events`` of an enable, replace, update or remove answer: one entry per module."""
    tz = zone(schema.org.time_zone or "UTC")
    entries = []
    for module in _modules(schema, modules):
        entry: dict[str, Any] = {}
        if with_expiry:
            entry["channel_expiry"] = format_datetime(channel.channel_expiry, tz)
        entry.update(
            resource_uri=RESOURCE_URI + module.api_name,
            resource_id=module.id,
            resource_name=module.api_name,
            channel_id=channel.channel_id,
        )
        entries.append(entry)
    return entries


def success(message: str, details: dict[str, Any]) -> dict[str, Any]:
    return {"code": "SUCCESS", "details": details, "message": message, "status": "success"}


def unsubscribed(schema: OrgSchema, channel: Channel) -> list[dict[str, Any]]:
    """The answer entries of a disabled channel: one per module it watched."""
    return [
        success(
            MSG_UNSUBSCRIBED,
            {
                "resource_uri": RESOURCE_URI + m.api_name,
                "resource_id": m.id,
                "channel_id": channel.channel_id,
            },
        )
        for m in _modules(schema, list(channel.events))
    ]


def list_entries(schema: OrgSchema, channel: Channel, module: str | None = None) -> list[dict[str, Any]]:
    """What GET lists for a channel: one entry per module it watches (only ``module`` when given)."""
    tz = zone(schema.org.time_zone or "UTC")
    entries = []
    for found in _modules(schema, list(channel.events)):
        if module is not None and found.api_name != module:
            continue
        ops = channel.events[found.api_name]
        entries.append(
            {
                "notify_on_related_action": channel.notify_on_related_action,
                "channel_expiry": format_datetime(channel.channel_expiry, tz),
                "return_affected_field_values": channel.return_affected_field_values,
                "resource_uri": RESOURCE_URI + found.api_name,
                "resource_id": found.id,
                "notify_url": channel.notify_url,
                "resource_name": found.api_name,
                "fields": channel.fields,
                "notification_condition": channel.notification_condition,
                "channel_id": channel.channel_id,
                "events": [f"{found.api_name}.{op}" for op in LISTED_ORDER if op in ops],
                "token": channel.token,
            }
        )
    return entries


# -- callbacks -------------------------------------------------------------------------------------------------

# (record id, the fields the write changed as {api_name: [old, new]}, the record's values after, None for a delete)
Written = tuple[str, dict[str, Any], dict[str, Any] | None]
REFERENCES = frozenset({"lookup", "ownerlookup", "userlookup", "layout"})


def watching(channels: Sequence[Channel], module: str, operation: str, now: int) -> list[Channel]:
    """The live channels that watch ``module`` for a record ``operation`` (insert | update | delete)."""
    event = EVENT_OF[operation]
    return [c for c in channels if c.live(now) and c.watches(module, event)]


def _value(module: Module, name: str, change: Any, after: dict[str, Any] | None) -> tuple[bool, Any]:
    """A changed field's new value as the callback shows it; (False, None) for row fields (subforms, multi-select
    lookups), whose change is a summary rather than a value."""
    fld = module.by_name.get(name)
    if not (isinstance(change, list) and len(change) == 2):
        return False, None
    value = change[1] if after is None or name not in after else after[name]
    if value is None or fld is None:
        return True, value
    if fld.data_type == "datetime" and isinstance(value, int):
        return True, format_datetime(value, zone("UTC"))
    if fld.data_type in REFERENCES and isinstance(value, str):
        return True, {"id": value}
    return True, value


def callback_body(
    channel: Channel, module: Module, operation: str, written: Sequence[Written], now: int
) -> bytes:
    """What Zoho POSTs to the channel's ``notify_url`` for one write request: every record it wrote, by id, with
    (for updates) the fields each changed and, with ``return_affected_field_values``, their new values."""
    ids: list[str] = []
    changed: dict[str, dict[str, Any]] = {}  # record id -> field -> its change; a record written twice merges
    after: dict[str, dict[str, Any] | None] = {}
    for record_id, fields_changed, values in written:
        if record_id not in changed:
            ids.append(record_id)
            changed[record_id] = {}
        if operation == "update":
            changed[record_id].update(fields_changed)
        after[record_id] = values
    body: dict[str, Any] = {"server_time": now * 1000}
    if channel.return_affected_field_values:
        affected_values = []
        for record_id in ids:
            shown = {}
            for name, change in changed[record_id].items():
                ok, value = _value(module, name, change, after[record_id])
                if ok:
                    shown[name] = value
            if operation == "update":
                affected_values.append({"record_id": record_id, "values": shown})
        body["affected_values"] = affected_values
    body.update(
        query_params=dict(parse_qsl(urlsplit(channel.notify_url).query, keep_blank_values=True)),
        module=module.api_name,
        resource_uri=RESOURCE_URI + module.api_name,
        ids=ids,
        affected_fields=[{rid: list(changed[rid])} for rid in ids] if operation == "update" else [],
        operation=operation,
        channel_id=channel.channel_id,
        token=channel.token,
    )
    return orjson.dumps(body)


# -- stored form -----------------------------------------------------------------------------------------------


def dump_events(events: Events) -> str:
    return orjson.dumps([f"{m}.{op}" for m, ops in events.items() for op in ops]).decode()


def load_events(text: str) -> Events:
    found: dict[str, list[str]] = {}
    for event in orjson.loads(text):
        module, _, op = str(event).rpartition(".")
        found.setdefault(module, []).append(op)
    return {m: tuple(op for op in OPERATIONS if op in ops) for m, ops in found.items()}


def dump_json(value: Any) -> str | None:
    return None if value is None else orjson.dumps(value).decode()


def load_json(text: str | None) -> Any:
    return None if text is None else orjson.loads(text)
