"""Where a database stands against the migrations: for ``helpline doctor``."""

from __future__ import annotations

from dataclasses import dataclass

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

from helpline.store.migrations import alembic_config


@dataclass(frozen=True)
class SchemaRevision:
    current: frozenset[str]
    """The revisions the database is at (empty: never migrated)."""
    head: frozenset[str]
    """The newest revisions of the migrations this code ships."""

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head


def schema_revision(engine: Engine) -> SchemaRevision:
    """Ask the database (one connection) which revision it is at; raises
    :data:`helpline.store.database.DatabaseError` when it does not answer."""
    script = ScriptDirectory.from_config(alembic_config(""))  # reads only the scripts
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
        current = MigrationContext.configure(connection).get_current_heads()
    return SchemaRevision(frozenset(current), frozenset(script.get_heads()))
