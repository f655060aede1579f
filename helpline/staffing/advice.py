"""Per language and hour of the week: calls, offered load, Erlang-B and what is needed.

Pure: from the anonymous call records (simulated or real) and the schedule (who
is on shift in the middle of the hour, in the last week of the records). A call holds a
volunteer for its talk time plus her wrap-up rest, so the offered load of a slot
is (calls per week in the slot) × (mean talk of the language's answered calls +
wrap-up) / 3600 erlangs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from helpline.staffing.erlang import erlang_b, servers_needed
from helpline.store.repositories import CallSummary
from schedules.model import Schedule
from schedules.roster import Roster

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
DEFAULT_TALK_SECONDS = 360.0


@dataclass
class Slot:
    language: str
    weekday: int
    hour: int
    calls_per_week: float
    answered_share: float  # observed
    load: float  # erlangs
    scheduled: int  # volunteers on shift (mean over the hour's start)
    predicted_answered: float  # 1 - Erlang-B(scheduled, load)
    needed: int  # volunteers for the target share

    @property
    def when(self) -> str:
        return f"{DAYS[self.weekday]} {self.hour:02d}:00"

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "when": self.when}


def _occurrences(first: datetime, last: datetime, zone: ZoneInfo) -> dict[tuple[int, int], int]:
    """How many times each (weekday, hour) of local time occurs from ``first`` to ``last``."""
    counts: dict[tuple[int, int], int] = {}
    hour = first.replace(minute=0, second=0, microsecond=0)
    while hour <= last:
        local = hour.astimezone(zone)
        counts[(local.weekday(), local.hour)] = counts.get((local.weekday(), local.hour), 0) + 1
        hour += timedelta(hours=1)
    return counts


def advise(calls: Sequence[CallSummary], schedule: Schedule | None, *, timezone: str,
           wrapup_seconds: float, target: float = 0.9) -> list[Slot]:
    """Per language and hour of the week, from ``calls`` and who ``schedule`` has on
    shift in the last week of the calls."""
    zone = ZoneInfo(timezone)
    rows = [r for r in calls if r.language]
    if not rows:
        return []
    times = [r.started for r in rows]
    occurrences = _occurrences(min(times), max(times), zone)
    talks: dict[str, list[int]] = {}
    counts: dict[tuple[str, int, int], list[bool]] = {}
    for row, moment in zip(rows, times, strict=True):
        local = moment.astimezone(zone)
        language = str(row.language)
        counts.setdefault((language, local.weekday(), local.hour), []).append(
            row.outcome == "answered")
        if row.outcome == "answered" and row.talk_seconds:
            talks.setdefault(language, []).append(row.talk_seconds)
    roster = Roster(schedule) if schedule is not None else None
    last = max(times).astimezone(zone)

    def on_shift(language: str, weekday: int, hour: int) -> int:
        if roster is None:
            return 0
        back = (last.weekday() - weekday) % 7
        day = (last - timedelta(days=back)).date()
        moment = datetime(day.year, day.month, day.day, hour, 30, tzinfo=zone)
        return len(roster.on_shift_all(moment).get(language, ()))

    slots = []
    for (language, weekday, hour), answered in sorted(counts.items()):
        spoken = talks.get(language)
        holding = (sum(spoken) / len(spoken) if spoken else DEFAULT_TALK_SECONDS) + wrapup_seconds
        per_week = len(answered) / occurrences.get((weekday, hour), 1)
        load = per_week * holding / 3600
        scheduled = on_shift(language, weekday, hour)
        slots.append(Slot(
            language=language, weekday=weekday, hour=hour,
            calls_per_week=round(per_week, 2),
            answered_share=round(sum(answered) / len(answered), 3),
            load=round(load, 3), scheduled=scheduled,
            predicted_answered=round(1 - erlang_b(scheduled, load), 3),
            needed=servers_needed(load, target),
        ))
    return slots
