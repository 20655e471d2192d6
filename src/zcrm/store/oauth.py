"""OAuth clients and tokens. Only hashes of secrets and tokens are stored."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, text

from zcrm.store.text import storable


@dataclass(frozen=True, slots=True)
class ClientRow:
    org_id: str
    client_id: str
    secret_hash: str
    user_id: str
    redirect_uri: str | None


@dataclass(frozen=True, slots=True)
class TokenRow:
    token_hash: str
    org_id: str
    kind: str
    client_id: str
    user_id: str
    scopes: str
    parent_hash: str | None
    redirect_uri: str | None
    created_time: int
    expires_time: int | None
    used: bool


def insert_client(
    conn: Connection,
    org_id: str,
    client_id: str,
    secret_hash: str,
    user_id: str,
    name: str,
    client_type: str,
    redirect_uri: str | None,
    now: int,
) -> None:
    conn.execute(
        text(
            "INSERT INTO oauth_clients (org_id, client_id, secret_hash, name, client_type, user_id, redirect_uri,"
            " created_time) VALUES (:org, :cid, :sh, :name, :ct, :uid, :ru, :now)"
        ),
        {
            "org": org_id,
            "cid": client_id,
            "sh": secret_hash,
            "name": name,
            "ct": client_type,
            "uid": user_id,
            "ru": redirect_uri,
            "now": now,
        },
    )


def get_client(conn: Connection, client_id: str) -> ClientRow | None:
    if not storable(client_id):
        return None
    row = conn.execute(
        text(
            "SELECT org_id, client_id, secret_hash, user_id, redirect_uri FROM oauth_clients WHERE client_id = :c"
        ),
        {"c": client_id},
    ).first()
    return None if row is None else ClientRow(*row)


def insert_token(
    conn: Connection,
    token_hash: str,
    org_id: str,
    kind: str,
    client_id: str,
    user_id: str,
    scopes: str,
    now: int,
    expires: int | None,
    parent_hash: str | None = None,
    redirect_uri: str | None = None,
) -> None:
    # issue order: among a refresh token's access tokens, and among a user's refresh tokens for a client
    seq = 1
    if parent_hash is not None:
        row = conn.execute(
            text("SELECT COALESCE(MAX(seq), 0) FROM oauth_tokens WHERE parent_hash = :p"), {"p": parent_hash}
        ).one()
        seq = int(row[0]) + 1
    elif kind == "refresh":
        row = conn.execute(
            text(
                "SELECT COALESCE(MAX(seq), 0) FROM oauth_tokens WHERE kind = 'refresh' AND client_id = :c"
                " AND user_id = :u"
            ),
            {"c": client_id, "u": user_id},
        ).one()
        seq = int(row[0]) + 1
    conn.execute(
        text(
            "INSERT INTO oauth_tokens (token_hash, org_id, kind, client_id, user_id, scopes, parent_hash,"
            " redirect_uri, created_time, seq, expires_time, used)"
            " VALUES (:h, :org, :kind, :cid, :uid, :scopes, :parent, :ru, :now, :seq, :exp, :used)"
        ),
        {
            "h": token_hash,
            "org": org_id,
            "kind": kind,
            "cid": client_id,
            "uid": user_id,
            "scopes": scopes,
            "parent": parent_hash,
            "ru": redirect_uri,
            "now": now,
            "seq": seq,
            "exp": expires,
            "used": False,
        },
    )


_TOKEN_COLUMNS = (
    "token_hash, org_id, kind, client_id, user_id, scopes, parent_hash, redirect_uri, created_time,"
    " expires_time, used"
)


def get_token(conn: Connection, token_hash: str) -> TokenRow | None:
    row = conn.execute(
        text(f"SELECT {_TOKEN_COLUMNS} FROM oauth_tokens WHERE token_hash = :h"),
        {"h": token_hash},
    ).first()
    return None if row is None else TokenRow(*row)


def mark_used(conn: Connection, token_hash: str) -> bool:
    """Marks a grant code used; False when it already was (single use, race-free)."""
    result = conn.execute(
        text("UPDATE oauth_tokens SET used = :t WHERE token_hash = :h AND used = :f"),
        {"t": True, "f": False, "h": token_hash},
    )
    return result.rowcount == 1


def children(conn: Connection, parent_hash: str) -> list[tuple[str, int]]:
    """The access tokens issued from a refresh token: (hash, created_time), oldest first."""
    rows = conn.execute(
        text(
            "SELECT token_hash, created_time FROM oauth_tokens WHERE parent_hash = :p AND kind = 'access'"
            " ORDER BY seq"
        ),
        {"p": parent_hash},
    )
    return [(row[0], int(row[1])) for row in rows]


def delete_tokens(conn: Connection, hashes: list[str]) -> None:
    for token_hash in hashes:
        conn.execute(text("DELETE FROM oauth_tokens WHERE token_hash = :h"), {"h": token_hash})


def revoke(conn: Connection, token_hash: str) -> None:
    conn.execute(text("DELETE FROM oauth_tokens WHERE parent_hash = :h"), {"h": token_hash})
    conn.execute(text("DELETE FROM oauth_tokens WHERE token_hash = :h"), {"h": token_hash})


def purge_expired(conn: Connection, now: int) -> None:
    """Deletes tokens expired for a day on their org's clock (``now`` is the server's)."""
    conn.execute(
        text(
            "DELETE FROM oauth_tokens WHERE expires_time IS NOT NULL AND expires_time < (SELECT"
            " COALESCE(o.clock_frozen, :now + o.clock_offset) FROM orgs o WHERE o.id = oauth_tokens.org_id)"
            " - 86400"
        ),
        {"now": now},
    )


def refresh_tokens(conn: Connection, client_id: str, user_id: str) -> list[str]:
    """A user's refresh tokens for a client (hashes), oldest first."""
    rows = conn.execute(
        text(
            "SELECT token_hash FROM oauth_tokens WHERE kind = 'refresh' AND client_id = :c AND user_id = :u"
            " ORDER BY seq"
        ),
        {"c": client_id, "u": user_id},
    )
    return [row[0] for row in rows]


def recent_exchanges(conn: Connection, client_id: str, since: int) -> int:
    """Grant codes of a client exchanged among those issued since ``since`` (codes live 3 minutes, so this
    counts the exchanges of the last window give or take that)."""
    row = conn.execute(
        text(
            "SELECT COUNT(*) FROM oauth_tokens WHERE kind = 'grant' AND client_id = :c AND used = :t"
            " AND created_time > :since"
        ),
        {"c": client_id, "t": True, "since": since},
    ).one()
    return int(row[0])


def user_is_active(conn: Connection, org_id: str, user_id: str) -> bool:
    row = conn.execute(
        text("SELECT status FROM users WHERE org_id = :org AND id = :id"), {"org": org_id, "id": user_id}
    ).first()
    return row is not None and row[0] == "active"
