"""Volunteers files: who the volunteers are and which languages they speak.

The service keeps volunteers in its database; this file format is how demo data
and bulk imports reach it::

    volunteers:
      amina-h:                        # the key schedules use: lowercase, digits, dashes
        name: Amina H.                # shown to coordinators
        phone: "+47 99 99 01 01"      # international form; spaces are dropped
        languages: [so, ar, nb]       # the first is her primary language, the rest
                                      # secondary; or a mapping {so: primary, nb: backup}
        preferred_language: nb        # optional: the language the service speaks to her

Every problem is reported with its line, all at once, as for schedules. Problem
messages never repeat a phone number.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from pathlib import Path

import yaml

from schedules.exceptions import Problem, ScheduleError, did_you_mean
from schedules.model import Volunteer
from schedules.yaml_nodes import NodeReader

LEVELS = ("primary", "secondary", "backup")
KEY = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
E164 = re.compile(r"\+[1-9]\d{6,14}")


def load_volunteers(
    path: str | Path,
    known_languages: Collection[str],
    *,
    levels: Collection[str] = LEVELS,
) -> dict[str, Volunteer]:
    """The volunteers listed in the file at ``path``, by key, in file order."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ScheduleError([Problem(str(path), None, f"cannot read the file: {error}")]) from None
    return loads_volunteers(text, known_languages, file=str(path), levels=levels)


def loads_volunteers(
    text: str,
    known_languages: Collection[str],
    *,
    file: str = "volunteers.yaml",
    levels: Collection[str] = LEVELS,
) -> dict[str, Volunteer]:
    """The volunteers listed in ``text`` (named ``file`` in problems)."""
    reader = NodeReader(file)
    found: dict[str, Volunteer] = {}
    phones: dict[str, str] = {}
    root = reader.compose(text)
    top = None if root is None else reader.fields(root, "the file", required=("volunteers",))
    pairs = reader.mapping(top["volunteers"], "volunteers") if top and "volunteers" in top else ()
    for key, entry in pairs or ():
        volunteer = _volunteer(reader, key, entry, set(known_languages), levels, phones)
        if volunteer is not None:
            found[volunteer.key] = volunteer
    if reader.problems:
        raise ScheduleError(sorted(reader.problems, key=lambda problem: problem.line or 0))
    return found


def languages_spoken(volunteers: Mapping[str, Volunteer]) -> dict[str, frozenset[str]]:
    """Key to the codes she speaks: what :func:`schedules.validation.validate` and the
    schedule loaders take as ``volunteers``."""
    return {key: volunteer.speaks for key, volunteer in volunteers.items()}


def _volunteer(
    reader: NodeReader,
    key: yaml.ScalarNode,
    entry: yaml.Node,
    known: set[str],
    levels: Collection[str],
    phones: dict[str, str],
) -> Volunteer | None:
    """The volunteer written at ``entry``; None when it has problems. ``phones`` maps
    the numbers seen so far to their volunteer's key, and gets hers."""
    fields = reader.fields(entry, f"volunteer {key.value}",
                           required=("name", "phone", "languages"),
                           optional=("preferred_language",))
    if not KEY.fullmatch(key.value):
        reader.report(key, f"{key.value!r} cannot be a volunteer key: use lowercase letters, "
                      "digits and dashes, like amina-h")
    if fields is None:
        return None
    name = reader.text(fields["name"], "name") if "name" in fields else None
    phone = _phone(reader, fields["phone"]) if "phone" in fields else None
    if phone is not None and phone in phones:
        reader.report(fields["phone"], f"the same phone number as {phones[phone]}")
        phone = None
    elif phone is not None:
        phones[phone] = key.value
    spoken = _spoken(reader, fields["languages"], known, levels) if "languages" in fields else None
    preferred = None
    if "preferred_language" in fields:
        preferred = reader.text(fields["preferred_language"], "preferred_language")
        if preferred is not None and preferred not in known:
            reader.report(fields["preferred_language"], f"unknown language code {preferred!r}"
                          f"{did_you_mean(preferred, known)}")
    if not (KEY.fullmatch(key.value) and name and phone and spoken):
        return None
    return Volunteer(key.value, name, phone, spoken, preferred)


def _phone(reader: NodeReader, node: yaml.Node) -> str | None:
    text = reader.text(node, "phone")
    if text is None:
        return None
    number = re.sub(r"[\s\-()]", "", text)
    if not E164.fullmatch(number):
        reader.report(node, "the phone number is not in international form (write it with "
                      "+ and the country code, like +47 99 99 01 01)")
        return None
    return number


def _spoken(
    reader: NodeReader, node: yaml.Node, known: set[str], levels: Collection[str]
) -> tuple[tuple[str, str], ...] | None:
    """(code, level) pairs from a list (first primary, the rest secondary) or from a
    mapping of code to level."""
    pairs: list[tuple[str, str, yaml.Node]] = []
    if isinstance(node, yaml.MappingNode):
        for key, value in reader.mapping(node, "languages") or ():
            level = reader.text(value, f"the level of {key.value}")
            if level is not None and level not in levels:
                reader.report(value, f"unknown level {level!r} (use {', '.join(levels)})")
            elif level is not None:
                pairs.append((key.value, level, key))
    else:
        for index, (text, item) in enumerate(reader.texts(node, "languages")):
            pairs.append((text, "primary" if index == 0 else "secondary", item))
    spoken: list[tuple[str, str]] = []
    for code, level, item in pairs:
        if code not in known:
            reader.report(item, f"unknown language code {code!r}{did_you_mean(code, known)}")
        elif code in dict(spoken):
            reader.report(item, f"{code} is listed twice")
        else:
            spoken.append((code, level))
    return tuple(spoken) or None
