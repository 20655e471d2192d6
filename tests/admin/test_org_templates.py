"""New orgs copied from a template (``store/templates.py``) are the orgs the org file's replay makes: the same ids
(with ZCRM_SEED), rows, seed document and reset, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import Connection, text

from tests.conftest import SPECIMENS, effective_database_url
from zcrm.schema.orgfile import normalise, read_org_file
from zcrm.schema.snapshot import TABLES, parse
from zcrm.store import Database, fields, snapshots, templates

NOW = 1_700_000_000_000


def replay_org(conn: Connection, definition: dict[str, Any], now: int, *, seed: int) -> str:
    """An org whose rows are written one by one, with its seed kept (what a template copy must equal)."""
    return snapshots.new_org(conn, definition, now, seed=seed, template=False)


def _database(path: Path) -> Database:
    path.mkdir()
    db = Database(effective_database_url(path))
    db.migrate()
    return db


def _rows(conn: Connection, org_id: str) -> dict[str, list[tuple[Any, ...]]]:
    out = {}
    for table, columns in TABLES.items():
        names = ", ".join(c.name for c in columns)
        rows = conn.execute(
            text(f"SELECT {names} FROM {table} WHERE org_id = :org ORDER BY 1, 2"), {"org": org_id}
        )
        out[table] = [tuple(row) for row in rows]
    out["fields"] = sorted(fields.rows(conn, org_id))  # its own or its template's, as every reader sees them
    org = conn.execute(text("SELECT * FROM orgs WHERE id = :org"), {"org": org_id}).one()._asdict()
    del org["fields_from"]
    out["orgs"] = [tuple(org.values())]
    return out


def _held_fields(conn: Connection, org_id: str) -> tuple[int, str | None]:
    """The field rows the org holds itself, and the template whose fields it shares."""
    held = conn.execute(text("SELECT COUNT(*) FROM fields WHERE org_id = :org"), {"org": org_id}).scalar_one()
    shared = conn.execute(text("SELECT fields_from FROM orgs WHERE id = :org"), {"org": org_id}).scalar_one()
    return int(held), shared


@pytest.mark.parametrize("org_file", [None, SPECIMENS], ids=["standard", "specimens"])
def test_a_copied_org_is_the_replayed_org(tmp_path: Path, org_file: Path | None) -> None:
    definition = normalise(read_org_file(org_file))
    replayed_db, copied_db = _database(tmp_path / "replayed"), _database(tmp_path / "copied")
    try:
        with replayed_db.write() as conn:
            replayed = [replay_org(conn, definition, NOW + i, seed=7) for i in range(3)]
        with copied_db.write() as conn:
            copied = [templates.create_org(conn, definition, NOW + i, seed=7) for i in range(3)]
        assert copied == replayed  # the same ids with a seed: the template counts for no org
        with copied_db.read() as conn:
            template_id = conn.execute(text("SELECT template_id FROM org_templates")).scalar_one()
        for org_id in replayed:
            with replayed_db.write() as a, copied_db.write() as b:
                # the copy holds no fields of its own: it reads the template's (store/fields.py)
                held = sum(len(m["fields"]) for m in definition["modules"])
                assert _held_fields(a, org_id) == (held, None)
                assert _held_fields(b, org_id) == (0, template_id)
                assert _rows(b, org_id) == _rows(a, org_id)
                assert orjson.loads(snapshots.seed_text(b, org_id) or "") == orjson.loads(
                    snapshots.seed_text(a, org_id) or ""
                )
                assert snapshots.seed_of(b, org_id) == snapshots.seed_of(a, org_id)
                # reading the seed changed nothing (the copy it exports from is rolled back)
                assert _rows(b, org_id) == _rows(a, org_id)
        with copied_db.read() as conn:
            stored = conn.execute(text("SELECT COUNT(*) FROM org_templates")).scalar_one()
        assert stored == 1  # one template per definition
    finally:
        replayed_db.dispose()
        copied_db.dispose()


@pytest.mark.parametrize("metadata_changed", [True, False], ids=["metadata changed", "records only"])
def test_a_reset_copies_the_template_again(tmp_path: Path, metadata_changed: bool) -> None:
    definition = normalise(read_org_file(SPECIMENS))
    replayed_db, copied_db = _database(tmp_path / "replayed"), _database(tmp_path / "copied")
    try:
        with replayed_db.write() as a, copied_db.write() as b:
            org_id = replay_org(a, definition, NOW, seed=3)
            assert templates.create_org(b, definition, NOW, seed=3) == org_id
        for db in (replayed_db, copied_db):
            with (
                db.write() as conn
            ):  # changes the reset undoes: the id counter moved on, a record's sequence, …
                conn.execute(text("UPDATE orgs SET next_id = next_id + 50 WHERE id = :org"), {"org": org_id})
                conn.execute(
                    text("INSERT INTO sequences (org_id, field_id, next_value) VALUES (:org, '1', 5)"),
                    {"org": org_id},
                )
                if metadata_changed:  # … a user gone (as every metadata change, with a new schema version)
                    conn.execute(text("DELETE FROM users WHERE org_id = :org"), {"org": org_id})
                    conn.execute(
                        text("UPDATE orgs SET schema_version = schema_version + 1 WHERE id = :org"),
                        {"org": org_id},
                    )
        for _ in range(2):  # a second reset too (its metadata as the first one left it)
            with replayed_db.write() as a, copied_db.write() as b:
                assert snapshots.reset(b, org_id).counts() == snapshots.reset(a, org_id).counts()
            with replayed_db.read() as a, copied_db.read() as b:
                assert _rows(b, org_id) == _rows(a, org_id)
                assert _held_fields(b, org_id)[0] == 0 and _held_fields(b, org_id)[1] is not None
                assert not b.execute(
                    text("SELECT * FROM sequences WHERE org_id = :org"), {"org": org_id}
                ).all()
    finally:
        replayed_db.dispose()
        copied_db.dispose()


def test_a_definition_holding_the_placeholder_is_replayed(tmp_path: Path) -> None:
    raw = read_org_file(None)
    raw["org"]["company_name"] = templates.PLACEHOLDER + "123"
    definition = normalise(raw)
    assert not templates.usable(definition)
    db = _database(tmp_path / "db")
    try:
        with db.write() as conn:
            assert templates.create_org(conn, definition, NOW, seed=1) is None  # no template for it
            org_id = snapshots.new_org(conn, definition, NOW, seed=1)
            assert conn.execute(text("SELECT COUNT(*) FROM org_templates")).scalar_one() == 0
            assert snapshots.seed_of(conn, org_id) is not None
    finally:
        db.dispose()


def test_an_import_into_a_copied_org_ends_the_sharing(tmp_path: Path) -> None:
    """A snapshot import replaces the org's content: it then holds its own fields, those of the snapshot, and the
    template's rows (which other orgs read) are left as they were."""
    definition = normalise(read_org_file(SPECIMENS))
    db = _database(tmp_path / "db")
    try:
        with db.write() as conn:
            first = templates.create_org(conn, definition, NOW, seed=5)
            second = templates.create_org(conn, definition, NOW + 1, seed=5)
            assert first is not None and second is not None
            before = _rows(conn, second)
            document = snapshots.export(conn, first, NOW)
            field_count = len(document["fields"])
            assert field_count > 0 and _held_fields(conn, first)[0] == 0
            snapshots.replace_content(conn, first, parse(document))
            assert _held_fields(conn, first) == (field_count, None)
            assert snapshots.export(conn, first, NOW)["fields"] == document["fields"]
            assert _rows(conn, second) == before  # the other copy still reads the template's
    finally:
        db.dispose()
