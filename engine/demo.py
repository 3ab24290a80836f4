"""The demo organisation: a small department with every role, for trying the service out."""

from __future__ import annotations

from dataclasses import dataclass

from .app import Engine
from .usecases import UserView

DEMO_PASSWORD = "kontoflode-demo"  # noqa: S105 - a published demo password, by design


@dataclass(frozen=True)
class DemoPerson:
    """One person of the demo organisation."""

    username: str
    name: str
    roles: tuple[str, ...]
    manager: str | None = None

    @property
    def email(self) -> str:
        """A made-up address at an example domain."""
        return f"{self.username}@example.ki.se"


# Managers come before the people they manage: a manager must exist to be named.
DEMO_PEOPLE = (
    DemoPerson("director", "Dan Director", ("staff", "manager")),
    DemoPerson("manager", "Maja Manager", ("staff", "manager"), "director"),
    DemoPerson("staff", "Sara Staff", ("staff",), "manager"),
    DemoPerson("comms1", "Cecilia Communications", ("communications",)),
    DemoPerson("comms2", "Carl Communications", ("communications",)),
    DemoPerson("owner", "Olle Process Owner", ("process_owner",)),
    DemoPerson("auditor", "Alva Auditor", ("auditor",)),
    DemoPerson("admin", "Adam Admin", ("admin",)),
)


def seed_demo(engine: Engine) -> dict[str, tuple[UserView, bool]]:
    """Create every demo person that is missing; return each user and whether it was new."""
    result = {}
    for person in DEMO_PEOPLE:
        existing = engine.users.find(person.username)
        if existing is not None:
            result[person.username] = (existing, False)
            continue
        user = engine.users.create(person.username, person.name, person.email, DEMO_PASSWORD,
                                   list(person.roles), person.manager)
        result[person.username] = (user, True)
    return result
