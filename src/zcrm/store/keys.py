"""Search keys (tables ``text_keys`` and ``number_keys``): one row per top-level record and indexed field holding a
value, so that an equality, prefix or range search reads an index instead of every record's JSON
(``store/search.py``, docs/search.md "Speed and indexes").

Each table's primary key is all its columns, ``(org_id, module_id, field, search_key, record_id)``: the key's index is the
table itself (SQLite: ``WITHOUT ROWID``), one B-tree entry per key, and a search for a key, a prefix or a range
reads one range of it. A key row is found again by computing it from the record's values: a write reads the
records it changes or deletes as they were, and writes only the keys that changed.

Which fields have keys, and in what form (``form``):

- ``text``: text, email, phone, website, autonumber and picklist fields; the key is the value lower-cased by
  Python's ``str.lower`` (what search compares, ignoring case), cut to ``TEXT_LIMIT`` characters;
- ``date``: date fields; the key is the stored ``yyyy-MM-dd`` text (it sorts as the dates do);
- ``number``: integer, bigint, double, currency, decimal, percent and datetime fields; the key is the number
  (a datetime: epoch seconds; a bigint: its digits as an integer).

- ``lookup``: lookup fields, in ``text_keys``; the key is the id of the record the lookup names. Search does not
  read them (``form`` gives lookups none: a lookup is searched by its display name); a record's notes, the children
  of a lookup-based related list and a record's activities are found through them (``store/notes.py``,
  ``store/relations.py``), and a delete finds the notes of the records it deletes.

Textarea, multi-select picklist, boolean and formula fields have none, nor the fields held in columns of
``records`` (the owner and audit fields: those columns have indexes of their own). Child rows have none.

Keys are written by the one write tail (``service/save.py`` → ``write``, before the records are), and rebuilt
from the records for a whole org when its records are replaced otherwise (a snapshot import or a reset:
``rebuild``) and by migration 0013 for records stored before keys existed.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

import orjson
from sqlalchemy import Connection, text

from zcrm.records.model import StoredRecord
from zcrm.schema.model import Field, Module, OrgSchema
from zcrm.store.records import executemany, insert_rows, keyed, query

TEXT_LIMIT = 200  # characters of a text key; longer values are found through their first 200 and a recheck
TEXT_TYPES = frozenset({"text", "email", "phone", "website", "autonumber", "picklist"})
NUMBER_TYPES = frozenset({"integer", "bigint", "double", "currency", "decimal", "percent", "datetime"})
# the fields held in columns of ``records`` (store/search.py COLUMNS): indexed there
COLUMN_FIELDS = frozenset({"Owner", "Created_By", "Modified_By", "Created_Time", "Modified_Time"})
COLUMNS = "org_id, module_id, field, search_key, record_id"
Key = tuple[str, str | None, Any]  # (field api name, text key, number key)


def form(field: Field) -> str | None:
    """``text``, ``date`` or ``number``: the form of the field's keys; None when it has none."""
    if field.api_name in COLUMN_FIELDS:
        return None
    if field.data_type in TEXT_TYPES:
        return "text"
    if field.data_type == "date":
        return "date"
    if field.data_type in NUMBER_TYPES:
        return "number"
    return None


def indexed(module: Module) -> list[tuple[str, str]]:
    """(api name, form) of the module's fields that have keys: those of ``form`` and the lookups."""
    found = ((f.api_name, "lookup" if f.data_type == "lookup" else form(f)) for f in module.fields)
    return [(name, kind) for name, kind in found if kind is not None]


def text_key(value: str) -> str:
    """The key of a text value (and of a value searched for): lower-cased as search compares, cut."""
    return value.lower()[:TEXT_LIMIT]


def _number(value: Any, postgres: bool) -> Any:
    if isinstance(value, bool):
        return None
    if isinstance(value, str):  # a bigint's digits
        try:
            return int(value)
        except ValueError:
            return None
    if isinstance(value, float):  # PostgreSQL: numeric exactly as ``(data ->> f)::numeric`` reads it
        return Decimal(repr(value)) if postgres else value
    return value if isinstance(value, int) else None


