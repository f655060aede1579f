"""The call flow: what each Twilio webhook of a helpline call does.

This is the service layer between the webhooks (Flask, signatures) and the
adapters (the Redis availability queue, the call state, the database). Each
method takes the webhook's plain values and returns the TwiML to answer with.
Every step is idempotent, because Twilio retries: a reservation is keyed by the
call and its dial attempt, and the call record by the call's ref.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol, overload

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from twilio.twiml.voice_response import VoiceResponse

from helpline import twiml
from helpline.callstate import CallState, CallStates, reservation_key
from helpline.db import Database
from helpline.hours import spoken_hours
from helpline.languages import Catalog, Language
from helpline.models import CallRecord, Outcome, Volunteer
from helpline.roster import roster_for
from helpline.voicing import Voicing
from routing.availability import Availability
from schedules.coverage import language_hours
from schedules.model import Schedule

log = logging.getLogger(__name__)

UrlFor = Callable[..., str]

# Dial statuses after which the caller is still on the line and another
# volunteer can be tried.
RETRYABLE = {"no-answer", "busy", "failed", "completed"}


class CallEvents(Protocol):
    """What the call flow reports to the volunteers' side (``helpline.duty``).

    Called after the call's own step is done; a failure there is logged and
    never changes what the caller hears.
    """

    def missed(self, volunteer_ids: list[int]) -> None: ...

    def accepted(self, volunteer_id: int) -> None: ...

    def closed(self, call_ref: str, volunteer_id: int | None, outcome: str) -> None: ...


@dataclass(frozen=True)
class FlowSettings:
    helpline_number: str
    menu_attempts: int = 3
    menu_timeout: int = 6
    max_dial_tries: int = 3
    ring_timeout: int = 20
    screen_timeout: int = 8
    ring_at_once: int = 1
    ring_at_once_by_language: Mapping[str, int] = field(default_factory=dict)
    hold_rounds: int = 2
    hold_rounds_by_language: Mapping[str, int] = field(default_factory=dict)
    hold_pause: int = 6
    fallbacks: Mapping[str, Sequence[str]] = field(default_factory=dict)

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> FlowSettings:
        return cls(
            helpline_number=config["HELPLINE_NUMBER"],
            menu_attempts=int(config["MENU_ATTEMPTS"]),
            menu_timeout=int(config["MENU_TIMEOUT_SECONDS"]),
            max_dial_tries=int(config["MAX_DIAL_TRIES"]),
            ring_timeout=int(config["RING_TIMEOUT_SECONDS"]),
            screen_timeout=int(config["SCREEN_TIMEOUT_SECONDS"]),
            ring_at_once=int(config["RING_AT_ONCE"]),
            ring_at_once_by_language={
                code: int(n) for code, n in config["RING_AT_ONCE_BY_LANGUAGE"].items()
            },
            hold_rounds=int(config["HOLD_ROUNDS"]),
            hold_rounds_by_language={
                code: int(rounds) for code, rounds in config["HOLD_ROUNDS_BY_LANGUAGE"].items()
            },
            hold_pause=int(config["HOLD_PAUSE_SECONDS"]),
            fallbacks=dict(config["FALLBACK_LANGUAGES"]),
        )


class CallFlow:
    def __init__(
        self,
        *,
        catalog: Catalog,
        voicing: Voicing,
        availability: Availability,
        states: CallStates,
        db: Database,
        settings: FlowSettings,
        url_for: UrlFor,
        direct_numbers: dict[str, str] | None = None,
        schedule: Callable[[], Schedule | None] = lambda: None,
        clock: Callable[[], float] = time.time,
        events: CallEvents | None = None,
    ) -> None:
        self.catalog = catalog
        self.voicing = voicing
        self.availability = availability
        self.states = states
        self.db = db
        self.settings = settings
        self.url_for = url_for
        self.direct_numbers = direct_numbers or {}
        self.schedule = schedule
        self.clock = clock
        self.events = events

    # -- the caller's leg -------------------------------------------------

    def incoming(self, ref: str, to_number: str) -> VoiceResponse:
        """A call comes in: the menu, or straight to a language for a direct number."""
        self.states.start(ref, self.clock())
        direct = self.direct_numbers.get(to_number)
        if direct is not None:
            return self._choose(ref, self.catalog.get(direct))
        return self._menu(attempt=1, apologise=False)

    def menu_choice(self, ref: str, attempt: int, digits: str) -> VoiceResponse:
        """The caller pressed (or did not press) a code in the menu."""
        language = self.catalog.by_digits(digits.strip()) if digits else None
        if language is not None:
            return self._choose(ref, language)
        if attempt < self.settings.menu_attempts:
            return self._menu(attempt=attempt + 1, apologise=True)
        # She could not choose: a volunteer in the local language, whom every
        # volunteer speaks, is better than hanging up.
        return self._choose(ref, self.catalog.local)

    def dial_result(
        self, ref: str, language_code: str, attempt: int, dial_status: str, duration: int,
        bridged: bool | None = None,
    ) -> VoiceResponse:
        """The ``<Dial>`` ended: after a talk, or with nobody accepting.

        ``bridged`` is Twilio's ``DialBridged`` when it is sent: False after a
        volunteer accepted means the caller hung up before she was put through.
        """
        language = self.catalog.get(language_code)
        state = self.states.load(ref)
        key = reservation_key(ref, attempt)
        if state is not None and state.answered_attempt == attempt:
            if bridged is False:  # accepted, but the caller was gone before the bridge
                self.availability.release(key, outcome="cancelled")
                self.states.update(ref, unbridged=1)
                return twiml.words_then_hangup(self.voicing, language, ["goodbye"])
            self.availability.release(key, outcome="talked")
            self.states.update(ref, talk_seconds=duration)
            return twiml.words_then_hangup(self.voicing, language, ["goodbye"])
        if dial_status == "canceled":  # the caller hung up while it rang
            self.availability.release(key, outcome="cancelled")
            return twiml.words_then_hangup(self.voicing, language, ["goodbye"])
        missed = self.availability.release(key, outcome="missed")
        self._report(lambda events: events.missed(missed))
        rung = len(state.tried) if state else attempt
        if dial_status not in RETRYABLE or rung >= self.settings.max_dial_tries:
            return self._nobody(ref, language, attempt + 1, hold_round=self._hold_rounds(language))
        return self._dial(ref, language, attempt + 1, announce="hold_update")

    def hold_over(self, ref: str, language_code: str, attempt: int, hold_round: int
                  ) -> VoiceResponse:
        """After a spoken update: try the router again."""
        language = self.catalog.get(language_code)
        return self._dial(ref, language, attempt, announce="connecting", hold_round=hold_round)

    def fallback_choice(
        self, ref: str, language_code: str, fallback_code: str, attempt: int, digits: str
    ) -> VoiceResponse:
        """She pressed 1 (or not) to be put through in a fallback language."""
        language = self.catalog.get(language_code)
        fallback = self.catalog.get(fallback_code)
        if digits.strip() == "1":
            found = self._dial(
                ref, fallback, attempt, announce="connecting", hold_round=None
            )
            if found is not None:
                return found
        return self._closing(ref, language)

    def closed(self, ref: str, language_code: str) -> VoiceResponse:
        """She did not take up the fallback offer."""
        return self._closing(ref, self.catalog.get(language_code))

    def status(self, ref: str, call_status: str, duration: int) -> None:
        """The caller's call is over: free whoever it held, write its one record."""
        state = self.states.load(ref)
        if state is None:
            return  # already closed (a retried callback), or never started here
        if state.attempt:
            talked = state.answered_attempt == state.attempt and not state.unbridged
            self.availability.release(state.call_key, outcome="talked" if talked else "cancelled")
        outcome = self._write_record(state, call_status, duration)
        self.states.delete(ref)
        if outcome is not None:
            self._report(lambda events: events.closed(ref, state.answered_by, outcome))

    def close_stale(self, max_age_seconds: float) -> int:
        """Close calls whose status callback never came (lost, or a service was down).

        Returns how many were closed; each gets its one record like any call.
        """
        closed = 0
        horizon = self.clock() - max_age_seconds
        for ref in self.states.refs():
            state = self.states.load(ref)
            if state is not None and state.started and state.started < horizon:
                self.status(ref, "completed", 0)
                closed += 1
        return closed

    # -- the volunteer's leg ----------------------------------------------

    def screen(
        self, ref: str, language_code: str, attempt: int, volunteer_id: int
    ) -> VoiceResponse:
        """What the volunteer hears when she picks up, before the call is put through."""
        volunteer_language = self._volunteer_language(volunteer_id)
        action = self.url_for(
            "voice.screen_answer", ref=ref, lang=language_code, attempt=attempt, vid=volunteer_id
        )
        return twiml.screening(
            self.voicing,
            volunteer_language,
            self.catalog.get(language_code),
            action_url=action,
            timeout=self.settings.screen_timeout,
        )

    def screen_answer(
        self, ref: str, attempt: int, volunteer_id: int, digits: str
    ) -> VoiceResponse:
        volunteer_language = self._volunteer_language(volunteer_id)
        if digits.strip() != "1":
            return twiml.declined(self.voicing, volunteer_language)
        if not self.availability.confirm(reservation_key(ref, attempt), volunteer_id):
            # The caller hung up, or the ring lease lapsed: nothing to put through.
            return twiml.declined(self.voicing, volunteer_language)
        now = self.clock()
        if self.states.set_once(ref, "answered_at", repr(now)):
            self.states.update(ref, answered_by=volunteer_id, answered_attempt=attempt)
            self._report(lambda events: events.accepted(volunteer_id))
        return twiml.accepted(self.voicing, volunteer_language)

    # -- steps --------------------------------------------------------------

    def _menu(self, *, attempt: int, apologise: bool) -> VoiceResponse:
        return twiml.menu(
            self.voicing,
            self.catalog.languages,
            action_url=self.url_for("voice.menu", attempt=attempt),
            num_digits=self.catalog.digits_length,
            timeout=self.settings.menu_timeout,
            apologise=apologise,
        )

    def _choose(self, ref: str, language: Language) -> VoiceResponse:
        if self.states.set_once(ref, "language", language.code):
            self.states.update(ref, chosen_at=repr(self.clock()))
        return self._dial(ref, language, 1, announce="connecting")

    @overload
    def _dial(self, ref: str, language: Language, attempt: int, *, announce: str,
              hold_round: int = 0) -> VoiceResponse: ...

    @overload
    def _dial(self, ref: str, language: Language, attempt: int, *, announce: str,
              hold_round: None) -> VoiceResponse | None: ...

    def _dial(
        self, ref: str, language: Language, attempt: int, *, announce: str,
        hold_round: int | None = 0,
    ) -> VoiceResponse | None:
        """Reserve the next volunteer(s) and ring them. When nobody is free: the
        next step of :meth:`_nobody`, or None if ``hold_round`` is None."""
        state = self.states.load(ref)
        tried = state.tried if state else []
        key = reservation_key(ref, attempt)
        at_once = self.settings.ring_at_once_by_language.get(
            language.code, self.settings.ring_at_once
        )
        volunteer_ids = self.availability.reserve(
            language.code, key, count=max(1, at_once), exclude=tried
        )
        if not volunteer_ids:
            if hold_round is None:
                return None
            return self._nobody(ref, language, attempt + 1, hold_round=hold_round)
        try:
            phones = self._phones(volunteer_ids)
        except Exception:
            self.availability.release(key, outcome="cancelled")  # do not hold her for nothing
            raise
        self.states.update(ref, attempt=attempt)
        self.states.add_tried(ref, volunteer_ids)
        rings = [
            twiml.Ring(
                phone=phone,
                screen_url=self.url_for(
                    "voice.screen", ref=ref, lang=language.code, attempt=attempt, vid=vid
                ),
            )
            for vid, phone in phones
        ]
        return twiml.dial(
            self.voicing,
            language,
            rings,
            caller_id=self.settings.helpline_number,
            action_url=self.url_for("voice.dial_result", lang=language.code, attempt=attempt),
            timeout=self.settings.ring_timeout,
            announce=announce,
        )

    def _nobody(
        self, ref: str, language: Language, next_attempt: int, *, hold_round: int
    ) -> VoiceResponse:
        """Nobody free for her language: hold with spoken updates while somebody is
        on shift, then offer a fallback language, then say when to call back."""
        on_shift = self._on_shift(language)
        if on_shift and hold_round < self._hold_rounds(language):
            return twiml.hold(
                self.voicing, language, pause=self.settings.hold_pause,
                retry_url=self.url_for("voice.hold", lang=language.code,
                                       attempt=next_attempt, round=hold_round + 1),
            )
        for code in self.settings.fallbacks.get(language.code, ()):
            fallback = self._language_or_none(code)
            if fallback is not None and self.availability.free_volunteers(code):
                return twiml.fallback_offer(
                    self.voicing, language, fallback,
                    action_url=self.url_for("voice.fallback", lang=language.code, to=code,
                                            attempt=next_attempt),
                    decline_url=self.url_for("voice.closed", lang=language.code),
                    timeout=self.settings.screen_timeout,
                )
        return self._closing(ref, language, on_shift=on_shift)

    def _closing(
        self, ref: str, language: Language, *, on_shift: bool | None = None
    ) -> VoiceResponse:
        self.states.update(ref, ended=Outcome.NO_VOLUNTEER.value)
        if on_shift is None:
            on_shift = self._on_shift(language)
        return twiml.closing(
            self.voicing, language, on_shift=on_shift, hours=self._hours(language)
        )

    def _hold_rounds(self, language: Language) -> int:
        by_language = self.settings.hold_rounds_by_language
        return by_language.get(language.code, self.settings.hold_rounds)

    # -- the schedule --------------------------------------------------------

    def _on_shift(self, language: Language) -> bool:
        schedule = self.schedule()
        if schedule is None:
            return False
        now = datetime.fromtimestamp(self.clock(), UTC)
        return bool(roster_for(schedule).on_shift(language.code, now))

    def _hours(self, language: Language) -> str | None:
        """When her language is answered, in her language's words (None: never)."""
        schedule = self.schedule()
        if schedule is None:
            return None
        hours = language_hours(schedule, language.code)
        return spoken_hours(hours, language.code) or None

    def _language_or_none(self, code: str) -> Language | None:
        try:
            return self.catalog.get(code)
        except KeyError:
            return None

    # -- database ------------------------------------------------------------

    def _phones(self, volunteer_ids: list[int]) -> list[tuple[int, str]]:
        with self.db.unit_of_work() as session:
            rows = session.execute(
                select(Volunteer.id, Volunteer.phone).where(Volunteer.id.in_(volunteer_ids))
            ).all()
        phones = {vid: phone for vid, phone in rows}
        return [(vid, phones[vid]) for vid in volunteer_ids if vid in phones]

    def _volunteer_language(self, volunteer_id: int) -> Language:
        with self.db.unit_of_work() as session:
            code = session.scalar(
                select(Volunteer.preferred_language).where(Volunteer.id == volunteer_id)
            )
        try:
            return self.catalog.get(code) if code else self.catalog.local
        except KeyError:
            return self.catalog.local

    def _report(self, event: Callable[[CallEvents], None]) -> None:
        if self.events is None:
            return
        try:
            event(self.events)
        except Exception:
            log.exception("a call event could not be reported; the call goes on")

    def _write_record(self, state: CallState, call_status: str, duration: int) -> str | None:
        """Write the call's one record; its outcome, or None if it was already written."""
        ended = state.started + duration if duration else self.clock()
        record = CallRecord(
            call_ref=state.ref,
            started_minute=to_minute(state.started),
            language=state.language,
            outcome=_outcome(state).value,
            wait_seconds=_wait_seconds(state, ended),
            talk_seconds=_talk_seconds(state, ended),
            tries=len(state.tried),
            volunteer_id=None if state.unbridged else state.answered_by,
        )
        with self.db.unit_of_work() as session:
            session.add(record)
            try:
                session.commit()
            except IntegrityError:
                log.info("call record already written for this call; retried callback ignored")
                return None
        return record.outcome


def _outcome(state: CallState) -> Outcome:
    if state.ended == Outcome.EMERGENCY.value:
        return Outcome.EMERGENCY
    if state.answered_by is not None and not state.unbridged:
        return Outcome.ANSWERED
    if state.ended == Outcome.NO_VOLUNTEER.value:
        return Outcome.NOT_ANSWERED if state.tried else Outcome.NO_VOLUNTEER
    if state.language is None:
        return Outcome.NO_LANGUAGE
    return Outcome.ABANDONED


def _wait_seconds(state: CallState, ended: float) -> int:
    if state.chosen_at is None:
        return 0
    until = state.answered_at if state.answered_at is not None else ended
    return max(0, round(until - state.chosen_at))


def _talk_seconds(state: CallState, ended: float) -> int:
    if state.talk_seconds or state.answered_at is None or state.unbridged:
        return state.talk_seconds
    return max(0, round(ended - state.answered_at))  # the status came before the dial action


def to_minute(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC).replace(second=0, microsecond=0)
