"""The service of a command that needs the database, with its schema checked first.

On a fresh checkout the local SQLite file has no tables until the migrations have
run. A command never fails on that with a ``no such table`` traceback:

- a SQLite database (a laptop's own file) is created or brought up to date on
  first use, as ``helpline serve`` always did;
- any other database (PostgreSQL in production) is never migrated behind the
  operator's back: the command stops with one line saying what to run.
"""

from __future__ import annotations

import click

from helpline.bootstrap import Helpline, from_app
from helpline.store.database import Database
from helpline.store.migrations import schema_status, upgrade


def service() -> Helpline:
    """The current app's service, its database schema up to date (see the module)."""
    helpline = from_app()
    click.get_current_context().call_on_close(helpline.close)  # nothing outlives the command
    ensure_schema(helpline.db)
    return helpline


def ensure_schema(db: Database) -> None:
    """Migrate a SQLite file that is behind; stop with one line for any other database
    that is behind."""
    status = schema_status(db)  # (a database that cannot be reached: see HelplineGroup)
    if status.up_to_date or status.made_without_migrations:
        return
    if db.url.startswith("sqlite"):
        upgrade(db.url)
        return
    state = ("has no tables yet" if status.current is None
             else f"is at revision {status.current}, this version needs {status.head}")
    raise click.ClickException(
        f"the database {status.where} {state}: run `helpline db upgrade` first")
