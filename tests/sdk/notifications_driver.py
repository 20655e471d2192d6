"""Drives the official SDK's Notifications API (``NotificationsOperations``) against a running ``zcrm serve``.

    python notifications_driver.py CREDENTIALS_JSON WORK_DIR ARGS_JSON

``ARGS_JSON`` gives ``notify_url``. Initialisation, the wire log, ``main`` and value tagging come from
``driver_base.py`` (a fresh interpreter: the SDK keeps process-wide state). The report, ``WORK_DIR/result.json``,
holds what the SDK parsed from each call (datetimes tagged, ids as the SDK's types) and every HTTP request it sent.
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any

# before the SDK: importing driver_base installs the wire log
from driver_base import entry, jsonable, main, mark, outcome
from zohocrmsdk.src.com.zoho.crm.api.notifications import (
    ActionWrapper,
    APIException,
    BodyWrapper,
    DeleteNotificationParam,
    Event,
    GetNotificationsParam,
    Notification,
    NotificationsOperations,
    ResponseWrapper,
    SuccessResponse,
)
from zohocrmsdk.src.com.zoho.crm.api.parameter_map import ParameterMap
from zohocrmsdk.src.com.zoho.crm.api.util import Choice


def describe_event(event: Any) -> Any:
    if not isinstance(event, Event):
        return jsonable(event)
    return {
        "class": "Event",
        "channel_expiry": jsonable(event.get_channel_expiry()),
        "resource_uri": event.get_resource_uri(),
        "resource_id": event.get_resource_id(),
        "resource_name": event.get_resource_name(),
        "channel_id": event.get_channel_id(),
    }


def describe_item(item: Any) -> dict[str, Any]:
    details = None
    if isinstance(item, SuccessResponse):
        details = dict(item.get_details())
        if "events" in details:
            details["events"] = [describe_event(e) for e in details["events"]]
    return entry(item, (SuccessResponse, APIException), details)


def describe_notification(n: Notification) -> dict[str, Any]:
    return {
        "class": type(n).__name__,
        "channel_id": n.get_channel_id(),
        "events": n.get_events(),
        "notify_url": n.get_notify_url(),
        "token": n.get_token(),
        "channel_expiry": jsonable(n.get_channel_expiry()),
        "return_affected_field_values": n.get_return_affected_field_values(),
        "notify_on_related_action": n.get_notify_on_related_action(),
        "fields": jsonable(n.get_fields()),
        "resource_uri": n.get_resource_uri(),
        "resource_id": n.get_resource_id(),
        "resource_name": n.get_resource_name(),
    }


def notifications(obj: ResponseWrapper) -> dict[str, Any]:
    info = obj.get_info()
    return {
        "watch": [describe_notification(n) for n in obj.get_watch()],
        "info": {
            "per_page": info.get_per_page(),
            "count": info.get_count(),
            "page": info.get_page(),
            "more_records": info.get_more_records(),
        },
    }


def describe(response: Any) -> dict[str, Any]:
    return outcome(
        response,
        {
            ActionWrapper: lambda obj: {"watch": [describe_item(item) for item in obj.get_watch()]},
            ResponseWrapper: notifications,
            APIException: lambda obj: {"error": describe_item(obj)},
        },
    )


def notification(channel_id: str, events: list[str] | None = None, **values: Any) -> Notification:
    n = Notification()
    n.set_channel_id(channel_id)
    if events is not None:
        n.set_events(events)
    for key, value in values.items():
        getattr(n, f"set_{key}")(value)
    return n


def body(*items: Notification) -> BodyWrapper:
    wrapper = BodyWrapper()
    wrapper.set_watch(list(items))
    return wrapper


def scenario(creds: dict[str, str], result: dict[str, Any]) -> None:
    url = result["args"]["notify_url"]
    ops = NotificationsOperations()
    expiry = (dt.datetime.now().astimezone() + dt.timedelta(days=1)).replace(microsecond=0)
    result["expiry"] = expiry.isoformat()

    mark(result, "enable")
    first = notification(
        "10000",
        ["Leads.all", "Deals.create"],
        notify_url=url,
        token="sdk-token",
        channel_expiry=expiry,
        return_affected_field_values=True,
    )
    bad = notification("20000", ["Nope.all"], notify_url=url)
    result["enable"] = describe(ops.enable_notifications(body(first, bad)))

    mark(result, "list")
    result["list"] = describe(ops.get_notifications())

    mark(result, "list_filtered")
    params = ParameterMap()
    params.add(GetNotificationsParam.module, "Deals")
    params.add(GetNotificationsParam.channel_id, 10000)
    params.add(GetNotificationsParam.per_page, 10)
    result["list_filtered"] = describe(ops.get_notifications(params))

    mark(result, "patch")
    result["patch"] = describe(ops.update_notification(body(notification("10000", token="patched"))))

    mark(result, "put")
    replaced = notification(
        "10000", ["Contacts.edit", "Leads.all"], notify_url=url, notify_on_related_action=False
    )
    result["put"] = describe(ops.update_notifications(body(replaced)))

    mark(result, "remove_events")
    removal = notification("10000", ["Leads.all"])
    removal.set_deleteevents(Choice(True))
    result["remove_events"] = describe(ops.disable_notification(body(removal)))

    mark(result, "after_removal")
    result["after_removal"] = describe(ops.get_notifications())

    mark(result, "disable")
    params = ParameterMap()
    params.add(DeleteNotificationParam.channel_ids, 10000)
    params.add(DeleteNotificationParam.channel_ids, 30000)
    result["disable"] = describe(ops.delete_notification(params))

    mark(result, "empty")
    result["empty"] = describe(ops.get_notifications())
    mark(result, "end")


if __name__ == "__main__":
    sys.exit(main(scenario))
