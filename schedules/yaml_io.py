"""Schedule files: the coordinators' YAML, read into a Schedule with file:line problems.

A file (the full description, with an example, is in ``docs/schedules.md``)::

    timezone: Europe/Oslo            # required, the same in every file
    opening_hours:                   # optional, given once (or the same everywhere)
      mon-fri: "09:00-21:00"
    shifts:
      - volunteer: amina-h
        languages: [so, ar]
        weekly: "mon,wed 10:00-14:00"    # or a list of such lines
    exceptions:
      - volunteer: amina-h
        away: 2026-12-20 .. 2027-01-03
      - volunteer: fatima-k
        extra: "2026-12-24 10:00-13:00"
        languages: [so]
      - closed: 2026-12-25             # the whole helpline
      - closed: 2026-05-17
        languages: [ar]

The format is the pydantic models below, read by :mod:`schedules.yaml_files`
(ruamel.yaml, values as written, every problem with its line); the small
notations (times, weekdays, dates) are :mod:`schedules.notation`'s. Reading
collects every problem of every file (the format, then the checks of
:mod:`schedules.validation` over all files together) and raises one
:class:`~schedules.exceptions.ScheduleError`. Writing is
:func:`schedules.yaml_dump.dump` (also importable from here); editing stored
files without losing their comments is :mod:`schedules.edits`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import BeforeValidator, ConfigDict, Discriminator, Field, Tag

from schedules.exceptions import Problem, ScheduleError, did_you_mean, unique_problems
from schedules.model import (
    Away,
    Closure,
    ExtraShift,
    OpenSpan,
    Schedule,
    Source,
    TimeSpan,
    Weekday,
    WeeklyShift,
)
from schedules.notation import (
    parse_date_range,
    parse_dated_span,
    parse_span,
    parse_weekdays,
    parse_weekly,
)
from schedules.validation import validate
from schedules.yaml_dump import HEADER as HEADER
from schedules.yaml_dump import dump as dump
from schedules.yaml_files import (
    KEY,
    Droppable,
    Entries,
    Fields,
    OneOrMore,
    Text,
    YamlFile,
    YamlModel,
    not_a_mapping,
    parsed,
)
from schedules.yaml_files import Path as YamlPath

Rule = WeeklyShift | ExtraShift | Away | Closure


def loads(
    text: str,
    known_languages: Collection[str] | Mapping[str, str],
    volunteers: Mapping[str, Collection[str]],
    *,
    file: str = "schedule.yaml",
) -> Schedule:
    """The schedule written in ``text`` (named ``file`` in problems)."""
    return load_texts({file: text}, known_languages, volunteers)


def load_files(
    paths: Iterable[str | Path],
    known_languages: Collection[str] | Mapping[str, str],
    volunteers: Mapping[str, Collection[str]],
) -> Schedule:
    """One schedule from several files (problems name each file as given)."""
    texts: dict[str, str] = {}
    unreadable: list[Problem] = []
    for path in paths:
        try:
            texts[str(path)] = Path(path).read_text(encoding="utf-8")
        except UnicodeDecodeError:
            unreadable.append(Problem(str(path), None, "the file is not UTF-8 text"))
        except OSError as error:
            unreadable.append(Problem(str(path), None, f"cannot read the file: {error.strerror}"))
    if unreadable and not texts:
        raise ScheduleError(unreadable)
    try:
        schedule = load_texts(texts, known_languages, volunteers)
    except ScheduleError as error:
        raise ScheduleError([*unreadable, *error.problems]) from None
    if unreadable:
        raise ScheduleError(unreadable)
    return schedule


def load_texts(
    texts: Mapping[str, str],
    known_languages: Collection[str] | Mapping[str, str],
    volunteers: Mapping[str, Collection[str]],
) -> Schedule:
    """One schedule from several texts, keyed by the file name to show in problems."""
    if not texts:
        raise ScheduleError([Problem(None, None, "no schedule files were given")])
    problems: list[Problem] = []
    files: list[_File] = []
    for file, text in texts.items():
        files.append(_read(text, file))
        problems.extend(files[-1].problems)
    schedule = _combine(files, problems)
    problems.extend(validate(schedule, known_languages, volunteers))
    order = {file: index for index, file in enumerate(texts)}
    problems.sort(key=lambda p: (order.get(p.file or "", -1), p.line or 0))
    if problems:
        raise ScheduleError(unique_problems(problems))
    return schedule


def located_rules(text: str, file: str) -> list[tuple[Rule, YamlPath]]:
    """Every rule that can be read from one file, each with where its value is
    (``("shifts", 2, "weekly", 0)``): what :mod:`schedules.edits` changes."""
    return _read(text, file).rules


# The format


def _zone_name(text: str) -> str:
    name = text.strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        hint = did_you_mean(name, available_timezones())
        raise ValueError(f"unknown time zone {name!r}{hint} (write it like Europe/Oslo)") from None
    return name


Code = Annotated[str, parsed(str.strip)]
Codes = OneOrMore[Code]
Span = Annotated[TimeSpan, parsed(parse_span)]
Weekly = Annotated[tuple[tuple[Weekday, ...], TimeSpan], parsed(parse_weekly)]
Dates = Annotated[tuple[date, date], parsed(parse_date_range)]


class _Shift(YamlModel):
    model_config = ConfigDict(title="a shift")

    volunteer: Text
    languages: Codes
    weekly: OneOrMore[Droppable[Weekly]]  # each line read on its own


class _Away(YamlModel):
    model_config = ConfigDict(title="an 'away' exception")

    volunteer: Text
    away: Dates


class _Extra(YamlModel):
    model_config = ConfigDict(title="an 'extra' exception")

    volunteer: Text
    extra: Annotated[tuple[date, TimeSpan], parsed(parse_dated_span)]
    languages: Codes


class _Closed(YamlModel):
    model_config = ConfigDict(title="an 'closed' exception")

    closed: Dates
    # Languages that cannot be read leave the closure out, rather than close everything.
    languages: Codes | None = None


_KINDS: dict[str, type[YamlModel]] = {"away": _Away, "extra": _Extra, "closed": _Closed}


def _one_kind(entry: Any) -> Any:
    """An exception is a mapping with exactly one of the kinds (checked before the
    kind picks the model)."""
    if not isinstance(entry, dict):
        raise not_a_mapping("an exception")
    kinds = [kind for kind in _KINDS if kind in entry]
    if not kinds:
        raise ValueError("an exception needs one of 'away', 'extra' or 'closed'")
    if len(kinds) > 1:
        raise ValueError(f"an exception has {' and '.join(map(repr, kinds))}; write each "
                         "as an exception of its own")
    return entry


def _kind(entry: dict[str, Any]) -> str:
    """The tag of the kind's model: its title, which (unlike 'away') is not a key
    that could be confused with the entry's own fields where problems are placed."""
    return str(_KINDS[next(kind for kind in _KINDS if kind in entry)].model_config["title"])


