"""The coordinators' web interface: a blueprint under ``/coordinator``.

Every page but the login page needs a session; every form carries a CSRF token
(Flask-WTF); session cookies are Secure, HttpOnly and SameSite=Lax; logins are
rate-limited in Redis. Pages speak Norwegian, Danish or English, chosen per
account (Flask-Babel). An administrator sees and edits everything; a coordinator
edits only the languages she is responsible for.

Modules, one concern each: ``auth`` (accounts, login, roles), ``accounts``
(administrators manage accounts), ``volunteers``,
``board`` (who is on shift now, live), ``coverage`` (the heatmap), ``shifts``
(week view and editing), ``stats`` (anonymous figures, SVG charts, CSV),
``audit`` (who changed what), ``commands`` (``helpline users ...``).
"""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import Blueprint, Flask
from flask_wtf.csrf import CSRFProtect

bp = Blueprint(
    "coordinator",
    __name__,
    url_prefix="/coordinator",
    template_folder="templates",
    static_folder="static",
)

csrf = CSRFProtect()


def _secret_key(app: Flask) -> str:
    """``SECRET_KEY`` from the configuration, else one kept under ``instance/``
    (so that every process of one local installation shares it)."""
    configured = app.config.get("SECRET_KEY")
    if configured:
        return str(configured)
    path = Path(app.instance_path) / "secret_key"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(secrets.token_hex(32))
    return path.read_text().strip()


def init_app(app: Flask) -> None:
    from helpline.coordinator import (  # noqa: F401  (each module adds its views to bp)
        accounts,
        audit,
        auth,
        board,
        coverage,
        i18n,
        shifts,
        stats,
        volunteers,
    )

    app.config["SECRET_KEY"] = _secret_key(app)
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", 8 * 3600)
    # Only this blueprint's forms are checked (in auth.require_session): the Twilio
    # webhooks are signed by Twilio and carry no CSRF token.
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["SESSION_COOKIE_SECURE"] = bool(app.config.get("COOKIES_SECURE", True))
    app.config["REMEMBER_COOKIE_HTTPONLY"] = True
    app.config["REMEMBER_COOKIE_SECURE"] = app.config["SESSION_COOKIE_SECURE"]
    app.config["REMEMBER_COOKIE_SAMESITE"] = "Lax"
    csrf.init_app(app)
    auth.init_app(app)
    i18n.init_app(app)
    app.register_blueprint(bp)
