"""The access-management control plane: /__zcrm/users, roles, profiles, clients, tokens (org administrators)
and /__zcrm/orgs (the server admin token)."""

from __future__ import annotations

import hashlib
import json
import stat
from typing import Any

import pytest

from tests.conftest import CREDENTIAL_KEYS, Api, dump, sql
from zcrm.auth.admin import ensure_admin_token

ADMIN_EMAIL = "priya.raman@zylker.test"
SCOPE_MISMATCH = {
    "code": "OAUTH_SCOPE_MISMATCH",
    "details": {},
    "message": "invalid oauth scope to access this URL",
    "status": "error",
}
INVALID_TOKEN = {"code": "INVALID_TOKEN", "details": {}, "message": "invalid oauth token", "status": "error"}


def error(code: str, message: str, details: dict[str, Any]) -> dict[str, Any]:
    return {"code": code, "details": details, "message": message, "status": "error"}


def as_user(token: str) -> dict[str, str]:
    return {"Authorization": f"Zoho-oauthtoken {token}"}


def schema_ids(api: Api) -> dict[str, str]:
    """Role and profile ids by name, and user ids by email, from GET /crm/v5/users and the database."""
    rows = sql(api, "SELECT id, definition FROM roles UNION ALL SELECT id, definition FROM profiles")
    ids = {json.loads(d)["name"]: i for i, d in rows}
    ids.update(dict(sql(api, "SELECT email, id FROM users WHERE org_id = :org", {"org": api.creds.org_id})))
    return ids


def schema_version(api: Api, org_id: str) -> int:
    return int(sql(api, "SELECT schema_version FROM orgs WHERE id = :id", {"id": org_id})[0][0])


def create_user(api: Api, **body: Any) -> dict[str, Any]:
    response = api.post("/__zcrm/users", {"last_name": "Tester", **body})
    assert response.status_code == 201, response.text
    return dict(response.json())


def issue(api: Api, scope: str | list[str], **body: Any) -> dict[str, Any]:
    response = api.post("/__zcrm/tokens", {"scope": scope, **body})
    assert response.status_code == 201, response.text
    return dict(response.json())


def admin_token(api: Api) -> str:
    state = api.client.app.state.zcrm  # type: ignore[attr-defined]
    with state.db.write() as conn:
        return ensure_admin_token(conn, api.data_dir)


