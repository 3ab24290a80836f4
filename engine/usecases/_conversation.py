"""A conversation on each request: comments from whoever may see it, and what steps sent back.

Reading follows the request page's rule (plus whoever may act on one of its open tasks);
writing the same, except for auditors, who read the record but take no part in it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.errors import Conflict, EngineError, InvalidForm, Message, NotAllowed, NotFound
from engine.store import (
    COMMENT_MAX_CHARS,
    Catalog,
    Instance,
    NewMessage,
    ReadyTask,
    User,
    append_messages,
    conversation_rows,
    ended_requests,
    write_comment,
)
from engine.text import storable

from ._access import authorized_task, check_may_view
from ._directory import load_user
from ._views import UserView

ATTEMPTS = 3  # a comment racing another change is simply written again on the new version
READ_ONLY_ROLES = frozenset({"auditor"})


@dataclass(frozen=True)
class ConversationItem:
    """One entry: comment, question or reason; who wrote it (a name) and when."""

    kind: str
    author_name: str
    text: str
    at: datetime


@dataclass(frozen=True)
class ConversationView:
    """A request's conversation, oldest first, and whether the reader may add to it."""

    instance_id: str
    items: tuple[ConversationItem, ...]
    may_comment: bool
    closed: bool  # the request has ended: nobody adds to it any more


class Conversations:
    """Comments on requests."""

    def __init__(self, uow, catalog: Catalog, clock):
        self.uow = uow
        self.catalog = catalog
        self.clock = clock

    def conversation(self, user_id: int, instance_id: str) -> ConversationView:
        """The conversation of a request the user may see."""
        with self.uow.read() as session:
            user, instance = self._visible(session, user_id, instance_id)
            rows = conversation_rows(session, instance_id)
            closed = _ended_status(session, instance) is not None
            writer = not closed and self._may_write(session, user, instance)
        return ConversationView(instance_id, tuple(
            ConversationItem(row.kind, name, row.body, row.created_at) for row, name in rows),
            may_comment=writer, closed=closed)

    def add_comment(self, user_id: int, instance_id: str, text: str) -> None:
        """Add a comment to a running request's conversation, and tell the others."""
        body = clean_comment(text)
        for attempt in range(ATTEMPTS):
            now = self.clock.now()
            with self.uow.read() as session:
                user, instance = self._visible(session, user_id, instance_id)
                status = _ended_status(session, instance)
                if status is not None:
                    raise Conflict("comment.request_ended", status=status)
                if not self._may_write(session, user, instance):
                    raise NotAllowed("comment.read_only")
                messages = _messages(session, instance, user, body)
            version_hash = self.catalog.get(instance.version_id).content_hash
            try:
                with self.uow.write() as session:
                    write_comment(session, instance, version_hash, user_id, body, now)
                    append_messages(session, instance.id, messages, now)
                return
            except (Conflict, IntegrityError):
                # Someone else wrote to the request meanwhile (a step, a claim, a comment).
                if attempt == ATTEMPTS - 1:
                    raise Conflict("instance.changed") from None

    def _visible(self, session: Session, user_id: int,
                 instance_id: str) -> tuple[UserView, Instance]:
        """The user and the request, if they may see it (else NotFound / NotAllowed)."""
        user = load_user(session, user_id)
        instance = session.get(Instance, instance_id)
        if instance is None:
            raise NotFound("request.not_found")
        try:
            check_may_view(session, user, instance, session.get(User, instance.started_by))
        except NotAllowed:
            if not self._may_act(session, user, instance):
                raise
        return user, instance

    def _may_write(self, session: Session, user: UserView, instance: Instance) -> bool:
        """Whoever may see the request, on grounds other than the auditor's role alone."""
        taking_part = replace(user, roles=user.roles - READ_ONLY_ROLES)
        try:
            check_may_view(session, taking_part, instance,
                           session.get(User, instance.started_by))
        except NotAllowed:
            return self._may_act(session, taking_part, instance)
        return True

    def _may_act(self, session: Session, user: UserView, instance: Instance) -> bool:
        """Whether the user may act on one of the request's open tasks (a reassigned holder,
        a substitute on holiday cover), decided from the record as the task page does."""
        task_ids = session.scalars(select(ReadyTask.id)
                                   .where(ReadyTask.instance_id == instance.id)).all()
        for task_id in task_ids:
            try:
                authorized_task(session, self.catalog, user.id, task_id, self.clock.now())
                return True
            except EngineError:
                continue
        return False


def clean_comment(text: str | None) -> str:
    """The comment trimmed, or InvalidForm on its `text` field."""
    body = (text or "").strip()
    if not body:
        raise InvalidForm({"text": [Message("required")]})
    if not storable(body):
        raise InvalidForm({"text": [Message("not_storable")]})
    if len(body) > COMMENT_MAX_CHARS:
        raise InvalidForm({"text": [Message("too_long", {"max": COMMENT_MAX_CHARS})]})
    return body


def _ended_status(session: Session, instance: Instance) -> str | None:
    """"completed", "cancelled" or "withdrawn" when the request has ended, else None."""
    if instance.status != "running":
        return instance.status
    return "withdrawn" if ended_requests(session, {instance.id}) else None


def _messages(session: Session, instance: Instance, author: UserView,
              text: str) -> list[NewMessage]:
    """Tell the requester and whoever holds an open task, never the author."""
    params = {"request_title": instance.title.as_data(), "by_name": author.name,
              "text": text, "anchor": "conversation"}
    people: list[int] = [instance.started_by]
    roles: list[str] = []
    for task in session.scalars(select(ReadyTask).where(ReadyTask.instance_id == instance.id)
                                .order_by(ReadyTask.created_at)):
        holder = task.claimed_by or task.assignee_id
        if holder is not None:
            people.append(holder)
        elif task.role:
            roles.append(task.role)
    found = [NewMessage("comment_added", person, None, params)
             for person in dict.fromkeys(people) if person != author.id]
    # A role's holders get one message; the author is left out when it is delivered.
    found += [NewMessage("comment_added", None, role, {**params, "not_to": author.id})
              for role in dict.fromkeys(roles)]
    return found
