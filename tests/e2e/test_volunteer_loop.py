"""A volunteer's whole shift: reminder -> ON -> a call -> whisper in her language -> note."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask

from helpline.bootstrap import from_app
from helpline.jobs.tick import run_tick
from helpline.sim.webhook import Webhooks
from routing.model import VolunteerState
from tests.support import add_volunteer, digits_of, records, sync

from .conftest import local_twilio, run_jobs
from .test_call_flow import CALLER
from .twilio_api import TwilioApi
from .twilio_walk import CallWalk
from .volunteer_sms import sms

EMMA = "+4791000041"  # prefers English, which is not the local language (Norwegian)
KARI = "+4791000042"
ASHA = "+4791000043"


@pytest.fixture
def app_config(app_config: dict[str, Any], twilio_api: TwilioApi) -> dict[str, Any]:
    return {**local_twilio(app_config, twilio_api), "checkin_policy": "sms"}


def whisper_heard(app: Flask, webhooks: Webhooks, code: str) -> tuple[str, str]:
    """What the volunteer rung for a caller in ``code`` hears on picking up: the
    ``<Say>``'s language and its words."""
    call = CallWalk(webhooks, CALLER)
    dial = call.press(call.incoming(), digits_of(app, code))
    _, screening, _ = call.screen(dial)
    say = screening.find("./Gather/Say")
    assert say is not None
    return say.attrib["language"], say.text or ""


def test_reminder_on_call_whisper_note(app: Flask, webhooks: Webhooks,
                                       twilio_api: TwilioApi) -> None:
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    shift_start = now - timedelta(minutes=10)  # her shift began ten minutes ago
    vid = add_volunteer(app, "emma", EMMA, ["so"], preferred="en", shift_start=shift_start,
                        checked_in=False)

    # 1. Forty minutes ago, the tick reminded her; with the SMS policy she must send ON.
    report = run_tick(from_app(app), now - timedelta(minutes=40))
    assert report.reminders_sent == 1
    run_jobs(app)
    [reminder] = twilio_api.bodies_to(EMMA)
    assert reminder.startswith("Reminder: your shift (Somali) starts at ")
    assert reminder.endswith("Send ON when you are ready for calls.")
    sync(app)
    assert from_app(app).availability.state(vid) == VolunteerState.PAUSED  # not checked in yet

    # 2. She sends ON: available at once.
    _, [reply] = sms(webhooks, EMMA, "on")
    assert reply == "You are on duty. Calls can come to you now."
    assert from_app(app).availability.state(vid) == VolunteerState.FREE

    # 3. A Somali caller is routed to her; the whisper is in English and names Somali.
    call = CallWalk(webhooks, CALLER)
    dial = call.press(call.incoming(), digits_of(app, "so"))
    child, screening, rung = call.screen(dial)
    assert rung == EMMA
    say = screening.find("./Gather/Say")
    assert say is not None
    assert say.text == "Helpline call in Somali. Press 1 to accept."
    assert say.attrib["language"].startswith("en")
    call.volunteer_presses(screening, child, "1")
    call.dial_ends(dial, "completed", duration=240, bridged=True)
    call.hangs_up(duration=260)

    # 4. Right after, she is asked for the topic, and answers with one digit.
    run_jobs(app)
    request = twilio_api.bodies_to(EMMA)[-1]
    assert request == (
        "Thank you for the call. What was it about? Reply with one number: 1 health, "
        "2 children and school, 3 work and money, 4 family, 5 authorities and letters, "
        "6 loneliness, 7 other"
    )
    assert CALLER not in request
    _, [saved] = sms(webhooks, EMMA, "2")
    assert saved == "Thank you. Saved: children and school."
    [record] = records(app)
    assert (record.outcome, record.volunteer_id, record.topic) == ("answered", vid, "children")
    # the pending note is gone: a second digit changes nothing
    assert sms(webhooks, EMMA, "5")[1] == ["There is no call waiting for a topic."]
    assert records(app)[0].topic == "children"


def test_whisper_names_the_language_in_norwegian_words(app: Flask, webhooks: Webhooks) -> None:
    add_volunteer(app, "kari", KARI, ["ar"], preferred="nb")
    sync(app)
    assert whisper_heard(app, webhooks, "ar") == (
        "nb-NO", "Samtale fra hjelpetelefonen, på arabisk. Trykk 1 for å ta imot.")


def test_whisper_for_a_volunteer_whose_language_has_no_voice(app: Flask,
                                                              webhooks: Webhooks) -> None:
    # Somali has no Twilio voice and no recording here: she hears the local language
    add_volunteer(app, "asha", ASHA, ["so"], preferred="so")
    sync(app)
    assert whisper_heard(app, webhooks, "so") == (
        "nb-NO", "Samtale fra hjelpetelefonen, på somali. Trykk 1 for å ta imot.")


def test_a_call_nobody_answered_asks_for_no_note(app: Flask, webhooks: Webhooks,
                                                 twilio_api: TwilioApi) -> None:
    add_volunteer(app, "kari", KARI, ["so"], preferred="nb")
    sync(app)
    call = CallWalk(webhooks, CALLER)
    call.dial_ends(call.press(call.incoming(), digits_of(app, "so")), "no-answer")
    call.hangs_up(duration=40)
    run_jobs(app)
    assert twilio_api.sent == []
    assert sms(webhooks, KARI, "1")[1] == ["Ingen samtale venter på et tema."]
