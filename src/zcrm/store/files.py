"""Uploaded files and their content (zoho-v5-related.md §6; migration 0016).

Content lives in ``blobs``, addressed by its SHA-256 and cut into ``CHUNK_BYTES`` pieces (``seq`` from 0), stored
once per org however many files name it; a ``files`` row is one upload: its opaque id, name, content type, size and
the content's hash. Reading goes chunk by chunk, so a download never holds a whole file in memory."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, bindparam, text

from zcrm.store.records import executemany, query

CHUNK_BYTES = 1024 * 1024


@dataclass(frozen=True, slots=True)
class StoredFile:
    id: str
    sha256: str
    name: str
    content_type: str
    size: int
    created_by: str
    created_time: int

    @property
    def chunk_count(self) -> int:
        return -(-self.size // CHUNK_BYTES)


def has_content(conn: Connection, org_id: str, sha256: str) -> bool:
    rows = query(conn, "SELECT 1 FROM blobs WHERE org_id = ? AND sha256 = ? AND seq = 0", [org_id, sha256])
    return bool(rows)


def put_content(conn: Connection, org_id: str, sha256: str, chunks: Iterable[bytes]) -> None:
    """Stores the content ``chunks`` (each ``CHUNK_BYTES`` but the last) under its hash, unless it is stored."""
    if has_content(conn, org_id, sha256):
        return
    for seq, chunk in enumerate(chunks):
        executemany(
            conn,
            "INSERT INTO blobs (org_id, sha256, seq, data) VALUES (?, ?, ?, ?)",
            [(org_id, sha256, seq, chunk)],
        )


def chunk(conn: Connection, org_id: str, sha256: str, seq: int) -> bytes | None:
    rows = query(
        conn, "SELECT data FROM blobs WHERE org_id = ? AND sha256 = ? AND seq = ?", [org_id, sha256, seq]
    )
    return bytes(rows[0][0]) if rows else None


def heads(conn: Connection, org_id: str, hashes: Sequence[str], size: int) -> dict[str, bytes]:
    """The first ``size`` bytes of each content among ``hashes`` (``substr`` of the first chunk, in either database)."""
    if not hashes:
        return {}
    stmt = text(
        "SELECT sha256, substr(data, 1, :size) FROM blobs WHERE org_id = :org AND seq = 0 AND sha256 IN :hashes"
    ).bindparams(bindparam("hashes", expanding=True))
    rows = conn.execute(stmt, {"org": org_id, "size": size, "hashes": sorted(set(hashes))})
    return {r[0]: bytes(r[1]) for r in rows}


def add(conn: Connection, org_id: str, file: StoredFile) -> None:
    executemany(
        conn,
        "INSERT INTO files (org_id, id, sha256, name, content_type, size, created_by, created_time)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                org_id,
                file.id,
                file.sha256,
                file.name,
                file.content_type,
                file.size,
                file.created_by,
                file.created_time,
            )
        ],
    )


def get(conn: Connection, org_id: str, ids: Sequence[str]) -> dict[str, StoredFile]:
    """The files among ``ids``."""
    if not ids:
        return {}
    stmt = text(
        "SELECT id, sha256, name, content_type, size, created_by, created_time FROM files"
        " WHERE org_id = :org AND id IN :ids"
    ).bindparams(bindparam("ids", expanding=True))
    rows = conn.execute(stmt, {"org": org_id, "ids": list(ids)})
    return {r[0]: StoredFile(r[0], r[1], r[2], r[3], int(r[4]), r[5], int(r[6])) for r in rows}


def remove(conn: Connection, org_id: str, ids: Sequence[str]) -> None:
    """Deletes the files ``ids`` and the content no other file names."""
    if not ids:
        return
    params = {"org": org_id, "ids": list(ids)}
    hashes = [
        r[0]
        for r in conn.execute(
            text("SELECT DISTINCT sha256 FROM files WHERE org_id = :org AND id IN :ids").bindparams(
                bindparam("ids", expanding=True)
            ),
            params,
        )
    ]
    conn.execute(
        text("DELETE FROM files WHERE org_id = :org AND id IN :ids").bindparams(
            bindparam("ids", expanding=True)
        ),
        params,
    )
    if hashes:
        conn.execute(
            text(
                "DELETE FROM blobs WHERE org_id = :org AND sha256 IN :hashes AND sha256 NOT IN"
                " (SELECT sha256 FROM files WHERE org_id = :org AND sha256 IN :hashes)"
            ).bindparams(bindparam("hashes", expanding=True)),
            {"org": org_id, "hashes": hashes},
        )
