"""Per-org clocks (frozen, set, advanced): each org's time is the server's plus ``clock_offset`` seconds, or
``clock_frozen`` (epoch seconds) while the clock is frozen. A new org reads the server's clock (0, NULL).

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

ID = sa.String(19)


def upgrade() -> None:
    op.add_column(
        "orgs", sa.Column("clock_offset", sa.BigInteger, nullable=False, server_default=sa.text("0"))
    )
    op.add_column("orgs", sa.Column("clock_frozen", sa.BigInteger, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("orgs") as batch:
        batch.drop_column("clock_frozen")
        batch.drop_column("clock_offset")