# -- users ----------------------------------------------------------------------------------------------------
def test_create_user_answers_the_user_and_bumps_the_schema_version(api: Api) -> None:
    ids = schema_ids(api)
    before = schema_version(api, api.creds.org_id)
    response = api.post(
        "/__zcrm/users",
        {
            "first_name": "Tom",
            "last_name": "Hardy",
            "email": "Tom.Hardy@zylker.test",
            "role": "Sales Rep",
            "profile": "Read Only",
            "time_zone": "Europe/London",
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert body == {
        "id": body["id"],
        "first_name": "Tom",
        "last_name": "Hardy",
        "full_name": "Tom Hardy",
        "email": "Tom.Hardy@zylker.test",
        "status": "active",
        "role": {"name": "Sales Rep", "id": ids["Sales Rep"]},
        "profile": {"name": "Read Only", "id": ids["Read Only"], "admin": False},
        "time_zone": "Europe/London",
    }
    assert body["id"].startswith(api.creds.org_id[:7]) and len(body["id"]) == 19
    assert schema_version(api, api.creds.org_id) == before + 1


def test_created_users_are_listed_by_the_users_api(api: Api) -> None:
    ids = schema_ids(api)
    tom = create_user(api, first_name="Tom", email="tom@zylker.test", role=ids["Manager"], profile="Standard")
    ada = create_user(api, email="ada@zylker.test", profile="Administrator", time_zone=None)
    gone = create_user(api, email="gone@zylker.test", status="deleted")
    away = create_user(api, email="away@zylker.test", status="inactive")
    one = api.get(f"/crm/v5/users/{tom['id']}").json()["users"][0]
    assert (one["email"], one["status"], one["role"], one["profile"]) == (
        "tom@zylker.test",
        "active",
        {"name": "Manager", "id": ids["Manager"]},
        {"name": "Standard", "id": ids["Standard"]},
    )
    assert one["time_zone"] == "Asia/Kolkata"  # the org's time zone by default

    def listed(user_type: str) -> set[str]:
        response = api.get("/crm/v5/users", params={"type": user_type})
        return set() if response.status_code == 204 else {u["id"] for u in response.json()["users"]}

    assert {tom["id"], ada["id"], away["id"]} <= listed("AllUsers") and gone["id"] not in listed("AllUsers")
    assert {tom["id"], ada["id"]} <= listed("ActiveUsers") and away["id"] not in listed("ActiveUsers")
    assert away["id"] in listed("DeactiveUsers") and tom["id"] not in listed("DeactiveUsers")
    assert listed("DeletedUsers") == {gone["id"]}
    assert ada["id"] in listed("AdminUsers") and tom["id"] not in listed("AdminUsers")
    assert ada["profile"]["admin"] is True


def test_user_defaults_are_the_first_role_and_the_first_non_admin_profile(api: Api) -> None:
    ids = schema_ids(api)
    user = create_user(api, email="plain@zylker.test", first_name=None, status=None, role=None, profile="")
    assert user["role"] == {"name": "CEO", "id": ids["CEO"]}
    assert user["profile"] == {"name": "Standard", "id": ids["Standard"], "admin": False}
    assert user["status"] == "active" and user["first_name"] is None and user["full_name"] == "Tester"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"email": "x@zylker.test"}, error("MANDATORY_NOT_FOUND", "required field not found", {"api_name": "last_name"})),
        ({"last_name": "X"}, error("MANDATORY_NOT_FOUND", "required field not found", {"api_name": "email"})),
        ({"last_name": " ", "email": "x@zylker.test"}, error("MANDATORY_NOT_FOUND", "required field not found", {"api_name": "last_name"})),
        ({"last_name": 5, "email": "x@zylker.test"}, error("INVALID_DATA", "invalid data", {"api_name": "last_name", "expected_data_type": "string"})),
        ({"last_name": "X", "email": "not-an-email"}, error("INVALID_DATA", "invalid data", {"api_name": "email", "expected_data_type": "email"})),
        ({"last_name": "X", "email": "x@zylker.test", "role": "Janitor"}, error("INVALID_DATA", "invalid data", {"api_name": "role"})),
        ({"last_name": "X", "email": "x@zylker.test", "profile": "Nobody"}, error("INVALID_DATA", "invalid data", {"api_name": "profile"})),
        ({"last_name": "X", "email": "x@zylker.test", "time_zone": "Mars/Olympus"}, error("INVALID_DATA", "invalid data", {"api_name": "time_zone"})),
        (
            {"last_name": "X", "email": "x@zylker.test", "status": "disabled"},
            error("INVALID_DATA", "invalid data", {"api_name": "status", "supported_values": ["active", "deleted", "inactive"]}),
        ),
        ({"last_name": "X", "email": "x@zylker.test", "phone": "1"}, error("INVALID_DATA", "the field api name given seems to be invalid", {"api_name": "phone"})),
    ],
)  # fmt: skip
def test_create_user_rejects_bad_input(api: Api, body: dict[str, Any], expected: dict[str, Any]) -> None:
    response = api.post("/__zcrm/users", body)
    assert response.status_code == 400
    assert response.json() == expected


@pytest.mark.parametrize("content", ["", "[]", "{oops"])
def test_a_body_that_is_not_a_json_object_is_invalid_data(api: Api, content: str) -> None:
    response = api.post("/__zcrm/users", content=content)
    assert response.status_code == 400
    assert response.json() == error("INVALID_DATA", "body", {})


def test_email_is_unique_per_org_ignoring_case(api: Api) -> None:
    ids = schema_ids(api)
    response = api.post("/__zcrm/users", {"last_name": "Again", "email": ADMIN_EMAIL.upper()})
    assert response.status_code == 400
    assert response.json() == error(
        "DUPLICATE_DATA", "duplicate data", {"api_name": "email", "id": ids[ADMIN_EMAIL]}
    )


def test_update_user_changes_status_role_and_profile(api: Api) -> None:
    ids = schema_ids(api)
    user = create_user(api, email="mover@zylker.test")
    response = api.put(
        f"/__zcrm/users/{user['id']}", {"status": "inactive", "role": "Manager", "profile": ids["Read Only"]}
    )
    assert response.status_code == 200
    assert response.json() == {
        **user,
        "status": "inactive",
        "role": {"name": "Manager", "id": ids["Manager"]},
        "profile": {"name": "Read Only", "id": ids["Read Only"], "admin": False},
    }
    listed = api.get(f"/crm/v5/users/{user['id']}").json()["users"][0]
    assert (listed["status"], listed["role"]["name"], listed["profile"]["name"]) == (
        "inactive",
        "Manager",
        "Read Only",
    )


