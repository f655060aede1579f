"""Volunteers: list, add, edit, deactivate; languages with their level; live state.

Phone numbers are validated as E.164 and shown only on these pages. A
coordinator may add or change a volunteer's languages only among those she is
responsible for (every volunteer also speaks the local language, which anyone
may set); she may edit a volunteer who speaks one of her languages.
"""

from __future__ import annotations

import re
import unicodedata

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from helpline.coordinator import audit, bp
from helpline.coordinator.auth import User, me
from helpline.coordinator.board import live_states
from helpline.coordinator.i18n import helpline_languages, language_name
from helpline.coordinator.routerlink import check_schedule, router_follows
from helpline.db import get_db
from helpline.models import Level, Volunteer, VolunteerLanguage, validate_e164

LEVELS = [level.value for level in Level]


class VolunteerForm(FlaskForm):  # type: ignore[misc]
    name = StringField("name", validators=[DataRequired(), Length(max=200)])
    phone = StringField("phone", validators=[DataRequired(), Length(max=32)])
    preferred_language = SelectField("preferred_language")


def local_language() -> str:
    return str(current_app.config["LOCAL_LANGUAGE"])


def may_edit_volunteer(user: User, volunteer: Volunteer) -> bool:
    if user.is_admin:
        return True
    spoken = set(volunteer.speaks()) - {local_language()}
    return bool(spoken & user.languages)


