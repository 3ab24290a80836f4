"""Admins' pages of people: search, create, change manager, roles and activity, with history.

Every change goes through the same functions as the command line, so both record a
`person_created` or `person_changed` event on the person's own stream, with who made it. A
change names the revision (the person's stream length) it was made from: two admins editing one
person at once get a conflict instead of overwriting each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from engine.errors import Conflict, NotAllowed, NotFound
from engine.store import (
    Event,
    NewEvent,
    User,
    append_person_events,
    person_events,
    person_stream,
)

from ._access import ADMIN_ROLES
from ._directory import (
    USER_ROWS,
    PersonChange,
    PersonFields,
    add_person,
    change_person,
    load_user,
    user_views,
)
from ._views import UserView

PEOPLE_PAGE_SIZE = 25
MAX_SEARCH = 100  # characters of a search that are used


@dataclass(frozen=True)
class PeoplePage:
    """One page of people matching a search, with how many match in all."""

    people: list[UserView]
    total: int
    page: int
    pages: int
    search: str


@dataclass(frozen=True)
class PersonEntry:
    """One recorded change of a person: what, by whom, when, and the fields' before and after."""

    seq: int
    kind: str
    by: str | None
    at: datetime
    payload: dict[str, Any]


@dataclass(frozen=True)
class PersonDetail:
    """A person as an admin sees them: the record, its history, and its current revision."""

    person: UserView
    manager_username: str | None
    history: list[PersonEntry]
    revision: int


def may_administer(user: UserView) -> bool:
    """Whether the person may use the admin pages (active admins)."""
    return bool(user.roles & ADMIN_ROLES) and user.active


class PeopleAdmin:
    """The admin pages' use cases on people."""

    def __init__(self, uow, clock):
        self.uow = uow
        self.clock = clock

    def may_administer(self, user_id: int) -> bool:
        """Whether the user may manage people (admins)."""
        with self.uow.read() as session:
            return may_administer(load_user(session, user_id))

    def search(self, actor_id: int, text: str = "", page: int = 1) -> PeoplePage:
        """People whose username, name or email contains `text`, a page at a time."""
        text = (text or "").strip()[:MAX_SEARCH]
        with self.uow.read() as session:
            _admin(session, actor_id)
            where = _matching(text)
            total = session.scalar(select(func.count(User.id)).where(where)) or 0
            pages = max(1, -(-total // PEOPLE_PAGE_SIZE))
            page = min(max(1, page), pages)
            ids = select(User.id).where(where).order_by(User.username).limit(
                PEOPLE_PAGE_SIZE).offset((page - 1) * PEOPLE_PAGE_SIZE).subquery()
            rows = session.execute(USER_ROWS.where(User.id.in_(select(ids.c.id)))
                                   .order_by(User.username)).all()
            return PeoplePage(user_views(rows), total, page, pages, text)

    def person(self, actor_id: int, user_id: int) -> PersonDetail:
        """One person with the history of changes to them."""
        with self.uow.read() as session:
            _admin(session, actor_id)
            return _detail(session, user_id)

    def create(self, actor_id: int, fields: PersonFields, password: str | None) -> UserView:
        """Add a person (without a password they cannot sign in until one is set)."""
        with self.uow.write() as session:
            _admin(session, actor_id)
            return add_person(session, self.clock.now(), fields, password, actor_id)

    def change(self, actor_id: int, user_id: int, revision: int,
               change: PersonChange) -> UserView:
        """Change a person, if nobody changed them since `revision`."""
        with self.uow.write() as session:
            admin = _admin(session, actor_id)
            user = session.get(User, user_id, with_for_update=True)
            if user is None:
                raise NotFound("user.not_found")
            if user.id == admin.id and (change.active is False or (
                    change.roles is not None and "admin" not in change.roles)):
                raise Conflict("person.own_admin")  # nobody locks themselves out
            latest = _revision(session, user_id)
            if latest != revision:
                raise Conflict("person.changed", revision=latest)
            return change_person(session, self.clock.now(), user, change, actor_id)

    def sign_out_everywhere(self, actor_id: int, user_id: int, revision: int) -> UserView:
        """End every session of a person (recorded like any other change)."""
        with self.uow.write() as session:
            _admin(session, actor_id)
            user = session.get(User, user_id, with_for_update=True)
            if user is None:
                raise NotFound("user.not_found")
            if _revision(session, user_id) != revision:
                raise Conflict("person.changed", revision=_revision(session, user_id))
            user.session_generation = (user.session_generation or 0) + 1
            append_person_events(session, user.id, [NewEvent(
                "person_signed_out", {}, actor_id=actor_id)], self.clock.now())
            session.flush()
            return load_user(session, user.id)


def _admin(session: Session, actor_id: int) -> UserView:
    actor = load_user(session, actor_id)
    if not may_administer(actor):
        raise NotAllowed("people.admins_only")
    return actor


def _matching(text: str):
    if not text:
        return User.id.is_not(None)
    pattern = "%" + text.lower().replace("\\", "\\\\").replace("%", "\\%").replace(
        "_", "\\_") + "%"
    return or_(*(func.lower(column).like(pattern, escape="\\")
                 for column in (User.username, User.name, User.email)))


def _revision(session: Session, user_id: int) -> int:
    return session.scalar(select(func.coalesce(func.max(Event.seq), 0))
                          .where(Event.stream == person_stream(user_id))) or 0


def _detail(session: Session, user_id: int) -> PersonDetail:
    person = load_user(session, user_id)
    events = person_events(session, user_id)
    names = dict(session.execute(select(User.id, User.name).where(
        User.id.in_({e.actor_id for e in events if e.actor_id}))).all())
    history = [PersonEntry(e.seq, e.kind, names.get(e.actor_id), e.created_at, dict(e.payload))
               for e in reversed(events)]
    manager = session.scalar(select(User.username).where(User.id == person.manager_id)) \
        if person.manager_id else None
    return PersonDetail(person, manager, history, events[-1].seq if events else 0)
