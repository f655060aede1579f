"""Volunteers on and off duty: SMS commands, shift reminders, pauses after missed calls.

The service layer behind ``/sms/incoming`` and the tick. The database holds the
truth (``checked_in``, ``paused_until``); every change is pushed to the Redis
availability at once through :func:`helpline.roster.sync_availability`.

Check-in policy (``CHECKIN_POLICY``):

* ``automatic``: a volunteer on shift takes calls unless she sent OFF (or PAUSE);
  between shifts she is reset to checked in, so OFF lasts for one shift.
* ``sms``: she takes calls only after sending ON; between shifts she is reset to
  checked out. ON counts from ``REMINDER_MINUTES_BEFORE`` before a shift, so
  she can answer the reminder at once.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import redis
from flask import Flask, current_app
from rq import Queue
from sqlalchemy import select
from sqlalchemy.orm import Session

from helpline.db import Database, get_db
from helpline.languages import Catalog
from helpline.live import get_live
from helpline.messages import Messages
from helpline.models import Volunteer
from helpline.roster import is_paused, known_languages, sync_availability
from helpline.schedule_store import current_schedule
from helpline.sms_commands import Command
from helpline.sms_texts import SmsCatalog, SmsTexts
from routing.availability import Availability
from routing.model import HOLD_STATES, VolunteerState
from schedules.rules import Occurrence, occurrences

log = logging.getLogger(__name__)

MISSES_TTL_SECONDS = 12 * 3600  # a run of misses is forgotten after a quiet half-day


@dataclass(frozen=True)
class DutySettings:
    timezone: str = "Europe/Oslo"
    checkin_policy: str = "automatic"
    reminder_minutes: int = 60
    missed_before_pause: int = 3
    auto_pause_minutes: int = 30
    pause_default: int = 30
    pause_max: int = 480
    note_method: str = "sms"
    note_reply_minutes: int = 180

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> DutySettings:
        policy = str(config["CHECKIN_POLICY"])
        if policy not in ("automatic", "sms"):
            raise ValueError(f"CHECKIN_POLICY must be 'automatic' or 'sms', not {policy!r}")
        note = str(config["NOTE_METHOD"])
        if note not in ("sms", "off"):
            raise ValueError(f"NOTE_METHOD must be 'sms' or 'off', not {note!r}")
        return cls(
            timezone=str(config["TIMEZONE"]),
            checkin_policy=policy,
            reminder_minutes=int(config["REMINDER_MINUTES_BEFORE"]),
            missed_before_pause=int(config["MISSED_CALLS_BEFORE_PAUSE"]),
            auto_pause_minutes=int(config["AUTO_PAUSE_MINUTES"]),
            pause_default=int(config["PAUSE_DEFAULT_MINUTES"]),
            pause_max=int(config["PAUSE_MAX_MINUTES"]),
            note_method=note,
            note_reply_minutes=int(config["NOTE_REPLY_MINUTES"]),
        )


class DutyKeys:
    """Every Redis key of this module. Values are volunteer ids, counts and call refs."""

    def __init__(self, prefix: str) -> None:
        self.prefix = f"{prefix}:duty"

    def misses(self, volunteer_id: int) -> str:
        return f"{self.prefix}:misses:{volunteer_id}"

    def note(self, volunteer_id: int) -> str:
        return f"{self.prefix}:note:{volunteer_id}"

    def reminded(self, volunteer_id: int, start: datetime) -> str:
        return f"{self.prefix}:reminded:{volunteer_id}:{start:%Y%m%d%H%M}"


class Duty:
    def __init__(
        self,
        *,
        db: Database,
        availability: Availability,
        client: redis.Redis,
        keys: DutyKeys,
        texts: SmsCatalog,
        catalog: Catalog,
        messages: Messages,
        queue: Queue,
        settings: DutySettings,
        known: Mapping[str, str],
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.db = db
        self.availability = availability
        self.client = client
        self.keys = keys
        self.texts = texts
        self.catalog = catalog
        self.messages = messages
        self.queue = queue
        self.settings = settings
        self.known = known
        self.clock = clock
        self.zone = ZoneInfo(settings.timezone)

    # -- SMS commands -------------------------------------------------------

    def volunteer_by_phone(self, phone: str) -> int | None:
        """The active volunteer with this number, or None."""
        with self.db.unit_of_work() as session:
            return session.scalar(
                select(Volunteer.id).where(Volunteer.phone == phone.strip(),
                                           Volunteer.active.is_(True))
            )

    def handle(self, volunteer_id: int, command: Command) -> str:
        """Carry out her command; the reply, in her language."""
        from helpline import notes

        with self.db.unit_of_work() as session:
            volunteer = session.get(Volunteer, volunteer_id)
            assert volunteer is not None
            texts = self.texts_for(volunteer)
            now = self.clock()
            if command.action == "on":
                return self._check_in(session, volunteer, texts, now)
            if command.action == "off":
                volunteer.checked_in, volunteer.paused_until = False, None
                self._commit_and_sync(session, now)
                return texts.text("checked_out")
            if command.action == "pause":
                return self._pause(session, volunteer, texts, now, command.number)
            if command.action == "status":
                return self._status(session, volunteer, texts, now)
            if command.action == "note":
                return notes.answer(self, session, volunteer_id, texts, command.number or 0)
            prefix = "" if command.action == "help" else texts.text("not_understood") + " "
            return prefix + texts.text("help")

    def _check_in(self, session: Session, volunteer: Volunteer, texts: SmsTexts,
                  now: datetime) -> str:
        volunteer.checked_in, volunteer.paused_until = True, None
        self.client.delete(self.keys.misses(volunteer.id))
        self._commit_and_sync(session, now)
        on_now, upcoming = self.plan(session, now, self.settings.reminder_minutes).get(
            volunteer.key, (set(), {})
        )
        if on_now:
            return texts.text("checked_in")
        if upcoming:
            return texts.text("checked_in_later", time=self._clock_time(min(upcoming)))
        return texts.text("no_shift_now")

    def _pause(self, session: Session, volunteer: Volunteer, texts: SmsTexts,
               now: datetime, minutes: int | None) -> str:
        minutes = self.settings.pause_default if minutes is None else minutes
        if not 1 <= minutes <= self.settings.pause_max:
            return texts.text("pause_limit", max=self.settings.pause_max)
        until = now + timedelta(minutes=minutes)
        volunteer.paused_until = until
        self._commit_and_sync(session, now)
        return texts.text("paused", time=self._clock_time(until))

    def _status(self, session: Session, volunteer: Volunteer, texts: SmsTexts,
                now: datetime) -> str:
        midnight = now.astimezone(self.zone).replace(hour=0, minute=0, second=0, microsecond=0)
        end = midnight + timedelta(days=1)  # wall-clock arithmetic: the next midnight
        today = self._occurrences(session, midnight, end).get(volunteer.key, [])
        spans: dict[str, list[str]] = {}
        for one in sorted(today, key=lambda o: o.start):
            span = f"{self._clock_time(one.start)}-{self._clock_time(one.end)}"
            spans.setdefault(span, []).extend(sorted(one.languages))
        shifts = ", ".join(
            f"{span} ({self.language_names(texts, codes)})" for span, codes in spans.items()
        ) or texts.text("no_shifts_today")
        if is_paused(volunteer, now):
            assert volunteer.paused_until is not None
            state = texts.text("state_paused", time=self._clock_time(volunteer.paused_until))
        elif not volunteer.checked_in:
            state = texts.text("state_off")
        elif not self.plan(session, now, 0).get(volunteer.key, (set(), {}))[0]:
            state = texts.text("state_no_shift")
        elif self.availability.state(volunteer.id) in (*HOLD_STATES, VolunteerState.WRAPUP):
            state = texts.text("state_busy")
        else:
            state = texts.text("state_available")
        return texts.text("status", shifts=shifts, state=state)

    # -- the tick: policy resets and reminders --------------------------------

    def settle(self, session: Session, now: datetime) -> int:
        """Between shifts, put ``checked_in`` back to the policy's default; how many changed."""
        default = self.settings.checkin_policy == "automatic"
        plan = self.plan(session, now, self.settings.reminder_minutes)
        changed = 0
        for volunteer in session.scalars(select(Volunteer).where(Volunteer.active.is_(True))).all():
            if volunteer.checked_in == default or volunteer.key in plan:
                continue
            volunteer.checked_in = default
            changed += 1
        session.commit()
        return changed

    def send_reminders(self, session: Session, now: datetime) -> int:
        """One SMS per volunteer and shift start within the reminder lead; how many sent."""
        lead = self.settings.reminder_minutes
        if lead <= 0:
            return 0
        plan = self.plan(session, now, lead)
        sent = 0
        for volunteer in session.scalars(select(Volunteer).where(Volunteer.active.is_(True))).all():
            on_now, starts = plan.get(volunteer.key, (set(), {}))
            if on_now or not starts:
                continue  # on shift already (the next one continues it), or none soon
            start = min(starts)
            if not self.client.set(self.keys.reminded(volunteer.id, start), "1",
                                   nx=True, ex=(lead + 60) * 60):
                continue
            texts = self.texts_for(volunteer)
            kind = "reminder_sms" if self.settings.checkin_policy == "sms" else "reminder_automatic"
            body = texts.text(kind, time=self._clock_time(start),
                              languages=self.language_names(texts, starts[start]))
            self.messages.send(volunteer.id, "reminder", body, session=session)
            sent += 1
        return sent

    # -- call events (the call flow reports them) -----------------------------

    def missed(self, volunteer_ids: Iterable[int]) -> None:
        """She was rung and did not take the call; pause her after too many in a row."""
        limit = self.settings.missed_before_pause
        for vid in volunteer_ids:
            key = self.keys.misses(vid)
            pipe = self.client.pipeline()
            pipe.incr(key)
            pipe.expire(key, MISSES_TTL_SECONDS)
            count = int(pipe.execute()[0])
            if limit > 0 and count >= limit:
                self.client.delete(key)
                self.availability.remove_volunteer(vid)  # at once; the job records why
                self.queue.enqueue(pause_after_misses, vid, count, job_timeout=60)

    def accepted(self, volunteer_id: int) -> None:
        self.client.delete(self.keys.misses(volunteer_id))

    def closed(self, call_ref: str, volunteer_id: int | None, outcome: str) -> None:
        from helpline import notes

        if volunteer_id is not None and outcome == "answered":
            notes.request(self, call_ref, volunteer_id)

    def pause_for_misses(self, volunteer_id: int, count: int) -> None:
        minutes = self.settings.auto_pause_minutes
        with self.db.unit_of_work() as session:
            volunteer = session.get(Volunteer, volunteer_id)
            if volunteer is None:
                return
            now = self.clock()
            volunteer.paused_until = now + timedelta(minutes=minutes)
            self._commit_and_sync(session, now)
            body = self.texts_for(volunteer).text("missed_pause", count=count, minutes=minutes)
            self.messages.send(volunteer_id, "paused", body, session=session)
        log.info("volunteer %d paused for %d minutes after %d missed calls",
                 volunteer_id, minutes, count)

    # -- helpers --------------------------------------------------------------

    def texts_for(self, volunteer: Volunteer) -> SmsTexts:
        return self.texts.for_language(volunteer.preferred_language)

    def language_names(self, texts: SmsTexts, codes: Iterable[str]) -> str:
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

    def plan(self, session: Session, now: datetime,
             minutes: int) -> dict[str, tuple[set[str], dict[datetime, list[str]]]]:
        """For each volunteer (by key) on shift now or starting within ``minutes``:
        the languages she is on for now, and each shift start ahead -> its languages."""
        horizon = now + timedelta(minutes=max(minutes, 0), seconds=1)
        plan: dict[str, tuple[set[str], dict[datetime, list[str]]]] = {}
        for key, found in self._occurrences(session, now, horizon).items():
            on_now: set[str] = set()
            starts: dict[datetime, list[str]] = {}
            for one in found:
                if one.start <= now:  # clipped to the window: on shift now
                    on_now |= one.languages
                else:
                    starts.setdefault(one.start, []).extend(sorted(one.languages))
            plan[key] = (on_now, starts)
        return plan

    def _occurrences(self, session: Session, start: datetime,
                     end: datetime) -> dict[str, list[Occurrence]]:
        schedule = current_schedule(session, self.known)
        found: dict[str, list[Occurrence]] = defaultdict(list)
        if schedule is not None:
            for one in occurrences(schedule, start, end):
                found[one.volunteer].append(one)
        return found

    def _clock_time(self, moment: datetime) -> str:
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(self.zone).strftime("%H:%M")

    def _commit_and_sync(self, session: Session, now: datetime) -> None:
        session.commit()
        sync_availability(session, self.availability, now, self.known)


