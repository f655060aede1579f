"""A call's one anonymous record from its progress: the outcome, the wait, the talk."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from helpline.state.calls import CallState
from helpline.store.models import CallOutcome
from helpline.voice.record import (
    emergency_record,
    outcome,
    record_of,
    talk_seconds,
    to_minute,
    wait_seconds,
)

STARTED = datetime(2026, 3, 2, 9, 14, 37, 250000, tzinfo=UTC).timestamp()
CHOSE = STARTED + 20.0  # she pressed her language's code 20 s into the call
FIELDS = {"call_ref", "started_minute", "language", "outcome", "wait_seconds",
          "talk_seconds", "tries", "volunteer_id"}


def state(**fields: object) -> CallState:
    return CallState(ref="ref-1", started=STARTED, **fields)  # type: ignore[arg-type]


def answered(**fields: object) -> CallState:
    """Volunteer 7 accepted on the second try, 34.4 s after she chose Somali."""
    return state(language="so", chosen_at=CHOSE, attempt=2, tried=[3, 7], answered_by=7,
                 answered_at=CHOSE + 34.4, answered_attempt=2, **fields)


def test_answered() -> None:
    call = answered(talk_seconds=300)
    assert outcome(call) == CallOutcome.ANSWERED
    assert record_of(call, ended=CHOSE + 400) == {
        "call_ref": "ref-1",
        "started_minute": datetime(2026, 3, 2, 9, 14, tzinfo=UTC),
        "language": "so",
        "outcome": "answered",
        "wait_seconds": 34,  # until she was answered, not until the end
        "talk_seconds": 300,  # Twilio's DialCallDuration
        "tries": 2,
        "volunteer_id": 7,
    }


def test_answered_when_the_status_came_before_the_dial_action() -> None:
    """No DialCallDuration yet: the talk lasted from the answer to the end of the call."""
    call = answered()
    assert outcome(call) == CallOutcome.ANSWERED
    assert talk_seconds(call, ended=CHOSE + 34.4 + 120.6) == 121


def test_accepted_but_unbridged_is_abandoned_with_no_volunteer_and_no_talk() -> None:
    """She hung up while the volunteer heard "connecting you now" (DialBridged=false)."""
    call = answered(unbridged=True)
    assert outcome(call) == CallOutcome.ABANDONED
    record = record_of(call, ended=CHOSE + 60)
    assert (record["outcome"], record["volunteer_id"], record["talk_seconds"]) == (
        "abandoned", None, 0)
    assert record["tries"] == 2


def test_no_volunteer_could_take_it() -> None:
    call = state(language="ar", chosen_at=CHOSE, ended=CallOutcome.NO_VOLUNTEER.value)
    assert outcome(call) == CallOutcome.NO_VOLUNTEER
    record = record_of(call, ended=CHOSE + 25)
    assert (record["outcome"], record["tries"], record["volunteer_id"]) == (
        "no_volunteer", 0, None)
    assert (record["wait_seconds"], record["talk_seconds"]) == (25, 0)


def test_volunteers_rung_but_none_accepted_is_not_answered() -> None:
    call = state(language="ar", chosen_at=CHOSE, attempt=3, tried=[1, 2, 4],
                 ended=CallOutcome.NO_VOLUNTEER.value)
    assert outcome(call) == CallOutcome.NOT_ANSWERED
    record = record_of(call, ended=CHOSE + 95)
    assert (record["outcome"], record["tries"], record["volunteer_id"]) == (
        "not_answered", 3, None)
    assert record["wait_seconds"] == 95


def test_she_hung_up_while_waiting_is_abandoned() -> None:
    call = state(language="ti", chosen_at=CHOSE, attempt=1, tried=[5])
    assert outcome(call) == CallOutcome.ABANDONED
    assert wait_seconds(call, ended=CHOSE + 41.6) == 42
    assert talk_seconds(call, ended=CHOSE + 41.6) == 0


def test_she_hung_up_in_the_menu_has_no_language() -> None:
    call = state()
    assert outcome(call) == CallOutcome.NO_LANGUAGE
    record = record_of(call, ended=STARTED + 12)
    assert (record["outcome"], record["language"], record["wait_seconds"],
            record["talk_seconds"], record["tries"]) == ("no_language", None, 0, 0, 0)


@pytest.mark.parametrize("progress", [
    {},
    {"language": "so", "chosen_at": CHOSE, "tried": [7], "answered_by": 7,
     "answered_at": CHOSE + 5},
])
def test_emergency_wins_over_any_other_progress(progress: dict[str, object]) -> None:
    call = state(ended=CallOutcome.EMERGENCY.value, **progress)
    assert outcome(call) == CallOutcome.EMERGENCY


def test_the_wait_is_never_negative() -> None:
    """Clocks of different hosts may disagree by a little."""
    call = state(language="so", chosen_at=CHOSE)
    assert wait_seconds(call, ended=CHOSE - 2) == 0
    assert talk_seconds(answered(), ended=CHOSE) == 0


def test_records_keep_the_minute_only() -> None:
    assert to_minute(STARTED) == datetime(2026, 3, 2, 9, 14, tzinfo=UTC)
    assert to_minute(datetime(2026, 3, 2, 9, 14, 59, 999999, tzinfo=UTC).timestamp()) == (
        datetime(2026, 3, 2, 9, 14, tzinfo=UTC))


def test_every_outcome_gives_the_same_fields() -> None:
    calls = [answered(talk_seconds=10), answered(unbridged=True), state(),
             state(language="so", chosen_at=CHOSE, ended=CallOutcome.NO_VOLUNTEER.value)]
    for call in calls:
        record = record_of(call, ended=CHOSE + 30)
        assert set(record) == FIELDS


def test_emergency_record() -> None:
    assert emergency_record("ref-9", "so", STARTED) == {
        "call_ref": "ref-9", "started_minute": datetime(2026, 3, 2, 9, 14, tzinfo=UTC),
        "language": "so", "outcome": "emergency", "wait_seconds": 0, "talk_seconds": 0,
        "tries": 0, "volunteer_id": None,
    }
