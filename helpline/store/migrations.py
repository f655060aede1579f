"""Database migrations (Alembic), run from the command line: ``helpline db upgrade``."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from helpline.settings import ROOT

MIGRATIONS = ROOT / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)
