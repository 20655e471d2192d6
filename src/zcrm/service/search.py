"""Search Records (``GET /crm/v5/{module}/search``, zoho-v5-queries.md §2) in the caller's read transaction: the
parameters and the search parameter checked (``search/``), the criteria compiled to SQL (``store/search.py``) and
run with Get Records' visibility (record sharing, approval, conversion), the page rendered as a list's records."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection

from zcrm.auth.identity import Identity
from zcrm.auth.sharing import visible_owners
from zcrm.fields.render import Renderer
from zcrm.records.present import Presenter, display_name
from zcrm.records.reads import SORT_COLUMNS, lookup_ids
from zcrm.schema.model import ROW_TYPES, Field, Module
from zcrm.search.checks import Typed, TypedGroup, check
from zcrm.search.criteria import parse
from zcrm.search.params import SEARCH_LIMIT, SearchParams, check_reach, parse_search_params
from zcrm.service import tags
from zcrm.service.reads import display_names
from zcrm.store import records as store
from zcrm.store.records import ListQuery
from zcrm.store.search import TEXTS, compile_criteria

WORD_TYPES = frozenset(
    {"text", "textarea", "email", "phone", "website", "picklist"}
)  # what ``word`` searches


def _any_field(module: Module, types: frozenset[str], operator: str, value: str) -> TypedGroup | None:
    """``operator value`` on any field of ``types`` (None: the module has none)."""
    operands = tuple(Typed(f, f.data_type, operator, (value,)) for f in module.fields if f.data_type in types)
    return TypedGroup("or", operands) if operands else None


def _tree(ident: Identity, module: Module, p: SearchParams) -> Typed | TypedGroup | None:
    if p.kind == "criteria":
        return check(parse(p.value), module, ident.user.time_zone)
    if p.kind == "email":
        return _any_field(module, frozenset({"email"}), "equals", p.value)
    if p.kind == "phone":
        return _any_field(module, frozenset({"phone"}), "same_digits", p.value)
    return _any_field(module, WORD_TYPES, "contains", p.value)


def _resolver(conn: Connection, ident: Identity) -> Any:
    """Lookup names to the ids of their targets: users by full name, records by display name (ignoring case)."""

    def resolve(field: Field, name: str) -> Sequence[str]:
        wanted = name.lower()
        if field.data_type in ("ownerlookup", "userlookup"):
            return [u.id for u in ident.schema.users if u.full_name.lower() == wanted]
        target = ident.schema.module(field.lookup_module or "")
        if target is None:
            return []
        named = _named(target, name, conn.dialect.name)
        candidates = store.list_records(
            conn, ident.org_id, ListQuery(target.id, "id", False, limit=2**62, approved=None, condition=named)
        )
        return [r.id for r in candidates if display_name(target, r.data, r.id).lower() == wanted]

    return resolve


def _named(target: Module, name: str, dialect: str) -> tuple[str, dict[str, Any]] | None:
    """A condition narrowing ``target``'s records to those a display name of one text field can be (None: every
    record is read and its display name compared)."""
    if len(target.display_field) != 1 or target.display_field[0] not in target.by_name:
        return None
    field = target.by_name[target.display_field[0]]
    if field.data_type not in TEXTS:
        return None
    return compile_criteria(Typed(field, field.data_type, "equals", (name,)), dialect, lambda f, n: [])


def search_records(
    conn: Connection, ident: Identity, module: Module, params: dict[str, str]
) -> tuple[list[dict[str, Any]], dict[str, Any]] | None:
    """The page of matching records and its ``info``; None when there is none (204)."""
    p = parse_search_params(module, params)
    tree = _tree(ident, module, p)
    check_reach(p)
    if tree is None:
        return None
    condition = compile_criteria(
        tree, conn.dialect.name, _resolver(conn, ident), ident.org_id, module.id, conn
    )
    offset = (p.page - 1) * p.per_page
    limit = min(p.per_page, SEARCH_LIMIT - offset)  # a page straddling the 2,000th match is cut there
    query = ListQuery(
        module_id=module.id,
        sort_column=SORT_COLUMNS[p.sort_by],
        descending=p.descending,
        limit=limit + 1,
        offset=offset,
        approved=p.approved,
        converted=p.converted,
        owners=visible_owners(ident.schema, ident.user, module),
        condition=condition,
    )
    rows = store.list_records(conn, ident.org_id, query)
    more = len(rows) > limit and offset + limit < SEARCH_LIMIT
    rows = rows[:limit]
    if not rows:
        return None
    wanted = list(p.fields) if p.fields is not None else [f.api_name for f in module.fields]
    wanted = [n for n in wanted if n in module.by_name and module.by_name[n].data_type not in ROW_TYPES]
    names = display_names(conn, ident.schema, ident.org_id, lookup_ids(module, rows, ident.schema))
    tagged = tags.shown(conn, ident.org_id, rows, wanted)
    presenter = Presenter(ident.schema, Renderer(ident.schema, ident.user, names), tagged)
    data = [presenter.list_record(module, row, wanted) for row in rows]
    if p.fields is None:  # every field, and the annotations a single record has
        for shown, row in zip(data, rows, strict=True):
            shown.update(presenter.annotations(module, row))
    info = {
        "per_page": p.per_page,
        "count": len(data),
        "page": p.page,
        "sort_by": p.sort_by,
        "sort_order": "desc" if p.descending else "asc",
        "more_records": more,
    }
    return data, info
