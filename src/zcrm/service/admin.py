"""The server admin token (``auth/admin.py``, docs/security.md): made or reused in one unit of work, for ``zcrm
serve`` and the other ``zcrm`` commands."""

from __future__ import annotations

from pathlib import Path

from zcrm.auth import admin
from zcrm.store import Database


def ensure_admin_token(db: Database, data_dir: Path) -> str:
    """The server admin token (``auth.admin.ensure_admin_token``), its hash stored and its file (re)written."""
    with db.write() as conn:
        return admin.ensure_admin_token(conn, data_dir)
