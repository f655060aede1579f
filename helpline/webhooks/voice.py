"""Voice webhooks: the paths Twilio posts to during a call (DESIGN.md's contract).

If Redis or the database does not answer (within ``SERVICE_TIMEOUT_SECONDS``),
the caller still gets valid TwiML at once: she is told there is a technical
problem and forwarded to the coordinators' duty phone (``EMERGENCY_NUMBER``),
and the call's record is spooled to disk until the database answers again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import cast

import redis
from flask import Blueprint, copy_current_request_context, current_app, request
from sqlalchemy.exc import SQLAlchemyError
from twilio.twiml.voice_response import VoiceResponse

from helpline import outbox, twiml
from helpline.calls import CallFlow, FlowSettings, to_minute
from helpline.db import get_db
from helpline.duty import get_duty
from helpline.live import get_live
from helpline.models import Outcome
from helpline.privacy import call_ref
from helpline.prompts_store import get_voicing
from helpline.roster import known_languages
from helpline.schedule_store import current_schedule
from helpline.webhooks import public_url, twilio_webhook
from schedules.model import Schedule

log = logging.getLogger(__name__)

bp = Blueprint("voice", __name__, url_prefix="/voice")

SERVICE_ERRORS = (redis.exceptions.RedisError, SQLAlchemyError, OSError)


def flow() -> CallFlow:
    live = get_live()
    voicing = get_voicing()
    return CallFlow(
        catalog=voicing.catalog,
        voicing=voicing,
        availability=live.availability,
        states=live.states,
        db=get_db(),
        settings=FlowSettings.from_config(current_app.config),
        url_for=public_url,
        direct_numbers=current_app.config["DIRECT_NUMBERS"],
        schedule=_schedule,
        events=get_duty(),
        clock=current_app.extensions["helpline.clock"],
    )


def _schedule() -> Schedule | None:
    with get_db().unit_of_work() as session:
        return current_schedule(session, known_languages(current_app))


def spool_dir() -> Path:
    return Path(current_app.instance_path) / "outbox"


def _ref() -> str:
    """The opaque ref of the caller's call (the parent leg)."""
    sid = request.form.get("ParentCallSid") or request.form.get("CallSid", "")
    return call_ref(current_app.config["CALLER_HASH_SECRET"], sid)


def _int(name: str, default: int = 0) -> int:
    raw = request.values.get(name, "")
    return int(raw) if raw.isdigit() else default


def caller_step(step: Callable[[CallFlow], VoiceResponse], language: str | None = None
                ) -> VoiceResponse:
    """Run a step of the caller's leg within the webhook budget.

    If Redis or the database fails, or does not answer before
    ``WEBHOOK_BUDGET_SECONDS`` (a server that accepts connections but never
    answers can hold a database connect for seconds), the caller is forwarded
    to the duty phone at once. The step runs in the app's small thread pool so
    that the budget holds whatever the step is waiting for.
    """
    run = copy_current_request_context(lambda: step(flow()))
    future = current_app.extensions["helpline.webhook_pool"].submit(run)
    try:
        return cast(VoiceResponse, future.result(timeout=current_app.config[
            "WEBHOOK_BUDGET_SECONDS"]))
    except FutureTimeout:
        return degraded(TimeoutError("no answer within the webhook budget"), language)
    except SERVICE_ERRORS as exc:
        return degraded(exc, language)


def _culprit(exc: Exception) -> str:
    if isinstance(exc, redis.exceptions.RedisError):
        return "Redis"
    if isinstance(exc, SQLAlchemyError):
        return "the database"
    return "Redis or the database"


