"""Webhook deliveries: queued in the transaction of the write whose rule fired them, sent in the background.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

ID = sa.String(19)


def upgrade() -> None:
    op.create_table(
        "webhook_deliveries",
        sa.Column("org_id", ID, primary_key=True),
        sa.Column("id", ID, primary_key=True),
        sa.Column("created_time", sa.BigInteger, nullable=False),
        sa.Column("rule", sa.Text, nullable=False),
        sa.Column("webhook", sa.Text, nullable=False),
        sa.Column("module", sa.String(100), nullable=False),
        sa.Column("record_id", ID, nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("body_type", sa.String(8), nullable=False),  # json | form
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("secret", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),  # pending | delivered | failed
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_ms", sa.BigInteger, nullable=False),  # when it is due (or its claim expires)
        sa.Column("attempt_log", sa.Text, nullable=False),  # JSON: one entry per attempt
    )
    op.create_index("webhook_deliveries_due", "webhook_deliveries", ["status", "next_attempt_ms"])


def downgrade() -> None:
    op.drop_index("webhook_deliveries_due", "webhook_deliveries")
    op.drop_table("webhook_deliveries")