@pytest.mark.parametrize(
    ("path", "body", "expected"),
    [
        ("/__zcrm/users/1234", {"status": "active"}, error("INVALID_DATA", "the id given seems to be invalid", {"resource_path_index": 2})),
        ("/__zcrm/users/abc", {"status": "active"}, error("INVALID_DATA", "the id given seems to be invalid", {"resource_path_index": 2})),
        (None, {"status": "gone"}, error("INVALID_DATA", "invalid data", {"api_name": "status", "supported_values": ["active", "deleted", "inactive"]})),
        (None, {"email": "new@zylker.test"}, error("INVALID_DATA", "the field api name given seems to be invalid", {"api_name": "email"})),
        (None, {"role": None}, error("MANDATORY_NOT_FOUND", "required field not found", {"api_name": "role"})),
    ],
)  # fmt: skip
def test_update_user_rejects_bad_input(
    api: Api, path: str | None, body: dict[str, Any], expected: dict[str, Any]
) -> None:
    user = create_user(api, email="target@zylker.test")
    response = api.put(path or f"/__zcrm/users/{user['id']}", body)
    assert response.status_code == 400
    assert response.json() == expected


@pytest.mark.parametrize("change", [{"status": "inactive"}, {"status": "deleted"}, {"profile": "Standard"}])
def test_the_last_active_administrator_cannot_be_removed(api: Api, change: dict[str, str]) -> None:
    response = api.put(f"/__zcrm/users/{api.creds.user_id}", change)
    assert response.status_code == 400
    assert response.json() == error(
        "INVALID_DATA",
        "the org must keep at least one active user with an administrator profile",
        {"api_name": next(iter(change))},
    )
    assert api.get("/crm/v5/org").status_code == 200


@pytest.mark.parametrize("status", ["inactive", "deleted"])
def test_an_inactive_or_deleted_users_tokens_stop_working(api: Api, status: str) -> None:
    user = create_user(api, email="leaver@zylker.test")
    tokens = issue(api, "ZohoCRM.users.READ", user_id=user["id"])
    assert api.client.get("/crm/v5/users", headers=as_user(tokens["access_token"])).status_code == 200
    assert api.put(f"/__zcrm/users/{user['id']}", {"status": status}).status_code == 200

    response = api.client.get("/crm/v5/users", headers=as_user(tokens["access_token"]))
    assert response.status_code == 401 and response.json() == INVALID_TOKEN
    refreshed = api.client.post(
        "/oauth/v2/token",
        data={
            "grant_type": "refresh_token",
            "client_id": api.creds.client_id,
            "client_secret": api.creds.client_secret,
            "refresh_token": tokens["refresh_token"],
        },
    )
    assert refreshed.json() == {"error": "invalid_code"}
    again = api.post("/__zcrm/tokens", {"email": "leaver@zylker.test", "scope": "ZohoCRM.users.READ"})
    assert again.status_code == 400
    assert again.json() == error(
        "INVALID_DATA", "the user is not active", {"api_name": "email", "status": status}
    )

    # reactivated: the old tokens stay revoked, new ones can be issued
    assert api.put(f"/__zcrm/users/{user['id']}", {"status": "active"}).status_code == 200
    assert api.client.get("/crm/v5/users", headers=as_user(tokens["access_token"])).status_code == 401
    fresh = issue(api, "ZohoCRM.users.READ", email="LEAVER@zylker.test")
    assert api.client.get("/crm/v5/users", headers=as_user(fresh["access_token"])).status_code == 200


