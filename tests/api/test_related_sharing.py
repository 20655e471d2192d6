"""Related lists of an org file's custom modules (zoho-v5-related.md §2.3 last point), record sharing on related
records (§1.3 step 7, §3.1) and the scopes of §1.6."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from tests.api.sharing_org import sharing_org

RELATED = Path(__file__).parent.parent / "data" / "related.yaml"
ALL = "ZohoCRM.modules.ALL"
SCOPES = (
    ALL,
    "ZohoCRM.settings.related_lists.READ",
    "ZohoCRM.modules.custom.READ",
    "ZohoCRM.modules.custom.DELETE",
)
Org = tuple[TestClient, dict[str, str]]


@pytest.fixture
def org(tmp_path: Path) -> Iterator[Org]:
    with sharing_org(tmp_path / "related", SCOPES, RELATED) as shared:
        yield shared


def call(org: Org, who: str, method: str, path: str, scopes: str = ALL, **kwargs: Any) -> httpx.Response:
    client, tokens = org
    headers = {"Authorization": f"Zoho-oauthtoken {tokens[who + ' ' + scopes]}"}
    return client.request(method, path, headers=headers, **kwargs)


def insert(org: Org, who: str, module: str, record: dict[str, Any]) -> str:
    response = call(org, who, "POST", f"/crm/v5/{module}", json={"data": [record]})
    assert response.status_code == 201, response.text
    return str(response.json()["data"][0]["details"]["id"])


def test_custom_lookups_make_related_lists(org: Org) -> None:
    response = call(
        org, "ada", "GET", "/crm/v5/settings/related_lists", SCOPES[1], params={"module": "Clients"}
    )
    entries = response.json()["related_lists"]
    assert [(e["api_name"], e["type"], e["module"]["api_name"]) for e in entries] == [
        ("Attachments", "default", "Attachments"),
        ("Favourite_Jobs", "multiselectlookup", "Clients_X_Jobs"),
        ("Jobs", "default", "Jobs"),
        ("Visits_Client", "default", "Visits"),
        ("Visits_Referrer", "default", "Visits"),
    ]
    client = insert(org, "ada", "Clients", {"Name": "Acme"})
    visit = insert(org, "ada", "Visits", {"Name": "First", "Referrer": client})
    listed = call(org, "ada", "GET", f"/crm/v5/Clients/{client}/Visits_Referrer", params={"fields": "Name"})
    assert listed.json()["data"] == [{"Name": "First", "id": visit}]
    assert (
        call(
            org, "ada", "GET", f"/crm/v5/Clients/{client}/Visits_Client", params={"fields": "Name"}
        ).status_code
        == 204
    )


def test_related_records_the_user_cannot_see_are_left_out(org: Org) -> None:
    client = insert(org, "ria", "Clients", {"Name": "Acme"})
    ria_job = insert(org, "ria", "Jobs", {"Name": "Ria's", "Client": client})
    ray_job = insert(org, "ray", "Jobs", {"Name": "Ray's", "Client": client})

    def jobs(who: str) -> list[str]:
        response = call(org, who, "GET", f"/crm/v5/Clients/{client}/Jobs", params={"fields": "Name"})
        return [e["id"] for e in response.json()["data"]]

    assert jobs("ada") == [ray_job, ria_job]
    assert jobs("ray") == [ray_job]
    assert jobs("ria") == [ria_job]
    assert (
        call(org, "nia", "GET", f"/crm/v5/Clients/{client}/Jobs", params={"fields": "Name"}).status_code
        == 204
    )


def test_a_parent_the_user_cannot_see_is_unknown(org: Org) -> None:
    job = insert(org, "ria", "Jobs", {"Name": "Ria's"})
    visit = insert(org, "ria", "Visits", {"Name": "Visit", "Job": job})
    response = call(org, "ria", "GET", f"/crm/v5/Jobs/{job}/Visits", params={"fields": "Name"})
    assert response.json()["data"] == [{"Name": "Visit", "id": visit}]
    response = call(org, "ray", "GET", f"/crm/v5/Jobs/{job}/Visits", params={"fields": "Name"})
    assert (response.status_code, response.json()) == (
        400,
        {
            "code": "INVALID_DATA",
            "details": {"resource_path_index": 1},
            "message": "the related id given seems to be invalid",
            "status": "error",
        },
    )


def test_scopes(org: Org) -> None:
    mismatch = {
        "code": "OAUTH_SCOPE_MISMATCH",
        "details": {},
        "message": "invalid oauth scope to access this URL",
        "status": "error",
    }
    params = {"module": "Clients"}
    response = call(org, "ada", "GET", "/crm/v5/settings/related_lists", ALL, params=params)
    assert (response.status_code, response.json()) == (401, mismatch)
    response = call(org, "ada", "GET", "/crm/v5/settings/related_lists", SCOPES[1], params=params)
    assert response.status_code == 200
    client = insert(org, "ada", "Clients", {"Name": "Acme"})
    path = f"/crm/v5/Clients/{client}/Jobs"
    assert call(org, "ada", "GET", path, SCOPES[2], params={"fields": "Name"}).status_code == 204
    response = call(org, "ada", "GET", "/crm/v5/settings/related_lists", SCOPES[2], params=params)
    assert (response.status_code, response.json()) == (401, mismatch)
    # a DELETE scope may delink; a READ scope may not
    response = call(org, "ada", "DELETE", path, SCOPES[2], params={"ids": "1"})
    assert (response.status_code, response.json()) == (401, mismatch)
    response = call(org, "ada", "DELETE", path, SCOPES[3], params={"ids": "1"})
    assert response.json()["details"] == {"resource_path_index": 2}  # Jobs is a lookup list: not many-to-many


def test_linking_needs_an_update_scope_and_the_edit_permission(org: Org) -> None:
    client = insert(org, "ada", "Clients", {"Name": "Acme"})
    path = f"/crm/v5/Clients/{client}/Jobs"
    response = call(org, "ada", "PUT", path, SCOPES[2], json={"data": [{"id": "1"}]})
    assert response.status_code == 401 and response.json()["code"] == "OAUTH_SCOPE_MISMATCH"
    response = call(org, "val", "PUT", path, json={"data": [{"id": "1"}]})
    assert (response.status_code, response.json()) == (
        403,
        {
            "code": "NO_PERMISSION",
            "details": {"permissions": ["Crm_Implied_Edit_Clients"]},
            "message": "Permission denied to update",
            "status": "error",
        },
    )
    assert call(org, "val", "GET", path, params={"fields": "Name"}).status_code == 204
