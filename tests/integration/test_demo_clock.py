"""The demo clock: an admin moves the demo's time forward, every process sees it, on the record,
and the worker then fires what fell due; never without the setting, never for anyone else."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import event, select, update

from engine import Engine, InvalidForm, NotAllowed, NotFound, Settings, Worker
from engine.store import DemoClock, DemoClockOffset, Event, User, verify_chain
from engine.store._demo_clock import CACHE_SECONDS, DEMO_CLOCK_STREAM
from tests.support.people import PASSWORD
from tests.support.walk import only_task, register


@pytest.fixture
def demo_engine(engine, clock):
    """An engine on the test's database with the demo clock on (the demo's setting)."""
    built = Engine(replace(engine.settings, demo_clock=True), clock=clock)
    yield built
    built.dispose()


@pytest.fixture
def admin(engine):
    """An administrator."""
    return engine.users.create("admin", "Ada Admin", "ada@ki.se", PASSWORD, ["admin"])


def another_process(engine, clock):
    """A second process's engine on the same database (a web worker, or the timer worker)."""
    return Engine(engine.settings, clock=clock)


def past_the_cache():
    """Wait as long as a process trusts the offset it read."""
    time.sleep(CACHE_SECONDS + 0.05)


def moves(engine):
    """The events of the clock's stream, oldest first."""
    with engine.uow.read() as session:
        return list(session.scalars(select(Event).where(Event.stream == DEMO_CLOCK_STREAM)
                                    .order_by(Event.seq)))


def kept(engine, admin, to, start):
    """Subjects of the kept mails to an address whose subject starts with `start`."""
    return [m.subject for m in engine.mail.kept_mails(admin.id).mails
            if m.to_address == to and m.subject.startswith(start)]


def test_two_engines_on_one_database_share_the_offset(demo_engine, admin, clock):
    worker_engine = another_process(demo_engine, clock)
    try:
        real = clock.now()
        assert worker_engine.clock.now() == real, "nothing moved yet: the real time"
        demo_engine.demo_clock.move(admin.id, 10, "Rehearse the reminders")
        assert demo_engine.clock.now() == real + timedelta(days=10), "the mover sees it at once"
        past_the_cache()
        assert worker_engine.clock.now() == real + timedelta(days=10)
        worker_engine.demo_clock.move(admin.id, "5", "And a few more days")
        past_the_cache()
        assert demo_engine.clock.now() == real + timedelta(days=15), "both moves count"
    finally:
        worker_engine.dispose()


