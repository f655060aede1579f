"""The roster answers like the rules, from an index, across block boundaries."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from schedules.roster import BLOCK_SECONDS, Roster
from schedules.rules import on_shift_at
from tests.unit.schedules.builders import away, closed, extra, local, schedule, utc, weekly

PLAN = schedule(
    weekly("amina-h", "so ar", "mon,wed 10:00-14:00"),
    weekly("fatima-k", "ar fr", "wed 12:00-16:00"),
    weekly("leyla-d", "tr ku", "sun 22:00-02:00"),
    extra("sara-m", "ti", "2026-12-24 10:00-13:00"),
    away("amina-h", "2026-12-21 .. 2026-12-27"),
    closed("2026-12-25"),
    closed("2026-12-02", "fr"),
)


def test_answers_like_the_rules_every_quarter_hour_for_five_weeks() -> None:
    roster = Roster(PLAN)
    at = local("2026-11-29 00:00")
    while at < local("2027-01-04 00:00"):
        for language in ("so", "ar", "fr", "tr", "ku", "ti", "wo"):
            assert roster.on_shift(language, at) == on_shift_at(PLAN, language, at), (language, at)
        at += timedelta(minutes=15)


def test_a_shift_across_a_block_boundary() -> None:
    boundary = datetime.fromtimestamp(BLOCK_SECONDS * 2950, utc("2026-01-01 00:00").tzinfo)
    plan = schedule(extra("sara-m", "ti", f"{boundary.date()} 00:00-02:00"))
    roster = Roster(plan)
    start = boundary.astimezone(plan.zone).replace(hour=0)
    for minutes in range(0, 180, 5):
        at = start + timedelta(minutes=minutes)
        assert roster.on_shift("ti", at) == on_shift_at(plan, "ti", at)


def test_unknown_language_has_nobody() -> None:
    assert Roster(PLAN).on_shift("xx", local("2026-12-02 12:00")) == frozenset()


def test_everyone_on_shift_at_an_instant() -> None:
    assert Roster(PLAN).on_shift_all(local("2026-12-02 12:30")) == {
        "so": {"amina-h"},
        "ar": {"amina-h", "fatima-k"},
    }
    assert Roster(PLAN).on_shift_all(local("2026-12-02 09:00")) == {}


def test_next_change() -> None:
    roster = Roster(PLAN)
    assert roster.next_change(local("2026-12-02 09:00")) == local("2026-12-02 10:00")
    assert roster.next_change(local("2026-12-02 10:00")) == local("2026-12-02 12:00")
    assert roster.next_change(local("2026-12-06 21:00")) == local("2026-12-06 22:00")
    # amina-h is away the week of 21 December: fatima-k's Wednesday shift is next
    assert roster.next_change(local("2026-12-21 03:00")) == local("2026-12-23 12:00")
    assert roster.next_change(local("2026-12-23 16:00")) == local("2026-12-24 10:00")
    empty = Roster(schedule())
    assert empty.next_change(local("2026-12-02 09:00")) is None


def test_next_change_looks_past_quiet_blocks() -> None:
    plan = schedule(extra("sara-m", "ti", "2027-02-10 10:00-13:00"))
    roster = Roster(plan)
    assert roster.next_change(local("2027-01-01 00:00"), horizon=timedelta(days=60)) == local(
        "2027-02-10 10:00"
    )
    assert roster.next_change(local("2027-01-01 00:00")) is None  # beyond 28 days


def test_keeps_only_a_few_blocks() -> None:
    roster = Roster(PLAN, cached_blocks=2)
    for week in range(10):
        roster.on_shift("so", local("2026-11-30 12:00") + timedelta(weeks=week))
    assert len(roster._blocks) == 2


def test_naive_instants_are_refused() -> None:
    with pytest.raises(ValueError, match="no time zone"):
        Roster(PLAN).on_shift("so", datetime(2026, 12, 2, 12))
