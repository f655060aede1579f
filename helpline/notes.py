"""The anonymous note after a call: its topic, answered by the volunteer with one digit.

When an answered call ends, the volunteer who took it gets an SMS with the
short list of topics (``NOTE_METHOD=sms``). A pending-note entry in Redis,
keyed by her volunteer id, holds the call's opaque ref for
``NOTE_REPLY_MINUTES``; her digit reply is matched through it and stored as
``CallRecord.topic``. Nothing about the caller is stored or sent: the ref is a
keyed hash of the call, and the SMS names no one. A newer call replaces the
pending note of an older one (she is asked about the newer one).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from sqlalchemy import update
from sqlalchemy.orm import Session

from helpline.models import CallRecord
from helpline.sms_texts import TOPICS, SmsTexts

if TYPE_CHECKING:
    from helpline.duty import Duty

log = logging.getLogger(__name__)


def request(duty: Duty, call_ref: str, volunteer_id: int) -> None:
    """Ask her for the topic of the call she just took."""
    if duty.settings.note_method != "sms":
        return
    ttl = duty.settings.note_reply_minutes * 60
    duty.client.set(duty.keys.note(volunteer_id), call_ref, ex=ttl)
    with duty.db.unit_of_work() as session:
        from helpline.models import Volunteer

        volunteer = session.get(Volunteer, volunteer_id)
        if volunteer is None:
            return
        texts = duty.texts_for(volunteer)
        body = texts.text("note_request", topics=texts.topic_menu())
        duty.messages.send(volunteer_id, "note_request", body, session=session)


def answer(duty: Duty, session: Session, volunteer_id: int, texts: SmsTexts, digit: int) -> str:
    """Store the topic her digit names with the call she was asked about; the reply."""
    key = duty.keys.note(volunteer_id)
    if not 1 <= digit <= len(TOPICS):
        if duty.client.exists(key):
            return texts.text("not_understood") + " " + texts.topic_menu()
        return texts.text("note_none")
    raw = duty.client.getdel(key)
    if raw is None:
        return texts.text("note_none")
    call_ref = raw.decode() if isinstance(raw, bytes) else str(raw)
    topic = TOPICS[digit - 1]
    result = session.execute(
        update(CallRecord)
        .where(CallRecord.call_ref == call_ref)
        .where(CallRecord.volunteer_id == volunteer_id)
        .values(topic=topic)
    )
    session.commit()
    if not getattr(result, "rowcount", 1):
        log.warning("a note's call record was not found; the topic is dropped")
        return texts.text("note_none")
    return texts.text("note_saved", topic=texts.topics[topic])
