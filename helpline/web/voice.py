"""Voice webhooks: the paths Twilio posts to during a call (DESIGN.md's contract).

Each view reads Twilio's request (every parameter through :mod:`.params`, which
never raises on a bad value), runs one step of :class:`helpline.voice.flow.CallFlow`
(the caller's steps within the budget of :mod:`.budget`) and renders the step as
TwiML (:mod:`.render`). If Redis or the database does not answer, the caller
still gets valid TwiML at once: the duty-phone forward.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Blueprint, request
from twilio.twiml.voice_response import VoiceResponse

from helpline.bootstrap import Helpline, from_app
from helpline.voice.emergency import SERVICE_ERRORS
from helpline.voice.flow import CallFlow
from helpline.voice.steps import Declined, VolunteerStep
from helpline.web import params
from helpline.web.budget import caller_step, in_background
from helpline.web.render import caller_twiml, volunteer_twiml
from helpline.web.twilio import twilio_webhook

log = logging.getLogger(__name__)

bp = Blueprint("voice", __name__, url_prefix="/voice")

@bp.post("/incoming")
@twilio_webhook
def incoming() -> VoiceResponse:
    to, ref = request.form.get("To", ""), params.ref()
    direct = from_app().settings.direct_numbers.get(to)
    step = caller_step(lambda flow: flow.incoming(ref, to), ref, direct)
    return caller_twiml(step, ref=ref)


@bp.post("/menu")
@twilio_webhook
def menu() -> VoiceResponse:
    ref, attempt, digits = params.ref(), params.step("attempt"), params.digits()
    chosen = from_app().catalog.by_digits(digits)
    step = caller_step(lambda flow: flow.menu_choice(ref, attempt, digits), ref,
                       chosen.code if chosen else None)
    return caller_twiml(step, ref=ref)


@bp.post("/dial")
@twilio_webhook
def dial_result() -> VoiceResponse:
    ref, language, attempt = params.ref(), params.language(), params.step("attempt")
    status = params.choice("DialCallStatus", params.DIAL_STATUSES)
    duration, bridged = params.seconds("DialCallDuration"), params.flag("DialBridged")
    step = caller_step(
        lambda flow: flow.dial_result(ref, language, attempt, status, duration, bridged),
        ref, language)
    return caller_twiml(step, ref=ref)


@bp.post("/hold")
@twilio_webhook
def hold() -> VoiceResponse:
    ref, language = params.ref(), params.language()
    attempt, hold_round = params.step("attempt"), params.step("round")
    step = caller_step(lambda flow: flow.hold_over(ref, language, attempt, hold_round),
                       ref, language)
    return caller_twiml(step, ref=ref)


@bp.post("/fallback")
@twilio_webhook
def fallback() -> VoiceResponse:
    ref, language, other = params.ref(), params.language(), params.language("to")
    attempt, digits = params.step("attempt"), params.digits()
    step = caller_step(
        lambda flow: flow.fallback_choice(ref, language, other, attempt, digits), ref, language)
    return caller_twiml(step, ref=ref)


@bp.post("/closed")
@twilio_webhook
def closed() -> VoiceResponse:
    ref, language = params.ref(), params.language()
    step = caller_step(lambda flow: flow.closed(ref, language), ref, language)
    return caller_twiml(step, ref=ref)


@bp.post("/screen")
@twilio_webhook
def screen() -> VoiceResponse:
    ref, language = params.ref(), params.language()
    attempt, token = params.step("attempt"), params.token("who")
    step = _volunteer_step(lambda flow: flow.screen(ref, language, attempt, token), "screening")
    return volunteer_twiml(step, attempt=attempt, token=token)


@bp.post("/screen/answer")
@twilio_webhook
def screen_answer() -> VoiceResponse:
    ref, attempt, token = params.ref(), params.step("attempt"), params.token("who")
    digits = params.digits()
    step = _volunteer_step(lambda flow: flow.screen_answer(ref, attempt, token, digits),
                           "screening answer")
    return volunteer_twiml(step, attempt=attempt, token=token)


def _volunteer_step(run: Callable[[CallFlow], VolunteerStep], what: str) -> VolunteerStep:
    """A step of the volunteer's leg; if a service does not answer, she is told the
    call is not hers (in the local language) rather than left in silence."""
    helpline = from_app()
    try:
        return run(helpline.call_flow)
    except SERVICE_ERRORS:
        log.error("%s failed: a service did not answer; the volunteer is told", what)
        return Declined(helpline.catalog.local)


@bp.post("/status")
@twilio_webhook
def status() -> VoiceResponse:
    """The call is over: free whoever it held and write its record, in the background
    pool within the budget (:func:`.budget.in_background`): a slow database must not
    hold a web server thread that a caller's step needs."""
    call_status = params.choice("CallStatus", params.FINAL_STATUSES)
    if call_status is not None:
        helpline = from_app()
        ref, duration = params.ref(), params.seconds("CallDuration")
        in_background(lambda: _close(helpline, ref, call_status, duration))
    return VoiceResponse()


def _close(helpline: Helpline, ref: str, call_status: str, duration: int | None) -> None:
    try:
        helpline.call_flow.status(ref, call_status, duration)
        helpline.spool.flush()
    except SERVICE_ERRORS:
        # The call's state stays in Redis; the periodic job closes it later.
        log.error("status callback could not close the call now; it will be closed later")
