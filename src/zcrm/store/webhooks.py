"""Webhook deliveries: an outbox written with the record write, claimed and updated by the delivery worker
(``runtime/webhooks.py``). A claim pushes ``next_attempt_ms`` past the attempt's deadline, so a worker that
dies mid-attempt leaves the delivery to be claimed again once that lease runs out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Connection, text

from zcrm.automation.functions import WebhookCall
from zcrm.store.ids import allocate

_COLUMNS = (
    "org_id, id, created_time, rule, webhook, module, record_id, url, body_type, body, secret, status, attempts,"
    " next_attempt_ms, attempt_log"
)


@dataclass(frozen=True, slots=True)
class Delivery:
    org_id: str
    id: str
    created_time: int
    rule: str
    webhook: str
    module: str
    record_id: str
    url: str
    body_type: str
    body: str
    secret: str
    status: str
    attempts: int
    next_attempt_ms: int
    attempt_log: list[dict[str, Any]]


def _delivery(row: Any) -> Delivery:
    return Delivery(
        org_id=row[0],
        id=row[1],
        created_time=int(row[2]),
        rule=row[3],
        webhook=row[4],
        module=row[5],
        record_id=row[6],
        url=row[7],
        body_type=row[8],
        body=row[9],
        secret=row[10],
        status=row[11],
        attempts=int(row[12]),
        next_attempt_ms=int(row[13]),
        attempt_log=orjson.loads(row[14]),
    )


def enqueue(conn: Connection, org_id: str, prefix: str, now: int, calls: Sequence[WebhookCall]) -> None:
    """Queues the webhooks, due at once, in the caller's transaction."""
    if not calls:
        return
    ids = allocate(conn, org_id, prefix, len(calls))
    conn.execute(
        text(
            f"INSERT INTO webhook_deliveries ({_COLUMNS}) VALUES (:org, :id, :now, :rule, :webhook, :module,"
            " :record, :url, :body_type, :body, :secret, 'pending', 0, 0, '[]')"
        ),
        [
            {
                "org": org_id,
                "id": delivery_id,
                "now": now,
                "rule": call.rule,
                "webhook": call.webhook,
                "module": call.module,
                "record": call.record_id,
                "url": call.url,
                "body_type": call.body_type,
                "body": call.body,
                "secret": call.secret,
            }
            for delivery_id, call in zip(ids, calls, strict=True)
        ],
    )


DUE = text("SELECT 1 FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_ms <= :now LIMIT 1")


def any_due(conn: Connection, now_ms: int) -> bool:
    """Whether any delivery is due by ``now_ms`` (of any org)."""
    return conn.execute(DUE, {"now": now_ms}).first() is not None


def claim_due(conn: Connection, now_ms: int, lease_ms: int, limit: int) -> list[Delivery]:
    """Pending deliveries due by ``now_ms``, oldest first, each claimed for ``lease_ms`` (another worker's claim
    wins: a delivery is returned to one claimant only)."""
    rows = conn.execute(
        text(
            f"SELECT {_COLUMNS} FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_ms <= :now"
            " ORDER BY next_attempt_ms, org_id, id LIMIT :limit"
        ),
        {"now": now_ms, "limit": limit},
    ).all()
    claimed = []
    for row in rows:
        delivery = _delivery(row)
        result = conn.execute(
            text(
                "UPDATE webhook_deliveries SET next_attempt_ms = :lease WHERE org_id = :org AND id = :id"
                " AND status = 'pending' AND next_attempt_ms = :seen"
            ),
            {
                "lease": now_ms + lease_ms,
                "org": delivery.org_id,
                "id": delivery.id,
                "seen": delivery.next_attempt_ms,
            },
        )
        if result.rowcount == 1:
            claimed.append(delivery)
    return claimed


def record_attempt(
    conn: Connection, delivery: Delivery, attempt: dict[str, Any], status: str, next_attempt_ms: int
) -> None:
    """Adds an attempt to the delivery's log and sets its status (pending with the next due time, delivered or
    failed)."""
    conn.execute(
        text(
            "UPDATE webhook_deliveries SET status = :status, attempts = :attempts, next_attempt_ms = :next,"
            " attempt_log = :log WHERE org_id = :org AND id = :id"
        ),
        {
            "status": status,
            "attempts": delivery.attempts + 1,
            "next": next_attempt_ms,
            "log": orjson.dumps([*delivery.attempt_log, attempt]).decode(),
            "org": delivery.org_id,
            "id": delivery.id,
        },
    )


def deliveries(conn: Connection, org_id: str, status: str | None = None, limit: int = 200) -> list[Delivery]:
    """The org's deliveries, newest first."""
    sql = f"SELECT {_COLUMNS} FROM webhook_deliveries WHERE org_id = :org"
    params: dict[str, Any] = {"org": org_id, "limit": limit}
    if status is not None:
        sql += " AND status = :status"
        params["status"] = status
    return [_delivery(row) for row in conn.execute(text(sql + " ORDER BY id DESC LIMIT :limit"), params)]
