"""each account's people: its owner and the moderators named in its request

"My accounts" lists what a person owns or moderates. Moderators are named in the request by
name and email; they are matched to people by email (case-insensitive) when the account is
registered or corrected, and kept here, indexed by person, so the page is one query. The
accounts registered before are filled in the same way.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 13:00:00
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "account_people",
        sa.Column("account_id", sa.Integer(), sa.ForeignKey("accounts.id"), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.PrimaryKeyConstraint("account_id", "user_id", "role"),
    )
    op.create_index("ix_account_people_user_id", "account_people", ["user_id"])
    _fill(op.get_bind())


def _fill(bind) -> None:
    """The owner of every account, and each moderator whose email a person has."""
    people: dict[str, set[int]] = {}
    for user_id, email in bind.execute(sa.text("SELECT id, email FROM users")):
        if email and email.strip():
            people.setdefault(email.strip().lower(), set()).add(user_id)
    rows = []
    for account_id, owner_id, moderators in bind.execute(
            sa.text("SELECT id, owner_id, moderators FROM accounts")):
        rows.append({"account_id": account_id, "user_id": owner_id, "role": "owner"})
        if isinstance(moderators, str):  # SQLite hands JSON back as text
            moderators = json.loads(moderators or "[]")
        found = set().union(*(people.get(str(m.get("email", "")).strip().lower(), set())
                              for m in moderators or [] if isinstance(m, dict)))
        rows += [{"account_id": account_id, "user_id": user_id, "role": "moderator"}
                 for user_id in sorted(found)]
    if rows:
        bind.execute(sa.text("INSERT INTO account_people (account_id, user_id, role) "
                             "VALUES (:account_id, :user_id, :role)"), rows)


def downgrade() -> None:
    op.drop_index("ix_account_people_user_id", "account_people")
    op.drop_table("account_people")
