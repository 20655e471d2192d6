"""Convert Lead, pure (zoho-v5-related.md §8): the request item's keys, the mapping of a lead's fields to a new
contact's and account's, choosing the matching contact and account, the deal's item, marking the lead converted,
re-parenting its notes, and the answer. The unit of work is ``service/convert.py``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from zcrm.errors import MSG_INVALID_ID, InvalidData, ZohoError
from zcrm.fields.coerce import parse_id
from zcrm.records.model import StoredRecord
from zcrm.schema.model import OrgSchema

BLOCKED = "cannot convert record that is not approved yet"  # the lead states of behaviour §3.11 (§8.5)
CONVERTED = "The record has been converted successfully"
FLAGS = ("overwrite", "notify_lead_owner", "notify_new_entity_owner")
TARGETS = ("Contacts", "Accounts", "Deals")  # where attachments may go, and the modules of carried tags

# Zoho's default conversion mapping (§8.2): lead field -> contact field, lead field -> account field
CONTACT_FIELDS = {
    "Salutation": "Salutation",
    "First_Name": "First_Name",
    "Last_Name": "Last_Name",
    "Email": "Email",
    "Phone": "Phone",
    "Mobile": "Mobile",
    "Fax": "Fax",
    "Designation": "Title",
    "Lead_Source": "Lead_Source",
    "Secondary_Email": "Secondary_Email",
    "Skype_ID": "Skype_ID",
    "Twitter": "Twitter",
    "Email_Opt_Out": "Email_Opt_Out",
    "Description": "Description",
    "Street": "Mailing_Street",
    "City": "Mailing_City",
    "State": "Mailing_State",
    "Zip_Code": "Mailing_Zip",
    "Country": "Mailing_Country",
}
ACCOUNT_FIELDS = {
    "Company": "Account_Name",
    "Phone": "Phone",
    "Fax": "Fax",
    "Website": "Website",
    "Industry": "Industry",
    "Annual_Revenue": "Annual_Revenue",
    "No_of_Employees": "Employees",
    "Street": "Billing_Street",
    "City": "Billing_City",
    "State": "Billing_State",
    "Zip_Code": "Billing_Code",
    "Country": "Billing_Country",
    "Description": "Description",
}


class Failed(Exception):
    """The conversion's per-item error (answered as ``{"data":[error]}``); raised inside the unit of work, so that
    nothing it wrote stays."""

    def __init__(self, error: ZohoError) -> None:
        super().__init__(error.code)
        self.error = error


@dataclass(slots=True)
class Conversion:
    """The request's item, checked for shape."""

    overwrite: bool = False
    contact_id: str | None = None  # ``Contacts``: link this contact
    account_id: str | None = None  # ``Accounts``: link this account
    assign_to: str | None = None  # owner of the new records
    deal: dict[str, Any] | None = None  # ``Deals``: the new deal's fields
    tags: dict[str, list[str]] = field(default_factory=dict)  # ``carry_over_tags``: module -> tag names
    attachments_to: str = "Contacts"  # ``move_attachments_to``


def _path(key: str) -> str:
    return f"$.data[0].{key}"


def _bad(key: str, message: str | None = None, **extra: Any) -> Failed:
    return Failed(InvalidData(message, {**extra, "api_name": key, "json_path": _path(key)}))


def _reference(item: dict[str, Any], key: str) -> str | None:
    """``{"id": …}`` or a bare id (the v2 form); None when absent or null."""
    value = item.get(key)
    if value is None:
        return None
    raw = value.get("id") if isinstance(value, dict) else value
    parsed = parse_id(raw) if isinstance(raw, (str, int)) else None
    if parsed is None:
        raise _bad(key, MSG_INVALID_ID)
    return parsed


def _tags(value: Any) -> dict[str, list[str]]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _bad("carry_over_tags", expected_data_type="jsonobject")
    out: dict[str, list[str]] = {}
    for module in TARGETS:
        names = value.get(module)
        if names is None:
            continue
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            key = f"carry_over_tags.{module}"
            raise Failed(
                InvalidData(
                    details={"expected_data_type": "jsonarray", "api_name": module, "json_path": _path(key)}
                )
            )
        out[module] = names
    return out


