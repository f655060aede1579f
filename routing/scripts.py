"""The router's Lua scripts, registered once per Redis client.

Each script is a constant file in ``routing/lua``, read once per process. Code
that several scripts need is written once, in a *prelude* file, and put in
front of each script that uses it as the script is read (plain concatenation
of constant files, never string formatting):

- ``queue.lua``: ``entry()``, the queue entry format, and ``enqueue()``, which
  queues a volunteer in each of her languages, ranked with today's calls;
- ``requeue.lua`` (after ``queue.lua``): ``requeue()``, which puts a released
  volunteer back in the queue.

Prelude functions read no ``KEYS`` or ``ARGV``: each script passes them its
own ``KEYS[n]`` and values, so every key a script touches still comes in its
``KEYS``. :data:`PRELUDES` says which preludes each script uses, in order, as
its ``-- Preludes:`` header line does. ``register_script`` computes the SHA of
the whole text, and calls go by ``EVALSHA``, loading the script into the
server only when it does not know it. (Line numbers in a Redis script error
count from the start of the first prelude.)
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import resources

import redis
from redis.commands.core import Script

PRELUDES: Mapping[str, tuple[str, ...]] = {
    "reserve": ("queue",),
    "confirm": ("queue", "requeue"),
    "release": ("queue", "requeue"),
    "renew": (),
    "set_volunteer": ("queue",),
    "unqueue": ("queue",),
}
"""Each script the router registers -> the preludes put in front of it, in order."""

SCRIPT_NAMES = tuple(PRELUDES)


@cache
def lua_file(stem: str) -> str:
    """The text of ``routing/lua/<stem>.lua`` (a script or a prelude), as stored."""
    return resources.files("routing.lua").joinpath(f"{stem}.lua").read_text(encoding="utf-8")


@cache
def source(name: str) -> str:
    """The text the script ``name`` is loaded with: its preludes, then its own file."""
    if name not in PRELUDES:
        raise KeyError(name)
    return "\n".join(lua_file(stem) for stem in (*PRELUDES[name], name))


class Scripts:
    """The router's scripts registered with one client."""

    def __init__(self, client: redis.Redis) -> None:
        self.reserve: Script = client.register_script(source("reserve"))
        self.confirm: Script = client.register_script(source("confirm"))
        self.release: Script = client.register_script(source("release"))
        self.renew: Script = client.register_script(source("renew"))
        self.set_volunteer: Script = client.register_script(source("set_volunteer"))
        self.unqueue: Script = client.register_script(source("unqueue"))
