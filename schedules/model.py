"""The schedule model: recurring weekly shifts, dated exceptions, opening hours.

Every time in the model is a local wall-clock time in the helpline's time zone;
:mod:`schedules.timezones` turns them into instants. Volunteers are named by a
stable key (``amina-h``), never by phone number. Each rule may carry the
:class:`Source` it was read from, so problems can name a file and a line; the
source takes no part in equality.

Conventions shared by every :class:`TimeSpan`:

- times are whole minutes;
- an end at or before the start is on the next day: ``22:00-02:00`` runs past
  midnight and ``10:00-24:00`` ends at midnight (24:00 is stored as ``time(0)``);
- ``00:00-24:00`` is the whole day; any other span with equal ends has no length
  and is refused;
- a span that runs past midnight may last at most twelve hours, so that
  ``14:00-10:00`` (swapped times, most likely) is refused instead of becoming a
  twenty-hour shift.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MINUTES_PER_DAY = 24 * 60
MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY
MAX_OVERNIGHT_MINUTES = 12 * 60
MIDNIGHT = time(0)

_ENGLISH_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class Weekday(enum.IntEnum):
    """Day of the week, numbered like :meth:`datetime.date.weekday` (Monday is 0)."""

    MON = 0
    TUE = 1
    WED = 2
    THU = 3
    FRI = 4
    SAT = 5
    SUN = 6

    @property
    def short(self) -> str:
        """The three-letter name used in schedule files: ``mon`` ... ``sun``."""
        return self.name.lower()

    @property
    def english(self) -> str:
        """The full English name: ``Monday`` ... ``Sunday``."""
        return _ENGLISH_DAYS[self]


def weekday_groups(days: Iterable[Weekday]) -> list[tuple[Weekday, ...]]:
    """The days in week order, grouped as they are best said: three or more
    consecutive days make one group (a range, "mon-fri"), any other day is a group
    of its own."""
    runs: list[list[Weekday]] = []
    for day in sorted(set(days)):
        if runs and runs[-1][-1] + 1 == day:
            runs[-1].append(day)
        else:
            runs.append([day])
    return [group for run in runs
            for group in ([tuple(run)] if len(run) >= 3 else [(day,) for day in run])]


@dataclass(frozen=True)
class Source:
    """Where a rule was written: a file name and a 1-based line number."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


def minute_of_day(at: time) -> int:
    """Minutes since midnight of a wall-clock time."""
    return at.hour * 60 + at.minute


def format_time(at: time, *, end: bool = False) -> str:
    """``HH:MM``; an ``end`` at midnight is written ``24:00``."""
    if end and at == MIDNIGHT:
        return "24:00"
    return f"{at.hour:02d}:{at.minute:02d}"


@dataclass(frozen=True)
class TimeSpan:
    """A stretch of wall-clock time on one day, possibly running past midnight."""

    start: time
    end: time

    def __post_init__(self) -> None:
        for at in (self.start, self.end):
            if at.second or at.microsecond or at.tzinfo is not None:
                raise ValueError(f"times must be whole minutes without a time zone, not {at}")
        if self.start == self.end and self.start != MIDNIGHT:
            raise ValueError(f"{self} has no length: it starts and ends at the same time")
        if self.crosses_midnight and self.minutes > MAX_OVERNIGHT_MINUTES:
            hours = self.minutes / 60
            raise ValueError(
                f"{self} ends before it starts; if it really runs past midnight it would "
                f"last {hours:g} hours, and a span past midnight may last at most "
                f"{MAX_OVERNIGHT_MINUTES // 60}"
            )

    @property
    def start_minute(self) -> int:
        """Minutes from the day's midnight to the start."""
        return minute_of_day(self.start)

    @property
    def end_minute(self) -> int:
        """Minutes from the start day's midnight to the end (more than a day if it ends
        on the next day)."""
        end = minute_of_day(self.end)
        return end + MINUTES_PER_DAY if self.ends_next_day else end

    @property
    def minutes(self) -> int:
        """Length on the wall clock (real length differs on clock-change nights)."""
        return self.end_minute - self.start_minute

    @property
    def ends_next_day(self) -> bool:
        """True when the end is on the next date (including an end at 24:00)."""
        return self.end <= self.start

    @property
    def crosses_midnight(self) -> bool:
        """True when the span goes on after midnight (an end at 24:00 does not)."""
        return self.ends_next_day and self.end != MIDNIGHT

    def __str__(self) -> str:
        return f"{format_time(self.start)}-{format_time(self.end, end=True)}"


