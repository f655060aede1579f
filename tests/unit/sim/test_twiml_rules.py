"""The simulator refuses TwiML that Twilio would refuse."""

from __future__ import annotations

import pytest

from helpline.sim.twiml_rules import TwimlError, parse


def doc(inner: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?><Response>{inner}</Response>'


@pytest.mark.parametrize("body, problem", [
    ("<Reply/>", "root element"),
    (doc("<Speak>hi</Speak>"), "not a TwiML verb"),
    (doc("<Gather><Dial>+4799</Dial></Gather>"), "may only contain"),
    (doc("<Dial><Say>hi</Say></Dial>"), "only contain nouns"),
    (doc("<Dial/>"), "needs a number"),
    (doc("<Dial><Number/></Dial>"), "needs a phone number"),
    (doc("<Redirect/>"), "needs a URL"),
    (doc("<Play/>"), "needs a URL"),
    (doc("<Say></Say>"), "nothing to say"),
    (doc('<Gather timeout="soon"/>'), "whole number"),
    (doc('<Gather numDigits="0"/>'), "at least 1"),
    (doc('<Gather input="voice"/>'), "dtmf"),
    (doc('<Redirect method="PUT">/x</Redirect>'), "GET or POST"),
    (doc("<Hangup><Say>bye</Say></Hangup>"), "cannot contain"),
    (doc("stray text"), "text outside"),
    ("<Response><Say>unclosed</Response>", "well-formed"),
])
def test_refused(body: str, problem: str) -> None:
    with pytest.raises(TwimlError, match=problem):
        parse(body)


def test_accepted_with_a_warning_for_an_unknown_attribute() -> None:
    checked = parse(doc(
        '<Gather action="/m" numDigits="2" timeout="6" colour="red">'
        '<Say voice="Polly.Liv" language="nb-NO">Hei</Say><Pause length="1"/></Gather>'
        '<Redirect method="POST">/m</Redirect>'
        '<Dial callerId="+4799" action="/d" timeout="20">'
        '<Number url="/s" method="POST">+4791</Number></Dial><Hangup/>'))
    assert [v.tag for v in checked.root] == ["Gather", "Redirect", "Dial", "Hangup"]
    assert checked.warnings == ["<Gather> has an unknown attribute 'colour'"]


def test_ssml_inside_say_is_accepted() -> None:
    checked = parse(doc('<Say>Hei <break time="1s"/> <prosody rate="slow">der</prosody></Say>'))
    [say] = checked.root
    assert [el.tag for el in say] == ["break", "prosody"]
    assert "".join(say.itertext()) == "Hei  der"
    assert checked.warnings == []
