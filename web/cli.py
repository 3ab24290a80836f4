"""Commands for `flask --app web ...`: users, deploying processes, demo data, the timer worker."""

from __future__ import annotations

from datetime import datetime

import click
from flask import Flask
from flask.cli import with_appcontext

from engine import ROLES, EngineError

from .context import get_engine
from .demo import DEMO_PASSWORD, DEMO_PEOPLE, seed_demo
from .timers import TimerWorker
from .wording import error_lines


@click.command("create-user")
@with_appcontext
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
    try:
        user = get_engine().users.create(username, name, email, password, list(roles), manager)
    except EngineError as error:
        raise click.ClickException("\n".join(error_lines(error))) from None
    click.echo(f"Created {user.username} ({user.name}), roles: "
               f"{', '.join(sorted(user.roles)) or 'none'}.")


@click.command("update-user")
@with_appcontext
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
    try:
        user = get_engine().users.update(
            username, manager_username=manager, add_roles=add_roles,
            remove_roles=remove_roles, password=password, active=active)
    except EngineError as error:
        raise click.ClickException("\n".join(error_lines(error))) from None
    click.echo(f"Updated {user.username} ({user.name}): roles "
               f"{', '.join(sorted(user.roles)) or 'none'}; manager {user.manager_name or '-'}; "
               f"{'active' if user.active else 'inactive'}.")


@click.command("deploy")
@with_appcontext
def deploy():
    """Deploy every process under the processes folder (unchanged ones stay as they are)."""
    try:
        versions = get_engine().deploy_all()
    except EngineError as error:
        raise click.ClickException("\n".join(error_lines(error))) from None
    for v in versions:
        state = "new version" if v.created else "unchanged"
        click.echo(f"{v.process_id}: version {v.version_id} ({v.content_hash[:12]}), {state}")


@click.command("create-schema")
@with_appcontext
def create_schema():
    """Create missing tables directly (development and tests; deployments use migrations)."""
    get_engine().create_schema()
    click.echo("Tables created.")


@click.command("seed-demo")
@with_appcontext
def seed_demo_command():
    """Create the demo organisation if it is missing, and show how to sign in."""
    created = seed_demo(get_engine())
    click.echo(f"{'Username':<10} {'Name':<26} {'Roles':<22} {'Manager':<10} Status")
    for person in DEMO_PEOPLE:
        _user, new = created[person.username]
        click.echo(f"{person.username:<10} {person.name:<26} {', '.join(person.roles):<22} "
                   f"{person.manager or '-':<10} {'created' if new else 'existed'}")
    click.echo(f"\nEvery demo user signs in with the password: {DEMO_PASSWORD}")


@click.command("timers")
@with_appcontext
@click.option("--interval", default=5.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds between sweeps.")
@click.option("--once", is_flag=True, help="Do one sweep and stop.")
def timers(interval, once):
    """Fire due timers (reviews, escalations) until stopped with Ctrl-C or SIGTERM."""
    worker = TimerWorker(get_engine(), interval, _stamped)
    if once:
        sweep = worker.run_once()
        if sweep is not None and not (sweep.fired or sweep.skipped or sweep.failed):
            _stamped("nothing due")
        return
    _stamped(f"timer worker started, sweeping every {interval:g} s")
    worker.run()
    _stamped("timer worker stopped")


def _stamped(message: str) -> None:
    click.echo(f"{datetime.now().astimezone():%Y-%m-%d %H:%M:%S} {message}")


def init_cli(app: Flask) -> None:
    """Register the commands at the top level of `flask --app web`."""
    for command in (create_user, update_user, deploy, create_schema, seed_demo_command, timers):
        app.cli.add_command(command)
