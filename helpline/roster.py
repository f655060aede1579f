"""Who may take calls right now, from the database and the schedule (the truth).

The result feeds the Redis availability queue, which is only a cache of it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from helpline.models import Volunteer
from helpline.schedule_store import KnownLanguages, current_schedule
from routing.availability import Availability
from routing.model import VolunteerTruth
from schedules.model import Schedule
from schedules.roster import Roster

Truth = dict[int, VolunteerTruth]  # every volunteer on shift now, by id

_rosters: dict[Schedule, Roster] = {}


def roster_for(schedule: Schedule) -> Roster:
    """A roster index of ``schedule``, kept while the schedule stays the same."""
    roster = _rosters.get(schedule)
    if roster is None:
        _rosters.clear()
        roster = _rosters[schedule] = Roster(schedule)
    return roster


def is_paused(volunteer: Volunteer, now: datetime) -> bool:
    until = volunteer.paused_until
    if until is None:
        return False
    if until.tzinfo is None:  # SQLite hands back naive datetimes; they are stored in UTC
        until = until.replace(tzinfo=UTC)
    return until > now


def on_shift_now(session: Session, now: datetime, known: KnownLanguages) -> Truth:
    """Every active volunteer on shift at ``now``: her languages with their routing
    tier, and whether she is checked in (not off duty or paused by her own choice)."""
    schedule = current_schedule(session, known)
    if schedule is None:
        return {}
    by_key = {v.key: v for v in session.scalars(select(Volunteer))}
    languages: dict[int, dict[str, str]] = {}
    for language, keys in roster_for(schedule).on_shift_all(now).items():
        for key in keys:
            volunteer = by_key.get(key)
            if volunteer is None or not volunteer.active:
                continue
            level = volunteer.speaks().get(language, "primary")
            languages.setdefault(volunteer.id, {})[language] = str(level)
    volunteers = {v.id: v for v in by_key.values()}
    return {
        vid: VolunteerTruth(
            languages=langs,
            checked_in=volunteers[vid].checked_in and not is_paused(volunteers[vid], now),
        )
        for vid, langs in languages.items()
    }


def sync_availability(
    session: Session, availability: Availability, now: datetime, known: KnownLanguages
) -> Truth:
    """Make Redis match the truth at ``now``; calls in progress are not disturbed."""
    truth = on_shift_now(session, now, known)
    availability.rebuild(truth)
    return truth


def known_languages(app: Flask) -> dict[str, str]:
    """Code -> English name of every language the helpline serves."""
    from helpline.prompts_store import get_voicing

    return {language.code: language.english for language in get_voicing(app).catalog.languages}


def apply_now(app: Flask, session: Session, now: datetime | None = None) -> Truth:
    """Bring the router up to date with the stored truth at once (after any change)."""
    from helpline.live import get_live

    return sync_availability(
        session, get_live(app).availability, now or datetime.now(UTC), known_languages(app)
    )
