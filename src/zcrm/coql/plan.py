"""A parsed COQL query checked against the org's schema (zoho-v5-queries.md §3.3 to §3.7), in query order: select
columns, joins, where, group by, order by, limit and offset. The result (``Plan``) is what ``store/coql.py`` compiles:
the module, the columns with their answer keys, the typed where, the groups, the sort and the page."""

from __future__ import annotations

import re
from dataclasses import dataclass

from zcrm.coql.parse import Call, Column, Expr, Literal, Path, Query
from zcrm.coql.refs import UNSELECTABLE, Ref, check_relations, resolve, unsupported
from zcrm.coql.where import Both, Test, check_where, tests
from zcrm.errors import (
    MSG_INVALID_QUERY,
    DuplicateAlias,
    DuplicateData,
    InvalidAlias,
    InvalidData,
    InvalidQuery,
    LimitExceeded,
)
from zcrm.schema.model import Module, OrgSchema

MAX_COLUMNS = 50
MAX_AGGREGATES = 5
MAX_GROUP_BY = 4
MAX_ORDER_BY = 10
DEFAULT_LIMIT = 200
MAX_LIMIT = 2000
MAX_REACH = 10_000  # offset + limit
NUMBERS = frozenset({"integer", "bigint", "double", "currency", "decimal", "percent"})
AGGREGATES: dict[str, frozenset[str]] = {  # function -> the types it takes
    "COUNT": NUMBERS | {"lookup", "ownerlookup", "userlookup", "picklist", "id"},
    "SUM": NUMBERS,
    "AVG": NUMBERS,
    "MIN": NUMBERS | {"date", "datetime"},
    "MAX": NUMBERS | {"date", "datetime"},
}
_COUNT = re.compile(r"[0-9]+")


@dataclass(frozen=True, slots=True)
class Selected:
    key: str  # the answer's key: the alias, else the column as written
    ref: Ref
    function: str | None  # an aggregate, or None


@dataclass(frozen=True, slots=True)
class Sort:
    ref: Ref
    function: str | None
    descending: bool


@dataclass(frozen=True, slots=True)
class Plan:
    module: Module
    columns: tuple[Selected, ...]
    where: Test | Both
    group_by: tuple[Ref, ...]
    order_by: tuple[Sort, ...]
    limit: int
    offset: int

    @property
    def grouped(self) -> bool:
        """Whether rows are groups (aggregates or GROUP BY) rather than records."""
        return bool(self.group_by) or any(c.function for c in self.columns)

    @property
    def refs(self) -> list[Ref]:
        return [
            *(c.ref for c in self.columns),
            *(t.ref for t in tests(self.where)),
            *self.group_by,
            *(s.ref for s in self.order_by),
        ]


def _selected(schema: OrgSchema, module: Module, column: Column) -> Selected:
    expr = column.expr
    if isinstance(expr, Call):
        if expr.function not in AGGREGATES:
            details = {"reason": "unsupported aggregate function", "column": expr.text}
            raise InvalidData(details=details)
        ref = resolve(schema, module, expr.path)
        if ref.kind not in AGGREGATES[expr.function]:
            raise unsupported(ref.text, ref.kind)
        return Selected(column.alias or expr.text, ref, expr.function)
    ref = resolve(schema, module, expr)
    if ref.kind in UNSELECTABLE:
        raise unsupported(ref.text, ref.kind)
    return Selected(column.alias or expr.text, ref, None)


def _columns(schema: OrgSchema, module: Module, columns: tuple[Column, ...]) -> tuple[Selected, ...]:
    if len(columns) > MAX_COLUMNS:
        raise LimitExceeded(details={"limit": MAX_COLUMNS, "param_name": "select_columns"})
    if sum(isinstance(c.expr, Call) for c in columns) > MAX_AGGREGATES:
        raise LimitExceeded(details={"limit": MAX_AGGREGATES, "param_name": "aggregates"})
    selected: list[Selected] = []
    for column in columns:
        one = _selected(schema, module, column)
        for earlier in selected:
            if (earlier.ref.text, earlier.function) != (one.ref.text, one.function):
                continue
            if one.function is None:
                raise DuplicateData("duplicate select column", {"column_name": one.ref.text})
            twice = {"column_name": one.ref.text, "aggregate": one.function}
            raise DuplicateData("duplicate aggregate function", twice)
        selected.append(one)
    aliases: dict[str, str] = {}
    for column in columns:
        if column.alias is None:
            continue
        written = column.expr.text
        if column.alias == "":
            raise InvalidAlias(details={"column_name": written, "alias": ""})
        if column.alias in aliases:
            details: dict[str, object] = {
                "referred_columns": [aliases[column.alias], written],
                "alias": column.alias,
            }
            raise DuplicateAlias(details=details)
        aliases[column.alias] = written
    return tuple(selected)


