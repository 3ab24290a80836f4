"""Holiday cover: who stands in for whom (a stub until the cover part fills it in)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session


def substitute_of(session: Session, user_id: int, on: date) -> int | None:
    """who covers user_id on that day"""
    return None


def covered_by(session: Session, user_id: int, on: date) -> list[int]:
    """whom user_id covers on that day"""
    return []
