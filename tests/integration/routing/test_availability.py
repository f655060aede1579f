"""The availability queue on a real Redis: reserve, confirm, release, leases."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest
import redis

from routing.availability import Availability
from routing.exceptions import InvalidCallKeyError, InvalidVolunteerError, UnknownLanguageError
from routing.model import VolunteerState as S
from routing.model import state_of

from .conftest import FakeClock


def test_reserve_takes_the_longest_idle_volunteer_and_marks_her_ringing(
    router: Availability, clock: FakeClock
) -> None:
    router.set_volunteer(1, ["so"])
    clock.advance(5)
    router.set_volunteer(2, ["so"])
    assert router.free_volunteers("so") == [1, 2]
    assert router.reserve("so", "call-a") == [1]
    assert router.state(1) is S.RINGING
    assert router.held_by("call-a") == [1]
    assert router.free_volunteers("so") == [2]


def test_a_volunteer_reserved_in_one_language_is_busy_in_all_of_them(
    router: Availability,
) -> None:
    router.set_volunteer(1, {"so": "primary", "ar": "secondary", "fa": "backup"})
    assert router.reserve("ar", "call-a") == [1]
    for language in ("so", "ar", "fa"):
        assert router.free_volunteers(language) == []
        assert router.reserve(language, f"call-{language}") == []


def test_reserve_returns_nobody_when_nobody_is_free(router: Availability) -> None:
    assert router.reserve("so", "call-a") == []
    router.set_volunteer(1, ["ar"])
    assert router.reserve("so", "call-b") == []


def test_reserve_is_idempotent_per_call_key(router: Availability, clock: FakeClock) -> None:
    router.set_volunteer(1, ["so"])
    router.set_volunteer(2, ["so"])
    first = router.reserve("so", "call-a", count=1)
    assert router.reserve("so", "call-a", count=1) == first
    assert router.reserve("so", "call-a", count=2) == first
    assert router.free_volunteers("so") == [2]
    router.release("call-a", outcome="missed")
    # the call key is spent: a late retry must not ring anybody new
    assert router.reserve("so", "call-a") == []
    assert router.state(2) is S.FREE


def test_a_call_key_that_got_nobody_stays_spent(router: Availability) -> None:
    assert router.reserve("so", "call-a") == []
    router.set_volunteer(1, ["so"])
    assert router.reserve("so", "call-a") == []
    assert router.reserve("so", "call-b") == [1]


def test_a_spent_call_key_is_forgotten_after_its_idempotency_window(
    make_router: Callable[..., Availability], clock: FakeClock
) -> None:
    router = make_router(idempotency_seconds=600)
    assert router.reserve("so", "call-a") == []
    router.set_volunteer(1, ["so"])
    clock.advance(599)
    assert router.reserve("so", "call-a") == []
    clock.advance(1)
    router.expire_leases()
    assert router.reserve("so", "call-a") == [1]


def test_reserve_several_at_once_and_confirm_releases_the_others(
    router: Availability, clock: FakeClock
) -> None:
    for vid in (1, 2, 3):
        router.set_volunteer(vid, ["so"])
        clock.advance(1)
    assert router.reserve("so", "call-a", count=2) == [1, 2]
    assert router.confirm("call-a", 2) is True
    assert router.state(2) is S.ON_CALL
    assert router.state(1) is S.FREE
    assert router.held_by("call-a") == [2]
    # she was cancelled, not missed: back where she was, first in line
    assert router.free_volunteers("so") == [1, 3]
    assert router.confirm("call-a", 2) is True  # idempotent
    assert router.confirm("call-a", 1) is False  # no longer held by this call
    assert router.confirm("call-b", 3) is False


def test_exclude_skips_volunteers_already_tried(router: Availability, clock: FakeClock) -> None:
    for vid in (1, 2, 3):
        router.set_volunteer(vid, ["so"])
        clock.advance(1)
    assert router.reserve("so", "call-a:1", exclude=[1]) == [2]
    assert router.reserve("so", "call-a:2", exclude=[1, 2], count=3) == [3]


def test_release_talked_rests_her_for_the_wrapup_then_frees_her(
    router: Availability, clock: FakeClock
) -> None:
    router.set_volunteer(1, ["so", "ar"])
    router.reserve("so", "call-a")
    router.confirm("call-a", 1)
    clock.advance(300)
    assert router.release("call-a", outcome="talked") == [1]
    assert router.state(1) is S.WRAPUP
    assert router.reserve("ar", "call-b") == []
    clock.advance(59)
    assert router.state(1) is S.WRAPUP
    clock.advance(1)
    assert router.state(1) is S.FREE
    assert router.reserve("ar", "call-c") == [1]


def test_release_missed_puts_her_at_the_end_of_the_queue(
    router: Availability, clock: FakeClock
) -> None:
    for vid in (1, 2, 3):
        router.set_volunteer(vid, ["so"])
        clock.advance(1)
    router.reserve("so", "call-a")
    router.release("call-a", outcome="missed")
    assert router.free_volunteers("so") == [2, 3, 1]


def test_release_cancelled_puts_her_back_where_she_was(
    router: Availability, clock: FakeClock
) -> None:
    for vid in (1, 2, 3):
        router.set_volunteer(vid, ["so"])
        clock.advance(1)
    router.reserve("so", "call-a")
    clock.advance(30)
    router.release("call-a", outcome="cancelled")
    assert router.free_volunteers("so") == [1, 2, 3]


def test_release_is_idempotent(router: Availability) -> None:
    router.set_volunteer(1, ["so"])
    router.reserve("so", "call-a")
    assert router.release("call-a", outcome="talked") == [1]
    assert router.release("call-a", outcome="talked") == []
    assert router.release("never-seen", outcome="missed") == []
    with pytest.raises(ValueError):
        router.release("call-a", outcome="hung-up")  # type: ignore[arg-type]


def test_a_lapsed_ring_lease_frees_her_within_one_sweep(
    router: Availability, clock: FakeClock
) -> None:
    router.set_volunteer(1, ["so"])
    router.set_volunteer(2, ["so"])
    router.reserve("so", "call-a")
    clock.advance(119)
    assert router.expire_leases() == []
    assert router.state(1) is S.RINGING
    clock.advance(1)
    assert router.expire_leases() == [1]
    assert router.state(1) is S.FREE
    assert router.free_volunteers("so") == [2, 1]  # a lapsed ring counts as missed
    assert router.held_by("call-a") == []
    assert router.expire_leases() == []


def test_renew_extends_the_lease_and_a_lapsed_call_counts_as_talked(
    router: Availability, clock: FakeClock
) -> None:
    router.set_volunteer(1, ["so"])
    router.reserve("so", "call-a")
    clock.advance(100)
    assert router.renew("call-a") is True
    clock.advance(100)
    assert router.expire_leases() == []
    router.confirm("call-a", 1)
    clock.advance(4 * 3600 - 1)
    assert router.expire_leases() == []
    assert router.renew("call-a") is True
    clock.advance(4 * 3600)
    assert router.expire_leases() == [1]
    assert router.state(1) is S.WRAPUP
    assert router.renew("call-a") is False


def test_expiring_from_two_routers_frees_each_volunteer_once(
    make_router: Callable[..., Availability], clock: FakeClock
) -> None:
    one, two = make_router(), make_router()
    for vid in range(10):
        one.set_volunteer(vid, ["so"])
        one.reserve("so", f"call-{vid}")
    clock.advance(121)
    assert sorted(one.expire_leases(batch=3) + two.expire_leases(batch=3)) == list(range(10))


def test_shift_changes_wait_until_her_call_releases_her(
    router: Availability, clock: FakeClock
) -> None:
    router.set_volunteer(1, ["so"])
    router.reserve("so", "call-a")
    router.confirm("call-a", 1)
    router.set_volunteer(1, ["ar"])
    assert router.state(1) is S.ON_CALL
    assert router.free_volunteers("ar") == []
    router.release("call-a", outcome="cancelled")
    assert router.free_volunteers("so") == []
    assert router.free_volunteers("ar") == [1]


def test_a_volunteer_taken_off_shift_during_a_call_leaves_after_it(
    router: Availability,
) -> None:
    router.set_volunteer(1, ["so"])
    router.reserve("so", "call-a")
    router.remove_volunteer(1)
    assert router.state(1) is S.RINGING
    router.release("call-a", outcome="missed")
    assert router.state(1) is S.OFF_SHIFT
    assert router.free_volunteers("so") == []


def test_paused_volunteers_are_not_offered_calls(router: Availability, clock: FakeClock) -> None:
    router.set_volunteer(1, ["so"])
    clock.advance(1)
    router.set_volunteer(2, ["so"])
    router.set_volunteer(1, ["so"], checked_in=False)
    assert router.state(1) is S.PAUSED
    assert router.free_volunteers("so") == [2]
    clock.advance(1)
    router.set_volunteer(1, ["so"])
    # back from a pause she is idle from now, behind whoever waited meanwhile
    assert router.free_volunteers("so") == [2, 1]


def test_set_volunteer_is_idempotent_and_keeps_her_place(
    router: Availability, clock: FakeClock
) -> None:
    router.set_volunteer(1, ["so"])
    clock.advance(1)
    router.set_volunteer(2, ["so"])
    clock.advance(1)
    router.set_volunteer(1, ["so", "ar"])
    router.set_volunteer(1, ["so", "ar"])
    assert router.free_volunteers("so") == [1, 2]
    router.remove_volunteer(1)
    router.remove_volunteer(1)
    assert router.state(1) is S.OFF_SHIFT
    assert router.free_volunteers("so") == [2]
    assert router.free_volunteers("ar") == []


def test_a_pause_does_not_cut_short_her_wrapup(router: Availability, clock: FakeClock) -> None:
    router.set_volunteer(1, ["so"])
    router.reserve("so", "call-a")
    router.release("call-a", outcome="talked")
    router.set_volunteer(1, ["so"], checked_in=False)
    router.set_volunteer(1, ["so"])
    assert router.state(1) is S.WRAPUP
    clock.advance(60)
    assert router.state(1) is S.FREE


def test_pipelined_shift_updates(router: Availability, redis_client: redis.Redis) -> None:
    pipe = redis_client.pipeline(transaction=False)
    router.set_volunteer(1, ["so"], pipeline=pipe)
    router.set_volunteer(2, ["so"], pipeline=pipe)
    router.remove_volunteer(3, pipeline=pipe)
    assert router.free_volunteers("so") == []
    pipe.execute()
    assert sorted(router.free_volunteers("so")) == [1, 2]


def test_records_reads_several_volunteers_in_one_round_trip(
    router: Availability, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    router.set_volunteer(1, {"so": "primary", "ar": "backup"})
    router.set_volunteer(2, ["so"])
    clock.advance(1)
    router.set_volunteer(3, ["fa"], checked_in=False)
    router.reserve("so", "call-a")
    sent: list[object] = []
    send = router.client.execute_command

    def counted(*args: Any, **options: Any) -> Any:
        sent.append(args[0])
        return send(*args, **options)

    monkeypatch.setattr(router.client, "execute_command", counted)
    records = router.records([3, 1, 2, 99])
    assert sent == ["HMGET"]
    monkeypatch.undo()
    assert list(records) == [3, 1, 2, 99]
    assert records == {vid: router.record(vid) for vid in (3, 1, 2, 99)}
    assert records[99] is None
    one, two, three = records[1], records[2], records[3]
    assert one is not None and two is not None and three is not None
    assert set(one.languages) == {"so", "ar"} and one.call_key == "call-a"
    assert two.queued_ranks == {"so": 0} and not three.checked_in
    assert [state_of(r, router.now_ms()) for r in records.values()] == [
        S.PAUSED, S.RINGING, S.FREE, S.OFF_SHIFT,
    ]  # fmt: skip
    assert router.records([]) == {}
    with pytest.raises(InvalidVolunteerError):
        router.records([1, -1])


def test_prefixes_keep_helplines_apart(make_router: Callable[..., Availability]) -> None:
    oslo, bergen = make_router(prefix="oslo"), make_router(prefix="bergen")
    oslo.set_volunteer(1, ["so"])
    assert bergen.reserve("so", "call-a") == []
    assert oslo.reserve("so", "call-a") == [1]
    assert bergen.state(1) is S.OFF_SHIFT


def test_every_key_is_under_the_prefix_and_no_value_holds_a_number(
    router: Availability, redis_client: redis.Redis
) -> None:
    router.set_volunteer(1, ["so", "ar"])
    router.reserve("so", "3f9a0c1d2e4b5a6978877665544332211:1")
    router.confirm("3f9a0c1d2e4b5a6978877665544332211:1", 1)
    router.release("3f9a0c1d2e4b5a6978877665544332211:1", outcome="talked")
    names = [k.decode() if isinstance(k, bytes) else k for k in redis_client.keys("*")]
    keys = [k for k in names if k != "helpline-test-suite:marker"]
    assert keys and all(k.startswith("helpline:routing:") for k in keys)
    for phone in ("+4791234567", "91234567", "+47 912 34 567"):
        with pytest.raises(InvalidCallKeyError):
            router.reserve("so", phone)


def test_unknown_languages_are_refused(router: Availability) -> None:
    with pytest.raises(UnknownLanguageError):
        router.reserve("xx", "call-a")
    with pytest.raises(UnknownLanguageError):
        router.set_volunteer(1, ["so", "xx"])
    with pytest.raises(TypeError):
        router.set_volunteer(1, "so")


def test_each_reservation_is_logged_with_candidates_policy_and_choice(
    router: Availability, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    router.set_volunteer(7, ["so"])
    clock.advance(10)
    router.set_volunteer(8, ["so"])
    with caplog.at_level(logging.INFO, logger="routing.decisions"):
        router.reserve("so", "call-a", exclude=[7])
    (record,) = [r for r in caplog.records if getattr(r, "event", None) == "reserve"]
    assert record.language == "so"  # type: ignore[attr-defined]
    assert record.policy == "longest_idle"  # type: ignore[attr-defined]
    assert record.chosen == [8]  # type: ignore[attr-defined]
    assert [c["volunteer_id"] for c in record.candidates] == [7, 8]  # type: ignore[attr-defined]
    assert record.candidates[0]["excluded"] is True  # type: ignore[attr-defined]
    assert "chose [8] by longest_idle" in record.getMessage()


def test_backups_of_several_ranks_fill_a_simultaneous_ring_when_no_regular_is_free(
    make_router: Callable[..., Availability], clock: FakeClock
) -> None:
    router = make_router(policies={"so": "fewest_calls"})
    router.set_volunteer(1, {"so": "backup"})
    router.set_volunteer(2, {"so": "backup"})
    router.reserve("so", "call-a")
    router.release("call-a", outcome="talked")  # 1 has taken a call: rank one higher
    clock.advance(60)
    router.set_volunteer(3, {"so": "primary"})
    assert router.reserve("so", "call-b", count=2) == [3]
    assert router.reserve("so", "call-c", count=2) == [2, 1]


def test_a_lease_whose_call_record_is_gone_is_swept_away(
    router: Availability, redis_client: redis.Redis, clock: FakeClock
) -> None:
    for i in range(5):
        redis_client.zadd(router.keys.leases, {f"lost-{i}": 0})
    assert router.expire_leases(batch=2) == []
    assert redis_client.zcard(router.keys.leases) == 0
