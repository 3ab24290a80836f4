"""Who may read and who may change process definitions: decided from the person's roles."""

from __future__ import annotations

from sqlalchemy.orm import Session

from engine.errors import NotAllowed

from ._directory import load_user
from ._views import UserView

OWNER_ROLES = frozenset({"process_owner"})
# Auditors and admins read every version (diagram, forms, lanes); only process owners change.
PROCESS_READER_ROLES = OWNER_ROLES | {"auditor", "admin"}


def may_change_processes(user: UserView) -> bool:
    """Whether the person may edit drafts, deploy versions and move requests between them."""
    return bool(user.roles & OWNER_ROLES) and user.active


def may_read_processes(user: UserView) -> bool:
    """Whether the person may open the process catalogue and every version in it."""
    return bool(user.roles & PROCESS_READER_ROLES) and user.active


def require_process_owner(session: Session, user_id: int) -> UserView:
    """The user, if they may change processes; NotAllowed otherwise."""
    user = load_user(session, user_id)
    if not may_change_processes(user):
        raise NotAllowed("process.owners_only")
    return user


def require_process_reader(session: Session, user_id: int) -> UserView:
    """The user, if they may read the process catalogue; NotAllowed otherwise."""
    user = load_user(session, user_id)
    if not may_read_processes(user):
        raise NotAllowed("process.readers_only")
    return user
