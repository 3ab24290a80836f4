"""Group tasks are claimed: one holder of the role works on a role task, the others see who.

The claim is a column on the inbox row, taken with a conditional UPDATE so that of two people
claiming at once exactly one wins; every claim, release and hand-over is also an event in the
request's chain, written in the same transaction.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.errors import Conflict, InvalidInput, NotAllowed
from engine.store import Catalog, NewEvent, ReadyTask, User, UserRole, append_events

from ._access import ADMIN_ROLES, Authorized, authorized_task, load_waiting, raise_if_done
from ._directory import load_user
from ._views import UserView

TASK_CLAIMED = "task_claimed"
TASK_RELEASED = "task_released"
TASK_ASSIGNED = "task_assigned"
CLAIM_KINDS = (TASK_CLAIMED, TASK_RELEASED, TASK_ASSIGNED)


class ClaimCommands:
    """Claim, release and hand over role tasks."""

    def __init__(self, uow, catalog: Catalog, clock):
        self.uow = uow
        self.catalog = catalog
        self.clock = clock

    def claim_task(self, user_id: int, task_id: str) -> None:
        """Take a role task; a second claim by the holder changes nothing."""
        now = self.clock.now()
        with self.uow.read() as session:
            loaded = authorized_task(session, self.catalog, user_id, task_id, now)
            _check_group(loaded.task)
            if loaded.task.claimed_by == user_id:
                return  # a double click on Claim
            if loaded.task.claimed_by is not None:
                raise _claimed_by(session, loaded.task.claimed_by)
        with self.uow.write() as session:
            if not take_claim(session, task_id, user_id, now):
                holder = session.scalar(select(ReadyTask.claimed_by)
                                        .where(ReadyTask.id == task_id))
                if holder == user_id:
                    return
                raise claim_conflict(session, task_id)
            _append(session, loaded, NewEvent(TASK_CLAIMED, {"title": _title(loaded)},
                                              actor_id=user_id, task_id=task_id,
                                              task_name=loaded.task_name), now)

    def release_task(self, user_id: int, task_id: str) -> None:
        """Give a claimed task back to the group: by its holder, or an admin."""
        now = self.clock.now()
        with self.uow.read() as session:
            user = load_user(session, user_id)
            loaded = _loaded(session, self.catalog, user, task_id, now)
            _check_group(loaded.task)
            holder = loaded.task.claimed_by
            if holder is None:
                return  # released already (a double click)
            if holder != user_id and not user.roles & ADMIN_ROLES:
                raise NotAllowed("claim.not_holder")
            holder_name = session.get(User, holder).name
        with self.uow.write() as session:
            tasks = ReadyTask.__table__
            result = session.execute(update(tasks).where(
                tasks.c.id == task_id, tasks.c.claimed_by == holder)
                .values(claimed_by=None, claimed_at=None))
            if result.rowcount != 1:
                raise Conflict("instance.changed")
            _append(session, loaded, NewEvent(
                TASK_RELEASED, {"title": _title(loaded), "from": holder,
                                "from_name": holder_name},
                actor_id=user_id, task_id=task_id, task_name=loaded.task_name), now)

    def assign_task(self, user_id: int, task_id: str, to_username: str) -> None:
        """Hand a role task to another active holder of the role (never the requester)."""
        now = self.clock.now()
        with self.uow.read() as session:
            user = load_user(session, user_id)
            loaded = _loaded(session, self.catalog, user, task_id, now)
            task = loaded.task
            _check_group(task)
            admin = bool(user.roles & ADMIN_ROLES)
            if task.claimed_by not in (None, user_id) and not admin:
                raise _claimed_by(session, task.claimed_by)
            target = _colleague(session, task, to_username)
            if target.id == task.claimed_by or (target.id == user_id and not admin):
                raise InvalidInput("claim.already_holder", username=target.username)
            before = session.get(User, task.claimed_by) if task.claimed_by else None
        with self.uow.write() as session:
            tasks = ReadyTask.__table__
            result = session.execute(update(tasks).where(
                tasks.c.id == task_id, _same_holder(tasks, task.claimed_by))
                .values(claimed_by=target.id, claimed_at=now))
            if result.rowcount != 1:
                raise Conflict("instance.changed")
            _append(session, loaded, NewEvent(TASK_ASSIGNED, {
                "title": _title(loaded), "from": before.id if before else None,
                "from_name": before.name if before else None,
                "to": target.id, "to_name": target.name,
            }, actor_id=user_id, task_id=task_id, task_name=loaded.task_name), now)

    def colleagues(self, user_id: int, task_id: str) -> list[tuple[str, str]]:
        """(username, name) of whom the user may hand this role task to; empty if nobody."""
        now = self.clock.now()
        with self.uow.read() as session:
            user = load_user(session, user_id)
            try:
                loaded = _loaded(session, self.catalog, user, task_id, now)
            except NotAllowed:
                return []
            task = loaded.task
            if task.role is None or (task.claimed_by not in (None, user_id)
                                     and not user.roles & ADMIN_ROLES):
                return []
            rows = session.execute(_role_holders(task).order_by(User.name)).all()
        return [(username, name) for uid, username, name in rows
                if uid not in (user_id, task.claimed_by)]


def take_claim(session: Session, task_id: str, user_id: int, now: datetime) -> bool:
    """Claim a row if nobody holds it (or the user does): one conditional UPDATE."""
    tasks = ReadyTask.__table__
    result = session.execute(update(tasks).where(
        tasks.c.id == task_id,
        (tasks.c.claimed_by.is_(None)) | (tasks.c.claimed_by == user_id))
        .values(claimed_by=user_id, claimed_at=now))
    return result.rowcount == 1


def claim_conflict(session: Session, task_id: str) -> Conflict:
    """The Conflict naming who holds a task now (or saying it is no longer waiting)."""
    holder = session.scalar(select(ReadyTask.claimed_by).where(ReadyTask.id == task_id))
    if holder is None:
        raise_if_done(session, task_id)
        return Conflict("task.no_longer_waiting")
    return _claimed_by(session, holder)


def _loaded(session: Session, catalog: Catalog, user: UserView, task_id: str,
            now: datetime) -> Authorized:
    """The task as `authorized_task` loads it; an admin may manage claims without the role."""
    try:
        return authorized_task(session, catalog, user.id, task_id, now)
    except NotAllowed:
        if not user.roles & ADMIN_ROLES:
            raise
    # An admin manages the claim only; acting on the task still needs the lane's rule.
    return load_waiting(session, catalog, user, task_id)


def _check_group(task: ReadyTask) -> None:
    if task.role is None:
        raise InvalidInput("claim.not_group_task")


def _claimed_by(session: Session, holder: int | None) -> Conflict:
    name = session.get(User, holder).name if holder is not None else ""
    return Conflict("task.claimed_by_other", name=name)


def _title(loaded: Authorized) -> str:
    return loaded.process.user_tasks[loaded.task_name].title


def _same_holder(tasks, holder: int | None):
    return tasks.c.claimed_by.is_(None) if holder is None else tasks.c.claimed_by == holder


def _role_holders(task: ReadyTask):
    """SELECT (id, username, name) of active holders of the task's role, not its requester."""
    return (select(User.id, User.username, User.name)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == task.role, User.active.is_(True),
                   User.id != task.requester_id))


def _colleague(session: Session, task: ReadyTask, username: str) -> User:
    row = session.execute(_role_holders(task).where(
        User.username == (username or "").strip())).first()
    if row is None:
        raise InvalidInput("claim.target_not_in_role", username=(username or "").strip())
    return session.get(User, row.id)


def _append(session: Session, loaded: Authorized, event: NewEvent, now: datetime) -> None:
    """The claim's event in the request's chain; a step written meanwhile wins."""
    try:
        append_events(session, loaded.instance.id, [event], loaded.process.content_hash, now,
                      instance_id=loaded.instance.id)
        session.flush()
    except IntegrityError:
        raise Conflict("instance.changed") from None
