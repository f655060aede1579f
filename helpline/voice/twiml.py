"""Pure TwiML builders: plain values in, a ``VoiceResponse`` out.

Every document ends either in a verb that hands the call on (``<Gather>`` with an
action, ``<Dial>`` with an action, ``<Redirect>``) or in spoken words followed by
``<Hangup/>``: a caller never meets silence or a bare hang-up. Nothing here ever
records (no ``record`` attribute, no ``<Record>``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from twilio.twiml.voice_response import VoiceResponse

from helpline.prompts.catalog import Language
from helpline.voice.voicing import Voicing


@dataclass(frozen=True)
class Ring:
    """One volunteer leg of a ``<Dial>``: her number and the screening URL."""

    phone: str
    screen_url: str


def menu(
    voicing: Voicing,
    languages: Sequence[Language],
    *,
    action_url: str,
    num_digits: int,
    timeout: int,
    apologise: bool,
) -> VoiceResponse:
    """The language menu: greeting, then each language announcing itself.

    The prompts sit inside ``<Gather>``, so a caller can press her code as soon
    as she hears her language (barge-in). With no input, ``<Redirect>`` posts to
    the same action without ``Digits``, which replays the menu.
    """
    response = VoiceResponse()
    local = voicing.catalog.local
    gather = response.gather(
        input="dtmf", num_digits=num_digits, timeout=timeout, action=action_url, method="POST"
    )
    voicing.add(gather, local, "menu_invalid" if apologise else "greeting")
    for language in languages:
        voicing.add(gather, language, "menu_entry")
    response.redirect(action_url, method="POST")
    return response


def dial(
    voicing: Voicing,
    language: Language,
    rings: Sequence[Ring],
    *,
    caller_id: str,
    action_url: str,
    timeout: int,
    time_limit: int,
    announce: str | None,
) -> VoiceResponse:
    """Say ``announce`` (a prompt key) in her language, then ring the volunteers.

    ``callerId`` is the helpline number, so a volunteer never sees the caller's.
    While the phones ring the caller hears the ringing tone, not silence. Twilio
    ends the talk after ``time_limit`` seconds (the longest a call may hold a
    volunteer).
    """
    response = VoiceResponse()
    if announce:
        voicing.add(response, language, announce, about=language)
    dial_verb = response.dial(
        caller_id=caller_id, action=action_url, method="POST", timeout=timeout,
        time_limit=time_limit,
    )
    for ring in rings:
        dial_verb.number(ring.phone, url=ring.screen_url, method="POST")
    return response


def screening(
    voicing: Voicing,
    volunteer_language: Language,
    call_language: Language,
    *,
    action_url: str,
    timeout: int,
) -> VoiceResponse:
    """What a volunteer hears before the call is put through: press 1 to accept."""
    response = VoiceResponse()
    gather = response.gather(
        input="dtmf", num_digits=1, timeout=timeout, action=action_url, method="POST"
    )
    voicing.add(gather, volunteer_language, "whisper", about=call_language)
    voicing.add(response, volunteer_language, "whisper_declined")
    response.hangup()
    return response


def accepted(voicing: Voicing, volunteer_language: Language) -> VoiceResponse:
    """An empty-ended document on the volunteer's leg: Twilio then bridges the call."""
    response = VoiceResponse()
    voicing.add(response, volunteer_language, "whisper_accepted")
    return response


def declined(voicing: Voicing, volunteer_language: Language) -> VoiceResponse:
    response = VoiceResponse()
    voicing.add(response, volunteer_language, "whisper_declined")
    response.hangup()
    return response


def words_then_hangup(
    voicing: Voicing, language: Language, keys: Sequence[str]
) -> VoiceResponse:
    """Speak ``keys`` in ``language`` and end the call politely."""
    response = VoiceResponse()
    for key in keys:
        voicing.add(response, language, key)
    response.hangup()
    return response


def hold(voicing: Voicing, language: Language, *, pause: int, retry_url: str) -> VoiceResponse:
    """Nobody free yet: a spoken update, a short pause, and the router tries again."""
    response = VoiceResponse()
    voicing.add(response, language, "hold_update")
    response.pause(length=pause)
    response.redirect(retry_url, method="POST")
    return response


def fallback_offer(
    voicing: Voicing,
    language: Language,
    fallback: Language,
    *,
    action_url: str,
    decline_url: str,
    timeout: int,
) -> VoiceResponse:
    """Offer a volunteer in another language she may understand: press 1."""
    response = VoiceResponse()
    voicing.add(response, language, "all_busy")
    gather = response.gather(
        input="dtmf", num_digits=1, timeout=timeout, action=action_url, method="POST"
    )
    voicing.add(gather, language, "fallback_offer", fallback=fallback)
    response.redirect(decline_url, method="POST")
    return response


def closing(
    voicing: Voicing, language: Language, *, on_shift: bool, hours: str | None
) -> VoiceResponse:
    """Nobody can take the call: say so, when to call back, where to get help, goodbye."""
    response = VoiceResponse()
    voicing.add(response, language, "all_busy" if on_shift else "nobody_on_shift")
    if hours:
        voicing.add(response, language, "opening_hours", hours=hours)
    voicing.add(response, language, "call_back")
    voicing.add(response, language, "emergency")
    voicing.add(response, language, "goodbye")
    response.hangup()
    return response


def emergency_forward(
    voicing: Voicing, language: Language, *, number: str | None, caller_id: str
) -> VoiceResponse:
    """Degraded mode: explain, then forward to the duty phone (or say goodbye)."""
    response = VoiceResponse()
    voicing.add(response, language, "technical_problem")
    if number:
        response.dial(number, caller_id=caller_id)
    voicing.add(response, language, "emergency")
    voicing.add(response, language, "goodbye")
    response.hangup()
    return response
