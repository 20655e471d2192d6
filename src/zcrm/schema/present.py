"""Metadata JSON: modules, fields, layouts, users and the org (behaviour §6)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from zcrm.fields.render import Renderer, zone
from zcrm.schema.model import Field, Layout, Module, OrgSchema, User
from zcrm.versions import DEFAULT, Version

JSON_TYPES = {
    "text": "string",
    "textarea": "string",
    "email": "string",
    "phone": "string",
    "website": "string",
    "picklist": "string",
    "autonumber": "string",
    "profileimage": "string",
    "mediumtext": "string",
    "date": "string",
    "datetime": "string",
    "event_reminder": "string",
    "multiselectpicklist": "jsonarray",
    "integer": "integer",
    "bigint": "string",
    "double": "double",
    "currency": "double",
    "percent": "double",
    "decimal": "double",
    "boolean": "boolean",
    "lookup": "jsonobject",
    "ownerlookup": "jsonobject",
    "userlookup": "jsonobject",
    "multi_module_lookup": "jsonobject",
    "consent_lookup": "jsonobject",
    "layout": "jsonobject",
    "multiselectlookup": "jsonarray",
    "multiuserlookup": "jsonarray",
    "subform": "jsonarray",
    "imageupload": "jsonarray",
    "fileupload": "jsonarray",
    "linetax": "jsonarray",
    "multireminder": "jsonarray",
    "participants": "jsonarray",
    "pricing_details": "jsonarray",
    "jsonarray": "jsonarray",
    "territories": "jsonarray",
    "ALARM": "jsonobject",
    "RRULE": "jsonobject",
}
_RETURN_JSON = {
    "text": "string",
    "double": "double",
    "currency": "double",
    "date": "string",
    "datetime": "string",
    "boolean": "boolean",
}


def json_type(fld: Field) -> str:
    if fld.data_type in ("formula", "rollup_summary"):
        return _RETURN_JSON.get((fld.formula or {}).get("return_type", "text"), "string")
    return JSON_TYPES.get(fld.data_type, "string")


def _ref(module: Module | None) -> dict[str, Any] | None:
    return None if module is None else {"api_name": module.api_name, "id": module.id}


def listed_fields(module: Module, version: Version = DEFAULT) -> list[Field]:
    """The fields field metadata lists for ``module`` in ``version``: not the fields the version does not have, and
    before v4 not the record id."""
    omitted = version.omitted_fields(module.api_name)
    if not version.id_field_in_fields:
        omitted |= {"id"}
    return [f for f in module.fields if f.api_name not in omitted]


def _named(ref: dict[str, Any] | None, version: Version) -> dict[str, Any] | str | None:
    """A module reference in field metadata as ``version`` spells it: ``{"api_name", "id"}`` or the API name."""
    return ref["api_name"] if ref is not None and version.module_names_in_fields else ref


def field_json(schema: OrgSchema, module: Module, fld: Field, version: Version = DEFAULT) -> dict[str, Any]:
    lookup: dict[str, Any] = {}
    if fld.data_type == "lookup" and fld.lookup_module:
        if fld.lookup_module == "se_module":
            target: dict[str, Any] | None = {"api_name": "se_module", "id": module.id}
        else:
            target = _ref(schema.module(fld.lookup_module))
        lookup = {
            "display_label": fld.field_label,
            "api_name": fld.api_name,
            "module": _named(target, version),
            "id": fld.id,
            "query_details": {},
            "revalidate_filter_during_edit": False,
            "show_fields": [],
        }
    link_key = "multiselectlookup" if fld.data_type == "multiselectlookup" else "multiuserlookup"
    link: dict[str, Any] = {}
    if fld.link is not None:
        linking = schema.module(fld.link.linking_module)
        connected = schema.module(fld.link.connected_module)
        link = {
            "display_label": fld.field_label,
            "linking_module": _named(_ref(linking), version),
            "lookup_apiname": fld.link.lookup_apiname,
            "api_name": fld.api_name,
            "connected_module": _named(
                _ref(connected) if connected else {"api_name": "Users", "id": fld.id}, version
            ),
            "connectedfield_apiname": fld.link.connectedlookup_apiname,
            "connectedlookup_apiname": fld.link.connectedlookup_apiname,
            "id": fld.id,
            "record_access": False,
        }
    associated = None
    if fld.associated_module:
        rows = schema.module(fld.associated_module)
        associated = {"module": fld.associated_module, "id": rows.id if rows else fld.id}
    subform = associated if version.subform_in_fields else None
    read_only = fld.read_only or fld.data_type in ("formula", "autonumber", "rollup_summary")
    picklist: list[dict[str, Any]] = [
        {
            "display_value": v.display_value,
            "actual_value": v.actual_value,
            "reference_value": v.display_value,
            "id": v.id,
            "sequence_number": v.sequence_number,
            "type": "used",
            "colour_code": None,
            "maps": [],
            **({"probability": v.probability} if v.probability is not None else {}),
            **(
                {"forecast_category": {"name": v.forecast_category, "id": v.id}}
                if v.forecast_category and version.picklist_forecast_category
                else {}
            ),
        }
        for v in fld.pick_list_values
    ]
    return {
        "id": fld.id,
        "api_name": fld.api_name,
        "field_label": fld.field_label,
        "display_label": fld.field_label,
        "column_name": fld.api_name.upper(),
        "data_type": fld.data_type,
        "json_type": json_type(fld),
        "length": fld.max_length,
        "decimal_place": fld.decimal_place,
        "display_type": -1,
        "ui_type": 1,
        "quick_sequence_number": fld.sequence + 1,
        "custom_field": fld.custom_field,
        "system_mandatory": fld.system_mandatory,
        "read_only": read_only,
        "field_read_only": read_only,
        "visible": fld.visible,
        "virtual_field": False,
        "separator": False,
        "mass_update": not read_only,
        "webhook": True,
        "searchable": fld.data_type not in ("subform", "multiselectlookup", "multiuserlookup"),
        "sortable": fld.data_type in ("text", "date", "datetime", "integer", "bigint", "double", "currency"),
        "filterable": True,
        "businesscard_supported": True,
        "display_field": fld.api_name in module.display_field,
        "public": False,
        "pick_list_values_sorted_lexically": False,
        "enable_colour_code": False,
        "colour_code_enabled_by_system": False,
        "hipaa_compliance_enabled": False,
        "history_tracking_enabled": False,
        "available_in_user_layout": True,
        "type": "used",
        "unique": {"case_sensitive": fld.unique_case_sensitive} if fld.unique else {},
        "pick_list_values": picklist,
        "lookup": lookup,
        "multiselectlookup": link if link_key == "multiselectlookup" else {},
        "multiuserlookup": link if link_key == "multiuserlookup" else {},
        "multi_module_lookup": {},
        "associated_module": associated,
        "subform": subform,
        "formula": fld.formula or {},
        "auto_number": fld.auto_number or {},
        "rollup_summary": None,
        "currency": {
            "rounding_option": fld.currency_rounding or "normal",
            "precision": fld.currency_precision if fld.currency_precision is not None else 2,
        }
        if fld.data_type == "currency"
        else {},
        "crypt": None,
        "private": None,
        "hipaa_compliance": None,
        "tooltip": None,
        "external": None,
        "history_tracking": None,
        "range": None,
        "address": None,
        "textarea": {"type": fld.textarea_type or "small"} if fld.data_type == "textarea" else None,
        "parent_field": None,
        "child_fields": None,
        "sharing_properties": None,
        "association_details": None,
        "refer_from_field": None,
        "global_picklist": None,
        "additional_column": None,
        "display_format": None,
        "display_format_properties": None,
        "view_type": {"view": True, "edit": not read_only, "create": not read_only, "quick_create": False},
        "operation_type": {
            "web_update": not read_only,
            "api_create": fld.api_create and not read_only,
            "web_create": not read_only,
            "api_update": fld.api_update and not read_only,
        },
        "profiles": [
            {"permission_type": "read_only" if read_only else "read_write", "name": p.name, "id": p.id}
            for p in schema.profiles
        ],
        "layout_associations": [
            {"api_name": layout.name, "name": layout.name, "id": layout.id} for layout in module.layouts
        ],
        "convert_mapping": {"Contacts": None, "Deals": None, "Accounts": None}
        if module.api_name == "Leads"
        else None,
        "email_parser": {"fields_update_supported": False, "record_operations_supported": False},
        "customizable_properties": [],
        "allowed_modules": [],
        "created_source": "default" if not fld.custom_field else "crm",
        "default_value": None,
        "created_time": None,
        "modified_time": None,
    }


def module_json(
    schema: OrgSchema, module: Module, renderer: Renderer, omit: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """A module object of ``GET /settings/modules``, without the keys ``omit`` names (those the API version does
    not answer: zcrm/versions.py)."""
    answer = _module_json(schema, module, renderer)
    return {key: value for key, value in answer.items() if key not in omit} if omit else answer


def _module_json(schema: OrgSchema, module: Module, renderer: Renderer) -> dict[str, Any]:
    standard = module.generated_type in ("default", "custom")
    visible = standard and module.api_supported
    return {
        "id": module.id,
        "api_name": module.api_name,
        "module_name": module.api_name,
        "singular_label": module.singular_label,
        "plural_label": module.plural_label,
        "actual_singular_label": module.singular_label,
        "actual_plural_label": module.plural_label,
        "generated_type": module.generated_type,
        "api_supported": module.api_supported,
        "status": "visible" if visible else "system_hidden",
        "visibility": 1 if visible else 0,
        "visible": visible,
        "show_as_tab": visible,
        "sequence_number": module.sequence + 1,
        "creatable": module.api_supported,
        "editable": module.api_supported,
        "deletable": module.api_supported,
        "viewable": True,
        "convertable": module.api_name == "Leads",
        "quick_create": standard,
        "lookupable": standard,
        "global_search_supported": standard,
        "isBlueprintSupported": standard,
        "recycle_bin_on_delete": True,
        "access_type": "org_based",
        "private_profile": None,
        "has_more_profiles": False,
        "profile_count": len(schema.profiles),
        "profiles": [{"name": p.name, "id": p.id} for p in schema.profiles],
        "modified_time": renderer.datetime(schema.org.created_time),
        "modified_by": None,
        "description": None,
        "presence_sub_menu": False,
        "sub_menu_available": False,
        "feeds_required": False,
        "public_fields_configured": False,
        "web_link": None,
        "arguments": [],
        "business_card_field_limit": 5,
        "parent_module": _ref(schema.module(module.parent_module)) if module.parent_module else {},
        "triggers_supported": standard,
        "filter_supported": standard,
        "kanban_view": False,
        "kanban_view_supported": standard,
        "scoring_supported": standard,
        "webform_supported": standard,
        "email_parser_supported": False,
        "inventory_template_supported": module.api_name
        in ("Quotes", "Sales_Orders", "Purchase_Orders", "Invoices"),
        "track_current_data": False,
        "per_page": 200,
        "display_field": {
            "api_name": module.display_field[0],
            "id": module.by_name[module.display_field[0]].id,
        }
        if module.display_field and module.display_field[0] in module.by_name
        else None,
    }


def layout_json(
    schema: OrgSchema, module: Module, layout: Layout, renderer: Renderer, version: Version = DEFAULT
) -> dict[str, Any]:
    fields = []
    for fld in listed_fields(module, version):
        item = field_json(schema, module, fld, version)
        item["required"] = fld.system_mandatory or fld.api_name in layout.required
        fields.append(item)
    admin = next((u for u in schema.users if schema.profiles_by_id[u.profile_id].admin), None)
    by = {"name": admin.full_name, "id": admin.id} if admin else None
    return {
        "id": layout.id,
        "name": layout.name,
        "api_name": layout.name,
        "created_time": renderer.datetime(schema.org.created_time),
        "modified_time": renderer.datetime(schema.org.created_time),
        "created_by": by,
        "modified_by": by,
        "visible": True,
        "status": "active",
        "source": "crm",
        "profiles": [
            {
                "name": p.name,
                "id": p.id,
                "default": True,
                "_default_view": {"name": layout.name, "id": layout.id, "type": "layout"},
                "_default_assignment_view": None,
            }
            for p in schema.profiles
        ],
        "convert_mapping": {} if module.api_name == "Leads" else None,
        "sections": [
            {
                "display_label": f"{module.singular_label} Information",
                "api_name": f"{module.singular_label.replace(' ', '_')}_Information",
                "name": f"{module.singular_label} Information",
                "sequence_number": 1,
                "isSubformSection": False,
                "column_count": 2,
                "tab_traversal": 1,
                "type": "used",
                "generated_type": "default",
                "fields": fields,
            }
        ],
    }


def user_json(schema: OrgSchema, user: User, renderer: Renderer) -> dict[str, Any]:
    role = schema.roles_by_id.get(user.role_id)
    profile = schema.profiles_by_id.get(user.profile_id)
    offset = zone(user.time_zone).utcoffset(dt.datetime.now(dt.UTC).replace(tzinfo=None))
    admin = next((u for u in schema.users if schema.profiles_by_id[u.profile_id].admin), user)
    return {
        "id": user.id,
        "first_name": user.first_name or None,
        "last_name": user.last_name,
        "full_name": user.full_name,
        "email": user.email,
        "zuid": user.id,
        "alias": None,
        "status": user.status,
        "confirm": user.confirm,
        "status_reason__s": None,
        "role": {"name": role.name, "id": role.id} if role else None,
        "profile": {"name": profile.name, "id": profile.id} if profile else None,
        "time_zone": user.time_zone,
        "offset": int(offset.total_seconds() * 1000) if offset is not None else 0,
        "locale": user.locale,
        "language": user.locale.split("_")[0] if user.locale else "en",
        "country_locale": user.locale,
        "date_format": "MMM d, yyyy",
        "time_format": "hh:mm a",
        "decimal_separator": "Period",
        "number_separator": "Comma",
        "name_format__s": "Salutation,First Name,Last Name",
        "sort_order_preference__s": "First Name,Last Name",
        "created_time": renderer.datetime(user.created_time),
        "created_by": {"name": admin.full_name, "id": admin.id},
        "Modified_Time": renderer.datetime(user.modified_time),
        "Modified_By": {"name": admin.full_name, "id": admin.id},
        "phone": None,
        "mobile": None,
        "fax": None,
        "website": None,
        "dob": None,
        "street": None,
        "city": None,
        "state": None,
        "zip": None,
        "country": None,
        "signature": None,
        "type__s": "AllUsers",
        "Isonline": False,
        "microsoft": False,
        "personal_account": False,
        "sandboxDeveloper": False,
        "theme": None,
        "customize_info": None,
        "default_tab_group": "0",
        "$current_shift": None,
        "$next_shift": None,
        "$shift_effective_from": None,
    }


def org_json(schema: OrgSchema, renderer: Renderer, user_count: int) -> dict[str, Any]:
    org = schema.org
    admin = next((u for u in schema.users if schema.profiles_by_id[u.profile_id].admin), None)
    return {
        "id": org.id,
        "company_name": org.company_name,
        "domain_name": "org" + org.prefix,
        "alias": None,
        "primary_email": org.primary_email,
        "primary_zuid": admin.id if admin else None,
        "zgid": org.id,
        "zia_portal_id": None,
        "type": "production",
        "created_time": renderer.datetime(org.created_time),
        "time_zone": org.time_zone,
        "currency": {
            "USD": "US Dollar - USD",
            "EUR": "Euro - EUR",
            "INR": "Indian Rupee - INR",
            "GBP": "Pound Sterling - GBP",
        }.get(org.currency, f"{org.currency} - {org.currency}"),
        "currency_symbol": {"USD": "$", "EUR": "€", "INR": "₹", "GBP": "£"}.get(org.currency, org.currency),
        "currency_locale": "en_US",
        "iso_code": org.currency,
        "mc_status": False,
        "country_code": org.country_code,
        "country": None,
        "city": None,
        "street": None,
        "state": None,
        "zip": None,
        "phone": None,
        "mobile": None,
        "fax": None,
        "website": None,
        "employee_count": None,
        "description": None,
        "photo_id": None,
        "gapps_enabled": False,
        "translation_enabled": False,
        "privacy_settings": False,
        "hipaa_compliance_enabled": False,
        "lite_users_enabled": False,
        "deletable_org_account": False,
        "hierarchy_preferences": {"type": "Role"},
        "license_details": {
            "paid": org.edition != "Free",
            "paid_type": org.edition,
            "paid_expiry": None,
            "trial_type": None,
            "trial_expiry": None,
            "users_license_purchased": user_count,
            "portal_users_license_purchased": 0,
        },
    }
