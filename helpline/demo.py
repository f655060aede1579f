"""Demo volunteers and schedules, so a local run has somebody to route calls to.

They come from ``schedules/examples``: volunteers for every language with
numbers in a fictional range, and weekly shifts. Nobody real is ever rung by a
local run (Twilio is not involved until a real number is pointed at the service).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from helpline.models import Volunteer
from helpline.schedule_store import KnownLanguages, read_files, replace_documents
from helpline.volunteer_store import upsert_volunteers
from schedules.volunteers import load_volunteers

EXAMPLES = Path(__file__).resolve().parent.parent / "schedules" / "examples"


def load_demo(session: Session, known: KnownLanguages, local_language: str) -> int:
    """Load the example volunteers and schedules if the database has no volunteers.
    Returns how many volunteers were added; the caller commits."""
    if session.scalar(select(func.count()).select_from(Volunteer)):
        return 0
    listed = load_volunteers(EXAMPLES / "volunteers.yaml", list(known))
    added, _ = upsert_volunteers(session, listed, local_language=local_language)
    replace_documents(session, read_files([EXAMPLES]), known, actor="demo")
    return added
