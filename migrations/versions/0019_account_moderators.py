"""each account's moderators by name and email, for searching the register

The register is searched by the owner and the moderators ("which accounts does Bo moderate?").
Moderators are named in the request and need not be people of the system, so each is kept
here with its name and email folded to lower case, indexed, and the search is a join, never a
read of the request's data. The accounts registered before are filled in the same way.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 14:00:00
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "account_moderators",
        sa.Column("account_id", sa.Integer(), sa.ForeignKey("accounts.id"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("email", sa.Text(), nullable=False),
        sa.Column("name_key", sa.Text(), nullable=False),
        sa.Column("email_key", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("account_id", "position"),
    )
    op.create_index("ix_account_moderators_name_key", "account_moderators", ["name_key"])
    op.create_index("ix_account_moderators_email_key", "account_moderators", ["email_key"])
    _fill(op.get_bind())


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _fill(bind) -> None:
    """Every moderator each registered account's row names, in its order."""
    rows = []
    for account_id, moderators in bind.execute(sa.text("SELECT id, moderators FROM accounts")):
        if isinstance(moderators, str):  # SQLite hands JSON back as text
            moderators = json.loads(moderators or "[]")
        for position, m in enumerate(moderators or []):
            if not isinstance(m, dict):
                continue
            name, email = " ".join(str(m.get("name", "")).split()), str(m.get("email", "")).strip()
            rows.append({"account_id": account_id, "position": position, "name": name,
                         "email": email, "name_key": _key(name), "email_key": _key(email)})
    if rows:
        bind.execute(sa.text(
            "INSERT INTO account_moderators (account_id, position, name, email, name_key, "
            "email_key) VALUES (:account_id, :position, :name, :email, :name_key, :email_key)"),
            rows)


def downgrade() -> None:
    op.drop_index("ix_account_moderators_email_key", "account_moderators")
    op.drop_index("ix_account_moderators_name_key", "account_moderators")
    op.drop_table("account_moderators")
