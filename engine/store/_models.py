"""SQLAlchemy 2 typed models: the engine's tables and their indexes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from ._titles import Title, TitleColumn


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes in, aware UTC datetimes out, on SQLite and PostgreSQL alike."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        """Store as naive UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        """Read back as aware UTC."""
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    """Declarative base of every engine table."""

    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON, list[Any]: JSON}


class User(Base):
    """A person who can sign in; `manager_id` is their closest manager."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    password_hash: Mapped[str | None] = mapped_column(String(256))
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    # Raised to end every session of the person: each session holds the number it began with.
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # How the person wants to be told: "each" (a mail per message) or "daily" (one digest).
    notify_mode: Mapped[str] = mapped_column(String(10), default="each", server_default="each")


class UserRole(Base):
    """One role held by one user."""

    __tablename__ = "user_roles"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)


class ProcessVersion(Base):
    """An immutable deployed process: diagram, forms and lane rules, keyed by content hash."""

    __tablename__ = "process_versions"
    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(String(100), index=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    bpmn_xml: Mapped[str] = mapped_column(Text)
    forms: Mapped[dict[str, Any]]
    lanes: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]
    # 1, 2, 3 … within the process, in the order versions were stored.
    number: Mapped[int] = mapped_column(Integer)
    __table_args__ = (
        Index("uq_process_versions_number", "process_id", "number", unique=True),)


class Deployment(Base):
    """A moment a version was made the one new instances start on."""

    __tablename__ = "deployments"
    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(String(100))
    version_id: Mapped[int] = mapped_column(ForeignKey("process_versions.id"))
    deployed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    deployed_at: Mapped[datetime]
    # The deployer's own words; empty for deploys from the command line without one.
    reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    __table_args__ = (Index("ix_deployments_process_latest", "process_id", "id"),)


class ProcessDraft(Base):
    """The one shared draft of a process: files being edited, not yet deployed.

    `revision` rises with every save; a save names the revision it started from, so two
    owners editing at once get a conflict instead of overwriting each other.
    """

    __tablename__ = "process_drafts"
    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(String(100), unique=True)
    base_version_id: Mapped[int | None] = mapped_column(ForeignKey("process_versions.id"))
    bpmn_xml: Mapped[str] = mapped_column(Text)
    forms: Mapped[dict[str, Any]]
    lanes: Mapped[dict[str, Any]]
    revision: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    updated_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime]


class PendingDeploy(Base):
    """A deploy waiting for a second process owner: the files as checked, and the outcome."""

    __tablename__ = "pending_deploys"
    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(String(100))
    bpmn_xml: Mapped[str] = mapped_column(Text)
    forms: Mapped[dict[str, Any]]
    lanes: Mapped[dict[str, Any]]
    content_hash: Mapped[str] = mapped_column(String(64))
    draft_revision: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    requested_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime]
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(20))  # approved, rejected
    # A process page asks for its undecided requests.
    __table_args__ = (Index("ix_pending_deploys_open", "process_id", "decided_at"),)


class Instance(Base):
    """One running or finished process instance with its serialized state."""

    __tablename__ = "instances"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    process_id: Mapped[str] = mapped_column(String(100))
    version_id: Mapped[int] = mapped_column(ForeignKey("process_versions.id"))
    status: Mapped[str] = mapped_column(String(20))
    title: Mapped[Title] = mapped_column(TitleColumn(200))
    current_step: Mapped[str] = mapped_column(String(400), default="")
    started_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]
    state: Mapped[str] = mapped_column(Text)
    lock_version: Mapped[int] = mapped_column(Integer, default=1)
    __table_args__ = (
        Index("ix_instances_started_by", "started_by", "process_id", "created_at"),
        Index("ix_instances_status", "status", "process_id"),
        Index("ix_instances_process_created", "process_id", "created_at"),
        # The catalogue counts the requests on each version without reading their state.
        Index("ix_instances_version_status", "version_id", "status"),
    )


class ReadyTask(Base):
    """A user task waiting for a person: the inbox is a query on this table."""

    __tablename__ = "ready_tasks"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    instance_id: Mapped[str] = mapped_column(ForeignKey("instances.id"), index=True)
    task_name: Mapped[str] = mapped_column(String(100))
    task_title: Mapped[str] = mapped_column(String(200))
    lane: Mapped[str] = mapped_column(String(100))
    lane_name: Mapped[str] = mapped_column(String(200), default="")
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str | None] = mapped_column(String(40), index=True)
    requester_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    request_title: Mapped[Title] = mapped_column(TitleColumn(200))
    created_at: Mapped[datetime] = mapped_column(index=True)
    # The reminder sweep reads tasks by deadline.
    due_at: Mapped[datetime | None] = mapped_column(index=True)
    # A role task one holder of the role has taken: the others see who and cannot complete it.
    claimed_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", name="fk_ready_tasks_claimed_by"), index=True)
    claimed_at: Mapped[datetime | None]
    # Ready again because the request was sent back (the plug-in says which decisions do that).
    sent_back: Mapped[bool] = mapped_column(default=False, server_default=false())


class Timer(Base):
    """A timer some instance is waiting on, with its due time: the sweep reads due rows only."""

    __tablename__ = "timers"
    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[str] = mapped_column(ForeignKey("instances.id"), index=True)
    task_id: Mapped[str] = mapped_column(String(36))
    name: Mapped[str] = mapped_column(String(200))
    due_at: Mapped[datetime] = mapped_column(index=True)
    __table_args__ = (UniqueConstraint("instance_id", "task_id"),)


class Event(Base):
    """An append-only, hash-chained record of something that happened to a stream."""

    __tablename__ = "events"
    id: Mapped[int] = mapped_column(primary_key=True)
    stream: Mapped[str] = mapped_column(String(120))
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(40))
    instance_id: Mapped[str | None] = mapped_column(String(36))
    task_id: Mapped[str | None] = mapped_column(String(36), index=True)
    task_name: Mapped[str | None] = mapped_column(String(100))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    payload: Mapped[dict[str, Any]]
    version_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    # One event per (stream, seq): two writers appending to one chain cannot both succeed.
    __table_args__ = (UniqueConstraint("stream", "seq", name="uq_events_stream_seq"),)



class RequestComment(Base):
    """One entry of a request's conversation: a comment, or a question or reason a step gave.

    A projection of the log (comment_added events, and the steps that sent a request back),
    written in the same transaction, so the page lists it without reading events.
    """

    __tablename__ = "request_comments"
    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[str] = mapped_column(ForeignKey("instances.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(20))  # comment | question | reason | approval


class OutboxMessage(Base):
    """Something a person must be told, written in the same transaction as the step that caused
    it; the worker hands it to the delivery port exactly once."""

    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[str] = mapped_column(String(36), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    role: Mapped[str | None] = mapped_column(String(40))
    params: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    delivered_at: Mapped[datetime | None]
    delivered_by: Mapped[str | None] = mapped_column(String(80))
    # Delivery leases: a worker claims a row in one short write, sends outside it, and marks
    # it delivered in a second write that checks the lease is still its own.
    claimed_at: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(80))
    next_attempt_at: Mapped[datetime | None]
    failed_at: Mapped[datetime | None]
    skipped_at: Mapped[datetime | None]
    # A message that must be written once only (a task's reminder) carries a unique key, so
    # two workers sweeping at once cannot both write it; NULL (most messages) never clashes.
    dedup_key: Mapped[str | None] = mapped_column(String(120))
    # The worker asks for undelivered rows in id order; the admins' page for failed ones.
    __table_args__ = (Index("ix_outbox_pending", "delivered_at", "id"),
                      Index("ix_outbox_failed", "failed_at"),
                      Index("uq_outbox_dedup_key", "dedup_key", unique=True))


class Checkpoint(Base):
    """A signed statement of every stream's head at one moment (the key is never stored here)."""

    __tablename__ = "checkpoints"
    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(index=True)
    # The canonical JSON of exactly what was signed: format, time, counts, Merkle root, key id.
    statement: Mapped[str] = mapped_column(Text)
    signature: Mapped[str] = mapped_column(String(128))
    public_key: Mapped[str] = mapped_column(Text)
    # [[stream, seq, head hash], ...] sorted by stream: the leaves of the signed root.
    heads: Mapped[list[Any]]


