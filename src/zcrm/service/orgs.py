"""Units of work on one org, and the org lifecycle (docs/snapshots.md): snapshots exported and imported, reset to
the seed, the seed itself, a new org from a snapshot, and deleting an org. For ``/__zcrm/orgs/…`` and the ``zcrm``
commands."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from zcrm.errors import InvalidData
from zcrm.schema.model import OrgSchema
from zcrm.schema.snapshot import Snapshot
from zcrm.service.unit import transaction
from zcrm.store import Database, snapshots
from zcrm.store.admin import admin_user_id, first_client, org_exists
from zcrm.store.clocks import org_now
from zcrm.store.orgs import load_schema, schema_version

DEFAULT_ORG = "the default org cannot be deleted"


class UnknownOrg(LookupError):
    """The org of a unit of work does not exist."""


@dataclass(frozen=True)
class OrgUnit:
    """One open transaction on an org, with the org's clock read in it."""

    conn: Connection
    org_id: str
    now: int  # the org's clock
    server_now: int
    client_id: str | None  # the default org's client (``default_client``), else the org's first client


@contextmanager
def unit(
    db: Database, org_id: str, clock: Callable[[], int], default_org: str, default_client: str | None
) -> Iterator[OrgUnit]:
    """One write transaction on ``org_id``, committed when the block ends (``UnknownOrg`` when there is none);
    ``clock``: the server's, read once the transaction holds its locks (``service/unit.py``)."""
    with transaction(db, clock, write=True) as (conn, server_now):
        if not org_exists(conn, org_id):
            raise UnknownOrg(org_id)
        client = default_client if org_id == default_org else first_client(conn, org_id)
        yield OrgUnit(conn, org_id, org_now(conn, org_id, server_now), server_now, client)


def exists(conn: Connection, org_id: str) -> bool:
    return org_exists(conn, org_id)


def found(db: Database, org_id: str) -> bool:
    """Whether the org exists, read in a unit of its own."""
    with db.read() as conn:
        return org_exists(conn, org_id)


def schema_and_admin(db: Database, org_id: str, *, admin: bool) -> tuple[OrgSchema, str | None]:
    """The org's schema and (``admin``) its first active administrator's id, read in one unit."""
    with db.read() as conn:
        return load_schema(conn, org_id), admin_user_id(conn, org_id) if admin else None


def administrator(conn: Connection, org_id: str) -> str:
    """The id of the org's first active user with an administrator's profile."""
    return admin_user_id(conn, org_id)


def schema(conn: Connection, org_id: str) -> OrgSchema:
    """The org's schema, loaded from the database."""
    return load_schema(conn, org_id)


def version(conn: Connection, org_id: str) -> int | None:
    """The org's schema version (None: no such org)."""
    return schema_version(conn, org_id)


def now_of(conn: Connection, org_id: str, server_now: int) -> int:
    """The org's now (the server's when the org does not exist)."""
    return org_now(conn, org_id, server_now)


def export(
    db: Database, org_id: str, clock: Callable[[], int], check: Callable[[Connection, int], object]
) -> dict[str, Any]:
    """The org as a ``zcrm-snapshot/1`` document, read in one state of the database, after ``check(conn, now)``
    (which raises to refuse; ``now``: ``clock()``, the server's, read in the transaction)."""
    with snapshots.consistent_read(db) as conn:
        now = clock()
        check(conn, now)
        return snapshots.export(conn, org_id, now)


def import_snapshot(
    conn: Connection, org_id: str, snapshot: Snapshot, *, keep_functions: bool = False
) -> dict[str, Any]:
    """Replaces the org's content with ``snapshot``."""
    snapshots.replace_content(conn, org_id, snapshot, keep_functions=keep_functions)
    return {"org_id": org_id, "imported": snapshot.counts()}


def reset(conn: Connection, org_id: str) -> dict[str, Any]:
    """The org back to its seed."""
    return {"org_id": org_id, "reset": snapshots.reset(conn, org_id).counts()}


def put_seed(conn: Connection, org_id: str, now: int) -> dict[str, Any]:
    """The org's current state becomes its seed."""
    snapshots.seed_current(conn, org_id, now)
    return {"org_id": org_id, "seed_time": now}


def seed_text(conn: Connection, org_id: str, now: int) -> str:
    """The snapshot the org is reset to; an org made before seeds were kept gets its current state as its seed."""
    found = snapshots.seed_text(conn, org_id)
    if found is None:
        snapshots.seed_current(conn, org_id, now)
        found = snapshots.seed_text(conn, org_id)
    assert found is not None
    return found


def delete(conn: Connection, org_id: str, path_index: int | None = None) -> dict[str, Any]:
    """The org and all its rows, in every table; the default org is refused (``InvalidData``)."""
    if snapshots.org_row(conn, org_id).is_default:
        raise InvalidData(DEFAULT_ORG, {"resource_path_index": path_index} if path_index is not None else {})
    return {"org_id": org_id, "deleted": snapshots.delete_org(conn, org_id)}


def create_from_snapshot(
    conn: Connection, snapshot: Snapshot, now: int, document: dict[str, Any], seed: int | None
) -> str:
    """A new org holding ``snapshot`` (``document`` as given, kept as its seed); its id."""
    return snapshots.create_org(conn, snapshot, now, document, seed)
