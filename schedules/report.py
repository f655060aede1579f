"""The coverage report, as plain text for coordinators.

:func:`coverage_report` is what ``helpline schedules coverage [--language L]
[--week 2026-W49]`` prints: one summary line per language (hours covered, hours
uncovered while the helpline is open) and, for each language asked about, a week
grid (hours down, days across) with the gaps marked and then listed exactly::

    Somali (so), week 2026-W49: Monday 30 November to Sunday 6 December 2026, Europe/Oslo

             Mon  Tue  Wed  Thu  Fri  Sat  Sun
              30    1    2    3    4    5    6
    09-10     !!    1   !!    1    1    .    .
    10-11      2    1    1    1    1    1    .

Each cell is the fewest volunteers on shift during that hour (during the part of
it the helpline is open, if any): ``!!`` someone could call and nobody is there,
``.`` closed and nobody on shift all hour, ``-`` an hour the clock skips.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from schedules.coverage import Coverage, week_coverage
from schedules.intervals import Interval
from schedules.model import Schedule, TimeSpan, Weekday
from schedules.timezones import parse_iso_week, span_instants

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_CELL = 5
LEGEND = (
    "Each cell: the fewest volunteers on shift during that hour (while open).\n"
    "  !! a gap: open and nobody on shift   . closed, nobody on shift all hour   "
    "- an hour the clock skips"
)


def coverage_report(
    schedule: Schedule,
    week: str,
    *,
    languages: Iterable[str] | None = None,
    names: Mapping[str, str] | None = None,
) -> str:
    """Summary lines for ``languages`` (default: every language with a shift), then a
    grid and the list of gaps for each of them when they were asked for."""
    names = names or {}
    coverages = week_coverage(schedule, week, languages)
    parts = [f"Coverage, week {week} ({schedule.timezone})", ""]
    parts += [summary_line(cov, names.get(code)) for code, cov in coverages.items()]
    if languages is not None:
        for code, cov in coverages.items():
            parts += ["", week_grid(cov, week, schedule.zone, names.get(code))]
    return "\n".join(parts) + "\n"


def summary_line(cov: Coverage, name: str | None = None) -> str:
    """``Somali (so): 14 h covered, 25 h 30 min uncovered while the helpline is open
    (9 gaps)``."""
    gaps = cov.gaps
    count = f" ({len(gaps)} gap{'s' if len(gaps) != 1 else ''})" if gaps else ""
    return (f"{_label(cov.language, name)}: {_duration(cov.covered_time)} covered, "
            f"{_duration(cov.gap_time)} uncovered while the helpline is open{count}")


def week_grid(cov: Coverage, week: str, zone: ZoneInfo, name: str | None = None) -> str:
    """The hours × days grid of one language's coverage over ISO ``week``, its legend,
    the gaps one by one, and its summary line."""
    monday = parse_iso_week(week)
    days = [monday + timedelta(days=i) for i in range(7)]
    sunday = days[-1]
    lines = [
        f"{_label(cov.language, name)}, week {week}: Monday {monday.day} "
        f"{_MONTHS[monday.month - 1]} to Sunday {sunday.day} {_MONTHS[sunday.month - 1]} "
        f"{sunday.year}, {zone.key}",
        "",
        " " * 5 + "".join(f"{day.short.title():>{_CELL}}" for day in Weekday),
        " " * 5 + "".join(f"{day.day:>{_CELL}}" for day in days),
    ]
    gaps = cov.gaps
    for hour in range(24):
        span = TimeSpan(time(hour), time((hour + 1) % 24))
        cells = [_cell(cov, gaps, *span_instants(day, span, zone)) for day in days]
        lines.append(f"{hour:02d}-{hour + 1:02d}" + "".join(f"{c:>{_CELL}}" for c in cells))
    lines += ["", LEGEND, ""]
    lines.append(f"Gaps while open ({len(gaps)}):" if gaps else "No gaps while open.")
    lines += [f"  {_stretch(gap, zone)}" for gap in gaps]
    lines += ["", summary_line(cov, name)]
    return "\n".join(lines)


def _cell(cov: Coverage, gaps: list[Interval], start: datetime, end: datetime) -> str:
    if start >= end:
        return "-"
    if any(gap.start < end and start < gap.end for gap in gaps):
        return "!!"
    parts = [(max(o.start, start), min(o.end, end)) for o in cov.open
             if o.start < end and start < o.end] or [(start, end)]
    fewest = min(
        step.count
        for step in cov.steps
        for begin, finish in parts
        if step.start < finish and begin < step.end
    )
    return "." if fewest == 0 else str(fewest)


def _stretch(interval: Interval, zone: ZoneInfo) -> str:
    """``Mon 30 Nov 09:00-10:00``, ``Mon 30 Nov 21:00-24:00``, or with both dates."""
    start, end = interval.start.astimezone(zone), interval.end.astimezone(zone)
    first = f"{Weekday(start.weekday()).short.title()} {start.day} {_MONTHS[start.month - 1][:3]}"
    if end.date() == start.date():
        return f"{first} {start:%H:%M}-{end:%H:%M}"
    if end.date() == start.date() + timedelta(days=1) and end.time() == time(0):
        return f"{first} {start:%H:%M}-24:00"
    last = f"{Weekday(end.weekday()).short.title()} {end.day} {_MONTHS[end.month - 1][:3]}"
    return f"{first} {start:%H:%M} to {last} {end:%H:%M}"


def _duration(amount: timedelta) -> str:
    minutes = int(amount.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        return f"{hours} h {minutes} min"
    return f"{minutes} min" if minutes else f"{hours} h"


def _label(code: str, name: str | None) -> str:
    return f"{name} ({code})" if name else code
