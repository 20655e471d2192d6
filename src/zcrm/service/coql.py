"""COQL (``POST /crm/v5/coql``, zoho-v5-queries.md §3) in the caller's read transaction: the body's
``select_query`` parsed (``coql/parse.py``), the module and scopes checked, the query checked against the schema
(``coql/plan.py``), run as one SQL statement (``store/coql.py``) with Search's visibility, and the rows rendered as
v5 renders them: lookups and users as ``{"id"}``, datetimes in the user's zone, ``id`` on every record row."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import orjson
from sqlalchemy import Connection

from zcrm.auth.guards import coql_module
from zcrm.auth.identity import Identity
from zcrm.auth.sharing import visible_owners
from zcrm.coql.parse import parse
from zcrm.coql.plan import MAX_LIMIT, MAX_REACH, Plan, Selected, plan
from zcrm.coql.refs import Ref
from zcrm.errors import MandatoryNotFound
from zcrm.fields.render import Renderer
from zcrm.store import records as store
from zcrm.store.coql import Visibility, run
from zcrm.store.records import StoredRecord

LOOKUPS = frozenset({"lookup", "ownerlookup", "userlookup"})
INTEGERS = frozenset({"integer", "bigint"})
USER_COLUMNS = {"Owner": "owner_id", "Created_By": "created_by", "Modified_By": "modified_by"}
TIME_COLUMNS = {"Created_Time": "created_time", "Modified_Time": "modified_time"}


def select_query(body: dict[str, Any]) -> str:
    """The body's ``select_query``, else 400 ``MANDATORY_NOT_FOUND`` (§3.1 step 4)."""
    query = body.get("select_query")
    if not isinstance(query, str) or not query.strip():
        raise MandatoryNotFound("mandatory key not found", {"api_name": "select_query"})
    return query


def run_query(
    conn: Connection, ident: Identity, body: dict[str, Any], limits: tuple[int, int] = (MAX_LIMIT, MAX_REACH)
) -> tuple[list[dict[str, Any]], dict[str, Any]] | None:
    """The page of rows and its ``info``; None when there is no row (204). ``limits`` are the API version's
    largest ``LIMIT`` and ``LIMIT`` + ``OFFSET`` reach."""
    query = parse(select_query(body))
    module = coql_module(ident, query.module)
    checked = plan(ident.schema, module, query, ident.user.time_zone, *limits)
    seen = Visibility(
        ident.org_id,
        visible_owners(ident.schema, ident.user, module),
        False if module.api_name == "Leads" else None,
    )
    found = run(conn, checked, seen)
    renderer = Renderer(ident.schema, ident.user)
    if checked.grouped:
        data = [_group_row(checked, row, renderer) for row in found.groups]
    else:
        data = _record_rows(conn, ident.org_id, checked, found.records, renderer)
    if not data:
        return None
    return data, {"count": len(data), "more_records": found.more}


# -- record rows --------------------------------------------------------------------------------------------------
def _record_rows(
    conn: Connection, org_id: str, checked: Plan, rows: Sequence[StoredRecord], renderer: Renderer
) -> list[dict[str, Any]]:
    reached = _reached(conn, org_id, checked, rows)
    out = []
    for row in rows:
        shown: dict[str, Any] = {}
        for column in checked.columns:
            shown[column.key] = _value(_walk(row, column.ref, reached), column.ref, renderer)
        shown.setdefault("id", row.id)
        out.append(shown)
    return out


def _reached(
    conn: Connection, org_id: str, checked: Plan, rows: Sequence[StoredRecord]
) -> dict[str, StoredRecord]:
    """The records the selected paths' lookups reach, one level after the other."""
    reached: dict[str, StoredRecord] = {}
    level = [(r, _steps(c)) for r in rows for c in checked.columns if c.ref.steps]
    while level:
        wanted = {str(r.data.get(steps[0])) for r, steps in level if r.data.get(steps[0]) is not None}
        reached.update(store.fetch(conn, org_id, wanted - reached.keys()))
        level = [
            (reached[str(r.data[steps[0]])], steps[1:])
            for r, steps in level
            if len(steps) > 1 and r.data.get(steps[0]) is not None and str(r.data[steps[0]]) in reached
        ]
    return reached


def _steps(column: Selected) -> tuple[str, ...]:
    return tuple(step.api_name for step in column.ref.steps)


def _walk(row: StoredRecord, ref: Ref, reached: dict[str, StoredRecord]) -> StoredRecord | None:
    current: StoredRecord | None = row
    for step in ref.steps:
        target = None if current is None else current.data.get(step.api_name)
        current = None if target is None else reached.get(str(target))
    return current


def _value(record: StoredRecord | None, ref: Ref, renderer: Renderer) -> Any:
    if record is None:
        return None
    if ref.field is None:
        return record.id
    name = ref.field.api_name
    if name in USER_COLUMNS:
        user_id = getattr(record, USER_COLUMNS[name])
        return None if user_id is None else {"id": user_id}
    if name in TIME_COLUMNS:
        return renderer.datetime(getattr(record, TIME_COLUMNS[name]))
    return _typed(ref, record.data.get(name), renderer)


def _typed(ref: Ref, stored: Any, renderer: Renderer) -> Any:
    if stored is None:
        return None
    if ref.kind in LOOKUPS:
        return {"id": str(stored)}
    if ref.kind == "datetime":
        return renderer.datetime(int(stored))
    return stored


# -- group rows ---------------------------------------------------------------------------------------------------
def _group_row(checked: Plan, row: tuple[Any, ...], renderer: Renderer) -> dict[str, Any]:
    by_text = {ref.text: i for i, ref in enumerate(checked.group_by)}
    shown: dict[str, Any] = {}
    aggregate = len(checked.group_by)
    for column in checked.columns:
        if column.function is None:
            shown[column.key] = _group_value(column.ref, row[by_text[column.ref.text]], renderer)
        else:
            shown[column.key] = _aggregate_value(column, row[aggregate], renderer)
            aggregate += 1
    return shown


def _group_value(ref: Ref, raw: Any, renderer: Renderer) -> Any:
    """A group's value as the database returned it (PostgreSQL: JSON values as text) in the column's type."""
    if raw is None:
        return None
    if ref.field is not None and ref.field.api_name in USER_COLUMNS:
        return {"id": str(raw)}
    if ref.field is not None and ref.field.api_name in TIME_COLUMNS:
        return renderer.datetime(int(raw))
    kind = ref.kind
    if kind == "multiselectpicklist":
        values = orjson.loads(raw) if isinstance(raw, str) else raw
        return values or None
    if kind == "boolean":
        return raw if isinstance(raw, bool) else str(raw).lower() in ("1", "true")
    if kind in INTEGERS or kind == "datetime":
        number = int(Decimal(str(raw)))
        return (
            renderer.datetime(number) if kind == "datetime" else number if kind == "integer" else str(number)
        )
    if kind in ("double", "currency", "decimal", "percent"):
        return float(Decimal(str(raw)))
    return _typed(ref, str(raw), renderer)


def _aggregate_value(column: Selected, raw: Any, renderer: Renderer) -> Any:
    function, kind = column.function, column.ref.kind
    if function == "COUNT":
        return int(raw or 0)
    if raw is None:
        return None
    if function == "AVG":
        return float(raw)
    if kind == "datetime":
        return renderer.datetime(int(Decimal(str(raw))))
    if kind == "date":
        return str(raw)
    if kind in INTEGERS:
        number = int(Decimal(str(raw)))
        return number if kind == "integer" else str(number)
    return float(Decimal(str(raw)))
