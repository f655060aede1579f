"""Coverage at a glance, the first page after login: languages x hours of a week,
coloured by how many volunteers are on shift, gaps in red while the helpline is
open. Clicking a cell (a plain link) shows who covers that hour."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import current_app, render_template, request
from sqlalchemy import select

from helpline.coordinator import bp
from helpline.coordinator.heatmap import HOURS, heatmap
from helpline.coordinator.i18n import helpline_languages
from helpline.coordinator.routerlink import known
from helpline.coordinator.stats import day_names
from helpline.db import get_db
from helpline.models import Volunteer


def week_from_request(zone: ZoneInfo) -> str:
    from schedules.timezones import iso_week, parse_iso_week

    week = request.args.get("week", "")
    try:
        parse_iso_week(week)
    except ValueError:
        week = iso_week(datetime.now(UTC).astimezone(zone).date())
    return week


def neighbour_weeks(week: str) -> tuple[str, str]:
    from datetime import timedelta

    from schedules.timezones import iso_week, parse_iso_week

    monday = parse_iso_week(week)
    return iso_week(monday - timedelta(days=7)), iso_week(monday + timedelta(days=7))


@bp.get("/")
def coverage() -> str:
    from helpline.schedule_store import load_schedule
    from schedules.exceptions import ScheduleError

    zone = ZoneInfo(current_app.config["TIMEZONE"])
    week = week_from_request(zone)
    languages = [lang.code for lang in helpline_languages()]
    problem = None
    grid = None
    with get_db().unit_of_work() as session:
        try:
            schedule = load_schedule(session, known())
        except ScheduleError as error:
            schedule, problem = None, str(error)
        names = {key: name for key, name in session.execute(select(Volunteer.key, Volunteer.name))}
    if schedule is not None:
        grid = heatmap(schedule, week, languages)
    chosen_lang = request.args.get("lang", "")
    chosen_hour = request.args.get("h", -1, type=int)
    if chosen_hour is None:
        chosen_hour = -1
    chosen = None
    if grid is not None and chosen_lang in grid and 0 <= chosen_hour < HOURS:
        cell = grid[chosen_lang][chosen_hour]
        chosen = {
            "language": chosen_lang,
            "index": chosen_hour,
            "day": day_names()[chosen_hour // 24],
            "hour": chosen_hour % 24,
            "cell": cell,
            "names": sorted(names.get(key, key) for key in cell.volunteers),
        }
    earlier, later = neighbour_weeks(week)
    return render_template(
        "coordinator/coverage.html",
        week=week,
        earlier=earlier,
        later=later,
        grid=grid,
        problem=problem,
        languages=languages,
        days=day_names(),
        chosen=chosen,
    )
