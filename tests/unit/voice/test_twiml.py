"""The TwiML builders, checked on the parsed document (its structure), never as strings.

Every document is first read by the simulator's rules of what Twilio accepts
(:func:`helpline.sim.twiml_rules.parse`), with no warning allowed.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from twilio.twiml.voice_response import VoiceResponse

from helpline.prompts.catalog import Language, load_catalog
from helpline.prompts.recordings import Recordings
from helpline.sim.twiml_rules import parse
from helpline.voice import twiml
from helpline.voice.twiml import Ring
from helpline.voice.voicing import Voicing
from tests.unit.voice.twiml_shape import (
    assert_never_records,
    ends_with_words_or_handover,
    spoken,
)

CATALOG = load_catalog()
NB, AR, SO, EN = (CATALOG.get(code) for code in ("nb", "ar", "so", "en"))
HELPLINE = "+4722000000"
BASE = "https://helpline.example.org"
# Somali is recorded: some of its prompts are on disk, the others are not (yet)
RECORDED = {("so", key): f"{key}.mp3" for key in ("greeting", "menu_entry", "goodbye")}
RINGS = (Ring("+4791000001", f"{BASE}/voice/screen?vid=1"),
         Ring("+4791000002", f"{BASE}/voice/screen?vid=2"))
HOURS = "mandag 10:00–14:00"


def audio_url(code: str, name: str) -> str:
    return f"{BASE}/prompts/{code}/{name}"


def voicing() -> Voicing:
    return Voicing(CATALOG, Recordings(RECORDED), audio_url)


def document(response: VoiceResponse) -> ET.Element:
    """The parsed document, which Twilio would accept without a warning."""
    checked = parse(str(response))
    assert checked.warnings == [], checked.warnings
    return checked.root


def tags(element: ET.Element) -> list[str]:
    return [child.tag for child in element]


def said(element: ET.Element) -> list[tuple[str, str]]:
    """``(language attribute, text)`` of each ``<Say>`` directly in ``element``."""
    return [(el.attrib["language"], el.text or "") for el in element if el.tag == "Say"]


def caller_documents(language: Language) -> dict[str, VoiceResponse]:
    """Every document the caller's leg can be given, in ``language``."""
    v = voicing()
    return {
        "menu": twiml.menu(v, CATALOG.languages, action_url=f"{BASE}/voice/menu",
                           num_digits=2, timeout=6, apologise=False),
        "menu after a wrong code": twiml.menu(v, CATALOG.languages,
                                              action_url=f"{BASE}/voice/menu",
                                              num_digits=2, timeout=6, apologise=True),
        "dial": twiml.dial(v, language, RINGS, caller_id=HELPLINE,
                           action_url=f"{BASE}/voice/dial", timeout=20, time_limit=3600,
                           announce="connecting"),
        "dial without words": twiml.dial(v, language, RINGS[:1], caller_id=HELPLINE,
                                         action_url=f"{BASE}/voice/dial", timeout=20,
                                         time_limit=3600, announce=None),
        "hold": twiml.hold(v, language, pause=5, retry_url=f"{BASE}/voice/hold"),
        "fallback offer": twiml.fallback_offer(v, language, EN,
                                               action_url=f"{BASE}/voice/fallback",
                                               decline_url=f"{BASE}/voice/closing",
                                               timeout=6),
        "closing with hours": twiml.closing(v, language, on_shift=False, hours=HOURS),
        "closing without hours": twiml.closing(v, language, on_shift=True, hours=None),
        "emergency forward": twiml.emergency_forward(v, language, number="+4722000999",
                                                     caller_id=HELPLINE),
        "emergency forward without a number": twiml.emergency_forward(
            v, language, number=None, caller_id=HELPLINE),
        "goodbye": twiml.words_then_hangup(v, language, ["goodbye"]),
    }


@pytest.mark.parametrize("language", CATALOG.languages, ids=lambda lang: lang.code)
def test_every_caller_document_hands_over_or_ends_with_words(language: Language) -> None:
    for name, response in caller_documents(language).items():
        doc = document(response)
        assert ends_with_words_or_handover(doc), (name, ET.tostring(doc, encoding="unicode"))
        assert_never_records(doc)
        last = doc[-1]
        if last.tag in {"Gather", "Dial"}:
            assert last.attrib["action"].startswith(BASE), name
        elif last.tag == "Redirect":
            assert (last.text or "").startswith(BASE), name
        if last.tag != "Dial":  # while the phones ring she hears the ringing tone
            assert spoken(doc), f"{name}: she hears words"


@pytest.mark.parametrize("language", [NB, AR, SO], ids=lambda lang: lang.code)
def test_the_volunteer_leg_never_records_and_never_ends_in_silence(language: Language) -> None:
    v = voicing()
    screening = document(twiml.screening(v, language, SO, action_url=f"{BASE}/voice/screened",
                                         timeout=8))
    declined = document(twiml.declined(v, language))
    accepted = document(twiml.accepted(v, language))
    for doc in (screening, declined, accepted):
        assert_never_records(doc)
    assert tags(screening)[-2:] == ["Say", "Hangup"]
    assert tags(declined)[-2:] == ["Say", "Hangup"]
    # after "connecting you now" the document stays open, so Twilio bridges the call
    assert tags(accepted) == ["Say"]


