"""The router's Lua scripts, registered once per Redis client.

Each script is a constant file in ``routing/lua`` (read once per process, never
assembled from pieces); ``register_script`` computes its SHA, and calls go by
``EVALSHA``, loading the script into the server only when it does not know it.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import redis
from redis.commands.core import Script

SCRIPT_NAMES = ("reserve", "confirm", "release", "renew", "set_volunteer", "unqueue")


@cache
def source(name: str) -> str:
    """The text of ``routing/lua/<name>.lua``."""
    if name not in SCRIPT_NAMES:
        raise KeyError(name)
    return resources.files("routing.lua").joinpath(f"{name}.lua").read_text(encoding="utf-8")


class Scripts:
    """The router's scripts registered with one client."""

    def __init__(self, client: redis.Redis) -> None:
        self.reserve: Script = client.register_script(source("reserve"))
        self.confirm: Script = client.register_script(source("confirm"))
        self.release: Script = client.register_script(source("release"))
        self.renew: Script = client.register_script(source("renew"))
        self.set_volunteer: Script = client.register_script(source("set_volunteer"))
        self.unqueue: Script = client.register_script(source("unqueue"))
