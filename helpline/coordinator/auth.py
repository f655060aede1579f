"""Sessions: log in, log out, the interface language; who is logged in and her role.

Passwords are checked by :mod:`helpline.accounts` (argon2). Failed logins slow
down later ones per account and address, counted in Redis (:mod:`throttle`).
Each session carries its account's session generation, checked on every request
(:func:`_load_user`), and login starts a fresh session. Every view of the interface but the
login page needs a session, and every unsafe request a CSRF token
(:func:`require_session`, run before every page of the interface).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps
from typing import Any, TypeVar, cast

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import LoginManager, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFProtect
from werkzeug.exceptions import Forbidden, HTTPException
from werkzeug.wrappers import Response
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from helpline.accounts import authenticate, end_sessions
from helpline.bootstrap import from_app
from helpline.coordinator.i18n import INTERFACE_LOCALES
from helpline.coordinator.permissions import User
from helpline.coordinator.query import local_path
from helpline.coordinator.throttle import (
    DEVICE_COOKIE,
    DEVICE_DAYS,
    FACTOR,
    Throttle,
    wait_after,
)
from helpline.state.counters import Scope
from helpline.store.models import Account

bp = Blueprint("session", __name__)
csrf = CSRFProtect()

F = TypeVar("F", bound=Callable[..., Any])

PUBLIC_ENDPOINTS = {"coordinator.session.login", "coordinator.static"}
HOME = "coordinator.coverage.week"


def user_of(account: Account) -> User:
    """The session's copy of ``account``."""
    return User(
        id=account.id,
        username=account.username,
        name=account.name,
        role=account.role,
        locale=account.locale,
        languages=account.responsible_for(),
        generation=account.session_generation,
        is_active=account.active,
    )


def stay_logged_in(account: Account) -> None:
    """After her own account's sessions were ended (a new password), keep this one:
    she set it here; her other browsers are logged out."""
    if account.id == me().id:
        login_user(user_of(account))


def me() -> User:
    """The logged-in user (every view but login runs behind ``require_session``)."""
    return cast(User, current_user._get_current_object())


def admin_required(view: F) -> F:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not me().is_admin:
            abort(403)
        return view(*args, **kwargs)

    return cast(F, wrapper)


def forbidden(error: HTTPException) -> tuple[str, int]:
    """A refusal as a page of the interface, saying what she may not change."""
    message = error.description
    if message == Forbidden.description:  # werkzeug's own words, in English
        message = _("You are not allowed to do this.")
    return render_template("coordinator/forbidden.html", message=message), 403


def require_session() -> Response | None:
    """Every page but login needs a session; every unsafe request a CSRF token."""
    if request.endpoint in PUBLIC_ENDPOINTS:
        if request.method == "POST":
            csrf.protect()
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("coordinator.session.login", next=request.full_path))
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        csrf.protect()
    return None


def safe_next(target: str | None) -> str:
    """``target`` if it is a plain path of the interface (:func:`.query.local_path`:
    a CR or LF, another host or scheme is not), else the first page."""
    return local_path(target) or url_for(HOME)


# -- login and logout --------------------------------------------------------------


class LoginForm(FlaskForm):  # type: ignore[misc]
    username = StringField("username", validators=[DataRequired(), Length(max=100)])
    password = PasswordField("password", validators=[DataRequired(), Length(max=200)])


def _throttle() -> Throttle:
    settings = from_app().settings
    return Throttle(settings.caller_hash_secret.get_secret_value(),
                    current_app.config["SECRET_KEY"])


def _too_early(form: LoginForm, seconds: float) -> Response:
    """The answer while a scope waits: no password checked, when to try again."""
    wait = max(1, math.ceil(seconds))
    flash(_("Too many failed attempts. Wait %(seconds)d seconds and try again.",
            seconds=wait), "error")
    response = make_response(render_template("coordinator/login.html", form=form), 429)
    response.headers["Retry-After"] = str(wait)
    return response


def _count_failure(scopes: list[Scope]) -> None:
    helpline = from_app()
    free = helpline.settings.login_free_attempts
    for scope, failures in zip(scopes, helpline.counters.login_failed(scopes), strict=True):
        wait = wait_after(failures, free * FACTOR[scope[0]])
        if wait:
            helpline.counters.login_hold(scope, wait)


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | str:
    """Log in, slowed down by :mod:`throttle` (never locked: see there)."""
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("coordinator/login.html", form=form)
    helpline, throttle = from_app(), _throttle()
    who = str(form.username.data).strip().lower()
    device = throttle.known_devices(request.cookies.get(DEVICE_COOKIE)).get(
        throttle.account(who))
    scopes = throttle.scopes(who, request.remote_addr or "unknown", device)
    wait = helpline.counters.login_wait_seconds(scopes)
    if wait > 0:
        return _too_early(form, wait)
    with helpline.db.unit_of_work() as uow:
        account = authenticate(uow, who, str(form.password.data))
        if account is None:
            _count_failure(scopes)
            flash(_("Wrong user name or password."), "error")
            return render_template("coordinator/login.html", form=form)
        account.last_login_at = datetime.now(UTC)
        uow.commit()
        renew_session()
        login_user(user_of(account))
    helpline.counters.login_succeeded([s for s in scopes if s[0] != "addr"])
    response = redirect(safe_next(request.args.get("next")))
    response.set_cookie(
        DEVICE_COOKIE, throttle.remember(request.cookies.get(DEVICE_COOKIE), who),
        max_age=DEVICE_DAYS * 86400, path=url_for("coordinator.session.login"),
        secure=current_app.config["SESSION_COOKIE_SECURE"], httponly=True, samesite="Strict")
    return response


def renew_session() -> None:
    """A fresh session at login: nothing from before it carries over, not even the
    CSRF token (a token a hostile page planted before login is worthless after)."""
    session.clear()
    g.pop("csrf_token", None)  # Flask-WTF's copy for this request


@bp.post("/logout")
def logout() -> Response:
    """End this session and every other of her account (another browser, a copied
    cookie)."""
    with from_app().db.unit_of_work() as uow:
        account = uow.accounts.get(me().id)
        if account is not None:
            end_sessions(account)
            uow.commit()
    logout_user()
    session.clear()
    flash(_("You are logged out."), "info")
    return redirect(url_for("coordinator.session.login"))


@bp.post("/locale")
def set_locale() -> Response:
    """Remember the account's interface language."""
    locale = request.form.get("locale", "")
    if locale in INTERFACE_LOCALES:
        with from_app().db.unit_of_work() as uow:
            account = uow.accounts.get(me().id)
            if account is not None:
                account.locale = locale
                uow.commit()
        flash(_("Interface language changed."), "info")
    return redirect(safe_next(request.form.get("next")))


def _load_user(session_id: str) -> User | None:
    """The session's user, on every request: None (logged out) when the account is
    gone or inactive, or its sessions were ended since this one began."""
    account_id, _sep, generation = session_id.partition(":")
    if not (account_id.isdigit() and generation.isdigit()):
        return None
    with from_app().db.unit_of_work() as uow:
        account = uow.accounts.get(int(account_id))
        if (account is None or not account.active
                or account.session_generation != int(generation)):
            return None
        return user_of(account)


def init_app(app: Flask) -> None:
    csrf.init_app(app)
    manager = LoginManager()
    manager.login_view = "coordinator.session.login"
    manager.session_protection = "strong"
    manager.user_loader(_load_user)
    manager.init_app(app)
