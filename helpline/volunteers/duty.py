"""Volunteers on and off duty by SMS: ON, OFF, PAUSE, STATUS, HELP and the note digit.

The service behind ``/sms/incoming``. The database holds the truth
(``checked_in``, ``paused_until``); every change is pushed to the Redis
availability at once (:meth:`helpline.shifts.service.Shifts.sync`).

Check-in policy (``CHECKIN_POLICY``):

* ``automatic``: a volunteer on shift takes calls unless she sent OFF (or PAUSE);
  between shifts she is reset to checked in, so OFF lasts for one shift.
* ``sms``: she takes calls only after sending ON; between shifts she is reset to
  checked out. ON counts from ``REMINDER_MINUTES_BEFORE`` before a shift, so
  she can answer the reminder at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from helpline.prompts.sms_texts import SmsTexts
from helpline.settings import Settings
from helpline.shifts.service import Shifts, is_paused
from helpline.state.counters import Counters
from helpline.store.database import Database
from helpline.store.models import Volunteer
from helpline.store.unit_of_work import UnitOfWork
from helpline.volunteers.commands import Command
from helpline.volunteers.notes import Notes
from helpline.volunteers.timetable import Timetable
from routing.availability import Availability
from routing.model import HOLD_STATES, VolunteerState

Reply = tuple[str, bool]  # the SMS to send back, and whether her presence changed


@dataclass(kw_only=True, eq=False)
class Duty:
    """A volunteer's SMS commands, one use case each, answered in her language."""

    db: Database
    availability: Availability
    counters: Counters
    shifts: Shifts
    timetable: Timetable
    notes: Notes
    settings: Settings
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)

    def volunteer_by_phone(self, phone: str) -> int | None:
        """The active volunteer with this number, or None."""
        with self.db.unit_of_work() as uow:
            return uow.volunteers.active_id_by_phone(phone.strip())

    def handle(self, volunteer_id: int, command: Command) -> str:
        """Carry out her command (one use case); the reply, in her language."""
        with self.db.unit_of_work() as uow:
            volunteer = uow.volunteers.get(volunteer_id)
            if volunteer is None:
                raise LookupError(f"no volunteer {volunteer_id}")
            texts = self.timetable.texts_for(volunteer)
            now = self.clock()
            reply, changed = self._reply(uow, volunteer, texts, now, command)
            uow.commit()
            if changed:
                self.shifts.sync(uow, now)
            return reply

    def _reply(self, uow: UnitOfWork, volunteer: Volunteer, texts: SmsTexts, now: datetime,
               command: Command) -> Reply:
        if command.action == "on":
            return self._check_in(uow, volunteer, texts, now), True
        if command.action == "off":
            volunteer.checked_in, volunteer.paused_until = False, None
            return texts.text("checked_out"), True
        if command.action == "pause":
            return self._pause(volunteer, texts, now, command.number)
        if command.action == "status":
            return self._status(uow, volunteer, texts, now), False
        if command.action == "note":
            return self.notes.answer(uow, volunteer.id, texts, command.number or 0), False
        prefix = "" if command.action == "help" else texts.text("not_understood") + " "
        return prefix + texts.text("help"), False

    def _check_in(self, uow: UnitOfWork, volunteer: Volunteer, texts: SmsTexts,
                  now: datetime) -> str:
        volunteer.checked_in, volunteer.paused_until = True, None
        self.counters.reset_misses(volunteer.id)
        on_now, upcoming = self.timetable.plan(uow, now, self.settings.reminder_minutes_before
                                               ).get(volunteer.key, (set(), {}))
        if on_now:
            return texts.text("checked_in")
        if upcoming:
            return texts.text("checked_in_later", time=self.timetable.clock_time(min(upcoming)))
        return texts.text("no_shift_now")

    def _pause(self, volunteer: Volunteer, texts: SmsTexts, now: datetime,
               minutes: int | None) -> Reply:
        minutes = self.settings.pause_default_minutes if minutes is None else minutes
        if not 1 <= minutes <= self.settings.pause_max_minutes:
            return texts.text("pause_limit", max=self.settings.pause_max_minutes), False
        until = now + timedelta(minutes=minutes)
        volunteer.paused_until = until
        return texts.text("paused", time=self.timetable.clock_time(until)), True

    def _status(self, uow: UnitOfWork, volunteer: Volunteer, texts: SmsTexts,
                now: datetime) -> str:
        table = self.timetable
        spans: dict[str, list[str]] = {}
        for one in table.today(uow, volunteer.key, now):
            span = f"{table.clock_time(one.start)}-{table.clock_time(one.end)}"
            spans.setdefault(span, []).extend(sorted(one.languages))
        shifts = ", ".join(
            f"{span} ({table.language_names(texts, codes)})" for span, codes in spans.items()
        ) or texts.text("no_shifts_today")
        if is_paused(volunteer, now):
            assert volunteer.paused_until is not None
            state = texts.text("state_paused", time=table.clock_time(volunteer.paused_until))
        elif not volunteer.checked_in:
            state = texts.text("state_off")
        elif not table.plan(uow, now, 0).get(volunteer.key, (set(), {}))[0]:
            state = texts.text("state_no_shift")
        elif self.availability.state(volunteer.id) in (*HOLD_STATES, VolunteerState.WRAPUP):
            state = texts.text("state_busy")
        else:
            state = texts.text("state_available")
        return texts.text("status", shifts=shifts, state=state)
