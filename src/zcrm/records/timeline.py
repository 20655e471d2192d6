"""The Timeline API's engine (no I/O): its parameters and filters, its page tokens, and change events rendered as
timeline entries (docs/timeline.md).

A change event (``store/changes.py``) becomes one entry: ``insert`` is ``added``, ``update`` is ``updated`` with
one ``field_history`` item per field the write changed, ``delete`` is ``deleted``, ``restore`` (a record back from
the recycle bin) is ``restored``. Values in ``field_history`` are strings, as Zoho sends them: datetimes in the
reader's time zone, users and lookups by name, other values as the record JSON would show them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from zcrm.errors import AmbiguityDuringProcessing, InvalidData, RequiredParamMissing, TokenBoundDataMismatch
from zcrm.fields.coerce import POSITIVE_INT, parse_datetime, parse_id
from zcrm.fields.render import Renderer
from zcrm.records.changes import ChangeFilter, Constant, Group, StoredChange, TimeBetween, UserIn
from zcrm.records.paging import PageState, PageTokens, query_digest
from zcrm.records.present import display_name
from zcrm.records.reads import positive_param
from zcrm.schema.model import ROW_TYPES, Field, Module, User

MAX_PER_PAGE = 200
SOURCE = "crm_api"  # every change zcrm records comes through the API
ACTIONS = {"insert": "added", "update": "updated", "delete": "deleted", "restore": "restored"}
INNER_DETAILS = (
    "field_history.data_type",
    "field_history.field_label",
    "field_history.enable_colour_code",
    "field_history.pick_list_values",
    "done_by.type__s",
    "done_by.profile",
)
INCLUDES = ("extension", "type")
TIMELINE_TYPES = ("signals",)
FILTER_FIELDS = ("record.module.api_name", "source", "audited_time", "done_by.id")
MAX_FILTER_DEPTH = 5


@dataclass(frozen=True, slots=True)
class TimelineParams:
    descending: bool
    page: int
    per_page: int
    page_token: str | None
    filters: str | None  # the raw parameter, part of what a page token is bound to
    where: ChangeFilter | None
    inner: frozenset[str]
    include: frozenset[str]


def _list_param(params: dict[str, str], name: str, allowed: tuple[str, ...]) -> frozenset[str]:
    raw = params.get(name)
    if raw is None:
        return frozenset()
    values = frozenset(v.strip() for v in raw.split(",") if v.strip())
    if not values or not values <= set(allowed):
        raise InvalidData(details={"param_name": name, "supported_values": list(allowed)})
    return values


def parse_params(params: dict[str, str], module: Module) -> TimelineParams:
    sort_by = params.get("sort_by", "audited_time")
    if sort_by != "audited_time":
        raise InvalidData(details={"param_name": "sort_by", "supported_values": ["audited_time"]})
    sort_order = params.get("sort_order", "desc")
    if sort_order not in ("asc", "desc"):
        raise InvalidData(details={"param_name": "sort_order", "supported_values": ["asc", "desc"]})
    page_token = params.get("page_token")
    if page_token is not None and ("per_page" in params or "page" in params):
        # the page size is the first page's, carried by the token (Zoho: per_page is for the first page only)
        raise AmbiguityDuringProcessing(details={"param_name": "page_token"})
    page = positive_param(params, "page", 1)
    per_page = min(positive_param(params, "per_page", MAX_PER_PAGE), MAX_PER_PAGE)
    inner = _list_param(params, "include_inner_details", INNER_DETAILS)
    include = _list_param(params, "include", INCLUDES)
    if _list_param(params, "include_timeline_type", TIMELINE_TYPES) and not include:
        raise RequiredParamMissing(details={"param_name": "include"})
    raw_filters = params.get("filters")
    where = parse_filters(raw_filters, module) if raw_filters is not None else None
    return TimelineParams(
        sort_order == "desc", page, per_page, page_token, raw_filters, where, inner, include
    )


# -- filters -------------------------------------------------------------------------------------------------------


def _bad_filter() -> InvalidData:
    return InvalidData(details={"param_name": "filters"})


def _strings(comparator: str, value: Any) -> list[str]:
    """The value of an ``equal`` (one string) or ``in`` (a non-empty list of strings) condition."""
    values = [value] if comparator == "equal" else value
    if not isinstance(values, list) or not values or not all(isinstance(v, str | int) for v in values):
        raise _bad_filter()
    return [str(v) for v in values]


def _condition(node: dict[str, Any], module: Module) -> ChangeFilter:
    field = node.get("field")
    api_name = field.get("api_name") if isinstance(field, dict) else None
    comparator = node.get("comparator")
    value = node.get("value")
    if api_name not in FILTER_FIELDS:
        raise _bad_filter()
    if api_name == "audited_time":
        if comparator != "between" or not isinstance(value, list) or len(value) != 2:
            raise _bad_filter()
        bounds = [parse_datetime(v) if isinstance(v, str) else None for v in value]
        if bounds[0] is None or bounds[1] is None:
            raise _bad_filter()
        return TimeBetween(bounds[0], bounds[1])
    if comparator not in ("equal", "in"):
        raise _bad_filter()
    values = _strings(comparator, value)
    if api_name == "done_by.id":
        user_ids = [parse_id(v) for v in values]
        if any(u is None for u in user_ids):
            raise _bad_filter()
        return UserIn(tuple(u for u in user_ids if u is not None))
    if api_name == "source":
        return Constant(SOURCE in values)
    # record.module.api_name: every entry here is about the record itself, so of the timeline's module
    return Constant(module.api_name.lower() in {v.lower() for v in values})


def _filter_node(node: Any, module: Module, depth: int) -> ChangeFilter:
    if not isinstance(node, dict) or depth > MAX_FILTER_DEPTH:
        raise _bad_filter()
    if "group" in node or "group_operator" in node:
        operator = node.get("group_operator")
        group = node.get("group")
        if not isinstance(operator, str) or operator.upper() not in ("AND", "OR"):
            raise _bad_filter()
        if not isinstance(group, list) or not group:
            raise _bad_filter()
        return Group(operator.upper(), tuple(_filter_node(item, module, depth + 1) for item in group))
    return _condition(node, module)


def parse_filters(raw: str, module: Module) -> ChangeFilter:
    """The ``filters`` parameter (a JSON condition or group, behaviour in docs/timeline.md) as a filter tree."""
    try:
        node = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise _bad_filter() from None
    return _filter_node(node, module, 0)


# -- paging --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Position:
    page: int
    per_page: int
    offset: int
    after: tuple[int, str] | None  # keyset (time, id) of the last change of the previous page


def _digest(module: Module, record_id: str, p: TimelineParams, per_page: int) -> str:
    return query_digest(
        {"m": module.id, "r": record_id, "d": p.descending, "f": p.filters, "pp": per_page, "t": "timeline"}
    )


def position(
    p: TimelineParams, tokens: PageTokens, user: User, module: Module, record_id: str, now: int
) -> Position:
    """Where the requested page starts: ``page``/``per_page``, or the page a token points at.

    A timeline token is ``{per_page}.{signed page token}``: the page size is readable before the signature is
    checked, and the signed part's query digest covers it, so a changed size fails the check."""
    if p.page_token is None:
        return Position(p.page, p.per_page, (p.page - 1) * p.per_page, None)
    size, _, signed = p.page_token.partition(".")
    if not POSITIVE_INT.match(size) or not 1 <= int(size) <= MAX_PER_PAGE:
        raise TokenBoundDataMismatch(details={"param_name": "page_token"})
    per_page = int(size)
    state = tokens.decode(signed, user.id, _digest(module, record_id, p, per_page), now)
    return Position(state.page, per_page, 0, (state.after_value, state.after_id))


