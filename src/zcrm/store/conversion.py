"""What Convert Lead reads and moves besides records (zoho-v5-related.md §8.2, §8.4): candidate matches found
through the search keys, and the lead's notes, attachments, many-to-many links and tags moved or copied to the
records it became. Tables as migrations 0001, 0013 and 0016 define them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson
from sqlalchemy import Connection, text

from zcrm.records.model import StoredRecord
from zcrm.store import ids as id_store
from zcrm.store import records as record_store
from zcrm.store.keys import text_key

# a lead's many-to-many relations and the contact's they become: (lead's, contact's, the lead's side)
LINKS = (("Campaigns.Leads", "Campaigns.Contacts", "right"), ("Leads.Products", "Contacts.Products", "left"))


def text_matches(conn: Connection, org_id: str, module_id: str, field: str, value: str) -> list[StoredRecord]:
    """The top-level records of the module whose ``field`` has ``value``'s text key (equal ignoring case, up to
    the key's length: callers check the values themselves)."""
    rows = conn.execute(
        text(
            "SELECT record_id FROM text_keys WHERE org_id = :org AND module_id = :m AND field = :f"
            " AND search_key = :k"
        ),
        {"org": org_id, "m": module_id, "f": field, "k": text_key(value)},
    )
    ids = [row[0] for row in rows]
    found = record_store.fetch(conn, org_id, ids, module_id=module_id)
    return [r for r in found.values() if r.parent_id is None]


def notes_mentioning(
    conn: Connection, org_id: str, notes_module_id: str, record_id: str
) -> list[StoredRecord]:
    """The notes whose data mentions ``record_id`` (a digit string): a superset of the record's notes."""
    rows = conn.execute(
        text(
            "SELECT id FROM records WHERE org_id = :org AND module_id = :m AND parent_id IS NULL"
            " AND data LIKE :mention"
        ),
        {"org": org_id, "m": notes_module_id, "mention": f"%{record_id}%"},
    )
    return list(record_store.fetch(conn, org_id, [row[0] for row in rows]).values())


def set_data(conn: Connection, org_id: str, changes: Sequence[tuple[str, dict[str, Any]]]) -> None:
    """Replaces the data of records, (id, data) each; nothing else of them changes."""
    record_store.executemany(
        conn,
        "UPDATE records SET data = ? WHERE org_id = ? AND id = ?",
        [(orjson.dumps(data).decode(), org_id, record_id) for record_id, data in changes],
    )


def move_attachments(conn: Connection, org_id: str, from_id: str, to_id: str, to_module_id: str) -> None:
    """Every attachment of record ``from_id`` becomes one of ``to_id`` (of module ``to_module_id``)."""
    conn.execute(
        text(
            "UPDATE attachments SET record_id = :to, module_id = :m WHERE org_id = :org AND record_id = :src"
        ),
        {"to": to_id, "m": to_module_id, "org": org_id, "src": from_id},
    )


def move_links(conn: Connection, org_id: str, lead_id: str, contact_id: str) -> None:
    """The lead's campaign and product links become the contact's, with their junction data; a pair the contact
    has already keeps its own."""
    for old, new, side in LINKS:
        mine, other = ("left_id", "right_id") if side == "left" else ("right_id", "left_id")
        rows = conn.execute(
            text(
                f"SELECT {other}, data, created_time FROM relations WHERE org_id = :org AND relation = :r AND {mine} = :id"
            ),
            {"org": org_id, "r": old, "id": lead_id},
        ).all()
        if not rows:
            continue
        linked = {
            row[0]
            for row in conn.execute(
                text(f"SELECT {other} FROM relations WHERE org_id = :org AND relation = :r AND {mine} = :id"),
                {"org": org_id, "r": new, "id": contact_id},
            )
        }
        added = [
            {"org": org_id, "r": new, "mine": contact_id, "other": row[0], "data": row[1], "t": row[2]}
            for row in rows
            if row[0] not in linked
        ]
        if added:
            conn.execute(
                text(
                    f"INSERT INTO relations (org_id, relation, {mine}, {other}, data, created_time)"
                    " VALUES (:org, :r, :mine, :other, :data, :t)"
                ),
                added,
            )
        conn.execute(
            text(f"DELETE FROM relations WHERE org_id = :org AND relation = :r AND {mine} = :id"),
            {"org": org_id, "r": old, "id": lead_id},
        )


def record_tag_names(conn: Connection, org_id: str, record_id: str) -> list[tuple[str, str | None]]:
    """(name, color code) of the tags a record carries."""
    rows = conn.execute(
        text(
            "SELECT t.name, t.color_code FROM record_tags rt JOIN tags t ON t.org_id = rt.org_id AND t.id = rt.tag_id"
            " WHERE rt.org_id = :org AND rt.record_id = :id ORDER BY t.name"
        ),
        {"org": org_id, "id": record_id},
    )
    return [(row[0], row[1]) for row in rows]


def add_tags(
    conn: Connection,
    org_id: str,
    prefix: str,
    record_id: str,
    module_id: str,
    tags: Sequence[tuple[str, str | None]],
    user_id: str,
    now: int,
) -> None:
    """Tags the record with ``tags`` (name, color code): the module's tag of that name (ignoring case), created when
    the module has none; a tag the record carries already is left as it is."""
    if not tags:
        return
    known = {
        row[1].lower(): row[0]
        for row in conn.execute(
            text("SELECT id, name FROM tags WHERE org_id = :org AND module_id = :m"),
            {"org": org_id, "m": module_id},
        )
    }
    missing = list(
        {name.lower(): (name, color) for name, color in tags if name.lower() not in known}.values()
    )
    for tag_id, (name, color) in zip(
        id_store.allocate(conn, org_id, prefix, len(missing)), missing, strict=True
    ):
        conn.execute(
            text(
                "INSERT INTO tags (org_id, id, module_id, name, color_code, created_by, modified_by, created_time,"
                " modified_time) VALUES (:org, :id, :m, :name, :color, :u, :u, :t, :t)"
            ),
            {
                "org": org_id,
                "id": tag_id,
                "m": module_id,
                "name": name,
                "color": color,
                "u": user_id,
                "t": now,
            },
        )
        known[name.lower()] = tag_id
    carried = {
        row[0]
        for row in conn.execute(
            text("SELECT tag_id FROM record_tags WHERE org_id = :org AND record_id = :id"),
            {"org": org_id, "id": record_id},
        )
    }
    wanted = dict.fromkeys(known[name.lower()] for name, _ in tags)
    added = [{"org": org_id, "r": record_id, "t": tag_id} for tag_id in wanted if tag_id not in carried]
    if added:
        conn.execute(
            text("INSERT INTO record_tags (org_id, record_id, tag_id) VALUES (:org, :r, :t)"),
            added,
        )
