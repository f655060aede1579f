"""No ``helpline`` command leaves a process behind, however it is stopped.

``serve`` and ``worker`` are stopped by Ctrl-C (SIGINT) and by SIGTERM (what
``timeout``, systemd and containers send), ``serve`` even by SIGKILL, and ``serve``
and ``demo`` fail to start on a busy port; afterwards nothing they started may
still run (:mod:`tests.processes` looks for it three ways). ``serve`` runs four
times on one instance folder: its embedded Redis used to outlive about 4 runs in
10, and the next run silently used the one left over (the embedded server alone
runs 20 times, more cheaply, in ``tests/integration/test_embedded_redis.py``; the
demo stopped with calls in flight is in ``test_demo.py``).
"""

from __future__ import annotations

import re
import signal
import socket
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..processes import DEADLINE_SECONDS, Command, free_port, running

SERVE_RUNS = 2  # per signal, on one instance folder (the embedded server alone: 20 runs)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def shared_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One instance folder for every run of ``serve``, as on a laptop."""
    return tmp_path_factory.mktemp("serve")


def serving(command: Command, port: int) -> None:
    """Wait until the command serves on ``port``; fail with its output otherwise."""
    line = command.output.wait_for("Helpline webhooks at", timeout=DEADLINE_SECONDS)
    assert line is not None, command.output.text()
    deadline = time.monotonic() + DEADLINE_SECONDS
    while True:  # the line comes just before the server listens
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=10) as r:
                assert r.status == 200
                return
        except OSError:
            assert time.monotonic() < deadline, command.output.text()
            assert command.process.poll() is None, command.output.text()
            time.sleep(0.1)


@pytest.mark.parametrize("run", range(SERVE_RUNS))
@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_serve_stopped_leaves_nothing_running(
    shared_folder: Path, stop: signal.Signals, run: int
) -> None:
    port = free_port()
    with running(shared_folder, "serve", "--no-demo", "--port", str(port)) as command:
        serving(command, port)
        # its own Redis, never one an earlier run left behind
        assert command.output.wait_for("stopped with this command", timeout=0), (
            command.output.text())
        code = command.stop(stop)
    assert command.survivors() == [], command.output.text()
    assert code == 0, command.output.text()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_serve_killed_takes_its_redis_with_it(tmp_path: Path) -> None:
    port = free_port()
    with running(tmp_path, "serve", "--no-demo", "--port", str(port)) as command:
        serving(command, port)
        command.stop(signal.SIGKILL)  # no handler, no atexit: only the kernel can help
    assert command.survivors() == [], command.output.text()


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        yield int(taken.getsockname()[1])


@pytest.mark.parametrize("name", ["serve", "demo"])
def test_a_busy_port_is_one_clean_line_and_leaves_nothing(
    tmp_path: Path, busy_port: int, name: str
) -> None:
    with running(tmp_path, name, "--port", str(busy_port)) as command:
        code = command.process.wait(timeout=DEADLINE_SECONDS)
        text = command.output.text()
    assert command.survivors() == [], text
    assert code == 2, text
    assert re.search(rf"^Error: Invalid value for '?--port'?: {busy_port} is in use", text,
                     re.MULTILINE), text
    assert "Traceback" not in text


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_worker_stopped_leaves_nothing_running(tmp_path: Path, stop: signal.Signals) -> None:
    with running(tmp_path, "worker") as command:
        line = command.output.wait_for("Listening on", timeout=DEADLINE_SECONDS)
        assert line is not None, command.output.text()
        command.stop(stop)
    assert command.survivors() == [], command.output.text()
