"""The helpline number's webhook URLs at Twilio: what they must be, set and compared.

Twilio reaches the service through the URLs configured on each of its numbers
(the webhook contract in DESIGN.md): a call comes in (``/voice/incoming``), its
status changes (``/voice/status``), an SMS comes in (``/sms/incoming``), all POST,
all under ``PUBLIC_BASE_URL``; and the voice fallback URL, the static document of
:mod:`helpline.ops.fallback`, hosted elsewhere. Every number is looked up
before any is changed, so a number missing from the account changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.rest import Client

from helpline.settings import Settings

Method = Literal["GET", "POST"]


class NumberSetupError(Exception):
    """A setting or a number that keeps the number from being configured."""


@dataclass(frozen=True)
class NumberUrls:
    """What each number is configured with (the form fields of Twilio's update)."""

    voice_url: str
    voice_method: Method
    status_callback: str
    status_callback_method: Method
    sms_url: str
    sms_method: Method
    voice_fallback_url: str | None
    voice_fallback_method: Method

    def fields(self) -> dict[str, str]:
        """The keyword arguments of ``IncomingPhoneNumberContext.update``."""
        return {name: value for name, value in asdict(self).items()
                if value is not None and not (name == "voice_fallback_method"
                                              and self.voice_fallback_url is None)}


def https_base(settings: Settings) -> str:
    """``PUBLIC_BASE_URL``, which must be an https address; raises NumberSetupError."""
    base = settings.public_base_url
    if not base or not base.startswith("https://") or len(base) <= len("https://"):
        raise NumberSetupError(
            "PUBLIC_BASE_URL must be the service's public https address "
            f"(like https://helpline.example.org), got {base or 'nothing'}: Twilio posts there")
    return base


def number_urls(settings: Settings, fallback_url: str | None,
                fallback_method: Method = "GET") -> NumberUrls:
    """The URLs every number of this helpline is configured with."""
    base = https_base(settings)
    if fallback_url is not None and not fallback_url.startswith("https://"):
        raise NumberSetupError(f"the fallback URL must be an https address, got {fallback_url}")
    if fallback_url is not None and on_service(fallback_url, base):
        raise NumberSetupError(f"the fallback URL {fallback_url} is on the service itself, "
                               "which is down when it is needed: host it elsewhere")
    return NumberUrls(
        voice_url=f"{base}/voice/incoming", voice_method="POST",
        status_callback=f"{base}/voice/status", status_callback_method="POST",
        sms_url=f"{base}/sms/incoming", sms_method="POST",
        voice_fallback_url=fallback_url, voice_fallback_method=fallback_method,
    )


def on_service(url: str, base: str) -> bool:
    """True when ``url`` is served by the service at ``base`` (same scheme and host)."""
    return urlsplit(url).netloc.lower() == urlsplit(base).netloc.lower()


def helpline_numbers(settings: Settings) -> list[str]:
    """``HELPLINE_NUMBER`` and every number of ``DIRECT_NUMBERS``, once each."""
    return list(dict.fromkeys([settings.helpline_number, *settings.direct_numbers]))


def find_number(client: Client, number: str) -> Any:
    """The IncomingPhoneNumber resource of ``number`` in the account; NumberSetupError
    if the account has none."""
    found = [item for item in client.incoming_phone_numbers.list(phone_number=number, limit=20)
             if item.phone_number == number]
    if not found:
        raise NumberSetupError(
            f"{number} is not a number of Twilio account {client.account_sid}: "
            "check HELPLINE_NUMBER / DIRECT_NUMBERS and TWILIO_ACCOUNT_SID")
    return found[0]


def configure(client: Client, numbers: Iterable[str], urls: NumberUrls) -> list[Any]:
    """Look every number up, then set ``urls`` on each; the updated resources."""
    found = [find_number(client, number) for number in numbers]
    fields = urls.fields()
    return [client.incoming_phone_numbers(item.sid).update(**fields) for item in found]


def differences(item: Any, urls: NumberUrls) -> list[str]:
    """How a number's configuration differs from ``urls`` (the fallback: set at all,
    and not on the service's own host); empty when it matches."""
    problems = []
    for name in ("voice_url", "voice_method", "status_callback", "status_callback_method",
                 "sms_url", "sms_method"):
        have, want = getattr(item, name), getattr(urls, name)
        if have != want:
            problems.append(f"{name} is {have or 'empty'}, not {want}")
    fallback = item.voice_fallback_url
    if not fallback:
        problems.append("no voice fallback URL (a call fails when the service is down)")
    elif on_service(fallback, urls.voice_url):
        problems.append("the voice fallback URL is on the service itself")
    for name in ("voice_application_sid", "trunk_sid", "sms_application_sid"):
        if getattr(item, name, None):
            problems.append(f"{name} is set, so Twilio ignores these URLs")
    return problems


def describe(error: BaseException) -> str:
    """One line saying what went wrong talking to Twilio, and what to check."""
    if isinstance(error, TwilioRestException):
        if error.status in (401, 403):
            return (f"Twilio refused the credentials (HTTP {error.status}): check "
                    "TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN")
        return f"Twilio answered HTTP {error.status}: {error.msg}"
    if isinstance(error, TwilioException):
        # a list that fails: TwilioException("Unable to fetch page", response)
        status = getattr(error.args[-1], "status_code", None) if error.args else None
        if status in (401, 403):
            return (f"Twilio refused the credentials (HTTP {status}): check "
                    "TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN")
        return f"Twilio's API failed{f' (HTTP {status})' if status else ''}: {error.args[0]}"
    if isinstance(error, OSError):  # requests' errors are OSErrors
        return f"Twilio's API did not answer ({type(error).__name__})"
    return str(error)


TWILIO_ERRORS: tuple[type[BaseException], ...] = (TwilioException, OSError)
"""What talking to Twilio's API raises: it refused, or did not answer."""
