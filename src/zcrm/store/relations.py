"""Many-to-many links (table ``relations``, zoho-v5-related.md §3) and the SQL conditions that pick a record's related
records out of ``records`` for each kind of related list (``schema/related.py``).

A link is one row whatever side it was made from: ``relation`` names the two modules sorted (``Campaigns.Leads``),
``left_id`` is the record of the first, ``right_id`` of the second, ``data`` the junction fields as a JSON object."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson
from sqlalchemy import Connection, bindparam, text

from zcrm.schema.related import RelatedList
from zcrm.store.records import executemany, query


def _sides(item: RelatedList) -> tuple[str, str]:
    """(the parent's column, the related record's column) of ``item``'s relation."""
    return ("left_id", "right_id") if item.parent_is_left else ("right_id", "left_id")


def links(
    conn: Connection, org_id: str, item: RelatedList, parent_id: str, ids: Sequence[str] | None
) -> dict[str, Any]:
    """related id -> junction data of the links between ``parent_id`` and those of ``ids`` that it has (``ids``
    None: all of its links of ``item``'s relation)."""
    if ids is not None and not ids:
        return {}
    mine, theirs = _sides(item)
    among = "" if ids is None else f" AND {theirs} IN ({', '.join('?' * len(ids))})"
    rows = query(
        conn,
        f"SELECT {theirs}, data FROM relations WHERE org_id = ? AND relation = ? AND {mine} = ?{among}",
        [org_id, item.relation, parent_id, *(ids or ())],
    )
    return {row[0]: orjson.loads(row[1]) for row in rows}


def save(
    conn: Connection,
    org_id: str,
    item: RelatedList,
    parent_id: str,
    added: dict[str, dict[str, Any]],
    changed: dict[str, dict[str, Any]],
    now: int,
) -> None:
    """Adds the links to ``added`` (related id -> junction data) and rewrites the data of those in ``changed``."""
    pairs = {rid: (parent_id, rid) if item.parent_is_left else (rid, parent_id) for rid in (*added, *changed)}
    executemany(
        conn,
        "INSERT INTO relations (org_id, relation, left_id, right_id, data, created_time) VALUES (?, ?, ?, ?, ?, ?)",
        [
            (org_id, item.relation, *pairs[rid], orjson.dumps(data).decode(), now)
            for rid, data in added.items()
        ],
    )
    executemany(
        conn,
        "UPDATE relations SET data = ? WHERE org_id = ? AND relation = ? AND left_id = ? AND right_id = ?",
        [(orjson.dumps(data).decode(), org_id, item.relation, *pairs[rid]) for rid, data in changed.items()],
    )


def remove(conn: Connection, org_id: str, item: RelatedList, parent_id: str, ids: Sequence[str]) -> None:
    mine, theirs = _sides(item)
    executemany(
        conn,
        f"DELETE FROM relations WHERE org_id = ? AND relation = ? AND {mine} = ? AND {theirs} = ?",
        [(org_id, item.relation, parent_id, rid) for rid in ids],
    )


def forget(conn: Connection, org_id: str, ids: Sequence[str]) -> None:
    """Removes every link of the records ``ids`` (they are being deleted)."""
    if not ids:
        return
    stmt = text(
        "DELETE FROM relations WHERE org_id = :org AND (left_id IN :ids OR right_id IN :ids)"
    ).bindparams(bindparam("ids", expanding=True))
    conn.execute(stmt, {"org": org_id, "ids": list(ids)})


def _json_text(dialect: str, name: str, column: str = "data") -> str:
    """A text field of a record's ``data`` (a lookup's id), by its bound JSON key or path ``name``."""
    if dialect == "postgresql":
        return f"({column}::jsonb ->> :{name})"
    return f"json_extract({column}, :{name})"


def related_condition(
    dialect: str,
    org_id: str,
    item: RelatedList,
    parent_id: str,
    owners: dict[str, frozenset[str] | None],
) -> tuple[str, dict[str, Any]]:
    """The SQL condition over ``records`` (and its bound values) that holds for the related records of ``item``
    under ``parent_id`` that the user sees: ``owners`` maps each related module's id to the owners whose records
    the user sees (None: all)."""
    related, params = _condition(dialect, org_id, item, parent_id, list(owners))
    visible, more = owners_condition(owners)
    return f"({related} AND {visible})", {**params, **more}


def _condition(
    dialect: str, org_id: str, item: RelatedList, parent_id: str, module_ids: list[str]
) -> tuple[str, dict[str, Any]]:
    """Lookup-based lists and activities read the lookups' search keys (``store/keys.py``); ``module_ids``: the
    modules whose records the list shows."""
    postgres = dialect == "postgresql"

    def key(api_name: str) -> str:
        return api_name if postgres else f'$."{api_name}"'

    params: dict[str, Any] = {"rel_org": org_id, "rel_parent": parent_id}
    if item.kind in ("lookup", "activities"):
        if not module_ids:
            return "1 = 0", params
        names = [item.field or ""] if item.kind == "lookup" else ["What_Id", "Who_Id"]
        params.update({f"rel_m{i}": m for i, m in enumerate(module_ids)})
        params.update({f"rel_f{i}": n for i, n in enumerate(names)})
        modules = ", ".join(f":rel_m{i}" for i in range(len(module_ids)))
        fields = ", ".join(f":rel_f{i}" for i in range(len(names)))
        return (
            f"id IN (SELECT record_id FROM text_keys WHERE org_id = :rel_org AND module_id IN ({modules})"
            f" AND field IN ({fields}) AND search_key = :rel_parent)",
            params,
        )
    if item.kind == "many":
        mine, theirs = _sides(item)
        params["rel_name"] = item.relation
        return (
            f"id IN (SELECT {theirs} FROM relations WHERE org_id = :rel_org AND relation = :rel_name"
            f" AND {mine} = :rel_parent)",
            params,
        )
    # multiselectlookup: the connected records named by the parent's linking rows
    params["rel_connected"] = key(item.connected_lookup or "")
    return (
        f"id IN (SELECT {_json_text(dialect, 'rel_connected', 'l.data')} FROM records l"
        " WHERE l.org_id = :rel_org AND l.parent_id = :rel_parent AND l.module_id = :rel_linking)",
        {**params, "rel_linking": item.module_id},
    )


def owners_condition(owners: dict[str, frozenset[str] | None]) -> tuple[str, dict[str, Any]]:
    """Records of the modules ``owners`` keys (module id -> the owners whose records the user sees; None: all)."""
    parts: list[str] = []
    params: dict[str, Any] = {}
    for index, (module_id, allowed) in enumerate(owners.items()):
        params[f"own_m{index}"] = module_id
        if allowed is None:
            parts.append(f"module_id = :own_m{index}")
            continue
        names = [f"own_{index}_{n}" for n in range(len(allowed))]
        params.update(zip(names, sorted(allowed), strict=True))
        listed = ", ".join(f":{n}" for n in names) or "NULL"
        parts.append(f"(module_id = :own_m{index} AND owner_id IN ({listed}))")
    return f"({' OR '.join(parts)})", params
