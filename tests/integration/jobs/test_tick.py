"""The tick's pieces of work run on their own: a bad call state, a failing service
or a failing piece is logged and skipped, and never stops the rest (issue 12, item 3)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from helpline.bootstrap import Helpline
from helpline.jobs.tick import run_tick
from helpline.voice.record import emergency_record
from tests.support import FakeClock, records

GOOD = "11" * 16
BAD = "22" * 16
JUNK = "33" * 16
SPOOLED = "44" * 16
FAILING = "55" * 16


@pytest.fixture
def service(make_service: object) -> Helpline:
    return make_service()  # type: ignore[operator]


def now(clock: FakeClock) -> datetime:
    return datetime.fromtimestamp(clock(), UTC)


def test_one_bad_call_state_does_not_stop_the_tick(service: Helpline, clock: FakeClock) -> None:
    service.call_flow.incoming(GOOD, "")  # a call left in the menu, never ended
    started = repr(clock())
    service.redis.hset(service.keys.call(BAD), mapping={  # values no step writes
        "started": started, "talk_seconds": "9" * 30, "attempt": "x", "answered_by": "-5",
        "answered_at": "nan", "chosen_at": "1e400", "language": "so"})
    service.redis.sadd(service.keys.call_tried(BAD), "not-a-number", "7")
    service.redis.hset(service.keys.call(JUNK), mapping={"ended": "no_volunteer"})  # no start
    service.spool.spool(emergency_record(SPOOLED, "so", clock()))
    clock.advance(service.settings.call_lease_seconds + 3600 + 60)

    report = run_tick(service, now(clock))

    assert report.failed == []
    assert (report.stale_calls_closed, report.records_flushed) == (2, 1)
    by_ref = {r.call_ref: r for r in records(service)}
    assert set(by_ref) == {GOOD, BAD, SPOOLED}
    assert by_ref[BAD].talk_seconds <= 24 * 3600
    assert by_ref[SPOOLED].outcome == "emergency"
    assert service.call_states.load(JUNK) is None  # a leftover of no call: gone, no record


def test_a_call_that_cannot_be_closed_is_skipped_and_tried_again(
    service: Helpline, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    flow = service.call_flow
    for ref in (GOOD, FAILING):
        flow.incoming(ref, "")
    clock.advance(service.settings.call_lease_seconds + 3600 + 60)
    write = flow._write_record

    def fails_for_one(state: object, duration: int | None) -> str | None:
        if getattr(state, "ref", None) == FAILING:
            raise RuntimeError("this call's record cannot be written")
        return write(state, duration)  # type: ignore[arg-type]

    monkeypatch.setattr(flow, "_write_record", fails_for_one)
    report = run_tick(service, now(clock))
    assert (report.stale_calls_closed, report.stale_calls_failed) == (1, 1)
    assert [r.call_ref for r in records(service)] == [GOOD]

    monkeypatch.undo()
    clock.advance(60)
    report = run_tick(service, now(clock))
    assert report.stale_calls_closed == 1
    assert sorted(r.call_ref for r in records(service)) == sorted([GOOD, FAILING])


def test_a_failing_piece_does_not_stop_the_others(
    service: Helpline, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    service.call_flow.incoming(GOOD, "")
    service.spool.spool(emergency_record(SPOOLED, "so", clock()))
    clock.advance(service.settings.call_lease_seconds + 3600 + 60)

    def broken(*args: object) -> int:
        raise ConnectionError("the SMS side is down")

    monkeypatch.setattr(service.reminders, "settle", broken)
    monkeypatch.setattr(service.availability, "expire_leases", broken)
    report = run_tick(service, now(clock))
    assert report.failed == ["reminders", "leases"]
    assert (report.stale_calls_closed, report.records_flushed) == (1, 1)


def test_the_tick_notes_when_it_ended_and_what_failed(
    service: Helpline, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert service.counters.last_tick() is None
    run_tick(service, now(clock))
    assert service.counters.last_tick() == (clock(), [])
    monkeypatch.setattr(service.spool, "flush", lambda: 1 / 0)
    clock.advance(60)
    run_tick(service, now(clock))
    assert service.counters.last_tick() == (clock(), ["spool"])
