"""The caller's side in several languages: menu, wrong codes, fallbacks, hours."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from flask import Flask

from helpline.bootstrap import from_app
from helpline.sim.webhook import Webhooks
from tests.support import add_volunteer, digits_of, records, sync, weekly_shift
from tests.unit.voice.twiml_shape import spoken

from .test_call_flow import CALLER
from .twilio_walk import CallWalk, dialled

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def not_today() -> str:
    today = datetime.now(ZoneInfo("Europe/Oslo")).weekday()
    return DAYS[(today + 3) % 7]


def closing_on_another_day(app: Flask, webhooks: Webhooks, code: str) -> tuple[str, ET.Element]:
    """The only volunteer for ``code`` is on shift 10:00-14:00 on another weekday than
    today; a caller in ``code`` now: that weekday, and the closing words she hears."""
    add_volunteer(app, "only", "+4791000019", [code], on_shift=False)
    day = not_today()
    weekly_shift(app, "only", [code], f"{day} 10:00-14:00")
    call = CallWalk(webhooks, CALLER)
    return day, call.press(call.incoming(), digits_of(app, code))


def test_menu_every_language_in_its_own_voice_and_interruptible(
    app: Flask, webhooks: Webhooks
) -> None:
    catalog = from_app(app).catalog
    menu = CallWalk(webhooks, CALLER).incoming()
    gather = menu.find("./Gather")
    assert gather is not None
    assert gather.attrib["input"] == "dtmf"
    # every entry is inside <Gather>: she can press as soon as she hears hers
    entries = [el for el in gather if el.tag in {"Say", "Play"}]
    assert len(entries) == 1 + len(catalog.languages)  # greeting, then one per language
    arabic = catalog.get("ar")
    assert any(
        el.attrib.get("language") == arabic.say.language and "1 2" in (el.text or "")  # type: ignore[union-attr]
        for el in entries
    )
    # menu order from languages.yaml: the local language first
    assert catalog.languages[0].code == "nb"


def test_wrong_code_twice_then_right(app: Flask, webhooks: Webhooks) -> None:
    add_volunteer(app, "fatima", "+4791000011", ["ar"])
    sync(app)
    call = CallWalk(webhooks, CALLER)
    doc = call.incoming()
    apology = from_app(app).catalog.local.prompt("menu_invalid")
    for wrong in ("99", "00"):
        doc = call.press(doc, wrong)
        assert [el.tag for el in doc] == ["Gather", "Redirect"], "the menu is replayed"
        assert spoken(doc)[0] == apology, "an apology comes first"
    doc = call.press(doc, digits_of(app, "ar"))
    assert dialled(doc) == ["+4791000011"]


def test_no_input_at_all_goes_to_a_local_volunteer(app: Flask, webhooks: Webhooks) -> None:
    add_volunteer(app, "kari", "+4791000012", ["nb"])
    sync(app)
    call = CallWalk(webhooks, CALLER)
    doc = call.incoming()
    for _ in range(3):
        doc = call.no_input(doc)
    assert dialled(doc) == ["+4791000012"]


def test_no_input_and_nobody_at_all_ends_with_words(app: Flask, webhooks: Webhooks) -> None:
    call = CallWalk(webhooks, CALLER)
    doc = call.incoming()
    for _ in range(3):
        doc = call.no_input(doc)
    assert doc[-1].tag == "Hangup" and len(spoken(doc)) >= 3
    call.hangs_up(30)
    [record] = records(app)
    assert record.outcome == "no_volunteer" and record.language == "nb"


def test_nobody_in_her_language_fallback_accepted(app: Flask, webhooks: Webhooks) -> None:
    arabic = add_volunteer(app, "fatima", "+4791000011", ["ar"])
    sync(app)
    call = CallWalk(webhooks, CALLER)
    offer = call.press(call.incoming(), digits_of(app, "so"))  # no Somali volunteer at all
    gather = offer.find("./Gather")
    assert gather is not None and gather.attrib["numDigits"] == "1"
    dial_doc = call.press(offer, "1")
    assert dialled(dial_doc) == ["+4791000011"]
    call.volunteer_accepts(dial_doc)
    call.dial_ends(dial_doc, "completed", duration=200, bridged=True)
    call.hangs_up(260)
    [record] = records(app)
    assert record.outcome == "answered"
    assert record.language == "so"  # the language she asked for
    assert record.volunteer_id == arabic


def test_fallback_declined_hears_opening_hours(app: Flask, webhooks: Webhooks) -> None:
    add_volunteer(app, "fatima", "+4791000011", ["ar"])
    add_volunteer(app, "amina", "+4791000013", ["so"], on_shift=False)
    weekly_shift(app, "amina", ["so"], f"{not_today()} 10:00-14:00")
    call = CallWalk(webhooks, CALLER)
    offer = call.press(call.incoming(), digits_of(app, "so"))
    closing = call.no_input(offer)
    text = " ".join(spoken(closing))
    assert "10:00–14:00" in text  # Somali is recorded: spoken in Norwegian until recorded
    assert closing[-1].tag == "Hangup"


def test_hours_spoken_by_the_local_voice_name_the_days_in_the_local_language(
    app: Flask, webhooks: Webhooks
) -> None:
    day, closing = closing_on_another_day(app, webhooks, "so")
    [hours] = [el for el in closing.iter("Say") if "10:00–14:00" in (el.text or "")]
    assert hours.attrib["language"] == "nb-NO"  # Somali has no Twilio voice
    norwegian_days = {"mon": "mandag", "tue": "tirsdag", "wed": "onsdag", "thu": "torsdag",
                      "fri": "fredag", "sat": "lørdag", "sun": "søndag"}
    assert norwegian_days[day] in (hours.text or ""), hours.text


def test_nobody_on_shift_hears_opening_hours_in_her_language(
    app: Flask, webhooks: Webhooks
) -> None:
    day, closing = closing_on_another_day(app, webhooks, "ar")
    says = [el for el in closing.iter("Say")]
    assert all(el.attrib.get("language") == "arb" for el in says), "all of it in Arabic"
    arabic_days = {"mon": "الاثنين", "tue": "الثلاثاء", "wed": "الأربعاء", "thu": "الخميس",
                   "fri": "الجمعة", "sat": "السبت", "sun": "الأحد"}
    assert arabic_days[day] in " ".join(el.text or "" for el in says)
    assert closing[-1].tag == "Hangup"


def test_all_busy_she_holds_with_updates_then_is_connected(
    app: Flask, webhooks: Webhooks
) -> None:
    add_volunteer(app, "fatima", "+4791000011", ["ar"])
    sync(app)
    first = CallWalk(webhooks, "+4798000001")
    first_dial = first.press(first.incoming(), digits_of(app, "ar"))  # fatima rings for her
    second = CallWalk(webhooks, "+4798000002")
    hold = second.press(second.incoming(), digits_of(app, "ar"))
    assert [el.tag for el in hold] == ["Say", "Pause", "Redirect"]
    # the first caller hangs up while it rings: fatima is free again
    first.dial_ends(first_dial, "canceled")
    first.hangs_up(15)
    dial_doc = second.post(hold.find("./Redirect").text or "")  # type: ignore[union-attr]
    assert dialled(dial_doc) == ["+4791000011"]


def test_hold_is_bounded(app: Flask, webhooks: Webhooks) -> None:
    add_volunteer(app, "fatima", "+4791000011", ["ar"])
    sync(app)
    first = CallWalk(webhooks, "+4798000001")
    first.press(first.incoming(), digits_of(app, "ar"))
    second = CallWalk(webhooks, "+4798000002")
    doc = second.press(second.incoming(), digits_of(app, "ar"))
    rounds = 0
    while doc.find("./Redirect") is not None and doc.find("./Pause") is not None:
        doc = second.post(doc.find("./Redirect").text or "")  # type: ignore[union-attr]
        rounds += 1
        assert rounds < 10
    assert rounds == from_app(app).settings.hold_rounds
    assert doc[-1].tag in {"Hangup", "Redirect"}


@pytest.mark.parametrize("code", ["ar", "so", "ti", "tr", "fa-AF", "wo", "nb"])
def test_each_language_nobody_on_shift_ends_in_words(
    app: Flask, webhooks: Webhooks, code: str
) -> None:
    call = CallWalk(webhooks, CALLER)
    doc = call.press(call.incoming(), digits_of(app, code))
    assert doc[-1].tag == "Hangup"
    assert len(spoken(doc)) >= 3, ET.tostring(doc, encoding="unicode")
