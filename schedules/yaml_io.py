"""Schedule files: the coordinators' YAML, read with file:line problems, written back.

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

Reading collects every problem of every file (format, then the checks of
:mod:`schedules.validation` over all files together) and raises one
:class:`~schedules.exceptions.ScheduleError`. Writing gives one text per file the
rules came from; reading it back gives an equal schedule (comments are not kept).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import yaml

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
    format_date_range,
    format_weekdays,
    parse_date_range,
    parse_dated_span,
    parse_span,
    parse_weekdays,
    parse_weekly,
)
from schedules.validation import validate
from schedules.yaml_nodes import NodeReader

HEADER = "# Helpline schedule. Times are local to the time zone below."
_EXCEPTION_KINDS = ("away", "extra", "closed")


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
    parsed: list[_Parsed] = []
    for file, text in texts.items():
        reader = NodeReader(file)
        parsed.append(_read(reader, text))
        problems.extend(reader.problems)
    schedule = _combine(parsed, problems)
    problems.extend(validate(schedule, known_languages, volunteers))
    order = {file: index for index, file in enumerate(texts)}
    problems.sort(key=lambda p: (order.get(p.file or "", -1), p.line or 0))
    if problems:
        raise ScheduleError(unique_problems(problems))
    return schedule


def dump(schedule: Schedule, *, default_file: str = "schedule.yaml") -> dict[str, str]:
    """The schedule as YAML texts, keyed by file name: each rule goes back to the file
    it was read from (the base name), rules not read from a file to ``default_file``."""

    def file_of(source: Source | None) -> str:
        return default_file if source is None else Path(source.file).name

    files: dict[str, _Parsed] = defaultdict(lambda: _Parsed(""))
    for weekly in schedule.weekly:
        files[file_of(weekly.source)].weekly.append(weekly)
    for extra in schedule.extra:
        files[file_of(extra.source)].extra.append(extra)
    for away in schedule.away:
        files[file_of(away.source)].away.append(away)
    for closure in schedule.closures:
        files[file_of(closure.source)].closures.append(closure)
    if schedule.opening_hours is not None:
        files[file_of(schedule.opening_hours[0].source)].opening = list(schedule.opening_hours)
    if not files:
        files[default_file] = _Parsed("")
    return {name: _render(schedule.timezone, files[name]) for name in sorted(files)}


@dataclass
class _Parsed:
    """What one file holds (or, when writing, what goes into one file)."""

    file: str
    timezone: str | None = None
    timezone_source: Source | None = None
    opening: list[OpenSpan] | None = None
    opening_source: Source | None = None
    weekly: list[WeeklyShift] = field(default_factory=list)
    extra: list[ExtraShift] = field(default_factory=list)
    away: list[Away] = field(default_factory=list)
    closures: list[Closure] = field(default_factory=list)


def _read(reader: NodeReader, text: str) -> _Parsed:
    parsed = _Parsed(reader.file)
    root = reader.compose(text)
    top = None if root is None else reader.fields(
        root, "the file", required=("timezone",),
        optional=("opening_hours", "shifts", "exceptions"),
    )
    if top is None:
        return parsed
    if "timezone" in top:
        parsed.timezone = reader.parse(top["timezone"], _zone_name, "timezone")
        parsed.timezone_source = reader.source(top["timezone"])
    if "opening_hours" in top:
        parsed.opening = _opening_hours(reader, top["opening_hours"])
        parsed.opening_source = reader.source(top["opening_hours"])
    for entry in reader.entries(top["shifts"], "shifts") if "shifts" in top else ():
        _shift(reader, entry, parsed)
    for entry in reader.entries(top["exceptions"], "exceptions") if "exceptions" in top else ():
        _exception(reader, entry, parsed)
    return parsed


def _zone_name(text: str) -> str:
    name = text.strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        hint = did_you_mean(name, available_timezones())
        raise ValueError(f"unknown time zone {name!r}{hint} (write it like Europe/Oslo)") from None
    return name


def _opening_hours(reader: NodeReader, node: yaml.Node) -> list[OpenSpan]:
    spans: list[OpenSpan] = []
    for key, value in reader.mapping(node, "opening_hours") or ():
        days = reader.parse_text(key.value, key, parse_weekdays)
        for text, item in reader.texts(value, f"the opening hours of {key.value}"):
            span = reader.parse_text(text, item, parse_span)
            if days and span:
                spans.extend(OpenSpan(day, span, reader.source(item)) for day in days)
    return spans


def _shift(reader: NodeReader, entry: yaml.Node, parsed: _Parsed) -> None:
    fields = reader.fields(entry, "a shift", required=("volunteer", "languages", "weekly"))
    if fields is None:
        return
    volunteer = reader.text(fields["volunteer"], "volunteer") if "volunteer" in fields else None
    languages = _languages(reader, fields.get("languages"))
    for text, node in reader.texts(fields["weekly"], "weekly") if "weekly" in fields else ():
        weekly = reader.parse_text(text, node, parse_weekly)
        if weekly and volunteer and languages:
            days, span = weekly
            parsed.weekly.extend(
                WeeklyShift(volunteer, languages, day, span, reader.source(node)) for day in days
            )


def _exception(reader: NodeReader, entry: yaml.Node, parsed: _Parsed) -> None:
    if not isinstance(entry, yaml.MappingNode):
        reader.report(entry, "an exception should be a set of 'name: value' lines")
        return
    names = {key.value for key, _ in entry.value if isinstance(key, yaml.ScalarNode)}
    kinds = [name for name in _EXCEPTION_KINDS if name in names]
    if len(kinds) != 1:
        reader.report(entry, f"an exception has {' and '.join(map(repr, kinds))}; write each "
                      "as an exception of its own" if kinds else
                      "an exception needs one of 'away', 'extra' or 'closed'")
        return
    kind = kinds[0]
    required, optional = {
        "away": (("volunteer", "away"), ()),
        "extra": (("volunteer", "extra", "languages"), ()),
        "closed": (("closed",), ("languages",)),
    }[kind]
    fields = reader.fields(entry, f"an {kind!r} exception", required=required, optional=optional)
    if fields is None:
        return
    volunteer = reader.text(fields["volunteer"], "volunteer") if "volunteer" in fields else None
    languages = _languages(reader, fields.get("languages"))
    source = reader.source(fields[kind])
    if kind == "extra":
        when = reader.parse(fields[kind], parse_dated_span, "extra")
        if when and volunteer and languages:
            parsed.extra.append(ExtraShift(volunteer, languages, *when, source))
        return
    dates = reader.parse(fields[kind], parse_date_range, kind)
    if dates and kind == "away" and volunteer:
        parsed.away.append(Away(volunteer, *dates, source))
    # Languages that could not be read leave the closure out, rather than close everything.
    elif dates and kind == "closed" and (languages or "languages" not in fields):
        parsed.closures.append(Closure(*dates, languages, source))


def _languages(reader: NodeReader, node: yaml.Node | None) -> frozenset[str] | None:
    if node is None:
        return None
    codes = frozenset(text.strip() for text, _ in reader.texts(node, "languages"))
    return codes or None


def _combine(parsed: list[_Parsed], problems: list[Problem]) -> Schedule:
    """All files' rules in one schedule; files that disagree on the time zone or the
    opening hours add to ``problems``."""
    zoned = [p for p in parsed if p.timezone is not None]
    timezone = zoned[0].timezone if zoned else None
    for other in zoned[1:]:
        if other.timezone != timezone:
            problems.append(Problem.at(
                other.timezone_source, f"the time zone {other.timezone} differs from "
                f"{timezone} in {zoned[0].timezone_source}; files loaded together must use "
                "the same time zone"))
    opened = [p for p in parsed if p.opening is not None]
    for other in opened[1:]:
        if set(other.opening or ()) != set(opened[0].opening or ()):
            problems.append(Problem.at(
                other.opening_source, f"these opening hours differ from those in "
                f"{opened[0].opening_source}; give them once, or the same in every file"))
    return Schedule(
        timezone=timezone or "UTC",
        weekly=tuple(rule for p in parsed for rule in p.weekly),
        extra=tuple(rule for p in parsed for rule in p.extra),
        away=tuple(rule for p in parsed for rule in p.away),
        closures=tuple(rule for p in parsed for rule in p.closures),
        opening_hours=tuple(opened[0].opening or ()) if opened else None,
    )


# Writing


def _plain(text: str) -> str:
    """``text`` as a YAML scalar: bare when any YAML reader reads it back as the same
    text (not as a number, a date or a boolean), double-quoted otherwise."""
    simple = bool(text) and text[0].isalnum() and all(c.isalnum() or c in "-_./+" for c in text)
    return text if simple and yaml.safe_load(text) == text else json.dumps(text)


def _codes(languages: frozenset[str]) -> str:
    return f"[{', '.join(_plain(code) for code in sorted(languages))}]"


def _render(timezone: str, content: _Parsed) -> str:
    lines = [HEADER, f"timezone: {_plain(timezone)}"]
    if content.opening is not None:
        lines.append("opening_hours:")
        for days, spans in _by_days([(o.weekday, o.span) for o in content.opening]):
            values = [json.dumps(str(span)) for span in spans]
            value = values[0] if len(values) == 1 else f"[{', '.join(values)}]"
            lines.append(f"  {format_weekdays(days)}: {value}")
    if content.weekly:
        lines.append("shifts:")
        entries: dict[tuple[str, tuple[str, ...]], list[WeeklyShift]] = defaultdict(list)
        for shift in content.weekly:
            entries[(shift.volunteer, tuple(sorted(shift.languages)))].append(shift)
        for (volunteer, _codes_key), shifts in sorted(entries.items()):
            lines += [f"  - volunteer: {_plain(volunteer)}",
                      f"    languages: {_codes(shifts[0].languages)}"]
            weekly = [json.dumps(f"{format_weekdays(days)} {spans[0]}")
                      for days, spans in _by_days([(s.weekday, s.span) for s in shifts],
                                                  per_span=True)]
            lines += ([f"    weekly: {weekly[0]}"] if len(weekly) == 1 else
                      ["    weekly:", *(f"      - {line}" for line in weekly)])
    exceptions = _exception_lines(content)
    if exceptions:
        lines += ["exceptions:", *exceptions]
    return "\n".join(lines) + "\n"


def _by_days(
    pairs: list[tuple[Weekday, TimeSpan]], *, per_span: bool = False
) -> list[tuple[list[Weekday], list[TimeSpan]]]:
    """Weekdays grouped by their spans (all of a day's spans together, or, with
    ``per_span``, each span on its own), in week order."""
    by_day: dict[Weekday, list[TimeSpan]] = defaultdict(list)
    for day, span in pairs:
        by_day[day].append(span)
    groups: dict[tuple[TimeSpan, ...], list[Weekday]] = defaultdict(list)
    for day in sorted(by_day):
        spans = sorted(by_day[day], key=lambda s: (s.start, s.end))
        for key in ([(span,) for span in spans] if per_span else [tuple(spans)]):
            groups[key].append(day)
    ordered = sorted(groups.items(), key=lambda item: (item[1][0], item[0][0].start))
    return [(days, list(spans)) for spans, days in ordered]


def _exception_lines(content: _Parsed) -> list[str]:
    dated: list[tuple[date, int, list[str]]] = []
    for away in content.away:
        dated.append((away.first, 0, [f"  - volunteer: {_plain(away.volunteer)}",
                                      f"    away: {format_date_range(away.first, away.last)}"]))
    for extra in content.extra:
        when = json.dumps(f"{extra.day.isoformat()} {extra.span}")
        dated.append((extra.day, 1, [f"  - volunteer: {_plain(extra.volunteer)}",
                                     f"    extra: {when}",
                                     f"    languages: {_codes(extra.languages)}"]))
    for closure in content.closures:
        entry = [f"  - closed: {format_date_range(closure.first, closure.last)}"]
        if closure.languages is not None:
            entry.append(f"    languages: {_codes(closure.languages)}")
        dated.append((closure.first, 2, entry))
    dated.sort(key=lambda item: (item[0], item[1], item[2]))
    return [line for _, _, entry in dated for line in entry]
