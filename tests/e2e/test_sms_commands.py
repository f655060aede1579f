"""Volunteers' SMS commands, posted to /sms/incoming signed as Twilio signs them."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from helpline.bootstrap import from_app
from helpline.sim.webhook import Webhooks
from routing.model import VolunteerState
from tests.support import add_volunteer, sync, volunteer

from .conftest import local_twilio
from .twilio_api import TwilioApi
from .volunteer_sms import sms

KARI = "+4791000021"  # Norwegian
EMMA = "+4791000022"  # English
LINE = "+4791000023"  # Danish
ASHA = "+4791000024"  # Somali
AMINA = "+4791000025"  # Arabic
ALMAZ = "+4791000026"  # a language with no SMS texts: gets the local language's
STRANGER = "+4798000099"


@pytest.fixture
def app_config(app_config: dict[str, Any], twilio_api: TwilioApi) -> dict[str, Any]:
    return local_twilio(app_config, twilio_api)


@pytest.fixture
def kari(app: Flask) -> int:
    vid = add_volunteer(app, "kari", KARI, ["so"], preferred="nb")
    sync(app)
    return vid


def state(app: Flask, vid: int) -> VolunteerState:
    return from_app(app).availability.state(vid)


def paused_for(app: Flask, vid: int, since: datetime) -> timedelta:
    """How long from ``since`` she is paused (the database may keep naive UTC times)."""
    until = volunteer(app, vid).paused_until
    assert until is not None, "she is not paused"
    return until.replace(tzinfo=until.tzinfo or UTC) - since


def test_off_then_on_in_norwegian(app: Flask, webhooks: Webhooks, kari: int) -> None:
    assert state(app, kari) == VolunteerState.FREE
    status, [reply] = sms(webhooks, KARI, "av")
    assert status == 200 and "av vakt" in reply
    assert volunteer(app, kari).checked_in is False
    assert state(app, kari) == VolunteerState.PAUSED  # at once, not at the next tick

    _, [reply] = sms(webhooks, KARI, " På. ")
    assert reply == "Du er på vakt. Samtaler kan komme til deg nå."
    assert volunteer(app, kari).checked_in is True
    assert state(app, kari) == VolunteerState.FREE


@pytest.mark.parametrize("word", ["ON", "on", "On", "PÅ", "pa", "INN", "ind"])
def test_on_words(app: Flask, webhooks: Webhooks, kari: int, word: str) -> None:
    sms(webhooks, KARI, "OFF")
    sms(webhooks, KARI, word)
    assert state(app, kari) == VolunteerState.FREE


@pytest.mark.parametrize("word", ["OFF", "off", "AV", "Af", "ut", "UD"])
def test_off_words(app: Flask, webhooks: Webhooks, kari: int, word: str) -> None:
    sms(webhooks, KARI, word)
    assert state(app, kari) == VolunteerState.PAUSED


def test_pause_and_resume(app: Flask, webhooks: Webhooks, kari: int) -> None:
    before = datetime.now(UTC)
    _, [reply] = sms(webhooks, KARI, "PAUSE 30")
    assert reply.startswith("Pause til kl. ")
    assert timedelta(minutes=29) < paused_for(app, kari, before) <= timedelta(minutes=31)
    assert state(app, kari) == VolunteerState.PAUSED
    sms(webhooks, KARI, "on")
    assert volunteer(app, kari).paused_until is None
    assert state(app, kari) == VolunteerState.FREE


def test_pause_without_minutes_uses_the_default(app: Flask, webhooks: Webhooks,
                                                kari: int) -> None:
    before = datetime.now(UTC)
    _, [reply] = sms(webhooks, KARI, "pause")
    assert reply.startswith("Pause til kl. ")
    assert state(app, kari) == VolunteerState.PAUSED
    default = timedelta(minutes=from_app(app).settings.pause_default_minutes)
    minute = timedelta(minutes=1)
    assert default - minute < paused_for(app, kari, before) <= default + minute


@pytest.mark.parametrize("body", ["PAUSE 0", "pause 9999"])
def test_pause_out_of_range_is_explained(app: Flask, webhooks: Webhooks, kari: int,
                                         body: str) -> None:
    _, [reply] = sms(webhooks, KARI, body)
    assert "1 til 480 minutter" in reply
    assert volunteer(app, kari).paused_until is None


def test_status_lists_shifts_and_state(app: Flask, webhooks: Webhooks, kari: int) -> None:
    _, [reply] = sms(webhooks, KARI, "status")
    assert reply == "I dag: 00:00-00:00 (somali). Nå: på vakt, ledig."
    sms(webhooks, KARI, "pause 15")
    _, [reply] = sms(webhooks, KARI, "STATUS")
    assert "Nå: pause til kl. " in reply


def test_help_in_each_language(app: Flask, webhooks: Webhooks) -> None:
    add_volunteer(app, "kari", KARI, ["so"], preferred="nb")
    add_volunteer(app, "emma", EMMA, ["en"], preferred="en")
    add_volunteer(app, "line", LINE, ["so"], preferred="da")
    add_volunteer(app, "asha", ASHA, ["so"], preferred="so")
    add_volunteer(app, "amina", AMINA, ["ar"], preferred="ar")
    # "am" stands for a language added to languages.yaml before its SMS texts
    add_volunteer(app, "almaz", ALMAZ, ["so"], preferred="am")
    assert sms(webhooks, KARI, "hjelp")[1][0].startswith("Send PÅ for å ta samtaler")
    assert sms(webhooks, EMMA, "HELP")[1][0].startswith("Send ON to take calls")
    assert sms(webhooks, LINE, "hjælp")[1][0].startswith("Send PÅ for at tage opkald")
    assert sms(webhooks, ASHA, "?")[1][0].startswith("Soo dir ON si aad wicitaano u qaadato")
    assert sms(webhooks, AMINA, "help")[1][0].startswith("أرسلي ON لتلقي المكالمات")
    assert sms(webhooks, ALMAZ, "HELP")[1][0].startswith("Send PÅ for å ta samtaler")


def test_a_somali_volunteer_is_answered_in_somali(app: Flask, webhooks: Webhooks) -> None:
    vid = add_volunteer(app, "asha", ASHA, ["so"], preferred="so")
    sync(app)
    _, [reply] = sms(webhooks, ASHA, "STATUS")
    assert reply == (
        "Maanta: 00:00-00:00 (Af-Soomaali). Hadda: waad shaqeynaysaa, waad diyaar tahay."
    )
    _, [reply] = sms(webhooks, ASHA, "help")
    assert reply == (
        "Soo dir ON si aad wicitaano u qaadato, OFF si aad u joojiso, PAUSE 30 nasasho "
        "30 daqiiqo ah, STATUS si aad maalintaada u aragto."
    )
    _, [reply] = sms(webhooks, ASHA, "OFF")
    assert reply.startswith("Shaqada waad ka baxday.") and "Soo dir ON" in reply
    assert state(app, vid) == VolunteerState.PAUSED
    _, [reply] = sms(webhooks, ASHA, "status")
    assert reply.endswith("Hadda: shaqo kuma jirtid.")
    _, [reply] = sms(webhooks, ASHA, "hooyo")  # not a command: sorry, then the help
    assert reply.startswith("Waan ka xumahay, ma aan fahmin. Soo dir ON")


def test_an_arabic_volunteer_is_answered_in_arabic(app: Flask, webhooks: Webhooks) -> None:
    add_volunteer(app, "amina", AMINA, ["ar", "so"], preferred="ar")
    sync(app)
    _, [reply] = sms(webhooks, AMINA, "status")
    assert reply == "اليوم: 00:00-00:00 (العربية, الصومالية). الآن: في المناوبة، متاحة للمكالمات."
    _, [reply] = sms(webhooks, AMINA, "PAUSE 15")
    assert reply.startswith("استراحة حتى الساعة ") and reply.endswith("أرسلي ON لإنهائها قبله.")
    _, [reply] = sms(webhooks, AMINA, "STATUS")
    assert "الآن: استراحة حتى الساعة " in reply


@pytest.mark.parametrize("body", ["", "   ", "hello there", "PAUSE abc", "x" * 2000, "ONN"])
def test_malformed_input_gets_help_and_changes_nothing(
    app: Flask, webhooks: Webhooks, kari: int, body: str
) -> None:
    status, [reply] = sms(webhooks, KARI, body)
    assert status == 200
    assert reply.startswith("Beklager, jeg forsto ikke. Send PÅ")
    assert volunteer(app, kari).checked_in is True
    assert volunteer(app, kari).paused_until is None


def test_missing_body_is_not_understood(app: Flask, webhooks: Webhooks, kari: int) -> None:
    status, [reply] = sms(webhooks, KARI, None)
    assert status == 200 and reply.startswith("Beklager")


def test_unknown_sender_learns_nothing_and_is_not_logged(
    app: Flask, webhooks: Webhooks, kari: int, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for body in ("ON", "HELP", "STATUS", "1", "hei"):
        status, replies = sms(webhooks, STRANGER, body)
        assert status == 200 and replies == []
    assert STRANGER not in caplog.text and STRANGER.lstrip("+") not in caplog.text
    assert "not a volunteer" in caplog.text


@pytest.mark.parametrize("sender", ["", "not-a-number", "4791000021", "+47 910 00 021"])
def test_malformed_sender_gets_nothing(app: Flask, webhooks: Webhooks, kari: int,
                                       sender: str) -> None:
    status, replies = sms(webhooks, sender, "OFF")
    assert status == 200 and replies == []
    assert volunteer(app, kari).checked_in is True


def test_inactive_volunteer_is_a_stranger(app: Flask, webhooks: Webhooks, kari: int) -> None:
    with from_app(app).db.unit_of_work() as uow:
        found = uow.volunteers.get(kari)
        assert found is not None
        found.active = False
        uow.commit()
    assert sms(webhooks, KARI, "ON")[1] == []


def test_unsigned_or_forged_sms_is_refused(app: Flask, webhooks: Webhooks, client: FlaskClient,
                                           kari: int) -> None:
    assert sms(webhooks, KARI, "OFF", signed=False)[0] == 403
    forged = client.post("/sms/incoming", data={"From": KARI, "Body": "OFF"},
                         headers={"X-Twilio-Signature": "Zm9yZ2Vk"})
    assert forged.status_code == 403
    assert volunteer(app, kari).checked_in is True


def test_a_digit_without_a_call_to_note(app: Flask, webhooks: Webhooks, kari: int) -> None:
    _, [reply] = sms(webhooks, KARI, "3")
    assert reply == "Ingen samtale venter på et tema."


def test_sms_policy_on_outside_a_shift(app: Flask, webhooks: Webhooks) -> None:
    vid = add_volunteer(app, "emma", EMMA, ["en"], preferred="en", on_shift=False,
                        checked_in=False)
    _, [reply] = sms(webhooks, EMMA, "ON")
    assert reply == "You have no shift now, so no calls come to you."
    assert state(app, vid) == VolunteerState.OFF_SHIFT
