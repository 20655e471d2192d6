"""The write tail every record write shares: one function that turns an engine plan's writes into store calls,
inside the request's transaction, then writes the webhooks and notifications the writes fired to the outbox (sent
only if the transaction commits)."""

from __future__ import annotations

from sqlalchemy import Connection

from zcrm.automation.functions import AfterCommit
from zcrm.records.plan import Plan, Written
from zcrm.schema.model import Module
from zcrm.service import cascade, notify
from zcrm.service.processes import save as save_processes
from zcrm.store import keys as key_store
from zcrm.store import processes as process_store
from zcrm.store import records as store
from zcrm.store import webhooks as webhook_store


def save(
    conn: Connection,
    org_id: str,
    prefix: str,
    module: Module,
    plan: Plan,
    now: int,
    after: AfterCommit | None,
    notices: dict[str, list[Written]] | None = None,
) -> None:
    """Writes ``plan``: deleted records (with their rows, unique values and processes), changed records, child rows
    (rows added and removed within the request never reach the database; rows added and then changed are inserted
    in their final state), unique values, search keys, change events and process rows; then queues the webhooks and
    notifications. With ``notices`` (a request of several plans: Upsert), what the plan wrote is added there under
    its operation instead, for the caller to notify once per operation (``notify.queue``)."""
    # the search keys first: they are found from the records as they were
    key_store.write(conn, org_id, module, plan.inserts, plan.updates, plan.deletes)
    if plan.deletes:  # what hangs off the deleted records, while they are still stored
        cascade.deleting(conn, org_id, module, plan.deletes, plan.actor, now)
    store.delete(conn, org_id, plan.deletes)
    process_store.drop(conn, org_id, plan.deletes)
    store.update(conn, org_id, plan.updates)
    rows = plan.rows
    deleted = set(rows.deletes)
    inserted = {row.id: row for row in rows.inserts if row.id not in deleted}
    updated = {row.id: row for row in rows.updates if row.id not in deleted and row.id not in inserted}
    store.delete_children(conn, org_id, list(dict.fromkeys(rows.deletes)))
    store.insert(conn, org_id, plan.inserts + list(inserted.values()))
    store.update(conn, org_id, list(updated.values()))
    store.replace_unique(conn, org_id, plan.unique_changes)
    store.insert_unique(conn, org_id, plan.claims)
    store.add_changes(conn, org_id, plan.changes)
    save_processes(conn, org_id, prefix, plan.processes)
    queue_webhooks(conn, org_id, prefix, now, after)
    if notices is None:
        notify.queue(conn, org_id, prefix, module, plan.operation, plan.written, now, after)
    else:
        notices.setdefault(plan.operation, []).extend(plan.written)


def queue_webhooks(conn: Connection, org_id: str, prefix: str, now: int, after: AfterCommit | None) -> None:
    """Writes the webhooks the unit's rules fired to the outbox, in its transaction: sent only if it commits."""
    if after is not None and after.webhooks:
        webhook_store.enqueue(conn, org_id, prefix, now, after.webhooks)
        after.queued += len(after.webhooks)
        after.webhooks.clear()