# -- wiring ------------------------------------------------------------------------


def init_app(app: Flask) -> None:
    DutySettings.from_config(app.config)  # refuse to start with a bad policy
    app.extensions["helpline.sms_texts"] = SmsCatalog(app.config["LOCAL_LANGUAGE"])


def get_duty(app: Flask | None = None) -> Duty:
    from helpline.prompts_store import get_voicing
    from helpline.tasks import QUEUE

    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    live = get_live(app)
    config = app.config
    queue = Queue(QUEUE, connection=live.client)
    db = get_db(app)
    return Duty(
        db=db,
        availability=live.availability,
        client=live.client,
        keys=DutyKeys(str(config["REDIS_PREFIX"])),
        texts=app.extensions["helpline.sms_texts"],
        catalog=get_voicing(app).catalog,
        messages=Messages(db, queue, max_retries=int(config["SMS_MAX_RETRIES"]),
                          retry_intervals=[int(i) for i in config["SMS_RETRY_INTERVALS"]]),
        queue=queue,
        settings=DutySettings.from_config(config),
        known=known_languages(app),
    )


def pause_after_misses(volunteer_id: int, count: int) -> None:
    """The RQ job: record the pause and tell her."""
    from helpline.messages import job_app

    get_duty(job_app()).pause_for_misses(volunteer_id, count)


def run_tick(app: Flask, now: datetime) -> tuple[int, int]:
    """The tick's part: policy resets, then reminders. Returns (reset, reminded)."""
    duty = get_duty(app)
    with duty.db.unit_of_work() as session:
        reset = duty.settle(session, now)
        reminded = duty.send_reminders(session, now)
    return reset, reminded
