"""Upsert Records (zoho-v5-queries.md §4), pure: the module's system-defined duplicate check field, the check
sequence a request's ``duplicate_check_fields`` gives, which record an item matches (through a lookup the service
answers from the store), and the upsert entry of an insert's or update's result. Each item then becomes exactly
an insert (``records/insert.py``) or an update (``records/update.py``), planned by the same engine functions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from zcrm.errors import MSG_INVALID_DATA, InvalidData
from zcrm.fields.coerce import FieldValueError, coerce
from zcrm.records.plan import Result
from zcrm.schema.model import Field, Module

# v7-upsert: the system-defined duplicate check field of each default module (§4.2); custom modules: ``Name``
SYSTEM_CHECK_FIELDS = {
    "Leads": "Email",
    "Accounts": "Account_Name",
    "Contacts": "Email",
    "Deals": "Deal_Name",
    "Campaigns": "Campaign_Name",
    "Cases": "Subject",
    "Solutions": "Solution_Title",
    "Products": "Product_Name",
    "Vendors": "Vendor_Name",
    "Price_Books": "Price_Book_Name",
    "Quotes": "Subject",
    "Sales_Orders": "Subject",
    "Purchase_Orders": "Subject",
    "Invoices": "Subject",
}
CHECK_KEY = "duplicate_check_fields"
# (field, the item's value as stored) -> the id of the record holding it (the smallest id of several), or None
Lookup = Callable[[Field, Any], str | None]


def system_check_field(module: Module) -> Field | None:
    """The module's system-defined duplicate check field; None for the modules without one (Tasks, Events, …)."""
    name = "Name" if module.generated_type == "custom" else SYSTEM_CHECK_FIELDS.get(module.api_name)
    return module.by_name.get(name) if name is not None else None


def check_sequence(module: Module, body: dict[str, Any]) -> list[Field]:
    """The fields an item without ``id`` is matched on, in order (§4.2 step 2), from the body's
    ``duplicate_check_fields``; a malformed list or a field that may not be listed is a request-level
    INVALID_DATA (§4.1)."""
    system = system_check_field(module)
    given = body.get(CHECK_KEY, [])
    if CHECK_KEY in body and (not isinstance(given, list) or not all(isinstance(n, str) for n in given)):
        raise InvalidData(
            MSG_INVALID_DATA,
            {"expected_data_type": "jsonarray", "api_name": CHECK_KEY, "json_path": f"$.{CHECK_KEY}"},
        )
    allowed = {f.api_name: f for f in module.unique_fields}
    if system is not None:
        allowed.setdefault(system.api_name, system)
    listed: dict[str, Field] = {}
    for index, name in enumerate(given):
        fld = allowed.get(name)
        if fld is None:
            raise InvalidData(
                MSG_INVALID_DATA, {"api_name": CHECK_KEY, "json_path": f"$.{CHECK_KEY}[{index}]"}
            )
        listed.setdefault(name, fld)
    if not listed and system is not None:
        listed[system.api_name] = system
    for fld in module.unique_fields:
        listed.setdefault(fld.api_name, fld)
    return list(listed.values())


def match(item: dict[str, Any], sequence: list[Field], lookup: Lookup) -> tuple[Field, str] | None:
    """The first field of ``sequence`` whose value in ``item`` some record holds, with that record's id (§4.2
    step 3); a field takes part only when the item carries a non-empty value of its type."""
    for fld in sequence:
        raw = item.get(fld.api_name)
        if raw is None or raw == "" or raw == []:
            continue
        try:
            value = coerce(fld, raw)
        except FieldValueError:  # the insert or update reports it
            continue
        if value is None or value == "":
            continue
        found = lookup(fld, value)
        if found is not None:
            return fld, found
    return None


def upsert_entry(result: Result, action: str, duplicate_field: str | None) -> Result:
    """An insert's or update's result as Upsert answers it: success entries gain ``duplicate_field`` and
    ``action``, in the key order of §4.4; errors are unchanged."""
    if not isinstance(result, dict):
        return result
    return {
        "code": result["code"],
        "duplicate_field": duplicate_field,
        "action": action,
        "details": result["details"],
        "message": result["message"],
        "status": result["status"],
    }
