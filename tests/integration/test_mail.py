"""Mail: every kind of message composed and delivered once to a real (local) SMTP server."""

from __future__ import annotations

import ast
import socket
import threading
from datetime import timedelta
from email import message_from_bytes
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from engine import Engine
from engine.mail import MailDelivery, SmtpSender, SmtpSettings
from engine.store import OutboxMessage, SentMail
from tests.support.people import REGISTRATION, REJECT, UPDATE
from tests.support.walk import do, register, request_until_approval

ROOT = Path(__file__).resolve().parents[2]


class Inbox:
    """An SMTP handler that keeps what it receives, or refuses while `refuse` is set."""

    def __init__(self):
        self.mails: list[tuple[str, object]] = []
        self.refuse = False

    async def handle_DATA(self, server, session, envelope):
        """Keep the mail, or refuse it for now."""
        if self.refuse:
            return "451 try again later"
        for to in envelope.rcpt_tos:
            self.mails.append((to, message_from_bytes(envelope.content)))
        return "250 OK"


def free_port() -> int:
    """A local port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp():
    """A real SMTP server on a free local port; yields its handler and port."""
    handler, port = Inbox(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


def port_for(engine: Engine, port: int) -> MailDelivery:
    """The engine's mail delivery, sending to the local server."""
    return MailDelivery(engine.uow, engine.clock, SmtpSender(SmtpSettings(
        "127.0.0.1", port, timeout=5)), engine.mail_words())


def rows(engine, **where):
    """Outbox rows narrowed by column values."""
    with engine.uow.read() as session:
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        for name, value in where.items():
            query = query.where(getattr(OutboxMessage, name) == value)
        return list(session.scalars(query))


def kinds_written() -> set[str]:
    """Every kind the engine's code writes: the first argument of each NewMessage(...)."""
    found = set()
    for path in (ROOT / "engine").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "NewMessage"
                    and node.args and isinstance(node.args[0], ast.Constant)):
                found.add(node.args[0].value)
    return found


def test_every_kind_the_code_writes_composes(engine):
    words = engine.mail_words()
    assert kinds_written() >= {"task_ready", "request_approved", "review_escalated"}
    for kind in kinds_written():
        subject, body = words.compose(kind, "r1", {"task_id": "t1"}, "Sara")
        assert subject and "http://127.0.0.1:5000/" in body and "Sara" in body


def test_each_kind_reaches_the_right_person_once_with_a_link(engine, org, clock, smtp):
    handler, port = smtp
    register(engine, org)
    clock.advance(timedelta(days=400))
    engine.fire_due_timers()
    clock.advance(timedelta(days=60))
    engine.fire_due_timers()
    # Communications keeps the unanswered review; a year on, Sara says nobody watches daily.
    do(engine, org.comms, "escalated_review", {"owner_contacted": True,
                                               "review_decision": "keep",
                                               "comment": "Sara confirmed by phone."})
    clock.advance(timedelta(days=366))
    engine.fire_due_timers()
    do(engine, org.staff, "periodic_review", {**UPDATE, "still_moderated_daily": False})
    request_id = request_until_approval(engine, org)
    do(engine, org.manager, "manager_approval", REJECT)
    engine.add_comment(org.manager.id, request_id, "Ask Bo's unit, please")
    written = {row.kind for row in rows(engine)}
    assert written >= kinds_written()
    delivery = port_for(engine, port)
    while engine.deliver_outbox(delivery, "w1").delivered:
        pass
    assert all(row.delivered_at for row in rows(engine))
    with engine.uow.read() as session:
        recorded = session.scalars(select(SentMail)).all()
    assert len(recorded) == len(handler.mails), "each recipient of each row got it once"
    sent_back = [(to, m) for to, m in handler.mails if m["Subject"].startswith("Sent back")]
    assert [to for to, _ in sent_back] == ["sara@ki.se"]
    assert f"/requests/{request_id}" in sent_back[0][1].get_payload(decode=True).decode()
    assert REJECT["rejection_reason"] in sent_back[0][1].get_payload(decode=True).decode()
    approvals = [m for to, m in handler.mails
                 if to == "maja@ki.se" and m["Subject"].startswith("Waiting")]
    assert len(approvals) == 2, "one approval for each of the two requests"
    assert all("/tasks/" in m.get_payload(decode=True).decode() for m in approvals)
    escalated = sorted(to for to, m in handler.mails if m["Subject"].startswith("Review unans"))
    assert escalated == ["cai@ki.se", "cleo@ki.se"], "every communications officer"
    followed = [to for to, m in handler.mails if m["Subject"].startswith("Follow-up")]
    assert followed == ["sara@ki.se"], "the owner hears communications will follow up"
    commented = [(to, m) for to, m in handler.mails if m["Subject"].startswith("New comment")]
    assert [to for to, _ in commented] == ["sara@ki.se"], "the requester, not the author"
    assert f"/requests/{request_id}#conversation" in \
        commented[0][1].get_payload(decode=True).decode()


