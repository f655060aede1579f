"""The Twilio REST client: one per process, built on first use from the configuration.

Only RQ jobs use it (webhooks answer with TwiML and never wait on Twilio).
``TWILIO_API_BASE_URL`` sends every request to another host instead of
``https://*.twilio.com`` (tests point it at a local server that answers like
Twilio's REST API); the path, authentication and form stay exactly as Twilio
would receive them.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

from flask import Flask, current_app
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

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


def build_client(config: dict[str, Any]) -> Client:
    base = config.get("TWILIO_API_BASE_URL")
    http: TwilioHttpClient
    if base:
        http = RebasedHttpClient(str(base), timeout=REQUEST_TIMEOUT_SECONDS)
    else:
        http = TwilioHttpClient(timeout=REQUEST_TIMEOUT_SECONDS)
    return Client(config["TWILIO_ACCOUNT_SID"], config["TWILIO_AUTH_TOKEN"], http_client=http)


def get_client(app: Flask | None = None) -> Client:
    """The app's REST client, created the first time it is needed."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    client: Client | None = app.extensions.get("helpline.twilio")
    if client is None:
        client = app.extensions["helpline.twilio"] = build_client(app.config)
    return client


def send_sms(to: str, body: str, *, app: Flask | None = None) -> str:
    """Send one SMS from the helpline number; returns Twilio's message sid.

    Raises ``twilio.base.exceptions.TwilioException`` (or a requests error) when
    Twilio refuses or does not answer: the RQ job retries.
    """
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    message = get_client(app).messages.create(
        to=to, from_=app.config["HELPLINE_NUMBER"], body=body
    )
    return str(message.sid)
