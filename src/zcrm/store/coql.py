"""A checked COQL query (``coql/plan.py``) as one SQL statement over ``records`` and its lookups' records, every
value, field name and JSON path a bound parameter (zoho-v5-queries.md §3.4 to §3.7). SQLite and PostgreSQL.

Values are read where they are stored (docs/architecture.md, "Stored value forms"; ``store/search.py``): the audit
fields and the owner in columns, the rest in the ``data`` JSON. Each lookup a path walks is a ``LEFT JOIN`` of
``records`` on the lookup's id (at most two). Text compares and sorts ignoring case; a multi-select picklist is its
values joined by ``;``; a null value matches only ``is null``; nulls sort first ascending and last descending.
Record queries answer the base records (``Found.records``); grouped queries answer one tuple per group, the group-by
values then the aggregates, as the database returns them (``Found.groups``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, text

from zcrm.coql.plan import NUMBERS, Plan, Sort
from zcrm.coql.refs import Ref
from zcrm.coql.where import TEXTS, Both, Test
from zcrm.store.binds import Binds
from zcrm.store.records import _COLUMNS, StoredRecord, _from_row
from zcrm.store.search import COLUMNS, key_counter
from zcrm.store.search import Compiler as SearchCompiler

NOT_NULL = frozenset({"Created_Time", "Modified_Time", "Created_By", "Modified_By"})  # NOT NULL columns
KEYED = {  # comparators a search key answers (store/keys.py), as Search names them
    "=": "equals",
    "in": "in",
    ">": "greater_than",
    ">=": "greater_equal",
    "<": "less_than",
    "<=": "less_equal",
    "between": "between",
}
COMPARE = {"=": "=", "!=": "<>", ">": ">", ">=": ">=", "<": "<", "<=": "<="}
INTEGERS = frozenset({"integer", "bigint", "datetime"})
RECORD_COLUMNS = ", ".join(f"records.{c.strip()}" for c in _COLUMNS.split(","))


@dataclass(frozen=True, slots=True)
class Visibility:
    """The base records a caller may see: approved ones, of ``owners`` only when given, Leads by conversion."""

    org_id: str
    owners: frozenset[str] | None
    converted: bool | None


@dataclass(frozen=True, slots=True)
class Found:
    records: list[StoredRecord]
    groups: list[tuple[Any, ...]]
    more: bool


class Compiler(Binds):
    def __init__(self, dialect: str, keys: SearchCompiler | None = None) -> None:
        super().__init__(dialect, "c")
        self.keys = keys  # the base module's search keys, binding into these params
        if keys is not None:
            keys.params = self.params
        self.grouping = False  # rows are groups: sort by grouped expressions
        self.joins: dict[tuple[str, ...], str] = {}  # relation -> table alias
        self._join_sql: list[str] = []
        self._exprs: dict[tuple[str, str, str], str] = {}  # one SQL text per value, so GROUP BY matches it
        self._paths: dict[str, str] = {}  # api name -> its bound JSON path (SQLite) or key (PostgreSQL)

    # -- where a value is --------------------------------------------------------------------------------------
    def _lookup_id(self, alias: str, api_name: str) -> str:
        return self._data(alias, api_name, "scalar")

    def table(self, ref: Ref) -> str:
        """The table alias holding the ref's record (joining the lookups it walks)."""
        alias, names = "records", tuple[str, ...]()
        for step in ref.steps:
            names = (*names, step.api_name)
            joined = self.joins.get(names)
            if joined is None:
                joined = self.joins[names] = f"j{len(self.joins)}"
                on = self._lookup_id(alias, step.api_name)
                self._join_sql.append(
                    f"LEFT JOIN records AS {joined} ON {joined}.org_id = records.org_id AND {joined}.id = {on}"
                )
            alias = joined
        return alias

    def _path(self, api_name: str) -> str:
        bound = self._paths.get(api_name)
        if bound is None:
            bound = self._paths[api_name] = self.bind(api_name if self.postgres else f'$."{api_name}"')
        return bound

    def _data(self, alias: str, api_name: str, form: str) -> str:
        key = (alias, api_name, form)
        expr = self._exprs.get(key)
        if expr is None:
            if self.postgres:
                operator = "->>" if form == "scalar" else "->"
                expr = f"({alias}.data::jsonb {operator} {self._path(api_name)})"
            else:
                expr = f"json_extract({alias}.data, {self._path(api_name)})"
            self._exprs[key] = expr
        return expr

    def raw(self, ref: Ref) -> str:
        """The ref's value as stored: a column, else a JSON value as text (PostgreSQL) or typed (SQLite); arrays as
        JSON text."""
        alias = self.table(ref)
        if ref.field is None:
            return f"{alias}.id"
        column = COLUMNS.get(ref.field.api_name)
        if column is not None:
            return f"{alias}.{column}"
        if ref.kind == "multiselectpicklist":
            json = self._data(alias, ref.field.api_name, "json")
            return f"CAST({json} AS TEXT)" if self.postgres else json
        return self._data(alias, ref.field.api_name, "scalar")

    def joined(self, ref: Ref) -> str:
        """A multi-select picklist's values joined by ``;`` in stored order (NULL for none)."""
        assert ref.field is not None
        alias = self.table(ref)
        json = self._data(alias, ref.field.api_name, "json")
        if self.postgres:
            array = f"CASE WHEN jsonb_typeof({json}) = 'array' THEN {json} END"
            return (
                f"(SELECT string_agg(e.v, ';' ORDER BY e.n) FROM jsonb_array_elements_text({array})"
                " WITH ORDINALITY AS e(v, n))"
            )
        return f"(SELECT group_concat(e.value, ';') FROM json_each({alias}.data, {self._path(ref.field.api_name)}) AS e)"

    def value(self, ref: Ref) -> str:
        """The ref's value as it is compared: text as stored, numbers as numbers."""
        if ref.kind == "multiselectpicklist":
            return self.joined(ref)
        expr = self.raw(ref)
        if ref.kind not in NUMBERS and ref.kind != "datetime":
            return expr
        if ref.field is not None and ref.field.api_name in COLUMNS:
            return expr
        if self.postgres:
            return f"({expr})::numeric"
        return f"CAST({expr} AS {'INTEGER' if ref.kind in INTEGERS else 'REAL'})"

    def sort_key(self, ref: Ref) -> str:
        if self.grouping and ref.kind == "multiselectpicklist":
            return self.raw(ref)  # a group's own value (PostgreSQL sorts groups by grouped expressions only)
        expr = self.value(ref)
        if ref.kind in TEXTS:
            return self.lower(expr)
        if ref.kind == "boolean" and self.postgres:
            return f"({expr})::boolean"
        return expr

    # -- where --------------------------------------------------------------------------------------------------
    def test(self, test: Test) -> str:
        """The comparison; on a field of the base module that has search keys, the records its key finds first."""
        exact = self._exact(test)
        ref, op = test.ref, test.operator
        if self.keys is None or ref.steps or ref.field is None:
            return exact
        values = list(test.values)
        pattern = str(values[0]) if op == "like" else ""
        if op == "like" and pattern.endswith("%") and "%" not in pattern[:-1]:
            keyed = self.keys.keyed(ref.field, "starts_with", [pattern[:-1]])
        elif op == "like" and "%" not in pattern:
            keyed = self.keys.keyed(ref.field, "equals", [pattern])
        elif op in KEYED:
            keyed = self.keys.keyed(ref.field, KEYED[op], values)
        else:
            keyed = None
        return exact if keyed is None else f"({keyed} AND {exact})"

    def _exact(self, test: Test) -> str:
        value, op, values = self.value(test.ref), test.operator, list(test.values)
        if op == "is null":
            return f"({value} IS NULL)"
        known = f"{value} IS NOT NULL"
        if op == "is not null":
            return f"({known})"
        kind = test.ref.kind
        if kind in TEXTS:
            value = self.lower(value)
            if op in ("like", "not like"):
                return f"({known} AND {self._like(value, str(values[0]), op == 'not like')})"
            values = [str(v) for v in values]
            binds = [self.lower(self.bind(v)) for v in values]
        elif kind == "boolean":
            wanted = bool(values[0])
            binds = [self.bind(("true" if wanted else "false") if self.postgres else int(wanted))]
        else:
            binds = [self.bind(v.isoformat() if hasattr(v, "isoformat") else v) for v in values]
        if op in ("between", "not between"):
            negation = "NOT " if op == "not between" else ""
            return f"({known} AND {value} {negation}BETWEEN {binds[0]} AND {binds[1]})"
        if op in ("in", "not in"):
            negation = "NOT " if op == "not in" else ""
            return f"({known} AND {value} {negation}IN ({', '.join(binds)}))"
        return f"({known} AND {value} {COMPARE[op]} {binds[0]})"

    def _like(self, value: str, pattern: str, negated: bool) -> str:
        """``like`` with ``%`` as any run of characters: no ``%`` is equality, ``x%`` a prefix, else SQL LIKE with
        ``_`` and ``\\`` escaped."""
        lowered = pattern.lower()
        if "%" not in pattern:
            test = f"{value} = {self.bind(lowered)}"
        elif lowered.endswith("%") and "%" not in lowered[:-1]:
            prefix = self.bind(lowered[:-1])
            test = f"substr({value}, 1, length({prefix})) = {prefix}"
        else:
            escaped = lowered.replace("\\", "\\\\").replace("_", "\\_")
            test = f"{value} LIKE {self.bind(escaped)} ESCAPE '\\'"
        return f"NOT {test}" if negated else test

    def where(self, node: Test | Both) -> str:
        if isinstance(node, Test):
            return self.test(node)
        joiner = " AND " if node.connector == "and" else " OR "
        return f"({self.where(node.left)}{joiner}{self.where(node.right)})"

    # -- select ---------------------------------------------------------------------------------------------------
    def aggregate(self, function: str, ref: Ref) -> str:
        if function == "COUNT":
            return f"COUNT({self.raw(ref)})"
        if function == "SUM" and ref.kind == "bigint" and not self.postgres:
            return f"zcrm_sum({self.value(ref)})"  # SQLite's SUM raises past 64 bits
        return f"{function}({self.value(ref)})"

    def order(self, sort: Sort) -> str:
        if sort.function is not None:
            return self._direction(self.aggregate(sort.function, sort.ref), sort.descending)
        never_null = not sort.ref.steps and (sort.ref.field is None or sort.ref.field.api_name in NOT_NULL)
        return self._direction(self.sort_key(sort.ref), sort.descending, never_null)

    def _direction(self, expr: str, descending: bool, never_null: bool = False) -> str:
        """``expr`` sorted with nulls first ascending and last descending (PostgreSQL says so, which an index on a
        column that is never null would not serve: such a column sorts plainly)."""
        if not self.postgres or never_null:
            return f"{expr} {'DESC' if descending else 'ASC'}"
        return f"{expr} {'DESC NULLS LAST' if descending else 'ASC NULLS FIRST'}"

    def from_clause(self) -> str:
        return " ".join(["records", *self._join_sql])


