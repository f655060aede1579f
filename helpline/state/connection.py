"""The Redis connection: a server named by ``REDIS_URL``, or a private embedded one.

Without ``REDIS_URL`` the instance folder's embedded server is used
(:mod:`helpline.state.embedded`: started by the first command that needs it and
stopped with that command), so a newcomer needs nothing installed. Every client
has short timeouts: a webhook must answer fast even when Redis is down.
"""

from __future__ import annotations

from pathlib import Path

import redis

from helpline.state.embedded import EmbeddedRedis


def connect(url: str | None, instance: Path, *,
            timeout: float) -> tuple[redis.Redis, EmbeddedRedis | None]:
    """A client, and the embedded server it talks to (None for ``url``'s server)."""
    embedded = None
    if not url:
        embedded = EmbeddedRedis.start(instance)
        url = embedded.url
    client = redis.Redis.from_url(
        url, socket_timeout=timeout, socket_connect_timeout=timeout, health_check_interval=30
    )
    return client, embedded


def blocking_client(client: redis.Redis) -> redis.Redis:
    """A client of the same server without the short timeouts, for RQ's worker,
    which waits for jobs with blocking reads."""
    pool = client.connection_pool
    kwargs = {**pool.connection_kwargs, "socket_timeout": None}
    return redis.Redis(connection_pool=redis.ConnectionPool(
        connection_class=pool.connection_class, **kwargs))
