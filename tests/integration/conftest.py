"""The service without Flask (:func:`helpline.bootstrap.bootstrap`), on a real Redis and
a real database, with a clock the test moves."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from helpline.bootstrap import Helpline, bootstrap
from helpline.settings import Settings
from tests.support import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_service(database_url: str, redis_url: str, tmp_path: Path, clock: FakeClock,
                 redis_client: redis.Redis) -> Iterator[Callable[..., Helpline]]:
    """Build a service (settings overridden by keyword) with fresh tables."""
    built: list[Helpline] = []

    def make(**settings: Any) -> Helpline:
        helpline = bootstrap(Settings(**{
            "instance_path": tmp_path / "instance", "database_url": database_url,
            "redis_url": redis_url, "redis_prefix": "htest", "helpline_number": "+4722000000",
            "caller_hash_secret": "test-secret", **settings}), clock=clock)
        helpline.db.create_all()
        built.append(helpline)
        return helpline

    yield make
    for helpline in built:
        helpline.close()


@pytest.fixture
def service(make_service: Callable[..., Helpline]) -> Helpline:
    return make_service()
