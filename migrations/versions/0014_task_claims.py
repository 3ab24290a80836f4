"""group tasks are claimed: who is working on a role task, and since when

A task waiting on a role (communications) is claimed by one holder of the role, so two people
never fill in the same form at once. Indexed, so "mine" in the inbox stays an indexed query.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 10:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ready_tasks") as batch:
        batch.add_column(sa.Column("claimed_by", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("claimed_at", sa.DateTime(), nullable=True))
        batch.create_foreign_key("fk_ready_tasks_claimed_by", "users", ["claimed_by"], ["id"])
        batch.create_index("ix_ready_tasks_claimed_by", ["claimed_by"])


def downgrade() -> None:
    with op.batch_alter_table("ready_tasks") as batch:
        batch.drop_index("ix_ready_tasks_claimed_by")
        batch.drop_constraint("fk_ready_tasks_claimed_by", type_="foreignkey")
        batch.drop_column("claimed_at")
        batch.drop_column("claimed_by")
