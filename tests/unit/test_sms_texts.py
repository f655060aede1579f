"""The SMS text files: complete, with the right placeholders, the command words
the parser knows, short enough for basic phones, and the fall-backs."""

from __future__ import annotations

import math
import re
import shutil
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from helpline.prompts.catalog import load_catalog
from helpline.prompts.sms_texts import SMS_DIR, TEXTS, TOPICS, SmsCatalog, SmsTextError, read_texts
from helpline.volunteers.commands import parse

FILES = sorted(SMS_DIR.glob("*.yaml"))


def _raw(path: Path) -> dict[str, object]:
    document = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_file_is_complete(path: Path) -> None:
    texts = read_texts(path)
    assert set(texts.texts) == set(TEXTS)
    assert texts.topic_menu().startswith("1 ")
    assert texts.topic_menu().count(",") == len(TOPICS) - 1


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_file_has_the_keys_of_the_english_file(path: Path) -> None:
    english, other = _raw(SMS_DIR / "en.yaml"), _raw(path)
    assert set(other) - {"notes"} == set(english) - {"notes"}
    topics = other["topics"]
    assert isinstance(topics, dict) and set(topics) == set(TOPICS)
    assert other["reviewed"] in (True, False)


def test_every_helpline_language_has_a_file() -> None:
    codes = {language.code for language in load_catalog(local="nb").languages}
    codes |= {language.code for language in load_catalog(local="da").languages}
    assert codes - {path.stem for path in FILES} == set()


# What a text tells her to send, as the action it must be; the words are found
# as Latin capitals (ON, OFF, PAUSE 30, STATUS, or the local PÅ, AV, AF; a Korean
# particle may follow: ON을) and each must be one the parser knows, so that a
# translated word cannot slip in.
SENDS = {
    "help": {"on", "off", "pause", "status"},
    "checked_out": {"on"},
    "paused": {"on"},
    "pause_limit": {"pause"},
    "reminder_automatic": {"off"},
    "reminder_sms": {"on"},
    "missed_pause": {"on"},
}
_COMMAND = re.compile(r"(?<![A-Za-zÆØÅæøå])[A-ZÆØÅ]{2,}(?: \d+)?(?![A-Za-zÆØÅæøå\d])")


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_messages_name_the_command_words_the_parser_knows(path: Path) -> None:
    texts = read_texts(path)
    for key, wanted in SENDS.items():
        words = _COMMAND.findall(texts.texts[key])
        actions = {parse(word).action for word in words}
        assert "unknown" not in actions, (key, words)
        assert wanted <= actions, (key, words)


_GSM = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)


def segments(text: str) -> int:
    """SMS segments: GSM-7 (160, 153 when split) or else UCS-2 (70, 67 when split)."""
    if set(text) <= _GSM:
        return 1 if len(text) <= 160 else math.ceil(len(text) / 153)
    units = len(text.encode("utf-16-le")) // 2
    return 1 if units <= 70 else math.ceil(units / 67)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_messages_are_short(path: Path) -> None:
    """At most three segments with typical values (the topic question is the longest)."""
    catalog = load_catalog(local="nb")
    texts = read_texts(path)
    try:
        speaking = catalog.get(texts.code)
    except KeyError:
        speaking = catalog.local
    names = ", ".join(speaking.name_of(catalog.get(code)) for code in ("so", "ar"))
    values = {
        "time": "14:30", "max": 480, "count": 3, "minutes": 30, "languages": names,
        "topic": texts.topics["authorities"], "topics": texts.topic_menu(),
        "shifts": f"09:00-13:00 ({names})", "state": texts.text("state_available"),
    }
    for key in TEXTS:
        body = texts.texts[key].format(**values)
        if key == "not_understood":
            body += " " + texts.text("help")
        assert segments(body) <= 3, (key, body)
    assert segments(texts.text("help")) <= 2


def test_fall_back_to_the_local_language(tmp_path: Path) -> None:
    for code in ("en", "nb", "da"):
        shutil.copy(SMS_DIR / f"{code}.yaml", tmp_path)
    catalog = SmsCatalog("nb", directory=tmp_path)
    assert catalog.for_language("so").code == "nb"
    assert catalog.for_language("da").code == "da"
    assert catalog.for_language(None).code == "nb"
    assert SmsCatalog("da", directory=tmp_path).for_language("so").code == "da"


def test_each_language_gets_its_own_texts() -> None:
    catalog = SmsCatalog("nb")
    assert catalog.for_language("so").code == "so"
    assert catalog.for_language("fa-AF").code == "fa-AF"
    assert catalog.for_language("xx").code == "nb"  # no file: the local language


