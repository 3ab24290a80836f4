"""The one command line: `kontoflode ...`, and the very same commands under `flask --app web`.

Outside Flask the commands build their engine from the environment's settings; under
`flask --app web` they use the app's engine.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
from pathlib import Path

import click
from flask import Flask, has_app_context
from flask.cli import ScriptInfo

from engine import (
    DEMO_PASSWORD,
    DEMO_PEOPLE,
    ROLES,
    CaseFileCheck,
    CheckpointVerdict,
    Engine,
    EngineError,
    InvalidDiagram,
    InvalidForm,
    Settings,
    TimerSweep,
    UserView,
    Worker,
    check_case_file,
    check_process_dir,
    generate_key_pair,
    seed_demo,
    stop_on_signals,
)

from .context import engine_of, get_engine
from .wording import chain_text, difference_text, error_lines, message_text, problem_text

_ENGINE_KEY = "kontoflode.engine"


def current_engine() -> Engine:
    """The engine of this command: one given as the context object, the app's, or a new one."""
    ctx = click.get_current_context()
    given = ctx.find_object(Engine)
    if given is not None:
        return given
    root = ctx.find_root()
    if _ENGINE_KEY not in root.meta:
        info = ctx.find_object(ScriptInfo)
        if has_app_context():
            root.meta[_ENGINE_KEY] = get_engine()
        elif info is not None:
            root.meta[_ENGINE_KEY] = engine_of(info.load_app())
        else:
            engine = Engine(Settings.from_env())
            root.call_on_close(engine.dispose)
            root.meta[_ENGINE_KEY] = engine
    return root.meta[_ENGINE_KEY]


class _Command(click.Command):
    """A command that reports the engine's refusals as `Error: ...` and exit code 1."""

    def invoke(self, ctx):
        """Run the command; an EngineError becomes a message instead of a traceback."""
        try:
            return super().invoke(ctx)
        except EngineError as error:
            raise click.ClickException("\n".join(error_lines(error))) from None


class _Group(click.Group):
    """A group whose commands (and subgroups) are `_Command`s, also when mounted elsewhere."""

    command_class = _Command
    group_class = type  # subgroups are _Groups too


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
def cli():
    """Kontoflöde: deploy processes, run the worker, manage users, check records."""


@cli.command()
@click.argument("paths", nargs=-1, required=True,
                type=click.Path(exists=True, file_okay=False, path_type=Path))
def check(paths):
    """Check process folders without deploying them (exit code 1 if one is refused)."""
    refused = False
    for path in paths:
        try:
            loaded = check_process_dir(path)
        except InvalidDiagram as error:
            refused = True
            click.echo(f"{path}: refused, {len(error.problems)} problem(s)")
            for problem in error.problems:
                click.echo(f"  - {problem_text(problem)}")
        else:
            click.echo(f"{path}: ok, {len(loaded.user_tasks)} user tasks, "
                       f"{loaded.content_hash[:12]}")
    if refused:
        click.get_current_context().exit(1)


@cli.command()
@click.argument("processes", nargs=-1)
@click.option("--reason", default="", help="Why (recorded with each new version; without one "
              "it shows as deployed from the command line).")
def deploy(processes, reason):
    """Deploy processes, by folder or by name (default: all); unchanged ones stay as they are."""
    _deploy(current_engine(), processes, reason.strip())


def _deploy(engine: Engine, processes=(), reason: str = "") -> None:
    versions = ([engine.deploy_process(p, reason=reason) for p in processes] if processes
                else engine.deploy_all(reason=reason))
    for v in versions:
        state = ("new version" if v.created else "earlier version made current again"
                 if v.deployed else "unchanged")
        click.echo(f"{v.process_id}: version {v.number} ({v.content_hash[:12]}), {state}")


