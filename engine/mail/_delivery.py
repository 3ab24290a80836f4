"""The mail delivery port: an outbox message's recipients resolved, composed, sent once each.

Recipients: a message to a person goes to them; on holiday cover, a message that waits on
them (a task) goes to their substitute instead, and any other message (a status) to both.
A message to a role goes to every active holder except the request's requester. People
without an address or who may not sign in are skipped. Each address that has the mail is
recorded under the outbox row, so a retry after a partial success sends only to the others;
the row counts as delivered once every recipient has it. A person who chose a daily digest
gets no mail of their own: the message is held for their digest instead (engine/mail/_digest).
"""

from __future__ import annotations

from typing import Any

from engine.store import (
    User,
    active_person,
    hold_for_digest,
    local_day,
    record_sent,
    requester_of,
    role_holders,
    sent_addresses,
    substitute_of,
)

from ._senders import MailMessage, MailSender
from ._words import WAITING_KINDS, MailWords


class MailDelivery:
    """Delivers outbox messages as mail through a sender (SMTP, kept, or logged)."""

    def __init__(self, uow, clock, sender: MailSender, words: MailWords):
        self.uow = uow
        self.clock = clock
        self.sender = sender
        self.words = words

    def recipients(self, message: Any) -> list[tuple[str, str]]:
        """(address, name) of everyone a message goes to, each address once."""
        return [(address, person.name) for address, person in self.people(message)]

    def people(self, message: Any) -> list[tuple[str, User]]:
        """(address, person) of everyone a message goes to, each address once."""
        with self.uow.read() as session:
            people = []
            if message.user_id is not None:
                substitute = active_person(session, substitute_of(
                    session, message.user_id, local_day(self.clock.now())))
                if substitute is None or message.kind not in WAITING_KINDS:
                    people.append(active_person(session, message.user_id))
                people.append(substitute)
            elif message.role:
                requester = requester_of(session, message.instance_id)
                # Never the requester by role; nor whoever wrote what the message is about.
                left_out = {requester, (message.params or {}).get("not_to")}
                people += [u for u in role_holders(session, message.role)
                           if u.id not in left_out]
            found: dict[str, User] = {}
            for person in people:
                if person is not None:
                    found.setdefault(person.email.strip(), person)
            session.expunge_all()  # read after the session: id, name, notify_mode
            return list(found.items())

    def deliver(self, message: Any) -> None:
        """Send the message to each recipient that does not have it yet; raise on a failure."""
        with self.uow.read() as session:
            done = sent_addresses(session, message.id)
        for address, person in self.people(message):
            if address in done:
                continue
            subject, body = self.words.compose(message.kind, message.instance_id,
                                               message.params, person.name)
            if person.notify_mode == "daily":
                link = self.words.link(message.kind, message.instance_id, message.params)
                with self.uow.write() as session:  # held and recorded as one step
                    # Dated when it happened, so the digest after that covers it.
                    hold_for_digest(session, person.id, message.id, subject, link,
                                    getattr(message, "created_at", None) or self.clock.now())
                    record_sent(session, message.id, address, self.clock.now())
                continue
            self.sender.send(MailMessage(address, subject, body, message.id))
            with self.uow.write() as session:
                record_sent(session, message.id, address, self.clock.now())
