"""Reading process definitions: the catalogue, a process's versions, a version's files, drafts.

Counts of requests per version come from one grouped, indexed query over `instances`
(version_id, status); no request's state is ever read.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from engine.definitions import ProcessSource
from engine.errors import EngineError, NotFound
from engine.store import (
    Catalog,
    Deployment,
    Event,
    Instance,
    PendingDeploy,
    ProcessDraft,
    ProcessVersion,
    UnitOfWork,
    User,
    current_version_id,
)

from ._drafts import DraftLimits
from ._process_access import may_change_processes, require_process_reader
from ._process_views import (
    DraftView,
    PendingView,
    ProcessDetail,
    ProcessEvent,
    ProcessSummary,
    VersionDetail,
    VersionSummary,
)

ACTIVITY_SHOWN = 50  # the newest events of a process's stream on its page


class ProcessCatalogue:
    """What process owners, auditors and admins may read about process definitions."""

    def __init__(self, uow: UnitOfWork, catalog: Catalog, clock, *, approval: bool,
                 limits: DraftLimits):
        self.uow = uow
        self.catalog = catalog
        self.clock = clock
        self.approval = approval
        self.limits = limits

    def catalogue(self, user_id: int) -> list[ProcessSummary]:
        """Every process with a version or a draft, by name."""
        with self.uow.read() as session:
            require_process_reader(session, user_id)
            versions = session.execute(
                select(ProcessVersion.process_id, ProcessVersion.id, ProcessVersion.number)
            ).all()
            drafts = set(session.scalars(select(ProcessDraft.process_id)))
            pending = dict(session.execute(
                select(PendingDeploy.process_id, func.count()).where(
                    PendingDeploy.decided_at.is_(None)).group_by(PendingDeploy.process_id)).all())
            running = _running_by_version(session)
            by_process: dict[str, list] = {}
            for row in versions:
                by_process.setdefault(row.process_id, []).append(row)
            summaries = []
            for process_id in sorted(set(by_process) | drafts):
                rows = by_process.get(process_id, [])
                current = current_version_id(session, process_id)
                number = next((r.number for r in rows if r.id == current), None)
                summaries.append(ProcessSummary(
                    process_id=process_id, name=self._name(process_id, current),
                    current_version_id=current, current_number=number, versions=len(rows),
                    running=sum(running.get(r.id, (0, 0))[0] for r in rows),
                    has_draft=process_id in drafts, pending=pending.get(process_id, 0)))
        return sorted(summaries, key=lambda s: (s.name.casefold(), s.process_id))

    def process(self, user_id: int, process_id: str) -> ProcessDetail:
        """A process: its versions newest first, its draft, deploys waiting, recent events."""
        with self.uow.read() as session:
            user = require_process_reader(session, user_id)
            versions = _version_summaries(session, process_id)
            draft = _draft_view(session, process_id)
            if not versions and draft is None:
                raise NotFound("process.not_deployed", process_id=process_id)
            pending = _pending_views(session, process_id, user_id)
            activity = _activity(session, process_id)
            current = next((v.version_id for v in versions if v.current), None)
        return ProcessDetail(process_id, self._name(process_id, current), versions, draft,
                             pending, activity, may_change_processes(user), self.approval)

    def version(self, user_id: int, version_id: int) -> VersionDetail:
        """One version with its diagram, forms and lane rules exactly as deployed."""
        with self.uow.read() as session:
            require_process_reader(session, user_id)
            row = session.get(ProcessVersion, version_id)
            if row is None:
                raise NotFound("version.not_found")
            summary = next(v for v in _version_summaries(session, row.process_id)
                           if v.version_id == version_id)
            source = ProcessSource(row.process_id, row.bpmn_xml, row.forms, row.lanes)
        return VersionDetail(row.process_id, self._name(row.process_id, version_id), summary,
                             source)

    def draft(self, user_id: int, process_id: str) -> DraftView:
        """The process's open draft; NotFound when there is none."""
        with self.uow.read() as session:
            require_process_reader(session, user_id)
            view = _draft_view(session, process_id)
        if view is None:
            raise NotFound("draft.not_found", process_id=process_id)
        return view

    def _name(self, process_id: str, version_id: int | None) -> str:
        """The process's name from its diagram (the cached parsed version), else its id."""
        if version_id is None:
            return process_id
        try:
            return self.catalog.get(version_id).spec.description or process_id
        except EngineError:  # an altered version still has a page that says so
            return process_id


