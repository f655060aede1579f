"""The coordinators' web interface, under ``/coordinator``.

One blueprint per page group, each registered here on the interface's own
blueprint (``coordinator``), which adds the session check of every page:

- ``auth``        log in, log out, interface language; roles (``session``)
- ``coverage``    the heatmap of who covers which language when (the first page)
- ``shifts``      the week view per language, edits, import and export
- ``volunteers``  list, add, edit, deactivate
- ``board``       who is on shift now and what each is doing
- ``stats``       anonymous figures, SVG charts (``charts``), CSV (``figures``)
- ``accounts``    administrators manage accounts
- ``audit``       who changed what

Every page reads its query parameters through ``query``, which answers one it
cannot read with a 400 page that says what it should be. Every page but the
login page needs a session; every form carries a CSRF token (Flask-WTF);
session cookies are Secure, HttpOnly and SameSite=Lax; failed logins slow later
ones down (``throttle``); who may change what is ``permissions``; every answer
of the app carries security headers (``headers``). Pages speak Norwegian,
Danish or English, chosen per account (``i18n``, Flask-Babel). An administrator
sees and edits everything; a coordinator edits only the languages she is
responsible for.

May import the services and :mod:`helpline.bootstrap`; nothing below imports it.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import Blueprint, Flask

from helpline.bootstrap import from_app
from helpline.coordinator import (
    accounts,
    audit,
    auth,
    board,
    coverage,
    headers,
    i18n,
    query,
    shifts,
    stats,
    volunteers,
)
from helpline.settings import Settings

PAGES = (auth, coverage, shifts, volunteers, board, stats, accounts, audit)


def blueprint() -> Blueprint:
    """The interface: every page group's blueprint under ``/coordinator``."""
    interface = Blueprint("coordinator", __name__, url_prefix="/coordinator",
                          template_folder="templates", static_folder="static")
    interface.before_request(auth.require_session)
    interface.before_request(query.check)
    interface.register_error_handler(query.BadQuery, query.bad_query)
    interface.register_error_handler(413, shifts.too_large)
    interface.register_error_handler(403, auth.forbidden)
    for page in PAGES:
        interface.register_blueprint(page.bp)
    return interface


def secret_key(settings: Settings) -> str:
    """``SECRET_KEY`` from the settings, else one kept in the instance folder
    (so that every process of one local installation shares it)."""
    if settings.secret_key is not None:
        return settings.secret_key.get_secret_value()
    path = Path(settings.instance) / "secret_key"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(secrets.token_hex(32))
    return path.read_text().strip()


def init_app(app: Flask) -> None:
    settings = from_app(app).settings
    app.config["SECRET_KEY"] = secret_key(settings)
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", 8 * 3600)
    # Only the interface's forms are checked (in auth.require_session): the Twilio
    # webhooks are signed by Twilio and carry no CSRF token.
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    # Every request, the webhooks' too: the largest is a schedule import.
    app.config["MAX_CONTENT_LENGTH"] = shifts.MAX_IMPORT_BYTES
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["SESSION_COOKIE_SECURE"] = settings.cookies_secure
    app.config["REMEMBER_COOKIE_HTTPONLY"] = True
    app.config["REMEMBER_COOKIE_SECURE"] = settings.cookies_secure
    app.config["REMEMBER_COOKIE_SAMESITE"] = "Lax"
    auth.init_app(app)
    i18n.init_app(app)
    app.url_map.converters["id"] = query.IdConverter
    app.register_error_handler(404, query.not_found)
    headers.init_app(app)
    app.register_blueprint(blueprint())
