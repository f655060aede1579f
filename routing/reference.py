"""A pure, in-memory model of the availability rules: the reference that the
Redis implementation (:mod:`routing.availability` and its Lua scripts) must
match, operation by operation. No I/O; time is passed in, in ms.

It is written for clarity, not speed: the queues are not stored but computed
from the volunteers' records whenever they are needed, so a queue that the Lua
scripts forgot to update shows up as a difference in the tests.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, tzinfo
from typing import Literal

from routing.model import (
    LanguageEntry,
    ReleaseOutcome,
    VolunteerRecord,
    VolunteerState,
    language_entries,
    state_of,
)
from routing.policy import (
    DEFAULT_POLICY,
    Candidate,
    Policy,
    choose,
    day_of,
    get_policy,
    order,
    parse_languages,
    queue_rank,
)

Outcome = ReleaseOutcome | Literal["lapsed"]
"""How the reference lets go of a volunteer: a release, or a lease that lapsed."""


@dataclass
class _Call:
    held: list[tuple[int, VolunteerState]] = field(default_factory=list)


class ReferenceAvailability:
    """The rules of :class:`routing.availability.Availability`, in memory."""

    def __init__(
        self,
        *,
        languages: Sequence[str],
        policies: Mapping[str, str] | None = None,
        ring_lease_seconds: int = 120,
        call_lease_seconds: int = 4 * 3600,
        wrapup_seconds: int = 60,
        idempotency_seconds: int = 24 * 3600,
        timezone: tzinfo = UTC,
    ) -> None:
        self.languages = tuple(languages)
        self._policies = {
            code: get_policy((policies or {}).get(code, DEFAULT_POLICY)) for code in languages
        }
        self._ring_ms = ring_lease_seconds * 1000
        self._call_ms = call_lease_seconds * 1000
        self._wrapup_ms = wrapup_seconds * 1000
        self._window_ms = idempotency_seconds * 1000
        self._timezone = timezone
        self.records: dict[int, VolunteerRecord] = {}
        self.calls: dict[str, _Call] = {}
        self.leases: dict[str, int] = {}
        self.finished: dict[str, int] = {}
        self.calls_today: dict[tuple[str, int], int] = {}

    def policy_for(self, language: str) -> Policy:
        return self._policies[language]

    # -- shifts ----------------------------------------------------------------

    def set_volunteer(
        self,
        vid: int,
        languages: Mapping[str, str] | Collection[str],
        now_ms: int,
        *,
        checked_in: bool = True,
    ) -> None:
        entries = language_entries(parse_languages(languages), self.policy_for)
        if not entries:
            self.remove_volunteer(vid, now_ms)
            return
        old = self.records.get(vid)
        if old is None:
            new = VolunteerRecord(entries, checked_in, now_ms)
        else:
            new = replace(old, languages=entries, checked_in=checked_in)
            if not old.is_queued and not old.is_held and checked_in:
                new = replace(new, available_at_ms=max(old.available_at_ms, now_ms))
        self.records[vid] = new
        self._queue(vid, now_ms)

    def remove_volunteer(self, vid: int, now_ms: int) -> None:
        old = self.records.get(vid)
        if old is None:
            return
        if old.is_held:
            self.records[vid] = replace(old, languages={})
        else:
            del self.records[vid]

    # -- calls -----------------------------------------------------------------

    def reserve(
        self,
        language: str,
        call_key: str,
        now_ms: int,
        *,
        count: int = 1,
        exclude: Collection[int] = (),
    ) -> list[int]:
        if call_key in self.calls:
            return self.held_by(call_key)
        if call_key in self.finished:
            if self.finished[call_key] > now_ms:
                return []
            del self.finished[call_key]
        chosen = choose(self._candidates(language), now_ms=now_ms, count=count, exclude=exclude)
        if not chosen:
            self.finished[call_key] = now_ms + self._window_ms
            return []
        for vid in chosen:
            record = self.records[vid]
            self.records[vid] = replace(
                record,
                call_key=call_key,
                hold=VolunteerState.RINGING,
                previous_available_at_ms=record.available_at_ms,
                queued_ranks={},
            )
        self.calls[call_key] = _Call([(vid, VolunteerState.RINGING) for vid in chosen])
        self.leases[call_key] = now_ms + self._ring_ms
        return chosen

    def confirm(self, call_key: str, vid: int, now_ms: int) -> bool:
        call = self.calls.get(call_key)
        if call is None or vid not in dict(call.held):
            return False
        if dict(call.held)[vid] is VolunteerState.ON_CALL:  # confirmed before
            return True
        for other, _ in call.held:
            if other != vid:
                self._requeue(other, "cancelled", now_ms)
        self.records[vid] = replace(self.records[vid], hold=VolunteerState.ON_CALL)
        call.held = [(vid, VolunteerState.ON_CALL)]
        self.leases[call_key] = now_ms + self._call_ms
        return True

    def release(self, call_key: str, outcome: Outcome, now_ms: int) -> list[int]:
        call = self.calls.pop(call_key, None)
        if call is None:
            return []
        for vid, hold in call.held:
            result = outcome
            if outcome == "lapsed":
                result = "talked" if hold is VolunteerState.ON_CALL else "missed"
            self._requeue(vid, result, now_ms)
        del self.leases[call_key]
        self.finished[call_key] = now_ms + self._window_ms
        return [vid for vid, _ in call.held]

    def renew(self, call_key: str, now_ms: int) -> bool:
        call = self.calls.get(call_key)
        if call is None:
            return False
        on_call = any(hold is VolunteerState.ON_CALL for _, hold in call.held)
        self.leases[call_key] = now_ms + (self._call_ms if on_call else self._ring_ms)
        return True

    def expire_leases(self, now_ms: int) -> list[int]:
        freed: list[int] = []
        for call_key in sorted(self.leases, key=lambda k: (self.leases[k], k)):
            if self.leases[call_key] <= now_ms:
                freed += self.release(call_key, "lapsed", now_ms)
        self.finished = {k: t for k, t in self.finished.items() if t > now_ms}
        return sorted(freed)

    # -- reading ---------------------------------------------------------------

    def state(self, vid: int, now_ms: int) -> VolunteerState:
        return state_of(self.records.get(vid), now_ms)

    def free_volunteers(self, language: str, now_ms: int) -> list[int]:
        return [c.volunteer_id for c in order(self._candidates(language), now_ms=now_ms)]

    def held_by(self, call_key: str) -> list[int]:
        call = self.calls.get(call_key)
        return [] if call is None else [vid for vid, _ in call.held]

    # -- rules -----------------------------------------------------------------

    def _candidates(self, language: str) -> list[Candidate]:
        return [
            Candidate(vid, record.queued_ranks[language], record.available_at_ms)
            for vid, record in self.records.items()
            if record.is_queued and language in record.languages
        ]

    def _calls(self, vid: int, now_ms: int) -> int:
        return self.calls_today.get((day_of(now_ms, self._timezone), vid), 0)

    def _queue(self, vid: int, now_ms: int) -> None:
        """Rank her in each of her languages as of now, if she is to be queued."""
        record = self.records[vid]
        ranks = {}
        if record.is_queued:
            calls = self._calls(vid, now_ms)
            ranks = {code: _rank(entry, calls) for code, entry in record.languages.items()}
        self.records[vid] = replace(record, queued_ranks=ranks)

    def _requeue(self, vid: int, outcome: Outcome, now_ms: int) -> None:
        record = self.records[vid]
        if outcome == "talked":
            day = (day_of(now_ms, self._timezone), vid)
            self.calls_today[day] = self.calls_today.get(day, 0) + 1
            at = now_ms + self._wrapup_ms
        elif outcome == "cancelled" and record.previous_available_at_ms is not None:
            at = record.previous_available_at_ms
        else:
            at = now_ms
        record = VolunteerRecord(record.languages, record.checked_in, at)
        if not record.languages:
            del self.records[vid]
            return
        self.records[vid] = record
        self._queue(vid, now_ms)


def _rank(entry: LanguageEntry, calls_today: int) -> int:
    return queue_rank(entry.base_rank, entry.counts_calls, calls_today)
