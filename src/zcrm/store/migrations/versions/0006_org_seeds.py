"""What an org is reset to (its seed snapshot).

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op  # noqa: F401

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

ID = sa.String(19)


def upgrade() -> None:
    pass  # filled in by the change that needs it


def downgrade() -> None:
    pass
