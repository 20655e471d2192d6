"""An org's installed functions: the Python code its workflow rules call, by name (docs/automation.md). Before,
each rule's function action held the source itself; this moves every such source into the table (a name used with
two different sources in one org keeps the first; the others get ``<name>_<first 8 hex digits of the source's
SHA-256>``, and their actions follow) and leaves the actions naming their function only.

Revision ID: 0010
Revises: 0009
"""

import hashlib
import json

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

ID = sa.String(19)


def upgrade() -> None:
    op.create_table(
        "functions",
        sa.Column("org_id", ID, primary_key=True),
        sa.Column("name", sa.String(255), primary_key=True),
        sa.Column("handler", sa.String(255), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
    )
    conn = op.get_bind()
    found: dict[str, dict[str, tuple[str, str]]] = {}  # org -> name -> (handler, source)
    rows = conn.execute(sa.text("SELECT org_id, id, definition FROM modules ORDER BY org_id, seq, id")).all()
    for org_id, module_id, text in rows:
        definition = json.loads(text)
        changed = False
        for rule in definition.get("workflow_rules") or []:
            for action in rule.get("actions") or []:
                if action.get("type") != "function" or "source" not in action:
                    continue
                name, source = str(action.get("function")), str(action.pop("source"))
                handler = str(action.pop("handler", None) or name)
                known = found.setdefault(org_id, {})
                if known.get(name, (handler, source)) != (handler, source):
                    name = f"{name}_{hashlib.sha256(source.encode()).hexdigest()[:8]}"
                    action["function"] = name
                known.setdefault(name, (handler, source))
                changed = True
        if changed:
            conn.execute(
                sa.text("UPDATE modules SET definition = :d WHERE org_id = :org AND id = :id"),
                {"d": json.dumps(definition, ensure_ascii=False), "org": org_id, "id": module_id},
            )
    for org_id, functions in found.items():
        for name, (handler, source) in functions.items():
            conn.execute(
                sa.text("INSERT INTO functions (org_id, name, handler, source) VALUES (:org, :n, :h, :s)"),
                {"org": org_id, "n": name, "h": handler, "s": source},
            )
        conn.execute(
            sa.text("UPDATE orgs SET schema_version = schema_version + 1 WHERE id = :org"), {"org": org_id}
        )


def downgrade() -> None:
    op.drop_table("functions")