def parse(item: Any) -> Conversion:
    """The item's keys, checked in this order: it is an object, the flags are booleans, ``Contacts``, ``Accounts``
    and ``assign_to`` are ids, ``Deals`` an object, ``carry_over_tags`` and ``move_attachments_to`` well formed.
    Unknown keys are ignored (§8.1)."""
    if not isinstance(item, dict):
        raise Failed(
            InvalidData(
                details={"expected_data_type": "jsonobject", "api_name": "data", "json_path": "$.data[0]"}
            )
        )
    for key in FLAGS:
        if item.get(key) is not None and not isinstance(item[key], bool):
            raise _bad(key, expected_data_type="boolean")
    out = Conversion(overwrite=item.get("overwrite") is True)
    out.contact_id = _reference(item, "Contacts")
    out.account_id = _reference(item, "Accounts")
    out.assign_to = _reference(item, "assign_to")
    deal = item.get("Deals")
    if deal is not None and not isinstance(deal, dict):
        raise _bad("Deals", expected_data_type="jsonobject")
    out.deal = deal
    out.tags = _tags(item.get("carry_over_tags"))
    target = item.get("move_attachments_to")
    if target is not None:
        name = target.get("api_name") if isinstance(target, dict) else None
        if name not in TARGETS:
            raise _bad("move_attachments_to")
        out.attachments_to = name
    return out


def check_owner(schema: OrgSchema, conversion: Conversion) -> None:
    """``assign_to`` names an active user."""
    if conversion.assign_to is None:
        return
    user = schema.users_by_id.get(conversion.assign_to)
    if user is None or user.status != "active":
        raise _bad("assign_to", MSG_INVALID_ID)


def check_attachments(conversion: Conversion, has_account: bool) -> None:
    """Attachments go to a deal or an account only when the conversion has one (§8.4)."""
    if (conversion.attachments_to == "Deals" and conversion.deal is None) or (
        conversion.attachments_to == "Accounts" and not has_account
    ):
        raise _bad("move_attachments_to")


def not_found(key: str) -> Failed:
    """``Contacts`` or ``Accounts`` names no record of that module (that the user can see)."""
    return _bad(key, MSG_INVALID_ID)


def _mapped(lead: dict[str, Any], mapping: dict[str, str]) -> dict[str, Any]:
    return {target: lead[source] for source, target in mapping.items() if lead.get(source) not in (None, "")}


def contact_item(lead: dict[str, Any], account_id: str | None, owner_id: str | None) -> dict[str, Any]:
    """The insert item of a new contact (§8.2 steps 1, 3, 5)."""
    item = _mapped(lead, CONTACT_FIELDS)
    if account_id is not None:
        item["Account_Name"] = {"id": account_id}
    if owner_id is not None:
        item["Owner"] = {"id": owner_id}
    return item


def account_item(lead: dict[str, Any], owner_id: str | None) -> dict[str, Any]:
    """The insert item of a new account (§8.2 step 2)."""
    item = _mapped(lead, ACCOUNT_FIELDS)
    if owner_id is not None:
        item["Owner"] = {"id": owner_id}
    return item


def deal_item(
    deal: dict[str, Any],
    lead: dict[str, Any],
    contact_id: str,
    account_id: str | None,
    owner_id: str | None,
) -> dict[str, Any]:
    """The insert item of the deal (§8.2 step 4): the given fields, the conversion's account and contact, the lead's
    source unless given, the conversion's owner unless given."""
    item = dict(deal)
    item["Account_Name"] = {"id": account_id} if account_id is not None else None
    item["Contact_Name"] = {"id": contact_id}
    if "Lead_Source" not in item and lead.get("Lead_Source") not in (None, ""):
        item["Lead_Source"] = lead["Lead_Source"]
    if "Owner" not in item and owner_id is not None:
        item["Owner"] = {"id": owner_id}
    return item


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _smallest(records: Iterable[StoredRecord]) -> str | None:
    ids = [r.id for r in records]
    return min(ids, key=int) if ids else None


