"""Random sequences of edits on a commented file: every edit keeps every comment line,
reads back without a format problem, and gives the schedule that the same edit
made on the model gives (the meaning the web interface had before)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from schedules import edits
from schedules.exceptions import ScheduleError
from schedules.model import Away, Closure, ExtraShift, Schedule, Weekday, WeeklyShift
from schedules.notation import parse_span
from tests.unit.schedules.test_edits import OSLO, SPEAKS, TIGRINYA, ZONE, load

Rule = WeeklyShift | ExtraShift | Away | Closure
SPANS = [parse_span(text) for text in ("06:00-08:00", "10:00-14:00", "13:00-15:30", "22:00-01:00")]
# Problems an edit may cause that the caller refuses (the page says so): not format ones.
REFUSED = ("two shifts at the same time", "falls while", "falls when")

# The same kind of file written in other ways people write YAML.
INDENTLESS = """\
timezone: Europe/Oslo
shifts:
# dashes at the column of their key
- volunteer: amina-h
  languages:
  - so
  - ar
  weekly:
  - mon,wed 10:00-14:00
  - fri 12:00-16:00   # bare
exceptions:
- {volunteer: fatima-k, away: 2026-12-20 .. 2027-01-03}
- closed: 2026-12-25"""
FLOW = """\
timezone: Europe/Oslo
# everything in brackets
shifts: [{volunteer: sara-m, languages: [ti], weekly: [tue 09:00-11:00, "thu,fri 12:00-13:00"]}]
exceptions: []
"""
WIDE = """\
timezone:    Europe/Oslo
shifts:
    -   volunteer: fatima-k
        languages: [so, ar, fr]
        weekly: "mon-fri 08:00-09:00"
"""
LAYOUTS = [
    {"oslo.yaml": OSLO, "tigrinya.yaml": TIGRINYA},
    {"oslo.yaml": OSLO.replace("\n", "\r\n")},
    {"indentless.yaml": INDENTLESS, "flow.yaml": FLOW},
    {"flow.yaml": FLOW, "wide.yaml": WIDE},
]


def comment_lines(texts: dict[str, str]) -> dict[str, list[str]]:
    return {file: [line for line in text.splitlines() if line.lstrip().startswith("#")]
            for file, text in texts.items()}


@st.composite
def an_edit(draw: st.DrawFn, schedule: Schedule) -> tuple[str, object, Schedule]:
    """One edit: a description, a function of the texts, and the expected schedule."""
    volunteer = draw(st.sampled_from(sorted(SPEAKS)))
    speaks = sorted(SPEAKS[volunteer])
    languages = frozenset(draw(st.lists(st.sampled_from(speaks), min_size=1, unique=True)))
    weekday, span = draw(st.sampled_from(list(Weekday))), draw(st.sampled_from(SPANS))
    first = date(2026, 12, 1) + timedelta(days=draw(st.integers(0, 40)))
    last = first + timedelta(days=draw(st.integers(0, 3)))
    rules: list[Rule] = [*schedule.weekly, *schedule.extra, *schedule.away, *schedule.closures]
    kind = draw(st.sampled_from(["add_weekly", "add_extra", "add_away", "add_closure",
                                 *(["remove", "remove"] if rules else []),
                                 *(["move"] if schedule.weekly else [])]))
    if kind == "add_weekly":
        shift = WeeklyShift(volunteer, languages, weekday, span)
        return (str(shift), lambda t: edits.add_weekly(t, volunteer, languages, weekday, span,
                                                       timezone=ZONE), _plus(schedule, shift))
    if kind == "add_extra":
        extra = ExtraShift(volunteer, languages, first, span)
        return (str(extra), lambda t: edits.add_extra(t, volunteer, languages, first, span,
                                                      timezone=ZONE), _plus(schedule, extra))
    if kind == "add_away":
        away = Away(volunteer, first, last)
        return (str(away), lambda t: edits.add_away(t, volunteer, first, last, timezone=ZONE),
                _plus(schedule, away))
    if kind == "add_closure":
        closed = draw(st.none() | st.just(languages))
        closure = Closure(first, last, closed)
        return (str(closure), lambda t: edits.add_closure(t, first, last, closed, timezone=ZONE),
                _plus(schedule, closure))
    if kind == "move":
        rule = draw(st.sampled_from(schedule.weekly))
        language = draw(st.sampled_from(sorted(rule.languages)))
        expected = _plus(_minus(schedule, rule, language),
                         WeeklyShift(rule.volunteer, frozenset({language}), weekday, span))
        return (f"move {rule} {language}", lambda t: edits.move_weekly(t, rule, language,
                                                                       weekday, span), expected)
    rule = draw(st.sampled_from(rules))
    choices = sorted(getattr(rule, "languages", None) or ())
    language = draw(st.sampled_from([None, *choices]))
    return (f"remove {rule} {language}", lambda t: edits.remove(t, rule, language),
            _minus(schedule, rule, language))


def _plus(schedule: Schedule, rule: Rule) -> Schedule:
    field = {WeeklyShift: "weekly", ExtraShift: "extra", Away: "away", Closure: "closures"}
    name = field[type(rule)]
    return replace(schedule, **{name: (*getattr(schedule, name), rule)})


def _minus(schedule: Schedule, rule: Rule, language: str | None) -> Schedule:
    """The model edit: ``rule`` out; with ``language``, a shift (or a closure of several
    languages) stays for its other languages."""
    field = {WeeklyShift: "weekly", ExtraShift: "extra", Away: "away", Closure: "closures"}
    name = field[type(rule)]
    rules = list(getattr(schedule, name))
    rules.remove(rule)
    languages = getattr(rule, "languages", None)
    if language is not None and languages and language in languages and len(languages) > 1 \
            and not isinstance(rule, Away):
        rules.append(replace(rule, languages=languages - {language}))  # type: ignore[type-var]
    return replace(schedule, **{name: tuple(rules)})


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_random_edits_keep_the_comments_and_always_load(data: st.DataObject) -> None:
    texts = data.draw(st.sampled_from(LAYOUTS))
    comments = comment_lines(texts)
    schedule = load(texts)
    for _step in range(data.draw(st.integers(1, 8))):
        what, edit, expected = data.draw(an_edit(schedule))
        new = edit(texts)  # type: ignore[operator]
        assert comment_lines(new) == comments, what
        for file, text in texts.items():  # a file written with CR LF stays so
            assert ("\r\n" in text) <= (new[file].count("\n") == new[file].count("\r\n"))
        try:
            schedule = load(new)
        except ScheduleError as error:  # refused by the caller: the texts stay as they were
            assert all(any(r in p.message for r in REFUSED) for p in error.problems), (what, error)
            continue
        assert schedule == expected, what
        texts = new
