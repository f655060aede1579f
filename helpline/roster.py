"""Who may take calls right now, computed from the database (the truth).

The result feeds the Redis availability queue, which is only a cache of it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from helpline.models import Shift, Volunteer
from routing.availability import Availability

Truth = dict[int, dict[str, str]]  # volunteer id -> {language: level} on shift now


def _covers(shift: Shift, local: datetime) -> bool:
    minute = local.hour * 60 + local.minute
    start = shift.start.hour * 60 + shift.start.minute
    end = shift.end.hour * 60 + shift.end.minute
    today, yesterday = local.weekday(), (local.weekday() - 1) % 7
    if start < end:
        return shift.weekday == today and start <= minute < end
    # crosses midnight: the part after midnight belongs to the day it started
    return (shift.weekday == today and minute >= start) or (
        shift.weekday == yesterday and minute < end
    )


def is_paused(volunteer: Volunteer, now: datetime) -> bool:
    until = volunteer.paused_until
    if until is None:
        return False
    if until.tzinfo is None:  # SQLite hands back naive datetimes; they are stored in UTC
        until = until.replace(tzinfo=UTC)
    return until > now


def on_shift_now(session: Session, now: datetime, timezone: str) -> Truth:
    """Languages each active, checked-in, unpaused volunteer is on shift for at ``now``."""
    local = now.astimezone(ZoneInfo(timezone))
    truth: Truth = {}
    volunteers = session.scalars(select(Volunteer).where(Volunteer.active.is_(True))).all()
    for volunteer in volunteers:
        if not volunteer.checked_in:
            continue
        if is_paused(volunteer, now):
            continue
        levels = volunteer.speaks()
        langs = {
            shift.language: levels.get(shift.language, "primary")
            for shift in volunteer.shifts
            if _covers(shift, local)
        }
        if langs:
            truth[volunteer.id] = langs
    return truth


def sync_availability(session: Session, availability: Availability, now: datetime,
                      timezone: str) -> Truth:
    """Make Redis match the truth at ``now``; calls in progress are not disturbed."""
    truth = on_shift_now(session, now, timezone)
    everyone = session.scalars(select(Volunteer.id)).all()
    pipe = availability.client.pipeline(transaction=False)
    for volunteer_id in everyone:
        if volunteer_id in truth:
            availability.set_volunteer(volunteer_id, truth[volunteer_id], pipeline=pipe)
        else:
            availability.remove_volunteer(volunteer_id, pipeline=pipe)
    pipe.execute()
    return truth
