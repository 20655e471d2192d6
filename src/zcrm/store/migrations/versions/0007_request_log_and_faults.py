"""The request log and fault rules of the control plane.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op  # noqa: F401

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

ID = sa.String(19)


def upgrade() -> None:
    pass  # filled in by the change that needs it


def downgrade() -> None:
    pass