def _no_duplicates(texts: list[str]) -> None:
    seen: set[str] = set()
    for text in texts:
        if text in seen:
            raise DuplicateData(details={"column_name": text})
        seen.add(text)


def _not_grouped(text: str) -> InvalidQuery:
    return InvalidQuery(MSG_INVALID_QUERY, {"reason": "column not in group by", "column_name": text})


def _group_by(schema: OrgSchema, module: Module, paths: tuple[Path, ...]) -> tuple[Ref, ...]:
    if len(paths) > MAX_GROUP_BY:
        raise LimitExceeded(details={"limit": MAX_GROUP_BY, "param_name": "group_by"})
    _no_duplicates([p.text for p in paths])
    refs = tuple(resolve(schema, module, p) for p in paths)
    for ref in refs:
        if ref.kind in UNSELECTABLE:
            raise unsupported(ref.text, ref.kind)
    return refs


def _sort(
    schema: OrgSchema, module: Module, expr: Expr, descending: bool, columns: tuple[Selected, ...]
) -> Sort:
    if isinstance(expr, Path) and len(expr.names) == 1:
        aliased = next((c for c in columns if c.key == expr.names[0] and c.key != c.ref.text), None)
        if aliased is not None:  # an alias names its column
            return Sort(aliased.ref, aliased.function, descending)
    if isinstance(expr, Call):
        one = _selected(schema, module, Column(expr, None))
        return Sort(one.ref, one.function, descending)
    ref = resolve(schema, module, expr)
    if ref.kind in UNSELECTABLE:
        raise unsupported(ref.text, ref.kind)
    return Sort(ref, None, descending)


def _page(limit: Literal | None, offset: Literal | None, max_limit: int, max_reach: int) -> tuple[int, int]:
    count = DEFAULT_LIMIT
    if limit is not None:
        if limit.quoted or not _COUNT.fullmatch(limit.text):
            raise InvalidQuery("limit given seems to be invalid", {"limit": limit.text})
        count = int(limit.text)
        if count == 0:
            raise InvalidData("limit should be greater than 0")
        if count > max_limit:
            raise LimitExceeded(details={"limit": max_limit, "param_name": "limit"})
    skip = 0
    if offset is not None:
        if offset.quoted or not _COUNT.fullmatch(offset.text):
            raise InvalidQuery("offset given seems to be invalid", {"offset": offset.text})
        skip = int(offset.text)
    if skip + count > max_reach:
        raise LimitExceeded(details={"limit": max_reach, "param_name": "offset"})
    return count, skip


def plan(
    schema: OrgSchema,
    module: Module,
    query: Query,
    time_zone: str,
    max_limit: int = MAX_LIMIT,
    max_reach: int = MAX_REACH,
) -> Plan:
    """The query checked in order; the first failure answers (400, zoho-v5-queries.md §3.3 to §3.7). ``max_limit``
    and ``max_reach`` are the API version's (zcrm/versions.py); the defaults are v5's."""
    columns = _columns(schema, module, query.columns)
    check_relations([c.ref for c in columns])
    where = check_where(schema, module, query.where, time_zone)
    group_by = _group_by(schema, module, query.group_by)
    if len(query.order_by) > MAX_ORDER_BY:
        raise LimitExceeded(details={"limit": MAX_ORDER_BY, "param_name": "order_by"})
    order_by = tuple(_sort(schema, module, o.expr, o.descending, columns) for o in query.order_by)
    _no_duplicates([s.ref.text if s.function is None else f"{s.function}({s.ref.text})" for s in order_by])
    limit, offset = _page(query.limit, query.offset, max_limit, max_reach)
    result = Plan(module, columns, where, group_by, order_by, limit, offset)
    check_relations(result.refs)
    if result.grouped:
        grouped = {ref.text for ref in group_by}
        for ref, function in [
            *((c.ref, c.function) for c in columns),
            *((s.ref, s.function) for s in order_by),
        ]:
            if function is None and ref.text not in grouped:
                raise _not_grouped(ref.text)
    return result
