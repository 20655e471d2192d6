"""A record's related records (zoho-v5-related.md §3) in the caller's transaction: the checks of §1.3 steps 5-7,
the list with paging, one related record, and linking and delinking the records of a many-to-many list."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from zcrm.auth.guards import may_read
from zcrm.auth.identity import Identity
from zcrm.auth.sharing import can_see, visible_owners
from zcrm.errors import (
    MSG_RELATION_NAME,
    InvalidData,
    InvalidModule,
    ZohoError,
    invalid_id,
)
from zcrm.fields.coerce import parse_id
from zcrm.fields.render import Renderer
from zcrm.records.model import StoredRecord
from zcrm.records.paging import PageState, PageTokens, query_digest
from zcrm.records.present import Presenter
from zcrm.records.reads import (
    MAX_FIELDS,
    SORT_COLUMNS,
    lookup_ids,
    page_info,
    page_start,
    parse_list_params,
)
from zcrm.records.relations import delink_results, item_id, plan_links
from zcrm.schema.model import ROW_TYPES, Module
from zcrm.schema.related import RelatedList, find, related_lists
from zcrm.service.parents import visible_parent
from zcrm.service.reads import display_names
from zcrm.store import records as store
from zcrm.store import relations
from zcrm.store.orgs import lock as lock_org
from zcrm.store.records import ListQuery


def open_list(
    conn: Connection, ident: Identity, module: Module, record_id: str, name: str, write: bool
) -> tuple[RelatedList, StoredRecord]:
    """The related list ``name`` of ``module`` and the parent record, after §1.3 steps 5 to 7."""
    parsed = parse_id(record_id)
    if parsed is None:
        raise invalid_id({"resource_path_index": 1})
    item = find(related_lists(ident.schema.modules, module), name)
    if item is None:
        raise InvalidData(MSG_RELATION_NAME, {"resource_path_index": 2})
    if write and not item.many_to_many:
        raise InvalidModule(details={"resource_path_index": 2})
    return item, visible_parent(conn, ident, module, parsed)


def _modules(ident: Identity, item: RelatedList) -> list[Module]:
    """The modules whose records the list shows."""
    names = item.modules or ((item.connected or "",) if item.kind == "multiselectlookup" else (item.module,))
    return [m for m in (ident.schema.module(n) for n in names) if m is not None]


def _owners(ident: Identity, module: Module) -> frozenset[str] | None:
    """The owners whose records of ``module`` the user sees (None: all): none when the profile may not view it."""
    return visible_owners(ident.schema, ident.user, module) if may_read(ident, module) else frozenset()


def _query(
    conn: Connection, ident: Identity, item: RelatedList, parent: StoredRecord, **more: Any
) -> ListQuery:
    modules = _modules(ident, item)
    owners = {m.id: _owners(ident, m) for m in modules}
    condition = relations.related_condition(conn.dialect.name, ident.org_id, item, parent.id, owners)
    many = tuple(m.id for m in modules) if len(modules) > 1 else ()
    return ListQuery(module_id=modules[0].id, modules=many, approved=None, condition=condition, **more)


def _entries(
    conn: Connection, ident: Identity, item: RelatedList, parent: StoredRecord, rows: list[StoredRecord],
    fields: list[str] | None,
) -> list[dict[str, Any]]:  # fmt: skip
    """The entries of ``rows``: the ``fields`` asked for (every field when None), the junction fields asked for,
    and ``$module`` on activities."""
    schema = ident.schema
    ids: list[str] = []
    for row in rows:
        ids.extend(lookup_ids(schema.by_module_id[row.module_id], [row], schema))
    presenter = Presenter(
        schema, Renderer(schema, ident.user, display_names(conn, schema, ident.org_id, ids))
    )
    junction = [f.api_name for f in item.junction if fields is None or f.api_name in fields]
    links = relations.links(conn, ident.org_id, item, parent.id, [r.id for r in rows]) if junction else {}
    out = []
    for row in rows:
        module = schema.by_module_id[row.module_id]
        names = [f.api_name for f in module.fields] if fields is None else fields
        wanted = [n for n in names if n in module.by_name and module.by_name[n].data_type not in ROW_TYPES]
        entry = presenter.list_record(module, row, wanted)
        for name in junction:
            entry[name] = links.get(row.id, {}).get(name)
        if item.kind == "activities":
            entry["$module"] = module.api_name
        out.append(entry)
    return out


def list_related(
    conn: Connection,
    ident: Identity,
    item: RelatedList,
    parent: StoredRecord,
    params: dict[str, str],
    tokens: PageTokens,
    now: int,
    since: int | None,
) -> tuple[list[dict[str, Any]], dict[str, Any]] | None:
    """A page of the list (§3.1), None when it is empty."""
    p = parse_list_params(_modules(ident, item)[0], params)
    shape = {"l": item.id, "r": parent.id, "f": p.fields, "i": p.ids, "s": p.sort_by, "d": p.descending}
    digest = query_digest({**shape, "pp": p.per_page, "c": p.converted})
    after, page, offset = page_start(tokens, p.page_token, ident.user.id, digest, now, p.page, p.per_page)
    column = SORT_COLUMNS[p.sort_by]
    query = _query(
        conn, ident, item, parent, sort_column=column, descending=p.descending, limit=p.per_page + 1,
        offset=offset, after=after, ids=p.ids, converted=p.converted, modified_since=since,
    )  # fmt: skip
    rows = store.list_records(conn, ident.org_id, query)
    more = len(rows) > p.per_page
    rows = rows[: p.per_page]
    if not rows:
        return None
    data = _entries(conn, ident, item, parent, rows, p.fields)
    last = rows[-1]
    value = {"id": 0, "created_time": last.created_time, "modified_time": last.modified_time}[column]
    following = PageState(ident.user.id, digest, value, last.id, page + 1, now) if more else None
    renderer = Renderer(ident.schema, ident.user)
    return data, page_info(tokens, renderer, following, p.per_page, len(data), page, p.page_token)


def any_related_since(
    conn: Connection, ident: Identity, item: RelatedList, parent: StoredRecord, since: int
) -> bool:
    """Whether a record of the list the user sees was modified after ``since`` (a 304 when none was)."""
    query = _query(
        conn, ident, item, parent, sort_column="id", descending=True, limit=1, modified_since=since
    )
    return bool(store.list_records(conn, ident.org_id, query))


def get_related(
    conn: Connection, ident: Identity, item: RelatedList, parent: StoredRecord, related_id: str,
    params: dict[str, str],
) -> dict[str, Any] | None:  # fmt: skip
    """One record of the list (§3.1, the single form), None when it is not in the list."""
    parsed = parse_id(related_id)
    if parsed is None:
        return None
    raw = params.get("fields")
    fields = [f.strip() for f in raw.split(",") if f.strip()][:MAX_FIELDS] if raw else None
    query = _query(conn, ident, item, parent, sort_column="id", descending=True, limit=1, ids=(parsed,))
    rows = store.list_records(conn, ident.org_id, query)
    return _entries(conn, ident, item, parent, rows, fields)[0] if rows else None


def _visible(ident: Identity, item: RelatedList, records: dict[str, StoredRecord]) -> dict[str, StoredRecord]:
    module = ident.schema.module(item.module)
    assert module is not None
    return {
        rid: r
        for rid, r in records.items()
        if r.parent_id is None
        and may_read(ident, module)
        and can_see(ident.schema, ident.user, module, r.owner_id)
    }


def link(
    conn: Connection, ident: Identity, item: RelatedList, parent: StoredRecord, items: list[Any],
    path_id: str | None, now: int,
) -> list[dict[str, Any] | ZohoError]:  # fmt: skip
    """Links the items' records to ``parent`` or updates their links' junction fields (§3.2)."""
    lock_org(conn, ident.org_id)
    ids = [item_id(entry, index, path_id) for index, entry in enumerate(items)]
    module = ident.schema.module(item.module)
    assert module is not None
    wanted = [i for i in ids if isinstance(i, str)]
    found = _visible(ident, item, store.fetch(conn, ident.org_id, wanted, module_id=module.id))
    linked = relations.links(conn, ident.org_id, item, parent.id, list(found))
    defaults: dict[str, dict[str, Any]] = {}
    if item.relation == "Price_Books.Products":
        for rid, record in found.items():
            product = record if item.module == "Products" else parent
            defaults[rid] = {"list_price": product.data.get("Unit_Price")}
    plan = plan_links(items, ids, item, set(found), linked, defaults)
    relations.save(conn, ident.org_id, item, parent.id, plan.added, plan.changed, now)
    return plan.results


def delink(
    conn: Connection, ident: Identity, item: RelatedList, parent: StoredRecord, ids: list[str]
) -> list[dict[str, Any] | ZohoError]:
    """Removes the links between ``parent`` and ``ids`` (§3.3); both records remain."""
    lock_org(conn, ident.org_id)
    module = ident.schema.module(item.module)
    assert module is not None
    linked = relations.links(conn, ident.org_id, item, parent.id, ids)
    visible = _visible(ident, item, store.fetch(conn, ident.org_id, list(linked), module_id=module.id))
    results, removed = delink_results(ids, set(visible))
    relations.remove(conn, ident.org_id, item, parent.id, removed)
    return results
