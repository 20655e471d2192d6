"""The org file loader (``zcrm.schema.orgfile``): the built-in standard org, custom files, validation errors.

Pure unit tests: no server, no database. Custom files are written to ``tmp_path``.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from zcrm.schema.orgfile import FORMAT, OrgFileError, normalise, read_org_file

DOC = Path(__file__).resolve().parents[2] / "docs" / "org-file.md"

SYSTEM_FIELDS = ["Owner", "Created_By", "Created_Time", "Modified_By", "Modified_Time", "Tag", "Layout", "id"]

ISSUE_MODULES = [
    "Leads",
    "Accounts",
    "Contacts",
    "Deals",
    "Campaigns",
    "Tasks",
    "Cases",
    "Events",
    "Calls",
    "Solutions",
    "Products",
    "Vendors",
    "Price_Books",
    "Quotes",
    "Sales_Orders",
    "Purchase_Orders",
    "Invoices",
    "Appointments__s",
    "Appointments_Rescheduled_History__s",
    "Services__s",
    "Notes",
    "Documents",
    "Projects",
    "Listings",
]


@pytest.fixture(scope="module")
def standard() -> dict[str, Any]:
    return normalise(read_org_file(None))


def modules_by_name(definition: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {m["api_name"]: m for m in definition["modules"]}


def fields_by_name(module: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["api_name"]: f for f in module["fields"]}


def field_names(module: dict[str, Any]) -> list[str]:
    return [f["api_name"] for f in module["fields"]]


# ----------------------------------------------------------------------------------------------- standard org


def test_read_org_file_none_gives_built_in_raw_definition() -> None:
    raw = read_org_file(None)
    assert isinstance(raw, dict)
    assert raw.get("format", FORMAT) == FORMAT
    assert isinstance(raw["modules"], list) and raw["modules"]


def test_read_org_file_none_returns_a_fresh_copy() -> None:
    first = read_org_file(None)
    first["modules"].clear()
    assert read_org_file(None)["modules"]


def test_standard_org_normalises(standard: dict[str, Any]) -> None:
    assert set(standard) == {"org", "functions", "modules", "roles", "profiles", "users"}
    assert standard["org"]["edition"] == "Enterprise" and standard["functions"] == []


def test_normalise_does_not_mutate_its_input() -> None:
    raw = read_org_file(None)
    before = copy.deepcopy(raw)
    normalise(raw)
    assert raw == before


def test_normalise_is_idempotent_on_the_standard_org(standard: dict[str, Any]) -> None:
    again = normalise(read_org_file(None))
    assert again == standard


@pytest.mark.parametrize("name", ISSUE_MODULES)
def test_standard_org_has_module(standard: dict[str, Any], name: str) -> None:
    assert name in modules_by_name(standard)


def test_standard_module_types_and_api_support(standard: dict[str, Any]) -> None:
    by = modules_by_name(standard)
    for name in ISSUE_MODULES:
        expected_type = "custom" if name == "Listings" else "default"
        assert by[name]["generated_type"] == expected_type, name
        assert by[name]["api_supported"] is (name not in ("Documents", "Projects")), name
    assert by["Listings"]["scope_name"] == "custom"


def test_standard_module_names_are_unique_ignoring_case(standard: dict[str, Any]) -> None:
    names = [m["api_name"].lower() for m in standard["modules"]]
    assert len(names) == len(set(names))


def test_standard_events_labelled_meetings(standard: dict[str, Any]) -> None:
    events = modules_by_name(standard)["Events"]
    assert (events["singular_label"], events["plural_label"]) == ("Meeting", "Meetings")


def test_standard_scope_names(standard: dict[str, Any]) -> None:
    by = modules_by_name(standard)
    assert by["Price_Books"]["scope_name"] == "pricebooks"
    assert by["Sales_Orders"]["scope_name"] == "salesorders"
    assert by["Purchase_Orders"]["scope_name"] == "purchaseorders"
    assert by["Appointments__s"]["scope_name"] == "appointments"
    assert by["Appointments_Rescheduled_History__s"]["scope_name"] == "appointments_rescheduled_history"
    assert by["Services__s"]["scope_name"] == "services"
    assert by["Leads"]["scope_name"] == "leads"


def test_standard_inventory_subform_modules(standard: dict[str, Any]) -> None:
    by = modules_by_name(standard)
    for rows, parent in [
        ("Quoted_Items", "Quotes"),
        ("Ordered_Items", "Sales_Orders"),
        ("Purchase_Items", "Purchase_Orders"),
        ("Invoiced_Items", "Invoices"),
    ]:
        assert by[rows]["generated_type"] == "subform"
        assert by[rows]["parent_module"] == parent
        subforms = [f for f in by[parent]["fields"] if f["data_type"] == "subform"]
        assert [f["associated_module"] for f in subforms] == [rows]


def test_system_fields_on_every_record_module(standard: dict[str, Any]) -> None:
    record_modules = [m for m in standard["modules"] if m["generated_type"] in ("default", "custom")]
    assert len(record_modules) == 24
    for module in record_modules:
        by = fields_by_name(module)
        for name in SYSTEM_FIELDS:
            assert name in by, f"{module['api_name']} lacks {name}"
        assert by["Owner"]["data_type"] == "ownerlookup"
        assert by["Owner"]["lookup_module"] == "Users"
        assert by["Created_By"]["data_type"] == "ownerlookup"
        assert by["Modified_By"]["data_type"] == "ownerlookup"
        assert by["Created_Time"]["data_type"] == "datetime"
        assert by["Modified_Time"]["data_type"] == "datetime"
        assert by["Layout"]["data_type"] == "layout"
        assert by["id"]["data_type"] == "bigint"
        for name in ("Created_By", "Modified_By", "Created_Time", "Modified_Time", "id"):
            assert by[name]["read_only"] is True, f"{module['api_name']}.{name}"
        names = field_names(module)
        assert len(names) == len(set(names)), module["api_name"]


def test_mandatory_fields(standard: dict[str, Any]) -> None:
    by = modules_by_name(standard)
    assert fields_by_name(by["Leads"])["Last_Name"]["system_mandatory"] is True
    deals = fields_by_name(by["Deals"])
    assert deals["Deal_Name"]["system_mandatory"] is True
    assert deals["Stage"]["system_mandatory"] is True
    assert deals["Stage"]["data_type"] == "picklist"
    stage = {v["actual_value"]: v for v in deals["Stage"]["pick_list_values"]}
    assert stage["Closed Won"]["probability"] == 100
    assert stage["Closed Won"]["forecast_category"] == "Closed"


def test_leads_unique_fields(standard: dict[str, Any]) -> None:
    leads = fields_by_name(modules_by_name(standard)["Leads"])
    assert (leads["Lead_Code"]["unique"], leads["Lead_Code"]["unique_case_sensitive"]) == (True, False)
    assert (leads["Passport_Number"]["unique"], leads["Passport_Number"]["unique_case_sensitive"]) == (
        True,
        True,
    )


def test_deals_custom_fields(standard: dict[str, Any]) -> None:
    deals = fields_by_name(modules_by_name(standard)["Deals"])
    assert deals["Foreign_Languages"]["data_type"] == "multiselectpicklist"
    assert deals["Image_Upload"]["data_type"] == "imageupload"
    assert deals["Listings"]["data_type"] == "multiselectlookup"
    assert deals["AssociatedUser"]["data_type"] == "multiuserlookup"
    assert deals["Competitors"]["data_type"] == "subform"
    assert deals["Competitors"]["associated_module"] == "Deal_Competitors"
    for name in ("Foreign_Languages", "Image_Upload", "Listings", "AssociatedUser", "Competitors"):
        assert deals[name]["custom_field"] is True, name


def test_linking_module_deals_x_listings(standard: dict[str, Any]) -> None:
    by = modules_by_name(standard)
    link = fields_by_name(by["Deals"])["Listings"]["link"]
    assert link["linking_module"] == "Deals_X_Listings"
    assert link["connected_module"] == "Listings"
    module = by["Deals_X_Listings"]
    assert module["generated_type"] == "linking"
    fields = fields_by_name(module)
    back = fields[link["lookup_apiname"]]
    connected = fields[link["connectedlookup_apiname"]]
    assert (back["data_type"], back["lookup_module"]) == ("lookup", "Deals")
    assert (connected["data_type"], connected["lookup_module"]) == ("lookup", "Listings")
    assert field_names(module) == [
        link["lookup_apiname"],
        link["connectedlookup_apiname"],
        "Owner",
        "Created_By",
        "Modified_By",
        "Created_Time",
        "Modified_Time",
        "id",
    ]


def test_linking_module_deals_x_users(standard: dict[str, Any]) -> None:
    by = modules_by_name(standard)
    link = fields_by_name(by["Deals"])["AssociatedUser"]["link"]
    assert link["linking_module"] == "Deals_X_Users"
    assert link["connected_module"] == "Users"
    module = by["Deals_X_Users"]
    assert module["generated_type"] == "linking"
    fields = fields_by_name(module)
    back = fields[link["lookup_apiname"]]
    connected = fields[link["connectedlookup_apiname"]]
    assert (back["data_type"], back["lookup_module"]) == ("lookup", "Deals")
    assert (connected["data_type"], connected["lookup_module"]) == ("userlookup", "Users")
    assert "Tag" not in fields and "Layout" not in fields
    assert "Owner" in fields and "id" in fields


def test_image_upload_gets_row_module(standard: dict[str, Any]) -> None:
    by = modules_by_name(standard)
    field = fields_by_name(by["Deals"])["Image_Upload"]
    assert field["associated_module"] == "Deals_Image_Upload"
    rows = by["Deals_Image_Upload"]
    assert rows["generated_type"] == "subform"
    assert rows["api_supported"] is False
    assert rows["parent_module"] == "Deals"
    assert sorted(field_names(rows)) == sorted(
        [
            "File_Id__s",
            "File_Name__s",
            "Size__s",
            "Description__s",
            "Preview_Id__s",
            "State__s",
            "id",
            "Parent_Id",
        ]
    )
    parent = fields_by_name(rows)["Parent_Id"]
    assert (parent["data_type"], parent["lookup_module"]) == ("lookup", "Deals")


def test_subform_modules_get_parent_id_and_id(standard: dict[str, Any]) -> None:
    subforms = [m for m in standard["modules"] if m["generated_type"] == "subform"]
    assert {m["api_name"] for m in subforms} >= {
        "Quoted_Items",
        "Ordered_Items",
        "Purchase_Items",
        "Invoiced_Items",
        "Deal_Competitors",
        "Deals_Image_Upload",
    }
    for module in subforms:
        fields = fields_by_name(module)
        assert fields["Parent_Id"]["data_type"] == "lookup", module["api_name"]
        assert fields["Parent_Id"]["lookup_module"] == module["parent_module"], module["api_name"]
        assert fields["id"]["data_type"] == "bigint", module["api_name"]
        # subform rows have no owner or audit fields
        assert "Owner" not in fields, module["api_name"]


def test_every_lookup_target_exists(standard: dict[str, Any]) -> None:
    names = set(modules_by_name(standard))
    for module in standard["modules"]:
        for field in module["fields"]:
            target = field["lookup_module"]
            if target:
                assert target in names | {"Users", "se_module"}, f"{module['api_name']}.{field['api_name']}"


def test_standard_roles_profiles_users(standard: dict[str, Any]) -> None:
    assert standard["roles"] == [
        {"name": "CEO", "reports_to": None},
        {"name": "Manager", "reports_to": "CEO"},
        {"name": "Sales Rep", "reports_to": "Manager"},
    ]
    assert [(p["name"], p["admin"]) for p in standard["profiles"]] == [
        ("Administrator", True),
        ("Standard", False),
        ("Read Only", False),
    ]
    assert [(u["first_name"], u["last_name"], u["status"], u["profile"]) for u in standard["users"]] == [
        ("Priya", "Raman", "active", "Administrator"),
        ("Arjun", "Mehta", "active", "Standard"),
        ("Lena", "Fischer", "inactive", "Standard"),
    ]


# ------------------------------------------------------------------------------------------- custom YAML org

CUSTOM_YAML = """\
format: zcrm-org/1
org:
  company_name: Test Co
  time_zone: Europe/Berlin
  edition: Professional
