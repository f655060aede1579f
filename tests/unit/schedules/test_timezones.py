"""The clock-change rule, on both change days of 2026 in Europe/Oslo."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from schedules.model import TimeSpan
from schedules.timezones import (
    days_instants,
    iso_week,
    local_pieces,
    parse_iso_week,
    span_instants,
    wall_end,
    wall_start,
    week_instants,
)
from tests.unit.schedules.builders import OSLO, utc

SPRING = date(2026, 3, 29)
AUTUMN = date(2026, 10, 25)


def real_length(day: date, start: str, end: str) -> timedelta:
    begin, finish = span_instants(day, span(start, end), OSLO)
    return finish - begin


def span(start: str, end: str) -> TimeSpan:
    return TimeSpan(time.fromisoformat(start), time.fromisoformat(end))


def test_an_ordinary_day_is_plain_arithmetic() -> None:
    assert span_instants(date(2026, 6, 1), span("10:00", "14:00"), OSLO) == (
        utc("2026-06-01 08:00"),
        utc("2026-06-01 12:00"),
    )
    assert span_instants(date(2026, 12, 1), span("10:00", "14:00"), OSLO) == (
        utc("2026-12-01 09:00"),
        utc("2026-12-01 13:00"),
    )


def test_one_to_four_lasts_two_hours_in_spring_and_four_in_autumn() -> None:
    assert real_length(SPRING, "01:00", "04:00") == timedelta(hours=2)
    assert real_length(AUTUMN, "01:00", "04:00") == timedelta(hours=4)
    assert real_length(date(2026, 6, 1), "01:00", "04:00") == timedelta(hours=3)


def test_spring_a_time_in_the_gap_moves_to_the_first_instant_after_it() -> None:
    after_gap = utc("2026-03-29 01:00")  # 03:00 CEST
    assert wall_start(SPRING, time(2, 30), OSLO) == after_gap
    assert wall_start(SPRING, time(2, 0), OSLO) == after_gap
    assert wall_end(SPRING, time(2, 30), OSLO) == after_gap
    assert wall_start(SPRING, time(3, 0), OSLO) == after_gap


def test_spring_a_shift_inside_the_gap_does_not_happen() -> None:
    begin, finish = span_instants(SPRING, span("02:00", "03:00"), OSLO)
    assert begin == finish


def test_spring_shifts_that_meet_on_the_clock_meet_in_real_time() -> None:
    _, first_end = span_instants(SPRING, span("00:00", "02:30"), OSLO)
    second_start, _ = span_instants(SPRING, span("02:30", "06:00"), OSLO)
    assert first_end == second_start


def test_autumn_start_takes_the_first_occurrence_end_the_second() -> None:
    assert wall_start(AUTUMN, time(2, 30), OSLO) == utc("2026-10-25 00:30")  # 02:30 CEST
    assert wall_end(AUTUMN, time(2, 30), OSLO) == utc("2026-10-25 01:30")  # 02:30 CET
    assert real_length(AUTUMN, "02:00", "03:00") == timedelta(hours=2)


def test_autumn_an_end_where_the_repeat_begins_is_the_first_one() -> None:
    # The clock shows nothing before 02:00 after the first 02:00, so 22:00-02:00 ends there.
    assert wall_end(AUTUMN, time(2, 0), OSLO) == utc("2026-10-25 00:00")
    assert real_length(AUTUMN - timedelta(days=1), "22:00", "02:00") == timedelta(hours=4)


def test_autumn_shifts_that_meet_on_the_clock_overlap_but_never_leave_a_gap() -> None:
    for meet in ("02:00", "02:30", "03:00"):
        _, first_end = span_instants(AUTUMN, span("00:00", meet), OSLO)
        second_start, _ = span_instants(AUTUMN, span(meet, "06:00"), OSLO)
        assert second_start <= first_end


def test_midnight_crossing_span_ends_on_the_next_day() -> None:
    assert span_instants(date(2026, 6, 1), span("22:00", "02:00"), OSLO) == (
        utc("2026-06-01 20:00"),
        utc("2026-06-02 00:00"),
    )
    assert real_length(date(2026, 10, 24), "22:00", "04:00") == timedelta(hours=7)
    assert real_length(date(2026, 3, 28), "22:00", "04:00") == timedelta(hours=5)


def test_whole_days_follow_the_clock() -> None:
    begin, finish = days_instants(SPRING, SPRING, OSLO)
    assert finish - begin == timedelta(hours=23)
    begin, finish = days_instants(AUTUMN, AUTUMN, OSLO)
    assert finish - begin == timedelta(hours=25)


def test_iso_weeks() -> None:
    assert parse_iso_week("2026-W49") == date(2026, 11, 30)
    assert iso_week(date(2026, 12, 6)) == "2026-W49"
    assert iso_week(date(2027, 1, 1)) == "2026-W53"
    begin, finish = week_instants("2026-W43", OSLO)  # the autumn week
    assert (begin, finish - begin) == (utc("2026-10-18 22:00"), timedelta(days=7, hours=1))
    with pytest.raises(ValueError, match="not an ISO week"):
        parse_iso_week("2026-49")
    with pytest.raises(ValueError, match="has no week 54"):
        parse_iso_week("2026-W54")


def test_local_pieces_split_where_the_offset_changes() -> None:
    pieces = local_pieces(utc("2026-10-24 23:00"), utc("2026-10-25 03:00"), OSLO)
    assert [(a.isoformat(), b.isoformat()) for a, b in pieces] == [
        ("2026-10-25T01:00:00", "2026-10-25T03:00:00"),
        ("2026-10-25T02:00:00", "2026-10-25T04:00:00"),
    ]
    pieces = local_pieces(utc("2026-03-29 00:00"), utc("2026-03-29 02:00"), OSLO)
    assert [(a.isoformat(), b.isoformat()) for a, b in pieces] == [
        ("2026-03-29T01:00:00", "2026-03-29T02:00:00"),
        ("2026-03-29T03:00:00", "2026-03-29T04:00:00"),
    ]
