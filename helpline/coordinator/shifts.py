"""Shifts: a week view per language where a coordinator adds, moves and removes
shifts and exceptions (away dates, extra shifts, closed days) without typing
YAML; import and export of the schedule files.

Every change is made to the whole schedule and validated by the ``schedules``
package before it is stored: an overlap or a language she does not speak is
refused with the package's plain-words problem. After the commit the router
follows at once.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse

from helpline.coordinator import audit, bp, shift_edits
from helpline.coordinator.auth import admin_required, me
from helpline.coordinator.coverage import neighbour_weeks, week_from_request
from helpline.coordinator.i18n import helpline_languages
from helpline.coordinator.routerlink import known, router_follows
from helpline.coordinator.stats import day_names
from helpline.db import get_db
from helpline.models import Volunteer
from schedules.exceptions import ScheduleError
from schedules.model import Closure, Schedule, TimeSpan, Weekday
from schedules.notation import parse_span
from schedules.timezones import parse_iso_week

MAX_UPLOAD_BYTES = 1_000_000


@bp.get("/shifts")
def shifts() -> str:
    from helpline.schedule_store import documents

    user = me()
    codes = [lang.code for lang in helpline_languages()]
    mine = [c for c in codes if user.may_edit(c)]
    with get_db().unit_of_work() as session:
        files = sorted(documents(session))
    return render_template("coordinator/shifts.html", mine=mine, codes=codes, files=files)


def _schedule_or_empty(session: object) -> Schedule:
    from helpline.schedule_store import load_schedule

    schedule = load_schedule(session, known())  # type: ignore[arg-type]
    return schedule or Schedule(timezone=str(current_app.config["TIMEZONE"]))


@bp.get("/shifts/<language>")
def shifts_language(language: str) -> str:
    if language not in known():
        abort(404)
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    week = week_from_request(zone)
    monday = parse_iso_week(week)
    dates = [monday + timedelta(days=d) for d in range(7)]
    with get_db().unit_of_work() as session:
        schedule = _schedule_or_empty(session)
        people = list(session.scalars(select(Volunteer).where(Volunteer.active.is_(True))
                                      .order_by(Volunteer.name)))
        names = {v.key: v.name for v in session.scalars(select(Volunteer))}
    speakers = [v for v in people if language in v.speaks()]
    days: list[list[dict[str, Any]]] = [[] for _ in range(7)]
    for i, w in enumerate(schedule.weekly):
        if language in w.languages:
            days[w.weekday].append({"kind": "weekly", "index": i, "token": shift_edits.token(w),
                                    "rule": w, "others": sorted(w.languages - {language})})
    for i, e in enumerate(schedule.extra):
        if language in e.languages and monday <= e.day < monday + timedelta(days=7):
            days[e.day.weekday()].append({"kind": "extra", "index": i,
                                          "token": shift_edits.token(e), "rule": e,
                                          "others": sorted(e.languages - {language})})
    for day in days:
        day.sort(key=lambda item: item["rule"].span.start)
    speaker_keys = {v.key for v in speakers}
    away = [(i, a, shift_edits.token(a)) for i, a in enumerate(schedule.away)
            if a.volunteer in speaker_keys and a.last >= monday - timedelta(days=90)]
    closures = [(i, c, shift_edits.token(c)) for i, c in enumerate(schedule.closures)
                if c.closes(language) and c.last >= monday - timedelta(days=90)]
    earlier, later = neighbour_weeks(week)
    return render_template(
        "coordinator/shifts_language.html",
        language=language,
        may_edit=me().may_edit(language),
        week=week,
        earlier=earlier,
        later=later,
        dates=dates,
        days=days,
        day_names=day_names(),
        speakers=speakers,
        names=names,
        away=away,
        closures=closures,
    )


def _span() -> TimeSpan:
    start = request.form.get("start", "").strip()
    end = request.form.get("end", "").strip()
    if end in ("00:00", "0:00"):
        end = "24:00"
    return parse_span(f"{start}-{end}")


def _date(field: str) -> date:
    return date.fromisoformat(request.form.get(field, "").strip())


@bp.post("/shifts/<language>/edit")
def shifts_edit(language: str) -> BaseResponse:
    """One edit of ``language``'s shifts: ``action`` says which."""
    from helpline.schedule_store import save_schedule

    if language not in known():
        abort(404)
    user = me()
    if not user.may_edit(language):
        abort(403)
    action = request.form.get("action", "")
    back = redirect(url_for("coordinator.shifts_language", language=language,
                            week=request.form.get("week") or None))
    with get_db().unit_of_work() as session:
        schedule = _schedule_or_empty(session)
        speakers = {v.key: v for v in session.scalars(select(Volunteer))}
        try:
            new, summary = _apply(schedule, action, language, speakers)
        except shift_edits.StaleEdit:
            flash(_("The schedule was changed meanwhile; look at it again."), "error")
            return back
        except (ValueError, KeyError) as error:
            flash(_("Not saved: %(problem)s", problem=str(error).strip("'\"")), "error")
            return back
        try:
            save_schedule(session, new, known(), actor=user.username)
        except ScheduleError as error:
            for problem in error.problems:
                flash(_("Not saved: %(problem)s", problem=problem.message), "error")
            return back
        audit.record(session, f"shift.{action}", f"shifts {language}", summary)
        session.commit()
        router_follows(session)
    flash(_("Saved."), "info")
    return back


