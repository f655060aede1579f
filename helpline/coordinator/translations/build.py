"""Build the interface's translations: extract the English texts from the code and
templates, write ``<locale>/LC_MESSAGES/messages.po`` from :mod:`.texts`, and
compile the ``.mo`` files. Run ``python -m helpline.coordinator.translations.build``
(or ``bash scripts/translations``) after changing a text."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import write_po

from helpline.coordinator.translations.texts import TEXTS

PACKAGE = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
METHODS = [("**/translations/**", "ignore"), ("**.py", "python"),
           ("**/templates/**.html", "jinja2")]


def english_texts() -> list[str]:
    found: dict[str, None] = {}
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(PACKAGE), METHODS, keywords={"_": None, "gettext": None}
    ):
        if isinstance(message, str) and message:
            found[message] = None
    return list(found)


def catalog(locale: str, texts: list[str]) -> Catalog:
    fixed = datetime(2026, 1, 1, tzinfo=UTC)  # no date churn in the files
    result = Catalog(locale=locale, project="helpline", charset="utf-8",
                     creation_date=fixed, revision_date=fixed)
    for text in texts:
        result.add(text, TEXTS[locale].get(text, ""))
    return result


def build() -> list[str]:
    """Write every .po and .mo file; returns the texts that lack a translation."""
    texts = english_texts()
    missing = []
    for locale in TEXTS:
        folder = HERE / locale / "LC_MESSAGES"
        folder.mkdir(parents=True, exist_ok=True)
        cat = catalog(locale, texts)
        missing += [f"{locale}: {t}" for t in texts if not TEXTS[locale].get(t)]
        po, mo = io.BytesIO(), io.BytesIO()
        write_po(po, cat, omit_header=False, sort_output=True, width=100)
        write_mo(mo, cat)
        (folder / "messages.po").write_bytes(po.getvalue())
        (folder / "messages.mo").write_bytes(mo.getvalue())
    return missing


if __name__ == "__main__":
    for line in build():
        print("not translated:", line)