def test_a_message_rolled_back_with_its_step_is_never_sent(engine, org, monkeypatch):
    before = len(rows(engine))
    with pytest.raises(RuntimeError), engine.uow.write() as session:
        from engine.store import NewMessage, append_messages
        append_messages(session, "x", [NewMessage("task_ready", org.staff.id)],
                        engine.clock.now())
        raise RuntimeError("the step failed")
    assert len(rows(engine)) == before


def test_two_workers_deliver_each_mail_once(engine, org, smtp):
    handler, port = smtp
    for _ in range(6):
        engine.start_request(org.staff.id)
    delivery = port_for(engine, port)
    def drain(name):
        while engine.deliver_outbox(delivery, name, limit=2).delivered:
            pass
    threads = [threading.Thread(target=drain, args=(f"w{i}",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(handler.mails) == 6
    assert all(row.delivered_at for row in rows(engine))


def test_a_refusing_server_is_retried_with_back_off_then_the_row_fails(engine, org, clock,
                                                                       smtp):
    handler, port = smtp
    handler.refuse = True
    engine.start_request(org.staff.id)
    delivery = port_for(engine, port)
    for attempt in range(1, 6):
        assert engine.deliver_outbox(delivery, "w1").failed == 1
        [row] = rows(engine)
        assert row.attempts == attempt and "451" in row.last_error
        assert engine.deliver_outbox(delivery, "w1").failed == 0, "waits for its back-off"
        clock.advance(timedelta(hours=1, minutes=1))
    [row] = rows(engine)
    assert row.failed_at is not None and not handler.mails


def test_a_server_that_is_not_there_counts_as_a_failed_attempt(engine, org):
    engine.start_request(org.staff.id)
    assert engine.deliver_outbox(port_for(engine, free_port()), "w1").failed == 1
    [row] = rows(engine)
    assert row.next_attempt_at is not None and row.failed_at is None


def test_the_demo_keeps_mail_and_a_substitute_gets_waiting_tasks(engine, org):
    engine.start_request(org.staff.id)
    port = engine.delivery_port()
    assert engine.deliver_outbox(port, "w1").delivered == 1
    from engine.store import KeptMail
    with engine.uow.read() as session:
        [kept] = session.scalars(select(KeptMail))
        assert kept.to_address == "sara@ki.se" and "/tasks/" in kept.body


def test_on_holiday_cover_the_substitute_gets_the_task_and_both_get_news(engine, org, clock):
    from engine.store import local_day
    today = local_day(clock.now())
    engine.set_cover(org.manager.id, org.manager.id, "director", today, today)
    request_id = request_until_approval(engine, org)
    delivery = engine.delivery_port()
    [waiting] = rows(engine, instance_id=request_id, kind="task_ready",
                     user_id=org.manager.id)
    assert [a for a, _ in delivery.recipients(waiting)] == ["dana@ki.se"], "instead of"
    engine.set_cover(org.staff.id, org.staff.id, "outsider", today, today)
    do(engine, org.director, "manager_approval", REJECT)
    [news] = rows(engine, instance_id=request_id, kind="request_sent_back")
    assert [a for a, _ in delivery.recipients(news)] == ["sara@ki.se", "otto@ki.se"], "also"


def test_a_retry_after_a_partial_success_sends_only_to_the_rest(engine, org, clock, smtp):
    handler, port = smtp
    request_until_approval(engine, org)
    do(engine, org.manager, "manager_approval", {"manager_decision": "approve"})
    do(engine, org.staff, "registration_form", REGISTRATION)
    role_rows = [r for r in rows(engine) if r.role == "communications"]
    assert role_rows, "the register task waits on the communications role"

    class FailingForCleo(SmtpSender):
        def send(self, mail):
            if mail.to == "cleo@ki.se" and self.down:
                raise OSError("connection reset")
            super().send(mail)

    sender = FailingForCleo(SmtpSettings("127.0.0.1", port, timeout=5))
    sender.down = True
    delivery = MailDelivery(engine.uow, engine.clock, sender, engine.mail_words())
    while engine.deliver_outbox(delivery, "w1").delivered:
        pass
    assert engine.deliver_outbox(delivery, "w1").failed == 0
    cai = [m["Subject"] for to, m in handler.mails if to == "cai@ki.se"]
    assert len(cai) == 1 and not [to for to, _ in handler.mails if to == "cleo@ki.se"]
    sender.down = False
    clock.advance(timedelta(hours=1))
    while engine.deliver_outbox(delivery, "w1").delivered:
        pass
    assert [m["Subject"] for to, m in handler.mails if to == "cai@ki.se"] == cai
    assert len([to for to, _ in handler.mails if to == "cleo@ki.se"]) == 1
    assert all(r.delivered_at for r in rows(engine))
