"""The units of work of the function runner (``runtime/runner.py``): a ``zoho.crm`` task as the user whose write
started the function, the function's installed code, the run's entry in the automation log. Each runs in a
transaction of its own (``service/unit.py``), after the write that fired the function has committed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Connection

from zcrm.auth.identity import Identity, SchemaCache
from zcrm.auth.scopes import parse_scopes
from zcrm.auth.sharing import visible_owners
from zcrm.automation.functions import FunctionCall, Installed
from zcrm.automation.search import Clause, Group, matches
from zcrm.schema.model import Module, OrgSchema, User
from zcrm.service import reads
from zcrm.service.unit import Database, transaction
from zcrm.store import automation as log_store
from zcrm.store import functions as function_store
from zcrm.store import orgs as org_store
from zcrm.store import records as record_store
from zcrm.store.clocks import org_now
from zcrm.store.records import ListQuery

T = TypeVar("T")
ALL_SCOPES = parse_scopes("ZohoCRM.modules.ALL")
Charge = Callable[
    [Connection, OrgSchema, int], None
]  # charges a task one API credit (http/api_limits.Tracker)


class Gone(LookupError):
    """The org, or the user whose write started the functions, is no longer there (deleted, inactive): there is
    no one left to run them as."""


def _context(
    conn: Connection, schemas: SchemaCache, org_id: str, user_id: str, server_now: int
) -> tuple[OrgSchema, User, int]:
    version = org_store.schema_version(conn, org_id)
    if version is None:
        raise Gone(f"org {org_id} no longer exists")
    schema = schemas.get(conn, org_id, version)
    user = schema.users_by_id.get(user_id)
    if user is None or user.status != "active":
        raise Gone(f"user {user_id} is no longer active")
    return schema, user, org_now(conn, org_id, server_now)


def as_user(
    db: Database,
    schemas: SchemaCache,
    clock: Callable[[], int],
    org_id: str,
    user_id: str,
    work: Callable[[Connection, Identity, int], T],
    charge: Charge | None = None,
) -> T:
    """``work(conn, identity, now)`` in a write transaction, as the user with every module scope (Gone when they
    or the org went); with ``charge``, the task is charged first, in a transaction of its own (charged whatever its
    outcome)."""
    if charge is not None:
        with transaction(db, clock, write=True) as (conn, server_now):
            schema, _user, now = _context(conn, schemas, org_id, user_id, server_now)
            charge(conn, schema, now)
    with transaction(db, clock, write=True) as (conn, server_now):
        schema, user, now = _context(conn, schemas, org_id, user_id, server_now)
        return work(conn, Identity(org_id, user, ALL_SCOPES, schema), now)


def search(
    conn: Connection,
    ident: Identity,
    module: Module,
    tree: Clause | Group,
    page: int,
    per_page: int,
    now: int,
) -> list[dict[str, Any]]:
    """The records of ``module`` the caller may see that match the criteria ``tree``, as ``GET`` shows them, by
    id, ``per_page`` from ``page``. Reads the whole module: meant for test-sized data."""
    owners = visible_owners(ident.schema, ident.user, module)
    every = record_store.list_records(
        conn, ident.org_id, ListQuery(module.id, "id", False, limit=2**62, owners=owners)
    )
    hits = [r for r in every if matches(tree, {**r.data, "id": r.id})]
    chosen = hits[(page - 1) * per_page : page * per_page]
    shown = (reads.get_record(conn, ident, module, r.id, {}, now) for r in chosen)
    return [record for record in shown if record]


def installed(db: Database, org_id: str, name: str) -> Installed | None:
    """The org's installed function of that name."""
    with db.read() as conn:
        return function_store.get(conn, org_id, name)


def log_run(
    db: Database, clock: Callable[[], int], org_id: str, call: FunctionCall, status: str, detail: Any
) -> None:
    """The run's entry in the org's automation log (none when the org was deleted while the function ran)."""
    with transaction(db, clock, write=True) as (conn, server_now):
        prefix = org_store.prefix(conn, org_id)
        if prefix is None:
            return
        log_store.add(
            conn,
            org_id,
            prefix,
            org_now(conn, org_id, server_now),
            "function",
            call.rule,
            call.module,
            call.record_id,
            call.function,
            status,
            detail,
        )
