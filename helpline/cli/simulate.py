"""``helpline simulate`` and ``helpline demo``: simulated calls, a report, a live demo."""

from __future__ import annotations

import json
import logging
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import click
import redis
from rich.console import Console
from rich.live import Live
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rq import Queue
from werkzeug.serving import make_server

from helpline.accounts import create_account
from helpline.app import create_app
from helpline.bootstrap import Helpline, from_app
from helpline.cli.params import (
    NOT_NEGATIVE,
    PORT,
    POSITIVE,
    SHARE,
    ensure_port_free,
    http_url,
    output_file,
    speed_or_max,
)
from helpline.prompts.catalog import load_catalog
from helpline.settings import Settings
from helpline.sim.people import Behaviour
from helpline.sim.report import Report, render
from helpline.sim.runner import (
    Simulation,
    SimulationSettings,
    app_roster,
    flask_transport,
    http_transport,
    in_process_app,
    settings_for_app,
)
from helpline.startup import load_demo, prepare
from helpline.state.embedded import EmbeddedRedis, die_with_parent
from helpline.state.jobs import JobQueue
from helpline.state.keys import QUEUE
from helpline.store.models import Role


def _speed(value: str) -> float | None:
    """``--speed`` (checked by :func:`helpline.cli.params.speed`) as a number; None: max."""
    return None if value == "max" else float(value)


