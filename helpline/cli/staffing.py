"""``helpline staffing``: offered load and Erlang-B per language and hour of the week."""

from __future__ import annotations

import json

import click
from rich.console import Console
from rich.table import Table

from helpline.cli.ready import ensure_schema
from helpline.prompts.catalog import load_catalog
from helpline.settings import Settings
from helpline.shifts.service import load_schedule
from helpline.staffing.advice import Slot, advise
from helpline.store.database import Database, DatabaseError, database_url


@click.command()
@click.option("--target", default=0.9, show_default=True,
              type=click.FloatRange(0, 1, min_open=True, max_open=True),
              help="Share of calls that should be answered.")
@click.option("--database", default=None,
              help="Database URL (default: DATABASE_URL, else the local instance's SQLite).")
@click.option("--language", default=None, help="Only this language code.")
@click.option("--json", "as_json", is_flag=True, help="JSON for scripts.")
def staffing(target: float, database: str | None, language: str | None, as_json: bool) -> None:
    """From the anonymous call records: how many volunteers each hour of the week needs."""
    settings = Settings()
    catalog = load_catalog(settings.languages_file, local=settings.local_language)
    known = {language.code: language.english for language in catalog.languages}
    if language is not None and language not in known:
        raise click.BadParameter(f"unknown language {language!r}", param_hint="--language")
    try:
        db = Database(database or database_url(settings))
    except DatabaseError as error:
        raise click.BadParameter(f"{database!r} is not a database URL ({error})",
                                 param_hint="--database") from None
    ensure_schema(db)
    with db.unit_of_work() as uow:
        schedule = load_schedule(uow, known)
        slots = advise(uow.calls.summaries(), schedule, timezone=settings.timezone,
                       wrapup_seconds=float(settings.wrapup_seconds), target=target)
    db.dispose()
    if language:
        slots = [s for s in slots if s.language == language]
    if as_json:
        click.echo(json.dumps([s.to_json() for s in slots], indent=2))
        return
    render(slots, target)


def render(slots: list[Slot], target: float) -> None:
    table = Table(title=f"Staffing for {target:.0%} of calls answered "
                        "(Erlang-B; observed answer share beside the prediction)",
                  title_justify="left")
    for name in ("lang", "when", "calls/week", "load (E)", "on shift", "answered",
                 "Erlang-B", "needed"):
        table.add_column(name, justify="left" if name in {"lang", "when"} else "right")
    for s in slots:
        short = s.needed > s.scheduled
        table.add_row(s.language, s.when, f"{s.calls_per_week:g}", f"{s.load:.2f}",
                      str(s.scheduled), f"{s.answered_share:.0%}",
                      f"{s.predicted_answered:.0%}",
                      f"[red]{s.needed}[/red]" if short else str(s.needed))
    console = Console(width=max(Console().width, 100))
    console.print(table if slots else "No call records with a language yet.")
