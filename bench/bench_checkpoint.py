"""Checking every chain against a signed checkpoint vs replaying every request live.

A few requests are driven through the procedure to different steps, then copied (with fresh
ids and their hash chains recomputed) up to N instances. In the same run it times: making a
checkpoint (the heads of every stream, one query, and a signature), checking the database
against it (every chain recomputed in one pass, every head compared), checking each request's
chain on its own (one query per request, as `kontoflode verify` does), and the baseline:
replaying every request from its log and comparing with its stored state (as
`kontoflode replay` does). With many instances the replay runs on a sample (`--replay-sample`)
and its time per instance is scaled to all of them. A second table runs `--live` requests
through the engine to registration (every step, as people would) and replays those same
requests, so replay is compared with live execution in the same run.

    python -m bench.bench_checkpoint [--instances 2000] [--replay-sample 2000] [--live 100]
                                     [--database-url URL]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
import uuid
from dataclasses import replace
from pathlib import Path

from sqlalchemy import insert, select

from bench.common import fresh_engine, print_table
from engine import Engine, generate_key_pair
from engine.evidence import GENESIS, event_digest
from engine.store import Event, Instance, ReadyTask
from tests.support.people import (
    ACCOUNT,
    APPROVE,
    GUIDELINES,
    MODERATION,
    REGISTER,
    REGISTRATION,
)
from tests.support.walk import do, register, request_until_approval


def seed_requests(engine, org) -> list[str]:
    """Requests at different steps: just started, waiting for approval, approved, registered."""
    registered = register(engine, org)
    approved = request_until_approval(engine, org)
    do(engine, org.manager, "manager_approval", APPROVE)
    waiting = request_until_approval(engine, org)
    started = engine.start_request(org.staff.id).instance_id
    return [started, waiting, approved, registered]


def live_request(engine, org) -> str:
    """One request run live through the engine to registration, as its people would."""
    request_id = engine.start_request(org.staff.id).instance_id
    steps = [(org.staff, GUIDELINES), (org.staff, ACCOUNT), (org.staff, MODERATION),
             (org.manager, APPROVE), (org.staff, REGISTRATION), (org.comms, REGISTER)]
    for user, answers in steps:
        with engine.uow.read() as session:
            task_id = session.scalar(select(ReadyTask.id).where(
                ReadyTask.instance_id == request_id))
        engine.complete_task(user.id, task_id, answers)
    return request_id


def copy_requests(engine, templates: list[str], total: int, batch: int = 500) -> list[str]:
    """Copy the template requests (instance and chain, rehashed) until there are `total`."""
    with engine.uow.read() as session:
        instances = {i.id: i for i in session.scalars(
            select(Instance).where(Instance.id.in_(templates)))}
        chains = {t: session.scalars(select(Event).where(Event.stream == t)
                                     .order_by(Event.seq)).all() for t in templates}
    ids = list(templates)
    instance_rows, event_rows = [], []
    for n in range(total - len(templates)):
        template = instances[templates[n % len(templates)]]
        new_id = str(uuid.uuid4())
        ids.append(new_id)
        instance_rows.append({c.key: getattr(template, c.key)
                              for c in Instance.__table__.columns} | {"id": new_id})
        prev = GENESIS
        for e in chains[template.id]:
            digest = event_digest(stream=new_id, seq=e.seq, kind=e.kind, actor_id=e.actor_id,
                                  task_id=e.task_id, task_name=e.task_name, payload=e.payload,
                                  version_hash=e.version_hash,
                                  created_at=e.created_at.isoformat(), prev=prev)
            event_rows.append({"stream": new_id, "seq": e.seq, "kind": e.kind,
                               "instance_id": new_id, "task_id": e.task_id,
                               "task_name": e.task_name, "actor_id": e.actor_id,
                               "payload": e.payload, "version_hash": e.version_hash,
                               "created_at": e.created_at, "prev_hash": prev, "hash": digest})
            prev = digest
        if len(instance_rows) >= batch:
            _flush(engine, instance_rows, event_rows)
    _flush(engine, instance_rows, event_rows)
    return ids


def _flush(engine, instance_rows: list[dict], event_rows: list[dict]) -> None:
    with engine.uow.write() as session:
        if instance_rows:
            session.execute(insert(Instance), instance_rows)
        if event_rows:
            session.execute(insert(Event), event_rows)
    instance_rows.clear()
    event_rows.clear()


def seconds(call) -> tuple[float, object]:
    """Seconds one call takes, and what it returned."""
    start = time.perf_counter()
    result = call()
    return time.perf_counter() - start, result


def main() -> None:
    """Build N instances, then time checkpoint, checks and replay in the same run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=2000)
    parser.add_argument("--replay-sample", type=int, default=2000,
                        help="replay at most this many requests and scale to all")
    parser.add_argument("--live", type=int, default=100,
                        help="requests run live to registration, then replayed, as the baseline")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    engine, clock, org = fresh_engine(args.database_url)
    folder = Path(tempfile.mkdtemp(prefix="kontoflode-bench-key-"))
    private, _public = generate_key_pair()
    (folder / "checkpoint.pem").write_bytes(private)
    engine.dispose()
    engine = Engine(replace(engine.settings, checkpoint_key=folder / "checkpoint.pem"),
                    clock=clock)
    build, ids = seconds(lambda: copy_requests(engine, seed_requests(engine, org),
                                               args.instances))
    with engine.uow.read() as session:
        events = session.query(Event).count()
    print(f"{len(ids)} requests, {events} events (built in {build:.1f} s), "
          f"{engine.db.dialect.name}")

    live, live_ids = seconds(lambda: [live_request(engine, org) for _ in range(args.live)])
    live_replayed, results = seconds(lambda: [engine.auditing.replay(i) for i in live_ids])
    assert all(r.matches for r in results)
    print_table(f"Replay against live execution: the same {len(live_ids)} requests",
                ["what", "seconds", "ms per request", "replay / live"],
                [["run live through the engine (every step, its writes)", f"{live:.2f}",
                  f"{live * 1000 / len(live_ids):.2f}", ""],
                 ["replay from the log and compare with the stored state",
                  f"{live_replayed:.2f}", f"{live_replayed * 1000 / len(live_ids):.2f}",
                  f"{live_replayed / live:.2f}"]])

    made, document = seconds(engine.create_checkpoint)
    size = len(json.dumps(document).encode("utf-8"))
    checked, verdict = seconds(engine.anchoring.verify)
    assert verdict.holds, verdict
    one_by_one, checks = seconds(lambda: [engine.auditing.verify(i) for i in ids])
    assert all(c.intact for c in checks)
    sample = ids[:args.replay_sample]
    replayed, results = seconds(lambda: [engine.auditing.replay(i) for i in sample])
    assert all(r.matches for r in results), [r for r in results if not r.matches][:1]
    replay_all = replayed * len(ids) / len(sample)

    def row(name, total):
        """One line of the table: seconds, per request, and how much faster than replay."""
        return [name, f"{total:.2f}", f"{total * 1000 / len(ids):.3f}",
                f"{replay_all / total:.1f}x"]

    print_table(
        f"Checking {len(ids)} requests ({document['statement']['streams']} streams); "
        f"checkpoint file {size / 1024:.0f} KB",
        ["what", "seconds", "ms per request", "faster than replay"],
        [row("make a checkpoint (heads + signature)", made),
         row("verify every chain against the checkpoint", checked),
         row("verify each request's chain on its own", one_by_one),
         row("replay every request live (baseline)"
             + (f", {len(sample)} replayed and scaled" if len(sample) < len(ids) else ""),
             replay_all)])
    engine.dispose()


if __name__ == "__main__":
    main()
