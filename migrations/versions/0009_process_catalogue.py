"""process catalogue: version numbers, deploy reasons, shared drafts and deploys awaiting approval

Every version gets its number within its process (1, 2, 3 … in the order versions were
stored, so existing rows are numbered by id); every deployment a reason (existing ones: empty,
as the command line deployed them without one). A process may have one shared draft, and a
deploy may wait for a second process owner's approval. Instances get an index by version and
status so the catalogue counts the requests on each version without reading them.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

NUMBER_BY_ID = (
    "UPDATE process_versions SET number = (SELECT COUNT(*) FROM process_versions AS earlier"
    " WHERE earlier.process_id = process_versions.process_id"
    " AND earlier.id <= process_versions.id)")


# Plain ALTER TABLE, not a batch copy: other tables refer to process_versions and deployments.
def upgrade() -> None:
    op.add_column("process_versions", sa.Column("number", sa.Integer(), nullable=False,
                                                server_default="0"))
    op.execute(NUMBER_BY_ID)
    if op.get_bind().dialect.name != "sqlite":  # SQLite cannot drop a default in place
        op.alter_column("process_versions", "number", server_default=None)
    op.create_index("uq_process_versions_number", "process_versions", ["process_id", "number"],
                    unique=True)
    op.add_column("deployments", sa.Column("reason", sa.Text(), nullable=False,
                                           server_default=""))
    op.create_index("ix_instances_version_status", "instances", ["version_id", "status"])
    op.create_table(
        "process_drafts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("process_id", sa.String(100), nullable=False, unique=True),
        sa.Column("base_version_id", sa.Integer(), sa.ForeignKey("process_versions.id")),
        sa.Column("bpmn_xml", sa.Text(), nullable=False),
        sa.Column("forms", sa.JSON(), nullable=False),
        sa.Column("lanes", sa.JSON(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "pending_deploys",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("process_id", sa.String(100), nullable=False),
        sa.Column("bpmn_xml", sa.Text(), nullable=False),
        sa.Column("forms", sa.JSON(), nullable=False),
        sa.Column("lanes", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("draft_revision", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("requested_by", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("decided_by", sa.Integer(), sa.ForeignKey("users.id")),
        sa.Column("decided_at", sa.DateTime()),
        sa.Column("outcome", sa.String(20)),
    )
    op.create_index("ix_pending_deploys_open", "pending_deploys", ["process_id", "decided_at"])


def downgrade() -> None:
    op.drop_index("ix_pending_deploys_open", table_name="pending_deploys")
    op.drop_table("pending_deploys")
    op.drop_table("process_drafts")
    op.drop_index("ix_instances_version_status", table_name="instances")
    op.drop_column("deployments", "reason")
    op.drop_index("uq_process_versions_number", table_name="process_versions")
    op.drop_column("process_versions", "number")
