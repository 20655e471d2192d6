"""Provisioning access: new orgs with working credentials, OAuth clients, and tokens for tests (docs/access.md).

Used by the ``/__zcrm/`` control plane and by the CLI. Secrets and tokens are returned once; only their hashes are
stored.
"""

from __future__ import annotations

import functools
from typing import Any

import orjson
from sqlalchemy import Connection

from zcrm import control_input as b
from zcrm.auth.oauth import OAuthServer
from zcrm.auth.scopes import ALL_SCOPES, is_known_scope
from zcrm.auth.tokens import digest
from zcrm.bootstrap import Credentials
from zcrm.datacentres import api_domain
from zcrm.errors import InvalidData, MandatoryNotFound, invalid_id
from zcrm.schema.model import OrgSchema, User
from zcrm.schema.orgfile import OrgFileError, normalise, read_org_file
from zcrm.store import oauth as oauth_store
from zcrm.store.admin import admin_user_id
from zcrm.store.snapshots import new_org
from zcrm.store.templates import Definition, definition_of
from zcrm.store.text import storable

CLIENT_TYPES = ["self", "server"]
MAX_URL = 2_000  # a redirect URI
INACTIVE_USER = "the user is not active"


@functools.lru_cache(maxsize=1)
def _standard() -> Definition:
    return definition_of(normalise(read_org_file(None)))


@functools.lru_cache(maxsize=16)
def _from_text(raw_text: str) -> Definition:
    return definition_of(normalise(orjson.loads(raw_text)))


def _definition(raw: dict[str, Any] | None) -> Definition:
    """The normalised definition of a raw one (None: the standard org), from the recent ones when it is one."""
    try:
        if raw is None:
            return _standard()
        try:
            text = orjson.dumps(raw, option=orjson.OPT_SORT_KEYS).decode()
        except (
            TypeError
        ):  # not JSON as it is (a YAML file's keys that are not strings): normalised every time
            return definition_of(normalise(raw))
        return _from_text(text)
    except OrgFileError as exc:
        raise InvalidData(str(exc), {"api_name": "org_file"}) from None


def create_org(
    conn: Connection, oauth: OAuthServer, raw: dict[str, Any] | None, base_url: str, now: int
) -> dict[str, str]:
    """Creates an isolated org from a raw org definition (the org-file format; None: the standard org) and returns
    credentials for its administrator, with the keys of credentials.json."""
    # ``now`` is the server's: a new org's clock is the server's
    org_id = new_org(conn, _definition(raw), now, seed=oauth.settings.seed)
    return admin_credentials(conn, oauth, org_id, base_url, now)


def admin_credentials(
    conn: Connection, oauth: OAuthServer, org_id: str, base_url: str, now: int
) -> dict[str, str]:
    """Credentials for the org's first active administrator: a new self client, refresh and access tokens with
    every scope (the keys of credentials.json)."""
    user_id = admin_user_id(conn, org_id)
    client = oauth.create_client(conn, org_id, user_id, now)
    scopes = ",".join(ALL_SCOPES)
    refresh = oauth.issue_refresh_token(conn, client.client_id, org_id, user_id, scopes, now)
    access = oauth.issue_access_token(conn, digest(refresh), client.client_id, org_id, user_id, scopes, now)
    credentials = Credentials(
        base_url=base_url,
        accounts_url=f"{base_url}/oauth/v2/token",
        client_id=client.client_id,
        client_secret=client.client_secret,
        refresh_token=refresh,
        access_token=access,
        org_id=org_id,
        user_id=user_id,
    )
    return credentials.as_json()


def org_from_body(body: dict[str, Any]) -> dict[str, Any] | None:
    """The raw org definition of a ``POST /__zcrm/orgs`` body: ``org_file``, or None for the standard org."""
    b.only_keys(body, ("org_file",))
    return b.json_object(body, "org_file")


