"""Search keys (table ``record_keys``): one row per top-level record and indexed field holding a value, so that an
equality, prefix or range search reads an index instead of every record's JSON (``store/search.py``, docs/search.md
"Speed and indexes").

Which fields have keys, and in what form (``form``):

- ``text``: text, email, phone, website, autonumber and picklist fields; the key is the value lower-cased by
  Python's ``str.lower`` (what search compares, ignoring case), cut to ``TEXT_LIMIT`` characters;
- ``date``: date fields; the key is the stored ``yyyy-MM-dd`` text (it sorts as the dates do);
- ``number``: integer, bigint, double, currency, decimal, percent and datetime fields; the key is the number
  (a datetime: epoch seconds; a bigint: its digits as an integer).

Textarea, multi-select picklist, boolean, lookup and formula fields have none, nor the fields held in columns of
``records`` (the owner and audit fields: those columns have indexes of their own). Child rows have none.

Keys are written by the one write tail (``service/save.py`` → ``write``) in the write's transaction, and rebuilt
from the records for a whole org when its records are replaced otherwise (a snapshot import or a reset:
``rebuild``) and by migration 0013 for records stored before keys existed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

import orjson
from sqlalchemy import Connection, text

from zcrm.records.model import StoredRecord
from zcrm.schema.model import Field, Module, OrgSchema
from zcrm.store.records import executemany, insert_rows, query

TEXT_LIMIT = 200  # characters of a text key; longer values are found through their first 200 and a recheck
TEXT_TYPES = frozenset({"text", "email", "phone", "website", "autonumber", "picklist"})
NUMBER_TYPES = frozenset({"integer", "bigint", "double", "currency", "decimal", "percent", "datetime"})
# the fields held in columns of ``records`` (store/search.py COLUMNS): indexed there
COLUMN_FIELDS = frozenset({"Owner", "Created_By", "Modified_By", "Created_Time", "Modified_Time"})
COLUMNS = "org_id, module_id, field, record_id, text_key, num_key"
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
    """(api name, form) of the module's fields that have keys."""
    found = ((f.api_name, form(f)) for f in module.fields)
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
        elif isinstance(value, str):
            yield name, (text_key(value) if kind == "text" else value), None


def _rows(
    org_id: str,
    module_id: str,
    fields: Sequence[tuple[str, str]],
    records: Iterable[tuple[str, dict[str, Any]]],
    postgres: bool,
) -> list[tuple[Any, ...]]:
    return [
        (org_id, module_id, name, record_id, text_value, number)
        for record_id, data in records
        for name, text_value, number in keys_of(fields, data, postgres)
    ]


def delete(conn: Connection, org_id: str, record_ids: Sequence[str]) -> None:
    """Removes the keys of these records (deleted ones, or ones whose keys are written again)."""
    executemany(
        conn, "DELETE FROM record_keys WHERE org_id = ? AND record_id = ?", [(org_id, r) for r in record_ids]
    )


def write(
    conn: Connection,
    org_id: str,
    module: Module,
    inserts: Sequence[StoredRecord],
    updates: Sequence[StoredRecord],
    deletes: Sequence[str],
) -> None:
    """Keeps the keys of a write: the deleted records' go, the updated records' are written again, the inserted
    records' are added (child rows and records of other modules have none)."""
    postgres = conn.dialect.name == "postgresql"
    mine = [r for r in updates if r.module_id == module.id and r.parent_id is None]
    delete(conn, org_id, [*deletes, *(r.id for r in mine)])
    fields = indexed(module)
    if not fields:
        return
    new = [r for r in inserts if r.module_id == module.id and r.parent_id is None]
    rows = _rows(org_id, module.id, fields, ((r.id, r.data) for r in [*new, *mine]), postgres)
    insert_rows(conn, "record_keys", COLUMNS, rows)


def rebuild(conn: Connection, org_id: str, schema: OrgSchema, batch: int = 5000) -> int:
    """Writes the keys of every top-level record of the org again from its ``data``; returns the rows written."""
    postgres = conn.dialect.name == "postgresql"
    conn.execute(text("DELETE FROM record_keys WHERE org_id = :org"), {"org": org_id})
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
        rows = [
            row
            for record_id, module_id, data in found
            for row in _rows(
                org_id, module_id, fields.get(module_id, ()), [(record_id, orjson.loads(data))], postgres
            )
        ]
        insert_rows(conn, "record_keys", COLUMNS, rows)
        written += len(rows)
        after = found[-1][0]