def test_two_admins_moving_at_once_both_count_in_order(demo_engine, admin, clock):
    other = another_process(demo_engine, clock)
    try:
        barrier = threading.Barrier(2)

        def move(engine, days):
            barrier.wait(timeout=30)
            engine.demo_clock.move(admin.id, days, f"{days} days")

        threads = [threading.Thread(target=move, args=(e, d))
                   for e, d in ((demo_engine, 3), (other, 4))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    finally:
        other.dispose()
    recorded = moves(demo_engine)
    assert sorted(e.payload["days"] for e in recorded) == [3, 4]
    assert recorded[-1].payload["offset_days"] == 7, "each added to the other's"
    assert demo_engine.demo_clock.state(admin.id).offset == timedelta(days=7)
    with demo_engine.uow.read() as session:
        assert verify_chain(session, DEMO_CLOCK_STREAM).intact


def test_one_step_reads_the_offset_at_most_once_a_second(demo_engine, admin, clock):
    ticks = [100.0]
    clock_under_test = DemoClock(demo_engine.uow, clock, ticks=lambda: ticks[0])
    queries = []
    event.listen(demo_engine.db, "before_cursor_execute",
                 lambda *args: queries.append(args[2]) if "demo_clock" in args[2] else None)
    for _ in range(50):
        clock_under_test.now()
    assert len(queries) == 1
    ticks[0] += CACHE_SECONDS
    clock_under_test.now()
    assert len(queries) == 2, "read again once the second is over"


@pytest.mark.parametrize("days", [0, -1, "-30", 801, "ten", "", "1.5"])
def test_the_clock_only_moves_forward_by_whole_days_within_bounds(demo_engine, admin, days):
    before = demo_engine.clock.now()
    with pytest.raises(InvalidForm) as refused:
        demo_engine.demo_clock.move(admin.id, days, "Try it")
    assert set(refused.value.messages) == {"days"}
    assert demo_engine.demo_clock.state(admin.id).offset == timedelta(0)
    assert demo_engine.clock.now() == before and moves(demo_engine) == []


def test_a_move_without_a_reason_is_refused_on_its_field(demo_engine, admin):
    with pytest.raises(InvalidForm) as refused:
        demo_engine.demo_clock.move(admin.id, 0, "   ")
    assert {k: [m.code for m in v] for k, v in refused.value.messages.items()} == {
        "days": ["demo_clock.not_forward"], "reason": ["required"]}
    with pytest.raises(InvalidForm) as refused:
        demo_engine.demo_clock.move(admin.id, 3, "x" * 501)
    assert [m.code for m in refused.value.messages["reason"]] == ["too_long"]
    assert moves(demo_engine) == []


def test_each_move_is_an_event_with_who_when_how_much_and_why(demo_engine, admin, clock):
    real = clock.now()
    demo_engine.demo_clock.move(admin.id, 366, "A year on: reviews fall due")
    demo_engine.demo_clock.move(admin.id, 30, "Past the grace period")
    first, second = moves(demo_engine)
    assert (first.kind, first.actor_id) == ("demo_clock_moved", admin.id)
    assert first.payload == {"days": 366, "reason": "A year on: reviews fall due",
                             "offset_days": 366, "real_time": real.isoformat()}
    assert first.created_at == real, "when, in the demo's time before the move"
    assert second.payload["offset_days"] == 396
    assert second.created_at == real + timedelta(days=366)
    with demo_engine.uow.read() as session:
        assert verify_chain(session, DEMO_CLOCK_STREAM).intact
    state = demo_engine.demo_clock.state(admin.id)
    assert state.days_ahead == 396 and state.recorded == timedelta(days=396)
    assert state.now == real + timedelta(days=396)
    assert [(m.by, m.days, m.reason) for m in state.moves] == [
        ("Ada Admin", 30, "Past the grace period"),
        ("Ada Admin", 366, "A year on: reviews fall due")], "newest first"


def test_with_the_setting_off_there_is_no_clock_to_move(engine, admin, clock):
    assert engine.clock is clock, "the given (real) clock itself"
    assert engine.demo_clock.ahead() is None
    with pytest.raises(NotFound) as refused:
        engine.demo_clock.move(admin.id, 10, "Rehearse")
    assert refused.value.code == "demo_clock.off"
    with pytest.raises(NotFound):
        engine.demo_clock.state(admin.id)
    assert moves(engine) == []


def test_the_real_clock_is_used_by_default():
    settings = Settings.from_env({})
    assert settings.demo_clock is False
    assert Settings.from_env({"KONTOFLODE_DEMO_CLOCK": "1"}).demo_clock is True


def test_the_demo_clock_is_refused_at_start_up_where_mail_really_goes_out():
    with pytest.raises(ValueError, match="KONTOFLODE_DEMO_CLOCK"):
        Settings.from_env({"KONTOFLODE_DEMO_CLOCK": "1", "KONTOFLODE_MAIL": "smtp"})
    with pytest.raises(ValueError, match="KONTOFLODE_DEMO_CLOCK must be on or off"):
        Settings.from_env({"KONTOFLODE_DEMO_CLOCK": "maybe"})


@pytest.mark.parametrize("role", ["staff", "communications", "auditor", "process_owner"])
def test_only_admins_read_or_move_the_clock(demo_engine, org, role):
    someone = demo_engine.users.create(f"a_{role}", "Some One", "one@ki.se", PASSWORD, [role],
                                       "director")
    with pytest.raises(NotAllowed) as refused:
        demo_engine.demo_clock.move(someone.id, 10, "Let me see my review")
    assert refused.value.code == "demo_clock.admins_only"
    with pytest.raises(NotAllowed):
        demo_engine.demo_clock.state(someone.id)
    assert moves(demo_engine) == [] and demo_engine.demo_clock.ahead() == timedelta(0)


def test_a_deactivated_admin_cannot_move_it(demo_engine, admin):
    with demo_engine.uow.write() as session:
        session.execute(update(User).where(User.id == admin.id).values(active=False))
    with pytest.raises(NotAllowed):
        demo_engine.demo_clock.move(admin.id, 1, "Still me")


def test_an_insider_lowering_the_offset_with_sql_neither_turns_time_back_nor_hides(
        demo_engine, admin, clock):
    demo_engine.demo_clock.move(admin.id, 100, "Rehearse")
    moved = demo_engine.clock.now()
    with demo_engine.uow.write() as session:
        session.execute(update(DemoClockOffset).values(offset_seconds=0))
    past_the_cache()
    assert demo_engine.clock.now() >= moved, "a running process never goes back"
    state = demo_engine.demo_clock.state(admin.id)
    assert state.offset == timedelta(0) and state.recorded == timedelta(days=100), \
        "the page can tell the stored offset from what the moves add up to"


def test_after_moving_the_worker_fires_due_reviews_reminders_and_escalations(
        demo_engine, org, admin, clock):
    register(demo_engine, org)
    # The timer worker is a process of its own, built as `kontoflode worker` builds it.
    timer_process = another_process(demo_engine, clock)
    try:
        worker = Worker(timer_process)
        worker.run_once()
        assert not [t for t in demo_engine.inbox(org.staff.id)
                    if t.task_name == "periodic_review"]

        demo_engine.demo_clock.move(admin.id, 366, "A year on: the review falls due")
        past_the_cache()
        results = worker.run_once()
        assert results["timers"].fired == 1
        review = only_task(demo_engine, org.staff, "periodic_review")
        assert review.due_at is not None
        assert "Waiting for you: Review the account" in kept(demo_engine, admin, "sara@ki.se",
                                                             "Waiting for you")
        assert not kept(demo_engine, admin, "sara@ki.se", "Due soon")

        demo_engine.demo_clock.move(admin.id, 29, "A day before the review's deadline")
        past_the_cache()
        worker.run_once()
        assert kept(demo_engine, admin, "sara@ki.se", "Due soon") == [
            "Due soon: Review the account"]

        demo_engine.demo_clock.move(admin.id, 2, "Past the grace period")
        past_the_cache()
        assert worker.run_once()["timers"].fired == 1
        assert not [t for t in demo_engine.inbox(org.staff.id) if t.id == review.id]
        escalated = only_task(demo_engine, org.comms, "escalated_review")
        assert escalated.task_name == "escalated_review"
        assert sorted(m.to_address for m in demo_engine.mail.kept_mails(admin.id).mails
                      if m.subject.startswith("Review unanswered")) == ["cai@ki.se",
                                                                        "cleo@ki.se"]
    finally:
        timer_process.dispose()


def test_an_insider_rewriting_a_move_with_sql_breaks_the_clocks_chain(demo_engine, admin):
    demo_engine.demo_clock.move(admin.id, 30, "Rehearse the reminders")
    with demo_engine.uow.write() as session:
        session.execute(update(Event).where(Event.stream == DEMO_CLOCK_STREAM)
                        .values(payload={"days": 1, "reason": "Hardly moved"}))
    with demo_engine.uow.read() as session:
        check = verify_chain(session, DEMO_CLOCK_STREAM)
    assert (check.intact, check.broken_at, check.reason) == (False, 1, "chain.altered")
