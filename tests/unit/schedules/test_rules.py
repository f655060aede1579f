"""Who is on shift when: weekly shifts, midnight, clock changes and exceptions.

Each case is checked both ways: the intervals :func:`occurrences` cuts, and the
instant-by-instant reading :func:`on_shift_at`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from schedules.model import Schedule
from schedules.rules import is_open, occurrences, on_shift_at, open_intervals
from tests.unit.schedules.builders import (
    away,
    closed,
    extra,
    local,
    opening,
    schedule,
    utc,
    weekly,
)


def spans(
    plan: Schedule, start: str, end: str, language: str | None = None
) -> list[tuple[str, ...]]:
    """(volunteer, languages, start, end) of each occurrence, in local ISO text."""
    found = occurrences(plan, local(start), local(end))
    zone = plan.zone
    return sorted(
        (
            o.volunteer,
            " ".join(sorted(o.languages)),
            o.start.astimezone(zone).strftime("%a %H:%M"),
            o.end.astimezone(zone).strftime("%a %H:%M"),
        )
        for o in found
        if language is None or language in o.languages
    )


def on(plan: Schedule, language: str, at: datetime) -> set[str]:
    return set(on_shift_at(plan, language, at))


def test_weekly_shift_repeats_every_week_on_its_weekday() -> None:
    plan = schedule(weekly("amina-h", "so ar", "mon,wed 10:00-14:00"))
    assert spans(plan, "2026-11-30 00:00", "2026-12-07 00:00") == [
        ("amina-h", "ar so", "Mon 10:00", "Mon 14:00"),
        ("amina-h", "ar so", "Wed 10:00", "Wed 14:00"),
    ]
    assert on(plan, "so", local("2026-12-02 13:59")) == {"amina-h"}
    assert on(plan, "so", local("2026-12-02 14:00")) == set()
    assert on(plan, "so", local("2026-12-01 12:00")) == set()
    assert on(plan, "ti", local("2026-12-02 12:00")) == set()


def test_any_time_zone_may_ask() -> None:
    plan = schedule(weekly("amina-h", "so", "mon 10:00-14:00"))
    assert on(plan, "so", utc("2026-11-30 09:30")) == {"amina-h"}  # 10:30 in Oslo
    in_kabul = local("2026-11-30 14:00", zone=ZoneInfo("Asia/Kabul"))  # UTC+04:30
    assert on(plan, "so", in_kabul) == {"amina-h"}
    with pytest.raises(ValueError, match="no time zone"):
        on_shift_at(plan, "so", datetime(2026, 11, 30, 11))


def test_midnight_crossing_shift_belongs_to_its_start_day() -> None:
    plan = schedule(weekly("leyla-d", "tr", "sun 22:00-02:00"))
    # the week's Monday morning holds the end of the previous Sunday's shift
    assert spans(plan, "2026-11-30 00:00", "2026-12-07 00:00") == [
        ("leyla-d", "tr", "Mon 00:00", "Mon 02:00"),
        ("leyla-d", "tr", "Sun 22:00", "Mon 00:00"),
    ]
    assert on(plan, "tr", local("2026-11-30 01:59")) == {"leyla-d"}  # Monday, from Sunday
    assert on(plan, "tr", local("2026-12-06 23:00")) == {"leyla-d"}
    assert on(plan, "tr", local("2026-12-07 02:00")) == set()


def test_spring_change_day_in_oslo() -> None:
    plan = schedule(
        weekly("night-a", "so", "sun 01:00-04:00"),
        weekly("night-b", "so", "sun 02:00-03:00"),  # the clock skips it
        weekly("night-c", "so", "sat 22:00-02:30"),
    )
    found = occurrences(plan, local("2026-03-29 00:00"), local("2026-03-30 00:00"))
    lengths = {o.volunteer: o.end - o.start for o in found}
    assert lengths == {"night-a": timedelta(hours=2), "night-c": timedelta(hours=2)}
    assert on(plan, "so", utc("2026-03-29 00:59")) == {"night-a", "night-c"}  # 01:59 CET
    assert on(plan, "so", utc("2026-03-29 01:00")) == {"night-a"}  # 03:00 CEST
    assert on(plan, "so", local("2026-03-29 03:59")) == {"night-a"}
    assert on(plan, "so", local("2026-03-29 04:00")) == set()


def test_autumn_change_day_in_oslo() -> None:
    plan = schedule(
        weekly("night-a", "so", "sun 01:00-04:00"),
        weekly("night-b", "so", "sun 02:00-03:00"),
        weekly("night-c", "so", "sat 22:00-02:00"),
    )
    found = occurrences(plan, local("2026-10-25 00:00"), local("2026-10-26 00:00"))
    lengths = {o.volunteer: o.end - o.start for o in found}
    assert lengths == {
        "night-a": timedelta(hours=4),
        "night-b": timedelta(hours=2),  # both times the clock shows 02:xx
        "night-c": timedelta(hours=2),  # ends at the first 02:00 (it began Saturday)
    }
    first_two_thirty = local("2026-10-25 02:30", fold=0)
    second_two_thirty = local("2026-10-25 02:30", fold=1)
    assert on(plan, "so", first_two_thirty) == {"night-a", "night-b"}
    assert on(plan, "so", second_two_thirty) == {"night-a", "night-b"}
    assert on(plan, "so", local("2026-10-25 01:30")) == {"night-a", "night-c"}
    assert on(plan, "so", local("2026-10-25 03:00")) == {"night-a"}


def test_away_range_cuts_a_shift_in_half_where_it_overlaps() -> None:
    plan = schedule(
        weekly("amina-h", "so", "mon 22:00-02:00"),
        away("amina-h", "2026-12-01 .. 2026-12-05"),  # from Tuesday
    )
    assert spans(plan, "2026-11-30 00:00", "2026-12-07 00:00") == [
        ("amina-h", "so", "Mon 22:00", "Tue 00:00"),
    ]
    assert on(plan, "so", local("2026-11-30 23:00")) == {"amina-h"}
    assert on(plan, "so", local("2026-12-01 01:00")) == set()
    assert spans(plan, "2026-12-07 00:00", "2026-12-14 00:00") == [
        ("amina-h", "so", "Mon 22:00", "Tue 02:00"),
    ]


def test_away_range_touches_only_her() -> None:
    plan = schedule(
        weekly("amina-h", "so", "tue 10:00-14:00"),
        weekly("sara-m", "so", "tue 12:00-16:00"),
        away("amina-h", "2026-12-01"),
        extra("amina-h", "so", "2026-12-02 10:00-11:00"),
    )
    assert spans(plan, "2026-12-01 00:00", "2026-12-03 00:00") == [
        ("amina-h", "so", "Wed 10:00", "Wed 11:00"),
        ("sara-m", "so", "Tue 12:00", "Tue 16:00"),
    ]


def test_whole_helpline_closed_on_a_holiday() -> None:
    plan = schedule(
        weekly("amina-h", "so ar", "fri 09:00-12:00"),
        weekly("leyla-d", "tr", "thu 21:00-03:00"),
        closed("2026-12-25"),
    )
    assert spans(plan, "2026-12-24 00:00", "2026-12-26 00:00") == [
        ("leyla-d", "tr", "Thu 21:00", "Fri 00:00"),
    ]
    assert on(plan, "so", local("2026-12-25 10:00")) == set()
    assert on(plan, "tr", local("2026-12-25 01:00")) == set()
    assert on(plan, "so", local("2027-01-01 10:00")) == {"amina-h"}


def test_one_language_closed_keeps_her_other_languages() -> None:
    plan = schedule(
        weekly("amina-h", "so ar", "sun 10:00-14:00"),
        weekly("fatima-k", "ar", "sun 10:00-14:00"),
        closed("2026-05-17", "ar"),
    )
    assert spans(plan, "2026-05-17 00:00", "2026-05-18 00:00") == [
        ("amina-h", "so", "Sun 10:00", "Sun 14:00"),
    ]
    assert on(plan, "ar", local("2026-05-17 11:00")) == set()
    assert on(plan, "so", local("2026-05-17 11:00")) == {"amina-h"}
    assert on(plan, "ar", local("2026-05-24 11:00")) == {"amina-h", "fatima-k"}


def test_language_closure_in_the_middle_of_a_night_shift() -> None:
    plan = schedule(
        weekly("amina-h", "so ar", "sat 20:00-02:00"),
        closed("2026-05-17", "ar"),  # Sunday
    )
    assert spans(plan, "2026-05-16 00:00", "2026-05-18 00:00") == [
        ("amina-h", "ar so", "Sat 20:00", "Sun 00:00"),
        ("amina-h", "so", "Sun 00:00", "Sun 02:00"),
    ]


def test_extra_shift_adds_a_dated_stretch() -> None:
    plan = schedule(
        weekly("amina-h", "so", "thu 10:00-14:00"),
        extra("fatima-k", "so", "2026-12-24 10:00-13:00"),
        extra("fatima-k", "so", "2026-12-31 22:00-02:00"),
    )
    assert spans(plan, "2026-12-24 00:00", "2026-12-25 00:00") == [
        ("amina-h", "so", "Thu 10:00", "Thu 14:00"),
        ("fatima-k", "so", "Thu 10:00", "Thu 13:00"),
    ]
    assert on(plan, "so", local("2026-12-24 12:00")) == {"amina-h", "fatima-k"}
    assert on(plan, "so", local("2027-01-01 01:00")) == {"fatima-k"}
    assert on(plan, "so", local("2026-12-17 12:00")) == {"amina-h"}


def test_occurrences_are_clipped_to_the_range() -> None:
    plan = schedule(weekly("amina-h", "so", "mon 10:00-14:00"))
    found = occurrences(plan, local("2026-11-30 12:00"), local("2026-11-30 13:00"))
    assert [(o.start, o.end) for o in found] == [(utc("2026-11-30 11:00"), utc("2026-11-30 12:00"))]


def test_opening_hours_and_closures_decide_when_the_line_is_open() -> None:
    plan = schedule(
        closed("2026-12-25"),
        closed("2026-12-24", "ar"),
        hours=opening("mon-fri 09:00-21:00", "sat 22:00-02:00"),
    )
    assert is_open(plan, "so", local("2026-12-23 09:00"))
    assert not is_open(plan, "so", local("2026-12-23 21:00"))
    assert is_open(plan, "ar", local("2026-12-23 12:00"))
    assert not is_open(plan, "ar", local("2026-12-24 12:00"))
    assert is_open(plan, "so", local("2026-12-24 12:00"))
    assert not is_open(plan, "so", local("2026-12-25 12:00"))
    assert is_open(plan, "so", local("2026-12-27 01:00"))  # Saturday night
    week = open_intervals(plan, "so", local("2026-12-21 00:00"), local("2026-12-28 00:00"))
    assert sum((i.duration for i in week), timedelta()) == timedelta(hours=12 * 4 + 4)


def test_no_opening_hours_means_always_open() -> None:
    plan = schedule(closed("2026-12-25"))
    assert is_open(plan, "so", local("2026-12-24 03:00"))
    assert not is_open(plan, "so", local("2026-12-25 03:00"))
