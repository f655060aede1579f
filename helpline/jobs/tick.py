"""The periodic tick: keeps Redis true to the schedules and closes what was left open.

``rq cron helpline.jobs.cron`` enqueues it every minute; the service's worker
(``helpline worker``) runs it. The tick is idempotent and, through a lock per
minute, runs once a minute even if two cron schedulers were started by mistake.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from helpline.bootstrap import Helpline

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TickReport:
    ran: bool
    on_shift: int = 0
    leases_expired: int = 0
    leases_renewed: int = 0
    stale_calls_closed: int = 0
    records_flushed: int = 0
    checkins_reset: int = 0
    reminders_sent: int = 0


def run_tick(helpline: Helpline, now: datetime | None = None) -> TickReport:
    """Reset check-ins and send reminders, apply shift starts and ends, keep the
    leases of calls in progress, free lapsed reservations, close lost calls, and
    write spooled records."""
    now = now or helpline.now()
    if not helpline.counters.claim_tick(now):
        log.info("tick for this minute already ran; skipped")
        return TickReport(ran=False)
    with helpline.db.unit_of_work() as uow:
        checkins_reset = helpline.reminders.settle(uow, now)
        reminders_sent = helpline.reminders.send(uow, now)
        uow.commit()
    with helpline.db.unit_of_work() as uow:
        truth = helpline.shifts.sync(uow, now)
    flow = helpline.call_flow
    renewed = flow.keep_alive()
    expired = helpline.availability.expire_leases()
    closed = flow.close_stale()
    flushed = helpline.spool.flush()
    report = TickReport(True, len(truth), len(expired), renewed, closed, flushed,
                        checkins_reset, reminders_sent)
    log.info("tick: %s", report)
    return report
