"""`kontoflode move`: a process owner's moves of running requests, from the command line."""

from __future__ import annotations

import click

from .cli import cli, current_engine
from .wording import move_reason_text, title_text

_AS = click.option("--as", "owner", required=True, metavar="USERNAME",
                   help="The process owner moving the requests (recorded as the actor).")
_TO = click.option("--to", "to_version", required=True, type=int, metavar="VERSION_ID",
                   help="The version id to move to.")
_REASON = click.option("--reason", required=True, help="Why: recorded with each move.")


def _owner_id(username: str) -> int:
    user = current_engine().users.find(username)
    if user is None:
        raise click.ClickException(f"There is no user '{username}'.")
    return user.id


def _reasons(reasons) -> str:
    return " ".join(move_reason_text(r) for r in reasons)


@cli.group()
def move():
    """Move running requests to a newer version of their process (process owners)."""


@move.command("preview")
@click.argument("process_id")
@_TO
@_AS
@click.option("--page", default=1, type=int, help="Which page of requests (200 a page).")
def move_preview(process_id, to_version, owner, page):
    """Each running request on an older version: whether it can move, and why not."""
    candidates = current_engine().moves.preview(_owner_id(owner), process_id, to_version, page)
    for c in candidates:
        verdict = "can move" if c.can_move else f"cannot move: {_reasons(c.reasons)}"
        click.echo(f"{c.instance_id}  version {c.from_number}  {title_text(c.title)}: {verdict}")
    if not candidates:
        click.echo("No running request is on an older version.")


@move.command("one")
@click.argument("request_id")
@_TO
@_REASON
@_AS
def move_one(request_id, to_version, reason, owner):
    """Move one request (exit code 1 if it cannot move, with why)."""
    outcome = current_engine().moves.move(_owner_id(owner), request_id, to_version, reason)
    if not outcome.moved:
        raise click.ClickException(f"{request_id} was not moved: {_reasons(outcome.reasons)}")
    click.echo(f"Moved {request_id} to version {to_version}.")


@move.command("all")
@click.argument("process_id")
@_TO
@_REASON
@_AS
def move_all(process_id, to_version, reason, owner):
    """Move every running request on an older version that can; list the others."""
    report = current_engine().moves.move_all(_owner_id(owner), process_id, to_version, reason)
    click.echo(f"Moved {len(report.moved)}, not moved {len(report.not_moved)}.")
    for outcome in report.not_moved:
        click.echo(f"  {outcome.instance_id}: {_reasons(outcome.reasons)}")
