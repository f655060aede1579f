"""Accounts, login and roles.

Passwords are hashed with argon2 (``argon2-cffi``'s defaults, rehashed when
those change). Login attempts are limited per account name and per address in
Redis (:mod:`helpline.coordinator.ratelimit`). Every view of the blueprint but
the login page needs a session, and every unsafe request a CSRF token.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import wraps
from typing import Any, TypeVar, cast

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import LoginManager, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from helpline.coordinator import bp, csrf
from helpline.coordinator.ratelimit import LoginLimiter
from helpline.db import get_db
from helpline.models import Account, AccountLanguage, Role

hasher = PasswordHasher()
# verified against when the account does not exist, so both cases take as long
_DUMMY_HASH = hasher.hash("no such account")

F = TypeVar("F", bound=Callable[..., Any])

PUBLIC_ENDPOINTS = {"coordinator.login", "coordinator.static"}


@dataclass(frozen=True)
class User:
    """The logged-in coordinator, as Flask-Login sees her (a copy, not a DB row)."""

    id: int
    username: str
    name: str
    role: str
    locale: str
    languages: frozenset[str]
    is_active: bool = True
    is_authenticated: bool = True
    is_anonymous: bool = False

    def get_id(self) -> str:
        return str(self.id)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN.value

    def may_edit(self, language: str) -> bool:
        """Whether she may change volunteers' and shifts' ``language``."""
        return self.is_admin or language in self.languages

    @classmethod
    def of(cls, account: Account) -> User:
        return cls(
            id=account.id,
            username=account.username,
            name=account.name,
            role=account.role,
            locale=account.locale,
            languages=account.responsible_for(),
            is_active=account.active,
        )


def me() -> User:
    """The logged-in user (every view but login runs behind ``require_session``)."""
    return cast(User, current_user._get_current_object())


# -- accounts -------------------------------------------------------------------


MIN_PASSWORD_LENGTH = 10


class AccountError(ValueError):
    """An account that cannot be created as asked (message in plain words)."""


def password_hash(password: str) -> str:
    """The argon2 hash of a password that follows the rules (10+ characters)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            f"the password must have at least {MIN_PASSWORD_LENGTH} characters"
        )
    return hasher.hash(password)


def create_account(
    session: Session,
    *,
    username: str,
    name: str,
    password: str,
    role: Role = Role.COORDINATOR,
    languages: Iterable[str] = (),
    locale: str = "en",
) -> Account:
    """Add an account; the caller commits."""
    username = username.strip().lower()
    if not username:
        raise AccountError("the user name is empty")
    hashed = password_hash(password)
    if session.scalar(select(Account).where(Account.username == username)):
        raise AccountError(f"there is already an account called {username!r}")
    account = Account(
        username=username,
        name=name or username,
        password_hash=hashed,
        role=role.value,
        locale=locale,
        active=True,
        created_at=datetime.now(UTC),
    )
    account.languages = [AccountLanguage(language=code) for code in sorted(set(languages))]
    session.add(account)
    session.flush()
    return account


def authenticate(session: Session, username: str, password: str) -> Account | None:
    """The active account with that name and password, or None."""
    account = session.scalar(select(Account).where(Account.username == username.strip().lower()))
    try:
        hasher.verify(account.password_hash if account else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if account is None or not account.active:
        return None
    if hasher.check_needs_rehash(account.password_hash):
        account.password_hash = hasher.hash(password)
    return account


# -- roles ------------------------------------------------------------------------


def admin_required(view: F) -> F:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not me().is_admin:
            abort(403)
        return view(*args, **kwargs)

    return cast(F, wrapper)


@bp.before_request
def require_session() -> Response | None:
    """Every page but login needs a session; every unsafe request a CSRF token."""
    if request.endpoint in PUBLIC_ENDPOINTS:
        if request.method == "POST":
            csrf.protect()
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("coordinator.login", next=request.full_path))
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        csrf.protect()
    return None


# -- login and logout ------------------------------------------------------------------


class LoginForm(FlaskForm):  # type: ignore[misc]
    username = StringField("username", validators=[DataRequired(), Length(max=100)])
    password = PasswordField("password", validators=[DataRequired(), Length(max=200)])


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/coordinator") and not target.startswith("//"):
        return target
    return url_for("coordinator.coverage")


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | str:
    form = LoginForm()
    if form.validate_on_submit():
        limiter = LoginLimiter.of(current_app)
        who = str(form.username.data).strip().lower()
        where = request.remote_addr or "unknown"
        if not limiter.allow(who, where):
            flash(_("Too many attempts. Wait a minute and try again."), "error")
            return render_template("coordinator/login.html", form=form), 429  # type: ignore[return-value]
        with get_db().unit_of_work() as session:
            account = authenticate(session, who, str(form.password.data))
            if account is not None:
                account.last_login_at = datetime.now(UTC)
                session.commit()
                login_user(User.of(account))
                limiter.reset(who, where)
                return redirect(_safe_next(request.args.get("next")))
        flash(_("Wrong user name or password."), "error")
    return render_template("coordinator/login.html", form=form)


@bp.post("/logout")
def logout() -> Response:
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("coordinator.login"))


def _load_user(user_id: str) -> User | None:
    with get_db().unit_of_work() as session:
        account = session.get(Account, int(user_id))
        if account is None or not account.active:
            return None
        return User.of(account)


def init_app(app: Flask) -> None:
    manager = LoginManager()
    manager.login_view = "coordinator.login"
    manager.session_protection = "strong"
    manager.user_loader(_load_user)
    manager.init_app(app)
