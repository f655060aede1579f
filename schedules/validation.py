"""Checks of a schedule against the volunteers and languages the helpline knows.

The lists are arguments, never built in: ``known_languages`` is the set of language
codes (a mapping from code to English name gives nicer messages), ``volunteers``
maps each volunteer's key to the codes of the languages she speaks. The checks:

- every volunteer is known; every language code is known;
- a volunteer is scheduled only for languages she speaks;
- no volunteer has two shifts at the same time (weekly or extra, across files,
  on the wall clock);
- no extra shift falls while its volunteer is away or the helpline (or every
  language of the shift) is closed: it would never happen.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from datetime import date

from schedules.exceptions import Problem, did_you_mean, unique_problems
from schedules.model import (
    MINUTES_PER_DAY,
    MINUTES_PER_WEEK,
    Away,
    Closure,
    ExtraShift,
    Schedule,
    Source,
    WeeklyShift,
)
from schedules.notation import format_date_range

Shift = WeeklyShift | ExtraShift


def validate(
    schedule: Schedule,
    known_languages: Collection[str] | Mapping[str, str],
    volunteers: Mapping[str, Collection[str]],
) -> list[Problem]:
    """Every problem found, in file and line order; empty when the schedule is sound."""
    names = dict(known_languages) if isinstance(known_languages, Mapping) else {}
    checker = _Checker(set(known_languages), names, volunteers)
    shifts: list[Shift] = [*schedule.weekly, *schedule.extra]
    for rule in (*shifts, *schedule.away):
        checker.volunteer(rule)
    for shift in shifts:
        checker.languages(shift.languages, shift.source, speaker=shift.volunteer)
    for closure in schedule.closures:
        checker.languages(closure.languages or (), closure.source, speaker=None)
    checker.overlaps(shifts)
    checker.extras_that_never_happen(schedule.extra, schedule.away, schedule.closures)
    return unique_problems(sorted(checker.problems, key=_position))


def describe_shift(shift: Shift) -> str:
    """``mon 10:00-14:00`` or ``2026-12-24 10:00-13:00``, as written in files."""
    when = shift.weekday.short if isinstance(shift, WeeklyShift) else shift.day.isoformat()
    return f"{when} {shift.span}"


class _Checker:
    def __init__(
        self,
        known: set[str],
        names: Mapping[str, str],
        volunteers: Mapping[str, Collection[str]],
    ) -> None:
        self.known = known
        self.names = names
        self.speaks = volunteers
        self.problems: list[Problem] = []

    def report(self, source: Source | None, message: str) -> None:
        self.problems.append(Problem.at(source, message))

    def label(self, code: str) -> str:
        name = self.names.get(code)
        return f"{name} ({code})" if name else code

    def volunteer(self, rule: Shift | Away) -> None:
        if rule.volunteer not in self.speaks:
            self.report(rule.source, f"unknown volunteer {rule.volunteer!r}"
                        f"{did_you_mean(rule.volunteer, self.speaks)}")

    def languages(
        self, codes: Iterable[str], source: Source | None, *, speaker: str | None
    ) -> None:
        spoken = self.speaks.get(speaker) if speaker is not None else None
        for code in sorted(codes):
            if code not in self.known:
                hint = did_you_mean(code, self.known)
                self.report(source, f"unknown language code {code!r}{hint}")
            elif spoken is not None and code not in spoken:
                self.report(source, f"{speaker} is scheduled for {self.label(code)} "
                            "but does not speak it")

    def overlaps(self, shifts: list[Shift]) -> None:
        by_volunteer: dict[str, list[Shift]] = defaultdict(list)
        for shift in sorted(shifts, key=lambda s: _position(Problem.at(s.source, ""))):
            by_volunteer[shift.volunteer].append(shift)
        for volunteer, own in by_volunteer.items():
            for index, later in enumerate(own):
                for earlier in own[:index]:
                    if _overlap(earlier, later):
                        self.report(later.source, f"{volunteer} has two shifts at the same "
                                    f"time: {describe_shift(later)} here and "
                                    f"{describe_shift(earlier)}{_where(earlier.source, later)}")

    def extras_that_never_happen(
        self,
        extras: Iterable[ExtraShift],
        away: Iterable[Away],
        closures: Iterable[Closure],
    ) -> None:
        for shift in extras:
            for leave in away:
                if leave.volunteer == shift.volunteer and _during(shift, leave.first, leave.last):
                    self.report(shift.source, f"the extra shift {describe_shift(shift)} falls "
                                f"while {shift.volunteer} is away: "
                                f"{format_date_range(leave.first, leave.last)}"
                                f"{_where(leave.source, shift)}")
            for closure in closures:
                if closure.languages is None:
                    what = "the helpline is"
                elif shift.languages <= closure.languages:
                    codes = sorted(shift.languages)
                    what = f"{' and '.join(self.label(c) for c in codes)} " + (
                        "are" if len(codes) > 1 else "is")
                else:
                    continue
                if _during(shift, closure.first, closure.last):
                    self.report(shift.source, f"the extra shift {describe_shift(shift)} falls "
                                f"when {what} closed: "
                                f"{format_date_range(closure.first, closure.last)}"
                                f"{_where(closure.source, shift)}")


# Shifts are compared on a minute axis of local wall-clock time on which every
# Monday 00:00 is a multiple of a week: date.toordinal() is 1 on Monday 0001-01-01.


def _day_minute(day: date) -> int:
    return (day.toordinal() - 1) * MINUTES_PER_DAY


def _start_minute(shift: Shift) -> int:
    if isinstance(shift, WeeklyShift):
        return shift.weekday * MINUTES_PER_DAY + shift.span.start_minute
    return _day_minute(shift.day) + shift.span.start_minute


def _overlap(one: Shift, two: Shift) -> bool:
    """True when two shifts share some wall-clock time (a weekly one, in any week)."""
    start_one, length_one = _start_minute(one), one.span.minutes
    start_two, length_two = _start_minute(two), two.span.minutes
    if isinstance(one, ExtraShift) and isinstance(two, ExtraShift):
        return start_one < start_two + length_two and start_two < start_one + length_one
    # A weekly shift repeats every week and no shift lasts a week: compare modulo a week.
    return ((start_two - start_one) % MINUTES_PER_WEEK < length_one
            or (start_one - start_two) % MINUTES_PER_WEEK < length_two)


def _during(shift: ExtraShift, first: date, last: date) -> bool:
    """True when the extra shift has some time on the days ``first`` to ``last``."""
    start = _start_minute(shift)
    return start < _day_minute(last) + MINUTES_PER_DAY and _day_minute(first) < (
        start + shift.span.minutes)


def _where(source: Source | None, here: Shift) -> str:
    """`` (line 14)`` when ``source`` is in the file of ``here``, `` (other.yaml:14)``
    otherwise, nothing when it is not from a file."""
    if source is None:
        return ""
    same_file = here.source is not None and source.file == here.source.file
    return f" (line {source.line})" if same_file else f" ({source})"


def _position(problem: Problem) -> tuple[str, int]:
    return (problem.file or "", problem.line or 0)
