"""The request log and fault rules of the control plane.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

ID = sa.String(19)


def upgrade() -> None:
    op.create_table(
        "request_log",
        sa.Column("org_id", ID, primary_key=True),
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),  # 1, 2, … per org
        sa.Column("time", sa.BigInteger, nullable=False),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("query", sa.Text, nullable=False),
        sa.Column("module", sa.String(100)),
        sa.Column("operation", sa.String(16)),
        sa.Column("user_id", ID),
        sa.Column("status", sa.Integer),  # null: the connection was dropped
        sa.Column("duration_ms", sa.Float, nullable=False),
        sa.Column("request_body", sa.Text),
        sa.Column("response_body", sa.Text),
        sa.Column("fault", sa.Text),  # JSON: the fault that fired, if any
    )
    op.create_table(
        "fault_rules",
        sa.Column("org_id", ID, primary_key=True),
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),  # 1, 2, … per org
        sa.Column("created_time", sa.BigInteger, nullable=False),
        sa.Column("definition", sa.Text, nullable=False),  # JSON: match, effect, probability, seed, count
        sa.Column("remaining", sa.Integer),  # what is left of count (null: no count)
    )
    # raised by every change to the org's rules; read with the token, so an org without rules costs nothing
    op.add_column("orgs", sa.Column("faults_version", sa.Integer, nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("orgs") as batch:
        batch.drop_column("faults_version")
    op.drop_table("fault_rules")
    op.drop_table("request_log")
