"""Search keys: table ``record_keys`` (``store/keys.py``), one row per top-level record and indexed field, with an
index for text keys and one for number keys; filled here for the records already stored.

On PostgreSQL the text key compares in byte order (``COLLATE "C"``), as SQLite's binary collation and Python do,
so that a prefix is a range of the index.

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

ID = sa.String(19)


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "record_keys",
        sa.Column("org_id", ID, primary_key=True),
        sa.Column("record_id", ID, primary_key=True),
        sa.Column("field", sa.String(100), primary_key=True),  # the field's API name
        sa.Column("module_id", ID, nullable=False),
        sa.Column("text_key", sa.Text(collation="C") if postgres else sa.Text, nullable=True),
        sa.Column("num_key", sa.Numeric, nullable=True),
        sqlite_with_rowid=False,
    )
    op.create_index(
        "record_keys_text",
        "record_keys",
        ["org_id", "module_id", "field", "text_key"],
        sqlite_where=sa.text("text_key IS NOT NULL"),
        postgresql_where=sa.text("text_key IS NOT NULL"),
    )
    op.create_index(
        "record_keys_number",
        "record_keys",
        ["org_id", "module_id", "field", "num_key"],
        sqlite_where=sa.text("num_key IS NOT NULL"),
        postgresql_where=sa.text("num_key IS NOT NULL"),
    )
    _fill(op.get_bind())


def _fill(conn: sa.Connection) -> None:
    """The keys of the records stored so far, org by org (the key rules of ``store/keys.py``)."""
    from zcrm.store import keys
    from zcrm.store.orgs import load_schema

    orgs = [row[0] for row in conn.execute(sa.text("SELECT DISTINCT org_id FROM records"))]
    for org_id in orgs:
        if conn.execute(sa.text("SELECT 1 FROM orgs WHERE id = :org"), {"org": org_id}).first() is not None:
            keys.rebuild(conn, org_id, load_schema(conn, org_id))


def downgrade() -> None:
    op.drop_index("record_keys_number", "record_keys")
    op.drop_index("record_keys_text", "record_keys")
    op.drop_table("record_keys")
