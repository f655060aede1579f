"""Every prompt of every language can be voiced: by TTS, a recording, or a fallback."""

from __future__ import annotations

from pathlib import Path

import pytest
from twilio.twiml.voice_response import VoiceResponse

from helpline.prompts.catalog import PROMPT_KEYS, load_catalog
from helpline.prompts.check import check, render
from helpline.prompts.recordings import Recordings, find_recordings
from helpline.voice.voicing import Voicing

CATALOG = load_catalog()


def voicing(recordings: dict[tuple[str, str], str] | None = None) -> Voicing:
    return Voicing(CATALOG, Recordings(recordings or {}),
                   lambda code, name: f"https://x/prompts/{code}/{name}")


@pytest.mark.parametrize("language", CATALOG.languages, ids=lambda lang: lang.code)
def test_every_prompt_of_every_language_is_voiced(language: object) -> None:
    v = voicing()
    other = CATALOG.get("ar")
    for key in PROMPT_KEYS:
        response = VoiceResponse()
        v.add(response, language, key, about=other, fallback=other, hours="x")  # type: ignore[arg-type]
        assert "<Say" in str(response) or "<Play" in str(response)
        assert "Record" not in str(response)


def test_a_recording_is_played_when_there_is_one() -> None:
    somali = CATALOG.get("so")
    v = voicing({("so", "menu_entry"): "menu_entry.mp3"})
    response = VoiceResponse()
    v.add(response, somali, "menu_entry")
    assert "<Play>https://x/prompts/so/menu_entry.mp3</Play>" in str(response)


def test_a_missing_menu_recording_names_the_language_in_the_local_one() -> None:
    response = VoiceResponse()
    voicing().add(response, CATALOG.get("so"), "menu_entry")
    text = str(response)
    assert 'language="nb-NO"' in text
    assert "1 3" in text and CATALOG.local.name_of(CATALOG.get("so")) in text


def test_find_recordings(tmp_path: Path) -> None:
    (tmp_path / "so").mkdir()
    (tmp_path / "so" / "goodbye.mp3").write_bytes(b"ID3")
    (tmp_path / "so" / "notes.txt").write_text("x")
    assert find_recordings(tmp_path) == {("so", "goodbye"): "goodbye.mp3"}


def test_prompts_check_lists_tts_recorded_and_missing() -> None:
    recordings = Recordings({("so", "goodbye"): "goodbye.mp3"})
    rows = {row.code: row for row in check(CATALOG, recordings)}
    assert len(rows["ar"].tts) == len(PROMPT_KEYS) and not rows["ar"].missing
    assert rows["so"].recorded == ("goodbye",)
    assert "menu_entry" in rows["so"].missing
    assert "so: " in render(list(rows.values()))
