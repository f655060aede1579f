"""The background jobs (RQ): each runs one use case with the worker's service.

Enqueued by name through :class:`helpline.state.jobs.JobQueue` (only ids and
counts travel through Redis) and run by :class:`helpline.jobs.worker.HelplineWorker`.
"""

from __future__ import annotations

from datetime import datetime

from rq import get_current_job

from helpline.jobs.tick import TickReport, run_tick
from helpline.jobs.worker import current
from helpline.volunteers.messages import Delivery, deliver


def tick(at: str | None = None) -> TickReport:
    """One tick of the service (``at``: an ISO instant, default now); see :mod:`.tick`."""
    return run_tick(current(), datetime.fromisoformat(at) if at else None)


def deliver_sms(message_id: int) -> Delivery:
    """Send one queued SMS. Raises on failure, so RQ retries."""
    helpline = current()
    job = get_current_job()
    last_try = job is None or not job.should_retry
    return deliver(helpline.db, helpline.telephony, message_id, last_try=last_try)


def pause_after_misses(volunteer_id: int, count: int) -> None:
    """Record the pause of a volunteer who missed calls in a row, and tell her."""
    current().call_reports.pause_for_misses(volunteer_id, count)
