"""Snapshots in SQL: exporting an org's rows, importing them into a new org or over an existing one, deleting an
org, and the seed an org is reset to (table ``org_seeds``). The document's shape is ``schema/snapshot.py``.

Every function runs in the caller's transaction; an import is all or nothing.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Connection, inspect, text
from sqlalchemy.exc import DBAPIError

from zcrm.automation import trust
from zcrm.errors import InvalidData
from zcrm.schema import typecheck
from zcrm.schema.snapshot import JSON_KINDS, TABLES, Column, Snapshot, id_floor, parse
from zcrm.store import fields, keys, templates
from zcrm.store import functions as function_store
from zcrm.store.db import Database
from zcrm.store.ids import format_id
from zcrm.store.orgs import create_org as create_plain_org
from zcrm.store.orgs import load_schema, lock
from zcrm.store.prefixes import new_prefix
from zcrm.store.records import insert_rows, query

# the order each table is exported in (its key), so that two exports of one state are equal
_ORDER = {
    "roles": "seq, id",
    "profiles": "seq, id",
    "modules": "seq, id",
    "fields": "module_id, seq, id",
    "layouts": "module_id, seq, id",
    "users": "id",
    "records": "id",
    "unique_values": "field_id, value",
    "sequences": "field_id",
    "changes": "id",
    "record_processes": "record_id, kind",
    "notification_channels": "channel_id",
    "functions": "name",
    "relations": "relation, left_id, right_id",
    "deleted_records": "id",
    "blobs": "sha256, seq",
    "files": "id",
    "attachments": "id",
    "tags": "id",
    "record_tags": "record_id, tag_id",
}
BAD_METADATA = "the snapshot's metadata does not load"
NO_ADMIN = "the snapshot has no active user with an administrator profile"
NOT_STORED = "the snapshot could not be stored"


def _dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


@contextmanager
def consistent_read(db: Database) -> Iterator[Connection]:
    """A read transaction that sees one state of the database throughout: SQLite's read transactions do; on
    PostgreSQL, ``REPEATABLE READ``."""
    if db.dialect != "postgresql":
        with db.read() as conn:
            yield conn
        return
    with db.engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            yield conn


def org_row(conn: Connection, org_id: str) -> Any:
    return conn.execute(
        text(
            "SELECT id, prefix, next_id, schema_version, is_default, info, created_time FROM orgs WHERE id = :org"
        ),
        {"org": org_id},
    ).first()


# -- export ----------------------------------------------------------------------------------------------------
def export(conn: Connection, org_id: str, now: int) -> dict[str, Any]:
    """The org's content as a ``zcrm-snapshot/1`` document."""
    row = org_row(conn, org_id)
    org = {
        "id": row.id,
        "prefix": row.prefix,
        "next_id": int(row.next_id),
        "schema_version": int(row.schema_version),
        "info": orjson.loads(row.info),
        "created_time": int(row.created_time),
    }
    tables: dict[str, list[dict[str, Any]]] = {}
    for table, columns in TABLES.items():
        names = ", ".join(c.name for c in columns)
        if table == "fields":  # its own or its template's (store/fields.py)
            rows: list[tuple[Any, ...]] = list(fields.rows(conn, org_id))
        else:
            rows = query(
                conn, f"SELECT {names} FROM {table} WHERE org_id = ? ORDER BY {_ORDER[table]}", [org_id]
            )
        out = []
        for values in rows:
            item: dict[str, Any] = {}
            for column, value in zip(columns, values, strict=True):
                if value is not None:
                    if column.kind in JSON_KINDS:
                        value = orjson.loads(value)
                    elif column.kind == "int":
                        value = int(value)
                    elif column.kind == "bool":
                        value = bool(value)
                    elif column.kind == "bytes":
                        value = base64.b64encode(value).decode()
                item[column.name] = value
            out.append(item)
        tables[table] = out
    return Snapshot(org, tables).as_document(now)


# -- import ----------------------------------------------------------------------------------------------------
def _write_tables(conn: Connection, org_id: str, snapshot: Snapshot, skip: tuple[str, ...] = ()) -> None:
    for table, columns in TABLES.items():
        if table in skip:
            continue
        rows = [(org_id, *(_stored(c, row[c.name]) for c in columns)) for row in snapshot.tables[table]]
        insert_rows(conn, table, "org_id, " + ", ".join(c.name for c in columns), rows)