@dataclass(frozen=True)
class WeeklyShift:
    """A volunteer on shift for some languages every week, on one weekday."""

    volunteer: str
    languages: frozenset[str]
    weekday: Weekday
    span: TimeSpan
    source: Source | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        _require_languages(self.languages)

    def sort_key(self) -> tuple[object, ...]:
        return (self.weekday, self.span.start, self.span.end, self.volunteer,
                sorted(self.languages))


@dataclass(frozen=True)
class ExtraShift:
    """A one-off shift on a given date, in addition to the weekly ones."""

    volunteer: str
    languages: frozenset[str]
    day: date
    span: TimeSpan
    source: Source | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        _require_languages(self.languages)

    def sort_key(self) -> tuple[object, ...]:
        return (self.day, self.span.start, self.span.end, self.volunteer, sorted(self.languages))


@dataclass(frozen=True)
class Away:
    """A volunteer away from ``first`` to ``last`` (whole local days, both included):
    her shifts are cut where they overlap those days."""

    volunteer: str
    first: date
    last: date
    source: Source | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        _require_ordered(self.first, self.last)

    def sort_key(self) -> tuple[object, ...]:
        return (self.first, self.last, self.volunteer)


@dataclass(frozen=True)
class Closure:
    """The helpline (``languages`` is None) or some languages closed from ``first`` to
    ``last`` (whole local days, both included). A closure cuts every shift."""

    first: date
    last: date
    languages: frozenset[str] | None = None
    source: Source | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        _require_ordered(self.first, self.last)
        if self.languages is not None:
            _require_languages(self.languages)

    def closes(self, language: str) -> bool:
        """True when this closure applies to ``language``."""
        return self.languages is None or language in self.languages

    def sort_key(self) -> tuple[object, ...]:
        languages = () if self.languages is None else tuple(sorted(self.languages))
        return (self.first, self.last, self.languages is not None, languages)


@dataclass(frozen=True)
class OpenSpan:
    """Part of the helpline's opening hours: open on ``weekday`` during ``span``."""

    weekday: Weekday
    span: TimeSpan
    source: Source | None = field(default=None, compare=False)

    def sort_key(self) -> tuple[object, ...]:
        return (self.weekday, self.span.start, self.span.end)


@dataclass(frozen=True)
class Schedule:
    """Everything that decides who is on shift when, for one helpline.

    ``opening_hours`` is None when the helpline gave none: it is then taken to be
    open around the clock (every uncovered minute is a gap). Rules are kept in a
    canonical order, so two schedules with the same rules are equal however they
    were written.
    """

    timezone: str
    weekly: tuple[WeeklyShift, ...] = ()
    extra: tuple[ExtraShift, ...] = ()
    away: tuple[Away, ...] = ()
    closures: tuple[Closure, ...] = ()
    opening_hours: tuple[OpenSpan, ...] | None = None

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {self.timezone!r}") from error
        object.__setattr__(self, "weekly", tuple(sorted(self.weekly, key=WeeklyShift.sort_key)))
        object.__setattr__(self, "extra", tuple(sorted(self.extra, key=ExtraShift.sort_key)))
        object.__setattr__(self, "away", tuple(sorted(self.away, key=Away.sort_key)))
        object.__setattr__(self, "closures", tuple(sorted(self.closures, key=Closure.sort_key)))
        if self.opening_hours is not None:
            hours = tuple(sorted(self.opening_hours, key=OpenSpan.sort_key))
            object.__setattr__(self, "opening_hours", hours)

    @property
    def zone(self) -> ZoneInfo:
        """The time zone (``ZoneInfo`` instances are cached, so this is cheap)."""
        return ZoneInfo(self.timezone)

    @property
    def languages(self) -> frozenset[str]:
        """Every language some shift is for."""
        weekly = (shift.languages for shift in self.weekly)
        extra = (shift.languages for shift in self.extra)
        return frozenset().union(*weekly, *extra)


@dataclass(frozen=True)
class ListedVolunteer:
    """A volunteer as listed in a volunteers file.

    ``languages`` pairs each language code she speaks with her level in it
    (``primary``, ``secondary`` or ``backup``: the service's routing tiers), in the
    order written. ``phone`` is in E.164 form (``+4799990101``).
    """

    key: str
    name: str
    phone: str
    languages: tuple[tuple[str, str], ...]
    preferred_language: str | None = None

    @property
    def speaks(self) -> frozenset[str]:
        """The codes of the languages she speaks."""
        return frozenset(code for code, _level in self.languages)


def _require_languages(languages: frozenset[str]) -> None:
    if not isinstance(languages, frozenset):
        raise TypeError(f"languages must be a frozenset, not {type(languages).__name__}")
    if not languages:
        raise ValueError("at least one language is needed")


def _require_ordered(first: date, last: date) -> None:
    if last < first:
        raise ValueError(f"the range ends ({last}) before it starts ({first})")
