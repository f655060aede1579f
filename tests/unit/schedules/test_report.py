"""The text coverage report: summary lines, the week grid, and the gaps."""

from __future__ import annotations

from schedules.coverage import coverage
from schedules.report import coverage_report, summary_line, week_grid
from tests.unit.schedules.builders import OSLO, closed, opening, schedule, weekly

PLAN = schedule(
    weekly("amina-h", "so ar", "mon,wed 10:00-14:00"),
    weekly("sara-m", "so", "mon 12:00-16:30"),
    weekly("leyla-d", "so", "sat 22:00-02:00"),
    closed("2026-12-04"),
    hours=opening("mon-fri 09:00-21:00"),
)
NAMES = {"so": "Somali", "ar": "Arabic"}


def test_summary_lines() -> None:
    assert summary_line(coverage(PLAN, "ar", "2026-W49"), "Arabic") == (
        "Arabic (ar): 8 h covered, 40 h uncovered while the helpline is open (6 gaps)"
    )
    assert summary_line(coverage(PLAN, "so", "2026-W49")) == (
        "so: 14 h 30 min covered, 37 h 30 min uncovered while the helpline is open (6 gaps)"
    )


def test_week_grid() -> None:
    grid = week_grid(coverage(PLAN, "so", "2026-W49"), "2026-W49", OSLO, "Somali").splitlines()
    assert grid[0] == (
        "Somali (so), week 2026-W49: Monday 30 November to Sunday 6 December 2026, Europe/Oslo"
    )
    assert grid[2:4] == [
        "       Mon  Tue  Wed  Thu  Fri  Sat  Sun",
        "        30    1    2    3    4    5    6",
    ]
    rows = {line[:5]: line[5:].split() for line in grid[4:28]}
    assert rows["00-01"] == [".", ".", ".", ".", ".", ".", "1"]  # Saturday night
    assert rows["09-10"] == ["!!", "!!", "!!", "!!", ".", ".", "."]  # Friday closed
    assert rows["12-13"] == ["2", "!!", "1", "!!", ".", ".", "."]
    assert rows["16-17"] == ["!!", "!!", "!!", "!!", ".", ".", "."]  # half an hour is a gap
    assert rows["22-23"] == [".", ".", ".", ".", ".", "1", "."]
    assert grid[-9:] == [
        "Gaps while open (6):",
        "  Mon 30 Nov 09:00-10:00",
        "  Mon 30 Nov 16:30-21:00",
        "  Tue 1 Dec 09:00-21:00",
        "  Wed 2 Dec 09:00-10:00",
        "  Wed 2 Dec 14:00-21:00",
        "  Thu 3 Dec 09:00-21:00",
        "",
        "Somali (so): 14 h 30 min covered, 37 h 30 min uncovered while the helpline is open "
        "(6 gaps)",
    ]


def test_the_hour_the_clock_skips() -> None:
    plan = schedule(weekly("night", "so", "sun 00:00-06:00"))
    grid = week_grid(coverage(plan, "so", "2026-W13"), "2026-W13", OSLO).splitlines()
    rows = {line[:5]: line[5:].split() for line in grid[4:28]}
    assert rows["02-03"][6] == "-"
    assert rows["03-04"][6] == "1"


def test_the_whole_report() -> None:
    report = coverage_report(PLAN, "2026-W49", names=NAMES).splitlines()
    assert report == [
        "Coverage, week 2026-W49 (Europe/Oslo)",
        "",
        "Arabic (ar): 8 h covered, 40 h uncovered while the helpline is open (6 gaps)",
        "Somali (so): 14 h 30 min covered, 37 h 30 min uncovered while the helpline is open "
        "(6 gaps)",
    ]
    one = coverage_report(PLAN, "2026-W49", languages=["ar"], names=NAMES)
    assert "Arabic (ar), week 2026-W49" in one and "Somali" not in one
