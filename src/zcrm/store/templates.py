"""Org templates (table ``org_templates``): a new org of the control plane copies the rows of a prepared org rather
than replaying its org file.

A template is the rows ``store.orgs.write_definition`` makes from one normalised definition, written once per
distinct definition (its SHA-256 is the key) under the org id ``t<18 hex digits of the key>``, with the placeholder
prefix ``0000000`` (below every real prefix) in every id. A new org copies them with ``INSERT … SELECT``: ids get the
org's prefix in their first 7 digits, ids inside JSON definitions (picklist values, rules, approvers, …) too, users
get the org's creation time. The same copy resets the org (``store/snapshots.py``). A definition that holds the
placeholder itself, as a string or the start of one, is replayed as before.

Every function runs in the caller's write transaction.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Connection, text

from zcrm.schema.snapshot import JSON_KINDS, TABLES
from zcrm.store import fields
from zcrm.store.orgs import insert_org, write_definition

PLACEHOLDER = "0000000"  # the prefix of a template's ids: no org has it (store/prefixes.py: MIN_PREFIX)
VERSION = "1"  # part of the key: a change to what write_definition stores makes new templates
MARKER = '{"template":"'  # how org_seeds holds "the seed is the template" (no snapshot has that key)
TIME_COLUMNS = {"users": ("created_time", "modified_time")}  # set to the org's creation time
# what load_schema reads: every change to these bumps the org's schema_version (store/admin.py; the schema caches
# rely on it), so an org at the schema version of its last copy still holds the template's rows there
METADATA = ("roles", "profiles", "modules", "fields", "layouts", "users")


@dataclass(frozen=True)
class Definition:
    """A normalised org definition with its template key, computed once (``auth/provision.py`` keeps recent ones:
    hashing the standard org's definition costs more than copying its template)."""

    definition: dict[str, Any]
    key: str
    usable: bool  # see ``usable``


@dataclass(frozen=True)
class Template:
    key: str
    template_id: str  # the org id its rows are kept under
    next_id: int
    info: str
    counts: dict[str, int]  # rows per snapshot table


def _dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


def template_key(definition: dict[str, Any]) -> str:
    return hashlib.sha256(
        f"{VERSION}:".encode() + orjson.dumps(definition, option=orjson.OPT_SORT_KEYS)
    ).hexdigest()


def usable(definition: dict[str, Any]) -> bool:
    """Whether the placeholder's rewriting can touch nothing but ids: the definition holds no JSON string starting
    with it (every other ``"0000000`` in a template's rows is then the start of one of its ids)."""
    return f'"{PLACEHOLDER}' not in orjson.dumps(definition).decode()


def definition_of(definition: dict[str, Any]) -> Definition:
    return Definition(definition, template_key(definition), usable(definition))


def find(conn: Connection, key: str) -> Template | None:
    row = conn.execute(
        text("SELECT key, template_id, next_id, info, counts FROM org_templates WHERE key = :k"), {"k": key}
    ).first()
    if row is None:
        return None
    return Template(row[0], row[1], int(row[2]), row[3], orjson.loads(row[4]))


def prepare(conn: Connection, prepared: Definition, now: int) -> Template | None:
    """The template of a normalised definition, written on first use; None when the definition cannot have one
    (``usable``)."""
    if not prepared.usable:
        return None
    key, definition = prepared.key, prepared.definition
    found = find(conn, key)
    if found is not None:
        return found
    if conn.dialect.name == "postgresql":  # two first uses at once: the second waits, then finds the first's
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": int(key[:15], 16)})
        found = find(conn, key)
        if found is not None:
            return found
    template_id = "t" + key[:18]
    next_id = write_definition(conn, template_id, PLACEHOLDER, definition, now)
    counts = {
        table: int(
            conn.execute(
                text(f"SELECT COUNT(*) FROM {table} WHERE org_id = :org"), {"org": template_id}
            ).scalar_one()
        )
        for table in TABLES
    }
    template = Template(key, template_id, next_id, _dumps(definition["org"]), counts)
    conn.execute(
        text(
            "INSERT INTO org_templates (key, template_id, next_id, info, counts, created_time) "
            "VALUES (:k, :t, :n, :info, :counts, :now)"
        ),
        {
            "k": key,
            "t": template_id,
            "n": next_id,
            "info": template.info,
            "counts": _dumps(counts),
            "now": now,
        },
    )
    return template


def _column(table: str, name: str, kind: str) -> str:
    if kind == "id":
        return f"CAST(:prefix AS TEXT) || substr({name}, 8)"
    if kind in JSON_KINDS:
        return f"replace({name}, :placeholder, :quoted_prefix)"
    if name in TIME_COLUMNS.get(table, ()):
        return "CAST(:now AS BIGINT)"
    return name


def copy(
    conn: Connection, template: Template, org_id: str, prefix: str, now: int, skip: tuple[str, ...] = ()
) -> None:
    """Copies the template's rows into the org (which holds none in those tables): ids with ``prefix``, users made
    at ``now``; not into the tables in ``skip``. The org shares the template's fields rather than copying them
    (``store/fields.py``)."""
    params = {
        "org": org_id,
        "template": template.template_id,
        "prefix": prefix,
        "placeholder": f'"{PLACEHOLDER}',
        "quoted_prefix": f'"{prefix}',
        "now": now,
    }
    copies = []
    for table, columns in TABLES.items():
        if table in skip or not template.counts.get(table):
            continue
        if table == "fields":  # shared, not copied (store/fields.py)
            fields.share(conn, org_id, template.template_id)
            continue
        names = ", ".join(c.name for c in columns)
        values = ", ".join(_column(table, c.name, c.kind) for c in columns)
        copies.append(
            f"INSERT INTO {table} (org_id, {names}) SELECT :org, {values} FROM {table} WHERE org_id = :template"
        )
    if conn.dialect.name == "postgresql" and len(copies) > 1:
        # one statement (data-modifying WITH clauses): each statement is a round trip to the server
        heads = ", ".join(f"c{i} AS ({sql})" for i, sql in enumerate(copies[:-1]))
        copies = [f"WITH {heads} {copies[-1]}"]
    for sql in copies:
        conn.execute(text(sql), params)


def seed_marker(key: str, schema_version: int) -> str:
    """What ``org_seeds`` holds for an org whose seed is its template, copied last when the org's schema version
    became ``schema_version`` (so that a reset knows whether its metadata changed since)."""
    return f'{MARKER}{key}","schema_version":{schema_version}}}'


def read_marker(stored: str) -> tuple[str, int] | None:
    """The template key and schema version of a stored seed that is a marker, else None."""
    if not stored.startswith(MARKER):
        return None
    marker = orjson.loads(stored)
    return str(marker["template"]), int(marker["schema_version"])


def create_org(
    conn: Connection, definition: dict[str, Any] | Definition, now: int, *, seed: int | None = None
) -> str | None:
    """A new org (not the default) from a normalised definition, copied from its template; returns its id, or None
    when the definition has no template (``store.snapshots.new_org`` then writes its rows one by one). The same
    ids, rows and seed as ``store.orgs.create_org`` makes, in a fraction of the time."""
    prepared = definition if isinstance(definition, Definition) else definition_of(definition)
    template = prepare(conn, prepared, now)
    if template is None:
        return None
    org_id, prefix = insert_org(conn, seed, template.next_id, False, template.info, now)
    copy(conn, template, org_id, prefix, now)
    conn.execute(
        text("INSERT INTO org_seeds (org_id, snapshot, created_time) VALUES (:org, :s, :now)"),
        {"org": org_id, "s": seed_marker(template.key, 1), "now": now},
    )
    return org_id
