"""An org's installed functions (table ``functions``): name, handler and Python source, put there only by the
server operator (the org file, ``zcrm org …`` commands, the server admin token; docs/automation.md)."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import Connection, text

from zcrm.automation.functions import Installed


def installed(conn: Connection, org_id: str) -> dict[str, Installed]:
    """The org's functions by name, in name order."""
    rows = conn.execute(
        text("SELECT name, handler, source FROM functions WHERE org_id = :org ORDER BY name"), {"org": org_id}
    )
    return {row[0]: Installed(row[0], row[1], row[2]) for row in rows}


def get(conn: Connection, org_id: str, name: str) -> Installed | None:
    row = conn.execute(
        text("SELECT name, handler, source FROM functions WHERE org_id = :org AND name = :name"),
        {"org": org_id, "name": name},
    ).first()
    return None if row is None else Installed(row[0], row[1], row[2])


def install(conn: Connection, org_id: str, functions: Mapping[str, Installed]) -> None:
    """Adds these functions, replacing those of the same names."""
    for function in functions.values():
        conn.execute(
            text("DELETE FROM functions WHERE org_id = :org AND name = :name"),
            {"org": org_id, "name": function.name},
        )
        conn.execute(
            text(
                "INSERT INTO functions (org_id, name, handler, source) VALUES (:org, :name, :handler, :source)"
            ),
            {"org": org_id, "name": function.name, "handler": function.handler, "source": function.source},
        )


def replace(conn: Connection, org_id: str, functions: Mapping[str, Installed]) -> None:
    """The org's functions become exactly these."""
    conn.execute(text("DELETE FROM functions WHERE org_id = :org"), {"org": org_id})
    install(conn, org_id, functions)
