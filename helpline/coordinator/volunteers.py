"""Volunteers: list, add, edit, deactivate; languages with their level; live state.

Phone numbers are checked by :func:`schedules.phones.phone_number` (the one check
of every number, here with the helpline's own numbers refused) and shown only
on these pages. A
coordinator may add or change a volunteer's languages only among those she is
responsible for (every volunteer also speaks the local language, which anyone
may set); she may edit a volunteer who speaks one of her languages.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from helpline.bootstrap import from_app
from helpline.coordinator import audit, permissions
from helpline.coordinator.auth import me
from helpline.coordinator.board import live_states
from helpline.coordinator.i18n import helpline_languages, language_name
from helpline.coordinator.permissions import User
from helpline.coordinator.query import query
from helpline.store.models import Level, Volunteer
from helpline.store.unit_of_work import UnitOfWork
from helpline.volunteers.directory import key_for, set_languages
from schedules.exceptions import ScheduleError
from schedules.phones import PhoneError, Reason, phone_number

bp = Blueprint("volunteers", __name__)

LEVELS = [level.value for level in Level]


class VolunteerForm(FlaskForm):  # type: ignore[misc]
    name = StringField("name", validators=[DataRequired(), Length(max=200)])
    phone = StringField("phone", validators=[DataRequired(), Length(max=32)])
    preferred_language = SelectField("preferred_language")


def phone_problem(reason: Reason) -> str:
    """What the form says about a number :func:`phone_number` refused."""
    problems: dict[Reason, str] = {
        "form": _("The phone number must be in international form, like +4791234567."),
        "invalid": _("This is not a valid phone number: check the country code and the "
                     "number of digits."),
        "reserved": _("This is one of the helpline's own numbers, not a volunteer's phone."),
    }
    return problems[reason]


def checked_phone(form: VolunteerForm) -> str:
    """The form's phone number in E.164; PhoneError when it cannot be hers."""
    return phone_number(str(form.phone.data), reserved=from_app().settings.own_numbers)


def local_language() -> str:
    return from_app().settings.local_language


def may_edit_volunteer(user: User, volunteer: Volunteer) -> bool:
    return permissions.may_edit_volunteer(user, volunteer.speaks(), local_language())


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
def index() -> str:
    show_all = query().show_all
    with from_app().db.unit_of_work() as uow:
        people = uow.volunteers.listing(active_only=not show_all)
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
def new() -> Response | str:
    return _edit(None)


@bp.route("/volunteers/<id:volunteer_id>", methods=["GET", "POST"])
def edit(volunteer_id: int) -> Response | str:
    return _edit(volunteer_id)


def _edit(volunteer_id: int | None) -> Response | str:
    user = me()
    form = VolunteerForm()
    form.preferred_language.choices = _language_choices()
    with from_app().db.unit_of_work() as uow:
        volunteer = None
        if volunteer_id is not None:
            volunteer = uow.volunteers.get(volunteer_id)
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
            errors = _problems(uow, user, volunteer, form, levels, current)
            if not errors:
                return _save(uow, volunteer, form, levels)
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
    uow: UnitOfWork,
    user: User,
    volunteer: Volunteer | None,
    form: VolunteerForm,
    levels: dict[str, str],
    current: dict[str, Level],
) -> list[str]:
    problems: list[str] = []
    try:
        phone = checked_phone(form)
    except PhoneError as error:
        problems.append(phone_problem(error.reason))
    else:
        other = uow.volunteers.with_phone(phone)
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
    uow: UnitOfWork,
    volunteer: Volunteer | None,
    form: VolunteerForm,
    levels: dict[str, str],
) -> Response:
    shifts = from_app().shifts
    name = str(form.name.data).strip()
    if volunteer is None:
        volunteer = Volunteer(key=key_for(uow, name), active=True, checked_in=True)
        uow.volunteers.add(volunteer)
        action = "volunteer.add"
    else:
        action = "volunteer.edit"
    volunteer.name = name
    volunteer.phone = checked_phone(form)
    volunteer.preferred_language = str(form.preferred_language.data)
    set_languages(volunteer, levels)
    uow.flush()
    try:
        shifts.check(uow)
    except ScheduleError as error:
        uow.rollback()
        flash(
            _("This change does not fit the shifts: %(problems)s", problems=str(error)),
            "error",
        )
        return redirect(request.full_path)
    summary = ", ".join(f"{code}:{level}" for code, level in sorted(levels.items()))
    audit.record(uow, action, f"volunteer {volunteer.key}", f"{name}; languages {summary}")
    uow.commit()
    shifts.follow(uow)
    flash(_("Saved %(name)s.", name=name), "info")
    return redirect(url_for("coordinator.volunteers.index"))


@bp.post("/volunteers/<id:volunteer_id>/active")
def set_active(volunteer_id: int) -> Response:
    """Deactivate (or reactivate) a volunteer: she is off the router at once."""
    active = request.form.get("active") == "1"
    helpline = from_app()
    with helpline.db.unit_of_work() as uow:
        volunteer = uow.volunteers.get(volunteer_id)
        if volunteer is None:
            abort(404)
        if not may_edit_volunteer(me(), volunteer):
            abort(403)
        volunteer.active = active
        audit.record(
            uow,
            "volunteer.activate" if active else "volunteer.deactivate",
            f"volunteer {volunteer.key}",
            volunteer.name,
        )
        uow.commit()
        helpline.shifts.follow(uow)
        if active:
            flash(_("%(name)s is active again.", name=volunteer.name), "info")
        else:
            flash(_("%(name)s is deactivated.", name=volunteer.name), "info")
    return redirect(url_for("coordinator.volunteers.index"))
