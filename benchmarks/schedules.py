"""How long the schedule questions take: ``python benchmarks/schedules.py``.

A made-up helpline of 50 volunteers and 24 languages (each volunteer speaks one to
three and has two to four weekly shifts, with some away ranges, extra shifts and
closures). Prints the cost of one "who is on shift for L now" question — from the
roster's index (what the service asks on every call), the first question of a week
(which builds that week's index), and straight from the rules — and of one ISO
week's coverage of every language. Takes a few seconds; bounded well under 30.
"""

from __future__ import annotations

import random
import sys
import time as clock
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

# This file has the name of the package it measures: keep its own folder off the
# import path so that `import schedules` finds the package.
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(HERE.parent))

from schedules.coverage import week_coverage  # noqa: E402
from schedules.model import (  # noqa: E402
    Away,
    Closure,
    ExtraShift,
    OpenSpan,
    Schedule,
    TimeSpan,
    Weekday,
    WeeklyShift,
)
from schedules.roster import Roster  # noqa: E402
from schedules.rules import on_shift_at  # noqa: E402

VOLUNTEERS = 50
LANGUAGES = [f"l{n:02d}" for n in range(1, 25)]
WEEK = "2026-W49"
MONDAY = datetime(2026, 11, 30, tzinfo=UTC)


def made_up_schedule(seed: int = 49) -> Schedule:
    rng = random.Random(seed)
    weekly: list[WeeklyShift] = []
    extra: list[ExtraShift] = []
    away: list[Away] = []
    for number in range(VOLUNTEERS):
        key = f"volunteer-{number:02d}"
        speaks = frozenset(rng.sample(LANGUAGES, rng.randint(1, 3)))
        for day in rng.sample(list(Weekday), rng.randint(2, 4)):
            start = rng.randrange(8, 19)
            span = TimeSpan(time(start), time((start + rng.randint(2, 6)) % 24))
            weekly.append(WeeklyShift(key, speaks, day, span))
        if number % 5 == 0:
            first = date(2026, 12, 1) + timedelta(days=rng.randrange(20))
            away.append(Away(key, first, first + timedelta(days=rng.randrange(10))))
        if number % 3 == 0:
            day_ = date(2026, 12, 1) + timedelta(days=rng.randrange(30))
            extra.append(ExtraShift(key, speaks, day_, TimeSpan(time(6), time(8))))
    closures = [
        Closure(date(2026, 12, 25), date(2026, 12, 26)),
        Closure(date(2026, 12, 3), date(2026, 12, 3), frozenset(LANGUAGES[:3])),
    ]
    hours = tuple(OpenSpan(day, TimeSpan(time(9), time(21))) for day in list(Weekday)[:5])
    return Schedule("Europe/Oslo", tuple(weekly), tuple(extra), tuple(away), tuple(closures),
                    hours)


def per_call(
    function: Callable[..., object], arguments: Sequence[tuple[object, ...]], budget: float
) -> float:
    """Seconds per call of ``function`` over ``arguments``, repeated for about
    ``budget`` seconds (the best of the rounds)."""
    best = float("inf")
    deadline = clock.perf_counter() + budget
    while clock.perf_counter() < deadline:
        started = clock.perf_counter()
        for args in arguments:
            function(*args)
        best = min(best, (clock.perf_counter() - started) / len(arguments))
    return best


def show(what: str, seconds: float) -> None:
    if seconds < 1e-3:
        print(f"  {what:<58} {seconds * 1e6:10.1f} µs")
    else:
        print(f"  {what:<58} {seconds * 1e3:10.2f} ms")


def main() -> None:
    started = clock.perf_counter()
    schedule = made_up_schedule()
    rng = random.Random(7)
    instants = [MONDAY + timedelta(minutes=rng.randrange(7 * 24 * 60)) for _ in range(2000)]
    questions = [(rng.choice(LANGUAGES), at) for at in instants]
    print(f"{len(schedule.weekly)} weekly shifts, {VOLUNTEERS} volunteers, "
          f"{len(LANGUAGES)} languages, Europe/Oslo")

    roster = Roster(schedule)
    roster.on_shift(LANGUAGES[0], MONDAY)  # build this week's index once
    show("roster.on_shift(L, t), week index built", per_call(roster.on_shift, questions, 2.0))
    now = datetime.now(UTC)
    roster.on_shift(LANGUAGES[0], now)
    show("roster.on_shift(L, datetime.now(UTC)), incl. now()",
         per_call(lambda lang: roster.on_shift(lang, datetime.now(UTC)),
                  [(lang,) for lang in LANGUAGES] * 50, 1.0))
    show("roster.on_shift_all(t): every language at once",
         per_call(roster.on_shift_all, [(at,) for at in instants[:200]], 1.0))

    def first_question(at: datetime) -> None:
        Roster(schedule).on_shift(LANGUAGES[0], at)

    show("first question of a week (builds its index)",
         per_call(first_question, [(at,) for at in instants[:5]], 2.0))
    show("on_shift_at(schedule, L, t): from the rules, no index",
         per_call(lambda lang, at: on_shift_at(schedule, lang, at), questions[:300], 2.0))
    show(f"week_coverage(schedule, {WEEK!r}): all {len(LANGUAGES)} languages",
         per_call(lambda: week_coverage(schedule, WEEK), [()], 3.0))
    print(f"({clock.perf_counter() - started:.1f} s in all)")


if __name__ == "__main__":
    main()
