"""Schedule files: every kind of problem names its file and line; all problems of a
file come at once; writing and reading back is a fixed point."""

from __future__ import annotations

from pathlib import Path

import pytest

from schedules.examples import VOLUNTEERS, schedule_files
from schedules.exceptions import ScheduleError
from schedules.volunteers import languages_spoken, load_volunteers
from schedules.yaml_io import dump, load_files, load_texts, loads
from tests.unit.schedules.builders import local

LANGUAGES = {
    "ar": "Arabic", "ber": "Berber", "bs": "Bosnian", "fa-AF": "Dari", "fa": "Farsi",
    "en": "English", "fr": "French", "hi": "Hindi", "ko": "Korean", "hr": "Croatian",
    "ku": "Kurdish", "lt": "Lithuanian", "zh": "Mandarin", "ps": "Pashto", "pa": "Punjabi",
    "ro": "Romanian", "sr": "Serbian", "so": "Somali", "es": "Spanish", "ta": "Tamil",
    "ti": "Tigrinya", "tr": "Turkish", "hu": "Hungarian", "ur": "Urdu", "wo": "Wolof",
    "nb": "Norwegian",
}
SPEAKS = {"amina-h": {"so", "ar"}, "fatima-k": {"so", "ar", "fr"}, "sara-m": {"ti"}}

HEAD = "timezone: Europe/Oslo\nshifts:\n"


def problems(text: str, file: str = "oslo.yaml") -> list[str]:
    with pytest.raises(ScheduleError) as caught:
        loads(text, LANGUAGES, SPEAKS, file=file)
    return [str(problem) for problem in caught.value.problems]


def shift(volunteer: str = "amina-h", languages: str = "[so]", weekly: str = '"mon 10:00-14:00"'
          ) -> str:
    return f"  - volunteer: {volunteer}\n    languages: {languages}\n    weekly: {weekly}\n"


def test_a_sound_file_loads() -> None:
    schedule = loads(HEAD + shift(), LANGUAGES, SPEAKS)
    assert [str(s.span) for s in schedule.weekly] == ["10:00-14:00"]
    assert schedule.weekly[0].source is not None and schedule.weekly[0].source.line == 5


def test_unknown_volunteer() -> None:
    assert problems(HEAD + shift(volunteer="amina-x")) == [
        "oslo.yaml:5: unknown volunteer 'amina-x' (did you mean amina-h?)",
    ]


def test_unknown_language() -> None:
    assert problems(HEAD + shift(languages="[so, fa-af]")) == [
        "oslo.yaml:5: unknown language code 'fa-af' (did you mean fa-AF?)",
    ]


def test_scheduled_for_a_language_she_does_not_speak() -> None:
    assert problems(HEAD + "\n" * 7 + shift(languages="[so, ti]")) == [
        "oslo.yaml:12: amina-h is scheduled for Tigrinya (ti) but does not speak it",
    ]


def test_overlapping_shifts_of_one_volunteer() -> None:
    text = HEAD + shift(weekly='"mon 10:00-14:00"') + shift(languages="[ar]",
                                                             weekly='"mon 13:00-15:00"')
    assert problems(text) == [
        "oslo.yaml:8: amina-h has two shifts at the same time: mon 13:00-15:00 here and "
        "mon 10:00-14:00 (line 5)",
    ]


def test_overlap_past_midnight_and_with_an_extra_shift() -> None:
    text = (HEAD + shift(weekly='"sun 22:00-02:00"') + shift(weekly='"mon 01:00-03:00"')
            + "exceptions:\n  - volunteer: amina-h\n    extra: \"2026-12-07 00:30-01:00\"\n"
            "    languages: [so]\n")
    assert problems(text) == [
        "oslo.yaml:8: amina-h has two shifts at the same time: mon 01:00-03:00 here and "
        "sun 22:00-02:00 (line 5)",
        "oslo.yaml:11: amina-h has two shifts at the same time: 2026-12-07 00:30-01:00 here "
        "and sun 22:00-02:00 (line 5)",
    ]


