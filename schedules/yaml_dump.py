"""Writing schedule files: a :class:`~schedules.model.Schedule` built in code as YAML
texts, and the entries that :mod:`schedules.edits` adds to stored files.

:func:`dump` gives one text per file the rules came from, in one fixed layout
(weekly shifts of a volunteer and languages grouped, exceptions in date order);
reading it back gives an equal schedule and writing that again the same texts.
It does not keep comments: a stored file is edited with :mod:`schedules.edits`,
never written again from the model.

An entry is written as its ``(name, value)`` fields (:func:`shift_fields` ...),
then laid out as ``- `` lines (:func:`block`) or as ``{...}`` (:func:`flow`).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.resolver import VersionedResolver

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
from schedules.notation import format_date_range, format_weekdays

HEADER = "# Helpline schedule. Times are local to the time zone below."

Fields = list[tuple[str, str]]  # an entry's fields: name, value as written in YAML


def dump(schedule: Schedule, *, default_file: str = "schedule.yaml") -> dict[str, str]:
    """The schedule as YAML texts, keyed by file name: each rule goes back to the file
    it was read from (the base name), rules not read from a file to ``default_file``."""

    def file_of(source: Source | None) -> str:
        return default_file if source is None else Path(source.file).name

    files: dict[str, _Content] = defaultdict(_Content)
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
        files[default_file] = _Content()
    return {name: _render(schedule.timezone, files[name]) for name in sorted(files)}


def scalar(text: str) -> str:
    """``text`` as a YAML value: bare when any YAML reader (1.1 or 1.2) reads it back
    as the same text (not as a number, a date, a boolean or null), double-quoted
    otherwise."""
    simple = bool(text) and text[0].isalnum() and all(c.isalnum() or c in "-_./+" for c in text)
    bare = simple and all(
        VersionedResolver(version=version).resolve(ScalarNode, text, (True, False))
        == "tag:yaml.org,2002:str"
        for version in ((1, 1), (1, 2))
    )
    return text if bare else json.dumps(text)


def codes(languages: Iterable[str]) -> str:
    """``[ar, so]``: language codes in order."""
    return f"[{', '.join(scalar(code) for code in sorted(languages))}]"


def shift_fields(volunteer: str, languages: frozenset[str], weekly: str) -> Fields:
    """A weekly shift entry with one ``weekly`` line (``"mon,wed 10:00-14:00"``)."""
    return [("volunteer", scalar(volunteer)), ("languages", codes(languages)),
            ("weekly", json.dumps(weekly))]


def extra_fields(extra: ExtraShift) -> Fields:
    return [("volunteer", scalar(extra.volunteer)),
            ("extra", json.dumps(f"{extra.day.isoformat()} {extra.span}")),
            ("languages", codes(extra.languages))]


def away_fields(away: Away) -> Fields:
    return [("volunteer", scalar(away.volunteer)),
            ("away", format_date_range(away.first, away.last))]


def closure_fields(closure: Closure) -> Fields:
    fields = [("closed", format_date_range(closure.first, closure.last))]
    if closure.languages is not None:
        fields.append(("languages", codes(closure.languages)))
    return fields


def block(fields: Fields, dash: int = 2, indent: int = 4) -> list[str]:
    """The entry as lines of a ``- `` list: the dash at column ``dash``, the names at
    column ``indent``."""
    lines = [f"{' ' * indent}{name}: {value}" for name, value in fields]
    lines[0] = f"{' ' * dash}-{lines[0][dash + 1:]}"
    return lines


def flow(fields: Fields) -> str:
    """The entry as one ``{name: value, ...}`` mapping."""
    return "{" + ", ".join(f"{name}: {value}" for name, value in fields) + "}"


@dataclass
class _Content:
    """What goes into one file."""

    opening: list[OpenSpan] | None = None
    weekly: list[WeeklyShift] = field(default_factory=list)
    extra: list[ExtraShift] = field(default_factory=list)
    away: list[Away] = field(default_factory=list)
    closures: list[Closure] = field(default_factory=list)


def _render(timezone: str, content: _Content) -> str:
    lines = [HEADER, f"timezone: {scalar(timezone)}"]
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
        for (volunteer, _codes), shifts in sorted(entries.items()):
            weekly = [f"{format_weekdays(days)} {spans[0]}"
                      for days, spans in _by_days([(s.weekday, s.span) for s in shifts],
                                                  per_span=True)]
            fields = shift_fields(volunteer, shifts[0].languages, weekly[0])
            if len(weekly) == 1:
                lines += block(fields)
            else:
                lines += [*block(fields[:2]), "    weekly:",
                          *(f"      - {json.dumps(line)}" for line in weekly)]
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


def _exception_lines(content: _Content) -> list[str]:
    dated: list[tuple[date, int, list[str]]] = []
    for away in content.away:
        dated.append((away.first, 0, block(away_fields(away))))
    for extra in content.extra:
        dated.append((extra.day, 1, block(extra_fields(extra))))
    for closure in content.closures:
        dated.append((closure.first, 2, block(closure_fields(closure))))
    dated.sort(key=lambda item: (item[0], item[1], item[2]))
    return [line for _, _, entry in dated for line in entry]
