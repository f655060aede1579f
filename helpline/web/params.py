"""Every parameter of Twilio's webhooks, parsed in one place.

Twilio sends form fields and the service put the query parameters in the URLs it
handed out; a signed request may still carry anything (a retried or replayed
request, a bug, somebody holding the auth token). Nothing here raises on a bad
value: a number that is not plain ASCII digits within bounds, an unknown
language, a status Twilio does not send, all read as "not given", and the call
flow takes its safe default. The one exception is a request without a usable
CallSid, which no Twilio call sends: 400.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from flask import abort, request

from helpline.bootstrap import from_app
from helpline.privacy import call_ref

_WHOLE = re.compile(r"[0-9]{1,9}", re.ASCII)
_DIGITS = re.compile(r"[0-9*#]{0,32}", re.ASCII)
_TOKEN = re.compile(r"[0-9a-f]{1,64}", re.ASCII)
_SID = re.compile(r"[A-Za-z0-9]{1,64}", re.ASCII)  # Twilio's are CA + 32 hex digits

MAX_STEP = 1000
"""Dial attempts and hold rounds above this are not the service's own URLs."""

MAX_SECONDS = 24 * 3600
"""A duration Twilio reports is at most a day (a talk ends at ``CALL_LEASE_SECONDS``)."""

FINAL_STATUSES = frozenset({"completed", "busy", "failed", "no-answer", "canceled"})
DIAL_STATUSES = FINAL_STATUSES | {"answered"}


def ref() -> str:
    """The opaque ref of the caller's call: her leg's CallSid, or the parent's on a
    volunteer's leg. A request without a CallSid, or with one no Twilio call has
    (anything but up to 64 letters and digits), gets 400."""
    sid = request.form.get("ParentCallSid") or request.form.get("CallSid", "")
    if not _SID.fullmatch(sid):
        abort(400, "CallSid missing or malformed")
    return call_ref(from_app().settings.caller_hash_secret.get_secret_value(), sid)


def step(name: str) -> int:
    """A dial attempt or hold round from the service's own URL: 1 when absent or bad."""
    value = whole(name)
    return value if value is not None and 1 <= value <= MAX_STEP else 1


def seconds(name: str) -> int | None:
    """A duration Twilio reports (``CallDuration``, ``DialCallDuration``); None if bad."""
    value = whole(name)
    return value if value is not None and value <= MAX_SECONDS else None


def whole(name: str) -> int | None:
    """A non-negative whole number in plain ASCII digits, or None."""
    raw = _text(name).strip()
    return int(raw) if _WHOLE.fullmatch(raw) else None


def language(name: str = "lang") -> str | None:
    """A language code the catalog knows, or None."""
    code = _text(name)
    return code if code in from_app().known_languages else None


def digits() -> str:
    """The keys the caller pressed (``Digits``): DTMF characters only, else nothing."""
    raw = _text("Digits").strip()
    return raw if _DIGITS.fullmatch(raw) else ""


def token(name: str) -> str:
    """An opaque hex token the service put in its URL, or ''."""
    raw = _text(name)
    return raw if _TOKEN.fullmatch(raw) else ""


def choice(name: str, allowed: Collection[str]) -> str | None:
    """A status Twilio sends, if it is one of ``allowed``."""
    raw = _text(name)
    return raw if raw in allowed else None


def flag(name: str) -> bool | None:
    """Twilio's ``true``/``false``; None when absent or anything else."""
    raw = _text(name).lower()
    return {"true": True, "false": False}.get(raw)


def _text(name: str) -> str:
    """A form field, else a query parameter; '' when absent. Capped in length."""
    value = request.form.get(name)
    if value is None:
        value = request.args.get(name, "")
    return value[:256]
