"""Outbound SMS to volunteers: a table row for coordinators, an RQ job to send it.

:meth:`Messages.send` writes an ``OutboundMessage`` (status ``queued``) and
enqueues :func:`deliver` with RQ retries and backoff; nothing here waits on
Twilio, so webhooks and the tick stay fast. The job looks her number up when it
runs, sends through the one REST client (:mod:`helpline.telephony`) and records
the outcome; after the last failed try the row says ``failed`` and the job sits
in RQ's failed registry, both shown by ``helpline messages failed``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from flask import Flask, current_app, has_app_context
from rq import Queue, Retry, get_current_job
from sqlalchemy import select
from sqlalchemy.orm import Session

from helpline.db import Database, get_db
from helpline.models import MessageStatus, OutboundMessage, Volunteer

log = logging.getLogger(__name__)

QUEUE = "helpline"  # the same queue as the tick: one worker command serves both


class Messages:
    def __init__(
        self,
        db: Database,
        queue: Queue,
        *,
        max_retries: int,
        retry_intervals: list[int],
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.db = db
        self.queue = queue
        self.retry = Retry(max=max_retries, interval=retry_intervals) if max_retries else None
        self.clock = clock

    def send(self, volunteer_id: int, kind: str, body: str,
             *, session: Session | None = None) -> int:
        """Queue one SMS to her; returns the message's id. Commits ``session`` if given."""
        message = OutboundMessage(
            volunteer_id=volunteer_id, kind=kind, body=body[:640],
            status=MessageStatus.QUEUED.value, created_at=self.clock(),
        )
        if session is not None:
            session.add(message)
            session.commit()
        else:
            with self.db.unit_of_work() as own:
                own.add(message)
                own.commit()
        # Only the row's id travels through Redis: no number, no text.
        self.queue.enqueue(deliver, message.id, retry=self.retry, job_timeout=60,
                           description=f"sms {kind} #{message.id}")
        return message.id


def deliver(message_id: int) -> str:
    """The RQ job: send one queued message. Raises on failure, so RQ retries."""
    from helpline.telephony import send_sms

    app = job_app()
    db = get_db(app)
    with db.unit_of_work() as session:
        message = session.get(OutboundMessage, message_id)
        if message is None:
            return "gone"  # her record was deleted (cascade): nothing to send
        if message.status == MessageStatus.SENT.value:
            return "already sent"
        phone = session.scalar(select(Volunteer.phone).where(Volunteer.id == message.volunteer_id))
        message.attempts += 1
        try:
            sid = send_sms(str(phone), message.body, app=app)
        except Exception as exc:
            job = get_current_job()
            last = job is None or not job.should_retry
            message.status = (MessageStatus.FAILED if last else MessageStatus.RETRYING).value
            message.error = f"{type(exc).__name__}: {exc}"[:300]
            session.commit()
            log.warning("sms #%d (%s) try %d failed: %s", message.id, message.kind,
                        message.attempts, type(exc).__name__)
            raise
        message.status = MessageStatus.SENT.value
        message.provider_sid = sid
        message.error = None
        message.sent_at = datetime.now(UTC)
        session.commit()
    return "sent"


def failed(session: Session, limit: int = 100) -> list[OutboundMessage]:
    """The messages that could not be sent, newest first."""
    return list(session.scalars(
        select(OutboundMessage)
        .where(OutboundMessage.status == MessageStatus.FAILED.value)
        .order_by(OutboundMessage.id.desc())
        .limit(limit)
    ))


def job_app() -> Flask:
    """The app of a job: the current one (tests, a worker run in an app context),
    else the worker process's own."""
    if has_app_context():
        return current_app._get_current_object()  # type: ignore[attr-defined,no-any-return]
    from helpline.tasks import worker_app

    return worker_app()
