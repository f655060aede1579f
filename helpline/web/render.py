"""The call flow's steps as TwiML, with the URLs of the next steps.

The one place where a step of :mod:`helpline.voice.steps` meets Twilio's
vocabulary: the pure builders of :mod:`helpline.voice.twiml` get the voicing, the
timeouts of the settings and the absolute URLs Twilio must post to next.
"""

from __future__ import annotations

from flask import Flask, current_app
from twilio.twiml.voice_response import VoiceResponse

from helpline.bootstrap import from_app
from helpline.voice import steps, twiml
from helpline.voice.voicing import Voicing
from helpline.web.twilio import public_url

VOICING = "helpline.voicing"


def init_app(app: Flask) -> None:
    helpline = from_app(app)

    def audio_url(code: str, name: str) -> str:
        return public_url("recordings.recording", code=code, name=name)

    app.extensions[VOICING] = Voicing(helpline.catalog, helpline.recordings, audio_url)


def voicing() -> Voicing:
    found: Voicing = current_app.extensions[VOICING]
    return found


def caller_twiml(step: steps.CallerStep, *, ref: str) -> VoiceResponse:
    """A step of the caller's leg; ``ref`` is her call's, for the volunteers' legs.

    No URL carries the ref or a volunteer id, both kept in the call record:
    Twilio's logs, which hold her number, must not be joinable to the record.
    """
    settings, voice = from_app().settings, voicing()
    match step:
        case steps.Menu(attempt=attempt, apologise=apologise):
            catalog = voice.catalog
            return twiml.menu(voice, catalog.languages,
                              action_url=public_url("voice.menu", attempt=attempt),
                              num_digits=catalog.digits_length,
                              timeout=settings.menu_timeout_seconds, apologise=apologise)
        case steps.Ring(language=language, attempt=attempt, volunteers=volunteers,
                        announce=announce):
            flow = from_app().call_flow
            rings = [twiml.Ring(phone=phone,
                                screen_url=public_url("voice.screen", lang=language.code,
                                                      attempt=attempt,
                                                      who=flow.ring_token(ref, attempt, vid)))
                     for vid, phone in volunteers]
            return twiml.dial(voice, language, rings, caller_id=settings.helpline_number,
                              action_url=public_url("voice.dial_result", lang=language.code,
                                                    attempt=attempt),
                              timeout=settings.ring_timeout_seconds,
                              time_limit=settings.call_lease_seconds, announce=announce)
        case steps.Hold(language=language, next_attempt=attempt, round=round_):
            return twiml.hold(voice, language, pause=settings.hold_pause_seconds,
                              retry_url=public_url("voice.hold", lang=language.code,
                                                   attempt=attempt, round=round_))
        case steps.FallbackOffer(language=language, fallback=fallback, next_attempt=attempt):
            return twiml.fallback_offer(
                voice, language, fallback,
                action_url=public_url("voice.fallback", lang=language.code, to=fallback.code,
                                      attempt=attempt),
                decline_url=public_url("voice.closed", lang=language.code),
                timeout=settings.screen_timeout_seconds)
        case steps.Closing(language=language, on_shift=on_shift, hours=hours):
            return twiml.closing(voice, language, on_shift=on_shift, hours=hours)
        case steps.Goodbye(language=language):
            return twiml.words_then_hangup(voice, language, ["goodbye"])
        case steps.EmergencyForward(language=language):
            return twiml.emergency_forward(voice, language, number=settings.emergency_number,
                                           caller_id=settings.helpline_number)


def volunteer_twiml(step: steps.VolunteerStep, *, attempt: int, token: str) -> VoiceResponse:
    """A step of the volunteer's leg (``token``: whom it rings, see ``CallFlow.screen``)."""
    voice = voicing()
    match step:
        case steps.Screening(volunteer_language=hers, call_language=call_language):
            action = public_url("voice.screen_answer", lang=call_language.code, attempt=attempt,
                                who=token)
            return twiml.screening(voice, hers, call_language, action_url=action,
                                   timeout=from_app().settings.screen_timeout_seconds)
        case steps.Accepted(volunteer_language=hers):
            return twiml.accepted(voice, hers)
        case steps.Declined(volunteer_language=hers):
            return twiml.declined(voice, hers)
