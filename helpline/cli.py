"""The ``helpline`` command: serve, database, routing and schedule tasks."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from flask import Flask

from helpline import create_app


def _app() -> Flask:
    return create_app()


@click.group()
def main() -> None:
    """Helpline call router. Configuration comes from environment variables."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--demo/--no-demo", default=True, show_default=True,
              help="Load demo volunteers when the database has none.")
def serve(host: str, port: int, demo: bool) -> None:
    """Create or upgrade the database, fill the availability queue, and serve."""
    app = _app()
    prepare(app, demo=demo)
    click.echo(f"Helpline webhooks at http://{host}:{port}/voice/incoming")
    app.run(host=host, port=port, threaded=True, use_reloader=False)


def prepare(app: Flask, *, demo: bool) -> None:
    """Schema up to date, demo data if asked and empty, Redis rebuilt from the truth."""
    from helpline import demo as demo_data
    from helpline import migrate
    from helpline.db import get_db
    from helpline.live import get_live
    from helpline.roster import sync_availability

    db = get_db(app)
    migrate.upgrade(db.url)
    with db.unit_of_work() as session:
        if demo:
            added = demo_data.load_demo(session, app.config["LOCAL_LANGUAGE"])
            if added:
                click.echo(f"Loaded {added} demo volunteers.")
        truth = sync_availability(
            session, get_live(app).availability, datetime.now(UTC), app.config["TIMEZONE"]
        )
    click.echo(f"{len(truth)} volunteers on shift now.")


@main.group()
def db() -> None:
    """Database tasks."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Apply the database migrations."""
    from helpline import migrate
    from helpline.db import get_db

    url = get_db(_app()).url
    migrate.upgrade(url, revision)
    click.echo("Database is up to date.")


@main.group()
def routing() -> None:
    """The live availability queue in Redis."""


@routing.command("rebuild")
def routing_rebuild() -> None:
    """Rebuild the availability queue from the database (calls in progress are kept)."""
    from helpline.db import get_db
    from helpline.live import get_live
    from helpline.roster import sync_availability

    app = _app()
    with get_db(app).unit_of_work() as session:
        truth = sync_availability(
            session, get_live(app).availability, datetime.now(UTC), app.config["TIMEZONE"]
        )
    click.echo(f"Rebuilt: {len(truth)} volunteers on shift now.")


@main.group()
def messages() -> None:
    """SMS sent to volunteers (reminders, pause notices, after-call notes)."""


@messages.command("failed")
@click.option("--limit", default=50, show_default=True, type=int)
def messages_failed(limit: int) -> None:
    """List the messages that could not be sent after every retry."""
    from helpline import messages as outbound
    from helpline.db import get_db

    app = _app()
    with get_db(app).unit_of_work() as session:
        rows = outbound.failed(session, limit)
        for row in rows:
            click.echo(f"#{row.id} {row.created_at:%Y-%m-%d %H:%M} {row.kind} to volunteer "
                       f"{row.volunteer_id}, {row.attempts} tries: {row.error}")
    click.echo(f"{len(rows)} failed message(s).")
