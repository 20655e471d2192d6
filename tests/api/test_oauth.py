"""Contract tests of the OAuth endpoints (behaviour §7) and of token validity on /crm/v5."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from starlette.testclient import TestClient

from tests.conftest import Api, FakeClock, make_settings
from zcrm.app import create_app
from zcrm.settings import Settings

JSON = "application/json;charset=UTF-8"
BASE = "http://127.0.0.1:8000"
TOKEN = re.compile(r"^1000\.[0-9a-f]{32}\.[0-9a-f]{32}$")
INVALID_TOKEN = {"code": "INVALID_TOKEN", "details": {}, "message": "invalid oauth token", "status": "error"}
SCOPE_MISMATCH = {
    "code": "OAUTH_SCOPE_MISMATCH",
    "details": {},
    "message": "invalid oauth scope to access this URL",
    "status": "error",
}
ALL_SCOPES = "ZohoCRM.modules.ALL,ZohoCRM.settings.ALL,ZohoCRM.users.ALL,ZohoCRM.org.ALL"


def token_call(client: TestClient, **params: str) -> Any:
    """POSTs a urlencoded form to the token endpoint, as the SDK does; every answer is 200 JSON."""
    response = client.post("/oauth/v2/token", data=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == JSON
    return response.json()


def refresh(api: Api, refresh_token: str | None = None) -> Any:
    return token_call(
        api.client,
        grant_type="refresh_token",
        client_id=api.creds.client_id,
        client_secret=api.creds.client_secret,
        refresh_token=refresh_token or api.creds.refresh_token,
    )


def org_with(client: TestClient, access_token: str) -> Any:
    return client.get("/crm/v5/org", headers={"Authorization": f"Zoho-oauthtoken {access_token}"})


def assert_works(client: TestClient, access_token: str) -> None:
    response = org_with(client, access_token)
    assert response.status_code == 200, response.text


def assert_invalid(client: TestClient, access_token: str) -> None:
    response = org_with(client, access_token)
    assert response.status_code == 401, response.text
    assert response.json() == INVALID_TOKEN


def new_refresh_token(api: Api, scopes: str = ALL_SCOPES) -> str:
    """A fresh refresh token of the admin with no access tokens issued from it yet."""
    state = api.client.app.state.zcrm  # type: ignore[attr-defined]
    with state.db.write() as conn:
        return str(
            state.oauth.issue_refresh_token(
                conn, api.creds.client_id, api.creds.org_id, api.creds.user_id, scopes, state.clock.now()
            )
        )


def grant_code(
    api: Api, *, scopes: str = ALL_SCOPES, now: int | None = None, client_id: str | None = None
) -> str:
    state = api.client.app.state.zcrm  # type: ignore[attr-defined]
    with state.db.write() as conn:
        return str(
            state.oauth.issue_grant_code(
                conn,
                client_id or api.creds.client_id,
                api.creds.user_id,
                scopes,
                state.clock.now() if now is None else now,
            )
        )


def exchange(api: Api, code: str, **extra: str) -> Any:
    return token_call(
        api.client,
        grant_type="authorization_code",
        client_id=extra.pop("client_id", api.creds.client_id),
        client_secret=extra.pop("client_secret", api.creds.client_secret),
        code=code,
        **extra,
    )


# -- refresh_token grant -------------------------------------------------------------------------------


def test_refresh_token_grant_returns_a_bearer_token(api: Api) -> None:
    body = refresh(api)
    assert list(body) == ["access_token", "api_domain", "token_type", "expires_in"]
    assert TOKEN.match(body["access_token"])
    assert body["api_domain"] == BASE
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert "expires_in_sec" not in body
    assert body["access_token"] != api.creds.access_token
    assert_works(api.client, body["access_token"])
    assert_works(api.client, api.creds.access_token)  # older tokens stay valid


def test_token_parameters_in_the_query_string_and_multipart(api: Api) -> None:
    params = {
        "grant_type": "refresh_token",
        "client_id": api.creds.client_id,
        "client_secret": api.creds.client_secret,
        "refresh_token": api.creds.refresh_token,
    }
    by_query = api.client.post("/oauth/v2/token", params=params)
    assert by_query.status_code == 200
    assert_works(api.client, by_query.json()["access_token"])
    multipart = api.client.post("/oauth/v2/token", files={k: (None, v) for k, v in params.items()})
    assert multipart.status_code == 200
    assert multipart.headers["content-type"] == JSON
    assert_works(api.client, multipart.json()["access_token"])


# -- authorization_code grant --------------------------------------------------------------------------


def test_authorization_code_grant_returns_refresh_and_access_tokens(api: Api) -> None:
    body = exchange(api, grant_code(api))
    assert list(body) == ["access_token", "refresh_token", "api_domain", "token_type", "expires_in"]
    assert TOKEN.match(body["access_token"]) and TOKEN.match(body["refresh_token"])
    assert body["api_domain"] == BASE
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert_works(api.client, body["access_token"])
    again = refresh(api, body["refresh_token"])
    assert_works(api.client, again["access_token"])


def test_grant_code_carries_its_scopes(api: Api) -> None:
    body = exchange(api, grant_code(api, scopes="ZohoCRM.users.READ"))
    headers = {"Authorization": f"Zoho-oauthtoken {body['access_token']}"}
    assert api.client.get("/crm/v5/users", headers=headers).status_code == 200
    response = api.client.get("/crm/v5/org", headers=headers)
    assert response.status_code == 401
    assert response.json() == SCOPE_MISMATCH


def test_grant_code_is_single_use(api: Api) -> None:
    code = grant_code(api)
    assert "access_token" in exchange(api, code)
    assert exchange(api, code) == {"error": "invalid_code"}


def test_expired_grant_code_is_invalid_code(api: Api) -> None:
    state = api.client.app.state.zcrm  # type: ignore[attr-defined]
    code = grant_code(api, now=state.clock.now() - 181)  # valid for 3 minutes
    assert exchange(api, code) == {"error": "invalid_code"}


def test_unknown_grant_code_is_invalid_code(api: Api) -> None:
    assert exchange(api, "1000." + "a" * 32 + "." + "b" * 32) == {"error": "invalid_code"}


def test_redirect_uri_is_checked_only_when_sent(api: Api) -> None:
    state = api.client.app.state.zcrm  # type: ignore[attr-defined]
    with state.db.write() as conn:
        client = state.oauth.create_client(
            conn,
            api.creds.org_id,
            api.creds.user_id,
            state.clock.now(),
            name="Web",
            client_type="web",
            redirect_uri="https://app.example.test/callback",
        )
    creds = {"client_id": client.client_id, "client_secret": client.client_secret}
    wrong = exchange(
        api, grant_code(api, client_id=client.client_id), redirect_uri="https://evil.test/cb", **creds
    )
    assert wrong == {"error": "invalid_redirect_uri"}
    right = exchange(
        api,
        grant_code(api, client_id=client.client_id),
        redirect_uri="https://app.example.test/callback",
        **creds,
    )
    assert "access_token" in right and "refresh_token" in right
    omitted = exchange(api, grant_code(api, client_id=client.client_id), **creds)
    assert "access_token" in omitted


# -- client_credentials grant --------------------------------------------------------------------------


def test_client_credentials_grant(api: Api) -> None:
    body = token_call(
        api.client,
        grant_type="client_credentials",
        client_id=api.creds.client_id,
        client_secret=api.creds.client_secret,
        scope="ZohoCRM.org.READ,ZohoCRM.users.READ",
        soid=f"ZohoCRM.{api.creds.org_id}",
    )
    assert list(body) == ["access_token", "scope", "api_domain", "token_type", "expires_in"]
    assert sorted(body["scope"].split(" ")) == ["ZohoCRM.org.READ", "ZohoCRM.users.READ"]
    assert body["api_domain"] == BASE
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert_works(api.client, body["access_token"])
    headers = {"Authorization": f"Zoho-oauthtoken {body['access_token']}"}
    response = api.client.get("/crm/v5/Leads", params={"fields": "Last_Name"}, headers=headers)
    assert response.status_code == 401
    assert response.json() == SCOPE_MISMATCH


def test_client_credentials_without_soid_is_missing_org_info(api: Api) -> None:
    body = token_call(
        api.client,
        grant_type="client_credentials",
        client_id=api.creds.client_id,
        client_secret=api.creds.client_secret,
        scope="ZohoCRM.org.READ",
    )
    assert body == {"error": "missing_org_info"}


@pytest.mark.parametrize("scope", ["", "NotAScope"])
def test_client_credentials_with_empty_or_unknown_scope_is_invalid_scope(api: Api, scope: str) -> None:
    body = token_call(
        api.client,
        grant_type="client_credentials",
        client_id=api.creds.client_id,
        client_secret=api.creds.client_secret,
        scope=scope,
        soid=f"ZohoCRM.{api.creds.org_id}",
    )
    assert body == {"error": "invalid_scope"}


# -- token errors --------------------------------------------------------------------------------------


def test_unknown_client_is_invalid_client(api: Api) -> None:
    body = token_call(
        api.client,
        grant_type="refresh_token",
        client_id="1000.NOSUCHCLIENT",
        client_secret=api.creds.client_secret,
        refresh_token=api.creds.refresh_token,
    )
    assert body == {"error": "invalid_client"}


def test_wrong_secret_is_invalid_client_secret(api: Api) -> None:
    body = token_call(
        api.client,
        grant_type="refresh_token",
        client_id=api.creds.client_id,
        client_secret="0" * 42,
        refresh_token=api.creds.refresh_token,
    )
    assert body == {"error": "invalid_client_secret"}


def test_unknown_refresh_token_is_invalid_code(api: Api) -> None:
    assert refresh(api, "1000." + "c" * 32 + "." + "d" * 32) == {"error": "invalid_code"}


def test_access_token_used_as_refresh_token_is_invalid_code(api: Api) -> None:
    assert refresh(api, api.creds.access_token) == {"error": "invalid_code"}


@pytest.mark.parametrize("grant_type", ["password", "", None])
def test_unsupported_grant_type(api: Api, grant_type: str | None) -> None:
    params = {
        "client_id": api.creds.client_id,
        "client_secret": api.creds.client_secret,
        "refresh_token": api.creds.refresh_token,
    }
    if grant_type is not None:
        params["grant_type"] = grant_type
    assert token_call(api.client, **params) == {"error": "unsupported_grant_type"}


# -- revoke --------------------------------------------------------------------------------------------


def test_revoke_invalidates_the_refresh_token_and_its_access_tokens(api: Api) -> None:
    issued = refresh(api)["access_token"]
    response = api.client.post("/oauth/v2/token/revoke", params={"token": api.creds.refresh_token})
    assert response.status_code == 200
    assert response.headers["content-type"] == JSON
    assert response.json() == {"status": "success"}
    assert refresh(api) == {"error": "invalid_code"}
    assert_invalid(api.client, issued)
    assert_invalid(api.client, api.creds.access_token)


def test_revoke_with_a_form_body(api: Api) -> None:
    refresh_token = new_refresh_token(api)
    access = refresh(api, refresh_token)["access_token"]
    response = api.client.post("/oauth/v2/token/revoke", data={"token": refresh_token})
    assert response.status_code == 200
    assert response.json() == {"status": "success"}
    assert refresh(api, refresh_token) == {"error": "invalid_code"}
    assert_invalid(api.client, access)
    assert_works(api.client, api.creds.access_token)  # other refresh tokens are untouched


def test_revoke_of_an_unknown_token_is_success(api: Api) -> None:
    response = api.client.post("/oauth/v2/token/revoke", params={"token": "1000.nothing"})
    assert response.status_code == 200
    assert response.json() == {"status": "success"}
    assert_works(api.client, api.creds.access_token)


# -- limits --------------------------------------------------------------------------------------------


def test_eleventh_refresh_within_ten_minutes_is_access_denied(api: Api) -> None:
    refresh_token = new_refresh_token(api)
    tokens = [refresh(api, refresh_token)["access_token"] for _ in range(10)]
    assert all(TOKEN.match(t) for t in tokens)
    assert refresh(api, refresh_token) == {"error": "access_denied"}
    assert_works(api.client, tokens[-1])


class TestLiveTokenCap:
    @pytest.fixture
    def clock(self) -> FakeClock:
        return FakeClock(1_760_000_000)

    @pytest.fixture
    def settings(self, tmp_path: Path) -> Settings:
        return make_settings(tmp_path / "data", token_rate_limit=100)

    @pytest.fixture
    def api(self, settings: Settings, clock: FakeClock) -> Iterator[Api]:
        app = create_app(settings, clock)
        with TestClient(app, base_url=BASE, raise_server_exceptions=False) as client:
            yield Api(client, app.state.credentials, settings.data_dir)
        app.state.zcrm.db.dispose()

    def test_sixteenth_access_token_invalidates_the_oldest(self, api: Api, clock: FakeClock) -> None:
        refresh_token = new_refresh_token(api)
        tokens = []
        for _ in range(15):
            clock.current += 1
            tokens.append(refresh(api, refresh_token)["access_token"])
        for token in tokens:
            assert_works(api.client, token)
        clock.current += 1
        tokens.append(refresh(api, refresh_token)["access_token"])
        assert_invalid(api.client, tokens[0])
        for token in tokens[1:]:
            assert_works(api.client, token)
        clock.current += 1
        tokens.append(refresh(api, refresh_token)["access_token"])
        assert_invalid(api.client, tokens[1])
        assert_works(api.client, tokens[2])

    def test_oldest_is_the_first_issued_even_within_one_second(self, api: Api, clock: FakeClock) -> None:
        refresh_token = new_refresh_token(api)
        tokens = [refresh(api, refresh_token)["access_token"] for _ in range(16)]
        assert_invalid(api.client, tokens[0])
        for token in tokens[1:]:
            assert_works(api.client, token)


# -- storage -------------------------------------------------------------------------------------------


def test_tokens_and_secrets_are_stored_hashed(api: Api) -> None:
    accessed = refresh(api)["access_token"]
    code = grant_code(api)
    exchanged = exchange(api, code)
    pending_code = grant_code(api)
    secrets = [
        api.creds.access_token,
        api.creds.refresh_token,
        api.creds.client_secret,
        accessed,
        code,
        pending_code,
        exchanged["access_token"],
        exchanged["refresh_token"],
    ]
    fragments = [part for secret in secrets for part in secret.split(".") if len(part) >= 32] + [
        api.creds.client_secret
    ]
    state = api.client.app.state.zcrm  # type: ignore[attr-defined]
    with state.db.read() as conn:
        rows = conn.execute(text("SELECT * FROM oauth_tokens")).all()
        clients = conn.execute(text("SELECT * FROM oauth_clients")).all()
    assert len(rows) >= 6
    cells = [str(cell) for row in [*rows, *clients] for cell in row]
    for fragment in fragments:
        assert not any(fragment in cell for cell in cells), fragment


# -- expiry --------------------------------------------------------------------------------------------


@pytest.fixture
def clocked(tmp_path: Path) -> Iterator[tuple[Api, FakeClock]]:
    clock = FakeClock(1_760_000_000)
    settings = make_settings(tmp_path / "clocked")
    app = create_app(settings, clock)
    with TestClient(app, base_url=BASE, raise_server_exceptions=False) as client:
        yield Api(client, app.state.credentials, settings.data_dir), clock
    app.state.zcrm.db.dispose()


def test_expired_access_token_is_invalid_token(clocked: tuple[Api, FakeClock]) -> None:
    api, clock = clocked
    start = clock.current
    issued = refresh(api)["access_token"]
    clock.current = start + 3599
    assert_works(api.client, issued)
    assert_works(api.client, api.creds.access_token)
    clock.current = start + 3601
    assert_invalid(api.client, issued)
    assert_invalid(api.client, api.creds.access_token)
    # the refresh token does not expire: a new access token works at the new time
    assert_works(api.client, refresh(api)["access_token"])


def test_grant_code_expires_after_three_minutes(clocked: tuple[Api, FakeClock]) -> None:
    api, clock = clocked
    fresh = grant_code(api)
    stale = grant_code(api)
    clock.current += 170
    assert "access_token" in exchange(api, fresh)
    clock.current += 20
    assert exchange(api, stale) == {"error": "invalid_code"}
