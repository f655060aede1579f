"""Every Redis key of the service, named in one place.

All keys live under ``<prefix>:`` (``REDIS_PREFIX``, default ``helpline``), so
several helplines can share one Redis server:

==================================  ============================================
``<p>:routing:...``                 the availability queue: see :mod:`routing.keys`
``<p>:call:<ref>``                  hash: progress of a call in flight (call ref =
                                    keyed hash of the CallSid; language, times,
                                    counters, volunteer ids)
``<p>:call:<ref>:tried``            set: volunteer ids rung for that call
``<p>:duty:misses:<id>``            counter: calls missed in a row by a volunteer
``<p>:duty:note:<id>``              string: the call ref a volunteer's next topic
                                    digit belongs to
``<p>:duty:reminded:<id>:<start>``  flag: the reminder of one shift start was sent
``<p>:login:fail:<scope>:<hash>``   counter: failed logins of one scope (``user``: an
                                    account name, ``addr``: an address, ``pair``:
                                    both, or a name and a known device), keyed hash
``<p>:login:wait:<scope>:<hash>``   flag: that scope may not try again until it
                                    expires
``<p>:tick:<YYYYmmddHHMM>``         flag: the periodic tick of that minute ran
``<p>:tick:last``                   hash: when the last tick ended, and what failed
==================================  ============================================

RQ keeps its own keys under ``rq:`` (the queue is :data:`QUEUE`). No key or value
ever holds a phone number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from routing.keys import RoutingKeys

QUEUE = "helpline"
"""The RQ queue of every background job (the tick, SMS, pauses)."""


@dataclass(frozen=True)
class RedisKeys:
    """The key names of one helpline (one prefix)."""

    prefix: str = "helpline"
    routing: RoutingKeys = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "routing", RoutingKeys(self.prefix))

    def call(self, ref: str) -> str:
        return f"{self.prefix}:call:{ref}"

    def call_tried(self, ref: str) -> str:
        return f"{self.prefix}:call:{ref}:tried"

    def calls_pattern(self) -> str:
        """A SCAN pattern of every call key (the tried sets included)."""
        return f"{self.prefix}:call:*"

    def call_ref_of(self, key: str) -> str | None:
        """The call ref a :meth:`call` key names; None for any other key."""
        head = f"{self.prefix}:call:"
        name = key[len(head):] if key.startswith(head) else ""
        return name if name and ":" not in name else None

    def misses(self, volunteer_id: int) -> str:
        return f"{self.prefix}:duty:misses:{volunteer_id}"

    def note(self, volunteer_id: int) -> str:
        return f"{self.prefix}:duty:note:{volunteer_id}"

    def reminded(self, volunteer_id: int, start: datetime) -> str:
        return f"{self.prefix}:duty:reminded:{volunteer_id}:{start:%Y%m%d%H%M}"

    def login_failures(self, scope: str, hashed: str) -> str:
        return f"{self.prefix}:login:fail:{scope}:{hashed}"

    def login_wait(self, scope: str, hashed: str) -> str:
        return f"{self.prefix}:login:wait:{scope}:{hashed}"

    def tick(self, minute: datetime) -> str:
        return f"{self.prefix}:tick:{minute:%Y%m%d%H%M}"

    def tick_last(self) -> str:
        return f"{self.prefix}:tick:last"

    def owns(self, key: str) -> bool:
        """Whether ``key`` is one this registry names (a test checks every key)."""
        return any(pattern.fullmatch(key) for pattern in _patterns(self.prefix))


@cache
def _patterns(prefix: str) -> tuple[re.Pattern[str], ...]:
    p = re.escape(prefix)
    part = r"[A-Za-z0-9_.-]+"
    return (re.compile(rf"{p}:routing:{part}(:{part})?"),
            re.compile(rf"{p}:call:[0-9a-f]+(:tried)?"),
            re.compile(rf"{p}:duty:(misses|note):\d+"),
            re.compile(rf"{p}:duty:reminded:\d+:\d{{12}}"),
            re.compile(rf"{p}:login:(fail|wait):(user|addr|pair):[0-9a-f]+"),
            re.compile(rf"{p}:tick:(\d{{12}}|last)"))
