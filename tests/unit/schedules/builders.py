"""Short ways to write schedules and instants in tests."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from schedules.model import Away, Closure, ExtraShift, OpenSpan, Schedule, WeeklyShift
from schedules.notation import parse_date_range, parse_dated_span, parse_weekly

OSLO = ZoneInfo("Europe/Oslo")
SPRING = "2026-03-29"  # Europe/Oslo: 02:00 CET -> 03:00 CEST
AUTUMN = "2026-10-25"  # Europe/Oslo: 03:00 CEST -> 02:00 CET

Rule = WeeklyShift | ExtraShift | Away | Closure


def local(text: str, *, fold: int = 0, zone: ZoneInfo = OSLO) -> datetime:
    """``2026-03-29 01:30`` in Oslo (``fold=1``: the second of a repeated time)."""
    return datetime.fromisoformat(text).replace(tzinfo=zone, fold=fold)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def weekly(volunteer: str, languages: str, when: str) -> list[WeeklyShift]:
    """``weekly("amina-h", "so ar", "mon,wed 10:00-14:00")``."""
    days, span = parse_weekly(when)
    return [WeeklyShift(volunteer, frozenset(languages.split()), day, span) for day in days]


def extra(volunteer: str, languages: str, when: str) -> ExtraShift:
    day, span = parse_dated_span(when)
    return ExtraShift(volunteer, frozenset(languages.split()), day, span)


def away(volunteer: str, dates: str) -> Away:
    return Away(volunteer, *parse_date_range(dates))


def closed(dates: str, languages: str | None = None) -> Closure:
    codes = None if languages is None else frozenset(languages.split())
    return Closure(*parse_date_range(dates), codes)


def opening(*entries: str) -> tuple[OpenSpan, ...]:
    """``opening("mon-fri 09:00-21:00", "sat 10:00-16:00")``."""
    spans: list[OpenSpan] = []
    for entry in entries:
        days, span = parse_weekly(entry)
        spans.extend(OpenSpan(day, span) for day in days)
    return tuple(spans)


def schedule(
    *rules: Rule | list[WeeklyShift],
    hours: tuple[OpenSpan, ...] | None = None,
    timezone: str = "Europe/Oslo",
) -> Schedule:
    flat: list[Rule] = []
    for rule in rules:
        flat.extend(rule if isinstance(rule, list) else [rule])
    return Schedule(
        timezone=timezone,
        weekly=tuple(r for r in flat if isinstance(r, WeeklyShift)),
        extra=tuple(r for r in flat if isinstance(r, ExtraShift)),
        away=tuple(r for r in flat if isinstance(r, Away)),
        closures=tuple(r for r in flat if isinstance(r, Closure)),
        opening_hours=hours,
    )

