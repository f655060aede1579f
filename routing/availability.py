"""The live availability queue in Redis: who can take a call in which language.

The adapter between the pure rules (:mod:`routing.policy`, :mod:`routing.model`)
and Redis. Every change of state is one atomic Lua script (``routing/lua``), so
two concurrent calls can never hold the same volunteer, whatever the number of
web and job processes. Time comes from the ``clock`` given at construction.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from datetime import UTC, tzinfo
from typing import Any, cast

import redis
import redis.client

from routing import decisions
from routing.drift import Drift, Snapshot, find_drift, stray_entries
from routing.exceptions import (
    ClockError,
    InvalidCallKeyError,
    InvalidVolunteerError,
    UnknownLanguageError,
)
from routing.keys import (
    MAX_TIME_MS,
    MAX_VOLUNTEER_ID,
    QueueEntry,
    RoutingKeys,
    check_part,
    member,
    member_id,
    parse_queue_entry,
    queue_range,
)
from routing.model import (
    RELEASE_OUTCOMES,
    CallHold,
    ReleaseOutcome,
    VolunteerRecord,
    VolunteerState,
    VolunteerTruth,
    language_entries,
    languages_json,
    state_of,
)
from routing.policy import (
    BACKUP_RANK,
    DEFAULT_POLICY,
    MAX_CALLS_RANK,
    Policy,
    day_of,
    get_policy,
    parse_languages,
)
from routing.scripts import Scripts
from routing.status import StatusEntry, explain

MAX_CALL_KEY_LENGTH = 200
_PHONE_LIKE = re.compile(r"\+?[\d\s().-]{7,20}")
_CALLS_TODAY_TTL_MS = 2 * 24 * 3600 * 1000
_PEEK = 2


def _text(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else value


def check_volunteer_id(vid: int) -> int:
    """Return ``vid`` if it is a valid volunteer id, else raise."""
    if isinstance(vid, bool) or not isinstance(vid, int) or not 0 <= vid <= MAX_VOLUNTEER_ID:
        raise InvalidVolunteerError(f"volunteer id {vid!r} is not an integer in 0..10**12-1")
    return vid


def check_call_key(call_key: str) -> str:
    """Return ``call_key`` if it can be stored, else raise.

    A call key must be an opaque string (the webhooks pass a keyed hash of the
    call). Anything that looks like a phone number is refused, so that a number
    can never reach Redis through this argument.
    """
    if not isinstance(call_key, str) or not call_key or len(call_key) > MAX_CALL_KEY_LENGTH:
        raise InvalidCallKeyError("a call key is a non-empty string of at most 200 characters")
    if _PHONE_LIKE.fullmatch(call_key):
        raise InvalidCallKeyError("a call key must be a keyed hash, never a phone number")
    return call_key


class Availability:
    """Volunteers' availability per language, and the calls that hold them.

    ``languages`` are the codes of every language the helpline serves;
    ``policies`` maps a code to a policy name of :mod:`routing.policy`
    (default ``longest_idle``). Leases and the wrap-up rest are in seconds.
    A call key stays known for ``idempotency_seconds`` after its release, so a
    retried webhook cannot reserve anew with it. ``timezone`` decides when a
    day starts for the ``fewest_calls`` policy.
    """

    client: redis.Redis
    """The Redis client (for pipelines: ``set_volunteer(..., pipeline=client.pipeline())``)."""

    def __init__(
        self,
        client: redis.Redis,
        *,
        languages: Sequence[str],
        prefix: str = "helpline",
        ring_lease_seconds: int = 120,
        call_lease_seconds: int = 4 * 3600,
        wrapup_seconds: int = 60,
        clock: Callable[[], float] = time.time,
        policies: Mapping[str, str] | None = None,
        idempotency_seconds: int = 24 * 3600,
        timezone: tzinfo = UTC,
    ) -> None:
        codes = tuple(check_part(code, "language code") for code in languages)
        if not codes:
            raise ValueError("a router needs at least one language")
        if len(set(codes)) != len(codes):
            raise ValueError("language codes must be unique")
        for name, value in (
            ("ring_lease_seconds", ring_lease_seconds),
            ("call_lease_seconds", call_lease_seconds),
            ("idempotency_seconds", idempotency_seconds),
        ):
            if value <= 0:
                raise ValueError(f"{name} must be positive")
        if wrapup_seconds < 0:
            raise ValueError("wrapup_seconds must not be negative")
        self.languages = codes
        self.keys = RoutingKeys(prefix)
        self.client = client
        self._clock = clock
        self._timezone = timezone
        self._ring_ms = int(ring_lease_seconds * 1000)
        self._call_ms = int(call_lease_seconds * 1000)
        self._wrapup_ms = int(wrapup_seconds * 1000)
        self._window_ms = int(idempotency_seconds * 1000)
        unknown = set(policies or {}) - set(codes)
        if unknown:
            raise UnknownLanguageError(f"policies given for unknown languages: {sorted(unknown)}")
        self._policies = {
            code: get_policy((policies or {}).get(code, DEFAULT_POLICY)) for code in codes
        }
        self._scripts = Scripts(client)
        # Keys and constant arguments, encoded once.
        k = self.keys
        self._reserve_keys = _encoded(k.volunteers, k.calls, k.leases, k.finished, k.queue)
        # Scripts that also take today's calls hash: (the keys before it, the
        # keys after it); _with_day puts the day's key between them.
        self._confirm_keys = (_encoded(k.volunteers, k.calls, k.leases), _encoded(k.queue))
        self._release_keys = (
            _encoded(k.volunteers, k.calls, k.leases, k.finished),
            _encoded(k.queue),
        )
        self._set_keys = (_encoded(k.volunteers, k.calls), _encoded(k.queue))
        self._backup_rank = _encoded(BACKUP_RANK)
        self._max_calls_rank = _encoded(MAX_CALLS_RANK)
        self._day: tuple[int, bytes] = (-1, b"")
        self._latest_ms = MAX_TIME_MS - max(self._call_ms, self._window_ms, self._wrapup_ms)

    # -- configuration -------------------------------------------------------

    def policy_for(self, language: str) -> Policy:
        """The policy that orders ``language``'s volunteers."""
        try:
            return self._policies[language]
        except KeyError:
            raise UnknownLanguageError(f"unknown language {language!r}") from None

    def now_ms(self) -> int:
        """The clock's time in whole ms; raises :class:`ClockError` if unstorable."""
        now = int(self._clock() * 1000)
        if not 0 <= now <= self._latest_ms:
            raise ClockError(f"clock time {now} ms is outside what the router can store")
        return now

    def _calls_today_key(self, now_ms: int) -> bytes:
        """Today's calls hash (the day in the router's time zone), cached per second."""
        second, key = self._day
        if now_ms // 1000 != second:
            key = self.keys.calls_today(day_of(now_ms, self._timezone)).encode()
            self._day = (now_ms // 1000, key)
        return key

    def _with_day(self, keys: tuple[tuple[bytes, ...], tuple[bytes, ...]], now: int) -> Any:
        head, tail = keys
        return (*head, self._calls_today_key(now), *tail)

    # -- presence and shifts -------------------------------------------------

    def set_volunteer(
        self,
        volunteer_id: int,
        languages: Mapping[str, str] | Collection[str],
        *,
        checked_in: bool = True,
        pipeline: redis.client.Pipeline | None = None,
    ) -> None:
        """Store the languages she is on shift for now, and whether she is checked in.

        ``languages`` maps a code to her tier (``primary``, ``secondary`` or
        ``backup``), or is a collection of codes she serves as primary; empty
        means off shift. Idempotent. A volunteer held by a call is not disturbed:
        the new languages apply when the call releases her. With ``pipeline``,
        the change is queued there instead of sent.
        """
        entries = language_entries(parse_languages(languages), self.policy_for)
        self._set(volunteer_id, languages_json(entries), checked_in, pipeline)

    def remove_volunteer(
        self, volunteer_id: int, *, pipeline: redis.client.Pipeline | None = None
    ) -> None:
        """Take her off shift in every language (after her current call, if any)."""
        self._set(volunteer_id, "{}", False, pipeline)

    def _set(
        self,
        vid: int,
        langs_json: str,
        checked_in: bool,
        pipeline: redis.client.Pipeline | None,
    ) -> None:
        check_volunteer_id(vid)
        now = self.now_ms()
        self._scripts.set_volunteer(
            keys=self._with_day(self._set_keys, now),
            args=(*self._max_calls_rank, member(vid), now, int(checked_in), langs_json),
            client=pipeline,
        )

    # -- calls ---------------------------------------------------------------

    def reserve(
        self,
        language: str,
        call_key: str,
        *,
        count: int = 1,
        exclude: Collection[int] = (),
    ) -> list[int]:
        """Hold the best ``count`` free volunteers for ``language``, best first.

        One atomic step: they are taken out of the queue in all their
        languages and ring under ``call_key`` with a ring lease. ``exclude``
        lists volunteers already tried for this call. Idempotent per call key: a
        call key used before gets back whom it still holds and reserves nobody
        new. Returns ``[]`` when nobody is free.
        """
        self._check_language(language)
        check_call_key(call_key)
        if count < 1:
            raise ValueError("count must be at least 1")
        excluded = [member(check_volunteer_id(v)) for v in exclude]
        now = self.now_ms()
        explain = decisions.enabled()
        status, taken, considered, queued = self._scripts.reserve(
            keys=self._reserve_keys,
            args=(
                *self._backup_rank,
                call_key,
                now,
                self._ring_ms,
                self._window_ms,
                language,
                count,
                _PEEK if explain else -1,
                *excluded,
            ),
        )
        chosen = [member_id(m) for m in taken]
        if explain:
            decisions.reserved(
                language=language,
                call_key=call_key,
                policy=self._policies[language].name,
                replayed=_text(status) == "replayed",
                chosen=chosen,
                considered=considered,
                queued=queued,
                now_ms=now,
                exclude=set(exclude),
            )
        return chosen

    def confirm(self, call_key: str, volunteer_id: int) -> bool:
        """She accepted: ringing -> on call, under the call lease.

        Everybody else the call key holds is released at once, back to her
        place in the queue. False if the call key no longer holds her.
        """
        check_call_key(call_key)
        check_volunteer_id(volunteer_id)
        now = self.now_ms()
        ok, released = self._scripts.confirm(
            keys=self._with_day(self._confirm_keys, now),
            args=(*self._max_calls_rank, call_key, member(volunteer_id), now, self._call_ms),
        )
        if decisions.enabled():
            decisions.confirmed(
                call_key=call_key,
                volunteer_id=volunteer_id,
                ok=bool(ok),
                released=[member_id(m) for m in released],
            )
        return bool(ok)

    def release(self, call_key: str, *, outcome: ReleaseOutcome) -> list[int]:
        """Let go of everybody ``call_key`` holds; returns their ids. Idempotent.

        ``talked``: she is back after her wrap-up rest; ``missed`` (no answer,
        declined): back at the end of the queue; ``cancelled``: back where she was.
        """
        check_call_key(call_key)
        if outcome not in RELEASE_OUTCOMES:
            raise ValueError(f"outcome must be one of {RELEASE_OUTCOMES}, not {outcome!r}")
        now = self.now_ms()
        return self._release(call_key, outcome, now, lapsed_only=False)

    def _release_args(self, call_key: str, outcome: str, now: int, lapsed_only: bool) -> Any:
        return {
            "keys": self._with_day(self._release_keys, now),
            "args": (
                *self._max_calls_rank,
                call_key,
                now,
                outcome,
                self._wrapup_ms,
                self._window_ms,
                _CALLS_TODAY_TTL_MS,
                int(lapsed_only),
            ),
        }

    def _release(self, call_key: str, outcome: str, now: int, *, lapsed_only: bool) -> list[int]:
        members, outcomes = self._scripts.release(
            **self._release_args(call_key, outcome, now, lapsed_only)
        )
        released = [member_id(m) for m in members]
        if decisions.enabled():
            decisions.released(
                call_key=call_key,
                outcome=outcome,
                volunteers=released,
                outcomes=[_text(o) for o in outcomes],
            )
        return released

    def renew(self, call_key: str) -> bool:
        """Extend the call key's lease from now; False if it holds nobody."""
        check_call_key(call_key)
        k = self.keys
        ok = self._scripts.renew(
            keys=(k.calls, k.leases),
            args=(call_key, self.now_ms(), self._ring_ms, self._call_ms),
        )
        return bool(ok)

    def expire_leases(self, *, batch: int = 100) -> list[int]:
        """Release the calls whose lease has lapsed; returns the volunteers freed.

        A lapsed ring counts as missed, a lapsed call as talked. Safe to run
        from several processes at once: each release checks the lease again,
        atomically. Also forgets call keys whose idempotency window is over.
        """
        freed: list[int] = []
        while True:
            now = self.now_ms()
            due: list[str] = [
                _text(k)
                for k in cast(
                    "list[bytes | str]",
                    self.client.zrangebyscore(self.keys.leases, "-inf", now, start=0, num=batch),
                )
            ]
            if due:
                pipe = self.client.pipeline(transaction=False)
                for call_key in due:
                    self._scripts.release(
                        **self._release_args(call_key, "lapsed", now, True), client=pipe
                    )
                for call_key, (members, outcomes) in zip(due, pipe.execute(), strict=True):
                    released = [member_id(m) for m in members]
                    if released and decisions.enabled():
                        decisions.released(
                            call_key=call_key,
                            outcome="lapsed",
                            volunteers=released,
                            outcomes=[_text(o) for o in outcomes],
                        )
                    freed.extend(released)
            if len(due) < batch:
                break
        self.client.zremrangebyscore(self.keys.finished, "-inf", now)
        return sorted(freed)

    # -- reading -------------------------------------------------------------

    def record(self, volunteer_id: int) -> VolunteerRecord | None:
        """Her stored record, or None when she is off shift and not held."""
        return self.records([volunteer_id])[volunteer_id]

    def records(self, volunteer_ids: Iterable[int]) -> dict[int, VolunteerRecord | None]:
        """Each volunteer's stored record (None: off shift and not held), in one round trip.

        For readers such as the coordinators' live board, so that nothing
        outside ``routing`` needs to know where records are kept.
        """
        ids = [check_volunteer_id(vid) for vid in volunteer_ids]
        if not ids:
            return {}
        raw = cast(
            "list[bytes | None]",
            self.client.hmget(self.keys.volunteers, [member(vid) for vid in ids]),
        )
        return {
            vid: None if value is None else VolunteerRecord.from_json(value)
            for vid, value in zip(ids, raw, strict=True)
        }

    def state(self, volunteer_id: int) -> VolunteerState:
        """Her state now."""
        return state_of(self.record(volunteer_id), self.now_ms())

    def free_volunteers(self, language: str) -> list[int]:
        """The volunteers free for ``language`` now, in the order they would be offered it."""
        now = self.now_ms()
        return [e.volunteer_id for e in self._entries(language) if e.available_at_ms <= now]

    def _entries(self, language: str) -> list[QueueEntry]:
        """``language``'s queue entries, best first (including those still resting)."""
        self._check_language(language)
        low, high = queue_range(language)
        raw = self.client.zrangebylex(self.keys.queue, low, high)
        return [parse_queue_entry(e) for e in raw]

    def held_by(self, call_key: str) -> list[int]:
        """The volunteers ``call_key`` holds, in the order they were reserved."""
        raw = self.client.hget(self.keys.calls, check_call_key(call_key))
        return [] if raw is None else CallHold.from_json(raw).volunteer_ids

    def status(self, language: str) -> list[StatusEntry]:
        """Every volunteer on shift for ``language``, and why she is or is not free for it.

        Free volunteers come first, in the order they would be offered a call.
        Render with :func:`routing.status.format_status`.
        """
        self._check_language(language)
        pipe = self.client.pipeline(transaction=True)
        pipe.hgetall(self.keys.volunteers)
        pipe.zrangebylex(self.keys.queue, *queue_range(language))
        raw_records, raw_queue = pipe.execute()
        records = {member_id(m): VolunteerRecord.from_json(r) for m, r in raw_records.items()}
        queue = [parse_queue_entry(e) for e in raw_queue]
        return explain(language, records, queue, self.now_ms())

    def snapshot(self) -> Snapshot:
        """Everything this router holds in Redis, read atomically."""
        now = self.now_ms()
        pipe = self.client.pipeline(transaction=True)
        pipe.hgetall(self.keys.volunteers)
        pipe.hgetall(self.keys.calls)
        pipe.hgetall(self._calls_today_key(now))
        pipe.zrange(self.keys.queue, 0, -1)
        raw_records, raw_calls, raw_today, raw_queue = pipe.execute()
        return Snapshot(
            records={member_id(m): VolunteerRecord.from_json(r) for m, r in raw_records.items()},
            queue=[parse_queue_entry(e) for e in raw_queue],
            calls={_text(k): CallHold.from_json(r) for k, r in raw_calls.items()},
            calls_today={member_id(m): int(n) for m, n in raw_today.items()},
        )

    # -- Redis is a cache of the truth -----------------------------------------

    def check(self, truth: Mapping[int, Truthlike]) -> list[Drift]:
        """How Redis differs from ``truth`` (volunteer id -> what is true now) and
        from the rules. Volunteers missing from ``truth`` are off shift."""
        return find_drift(_truths(truth), self.snapshot(), self.policy_for)

    def rebuild(self, truth: Mapping[int, Truthlike], *, chunk: int = 500) -> None:
        """Replace all shift and presence state with ``truth``, volunteer by volunteer.

        ``truth`` maps every volunteer on shift now to a :class:`VolunteerTruth`
        (or just her languages); everybody else Redis knows of is taken off
        shift. Calls in progress are not disturbed: their volunteers get their
        new languages when released. Every volunteer's update is atomic on its
        own; they are sent ``chunk`` at a time, so Redis is never blocked long.
        """
        truths = _truths(truth)
        for vid, given in truths.items():  # check everything before changing anything
            check_volunteer_id(vid)
            for code in given.tiers():
                self.policy_for(code)
        before = self.snapshot()
        known = set(before.records) | {e.volunteer_id for e in before.queue}
        updates: list[tuple[int, VolunteerTruth | None]] = list(truths.items())
        updates += [(vid, None) for vid in sorted(known - set(truths))]
        for start in range(0, len(updates), chunk):
            pipe = self.client.pipeline(transaction=False)
            for vid, one in updates[start : start + chunk]:
                if one is None:
                    self.remove_volunteer(vid, pipeline=pipe)
                else:
                    self.set_volunteer(vid, one.languages, checked_in=one.checked_in, pipeline=pipe)
            pipe.execute()
        # Entries that belong to nobody (or to an old place) are removed by a
        # script that checks each against its volunteer's record, atomically.
        after = self.snapshot()
        strays = [str(e) for e in stray_entries(after)]
        for start in range(0, len(strays), chunk):
            self._scripts.unqueue(
                keys=(self.keys.volunteers, self.keys.queue), args=strays[start : start + chunk]
            )

    # -- helpers -------------------------------------------------------------

    def _check_language(self, language: str) -> None:
        if language not in self._policies:
            raise UnknownLanguageError(f"unknown language {language!r}")


Truthlike = VolunteerTruth | Mapping[str, str] | Collection[str]
"""A volunteer's truth, or just her languages (checked in)."""


def _truths(truth: Mapping[int, Truthlike]) -> dict[int, VolunteerTruth]:
    return {
        vid: one if isinstance(one, VolunteerTruth) else VolunteerTruth(one)
        for vid, one in truth.items()
    }


def _encoded(*values: str | bytes | int) -> tuple[bytes, ...]:
    return tuple(v if isinstance(v, bytes) else str(v).encode() for v in values)
