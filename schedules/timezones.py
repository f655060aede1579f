"""From local wall-clock times to instants, including on clock-change nights.

The rule (the same for shifts, opening hours, closures and away days):

    A span covers every moment at which the local clock shows a time from its
    start up to, not including, its end. It begins at the first moment the clock
    shows its start (or later) and ends at the last moment the clock shows a time
    before its end.

What that means when the clocks change:

- Spring (a wall time that does not exist, e.g. 02:30 on 2026-03-29 in Oslo) —
  both a start and an end move forward to the first instant after the gap
  (03:00 summer time). A 01:00-04:00 shift lasts 2 real hours; a 02:00-03:00
  shift does not happen at all.
- Autumn (a wall time that happens twice, e.g. 02:30 on 2026-10-25 in Oslo) —
  a start takes the first occurrence, an end the second, because the clock
  shows times before 02:30 again after falling back. A 01:00-04:00 shift lasts
  4 real hours; 02:00-03:00 lasts 2. An end exactly where the repeat begins
  (02:00 in Oslo) is the first 02:00: the clock shows nothing earlier than 02:00
  after that.

Why: two shifts that meet on the clock (one ends at 02:30, the next starts at
02:30) never leave a gap between them, on any night; at worst, in autumn, both
volunteers are on for the repeated hour. Every instant the clock shows a shift's
hours is covered, so a volunteer is on shift whenever her own clock says so.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from schedules.model import MIDNIGHT, TimeSpan

_ONE_DAY = timedelta(days=1)
_TICK = timedelta(microseconds=1)
_ISO_WEEK = re.compile(r"(\d{4})-W(\d{2})")


def require_aware(at: datetime) -> datetime:
    """``at`` itself; raises ValueError for a naive datetime, which has no instant."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"{at} has no time zone; pass an aware datetime")
    return at


def reading(at: datetime, zone: ZoneInfo) -> datetime:
    """What the local clock shows at instant ``at`` (a naive datetime)."""
    return at.astimezone(zone).replace(tzinfo=None, fold=0)


def wall_start(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The first instant at which the clock shows ``at`` on ``day``, or a later time
    (UTC)."""
    wall = datetime.combine(day, at)
    first, second = _candidates(wall, zone)
    if first == second or reading(first, zone) == wall:
        return first
    return _first_at_least(wall, first, second, zone)


def wall_end(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The instant just after the last moment the clock shows a time before ``at`` on
    ``day`` (UTC)."""
    wall = datetime.combine(day, at)
    first, second = _candidates(wall, zone)
    if first == second:
        return first
    if reading(first, zone) != wall:  # in a spring gap
        return _first_at_least(wall, first, second, zone)
    if reading(second - _TICK, zone) < wall:  # the clock fell back before `second`
        return second
    return first


def span_instants(day: date, span: TimeSpan, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """Start and end (UTC) of ``span`` on ``day``; they are equal when the clock skips
    the whole span."""
    end_day = day + _ONE_DAY if span.ends_next_day else day
    return wall_start(day, span.start, zone), wall_end(end_day, span.end, zone)


def days_instants(first: date, last: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """Start and end (UTC) of the local days ``first`` to ``last``, both included."""
    return wall_start(first, MIDNIGHT, zone), wall_end(last + _ONE_DAY, MIDNIGHT, zone)


def local_pieces(start: datetime, end: datetime, zone: ZoneInfo) -> list[tuple[datetime, datetime]]:
    """The wall-clock readings shown during ``[start, end)``, as naive ``[from, to)``
    pairs: one pair for each stretch with one UTC offset (in autumn two pairs can
    overlap). Assumes, like every real zone, at most one offset change a day."""
    pieces: list[tuple[datetime, datetime]] = []
    while start < end:
        offset = start.astimezone(zone).utcoffset()

        def changed(at: datetime, offset: timedelta | None = offset) -> bool:
            return at.astimezone(zone).utcoffset() != offset

        cut = start
        while cut < end and not changed(cut):  # a day at a time, until the offset changes
            probe = min(end, cut + _ONE_DAY)
            if changed(probe - _TICK):
                cut = _first_instant(cut, probe - _TICK, changed)
                break
            cut = probe
        pieces.append((reading(start, zone), reading(start, zone) + (cut - start)))
        start = cut
    return pieces


def parse_iso_week(week: str) -> date:
    """The Monday of an ISO week written ``2026-W49``; ValueError otherwise."""
    match = _ISO_WEEK.fullmatch(week.strip())
    if match is None:
        raise ValueError(f"{week!r} is not an ISO week (write it like 2026-W49)")
    try:
        return date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        raise ValueError(f"{match[1]} has no week {match[2]}") from None


def iso_week(day: date) -> str:
    """The ISO week ``day`` falls in, written ``2026-W49``."""
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_instants(week: str, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """Start and end (UTC) of an ISO week in local time: Monday 00:00 to the next
    Monday 00:00."""
    monday = parse_iso_week(week)
    return days_instants(monday, monday + timedelta(days=6), zone)


def _candidates(wall: datetime, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """``wall`` read with the earlier and the later of the two offsets around it (the
    same instant twice on an ordinary day), as UTC instants in time order."""
    one = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    two = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    return (one, two) if one <= two else (two, one)


def _first_at_least(wall: datetime, low: datetime, high: datetime, zone: ZoneInfo) -> datetime:
    """First instant in ``(low, high]`` at which the clock shows ``wall`` or later."""
    return _first_instant(low, high, lambda t: reading(t, zone) >= wall)


def _first_instant(
    low: datetime, high: datetime, after: Callable[[datetime], bool]
) -> datetime:
    """The first instant in ``(low, high]`` (to the microsecond) where ``after`` holds,
    for a predicate false at ``low`` that stays true once it turns true."""
    while high - low > _TICK:
        middle = low + (high - low) / 2
        if after(middle):
            high = middle
        else:
            low = middle
    return high
