"""What auditors check: a request's hash chain, and a replay of its log against its state."""

from __future__ import annotations

from sqlalchemy import select

from engine.errors import NotAllowed, NotFound
from engine.runtime import (
    Difference,
    ReplayDiverged,
    ReplayResult,
    compare,
    replay_log,
    restore,
)
from engine.store import Catalog, ChainCheck, Event, Instance, verify_chain

from ._access import AUDIT_ROLES, visible_instance
from ._answers import answer_sections
from ._directory import load_user
from ._history import (
    first_version,
    history_of,
    version_in_force,
    version_info,
    versions_in_log,
)
from ._procedure import NoProcedure, Procedure
from ._projections import current_data, projection_differences
from ._views import HistoryStep, RecordCheck


class Auditing:
    """Checking that requests' records hold."""

    def __init__(self, uow, catalog: Catalog, procedure: Procedure | None = None):
        self.uow = uow
        self.catalog = catalog
        self.procedure = procedure or NoProcedure()

    def may_audit(self, user_id: int) -> bool:
        """Whether the user may check requests' records (auditors and admins)."""
        with self.uow.read() as session:
            return bool(load_user(session, user_id).roles & AUDIT_ROLES)

    def check_record(self, user_id: int, instance_id: str) -> RecordCheck:
        """For auditors: is the request's log intact, and does replaying it give its state?"""
        with self.uow.read() as session:
            if not load_user(session, user_id).roles & AUDIT_ROLES:
                raise NotAllowed("record.auditors_only")
            instance, requester = visible_instance(session, user_id, instance_id)
            chain = verify_chain(session, instance_id)
            altered = next(filter(None, (self.catalog.altered(session, version_id)
                                         for version_id in versions_in_log(session, instance))),
                           None)
            about = {"instance_id": instance.id, "title": instance.title,
                     "requester_name": requester.name,
                     "version_hash": self.catalog.stored_hash(session, instance.version_id)}
            if altered is not None:
                # Nothing the version says can be trusted, so nothing is replayed with it.
                return RecordCheck(chain, ReplayResult(instance_id, chain.events, False),
                                   version_altered=altered, **about)
            process = self.catalog.get(instance.version_id)
            workflow = restore(process, instance.state)  # once, for the kernel's and plug-in's rows
            projections = projection_differences(session, process, instance, workflow)
            projections += self.procedure.projection_differences(
                session, instance, current_data(workflow), workflow.is_completed())
        return RecordCheck(chain, self.replay(instance_id), tuple(projections), **about)

    def history_step(self, user_id: int, instance_id: str, seq: int | None = None
                     ) -> HistoryStep:
        """A request as it stood right after its event `seq` (default: the latest), replayed."""
        # Replayed from the log on the request's own version; for whoever may see the request.
        with self.uow.read() as session:
            instance, requester = visible_instance(session, user_id, instance_id)
            timeline, events = history_of(session, self.catalog, instance)
            if seq is None and timeline:
                seq = timeline[-1].seq
            chosen = next((e for e in timeline if e.seq == seq), None)
            if chosen is None:
                raise NotFound("history.no_such_event", seq=seq)
            upto = [e for e in events if e.seq <= seq]
            version_id = version_in_force(events, instance, seq)
            version = version_info(session, version_id)
        process, snapshot = replay_log(self.catalog.get(first_version(events, instance)),
                                       upto, self.catalog.get)
        completed = tuple(dict.fromkeys(e.task_name for e in upto
                                        if e.kind == "task_completed" and e.task_name))
        return HistoryStep(
            instance_id=instance.id, title=instance.title, requester_name=requester.name,
            timeline=tuple(timeline), event=chosen, completed_steps=completed,
            waiting_steps=tuple(r.task_name for r in snapshot.ready),
            answers=answer_sections(process, snapshot.data), completed=snapshot.completed,
            version=version)

    def replay_request(self, user_id: int, instance_id: str) -> ReplayResult:
        """Re-execute a request from its event log and compare with its stored state."""
        with self.uow.read() as session:
            visible_instance(session, user_id, instance_id)
        return self.replay(instance_id)

    def replay(self, instance_id: str) -> ReplayResult:
        """Re-execute any instance from its log (for operators; no user check)."""
        with self.uow.read() as session:
            instance = session.get(Instance, instance_id)
            if instance is None:
                raise NotFound("instance.not_found")
            events = session.scalars(select(Event).where(Event.stream == instance_id)
                                     .order_by(Event.seq)).all()
        if not events:
            return ReplayResult(instance_id, 0, False, (Difference("replay.no_events"),))
        try:
            process, snapshot = replay_log(self.catalog.get(first_version(events, instance)),
                                           events, self.catalog.get)
            differences = compare(process, instance.state, snapshot)
        except ReplayDiverged as error:
            differences = [Difference(error.code, error.params)]
        replayed = version_in_force(events, instance)
        if replayed != instance.version_id:  # the row names a version the log never moved to
            differences.insert(0, Difference("replay.version", {
                "stored": instance.version_id, "replayed": replayed}))
        return ReplayResult(instance_id, len(events), not differences, tuple(differences))

    def verify(self, stream: str) -> ChainCheck:
        """Check the hash chain of any stream of events (for operators; no user check)."""
        with self.uow.read() as session:
            return verify_chain(session, stream)

    def verify_request(self, user_id: int, instance_id: str) -> ChainCheck:
        """Check the hash chain of a request's events."""
        with self.uow.read() as session:
            visible_instance(session, user_id, instance_id)
            return verify_chain(session, instance_id)
