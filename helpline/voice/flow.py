"""The call flow: what each step of a helpline call does, as a service.

The webhooks (:mod:`helpline.web.voice`) parse Twilio's request, call one method
here and render the returned step (:mod:`helpline.voice.steps`) as TwiML. Each
method is one use case with its own unit of work. Every step is idempotent,
because Twilio retries: a reservation is keyed by the call and its dial attempt,
and the call record by the call's ref.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from helpline.clock import Clock
from helpline.privacy import ring_token
from helpline.prompts.catalog import Catalog, Language
from helpline.prompts.hours import spoken_hours
from helpline.settings import Settings
from helpline.shifts.service import Shifts
from helpline.state.calls import CLOSED_TTL_SECONDS, CallState, CallStates, reservation_key
from helpline.store.database import Database
from helpline.store.models import CallOutcome
from helpline.store.unit_of_work import UnitOfWork
from helpline.voice import record, steps
from routing.availability import Availability

log = logging.getLogger(__name__)

# Dial statuses after which the caller is still on the line and another
# volunteer can be tried.
RETRYABLE = {"no-answer", "busy", "failed", "completed"}


class CallEvents(Protocol):
    """What the call flow reports to the volunteers' side (:mod:`helpline.volunteers`).

    Called after the call's own step is done; a failure there is logged and
    never changes what the caller hears.
    """

    def missed(self, volunteer_ids: list[int]) -> None: ...

    def accepted(self, volunteer_id: int) -> None: ...

    def closed(self, call_ref: str, volunteer_id: int | None, outcome: str) -> None: ...


class CallOver(Exception):
    """The call's final status arrived while one of its steps was running."""


@dataclass
class StaleReport:
    """What :meth:`CallFlow.close_stale` did."""

    closed: int = 0
    discarded: int = 0
    failed: int = 0


