"""The small written notations of schedule files, read and written back.

======================  ====================================================
``10:00``               a time of day (``9:30`` is fine too)
``10:00-14:00``         a time span; ``22:00-02:00`` runs past midnight, ``24:00``
                        is midnight at the end of the day; an en dash also works
``mon``, ``mon-fri``,   weekdays: three-letter or full English names, ranges
``mon,wed,fri``         (``fri-mon`` wraps past Sunday) and lists
``mon,wed 10:00-14:00`` a weekly shift: weekdays, a space, a span
``2026-12-25``          a date (ISO, year first)
``2026-12-20 .. 2027-01-03``  a range of dates, both included
``2026-12-24 10:00-13:00``    a dated span (an extra shift)
======================  ====================================================

Every parser raises ValueError with a message in plain words, meant to be shown
to the person who wrote the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, time
from typing import NoReturn

from schedules.model import TimeSpan, Weekday, weekday_groups

_TIME = re.compile(r"(\d{1,2}):(\d{2})")
_DASHES = re.compile(r"\s*[-–—]\s*")
_RANGE = re.compile(r"\s*\.\.\s*")
_DIGIT = re.compile(r"\d")
_FULL_NAMES = {day.english.lower(): day for day in Weekday}
_SHORT_NAMES = {day.short: day for day in Weekday}
_WEEKDAY_HELP = "use mon, tue, wed, thu, fri, sat or sun"


def parse_time(text: str, *, end: bool = False) -> time:
    """``HH:MM`` on a 24-hour clock; ``24:00`` is accepted when ``end`` (as ``time(0)``)."""
    match = _TIME.fullmatch(text.strip())
    if match is not None:
        hour, minute = int(match[1]), int(match[2])
        if end and (hour, minute) == (24, 0):
            return time(0)
        if hour < 24 and minute < 60:
            return time(hour, minute)
    return _fail(f"{text.strip()!r} is not a time of day (write it as HH:MM, for example 09:30)")


def parse_span(text: str) -> TimeSpan:
    """``10:00-14:00``."""
    parts = _DASHES.split(text.strip())
    if len(parts) != 2:
        _fail(f"{text.strip()!r} is not a time span (write it as start-end, for example "
              "10:00-14:00)")
    start, end = parse_time(parts[0]), parse_time(parts[1], end=True)
    if start == end and parts[1].strip() != "24:00":
        _fail(f"{text.strip()!r} has no length: it starts and ends at the same time")
    return TimeSpan(start, end)


def parse_weekdays(text: str) -> tuple[Weekday, ...]:
    """``mon``, ``mon-fri``, ``mon,wed``, ``Monday``, ``sat-sun`` ... in week order."""
    days: list[Weekday] = []
    for item in (part.strip() for part in text.split(",")):
        ends = _DASHES.split(item)
        if len(ends) == 1:
            days.append(_weekday(ends[0]))
        elif len(ends) == 2:
            first, last = _weekday(ends[0]), _weekday(ends[1])
            days.extend(Weekday((first + i) % 7) for i in range((last - first) % 7 + 1))
        else:
            _fail(f"{item!r} is not a weekday or a range of weekdays ({_WEEKDAY_HELP})")
    repeated = sorted({day for day in days if days.count(day) > 1})
    if repeated:
        _fail(f"{text.strip()!r} names {', '.join(d.short for d in repeated)} more than once")
    return tuple(sorted(days))


def parse_weekly(text: str) -> tuple[tuple[Weekday, ...], TimeSpan]:
    """``mon,wed 10:00-14:00``: the weekdays and the span."""
    first_digit = _DIGIT.search(text)
    days = text[: first_digit.start()].strip() if first_digit else ""
    if first_digit is None or not days:
        _fail(f"{text.strip()!r} is not a weekly shift (write weekdays and times, for example "
              "\"mon 10:00-14:00\")")
    return parse_weekdays(days), parse_span(text[first_digit.start():])


def parse_date(text: str) -> date:
    """``2026-12-25``."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return _fail(f"{text.strip()!r} is not a date (write it as YYYY-MM-DD, for example "
                     "2026-12-25)")


def parse_date_range(text: str) -> tuple[date, date]:
    """``2026-12-20 .. 2027-01-03`` (both days included), or one date."""
    parts = _RANGE.split(text.strip())
    if len(parts) == 1:
        day = parse_date(parts[0])
        return day, day
    if len(parts) != 2:
        _fail(f"{text.strip()!r} is not a date or a range of dates (write it like "
              "2026-12-20 .. 2027-01-03)")
    first, last = parse_date(parts[0]), parse_date(parts[1])
    if last < first:
        _fail(f"{text.strip()!r} ends before it starts")
    return first, last


def parse_dated_span(text: str) -> tuple[date, TimeSpan]:
    """``2026-12-24 10:00-13:00``: a date and a span on it."""
    parts = text.strip().split(maxsplit=1)
    if len(parts) != 2:
        _fail(f"{text.strip()!r} is not a date with times (write it like "
              "\"2026-12-24 10:00-13:00\")")
    return parse_date(parts[0]), parse_span(parts[1])


def format_weekdays(days: Iterable[Weekday]) -> str:
    """The shortest form :func:`parse_weekdays` reads back: ``mon-fri``, ``mon,wed``."""
    return ",".join(
        f"{group[0].short}-{group[-1].short}" if len(group) > 1 else group[0].short
        for group in weekday_groups(days)
    )


def format_date_range(first: date, last: date) -> str:
    """``2026-12-25`` or ``2026-12-20 .. 2027-01-03``."""
    return first.isoformat() if first == last else f"{first.isoformat()} .. {last.isoformat()}"


def _weekday(text: str) -> Weekday:
    key = text.strip().lower()
    if key in _SHORT_NAMES:
        return _SHORT_NAMES[key]
    if key in _FULL_NAMES:
        return _FULL_NAMES[key]
    _fail(f"{text.strip()!r} is not a weekday ({_WEEKDAY_HELP})")


def _fail(message: str) -> NoReturn:
    raise ValueError(message)
