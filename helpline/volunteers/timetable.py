"""A volunteer's shifts as her SMS speak of them: now, ahead, today, in her language.

Shared by her commands (:mod:`.duty`), the reminders (:mod:`.reminders`) and the
pause notices (:mod:`.calls`): which shifts she is on now or starting soon, times
on the helpline's clock (``14:00``), languages named in her own language.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from helpline.prompts.catalog import Catalog
from helpline.prompts.sms_texts import SmsCatalog, SmsTexts
from helpline.shifts.service import Shifts
from helpline.store.models import Volunteer
from helpline.store.unit_of_work import UnitOfWork
from schedules.rules import Occurrence

Plan = dict[str, tuple[set[str], dict[datetime, list[str]]]]
"""Per volunteer (by key) on shift now or soon: the languages she is on for now,
and each shift start ahead -> its languages."""


class Timetable:
    def __init__(self, shifts: Shifts, texts: SmsCatalog, catalog: Catalog, timezone: str
                 ) -> None:
        self.shifts = shifts
        self.texts = texts
        self.catalog = catalog
        self.zone = ZoneInfo(timezone)

    def plan(self, uow: UnitOfWork, now: datetime, minutes: int) -> Plan:
        """Who is on shift now or starting within ``minutes`` (see :data:`Plan`)."""
        horizon = now + timedelta(minutes=max(minutes, 0), seconds=1)
        plan: Plan = {}
        for key, found in self.shifts.occurrences(uow, now, horizon).items():
            on_now: set[str] = set()
            starts: dict[datetime, list[str]] = {}
            for one in found:
                if one.start <= now:  # clipped to the window: on shift now
                    on_now |= one.languages
                else:
                    starts.setdefault(one.start, []).extend(sorted(one.languages))
            plan[key] = (on_now, starts)
        return plan

    def today(self, uow: UnitOfWork, key: str, now: datetime) -> list[Occurrence]:
        """Her shifts of the local day ``now`` falls on, by start."""
        midnight = now.astimezone(self.zone).replace(hour=0, minute=0, second=0, microsecond=0)
        end = midnight + timedelta(days=1)  # wall-clock arithmetic: the next midnight
        found = self.shifts.occurrences(uow, midnight, end).get(key, [])
        return sorted(found, key=lambda one: one.start)

    def texts_for(self, volunteer: Volunteer) -> SmsTexts:
        return self.texts.for_language(volunteer.preferred_language)

    def clock_time(self, moment: datetime) -> str:
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(self.zone).strftime("%H:%M")

    def language_names(self, texts: SmsTexts, codes: Iterable[str]) -> str:
        """``arabisk, somali``: the languages named in the language of ``texts``."""
        try:
            speaking = self.catalog.get(texts.code)
        except KeyError:
            speaking = self.catalog.local
        names = []
        for code in dict.fromkeys(codes):
            try:
                names.append(speaking.name_of(self.catalog.get(code)))
            except KeyError:
                names.append(code)
        return ", ".join(names)
