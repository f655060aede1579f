"""Statistics from the anonymous call records: tallies, periods, the CSV funders get."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from helpline.coordinator.figures import (
    CSV_COLUMNS,
    Call,
    Period,
    Tally,
    bucket_of,
    csv_text,
    figures,
)

OSLO = ZoneInfo("Europe/Oslo")


def call(when: str, language: str = "so", outcome: str = "answered", wait: int = 0,
         talk: int = 0) -> Call:
    return Call(datetime.fromisoformat(when).replace(tzinfo=OSLO), language, outcome, wait, talk)


# Monday 2 March and Tuesday 3 March 2026
CALLS = [
    call("2026-03-02 09:15", "so", "answered", wait=10, talk=300),
    call("2026-03-02 09:40", "so", "answered", wait=31, talk=121),
    call("2026-03-02 09:59", "so", "no_volunteer", wait=20),
    call("2026-03-02 22:05", "ar", "not_answered", wait=60),
    call("2026-03-03 10:00", "so", "abandoned", wait=45),
    call("2026-03-03 10:30", "so", "no_language"),
    call("2026-03-03 11:00", "ar", "answered", wait=4, talk=90),
    call("2026-03-03 11:05", "", "emergency"),
]


def test_the_total_tallies_every_outcome() -> None:
    total = figures(CALLS, "day").total
    assert (total.calls, total.answered, total.no_volunteer, total.not_answered,
            total.abandoned) == (8, 3, 1, 1, 1)
    assert total.unanswered == 5  # no language and the emergency forward count as well
    assert total.answer_rate == pytest.approx(3 / 8)
    # waits and talks of answered calls only
    assert sorted(total.waits) == [4, 10, 31] and total.median_wait == 10
    assert total.mean_talk == pytest.approx((300 + 121 + 90) / 3)


def test_by_language_and_by_day() -> None:
    figs = figures(CALLS, "day")
    assert {code: t.calls for code, t in figs.by_language.items()} == {"so": 5, "ar": 2, "": 1}
    assert {day: (t.calls, t.answered) for day, t in figs.by_bucket.items()} == {
        "2026-03-02": (4, 2), "2026-03-03": (4, 1)}
    so_monday = figs.by_language_bucket[("so", "2026-03-02")]
    assert (so_monday.calls, so_monday.answered, so_monday.no_volunteer) == (3, 2, 1)
    assert so_monday.median_wait == pytest.approx(20.5)
    assert set(figs.by_language_bucket) == {
        ("so", "2026-03-02"), ("ar", "2026-03-02"), ("so", "2026-03-03"),
        ("ar", "2026-03-03"), ("", "2026-03-03")}


def test_calls_by_hour_of_the_week_in_local_time() -> None:
    figs = figures(CALLS, "day")
    assert figs.week_calls[0][9] == 3 and figs.week_calls[0][22] == 1
    assert figs.week_calls[1][10] == 2 and figs.week_calls[1][11] == 2
    assert sum(map(sum, figs.week_calls)) == len(CALLS)
    assert figs.week_unanswered[0][9] == 1 and figs.week_unanswered[0][22] == 1
    assert figs.week_unanswered[1][10] == 2 and figs.week_unanswered[1][11] == 1
    assert sum(map(sum, figs.week_unanswered)) == 5


def test_weeks_are_iso_weeks_across_a_year_end() -> None:
    calls = [call("2025-12-28 12:00"), call("2025-12-29 12:00"), call("2026-01-01 12:00"),
             call("2026-01-04 23:59"), call("2026-01-05 00:00")]
    figs = figures(calls, "week")
    assert {week: t.calls for week, t in figs.by_bucket.items()} == {
        "2025-W52": 1, "2026-W01": 3, "2026-W02": 1}
    assert bucket_of(date(2020, 12, 31), "week") == "2020-W53"
    assert bucket_of(date(2021, 1, 3), "week") == "2020-W53"


@pytest.mark.parametrize("by, buckets", [
    ("week", ["2025-W52", "2026-W01", "2026-W02"]),
    ("day", ["2025-12-27", "2025-12-28", "2025-12-29", "2025-12-30", "2025-12-31",
             "2026-01-01", "2026-01-02", "2026-01-03", "2026-01-04", "2026-01-05"]),
])
def test_a_period_lists_its_buckets_in_order_once(by: str, buckets: list[str]) -> None:
    assert Period(date(2025, 12, 27), date(2026, 1, 5), by).buckets() == buckets


def test_csv_columns_rows_by_period_then_language_and_formatting() -> None:
    rows = list(csv.reader(io.StringIO(csv_text(figures(CALLS, "day")))))
    assert rows[0] == CSV_COLUMNS
    assert [(row[0], row[1]) for row in rows[1:]] == [
        ("2026-03-02", "ar"), ("2026-03-02", "so"),
        ("2026-03-03", "(none)"), ("2026-03-03", "ar"), ("2026-03-03", "so")]
    by_key = {(row[0], row[1]): dict(zip(CSV_COLUMNS, row, strict=True)) for row in rows[1:]}
    assert by_key[("2026-03-02", "so")] == {
        "period": "2026-03-02", "language": "so", "calls": "3", "answered": "2",
        "answer_rate": "0.667", "no_volunteer": "1", "not_answered": "0", "abandoned": "0",
        "median_wait_seconds": "20.5", "mean_talk_seconds": "210"}
    # nothing answered: no wait or talk to speak of, blank rather than 0
    assert by_key[("2026-03-02", "ar")] == {
        "period": "2026-03-02", "language": "ar", "calls": "1", "answered": "0",
        "answer_rate": "0.000", "no_volunteer": "0", "not_answered": "1", "abandoned": "0",
        "median_wait_seconds": "", "mean_talk_seconds": ""}
    assert by_key[("2026-03-03", "ar")]["median_wait_seconds"] == "4"


def test_no_calls_no_rate_and_a_csv_of_the_header_only() -> None:
    assert Tally().answer_rate is None
    assert Tally().median_wait is None and Tally().mean_talk is None
    figs = figures([], "week")
    assert (figs.total.calls, figs.total.answer_rate) == (0, None)
    assert figs.by_bucket == {} and figs.by_language == {}
    assert figs.week_calls == [[0] * 24 for _ in range(7)]
    assert list(csv.reader(io.StringIO(csv_text(figs)))) == [CSV_COLUMNS]