@cli.command()
@click.option("--interval", default=5.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds between ticks.")
@click.option("--once", is_flag=True, help="Do one tick, report it and stop.")
@click.option("-v", "--verbose", is_flag=True, help="Also log ticks where nothing happened.")
def worker(interval, once, verbose):
    """Run the worker: fire due timers, deliver the outbox, until Ctrl-C or SIGTERM."""
    # One tick prints its summary itself; the log then adds only failures (and -v's detail).
    _log_to_stderr(logging.DEBUG if verbose else logging.WARNING if once else logging.INFO)
    the_worker = Worker(current_engine())
    if once:
        results = the_worker.run_once()
        sweep, outbox = results["timers"], results["outbox"]
        _report_sweep(sweep)
        _report_outbox(outbox)
        made = results.get("checkpoints", {})
        if made is None:
            click.echo("checkpoints: making one failed (see the log)")
        elif made:
            click.echo(f"checkpoints: made checkpoint {made['id']}")
        elif "checkpoints" in results:
            click.echo("checkpoints: the newest is recent enough")
        if (sweep is None or sweep.failed or outbox is None or outbox.failed
                or made is None):
            click.get_current_context().exit(1)
        return
    stopping = threading.Event()
    with stop_on_signals(stopping):
        the_worker.run_forever(interval, stopping)


def _report_sweep(sweep: TimerSweep | None) -> None:
    if sweep is None:
        click.echo("timers: the sweep failed (see the log)")
    elif sweep.fired or sweep.skipped or sweep.failed:
        click.echo(f"timers: fired {sweep.fired}, skipped {sweep.skipped}, failed {sweep.failed}")
        for message in sweep.errors:
            click.echo(f"  - {message}")
    else:
        click.echo("timers: nothing due")


def _report_outbox(report) -> None:
    if report is None:
        click.echo("outbox: delivery failed (see the log)")
    else:
        click.echo(f"outbox: delivered {report.delivered}, failed {report.failed}")


class _Stderr(logging.StreamHandler):
    """A handler writing to whatever sys.stderr is when a record is emitted."""

    @property
    def stream(self):
        """The current standard error."""
        return sys.stderr

    @stream.setter
    def stream(self, _value):
        pass


def _log_to_stderr(level: int) -> None:
    """Show the kontoflode logs on stderr, unless logging is configured already."""
    logger = logging.getLogger("kontoflode")
    logger.setLevel(level)
    if logger.handlers or logging.getLogger().handlers:
        return
    handler = _Stderr()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)


@cli.command()
@click.argument("instance_id")
def verify(instance_id):
    """Check the hash chain of an instance's events (exit code 1 if broken or empty)."""
    check = current_engine().auditing.verify(instance_id)
    if check.events == 0:
        click.echo(f"{instance_id}: no events recorded for this id")
        click.get_current_context().exit(1)
    if not check.intact:
        click.echo(f"{instance_id}: BROKEN at event {check.broken_at}: "
                   f"{chain_text(check.reason)}")
        click.get_current_context().exit(1)
    click.echo(f"{instance_id}: intact, {check.events} events")


@cli.command()
@click.argument("instance_id")
def replay(instance_id):
    """Re-execute an instance from its event log and compare with its stored state."""
    result = current_engine().auditing.replay(instance_id)
    if not result.matches:
        click.echo(f"{instance_id}: the stored state differs from its replayed log:")
        for difference in result.differences:
            click.echo(f"  - {difference_text(difference)}")
        click.get_current_context().exit(1)
    click.echo(f"{instance_id}: replaying its {result.events} events gives the stored state")


@cli.group()
def checkpoint():
    """Signed checkpoints over every event stream's head, and checking the log against one."""


@checkpoint.command("keygen")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def checkpoint_keygen(path):
    """Make an Ed25519 key pair: the private key at PATH (mode 0600), the public at PATH.pub."""
    public_path = path.with_name(path.name + ".pub")
    for target in (path, public_path):
        if target.exists():
            raise click.ClickException(f"{target} exists; refusing to overwrite a key")
    private, public = generate_key_pair()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(private)
    public_path.write_bytes(public)
    click.echo(f"Private key: {path} (keep it off the database server's backups; "
               f"set KONTOFLODE_CHECKPOINT_KEY to it)\nPublic key: {public_path} "
               "(give it to the auditors)")


@checkpoint.command("create")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the checkpoint to this JSON file.")
def checkpoint_create(out):
    """Sign every stream's head now and store the checkpoint (needs the private key)."""
    document = current_engine().create_checkpoint()
    statement = document["statement"]
    click.echo(f"Checkpoint {document['id']}: {statement['streams']} streams, "
               f"{statement['events']} events, root {statement['root']}, "
               f"key {statement['key_id']}")
    if out:
        _write_json(out, document)
        click.echo(f"Written to {out}")


