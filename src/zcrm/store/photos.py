"""A record's photo (zoho-v5-related.md §7): its file id is the record's ``Record_Image`` value, written into the
record's data JSON without touching ``Modified_Time`` or anything else of the record (``Record_Image``, a
``profileimage`` field, has no search keys: ``store/keys.py``)."""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import Connection

from zcrm.store.records import executemany


def set_data(conn: Connection, org_id: str, record_id: str, data: dict[str, Any]) -> None:
    """Replaces the record's data JSON with ``data`` (its ``Record_Image`` changed), nothing else."""
    executemany(
        conn,
        "UPDATE records SET data = ? WHERE org_id = ? AND id = ?",
        [(orjson.dumps(data).decode(), org_id, record_id)],
    )