def test_overlaps_are_found_across_files() -> None:
    texts = {"oslo.yaml": HEAD + shift(), "more.yaml": HEAD + shift(weekly='"mon 12:00-13:00"')}
    with pytest.raises(ScheduleError) as caught:
        load_texts(texts, LANGUAGES, SPEAKS)
    assert [str(p) for p in caught.value.problems] == [
        "oslo.yaml:5: amina-h has two shifts at the same time: mon 10:00-14:00 here and "
        "mon 12:00-13:00 (more.yaml:5)",
    ]


def test_end_before_start_and_zero_length() -> None:
    text = HEAD + shift(weekly='["mon 14:00-10:00", "tue 10:00-10:00", "wed 22:00-02:00"]')
    assert problems(text) == [
        "oslo.yaml:5: 14:00-10:00 ends before it starts; if it really runs past midnight it "
        "would last 20 hours, and a span past midnight may last at most 12",
        "oslo.yaml:5: '10:00-10:00' has no length: it starts and ends at the same time",
    ]
    away = "exceptions:\n  - volunteer: amina-h\n    away: 2026-12-20 .. 2026-12-01\n"
    assert problems(HEAD + shift() + away) == [
        "oslo.yaml:8: '2026-12-20 .. 2026-12-01' ends before it starts",
    ]


def test_bad_time_format() -> None:
    assert problems(HEAD + shift(weekly='"mon 10.00-14:00"')) == [
        "oslo.yaml:5: '10.00' is not a time of day (write it as HH:MM, for example 09:30)",
    ]
    assert problems(HEAD + shift(weekly='"mon 10:00-25:00"')) == [
        "oslo.yaml:5: '25:00' is not a time of day (write it as HH:MM, for example 09:30)",
    ]


def test_unknown_weekday() -> None:
    assert problems(HEAD + shift(weekly='"mnd 10:00-14:00"')) == [
        "oslo.yaml:5: 'mnd' is not a weekday (use mon, tue, wed, thu, fri, sat or sun)",
    ]


def test_bad_time_zone() -> None:
    assert problems("timezone: Europe/Olso\n") == [
        "oslo.yaml:1: unknown time zone 'Europe/Olso' (did you mean Europe/Oslo?) "
        "(write it like Europe/Oslo)",
    ]


def test_malformed_yaml_keeps_yamls_own_position() -> None:
    assert problems(HEAD + "  - volunteer: amina-h\n    languages: [so, ar\n") == [
        "oslo.yaml:5: this is not valid YAML: while parsing a flow sequence on line 4, "
        "expected ',' or ']', but got '<stream end>'",
    ]
    assert problems("timezone: Europe/Oslo\n\tshifts: []\n") == [
        "oslo.yaml:2: this is not valid YAML: while scanning for the next token, found "
        "character '\\t' that cannot start any token",
    ]


def test_fields_that_are_unknown_missing_repeated_or_of_the_wrong_shape() -> None:
    text = (
        "timezone: Europe/Oslo\n"
        "shifts:\n"
        "  - volunteer: amina-h\n"
        "    langauges: [so]\n"
        "    weekly: \"mon 10:00-14:00\"\n"
        "  - volunteer: amina-h\n"
        "    volunteer: fatima-k\n"
        "    languages: [so]\n"
        "    weekly: {mon: 10}\n"
        "exceptions:\n"
        "  - volunteer: amina-h\n"
        "  - closed: 2026-12-25\n"
        "    extra: \"2026-12-25 10:00-12:00\"\n"
        "opening_hours: \"09:00-21:00\"\n"
    )
    assert problems(text) == [
        "oslo.yaml:3: a shift needs 'languages'",
        "oslo.yaml:4: unknown field 'langauges' in a shift (did you mean languages?) "
        "(expected 'volunteer', 'languages' or 'weekly')",
        "oslo.yaml:7: 'volunteer' is given twice in a shift (first on line 6)",
        "oslo.yaml:9: weekly should be a single value, not a list or a set of fields",
        "oslo.yaml:11: an exception needs one of 'away', 'extra' or 'closed'",
        "oslo.yaml:12: an exception has 'extra' and 'closed'; write each as an exception of "
        "its own",
        "oslo.yaml:14: opening_hours should be a set of 'name: value' lines",
    ]


