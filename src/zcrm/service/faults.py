"""An org's request log and fault rules (docs/control-plane.md, "Request log" and "Fault rules"), for
``/__zcrm/requests``, ``/__zcrm/faults`` and ``zcrm requests`` / ``zcrm faults``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from zcrm.faults import parse_rule
from zcrm.store import faults as fault_store
from zcrm.store import request_log as log_store


def requests(conn: Connection, org_id: str, filters: dict[str, Any]) -> dict[str, Any]:
    """The org's logged requests, newest first, as ``log_filters`` checked them."""
    return {"requests": log_store.entries(conn, org_id, **filters)}


def clear_requests(conn: Connection, org_id: str) -> dict[str, int]:
    return {"deleted": log_store.clear(conn, org_id)}


def rules(conn: Connection, org_id: str) -> dict[str, Any]:
    """The org's fault rules, oldest first."""
    return {"faults": [r.as_dict() for r in fault_store.rules(conn, org_id)]}


def add(conn: Connection, org_id: str, body: dict[str, Any], now: int) -> dict[str, Any]:
    """Checks the rule ``body`` and adds it."""
    return fault_store.add(conn, org_id, parse_rule(body), now).as_dict()


def remove(conn: Connection, org_id: str, rule_id: str) -> bool:
    """Removes one rule; False when the org has no such rule."""
    return fault_store.remove(conn, org_id, rule_id)


def clear(conn: Connection, org_id: str) -> dict[str, int]:
    return {"deleted": fault_store.clear(conn, org_id)}
