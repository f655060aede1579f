"""Shifts: a week view per language where a coordinator adds, moves and removes
shifts and exceptions (away dates, extra shifts, closed days) without typing
YAML; import and export of the schedule files.

An edit changes only the entry it touches in the stored files
(:mod:`schedules.edits`), so the coordinators' comments and layout stay as they
wrote them; the whole schedule is validated by the ``schedules`` package before
it is stored: an overlap or a language she does not speak is refused with the
package's plain-words problem. After the commit the router follows at once.

An import whose files have problems is answered with the page itself, not with
flashed messages (2,000 problems were 14 KB in the session cookie, which browsers
drop past 4 KB): the count, the first :data:`SHOWN_PROBLEMS`, and every problem
further down the page. "Check" re-computes the same report from the same files as
a text file, importing nothing. The upload is bounded per file
(:data:`MAX_UPLOAD_BYTES`) and in all (``MAX_CONTENT_LENGTH``, a 413 page).
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Collection, Sequence
from datetime import date, timedelta
from typing import Any, Literal, NoReturn
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response as BaseResponse

from helpline.bootstrap import from_app
from helpline.coordinator import audit, permissions
from helpline.coordinator.auth import admin_required, me
from helpline.coordinator.coverage import neighbour_weeks, week_from_request
from helpline.coordinator.i18n import day_names, helpline_languages, language_name
from helpline.store.models import Volunteer
from schedules import edits
from schedules.exceptions import Problem, ScheduleError
from schedules.model import Away, Schedule, TimeSpan, Weekday, WeeklyShift
from schedules.notation import parse_span
from schedules.timezones import parse_iso_week

bp = Blueprint("shifts", __name__)

MAX_UPLOAD_BYTES = 1_000_000
MAX_IMPORT_BYTES = 4_000_000
"""The most one request may send (``MAX_CONTENT_LENGTH``): a few schedule files."""
SHOWN_PROBLEMS = 20

Kind = Literal["weekly", "extra", "away", "closure"]
KINDS: tuple[Kind, ...] = ("weekly", "extra", "away", "closure")
Rule = permissions.Rule


def token(rule: Rule) -> str:
    """A short fingerprint of a rule, so an edit applies to the rule the page showed.

    Anyone can compute it from the exported files: it proves nothing about who
    may change the rule (:func:`_authorise` decides that)."""
    return hashlib.sha256(repr(rule.sort_key()).encode()).hexdigest()[:12]


def rules_of(schedule: Schedule, kind: Kind) -> tuple[Rule, ...]:
    found: dict[Kind, tuple[Rule, ...]] = {
        "weekly": schedule.weekly, "extra": schedule.extra,
        "away": schedule.away, "closure": schedule.closures,
    }
    return found[kind]


def pick(schedule: Schedule, kind: Kind, index: int, expected: str) -> Rule:
    """The rule the page showed at ``index``; StaleEdit if the schedule changed since."""
    found = rules_of(schedule, kind)
    if not 0 <= index < len(found) or token(found[index]) != expected:
        raise edits.StaleEdit("the schedule was changed meanwhile; look at it again")
    return found[index]


@bp.get("/shifts")
def index() -> str:
    return _index_page()


def _index_page(problems: Sequence[Problem] = ()) -> str:
    """The languages, the stored files, and the problems of an import just refused."""
    user = me()
    codes = [lang.code for lang in helpline_languages()]
    mine = [c for c in codes if user.may_edit(c)]
    with from_app().db.unit_of_work() as uow:
        files = sorted(uow.schedule.texts())
    return render_template("coordinator/shifts.html", mine=mine, codes=codes, files=files,
                           problems=[str(problem) for problem in problems],
                           shown=SHOWN_PROBLEMS, max_import_mb=MAX_IMPORT_BYTES // 1_000_000,
                           max_file_mb=MAX_UPLOAD_BYTES // 1_000_000)


def _schedule_or_empty(schedule: Schedule | None) -> Schedule:
    return schedule or Schedule(timezone=from_app().settings.timezone)


@bp.get("/shifts/<language>")
def language(language: str) -> str:
    helpline = from_app()
    if language not in helpline.known_languages:
        abort(404)
    week = week_from_request(ZoneInfo(helpline.settings.timezone))
    monday = parse_iso_week(week)
    dates = [monday + timedelta(days=d) for d in range(7)]
    with helpline.db.unit_of_work() as uow:
        schedule = _schedule_or_empty(helpline.shifts.current(uow))
        people = uow.volunteers.listing(active_only=True)
        names = uow.volunteers.names_by_key()
    speakers = [v for v in people if language in v.speaks()]
    days: list[list[dict[str, Any]]] = [[] for _ in range(7)]
    for i, w in enumerate(schedule.weekly):
        if language in w.languages:
            days[w.weekday].append({"kind": "weekly", "index": i, "token": token(w),
                                    "rule": w, "others": sorted(w.languages - {language})})
    for i, e in enumerate(schedule.extra):
        if language in e.languages and monday <= e.day < monday + timedelta(days=7):
            days[e.day.weekday()].append({"kind": "extra", "index": i, "token": token(e),
                                          "rule": e, "others": sorted(e.languages - {language})})
    for day in days:
        day.sort(key=lambda item: item["rule"].span.start)
    speaker_keys = {v.key for v in speakers}
    away = [(i, a, token(a)) for i, a in enumerate(schedule.away)
            if a.volunteer in speaker_keys and a.last >= monday - timedelta(days=90)]
    closures = [(i, c, token(c)) for i, c in enumerate(schedule.closures)
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
def edit(language: str) -> BaseResponse:
    """One edit of ``language``'s shifts: ``action`` says which.

    Authorised twice: the page's language must be hers (the edit changes that
    language's part), and then what the edit actually changes, looked up in the
    stored schedule (:func:`_authorise`): the URL and the token alone prove nothing.
    """
    helpline = from_app()
    if language not in helpline.known_languages:
        abort(404)
    user = me()
    if not user.may_edit(language):
        refuse(frozenset({language}))
    action = request.form.get("action", "")
    back = redirect(url_for("coordinator.shifts.language", language=language,
                            week=request.form.get("week") or None))
    with helpline.db.unit_of_work() as uow:
        texts = uow.schedule.texts()
        schedule = _schedule_or_empty(helpline.shifts.current(uow))
        volunteers = {v.key: v for v in uow.volunteers.all()}
        try:
            new, summary = _apply(texts, schedule, action, language, volunteers)
        except edits.StaleEdit:
            flash(_("The schedule was changed meanwhile; look at it again."), "error")
            return back
        except (ValueError, KeyError) as error:
            flash(_("Not saved: %(problem)s", problem=str(error).strip("'\"")), "error")
            return back
        try:
            helpline.shifts.replace(uow, new, actor=user.username)
        except ScheduleError as error:
            for problem in error.problems:
                flash(_("Not saved: %(problem)s", problem=problem.message), "error")
            return back
        audit.record(uow, f"shift.{action}", f"shifts {language}", summary)
        uow.commit()
        helpline.shifts.follow(uow)
    flash(_("Saved."), "info")
    return back


def refuse(languages: Collection[str] | None) -> NoReturn:
    """403, naming in plain words what she is not responsible for."""
    if languages is None:
        abort(403, _("Only an administrator may close the whole helpline."))
    if not languages:  # a volunteer who speaks none of the helpline's languages
        abort(403)
    abort(403, _("You are not responsible for %(language)s.",
                 language=", ".join(language_name(code) for code in sorted(languages))))


def _authorise(rule: Rule | None, changed: frozenset[str] | None, language: str,
               volunteer: Volunteer | None) -> None:
    """Refuse (403) unless she may make the change: move or remove ``rule``, or add a
    rule for ``changed`` (languages; None: the whole helpline) about ``volunteer``'s
    availability (an away period)."""
    user, local = me(), from_app().settings.local_language
    speaks = set(volunteer.speaks()) if volunteer is not None else set()
    if rule is not None and not permissions.may_change_rule(user, rule, language, speaks, local):
        refuse(speaks - {local} if isinstance(rule, Away)
               else permissions.languages_changed(rule, language))
    if rule is None and not permissions.may_change_languages(user, changed):
        refuse(changed)
    if volunteer is not None and not permissions.may_edit_volunteer(user, speaks, local):
        refuse(speaks - {local})


def _apply(
    texts: dict[str, str], schedule: Schedule, action: str, language: str,
    volunteers: dict[str, Volunteer],
) -> tuple[dict[str, str], str]:
    """The stored files after the edit the form asks for, and a summary for the log."""
    zone = schedule.timezone

    def volunteer_key() -> str:
        key = request.form.get("volunteer", "")
        if key not in volunteers:
            raise ValueError(_("choose a volunteer"))
        return key

    def weekday() -> Weekday:
        return Weekday(int(request.form.get("weekday", "")))

    def picked(kind: Kind) -> Rule:
        """The rule the page showed, once she is found to be allowed to change it."""
        rule = pick(schedule, kind, int(request.form["index"]), request.form.get("token", ""))
        owner = volunteers.get(rule.volunteer) if isinstance(rule, Away) else None
        _authorise(rule, None, language, owner)
        return rule

    only = frozenset({language})
    if action == "add_weekly":
        key, day, span = volunteer_key(), weekday(), _span()
        _authorise(None, only, language, None)
        return (edits.add_weekly(texts, key, only, day, span, timezone=zone),
                f"{key} {day.short} {span}")
    if action == "move_weekly":
        old = picked("weekly")
        day, span = weekday(), _span()
        assert isinstance(old, WeeklyShift)
        return (edits.move_weekly(texts, old, language, day, span),
                f"{old.volunteer} {old.weekday.short} {old.span} -> {day.short} {span}")
    if action == "add_extra":
        key, day_, span = volunteer_key(), _date("day"), _span()
        _authorise(None, only, language, None)
        return (edits.add_extra(texts, key, only, day_, span, timezone=zone),
                f"{key} extra {day_} {span}")
    if action == "add_away":
        key, first, last = volunteer_key(), _date("first"), _date("last")
        if language not in volunteers[key].speaks():
            raise ValueError(_("she does not speak this language"))
        _authorise(None, only, language, volunteers[key])
        return (edits.add_away(texts, key, first, last, timezone=zone),
                f"{key} away {first}..{last}")
    if action == "add_closure":
        first, last = _date("first"), _date("last")
        whole = request.form.get("scope") == "all"
        _authorise(None, None if whole else only, language, None)
        return (edits.add_closure(texts, first, last, None if whole else only, timezone=zone),
                f"closed {first}..{last} {'all' if whole else language}")
    if action == "remove":
        kind = request.form.get("kind", "")
        if kind not in KINDS:
            abort(400)
        rule = picked(kind)
        return edits.remove(texts, rule, language), f"removed {kind}: {rule}"
    abort(400)


def too_large(_error: RequestEntityTooLarge) -> tuple[str, int]:
    """The 413 page: an upload past ``MAX_CONTENT_LENGTH``, said in her language."""
    message = _("The upload is too large: at most %(size)d MB in all. Import fewer or "
                "smaller files at once; nothing was imported.",
                size=MAX_IMPORT_BYTES // 1_000_000)
    return render_template("coordinator/error.html", heading=_("Too large"), message=message,
                           plain=url_for("coordinator.shifts.index"), back=_("Shifts")), 413


@bp.get("/shifts/export")
def export() -> Response:
    """The stored schedule files, as a zip (one file: the file itself)."""
    with from_app().db.unit_of_work() as uow:
        texts = uow.schedule.texts()
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


def _uploaded() -> dict[str, str] | BaseResponse:
    """The uploaded files by name, or the page that says why they cannot be read."""
    texts: dict[str, str] = {}
    for upload in request.files.getlist("files"):
        if not upload.filename:
            continue
        data = upload.read(MAX_UPLOAD_BYTES + 1)
        name = upload.filename.rsplit("/", 1)[-1]
        if len(data) > MAX_UPLOAD_BYTES:
            flash(_("%(file)s is too large.", file=name), "error")
            return redirect(url_for("coordinator.shifts.index"))
        try:
            texts[name] = data.decode("utf-8")
        except UnicodeDecodeError:
            flash(_("%(file)s is not UTF-8 text.", file=name), "error")
            return redirect(url_for("coordinator.shifts.index"))
    if not texts:
        flash(_("Choose one or more schedule files (.yaml)."), "error")
        return redirect(url_for("coordinator.shifts.index"))
    return texts


@bp.post("/shifts/import")
@admin_required
def import_files() -> BaseResponse | tuple[str, int]:
    """Replace the whole schedule with the uploaded files, all or nothing."""
    texts = _uploaded()
    if not isinstance(texts, dict):
        return texts
    helpline = from_app()
    with helpline.db.unit_of_work() as uow:
        try:
            helpline.shifts.replace(uow, texts, actor=me().username)
        except ScheduleError as error:
            return _index_page(error.problems), 400
        audit.record(uow, "schedule.import", "schedule", ", ".join(sorted(texts)))
        uow.commit()
        helpline.shifts.follow(uow)
    flash(_("Imported %(count)d files.", count=len(texts)), "info")
    return redirect(url_for("coordinator.shifts.index"))


@bp.post("/shifts/import/check")
@admin_required
def check_files() -> BaseResponse:
    """Every problem of the uploaded files as a text file; nothing is imported."""
    texts = _uploaded()
    if not isinstance(texts, dict):
        return texts
    helpline = from_app()
    with helpline.db.unit_of_work() as uow:  # never committed
        try:
            helpline.shifts.replace(uow, texts, actor=me().username)
        except ScheduleError as error:
            report = "".join(f"{problem}\n" for problem in error.problems)
        else:
            report = f"No problems: {', '.join(sorted(texts))} can be imported.\n"
    return Response(report, content_type="text/plain; charset=utf-8", headers={
        "Content-Disposition": 'attachment; filename="schedule-problems.txt"'})
