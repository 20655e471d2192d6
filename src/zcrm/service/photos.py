"""A record's photo as units of work (zoho-v5-related.md §7): the parent's checks (§1.3), storing a photo (the
previous one's file removed), finding it, deleting it, and what goes with deleted records. The photo's file id is
the record's ``Record_Image``; writing it changes nothing else of the record (``Modified_Time`` stays)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection

from zcrm.auth.guards import sub_resource_module
from zcrm.auth.identity import Identity
from zcrm.errors import invalid_id
from zcrm.fields.coerce import parse_id
from zcrm.records.attachments import has_photo
from zcrm.records.model import StoredRecord
from zcrm.schema.model import Module
from zcrm.service import files
from zcrm.service.parents import visible_parent
from zcrm.store import files as file_store
from zcrm.store import photos as store
from zcrm.store import records as record_store

FIELD = "Record_Image"
# operation -> (module scope operation, profile operation): a photo is part of its record (docs/attachments.md)
OPERATIONS = {"read": ("read", "read"), "create": ("create", "update"), "delete": ("delete", "update")}


def parent(
    conn: Connection, ident: Identity, module_name: str, record_id: str, operation: str
) -> tuple[Module, StoredRecord]:
    """The module and record of ``/{module}/{id}/photo`` after §1.3 steps 2-7 (a write locks the record's row)."""
    scope_op, profile_op = OPERATIONS[operation]
    module = sub_resource_module(ident, module_name, scope_op, profile_op, supported=has_photo)
    parsed = parse_id(record_id)
    if parsed is None:
        raise invalid_id({"resource_path_index": 1})
    return module, visible_parent(conn, ident, module, parsed, lock=operation != "read")


def _photo_id(record: StoredRecord) -> str | None:
    value = record.data.get(FIELD)
    return value if isinstance(value, str) and value else None


def _set(conn: Connection, org_id: str, record: StoredRecord, file_id: str | None) -> None:
    old = _photo_id(record)
    store.set_data(conn, org_id, record.id, {**record.data, FIELD: file_id})
    if old is not None and old != file_id:
        file_store.remove(conn, org_id, [old])


def upload(conn: Connection, ident: Identity, record: StoredRecord, photo: files.Content, now: int) -> None:
    """Stores ``photo`` (its content type the detected image type) as the record's photo, replacing any."""
    stored = files.store_content(conn, ident.org_id, ident.user.id, photo, now)
    _set(conn, ident.org_id, record, stored.id)


def find(conn: Connection, ident: Identity, record: StoredRecord) -> files.StoredFile | None:
    photo = _photo_id(record)
    return None if photo is None else files.find(conn, ident.org_id, photo)


def delete(conn: Connection, ident: Identity, record: StoredRecord) -> None:
    """Removes the record's photo, if it has one (``Record_Image`` null)."""
    if _photo_id(record) is not None:
        _set(conn, ident.org_id, record, None)


def deleting_records(conn: Connection, org_id: str, module: Module, ids: Sequence[str]) -> None:
    """Removes the photos of the records ``ids`` (``service/cascade.deleting``)."""
    if not has_photo(module) and FIELD not in module.by_name:
        return
    records = record_store.fetch(conn, org_id, ids, module_id=module.id).values()
    file_store.remove(conn, org_id, [p for p in map(_photo_id, records) if p is not None])
