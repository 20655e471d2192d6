"""Test setup for upload fields: makes file ids that tests write literally (``{"File_Id__s": "img-1"}``) name an
uploaded file of every org in the database, as if ``POST /crm/v5/files`` had returned them (zoho-v5-related.md §6.3).
The content is a small PNG, so the ids suit image-upload fields too."""

from __future__ import annotations

import hashlib
from typing import Any

from tests.conftest import sql

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 24


def known_files(target: Any, *ids: str, data: bytes = PNG) -> None:
    """Adds the files ``ids`` (named ``<id>.png``) to every org of ``target``'s database (``conftest.sql``)."""
    digest = hashlib.sha256(data).hexdigest()
    for (org_id,) in sql(target, "SELECT id FROM orgs"):
        users = sql(target, "SELECT id FROM users WHERE org_id = :org", {"org": org_id})
        params = {"org": org_id, "sha": digest, "data": data, "size": len(data), "user": users[0][0]}
        if not sql(target, "SELECT 1 FROM blobs WHERE org_id = :org AND sha256 = :sha", params):
            sql(target, "INSERT INTO blobs (org_id, sha256, seq, data) VALUES (:org, :sha, 0, :data)", params)
        for file_id in ids:
            if sql(target, "SELECT 1 FROM files WHERE org_id = :org AND id = :id", {**params, "id": file_id}):
                continue
            sql(
                target,
                "INSERT INTO files (org_id, id, sha256, name, content_type, size, created_by, created_time)"
                " VALUES (:org, :id, :sha, :name, 'image/png', :size, :user, 0)",
                {**params, "id": file_id, "name": f"{file_id}.png"},
            )
