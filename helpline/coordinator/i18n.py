"""The interface's own language (Norwegian, Danish or English), chosen per account,
and the names of the helpline's languages as the interface shows them."""

from __future__ import annotations

from flask import Flask, flash, redirect, request, url_for
from flask_babel import Babel
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from helpline.coordinator import bp
from helpline.db import get_db
from helpline.languages import Catalog, Language
from helpline.models import Account

INTERFACE_LOCALES = {"nb": "Norsk", "da": "Dansk", "en": "English"}


def select_locale() -> str:
    """The account's choice; before login, the browser's preference."""
    if current_user and current_user.is_authenticated:
        locale = str(current_user.locale)
        if locale in INTERFACE_LOCALES:
            return locale
    return request.accept_languages.best_match(list(INTERFACE_LOCALES)) or "en"


def catalog() -> Catalog:
    from helpline.prompts_store import get_voicing

    return get_voicing().catalog


def helpline_languages() -> list[Language]:
    """The languages callers can choose, plus the local one, in menu order."""
    return list(catalog().languages)


def language_name(code: str) -> str:
    """``Somali (Soomaali)``: in the interface's language when it has a name for it."""
    from flask_babel import get_locale

    cat = catalog()
    try:
        language = cat.get(code)
    except KeyError:
        return code
    locale = str(get_locale() or "en")
    local_name = language.english
    if locale in ("nb", "da"):
        try:
            local_name = cat.get(locale).name_of(language)
        except KeyError:
            pass
    if language.native and language.native != local_name:
        return f"{local_name} ({language.native})"
    return local_name


@bp.post("/locale")
def set_locale() -> Response:
    """Remember the account's interface language."""
    locale = request.form.get("locale", "")
    if locale in INTERFACE_LOCALES:
        with get_db().unit_of_work() as session:
            account = session.get(Account, int(current_user.get_id()))
            if account is not None:
                account.locale = locale
                session.commit()
        flash(_("Interface language changed."), "info")
    target = request.form.get("next") or ""
    if not target.startswith("/coordinator") or target.startswith("//"):
        target = url_for("coordinator.coverage")
    return redirect(target)


def init_app(app: Flask) -> None:
    from pathlib import Path

    directory = Path(__file__).resolve().parent / "translations"
    Babel(app, locale_selector=select_locale, default_translation_directories=str(directory))

    @app.context_processor
    def _helpers() -> dict[str, object]:
        return {
            "language_name": language_name,
            "interface_locales": INTERFACE_LOCALES,
            "current_locale": select_locale,
        }

