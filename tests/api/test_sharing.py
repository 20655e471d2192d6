"""Record-level access: org-wide default sharing, owners and the role hierarchy (AUTHORIZATION_FAILED), profile
module permissions (NO_PERMISSION), and users whose tokens stop working."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from starlette.testclient import TestClient

from tests.conftest import make_settings, sql
from zcrm.app import create_app

SHARING = Path(__file__).parent.parent / "data" / "sharing.yaml"
USERS = ("ada", "cyd", "max", "ria", "ray", "val", "nia")


class Org:
    def __init__(
        self, client: TestClient, tokens: dict[str, str], ids: dict[str, str], data_dir: Path
    ) -> None:
        self.client, self.tokens, self.ids, self.data_dir = client, tokens, ids, data_dir

    def call(self, who: str, method: str, path: str, body: Any = None, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Zoho-oauthtoken {self.tokens[who]}", **kwargs.pop("headers", {})}
        return self.client.request(method, path, json=body, headers=headers, **kwargs)

    def create(self, who: str, module: str, name: str) -> str:
        response = self.call(who, "POST", f"/crm/v5/{module}", {"data": [{"Name": name}]})
        assert response.status_code == 201, response.text
        return str(response.json()["data"][0]["details"]["id"])

    def names(self, who: str, module: str) -> list[str]:
        response = self.call(who, "GET", f"/crm/v5/{module}", params={"fields": "Name", "sort_order": "asc"})
        return [] if response.status_code == 204 else [r["Name"] for r in response.json()["data"]]


@pytest.fixture
def org(tmp_path: Path) -> Iterator[Org]:
    settings = make_settings(tmp_path / "sharing", org_file=SHARING)
    app = create_app(settings)
    state = app.state.zcrm
    creds = app.state.credentials
    tokens: dict[str, str] = {}
    ids: dict[str, str] = {}
    with state.db.write() as conn:
        now = state.clock.now()
        for row in conn.execute(
            text("SELECT id, email FROM users WHERE org_id = :org"), {"org": creds.org_id}
        ):
            short = row[1].split("@")[0]
            ids[short] = row[0]
            tokens[short] = state.oauth.issue_access_token(
                conn, None, creds.client_id, creds.org_id, row[0], "ZohoCRM.modules.ALL", now
            )
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        yield Org(client, tokens, ids, settings.data_dir)
    state.db.dispose()


def test_private_module_visibility_follows_owner_and_hierarchy(org: Org) -> None:
    for who in ("cyd", "max", "ria", "ray"):
        org.create(who, "Vault", f"{who}-secret")
    assert org.names("ria", "Vault") == ["ria-secret"]
    assert org.names("ray", "Vault") == ["ray-secret"]  # peers do not see each other's records
    assert org.names("max", "Vault") == ["max-secret", "ria-secret", "ray-secret"]
    assert org.names("cyd", "Vault") == ["cyd-secret", "max-secret", "ria-secret", "ray-secret"]
    assert org.names("ada", "Vault") == [
        "cyd-secret",
        "max-secret",
        "ria-secret",
        "ray-secret",
    ]  # administrator


def test_invisible_record_reads_like_an_unknown_one(org: Org) -> None:
    secret = org.create("max", "Vault", "max-secret")
    assert org.call("ria", "GET", f"/crm/v5/Vault/{secret}").status_code == 204
    assert org.call("ria", "GET", f"/crm/v5/Vault/{secret}/__timeline").status_code == 204
    assert (
        org.call("ria", "GET", "/crm/v5/Vault", params={"fields": "Name", "ids": secret}).status_code == 204
    )
    assert org.call("cyd", "GET", f"/crm/v5/Vault/{secret}").json()["data"][0]["Name"] == "max-secret"


def test_update_of_an_unreachable_record_is_authorization_failed(org: Org) -> None:
    secret = org.create("max", "Vault", "max-secret")
    own = org.create("ria", "Vault", "ria-secret")
    response = org.call(
        "ria", "PUT", "/crm/v5/Vault", {"data": [{"id": secret, "Name": "x"}, {"id": own, "Name": "y"}]}
    )
    assert response.status_code == 207
    assert response.json()["data"][0] == {
        "code": "AUTHORIZATION_FAILED",
        "details": {"api_name": "id", "json_path": "$.data[0].id"},
        "message": "User does not have sufficient privilege to update records",
        "status": "error",
    }
    path_form = org.call("ria", "PUT", f"/crm/v5/Vault/{secret}", {"data": [{"Name": "x"}]})
    assert path_form.status_code == 400
    assert path_form.json()["data"][0]["details"] == {"resource_path_index": 1}
    assert org.call("max", "GET", f"/crm/v5/Vault/{secret}").json()["data"][0]["Name"] == "max-secret"
    # a manager edits a subordinate's record
    assert org.call("max", "PUT", f"/crm/v5/Vault/{own}", {"data": [{"Name": "checked"}]}).status_code == 200


def test_delete_of_an_unreachable_record_is_authorization_failed(org: Org) -> None:
    secret = org.create("max", "Vault", "max-secret")
    response = org.call("ray", "DELETE", "/crm/v5/Vault", params={"ids": secret})
    assert response.status_code == 400
    assert response.json()["data"] == [
        {
            "code": "AUTHORIZATION_FAILED",
            "details": {"id": secret},
            "message": "User does not have sufficient privilege to delete records",
            "status": "error",
        }
    ]
    assert org.call("max", "GET", f"/crm/v5/Vault/{secret}").status_code == 200
    assert org.call("cyd", "DELETE", f"/crm/v5/Vault/{secret}").status_code == 200


def test_public_read_only_shows_all_but_edits_only_own_and_below(org: Org) -> None:
    boss = org.create("max", "Board", "max-note")
    mine = org.create("ria", "Board", "ria-note")
    assert org.names("ray", "Board") == ["max-note", "ria-note"]
    denied = org.call("ray", "PUT", f"/crm/v5/Board/{mine}", {"data": [{"Name": "x"}]})
    assert denied.json()["data"][0] == {
        "code": "AUTHORIZATION_FAILED",
        "details": {"resource_path_index": 1},
        "message": "User does not have sufficient privilege to update records",
        "status": "error",
    }
    assert org.call("ria", "PUT", f"/crm/v5/Board/{boss}", {"data": [{"Name": "x"}]}).status_code == 400
    assert org.call("max", "PUT", f"/crm/v5/Board/{mine}", {"data": [{"Name": "ok"}]}).status_code == 200


def test_public_read_write_lets_everyone_edit(org: Org) -> None:
    shared = org.create("max", "Commons", "max-item")
    assert (
        org.call("ray", "PUT", f"/crm/v5/Commons/{shared}", {"data": [{"Name": "ray-edit"}]}).status_code
        == 200
    )
    assert org.names("ria", "Commons") == ["ray-edit"]


@pytest.mark.parametrize(
    ("who", "method", "path", "message", "permission"),
    [
        ("val", "POST", "/crm/v5/Commons", "Permission denied to create", "Crm_Implied_Create_Commons"),
        ("val", "PUT", "/crm/v5/Commons", "Permission denied to update", "Crm_Implied_Edit_Commons"),
        (
            "val",
            "DELETE",
            "/crm/v5/Commons?ids=1",
            "Permission denied to delete",
            "Crm_Implied_Delete_Commons",
        ),
        ("nia", "GET", "/crm/v5/Vault?fields=Name", "Permission denied to read", "Crm_Implied_View_Vault"),
    ],
)
def test_profile_without_the_module_permission_is_no_permission(
    org: Org, who: str, method: str, path: str, message: str, permission: str
) -> None:
    response = org.call(who, method, path, {"data": [{"Name": "x"}]} if method in ("POST", "PUT") else None)
    assert response.status_code == 403
    assert response.json() == {
        "code": "NO_PERMISSION",
        "details": {"permissions": [permission]},
        "message": message,
        "status": "error",
    }


@pytest.mark.parametrize("status", ["inactive", "deleted"])
def test_tokens_of_an_inactive_or_deleted_user_stop_working(org: Org, status: str) -> None:
    assert org.call("ray", "GET", "/crm/v5/Commons", params={"fields": "Name"}).status_code == 204
    sql(
        org.client,
        "UPDATE users SET status = :status WHERE id = :id",
        {"status": status, "id": org.ids["ray"]},
    )
    sql(org.client, "UPDATE orgs SET schema_version = schema_version + 1")
    response = org.call("ray", "GET", "/crm/v5/Commons", params={"fields": "Name"})
    assert response.status_code == 401
    assert response.json() == {
        "code": "INVALID_TOKEN",
        "details": {},
        "message": "invalid oauth token",
        "status": "error",
    }


def test_if_modified_since_looks_only_at_visible_records(org: Org) -> None:
    mine = org.create("ria", "Vault", "ria-old")
    org.create("ray", "Vault", "ray-new")  # changed now, but invisible to Ria
    sql(org.client, "UPDATE records SET modified_time = 1000000000 WHERE id = :id", {"id": mine})  # in 2001
    since = {"If-Modified-Since": "2010-01-01T00:00:00+00:00"}
    response = org.call("ria", "GET", "/crm/v5/Vault", params={"fields": "Name"}, headers=since)
    assert response.status_code == 304  # nothing Ria can see changed since 2010
    older = {"If-Modified-Since": "2000-01-01T00:00:00+00:00"}
    assert (
        org.call("ria", "GET", "/crm/v5/Vault", params={"fields": "Name"}, headers=older).status_code == 200
    )
