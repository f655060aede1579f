"""Opening hours in a caller's own words: weekday names and lists from CLDR."""

from __future__ import annotations

from datetime import time

import pytest
from babel import Locale

from helpline.prompts.catalog import load_catalog
from helpline.prompts.hours import locale_for, spoken_hours
from schedules.model import TimeSpan, Weekday

MORNING = TimeSpan(time(10), time(14))
EVENING = TimeSpan(time(18, 30), time(0))  # until midnight, written 24:00
MON_WED = {Weekday.MON: [MORNING], Weekday.WED: [MORNING]}


@pytest.mark.parametrize("code, expected", [
    ("nb", "mandag og onsdag 10:00–14:00"),
    ("ar", "الاثنين والأربعاء 10:00–14:00"),
    ("so", "Isniin iyo Arbaco 10:00–14:00"),
    ("en", "Monday and Wednesday 10:00–14:00"),
])
def test_weekday_names_and_list_words_in_her_language(code: str, expected: str) -> None:
    assert spoken_hours(MON_WED, code) == expected


def test_days_with_the_same_hours_are_grouped_in_week_order() -> None:
    hours = {
        Weekday.SAT: [EVENING],
        Weekday.MON: [MORNING, EVENING],
        Weekday.TUE: [MORNING],
        Weekday.THU: [MORNING, EVENING],
        Weekday.FRI: [MORNING],
    }
    assert spoken_hours(hours, "nb") == (
        "mandag og torsdag 10:00–14:00 og 18:30–24:00; "
        "tirsdag og fredag 10:00–14:00; lørdag 18:30–24:00"
    )


def test_three_days_and_a_span_past_midnight() -> None:
    late = TimeSpan(time(22), time(2))
    hours = {day: [late] for day in (Weekday.FRI, Weekday.SAT, Weekday.SUN)}
    assert spoken_hours(hours, "nb") == "fredag, lørdag og søndag 22:00–02:00"


def test_a_day_without_spans_is_left_out() -> None:
    assert spoken_hours({Weekday.MON: [], Weekday.TUE: [MORNING]}, "nb") == "tirsdag 10:00–14:00"


@pytest.mark.parametrize("hours", [{}, {Weekday.SUN: []}])
def test_no_hours_say_nothing(hours: dict[Weekday, list[TimeSpan]]) -> None:
    assert spoken_hours(hours, "so") == ""


@pytest.mark.parametrize("code", ["ber", "xx", "zz-ZZ", "", "not a code"])
def test_a_code_cldr_does_not_know_falls_back_to_english(code: str) -> None:
    assert locale_for(code) == Locale("en")
    assert spoken_hours(MON_WED, code) == "Monday and Wednesday 10:00–14:00"


@pytest.mark.parametrize("code, locale", [
    ("nb", Locale("nb")), ("so", Locale("so")), ("ar", Locale("ar")),
    ("fa-AF", Locale("fa", territory="AF")),
])
def test_locale_for_reads_bcp47_codes(code: str, locale: Locale) -> None:
    assert locale_for(code) == locale


def test_dari_uses_its_own_locale() -> None:
    assert spoken_hours({Weekday.MON: [MORNING]}, "fa-AF") == "دوشنبه 10:00–14:00"


@pytest.mark.parametrize("local", ["nb", "da"])
def test_every_voice_that_says_opening_hours_names_the_days_in_its_own_language(
    local: str,
) -> None:
    """The hours are said by the caller's Twilio voice, or by the local voice for a
    language without one: CLDR must know each of those languages, or its voice would
    read English day names (``locale_for`` falls back to English)."""
    catalog = load_catalog(local=local)
    speakers = {lang.code for lang in catalog.languages if lang.say is not None}
    assert catalog.local.code in speakers
    assert {code: locale_for(code).language for code in speakers
            if locale_for(code).language != code.split("-")[0]} == {}
