"""The coverage heatmap: per language, the 168 local hours of a week as cells."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from helpline.coordinator.heatmap import HOURS, Cell, heatmap, hour_starts
from tests.unit.schedules.builders import opening, schedule, weekly

WEEK = "2026-W49"  # Monday 30 November to Sunday 6 December 2026, no clock change
SPRING_WEEK = "2026-W13"  # ends on Sunday 29 March: 02:00 -> 03:00 in Oslo
AUTUMN_WEEK = "2026-W43"  # ends on Sunday 25 October: 03:00 -> 02:00 in Oslo

PLAN = schedule(
    weekly("amina", "so", "mon 10:00-14:00"),
    weekly("sara", "so", "mon 12:00-16:30"),
    weekly("hodan", "so ar", "sat 10:00-12:00"),  # on shift while the helpline is closed
    weekly("leyla", "so", "mon 17:00-17:30"),  # half an hour after closing
    weekly("nasra", "ar", "tue 10:00-11:00"),
    weekly("mona", "ar", "tue 10:00-11:00"),
    weekly("iman", "ar", "tue 10:00-11:00"),
    weekly("dalia", "ar", "tue 10:00-11:00"),
    hours=opening("mon-fri 09:00-17:00"),
)


def at(day: int, hour: int) -> int:
    """The cell index of local ``hour`` on weekday ``day`` (Monday is 0)."""
    return day * 24 + hour


@pytest.fixture(scope="module")
def week() -> dict[str, list[Cell]]:
    return heatmap(PLAN, WEEK, ["so", "ar", "ti"])


def test_every_language_asked_for_in_order_with_168_cells(week: dict[str, list[Cell]]) -> None:
    assert list(week) == ["so", "ar", "ti"]
    assert [len(cells) for cells in week.values()] == [HOURS] * 3


def test_an_ordinary_week_has_168_hours_of_one_hour() -> None:
    hours = hour_starts(WEEK, PLAN)
    assert len(hours) == HOURS
    assert hours[0][0] == datetime(2026, 11, 29, 23, tzinfo=UTC)  # Monday 00:00 in Oslo
    assert all(end - start == timedelta(hours=1) for start, end in hours)
    assert all(hours[i][1] == hours[i + 1][0] for i in range(HOURS - 1))


def test_open_with_nobody_on_is_a_gap(week: dict[str, list[Cell]]) -> None:
    cell = week["so"][at(0, 9)]
    assert cell == Cell(fewest=0, volunteers=frozenset(), open=True, gap=True)
    assert cell.level == "gap"
    # a language nobody covers is a gap all the time it is open, and closed otherwise
    assert {week["ti"][at(day, 9)].level for day in range(5)} == {"gap"}
    assert {week["ti"][at(day, 8)].level for day in range(7)} == {"closed"}


def test_closed_with_nobody_on_is_closed_not_a_gap(week: dict[str, list[Cell]]) -> None:
    for index in (at(0, 8), at(0, 18), at(5, 14), at(6, 10)):
        cell = week["so"][index]
        assert (cell.open, cell.gap, cell.level) == (False, False, "closed")


@pytest.mark.parametrize("language, index, fewest, level", [
    ("so", at(0, 10), 1, "c1"),  # amina
    ("so", at(0, 12), 2, "c2"),  # amina and sara
    ("ar", at(1, 10), 4, "c3"),  # four of them: 3 or more is one colour
])
def test_levels_count_the_volunteers_on(week: dict[str, list[Cell]], language: str, index: int,
                                        fewest: int, level: str) -> None:
    cell = week[language][index]
    assert (cell.fewest, cell.open, cell.gap, cell.level) == (fewest, True, False, level)


def test_a_half_hour_hole_while_open_makes_the_hour_a_gap(week: dict[str, list[Cell]]) -> None:
    cell = week["so"][at(0, 16)]  # sara until 16:30, open until 17:00
    assert cell == Cell(fewest=0, volunteers=frozenset({"sara"}), open=True, gap=True)
    assert cell.level == "gap"


def test_volunteers_on_while_closed_show_but_are_no_gap(week: dict[str, list[Cell]]) -> None:
    saturday = week["so"][at(5, 10)]
    assert saturday == Cell(fewest=1, volunteers=frozenset({"hodan"}), open=False, gap=False)
    assert saturday.level == "c1"
    # half an hour after closing: someone is on for part of the hour
    after = week["so"][at(0, 17)]
    assert after == Cell(fewest=0, volunteers=frozenset({"leyla"}), open=False, gap=False)
    assert after.level == "c1"
    # hodan's shift counts for each of her languages
    assert week["ar"][at(5, 10)].volunteers == frozenset({"hodan"})


def test_an_hour_open_in_part_and_covered_while_open_is_no_gap() -> None:
    plan = schedule(weekly("sara", "so", "mon 12:00-16:30"), hours=opening("mon 09:00-16:30"))
    cell = heatmap(plan, WEEK, ["so"])["so"][at(0, 16)]
    assert cell == Cell(fewest=0, volunteers=frozenset({"sara"}), open=True, gap=False)
    assert cell.level == "c1"


NIGHT = schedule(weekly("amina", "so", "sun 00:00-06:00"))  # open around the clock


def test_the_hour_that_spring_skips_has_no_length_and_nobody_in_it() -> None:
    hours = hour_starts(SPRING_WEEK, NIGHT)
    lengths = [end - start for start, end in hours]
    assert lengths[at(6, 2)] == timedelta(0)  # Sunday 02:00-03:00 does not exist
    assert lengths.count(timedelta(0)) == 1
    assert sum(lengths, timedelta(0)) == timedelta(hours=HOURS - 1)
    assert hours[at(6, 1)] == (datetime(2026, 3, 29, 0, tzinfo=UTC),
                               datetime(2026, 3, 29, 1, tzinfo=UTC))
    assert hours[at(6, 3)] == (datetime(2026, 3, 29, 1, tzinfo=UTC),
                               datetime(2026, 3, 29, 2, tzinfo=UTC))
    cells = heatmap(NIGHT, SPRING_WEEK, ["so"])["so"]
    skipped = cells[at(6, 2)]
    assert skipped == Cell(fewest=0, volunteers=frozenset(), open=False, gap=False)
    assert skipped.level == "closed"
    # the hours around it are covered; outside her shift, open and nobody on
    assert [cells[at(6, h)].level for h in (0, 1, 3, 4, 5, 6)] == ["c1"] * 5 + ["gap"]


def test_the_hour_that_autumn_repeats_is_two_hours_long() -> None:
    hours = hour_starts(AUTUMN_WEEK, NIGHT)
    lengths = [end - start for start, end in hours]
    assert lengths[at(6, 2)] == timedelta(hours=2)
    assert sum(lengths, timedelta(0)) == timedelta(hours=HOURS + 1)
    cells = heatmap(NIGHT, AUTUMN_WEEK, ["so"])["so"]
    assert [cells[at(6, h)].level for h in range(7)] == ["c1"] * 6 + ["gap"]
    assert cells[at(6, 2)].volunteers == frozenset({"amina"})
