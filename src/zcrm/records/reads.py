"""Get records: a list with paging (``page``/``per_page`` and ``page_token``), and a single record."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from zcrm.auth.identity import Identity
from zcrm.auth.sharing import can_see, visible_owners
from zcrm.errors import (
    AmbiguityDuringProcessing,
    DiscretePaginationLimitExceeded,
    InvalidData,
    LimitExceeded,
    PaginationLimitExceeded,
    RequiredParamMissing,
    invalid_id,
)
from zcrm.fields.coerce import POSITIVE_INT, parse_id
from zcrm.fields.render import Renderer
from zcrm.records import processes
from zcrm.records.paging import PageState, PageTokens, query_digest
from zcrm.records.present import Presenter, display_name
from zcrm.schema.model import ROW_TYPES, Module, OrgSchema
from zcrm.store import processes as process_store
from zcrm.store import records as store
from zcrm.store.records import ListQuery, StoredRecord

SORT_COLUMNS = {"id": "id", "Created_Time": "created_time", "Modified_Time": "modified_time"}
DISCRETE_LIMIT = 2000
TOKEN_LIMIT = 100_000
MAX_FIELDS = 50
MAX_IDS = 100


def parse_bool(params: dict[str, str], name: str, default: bool) -> bool:
    raw = params.get(name)
    if raw is None:
        return default
    lowered = raw.lower()
    if lowered not in ("true", "false"):
        raise InvalidData(details={"param_name": name})
    return lowered == "true"


def _tristate(params: dict[str, str], name: str, default: bool | None) -> bool | None:
    raw = params.get(name)
    if raw is None:
        return default
    lowered = raw.lower()
    if lowered not in ("true", "false", "both"):
        raise InvalidData(details={"param_name": name, "supported_values": ["true", "false", "both"]})
    return None if lowered == "both" else lowered == "true"


def positive_param(params: dict[str, str], name: str, default: int) -> int:
    raw = params.get(name)
    if raw is None:
        return default
    if not POSITIVE_INT.match(raw) or int(raw) < 1:
        raise InvalidData(details={"param_name": name})
    return int(raw)


def display_names(conn: Connection, schema: OrgSchema, org_id: str, ids: list[str]) -> dict[str, str]:
    """Display names of the records ``ids`` point at (missing records are left out)."""
    names: dict[str, str] = {}
    for record in store.fetch(conn, org_id, ids).values():
        target = schema.by_module_id.get(record.module_id)
        if target is not None:
            names[record.id] = display_name(target, record.data, record.id)
    return names


def _lookup_ids(module: Module, records: list[StoredRecord], schema: OrgSchema) -> list[str]:
    ids: list[str] = []
    for record in records:
        for fld in module.fields:
            value = record.data.get(fld.api_name)
            if fld.data_type == "lookup" and isinstance(value, str):
                ids.append(value)
        for child in record.children:
            child_module = schema.by_module_id.get(child.module_id)
            if child_module is None:
                continue
            for fld in child_module.fields:
                value = child.data.get(fld.api_name)
                if fld.data_type == "lookup" and isinstance(value, str):
                    ids.append(value)
    return ids


@dataclass(frozen=True, slots=True)
class ListParams:
    fields: list[str]
    ids: tuple[str, ...] | None
    sort_by: str
    descending: bool
    page: int
    per_page: int
    page_token: str | None
    approved: bool | None
    converted: bool | None


def parse_list_params(module: Module, params: dict[str, str]) -> ListParams:
    raw_fields = params.get("fields")
    if raw_fields is None or not raw_fields.strip():
        raise RequiredParamMissing(details={"param_name": "fields"})
    fields = [f.strip() for f in raw_fields.split(",") if f.strip()]
    if len(fields) > MAX_FIELDS:
        raise LimitExceeded(details={"limit": MAX_FIELDS, "param_name": "fields"})
    ids: tuple[str, ...] | None = None
    if params.get("ids") is not None:
        parts = [p.strip() for p in params["ids"].split(",")]
        parsed = [parse_id(p) for p in parts]
        if not parts or any(p is None for p in parsed):
            raise InvalidData("the id given seems to be invalid", {"param_name": "ids"})
        if len(parts) > MAX_IDS:
            raise LimitExceeded(details={"limit": MAX_IDS, "param_name": "ids"})
        ids = tuple(p for p in parsed if p is not None)
    sort_by = params.get("sort_by", "id")
    if sort_by not in SORT_COLUMNS:
        raise InvalidData(details={"param_name": "sort_by", "supported_values": list(SORT_COLUMNS)})
    sort_order = params.get("sort_order", "desc")
    if sort_order not in ("asc", "desc"):
        raise InvalidData(details={"param_name": "sort_order", "supported_values": ["asc", "desc"]})
    if "cvid" in params:
        raise InvalidData(details={"param_name": "cvid"})
    page_token = params.get("page_token")
    if page_token is not None and "page" in params:
        raise AmbiguityDuringProcessing(details={"param_name": "page_token"})
    page = positive_param(params, "page", 1)
    per_page = min(positive_param(params, "per_page", 200), 200)
    if page_token is None and page * per_page > DISCRETE_LIMIT:
        raise DiscretePaginationLimitExceeded(details={"limit": DISCRETE_LIMIT})
    approved = _tristate(params, "approved", True)
    converted = _tristate(params, "converted", False) if module.api_name == "Leads" else None
    return ListParams(
        fields, ids, sort_by, sort_order == "desc", page, per_page, page_token, approved, converted
    )


def list_records(
    conn: Connection,
    ident: Identity,
    module: Module,
    params: dict[str, str],
    tokens: PageTokens,
    now: int,
    modified_since: int | None,
) -> tuple[list[dict[str, Any]], dict[str, Any]] | None:
    p = parse_list_params(module, params)
    digest = query_digest(
        {
            "m": module.id,
            "f": p.fields,
            "i": p.ids,
            "s": p.sort_by,
            "d": p.descending,
            "pp": p.per_page,
            "a": p.approved,
            "c": p.converted,
        }
    )
    after: tuple[int, str] | None = None
    page = p.page
    offset = (p.page - 1) * p.per_page
    if p.page_token is not None:
        state = tokens.decode(p.page_token, ident.user.id, digest, now)
        if (state.page - 1) * p.per_page >= TOKEN_LIMIT:
            raise PaginationLimitExceeded(details={"param_name": "page_token"})
        after, page, offset = (state.after_value, state.after_id), state.page, 0
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
    names = display_names(conn, ident.schema, ident.org_id, _lookup_ids(module, rows, ident.schema))
    renderer = Renderer(ident.schema, ident.user, names)
    presenter = Presenter(ident.schema, renderer)
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
    record.children = store.children(conn, ident.org_id, [record.id])
    processes.settle(conn, ident.org_id, [record], now, persist=False)
    ids = _lookup_ids(module, [record], ident.schema)
    names = display_names(conn, ident.schema, ident.org_id, ids)
    names[record.id] = display_name(module, record.data, record.id)
    renderer = Renderer(ident.schema, ident.user, names)
    raw_fields = params.get("fields")
    wanted = [f.strip() for f in raw_fields.split(",") if f.strip()] if raw_fields else None
    out = Presenter(ident.schema, renderer).full_record(module, record, wanted)
    rows = process_store.of_record(conn, ident.org_id, record.id)
    out.update(processes.process_keys(ident.schema, ident.user, module, record, rows))
    return out
