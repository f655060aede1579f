"""Voice webhooks: the paths Twilio posts to during a call (DESIGN.md's contract).

Each view reads Twilio's form, runs one step of :class:`helpline.voice.flow.CallFlow`
(the caller's steps within the budget of :mod:`.budget`) and renders the step as
TwiML (:mod:`.render`). If Redis or the database does not answer, the caller
still gets valid TwiML at once: the duty-phone forward.
"""

from __future__ import annotations

import logging

from flask import Blueprint, request
from twilio.twiml.voice_response import VoiceResponse

from helpline.bootstrap import Helpline, from_app
from helpline.privacy import call_ref
from helpline.voice.emergency import SERVICE_ERRORS
from helpline.voice.steps import Declined
from helpline.web.budget import caller_step, in_background
from helpline.web.render import caller_twiml, volunteer_twiml
from helpline.web.twilio import twilio_webhook

log = logging.getLogger(__name__)

bp = Blueprint("voice", __name__, url_prefix="/voice")

FINAL_STATUSES = {"completed", "busy", "failed", "no-answer", "canceled"}


def _ref() -> str:
    """The opaque ref of the caller's call (the parent leg)."""
    sid = request.form.get("ParentCallSid") or request.form.get("CallSid", "")
    return call_ref(from_app().settings.caller_hash_secret.get_secret_value(), sid)


def _int(name: str, default: int = 0) -> int:
    raw = request.values.get(name, "")
    return int(raw) if raw.isdigit() else default


@bp.post("/incoming")
@twilio_webhook
def incoming() -> VoiceResponse:
    to, ref = request.form.get("To", ""), _ref()
    direct = from_app().settings.direct_numbers.get(to)
    step = caller_step(lambda flow: flow.incoming(ref, to), ref, direct)
    return caller_twiml(step, ref=ref)


@bp.post("/menu")
@twilio_webhook
def menu() -> VoiceResponse:
    ref, attempt, digits = _ref(), _int("attempt", 1), request.form.get("Digits", "")
    chosen = from_app().catalog.by_digits(digits.strip())
    step = caller_step(lambda flow: flow.menu_choice(ref, attempt, digits), ref,
                       chosen.code if chosen else None)
    return caller_twiml(step, ref=ref)


@bp.post("/dial")
@twilio_webhook
def dial_result() -> VoiceResponse:
    ref, language = _ref(), request.args.get("lang", "")
    attempt, duration = _int("attempt", 1), _int("DialCallDuration")
    status = request.form.get("DialCallStatus", "")
    raw_bridged = request.form.get("DialBridged")
    bridged = None if raw_bridged is None else raw_bridged.lower() == "true"
    step = caller_step(
        lambda flow: flow.dial_result(ref, language, attempt, status, duration, bridged),
        ref, language)
    return caller_twiml(step, ref=ref)


@bp.post("/hold")
@twilio_webhook
def hold() -> VoiceResponse:
    ref, language = _ref(), request.args.get("lang", "")
    attempt, hold_round = _int("attempt", 1), _int("round", 1)
    step = caller_step(lambda flow: flow.hold_over(ref, language, attempt, hold_round),
                       ref, language)
    return caller_twiml(step, ref=ref)


@bp.post("/fallback")
@twilio_webhook
def fallback() -> VoiceResponse:
    ref, language, other = _ref(), request.args.get("lang", ""), request.args.get("to", "")
    attempt, digits = _int("attempt", 1), request.form.get("Digits", "")
    step = caller_step(
        lambda flow: flow.fallback_choice(ref, language, other, attempt, digits), ref, language)
    return caller_twiml(step, ref=ref)


@bp.post("/closed")
@twilio_webhook
def closed() -> VoiceResponse:
    ref, language = _ref(), request.args.get("lang", "")
    step = caller_step(lambda flow: flow.closed(ref, language), ref, language)
    return caller_twiml(step, ref=ref)


@bp.post("/screen")
@twilio_webhook
def screen() -> VoiceResponse:
    ref, language = request.args.get("ref", ""), request.args.get("lang", "")
    attempt, vid = _int("attempt", 1), _int("vid")
    helpline = from_app()
    try:
        step = helpline.call_flow.screen(language, vid)
    except SERVICE_ERRORS:
        log.error("screening failed: a service did not answer; the volunteer is told")
        return volunteer_twiml(Declined(helpline.catalog.local), ref=ref, language=language,
                               attempt=attempt, volunteer_id=vid)
    return volunteer_twiml(step, ref=ref, language=language, attempt=attempt, volunteer_id=vid)


@bp.post("/screen/answer")
@twilio_webhook
def screen_answer() -> VoiceResponse:
    ref, language = request.args.get("ref", ""), request.args.get("lang", "")
    attempt, vid = _int("attempt", 1), _int("vid")
    digits = request.form.get("Digits", "")
    helpline = from_app()
    try:
        step = helpline.call_flow.screen_answer(ref, attempt, vid, digits)
    except SERVICE_ERRORS:
        log.error("screening answer failed: a service did not answer; the volunteer is told")
        step = Declined(helpline.catalog.local)
    return volunteer_twiml(step, ref=ref, language=language, attempt=attempt, volunteer_id=vid)


@bp.post("/status")
@twilio_webhook
def status() -> VoiceResponse:
    """The call is over: free whoever it held and write its record, in the background
    pool within the budget (:func:`.budget.in_background`): a slow database must not
    hold a web server thread that a caller's step needs."""
    if request.form.get("CallStatus", "") in FINAL_STATUSES:
        helpline = from_app()
        ref, call_status, duration = _ref(), request.form["CallStatus"], _int("CallDuration")
        in_background(lambda: _close(helpline, ref, call_status, duration))
    return VoiceResponse()


def _close(helpline: Helpline, ref: str, call_status: str, duration: int) -> None:
    try:
        helpline.call_flow.status(ref, call_status, duration)
        helpline.spool.flush()
    except SERVICE_ERRORS:
        # The call's state stays in Redis; the periodic job closes it later.
        log.error("status callback could not close the call now; it will be closed later")
