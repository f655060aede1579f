"""Volunteers in the database, imported from a volunteers file (schedules format)."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from helpline.models import Volunteer, VolunteerLanguage
from schedules.model import Volunteer as ListedVolunteer


def upsert_volunteers(
    session: Session, listed: Mapping[str, ListedVolunteer], *, local_language: str
) -> tuple[int, int]:
    """Add new volunteers and update known ones (by key). Every volunteer speaks
    the local language, as a secondary language if the file does not list it.
    Returns (added, updated); the caller commits."""
    existing = {v.key: v for v in session.scalars(select(Volunteer))}
    added = updated = 0
    for key, item in listed.items():
        volunteer = existing.get(key)
        if volunteer is None:
            volunteer = Volunteer(key=key)
            session.add(volunteer)
            added += 1
        else:
            updated += 1
        volunteer.name = item.name
        volunteer.phone = item.phone
        volunteer.preferred_language = item.preferred_language or local_language
        levels = dict(item.languages)
        levels.setdefault(local_language, "secondary")
        current = {lang.language: lang for lang in volunteer.languages}
        volunteer.languages = [
            _language(current.get(code), code, level) for code, level in levels.items()
        ]
    session.flush()
    return added, updated


def _language(row: VolunteerLanguage | None, code: str, level: str) -> VolunteerLanguage:
    row = row or VolunteerLanguage(language=code)
    row.level = level
    return row
