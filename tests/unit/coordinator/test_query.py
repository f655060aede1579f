"""The pure readers of ``helpline.coordinator.query``: bounded, ASCII, never a crash."""

from __future__ import annotations

from datetime import date

import pytest

from helpline.coordinator.query import (
    FIRST_WEEK,
    LAST_WEEK,
    LATEST,
    date_of,
    local_path,
    number_of,
    week_of,
)


@pytest.mark.parametrize("text", ["0001-W01", "9999-W52", "2026-W00", "2026-W54", "2026-W49-1",
                                  "٢٠٢٦-W49", " 2026-W49", "2100-W01", ""])
def test_weeks_out_of_bounds_or_not_written_like_2026_w49_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        week_of(text)


def test_the_weeks_the_message_names_are_the_bounds() -> None:
    assert (FIRST_WEEK, LAST_WEEK) == ("2000-W01", "2099-W53")
    assert week_of(FIRST_WEEK) == FIRST_WEEK and week_of(LAST_WEEK) == LAST_WEEK
    assert week_of("2026-W53") == "2026-W53"
    for outside in ("1999-W52", "2100-W01"):
        with pytest.raises(ValueError):
            week_of(outside)


@pytest.mark.parametrize("text", ["0001-01-01", "9999-12-31", "20261224", "2026-02-30",
                                  "2026-12-24T10:00", "٢٠٢٦-١٢-٢٤", "2026-W49-1"])
def test_dates_out_of_bounds_or_not_written_like_2026_12_24_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        date_of(text)


def test_the_last_date_leaves_room_for_the_day_after() -> None:
    assert date_of("2099-12-31") == LATEST
    assert date.max > LATEST


@pytest.mark.parametrize("text", ["-1", "+1", "1.0", "٣", "9" * 20, "1000001", " 1", ""])
def test_numbers_are_ascii_digits_within_bounds(text: str) -> None:
    with pytest.raises(ValueError):
        number_of(text, 1, 1_000_000)
    assert number_of("1000000", 1, 1_000_000) == 1_000_000


@pytest.mark.parametrize("target", [
    None, "", "/coordinator/\r\nX-Injected: 1", "/coordinator/\n", "//evil.example/coordinator/",
    "https://evil.example/coordinator/", "/coordinator\\@evil.example", "/coordinatorx",
    "coordinator/", "/\tcoordinator/", "/coordinator/ä", "/voice/incoming",
])
def test_local_path_refuses_anything_but_a_plain_path_of_the_interface(
    target: str | None,
) -> None:
    assert local_path(target) is None


@pytest.mark.parametrize("target", ["/coordinator", "/coordinator/",
                                    "/coordinator/shifts/so?week=2026-W50"])
def test_local_path_keeps_a_page_of_the_interface(target: str) -> None:
    assert local_path(target) == target