@checkpoint.command("export")
@click.argument("checkpoint_id", type=int)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def checkpoint_export(checkpoint_id, file):
    """Write a stored checkpoint to a JSON file, to keep somewhere the database is not."""
    _write_json(file, current_engine().anchoring.document(checkpoint_id))
    click.echo(f"Checkpoint {checkpoint_id} written to {file}")


@checkpoint.command("verify")
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False,
                                                        path_type=Path))
@click.option("--public-key", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The trusted public key (default: the configured one).")
def checkpoint_verify(file, public_key):
    """Check the event log against a checkpoint FILE (default: the newest stored one)."""
    document = _read_json(file) if file else None
    trusted = public_key.read_text(encoding="ascii") if public_key else None
    verdict = current_engine().anchoring.verify(document, trusted)
    _report_verdict(verdict, file)
    if not verdict.holds:
        click.get_current_context().exit(1)


_STATUS_WORDS = {
    "rewritten": "REWRITTEN: the event at seq {covered} has another hash now ({now}; "
                 "signed {signed})",
    "truncated": "TAIL REMOVED: it ends at seq {last}, the checkpoint covered seq {covered}",
    "missing": "DELETED: no events at all; the checkpoint covered seq {covered}",
    "broken": "BROKEN chain at seq {broken_seq} ({broken_code})",
}
_BREAK_WORDS = {"missing_before": "an event is missing before it",
                "not_following": "it does not follow the one before",
                "altered": "its content was altered"}
_SEAL_WORDS = {
    "malformed": "the checkpoint is not a checkpoint document",
    "signature_invalid": "its signature does not verify: the statement is not what was signed",
    "key_not_trusted": "it is signed with another key than the trusted one",
    "root_mismatch": "its list of heads does not give the signed Merkle root",
    "count_mismatch": "its list of heads does not have the signed number of streams",
}


def _report_verdict(verdict: CheckpointVerdict, file: Path | None) -> None:
    source = str(file) if file else "the newest stored checkpoint"
    if verdict.error == "no_checkpoint":
        click.echo("No checkpoint has been made yet: nothing to check against.")
        return
    if verdict.error == "checkpoints_unreadable":
        click.echo(f"FAILED: the checkpoints table cannot be read ({verdict.detail}); "
                   "check against an exported checkpoint file instead.")
        return
    click.echo(f"Checkpoint {verdict.checkpoint_id or '(from file)'} of "
               f"{verdict.created_at} ({source}): {verdict.covered} streams covered")
    seal = verdict.seal
    if seal.problems:
        for problem in seal.problems:
            click.echo(f"  SIGNATURE: {_SEAL_WORDS[problem]}")
    elif seal.key_trusted is None:
        click.echo(f"  signature valid for key {seal.key_id}, but no trusted public key is "
                   "configured to compare it with (--public-key)")
    else:
        click.echo(f"  signature valid, key {seal.key_id} is the trusted one")
    if verdict.error == "events_unreadable":
        click.echo(f"FAILED: the events table cannot be read ({verdict.detail}); "
                   f"all {verdict.covered} covered streams are unaccounted for.")
        return
    if verdict.events_now == 0 and verdict.covered:
        click.echo("  the events table is EMPTY: every covered stream is gone")
    for finding in verdict.findings:
        broken_seq, broken_code = finding.broken or (None, None)
        words = _STATUS_WORDS[finding.status].format(
            covered=finding.covered_seq, now=(finding.now_hash or "")[:16],
            signed=finding.covered_hash[:16], last=finding.now_seq, broken_seq=broken_seq,
            broken_code=_BREAK_WORDS.get(broken_code, broken_code))
        extra = ""
        if finding.broken and finding.status != "broken":
            extra = f"; chain broken at seq {broken_seq}: {_BREAK_WORDS[broken_code]}"
        new = " (created after the checkpoint)" if finding.covered_seq == 0 else ""
        click.echo(f"  {finding.stream}{new}: {words}{extra}")
    click.echo(f"  {verdict.intact} unchanged, {verdict.grown} grown since, "
               f"{len(verdict.findings)} differ; {verdict.new_streams} streams created after "
               "the checkpoint (not covered by it)")
    click.echo("HOLDS" if verdict.holds else "DOES NOT HOLD")


@cli.command("export")
@click.argument("request_id")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def export_case(request_id, file):
    """Write a request's case file: events, process version, and the checkpoint covering it."""
    document = current_engine().case_file(request_id)
    _write_json(file, document)
    anchor = document["checkpoint"]
    click.echo(f"{request_id}: {len(document['events'])} events written to {file}; "
               + (f"anchored by checkpoint {anchor['id']} at seq {anchor['leaf'][1]}"
                  if anchor else "no checkpoint covers it yet"))


@cli.command("verify-export")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--public-key", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The institution's public key; without it the file's own key is shown.")
def verify_export(file, public_key):
    """Check a case file without the database: chain, version content, Merkle proof, signature."""
    trusted = public_key.read_text(encoding="ascii") if public_key else None
    try:
        document = _read_json(file)
    except click.ClickException:
        document = None
    check = check_case_file(document, trusted)
    _report_case(check)
    if not check.holds:
        click.get_current_context().exit(1)


