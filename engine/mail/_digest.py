"""The daily digest: one mail a day to each person who chose it, listing what was held.

At the digest hour (Stockholm time) each person with messages held from before that hour
gets one digest for the day; two workers send it once (see engine/store/_digest.py). A send
that fails is tried again once its lease (ten minutes) has run out, five attempts in all.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from engine.store import (
    active_person,
    digest_cutoff,
    digest_items,
    finish_digest,
    lease_digest,
    local_day,
    open_digest,
    people_waiting,
)

from ._senders import MailMessage, MailSender
from ._words import MailWords

logger = logging.getLogger("kontoflode.mail")


@dataclass(frozen=True)
class DigestReport:
    """What one pass over the digests did."""

    sent: int
    failed: int


class DailyDigest:
    """Sends each due digest once, through a mail sender."""

    def __init__(self, uow, clock, sender: MailSender, words: MailWords, hour: int = 7,
                 lease: timedelta = timedelta(minutes=10), max_attempts: int = 5):
        self.uow, self.clock, self.sender, self.words = uow, clock, sender, words
        self.hour, self.lease, self.max_attempts = hour, lease, max_attempts

    def send_due(self, worker: str, limit: int = 100) -> DigestReport:
        """Send today's digest to up to `limit` people with held messages, if it is time."""
        now = self.clock.now()
        cutoff = digest_cutoff(now, self.hour)
        if cutoff is None:
            return DigestReport(0, 0)
        day, sent, failed = local_day(now), 0, 0
        with self.uow.read() as session:
            people = people_waiting(session, day, cutoff, limit, self.max_attempts)
        for user_id in people:
            outcome = self._send_one(user_id, day, cutoff, worker)
            sent, failed = sent + (outcome is True), failed + (outcome is False)
        return DigestReport(sent, failed)

    def _send_one(self, user_id: int, day, cutoff: datetime, worker: str) -> bool | None:
        """Send one person's digest: True sent, False failed, None not ours (or nothing)."""
        with self.uow.write() as session:
            open_digest(session, user_id, day, self.clock.now())
        with self.uow.write() as session:
            leased = lease_digest(session, user_id, day, worker, self.clock.now(), self.lease,
                                  cutoff, self.max_attempts)
            if leased is None:
                return None
            held = digest_items(session, leased[0])
            items = [(i.subject, i.link) for i in held]
            # The demo's mailbox keeps a mail under an outbox row: the first held message's,
            # which this address never got on its own.
            outbox_id = held[0].outbox_id if held else 0
            person = active_person(session, user_id)
            address, name = (person.email.strip(), person.name) if person else ("", "")
        digest_id, claimed_at = leased
        try:
            if items and address:  # someone who may no longer be told gets nothing
                subject, body = self.words.compose_digest(name, items)
                self.sender.send(MailMessage(address, subject, body, outbox_id))
        except Exception as error:
            logger.exception("sending the digest of user %s failed", user_id)
            with self.uow.write() as session:
                finish_digest(session, digest_id, worker, claimed_at, None,
                              f"{type(error).__name__}: {error}")
            return False
        with self.uow.write() as session:
            return finish_digest(session, digest_id, worker, claimed_at, self.clock.now())
