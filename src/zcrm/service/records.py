"""Record writes as units of work inside the caller's transaction (``conn``, from ``db.write()``): each locks the
org's write order, loads what the engine needs in as few queries as the store gives, runs the engine
(``records/update.py``, ``insert.py``, ``delete.py``), saves the plan (``service/save.py``) and returns the
per-record results. What comes after the commit (functions, waking the webhook deliverer) is left on ``after`` for
the caller. ``insert_batch`` is a whole unit of work: it opens the transaction itself (``zcrm seed``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from zcrm.auth.identity import Identity
from zcrm.automation.functions import AfterCommit
from zcrm.records.delete import plan_delete
from zcrm.records.insert import plan_insert
from zcrm.records.plan import Result, Written
from zcrm.records.update import Children, Target, item_ids, plan_update, touches_rows
from zcrm.schema.model import Module
from zcrm.service.processes import settle
from zcrm.service.save import save
from zcrm.service.stored import StoreView, view
from zcrm.store import Database
from zcrm.store import records as store
from zcrm.store.clocks import org_now
from zcrm.store.orgs import lock as lock_org


def update_records(
    conn: Connection,
    ident: Identity,
    module: Module,
    items: list[Any],
    now: int,
    triggers: frozenset[str],
    target: Target,
    unmodified_since: int | None = None,
    after: AfterCommit | None = None,
    first: int = 0,
    notices: dict[str, list[Written]] | None = None,
) -> list[Result]:
    """Update Records (behaviour §3): the request's records (locked) and, when the items write row fields, their
    child rows in one query each; Zia validations due by ``now`` are ended first. ``first`` is the request index
    of ``items[0]``; ``notices`` as for ``save``."""
    org_id = ident.org_id
    lock_org(conn, org_id)
    wanted = [i for i in item_ids(items, target, first) if isinstance(i, str)]
    records = store.fetch(conn, org_id, wanted, module_id=module.id, for_update=True)
    records = {rid: r for rid, r in records.items() if r.parent_id is None}
    settle(conn, org_id, records.values(), now, persist=True)
    children: Children = {rid: {} for rid in records}
    if touches_rows(module, items):
        for row in store.children(conn, org_id, list(records)):
            children[row.parent_id or ""].setdefault(row.module_id, []).append(row)
    prefix = ident.schema.org.prefix
    stored = view(conn, ident, module.api_name, prefix)
    plan = plan_update(
        ident.schema,
        ident.user,
        module,
        items,
        records,
        children,
        stored,
        now,
        triggers,
        target,
        unmodified_since,
        after,
        first,
    )
    save(conn, org_id, prefix, module, plan, now, after, notices)
    return plan.results


def insert_records(
    conn: Connection,
    ident: Identity,
    module: Module,
    items: list[Any],
    now: int,
    triggers: frozenset[str] = frozenset(),
    after: AfterCommit | None = None,
    first: int = 0,
    notices: dict[str, list[Written]] | None = None,
) -> list[Result]:
    """Insert Records: references and unique values are looked up in batch by the engine through the store.
    ``first`` is the request index of ``items[0]``; ``notices`` as for ``save``."""
    lock_org(conn, ident.org_id)
    prefix = ident.schema.org.prefix
    stored = view(conn, ident, module.api_name, prefix)
    plan = plan_insert(ident.schema, ident.user, module, items, stored, now, triggers, after, first)
    save(conn, ident.org_id, prefix, module, plan, now, after, notices)
    return plan.results


def delete_records(
    conn: Connection,
    ident: Identity,
    module: Module,
    ids: list[str],
    now: int,
    triggers: frozenset[str] = frozenset(),
    after: AfterCommit | None = None,
) -> list[Result]:
    """Delete Records: the records in one query; Zia validations due by ``now`` are ended first."""
    org_id = ident.org_id
    lock_org(conn, org_id)
    records = store.fetch(conn, org_id, ids, module_id=module.id)
    settle(conn, org_id, records.values(), now, persist=True)
    prefix = ident.schema.org.prefix
    stored = StoreView(conn, org_id, prefix)
    plan = plan_delete(ident.schema, ident.user, module, ids, records, stored, now, triggers, after)
    save(conn, org_id, prefix, module, plan, now, after)
    return plan.results


def insert_batch(
    db: Database, ident: Identity, module: Module, items: list[Any], server_now: int, triggers: frozenset[str]
) -> tuple[list[Result], AfterCommit]:
    """Insert Records in a transaction of its own, at the org's now (its clock may be moved or frozen); returns
    the results and what is left for after the commit (the functions the workflow rules started)."""
    after = AfterCommit()
    with db.write() as conn:
        now = org_now(conn, ident.org_id, server_now)
        results = insert_records(conn, ident, module, items, now, triggers, after)
    return results, after
