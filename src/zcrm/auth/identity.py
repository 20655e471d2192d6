"""Who is calling: the token's org, user and scopes, with the org's schema."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from sqlalchemy import Connection

from zcrm.auth.scopes import parse_scopes
from zcrm.auth.tokens import digest
from zcrm.clock import now_of
from zcrm.errors import AuthenticationFailure, InvalidToken
from zcrm.schema.model import OrgSchema, User
from zcrm.store.access_tokens import lookup
from zcrm.store.orgs import load_schema

PREFIX = "Zoho-oauthtoken "


@dataclass(frozen=True, slots=True)
class Identity:
    org_id: str
    user: User
    scopes: frozenset[str]
    schema: OrgSchema
    faults_version: int = 0  # the org's fault rules' version (0: it never had one; http/faulting.py)
    client_id: str = ""  # the token's OAuth client (API limits: calls in flight per client and user)


class SchemaCache:
    """Org schemas by (org id, schema version): loaded once per version, shared by every request."""

    def __init__(self) -> None:
        self._cache: dict[str, OrgSchema] = {}
        self._lock = threading.Lock()

    def get(self, conn: Connection, org_id: str, version: int) -> OrgSchema:
        cached = self._cache.get(org_id)
        if cached is not None and cached.version == version:
            return cached
        schema = load_schema(conn, org_id)
        with self._lock:
            self._cache[org_id] = schema
        return schema

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()


def bearer(header: str | None) -> str:
    """The token of a well-formed ``Zoho-oauthtoken <token>`` header, else AUTHENTICATION_FAILURE."""
    if not header or not header.startswith(PREFIX):
        raise AuthenticationFailure()
    token = header[len(PREFIX) :]
    if not token or token.strip() != token or " " in token:
        raise AuthenticationFailure()
    return token


def authenticate(conn: Connection, cache: SchemaCache, header: str | None, now: int) -> Identity:
    return authenticate_at(conn, cache, header, now)[0]


def authenticate_at(
    conn: Connection, cache: SchemaCache, header: str | None, server_now: int
) -> tuple[Identity, int]:
    """The caller's identity and the org's now (its clock, read with the token: clock.py)."""
    token = bearer(header)
    row = lookup(conn, digest(token))
    now = server_now if row is None else now_of(row.clock_offset, row.clock_frozen, server_now)
    if row is None or (row.expires_time is not None and row.expires_time < now):
        raise InvalidToken()
    schema = cache.get(conn, row.org_id, row.schema_version)
    user = schema.users_by_id.get(row.user_id)
    if user is None or user.status != "active":
        raise InvalidToken()
    ident = Identity(row.org_id, user, parse_scopes(row.scopes), schema, row.faults_version, row.client_id)
    return ident, now
