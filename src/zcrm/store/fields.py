"""An org's field definitions (table ``fields``): its own rows, or those of the template it shares them with.

A new org made from a template (``store/templates.py``) does not copy the template's fields, by far the largest
part of an org's metadata (the standard org's ~800 fields, about 380 KB): its ``orgs.fields_from`` names the
template, and its fields are the template's rows read with the org's prefix in their ids, exactly as a copy would
have written them (ids: the prefix in their first 7 digits; definitions: every ``"0000000`` that starts an id).
Fields never change once written (a schema change writes modules and profiles), so nothing ever has to be copied on
write: replacing an org's content (a snapshot import, a reset from another seed) ends the sharing and writes the
org's own rows. Every read of the ``fields`` table goes through here.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, text

from zcrm.store.records import query

PLACEHOLDER = "0000000"  # a template's id prefix (store/templates.py)
Row = tuple[str, str, int, str]  # id, module_id, seq, definition (JSON text)


def _source(conn: Connection, org_id: str) -> tuple[str, str | None]:
    """The org's prefix and the template whose fields it shares (None: it holds its own)."""
    row = conn.execute(text("SELECT prefix, fields_from FROM orgs WHERE id = :org"), {"org": org_id}).first()
    if row is None:  # a template itself (it has no orgs row) or an org being written
        return PLACEHOLDER, None
    return str(row[0]), row[1]


def rows(conn: Connection, org_id: str, module_id: str | None = None) -> list[Row]:
    """The org's fields (of one module when given) in ``module_id, seq, id`` order."""
    prefix, shared = _source(conn, org_id)
    where, params = "org_id = ?", [shared or org_id]
    if module_id is not None:
        where += " AND module_id = ?"
        params.append(module_id if shared is None else PLACEHOLDER + module_id[len(PLACEHOLDER) :])
    found = query(
        conn,
        f"SELECT id, module_id, seq, definition FROM fields WHERE {where} ORDER BY module_id, seq, id",
        params,
    )
    if shared is None:
        return [(str(i), str(m), int(s), str(d)) for i, m, s, d in found]
    return _prefixed(found, prefix)


def _prefixed(found: Sequence[tuple[str, str, int, str]], prefix: str) -> list[Row]:
    cut, quoted = len(PLACEHOLDER), f'"{prefix}'
    return [
        (prefix + i[cut:], prefix + m[cut:], int(s), d.replace(f'"{PLACEHOLDER}', quoted))
        for i, m, s, d in found
    ]


def share(conn: Connection, org_id: str, template_id: str) -> None:
    """The org's fields are now the template's (it holds none of its own)."""
    conn.execute(text("UPDATE orgs SET fields_from = :t WHERE id = :org"), {"t": template_id, "org": org_id})


def unshare(conn: Connection, org_id: str) -> None:
    """The org holds its own fields from now on (none until they are written)."""
    conn.execute(
        text("UPDATE orgs SET fields_from = NULL WHERE id = :org AND fields_from IS NOT NULL"),
        {"org": org_id},
    )
