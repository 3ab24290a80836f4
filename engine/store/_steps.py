"""Where an instance stands, as a code with parameters: the `instances.current_step` column.

The column holds JSON such as ``{"code": "at_tasks", "params": {"tasks": ["Approve"]}}``; task
titles and timer names come from the diagram (process data), never a sentence of ours.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

INSTANCE_STATUSES = ("running", "completed", "cancelled", "withdrawn")

# Each code with the names of its parameters.
STEP_CODES: dict[str, tuple[str, ...]] = {
    "completed": (),
    "cancelled": (),  # an admin cancelled the request (its log says why)
    "withdrawn": (),  # the requester withdrew the request before registration
    "waiting": (),  # neither a task nor a timer: something outside the engine
    "at_tasks": ("tasks",),  # the titles of the ready tasks, sorted
    "timer": ("timer", "due"),  # the timer's name and its due date (YYYY-MM-DD)
}


@dataclass(frozen=True)
class CurrentStep:
    """Where an instance stands: a code from STEP_CODES and its parameters."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def to_column(self) -> str:
        """The JSON text stored in `instances.current_step`."""
        return json.dumps({"code": self.code, "params": self.params}, sort_keys=True,
                          ensure_ascii=False)

    @classmethod
    def from_column(cls, text: str | None) -> CurrentStep:
        """Read the stored JSON back (an empty column reads as waiting)."""
        if not text:
            return cls("waiting")
        stored = json.loads(text)
        return cls(stored["code"], stored.get("params") or {})
