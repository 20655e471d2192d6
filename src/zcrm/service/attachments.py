"""A record's attachments as units of work (zoho-v5-related.md §5): the parent's checks (§1.3), uploading a file
or attaching a link, listing, finding a download, deleting, and what goes with deleted records."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection

from zcrm.auth.guards import ATTACHMENT_SCOPES, sub_resource_module
from zcrm.auth.identity import Identity
from zcrm.errors import (
    DownloadNotAllowed,
    DuplicateData,
    InvalidData,
    ZohoError,
    invalid_id,
)
from zcrm.fields.coerce import parse_id
from zcrm.fields.render import Renderer
from zcrm.records.attachments import (
    Attachment,
    ListParams,
    has_attachments,
    present,
    valid_url,
)
from zcrm.records.model import StoredRecord
from zcrm.records.paging import PageState, PageTokens, query_digest
from zcrm.records.present import audit_fields, display_name
from zcrm.records.reads import page_info, page_start
from zcrm.schema.model import Module
from zcrm.service import files
from zcrm.service.parents import visible_parent
from zcrm.store import attachments as store
from zcrm.store import files as file_store
from zcrm.store.ids import allocate

MSG_RELATED_ID = "the related id given seems to be invalid"
MSG_RELATION_NAME = "The relation name given seems to be invalid"
# operation -> (module scope operation, profile operation): writing an attachment edits its record (docs/attachments.md)
OPERATIONS = {"read": ("read", "read"), "create": ("create", "update"), "delete": ("delete", "update")}


def parent(
    conn: Connection, ident: Identity, module_name: str, record_id: str, operation: str
) -> tuple[Module, StoredRecord]:
    """The module and record of ``/{module}/{id}/Attachments`` after §1.3 steps 2-7, for ``operation`` (``read``,
    ``create`` or ``delete``)."""
    scope_op, profile_op = OPERATIONS[operation]
    module = sub_resource_module(ident, module_name, scope_op, profile_op, also=ATTACHMENT_SCOPES[operation])
    parsed = parse_id(record_id)
    if parsed is None:
        raise invalid_id({"resource_path_index": 1})
    if not has_attachments(module):
        raise InvalidData(MSG_RELATION_NAME, {"resource_path_index": 2})
    return module, visible_parent(conn, ident, module, parsed)


def _add(
    conn: Connection,
    ident: Identity,
    module: Module,
    record: StoredRecord,
    now: int,
    *,
    name: str,
    size: int,
    file_id: str | None = None,
    link_url: str | None = None,
) -> dict[str, Any]:
    user = ident.user.id
    attachment_id = allocate(conn, ident.org_id, ident.schema.org.prefix, 1)[0]
    attachment = Attachment(
        attachment_id, record.id, module.id, file_id, link_url, name, size, user, user, user, now, now
    )
    store.add(conn, ident.org_id, attachment)
    return {
        "code": "SUCCESS",
        "details": audit_fields(Renderer(ident.schema, ident.user), attachment),
        "message": "attachment uploaded successfully",
        "status": "success",
    }


def upload_file(
    conn: Connection, ident: Identity, module: Module, record: StoredRecord, upload: files.Content, now: int
) -> dict[str, Any]:
    """Stores the upload as a new attachment of the record (§5.1); its success entry."""
    stored = files.store_content(conn, ident.org_id, ident.user.id, upload, now)
    return _add(conn, ident, module, record, now, name=stored.name, size=stored.size, file_id=stored.id)


def attach_link(
    conn: Connection,
    ident: Identity,
    module: Module,
    record: StoredRecord,
    url: str,
    title: str | None,
    now: int,
) -> dict[str, Any]:
    """Attaches the link ``url`` named ``title`` (the URL when none) to the record (§5.2); its success entry."""
    if not valid_url(url):
        raise InvalidData(details={"param_name": "attachmentUrl"})
    if store.has_link(conn, ident.org_id, record.id, url):
        raise DuplicateData(details={"param_name": "attachmentUrl"})
    return _add(conn, ident, module, record, now, name=title or url, size=0, link_url=url)


def list_attachments(
    conn: Connection,
    ident: Identity,
    module: Module,
    record: StoredRecord,
    p: ListParams,
    tokens: PageTokens,
    now: int,
) -> tuple[list[dict[str, Any]], dict[str, Any]] | None:
    """A page of the record's attachments, newest first, and its ``info`` (§5.3, §3.1); None when there is none."""
    digest = query_digest({"r": record.id, "f": p.fields, "i": p.ids, "pp": p.per_page, "k": "attachments"})
    after, page, offset = page_start(tokens, p.page_token, ident.user.id, digest, now, p.page, p.per_page)
    rows = store.of_record(
        conn, ident.org_id, record.id, limit=p.per_page + 1, offset=offset, ids=p.ids, after=after
    )
    more = len(rows) > p.per_page
    rows = rows[: p.per_page]
    if not rows:
        return None
    renderer = Renderer(ident.schema, ident.user)
    name = display_name(module, record.data, record.id)
    data = [present(renderer, a, module, name, p.fields) for a in rows]
    last = rows[-1]
    following = PageState(ident.user.id, digest, last.created_time, last.id, page + 1, now) if more else None
    return data, page_info(tokens, renderer, following, p.per_page, len(data), page, p.page_token)


def download(
    conn: Connection, ident: Identity, record: StoredRecord, attachment_id: str
) -> files.StoredFile | None:
    """The file of the record's attachment ``attachment_id`` (§5.4): None when it is not one of the record's;
    DOWNLOAD_NOT_ALLOWED for a link."""
    parsed = parse_id(attachment_id)
    found = store.get(conn, ident.org_id, record.id, [parsed]).get(parsed) if parsed else None
    if found is None:
        return None
    if found.file_id is None:
        raise DownloadNotAllowed()
    return files.find(conn, ident.org_id, found.file_id)


def delete(
    conn: Connection, ident: Identity, record: StoredRecord, ids: Sequence[str]
) -> list[dict[str, Any] | ZohoError]:
    """Deletes the record's attachments ``ids`` with their files (§5.5): one result per id, in order."""
    parsed = [parse_id(i) for i in ids]
    found = store.get(conn, ident.org_id, record.id, [p for p in parsed if p is not None])
    results: list[dict[str, Any] | ZohoError] = []
    gone: list[Attachment] = []
    for raw, key in zip(ids, parsed, strict=True):
        attachment = found.pop(key, None) if key is not None else None
        if attachment is None:
            results.append(InvalidData("record not deleted", {"id": raw}))
            continue
        gone.append(attachment)
        results.append(
            {"code": "SUCCESS", "details": {"id": raw}, "message": "record deleted", "status": "success"}
        )
    _remove(conn, ident.org_id, gone)
    return results


def _remove(conn: Connection, org_id: str, attachments: Sequence[Attachment]) -> None:
    store.remove(conn, org_id, [a.id for a in attachments])
    file_store.remove(conn, org_id, [a.file_id for a in attachments if a.file_id is not None])


def deleting_records(conn: Connection, org_id: str, ids: Sequence[str]) -> None:
    """Deletes the attachments of the records ``ids`` and their files (§5.5; ``service/cascade.deleting``)."""
    _remove(conn, org_id, store.of_records(conn, org_id, ids))
