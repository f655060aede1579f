"""The volunteers' service without Flask: duty by SMS, reminders, pauses after missed
calls, the note after a call; real Redis and database, a clock the test moves."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from rq import Queue

from helpline.bootstrap import Helpline
from helpline.state.keys import QUEUE
from helpline.store.models import MessageStatus
from helpline.volunteers.commands import Command
from routing.model import VolunteerState
from tests.support import FakeClock, add_volunteer, messages, records, sync, volunteer

KARI = "+4791000021"


@pytest.fixture
def kari(service: Helpline) -> int:
    vid = add_volunteer(service, "kari", KARI, ["so"], preferred="nb")
    sync(service)
    return vid


def queued_jobs(service: Helpline) -> list[str]:
    return [job.func_name for job in Queue(QUEUE, connection=service.redis).jobs]


def test_off_and_on_change_her_presence_at_once(service: Helpline, kari: int) -> None:
    duty = service.duty
    assert duty.handle(kari, Command("off")).startswith("Du er av vakt")
    assert volunteer(service, kari).checked_in is False
    assert service.availability.state(kari) == VolunteerState.PAUSED
    assert duty.handle(kari, Command("on")) == "Du er på vakt. Samtaler kan komme til deg nå."
    assert service.availability.state(kari) == VolunteerState.FREE


def test_pause_is_bounded_and_ends_on_its_own(service: Helpline, kari: int,
                                              clock: FakeClock) -> None:
    duty = service.duty
    refused = duty.handle(kari, Command("pause", 9999))
    assert "480" in refused and volunteer(service, kari).paused_until is None
    duty.handle(kari, Command("pause", 30))
    until = volunteer(service, kari).paused_until
    assert until is not None
    assert until.replace(tzinfo=UTC) == service.now() + timedelta(minutes=30)
    assert service.availability.state(kari) == VolunteerState.PAUSED
    clock.advance(31 * 60)
    sync(service)
    assert service.availability.state(kari) == VolunteerState.FREE


def test_status_names_her_shifts_and_state(service: Helpline, kari: int) -> None:
    assert service.duty.handle(kari, Command("status")) == (
        "I dag: 00:00-00:00 (somali). Nå: på vakt, ledig.")
    service.duty.handle(kari, Command("off"))
    assert service.duty.handle(kari, Command("status")).endswith("Nå: av vakt.")


def test_an_unknown_command_gets_the_help(service: Helpline, kari: int) -> None:
    reply = service.duty.handle(kari, Command("unknown"))
    assert reply.startswith("Beklager") and "PAUSE" in reply


def test_only_an_active_volunteer_is_found_by_her_number(service: Helpline, kari: int) -> None:
    assert service.duty.volunteer_by_phone(f" {KARI} ") == kari
    with service.db.unit_of_work() as uow:
        found = uow.volunteers.get(kari)
        assert found is not None
        found.active = False
        uow.commit()
    assert service.duty.volunteer_by_phone(KARI) is None


def test_missed_calls_in_a_row_pause_her_through_a_job(
    make_service: Callable[..., Helpline]
) -> None:
    service = make_service(missed_calls_before_pause=2)
    vid = add_volunteer(service, "kari", KARI, ["so"])
    sync(service)
    reports = service.call_reports
    reports.missed([vid])
    assert queued_jobs(service) == []
    reports.accepted(vid)  # an accepted call ends the run
    reports.missed([vid])
    assert queued_jobs(service) == []
    reports.missed([vid])
    assert service.availability.state(vid) == VolunteerState.OFF_SHIFT  # at once
    assert queued_jobs(service) == ["helpline.jobs.tasks.pause_after_misses"]
    reports.pause_for_misses(vid, 2)  # what the job does
    assert volunteer(service, vid).paused_until is not None
    [notice] = messages(service)
    assert notice.kind == "paused" and notice.status == MessageStatus.QUEUED
    assert notice.body.startswith("Du har ikke svart på 2 samtaler på rad")
    assert "helpline.jobs.tasks.deliver_sms" in queued_jobs(service)


def test_a_message_is_sent_only_once_its_row_is_committed(service: Helpline, kari: int) -> None:
    with service.db.unit_of_work() as uow:
        service.messages.send(uow, kari, "reminder", "x")
        assert queued_jobs(service) == []  # rolled back: no job for a row that is not there
    assert messages(service) == [] and queued_jobs(service) == []
    with service.db.unit_of_work() as uow:
        message_id = service.messages.send(uow, kari, "reminder", "y" * 700)
        uow.commit()
    [row] = messages(service)
    assert row.id == message_id and len(row.body) == 640
    assert queued_jobs(service) == ["helpline.jobs.tasks.deliver_sms"]


def test_the_note_after_an_answered_call(service: Helpline, kari: int) -> None:
    with service.db.unit_of_work() as uow:
        uow.calls.insert_once({"call_ref": "ab" * 16, "started_minute": service.now(),
                               "language": "so", "outcome": "answered", "volunteer_id": kari})
        uow.commit()
    service.call_reports.closed("ab" * 16, kari, "answered")
    [request] = messages(service)
    assert request.kind == "note_request" and "1 helse" in request.body
    assert service.duty.handle(kari, Command("note", 9)).startswith("Beklager")
    assert service.duty.handle(kari, Command("note", 2)) == "Takk. Lagret: barn og skole."
    assert records(service)[0].topic == "children"
    assert service.duty.handle(kari, Command("note", 3)) == "Ingen samtale venter på et tema."


def test_no_note_is_asked_for_a_call_she_did_not_answer(service: Helpline, kari: int) -> None:
    service.call_reports.closed("ab" * 16, kari, "not_answered")
    service.call_reports.closed("cd" * 16, None, "answered")
    assert messages(service) == []


def test_reminders_once_per_shift_start_and_check_ins_reset(
    make_service: Callable[..., Helpline]
) -> None:
    service = make_service(checkin_policy="sms")
    now = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    vid = add_volunteer(service, "kari", KARI, ["so"], shift_start=now + timedelta(minutes=45))
    reminders = service.reminders
    with service.db.unit_of_work() as uow:
        assert reminders.send(uow, now) == 1
        assert reminders.send(uow, now + timedelta(minutes=1)) == 0  # once per start
        uow.commit()
    [reminder] = messages(service)
    assert reminder.kind == "reminder" and "Send PÅ" in reminder.body
    # between shifts, the SMS policy checks her out again
    with service.db.unit_of_work() as uow:
        assert reminders.settle(uow, now + timedelta(hours=5)) == 1
        uow.commit()
    assert volunteer(service, vid).checked_in is False