def _stored(column: Column, value: Any) -> Any:
    if value is None:
        return None
    if column.kind in JSON_KINDS:
        return _dumps(value)
    if column.kind == "bytes":
        return base64.b64decode(value)
    return value


def _delete_content(conn: Connection, org_id: str, skip: tuple[str, ...] = ()) -> None:
    for table in TABLES:
        if table not in skip:
            conn.execute(text(f"DELETE FROM {table} WHERE org_id = :org"), {"org": org_id})
    keys.clear(conn, org_id)
    if "fields" not in skip:
        fields.unshare(conn, org_id)


def _check_loads(conn: Connection, org_id: str) -> None:
    """The imported metadata must load as an org schema with an active administrator; then the imported records'
    search keys are written (``store/keys.py``)."""
    try:
        schema = load_schema(conn, org_id)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InvalidData(f"{BAD_METADATA}: {exc!r}", {"api_name": "snapshot"}) from None
    wrong = next(typecheck.problems(schema), None)
    if wrong is not None:
        raise InvalidData(f"{BAD_METADATA}: {wrong}", {"api_name": "snapshot"})
    if not any(u.status == "active" and schema.profiles_by_id[u.profile_id].admin for u in schema.users):
        raise InvalidData(NO_ADMIN, {"api_name": "snapshot", "json_path": "$.users"})
    keys.rebuild(conn, org_id, schema)


@contextmanager
def _storing(conn: Connection) -> Iterator[None]:
    """A row the database refuses (a value too large for its column, …) rejects the snapshot, not the server."""
    dbapi_error = conn.dialect.loaded_dbapi.Error
    try:
        yield
    except (DBAPIError, dbapi_error) as exc:
        raise InvalidData(NOT_STORED, {"api_name": "snapshot", "reason": type(exc).__name__}) from None


def _prefix_for(conn: Connection, wanted: str, seed: int | None) -> str:
    """``wanted`` when no org has it (nor its org id), else a new prefix (``store/prefixes.py``)."""
    found = conn.execute(
        text("SELECT 1 FROM orgs WHERE prefix = :p OR id = :id"), {"p": wanted, "id": format_id(wanted, 0)}
    ).first()
    return wanted if found is None else new_prefix(conn, seed)


def create_org(
    conn: Connection, snapshot: Snapshot, now: int, document: dict[str, Any], seed: int | None = None
) -> str:
    """A new org holding the snapshot, with its org id and prefix when no org of the database has them, else a
    new pair (the imported ids stay as they are; new ids come from the new prefix). Its seed is the snapshot. The
    caller is the server operator: the snapshot's functions are installed (``automation/trust.py``)."""
    snapshot, _functions = trust.resolve(snapshot)
    source = snapshot.org
    prefix = _prefix_for(conn, source["prefix"], seed)
    org_id = format_id(prefix, 0)
    next_id = max(source["next_id"] if prefix == source["prefix"] else 1, id_floor(snapshot, prefix))
    with _storing(conn):
        conn.execute(
            text(
                "INSERT INTO orgs (id, prefix, next_id, schema_version, is_default, info, created_time) "
                "VALUES (:id, :prefix, :next, :version, :d, :info, :created)"
            ),
            {
                "id": org_id,
                "prefix": prefix,
                "next": next_id,
                "version": source["schema_version"] + 1,
                "d": False,
                "info": _dumps(source["info"]),
                "created": source["created_time"],
            },
        )
        _write_tables(conn, org_id, snapshot)
    _check_loads(conn, org_id)
    save_seed(conn, org_id, document, now)
    return org_id