def _running_by_version(session: Session, version_ids=None) -> dict[int, tuple[int, int]]:
    """(running, finished) requests per version id, from the (version_id, status) index."""
    query = select(Instance.version_id, Instance.status, func.count()).group_by(
        Instance.version_id, Instance.status)
    if version_ids is not None:
        query = query.where(Instance.version_id.in_(version_ids))
    counts: dict[int, tuple[int, int]] = {}
    for version_id, status, count in session.execute(query):
        running, finished = counts.get(version_id, (0, 0))
        if status == "running":
            running += count
        else:
            finished += count
        counts[version_id] = (running, finished)
    return counts


def _version_summaries(session: Session, process_id: str) -> list[VersionSummary]:
    """Every version of a process, newest first, with its latest deployment and its counts."""
    rows = session.execute(
        select(ProcessVersion.id, ProcessVersion.number, ProcessVersion.content_hash,
               ProcessVersion.created_at)
        .where(ProcessVersion.process_id == process_id).order_by(ProcessVersion.number.desc())
    ).all()
    if not rows:
        return []
    deployer = aliased(User)
    deployments = {}
    for d, name in session.execute(
            select(Deployment, deployer.name).outerjoin(deployer,
                                                        deployer.id == Deployment.deployed_by)
            .where(Deployment.process_id == process_id).order_by(Deployment.id)):
        deployments[d.version_id] = (d, name)  # the latest deployment of each version wins
    current = current_version_id(session, process_id)
    counts = _running_by_version(session, [row.id for row in rows])
    summaries = []
    for row in rows:
        deployment, name = deployments.get(row.id, (None, None))
        running, finished = counts.get(row.id, (0, 0))
        summaries.append(VersionSummary(
            version_id=row.id, number=row.number, content_hash=row.content_hash,
            created_at=row.created_at,
            deployed_at=deployment.deployed_at if deployment else None, deployed_by=name,
            reason=deployment.reason if deployment else "", running=running,
            current=row.id == current, finished=finished))
    return summaries


def _draft_view(session: Session, process_id: str) -> DraftView | None:
    creator, updater = aliased(User), aliased(User)
    found = session.execute(
        select(ProcessDraft, creator.name, updater.name, ProcessVersion.number)
        .join(creator, creator.id == ProcessDraft.created_by)
        .join(updater, updater.id == ProcessDraft.updated_by)
        .outerjoin(ProcessVersion, ProcessVersion.id == ProcessDraft.base_version_id)
        .where(ProcessDraft.process_id == process_id)).first()
    if found is None:
        return None
    draft, created_by, updated_by, number = found
    return draft_view_of(draft, created_by, updated_by, number)


def draft_view_of(draft: ProcessDraft, created_by: str, updated_by: str,
                  base_number: int | None) -> DraftView:
    """A draft row as a view."""
    return DraftView(
        process_id=draft.process_id, revision=draft.revision,
        source=ProcessSource(draft.process_id, draft.bpmn_xml, draft.forms, draft.lanes),
        base_version_id=draft.base_version_id, base_number=base_number,
        updated_by=updated_by, updated_at=draft.updated_at, created_by=created_by,
        created_at=draft.created_at)


def _pending_views(session: Session, process_id: str, reader_id: int) -> list[PendingView]:
    rows = session.execute(
        select(PendingDeploy, User.name).join(User, User.id == PendingDeploy.requested_by)
        .where(PendingDeploy.process_id == process_id, PendingDeploy.decided_at.is_(None))
        .order_by(PendingDeploy.id)).all()
    reader = session.get(User, reader_id)
    owner = reader is not None and may_change_processes(
        require_process_reader(session, reader_id))
    return [PendingView(
        pending_id=p.id, process_id=p.process_id, content_hash=p.content_hash,
        draft_revision=p.draft_revision, reason=p.reason, requested_by=name,
        requested_by_id=p.requested_by, requested_at=p.requested_at,
        may_decide=owner and p.requested_by != reader_id) for p, name in rows]


def _activity(session: Session, process_id: str) -> list[ProcessEvent]:
    rows = session.execute(
        select(Event.seq, Event.kind, Event.payload, Event.created_at, User.name)
        .outerjoin(User, User.id == Event.actor_id)
        .where(Event.stream == f"process:{process_id}")
        .order_by(Event.seq.desc()).limit(ACTIVITY_SHOWN)).all()
    return [ProcessEvent(row.seq, row.kind, row.name, row.created_at, dict(row.payload))
            for row in rows]