def test_extra_shifts_that_would_never_happen() -> None:
    text = HEAD + shift() + (
        "exceptions:\n"
        "  - volunteer: amina-h\n    away: 2026-12-20 .. 2027-01-03\n"
        "  - volunteer: amina-h\n    extra: \"2026-12-24 10:00-13:00\"\n    languages: [so]\n"
        "  - volunteer: fatima-k\n    extra: \"2026-12-24 23:00-01:00\"\n    languages: [so]\n"
        "  - volunteer: sara-m\n    extra: \"2026-05-17 10:00-13:00\"\n    languages: [ti]\n"
        "  - closed: 2026-12-25\n"
        "  - closed: 2026-05-17\n    languages: [ti, so]\n"
    )
    assert problems(text) == [
        "oslo.yaml:10: the extra shift 2026-12-24 10:00-13:00 falls while amina-h is away: "
        "2026-12-20 .. 2027-01-03 (line 8)",
        "oslo.yaml:13: the extra shift 2026-12-24 23:00-01:00 falls when the helpline is "
        "closed: 2026-12-25 (line 18)",
        "oslo.yaml:16: the extra shift 2026-05-17 10:00-13:00 falls when Tigrinya (ti) is "
        "closed: 2026-05-17 (line 19)",
    ]


def test_files_loaded_together_must_agree() -> None:
    texts = {
        "oslo.yaml": "timezone: Europe/Oslo\nopening_hours:\n  mon-fri: \"09:00-21:00\"\n",
        "copenhagen.yaml": "timezone: Europe/Copenhagen\nopening_hours:\n  mon: \"09:00-21:00\"\n",
        "empty.yaml": "# nothing yet\n",
    }
    with pytest.raises(ScheduleError) as caught:
        load_texts(texts, LANGUAGES, SPEAKS)
    assert [str(p) for p in caught.value.problems] == [
        "copenhagen.yaml:1: the time zone Europe/Copenhagen differs from Europe/Oslo in "
        "oslo.yaml:1; files loaded together must use the same time zone",
        "copenhagen.yaml:3: these opening hours differ from those in oslo.yaml:3; give them "
        "once, or the same in every file",
        "empty.yaml: the file is empty",
    ]


def test_a_broken_file_reports_all_its_problems(tmp_path: Path) -> None:
    broken = tmp_path / "oslo.yaml"
    broken.write_text(
        "# Oslo: a file with one mistake of each kind\n"
        "timezone: Europe/Oslo\n"
        "opening_hours:\n"
        "  mon-fry: \"09:00-21:00\"\n"
        "shifts:\n"
        "  - volunteer: amina-h\n"
        "    languages: [so, ti]\n"
        "    weekly: [\"mon 10:00-14:00\", \"wed 10:00-9:00\"]\n"
        "  - volunteer: amina-h\n"
        "    languages: [ar]\n"
        "    weekly: \"mon 12:00-16:00\"\n"
        "  - volunteer: nobody\n"
        "    languages: [xx]\n"
        "    weekly: \"thu 10:00-14:00\"\n"
        "exceptions:\n"
        "  - volunteer: fatima-k\n"
        "    extra: \"2026-12-24 10:00-25:00\"\n"
        "    languages: [so]\n"
        "  - closed: 2026-13-01\n",
        encoding="utf-8",
    )
    with pytest.raises(ScheduleError) as caught:
        load_files([broken, tmp_path / "missing.yaml"], LANGUAGES, SPEAKS)
    file = str(broken)
    assert str(caught.value).splitlines() == [
        f"{tmp_path / 'missing.yaml'}: cannot read the file: No such file or directory",
        f"{file}:4: 'fry' is not a weekday (use mon, tue, wed, thu, fri, sat or sun)",
        f"{file}:8: 10:00-09:00 ends before it starts; if it really runs past midnight "
        "it would last 23 hours, and a span past midnight may last at most 12",
        f"{file}:8: amina-h is scheduled for Tigrinya (ti) but does not speak it",
        f"{file}:11: amina-h has two shifts at the same time: mon 12:00-16:00 here and "
        "mon 10:00-14:00 (line 8)",
        f"{file}:14: unknown volunteer 'nobody'",
        f"{file}:14: unknown language code 'xx'",
        f"{file}:17: '25:00' is not a time of day (write it as HH:MM, for example 09:30)",
        f"{file}:19: '2026-13-01' is not a date (write it as YYYY-MM-DD, for example 2026-12-25)",
    ]


