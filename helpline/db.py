"""The database adapter: one engine per app, and a unit of work for every use.

Requests, RQ jobs and the CLI all use :func:`unit_of_work`, which rolls back
unless the block calls ``commit()`` itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from helpline.models import Base


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
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    def create_all(self) -> None:
        """Create missing tables (local runs and tests; production uses migrations)."""
        Base.metadata.create_all(self.engine)

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        session = self.sessions()
        try:
            yield session
        finally:
            session.close()  # rolls back whatever was not committed


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def database_url(app: Flask) -> str:
    url = app.config.get("DATABASE_URL")
    if url:
        return str(url)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{Path(app.instance_path) / 'helpline.db'}"


def init_app(app: Flask) -> None:
    app.extensions["helpline.db"] = Database(
        database_url(app), timeout_seconds=float(app.config["SERVICE_TIMEOUT_SECONDS"]) * 4
    )


def get_db(app: Flask | None = None) -> Database:
    db: Database = (app or current_app).extensions["helpline.db"]
    return db
