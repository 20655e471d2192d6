"""A record's world (zoho-v5-related.md): many-to-many links, the recycle bin, files and their content, attachments,
tags.

- ``relations``: one row per linked pair of a many-to-many relation (``relation`` names it, e.g. ``Campaigns.Leads``;
  ``left_id`` is the record of the relation's first module), with the junction fields (``Member_Status``,
  ``list_price``) as a JSON object.
- ``deleted_records``: the recycle bin; a deleted record's row as it was (``record``, JSON), for listing and recovery.
- ``blobs``: file content addressed by its SHA-256, in chunks (``seq`` from 0), kept once per org however many files
  use it; ``files``: an uploaded file (Files API, attachments, photos, upload fields) naming its content.
- ``attachments``: a record's attachments, a file (``file_id``) or a link (``link_url``).
- ``tags`` (per module) and ``record_tags`` (which records carry which tag).

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

ID = sa.String(19)
FILE_ID = sa.String(64)


def upgrade() -> None:
    op.create_table(
        "relations",
        sa.Column("org_id", ID, primary_key=True),
        sa.Column("relation", sa.String(100), primary_key=True),
        sa.Column("left_id", ID, primary_key=True),
        sa.Column("right_id", ID, primary_key=True),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("created_time", sa.BigInteger, nullable=False),
    )
    op.create_index("relations_right", "relations", ["org_id", "relation", "right_id"])
    op.create_index("relations_left_record", "relations", ["org_id", "left_id"])
    op.create_index("relations_right_record", "relations", ["org_id", "right_id"])
    op.create_table(
        "deleted_records",
        sa.Column("org_id", ID, primary_key=True),
        sa.Column("id", ID, primary_key=True),
        sa.Column("module_id", ID, nullable=False),
        sa.Column("display_name", sa.Text, nullable=True),
        sa.Column("deleted_by", ID, nullable=True),
        sa.Column("deleted_time", sa.BigInteger, nullable=False),
        sa.Column("created_by", ID, nullable=True),
        sa.Column("record", sa.Text, nullable=False),
    )
    op.create_index("deleted_records_module_time", "deleted_records", ["org_id", "module_id", "deleted_time"])
    op.create_table(
        "blobs",
        sa.Column("org_id", ID, primary_key=True),
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "files",
        sa.Column("org_id", ID, primary_key=True),
        sa.Column("id", FILE_ID, primary_key=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("content_type", sa.Text, nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("created_by", ID, nullable=False),
        sa.Column("created_time", sa.BigInteger, nullable=False),
    )
    op.create_index("files_content", "files", ["org_id", "sha256"])
    op.create_table(
        "attachments",
        sa.Column("org_id", ID, primary_key=True),
        sa.Column("id", ID, primary_key=True),
        sa.Column("record_id", ID, nullable=False),
        sa.Column("module_id", ID, nullable=False),  # the parent record's module
        sa.Column("file_id", FILE_ID, nullable=True),
        sa.Column("link_url", sa.Text, nullable=True),
        sa.Column("file_name", sa.Text, nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("owner_id", ID, nullable=False),
        sa.Column("created_by", ID, nullable=False),
        sa.Column("modified_by", ID, nullable=False),
        sa.Column("created_time", sa.BigInteger, nullable=False),
        sa.Column("modified_time", sa.BigInteger, nullable=False),
    )
    op.create_index("attachments_record", "attachments", ["org_id", "record_id"])
    op.create_table(
        "tags",
        sa.Column("org_id", ID, primary_key=True),
        sa.Column("id", ID, primary_key=True),
        sa.Column("module_id", ID, nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("color_code", sa.String(16), nullable=True),
        sa.Column("created_by", ID, nullable=False),
        sa.Column("modified_by", ID, nullable=False),
        sa.Column("created_time", sa.BigInteger, nullable=False),
        sa.Column("modified_time", sa.BigInteger, nullable=False),
    )
    op.create_index("tags_module", "tags", ["org_id", "module_id"])
    op.create_table(
        "record_tags",
        sa.Column("org_id", ID, primary_key=True),
        sa.Column("record_id", ID, primary_key=True),
        sa.Column("tag_id", ID, primary_key=True),
    )
    op.create_index("record_tags_tag", "record_tags", ["org_id", "tag_id"])


def downgrade() -> None:
    for table in ("record_tags", "tags", "attachments", "files", "blobs", "deleted_records", "relations"):
        op.drop_table(table)
