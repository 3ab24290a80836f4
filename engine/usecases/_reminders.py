"""Reminders of deadlines: the worker's sweep writes each task's reminder and overdue notice."""

from __future__ import annotations

from datetime import timedelta

from engine.store import tasks_to_remind, write_reminder


class Reminders:
    """Writes `task_reminder` (deadline within the horizon) and `task_overdue` (passed) once
    per waiting task, in bounded batches read by deadline."""

    def __init__(self, uow, clock, hours: int = 48):
        self.uow, self.clock = uow, clock
        self.horizon = timedelta(hours=hours)

    def sweep(self, limit: int = 100) -> int:
        """Write one batch of due reminders; how many this call wrote."""
        now = self.clock.now()
        with self.uow.write() as session:
            due = tasks_to_remind(session, now, self.horizon, limit)
            return sum(write_reminder(session, kind, task, now) for kind, task in due)
