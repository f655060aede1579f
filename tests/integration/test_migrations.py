"""The Alembic migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, inspect

from helpline.store import migrations


def test_upgrade_from_empty_matches_the_models(database_url: str) -> None:
    migrations.upgrade(database_url)
    # raises if autogenerate would find any difference between models and database
    command.check(migrations.alembic_config(database_url))
    engine = create_engine(database_url)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert {"volunteers", "volunteer_languages", "schedule_documents", "call_records"} <= tables


def test_upgrade_twice_is_harmless(database_url: str) -> None:
    migrations.upgrade(database_url)
    migrations.upgrade(database_url)
