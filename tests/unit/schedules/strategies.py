"""Hypothesis strategies for schedules: small, but dense around clock changes."""

from __future__ import annotations

from datetime import date, time, timedelta

from hypothesis import strategies as st

from schedules.model import (
    Away,
    Closure,
    ExtraShift,
    OpenSpan,
    Schedule,
    TimeSpan,
    Weekday,
    WeeklyShift,
)

VOLUNTEERS = ("amina-h", "fatima-k", "leyla-d", "sara-m")
LANGUAGES = ("so", "ar", "ti")

# A zone with one-hour changes and one with half-hour changes, and weeks holding them.
ZONES = ("Europe/Oslo", "Australia/Lord_Howe")
WEEKS = ("2026-W13", "2026-W14", "2026-W40", "2026-W43", "2026-W49")
FIRST_DAY = date(2026, 3, 20)
LAST_DAY = date(2026, 12, 10)


@st.composite
def spans(draw: st.DrawFn) -> TimeSpan:
    """Quarter hours, so that spans start and end on the clock changes' own minutes."""
    start = draw(st.integers(0, 24 * 4 - 1)) * 15
    length = draw(st.integers(1, 24 * 4)) * 15
    end = (start + length) % (24 * 60)
    if end != 0 and end <= start:  # past midnight: at most twelve hours
        length = min(length, 12 * 60)
        end = (start + length) % (24 * 60)
    return TimeSpan(time(start // 60, start % 60), time(end // 60, end % 60))


languages = st.frozensets(st.sampled_from(LANGUAGES), min_size=1)
volunteers = st.sampled_from(VOLUNTEERS)
weekdays = st.sampled_from(list(Weekday))


@st.composite
def days_near(draw: st.DrawFn, week: str) -> date:
    """A date in ``week`` or a day either side of it."""
    monday = date.fromisocalendar(int(week[:4]), int(week[6:]), 1)
    return monday + timedelta(days=draw(st.integers(-1, 7)))


@st.composite
def schedules(draw: st.DrawFn, week: str | None = None) -> Schedule:
    """A schedule in one of ZONES; its dated rules fall in or next to ``week`` (any of
    WEEKS when None)."""
    week = week or draw(st.sampled_from(WEEKS))
    day = days_near(week)
    weekly = draw(st.lists(st.builds(WeeklyShift, volunteers, languages, weekdays, spans()),
                           max_size=8))
    extra = draw(st.lists(st.builds(ExtraShift, volunteers, languages, day, spans()), max_size=3))
    away = []
    for _ in range(draw(st.integers(0, 2))):
        first = draw(day)
        away.append(Away(draw(volunteers), first, first + timedelta(days=draw(st.integers(0, 2)))))
    closures = []
    for _ in range(draw(st.integers(0, 2))):
        first = draw(day)
        closed = draw(st.none() | languages)
        closures.append(Closure(first, first + timedelta(days=draw(st.integers(0, 1))), closed))
    hours = draw(st.none() | st.lists(st.builds(OpenSpan, weekdays, spans()), min_size=1,
                                      max_size=6).map(tuple))
    return Schedule(
        timezone=draw(st.sampled_from(ZONES)),
        weekly=tuple(weekly),
        extra=tuple(extra),
        away=tuple(away),
        closures=tuple(closures),
        opening_hours=hours,
    )
