"""``helpline demo`` as a user runs it: it starts, serves simulated calls, and stops
cleanly (Ctrl-C or SIGTERM) with calls in flight, leaving nothing running (``serve``,
``worker`` and failed starts: ``test_cli_processes.py``)."""

from __future__ import annotations

import re
import signal
import sqlite3
import subprocess
import time
import urllib.request
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import psutil
import pytest

from ..processes import DEADLINE_SECONDS, free_port, running

RECORDS_WANTED = 3  # calls the service has finished and written down
BANNER_END = "Calls are arriving"


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


@pytest.mark.slow
@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_demo_runs_and_stops_leaving_nothing_running(
    tmp_path: Path, stop: signal.Signals
) -> None:
    port = free_port()
    with running(tmp_path, "demo", "--port", str(port), "--speed", "60",
                 "--calls-per-hour", "120") as command:
        demo, output = command.process, command.output
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
        command.stop(stop)
        text = output.text()
    assert all(ended(pid, timeout=10) for pid in pids), "the worker or Redis outlived the demo"
    assert command.survivors() == [], text
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
