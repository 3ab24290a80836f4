"""instances: an index for listing every request of a process, newest first

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 18:50:00
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_instances_process_created", "instances", ["process_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_instances_process_created", table_name="instances")
