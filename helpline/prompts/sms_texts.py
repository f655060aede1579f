"""The SMS texts volunteers receive, in their preferred language.

One file per language, ``helpline/prompts/sms/<code>.yaml``; a file may also
carry ``reviewed`` and ``notes`` (the translator's remarks). A volunteer whose
language has no file gets the local language's texts, and English stands in for
the local language if it has none.
Every file is checked when the service starts: each text present, with exactly
its placeholders, so a translator's slip shows at once and not in an SMS.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

SMS_DIR = Path(__file__).resolve().parent / "sms"

#: Each text and the placeholders it must have.
TEXTS: Mapping[str, frozenset[str]] = {
    "help": frozenset(),
    "not_understood": frozenset(),
    "checked_in": frozenset(),
    "checked_in_later": frozenset({"time"}),
    "no_shift_now": frozenset(),
    "checked_out": frozenset(),
    "paused": frozenset({"time"}),
    "pause_limit": frozenset({"max"}),
    "status": frozenset({"shifts", "state"}),
    "no_shifts_today": frozenset(),
    "state_available": frozenset(),
    "state_busy": frozenset(),
    "state_paused": frozenset({"time"}),
    "state_off": frozenset(),
    "state_no_shift": frozenset(),
    "reminder_automatic": frozenset({"languages", "time"}),
    "reminder_sms": frozenset({"languages", "time"}),
    "missed_pause": frozenset({"count", "minutes"}),
    "note_request": frozenset({"topics"}),
    "note_saved": frozenset({"topic"}),
    "note_none": frozenset(),
}

#: The topics of the after-call note, in the order of their digits (1 = health).
TOPICS: tuple[str, ...] = (
    "health", "children", "work_money", "family", "authorities", "loneliness", "other",
)


class SmsTextError(ValueError):
    """A mistake in an SMS text file, with the file and the text named."""


@dataclass(frozen=True)
class SmsTexts:
    """The texts of one language."""

    code: str
    texts: Mapping[str, str]
    topics: Mapping[str, str]

    def text(self, key: str, **values: object) -> str:
        return self.texts[key].format(**values)

    def topic_menu(self) -> str:
        """``1 health, 2 children and school, ...``"""
        return ", ".join(f"{i} {self.topics[key]}" for i, key in enumerate(TOPICS, start=1))


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def read_texts(path: Path) -> SmsTexts:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(document, dict):
        raise SmsTextError(f"{path}: expected 'name: text' lines")
    unknown = set(document) - set(TEXTS) - {"topics", "reviewed", "notes"}
    if unknown:
        raise SmsTextError(f"{path}: unknown text(s): {', '.join(sorted(unknown))}")
    texts: dict[str, str] = {}
    for key, wanted in TEXTS.items():
        value = document.get(key)
        if not isinstance(value, str) or not value.strip():
            raise SmsTextError(f"{path}: the text {key!r} is missing")
        if _placeholders(value) != wanted:
            need = ", ".join(f"{{{n}}}" for n in sorted(wanted)) or "no {placeholders}"
            raise SmsTextError(f"{path}: the text {key!r} must have {need}")
        texts[key] = value.strip()
    topics = document.get("topics")
    if not isinstance(topics, dict) or set(topics) != set(TOPICS):
        raise SmsTextError(f"{path}: 'topics' must name exactly: {', '.join(TOPICS)}")
    return SmsTexts(path.stem, texts, {k: str(v) for k, v in topics.items()})


class SmsCatalog:
    """Every SMS text file, and the fall-back for languages without one."""

    def __init__(self, local: str, directory: Path = SMS_DIR) -> None:
        self.by_code = {path.stem: read_texts(path) for path in sorted(directory.glob("*.yaml"))}
        if "en" not in self.by_code:
            raise SmsTextError(f"{directory}: en.yaml (the last fall-back) is missing")
        self.local = self.by_code.get(local, self.by_code["en"])

    def for_language(self, code: str | None) -> SmsTexts:
        return self.by_code.get(code or "", self.local)