def behaviour_options(command: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.option("--calls-per-hour", default=6.0, show_default=True, type=POSITIVE,
                     help="Calls per hour, all languages, averaged over the day."),
        click.option("--languages", default="", help="Comma-separated codes (default: all)."),
        click.option("--patience", default=120.0, show_default=True, type=POSITIVE,
                     help="Mean seconds a caller waits for a volunteer."),
        click.option("--talk", default=360.0, show_default=True, type=POSITIVE,
                     help="Median talk time in seconds."),
        click.option("--answers", default=0.85, show_default=True, type=SHARE,
                     help="Probability that a rung volunteer picks up."),
        click.option("--accepts", default=0.95, show_default=True, type=SHARE,
                     help="Probability that she presses 1 in the screening."),
        click.option("--seed", default=1, show_default=True, type=int),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _behaviour(calls_per_hour: float, patience: float, talk: float, answers: float,
               accepts: float) -> Behaviour:
    return Behaviour(calls_per_hour=calls_per_hour, patience_mean=patience, talk_median=talk,
                     answers=answers, accepts=accepts)


def _only(languages: dict[str, str], codes: str) -> dict[str, str]:
    if not codes:
        return languages
    wanted = [c.strip() for c in codes.split(",") if c.strip()]
    unknown = [c for c in wanted if c not in languages]
    if unknown:
        raise click.BadParameter(f"not in the menu: {', '.join(unknown)}", param_hint="--languages")
    return {c: languages[c] for c in wanted}


@contextmanager
def progress_bar(total: float, enabled: bool) -> Iterator[Callable[[float, int], None]]:
    if not enabled:
        yield lambda done, calls: None
        return
    with Progress(TextColumn("[bold]simulating"), BarColumn(),
                  TextColumn("{task.fields[hours]:.1f} h simulated, {task.fields[calls]} calls"),
                  TimeElapsedColumn(), transient=True) as bar:
        task = bar.add_task("sim", total=total, hours=0.0, calls=0)

        def update(done: float, calls: int) -> None:
            bar.update(task, completed=done, hours=done / 3600, calls=calls)

        yield update


def _finish(report: Report, json_out: str | None, quiet: bool) -> None:
    if json_out == "-":
        click.echo(json.dumps(report.to_json(), indent=2))
    else:
        if not quiet:
            render(report, Console(width=max(Console().width, 100)))
        if json_out:
            Path(json_out).write_text(json.dumps(report.to_json(), indent=2))
    if report.errors or report.double_booked_volunteers:
        sys.exit(1)


@click.command()
@click.option("--url", default=None, callback=http_url,
              help="A running service (e.g. http://127.0.0.1:5000); default: the app in process, "
                   "with a private database and Redis and the demo volunteers.")
@click.option("--public-url", default=None, callback=http_url,
              help="The address the service believes it has (PUBLIC_BASE_URL); signatures are "
                   "computed on it. Default: --url.")
@click.option("--hours", default=0.0, type=NOT_NEGATIVE, help="Simulated hours of arrivals.")
@click.option("--days", default=0.0, type=NOT_NEGATIVE,
              help="Simulated days of arrivals (adds to --hours).")
@click.option("--speed", default=None, callback=speed_or_max,
              help="Simulated seconds per real second, or 'max' (in process only: virtual time). "
                   "Default: max in process, 1 against a URL.")
@click.option("--instance", type=click.Path(file_okay=False), default=None,
              help="In process: keep the database and Redis here (for `helpline staffing`).")
@click.option("--json", "json_out", default=None, callback=output_file,
              help="Write the report as JSON ('-': stdout).")
@click.option("--quiet", is_flag=True, help="No progress bar and no table.")
@behaviour_options
def simulate(url: str | None, public_url: str | None, hours: float, days: float,
             speed: str | None, instance: str | None, json_out: str | None, quiet: bool,
             calls_per_hour: float, languages: str, patience: float, talk: float,
             answers: float, accepts: float, seed: int) -> None:
    """Simulated callers and volunteers, driving the service exactly as Twilio would."""
    logging.getLogger("helpline.voice.voicing").setLevel(logging.ERROR)
    config = Settings()
    menu = load_catalog(config.languages_file, local=config.local_language)
    _only({lang.code: lang.digits for lang in menu.languages}, languages)  # before anything starts
    total_hours = hours + days * 24 or 1.0
    behaviour = _behaviour(calls_per_hour, patience, talk, answers, accepts)
    if url is None:
        sim = _in_process(instance, total_hours, _speed(speed or "max"), behaviour,
                          languages, seed)
    else:
        sim = _remote(url, public_url, total_hours, _speed(speed or "1"), behaviour,
                      languages, seed)
    with progress_bar(total_hours * 3600, enabled=not quiet and json_out != "-") as update:
        report = sim.run(update)
    _finish(report, json_out, quiet)


def _in_process(instance: str | None, hours: float, speed: float | None, behaviour: Behaviour,
                languages: str, seed: int) -> Simulation:
    directory = instance or tempfile.mkdtemp(prefix="helpline-sim-")
    holder: list[Simulation] = []
    app = in_process_app(Settings(
        instance_path=Path(directory).resolve(), database_url=None, redis_url=None,
        redis_prefix="helpline-sim", public_base_url="https://helpline.invalid",
        production=False,
    ), lambda: holder[0].engine.now())
    helpline = from_app(app)
    with helpline.db.unit_of_work() as uow:
        load_demo(helpline, uow)
        uow.commit()
    settings = settings_for_app(app, hours=hours, speed=speed, seed=seed, behaviour=behaviour)
    settings.languages = _only(settings.languages, languages)
    sim = Simulation(settings, flask_transport(app), roster=app_roster(app))
    holder.append(sim)
    return sim


def _remote(url: str, public_url: str | None, hours: float, speed: float | None,
            behaviour: Behaviour, languages: str, seed: int) -> Simulation:
    if speed is None:
        raise click.BadParameter("a service at a URL runs on its own clock: give a number",
                                 param_hint="--speed")
    config = Settings()
    if speed != 1 and config.clock_speed != speed:
        click.echo(f"Note: the service must run with CLOCK_SPEED={speed} (and the same "
                   "CLOCK_ORIGIN), or its wrap-up and leases run at wall-clock speed.", err=True)
    catalog = load_catalog(config.languages_file, local=config.local_language)
    every = {lang.code: lang.digits for lang in catalog.languages}
    settings = SimulationSettings(
        hours=hours, speed=speed, seed=seed, behaviour=behaviour,
        languages=_only(every, languages), menu={d: c for c, d in every.items()},
        local_language=catalog.local.code, timezone=config.timezone,
        helpline_number=config.helpline_number,
        auth_token=config.twilio_auth_token.get_secret_value(),
        base_url=public_url or url,
        start=config.clock_origin or None,
    )
    return Simulation(settings, http_transport(url))


# -- the demo -------------------------------------------------------------------


@click.command()
@click.option("--port", default=5000, show_default=True, type=PORT)
@click.option("--speed", default=10.0, show_default=True, type=POSITIVE,
              help="Simulated seconds per real second (service and simulator share the clock).")
@click.option("--calls-per-hour", default=30.0, show_default=True, type=POSITIVE,
              help="Simulated calls per simulated hour.")
@click.option("--seed", default=1, show_default=True, type=int)
def demo(port: int, speed: float, calls_per_hour: float, seed: int) -> None:
    """Everything at once: service, RQ worker, demo volunteers and a stream of calls."""
    logging.getLogger("helpline.voice.voicing").setLevel(logging.ERROR)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    ensure_port_free("127.0.0.1", port)  # before anything is started
    directory = Path(tempfile.mkdtemp(prefix="helpline-demo-"))
    with ExitStack() as running:  # whatever happens, everything started is stopped
        redis_server = EmbeddedRedis.start(directory)
        running.callback(redis_server.stop)
        origin = time.time()
        env = {
            "INSTANCE_PATH": str(directory),
            "DATABASE_URL": f"sqlite:///{directory / 'helpline.db'}",
            "REDIS_URL": redis_server.url,
            "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
            "CLOCK_SPEED": str(speed), "CLOCK_ORIGIN": repr(origin),
            # the demo volunteers are fictional: no SMS, and nothing leaves this machine
            "NOTE_METHOD": "off", "REMINDER_MINUTES_BEFORE": "0",
            "TWILIO_API_BASE_URL": "http://127.0.0.1:9",
        }
        os.environ.update(env)
        app = create_app()
        helpline = from_app(app)
        running.callback(helpline.close)
        prepare(helpline, demo=True)
        password = _demo_account(helpline)
        server = make_server("127.0.0.1", port, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        running.callback(server.shutdown)
        worker = subprocess.Popen([sys.executable, "-m", "helpline.cli", "worker"],
                                  env={**os.environ, **env},
                                  preexec_fn=partial(die_with_parent, os.getpid()))
        running.callback(_stop, worker)
        stop = threading.Event()
        threading.Thread(target=_enqueue_ticks, args=(env["REDIS_URL"], speed, stop),
                         daemon=True).start()
        running.callback(stop.set)
        base = env["PUBLIC_BASE_URL"]
        click.echo(f"""
Helpline demo (simulated time runs {speed:g}× faster than real time)
  coordinator  {base}/coordinator/  (user "demo", password "{password}")
  webhooks     {base}/voice/incoming  (signed like Twilio; {base}/health answers without)
  database     {directory / 'helpline.db'}   (anonymous call_records, volunteers, shifts)
  redis        {env['REDIS_URL']} (pid {redis_server.pid})
  RQ worker    pid {worker.pid}, runs the tick job every simulated minute
  meanwhile    {' '.join(f"{k}={env[k]}" for k in _SHARED)} helpline routing check
  afterwards   DATABASE_URL={env['DATABASE_URL']} helpline staffing
Calls are arriving; Ctrl-C stops everything and prints the report.
""")
        settings = settings_for_app(app, hours=24 * 365, speed=speed, seed=seed, start=origin,
                                    behaviour=Behaviour(calls_per_hour=calls_per_hour,
                                                        talk_median=240.0),
                                    base_url=base)
        sim = Simulation(settings, http_transport(base))
        try:
            with _live_counter(sim) as update:
                sim.run(update)
        except KeyboardInterrupt:
            click.echo("\nStopping...")
        report = sim.report()
    render(report, Console(width=max(Console().width, 100)))
    click.echo(f"The demo's database stays in {directory}.")


# what another command needs to see the demo's service as it is (its clock included)
_SHARED = ("REDIS_URL", "DATABASE_URL", "CLOCK_SPEED", "CLOCK_ORIGIN")


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _demo_account(helpline: Helpline) -> str:
    """An administrator account for the demo's coordinator interface; its password."""
    password = secrets.token_urlsafe(9)
    with helpline.db.unit_of_work() as uow:
        create_account(uow, username="demo", name="Demo", password=password,
                       role=Role.ADMIN, locale="en")
        uow.commit()
    return password


def _enqueue_ticks(redis_url: str, speed: float, stop: threading.Event) -> None:
    jobs = JobQueue(Queue(QUEUE, connection=redis.Redis.from_url(redis_url)),
                    sms_retries=0, sms_intervals=[])
    while not stop.is_set():
        jobs.tick()
        stop.wait(max(2.0, 60.0 / speed))


@contextmanager
def _live_counter(sim: Simulation) -> Iterator[Callable[[float, int], None]]:
    with Live("", refresh_per_second=4, transient=True) as live:

        def update(done: float, calls: int) -> None:
            outcomes = [r.outcome for r in sim.twilio.results]
            live.update(
                f"[bold]{done / 3600:.2f} simulated hours[/bold]: {calls} calls, "
                f"{outcomes.count('answered')} answered, "
                f"{outcomes.count('no_volunteer')} no volunteer, "
                f"{outcomes.count('abandoned')} abandoned, "
                f"{sim.engine.active} in progress")

        yield update
