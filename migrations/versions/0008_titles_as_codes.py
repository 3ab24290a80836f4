"""instances.title and ready_tasks.request_title: a code with parameters, not English

Titles were stored as sentences ("KI Neuro Lab on Instagram", "Review of … (…)", "New social
media account"). Each is rewritten as compact JSON [code, params]; a title that matches none of
the three shapes is kept as it was under the code "plain". Downgrading writes the sentences back.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 13:20:00
"""

import json
import re

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

NEW = "New social media account"
# A review titled later carries its due year ("Review 2027 of ..."), kept through a downgrade.
REVIEW = re.compile(
    r"\AReview (?:(?P<year>\d{4}) )?of (?P<account_name>.*) \((?P<channel>[^()]*)\)\Z", re.S)
COLUMNS = (("instances", "id", "title"), ("ready_tasks", "id", "request_title"))


def as_code(title: str) -> str:
    """The stored JSON for an old sentence title."""
    if title == NEW:
        code, params = "account_request.new", {}
    elif match := REVIEW.match(title):
        found = match.groupdict()
        code, params = "account_review", {k: v for k, v in found.items() if v is not None}
    elif " on " in title:
        name, channel = title.rsplit(" on ", 1)
        code, params = "account_request", {"account_name": name, "channel": channel}
    else:
        code, params = "plain", {"label": title}
    return json.dumps([code, params], ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def as_sentence(stored: str) -> str:
    """The old sentence for a stored JSON title."""
    try:
        code, params = json.loads(stored)
    except (ValueError, TypeError):
        return stored
    if code == "account_request.new":
        return NEW
    if code == "account_request":
        return f"{params['account_name']} on {params['channel']}"
    if code == "account_review":
        year = f"{params['year']} " if params.get("year") else ""
        return f"Review {year}of {params['account_name']} ({params['channel']})"
    return str(params.get("label") or params.get("process_id") or "")


def _rewrite(convert) -> None:
    bind = op.get_bind()
    for table, key, column in COLUMNS:
        rows = bind.execute(sa.text(f"SELECT {key}, {column} FROM {table}")).all()
        for row_id, value in rows:
            bind.execute(sa.text(f"UPDATE {table} SET {column} = :v WHERE {key} = :k"),
                         {"v": convert(value or ""), "k": row_id})


def upgrade() -> None:
    _rewrite(as_code)


def downgrade() -> None:
    _rewrite(as_sentence)
