"""Helpers for the volunteers' SMS tests: volunteers with shifts, signed SMS posts."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Flask

from helpline.db import get_db
from helpline.models import Volunteer, VolunteerLanguage
from helpline.roster import apply_now, known_languages
from helpline.schedule_store import documents, replace_documents
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
    """A volunteer; by default on shift all week, or for one dated shift from ``shift_start``
    (written as a schedule file, as coordinators do)."""
    with get_db(app).unit_of_work() as session:
        volunteer = Volunteer(key=key, name=key.title(), phone=phone,
                              preferred_language=preferred, checked_in=checked_in)
        volunteer.languages = [VolunteerLanguage(language=code) for code in languages]
        session.add(volunteer)
        session.flush()
        if shift_start is not None:
            local = shift_start.astimezone(ZONE)
            end = local + timedelta(hours=shift_hours)
            when = f"extra: \"{local:%Y-%m-%d %H:%M}-{end:%H:%M}\""
            text = (
                "timezone: Europe/Oslo\nexceptions:\n"
                f"  - {when}\n    volunteer: {key}\n    languages: [{', '.join(languages)}]\n"
            )
        elif around_the_clock:
            text = (
                "timezone: Europe/Oslo\nshifts:\n"
                f"  - volunteer: {key}\n    languages: [{', '.join(languages)}]\n"
                '    weekly: "mon-sun 00:00-24:00"\n'
            )
        else:
            text = ""
        if text:
            texts = documents(session)
            texts[f"{key}.yaml"] = text
            replace_documents(session, texts, known_languages(app), actor="test")
        session.commit()
        return volunteer.id


def sync(app: Flask, now: datetime | None = None) -> None:
    with get_db(app).unit_of_work() as session:
        apply_now(app, session, now or datetime.now(UTC))


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
