"""The tick's part for volunteers: check-ins back to the policy's default between
shifts, and one SMS reminder before each shift."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from helpline.settings import Settings
from helpline.state.counters import Counters
from helpline.store.unit_of_work import UnitOfWork
from helpline.volunteers.messages import Messages
from helpline.volunteers.timetable import Timetable


@dataclass(kw_only=True, eq=False)
class Reminders:
    """What the tick does for volunteers every minute."""

    timetable: Timetable
    counters: Counters
    messages: Messages
    settings: Settings

    def settle(self, uow: UnitOfWork, now: datetime) -> int:
        """Between shifts, put ``checked_in`` back to the policy's default; how many
        changed (the use case commits)."""
        default = self.settings.checkin_policy == "automatic"
        plan = self.timetable.plan(uow, now, self.settings.reminder_minutes_before)
        changed = 0
        for volunteer in uow.volunteers.active():
            if volunteer.checked_in == default or volunteer.key in plan:
                continue
            volunteer.checked_in = default
            changed += 1
        return changed

    def send(self, uow: UnitOfWork, now: datetime) -> int:
        """One SMS per volunteer and shift start within the reminder lead; how many
        were queued (sent once the use case commits)."""
        lead = self.settings.reminder_minutes_before
        if lead <= 0:
            return 0
        plan = self.timetable.plan(uow, now, lead)
        sent = 0
        for volunteer in uow.volunteers.active():
            on_now, starts = plan.get(volunteer.key, (set(), {}))
            if on_now or not starts:
                continue  # on shift already (the next one continues it), or none soon
            start = min(starts)
            if not self.counters.first_reminder(volunteer.id, start, (lead + 60) * 60):
                continue
            texts = self.timetable.texts_for(volunteer)
            kind = "reminder_sms" if self.settings.checkin_policy == "sms" else "reminder_automatic"
            body = texts.text(kind, time=self.timetable.clock_time(start),
                              languages=self.timetable.language_names(texts, starts[start]))
            self.messages.send(uow, volunteer.id, "reminder", body)
            sent += 1
        return sent
