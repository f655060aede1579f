"""Database migrations (Alembic), run from the command line: ``helpline db upgrade``;
:func:`schema_status` tells a command whether they have run."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import inspect
from sqlalchemy.engine import make_url

from helpline.store.database import Database
from helpline.store.models import Base

MIGRATIONS = Path(__file__).resolve().parent / "alembic"
"""Alembic's scripts, shipped inside the package so an installed service can migrate."""


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


class UnknownRevision(ValueError):
    """A revision that the migrations do not have."""


def upgrade(url: str, revision: str = "head") -> None:
    """Migrate to ``revision``; :class:`UnknownRevision` if there is no such revision."""
    config = alembic_config(url)
    try:
        ScriptDirectory.from_config(config).get_revisions(revision)
    except CommandError as error:
        raise UnknownRevision(str(error)) from None
    command.upgrade(config, revision)


@dataclass(frozen=True)
class SchemaStatus:
    """Where a database's schema stands against the migrations this code ships."""

    where: str  # the database's URL, password hidden
    current: str | None  # None: never migrated
    head: str | None
    tables: bool  # whether it has any of the service's tables

    @property
    def made_without_migrations(self) -> bool:
        """Tables but no revision: made by ``Database.create_all`` (tests), not by
        Alembic; a command leaves such a database alone."""
        return self.current is None and self.tables

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head


def schema_status(db: Database) -> SchemaStatus:
    """Read the database's revision (one query) and the newest one shipped."""
    with db.engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
        tables = bool(set(inspect(connection).get_table_names()) & set(Base.metadata.tables))
    head = ScriptDirectory.from_config(alembic_config(db.url)).get_current_head()
    return SchemaStatus(make_url(db.url).render_as_string(hide_password=True), current, head,
                        tables)
