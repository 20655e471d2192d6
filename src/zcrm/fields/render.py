"""Stored values to the JSON a Zoho client reads (behaviour §1.5, §1.9)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from zcrm.schema.model import Field, OrgSchema, User

REFERENCE_TYPES = frozenset({"lookup", "ownerlookup", "userlookup", "layout"})


def zone(name: object) -> dt.tzinfo:
    """The zone of an IANA name; UTC for an unknown name, or anything else that is not one (a snapshot's
    definitions are checked for shape, not for every value)."""
    return _zone(name) if isinstance(name, str) else dt.UTC


@lru_cache(maxsize=256)
def _zone(name: str) -> dt.tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def format_datetime(epoch: int, tz: dt.tzinfo) -> str:
    """``yyyy-MM-ddTHH:mm:ss±HH:MM`` in ``tz``, never ``Z``, no milliseconds. An offset with seconds (a zone's local
    mean time before it adopted standard time, such as Asia/Kolkata's +05:21:10 until 1941) is cut to whole
    minutes, towards zero, and the wall time follows it: the instant stays exact and the text parses."""
    moment = dt.datetime.fromtimestamp(epoch, tz)
    offset = moment.utcoffset()
    if offset is not None and offset.total_seconds() % 60:
        minutes = int(offset.total_seconds() / 60)
        moment = dt.datetime.fromtimestamp(epoch, dt.timezone(dt.timedelta(minutes=minutes)))
    text = moment.isoformat(timespec="seconds")
    if text.endswith("Z"):  # pragma: no cover - isoformat never writes Z, kept for safety
        text = text[:-1] + "+00:00"
    return text


class Renderer:
    """Renders stored values for one user: datetimes in their zone, users and lookups by name."""

    def __init__(self, schema: OrgSchema, user: User | None, names: dict[str, str] | None = None) -> None:
        self.schema = schema
        tz_name = (user.time_zone if user else "") or schema.org.time_zone or "UTC"
        self.tz = zone(tz_name)
        self.names = names if names is not None else {}
        self._datetimes: dict[int, str] = {}  # a request renders the same instants many times

    def datetime(self, epoch: int | None) -> str | None:
        if epoch is None:
            return None
        text = self._datetimes.get(epoch)
        if text is None:
            text = self._datetimes[epoch] = format_datetime(epoch, self.tz)
        return text

    def user_ref(self, user_id: str | None, with_email: bool = True) -> dict[str, Any] | None:
        if user_id is None:
            return None
        user = self.schema.users_by_id.get(user_id)
        if user is None:
            return None
        ref: dict[str, Any] = {"name": user.full_name, "id": user.id}
        if with_email:
            ref["email"] = user.email
        return ref

    def record_ref(self, record_id: str | None) -> dict[str, Any] | None:
        if record_id is None or record_id not in self.names:
            return None  # a lookup whose target is gone reads as null (behaviour §5.4)
        return {"name": self.names[record_id], "id": record_id}

    def value(self, field: Field, stored: Any) -> Any:
        if stored is None:
            return None
        data_type = field.data_type
        if data_type == "datetime":
            return self.datetime(stored)
        if data_type in ("ownerlookup", "userlookup"):
            return self.user_ref(stored)
        if data_type == "lookup":
            return self.record_ref(stored)
        if data_type == "layout":
            for module in self.schema.modules:
                for layout in module.layouts:
                    if layout.id == stored:
                        return {"name": layout.name, "id": layout.id}
            return None
        return stored
