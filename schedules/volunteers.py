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

The shape of the file is the pydantic models below, read by
:mod:`schedules.yaml_files` (ruamel.yaml, values as written); the checks against
the helpline's languages and levels, and across volunteers (a phone number used
twice), follow. Every problem is reported with its line, all at once, as for
schedules. Problem messages never repeat a phone number.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Annotated

from pydantic import ConfigDict, Discriminator, Field, Tag

from schedules.exceptions import Problem, ScheduleError, did_you_mean
from schedules.model import ListedVolunteer
from schedules.phones import PhoneError, phone_number
from schedules.yaml_files import (
    KEY,
    Droppable,
    Fields,
    OneOrMore,
    Text,
    YamlFile,
    YamlModel,
)
from schedules.yaml_files import Path as YamlPath

LEVELS = ("primary", "secondary", "backup")
KEY_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def load_volunteers(
    path: str | Path,
    known_languages: Collection[str],
    *,
    levels: Collection[str] = LEVELS,
    reserved: Collection[str] = (),
) -> dict[str, ListedVolunteer]:
    """The volunteers listed in the file at ``path``, by key, in file order
    (``reserved``: the helpline's own numbers, which no volunteer may have)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ScheduleError([Problem(str(path), None, f"cannot read the file: {error}")]) from None
    return loads_volunteers(text, known_languages, file=str(path), levels=levels,
                            reserved=reserved)


def loads_volunteers(
    text: str,
    known_languages: Collection[str],
    *,
    file: str = "volunteers.yaml",
    levels: Collection[str] = LEVELS,
    reserved: Collection[str] = (),
) -> dict[str, ListedVolunteer]:
    """The volunteers listed in ``text`` (named ``file`` in problems)."""
    document = YamlFile(text, file)
    top = document.check(_VolunteersFile)
    found: dict[str, ListedVolunteer] = {}
    phones: dict[str, str] = {}
    known = set(known_languages)
    for key, entry in (top.volunteers if top is not None else {}).items():
        path = ("volunteers", key)
        if not KEY_PATTERN.fullmatch(key):
            document.report((*path, KEY), f"{key!r} cannot be a volunteer key: use lowercase "
                            "letters, digits and dashes, like amina-h")
        if entry is None:
            continue
        phone = None
        if entry.phone is not None:
            try:
                phone = phone_number(entry.phone, reserved=reserved)
            except PhoneError as error:
                document.report((*path, "phone"), str(error))
        if phone is not None and phone in phones:
            document.report((*path, "phone"), f"the same phone number as {phones[phone]}")
            phone = None
        elif phone is not None:
            phones[phone] = key
        spoken = _spoken(document, entry.languages, (*path, "languages"), known, levels)
        preferred = entry.preferred_language
        if preferred is not None and preferred not in known:
            document.report((*path, "preferred_language"), f"unknown language code "
                            f"{preferred!r}{did_you_mean(preferred, known)}")
        if KEY_PATTERN.fullmatch(key) and entry.name and phone and spoken:
            found[key] = ListedVolunteer(key, entry.name, phone, spoken, preferred)
    if document.problems:
        raise ScheduleError(sorted(document.problems, key=lambda problem: problem.line or 0))
    return found


def languages_spoken(volunteers: Mapping[str, ListedVolunteer]) -> dict[str, frozenset[str]]:
    """Key to the codes she speaks: what :func:`schedules.validation.validate` and the
    schedule loaders take as ``volunteers``."""
    return {key: volunteer.speaks for key, volunteer in volunteers.items()}


# The format


Listed = OneOrMore[Droppable[Text]]  # [so, ar, nb]: the first primary, the rest secondary
Levelled = Fields[Droppable[Text]]  # {ar: primary, nb: backup}


class _Entry(YamlModel):
    model_config = ConfigDict(title="volunteer {key}")

    # Each field is read on its own, so that a phone number is compared with the
    # others' even when her languages have a problem.
    name: Droppable[Text]
    phone: Droppable[Text]  # checked by schedules.phones with the reserved numbers
    languages: Droppable[Annotated[
        Annotated[Listed, Tag("a list")] | Annotated[Levelled, Tag("with levels")],
        Discriminator(lambda value: "with levels" if isinstance(value, dict) else "a list"),
    ]] = Field(title="the level of {key}")
    preferred_language: Droppable[Text] = None


class _VolunteersFile(YamlModel):
    model_config = ConfigDict(title="the file")

    volunteers: Fields[Droppable[_Entry]]


def _spoken(
    document: YamlFile,
    written: list[str | None] | dict[str, str | None] | None,
    path: YamlPath,
    known: set[str],
    levels: Collection[str],
) -> tuple[tuple[str, str], ...] | None:
    """(code, level) pairs from a list (first primary, the rest secondary) or from a
    mapping of code to level; each problem reported at its line."""
    pairs: list[tuple[str, str, YamlPath]] = []
    if isinstance(written, dict):
        for code, level in written.items():
            if level is not None and level not in levels:
                document.report((*path, code), f"unknown level {level!r} (use "
                                f"{', '.join(levels)})")
            elif level is not None:
                pairs.append((code, level, (*path, code, KEY)))
    elif written is not None:
        listed = [(index, code) for index, code in enumerate(written) if code is not None]
        pairs = [(code.strip(), "primary" if n == 0 else "secondary", (*path, index))
                 for n, (index, code) in enumerate(listed)]
    spoken: list[tuple[str, str]] = []
    for code, level, where in pairs:
        if code not in known:
            document.report(where, f"unknown language code {code!r}{did_you_mean(code, known)}")
        elif code in dict(spoken):
            document.report(where, f"{code} is listed twice")
        else:
            spoken.append((code, level))
    return tuple(spoken) or None
