"""The vocabulary of an org file: the keys its top level, ``org``, modules, layouts and fields may have, and the
field data types zcrm knows (docs/org-file.md). A key or a data type outside it is a typo, refused with the path of
the offending entry (``modules[2].fields[5].data_tpye: unknown key``) rather than stored and served as it is."""

from __future__ import annotations

from typing import Any

from zcrm.schema.orgfile_checks import OrgFileError

TOP_KEYS = frozenset({"format", "org", "modules", "functions", "webhooks", "roles", "profiles", "users"})
ORG_KEYS = frozenset({"company_name", "time_zone", "currency", "country_code", "edition", "primary_email"})
MODULE_KEYS = frozenset(
    {
        "api_name",
        "singular_label",
        "plural_label",
        "generated_type",
        "api_supported",
        "scope_name",
        "sharing",
        "display_field",
        "parent_module",
        "layouts",
        "fields",
        "workflow_rules",
        "approval_processes",
        "review_process",
        "zia_image_validation",
    }
)
LAYOUT_KEYS = frozenset({"name", "required"})
FIELD_KEYS = frozenset(
    {
        "api_name",
        "field_label",
        "data_type",
        "length",
        "decimal_place",
        "system_mandatory",
        "read_only",
        "custom_field",
        "visible",
        "unique",
        "pick_list_values",
        "lookup_module",
        "subform_module",
        "currency",
        "textarea_type",
        "formula",
        "auto_number",
        "api_create",
        "api_update",
        "multiselectlookup",
        "multiuserlookup",
    }
)

# The data types a field may have: those whose values the field engine checks (zcrm.fields.coerce), the links,
# uploads and subforms the org file generates modules for, and the computed ones (formula, auto number, rollup).
DATA_TYPES = frozenset(
    {
        "text",
        "textarea",
        "mediumtext",
        "website",
        "email",
        "phone",
        "picklist",
        "multiselectpicklist",
        "profileimage",
        "integer",
        "bigint",
        "double",
        "decimal",
        "percent",
        "currency",
        "boolean",
        "date",
        "datetime",
        "lookup",
        "ownerlookup",
        "userlookup",
        "layout",
        "subform",
        "multiselectlookup",
        "multiuserlookup",
        "imageupload",
        "fileupload",
        "formula",
        "autonumber",
        "rollup_summary",
        "event_reminder",
        "participants",
        "linetax",
        "pricing_details",
        "jsonarray",
        "territories",
        "multireminder",
        "RRULE",
        "ALARM",
        "consent_lookup",
        "multi_module_lookup",
    }
)


def check_keys(raw: dict[str, Any], known: frozenset[str], at: str) -> None:
    """Refuses the first key of ``raw`` (in the file's order) that is not in ``known``; ``at`` is the entry's path
    ("" at the top level)."""
    for key in raw:
        if key not in known:
            raise OrgFileError(f"{at}.{key}: unknown key" if at else f"{key}: unknown key")


def check_field(raw: Any, at: str) -> None:
    """A field entry's keys and its data type (its other checks are ``orgfile_fields.normalise_field``'s)."""
    if not isinstance(raw, dict):
        return
    check_keys(raw, FIELD_KEYS, at)
    data_type = raw.get("data_type")
    if data_type not in (None, "") and (not isinstance(data_type, str) or data_type not in DATA_TYPES):
        raise OrgFileError(f"{at}.data_type: unknown data type {data_type!r}")
