"""What a call means for the volunteers rung for it (the call flow reports it here).

A volunteer who does not take calls she is rung for, several in a row, is paused
for a while and told by SMS (``MISSED_CALLS_BEFORE_PAUSE``, ``AUTO_PAUSE_MINUTES``);
accepting a call ends the run. After a call she answered, she is asked its topic
(:mod:`.notes`). Implements :class:`helpline.voice.flow.CallEvents`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from helpline.settings import Settings
from helpline.shifts.service import Shifts
from helpline.state.counters import Counters
from helpline.state.jobs import JobQueue
from helpline.store.database import Database
from helpline.store.models import CallOutcome
from helpline.volunteers.messages import Messages
from helpline.volunteers.notes import Notes
from helpline.volunteers.timetable import Timetable
from routing.availability import Availability

log = logging.getLogger(__name__)


@dataclass(kw_only=True, eq=False)
class CallReports:
    """The volunteers' side of the call flow's events (:class:`~helpline.voice.flow.CallEvents`)."""

    db: Database
    availability: Availability
    counters: Counters
    jobs: JobQueue
    shifts: Shifts
    timetable: Timetable
    messages: Messages
    notes: Notes
    settings: Settings
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)

    def missed(self, volunteer_ids: Iterable[int]) -> None:
        """She was rung and did not take the call; pause her after too many in a row."""
        limit = self.settings.missed_calls_before_pause
        for vid in volunteer_ids:
            count = self.counters.add_miss(vid)
            if limit > 0 and count >= limit:
                self.counters.reset_misses(vid)
                self.availability.remove_volunteer(vid)  # at once; the job records why
                self.jobs.pause_after_misses(vid, count)

    def accepted(self, volunteer_id: int) -> None:
        self.counters.reset_misses(volunteer_id)

    def closed(self, call_ref: str, volunteer_id: int | None, outcome: str) -> None:
        if volunteer_id is None or outcome != CallOutcome.ANSWERED:
            return
        with self.db.unit_of_work() as uow:
            self.notes.request(uow, call_ref, volunteer_id)
            uow.commit()

    def pause_for_misses(self, volunteer_id: int, count: int) -> None:
        """The job's use case: record the pause, take her off the queue, tell her."""
        minutes = self.settings.auto_pause_minutes
        with self.db.unit_of_work() as uow:
            volunteer = uow.volunteers.get(volunteer_id)
            if volunteer is None:
                return
            now = self.clock()
            volunteer.paused_until = now + timedelta(minutes=minutes)
            body = self.timetable.texts_for(volunteer).text(
                "missed_pause", count=count, minutes=minutes)
            self.messages.send(uow, volunteer_id, "paused", body)
            uow.commit()
            self.shifts.sync(uow, now)
        log.info("volunteer %d paused for %d minutes after %d missed calls",
                 volunteer_id, minutes, count)
