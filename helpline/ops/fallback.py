"""The voice fallback document: a static TwiML file for when the whole service is down.

Twilio fetches a number's *voice fallback URL* when its voice URL fails (an
error, a timeout, no answer at all). That document must not depend on the
service, so it is generated once (``helpline twilio fallback-twiml``) and hosted
apart from it (a TwiML Bin, any static host). It says there is a technical
problem in the most called languages, dials the coordinators' duty phone with
the helpline number as caller id, then says where to get help and goodbye, and
hangs up. A language is spoken with its Twilio voice, or played from its
recordings when they exist and are hosted too (``recordings_url``); one with
neither is left out, since the caller would only hear the local language again.
Nothing here records.
"""

from __future__ import annotations

from collections.abc import Sequence

from twilio.twiml.voice_response import VoiceResponse

from helpline.prompts.catalog import Catalog, Language
from helpline.prompts.recordings import Recordings
from helpline.voice.voicing import Voicing

BEFORE_DIAL = ("technical_problem",)
AFTER_DIAL = ("emergency", "goodbye")
DEFAULT_COUNT = 3
"""Languages besides the local one, in menu order: the most called come first."""


def voiceable(language: Language, recordings: Recordings, recordings_url: str | None) -> bool:
    """True when every prompt of the document can be heard in ``language`` itself."""
    if language.say is not None:
        return True
    return recordings_url is not None and all(
        recordings.file(language, key) for key in BEFORE_DIAL + AFTER_DIAL)


def fallback_languages(
    catalog: Catalog,
    recordings: Recordings,
    *,
    recordings_url: str | None = None,
    codes: Sequence[str] = (),
    count: int = DEFAULT_COUNT,
) -> list[Language]:
    """The local language, then ``codes`` (checked), or else the first ``count`` of the
    menu that can be voiced.

    Raises ``KeyError`` (:class:`~helpline.prompts.catalog.UnknownLanguage`) for an
    unknown code and ``ValueError`` for one that can be neither said nor played.
    """
    chosen = [catalog.local]
    if codes:
        for code in codes:
            language = catalog.get(code)
            if not voiceable(language, recordings, recordings_url):
                raise ValueError(f"{code} has no Twilio voice and no hosted recordings of "
                                 f"{', '.join(BEFORE_DIAL + AFTER_DIAL)}")
            if language not in chosen:
                chosen.append(language)
        return chosen
    others = [language for language in catalog.languages if language != catalog.local
              and voiceable(language, recordings, recordings_url)]
    return chosen + others[:count]


def fallback_document(
    catalog: Catalog,
    recordings: Recordings,
    languages: Sequence[Language],
    *,
    emergency_number: str,
    helpline_number: str,
    recordings_url: str | None = None,
) -> VoiceResponse:
    """Say the problem in each language, dial the duty phone, then say where to get
    help and goodbye in each, and hang up."""
    base = (recordings_url or "").rstrip("/")
    voicing = Voicing(catalog, recordings, lambda code, name: f"{base}/{code}/{name}")
    response = VoiceResponse()
    for language in languages:
        for key in BEFORE_DIAL:
            voicing.add(response, language, key)
    response.dial(emergency_number, caller_id=helpline_number)
    for language in languages:
        for key in AFTER_DIAL:
            voicing.add(response, language, key)
    response.hangup()
    return response
