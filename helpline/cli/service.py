"""``helpline serve``, ``helpline db upgrade``, ``helpline worker``."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import click
from flask.cli import AppGroup, ScriptInfo, with_appcontext
from werkzeug.serving import run_simple

from helpline.bootstrap import from_app
from helpline.cli.params import PORT, ensure_port_free
from helpline.cli.ready import service
from helpline.jobs.worker import HelplineWorker, SimpleHelplineWorker
from helpline.startup import prepare
from helpline.state.connection import blocking_client
from helpline.state.keys import QUEUE
from helpline.store.migrations import UnknownRevision, upgrade


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=PORT)
@click.option("--demo/--no-demo", default=True, show_default=True,
              help="Load the demo volunteers and schedules when the database has none.")
@click.pass_obj
def serve(script: ScriptInfo, host: str, port: int, demo: bool) -> None:
    """Create or upgrade the database, fill the availability queue, and serve
    (Werkzeug's server: for a laptop)."""
    ensure_port_free(host, port)  # before anything is started
    app = script.load_app()
    with app.app_context():
        helpline = from_app(app)
        if helpline.settings.is_production:
            raise click.ClickException(
                "helpline serve is Werkzeug's development server, for a laptop; in "
                "production run gunicorn, the RQ worker and the cron (deploy/, "
                "docs/deploy.md)")
        added, truth = prepare(helpline, demo=demo)
    if added:
        click.echo(f"Loaded {added} demo volunteers and the example schedules.")
    click.echo(f"{len(truth)} volunteers on shift now.")
    embedded = helpline.embedded_redis
    if embedded is not None and embedded.owner:
        click.echo(f"Redis: an embedded server, pid {embedded.pid}, stopped with this command")
    elif embedded is not None:
        click.echo(f"Redis: the embedded server of another running command, pid {embedded.pid}")
    click.echo(f"Helpline webhooks at http://{host}:{port}/voice/incoming")
    # (Flask's app.run() refuses to run inside a Flask CLI command.)
    run_simple(host, port, app, threaded=True, use_reloader=False)


db = AppGroup("db", help="Database tasks.")


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Apply the database migrations."""
    try:
        upgrade(from_app().db.url, revision)
    except UnknownRevision as error:
        raise click.BadParameter(str(error), param_hint="--revision") from None
    click.echo("Database is up to date.")


@click.command()
@click.option("--burst", is_flag=True, help="Run the jobs there are, then stop.")
@click.option("--in-process", is_flag=True,
              help="Run each job in the worker's own process (no fork per job).")
@with_appcontext
def worker(burst: bool, in_process: bool) -> None:
    """Run background jobs (the tick, SMS, pauses), with RQ's scheduler for retries."""
    helpline = service()
    kind = SimpleHelplineWorker if in_process else HelplineWorker
    rq_worker = kind([QUEUE], connection=blocking_client(helpline.redis), helpline=helpline)
    with _stop_requests_until_rq_listens(rq_worker):
        rq_worker.work(burst=burst, with_scheduler=True)


@contextmanager
def _stop_requests_until_rq_listens(rq_worker: HelplineWorker) -> Iterator[None]:
    """Ctrl-C or SIGTERM in the moment before RQ installs its own handlers (while it
    forks its scheduler) is kept as RQ's own stop request, which its loop honours at
    its first turn, stopping the scheduler too. (An exception raised from a signal
    handler there could be swallowed by the fork's hooks, the worker then running on,
    or leave the scheduler behind, the exit waiting for it forever.) A process RQ
    forks in that moment ends at once if asked to stop before it has handlers of its
    own."""
    parent = os.getpid()

    def stop(signum: int, _frame: object) -> None:
        if os.getpid() != parent:
            os._exit(128 + signum)
        rq_worker._stop_requested = True

    signals = (signal.SIGINT, signal.SIGTERM)
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signum: signal.signal(signum, stop) for signum in signals}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
