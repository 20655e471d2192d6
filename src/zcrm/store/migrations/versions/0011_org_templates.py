"""Org templates: the rows of an org made from one org definition, kept once under a placeholder org id and copied
into each new org of that definition (and back on a reset) instead of replaying the definition
(``store/templates.py``).

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

ID = sa.String(19)


def upgrade() -> None:
    op.create_table(
        "org_templates",
        sa.Column("key", sa.String(64), primary_key=True),  # SHA-256 of the normalised definition
        sa.Column("template_id", ID, nullable=False, unique=True),  # the org id its rows are kept under
        sa.Column("next_id", sa.BigInteger, nullable=False),  # the counter after its ids
        sa.Column("info", sa.Text, nullable=False),  # the org's info (the orgs column)
        sa.Column("counts", sa.Text, nullable=False),  # rows per snapshot table, a JSON object
        sa.Column("created_time", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("org_templates")
