"""The one command line: `kontoflode ...`, and the very same commands under `flask --app web`.

Outside Flask the commands build their engine from the environment's settings; under
`flask --app web` they use the app's engine.
"""

from __future__ import annotations

import logging
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
    Engine,
    EngineError,
    InvalidDiagram,
    Settings,
    TimerSweep,
    UserView,
    Worker,
    check_process_dir,
    seed_demo,
    stop_on_signals,
)

from .context import engine_of, get_engine
from .wording import chain_text, difference_text, error_lines, problem_text

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
def deploy(processes):
    """Deploy processes, by folder or by name (default: all); unchanged ones stay as they are."""
    _deploy(current_engine(), processes)


def _deploy(engine: Engine, processes=()) -> None:
    versions = ([engine.deploy_process(p) for p in processes] if processes
                else engine.deploy_all())
    for v in versions:
        state = ("new version" if v.created else "earlier version made current again"
                 if v.deployed else "unchanged")
        click.echo(f"{v.process_id}: version {v.version_id} ({v.content_hash[:12]}), {state}")


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
        if sweep is None or sweep.failed or outbox is None or outbox.failed:
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


@users.command("list")
def list_users():
    """List everyone: username, name, roles, manager and whether they may sign in."""
    _user_table(current_engine().users.everyone())


def _user_table(people: list[UserView]) -> None:
    click.echo(f"{'Username':<12} {'Name':<26} {'Roles':<26} {'Manager':<22} Status")
    for user in people:
        click.echo(f"{user.username:<12} {user.name:<26} {', '.join(sorted(user.roles)):<26} "
                   f"{user.manager_name or '-':<22} {'active' if user.active else 'inactive'}")


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
