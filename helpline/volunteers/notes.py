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
from dataclasses import dataclass

from helpline.prompts.sms_texts import TOPICS, SmsTexts
from helpline.settings import Settings
from helpline.state.counters import Counters
from helpline.store.unit_of_work import UnitOfWork
from helpline.volunteers.messages import Messages
from helpline.volunteers.timetable import Timetable

log = logging.getLogger(__name__)


@dataclass(kw_only=True, eq=False)
class Notes:
    """The after-call topic: asked by SMS, answered with one digit."""

    counters: Counters
    messages: Messages
    timetable: Timetable
    settings: Settings

    def request(self, uow: UnitOfWork, call_ref: str, volunteer_id: int) -> None:
        """Ask her for the topic of the call she just took (the use case commits)."""
        if self.settings.note_method != "sms":
            return
        volunteer = uow.volunteers.get(volunteer_id)
        if volunteer is None:
            return
        self.counters.await_note(volunteer_id, call_ref, self.settings.note_reply_minutes * 60)
        texts = self.timetable.texts_for(volunteer)
        body = texts.text("note_request", topics=texts.topic_menu())
        self.messages.send(uow, volunteer_id, "note_request", body)

    def answer(self, uow: UnitOfWork, volunteer_id: int, texts: SmsTexts, digit: int) -> str:
        """Store the topic her digit names with the call she was asked about (the use
        case commits); the reply."""
        if not 1 <= digit <= len(TOPICS):
            if self.counters.awaits_note(volunteer_id):
                return texts.text("not_understood") + " " + texts.topic_menu()
            return texts.text("note_none")
        call_ref = self.counters.take_note(volunteer_id)
        if call_ref is None:
            return texts.text("note_none")
        topic = TOPICS[digit - 1]
        if not uow.calls.set_topic(call_ref, volunteer_id, topic):
            log.warning("a note's call record was not found; the topic is dropped")
            return texts.text("note_none")
        return texts.text("note_saved", topic=texts.topics[topic])
