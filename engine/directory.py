"""The user directory: people, their roles and managers, and signing in with a local password.

`Identity` is the seam for a future single sign-on: anything that can turn credentials into a
known username can replace `LocalPasswords`.
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from .errors import InvalidInput, NotFound
from .models import User, UserRole
from .passwords import hash_password, verify_password
from .unit_of_work import UnitOfWork
from .views import ROLES, UserView

# A real hash to check against when the username is unknown, so both cases take equally long.
_DUMMY_HASH = hash_password("not a password anyone has")


_MANAGER = aliased(User)
# Plain columns, not entities: this runs on every request, and entity loading costs more.
_USER_QUERY = (
    select(User.id, User.username, User.name, User.email, User.manager_id, User.active,
           _MANAGER.name.label("manager_name"), UserRole.role)
    .outerjoin(_MANAGER, _MANAGER.id == User.manager_id)
    .outerjoin(UserRole, UserRole.user_id == User.id)
    .where(User.id == bindparam("user_id"))
)


def load_user(session: Session, user_id: int) -> UserView:
    """One user as a view, or NotFound."""
    rows = session.execute(_USER_QUERY, {"user_id": user_id}).all()  # a row per role
    if not rows:
        raise NotFound("There is no such user.")
    first = rows[0]
    roles = frozenset(row.role for row in rows if row.role)
    return UserView(first.id, first.username, first.name, first.email, roles,
                    first.manager_id, first.manager_name, first.active)


class Identity(Protocol):
    """Turns credentials into a user id, or None."""

    def authenticate(self, username: str, password: str) -> int | None: ...


class LocalPasswords:
    """Sign-in against the scrypt hashes in the users table."""

    def __init__(self, uow: UnitOfWork):
        self.uow = uow

    def authenticate(self, username: str, password: str) -> int | None:
        """The user's id when the password is right and the account active, else None."""
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

    def create(self, username: str, name: str, email: str, password: str | None,
               roles: list[str], manager_username: str | None = None) -> UserView:
        """Add a user; the manager must exist already."""
        _check_new_user(username, name, email, password, roles)
        with self.uow.write() as session:
            manager_id = None
            if manager_username:
                manager_id = session.scalar(
                    select(User.id).where(User.username == manager_username))
                if manager_id is None:
                    raise InvalidInput(f"There is no user '{manager_username}' to be the manager.")
            user = User(username=username, name=name, email=email,
                        password_hash=hash_password(password) if password else None,
                        manager_id=manager_id, active=True, created_at=self.clock.now())
            session.add(user)
            try:
                session.flush()
            except IntegrityError:
                raise InvalidInput(f"The username '{username}' is taken.") from None
            session.add_all(UserRole(user_id=user.id, role=role) for role in sorted(set(roles)))
            session.flush()
            return load_user(session, user.id)

    def names(self, user_ids: set[int]) -> dict[int, str]:
        """Names of several users at once."""
        if not user_ids:
            return {}
        with self.uow.read() as session:
            rows = session.execute(select(User.id, User.name).where(User.id.in_(user_ids)))
            return {row.id: row.name for row in rows}


def _check_new_user(username, name, email, password, roles) -> None:
    problems = []
    if not username or len(username) > 80 or not username.replace(".", "").replace("-", "")\
            .replace("_", "").isalnum():
        problems.append("a username of letters, digits, '.', '-' or '_'")
    if not name.strip():
        problems.append("a name")
    if "@" not in email:
        problems.append("a valid email address")
    if password is not None and len(password) < 8:
        problems.append("a password of at least 8 characters")
    unknown = set(roles) - set(ROLES)
    if unknown:
        problems.append(f"known roles only (not {', '.join(sorted(unknown))})")
    if problems:
        raise InvalidInput("A user needs " + ", ".join(problems) + ".")

