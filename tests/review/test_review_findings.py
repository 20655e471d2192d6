"""Failing tests for bugs found in review (behaviour reference §1-§4, §7)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from tests.conftest import Api, make_settings, sql
from zcrm.app import create_app


def test_page_token_with_non_ascii_signature_is_a_400_not_a_500(api: Api) -> None:
    api.insert("Leads", {"Last_Name": "A", "Company": "Z"}, {"Last_Name": "B", "Company": "Z"})
    response = api.get("/crm/v5/Leads", params={"fields": "Last_Name", "page_token": "e30.\u00e9"})
    assert response.status_code == 400, response.text
    assert response.json() == {
        "code": "TOKEN_BOUND_DATA_MISMATCH",
        "details": {"param_name": "page_token"},
        "message": "page_token does not match the user or parameters of this request",
        "status": "error",
    }


def test_datetime_before_year_one_in_utc_is_rejected(specimens: Api) -> None:
    """0001-01-01T00:00:00+14:00 is in year 0 in UTC, which no datetime holds: the field's INVALID_DATA, no 500."""
    body = {"data": [{"Name": "old", "Code": "c1", "Moment": "0001-01-01T00:00:00+14:00"}]}
    response = specimens.post("/crm/v5/Specimens", body)
    assert (response.status_code, response.json()) == (
        400,
        {
            "data": [
                {
                    "code": "INVALID_DATA",
                    "details": {
                        "expected_data_type": "datetime",
                        "api_name": "Moment",
                        "json_path": "$.data[0].Moment",
                    },
                    "message": "invalid data",
                    "status": "error",
                }
            ]
        },
    )
    assert sql(specimens, "SELECT count(*) FROM records") == [(0,)]


def test_nan_is_not_json(api: Api) -> None:
    response = api.post("/crm/v5/Leads", content=b'{"data":[{"Last_Name":NaN,"Company":"Z"}]}')
    assert response.status_code == 400, response.text
    assert response.json() == {"code": "INVALID_DATA", "details": {}, "message": "body", "status": "error"}


