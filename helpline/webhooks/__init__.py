"""Twilio webhooks: every request is signature-checked and answered with TwiML."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar, cast

from flask import Flask, Response, abort, current_app, request, url_for
from twilio.request_validator import RequestValidator

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])


def public_url(endpoint: str, **values: Any) -> str:
    """The absolute URL Twilio should use for ``endpoint``.

    Behind a proxy the service does not see its public address, so
    ``PUBLIC_BASE_URL`` names it; without it the request's own host is used.
    """
    base = current_app.config.get("PUBLIC_BASE_URL")
    if base:
        return str(base).rstrip("/") + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


def requested_url() -> str:
    """The URL Twilio signed: the public base URL plus the path and query."""
    base = current_app.config.get("PUBLIC_BASE_URL")
    if not base:
        return request.url
    query = request.query_string.decode()
    return str(base).rstrip("/") + request.path + (f"?{query}" if query else "")


def signature_is_valid() -> bool:
    validator = RequestValidator(current_app.config["TWILIO_AUTH_TOKEN"])
    signature = request.headers.get("X-Twilio-Signature", "")
    return bool(signature) and bool(
        validator.validate(requested_url(), request.form.to_dict(), signature)
    )


def twilio_webhook(view: F) -> F:
    """Reject requests not signed by Twilio with 403; answer with TwiML XML."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        if not current_app.config["DEV_SKIP_SIGNATURES"] and not signature_is_valid():
            log.warning("rejected a webhook with a missing or invalid Twilio signature")
            abort(403)
        result = view(*args, **kwargs)
        return Response(str(result), status=200, content_type="text/xml; charset=utf-8")

    return cast(F, wrapper)


def init_app(app: Flask) -> None:
    from helpline.webhooks import sms, voice

    # Caller-leg steps run here, so a webhook can answer within its budget even
    # when a service hangs (see voice.caller_step).
    app.extensions["helpline.webhook_pool"] = ThreadPoolExecutor(
        max_workers=int(app.config["WEBHOOK_THREADS"]), thread_name_prefix="webhook"
    )

    if app.config["DEV_SKIP_SIGNATURES"]:
        log.warning(
            "DEV_SKIP_SIGNATURES is on: Twilio signatures are NOT checked. "
            "Anyone can drive this service's webhooks. Never use this in production."
        )
    app.register_blueprint(voice.bp)
    app.register_blueprint(sms.bp)
