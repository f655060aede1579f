"""Twilio's side of every webhook: the signature check, public URLs, the TwiML answer.

Every request must carry a valid ``X-Twilio-Signature`` computed with the auth
token over the public URL and the form (403 otherwise; only
``DEV_SKIP_SIGNATURES`` turns this off, with a loud warning). Behind a proxy the
service does not see its public address, so ``PUBLIC_BASE_URL`` names it, both
for checking signatures and for the URLs handed to Twilio.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import Response, abort, request, url_for
from twilio.request_validator import RequestValidator

from helpline.bootstrap import from_app

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])


def public_url(endpoint: str, **values: Any) -> str:
    """The absolute URL Twilio should use for ``endpoint``."""
    base = from_app().settings.public_base_url
    if base:
        return base + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


def requested_url() -> str:
    """The URL Twilio signed: the public base URL plus the path and query."""
    base = from_app().settings.public_base_url
    if not base:
        return request.url
    query = request.query_string.decode()
    return base + request.path + (f"?{query}" if query else "")


def signature_is_valid() -> bool:
    token = from_app().settings.twilio_auth_token.get_secret_value()
    signature = request.headers.get("X-Twilio-Signature", "")
    return bool(signature) and bool(
        RequestValidator(token).validate(requested_url(), request.form.to_dict(), signature)
    )


def twilio_webhook(view: F) -> F:
    """Reject requests not signed by Twilio with 403; answer with TwiML XML."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        if not from_app().settings.dev_skip_signatures and not signature_is_valid():
            log.warning("rejected a webhook with a missing or invalid Twilio signature")
            abort(403)
        result = view(*args, **kwargs)
        return Response(str(result), status=200, content_type="text/xml; charset=utf-8")

    return cast(F, wrapper)
