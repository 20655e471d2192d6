"""Get records, pure parts: the list's query parameters and the lookups a page of records names (the reads
themselves: ``service/reads.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zcrm.errors import (
    MSG_INVALID_ID,
    AmbiguityDuringProcessing,
    DiscretePaginationLimitExceeded,
    InvalidData,
    LimitExceeded,
    PaginationLimitExceeded,
    RequiredParamMissing,
)
from zcrm.fields.coerce import POSITIVE_INT, parse_id
from zcrm.fields.render import Renderer
from zcrm.records import notes
from zcrm.records.model import StoredRecord
from zcrm.records.paging import TOKEN_TTL, PageState, PageTokens
from zcrm.schema.model import Module, OrgSchema

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


def tristate(params: dict[str, str], name: str, default: bool | None) -> bool | None:
    raw = params.get(name)
    if raw is None:
        return default
    lowered = raw.lower()
    if lowered not in ("true", "false", "both"):
        raise InvalidData(details={"param_name": name, "supported_values": ["true", "false", "both"]})
    return None if lowered == "both" else lowered == "true"


def sort_params(params: dict[str, str], default: tuple[str, str] = ("id", "desc")) -> tuple[str, bool]:
    """``sort_by`` (``id``, ``Created_Time``, ``Modified_Time``; default ``id``) and whether ``sort_order`` is
    descending (the default); ``default`` is another module's (sort_by, sort_order): notes read oldest first."""
    sort_by = params.get("sort_by", default[0])
    if sort_by not in SORT_COLUMNS:
        raise InvalidData(details={"param_name": "sort_by", "supported_values": list(SORT_COLUMNS)})
    sort_order = params.get("sort_order", default[1])
    if sort_order not in ("asc", "desc"):
        raise InvalidData(details={"param_name": "sort_order", "supported_values": ["asc", "desc"]})
    return sort_by, sort_order == "desc"


def positive_param(params: dict[str, str], name: str, default: int) -> int:
    raw = params.get(name)
    if raw is None:
        return default
    if not POSITIVE_INT.match(raw) or int(raw) < 1:
        raise InvalidData(details={"param_name": name})
    return int(raw)


def lookup_ids(module: Module, records: list[StoredRecord], schema: OrgSchema) -> list[str]:
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


def fields_param(params: dict[str, str]) -> list[str]:
    """``fields``: mandatory, at most 50 (behaviour §5.3)."""
    raw = params.get("fields")
    if raw is None or not raw.strip():
        raise RequiredParamMissing(details={"param_name": "fields"})
    fields = [f.strip() for f in raw.split(",") if f.strip()]
    if len(fields) > MAX_FIELDS:
        raise LimitExceeded(details={"limit": MAX_FIELDS, "param_name": "fields"})
    return fields


def ids_param(params: dict[str, str]) -> tuple[str, ...] | None:
    """``ids`` of a list: each a well-formed id, at most 100; None when not given."""
    if params.get("ids") is None:
        return None
    parsed = [parse_id(p.strip()) for p in params["ids"].split(",")]
    if any(p is None for p in parsed):
        raise InvalidData(MSG_INVALID_ID, {"param_name": "ids"})
    if len(parsed) > MAX_IDS:
        raise LimitExceeded(details={"limit": MAX_IDS, "param_name": "ids"})
    return tuple(p for p in parsed if p is not None)


def page_params(params: dict[str, str]) -> tuple[int, int, str | None]:
    """(``page``, ``per_page``, ``page_token``), checked as behaviour §5.3 says."""
    page_token = params.get("page_token")
    if page_token is not None and "page" in params:
        raise AmbiguityDuringProcessing(details={"param_name": "page_token"})
    page = positive_param(params, "page", 1)
    per_page = min(positive_param(params, "per_page", 200), 200)
    if page_token is None and page * per_page > DISCRETE_LIMIT:
        raise DiscretePaginationLimitExceeded(details={"limit": DISCRETE_LIMIT})
    return page, per_page, page_token


def parse_list_params(module: Module, params: dict[str, str], fields_required: bool = True) -> ListParams:
    """A list's parameters; without ``fields`` and ``fields_required`` false (API versions before v5), every
    field of the module."""
    given = params.get("fields")
    if not fields_required and (given is None or not given.strip()):
        fields = [f.api_name for f in module.fields]
    else:
        fields = fields_param(params)
    ids = ids_param(params)
    sort_by, descending = sort_params(params, notes.ORDER if notes.is_notes(module) else ("id", "desc"))
    if "cvid" in params:
        raise InvalidData(details={"param_name": "cvid"})
    page, per_page, page_token = page_params(params)
    approved = tristate(params, "approved", True)
    converted = tristate(params, "converted", False) if module.api_name == "Leads" else None
    return ListParams(fields, ids, sort_by, descending, page, per_page, page_token, approved, converted)


def page_start(
    tokens: PageTokens, page_token: str | None, user_id: str, digest: str, now: int, page: int, per_page: int
) -> tuple[tuple[int, str] | None, int, int]:
    """Where a page starts: (the keyset ``after`` of ``page_token``'s page or None, the page number, the offset)."""
    if page_token is None:
        return None, page, (page - 1) * per_page
    state = tokens.decode(page_token, user_id, digest, now)
    if (state.page - 1) * per_page >= TOKEN_LIMIT:
        raise PaginationLimitExceeded(details={"param_name": "page_token"})
    return (state.after_value, state.after_id), state.page, 0


def page_info(
    tokens: PageTokens,
    renderer: Renderer,
    following: PageState | None,
    per_page: int,
    count: int,
    page: int,
    page_token: str | None,
) -> dict[str, Any]:
    """A sub-list's ``info`` (zoho-v5-related.md §3.1): ``following`` is the next page's token state, None when
    this page is the last."""
    return {
        "per_page": per_page,
        "next_page_token": None if following is None else tokens.encode(following),
        "count": count,
        "page": page,
        "previous_page_token": page_token,
        "page_token_expiry": None if following is None else renderer.datetime(following.issued + TOKEN_TTL),
        "more_records": following is not None,
    }
