"""Every script the router registers loads on a real Redis."""

from __future__ import annotations

import hashlib

import pytest
import redis

from routing.scripts import SCRIPT_NAMES, Scripts, source


def test_the_router_registers_every_script(redis_client: redis.Redis) -> None:
    assert set(vars(Scripts(redis_client))) == set(SCRIPT_NAMES)


@pytest.mark.parametrize("name", SCRIPT_NAMES)
def test_every_script_loads(redis_client: redis.Redis, name: str) -> None:
    script = getattr(Scripts(redis_client), name)
    assert script.script == source(name)
    # SCRIPT LOAD compiles the text and raises on any error. (The script cache
    # is shared by everybody using the server, so it is not flushed here.)
    sha = redis_client.script_load(script.script)
    assert sha == script.sha == hashlib.sha1(source(name).encode()).hexdigest()
    assert redis_client.script_exists(sha) == [True]