def keys_of(fields: Sequence[tuple[str, str]], data: dict[str, Any], postgres: bool) -> Iterator[Key]:
    """The keys of one record's values."""
    for name, kind in fields:
        value = data.get(name)
        if value is None:
            continue
        if kind == "number":
            number = _number(value, postgres)
            if number is not None:
                yield name, None, number
        elif kind == "lookup":
            target = value.get("id") if isinstance(value, dict) else value
            if isinstance(target, str):
                yield name, target, None
        elif isinstance(value, str):
            yield name, (text_key(value) if kind == "text" else value), None


def _old(conn: Connection, org_id: str, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The stored values of these records, before the write."""
    rows = keyed(conn, "id, data", "records", ("id",), org_id, [(i,) for i in ids])
    return {row[0]: orjson.loads(row[1]) for row in rows}


_DELETE = {
    table: f"DELETE FROM {table} WHERE org_id = ? AND module_id = ? AND field = ? AND search_key = ? AND record_id = ?"
    for table in ("text_keys", "number_keys")
}


def _apply(
    conn: Connection, org_id: str, module_id: str, gone: list[tuple[str, Key]], added: list[tuple[str, Key]]
) -> None:
    for table, wanted in (("text_keys", True), ("number_keys", False)):
        index = 1 if wanted else 2
        executemany(
            conn,
            _DELETE[table],
            [(org_id, module_id, k[0], k[index], r) for r, k in gone if (k[1] is not None) == wanted],
        )
        insert_rows(
            conn,
            table,
            COLUMNS,
            [(org_id, module_id, k[0], k[index], r) for r, k in added if (k[1] is not None) == wanted],
        )


def write(
    conn: Connection,
    org_id: str,
    module: Module,
    inserts: Sequence[StoredRecord],
    updates: Sequence[StoredRecord],
    deletes: Sequence[str],
) -> None:
    """Keeps the keys of a write, called before its records are written: the deleted records' keys go, the updated
    records' changed keys are replaced, the inserted records' are added (child rows and records of other modules
    have none)."""
    fields = indexed(module)
    if not fields:
        return
    postgres = conn.dialect.name == "postgresql"
    mine = [r for r in updates if r.module_id == module.id and r.parent_id is None]
    old = _old(conn, org_id, [*deletes, *(r.id for r in mine)]) if deletes or mine else {}
    gone: list[tuple[str, Key]] = []
    added: list[tuple[str, Key]] = []
    for record_id in deletes:
        gone += [(record_id, k) for k in keys_of(fields, old.get(record_id, {}), postgres)]
    for r in mine:
        before = set(keys_of(fields, old.get(r.id, {}), postgres))
        after = set(keys_of(fields, r.data, postgres))
        gone += [(r.id, k) for k in before - after]
        added += [(r.id, k) for k in after - before]
    for r in inserts:
        if r.module_id == module.id and r.parent_id is None:
            added += [(r.id, k) for k in keys_of(fields, r.data, postgres)]
    _apply(conn, org_id, module.id, gone, added)


def rebuild(conn: Connection, org_id: str, schema: OrgSchema, batch: int = 5000) -> int:
    """Writes the keys of every top-level record of the org again from its ``data``; returns the rows written."""
    postgres = conn.dialect.name == "postgresql"
    clear(conn, org_id)
    fields = {m.id: indexed(m) for m in schema.modules}
    written, after = 0, ""
    while True:
        found = query(
            conn,
            "SELECT id, module_id, data FROM records WHERE org_id = ? AND parent_id IS NULL AND id > ?"
            " ORDER BY id LIMIT ?",
            [org_id, after, batch],
        )
        if not found:
            return written
        by_module: dict[str, list[tuple[str, Key]]] = {}
        for record_id, module_id, data in found:
            by_module.setdefault(module_id, []).extend(
                (record_id, k) for k in keys_of(fields.get(module_id, ()), orjson.loads(data), postgres)
            )
        for module_id, added in by_module.items():
            _apply(conn, org_id, module_id, [], added)
            written += len(added)
        after = found[-1][0]


def clear(conn: Connection, org_id: str) -> None:
    """Removes every key of the org."""
    for table in ("text_keys", "number_keys"):
        conn.execute(text(f"DELETE FROM {table} WHERE org_id = :org"), {"org": org_id})
