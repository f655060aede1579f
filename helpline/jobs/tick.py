"""The periodic tick: keeps Redis true to the schedules and closes what was left open.

``rq cron helpline.jobs.cron`` enqueues it every minute; the service's worker
(``helpline worker``) runs it. The tick is idempotent and, through a lock per
minute, runs once a minute even if two cron schedulers were started by mistake.
"""

from __future__ import annotations

import calendar
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from helpline.bootstrap import Helpline

log = logging.getLogger(__name__)


@dataclass
class TickReport:
    ran: bool
    on_shift: int = 0
    leases_expired: int = 0
    leases_renewed: int = 0
    stale_calls_closed: int = 0
    stale_calls_failed: int = 0
    records_flushed: int = 0
    checkins_reset: int = 0
    reminders_sent: int = 0
    records_deleted: int = 0
    failed: list[str] = field(default_factory=list)
    """The pieces of work that failed this run (logged; each is retried next run)."""


def run_tick(helpline: Helpline, now: datetime | None = None) -> TickReport:
    """Reset check-ins and send reminders, apply shift starts and ends, keep the
    leases of calls in progress, free lapsed reservations, close lost calls, and
    write spooled records, delete call records older than ``RETENTION_MONTHS``.

    Each piece runs on its own: one that fails (a service down, a bad item) is
    logged and skipped, and never stops the others; the next run tries again.
    """
    now = now or helpline.now()
    if not helpline.counters.claim_tick(now):
        log.info("tick for this minute already ran; skipped")
        return TickReport(ran=False)
    report = TickReport(ran=True)

    def piece(name: str, work: Callable[[], None]) -> None:
        try:
            work()
        except Exception:
            log.exception("tick: %s failed; the other work goes on", name)
            report.failed.append(name)

    def reminders() -> None:
        with helpline.db.unit_of_work() as uow:
            report.checkins_reset = helpline.reminders.settle(uow, now)
            report.reminders_sent = helpline.reminders.send(uow, now)
            uow.commit()

    def shifts() -> None:
        with helpline.db.unit_of_work() as uow:
            report.on_shift = len(helpline.shifts.sync(uow, now))

    def leases() -> None:
        report.leases_renewed = helpline.call_flow.keep_alive()
        report.leases_expired = len(helpline.availability.expire_leases())

    def stale() -> None:
        closing = helpline.call_flow.close_stale()
        report.stale_calls_closed, report.stale_calls_failed = closing.closed, closing.failed

    def spool() -> None:
        report.records_flushed = helpline.spool.flush()

    def retention() -> None:
        months = helpline.settings.retention_months
        if months:
            with helpline.db.unit_of_work() as uow:
                report.records_deleted = uow.calls.delete_started_before(
                    months_before(now, months))
                uow.commit()

    piece("reminders", reminders)
    piece("shifts", shifts)
    piece("leases", leases)
    piece("stale calls", stale)
    piece("spool", spool)
    piece("retention", retention)
    try:
        helpline.counters.tick_done(helpline.clock(), report.failed)
    except Exception:
        log.exception("tick: could not note its end in Redis")
    log.info("tick: %s", report)
    return report


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time ``months`` calendar months earlier (the month's last day
    when it is shorter)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)