# -- tokens -----------------------------------------------------------------------------------------------------
def test_an_issued_token_has_exactly_the_requested_scopes(api: Api) -> None:
    user = create_user(api, email="scoped@zylker.test", profile="Standard")
    modules_only = issue(api, "ZohoCRM.modules.ALL", user_id=user["id"])
    assert modules_only == {
        "access_token": modules_only["access_token"],
        "refresh_token": modules_only["refresh_token"],
        "api_domain": "http://127.0.0.1:8000",
        "token_type": "Bearer",
        "expires_in": 3600,
        "scope": "ZohoCRM.modules.ALL",
        "client_id": api.creds.client_id,
        "user_id": user["id"],
    }
    headers = as_user(modules_only["access_token"])
    users = api.client.get("/crm/v5/users", headers=headers)
    assert users.status_code == 401 and users.json() == SCOPE_MISMATCH
    leads = api.client.get("/crm/v5/Leads", params={"fields": "Last_Name"}, headers=headers)
    assert (leads.status_code, leads.content) == (204, b"")  # allowed, and the org has no leads

    users_read = issue(api, ["ZohoCRM.users.READ", "ZohoCRM.org.READ"], email="scoped@zylker.test")
    assert users_read["scope"] == "ZohoCRM.users.READ ZohoCRM.org.READ"
    headers = as_user(users_read["access_token"])
    me = api.client.get("/crm/v5/users", params={"type": "CurrentUser"}, headers=headers)
    assert me.status_code == 200 and me.json()["users"][0]["id"] == user["id"]
    assert api.client.get("/crm/v5/org", headers=headers).status_code == 200
    leads = api.client.get("/crm/v5/Leads", params={"fields": "Last_Name"}, headers=headers)
    assert leads.status_code == 401 and leads.json() == SCOPE_MISMATCH
    settings = api.client.get("/crm/v5/settings/modules", headers=headers)
    assert settings.status_code == 401 and settings.json() == SCOPE_MISMATCH


def test_an_issued_refresh_token_works_at_the_token_endpoint(api: Api) -> None:
    tokens = issue(api, "ZohoCRM.users.ALL", email=ADMIN_EMAIL)
    answer = api.client.post(
        "/oauth/v2/token",
        data={
            "grant_type": "refresh_token",
            "client_id": api.creds.client_id,
            "client_secret": api.creds.client_secret,
            "refresh_token": tokens["refresh_token"],
        },
    ).json()
    headers = as_user(answer["access_token"])
    assert api.client.get("/crm/v5/users", headers=headers).status_code == 200
    assert api.client.get("/crm/v5/org", headers=headers).json() == SCOPE_MISMATCH


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"scope": "ZohoCRM.users.READ"}, error("MANDATORY_NOT_FOUND", "required field not found", {"api_name": "user_id"})),
        ({"email": ADMIN_EMAIL}, error("MANDATORY_NOT_FOUND", "required field not found", {"api_name": "scope"})),
        ({"email": ADMIN_EMAIL, "scope": " , "}, error("MANDATORY_NOT_FOUND", "required field not found", {"api_name": "scope"})),
        ({"email": ADMIN_EMAIL, "scope": "ZohoCRM.everything"}, error("INVALID_DATA", "invalid data", {"api_name": "scope", "value": "ZohoCRM.everything"})),
        ({"email": ADMIN_EMAIL, "scope": 7}, error("INVALID_DATA", "invalid data", {"api_name": "scope", "expected_data_type": "string"})),
        ({"email": "nobody@zylker.test", "scope": "ZohoCRM.users.READ"}, error("INVALID_DATA", "invalid data", {"api_name": "email"})),
        ({"user_id": "1", "scope": "ZohoCRM.users.READ"}, error("INVALID_DATA", "the id given seems to be invalid", {"api_name": "user_id"})),
        (
            {"email": "lena.fischer@zylker.test", "scope": "ZohoCRM.users.READ"},
            error("INVALID_DATA", "the user is not active", {"api_name": "email", "status": "inactive"}),
        ),
        ({"email": ADMIN_EMAIL, "scope": "ZohoCRM.users.READ", "client_id": "1000.NOPE"}, error("INVALID_DATA", "invalid data", {"api_name": "client_id"})),
    ],
)  # fmt: skip
def test_issue_tokens_rejects_bad_input(api: Api, body: dict[str, Any], expected: dict[str, Any]) -> None:
    response = api.post("/__zcrm/tokens", body)
    assert response.status_code == 400
    assert response.json() == expected


