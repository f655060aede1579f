"""Twilio's REST API: one client per service, built on first use.

Only background jobs use it (webhooks answer with TwiML and never wait on
Twilio). ``TWILIO_API_BASE_URL`` sends every request to another host instead of
``https://*.twilio.com`` (tests point it at a local server that answers like
Twilio's REST API); the path, authentication and form stay exactly as Twilio
would receive them.
"""

from __future__ import annotations

import threading
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from helpline.settings import Settings

REQUEST_TIMEOUT_SECONDS = 10.0


class RebasedHttpClient(TwilioHttpClient):  # type: ignore[misc]
    """Twilio's own HTTP client, with the scheme and host replaced by ``base_url``."""

    def __init__(self, base_url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        parts = urlsplit(base_url)
        self._scheme, self._netloc = parts.scheme, parts.netloc

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        parts = urlsplit(url)
        rebased = urlunsplit((self._scheme, self._netloc, parts.path, parts.query, ""))
        return super().request(method, rebased, *args, **kwargs)


def build_client(settings: Settings) -> Client:
    http: TwilioHttpClient
    if settings.twilio_api_base_url:
        http = RebasedHttpClient(settings.twilio_api_base_url, timeout=REQUEST_TIMEOUT_SECONDS)
    else:
        http = TwilioHttpClient(timeout=REQUEST_TIMEOUT_SECONDS)
    return Client(settings.twilio_account_sid, settings.twilio_auth_token.get_secret_value(),
                  http_client=http)


class Telephony:
    """The service's side of Twilio's REST API."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._client: Client | None = None
        self._lock = threading.Lock()

    @property
    def client(self) -> Client:
        with self._lock:
            if self._client is None:
                self._client = build_client(self.settings)
            return self._client

    def send_sms(self, to: str, body: str) -> str:
        """Send one SMS from the helpline number; returns Twilio's message sid.

        Raises ``twilio.base.exceptions.TwilioException`` (or a requests error) when
        Twilio refuses or does not answer: the job retries.
        """
        message = self.client.messages.create(
            to=to, from_=self.settings.helpline_number, body=body
        )
        return str(message.sid)