def _apply(
    schedule: Schedule, action: str, language: str, volunteers: dict[str, Volunteer]
) -> tuple[Schedule, str]:
    def volunteer_key() -> str:
        key = request.form.get("volunteer", "")
        if key not in volunteers:
            raise ValueError(_("choose a volunteer"))
        return key

    def weekday() -> Weekday:
        return Weekday(int(request.form.get("weekday", "")))

    if action == "add_weekly":
        key, day, span = volunteer_key(), weekday(), _span()
        return (shift_edits.add_weekly(schedule, key, language, day, span),
                f"{key} {day.short} {span}")
    if action == "move_weekly":
        index, token = int(request.form["index"]), request.form.get("token", "")
        day, span = weekday(), _span()
        old = schedule.weekly[index] if 0 <= index < len(schedule.weekly) else None
        return (shift_edits.move_weekly(schedule, index, token, language, day, span),
                f"{old.volunteer if old else '?'} {old.weekday.short if old else ''} "
                f"{old.span if old else ''} -> {day.short} {span}")
    if action == "add_extra":
        key, day_, span = volunteer_key(), _date("day"), _span()
        return (shift_edits.add_extra(schedule, key, language, day_, span),
                f"{key} extra {day_} {span}")
    if action == "add_away":
        key, first, last = volunteer_key(), _date("first"), _date("last")
        if language not in volunteers[key].speaks():
            raise ValueError(_("she does not speak this language"))
        return shift_edits.add_away(schedule, key, first, last), f"{key} away {first}..{last}"
    if action == "add_closure":
        first, last = _date("first"), _date("last")
        whole = request.form.get("scope") == "all"
        if whole and not me().is_admin:
            abort(403)
        langs = None if whole else frozenset({language})
        return (shift_edits.add_closure(schedule, first, last, langs),
                f"closed {first}..{last} {'all' if whole else language}")
    if action == "remove":
        kind = request.form.get("kind", "")
        if kind not in shift_edits.KINDS:
            abort(400)
        index, token = int(request.form["index"]), request.form.get("token", "")
        rule = shift_edits.rules(schedule, kind)[index] if 0 <= index < len(
            shift_edits.rules(schedule, kind)) else None
        if isinstance(rule, Closure) and rule.languages is None and not me().is_admin:
            abort(403)
        return (shift_edits.remove(schedule, kind, index, token, language),
                f"removed {kind}: {rule}")
    abort(400)


@bp.get("/shifts/export")
def shifts_export() -> Response:
    """The stored schedule files, as a zip (one file: the file itself)."""
    from helpline.schedule_store import documents

    with get_db().unit_of_work() as session:
        texts = documents(session)
    if len(texts) == 1:
        (name, text), = texts.items()
        return send_file(io.BytesIO(text.encode()), mimetype="application/yaml",
                         as_attachment=True, download_name=name)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in texts.items():
            archive.writestr(name, text)
    buffer.seek(0)
    return send_file(buffer, mimetype="application/zip", as_attachment=True,
                     download_name="helpline-schedules.zip")


@bp.post("/shifts/import")
@admin_required
def shifts_import() -> BaseResponse:
    """Replace the whole schedule with the uploaded files, all or nothing."""
    from helpline.schedule_store import replace_documents

    texts: dict[str, str] = {}
    for upload in request.files.getlist("files"):
        if not upload.filename:
            continue
        data = upload.read(MAX_UPLOAD_BYTES + 1)
        name = upload.filename.rsplit("/", 1)[-1]
        if len(data) > MAX_UPLOAD_BYTES:
            flash(_("%(file)s is too large.", file=name), "error")
            return redirect(url_for("coordinator.shifts"))
        try:
            texts[name] = data.decode("utf-8")
        except UnicodeDecodeError:
            flash(_("%(file)s is not UTF-8 text.", file=name), "error")
            return redirect(url_for("coordinator.shifts"))
    if not texts:
        flash(_("Choose one or more schedule files (.yaml)."), "error")
        return redirect(url_for("coordinator.shifts"))
    with get_db().unit_of_work() as session:
        try:
            replace_documents(session, texts, known(), actor=me().username)
        except ScheduleError as error:
            flash(_("Nothing was imported. Problems:"), "error")
            for problem in error.problems:
                flash(str(problem), "error")
            return redirect(url_for("coordinator.shifts"))
        audit.record(session, "schedule.import", "schedule", ", ".join(sorted(texts)))
        session.commit()
        router_follows(session)
    flash(_("Imported %(count)d files.", count=len(texts)), "info")
    return redirect(url_for("coordinator.shifts"))


