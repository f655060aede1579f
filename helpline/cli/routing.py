"""``helpline routing status|check|rebuild``: the live availability queue in Redis."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from helpline.cli.ready import service
from routing.status import format_status

routing = AppGroup("routing", help="The live availability queue in Redis.")


@routing.command("rebuild")
def routing_rebuild() -> None:
    """Rebuild the availability queue from the database (calls in progress are kept)."""
    helpline = service()
    with helpline.db.unit_of_work() as uow:
        truth = helpline.shifts.sync(uow)
    click.echo(f"Rebuilt: {len(truth)} volunteers on shift now.")


@routing.command("status")
@click.option("--language", "language", default=None, help="One language code, e.g. so.")
def routing_status(language: str | None) -> None:
    """Every on-shift volunteer of each language, and why she is or is not free."""
    helpline = service()
    availability = helpline.availability
    if language is not None and language not in availability.languages:
        raise click.BadParameter(f"unknown language {language!r}", param_hint="--language")
    codes = [language] if language else list(availability.languages)
    with helpline.db.unit_of_work() as uow:
        names = uow.volunteers.names()
    for code in codes:
        entries = availability.status(code)
        if not entries and language is None:
            continue
        click.echo(format_status(code, entries, policy=availability.policy_for(code).name))
        for entry in entries:
            click.echo(f"    {entry.volunteer_id} = {names.get(entry.volunteer_id, '?')}")
        click.echo()


@routing.command("check")
def routing_check() -> None:
    """Report any drift between Redis and the truth (database and schedules);
    exits 1 if there is any. `helpline routing rebuild` repairs it."""
    helpline = service()
    with helpline.db.unit_of_work() as uow:
        truth = helpline.shifts.truth(uow, helpline.now())
    drift = helpline.availability.check(truth)
    for item in drift:
        where = f" ({item.language})" if item.language else ""
        click.echo(f"volunteer {item.volunteer_id}{where}: {item.kind.value}: {item.detail}")
    if drift:
        click.echo(f"{len(drift)} differences; run `helpline routing rebuild` to repair.")
        sys.exit(1)
    click.echo("Redis matches the truth.")
