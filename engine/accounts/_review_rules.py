"""A review that can fail: "keep" only when the owner confirms its checks; an update names
a new owner only by someone who uses the system.

Applied by the plug-in's `check`, so they hold whatever the form says: a process owner who
drops the form's wording cannot make "keep" pass with an unticked box.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import func, select

from engine.errors import Message
from engine.store import User

from ._contract import REVIEW_CHECKS, REVIEW_PROCESS, REVIEW_TASK

NEW_OWNER = "new_owner_email"

# Messages the review's rules attach to fields (code -> params), worded like the form's own.
REVIEW_RULE_CODES: dict[str, tuple[str, ...]] = {
    "review.keep_unconfirmed": (),  # "keep" chosen with this check unticked
    "review.owner_unknown": (),  # the new owner's email is nobody's who uses the system
}

PersonFinder = Callable[[str], "int | None"]


def review_messages(process_id: str, task_name: str, answers: Mapping[str, Any],
                    find_person: PersonFinder | None) -> dict[str, list[Message]]:
    """Messages per field where an owner's review breaks its rules (empty: it holds)."""
    if process_id != REVIEW_PROCESS or task_name != REVIEW_TASK:
        return {}
    decision = answers.get("review_decision")
    messages: dict[str, list[Message]] = {}
    if decision == "keep":
        for name in REVIEW_CHECKS:
            if answers.get(name) is not True:
                messages[name] = [Message("review.keep_unconfirmed")]
    email = answers.get(NEW_OWNER)
    if decision == "update" and email and find_person is not None and find_person(
            str(email)) is None:
        messages[NEW_OWNER] = [Message("review.owner_unknown")]
    return messages


def person_finder(uow) -> PersonFinder:
    """Who uses the system with this email (any case), by id; None when nobody active does."""
    def find(email: str) -> int | None:
        with uow.read() as session:
            return find_person(session, email)
    return find


def find_person(session, email: str) -> int | None:
    """The active person with this email address (any case), or None."""
    return session.scalar(select(User.id).where(
        func.lower(User.email) == email.strip().lower(), User.active.is_(True))
        .order_by(User.id).limit(1))
