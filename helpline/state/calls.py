"""The progress of calls in flight, kept in Redis under the call's opaque ref.

Nothing here identifies the caller: the key is a keyed hash of the CallSid, and
the fields are a language code, timestamps, counters and volunteer ids. The
state lives until the status callback has written the call record (or a day).

A call's end is kept in two marks, so that steps arriving late or out of order
(Twilio sends a ``<Dial>`` action and the final status in no guaranteed order)
do nothing: ``final`` is set first, when the final status arrives, and from then
on no step reserves anybody for the call; ``closed`` is set once its record is
written, and the state then stays a short while as a tombstone
(``CLOSED_TTL_SECONDS``), so a step arriving after it is known to be late.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeVar

import redis

from helpline.state.keys import RedisKeys

N = TypeVar("N", int, float)

STATE_TTL_SECONDS = 24 * 3600
CLOSED_TTL_SECONDS = 3600

# Set ``final`` on a call's state only if the call was seen arriving.
_MARK_FINAL = """
if redis.call('HEXISTS', KEYS[1], 'started') == 0 then return 0 end
redis.call('HSET', KEYS[1], 'final', '1')
return 1
"""


@dataclass
class CallState:
    ref: str
    started: float = 0.0
    language: str | None = None
    chosen_at: float | None = None
    attempt: int = 0  # the current dial attempt (1-based; 0 = not dialled yet)
    attempts: list[int] = field(default_factory=list)  # every attempt that reserved somebody
    tried: list[int] = field(default_factory=list)
    answered_by: int | None = None
    answered_at: float | None = None
    answered_attempt: int | None = None
    talk_seconds: int = 0
    ended: str | None = None  # set when the service itself ended the call with words
    unbridged: bool = False  # a volunteer accepted, but the caller was gone before the bridge
    final: bool = False  # the final status arrived: nothing more is reserved for it
    final_at: float | None = None  # when a final status came for a call not seen arriving
    closed_at: float | None = None  # its record is written; the state is only a tombstone

    @property
    def closed(self) -> bool:
        return self.closed_at is not None

    @property
    def arrived(self) -> bool:
        """The service saw the call arrive (``/voice/incoming``)."""
        return self.started > 0

    @property
    def call_key(self) -> str:
        """The routing reservation key of the current dial attempt."""
        return reservation_key(self.ref, self.attempt)


def reservation_key(ref: str, attempt: int) -> str:
    return f"{ref}:{attempt}"


class CallStates:
    """Reads and updates call state; every update is a single idempotent write."""

    def __init__(self, client: redis.Redis, keys: RedisKeys) -> None:
        self._client = client
        self._keys = keys
        self._mark_final = client.register_script(_MARK_FINAL)

    def _key(self, ref: str) -> str:
        return self._keys.call(ref)

    def start(self, ref: str, now: float) -> None:
        """Record the call's start once (a retried first webhook keeps the first time)."""
        key = self._key(ref)
        pipe = self._client.pipeline()
        pipe.hsetnx(key, "started", repr(now))
        pipe.expire(key, STATE_TTL_SECONDS)
        pipe.execute()

    def update(self, ref: str, **fields: str | int | float) -> None:
        key = self._key(ref)
        pipe = self._client.pipeline()
        pipe.hset(key, mapping={name: str(value) for name, value in fields.items()})
        pipe.expire(key, STATE_TTL_SECONDS)
        pipe.execute()

    def set_once(self, ref: str, name: str, value: str | int | float) -> bool:
        """Set ``name`` unless it is already set; True if this call set it."""
        return bool(self._client.hsetnx(self._key(ref), name, str(value)))

    def mark_final(self, ref: str) -> bool:
        """The call's final status arrived; False if the call was never seen arriving."""
        return bool(self._mark_final(keys=[self._key(ref)]))

    def end_unseen(self, ref: str, now: float) -> None:
        """A final status for a call not seen arriving (Twilio's requests crossed):
        a mark, so that if its first webhook still comes, it rings nobody."""
        key = self._key(ref)
        pipe = self._client.pipeline()
        pipe.hset(key, mapping={"final": "1", "final_at": repr(now)})
        pipe.expire(key, CLOSED_TTL_SECONDS)
        pipe.execute()

    def is_final(self, ref: str) -> bool:
        return bool(self._client.hexists(self._key(ref), "final"))

    def close(self, ref: str, now: float) -> None:
        """Its record is written: keep a tombstone for late steps, briefly (Redis
        drops it after ``CLOSED_TTL_SECONDS``; the tick, by the service's clock)."""
        key = self._key(ref)
        pipe = self._client.pipeline()
        pipe.hset(key, mapping={"final": "1", "closed": repr(now)})
        pipe.expire(key, CLOSED_TTL_SECONDS)
        pipe.delete(self._keys.call_tried(ref))
        pipe.execute()

    def add_tried(self, ref: str, volunteer_ids: list[int]) -> None:
        if volunteer_ids:
            key = self._keys.call_tried(ref)
            pipe = self._client.pipeline()
            pipe.sadd(key, *volunteer_ids)
            pipe.expire(key, STATE_TTL_SECONDS)
            pipe.execute()

    def load(self, ref: str) -> CallState | None:
        pipe = self._client.pipeline()
        pipe.hgetall(self._key(ref))
        pipe.smembers(self._keys.call_tried(ref))
        raw, tried = pipe.execute()
        if not raw:
            return None
        data = {k.decode(errors="replace"): v.decode(errors="replace") for k, v in raw.items()}

        def num(name: str) -> float | None:
            return _number(data.get(name), float)

        def whole(name: str) -> int | None:
            return _number(data.get(name), int)

        return CallState(
            ref=ref,
            started=num("started") or 0.0,
            language=data.get("language"),
            chosen_at=num("chosen_at"),
            attempt=whole("attempt") or 0,
            attempts=sorted(n for n in (_number(name[len("attempt_"):], int) for name in data
                                        if name.startswith("attempt_")) if n is not None),
            tried=sorted(v for v in (_number(t.decode(errors="replace"), int) for t in tried)
                         if v is not None),
            answered_by=whole("answered_by"),
            answered_at=num("answered_at"),
            answered_attempt=whole("answered_attempt"),
            talk_seconds=whole("talk_seconds") or 0,
            ended=data.get("ended"),
            unbridged=data.get("unbridged") == "1",
            final=data.get("final") == "1",
            final_at=num("final_at"),
            closed_at=num("closed"),
        )

    def refs(self) -> list[str]:
        """The refs of every call in flight."""
        refs = []
        for key in self._client.scan_iter(match=self._keys.calls_pattern(), count=500):
            ref = self._keys.call_ref_of(key.decode())
            if ref is not None:
                refs.append(ref)
        return refs

    def delete(self, ref: str) -> None:
        self._client.delete(self._key(ref), self._keys.call_tried(ref))


def _number(raw: str | None, kind: type[N]) -> N | None:
    """A field written by this module; a value it could not have written reads as
    missing, so one bad field never stops a call from being closed."""
    if raw is None:
        return None
    try:
        value = kind(raw)
    except ValueError:
        return None
    return value if 0 <= value < 2**53 else None
