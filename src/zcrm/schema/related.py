"""A module's related lists (zoho-v5-related.md §2), derived from the org's modules alone: the standard lists of
§2.3 where the org has their modules and fields, then one lookup-based list per custom lookup pointing at the
module, and one ``multiselectlookup`` list per multi-select lookup of the module. Pure: no store, no HTTP.

A list's id is derived from its module's id and its API name (``list_id``), so it is the same after a restart, a
snapshot import or an org reset, and never collides with an allocated id (its counter starts with a 9)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from zcrm.schema.model import Field, Module

NO_LISTS = frozenset({"Appointments_Rescheduled_History__s"})
ACTIVITY_MODULES = ("Tasks", "Events", "Calls")
WITH_ACTIVITIES = frozenset(
    {
        "Leads", "Accounts", "Contacts", "Deals", "Campaigns", "Cases", "Solutions", "Products", "Vendors",
        "Price_Books", "Quotes", "Sales_Orders", "Purchase_Orders", "Invoices",
    }
)  # fmt: skip
MEMBER_STATUS = Field(id="", api_name="Member_Status", field_label="Member Status", data_type="text")
LIST_PRICE = Field(id="", api_name="list_price", field_label="List Price", data_type="double")
# (parent, api name, related module, kind, lookup field of the related module | None) in §2.3's order; M: "many"
STANDARD: tuple[tuple[str, str, str, str, str | None], ...] = (
    ("Leads", "Campaigns", "Campaigns", "many", None),
    ("Leads", "Products", "Products", "many", None),
    ("Accounts", "Contacts", "Contacts", "lookup", "Account_Name"),
    ("Accounts", "Deals", "Deals", "lookup", "Account_Name"),
    ("Accounts", "Products", "Products", "many", None),
    ("Accounts", "Cases", "Cases", "lookup", "Account_Name"),
    ("Accounts", "Quotes", "Quotes", "lookup", "Account_Name"),
    ("Accounts", "SalesOrders", "Sales_Orders", "lookup", "Account_Name"),
    ("Accounts", "Invoices", "Invoices", "lookup", "Account_Name"),
    ("Contacts", "Deals", "Deals", "lookup", "Contact_Name"),
    ("Contacts", "Campaigns", "Campaigns", "many", None),
    ("Contacts", "Products", "Products", "many", None),
    ("Contacts", "Cases", "Cases", "lookup", "Related_To"),
    ("Contacts", "Quotes", "Quotes", "lookup", "Contact_Name"),
    ("Contacts", "SalesOrders", "Sales_Orders", "lookup", "Contact_Name"),
    ("Contacts", "PurchaseOrders", "Purchase_Orders", "lookup", "Contact_Name"),
    ("Contacts", "Invoices", "Invoices", "lookup", "Contact_Name"),
    ("Deals", "Products", "Products", "many", None),
    ("Deals", "Quotes", "Quotes", "lookup", "Deal_Name"),
    ("Deals", "SalesOrders", "Sales_Orders", "lookup", "Deal_Name"),
    ("Deals", "Invoices", "Invoices", "lookup", "Deal_Name"),
    ("Deals", "Cases", "Cases", "lookup", "Deal_Name"),
    ("Campaigns", "Leads", "Leads", "many", None),
    ("Campaigns", "Contacts", "Contacts", "many", None),
    ("Campaigns", "Deals", "Deals", "lookup", "Campaign_Source"),
    ("Products", "Leads", "Leads", "many", None),
    ("Products", "Accounts", "Accounts", "many", None),
    ("Products", "Contacts", "Contacts", "many", None),
    ("Products", "Deals", "Deals", "many", None),
    ("Products", "Price_Books", "Price_Books", "many", None),
    ("Products", "Cases", "Cases", "lookup", "Product_Name"),
    ("Products", "Solutions", "Solutions", "lookup", "Product_Name"),
    ("Price_Books", "Products", "Products", "many", None),
    ("Vendors", "Products", "Products", "lookup", "Vendor_Name"),
    ("Vendors", "Contacts", "Contacts", "lookup", "Vendor_Name"),
    ("Vendors", "PurchaseOrders", "Purchase_Orders", "lookup", "Vendor_Name"),
    ("Quotes", "SalesOrders", "Sales_Orders", "lookup", "Quote_Name"),
    ("Sales_Orders", "Invoices", "Invoices", "lookup", "Sales_Order"),
    ("Services__s", "Appointments__s", "Appointments__s", "lookup", "Service_Name"),
)


@dataclass(frozen=True, slots=True)
class RelatedList:
    """One related list of ``parent``. ``kind``: ``notes``, ``attachments``, ``activities`` (``modules``: the
    activity modules it shows), ``lookup`` (records of ``module`` whose ``field`` points at the parent), ``many``
    (records of ``module`` linked through ``relation``, with the ``junction`` fields) or ``multiselectlookup``
    (the records of ``connected`` that the parent's ``field`` links through the ``module`` rows)."""

    id: str
    parent: str
    api_name: str
    display_label: str
    kind: str
    module: str
    module_id: str
    field: str | None = None
    modules: tuple[str, ...] = ()
    relation: str | None = None
    junction: tuple[Field, ...] = ()
    connected: str | None = None
    connected_lookup: str | None = (
        None  # multiselectlookup: the linking module's lookup to the connected record
    )

    @property
    def many_to_many(self) -> bool:
        return self.kind == "many"

    @property
    def parent_is_left(self) -> bool:
        """Whether the parent's records are the relation's ``left_id`` (its module sorts first)."""
        return self.relation is not None and self.relation.split(".")[0] == self.parent


def list_id(module_id: str, api_name: str) -> str:
    """A related list's id: the org's 7-digit prefix, then 9, then 11 digits of a hash of module and name."""
    digest = int(hashlib.sha256(f"{module_id}/{api_name}".encode()).hexdigest(), 16) % 10**11
    return f"{module_id[:7]}9{digest:011d}"


def relation_name(a: str, b: str) -> str:
    """The ``relations`` table's name of the many-to-many relation between modules ``a`` and ``b``."""
    return ".".join(sorted((a, b)))


def junction_fields(relation: str) -> tuple[Field, ...]:
    if relation in ("Campaigns.Contacts", "Campaigns.Leads"):
        return (MEMBER_STATUS,)
    if relation == "Price_Books.Products":
        return (LIST_PRICE,)
    return ()


def has_lists(module: Module) -> bool:
    return (
        module.api_supported
        and module.generated_type in ("default", "custom")
        and module.api_name not in NO_LISTS
    )


def related_lists(modules: Sequence[Module], parent: Module) -> tuple[RelatedList, ...]:
    """``parent``'s related lists in ``sequence_number`` order."""
    if not has_lists(parent):
        return ()
    by_name = {m.api_name: m for m in modules}
    found: list[RelatedList] = []

    def add(api_name: str, label: str, kind: str, module: str, module_id: str, **more: Any) -> None:
        if all(r.api_name != api_name for r in found):
            rid = list_id(parent.id, api_name)
            found.append(RelatedList(rid, parent.api_name, api_name, label, kind, module, module_id, **more))

    def pseudo(name: str) -> str:
        return list_id(parent.id, f"${name}")

    notes = by_name.get("Notes")
    if notes is not None and parent.api_name != "Notes":
        add("Notes", "Notes", "notes", "Notes", notes.id)
    add("Attachments", "Attachments", "attachments", "Attachments", pseudo("Attachments"))
    activities = tuple(m for m in ACTIVITY_MODULES if m in by_name)
    if activities and (parent.api_name in WITH_ACTIVITIES or parent.generated_type == "custom"):
        add("Activities", "Activities", "activities", "Activities", pseudo("Activities"), modules=activities)
        for name in activities:
            add(name, by_name[name].plural_label, "activities", name, by_name[name].id, modules=(name,))
    covered: set[tuple[str, str]] = set()
    for owner, api_name, module_name, kind, field_name in STANDARD:
        target = by_name.get(module_name)
        if owner != parent.api_name or target is None or not has_lists(target):
            continue
        if kind == "lookup":
            fld = target.by_name.get(field_name or "")
            if fld is None or fld.data_type != "lookup" or fld.lookup_module != parent.api_name:
                continue
            covered.add((module_name, fld.api_name))
            add(api_name, target.plural_label, "lookup", module_name, target.id, field=fld.api_name)
        else:
            relation = relation_name(parent.api_name, module_name)
            junction = junction_fields(relation)
            add(
                api_name,
                target.plural_label,
                "many",
                module_name,
                target.id,
                relation=relation,
                junction=junction,
            )
    for fld in parent.fields:
        linking = by_name.get(fld.link.linking_module) if fld.link else None
        connected = by_name.get(fld.link.connected_module) if fld.link else None
        if fld.data_type == "multiselectlookup" and fld.link and linking and connected:
            add(fld.api_name, fld.field_label, "multiselectlookup", linking.api_name, linking.id,
                field=fld.api_name, connected=fld.link.connected_module,
                connected_lookup=fld.link.connectedlookup_apiname)  # fmt: skip
    for child in modules:
        if not has_lists(child):
            continue
        lookups = [
            f
            for f in child.fields
            if f.data_type == "lookup"
            and f.lookup_module == parent.api_name
            and (child.generated_type == "custom" or f.custom_field)
            and (child.api_name, f.api_name) not in covered
        ]
        for fld in lookups:
            name = child.api_name if len(lookups) == 1 else f"{child.api_name}_{fld.api_name}"
            add(name, child.plural_label, "lookup", child.api_name, child.id, field=fld.api_name)
    return tuple(found)


def find(lists: Sequence[RelatedList], api_name: str) -> RelatedList | None:
    """The list named ``api_name`` exactly (case-sensitively, §1.3 step 6)."""
    return next((r for r in lists if r.api_name == api_name), None)


def list_json(item: RelatedList, sequence: int) -> dict[str, object]:
    """A list's metadata entry (§2.1): exactly these keys."""
    msl = item.kind == "multiselectlookup"
    return {
        "id": item.id,
        "sequence_number": str(sequence),
        "display_label": item.display_label,
        "api_name": item.api_name,
        "name": item.api_name,
        "module": {"api_name": item.module, "id": item.module_id},
        "type": "multiselectlookup" if msl else "default",
        "href": f"{item.parent}/{{ENTITYID}}/{item.api_name}",
        "action": None,
        "status": "visible",
        "visible": True,
        "customize_sort": True,
        "customize_fields": True,
        "customize_display_label": False,
        "sort_by": None,
        "sort_order": None,
        "connectedmodule": item.connected if msl else None,
        "linkingmodule": item.module if msl else None,
    }