# -- clients ------------------------------------------------------------------------------------------------------
def test_a_created_clients_credentials_work_at_the_token_endpoint(api: Api) -> None:
    response = api.post(
        "/__zcrm/clients", {"name": "CI", "client_type": "server", "redirect_uri": "http://ci/cb"}
    )
    assert response.status_code == 201
    client = response.json()
    assert client == {
        "client_id": client["client_id"],
        "client_secret": client["client_secret"],
        "name": "CI",
        "client_type": "server",
        "redirect_uri": "http://ci/cb",
    }
    assert client["client_id"].startswith("1000.") and client["client_id"] != api.creds.client_id
    tokens = issue(api, "ZohoCRM.org.READ", email=ADMIN_EMAIL, client_id=client["client_id"])
    assert tokens["client_id"] == client["client_id"]
    form = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
    answer = api.client.post(
        "/oauth/v2/token", data={**form, **{k: client[k] for k in ("client_id", "client_secret")}}
    )
    assert api.client.get("/crm/v5/org", headers=as_user(answer.json()["access_token"])).status_code == 200
    wrong = api.client.post(
        "/oauth/v2/token",
        data={**form, "client_id": client["client_id"], "client_secret": api.creds.client_secret},
    )
    assert wrong.json() == {"error": "invalid_client_secret"}
    other = api.client.post(
        "/oauth/v2/token",
        data={**form, "client_id": api.creds.client_id, "client_secret": api.creds.client_secret},
    )
    assert other.json() == {"error": "invalid_code"}  # the refresh token belongs to the new client


def test_a_self_client_gets_tokens_by_client_credentials(api: Api) -> None:
    client = api.post("/__zcrm/clients", {}).json()
    assert (client["name"], client["client_type"], client["redirect_uri"]) == ("Self Client", "self", None)
    answer = api.client.post(
        "/oauth/v2/token",
        data={
            "grant_type": "client_credentials",
            "client_id": client["client_id"],
            "client_secret": client["client_secret"],
            "scope": "ZohoCRM.users.READ",
            "soid": f"ZohoCRM.{api.creds.org_id}",
        },
    ).json()
    me = api.client.get(
        "/crm/v5/users", params={"type": "CurrentUser"}, headers=as_user(answer["access_token"])
    )
    assert (
        me.json()["users"][0]["id"] == api.creds.user_id
    )  # the client acts for the administrator who made it


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"client_type": "server"}, error("MANDATORY_NOT_FOUND", "required field not found", {"api_name": "redirect_uri"})),
        ({"client_type": "mobile"}, error("INVALID_DATA", "invalid data", {"api_name": "client_type", "supported_values": ["self", "server"]})),
        ({"type": "self"}, error("INVALID_DATA", "the field api name given seems to be invalid", {"api_name": "type"})),
    ],
)  # fmt: skip
def test_create_client_rejects_bad_input(api: Api, body: dict[str, Any], expected: dict[str, Any]) -> None:
    response = api.post("/__zcrm/clients", body)
    assert response.status_code == 400
    assert response.json() == expected


# -- roles and profiles -------------------------------------------------------------------------------------------
def test_create_role_under_another(api: Api) -> None:
    ids = schema_ids(api)
    before = schema_version(api, api.creds.org_id)
    response = api.post("/__zcrm/roles", {"name": "Intern", "reports_to": "Sales Rep"})
    assert response.status_code == 201
    role = response.json()
    assert role == {
        "id": role["id"],
        "name": "Intern",
        "reports_to": {"name": "Sales Rep", "id": ids["Sales Rep"]},
    }
    assert schema_version(api, api.creds.org_id) == before + 1
    top = api.post("/__zcrm/roles", {"name": "Board", "reports_to": None}).json()
    assert top["reports_to"] is None
    user = create_user(api, email="intern@zylker.test", role="intern")
    assert user["role"] == {"name": "Intern", "id": role["id"]}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({}, error("MANDATORY_NOT_FOUND", "required field not found", {"api_name": "name"})),
        (
            {"name": "Boss", "reports_to": "Nobody"},
            error("INVALID_DATA", "invalid data", {"api_name": "reports_to"}),
        ),
    ],
)
def test_create_role_rejects_bad_input(api: Api, body: dict[str, Any], expected: dict[str, Any]) -> None:
    response = api.post("/__zcrm/roles", body)
    assert response.status_code == 400
    assert response.json() == expected


