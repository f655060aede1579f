"""Helpers for the volunteers' SMS tests: volunteers with shifts, signed SMS posts."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Flask

from helpline.db import get_db
from helpline.live import get_live
from helpline.models import Shift, Volunteer, VolunteerLanguage
from helpline.roster import sync_availability
from helpline.sim.webhook import Webhooks

from .conftest import HELPLINE_NUMBER

ZONE = ZoneInfo("Europe/Oslo")
_sids = itertools.count(1)


def add_volunteer(
    app: Flask,
    key: str,
    phone: str,
    languages: list[str],
    *,
    preferred: str = "nb",
    shift_start: datetime | None = None,
    shift_hours: int = 2,
    around_the_clock: bool = True,
    checked_in: bool = True,
) -> int:
    """A volunteer; by default on shift all week, or for one shift from ``shift_start``."""
    with get_db(app).unit_of_work() as session:
        volunteer = Volunteer(key=key, name=key.title(), phone=phone,
                              preferred_language=preferred, checked_in=checked_in)
        volunteer.languages = [VolunteerLanguage(language=code) for code in languages]
        if shift_start is not None:
            local = shift_start.astimezone(ZONE)
            end = local + timedelta(hours=shift_hours)
            volunteer.shifts = [
                Shift(language=code, weekday=local.weekday(), start=local.time().replace(
                    second=0, microsecond=0), end=end.time().replace(second=0, microsecond=0))
                for code in languages
            ]
        elif around_the_clock:
            volunteer.shifts = [
                Shift(language=code, weekday=day, start=datetime.min.time(),
                      end=datetime.min.time())
                for day in range(7) for code in languages
            ]
        session.add(volunteer)
        session.commit()
        return volunteer.id


def sync(app: Flask, now: datetime | None = None) -> None:
    with get_db(app).unit_of_work() as session:
        sync_availability(session, get_live(app).availability, now or datetime.now(UTC),
                          "Europe/Oslo")


def volunteer(app: Flask, volunteer_id: int) -> Volunteer:
    with get_db(app).unit_of_work() as session:
        found = session.get(Volunteer, volunteer_id)
        assert found is not None
        return found


def sms(webhooks: Webhooks, sender: str, body: str | None, *, signed: bool = True,
        **extra: str) -> tuple[int, list[str]]:
    """Post an incoming SMS as Twilio does; the status and the texts of the reply."""
    form = {
        "MessageSid": f"SM{next(_sids):032x}",
        "AccountSid": "AC" + "0" * 32,
        "From": sender,
        "To": HELPLINE_NUMBER,
        "NumMedia": "0",
        **extra,
    }
    if body is not None:
        form["Body"] = body
    reply = webhooks.post("/sms/incoming", form, signed=signed)
    if reply.status != 200:
        return reply.status, []
    root = ET.fromstring(reply.body)
    assert root.tag == "Response"
    return reply.status, [(message.text or "") for message in root.findall("./Message")]
