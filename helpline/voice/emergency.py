"""Degraded mode: when Redis or the database does not answer, the caller still gets help.

The web layer answers her at once with :class:`~helpline.voice.steps.EmergencyForward`
(a technical problem; the coordinators' duty phone) and calls :func:`record_emergency`,
which keeps the call's anonymous record on this host's disk until the database
answers again (:mod:`helpline.store.outbox`), so no call goes unrecorded, and
marks the call as forwarded, so its status callback records it as that too.

Whichever of the two records reaches the database first, the call's one record
says ``emergency`` (:class:`~helpline.store.repositories.CallRecords`). A step that
ran out of its budget goes on running; when it ends, :func:`after_forward`
lets go of any volunteer it reserved: the caller never heard that step.
"""

from __future__ import annotations

import logging

import redis

from helpline.state.calls import CallStates, reservation_key
from helpline.store.database import DatabaseError
from helpline.store.models import CallOutcome
from helpline.store.outbox import RecordSpool
from helpline.voice import steps
from helpline.voice.record import emergency_record
from routing.availability import Availability

log = logging.getLogger(__name__)

SERVICE_ERRORS: tuple[type[BaseException], ...] = (redis.exceptions.RedisError, DatabaseError,
                                                   OSError)
"""A service did not answer: what degraded mode catches."""


def culprit(error: BaseException) -> str:
    if isinstance(error, redis.exceptions.RedisError):
        return "Redis"
    if isinstance(error, DatabaseError):
        return "the database"
    if isinstance(error, TimeoutError):
        return "a step within the webhook budget"
    return "Redis or the database"


def record_emergency(spool: RecordSpool, ref: str, language: str | None, now: float,
                     error: BaseException) -> None:
    """Keep the record of a call forwarded to the duty phone because of ``error``, on
    this host's disk: nothing here waits on Redis or the database. (The caller's
    web layer then marks the call forwarded in Redis, :func:`mark_forwarded`, in
    the background: Redis may be what does not answer.)"""
    log.error("degraded mode: %s did not answer (%s); forwarding to the duty phone",
              culprit(error), type(error).__name__)
    spool.spool(emergency_record(ref, language, now))


def mark_forwarded(states: CallStates, ref: str) -> None:
    """Mark the call as forwarded to the duty phone (if Redis answers), so the
    status callback writes its record as ``emergency``. Only a call the service
    saw arrive has a state to mark: a step under a CallSid it never saw must not
    make one (the spooled record is that call's only record)."""
    try:
        state = states.load(ref)
        if state is not None and state.started:
            states.update(ref, ended=CallOutcome.EMERGENCY.value)
    except redis.exceptions.RedisError:
        pass  # the spooled record says it; the database keeps the emergency outcome


def after_forward(availability: Availability, states: CallStates, ref: str,
                  late: steps.CallerStep) -> None:
    """A step that ran out of its budget has ended after the caller was forwarded:
    free whoever it reserved (nobody rings her: the caller never got that step)
    and mark the call forwarded again, over anything the step wrote."""
    try:
        if isinstance(late, steps.Ring):
            availability.release(reservation_key(ref, late.attempt), outcome="cancelled")
            log.warning("a late step's reservation was released: the caller was forwarded")
    except redis.exceptions.RedisError:
        log.error("a late step's reservation could not be released; its lease will lapse")
    mark_forwarded(states, ref)
