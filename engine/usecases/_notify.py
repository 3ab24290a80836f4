"""How a person is told: a mail per message ("each") or one daily digest ("daily")."""

from __future__ import annotations

from sqlalchemy.orm import Session

from engine.errors import InvalidInput, NotFound
from engine.store import NewEvent, User, append_person_events

NOTIFY_MODES = ("each", "daily")


def _person(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("user.not_found")
    return user


class NotifyPrefs:
    """Read and set one's own notification mode; each change an event on one's stream."""

    def __init__(self, uow, clock):
        self.uow, self.clock = uow, clock

    def mode(self, user_id: int) -> str:
        """The person's mode."""
        with self.uow.read() as session:
            return _person(session, user_id).notify_mode or "each"

    def set_mode(self, user_id: int, mode: str) -> bool:
        """Set the person's own mode; whether it changed (an unchanged choice records nothing)."""
        if mode not in NOTIFY_MODES:
            raise InvalidInput("notify.bad_mode", allowed=", ".join(NOTIFY_MODES))
        now = self.clock.now()
        with self.uow.write() as session:
            user = _person(session, user_id)
            before = user.notify_mode or "each"
            if before == mode:
                return False
            user.notify_mode = mode
            append_person_events(session, user.id, [NewEvent("notify_mode_changed", {
                "from": before, "to": mode}, actor_id=user.id)], now)
            return True
