"""The router's Lua scripts, registered once per Redis client.

Each script is a constant file in ``routing/lua``, read once per process;
``confirm`` and ``release`` both put released volunteers back in the queue, so
that code is written once, in ``requeue.lua``, and put in front of each of
them as it is read (plain concatenation of two constant files, never string
formatting). ``register_script`` computes the SHA, and calls go by
``EVALSHA``, loading the script into the server only when it does not know it.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import redis
from redis.commands.core import Script

SCRIPT_NAMES = ("reserve", "confirm", "release", "renew", "set_volunteer", "unqueue")
PRELUDED = ("confirm", "release")  # scripts that start with requeue.lua


@cache
def source(name: str) -> str:
    """The text of ``routing/lua/<name>.lua``."""
    if name not in SCRIPT_NAMES:
        raise KeyError(name)
    folder = resources.files("routing.lua")
    text = folder.joinpath(f"{name}.lua").read_text(encoding="utf-8")
    if name in PRELUDED:
        text = folder.joinpath("requeue.lua").read_text(encoding="utf-8") + "\n" + text
    return text


class Scripts:
    """The router's scripts registered with one client."""

    def __init__(self, client: redis.Redis) -> None:
        self.reserve: Script = client.register_script(source("reserve"))
        self.confirm: Script = client.register_script(source("confirm"))
        self.release: Script = client.register_script(source("release"))
        self.renew: Script = client.register_script(source("renew"))
        self.set_volunteer: Script = client.register_script(source("set_volunteer"))
        self.unqueue: Script = client.register_script(source("unqueue"))
