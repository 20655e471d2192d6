"""The recycle bin (zoho-v5-related.md §9): what a delete leaves there (``keep``, from ``service/cascade.py`` while
the records are still stored) and ``GET /crm/v5/{module}/deleted`` (``list_deleted``), both on the org's clock."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection

from zcrm.auth.identity import Identity
from zcrm.fields.render import Renderer
from zcrm.records.recycle import KEPT_SECONDS, entry_of, parse_list_params, present, window
from zcrm.schema.model import Module
from zcrm.store import records as record_store
from zcrm.store import recycle as store


def keep(
    conn: Connection, org_id: str, module: Module, ids: Sequence[str], actor: str | None, now: int
) -> None:
    """Puts the records ``ids`` of ``module``, deleted by ``actor`` at ``now``, in the recycle bin with their child
    rows, and clears the module's entries whose time is over (and any earlier entry of these records): four
    statements whatever the number of records."""
    records = record_store.fetch(conn, org_id, ids, module_id=module.id)
    tops = [records[i] for i in dict.fromkeys(ids) if i in records and records[i].parent_id is None]
    if not tops:
        return
    for child in record_store.children(conn, org_id, [r.id for r in tops]):
        records[child.parent_id or ""].children.append(child)
    store.clear(conn, org_id, module.id, now - KEPT_SECONDS, [r.id for r in tops])
    store.add(conn, org_id, [entry_of(module, record, actor, now) for record in tops])


def list_deleted(
    conn: Connection, ident: Identity, module: Module, params: dict[str, str], now: int, since: int | None
) -> tuple[list[dict[str, Any]], dict[str, Any]] | None:
    """A page of the module's recycle bin at ``now`` (deleted after ``since`` only, when given), with its
    ``info``; None when it is empty."""
    p = parse_list_params(params)
    after, until = window(p.type, now)
    if since is not None:
        after = max(after, since)
    query = store.PageQuery(module.id, after, until, p.per_page + 1, (p.page - 1) * p.per_page)
    entries = store.page(conn, ident.org_id, query)
    if not entries:
        return None
    more = len(entries) > p.per_page
    entries = entries[: p.per_page]
    renderer = Renderer(ident.schema, ident.user)
    data = [present(renderer, entry, now) for entry in entries]
    return data, {"per_page": p.per_page, "count": len(data), "page": p.page, "more_records": more}