def replace_content(
    conn: Connection, org_id: str, snapshot: Snapshot, *, keep_functions: bool = False
) -> None:
    """Replaces the org's content with the snapshot's, keeping its org id, prefix, default flag, OAuth clients and
    tokens, logs and seed. Its id counter never goes back, and skips every imported id with its prefix.

    The snapshot's functions replace the org's; with ``keep_functions`` (an org administrator's import) the org
    keeps its own, and a snapshot that gives code not installed as it is gets 403 (``automation/trust.py``)."""
    skip: tuple[str, ...] = ()
    if keep_functions:
        installed = function_store.installed(conn, org_id)
        trust.check_snapshot(snapshot, installed)
        snapshot, _functions = trust.resolve(snapshot, installed)
        skip = ("functions",)
    else:
        snapshot, _functions = trust.resolve(snapshot)
    lock(conn, org_id)  # record writes of the org in flight finish first (PostgreSQL; SQLite's write lock)
    current = org_row(conn, org_id)
    prefix = str(current.prefix)
    source = snapshot.org
    next_id = max(int(current.next_id), id_floor(snapshot, prefix))
    if source["prefix"] == prefix:
        next_id = max(next_id, source["next_id"])
    version = max(int(current.schema_version), source["schema_version"]) + 1
    with _storing(conn):
        _delete_content(conn, org_id, skip)
        _write_tables(conn, org_id, snapshot, skip)
        conn.execute(
            text(
                "UPDATE orgs SET next_id = :next, schema_version = :version, info = :info, created_time = :created "
                "WHERE id = :org"
            ),
            {
                "next": next_id,
                "version": version,
                "info": _dumps(source["info"]),
                "created": source["created_time"],
                "org": org_id,
            },
        )
    _check_loads(conn, org_id)


# -- seeds -----------------------------------------------------------------------------------------------------
def save_seed(conn: Connection, org_id: str, document: dict[str, Any], now: int) -> None:
    conn.execute(text("DELETE FROM org_seeds WHERE org_id = :org"), {"org": org_id})
    conn.execute(
        text("INSERT INTO org_seeds (org_id, snapshot, created_time) VALUES (:org, :s, :now)"),
        {"org": org_id, "s": _dumps(document), "now": now},
    )


def new_org(
    conn: Connection,
    definition: dict[str, Any] | templates.Definition,
    now: int,
    *,
    is_default: bool = False,
    seed: int | None = None,
    template: bool = True,
) -> str:
    """A new org from a normalised org definition; returns its id. With ``template`` (not for the default org) it
    copies the definition's template when there is one (``store/templates.py``); else its rows are written one by
    one (``store.orgs.create_org``) and its state is kept as its seed, what a reset goes back to."""
    if template and not is_default:
        copied = templates.create_org(conn, definition, now, seed=seed)
        if copied is not None:
            return copied
    plain = definition.definition if isinstance(definition, templates.Definition) else definition
    org_id = create_plain_org(conn, plain, now, is_default=is_default, seed=seed)
    seed_current(conn, org_id, now)
    return org_id


def seed_current(conn: Connection, org_id: str, now: int) -> None:
    """Makes the org's current state its seed."""
    save_seed(conn, org_id, export(conn, org_id, now), now)


def _stored_seed(conn: Connection, org_id: str) -> tuple[str, int] | None:
    row = conn.execute(
        text("SELECT snapshot, created_time FROM org_seeds WHERE org_id = :org"), {"org": org_id}
    ).first()
    return None if row is None else (str(row[0]), int(row[1]))


def _template_of(conn: Connection, stored: tuple[str, int] | None) -> tuple[templates.Template, int] | None:
    """The template a stored seed names (an org made from a template, not re-seeded since) and the org's schema
    version when it was last copied, else None."""
    marker = None if stored is None else templates.read_marker(stored[0])
    if marker is None:
        return None
    template = templates.find(conn, marker[0])
    return None if template is None else (template, marker[1])


def _template_document(conn: Connection, org_id: str, template: templates.Template, seed_time: int) -> Any:
    """The seed of an org made from ``template`` at ``seed_time``, as a document: the org as it was made (copied
    again in a savepoint that is rolled back, then exported), equal to what ``seed_current`` would have stored."""
    prefix = str(org_row(conn, org_id).prefix)
    with conn.begin_nested() as savepoint:
        _delete_content(conn, org_id)
        templates.copy(conn, template, org_id, prefix, seed_time)
        conn.execute(
            text(
                "UPDATE orgs SET next_id = :next, schema_version = 1, info = :info, created_time = :t WHERE id = :org"
            ),
            {"next": template.next_id, "info": template.info, "t": seed_time, "org": org_id},
        )
        document = export(conn, org_id, seed_time)
        savepoint.rollback()
    return document


