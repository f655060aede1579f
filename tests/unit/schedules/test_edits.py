"""Edits of stored schedule files: each loads to the expected schedule, and the text
changes only where the touched entry is, so comments and layout stay."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from schedules import edits
from schedules.edits import StaleEdit
from schedules.examples import DIRECTORY, VOLUNTEERS
from schedules.model import Away, Closure, ExtraShift, Schedule, Weekday, WeeklyShift
from schedules.notation import parse_span
from schedules.volunteers import languages_spoken, load_volunteers
from schedules.yaml_io import load_texts
from tests.unit.schedules.builders import away, extra, weekly
from tests.unit.schedules.test_yaml_io import LANGUAGES as ALL_LANGUAGES

LANGUAGES = {"so": "Somali", "ar": "Arabic", "fr": "French", "ti": "Tigrinya"}
SPEAKS = {"amina-h": {"so", "ar"}, "fatima-k": {"so", "ar", "fr"}, "sara-m": {"ti"}}
ZONE = "Europe/Oslo"

OSLO = """\
# Oslo: Somali and Arabic. Times are local.
timezone: Europe/Oslo   # the helpline's zone

shifts:
  # Amina answers both languages
  - volunteer: amina-h            # her key
    languages: [so, ar]           # both
    weekly:
      - "mon,wed 10:00-14:00"     # mornings
      - 'fri 12:00-16:00'
  - volunteer: fatima-k
    languages:
      - so
      - fr
    weekly: mon 18:00-20:00

  # Sara, written on one line
  - {volunteer: sara-m, languages: [ti], weekly: "tue 09:00-11:00"}

exceptions:
  - volunteer: amina-h   # holiday
    away: 2026-12-20 .. 2027-01-03
  - volunteer: fatima-k
    extra: "2026-12-24 10:00-13:00"
    languages: [so, ar]
  - closed: 2026-12-25
  - closed: 2026-05-17   # Somali and Arabic
    languages: [so, ar]
