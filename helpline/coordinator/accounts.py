"""Coordinator accounts, managed by administrators: list, create, edit, set a new
password, deactivate and reactivate.

The same rules as ``helpline users create``: passwords of 10+ characters,
hashed with argon2 (:func:`helpline.accounts.password_hash`); languages
from languages.yaml. An administrator may not deactivate or demote herself, so
there is always at least one active administrator. A new password, a new role or
languages, and deactivation end every session of the account at once
(:func:`helpline.accounts.end_sessions`). Every change is written to the audit log
in the same unit of work; a password never is.
"""

from __future__ import annotations

import re

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from helpline.accounts import (
    MIN_PASSWORD_LENGTH,
    AccountError,
    create_account,
    end_sessions,
    password_hash,
)
from helpline.bootstrap import from_app
from helpline.coordinator import audit
from helpline.coordinator.auth import admin_required, me, stay_logged_in
from helpline.coordinator.i18n import INTERFACE_LOCALES, helpline_languages
from helpline.store.models import Account, AccountLanguage, Role
from helpline.store.unit_of_work import UnitOfWork

bp = Blueprint("accounts", __name__)

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{0,99}$")


class AccountForm(FlaskForm):  # type: ignore[misc]
    """What an administrator edits on any account (languages come as checkboxes)."""

    name = StringField("name", validators=[DataRequired(), Length(max=200)])
    # plain values (the template shows translated labels)
    role = SelectField("role", choices=[r.value for r in Role])
    locale = SelectField("locale", choices=list(INTERFACE_LOCALES))


class NewAccountForm(AccountForm):
    username = StringField("username", validators=[DataRequired(), Length(max=100)])
    password = PasswordField("password", validators=[DataRequired(), Length(max=200)])
    password2 = PasswordField("password2", validators=[DataRequired(), Length(max=200)])


class PasswordForm(FlaskForm):  # type: ignore[misc]
    password = PasswordField("password", validators=[DataRequired(), Length(max=200)])
    password2 = PasswordField("password2", validators=[DataRequired(), Length(max=200)])


def _languages_from_form() -> list[str]:
    known = {lang.code for lang in helpline_languages()}
    return sorted({code for code in request.form.getlist("languages") if code in known})


def _password_problems(password: str, repeated: str) -> list[str]:
    if len(password) < MIN_PASSWORD_LENGTH:
        return [_("The password must have at least %(count)d characters.",
                  count=MIN_PASSWORD_LENGTH)]
    if password != repeated:
        return [_("The two passwords differ.")]
    return []


def _summary(account: Account) -> str:
    """For the audit log: never a password or its hash."""
    languages = ",".join(sorted(account.responsible_for())) or "-"
    return (f"{account.name}; role {account.role}; languages {languages}; "
            f"interface {account.locale}")


def _render_form(form: AccountForm, account: Account | None, languages: list[str],
                 password_form: PasswordForm | None = None) -> str:
    return render_template(
        "coordinator/account_form.html",
        form=form,
        account=account,
        chosen=set(languages),
        languages=helpline_languages(),
        password_form=password_form or PasswordForm(formdata=None),
        min_password=MIN_PASSWORD_LENGTH,
        is_me=account is not None and account.id == me().id,
    )


def _account(uow: UnitOfWork, account_id: int) -> Account:
    account = uow.accounts.get(account_id)
    if account is None:
        abort(404)
    return account


@bp.get("/accounts")
@admin_required
def index() -> str:
    with from_app().db.unit_of_work() as uow:
        return render_template("coordinator/accounts.html", accounts=uow.accounts.all())


