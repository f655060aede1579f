"""Properties over generated schedules: the interval computations agree, minute by
minute, with reading the rules at each instant."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from schedules.coverage import coverage_between
from schedules.model import Schedule
from schedules.roster import Roster
from schedules.rules import is_open, on_shift_at
from schedules.timezones import week_instants
from tests.unit.schedules.strategies import LANGUAGES, WEEKS, schedules

MINUTE = timedelta(minutes=1)


@st.composite
def schedule_and_window(draw: st.DrawFn) -> tuple[Schedule, str, int]:
    """A schedule, one of its weeks, and which two days of that week to sample."""
    week = draw(st.sampled_from(WEEKS))
    return draw(schedules(week)), week, draw(st.integers(0, 5))


@settings(max_examples=30, deadline=None)
@given(schedule_and_window(), st.sampled_from(LANGUAGES))
def test_coverage_matches_the_rules_minute_by_minute(
    case: tuple[Schedule, str, int], language: str
) -> None:
    plan, week, day = case
    week_start, _ = week_instants(week, plan.zone)
    start = week_start + timedelta(days=day)
    end = start + timedelta(days=2)
    cov = coverage_between(plan, language, start, end)
    steps = iter(cov.steps)
    step = next(steps)
    gaps = {g.start + MINUTE * i for g in cov.gaps for i in range(int(g.duration / MINUTE))}
    at = start
    while at < end:
        while not at < step.end:
            step = next(steps)
        expected = on_shift_at(plan, language, at)
        assert step.volunteers == expected, at
        assert (at in gaps) == (is_open(plan, language, at) and not expected), at
        at += MINUTE
    assert sum((s.end - s.start for s in cov.steps), timedelta()) == end - start


@settings(max_examples=20, deadline=None)
@given(schedule_and_window())
def test_roster_matches_the_rules(case: tuple[Schedule, str, int]) -> None:
    plan, week, _ = case
    roster = Roster(plan)
    start, end = week_instants(week, plan.zone)
    at = start - timedelta(days=1)
    while at < end + timedelta(days=1):
        for language in LANGUAGES:
            assert roster.on_shift(language, at) == on_shift_at(plan, language, at), at
        at += 7 * MINUTE
