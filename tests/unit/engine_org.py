"""A small org built from plain values, for the engine's unit tests: no database, no org file. Its Specimens module
mirrors the one of ``tests/data/specimens.yaml`` that the API tests use (the same field names, types and lengths),
so that the engine tests can expect exactly what the API tests expect."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from zcrm.automation.approvals import ApprovalProcess
from zcrm.automation.rules import Action, Condition, WorkflowRule
from zcrm.automation.zia import ZiaValidation
from zcrm.records.model import StoredRecord
from zcrm.records.plan import Snapshot
from zcrm.records.update import Target
from zcrm.schema.model import (
    Field,
    Layout,
    LinkSpec,
    Module,
    OrgInfo,
    OrgSchema,
    PicklistValue,
    Profile,
    Role,
    User,
)

PREFIX = "5550001"
ADA, VIC = f"{PREFIX}000000000901", f"{PREFIX}000000000902"  # the admin (CEO) and a viewer (Rep, below CEO)
T0 = 1_714_628_853  # 2024-05-02T05:47:33Z
BULK = Target()

INVALID = "invalid data"
BAD_ID = "the id given seems to be invalid"
BAD_FIELD = "the field api name given seems to be invalid"
REQUIRED = "required field not found"
NOT_APPROVED = "Cannot update record that is not approved yet"
LOCKED = "You cannot perform this operation as the record is locked."
DUPLICATE = "duplicate data"
LINKED = "duplicate association"


def err(code: str, details: dict[str, Any], message: str) -> dict[str, Any]:
    return {"code": code, "details": details, "message": message, "status": "error"}


def bad_id(index: int = 0) -> dict[str, Any]:
    return err("INVALID_DATA", {"api_name": "id", "json_path": f"$.data[{index}].id"}, BAD_ID)


def invalid(field: str, details: dict[str, Any], index: int = 0) -> dict[str, Any]:
    return err(
        "INVALID_DATA", {**details, "api_name": field, "json_path": f"$.data[{index}].{field}"}, INVALID
    )


def _f(api_name: str, data_type: str, **kw: Any) -> Field:
    return Field(id=f"f_{api_name}", api_name=api_name, field_label=api_name, data_type=data_type, **kw)


def _picklist(*values: str) -> tuple[PicklistValue, ...]:
    return tuple(PicklistValue(v, v, f"p_{v}", n) for n, v in enumerate(values, 1))


def _module(mid: str, api_name: str, fields: tuple[Field, ...], **kw: Any) -> Module:
    return Module(
        id=mid,
        api_name=api_name,
        singular_label=api_name,
        plural_label=api_name,
        generated_type=kw.pop("generated_type", "custom"),
        api_supported=True,
        scope_name=api_name,
        sequence=0,
        display_field=("Name",),
        fields=fields,
        layouts=kw.pop("layouts", ()),
        **kw,
    )


TARGETS = _module("m_targets", "Targets", (_f("Name", "text", length=120, system_mandatory=True),))
SPECIMENS = _module(
    "m_specimens",
    "Specimens",
    (
        _f("Name", "text", length=20, system_mandatory=True),
        _f("Code", "text", length=10, unique=True),
        _f("Serial", "text", length=10, unique=True, unique_case_sensitive=True),
        _f("Notes_Text", "textarea", textarea_type="small"),
        _f("Email", "email"),
        _f("Colour", "picklist", pick_list_values=_picklist("Red", "Green")),
        _f("Tags_Multi", "multiselectpicklist", pick_list_values=_picklist("A", "B", "C")),
        _f("Count", "integer"),
        _f("Target", "lookup", lookup_module="Targets"),
        _f("Owner", "ownerlookup", lookup_module="Users"),
        _f("Locked_Value", "text", read_only=True),
        _f("Parts", "subform", associated_module="Specimen_Parts"),
        _f(
            "Linked_Targets",
            "multiselectlookup",
            link=LinkSpec("Specimens_X_Targets", "Specimen_Ref", "Target_Ref", "Targets"),
        ),
        _f("Photos", "imageupload", associated_module="Specimen_Photos"),
    ),
    layouts=(Layout("l_standard", "Standard", frozenset({"Code"})),),
    sharing="private",
)
PARTS = _module(
    "m_parts",
    "Specimen_Parts",
    (_f("Part_Name", "text", length=30, system_mandatory=True), _f("Quantity", "integer")),
    generated_type="subform",
    parent_module="Specimens",
)
LINKS = _module(
    "m_links",
    "Specimens_X_Targets",
    (
        _f("Specimen_Ref", "lookup", lookup_module="Specimens"),
        _f("Target_Ref", "lookup", lookup_module="Targets"),
    ),
    generated_type="linking",
)
PHOTOS = _module(
    "m_photos",
    "Specimen_Photos",
    (_f("File_Id__s", "text"),),
    generated_type="subform",
    parent_module="Specimens",
)
ROLES = (Role("r_ceo", "CEO", None), Role("r_rep", "Rep", "r_ceo"))
PROFILES = (
    Profile("pr_admin", "Administrator", True, {}),
    Profile("pr_viewer", "Viewer", False, {"*": frozenset({"view", "edit"})}),
)
USERS = (
    User(ADA, "Ada", "Admin", "ada@specimen.test", "active", "r_ceo", "pr_admin", "UTC"),
    User(VIC, "Vic", "Viewer", "vic@specimen.test", "active", "r_rep", "pr_viewer", "UTC"),
)
ORG = OrgInfo(f"{PREFIX}000000000000", PREFIX, "Specimen Labs", "UTC", "USD", "US", "Professional", "a@x", 0)


def org(specimens: Module = SPECIMENS) -> OrgSchema:
    """The org, with ``specimens`` (a variant of SPECIMENS: rules, processes) in place of the plain module."""
    return OrgSchema(ORG, 1, (TARGETS, specimens, PARTS, LINKS, PHOTOS), USERS, PROFILES, ROLES)


SCHEMA = org()
ENLARGE = WorkflowRule(
    "w1",
    "Enlarge",
    "edit",
    (Condition("Count", "greater_than", 10),),
    actions=(Action("field_update", "Colour", "Green"), Action("function", function="notify_sales")),
)
BIG = ApprovalProcess("ap1", "Big", "create_or_edit", (ADA,), (Condition("Count", "greater_than", 100),))
RULED = replace(
    SPECIMENS, workflow_rules=(ENLARGE,), approval_processes=(BIG,), by_name={}, by_id={}, uniques=[]
)
ZIA = replace(SPECIMENS, zia_validation=ZiaValidation(("Photos",), None), by_name={}, by_id={}, uniques=[])


def record(rid: str, owner: str = ADA, module: Module = SPECIMENS, **data: Any) -> StoredRecord:
    """A stored record created by Ada at T0."""
    values = {"Name": "spec", "Code": f"c{rid[-3:]}", **data} if module is SPECIMENS else dict(data)
    return StoredRecord(rid, module.id, None, values, owner, ADA, ADA, T0, T0)


def row(rid: str, parent: str, module: Module, position: int | None = None, **data: Any) -> StoredRecord:
    values = dict(data) if position is None else {**data, "$order": position}
    return StoredRecord(rid, module.id, parent, values, None, ADA, ADA, T0, T0)


def snapshot(*records: StoredRecord) -> Snapshot:
    """The stored state: these records, and the unique values they hold (Code case-insensitive, Serial as is)."""
    unique: dict[tuple[str, str], str] = {}
    for r in records:
        if r.module_id == SPECIMENS.id:
            if r.data.get("Code") is not None:
                unique[("f_Code", r.data["Code"].lower())] = r.id
            if r.data.get("Serial") is not None:
                unique[("f_Serial", r.data["Serial"])] = r.id
    return Snapshot(known={r.id: r for r in records}, unique=unique, id_prefix=PREFIX)
