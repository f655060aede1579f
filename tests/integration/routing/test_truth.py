"""Redis is a cache of the truth: check() reports drift, rebuild() repairs it
without disturbing calls in progress; status() explains who is free and why."""

from __future__ import annotations

import redis

from routing.availability import Availability
from routing.drift import DriftKind
from routing.keys import queue_entry
from routing.model import VolunteerState as S
from routing.model import VolunteerTruth
from routing.status import format_status

from .conftest import FakeClock


def test_rebuild_replaces_shifts_but_keeps_calls_in_progress(
    router: Availability, clock: FakeClock
) -> None:
    router.set_volunteer(1, ["so"])
    router.set_volunteer(2, ["so", "ar"])
    router.set_volunteer(3, ["ar"])
    router.reserve("so", "call-a")  # holds 1
    router.confirm("call-a", 1)
    truth = {
        1: VolunteerTruth(["ar"]),
        2: VolunteerTruth({"ar": "backup"}, checked_in=False),
        4: VolunteerTruth(["ti"]),
    }
    router.rebuild(truth)
    assert router.state(1) is S.ON_CALL
    assert router.state(2) is S.PAUSED
    assert router.state(3) is S.OFF_SHIFT
    assert router.free_volunteers("ti") == [4]
    assert router.check(truth) == []
    router.release("call-a", outcome="cancelled")
    assert router.free_volunteers("ar") == [1]
    assert router.free_volunteers("so") == []


def test_rebuild_accepts_plain_language_mappings(router: Availability) -> None:
    router.rebuild({7: {"so": "secondary"}, 8: ["so"]})
    assert sorted(router.free_volunteers("so")) == [7, 8]
    assert router.check({7: {"so": "secondary"}, 8: ["so"]}) == []


def test_check_reports_drift_and_rebuild_repairs_it(
    router: Availability, redis_client: redis.Redis, clock: FakeClock
) -> None:
    truth = {vid: VolunteerTruth(["so"]) for vid in (1, 2, 3)}
    router.rebuild(truth)
    queue = router.keys.queue
    (first,) = redis_client.zrangebylex(queue, "[so|", "[so|~", start=0, num=1)
    redis_client.zrem(queue, first)  # 1 is lost from the queue
    now = router.now_ms()
    redis_client.zadd(queue, {queue_entry("ar", 0, now, 2): 0})  # a language not hers
    redis_client.zadd(queue, {queue_entry("so", 0, now - 5, 9): 0})  # not a volunteer at all
    truth[4] = VolunteerTruth(["ar"])  # a shift Redis has not heard of
    found = {(d.volunteer_id, d.kind, d.language) for d in router.check(truth)}
    assert found == {
        (1, DriftKind.NOT_QUEUED, "so"),
        (2, DriftKind.STRAY, "ar"),
        (9, DriftKind.STRAY, "so"),
        (4, DriftKind.MISSING, None),
    }
    assert router.reserve("so", "call-x") == [2]  # the entry for 9 is skipped and dropped
    router.release("call-x", outcome="cancelled")
    router.rebuild(truth)
    assert router.check(truth) == []
    assert router.reserve("so", "call-a", count=3) == [1, 2, 3]


def test_rebuild_frees_a_volunteer_stuck_by_a_hold_no_call_knows(
    router: Availability, redis_client: redis.Redis
) -> None:
    router.rebuild({1: VolunteerTruth(["so"])})
    router.reserve("so", "call-a")
    redis_client.hdel(router.keys.calls, "call-a")  # the call record is lost
    drift = router.check({1: VolunteerTruth(["so"])})
    assert [d.kind for d in drift] == [DriftKind.ORPHAN_HOLD]
    router.rebuild({1: VolunteerTruth(["so"])})
    assert router.state(1) is S.FREE
    assert router.check({1: VolunteerTruth(["so"])}) == []


def test_status_explains_each_volunteer(router: Availability, clock: FakeClock) -> None:
    router.set_volunteer(1, ["so"])
    router.set_volunteer(2, {"so": "backup"})
    router.set_volunteer(3, ["so"], checked_in=False)
    router.set_volunteer(4, ["so"])
    router.set_volunteer(5, ["ar"])
    router.reserve("so", "call-a")  # holds 1
    router.release("call-a", outcome="talked")
    clock.advance(20)
    router.reserve("so", "call-b")  # holds 4
    entries = router.status("so")
    assert [(e.volunteer_id, e.state, e.free) for e in entries] == [
        (2, S.FREE, True),
        (1, S.WRAPUP, False),
        (4, S.RINGING, False),
        (3, S.PAUSED, False),
    ]
    assert entries[1].reason == "resting after her last call, free in 40 s"
    text = format_status("so", entries, policy=router.policy_for("so").name)
    assert text.startswith("so (longest_idle): 1 of 4 on shift can take a call now")
