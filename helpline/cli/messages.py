"""``helpline messages failed``: SMS that could not be sent after every retry."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from helpline.cli.ready import service

messages = AppGroup("messages",
                    help="SMS sent to volunteers (reminders, pause notices, after-call notes).")


@messages.command("failed")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(min=1))
def messages_failed(limit: int) -> None:
    """List the messages that could not be sent after every retry."""
    with service().db.unit_of_work() as uow:
        rows = uow.messages.failed(limit)
        for row in rows:
            click.echo(f"#{row.id} {row.created_at:%Y-%m-%d %H:%M} {row.kind} to volunteer "
                       f"{row.volunteer_id}, {row.attempts} tries: {row.error}")
    click.echo(f"{len(rows)} failed message(s).")
