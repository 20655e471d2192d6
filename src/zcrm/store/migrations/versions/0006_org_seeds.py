"""What an org is reset to (its seed snapshot): one ``zcrm-snapshot/1`` document per org, stored when the org is
created and replaced by ``PUT /__zcrm/orgs/{id}/seed``.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

ID = sa.String(19)


def upgrade() -> None:
    op.create_table(
        "org_seeds",
        sa.Column("org_id", ID, primary_key=True),
        sa.Column("snapshot", sa.Text, nullable=False),  # the seed, a zcrm-snapshot/1 JSON document
        sa.Column("created_time", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("org_seeds")
