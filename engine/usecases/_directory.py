"""The user directory: people, their roles and managers, and signing in with a local password.

`Identity` is the seam for a future single sign-on: anything that can turn credentials into a
known username can replace `LocalPasswords`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from engine.errors import InvalidInput, NotFound
from engine.store import (
    TASK_REASSIGNED,
    Event,
    NewEvent,
    ReadyTask,
    UnitOfWork,
    User,
    UserRole,
    append_person_events,
)
from engine.text import storable

from ._passwords import hash_password, verify_password
from ._views import ROLES, UserView

MIN_PASSWORD = 8  # characters

# A real hash to check against when the username is unknown, so both cases take equally long.
_DUMMY_HASH = hash_password("not a password anyone has")


_MANAGER = aliased(User)
# Plain columns, not entities: this runs on every request, and entity loading costs more.
USER_ROWS = (
    select(User.id, User.username, User.name, User.email, User.manager_id, User.active,
           User.session_generation, _MANAGER.name.label("manager_name"), UserRole.role)
    .outerjoin(_MANAGER, _MANAGER.id == User.manager_id)
    .outerjoin(UserRole, UserRole.user_id == User.id)
)
_USER_QUERY = USER_ROWS.where(User.id == bindparam("user_id"))


def load_user(session: Session, user_id: int) -> UserView:
    """One user as a view, or NotFound."""
    rows = session.execute(_USER_QUERY, {"user_id": user_id}).all()  # a row per role
    if not rows:
        raise NotFound("user.not_found")
    return user_views(rows)[0]


def user_views(rows) -> list[UserView]:
    """Users from rows of USER_ROWS (a row per role), in the order they first appear."""
    people: dict[int, list] = {}
    for row in rows:
        people.setdefault(row.id, []).append(row)
    views = []
    for first, *rest in people.values():
        roles = frozenset(row.role for row in (first, *rest) if row.role)
        views.append(UserView(first.id, first.username, first.name, first.email, roles,
                              first.manager_id, first.manager_name, first.active,
                              first.session_generation))
    return views


class Identity(Protocol):
    """Turns credentials into a user id, or None."""

    def authenticate(self, username: str, password: str) -> int | None: ...


class LocalPasswords:
    """Sign-in against the scrypt hashes in the users table."""

    def __init__(self, uow: UnitOfWork):
        self.uow = uow

    def authenticate(self, username: str, password: str) -> int | None:
        """The user's id when the password is right and the account active, else None."""
        user = None
        if storable(username):  # a name no database can store is nobody's; do not ask
            with self.uow.read() as session:
                user = session.scalar(select(User).where(User.username == username.strip()))
        stored = user.password_hash if user else _DUMMY_HASH
        matches = verify_password(password, stored)
        return user.id if (user and user.active and matches) else None


