"""The SMS webhook: volunteers' commands to the helpline number.

Only a registered, active volunteer's number is answered. Anyone else gets an
empty reply (no word about the service) and is logged without the number.
"""

from __future__ import annotations

import logging

from flask import Blueprint, request
from twilio.twiml.messaging_response import MessagingResponse

from helpline.bootstrap import from_app
from helpline.volunteers.commands import parse
from helpline.web.twilio import twilio_webhook
from schedules.phones import PhoneError, phone_number

log = logging.getLogger(__name__)

bp = Blueprint("sms", __name__, url_prefix="/sms")


@bp.post("/incoming")
@twilio_webhook
def incoming() -> MessagingResponse:
    response = MessagingResponse()
    try:
        sender = phone_number(request.form.get("From", ""), strict=True)
    except PhoneError:
        log.info("ignored an SMS without a usable sender")
        return response
    duty = from_app().duty
    volunteer_id = duty.volunteer_by_phone(sender)
    if volunteer_id is None:
        log.info("ignored an SMS from a number that is not a volunteer's")
        return response
    command = parse(request.form.get("Body", ""))
    log.info("sms command %s from volunteer %d", command.action, volunteer_id)
    response.message(duty.handle(volunteer_id, command))
    return response
