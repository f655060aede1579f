"""Stretches of real time and the arithmetic on them: merge, cut, intersect, and the
step function "who is on during each stretch".

Instants are aware datetimes (the rules produce UTC); an interval includes its start
and excludes its end.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True, order=True)
class Interval:
    """``[start, end)``, with ``start < end``."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if not self.start < self.end:
            raise ValueError(f"an interval must end after it starts: {self.start} .. {self.end}")

    @property
    def duration(self) -> timedelta:
        return self.end - self.start


@dataclass(frozen=True)
class Step:
    """A stretch during which the same volunteers are on shift (maybe nobody)."""

    start: datetime
    end: datetime
    volunteers: frozenset[str]

    @property
    def count(self) -> int:
        """How many volunteers are on shift during the step."""
        return len(self.volunteers)


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """The same instants as sorted, disjoint intervals (touching ones joined)."""
    merged: list[Interval] = []
    for interval in sorted(intervals):
        if merged and interval.start <= merged[-1].end:
            if interval.end > merged[-1].end:
                merged[-1] = Interval(merged[-1].start, interval.end)
        else:
            merged.append(interval)
    return merged


def subtract(base: Iterable[Interval], cuts: Iterable[Interval]) -> list[Interval]:
    """The instants of ``base`` that are in none of ``cuts`` (sorted, disjoint)."""
    remaining = merge(base)
    for cut in merge(cuts):
        pieces: list[Interval] = []
        for interval in remaining:
            if cut.end <= interval.start or interval.end <= cut.start:
                pieces.append(interval)
                continue
            if interval.start < cut.start:
                pieces.append(Interval(interval.start, cut.start))
            if cut.end < interval.end:
                pieces.append(Interval(cut.end, interval.end))
        remaining = pieces
    return remaining


def clip(intervals: Iterable[Interval], start: datetime, end: datetime) -> list[Interval]:
    """The parts of ``intervals`` inside ``[start, end)`` (sorted, disjoint)."""
    inside = (
        Interval(max(i.start, start), min(i.end, end))
        for i in intervals
        if i.start < end and start < i.end
    )
    return merge(inside)


def total(intervals: Iterable[Interval]) -> timedelta:
    """How much time the intervals cover together (overlaps counted once)."""
    return sum((i.duration for i in merge(intervals)), timedelta())


def steps(
    stints: Iterable[tuple[datetime, datetime, str]], start: datetime, end: datetime
) -> list[Step]:
    """The step function of who is on over ``[start, end)``.

    ``stints`` are ``(start, end, volunteer)``; a volunteer may appear in overlapping
    stints and still counts once. The steps cover the whole range without gaps
    (a step with nobody where nobody is on), and neighbouring steps differ.
    """
    changes: dict[datetime, Counter[str]] = {}
    for begin, finish, volunteer in stints:
        begin, finish = max(begin, start), min(finish, end)
        if begin < finish:
            changes.setdefault(begin, Counter())[volunteer] += 1
            changes.setdefault(finish, Counter())[volunteer] -= 1
    on: Counter[str] = Counter()
    result: list[Step] = []
    cursor, current = start, frozenset[str]()
    for instant in sorted(changes):
        on.update(changes[instant])
        now_on = frozenset(name for name, count in on.items() if count > 0)
        if now_on == current:
            continue
        if cursor < instant:
            result.append(Step(cursor, instant, current))
        cursor, current = instant, now_on
    if cursor < end:
        result.append(Step(cursor, end, current))
    return result
