"""What an evaluation may cost: the deep size of every value it makes, and its total work.

A value's size counts every item and character it holds, all the way down, and a part that is
shared is counted each time it appears, because hashing, comparing or storing the value walks it
that many times: a tuple of 10,000 references to one 10,000-character string is 100,000,000
units. Every operation predicts the size of its result, and the work it will do, before it runs,
and is refused past the limits. The work is counted, never timed, so a replay fails in the same
place as the first run.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from ._language import MAX_VALUE_SIZE, MAX_WORK, ExpressionError

_CONTAINERS = (list, tuple, set, frozenset)
_NESTED = (str, dict, *_CONTAINERS)
_NESTED_CONTAINERS = (dict, *_CONTAINERS)


class Meter:
    """The cost of one evaluation so far: units of work, and the sizes of the values it met."""

    def __init__(self, size_limit: int = MAX_VALUE_SIZE, work_limit: int = MAX_WORK) -> None:
        self.size_limit, self.work_limit = size_limit, work_limit
        self.work = 0
        # id -> (value, size); the value is kept so that its id cannot be reused meanwhile
        self._sizes: dict[int, tuple[Any, int]] = {}

    def charge(self, units: int) -> None:
        """Count `units` of work; refuse once the evaluation has done too much."""
        self.work += units
        if self.work > self.work_limit:
            raise ExpressionError("too_much_work", limit=self.work_limit)

    def size(self, value: Any) -> int:
        """The deep size of `value` (at most one past the limit: the walk stops there)."""
        if isinstance(value, str):
            return max(1, len(value))
        if not isinstance(value, _NESTED_CONTAINERS):
            return 1
        known = self._sizes.get(id(value))
        if known is not None:
            return known[1]
        total = deep_size(value, self.size_limit)
        self.charge(total)
        self._sizes[id(value)] = (value, total)
        return total

    def bounded(self, value: Any) -> int:
        """The size of `value`, refused past the limit."""
        return self.allow(self.size(value))

    def allow(self, size: int) -> int:
        """Refuse a value of `size` units if it is over the limit; charge making it."""
        if size > self.size_limit:
            raise ExpressionError("value_too_large", limit=self.size_limit)
        self.charge(size)
        return size

    def made(self, value: Any, size: int) -> Any:
        """Remember the size of a value just made (so it is never walked) and return it."""
        if isinstance(value, _NESTED_CONTAINERS):
            self._sizes[id(value)] = (value, size)
        return value

    def forget(self) -> None:
        """Drop the sizes remembered: a script changed a value in place."""
        self._sizes.clear()


def deep_size(value: Any, limit: int) -> int:
    """Items and characters in `value`, counting shared parts each time; stops past `limit`."""
    total, stack = 0, [value]
    while stack and total <= limit:
        item = stack.pop()
        if isinstance(item, str):
            total += max(1, len(item))
            continue
        total += 1
        if isinstance(item, dict):
            item = [*item, *item.values()]
        elif not isinstance(item, _CONTAINERS):
            continue
        # plain items are counted here; only text and containers go on the stack
        nested = [child for child in item if isinstance(child, _NESTED)]
        total += len(item) - len(nested)
        stack.extend(nested)
    return total


_METER: ContextVar[Meter | None] = ContextVar("expression_meter", default=None)


def meter() -> Meter:
    """The meter of the evaluation in progress (a fresh one outside any evaluation)."""
    current = _METER.get()
    return current if current is not None else Meter()


def metered(func: Any, *args: Any) -> Any:
    """Call `func` as one evaluation with its own meter."""
    token = _METER.set(Meter())
    try:
        return func(*args)
    finally:
        _METER.reset(token)
