"""Record processes: one row per record and kind (approval, review, Zia image validation) with where it stands
and what happened; the record's own columns keep the state that every write checks.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

ID = sa.String(19)


def upgrade() -> None:
    op.create_table(
        "record_processes",
        sa.Column("org_id", ID, primary_key=True),
        sa.Column("record_id", ID, primary_key=True),
        sa.Column("kind", sa.String(16), primary_key=True),  # approval | review | zia
        sa.Column("module_id", ID, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),  # pending | approved | rejected
        sa.Column("detail", sa.Text, nullable=False),  # JSON: the process's state and history
        sa.Column("updated_time", sa.BigInteger, nullable=False),
    )
    op.create_index("record_processes_status", "record_processes", ["org_id", "kind", "status"])


def downgrade() -> None:
    op.drop_index("record_processes_status", "record_processes")
    op.drop_table("record_processes")
