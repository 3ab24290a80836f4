"""Changing process definitions: shared drafts, check, deploy with a reason, four eyes, upload.

Only process owners change anything (`require_process_owner`, decided here, never only in a
page). Every change is one transaction with its event in the process's stream
`process:<process_id>`: the draft opened, saved (with its new content hash, not its files),
uploaded, discarded; a deploy asked for, approved or rejected; a version deployed.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine.definitions import ProcessSource
from engine.errors import Conflict, InvalidDiagram, InvalidInput, NotAllowed, NotFound, Problem
from engine.store import (
    NewEvent,
    PendingDeploy,
    ProcessDraft,
    ProcessVersion,
    User,
    append_events,
    current_version_id,
)

from ._drafts import check_diagram, check_forms, check_lanes, check_process_id, clean_reason
from ._process_access import require_process_owner
from ._process_catalogue import ProcessCatalogue, draft_view_of
from ._process_views import DeployOutcome, DraftView
from ._uploads import read_upload


class ProcessAdmin(ProcessCatalogue):
    """The catalogue for readers, and drafts, checks and deploys for process owners."""

    # ---- drafts ------------------------------------------------------------------------------

    def open_draft(self, user_id: int, process_id: str,
                   from_version_id: int | None = None) -> DraftView:
        """Open the process's shared draft from a version (default: the current one)."""
        with self.uow.write() as session:
            require_process_owner(session, user_id)
            _refuse_open_draft(session, process_id)
            version_id = from_version_id or current_version_id(session, process_id)
            version = session.get(ProcessVersion, version_id) if version_id else None
            if version is None and not from_version_id:
                raise NotFound("process.not_deployed", process_id=process_id)
            if version is None or version.process_id != process_id:
                raise NotFound("version.not_found")
            source = ProcessSource(process_id, version.bpmn_xml, version.forms, version.lanes)
            draft = self._new_draft(session, user_id, source, version.id)
            self._event(session, draft, user_id, "draft_opened", {
                "revision": 1, "base_version_id": version.id,
                "content_hash": source.content_hash})
            return self._view(session, draft)

    def save_draft(self, user_id: int, process_id: str, revision: int, *,
                   bpmn_xml: str | None = None, forms: dict[str, Any] | None = None,
                   lanes: dict[str, Any] | None = None) -> DraftView:
        """Save parts of the draft made from `revision`; Conflict when someone saved since.

        Only size and shape are checked: a draft may hold a broken diagram mid-edit.
        """
        if bpmn_xml is not None:
            check_diagram(bpmn_xml, self.limits)
        if forms is not None:
            check_forms(forms, self.limits)
        if lanes is not None:
            check_lanes(lanes, self.limits)
        with self.uow.write() as session:
            require_process_owner(session, user_id)
            draft = self._draft_at(session, process_id, revision)
            changes = {name: value for name, value in (
                ("bpmn_xml", bpmn_xml), ("forms", forms), ("lanes", lanes)) if value is not None
                and value != getattr(draft, name)}
            if not changes:
                return self._view(session, draft)
            self._write(session, draft, user_id, revision, changes)
            self._event(session, draft, user_id, "draft_saved", {
                "revision": draft.revision, "content_hash": _source(draft).content_hash,
                "parts": sorted(changes)})
            return self._view(session, draft)

    def discard_draft(self, user_id: int, process_id: str, revision: int) -> None:
        """Close the draft without deploying it (the revision shows what is thrown away)."""
        with self.uow.write() as session:
            require_process_owner(session, user_id)
            draft = self._draft_at(session, process_id, revision)
            self._event(session, draft, user_id, "draft_discarded", {"revision": revision})
            session.delete(draft)

    def check_draft(self, user_id: int, process_id: str) -> list[Problem]:
        """Every problem deploy would refuse the draft for (the loader with the contract)."""
        with self.uow.read() as session:
            require_process_owner(session, user_id)
            draft = _draft_row(session, process_id)
            source = _source(draft)
        return self.problems_of(source)

    def problems_of(self, source: ProcessSource) -> list[Problem]:
        """What the loader finds wrong with a source (an empty list: it would deploy)."""
        try:
            self.catalog.check(source)
        except InvalidDiagram as error:
            return error.problems
        return []

    # ---- upload --------------------------------------------------------------------------------

    def upload(self, user_id: int, filename: str, data: bytes, *,
               process_id: str | None = None, replace_revision: int | None = None) -> DraftView:
        """A `.bpmn` or a zipped process folder as the process's draft.

        A `.bpmn` alone keeps the forms and lanes it would replace. When a draft is open the
        upload is a Conflict unless `replace_revision` names its revision (a deliberate
        replacement). InvalidDiagram lists what makes the file unusable as a draft.
        """
        with self.uow.read() as session:
            require_process_owner(session, user_id)
        files = read_upload(filename, data, self.limits)
        if process_id is not None and files.process_id != process_id:
            raise InvalidDiagram([Problem("upload.other_process", {
                "process_id": files.process_id, "expected": process_id}, file=filename)])
        check_process_id(files.process_id)
        check_diagram(files.bpmn_xml, self.limits)
        if files.forms is not None:
            check_forms(files.forms, self.limits)
        if files.lanes is not None:
            check_lanes(files.lanes, self.limits)
        with self.uow.write() as session:
            require_process_owner(session, user_id)
            draft = session.scalar(select(ProcessDraft).where(
                ProcessDraft.process_id == files.process_id))
            if draft is not None and replace_revision is None:
                _refuse_open_draft(session, files.process_id)
            base_id = current_version_id(session, files.process_id)
            kept = draft or (session.get(ProcessVersion, base_id) if base_id else None)
            forms = files.forms if files.forms is not None else (kept.forms if kept else {})
            lanes = files.lanes if files.lanes is not None else (kept.lanes if kept else {})
            source = ProcessSource(files.process_id, files.bpmn_xml, forms, lanes)
            if draft is None:
                draft = self._new_draft(session, user_id, source, base_id)
            else:
                draft = self._draft_at(session, files.process_id, replace_revision)
                self._write(session, draft, user_id, replace_revision, {
                    "bpmn_xml": source.bpmn_xml, "forms": forms, "lanes": lanes})
            self._event(session, draft, user_id, "draft_uploaded", {
                "revision": draft.revision, "content_hash": source.content_hash,
                "filename": (filename or "")[:200]})
            return self._view(session, draft)

    # ---- deploy --------------------------------------------------------------------------------

    def deploy_draft(self, user_id: int, process_id: str, revision: int,
                     reason: str) -> DeployOutcome:
        """Deploy the draft as a new version with a reason, or ask a second owner to approve.

        Refused with the problems when the draft fails Check, and when it is the current
        version already.
        """
        reason = clean_reason(reason)
        with self.uow.read() as session:
            require_process_owner(session, user_id)
            source = _source(self._draft_at(session, process_id, revision))
        loaded = self.catalog.check(source)
        with self.uow.write() as session:
            require_process_owner(session, user_id)
            draft = self._draft_at(session, process_id, revision)
            if _source(draft).content_hash != source.content_hash:  # saved in between
                raise _changed(session, draft)
            _refuse_unchanged(session, source)
            if self.approval:
                return self._request_deploy(session, user_id, draft, source, reason)
            view = self.catalog.record_deploy(session, source, user_id, reason,
                                              draft_revision=revision)
            session.delete(draft)
        self.catalog.remember(view.version_id, loaded)
        return DeployOutcome(process_id, version=view)

    def approve_deploy(self, user_id: int, pending_id: int) -> DeployOutcome:
        """A second process owner makes a waiting deploy the current version."""
        with self.uow.read() as session:
            require_process_owner(session, user_id)
            source = _pending_source(self._pending(session, user_id, pending_id))
        loaded = self.catalog.check(source)
        with self.uow.write() as session:
            pending = self._pending(session, user_id, pending_id)
            _refuse_unchanged(session, source)
            self._decide(session, pending, user_id, "approved", "deploy_approved", {})
            view = self.catalog.record_deploy(
                session, source, user_id, pending.reason, pending_id=pending.id,
                requested_by=pending.requested_by)
            draft = session.scalar(select(ProcessDraft).where(
                ProcessDraft.process_id == pending.process_id))
            if draft is not None and _source(draft).content_hash == pending.content_hash:
                session.delete(draft)  # what was approved is deployed: the draft is done
        self.catalog.remember(view.version_id, loaded)
        return DeployOutcome(source.process_id, version=view)

    def reject_deploy(self, user_id: int, pending_id: int, reason: str = "") -> str:
        """A second process owner refuses a waiting deploy (the draft stays for fixing); returns
        the process id."""
        text = reason.strip()[:2000] if isinstance(reason, str) else ""
        with self.uow.write() as session:
            pending = self._pending(session, user_id, pending_id)
            self._decide(session, pending, user_id, "rejected", "deploy_rejected",
                         {"reason": text})
            return pending.process_id

    # ---- helpers -------------------------------------------------------------------------------

    def _request_deploy(self, session: Session, user_id: int, draft: ProcessDraft,
                        source: ProcessSource, reason: str) -> DeployOutcome:
        waiting = session.execute(
            select(PendingDeploy.requested_at, User.name)
            .join(User, User.id == PendingDeploy.requested_by)
            .where(PendingDeploy.process_id == draft.process_id,
                   PendingDeploy.decided_at.is_(None))).first()
        if waiting is not None:
            raise Conflict("deploy.pending_exists", by=waiting.name, at=waiting.requested_at)
        pending = PendingDeploy(
            process_id=draft.process_id, bpmn_xml=source.bpmn_xml, forms=source.forms,
            lanes=source.lanes, content_hash=source.content_hash,
            draft_revision=draft.revision, reason=reason, requested_by=user_id,
            requested_at=self.clock.now())
        session.add(pending)
        session.flush()
        self._event(session, draft, user_id, "deploy_requested", {
            "pending_id": pending.id, "revision": draft.revision, "reason": reason})
        return DeployOutcome(draft.process_id, pending_id=pending.id)

    def _pending(self, session: Session, user_id: int, pending_id: int) -> PendingDeploy:
        require_process_owner(session, user_id)
        pending = session.get(PendingDeploy, pending_id)
        if pending is None:
            raise NotFound("deploy.not_found")
        if pending.decided_at is not None:
            raise Conflict("deploy.decided", outcome=pending.outcome)
        if pending.requested_by == user_id:
            raise NotAllowed("deploy.own_request")
        return pending

    def _decide(self, session: Session, pending: PendingDeploy, user_id: int, outcome: str,
                kind: str, params: dict[str, Any]) -> None:
        done = session.execute(
            update(PendingDeploy).where(PendingDeploy.id == pending.id,
                                        PendingDeploy.decided_at.is_(None))
            .values(decided_by=user_id, decided_at=self.clock.now(), outcome=outcome))
        if done.rowcount != 1:  # another owner decided first
            raise Conflict("deploy.decided", outcome=None)
        append_events(session, f"process:{pending.process_id}", [NewEvent(
            kind, {"pending_id": pending.id, **params}, actor_id=user_id)],
            pending.content_hash, self.clock.now())

    def _new_draft(self, session: Session, user_id: int, source: ProcessSource,
                   base_version_id: int | None) -> ProcessDraft:
        now = self.clock.now()
        draft = ProcessDraft(
            process_id=source.process_id, base_version_id=base_version_id,
            bpmn_xml=source.bpmn_xml, forms=source.forms, lanes=source.lanes, revision=1,
            created_by=user_id, created_at=now, updated_by=user_id, updated_at=now)
        session.add(draft)
        session.flush()  # two owners opening at once: the unique process_id stops the second
        return draft

    def _draft_at(self, session: Session, process_id: str, revision: int) -> ProcessDraft:
        draft = _draft_row(session, process_id)
        if draft.revision != revision:
            raise _changed(session, draft)
        return draft

    def _write(self, session: Session, draft: ProcessDraft, user_id: int, revision: int,
               changes: dict[str, Any]) -> None:
        """Compare-and-set on the revision: zero rows means someone saved first."""
        now = self.clock.now()
        done = session.execute(
            update(ProcessDraft).where(ProcessDraft.id == draft.id,
                                       ProcessDraft.revision == revision)
            .values(revision=revision + 1, updated_by=user_id, updated_at=now, **changes)
            .execution_options(synchronize_session=False))
        if done.rowcount != 1:
            session.expire(draft)
            raise _changed(session, draft)
        session.expire(draft)

    def _event(self, session: Session, draft: ProcessDraft, user_id: int, kind: str,
               payload: dict[str, Any]) -> None:
        append_events(session, f"process:{draft.process_id}", [NewEvent(
            kind, payload, actor_id=user_id)], _source(draft).content_hash, self.clock.now())

    def _view(self, session: Session, draft: ProcessDraft) -> DraftView:
        session.refresh(draft)
        names = dict(session.execute(select(User.id, User.name).where(
            User.id.in_({draft.created_by, draft.updated_by}))).all())
        base = session.get(ProcessVersion, draft.base_version_id) \
            if draft.base_version_id else None
        return draft_view_of(draft, names[draft.created_by], names[draft.updated_by],
                             base.number if base else None)