def test_dial_rings_every_volunteer_from_the_helpline_number() -> None:
    doc = document(twiml.dial(voicing(), AR, RINGS, caller_id=HELPLINE,
                              action_url=f"{BASE}/voice/dial?attempt=1", timeout=20,
                              time_limit=3600, announce="connecting"))
    assert tags(doc) == ["Say", "Dial"]
    assert said(doc) == [(AR.say.language, AR.prompt("connecting"))]  # type: ignore[union-attr]
    dial = doc[1]
    assert dial.attrib == {"callerId": HELPLINE, "action": f"{BASE}/voice/dial?attempt=1",
                           "method": "POST", "timeout": "20", "timeLimit": "3600"}
    assert [(n.tag, n.text, n.attrib) for n in dial] == [
        ("Number", ring.phone, {"url": ring.screen_url, "method": "POST"}) for ring in RINGS
    ]


def test_dial_without_an_announcement_only_rings() -> None:
    doc = document(twiml.dial(voicing(), AR, RINGS[1:], caller_id=HELPLINE,
                              action_url=f"{BASE}/voice/dial", timeout=15, time_limit=600,
                              announce=None))
    assert tags(doc) == ["Dial"]
    assert [n.text for n in doc.findall("./Dial/Number")] == [RINGS[1].phone]


@pytest.mark.parametrize("apologise, first", [(False, "greeting"), (True, "menu_invalid")])
def test_menu_every_entry_inside_gather_then_redirect_to_itself(
    apologise: bool, first: str
) -> None:
    action = f"{BASE}/voice/menu?attempt=2"
    doc = document(twiml.menu(voicing(), CATALOG.languages, action_url=action, num_digits=2,
                              timeout=6, apologise=apologise))
    assert tags(doc) == ["Gather", "Redirect"]
    gather, redirect = doc
    assert gather.attrib == {"input": "dtmf", "numDigits": "2", "timeout": "6",
                             "action": action, "method": "POST"}
    # barge-in: the greeting and every language's entry are inside <Gather>
    assert len(gather) == 1 + len(CATALOG.languages)
    assert set(tags(gather)) <= {"Say", "Play"}
    assert (gather[0].attrib["language"], gather[0].text) == (NB.say.language,  # type: ignore[union-attr]
                                                              NB.prompt(first))
    # with no input she hears the menu again: the same action, without Digits
    assert (redirect.text, redirect.attrib) == (action, {"method": "POST"})


def test_menu_entries_in_their_own_voice_or_recording_in_menu_order() -> None:
    gather = document(twiml.menu(voicing(), CATALOG.languages, action_url=f"{BASE}/m",
                                 num_digits=2, timeout=6, apologise=False))[0]
    entries = list(gather)[1:]
    for language, entry in zip(CATALOG.languages, entries, strict=True):
        if language.say is not None:
            assert entry.tag == "Say"
            assert entry.attrib["language"] == language.say.language
            assert entry.text == language.prompt("menu_entry")
        elif (language.code, "menu_entry") in RECORDED:
            assert (entry.tag, entry.text) == ("Play", audio_url(language.code, "menu_entry.mp3"))
        else:  # no recording yet: named in the local language, with its digits
            assert entry.attrib["language"] == NB.say.language  # type: ignore[union-attr]
            assert " ".join(language.digits) in (entry.text or "")


def test_hold_is_words_a_pause_and_the_retry() -> None:
    doc = document(twiml.hold(voicing(), AR, pause=7, retry_url=f"{BASE}/voice/hold?round=2"))
    assert tags(doc) == ["Say", "Pause", "Redirect"]
    assert doc[0].text == AR.prompt("hold_update")
    assert doc[1].attrib == {"length": "7"}
    assert (doc[2].text, doc[2].attrib) == (f"{BASE}/voice/hold?round=2", {"method": "POST"})


def test_fallback_offer_one_key_to_accept_and_a_redirect_when_declined() -> None:
    doc = document(twiml.fallback_offer(voicing(), AR, EN, action_url=f"{BASE}/voice/fallback",
                                        decline_url=f"{BASE}/voice/closing", timeout=6))
    assert tags(doc) == ["Say", "Gather", "Redirect"]
    assert doc[0].text == AR.prompt("all_busy")
    gather = doc[1]
    assert gather.attrib == {"input": "dtmf", "numDigits": "1", "timeout": "6",
                             "action": f"{BASE}/voice/fallback", "method": "POST"}
    assert said(gather) == [(AR.say.language,  # type: ignore[union-attr]
                             AR.prompt("fallback_offer", fallback=AR.name_of(EN)))]
    assert AR.name_of(EN) in (gather[0].text or "")
    # pressing nothing (or anything but 1 times out) declines: on to the closing words
    assert (doc[2].text, doc[2].attrib) == (f"{BASE}/voice/closing", {"method": "POST"})