_Exception = Annotated[
    Annotated[_Away, Tag("an 'away' exception")] | Annotated[_Extra, Tag("an 'extra' exception")]
    | Annotated[_Closed, Tag("an 'closed' exception")],
    Discriminator(_kind),
    BeforeValidator(_one_kind),
]


class _ScheduleFile(YamlModel):
    model_config = ConfigDict(title="the file")

    timezone: Droppable[Annotated[str, parsed(_zone_name)]]
    opening_hours: Droppable[Fields[OneOrMore[Droppable[Span]]]] = Field(
        None, title="the opening hours of {key}")
    shifts: Droppable[Entries[Droppable[_Shift]]] = None
    exceptions: Droppable[Entries[Droppable[_Exception]]] = None


# Reading


@dataclass
class _File:
    """What one file holds, each rule with its path in the file."""

    name: str
    problems: list[Problem]
    timezone: str | None = None
    timezone_source: Source | None = None
    opening: list[OpenSpan] | None = None
    opening_source: Source | None = None
    rules: list[tuple[Rule, YamlPath]] = field(default_factory=list)

    def of(self, kind: type[Rule]) -> list[Any]:
        return [rule for rule, _path in self.rules if isinstance(rule, kind)]


def _read(text: str, name: str) -> _File:
    document = YamlFile(text, name)
    top = document.check(_ScheduleFile)
    read = _File(name, document.problems)
    if top is None:
        return read
    if top.timezone is not None:
        read.timezone, read.timezone_source = top.timezone, document.source(("timezone",))
    if top.opening_hours is not None:
        read.opening = []
        read.opening_source = document.source(("opening_hours",))
        for written, spans in top.opening_hours.items():
            days = document.parse(parse_weekdays, written, ("opening_hours", written, KEY))
            read.opening.extend(
                OpenSpan(day, span, document.source(("opening_hours", written, index)))
                for index, span in enumerate(spans) if span is not None and days
                for day in days
            )
    for i, shift in enumerate(top.shifts or ()):
        for j, weekly in enumerate(shift.weekly if shift is not None else ()):
            if shift is not None and weekly is not None:
                path: YamlPath = ("shifts", i, "weekly", j)
                days, span = weekly
                read.rules += [(WeeklyShift(shift.volunteer, frozenset(shift.languages), day, span,
                                            document.source(path)), path) for day in days]
    for i, entry in enumerate(top.exceptions or ()):
        if isinstance(entry, _Away):
            path = ("exceptions", i, "away")
            read.rules.append((Away(entry.volunteer, *entry.away, document.source(path)), path))
        elif isinstance(entry, _Extra):
            path = ("exceptions", i, "extra")
            read.rules.append((ExtraShift(entry.volunteer, frozenset(entry.languages),
                                          *entry.extra, document.source(path)), path))
        elif isinstance(entry, _Closed):
            path = ("exceptions", i, "closed")
            languages = None if entry.languages is None else frozenset(entry.languages)
            read.rules.append((Closure(*entry.closed, languages, document.source(path)), path))
    return read


def _combine(files: list[_File], problems: list[Problem]) -> Schedule:
    """All files' rules in one schedule; files that disagree on the time zone or the
    opening hours add to ``problems``."""
    zoned = [f for f in files if f.timezone is not None]
    timezone = zoned[0].timezone if zoned else None
    for other in zoned[1:]:
        if other.timezone != timezone:
            problems.append(Problem.at(
                other.timezone_source, f"the time zone {other.timezone} differs from "
                f"{timezone} in {zoned[0].timezone_source}; files loaded together must use "
                "the same time zone"))
    opened = [f for f in files if f.opening is not None]
    for other in opened[1:]:
        if set(other.opening or ()) != set(opened[0].opening or ()):
            problems.append(Problem.at(
                other.opening_source, f"these opening hours differ from those in "
                f"{opened[0].opening_source}; give them once, or the same in every file"))
    return Schedule(
        timezone=timezone or "UTC",
        weekly=tuple(rule for f in files for rule in f.of(WeeklyShift)),
        extra=tuple(rule for f in files for rule in f.of(ExtraShift)),
        away=tuple(rule for f in files for rule in f.of(Away)),
        closures=tuple(rule for f in files for rule in f.of(Closure)),
        opening_hours=tuple(opened[0].opening or ()) if opened else None,
    )
