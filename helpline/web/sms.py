"""The SMS webhook: volunteers' commands to the helpline number.

Only a registered, active volunteer's number is answered. Anyone else gets an
empty reply (no word about the service) and is logged without the number. The
reply comes in the webhook's answer, or, when the database is too slow for
the budget, as an SMS of its own (an RQ job) once it is ready.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import Blueprint, request
from twilio.twiml.messaging_response import MessagingResponse

from helpline.bootstrap import Helpline, from_app
from helpline.volunteers.commands import parse
from helpline.web.budget import in_background
from helpline.web.twilio import twilio_webhook
from schedules.phones import PhoneError, phone_number

log = logging.getLogger(__name__)

bp = Blueprint("sms", __name__, url_prefix="/sms")


@bp.post("/incoming")
@twilio_webhook
def incoming() -> MessagingResponse:
    """Her command is carried out in the background pool within the budget
    (:func:`.budget.in_background`); a reply not ready in time (a slow database)
    is sent to her as an SMS of its own once it is."""
    response = MessagingResponse()
    try:
        sender = phone_number(request.form.get("From", ""), strict=True)
    except PhoneError:
        log.info("ignored an SMS without a usable sender")
        return response
    helpline, body = from_app(), request.form.get("Body", "")
    answer = in_background(lambda: _carry_out(helpline, sender, body),
                           late=lambda late: _send_later(helpline, late))
    if answer is not None:
        response.message(answer.text)
    return response


@dataclass(frozen=True)
class Answer:
    volunteer_id: int
    text: str


def _carry_out(helpline: Helpline, sender: str, body: str) -> Answer | None:
    volunteer_id = helpline.duty.volunteer_by_phone(sender)
    if volunteer_id is None:
        log.info("ignored an SMS from a number that is not a volunteer's")
        return None
    command = parse(body)
    log.info("sms command %s from volunteer %d", command.action, volunteer_id)
    return Answer(volunteer_id, helpline.duty.handle(volunteer_id, command))


def _send_later(helpline: Helpline, answer: Answer | None) -> None:
    if answer is None:
        return
    with helpline.db.unit_of_work() as uow:
        helpline.messages.send(uow, answer.volunteer_id, "reply", answer.text)
        uow.commit()
    log.info("the reply to volunteer %d's SMS was late; it goes as an SMS of its own",
             answer.volunteer_id)
