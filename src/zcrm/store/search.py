"""Search criteria as SQL over the ``records`` table (zoho-v5-queries.md §2.6): the typed tree of
``search/checks.py`` compiled into one condition in which every value, field name and JSON path is a bound
parameter (no text of a request becomes SQL text). SQLite and PostgreSQL.

How values are stored decides the SQL (docs/architecture.md, "Stored value forms"): the audit fields and the owner
are columns; other values live in the ``data`` JSON document (text, picklists and ids as strings, multi-select
picklists as lists, integers as numbers, bigint as digit strings, decimals as numbers, dates as ``yyyy-MM-dd``,
datetimes as epoch seconds, booleans as JSON booleans). Text compares ignoring case as Python's ``str.lower`` does
(§1.2): ``zcrm_lower``, registered on every SQLite connection (``store/db.py``) and a SQL function on PostgreSQL
(migration 0014). A null value (or an empty list) matches no condition, ``not_equal`` included. Two operators of their own serve the
``word`` and ``phone`` searches (§2.8): ``contains`` (ignoring case) and ``same_digits``.

Given the org and module, equality, ``in``, prefix and range conditions on a field with search keys
(``store/keys.py``) first narrow the records to those whose key matches, through the key tables' primary keys, and
then check the value itself as above (so a text longer than its key, or a case ``lower`` folds otherwise than
Python, is decided by the value). Without them, or on other operators and fields, the condition reads every row's
value.

A key many records share (a picklist value held by a third of the module) is cheaper the other way round: walk
the module in the order asked and keep the rows that match, which finds a page after a few rows. PostgreSQL's
planner chooses from its statistics. SQLite's has none, so with a ``count`` (``compile_criteria``'s ``conn``) the
compiler counts the matching keys up to ``CAP`` first: under it, the records are fetched through the keys; at it,
an equality or ``in`` becomes a probe of the key for each row walked, and a prefix or a range the plain check.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Connection, text

from zcrm.schema.model import Field
from zcrm.search.checks import Typed, TypedGroup, Value
from zcrm.store import keys
from zcrm.store.binds import Binds

# the fields held in columns of ``records`` (the rest are in ``data``)
COLUMNS = {
    "Owner": "owner_id",
    "Created_By": "created_by",
    "Modified_By": "modified_by",
    "Created_Time": "created_time",
    "Modified_Time": "modified_time",
}
TEXTS = frozenset({"text", "textarea", "email", "phone", "website", "autonumber", "picklist"})
INTEGERS = frozenset({"integer", "bigint", "datetime"})  # compared as integers (a datetime: epoch seconds)
COMPARE = {
    "equals": "=",
    "not_equal": "<>",
    "greater_than": ">",
    "greater_equal": ">=",
    "less_than": "<",
    "less_equal": "<=",
}
Resolve = Callable[[Field, str], Sequence[str]]  # the ids of a lookup's targets with that display name
Count = Callable[[str, dict[str, Any]], int]  # runs a ``SELECT count(*)`` with its parameters
CAP = 10_000  # matching keys from which walking the module beats fetching each match (SQLite, ``Count``)
KEYED = {  # the operators a search key answers, by the key's form
    "text": frozenset({"equals", "in", "starts_with"}),
    **dict.fromkeys(
        ("date", "number"),
        frozenset({"equals", "in", "between", "greater_than", "greater_equal", "less_than", "less_equal"}),
    ),
}


class Compiler(Binds):
    """Compiles typed criteria for one dialect; ``params`` collects the bound values."""

    def __init__(
        self,
        dialect: str,
        resolve: Resolve,
        org_id: str | None = None,
        module_id: str | None = None,
        count: Count | None = None,
    ) -> None:
        super().__init__(dialect, "s")
        self.resolve = resolve
        self.scope = None if org_id is None or module_id is None else (org_id, module_id)
        self.count = count

    # -- where a field's value is --------------------------------------------------------------------------------
    def _json(self, field: Field) -> str:
        """The JSON value of a ``data`` field (SQLite: as SQL typed by JSON; PostgreSQL: jsonb)."""
        if self.postgres:
            return f"(data::jsonb -> {self.bind(field.api_name)})"
        return f"json_extract(data, {self.bind(_path(field.api_name))})"

    def _scalar(self, field: Field) -> str:
        """The field's value as text (PostgreSQL) or as stored (SQLite); NULL when absent or null."""
        column = COLUMNS.get(field.api_name)
        if column is not None:
            return column
        if self.postgres:
            return f"(data::jsonb ->> {self.bind(field.api_name)})"
        return self._json(field)

    def _number(self, field: Field, kind: str) -> str:
        value = self._scalar(field)
        if field.api_name in COLUMNS:
            return value
        if self.postgres:
            return f"({value})::numeric"
        return f"CAST({value} AS {'INTEGER' if kind in INTEGERS else 'REAL'})"

    # -- conditions ----------------------------------------------------------------------------------------------
    def condition(self, typed: Typed) -> str:
        keyed = self.keyed(typed.field, typed.operator, list(typed.values))
        exact = self._exact(typed)
        return exact if keyed is None else f"({keyed} AND {exact})"

    def _selective(self, table: str, where: str) -> bool | None:
        """Whether fewer than ``CAP`` keys match (None: not known, no ``count``)."""
        if self.count is None:
            return None
        limited = f"SELECT count(*) FROM (SELECT 1 FROM {table} WHERE {where} LIMIT {CAP})"
        return self.count(limited, self.params) < CAP

    def keyed(self, field: Field, op: str, values: list[Any]) -> str | None:
        """The records whose search key matches (a superset of those the condition finds), or None when the
        field has no keys, the operator no use of them, or the org and module are not known."""
        form = keys.form(field)
        if self.scope is None or form is None or op not in KEYED[form]:
            return None
        if form == "text":
            values = [keys.text_key(str(v)) for v in values]
        elif form == "date":
            values = [_iso(v) for v in values]
        if op == "starts_with":
            upper = _after_prefix(values[0])
            test = f"search_key >= {self.bind(values[0])}"
            if upper is not None:
                test += f" AND search_key < {self.bind(upper)}"
        elif op == "between":
            test = f"search_key BETWEEN {self.bind(values[0])} AND {self.bind(values[1])}"
        elif op == "in":
            test = f"search_key IN ({', '.join(self.bind(v) for v in values)})"
        else:
            test = f"search_key {COMPARE[op]} {self.bind(values[0])}"
        org, module = self.scope
        table = "number_keys" if form == "number" else "text_keys"
        where = (
            f"org_id = {self.bind(org)} AND module_id = {self.bind(module)}"
            f" AND field = {self.bind(field.api_name)} AND {test}"
        )
        if self._selective(table, where) is False:
            if op in ("equals", "in"):  # one probe of the primary key per row walked
                return f"EXISTS (SELECT 1 FROM {table} WHERE {where} AND record_id = records.id)"
            return None
        return f"records.id IN (SELECT record_id FROM {table} WHERE {where})"

    def _exact(self, typed: Typed) -> str:
        kind, op = typed.data_type, typed.operator
        if kind in TEXTS:
            return self._text(typed.field, op, [str(v) for v in typed.values])
        if kind == "multiselectpicklist":
            return self._multi(typed.field, op, [str(v) for v in typed.values])
        if kind == "boolean":
            return self._boolean(typed.field, op, bool(typed.values[0]))
        if kind in ("lookup", "ownerlookup", "userlookup"):
            return self._lookup(typed.field, op, typed.values)
        if kind == "date":
            value = self._scalar(typed.field)
            return self._ordered(value, op, [_iso(v) for v in typed.values])
        return self._ordered(self._number(typed.field, kind), op, list(typed.values))

    def _text(self, field: Field, op: str, values: list[str]) -> str:
        value = self._scalar(field)
        known = f"{value} IS NOT NULL"
        lowered = self.lower(value)
        if op == "starts_with":
            prefix = self.lower(self.bind(values[0]))
            return f"({known} AND substr({lowered}, 1, length({prefix})) = {prefix})"
        if op == "in":
            listed = ", ".join(self.lower(self.bind(v)) for v in values)
            return f"({known} AND {lowered} IN ({listed}))"
        if op == "contains":  # the word search (§2.8)
            return f"({known} AND {'strpos' if self.postgres else 'instr'}({lowered}, {self.lower(self.bind(values[0]))}) > 0)"
        if op == "same_digits":  # the phone search (§2.8)
            digits = (
                f"regexp_replace({value}, '[^0-9]', '', 'g')" if self.postgres else f"zcrm_digits({value})"
            )
            return f"({known} AND {digits} = {self.bind(''.join(c for c in values[0] if '0' <= c <= '9'))})"
        return f"({known} AND {lowered} {COMPARE[op]} {self.lower(self.bind(values[0]))})"

    def _multi(self, field: Field, op: str, values: list[str]) -> str:
        if self.postgres:
            array = self._json(field)
            elements = f"jsonb_array_elements_text(CASE WHEN jsonb_typeof({array}) = 'array' THEN {array} END) AS e(v)"
            element, non_empty = "e.v", f"jsonb_typeof({array}) = 'array' AND jsonb_array_length({array}) > 0"
        else:
            path = self.bind(_path(field.api_name))
            elements = f"json_each(records.data, {path}) AS e"
            element, non_empty = (
                "e.value",
                f"json_type(records.data, {path}) = 'array' AND json_array_length(records.data, {path}) > 0",
            )
        lowered = self.lower(element)
        if op == "starts_with":
            prefix = self.lower(self.bind(values[0]))
            test = f"substr({lowered}, 1, length({prefix})) = {prefix}"
        elif op == "in":
            test = f"{lowered} IN ({', '.join(self.lower(self.bind(v)) for v in values)})"
        else:
            test = f"{lowered} = {self.lower(self.bind(values[0]))}"
        found = f"EXISTS (SELECT 1 FROM {elements} WHERE {test})"
        if op == "not_equal":
            return f"({non_empty} AND NOT {found})"
        return found

    def _boolean(self, field: Field, op: str, wanted: bool) -> str:
        if self.postgres:
            value = self._json(field)
            test = f"{value} = to_jsonb(CAST({self.bind(wanted)} AS boolean))"
            known = f"jsonb_typeof({value}) = 'boolean'"
        else:
            path = self.bind(_path(field.api_name))
            test = f"json_extract(data, {path}) = {self.bind(int(wanted))}"
            known = f"json_type(data, {path}) IN ('true', 'false')"
        return f"({known} AND {'NOT ' if op == 'not_equal' else ''}{test})"

    def _lookup(self, field: Field, op: str, values: Sequence[Value]) -> str:
        ids: list[str] = []
        for value in values:
            assert isinstance(value, tuple)
            form, text = value
            ids.extend([text] if form == "id" else self.resolve(field, text))
        value = self._scalar(field)
        if not ids:  # no target has such a name: equals and in match nothing, not_equal every set value
            return f"({value} IS NOT NULL)" if op == "not_equal" else "(1 = 0)"
        listed = ", ".join(self.bind(i) for i in dict.fromkeys(ids))
        negation = "NOT " if op == "not_equal" else ""
        return f"({value} IS NOT NULL AND {value} {negation}IN ({listed}))"

    def _ordered(self, value: str, op: str, values: list[Any]) -> str:
        known = f"{value} IS NOT NULL"
        if op == "between":
            return f"({known} AND {value} BETWEEN {self.bind(values[0])} AND {self.bind(values[1])})"
        if op == "in":
            return f"({known} AND {value} IN ({', '.join(self.bind(v) for v in values)}))"
        return f"({known} AND {value} {COMPARE[op]} {self.bind(values[0])})"

    def tree(self, node: Typed | TypedGroup) -> str:
        if isinstance(node, Typed):
            return self.condition(node)
        joiner = " AND " if node.connector == "and" else " OR "
        return "(" + joiner.join(self.tree(operand) for operand in node.operands) + ")"


