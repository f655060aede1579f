"""Voice webhooks: the paths Twilio posts to during a call (DESIGN.md's contract)."""

from __future__ import annotations

from flask import Blueprint, current_app, request
from twilio.twiml.voice_response import VoiceResponse

from helpline.calls import CallFlow, FlowSettings
from helpline.db import get_db
from helpline.live import get_live
from helpline.privacy import call_ref
from helpline.prompts_store import get_voicing
from helpline.webhooks import public_url, twilio_webhook

bp = Blueprint("voice", __name__, url_prefix="/voice")


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
    )


def _ref() -> str:
    """The opaque ref of the caller's call (the parent leg)."""
    sid = request.form.get("ParentCallSid") or request.form.get("CallSid", "")
    return call_ref(current_app.config["CALLER_HASH_SECRET"], sid)


def _int(name: str, default: int = 0) -> int:
    raw = request.values.get(name, "")
    return int(raw) if raw.isdigit() else default


@bp.post("/incoming")
@twilio_webhook
def incoming() -> VoiceResponse:
    return flow().incoming(_ref(), request.form.get("To", ""))


@bp.post("/menu")
@twilio_webhook
def menu() -> VoiceResponse:
    return flow().menu_choice(_ref(), _int("attempt", 1), request.form.get("Digits", ""))


@bp.post("/dial")
@twilio_webhook
def dial_result() -> VoiceResponse:
    return flow().dial_result(
        _ref(),
        request.args.get("lang", ""),
        _int("attempt", 1),
        request.form.get("DialCallStatus", ""),
        _int("DialCallDuration"),
    )


@bp.post("/screen")
@twilio_webhook
def screen() -> VoiceResponse:
    return flow().screen(
        request.args.get("ref", ""), request.args.get("lang", ""), _int("attempt", 1), _int("vid")
    )


@bp.post("/screen/answer")
@twilio_webhook
def screen_answer() -> VoiceResponse:
    return flow().screen_answer(
        request.args.get("ref", ""), _int("attempt", 1), _int("vid"), request.form.get("Digits", "")
    )


@bp.post("/status")
@twilio_webhook
def status() -> VoiceResponse:
    call_status = request.form.get("CallStatus", "")
    if call_status in {"completed", "busy", "failed", "no-answer", "canceled"}:
        flow().status(_ref(), call_status, _int("CallDuration"))
    return VoiceResponse()
