"""Every text of the coordinator interface is translated to Norwegian and Danish,
and the compiled catalogs match the tables."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.mofile import read_mo

from helpline.coordinator.translations import build
from helpline.coordinator.translations.texts import TEXTS


def test_every_text_is_translated() -> None:
    texts = build.english_texts()
    assert len(texts) > 100
    for locale, table in TEXTS.items():
        missing = [t for t in texts if not table.get(t)]
        assert not missing, f"{locale} lacks: {missing}"


@pytest.mark.parametrize("locale", sorted(TEXTS))
def test_compiled_catalogs_are_current(locale: str) -> None:
    path = Path(build.HERE) / locale / "LC_MESSAGES" / "messages.mo"
    with path.open("rb") as file:
        compiled = {m.id: m.string for m in read_mo(file) if m.id}
    expected = {t: TEXTS[locale][t] for t in build.english_texts()}
    assert compiled == expected, "run: python -m helpline.coordinator.translations.build"


@pytest.mark.parametrize("locale", sorted(TEXTS))
def test_placeholders_are_kept(locale: str) -> None:
    import re

    for english, translated in TEXTS[locale].items():
        assert set(re.findall(r"%\(\w+\)[sd]", english)) == set(
            re.findall(r"%\(\w+\)[sd]", translated)), english
