"""First start: migrate the database, create the default org, and write working credentials."""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy import Connection

from zcrm.auth.oauth import OAuthServer
from zcrm.auth.scopes import ALL_SCOPES
from zcrm.auth.tokens import digest
from zcrm.schema.orgfile import normalise, read_org_file
from zcrm.store import oauth as oauth_store
from zcrm.store import server_meta
from zcrm.store.admin import admin_user_id
from zcrm.store.clocks import org_now
from zcrm.store.orgs import default_org_id
from zcrm.store.snapshots import new_org

SERVER_SECRET = "page_token_secret"


@dataclass(frozen=True)
class Credentials:
    base_url: str
    accounts_url: str
    client_id: str
    client_secret: str
    refresh_token: str
    access_token: str
    org_id: str
    user_id: str
    proxy_url: str | None = None  # proxy mode (docs/proxy.md): the proxy's URL and zcrm's CA certificate
    ca_file: str | None = None

    def as_json(self) -> dict[str, str]:
        """The keys of credentials.json: ``proxy_url`` and ``ca_file`` only in proxy mode."""
        return {key: value for key, value in asdict(self).items() if value is not None}


def create_org(
    conn: Connection, org_file: Path | None, now: int, *, is_default: bool = False, seed: int | None = None
) -> str:
    definition = normalise(read_org_file(org_file))
    return new_org(conn, definition, now, is_default=is_default, seed=seed, template=False)


def _read_previous(path: Path) -> dict[str, str]:
    try:
        loaded = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return loaded if isinstance(loaded, dict) else {}


def server_secret(conn: Connection, seed: int | None = None) -> bytes:
    """The server's secret for signing page tokens: made once (from ZCRM_SEED when set, so that page tokens
    repeat too), shared by every worker."""
    stored = server_meta.get(conn, SERVER_SECRET)
    if stored is not None:
        return bytes.fromhex(stored)
    if seed is None:
        secret = secrets.token_bytes(32)
    else:
        secret = hashlib.sha256(f"zcrm-page-token-secret:{seed}".encode()).digest()
    server_meta.add(conn, SERVER_SECRET, secret.hex())
    return secret


def ensure_credentials(
    conn: Connection,
    oauth: OAuthServer,
    base_url: str,
    org_file: Path | None,
    path: Path | None,
    now: int,
    proxy: tuple[str, str] | None = None,
) -> Credentials:
    """Creates the default org on first start; reuses still-valid credentials from ``path`` on restarts. ``proxy``:
    the proxy's URL and the CA certificate's path, in proxy mode."""
    org_id = default_org_id(conn)
    if org_id is None:
        org_id = create_org(conn, org_file, now, is_default=True, seed=oauth.settings.seed)
    now = org_now(conn, org_id, now)  # the default org's clock (set, advanced or frozen before a restart)
    user_id = admin_user_id(conn, org_id)
    previous = _read_previous(path) if path is not None else {}
    client_id = previous.get("client_id", "")
    client_secret = previous.get("client_secret", "")
    client = oauth_store.get_client(conn, client_id) if client_id else None
    if (
        client is None
        or client.org_id != org_id
        or not oauth.client_secret_matches(conn, client_id, client_secret)
    ):
        creds = oauth.create_client(conn, org_id, user_id, now)
        client_id, client_secret = creds.client_id, creds.client_secret
        previous = {}
    refresh = previous.get("refresh_token", "")
    if not refresh or not oauth.refresh_is_live(conn, refresh, client_id):
        refresh = oauth.issue_refresh_token(conn, client_id, org_id, user_id, ",".join(ALL_SCOPES), now)
    access = previous.get("access_token", "")
    row = oauth_store.get_token(conn, digest(access)) if access else None
    if row is None or row.kind != "access" or (row.expires_time or 0) < now + 300:
        access = oauth.issue_access_token(
            conn, digest(refresh), client_id, org_id, user_id, ",".join(ALL_SCOPES), now
        )
    creds_out = Credentials(
        base_url=base_url,
        accounts_url=f"{base_url}/oauth/v2/token",
        client_id=client_id,
        client_secret=client_secret,
        refresh_token=refresh,
        access_token=access,
        org_id=org_id,
        user_id=user_id,
        proxy_url=proxy[0] if proxy else None,
        ca_file=proxy[1] if proxy else None,
    )
    if path is not None:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(creds_out.as_json(), handle, indent=2)
        os.chmod(path, 0o600)
    return creds_out
