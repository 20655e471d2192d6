"""The initial schema: orgs, metadata, users, OAuth, records, unique values, changes.

Every table that holds org data leads its primary key with ``org_id``.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ID = sa.String(19)


def upgrade() -> None:
    op.create_table(
        "server_meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "orgs",
        sa.Column("id", ID, primary_key=True),
        sa.Column("prefix", sa.String(7), nullable=False, unique=True),
        sa.Column("next_id", sa.BigInteger, nullable=False),
        sa.Column("schema_version", sa.Integer, nullable=False),
        sa.Column("is_default", sa.Boolean, nullable=False),
        sa.Column("info", sa.Text, nullable=False),
        sa.Column("created_time", sa.BigInteger, nullable=False),
    )
    for table in ("modules", "fields", "layouts", "profiles", "roles"):
        op.create_table(
            table,
            sa.Column("org_id", ID, primary_key=True),
            sa.Column("id", ID, primary_key=True),
            sa.Column("module_id", ID, nullable=True),
            sa.Column("seq", sa.Integer, nullable=False),
            sa.Column("definition", sa.Text, nullable=False),
        )
    op.create_table(
        "users",
        sa.Column("org_id", ID, primary_key=True),
        sa.Column("id", ID, primary_key=True),
        sa.Column("email", sa.String(255), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("definition", sa.Text, nullable=False),
        sa.Column("created_time", sa.BigInteger, nullable=False),
        sa.Column("modified_time", sa.BigInteger, nullable=False),
    )
    op.create_index("users_email", "users", ["org_id", "email"], unique=True)
    op.create_table(
        "oauth_clients",
        sa.Column("org_id", ID, primary_key=True),
        sa.Column("client_id", sa.String(64), primary_key=True),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("client_type", sa.String(32), nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("redirect_uri", sa.Text, nullable=True),
        sa.Column("created_time", sa.BigInteger, nullable=False),
    )
    op.create_index("oauth_clients_client_id", "oauth_clients", ["client_id"], unique=True)
    op.create_table(
        "oauth_tokens",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("org_id", ID, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),  # grant | refresh | access
        sa.Column("client_id", sa.String(64), nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("scopes", sa.Text, nullable=False),
        sa.Column("parent_hash", sa.String(64), nullable=True),
        sa.Column("redirect_uri", sa.Text, nullable=True),
        sa.Column("created_time", sa.BigInteger, nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),  # issue order among a refresh token's access tokens
        sa.Column("expires_time", sa.BigInteger, nullable=True),
        sa.Column("used", sa.Boolean, nullable=False),
    )
    op.create_index("oauth_tokens_parent", "oauth_tokens", ["parent_hash", "seq"])
    op.create_table(
        "records",
        sa.Column("org_id", ID, primary_key=True),
        sa.Column("id", ID, primary_key=True),
        sa.Column("module_id", ID, nullable=False),
        sa.Column("parent_id", ID, nullable=True),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("owner_id", ID, nullable=True),
        sa.Column("created_by", ID, nullable=False),
        sa.Column("modified_by", ID, nullable=False),
        sa.Column("created_time", sa.BigInteger, nullable=False),
        sa.Column("modified_time", sa.BigInteger, nullable=False),
        sa.Column("approval_state", sa.String(32), nullable=False),
        sa.Column("lock_state", sa.String(32), nullable=True),
        sa.Column("converted", sa.Boolean, nullable=False),
    )
    op.create_index("records_module", "records", ["org_id", "module_id", "id"])
    op.create_index("records_module_created", "records", ["org_id", "module_id", "created_time", "id"])
    op.create_index("records_module_modified", "records", ["org_id", "module_id", "modified_time", "id"])
    op.create_index("records_parent", "records", ["org_id", "parent_id"])
    op.create_table(
        "unique_values",
        sa.Column("org_id", ID, primary_key=True),
        sa.Column("field_id", ID, primary_key=True),
        sa.Column("value", sa.Text, primary_key=True),
        sa.Column("record_id", ID, nullable=False),
    )
    op.create_index("unique_values_record", "unique_values", ["org_id", "record_id"])
    op.create_table(
        "sequences",
        sa.Column("org_id", ID, primary_key=True),
        sa.Column("field_id", ID, primary_key=True),
        sa.Column("next_value", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "changes",
        sa.Column("org_id", ID, primary_key=True),
        sa.Column("id", ID, primary_key=True),
        sa.Column("module_id", ID, nullable=False),
        sa.Column("record_id", ID, nullable=False),
        sa.Column("operation", sa.String(16), nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("time", sa.BigInteger, nullable=False),
        sa.Column("triggers", sa.Text, nullable=False),  # the effective trigger set, a JSON array
        sa.Column("changed", sa.Text, nullable=False),  # {field: [old, new]} for the fields the write changed
        sa.Column("before", sa.Text, nullable=True),
        sa.Column("after", sa.Text, nullable=True),
    )
    op.create_index("changes_record", "changes", ["org_id", "record_id", "id"])


def downgrade() -> None:
    for table in (
        "changes",
        "sequences",
        "unique_values",
        "records",
        "oauth_tokens",
        "oauth_clients",
        "users",
        "roles",
        "profiles",
        "layouts",
        "fields",
        "modules",
        "orgs",
        "server_meta",
    ):
        op.drop_table(table)
