"""The requester withdraws their own request, while it runs and before it is registered.

Withdrawing ends the request like an admin's cancellation (see `_endings`): one event in its
chain, its waiting tasks and timers gone, and whoever had a waiting task is told. When it is too
late is the procedure's to say (`Procedure.ends_withdrawal`); the kernel knows no task by name.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.definitions import LoadedProcess
from engine.errors import Conflict, EngineError, InvalidInput, NotAllowed
from engine.store import REQUEST_WITHDRAWN, Catalog, Event, Instance, NewEvent

from ._directory import load_user
from ._endings import end_request, ended_as, holder_notices, load_request
from ._procedure import Procedure

MAX_REASON = 1000  # characters of the optional reason


class WithdrawCommands:
    """The requester's withdrawal of a request."""

    def __init__(self, uow, catalog: Catalog, clock, procedure: Procedure):
        self.uow = uow
        self.catalog = catalog
        self.clock = clock
        self.procedure = procedure

    def may_withdraw(self, user_id: int, instance_id: str) -> bool:
        """Whether the user may withdraw this request now."""
        return self._refusal(user_id, instance_id) is None

    def check_withdraw(self, user_id: int, instance_id: str) -> None:
        """Raise why the user may not withdraw this request now (for the confirm page)."""
        refusal = self._refusal(user_id, instance_id)
        if refusal is not None:
            raise refusal

    def _refusal(self, user_id: int, instance_id: str) -> EngineError | None:
        with self.uow.read() as session:
            instance = load_request(session, instance_id)
            process = self.catalog.get(instance.version_id)
            return withdraw_refusal(session, self.procedure, process, user_id, instance)

    def withdraw_request(self, user_id: int, instance_id: str, reason: str = "") -> None:
        """Withdraw a running request the user started, before its registration."""
        reason = _reason(reason)
        with self.uow.read() as session:
            user = load_user(session, user_id)
            instance = load_request(session, instance_id)
            process = self.catalog.get(instance.version_id)
            refusal = withdraw_refusal(session, self.procedure, process, user.id, instance)
            if refusal is not None:
                raise refusal
            messages = holder_notices(session, process, instance, REQUEST_WITHDRAWN,
                                      {"reason": reason, "by": user.name})
        event = NewEvent(REQUEST_WITHDRAWN, {"reason": reason}, actor_id=user.id)
        with self.uow.write() as session:
            end_request(session, instance, process, event, "withdrawn", self.clock.now(),
                        messages)


def withdraw_refusal(session: Session, procedure: Procedure, process: LoadedProcess,
                     user_id: int, instance: Instance) -> EngineError | None:
    """Why the user may not withdraw the request now, by the record (None: they may)."""
    if user_id != instance.started_by:
        return NotAllowed("withdraw.not_requester")
    if instance.process_id != procedure.request_process:
        return InvalidInput("withdraw.not_a_request")
    completions = session.execute(select(Event.task_name, Event.payload).where(
        Event.stream == instance.id, Event.kind == "task_completed")).all()
    if any(procedure.ends_withdrawal(name, payload.get("data", {}))
           for name, payload in completions):
        return Conflict("withdraw.already_registered")
    status = ended_as(session, process, instance)
    if status is not None:
        return Conflict("withdraw.not_running", status=status)
    return None


def _reason(reason: str | None) -> str:
    """The optional reason, trimmed and bounded."""
    text = (reason or "").strip()
    if len(text) > MAX_REASON:
        raise InvalidInput("withdraw.reason_too_long", max=MAX_REASON)
    return text
