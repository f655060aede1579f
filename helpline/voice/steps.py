"""What the call flow decides at each step, as plain values.

The service (:mod:`helpline.voice.flow`) returns one of these; the web layer
(:mod:`helpline.web.voice`) renders it as TwiML with the URLs of the next steps.
Every caller step either hands the call on (a menu, ringing, a hold, an offer)
or ends it with words; none records, none is silence.
"""

from __future__ import annotations

from dataclasses import dataclass

from helpline.prompts.catalog import Language

# -- the caller's leg ---------------------------------------------------------------


@dataclass(frozen=True)
class Menu:
    """The language menu (``apologise``: after an unknown code or no input)."""

    attempt: int
    apologise: bool


@dataclass(frozen=True)
class Ring:
    """Say ``announce`` in her language, then ring these volunteers (id, phone)."""

    language: Language
    attempt: int
    volunteers: tuple[tuple[int, str], ...]
    announce: str


@dataclass(frozen=True)
class Hold:
    """Everybody of her language is busy: a spoken update, a pause, then try again."""

    language: Language
    next_attempt: int
    round: int


@dataclass(frozen=True)
class FallbackOffer:
    """Nobody free in her language: offer a volunteer in ``fallback`` (press 1)."""

    language: Language
    fallback: Language
    next_attempt: int


@dataclass(frozen=True)
class Closing:
    """Nobody can take the call: say so, when she can call back, where to get help."""

    language: Language
    on_shift: bool
    hours: str | None


@dataclass(frozen=True)
class Goodbye:
    language: Language


@dataclass(frozen=True)
class EmergencyForward:
    """Degraded mode: a technical problem; forward to the duty phone."""

    language: Language


CallerStep = Menu | Ring | Hold | FallbackOffer | Closing | Goodbye | EmergencyForward


# -- the volunteer's leg ------------------------------------------------------------


@dataclass(frozen=True)
class Screening:
    """What she hears on picking up: a helpline call in ``call_language``, press 1."""

    volunteer_language: Language
    call_language: Language


@dataclass(frozen=True)
class Accepted:
    """She pressed 1: a few words, then Twilio puts the caller through."""

    volunteer_language: Language


@dataclass(frozen=True)
class Declined:
    volunteer_language: Language


VolunteerStep = Screening | Accepted | Declined
