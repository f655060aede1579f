"""The database adapter: one engine per service, and a unit of work for every use.

Requests, RQ jobs and commands all go through :meth:`Database.unit_of_work`,
which rolls back unless the use case calls ``commit()``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import sessionmaker

from helpline.settings import Settings
from helpline.store.models import Base
from helpline.store.unit_of_work import UnitOfWork

DatabaseError = SQLAlchemyError
"""What any failure of the database raises (it did not answer, refused, timed out)."""


class Database:
    def __init__(self, url: str, *, timeout_seconds: float = 2.0) -> None:
        self.url = url
        connect_args: dict[str, Any] = {}
        if url.startswith("sqlite"):
            connect_args["timeout"] = max(timeout_seconds, 5.0)
        elif url.startswith("postgresql"):
            connect_args["connect_timeout"] = max(1, round(timeout_seconds))
        self.engine: Engine = create_engine(
            url, connect_args=connect_args, pool_pre_ping=True, pool_timeout=timeout_seconds
        )
        if url.startswith("sqlite"):
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @classmethod
    def from_settings(cls, settings: Settings) -> Database:
        return cls(database_url(settings), timeout_seconds=settings.service_timeout_seconds * 4)

    def unit_of_work(self) -> UnitOfWork:
        """A new unit of work: ``with db.unit_of_work() as uow: ...; uow.commit()``."""
        return UnitOfWork(self._sessions)

    def ping(self) -> None:
        """Raise :class:`DatabaseError` unless the database answers a query."""
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    def create_all(self) -> None:
        """Create missing tables (tests; local runs and production use migrations)."""
        Base.metadata.create_all(self.engine)

    def dispose(self) -> None:
        """Close every pooled connection (at the end of a run, or after a fork)."""
        self.engine.dispose()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def database_url(settings: Settings) -> str:
    """``DATABASE_URL``, else a SQLite file in the instance folder."""
    if settings.database_url:
        return settings.database_url
    Path(settings.instance).mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{Path(settings.instance) / 'helpline.db'}"
