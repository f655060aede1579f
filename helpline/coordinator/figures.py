"""Statistics from the anonymous call records, as plain values: pure, no I/O.

Calls per language per day or week, the answer rate, waits, calls nobody could
take, and calls by hour of the week (local time); and the CSV funders get.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from statistics import median

from helpline.store.models import CallOutcome


@dataclass(frozen=True)
class Call:
    """The fields of one record that statistics use, with a local time."""

    local: datetime
    language: str
    outcome: str
    wait_seconds: int
    talk_seconds: int


@dataclass
class Tally:
    calls: int = 0
    answered: int = 0
    no_volunteer: int = 0
    not_answered: int = 0
    abandoned: int = 0
    waits: list[int] = field(default_factory=list)
    talks: list[int] = field(default_factory=list)

    def add(self, call: Call) -> None:
        self.calls += 1
        if call.outcome == CallOutcome.ANSWERED:
            self.answered += 1
            self.waits.append(call.wait_seconds)
            self.talks.append(call.talk_seconds)
        elif call.outcome == CallOutcome.NO_VOLUNTEER:
            self.no_volunteer += 1
        elif call.outcome == CallOutcome.NOT_ANSWERED:
            self.not_answered += 1
        elif call.outcome == CallOutcome.ABANDONED:
            self.abandoned += 1

    @property
    def unanswered(self) -> int:
        return self.calls - self.answered

    @property
    def answer_rate(self) -> float | None:
        return self.answered / self.calls if self.calls else None

    @property
    def median_wait(self) -> float | None:
        return median(self.waits) if self.waits else None

    @property
    def mean_talk(self) -> float | None:
        return sum(self.talks) / len(self.talks) if self.talks else None


@dataclass(frozen=True)
class Period:
    first: date
    last: date  # included
    by: str  # "day" or "week"

    def buckets(self) -> list[str]:
        days = [self.first + timedelta(d) for d in range((self.last - self.first).days + 1)]
        return list(dict.fromkeys(bucket_of(day, self.by) for day in days))


def bucket_of(day: date, by: str) -> str:
    if by == "week":
        year, week, _weekday = day.isocalendar()
        return f"{year}-W{week:02d}"
    return day.isoformat()


@dataclass
class Figures:
    total: Tally
    by_language: dict[str, Tally]
    by_bucket: dict[str, Tally]
    by_language_bucket: dict[tuple[str, str], Tally]
    week_calls: list[list[int]]  # [weekday][hour]
    week_unanswered: list[list[int]]


def figures(calls: Iterable[Call], by: str) -> Figures:
    total = Tally()
    by_language: dict[str, Tally] = defaultdict(Tally)
    by_bucket: dict[str, Tally] = defaultdict(Tally)
    by_both: dict[tuple[str, str], Tally] = defaultdict(Tally)
    week_calls = [[0] * 24 for _ in range(7)]
    week_unanswered = [[0] * 24 for _ in range(7)]
    for call in calls:
        bucket = bucket_of(call.local.date(), by)
        for tally in (total, by_language[call.language], by_bucket[bucket],
                      by_both[(call.language, bucket)]):
            tally.add(call)
        week_calls[call.local.weekday()][call.local.hour] += 1
        if call.outcome != CallOutcome.ANSWERED:
            week_unanswered[call.local.weekday()][call.local.hour] += 1
    return Figures(total, dict(by_language), dict(by_bucket), dict(by_both),
                   week_calls, week_unanswered)


CSV_COLUMNS = [
    "period", "language", "calls", "answered", "answer_rate", "no_volunteer",
    "not_answered", "abandoned", "median_wait_seconds", "mean_talk_seconds",
]


def csv_text(figs: Figures) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for (language, bucket), t in sorted(figs.by_language_bucket.items(),
                                        key=lambda item: (item[0][1], item[0][0])):
        writer.writerow([
            bucket, language or "(none)", t.calls, t.answered,
            "" if t.answer_rate is None else f"{t.answer_rate:.3f}",
            t.no_volunteer, t.not_answered, t.abandoned,
            "" if t.median_wait is None else f"{t.median_wait:g}",
            "" if t.mean_talk is None else f"{t.mean_talk:.0f}",
        ])
    return out.getvalue()
