"""The ``helpline`` command: serve, database, volunteers, schedules and routing tasks."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import NoReturn

import click
from flask import Flask

from helpline import create_app


def _app() -> Flask:
    return create_app()


@click.group()
def main() -> None:
    """Helpline call router. Configuration comes from environment variables."""


# -- serving -------------------------------------------------------------------


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--demo/--no-demo", default=True, show_default=True,
              help="Load the demo volunteers and schedules when the database has none.")
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
    from helpline.roster import apply_now, known_languages

    db = get_db(app)
    migrate.upgrade(db.url)
    with db.unit_of_work() as session:
        if demo:
            added = demo_data.load_demo(
                session, known_languages(app), app.config["LOCAL_LANGUAGE"]
            )
            session.commit()
            if added:
                click.echo(f"Loaded {added} demo volunteers and the example schedules.")
        truth = apply_now(app, session)
    click.echo(f"{len(truth)} volunteers on shift now.")


# -- database ------------------------------------------------------------------


@main.group()
def db() -> None:
    """Database tasks."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Apply the database migrations."""
    from helpline import migrate
    from helpline.db import get_db

    migrate.upgrade(get_db(_app()).url, revision)
    click.echo("Database is up to date.")


# -- volunteers ----------------------------------------------------------------


@main.group()
def volunteers() -> None:
    """Volunteers."""


@volunteers.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def volunteers_import(path: Path) -> None:
    """Add or update volunteers from a volunteers file (see README)."""
    from helpline.db import get_db
    from helpline.roster import apply_now, known_languages
    from helpline.volunteer_store import upsert_volunteers
    from schedules.exceptions import ScheduleError
    from schedules.volunteers import load_volunteers

    app = _app()
    try:
        listed = load_volunteers(path, list(known_languages(app)))
    except ScheduleError as error:
        _fail(error)
    with get_db(app).unit_of_work() as session:
        added, updated = upsert_volunteers(
            session, listed, local_language=app.config["LOCAL_LANGUAGE"]
        )
        session.commit()
        apply_now(app, session)
    click.echo(f"{added} volunteers added, {updated} updated.")


# -- schedules -----------------------------------------------------------------


@main.group()
def schedules() -> None:
    """Language shift schedules (YAML files, see README)."""


@schedules.command("import")
@click.argument("paths", nargs=-1, required=True,
                type=click.Path(exists=True, path_type=Path))
def schedules_import(paths: tuple[Path, ...]) -> None:
    """Replace the whole schedule with these files (or folders of *.yaml), all or
    nothing: if any file has a problem, nothing changes and every problem is listed."""
    from helpline.db import get_db
    from helpline.roster import apply_now, known_languages
    from helpline.schedule_store import read_files_with_paths, replace_documents, with_paths
    from schedules.exceptions import ScheduleError

    app = _app()
    found: dict[str, tuple[Path, str]] = {}
    with get_db(app).unit_of_work() as session:
        try:
            found = read_files_with_paths(paths)
            texts = {name: text for name, (_path, text) in found.items()}
            schedule = replace_documents(session, texts, known_languages(app), actor="cli")
        except ScheduleError as error:
            _fail(with_paths(error, {name: path for name, (path, _t) in found.items()}))
        session.commit()
        truth = apply_now(app, session)
    click.echo(
        f"Imported {len(texts)} schedule files: {len(schedule.weekly)} weekly shifts, "
        f"{len(schedule.extra)} extra shifts, {len(schedule.away) + len(schedule.closures)} "
        f"exceptions. {len(truth)} volunteers on shift now."
    )


@schedules.command("export")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("."), show_default=True, help="Folder to write the files to.")
def schedules_export(out_dir: Path) -> None:
    """Write the stored schedule files back out, exactly as they were imported."""
    from helpline.db import get_db
    from helpline.schedule_store import documents

    with get_db(_app()).unit_of_work() as session:
        texts = documents(session)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (out_dir / name).write_text(text, encoding="utf-8")
        click.echo(str(out_dir / name))


@schedules.command("coverage")
@click.option("--language", "language", default=None, help="One language code, e.g. so.")
@click.option("--week", default=None, help="ISO week, e.g. 2026-W49 (default: this week).")
def schedules_coverage(language: str | None, week: str | None) -> None:
    """A week grid (hours x days) per language with the gaps marked, and a summary."""
    from helpline.db import get_db
    from helpline.roster import known_languages
    from helpline.schedule_store import load_schedule
    from schedules.report import coverage_report

    app = _app()
    known = known_languages(app)
    if language is not None and language not in known:
        raise click.BadParameter(f"unknown language {language!r}", param_hint="--language")
    week = week or datetime.now(UTC).strftime("%G-W%V")
    with get_db(app).unit_of_work() as session:
        schedule = load_schedule(session, known)
    if schedule is None:
        raise click.ClickException("no schedule has been imported yet")
    click.echo(coverage_report(
        schedule, week, languages=[language] if language else list(known), names=known
    ))


# -- prompts -------------------------------------------------------------------


@main.group()
def prompts() -> None:
    """The spoken prompts of every language."""


@prompts.command("check")
def prompts_check() -> None:
    """List, per language, which prompts are spoken by TTS, recorded, or missing."""
    from helpline.prompts_check import check, render
    from helpline.prompts_store import get_voicing

    click.echo(render(check(get_voicing(_app()))))


# -- routing -------------------------------------------------------------------


@main.group()
def routing() -> None:
    """The live availability queue in Redis."""


@routing.command("rebuild")
def routing_rebuild() -> None:
    """Rebuild the availability queue from the database (calls in progress are kept)."""
    from helpline.db import get_db
    from helpline.roster import apply_now

    app = _app()
    with get_db(app).unit_of_work() as session:
        truth = apply_now(app, session)
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


@routing.command("status")
@click.option("--language", "language", default=None, help="One language code, e.g. so.")
def routing_status(language: str | None) -> None:
    """Every on-shift volunteer of each language, and why she is or is not free."""
    from sqlalchemy import select

    from helpline.db import get_db
    from helpline.live import get_live
    from helpline.models import Volunteer
    from routing.status import format_status

    app = _app()
    availability = get_live(app).availability
    codes = [language] if language else list(availability.languages)
    if language is not None and language not in availability.languages:
        raise click.BadParameter(f"unknown language {language!r}", param_hint="--language")
    with get_db(app).unit_of_work() as session:
        names = {vid: name for vid, name in session.execute(select(Volunteer.id, Volunteer.name))}
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
    from datetime import UTC, datetime

    from helpline.db import get_db
    from helpline.live import get_live
    from helpline.roster import known_languages, on_shift_now

    app = _app()
    with get_db(app).unit_of_work() as session:
        truth = on_shift_now(session, datetime.now(UTC), known_languages(app))
    drift = get_live(app).availability.check(truth)
    for item in drift:
        where = f" ({item.language})" if item.language else ""
        click.echo(f"volunteer {item.volunteer_id}{where}: {item.kind.value}: {item.detail}")
    if drift:
        click.echo(f"{len(drift)} differences; run `helpline routing rebuild` to repair.")
        sys.exit(1)
    click.echo("Redis matches the truth.")


def _fail(error: Exception) -> NoReturn:
    click.echo(str(error), err=True)
    sys.exit(1)


from helpline.coordinator.commands import users  # noqa: E402

main.add_command(users)

from helpline.sim.cli import demo, simulate  # noqa: E402

main.add_command(simulate)
main.add_command(demo)

from helpline.staffing.cli import staffing  # noqa: E402

main.add_command(staffing)