def _base(compiler: Compiler, plan: Plan, seen: Visibility) -> str:
    where = [
        f"records.org_id = {compiler.bind(seen.org_id)}",
        f"records.module_id = {compiler.bind(plan.module.id)}",
        "records.parent_id IS NULL",
        "records.approval_state = 'approved'",
    ]
    if seen.converted is not None:
        where.append(f"records.converted = {compiler.bind(seen.converted)}")
    if seen.owners is not None:
        where.append("records.owner_id IN :owners")
    return " AND ".join(where)


def run(conn: Connection, plan: Plan, seen: Visibility) -> Found:
    """The page of the query's rows, and whether more follow."""
    dialect = conn.dialect.name
    keys = SearchCompiler(dialect, lambda field, name: [], seen.org_id, plan.module.id, key_counter(conn))
    compiler = Compiler(dialect, keys)
    compiler.grouping = plan.grouped
    base = _base(compiler, plan, seen)
    condition = compiler.where(plan.where)
    orders = [compiler.order(s) for s in plan.order_by]
    if plan.grouped:
        groups = [compiler.raw(ref) for ref in plan.group_by]
        selected = [*groups, *(compiler.aggregate(c.function, c.ref) for c in plan.columns if c.function)]
        orders += [compiler._direction(compiler.sort_key(ref), False) for ref in plan.group_by]
        orders += [compiler._direction(g, False) for g in groups]
        grouping = f" GROUP BY {', '.join(groups)}" if groups else " HAVING COUNT(*) > 0"  # no record: no row
        head = f"SELECT {', '.join(selected)}"
    else:
        orders.append("records.id ASC")
        grouping, head = "", f"SELECT {RECORD_COLUMNS}"
    order = f" ORDER BY {', '.join(orders)}" if orders else ""
    sql = (
        f"{head} FROM {compiler.from_clause()} WHERE {base} AND {condition}{grouping}{order}"
        f" LIMIT {compiler.bind(plan.limit + 1)} OFFSET {compiler.bind(plan.offset)}"
    )
    params = compiler.params
    stmt = text(sql)
    if seen.owners is not None:
        stmt = stmt.bindparams(bindparam("owners", expanding=True))
        params["owners"] = sorted(seen.owners)
    rows = list(conn.execute(stmt, params))
    more = len(rows) > plan.limit
    rows = rows[: plan.limit]
    if plan.grouped:
        return Found([], [tuple(r) for r in rows], more)
    return Found([_from_row(r) for r in rows], [], more)
