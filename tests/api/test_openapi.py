"""GET /__zcrm/openapi.json: an OpenAPI 3.1 document of the route table, served without a token; and unimplemented
Zoho endpoints answering 404 INVALID_URL_PATTERN, kept in the request log."""

from __future__ import annotations

import json
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from tests.conftest import Api
from zcrm import __version__
from zcrm.http.openapi_operations import OPERATIONS
from zcrm.http.routes import ROUTES

URL_PATTERN = {
    "code": "INVALID_URL_PATTERN",
    "details": {},
    "message": "Please check if the URL trying to access is a correct one",
    "status": "error",
}


@pytest.fixture
def document(api: Api) -> dict[str, Any]:
    response = api.client.get("/__zcrm/openapi.json")  # no token
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json;charset=UTF-8"
    body: dict[str, Any] = response.json()
    return body


def test_the_document_is_valid_openapi_3_1(document: dict[str, Any]) -> None:
    validate(document)
    assert document["openapi"] == "3.1.0"
    assert document["info"]["title"] == "zcrm" and document["info"]["version"] == __version__
    assert [t["name"] for t in document["tags"]] == ["zoho", "zcrm"]


def test_every_route_and_method_is_in_it(document: dict[str, Any]) -> None:
    assert list(document["paths"]) == [r.template for r in ROUTES]
    ids = []
    for route in ROUTES:
        item = document["paths"][route.template]
        assert [m for m in item if m != "parameters"] == [m.lower() for m in route.operations]
        for method, operation in route.operations.items():
            described = item[method.lower()]
            assert described["summary"] == operation.summary
            assert described["tags"] == [route.tag]
            ids.append(described["operationId"])
    assert len(ids) == len(set(ids))


def test_operations_parameters_and_security(document: dict[str, Any]) -> None:
    paths = document["paths"]
    record = paths["/crm/v5/{module}/{id}"]
    assert record["parameters"] == [
        {
            "name": "module",
            "in": "path",
            "required": True,
            "schema": {
                "type": "string",
                "minLength": 1,
                "not": {"enum": ["actions", "coql", "files", "org", "settings", "users"]},
            },
            "description": "a module's API name (any case)",
        },
        {
            "name": "id",
            "in": "path",
            "required": True,
            "schema": {
                "type": "string",
                "minLength": 1,
                "not": {"enum": ["actions", "deleted", "roles", "search", "upsert"]},
            },
            "description": "a record id",
        },
    ]
    assert record["get"]["operationId"] == "get_crm_v5_module_id"
    assert record["get"]["security"] == [{"zohoOAuth": []}]
    assert record["get"]["responses"]["4XX"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }
    assert paths["/crm/v5/{module}"]["put"]["summary"] == "Update records"
    assert paths["/oauth/v2/token"]["post"]["security"] == []
    token_answers = paths["/oauth/v2/token"]["post"]["responses"]
    assert list(token_answers) == [
        "200",
        "413",
        "4XX",
        "5XX",
    ]  # OAuth errors are 200; 413 a body over the limit; 4xx and 5xx come from fault rules
    assert token_answers["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/OAuthAnswer"
    }
    assert paths["/__zcrm/openapi.json"]["get"]["security"] == []
    assert paths["/__zcrm/orgs/{id}/snapshot"]["get"]["security"] == [
        {"zcrmAdminToken": []},
        {"zohoOAuth": []},
    ]
    assert paths["/__zcrm/faults"]["post"]["tags"] == ["zcrm"]
    assert "parameters" not in paths["/__zcrm/faults"]
    schemes = document["components"]["securitySchemes"]
    assert {k: (v["type"], v["in"], v["name"]) for k, v in schemes.items()} == {
        "zohoOAuth": ("apiKey", "header", "Authorization"),
        "zcrmAdminToken": ("apiKey", "header", "X-ZCRM-Admin-Token"),
    }


def test_every_operation_is_described() -> None:
    assert set(OPERATIONS) == {(method, route.template) for route in ROUTES for method in route.operations}