def _path(api_name: str) -> str:
    """A JSON path naming one key, quoted (an API name never holds a double quote)."""
    return f'$."{api_name}"'


def _iso(value: Value) -> str:
    assert isinstance(value, dt.date)
    return value.isoformat()


def _after_prefix(prefix: str) -> str | None:
    """The least text greater than every text starting with ``prefix`` in code point order (which is UTF-8's byte
    order: SQLite's binary collation, PostgreSQL's ``"C"``); None when there is none."""
    chars = list(prefix)
    while chars and chars[-1] == "\U0010ffff":
        chars.pop()
    if not chars:
        return None
    point = ord(chars[-1]) + 1
    chars[-1] = chr(0xE000 if 0xD800 <= point <= 0xDFFF else point)  # surrogates are no text
    return "".join(chars)


def compile_criteria(
    tree: Typed | TypedGroup,
    dialect: str,
    resolve: Resolve,
    org_id: str | None = None,
    module_id: str | None = None,
    conn: Connection | None = None,
) -> tuple[str, dict[str, Any]]:
    """The criteria as one SQL condition over ``records`` and its bound parameters (named ``s0``, ``s1``, …); with
    the org and module, one that uses their search keys where it can; with ``conn`` on SQLite, one that counts the
    matching keys to choose how (see above)."""
    count = None if conn is None else key_counter(conn)
    compiler = Compiler(dialect, resolve, org_id, module_id, count)
    return compiler.tree(tree), compiler.params


def key_counter(conn: Connection) -> Count | None:
    """On SQLite, which keeps no statistics, what counts the keys a value matches (``Compiler._selective``); None on
    PostgreSQL, whose planner chooses."""
    if conn.dialect.name == "postgresql":
        return None

    def count(sql: str, params: dict[str, Any]) -> int:
        return int(conn.execute(text(sql), params).scalar_one())

    return count
