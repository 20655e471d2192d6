"""What goes with deleted records, in the delete's transaction, called by the write tail (``service/save.py``) while
the records are still stored: each kind of thing hanging off a record (zoho-v5-related.md) adds its step here —
the recycle bin's entry (§9), notes (§4.5), attachments (§5.5), many-to-many links (§3.1), tags (§10)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection

from zcrm.schema.model import Module
from zcrm.service import attachments, photos, recycle
from zcrm.store import notes as note_store
from zcrm.store import relations
from zcrm.store import tags as tag_store


def deleting(
    conn: Connection, org_id: str, module: Module, ids: Sequence[str], actor: str | None, now: int
) -> None:
    """Runs before the records ``ids`` of ``module`` are deleted by ``actor`` at ``now``."""
    recycle.keep(conn, org_id, module, ids, actor, now)  # the recycle bin's entries (§9)
    relations.forget(conn, org_id, ids)  # many-to-many links (§3.1)
    tag_store.drop_records(conn, org_id, ids)  # §10: the tags stay in the module's list
    attachments.deleting_records(conn, org_id, ids)  # attachments and their files (§5.5)
    photos.deleting_records(conn, org_id, module, ids)  # the photos' files (§7)
    if module.api_name != "Notes":  # §4.5: a record's notes go with it, and their attachments
        attachments.deleting_records(conn, org_id, note_store.delete_of_parents(conn, org_id, ids))