# the end
"""
TIGRINYA = """\
timezone: Europe/Oslo
shifts: []   # nobody yet
"""
TEXTS = {"oslo.yaml": OSLO}


def load(texts: dict[str, str]) -> Schedule:
    return load_texts(texts, LANGUAGES, SPEAKS)


SCHEDULE = load(TEXTS)


def rule_of(kind: type[WeeklyShift | ExtraShift | Away | Closure], volunteer: str | None = None,
            weekday: Weekday | None = None) -> WeeklyShift | ExtraShift | Away | Closure:
    """The one rule of SCHEDULE of that kind (for that volunteer, on that weekday)."""
    rules = [*SCHEDULE.weekly, *SCHEDULE.extra, *SCHEDULE.away, *SCHEDULE.closures]
    found = [r for r in rules if isinstance(r, kind)
             and (volunteer is None or getattr(r, "volunteer", None) == volunteer)
             and (weekday is None or getattr(r, "weekday", None) == weekday)]
    assert len(found) == 1, found
    return found[0]


def replaced(old: str, before: str, after: str) -> str:
    """``old`` with its one occurrence of ``before`` replaced: what an edit that
    touches only that text must give."""
    assert old.count(before) == 1
    return old.replace(before, after)


def with_rules(schedule: Schedule, *, drop: tuple[object, ...] = (),
               add: tuple[object, ...] = ()) -> Schedule:
    """``schedule`` without ``drop`` and with ``add`` (rules compare without source)."""
    def kept(rules: tuple[object, ...], kind: type) -> tuple:  # type: ignore[type-arg]
        out = list(rules)
        for rule in drop:
            if isinstance(rule, kind):
                out.remove(rule)
        return (*out, *(rule for rule in add if isinstance(rule, kind)))

    return replace(schedule, weekly=kept(schedule.weekly, WeeklyShift),
                   extra=kept(schedule.extra, ExtraShift), away=kept(schedule.away, Away),
                   closures=kept(schedule.closures, Closure))


# Adding


def test_a_weekly_shift_goes_after_her_other_shifts_in_the_file_with_her_language() -> None:
    span = parse_span("15:00-17:00")
    new = edits.add_weekly({"tigrinya.yaml": TIGRINYA, **TEXTS}, "amina-h", frozenset({"so"}),
                           Weekday.THU, span, timezone=ZONE)
    assert new["tigrinya.yaml"] == TIGRINYA
    assert new["oslo.yaml"] == replaced(OSLO, "      - 'fri 12:00-16:00'\n", (
        "      - 'fri 12:00-16:00'\n"
        "  - volunteer: amina-h\n"
        "    languages: [so]\n"
        '    weekly: "thu 15:00-17:00"\n'))
    assert load(new) == with_rules(SCHEDULE, add=tuple(weekly("amina-h", "so", "thu 15:00-17:00")))


def test_a_shift_in_a_language_of_a_file_goes_there_else_to_the_first_file() -> None:
    texts = {"tigrinya.yaml": TIGRINYA, **TEXTS}
    span = parse_span("12:00-13:00")
    new = edits.add_weekly(texts, "sara-m", frozenset({"ti"}), Weekday.SUN, span, timezone=ZONE)
    assert new["tigrinya.yaml"] == TIGRINYA  # no Tigrinya there: Sara's file is oslo.yaml
    assert new["oslo.yaml"] == replaced(OSLO, '"tue 09:00-11:00"}\n', (
        '"tue 09:00-11:00"}\n'
        "  - volunteer: sara-m\n"
        "    languages: [ti]\n"
        '    weekly: "sun 12:00-13:00"\n'))
    first = edits.add_weekly({"tigrinya.yaml": TIGRINYA, "empty.yaml": "timezone: Europe/Oslo\n"},
                             "sara-m", frozenset({"ti"}), Weekday.SUN, span, timezone=ZONE)
    assert first["tigrinya.yaml"] == (  # "shifts: []" becomes a list, its comment kept
        "timezone: Europe/Oslo\n"
        "shifts:   # nobody yet\n"
        "  - volunteer: sara-m\n"
        "    languages: [ti]\n"
        '    weekly: "sun 12:00-13:00"\n')
    assert first["empty.yaml"] == "timezone: Europe/Oslo\n"


def test_without_files_a_new_file_is_made() -> None:
    new = edits.add_weekly({}, "sara-m", frozenset({"ti"}), Weekday.MON,
                           parse_span("10:00-12:00"), timezone=ZONE)
    assert list(new) == ["schedule.yaml"]
    assert load(new) == Schedule(ZONE, weekly=tuple(weekly("sara-m", "ti", "mon 10:00-12:00")))
    assert new["schedule.yaml"].startswith("# Helpline schedule.")


def test_exceptions_go_at_the_end_of_the_exceptions() -> None:
    end = "    languages: [so, ar]\n# the end\n"
    new = edits.add_extra(TEXTS, "fatima-k", frozenset({"fr"}), date(2026, 12, 27),
                          parse_span("10:00-12:00"), timezone=ZONE)
    assert new["oslo.yaml"] == replaced(OSLO, end, (
        "    languages: [so, ar]\n"
        "  - volunteer: fatima-k\n"
        '    extra: "2026-12-27 10:00-12:00"\n'
        "    languages: [fr]\n"
        "# the end\n"))
    assert load(new) == with_rules(
        SCHEDULE, add=(extra("fatima-k", "fr", "2026-12-27 10:00-12:00"),))
    new = edits.add_away(TEXTS, "sara-m", date(2026, 7, 1), date(2026, 7, 14), timezone=ZONE)
    assert new["oslo.yaml"] == replaced(OSLO, end, (
        "    languages: [so, ar]\n"
        "  - volunteer: sara-m\n"
        "    away: 2026-07-01 .. 2026-07-14\n"
        "# the end\n"))
    assert load(new) == with_rules(SCHEDULE, add=(away("sara-m", "2026-07-01 .. 2026-07-14"),))
    new = edits.add_closure(TEXTS, date(2026, 6, 1), date(2026, 6, 1), frozenset({"ar"}),
                            timezone=ZONE)
    assert new["oslo.yaml"] == replaced(OSLO, end, (
        "    languages: [so, ar]\n"
        "  - closed: 2026-06-01\n"
        "    languages: [ar]\n"
        "# the end\n"))
    assert load(new) == with_rules(
        SCHEDULE, add=(Closure(date(2026, 6, 1), date(2026, 6, 1), frozenset({"ar"})),))


def test_a_list_that_is_missing_is_added_at_the_end() -> None:
    new = edits.add_closure({"a.yaml": "timezone: Europe/Oslo  # no newline"},
                            date(2026, 6, 1), date(2026, 6, 2), None, timezone=ZONE)
    assert new["a.yaml"] == ("timezone: Europe/Oslo  # no newline\n"
                             "exceptions:\n"
                             "  - closed: 2026-06-01 .. 2026-06-02\n")


# Removing


def test_removing_one_language_of_a_one_day_shift_keeps_it_for_the_others() -> None:
    fatima = rule_of(WeeklyShift, "fatima-k")
    new = edits.remove(TEXTS, fatima, "so")
    assert new["oslo.yaml"] == replaced(OSLO, "      - so\n      - fr\n", "      - fr\n")
    assert load(new) == with_rules(SCHEDULE, drop=(fatima,),
                                   add=tuple(weekly("fatima-k", "fr", "mon 18:00-20:00")))


def test_removing_one_language_of_one_day_of_a_line_splits_it() -> None:
    monday = rule_of(WeeklyShift, "amina-h", Weekday.MON)
    new = edits.remove(TEXTS, monday, "ar")
    assert new["oslo.yaml"] == replaced(OSLO, (
        '      - "mon,wed 10:00-14:00"     # mornings\n'
        "      - 'fri 12:00-16:00'\n"), (
        '      - "wed 10:00-14:00"     # mornings\n'
        "      - 'fri 12:00-16:00'\n"
        "  - volunteer: amina-h\n"
        "    languages: [so]\n"
        '    weekly: "mon 10:00-14:00"\n'))
    assert load(new) == with_rules(SCHEDULE, drop=(monday,),
                                   add=tuple(weekly("amina-h", "so", "mon 10:00-14:00")))


def test_removing_a_day_for_every_language_keeps_the_other_days() -> None:
    wednesday = rule_of(WeeklyShift, "amina-h", Weekday.WED)
    new = edits.remove(TEXTS, wednesday)
    assert new["oslo.yaml"] == replaced(OSLO, '"mon,wed 10:00-14:00"', '"mon 10:00-14:00"')
    assert load(new) == with_rules(SCHEDULE, drop=(wednesday,))
    assert edits.remove(TEXTS, wednesday, "so") != new  # so and ar: a split, not a removal


def test_removing_the_only_day_of_a_line_removes_the_line_or_the_entry() -> None:
    friday = rule_of(WeeklyShift, "amina-h", Weekday.FRI)
    new = edits.remove(TEXTS, friday)
    assert new["oslo.yaml"] == replaced(OSLO, "      - 'fri 12:00-16:00'\n", "")
    assert load(new) == with_rules(SCHEDULE, drop=(friday,))
    sara = rule_of(WeeklyShift, "sara-m")
    new = edits.remove(TEXTS, sara, "ti")
    assert new["oslo.yaml"] == replaced(
        OSLO, '  - {volunteer: sara-m, languages: [ti], weekly: "tue 09:00-11:00"}\n', "")
    assert load(new) == with_rules(SCHEDULE, drop=(sara,))


def test_a_bare_line_is_quoted_when_it_could_no_longer_be_read_bare() -> None:
    texts = {"a.yaml": "timezone: Europe/Oslo\nshifts:\n"
             "  - {volunteer: sara-m, languages: [ti], weekly: mon-wed 09:00-11:00}\n"}
    tuesday = next(w for w in load(texts).weekly if w.weekday == Weekday.TUE)
    new = edits.remove(texts, tuesday)  # "mon,wed" has a comma: bare, it would be two items
    assert new["a.yaml"] == replaced(texts["a.yaml"], "mon-wed 09:00-11:00",
                                     '"mon,wed 09:00-11:00"')
    assert len(load(new).weekly) == 2


def test_removing_exceptions() -> None:
    gift = rule_of(ExtraShift)
    new = edits.remove(TEXTS, gift, "so")
    assert new["oslo.yaml"] == replaced(OSLO, (
        '    extra: "2026-12-24 10:00-13:00"\n    languages: [so, ar]\n'), (
        '    extra: "2026-12-24 10:00-13:00"\n    languages: [ar]\n'))
    assert load(new) == with_rules(SCHEDULE, drop=(gift,),
                                   add=(extra("fatima-k", "ar", "2026-12-24 10:00-13:00"),))
    new = edits.remove(TEXTS, gift)
    assert new["oslo.yaml"] == replaced(OSLO, (
        '  - volunteer: fatima-k\n    extra: "2026-12-24 10:00-13:00"\n'
        "    languages: [so, ar]\n"), "")
    holiday = rule_of(Away)
    new = edits.remove(TEXTS, holiday, "so")
    assert new["oslo.yaml"] == replaced(OSLO, (
        "  - volunteer: amina-h   # holiday\n    away: 2026-12-20 .. 2027-01-03\n"), "")
    assert load(new) == with_rules(SCHEDULE, drop=(holiday,))
    may, christmas = SCHEDULE.closures
    new = edits.remove(TEXTS, may, "so")  # only Somali reopens
    assert new["oslo.yaml"] == replaced(OSLO, "# Somali and Arabic\n    languages: [so, ar]",
                                        "# Somali and Arabic\n    languages: [ar]")
    assert load(new) == with_rules(SCHEDULE, drop=(may,), add=(replace(
        may, languages=frozenset({"ar"})),))
    new = edits.remove(TEXTS, christmas, "so")  # the whole helpline: the closure goes
    assert new["oslo.yaml"] == replaced(OSLO, "  - closed: 2026-12-25\n", "")


# Moving


def test_moving_a_line_of_one_day_and_language_rewrites_it_in_place() -> None:
    sara = rule_of(WeeklyShift, "sara-m")
    assert isinstance(sara, WeeklyShift)
    new = edits.move_weekly(TEXTS, sara, "ti", Weekday.THU, parse_span("13:00-15:30"))
    assert new["oslo.yaml"] == replaced(OSLO, '"tue 09:00-11:00"}', '"thu 13:00-15:30"}')
    assert load(new) == with_rules(SCHEDULE, drop=(sara,),
                                   add=tuple(weekly("sara-m", "ti", "thu 13:00-15:30")))
    french = {"oslo.yaml": replaced(OSLO, "      - so\n      - fr\n", "      - fr\n")}
    fatima = next(w for w in load(french).weekly if w.volunteer == "fatima-k")
    new = edits.move_weekly(french, fatima, "fr", Weekday.SUN, parse_span("18:00-20:00"))
    assert new["oslo.yaml"] == replaced(french["oslo.yaml"], "weekly: mon 18:00-20:00",
                                        "weekly: sun 18:00-20:00")  # plain stays plain


def test_moving_one_language_of_one_day_leaves_the_rest() -> None:
    monday = rule_of(WeeklyShift, "amina-h", Weekday.MON)
    assert isinstance(monday, WeeklyShift)
    new = edits.move_weekly(TEXTS, monday, "ar", Weekday.THU, parse_span("10:00-14:00"))
    assert new["oslo.yaml"] == replaced(OSLO, (
        '      - "mon,wed 10:00-14:00"     # mornings\n'
        "      - 'fri 12:00-16:00'\n"), (
        '      - "wed 10:00-14:00"     # mornings\n'
        "      - 'fri 12:00-16:00'\n"
        "  - volunteer: amina-h\n"
        "    languages: [so]\n"
        '    weekly: "mon 10:00-14:00"\n'
        "  - volunteer: amina-h\n"
        "    languages: [ar]\n"
        '    weekly: "thu 10:00-14:00"\n'))
    assert load(new) == with_rules(SCHEDULE, drop=(monday,), add=(
        *weekly("amina-h", "so", "mon 10:00-14:00"), *weekly("amina-h", "ar", "thu 10:00-14:00")))


# Stale pages


def test_a_rule_that_is_no_longer_at_its_line_is_a_stale_edit() -> None:
    friday = rule_of(WeeklyShift, "amina-h", Weekday.FRI)
    shifted = {"oslo.yaml": "# a new first line\n" + OSLO}
    with pytest.raises(StaleEdit):
        edits.remove(shifted, friday)
    changed = {"oslo.yaml": replaced(OSLO, "'fri 12:00-16:00'", "'fri 12:00-15:00'")}
    with pytest.raises(StaleEdit):
        edits.remove(changed, friday)
    with pytest.raises(StaleEdit):
        edits.remove({"other.yaml": OSLO}, friday)
    with pytest.raises(StaleEdit):  # not for that language (any more)
        edits.move_weekly(TEXTS, friday, "ti", Weekday.MON,  # type: ignore[arg-type]
                          parse_span("10:00-11:00"))
    with pytest.raises(StaleEdit):
        edits.remove(TEXTS, SCHEDULE.closures[0], "fr")


# A real file with comments


def changed_region(before: list[str], after: list[str]) -> list[str]:
    """The lines of ``before`` that an edit replaced: everything between the longest
    unchanged beginning and the longest unchanged end."""
    size = min(len(before), len(after))
    start = next((i for i in range(size) if before[i] != after[i]), size)
    end = next((i for i in range(size - start) if before[-1 - i] != after[-1 - i]), size - start)
    return before[start:len(before) - end]


def test_edits_of_a_commented_example_keep_every_comment_and_the_layout() -> None:
    path = DIRECTORY / "oslo-helpline.yaml"
    text = path.read_text(encoding="utf-8")
    texts = {path.name: text}
    speaks = languages_spoken(load_volunteers(VOLUNTEERS, ALL_LANGUAGES))
    schedule = load_texts(texts, ALL_LANGUAGES, speaks)
    before = text.splitlines()
    comments = [line for line in before if line.lstrip().startswith("#")]
    assert len(comments) >= 4, "the example should have comments"
    span = parse_span("17:00-18:00")
    results = [
        *(edits.remove(texts, rule, language) for rule in schedule.weekly
          for language in (None, *sorted(rule.languages))),
        *(edits.move_weekly(texts, rule, language, Weekday.SUN, span) for rule in schedule.weekly
          for language in sorted(rule.languages)),
        *(edits.remove(texts, rule) for rule in schedule.closures),
        edits.add_weekly(texts, "grace-o", frozenset({"en"}), Weekday.SAT, span, timezone=ZONE),
        edits.add_away(texts, "kari-n", date(2026, 8, 1), date(2026, 8, 9), timezone=ZONE),
    ]
    for result in results:
        after = result[path.name].splitlines()
        assert [line for line in after if line.lstrip().startswith("#")] == comments
        region = changed_region(before, after)
        # At most one entry's lines changed (a removed entry takes its own end-of-line
        # comment with it), never a comment line or a blank one.
        assert len(region) <= 4, region
        assert all(line.strip() and not line.lstrip().startswith("#") for line in region)
        load_texts(result, ALL_LANGUAGES, speaks)