class DigestItem(Base):
    """A message held for a person's daily digest instead of being mailed on its own."""

    __tablename__ = "digest_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id"))
    subject: Mapped[str] = mapped_column(String(300))
    link: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime]
    # The digest that carries it (set when a worker takes the digest), and when it went.
    digest_id: Mapped[int | None] = mapped_column(ForeignKey("digests.id"))
    sent_at: Mapped[datetime | None]
    __table_args__ = (UniqueConstraint("user_id", "outbox_id", name="uq_digest_items_once"),
                      # The worker asks for the people with items no digest carries yet.
                      Index("ix_digest_items_waiting", "digest_id", "user_id", "created_at"))


class Digest(Base):
    """One person's digest of one (Stockholm) day: written once, leased like outbox rows."""

    __tablename__ = "digests"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    day: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime]
    claimed_at: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(80))
    sent_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    __table_args__ = (UniqueConstraint("user_id", "day", name="uq_digests_once_a_day"),)


class DemoClockOffset(Base):
    """The demo clock's one row: how far ahead of real time the demo runs (it only grows)."""

    __tablename__ = "demo_clock"
    id: Mapped[int] = mapped_column(primary_key=True)
    offset_seconds: Mapped[int] = mapped_column(BigInteger, default=0)
    moved_at: Mapped[datetime | None]  # real time of the last move