def seed_of(conn: Connection, org_id: str) -> tuple[dict[str, Any], int] | None:
    """The org's seed document and when it was stored."""
    stored = _stored_seed(conn, org_id)
    if stored is None:
        return None
    found = _template_of(conn, stored)
    if found is not None:
        return _template_document(conn, org_id, found[0], stored[1]), stored[1]
    return orjson.loads(stored[0]), stored[1]


def seed_text(conn: Connection, org_id: str) -> str | None:
    """The org's seed as stored (JSON text)."""
    stored = _stored_seed(conn, org_id)
    if stored is None:
        return None
    found = _template_of(conn, stored)
    if found is not None:
        return _dumps(_template_document(conn, org_id, found[0], stored[1]))
    return stored[0]


@dataclass(frozen=True)
class Counts:
    """The rows per table an org was reset to (``Snapshot.counts`` for a reset from a template)."""

    tables: dict[str, int]

    def counts(self) -> dict[str, int]:
        return dict(self.tables)


def _reset_to_template(
    conn: Connection, org_id: str, template: templates.Template, copied_version: int, seed_time: int
) -> None:
    """``replace_content`` with the org's seed, when that is its template: the rows copied again. The metadata is
    left as it is when the org is still at the schema version of its last copy (``templates.METADATA``)."""
    lock(conn, org_id)
    current = org_row(conn, org_id)
    intact = int(current.schema_version) == copied_version
    skip = templates.METADATA if intact else ()
    _delete_content(conn, org_id, skip)
    templates.copy(conn, template, org_id, str(current.prefix), seed_time, skip)
    version = max(int(current.schema_version), 1) + 1
    conn.execute(
        text(
            "UPDATE orgs SET next_id = :next, schema_version = :version, info = :info, created_time = :created "
            "WHERE id = :org"
        ),
        {
            "next": max(int(current.next_id), template.next_id),
            "version": version,
            "info": template.info,
            "created": seed_time,
            "org": org_id,
        },
    )
    conn.execute(
        text("UPDATE org_seeds SET snapshot = :s WHERE org_id = :org"),
        {"s": templates.seed_marker(template.key, version), "org": org_id},
    )


def reset(conn: Connection, org_id: str) -> Snapshot | Counts:
    """Puts the org back to its seed; returns the seed (or, from a template, its counts)."""
    stored = _stored_seed(conn, org_id)
    from_template = _template_of(conn, stored)
    if stored is not None and from_template is not None:
        template, copied_version = from_template
        _reset_to_template(conn, org_id, template, copied_version, stored[1])
        return Counts(template.counts)
    found = seed_of(conn, org_id)
    if found is None:  # an org made before seeds were kept: its seed is what it holds now
        seed_current(conn, org_id, int(org_row(conn, org_id).created_time))
        found = seed_of(conn, org_id)
        assert found is not None
    snapshot = parse(found[0])
    replace_content(conn, org_id, snapshot)
    return snapshot


# -- delete ----------------------------------------------------------------------------------------------------
def org_tables(conn: Connection) -> list[str]:
    """Every table with an ``org_id`` column (those of later migrations too)."""
    inspector = inspect(conn)
    return sorted(
        table
        for table in inspector.get_table_names()
        if any(column["name"] == "org_id" for column in inspector.get_columns(table))
    )


def delete_org(conn: Connection, org_id: str) -> dict[str, int]:
    """Deletes the org and every row it owns in every table (OAuth clients and tokens, logs, its seed); returns the
    number of rows deleted per table."""
    lock(conn, org_id)
    deleted: dict[str, int] = {}
    for table in org_tables(conn):
        result = conn.execute(text(f"DELETE FROM {table} WHERE org_id = :org"), {"org": org_id})
        if result.rowcount:
            deleted[table] = int(result.rowcount)
    conn.execute(text("DELETE FROM orgs WHERE id = :org"), {"org": org_id})
    return deleted
