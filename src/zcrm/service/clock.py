"""An org's clock (docs/control-plane.md#clock): shown, and changed by one of ``zcrm.clock.CHANGES``, for
``/__zcrm/clock`` and ``zcrm clock``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from zcrm.clock import CHANGES, SERVER
from zcrm.store import clocks


def show(conn: Connection, org_id: str, server_now: int) -> dict[str, Any]:
    """The org's clock as ``GET /__zcrm/clock`` shows it."""
    return (clocks.read(conn, org_id) or SERVER).as_dict(server_now)


def change(conn: Connection, org_id: str, name: str, body: dict[str, Any], server_now: int) -> dict[str, Any]:
    """Applies the change ``name`` (a key of ``CHANGES``) with ``body``, saves it, and shows the new clock."""
    clock = CHANGES[name](clocks.read(conn, org_id) or SERVER, body, server_now)
    clocks.write(conn, org_id, clock)
    return clock.as_dict(server_now)
