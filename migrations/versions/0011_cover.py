"""holiday cover: a person's substitute for a range of days

A person (or an admin for them) names a substitute for a date range; tasks waiting on the
person go to the substitute meanwhile. Indexed by the covered person and by the substitute,
each with the first day, so the access rule and the inbox find the periods holding today.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cover_periods",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("substitute_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("created_by", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime()),
    )
    op.create_index("ix_cover_periods_user", "cover_periods", ["user_id", "starts_on"])
    op.create_index("ix_cover_periods_substitute", "cover_periods",
                    ["substitute_id", "starts_on"])


def downgrade() -> None:
    op.drop_index("ix_cover_periods_substitute", table_name="cover_periods")
    op.drop_index("ix_cover_periods_user", table_name="cover_periods")
    op.drop_table("cover_periods")
