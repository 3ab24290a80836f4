"""reminders and daily digests: a dedup key on the outbox, the person's choice, held messages

outbox.dedup_key (unique) lets a message be written once only: a task's reminder before its
deadline and its notice once it passed, also with two workers sweeping. ready_tasks.due_at is
indexed for that sweep. users.notify_mode is "each" (a mail per message) or "daily"; a daily
person's messages are held in digest_items until the day's digest (digests, one per person and
day) carries them.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 13:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


# Plain ALTER TABLE, not a batch copy: other tables refer to users and to outbox, and SQLite
# (3.35 and later) adds and drops a column in place.
def upgrade() -> None:
    op.add_column("outbox", sa.Column("dedup_key", sa.String(length=120), nullable=True))
    op.create_index("uq_outbox_dedup_key", "outbox", ["dedup_key"], unique=True)
    op.create_index("ix_ready_tasks_due_at", "ready_tasks", ["due_at"])
    op.add_column("users", sa.Column("notify_mode", sa.String(length=10), nullable=False,
                                     server_default="each"))
    op.create_table(
        "digests",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(), nullable=True),
        sa.Column("claimed_by", sa.String(length=80), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.UniqueConstraint("user_id", "day", name="uq_digests_once_a_day"),
    )
    op.create_table(
        "digest_items",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("outbox_id", sa.Integer(), sa.ForeignKey("outbox.id"), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("link", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("digest_id", sa.Integer(), sa.ForeignKey("digests.id"), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.UniqueConstraint("user_id", "outbox_id", name="uq_digest_items_once"),
    )
    op.create_index("ix_digest_items_waiting", "digest_items",
                    ["digest_id", "user_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_digest_items_waiting", table_name="digest_items")
    op.drop_table("digest_items")
    op.drop_table("digests")
    op.drop_column("users", "notify_mode")
    op.drop_index("ix_ready_tasks_due_at", table_name="ready_tasks")
    op.drop_index("uq_outbox_dedup_key", table_name="outbox")
    op.drop_column("outbox", "dedup_key")
