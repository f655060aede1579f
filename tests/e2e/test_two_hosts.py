"""Two web hosts on one PostgreSQL and one Redis: a call's steps may reach either.

Each "host" is a gunicorn server of its own, with an instance folder of its own,
started the way production starts it; the Twilio side alternates between them
at every request, as a load balancer may. Nothing a step needs may live in one
process: each call still rings one volunteer at a time, gets one record, and
leaves nobody held.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from itertools import cycle
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from helpline.bootstrap import Helpline, bootstrap
from helpline.settings import Settings
from helpline.sim.webhook import Webhooks
from routing.model import VolunteerState
from tests.support import add_volunteer, digits_of, records, sync

from .conftest import AUTH_TOKEN, BASE_URL, HELPLINE_NUMBER
from .twilio_walk import CallWalk, dialled

pytestmark = pytest.mark.slow

METRICS_TOKEN = "two-hosts-metrics"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def production_command(port: int) -> list[str]:
    """The web service as deploy/systemd/helpline-web.service starts it."""
    return [sys.executable, "-m", "gunicorn", "-c", "python:helpline.gunicorn_conf",
            "-w", "2", "-b", f"127.0.0.1:{port}", "helpline.wsgi:app"]


@pytest.fixture
def settings(database_url: str, redis_url: str, tmp_path: Path, redis_client: Any
             ) -> Settings:
    return Settings(database_url=database_url, redis_url=redis_url, redis_prefix="htest",
                    twilio_auth_token=AUTH_TOKEN, public_base_url=BASE_URL,
                    helpline_number=HELPLINE_NUMBER, caller_hash_secret="two-hosts-secret",
                    instance_path=tmp_path / "tests-own", production=False)


@pytest.fixture
def helpline(settings: Settings) -> Iterator[Helpline]:
    service = bootstrap(settings)
    service.db.create_all()
    yield service
    service.close()


@pytest.fixture
def hosts(settings: Settings, helpline: Helpline, tmp_path: Path) -> Iterator[list[int]]:
    env = {**os.environ, "PYTHONPATH": str(Path.cwd()),
           "DATABASE_URL": settings.database_url or "",
           "REDIS_URL": settings.redis_url or "", "REDIS_PREFIX": settings.redis_prefix,
           "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "PUBLIC_BASE_URL": BASE_URL, "PRODUCTION": "false",
           "HELPLINE_NUMBER": HELPLINE_NUMBER, "CALLER_HASH_SECRET": "two-hosts-secret",
           "METRICS_TOKEN": METRICS_TOKEN}
    ports, servers = [free_port(), free_port()], []
    try:
        for n, port in enumerate(ports):
            metrics = tmp_path / f"host{n}-metrics"
            metrics.mkdir()
            servers.append(subprocess.Popen(
                production_command(port), start_new_session=True,
                env={**env, "INSTANCE_PATH": str(tmp_path / f"host{n}"),
                     "PROMETHEUS_MULTIPROC_DIR": str(metrics)},
                stdout=subprocess.DEVNULL, stderr=open(tmp_path / f"host{n}.log", "wb")))
        for port in ports:
            wait_until_up(port)
        yield ports
    finally:
        for server in servers:
            os.killpg(server.pid, signal.SIGTERM)
        for server in servers:
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()


def wait_until_up(port: int) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5).read()
            return
        except OSError:  # refused, reset or timed out while it starts
            time.sleep(0.2)
    raise AssertionError(f"gunicorn on port {port} did not start")


def alternating(ports: list[int]) -> Webhooks:
    """Webhooks signed for the public address, each posted to the next host."""
    next_port = cycle(ports)

    def transport(path: str, form: Mapping[str, str], headers: Mapping[str, str]
                  ) -> tuple[int, str]:
        request = urllib.request.Request(
            f"http://127.0.0.1:{next(next_port)}{path}", data=urlencode(form).encode(),
            headers=dict(headers))
        try:
            with urllib.request.urlopen(request, timeout=10) as reply:
                return reply.status, reply.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    return Webhooks(transport, auth_token=AUTH_TOKEN, base_url=BASE_URL)


def test_calls_whose_steps_alternate_between_two_hosts(helpline: Helpline,
                                                       hosts: list[int]) -> None:
    volunteers = [add_volunteer(helpline, f"so{n}", f"+479100050{n}", ["so"]) for n in range(2)]
    sync(helpline)
    webhooks = alternating(hosts)

    answered = CallWalk(webhooks, "+4798765501")
    dial = answered.press(answered.incoming(), digits_of(helpline, "so"))
    second = answered.dial_ends(dial, "no-answer")  # the first did not answer: the other one
    assert sorted(dialled(dial) + dialled(second)) == ["+4791000500", "+4791000501"]
    answered.volunteer_accepts(second)
    answered.dial_ends(second, "completed", duration=60, bridged=True)
    answered.hangs_up(90)

    left = CallWalk(webhooks, "+4798765502")  # hangs up in the menu
    left.incoming()
    left.hangs_up(5)
    left.hangs_up(5)  # Twilio retried the callback, to the other host

    outcomes = sorted(record.outcome for record in records(helpline))
    assert outcomes == ["answered", "no_language"]
    states = [helpline.availability.state(vid) for vid in volunteers]
    assert VolunteerState.RINGING not in states and VolunteerState.ON_CALL not in states


def test_metrics_sum_every_worker_process_of_a_host(helpline: Helpline, hosts: list[int]) -> None:
    """gunicorn runs two processes a host; /metrics counts the requests of both."""
    webhooks = alternating(hosts[:1])
    for n in range(8):
        CallWalk(webhooks, f"+47987656{n:02d}").incoming()
    counts = set()
    for _ in range(4):  # whichever process answers the scrape
        request = urllib.request.Request(f"http://127.0.0.1:{hosts[0]}/metrics",
                                         headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
        text = urllib.request.urlopen(request, timeout=10).read().decode()
        [line] = [line for line in text.splitlines()
                  if line.startswith('helpline_webhook_seconds_count{endpoint="voice.incoming"}')]
        counts.add(float(line.split()[-1]))
    assert counts == {8.0}
