"""The SMS text files: complete, with the right placeholders, and the fall-backs."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpline.sms_texts import SMS_DIR, TEXTS, TOPICS, SmsCatalog, SmsTextError, read_texts


@pytest.mark.parametrize("path", sorted(SMS_DIR.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_file_is_complete(path: Path) -> None:
    texts = read_texts(path)
    assert set(texts.texts) == set(TEXTS)
    assert texts.topic_menu().startswith("1 ")
    assert texts.topic_menu().count(",") == len(TOPICS) - 1


def test_fall_back_to_the_local_language() -> None:
    catalog = SmsCatalog("nb")
    assert catalog.for_language("so").code == "nb"
    assert catalog.for_language("da").code == "da"
    assert catalog.for_language(None).code == "nb"


def test_a_wrong_placeholder_is_named(tmp_path: Path) -> None:
    text = (SMS_DIR / "en.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "xx.yaml"
    broken.write_text(text.replace("{time}.", "{tme}.", 1), encoding="utf-8")
    with pytest.raises(SmsTextError, match="checked_in_later"):
        read_texts(broken)