class Directory:
    """Creating and finding users."""

    def __init__(self, uow: UnitOfWork, clock):
        self.uow = uow
        self.clock = clock

    def get(self, user_id: int) -> UserView:
        """A user by id."""
        with self.uow.read() as session:
            return load_user(session, user_id)

    def find(self, username: str) -> UserView | None:
        """A user by username, or None."""
        with self.uow.read() as session:
            user_id = session.scalar(select(User.id).where(User.username == username))
            return load_user(session, user_id) if user_id else None

    def everyone(self) -> list[UserView]:
        """Every user, active or not, ordered by username."""
        with self.uow.read() as session:
            return user_views(session.execute(USER_ROWS.order_by(User.username)).all())

    def create(self, username: str, name: str, email: str, password: str | None,
               roles: list[str], manager_username: str | None = None,
               actor_id: int | None = None) -> UserView:
        """Add a user (the manager must exist already), recorded on their stream."""
        with self.uow.write() as session:
            return add_person(session, self.clock.now(), PersonFields(
                username, name, email, tuple(roles), manager_username), password, actor_id)

    def update(self, username: str, *, manager_username: str | None = None,
               add_roles: tuple[str, ...] = (), remove_roles: tuple[str, ...] = (),
               password: str | None = None, active: bool | None = None,
               actor_id: int | None = None) -> UserView:
        """Change a person's manager, roles, password or whether they may sign in.

        A new manager also takes over the approvals waiting on the old one for this person's
        requests, so nothing is left with someone who no longer decides. The change is
        recorded on the person's stream (`actor_id` None: the command line).
        """
        _check_roles([*add_roles, *remove_roles])
        with self.uow.write() as session:
            user = session.scalar(select(User).where(User.username == username))
            if user is None:
                raise NotFound("user.not_found", username=username)
            before = load_user(session, user.id)
            roles = (before.roles | set(add_roles)) - set(remove_roles)
            return change_person(session, self.clock.now(), user, PersonChange(
                manager_username=manager_username, roles=frozenset(roles), active=active,
                password=password), actor_id)

    def sign_out_everywhere(self, username: str) -> UserView:
        """End every session of a person, in every browser (signing in again starts a new one)."""
        with self.uow.write() as session:
            user = session.scalar(select(User).where(User.username == username))
            if user is None:
                raise NotFound("user.not_found", username=username)
            _end_sessions(user)
            session.flush()
            return load_user(session, user.id)

    def names(self, user_ids: set[int]) -> dict[int, str]:
        """Names of several users at once."""
        if not user_ids:
            return {}
        with self.uow.read() as session:
            rows = session.execute(select(User.id, User.name).where(User.id.in_(user_ids)))
            return {row.id: row.name for row in rows}


@dataclass(frozen=True)
class PersonFields:
    """What a new person is given: username, name, email, roles and manager's username."""

    username: str
    name: str
    email: str
    roles: tuple[str, ...]
    manager_username: str | None = None


@dataclass(frozen=True)
class PersonChange:
    """What to change of a person; None leaves a field as it is."""

    name: str | None = None
    email: str | None = None
    manager_username: str | None = None
    roles: frozenset[str] | None = None
    active: bool | None = None
    password: str | None = None


def add_person(session: Session, now: datetime, fields: PersonFields, password: str | None,
               actor_id: int | None) -> UserView:
    """Insert a person and their roles, and record `person_created` on their stream."""
    _check_new_user(fields.username, fields.name, fields.email, password, list(fields.roles))
    manager_id = None
    if fields.manager_username:
        manager_id = session.scalar(
            select(User.id).where(User.username == fields.manager_username))
        if manager_id is None:
            raise InvalidInput("user.manager_unknown", username=fields.manager_username)
    user = User(username=fields.username, name=fields.name.strip(), email=fields.email.strip(),
                password_hash=hash_password(password) if password else None,
                manager_id=manager_id, active=True, created_at=now)
    session.add(user)
    try:
        session.flush()
    except IntegrityError:
        raise InvalidInput("user.username_taken", username=fields.username) from None
    roles = sorted(set(fields.roles))
    session.add_all(UserRole(user_id=user.id, role=role) for role in roles)
    append_person_events(session, user.id, [NewEvent("person_created", {
        "username": user.username, "name": user.name, "email": user.email, "roles": roles,
        "manager": fields.manager_username or None}, actor_id=actor_id)], now)
    session.flush()
    return load_user(session, user.id)


def change_person(session: Session, now: datetime, user: User, change: PersonChange,
                  actor_id: int | None) -> UserView:
    """Apply a change to a person and record what it changed (before and after) on their stream."""
    before = load_user(session, user.id)
    _check_changed_fields(change)
    if change.name is not None:
        user.name = change.name.strip()
    if change.email is not None:
        user.email = change.email.strip()
    if change.manager_username is not None and change.manager_username != (
            _username(session, before.manager_id)):
        _change_manager(session, user, change.manager_username)
    if change.roles is not None:
        _set_roles(session, user.id, before.roles, change.roles)
    if change.active is not None:
        user.active = change.active
    if change.password is not None:
        user.password_hash = hash_password(change.password)
    if change.password is not None or (change.active is False and before.active):
        _end_sessions(user)  # whoever had the old password, or the account, is out
    session.flush()
    after = load_user(session, user.id)
    changes = _differences(session, before, after, password=change.password is not None)
    if changes:
        append_person_events(session, user.id, [NewEvent(
            "person_changed", {"changes": changes}, actor_id=actor_id)], now)
        session.flush()
    return after