def test_role_and_profile_names_are_unique(api: Api) -> None:
    ids = schema_ids(api)
    role = api.post("/__zcrm/roles", {"name": "manager"})
    assert role.status_code == 400
    assert role.json() == error(
        "DUPLICATE_DATA", "duplicate data", {"api_name": "name", "id": ids["Manager"]}
    )
    profile = api.post("/__zcrm/profiles", {"name": "STANDARD"})
    assert profile.status_code == 400
    assert profile.json() == error(
        "DUPLICATE_DATA", "duplicate data", {"api_name": "name", "id": ids["Standard"]}
    )


def test_a_created_profile_decides_module_permissions(api: Api) -> None:
    response = api.post(
        "/__zcrm/profiles",
        {"name": "Leads Only", "permissions": {"leads": ["create", "view"], "*": []}},
    )
    assert response.status_code == 201
    profile = response.json()
    assert profile == {
        "id": profile["id"],
        "name": "Leads Only",
        "admin": False,
        "permissions": {"Leads": ["view", "create"], "*": []},
    }
    user = create_user(api, email="leads@zylker.test", profile="Leads Only")
    headers = as_user(issue(api, "ZohoCRM.modules.ALL", user_id=user["id"])["access_token"])
    created = api.client.post(
        "/crm/v5/Leads", json={"data": [{"Last_Name": "L", "Company": "C"}]}, headers=headers
    )
    assert created.status_code == 201
    denied = api.client.get("/crm/v5/Contacts", params={"fields": "Last_Name"}, headers=headers)
    assert denied.status_code == 403
    assert denied.json() == error(
        "NO_PERMISSION", "Permission denied to read", {"permissions": ["Crm_Implied_View_Contacts"]}
    )
    lead_id = created.json()["data"][0]["details"]["id"]
    delete = api.client.delete(f"/crm/v5/Leads/{lead_id}", headers=headers)
    assert delete.status_code == 403


def test_an_admin_profile_reaches_everything(api: Api) -> None:
    profile = api.post("/__zcrm/profiles", {"name": "Super", "admin": True}).json()
    assert profile["admin"] is True and profile["permissions"] == {}
    user = create_user(api, email="super@zylker.test", profile="Super")
    headers = as_user(issue(api, "ZohoCRM.users.ALL", user_id=user["id"])["access_token"])
    assert (
        api.client.post("/__zcrm/roles", json={"name": "Made By Super"}, headers=headers).status_code == 201
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"admin": True}, error("MANDATORY_NOT_FOUND", "required field not found", {"api_name": "name"})),
        ({"name": "P", "admin": "yes"}, error("INVALID_DATA", "invalid data", {"api_name": "admin", "expected_data_type": "boolean"})),
        ({"name": "P", "permissions": []}, error("INVALID_DATA", "invalid data", {"api_name": "permissions", "expected_data_type": "jsonobject"})),
        ({"name": "P", "permissions": {"Nope": ["view"]}}, error("INVALID_DATA", "invalid data", {"api_name": "permissions", "module": "Nope"})),
        (
            {"name": "P", "permissions": {"Leads": ["read"]}},
            error("INVALID_DATA", "invalid data", {"api_name": "permissions", "supported_values": ["view", "create", "edit", "delete"]}),
        ),
    ],
)  # fmt: skip
def test_create_profile_rejects_bad_input(api: Api, body: dict[str, Any], expected: dict[str, Any]) -> None:
    response = api.post("/__zcrm/profiles", body)
    assert response.status_code == 400
    assert response.json() == expected


# -- who may call ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/__zcrm/users"),
        ("PUT", "/__zcrm/users/1"),
        ("POST", "/__zcrm/roles"),
        ("POST", "/__zcrm/profiles"),
        ("POST", "/__zcrm/clients"),
        ("POST", "/__zcrm/tokens"),
    ],
)
def test_non_admin_tokens_get_no_permission(api: Api, method: str, path: str) -> None:
    user = create_user(api, email="plain@zylker.test", profile="Standard")
    headers = as_user(
        issue(api, ",".join(("ZohoCRM.modules.ALL", "ZohoCRM.users.ALL")), user_id=user["id"])["access_token"]
    )
    response = api.client.request(method, path, json={"name": "x"}, headers=headers)
    assert response.status_code == 403
    assert response.json() == error("NO_PERMISSION", "Permission denied", {"permissions": ["administrator"]})
    unauthenticated = api.client.request(method, path, json={"name": "x"})
    assert unauthenticated.status_code == 401
    assert unauthenticated.json() == {
        "code": "AUTHENTICATION_FAILURE",
        "details": {},
        "message": "Authentication failed",
        "status": "error",
    }


