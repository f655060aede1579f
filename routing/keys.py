"""Every Redis key the router uses, named in one place and in one style.

All keys are ``<prefix>:routing:<name>`` or ``<prefix>:routing:<name>:<part>``,
so several helplines can share one Redis server by choosing different prefixes.
What each key holds:

``volunteers``            hash: volunteer member -> volunteer record (JSON)
``calls``                 hash: call key -> call record (JSON): who the call holds
``leases``                sorted set: call key -> lease expiry (ms since the epoch)
``finished``              sorted set: call key -> end of its idempotency window (ms)
``queue``                 sorted set, every score 0, ordered by member: one entry
                          per language for each volunteer on shift, checked in and
                          not held by a call (see "The queue" below)
``calls-today:<day>``     hash: volunteer member -> number of calls taken that day

A volunteer *member* is her integer id, zero-padded to 12 digits. No key or
value ever holds a phone number.

The queue
---------
One sorted set holds every language's queue. Each entry is
``<language>|<rank, 3 digits>|<available-at ms, 13 digits>|<member>``, e.g.
``so|000|1700000000123|000000000042``; all scores are 0, so Redis keeps the
entries in byte order, which, thanks to the fixed widths, is the policy's order
``(language, rank, available_at_ms, volunteer id)`` (see :mod:`routing.policy`).
A language's volunteers free now are one lexicographic range
(``ZRANGEBYLEX``), and every script touches the same five or six keys however
many languages the helpline serves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PART = re.compile(r"[A-Za-z0-9_.-]+")
_MEMBER_WIDTH = 12
MAX_VOLUNTEER_ID = 10**_MEMBER_WIDTH - 1
MAX_TIME_MS = 10**13 - 1
"""The last time a queue entry can hold (the year 2286)."""


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
class QueueEntry:
    """One entry of the queue: a volunteer free (or resting) for one language."""

    language: str
    rank: int
    available_at_ms: int
    volunteer_id: int

    def __str__(self) -> str:
        return queue_entry(self.language, self.rank, self.available_at_ms, self.volunteer_id)


def queue_entry(language: str, rank: int, available_at_ms: int, volunteer_id: int) -> str:
    """The queue member for a volunteer in one language (as the Lua scripts write it)."""
    return f"{language}|{rank:03d}|{available_at_ms:013d}|{member(volunteer_id)}"


def parse_queue_entry(raw: str | bytes) -> QueueEntry:
    """The parts of a queue member (inverse of :func:`queue_entry`)."""
    text = raw.decode() if isinstance(raw, bytes) else raw
    language, rank, available_at_ms, member_name = text.rsplit("|", 3)
    return QueueEntry(language, int(rank), int(available_at_ms), int(member_name))


def queue_range(language: str) -> tuple[str, str]:
    """``ZRANGEBYLEX`` bounds of one language's entries."""
    return f"[{language}|", f"[{language}|~"


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

    @property
    def queue(self) -> str:
        return self._key("queue")

    def calls_today(self, day: str) -> str:
        return self._key("calls-today", check_part(day, "day"))

    def pattern(self) -> str:
        """A SCAN/KEYS pattern matching every key of this helpline's router."""
        return self._key("*")
