"""Phone numbers: the one check for every number the service keeps, dials or
answers (volunteers' phones in the web interface, the volunteers file and the
database; the sender of an SMS; the helpline's own, direct and duty numbers in
the settings).

A number is written in international form in ASCII: ``+``, the country code and
the number; spaces, dashes, dots and brackets between the digits are dropped
(``+47 99 99-01 01``). Other digits (Arabic-Indic ``٩``, full-width ``９``) are
refused, not converted: what a coordinator sees is what is dialled. Google's
libphonenumber (the ``phonenumbers`` package) must find it a possible and valid
number of its country. A caller of :func:`phone_number` may name numbers that
are taken (``reserved``): a volunteer whose phone were the helpline's own number
or one of its direct numbers would have calls ring back into the helpline.

Pure: text in, the number in E.164 (``+4799990101``) out, or :class:`PhoneError`
whose message never repeats the number.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Literal

import phonenumbers

_SEPARATORS = re.compile(r"[ .()\-]")
_INTERNATIONAL = re.compile(r"\+[1-9][0-9]{6,14}", re.ASCII)

Reason = Literal["form", "invalid", "reserved"]

_MESSAGES: dict[Reason, str] = {
    "form": "the phone number is not in international form (write it with + and the "
            "country code, like +47 99 99 01 01)",
    "invalid": "the phone number is not a valid number of its country (check the "
               "country code and the number of digits)",
    "reserved": "this is one of the helpline's own numbers, not a volunteer's phone",
}


class PhoneError(ValueError):
    """A number that cannot be used; ``reason`` says why, for a translated message."""

    def __init__(self, reason: Reason) -> None:
        super().__init__(_MESSAGES[reason])
        self.reason: Reason = reason


def phone_number(text: str, *, reserved: Collection[str] = (), strict: bool = False) -> str:
    """``text`` as an E.164 number, or PhoneError (``reserved``: numbers taken;
    ``strict``: already in E.164, no spaces or separators, as Twilio sends a number
    and as the database keeps it)."""
    number = text if strict else _SEPARATORS.sub("", text.strip())
    if not _INTERNATIONAL.fullmatch(number):
        raise PhoneError("form")
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        raise PhoneError("invalid") from None
    if not (phonenumbers.is_possible_number(parsed) and phonenumbers.is_valid_number(parsed)):
        raise PhoneError("invalid")
    if phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164) != number:
        raise PhoneError("invalid")  # a national trunk prefix kept after the country code
    if number in reserved:
        raise PhoneError("reserved")
    return number