roles:
  - name: Boss
  - name: Worker
    reports_to: Boss
profiles:
  - name: Admin
    admin: true
  - name: Limited
    permissions:
      "*": [view]
      Widgets: [view, edit]
users:
  - {first_name: Ada, last_name: Admin, email: ada@test.example, role: Boss, profile: Admin}
  - {last_name: Worker, email: w@test.example, role: Worker, profile: Limited, time_zone: Asia/Tokyo}
modules:
  - api_name: Contacts
    generated_type: default
    display_field: [First_Name, Last_Name]
    fields:
      - {api_name: First_Name, data_type: text, length: 40}
      - {api_name: Last_Name, data_type: text, length: 80, system_mandatory: true}
  - api_name: Widgets
    layouts:
      - name: Standard
        required: [Price]
      - name: Other
    fields:
      - {api_name: Name, data_type: text, length: 120, system_mandatory: true}
      - {api_name: Notes__s, data_type: textarea, textarea_type: large}
      - {api_name: Mail, data_type: email, unique: true}
      - {api_name: Code, data_type: text, unique: {case_sensitive: true}}
      - {api_name: Tel, data_type: phone}
      - {api_name: Site, data_type: website}
      - {api_name: Colour, data_type: picklist, pick_list_values: [Red, {display_value: Blue, actual_value: B}]}
      - {api_name: Tags_Multi, data_type: multiselectpicklist, pick_list_values: [A, B]}
      - {api_name: Count, data_type: integer}
      - {api_name: Big, data_type: bigint}
      - {api_name: Ratio, data_type: double, decimal_place: 3}
      - {api_name: Share, data_type: percent, decimal_place: 2}
      - {api_name: Price, data_type: currency, currency: {precision: 3, rounding_option: normal}}
      - {api_name: Active, data_type: boolean}
      - {api_name: Due, data_type: date}
      - {api_name: Starts, data_type: datetime}
      - {api_name: Contact, data_type: lookup, lookup_module: Contacts}
      - {api_name: Reviewer, data_type: userlookup}
      - {api_name: Related, data_type: lookup, lookup_module: se_module}
      - api_name: Total
        data_type: formula
        formula: {return_type: double, expression: "Count * Ratio"}
      - api_name: Number
        data_type: autonumber
        read_only: true
        auto_number: {prefix: "W-", suffix: "", start_number: 1}
      - api_name: Buyers
        data_type: multiselectlookup
        multiselectlookup:
          linking_module: Widgets_X_Contacts
          connected_module: Contacts
          lookup_apiname: Widget
          connectedlookup_apiname: Buyer
      - api_name: Helpers
        data_type: multiuserlookup
        multiuserlookup:
          linking_module: Widgets_X_Users
          lookup_apiname: Widget
          connectedlookup_apiname: Helper
      - {api_name: Photo, data_type: imageupload}
      - {api_name: Attachment, data_type: fileupload}
      - {api_name: Parts, data_type: subform, subform_module: Widget_Parts}
  - api_name: Widget_Parts
    generated_type: subform
    parent_module: Widgets
    display_field: id
    fields:
      - {api_name: Part_Name, data_type: text, length: 50}
      - {api_name: Qty, data_type: integer}
