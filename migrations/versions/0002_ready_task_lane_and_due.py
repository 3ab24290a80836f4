"""ready_tasks: lane_name (from the diagram) and due_at (a boundary timer's deadline)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 18:05:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ready_tasks") as batch_op:
        batch_op.add_column(sa.Column("lane_name", sa.String(length=200), nullable=False,
                                      server_default=""))
        batch_op.add_column(sa.Column("due_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("ready_tasks") as batch_op:
        batch_op.drop_column("due_at")
        batch_op.drop_column("lane_name")
