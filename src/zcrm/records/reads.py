"""Get records, pure parts: the list's query parameters and the lookups a page of records names (the reads
themselves: ``service/reads.py``)."""

from __future__ import annotations

from dataclasses import dataclass

from zcrm.errors import (
    AmbiguityDuringProcessing,
    DiscretePaginationLimitExceeded,
    InvalidData,
    LimitExceeded,
    RequiredParamMissing,
)
from zcrm.fields.coerce import POSITIVE_INT, parse_id
from zcrm.records import notes
from zcrm.records.model import StoredRecord
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
    sort_by, descending = sort_params(params, notes.ORDER if notes.is_notes(module) else ("id", "desc"))
    if "cvid" in params:
        raise InvalidData(details={"param_name": "cvid"})
    page_token = params.get("page_token")
    if page_token is not None and "page" in params:
        raise AmbiguityDuringProcessing(details={"param_name": "page_token"})
    page = positive_param(params, "page", 1)
    per_page = min(positive_param(params, "per_page", 200), 200)
    if page_token is None and page * per_page > DISCRETE_LIMIT:
        raise DiscretePaginationLimitExceeded(details={"limit": DISCRETE_LIMIT})
    approved = tristate(params, "approved", True)
    converted = tristate(params, "converted", False) if module.api_name == "Leads" else None
    return ListParams(fields, ids, sort_by, descending, page, per_page, page_token, approved, converted)
