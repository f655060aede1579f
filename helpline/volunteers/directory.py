"""Volunteers in the database: added or updated from a volunteers file, and the
readable key a new volunteer gets from her name."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from helpline.store.models import Volunteer, VolunteerLanguage
from helpline.store.unit_of_work import UnitOfWork
from schedules.model import ListedVolunteer


def upsert_volunteers(
    uow: UnitOfWork, listed: Mapping[str, ListedVolunteer], *, local_language: str
) -> tuple[int, int]:
    """Add new volunteers and update known ones (by key). Every volunteer speaks
    the local language, as a secondary language if the file does not list it.
    Returns (added, updated); the use case commits."""
    existing = {v.key: v for v in uow.volunteers.all()}
    added = updated = 0
    for key, item in listed.items():
        volunteer = existing.get(key)
        if volunteer is None:
            volunteer = Volunteer(key=key)
            uow.volunteers.add(volunteer)
            added += 1
        else:
            updated += 1
        volunteer.name = item.name
        volunteer.phone = item.phone
        volunteer.preferred_language = item.preferred_language or local_language
        levels = dict(item.languages)
        levels.setdefault(local_language, "secondary")
        set_languages(volunteer, levels)
    uow.flush()
    return added, updated


def set_languages(volunteer: Volunteer, levels: Mapping[str, str]) -> None:
    """Her languages with their levels (rows of languages she keeps are kept)."""
    rows = {row.language: row for row in volunteer.languages}
    chosen = []
    for code, level in sorted(levels.items()):
        row = rows.get(code) or VolunteerLanguage(language=code)
        row.level = level
        chosen.append(row)
    volunteer.languages = chosen


def key_for(uow: UnitOfWork, name: str) -> str:
    """A stable readable key from her name (``amina-h``), unique."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:50] or "volunteer"
    taken = uow.volunteers.keys_starting(base)
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key
