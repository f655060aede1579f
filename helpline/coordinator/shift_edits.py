"""Edits of a :class:`schedules.model.Schedule` as a coordinator makes them, one
language at a time. Pure: each function returns a new schedule; the schedules
package validates the result (overlaps, languages she does not speak) when it is
saved.

A shift for several languages (``so, ar``) edited from one language's page is
split: only that language is moved or removed, the others stay as they were.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date
from typing import Literal

from schedules.model import (
    Away,
    Closure,
    ExtraShift,
    Schedule,
    TimeSpan,
    Weekday,
    WeeklyShift,
)

Kind = Literal["weekly", "extra", "away", "closure"]
KINDS: tuple[Kind, ...] = ("weekly", "extra", "away", "closure")


Rule = WeeklyShift | ExtraShift | Away | Closure


class StaleEdit(ValueError):
    """The rule to change is no longer where the page saw it (the schedule changed)."""


def token(rule: Rule) -> str:
    """A short fingerprint of a rule, so an edit applies to the rule the page showed."""
    return hashlib.sha256(repr(rule.sort_key()).encode()).hexdigest()[:12]


def rules(schedule: Schedule, kind: Kind) -> tuple[Rule, ...]:
    if kind == "weekly":
        return schedule.weekly
    if kind == "extra":
        return schedule.extra
    if kind == "away":
        return schedule.away
    return schedule.closures


def _pick(schedule: Schedule, kind: Kind, index: int, expected: str) -> Rule:
    found = rules(schedule, kind)
    if not 0 <= index < len(found) or token(found[index]) != expected:
        raise StaleEdit("the schedule was changed meanwhile; look at it again")
    return found[index]


def add_weekly(
    schedule: Schedule, volunteer: str, language: str, weekday: Weekday, span: TimeSpan
) -> Schedule:
    shift = WeeklyShift(volunteer, frozenset({language}), weekday, span)
    return replace(schedule, weekly=(*schedule.weekly, shift))


def add_extra(
    schedule: Schedule, volunteer: str, language: str, day: date, span: TimeSpan
) -> Schedule:
    shift = ExtraShift(volunteer, frozenset({language}), day, span)
    return replace(schedule, extra=(*schedule.extra, shift))


def add_away(schedule: Schedule, volunteer: str, first: date, last: date) -> Schedule:
    return replace(schedule, away=(*schedule.away, Away(volunteer, first, last)))


def add_closure(
    schedule: Schedule, first: date, last: date, languages: frozenset[str] | None
) -> Schedule:
    return replace(schedule, closures=(*schedule.closures, Closure(first, last, languages)))


def remove(schedule: Schedule, kind: Kind, index: int, expected: str, language: str) -> Schedule:
    """Remove ``language`` from a shift (the whole shift if it was its only language),
    or remove an away or closure rule."""
    rule = _pick(schedule, kind, index, expected)
    if isinstance(rule, WeeklyShift):
        weekly = [s for i, s in enumerate(schedule.weekly) if i != index]
        if rule.languages - {language}:
            weekly.append(replace(rule, languages=rule.languages - {language}))
        return replace(schedule, weekly=tuple(weekly))
    if isinstance(rule, ExtraShift):
        extra = [s for i, s in enumerate(schedule.extra) if i != index]
        if rule.languages - {language}:
            extra.append(replace(rule, languages=rule.languages - {language}))
        return replace(schedule, extra=tuple(extra))
    if isinstance(rule, Away):
        return replace(schedule, away=tuple(a for i, a in enumerate(schedule.away) if i != index))
    closures = tuple(c for i, c in enumerate(schedule.closures) if i != index)
    return replace(schedule, closures=closures)


def move_weekly(
    schedule: Schedule,
    index: int,
    expected: str,
    language: str,
    weekday: Weekday,
    span: TimeSpan,
) -> Schedule:
    """Move ``language``'s part of a weekly shift to another day or time."""
    rule = _pick(schedule, "weekly", index, expected)
    assert isinstance(rule, WeeklyShift)
    return add_weekly(remove(schedule, "weekly", index, expected, language),
                      rule.volunteer, language, weekday, span)
