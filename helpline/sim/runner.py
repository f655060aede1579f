"""Run a simulation against the in-process app or a service at a URL."""

from __future__ import annotations

import http.client
import random
import threading
import time
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import Flask

from helpline.app import create_app
from helpline.bootstrap import from_app
from helpline.settings import Settings
from helpline.sim.engine import Command, Engine, Wait
from helpline.sim.people import Arrivals, Behaviour, Volunteers
from helpline.sim.report import Report, build
from helpline.sim.telephony import Twilio
from helpline.sim.webhook import Transport, Webhooks
from helpline.store.migrations import upgrade

Roster = Callable[[float], Mapping[int, Mapping[str, str]]]  # at -> volunteers on shift


@dataclass
class SimulationSettings:
    hours: float = 1.0
    speed: float | None = None  # None: virtual time, as fast as possible
    seed: int = 1
    behaviour: Behaviour = field(default_factory=Behaviour)
    languages: dict[str, str] = field(default_factory=dict)  # code -> digits: who calls
    menu: dict[str, str] | None = None  # digits -> code: the whole menu (default: languages)
    weights: dict[str, float] | None = None
    local_language: str = "nb"
    timezone: str = "Europe/Oslo"
    helpline_number: str = "+4799999000"
    auth_token: str = "local-development-token"
    base_url: str = "http://127.0.0.1:5000"
    start: float | None = None
    tick_minutes: float = 5.0
    concurrency: int = 32


def flask_transport(app: Flask) -> Transport:
    """Posts to the app in process (a test client per thread, for paced runs)."""
    local = threading.local()

    def transport(path: str, form: Mapping[str, str], headers: Mapping[str, str]
                  ) -> tuple[int, str]:
        client = getattr(local, "client", None)
        if client is None:
            client = local.client = app.test_client()
        response = client.post(path, data=dict(form), headers=dict(headers))
        return response.status_code, response.get_data(as_text=True)

    return transport


