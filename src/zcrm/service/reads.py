"""Get records: a list with paging (``page``/``per_page`` and ``page_token``), and a single record, in the
caller's read transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from zcrm.auth.identity import Identity
from zcrm.auth.sharing import can_see, reachable_owners, visible_owners
from zcrm.errors import invalid_id
from zcrm.fields.coerce import parse_id
from zcrm.fields.render import Renderer
from zcrm.records.paging import PageState, PageTokens, query_digest
from zcrm.records.present import Presenter, display_name
from zcrm.records.processes import process_keys
from zcrm.records.reads import SORT_COLUMNS, lookup_ids, page_start, parse_list_params
from zcrm.schema.model import ROW_TYPES, Module, OrgSchema
from zcrm.service import tags
from zcrm.service.processes import settle
from zcrm.store import notes as note_store
from zcrm.store import processes as process_store
from zcrm.store import records as store
from zcrm.store.records import ListQuery


def display_names(conn: Connection, schema: OrgSchema, org_id: str, ids: list[str]) -> dict[str, str]:
    """Display names of the records ``ids`` point at (missing records are left out)."""
    names: dict[str, str] = {}
    for record in store.fetch(conn, org_id, ids).values():
        target = schema.by_module_id.get(record.module_id)
        if target is not None:
            names[record.id] = display_name(target, record.data, record.id)
    return names


def list_records(
    conn: Connection,
    ident: Identity,
    module: Module,
    params: dict[str, str],
    tokens: PageTokens,
    now: int,
    modified_since: int | None,
    condition: tuple[str, dict[str, Any]] | None = None,
    fields_required: bool = True,
) -> tuple[list[dict[str, Any]], dict[str, Any]] | None:
    """A page of ``module``'s records the user sees; ``condition`` narrows them (a record's notes: the SQL of
    ``store/notes.py``). ``fields_required`` is false for API versions before v5, where ``fields`` is optional."""
    p = parse_list_params(module, params, fields_required)
    if condition is None and module.api_name == "Notes":
        condition = _seen_parents(conn, ident)
    asked: dict[str, Any] = {
        "m": module.id,
        "f": p.fields,
        "i": p.ids,
        "s": p.sort_by,
        "d": p.descending,
        "pp": p.per_page,
        "a": p.approved,
        "c": p.converted,
    }
    if condition is not None:  # only then: a plain list's tokens stay what they were
        asked["w"] = [condition[0], sorted(condition[1].items())]
    digest = query_digest(asked)
    after, page, offset = page_start(tokens, p.page_token, ident.user.id, digest, now, p.page, p.per_page)
    query = ListQuery(
        module_id=module.id,
        sort_column=SORT_COLUMNS[p.sort_by],
        descending=p.descending,
        limit=p.per_page + 1,
        offset=offset,
        after=after,
        ids=p.ids,
        approved=p.approved,
        converted=p.converted,
        modified_since=modified_since,
        owners=visible_owners(ident.schema, ident.user, module),
        condition=condition,
    )
    rows = store.list_records(conn, ident.org_id, query)
    more = len(rows) > p.per_page
    rows = rows[: p.per_page]
    if not rows:
        return None
    wanted = [
        name
        for name in p.fields
        if name in module.by_name and module.by_name[name].data_type not in ROW_TYPES
    ]
    names = display_names(conn, ident.schema, ident.org_id, lookup_ids(module, rows, ident.schema))
    renderer = Renderer(ident.schema, ident.user, names)
    presenter = Presenter(ident.schema, renderer, tags.shown(conn, ident.org_id, rows, wanted))
    data = [presenter.list_record(module, row, wanted) for row in rows]
    next_token = None
    expiry = None
    if more:
        last = rows[-1]
        sort_value = {"id": 0, "created_time": last.created_time, "modified_time": last.modified_time}[
            SORT_COLUMNS[p.sort_by]
        ]
        next_token = tokens.encode(PageState(ident.user.id, digest, sort_value, last.id, page + 1, now))
        expiry = renderer.datetime(now + 86400)
    info = {
        "call": False,
        "per_page": p.per_page,
        "next_page_token": next_token,
        "count": len(data),
        "sort_by": p.sort_by,
        "page": page,
        "previous_page_token": p.page_token,
        "page_token_expiry": expiry,
        "sort_order": "desc" if p.descending else "asc",
        "email": False,
        "more_records": more,
    }
    return data, info


def any_modified_since(conn: Connection, ident: Identity, module: Module, since: int) -> bool:
    """Whether a record of ``module`` the user can see was modified since ``since`` (a 304 when none was)."""
    owners = visible_owners(ident.schema, ident.user, module)
    return store.any_modified_since(conn, ident.org_id, module.id, since, owners)


def _seen_parents(conn: Connection, ident: Identity) -> tuple[str, dict[str, Any]] | None:
    """The condition that hides the notes of records the user cannot see (zoho-v5-related.md §4), or None when the
    user sees every record."""
    hidden = [m.id for m in ident.schema.modules if visible_owners(ident.schema, ident.user, m) is not None]
    if not hidden:
        return None
    owners = sorted(reachable_owners(ident.schema, ident.user))
    return note_store.seen_parents_condition(conn.dialect.name, hidden, owners)


def _parent_seen(conn: Connection, ident: Identity, parent: Any) -> bool:
    parent_id = parent.get("id") if isinstance(parent, dict) else parent
    if not isinstance(parent_id, str):
        return True
    found = store.fetch(conn, ident.org_id, [parent_id]).get(parent_id)
    parent_module = None if found is None else ident.schema.by_module_id.get(found.module_id)
    if found is None or parent_module is None:
        return True
    return can_see(ident.schema, ident.user, parent_module, found.owner_id)


def get_record(
    conn: Connection, ident: Identity, module: Module, record_id: str, params: dict[str, str], now: int
) -> dict[str, Any] | None:
    parsed = parse_id(record_id)
    if parsed is None:
        raise invalid_id({"resource_path_index": 1})
    record = store.fetch(conn, ident.org_id, [parsed], module_id=module.id).get(parsed)
    if record is None or record.parent_id is not None:
        return None
    if not can_see(ident.schema, ident.user, module, record.owner_id):
        return None  # a record the user cannot see reads like one that does not exist
    if module.api_name == "Notes" and not _parent_seen(conn, ident, record.data.get("Parent_Id")):
        return None  # nor does a note of one (zoho-v5-related.md §4)
    record.children = store.children(conn, ident.org_id, [record.id])
    settle(conn, ident.org_id, [record], now, persist=False)
    ids = lookup_ids(module, [record], ident.schema)
    names = display_names(conn, ident.schema, ident.org_id, ids)
    names[record.id] = display_name(module, record.data, record.id)
    renderer = Renderer(ident.schema, ident.user, names)
    raw_fields = params.get("fields")
    wanted = [f.strip() for f in raw_fields.split(",") if f.strip()] if raw_fields else None
    shown = tags.shown(conn, ident.org_id, [record], wanted)
    out = Presenter(ident.schema, renderer, shown).full_record(module, record, wanted)
    rows = process_store.of_record(conn, ident.org_id, record.id)
    out.update(process_keys(ident.schema, ident.user, module, record, rows))
    return out
