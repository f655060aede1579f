"""The roster: "who is on shift for language L at instant t", fast enough to ask on
every call.

A :class:`Roster` cuts time into blocks of seven days (UTC). The first question
about a block computes its occurrences once (about a millisecond for fifty
volunteers) and keeps, per language, the instants where the set of volunteers
changes; a question is then one binary search. A few recent blocks are kept, so
a long-running worker uses constant memory. A roster is safe to share between
threads; build a new one when the schedule changes.
"""

from __future__ import annotations

import threading
from bisect import bisect_right
from collections import OrderedDict, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from schedules.intervals import steps
from schedules.model import Schedule
from schedules.rules import occurrences
from schedules.timezones import require_aware

BLOCK_SECONDS = 7 * 24 * 3600
_NOBODY: frozenset[str] = frozenset()


@dataclass(frozen=True)
class _Timeline:
    """One language over one block: ``sets[i]`` is on from ``starts[i]`` (POSIX
    seconds) until the next start."""

    starts: list[float]
    sets: list[frozenset[str]]

    def at(self, seconds: float) -> frozenset[str]:
        return self.sets[bisect_right(self.starts, seconds) - 1]


@dataclass(frozen=True)
class _Block:
    start: float
    timelines: dict[str, _Timeline]
    changes: list[float]  # every instant inside the block where some language changes

    def state(self, seconds: float) -> dict[str, frozenset[str]]:
        """Each language with somebody on at ``seconds``, and who."""
        state = {language: line.at(seconds) for language, line in self.timelines.items()}
        return {language: on for language, on in state.items() if on}

    def final_state(self) -> dict[str, frozenset[str]]:
        """Like :meth:`state`, for the last moment of the block."""
        state = {language: line.sets[-1] for language, line in self.timelines.items()}
        return {language: on for language, on in state.items() if on}


class Roster:
    """Answers who is on shift, from an index of the schedule built as needed."""

    def __init__(self, schedule: Schedule, *, cached_blocks: int = 4) -> None:
        self.schedule = schedule
        self._cached_blocks = max(1, cached_blocks)
        self._blocks: OrderedDict[int, _Block] = OrderedDict()
        self._lock = threading.Lock()

    def on_shift(self, language: str, at: datetime) -> frozenset[str]:
        """Keys of the volunteers on shift for ``language`` at ``at`` (aware, any zone)."""
        seconds = require_aware(at).timestamp()
        line = self._block(seconds).timelines.get(language)
        return _NOBODY if line is None else line.at(seconds)

    def on_shift_all(self, at: datetime) -> dict[str, frozenset[str]]:
        """Each language with somebody on shift at ``at``, and who: the state the live
        availability should be in at that moment."""
        seconds = require_aware(at).timestamp()
        return self._block(seconds).state(seconds)

    def next_change(
        self, after: datetime, *, horizon: timedelta = timedelta(days=28)
    ) -> datetime | None:
        """The first instant after ``after`` at which anybody goes on or off shift for
        any language, or None if nothing changes within ``horizon``."""
        seconds = require_aware(after).timestamp()
        limit = seconds + horizon.total_seconds()
        block = self._block(seconds)
        while True:
            index = bisect_right(block.changes, seconds)
            if index < len(block.changes):
                found = block.changes[index]
                return datetime.fromtimestamp(found, UTC) if found <= limit else None
            boundary = block.start + BLOCK_SECONDS
            if boundary > limit:
                return None
            following = self._block(boundary)
            if following.state(boundary) != block.final_state():
                return datetime.fromtimestamp(boundary, UTC)
            block, seconds = following, boundary

    def _block(self, seconds: float) -> _Block:
        number = int(seconds // BLOCK_SECONDS)
        with self._lock:
            block = self._blocks.get(number)
            if block is None:
                block = self._build(number)
                self._blocks[number] = block
                while len(self._blocks) > self._cached_blocks:
                    self._blocks.popitem(last=False)
            else:
                self._blocks.move_to_end(number)
            return block

    def _build(self, number: int) -> _Block:
        start = datetime.fromtimestamp(number * BLOCK_SECONDS, UTC)
        end = start + timedelta(seconds=BLOCK_SECONDS)
        stints: dict[str, list[tuple[datetime, datetime, str]]] = defaultdict(list)
        for one in occurrences(self.schedule, start, end):
            for language in one.languages:
                stints[language].append((one.start, one.end, one.volunteer))
        timelines: dict[str, _Timeline] = {}
        changes: set[float] = set()
        for language, language_stints in stints.items():
            line = steps(language_stints, start, end)
            starts = [step.start.timestamp() for step in line]
            timelines[language] = _Timeline(starts, [step.volunteers for step in line])
            changes.update(starts[1:])
        return _Block(start.timestamp(), timelines, sorted(changes))
