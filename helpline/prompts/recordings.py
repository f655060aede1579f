"""Recorded prompts: the audio files volunteers made, and how each prompt is voiced.

A language with a Twilio voice is spoken with ``<Say>`` (``tts``). A language
without one is played from a recording, ``prompts/audio/<code>/<key>.mp3`` (or
``.wav``), made by a volunteer who speaks it (``recorded``); until it exists the
prompt is ``missing`` and spoken in the local language instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from helpline.prompts.catalog import Language

AUDIO_DIR = Path(__file__).resolve().parent / "audio"
AUDIO_SUFFIXES = (".mp3", ".wav")

How = Literal["tts", "recorded", "missing"]


def find_recordings(audio_dir: Path = AUDIO_DIR) -> dict[tuple[str, str], str]:
    """``(language code, prompt key) -> file name`` for every recording on disk."""
    found: dict[tuple[str, str], str] = {}
    if audio_dir.is_dir():
        for path in sorted(audio_dir.glob("*/*")):
            if path.suffix in AUDIO_SUFFIXES:
                found[(path.parent.name, path.stem)] = path.name
    return found


@dataclass(frozen=True)
class Recordings:
    """The recordings there are: ``(code, key) -> file name`` in ``directory``."""

    files: Mapping[tuple[str, str], str] = field(default_factory=dict)
    directory: Path = AUDIO_DIR

    @classmethod
    def on_disk(cls, directory: Path = AUDIO_DIR) -> Recordings:
        return cls(find_recordings(directory), directory)

    def file(self, language: Language, key: str) -> str | None:
        return self.files.get((language.code, key))

    def how(self, language: Language, key: str) -> How:
        """How prompt ``key`` of ``language`` is voiced."""
        if language.say is not None:
            return "tts"
        return "recorded" if (language.code, key) in self.files else "missing"
