"""Statistics for coordinators and funders, from the anonymous call records only.

Only ``call_records`` is read: no volunteer, no caller, no phone number. The
figures are computed by :mod:`.figures`, the charts drawn by :mod:`.charts`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, render_template
from flask_babel import gettext as _

from helpline.bootstrap import from_app
from helpline.coordinator import charts
from helpline.coordinator.figures import Call, Period, Tally, csv_text, figures
from helpline.coordinator.i18n import day_names
from helpline.coordinator.query import query

bp = Blueprint("stats", __name__)

DEFAULT_DAYS = 28


def read_calls(first: date, last: date, zone: ZoneInfo) -> list[Call]:
    """The records of calls that started between the local days ``first`` and ``last``."""
    start = datetime.combine(first, time(0), zone).astimezone(UTC)
    end = datetime.combine(last + timedelta(1), time(0), zone).astimezone(UTC)
    with from_app().db.unit_of_work() as uow:
        rows = uow.calls.summaries(start, end)
    return [Call(row.started.astimezone(zone), row.language or "", row.outcome,
                 row.wait_seconds, row.talk_seconds) for row in rows]


def period_from_request(zone: ZoneInfo) -> Period:
    """The days asked for (``?from=...&to=...&by=week``, read by :mod:`.query`):
    by default the last 28 days by day; at most 367 days."""
    asked = query()
    last = asked.last or datetime.now(zone).date()
    first = asked.first or last - timedelta(DEFAULT_DAYS - 1)
    if first > last:
        first, last = last, first
    first = max(first, last - timedelta(366))
    return Period(first, last, asked.by or "day")


@bp.get("/stats")
def page() -> str:
    zone = ZoneInfo(from_app().settings.timezone)
    period = period_from_request(zone)
    figs = figures(read_calls(period.first, period.last, zone), period.by)
    buckets = period.buckets()
    empty = Tally()
    chart = charts.stacked_bars(
        [bucket[5:] for bucket in buckets],  # "11-25" of a day, "W48" of a week
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


@bp.get("/stats.csv")
def csv() -> Response:
    zone = ZoneInfo(from_app().settings.timezone)
    period = period_from_request(zone)
    figs = figures(read_calls(period.first, period.last, zone), period.by)
    name = f"helpline-calls-{period.first}-{period.last}-{period.by}.csv"
    return Response(
        csv_text(figs),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
