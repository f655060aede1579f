"""The coverage heatmap as plain values: languages x hours of one week.

Pure (no Flask, no database): from a :class:`schedules.model.Schedule` and an
ISO week to, per language and local hour, how many volunteers are on shift (the
fewest during that hour, so a half-hour hole shows), who they are, and whether
the hour is a gap (the helpline is open for the language and nobody is on).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from schedules.coverage import Coverage, week_coverage
from schedules.intervals import Interval
from schedules.model import Schedule
from schedules.timezones import parse_iso_week


@dataclass(frozen=True)
class Cell:
    fewest: int  # the fewest volunteers on shift at any moment of the hour
    volunteers: frozenset[str]  # everyone on shift at some moment of the hour
    open: bool  # the helpline is open for the language during (part of) the hour
    gap: bool  # open, and nobody on shift at some moment while open

    @property
    def level(self) -> str:
        """The colour class: ``gap``, ``closed``, ``c1``, ``c2`` or ``c3`` (3 or more)."""
        if self.gap:
            return "gap"
        if self.fewest == 0 and not self.volunteers:
            return "closed" if not self.open else "gap"
        return f"c{min(max(self.fewest, 1), 3)}"


HOURS = 7 * 24


def hour_starts(week: str, schedule: Schedule) -> list[tuple[datetime, datetime]]:
    """The 168 local hours of the week as UTC ``(start, end)`` pairs (an hour that
    a clock change skips has no length; one it repeats is twice as long)."""
    zone = schedule.zone
    monday = parse_iso_week(week)
    bounds = []
    for index in range(HOURS + 1):
        day = monday + timedelta(days=index // 24)
        local = datetime.combine(day, time(index % 24), zone)
        bounds.append(local.astimezone(UTC))
    return [(bounds[i], bounds[i + 1]) for i in range(HOURS)]


def _overlaps(a_start: datetime, a_end: datetime, b: Interval) -> bool:
    return a_start < b.end and b.start < a_end


def cells(cov: Coverage, hours: Sequence[tuple[datetime, datetime]]) -> list[Cell]:
    result = []
    gaps = cov.gaps
    for start, end in hours:
        if not start < end:
            result.append(Cell(0, frozenset(), False, False))
            continue
        inside = [s for s in cov.steps if s.start < end and start < s.end]
        fewest = min((s.count for s in inside), default=0)
        people = frozenset().union(*(s.volunteers for s in inside))
        is_open = any(_overlaps(start, end, o) for o in cov.open)
        gap = any(_overlaps(start, end, g) for g in gaps)
        result.append(Cell(fewest, people, is_open, gap))
    return result


def heatmap(schedule: Schedule, week: str, languages: Sequence[str]) -> dict[str, list[Cell]]:
    """Per language (in the order given), the 168 hour cells of ``week``."""
    hours = hour_starts(week, schedule)
    covs = week_coverage(schedule, week, languages)
    return {code: cells(covs[code], hours) for code in languages}
