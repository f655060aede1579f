"""Degraded mode: when Redis or the database does not answer, the caller still gets help.

The web layer answers her at once with :class:`~helpline.voice.steps.EmergencyForward`
(a technical problem; the coordinators' duty phone) and calls :func:`record_emergency`,
which keeps the call's anonymous record on this host's disk until the database
answers again (:mod:`helpline.store.outbox`), so no call goes unrecorded.
"""

from __future__ import annotations

import logging

import redis

from helpline.state.calls import CallStates
from helpline.store.database import DatabaseError
from helpline.store.models import CallOutcome
from helpline.store.outbox import RecordSpool
from helpline.voice.record import emergency_record

log = logging.getLogger(__name__)

SERVICE_ERRORS: tuple[type[BaseException], ...] = (redis.exceptions.RedisError, DatabaseError,
                                                   OSError)
"""A service did not answer: what degraded mode catches."""


def culprit(error: BaseException) -> str:
    if isinstance(error, redis.exceptions.RedisError):
        return "Redis"
    if isinstance(error, DatabaseError):
        return "the database"
    return "Redis or the database"


def record_emergency(spool: RecordSpool, states: CallStates, ref: str, language: str | None,
                     now: float, error: BaseException) -> None:
    """Keep the record of a call forwarded to the duty phone because of ``error``."""
    log.error("degraded mode: %s did not answer (%s); forwarding to the duty phone",
              culprit(error), type(error).__name__)
    spool.spool(emergency_record(ref, language, now))
    if isinstance(error, DatabaseError):
        try:  # so the status callback does not close it as an ordinary call
            states.update(ref, ended=CallOutcome.EMERGENCY.value)
        except redis.exceptions.RedisError:
            pass
