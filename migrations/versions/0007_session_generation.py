"""session generation: a number per person that, raised, ends every session of theirs

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 15:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


# Plain ALTER TABLE, not a batch copy: other tables refer to users, and SQLite (3.35 and later)
# adds and drops a column in place.
def upgrade() -> None:
    op.add_column("users", sa.Column("session_generation", sa.Integer(), nullable=False,
                                     server_default="0"))


def downgrade() -> None:
    op.drop_column("users", "session_generation")
