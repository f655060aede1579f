"""Statistics for coordinators and funders, from the anonymous call records only.

Calls per language per day or week, the answer rate, waits, calls nobody could
take, and calls by hour of the week (local time), as tables, SVG charts and CSV.
Only ``call_records`` is read: no volunteer, no caller, no phone number.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from statistics import median
from zoneinfo import ZoneInfo

from flask import Response, current_app, render_template, request
from flask_babel import gettext as _
from sqlalchemy import select

from helpline.coordinator import bp, charts
from helpline.db import get_db
from helpline.models import CallRecord, Outcome

DEFAULT_DAYS = 28


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
        if call.outcome == Outcome.ANSWERED:
            self.answered += 1
            self.waits.append(call.wait_seconds)
            self.talks.append(call.talk_seconds)
        elif call.outcome == Outcome.NO_VOLUNTEER:
            self.no_volunteer += 1
        elif call.outcome == Outcome.NOT_ANSWERED:
            self.not_answered += 1
        elif call.outcome == Outcome.ABANDONED:
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


def read_calls(first: date, last: date, zone: ZoneInfo) -> list[Call]:
    """The records of calls that started between the local days ``first`` and ``last``."""
    start = datetime.combine(first, time(0), zone).astimezone(UTC)
    end = datetime.combine(last + timedelta(1), time(0), zone).astimezone(UTC)
    with get_db().unit_of_work() as session:
        rows = session.execute(
            select(
                CallRecord.started_minute,
                CallRecord.language,
                CallRecord.outcome,
                CallRecord.wait_seconds,
                CallRecord.talk_seconds,
            ).where(CallRecord.started_minute >= start, CallRecord.started_minute < end)
        )
        calls = []
        for started, language, outcome, wait, talk in rows:
            if started.tzinfo is None:  # SQLite gives naive datetimes, stored in UTC
                started = started.replace(tzinfo=UTC)
            calls.append(Call(started.astimezone(zone), language or "", outcome, wait, talk))
    return calls


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
        if call.outcome != Outcome.ANSWERED:
            week_unanswered[call.local.weekday()][call.local.hour] += 1
    return Figures(total, dict(by_language), dict(by_bucket), dict(by_both),
                   week_calls, week_unanswered)


def period_from_request(zone: ZoneInfo) -> Period:
    today = datetime.now(zone).date()
    try:
        last = date.fromisoformat(request.args.get("to", ""))
    except ValueError:
        last = today
    try:
        first = date.fromisoformat(request.args.get("from", ""))
    except ValueError:
        first = last - timedelta(DEFAULT_DAYS - 1)
    if first > last:
        first, last = last, first
    first = max(first, last - timedelta(366))
    by = "week" if request.args.get("by") == "week" else "day"
    return Period(first, last, by)


def day_names() -> list[str]:
    return [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]


@bp.get("/stats")
def statistics() -> str:
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    period = period_from_request(zone)
    figs = figures(read_calls(period.first, period.last, zone), period.by)
    buckets = period.buckets()
    empty = Tally()
    chart = charts.stacked_bars(
        [b[5:] if period.by == "day" else b[5:] for b in buckets],
        [figs.by_bucket.get(b, empty).answered for b in buckets],
        [figs.by_bucket.get(b, empty).unanswered for b in buckets],
        title=_("Calls per day") if period.by == "day" else _("Calls per week"),
        answered_label=_("answered"),
        unanswered_label=_("not answered"),
    )
    grid_calls = charts.week_grid(
        figs.week_calls, day_names(), title=_("Calls by hour of the week"), colour="#1565c0"
    )
    grid_missed = charts.week_grid(
        figs.week_unanswered, day_names(), title=_("Calls not answered, by hour of the week")
    )
    languages = sorted(figs.by_language, key=lambda code: -figs.by_language[code].calls)
    return render_template(
        "coordinator/stats.html",
        period=period,
        figs=figs,
        languages=languages,
        chart=chart,
        grid_calls=grid_calls,
        grid_missed=grid_missed,
    )


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


@bp.get("/stats.csv")
def statistics_csv() -> Response:
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    period = period_from_request(zone)
    figs = figures(read_calls(period.first, period.last, zone), period.by)
    name = f"helpline-calls-{period.first}-{period.last}-{period.by}.csv"
    return Response(
        csv_text(figs),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


