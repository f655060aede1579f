"""Helpers shared by the tests: volunteers with shifts, records, the router's view.

Each takes a Flask app or a service (:class:`helpline.bootstrap.Helpline`), so
service-level tests and whole-app tests use the same helpers. Everything goes
through the service's own units of work and services, as the app would.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import Flask

from helpline.bootstrap import Helpline, from_app
from helpline.store.models import CallRecord, OutboundMessage, Volunteer, VolunteerLanguage
from helpline.store.unit_of_work import UnitOfWork

ZONE = ZoneInfo("Europe/Oslo")
START = 1_700_000_000.0


class FakeClock:
    """A clock that only moves when told to."""

    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

Target = Flask | Helpline


def service(target: Target) -> Helpline:
    return target if isinstance(target, Helpline) else from_app(target)


def add_volunteer(
    target: Target,
    key: str,
    phone: str,
    languages: list[str],
    *,
    preferred: str = "nb",
    checked_in: bool = True,
    on_shift: bool = True,
    shift_start: datetime | None = None,
    shift_hours: int = 2,
) -> int:
    """A volunteer who speaks ``languages``: on shift for them around the clock, or for
    one dated shift from ``shift_start``, or (``on_shift=False``) never; the shift is
    written as a schedule file of her own, as coordinators do. Not yet in Redis: call
    :func:`sync`."""
    helpline = service(target)
    with helpline.db.unit_of_work() as uow:
        volunteer = Volunteer(key=key, name=key.title(), phone=phone,
                              preferred_language=preferred, checked_in=checked_in)
        volunteer.languages = [VolunteerLanguage(language=code) for code in languages]
        uow.volunteers.add(volunteer)
        uow.flush()
        if shift_start is not None:
            local = shift_start.astimezone(ZONE)
            end = local + timedelta(hours=shift_hours)
            _own_file(helpline, uow, key, (
                "timezone: Europe/Oslo\nexceptions:\n"
                f'  - extra: "{local:%Y-%m-%d %H:%M}-{end:%H:%M}"\n'
                f"    volunteer: {key}\n    languages: [{', '.join(languages)}]\n"))
        elif on_shift:
            _own_file(helpline, uow, key, _weekly(key, languages, "mon-sun 00:00-24:00"))
        uow.commit()
        return volunteer.id


def weekly_shift(target: Target, key: str, languages: list[str], weekly: str) -> None:
    """Give volunteer ``key`` exactly one weekly shift (``"mon 10:00-14:00"``), and sync."""
    helpline = service(target)
    with helpline.db.unit_of_work() as uow:
        _own_file(helpline, uow, key, _weekly(key, languages, weekly))
        uow.commit()
    sync(helpline)


def _weekly(key: str, languages: list[str], weekly: str) -> str:
    return ("timezone: Europe/Oslo\nshifts:\n"
            f"  - volunteer: {key}\n    languages: [{', '.join(languages)}]\n"
            f'    weekly: "{weekly}"\n')


def _own_file(helpline: Helpline, uow: UnitOfWork, key: str, text: str) -> None:
    """Store ``text`` as volunteer ``key``'s own schedule file (the use case commits)."""
    texts = uow.schedule.texts()
    texts[f"{key}.yaml"] = text
    helpline.shifts.replace(uow, texts, actor="test")


def sync(target: Target, now: datetime | None = None) -> None:
    """Redis follows the database and the schedule (at ``now``, default the clock)."""
    helpline = service(target)
    with helpline.db.unit_of_work() as uow:
        helpline.shifts.sync(uow, now or helpline.now())


def records(target: Target) -> list[CallRecord]:
    with service(target).db.unit_of_work() as uow:
        return uow.calls.all()


def messages(target: Target) -> list[OutboundMessage]:
    with service(target).db.unit_of_work() as uow:
        return uow.messages.all()


def volunteer(target: Target, volunteer_id: int) -> Volunteer:
    with service(target).db.unit_of_work() as uow:
        found = uow.volunteers.get(volunteer_id)
        assert found is not None
        return found


def digits_of(target: Target, code: str) -> str:
    return service(target).catalog.get(code).digits


@contextmanager
def private_database(tmp: Path) -> Iterator[str]:
    """A database URL of its own: a fresh schema of ``TEST_DATABASE_URL``'s PostgreSQL,
    dropped afterwards, or else a SQLite file under ``tmp``."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{tmp / 'helpline.db'}"
        return
    import sqlalchemy as sa

    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = sa.create_engine(base)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        sep = "&" if "?" in base else "?"
        yield f"{base}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
