"""The look-up of an access token on every API call: the token's row with its org's schema version, clock and
fault rules' version, in one statement (``auth/identity.py``)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, text

_LOOKUP = text(
    "SELECT t.org_id, t.user_id, t.scopes, t.expires_time, o.schema_version, o.clock_offset, o.clock_frozen"
    ", o.faults_version, t.client_id"
    " FROM oauth_tokens t JOIN orgs o ON o.id = t.org_id WHERE t.token_hash = :h AND t.kind = 'access'"
)


@dataclass(frozen=True, slots=True)
class AccessToken:
    org_id: str
    user_id: str
    scopes: str
    expires_time: int | None
    schema_version: int
    clock_offset: int | None
    clock_frozen: int | None
    faults_version: int
    client_id: str


def lookup(conn: Connection, token_hash: str) -> AccessToken | None:
    """The access token whose hash is ``token_hash``, with its org's columns; None when there is none."""
    row = conn.execute(_LOOKUP, {"h": token_hash}).first()
    if row is None:
        return None
    return AccessToken(
        row.org_id,
        row.user_id,
        row.scopes,
        row.expires_time,
        int(row.schema_version),
        row.clock_offset,
        row.clock_frozen,
        int(row.faults_version),
        row.client_id,
    )