@pytest.mark.parametrize("on_shift, first", [(True, "all_busy"), (False, "nobody_on_shift")])
def test_closing_with_hours_says_them(on_shift: bool, first: str) -> None:
    doc = document(twiml.closing(voicing(), AR, on_shift=on_shift, hours=HOURS))
    assert tags(doc) == ["Say"] * 5 + ["Hangup"]
    assert [text for _, text in said(doc)] == [
        AR.prompt(first), AR.prompt("opening_hours", hours=HOURS), AR.prompt("call_back"),
        AR.prompt("emergency"), AR.prompt("goodbye"),
    ]


@pytest.mark.parametrize("hours", [None, ""])
def test_closing_without_hours_says_no_hours(hours: str | None) -> None:
    doc = document(twiml.closing(voicing(), AR, on_shift=False, hours=hours))
    assert tags(doc) == ["Say"] * 4 + ["Hangup"]
    assert [text for _, text in said(doc)] == [
        AR.prompt("nobody_on_shift"), AR.prompt("call_back"), AR.prompt("emergency"),
        AR.prompt("goodbye"),
    ]


def test_closing_in_a_recorded_language_plays_what_is_recorded() -> None:
    doc = document(twiml.closing(voicing(), SO, on_shift=False, hours=HOURS))
    assert tags(doc)[-2:] == ["Play", "Hangup"]
    assert doc[-2].text == audio_url("so", "goodbye.mp3")
    # the hours are a value, so never a recording: spoken by the local voice
    hours = [el for el in doc if el.tag == "Say" and HOURS in (el.text or "")]
    assert [el.attrib["language"] for el in hours] == [NB.say.language]  # type: ignore[union-attr]


def test_emergency_forward_dials_the_duty_phone_then_says_goodbye() -> None:
    doc = document(twiml.emergency_forward(voicing(), AR, number="+4722000999",
                                           caller_id=HELPLINE))
    assert tags(doc) == ["Say", "Dial", "Say", "Say", "Hangup"]
    assert doc[0].text == AR.prompt("technical_problem")
    dial = doc[1]
    assert (dial.text, dial.attrib) == ("+4722000999", {"callerId": HELPLINE})
    # if the duty phone does not answer, she still hears where to get help
    assert [text for _, text in said(doc)[1:]] == [AR.prompt("emergency"), AR.prompt("goodbye")]


def test_emergency_forward_without_a_number_only_speaks() -> None:
    doc = document(twiml.emergency_forward(voicing(), AR, number=None, caller_id=HELPLINE))
    assert tags(doc) == ["Say", "Say", "Say", "Hangup"]
    assert doc.find("./Dial") is None
    assert [text for _, text in said(doc)] == [
        AR.prompt("technical_problem"), AR.prompt("emergency"), AR.prompt("goodbye"),
    ]


def test_screening_names_the_call_language_in_hers_and_hangs_up_without_a_key() -> None:
    doc = document(twiml.screening(voicing(), EN, AR, action_url=f"{BASE}/voice/screened",
                                   timeout=8))
    assert tags(doc) == ["Gather", "Say", "Hangup"]
    gather = doc[0]
    assert gather.attrib == {"input": "dtmf", "numDigits": "1", "timeout": "8",
                             "action": f"{BASE}/voice/screened", "method": "POST"}
    assert said(gather) == [(EN.say.language,  # type: ignore[union-attr]
                             EN.prompt("whisper", language=EN.name_of(AR)))]
    assert "Arabic" in (gather[0].text or "")
    assert doc[1].text == EN.prompt("whisper_declined")


def test_words_then_hangup_says_each_key_in_order() -> None:
    doc = document(twiml.words_then_hangup(voicing(), EN, ["call_back", "goodbye"]))
    assert tags(doc) == ["Say", "Say", "Hangup"]
    assert [text for _, text in said(doc)] == [EN.prompt("call_back"), EN.prompt("goodbye")]


def test_the_shape_check_refuses_silence_and_a_bare_hangup() -> None:
    """The rule the tests above rely on tells a good document from a bad one."""
    bad = ["<Response/>", "<Response><Hangup/></Response>",
           "<Response><Pause length='2'/></Response>",
           "<Response><Say>hi</Say></Response>",
           "<Response><Say>hi</Say><Pause length='1'/><Hangup/></Response>"]
    good = ["<Response><Say>hi</Say><Hangup/></Response>",
            "<Response><Play>https://x/a.mp3</Play><Hangup/></Response>",
            "<Response><Say>hi</Say><Redirect>/x</Redirect></Response>",
            "<Response><Dial action='/d'><Number>+47</Number></Dial></Response>"]
    assert [ends_with_words_or_handover(ET.fromstring(doc)) for doc in bad] == [False] * 5
    assert [ends_with_words_or_handover(ET.fromstring(doc)) for doc in good] == [True] * 4
    with pytest.raises(AssertionError):
        assert_never_records(ET.fromstring("<Response><Record/></Response>"))
    with pytest.raises(AssertionError):
        assert_never_records(ET.fromstring(
            "<Response><Dial record='record-from-answer'>+47</Dial></Response>"))