def test_token_endpoint_bad_multipart_answers_200_json(api: Api) -> None:
    response = api.client.post(
        "/oauth/v2/token",
        content=b"grant_type=refresh_token",
        headers={"Content-Type": "multipart/form-data"},
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json;charset=UTF-8"
    # the unreadable form gives no grant_type (behaviour §7.2)
    assert response.json() == {"error": "unsupported_grant_type"}


ORG = """
format: zcrm-org/1
org: {company_name: Review Co, time_zone: UTC, currency: USD, edition: Enterprise}
roles: [{name: CEO}]
profiles: [{name: Administrator, admin: true}]
users:
  - {first_name: Ada, last_name: Admin, email: ada@review.test, role: CEO, profile: Administrator}
modules:
  - api_name: Forms
    display_field: Name
    layouts:
      - {name: Loose, required: []}
      - {name: Strict, required: [Code]}
    fields:
      - {api_name: Name, data_type: text, system_mandatory: true}
      - {api_name: Code, data_type: text}
      - {api_name: About, data_type: lookup, lookup_module: se_module}
      - {api_name: Lines, data_type: subform, subform_module: Form_Lines}
      - {api_name: Friends, data_type: multiselectlookup,
         multiselectlookup: {linking_module: Forms_X_Friends, connected_module: Friends,
                             lookup_apiname: Form_Ref, connectedlookup_apiname: Friend_Ref}}
  - api_name: Form_Lines
    generated_type: subform
    parent_module: Forms
    display_field: id
    fields:
      - {api_name: Label, data_type: text}
  - api_name: Friends
    display_field: Name
    fields:
      - {api_name: Name, data_type: text, system_mandatory: true}
"""


@pytest.fixture
def review(tmp_path: Path) -> Iterator[Api]:
    org_file = tmp_path / "review.yaml"
    org_file.write_text(ORG)
    settings = make_settings(tmp_path / "review", org_file=org_file)
    app = create_app(settings)
    with TestClient(app, base_url="http://127.0.0.1:8000", raise_server_exceptions=False) as client:
        yield Api(client, app.state.credentials, settings.data_dir)
    app.state.zcrm.db.dispose()


def _layout_id(api: Api, module: str, name: str) -> str:
    layouts = api.get("/crm/v5/settings/layouts", params={"module": module}).json()["layouts"]
    return next(layout["id"] for layout in layouts if layout["name"] == name)


def test_update_mandatory_check_uses_the_records_own_layout(review: Api) -> None:
    """§3.4 step 8: a field `required` in the record's layout, set to null, gives MANDATORY_NOT_FOUND."""
    strict = _layout_id(review, "Forms", "Strict")
    (record_id,) = review.insert("Forms", {"Name": "f", "Code": "c", "Layout": {"id": strict}})
    response = review.put(f"/crm/v5/Forms/{record_id}", {"data": [{"Code": None}]})
    assert response.status_code == 400, response.text
    assert response.json()["data"][0] == {
        "code": "MANDATORY_NOT_FOUND",
        "details": {"api_name": "Code", "json_path": "$.data[0].Code"},
        "message": "required field not found",
        "status": "error",
    }


def test_lookup_cannot_point_at_a_subform_row(review: Api) -> None:
    """A subform row is not a record: a lookup naming it names no record (§3.5 lookup, §4)."""
    (form_id,) = review.insert("Forms", {"Name": "f", "Lines": [{"Label": "l1"}]})
    row_id = review.get(f"/crm/v5/Forms/{form_id}").json()["data"][0]["Lines"][0]["id"]
    response = review.post("/crm/v5/Forms", {"data": [{"Name": "g", "About": {"id": row_id}}]})
    assert response.status_code == 400, response.text
    assert response.json() == {
        "data": [
            {
                "code": "INVALID_DATA",
                "details": {"api_name": "About", "json_path": "$.data[0].About"},
                "message": "the id given seems to be invalid",
                "status": "error",
            }
        ]
    }
    assert [r["Name"] for r in review.get("/crm/v5/Forms", params={"fields": "Name"}).json()["data"]] == ["f"]


def test_link_row_with_empty_connected_record_is_rejected(review: Api) -> None:
    """§3.8: an add row must name its connected record; "" names nothing and must not create a null link."""
    (form_id,) = review.insert("Forms", {"Name": "f"})
    response = review.put(f"/crm/v5/Forms/{form_id}", {"data": [{"Friends": [{"Friend_Ref": ""}]}]})
    assert response.status_code == 400, response.text
    assert response.json()["data"] == [
        {
            "code": "MANDATORY_NOT_FOUND",
            "details": {"api_name": "Friend_Ref", "json_path": "$.data[0].Friends[0].Friend_Ref"},
            "message": "required field not found",
            "status": "error",
        }
    ]
    got = review.get(f"/crm/v5/Forms/{form_id}").json()["data"][0]
    assert got["Friends"] == []


def test_relinking_a_link_deleted_in_the_same_item(review: Api) -> None:
    """Rows are processed in order: after the `_delete` row the target is no longer linked (§3.8), so adding it
    again is not a DUPLICATE_LINKING_DATA. (Arguable; Zoho does not document this case.)"""
    (friend,) = review.insert("Friends", {"Name": "fr"})
    (form_id,) = review.insert("Forms", {"Name": "f", "Friends": [{"Friend_Ref": {"id": friend}}]})
    link_id = review.get(f"/crm/v5/Forms/{form_id}").json()["data"][0]["Friends"][0]["id"]
    body = {"data": [{"Friends": [{"id": link_id, "_delete": None}, {"Friend_Ref": {"id": friend}}]}]}
    response = review.put(f"/crm/v5/Forms/{form_id}", body)
    assert response.status_code == 200, response.text


def test_delete_records_the_wf_trigger_in_the_change_event(api: Api) -> None:
    """§5.4: wf_trigger defaults to true; the change event carries the effective trigger set (README, Timeline).
    The handler parses wf_trigger and then drops it: every delete is recorded with an empty trigger set."""
    first, second = api.insert(
        "Leads", {"Last_Name": "A", "Company": "Z"}, {"Last_Name": "B", "Company": "Z"}
    )
    for response, record_id in (
        (api.delete("/crm/v5/Leads", params={"ids": first}), first),
        (api.delete(f"/crm/v5/Leads/{second}", params={"wf_trigger": "false"}), second),
    ):
        assert (response.status_code, response.json()) == (
            200,
            {
                "data": [
                    {
                        "code": "SUCCESS",
                        "details": {"id": record_id},
                        "message": "record deleted",
                        "status": "success",
                    }
                ]
            },
        )
    rows = dict(sql(api, "SELECT record_id, triggers FROM changes WHERE operation = 'delete'"))
    assert {record_id: json.loads(triggers) for record_id, triggers in rows.items()} == {
        first: ["workflow"],
        second: [],
    }


def test_consent_form_with_non_ascii_csrf_token_is_a_403_page_not_a_500(api: Api) -> None:
    client = api.post(
        "/__zcrm/clients", {"name": "Web", "client_type": "server", "redirect_uri": "http://app.test/cb"}
    ).json()
    form = {
        "client_id": client["client_id"],
        "response_type": "code",
        "scope": "ZohoCRM.modules.ALL",
        "csrf_token": f"{int(time.time())}.\u00e9",
        "email": "x@y.test",
        "action": "accept",
    }
    api.client.cookies.set("zcrm_oauth", "a" * 22, path="/oauth/v2/auth")
    response = api.client.post("/oauth/v2/auth", data=form)
    assert response.status_code == 403, response.text