def http_transport(url: str, timeout: float = 15.0) -> Transport:
    """Posts to the service at ``url`` (one keep-alive connection per thread)."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port
    secure = parts.scheme == "https"
    local = threading.local()

    def connection() -> http.client.HTTPConnection:
        conn: http.client.HTTPConnection | None = getattr(local, "conn", None)
        if conn is None:
            cls = http.client.HTTPSConnection if secure else http.client.HTTPConnection
            conn = cls(host, port, timeout=timeout)
            local.conn = conn
        return conn

    def transport(path: str, form: Mapping[str, str], headers: Mapping[str, str]
                  ) -> tuple[int, str]:
        body = urlencode(dict(form))
        all_headers = {"Content-Type": "application/x-www-form-urlencoded", **headers}
        for retry in (False, True):
            conn = connection()
            try:
                conn.request("POST", path, body=body, headers=all_headers)
                response = conn.getresponse()
                text = response.read().decode()
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
                    local.conn = None
                return response.status, text
            except (http.client.HTTPException, ConnectionError):
                conn.close()
                local.conn = None
                if retry:
                    raise
        raise AssertionError("unreachable")

    return transport


class Simulation:
    """Callers arriving for ``hours``, their calls through Twilio (simulated), a report."""

    def __init__(self, settings: SimulationSettings, transport: Transport | None = None, *,
                 roster: Roster | None = None) -> None:
        self.settings = settings
        start = settings.start if settings.start is not None else time.time()
        self._transport = transport
        self.webhooks = Webhooks(self._send, auth_token=settings.auth_token,
                                 base_url=settings.base_url)
        self.engine = Engine(self.webhooks, start=start, speed=settings.speed,
                             concurrency=settings.concurrency)
        rng = random.Random(settings.seed)
        self.twilio = Twilio(self.engine, Volunteers(settings.behaviour, rng), rng,
                             helpline_number=settings.helpline_number,
                             local_language=settings.local_language,
                             menu=settings.menu or {d: c for c, d in settings.languages.items()})
        self.arrivals = Arrivals(settings.behaviour, settings.languages,
                                 timezone=settings.timezone, rng=rng, weights=settings.weights)
        self.roster = roster
        self.on_shift_seconds: dict[str, float] = {}
        self.overall_on_shift = 0.0
        self.callers: list[str] = []
        self._real_start = time.perf_counter()

    def connect(self, transport: Transport) -> None:
        self._transport = transport

    def _send(self, path: str, form: Mapping[str, str], headers: Mapping[str, str]
              ) -> tuple[int, str]:
        assert self._transport is not None, "connect() the simulation to a service first"
        return self._transport(path, form, headers)

    @property
    def end(self) -> float:
        return self.engine.start + self.settings.hours * 3600

    def _arrive(self) -> Generator[Command, Any, None]:
        for at, code in self.arrivals.merged(self.engine.start, self.end):
            yield Wait(at - self.engine.now())
            caller = self.arrivals.caller(code)
            self.callers.append(caller.number)
            self.engine.spawn(self.twilio.call(caller))

    def _ticks(self) -> Generator[Command, Any, None]:
        assert self.roster is not None
        step = self.settings.tick_minutes * 60
        while self.engine.now() < self.end:
            truth = self.roster(self.engine.now())
            span = min(step, self.end - self.engine.now())
            self.overall_on_shift += len(truth) * span
            for languages in truth.values():
                for code in languages:
                    self.on_shift_seconds[code] = self.on_shift_seconds.get(code, 0.0) + span
            yield Wait(step)

    def run(self, progress: Callable[[float, int], None] | None = None) -> Report:
        """Run to the end (calls in progress at the end are finished); ``progress``
        gets the simulated seconds done and the calls placed."""
        real_start = time.perf_counter()
        if self.roster is not None:
            self.engine.spawn(self._ticks())
        self.engine.spawn(self._arrive())
        last = [0.0]

        def tick(now: float) -> None:
            moment = time.perf_counter()
            if progress is not None and moment - last[0] > 0.1:
                last[0] = moment
                progress(min(now, self.end) - self.engine.start, len(self.twilio.results))

        self._real_start = real_start
        self.engine.run(tick=tick)
        if progress is not None:
            progress(self.end - self.engine.start, len(self.twilio.results))
        return self.report()

    def report(self) -> Report:
        """The report of what has happened so far (also after an interruption)."""
        real = time.perf_counter() - self._real_start
        simulated = min(self.engine.now(), self.end) - self.engine.start
        return build(
            self.twilio.results,
            simulated_seconds=simulated,
            real_seconds=real,
            latencies=self.engine.latencies,
            double_booked=len(self.twilio.ledger.double_booked),
            on_shift_seconds=self.on_shift_seconds if self.roster is not None else None,
            overall_on_shift=self.overall_on_shift if self.roster is not None else None,
            warnings=self.twilio.warnings,
            errors=[*self.engine.errors,
                    *(r.error for r in self.twilio.results if r.error)],
        )


# -- the in-process service ------------------------------------------------


def in_process_app(settings: Settings, clock: Callable[[], float]) -> Flask:
    """The app with its database migrated, sharing the simulation's clock."""
    app = create_app(settings, clock=clock)
    upgrade(from_app(app).db.url)
    return app


def app_roster(app: Flask) -> Roster:
    """The periodic tick, on the simulation's clock: shifts into Redis, lapsed leases
    freed; returns who is on shift (for utilisation)."""
    helpline = from_app(app)

    def roster(at: float) -> Mapping[int, Mapping[str, str]]:
        with helpline.db.unit_of_work() as uow:
            truth = helpline.shifts.sync(uow, datetime.fromtimestamp(at, UTC))
        helpline.availability.expire_leases()
        return {vid: dict(one.tiers()) for vid, one in truth.items() if one.checked_in}

    return roster


def settings_for_app(app: Flask, **overrides: Any) -> SimulationSettings:
    """Simulation settings that match the app's settings and menu."""
    helpline = from_app(app)
    catalog, settings = helpline.catalog, helpline.settings
    values: dict[str, Any] = {
        "languages": {lang.code: lang.digits for lang in catalog.languages},
        "menu": {lang.digits: lang.code for lang in catalog.languages},
        "local_language": catalog.local.code,
        "timezone": settings.timezone,
        "helpline_number": settings.helpline_number,
        "auth_token": settings.twilio_auth_token.get_secret_value(),
        "base_url": settings.public_base_url or "http://localhost",
    }
    values.update(overrides)
    return SimulationSettings(**values)
