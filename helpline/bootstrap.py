"""The parts of one running service, built once from the settings and wired together.

:func:`bootstrap` is the one place that builds adapters (database, Redis, the RQ
queue, Twilio's REST client) and hands them to the services that need them.
Every entry point uses it: the web app (:func:`helpline.app.create_app` keeps the
result in ``app.extensions``), the RQ worker (:mod:`helpline.jobs.worker`) and the
commands. Nothing here is kept in module globals: a second service in the same
process (tests build dozens) has parts of its own.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import redis
from flask import Flask, current_app

from helpline.clock import Clock, clock_for
from helpline.logs import configure_logging
from helpline.privacy import install_log_redaction
from helpline.prompts.catalog import Catalog, load_catalog
from helpline.prompts.recordings import Recordings
from helpline.prompts.sms_texts import SmsCatalog
from helpline.settings import ProductionRefused, Settings, production_problems
from helpline.shifts.service import Shifts
from helpline.state.calls import CallStates
from helpline.state.connection import connect
from helpline.state.counters import Counters
from helpline.state.embedded import EmbeddedRedis
from helpline.state.jobs import JobQueue
from helpline.state.keys import RedisKeys
from helpline.store.database import Database
from helpline.store.outbox import RecordSpool
from helpline.telephony import Telephony
from helpline.voice.flow import CallFlow
from helpline.volunteers.calls import CallReports
from helpline.volunteers.duty import Duty
from helpline.volunteers.messages import Messages
from helpline.volunteers.notes import Notes
from helpline.volunteers.reminders import Reminders
from helpline.volunteers.timetable import Timetable
from routing.availability import Availability

log = logging.getLogger(__name__)

EXTENSION = "helpline"


class Helpline:
    """One service: its settings, adapters and services, built in order."""

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock,
        catalog: Catalog,
        redis_client: redis.Redis,
        embedded_redis: EmbeddedRedis | None = None,
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.catalog = catalog
        self.recordings = Recordings.on_disk()
        self.sms_texts = SmsCatalog(settings.local_language)
        # adapters
        self.db = Database.from_settings(settings)
        self.redis = redis_client
        self.embedded_redis = embedded_redis  # the local run's own server, if any
        self.keys = RedisKeys(settings.redis_prefix)
        codes = [language.code for language in catalog.languages]
        self.availability = Availability(
            redis_client,
            languages=codes,
            prefix=settings.redis_prefix,
            ring_lease_seconds=settings.ring_lease_seconds,
            call_lease_seconds=settings.call_lease_seconds,
            wrapup_seconds=settings.wrapup_seconds,
            clock=clock,
            policies={code: policy for code, policy in settings.routing_policies.items()
                      if code in codes},
            timezone=ZoneInfo(settings.timezone),
        )
        self.call_states = CallStates(redis_client, self.keys)
        self.counters = Counters(redis_client, self.keys)
        self.jobs = JobQueue.on(redis_client, sms_retries=settings.sms_max_retries,
                                sms_intervals=settings.sms_retry_intervals)
        self.spool = RecordSpool(settings.instance / "outbox", self.db)
        self.telephony = Telephony(settings)
        # services
        self.shifts = Shifts(self.availability, self.known_languages, settings.timezone,
                             clock=self.now)
        self.timetable = Timetable(self.shifts, self.sms_texts, catalog, settings.timezone)
        self.messages = Messages(jobs=self.jobs, clock=self.now)
        self.notes = Notes(counters=self.counters, messages=self.messages,
                           timetable=self.timetable, settings=settings)
        self.duty = Duty(db=self.db, availability=self.availability, counters=self.counters,
                         shifts=self.shifts, timetable=self.timetable, notes=self.notes,
                         settings=settings, clock=self.now)
        self.reminders = Reminders(timetable=self.timetable, counters=self.counters,
                                   messages=self.messages, settings=settings)
        self.call_reports = CallReports(
            db=self.db, availability=self.availability, counters=self.counters,
            jobs=self.jobs, shifts=self.shifts, timetable=self.timetable,
            messages=self.messages, notes=self.notes, settings=settings, clock=self.now)
        self.call_flow = CallFlow(
            catalog=catalog, availability=self.availability, states=self.call_states,
            db=self.db, shifts=self.shifts, settings=settings, clock=clock,
            events=self.call_reports)

    @property
    def known_languages(self) -> dict[str, str]:
        """Code -> English name of every language the helpline serves."""
        return {language.code: language.english for language in self.catalog.languages}

    def now(self) -> datetime:
        """The service's clock as an aware UTC datetime."""
        return datetime.fromtimestamp(self.clock(), UTC)

    def close(self) -> None:
        """Let go of every connection, and stop the embedded Redis server if this
        process started it."""
        self.db.dispose()
        self.redis.close()
        if self.embedded_redis is not None:
            self.embedded_redis.stop()


def bootstrap(settings: Settings | None = None, *, clock: Clock | None = None) -> Helpline:
    """Build one service from ``settings`` (default: the environment).

    ``clock`` replaces the settings' clock (the in-process simulator shares its
    virtual clock this way). Raises on a bad languages file or setting; nothing
    talks to the database or Redis yet.
    """
    settings = settings or Settings()
    install_log_redaction()
    configure_logging(settings)
    check_production(settings)
    clock = clock or clock_for(settings)
    catalog = load_catalog(settings.languages_file, local=settings.local_language)
    client, embedded = connect(settings.redis_url, settings.instance,
                               timeout=settings.service_timeout_seconds)
    return Helpline(settings, clock=clock, catalog=catalog, redis_client=client,
                    embedded_redis=embedded)


def check_production(settings: Settings) -> None:
    """Refuse to start in production mode on a laptop default; on a laptop, say once
    which defaults are in use."""
    problems = production_problems(settings)
    if settings.is_production and problems:
        for problem in problems:
            log.error("production mode: %s", problem)
        raise ProductionRefused(problems)
    if problems:
        log.warning("running with laptop defaults (refused in production mode): %s",
                    "; ".join(p.split(":")[0] for p in problems))


def from_app(app: Flask | None = None) -> Helpline:
    """The service of ``app`` (default: the current Flask app)."""
    helpline: Helpline = (app or current_app).extensions[EXTENSION]
    return helpline
