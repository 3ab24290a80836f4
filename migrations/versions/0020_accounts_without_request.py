"""accounts that existed before the system have no registration request

Communications adds such accounts to the register by hand or by CSV import; their first state
is the `account_added` event on the account's own stream, so `accounts.request_id` may be
empty. It stays unique: a request still registers one account at most.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03 16:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    _copy_accounts(nullable=True)


def _copy_accounts(nullable: bool) -> None:
    """Alter request_id (SQLite copies the table; env.py lets it drop the original)."""
    with op.batch_alter_table("accounts") as batch:
        batch.alter_column("request_id", existing_type=sa.String(36), nullable=nullable)


def downgrade() -> None:
    # Accounts without a request cannot go back into a table that needs one.
    op.execute("DELETE FROM account_moderators WHERE account_id IN "
               "(SELECT id FROM accounts WHERE request_id IS NULL)")
    op.execute("DELETE FROM account_people WHERE account_id IN "
               "(SELECT id FROM accounts WHERE request_id IS NULL)")
    op.execute("UPDATE instances SET account_id = NULL WHERE account_id IN "
               "(SELECT id FROM accounts WHERE request_id IS NULL)")
    op.execute("DELETE FROM accounts WHERE request_id IS NULL")
    _copy_accounts(nullable=False)
