"""The Alembic migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, inspect

from helpline import migrate


def test_upgrade_from_empty_matches_the_models(database_url: str) -> None:
    migrate.upgrade(database_url)
    # raises if autogenerate would find any difference between models and database
    command.check(migrate.alembic_config(database_url))
    engine = create_engine(database_url)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert {"volunteers", "volunteer_languages", "schedule_documents", "call_records"} <= tables


def test_upgrade_twice_is_harmless(database_url: str) -> None:
    migrate.upgrade(database_url)
    migrate.upgrade(database_url)
