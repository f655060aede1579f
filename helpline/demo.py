"""Demo volunteers and shifts, so a local run has somebody to route calls to.

The numbers are in a fictional range; nobody real is ever rung by a local run
(Twilio is not involved until a real number is pointed at the service).
"""

from __future__ import annotations

from datetime import time

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from helpline.models import Shift, Volunteer, VolunteerLanguage

# key, name, preferred language, languages spoken (first = primary)
DEMO_VOLUNTEERS: list[tuple[str, str, str, list[str]]] = [
    ("amina-h", "Amina H.", "nb", ["so", "ar"]),
    ("fatima-k", "Fatima K.", "nb", ["ar", "fr"]),
    ("leyla-d", "Leyla D.", "nb", ["tr", "ku"]),
    ("sara-m", "Sara M.", "nb", ["ti"]),
    ("nasrin-a", "Nasrin A.", "nb", ["fa", "fa-AF"]),
    ("priya-s", "Priya S.", "nb", ["ta", "hi"]),
    ("gulnaz-r", "Gulnaz R.", "nb", ["ur", "pa", "hi"]),
    ("ingrid-b", "Ingrid B.", "nb", ["en"]),
]


def load_demo(session: Session, local_language: str) -> int:
    """Add the demo volunteers, on shift every day around the clock, if the
    database has no volunteers yet. Returns how many were added."""
    if session.scalar(select(func.count()).select_from(Volunteer)):
        return 0
    for index, (key, name, preferred, languages) in enumerate(DEMO_VOLUNTEERS):
        volunteer = Volunteer(
            key=key, name=name, phone=f"+479999{index:04d}", preferred_language=preferred
        )
        spoken = [*languages, local_language]
        volunteer.languages = [
            VolunteerLanguage(language=code, level="primary" if i == 0 else "secondary")
            for i, code in enumerate(spoken)
        ]
        volunteer.shifts = [
            Shift(language=code, weekday=day, start=time(0, 0), end=time(0, 0))
            for day in range(7)
            for code in spoken
        ]
        session.add(volunteer)
    session.commit()
    return len(DEMO_VOLUNTEERS)
