"""A submission authorizes and loads once: one read transaction and one write transaction."""

from __future__ import annotations

from bench.bench_statements import Counter, submit
from tests.support.people import ACCOUNT, GUIDELINES


def test_a_completion_is_one_read_and_one_write(engine, org):
    started = engine.start_request(org.staff.id)
    counter = Counter(engine.db)
    statements, transactions = counter.measure(
        lambda: submit(engine, org.staff.id, started.first_task_id, GUIDELINES))
    assert transactions == 2
    # 13: the write also deletes the drafts of the task it completed (task_drafts).
    assert statements <= 13


def test_starting_returns_the_first_task_without_an_inbox_scan(engine, org):
    counter = Counter(engine.db)
    started = []
    statements, transactions = counter.measure(
        lambda: started.append(engine.start_request(org.staff.id)))
    [first] = engine.inbox(org.staff.id)
    assert started[0].first_task_id == first.id
    assert transactions == 2 and statements <= 12


def test_a_reader_gets_the_task_form_fields_and_its_answers_are_validated(engine, org):
    started = engine.start_request(org.staff.id)
    submit(engine, org.staff.id, started.first_task_id, GUIDELINES)
    [task] = engine.inbox(org.staff.id)
    seen = []

    def read(fields):
        seen.extend(f.name for f in fields)
        return ACCOUNT

    engine.complete_task(org.staff.id, task.id, read)
    assert seen[:3] == ["channel", "channel_name", "account_name"]
    assert [t.task_name for t in engine.inbox(org.staff.id)] == ["plan_moderation"]
