"""checkpoints: signed statements of every event stream's head

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 14:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "checkpoints",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("signature", sa.String(128), nullable=False),
        sa.Column("public_key", sa.Text(), nullable=False),
        sa.Column("heads", sa.JSON(), nullable=False),
    )
    op.create_index("ix_checkpoints_created_at", "checkpoints", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_checkpoints_created_at", table_name="checkpoints")
    op.drop_table("checkpoints")