"""


@pytest.fixture
def custom(tmp_path: Path) -> dict[str, Any]:
    path = tmp_path / "org.yaml"
    path.write_text(CUSTOM_YAML, "utf-8")
    return normalise(read_org_file(path))


def test_custom_yaml_org_loads(custom: dict[str, Any]) -> None:
    assert custom["org"] == {
        "company_name": "Test Co",
        "time_zone": "Europe/Berlin",
        "currency": "USD",
        "country_code": "US",
        "edition": "Professional",
        "primary_email": "",
    }
    assert [m["api_name"] for m in custom["modules"]] == [
        "Contacts",
        "Widgets",
        "Widget_Parts",
        "Widgets_X_Contacts",
        "Widgets_X_Users",
        "Widgets_Photo",
        "Widgets_Attachment",
    ]


def test_custom_module_defaults(custom: dict[str, Any]) -> None:
    widgets = modules_by_name(custom)["Widgets"]
    assert widgets["generated_type"] == "custom"
    assert widgets["scope_name"] == "custom"
    assert widgets["api_supported"] is True
    assert widgets["singular_label"] == "Widgets"
    assert widgets["display_field"] == ["Name"]
    assert widgets["layouts"] == [
        {"name": "Standard", "required": ["Price"]},
        {"name": "Other", "required": []},
    ]
    contacts = modules_by_name(custom)["Contacts"]
    assert contacts["scope_name"] == "contacts"
    assert contacts["display_field"] == ["First_Name", "Last_Name"]
    assert contacts["layouts"] == [{"name": "Standard", "required": []}]


def test_custom_module_fields_in_order_then_system_fields(custom: dict[str, Any]) -> None:
    widgets = modules_by_name(custom)["Widgets"]
    names = field_names(widgets)
    assert names[:3] == ["Name", "Notes__s", "Mail"]
    assert names[-len(SYSTEM_FIELDS) :] == [
        "Owner",
        "Created_By",
        "Modified_By",
        "Created_Time",
        "Modified_Time",
        "Tag",
        "Layout",
        "id",
    ]


def test_custom_field_families(custom: dict[str, Any]) -> None:
    f = fields_by_name(modules_by_name(custom)["Widgets"])
    assert f["Notes__s"]["field_label"] == "Notes"
    assert f["Notes__s"]["textarea_type"] == "large"
    assert f["Name"]["field_label"] == "Name"
    assert f["Tags_Multi"]["field_label"] == "Tags Multi"
    assert (f["Mail"]["unique"], f["Mail"]["unique_case_sensitive"]) == (True, False)
    assert (f["Code"]["unique"], f["Code"]["unique_case_sensitive"]) == (True, True)
    assert (f["Tel"]["unique"], f["Tel"]["unique_case_sensitive"]) == (False, False)
    assert f["Colour"]["pick_list_values"] == [
        {"display_value": "Red", "actual_value": "Red"},
        {"display_value": "Blue", "actual_value": "B"},
    ]
    assert f["Ratio"]["decimal_place"] == 3
    assert f["Price"]["currency"] == {"precision": 3, "rounding_option": "normal"}
    assert f["Contact"]["lookup_module"] == "Contacts"
    assert f["Reviewer"]["lookup_module"] == "Users"  # userlookup defaults to Users
    assert f["Related"]["lookup_module"] == "se_module"
    assert f["Total"]["formula"] == {"return_type": "double", "expression": "Count * Ratio"}
    assert f["Number"]["auto_number"] == {"prefix": "W-", "suffix": "", "start_number": 1}
    assert (f["Number"]["read_only"], f["Number"]["api_create"], f["Number"]["api_update"]) == (
        True,
        False,
        False,
    )
    assert (f["Count"]["api_create"], f["Count"]["api_update"]) == (True, True)
    assert f["Parts"]["associated_module"] == "Widget_Parts"
    assert f["Photo"]["associated_module"] == "Widgets_Photo"
    assert f["Attachment"]["associated_module"] == "Widgets_Attachment"
    assert f["Buyers"]["link"] == {
        "linking_module": "Widgets_X_Contacts",
        "lookup_apiname": "Widget",
        "connectedlookup_apiname": "Buyer",
        "connected_module": "Contacts",
    }
    assert f["Helpers"]["link"] == {
        "linking_module": "Widgets_X_Users",
        "lookup_apiname": "Widget",
        "connectedlookup_apiname": "Helper",
        "connected_module": "Users",
    }


def test_custom_generated_modules(custom: dict[str, Any]) -> None:
    by = modules_by_name(custom)
    buyers = fields_by_name(by["Widgets_X_Contacts"])
    assert (buyers["Widget"]["data_type"], buyers["Widget"]["lookup_module"]) == ("lookup", "Widgets")
    assert (buyers["Buyer"]["data_type"], buyers["Buyer"]["lookup_module"]) == ("lookup", "Contacts")
    helpers = fields_by_name(by["Widgets_X_Users"])
    assert (helpers["Helper"]["data_type"], helpers["Helper"]["lookup_module"]) == ("userlookup", "Users")
    for rows in ("Widgets_Photo", "Widgets_Attachment"):
        assert by[rows]["generated_type"] == "subform"
        assert by[rows]["api_supported"] is False
        assert fields_by_name(by[rows])["Parent_Id"]["lookup_module"] == "Widgets"
    parts = by["Widget_Parts"]
    assert field_names(parts) == ["Part_Name", "Qty", "Parent_Id", "id"]
    assert fields_by_name(parts)["Parent_Id"]["lookup_module"] == "Widgets"


def test_custom_roles_profiles_users(custom: dict[str, Any]) -> None:
    assert custom["roles"] == [{"name": "Boss", "reports_to": None}, {"name": "Worker", "reports_to": "Boss"}]
    assert custom["profiles"] == [
        {"name": "Admin", "admin": True, "permissions": {}},
        {"name": "Limited", "admin": False, "permissions": {"*": ["view"], "Widgets": ["view", "edit"]}},
    ]
    assert custom["users"] == [
        {
            "first_name": "Ada",
            "last_name": "Admin",
            "email": "ada@test.example",
            "role": "Boss",
            "profile": "Admin",
            "time_zone": None,
            "status": "active",
            "locale": "en_US",
        },
        {
            "first_name": "",
            "last_name": "Worker",
            "email": "w@test.example",
            "role": "Worker",
            "profile": "Limited",
            "time_zone": "Asia/Tokyo",
            "status": "active",
            "locale": "en_US",
        },
    ]


def test_custom_json_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "org.json"
    path.write_text(json.dumps(yaml.safe_load(CUSTOM_YAML)), "utf-8")
    from_json = normalise(read_org_file(path))
    yaml_path = tmp_path / "org.yaml"
    yaml_path.write_text(CUSTOM_YAML, "utf-8")
    assert from_json == normalise(read_org_file(yaml_path))


def test_minimal_org_gets_defaults() -> None:
    result = normalise({"modules": [{"api_name": "Things"}]})
    assert result["org"] == {
        "company_name": "zcrm",
        "time_zone": "UTC",
        "currency": "USD",
        "country_code": "US",
        "edition": "Enterprise",
        "primary_email": "",
    }
    assert result["roles"] == [{"name": "CEO", "reports_to": None}]
    assert result["profiles"] == [{"name": "Administrator", "admin": True, "permissions": {}}]
    assert [
        (u["first_name"], u["last_name"], u["email"], u["role"], u["profile"]) for u in result["users"]
    ] == [("Admin", "User", "admin@zcrm.test", "CEO", "Administrator")]
    things = result["modules"][0]
    assert field_names(things) == [
        "Owner",
        "Created_By",
        "Modified_By",
        "Created_Time",
        "Modified_Time",
        "Tag",
        "Layout",
        "id",
    ]
    assert things["display_field"] == ["id"]
    assert things["layouts"] == [{"name": "Standard", "required": []}]


def test_declared_system_field_is_kept_not_duplicated() -> None:
    result = normalise(
        {
            "modules": [
                {
                    "api_name": "Things",
                    "fields": [
                        {"api_name": "Owner", "field_label": "Thing Owner", "data_type": "ownerlookup"}
                    ],
                }
            ]
        }
    )
    fields = result["modules"][0]["fields"]
    owners = [f for f in fields if f["api_name"] == "Owner"]
    assert len(owners) == 1
    assert owners[0]["field_label"] == "Thing Owner"
    assert owners[0]["lookup_module"] == "Users"


# ------------------------------------------------------------------------------------------ validation errors


def base_org() -> dict[str, Any]:
    """A small valid org, to be broken one way per test."""
    return {
        "format": "zcrm-org/1",
        "org": {"company_name": "Base", "edition": "Enterprise"},
        "roles": [{"name": "CEO"}, {"name": "Rep", "reports_to": "CEO"}],
        "profiles": [
            {"name": "Administrator", "admin": True},
            {"name": "Sales", "permissions": {"*": ["view"], "Things": ["view", "create"]}},
        ],
        "users": [
            {
                "first_name": "A",
                "last_name": "Admin",
                "email": "a@x.test",
                "role": "CEO",
                "profile": "Administrator",
            },
            {"first_name": "B", "last_name": "Rep", "email": "b@x.test", "role": "Rep", "profile": "Sales"},
        ],
        "modules": [
            {
                "api_name": "Things",
                "layouts": [{"name": "Standard", "required": ["Name"]}],
                "fields": [
                    {"api_name": "Name", "data_type": "text"},
                    {"api_name": "Other", "data_type": "lookup", "lookup_module": "Others"},
                    {"api_name": "Rows", "data_type": "subform", "subform_module": "Thing_Rows"},
                ],
            },
            {"api_name": "Others", "fields": [{"api_name": "Name", "data_type": "text"}]},
            {
                "api_name": "Thing_Rows",
                "generated_type": "subform",
                "parent_module": "Things",
                "fields": [{"api_name": "Qty", "data_type": "integer"}],
            },
        ],
    }


def module(raw: dict[str, Any], name: str) -> dict[str, Any]:
    return next(m for m in raw["modules"] if m["api_name"] == name)


def error_of(raw: dict[str, Any]) -> str:
    with pytest.raises(OrgFileError) as info:
        normalise(raw)
    return str(info.value)


def test_base_org_is_valid() -> None:
    result = normalise(base_org())
    assert [m["api_name"] for m in result["modules"]] == ["Things", "Others", "Thing_Rows"]


def test_org_file_error_is_a_value_error() -> None:
    assert issubclass(OrgFileError, ValueError)


def test_error_unknown_lookup_module() -> None:
    raw = base_org()
    module(raw, "Things")["fields"][1]["lookup_module"] = "Nowhere"
    assert error_of(raw) == "modules.Things.Other: lookup_module 'Nowhere' is not a module of this org"


def test_error_lookup_without_lookup_module() -> None:
    raw = base_org()
    del module(raw, "Things")["fields"][1]["lookup_module"]
    assert error_of(raw) == "modules.Things.fields[1].Other: a lookup needs 'lookup_module'"


def test_error_subform_module_not_a_subform_module() -> None:
    raw = base_org()
    module(raw, "Things")["fields"][2]["subform_module"] = "Others"
    assert error_of(raw) == "modules.Things.Rows: subform_module 'Others' is not a subform module"


def test_error_subform_module_unknown() -> None:
    raw = base_org()
    module(raw, "Things")["fields"][2]["subform_module"] = "Missing_Rows"
    assert error_of(raw) == "modules.Things.Rows: subform_module 'Missing_Rows' is not a subform module"


def test_error_subform_without_subform_module() -> None:
    raw = base_org()
    del module(raw, "Things")["fields"][2]["subform_module"]
    assert error_of(raw) == "modules.Things.fields[2].Rows: a subform needs 'subform_module'"


def test_error_duplicate_field_api_name() -> None:
    raw = base_org()
    module(raw, "Others")["fields"].append({"api_name": "Name", "data_type": "textarea"})
    assert error_of(raw) == "modules.Others: duplicate field api_name ['Name']"


@pytest.mark.parametrize("duplicate", ["Others", "OTHERS", "others"])
def test_error_duplicate_module(duplicate: str) -> None:
    raw = base_org()
    raw["modules"].append({"api_name": duplicate, "fields": []})
    message = error_of(raw)
    assert message.startswith("modules")
    assert "duplicate module api_name" in message


def test_error_unknown_role_of_user() -> None:
    raw = base_org()
    raw["users"][1]["role"] = "Janitor"
    assert error_of(raw) == "users[1]: role 'Janitor' is not defined"


def test_error_unknown_profile_of_user() -> None:
    raw = base_org()
    raw["users"][1]["profile"] = "Ghost"
    assert error_of(raw) == "users[1]: profile 'Ghost' is not defined"


@pytest.mark.parametrize(
    "change",
    [
        {"status": "inactive"},
        {"status": "deleted"},
        {"profile": "Sales"},
    ],
)
def test_error_no_active_admin_user(change: dict[str, str]) -> None:
    raw = base_org()
    raw["users"][0].update(change)
    assert error_of(raw) == "users: at least one active user with an admin profile is required"


def test_error_bad_user_status() -> None:
    raw = base_org()
    raw["users"][1]["status"] = "asleep"
    assert error_of(raw) == "users[1]: status must be one of ['active', 'deleted', 'inactive']"


def test_error_duplicate_user_email_ignoring_case() -> None:
    raw = base_org()
    raw["users"][1]["email"] = "A@X.test"
    assert error_of(raw) == "users: duplicate email"


def test_error_user_without_last_name() -> None:
    raw = base_org()
    del raw["users"][1]["last_name"]
    assert error_of(raw) == "users[1]: 'last_name' is required"


def test_error_bad_generated_type() -> None:
    raw = base_org()
    module(raw, "Others")["generated_type"] = "standard"
    assert error_of(raw) == (
        "modules.Others: generated_type must be one of ['custom', 'default', 'linking', 'subform']"
    )


def test_error_bad_edition() -> None:
    raw = base_org()
    raw["org"]["edition"] = "Platinum"
    message = error_of(raw)
    assert message.startswith("org.edition: must be one of [")
    assert "'Enterprise'" in message and "'Free'" in message and "'Professional'" in message


@pytest.mark.parametrize("edition", ["Free", "Standard", "Professional", "Enterprise", "Ultimate"])
def test_documented_editions_accepted(edition: str) -> None:
    raw = base_org()
    raw["org"]["edition"] = edition
    assert normalise(raw)["org"]["edition"] == edition


def test_error_layout_requiring_unknown_field() -> None:
    raw = base_org()
    module(raw, "Things")["layouts"] = [{"name": "Main", "required": ["Name", "Colour"]}]
    assert error_of(raw) == "modules.Things: layout 'Main' requires unknown field 'Colour'"


def test_layout_may_require_a_system_field() -> None:
    raw = base_org()
    module(raw, "Things")["layouts"] = [{"name": "Main", "required": ["Owner"]}]
    assert module(normalise(raw), "Things")["layouts"] == [{"name": "Main", "required": ["Owner"]}]


def test_error_unknown_display_field() -> None:
    raw = base_org()
    module(raw, "Others")["display_field"] = ["Name", "Surname"]
    assert error_of(raw) == "modules.Others: display_field 'Surname' is not a field of the module"


@pytest.mark.parametrize("key", ["length", "decimal_place"])
@pytest.mark.parametrize("value", ["10", 1.5, True])
def test_error_non_integer_length_or_decimal_place(key: str, value: object) -> None:
    raw = base_org()
    module(raw, "Others")["fields"][0][key] = value
    assert error_of(raw) == f"modules.Others.fields[0].Name: '{key}' must be an integer"


def test_error_field_without_data_type() -> None:
    raw = base_org()
    module(raw, "Others")["fields"].append({"api_name": "Colour"})
    assert error_of(raw) == "modules.Others.fields[1].Colour: 'data_type' is required"


def test_error_field_without_api_name() -> None:
    raw = base_org()
    module(raw, "Others")["fields"].append({"data_type": "text"})
    assert error_of(raw) == "modules.Others.fields[1]: 'api_name' is required"


def test_error_module_without_api_name() -> None:
    raw = base_org()
    raw["modules"].append({"fields": []})
    assert error_of(raw) == "modules[3]: 'api_name' is required"


def test_error_multiselectlookup_without_mapping() -> None:
    raw = base_org()
    module(raw, "Things")["fields"].append({"api_name": "Links", "data_type": "multiselectlookup"})
    assert error_of(raw) == (
        "modules.Things.fields[3].Links: a multiselectlookup field needs a 'multiselectlookup' mapping"
    )


def test_error_unknown_connected_module() -> None:
    raw = base_org()
    module(raw, "Things")["fields"].append(
        {
            "api_name": "Links",
            "data_type": "multiselectlookup",
            "multiselectlookup": {
                "linking_module": "Things_X_Nowhere",
                "connected_module": "Nowhere",
                "lookup_apiname": "Thing",
                "connectedlookup_apiname": "Target",
            },
        }
    )
    assert error_of(raw) == "modules.Things.Links: connected_module 'Nowhere' is unknown"


def test_error_unknown_reports_to() -> None:
    raw = base_org()
    raw["roles"][1]["reports_to"] = "Board"
    assert error_of(raw) == "roles.Rep: reports_to 'Board' is not a role"


def test_error_profile_permission_unknown_module() -> None:
    raw = base_org()
    raw["profiles"][1]["permissions"]["Gadgets"] = ["view"]
    assert error_of(raw) == "profiles.Sales: unknown module 'Gadgets'"


def test_error_profile_permission_unknown_verb() -> None:
    raw = base_org()
    raw["profiles"][1]["permissions"]["Things"] = ["view", "export"]
    assert error_of(raw) == (
        "profiles.Sales.Things: permissions are a list of ['create', 'delete', 'edit', 'view']"
    )


def test_error_duplicate_profile_name() -> None:
    # docs/org-file.md: a profile's `name` is "required, unique"
    raw = base_org()
    raw["profiles"].append({"name": "Sales", "permissions": {"*": ["view", "edit"]}})
    message = error_of(raw)
    assert message.startswith("profiles")
    assert "Sales" in message


def test_error_wrong_format_string() -> None:
    raw = base_org()
    raw["format"] = "zcrm-org/2"
    assert error_of(raw) == "format: expected 'zcrm-org/1', got 'zcrm-org/2'"


def test_format_may_be_omitted() -> None:
    raw = base_org()
    del raw["format"]
    assert normalise(raw)["org"]["company_name"] == "Base"


@pytest.mark.parametrize("modules", [None, [], "Things", {"api_name": "Things"}])
def test_error_modules_not_a_non_empty_list(modules: object) -> None:
    raw = base_org()
    raw["modules"] = modules
    assert error_of(raw) == "modules: a non-empty list is required"


def test_error_module_not_a_mapping() -> None:
    raw = base_org()
    raw["modules"].append("Gadgets")
    assert error_of(raw) == "modules[3]: a module must be a mapping"


def test_error_org_not_a_mapping() -> None:
    raw = base_org()
    raw["org"] = ["Base"]
    assert error_of(raw) == "org: must be a mapping"


# ----------------------------------------------------------------------------------------- reading files


def read_error(path: Path) -> str:
    with pytest.raises(OrgFileError) as info:
        read_org_file(path)
    return str(info.value)


@pytest.mark.parametrize(
    ("name", "text"), [("org.yaml", "- a\n- b\n"), ("org.yaml", "just text\n"), ("org.json", "[1]")]
)
def test_error_top_level_not_a_mapping(tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    assert read_error(path) == f"{path}: the top level must be a mapping"


def test_error_empty_yaml_file(tmp_path: Path) -> None:
    path = tmp_path / "org.yaml"
    path.write_text("", "utf-8")
    assert read_error(path) == f"{path}: the top level must be a mapping"


def test_error_invalid_yaml(tmp_path: Path) -> None:
    path = tmp_path / "org.yml"
    path.write_text("modules: [unclosed\n  - {a: b\n", "utf-8")
    assert read_error(path).startswith(f"{path}: not valid YAML: ")


def test_error_invalid_json(tmp_path: Path) -> None:
    path = tmp_path / "org.json"
    path.write_text('{"modules": [}', "utf-8")
    assert read_error(path).startswith(f"{path}: not valid JSON: ")


def test_json_suffix_is_read_as_json_only(tmp_path: Path) -> None:
    path = tmp_path / "org.json"
    path.write_text("modules:\n  - api_name: Things\n", "utf-8")  # valid YAML, invalid JSON
    assert read_error(path).startswith(f"{path}: not valid JSON: ")


def test_error_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "absent.yaml"
    message = read_error(path)
    assert message.startswith(f"{path}: cannot read the org file (")


# ------------------------------------------------------------------------------------------------ the docs


def _doc_yaml_blocks() -> list[tuple[str, str]]:
    """(heading, body) of every ```yaml block in docs/org-file.md, in order."""
    blocks: list[tuple[str, str]] = []
    heading = ""
    fence: str | None = None  # the info string of the open fence, if any
    body: list[str] = []
    for line in DOC.read_text("utf-8").splitlines():
        if fence is None:
            if line.startswith("```"):
                fence, body = line[3:].strip(), []
            elif re.match(r"#{1,6} ", line):
                heading = line
        elif line.startswith("```"):
            if fence == "yaml":
                blocks.append((heading, "\n".join(body) + "\n"))
            fence = None
        else:
            body.append(line)
    return blocks


