"""a conversation on each request: comments, and the questions and reasons steps sent back

Each entry is projected from the request's log (comment_added events, and the task_completed
event of a step that sent the request back) in the same transaction, so a request page lists
its conversation from one indexed query.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 13:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "request_comments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("instance_id", sa.String(36), sa.ForeignKey("instances.id"), nullable=False),
        sa.Column("author_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
    )
    op.create_index("ix_request_comments_instance_id", "request_comments", ["instance_id"])


def downgrade() -> None:
    op.drop_index("ix_request_comments_instance_id", table_name="request_comments")
    op.drop_table("request_comments")
