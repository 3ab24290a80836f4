"""A small command line for the engine: check and deploy processes, fire timers, verify a log.

    python -m engine check PROCESS_FOLDER ...
    python -m engine deploy [PATH ...]
    python -m engine fire-timers
    python -m engine verify INSTANCE_ID
    python -m engine replay INSTANCE_ID
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from engine.store import verify_chain

from .app import Engine, check_process_dir
from .errors import EngineError, InvalidDiagram
from .settings import Settings


def _check(args) -> int:
    status = 0
    for path in args.paths:
        try:
            loaded = check_process_dir(Path(path))
        except InvalidDiagram as error:
            print(f"{path}: refused, {len(error.problems)} problem(s)")
            for problem in error.problems:
                print(f"  - {problem}")
            status = 1
        else:
            print(f"{path}: ok, {len(loaded.user_tasks)} user tasks, {loaded.content_hash[:12]}")
    return status


def _deploy(args) -> int:
    engine = Engine(Settings.from_env())
    results = ([engine.deploy_process(p) for p in args.paths] if args.paths
               else engine.deploy_all())
    for result in results:
        state = "deployed" if result.deployed else "already current"
        print(f"{result.process_id}: {state} (version {result.version_id}, "
              f"{result.content_hash[:12]})")
    return 0


def _fire_timers(_args) -> int:
    sweep = Engine(Settings.from_env()).fire_due_timers()
    print(f"fired {sweep.fired}, skipped {sweep.skipped}, failed {sweep.failed}")
    for error in sweep.errors:
        print(f"  - {error}")
    return 1 if sweep.failed else 0


def _verify(args) -> int:
    engine = Engine(Settings.from_env())
    with engine.uow.read() as session:
        check = verify_chain(session, args.instance_id)
    if check.events == 0:
        print(f"{args.instance_id}: no events recorded for this id")
        return 1
    if check.intact:
        print(f"{args.instance_id}: intact, {check.events} events")
        return 0
    print(f"{args.instance_id}: BROKEN at event {check.broken_at}: {check.reason}")
    return 1


def _replay(args) -> int:
    result = Engine(Settings.from_env()).auditing.replay(args.instance_id)
    if result.matches:
        print(f"{args.instance_id}: replaying its {result.events} events gives the stored state")
        return 0
    print(f"{args.instance_id}: the stored state differs from its replayed log:")
    for difference in result.differences:
        print(f"  - {difference}")
    return 1


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run one command."""
    parser = argparse.ArgumentParser(prog="python -m engine", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="check process folders without deploying them")
    check.add_argument("paths", nargs="+")
    check.set_defaults(run=_check)
    deploy = commands.add_parser("deploy", help="deploy process folders (default: all)")
    deploy.add_argument("paths", nargs="*")
    deploy.set_defaults(run=_deploy)
    commands.add_parser("fire-timers", help="fire every due timer once").set_defaults(
        run=_fire_timers)
    verify = commands.add_parser("verify", help="check an instance's event hash chain")
    verify.add_argument("instance_id")
    verify.set_defaults(run=_verify)
    replay = commands.add_parser("replay", help="re-execute an instance from its event log")
    replay.add_argument("instance_id")
    replay.set_defaults(run=_replay)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except EngineError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