def key_for(session: Session, name: str) -> str:
    """A stable readable key from her name (``amina-h``), unique."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:50] or "volunteer"
    taken = set(session.scalars(select(Volunteer.key).where(Volunteer.key.like(f"{base}%"))))
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key


def _levels_from_form() -> dict[str, str]:
    chosen: dict[str, str] = {}
    for language in helpline_languages():
        level = request.form.get(f"lang-{language.code}", "")
        if level in LEVELS:
            chosen[language.code] = level
    return chosen


def _language_choices() -> list[tuple[str, str]]:
    return [(lang.code, language_name(lang.code)) for lang in helpline_languages()]


@bp.get("/volunteers")
def volunteers() -> str:
    show_all = request.args.get("all") == "1"
    with get_db().unit_of_work() as session:
        query = select(Volunteer).order_by(Volunteer.name)
        if not show_all:
            query = query.where(Volunteer.active.is_(True))
        people = list(session.scalars(query))
    states = live_states(v.id for v in people)
    user = me()
    editable = {v.id for v in people if may_edit_volunteer(user, v)}
    return render_template(
        "coordinator/volunteers.html",
        volunteers=people,
        states=states,
        editable=editable,
        show_all=show_all,
    )


@bp.route("/volunteers/new", methods=["GET", "POST"])
def volunteer_new() -> Response | str:
    return _edit(None)


@bp.route("/volunteers/<int:volunteer_id>", methods=["GET", "POST"])
def volunteer_edit(volunteer_id: int) -> Response | str:
    return _edit(volunteer_id)


def _edit(volunteer_id: int | None) -> Response | str:
    user = me()
    form = VolunteerForm()
    form.preferred_language.choices = _language_choices()
    with get_db().unit_of_work() as session:
        volunteer = None
        if volunteer_id is not None:
            volunteer = session.get(Volunteer, volunteer_id)
            if volunteer is None:
                abort(404)
            if not may_edit_volunteer(user, volunteer):
                abort(403)
        current = volunteer.speaks() if volunteer else {}
        levels: dict[str, str] = {code: str(level) for code, level in current.items()}
        errors: list[str] = []
        if request.method == "GET":
            if volunteer is not None:
                form.name.data = volunteer.name
                form.phone.data = volunteer.phone
                form.preferred_language.data = volunteer.preferred_language
            else:
                form.preferred_language.data = local_language()
                levels = {local_language(): Level.SECONDARY.value}
        elif form.validate_on_submit():
            levels = _levels_from_form()
            errors = _problems(session, user, volunteer, form, levels, current)
            if not errors:
                return _save(session, volunteer, form, levels, current)
        else:
            levels = _levels_from_form()
            errors = [_("Please fill in every field.")]
        for error in errors:
            flash(error, "error")
        return render_template(
            "coordinator/volunteer_form.html",
            form=form,
            volunteer=volunteer,
            levels=levels,
            level_names=LEVELS,
            languages=helpline_languages(),
            editable={lang.code for lang in helpline_languages() if _may_set(user, lang.code)},
        )


def _may_set(user: User, code: str) -> bool:
    return user.may_edit(code) or code == local_language()


def _problems(
    session: Session,
    user: User,
    volunteer: Volunteer | None,
    form: VolunteerForm,
    levels: dict[str, str],
    current: dict[str, Level],
) -> list[str]:
    problems: list[str] = []
    try:
        phone = validate_e164(str(form.phone.data))
    except ValueError:
        problems.append(
            _("The phone number must be in international form, like +4791234567.")
        )
    else:
        other = session.scalar(select(Volunteer).where(Volunteer.phone == phone))
        if other is not None and other is not volunteer:
            problems.append(_("Another volunteer already has this phone number."))
    if not levels:
        problems.append(_("Choose at least one language she speaks."))
    changed = {
        code
        for code in set(levels) | set(current)
        if levels.get(code) != (str(current[code]) if code in current else None)
    }
    for code in sorted(changed):
        if not _may_set(user, code):
            problems.append(
                _("You are not responsible for %(language)s.", language=language_name(code))
            )
    if volunteer is None and not user.is_admin and not (set(levels) & user.languages):
        problems.append(_("She must speak at least one of the languages you coordinate."))
    return problems


def _save(
    session: Session,
    volunteer: Volunteer | None,
    form: VolunteerForm,
    levels: dict[str, str],
    current: dict[str, Level],
) -> Response:
    from schedules.exceptions import ScheduleError

    name = str(form.name.data).strip()
    if volunteer is None:
        volunteer = Volunteer(key=key_for(session, name), active=True, checked_in=True)
        session.add(volunteer)
        action = "volunteer.add"
    else:
        action = "volunteer.edit"
    volunteer.name = name
    volunteer.phone = validate_e164(str(form.phone.data))
    volunteer.preferred_language = str(form.preferred_language.data)
    rows = {row.language: row for row in volunteer.languages}
    volunteer.languages = [
        _row(rows.get(code), code, level) for code, level in sorted(levels.items())
    ]
    session.flush()
    try:
        check_schedule(session)
    except ScheduleError as error:
        session.rollback()
        flash(
            _("This change does not fit the shifts: %(problems)s", problems=str(error)),
            "error",
        )
        return redirect(request.full_path)
    summary = ", ".join(f"{code}:{level}" for code, level in sorted(levels.items()))
    audit.record(session, action, f"volunteer {volunteer.key}", f"{name}; languages {summary}")
    session.commit()
    router_follows(session)
    flash(_("Saved %(name)s.", name=name), "info")
    return redirect(url_for("coordinator.volunteers"))


def _row(row: VolunteerLanguage | None, code: str, level: str) -> VolunteerLanguage:
    row = row or VolunteerLanguage(language=code)
    row.level = level
    return row


@bp.post("/volunteers/<int:volunteer_id>/active")
def volunteer_active(volunteer_id: int) -> Response:
    """Deactivate (or reactivate) a volunteer: she is off the router at once."""
    active = request.form.get("active") == "1"
    with get_db().unit_of_work() as session:
        volunteer = session.get(Volunteer, volunteer_id)
        if volunteer is None:
            abort(404)
        if not may_edit_volunteer(me(), volunteer):
            abort(403)
        volunteer.active = active
        audit.record(
            session,
            "volunteer.activate" if active else "volunteer.deactivate",
            f"volunteer {volunteer.key}",
            volunteer.name,
        )
        session.commit()
        router_follows(session)
        if active:
            flash(_("%(name)s is active again.", name=volunteer.name), "info")
        else:
            flash(_("%(name)s is deactivated.", name=volunteer.name), "info")
    return redirect(url_for("coordinator.volunteers"))