def degraded(exc: Exception, language_code: str | None) -> VoiceResponse:
    log.error("degraded mode: %s did not answer (%s); forwarding to the duty phone",
              _culprit(exc), type(exc).__name__)
    voicing = get_voicing()
    catalog = voicing.catalog
    try:
        language = catalog.get(language_code) if language_code else catalog.local
    except KeyError:
        language = catalog.local
    ref = _ref()
    outbox.spool(spool_dir(), {
        "call_ref": ref,
        "started_minute": to_minute(current_app.extensions["helpline.clock"]()),
        "language": language_code,
        "outcome": Outcome.EMERGENCY.value,
        "wait_seconds": 0, "talk_seconds": 0, "tries": 0, "volunteer_id": None,
    })
    if isinstance(exc, SQLAlchemyError):
        try:  # so the status callback does not close it as an ordinary call
            get_live().states.update(ref, ended=Outcome.EMERGENCY.value)
        except redis.exceptions.RedisError:
            pass
    return twiml.emergency_forward(
        voicing, language,
        number=current_app.config["EMERGENCY_NUMBER"],
        caller_id=current_app.config["HELPLINE_NUMBER"],
    )


@bp.post("/incoming")
@twilio_webhook
def incoming() -> VoiceResponse:
    to = request.form.get("To", "")
    ref = _ref()
    return caller_step(lambda f: f.incoming(ref, to), current_app.config["DIRECT_NUMBERS"].get(to))


@bp.post("/menu")
@twilio_webhook
def menu() -> VoiceResponse:
    ref, attempt, digits = _ref(), _int("attempt", 1), request.form.get("Digits", "")
    language = get_voicing().catalog.by_digits(digits.strip())
    return caller_step(lambda f: f.menu_choice(ref, attempt, digits),
                       language.code if language else None)


@bp.post("/dial")
@twilio_webhook
def dial_result() -> VoiceResponse:
    ref, language = _ref(), request.args.get("lang", "")
    attempt, duration = _int("attempt", 1), _int("DialCallDuration")
    status = request.form.get("DialCallStatus", "")
    raw_bridged = request.form.get("DialBridged")
    bridged = None if raw_bridged is None else raw_bridged.lower() == "true"
    return caller_step(
        lambda f: f.dial_result(ref, language, attempt, status, duration, bridged), language
    )


@bp.post("/hold")
@twilio_webhook
def hold() -> VoiceResponse:
    ref, language = _ref(), request.args.get("lang", "")
    attempt, hold_round = _int("attempt", 1), _int("round", 1)
    return caller_step(lambda f: f.hold_over(ref, language, attempt, hold_round), language)


@bp.post("/fallback")
@twilio_webhook
def fallback() -> VoiceResponse:
    ref, language, other = _ref(), request.args.get("lang", ""), request.args.get("to", "")
    attempt, digits = _int("attempt", 1), request.form.get("Digits", "")
    return caller_step(
        lambda f: f.fallback_choice(ref, language, other, attempt, digits), language
    )


@bp.post("/closed")
@twilio_webhook
def closed() -> VoiceResponse:
    ref, language = _ref(), request.args.get("lang", "")
    return caller_step(lambda f: f.closed(ref, language), language)


@bp.post("/screen")
@twilio_webhook
def screen() -> VoiceResponse:
    ref, language = request.args.get("ref", ""), request.args.get("lang", "")
    attempt, vid = _int("attempt", 1), _int("vid")
    try:
        return flow().screen(ref, language, attempt, vid)
    except SERVICE_ERRORS:
        log.error("screening failed: a service did not answer; the volunteer is told")
        return twiml.declined(get_voicing(), get_voicing().catalog.local)


@bp.post("/screen/answer")
@twilio_webhook
def screen_answer() -> VoiceResponse:
    ref, attempt, vid = request.args.get("ref", ""), _int("attempt", 1), _int("vid")
    digits = request.form.get("Digits", "")
    try:
        return flow().screen_answer(ref, attempt, vid, digits)
    except SERVICE_ERRORS:
        log.error("screening answer failed: a service did not answer; the volunteer is told")
        return twiml.declined(get_voicing(), get_voicing().catalog.local)


FINAL_STATUSES = {"completed", "busy", "failed", "no-answer", "canceled"}


@bp.post("/status")
@twilio_webhook
def status() -> VoiceResponse:
    if request.form.get("CallStatus", "") in FINAL_STATUSES:
        try:
            flow().status(_ref(), request.form["CallStatus"], _int("CallDuration"))
            outbox.flush(spool_dir(), get_db())
        except SERVICE_ERRORS:
            # The call's state stays in Redis; the periodic job closes it later.
            log.error("status callback could not close the call now; it will be closed later")
    return VoiceResponse()
