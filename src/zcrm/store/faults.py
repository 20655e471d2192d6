"""Fault rules (``zcrm/faults.py``): one row per rule, and ``orgs.faults_version``, raised by every change, which
authentication reads with the token so that workers reload an org's rules only when they changed."""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import Connection, text

from zcrm.errors import LimitExceeded
from zcrm.faults import MAX_RULES, Rule, rule_from
from zcrm.store.orgs import lock

_BUMP = text("UPDATE orgs SET faults_version = faults_version + 1 WHERE id = :org")


def rules(conn: Connection, org_id: str) -> list[Rule]:
    """The org's rules, oldest first."""
    rows = conn.execute(
        text(
            "SELECT id, definition, remaining, created_time FROM fault_rules WHERE org_id = :org ORDER BY id"
        ),
        {"org": org_id},
    )
    return [rule_from(str(row[0]), orjson.loads(row[1]), row[2], int(row[3])) for row in rows]


def add(conn: Connection, org_id: str, definition: dict[str, Any], now: int) -> Rule:
    """Adds a rule; ``LIMIT_EXCEEDED`` when the org has ``MAX_RULES`` already."""
    rule_id = next_id(conn, "fault_rules", org_id)
    held = conn.execute(
        text("SELECT COUNT(*) FROM fault_rules WHERE org_id = :org"), {"org": org_id}
    ).scalar_one()
    if held >= MAX_RULES:
        raise LimitExceeded(details={"api_name": "faults", "limit": MAX_RULES})
    conn.execute(
        text(
            "INSERT INTO fault_rules (org_id, id, created_time, definition, remaining)"
            " VALUES (:org, :id, :now, :definition, :remaining)"
        ),
        {
            "org": org_id,
            "id": rule_id,
            "now": now,
            "definition": orjson.dumps(definition).decode(),
            "remaining": definition.get("count"),
        },
    )
    conn.execute(_BUMP, {"org": org_id})
    return rule_from(str(rule_id), definition, definition.get("count"), now)


def next_id(conn: Connection, table: str, org_id: str) -> int:
    """The org's next id in ``table`` (1, 2, …), not drawn from the org's id counter, so that neither rules nor
    the request log (written in the background) change the ids records get. Holds the org's lock."""
    lock(conn, org_id)
    row = conn.execute(text(f"SELECT COALESCE(MAX(id), 0) FROM {table} WHERE org_id = :org"), {"org": org_id})
    return int(row.scalar_one()) + 1


def remove(conn: Connection, org_id: str, rule_id: str) -> bool:
    if not (rule_id.isascii() and rule_id.isdigit() and len(rule_id) <= 18):  # ids are small; none is longer
        return False
    deleted = conn.execute(
        text("DELETE FROM fault_rules WHERE org_id = :org AND id = :id"), {"org": org_id, "id": int(rule_id)}
    ).rowcount
    if deleted:
        conn.execute(_BUMP, {"org": org_id})
    return bool(deleted)


def clear(conn: Connection, org_id: str) -> int:
    deleted = conn.execute(text("DELETE FROM fault_rules WHERE org_id = :org"), {"org": org_id}).rowcount
    conn.execute(_BUMP, {"org": org_id})
    return int(deleted)


def claim(conn: Connection, org_id: str, rule_id: str) -> bool:
    """Takes one application of a counted rule; the last one removes the rule. False when another request (of any
    worker) took the last one first."""
    row = conn.execute(
        text(
            "UPDATE fault_rules SET remaining = remaining - 1 WHERE org_id = :org AND id = :id AND remaining > 0"
            " RETURNING remaining"
        ),
        {"org": org_id, "id": int(rule_id)},
    ).first()
    if row is None:
        return False
    if row[0] <= 0:
        conn.execute(
            text("DELETE FROM fault_rules WHERE org_id = :org AND id = :id"),
            {"org": org_id, "id": int(rule_id)},
        )
        conn.execute(_BUMP, {"org": org_id})
    return True


def version(conn: Connection, org_id: str) -> int:
    row = conn.execute(text("SELECT faults_version FROM orgs WHERE id = :org"), {"org": org_id}).first()
    return int(row[0]) if row is not None else 0
