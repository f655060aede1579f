"""What a run does before serving: the schema up to date, demo data if asked, Redis
rebuilt from the truth, and the call records this host spooled while the database
was down written (in the background: :func:`flush_spool_in_background`).

The demo volunteers and schedules come from ``schedules/examples``: volunteers
for every language with numbers in a fictional range, and weekly shifts. Nobody
real is ever rung by a local run (Twilio is not involved until a real number is
pointed at the service).
"""

from __future__ import annotations

import logging
import threading

from helpline.bootstrap import Helpline
from helpline.settings import ProductionRefused
from helpline.shifts.files import read_files
from helpline.shifts.service import Truth
from helpline.store.migrations import upgrade
from helpline.store.unit_of_work import UnitOfWork
from helpline.volunteers.directory import upsert_volunteers
from schedules import examples
from schedules.volunteers import load_volunteers

log = logging.getLogger(__name__)

EXAMPLES = examples.DIRECTORY


def load_demo(helpline: Helpline, uow: UnitOfWork) -> int:
    """Load the example volunteers and schedules if the database has no volunteers.
    Returns how many volunteers were added; the use case commits. Never in production."""
    if helpline.settings.is_production:
        raise ProductionRefused(["the demo volunteers are never loaded in production mode"])
    if uow.volunteers.count():
        return 0
    listed = load_volunteers(EXAMPLES / "volunteers.yaml", list(helpline.known_languages),
                             reserved=helpline.settings.own_numbers)
    added, _ = upsert_volunteers(uow, listed, local_language=helpline.settings.local_language)
    texts = {name: text for name, (_path, text) in read_files([EXAMPLES]).items()}
    helpline.shifts.replace(uow, texts, actor="demo")
    return added


def prepare(helpline: Helpline, *, demo: bool) -> tuple[int, Truth]:
    """Migrate, load the demo data if asked and the database is empty, rebuild Redis.
    Returns how many demo volunteers were added and who is on shift now."""
    upgrade(helpline.db.url)
    added = 0
    with helpline.db.unit_of_work() as uow:
        if demo:
            added = load_demo(helpline, uow)
            uow.commit()
        truth = helpline.shifts.sync(uow, helpline.now())
    flush_spool_in_background(helpline)
    return added, truth


def flush_spool_in_background(helpline: Helpline) -> threading.Thread:
    """Write the call records this host spooled while the database was down.

    In a thread of its own, so that a web process starts and answers calls at
    once even when the database does not answer (the flush would wait for it);
    if it fails, the periodic tick and the next status callback try again.
    """

    def flush() -> None:
        try:
            helpline.spool.flush()
        except Exception as error:  # the thread must not die with a traceback
            log.error("spooled call records not written at start-up (%s); "
                      "the periodic tick will try again", type(error).__name__)

    thread = threading.Thread(target=flush, name="spool-flush", daemon=True)
    thread.start()
    return thread
