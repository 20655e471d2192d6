"""Records found by the value of one field: Upsert's match on a system-defined duplicate check field, which need not
be unique and so has no row in ``unique_values`` (zoho-v5-queries.md §4.2). Text compares ignoring case as Python's
``str.lower`` does (§1.2): ``zcrm_lower`` on SQLite (``store/db.py``), migration 0014's function on PostgreSQL.

Every system-defined check field is a text or email field, so it has search keys (``store/keys.py``): the records
whose key is the value's are read, and their value compared whole, instead of every record of the module."""

from __future__ import annotations

from sqlalchemy import Connection, text

from zcrm.records.model import StoredRecord
from zcrm.store import records as record_store
from zcrm.store.keys import text_key


def first_with_text(conn: Connection, org_id: str, module_id: str, api_name: str, value: str) -> str | None:
    """The smallest id of the module's top-level records whose text field ``api_name`` equals ``value``, ignoring
    case; None when there is none."""
    params = {
        "org": org_id,
        "module": module_id,
        "value": value.lower(),
        "name": api_name,
        "key": text_key(value),
    }
    if conn.dialect.name == "postgresql":
        field = "zcrm_lower(data::jsonb ->> :name)"
    else:
        field = "zcrm_lower(json_extract(data, :path))"
        params["path"] = f'$."{api_name}"'  # an API name never holds a double quote
    sql = (
        "SELECT id FROM records WHERE org_id = :org AND module_id = :module AND parent_id IS NULL"
        " AND id IN (SELECT record_id FROM text_keys WHERE org_id = :org AND module_id = :module"
        " AND field = :name AND search_key = :key)"
        f" AND {field} = :value ORDER BY id LIMIT 1"
    )
    row = conn.execute(text(sql), params).first()
    return None if row is None else str(row[0])


def text_matches(conn: Connection, org_id: str, module_id: str, field: str, value: str) -> list[StoredRecord]:
    """The top-level records of the module whose ``field`` has ``value``'s text key (equal ignoring case, up to
    the key's length: callers check the values themselves); Convert Lead's candidates (zoho-v5-related.md §8.2)."""
    rows = conn.execute(
        text(
            "SELECT record_id FROM text_keys WHERE org_id = :org AND module_id = :m AND field = :f"
            " AND search_key = :k"
        ),
        {"org": org_id, "m": module_id, "f": field, "k": text_key(value)},
    )
    found = record_store.fetch(conn, org_id, [row[0] for row in rows], module_id=module_id)
    return [r for r in found.values() if r.parent_id is None]
