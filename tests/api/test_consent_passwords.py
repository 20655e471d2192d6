"""Users' passwords on the OAuth consent page, over HTTP: optional on loopback (a user who has one must give it),
required beyond loopback; set with the control plane, the CLI or an org file; never shown; failures say nothing of
whether the email exists and are limited per email."""

from __future__ import annotations

import html
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import argon2
import httpx
import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from tests.admin.test_org_snapshots import admin as admin_headers
from tests.api.test_oauth_web import ADMIN, INACTIVE, STANDARD, Flow, inputs, new_client, redirect_query, zcrm
from tests.conftest import Api, FakeClock, copy_data_dir, db_args, dump, make_settings, sql
from zcrm.app import create_app
from zcrm.auth import passwords
from zcrm.cli import main
from zcrm.http.oauth_web import NOTE_LOOPBACK, NOTE_REQUIRED, WRONG, WRONG_REQUIRED
from zcrm.schema.orgfile import read_org_file
from zcrm.settings import Settings

PASSWORD = "correct horse battery"
CHEAP = argon2.PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)  # quick hashes for org files


def user_id(api: Api, email: str) -> str:
    [(found,)] = sql(
        api, "SELECT id FROM users WHERE org_id = :o AND email = :e", {"o": api.creds.org_id, "e": email}
    )
    return str(found)


def set_password(api: Api, email: str, password: str | None) -> httpx.Response:
    return api.put(f"/__zcrm/users/{user_id(api, email)}", {"password": password})


def stored_hash(api: Api, email: str) -> str | None:
    [(definition,)] = sql(
        api,
        "SELECT definition FROM users WHERE org_id = :o AND email = :e",
        {"o": api.creds.org_id, "e": email},
    )
    value = json.loads(definition).get("password_hash")
    return None if value is None else str(value)


def sign_in(flow: Flow, email: str, password: str | None = None) -> httpx.Response:
    fields = {**flow.form(), "email": email, "action": "accept"}
    if password is not None:
        fields["password"] = password
    return flow.submit(fields)


def problem(response: httpx.Response) -> str:
    start = response.text.index('id="problem">') + len('id="problem">')
    return html.unescape(response.text[start : response.text.index("</p>", start)])


def assert_refused(response: httpx.Response, message: str, status: int = 400) -> None:
    assert response.status_code == status, response.text
    assert problem(response) == message
    assert inputs(response).inputs["password"] == ""  # a password is never sent back


def signed_in_user(flow: Flow, response: httpx.Response) -> str:
    """The user the tokens of the redirect's code act for."""
    code = dict(redirect_query(response))["code"]
    tokens = flow.exchange(code)
    me = flow.api.client.get(
        "/crm/v5/users",
        params={"type": "CurrentUser"},
        headers={"Authorization": f"Zoho-oauthtoken {tokens['access_token']}"},
    )
    assert me.status_code == 200, me.text
    return str(me.json()["users"][0]["email"])


@pytest.fixture
def flow(api: Api) -> Flow:
    return Flow(api, new_client(api))


@pytest.fixture
def required(tmp_path: Path) -> Iterator[Flow]:
    """A flow on an app whose host is not loopback: passwords are required (ZCRM_REQUIRE_PASSWORDS=auto)."""
    settings = make_settings(tmp_path / "exposed", host="0.0.0.0")
    assert settings.passwords_required
    app = create_app(settings)
    with TestClient(app, base_url="http://127.0.0.1:8000", raise_server_exceptions=False) as client:
        api = Api(client, app.state.credentials, settings.data_dir)
        yield Flow(api, new_client(api))
    app.state.zcrm.db.dispose()


# -- loopback ----------------------------------------------------------------------------------------------


def test_on_loopback_a_user_without_a_password_signs_in_by_email(flow: Flow) -> None:
    page = flow.page()
    assert html.escape(NOTE_LOOPBACK) in page.text
    assert signed_in_user(flow, sign_in(flow, STANDARD)) == STANDARD
    assert signed_in_user(flow, sign_in(flow, STANDARD, "anything at all")) == STANDARD  # ignored


def test_on_loopback_a_user_with_a_password_must_give_it(flow: Flow) -> None:
    answer = set_password(flow.api, STANDARD, PASSWORD)
    assert answer.status_code == 200, answer.text
    assert_refused(sign_in(flow, STANDARD), WRONG)
    assert_refused(sign_in(flow, STANDARD, "wrong password"), WRONG)
    assert_refused(sign_in(flow, STANDARD, PASSWORD.upper()), WRONG)
    assert signed_in_user(flow, sign_in(flow, STANDARD.upper(), PASSWORD)) == STANDARD
    assert signed_in_user(flow, sign_in(flow, ADMIN)) == ADMIN  # others are unchanged


