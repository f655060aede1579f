"""The progress of calls in flight, kept in Redis under the call's opaque ref.

Nothing here identifies the caller: the key is a keyed hash of the CallSid, and
the fields are a language code, timestamps, counters and volunteer ids. The
state lives until the status callback has written the call record (or a day).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import redis

from helpline.state.keys import RedisKeys

STATE_TTL_SECONDS = 24 * 3600


@dataclass
class CallState:
    ref: str
    started: float = 0.0
    language: str | None = None
    chosen_at: float | None = None
    attempt: int = 0  # the current dial attempt (1-based; 0 = not dialled yet)
    tried: list[int] = field(default_factory=list)
    answered_by: int | None = None
    answered_at: float | None = None
    answered_attempt: int | None = None
    talk_seconds: int = 0
    ended: str | None = None  # set when the service itself ended the call with words
    unbridged: bool = False  # a volunteer accepted, but the caller was gone before the bridge

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
        data = {k.decode(): v.decode() for k, v in raw.items()}

        def num(name: str) -> float | None:
            return float(data[name]) if name in data else None

        def whole(name: str) -> int | None:
            return int(data[name]) if name in data else None

        return CallState(
            ref=ref,
            started=num("started") or 0.0,
            language=data.get("language"),
            chosen_at=num("chosen_at"),
            attempt=whole("attempt") or 0,
            tried=sorted(int(v) for v in tried),
            answered_by=whole("answered_by"),
            answered_at=num("answered_at"),
            answered_attempt=whole("answered_attempt"),
            talk_seconds=whole("talk_seconds") or 0,
            ended=data.get("ended"),
            unbridged=data.get("unbridged") == "1",
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
