"""Writing an org's access metadata: users, roles and profiles.

Definitions are stored as JSON with the keys ``store.orgs.create_org`` writes, so ``load_schema`` reads them back.
Every change bumps the org's ``schema_version``, so every worker's schema cache reloads the org.
"""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import Connection, text

from zcrm.store import fields
from zcrm.store.ids import allocate


def _dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


def bump_schema_version(conn: Connection, org_id: str) -> None:
    conn.execute(text("UPDATE orgs SET schema_version = schema_version + 1 WHERE id = :org"), {"org": org_id})


def new_id(conn: Connection, org_id: str) -> str:
    prefix = conn.execute(text("SELECT prefix FROM orgs WHERE id = :org"), {"org": org_id}).one()[0]
    return allocate(conn, org_id, str(prefix), 1)[0]


def org_exists(conn: Connection, org_id: str) -> bool:
    return conn.execute(text("SELECT 1 FROM orgs WHERE id = :org"), {"org": org_id}).first() is not None


def insert_user(conn: Connection, org_id: str, definition: dict[str, Any], now: int) -> str:
    """Stores a user; ``definition`` has the keys of an org-file user plus ``role_id`` and ``profile_id``."""
    user_id = new_id(conn, org_id)
    conn.execute(
        text(
            "INSERT INTO users (org_id, id, email, status, definition, created_time, modified_time) "
            "VALUES (:org, :id, :email, :status, :d, :now, :now)"
        ),
        {
            "org": org_id,
            "id": user_id,
            "email": definition["email"].lower(),
            "status": definition["status"],
            "d": _dumps(definition),
            "now": now,
        },
    )
    bump_schema_version(conn, org_id)
    return user_id


def user_definition(conn: Connection, org_id: str, user_id: str) -> dict[str, Any] | None:
    row = conn.execute(
        text("SELECT definition FROM users WHERE org_id = :org AND id = :id"), {"org": org_id, "id": user_id}
    ).first()
    return None if row is None else dict(orjson.loads(row[0]))


def update_user(conn: Connection, org_id: str, user_id: str, definition: dict[str, Any], now: int) -> None:
    conn.execute(
        text(
            "UPDATE users SET status = :status, definition = :d, modified_time = :now "
            "WHERE org_id = :org AND id = :id"
        ),
        {"org": org_id, "id": user_id, "status": definition["status"], "d": _dumps(definition), "now": now},
    )
    bump_schema_version(conn, org_id)


def revoke_user_tokens(conn: Connection, org_id: str, user_id: str) -> None:
    """Deletes every grant code, refresh token and access token issued for the user."""
    conn.execute(
        text("DELETE FROM oauth_tokens WHERE org_id = :org AND user_id = :uid"),
        {"org": org_id, "uid": user_id},
    )


def _next_seq(conn: Connection, table: str, org_id: str) -> int:
    row = conn.execute(
        text(f"SELECT COALESCE(MAX(seq), -1) FROM {table} WHERE org_id = :org"), {"org": org_id}
    )
    return int(row.one()[0]) + 1


def insert_meta(conn: Connection, table: str, org_id: str, definition: dict[str, Any]) -> str:
    """Stores a role or profile definition after the org's existing ones; returns its id."""
    if table not in ("roles", "profiles"):
        raise ValueError(table)
    row_id = new_id(conn, org_id)
    conn.execute(
        text(
            f"INSERT INTO {table} (org_id, id, module_id, seq, definition) VALUES (:org, :id, NULL, :seq, :d)"
        ),
        {"org": org_id, "id": row_id, "seq": _next_seq(conn, table, org_id), "d": _dumps(definition)},
    )
    bump_schema_version(conn, org_id)
    return row_id


def first_client(conn: Connection, org_id: str) -> str | None:
    """The org's oldest OAuth client (for the default org, the client of its first credentials)."""
    row = conn.execute(
        text("SELECT client_id FROM oauth_clients WHERE org_id = :org ORDER BY created_time, client_id"),
        {"org": org_id},
    ).first()
    return None if row is None else str(row[0])


def module_definitions(
    conn: Connection, org_id: str, module_id: str
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A module's stored definition and its fields' (in order), as the org file's normaliser left them."""
    module = conn.execute(
        text("SELECT definition FROM modules WHERE org_id = :org AND id = :id"),
        {"org": org_id, "id": module_id},
    ).one()
    return orjson.loads(module[0]), [orjson.loads(row[3]) for row in fields.rows(conn, org_id, module_id)]


def update_module_definition(
    conn: Connection, org_id: str, module_id: str, definition: dict[str, Any]
) -> None:
    conn.execute(
        text("UPDATE modules SET definition = :d WHERE org_id = :org AND id = :id"),
        {"d": _dumps(definition), "org": org_id, "id": module_id},
    )
    bump_schema_version(conn, org_id)


def admin_user_id(conn: Connection, org_id: str) -> str:
    """The org's first active user (in id order) with an administrator profile; reads users and profiles only,
    not the whole schema."""
    params = {"org": org_id}
    profiles = conn.execute(text("SELECT id, definition FROM profiles WHERE org_id = :org"), params)
    admin_profiles = {row[0] for row in profiles if orjson.loads(row[1]).get("admin", False)}
    users = conn.execute(
        text("SELECT id, status, definition FROM users WHERE org_id = :org ORDER BY id"), params
    )
    for user_id, status, definition in users:
        if status == "active" and orjson.loads(definition)["profile_id"] in admin_profiles:
            return str(user_id)
    raise RuntimeError("the org has no active administrator")  # pragma: no cover - the loader ensures one
