"""Coordinators' edits of the stored schedule files, made in the text itself.

The web interface changes one rule at a time: add a weekly or extra shift, an
away or a closed range, remove one, move a weekly shift. Each function here takes
the stored texts (file name -> YAML, as written) and returns new texts in which
only the entry it touches has changed: every other line — comments, blank lines,
order, quoting, indentation — is the same, byte for byte. The coordinators'
files stay theirs; the README promises they are stored as written.

How: ruamel.yaml composes each file into nodes that know where they start and
end in the text; :func:`schedules.yaml_io.located_rules` says which entry holds a
rule; the edit replaces just those characters (a value, an item's lines) and
inserts new entries written like :func:`schedules.yaml_dump.dump` writes them,
indented like their neighbours. The result is not validated here: the caller
loads the whole schedule with :func:`schedules.yaml_io.load_texts` before
storing it (an overlap or a language she does not speak is refused there).

What each edit means is what it meant when the web interface edited the model
(the former ``helpline/coordinator/shift_edits.py``): a rule for several
languages edited from one language's page is split, so only that language is
removed or moved (a closure of several languages too, where the model edit
removed it for all); removing one weekday of a
``"mon,wed 10:00-14:00"`` line keeps the other days. A rule is named by the
:class:`~schedules.model.Schedule` loaded from the same texts (its ``source``);
when it is no longer there, :class:`StaleEdit` says the page is out of date.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Mapping
from datetime import date

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from schedules.model import Away, Closure, ExtraShift, TimeSpan, Weekday, WeeklyShift
from schedules.notation import format_weekdays, parse_weekly
from schedules.yaml_dump import (
    HEADER,
    Fields,
    away_fields,
    block,
    closure_fields,
    extra_fields,
    flow,
    scalar,
    shift_fields,
)
from schedules.yaml_files import Path, YamlFile
from schedules.yaml_io import Rule, located_rules

Texts = Mapping[str, str]  # file name -> YAML text, as stored

NEW_FILE = "schedule.yaml"


class StaleEdit(ValueError):
    """The rule is no longer where the page saw it (the documents changed since)."""


def add_weekly(
    texts: Texts,
    volunteer: str,
    languages: frozenset[str],
    weekday: Weekday,
    span: TimeSpan,
    *,
    timezone: str,
) -> dict[str, str]:
    """A new weekly shift, as its own entry: in the first file that already has her
    shifts for one of ``languages`` (after her last shift there), else the first
    file with shifts in one of them, else the first file (at the end of its
    shifts), else a new ``schedule.yaml`` in ``timezone``."""
    fields = shift_fields(volunteer, languages, f"{weekday.short} {span}")
    return _add(texts, "shifts", fields, volunteer, languages, timezone)


def add_extra(
    texts: Texts,
    volunteer: str,
    languages: frozenset[str],
    day: date,
    span: TimeSpan,
    *,
    timezone: str,
) -> dict[str, str]:
    """A new extra shift, at the end of the exceptions of the file chosen as for
    :func:`add_weekly`."""
    fields = extra_fields(ExtraShift(volunteer, languages, day, span))
    return _add(texts, "exceptions", fields, volunteer, languages, timezone)


def add_away(
    texts: Texts, volunteer: str, first: date, last: date, *, timezone: str
) -> dict[str, str]:
    """``volunteer`` away from ``first`` to ``last``, at the end of the exceptions of
    the first file with her shifts (else the first file, else a new one)."""
    return _add(texts, "exceptions", away_fields(Away(volunteer, first, last)), volunteer,
                None, timezone)


def add_closure(
    texts: Texts,
    first: date,
    last: date,
    languages: frozenset[str] | None,
    *,
    timezone: str,
) -> dict[str, str]:
    """The helpline (``languages`` None) or some languages closed from ``first`` to
    ``last``, at the end of the exceptions of the first file with shifts in one
    of ``languages`` (else the first file, else a new one)."""
    return _add(texts, "exceptions", closure_fields(Closure(first, last, languages)), None,
                languages, timezone)


def remove(texts: Texts, rule: Rule, language: str | None = None) -> dict[str, str]:
    """Remove ``rule``; with ``language``, only that language's part of it.

    A shift for several languages loses ``language`` and stays for the others; a
    weekly shift is one weekday, so a ``"mon,wed 10:00-14:00"`` line keeps its
    other days. A closure of several languages loses ``language``; an away range,
    or a closure of one language or of the whole helpline, goes entirely. A rule
    that is not for ``language`` is a :class:`StaleEdit`.
    """
    document, path = _find(texts, rule)
    if language is not None and not isinstance(rule, Away) and rule.languages is not None \
            and language not in rule.languages:
        raise StaleEdit(f"that rule is not for {language}")
    entry = path[:2]
    if isinstance(rule, WeeklyShift):
        inserts: list[Fields] = []
        _remove_weekly(document, rule, path, language, inserts)
        document.insert("shifts", inserts, after=int(path[1]))
    elif isinstance(rule, ExtraShift | Closure) and _languages_left(rule, language):
        document.drop_code((*entry, "languages"), str(language))
    else:
        document.delete_item(entry)
    return document.result(texts)


def move_weekly(
    texts: Texts, rule: WeeklyShift, language: str, weekday: Weekday, span: TimeSpan
) -> dict[str, str]:
    """Move ``language``'s part of one weekday of a weekly shift to ``weekday`` and
    ``span``; the other days and languages stay where they were. A line that holds
    only that day and language is rewritten in place; otherwise the moved part is
    a new entry right after the old one."""
    document, path = _find(texts, rule)
    if language not in rule.languages:
        raise StaleEdit(f"that rule is not for {language}")
    moved = f"{weekday.short} {span}"
    line = document.node(path)
    if rule.languages == {language} and _without_day(line, rule.weekday) is None:
        document.rewrite(path, moved)
    else:
        inserts: list[Fields] = []
        _remove_weekly(document, rule, path, language, inserts)
        inserts.append(shift_fields(rule.volunteer, frozenset({language}), moved))
        document.insert("shifts", inserts, after=int(path[1]))
    return document.result(texts)


# What each edit does to the entries


def _languages_left(rule: ExtraShift | Closure, language: str | None) -> bool:
    """True when removing ``language`` leaves the rule for other languages."""
    return (language is not None and rule.languages is not None
            and language in rule.languages and len(rule.languages) > 1)


def _remove_weekly(
    document: _Document,
    rule: WeeklyShift,
    path: Path,
    language: str | None,
    inserts: list[Fields],
) -> None:
    """Take ``rule`` (one weekday; with ``language``, only that language) out of the
    entry at ``path[:2]``; a part that stays for other languages but cannot stay in
    the entry is added to ``inserts``, to go right after it."""
    entry = path[:2]
    others = rule.languages - {language} if language is not None else frozenset()
    weekly = document.node((*entry, "weekly"))
    lines = weekly.value if isinstance(weekly, SequenceNode) else [weekly]
    rest = _without_day(document.node(path), rule.weekday)
    if rest is None and len(lines) == 1:  # the entry is this day only
        if others:
            document.drop_code((*entry, "languages"), str(language))
        else:
            document.delete_item(entry)
        return
    if rest is None:
        document.delete_item(path)
    else:
        document.rewrite(path, rest)
    if others:
        inserts.append(shift_fields(rule.volunteer, others, f"{rule.weekday.short} {rule.span}"))


def _without_day(line: Node, day: Weekday) -> str | None:
    """The weekly line written at ``line`` without ``day`` (its times as written);
    None when ``day`` is all it has."""
    days, _span = parse_weekly(line.value)
    rest = [d for d in days if d != day]
    if not rest:
        return None
    times = line.value[next(i for i, c in enumerate(line.value) if c.isdigit()):].strip()
    return f"{format_weekdays(rest)} {times}"


def _add(
    texts: Texts,
    key: str,
    fields: Fields,
    volunteer: str | None,
    languages: frozenset[str] | None,
    timezone: str,
) -> dict[str, str]:
    if not texts:
        lines = [HEADER, f"timezone: {scalar(timezone)}", f"{key}:", *block(fields)]
        return {NEW_FILE: "\n".join(lines) + "\n"}
    located = {file: located_rules(text, file) for file, text in texts.items()}
    file = _home(located, volunteer, languages)
    after = None
    if key == "shifts" and volunteer is not None:
        hers = [int(path[1]) for rule, path in located[file]
                if isinstance(rule, WeeklyShift) and rule.volunteer == volunteer]
        after = max(hers, default=None)
    document = _Document(texts[file], file)
    document.insert(key, [fields], after=after)
    return document.result(texts)


def _home(
    located: Mapping[str, list[tuple[Rule, Path]]],
    volunteer: str | None,
    languages: frozenset[str] | None,
) -> str:
    """The file a new rule goes to (see :func:`add_weekly`)."""

    def shifts(file: str) -> list[WeeklyShift | ExtraShift]:
        return [rule for rule, _ in located[file] if isinstance(rule, WeeklyShift | ExtraShift)]

    wanted = languages or frozenset()
    for file in located:
        if any(s.volunteer == volunteer and (languages is None or s.languages & wanted)
               for s in shifts(file)):
            return file
    for file in located:
        if any(s.languages & wanted for s in shifts(file)):
            return file
    return next(iter(located))


def _find(texts: Texts, rule: Rule) -> tuple[_Document, Path]:
    """The file and path of the entry that holds ``rule`` at its source line."""
    source = rule.source
    if source is None or source.file not in texts:
        raise StaleEdit("the schedule was changed meanwhile; look at it again")
    for found, path in located_rules(texts[source.file], source.file):
        if found == rule and found.source == source:
            return _Document(texts[source.file], source.file), path
    raise StaleEdit("the schedule was changed meanwhile; look at it again")


# Changing the text


class _Document:
    """One file's text and its nodes (each knows where it starts and ends), and the
    changes to make: ranges of characters and what replaces them."""

    def __init__(self, text: str, file: str) -> None:
        self.text, self.file = text, file
        try:
            self.root: Node = YAML(typ="rt").compose(text)
        except YAMLError:
            raise ValueError(f"{file} is not valid YAML; it cannot be edited here") from None
        if not isinstance(self.root, MappingNode) or self.root.flow_style is True:
            raise ValueError(f"{file} is not a set of 'name: value' lines; it cannot be edited")
        self.starts = [0, *(i + 1 for i, c in enumerate(text) if c == "\n")]
        self.newline = "\r\n" if "\r\n" in text else "\n"  # new lines end as the others
        self.changes: list[tuple[int, int, str]] = []

    def result(self, texts: Texts) -> dict[str, str]:
        """``texts`` with this file changed."""
        text = self.text
        for start, end, new in sorted(self.changes, reverse=True):
            text = text[:start] + new + text[end:]
        return {**texts, self.file: text}

    def node(self, path: Path) -> Node:
        return self._chain(path)[-1]

    def _chain(self, path: Path) -> list[Node]:
        """The nodes from the top to the value at ``path`` (a position in a single
        value stays at the value: it stands for a list of one)."""
        chain = [self.root]
        for part in path:
            node = chain[-1]
            if isinstance(node, MappingNode):
                chain.append(next(value for key, value in node.value if key.value == part))
            elif isinstance(node, SequenceNode):
                chain.append(node.value[int(part)])
        return chain

    def rewrite(self, path: Path, text: str) -> None:
        """The value at ``path`` becomes ``text``, quoted as it was if it can be."""
        *outer, node = self._chain(path)
        in_flow = any(getattr(n, "flow_style", None) is True for n in outer)
        style = node.style if isinstance(node, ScalarNode) else None
        if style == '"':
            written = json.dumps(text, ensure_ascii=False)
        elif style == "'":
            written = "'" + text.replace("'", "''") + "'"
        else:
            written = text if _reads_back(text, in_flow) else json.dumps(text, ensure_ascii=False)
        self.changes.append((node.start_mark.index, self._end(node), written))

    def drop_code(self, path: Path, code: str) -> None:
        """Take ``code`` out of the list of languages at ``path``."""
        codes = self.node(path)
        if isinstance(codes, SequenceNode):
            self._drop_items(codes, [i for i, item in enumerate(codes.value)
                                     if item.value.strip() == code])

    def delete_item(self, path: Path) -> None:
        """Take the list item at ``path`` (an entry, a line) out of its list."""
        self._drop_items(self.node(path[:-1]), [int(path[-1])])

    def insert(self, key: str, entries: list[Fields], *, after: int | None = None) -> None:
        """Add ``entries`` to the top-level list ``key`` after its item ``after`` (None:
        at its end), written as its items are: ``- `` lines or ``{...}``."""
        if not entries:
            return
        pair = next(((k, v) for k, v in self.root.value if k.value == key), None)
        column = self.root.start_mark.column
        if pair is None:  # no such list yet: a new one at the end of the file
            lines = [f"{' ' * column}{key}:"]
            for fields in entries:
                lines += block(fields, column + 2, column + 4)
            self._add_lines(len(self.text), lines)
            return
        name, items = pair
        if isinstance(items, SequenceNode) and items.value:
            last = items.value[len(items.value) - 1 if after is None else after]
            if items.flow_style is True:
                written = "".join(f", {flow(fields)}" for fields in entries)
                self.changes.append((self._end(last), self._end(last), written))
                return
            dash = items.start_mark.column
            indent = next((i.start_mark.column for i in items.value
                           if isinstance(i, MappingNode) and i.flow_style is not True), dash + 2)
            self._add_lines(self._next_line(self._end(last)),
                            [line for fields in entries for line in block(fields, dash, indent)])
            return
        # An empty list ("shifts:", "shifts: []"): its items go on the lines below.
        if isinstance(items, SequenceNode) or getattr(items, "style", None):  # [] or ""
            self.changes.append((name.end_mark.index, self._end(items), ":"))
            offset = self._next_line(self._end(items))
        elif isinstance(items, ScalarNode) and not items.value.strip():
            offset = self._next_line(name.end_mark.index)
        else:
            raise ValueError(f"{self.file}: {key} is not a list; it cannot be edited here")
        column = name.start_mark.column
        self._add_lines(offset, [line for fields in entries
                                 for line in block(fields, column + 2, column + 4)])

    def _drop_items(self, items: Node, indexes: list[int]) -> None:
        if not isinstance(items, SequenceNode):
            raise ValueError(f"{self.file}: expected a list")
        if items.flow_style is True:
            kept = [self._written(item) for i, item in enumerate(items.value) if i not in indexes]
            self.changes.append((items.start_mark.index, self._end(items),
                                 f"[{', '.join(kept)}]"))
            return
        for index in indexes:
            item = items.value[index]
            line = item.start_mark.line
            while not self._dash_at(line, items.start_mark.column):
                line -= 1
            self.changes.append((self.starts[line], self._next_line(self._end(item)), ""))

    def _dash_at(self, line: int, column: int) -> bool:
        text = self.text[self.starts[line]:]
        return text[:column].strip() == "" and text[column:column + 1] == "-"

    def _add_lines(self, offset: int, lines: list[str]) -> None:
        at_end_of_line = offset < len(self.text) or self.text.endswith("\n")
        before = "" if at_end_of_line else self.newline
        self.changes.append((offset, offset, before + self.newline.join(lines) + self.newline))

    def _end(self, node: Node) -> int:
        """Where the node's text ends: after its last character that is not a space
        or a line break (a block list or mapping: after its last value)."""
        if isinstance(node, MappingNode | SequenceNode) and node.flow_style is not True \
                and node.value:
            children = [n for item in node.value
                        for n in (item if isinstance(item, tuple) else (item,))]
            return max(self._end(child) for child in children)
        end: int = node.end_mark.index
        while end > node.start_mark.index and self.text[end - 1].isspace():
            end -= 1
        return end

    def _next_line(self, offset: int) -> int:
        """The start of the line after the one ``offset`` ends (the end of the text
        on the last line)."""
        line = bisect.bisect_right(self.starts, max(offset - 1, 0))
        return self.starts[line] if line < len(self.starts) else len(self.text)

    def _written(self, node: Node) -> str:
        return self.text[node.start_mark.index:self._end(node)]


def _reads_back(text: str, in_flow: bool) -> bool:
    """True when ``text`` written bare is read back as itself (in a ``[...]`` list
    when ``in_flow``)."""
    written = YamlFile(f"- [{text}]" if in_flow else f"- {text}", "")
    expected = [[text]] if in_flow else [text]
    return not written.problems and written.data == expected
