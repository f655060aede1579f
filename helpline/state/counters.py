"""Short-lived counters and flags in Redis, each with its time to live.

Nothing here holds a phone number: volunteers are named by their id, calls by
their opaque ref, accounts and addresses by a keyed hash.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import redis

from helpline.state.keys import RedisKeys

MISSES_TTL_SECONDS = 12 * 3600  # a run of misses is forgotten after a quiet half-day
LOGIN_MEMORY_SECONDS = 24 * 3600  # failed logins are forgotten after a quiet day
TICK_LOCK_SECONDS = 120

Scope = tuple[str, str]
"""What failed logins are counted for: ``("user" | "addr" | "pair", keyed hash)``."""


class Counters:
    """The counters of one helpline."""

    def __init__(self, client: redis.Redis, keys: RedisKeys) -> None:
        self.client = client
        self.keys = keys

    # -- volunteers: calls missed in a row ---------------------------------------

    def add_miss(self, volunteer_id: int) -> int:
        """One more call she was rung for and did not take; the run so far."""
        key = self.keys.misses(volunteer_id)
        pipe = self.client.pipeline()
        pipe.incr(key)
        pipe.expire(key, MISSES_TTL_SECONDS)
        return int(pipe.execute()[0])

    def reset_misses(self, volunteer_id: int) -> None:
        self.client.delete(self.keys.misses(volunteer_id))

    # -- volunteers: the call her next topic digit belongs to ---------------------

    def await_note(self, volunteer_id: int, call_ref: str, seconds: int) -> None:
        self.client.set(self.keys.note(volunteer_id), call_ref, ex=seconds)

    def awaits_note(self, volunteer_id: int) -> bool:
        return bool(self.client.exists(self.keys.note(volunteer_id)))

    def take_note(self, volunteer_id: int) -> str | None:
        """The call ref her note belongs to (and forget it); None if there is none."""
        raw = self.client.getdel(self.keys.note(volunteer_id))
        if raw is None:
            return None
        return raw.decode() if isinstance(raw, bytes) else str(raw)

    # -- volunteers: one reminder per shift start ---------------------------------

    def first_reminder(self, volunteer_id: int, start: datetime, seconds: int) -> bool:
        """True the first time it is asked for this shift start (then remembered)."""
        return bool(self.client.set(self.keys.reminded(volunteer_id, start), "1",
                                    nx=True, ex=seconds))

    # -- coordinators: failed logins and the waits they impose ------------------

    def login_wait_seconds(self, scopes: Sequence[Scope]) -> float:
        """How long until every one of ``scopes`` may try to log in again (0: now)."""
        pipe = self.client.pipeline()
        for scope, hashed in scopes:
            pipe.pttl(self.keys.login_wait(scope, hashed))
        return max((int(ms) for ms in pipe.execute() if int(ms) > 0), default=0) / 1000

    def login_failed(self, scopes: Sequence[Scope]) -> list[int]:
        """Count one failed login for each scope; each one's failures so far (each
        forgotten after a quiet :data:`LOGIN_MEMORY_SECONDS`)."""
        pipe = self.client.pipeline()
        for scope, hashed in scopes:
            key = self.keys.login_failures(scope, hashed)
            pipe.incr(key)
            pipe.expire(key, LOGIN_MEMORY_SECONDS)
        return [int(count) for count in pipe.execute()[::2]]

    def login_hold(self, scope: Scope, seconds: float) -> None:
        """``scope`` may not try again for ``seconds``."""
        self.client.set(self.keys.login_wait(*scope), "1", px=max(1, int(seconds * 1000)))

    def login_succeeded(self, scopes: Sequence[Scope]) -> None:
        """Forget the failures and waits of ``scopes``."""
        self.client.delete(*(key for scope, hashed in scopes
                             for key in (self.keys.login_failures(scope, hashed),
                                         self.keys.login_wait(scope, hashed))))

    # -- the periodic tick ---------------------------------------------------------

    def tick_done(self, at: float, failed: list[str]) -> None:
        """The tick that ran at ``at`` (epoch seconds) ended; ``failed``: its pieces
        that failed. Read by ``helpline doctor``, ``/readyz`` and the metrics."""
        self.client.hset(self.keys.tick_last(),
                         mapping={"at": repr(at), "failed": ",".join(failed)})

    def last_tick(self) -> tuple[float, list[str]] | None:
        """When the last tick ended (epoch seconds) and what failed in it; None: never."""
        raw: dict[bytes, bytes] = self.client.hgetall(self.keys.tick_last())  # type: ignore[assignment]
        if not raw:
            return None
        failed = raw.get(b"failed", b"").decode()
        return float(raw[b"at"]), [name for name in failed.split(",") if name]

    def claim_tick(self, minute: datetime) -> bool:
        """True for the first tick of ``minute`` (a second scheduler's is skipped)."""
        return bool(self.client.set(self.keys.tick(minute), "1", nx=True, ex=TICK_LOCK_SECONDS))
