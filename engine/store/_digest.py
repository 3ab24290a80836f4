"""Daily digests: messages held for a person who chose one mail a day, and that mail's lease.

A held message is a digest item. At the digest hour (Stockholm time) each person with items
held from before that hour gets one digest row for the day (unique per person and day, so two
workers write one), leased as outbox rows are: a worker takes it in a short write that checks
nobody holds it, binds the waiting items to it, sends outside any transaction, and marks it
sent in a second write that checks the lease is still its own.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from ._cover import LOCAL_TZ
from ._models import Digest, DigestItem
from ._reminders import insert_once


def digest_cutoff(now: datetime, hour: int) -> datetime | None:
    """Today's digest hour (Stockholm time) as an instant, or None while it is still before."""
    local = now.astimezone(LOCAL_TZ)
    at = datetime.combine(local.date(), time(hour), tzinfo=LOCAL_TZ)
    return at if local >= at else None


def hold_for_digest(session: Session, user_id: int, outbox_id: int, subject: str, link: str,
                    now: datetime) -> None:
    """Hold one message for a person's digest (once per message and person)."""
    if session.scalar(select(DigestItem.id).where(
            DigestItem.user_id == user_id, DigestItem.outbox_id == outbox_id)) is None:
        session.add(DigestItem(user_id=user_id, outbox_id=outbox_id, subject=subject[:300],
                               link=link[:500], created_at=now))


def people_waiting(session: Session, day: date, before: datetime, limit: int,
                   max_attempts: int) -> list[int]:
    """Up to `limit` people due a digest today: with items held from before `before` that no
    digest carries, or whose digest of the day failed and may be tried again."""
    held = set(session.scalars(
        select(DigestItem.user_id).where(DigestItem.digest_id.is_(None),
                                         DigestItem.created_at < before)
        .group_by(DigestItem.user_id).order_by(DigestItem.user_id).limit(limit)))
    retried = set(session.scalars(
        select(Digest.user_id).where(Digest.day == day, Digest.sent_at.is_(None),
                                     Digest.attempts > 0, Digest.attempts < max_attempts)
        .order_by(Digest.user_id).limit(limit)))
    return sorted(held | retried)[:limit]


def open_digest(session: Session, user_id: int, day: date, now: datetime) -> None:
    """Write the person's digest row for the day, unless there is one."""
    insert_once(session, Digest, {"user_id": user_id, "day": day, "created_at": now,
                                  "attempts": 0, "last_error": ""}, ("user_id", "day"))


def lease_digest(session: Session, user_id: int, day: date, worker: str, now: datetime,
                 lease: timedelta, before: datetime,
                 max_attempts: int = 5) -> tuple[int, datetime] | None:
    """Take the person's unsent digest of the day and bind its items; (id, lease) or None."""
    digest_id = session.scalar(select(Digest.id).where(
        Digest.user_id == user_id, Digest.day == day))
    if digest_id is None:
        return None
    taken = session.execute(
        update(Digest).where(Digest.id == digest_id, Digest.sent_at.is_(None),
                             Digest.attempts < max_attempts,
                             or_(Digest.claimed_at.is_(None), Digest.claimed_at <= now - lease))
        .values(claimed_at=now, claimed_by=worker, attempts=Digest.attempts + 1)
        .execution_options(synchronize_session=False)).rowcount == 1
    if not taken:
        return None
    session.execute(update(DigestItem).where(
        DigestItem.user_id == user_id, DigestItem.digest_id.is_(None),
        DigestItem.created_at < before).values(digest_id=digest_id)
        .execution_options(synchronize_session=False))
    return digest_id, now


def digest_items(session: Session, digest_id: int) -> list[DigestItem]:
    """The items a digest carries, oldest first."""
    return list(session.scalars(select(DigestItem).where(DigestItem.digest_id == digest_id)
                                .order_by(DigestItem.created_at, DigestItem.id)))


def finish_digest(session: Session, digest_id: int, worker: str, claimed_at: datetime,
                  sent_at: datetime | None, error: str = "") -> bool:
    """Release a leased digest, marked sent (with its items) if `sent_at`; False if not ours."""
    done = session.execute(
        update(Digest).where(Digest.id == digest_id, Digest.claimed_by == worker,
                             Digest.claimed_at == claimed_at, Digest.sent_at.is_(None))
        # A failure keeps the time of the try: the lease then holds the next try back
        # (a refusing mail server is not asked again every tick).
        .values(claimed_at=None if sent_at else claimed_at, claimed_by=None, sent_at=sent_at,
                last_error=error[:2000])
        .execution_options(synchronize_session=False)).rowcount == 1
    if done and sent_at is not None:
        session.execute(update(DigestItem).where(DigestItem.digest_id == digest_id)
                        .values(sent_at=sent_at).execution_options(synchronize_session=False))
    return done
