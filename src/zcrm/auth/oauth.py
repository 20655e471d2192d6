"""The OAuth server: the token endpoint's grants, revocation, and issuing tokens for the CLI and tests.

Every answer of the token endpoint is a JSON object (HTTP 200 even for errors, behaviour §7.1/§7.2).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from zcrm.auth.scopes import is_known_scope, parse_scopes
from zcrm.auth.tokens import digest, matches, new_client_id, new_client_secret, new_token
from zcrm.datacentres import api_domain
from zcrm.settings import Settings
from zcrm.store import oauth as store
from zcrm.store.clocks import org_now

GRANT_TYPES = ("authorization_code", "refresh_token", "client_credentials")
RATE_WINDOW = 600


class OAuthError(Exception):
    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


@dataclass(frozen=True)
class ClientCredentials:
    client_id: str
    client_secret: str


class OAuthServer:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    # -- issuing -------------------------------------------------------------------------------------
    def create_client(
        self,
        conn: Connection,
        org_id: str,
        user_id: str,
        now: int,
        *,
        name: str = "Self Client",
        client_type: str = "self",
        redirect_uri: str | None = None,
    ) -> ClientCredentials:
        client_id, secret = new_client_id(), new_client_secret()
        store.insert_client(
            conn, org_id, client_id, digest(secret), user_id, name, client_type, redirect_uri, now
        )
        return ClientCredentials(client_id, secret)

    def issue_grant_code(
        self,
        conn: Connection,
        client_id: str,
        user_id: str,
        scopes: str,
        now: int,
        redirect_uri: str | None = None,
    ) -> str:
        client = store.get_client(conn, client_id)
        if client is None:
            raise OAuthError("invalid_client")
        code = new_token()
        store.insert_token(
            conn,
            digest(code),
            client.org_id,
            "grant",
            client_id,
            user_id,
            scopes,
            now,
            now + self.settings.grant_code_ttl,
            redirect_uri=redirect_uri,
        )
        return code

    def issue_refresh_token(
        self, conn: Connection, client_id: str, org_id: str, user_id: str, scopes: str, now: int
    ) -> str:
        token = new_token()
        store.insert_token(conn, digest(token), org_id, "refresh", client_id, user_id, scopes, now, None)
        live = store.refresh_tokens(conn, client_id, user_id)
        for oldest in live[: max(0, len(live) - self.settings.max_refresh_tokens_per_user)]:
            store.revoke(conn, oldest)  # the 21st refresh token invalidates the oldest (behaviour §7.3)
        return token

    def issue_access_token(
        self,
        conn: Connection,
        refresh_hash: str | None,
        client_id: str,
        org_id: str,
        user_id: str,
        scopes: str,
        now: int,
    ) -> str:
        token = new_token()
        store.insert_token(
            conn,
            digest(token),
            org_id,
            "access",
            client_id,
            user_id,
            scopes,
            now,
            now + self.settings.access_token_ttl,
            parent_hash=refresh_hash,
        )
        if refresh_hash is not None:
            live = [h for h, _ in store.children(conn, refresh_hash)]
            excess = len(live) - self.settings.max_access_tokens_per_refresh
            if excess > 0:
                store.delete_tokens(conn, live[:excess])
        return token

    def refresh_is_live(self, conn: Connection, refresh_token: str, client_id: str) -> bool:
        row = store.get_token(conn, digest(refresh_token))
        return row is not None and row.kind == "refresh" and row.client_id == client_id

    def client_secret_matches(self, conn: Connection, client_id: str, secret: str) -> bool:
        client = store.get_client(conn, client_id)
        return client is not None and matches(secret, client.secret_hash)

    # -- the token endpoint --------------------------------------------------------------------------
    def token(
        self, conn: Connection, params: dict[str, str], now: int, way_in: str | None = None
    ) -> dict[str, Any]:
        """The token endpoint at the server's ``now`` (each grant then runs on its org's clock). ``way_in``: the Zoho
        host the request came through the proxy for (None: the plain port), which the ``api_domain`` follows."""
        try:
            return self._token(conn, params, now, api_domain(way_in, self.settings.base_url))
        except OAuthError as exc:
            return {"error": exc.error}

    def _client(self, conn: Connection, params: dict[str, str]) -> store.ClientRow:
        client = store.get_client(conn, params.get("client_id", ""))
        if client is None:
            raise OAuthError("invalid_client")
        if not matches(params.get("client_secret", ""), client.secret_hash):
            raise OAuthError("invalid_client_secret")
        return client

    def _success(self, access: str, domain: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"access_token": access}
        body.update(extra or {})
        body.update(
            {
                "api_domain": domain,
                "token_type": "Bearer",
                "expires_in": self.settings.access_token_ttl,
            }
        )
        return body

    def _token(self, conn: Connection, params: dict[str, str], now: int, domain: str) -> dict[str, Any]:
        grant_type = params.get("grant_type", "")
        if grant_type not in GRANT_TYPES:
            raise OAuthError("unsupported_grant_type")
        client = self._client(conn, params)
        now = org_now(conn, client.org_id, now)  # the org's clock (the client's org is the tokens' org)
        if grant_type == "refresh_token":
            refresh_hash = digest(params.get("refresh_token", ""))
            row = store.get_token(conn, refresh_hash)
            if row is None or row.kind != "refresh" or row.client_id != client.client_id:
                raise OAuthError("invalid_code")
            if not store.user_is_active(conn, row.org_id, row.user_id):
                raise OAuthError("access_denied")
            recent = [t for _, t in store.children(conn, refresh_hash) if t > now - RATE_WINDOW]
            if len(recent) >= self.settings.token_rate_limit:
                raise OAuthError("access_denied")
            access = self.issue_access_token(
                conn, refresh_hash, client.client_id, row.org_id, row.user_id, row.scopes, now
            )
            return self._success(access, domain)
        if grant_type == "authorization_code":
            code_hash = digest(params.get("code", ""))
            row = store.get_token(conn, code_hash)
            if row is None or row.kind != "grant" or row.client_id != client.client_id or row.used:
                raise OAuthError("invalid_code")
            if row.expires_time is not None and row.expires_time < now:
                raise OAuthError("invalid_code")
            if not store.user_is_active(conn, row.org_id, row.user_id):
                raise OAuthError("access_denied")
            sent_uri = params.get("redirect_uri")
            if sent_uri is not None and sent_uri != (row.redirect_uri or client.redirect_uri):
                raise OAuthError("invalid_redirect_uri")
            if (
                store.recent_exchanges(conn, client.client_id, now - RATE_WINDOW)
                >= self.settings.grant_rate_limit
            ):
                raise OAuthError("access_denied")
            if not store.mark_used(conn, code_hash):
                raise OAuthError("invalid_code")
            refresh = self.issue_refresh_token(
                conn, client.client_id, row.org_id, row.user_id, row.scopes, now
            )
            access = self.issue_access_token(
                conn, digest(refresh), client.client_id, row.org_id, row.user_id, row.scopes, now
            )
            return self._success(access, domain, {"refresh_token": refresh})
        # client_credentials
        soid = params.get("soid", "")
        if not soid:
            raise OAuthError("missing_org_info")
        if soid != f"ZohoCRM.{client.org_id}":
            raise OAuthError("invalid_client")
        if not store.user_is_active(conn, client.org_id, client.user_id):
            raise OAuthError("access_denied")
        scopes = parse_scopes(params.get("scope", ""))
        if not scopes or not all(is_known_scope(scope) for scope in scopes):
            raise OAuthError("invalid_scope")
        scope_text = " ".join(sorted(s for s in params.get("scope", "").replace(",", " ").split() if s))
        access = self.issue_access_token(
            conn, None, client.client_id, client.org_id, client.user_id, scope_text, now
        )
        return self._success(access, domain, {"scope": scope_text})

    def revoke(self, conn: Connection, token: str) -> dict[str, Any]:
        if token:
            store.revoke(conn, digest(token))
        return {"status": "success"}
