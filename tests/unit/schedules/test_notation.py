"""The small notations of schedule files, read and written back."""

from __future__ import annotations

from datetime import date, time

import pytest

from schedules.model import TimeSpan, Weekday
from schedules.notation import (
    format_date_range,
    format_weekdays,
    parse_date_range,
    parse_dated_span,
    parse_span,
    parse_weekdays,
    parse_weekly,
)

MON, TUE, WED, THU, FRI, SAT, SUN = Weekday


def test_weekdays() -> None:
    assert parse_weekdays("mon") == (MON,)
    assert parse_weekdays("mon-fri") == (MON, TUE, WED, THU, FRI)
    assert parse_weekdays("Monday, Wednesday") == (MON, WED)
    assert parse_weekdays("fri-mon") == (MON, FRI, SAT, SUN)
    assert parse_weekdays("sat – sun") == (SAT, SUN)
    with pytest.raises(ValueError, match="names tue more than once"):
        parse_weekdays("mon-wed,tue")
    with pytest.raises(ValueError, match="'mnd' is not a weekday"):
        parse_weekdays("mnd")


def test_weekdays_are_written_in_their_shortest_form() -> None:
    assert format_weekdays([MON, TUE, WED, THU, FRI]) == "mon-fri"
    assert format_weekdays([MON, WED, FRI]) == "mon,wed,fri"
    assert format_weekdays([MON, TUE, THU, FRI, SAT]) == "mon,tue,thu-sat"
    for days in ([MON], [SAT, SUN], [MON, SUN], list(Weekday)):
        assert parse_weekdays(format_weekdays(days)) == tuple(days)


def test_spans() -> None:
    assert parse_span("10:00-14:00") == TimeSpan(time(10), time(14))
    assert parse_span("9:30 – 14:00") == TimeSpan(time(9, 30), time(14))
    assert parse_span("22:00-02:00").crosses_midnight
    ends_at_midnight = parse_span("18:00-24:00")
    assert ends_at_midnight.end == time(0) and not ends_at_midnight.crosses_midnight
    assert str(ends_at_midnight) == "18:00-24:00"
    assert parse_span("00:00-24:00").minutes == 24 * 60
    with pytest.raises(ValueError, match="has no length"):
        parse_span("00:00-00:00")
    with pytest.raises(ValueError, match="not a time of day"):
        parse_span("24:00-02:00")
    with pytest.raises(ValueError, match="at most 12"):
        parse_span("18:00-08:00")


def test_weekly_and_dated() -> None:
    assert parse_weekly("mon,wed 10:00-14:00") == ((MON, WED), TimeSpan(time(10), time(14)))
    assert parse_weekly("Saturday 10:00 - 14:00") == ((SAT,), TimeSpan(time(10), time(14)))
    with pytest.raises(ValueError, match="not a weekly shift"):
        parse_weekly("10:00-14:00")
    assert parse_dated_span("2026-12-24 10:00-13:00") == (
        date(2026, 12, 24), TimeSpan(time(10), time(13))
    )
    assert parse_date_range("2026-12-20 .. 2027-01-03") == (date(2026, 12, 20), date(2027, 1, 3))
    assert parse_date_range("2026-12-25") == (date(2026, 12, 25), date(2026, 12, 25))
    assert format_date_range(date(2026, 12, 25), date(2026, 12, 25)) == "2026-12-25"
    with pytest.raises(ValueError, match="not a date"):
        parse_date_range("25.12.2026")
