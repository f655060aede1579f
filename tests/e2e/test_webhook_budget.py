"""Caller steps keep their budget whatever the other webhooks are doing: status
callbacks and volunteers' SMS never wait on a slow database past the budget, and
the production command (README, "Running in production") answers every caller step
while PostgreSQL hangs (timed by ``benchmarks/caller_budget.py``, not here)."""

from __future__ import annotations

import os
import time
from typing import Any

import pytest
from flask import Flask

from benchmarks import caller_budget
from helpline.app import create_app
from helpline.bootstrap import from_app
from helpline.settings import Settings
from tests.support import add_volunteer, messages, records

from .conftest import local_twilio, run_jobs, webhooks_for
from .test_call_flow import CALLER
from .test_degraded import BlackHole, delayed_database
from .twilio_api import TwilioApi
from .twilio_walk import CallWalk
from .volunteer_sms import sms

AMINA = "+4791000001"


@pytest.fixture
def app_config(app_config: dict[str, Any], twilio_api: TwilioApi) -> dict[str, Any]:
    return local_twilio(app_config, twilio_api)


POSTGRESQL = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="needs PostgreSQL (TEST_DATABASE_URL) behind a TCP proxy")


def test_a_status_callback_answers_while_the_database_still_hangs(
    app: Flask, app_config: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    call = CallWalk(webhooks_for(app), CALLER)
    call.incoming()  # a call in flight: its status callback has a record to write
    hole = BlackHole()
    try:
        stuck = create_app(Settings(**{
            **app_config, "service_timeout_seconds": 5.0, "webhook_budget_seconds": 0.3,
            "database_url": f"postgresql+psycopg://nobody@127.0.0.1:{hole.port}/helpline"}))
        call.webhooks = webhooks_for(stuck)
        call.hangs_up(duration=30)  # 200, empty TwiML
        # answered while its database connection was still waiting, not after it failed
        assert hole.still_waiting() >= 1
        assert "could not close the call" not in caplog.text
    finally:
        hole.close()
    assert records(app) == []  # not written: the call's state waits for the tick
    assert from_app(app).call_states.refs() != []


@POSTGRESQL
def test_an_sms_reply_too_late_for_the_budget_goes_as_an_sms_of_its_own(
    app: Flask, app_config: dict[str, Any], database_url: str, twilio_api: TwilioApi
) -> None:
    add_volunteer(app, "amina", AMINA, ["so"], preferred="en")
    _, [expected] = sms(webhooks_for(app), AMINA, "HELP")
    proxy, slow_url = delayed_database(database_url, delay=1.5)
    try:
        slow = create_app(Settings(**{
            **app_config, "database_url": slow_url,
            "webhook_budget_seconds": 0.3, "service_timeout_seconds": 1.0}))
        status, replies = sms(webhooks_for(slow), AMINA, "HELP")
        assert (status, replies) == (200, [])  # answered in time, without the reply
        deadline = time.monotonic() + 15
        while not messages(app) and time.monotonic() < deadline:
            time.sleep(0.1)
        from_app(slow).close()
    finally:
        proxy.close()
    [message] = messages(app)
    assert (message.kind, message.body) == ("reply", expected)
    run_jobs(app)
    assert twilio_api.bodies_to(AMINA) == [expected]


def test_every_caller_step_gets_valid_twiml_under_the_production_command(
    redis_url: str, redis_client: Any
) -> None:
    """A short run of ``benchmarks/caller_budget.py``: gunicorn started exactly as
    the README says, PostgreSQL hanging, status callbacks and SMS beside callers."""
    figures = caller_budget.run(rounds=2, status=8, sms=4, callers=2, redis_url=redis_url,
                                say=lambda _: None)
    assert figures.bad == []
    assert len(figures.alone) == len(figures.loaded) == 2 * 2 * 2
