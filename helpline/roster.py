"""Who may take calls right now, from the database and the schedule (the truth).

The result feeds the Redis availability queue, which is only a cache of it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from helpline.models import Volunteer
from helpline.schedule_store import KnownLanguages, load_schedule
from routing.availability import Availability
from schedules.model import Schedule
from schedules.roster import Roster

Truth = dict[int, dict[str, str]]  # volunteer id -> {language: level} on shift now

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
    """Languages each active, checked-in, unpaused volunteer is on shift for at ``now``."""
    schedule = load_schedule(session, known)
    if schedule is None:
        return {}
    by_key = {v.key: v for v in session.scalars(select(Volunteer))}
    truth: Truth = {}
    for language, keys in roster_for(schedule).on_shift_all(now).items():
        for key in keys:
            volunteer = by_key.get(key)
            if volunteer is None or not volunteer.active or not volunteer.checked_in:
                continue
            if is_paused(volunteer, now):
                continue
            level = volunteer.speaks().get(language, "primary")
            truth.setdefault(volunteer.id, {})[language] = str(level)
    return truth


def sync_availability(
    session: Session, availability: Availability, now: datetime, known: KnownLanguages
) -> Truth:
    """Make Redis match the truth at ``now``; calls in progress are not disturbed."""
    truth = on_shift_now(session, now, known)
    everyone = session.scalars(select(Volunteer.id)).all()
    pipe = availability.client.pipeline(transaction=False)
    for volunteer_id in everyone:
        if volunteer_id in truth:
            availability.set_volunteer(volunteer_id, truth[volunteer_id], pipeline=pipe)
        else:
            availability.remove_volunteer(volunteer_id, pipeline=pipe)
    pipe.execute()
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
