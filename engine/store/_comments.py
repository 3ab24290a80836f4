"""A request's conversation as the log records it: comments, and what steps sent back.

A comment is a `comment_added` event in the request's chain, written with the version check
every step makes, plus its row in `request_comments` in the same transaction. A question or
reason a step sends back is in that step's `task_completed` event already; its row is written
with the step.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ._corrections import write_correction
from ._events import NewEvent
from ._models import Instance, RequestComment, User

COMMENT_ADDED = "comment_added"
COMMENT = "comment"
ENTRY_KINDS = (COMMENT, "question", "reason", "approval")
COMMENT_MAX_CHARS = 4000


@dataclass(frozen=True)
class ConversationEntry:
    """What a step adds to the conversation: its kind (see ENTRY_KINDS) and text."""

    kind: str
    text: str


def add_entries(session: Session, instance_id: str, author_id: int | None,
                entries: list[ConversationEntry], now: datetime) -> None:
    """Add conversation rows in the caller's transaction (a step's questions or reasons)."""
    session.add_all(RequestComment(instance_id=instance_id, author_id=author_id,
                                   body=entry.text[:COMMENT_MAX_CHARS], kind=entry.kind,
                                   created_at=now)
                    for entry in entries if entry.text.strip())


def write_comment(session: Session, instance: Instance, version_hash: str, author_id: int,
                  text: str, now: datetime) -> None:
    """Append a comment's event and row, if nobody changed the request since it was read.

    The version check (as for corrections) makes two comments at once a clean Conflict for
    one of them, never a second event with the same (stream, seq).
    """
    write_correction(session, instance, [NewEvent(
        COMMENT_ADDED, {"text": text, "by": author_id}, actor_id=author_id)],
        version_hash, now)
    add_entries(session, instance.id, author_id, [ConversationEntry(COMMENT, text)], now)
    session.flush()


def conversation_rows(session: Session, instance_id: str) -> list[tuple[RequestComment, str]]:
    """A request's conversation, oldest first, with each author's name (one indexed query)."""
    rows = session.execute(
        select(RequestComment, User.name).outerjoin(User, User.id == RequestComment.author_id)
        .where(RequestComment.instance_id == instance_id)
        .order_by(RequestComment.created_at, RequestComment.id)).all()
    return [(row, name or "") for row, name in rows]