def _check_changed_fields(change: PersonChange) -> None:
    missing = []
    if change.name is not None and not change.name.strip():
        missing.append("name")
    if change.email is not None and "@" not in change.email:
        missing.append("email")
    if change.password is not None and len(change.password) < MIN_PASSWORD:
        raise InvalidInput("password.too_short", min=MIN_PASSWORD)
    if change.roles is not None:
        _check_roles(list(change.roles))
    if missing:
        raise InvalidInput("user.incomplete", missing=missing, unknown_roles=[])


def _set_roles(session: Session, user_id: int, had: frozenset[str],
               wanted: frozenset[str]) -> None:
    for role in sorted(wanted - had):
        session.add(UserRole(user_id=user_id, role=role))
    if had - wanted:
        session.execute(UserRole.__table__.delete().where(
            UserRole.user_id == user_id, UserRole.role.in_(sorted(had - wanted))))


def _username(session: Session, user_id: int | None) -> str | None:
    return session.scalar(select(User.username).where(User.id == user_id)) if user_id else None


def _differences(session: Session, before: UserView, after: UserView,
                 password: bool) -> dict[str, list]:
    """Each field that changed, as [before, after] (a new password only as the fact)."""
    pairs = {
        "name": (before.name, after.name), "email": (before.email, after.email),
        "manager": (_username(session, before.manager_id), _username(session, after.manager_id)),
        "roles": (sorted(before.roles), sorted(after.roles)),
        "active": (before.active, after.active),
    }
    changes = {key: [old, new] for key, (old, new) in pairs.items() if old != new}
    if password:
        changes["password"] = [None, None]  # that it was set; never the hash
    return changes


def _end_sessions(user: User) -> None:
    """Raise the person's session generation: every session begun under the old one ends."""
    user.session_generation = (user.session_generation or 0) + 1


def _change_manager(session: Session, user: User, manager_username: str) -> None:
    manager = session.scalar(select(User).where(User.username == manager_username))
    if manager is None:
        raise InvalidInput("user.manager_unknown", username=manager_username)
    if manager.id == user.id:
        raise InvalidInput("user.own_manager")
    old = user.manager_id
    user.manager_id = manager.id
    if old is not None:
        # Tasks assigned to one person on this user's requests, other than the user, are the
        # manager lane's (the requester lane assigns the requester; role lanes nobody), unless
        # an admin reassigned them: then the reassignment, not the manager, says whose they are.
        tasks = ReadyTask.__table__
        reassigned = select(Event.task_id).where(Event.kind == TASK_REASSIGNED,
                                                 Event.task_id.is_not(None))
        session.execute(tasks.update().where(
            tasks.c.requester_id == user.id, tasks.c.assignee_id == old,
            tasks.c.id.not_in(reassigned),
        ).values(assignee_id=manager.id))


def _check_roles(roles: list[str]) -> None:
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise InvalidInput("user.unknown_roles", roles=sorted(unknown))


def _check_new_user(username, name, email, password, roles) -> None:
    missing = []  # what the user still needs, as codes the web layer words
    if not username or len(username) > 80 or not username.replace(".", "").replace("-", "")\
            .replace("_", "").isalnum():
        missing.append("username")
    if not name.strip():
        missing.append("name")
    if "@" not in email:
        missing.append("email")
    if password is not None and len(password) < MIN_PASSWORD:
        missing.append("password")
    unknown = set(roles) - set(ROLES)
    if unknown:
        missing.append("roles")
    if missing:
        raise InvalidInput("user.incomplete", missing=missing, unknown_roles=sorted(unknown))
