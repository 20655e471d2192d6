"""Attachments and record photos, pure parts (zoho-v5-related.md §5, §7): which modules have them, what a link
attachment's URL must be, an attachment's JSON (an image's type: ``fields/images``)."""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass
from typing import Any

from zcrm.errors import (
    LimitExceeded,
    RequiredParamMissing,
    UnableToParseDataType,
)
from zcrm.fields.coerce import parse_id
from zcrm.fields.render import Renderer
from zcrm.records.reads import fields_param, ids_param, page_params
from zcrm.schema.model import Module

# §2.3: every API-supported record module has the Attachments list but these (and subform and linking modules)
NO_ATTACHMENTS = frozenset({"Appointments_Rescheduled_History__s"})
# §7: the modules with a photo, besides custom modules
PHOTO_MODULES = frozenset({"Leads", "Contacts", "Accounts", "Products", "Vendors"})
# §5.3: the fields an attachment has; ``id`` is always there
FIELDS = (
    "File_Name",
    "Size",
    "Parent_Id",
    "Owner",
    "Created_Time",
    "Modified_Time",
    "Created_By",
    "Modified_By",
)


@dataclass(frozen=True, slots=True)
class Attachment:
    id: str
    record_id: str
    module_id: str  # the parent record's module
    file_id: str | None
    link_url: str | None
    file_name: str
    size: int
    owner_id: str
    created_by: str
    modified_by: str
    created_time: int
    modified_time: int


def has_attachments(module: Module) -> bool:
    """Whether the module has the ``Attachments`` related list (§2.3; Notes included)."""
    return module.generated_type in ("default", "custom") and module.api_name not in NO_ATTACHMENTS


def has_photo(module: Module) -> bool:
    """Whether the module's records have a photo (§7)."""
    return module.api_name in PHOTO_MODULES or module.generated_type == "custom"


def valid_url(url: str) -> bool:
    """An absolute ``http`` or ``https`` URL with a host (§5.2)."""
    if not url or any(c.isspace() for c in url):
        return False
    try:
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(host)


def _value(renderer: Renderer, a: Attachment, parent_name: str, name: str) -> Any:
    if name == "File_Name":
        return a.file_name
    if name == "Size":
        return str(a.size)
    if name == "Parent_Id":
        return {"name": parent_name, "id": a.record_id}
    if name == "Owner":
        return renderer.user_ref(a.owner_id)
    if name in ("Created_By", "Modified_By"):
        return renderer.user_ref(a.created_by if name == "Created_By" else a.modified_by, with_email=False)
    return renderer.datetime(a.created_time if name == "Created_Time" else a.modified_time)


def present(
    renderer: Renderer, a: Attachment, parent: Module, parent_name: str, names: list[str]
) -> dict[str, Any]:
    """An attachment of a list (§5.3): the wanted fields of ``FIELDS`` (others ignored), ``id`` and the
    annotations."""
    out: dict[str, Any] = {}
    for name in names:
        if name in FIELDS:
            out[name] = _value(renderer, a, parent_name, name)
    out["id"] = a.id
    out["$type"] = "Link URL" if a.link_url is not None else "File"
    out["$se_module"] = parent.api_name
    out["$file_id"] = a.file_id
    if a.link_url is not None:
        out["$link_url"] = a.link_url
    out["$editable"] = True
    return out


# -- query parameters ---------------------------------------------------------------------------------------------
MAX_IDS = 100


@dataclass(frozen=True, slots=True)
class ListParams:
    fields: list[str]
    ids: tuple[str, ...] | None
    page: int
    per_page: int
    page_token: str | None


def parse_list(params: dict[str, str]) -> ListParams:
    """``fields`` (mandatory, at most 50), ``ids``, ``page``, ``per_page`` and ``page_token``, with the checks and
    errors of Get Records (behaviour §5.3)."""
    fields, ids = fields_param(params), ids_param(params)
    page, per_page, page_token = page_params(params)
    return ListParams(fields, ids, page, per_page, page_token)


def delete_ids(params: dict[str, str]) -> list[str]:
    """``ids`` of a delete (§5.5, rules as §3.3): required, at most 100, each a well-formed id."""
    raw = params.get("ids")
    if raw is None or not raw.strip():
        raise RequiredParamMissing(details={"param_name": "ids"})
    parts = [parse_id(p.strip()) for p in raw.split(",")]
    if len(parts) > MAX_IDS:
        raise LimitExceeded(details={"limit": MAX_IDS, "param_name": "ids"})
    if any(p is None for p in parts):
        raise UnableToParseDataType(details={"param_name": "ids"})
    return [p for p in parts if p is not None]