def test_unknown_control_paths_and_methods(api: Api) -> None:
    assert api.get("/__zcrm/users").json() == {
        "code": "INVALID_REQUEST_METHOD",
        "details": {},
        "message": "The http request method type is not a valid one",
        "status": "error",
    }
    assert api.post("/__zcrm/users/1", {}).json() == {
        "code": "INVALID_REQUEST_METHOD",
        "details": {},
        "message": "The http request method type is not a valid one",
        "status": "error",
    }
    assert api.get("/__zcrm/orgs").status_code == 400
    for path in ("/__zcrm/groups", "/__zcrm/users/1/extra", "/__zcrm/", "/__zcrm/users//"):
        response = api.post(path, {})
        assert (response.status_code, response.json()) == (
            404,
            {
                "code": "INVALID_URL_PATTERN",
                "details": {},
                "message": "Please check if the URL trying to access is a correct one",
                "status": "error",
            },
        ), path


# -- orgs -----------------------------------------------------------------------------------------------------------
def test_create_org_needs_the_server_admin_token(api: Api) -> None:
    missing = api.client.post("/__zcrm/orgs", json={})
    assert missing.status_code == 401
    assert missing.json() == error("AUTHENTICATION_FAILURE", "Authentication failed", {})
    org_token = api.post("/__zcrm/orgs", {})
    assert org_token.status_code == 403
    assert org_token.json() == error(
        "NO_PERMISSION", "Permission denied", {"permissions": ["server_administrator"]}
    )
    for headers in ({"X-ZCRM-Admin-Token": "wrong"}, as_user("1000.nope.nope")):
        wrong = api.client.post("/__zcrm/orgs", json={}, headers=headers)
        assert wrong.status_code == 401 and wrong.json() == INVALID_TOKEN


def test_the_admin_token_is_made_on_first_use_and_stored_hashed(api: Api) -> None:
    path = api.data_dir / "admin-token"
    assert api.client.post("/__zcrm/orgs", json={}).status_code == 401  # made at start or by the first call
    token = path.read_text().strip()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and len(token) == 64
    stored = sql(api, "SELECT value FROM server_meta WHERE key = 'admin_token'")[0][0]
    assert stored == hashlib.sha256(token.encode()).hexdigest()
    assert admin_token(api) == token  # reused while its hash matches
    path.write_text("tampered\n")
    renewed = admin_token(api)
    assert renewed != token and path.read_text().strip() == renewed


