"""Contract tests of the metadata endpoints (behaviour §6): modules, fields, layouts, users and org."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.conftest import Api

JSON = "application/json;charset=UTF-8"
ID = re.compile(r"^[0-9]{19}$")

# §6.1: the keys every module object carries
MODULE_KEYS = {
    "id", "api_name", "module_name", "singular_label", "plural_label", "actual_singular_label",
    "actual_plural_label", "generated_type", "api_supported", "status", "visibility", "visible",
    "show_as_tab", "sequence_number", "creatable", "editable", "deletable", "viewable", "convertable",
    "quick_create", "lookupable", "global_search_supported", "isBlueprintSupported", "recycle_bin_on_delete",
    "access_type", "private_profile", "has_more_profiles", "profile_count", "profiles", "modified_time",
    "modified_by", "description", "presence_sub_menu", "sub_menu_available", "feeds_required",
    "public_fields_configured", "web_link", "arguments", "business_card_field_limit", "parent_module",
}  # fmt: skip

# §6.2: every key of a field object, grouped by the type the table gives it
FIELD_STRING_KEYS = {
    "id",
    "api_name",
    "field_label",
    "display_label",
    "column_name",
    "data_type",
    "json_type",
}
FIELD_NUMBER_KEYS = {"length", "decimal_place", "display_type", "ui_type", "quick_sequence_number"}
FIELD_BOOLEAN_KEYS = {
    "custom_field", "system_mandatory", "read_only", "field_read_only", "visible", "virtual_field",
    "separator", "mass_update", "webhook", "searchable", "sortable", "filterable", "businesscard_supported",
    "display_field", "public", "pick_list_values_sorted_lexically", "enable_colour_code",
    "colour_code_enabled_by_system", "hipaa_compliance_enabled", "history_tracking_enabled",
    "available_in_user_layout",
}  # fmt: skip
FIELD_OBJECT_OR_NULL_KEYS = {
    "rollup_summary", "currency", "crypt", "private", "hipaa_compliance", "tooltip", "external",
    "history_tracking", "range", "address", "textarea", "parent_field", "child_fields", "sharing_properties",
    "association_details", "refer_from_field", "global_picklist", "additional_column", "display_format",
    "display_format_properties", "associated_module", "subform", "convert_mapping",
}  # fmt: skip
FIELD_OBJECT_KEYS = {
    "unique", "lookup", "multiselectlookup", "multiuserlookup", "multi_module_lookup", "formula",
    "auto_number", "view_type", "operation_type", "email_parser",
}  # fmt: skip
FIELD_ARRAY_KEYS = {
    "pick_list_values",
    "profiles",
    "layout_associations",
    "customizable_properties",
    "allowed_modules",
}
FIELD_OTHER_KEYS = {"type", "created_source", "default_value", "created_time", "modified_time"}
FIELD_KEYS = (
    FIELD_STRING_KEYS
    | FIELD_NUMBER_KEYS
    | FIELD_BOOLEAN_KEYS
    | FIELD_OBJECT_OR_NULL_KEYS
    | FIELD_OBJECT_KEYS
    | FIELD_ARRAY_KEYS
    | FIELD_OTHER_KEYS
)

# §6.3 (formula and rollup_summary depend on their return type and are checked separately)
JSON_TYPES = {
    **dict.fromkeys(
        [
            "text",
            "textarea",
            "email",
            "phone",
            "website",
            "picklist",
            "autonumber",
            "profileimage",
            "mediumtext",
        ],
        "string",
    ),
    "date": "string",
    "datetime": "string",
    "multiselectpicklist": "jsonarray",
    "integer": "integer",
    "bigint": "string",
    **dict.fromkeys(["double", "currency", "percent", "decimal"], "double"),
    "boolean": "boolean",
    **dict.fromkeys(
        ["lookup", "ownerlookup", "userlookup", "multi_module_lookup", "consent_lookup"], "jsonobject"
    ),
    **dict.fromkeys(
        [
            "multiselectlookup",
            "multiuserlookup",
            "subform",
            "imageupload",
            "fileupload",
            "linetax",
            "multireminder",
        ],
        "jsonarray",
    ),
    "event_reminder": "string",
    "ALARM": "jsonobject",
    "RRULE": "jsonobject",
}
RETURN_TYPES = {
    "text": "string",
    "double": "double",
    "currency": "double",
    "date": "string",
    "datetime": "string",
    "boolean": "boolean",
}

LAYOUT_KEYS = {
    "id", "name", "api_name", "created_time", "modified_time", "created_by", "modified_by", "visible",
    "status", "source", "profiles", "convert_mapping", "sections",
}  # fmt: skip
SECTION_KEYS = {
    "display_label", "api_name", "name", "sequence_number", "isSubformSection", "column_count",
    "tab_traversal", "type", "generated_type", "fields",
}  # fmt: skip

USER_KEYS = {
    "id", "first_name", "last_name", "full_name", "email", "zuid", "alias", "status", "confirm",
    "status_reason__s", "role", "profile", "time_zone", "offset", "locale", "language", "country_locale",
    "date_format", "time_format", "decimal_separator", "number_separator", "name_format__s",
    "sort_order_preference__s", "created_time", "created_by", "Modified_Time", "Modified_By", "phone",
    "mobile", "fax", "website", "dob", "street", "city", "state", "zip", "country", "signature", "type__s",
    "Isonline", "microsoft", "personal_account", "sandboxDeveloper", "theme", "customize_info",
    "default_tab_group", "$current_shift", "$next_shift", "$shift_effective_from",
}  # fmt: skip
USER_TYPES = [
    "AllUsers", "ActiveUsers", "DeactiveUsers", "ConfirmedUsers", "NotConfirmedUsers", "DeletedUsers",
    "ActiveConfirmedUsers", "AdminUsers", "ActiveConfirmedAdmins", "CurrentUser",
]  # fmt: skip

ORG_KEYS = {
    "id", "company_name", "domain_name", "alias", "primary_email", "primary_zuid", "zgid", "zia_portal_id",
    "type", "created_time", "time_zone", "currency", "currency_symbol", "currency_locale", "iso_code",
    "mc_status", "country_code", "country", "city", "street", "state", "zip", "phone", "mobile", "fax",
    "website", "employee_count", "description", "photo_id", "gapps_enabled", "translation_enabled",
    "privacy_settings", "hipaa_compliance_enabled", "lite_users_enabled", "deletable_org_account",
    "hierarchy_preferences", "license_details",
}  # fmt: skip
LICENSE_KEYS = {
    "paid", "paid_type", "paid_expiry", "trial_type", "trial_expiry", "users_license_purchased",
    "portal_users_license_purchased",
}  # fmt: skip

INVALID_MODULE_PARAM = {
    "code": "INVALID_MODULE",
    "details": {"param_name": "module"},
    "message": "the module name given seems to be invalid",
    "status": "error",
}
MODULE_PARAM_MISSING = {
    "code": "REQUIRED_PARAM_MISSING",
    "details": {"param_name": "module"},
    "message": "One of the expected parameter is missing",
    "status": "error",
}


def ok(response: Any) -> Any:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == JSON
    return response.json()


def all_modules(api: Api) -> list[dict[str, Any]]:
    body = ok(api.get("/crm/v5/settings/modules"))
    assert set(body) == {"modules"}
    return list(body["modules"])


def module_ids(api: Api) -> dict[str, str]:
    return {m["api_name"]: m["id"] for m in all_modules(api)}


def fields_of(api: Api, module: str) -> dict[str, dict[str, Any]]:
    body = ok(api.get("/crm/v5/settings/fields", params={"module": module}))
    assert set(body) == {"fields"}
    return {f["api_name"]: f for f in body["fields"]}


# -- settings/modules ----------------------------------------------------------------------------------


def test_modules_lists_every_module_of_the_default_org(api: Api) -> None:
    modules = {m["api_name"]: m for m in all_modules(api)}
    standard = [
        "Leads", "Accounts", "Contacts", "Deals", "Campaigns", "Tasks", "Cases", "Events", "Calls",
        "Solutions", "Products", "Vendors", "Price_Books", "Quotes", "Sales_Orders", "Purchase_Orders",
        "Invoices", "Appointments__s", "Appointments_Rescheduled_History__s", "Services__s", "Notes",
        "Documents", "Projects",
    ]  # fmt: skip
    for name in standard:
        assert modules[name]["generated_type"] == "default", name
    assert modules["Listings"]["generated_type"] == "custom"
    for name in ("Quoted_Items", "Ordered_Items", "Purchase_Items", "Invoiced_Items", "Deal_Competitors"):
        assert modules[name]["generated_type"] == "subform", name
    for name in ("Deals_X_Listings", "Deals_X_Users", "Services_X_Users__s"):
        assert modules[name]["generated_type"] == "linking", name


def test_every_module_has_the_documented_keys_and_a_generated_type(api: Api) -> None:
    modules = all_modules(api)
    assert modules
    for module in modules:
        missing = MODULE_KEYS - set(module)
        assert not missing, (module["api_name"], missing)
        assert module["generated_type"] in ("default", "custom", "linking", "subform", "web"), module
        assert isinstance(module["api_supported"], bool)
        assert module["module_name"] and module["api_name"]
        assert module["visibility"] in (1, 0, 2, -1)
        assert isinstance(module["arguments"], list)
        assert isinstance(module["parent_module"], dict)
        assert module["profiles"] and all(
            set(p) >= {"name", "id"} and ID.match(p["id"]) for p in module["profiles"]
        )


def test_module_ids_are_unique_19_digit_strings(api: Api) -> None:
    ids = [m["id"] for m in all_modules(api)]
    assert ids and all(isinstance(i, str) and ID.match(i) for i in ids), ids
    assert len(set(ids)) == len(ids)


def test_non_api_modules_are_listed_with_api_supported_false(api: Api) -> None:
    modules = {m["api_name"]: m for m in all_modules(api)}
    assert modules["Documents"]["api_supported"] is False
    assert modules["Projects"]["api_supported"] is False
    assert modules["Leads"]["api_supported"] is True
    assert modules["Listings"]["api_supported"] is True


def test_single_module_matches_its_entry_in_the_list(api: Api) -> None:
    listed = {m["api_name"]: m for m in all_modules(api)}
    body = ok(api.get("/crm/v5/settings/modules/Deals"))
    assert set(body) == {"modules"}
    assert body["modules"] == [listed["Deals"]]


def test_single_module_name_is_case_insensitive_and_answers_canonically(api: Api) -> None:
    body = ok(api.get("/crm/v5/settings/modules/price_books"))
    [module] = body["modules"]
    assert module["api_name"] == "Price_Books"


def test_single_unknown_module_is_invalid_module(api: Api) -> None:
    response = api.get("/crm/v5/settings/modules/Nope")
    assert response.status_code == 400
    assert response.headers["content-type"] == JSON
    body = response.json()
    # the module name is the third path segment after /crm/v5/ (settings/modules/{api_name})
    assert body == {
        "code": "INVALID_MODULE",
        "details": {"resource_path_index": 2},
        "message": "the module name given seems to be invalid",
        "status": "error",
    }


# -- settings/fields -----------------------------------------------------------------------------------


def test_every_field_of_every_module_has_every_documented_key(api: Api) -> None:
    for name in module_ids(api):
        for fld in fields_of(api, name).values():
            missing = FIELD_KEYS - set(fld)
            assert not missing, (name, fld["api_name"], sorted(missing))


def test_field_key_types(api: Api) -> None:
    for name in ("Leads", "Deals", "Tasks", "Quotes", "Listings", "Deals_X_Listings"):
        for fld in fields_of(api, name).values():
            where = (name, fld["api_name"])
            for key in FIELD_STRING_KEYS:
                assert isinstance(fld[key], str), (where, key, fld[key])
            for key in FIELD_NUMBER_KEYS:
                value = fld[key]
                assert value is None or (isinstance(value, int) and not isinstance(value, bool)), (where, key)
            for key in FIELD_BOOLEAN_KEYS:
                assert isinstance(fld[key], bool), (where, key, fld[key])
            for key in FIELD_OBJECT_KEYS:
                assert isinstance(fld[key], dict), (where, key, fld[key])
            for key in FIELD_OBJECT_OR_NULL_KEYS:
                assert fld[key] is None or isinstance(fld[key], dict), (where, key, fld[key])
            for key in FIELD_ARRAY_KEYS:
                assert isinstance(fld[key], list), (where, key, fld[key])
            assert ID.match(fld["id"]), where
            assert fld["type"] in ("used", "unused"), where
            assert set(fld["view_type"]) == {"view", "edit", "create", "quick_create"}, where
            assert set(fld["operation_type"]) == {"web_update", "api_create", "web_create", "api_update"}
            assert set(fld["email_parser"]) == {"fields_update_supported", "record_operations_supported"}
            for profile in fld["profiles"]:
                assert set(profile) >= {"permission_type", "name", "id"}, where
                assert profile["permission_type"] in ("read_write", "read_only", "hidden")
            for layout in fld["layout_associations"]:
                assert set(layout) >= {"api_name", "name", "id"}, where


def test_json_type_follows_the_data_type_table(api: Api) -> None:
    checked = set()
    for name in module_ids(api):
        for fld in fields_of(api, name).values():
            data_type = fld["data_type"]
            if data_type in ("formula", "rollup_summary"):
                return_type = (fld["formula"] or {}).get("return_type", "text")
                assert fld["json_type"] == RETURN_TYPES[return_type], (name, fld["api_name"])
            elif data_type in JSON_TYPES:
                assert fld["json_type"] == JSON_TYPES[data_type], (name, fld["api_name"], data_type)
                checked.add(data_type)
    # the standard org exercises most of the table
    assert checked >= {
        "text", "textarea", "email", "phone", "website", "picklist", "autonumber", "date", "datetime",
        "multiselectpicklist", "integer", "bigint", "double", "currency", "percent", "boolean", "lookup",
        "ownerlookup", "userlookup", "multiselectlookup", "multiuserlookup", "subform", "imageupload",
    }  # fmt: skip


def test_leads_last_name_is_system_mandatory(api: Api) -> None:
    fields = fields_of(api, "Leads")
    assert fields["Last_Name"]["system_mandatory"] is True
    assert fields["Last_Name"]["data_type"] == "text"
    assert fields["Last_Name"]["json_type"] == "string"
    # Company is required only by the layout (§6.4), never in settings/fields
    assert fields["Company"]["system_mandatory"] is False
    assert "required" not in fields["Company"]


def test_deals_stage_is_a_picklist_with_probability(api: Api) -> None:
    stage = fields_of(api, "Deals")["Stage"]
    assert stage["data_type"] == "picklist"
    assert stage["json_type"] == "string"
    values = stage["pick_list_values"]
    assert values
    for value in values:
        assert set(value) >= {
            "display_value", "actual_value", "reference_value", "id", "sequence_number", "type",
            "colour_code", "maps", "probability", "forecast_category",
        }  # fmt: skip
        assert value["type"] == "used"
        assert isinstance(value["probability"], int) and 0 <= value["probability"] <= 100
        assert ID.match(value["id"])
        assert value["maps"] == []
    assert len({v["actual_value"] for v in values}) == len(values)


def test_deals_listings_is_a_multiselectlookup_with_a_linking_module_object(api: Api) -> None:
    ids = module_ids(api)
    listings = fields_of(api, "Deals")["Listings"]
    assert listings["data_type"] == "multiselectlookup"
    assert listings["json_type"] == "jsonarray"
    link = listings["multiselectlookup"]
    assert set(link) >= {
        "display_label", "linking_module", "lookup_apiname", "api_name", "connected_module",
        "connectedfield_apiname", "connectedlookup_apiname", "id", "record_access",
    }  # fmt: skip
    assert link["linking_module"] == {"api_name": "Deals_X_Listings", "id": ids["Deals_X_Listings"]}
    assert link["connected_module"] == {"api_name": "Listings", "id": ids["Listings"]}
    assert link["api_name"] == "Listings"
    assert listings["multiuserlookup"] == {}
    # the linking module's two lookups are the ones named by the field
    linking = fields_of(api, "Deals_X_Listings")
    assert linking[link["lookup_apiname"]]["lookup"]["module"]["api_name"] == "Deals"
    assert linking[link["connectedlookup_apiname"]]["lookup"]["module"]["api_name"] == "Listings"


def test_deals_associated_user_is_a_multiuserlookup(api: Api) -> None:
    ids = module_ids(api)
    field = fields_of(api, "Deals")["AssociatedUser"]
    assert field["data_type"] == "multiuserlookup"
    assert field["json_type"] == "jsonarray"
    link = field["multiuserlookup"]
    assert link["linking_module"] == {"api_name": "Deals_X_Users", "id": ids["Deals_X_Users"]}
    assert isinstance(link["connected_module"], dict)
    assert link["connected_module"]["api_name"] == "Users"
    assert link["api_name"] == "AssociatedUser"
    assert field["multiselectlookup"] == {}


def test_deals_competitors_subform_names_its_associated_module(api: Api) -> None:
    ids = module_ids(api)
    fields = fields_of(api, "Deals")
    competitors = fields["Competitors"]
    assert competitors["data_type"] == "subform"
    assert competitors["json_type"] == "jsonarray"
    assert competitors["associated_module"] == {"module": "Deal_Competitors", "id": ids["Deal_Competitors"]}
    assert fields["Deal_Name"]["associated_module"] is None


def test_deals_image_upload_field(api: Api) -> None:
    ids = module_ids(api)
    image = fields_of(api, "Deals")["Image_Upload"]
    assert image["data_type"] == "imageupload"
    assert image["json_type"] == "jsonarray"
    associated = image["associated_module"]
    assert set(associated) == {"module", "id"}
    assert associated["id"] == ids[associated["module"]]


def test_leads_unique_fields_carry_case_sensitivity(api: Api) -> None:
    fields = fields_of(api, "Leads")
    assert fields["Lead_Code"]["unique"] == {"case_sensitive": False}
    assert fields["Passport_Number"]["unique"] == {"case_sensitive": True}
    assert fields["Last_Name"]["unique"] == {}


@pytest.mark.parametrize(
    ("module", "field"),
    [("Tasks", "What_Id"), ("Events", "What_Id"), ("Calls", "What_Id"), ("Notes", "Parent_Id")],
)
def test_what_id_style_lookups_point_at_se_module(api: Api, module: str, field: str) -> None:
    fld = fields_of(api, module)[field]
    assert fld["data_type"] == "lookup"
    assert fld["json_type"] == "jsonobject"
    assert fld["lookup"]["module"]["api_name"] == "se_module"
    assert fld["lookup"]["api_name"] == field


def test_ordinary_lookup_points_at_its_module(api: Api) -> None:
    ids = module_ids(api)
    who = fields_of(api, "Tasks")["Who_Id"]
    assert who["lookup"]["module"] == {"api_name": "Contacts", "id": ids["Contacts"]}
    assert set(who["lookup"]) >= {
        "display_label", "api_name", "module", "id", "query_details", "revalidate_filter_during_edit", "show_fields",
    }  # fmt: skip


def test_fields_module_param_is_case_insensitive(api: Api) -> None:
    canonical = ok(api.get("/crm/v5/settings/fields?module=Deals"))
    assert ok(api.get("/crm/v5/settings/fields?module=deals")) == canonical
    assert ok(api.get("/crm/v5/settings/fields?module=DEALS")) == canonical


def test_single_field_by_id(api: Api) -> None:
    stage = fields_of(api, "Deals")["Stage"]
    body = ok(api.get(f"/crm/v5/settings/fields/{stage['id']}", params={"module": "Deals"}))
    assert body == {"fields": [stage]}


def test_single_field_without_module_is_required_param_missing(api: Api) -> None:
    stage = fields_of(api, "Deals")["Stage"]
    response = api.get(f"/crm/v5/settings/fields/{stage['id']}")
    assert response.status_code == 400
    assert response.json() == MODULE_PARAM_MISSING


def test_fields_without_module_is_required_param_missing(api: Api) -> None:
    response = api.get("/crm/v5/settings/fields")
    assert response.status_code == 400
    assert response.headers["content-type"] == JSON
    assert response.json() == MODULE_PARAM_MISSING


def test_fields_of_unknown_module_is_invalid_module(api: Api) -> None:
    response = api.get("/crm/v5/settings/fields?module=Nope")
    assert response.status_code == 400
    assert response.headers["content-type"] == JSON
    assert response.json() == INVALID_MODULE_PARAM


# -- settings/layouts ----------------------------------------------------------------------------------


def test_leads_layouts_have_sections_with_required_flags(api: Api) -> None:
    body = ok(api.get("/crm/v5/settings/layouts?module=Leads"))
    assert set(body) == {"layouts"}
    layouts = {layout["name"]: layout for layout in body["layouts"]}
    standard = layouts["Standard"]
    assert set(standard) >= LAYOUT_KEYS
    assert ID.match(standard["id"])
    assert standard["status"] in ("active", "inactive", "downgrade", "hidden")
    assert standard["sections"]
    fields: dict[str, dict[str, Any]] = {}
    for section in standard["sections"]:
        assert set(section) >= SECTION_KEYS, set(section)
        for fld in section["fields"]:
            assert isinstance(fld["required"], bool), fld["api_name"]
            assert set(fld) >= FIELD_KEYS, (fld["api_name"], FIELD_KEYS - set(fld))
            fields[fld["api_name"]] = fld
    assert fields["Company"]["required"] is True
    assert fields["Last_Name"]["required"] is True
    assert fields["Email"]["required"] is False
    for profile in standard["profiles"]:
        assert set(profile) >= {"name", "id", "default", "_default_view", "_default_assignment_view"}


def test_single_layout_by_id_and_case_insensitive_module(api: Api) -> None:
    [first, *_] = ok(api.get("/crm/v5/settings/layouts?module=Leads"))["layouts"]
    body = ok(api.get(f"/crm/v5/settings/layouts/{first['id']}", params={"module": "leads"}))
    assert [layout["id"] for layout in body["layouts"]] == [first["id"]]


def test_layouts_without_module_is_required_param_missing(api: Api) -> None:
    response = api.get("/crm/v5/settings/layouts")
    assert response.status_code == 400
    assert response.json() == MODULE_PARAM_MISSING


def test_layouts_of_unknown_module_is_invalid_module(api: Api) -> None:
    response = api.get("/crm/v5/settings/layouts?module=Nope")
    assert response.status_code == 400
    assert response.json() == INVALID_MODULE_PARAM


# -- users ---------------------------------------------------------------------------------------------


def users_of(api: Api, params: dict[str, str] | None = None) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    body = ok(api.get("/crm/v5/users", params=params or {}))
    assert set(body) == {"users", "info"}
    return body["users"], body["info"]


def test_users_default_to_all_users_with_an_info_block(api: Api) -> None:
    users, info = users_of(api)
    names = {u["full_name"]: u["status"] for u in users}
    assert names == {"Priya Raman": "active", "Arjun Mehta": "active", "Lena Fischer": "inactive"}
    assert info == {"per_page": 200, "count": 3, "page": 1, "more_records": False}
    assert users_of(api, {"type": "AllUsers"}) == (users, info)


def test_user_objects_have_the_documented_keys(api: Api) -> None:
    users, _ = users_of(api)
    for user in users:
        assert set(user) >= USER_KEYS, USER_KEYS - set(user)
        assert ID.match(user["id"])
        assert set(user["role"]) >= {"name", "id"} and ID.match(user["role"]["id"])
        assert set(user["profile"]) >= {"name", "id"} and ID.match(user["profile"]["id"])
        assert user["status"] in ("active", "inactive", "disabled", "deleted")
        assert isinstance(user["offset"], int)


@pytest.mark.parametrize(
    ("user_type", "expected"),
    [
        ("ActiveUsers", {"Priya Raman", "Arjun Mehta"}),
        ("DeactiveUsers", {"Lena Fischer"}),
        ("AdminUsers", {"Priya Raman"}),
    ],
)
def test_users_by_type(api: Api, user_type: str, expected: set[str]) -> None:
    users, info = users_of(api, {"type": user_type})
    assert {u["full_name"] for u in users} == expected
    assert info["count"] == len(expected)


def test_current_user_is_the_tokens_user(api: Api) -> None:
    users, info = users_of(api, {"type": "CurrentUser"})
    assert [u["id"] for u in users] == [api.creds.user_id]
    assert users[0]["full_name"] == "Priya Raman"
    assert info == {"per_page": 200, "count": 1, "page": 1, "more_records": False}


def test_users_with_a_bad_type_is_invalid_data(api: Api) -> None:
    response = api.get("/crm/v5/users?type=Everyone")
    assert response.status_code == 400
    assert response.headers["content-type"] == JSON
    assert response.json() == {
        "code": "INVALID_DATA",
        "details": {"param_name": "type", "supported_values": USER_TYPES},
        "message": "invalid data",
        "status": "error",
    }


def test_user_by_id(api: Api) -> None:
    users, _ = users_of(api, {"type": "DeactiveUsers"})
    [lena] = users
    body = ok(api.get(f"/crm/v5/users/{lena['id']}"))
    assert [u["id"] for u in body["users"]] == [lena["id"]]
    assert body["users"][0]["full_name"] == "Lena Fischer"


def test_unknown_user_id_is_204_without_body(api: Api) -> None:
    response = api.get("/crm/v5/users/1234567000000999999")
    assert response.status_code == 204
    assert response.content == b""
    assert "content-type" not in response.headers


# -- org -----------------------------------------------------------------------------------------------


def test_org_has_the_documented_keys(api: Api) -> None:
    body = ok(api.get("/crm/v5/org"))
    assert set(body) == {"org"}
    [org] = body["org"]
    assert set(org) >= ORG_KEYS, ORG_KEYS - set(org)
    assert org["id"] == api.creds.org_id
    assert ID.match(org["id"])
    assert org["type"] in ("production", "sandbox", "developer", "bigin")
    assert org["company_name"] == "Zylker Corp"
    assert org["iso_code"] == "USD"
    assert org["currency"] == "US Dollar - USD"
    assert "type" in org["hierarchy_preferences"]
    assert set(org["license_details"]) >= LICENSE_KEYS
    assert org["license_details"]["paid_type"] == "Enterprise"
    assert org["license_details"]["paid"] is True
