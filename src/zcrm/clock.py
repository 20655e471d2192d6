"""The clocks: the server's (whole epoch seconds; instants are stored to the second) and an org's
(docs/control-plane.md#clock): the server's clock moved by an offset, or frozen at an instant.

Every request of an org reads its ``now`` from this clock: Created/Modified times, token and page-token expiry,
Zia validation delays, notification channel expiry. The changes (set, advance, freeze, unfreeze, reset) are pure
functions of the clock, the control plane's JSON body and the server's ``now``; no I/O.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from zcrm.control_input import flag, only_keys
from zcrm.errors import InvalidData, MandatoryNotFound
from zcrm.fields.coerce import MAX_EPOCH, parse_datetime

MIN_TIME = 0  # 1970-01-01T00:00:00Z: an org's clock never goes before the epoch
MAX_TIME = MAX_EPOCH


class Clock:
    """The server's clock (replaceable in tests)."""

    def now(self) -> int:
        return int(time.time())


@dataclass(frozen=True, slots=True)
class OrgClock:
    offset: int = 0  # seconds added to the server's clock while running
    frozen: int | None = None  # the instant the clock stands at while frozen

    def now(self, server_now: int) -> int:
        return self.frozen if self.frozen is not None else server_now + self.offset

    def as_dict(self, server_now: int) -> dict[str, Any]:
        now = self.now(server_now)
        return {"time": iso(now), "epoch": now, "frozen": self.frozen is not None, "offset": now - server_now}


SERVER = OrgClock()  # a new org's clock, and the one ``reset`` returns to


def now_of(offset: int | None, frozen: int | None, server_now: int) -> int:
    """An org's now from its stored columns (``orgs.clock_offset``, ``orgs.clock_frozen``)."""
    if frozen is not None:
        return int(frozen)
    return server_now + int(offset or 0)


def iso(epoch: int) -> str:
    return dt.datetime.fromtimestamp(epoch, dt.UTC).isoformat()


def _instant(body: dict[str, Any], key: str) -> int:
    """``yyyy-MM-ddTHH:mm:ss±HH:MM`` (or ``Z``), or whole epoch seconds, between 1970 and 9999."""
    value = body.get(key)
    if value is None or value == "":
        raise MandatoryNotFound(details={"api_name": key})
    epoch: int | None
    if isinstance(value, bool):
        epoch = None
    elif isinstance(value, int):
        epoch = value
    elif isinstance(value, str):
        epoch = parse_datetime(value.strip())
    else:
        epoch = None
    if epoch is None or not MIN_TIME <= epoch <= MAX_TIME:
        raise InvalidData(details={"api_name": key, "expected_data_type": "datetime"})
    return epoch


def set_to(clock: OrgClock, body: dict[str, Any], server_now: int) -> OrgClock:
    """``{"time": …, "frozen": bool}`` replaces the clock: running from ``time`` on, or frozen at it."""
    only_keys(body, ("time", "frozen"))
    at = _instant(body, "time")
    if flag(body, "frozen"):
        return OrgClock(offset=at - server_now, frozen=at)
    return OrgClock(offset=at - server_now)


def advance(clock: OrgClock, body: dict[str, Any], server_now: int) -> OrgClock:
    """``{"seconds": N}`` (N >= 0) moves the clock forward, whether it runs or is frozen."""
    only_keys(body, ("seconds",))
    seconds = body.get("seconds")
    if seconds is None:
        raise MandatoryNotFound(details={"api_name": "seconds"})
    if isinstance(seconds, bool) or not isinstance(seconds, int):
        raise InvalidData(details={"api_name": "seconds", "expected_data_type": "integer"})
    if seconds < 0:
        raise InvalidData(details={"api_name": "seconds", "minimum": 0})
    room = MAX_TIME - clock.now(server_now)
    if seconds > room:
        raise InvalidData(details={"api_name": "seconds", "maximum": max(room, 0)})
    if clock.frozen is not None:
        return OrgClock(offset=clock.offset + seconds, frozen=clock.frozen + seconds)
    return OrgClock(offset=clock.offset + seconds)


def freeze(clock: OrgClock, body: dict[str, Any], server_now: int) -> OrgClock:
    """Stops the clock at its current time (a frozen clock stays as it is). No keys."""
    only_keys(body, ())
    if clock.frozen is not None:
        return clock
    now = clock.now(server_now)
    return OrgClock(offset=now - server_now, frozen=now)


def unfreeze(clock: OrgClock, body: dict[str, Any], server_now: int) -> OrgClock:
    """Lets a frozen clock run again from the instant it stood at (a running clock stays as it is). No keys."""
    only_keys(body, ())
    if clock.frozen is None:
        return clock
    return OrgClock(offset=clock.frozen - server_now)


def reset(clock: OrgClock, body: dict[str, Any], server_now: int) -> OrgClock:
    """Back to the server's clock. No keys."""
    only_keys(body, ())
    return SERVER


Change = Callable[[OrgClock, dict[str, Any], int], OrgClock]
CHANGES: dict[str, Change] = {
    "set": set_to,
    "advance": advance,
    "freeze": freeze,
    "unfreeze": unfreeze,
    "reset": reset,
}
