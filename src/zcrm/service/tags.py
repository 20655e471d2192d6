"""Tags (zoho-v5-related.md §10) as units of work in the caller's transaction: listing a module's tags, checking the
parent record of the per-record routes, adding and removing tags (the rules: ``records/tags.py``). Tagging a record
does not change it: no ``Modified_Time``, no change event."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection

from zcrm.auth.identity import Identity
from zcrm.fields.coerce import parse_id
from zcrm.records.model import StoredRecord
from zcrm.records.tags import Tag, TagPlan, TagRequest, TagWork, ordered, plan_tags, resolve
from zcrm.schema.model import Module
from zcrm.service.parents import visible_parent
from zcrm.service.processes import settle
from zcrm.store import records as store
from zcrm.store import tags as tag_store
from zcrm.store.ids import allocate
from zcrm.store.orgs import lock as lock_org


def module_tags(conn: Connection, ident: Identity, module: Module, mine: bool) -> list[Tag]:
    """The module's tags ordered by name, ignoring case (``mine``: those the user created)."""
    tags = tag_store.module_tags(conn, ident.org_id, module.id)
    if mine:
        tags = [t for t in tags if t.created_by == ident.user.id]
    return sorted(tags, key=lambda t: (t.name.lower(), t.name, t.id))


def shown(
    conn: Connection, org_id: str, records: Sequence[StoredRecord], names: Sequence[str] | None
) -> dict[str, list[dict[str, Any]]]:
    """The ``Tag`` values of a page of records, in one query, when ``names`` (None: every field) shows ``Tag``."""
    if names is not None and "Tag" not in names:
        return {}
    found = tag_store.of_records(conn, org_id, [r.id for r in records])
    return {rid: ordered(tags) for rid, tags in found.items()}


def check_parent(conn: Connection, ident: Identity, module: Module, record_id: str) -> None:
    """The per-record routes' record exists in the module and the user sees it (§1.3 step 7)."""
    lock_org(conn, ident.org_id)
    visible_parent(conn, ident, module, record_id)


def change_tags(
    conn: Connection, ident: Identity, module: Module, request: TagRequest, adding: bool, now: int
) -> TagPlan:
    """Adds (``adding``) or removes the request's tags on its records; returns the plan written."""
    org_id = ident.org_id
    lock_org(conn, org_id)
    wanted = [i for i in (parse_id(raw) for raw in request.ids) if i is not None]
    records = store.fetch(conn, org_id, wanted, module_id=module.id, for_update=True)
    records = {rid: r for rid, r in records.items() if r.parent_id is None}
    settle(conn, org_id, records.values(), now, persist=True)
    existing = tag_store.module_tags(conn, org_id, module.id)
    chosen, new = resolve(request.tags, existing, adding)
    ids = allocate(conn, org_id, ident.schema.org.prefix, len(new))
    user_id = ident.user.id
    created = [
        Tag(tag_id, given.name or "", given.color_code, user_id, user_id, now, now)
        for tag_id, given in zip(ids, new, strict=True)
    ]
    current = tag_store.tag_ids(conn, org_id, list(records))
    work = TagWork(existing, chosen, created)
    plan = plan_tags(ident.schema, ident.user, module, request, adding, records, current, work)
    tag_store.insert_tags(conn, org_id, module.id, plan.created)
    tag_store.unlink(conn, org_id, plan.unlinked)
    tag_store.link(conn, org_id, plan.linked)
    return plan