def _draft_row(session: Session, process_id: str) -> ProcessDraft:
    draft = session.scalar(select(ProcessDraft).where(ProcessDraft.process_id == process_id))
    if draft is None:
        raise NotFound("draft.not_found", process_id=process_id)
    return draft


def _source(draft: ProcessDraft) -> ProcessSource:
    return ProcessSource(draft.process_id, draft.bpmn_xml, draft.forms, draft.lanes)


def _pending_source(pending: PendingDeploy) -> ProcessSource:
    return ProcessSource(pending.process_id, pending.bpmn_xml, pending.forms, pending.lanes)


def _changed(session: Session, draft: ProcessDraft) -> Conflict:
    """draft.changed: who saved it last, when, and the revision it is at now."""
    session.refresh(draft)
    name = session.scalar(select(User.name).where(User.id == draft.updated_by))
    return Conflict("draft.changed", by=name, at=draft.updated_at, revision=draft.revision)


def _refuse_open_draft(session: Session, process_id: str) -> None:
    found = session.execute(
        select(ProcessDraft.revision, ProcessDraft.updated_at, User.name)
        .join(User, User.id == ProcessDraft.updated_by)
        .where(ProcessDraft.process_id == process_id)).first()
    if found is not None:
        raise Conflict("draft.exists", by=found.name, at=found.updated_at,
                       revision=found.revision)


def _refuse_unchanged(session: Session, source: ProcessSource) -> None:
    current = current_version_id(session, source.process_id)
    version = session.get(ProcessVersion, current) if current else None
    if version is not None and version.content_hash == source.content_hash:
        raise InvalidInput("deploy.unchanged", number=version.number)