def test_doc_yaml_blocks_all_parse() -> None:
    blocks = _doc_yaml_blocks()
    assert len(blocks) >= 2
    for heading, body in blocks:
        yaml.safe_load(body)  # raises on rot
        assert heading


def test_doc_complete_example_normalises() -> None:
    # The complete example is the first yaml block under "## A complete example" (the very first yaml block of
    # the document is only the top-level skeleton, with `{...}` placeholders).
    bodies = [body for heading, body in _doc_yaml_blocks() if heading == "## A complete example"]
    assert bodies, "docs/org-file.md has no yaml block under '## A complete example'"
    raw = yaml.safe_load(bodies[0])
    assert isinstance(raw, dict)
    result = normalise(raw)
    by = modules_by_name(result)
    # what the doc says the loader generates from this file
    assert set(by) == {
        "Contacts",
        "Properties",
        "Property_Rooms",
        "Properties_X_Contacts",
        "Properties_X_Users",
        "Properties_Photos",
        "Properties_Floor_Plans",
    }
    contacts_link = fields_by_name(by["Properties_X_Contacts"])
    assert {"Property", "Buyer"} <= set(contacts_link)
    users_link = fields_by_name(by["Properties_X_Users"])
    assert {"Property", "Agent"} <= set(users_link)
    for name in SYSTEM_FIELDS:
        assert name in fields_by_name(by["Contacts"])
        assert name in fields_by_name(by["Properties"])
    assert {"id", "Parent_Id"} <= set(fields_by_name(by["Property_Rooms"]))
    assert result["org"]["edition"] == "Professional"
    assert result["users"][0]["email"] == "maya.okafor@harbourhomes.test"


def test_doc_subform_snippet_normalises() -> None:
    bodies = [body for heading, body in _doc_yaml_blocks() if heading == "### Subforms"]
    assert len(bodies) == 1
    result = normalise(yaml.safe_load(bodies[0]))
    rooms = modules_by_name(result)["Property_Rooms"]
    assert field_names(rooms) == ["Room_Name", "Area", "Parent_Id", "id"]
