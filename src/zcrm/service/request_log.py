"""Writing the request log (docs/control-plane.md, "Request log"): a batch of entries in one transaction of its
own, each org's log trimmed to its last entries. ``http/request_log.RequestLog`` buffers the entries and calls it
off the request path."""

from __future__ import annotations

from collections.abc import Sequence

from zcrm.service.unit import Database
from zcrm.store import request_log as store
from zcrm.store.request_log import Entry

__all__ = ["Entry", "write"]


def write(db: Database, entries: Sequence[Entry], size: int) -> None:
    """Writes ``entries`` and keeps the last ``size`` of each of their orgs (entries of an org that no longer
    exists are left out)."""
    with db.write() as conn:
        for org_id in store.insert(conn, entries):
            store.trim(conn, org_id, size)
