"""Search keys of lookup fields (``store/keys.py``, form ``lookup``: the id of the record a lookup names, in
``text_keys``): a record's notes, a lookup-based related list and a record's activities are found through them instead
of reading every record of the module. Written here for the records stored so far; no table changes.

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """The keys of every org's records again (with the key rules of ``store/keys.py``, lookups included)."""
    from zcrm.store import keys
    from zcrm.store.orgs import load_schema

    conn = op.get_bind()
    orgs = [row[0] for row in conn.execute(sa.text("SELECT DISTINCT org_id FROM records"))]
    for org_id in orgs:
        if conn.execute(sa.text("SELECT 1 FROM orgs WHERE id = :org"), {"org": org_id}).first() is not None:
            keys.rebuild(conn, org_id, load_schema(conn, org_id))


def downgrade() -> None:
    """Lookup keys stay (searches never read them); nothing to undo."""