@pytest.mark.parametrize("source, target, old, new, text_name", [
    ("en.yaml", "xx.yaml", "{time}.", "{tme}.", "checked_in_later"),
    ("so.yaml", "so.yaml", "{count}", "3", "missed_pause"),
], ids=["a wrong placeholder", "a placeholder missing in a translation"])
def test_a_placeholder_mistake_names_the_text(tmp_path: Path, source: str, target: str,
                                              old: str, new: str, text_name: str) -> None:
    text = (SMS_DIR / source).read_text(encoding="utf-8")
    broken = tmp_path / target
    broken.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(SmsTextError, match=text_name):
        read_texts(broken)


def test_notes_are_allowed_but_other_keys_are_not(tmp_path: Path) -> None:
    text = (SMS_DIR / "en.yaml").read_text(encoding="utf-8")
    noted = tmp_path / "en.yaml"
    noted.write_text(text + 'notes: "a translator\'s remark"\n', encoding="utf-8")
    assert read_texts(noted).code == "en"
    noted.write_text(text + 'remarks: "x"\n', encoding="utf-8")
    with pytest.raises(SmsTextError, match="remarks"):
        read_texts(noted)


def line_of(text: str, start: str) -> int:
    """The number of the first line of ``text`` that starts with ``start``."""
    return next(n for n, line in enumerate(text.splitlines(), 1) if line.startswith(start))


def test_a_problem_names_the_file_and_the_line(tmp_path: Path) -> None:
    text = (SMS_DIR / "so.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "so.yaml"
    broken.write_text(text.replace("{count}", "3", 1), encoding="utf-8")
    with pytest.raises(SmsTextError) as caught:
        read_texts(broken)
    line = line_of(text, "missed_pause:")
    assert str(caught.value) == f"{broken}:{line}: the text 'missed_pause' must contain {{count}}"
    assert [(p.file, p.line) for p in caught.value.problems] == [(str(broken), line)]


def test_every_problem_of_a_file_at_once(tmp_path: Path) -> None:
    text = (SMS_DIR / "en.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "en.yaml"
    broken.write_text(
        text.replace("reviewed: false", "reviewed: maybe")
        .replace("help:", "hlep:", 1)
        .replace("{time}.", "{time.", 1)
        .replace("  family:", "  famly:", 1)
        .replace('note_none: "', 'note_none: "{topic} ', 1),
        encoding="utf-8",
    )
    with pytest.raises(SmsTextError) as caught:
        read_texts(broken)
    assert [str(problem) for problem in caught.value.problems] == [
        f"{broken}:{line_of(text, 'reviewed:')}: reviewed should be true or false",
        f"{broken}:{line_of(text, 'help:')}: unknown field 'hlep' in the file (did you mean "
        "help?) (expected 'reviewed', 'notes', 'topics', "
        + ", ".join(repr(key) for key in list(TEXTS)[:-1]) + f" or {list(TEXTS)[-1]!r})",
        f"{broken}:{line_of(text, 'checked_in_later:')}: the text 'checked_in_later': a '{{' or "
        "'}' is not closed; placeholders look like {language}",
        f"{broken}:{line_of(text, 'note_none:')}: the text 'note_none' cannot contain {{topic}} "
        "(placeholders allowed here: none)",
        f"{broken}:{line_of(text, '  family:')}: unknown field 'famly' in topics (did you mean "
        "family?) (expected " + ", ".join(repr(key) for key in TOPICS[:-1])
        + f" or {TOPICS[-1]!r})",
    ]


def test_values_are_read_as_written(tmp_path: Path) -> None:
    text = (SMS_DIR / "en.yaml").read_text(encoding="utf-8")
    path = tmp_path / "en.yaml"
    path.write_text(text.replace('  other: "other"', "  other: no"), encoding="utf-8")
    assert read_texts(path).topics["other"] == "no"


def test_the_catalog_reports_the_problems_of_every_file(tmp_path: Path) -> None:
    for code, old, new in (("so", "{count}", "3"), ("nb", "{time}", "{tid}")):
        text = (SMS_DIR / f"{code}.yaml").read_text(encoding="utf-8")
        (tmp_path / f"{code}.yaml").write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(SmsTextError) as caught:
        SmsCatalog("nb", directory=tmp_path)
    assert [(Path(p.file or "").name, p.message.split(" must")[0])
            for p in caught.value.problems] == [
        ("nb.yaml", "the text 'checked_in_later'"),
        ("so.yaml", "the text 'missed_pause'"),
        (tmp_path.name, "en.yaml (the last fall-back) is missing"),
    ]