def test_zcrm_admin_token_fixes_the_value(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    old = admin_token(api)
    monkeypatch.setenv("ZCRM_ADMIN_TOKEN", "fixed-admin-token")
    response = api.client.post("/__zcrm/orgs", json={}, headers={"X-ZCRM-Admin-Token": "fixed-admin-token"})
    assert response.status_code == 201
    assert api.client.post("/__zcrm/orgs", json={}, headers={"X-ZCRM-Admin-Token": old}).status_code == 401
    assert (api.data_dir / "admin-token").read_text().strip() == "fixed-admin-token"


def test_a_created_org_is_isolated(api: Api) -> None:
    token = admin_token(api)
    response = api.client.post("/__zcrm/orgs", content=b"", headers=as_user(token))
    assert response.status_code == 201
    creds = response.json()
    assert list(creds) == CREDENTIAL_KEYS
    assert creds["base_url"] == "http://127.0.0.1:8000"
    assert creds["accounts_url"] == "http://127.0.0.1:8000/oauth/v2/token"
    assert creds["org_id"] != api.creds.org_id
    theirs = as_user(creds["access_token"])
    assert api.client.get("/crm/v5/org", headers=theirs).json()["org"][0]["id"] == creds["org_id"]
    me = api.client.get("/crm/v5/users", params={"type": "CurrentUser"}, headers=theirs).json()["users"][0]
    assert me["id"] == creds["user_id"] and me["email"] == ADMIN_EMAIL  # the standard org, again

    lead = api.client.post(
        "/crm/v5/Leads", json={"data": [{"Last_Name": "Hidden", "Company": "X"}]}, headers=theirs
    )
    lead_id = lead.json()["data"][0]["details"]["id"]
    assert api.get("/crm/v5/Leads", params={"fields": "Last_Name"}).status_code == 204
    assert api.get(f"/crm/v5/Leads/{lead_id}").status_code == 204
    assert api.client.get(f"/crm/v5/Leads/{lead_id}", headers=theirs).status_code == 200
    # its administrator manages its own users; the same email is free there
    made = api.client.post(
        "/__zcrm/users", json={"last_name": "X", "email": "dup@zylker.test"}, headers=theirs
    )
    assert made.status_code == 201 and create_user(api, email="dup@zylker.test")["id"] != made.json()["id"]
    assert made.json()["id"] not in {u["id"] for u in api.get("/crm/v5/users").json()["users"]}
    # its credentials work at the token endpoint
    refreshed = api.client.post(
        "/oauth/v2/token",
        data={
            "grant_type": "refresh_token",
            **{k: creds[k] for k in ("client_id", "client_secret", "refresh_token")},
        },
    ).json()
    assert (
        api.client.get("/crm/v5/org", headers=as_user(refreshed["access_token"])).json()["org"][0]["id"]
        == creds["org_id"]
    )


def test_create_org_from_an_org_file_object(api: Api) -> None:
    org_file = {
        "format": "zcrm-org/1",
        "org": {"company_name": "Tiny Co", "time_zone": "UTC"},
        "users": [{"last_name": "Owner", "email": "owner@tiny.test"}],
        "modules": [{"api_name": "Widgets", "fields": [{"api_name": "Name", "data_type": "text"}]}],
    }
    response = api.client.post(
        "/__zcrm/orgs", json={"org_file": org_file}, headers={"X-ZCRM-Admin-Token": admin_token(api)}
    )
    assert response.status_code == 201
    headers = as_user(response.json()["access_token"])
    org = api.client.get("/crm/v5/org", headers=headers).json()["org"][0]
    assert org["company_name"] == "Tiny Co"
    modules = {
        m["api_name"] for m in api.client.get("/crm/v5/settings/modules", headers=headers).json()["modules"]
    }
    assert "Widgets" in modules and "Leads" not in modules


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"org_file": {"modules": []}}, error("INVALID_DATA", "modules: a non-empty list is required", {"api_name": "org_file"})),
        ({"org_file": "standard"}, error("INVALID_DATA", "invalid data", {"api_name": "org_file", "expected_data_type": "jsonobject"})),
        ({"org": {}}, error("INVALID_DATA", "the field api name given seems to be invalid", {"api_name": "org"})),
    ],
)  # fmt: skip
def test_create_org_rejects_a_bad_definition(
    api: Api, body: dict[str, Any], expected: dict[str, Any]
) -> None:
    response = api.client.post("/__zcrm/orgs", json=body, headers={"X-ZCRM-Admin-Token": admin_token(api)})
    assert response.status_code == 400
    assert response.json() == expected


def test_created_secrets_are_stored_hashed(api: Api) -> None:
    creds = api.client.post("/__zcrm/orgs", json={}, headers={"X-ZCRM-Admin-Token": admin_token(api)}).json()
    everything = dump(api)
    for secret in ("client_secret", "refresh_token", "access_token"):
        assert creds[secret] not in everything
    assert admin_token(api) not in everything


def test_the_first_server_level_call_makes_the_admin_token_even_when_refused(api: Api) -> None:
    """The server admin token is made on first use, in a unit of its own: a refused call keeps it, and the token
    on file then works. (``zcrm serve`` makes it at start; a database whose token was never made is one a test
    or an older server left.)"""
    sql(api, "DELETE FROM server_meta WHERE key = 'admin_token'")
    (api.data_dir / "admin-token").unlink()
    refused = api.client.post("/__zcrm/orgs", json={}, headers={"X-ZCRM-Admin-Token": "wrong"})
    assert (refused.status_code, refused.json()) == (401, error("INVALID_TOKEN", "invalid oauth token", {}))
    token = (api.data_dir / "admin-token").read_text().strip()
    stored = hashlib.sha256(token.encode()).hexdigest()
    assert sql(api, "SELECT value FROM server_meta WHERE key = 'admin_token'") == [(stored,)]
    made = api.client.post("/__zcrm/orgs", json={}, headers={"X-ZCRM-Admin-Token": token})
    assert made.status_code == 201 and list(made.json()) == CREDENTIAL_KEYS
