"""Notification channels (``automation/notifications.py``): one row per org and channel. A record write reads the
org's live channels with one query on the ``(org_id, channel_expiry)`` index."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, text

from zcrm.automation.notifications import Channel, dump_events, dump_json, load_events, load_json

_COLUMNS = (
    "channel_id, events, notify_url, token, channel_expiry, return_affected_field_values,"
    " notify_on_related_action, fields, notification_condition, created_by, created_time, modified_time"
)
_LIVE = text(
    f"SELECT {_COLUMNS} FROM notification_channels WHERE org_id = :org AND channel_expiry > :now"
    " ORDER BY created_time, channel_id"
)


def _channel(row: Any) -> Channel:
    return Channel(
        channel_id=row[0],
        events=load_events(row[1]),
        notify_url=row[2],
        token=row[3],
        channel_expiry=int(row[4]),
        return_affected_field_values=bool(row[5]),
        notify_on_related_action=bool(row[6]),
        fields=load_json(row[7]),
        notification_condition=load_json(row[8]),
        created_by=row[9],
        created_time=int(row[10]),
        modified_time=int(row[11]),
    )


def live(conn: Connection, org_id: str, now: int) -> list[Channel]:
    """The org's channels that have not expired by ``now``, oldest first."""
    return [_channel(row) for row in conn.execute(_LIVE, {"org": org_id, "now": now})]


def put(conn: Connection, org_id: str, channels: Sequence[Channel]) -> None:
    """Writes the channels, replacing any stored with the same ids (live or expired)."""
    if not channels:
        return
    remove(conn, org_id, [c.channel_id for c in channels])
    conn.execute(
        text(
            f"INSERT INTO notification_channels (org_id, {_COLUMNS}) VALUES (:org, :channel_id, :events,"
            " :notify_url, :token, :expiry, :values, :related, :fields, :condition, :created_by, :created_time,"
            " :modified_time)"
        ),
        [
            {
                "org": org_id,
                "channel_id": c.channel_id,
                "events": dump_events(c.events),
                "notify_url": c.notify_url,
                "token": c.token,
                "expiry": c.channel_expiry,
                "values": c.return_affected_field_values,
                "related": c.notify_on_related_action,
                "fields": dump_json(c.fields),
                "condition": dump_json(c.notification_condition),
                "created_by": c.created_by,
                "created_time": c.created_time,
                "modified_time": c.modified_time,
            }
            for c in channels
        ],
    )


def remove(conn: Connection, org_id: str, channel_ids: Sequence[str]) -> None:
    if channel_ids:
        conn.execute(
            text("DELETE FROM notification_channels WHERE org_id = :org AND channel_id = :id"),
            [{"org": org_id, "id": channel_id} for channel_id in channel_ids],
        )
