"""Search keys: tables ``text_keys`` and ``number_keys`` (``store/keys.py``), one row per top-level record and
indexed field, whose primary key (every column, the key before the record id) is the index searches read; filled
here for the records already stored.

On PostgreSQL text keys compare in byte order (``COLLATE "C"``), as SQLite's binary collation and Python do, so
that a prefix is a range of the index.

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
    for table, kind in (
        ("text_keys", sa.Text(collation="C") if postgres else sa.Text()),
        ("number_keys", sa.Numeric()),
    ):
        op.create_table(
            table,
            sa.Column("org_id", ID, primary_key=True),
            sa.Column("module_id", ID, primary_key=True),
            sa.Column("field", sa.String(100), primary_key=True),  # the field's API name
            sa.Column("search_key", kind, primary_key=True),
            sa.Column("record_id", ID, primary_key=True),
            sqlite_with_rowid=False,
        )
    _fill(op.get_bind())


def _fill(conn: sa.Connection) -> None:
    """The keys of the records stored so far, org by org (with the key rules of ``store/keys.py``)."""
    from zcrm.store import keys
    from zcrm.store.orgs import load_schema

    orgs = [row[0] for row in conn.execute(sa.text("SELECT DISTINCT org_id FROM records"))]
    for org_id in orgs:
        if conn.execute(sa.text("SELECT 1 FROM orgs WHERE id = :org"), {"org": org_id}).first() is not None:
            keys.rebuild(conn, org_id, load_schema(conn, org_id))


def downgrade() -> None:
    op.drop_table("number_keys")
    op.drop_table("text_keys")