_ANCHOR_WORDS = {
    **_SEAL_WORDS,
    "not_anchored": "no checkpoint covers it",
    "event_missing": "the file ends before the event the checkpoint covers",
    "leaf_mismatch": "the checkpoint's head is not the hash of that event",
    "proof_mismatch": "the Merkle proof does not lead to the signed root",
}


def _report_case(check: CaseFileCheck) -> None:
    if check.chain == (0, "malformed"):
        click.echo("FAILED: this is not a readable case file")
        return
    if check.chain:
        seq, code = check.chain
        click.echo(f"  chain BROKEN at event {seq}: {_BREAK_WORDS[code]}")
    else:
        click.echo(f"  chain intact: {check.events} events recompute to their hashes")
    for content_hash, code in check.versions:
        click.echo(f"  version {content_hash[:12]}: " + (
            "its diagram, forms or lanes were ALTERED" if code == "content_altered"
            else "an event names it but the file does not hold it"))
    if not check.versions:
        click.echo("  process versions: content hashes match")
    for code in check.anchor:
        click.echo(f"  checkpoint: {_ANCHOR_WORDS[code]}")
    if not check.anchor:
        key = (f"key {check.key_id} is the trusted one" if check.key_trusted
               else f"key {check.key_id} (named by the file itself; pass --public-key to "
                    "check it is the institution's)")
        click.echo(f"  anchored at event {check.anchored_seq}: Merkle proof and signature "
                   f"hold, {key}")
        if check.events > check.anchored_seq:
            click.echo(f"  events after {check.anchored_seq} are not covered by a checkpoint")
    click.echo(f"{check.stream}: " + ("HOLDS" if check.holds else "DOES NOT HOLD"))


def _write_json(path: Path, document: dict) -> None:
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                    encoding="utf-8")


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise click.ClickException(f"{path} is not a readable JSON file: {error}") from None


@cli.group()
def users():
    """Create, change and list the people who sign in."""


