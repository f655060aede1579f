"""``helpline serve``, ``helpline db upgrade``, ``helpline worker``."""

from __future__ import annotations

import signal
import sys

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from werkzeug.serving import run_simple

from helpline.bootstrap import from_app
from helpline.jobs.worker import HelplineWorker, SimpleHelplineWorker
from helpline.startup import prepare
from helpline.state.connection import blocking_client
from helpline.state.keys import QUEUE
from helpline.store.migrations import upgrade


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--demo/--no-demo", default=True, show_default=True,
              help="Load the demo volunteers and schedules when the database has none.")
@with_appcontext
def serve(host: str, port: int, demo: bool) -> None:
    """Create or upgrade the database, fill the availability queue, and serve
    (Werkzeug's server: for a laptop)."""
    helpline = from_app()
    if helpline.settings.is_production:
        raise click.ClickException(
            "helpline serve is Werkzeug's development server, for a laptop; in production "
            "run gunicorn, the RQ worker and the cron (deploy/, docs/deploy.md)")
    added, truth = prepare(helpline, demo=demo)
    if added:
        click.echo(f"Loaded {added} demo volunteers and the example schedules.")
    click.echo(f"{len(truth)} volunteers on shift now.")
    embedded = helpline.embedded_redis
    if embedded is not None:
        click.echo(f"Redis: an embedded server, pid {embedded.pid}, stopped with this command")
    click.echo(f"Helpline webhooks at http://{host}:{port}/voice/incoming")
    # SIGTERM ends the command as Ctrl-C does, so an embedded Redis stops with it.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    # (Flask's app.run() refuses to run inside a Flask CLI command.)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    run_simple(host, port, app, threaded=True, use_reloader=False)


db = AppGroup("db", help="Database tasks.")


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Apply the database migrations."""
    upgrade(from_app().db.url, revision)
    click.echo("Database is up to date.")


@click.command()
@click.option("--burst", is_flag=True, help="Run the jobs there are, then stop.")
@click.option("--in-process", is_flag=True,
              help="Run each job in the worker's own process (no fork per job).")
@with_appcontext
def worker(burst: bool, in_process: bool) -> None:
    """Run background jobs (the tick, SMS, pauses), with RQ's scheduler for retries."""
    helpline = from_app()
    kind = SimpleHelplineWorker if in_process else HelplineWorker
    kind([QUEUE], connection=blocking_client(helpline.redis), helpline=helpline).work(
        burst=burst, with_scheduler=True)
