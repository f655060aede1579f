"""``helpline volunteers import`` and ``helpline schedules import|export|coverage``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click
from flask.cli import AppGroup

from helpline.cli.params import iso_week
from helpline.cli.ready import service
from helpline.shifts.files import read_files, with_paths
from helpline.volunteers.directory import upsert_volunteers
from schedules.exceptions import ScheduleError
from schedules.report import coverage_report
from schedules.volunteers import load_volunteers

volunteers = AppGroup("volunteers", help="Volunteers.")
schedules = AppGroup("schedules", help="Language shift schedules (YAML files, see README).")


def fail(error: Exception) -> NoReturn:
    click.echo(str(error), err=True)
    sys.exit(1)


@volunteers.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def volunteers_import(path: Path) -> None:
    """Add or update volunteers from a volunteers file (see README)."""
    helpline = service()
    try:
        listed = load_volunteers(path, list(helpline.known_languages),
                                 reserved=helpline.settings.own_numbers)
    except ScheduleError as error:
        fail(error)
    with helpline.db.unit_of_work() as uow:
        added, updated = upsert_volunteers(
            uow, listed, local_language=helpline.settings.local_language)
        uow.commit()
        helpline.shifts.sync(uow)
    click.echo(f"{added} volunteers added, {updated} updated.")


@schedules.command("import")
@click.argument("paths", nargs=-1, required=True,
                type=click.Path(exists=True, path_type=Path))
def schedules_import(paths: tuple[Path, ...]) -> None:
    """Replace the whole schedule with these files (or folders of *.yaml), all or
    nothing: if any file has a problem, nothing changes and every problem is listed."""
    helpline = service()
    found: dict[str, tuple[Path, str]] = {}
    with helpline.db.unit_of_work() as uow:
        try:
            found = read_files(paths)
            texts = {name: text for name, (_path, text) in found.items()}
            schedule = helpline.shifts.replace(uow, texts, actor="cli")
        except ScheduleError as error:
            fail(with_paths(error, {name: path for name, (path, _t) in found.items()}))
        uow.commit()
        truth = helpline.shifts.sync(uow)
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
    with service().db.unit_of_work() as uow:
        texts = uow.schedule.texts()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for name, text in texts.items():
            (out_dir / name).write_text(text, encoding="utf-8")
            click.echo(str(out_dir / name))
    except OSError as error:
        raise click.BadParameter(f"cannot write to {str(out_dir)!r}: {error.strerror or error}",
                                 param_hint="--out") from None


@schedules.command("coverage")
@click.option("--language", "language", default=None, help="One language code, e.g. so.")
@click.option("--week", default=None, callback=iso_week,
              help="ISO week, e.g. 2026-W49 (default: this week).")
def schedules_coverage(language: str | None, week: str | None) -> None:
    """A week grid (hours x days) per language with the gaps marked, and a summary."""
    helpline = service()
    known = helpline.known_languages
    if language is not None and language not in known:
        raise click.BadParameter(f"unknown language {language!r}", param_hint="--language")
    week = week or helpline.now().strftime("%G-W%V")  # the service's clock, as the demo's
    with helpline.db.unit_of_work() as uow:
        schedule = helpline.shifts.load(uow)
    if schedule is None:
        raise click.ClickException("no schedule has been imported yet")
    click.echo(coverage_report(
        schedule, week, languages=[language] if language else list(known), names=known
    ))
