"""Uploaded files as units of work (zoho-v5-related.md §6): storing an upload's content once per org and a file
row naming it, finding a file, and reading its content chunk by chunk in short read transactions (the content is
immutable, so a download never holds a transaction or a whole file)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Protocol

from sqlalchemy import Connection

from zcrm.store import Database
from zcrm.store import files as store
from zcrm.store.files import CHUNK_BYTES, StoredFile
from zcrm.store.orgs import lock as lock_org

__all__ = ["CHUNK_BYTES", "Content", "StoredFile", "content", "find", "store_content"]


class Content(Protocol):
    """An upload's bytes as the HTTP layer read them (``http/uploads.Upload``)."""

    filename: str
    content_type: str
    size: int
    sha256: str

    def chunks(self, size: int) -> Iterator[bytes]: ...


def new_file_id() -> str:
    """An opaque file id: 32 lower-case hex digits, never a record id (§6.1)."""
    return secrets.token_hex(16)


def store_content(conn: Connection, org_id: str, user_id: str, upload: Content, now: int) -> StoredFile:
    """Stores ``upload`` as a new file of the org (its content once per org), in the caller's write unit."""
    lock_org(conn, org_id)
    store.put_content(conn, org_id, upload.sha256, upload.chunks(CHUNK_BYTES))
    file = StoredFile(
        new_file_id(), upload.sha256, upload.filename, upload.content_type, upload.size, user_id, now
    )
    store.add(conn, org_id, file)
    return file


def find(conn: Connection, org_id: str, file_id: str) -> StoredFile | None:
    return store.get(conn, org_id, [file_id]).get(file_id)


def content(db: Database, org_id: str, file: StoredFile) -> Iterator[bytes]:
    """The file's bytes, one stored chunk at a time, each read in a read transaction of its own; stops early if
    the content is gone (its last file deleted meanwhile)."""
    for seq in range(file.chunk_count):
        with db.read() as conn:
            piece = store.chunk(conn, org_id, file.sha256, seq)
        if piece is None:
            return
        yield piece
