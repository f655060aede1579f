"""Writing any sound schedule and reading it back gives the same schedule, and
writing that again gives the same text."""

from __future__ import annotations

from dataclasses import replace
from typing import TypeVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schedules.model import Away, Closure, ExtraShift, OpenSpan, Schedule, Source, WeeklyShift
from schedules.validation import validate
from schedules.yaml_dump import scalar
from schedules.yaml_io import dump, load_texts
from tests.unit.schedules.strategies import LANGUAGES, VOLUNTEERS, schedules

SPEAKS = {volunteer: set(LANGUAGES) for volunteer in VOLUNTEERS}
FILES = ("oslo.yaml", "more.yaml")


Rule = TypeVar("Rule", bound=WeeklyShift | ExtraShift | Away | Closure | OpenSpan)


@st.composite
def sound_schedules(draw: st.DrawFn) -> Schedule:
    """A generated schedule with each rule written in one of two files, keeping only
    the rules that leave it without problems."""
    raw = draw(schedules())

    def filed(rule: Rule) -> Rule:
        return replace(rule, source=Source(draw(st.sampled_from(FILES)), 1))

    hours = None if raw.opening_hours is None else tuple(map(filed, raw.opening_hours))
    kept = Schedule(timezone=raw.timezone, opening_hours=hours)
    for rules in (raw.closures, raw.away, raw.weekly, raw.extra):
        for rule in rules:
            trial = _with(kept, filed(rule))
            if not validate(trial, LANGUAGES, SPEAKS):
                kept = trial
    return kept


def _with(schedule: Schedule, rule: WeeklyShift | ExtraShift | Away | Closure) -> Schedule:
    if isinstance(rule, WeeklyShift):
        return replace(schedule, weekly=(*schedule.weekly, rule))
    if isinstance(rule, ExtraShift):
        return replace(schedule, extra=(*schedule.extra, rule))
    if isinstance(rule, Away):
        return replace(schedule, away=(*schedule.away, rule))
    return replace(schedule, closures=(*schedule.closures, rule))


@settings(max_examples=60, deadline=None)
@given(sound_schedules())
def test_dump_then_load_is_a_fixed_point(schedule: Schedule) -> None:
    written = dump(schedule)
    again = load_texts(written, LANGUAGES, SPEAKS)
    assert again == schedule
    assert dump(again) == written


@pytest.mark.parametrize(("text", "bare"), [
    ("amina-h", True), ("Europe/Oslo", True), ("fa-AF", True), ("so", True),
    ("no", False), ("on", False), ("1:30", False), ("2026-12-25", False), ("null", False),
    ("1e3", False), ("", False), ("mon 10:00", False), ("#x", False),
])
def test_a_value_is_written_bare_only_when_every_reader_reads_it_back(
    text: str, bare: bool
) -> None:
    assert (scalar(text) == text) is bare