def test_writing_and_reading_back_is_a_fixed_point() -> None:
    text = HEAD + shift(languages="[ar, so]", weekly='["wed 10:00-14:00", "mon 10:00-14:00"]') + (
        shift("sara-m", "[ti]", '"fri-mon 22:00-02:00"') +
        "exceptions:\n  - closed: 2026-05-17\n    languages: [ar]\n"
        "  - volunteer: sara-m\n    away: 2026-12-20 .. 2027-01-03\n"
        "opening_hours:\n  mon-fri: [\"09:00-12:00\", \"13:00-21:00\"]\n  sat: \"10:00-24:00\"\n"
    )
    schedule = loads(text, LANGUAGES, SPEAKS, file="oslo.yaml")
    written = dump(schedule)
    assert list(written) == ["oslo.yaml"]
    assert written["oslo.yaml"].splitlines()[1:] == [
        "timezone: Europe/Oslo",
        "opening_hours:",
        '  mon-fri: ["09:00-12:00", "13:00-21:00"]',
        '  sat: "10:00-24:00"',
        "shifts:",
        "  - volunteer: amina-h",
        "    languages: [ar, so]",
        '    weekly: "mon,wed 10:00-14:00"',
        "  - volunteer: sara-m",
        "    languages: [ti]",
        '    weekly: "mon,fri-sun 22:00-02:00"',
        "exceptions:",
        "  - closed: 2026-05-17",
        "    languages: [ar]",
        "  - volunteer: sara-m",
        "    away: 2026-12-20 .. 2027-01-03",
    ]
    again = load_texts(written, LANGUAGES, SPEAKS)
    assert again == schedule
    assert dump(again) == written


def examples() -> tuple[dict[str, frozenset[str]], list[Path]]:
    volunteers = load_volunteers(VOLUNTEERS, LANGUAGES)
    return languages_spoken(volunteers), schedule_files()


def test_the_shipped_examples_load_and_cover_every_language() -> None:
    speaks, files = examples()
    schedule = load_files(files, LANGUAGES, speaks)
    assert schedule.languages == set(LANGUAGES)
    assert len(schedule.languages) == 26  # the 25 codes and Norwegian
    assert schedule.timezone == "Europe/Oslo"
    assert schedule.opening_hours is not None
    assert {v for shift in schedule.weekly for v in [shift.volunteer]} == set(speaks)
    written = dump(schedule)
    assert sorted(written) == sorted(path.name for path in files)
    assert load_texts(written, LANGUAGES, speaks) == schedule


def test_the_shipped_examples_have_the_december_exceptions() -> None:
    from schedules.roster import Roster

    speaks, files = examples()
    roster = Roster(load_files(files, LANGUAGES, speaks))
    assert roster.on_shift("so", local("2026-12-14 11:00")) == {"amina-h"}
    assert roster.on_shift("so", local("2026-12-21 11:00")) == frozenset()  # she is away
    assert roster.on_shift("so", local("2026-12-24 11:00")) == {"hodan-a", "sahra-m"}
    assert roster.on_shift("nb", local("2026-12-25 11:00")) == frozenset()  # Christmas
