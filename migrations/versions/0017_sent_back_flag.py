"""sent-back tasks are flagged: a ready task says it is ready again because it was sent back

The inbox shows a "Sent back" badge from this column, so it stays a query on ready_tasks.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 13:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ready_tasks") as batch:
        batch.add_column(sa.Column("sent_back", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("ready_tasks") as batch:
        batch.drop_column("sent_back")
