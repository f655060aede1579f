"""find_drift: every difference between the truth, a Redis snapshot and the rules."""

from __future__ import annotations

from routing.drift import Drift, DriftKind, Snapshot, find_drift
from routing.model import CallRecord, LanguageEntry, VolunteerRecord, VolunteerState, VolunteerTruth
from routing.policy import Policy, Tier, get_policy, score

NOW = 1_700_000_000_000
PRIMARY = LanguageEntry(Tier.PRIMARY, 0, False)


def policy_for(code: str) -> Policy:
    return get_policy("tiers" if code == "fa" else "longest_idle")


def snapshot(
    records: dict[int, VolunteerRecord],
    queues: dict[str, dict[int, int]],
    calls: dict[str, CallRecord] | None = None,
) -> Snapshot:
    return Snapshot(records, queues, calls or {}, {})


def kinds(found: list[Drift]) -> list[tuple[int, DriftKind, str | None]]:
    return [(d.volunteer_id, d.kind, d.language) for d in found]


def test_a_consistent_snapshot_has_no_drift() -> None:
    records = {1: VolunteerRecord({"so": PRIMARY}, True, NOW)}
    queues = {"so": {1: score(0, NOW)}, "fa": {}}
    assert find_drift({1: VolunteerTruth(["so"])}, snapshot(records, queues), policy_for) == []


def test_differences_with_the_truth() -> None:
    records = {
        2: VolunteerRecord({"so": PRIMARY}, True, NOW),
        3: VolunteerRecord({"so": PRIMARY}, True, NOW),
        4: VolunteerRecord({"fa": LanguageEntry(Tier.SECONDARY, 0, False)}, False, NOW),
    }
    queues = {"so": {2: score(0, NOW), 3: score(0, NOW)}, "fa": {}}
    truth = {
        1: VolunteerTruth(["so"]),
        3: VolunteerTruth({"so": "backup"}),
        4: VolunteerTruth({"fa": "secondary"}, checked_in=True),
    }
    assert kinds(find_drift(truth, snapshot(records, queues), policy_for)) == [
        (1, DriftKind.MISSING, None),
        (2, DriftKind.UNEXPECTED, None),
        (3, DriftKind.LANGUAGES, None),
        (4, DriftKind.CHECKED_IN, None),
        (4, DriftKind.POLICY, "fa"),  # compiled without the tiers policy's secondary rank
    ]


def test_queue_and_hold_inconsistencies() -> None:
    held = VolunteerRecord({"so": PRIMARY}, True, NOW, "call-a", VolunteerState.RINGING, NOW)
    records = {
        1: VolunteerRecord({"so": PRIMARY}, True, NOW),
        2: VolunteerRecord({"so": PRIMARY}, True, NOW),
        3: held,
        4: VolunteerRecord({"so": PRIMARY}, True, NOW),
    }
    queues = {"so": {2: score(0, NOW - 1), 3: score(0, NOW), 9: score(0, NOW)}}
    calls = {"call-b": CallRecord(((4, VolunteerState.RINGING),))}
    truth = {vid: VolunteerTruth(["so"]) for vid in (1, 2, 3, 4)}
    assert kinds(find_drift(truth, snapshot(records, queues, calls), policy_for)) == [
        (1, DriftKind.NOT_QUEUED, "so"),
        (2, DriftKind.SCORE, "so"),
        (3, DriftKind.ORPHAN_HOLD, None),
        (3, DriftKind.STRAY, "so"),
        (4, DriftKind.LOST_HOLD, None),
        (4, DriftKind.NOT_QUEUED, "so"),
        (9, DriftKind.STRAY, "so"),
    ]
