"""Signed webhooks that Twilio could send late, twice or out of order, and values an
attacker holding the auth token could put anywhere: none breaks a call, a record
or a volunteer's place in the queue (issue 12, items 1, 2, 3 and 7)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import parse_qsl, urlsplit

import pytest
from flask import Flask

from helpline.bootstrap import from_app
from helpline.jobs.tick import run_tick
from helpline.sim.webhook import Webhooks
from routing.model import VolunteerState
from tests.support import add_volunteer, digits_of, records, sync
from tests.unit.voice.twiml_shape import assert_never_records, ends_with_words_or_handover

from .twilio_walk import CallWalk, dialled, new_sid

CALLER = "+4798765401"

HOSTILE = ["²", "٣", "１", "1" * 20, "9" * 5000, "-1", "", " ", "0", "1e3", "0x10", "\x00",
           "xx", "SO", "so ", "ab" * 2000, "1_000", "+5", "∞", "NaN", "1.5"]

ENDPOINTS = {  # path -> the query parameters and form fields it reads
    "/voice/menu": ("attempt", "Digits"),
    "/voice/dial": ("lang", "attempt", "DialCallStatus", "DialCallDuration", "DialBridged"),
    "/voice/hold": ("lang", "attempt", "round"),
    "/voice/fallback": ("lang", "to", "attempt", "Digits"),
    "/voice/closed": ("lang",),
    "/voice/screen": ("lang", "attempt", "who", "vid", "ref"),
    "/voice/screen/answer": ("lang", "attempt", "who", "vid", "ref", "Digits"),
    "/voice/status": ("CallStatus", "CallDuration"),
}
QUERY = {"lang", "attempt", "round", "to", "who", "vid", "ref"}
VALID = {"lang": "so", "attempt": "1", "round": "1", "to": "ar", "who": "0" * 16, "vid": "1",
         "ref": "0" * 32, "Digits": "1", "DialCallStatus": "no-answer", "DialCallDuration": "0",
         "DialBridged": "false", "CallStatus": "completed", "CallDuration": "30"}
VOLUNTEER_LEG = {"/voice/screen", "/voice/screen/answer"}


@pytest.fixture
def somali(app: Flask) -> list[int]:
    ids = [add_volunteer(app, f"so{i}", f"+479100010{i}", ["so"]) for i in range(2)]
    sync(app)
    return ids


def held(app: Flask, volunteer_ids: list[int]) -> list[int]:
    """The volunteers a call holds (rung or talking)."""
    availability = from_app(app).availability
    return [vid for vid in volunteer_ids
            if availability.state(vid) in (VolunteerState.RINGING, VolunteerState.ON_CALL)]


def assert_safe(reply_status: int, body: str, path: str) -> None:
    assert reply_status < 500, body[:300]
    if reply_status != 200:
        assert 400 <= reply_status < 500
        return
    root = ET.fromstring(body)
    assert root.tag == "Response"
    assert_never_records(root)
    if path not in VOLUNTEER_LEG | {"/voice/status"}:
        assert ends_with_words_or_handover(root), body


@pytest.mark.parametrize("path", sorted(ENDPOINTS))
def test_a_hostile_value_in_any_parameter_never_gets_a_server_error(
    app: Flask, webhooks: Webhooks, somali: list[int], path: str
) -> None:
    for name in ENDPOINTS[path]:
        for value in HOSTILE:
            call = CallWalk(webhooks, CALLER)
            call.incoming()
            fields = {k: v for k, v in VALID.items() if k in ENDPOINTS[path] and k not in QUERY}
            query = {k: v for k, v in VALID.items() if k in ENDPOINTS[path] and k in QUERY}
            (fields if name not in QUERY else query)[name] = value
            url = path + "?" + "&".join(f"{k}={_quote(v)}" for k, v in query.items())
            form = call._params(**fields)
            if path in VOLUNTEER_LEG:
                form = {**form, "ParentCallSid": call.sid, "CallSid": new_sid()}
            reply = webhooks.post(url, form)
            assert_safe(reply.status, reply.body, path)
            call.hangs_up(10)
    assert held(app, somali) == []
    assert all(r.language in (None, "so", "ar", "nb") for r in records(app))


@pytest.mark.parametrize("path", sorted(set(ENDPOINTS) - {"/voice/status"}))
def test_a_request_without_a_call_sid_is_refused(app: Flask, webhooks: Webhooks,
                                                 path: str) -> None:
    reply = webhooks.post(path + "?lang=so&attempt=1", {"AccountSid": "AC" + "0" * 32})
    assert reply.status == 400


def test_a_huge_duration_is_not_written_and_the_call_still_gets_its_record(
    app: Flask, webhooks: Webhooks, somali: list[int]
) -> None:
    call = CallWalk(webhooks, CALLER)
    dial = call.press(call.incoming(), digits_of(app, "so"))
    call.volunteer_accepts(dial)
    call.post(dial.find("./Dial").attrib["action"],  # type: ignore[union-attr]
              DialCallStatus="completed", DialCallDuration="99999999999999999999",
              DialBridged="true")
    reply = webhooks.post("/voice/status", call._params(CallStatus="completed",
                                                        CallDuration="9" * 5000))
    assert reply.status == 200
    [record] = records(app)
    assert record.outcome == "answered"
    assert 0 <= record.talk_seconds <= 24 * 3600
    assert held(app, somali) == []
    assert run_tick(from_app(app)).failed == []


# -- item 2: calls never seen, and steps after the final status ---------------------


@pytest.mark.parametrize("path,form", [
    ("/voice/menu?attempt=1", {"Digits": "SO"}),
    ("/voice/dial?lang=so&attempt=1", {"DialCallStatus": "no-answer"}),
    ("/voice/hold?lang=so&attempt=2&round=1", {}),
    ("/voice/fallback?lang=ar&to=so&attempt=2", {"Digits": "1"}),
    ("/voice/closed?lang=so", {}),
])
def test_a_call_never_seen_arriving_holds_nobody_and_gets_no_record(
    app: Flask, webhooks: Webhooks, somali: list[int], path: str, form: dict[str, str]
) -> None:
    stranger = CallWalk(webhooks, CALLER)  # no /voice/incoming for this CallSid
    digits = digits_of(app, "so")
    doc = stranger.post(path.replace("SO", digits), **{
        k: v.replace("SO", digits) for k, v in form.items()})
    assert dialled(doc) == []
    assert held(app, somali) == []
    stranger.hangs_up(20)
    assert records(app) == []
    report = run_tick(from_app(app))
    assert report.failed == []
    states = from_app(app).call_states
    left = [states.load(ref) for ref in states.refs()]
    # at most the mark that its final status came, so that it would ring nobody later
    assert all(s is not None and not s.arrived and s.final for s in left)


@pytest.mark.parametrize("dial_status", ["completed", "no-answer", "busy", "failed"])
def test_a_dial_action_after_the_final_status_rings_nobody(
    app: Flask, webhooks: Webhooks, somali: list[int], dial_status: str
) -> None:
    call = CallWalk(webhooks, CALLER)
    dial = call.press(call.incoming(), digits_of(app, "so"))
    call.volunteer_accepts(dial)
    call.hangs_up(95)  # she hung up during the talk: the status came first ...
    late = call.dial_ends(dial, dial_status, duration=80, bridged=True)  # ... then the action
    assert dialled(late) == []
    assert held(app, somali) == []
    [record] = records(app)
    assert record.outcome == "answered"
    run_tick(from_app(app))
    assert [from_app(app).call_states.load(ref) for ref in from_app(app).call_states.refs()
            if not from_app(app).call_states.load(ref).closed] == []  # type: ignore[union-attr]


def test_a_final_status_while_a_volunteer_is_being_reserved_lets_her_go(
    app: Flask, webhooks: Webhooks, somali: list[int]
) -> None:
    """The status callback runs between the reservation and the ring: whichever of
    the two steps sees the other lets go of her."""
    call = CallWalk(webhooks, CALLER)
    menu = call.incoming()
    helpline = from_app(app)
    reserve = helpline.availability.reserve

    def reserve_then_she_hangs_up(*args: object, **kwargs: object) -> list[int]:
        taken = reserve(*args, **kwargs)  # type: ignore[arg-type]
        call.hangs_up(5)
        return taken

    helpline.availability.reserve = reserve_then_she_hangs_up  # type: ignore[method-assign]
    doc = call.press(menu, digits_of(app, "so"))
    helpline.availability.reserve = reserve  # type: ignore[method-assign]
    assert dialled(doc) == []
    assert held(app, somali) == []
    assert [r.outcome for r in records(app)] == ["abandoned"]


def test_a_retried_incoming_after_the_end_rings_nobody(
    app: Flask, webhooks: Webhooks, somali: list[int]
) -> None:
    call = CallWalk(webhooks, CALLER, to="+4722000017")  # a direct number: straight to ringing
    assert dialled(call.incoming()) != []
    call.hangs_up(3)
    again = call.incoming()
    assert dialled(again) == []
    assert held(app, somali) == []
    assert len(records(app)) == 1


# -- item 7: nothing kept with the record goes to Twilio ------------------------------


def test_no_url_handed_to_twilio_carries_the_records_ref_or_volunteer(
    app: Flask, webhooks: Webhooks, somali: list[int]
) -> None:
    call = CallWalk(webhooks, CALLER)
    dial = call.press(call.incoming(), digits_of(app, "so"))
    second = call.dial_ends(dial, "no-answer")
    child, screening, _ = call.screen(second)
    accepted = call.volunteer_presses(screening, child, "1")
    bye = call.dial_ends(second, "completed", duration=60, bridged=True)
    call.hangs_up(90)
    [record] = records(app)
    assert record.volunteer_id is not None
    sent = [*call.documents, screening, accepted, bye]
    names: set[str] = set()
    for doc in sent:
        for element in doc.iter():
            for value in element.attrib.values():
                names |= {name for name, _ in parse_qsl(urlsplit(value).query)}
    # the language and the step's number, and the ring token, which means nothing
    # outside the call's own leg: no ref, no volunteer id
    assert names == {"lang", "attempt", "who"} | ({"round"} & names)
    text = " ".join(ET.tostring(doc, encoding="unicode") for doc in sent)
    assert record.call_ref not in text
    assert f"vid={record.volunteer_id}" not in text


def _quote(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="")
