"""An index of each module's records by ``created_time`` descending, then ``id`` ascending, on SQLite: COQL's
``ORDER BY Created_Time DESC`` breaks ties by id ascending (zoho-v5-queries.md §3.7), which the ascending index
``records_module_created`` serves only for its first key, so SQLite read and sorted every record sharing the newest
seconds. PostgreSQL sorts such ties incrementally and would pay the index on every update (a non-HOT update
writes every index of the row), so it has none.

Revision ID: 0015
Revises: 0014
"""

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE INDEX records_module_created_desc ON records (org_id, module_id, created_time DESC, id)"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP INDEX records_module_created_desc")