def test_a_failure_does_not_tell_whether_the_email_exists(flow: Flow) -> None:
    set_password(flow.api, STANDARD, PASSWORD)
    answers = [
        sign_in(flow, STANDARD, "wrong password"),  # exists, has a password
        sign_in(flow, "nobody@zylker.test", "wrong password"),  # does not exist
        sign_in(flow, INACTIVE, "wrong password"),  # inactive
        sign_in(flow, "nobody@zylker.test"),
    ]
    for answer in answers:
        assert_refused(answer, WRONG)
    assert_refused(sign_in(flow, ""), "Enter your email.")


def test_removing_a_password_lets_the_user_in_by_email_again(flow: Flow) -> None:
    set_password(flow.api, STANDARD, PASSWORD)
    assert stored_hash(flow.api, STANDARD) is not None
    removed = set_password(flow.api, STANDARD, None)
    assert removed.status_code == 200, removed.text
    assert stored_hash(flow.api, STANDARD) is None
    assert signed_in_user(flow, sign_in(flow, STANDARD)) == STANDARD


# -- beyond loopback ---------------------------------------------------------------------------------------


def test_beyond_loopback_a_password_is_required(required: Flow) -> None:
    page = required.page()
    assert html.escape(NOTE_REQUIRED) in page.text
    assert '<label for="password">Password</label>' in page.text
    assert_refused(sign_in(required, ADMIN), "Enter your password.")
    assert_refused(sign_in(required, ADMIN, "no password is set"), WRONG_REQUIRED)  # has none: cannot sign in
    assert_refused(sign_in(required, "nobody@zylker.test", "x" * 12), WRONG_REQUIRED)
    assert set_password(required.api, ADMIN, PASSWORD).status_code == 200
    assert_refused(sign_in(required, ADMIN, "wrong password"), WRONG_REQUIRED)
    assert signed_in_user(required, sign_in(required, ADMIN, PASSWORD)) == ADMIN


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, False),
        ({"host": "localhost"}, False),
        ({"host": "127.0.0.2"}, False),
        ({"host": "::1"}, False),
        ({"host": "0.0.0.0"}, True),
        ({"host": "::"}, True),
        ({"host": "192.0.2.7"}, True),
        ({"host": "crm.example"}, True),
        ({"host": "0.0.0.0", "require_passwords": "off"}, False),
        ({"require_passwords": "on"}, True),
    ],
)
def test_when_passwords_are_required(changes: dict[str, str], expected: bool) -> None:
    assert Settings(**changes).passwords_required is expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "expected"), [("", "auto"), ("AUTO", "auto"), ("1", "on"), ("on", "on"), ("no", "off")]
)
def test_the_require_passwords_setting(monkeypatch: pytest.MonkeyPatch, value: str, expected: str) -> None:
    monkeypatch.setenv("ZCRM_REQUIRE_PASSWORDS", value)
    settings = Settings.from_env()
    assert settings.require_passwords == expected
    assert settings.environment()["ZCRM_REQUIRE_PASSWORDS"] == expected
    monkeypatch.setenv("ZCRM_REQUIRE_PASSWORDS", "sometimes")
    with pytest.raises(ValueError, match="ZCRM_REQUIRE_PASSWORDS must be auto, on or off, not 'sometimes'"):
        Settings.from_env()


# -- failed sign-ins ----------------------------------------------------------------------------------------


def test_failed_sign_ins_are_limited_per_email(flow: Flow, monkeypatch: pytest.MonkeyPatch) -> None:
    set_password(flow.api, STANDARD, PASSWORD)
    state = zcrm(flow.api)
    start = state.clock.now()
    monkeypatch.setattr(state, "clock", FakeClock(start))
    for _ in range(passwords.MAX_FAILURES):
        assert_refused(sign_in(flow, STANDARD, "wrong password"), WRONG)
    blocked = "Too many failed sign-ins with this email. Try again in 10 minute(s)."
    assert_refused(sign_in(flow, STANDARD, PASSWORD), blocked, 429)  # even the right password, for now
    assert signed_in_user(flow, sign_in(flow, ADMIN)) == ADMIN  # other emails are not held up
    for _ in range(passwords.MAX_FAILURES):  # an unknown email is limited alike
        assert_refused(sign_in(flow, "nobody@zylker.test", "wrong password"), WRONG)
    assert_refused(sign_in(flow, "nobody@zylker.test", "wrong password"), blocked, 429)
    state.clock.current = start + passwords.WINDOW - 59
    assert_refused(sign_in(flow, STANDARD, PASSWORD), blocked.replace("10 minute", "1 minute"), 429)
    state.clock.current = start + passwords.WINDOW
    assert signed_in_user(flow, sign_in(flow, STANDARD, PASSWORD)) == STANDARD


