"""OAuth reads and writes of the control plane and of the consent page (``/oauth/v2/auth``, docs/oauth.md): the
client a token was issued to, the page's client and user, the server's secret, and the grant code the page issues."""

from __future__ import annotations

from sqlalchemy import Connection

from zcrm.auth.oauth import OAuthServer
from zcrm.auth.tokens import digest
from zcrm.store import oauth as oauth_store
from zcrm.store import web as web_store
from zcrm.store.clocks import org_now
from zcrm.store.web import WebClient as WebClient
from zcrm.store.web import WebUser as WebUser


def token_client(conn: Connection, token: str) -> str | None:
    """The OAuth client the token was issued to (None: no such token)."""
    found = oauth_store.get_token(conn, digest(token))
    return found.client_id if found is not None else None


def web_client(conn: Connection, client_id: str) -> WebClient | None:
    """The client the consent page signs in to (None: not registered)."""
    return web_store.get_client(conn, client_id)


def active_user(conn: Connection, org_id: str, email: str) -> WebUser | None:
    """The org's active user with this email."""
    return web_store.active_user(conn, org_id, email)


def server_secret(conn: Connection) -> bytes | None:
    return web_store.server_secret(conn)


def grant_code(
    conn: Connection,
    oauth: OAuthServer,
    client: WebClient,
    email: str,
    signed_in: WebUser,
    scopes: tuple[str, ...],
    redirect_uri: str,
    now: int,
) -> str | None:
    """A grant code for ``signed_in`` (who signed in with ``email``), expiring on the org's clock; None when the
    user is no longer active under that email or their password changed since the sign-in was checked (``now``:
    the server's clock)."""
    user = web_store.active_user(conn, client.org_id, email)
    if user is None or user.id != signed_in.id or user.password_hash != signed_in.password_hash:
        return None
    org_time = org_now(conn, client.org_id, now)
    return oauth.issue_grant_code(conn, client.client_id, user.id, ",".join(scopes), org_time, redirect_uri)
