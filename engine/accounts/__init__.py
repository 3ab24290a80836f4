"""The social media account procedure: the register row and the yearly review cycle."""

from ._lifecycle import REQUEST_PROCESS, apply_follow_up, plan_follow_up
from ._schedule import DUE_TIME, check_intervals, due_date_of, next_review_due

__all__ = [
    "DUE_TIME",
    "REQUEST_PROCESS",
    "apply_follow_up",
    "check_intervals",
    "due_date_of",
    "next_review_due",
    "plan_follow_up",
]
