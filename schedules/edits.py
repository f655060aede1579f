"""TEMPORARY stand-in (replaced by the comment-keeping implementation): the edit
API over the old model-and-dump approach."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date

from schedules.model import Away, Closure, ExtraShift, Schedule, TimeSpan, Weekday, WeeklyShift
from schedules.yaml_io import _combine, _read, dump
from schedules.yaml_nodes import NodeReader

Texts = Mapping[str, str]
Rule = WeeklyShift | ExtraShift | Away | Closure


class StaleEdit(ValueError):
    pass


def _schedule(texts: Texts, timezone: str) -> Schedule:
    if not texts:
        return Schedule(timezone=timezone)
    return _combine([_read(NodeReader(f), t) for f, t in texts.items()], [])


def _rules(schedule: Schedule, rule: Rule) -> tuple[Rule, ...]:
    if isinstance(rule, WeeklyShift):
        return schedule.weekly
    if isinstance(rule, ExtraShift):
        return schedule.extra
    if isinstance(rule, Away):
        return schedule.away
    return schedule.closures


def add_weekly(texts: Texts, volunteer: str, languages: frozenset[str], weekday: Weekday,
               span: TimeSpan, *, timezone: str) -> dict[str, str]:
    s = _schedule(texts, timezone)
    return dump(replace(s, weekly=(*s.weekly, WeeklyShift(volunteer, languages, weekday, span))))


def add_extra(texts: Texts, volunteer: str, languages: frozenset[str], day: date,
              span: TimeSpan, *, timezone: str) -> dict[str, str]:
    s = _schedule(texts, timezone)
    return dump(replace(s, extra=(*s.extra, ExtraShift(volunteer, languages, day, span))))


def add_away(texts: Texts, volunteer: str, first: date, last: date, *, timezone: str
             ) -> dict[str, str]:
    s = _schedule(texts, timezone)
    return dump(replace(s, away=(*s.away, Away(volunteer, first, last))))


def add_closure(texts: Texts, first: date, last: date, languages: frozenset[str] | None, *,
                timezone: str) -> dict[str, str]:
    s = _schedule(texts, timezone)
    return dump(replace(s, closures=(*s.closures, Closure(first, last, languages))))


def _remove(s: Schedule, rule: Rule, language: str | None) -> Schedule:
    found = _rules(s, rule)
    if rule not in found:
        raise StaleEdit("the schedule was changed meanwhile")
    index = found.index(rule)
    rest = [r for i, r in enumerate(found) if i != index]
    if isinstance(rule, WeeklyShift | ExtraShift) and language and rule.languages - {language}:
        rest.append(replace(rule, languages=rule.languages - {language}))
    if isinstance(rule, WeeklyShift):
        return replace(s, weekly=tuple(rest))  # type: ignore[arg-type]
    if isinstance(rule, ExtraShift):
        return replace(s, extra=tuple(rest))  # type: ignore[arg-type]
    if isinstance(rule, Away):
        return replace(s, away=tuple(rest))  # type: ignore[arg-type]
    return replace(s, closures=tuple(rest))  # type: ignore[arg-type]


def remove(texts: Texts, rule: Rule, language: str | None = None) -> dict[str, str]:
    return dump(_remove(_schedule(texts, "UTC"), rule, language))


def move_weekly(texts: Texts, rule: WeeklyShift, language: str, weekday: Weekday,
                span: TimeSpan) -> dict[str, str]:
    s = _remove(_schedule(texts, "UTC"), rule, language)
    shift = WeeklyShift(rule.volunteer, frozenset({language}), weekday, span)
    return dump(replace(s, weekly=(*s.weekly, shift)))
