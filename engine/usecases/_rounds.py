"""A step done again after it sent the request back: what it said then and what came back."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.definitions import LoadedProcess
from engine.store import Event, User

from ._answers import answer_section
from ._history import REVISION_LOOKBACK, SentBack
from ._views import AnswerSection, EarlierRound


def earlier_rounds(session: Session, process: LoadedProcess, instance_id: str,
                   task_name: str, sent_back: SentBack) -> tuple[EarlierRound, ...]:
    """Each earlier completion of this task that sent the request back, oldest first, with
    the answers the other lanes gave afterwards (so communications sees its own questions and
    the requester's reply when the registration comes back)."""
    rows = session.execute(
        select(Event, User.name).outerjoin(User, User.id == Event.actor_id)
        .where(Event.stream == instance_id, Event.kind == "task_completed")
        .order_by(Event.seq.desc()).limit(REVISION_LOOKBACK)).all()
    rows.reverse()
    lane_id = process.user_tasks[task_name].lane_id
    rounds: list[EarlierRound] = []
    for index, (event, name) in enumerate(rows):
        data = event.payload.get("data", {})
        if event.task_name != task_name or not sent_back(process.process_id, task_name, data):
            continue
        said = _section(process, event, name)
        if said is None:
            continue
        replies = []
        for later, later_name in rows[index + 1:]:
            if later.task_name == task_name:
                break  # the step was done again: what followed belongs to that round
            info = process.user_tasks.get(later.task_name or "")
            if info is not None and info.lane_id != lane_id:
                section = _section(process, later, later_name)
                if section is not None:
                    replies.append(section)
        rounds.append(EarlierRound(said, tuple(replies)))
    return tuple(rounds)


def _section(process: LoadedProcess, event: Event, name: str | None) -> AnswerSection | None:
    """One completion's answers as given then, with who gave them and when."""
    section = answer_section(process, event.task_name, event.payload.get("data", {}))
    return replace(section, by=name, at=event.created_at) if section else None
