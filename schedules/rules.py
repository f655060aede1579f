"""Who is on shift when: the schedule's rules turned into real time.

- A weekly shift happens on every date with its weekday; an extra shift on its
  date. Each is placed on the clock by the rule in :mod:`schedules.timezones`. A
  shift that runs past midnight belongs to the date it starts on.
- Exceptions cut shifts where they overlap, whatever the shift: a closure of the
  whole helpline removes everybody, a closure of some languages removes those
  languages (a volunteer on for Somali and Arabic stays on for Somali when Arabic
  is closed), and an away range removes the volunteer. An away range or a closure
  covers whole local days, so a shift from 22:00 into an away day ends at midnight.
- Opening hours decide only which uncovered time counts as a gap; volunteers on
  shift outside them still take calls.

Two ways to ask are offered, on purpose independent: :func:`occurrences` and
:func:`open_intervals` cut whole shifts and opening hours into intervals (what
coverage and :class:`~schedules.roster.Roster` use), while :func:`on_shift_at` and
:func:`is_open` apply the rules to one instant, straight from their wording. The
tests hold each way to the other, minute by minute.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from schedules.intervals import Interval, clip, subtract
from schedules.model import ExtraShift, Schedule, TimeSpan, WeeklyShift
from schedules.timezones import days_instants, require_aware, span_instants

_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Occurrence:
    """A volunteer on shift for ``languages`` from ``start`` to ``end`` (UTC), after
    exceptions."""

    volunteer: str
    languages: frozenset[str]
    start: datetime
    end: datetime


@dataclass(frozen=True)
class _Cut:
    """A stretch of real time where some languages (None: all) are taken away."""

    start: datetime
    end: datetime
    languages: frozenset[str] | None


def occurrences(schedule: Schedule, start: datetime, end: datetime) -> list[Occurrence]:
    """Every stretch of ``[start, end)`` that some volunteer is on shift, with the
    languages she is on for; a shift cut by an exception gives several pieces."""
    require_aware(start)
    require_aware(end)
    zone = schedule.zone
    first_day = start.astimezone(zone).date() - _ONE_DAY  # a shift from the day before
    last_day = end.astimezone(zone).date()
    closures = [
        _Cut(*days_instants(c.first, c.last, zone), c.languages)
        for c in schedule.closures
        if c.first <= last_day and first_day <= c.last
    ]
    away: dict[str, list[_Cut]] = defaultdict(list)
    for a in schedule.away:
        if a.first <= last_day and first_day <= a.last:
            away[a.volunteer].append(_Cut(*days_instants(a.first, a.last, zone), None))
    found: list[Occurrence] = []
    for day, shift in _shifts_on(schedule, first_day, last_day):
        begin, finish = span_instants(day, shift.span, zone)
        begin, finish = max(begin, start), min(finish, end)
        if begin < finish:
            found.extend(_cut(shift.volunteer, shift.languages, begin, finish,
                              [*closures, *away.get(shift.volunteer, ())]))
    return found


def on_shift_at(schedule: Schedule, language: str, at: datetime) -> frozenset[str]:
    """Volunteers on shift for ``language`` at instant ``at``, from the rules alone.

    This reads every rule on each call; :class:`~schedules.roster.Roster` answers
    the same question from an index and is the one to use on a call.
    """
    zone = schedule.zone
    today = require_aware(at).astimezone(zone).date()
    if any(c.first <= today <= c.last and c.closes(language) for c in schedule.closures):
        return frozenset()
    away = {a.volunteer for a in schedule.away if a.first <= today <= a.last}
    on: set[str] = set()
    for day, shift in _shifts_on(schedule, today - _ONE_DAY, today):
        if language in shift.languages and shift.volunteer not in away:
            begin, finish = span_instants(day, shift.span, zone)
            if begin <= at < finish:
                on.add(shift.volunteer)
    return frozenset(on)


def open_intervals(
    schedule: Schedule, language: str, start: datetime, end: datetime
) -> list[Interval]:
    """When the helpline is open for ``language`` within ``[start, end)``: its opening
    hours (all the time if it has none) minus closures of the helpline or of the
    language."""
    require_aware(start)
    require_aware(end)
    zone = schedule.zone
    if schedule.opening_hours is None:
        base = [Interval(start, end)] if start < end else []
    else:
        first_day = start.astimezone(zone).date() - _ONE_DAY
        spans: dict[int, list[TimeSpan]] = defaultdict(list)
        for opening in schedule.opening_hours:
            spans[opening.weekday].append(opening.span)
        base = []
        for day in _dates(first_day, end.astimezone(zone).date()):
            for span in spans.get(day.weekday(), ()):
                begin, finish = span_instants(day, span, zone)
                if begin < finish:
                    base.append(Interval(begin, finish))
    closed = [
        Interval(*days_instants(c.first, c.last, zone))
        for c in schedule.closures
        if c.closes(language)
    ]
    return clip(subtract(base, closed), start, end)


def is_open(schedule: Schedule, language: str, at: datetime) -> bool:
    """True when the helpline is open for ``language`` at instant ``at`` (opening hours
    and closures; who is on shift does not matter). Read from the rules at that
    instant, like :func:`on_shift_at`."""
    zone = schedule.zone
    today = require_aware(at).astimezone(zone).date()
    if any(c.first <= today <= c.last and c.closes(language) for c in schedule.closures):
        return False
    if schedule.opening_hours is None:
        return True
    for day in (today - _ONE_DAY, today):
        for opening in schedule.opening_hours:
            if opening.weekday == day.weekday():
                begin, finish = span_instants(day, opening.span, zone)
                if begin <= at < finish:
                    return True
    return False


def _shifts_on(
    schedule: Schedule, first: date, last: date
) -> Iterator[tuple[date, WeeklyShift | ExtraShift]]:
    """Each shift starting on a date from ``first`` to ``last``, with that date."""
    weekly: dict[int, list[WeeklyShift]] = defaultdict(list)
    for shift in schedule.weekly:
        weekly[shift.weekday].append(shift)
    extra: dict[date, list[ExtraShift]] = defaultdict(list)
    for one_off in schedule.extra:
        if first <= one_off.day <= last:
            extra[one_off.day].append(one_off)
    for day in _dates(first, last):
        yield from ((day, shift) for shift in weekly.get(day.weekday(), ()))
        yield from ((day, shift) for shift in extra.get(day, ()))


def _dates(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += _ONE_DAY


def _cut(
    volunteer: str,
    languages: frozenset[str],
    start: datetime,
    end: datetime,
    cuts: list[_Cut],
) -> list[Occurrence]:
    """The pieces of one shift left by ``cuts``, each with the languages left in it
    (neighbouring pieces with the same languages are joined)."""
    relevant = [c for c in cuts if c.start < end and start < c.end]
    inner = (t for c in relevant for t in (c.start, c.end) if start < t < end)
    edges = sorted({start, end, *inner})
    pieces: list[Occurrence] = []
    for begin, finish in zip(edges, edges[1:], strict=False):
        left = languages
        for c in relevant:
            if c.start <= begin and finish <= c.end:
                left = frozenset() if c.languages is None else left - c.languages
        if not left:
            continue
        if pieces and pieces[-1].end == begin and pieces[-1].languages == left:
            pieces[-1] = Occurrence(volunteer, left, pieces[-1].start, finish)
        else:
            pieces.append(Occurrence(volunteer, left, begin, finish))
    return pieces
