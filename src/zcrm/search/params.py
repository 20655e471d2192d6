"""The query parameters of Search Records (zoho-v5-queries.md §2.2, §2.8), checked in the documented order:
``page``, ``per_page``, ``sort_by``, ``sort_order``, ``converted``, ``approved``, ``fields``, ``cvid``, then the
search parameter (the first non-empty of ``criteria``, ``email``, ``phone``, ``word``); the 2,000-record limit
comes after the criteria's own checks (``check_reach``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from zcrm.errors import ExpectedParamMissing, InvalidData, LimitExceeded, SearchLimitReached
from zcrm.records.reads import MAX_FIELDS, positive_param, sort_params, tristate
from zcrm.schema.model import Module

SEARCH_LIMIT = 2000  # the matching records a search reaches
KINDS = ("criteria", "email", "phone", "word")  # the search parameters, in the order one is chosen
_PHONE = re.compile(r"[+]?[0-9\s\-().]+")


@dataclass(frozen=True, slots=True)
class SearchParams:
    page: int
    per_page: int
    sort_by: str  # id | Created_Time | Modified_Time
    descending: bool
    converted: bool | None  # Leads only (None: both, or another module)
    approved: bool | None
    fields: tuple[str, ...] | None  # None: every field
    kind: str  # criteria | email | phone | word
    value: str


def parse_search_params(module: Module, params: dict[str, str]) -> SearchParams:
    page = positive_param(params, "page", 1)
    per_page = min(positive_param(params, "per_page", 200), 200)
    sort_by, descending = sort_params(params)
    converted = tristate(params, "converted", False)
    approved = tristate(params, "approved", True)
    fields = None
    if params.get("fields", "").strip():
        fields = tuple(f.strip() for f in params["fields"].split(",") if f.strip())
        if len(fields) > MAX_FIELDS:
            raise LimitExceeded(details={"limit": MAX_FIELDS, "param_name": "fields"})
    if "cvid" in params:
        raise InvalidData(details={"param_name": "cvid"})
    kind = next((name for name in KINDS if params.get(name)), None)
    if kind is None:
        raise ExpectedParamMissing(details={"param_name": "criteria"})
    value = params[kind]
    if kind == "phone" and (len(value) < 3 or not _PHONE.fullmatch(value)):
        raise InvalidData(details={"param_name": "phone"})
    if kind == "word" and len(value) < 2:
        raise InvalidData("provide atleast 2 letters for search", {"param_name": "word"})
    return SearchParams(
        page,
        per_page,
        sort_by,
        descending,
        converted if module.api_name == "Leads" else None,
        approved,
        fields,
        kind,
        value,
    )


def check_reach(params: SearchParams) -> None:
    """A page starting past the first 2,000 matches is refused before searching (checked after the search
    parameter itself)."""
    if (params.page - 1) * params.per_page >= SEARCH_LIMIT:
        raise SearchLimitReached(details={"limit": str(SEARCH_LIMIT)})
