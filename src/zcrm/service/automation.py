"""What workflow rules did (docs/automation.md): the runs of the functions they started and the webhooks they
fired, for ``/__zcrm/automation/log`` and ``/__zcrm/webhooks/deliveries``."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sqlalchemy import Connection

from zcrm.store import automation as automation_store
from zcrm.store import webhooks as webhook_store

HIDDEN = ("secret", "org_id")  # not shown of a delivery


def log(conn: Connection, org_id: str, kind: str | None, status: str | None, limit: int) -> dict[str, Any]:
    """The newest runs first, optionally of one kind and status."""
    rows = automation_store.entries(conn, org_id, kind, status, limit)
    return {"log": [asdict(row) for row in rows]}


def deliveries(conn: Connection, org_id: str, status: str | None, limit: int) -> dict[str, Any]:
    """The webhooks fired, newest first, with every attempt; secrets are not shown."""
    rows = webhook_store.deliveries(conn, org_id, status, limit)
    return {"deliveries": [{k: v for k, v in asdict(row).items() if k not in HIDDEN} for row in rows]}
