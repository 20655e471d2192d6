"""The automation log: every function run (and, later, webhook delivery) that workflow rules started.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

ID = sa.String(19)


def upgrade() -> None:
    op.create_table(
        "automation_log",
        sa.Column("org_id", ID, primary_key=True),
        sa.Column("id", ID, primary_key=True),
        sa.Column("time", sa.BigInteger, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),  # function
        sa.Column("rule", sa.Text, nullable=False),
        sa.Column("module", sa.String(100), nullable=False),
        sa.Column("record_id", ID, nullable=False),
        sa.Column("target", sa.Text, nullable=False),  # the function's name
        sa.Column("status", sa.String(16), nullable=False),  # success | error | skipped
        sa.Column("detail", sa.Text, nullable=False),  # JSON: what it returned, or the error
    )


def downgrade() -> None:
    op.drop_table("automation_log")
