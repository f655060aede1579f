"""find_drift: every difference between the truth, a Redis snapshot and the rules."""

from __future__ import annotations

from routing.drift import Drift, DriftKind, Snapshot, find_drift
from routing.keys import QueueEntry
from routing.model import CallHold, LanguageEntry, VolunteerRecord, VolunteerState, VolunteerTruth
from routing.policy import Policy, Tier, get_policy

NOW = 1_700_000_000_000
PRIMARY = LanguageEntry(Tier.PRIMARY, 0, False)


def policy_for(code: str) -> Policy:
    return get_policy("tiers" if code == "fa" else "longest_idle")


def snapshot(
    records: dict[int, VolunteerRecord],
    queue: list[QueueEntry],
    calls: dict[str, CallHold] | None = None,
) -> Snapshot:
    return Snapshot(records, queue, calls or {}, {})


def queued(langs: dict[str, LanguageEntry], at: int = NOW) -> VolunteerRecord:
    return VolunteerRecord(langs, True, at, queued_ranks={c: e.base_rank for c, e in langs.items()})


def kinds(found: list[Drift]) -> list[tuple[int, DriftKind, str | None]]:
    return [(d.volunteer_id, d.kind, d.language) for d in found]


def test_a_consistent_snapshot_has_no_drift() -> None:
    records = {1: queued({"so": PRIMARY})}
    queue = [QueueEntry("so", 0, NOW, 1)]
    assert find_drift({1: VolunteerTruth(["so"])}, snapshot(records, queue), policy_for) == []


def test_differences_with_the_truth() -> None:
    records = {
        2: queued({"so": PRIMARY}),
        3: queued({"so": PRIMARY}),
        4: VolunteerRecord({"fa": LanguageEntry(Tier.SECONDARY, 0, False)}, False, NOW),
    }
    queue = [QueueEntry("so", 0, NOW, 2), QueueEntry("so", 0, NOW, 3)]
    truth = {
        1: VolunteerTruth(["so"]),
        3: VolunteerTruth({"so": "backup"}),
        4: VolunteerTruth({"fa": "secondary"}, checked_in=True),
    }
    assert kinds(find_drift(truth, snapshot(records, queue), policy_for)) == [
        (1, DriftKind.MISSING, None),
        (2, DriftKind.UNEXPECTED, None),
        (3, DriftKind.LANGUAGES, None),
        (4, DriftKind.CHECKED_IN, None),
        (4, DriftKind.POLICY, "fa"),  # compiled without the tiers policy's secondary rank
    ]


def test_queue_and_hold_inconsistencies() -> None:
    held = VolunteerRecord({"so": PRIMARY}, True, NOW, "call-a", VolunteerState.RINGING, NOW)
    fewest = LanguageEntry(Tier.PRIMARY, 0, True)
    records = {
        1: queued({"so": PRIMARY}),
        2: queued({"so": PRIMARY}),
        3: held,
        4: queued({"so": PRIMARY}),
        5: queued({"ar": fewest}),  # queued at rank 0, but took 2 calls today
    }
    queue = [
        QueueEntry("so", 0, NOW - 1, 2),  # not where her record says
        QueueEntry("so", 0, NOW, 3),
        QueueEntry("so", 0, NOW, 9),
        QueueEntry("ar", 0, NOW, 5),
    ]
    calls = {"call-b": CallHold(((4, VolunteerState.RINGING),))}
    truth = {vid: VolunteerTruth(["so"]) for vid in (1, 2, 3, 4)}
    truth[5] = VolunteerTruth(["ar"])
    snap = Snapshot(records, queue, calls, {5: 2})
    assert kinds(find_drift(truth, snap, policy_for)) == [
        (1, DriftKind.NOT_QUEUED, "so"),
        (2, DriftKind.NOT_QUEUED, "so"),
        (2, DriftKind.STRAY, "so"),
        (3, DriftKind.ORPHAN_HOLD, None),
        (3, DriftKind.STRAY, "so"),
        (4, DriftKind.LOST_HOLD, None),
        (4, DriftKind.NOT_QUEUED, "so"),
        (5, DriftKind.POLICY, "ar"),
        (5, DriftKind.RANK, "ar"),
        (9, DriftKind.STRAY, "so"),
    ]
