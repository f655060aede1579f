"""Every Redis key the router uses, named in one place and in one style.

All keys are ``<prefix>:routing:<name>`` or ``<prefix>:routing:<name>:<part>``,
so several helplines can share one Redis server by choosing different prefixes.
What each key holds:

``volunteers``            hash: volunteer member -> volunteer record (JSON)
``calls``                 hash: call key -> call record (JSON): who the call holds
``leases``                sorted set: call key -> lease expiry (ms since the epoch)
``finished``              sorted set: call key -> end of its idempotency window (ms)
``queue:<language>``      sorted set: volunteer member -> policy score (see
                          :mod:`routing.policy`); the volunteers on shift for the
                          language, checked in and not held by a call
``calls-today:<day>``     hash: volunteer member -> number of calls taken that day

A volunteer member is her integer id, zero-padded to 12 digits, so that Redis
breaks score ties by id. No key or value ever holds a phone number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PART = re.compile(r"[A-Za-z0-9_.-]+")
_MEMBER_WIDTH = 12
MAX_VOLUNTEER_ID = 10**_MEMBER_WIDTH - 1


def check_part(part: str, what: str) -> str:
    """Return ``part`` if it may appear in a key (letters, digits, ``_.-``), else raise."""
    if not isinstance(part, str) or not _PART.fullmatch(part):
        raise ValueError(f"{what} {part!r} may only hold letters, digits and '_', '.', '-'")
    return part


def member(volunteer_id: int) -> str:
    """The Redis member (hash field, sorted-set member) naming a volunteer."""
    return f"{volunteer_id:0{_MEMBER_WIDTH}d}"


def member_id(member_name: str | bytes) -> int:
    """The volunteer id a Redis member names (inverse of :func:`member`)."""
    return int(member_name)


@dataclass(frozen=True)
class RoutingKeys:
    """The key names of one helpline (one prefix)."""

    prefix: str = "helpline"

    def __post_init__(self) -> None:
        check_part(self.prefix, "key prefix")

    def _key(self, *parts: str) -> str:
        return ":".join((self.prefix, "routing", *parts))

    @property
    def volunteers(self) -> str:
        return self._key("volunteers")

    @property
    def calls(self) -> str:
        return self._key("calls")

    @property
    def leases(self) -> str:
        return self._key("leases")

    @property
    def finished(self) -> str:
        return self._key("finished")

    def queue(self, language: str) -> str:
        return self._key("queue", check_part(language, "language code"))

    def calls_today(self, day: str) -> str:
        return self._key("calls-today", check_part(day, "day"))

    def pattern(self) -> str:
        """A SCAN/KEYS pattern matching every key of this helpline's router."""
        return self._key("*")
