"""Per-org clocks (frozen, set, advanced).

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op  # noqa: F401

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

ID = sa.String(19)


def upgrade() -> None:
    pass  # filled in by the change that needs it


def downgrade() -> None:
    pass
