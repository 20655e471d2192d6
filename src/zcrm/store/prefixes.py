"""Org id prefixes: 7 digits, unique in the database, random or derived from the server's seed (ZCRM_SEED).

Every id of an org is its prefix followed by the org's 12-digit counter (``store/ids.py``), so with a seed the
same sequence of requests on a fresh data directory yields the same ids (docs/control-plane.md#deterministic-ids).
"""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import Connection, text

MIN_PREFIX = 1_000_000
MAX_PREFIX = 9_223_371  # 9223371_999999999999 < 2**63 - 1


def seeded_prefix(seed: int, index: int) -> str:
    """The prefix of the ``index``-th candidate for a new org under ``seed``."""
    digest = hashlib.sha256(f"zcrm-org-prefix:{seed}:{index}".encode()).digest()
    return str(int.from_bytes(digest[:8], "big") % (MAX_PREFIX - MIN_PREFIX + 1) + MIN_PREFIX)


def _taken(conn: Connection, prefix: str) -> bool:
    return conn.execute(text("SELECT 1 FROM orgs WHERE prefix = :p"), {"p": prefix}).first() is not None


def new_prefix(conn: Connection, seed: int | None) -> str:
    """A prefix no org has: with a seed, the first free candidate from the number of orgs on; else random.
    Small enough that prefix + 12-digit counter stays a positive int64 (behaviour §1.4)."""
    if seed is None:
        while True:
            prefix = str(secrets.randbelow(MAX_PREFIX - MIN_PREFIX + 1) + MIN_PREFIX)
            if not _taken(conn, prefix):
                return prefix
    index = int(conn.execute(text("SELECT COUNT(*) FROM orgs")).scalar_one())
    while _taken(conn, prefix := seeded_prefix(seed, index)):
        index += 1
    return prefix
