"""Each policy, selected per language, on a real Redis."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta, timezone

import pytest

from routing.availability import Availability
from routing.exceptions import UnknownLanguageError, UnknownPolicyError

from .conftest import FakeClock


def talk(router: Availability, language: str, key: str, clock: FakeClock) -> int:
    (vid,) = router.reserve(language, key)
    router.confirm(key, vid)
    router.release(key, outcome="talked")
    clock.advance(60)
    return vid


def test_fewest_calls_today_goes_to_whoever_took_fewest(
    make_router: Callable[..., Availability], clock: FakeClock
) -> None:
    router = make_router(policies={"so": "fewest_calls"})
    for vid in (1, 2, 3):
        router.set_volunteer(vid, ["so"])
        clock.advance(1)
    assert [talk(router, "so", f"c{i}", clock) for i in range(6)] == [1, 2, 3, 1, 2, 3]
    # 3 talked last; under longest idle she would still wait behind nobody new
    router.set_volunteer(4, ["so"])
    assert router.free_volunteers("so") == [4, 1, 2, 3]


def test_fewest_calls_counts_restart_each_day_once_shifts_are_pushed_again(
    make_router: Callable[..., Availability], clock: FakeClock
) -> None:
    oslo = timezone(timedelta(hours=1))
    router = make_router(policies={"so": "fewest_calls"}, timezone=oslo)
    router.set_volunteer(1, ["so"])
    talk(router, "so", "c0", clock)  # 1 has one call today
    clock.advance(1)
    router.set_volunteer(2, ["so"])
    assert router.free_volunteers("so") == [2, 1]  # fewer calls beats idle longer
    clock.advance(24 * 3600)
    router.set_volunteer(1, ["so"])  # the periodic shift sync
    router.set_volunteer(2, ["so"])
    assert router.free_volunteers("so") == [1, 2]  # a new day: both at 0, 1 idle longer


def test_tiers_offer_primary_then_secondary_then_backup(
    make_router: Callable[..., Availability], clock: FakeClock
) -> None:
    router = make_router(policies={"fa": "tiers"})
    router.set_volunteer(1, {"fa": "backup"})
    router.set_volunteer(2, {"fa": "secondary"})
    clock.advance(1)
    router.set_volunteer(3, {"fa": "primary"})
    assert router.free_volunteers("fa") == [3, 2, 1]
    assert router.reserve("fa", "c1", count=3) == [3, 2]  # backups only if no regular is free
    assert router.reserve("fa", "c2", count=3) == [1]


def test_the_same_volunteer_ranks_by_each_languages_policy(
    make_router: Callable[..., Availability], clock: FakeClock
) -> None:
    router = make_router(policies={"fa": "tiers"})
    router.set_volunteer(1, {"so": "secondary", "fa": "secondary"})
    clock.advance(1)
    router.set_volunteer(2, {"so": "primary", "fa": "primary"})
    assert router.free_volunteers("so") == [1, 2]  # longest idle ignores primary/secondary
    assert router.free_volunteers("fa") == [2, 1]


def test_backups_wait_under_longest_idle_too(router: Availability, clock: FakeClock) -> None:
    router.set_volunteer(1, {"so": "backup"})
    clock.advance(100)
    router.set_volunteer(2, ["so"])
    assert router.reserve("so", "c1") == [2]
    assert router.reserve("so", "c2") == [1]


def test_policies_are_checked_at_construction(
    make_router: Callable[..., Availability],
) -> None:
    with pytest.raises(UnknownPolicyError):
        make_router(policies={"so": "round_robin"})
    with pytest.raises(UnknownLanguageError):
        make_router(policies={"xx": "tiers"})
