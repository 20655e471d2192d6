"""API credits used per org, for the emulated limits (docs/limits.md): one row per org and minute of the org's
clock, holding the credits charged in that minute. The credits of the last 24 hours are the sum of an org's rows
(at most 1,441); older rows are deleted as new minutes begin.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

ID = sa.String(19)


def upgrade() -> None:
    op.create_table(
        "api_usage",
        sa.Column("org_id", ID, primary_key=True),
        sa.Column("minute", sa.BigInteger, primary_key=True, autoincrement=False),  # org epoch seconds // 60
        sa.Column("credits", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("api_usage")
