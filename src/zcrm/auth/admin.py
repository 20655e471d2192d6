"""The server admin token: authorises server-level control calls (``POST /__zcrm/orgs``).

Only its SHA-256 is stored (``server_meta``, key ``admin_token``). The token itself is written to
``<data dir>/admin-token`` (mode 600) and reused while its hash matches the stored one. ``ZCRM_ADMIN_TOKEN`` fixes
its value.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from sqlalchemy import Connection

from zcrm.auth.tokens import digest, matches
from zcrm.store import server_meta

META_KEY = "admin_token"
FILE_NAME = "admin-token"
ENV_VAR = "ZCRM_ADMIN_TOKEN"
BEARER = "Zoho-oauthtoken "


def configured_token() -> str | None:
    """The value ``ZCRM_ADMIN_TOKEN`` fixes, if any."""
    value = os.environ.get(ENV_VAR, "").strip()
    return value or None


def _read_file(path: Path) -> str | None:
    try:
        return path.read_text("utf-8").strip() or None
    except OSError:
        return None


def _write_file(path: Path, token: str) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(token + "\n")
    os.chmod(path, 0o600)


def ensure_admin_token(conn: Connection, data_dir: Path) -> str:
    """The server admin token: ``ZCRM_ADMIN_TOKEN``, else the one in ``<data_dir>/admin-token`` while its hash
    matches the stored one, else a new one. Stores its hash and (re)writes the file. Run in a write transaction."""
    path = Path(data_dir) / FILE_NAME
    stored = server_meta.get(conn, META_KEY)
    on_file = _read_file(path)
    token = configured_token()
    if token is None:
        token = on_file if on_file is not None and stored is not None and matches(on_file, stored) else None
    if token is None:
        token = secrets.token_hex(32)
    if stored != digest(token):
        server_meta.put(conn, META_KEY, digest(token))
    if on_file != token:
        _write_file(path, token)
    return token


def presented_token(authorization: str | None, admin_header: str | None) -> str | None:
    """The token a request presents: ``X-ZCRM-Admin-Token: <token>`` or ``Authorization: Zoho-oauthtoken <token>``."""
    if admin_header:
        return admin_header.strip()
    if authorization and authorization.startswith(BEARER):
        return authorization[len(BEARER) :].strip() or None
    return None


def settled_hash(conn: Connection) -> str | None:
    """The stored hash of the server admin token when ``current_hash`` would leave it as it is (it exists, and
    matches ``ZCRM_ADMIN_TOKEN`` when that is set); None when it must be made first. Reads only."""
    stored = server_meta.get(conn, META_KEY)
    fixed = configured_token()
    if stored is None or (fixed is not None and stored != digest(fixed)):
        return None
    return stored


def current_hash(conn: Connection, data_dir: Path) -> str:
    """The stored hash of the server admin token. Creates the token on first use (or when ``ZCRM_ADMIN_TOKEN``
    changed since it was stored), so this must run in a write transaction that is committed."""
    stored = server_meta.get(conn, META_KEY)
    fixed = configured_token()
    if stored is None or (fixed is not None and stored != digest(fixed)):
        stored = digest(ensure_admin_token(conn, data_dir))
    return stored


def is_admin_token(presented: str | None, stored_hash: str) -> bool:
    return presented is not None and matches(presented, stored_hash)
