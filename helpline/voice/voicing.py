"""Voicing a prompt in TwiML: Twilio text-to-speech, a recording, or a spoken fallback.

A language with a Twilio voice is spoken with ``<Say>``. A language without one
is played from a recording (:mod:`helpline.prompts.recordings`), made by a
volunteer who speaks it. When a recording is missing, the prompt is spoken in
the local language instead and the gap is logged once per process: never silence.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol

from helpline.prompts.catalog import Catalog, Language
from helpline.prompts.recordings import Recordings

log = logging.getLogger(__name__)


class Verb(Protocol):
    """What a prompt can be added to: a VoiceResponse or a Gather."""

    def say(self, message: str | None = ..., voice: str | None = ..., loop: int | None = ...,
            language: str | None = ..., **kwargs: object) -> object: ...

    def play(self, url: str | None = ..., loop: int | None = ..., digits: str | None = ...,
             **kwargs: object) -> object: ...


class Voicing:
    def __init__(
        self,
        catalog: Catalog,
        recordings: Recordings,
        audio_url: Callable[[str, str], str],
    ) -> None:
        self.catalog = catalog
        self.recordings = recordings
        self.audio_url = audio_url
        self._warned: set[tuple[str, str]] = set()

    def add(
        self,
        verb: Verb,
        language: Language,
        key: str,
        *,
        about: Language | None = None,
        fallback: Language | None = None,
        **values: str,
    ) -> None:
        """Append prompt ``key`` in ``language`` to ``verb``.

        ``about`` fills ``{language}`` and ``fallback`` fills ``{fallback}``, each
        named in the speaking language's own words; ``values`` fill the other
        placeholders (a menu entry fills its own digits).
        """
        if language.say is not None:
            verb.say(
                language.prompt(key, **_names(language, about, fallback), **values),
                voice=language.say.voice,
                language=language.say.language,
            )
            return
        recording = self.recordings.file(language, key)
        fixed = not values and fallback is None and about in (None, language)
        if recording is not None and fixed:
            verb.play(self.audio_url(language.code, recording))
            return
        local = self.catalog.local
        if (language.code, key) not in self._warned:  # once per process, not per call
            self._warned.add((language.code, key))
            log.warning(
                "no recording of prompt %r for %s; speaking it in %s instead",
                key, language.code, local.code,
            )
        assert local.say is not None, "the local language must have a Twilio voice"
        if key == "menu_entry":
            # "somali: 1 3" rather than the local language's own entry
            text = f"{local.name_of(language)}: {' '.join(language.digits)}."
        else:
            text = local.prompt(key, **_names(local, about, fallback), **values)
        verb.say(text, voice=local.say.voice, language=local.say.language)


def _names(speaking: Language, about: Language | None, fallback: Language | None) -> dict[str, str]:
    names: dict[str, str] = {}
    if about is not None:
        names["language"] = speaking.name_of(about)
    if fallback is not None:
        names["fallback"] = speaking.name_of(fallback)
    return names
