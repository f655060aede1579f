"""``helpline demo`` and ``helpline serve`` as a user runs them: they start, serve, and
stop cleanly (Ctrl-C or SIGTERM), leaving nothing running."""

from __future__ import annotations

import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import psutil
import pytest

DEADLINE_SECONDS = 60
RECORDS_WANTED = 3  # calls the service has finished and written down
BANNER_END = "Calls are arriving"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Output:
    """The demo's output, read line by line as it comes; :meth:`wait_for` blocks until a
    line holds a text (or the output ends), without polling."""

    def __init__(self, stream: Iterator[str]) -> None:
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self._ended = False
        self._reader = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._reader.start()

    def _read(self, stream: Iterator[str]) -> None:
        for line in stream:
            with self._changed:
                self.lines.append(line)
                self._changed.notify_all()
        with self._changed:
            self._ended = True
            self._changed.notify_all()

    def wait_for(self, text: str, timeout: float) -> str | None:
        """The first line holding ``text``; None if the output ends or ``timeout`` passes."""
        def found() -> str | None:
            return next((line for line in self.lines if text in line), None)

        with self._changed:
            self._changed.wait_for(lambda: found() is not None or self._ended, timeout)
            return found()

    def text(self) -> str:
        self._reader.join(timeout=DEADLINE_SECONDS)
        return "".join(self.lines)


def wait_until(condition: Callable[[], bool], demo: subprocess.Popen[str],
               deadline: float) -> bool:
    """True once ``condition`` holds; False when the demo ends first or at the deadline.
    Between two looks it waits on the demo process itself, so an early exit is seen
    at once."""
    while not condition():
        if time.monotonic() > deadline:
            return False
        try:
            demo.wait(timeout=0.2)
            return condition()
        except subprocess.TimeoutExpired:
            pass
    return True


def records_in(database: Path) -> int:
    """Call records the demo's service has written (read only; 0 before the table exists)."""
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5)) as db:
        try:
            return int(db.execute("SELECT count(*) FROM call_records").fetchone()[0])
        except sqlite3.OperationalError:
            return 0


@contextmanager
def running(*args: str, **env: str) -> Iterator[tuple[subprocess.Popen[str], Output]]:
    """``helpline ARGS`` in a process group of its own, with a private database and Redis;
    ended however the test ends: Ctrl-C first, so that it stops its worker and Redis,
    then the whole group killed."""
    env = {**{k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}},
           **env}
    demo = subprocess.Popen(
        [sys.executable, "-c", "from helpline.cli import main; main()", *args],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
        start_new_session=True)
    assert demo.stdout is not None
    try:
        yield demo, Output(demo.stdout)
    finally:
        if demo.poll() is None:
            demo.send_signal(signal.SIGINT)
            try:
                demo.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(demo.pid, signal.SIGKILL)
                demo.wait()


@pytest.mark.slow
@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_demo_runs_and_stops_leaving_nothing_running(stop: signal.Signals) -> None:
    port = free_port()
    with running("demo", "--port", str(port), "--speed", "60", "--calls-per-hour", "120") as (
        demo, output
    ):
        deadline = time.monotonic() + DEADLINE_SECONDS
        # the banner is printed once the web service listens
        banner = output.wait_for(BANNER_END, timeout=DEADLINE_SECONDS)
        assert banner is not None, "".join(output.lines)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as r:
            assert r.status == 200
        database = output.wait_for("helpline.db", timeout=0)
        assert database is not None
        path = Path(re.split(r"\s+", database.strip())[1])
        # a few simulated minutes of calls: until the service has written some down
        assert wait_until(lambda: records_in(path) >= RECORDS_WANTED, demo, deadline), (
            f"{records_in(path)} call records by the deadline\n" + "".join(output.lines))
        worker_line = output.wait_for("RQ worker    pid", timeout=0)
        redis_line = output.wait_for("(pid ", timeout=0)
        assert worker_line is not None and redis_line is not None
        pids = [int(re.search(r"pid (\d+)", line).group(1))  # type: ignore[union-attr]
                for line in (worker_line, redis_line)]
        demo.send_signal(stop)
        demo.wait(timeout=30)
        text = output.text()
    assert all(ended(pid, timeout=10) for pid in pids), "the worker or Redis outlived the demo"
    assert demo.returncode == 0, text
    assert f"http://127.0.0.1:{port}/coordinator/" in text
    assert "Double-booked volunteers: 0" in text
    overall = re.search(r"│ all\s+│\s+(\d+)", text)
    assert overall is not None, text
    assert int(overall.group(1)) >= RECORDS_WANTED  # the report counts the calls made


def ended(pid: int, timeout: float) -> bool:
    """Whether process ``pid`` (not a child of this one) has ended within ``timeout``."""
    try:
        _gone, alive = psutil.wait_procs([psutil.Process(pid)], timeout=timeout)
    except psutil.NoSuchProcess:
        return True
    return not alive


@pytest.mark.slow
def test_serve_serves_and_sigterm_stops_it_with_its_redis(tmp_path: Path) -> None:
    port = free_port()
    with running("serve", "--no-demo", "--port", str(port),
                 INSTANCE_PATH=str(tmp_path / "instance")) as (serve, output):
        assert output.wait_for("Helpline webhooks at", timeout=DEADLINE_SECONDS), output.text()
        redis_line = output.wait_for("Redis: an embedded server", timeout=0)
        assert redis_line is not None
        redis_pid = int(re.search(r"pid (\d+)", redis_line).group(1))  # type: ignore[union-attr]
        deadline = time.monotonic() + DEADLINE_SECONDS

        def healthy() -> bool:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as r:
                    return r.status == 200
            except OSError:
                return False

        assert wait_until(healthy, serve, deadline), output.text()
        serve.send_signal(signal.SIGTERM)
        serve.wait(timeout=30)
    assert serve.returncode == 0, output.text()
    assert ended(redis_pid, timeout=10), "the embedded Redis outlived the command"
