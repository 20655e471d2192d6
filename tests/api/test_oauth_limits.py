"""OAuth limits of behaviour §7.3 not covered elsewhere: 20 refresh tokens per user and client, and 10 grant-code
exchanges per client per 10 minutes."""

from __future__ import annotations

from sqlalchemy import text

from tests.conftest import Api


def _grant(api: Api) -> str:
    state = api.client.app.state.zcrm  # type: ignore[attr-defined]
    with state.db.write() as conn:
        return str(
            state.oauth.issue_grant_code(
                conn, api.creds.client_id, api.creds.user_id, "ZohoCRM.org.READ", state.clock.now()
            )
        )


def _exchange(api: Api, code: str) -> dict[str, str]:
    form = {
        "grant_type": "authorization_code",
        "client_id": api.creds.client_id,
        "client_secret": api.creds.client_secret,
        "code": code,
    }
    return dict(api.client.post("/oauth/v2/token", data=form).json())


def test_the_21st_refresh_token_invalidates_the_oldest(api: Api) -> None:
    state = api.client.app.state.zcrm  # type: ignore[attr-defined]
    issued = []
    with state.db.write() as conn:
        now = state.clock.now()
        for _ in range(21):
            issued.append(
                state.oauth.issue_refresh_token(
                    conn, api.creds.client_id, api.creds.org_id, api.creds.user_id, "ZohoCRM.org.READ", now
                )
            )

    def refresh(token: str) -> dict[str, str]:
        form = {
            "grant_type": "refresh_token",
            "client_id": api.creds.client_id,
            "client_secret": api.creds.client_secret,
            "refresh_token": token,
        }
        return dict(api.client.post("/oauth/v2/token", data=form).json())

    # the server's own refresh token (from start-up) and the first one issued here are the two oldest of 22
    assert refresh(api.creds.refresh_token) == {"error": "invalid_code"}
    assert refresh(issued[0]) == {"error": "invalid_code"}
    assert "access_token" in refresh(issued[1])
    assert "access_token" in refresh(issued[20])
    # revoking the start-up refresh token also ended the access tokens it had issued
    old_access = api.get("/crm/v5/org")
    assert (old_access.status_code, old_access.json()) == (
        401,
        {"code": "INVALID_TOKEN", "details": {}, "message": "invalid oauth token", "status": "error"},
    )


def test_the_11th_grant_exchange_within_10_minutes_is_access_denied(api: Api) -> None:
    for _ in range(10):
        assert "refresh_token" in _exchange(api, _grant(api))
    code = _grant(api)
    assert _exchange(api, code) == {"error": "access_denied"}
    state = api.client.app.state.zcrm  # type: ignore[attr-defined]
    real_now = state.clock.now
    later = real_now() + 601
    state.clock.now = lambda: later
    try:
        fresh = _grant(api)
        assert "refresh_token" in _exchange(api, fresh)
    finally:
        state.clock.now = real_now


def test_grants_for_a_user_who_is_not_active_are_access_denied(api: Api) -> None:
    state = api.client.app.state.zcrm  # type: ignore[attr-defined]
    users = api.get("/crm/v5/users", params={"type": "ActiveUsers"}).json()["users"]
    arjun = next(u["id"] for u in users if u["email"] == "arjun.mehta@zylker.test")
    with state.db.write() as conn:
        now = state.clock.now()
        client = state.oauth.create_client(conn, api.creds.org_id, arjun, now)
        refresh = state.oauth.issue_refresh_token(
            conn, client.client_id, api.creds.org_id, arjun, "ZohoCRM.org.READ", now
        )
        code = state.oauth.issue_grant_code(conn, client.client_id, arjun, "ZohoCRM.org.READ", now)
        conn.execute(text("UPDATE users SET status = 'inactive' WHERE id = :id"), {"id": arjun})
    base = {"client_id": client.client_id, "client_secret": client.client_secret}
    forms = [
        {**base, "grant_type": "refresh_token", "refresh_token": refresh},
        {**base, "grant_type": "authorization_code", "code": code},
        {
            **base,
            "grant_type": "client_credentials",
            "scope": "ZohoCRM.org.READ",
            "soid": f"ZohoCRM.{api.creds.org_id}",
        },
    ]
    for form in forms:
        assert api.client.post("/oauth/v2/token", data=form).json() == {"error": "access_denied"}
