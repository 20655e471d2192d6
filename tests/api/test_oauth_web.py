"""The OAuth web flow at the HTTP level: ``GET /oauth/v2/auth`` (sign-in-and-consent page) and its form.

The same flow is driven in a real browser by tests/browser/test_consent_page.py."""

from __future__ import annotations

import html
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from sqlalchemy import text
from starlette.testclient import TestClient

from tests.api.test_oauth import SCOPE_MISMATCH, FakeClock, org_with, token_call
from tests.conftest import Api
from zcrm.auth.oauth import ClientCredentials
from zcrm.bootstrap import create_org
from zcrm.http.oauth_web import NOTE_LOOPBACK
from zcrm.http.state import State

BASE = "http://127.0.0.1:8000"
CALLBACK = "http://127.0.0.1:9/callback"
SCOPES = "ZohoCRM.modules.ALL,ZohoCRM.org.READ,ZohoCRM.users.READ"
ADMIN = "priya.raman@zylker.test"
STANDARD = "arjun.mehta@zylker.test"
INACTIVE = "lena.fischer@zylker.test"


class _Inputs(HTMLParser):
    """The named inputs and buttons of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.inputs: dict[str, str] = {}
        self.buttons: list[tuple[str, str]] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "input" and "name" in values:
            self.inputs[values["name"]] = values.get("value", "")
        if tag == "button":
            self.buttons.append((values.get("name", ""), values.get("value", "")))
        if tag == "script":
            self.scripts += 1


def inputs(page: httpx.Response) -> _Inputs:
    parser = _Inputs()
    parser.feed(page.text)
    return parser


def zcrm(api: Api) -> State:
    state: State = api.client.app.state.zcrm  # type: ignore[attr-defined]
    return state


def new_client(api: Api, redirect_uri: str | None = CALLBACK, name: str = "Web App") -> ClientCredentials:
    state = zcrm(api)
    with state.db.write() as conn:
        return state.oauth.create_client(
            conn,
            api.creds.org_id,
            api.creds.user_id,
            state.clock.now(),
            name=name,
            client_type="server",
            redirect_uri=redirect_uri,
        )


@dataclass
class Flow:
    api: Api
    client: ClientCredentials

    def query(self, **changes: str | None) -> dict[str, str]:
        params: dict[str, str | None] = {
            "response_type": "code",
            "client_id": self.client.client_id,
            "scope": SCOPES,
            "redirect_uri": CALLBACK,
            "access_type": "offline",
            "state": "st-1",
        }
        params.update(changes)
        return {k: v for k, v in params.items() if v is not None}

    def page(self, **changes: str | None) -> httpx.Response:
        return self.api.client.get("/oauth/v2/auth", params=self.query(**changes))

    def form(self, **changes: str | None) -> dict[str, str]:
        page = self.page(**changes)
        assert page.status_code == 200, page.text
        return inputs(page).inputs

    def submit(self, fields: dict[str, str], client: TestClient | None = None) -> httpx.Response:
        return (client or self.api.client).post("/oauth/v2/auth", data=fields, follow_redirects=False)

    def accept(self, email: str = STANDARD, **changes: str | None) -> httpx.Response:
        return self.submit({**self.form(**changes), "email": email, "action": "accept"})

    def exchange(self, code: str, **extra: str) -> Any:
        return token_call(
            self.api.client,
            grant_type="authorization_code",
            client_id=self.client.client_id,
            client_secret=self.client.client_secret,
            code=code,
            **extra,
        )


@pytest.fixture
def flow(api: Api) -> Flow:
    return Flow(api, new_client(api))


def redirect_query(response: httpx.Response, target: str = CALLBACK) -> list[tuple[str, str]]:
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert location.startswith(target + "?")
    return parse_qsl(urlsplit(location).query, keep_blank_values=True)


def assert_error_page(response: httpx.Response, code: str, status: int = 400) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "location" not in response.headers
    assert f'<code id="error-code">{code}</code>' in response.text


# -- the page ----------------------------------------------------------------------------------------------


def test_the_page_shows_the_client_the_scopes_and_a_form(flow: Flow) -> None:
    page = flow.page()
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert "Sign in to Zylker Corp" in page.text
    assert '<strong id="client-name">Web App</strong>' in page.text
    for scope in SCOPES.split(","):
        assert f"<li><code>{scope}</code></li>" in page.text
    # on loopback a password is asked for only from users who have one
    assert f'<p class="note" id="note">{html.escape(NOTE_LOOPBACK)}</p>' in page.text
    assert '<label for="password">Password (if your user has one)</label>' in page.text
    parsed = inputs(page)
    assert parsed.scripts == 0  # works without JavaScript
    assert parsed.buttons == [("action", "accept"), ("action", "deny")]
    assert set(parsed.inputs) == {
        "response_type",
        "client_id",
        "scope",
        "redirect_uri",
        "access_type",
        "state",
        "csrf_token",
        "email",
        "password",
    }
    assert parsed.inputs["password"] == ""
    assert parsed.inputs["scope"] == SCOPES
    cookie = page.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/oauth/v2/auth" in cookie


def test_everything_on_the_page_is_escaped(api: Api) -> None:
    flow = Flow(api, new_client(api, name='<b>Evil</b> & "Co"'))
    page = flow.page(state='"><script>alert(1)</script>')
    assert page.status_code == 200
    assert "<script>" not in page.text and "<b>Evil" not in page.text
    assert "&lt;b&gt;Evil&lt;/b&gt; &amp; &quot;Co&quot;" in page.text
    assert inputs(page).inputs["state"] == '"><script>alert(1)</script>'


def test_scopes_may_be_separated_by_spaces_and_repeat(flow: Flow) -> None:
    page = flow.page(scope="ZohoCRM.org.READ ZohoCRM.modules.leads.READ,zohocrm.org.read")
    assert page.status_code == 200
    assert page.text.count("<li><code>") == 2


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"client_id": "1000.UNKNOWN"}, "invalid_client"),
        ({"client_id": None}, "invalid_client"),
        ({"redirect_uri": "http://127.0.0.1:9/elsewhere"}, "invalid_redirect_uri"),
        ({"redirect_uri": "https://evil.test/callback"}, "invalid_redirect_uri"),
        ({"response_type": None}, "invalid_request"),
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"scope": None}, "invalid_scope"),
        ({"scope": " , "}, "invalid_scope"),
        ({"scope": "ZohoCRM.modules.ALL,Bogus"}, "invalid_scope"),
    ],
)
def test_bad_requests_get_an_error_page_not_a_redirect(
    flow: Flow, changes: dict[str, str | None], code: str
) -> None:
    assert_error_page(flow.page(**changes), code)


def test_an_unknown_client_is_reported_before_anything_else(flow: Flow) -> None:
    response = flow.page(client_id="nope", redirect_uri="https://evil.test/", response_type="x", scope="")
    assert_error_page(response, "invalid_client")


def test_a_client_without_a_registered_redirect_uri_cannot_use_the_page(api: Api) -> None:
    # the default self client has none: the page never redirects to a URI nobody registered
    flow = Flow(api, ClientCredentials(api.creds.client_id, api.creds.client_secret))
    assert_error_page(flow.page(), "invalid_redirect_uri")


def test_a_repeated_parameter_is_refused(flow: Flow) -> None:
    response = flow.api.client.get("/oauth/v2/auth", params=[*flow.query().items(), ("scope", "x")])
    assert_error_page(response, "invalid_request")


def test_other_methods_answer_zohos_json_error(flow: Flow) -> None:
    response = flow.api.client.put("/oauth/v2/auth")
    assert response.status_code == 400
    assert response.json() == {
        "code": "INVALID_REQUEST_METHOD",
        "details": {},
        "message": "The http request method type is not a valid one",
        "status": "error",
    }


# -- accept ------------------------------------------------------------------------------------------------


def test_accept_redirects_with_a_code_that_works_once(flow: Flow) -> None:
    query = redirect_query(flow.accept())
    assert [k for k, _ in query] == ["state", "code", "location", "accounts-server"]
    values = dict(query)
    assert values["state"] == "st-1"
    assert values["location"] == "us"
    assert values["accounts-server"] == BASE
    body = flow.exchange(values["code"], redirect_uri=CALLBACK)
    assert set(body) == {"access_token", "refresh_token", "api_domain", "token_type", "expires_in"}
    assert org_with(flow.api.client, body["access_token"]).status_code == 200
    assert flow.exchange(values["code"]) == {"error": "invalid_code"}
    refreshed = token_call(
        flow.api.client,
        grant_type="refresh_token",
        client_id=flow.client.client_id,
        client_secret=flow.client.client_secret,
        refresh_token=body["refresh_token"],
    )
    assert org_with(flow.api.client, refreshed["access_token"]).status_code == 200


def test_the_tokens_carry_the_chosen_user_and_only_the_requested_scopes(flow: Flow) -> None:
    code = dict(redirect_query(flow.accept(email="Arjun.Mehta@Zylker.test", scope="ZohoCRM.users.READ")))
    access = flow.exchange(code["code"])["access_token"]
    headers = {"Authorization": f"Zoho-oauthtoken {access}"}
    me = flow.api.client.get("/crm/v5/users", params={"type": "CurrentUser"}, headers=headers)
    assert me.status_code == 200, me.text
    assert [user["email"] for user in me.json()["users"]] == [STANDARD]
    denied = org_with(flow.api.client, access)
    assert denied.status_code == 401
    assert denied.json() == SCOPE_MISMATCH


def test_state_is_encoded_and_an_existing_query_is_kept(api: Api) -> None:
    target = "http://127.0.0.1:9/cb?app=one&x=1"
    flow = Flow(api, new_client(api, redirect_uri=target))
    tricky = "a b&c=d/é#?+"
    query = redirect_query(flow.accept(redirect_uri=target, state=tricky), target="http://127.0.0.1:9/cb")
    assert query[:3] == [("app", "one"), ("x", "1"), ("state", tricky)]
    assert (
        "a%20b%26c%3Dd%2F%C3%A9%23%3F%2B"
        in flow.accept(redirect_uri=target, state=tricky).headers["location"]
    )


def test_no_state_and_no_redirect_uri_use_the_registered_uri(flow: Flow) -> None:
    query = redirect_query(flow.accept(state=None, redirect_uri=None))
    assert [k for k, _ in query] == ["code", "location", "accounts-server"]
    code = dict(query)["code"]
    assert flow.exchange(code, redirect_uri="http://127.0.0.1:9/other") == {"error": "invalid_redirect_uri"}
    assert "access_token" in flow.exchange(code, redirect_uri=CALLBACK)


def test_prompt_and_access_type_are_accepted(flow: Flow) -> None:
    code = dict(redirect_query(flow.accept(prompt="consent", access_type="online")))["code"]
    assert "refresh_token" in flow.exchange(code)


def test_the_code_expires_after_three_minutes(flow: Flow, monkeypatch: pytest.MonkeyPatch) -> None:
    state = zcrm(flow.api)
    code = dict(redirect_query(flow.accept()))["code"]
    monkeypatch.setattr(state, "clock", FakeClock(state.clock.now() + 181))
    assert flow.exchange(code) == {"error": "invalid_code"}


@pytest.mark.parametrize("email", ["", "nobody@zylker.test", INACTIVE])
def test_only_an_active_user_of_the_org_can_sign_in(flow: Flow, email: str) -> None:
    response = flow.accept(email=email)
    assert response.status_code == 400
    assert '<p class="error" role="alert" id="problem">' in response.text
    again = inputs(response).inputs
    assert again["email"] == email
    # the form shown again can be submitted as it is, with a valid email
    assert redirect_query(flow.submit({**again, "email": ADMIN, "action": "accept"}))


def test_a_user_of_another_org_cannot_sign_in(flow: Flow) -> None:
    state = zcrm(flow.api)
    with state.db.write() as conn:
        create_org(conn, None, state.clock.now())  # the same users, in another org
    assert redirect_query(flow.accept(email=ADMIN))  # still this org's admin
    with state.db.write() as conn:
        conn.execute(
            text("UPDATE users SET status = CASE WHEN org_id = :org THEN 'inactive' ELSE 'active' END"),
            {"org": flow.api.creds.org_id},
        )
    assert flow.accept(email=ADMIN).status_code == 400


# -- deny --------------------------------------------------------------------------------------------------


def test_deny_redirects_with_access_denied(flow: Flow) -> None:
    response = flow.submit({**flow.form(), "action": "deny"})
    assert redirect_query(response) == [("state", "st-1"), ("error", "access_denied")]
    no_state = flow.submit({**flow.form(state=None), "email": STANDARD, "action": "deny"})
    assert redirect_query(no_state) == [("error", "access_denied")]


def test_a_form_without_a_choice_is_refused(flow: Flow) -> None:
    assert_error_page(flow.submit({**flow.form(), "email": STANDARD}), "invalid_request")


# -- CSRF ---------------------------------------------------------------------------------------------------


def test_the_form_needs_its_token(flow: Flow) -> None:
    fields = {**flow.form(), "email": STANDARD, "action": "accept"}
    del fields["csrf_token"]
    assert_error_page(flow.submit(fields), "invalid_csrf_token", 403)
    tampered = {**flow.form(), "email": STANDARD, "action": "accept"}
    tampered["csrf_token"] = tampered["csrf_token"][:-1] + ("0" if tampered["csrf_token"][-1] != "0" else "1")
    assert_error_page(flow.submit(tampered), "invalid_csrf_token", 403)


@pytest.mark.parametrize(
    "change",
    [{"scope": "ZohoCRM.modules.ALL"}, {"state": "other"}, {"access_type": "online"}, {"prompt": "consent"}],
)
def test_the_token_is_bound_to_the_query(flow: Flow, change: dict[str, str]) -> None:
    fields = {**flow.form(), "email": STANDARD, "action": "accept", **change}
    assert_error_page(flow.submit(fields), "invalid_csrf_token", 403)


def test_the_token_is_bound_to_the_browser_that_fetched_the_page(flow: Flow) -> None:
    fields = {**flow.form(), "email": STANDARD, "action": "accept"}
    app = flow.api.client.app
    with TestClient(app, base_url=BASE) as other:  # another browser: no cookie
        assert_error_page(flow.submit(fields, client=other), "invalid_csrf_token", 403)
        other.get("/oauth/v2/auth", params=flow.query())  # its own cookie, not the one the token was made for
        assert_error_page(flow.submit(fields, client=other), "invalid_csrf_token", 403)
    assert redirect_query(flow.submit(fields))


def test_the_token_expires(flow: Flow, monkeypatch: pytest.MonkeyPatch) -> None:
    state = zcrm(flow.api)
    fields = {**flow.form(), "email": STANDARD, "action": "accept"}
    monkeypatch.setattr(state, "clock", FakeClock(state.clock.now() + 1801))
    assert_error_page(flow.submit(fields), "invalid_csrf_token", 403)


def test_deny_needs_the_token_too(flow: Flow) -> None:
    fields = {**flow.form(), "action": "deny", "csrf_token": "1.00"}
    assert_error_page(flow.submit(fields), "invalid_csrf_token", 403)


def test_the_form_is_checked_like_the_page(flow: Flow) -> None:
    fields = {**flow.form(), "email": STANDARD, "action": "accept", "redirect_uri": "https://evil.test/"}
    assert_error_page(flow.submit(fields), "invalid_redirect_uri")


def test_only_a_urlencoded_form_is_read(flow: Flow) -> None:
    fields = {**flow.form(), "email": STANDARD, "action": "accept"}
    multipart = flow.api.client.post(
        "/oauth/v2/auth", files={k: (None, v) for k, v in fields.items()}, follow_redirects=False
    )
    assert_error_page(multipart, "invalid_request")
    repeated = flow.api.client.post(
        "/oauth/v2/auth",
        content="&".join([*(f"{k}={v}" for k, v in fields.items() if k != "email"), "email=a", "email=b"]),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )
    assert_error_page(repeated, "invalid_request")
    large = flow.api.client.post(
        "/oauth/v2/auth",
        content=b"email=" + b"a" * 70000,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert_error_page(large, "invalid_request", 413)
