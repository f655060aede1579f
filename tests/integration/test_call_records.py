"""The call's one record (:class:`helpline.store.repositories.CallRecords`): the
emergency outcome wins whichever record reaches the database first."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from helpline.bootstrap import Helpline
from helpline.store.repositories import aware
from tests.support import records

REF = "a" * 32
STARTED = datetime(2026, 12, 1, 10, 30, tzinfo=UTC)
# what the status callback knows: the whole call
ORDINARY = {"call_ref": REF, "started_minute": STARTED, "language": "so", "outcome": "answered",
            "wait_seconds": 12, "talk_seconds": 300, "tries": 1, "volunteer_id": None}
# what the spool knows: the call was forwarded to the duty phone, at some minute
SPOOLED = {**ORDINARY, "started_minute": STARTED.replace(minute=36), "language": None,
           "outcome": "emergency", "wait_seconds": 0, "talk_seconds": 0, "tries": 0}


def ordinary(service: Helpline) -> bool:
    with service.db.unit_of_work() as uow:
        new = uow.calls.insert_once(ORDINARY)
        uow.commit()
    return new


def spooled(service: Helpline) -> bool:
    with service.db.unit_of_work() as uow:
        changed = uow.calls.mark_emergency(SPOOLED)
        uow.commit()
    return changed


def stored(service: Helpline) -> dict[str, Any]:
    """The record's fields; its minute in UTC (SQLite hands back naive datetimes)."""
    [record] = records(service)
    fields = {name: getattr(record, name) for name in ORDINARY}
    fields["started_minute"] = aware(fields["started_minute"])
    return fields


@pytest.mark.parametrize("first", ["ordinary", "spooled"])
def test_the_emergency_outcome_wins_and_the_facts_are_the_status_callbacks(
    service: Helpline, first: str
) -> None:
    if first == "ordinary":
        assert ordinary(service) is True
        assert spooled(service) is True  # it changed the record
    else:
        assert spooled(service) is True
        assert ordinary(service) is False  # not a new record: no second "closed" event
    assert stored(service) == {**ORDINARY, "outcome": "emergency"}
    # each again changes nothing
    assert spooled(service) is False
    assert ordinary(service) is False
    assert stored(service) == {**ORDINARY, "outcome": "emergency"}


def test_a_record_is_new_once(service: Helpline) -> None:
    assert ordinary(service) is True
    assert ordinary(service) is False
    assert stored(service) == ORDINARY
