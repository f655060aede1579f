"""Outbound SMS to volunteers: a table row for coordinators, an RQ job to send it.

:meth:`Messages.send` adds an ``OutboundMessage`` (status ``queued``) to the use
case's unit of work and, once that commits, enqueues the job that sends it, with
RQ retries and backoff; nothing here waits on Twilio, so webhooks and the tick
stay fast. :func:`deliver` (run by the job) looks her number up when it runs,
sends through the one REST client and records the outcome; after the last failed
try the row says ``failed`` and the job sits in RQ's failed registry, both shown
by ``helpline messages failed``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal, Protocol

from helpline.state.jobs import JobQueue
from helpline.store.database import Database
from helpline.store.models import MessageStatus, OutboundMessage
from helpline.store.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

MAX_LENGTH = 640

Delivery = Literal["sent", "already sent", "gone"]


class SmsSender(Protocol):
    """Sends one SMS from the helpline number; Twilio's message sid. Raises on failure."""

    def send_sms(self, to: str, body: str) -> str: ...


@dataclass(kw_only=True, eq=False)
class Messages:
    """SMS to volunteers, queued with the use case's changes."""

    jobs: JobQueue
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)

    def send(self, uow: UnitOfWork, volunteer_id: int, kind: str, body: str) -> int:
        """Queue one SMS to her with the use case's changes; returns the message's id.
        The job that sends it is enqueued when ``uow`` commits."""
        message = OutboundMessage(
            volunteer_id=volunteer_id, kind=kind, body=body[:MAX_LENGTH],
            status=MessageStatus.QUEUED.value, created_at=self.clock(),
        )
        message_id = uow.messages.add(message)
        # Only the row's id travels through Redis: no number, no text.
        uow.on_commit(lambda: self.jobs.deliver_sms(message_id, kind))
        return message_id


def deliver(db: Database, sender: SmsSender, message_id: int, *, last_try: bool) -> Delivery:
    """Send one queued message and record how it went (the job's use case).

    Raises when the send fails (after recording it), so RQ retries; ``last_try``
    says whether RQ will try again, so the row says ``retrying`` or ``failed``.
    """
    with db.unit_of_work() as uow:
        message = uow.messages.get(message_id)
        if message is None:
            return "gone"  # her record was deleted (cascade): nothing to send
        if message.status == MessageStatus.SENT.value:
            return "already sent"
        phone = uow.volunteers.phone(message.volunteer_id)
        message.attempts += 1
        try:
            sid = sender.send_sms(str(phone), message.body)
        except Exception as exc:
            message.status = (MessageStatus.FAILED if last_try else MessageStatus.RETRYING).value
            message.error = f"{type(exc).__name__}: {exc}"[:300]
            uow.commit()
            log.warning("sms #%d (%s) try %d failed: %s", message.id, message.kind,
                        message.attempts, type(exc).__name__)
            raise
        message.status = MessageStatus.SENT.value
        message.provider_sid = sid
        message.error = None
        message.sent_at = datetime.now(UTC)
        uow.commit()
    return "sent"
