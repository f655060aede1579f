"""The coordinator interface's link to the schedule store and the router.

Every change a coordinator makes is checked against the whole schedule before it
is committed (a volunteer may not lose a language she has shifts in), and the
router follows at once after the commit (``helpline.roster.apply_now``).
"""

from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)


def known() -> dict[str, str]:
    from helpline.roster import known_languages

    return known_languages(current_app)


def check_schedule(session: Session) -> None:
    """Raise ScheduleError if the stored schedule no longer fits the volunteers
    (call after flushing a change to volunteers, before committing)."""
    from helpline.schedule_store import load_schedule

    load_schedule(session, known())


def router_follows(session: Session) -> None:
    """After a commit: bring Redis up to date now. A failure is logged, not raised:
    the change is stored, and the periodic job will bring Redis up to date."""
    from helpline.roster import apply_now

    try:
        apply_now(current_app, session)
    except Exception:  # noqa: BLE001  (Redis down must not undo a stored change)
        log.exception("the router could not be updated at once; the periodic job will")
