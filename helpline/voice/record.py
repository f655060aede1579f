"""A call's one anonymous record, from the progress kept while it was in flight.

Pure rules: what outcome a call had, how long she waited and talked. The record
never holds the caller's number; its ``call_ref`` is a keyed hash of the CallSid.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from helpline.state.calls import CallState
from helpline.store.models import CallOutcome


def to_minute(epoch: float) -> datetime:
    """The minute an instant falls in, in UTC (records keep no finer time)."""
    return datetime.fromtimestamp(epoch, UTC).replace(second=0, microsecond=0)


def outcome(state: CallState) -> CallOutcome:
    if state.ended == CallOutcome.EMERGENCY.value:
        return CallOutcome.EMERGENCY
    if state.answered_by is not None and not state.unbridged:
        return CallOutcome.ANSWERED
    if state.ended == CallOutcome.NO_VOLUNTEER.value:
        return CallOutcome.NOT_ANSWERED if state.tried else CallOutcome.NO_VOLUNTEER
    if state.language is None:
        return CallOutcome.NO_LANGUAGE
    return CallOutcome.ABANDONED


LONGEST_SECONDS = 24 * 3600
"""No call lasts a day (a talk ends at ``CALL_LEASE_SECONDS``): a longer figure is
a bad value, and is cut here rather than written into the statistics."""


def _seconds(value: float) -> int:
    return min(LONGEST_SECONDS, max(0, round(value)))


def wait_seconds(state: CallState, ended: float) -> int:
    if state.chosen_at is None:
        return 0
    until = state.answered_at if state.answered_at is not None else ended
    return _seconds(until - state.chosen_at)


def talk_seconds(state: CallState, ended: float) -> int:
    if state.talk_seconds or state.answered_at is None or state.unbridged:
        return _seconds(state.talk_seconds)
    return _seconds(ended - state.answered_at)  # the status came before the dial action


def record_of(state: CallState, ended: float) -> dict[str, Any]:
    """The record's fields for a call that ended at ``ended`` (epoch seconds)."""
    return {
        "call_ref": state.ref,
        "started_minute": to_minute(state.started),
        "language": state.language,
        "outcome": outcome(state).value,
        "wait_seconds": wait_seconds(state, ended),
        "talk_seconds": talk_seconds(state, ended),
        "tries": len(state.tried),
        "volunteer_id": None if state.unbridged else state.answered_by,
    }


def emergency_record(ref: str, language: str | None, now: float) -> dict[str, Any]:
    """The record of a call forwarded to the duty phone in degraded mode."""
    return {
        "call_ref": ref, "started_minute": to_minute(now), "language": language,
        "outcome": CallOutcome.EMERGENCY.value,
        "wait_seconds": 0, "talk_seconds": 0, "tries": 0, "volunteer_id": None,
    }
