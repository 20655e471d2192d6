"""Notification channels of the Notifications API (``/crm/v5/actions/watch``): one row per org and channel, with
the events it watches and when it expires; record writes read an org's live channels by expiry.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

ID = sa.String(19)


def upgrade() -> None:
    op.create_table(
        "notification_channels",
        sa.Column("org_id", ID, primary_key=True),
        sa.Column("channel_id", ID, primary_key=True),
        sa.Column("events", sa.Text, nullable=False),  # JSON: ["Deals.create", ...]
        sa.Column("notify_url", sa.Text, nullable=False),
        sa.Column("token", sa.Text, nullable=True),
        sa.Column("channel_expiry", sa.BigInteger, nullable=False),  # epoch seconds
        sa.Column("return_affected_field_values", sa.Boolean, nullable=False),
        sa.Column("notify_on_related_action", sa.Boolean, nullable=False),
        sa.Column("fields", sa.Text, nullable=True),  # JSON, as given
        sa.Column("notification_condition", sa.Text, nullable=True),  # JSON, as given
        sa.Column("created_by", ID, nullable=False),
        sa.Column("created_time", sa.BigInteger, nullable=False),
        sa.Column("modified_time", sa.BigInteger, nullable=False),
    )
    op.create_index("notification_channels_live", "notification_channels", ["org_id", "channel_expiry"])


def downgrade() -> None:
    op.drop_index("notification_channels_live", "notification_channels")
    op.drop_table("notification_channels")