def next_token(
    p: TimelineParams,
    tokens: PageTokens,
    user: User,
    module: Module,
    record_id: str,
    at: Position,
    last: StoredChange,
    now: int,
) -> str:
    state = PageState(
        user.id, _digest(module, record_id, p, at.per_page), last.time, last.id, at.page + 1, now
    )
    return f"{at.per_page}.{tokens.encode(state)}"


# -- rendering -----------------------------------------------------------------------------------------------------


def lookup_ids(module: Module, changes: list[StoredChange]) -> list[str]:
    """Record ids the changed lookup values point at (old and new), to be named."""
    ids: list[str] = []
    for change in changes:
        for name, pair in change.changed.items():
            fld = module.by_name.get(name)
            if fld is not None and fld.data_type == "lookup" and isinstance(pair, list):
                ids += [v for v in pair if isinstance(v, str)]
    return ids


def _scalar_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return orjson.dumps(value).decode()  # numbers, booleans: as the record JSON shows them


class TimelineRenderer:
    """Renders change events for one reader: ``names`` holds the display names of lookup targets."""

    def __init__(self, renderer: Renderer, module: Module, p: TimelineParams) -> None:
        self.renderer = renderer
        self.schema = renderer.schema
        self.module = module
        self.inner = p.inner
        self.include = p.include

    def value_text(self, fld: Field, stored: Any) -> str | None:
        if stored is None:
            return None
        data_type = fld.data_type
        if data_type == "datetime" and isinstance(stored, int):
            return self.renderer.datetime(stored)
        if data_type in ("ownerlookup", "userlookup"):
            user = self.schema.users_by_id.get(stored)
            return user.full_name if user is not None else str(stored)
        if data_type == "lookup":
            return self.renderer.names.get(stored, str(stored))  # a target since deleted keeps its id
        if data_type == "layout":
            ref = self.renderer.value(fld, stored)
            return str(ref["name"]) if isinstance(ref, dict) else str(stored)
        if isinstance(stored, list):
            return ", ".join(_scalar_text(v) for v in stored)
        return _scalar_text(stored)

    def done_by(self, user_id: str) -> dict[str, Any]:
        user = self.schema.users_by_id.get(user_id)
        out: dict[str, Any] = {}
        if "done_by.profile" in self.inner:
            profile = self.schema.profiles_by_id.get(user.profile_id) if user is not None else None
            out["profile"] = None if profile is None else {"name": profile.name, "id": profile.id}
        out["name"] = user.full_name if user is not None else None
        out["id"] = user_id
        if "done_by.type__s" in self.inner:
            out["type__s"] = "regular user"
        return out

    def field_entry(self, fld: Field, old: Any, new: Any) -> dict[str, Any]:
        inner = self.inner
        out: dict[str, Any] = {"api_name": fld.api_name}
        if "field_history.field_label" in inner:
            out["field_label"] = fld.field_label
        if "field_history.enable_colour_code" in inner:
            out["enable_colour_code"] = False
        if "field_history.data_type" in inner:
            out["data_type"] = fld.data_type
        out["_value"] = {"new": self.value_text(fld, new), "old": self.value_text(fld, old)}
        out["id"] = fld.id
        if "field_history.pick_list_values" in inner:
            out["pick_list_values"] = [
                {
                    "display_value": v.display_value,
                    "sequence_number": v.sequence_number,
                    "colour_code": None,
                    "actual_value": v.actual_value,
                    "id": v.id,
                    "type": "used",
                }
                for v in fld.pick_list_values
            ]
        return out

    def field_history(self, change: StoredChange) -> list[dict[str, Any]] | None:
        """One item per plain field the update changed, in the module's field order. Row fields (subforms,
        multi-select lookups, uploads) are left out: the change log keeps only their row ids."""
        if change.operation != "update":
            return None
        items = []
        for fld in self.module.fields:
            pair = change.changed.get(fld.api_name)
            if fld.data_type in ROW_TYPES or not isinstance(pair, list) or len(pair) != 2:
                continue
            items.append(self.field_entry(fld, pair[0], pair[1]))
        return items

    def entry(self, change: StoredChange) -> dict[str, Any]:
        module = self.module
        data = change.after if change.after is not None else change.before or {}
        out: dict[str, Any] = {"done_by": self.done_by(change.user_id)}
        if "extension" in self.include:
            out["extension"] = None
        out["related_record"] = None
        out["automation_details"] = None
        out["record"] = {
            "module": {"api_name": module.api_name, "id": module.id},
            "name": display_name(module, data, change.record_id),
            "id": change.record_id,
        }
        out["audited_time"] = self.renderer.datetime(change.time)
        out["action"] = ACTIONS.get(change.operation, change.operation)
        out["id"] = change.id
        out["source"] = SOURCE
        if "type" in self.include:
            out["type"] = "timeline"
        out["field_history"] = self.field_history(change)
        return out


def info(
    at: Position, count: int, more: bool, next_page_token: str | None, page_token: str | None
) -> dict[str, Any]:
    return {
        "per_page": at.per_page,
        "next_page_token": next_page_token,
        "count": count,
        "page": at.page,
        "previous_page_token": page_token,
        "more_records": more,
    }
