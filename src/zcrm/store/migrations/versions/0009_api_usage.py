"""API credits used per org, for the emulated limits.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op  # noqa: F401

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

ID = sa.String(19)


def upgrade() -> None:
    pass  # filled in by the change that needs it


def downgrade() -> None:
    pass
