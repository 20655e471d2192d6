"""What goes with deleted records, in the delete's transaction, called by the write tail (``service/save.py``) while
the records are still stored: each kind of thing hanging off a record (zoho-v5-related.md) adds its step here —
the recycle bin's entry (§9), notes (§4.5), attachments (§5.5), many-to-many links (§3.1), tags (§10)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection

from zcrm.schema.model import Module
from zcrm.store import relations


def deleting(
    conn: Connection, org_id: str, module: Module, ids: Sequence[str], actor: str | None, now: int
) -> None:
    """Runs before the records ``ids`` of ``module`` are deleted by ``actor`` at ``now``."""
    relations.forget(conn, org_id, ids)  # many-to-many links (§3.1)
