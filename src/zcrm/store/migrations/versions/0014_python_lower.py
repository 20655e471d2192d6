"""``zcrm_lower(text)`` on PostgreSQL: text lower-cased as Python's ``str.lower`` does (zoho-v5-queries.md §1.2), the
function SQLite connections register in Python (``store/db.py``). PostgreSQL's ``lower`` maps one character to one
and knows no context, so this one first makes a capital dotted I the two characters Python gives (``i̇``) and a
final capital sigma (after a letter, before none) a final small sigma (``ς``). Search and COQL compare text with it
on both databases. A SQL function of one expression: the planner inlines it.

Revision ID: 0014
Revises: 0013
"""

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

FUNCTION = """
CREATE OR REPLACE FUNCTION zcrm_lower(value text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT lower(regexp_replace(replace(value, 'İ', 'i̇'), '(?<=[[:alpha:]])Σ(?![[:alpha:]])', 'ς', 'g')) $$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(FUNCTION)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS zcrm_lower(text)")