def create_client(
    conn: Connection, oauth: OAuthServer, org_id: str, user_id: str, body: dict[str, Any], now: int
) -> dict[str, Any]:
    b.only_keys(body, ("name", "client_type", "redirect_uri"))
    name = b.text(body, "name") or "Self Client"
    client_type = b.choice(body, "client_type", CLIENT_TYPES, "self") or "self"
    redirect_uri = b.text(body, "redirect_uri", max_length=MAX_URL)
    for key, value in (("name", name), ("redirect_uri", redirect_uri)):
        if value is not None and not storable(value):  # PostgreSQL's text holds no NUL
            raise InvalidData(details={"api_name": key})
    if client_type == "server" and redirect_uri is None:
        raise MandatoryNotFound(details={"api_name": "redirect_uri"})
    created = oauth.create_client(
        conn, org_id, user_id, now, name=name, client_type=client_type, redirect_uri=redirect_uri
    )
    return {
        "client_id": created.client_id,
        "client_secret": created.client_secret,
        "name": name,
        "client_type": client_type,
        "redirect_uri": redirect_uri,
    }


def _scopes(raw: Any) -> list[str]:
    if isinstance(raw, str):
        scopes = [s for s in raw.replace(",", " ").split() if s]
    elif isinstance(raw, list) and all(isinstance(s, str) for s in raw):
        scopes = [s.strip() for s in raw if s.strip()]
    elif raw is None:
        scopes = []
    else:
        raise InvalidData(details={"api_name": "scope", "expected_data_type": "string"})
    if not scopes:
        raise MandatoryNotFound(details={"api_name": "scope"})
    if any(len(s) > b.MAX_TEXT for s in scopes):
        raise b.too_long("scope", b.MAX_TEXT)
    unknown = [s for s in scopes if not is_known_scope(s)]
    if unknown:
        raise InvalidData(details={"api_name": "scope", "value": unknown[0]})
    return list(dict.fromkeys(scopes))


def token_user(schema: OrgSchema, body: dict[str, Any]) -> User:
    """The active user named by ``user_id`` or ``email``."""
    user_id = b.text(body, "user_id")
    email = b.text(body, "email")
    if user_id is None and email is None:
        raise MandatoryNotFound(details={"api_name": "user_id"})
    if user_id is not None:
        user = schema.users_by_id.get(user_id)
        if user is None:
            raise invalid_id({"api_name": "user_id"})
    else:
        assert email is not None
        user = next((u for u in schema.users if u.email.lower() == email.lower()), None)
        if user is None:
            raise InvalidData(details={"api_name": "email"})
    if user.status != "active":
        raise InvalidData(
            INACTIVE_USER, {"api_name": "user_id" if user_id else "email", "status": user.status}
        )
    return user


def issue_tokens(
    conn: Connection,
    oauth: OAuthServer,
    schema: OrgSchema,
    body: dict[str, Any],
    default_client: str | None,
    now: int,
    way_in: str | None = None,
) -> dict[str, Any]:
    """A refresh token and an access token for an active user of the org, with exactly the given scopes; the
    ``api_domain`` follows ``way_in`` as the token endpoint's (``OAuthServer.token``)."""
    b.only_keys(body, ("user_id", "email", "scope", "client_id"))
    user = token_user(schema, body)
    scopes = _scopes(body.get("scope"))
    client_id = b.text(body, "client_id") or default_client
    client = oauth_store.get_client(conn, client_id) if client_id else None
    if client is None or client.org_id != schema.org.id:
        if b.text(body, "client_id") is None:
            raise MandatoryNotFound(details={"api_name": "client_id"})
        raise InvalidData(details={"api_name": "client_id"})
    text = ",".join(scopes)
    refresh = oauth.issue_refresh_token(conn, client.client_id, schema.org.id, user.id, text, now)
    access = oauth.issue_access_token(
        conn, digest(refresh), client.client_id, schema.org.id, user.id, text, now
    )
    return {
        "access_token": access,
        "refresh_token": refresh,
        "api_domain": api_domain(way_in, oauth.settings.base_url),
        "token_type": "Bearer",
        "expires_in": oauth.settings.access_token_ttl,
        "scope": " ".join(scopes),
        "client_id": client.client_id,
        "user_id": user.id,
    }