@bp.route("/accounts/new", methods=["GET", "POST"])
@admin_required
def new() -> Response | str:
    form = NewAccountForm()
    languages: list[str] = []
    if request.method == "GET":
        form.role.data = Role.COORDINATOR.value
        form.locale.data = "nb"
        return _render_form(form, None, languages)
    languages = _languages_from_form()
    if not form.validate_on_submit():
        flash(_("Please fill in every field."), "error")
        return _render_form(form, None, languages)
    username = str(form.username.data).strip().lower()
    problems: list[str] = []
    if not USERNAME.match(username):
        problems.append(_("A user name has only letters a-z, digits and . _ @ -"))
    problems += _password_problems(str(form.password.data), str(form.password2.data))
    with from_app().db.unit_of_work() as uow:
        if not problems:
            try:
                account = create_account(
                    uow, username=username, name=str(form.name.data).strip(),
                    password=str(form.password.data), role=Role(form.role.data),
                    languages=languages, locale=str(form.locale.data),
                )
            except AccountError:
                problems.append(_("There is already an account called %(name)s.",
                                  name=username))
            else:
                audit.record(uow, "account.create", f"account {username}",
                             _summary(account))
                uow.commit()
                flash(_("Created the account %(name)s.", name=username), "info")
                return redirect(url_for("coordinator.accounts.index"))
    for problem in problems:
        flash(problem, "error")
    return _render_form(form, None, languages)


@bp.route("/accounts/<id:account_id>", methods=["GET", "POST"])
@admin_required
def edit(account_id: int) -> Response | str:
    form = AccountForm()
    with from_app().db.unit_of_work() as uow:
        account = _account(uow, account_id)
        if request.method == "GET":
            form.name.data = account.name
            form.role.data = account.role
            form.locale.data = account.locale
            return _render_form(form, account, sorted(account.responsible_for()))
        languages = _languages_from_form()
        if not form.validate_on_submit():
            flash(_("Please fill in every field."), "error")
            return _render_form(form, account, languages)
        role = str(form.role.data)
        if account.is_admin and role != Role.ADMIN.value:
            refusal = None
            if account.id == me().id:
                refusal = _("You cannot take the administrator role from yourself.")
            elif account.active and not uow.accounts.other_active_admins(account):
                refusal = _("There must always be an active administrator.")
            if refusal:
                flash(refusal, "error")
                return _render_form(form, account, languages)
        if role != account.role or set(languages) != account.responsible_for():
            end_sessions(account)  # she logs in again, with her new rights
        account.name = str(form.name.data).strip()
        account.role = role
        account.locale = str(form.locale.data)
        rows = {row.language: row for row in account.languages}
        account.languages = [rows.get(code) or AccountLanguage(language=code)
                             for code in languages]
        uow.flush()
        audit.record(uow, "account.edit", f"account {account.username}", _summary(account))
        uow.commit()
        stay_logged_in(account)
        flash(_("Saved %(name)s.", name=account.name), "info")
    return redirect(url_for("coordinator.accounts.index"))


@bp.post("/accounts/<id:account_id>/password")
@admin_required
def password(account_id: int) -> Response | str:
    form = PasswordForm()
    with from_app().db.unit_of_work() as uow:
        account = _account(uow, account_id)
        problems = (_password_problems(str(form.password.data or ""),
                                       str(form.password2.data or ""))
                    if form.validate_on_submit() else [_("Please fill in every field.")])
        if problems:
            for problem in problems:
                flash(problem, "error")
            edit = AccountForm(formdata=None, obj=account)
            return _render_form(edit, account, sorted(account.responsible_for()), form)
        account.password_hash = password_hash(str(form.password.data))
        end_sessions(account)
        audit.record(uow, "account.password", f"account {account.username}",
                     "new password set")
        uow.commit()
        stay_logged_in(account)
        flash(_("New password set for %(name)s.", name=account.name), "info")
    return redirect(url_for("coordinator.accounts.index"))


@bp.post("/accounts/<id:account_id>/active")
@admin_required
def set_active(account_id: int) -> Response:
    """Deactivate (she can no longer log in; her session ends) or reactivate."""
    active = request.form.get("active") == "1"
    with from_app().db.unit_of_work() as uow:
        account = _account(uow, account_id)
        if not active and account.id == me().id:
            flash(_("You cannot deactivate your own account."), "error")
            return redirect(url_for("coordinator.accounts.index"))
        if not active and account.is_admin and not uow.accounts.other_active_admins(account):
            flash(_("There must always be an active administrator."), "error")
            return redirect(url_for("coordinator.accounts.index"))
        account.active = active
        end_sessions(account)
        audit.record(uow, "account.activate" if active else "account.deactivate",
                     f"account {account.username}", account.name)
        uow.commit()
        if active:
            flash(_("%(name)s is active again.", name=account.name), "info")
        else:
            flash(_("%(name)s is deactivated.", name=account.name), "info")
    return redirect(url_for("coordinator.accounts.index"))