def match_contact(lead: dict[str, Any], candidates: Iterable[StoredRecord]) -> str | None:
    """The contact a lead converts into when none is given (§8.2 step 1): one with the lead's e-mail (ignoring
    case), else one with its first and last names; the smallest id of several."""
    candidates = list(candidates)
    email = _text(lead.get("Email")).lower()
    if email:
        found = _smallest(r for r in candidates if _text(r.data.get("Email")).lower() == email)
        if found is not None:
            return found
    first, last = _text(lead.get("First_Name")), _text(lead.get("Last_Name"))
    return _smallest(
        r
        for r in candidates
        if _text(r.data.get("First_Name")) == first and _text(r.data.get("Last_Name")) == last and last
    )


def match_account(company: str, candidates: Iterable[StoredRecord]) -> str | None:
    """The account named as the lead's company, ignoring case (§8.2 step 2); the smallest id of several."""
    wanted = company.lower()
    if not wanted:
        return None
    return _smallest(r for r in candidates if _text(r.data.get("Account_Name")).lower() == wanted)


def _nest_paths(value: Any, prefix: str) -> Any:
    if isinstance(value, dict):
        return {
            k: (
                prefix + v[len("$.data[0]") :]
                if k == "json_path" and isinstance(v, str) and v.startswith("$.data[0]")
                else _nest_paths(v, prefix)
            )
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_nest_paths(v, prefix) for v in value]
    return value


def nested(error: ZohoError, key: str) -> ZohoError:
    """An error of the insert or update of the conversion's ``key`` record (Contacts, Accounts, Deals), its
    ``json_path`` under that key: ``$.data[0].Deal_Name`` becomes ``$.data[0].Deals.Deal_Name`` (§8.5)."""
    return type(error)(error.message, _nest_paths(error.details, f"$.data[0].{key}"))


def mark_converted(
    lead: StoredRecord,
    contact_id: str,
    account_id: str | None,
    deal_id: str | None,
    user_id: str,
    now: int,
) -> dict[str, Any]:
    """Marks the lead converted, in place (§8.2 step 6); returns what changed as ``{api_name: [old, new]}``."""
    values = {
        "Converted__s": True,
        "Converted_Contact": contact_id,
        "Converted_Account": account_id,
        "Converted_Deal": deal_id,
        "Converted_Date_Time": now,
    }
    changed = {
        name: [lead.data.get(name), value] for name, value in values.items() if lead.data.get(name) != value
    }
    lead.data.update(values)
    lead.converted = True
    lead.modified_by, lead.modified_time = user_id, now
    return changed


def reparent_note(data: dict[str, Any], contact_id: str) -> dict[str, Any]:
    """A lead's note's data with the contact as its parent, ``Parent_Id`` in the form it was stored in (an id or
    ``{"id": …}``), and ``$se_module`` (§8.4)."""
    out = dict(data)
    out["Parent_Id"] = {"id": contact_id} if isinstance(data.get("Parent_Id"), dict) else contact_id
    out["$se_module"] = "Contacts"
    if "se_module" in out:
        out["se_module"] = "Contacts"
    return out


def answer(
    contact: tuple[str, str], account: tuple[str, str] | None, deal: tuple[str, str] | None
) -> dict[str, Any]:
    """The success entry (§8.5): each record as ``{"name", "id"}`` from (name, id), null when none."""

    def ref(pair: tuple[str, str] | None) -> dict[str, str] | None:
        return None if pair is None else {"name": pair[0], "id": pair[1]}

    return {
        "code": "SUCCESS",
        "details": {"Contacts": ref(contact), "Deals": ref(deal), "Accounts": ref(account)},
        "message": CONVERTED,
        "status": "success",
    }