@dataclass(kw_only=True, eq=False)
class CallFlow:
    """The steps of a helpline call, one method a use case (see the module docstring)."""

    catalog: Catalog
    availability: Availability
    states: CallStates
    db: Database
    shifts: Shifts
    settings: Settings
    clock: Clock
    events: CallEvents | None = None

    # -- the caller's leg -------------------------------------------------------
    #
    # Every step after the first runs through :meth:`_step`: only a call the
    # service saw arrive, and whose final status has not come, may reserve a
    # volunteer. ``language_code`` is the ``lang`` of the service's own URL; when
    # it is missing or unknown, the language she chose (or the local one) is used.

    def incoming(self, ref: str, to_number: str) -> steps.CallerStep:
        """A call comes in: the menu, or straight to a language for a direct number."""
        self.states.start(ref, self.clock())
        direct = self.settings.direct_numbers.get(to_number)
        language = self._language_or_none(direct) if direct else None
        if language is not None:
            return self._step(ref, language.code, lambda state, _: self._choose(ref, language))
        return self._step(ref, None, lambda state, _: steps.Menu(attempt=1, apologise=False))

    def menu_choice(self, ref: str, attempt: int, digits: str) -> steps.CallerStep:
        """The caller pressed (or did not press) a code in the menu."""
        return self._step(ref, None, lambda state, _: self._menu_choice(ref, attempt, digits))

    def _menu_choice(self, ref: str, attempt: int, digits: str) -> steps.CallerStep:
        language = self.catalog.by_digits(digits.strip()) if digits else None
        if language is not None:
            return self._choose(ref, language)
        if attempt < self.settings.menu_attempts:
            return steps.Menu(attempt=attempt + 1, apologise=True)
        # She could not choose: a volunteer in the local language, whom every
        # volunteer speaks, is better than hanging up.
        return self._choose(ref, self.catalog.local)

    def dial_result(
        self, ref: str, language_code: str | None, attempt: int, dial_status: str | None,
        duration: int | None, bridged: bool | None = None,
    ) -> steps.CallerStep:
        """The ``<Dial>`` ended: after a talk, or with nobody accepting.

        ``bridged`` is Twilio's ``DialBridged`` when it is sent: False after a
        volunteer accepted means the caller hung up before she was put through.
        """
        key = reservation_key(ref, attempt)

        def step(state: CallState, language: Language) -> steps.CallerStep:
            if state.answered_attempt == attempt:
                if bridged is False:  # accepted, but the caller was gone before the bridge
                    self.availability.release(key, outcome="cancelled")
                    self.states.update(ref, unbridged=1)
                    return steps.Goodbye(language)
                self.availability.release(key, outcome="talked")
                if duration is not None:
                    self.states.update(ref, talk_seconds=duration)
                return steps.Goodbye(language)
            if dial_status == "canceled":  # the caller hung up while it rang
                self.availability.release(key, outcome="cancelled")
                return steps.Goodbye(language)
            missed = self.availability.release(key, outcome="missed")
            self._report(lambda events: events.missed(missed))
            with self.db.unit_of_work() as uow:
                if (dial_status not in RETRYABLE
                        or len(state.tried) >= self.settings.max_dial_tries):
                    return self._nobody(uow, ref, language, attempt + 1,
                                        hold_round=self.settings.hold_rounds_for(language.code))
                return self._dial(uow, ref, language, attempt + 1, announce="hold_update")

        # Late, or for a call never seen: nobody rung under this key stays held.
        return self._step(ref, language_code, step,
                          on_gone=lambda: self.availability.release(key, outcome="cancelled"))

    def hold_over(self, ref: str, language_code: str | None, attempt: int, hold_round: int
                  ) -> steps.CallerStep:
        """After a spoken update: try the router again."""
        def step(state: CallState, language: Language) -> steps.CallerStep:
            with self.db.unit_of_work() as uow:
                return self._dial(uow, ref, language, attempt, announce="connecting",
                                  hold_round=hold_round)
        return self._step(ref, language_code, step)

    def fallback_choice(
        self, ref: str, language_code: str | None, fallback_code: str | None, attempt: int,
        digits: str,
    ) -> steps.CallerStep:
        """She pressed 1 (or not) to be put through in a fallback language."""
        def step(state: CallState, language: Language) -> steps.CallerStep:
            fallback = self._language_or_none(fallback_code) if fallback_code else None
            with self.db.unit_of_work() as uow:
                if fallback is not None and digits.strip() == "1":
                    found = self._ring(uow, ref, fallback, attempt, announce="connecting")
                    if found is not None:
                        return found
                return self._closing(uow, ref, language)
        return self._step(ref, language_code, step)

    def closed(self, ref: str, language_code: str | None) -> steps.CallerStep:
        """She did not take up the fallback offer."""
        def step(state: CallState, language: Language) -> steps.CallerStep:
            with self.db.unit_of_work() as uow:
                return self._closing(uow, ref, language)
        return self._step(ref, language_code, step)

    def status(self, ref: str, call_status: str, duration: int | None) -> None:
        """The caller's call is over: free whoever it held, write its one record.

        ``final`` is set before anything else, so a step running at the same time
        reserves nobody (or lets go of whom it reserved: :meth:`_ring`); a call
        never seen arriving gets no record.
        """
        if not self.states.mark_final(ref):
            self.states.end_unseen(ref, self.clock())  # no record, and it will ring nobody
            return
        self._close(ref, duration)

    def _close(self, ref: str, duration: int | None) -> None:
        state = self.states.load(ref)
        if state is None or state.closed:
            return  # already closed (a retried callback)
        # every attempt that reserved somebody: a replayed or late step may have
        # moved the current attempt past the one her volunteer answered
        for attempt in sorted({*state.attempts, state.attempt} - {0}):
            talked = state.answered_attempt == attempt and not state.unbridged
            self.availability.release(reservation_key(ref, attempt),
                                      outcome="talked" if talked else "cancelled")
        outcome = self._write_record(state, duration)
        self.states.close(ref, self.clock())
        if outcome is not None:
            self._report(lambda events: events.closed(ref, state.answered_by, outcome))

    # -- calls whose end never came ---------------------------------------------

    def stale_horizon(self) -> float:
        """Calls that started before this instant are over, whatever Redis says: a
        talk lasts at most ``CALL_LEASE_SECONDS`` (Twilio's ``<Dial timeLimit>``),
        and the menu, holds and ringing before it take far less than an hour."""
        return self.clock() - self.settings.call_lease_seconds - 3600

    def keep_alive(self) -> int:
        """Renew the routing lease of every call in flight that is not stale, so a
        long talk keeps her volunteer; returns how many leases were renewed."""
        renewed = 0
        horizon = self.stale_horizon()
        for ref in self.states.refs():
            state = self.states.load(ref)
            if state is not None and state.attempt and not state.final \
                    and state.started >= horizon:
                renewed += self.availability.renew(state.call_key)
        return renewed

    def close_stale(self) -> StaleReport:
        """Close what no status callback closed: calls whose final status came but
        could not be closed then (a service was down), calls whose status never came
        (past :meth:`stale_horizon`), and leftovers of calls never seen arriving.

        Each call is closed on its own: one that cannot be is logged and left for
        the next run, and never stops the others. Each gets its one record.
        """
        report = StaleReport()
        horizon = self.stale_horizon()
        for ref in self.states.refs():
            try:
                state = self.states.load(ref)
                if state is None:
                    continue
                if state.closed_at is not None:  # a tombstone, kept for late steps a while
                    if state.closed_at < self.clock() - CLOSED_TTL_SECONDS:
                        self.states.delete(ref)
                    continue
                if not state.arrived:  # a call never seen arriving
                    recent = self.clock() - CLOSED_TTL_SECONDS
                    if state.final_at is None or state.final_at < recent:
                        self.states.delete(ref)
                        report.discarded += 1
                elif state.final or state.started < horizon:
                    self.states.mark_final(ref)
                    self._close(ref, None)
                    if state.started < horizon:  # no step can come so late: no tombstone
                        self.states.delete(ref)
                    report.closed += 1
            except Exception:
                log.exception("a stale call could not be closed; the next tick tries again")
                report.failed += 1
        return report

    # -- the volunteer's leg ----------------------------------------------------

    def screen(self, ref: str, language_code: str | None, attempt: int, token: str
               ) -> steps.Screening | steps.Declined:
        """What the volunteer hears when she picks up, before the call is put through.

        ``token`` (:func:`helpline.privacy.ring_token`) names her among those the
        dial attempt holds; when it names nobody (the caller hung up, another
        volunteer took the call), she is told the call is over.
        """
        volunteer_id = self._rung(ref, attempt, token)
        with self.db.unit_of_work() as uow:
            volunteer_language = self._volunteer_language(uow, volunteer_id)
        if volunteer_id is None:
            return steps.Declined(volunteer_language)
        state = self.states.load(ref)
        return steps.Screening(volunteer_language, self._language(language_code, state))

    def screen_answer(
        self, ref: str, attempt: int, token: str, digits: str
    ) -> steps.Accepted | steps.Declined:
        volunteer_id = self._rung(ref, attempt, token)
        with self.db.unit_of_work() as uow:
            volunteer_language = self._volunteer_language(uow, volunteer_id)
        if volunteer_id is None or digits.strip() != "1":
            return steps.Declined(volunteer_language)
        if not self.availability.confirm(reservation_key(ref, attempt), volunteer_id):
            # The caller hung up, or the ring lease lapsed: nothing to put through.
            return steps.Declined(volunteer_language)
        now = self.clock()
        if self.states.set_once(ref, "answered_at", repr(now)):
            self.states.update(ref, answered_by=volunteer_id, answered_attempt=attempt)
            self._report(lambda events: events.accepted(volunteer_id))
        return steps.Accepted(volunteer_language)

    def ring_token(self, ref: str, attempt: int, volunteer_id: int) -> str:
        """The token of the screening URL of her leg (see :meth:`screen`)."""
        return ring_token(self.settings.caller_hash_secret.get_secret_value(), ref, attempt,
                          volunteer_id)

    def _rung(self, ref: str, attempt: int, token: str) -> int | None:
        """The volunteer the dial attempt holds whom ``token`` names, if any."""
        if not token:
            return None
        for vid in self.availability.held_by(reservation_key(ref, attempt)):
            if hmac.compare_digest(self.ring_token(ref, attempt, vid), token):
                return vid
        return None

    # -- steps ------------------------------------------------------------------

    def _step(self, ref: str, language_code: str | None,
              step: Callable[[CallState, Language], steps.CallerStep],
              on_gone: Callable[[], object] | None = None) -> steps.CallerStep:
        """Run ``step`` for a call in flight; a step of a call never seen arriving
        or already over reserves nothing (``on_gone`` lets go of what it held)."""
        state = self.states.load(ref)
        language = self._language(language_code, state)
        if state is None or not state.arrived or state.final:
            if on_gone is not None:
                on_gone()
            if state is not None and state.arrived:
                log.info("a step arrived after the call's final status; nothing reserved")
                if not state.closed:  # its status came first, or could not close it
                    self._close_quietly(ref)
                return steps.Goodbye(language)
            # Nothing is known of this call (a stray or replayed request, or its
            # state was lost): reserve nobody, but never drop a caller who may be
            # on the line: the duty phone, as when a service is down.
            log.warning("a step for a call never seen arriving; forwarded to the duty phone")
            return steps.EmergencyForward(language)
        try:
            return step(state, language)
        except CallOver:
            return steps.Goodbye(language)

    def _close_quietly(self, ref: str) -> None:
        try:
            self._close(ref, None)
        except Exception:
            log.exception("a late step could not close its call; the tick will")

    def _language(self, code: str | None, state: CallState | None) -> Language:
        """``code`` if the catalog knows it, else the language she chose, else the local one."""
        for candidate in (code, state.language if state else None):
            found = self._language_or_none(candidate) if candidate else None
            if found is not None:
                return found
        return self.catalog.local

    def _choose(self, ref: str, language: Language) -> steps.CallerStep:
        if self.states.set_once(ref, "language", language.code):
            self.states.update(ref, chosen_at=repr(self.clock()))
        with self.db.unit_of_work() as uow:
            return self._dial(uow, ref, language, 1, announce="connecting")

    def _dial(self, uow: UnitOfWork, ref: str, language: Language, attempt: int, *,
              announce: str, hold_round: int = 0) -> steps.CallerStep:
        """Ring the next volunteer(s); when nobody is free, the next step of :meth:`_nobody`."""
        found = self._ring(uow, ref, language, attempt, announce=announce)
        if found is not None:
            return found
        return self._nobody(uow, ref, language, attempt + 1, hold_round=hold_round)

    def _ring(self, uow: UnitOfWork, ref: str, language: Language, attempt: int, *,
              announce: str) -> steps.Ring | None:
        """Reserve the next volunteer(s) and ring them; None when nobody is free."""
        state = self.states.load(ref)
        tried = state.tried if state else []
        key = reservation_key(ref, attempt)
        volunteer_ids = self.availability.reserve(
            language.code, key, count=self.settings.ring_at_once_for(language.code),
            exclude=tried,
        )
        if not volunteer_ids:
            return None
        try:
            phones = uow.volunteers.phones(volunteer_ids)
        except Exception:
            self.availability.release(key, outcome="cancelled")  # do not hold her for nothing
            raise
        rings = tuple((vid, phones[vid]) for vid in volunteer_ids if vid in phones)
        if not rings:  # Redis named volunteers the database no longer has: ring nobody
            self.availability.release(key, outcome="cancelled")
            return None
        self.states.update(ref, attempt=attempt, **{f"attempt_{attempt}": 1})
        self.states.add_tried(ref, volunteer_ids)
        if self.states.is_final(ref):
            # Her final status came while this step ran; :meth:`_close` let go of
            # the attempt it saw, and this lets go of the one it may not have.
            self.availability.release(key, outcome="cancelled")
            raise CallOver(ref)
        return steps.Ring(language, attempt, rings, announce)

    def _nobody(self, uow: UnitOfWork, ref: str, language: Language, next_attempt: int, *,
                hold_round: int) -> steps.CallerStep:
        """Nobody free for her language: hold with spoken updates while somebody is
        on shift, then offer a fallback language, then say when to call back."""
        on_shift = self._on_shift(uow, language)
        if on_shift and hold_round < self.settings.hold_rounds_for(language.code):
            return steps.Hold(language, next_attempt, hold_round + 1)
        for code in self.settings.fallback_languages.get(language.code, ()):
            fallback = self._language_or_none(code)
            if fallback is not None and self.availability.free_volunteers(code):
                return steps.FallbackOffer(language, fallback, next_attempt)
        return self._closing(uow, ref, language, on_shift=on_shift)

    def _closing(self, uow: UnitOfWork, ref: str, language: Language, *,
                 on_shift: bool | None = None) -> steps.Closing:
        self.states.update(ref, ended=CallOutcome.NO_VOLUNTEER.value)
        if on_shift is None:
            on_shift = self._on_shift(uow, language)
        hours = self.shifts.hours(uow, language.code)
        # A prompt with a value is never played from a recording: a language without
        # a Twilio voice has its hours said by the local voice, in the local words.
        speaking = language if language.say is not None else self.catalog.local
        spoken = spoken_hours(hours, speaking.code) if hours is not None else ""
        return steps.Closing(language, on_shift, spoken or None)

    def _on_shift(self, uow: UnitOfWork, language: Language) -> bool:
        return self.shifts.on_shift(uow, language.code, datetime.fromtimestamp(self.clock(), UTC))

    def _language_or_none(self, code: str) -> Language | None:
        try:
            return self.catalog.get(code)
        except KeyError:
            return None

    def _volunteer_language(self, uow: UnitOfWork, volunteer_id: int | None) -> Language:
        if volunteer_id is None:
            return self.catalog.local
        code = uow.volunteers.preferred_language(volunteer_id)
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

    def _write_record(self, state: CallState, duration: int | None) -> str | None:
        """Write the call's one record; its outcome, or None if it was already written.

        ``duration`` is Twilio's ``CallDuration``; without it (a call closed by the
        tick) the call ended now, or at the latest when it can have ended.
        """
        latest = state.started + self.settings.call_lease_seconds + 3600
        ended = state.started + duration if duration else min(self.clock(), latest)
        fields = record.record_of(state, ended)
        with self.db.unit_of_work() as uow:
            new = uow.calls.insert_once(fields)
            uow.commit()
        if not new:
            log.info("call record already written for this call; retried callback ignored")
            return None
        return str(fields["outcome"])
