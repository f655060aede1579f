"""Coverage: when each language is answered, where the gaps are, and its hours in
plain words.

- :func:`coverage` / :func:`week_coverage` — for an ISO week (local Monday 00:00
  to the next Monday 00:00): the step function of how many volunteers are on, the
  covered intervals, and the gaps, which count only while the helpline is open
  for the language (see :func:`schedules.rules.open_intervals`).
- :func:`language_hours` — when a language is answered, per weekday, as merged
  local times: the regular weekly pattern, or one real week with its exceptions.
  :func:`describe_hours` says it in English ("Monday and Wednesday 10–14").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from schedules.intervals import Interval, Step, merge, steps, subtract, total
from schedules.model import (
    MINUTES_PER_DAY,
    MINUTES_PER_WEEK,
    Schedule,
    TimeSpan,
    Weekday,
    weekday_groups,
)
from schedules.rules import Occurrence, occurrences, open_intervals
from schedules.timezones import local_pieces, parse_iso_week, week_instants

WeeklyHours = dict[Weekday, tuple[TimeSpan, ...]]
"""Per weekday, merged local time spans within the day, in order; a span ending at
midnight has end ``time(0)`` (written 24:00). Weekdays without hours are absent."""


@dataclass(frozen=True)
class Coverage:
    """How one language is covered over ``[start, end)`` (UTC)."""

    language: str
    start: datetime
    end: datetime
    steps: tuple[Step, ...]  # the whole range, including stretches with nobody on
    open: tuple[Interval, ...]  # when the helpline is open for this language

    @property
    def covered(self) -> list[Interval]:
        """When at least one volunteer is on shift."""
        return merge(Interval(s.start, s.end) for s in self.steps if s.count)

    @property
    def gaps(self) -> list[Interval]:
        """When the helpline is open for the language but nobody is on shift."""
        return subtract(self.open, self.covered)

    @property
    def covered_time(self) -> timedelta:
        return total(self.covered)

    @property
    def gap_time(self) -> timedelta:
        return total(self.gaps)

    def count_at(self, at: datetime) -> int:
        """How many volunteers are on shift at ``at`` (0 outside the range)."""
        for step in self.steps:
            if step.start <= at < step.end:
                return step.count
        return 0


def coverage_between(
    schedule: Schedule,
    language: str,
    start: datetime,
    end: datetime,
    *,
    found: Iterable[Occurrence] | None = None,
) -> Coverage:
    """Coverage of ``language`` over ``[start, end)``. ``found``: the occurrences over
    that range when already computed (they are computed otherwise)."""
    if found is None:
        found = occurrences(schedule, start, end)
    stints = [(o.start, o.end, o.volunteer) for o in found if language in o.languages]
    return Coverage(
        language=language,
        start=start,
        end=end,
        steps=tuple(steps(stints, start, end)),
        open=tuple(open_intervals(schedule, language, start, end)),
    )


def coverage(schedule: Schedule, language: str, week: str) -> Coverage:
    """Coverage of ``language`` over the ISO week ``week`` (``2026-W49``)."""
    return coverage_between(schedule, language, *week_instants(week, schedule.zone))


def week_coverage(
    schedule: Schedule, week: str, languages: Iterable[str] | None = None
) -> dict[str, Coverage]:
    """Coverage of each language (default: every language some shift is for) over the
    ISO week ``week``, sorted by language code."""
    start, end = week_instants(week, schedule.zone)
    found = occurrences(schedule, start, end)
    chosen = sorted(schedule.languages if languages is None else set(languages))
    return {code: coverage_between(schedule, code, start, end, found=found) for code in chosen}


def language_hours(schedule: Schedule, language: str, week: str | None = None) -> WeeklyHours:
    """When ``language`` is answered, per weekday, in local time.

    Without ``week``: the regular weekly pattern (weekly shifts only). With an ISO
    ``week``: that week as it really is, exceptions and extra shifts included.
    """
    week_minutes: list[tuple[int, int]] = []
    if week is None:
        for shift in schedule.weekly:
            if language in shift.languages:
                begin = shift.weekday * MINUTES_PER_DAY + shift.span.start_minute
                week_minutes.append((begin, begin + shift.span.minutes))
    else:
        zone = schedule.zone
        monday = datetime.combine(parse_iso_week(week), time(0))
        for interval in coverage(schedule, language, week).covered:
            for shown_from, shown_to in local_pieces(interval.start, interval.end, zone):
                week_minutes.append(
                    (_minutes_since(monday, shown_from), _minutes_since(monday, shown_to))
                )
    return _weekly_hours(week_minutes)


def describe_hours(hours: Mapping[Weekday, Iterable[TimeSpan]]) -> str:
    """The hours in English, weekdays with the same hours grouped:
    ``Monday and Wednesday 10–14; Saturday 10:30–16``. Empty when there are none.

    A stretch that goes on past midnight is said on the day it starts
    (``Sunday 22–2``), unless a whole day is covered.
    """
    minutes = {day: [(s.start_minute, s.end_minute) for s in hours[day]] for day in sorted(hours)}
    for day, spans in minutes.items():
        following = minutes.get(Weekday((day + 1) % 7), [])
        if _goes_on(spans, following):
            spans[-1] = (spans[-1][0], MINUTES_PER_DAY + following.pop(0)[1])
    by_hours: dict[tuple[tuple[int, int], ...], list[Weekday]] = defaultdict(list)
    for day, spans in minutes.items():
        if spans:
            by_hours[tuple(spans)].append(day)
    parts = [
        f"{_describe_days(days)} {' and '.join(_describe_span(*span) for span in spans)}"
        for spans, days in by_hours.items()
    ]
    return "; ".join(parts)


def _minutes_since(monday: datetime, wall: datetime) -> int:
    return int((wall - monday).total_seconds() // 60)


def _weekly_hours(week_minutes: Iterable[tuple[int, int]]) -> WeeklyHours:
    """Minute ranges of the week (Monday 00:00 is 0; a range past Sunday midnight wraps
    to Monday) as merged spans within each weekday."""
    pieces: list[tuple[int, int]] = []
    for begin, finish in week_minutes:
        if finish > MINUTES_PER_WEEK:
            pieces.append((0, finish - MINUTES_PER_WEEK))
            finish = MINUTES_PER_WEEK
        pieces.append((max(begin, 0), finish))
    merged: list[tuple[int, int]] = []
    for begin, finish in sorted(pieces):
        if merged and begin <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], finish))
        elif begin < finish:
            merged.append((begin, finish))
    hours: dict[Weekday, list[TimeSpan]] = defaultdict(list)
    for begin, finish in merged:
        while begin < finish:
            day, offset = divmod(begin, MINUTES_PER_DAY)
            length = min(finish - begin, MINUTES_PER_DAY - offset)
            hours[Weekday(day)].append(
                TimeSpan(_clock(offset), _clock((offset + length) % MINUTES_PER_DAY))
            )
            begin += length
    return {day: tuple(spans) for day, spans in sorted(hours.items())}


def _clock(minute: int) -> time:
    return time(minute // 60, minute % 60)


def _goes_on(spans: list[tuple[int, int]], following: list[tuple[int, int]]) -> bool:
    """True when the day's last span runs into the next day's first, neither of them
    a whole day."""
    if not spans or not following:
        return False
    (start, end), (next_start, next_end) = spans[-1], following[0]
    return 0 < start and end == MINUTES_PER_DAY and next_start == 0 and next_end < MINUTES_PER_DAY


def _describe_span(start: int, end: int) -> str:
    """``10–14``, ``9:30–24``, ``22–2``: hours of a 24-hour clock, minutes when needed."""
    shown_end = end if end == MINUTES_PER_DAY else end % MINUTES_PER_DAY
    return f"{_describe_minute(start)}–{_describe_minute(shown_end)}"


def _describe_minute(minute: int) -> str:
    hour, rest = divmod(minute, 60)
    return f"{hour}" if rest == 0 else f"{hour}:{rest:02d}"


def _describe_days(days: list[Weekday]) -> str:
    if len(days) == 7:
        return "Every day"
    names = [
        f"{group[0].english} to {group[-1].english}" if len(group) > 1 else group[0].english
        for group in weekday_groups(days)
    ]
    if len(names) == 1:
        return names[0]
    return f"{', '.join(names[:-1])} and {names[-1]}"
