"""The schema's tenancy rules on the migrated database (SQLite or PostgreSQL): every table that holds org data
leads its primary key and every unique key with ``org_id`` and has no foreign key, so that it can be distributed
by org (Citus). The reference tables, replicated to every node instead, are listed and kept few."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect

from tests.conftest import make_settings
from zcrm.store import Database

REFERENCE_TABLES = {
    "server_meta",
    "orgs",
    "oauth_clients",
    "oauth_tokens",
    "alembic_version",
    "org_templates",
}


def test_every_org_table_is_keyed_by_org(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "rules")
    settings.data_dir.mkdir(parents=True)
    db = Database(settings.effective_database_url)
    try:
        db.migrate()
        inspector = inspect(db.engine)
        tables = set(inspector.get_table_names())
        org_tables = tables - REFERENCE_TABLES
        assert {"records", "unique_values", "changes", "users", "modules", "fields"} <= org_tables
        for table in sorted(org_tables):
            primary = inspector.get_pk_constraint(table)["constrained_columns"]
            assert primary[0] == "org_id", (table, primary)
            assert inspector.get_foreign_keys(table) == [], table
            for index in inspector.get_indexes(table):
                if index["unique"]:
                    assert index["column_names"][0] == "org_id", (table, index)
            for constraint in inspector.get_unique_constraints(table):
                assert constraint["column_names"][0] == "org_id", (table, constraint)
        for table in REFERENCE_TABLES & tables:
            assert inspector.get_foreign_keys(table) == [], table
    finally:
        db.dispose()
