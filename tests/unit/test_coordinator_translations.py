"""The coordinator interface's translations follow Babel's workflow (``bash
scripts/translations``): the committed ``messages.pot`` lists exactly the texts
marked in the code and templates, every one is translated in each locale's
``messages.po`` with the same placeholders, and the committed ``messages.mo`` files
are compiled from the ``.po`` files as they are."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest
from babel.messages.catalog import PYTHON_FORMAT, Catalog, Message
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "helpline" / "coordinator" / "translations"
TEMPLATE = TRANSLATIONS / "messages.pot"
LOCALES = sorted(p.parent.parent.name for p in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"))
RUN = "Run `bash scripts/translations`"

Key = tuple[str | None, str | tuple[str, ...]]


def pybabel(*args: str) -> int | None:
    """Run a pybabel command in this process, as ``scripts/translations`` runs it."""
    return CommandLineInterface().run(["pybabel", "--quiet", *args])


def key(message: Message) -> Key:
    msgid = message.id if isinstance(message.id, str) else tuple(message.id)
    return message.context, msgid


def keys(messages: Iterable[Message]) -> set[Key]:
    return {key(m) for m in messages if m.id}


def read_catalog(path: Path) -> Catalog:
    with path.open("rb") as file:
        return read_po(file)


def strings(message: Message) -> list[str]:
    return [message.string] if isinstance(message.string, str) else list(message.string)


def placeholders(text: str) -> set[str]:
    return {m.group(0) for m in PYTHON_FORMAT.finditer(text)}


def placeholders_match(message: Message) -> bool:
    """Each translation keeps the English text's ``%(name)s``, ``%(count)d`` (and ``%%``)."""
    if isinstance(message.id, str):
        return all(placeholders(s) == placeholders(message.id) for s in strings(message))
    # plural forms: the last is the English plural; the others may leave some out
    singular, plural = placeholders(message.id[0]), placeholders(message.id[1])
    *others, last = strings(message)
    return placeholders(last) == plural and all(
        placeholders(s) <= singular | plural for s in others)


def test_locales() -> None:
    assert {"nb", "da"} <= set(LOCALES), LOCALES


def test_template_lists_the_texts_of_the_code(tmp_path: Path) -> None:
    """Extracting again (babel.cfg: what, where, which keywords) finds the same texts;
    where they sit does not matter, so moving code between modules keeps this green."""
    fresh = tmp_path / "messages.pot"
    assert not pybabel("extract", f"--mapping-file={ROOT / 'babel.cfg'}",
                       f"--output-file={fresh}", str(ROOT))
    in_code, committed = keys(read_catalog(fresh)), keys(read_catalog(TEMPLATE))
    assert len(in_code) > 100, "babel.cfg finds almost no texts: is it broken?"
    assert committed == in_code, (
        f"messages.pot is stale. New in the code: {sorted(in_code - committed, key=str)}; "
        f"gone from the code: {sorted(committed - in_code, key=str)}. {RUN}."
    )


@pytest.mark.parametrize("locale", LOCALES)
def test_every_text_is_translated(locale: str) -> None:
    path = TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"
    catalog = read_catalog(path)
    template = keys(read_catalog(TEMPLATE))
    problems: list[str] = []
    if catalog.fuzzy:
        problems.append("the header is marked fuzzy, so pybabel compile skips the whole file")
    if catalog.obsolete:  # pybabel update --ignore-obsolete never writes them
        problems.append(f"obsolete (#~) entries: {sorted(catalog.obsolete)}")
    found = {key(m): m for m in catalog if m.id}
    problems += [f"missing: {k[1]!r}" for k in sorted(template - set(found), key=str)]
    problems += [f"not in messages.pot: {k[1]!r}" for k in sorted(set(found) - template, key=str)]
    for k, message in sorted(found.items(), key=lambda item: str(item[0])):
        if k not in template:
            continue
        if not all(strings(message)):
            problems.append(f"not translated: {message.id!r}")
        elif message.fuzzy:
            problems.append(f"fuzzy (check the translation, then remove the flag): {message.id!r}")
        elif not placeholders_match(message):
            problems.append(f"placeholders differ: {message.id!r} -> {message.string!r}")
    assert not problems, (
        f"{path.relative_to(ROOT)}:\n  " + "\n  ".join(problems)
        + f"\n{RUN}, translate the new and fuzzy entries in the .po files with a PO editor,"
        " and run it again."
    )


@pytest.mark.parametrize("locale", LOCALES)
def test_compiled_catalog_is_current(locale: str, tmp_path: Path) -> None:
    """The committed .mo holds what pybabel compile makes of the committed .po."""
    folder = TRANSLATIONS / locale / "LC_MESSAGES"
    fresh = tmp_path / "messages.mo"
    # (a placeholder error makes it return 1 but still write the file: the test above
    # reports those)
    pybabel("compile", f"--input-file={folder / 'messages.po'}", f"--output-file={fresh}",
            f"--locale={locale}")
    assert fresh.exists(), f"pybabel compile skipped {folder / 'messages.po'} (fuzzy header?)"

    def messages(path: Path) -> dict[Key, object]:
        with path.open("rb") as file:
            return {key(m): m.string for m in read_mo(file) if m.id}

    assert messages(folder / "messages.mo") == messages(fresh), (
        f"{folder.relative_to(ROOT) / 'messages.mo'} is not compiled from the .po. {RUN}."
    )
