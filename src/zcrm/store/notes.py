"""Notes by their parent (zoho-v5-related.md §4): the condition that lists a record's notes, and the deletion of the
notes of deleted records (§4.5). A note is a record of the org's ``Notes`` module whose ``data`` holds the parent's
id as ``Parent_Id``; a record's notes are found through that lookup's search key (``store/keys.py``), by index;
the JSON value itself is read only to hide the notes of records a user cannot see."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, text

from zcrm.store import processes as process_store
from zcrm.store import records as store


def _parent(dialect: str, alias: str = "") -> str:
    """The SQL of a record's ``Parent_Id`` value: the id, stored as itself or as ``{"id": …}``."""
    if dialect == "postgresql":
        return f"COALESCE({alias}data::jsonb #>> '{{Parent_Id,id}}', {alias}data::jsonb ->> 'Parent_Id')"
    return f"COALESCE(json_extract({alias}data, '$.Parent_Id.id'), json_extract({alias}data, '$.Parent_Id'))"


def parent_condition(dialect: str, parent_id: str) -> tuple[str, dict[str, Any]]:
    """A ``ListQuery.condition`` over the Notes module's records: those whose ``Parent_Id`` is ``parent_id``, found
    through the lookup's search key (``store/keys.py``)."""
    return (
        "id IN (SELECT record_id FROM text_keys WHERE org_id = :org AND module_id = :module"
        " AND field = 'Parent_Id' AND search_key = :note_parent)",
        {"note_parent": parent_id},
    )


def seen_parents_condition(
    dialect: str, hidden_module_ids: Sequence[str], owners: Sequence[str]
) -> tuple[str, dict[str, Any]]:
    """A ``ListQuery.condition`` over notes (a query on ``records``): leaves out the notes whose parent is a record
    of ``hidden_module_ids`` (modules whose records the user sees only by owner) not owned by one of ``owners``."""
    modules = {f"seen_m{i}": m for i, m in enumerate(hidden_module_ids)}
    owned = {f"seen_o{i}": o for i, o in enumerate(owners)}
    others = f"p.owner_id NOT IN ({', '.join(':' + k for k in owned)})" if owned else "1 = 1"
    sql = (
        f"NOT EXISTS (SELECT 1 FROM records p WHERE p.org_id = :org AND p.id = {_parent(dialect, 'records.')}"
        f" AND p.module_id IN ({', '.join(':' + k for k in modules)}) AND (p.owner_id IS NULL OR {others}))"
    )
    return sql, {**modules, **owned}


def _notes_module(dialect: str) -> str:
    """The SQL of the org's Notes module id (its definition names it)."""
    name = (
        "(definition::jsonb ->> 'api_name')"
        if dialect == "postgresql"
        else "json_extract(definition, '$.api_name')"
    )
    return f"(SELECT id FROM modules WHERE org_id = :org AND {name} = 'Notes')"


def delete_of_parents(conn: Connection, org_id: str, parent_ids: Sequence[str]) -> list[str]:
    """Deletes the notes of the records ``parent_ids`` (with their search keys, unique values and processes);
    returns their ids. Notes have no notes of their own: nothing further goes with them here."""
    if not parent_ids:
        return []
    dialect = conn.dialect.name
    found = conn.execute(
        text(
            f"SELECT DISTINCT record_id FROM text_keys WHERE org_id = :org AND module_id = {_notes_module(dialect)}"
            " AND field = 'Parent_Id' AND search_key IN :parents"
        ).bindparams(bindparam("parents", expanding=True)),
        {"org": org_id, "parents": list(parent_ids)},
    )
    ids = [row[0] for row in found]
    if not ids:
        return []
    for table in ("text_keys", "number_keys"):
        conn.execute(
            text(
                f"DELETE FROM {table} WHERE org_id = :org AND module_id = {_notes_module(dialect)}"
                " AND record_id IN :ids"
            ).bindparams(bindparam("ids", expanding=True)),
            {"org": org_id, "ids": ids},
        )
    store.delete(conn, org_id, ids)
    process_store.drop(conn, org_id, ids)
    return ids