# -- setting passwords --------------------------------------------------------------------------------------


def test_the_control_plane_sets_a_password_and_never_shows_its_hash(flow: Flow) -> None:
    api = flow.api
    answer = set_password(api, STANDARD, PASSWORD)
    assert answer.status_code == 200
    assert "password" not in answer.json() and "argon2" not in answer.text
    stored = stored_hash(api, STANDARD)
    assert stored is not None and stored.startswith("$argon2id$v=19$") and passwords.verify(stored, PASSWORD)
    created = api.post(
        "/__zcrm/users", {"last_name": "New", "email": "new@zylker.test", "password": "another password"}
    )
    assert created.status_code == 201, created.text
    assert "password" not in created.json() and "argon2" not in created.text
    assert passwords.verify(stored_hash(api, "new@zylker.test"), "another password")
    users = api.get("/crm/v5/users", params={"type": "AllUsers"})
    one = api.get(f"/crm/v5/users/{user_id(api, STANDARD)}")
    for response in (users, one):
        assert (
            response.status_code == 200 and "argon2" not in response.text and "password" not in response.text
        )
    assert PASSWORD not in dump(api) and "another password" not in dump(api)


@pytest.mark.parametrize(
    ("value", "details"),
    [
        ("short", {"api_name": "password", "minimum_length": 8}),
        ("x" * 1025, {"api_name": "password", "maximum_length": 1024}),
        (12345678, {"api_name": "password", "expected_data_type": "string"}),
        (
            "lone \ud800 surrogate",
            None,
        ),  # refused with the body, like a NUL (tests/api/test_nul_characters.py)
    ],
)
def test_a_bad_password_is_refused(api: Api, value: Any, details: dict[str, Any] | None) -> None:
    for response in (
        api.put(f"/__zcrm/users/{user_id(api, STANDARD)}", content=json.dumps({"password": value})),
        api.post(
            "/__zcrm/users",
            content=json.dumps({"last_name": "B", "email": "b@zylker.test", "password": value}),
        ),
    ):
        expected = (
            {"code": "INVALID_DATA", "details": details, "message": "invalid data", "status": "error"}
            if details is not None
            else {"code": "INVALID_DATA", "details": {}, "message": "body", "status": "error"}
        )
        assert (response.status_code, response.json()) == (400, expected)
    assert stored_hash(api, STANDARD) is None
    assert sql(api, "SELECT COUNT(*) FROM users WHERE email = 'b@zylker.test'") == [(0,)]


def test_only_an_org_administrator_sets_passwords(api: Api) -> None:
    user = api.post("/__zcrm/users", {"last_name": "Rep", "email": "rep@zylker.test"}).json()
    token = api.post("/__zcrm/tokens", {"user_id": user["id"], "scope": "ZohoCRM.modules.ALL"}).json()
    denied = api.client.put(
        f"/__zcrm/users/{user_id(api, STANDARD)}",
        content=json.dumps({"password": PASSWORD}),
        headers={"Authorization": f"Zoho-oauthtoken {token['access_token']}"},
    )
    assert denied.status_code == 403 and denied.json()["details"] == {"permissions": ["administrator"]}
    anonymous = api.client.put(
        f"/__zcrm/users/{user_id(api, STANDARD)}", content=json.dumps({"password": PASSWORD})
    )
    assert anonymous.status_code == 401
    assert stored_hash(api, STANDARD) is None