@users.command("create")
@click.argument("username")
@click.option("--name", required=True, help="Full name, as others see it.")
@click.option("--email", required=True, help="Email address.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="Password (asked for when not given).")
@click.option("--role", "roles", multiple=True, type=click.Choice(ROLES),
              help="A role; repeat for several.")
@click.option("--manager", default=None, help="Username of the person's manager.")
def create_user(username, name, email, password, roles, manager):
    """Add a person who signs in with a local password."""
    user = current_engine().users.create(username, name, email, password, list(roles), manager)
    click.echo(f"Created {user.username} ({user.name}), roles: "
               f"{', '.join(sorted(user.roles)) or 'none'}.")


@users.command("update")
@click.argument("username")
@click.option("--manager", default=None,
              help="Username of the new manager; open approvals move to them.")
@click.option("--add-role", "add_roles", multiple=True, type=click.Choice(ROLES))
@click.option("--remove-role", "remove_roles", multiple=True, type=click.Choice(ROLES))
@click.option("--set-password", is_flag=True, help="Ask for a new password.")
@click.option("--active/--inactive", default=None,
              help="Whether the person may sign in (inactive: signed out everywhere).")
def update_user(username, manager, add_roles, remove_roles, set_password, active):
    """Change a person's manager, roles, password, or whether they may sign in."""
    password = click.prompt("New password", hide_input=True, confirmation_prompt=True) \
        if set_password else None
    user = current_engine().users.update(
        username, manager_username=manager, add_roles=add_roles,
        remove_roles=remove_roles, password=password, active=active)
    click.echo(f"Updated {user.username} ({user.name}): roles "
               f"{', '.join(sorted(user.roles)) or 'none'}; manager {user.manager_name or '-'}; "
               f"{'active' if user.active else 'inactive'}.")


@users.command("signout")
@click.argument("username")
def signout_user(username):
    """End every session of a person, in every browser (they can sign in again)."""
    user = current_engine().users.sign_out_everywhere(username)
    click.echo(f"Signed {user.username} ({user.name}) out everywhere.")


@users.command("list")
def list_users():
    """List everyone: username, name, roles, manager and whether they may sign in."""
    _user_table(current_engine().users.everyone())


def _user_table(people: list[UserView]) -> None:
    click.echo(f"{'Username':<12} {'Name':<26} {'Roles':<26} {'Manager':<22} Status")
    for user in people:
        click.echo(f"{user.username:<12} {user.name:<26} {', '.join(sorted(user.roles)):<26} "
                   f"{user.manager_name or '-':<22} {'active' if user.active else 'inactive'}")


@cli.group()
def correct():
    """An administrator's corrections, each recorded in the request's log with a reason."""


_AS = click.option("--as", "admin", required=True, metavar="USERNAME",
                   help="The administrator making the correction (recorded as its actor).")
_REASON = click.option("--reason", required=True, help="Why: recorded with the correction.")


def _admin_id(username: str) -> int:
    """The id of the person a correction is made as (the engine checks they are an admin)."""
    user = current_engine().users.find(username)
    if user is None:
        raise click.ClickException(f"There is no user '{username}'.")
    return user.id


@correct.command("reassign")
@click.argument("task_id")
@click.argument("to_username")
@_REASON
@_AS
def correct_reassign(task_id, to_username, reason, admin):
    """Give a waiting task to another person (for example a manager on long leave)."""
    current_engine().reassign_task(_admin_id(admin), task_id, to_username, reason)
    click.echo(f"Task {task_id} is now {to_username}'s.")


@correct.command("cancel")
@click.argument("request_id")
@_REASON
@_AS
def correct_cancel(request_id, reason, admin):
    """Cancel a running request: its waiting tasks and timers are removed."""
    current_engine().cancel_request(_admin_id(admin), request_id, reason)
    click.echo(f"Request {request_id} is cancelled.")


@correct.command("answer")
@click.argument("task_id")
@click.argument("field")
@click.argument("value")
@_REASON
@_AS
def correct_answer(task_id, field, value, reason, admin):
    """Correct one answer of a completed task; the task's form checks the new value."""
    try:
        current_engine().correct_answer(_admin_id(admin), task_id, field, value, reason)
    except InvalidForm as error:
        raise click.ClickException("\n".join(
            f"{name}: {message_text(message)}" for name, found in error.messages.items()
            for message in found)) from None
    click.echo(f"Corrected {field} of task {task_id}.")


@cli.command()
def demo():
    """Deploy the processes and create the demo organisation where missing; show how to sign in."""
    engine = current_engine()
    _deploy(engine)
    created = seed_demo(engine)
    click.echo(f"\n{'Username':<10} {'Name':<26} {'Roles':<22} {'Manager':<10} Status")
    for person in DEMO_PEOPLE:
        _user, new = created[person.username]
        click.echo(f"{person.username:<10} {person.name:<26} {', '.join(person.roles):<22} "
                   f"{person.manager or '-':<10} {'created' if new else 'existed'}")
    click.echo(f"\nEvery demo user signs in with the password: {DEMO_PASSWORD}")


@cli.command("create-schema")
def create_schema():
    """Create missing tables directly (development and tests; deployments use migrations)."""
    current_engine().create_schema()
    click.echo("Tables created.")


def init_cli(app: Flask) -> None:
    """Mount the `kontoflode` commands, the very same objects, on `flask --app web`."""
    for command in cli.commands.values():
        app.cli.add_command(command)


from . import cli_moves  # noqa: E402,F401  (its commands join the group above)
