"""Coverage over a week, gaps while open, and a language's hours in plain words."""

from __future__ import annotations

from datetime import time, timedelta

from schedules.coverage import coverage, describe_hours, language_hours, week_coverage
from schedules.model import TimeSpan, Weekday
from tests.unit.schedules.builders import (
    away,
    closed,
    extra,
    local,
    opening,
    schedule,
    weekly,
)

WEEK = "2026-W49"  # Monday 30 November to Sunday 6 December 2026

PLAN = schedule(
    weekly("amina-h", "so ar", "mon,wed 10:00-14:00"),
    weekly("sara-m", "so", "mon 12:00-16:00"),
    weekly("leyla-d", "so", "sun 22:00-02:00"),
    hours=opening("mon-fri 09:00-21:00"),
)


def hours(td: timedelta) -> float:
    return td.total_seconds() / 3600


def test_step_function_counts_volunteers() -> None:
    cov = coverage(PLAN, "so", WEEK)
    monday = [(s.start.astimezone(PLAN.zone).strftime("%a %H:%M"), s.count) for s in cov.steps][:5]
    assert monday == [
        ("Mon 00:00", 1),  # leyla-d, from the Sunday before
        ("Mon 02:00", 0),
        ("Mon 10:00", 1),
        ("Mon 12:00", 2),
        ("Mon 14:00", 1),
    ]
    assert cov.count_at(local("2026-11-30 13:00")) == 2
    assert cov.steps[0].start == cov.start and cov.steps[-1].end == cov.end


def test_covered_and_gaps_only_while_open() -> None:
    cov = coverage(PLAN, "so", WEEK)
    assert hours(cov.covered_time) == 2 + 6 + 4 + 2
    # open 5 x 12 h; covered while open: Monday 10-16, Wednesday 10-14
    assert hours(cov.gap_time) == 60 - 6 - 4
    first = cov.gaps[0]
    assert (first.start, first.end) == (local("2026-11-30 09:00"), local("2026-11-30 10:00"))


def test_without_opening_hours_every_uncovered_minute_is_a_gap() -> None:
    plan = schedule(weekly("amina-h", "so", "mon 10:00-14:00"))
    cov = coverage(plan, "so", WEEK)
    assert hours(cov.gap_time) == 7 * 24 - 4


def test_closed_days_are_not_gaps() -> None:
    plan = schedule(
        weekly("amina-h", "so ar", "fri 10:00-14:00"),
        closed("2026-12-25"),
        closed("2026-12-24", "ar"),
        hours=opening("mon-fri 09:00-21:00"),
    )
    week = week_coverage(plan, "2026-W52")
    assert hours(week["so"].gap_time) == 12 * 4 - 0  # Friday closed, the rest uncovered
    assert hours(week["ar"].gap_time) == 12 * 3
    assert hours(week["so"].covered_time) == 0


def test_the_autumn_week_is_an_hour_longer() -> None:
    plan = schedule(weekly("night", "so", "sun 00:00-24:00"))
    cov = coverage(plan, "so", "2026-W43")
    assert hours(cov.end - cov.start) == 7 * 24 + 1
    assert hours(cov.covered_time) == 25


def test_week_coverage_of_every_language() -> None:
    assert sorted(week_coverage(PLAN, WEEK)) == ["ar", "so"]


def test_regular_hours_merge_and_split_at_midnight() -> None:
    assert language_hours(PLAN, "so") == {
        Weekday.MON: (TimeSpan(time(0), time(2)), TimeSpan(time(10), time(16))),
        Weekday.WED: (TimeSpan(time(10), time(14)),),
        Weekday.SUN: (TimeSpan(time(22), time(0)),),
    }


def test_hours_of_a_real_week_include_exceptions() -> None:
    plan = schedule(
        weekly("amina-h", "so", "mon,wed 10:00-14:00"),
        away("amina-h", "2026-12-02"),
        extra("sara-m", "so", "2026-12-05 11:00-15:30"),
    )
    assert language_hours(plan, "so", WEEK) == {
        Weekday.MON: (TimeSpan(time(10), time(14)),),
        Weekday.SAT: (TimeSpan(time(11), time(15, 30)),),
    }


def test_hours_on_clock_change_days_are_clock_readings() -> None:
    plan = schedule(weekly("night", "so", "sun 01:00-04:00"))
    expected = {Weekday.SUN: (TimeSpan(time(1), time(4)),)}
    assert language_hours(plan, "so", "2026-W13") == {
        Weekday.SUN: (TimeSpan(time(1), time(2)), TimeSpan(time(3), time(4)))
    }
    assert language_hours(plan, "so", "2026-W43") == expected


def test_describe_hours_in_english() -> None:
    assert describe_hours(language_hours(PLAN, "ar")) == "Monday and Wednesday 10–14"
    assert describe_hours(language_hours(PLAN, "so")) == (
        "Monday 10–16; Wednesday 10–14; Sunday 22–2"
    )
    nights = {d: (TimeSpan(time(0), time(6)), TimeSpan(time(22), time(0))) for d in Weekday}
    assert describe_hours(nights) == "Every day 22–6"
    nights[Weekday.MON] = (TimeSpan(time(22), time(0)),)
    assert describe_hours(nights) == "Monday to Saturday 22–6; Sunday 22–24"
    whole = {d: (TimeSpan(time(0), time(0)),) for d in (Weekday.MON, Weekday.TUE)}
    assert describe_hours(whole) == "Monday and Tuesday 0–24"
    five = {day: (TimeSpan(time(9), time(17)),) for day in Weekday if day <= Weekday.FRI}
    assert describe_hours(five) == "Monday to Friday 9–17"
    seven = {day: (TimeSpan(time(9, 30), time(0)),) for day in Weekday}
    assert describe_hours(seven) == "Every day 9:30–24"
    some = {d: (TimeSpan(time(10), time(14)),) for d in (Weekday.MON, Weekday.WED, Weekday.FRI)}
    assert describe_hours(some) == "Monday, Wednesday and Friday 10–14"
    mixed = {d: (TimeSpan(time(10), time(14)),) for d in (0, 1, 2, 4)}
    assert describe_hours({Weekday(d): s for d, s in mixed.items()}) == (
        "Monday to Wednesday and Friday 10–14"
    )
    assert describe_hours({}) == ""
