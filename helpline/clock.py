"""The service's clock: wall-clock time, or a faster clock for simulations.

Wrap-up rests, leases and call timings all read the app's clock. A simulator
that compresses time (``helpline simulate --speed 60``) must share it, or a
60-second wrap-up would last an hour of simulated time:

- in process, the simulator hands its virtual clock to ``create_app(clock=...)``;
- a separate service is started with ``CLOCK_SPEED=60`` and ``CLOCK_ORIGIN`` (the
  epoch second at which simulated and real time coincide), and runs a clock
  that advances ``CLOCK_SPEED`` times faster than the wall clock.

Production leaves both alone: ``time.time``.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from helpline.settings import Settings

Clock = Callable[[], float]


class ScaledClock:
    """Seconds since the epoch, advancing ``speed`` times faster after ``origin``."""

    def __init__(self, origin: float, speed: float) -> None:
        if speed <= 0:
            raise ValueError("a clock speed must be positive")
        self.origin = origin
        self.speed = speed

    def __call__(self) -> float:
        return self.origin + (time.time() - self.origin) * self.speed


def clock_for(settings: Settings) -> Clock:
    """The clock the settings ask for (see the module docstring)."""
    if settings.clock_speed == 1.0:
        return time.time
    return ScaledClock(settings.clock_origin or time.time(), settings.clock_speed)
