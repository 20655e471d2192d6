"""Shared fields: an org made from a template reads the template's field rows (with its own prefix in their ids)
instead of holding a copy (``store/fields.py``).

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # the template org id (org_templates.template_id) whose fields the org reads; NULL: it holds its own
    op.add_column("orgs", sa.Column("fields_from", sa.String(19), nullable=True))


# each sharing org gets its own copy of the template's fields, as store/templates.py would have written it
MATERIALISE = (
    "INSERT INTO fields (org_id, id, module_id, seq, definition) "
    "SELECT o.id, o.prefix || substr(f.id, 8), o.prefix || substr(f.module_id, 8), f.seq, "
    "replace(f.definition, '\"0000000', '\"' || o.prefix) FROM orgs o JOIN fields f ON f.org_id = o.fields_from"
)


def downgrade() -> None:
    op.execute(MATERIALISE)
    op.drop_column("orgs", "fields_from")
