"""the demo clock's offset, shared by every process of the demo

The demo (KONTOFLODE_DEMO_CLOCK) runs ahead of real time by an offset an admin moves forward;
one row here holds it, so the web processes and the timer worker see the same time. Each move
is an event on the `demo-clock` stream. Production never turns the setting on and keeps the
table empty.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 16:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "demo_clock",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("offset_seconds", sa.BigInteger(), nullable=False),
        sa.Column("moved_at", sa.DateTime(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("demo_clock")
