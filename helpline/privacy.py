"""Anonymity helpers: keyed hashes instead of identifiers, and a log redactor.

A caller's number is never stored, logged or put in Redis. Where a call or a
caller must be recognised again, a keyed hash (HMAC-SHA256 with the configured
secret) stands in for it; without the secret it cannot be linked back.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re

# Anything that looks like a phone number: an optional +, then 7 or more digits,
# allowing spaces, dots and dashes between them (the + may be URL-encoded),
# standing on its own: digits inside a word (a call ref such as ``94aca1234567f``,
# a CallSid) are not a number.
_PHONE = re.compile(r"(?<![0-9A-Za-z])(?:\+|%2[Bb])?[0-9](?:[\s.\-]?[0-9]){6,}(?![0-9A-Za-z])")


def keyed_hash(secret: str, value: str, *, purpose: str) -> str:
    """HMAC-SHA256 of ``value`` under ``secret``, separated by ``purpose``; 32 hex chars."""
    message = f"{purpose}\x00{value}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:32]


def call_ref(secret: str, call_sid: str) -> str:
    """The opaque reference of a call, used in Redis, URLs and the call log."""
    return keyed_hash(secret, call_sid, purpose="call")


def ring_token(secret: str, ref: str, attempt: int, volunteer_id: int) -> str:
    """Who a volunteer's leg is for, as Twilio sees it in the screening URL.

    Neither the call ref nor the volunteer id (both kept in the call record) is
    put in a URL Twilio logs; this keyed hash names the volunteer among those
    the call's dial attempt holds, and means nothing anywhere else.
    """
    return keyed_hash(secret, f"{ref}:{attempt}:{volunteer_id}", purpose="ring")[:16]


def redact(text: str) -> str:
    """Replace everything that looks like a phone number with ``[number]``."""
    return _PHONE.sub("[number]", text)


def install_log_redaction() -> None:
    """Make every log record of the process strip phone numbers from its message.

    A second line of defence: the code never logs numbers on purpose. It wraps
    the log record factory, so it covers every logger and handler, including
    those of libraries and those configured later. Installing twice is a no-op.
    """
    previous = logging.getLogRecordFactory()
    if getattr(previous, "redacts_numbers", False):
        return

    def factory(*args: object, **kwargs: object) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return record

    factory.redacts_numbers = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)
