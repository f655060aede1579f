"""The interface's own language (Norwegian, Danish or English), chosen per account,
and the names of the helpline's languages and weekdays as the interface shows them.

Texts are marked with ``gettext`` (``_``) in code and templates and translated in
the ``.po`` files of ``translations/`` (the standard Babel workflow: ``bash
scripts/translations``). Weekday names come from CLDR through Babel.
"""

from __future__ import annotations

from pathlib import Path

from babel.dates import get_day_names
from flask import Flask, request
from flask_babel import Babel, get_locale
from flask_login import current_user

from helpline.bootstrap import from_app
from helpline.prompts.catalog import Language

INTERFACE_LOCALES = {"nb": "Norsk", "da": "Dansk", "en": "English"}
TRANSLATIONS = Path(__file__).resolve().parent / "translations"


def select_locale() -> str:
    """The account's choice; before login, the browser's preference."""
    if current_user and current_user.is_authenticated:
        locale = str(current_user.locale)
        if locale in INTERFACE_LOCALES:
            return locale
    return request.accept_languages.best_match(list(INTERFACE_LOCALES)) or "en"


def helpline_languages() -> list[Language]:
    """The languages callers can choose, plus the local one, in menu order."""
    return list(from_app().catalog.languages)


def language_name(code: str) -> str:
    """``Somali (Soomaali)``: in the interface's language when it has a name for it."""
    catalog = from_app().catalog
    try:
        language = catalog.get(code)
    except KeyError:
        return code
    locale = str(get_locale() or "en")
    local_name = language.english
    if locale in ("nb", "da"):
        try:
            local_name = catalog.get(locale).name_of(language)
        except KeyError:
            pass
    if language.native and language.native != local_name:
        return f"{local_name} ({language.native})"
    return local_name


def day_names() -> list[str]:
    """Monday to Sunday, abbreviated, in the interface's language (CLDR)."""
    names = get_day_names("abbreviated", locale=str(get_locale() or "en"))
    return [names[day] for day in range(7)]


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=select_locale,
          default_translation_directories=str(TRANSLATIONS))

    @app.context_processor
    def _helpers() -> dict[str, object]:
        return {
            "language_name": language_name,
            "interface_locales": INTERFACE_LOCALES,
            "current_locale": select_locale,
        }
