"""Fixtures for the routing tests: a controllable clock and routers on real Redis."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import redis

from routing.availability import Availability
from tests.support import START, FakeClock

LANGUAGES = ("so", "ar", "fa", "ti")
__all__ = ["START", "FakeClock"]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_router(redis_client: redis.Redis, clock: FakeClock) -> Callable[..., Availability]:
    """Build an Availability on the test Redis with the fake clock; override any argument."""

    def make(**overrides: Any) -> Availability:
        options: dict[str, Any] = {"languages": LANGUAGES, "clock": clock}
        options.update(overrides)
        return Availability(redis_client, **options)

    return make


@pytest.fixture
def router(make_router: Callable[..., Availability]) -> Availability:
    return make_router()
