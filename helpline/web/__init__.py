"""The web side of Twilio: webhooks in, TwiML out.

- ``twilio``      the signature check (403), public URLs, the TwiML response
- ``budget``      the caller's steps within ``WEBHOOK_BUDGET_SECONDS``, or the duty
                  phone at once (degraded mode)
- ``render``      the call flow's steps as TwiML with the next URLs
- ``voice``       the voice webhooks (``/voice/...``), thin: parse, one step, render
- ``sms``         the SMS webhook (``/sms/incoming``)
- ``recordings``  recorded prompts for ``<Play>`` (``/prompts/<code>/<file>``)
- ``ops``         ``/healthz``, ``/readyz`` and Prometheus ``/metrics``

May import the services (voice, volunteers) and :mod:`helpline.bootstrap`;
nothing below imports this package.
"""

from __future__ import annotations

import logging

from flask import Flask

from helpline.bootstrap import from_app
from helpline.web import budget, ops, recordings, render, sms, voice

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    budget.init_app(app)
    render.init_app(app)
    if from_app(app).settings.dev_skip_signatures:
        log.warning(
            "DEV_SKIP_SIGNATURES is on: Twilio signatures are NOT checked. "
            "Anyone can drive this service's webhooks. Never use this in production."
        )
    app.register_blueprint(voice.bp)
    app.register_blueprint(sms.bp)
    app.register_blueprint(recordings.bp)
    ops.init_app(app)
