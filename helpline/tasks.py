"""Background jobs (RQ), and the periodic tick that keeps Redis true to the schedules.

``rq cron helpline.cron`` enqueues :func:`tick` every minute; an RQ worker
(``rq worker helpline``) runs it. The tick is idempotent and, through a lock
per minute, runs once a minute even if two cron schedulers were started by
mistake.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask

from helpline import duty, outbox
from helpline.db import get_db
from helpline.live import get_live
from helpline.roster import apply_now

log = logging.getLogger(__name__)

QUEUE = "helpline"

_app: Flask | None = None


def worker_app() -> Flask:
    """The app of this worker process, built once."""
    global _app
    if _app is None:
        from helpline import create_app

        _app = create_app()
    return _app


@dataclass(frozen=True)
class TickReport:
    ran: bool
    on_shift: int = 0
    leases_expired: int = 0
    stale_calls_closed: int = 0
    records_flushed: int = 0
    checkins_reset: int = 0
    reminders_sent: int = 0


def tick(at: str | None = None) -> TickReport:
    """The RQ job: one tick of the worker's app (``at``: an ISO instant, default now)."""
    return run_tick(worker_app(), datetime.fromisoformat(at) if at else None)


def run_tick(app: Flask, now: datetime | None = None) -> TickReport:
    """Apply shift starts and ends, free lapsed reservations, close lost calls,
    and write spooled records."""
    now = now or datetime.now(UTC)
    live = get_live(app)
    lock = f"{app.config['REDIS_PREFIX']}:tick:{now.strftime('%Y%m%d%H%M')}"
    if not live.client.set(lock, "1", nx=True, ex=120):
        log.info("tick for this minute already ran; skipped")
        return TickReport(ran=False)
    db = get_db(app)
    checkins_reset, reminders_sent = duty.run_tick(app, now)
    with db.unit_of_work() as session:
        truth = apply_now(app, session, now)
    expired = live.availability.expire_leases()
    with app.app_context():
        from helpline.webhooks.voice import flow

        closed = flow().close_stale(float(app.config["CALL_LEASE_SECONDS"]))
    flushed = outbox.flush(Path(app.instance_path) / "outbox", db)
    report = TickReport(
        True, len(truth), len(expired), closed, flushed, checkins_reset, reminders_sent
    )
    log.info("tick: %s", report)
    return report