def test_the_cli_sets_and_removes_a_password(tmp_path: Path, prepared_data_dir: Path) -> None:
    data_dir = tmp_path / "cli"
    copy_data_dir(
        prepared_data_dir, data_dir
    )  # the commands need an existing database (`zcrm serve` makes it)
    base = ["--data-dir", str(data_dir), *db_args(data_dir)]
    runner = CliRunner()
    result = runner.invoke(
        main, ["user", "set-password", STANDARD, "--password-stdin", *base], input=PASSWORD + "\n"
    )
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert answer["email"] == STANDARD and answer["password"] == "set"
    assert PASSWORD not in result.output
    settings = make_settings(data_dir)
    app = create_app(settings)
    with TestClient(app, base_url="http://127.0.0.1:8000", raise_server_exceptions=False) as client:
        api = Api(client, app.state.credentials, data_dir)
        assert passwords.verify(stored_hash(api, STANDARD), PASSWORD)
        flow = Flow(api, new_client(api))
        assert_refused(sign_in(flow, STANDARD), WRONG)
        assert signed_in_user(flow, sign_in(flow, STANDARD, PASSWORD)) == STANDARD
        # asked twice on a terminal
        prompted = runner.invoke(
            main, ["user", "set-password", ADMIN, *base], input="new secret 1\nnew secret 1\n"
        )
        assert prompted.exit_code == 0, prompted.output
        assert passwords.verify(stored_hash(api, ADMIN), "new secret 1")
        cleared = runner.invoke(main, ["user", "set-password", STANDARD, "--clear", *base])
        assert cleared.exit_code == 0 and json.loads(cleared.output)["password"] == "removed"
        assert stored_hash(api, STANDARD) is None
        short = runner.invoke(
            main, ["user", "set-password", STANDARD, "--password-stdin", *base], input="short\n"
        )
        assert short.exit_code == 1
        assert 'INVALID_DATA: invalid data {"api_name": "password", "minimum_length": 8}' in short.output
        nobody = runner.invoke(main, ["user", "set-password", "nobody@zylker.test", "--clear", *base])
        assert nobody.exit_code == 1 and "no user nobody@zylker.test" in nobody.output
    app.state.zcrm.db.dispose()


def test_hash_password_prints_a_hash_for_an_org_file() -> None:
    result = CliRunner().invoke(main, ["user", "hash-password", "--password-stdin"], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    printed = result.output.strip()
    assert (
        printed.startswith("$argon2id$")
        and passwords.is_hash(printed)
        and passwords.verify(printed, PASSWORD)
    )


# -- org files and snapshots --------------------------------------------------------------------------------


def org_file(tmp_path: Path, **user: Any) -> Path:
    raw = read_org_file(None)
    raw["users"][1].update(user)  # the standard user
    assert raw["users"][1]["email"] == STANDARD
    path = tmp_path / "org.json"
    path.write_text(json.dumps(raw))
    return path


def test_an_org_file_gives_a_user_a_password_hash(tmp_path: Path) -> None:
    path = org_file(tmp_path, password_hash=CHEAP.hash(PASSWORD))
    settings = make_settings(tmp_path / "d", org_file=path)
    app = create_app(settings)
    with TestClient(app, base_url="http://127.0.0.1:8000", raise_server_exceptions=False) as client:
        api = Api(client, app.state.credentials, settings.data_dir)
        flow = Flow(api, new_client(api))
        assert_refused(sign_in(flow, STANDARD, "wrong password"), WRONG)
        assert signed_in_user(flow, sign_in(flow, STANDARD, PASSWORD)) == STANDARD
    app.state.zcrm.db.dispose()


@pytest.mark.parametrize(
    ("user", "message"),
    [
        ({"password": PASSWORD}, "users[1]: an org file holds no password, only its hash: password_hash"),
        ({"password_hash": "plain text"}, "users[1].password_hash: not an argon2 hash"),
        ({"password_hash": "$2b$12$" + "a" * 53}, "users[1].password_hash: not an argon2 hash"),
        (
            {"password_hash": "$argon2id$v=19$m=65536,t=3,p=4$broken"},
            "users[1].password_hash: not an argon2 hash",
        ),
    ],
)
def test_an_org_file_with_a_bad_password_is_refused(
    tmp_path: Path, user: dict[str, Any], message: str
) -> None:
    path = org_file(tmp_path, **user)
    data_dir = tmp_path / "d"
    result = CliRunner().invoke(
        main, ["org", "create", "--org", str(path), "--data-dir", str(data_dir), *db_args(data_dir)]
    )
    assert result.exit_code == 1
    assert message in result.output


def test_a_snapshot_keeps_password_hashes(flow: Flow) -> None:
    api = flow.api
    set_password(api, STANDARD, PASSWORD)
    headers = admin_headers(api)
    exported = api.client.get(f"/__zcrm/orgs/{api.creds.org_id}/snapshot", headers=headers)
    assert exported.status_code == 200
    [user] = [u for u in exported.json()["users"] if u["email"] == STANDARD]
    assert user["definition"]["password_hash"] == stored_hash(api, STANDARD)
    set_password(api, STANDARD, None)
    restored = api.client.post(
        f"/__zcrm/orgs/{api.creds.org_id}/snapshot", content=exported.content, headers=headers
    )
    assert restored.status_code == 200, restored.text
    assert_refused(sign_in(flow, STANDARD), WRONG)  # OAuth clients are not in snapshots: the client stays
    assert signed_in_user(flow, sign_in(flow, STANDARD, PASSWORD)) == STANDARD
