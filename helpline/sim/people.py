"""Simulated people: when callers arrive, what they press, how long they wait and talk,
and how volunteers answer.

Callers arrive as a Poisson process per language whose rate follows an hourly
profile (in the helpline's time zone). Every caller has a random fake number; it
travels in the webhooks exactly as Twilio would send it, and the service must
never store it.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

# Share of a day's calls per hour (local time): quiet at night, busy late morning
# and in the evening. Normalised when used.
DEFAULT_HOURLY = (
    0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.4, 0.7, 1.0, 1.3, 1.5, 1.5,
    1.4, 1.3, 1.2, 1.2, 1.3, 1.4, 1.6, 1.6, 1.4, 1.0, 0.6, 0.4,
)


@dataclass(frozen=True)
class Behaviour:
    """Parameters of the simulated people (durations in seconds)."""

    calls_per_hour: float = 6.0  # all languages together, averaged over the day
    hourly: Sequence[float] = DEFAULT_HOURLY
    wrong_key: float = 0.05  # she presses a code that is not in the menu
    late_key: float = 0.05  # she waits past the menu's timeout
    hangs_up_in_menu: float = 0.02
    patience_mean: float = 120.0  # exponential: how long she waits for a volunteer
    talk_median: float = 360.0  # lognormal talk time
    talk_sigma: float = 0.6
    answers: float = 0.85  # a volunteer picks up her phone
    answer_delay_median: float = 6.0
    accepts: float = 0.95  # she presses 1 in the screening
    caller_hangs_up_first: float = 0.5

    def hourly_weight(self, hour: int) -> float:
        mean = sum(self.hourly) / len(self.hourly)
        return self.hourly[hour % len(self.hourly)] / mean if mean else 0.0


@dataclass
class Caller:
    number: str
    language: str  # the language she wants
    digits: str  # her code in the menu
    patience: float
    talk_seconds: float
    wrong_key: float
    late_key: float
    hangs_up_in_menu: float
    hangs_up_first: bool
    rng: random.Random = field(repr=False)

    def menu_press(self, entries: Sequence[tuple[float, str]], timeout: float
                   ) -> tuple[str, float] | None:
        """What she presses in a menu ``<Gather>`` and when (seconds after it starts).

        ``entries`` are (end time, text or URL) of the prompts inside the Gather;
        she presses as soon as she has heard her language, else at the end.
        None: she presses nothing (the Gather times out).
        """
        end = entries[-1][0] if entries else 0.0
        heard = next((t for t, what in entries if _announces(what, self)), end)
        roll = self.rng.random()
        reaction = self.rng.uniform(0.8, 3.0)
        if roll < self.late_key:
            return None
        if roll < self.late_key + self.wrong_key:  # a slip of the finger: a neighbour code
            slip = int(self.digits) + self.rng.choice((-1, 1))
            return f"{slip:0{len(self.digits)}d}"[-len(self.digits):], heard + reaction
        return self.digits, heard + reaction


def _announces(text: str, caller: Caller) -> bool:
    """Whether a menu prompt announces her language (its code is spoken or in the URL)."""
    return " ".join(caller.digits) in text or f"/{caller.language}/" in text


@dataclass
class Volunteers:
    """How volunteers (known only by the number the service rings) behave."""

    behaviour: Behaviour
    rng: random.Random

    def answer_delay(self) -> float | None:
        """Seconds until she picks up, or None if she does not."""
        if self.rng.random() >= self.behaviour.answers:
            return None
        return self.rng.lognormvariate(math.log(self.behaviour.answer_delay_median), 0.5)

    def screening_press(self, heard: float) -> tuple[str, float] | None:
        if self.rng.random() < 0.02:
            return None  # she does not press anything
        digit = "1" if self.rng.random() < self.behaviour.accepts else "2"
        return digit, heard + self.rng.uniform(0.5, 2.5)


class Arrivals:
    """Callers arriving as a Poisson process per language, shaped by the hourly profile."""

    def __init__(self, behaviour: Behaviour, languages: dict[str, str], *,
                 timezone: str, rng: random.Random, weights: dict[str, float] | None = None
                 ) -> None:
        self.behaviour = behaviour
        self.languages = languages  # code -> digits
        self.zone = ZoneInfo(timezone)
        self.rng = rng
        w = weights or {code: 1.0 for code in languages}
        total = sum(w.get(code, 0.0) for code in languages) or 1.0
        self.share = {code: w.get(code, 0.0) / total for code in languages}

    def rate(self, code: str, at: float) -> float:
        """Expected calls per second in language ``code`` at epoch ``at``."""
        hour = datetime.fromtimestamp(at, UTC).astimezone(self.zone).hour
        per_hour = self.behaviour.calls_per_hour * self.share[code]
        return per_hour * self.behaviour.hourly_weight(hour) / 3600.0

    def times(self, code: str, start: float, end: float) -> Iterator[float]:
        """Arrival times in ``[start, end)`` (thinning of a homogeneous process)."""
        peak = max(self.behaviour.hourly_weight(h) for h in range(24))
        top = self.behaviour.calls_per_hour * self.share[code] * peak / 3600.0
        if top <= 0:
            return
        t = start
        while True:
            t += self.rng.expovariate(top)
            if t >= end:
                return
            if self.rng.random() * top <= self.rate(code, t):
                yield t

    def merged(self, start: float, end: float) -> list[tuple[float, str]]:
        out = [(t, code) for code in self.languages for t in self.times(code, start, end)]
        return sorted(out)

    def caller(self, code: str) -> Caller:
        b, rng = self.behaviour, self.rng
        return Caller(
            number=fake_number(rng),
            language=code,
            digits=self.languages[code],
            patience=rng.expovariate(1.0 / b.patience_mean),
            talk_seconds=rng.lognormvariate(math.log(b.talk_median), b.talk_sigma),
            wrong_key=b.wrong_key,
            late_key=b.late_key,
            hangs_up_in_menu=b.hangs_up_in_menu,
            hangs_up_first=rng.random() < b.caller_hangs_up_first,
            rng=rng,
        )


def fake_number(rng: random.Random) -> str:
    """A random number in a Norwegian mobile range (+47 4xx xx xxx); nobody is ever rung."""
    return f"+474{rng.randint(0, 9_999_999):07d}"