def test_record_routes_answers_parameters_and_bodies(document: dict[str, Any]) -> None:
    records = document["paths"]["/crm/v5/{module}"]
    listing = records["get"]
    assert list(listing["responses"]) == ["200", "204", "304", "400", "401", "403", "404", "4XX", "5XX"]
    assert listing["responses"]["200"]["content"] == {
        "application/json": {"schema": {"$ref": "#/components/schemas/Records"}}
    }
    assert "content" not in listing["responses"]["204"] and "content" not in listing["responses"]["304"]
    assert listing["responses"]["5XX"]["description"].startswith("Only by a fault rule")
    params = {(p["in"], p["name"]): p for p in listing["parameters"]}
    assert params[("query", "fields")]["required"] is True
    assert params[("query", "per_page")]["schema"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": 999_999_999,
    }
    assert params[("query", "sort_by")]["schema"] == {"enum": ["id", "Created_Time", "Modified_Time"]}
    assert params[("header", "If-Modified-Since")]["required"] is False
    insert = records["post"]
    assert insert["requestBody"] == {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/WriteBody"}}},
    }
    assert list(insert["responses"])[:3] == ["201", "207", "400"]
    assert insert["responses"]["400"]["content"]["application/json"]["schema"] == {
        "anyOf": [{"$ref": "#/components/schemas/WriteResults"}, {"$ref": "#/components/schemas/Error"}]
    }
    body = document["components"]["schemas"]["WriteBody"]
    assert body["required"] == ["data"]
    assert body["properties"]["data"] == {"type": "array", "minItems": 1, "maxItems": 100, "items": {}}
    assert body["properties"]["trigger"]["items"] == {
        "enum": ["workflow", "approval", "blueprint", "pathfinder", "orchestration"]
    }
    update = document["paths"]["/crm/v5/{module}/{id}"]["put"]["responses"]
    assert update["412"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/WriteResults"
    }


def test_control_plane_and_oauth_page_answers(document: dict[str, Any]) -> None:
    paths = document["paths"]
    users = paths["/__zcrm/users"]["post"]
    assert list(users["responses"]) == [
        "201",
        "400",
        "401",
        "403",
        "413",
    ]  # never faulted: no 4XX or 5XX range
    schema = users["requestBody"]["content"]["application/json"]["schema"]
    assert schema["required"] == ["last_name", "email"] and schema["additionalProperties"] is False
    assert schema["properties"]["status"] == {"enum": ["active", "deleted", "inactive", None]}
    assert list(paths["/__zcrm/faults/{id}"]["delete"]["responses"]) == ["200", "400", "401", "403", "404"]
    assert list(paths["/__zcrm/openapi.json"]["get"]["responses"]) == ["200"]
    page = paths["/oauth/v2/auth"]
    assert page["get"]["responses"]["200"]["content"] == {"text/html": {"schema": {"type": "string"}}}
    assert set(page["get"]["responses"]["400"]["content"]) == {"text/html", "application/json"}
    assert page["post"]["requestBody"]["content"].keys() == {"application/x-www-form-urlencoded"}
    assert "content" not in page["post"]["responses"]["303"]


def test_real_answers_conform_to_their_schemas(api: Api, document: dict[str, Any]) -> None:
    """The fuzzer holds every answer to the document (tests/fuzz/); here a few, by hand."""
    schemas = document["components"]["schemas"]

    def conforms(schema_name: str, body: Any) -> None:
        validator = Draft202012Validator({**schemas[schema_name], "components": {"schemas": schemas}})
        assert list(validator.iter_errors(body)) == []

    inserted = api.post("/crm/v5/Leads", {"data": [{"Last_Name": "A", "Company": "B"}, {}]})
    assert inserted.status_code == 207
    conforms("WriteResults", inserted.json())
    lead = inserted.json()["data"][0]["details"]["id"]
    conforms("Record", api.get(f"/crm/v5/Leads/{lead}").json())
    conforms("Records", api.get("/crm/v5/Leads?fields=Last_Name").json())
    conforms("Error", api.get("/crm/v5/Leads").json())
    conforms("Clock", api.get("/__zcrm/clock").json())


def test_other_methods_and_a_trailing_slash(api: Api) -> None:
    assert api.client.get("/__zcrm/openapi.json/").status_code == 200
    response = api.client.post("/__zcrm/openapi.json")
    assert (response.status_code, response.json()) == (
        400,
        {
            "code": "INVALID_REQUEST_METHOD",
            "details": {},
            "message": "The http request method type is not a valid one",
            "status": "error",
        },
    )
    assert api.get("/__zcrm/requests").json() == {"requests": []}  # the control plane is not logged


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/crm/v5/Contacts/roles"),
        ("GET", "/crm/v5/settings/pipeline"),
        ("GET", "/crm/v5/settings/profiles"),
        ("GET", "/crm/v5/org/currencies"),
        ("GET", "/crm/bulk/v5/read/1"),
    ],
)
def test_an_unimplemented_zoho_endpoint_is_an_unknown_path_and_logged(
    api: Api, method: str, path: str
) -> None:
    response = api.client.request(method, path, headers=api.headers, content=b'{"data":[{}]}')
    assert (response.status_code, response.json()) == (404, URL_PATTERN)
    [entry] = api.get("/__zcrm/requests").json()["requests"]
    assert (entry["method"], entry["path"], entry["status"], entry["user_id"]) == (
        method,
        path,
        404,
        api.creds.user_id,
    )
    assert json.loads(entry["response_body"]) == URL_PATTERN
