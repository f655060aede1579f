"""Who is on shift: the stored schedule read as one Schedule, and the router kept in step.

The schedule documents in the database are the truth of who is on shift when;
every change (an import, an edit in the coordinators' interface) is validated as
a whole by the ``schedules`` package before it is stored, and the router follows
at once (:meth:`Shifts.follow`); the periodic tick repeats it every minute. The
Redis availability queue is only a cache of :meth:`Shifts.truth`.

The parsed schedule and its roster index are kept by the :class:`Shifts` object
(one per service), parsed again only when the documents changed: one cheap query
decides, fast enough for every call.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Mapping
from datetime import UTC, datetime

from helpline.store.models import Volunteer
from helpline.store.unit_of_work import UnitOfWork
from routing.availability import Availability
from routing.model import VolunteerTruth
from schedules.coverage import WeeklyHours, language_hours
from schedules.model import Schedule
from schedules.roster import Roster
from schedules.rules import Occurrence, occurrences
from schedules.yaml_io import load_texts

log = logging.getLogger(__name__)

KnownLanguages = Mapping[str, str]  # code -> name used in problems ("Somali")
Truth = dict[int, VolunteerTruth]  # every volunteer on shift now, by id


def load_schedule(uow: UnitOfWork, known: KnownLanguages) -> Schedule | None:
    """The stored schedule, parsed now; None when none has been imported yet.
    Raises ScheduleError when the stored documents no longer fit the volunteers."""
    texts = uow.schedule.texts()
    if not texts:
        return None
    return load_texts(texts, known, uow.volunteers.languages_spoken())


def is_paused(volunteer: Volunteer, now: datetime) -> bool:
    until = volunteer.paused_until
    if until is None:
        return False
    if until.tzinfo is None:  # SQLite hands back naive datetimes; they are stored in UTC
        until = until.replace(tzinfo=UTC)
    return until > now


class Shifts:
    """The schedule service of one helpline."""

    def __init__(self, availability: Availability, known: KnownLanguages, timezone: str, *,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.availability = availability
        self.known = known
        self.timezone = timezone
        # the service's clock (faster than the wall clock under CLOCK_SPEED, as in the
        # demo): "now" of a sync that names no time
        self.clock = clock
        self._parsed: tuple[tuple[object, ...], Schedule | None, Roster | None] | None = None

    # -- reading -------------------------------------------------------------------

    def load(self, uow: UnitOfWork) -> Schedule | None:
        """The stored schedule, parsed now (see :func:`load_schedule`)."""
        return load_schedule(uow, self.known)

    def current(self, uow: UnitOfWork) -> Schedule | None:
        """Like :meth:`load`, from the copy kept while the documents stay the same."""
        return self._current(uow)[0]

    def roster(self, uow: UnitOfWork) -> Roster | None:
        """An index of the current schedule, for "who is on shift" at any instant."""
        return self._current(uow)[1]

    def _current(self, uow: UnitOfWork) -> tuple[Schedule | None, Roster | None]:
        version = uow.schedule.version()
        parsed = self._parsed
        if parsed is None or parsed[0] != version:
            schedule = self.load(uow)
            parsed = (version, schedule, Roster(schedule) if schedule is not None else None)
            self._parsed = parsed
        return parsed[1], parsed[2]

    def on_shift(self, uow: UnitOfWork, language: str, now: datetime) -> bool:
        """Whether anybody is on shift for ``language`` at ``now``."""
        roster = self.roster(uow)
        return roster is not None and bool(roster.on_shift(language, now))

    def hours(self, uow: UnitOfWork, language: str) -> WeeklyHours | None:
        """When ``language`` is answered in a usual week (None: no schedule)."""
        schedule = self.current(uow)
        return None if schedule is None else language_hours(schedule, language)

    def occurrences(self, uow: UnitOfWork, start: datetime, end: datetime
                    ) -> dict[str, list[Occurrence]]:
        """Each volunteer's (by key) shifts between ``start`` and ``end``."""
        schedule = self.current(uow)
        found: dict[str, list[Occurrence]] = defaultdict(list)
        if schedule is not None:
            for one in occurrences(schedule, start, end):
                found[one.volunteer].append(one)
        return found

    def truth(self, uow: UnitOfWork, now: datetime) -> Truth:
        """Every active volunteer on shift at ``now``: her languages with their routing
        tier, and whether she is checked in (not off duty or paused by her own choice)."""
        roster = self.roster(uow)
        if roster is None:
            return {}
        by_key = {v.key: v for v in uow.volunteers.all()}
        languages: dict[int, dict[str, str]] = {}
        for language, keys in roster.on_shift_all(now).items():
            for key in keys:
                volunteer = by_key.get(key)
                if volunteer is None or not volunteer.active:
                    continue
                level = volunteer.speaks().get(language, "primary")
                languages.setdefault(volunteer.id, {})[language] = str(level)
        volunteers = {v.id: v for v in by_key.values()}
        return {
            vid: VolunteerTruth(
                languages=langs,
                checked_in=volunteers[vid].checked_in and not is_paused(volunteers[vid], now),
            )
            for vid, langs in languages.items()
        }

    # -- the router follows ----------------------------------------------------------

    def sync(self, uow: UnitOfWork, now: datetime | None = None) -> Truth:
        """Make Redis match the truth at ``now``; calls in progress are not disturbed."""
        truth = self.truth(uow, now or self.clock())
        self.availability.rebuild(truth)
        return truth

    def follow(self, uow: UnitOfWork, now: datetime | None = None) -> None:
        """After a stored change: bring Redis up to date now. A failure is logged, not
        raised: the change is stored, and the periodic tick brings Redis up to date."""
        try:
            self.sync(uow, now)
        except Exception:  # noqa: BLE001  (Redis down must not undo a stored change)
            log.exception("the router could not be updated at once; the periodic tick will")

    # -- changing ---------------------------------------------------------------------

    def replace(self, uow: UnitOfWork, texts: Mapping[str, str], *, actor: str,
                now: datetime | None = None) -> Schedule:
        """Validate ``texts`` as the whole schedule and store them in place of the old
        documents (the use case commits). Raises ScheduleError, storing nothing."""
        schedule = load_texts(texts, self.known, uow.volunteers.languages_spoken())
        uow.schedule.replace(texts, actor=actor, now=now or datetime.now(UTC))
        return schedule

    def check(self, uow: UnitOfWork) -> None:
        """Raise ScheduleError if the stored schedule no longer fits the volunteers
        (call after flushing a change to volunteers, before committing)."""
        self.load(uow)
