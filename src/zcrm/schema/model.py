"""The in-memory schema of one org: modules, fields, layouts, users, profiles, roles.

These are plain, immutable objects built from the org definition (see ``orgfile.py``) and the ids
the store assigned to them. The record engine and the field types read only these objects; they
never look at SQL rows or HTTP requests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from zcrm.automation.approvals import ApprovalProcess
from zcrm.automation.rules import WorkflowRule
from zcrm.automation.zia import ZiaValidation

# data types whose values live in rows of another module (subform rows, linking rows, file rows)
ROW_TYPES = frozenset({"subform", "multiselectlookup", "multiuserlookup", "imageupload", "fileupload"})
# data types computed by the server; ignored on input
COMPUTED_TYPES = frozenset({"formula", "autonumber", "rollup_summary"})
# system fields that are never taken from input
SYSTEM_FIELDS = frozenset({"id", "Created_Time", "Created_By", "Modified_Time", "Modified_By"})
# keys ignored silently on input (besides `$`-keys)
IGNORED_KEYS = frozenset({"Tag", "Locked__s", "Record_Status__s", "Converted__s"})


@dataclass(frozen=True, slots=True)
class PicklistValue:
    display_value: str
    actual_value: str
    id: str
    sequence_number: int
    probability: int | None = None
    forecast_category: str | None = None


@dataclass(frozen=True, slots=True)
class LinkSpec:
    """The linking metadata of a multi-select lookup or multi-user lookup field."""

    linking_module: str
    lookup_apiname: str  # the linking module's lookup back to the parent record
    connectedlookup_apiname: str  # the linking module's lookup to the connected record or user
    connected_module: str  # "Users" for multi-user lookups


@dataclass(frozen=True, slots=True)
class Field:
    id: str
    api_name: str
    field_label: str
    data_type: str
    sequence: int = 0
    length: int | None = None
    decimal_place: int | None = None
    system_mandatory: bool = False
    read_only: bool = False  # field_read_only: always read-only, ignored on input
    custom_field: bool = False
    visible: bool = True
    unique: bool = False
    unique_case_sensitive: bool = False
    pick_list_values: tuple[PicklistValue, ...] = ()
    lookup_module: str | None = None  # lookup/ownerlookup/userlookup target; "se_module" = multi-module
    associated_module: str | None = None  # subform / imageupload / fileupload rows module
    link: LinkSpec | None = None  # multiselectlookup / multiuserlookup
    currency_precision: int | None = None
    currency_rounding: str | None = None
    textarea_type: str | None = None
    formula: dict[str, Any] | None = None
    auto_number: dict[str, Any] | None = None
    api_create: bool = True
    api_update: bool = True

    @property
    def max_length(self) -> int | None:
        """The length limit that validation applies, defaults included (see the behaviour §3.5)."""
        if self.length is not None:
            return self.length
        return DEFAULT_LENGTHS.get(self.data_type)


DEFAULT_LENGTHS: dict[str, int] = {
    "text": 255,
    "textarea": 2000,
    "email": 100,
    "phone": 30,
    "website": 255,
    "integer": 9,
    "bigint": 18,
    "double": 16,
    "decimal": 16,
    "percent": 16,
    "currency": 16,
}


@dataclass(frozen=True, slots=True)
class Layout:
    id: str
    name: str
    required: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Module:
    id: str
    api_name: str
    singular_label: str
    plural_label: str
    generated_type: str  # default | custom | subform | linking
    api_supported: bool
    scope_name: str
    sequence: int
    display_field: tuple[str, ...]
    fields: tuple[Field, ...]
    layouts: tuple[Layout, ...]
    parent_module: str | None = None
    sharing: str = "public_read_write"  # public_read_write | public_read_only | private
    workflow_rules: tuple[WorkflowRule, ...] = ()
    approval_processes: tuple[ApprovalProcess, ...] = ()
    review_process: ApprovalProcess | None = None
    zia_validation: ZiaValidation | None = None
    by_name: dict[str, Field] = field(default_factory=dict, compare=False, repr=False)
    by_id: dict[str, Field] = field(default_factory=dict, compare=False, repr=False)
    uniques: list[Field] = field(default_factory=list, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.by_name.update({f.api_name: f for f in self.fields})
        self.by_id.update({f.id: f for f in self.fields})
        self.uniques.extend(f for f in self.fields if f.unique)

    @property
    def default_layout(self) -> Layout | None:
        return self.layouts[0] if self.layouts else None

    def layout(self, layout_id: str) -> Layout | None:
        for layout in self.layouts:
            if layout.id == layout_id:
                return layout
        return None

    @property
    def unique_fields(self) -> list[Field]:
        return self.uniques


@dataclass(frozen=True, slots=True)
class Profile:
    id: str
    name: str
    admin: bool
    permissions: dict[str, frozenset[str]]  # module api_name or "*" -> {"view","create","edit","delete"}

    def allows(self, module: str, permission: str) -> bool:
        if self.admin:
            return True
        granted = self.permissions.get(module, self.permissions.get("*", frozenset()))
        return permission in granted


@dataclass(frozen=True, slots=True)
class Role:
    id: str
    name: str
    reports_to: str | None  # role id


@dataclass(frozen=True, slots=True)
class User:
    id: str
    first_name: str
    last_name: str
    email: str
    status: str  # active | inactive | deleted
    role_id: str
    profile_id: str
    time_zone: str
    locale: str = "en_US"
    confirm: bool = True
    created_time: int = 0
    modified_time: int = 0

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(frozen=True, slots=True)
class OrgInfo:
    id: str
    prefix: str
    company_name: str
    time_zone: str
    currency: str
    country_code: str
    edition: str
    primary_email: str
    created_time: int
    extra: dict[str, Any] = field(default_factory=dict, compare=False)


@dataclass(frozen=True, slots=True)
class OrgSchema:
    """Everything about one org that is not records: loaded from the store, cached per version."""

    org: OrgInfo
    version: int
    modules: tuple[Module, ...]
    users: tuple[User, ...]
    profiles: tuple[Profile, ...]
    roles: tuple[Role, ...]
    by_lower: dict[str, Module] = field(default_factory=dict, compare=False, repr=False)
    by_module_id: dict[str, Module] = field(default_factory=dict, compare=False, repr=False)
    users_by_id: dict[str, User] = field(default_factory=dict, compare=False, repr=False)
    profiles_by_id: dict[str, Profile] = field(default_factory=dict, compare=False, repr=False)
    roles_by_id: dict[str, Role] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.by_lower.update({m.api_name.lower(): m for m in self.modules})
        self.by_module_id.update({m.id: m for m in self.modules})
        self.users_by_id.update({u.id: u for u in self.users})
        self.profiles_by_id.update({p.id: p for p in self.profiles})
        self.roles_by_id.update({r.id: r for r in self.roles})

    def module(self, name: str) -> Module | None:
        return self.by_lower.get(name.lower())
