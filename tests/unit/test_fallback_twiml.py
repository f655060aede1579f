"""The voice fallback document: static TwiML that answers when the whole service is down."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpline.cli import main
from helpline.ops.fallback import AFTER_DIAL, BEFORE_DIAL, fallback_document, fallback_languages
from helpline.prompts.catalog import load_catalog
from helpline.prompts.recordings import Recordings

from .voice.twiml_shape import assert_never_records, ends_with_words_or_handover, spoken

CATALOG = load_catalog()
DUTY = "+4721000099"
HELPLINE = "+4721000000"
SOMALI_RECORDED = Recordings({("so", key): f"{key}.mp3" for key in BEFORE_DIAL + AFTER_DIAL})


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.setenv("EMERGENCY_NUMBER", DUTY)
    monkeypatch.setenv("HELPLINE_NUMBER", HELPLINE)
    for name in ("LOCAL_LANGUAGE", "LANGUAGES_FILE"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def generated(*args: str) -> ET.Element:
    result = CliRunner().invoke(main, ["twilio", "fallback-twiml", *args])
    assert result.exit_code == 0, result.output
    return ET.fromstring(result.output.encode())


def test_it_says_the_problem_in_several_languages_then_dials_the_duty_phone(
    env: pytest.MonkeyPatch
) -> None:
    doc = generated()
    assert doc.tag == "Response"
    assert_never_records(doc)
    assert ends_with_words_or_handover(doc)  # words, then <Hangup/>
    tags = [child.tag for child in doc]
    [dial] = doc.findall("Dial")
    assert dial.text == DUTY and dial.get("callerId") == HELPLINE
    before = list(doc)[:tags.index("Dial")]
    assert before and all(el.tag == "Say" for el in before)  # the problem first, no wait
    # the local language, then the first three of the menu with a Twilio voice
    assert [el.get("language") for el in before] == ["nb-NO", "arb", "tr-TR", "pa-IN"]
    for el, code in zip(before, ["nb", "ar", "tr", "pa"], strict=True):
        assert el.text == CATALOG.get(code).prompt("technical_problem")
    after = spoken(doc)[len(before):]
    assert CATALOG.get("ar").prompt("goodbye") in after and tags[-1] == "Hangup"


def test_languages_can_be_chosen_and_a_recorded_one_is_played_from_where_it_is_hosted() -> None:
    languages = fallback_languages(CATALOG, SOMALI_RECORDED, codes=["so", "en"],
                                   recordings_url="https://static.example.org/audio")
    assert [language.code for language in languages] == ["nb", "so", "en"]
    doc = ET.fromstring(str(fallback_document(
        CATALOG, SOMALI_RECORDED, languages, emergency_number=DUTY, helpline_number=HELPLINE,
        recordings_url="https://static.example.org/audio/")))
    plays = [el.text for el in doc.iter("Play")]
    assert plays[0] == "https://static.example.org/audio/so/technical_problem.mp3"
    assert len(plays) == 3 and doc.find("Dial") is not None


def test_a_language_without_a_voice_is_left_out_unless_its_recordings_are_hosted() -> None:
    codes = [lang.code for lang in fallback_languages(CATALOG, SOMALI_RECORDED)]
    assert "so" not in codes  # recorded, but nowhere for Twilio to fetch it from
    hosted = fallback_languages(CATALOG, SOMALI_RECORDED, recordings_url="https://s.example")
    assert [lang.code for lang in hosted] == ["nb", "ar", "so", "tr"]  # menu order
    with pytest.raises(ValueError, match="so has no Twilio voice"):
        fallback_languages(CATALOG, Recordings({}), codes=["so"], recordings_url="https://s")


def test_it_writes_a_file(env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    out = tmp_path / "helpline-fallback.xml"
    result = CliRunner().invoke(main, ["twilio", "fallback-twiml", "-o", str(out),
                                       "--language", "en"])
    assert result.exit_code == 0, result.output
    assert "nb, en, then the duty phone +4721000099" in result.output
    doc = ET.fromstring(out.read_bytes())
    assert [el.get("language") for el in doc][:2] == ["nb-NO", "en-GB"]


def test_it_refuses_without_a_duty_phone(env: pytest.MonkeyPatch) -> None:
    env.delenv("EMERGENCY_NUMBER")
    result = CliRunner().invoke(main, ["twilio", "fallback-twiml"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: EMERGENCY_NUMBER is not set")
    assert "<Response" not in result.output


@pytest.mark.parametrize(("args", "number", "message"), [
    ((), "0047 21", "EMERGENCY_NUMBER: Value error, the phone number is not in international form"),
    (("--language", "xx"), DUTY, "no language 'xx'"),
    (("--language", "so"), DUTY, "so has no Twilio voice"),
])
def test_bad_input_is_one_clear_error(env: pytest.MonkeyPatch, args: tuple[str, ...],
                                      number: str, message: str) -> None:
    env.setenv("EMERGENCY_NUMBER", number)
    result = CliRunner().invoke(main, ["twilio", "fallback-twiml", *args])
    assert result.exit_code in (1, 2) and message in result.output
    assert "Traceback" not in result.output
