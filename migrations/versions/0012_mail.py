"""mail: delivery leases, back-off and terminal states on the outbox

A worker leases a row (claimed_at, claimed_by) in a short write, sends outside the transaction
and marks it delivered only if the lease is still its own. A failed send waits until
next_attempt_at; after the last attempt failed_at is set. Rows of withdrawn or cancelled
requests are marked skipped_at instead of being sent.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

COLUMNS = ("claimed_at", "claimed_by", "next_attempt_at", "failed_at", "skipped_at")


def upgrade() -> None:
    for name in COLUMNS:
        kind = sa.String(length=80) if name == "claimed_by" else sa.DateTime()
        op.add_column("outbox", sa.Column(name, kind, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        for name in reversed(COLUMNS):
            batch.drop_column(name)
