"""Running ``helpline`` commands as a user does, and finding every process they leave.

A command runs in a session of its own, with a private instance folder, temporary
folder and a marker in its environment. :func:`survivors` then finds whatever
outlived it, by three independent signs, so that a process cannot hide by
daemonising (leaving the process tree) or by rewriting its environment
(``redis-server`` writes its process title over it):

- every descendant seen while it ran (``psutil``), still running;
- any process carrying the marker in its environment;
- any process working in the command's folder (a Redis server works in its
  data folder).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psutil

MARK = "HELPLINE_PROCESS_TEST"
DEADLINE_SECONDS = 60


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Output:
    """A command's output, read line by line as it comes; :meth:`wait_for` blocks until
    a line holds a text (or the output ends), without polling."""

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


@dataclass
class Command:
    """A running ``helpline`` command."""

    process: subprocess.Popen[str]
    output: Output
    folder: Path
    marker: str
    seen: dict[int, psutil.Process] = field(default_factory=dict)

    def look(self) -> None:
        """Note every process the command has started so far (call it while it runs)."""
        try:
            for child in psutil.Process(self.process.pid).children(recursive=True):
                self.seen.setdefault(child.pid, child)
        except psutil.NoSuchProcess:
            pass

    def stop(self, signum: int, timeout: float = 30) -> int:
        """Send ``signum`` (after a last look) and wait for the command to end."""
        self.look()
        self.process.send_signal(signum)
        return self.process.wait(timeout=timeout)

    def survivors(self, timeout: float = 10) -> list[str]:
        """Every process the command started that is still running ``timeout`` seconds
        after it ended (given the time to stop), described for the failure message,
        and then killed."""
        found = {pid: p for pid, p in self.seen.items() if _running(p)}
        for process in psutil.process_iter():
            if process.pid in (os.getpid(), self.process.pid):
                continue
            try:
                if process.environ().get(MARK) == self.marker or _within(process, self.folder):
                    found.setdefault(process.pid, process)
            except psutil.Error:
                continue
        _gone, alive = psutil.wait_procs(list(found.values()), timeout=timeout)
        described = [_describe(p) for p in alive if _running(p)]
        for process in alive:  # reported, then ended: a failing test leaves nothing either
            with contextlib.suppress(psutil.Error):
                process.kill()
        return described


@contextmanager
def running(folder: Path, *args: str, **env: str) -> Iterator[Command]:
    """``helpline ARGS`` in a session of its own, with ``folder`` as its instance and
    temporary folder; ended however the test ends: Ctrl-C first, then the whole
    session killed."""
    with running_python(folder, ["-m", "helpline.cli", *args], **env) as command:
        yield command


@contextmanager
def running_python(folder: Path, argv: list[str], **env: str) -> Iterator[Command]:
    """``python ARGV``, the same way as :func:`running`."""
    marker = uuid.uuid4().hex
    folder.mkdir(parents=True, exist_ok=True)
    base = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}}
    process = subprocess.Popen(
        [sys.executable, *argv],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**base, "INSTANCE_PATH": str(folder / "instance"), "TMPDIR": str(folder),
             MARK: marker, **env},
        start_new_session=True)
    assert process.stdout is not None
    command = Command(process, Output(process.stdout), folder, marker)
    try:
        yield command
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def _running(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _within(process: psutil.Process, folder: Path) -> bool:
    try:
        return Path(process.cwd()).is_relative_to(folder)
    except (psutil.Error, OSError):
        return False


def _describe(process: psutil.Process) -> str:
    try:
        return f"pid {process.pid}: {' '.join(process.cmdline())}"
    except psutil.Error:
        return f"pid {process.pid}"
