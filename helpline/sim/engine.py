"""A discrete-event engine for simulated calls, on a virtual or a paced clock.

Every simulated party (a caller's leg, the arrival stream) is a generator that
yields commands: :class:`Wait` (let simulated seconds pass) and :class:`Post`
(send a webhook; the generator gets the :class:`Reply` back). The engine runs
them in time order.

- ``speed=None``: virtual time, as fast as the service answers. A simulated
  week takes as long as its webhooks do. Only meaningful when the service
  shares the engine's clock (the in-process app, ``CLOCK`` = :meth:`Engine.now`).
- ``speed=S``: simulated time runs ``S`` times faster than the wall clock
  (``S=1``: real time). Webhooks are posted from a thread pool, so many calls
  can be in flight at once, as with Twilio.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import queue
import time
import traceback
from collections import defaultdict
from collections.abc import Callable, Generator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from helpline.sim.webhook import Reply, Webhooks

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Wait:
    seconds: float


@dataclass(frozen=True)
class Post:
    url: str
    params: Mapping[str, str]


Command = Wait | Post
Process = Generator[Command, Any, None]


class WebhookFailed(RuntimeError):
    """The service could not be reached (Twilio would play its application-error message)."""


class Engine:
    def __init__(self, webhooks: Webhooks, *, start: float, speed: float | None = None,
                 concurrency: int = 32) -> None:
        if speed is not None and speed <= 0:
            raise ValueError("speed must be positive")
        self.webhooks = webhooks
        self.start = start
        self.speed = speed
        self._virtual = start
        self._real_start = time.monotonic()
        self._heap: list[tuple[float, int, Process, Any]] = []
        self._seq = itertools.count()
        self._done: queue.Queue[tuple[Process, Any]] = queue.Queue()
        self._inflight = 0
        self._pool = ThreadPoolExecutor(concurrency) if speed is not None else None
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []
        self.requests = 0
        self.finished_at: list[float] = []  # time.monotonic() of each answer

    def now(self) -> float:
        """Simulated seconds since the epoch."""
        if self.speed is None:
            return self._virtual
        return self.start + (time.monotonic() - self._real_start) * self.speed

    def spawn(self, process: Process, *, at: float | None = None) -> None:
        when = self.now() if at is None else at
        heapq.heappush(self._heap, (when, next(self._seq), process, None))

    @property
    def active(self) -> int:
        return len(self._heap) + self._inflight

    def run(self, *, until: float | None = None,
            tick: Callable[[float], None] | None = None) -> None:
        """Run until nothing is left to do (or simulated time ``until``)."""
        try:
            while self._heap or self._inflight:
                if until is not None and self._heap and self._heap[0][0] > until \
                        and not self._inflight:
                    break
                if self.speed is None:
                    when, _, process, value = heapq.heappop(self._heap)
                    self._virtual = max(self._virtual, when)
                    self._step(process, value)
                else:
                    self._run_paced_once()
                if tick is not None:
                    tick(self.now())
        finally:
            if self._pool is not None:
                self._pool.shutdown(wait=True)

    def _run_paced_once(self) -> None:
        now = self.now()
        while self._heap and self._heap[0][0] <= now:
            _, _, process, value = heapq.heappop(self._heap)
            self._step(process, value)
        assert self.speed is not None
        timeout = (self._heap[0][0] - now) / self.speed if self._heap else 0.25
        try:
            process, value = self._done.get(timeout=min(max(timeout, 0.0), 0.25))
        except queue.Empty:
            return
        self._inflight -= 1
        self._step(process, value)

    def _step(self, process: Process, value: Any) -> None:
        while True:
            try:
                command = process.throw(value) if isinstance(value, BaseException) \
                    else process.send(value)
            except StopIteration:
                return
            except Exception:
                self.errors.append(traceback.format_exc(limit=6))
                log.error("a simulated party failed:\n%s", self.errors[-1])
                return
            if isinstance(command, Wait):
                heapq.heappush(
                    self._heap, (self.now() + max(0.0, command.seconds), next(self._seq),
                                 process, None))
                return
            if self._pool is None:
                value = self._post(command)
                continue
            self._inflight += 1
            self._pool.submit(self._post_then_resume, command, process)
            return

    def _post_then_resume(self, command: Post, process: Process) -> None:
        self._done.put((process, self._post(command)))

    def _post(self, command: Post) -> Reply | Exception:
        started = time.perf_counter()
        try:
            reply = self.webhooks.post(command.url, command.params)
        except Exception as exc:  # connection refused, timeout: Twilio's 11200
            return WebhookFailed(f"{command.url}: {type(exc).__name__}: {exc}")
        finally:
            elapsed = time.perf_counter() - started
            self.latencies[urlsplit(self.webhooks.absolute(command.url)).path].append(elapsed)
            self.requests += 1
            self.finished_at.append(time.monotonic())
        return reply
