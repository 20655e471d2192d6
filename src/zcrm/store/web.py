"""Queries of the OAuth consent page (``GET/POST /oauth/v2/auth``): the client with its org, the org's active
users by email (with their password hash), and the server secret its form tokens are signed with."""

from __future__ import annotations

from dataclasses import dataclass

import orjson
from sqlalchemy import Connection, text

from zcrm.store import server_meta
from zcrm.store.text import storable

SERVER_SECRET = "page_token_secret"  # the key bootstrap.server_secret stores the server's secret under


@dataclass(frozen=True, slots=True)
class WebClient:
    client_id: str
    name: str
    org_id: str
    company_name: str
    redirect_uri: str | None


@dataclass(frozen=True, slots=True)
class WebUser:
    id: str
    email: str
    full_name: str
    password_hash: str | None = None


def get_client(conn: Connection, client_id: str) -> WebClient | None:
    if not storable(client_id):
        return None
    row = conn.execute(
        text(
            "SELECT c.client_id, c.name, c.org_id, o.info, c.redirect_uri FROM oauth_clients c"
            " JOIN orgs o ON o.id = c.org_id WHERE c.client_id = :c"
        ),
        {"c": client_id},
    ).first()
    if row is None:
        return None
    info = orjson.loads(row.info)
    company = info.get("company_name", "") if isinstance(info, dict) else ""
    return WebClient(row.client_id, row.name, row.org_id, str(company or ""), row.redirect_uri)


def active_user(conn: Connection, org_id: str, email: str) -> WebUser | None:
    """The org's active user with this email (emails are stored lower-cased), or None."""
    if not storable(email):
        return None
    row = conn.execute(
        text(
            "SELECT id, email, definition FROM users WHERE org_id = :o AND email = :e AND status = 'active'"
        ),
        {"o": org_id, "e": email.strip().lower()},
    ).first()
    if row is None:
        return None
    definition = orjson.loads(row.definition)
    name = f"{definition.get('first_name') or ''} {definition.get('last_name') or ''}".strip()
    password_hash = definition.get("password_hash")
    return WebUser(row.id, row.email, name, password_hash if isinstance(password_hash, str) else None)


def server_secret(conn: Connection) -> bytes | None:
    """The server's secret (written by bootstrap on first start), or None before it exists."""
    stored = server_meta.get(conn, SERVER_SECRET)
    return None if stored is None else bytes.fromhex(stored)
