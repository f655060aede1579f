"""The router's state as plain values, and the rules that read it. Pure: no I/O.

:class:`VolunteerRecord` is what Redis stores per volunteer (as JSON, written
only by the Lua scripts in ``routing/lua``); :func:`state_of` says what state a
record means at a given time. The reference model that the tests compare the
Redis implementation with lives in :mod:`routing.reference`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

from routing.policy import Policy, Tier, parse_languages


class VolunteerState(StrEnum):
    """Where a volunteer stands, as far as routing is concerned."""

    OFF_SHIFT = "off_shift"
    PAUSED = "paused"
    FREE = "free"
    WRAPUP = "wrapup"
    RINGING = "ringing"
    ON_CALL = "on_call"


HOLD_STATES = (VolunteerState.RINGING, VolunteerState.ON_CALL)


@dataclass(frozen=True)
class LanguageEntry:
    """How a volunteer serves one language, compiled with the language's policy."""

    tier: Tier
    base_rank: int
    counts_calls: bool

    def to_json(self) -> list[object]:
        return [self.tier.value, self.base_rank, int(self.counts_calls)]

    @classmethod
    def from_json(cls, raw: list[object]) -> LanguageEntry:
        tier, base_rank, counts_calls = raw
        return cls(Tier(str(tier)), int(str(base_rank)), bool(counts_calls))


def language_entries(
    languages: Mapping[str, Tier], policy_for: Callable[[str], Policy]
) -> dict[str, LanguageEntry]:
    """Her languages, each with the base rank and call counting of its policy."""
    entries = {}
    for code, tier in languages.items():
        policy = policy_for(code)
        entries[code] = LanguageEntry(tier, policy.base_rank(tier), policy.counts_calls)
    return entries


def languages_json(entries: Mapping[str, LanguageEntry]) -> str:
    """Her languages as the JSON object the ``set_volunteer`` script takes."""
    return json.dumps({code: e.to_json() for code, e in sorted(entries.items())})


@dataclass(frozen=True)
class VolunteerRecord:
    """One volunteer's routing state.

    ``languages`` are those she is on shift for (when held by a call: those she
    will be queued for once released). ``available_at_ms`` is when she became
    idle or, after a call, when her wrap-up ends. While a call holds her,
    ``call_key`` and ``hold`` say which and how, and ``previous_available_at_ms``
    keeps her place in the queue in case the call is cancelled. While she is
    queued, ``queued_ranks`` holds her rank in each language as queued (the
    rank can depend on the calls she took that day).
    """

    languages: Mapping[str, LanguageEntry]
    checked_in: bool
    available_at_ms: int
    call_key: str | None = None
    hold: VolunteerState | None = None
    previous_available_at_ms: int | None = None
    queued_ranks: Mapping[str, int] = field(default_factory=dict)

    @classmethod
    def from_json(cls, raw: str | bytes) -> VolunteerRecord:
        data = json.loads(raw)
        langs = data.get("langs") or {}
        hold = data.get("held")
        prev = data.get("prev_at")
        return cls(
            languages={code: LanguageEntry.from_json(e) for code, e in langs.items()},
            checked_in=bool(data.get("checked_in")),
            available_at_ms=int(data["at"]),
            call_key=data.get("call"),
            hold=VolunteerState(hold) if hold else None,
            previous_available_at_ms=None if prev is None else int(prev),
            queued_ranks={code: int(rank) for code, rank in (data.get("ranks") or {}).items()},
        )

    @property
    def is_held(self) -> bool:
        return self.call_key is not None

    @property
    def is_queued(self) -> bool:
        """Whether she belongs in her languages' queues (free or resting)."""
        return not self.is_held and self.checked_in and bool(self.languages)


def state_of(record: VolunteerRecord | None, now_ms: int) -> VolunteerState:
    """Her state at ``now_ms``; ``None`` (no record) means off shift."""
    if record is None:
        return VolunteerState.OFF_SHIFT
    if record.hold is not None:
        return record.hold
    if not record.languages:
        return VolunteerState.OFF_SHIFT
    if not record.checked_in:
        return VolunteerState.PAUSED
    if record.available_at_ms > now_ms:
        return VolunteerState.WRAPUP
    return VolunteerState.FREE


ReleaseOutcome = Literal["talked", "missed", "cancelled"]
"""How a call let go of a volunteer: she talked (back after her wrap-up rest),
missed it (no answer, declined: back at the end of the queue) or the call was
cancelled (back where she was)."""
RELEASE_OUTCOMES: tuple[ReleaseOutcome, ...] = ("talked", "missed", "cancelled")


@dataclass(frozen=True)
class CallHold:
    """Who one call key holds, in the order they were reserved."""

    held: tuple[tuple[int, VolunteerState], ...] = field(default=())

    @classmethod
    def from_json(cls, raw: str | bytes) -> CallHold:
        data = json.loads(raw)
        return cls(tuple((int(m), VolunteerState(s)) for m, s in data.get("held") or ()))

    @property
    def volunteer_ids(self) -> list[int]:
        return [vid for vid, _ in self.held]


@dataclass(frozen=True)
class VolunteerTruth:
    """What the schedules and check-ins say about one volunteer right now."""

    languages: Mapping[str, str] | Collection[str] = ()
    checked_in: bool = True

    def tiers(self) -> dict[str, Tier]:
        return parse_languages(self.languages)
