"""mail sending: the demo's kept mails and each recipient that has an outbox row's mail

kept_mails is the demo's mailbox (KONTOFLODE_MAIL=keep). sent_mails records each recipient
that has the mail of an outbox row, so a retry after a partial success (a role's mail sent to
some holders) sends only to the others. An index on failed_at serves the admins' list of
failed deliveries.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 11:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kept_mails",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("outbox_id", sa.Integer(), sa.ForeignKey("outbox.id"), nullable=False),
        sa.Column("to_address", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("outbox_id", "to_address", name="uq_kept_mails_once"),
    )
    op.create_index("ix_kept_mails_created", "kept_mails", ["created_at", "id"])
    op.create_table(
        "sent_mails",
        sa.Column("outbox_id", sa.Integer(), sa.ForeignKey("outbox.id"), primary_key=True),
        sa.Column("to_address", sa.String(length=254), primary_key=True),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_outbox_failed", "outbox", ["failed_at"])


def downgrade() -> None:
    op.drop_index("ix_outbox_failed", table_name="outbox")
    op.drop_table("sent_mails")
    op.drop_index("ix_kept_mails_created", table_name="kept_mails")
    op.drop_table("kept_mails")
