"""Why each on-shift volunteer is or is not free: explain() and format_status()."""

from __future__ import annotations

from routing.keys import QueueEntry
from routing.model import LanguageEntry, VolunteerRecord, VolunteerState
from routing.policy import BACKUP_RANK, Tier
from routing.status import duration, explain, format_status

NOW = 1_700_000_000_000
PRIMARY = LanguageEntry(Tier.PRIMARY, 0, False)
BACKUP = LanguageEntry(Tier.BACKUP, BACKUP_RANK, False)


def record(
    at: int,
    *,
    entry: LanguageEntry = PRIMARY,
    checked_in: bool = True,
    call_key: str | None = None,
    hold: VolunteerState | None = None,
) -> VolunteerRecord:
    return VolunteerRecord({"so": entry}, checked_in, at, call_key, hold)


def test_every_on_shift_volunteer_is_listed_with_her_reason() -> None:
    records = {
        1: record(NOW - 300_000),
        2: record(NOW - 60_000, entry=BACKUP),
        3: record(NOW + 42_000),
        4: record(NOW, call_key="k", hold=VolunteerState.RINGING),
        5: record(NOW, call_key="k2", hold=VolunteerState.ON_CALL),
        6: record(NOW, checked_in=False),
        7: VolunteerRecord({"ar": PRIMARY}, True, NOW),  # not on shift for so
    }
    queue = [
        QueueEntry("so", 0, NOW - 300_000, 1),
        QueueEntry("so", 0, NOW + 42_000, 3),
        QueueEntry("so", BACKUP_RANK, NOW - 60_000, 2),
    ]
    entries = explain("so", records, queue, NOW)
    assert [(e.volunteer_id, e.state, e.position) for e in entries] == [
        (1, VolunteerState.FREE, 1),
        (2, VolunteerState.FREE, 2),
        (3, VolunteerState.WRAPUP, None),
        (4, VolunteerState.RINGING, None),
        (5, VolunteerState.ON_CALL, None),
        (6, VolunteerState.PAUSED, None),
    ]
    reasons = {e.volunteer_id: e.reason for e in entries}
    assert reasons[1] == "free, idle 5 min"
    assert "only when no regular volunteer is free" in reasons[2]
    assert reasons[3] == "resting after her last call, free in 42 s"
    assert reasons[6] == "on shift but not checked in (paused)"


def test_a_free_volunteer_missing_from_the_queue_is_pointed_out() -> None:
    (entry,) = explain("so", {1: record(NOW - 1000)}, [], NOW)
    assert not entry.free
    assert "not in the queue" in entry.reason and "rebuild" in entry.reason


def test_format_status_is_a_table_with_a_summary() -> None:
    records = {1: record(NOW - 5000), 2: record(NOW + 1000)}
    queue = [QueueEntry("so", 0, NOW - 5000, 1), QueueEntry("so", 0, NOW + 1000, 2)]
    text = format_status("so", explain("so", records, queue, NOW), policy="longest_idle")
    lines = text.splitlines()
    assert lines[0] == "so (longest_idle): 1 of 2 on shift can take a call now"
    assert lines[1].split() == ["next", "volunteer", "tier", "state", "why"]
    assert lines[2].split()[:4] == ["1", "1", "primary", "free"]
    assert lines[3].split()[:4] == ["-", "2", "primary", "wrapup"]
    assert format_status("ti", []) == "ti: 0 of 0 on shift can take a call now"


def test_duration() -> None:
    assert [duration(s) for s in (0, 59, 60, 3599, 3600, 7500)] == [
        "0 s",
        "59 s",
        "1 min",
        "59 min",
        "1 h",
        "2 h 5 min",
    ]
