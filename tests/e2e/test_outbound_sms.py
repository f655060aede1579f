"""Outbound SMS: reminders and pause notices through RQ and the real Twilio client."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from rq import Queue
from rq.job import Job
from rq.registry import FailedJobRegistry, ScheduledJobRegistry

from helpline.bootstrap import from_app
from helpline.cli import main
from helpline.jobs.tick import run_tick
from helpline.state.jobs import DELIVER_SMS
from helpline.state.keys import QUEUE
from helpline.store.models import MessageStatus
from routing.model import VolunteerState
from tests.support import add_volunteer, digits_of, messages, sync, volunteer

from .conftest import HELPLINE_NUMBER, built_app, local_twilio, run_jobs, webhooks_for
from .test_call_flow import CALLER
from .twilio_api import TwilioApi
from .twilio_walk import CallWalk, dialled
from .volunteer_sms import sms

KARI = "+4791000031"
EMMA = "+4791000032"


@pytest.fixture
def app_config(app_config: dict[str, Any], twilio_api: TwilioApi) -> dict[str, Any]:
    return local_twilio(app_config, twilio_api)


def tick(app: Flask, now: datetime) -> Any:
    return run_tick(from_app(app), now)


def minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def kari_reminded(app: Flask, twilio_api: TwilioApi, *, failures: int) -> None:
    """Kari's shift starts in ten minutes: the tick queues her reminder, and Twilio
    answers the first ``failures`` tries to send it with a server error."""
    now = minute(datetime.now(UTC))
    add_volunteer(app, "kari", KARI, ["so"], shift_start=now + timedelta(minutes=10))
    twilio_api.fail_next = failures
    tick(app, now)


def test_reminder_before_a_shift_reaches_twilio(app: Flask, twilio_api: TwilioApi) -> None:
    now = minute(datetime.now(UTC))
    add_volunteer(app, "kari", KARI, ["so", "ar"], preferred="nb",
                  shift_start=now + timedelta(minutes=45))
    add_volunteer(app, "emma", EMMA, ["en"], preferred="en",
                  shift_start=now + timedelta(minutes=90))  # beyond the hour: not yet
    report = tick(app, now)
    assert report.reminders_sent == 1
    assert twilio_api.sent == []  # the tick only queues it
    run_jobs(app)
    [sent] = twilio_api.sent
    assert sent.to == KARI and sent.from_ == HELPLINE_NUMBER
    assert sent.body.startswith("Påminnelse: vakten din (arabisk, somali) starter kl. ")
    assert "Send AV hvis du ikke kan" in sent.body  # automatic check-in
    [row] = messages(app)
    assert (row.kind, row.status, row.attempts) == ("reminder", "sent", 1)
    assert row.provider_sid and row.provider_sid.startswith("SM")
    # the next ticks do not remind her again
    assert tick(app, now + timedelta(minutes=1)).reminders_sent == 0
    assert tick(app, now + timedelta(minutes=29)).reminders_sent == 0
    # the other one, once her shift is within the hour
    assert tick(app, now + timedelta(minutes=30)).reminders_sent == 1
    run_jobs(app)
    assert twilio_api.bodies_to(EMMA)[0].startswith("Reminder: your shift (English) starts at")


def test_two_server_errors_are_retried(app: Flask, twilio_api: TwilioApi) -> None:
    kari_reminded(app, twilio_api, failures=2)
    run_jobs(app)
    assert twilio_api.requests == 3
    assert len(twilio_api.sent) == 1 and twilio_api.refused == []
    [row] = messages(app)
    assert (row.status, row.attempts, row.error) == ("sent", 3, None)


def test_retry_waits_for_its_backoff_interval(app_config: dict[str, Any], redis_client: Any,
                                              twilio_api: TwilioApi) -> None:
    interval = 300
    for app in built_app({**app_config, "sms_retry_intervals": [interval]}):
        kari_reminded(app, twilio_api, failures=1)
        failing_from = datetime.now(UTC)
        run_jobs(app)
        failed_by = datetime.now(UTC)
        [row] = messages(app)
        assert row.status == MessageStatus.RETRYING and twilio_api.requests == 1
        # RQ keeps the retry in its scheduled registry, due one interval after the failure
        scheduled = ScheduledJobRegistry(queue=Queue(QUEUE, connection=from_app(app).redis))
        [job_id] = scheduled.get_job_ids()
        job = Job.fetch(job_id, connection=from_app(app).redis)
        assert (job.func_name, tuple(job.args)) == (DELIVER_SMS, (row.id,))
        due = scheduled.get_scheduled_time(job_id)  # whole seconds
        backoff = timedelta(seconds=interval)
        assert failing_from.replace(microsecond=0) + backoff <= due <= failed_by + backoff
        assert scheduled.get_jobs_to_schedule(int(due.timestamp()) - 1) == []
        # before then, the worker and its scheduler leave it where it is
        run_jobs(app)
        [row] = messages(app)
        assert row.status == MessageStatus.RETRYING and twilio_api.requests == 1
        assert job_id in scheduled
        # at its time it is due; moved to the queue as RQ's scheduler moves it, it is sent
        assert scheduled.get_jobs_to_schedule(int(due.timestamp())) == [job_id]
        scheduled.requeue(job_id)
        run_jobs(app)
        [row] = messages(app)
        assert (row.status, row.attempts) == (MessageStatus.SENT, 2)
        assert [sent.to for sent in twilio_api.sent] == [KARI]
        assert job_id not in scheduled


def test_a_message_that_never_goes_through_is_visible(
    app_config: dict[str, Any], redis_client: Any, twilio_api: TwilioApi,
) -> None:
    for app in built_app({**app_config, "sms_max_retries": 2}):
        kari_reminded(app, twilio_api, failures=100)
        run_jobs(app)
        assert twilio_api.requests == 3  # the first try and two retries
        [row] = messages(app)
        assert row.status == MessageStatus.FAILED and row.attempts == 3
        assert row.error and "500" in row.error
        queue = Queue(QUEUE, connection=from_app(app).redis)
        assert len(FailedJobRegistry(queue=queue)) == 1
        result = app.test_cli_runner().invoke(main, ["messages", "failed"])
        assert result.exit_code == 0, result.output
        assert f"#{row.id}" in result.output and "reminder to volunteer" in result.output
        assert "1 failed message(s)." in result.output
        assert KARI not in result.output


def test_missed_calls_in_a_row_pause_her_and_tell_her(
    app_config: dict[str, Any], redis_client: Any, twilio_api: TwilioApi
) -> None:
    for app in built_app({**app_config, "missed_calls_before_pause": 2}):
        vid = add_volunteer(app, "kari", KARI, ["so"])
        sync(app)
        webhooks = webhooks_for(app)
        for _ in range(2):
            call = CallWalk(webhooks, CALLER)
            dial = call.press(call.incoming(), digits_of(app, "so"))
            assert dialled(dial) == [KARI]
            call.dial_ends(dial, "no-answer")
            call.hangs_up(duration=30)
        # off the queue at once, before any job ran
        assert from_app(app).availability.state(vid) == VolunteerState.OFF_SHIFT
        run_jobs(app)
        until = volunteer(app, vid).paused_until
        assert until is not None
        [notice] = twilio_api.bodies_to(KARI)
        assert notice.startswith("Du har ikke svart på 2 samtaler på rad")
        # a run interrupted by an accepted call starts again from zero
        sms(webhooks, KARI, "ON")
        assert from_app(app).availability.state(vid) == VolunteerState.FREE
        call = CallWalk(webhooks, CALLER)
        call.dial_ends(call.press(call.incoming(), digits_of(app, "so")), "no-answer")
        call.hangs_up(duration=30)
        assert volunteer(app, vid).paused_until is None
