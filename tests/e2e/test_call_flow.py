"""Whole calls, driven through the webhooks exactly as Twilio drives them."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from helpline.app import create_app
from helpline.bootstrap import from_app
from helpline.settings import Settings
from helpline.sim.webhook import Webhooks
from tests.support import add_volunteer, digits_of, records, sync
from tests.unit.voice.twiml_shape import ends_with_words_or_handover, spoken

from .conftest import HELPLINE_NUMBER, webhooks_for
from .twilio_walk import CallWalk, dialled

CALLER = "+4798765432"


@pytest.fixture
def two_somali(app: Flask) -> tuple[int, int]:
    first = add_volunteer(app, "amina", "+4791000001", ["so"])
    second = add_volunteer(app, "hodan", "+4791000002", ["so", "ar"])
    sync(app)
    return first, second


def test_answered_call(app: Flask, webhooks: Webhooks, two_somali: tuple[int, int]) -> None:
    call = CallWalk(webhooks, CALLER)
    menu = call.incoming()
    gather = menu.find("./Gather")
    assert gather is not None and gather.attrib["numDigits"] == "2"
    dial_doc = call.press(menu, digits_of(app, "so"))
    dial = dial_doc.find("./Dial")
    assert dial is not None
    assert dial.attrib["callerId"] == HELPLINE_NUMBER  # the volunteer never sees the caller
    rung, accepted = call.volunteer_accepts(dial_doc)
    assert rung in {"+4791000001", "+4791000002"}
    assert accepted.find("./Hangup") is None  # an open document: Twilio bridges the call
    goodbye = call.dial_ends(dial_doc, "completed", duration=300, bridged=True)
    assert ends_with_words_or_handover(goodbye)
    call.hangs_up(duration=330)

    [record] = records(app)
    assert record.outcome == "answered"
    assert record.language == "so"
    assert record.talk_seconds == 300
    assert record.tries == 1
    assert record.volunteer_id in two_somali
    assert record.started_minute.second == 0
    # she is free again after her wrap-up, not before
    availability = from_app(app).availability
    assert availability.state(record.volunteer_id).value == "wrapup"


def test_first_volunteer_does_not_answer_second_accepts(
    app: Flask, webhooks: Webhooks, two_somali: tuple[int, int]
) -> None:
    call = CallWalk(webhooks, CALLER)
    first_dial = call.press(call.incoming(), digits_of(app, "so"))
    second_dial = call.dial_ends(first_dial, "no-answer")
    assert sorted(dialled(first_dial) + dialled(second_dial)) == ["+4791000001", "+4791000002"]
    assert spoken(second_dial), "the caller hears an update, not silence"
    call.volunteer_accepts(second_dial)
    call.dial_ends(second_dial, "completed", duration=120, bridged=True)
    call.hangs_up(duration=200)

    [record] = records(app)
    assert record.outcome == "answered"
    assert record.tries == 2
    assert record.talk_seconds == 120


def test_volunteer_declines_in_screening(
    app: Flask, webhooks: Webhooks, two_somali: tuple[int, int]
) -> None:
    call = CallWalk(webhooks, CALLER)
    first_dial = call.press(call.incoming(), digits_of(app, "so"))
    child, screening, first_rung = call.screen(first_dial)
    declined = call.volunteer_presses(screening, child, "2")
    assert [el.tag for el in declined] == ["Say", "Hangup"]  # told so, then hung up on
    # Twilio reports "completed" for a declined screening: it must not count as answered,
    # so the other Somali volunteer is rung next
    second_dial = call.dial_ends(first_dial, "completed", duration=5, bridged=False)
    [second_rung] = dialled(second_dial)
    assert {first_rung, second_rung} == {"+4791000001", "+4791000002"}
    call.hangs_up(duration=40)  # she gives up while the second one rings
    [record] = records(app)
    assert (record.outcome, record.tries, record.volunteer_id) == ("abandoned", 2, None)


def test_nobody_on_shift(app: Flask, webhooks: Webhooks) -> None:
    add_volunteer(app, "off", "+4791000009", ["so"], on_shift=False)
    sync(app)
    call = CallWalk(webhooks, CALLER)
    doc = call.press(call.incoming(), digits_of(app, "so"))
    assert doc.find("./Dial") is None
    assert ends_with_words_or_handover(doc)
    assert doc[-1].tag == "Hangup"
    call.hangs_up(duration=40)
    [record] = records(app)
    assert record.outcome == "no_volunteer"
    assert record.tries == 0
    assert record.volunteer_id is None


def test_direct_number_skips_the_menu(
    app: Flask, webhooks: Webhooks, two_somali: tuple[int, int]
) -> None:
    call = CallWalk(webhooks, CALLER, to="+4722000017")  # the Somali number
    doc = call.incoming()
    assert doc.find("./Gather") is None
    [rung] = dialled(doc)
    assert rung in {"+4791000001", "+4791000002"}
    call.hangs_up(duration=20)
    [record] = records(app)
    assert record.language == "so"


def test_unknown_digits_replay_the_menu_then_local_language(
    app: Flask, webhooks: Webhooks
) -> None:
    add_volunteer(app, "kari", "+4791000005", ["nb"])
    sync(app)
    call = CallWalk(webhooks, CALLER)
    doc = call.incoming()
    apology = from_app(app).catalog.local.prompt("menu_invalid")
    for _ in range(2):
        doc = call.press(doc, "99")
        assert [el.tag for el in doc] == ["Gather", "Redirect"], "the menu is replayed"
        assert spoken(doc)[0] == apology
    doc = call.no_input(doc)  # third time: nothing pressed
    assert dialled(doc) == ["+4791000005"]


def test_forged_signature_is_refused_and_changes_nothing(
    app: Flask, client: Any, two_somali: tuple[int, int]
) -> None:
    form = {"CallSid": "CAforged", "From": CALLER, "To": HELPLINE_NUMBER}
    assert client.post("/voice/incoming", data=form).status_code == 403
    assert client.post(
        "/voice/incoming", data=form, headers={"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"}
    ).status_code == 403
    assert client.post(
        "/voice/status", data={**form, "CallStatus": "completed"},
        headers={"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"},
    ).status_code == 403
    assert records(app) == []
    assert from_app(app).redis.keys("htest:call:*") == []


def test_replayed_webhooks_reserve_once_and_write_once(
    app: Flask, webhooks: Webhooks, two_somali: tuple[int, int]
) -> None:
    call = CallWalk(webhooks, CALLER)
    menu = call.incoming()
    call.incoming()  # Twilio retried
    first = call.press(menu, digits_of(app, "so"))
    again = call.press(menu, digits_of(app, "so"))
    assert len(dialled(first)) == 1 and dialled(again) == dialled(first)
    availability = from_app(app).availability
    states = [availability.state(v).value for v in two_somali]
    assert sorted(states) == ["free", "ringing"]
    call.hangs_up(duration=20)
    call.hangs_up(duration=20)
    assert len(records(app)) == 1
    assert sorted(availability.state(v).value for v in two_somali) == ["free", "free"]


def test_skipping_signatures_needs_an_explicit_setting_and_warns(
    app_config: dict[str, Any], redis_client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level("WARNING"):
        dev = create_app(Settings(**app_config, dev_skip_signatures=True))
    assert "signatures are NOT checked" in caplog.text
    from_app(dev).db.create_all()
    reply = dev.test_client().post("/voice/incoming", data={"CallSid": "CAdev", "To": "x"})
    assert reply.status_code == 200 and b"<Gather" in reply.data


def test_simultaneous_ringing_first_to_accept_gets_the_call(
    app_config: dict[str, Any], redis_client: Any
) -> None:
    app = create_app(Settings(**app_config, ring_at_once_by_language={"so": 2}))
    from_app(app).db.create_all()
    first = add_volunteer(app, "amina", "+4791000001", ["so"])
    second = add_volunteer(app, "hodan", "+4791000002", ["so"])
    sync(app)
    call = CallWalk(webhooks_for(app), CALLER)
    dial_doc = call.press(call.incoming(), digits_of(app, "so"))
    assert sorted(dialled(dial_doc)) == ["+4791000001", "+4791000002"]
    child_a, screen_a, _ = call.screen(dial_doc, 0)
    child_b, screen_b, _ = call.screen(dial_doc, 1)
    assert call.volunteer_presses(screen_a, child_a, "1").find("./Hangup") is None
    late = call.volunteer_presses(screen_b, child_b, "1")
    assert [el.tag for el in late] == ["Say", "Hangup"]  # too late: the call is taken
    availability = from_app(app).availability
    assert sorted(availability.state(v).value for v in (first, second)) == ["free", "on_call"]
    call.dial_ends(dial_doc, "completed", duration=60, bridged=True)
    call.hangs_up(90)
    [record] = records(app)
    assert record.outcome == "answered" and record.tries == 2


def test_caller_gone_before_the_bridge_is_not_counted_answered(
    app: Flask, webhooks: Webhooks, two_somali: tuple[int, int]
) -> None:
    call = CallWalk(webhooks, CALLER)
    dial_doc = call.press(call.incoming(), digits_of(app, "so"))
    call.volunteer_accepts(dial_doc)
    # she hung up while the volunteer heard "connecting you now": no bridge
    call.dial_ends(dial_doc, "completed", duration=3, bridged=False)
    call.hangs_up(duration=25)
    [record] = records(app)
    assert record.outcome == "abandoned"
    assert record.volunteer_id is None and record.talk_seconds == 0
    availability = from_app(app).availability
    assert sorted(availability.state(v).value for v in two_somali) == ["free", "free"]
