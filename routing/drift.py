"""Where the Redis cache has drifted from the truth (schedules and check-ins). Pure.

:func:`find_drift` compares a snapshot of what Redis holds with what the
service says is true now, and with the rules (who belongs in which queue, at
which rank), and lists every difference.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from routing.keys import QueueEntry
from routing.model import CallHold, VolunteerRecord, VolunteerTruth, language_entries
from routing.policy import Policy, queue_rank


class DriftKind(StrEnum):
    MISSING = "missing"  # on shift in the truth, unknown to Redis
    UNEXPECTED = "unexpected"  # on shift in Redis, not in the truth
    LANGUAGES = "languages"  # her languages or tiers differ from the truth
    CHECKED_IN = "checked_in"  # checked in according to one, not the other
    POLICY = "policy"  # her ranks were compiled with another policy
    NOT_QUEUED = "not_queued"  # belongs in a language's queue but is not in it
    STRAY = "stray"  # a queue entry that does not belong there
    RANK = "rank"  # queued with a rank the rules no longer give (e.g. a new day)
    ORPHAN_HOLD = "orphan_hold"  # her record says a call holds her; the call does not
    LOST_HOLD = "lost_hold"  # a call holds her; her record does not say so


@dataclass(frozen=True)
class Drift:
    volunteer_id: int
    kind: DriftKind
    detail: str
    language: str | None = None


@dataclass(frozen=True)
class Snapshot:
    """What Redis holds, read at one instant."""

    records: Mapping[int, VolunteerRecord]
    queue: Sequence[QueueEntry]
    calls: Mapping[str, CallHold]
    calls_today: Mapping[int, int]


def find_drift(
    truth: Mapping[int, VolunteerTruth],
    snapshot: Snapshot,
    policy_for: Callable[[str], Policy],
) -> list[Drift]:
    """Every difference between the truth, the snapshot and the rules, by volunteer."""
    found: list[Drift] = []
    for vid in sorted(set(truth) | set(snapshot.records)):
        found += _against_truth(vid, truth.get(vid), snapshot.records.get(vid), policy_for)
    found += _queues(snapshot)
    found += _holds(snapshot)
    return sorted(found, key=lambda d: (d.volunteer_id, d.kind.value, d.language or ""))


def _against_truth(
    vid: int,
    truth: VolunteerTruth | None,
    record: VolunteerRecord | None,
    policy_for: Callable[[str], Policy],
) -> list[Drift]:
    wanted = language_entries(truth.tiers(), policy_for) if truth else {}
    stored = dict(record.languages) if record else {}
    if wanted and record is None:
        return [Drift(vid, DriftKind.MISSING, f"on shift for {sorted(wanted)}, unknown to Redis")]
    if not wanted:
        if stored:
            return [Drift(vid, DriftKind.UNEXPECTED, f"on shift in Redis for {sorted(stored)}")]
        return []
    assert truth is not None and record is not None
    found = []
    tiers = {code: e.tier.value for code, e in stored.items()}
    wanted_tiers = {code: e.tier.value for code, e in wanted.items()}
    if tiers != wanted_tiers:
        found.append(Drift(vid, DriftKind.LANGUAGES, f"Redis {tiers}, truth {wanted_tiers}"))
    else:
        for code, entry in wanted.items():
            if stored[code] != entry:
                detail = f"stored as {stored[code]}, policy {policy_for(code).name} gives {entry}"
                found.append(Drift(vid, DriftKind.POLICY, detail, code))
    if record.checked_in != truth.checked_in:
        detail = f"Redis checked_in={record.checked_in}, truth checked_in={truth.checked_in}"
        found.append(Drift(vid, DriftKind.CHECKED_IN, detail))
    return found


def expected_entries(snapshot: Snapshot) -> set[QueueEntry]:
    """The queue entries the records call for."""
    return {
        QueueEntry(code, rank, record.available_at_ms, vid)
        for vid, record in snapshot.records.items()
        if record.is_queued
        for code, rank in record.queued_ranks.items()
    }


def stray_entries(snapshot: Snapshot) -> list[QueueEntry]:
    """Queue entries that no record calls for."""
    expected = expected_entries(snapshot)
    return [e for e in snapshot.queue if e not in expected]


def _queues(snapshot: Snapshot) -> list[Drift]:
    found = []
    present = set(snapshot.queue)
    for vid, record in snapshot.records.items():
        if not record.is_queued:
            continue
        calls = snapshot.calls_today.get(vid, 0)
        for code, entry in record.languages.items():
            rank = record.queued_ranks.get(code)
            if rank is None or QueueEntry(code, rank, record.available_at_ms, vid) not in present:
                found.append(Drift(vid, DriftKind.NOT_QUEUED, "free or resting", code))
                continue
            wanted = queue_rank(entry.base_rank, entry.counts_calls, calls)
            if rank != wanted:
                detail = f"queued at rank {rank}, the rules now give {wanted}"
                found.append(Drift(vid, DriftKind.RANK, detail, code))
    for e in stray_entries(snapshot):
        found.append(Drift(e.volunteer_id, DriftKind.STRAY, f"queue entry {e}", e.language))
    return found


def _holds(snapshot: Snapshot) -> list[Drift]:
    found = []
    holders = {vid: key for key, call in snapshot.calls.items() for vid in call.volunteer_ids}
    for vid, record in snapshot.records.items():
        if record.call_key is not None and holders.get(vid) != record.call_key:
            found.append(Drift(vid, DriftKind.ORPHAN_HOLD, "held by a call that does not hold her"))
    for vid, key in holders.items():
        held = snapshot.records.get(vid)
        if held is None or held.call_key != key:
            found.append(Drift(vid, DriftKind.LOST_HOLD, "a call holds her; her record does not"))
    return found
