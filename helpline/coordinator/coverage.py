"""Coverage at a glance, the first page after login: languages x hours of a week,
coloured by how many volunteers are on shift, gaps in red while the helpline is
open. Clicking a cell (a plain link) shows who covers that hour."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, render_template

from helpline.bootstrap import from_app
from helpline.coordinator.heatmap import heatmap
from helpline.coordinator.i18n import day_names, helpline_languages
from helpline.coordinator.query import query
from schedules.exceptions import ScheduleError
from schedules.timezones import iso_week, parse_iso_week

bp = Blueprint("coverage", __name__)


def week_from_request(zone: ZoneInfo) -> str:
    """The ISO week the page asks for (``?week=2026-W49``, read by :mod:`.query`),
    this week by default."""
    return query().week or iso_week(datetime.now(UTC).astimezone(zone).date())


def neighbour_weeks(week: str) -> tuple[str, str]:
    monday = parse_iso_week(week)
    return iso_week(monday - timedelta(days=7)), iso_week(monday + timedelta(days=7))


@bp.get("/")
def week() -> str:
    helpline = from_app()
    week = week_from_request(ZoneInfo(helpline.settings.timezone))
    languages = [lang.code for lang in helpline_languages()]
    problem = None
    grid = None
    with helpline.db.unit_of_work() as uow:
        try:
            schedule = helpline.shifts.current(uow)
        except ScheduleError as error:
            schedule, problem = None, str(error)
        names = uow.volunteers.names_by_key()
    if schedule is not None:
        grid = heatmap(schedule, week, languages)
    chosen_lang, chosen_hour = query().lang, query().hour
    chosen = None
    if grid is not None and chosen_lang in grid and chosen_hour is not None:
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
